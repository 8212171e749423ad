"""Tables. A participant is pseudonymous: their id is the chat's sender id.

Everything a person wrote uses :class:`~bot.storage.types.PersonText` so that
encryption at rest can be added in one place later.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, registry, relationship

from bot.storage.types import PersonText


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite returns naive datetimes, which are UTC here."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


# SQLAlchemy 1.4 (Rasa's pin) has no DeclarativeBase/mapped_column; the typed
# ``Mapped[...] = Column(...)`` form below reads the same and ports to 2.0 as is.
mapper_registry = registry()
Base = mapper_registry.generate_base()


class Participant(Base):
    """A person, known only by the chat sender id."""

    __tablename__ = "participant"

    id: Mapped[str] = Column(String(255), primary_key=True)
    programme: Mapped[str] = Column(String(64), default="default")
    consented: Mapped[bool] = Column(Boolean, default=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)

    consent_events: Mapped[list[ConsentEvent]] = relationship(
        "ConsentEvent",
        back_populates="participant", cascade="all, delete-orphan", order_by="ConsentEvent.id"
    )


class ConsentEvent(Base):
    """Every grant or withdrawal of consent, with its time (append-only)."""

    __tablename__ = "consent_event"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[str] = Column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    granted: Mapped[bool] = Column(Boolean)
    wording_version: Mapped[str] = Column(String(64), default="")
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship("Participant", back_populates="consent_events")


class ReflectionSession(Base):
    """One sitting on one theme."""

    __tablename__ = "reflection_session"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[str] = Column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = Column(String(32))
    status: Mapped[str] = Column(String(16), default="active")  # active|completed|stopped
    summary: Mapped[str | None] = Column(PersonText, nullable=True)
    started_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = Column(DateTime(timezone=True), nullable=True)

    reflections: Mapped[list[Reflection]] = relationship(
        "Reflection",
        back_populates="session", cascade="all, delete-orphan", order_by="Reflection.id"
    )


class Reflection(Base):
    """One answer, in the person's own words, to one prompt."""

    __tablename__ = "reflection"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = Column(
        ForeignKey("reflection_session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = Column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = Column(String(32))
    prompt_key: Mapped[str] = Column(String(64))
    prompt_text: Mapped[str] = Column(PersonText)
    text: Mapped[str] = Column(PersonText)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)

    session: Mapped[ReflectionSession] = relationship("ReflectionSession", back_populates="reflections")


class CheckIn(Base):
    """How a person said they were arriving: a word, a 0-10 number, or both."""

    __tablename__ = "check_in"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[str] = Column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int | None] = Column(Integer, nullable=True)
    text: Mapped[str | None] = Column(PersonText, nullable=True)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)


class Escalation(Base):
    """One risk episode for one conversation (see ``bot.escalation``).

    Not deleted with a person's reflections: escalations are a safety record.
    """

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("episode_key", name="uq_escalation_episode"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    episode_key: Mapped[str] = Column(String(255))
    participant_id: Mapped[str] = Column(String(255), index=True)
    conversation_id: Mapped[str] = Column(String(255), index=True)
    programme: Mapped[str] = Column(String(64), default="default")
    category: Mapped[str] = Column(String(32))
    level: Mapped[str] = Column(String(16))
    rules: Mapped[list[Any]] = Column(JSON, default=list)
    message: Mapped[str] = Column(PersonText)
    message_count: Mapped[int] = Column(Integer, default=1)
    status: Mapped[str] = Column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = Column(
        DateTime(timezone=True), nullable=True
    )
    resolved_at: Mapped[datetime | None] = Column(DateTime(timezone=True), nullable=True)
    # Set once the person asks for a human in this episode (migration 0002).
    human_requested: Mapped[bool] = Column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    human_requested_at: Mapped[datetime | None] = Column(
        DateTime(timezone=True), nullable=True
    )


class OutboxMessage(Base):
    """A notification committed with its escalation and delivered by a worker."""

    __tablename__ = "outbox_message"
    __table_args__ = (UniqueConstraint("idempotency_key", name="uq_outbox_idempotency"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int | None] = Column(
        ForeignKey("escalation.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = Column(String(32), default="escalation")
    target: Mapped[str] = Column(String(1024))
    # Name of the env var holding the HMAC secret, captured at enqueue time so a
    # row is self-contained; the secret itself is never stored (migration 0002).
    secret_env: Mapped[str | None] = Column(String(255), nullable=True)
    idempotency_key: Mapped[str] = Column(String(255))
    payload: Mapped[dict[str, Any]] = Column(JSON)
    status: Mapped[str] = Column(String(16), default="pending", index=True)
    attempts: Mapped[int] = Column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = Column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = Column(String(2000), nullable=True)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = Column(DateTime(timezone=True), nullable=True)


class Erasure(Base):
    """A content-free record that a person's data was deleted at their request
    ("delete everything"): who, when, and how many of each kind (migration 0003)."""

    __tablename__ = "erasure"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[str] = Column(String(255), index=True)
    requested_at: Mapped[datetime] = Column(DateTime(timezone=True), default=utcnow)
    # {"reflections": n, "reflection_sessions": n, "check_ins": n, "consent_events": n,
    #  "participant": n, "conversation_events": n (added by the tracker store)}
    counts: Mapped[dict[str, Any]] = Column(JSON, default=dict)
