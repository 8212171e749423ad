"""``action_grant_consent`` and ``action_withdraw_consent``."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.consent import ActionGrantConsent, ActionWithdrawConsent
from bot.consent import store as consent_store
from bot.reflection import store
from tests.actions.support import responses


@pytest.mark.parametrize(
    ("action", "name"), [(ActionGrantConsent, "action_grant_consent"), (ActionWithdrawConsent, "action_withdraw_consent")]
)
def test_consent_action_names(action, name):
    assert action().name() == name


async def test_action_grant_consent(action_db, dispatcher, tracker_factory, domain):
    tracker = tracker_factory("person-1", text="yes", intent="give_consent", slots={"pending_question": "consent"})

    events = await ActionGrantConsent().run(dispatcher, tracker, domain)

    assert events == [SlotSet("consent", "granted"), SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == ["utter_consent_thanks"]
    assert consent_store.has_consented(action_db, "person-1") is True


async def test_action_grant_consent_saves_pending_answers(action_db, dispatcher, tracker_factory, domain):
    pending = [
        {"key": "meaning_matters", "text": "My garden", "strength": False, "theme": "meaning", "saved": False,
         "prompt_text": "What matters most to you at the moment?"},
    ]
    tracker = tracker_factory("person-1", intent="give_consent", slots={"consent": "declined", "reflection_answers": pending})

    events = await ActionGrantConsent().run(dispatcher, tracker, domain)

    assert responses(dispatcher.messages) == ["utter_consent_thanks", "utter_consent_pending_saved"]
    [row] = store.list_reflections(action_db, "person-1")
    assert (row["theme"], row["prompt"], row["text"]) == ("meaning", "meaning_matters", "My garden")
    assert SlotSet("reflection_answers", [{**pending[0], "saved": True}]) in events
    assert SlotSet("reflection_session_id", float(row["session_id"])) in events
    assert SlotSet("consent", "granted") in events


async def test_action_grant_consent_when_already_granted(action_db, dispatcher, tracker_factory, domain):
    consent_store.grant(action_db, "person-1")

    events = await ActionGrantConsent().run(dispatcher, tracker_factory("person-1", slots={"consent": "granted"}), domain)

    assert events == [SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == ["utter_consent_already"]


@pytest.mark.parametrize(("consent_slot", "response"), [(None, "utter_consent_declined"), ("granted", "utter_consent_withdrawn")])
async def test_action_withdraw_consent(action_db, dispatcher, tracker_factory, domain, consent_slot, response):
    consent_store.grant(action_db, "person-1")
    tracker = tracker_factory("person-1", intent="withdraw_consent", slots={"consent": consent_slot})

    events = await ActionWithdrawConsent().run(dispatcher, tracker, domain)

    assert events == [SlotSet("consent", "declined"), SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == [response]
    assert consent_store.has_consented(action_db, "person-1") is False


async def test_action_grant_consent_storage_failure(broken_action_db, dispatcher, tracker_factory, domain):
    events = await ActionGrantConsent().run(dispatcher, tracker_factory("person-1"), domain)

    assert events == [SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == ["utter_storage_problem"]
