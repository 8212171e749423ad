"""``python -m bot db upgrade`` and ``python -m bot reflections list`` as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage import get_database, reset_databases
from bot.storage.migrate import upgrade
from tests.actions.support import consent, save

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def cli_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'nested' / 'cli.db'}"
    yield url
    reset_databases()


def test_db_upgrade_creates_the_schema(cli_url):
    result = run_bot("db", "upgrade", "--url", cli_url)

    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout
    from bot.reflection.store import list_reflections

    assert list_reflections(get_database(cli_url), "nobody") == []


def test_reflections_list_json_prints_the_saved_reflections(cli_url):
    upgrade(cli_url)
    db = get_database(cli_url)
    consent(db, "p-42")
    saved = save(db, "p-42", theme="hope", prompt_key="hope_keeps_going", text="My cat 🐈 <b>Milo</b>")
    save(db, "p-42", theme="hope", prompt_key="hope_lighter_day", text="Sunday", session_id=saved.session_id)
    consent(db, "someone-else")
    save(db, "someone-else", text="not theirs to see")
    reset_databases()

    result = run_bot("reflections", "list", "--participant", "p-42", "--json", "--url", cli_url)

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    assert [(r["theme"], r["prompt"], r["text"]) for r in rows] == [
        ("hope", "hope_keeps_going", "My cat 🐈 <b>Milo</b>"),
        ("hope", "hope_lighter_day", "Sunday"),
    ]
    assert all(r["created_at"] for r in rows)


def test_reflections_list_for_an_unknown_participant(cli_url):
    upgrade(cli_url)

    result = run_bot("reflections", "list", "--participant", "nobody", "--url", cli_url)

    assert result.returncode == 0, result.stderr
    assert "No saved reflections for participant nobody." in result.stdout
