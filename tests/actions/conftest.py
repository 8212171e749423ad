"""Fixtures for the custom-action tests: a dispatcher, the domain, a tracker factory.

``action_db`` points ``actions.adapter.database()`` at a migrated SQLite file
through ``DATABASE_URL`` (settings and engines are cached, so both caches are
cleared before and after).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import get_settings
from bot.storage import Database, reset_databases
from tests.actions.support import (  # noqa: F401 (fixtures)
    PROGRAMMES_FILE,
    TEST_TARGET,
    db,
    db_template,
)

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The split domain (``domain/``), as the action server receives it."""
    from rasa.shared.core.domain import Domain

    root = Path(__file__).resolve().parents[2]
    with warnings.catch_warnings():  # Rasa always warns that slot auto-fill was removed in 3.0
        warnings.simplefilter("ignore", UserWarning)
        return Domain.load(str(root / "domain")).as_dict()


@pytest.fixture(scope="session")
def initial_slots(domain) -> dict[str, Any]:
    return {name: spec.get("initial_value") for name, spec in domain["slots"].items()}


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_factory(initial_slots) -> TrackerFactory:
    """Build a ``rasa_sdk.Tracker``: domain slot defaults, overridden by ``slots``."""

    def make(
        sender_id: str = "person-1",
        slots: dict[str, Any] | None = None,
        text: str = "",
        intent: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        events: list[dict[str, Any]] | None = None,
        risk: dict[str, Any] | None = None,
        active_loop: str | None = None,
    ) -> Tracker:
        latest: dict[str, Any] = {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0} if intent else {},
            "entities": list(entities or []),
        }
        if risk is not None:
            latest["risk"] = risk
        return Tracker(
            sender_id=sender_id,
            slots={**initial_slots, **(slots or {})},
            latest_message=latest,
            events=list(events or []),
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return make


@pytest.fixture(autouse=True)
def programme_with_a_target(tmp_path, monkeypatch) -> None:
    """The actions read ``programmes.yml`` with the default programme given an
    escalation target (as a running programme would have; the shipped file has none)."""
    data = yaml.safe_load(PROGRAMMES_FILE.read_text(encoding="utf-8"))
    data["programmes"]["default"].setdefault("escalation", {})["webhook_url"] = TEST_TARGET
    path = tmp_path / "programmes.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("RESTORY_PROGRAMMES", str(path))
    monkeypatch.delenv("RESTORY_PROGRAMME", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def action_db(request, monkeypatch) -> Iterator[Database]:
    """The database the actions use (``DATABASE_URL``): migrated, empty, SQLite."""
    database = request.getfixturevalue("db")
    monkeypatch.setenv("DATABASE_URL", database.url)
    get_settings.cache_clear()
    yield database
    reset_databases()
    get_settings.cache_clear()


@pytest.fixture
def broken_action_db(tmp_path, monkeypatch) -> Iterator[str]:
    """``DATABASE_URL`` pointing at a database without tables."""
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    reset_databases()
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    reset_databases()
    get_settings.cache_clear()
