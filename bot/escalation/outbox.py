"""The transactional outbox: notification rows written with their escalation.

A row is added in the *same* session (so the same transaction) as the
escalation change that caused it, which is what makes notifications impossible
to lose: either both are committed or neither is. :mod:`bot.escalation.worker`
delivers the rows afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.programmes.config import Programme
from bot.storage.models import Escalation, OutboxMessage, iso

# Outbox row statuses.
PENDING = "pending"  # waiting for its first attempt
RETRYING = "retrying"  # at least one attempt failed; will retry with backoff
FAILING = "failing"  # many attempts failed; still retried at the backoff cap
DELIVERED = "delivered"  # the target answered 2xx
NO_TARGET = "no_target"  # the programme has no webhook_url: recorded, never sent

#: Rows a worker may pick up.
DELIVERABLE = (PENDING, RETRYING, FAILING)

# Why a notification was queued (part of the idempotency key and the payload).
REASON_OPENED = "opened"
REASON_URGENT = "urgent"
REASON_HUMAN = "human"

PAYLOAD_TYPE = "restory.escalation"
PAYLOAD_VERSION = 1
EXCERPT_CHARS = 280


def idempotency_key(escalation_id: int, reason: str) -> str:
    """Deterministic per (escalation, reason): the receiver dedupes on it."""
    return f"esc-{escalation_id}-{reason}"


def include_message(programme: Programme) -> bool:
    """Whether this programme wants a message excerpt in its webhooks (default: no).

    Read from ``escalation.include_message`` in ``programmes.yml``.
    """
    return programme.escalation_include_message



def excerpt(message: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``message``, marked when cut."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_payload(
    escalation: Escalation, reason: str, *, with_message: bool = False
) -> dict[str, Any]:
    """The JSON body for one notification (schema in ``docs/escalation.md``)."""
    payload: dict[str, Any] = {
        "type": PAYLOAD_TYPE,
        "version": PAYLOAD_VERSION,
        "event": reason,
        "idempotency_key": idempotency_key(escalation.id, reason),
        "escalation": {
            "id": escalation.id,
            "programme": escalation.programme,
            "participant_id": escalation.participant_id,
            "conversation_id": escalation.conversation_id,
            "category": escalation.category,
            "level": escalation.level,
            "rules": list(escalation.rules or []),
            "status": escalation.status,
            "human_requested": bool(escalation.human_requested),
            "message_count": escalation.message_count,
            "created_at": iso(escalation.created_at),
            "updated_at": iso(escalation.updated_at),
        },
    }
    if with_message:
        payload["message_excerpt"] = excerpt(escalation.message or "")
    return payload


def encode_body(payload: dict[str, Any]) -> bytes:
    """Canonical JSON bytes: the same payload always signs to the same body."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def enqueue(
    session: Session,
    escalation: Escalation,
    programme: Programme,
    reason: str,
    *,
    now: datetime,
) -> OutboxMessage:
    """Add a notification row for ``escalation`` to ``session`` (caller commits).

    The escalation must already be flushed (it needs an id). Without a
    ``webhook_url`` the row is still written, as ``no_target``, so the audit
    trail shows that nobody was notified automatically.
    """
    target = programme.webhook_url.strip()
    row = OutboxMessage(
        escalation_id=escalation.id,
        kind="escalation",
        target=target,
        secret_env=programme.webhook_secret_env or None,
        idempotency_key=idempotency_key(escalation.id, reason),
        payload=build_payload(escalation, reason, with_message=include_message(programme)),
        status=PENDING if target else NO_TARGET,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(row)
    return row


# Worst first: the summary of several rows is the most worrying one.
_SEVERITY = (FAILING, RETRYING, PENDING, NO_TARGET, DELIVERED)


def summarise(statuses: Iterable[str]) -> str:
    """One word for an escalation's notifications (``none`` if there are none)."""
    present = set(statuses)
    for status in _SEVERITY:
        if status in present:
            return status
    return "none"
