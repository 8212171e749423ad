"""Privacy actions: explain, ask to delete, delete, cancel."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.privacy import (
    ActionAskDelete,
    ActionCancelDelete,
    ActionDeleteReflections,
    ActionExplainPrivacy,
)
from bot.reflection import store
from tests.actions.support import consent, responses, save


@pytest.mark.parametrize(
    ("action", "name"),
    [
        (ActionExplainPrivacy, "action_explain_privacy"),
        (ActionAskDelete, "action_ask_delete"),
        (ActionDeleteReflections, "action_delete_reflections"),
        (ActionCancelDelete, "action_cancel_delete"),
    ],
)
def test_privacy_action_names(action, name):
    assert action().name() == name


@pytest.mark.parametrize("consented", [True, False])
async def test_action_explain_privacy(action_db, dispatcher, tracker_factory, domain, consented):
    if consented:
        consent(action_db)
        save(action_db)

    events = await ActionExplainPrivacy().run(dispatcher, tracker_factory("person-1", intent="ask_what_is_saved"), domain)

    assert events == []
    first = "utter_privacy_saved" if consented else "utter_privacy_not_saved"
    assert responses(dispatcher.messages) == [first, "utter_privacy_safety_note"]
    if consented:
        assert dispatcher.messages[0]["reflection_count"] == 1
    assert dispatcher.messages[0]["visible_to"] == "you, and the peer support team of your programme"
    assert dispatcher.messages[1]["human_support"] == "a person from your programme"


@pytest.mark.parametrize(("saved", "response"), [(True, "utter_confirm_delete"), (False, "utter_nothing_to_delete")])
async def test_action_ask_delete(action_db, dispatcher, tracker_factory, domain, saved, response):
    if saved:
        consent(action_db)
        save(action_db)

    events = await ActionAskDelete().run(dispatcher, tracker_factory("person-1", intent="delete_reflections"), domain)

    assert events == [SlotSet("pending_question", "delete")]
    assert responses(dispatcher.messages) == [response]


async def test_action_delete_reflections(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    save(action_db, text="one")
    save(action_db, text="two")
    tracker = tracker_factory("person-1", intent="affirm", slots={"pending_question": "delete"})

    events = await ActionDeleteReflections().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("pending_question", None),
        SlotSet("reflection_answers", []),
        SlotSet("reflection_session_id", None),
    ]
    assert responses(dispatcher.messages) == ["utter_deleted"]
    assert dispatcher.messages[0]["deleted_count"] == 2
    assert store.list_reflections(action_db, "person-1") == []


async def test_action_cancel_delete(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    save(action_db)
    tracker = tracker_factory("person-1", intent="deny", slots={"pending_question": "delete"})

    events = await ActionCancelDelete().run(dispatcher, tracker, domain)

    assert events == [SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == ["utter_delete_cancelled"]
    assert len(store.list_reflections(action_db, "person-1")) == 1
