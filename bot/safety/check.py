"""The gentle check: one direct question when a message is ambiguous.

When the screen says ``check`` (something might be risk, nothing says so
clearly), the bot asks one question that fits the category and waits:

* "yes" or "not sure" -> the full safety response and an escalation
  (the message that raised the check is what the record keeps);
* "no" -> the person is returned to exactly where they were, with the
  message they wrote kept (as their reflection answer, their check-in, or
  simply heard), and the question they had been asked comes back;
* a new disclosure -> the full safety response; "stop" and "talk to a
  person" work as everywhere;
* anything else -> asked once more; a second unclear reply counts as
  "not sure" (safety first).

Nothing is escalated unless the answer confirms. The question is phrased so
"yes" always means "yes, that is happening", whatever the category.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.dialogue import Conversation, Turn

CHECKING = "checking"  # value of the safety_check slot while a check question waits
YES, NO, UNSURE, UNCLEAR = "yes", "no", "unsure", "unclear"
ANSWER_ENTITY = "check_answer"
MAX_ASKS = 2

#: The question for each category (domain/safety.yml holds the words).
QUESTIONS = {
    "suicide": "utter_check_self",
    "self_harm": "utter_check_self",
    "overdose_or_medical": "utter_check_medical",
    "harm_to_others": "utter_check_others",
    "abuse_or_unsafe_home": "utter_check_home",
}

# Short replies only: a long message is a new message, not an answer.
_MAX_REPLY_WORDS = 10
_UNSURE = re.compile(
    r"\b(not sure|unsure|dunno|don'?t know|idk|maybe|perhaps|kind of|kinda|sort of|sorta|"
    r"a bit|a little|sometimes|hard to say|not really sure|possibly|i guess|might be)\b"
)
_NOT_SAFE = re.compile(r"\b(not safe|unsafe|not ok(ay)?|not fine|not alright)\b")
_NO = re.compile(
    r"^(no+|nope|nah|na|nay|never|not really|not at all|definitely not|of course not|no way|"
    r"i'?m (fine|ok|okay|alright|good|safe)|im (fine|ok|okay|alright|good|safe)|"
    r"(i'?m |im )?safe|(i'?m |im )?all good|nothing like that|not like that)\b"
)
_YES = re.compile(
    r"^(yes+|yeah|yea|yep|yup|ya|yh|aye|y|i am|i do|i have|i did|true|correct|that'?s right|"
    r"right|sadly yes|honestly yes|definitely|i think so)\b"
)


def interpret(text: str, intent: str | None = None) -> str:
    """What a reply to the check question says: yes, no, unsure or unclear."""
    words = re.sub(r"[^\w\s']", " ", (text or "").lower()).split()
    if not words or len(words) > _MAX_REPLY_WORDS:
        return UNCLEAR
    clean = " ".join(words)
    if _UNSURE.search(clean):
        return UNSURE
    if _NOT_SAFE.search(clean) or intent == "not_safe":
        return YES
    if _NO.search(clean) or intent in ("deny", "safe_now"):
        return NO
    if _YES.search(clean) or intent == "affirm":
        return YES
    return UNCLEAR


def question_for(category: str | None) -> str:
    return QUESTIONS.get(category or "", "utter_check_self")


def ask(conv: Conversation, resume: dict[str, Any] | None = None) -> Turn:
    """Ask the check question (or ask it again after an unclear reply)."""
    pending = conv.slot("safety_pending")
    if conv.slot("safety_check") == CHECKING and isinstance(pending, dict):
        asks = int(pending.get("asks", 1)) + 1
        category = (pending.get("risk") or {}).get("category")
        return (
            Turn()
            .say("utter_check_again")
            .say(question_for(category))
            .set(safety_check=CHECKING, safety_pending={**pending, "asks": asks}, check_answer=None)
        )
    risk = dict(conv.risk or {})
    pending = {"text": conv.text or "", "risk": risk, "asks": 1, "resume": resume}
    return (
        Turn()
        .say(question_for(risk.get("category")))
        .set(safety_check=CHECKING, safety_pending=pending, check_answer=None)
    )


def pending_conversation(conv: Conversation) -> Conversation:
    """The conversation as it was when the check was raised: the message that
    raised it, and its screen result (raised to concern on a yes/not sure)."""
    pending = conv.slot("safety_pending") or {}
    risk = dict(pending.get("risk") or {})
    answer = conv.slot(ANSWER_ENTITY) or UNSURE
    risk.update(
        escalate=True,
        level="concern" if risk.get("level") in (None, "none", "check") else risk["level"],
        rules=list(risk.get("rules") or []) + [f"person:check_{answer}"],
    )
    return replace(conv, text=pending.get("text", ""), intent=None, risk=risk)


def replace_text(conv: Conversation, text: str) -> Conversation:
    """The same turn, as if the person had typed ``text`` (no command intent)."""
    return replace(conv, text=text, intent=None, intent_confidence=0.0, risk=None)


def cleared() -> dict[str, Any]:
    """Slots that end a check."""
    return {"safety_check": None, "safety_pending": None, "check_answer": None}


def resume_outside_forms(conv: Conversation) -> Turn:
    """After "no" outside a form: thank them and ask again what they were asked."""
    turn = Turn().say("utter_check_no")
    resume = (conv.slot("safety_pending") or {}).get("resume")
    if isinstance(resume, dict) and resume.get("text"):
        turn.say_text(resume["text"], buttons=resume.get("buttons") or None)
    return turn.set(**cleared())

