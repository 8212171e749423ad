"""Session start: programme wording into slots, then a welcome (new or returning)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.consent.store import has_consented
from bot.dialogue import Conversation, Turn, attempt
from bot.reflection import store as reflection_store
from bot.reflection.menu import label, theme_menu
from bot.storage.db import Database
from bot.storage.models import Participant

log = logging.getLogger(__name__)


def programme_slots(conv: Conversation) -> dict:
    slots = dict(conv.programme.template_vars())
    slots.pop("organisation", None)
    slots["programme"] = conv.programme.key
    return slots


def is_returning(db: Database, participant_id: str) -> bool:
    with db.session() as session:
        return session.scalar(select(Participant.id).where(Participant.id == participant_id)) is not None


def session_start(conv: Conversation, db: Database) -> Turn:
    """The first thing anyone sees in a session: what this is, and their choices."""
    turn = Turn().set(**programme_slots(conv))
    try:
        returning = is_returning(db, conv.participant_id)
    except Exception:  # the welcome must never fail: treat as new, log it
        log.exception("could not look up participant %s", conv.participant_id)
        returning = False
    if not returning:
        # Three short messages before the first choice; the details are one
        # word away ("help", "what do you save").
        return (
            turn.say("utter_welcome")
            .say("utter_your_choices")
            .say("utter_ask_consent")
            .set(pending_question="consent")
        )
    turn.say("utter_welcome_back")
    last = attempt(reflection_store.last_session, db, conv.participant_id, default=None, what="read the last session")
    if last:
        turn.say("utter_welcome_back_theme", theme_label=label(last.theme))
    turn.say("utter_what_i_am_not")
    consented = attempt(has_consented, db, conv.participant_id, default=False, what="read consent")
    turn.set(consent="granted" if consented else "declined")
    first = []
    count = attempt(reflection_store.count_reflections, db, conv.participant_id, default=0, what="count reflections")
    if consented and count:
        first.append({"title": "Look back at what I saved", "payload": "/look_back"})
    return turn.extend(theme_menu(conv, db, first))


def greet(conv: Conversation, first_turn: bool) -> Turn:
    """A "hi": the session start already welcomed them on their first message."""
    if first_turn:
        return Turn()
    return Turn().say("utter_greet_again")
