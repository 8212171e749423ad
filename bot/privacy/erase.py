"""Delete everything a person's conversations left in the app's tables.

Reflections, reflection sessions, check-ins, consent events and the
participant row go; an :class:`~bot.storage.models.Erasure` row records who,
when and how many of each, with none of their words. The conversation's own
record (Rasa's tracker events) is deleted by the tracker store when it saves
the turn that carries the ``erased_at`` marker (``bot.storage.tracker_store``),
which adds its count to the same row. Escalation records stay: they are the
programme's safety record (docs/decisions.md).
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.storage.db import Database
from bot.storage.models import (
    CheckIn,
    ConsentEvent,
    Erasure,
    Escalation,
    Participant,
    Reflection,
    ReflectionSession,
)

#: Children before parents (foreign keys).
_TABLES = (
    ("reflections", Reflection, Reflection.participant_id),
    ("reflection_sessions", ReflectionSession, ReflectionSession.participant_id),
    ("check_ins", CheckIn, CheckIn.participant_id),
    ("consent_events", ConsentEvent, ConsentEvent.participant_id),
    ("participant", Participant, Participant.id),
)


def erase_everything(db: Database, participant_id: str) -> dict[str, int]:
    """Delete the person's rows; record the erasure; return the counts."""
    counts: dict[str, int] = {}
    with db.session() as session:
        for name, model, column in _TABLES:
            counts[name] = session.scalar(select(func.count()).select_from(model).where(column == participant_id)) or 0
            session.execute(delete(model).where(column == participant_id))
        counts["safety_records_kept"] = session.scalar(
            select(func.count()).select_from(Escalation).where(Escalation.participant_id == participant_id)
        ) or 0
        session.add(Erasure(participant_id=participant_id, counts=dict(counts)))
    return counts


def add_conversation_events(db: Database, participant_id: str, n: int) -> None:
    """Add the tracker store's count to the person's latest erasure row."""
    with db.session() as session:
        row = session.scalars(
            select(Erasure).where(Erasure.participant_id == participant_id).order_by(Erasure.id.desc()).limit(1)
        ).first()
        if row is not None:
            row.counts = {**(row.counts or {}), "conversation_events": int(row.counts.get("conversation_events", 0)) + n}
