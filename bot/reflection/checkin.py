"""The check-in: a word and/or a number from 0 to 10, or skip (the check-in form's slot ``checkin``)."""

from __future__ import annotations

import logging
import re

from bot.dialogue import Conversation, Turn
from bot.reflection import store
from bot.reflection.past import past_note
from bot.storage.db import Database
from bot.understanding.keep import KEEP, settled, words_for_question

log = logging.getLogger(__name__)


def ask_checkin(conv: Conversation) -> Turn:
    """The check-in question (nothing while a check question, or "keep it?", waits)."""
    if conv.slot("safety_check") == "checking" or conv.slot("pending_question") == KEEP:
        return Turn()
    return Turn().say("utter_ask_checkin")


HARD_DAY_MAX = 3  # a check-in at or below this gets a gentler answer


#: A hard day named in words ("awful", "really rough day"); "not bad" is not one.


HARD_DAY_WORDS = re.compile(
    r"\b(awful|terrible|horrible|rough|hard|bad|shit|shite|crap|crappy|rubbish|low|down|struggling|"
    r"miserable|sad|anxious|stressed|overwhelmed|broken|numb|lonely|exhausted|drained|worst|hell|"
    r"grim|heavy|tough|not (?:good|great|ok|okay|well|so good|too good|brilliant)|falling apart)\b",
    re.IGNORECASE,
)


NOT_HARD = re.compile(r"\bnot (?:too |that |so |as )?(?:bad|awful|terrible|rough|hard|low|down)\b", re.IGNORECASE)


def hard_day(text: str, score: int | None) -> bool:
    """A check-in that deserves a gentler answer: a low number or hard words."""
    if score is not None:
        return score <= HARD_DAY_MAX
    return bool(HARD_DAY_WORDS.search(text)) and not NOT_HARD.search(text)


def handle_checkin(conv: Conversation, db: Database) -> Turn:
    """Store a check-in (a word and/or a 0-10 number) if consented; skip is fine."""
    if conv.intent in ("skip", "deny"):  # bot.understanding decided
        return Turn().say("utter_checkin_skipped").set(checkin="skipped", **settled())
    words = words_for_question(conv, "checkin")
    if words.ask:
        return words.ask
    text = words.text or ""
    if words.stray or not text:
        return Turn().say("utter_checkin_skipped").set(checkin="skipped", **settled())
    match = re.search(r"\b(10|[0-9])\b", text)
    score = int(match.group(1)) if match else None
    # A hard day is met with care and a reminder that we can go gently or stop.
    thanks = "utter_checkin_hard_day" if hard_day(text, score) else "utter_checkin_thanks"
    turn = Turn().set(checkin=text[:500], **settled())
    if conv.slot("consent") != "declined":
        try:
            store.save_checkin(db, conv.participant_id, conv.programme.key, score, text[:500])
        except Exception:
            log.exception("could not save a check-in for participant %s", conv.participant_id)
            return turn.say("utter_storage_problem")
    return past_note(conv, turn.say(thanks))
