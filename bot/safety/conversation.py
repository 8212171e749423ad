"""Safety turns: the safety-first response, follow-ups and the re-check.

Principles (``shared/CONTEXT.md``, *Safe messaging*): thank the person, take it
seriously, give the programme's contacts and a human, ask gently whether they
are safe now. A single "I'm fine" never closes the check: we acknowledge it,
keep the door open, and check in again before any reflection resumes. We never
repeat a person's words back here (they may describe a method).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.dialogue import Conversation, Turn
from bot.storage.db import Database

log = logging.getLogger(__name__)

OPEN = "open"
_REFLECTION_INTENTS = {"start_reflection", "choose_theme", "choose_for_me", "continue_previous"}


def _screen(conv: Conversation) -> dict[str, Any]:
    """This message's screen result, with the episode so far as context."""
    from bot.safety import ScreenResult, get_screen

    previous = conv.slot("risk_screen")
    prev = ScreenResult.from_dict(previous) if isinstance(previous, dict) else None
    return get_screen().screen(conv.text or "", previous=prev).as_dict()


RECORDED, SPOOLED, LOST = "recorded", "spooled", "lost"


def _record(conv: Conversation, db: Database, risk: dict[str, Any], *, human: bool = False) -> str:
    """Record the escalation; never blocks the reply. Returns where it went.

    If the database fails, the episode goes to the spool file, which the outbox
    worker replays when the database is back (``bot.escalation.spool``).
    """
    from bot.escalation import record_risk, spool

    entry = {
        "participant_id": conv.participant_id,
        "conversation_id": conv.participant_id,
        "category": risk.get("category") or "unspecified",
        "level": risk.get("level") if risk.get("level") in ("concern", "urgent") else "concern",
        "rules": list(risk.get("rules") or []),
        "message": conv.text or "",
        "human_requested": human,
    }
    try:
        record_risk(db, programme=conv.programme, **entry)
        return RECORDED
    except Exception:
        log.critical("escalation not recorded for %s; spooling it", conv.participant_id, exc_info=True)
    try:
        spool.write({**entry, "programme": conv.programme.key})
        return SPOOLED
    except Exception:
        log.critical("ESCALATION LOST for participant %s", conv.participant_id, exc_info=True)
        return LOST


def _merge(previous: Any, risk: dict[str, Any]) -> dict[str, Any]:
    """Keep the highest level seen in the episode, for context on later messages."""
    if not isinstance(previous, dict):
        return risk
    order = {"none": 0, "concern": 1, "urgent": 2}
    if order.get(previous.get("level"), 0) > order.get(risk.get("level"), 0):
        return {
            **risk,
            "level": previous["level"],
            "category": risk.get("category") or previous.get("category"),
        }
    return risk


def safety_response(conv: Conversation, db: Database) -> Turn:
    """The first response to a risk message: stop the script, safety first."""
    risk = dict(conv.risk or {})
    if not risk.get("escalate"):
        # DIET chose risk_disclosure ("i'm in crisis") without a screen hit: treat as concern.
        risk.update(escalate=True, level="concern", category=None, rules=["nlu:risk_disclosure"])
    _record(conv, db, risk)
    turn = Turn()
    if risk.get("subject") == "other":
        turn.say("utter_safety_thank_you_other").say("utter_safety_other_guidance")
        # Three messages: thanks, what they can do for the other person, and care
        # for the person telling us (with the offer of a person, when there is one).
        turn.say("utter_safety_other_look_after_you" if conv.programme.webhook_url else "utter_safety_other_look_after_you_no_target")
    else:
        # Three messages: the acknowledgement, the contacts, the question (with
        # buttons for a person, where there is one, and a grounding exercise).
        turn.say("utter_safety_thank_you_urgent" if risk.get("level") == "urgent" else "utter_safety_thank_you")
        turn.say("utter_safety_contacts").say(ask_safe_now(conv))
    return turn.set(
        safety_check=OPEN,
        safety_rechecks=0.0,  # a new disclosure needs its own re-check before it can close
        risk_screen=_merge(conv.slot("risk_screen"), risk),
        pending_question=None,
        reflection_answer=None,
        requested_slot=None,
    )


_SAFE_WORDS = {"safe", "fine", "ok", "okay", "alright", "good", "better"}


def _context_only_raise_on_a_safe_answer(conv: Conversation, risk: dict[str, Any]) -> bool:
    """"yes I'm safe right now": the timing word answers our question, it is no new risk.

    Only a raise that came from context alone (the message screens clean on its
    own) is set aside, and only when the person says they are safe in words.
    """
    from bot.safety import get_screen

    if "ctx.raise" not in (risk.get("rules") or []):
        return False
    words = set(re.findall(r"[a-z']+", (conv.text or "").lower()))
    if conv.intent not in ("safe_now", "affirm") or not words & _SAFE_WORDS:
        return False
    return not get_screen().screen(conv.text or "").escalate


