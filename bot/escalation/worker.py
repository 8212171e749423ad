"""Outbox delivery: claim due rows with a lease, POST them, record the outcome.

Delivery is at-least-once: a worker that dies mid-request leaves a lease that
expires, and the next worker sends the same row again with the same
``Idempotency-Key``. Receivers dedupe on that key, so from their point of view
each notification arrives exactly once. Failed rows are retried forever with
capped exponential backoff; after ``failing_after`` attempts their status reads
``failing`` so staff notice, but they are never dropped.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import and_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from bot.config import read_secret
from bot.escalation import outbox, signing, spool
from bot.storage.db import Database
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

USER_AGENT = "Restory-Escalation/1"
_MAX_ERROR = 500  # characters of an error kept in last_error


@dataclass(frozen=True)
class RetryPolicy:
    """Lease and backoff timings, in seconds (parameters so tests stay fast)."""

    lease: float = 60.0  # how long a claim is held; keep it above the HTTP timeout
    base: float = 2.0  # first retry delay
    cap: float = 300.0  # longest delay; retries continue at this pace forever
    jitter: float = 0.1  # up to this fraction added at random, to spread retries
    failing_after: int = 5  # attempts before the status reads "failing"


@dataclass(frozen=True)
class Claim:
    """A row this worker holds the lease on."""

    id: int
    target: str
    idempotency_key: str
    payload: dict[str, Any]
    secret_env: str
    attempts: int
    lease_until: datetime  # our claim token: the lease value we wrote


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def backoff_delay(
    attempts: int, policy: RetryPolicy, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after a failure, given the attempts made *before* it."""
    delay = min(policy.base * 2 ** min(attempts, 32), policy.cap)
    return delay * (1.0 + policy.jitter * rand())


def _due(now: datetime) -> ColumnElement[bool]:
    """Rows that are deliverable, due, and not leased by a live worker."""
    return and_(
        OutboxMessage.status.in_(outbox.DELIVERABLE),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
    )


def claim_due(db: Database, *, now: datetime, batch: int, lease: float) -> list[Claim]:
    """Lease up to ``batch`` due rows to this worker (committed before any HTTP).

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` so concurrent workers take
    different rows without waiting. SQLite has no row locks: each candidate is
    claimed by a conditional UPDATE that only succeeds if it is still unleased.
    """
    until = now + timedelta(seconds=lease)
    order = (OutboxMessage.next_attempt_at, OutboxMessage.id)
    with db.session() as session:
        if db.engine.dialect.name == "postgresql":
            ids = list(
                session.scalars(
                    select(OutboxMessage.id)
                    .where(_due(now))
                    .order_by(*order)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                ).all()
            )
            if ids:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids))
                    .values(locked_until=until)
                    .execution_options(synchronize_session=False)
                )
        else:
            candidates = session.scalars(
                select(OutboxMessage.id).where(_due(now)).order_by(*order).limit(batch)
            ).all()
            ids = [
                row_id
                for row_id in candidates
                if session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, _due(now))
                    .values(locked_until=until)
                    .execution_options(synchronize_session=False)
                ).rowcount
                == 1
            ]
        if not ids:
            return []
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(*order)
        ).all()
        return [
            Claim(
                id=r.id,
                target=r.target,
                idempotency_key=r.idempotency_key,
                payload=dict(r.payload or {}),
                secret_env=r.secret_env or "",
                attempts=r.attempts or 0,
                lease_until=until,
            )
            for r in rows
        ]


