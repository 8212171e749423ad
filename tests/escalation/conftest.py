"""Fixtures for escalation tests: programmes, a webhook secret, a live receiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from bot.programmes.config import CrisisContact, Programme
from tests.escalation.receiver import WebhookReceiver

SECRET_ENV = "RESTORY_TEST_WEBHOOK_SECRET"
SECRET = "test-secret-\u00e9-123"


def make_programme(url: str = "", secret_env: str = SECRET_ENV, key: str = "default") -> Programme:
    """A programme with an escalation target (or none when ``url`` is empty)."""
    return Programme(
        key=key,
        display_name="Restory",
        organisation="a test programme",
        reflections_visible_to="you and the test team",
        retention="for the test",
        consent_wording_version="t-1",
        themes=("hope",),
        emergency_number="911",
        crisis_contacts=(CrisisContact(name="Line", how="call 988"),),
        human_support_name="the team",
        human_support_how="",
        webhook_url=url,
        webhook_secret_env=secret_env,
    )


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


@pytest.fixture
def secret(monkeypatch) -> str:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


@pytest.fixture
def receiver(secret) -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(secret).start()
    yield server
    server.stop()
