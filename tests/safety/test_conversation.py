"""Safety turns on a real database: ``bot.safety.conversation``.

The safety-first response, follow-ups and the re-check, ``request_human``, and
the safe-messaging guard (no method details repeated back). Risk results come
from the real screen (``screen`` fixture), escalations from the real service.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import get_settings
from bot.dialogue import Conversation, Turn
from bot.escalation import list_escalations, spool
from bot.safety import conversation as safety
from bot.safety import get_screen
from tests.actions.support import (
    make_conversation,
    programme,
    unmigrated_database,
)

CONCERN_TEXT = "i don't want to be here anymore"  # suicide, concern, self
URGENT_TEXT = "i'm going to take all my pills tonight"  # suicide, urgent, self
OTHER_TEXT = "my friend said she wants to kill herself"  # suicide, about someone else
FIRST_RESPONSE = [
    "utter_safety_thank_you",
    "utter_safety_contacts",
    "utter_ask_safe_now",
]
OTHER_RESPONSE = [
    "utter_safety_thank_you_other",
    "utter_safety_other_guidance",
    "utter_safety_other_look_after_you",  # with the offer of a person (the programme has a target)
]
#: What must never follow a disclosure: script prompts, cheerful reflect-backs.
SCRIPT_RESPONSES = ("utter_prompt_", "utter_reflect_back", "utter_theme_chosen", "utter_ask_theme")
SAFETY_DOMAIN = Path(__file__).resolve().parents[2] / "domain" / "safety.yml"


def said(
    text: str, intent: str | None = None, risk: dict | None = None, **slots: Any
) -> Conversation:
    """A message from person-1, with the risk the NLU component attached (if any)."""
    conv = make_conversation("person-1", text=text, intent=intent, slots=slots)
    return dataclasses.replace(conv, risk=risk)


def apply(slots: dict[str, Any], turn: Turn) -> dict[str, Any]:
    """The slots after Rasa applies the turn's SlotSet events."""
    return {**slots, **turn.slots}


def assert_no_script(turn: Turn) -> None:
    for name in turn.responses:
        assert not name.startswith(SCRIPT_RESPONSES), f"{name} after a disclosure: {turn.responses}"


def one_escalation(database):
    rows = list_escalations(database)
    assert len(rows) == 1, rows
    return rows[0]


def disclose(database, screen, text: str = CONCERN_TEXT, **slots: Any) -> tuple[dict, dict]:
    """Run the first safety response; return (risk, slots afterwards)."""
    risk = screen.screen(text).as_dict()
    turn = safety.safety_response(said(text, "risk_disclosure", risk, **slots), database)
    return risk, apply(slots, turn)


# --- safety_response ------------------------------------------------------------------------


def test_concern_gets_the_safety_first_response(database, screen):
    risk = screen.screen(CONCERN_TEXT).as_dict()
    assert (risk["level"], risk["category"], risk["subject"]) == ("concern", "suicide", "self")
    conv = said(
        CONCERN_TEXT,
        "risk_disclosure",
        risk,
        pending_question="consent",
        reflection_answer="half an answer",
        requested_slot="reflection_answer",
        theme="hope",
    )

    turn = safety.safety_response(conv, database)

    assert turn.responses == FIRST_RESPONSE
    assert "utter_safety_thank_you_urgent" not in turn.responses
    assert_no_script(turn)
    assert turn.slots == {
        "safety_check": "open",
        "safety_rechecks": 0.0,
        "risk_screen": risk,
        "pending_question": None,
        "reflection_answer": None,
        "requested_slot": None,
    }
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level) == ("open", "suicide", "concern")
    assert (esc.participant_id, esc.conversation_id, esc.programme) == (
        "person-1",
        "person-1",
        "default",
    )
    assert esc.human_requested is False
    assert esc.rules == risk["rules"]
    assert esc.message_count == 1


def test_urgent_adds_the_emergency_message(database, screen):
    risk = screen.screen(URGENT_TEXT).as_dict()
    assert risk["level"] == "urgent"

    turn = safety.safety_response(said(URGENT_TEXT, "risk_disclosure", risk), database)

    assert turn.responses == [
        "utter_safety_thank_you_urgent",
        "utter_safety_contacts",
        "utter_ask_safe_now",
    ]
    assert_no_script(turn)
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["risk_screen"]["level"] == "urgent"
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level) == ("open", "suicide", "urgent")


