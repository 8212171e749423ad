"""Answers that waited for consent: saved when the person says yes.

This is where consent and reflection meet: ``bot.consent`` records the grant and
knows nothing of reflections; :func:`grant` adds saving what was waiting.
"""

from __future__ import annotations

import logging

from bot.consent.conversation import grant as grant_consent
from bot.dialogue import Conversation, Turn
from bot.reflection import store
from bot.storage.db import Database

log = logging.getLogger(__name__)


def pending_answers(conv: Conversation) -> list[dict]:
    """Answers from this conversation that were not saved (for a later "yes")."""
    return [a for a in conv.slot("reflection_answers", []) if not a.get("saved")]


def save_pending(conv: Conversation, db: Database) -> Turn:
    """After consent is given: save this conversation's unsaved answers."""
    pending = pending_answers(conv)
    if not pending:
        return Turn()
    answers = list(conv.slot("reflection_answers", []))
    session_id = conv.slot("reflection_session_id")
    session_id = int(session_id) if session_id else None
    for entry in answers:
        if entry.get("saved"):
            continue
        saved = store.save_answer(
            db,
            participant_id=conv.participant_id,
            programme=conv.programme.key,
            theme=entry["theme"],
            session_id=session_id,
            prompt_key=entry["key"],
            prompt_text=entry.get("prompt_text", entry["key"]),
            text=entry["text"],
        )
        if saved:
            entry["saved"] = True
            session_id = saved.session_id
    return (
        Turn()
        .say("utter_consent_pending_saved")
        .set(reflection_answers=answers, reflection_session_id=float(session_id) if session_id else None)
    )


def grant(conv: Conversation, db: Database) -> Turn:
    """Consent given: record it, then save this conversation's answers that waited for it."""
    turn = grant_consent(conv, db)
    if turn.slots.get("consent") != "granted" or not pending_answers(conv):
        return turn
    try:
        return turn.extend(save_pending(conv, db))
    except Exception:
        log.exception("could not save pending reflections for %s", conv.participant_id)
        return turn.say("utter_storage_problem")
