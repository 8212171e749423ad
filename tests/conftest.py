"""Shared fixtures: real databases (SQLite file and the local PostgreSQL).

PostgreSQL tests each get a brand-new database on the server at
127.0.0.1:5432 (trust auth), created from ``PG_ADMIN_URL`` and dropped after,
so they never see each other's rows and migrations really run from zero.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PG_ADMIN_URL = os.environ.get(
    "PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)


def _pg_admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")


@pytest.fixture(autouse=True, scope="session")
def _private_var_dir(tmp_path_factory):
    """Keep tests' files (e.g. the escalation spool) out of the project's var/."""
    from bot.config import get_settings

    os.environ["RESTORY_VAR_DIR"] = str(tmp_path_factory.mktemp("var"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'restory.db'}"


@contextmanager
def fresh_pg_database(prefix: str = "restory_t") -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it after."""
    from sqlalchemy import text

    from bot.storage import reset_databases

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        reset_databases()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Run a test on both SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(db_url):
    """A migrated :class:`bot.storage.Database` on SQLite and on PostgreSQL."""
    from bot.storage import get_database, reset_databases
    from bot.storage.migrate import upgrade

    upgrade(db_url)
    yield get_database(db_url)
    reset_databases()
