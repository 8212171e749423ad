"""The spool: escalations survive a database outage and are replayed once it is back."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.escalation import list_escalations, spool
from bot.programmes import get_programme
from bot.safety import conversation as safety
from bot.safety import get_screen
from bot.storage import Database
from tests.actions.support import make_conversation


def _entry(conversation: str, level: str = "concern") -> dict:
    return {
        "participant_id": conversation,
        "conversation_id": conversation,
        "programme": "default",
        "category": "suicide",
        "level": level,
        "rules": ["suicide.test"],
        "message": "words kept private",
        "human_requested": False,
    }


def test_replay_records_each_spooled_episode_and_empties_the_file(database, tmp_path):
    path = tmp_path / spool.SPOOL_NAME
    spool.write(_entry("c1"), path)
    spool.write(_entry("c1", "urgent"), path)  # same episode: an update, not a duplicate
    spool.write(_entry("c2"), path)
    assert oct(path.stat().st_mode)[-3:] == "600"

    assert spool.replay(database, path) == 3

    rows = {e.conversation_id: e for e in list_escalations(database)}
    assert set(rows) == {"c1", "c2"}
    assert rows["c1"].level == "urgent" and rows["c1"].message_count == 2
    assert not path.exists() and not path.with_suffix(".replaying").exists()
    assert spool.replay(database, path) == 0


def test_replay_keeps_what_it_could_not_record(tmp_path):
    path = tmp_path / spool.SPOOL_NAME
    spool.write(_entry("c1"), path)
    broken = Database(f"sqlite:///{tmp_path / 'no-tables.db'}")

    assert spool.replay(broken, path) == 0

    kept = [json.loads(line) for line in path.read_text().splitlines()]
    assert [k["conversation_id"] for k in kept] == ["c1"]


def test_a_disclosure_during_an_outage_is_spooled_then_recorded(database, tmp_path, monkeypatch):
    from bot.config import get_settings

    monkeypatch.setenv("RESTORY_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        risk = get_screen().screen("i dont want to be alive anymore").as_dict()
        conv = replace(
            make_conversation(text="i dont want to be alive anymore", intent="risk_disclosure"), risk=risk
        )
        broken = Database(f"sqlite:///{tmp_path / 'down.db'}")

        turn = safety.safety_response(conv, broken)

        assert "utter_safety_contacts" in turn.responses  # the person is never kept waiting
        assert (tmp_path / spool.SPOOL_NAME).exists()
        assert spool.replay(database) == 1
        [esc] = list_escalations(database)
        assert (esc.category, esc.level, esc.status) == ("suicide", "concern", "open")
        assert esc.programme == get_programme().key
    finally:
        get_settings.cache_clear()
