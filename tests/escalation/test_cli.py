"""``python -m bot escalations …`` (in-process through ``bot.cli.main``)."""

from __future__ import annotations

import json

from bot.cli import main
from bot.escalation import record_risk
from tests.escalation.conftest import make_programme

FIELDS = {
    "id", "participant_id", "conversation_id", "category", "level", "rules", "status",
    "created_at", "updated_at", "message_count", "notification",
}


def _seed(db):
    for conversation, level in (("conv-a", "concern"), ("conv-b", "urgent")):
        record_risk(
            db, participant_id=f"p-{conversation}", conversation_id=conversation,
            programme=make_programme(url=""), category="self_harm", level=level,
            rules=["r.1"], message="secret words",
        )


def test_list_json_has_the_fields(database, capsys):
    _seed(database)
    assert main(["escalations", "list", "--json", "--url", database.url]) == 0
    rows = json.loads(capsys.readouterr().out)

    assert len(rows) == 2
    for row in rows:
        assert set(row) >= FIELDS
        assert "message" not in row  # the person's words only with --with-message
    assert rows[0]["conversation_id"] == "conv-b" and rows[0]["level"] == "urgent"
    assert rows[0]["notification"] == "no_target" and rows[0]["rules"] == ["r.1"]


def test_ack_resolve_and_status_filter(database, capsys):
    _seed(database)
    first = json.loads(_run(capsys, ["escalations", "list", "--json", "--url", database.url]))
    target = first[-1]["id"]

    assert main(["escalations", "ack", str(target), "--url", database.url]) == 0
    assert f"escalation {target} is acknowledged" in capsys.readouterr().out
    acked = json.loads(_run(capsys, ["escalations", "list", "--status", "acknowledged",
                                     "--json", "--url", database.url]))
    assert [r["id"] for r in acked] == [target]

    assert main(["escalations", "resolve", str(target), "--url", database.url]) == 0
    capsys.readouterr()
    assert main(["escalations", "ack", str(target), "--url", database.url]) == 1
    assert "resolved" in capsys.readouterr().err
    assert main(["escalations", "ack", "424242", "--url", database.url]) == 1


def test_text_table(database, capsys):
    assert "No escalations." in _run(capsys, ["escalations", "list", "--url", database.url])
    _seed(database)
    out = _run(capsys, ["escalations", "list", "--url", database.url])
    assert out.splitlines()[0].split()[:4] == ["ID", "STATUS", "LEVEL", "CATEGORY"]
    assert "conv-a" in out and "no_target" in out and "secret words" not in out
    assert "secret words" in _run(
        capsys, ["escalations", "list", "--with-message", "--url", database.url]
    )


def _run(capsys, argv: list[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out
