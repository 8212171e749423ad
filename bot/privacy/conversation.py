"""Privacy turns: explain what is saved; delete after a confirmation."""

from __future__ import annotations

import logging
import time

from bot.consent.store import has_consented
from bot.dialogue import Conversation, Turn, attempt
from bot.privacy.erase import erase_everything
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
    if conv.slot("pending_question") == "delete_everything":
        return Turn().say("utter_delete_everything_cancelled").set(pending_question=None)
    return Turn().say("utter_delete_cancelled").set(pending_question=None)


def ask_delete_everything(conv: Conversation) -> Turn:
    """Explain what "everything" means and ask to confirm."""
    return Turn().say("utter_confirm_delete_everything").set(pending_question="delete_everything")


#: How the confirmation names what went (only kinds that had something).
_NAMES = {
    "reflections": ("saved reflection", "saved reflections"),
    "check_ins": ("check-in", "check-ins"),
    "consent_events": ("consent record", "consent records"),
}


def delete_everything(conv: Conversation, db: Database) -> Turn:
    """Delete the person's data; the marker makes the tracker store delete the
    conversation's record too (bot.storage.tracker_store)."""
    try:
        counts = erase_everything(db, conv.participant_id)
    except Exception:
        log.exception("could not erase the data of %s", conv.participant_id)
        return Turn().say("utter_storage_problem").set(pending_question=None)
    parts = [f"{counts[k]} {names[counts[k] != 1]}" for k, names in _NAMES.items() if counts.get(k)]
    summary = ", ".join(parts + ["the record of our conversations"])
    turn = Turn().say("utter_deleted_everything", erased_summary=summary)
    if counts.get("safety_records_kept"):
        turn.say("utter_delete_everything_safety_note")
    return turn.set(
        erased_at=time.time(),
        pending_question=None,
        pending_answer=None,
        consent=None,
        reflection_answers=[],
        reflection_session_id=None,
        reflection_answer=None,
        checkin=None,
        theme=None,
    )
