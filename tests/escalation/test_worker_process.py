"""The real ``python -m bot worker`` process: killed mid-delivery, and stopped cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from bot.escalation import outbox, record_risk
from bot.storage import get_database
from bot.storage.migrate import upgrade
from bot.storage.models import OutboxMessage
from tests.escalation.conftest import SECRET, SECRET_ENV, aware, make_programme
from tests.escalation.receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def _worker(url: str, *args: str) -> list[str]:
    return [PYTHON, "-m", "bot", "worker", "--url", url, *args]


def _env() -> dict[str, str]:
    return {**os.environ, SECRET_ENV: SECRET, "RASA_TELEMETRY_ENABLED": "false"}


def _log(tmp_path: Path, name: str):
    return (tmp_path / f"{name}.log").open("w")


def _read(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text()


def _row(db) -> OutboxMessage:
    with db.session() as s:
        return s.scalars(select(OutboxMessage)).one()


def _seed(url: str, receiver: WebhookReceiver) -> str:
    upgrade(url)
    view = record_risk(
        get_database(url), participant_id="p", conversation_id="c",
        programme=make_programme(url=receiver.url), category="suicide", level="urgent",
        rules=["suicide.intent"], message="words",
    )
    return f"esc-{view.id}-opened"


def test_worker_killed_mid_delivery_delivers_exactly_once_for_the_receiver(pg_url, tmp_path):
    receiver = WebhookReceiver(SECRET, hold=True).start()  # accepts, then stalls its answer
    first = second = None
    try:
        key = _seed(pg_url, receiver)
        db = get_database(pg_url)
        first = subprocess.Popen(
            _worker(pg_url, "--lease", "1", "--timeout", "30", "--poll-interval", "0.1"),
            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=_log(tmp_path, "first"),
        )
        assert receiver.first_request.wait(20), _read(tmp_path, "first")
        first.send_signal(signal.SIGKILL)  # in flight: the answer is being held
        first.wait(10)

        row = _row(db)
        assert row.status == outbox.PENDING and row.locked_until is not None  # a stale lease
        wait = (aware(row.locked_until) - datetime.now(timezone.utc)).total_seconds()
        time.sleep(max(0.0, wait) + 0.1)  # the lease runs out (1 s)

        second = subprocess.run(
            _worker(pg_url, "--once", "--lease", "10", "--timeout", "5"),
            cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
        )
        assert second.returncode == 0, second.stderr
    finally:
        if first and first.poll() is None:
            first.kill()
        receiver.stop()

    # At-least-once on the wire: the killed worker's POST and the new worker's retry.
    assert len(receiver.requests) >= 2
    assert {r.key for r in receiver.requests} == {key}
    assert all(r.signature_valid for r in receiver.requests)
    assert list(receiver.processed) == [key]  # exactly once, from the receiver's view
    row = _row(db)
    assert row.status == outbox.DELIVERED and row.delivered_at is not None


def test_worker_stops_cleanly_on_sigterm(sqlite_url, tmp_path):
    receiver = WebhookReceiver(SECRET).start()
    proc = None
    try:
        key = _seed(sqlite_url, receiver)
        proc = subprocess.Popen(
            _worker(sqlite_url, "--poll-interval", "0.1"),
            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=_log(tmp_path, "worker"),
        )
        deadline = time.monotonic() + 20
        while not receiver.processed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(receiver.processed) == [key], _read(tmp_path, "worker")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0, _read(tmp_path, "worker")
    finally:
        if proc and proc.poll() is None:
            proc.kill()
        receiver.stop()
    assert _row(get_database(sqlite_url)).status == outbox.DELIVERED