def build_request(claim: Claim, secret: str, timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The exact body bytes and headers for one attempt."""
    body = outbox.encode_body(claim.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.IDEMPOTENCY_HEADER: claim.idempotency_key,
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.sign(secret, timestamp, body),
    }
    return body, headers


def attempt(claim: Claim, *, timeout: float, http: Any = requests) -> str | None:
    """POST one notification; ``None`` on a 2xx answer, else why it failed."""
    if not claim.secret_env:
        return "no webhook_secret_env configured for this programme"
    secret = read_secret(claim.secret_env)
    if not secret:
        # Never send unsigned: the receiver could not trust it. Retrying means a
        # fixed environment plus a worker restart recovers without losing the row.
        return f"webhook secret missing: environment variable {claim.secret_env} is not set"
    # Wall-clock time, not the scheduling ``now``: receivers check freshness.
    body, headers = build_request(claim, secret, int(time.time()))
    try:
        response = http.post(
            claim.target, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as err:
        return f"{type(err).__name__}: {err}"[:_MAX_ERROR]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"[:_MAX_ERROR]


def _mark_delivered(db: Database, claim: Claim) -> None:
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id)
            .values(
                status=outbox.DELIVERED,
                delivered_at=utcnow(),
                attempts=OutboxMessage.attempts + 1,
                locked_until=None,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )


def _mark_failed(
    db: Database, claim: Claim, error: str, *, now: datetime, policy: RetryPolicy
) -> datetime:
    attempts = claim.attempts + 1
    next_at = now + timedelta(seconds=backoff_delay(claim.attempts, policy))
    status = outbox.FAILING if attempts >= policy.failing_after else outbox.RETRYING
    with db.session() as session:
        # Only while the claim is still ours (lease token) and not yet delivered:
        # never clobber a worker that took over after our lease ran out.
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.locked_until == claim.lease_until,
                OutboxMessage.status != outbox.DELIVERED,
            )
            .values(
                status=status,
                attempts=attempts,
                last_error=error,
                next_attempt_at=next_at,
                locked_until=None,
            )
            .execution_options(synchronize_session=False)
        )
    return next_at


def renew_lease(db: Database, claim: Claim, *, now: datetime, lease: float) -> Claim | None:
    """Extend our lease just before sending; ``None`` if it lapsed and was taken.

    A batch is sent one row at a time, so a late row's lease could expire while
    earlier rows time out. Matching on our own lease value (a fencing token)
    means we only extend a claim that nobody else has taken over since.
    """
    until = now + timedelta(seconds=lease)
    with db.session() as session:
        renewed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.locked_until == claim.lease_until,
                OutboxMessage.status.in_(outbox.DELIVERABLE),
            )
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        ).rowcount
    return replace(claim, lease_until=until) if renewed == 1 else None


def _release(db: Database, claims: list[Claim]) -> None:
    """Give back claims we will not attempt (shutdown), so others need not wait."""
    with db.session() as session:
        for claim in claims:
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == claim.id,
                    OutboxMessage.locked_until == claim.lease_until,
                )
                .values(locked_until=None)
                .execution_options(synchronize_session=False)
            )


def deliver_due(
    db: Database,
    *,
    now: datetime | None = None,
    batch: int = 20,
    timeout: float = 5.0,
    policy: RetryPolicy | None = None,
    http: Any = requests,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Claim and attempt up to ``batch`` due rows; return how many were attempted.

    ``now`` is the scheduling clock (what is due, when to retry); tests move it
    forward instead of sleeping. ``http`` is anything with ``requests.post``'s
    signature (a :class:`requests.Session` in the worker loop).
    """
    policy = policy or RetryPolicy()
    now = (now or utcnow()).astimezone(timezone.utc)
    started = time.monotonic()
    claims = claim_due(db, now=now, batch=batch, lease=policy.lease)
    for index, claimed in enumerate(claims):
        if should_stop and should_stop():
            _release(db, claims[index:])
            return index
        # The scheduling clock moves on with real time during a long batch.
        current = now + timedelta(seconds=time.monotonic() - started)
        claim = renew_lease(db, claimed, now=current, lease=policy.lease)
        if claim is None:
            log.info("lease on %s lapsed and was taken over; skipping", claimed.idempotency_key)
            continue
        error = attempt(claim, timeout=timeout, http=http)
        if error is None:
            _mark_delivered(db, claim)
            log.info("delivered %s", claim.idempotency_key)
        else:
            next_at = _mark_failed(db, claim, error, now=current, policy=policy)
            # Ids and the error only: never the payload (it may hold a person's words).
            log.warning(
                "delivery of %s failed (attempt %d): %s; next try at %s",
                claim.idempotency_key,
                claim.attempts + 1,
                error,
                next_at.isoformat(),
            )
    return len(claims)


def run_worker(
    db: Database,
    stop_event: threading.Event,
    poll_interval: float = 1.0,
    *,
    batch: int = 20,
    timeout: float = 5.0,
    policy: RetryPolicy | None = None,
    spool_path: Path | None = None,
) -> None:
    """Deliver until ``stop_event`` is set; survives database and network errors.

    Each pass first replays escalations spooled to a file while the database
    was down (:mod:`bot.escalation.spool`), so they are recorded and notified.
    """
    policy = policy or RetryPolicy()
    if policy.lease <= timeout:
        log.warning("lease (%ss) should exceed the HTTP timeout (%ss)", policy.lease, timeout)
    with requests.Session() as http:
        while not stop_event.is_set():
            try:
                spool.replay(db, spool_path)
            except Exception:
                log.exception("escalation spool replay failed; will retry")
            try:
                done = deliver_due(
                    db,
                    batch=batch,
                    timeout=timeout,
                    policy=policy,
                    http=http,
                    should_stop=stop_event.is_set,
                )
            except Exception:  # e.g. the database restarting: wait and try again
                log.exception("outbox delivery pass failed; will retry")
                done = 0
            if done < batch:  # a full batch means more may be due right away
                stop_event.wait(poll_interval)


def deliver_all_due(
    db: Database,
    *,
    batch: int = 20,
    timeout: float = 5.0,
    policy: RetryPolicy | None = None,
) -> int:
    """Repeat :func:`deliver_due` until nothing is due (``worker --once``)."""
    total = 0
    while True:
        done = deliver_due(db, batch=batch, timeout=timeout, policy=policy)
        total += done
        if done < batch:
            return total