def test_someone_else_at_risk_gets_third_party_guidance(database, screen):
    risk = screen.screen(OTHER_TEXT).as_dict()
    assert risk["subject"] == "other"

    turn = safety.safety_response(said(OTHER_TEXT, "risk_disclosure", risk), database)

    assert turn.responses == OTHER_RESPONSE
    assert "utter_ask_safe_now" not in turn.responses  # they are not the one at risk
    assert "utter_safety_thank_you" not in turn.responses
    assert_no_script(turn)
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["risk_screen"] == risk
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level) == ("open", "suicide", risk["level"])


@pytest.mark.parametrize("nlu_risk", ["no risk key", "no screen hit"])
def test_nlu_only_disclosure_is_a_concern_with_unspecified_category(db, screen, nlu_risk):
    # DIET chose risk_disclosure ("i'm in crisis") but the screen found nothing.
    risk = None if nlu_risk == "no risk key" else screen.screen("i'm in crisis").as_dict()
    assert risk is None or risk["escalate"] is False

    turn = safety.safety_response(said("i'm in crisis", "risk_disclosure", risk), db)

    assert turn.responses == FIRST_RESPONSE
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["risk_screen"]["level"] == "concern"
    assert turn.slots["risk_screen"]["escalate"] is True
    esc = one_escalation(db)
    assert (esc.status, esc.category, esc.level) == ("open", "unspecified", "concern")
    assert esc.rules == ["nlu:risk_disclosure"]


def test_storage_failure_never_blocks_the_safety_response(tmp_path, screen, caplog):
    broken = unmigrated_database(tmp_path)
    risk = screen.screen(URGENT_TEXT).as_dict()

    with caplog.at_level(logging.CRITICAL, logger="bot.safety.conversation"):
        turn = safety.safety_response(said(URGENT_TEXT, "risk_disclosure", risk), broken)

    assert turn.responses == [
        "utter_safety_thank_you_urgent",
        "utter_safety_contacts",
        "utter_ask_safe_now",
    ]
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["risk_screen"] == risk
    assert any("escalation not recorded" in r.getMessage() for r in caplog.records)
    assert (get_settings().var_dir / spool.SPOOL_NAME).exists()  # kept for replay


def test_second_disclosure_updates_the_same_episode(db, screen):
    _, slots = disclose(db, screen, CONCERN_TEXT)
    risk = screen.screen(URGENT_TEXT).as_dict()

    turn = safety.safety_response(said(URGENT_TEXT, "risk_disclosure", risk, **slots), db)

    assert "utter_safety_thank_you_urgent" in turn.responses
    esc = one_escalation(db)
    assert (esc.level, esc.message_count) == ("urgent", 2)


# --- followup ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i'm fine", "safe_now"),
        ("yes", "affirm"),
        ("you misunderstood, i'm ok", "safe_now"),
    ],
)
def test_a_single_im_fine_keeps_the_check_open(db, screen, text, intent):
    _, slots = disclose(db, screen)

    turn = safety.followup(said(text, intent, **slots), db)

    assert turn.responses == [
        "utter_safety_ack_safe",
        "utter_safety_door_open",
        "utter_safety_will_check_again",
    ]
    assert turn.slots == {"safety_check": "open"}
    assert one_escalation(db).message_count == 1  # "i'm fine" is not a new risk message


@pytest.mark.parametrize(
    "intent", ["choose_theme", "start_reflection", "choose_for_me", "continue_previous"]
)
@pytest.mark.parametrize(("before", "after"), [(0.0, 1.0), (1.0, 2.0)])
def test_reflection_while_open_rechecks_first(db, screen, intent, before, after):
    _, slots = disclose(db, screen)
    slots["safety_rechecks"] = before

    turn = safety.followup(said("hope", intent, **slots), db)

    assert turn.responses == ["utter_safety_recheck"]
    assert turn.slots == {"safety_check": "open", "safety_rechecks": after}
    assert_no_script(turn)


@pytest.mark.parametrize(("text", "intent"), [("yes i'm safe", "safe_now"), ("yes", "affirm")])
def test_safe_after_a_recheck_closes_the_check(db, screen, text, intent):
    _, slots = disclose(db, screen)
    slots["safety_rechecks"] = 1.0

    turn = safety.followup(said(text, intent, **slots), db)

    assert turn.responses == ["utter_safety_ack_safe", "utter_safety_resume_choice"]
    assert turn.slots == {"safety_check": None, "safety_rechecks": 0.0}
    esc = one_escalation(db)
    assert esc.status == "open"  # closing the chat's check does not resolve the staff episode


