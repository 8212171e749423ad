"""Shared fixtures: ``db`` (a migrated SQLite file per test) and its template."""

from tests.actions.support import db, db_template  # noqa: F401 (fixtures)
