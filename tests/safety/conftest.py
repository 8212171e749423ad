"""Fixtures for the risk-screen tests: one screen per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def screen():
    # No TensorFlow blocking here: other tests in the same session (the Rasa
    # component) import it for real. Only the `screen` CLI process skips it.
    from bot.safety import get_screen

    return get_screen()
