"""Consent turns: grant, decline/withdraw (``bot.reflection.pending`` saves what waited for a "yes")."""

from __future__ import annotations

import logging

from bot.consent import store
from bot.dialogue import Conversation, Turn
from bot.storage.db import Database

log = logging.getLogger(__name__)


def grant(conv: Conversation, db: Database) -> Turn:
    if conv.slot("consent") == "granted" and store.has_consented(db, conv.participant_id):
        return Turn().say("utter_consent_already").set(pending_question=None)
    try:
        store.grant(db, conv.participant_id, conv.programme.key, conv.programme.consent_wording_version)
    except Exception:
        log.exception("could not record consent for %s", conv.participant_id)
        return Turn().say("utter_storage_problem").set(pending_question=None)
    return Turn().say("utter_consent_thanks").set(consent="granted", pending_question=None)


def withdraw(conv: Conversation, db: Database) -> Turn:
    """A "no" at the start, or a withdrawal later: both recorded with a timestamp."""
    was_granted = conv.slot("consent") == "granted"
    try:
        store.withdraw(db, conv.participant_id, conv.programme.key, conv.programme.consent_wording_version)
    except Exception:
        log.exception("could not record consent withdrawal for %s", conv.participant_id)
        # Say so honestly; the consent slot still stops saving for this conversation.
        return Turn().say("utter_storage_problem").set(consent="declined", pending_question=None)
    response = "utter_consent_withdrawn" if was_granted else "utter_consent_declined"
    return Turn().say(response).set(consent="declined", pending_question=None)
