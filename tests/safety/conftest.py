"""Fixtures for the risk-screen tests: one screen per test session."""

from __future__ import annotations

import pytest

# A migrated SQLite database per test, shared with the action tests.
from tests.actions.support import db, db_template  # noqa: F401 (fixtures)


@pytest.fixture(scope="session")
def screen():
    # No TensorFlow blocking here: other tests in the same session (the Rasa
    # component) import it for real. Only the `screen` CLI process skips it.
    from bot.safety import get_screen

    return get_screen()
