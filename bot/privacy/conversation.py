"""Privacy turns: explain what is saved; delete after a confirmation."""

from __future__ import annotations

import logging

from bot.consent.store import has_consented
from bot.dialogue import Conversation, Turn, attempt
from bot.reflection import store
from bot.storage.db import Database

log = logging.getLogger(__name__)


def explain(conv: Conversation, db: Database) -> Turn:
    try:
        consented = has_consented(db, conv.participant_id)
        count = store.count_reflections(db, conv.participant_id)
    except Exception:
        log.exception("could not read privacy state for %s", conv.participant_id)
        consented, count = conv.slot("consent") == "granted", 0
    turn = Turn()
    if consented:
        turn.say("utter_privacy_saved", reflection_count=count)
    else:
        turn.say("utter_privacy_not_saved")
    return turn.say("utter_privacy_safety_note")


def ask_delete(conv: Conversation, db: Database) -> Turn:
    """Ask to confirm. With nothing saved, say so (a following yes/no stays harmless)."""
    count = attempt(store.count_reflections, db, conv.participant_id, default=None, what="count reflections")
    if count is None:
        return Turn().say("utter_storage_problem").set(pending_question=None)
    if count == 0:
        return Turn().say("utter_nothing_to_delete").set(pending_question="delete")
    return Turn().say("utter_confirm_delete").set(pending_question="delete")


def delete(conv: Conversation, db: Database) -> Turn:
    try:
        n = store.delete_reflections(db, conv.participant_id)
    except Exception:
        log.exception("could not delete reflections for %s", conv.participant_id)
        return Turn().say("utter_storage_problem").set(pending_question=None)
    turn = Turn().say("utter_deleted", deleted_count=n) if n else Turn().say("utter_nothing_to_delete")
    return turn.set(
        pending_question=None, reflection_answers=[], reflection_session_id=None
    )


def cancel_delete(conv: Conversation) -> Turn:
    return Turn().say("utter_delete_cancelled").set(pending_question=None)
