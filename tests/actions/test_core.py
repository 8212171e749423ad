"""``action_session_start`` and ``action_greet``."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.core import ActionGreet, ActionSessionStart
from bot.reflection import store
from tests.actions.support import consent, programme, responses, save

NEW_PERSON = [
    "utter_welcome",
    "utter_your_choices",
    "utter_ask_consent",
]


@pytest.mark.parametrize(("action", "name"), [(ActionSessionStart, "action_session_start"), (ActionGreet, "action_greet")])
def test_core_action_names(action, name):
    assert action().name() == name


@pytest.mark.parametrize(("key", "emergency"), [(None, "911"), ("example-uk", "999")])
async def test_action_session_start_new_person(action_db, dispatcher, tracker_factory, domain, key, emergency):
    prog = programme(key or "default")
    tracker = tracker_factory("new-person", slots={"programme": key})

    events = await ActionSessionStart().run(dispatcher, tracker, domain)

    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    assert SlotSet("programme", prog.key) in events
    assert SlotSet("emergency_number", emergency) in events
    assert SlotSet("crisis_contacts", prog.crisis_lines()) in events
    assert SlotSet("programme_name", prog.display_name) in events
    assert SlotSet("pending_question", "consent") in events
    assert responses(dispatcher.messages) == NEW_PERSON
    assert dispatcher.messages[0]["programme_name"] == prog.display_name
    assert dispatcher.messages[0]["emergency_number"] == emergency
    assert dispatcher.messages[2]["visible_to"] == prog.reflections_visible_to


async def test_action_session_start_carries_slots_over(action_db, dispatcher, tracker_factory, domain):
    previous = [
        {"event": "slot", "name": "consent", "value": "declined"},
        {"event": "slot", "name": "requested_slot", "value": "reflection_answer"},
    ]
    tracker = tracker_factory("person-1", events=previous)

    events = await ActionSessionStart().run(dispatcher, tracker, domain)

    assert events[0] == SessionStarted()
    assert events[1] == previous[0]
    assert all(e.get("name") != "requested_slot" for e in events)
    assert events[-1] == ActionExecuted("action_listen")


async def test_action_session_start_returning_person(action_db, dispatcher, tracker_factory, domain):
    consent(action_db)
    saved = save(action_db, theme="hope", prompt_key="hope_keeps_going")
    store.finish_session(action_db, saved.session_id, "stopped")

    events = await ActionSessionStart().run(dispatcher, tracker_factory("person-1"), domain)

    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    assert SlotSet("consent", "granted") in events
    assert SlotSet("pending_question", None) in events
    assert responses(dispatcher.messages) == [
        "utter_welcome_back",
        "utter_welcome_back_theme",
        "utter_what_i_am_not",
        "utter_ask_theme",
        None,
    ]
    assert dispatcher.messages[1]["theme_label"] == "hope"
    payloads = [b["payload"] for b in dispatcher.messages[4]["buttons"]]
    assert payloads[0] == "/look_back"
    assert payloads[-1] == "/continue_previous"


def _user(text: str = "hi") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "greet"}}}


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([{"event": "session_started"}, _user()], []),
        ([{"event": "session_started"}, _user(), _user("hello again")], ["utter_greet_again"]),
        ([_user(), _user(), {"event": "session_started"}, _user()], []),
    ],
    ids=["first-turn", "later-turn", "new-session"],
)
async def test_action_greet(action_db, dispatcher, tracker_factory, domain, events, expected):
    tracker = tracker_factory("person-1", text="hi", intent="greet", events=events)

    result = await ActionGreet().run(dispatcher, tracker, domain)

    assert result == []
    assert responses(dispatcher.messages) == expected
