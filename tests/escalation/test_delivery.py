"""Delivery worker against a real local HTTP receiver (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.escalation import RetryPolicy, deliver_due, outbox, record_risk, run_worker
from bot.escalation.worker import backoff_delay, claim_due, renew_lease
from bot.storage.models import OutboxMessage
from tests.escalation.conftest import SECRET, SECRET_ENV, aware, make_programme
from tests.escalation.receiver import WebhookReceiver, free_port

FAST = RetryPolicy(lease=30, base=1.0, cap=8.0, jitter=0.1, failing_after=3)


def _record(db, programme, level="concern", conversation="conv-1", human=False):
    return record_risk(
        db,
        participant_id="person-1",
        conversation_id=conversation,
        programme=programme,
        category="suicide",
        level=level,
        rules=["suicide.intent"],
        message="my own private words",
        human_requested=human,
    )


def _row(db, key: str) -> OutboxMessage:
    with db.session() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()


def test_delivers_a_signed_json_webhook(database, receiver):
    view = _record(database, make_programme(url=receiver.url))
    key = f"esc-{view.id}-opened"

    assert deliver_due(database, policy=FAST) == 1

    [req] = receiver.requests
    assert req.signature_valid and req.signature.startswith("sha256=")
    assert req.key == key
    assert req.content_type == "application/json"
    assert abs(int(req.timestamp) - time.time()) < 60
    body = req.json()
    assert body["type"] == "restory.escalation" and body["version"] == 1
    assert body["event"] == "opened" and body["idempotency_key"] == key
    esc = body["escalation"]
    assert esc["id"] == view.id
    assert (esc["participant_id"], esc["conversation_id"]) == ("person-1", "conv-1")
    assert (esc["category"], esc["level"]) == ("suicide", "concern")
    assert esc["rules"] == ["suicide.intent"]
    assert esc["status"] == "open" and esc["human_requested"] is False
    assert esc["created_at"] and esc["updated_at"]
    assert b"private words" not in req.body  # people's words stay home by default

    row = _row(database, key)
    assert row.status == outbox.DELIVERED and row.attempts == 1
    assert row.delivered_at is not None and row.locked_until is None
    assert deliver_due(database, policy=FAST) == 0  # nothing left to do


def test_each_reason_is_its_own_notification(database, receiver):
    programme = make_programme(url=receiver.url)
    view = _record(database, programme, "concern")
    _record(database, programme, "urgent")
    _record(database, programme, "urgent", human=True)

    assert deliver_due(database, policy=FAST) == 3
    assert list(receiver.processed) == [
        f"esc-{view.id}-opened", f"esc-{view.id}-urgent", f"esc-{view.id}-human"
    ]


def test_receiver_down_then_up_is_retried_with_growing_backoff(database, secret):
    port = free_port()  # nothing listening: connection refused
    view = _record(database, make_programme(url=f"http://127.0.0.1:{port}/hook"))
    key = f"esc-{view.id}-opened"
    now = datetime.now(timezone.utc)

    gaps = []
    for attempt in range(1, 4):
        assert deliver_due(database, now=now, policy=FAST, timeout=2) == 1
        row = _row(database, key)
        assert row.attempts == attempt and row.last_error
        assert row.status == (outbox.FAILING if attempt >= FAST.failing_after else outbox.RETRYING)
        next_at = aware(row.next_attempt_at)
        assert deliver_due(database, now=now, policy=FAST) == 0  # not due before its backoff
        gaps.append((next_at - now).total_seconds())
        now = next_at
    assert gaps[0] < gaps[1] < gaps[2]  # 1s, 2s, 4s (+ up to 10% jitter)

    server = WebhookReceiver(secret, port=port).start()
    try:
        assert deliver_due(database, now=now, policy=FAST) == 1
    finally:
        server.stop()
    assert list(server.processed) == [key]
    row = _row(database, key)
    assert row.status == outbox.DELIVERED and row.attempts == 4 and row.last_error is None


def test_error_status_is_retried(database, secret):
    server = WebhookReceiver(secret, status=503).start()
    try:
        view = _record(database, make_programme(url=server.url))
        assert deliver_due(database, policy=FAST) == 1
        row = _row(database, f"esc-{view.id}-opened")
        assert row.status == outbox.RETRYING and row.last_error.startswith("HTTP 503")
        server.status = 200
        assert deliver_due(database, now=aware(row.next_attempt_at), policy=FAST) == 1
        assert _row(database, row.idempotency_key).status == outbox.DELIVERED
    finally:
        server.stop()


def test_missing_secret_is_never_sent_unsigned(database, receiver, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    view = _record(database, make_programme(url=receiver.url))

    assert deliver_due(database, policy=FAST) == 1

    assert receiver.requests == []
    row = _row(database, f"esc-{view.id}-opened")
    assert row.status == outbox.RETRYING and SECRET_ENV in row.last_error
    monkeypatch.setenv(SECRET_ENV, SECRET)  # fixed: the row goes out on its next turn
    assert deliver_due(database, now=aware(row.next_attempt_at), policy=FAST) == 1
    assert len(receiver.processed) == 1


def test_no_target_rows_are_never_claimed(database, receiver):
    _record(database, make_programme(url=""))
    assert deliver_due(database, policy=FAST) == 0
    assert receiver.requests == []


def test_a_claimed_row_is_leased(database, secret):
    _record(database, make_programme(url="http://127.0.0.1:9/hook"))
    now = datetime.now(timezone.utc)

    [mine] = claim_due(database, now=now, batch=10, lease=5)
    assert claim_due(database, now=now + timedelta(seconds=4), batch=10, lease=5) == []
    renewed = renew_lease(database, mine, now=now + timedelta(seconds=4), lease=5)
    assert renewed is not None  # still ours: extended to now + 9 s
    assert claim_due(database, now=now + timedelta(seconds=8), batch=10, lease=5) == []
    # The holder stalled: once the lease runs out, another worker takes it …
    [theirs] = claim_due(database, now=now + timedelta(seconds=10), batch=10, lease=5)
    assert theirs.id == mine.id
    # … and the old holder can no longer extend (or send under) its lapsed claim.
    assert renew_lease(database, renewed, now=now + timedelta(seconds=11), lease=5) is None
    assert renew_lease(database, theirs, now=now + timedelta(seconds=11), lease=5) is not None


def test_backoff_is_capped_and_keeps_going():
    policy = RetryPolicy(base=2, cap=60, jitter=0)
    assert [backoff_delay(n, policy) for n in range(7)] == [2, 4, 8, 16, 32, 60, 60]
    assert backoff_delay(10_000, policy) == 60
    jittered = RetryPolicy(base=2, cap=60, jitter=0.5)
    assert 2 <= backoff_delay(0, jittered, rand=lambda: 0.99) <= 3


def test_run_worker_delivers_and_stops_on_request(database, receiver):
    view = _record(database, make_programme(url=receiver.url))
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(database, stop, 0.05), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not receiver.processed and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert list(receiver.processed) == [f"esc-{view.id}-opened"]


def test_stopping_mid_batch_gives_back_unsent_claims(database, receiver):
    programme = make_programme(url=receiver.url)
    _record(database, programme, conversation="a")
    second = _record(database, programme, conversation="b")
    calls = iter([False, True])

    assert deliver_due(database, policy=FAST, should_stop=lambda: next(calls)) == 1

    assert len(receiver.processed) == 1
    row = _row(database, f"esc-{second.id}-opened")
    assert row.status == outbox.PENDING and row.locked_until is None  # free for the next worker
    assert deliver_due(database, policy=FAST) == 1
    assert len(receiver.processed) == 2
