"""Escalation records: one durable row per risk episode, never lost.

An *episode* is a conversation's escalation that is not ``resolved``. Further
risk messages in the same episode update it (count, latest message, merged
rules, level only ever rising) instead of creating a duplicate. Any change that
needs someone to hear about it adds an outbox row in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.escalation import outbox
from bot.programmes.config import Programme
from bot.storage.db import Database
from bot.storage.models import Escalation, OutboxMessage, iso

OPEN = "open"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)

CONCERN = "concern"
URGENT = "urgent"
LEVELS = (CONCERN, URGENT)  # increasing severity
_RANK = {name: rank for rank, name in enumerate(LEVELS)}

HUMAN_REQUEST_CATEGORY = "human_request"
HUMAN_REQUEST_RULE = "human_requested"

#: Attempts at the whole record transaction when a concurrent writer wins a race.
_MAX_TRIES = 5
#: Room left in ``episode_key`` (String(255)) for ``":<n>"``.
_MAX_PREFIX = 200


class EscalationError(ValueError):
    """An escalation id that does not exist, or a change its status forbids."""


class _EpisodeClosed(Exception):
    """The episode we found was resolved before we could lock it: start again."""


@dataclass(frozen=True)
class EscalationView:
    """What a caller (e.g. a Rasa action) needs to know after a change."""

    id: int
    status: str
    level: str
    category: str
    created: bool  # this call opened a new episode
    notified: bool  # this call added an outbox row
    human_requested: bool = False
    notification: str | None = None  # status of the row added by this call, if any


@dataclass(frozen=True)
class Notification:
    """One outbox row, as staff see it."""

    idempotency_key: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    delivered_at: str | None


@dataclass(frozen=True)
class EscalationRecord:
    """A full escalation for listing (the CLI's JSON row)."""

    id: int
    programme: str
    participant_id: str
    conversation_id: str
    category: str
    level: str
    rules: list[str]
    status: str
    human_requested: bool
    message_count: int
    created_at: str | None
    updated_at: str | None
    acknowledged_at: str | None
    resolved_at: str | None
    notification: str  # worst status over its outbox rows (see outbox.summarise)
    notifications: tuple[Notification, ...] = ()
    message: str = field(default="", repr=False)  # the person's words: shown only on request

    def as_dict(self, *, with_message: bool = False) -> dict[str, Any]:
        """JSON-safe dict; the person's message only with ``with_message``."""
        data: dict[str, Any] = {
            "id": self.id,
            "programme": self.programme,
            "participant_id": self.participant_id,
            "conversation_id": self.conversation_id,
            "category": self.category,
            "level": self.level,
            "rules": list(self.rules),
            "status": self.status,
            "human_requested": self.human_requested,
            "message_count": self.message_count,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "acknowledged_at": self.acknowledged_at,
            "resolved_at": self.resolved_at,
            "notification": self.notification,
            "notifications": [asdict(n) for n in self.notifications],
        }
        if with_message:
            data["message"] = self.message
        return data


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_level(level: str) -> None:
    if level not in _RANK:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def _merge_rules(existing: list[Any] | None, new: list[str]) -> list[str]:
    """Order-preserving union (first time a rule fired comes first)."""
    merged = [str(r) for r in (existing or [])]
    merged += [str(r) for r in new if str(r) not in merged]
    return merged


def _episode_prefix(conversation_id: str) -> str:
    """The conversation part of ``episode_key``; hashed if too long for the column."""
    if len(conversation_id) <= _MAX_PREFIX:
        return conversation_id
    return "sha256-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()


def _episode_number(key: str) -> int:
    try:
        return int(key.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def _view(
    esc: Escalation, *, created: bool, rows: list[OutboxMessage] | None = None
) -> EscalationView:
    rows = rows or []
    return EscalationView(
        id=esc.id,
        status=esc.status,
        level=esc.level,
        category=esc.category,
        created=created,
        notified=bool(rows),
        human_requested=bool(esc.human_requested),
        notification=outbox.summarise(r.status for r in rows) if rows else None,
    )


def record_risk(
    db: Database,
    *,
    participant_id: str,
    conversation_id: str,
    programme: Programme,
    category: str,
    level: str,
    rules: list[str],
    message: str,
    human_requested: bool = False,
) -> EscalationView:
    """Record a risk message: open a new episode or update the current one.

    The escalation change and any outbox row it needs are committed together.
    A unique ``episode_key`` makes two concurrent writers collide instead of
    opening two episodes; the loser retries and takes the update path.
    """
    _check_level(level)
    category = category or "unspecified"
    for attempt in range(_MAX_TRIES):
        try:
            with db.session() as session:
                return _record(
                    session,
                    now=_now(),
                    participant_id=participant_id,
                    conversation_id=conversation_id,
                    programme=programme,
                    category=category,
                    level=level,
                    rules=rules,
                    message=message,
                    human_requested=human_requested,
                )
        except (IntegrityError, _EpisodeClosed):
            if attempt == _MAX_TRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def request_human(
    db: Database,
    *,
    participant_id: str,
    conversation_id: str,
    programme: Programme,
    message: str,
    category: str = HUMAN_REQUEST_CATEGORY,
    level: str = CONCERN,
    rules: list[str] | None = None,
) -> EscalationView:
    """The person asked for a human: record it and notify once per episode."""
    return record_risk(
        db,
        participant_id=participant_id,
        conversation_id=conversation_id,
        programme=programme,
        category=category,
        level=level,
        rules=list(rules or [HUMAN_REQUEST_RULE]),
        message=message,
        human_requested=True,
    )


def _record(
    session: Session, *, now: datetime, conversation_id: str, **fields: Any
) -> EscalationView:
    # One statement, so one snapshot: "is an episode open?" and "which episode
    # number is next?" must agree. (Two queries under READ COMMITTED let a writer
    # miss an episode opened between them and open a second one with number+1.)
    episodes = session.execute(
        select(Escalation.id, Escalation.episode_key, Escalation.status).where(
            Escalation.conversation_id == conversation_id
        )
    ).all()
    open_ids = [e.id for e in episodes if e.status != RESOLVED]
    if open_ids:
        return _update_episode(session, max(open_ids), now=now, **fields)
    number = 1 + max((_episode_number(e.episode_key) for e in episodes), default=0)
    return _open_episode(
        session, now=now, conversation_id=conversation_id, number=number, **fields
    )


def _open_episode(
    session: Session,
    *,
    now: datetime,
    participant_id: str,
    conversation_id: str,
    programme: Programme,
    category: str,
    level: str,
    rules: list[str],
    message: str,
    human_requested: bool,
    number: int,
) -> EscalationView:
    esc = Escalation(
        episode_key=f"{_episode_prefix(conversation_id)}:{number}",
        participant_id=participant_id,
        conversation_id=conversation_id,
        programme=programme.key,
        category=category,
        level=level,
        rules=_merge_rules([], rules),
        message=message,
        message_count=1,
        status=OPEN,
        created_at=now,
        updated_at=now,
        human_requested=human_requested,
        human_requested_at=now if human_requested else None,
    )
    session.add(esc)
    session.flush()  # IntegrityError here if a concurrent writer took this episode_key
    # One "opened" notification; it already carries the level and human_requested flag.
    row = outbox.enqueue(session, esc, programme, outbox.REASON_OPENED, now=now)
    return _view(esc, created=True, rows=[row])


def _update_episode(
    session: Session,
    escalation_id: int,
    *,
    now: datetime,
    participant_id: str,
    programme: Programme,
    category: str,
    level: str,
    rules: list[str],
    message: str,
    human_requested: bool,
) -> EscalationView:
    # Lock first by writing: an UPDATE takes the row lock on PostgreSQL and the
    # write lock on SQLite, so the read below sees the latest committed state
    # and concurrent updates cannot lose a count or a notification.
    locked = session.execute(
        update(Escalation)
        .where(Escalation.id == escalation_id, Escalation.status != RESOLVED)
        .values(message_count=Escalation.message_count + 1)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        raise _EpisodeClosed
    esc = session.scalars(
        select(Escalation)
        .where(Escalation.id == escalation_id)
        .execution_options(populate_existing=True)
    ).one()
    reasons: list[str] = []
    if _RANK[level] > _RANK.get(esc.level, 0):
        esc.level = level
        esc.category = category  # the category that raised the level describes the episode
        if level == URGENT:
            reasons.append(outbox.REASON_URGENT)
    if human_requested and not esc.human_requested:
        esc.human_requested = True
        esc.human_requested_at = now
        reasons.append(outbox.REASON_HUMAN)
    esc.rules = _merge_rules(esc.rules, rules)
    esc.message = message  # keep the latest words; earlier ones live in the transcript
    esc.updated_at = now
    session.flush()
    rows = [outbox.enqueue(session, esc, programme, reason, now=now) for reason in reasons]
    return _view(esc, created=False, rows=rows)


def acknowledge(db: Database, escalation_id: int) -> EscalationView:
    """open → acknowledged (already acknowledged: no change; resolved: error)."""
    return _transition(db, escalation_id, to=ACKNOWLEDGED, allowed_from=(OPEN,))


def resolve(db: Database, escalation_id: int) -> EscalationView:
    """open/acknowledged → resolved (already resolved: no change). Ends the episode."""
    return _transition(db, escalation_id, to=RESOLVED, allowed_from=(OPEN, ACKNOWLEDGED))


def _transition(
    db: Database, escalation_id: int, *, to: str, allowed_from: tuple[str, ...]
) -> EscalationView:
    now = _now()
    stamp = {ACKNOWLEDGED: "acknowledged_at", RESOLVED: "resolved_at"}[to]
    with db.session() as session:
        # Conditional UPDATE: a race with another staff member cannot double-apply.
        session.execute(
            update(Escalation)
            .where(Escalation.id == escalation_id, Escalation.status.in_(allowed_from))
            .values(status=to, updated_at=now, **{stamp: now})
            .execution_options(synchronize_session=False)
        )
        esc = session.get(Escalation, escalation_id, populate_existing=True)
        if esc is None:
            raise EscalationError(f"no escalation with id {escalation_id}")
        if esc.status != to:  # e.g. acknowledging one that is already resolved
            raise EscalationError(
                f"escalation {escalation_id} is {esc.status}; it cannot become {to}"
            )
        return _view(esc, created=False)


def list_escalations(db: Database, status: str | None = None) -> list[EscalationRecord]:
    """Escalations, newest first, optionally only those with ``status``."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    with db.session() as session:
        query = select(Escalation).order_by(Escalation.id.desc())
        if status is not None:
            query = query.where(Escalation.status == status)
        escalations = session.scalars(query).all()
        by_escalation: dict[int, list[OutboxMessage]] = {e.id: [] for e in escalations}
        if by_escalation:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.escalation_id.in_(list(by_escalation)))
                .order_by(OutboxMessage.id)
            ).all()
            for row in rows:
                by_escalation[row.escalation_id].append(row)
        return [_record_of(e, by_escalation[e.id]) for e in escalations]


def _record_of(esc: Escalation, rows: list[OutboxMessage]) -> EscalationRecord:
    notifications = tuple(
        Notification(
            idempotency_key=r.idempotency_key,
            status=r.status,
            attempts=r.attempts or 0,
            last_error=r.last_error,
            next_attempt_at=iso(r.next_attempt_at),
            delivered_at=iso(r.delivered_at),
        )
        for r in rows
    )
    return EscalationRecord(
        id=esc.id,
        programme=esc.programme,
        participant_id=esc.participant_id,
        conversation_id=esc.conversation_id,
        category=esc.category,
        level=esc.level,
        rules=[str(r) for r in (esc.rules or [])],
        status=esc.status,
        human_requested=bool(esc.human_requested),
        message_count=esc.message_count or 0,
        created_at=iso(esc.created_at),
        updated_at=iso(esc.updated_at),
        acknowledged_at=iso(esc.acknowledged_at),
        resolved_at=iso(esc.resolved_at),
        notification=outbox.summarise(n.status for n in notifications),
        notifications=notifications,
        message=esc.message or "",
    )