@pytest.mark.parametrize(("text", "intent"), [("i'm not safe", "not_safe"), ("no", "deny")])
def test_not_safe_escalates_to_urgent_with_a_human(database, screen, text, intent):
    risk, slots = disclose(database, screen)
    slots["safety_rechecks"] = 1.0

    turn = safety.followup(said(text, intent, **slots), database)

    assert turn.responses == [
        "utter_safety_not_safe",
        "utter_safety_contacts",
        "utter_human_told_short",  # recorded, and the programme has a target
        "utter_safety_offer_grounding",
    ]
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["safety_rechecks"] == 0.0
    assert turn.slots["risk_screen"]["level"] == "urgent"
    assert turn.slots["risk_screen"]["category"] == "suicide"
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level) == ("open", "suicide", "urgent")
    assert esc.human_requested is True
    assert esc.rules == [*risk["rules"], "person:not_safe"]
    assert esc.message_count == 2


def test_not_safe_on_a_broken_database_still_answers(tmp_path, screen):
    risk = screen.screen(CONCERN_TEXT).as_dict()
    slots = {"safety_check": "open", "risk_screen": risk}

    turn = safety.followup(said("no", "deny", **slots), unmigrated_database(tmp_path))

    assert turn.responses == [
        "utter_safety_not_safe",
        "utter_safety_contacts",
        "utter_human_spooled_short",  # the database is down: it waits in the spool
        "utter_safety_offer_grounding",
    ]
    assert turn.slots["safety_check"] == "open"


def test_context_raises_a_followup_to_an_urgent_disclosure(database, screen):
    previous = screen.screen(CONCERN_TEXT)
    assert previous.level == "concern"
    text = "i have the pills right here"
    _, slots = disclose(database, screen, CONCERN_TEXT)

    turn = safety.followup(said(text, "nlu_fallback", **slots), database)

    assert turn.responses == [
        "utter_safety_thank_you_urgent",
        "utter_safety_contacts",
        "utter_ask_safe_now",
    ]
    assert turn.slots["safety_check"] == "open"
    assert turn.slots["risk_screen"]["level"] == "urgent"
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level, esc.message_count) == (
        "open",
        "suicide",
        "urgent",
        2,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("not sure", "nlu_fallback"),
        ("🙂", None),
        ("", None),
        ("whatever", "out_of_scope"),
    ],
)
def test_unclear_while_open_keeps_the_door_open(db, screen, text, intent):
    _, slots = disclose(db, screen)

    turn = safety.followup(said(text, intent, **slots), db)

    assert turn.responses == ["utter_safety_door_open", "utter_ask_safe_now"]
    assert turn.slots == {"safety_check": "open"}
    assert one_escalation(db).message_count == 1


def test_new_disclosure_after_a_recheck_needs_a_new_recheck(db, screen):
    # disclosure → "i'm fine" → "hope" (re-check) → a NEW disclosure → "i'm fine":
    # the new episode must not be closed by that single "i'm fine".
    _, slots = disclose(db, screen)
    slots = apply(slots, safety.followup(said("i'm fine", "safe_now", **slots), db))
    slots = apply(slots, safety.followup(said("hope", "choose_theme", **slots), db))
    assert slots["safety_rechecks"] == 1.0
    risk = screen.screen(URGENT_TEXT).as_dict()
    slots = apply(
        slots, safety.safety_response(said(URGENT_TEXT, "risk_disclosure", risk, **slots), db)
    )

    turn = safety.followup(said("i'm fine", "safe_now", **slots), db)

    assert turn.slots.get("safety_check", slots.get("safety_check")) == "open", turn
    assert "utter_safety_resume_choice" not in turn.responses
    assert "utter_safety_will_check_again" in turn.responses


# --- request_human ----------------------------------------------------------------------


def test_request_human_during_a_safety_check(database, screen):
    risk, slots = disclose(database, screen)

    turn = safety.request_human(said("talk to a person", "request_human", **slots), database)

    assert turn.responses == ["utter_human_requested", "utter_safety_contacts"]
    assert turn.slots == {}
    esc = one_escalation(database)
    assert (esc.status, esc.category, esc.level) == ("open", "suicide", "concern")
    assert esc.human_requested is True
    assert esc.rules == [*risk["rules"], "person:requested_human"]