def followup(conv: Conversation, db: Database) -> Turn:
    """Any answer while a safety check is open."""
    risk = _screen(conv)
    intent = conv.intent
    rechecks = int(conv.slot("safety_rechecks", 0) or 0)
    about_someone_else = (conv.slot("risk_screen") or {}).get("subject") == "other"
    answers_not_safe = intent == "not_safe" or (intent == "deny" and not about_someone_else)
    if (
        risk.get("escalate")
        and not answers_not_safe
        and not _context_only_raise_on_a_safe_answer(conv, risk)
    ):
        # e.g. "i have the pills here" after a concern: a new disclosure. ("I'm
        # not safe" screens as risk too, but it answers our question: below.)
        return safety_response(Conversation(**{**conv.__dict__, "risk": risk}), db)
    if about_someone_else and rechecks == 0 and intent in ("affirm", "deny"):
        # We offered a person, we did not ask "are you safe?": yes/no answers the offer.
        if intent == "affirm":
            return request_human(conv, db)
        return Turn().say(door_open(conv)).set(safety_check=OPEN)
    if intent in ("not_safe", "deny"):
        risk = {**(conv.slot("risk_screen") or {}), "level": "urgent", "escalate": True}
        risk["rules"] = list(risk.get("rules") or []) + ["person:not_safe"]
        outcome = _record(conv, db, risk, human=True)
        turn = Turn().say("utter_safety_not_safe").say("utter_safety_contacts")
        if outcome != LOST and conv.programme.webhook_url:
            turn.say("utter_human_told_short" if outcome == RECORDED else "utter_human_spooled_short")
        return (
            turn
            .say("utter_safety_offer_grounding")
            .set(
                safety_check=OPEN,
                risk_screen=_merge(conv.slot("risk_screen"), risk),
                safety_rechecks=0.0,
            )
        )
    if intent in _REFLECTION_INTENTS and conv.slot("safety_check") == OPEN:
        return recheck(conv)
    if intent in ("safe_now", "affirm"):
        if rechecks >= 1:
            # They were asked again before returning, and said they are safe: close.
            return (
                Turn()
                .say("utter_safety_ack_safe")
                .say("utter_safety_resume_choice")
                .set(safety_check=None, safety_rechecks=0.0)
            )
        return (
            Turn()
            .say("utter_safety_ack_safe")
            .say(door_open(conv))
            .say("utter_safety_will_check_again")
            .set(safety_check=OPEN)
        )
    # Unclear while the check is open: stay with the person, keep the door open.
    return Turn().say(door_open(conv)).say(ask_safe_now(conv)).set(safety_check=OPEN)


def recheck(conv: Conversation) -> Turn:
    """Before any reflection resumes after a disclosure: ask again, gently."""
    rechecks = int(conv.slot("safety_rechecks", 0) or 0)
    return (
        Turn()
        .say("utter_safety_recheck" if conv.programme.webhook_url else "utter_safety_recheck_no_target")
        .set(safety_check=OPEN, safety_rechecks=float(rechecks + 1))
    )


def ask_safe_now(conv: Conversation) -> str:
    """"Are you safe right now?", with a person among the buttons only when one can be alerted."""
    return "utter_ask_safe_now" if conv.programme.webhook_url else "utter_ask_safe_now_no_target"


def door_open(conv: Conversation) -> str:
    return "utter_safety_door_open" if conv.programme.webhook_url else "utter_safety_door_open_no_target"


def human_reply(conv: Conversation, outcome: str) -> str:
    """What may truly be said about a request for a person, by where it went:
    no target configured, only spooled for later, recorded for delivery, or lost."""
    if outcome == LOST:
        return "utter_human_request_failed"
    if not conv.programme.webhook_url:
        return "utter_human_no_target"
    return "utter_human_requested" if outcome == RECORDED else "utter_human_spooled"


def request_human(conv: Conversation, db: Database) -> Turn:
    """Pass a message to the programme's people (an escalation with human_requested)."""
    risk = dict(conv.slot("risk_screen") or {})
    risk.setdefault("level", "concern")
    risk["rules"] = list(risk.get("rules") or []) + ["person:requested_human"]
    if not risk.get("category"):
        risk["category"] = "human_request"
    # Only promise a person once the request is in the database; a spooled one
    # is delivered later, so give the contacts to reach directly now.
    reply = human_reply(conv, _record(conv, db, risk, human=True))
    turn = Turn().say(reply)
    if conv.slot("safety_check") == OPEN and reply == "utter_human_requested":
        turn.say("utter_safety_contacts")
    return turn
