"""Saving and reading reflections.

Every write commits before it returns, so a caller that says "saved" only does
so after the row is durable. Nothing is written without consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from bot.consent.store import has_consented
from bot.storage.db import Database
from bot.storage.models import CheckIn, Reflection, ReflectionSession, iso, utcnow
from bot.storage.participants import ensure_participant


@dataclass(frozen=True)
class SavedAnswer:
    session_id: int
    reflection_id: int


@dataclass(frozen=True)
class LastSession:
    session_id: int
    theme: str
    status: str
    answered_keys: tuple[str, ...]
    last_text: str | None
    started_at: datetime


def save_answer(
    db: Database,
    *,
    participant_id: str,
    programme: str,
    theme: str,
    session_id: int | None,
    prompt_key: str,
    prompt_text: str,
    text: str,
) -> SavedAnswer | None:
    """Store one answer; opens a reflection session if needed.

    Returns ``None`` (and stores nothing) when the person has not consented.
    """
    with db.session() as session:
        if not has_consented(session, participant_id):
            return None
        ensure_participant(session, participant_id, programme)
        row = session.get(ReflectionSession, session_id) if session_id else None
        if row is None or row.participant_id != participant_id or row.theme != theme:
            row = ReflectionSession(participant_id=participant_id, theme=theme, status="active")
            session.add(row)
            session.flush()
        reflection = Reflection(
            session_id=row.id,
            participant_id=participant_id,
            theme=theme,
            prompt_key=prompt_key,
            prompt_text=prompt_text,
            text=text,
        )
        session.add(reflection)
        session.flush()
        return SavedAnswer(session_id=row.id, reflection_id=reflection.id)


def finish_session(db: Database, session_id: int | None, status: str, summary: str | None = None) -> bool:
    """Mark a session completed/stopped. Returns False if there was none."""
    if not session_id:
        return False
    with db.session() as session:
        row = session.get(ReflectionSession, session_id)
        if row is None:
            return False
        row.status = status
        row.ended_at = utcnow()
        if summary:
            row.summary = summary
        return True


def save_checkin(db: Database, participant_id: str, programme: str, score: int | None, text: str | None) -> bool:
    """Store a check-in if the person consented. Returns whether it was stored."""
    with db.session() as session:
        if not has_consented(session, participant_id):
            return False
        ensure_participant(session, participant_id, programme)
        session.add(CheckIn(participant_id=participant_id, score=score, text=text))
        return True


def list_reflections(db: Database, participant_id: str) -> list[dict]:
    """Every saved reflection of a participant, oldest first, JSON-ready."""
    stmt = (
        select(Reflection)
        .where(Reflection.participant_id == participant_id)
        .order_by(Reflection.created_at, Reflection.id)
    )
    with db.session() as session:
        return [
            {
                "id": r.id,
                "session_id": r.session_id,
                "theme": r.theme,
                "prompt": r.prompt_key,
                "prompt_text": r.prompt_text,
                "text": r.text,
                "created_at": iso(r.created_at),
            }
            for r in session.scalars(stmt)
        ]


def last_session(db: Database, participant_id: str) -> LastSession | None:
    """The most recent session with at least one saved answer."""
    with db.session() as session:
        row = session.scalars(
            select(ReflectionSession)
            .where(ReflectionSession.participant_id == participant_id)
            .order_by(ReflectionSession.started_at.desc(), ReflectionSession.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        keys = tuple(r.prompt_key for r in row.reflections)
        last = row.reflections[-1].text if row.reflections else None
        return LastSession(row.id, row.theme, row.status, keys, last, row.started_at)


def recent_themes(db: Database, participant_id: str, limit: int = 5) -> list[str]:
    """Themes of recent sessions, newest first, without repeats."""
    with db.session() as session:
        themes = session.scalars(
            select(ReflectionSession.theme)
            .where(ReflectionSession.participant_id == participant_id)
            .order_by(ReflectionSession.started_at.desc(), ReflectionSession.id.desc())
            .limit(limit * 3)
        ).all()
    seen: list[str] = []
    for theme in themes:
        if theme not in seen:
            seen.append(theme)
    return seen[:limit]


def count_reflections(db: Database, participant_id: str) -> int:
    with db.session() as session:
        return session.scalar(
            select(func.count(Reflection.id)).where(Reflection.participant_id == participant_id)
        ) or 0


def delete_reflections(db: Database, participant_id: str) -> int:
    """Delete a person's reflections, sessions and check-ins. Returns reflections deleted.

    Consent events stay: they record what the person agreed to and when, and
    hold none of their words. Escalation records are a safety record and are
    not touched here (their retention is the programme's, see docs/).
    """
    with db.session() as session:
        n = session.scalar(
            select(func.count(Reflection.id)).where(Reflection.participant_id == participant_id)
        ) or 0
        session.execute(delete(Reflection).where(Reflection.participant_id == participant_id))
        session.execute(
            delete(ReflectionSession).where(ReflectionSession.participant_id == participant_id)
        )
        session.execute(delete(CheckIn).where(CheckIn.participant_id == participant_id))
        return n
