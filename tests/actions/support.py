"""Helpers and two fixtures shared by the Restory dialogue tests.

Each concern's ``conftest.py`` imports ``db_template`` and ``db`` from here, so
every test directory builds conversations and databases the same way.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.consent import store as consent_store
from bot.dialogue import Conversation
from bot.programmes import Programme, get_programme
from bot.programmes.config import CrisisContact
from bot.reflection import store as reflection_store
from bot.storage import Database, get_database, reset_databases
from bot.storage.migrate import upgrade

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES_FILE = PROJECT_ROOT / "programmes.yml"


#: Where the tests' programme sends escalations (nothing listens: the outbox is not run here).
TEST_TARGET = "http://127.0.0.1:9/escalations"


def programme(key: str = "default", *, target: str | None = TEST_TARGET) -> Programme:
    """A programme from the project's ``programmes.yml``, with an escalation
    target unless ``target=None`` (the shipped default has none)."""
    loaded = get_programme(key, PROGRAMMES_FILE)
    return dataclasses.replace(loaded, webhook_url=target or "")


def limited_programme(themes: tuple[str, ...] = ("hope", "identity")) -> Programme:
    """A programme that offers only some themes."""
    return Programme(
        key="limited",
        display_name="Restory (limited)",
        organisation="a test programme",
        reflections_visible_to="you and the test team",
        retention="for the test",
        consent_wording_version="limited-1",
        themes=themes,
        emergency_number="112",
        crisis_contacts=(CrisisContact(name="Line", how="call 000"),),
        human_support_name="the test team",
        human_support_how="",
    )


def make_conversation(
    participant_id: str = "person-1",
    text: str = "",
    intent: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    prog: Programme | None = None,
) -> Conversation:
    """A :class:`Conversation` as ``actions.adapter.conversation`` would build it."""
    base: dict[str, Any] = {"reflection_step": 0.0, "reflection_answers": []}
    base.update(slots or {})
    return Conversation(
        participant_id=participant_id,
        programme=prog or programme(),
        text=text,
        intent=intent,
        intent_confidence=1.0 if intent else 0.0,
        entities=tuple(entities or ()),
        slots=base,
    )


def migrated_sqlite(template: Path, target: Path) -> Database:
    """A migrated SQLite database, copied from a template migrated once per run."""
    if not template.exists():
        upgrade(f"sqlite:///{template}")
    shutil.copyfile(template, target)
    return get_database(f"sqlite:///{target}")


def unmigrated_database(tmp_path: Path) -> Database:
    """A database with no tables: every query fails like a broken database would."""
    return get_database(f"sqlite:///{tmp_path / 'broken.db'}")


def consent(db: Database, participant_id: str = "person-1", programme_key: str = "default") -> None:
    consent_store.grant(db, participant_id, programme_key, "test-1")


def save(
    db: Database,
    participant_id: str = "person-1",
    theme: str = "hope",
    prompt_key: str = "hope_keeps_going",
    text: str = "My dog keeps me going.",
    session_id: int | None = None,
):
    """Save one answer (the participant must have consented)."""
    return reflection_store.save_answer(
        db,
        participant_id=participant_id,
        programme="default",
        theme=theme,
        session_id=session_id,
        prompt_key=prompt_key,
        prompt_text=f"text of {prompt_key}",
        text=text,
    )


def responses(turn_or_messages) -> list[str]:
    """Response names of a ``Turn`` or of ``dispatcher.messages``."""
    if isinstance(turn_or_messages, list):
        return [m.get("response") for m in turn_or_messages]
    return turn_or_messages.responses


@pytest.fixture(scope="session")
def db_template(tmp_path_factory) -> Path:
    """Path of a SQLite file migrated once per run (copied for each test)."""
    return tmp_path_factory.mktemp("template") / "restory.db"


@pytest.fixture
def db(tmp_path, db_template) -> Iterator[Database]:
    """A migrated, empty SQLite :class:`Database` of its own for one test."""
    reset_databases()
    yield migrated_sqlite(db_template, tmp_path / "restory.db")
    reset_databases()
