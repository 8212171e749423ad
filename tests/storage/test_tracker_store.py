"""The tracker store keeps no words without consent, and forgets a conversation on request.

Real ``RestoryTrackerStore`` on SQLite and PostgreSQL, with the project's domain.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.config import tracker_store_parts
from bot.storage.tracker_store import FORGET_AFTER_SECONDS, RestoryTrackerStore, forget_idle
from tests.actions.support import PROJECT_ROOT

SECRET = "my allotment neighbour bernadette waters my beans"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture
def store(db_url, domain) -> RestoryTrackerStore:
    parts = tracker_store_parts(db_url)
    kwargs = {"dialect": parts.dialect, "db": parts.db}
    if parts.dialect != "sqlite":
        kwargs.update(host=parts.host, port=int(parts.port or 5432), username=parts.username, password=parts.password)
    made = RestoryTrackerStore(domain=domain, **kwargs)
    yield made
    made.engine.dispose()


def rows(store: RestoryTrackerStore, sender: str) -> list[dict]:
    with store.engine.connect() as connection:
        raw = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).scalars().all()
    return [json.loads(r) for r in raw]


def conversation(store: RestoryTrackerStore, sender: str, consent: str | None):
    tracker = asyncio.run(store.get_or_create_tracker(sender))
    events = [
        ActionExecuted("action_listen"),
        UserUttered(SECRET, {"name": "answer", "confidence": 1.0}, parse_data={"text": SECRET, "risk": {"level": "none"}}),
        BotUttered(f"“{SECRET}” Thank you.", metadata={"utter_action": "utter_reflect_back", "person_words": SECRET}),
        BotUttered("What has kept you going?", metadata={"utter_action": "utter_prompt_hope_keeps_going"}),
        SlotSet("reflection_answers", [{"key": "hope_keeps_going", "text": SECRET}]),
        ActionExecuted("action_listen"),
    ]
    if consent:
        events.insert(0, SlotSet("consent", consent))
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


@pytest.mark.parametrize("consent", [None, "declined"])
def test_without_consent_no_words_are_stored(store, consent):
    conversation(store, "person-declined", consent)
    stored = rows(store, "person-declined")

    users = [r for r in stored if r["event"] == "user"]
    assert users and all(r["text"] == "" and r["parse_data"]["text"] == "" for r in users)
    assert users[0]["parse_data"]["intent"]["name"] == "answer"  # intent and risk flags stay
    assert users[0]["parse_data"]["risk"] == {"level": "none"}
    quoting = [r for r in stored if r["event"] == "bot" and r["metadata"].get("utter_action") == "utter_reflect_back"]
    assert quoting and quoting[0]["text"] == ""
    assert "person_words" not in quoting[0]["metadata"]  # the template's variables go too
    prompt = [r for r in stored if r["event"] == "bot" and r["metadata"].get("utter_action", "").startswith("utter_prompt")]
    assert prompt[0]["text"] == "What has kept you going?"
    # The running conversation still has this sitting's answers ...
    assert SECRET in json.dumps([r for r in stored if r["event"] == "slot"])
    # ... until it has been idle for an hour.
    changed = forget_idle(store.engine, now=time.time() + FORGET_AFTER_SECONDS + 1)
    assert changed >= 1
    assert SECRET not in json.dumps(rows(store, "person-declined"))


def test_with_consent_the_conversation_is_kept_as_said(store):
    conversation(store, "person-granted", "granted")
    stored = json.dumps(rows(store, "person-granted"))

    assert stored.count(SECRET) == 5  # the message (text and parse data), the reflection back (text, variable), the slot
    assert forget_idle(store.engine, now=time.time() + FORGET_AFTER_SECONDS + 1) == 0
    assert json.dumps(rows(store, "person-granted")).count(SECRET) == 5


def test_delete_everything_removes_every_stored_event(store):
    tracker = conversation(store, "person-erase", "granted")
    assert rows(store, "person-erase")
    tracker.update(SlotSet("erased_at", time.time()))
    tracker.update(BotUttered("Done. Everything is deleted."))
    tracker.update(ActionExecuted("action_listen"))

    asyncio.run(store.save(tracker))

    assert rows(store, "person-erase") == []
    assert asyncio.run(store.retrieve("person-erase")) is None  # the next message starts afresh
    assert rows(store, "person-granted") == []  # nobody else's rows were touched or made
