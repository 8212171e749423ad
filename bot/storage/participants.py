"""Participants: created on first contact, known only by their sender id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.storage.models import Participant, utcnow


def ensure_participant(session: Session, participant_id: str, programme: str = "default") -> Participant:
    """Get or create the participant row (inside the caller's transaction)."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        participant = Participant(id=participant_id, programme=programme, consented=False)
        session.add(participant)
        session.flush()
    participant.last_seen_at = utcnow()
    return participant
