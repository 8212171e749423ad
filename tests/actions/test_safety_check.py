"""The gentle check's actions: ask, the reply, and the full response on yes/not sure.

Against a real SQLite database (``action_db``) and the real domain. A check
never escalates by itself; "no" keeps the person's words where they belong.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.safety import ActionSafetyCheck, ActionSafetyCheckConfirmed, ActionSafetyCheckReply
from bot.escalation import list_escalations
from bot.reflection import store as reflection_store
from bot.safety import check
from tests.actions.support import consent, responses

CHECK_TEXT = "honestly i'm so done with all of it"
MENU = {"text": "• Hope: what keeps you going", "buttons": [{"title": "Hope", "payload": "/choose_theme"}]}


def check_risk(category: str = "suicide") -> dict[str, Any]:
    return {"escalate": False, "category": category, "level": "check", "subject": "self",
            "rules": [], "concepts": ["concept.state.unbearable"], "score": 0.5}  # fmt: skip


def events_of(tracker_events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in tracker_events if e.get("event") == "slot"}


def asked_tracker(make_tracker, **slots: Any):
    """The tracker after the person's ambiguous message, following the theme menu."""
    events = [
        {"event": "bot", "text": MENU["text"], "data": {"buttons": MENU["buttons"]}},
        {"event": "user", "text": CHECK_TEXT, "parse_data": {}},
    ]
    return make_tracker(
        text=CHECK_TEXT, intent="risk_check", slots=slots, risk=check_risk(), events=events
    )


async def test_check_asks_one_question_and_remembers_where_they_were(tracker_factory, dispatcher, domain, action_db):
    tracker = asked_tracker(tracker_factory)
    slots = events_of(await ActionSafetyCheck().run(dispatcher, tracker, domain))

    assert responses(dispatcher.messages) == ["utter_check_self"]
    assert slots["safety_check"] == check.CHECKING
    pending = slots["safety_pending"]
    assert pending["text"] == CHECK_TEXT and pending["asks"] == 1
    assert pending["risk"]["level"] == "check"
    assert pending["resume"] == MENU
    assert list_escalations(action_db) == []  # nothing escalated by asking


async def test_an_unclear_reply_is_asked_once_more(tracker_factory, dispatcher, domain):
    pending = {"text": CHECK_TEXT, "risk": check_risk("abuse_or_unsafe_home"), "asks": 1, "resume": None}
    tracker = tracker_factory(text="what do you mean", intent="risk_check",
                           slots={"safety_check": check.CHECKING, "safety_pending": pending})  # fmt: skip
    slots = events_of(await ActionSafetyCheck().run(dispatcher, tracker, domain))
    assert responses(dispatcher.messages) == ["utter_check_again", "utter_check_home"]
    assert slots["safety_pending"]["asks"] == 2


async def test_no_outside_a_form_asks_the_last_question_again(tracker_factory, dispatcher, domain, action_db):
    pending = {"text": CHECK_TEXT, "risk": check_risk(), "asks": 1, "resume": MENU}
    tracker = tracker_factory(text="no", intent="risk_check", slots={
        "safety_check": check.CHECKING, "safety_pending": pending, "check_answer": "no"})  # fmt: skip
    slots = events_of(await ActionSafetyCheckReply().run(dispatcher, tracker, domain))
    assert dispatcher.messages[0]["response"] == "utter_check_no"
    assert dispatcher.messages[1]["text"] == MENU["text"]
    assert dispatcher.messages[1]["buttons"] == MENU["buttons"]
    assert slots["safety_check"] is None and slots["safety_pending"] is None
    assert list_escalations(action_db) == []


async def test_no_inside_a_reflection_keeps_their_words_as_the_answer(tracker_factory, dispatcher, domain, action_db):
    consent(action_db)
    pending = {"text": CHECK_TEXT, "risk": check_risk(), "asks": 1, "resume": None}
    tracker = tracker_factory(
        text="no", intent="risk_check", active_loop="reflection_form",
        slots={"safety_check": check.CHECKING, "safety_pending": pending, "check_answer": "no",
               "consent": "granted", "theme": "hope", "reflection_step": 0.0,
               "requested_slot": "reflection_answer"},
    )  # fmt: skip
    slots = events_of(await ActionSafetyCheckReply().run(dispatcher, tracker, domain))

    assert responses(dispatcher.messages)[:2] == ["utter_check_no", "utter_reflect_back"]
    assert CHECK_TEXT in dispatcher.messages[1]["person_words"]
    [row] = reflection_store.list_reflections(action_db, "person-1")
    assert row["text"] == CHECK_TEXT  # the answer they gave, not "no"
    assert slots["reflection_step"] == 1.0
    assert slots["safety_check"] is None
    assert list_escalations(action_db) == []


async def test_no_inside_the_checkin_keeps_their_checkin(tracker_factory, dispatcher, domain, action_db):
    pending = {"text": "rough. really rough", "risk": check_risk(), "asks": 1, "resume": None}
    tracker = tracker_factory(
        text="nope", intent="risk_check", active_loop="checkin_form",
        slots={"safety_check": check.CHECKING, "safety_pending": pending, "check_answer": "no"},
    )  # fmt: skip
    slots = events_of(await ActionSafetyCheckReply().run(dispatcher, tracker, domain))
    assert responses(dispatcher.messages)[0] == "utter_check_no"
    assert slots["checkin"] == "rough. really rough"


@pytest.mark.parametrize("answer", ["yes", "unsure"])
async def test_yes_or_not_sure_gets_the_full_response_and_an_escalation(
    tracker_factory, dispatcher, domain, action_db, answer
):
    pending = {"text": CHECK_TEXT, "risk": check_risk(), "asks": 1, "resume": None}
    tracker = tracker_factory(text="yes" if answer == "yes" else "not sure", intent="risk_check",
                           slots={"safety_check": check.CHECKING, "safety_pending": pending,
                                  "check_answer": answer})  # fmt: skip
    slots = events_of(await ActionSafetyCheckConfirmed().run(dispatcher, tracker, domain))

    assert "utter_safety_thank_you" in responses(dispatcher.messages)
    assert "utter_ask_safe_now" in responses(dispatcher.messages)
    assert slots["safety_check"] == "open"
    assert slots["safety_pending"] is None
    [row] = list_escalations(action_db)
    assert row.category == "suicide" and row.level == "concern"
    assert f"person:check_{answer}" in row.rules
