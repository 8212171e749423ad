"""Migrations apply from an empty database and roll back to base, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.storage.migrate import downgrade, upgrade

APP_TABLES = {
    "erasure",
    "participant",
    "consent_event",
    "reflection_session",
    "reflection",
    "check_in",
    "escalation",
    "outbox_message",
}


def _tables_and_version(url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(url, future=True)
    try:
        tables = set(inspect(engine).get_table_names())
        versions: list[str] = []
        if "alembic_version" in tables:
            with engine.connect() as conn:
                versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        return tables, versions
    finally:
        engine.dispose()


def test_upgrade_from_zero_creates_every_table(db_url):
    assert _tables_and_version(db_url)[0] & APP_TABLES == set()

    upgrade(db_url)

    tables, versions = _tables_and_version(db_url)
    assert tables >= APP_TABLES
    assert versions == ["0003"]
    upgrade(db_url)  # already at head: a no-op
    assert _tables_and_version(db_url)[1] == ["0003"]


@pytest.mark.parametrize(("target", "remaining"), [("base", set()), ("0001", APP_TABLES - {"erasure"})])
def test_downgrade_removes_what_the_migrations_added(db_url, target, remaining):
    upgrade(db_url)

    downgrade(db_url, target)

    tables, versions = _tables_and_version(db_url)
    assert tables & APP_TABLES == remaining
    assert versions == ([] if target == "base" else ["0001"])
    if target == "0001":
        engine = create_engine(db_url, future=True)
        columns = {c["name"] for c in inspect(engine).get_columns("escalation")}
        engine.dispose()
        assert "human_requested" not in columns


def test_downgrade_then_upgrade_again_reaches_head(db_url):
    upgrade(db_url)
    downgrade(db_url)

    upgrade(db_url)

    tables, versions = _tables_and_version(db_url)
    assert tables >= APP_TABLES
    assert versions == ["0003"]
