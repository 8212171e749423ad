"""Several writers at once for one conversation still make one episode.

Runs on PostgreSQL (row locks, READ COMMITTED) and on SQLite (one writer at a time).
"""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.escalation import record_risk
from bot.storage.models import Escalation, OutboxMessage
from tests.escalation.conftest import make_programme

WRITERS = 4
ROUNDS = 10


def test_concurrent_writers_make_one_episode(database):
    db = database
    programme = make_programme(url="")
    errors: list[BaseException] = []

    def write(barrier: threading.Barrier, conversation: str, level: str) -> None:
        try:
            barrier.wait(5)
            record_risk(
                db, participant_id="p", conversation_id=conversation, programme=programme,
                category="suicide", level=level, rules=[f"rule.{level}"], message="words",
            )
        except BaseException as err:  # surfaced below: a thread must not fail silently
            errors.append(err)

    for n in range(ROUNDS):
        barrier = threading.Barrier(WRITERS)
        threads = [
            threading.Thread(
                target=write, args=(barrier, f"conv-{n}", "urgent" if i else "concern")
            )
            for i in range(WRITERS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert errors == []

    with db.session() as s:
        escalations = s.scalars(select(Escalation).order_by(Escalation.id)).all()
        keys = s.scalars(select(OutboxMessage.idempotency_key)).all()
    assert len(escalations) == ROUNDS  # one per conversation, never two
    for esc in escalations:
        assert esc.message_count == WRITERS  # no update was lost
        assert esc.level == "urgent"
        assert esc.episode_key.endswith(":1")
        opened = f"esc-{esc.id}-opened" in keys
        urgent = f"esc-{esc.id}-urgent" in keys
        # Opened as urgent: one notification; opened as concern then raised: two.
        assert opened and (urgent == (esc.rules[0] == "rule.concern"))
