"""Safety actions: the safety-first response, the follow-up/re-check, a human."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from actions.safety import ActionRequestHuman, ActionSafetyFollowup, ActionSafetyResponse
from bot.core.welcome import programme_slots
from bot.escalation import list_escalations
from tests.actions.support import make_conversation, responses
from tests.safety.test_conversation import CONCERN_TEXT, FIRST_RESPONSE, URGENT_TEXT

ALL_ACTIONS = [
    (ActionSafetyResponse, "action_safety_response"),
    (ActionSafetyFollowup, "action_safety_followup"),
    (ActionRequestHuman, "action_request_human"),
]


@pytest.fixture(scope="module")
def screen():
    from bot.safety import get_screen

    return get_screen()


@pytest.fixture(scope="module")
def wording() -> dict[str, Any]:
    """The programme wording slots ``action_session_start`` sets (default programme)."""
    return programme_slots(make_conversation())


def by_name(dispatcher, name: str) -> dict[str, Any]:
    [message] = [m for m in dispatcher.messages if m.get("response") == name]
    return message


def assert_default_contacts(message: dict[str, Any]) -> None:
    assert "988" in message["crisis_contacts"]
    assert "741741" in message["crisis_contacts"]
    assert "Emergency services: call 911" in message["crisis_contacts"]


@pytest.mark.parametrize(("action", "name"), ALL_ACTIONS)
def test_safety_action_names(action, name):
    assert action().name() == name


def test_safety_actions_are_declared_in_the_domain(domain):
    assert {name for _, name in ALL_ACTIONS} <= set(domain["actions"])
    assert {"safety_check", "risk_screen", "safety_rechecks"} <= set(domain["slots"])


def test_every_safety_response_is_in_the_domain(domain):
    used = {
        "utter_safety_thank_you",
        "utter_safety_thank_you_other",
        "utter_safety_thank_you_urgent",
        "utter_safety_contacts",
        "utter_ask_safe_now",
        "utter_safety_other_guidance",
        "utter_safety_other_look_after_you",
        "utter_safety_ack_safe",
        "utter_safety_door_open",
        "utter_safety_will_check_again",
        "utter_safety_not_safe",
        "utter_safety_recheck",
        "utter_safety_resume_choice",
        "utter_human_requested",
        "utter_human_request_failed",
    }
    assert used <= set(domain["responses"])


# --- action_safety_response ---------------------------------------------------------------


async def test_safety_response_action(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    risk = screen.screen(URGENT_TEXT).as_dict()
    tracker = tracker_factory(
        "person-1",
        text=URGENT_TEXT,
        intent="risk_disclosure",
        risk=risk,
        slots={**wording, "pending_question": "consent", "reflection_answer": "x"},
    )

    events = await ActionSafetyResponse().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("safety_check", "open"),
        SlotSet("safety_rechecks", 0.0),
        SlotSet("risk_screen", risk),
        SlotSet("pending_question", None),
        SlotSet("reflection_answer", None),
        SlotSet("requested_slot", None),
    ]
    assert responses(dispatcher.messages) == [
        "utter_safety_thank_you_urgent",
        "utter_safety_contacts",
        "utter_ask_safe_now",
    ]
    assert_default_contacts(by_name(dispatcher, "utter_safety_contacts"))
    assert by_name(dispatcher, "utter_safety_thank_you_urgent")["emergency_number"] == "911"
    assert by_name(dispatcher, "utter_ask_safe_now")["human_support"] == "the peer support team"
    for message in dispatcher.messages:  # their words (a method) never reach a template
        assert not any("pills" in str(v) for v in message.values()), message
    [esc] = list_escalations(action_db)
    assert (esc.status, esc.category, esc.level, esc.participant_id) == (
        "open",
        "suicide",
        "urgent",
        "person-1",
    )


async def test_safety_response_action_without_a_screen_hit(
    action_db, dispatcher, tracker_factory, domain, wording
):
    tracker = tracker_factory(
        "person-1", text="i'm in crisis", intent="risk_disclosure", slots=wording
    )

    events = await ActionSafetyResponse().run(dispatcher, tracker, domain)

    assert SlotSet("safety_check", "open") in events
    assert responses(dispatcher.messages) == FIRST_RESPONSE
    [esc] = list_escalations(action_db)
    assert (esc.category, esc.level) == ("unspecified", "concern")


async def test_safety_response_action_on_a_broken_database(
    broken_action_db, dispatcher, tracker_factory, domain, screen, wording
):
    risk = screen.screen(CONCERN_TEXT).as_dict()
    tracker = tracker_factory(
        "person-1", text=CONCERN_TEXT, intent="risk_disclosure", risk=risk, slots=wording
    )

    events = await ActionSafetyResponse().run(dispatcher, tracker, domain)

    assert SlotSet("safety_check", "open") in events
    assert responses(dispatcher.messages) == FIRST_RESPONSE
    assert_default_contacts(by_name(dispatcher, "utter_safety_contacts"))


# --- action_safety_followup ---------------------------------------------------------------


def open_check(screen, wording, **extra: Any) -> dict[str, Any]:
    return {
        **wording,
        "safety_check": "open",
        "risk_screen": screen.screen(CONCERN_TEXT).as_dict(),
        **extra,
    }


async def test_followup_action_im_fine_keeps_the_check_open(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    tracker = tracker_factory(
        "person-1", text="i'm fine", intent="safe_now", slots=open_check(screen, wording)
    )

    events = await ActionSafetyFollowup().run(dispatcher, tracker, domain)

    assert events == [SlotSet("safety_check", "open")]
    assert responses(dispatcher.messages) == [
        "utter_safety_ack_safe",
        "utter_safety_door_open",
        "utter_safety_will_check_again",
    ]
    assert by_name(dispatcher, "utter_safety_door_open")["human_support"] == "the peer support team"


async def test_followup_action_rechecks_before_reflection(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    tracker = tracker_factory(
        "person-1",
        text="hope",
        intent="choose_theme",
        entities=[{"entity": "theme", "value": "hope"}],
        slots=open_check(screen, wording),
    )

    events = await ActionSafetyFollowup().run(dispatcher, tracker, domain)

    assert events == [SlotSet("safety_check", "open"), SlotSet("safety_rechecks", 1.0)]
    assert responses(dispatcher.messages) == ["utter_safety_recheck"]


async def test_followup_action_safe_after_a_recheck_closes(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    slots = open_check(screen, wording, safety_rechecks=1.0)
    tracker = tracker_factory("person-1", text="yes i'm safe", intent="safe_now", slots=slots)

    events = await ActionSafetyFollowup().run(dispatcher, tracker, domain)

    assert events == [SlotSet("safety_check", None), SlotSet("safety_rechecks", 0.0)]
    assert responses(dispatcher.messages) == ["utter_safety_ack_safe", "utter_safety_resume_choice"]


async def test_followup_action_not_safe(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    tracker = tracker_factory(
        "person-1", text="no", intent="not_safe", slots=open_check(screen, wording)
    )

    events = await ActionSafetyFollowup().run(dispatcher, tracker, domain)

    assert SlotSet("safety_check", "open") in events
    assert SlotSet("safety_rechecks", 0.0) in events
    [risk_event] = [e for e in events if e["name"] == "risk_screen"]
    assert risk_event["value"]["level"] == "urgent"
    assert responses(dispatcher.messages) == [
        "utter_safety_not_safe",
        "utter_safety_contacts",
        "utter_human_told_short",
        "utter_safety_offer_grounding",
    ]
    assert by_name(dispatcher, "utter_safety_not_safe")["emergency_number"] == "911"
    assert_default_contacts(by_name(dispatcher, "utter_safety_contacts"))
    [esc] = list_escalations(action_db)
    assert (esc.level, esc.human_requested) == ("urgent", True)


async def test_followup_action_context_raise(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    tracker = tracker_factory(
        "person-1",
        text="i have the pills right here",
        intent="nlu_fallback",
        slots=open_check(screen, wording),
    )

    events = await ActionSafetyFollowup().run(dispatcher, tracker, domain)

    assert "utter_safety_thank_you_urgent" in responses(dispatcher.messages)
    [risk_event] = [e for e in events if e["name"] == "risk_screen"]
    assert risk_event["value"]["level"] == "urgent"
    [esc] = list_escalations(action_db)
    assert esc.level == "urgent"


# --- action_request_human -----------------------------------------------------------------


async def test_request_human_action(
    action_db, dispatcher, tracker_factory, domain, screen, wording
):
    tracker = tracker_factory(
        "person-1",
        text="talk to a person",
        intent="request_human",
        slots=open_check(screen, wording),
    )

    events = await ActionRequestHuman().run(dispatcher, tracker, domain)

    assert events == []
    assert responses(dispatcher.messages) == ["utter_human_requested", "utter_safety_contacts"]
    message = by_name(dispatcher, "utter_human_requested")
    assert (message["human_support"], message["emergency_number"]) == (
        "the peer support team",
        "911",
    )
    [esc] = list_escalations(action_db)
    assert (esc.status, esc.category, esc.human_requested) == ("open", "suicide", True)


async def test_request_human_action_on_a_broken_database(
    broken_action_db, dispatcher, tracker_factory, domain, wording
):
    tracker = tracker_factory(
        "person-1", text="talk to a person", intent="request_human", slots=wording
    )

    events = await ActionRequestHuman().run(dispatcher, tracker, domain)

    assert events == []
    assert responses(dispatcher.messages) == ["utter_human_spooled"]  # the spool passes it on later
    assert_default_contacts(dispatcher.messages[0])
