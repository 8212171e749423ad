"""Recording escalations: one durable record per episode, committed with its outbox row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.escalation import (
    EscalationError,
    acknowledge,
    list_escalations,
    outbox,
    record_risk,
    request_human,
    resolve,
)
from bot.storage.models import Escalation, OutboxMessage
from tests.escalation.conftest import SECRET_ENV, make_programme

NO_TARGET = make_programme(url="")


def _record(db, level="concern", *, conversation="conv-1", rules=("r.one",), message="words",
            programme=NO_TARGET, category="self_harm", human=False):
    return record_risk(
        db,
        participant_id="person-1",
        conversation_id=conversation,
        programme=programme,
        category=category,
        level=level,
        rules=list(rules),
        message=message,
        human_requested=human,
    )


def _outbox(db) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def _escalations(db) -> list[Escalation]:
    with db.session() as s:
        return list(s.scalars(select(Escalation).order_by(Escalation.id)).all())


def test_first_message_opens_an_episode_with_its_outbox_row(database):
    view = _record(database, message="I don't want to be here")

    assert view.created and view.notified and view.status == "open"
    assert view.notification == outbox.NO_TARGET  # no webhook configured: recorded, not sent
    [esc] = _escalations(database)
    assert esc.message == "I don't want to be here"
    assert esc.episode_key == "conv-1:1"
    assert (esc.level, esc.category, esc.rules, esc.message_count) == (
        "concern", "self_harm", ["r.one"], 1
    )
    [row] = _outbox(database)
    assert row.escalation_id == esc.id
    assert row.idempotency_key == f"esc-{esc.id}-opened"
    assert row.status == outbox.NO_TARGET


def test_more_messages_update_the_same_episode(database):
    first = _record(database, rules=["r.one"], message="first")
    second = _record(database, rules=["r.two", "r.one"], message="second")

    assert second.id == first.id
    assert not second.created and not second.notified
    [esc] = _escalations(database)
    assert esc.message_count == 2
    assert esc.rules == ["r.one", "r.two"]
    assert esc.message == "second"  # latest words kept
    assert len(_outbox(database)) == 1


def test_level_only_rises_and_rising_to_urgent_notifies(database):
    programme = make_programme(url="http://127.0.0.1:9/hook")
    opened = _record(database, "concern", programme=programme)
    raised = _record(database, "urgent", programme=programme, category="suicide")
    lowered = _record(database, "concern", programme=programme, category="self_harm")

    assert raised.notified and raised.level == "urgent"
    assert not lowered.notified and lowered.level == "urgent"
    [esc] = _escalations(database)
    assert (esc.level, esc.category, esc.message_count) == ("urgent", "suicide", 3)
    rows = _outbox(database)
    assert [r.idempotency_key for r in rows] == [
        f"esc-{opened.id}-opened",
        f"esc-{opened.id}-urgent",
    ]
    assert all(r.status == outbox.PENDING for r in rows)
    assert rows[0].target == "http://127.0.0.1:9/hook" and rows[0].secret_env == SECRET_ENV
    assert rows[1].payload["event"] == "urgent"
    assert rows[1].payload["escalation"]["level"] == "urgent"


def test_human_request_notifies_once_per_episode(database):
    esc = _record(database)
    asked = request_human(
        database, participant_id="person-1", conversation_id="conv-1",
        programme=NO_TARGET, message="can I talk to someone",
    )
    again = request_human(
        database, participant_id="person-1", conversation_id="conv-1",
        programme=NO_TARGET, message="please",
    )

    assert asked.id == esc.id and asked.notified and asked.human_requested
    assert not again.notified
    assert [r.idempotency_key for r in _outbox(database)] == [
        f"esc-{esc.id}-opened", f"esc-{esc.id}-human",
    ]
    [stored] = _escalations(database)
    assert stored.human_requested and stored.human_requested_at is not None
    assert "human_requested" in stored.rules


def test_human_request_can_open_an_episode(database):
    view = request_human(
        database, participant_id="p", conversation_id="c", programme=NO_TARGET, message="hi"
    )
    assert view.created and view.human_requested and view.category == "human_request"
    [row] = _outbox(database)
    assert row.payload["escalation"]["human_requested"] is True


def test_resolving_ends_the_episode(database):
    first = _record(database)
    assert acknowledge(database, first.id).status == "acknowledged"
    during = _record(database)  # still the same episode while acknowledged
    assert during.id == first.id and during.status == "acknowledged"
    assert resolve(database, first.id).status == "resolved"

    second = _record(database)

    assert second.created and second.id != first.id and second.notified
    keys = [e.episode_key for e in _escalations(database)]
    assert keys == ["conv-1:1", "conv-1:2"]
    assert _record(database, conversation="conv-2").id not in (first.id, second.id)


def test_status_transitions(database):
    view = _record(database)
    assert acknowledge(database, view.id).status == "acknowledged"
    assert acknowledge(database, view.id).status == "acknowledged"  # idempotent
    assert resolve(database, view.id).status == "resolved"
    assert resolve(database, view.id).status == "resolved"  # idempotent
    with pytest.raises(EscalationError):
        acknowledge(database, view.id)
    with pytest.raises(EscalationError):
        resolve(database, 999_999)
    [esc] = _escalations(database)
    assert esc.acknowledged_at is not None and esc.resolved_at is not None


def test_escalation_and_outbox_row_commit_together(database, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("outbox insert failed")

    monkeypatch.setattr(outbox, "build_payload", broken)
    with pytest.raises(RuntimeError):
        _record(database)

    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Escalation)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_update_and_its_outbox_row_commit_together(database, monkeypatch):
    _record(database, "concern")
    monkeypatch.setattr(outbox, "build_payload", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _record(database, "urgent")

    [esc] = _escalations(database)
    assert (esc.level, esc.message_count) == ("concern", 1)  # the update rolled back too
    assert len(_outbox(database)) == 1


def test_payload_leaves_out_the_message_unless_the_programme_opts_in(database):
    from dataclasses import replace

    base = make_programme(url="http://127.0.0.1:9/hook")
    opt_in = replace(base, escalation_include_message=True)
    _record(database, message="private words " * 40, conversation="a", programme=base)
    _record(database, message="private words " * 40, conversation="b", programme=opt_in)

    plain, with_excerpt = (r.payload for r in _outbox(database))
    assert "message_excerpt" not in plain
    assert "private" not in str(plain)
    assert with_excerpt["message_excerpt"].startswith("private words")
    assert len(with_excerpt["message_excerpt"]) <= outbox.EXCERPT_CHARS


def test_list_escalations_filters_by_status(database):
    a = _record(database, conversation="a")
    b = _record(database, conversation="b")
    acknowledge(database, b.id)

    assert [r.id for r in list_escalations(database)] == [b.id, a.id]
    [only] = list_escalations(database, status="open")
    assert only.id == a.id and only.notification == outbox.NO_TARGET
    assert [r.id for r in list_escalations(database, status="acknowledged")] == [b.id]
    with pytest.raises(ValueError):
        list_escalations(database, status="closed")


def test_unknown_level_is_refused(database):
    with pytest.raises(ValueError):
        _record(database, "none")
    assert _escalations(database) == []


def test_very_long_conversation_ids_still_fit_the_episode_key(database):
    long_id = "x" * 255
    view = _record(database, conversation=long_id)
    assert _record(database, conversation=long_id).id == view.id
    [esc] = _escalations(database)
    assert len(esc.episode_key) <= 255 and esc.conversation_id == long_id