def test_request_human_without_a_disclosure(db):
    turn = safety.request_human(said("can i talk to a real person", "request_human"), db)

    assert turn.responses == ["utter_human_requested"]
    esc = one_escalation(db)
    assert (esc.status, esc.category, esc.level) == ("open", "human_request", "concern")
    assert esc.human_requested is True
    assert esc.rules == ["person:requested_human"]


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({}, ["utter_human_spooled"]),
        ({"safety_check": "open"}, ["utter_human_spooled"]),  # it carries the contacts itself
    ],
)
def test_request_human_on_a_broken_database_says_so(tmp_path, slots, expected):
    turn = safety.request_human(
        said("talk to a person", "request_human", **slots), unmigrated_database(tmp_path)
    )

    assert turn.responses == expected


# --- the conversation as a whole ------------------------------------------------------------


def test_sequence_never_closes_before_the_recheck_answer(database, screen):
    """disclosure → "i'm fine" → "hope" → re-check → "yes i'm safe" → closed."""
    risk = screen.screen(CONCERN_TEXT).as_dict()
    slots: dict[str, Any] = {"reflection_step": 0.0, "safety_rechecks": 0.0}
    steps = [
        ("response", CONCERN_TEXT, "risk_disclosure", risk),
        ("followup", "i'm fine", "safe_now", None),
        ("followup", "hope", "choose_theme", None),
        ("followup", "yes i'm safe", "safe_now", None),
    ]
    said_so_far: list[list[str]] = []
    states: list[Any] = []
    for kind, text, intent, nlu_risk in steps:
        conv = said(text, intent, nlu_risk, **slots)
        turn = (
            safety.safety_response(conv, database)
            if kind == "response"
            else safety.followup(conv, database)
        )
        assert_no_script(turn)
        slots = apply(slots, turn)
        said_so_far.append(turn.responses)
        states.append(slots.get("safety_check"))

    assert states == ["open", "open", "open", None]
    assert said_so_far[0] == FIRST_RESPONSE
    assert "utter_safety_will_check_again" in said_so_far[1]
    assert said_so_far[2] == ["utter_safety_recheck"]
    assert said_so_far[3] == ["utter_safety_ack_safe", "utter_safety_resume_choice"]
    assert slots["safety_rechecks"] == 0.0
    esc = one_escalation(database)
    assert (esc.status, esc.level, esc.message_count) == ("open", "concern", 1)


# --- safe messaging: never repeat method details back -----------------------------------------


def _domain_texts() -> dict[str, list[str]]:
    responses = yaml.safe_load(SAFETY_DOMAIN.read_text(encoding="utf-8"))["responses"]
    return {name: [v["text"] for v in variants] for name, variants in responses.items()}


def render(turn: Turn, texts: dict[str, list[str]]) -> list[str]:
    """Every wording of every message in the turn, filled as the action server would."""
    fill = programme().template_vars()
    out: list[str] = []
    for say in turn.says:
        if say.text is not None:
            out.append(say.text)
            continue
        assert say.response in texts, f"{say.response} is not in domain/safety.yml"
        variables = {**fill, **{k: str(v) for k, v in say.vars.items()}}
        for wording in texts[say.response]:
            filled = re.sub(r"\{(\w+)\}", lambda m, v=variables: v[m.group(1)], wording)
            out.append(filled)
    return out


METHOD_DISCLOSURES = [
    ("i'm going to take all my pills tonight", ["pills", "pill", "tonight"]),
    ("i'm going to jump off the bridge tonight", ["bridge", "jump"]),
    ("i cut myself with a razor last night", ["razor", "cut"]),
    ("i'm going to hang myself with a rope", ["rope", "hang"]),
]


