"""Reflection journey actions: check-in form, themes, the guided form, closing, stop."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.reflection import (
    ActionAskReflectionAnswer,
    ActionChangeTopic,
    ActionLookBack,
    ActionOfferThemes,
    ActionReflectionClosing,
    ActionStartReflection,
    ActionStop,
    ValidateCheckinForm,
    ValidateReflectionForm,
)
from bot.reflection import store
from bot.reflection.form import ASKED, DONE
from tests.actions.support import consent, responses, save

ALL_ACTIONS = [
    (ValidateCheckinForm, "validate_checkin_form"),
    (ActionOfferThemes, "action_offer_themes"),
    (ActionStartReflection, "action_start_reflection"),
    (ActionAskReflectionAnswer, "action_ask_reflection_answer"),
    (ValidateReflectionForm, "validate_reflection_form"),
    (ActionReflectionClosing, "action_reflection_closing"),
    (ActionStop, "action_stop"),
    (ActionChangeTopic, "action_change_topic"),
    (ActionLookBack, "action_look_back"),
]
HOPE_FIRST_PROMPT = (
    "What has kept you going, even on harder days? It might be a person, a pet, a place, a habit or a hope."
)


def form_events(slot: str, value: str) -> list[dict]:
    """What Rasa sends to a form validation action: the candidate slot after the user turn."""
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": value, "parse_data": {}},
        {"event": "slot", "name": slot, "value": value},
    ]


@pytest.mark.parametrize(("action", "name"), ALL_ACTIONS)
def test_reflection_action_names(action, name):
    assert action().name() == name


def test_reflection_actions_are_declared_in_the_domain(domain):
    assert {name for _, name in ALL_ACTIONS} <= set(domain["actions"])


# --- check-in ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent", "slot", "response"), [
    ("6 today", "answer", "6 today", "utter_checkin_thanks"),
    ("skip", "skip", "skipped", "utter_checkin_skipped"),
])
def test_validate_checkin(action_db, dispatcher, tracker_factory, domain, text, intent, slot, response):
    consent(action_db)
    tracker = tracker_factory("person-1", text=text, intent=intent, active_loop="checkin_form")

    result = ValidateCheckinForm().validate_checkin(text, dispatcher, tracker, domain)

    assert result == {"checkin": slot, "pending_question": None, "pending_answer": None}
    assert responses(dispatcher.messages) == [response]


async def test_validate_checkin_form_run(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    tracker = tracker_factory(
        "person-1", text="7", slots={"requested_slot": "checkin"}, active_loop="checkin_form",
        events=form_events("checkin", "7"),
    )

    events = await ValidateCheckinForm().run(dispatcher, tracker, domain)

    assert SlotSet("checkin", "7") in events
    assert responses(dispatcher.messages) == ["utter_checkin_thanks"]


# --- themes and start -------------------------------------------------------------


async def test_action_offer_themes(action_db, dispatcher, tracker_factory, domain):
    events = await ActionOfferThemes().run(dispatcher, tracker_factory("person-1"), domain)

    assert events == [SlotSet("pending_question", None)]
    assert responses(dispatcher.messages) == ["utter_ask_theme", None]
    payloads = [b["payload"] for b in dispatcher.messages[1]["buttons"]]
    assert payloads == [
        '/choose_theme{"theme": "connectedness"}',
        '/choose_theme{"theme": "hope"}',
        '/choose_theme{"theme": "identity"}',
        '/choose_theme{"theme": "meaning"}',
        '/choose_theme{"theme": "empowerment"}',
        "/choose_for_me",
    ]


async def test_action_start_reflection_with_a_theme(action_db, dispatcher, tracker_factory, domain):
    tracker = tracker_factory(
        "person-1", text="hope", intent="choose_theme", entities=[{"entity": "theme", "value": "hope"}]
    )

    events = await ActionStartReflection().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("theme", "hope"),
        SlotSet("reflection_step", 0.0),
        SlotSet("reflection_permission", None),
        SlotSet("reflection_session_id", None),
        SlotSet("reflection_answers", []),
        SlotSet("reflection_answer", None),
        SlotSet("pending_question", None),
        SlotSet("pending_answer", None),
        SlotSet("requested_slot", None),
    ]
    assert responses(dispatcher.messages) == ["utter_theme_chosen"]
    assert dispatcher.messages[0]["theme_label"] == "hope"


async def test_action_start_reflection_continue_previous(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    saved = save(action_db, theme="meaning", prompt_key="meaning_matters")
    tracker = tracker_factory("person-1", intent="continue_previous")

    events = await ActionStartReflection().run(dispatcher, tracker, domain)

    assert SlotSet("theme", "meaning") in events
    assert SlotSet("reflection_step", 1.0) in events
    assert SlotSet("reflection_session_id", float(saved.session_id)) in events
    assert responses(dispatcher.messages) == ["utter_continuing"]


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({"theme": "hope", "reflection_step": 0.0}, ("utter_prompt_hope_keeps_going", [])),
        ({"theme": "hope", "reflection_step": 2.0}, ("utter_ask_permission_deeper", [SlotSet("reflection_permission", ASKED)])),
    ],
)
async def test_action_ask_reflection_answer(action_db, dispatcher, tracker_factory, domain, slots, expected):
    events = await ActionAskReflectionAnswer().run(dispatcher, tracker_factory("person-1", slots=slots), domain)

    assert responses(dispatcher.messages) == [expected[0]]
    assert events == expected[1]


# --- the reflection form ----------------------------------------------------------


def test_validate_reflection_answer_saves_with_the_domain_wording(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    text = "My friend Sam 🙂"
    tracker = tracker_factory("person-1", text=text, slots={"theme": "hope", "reflection_step": 0.0},
                              active_loop="reflection_form")

    result = ValidateReflectionForm().validate_reflection_answer(text, dispatcher, tracker, domain)

    [row] = store.list_reflections(action_db, "person-1")
    assert row["prompt_text"] == HOPE_FIRST_PROMPT
    assert row["text"] == text
    assert result["reflection_answer"] is None
    assert result["reflection_step"] == 1.0
    assert result["reflection_session_id"] == float(row["session_id"])
    assert result["reflection_answers"][0]["saved"] is True
    assert responses(dispatcher.messages) == ["utter_reflect_back"]
    assert dispatcher.messages[0]["person_words"] == text


async def test_validate_reflection_form_run_on_the_last_prompt(action_db, dispatcher, tracker_factory, domain):
    text = "paint again"
    tracker = tracker_factory(
        "person-1", text=text, slots={"theme": "hope", "reflection_step": 3.0, "requested_slot": "reflection_answer"},
        active_loop="reflection_form", events=form_events("reflection_answer", text),
    )

    events = await ValidateReflectionForm().run(dispatcher, tracker, domain)

    assert SlotSet("reflection_answer", DONE) in events
    assert SlotSet("reflection_step", 4.0) in events
    assert store.list_reflections(action_db, "person-1") == []  # no consent
    assert responses(dispatcher.messages) == ["utter_reflect_back"]


async def test_validate_reflection_form_run_skip(action_db, dispatcher, tracker_factory, domain):
    tracker = tracker_factory(
        "person-1", text="skip", intent="skip",
        slots={"theme": "hope", "reflection_step": 0.0, "requested_slot": "reflection_answer"},
        active_loop="reflection_form", events=form_events("reflection_answer", "skip"),
    )

    events = await ValidateReflectionForm().run(dispatcher, tracker, domain)

    assert SlotSet("reflection_answer", None) in events
    assert SlotSet("reflection_step", 1.0) in events
    assert responses(dispatcher.messages) == ["utter_prompt_skipped"]


def test_validate_reflection_answer_storage_failure(broken_action_db, dispatcher, tracker_factory, domain):
    tracker = tracker_factory("person-1", text="words", slots={"theme": "hope", "reflection_step": 0.0})

    result = ValidateReflectionForm().validate_reflection_answer("words", dispatcher, tracker, domain)

    assert responses(dispatcher.messages) == ["utter_storage_problem", "utter_reflect_back"]
    assert result["reflection_answers"][0]["saved"] is False


# --- closing, stop, change topic, look back ----------------------------------------


async def test_action_reflection_closing(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    saved = save(action_db, text="My dog.")
    answers = [{"key": "hope_keeps_going", "text": "My dog.", "strength": True, "theme": "hope", "saved": True}]
    tracker = tracker_factory("person-1", slots={
        "theme": "hope", "reflection_step": 4.0, "reflection_answers": answers,
        "reflection_session_id": float(saved.session_id),
    })

    events = await ActionReflectionClosing().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("reflection_answer", None),
        SlotSet("reflection_step", 0.0),
        SlotSet("pending_question", None),
    ]
    assert responses(dispatcher.messages) == [
        "utter_closing_summary", "utter_closing_saved", "utter_closing_grounding", "utter_how_to_come_back",
    ]
    assert dispatcher.messages[0]["summary"] == "• “My dog.”"
    assert store.last_session(action_db, "person-1").status == "completed"


@pytest.mark.parametrize(("saved", "expected"), [(True, "utter_stopped_saved"), (False, "utter_stopped_not_saved")])
async def test_action_stop(action_db, dispatcher, tracker_factory, domain, saved, expected):
    answers = [{"key": "hope_keeps_going", "text": "x", "strength": True, "theme": "hope", "saved": saved}]
    tracker = tracker_factory("person-1", intent="stop", slots={"theme": "hope", "reflection_answers": answers})

    events = await ActionStop().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("reflection_answer", None), SlotSet("requested_slot", None), SlotSet("pending_question", None),
        SlotSet("pending_answer", None),
    ]
    assert responses(dispatcher.messages) == ["utter_stopped", expected]


async def test_action_change_topic(action_db, dispatcher, tracker_factory, domain):
    tracker = tracker_factory("person-1", intent="change_topic", slots={"theme": "hope", "reflection_step": 2.0})

    events = await ActionChangeTopic().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("reflection_answer", None),
        SlotSet("requested_slot", None),
        SlotSet("theme", None),
        SlotSet("reflection_session_id", None),
        SlotSet("pending_question", None),
        SlotSet("pending_answer", None),
    ]
    assert responses(dispatcher.messages) == ["utter_change_topic", "utter_ask_theme", None]


@pytest.mark.parametrize("saved", [True, False])
async def test_action_look_back(action_db, dispatcher, tracker_factory, domain, saved):
    if saved:
        consent(action_db)
        save(action_db, text="My <b>dog</b>")

    events = await ActionLookBack().run(dispatcher, tracker_factory("person-1", intent="look_back"), domain)

    assert events == [SlotSet("pending_question", None)]
    if saved:
        assert responses(dispatcher.messages) == ["utter_look_back_intro", "utter_look_back_item", "utter_ask_theme", None]
        assert dispatcher.messages[1]["look_back_item"] == "Hope: “My dog”"
    else:
        assert responses(dispatcher.messages) == ["utter_look_back_none", "utter_ask_theme", None]
