"""Consent events are append-only; ``participant.consented`` is the current state.

Storage functions that keep a person's words check :func:`has_consented`
themselves, so no caller can save without consent by mistake.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.models import ConsentEvent, Participant
from bot.storage.participants import ensure_participant


def _record(db: Database, participant_id: str, programme: str, granted: bool, wording_version: str) -> None:
    with db.session() as session:
        participant = ensure_participant(session, participant_id, programme)
        participant.consented = granted
        session.add(
            ConsentEvent(
                participant_id=participant_id, granted=granted, wording_version=wording_version
            )
        )


def grant(db: Database, participant_id: str, programme: str = "default", wording_version: str = "") -> None:
    """Record that the person agreed to have their reflections saved."""
    _record(db, participant_id, programme, True, wording_version)


def withdraw(db: Database, participant_id: str, programme: str = "default", wording_version: str = "") -> None:
    """Record a withdrawal (or a "no"): nothing more is saved from now on."""
    _record(db, participant_id, programme, False, wording_version)


decline = withdraw  # saying "no" at the start is recorded the same way


def has_consented(session_or_db: Session | Database, participant_id: str) -> bool:
    if isinstance(session_or_db, Database):
        with session_or_db.session() as session:
            return has_consented(session, participant_id)
    participant = session_or_db.get(Participant, participant_id)
    return bool(participant and participant.consented)