@pytest.mark.parametrize(("text", "method_words"), METHOD_DISCLOSURES)
def test_no_method_details_are_repeated_back(db, screen, text, method_words):
    texts = _domain_texts()
    risk = screen.screen(text).as_dict()
    first = safety.safety_response(said(text, "risk_disclosure", risk), db)
    slots = apply({}, first)
    turns = [
        first,
        safety.followup(said("i'm fine", "safe_now", **slots), db),
        safety.followup(said(f"i said {text}", "nlu_fallback", **slots), db),
        safety.followup(said("hope", "choose_theme", **slots), db),
        safety.followup(said("no", "not_safe", **slots), db),
        safety.request_human(said("talk to a person", "request_human", **slots), db),
    ]

    outgoing = [line for turn in turns for line in render(turn, texts)]

    assert outgoing
    joined = "\n".join(outgoing).lower()
    for word in method_words:
        assert not re.search(rf"\b{re.escape(word)}\b", joined), f"{word!r} repeated back: {joined}"
    assert "{" not in joined  # every template variable was filled
    for turn in turns:
        assert all(not say.vars for say in turn.says)  # nothing of theirs is passed to a template


def test_render_would_catch_a_repeated_method():
    # The guard above can fail: a turn carrying the person's words is caught.
    leaky = Turn().say("utter_safety_thank_you").say_text("You said: take all my pills")
    assert "pills" in "\n".join(render(leaky, _domain_texts()))


@pytest.mark.parametrize(
    ("text", "intent", "wrong"),
    [
        ("no", "deny", "utter_safety_not_safe"),
        ("yes", "affirm", "utter_safety_ack_safe"),
    ],
)
def test_yes_or_no_after_a_third_party_disclosure_answers_the_offer(
    db,
    screen,
    text,
    intent,
    wrong,
):
    # The third-party response ends by offering a human ("Would you like that?") and
    # never asks "are you safe?": a "no"/"yes" answers that offer, not the safety question.
    risk = screen.screen(OTHER_TEXT).as_dict()
    slots = apply({}, safety.safety_response(said(OTHER_TEXT, "risk_disclosure", risk), db))

    turn = safety.followup(said(text, intent, **slots), db)

    assert wrong not in turn.responses, turn.responses
    if intent == "deny":
        assert one_escalation(db).human_requested is False  # they declined a person


def test_yes_im_safe_right_now_is_an_answer_not_a_new_disclosure(db):
    risk = get_screen().screen("honestly i dont want to be alive anymore").as_dict()
    slots = {"safety_check": "open", "risk_screen": risk, "safety_rechecks": 1.0}

    turn = safety.followup(said("yes im safe right now", "safe_now", **slots), db)

    assert turn.responses == ["utter_safety_ack_safe", "utter_safety_resume_choice"]
    assert turn.slots["safety_check"] is None


def test_means_right_after_a_disclosure_still_raises_even_with_yes(db):
    risk = get_screen().screen("honestly i dont want to be alive anymore").as_dict()
    slots = {"safety_check": "open", "risk_screen": risk}

    turn = safety.followup(said("yes i have the pills right here", "affirm", **slots), db)

    assert "utter_safety_thank_you_urgent" in turn.responses
    assert turn.slots["risk_screen"]["level"] == "urgent"


# --- the human-support promise matches the programme (issue 7) -------------------------------


def _no_target(conv):
    return Conversation(**{**conv.__dict__, "programme": programme(target=None)})


def test_request_human_without_a_target_says_no_one_is_alerted(database):
    turn = safety.request_human(_no_target(said("talk to a person", "request_human")), database)

    assert turn.responses == ["utter_human_no_target"]
    assert one_escalation(database).human_requested is True  # still recorded for the programme


def test_request_human_spooled_says_it_will_be_passed_on(tmp_path):
    turn = safety.request_human(said("talk to a person", "request_human"), unmigrated_database(tmp_path))

    assert turn.responses == ["utter_human_spooled"]


def test_request_human_recorded_with_a_target_says_a_person_will_be_in_touch(database):
    turn = safety.request_human(said("talk to a person", "request_human"), database)

    assert turn.responses == ["utter_human_requested"]


def test_not_safe_without_a_target_promises_no_one(database, screen):
    risk, slots = disclose(database, screen)
    turn = safety.followup(_no_target(said("i'm not safe", "not_safe", **slots)), database)

    assert "utter_human_told_short" not in turn.responses
    assert turn.responses[:2] == ["utter_safety_not_safe", "utter_safety_contacts"]


def test_the_safety_response_without_a_target_offers_no_person(database, screen):
    turn = safety.safety_response(
        _no_target(said(CONCERN_TEXT, "risk_disclosure", risk=screen.screen(CONCERN_TEXT).as_dict())),
        database,
    )

    assert turn.responses == ["utter_safety_thank_you", "utter_safety_contacts", "utter_ask_safe_now_no_target"]
