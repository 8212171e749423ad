"""Rasa's SQL tracker store, made to keep only what a person agreed to.

Rasa keeps every event of a conversation (``events`` table). This subclass of
its ``SQLTrackerStore`` (with the ``rasa_component`` modules, one of the few
places in ``bot/`` that import Rasa) adds two duties:

* **No words without consent.** For a conversation whose ``consent`` slot is
  not ``granted``, the person's messages are written with their text removed
  (intent, risk flags and event types stay), and so are the bot messages that
  quote them (the reflection back, the summary, look-back items). The slots
  the running conversation needs (this sitting's answers, a pending answer,
  a check's words) are kept while it runs and cleared once the conversation
  has been idle for :data:`FORGET_AFTER_SECONDS` (see :func:`forget_idle`,
  run at most every :data:`SWEEP_EVERY_SECONDS` from ``save``).
* **Delete everything.** When a turn carries the ``erased_at`` marker
  (``bot.privacy.conversation.delete_everything``), every stored event of
  the conversation is deleted, in every session, and nothing more is written
  for that turn: the person's next message starts a new conversation. The
  count joins the person's ``erasure`` audit row.

Configured in the generated ``var/endpoints.yml`` (``bot.runner.services``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

ERASED_SLOT = "erased_at"
GRANTED = "granted"
#: Bot messages that repeat the person's words.
QUOTING = frozenset({"utter_reflect_back", "utter_closing_summary", "utter_look_back_item"})
#: Slots holding the person's words, needed only while the conversation runs.
TEXT_SLOTS = ("reflection_answer", "reflection_answers", "checkin", "pending_answer", "safety_pending")
SAFE_METADATA = ("utter_action", "model_id", "assistant_id")
REMOVED = "restory_removed"  # marks a value removed from a stored event
FORGET_AFTER_SECONDS = 3600.0
SWEEP_EVERY_SECONDS = 300.0


def redact(data: dict[str, Any]) -> dict[str, Any]:
    """An event as stored for someone who has not agreed to saving."""
    kind = data.get("event")
    if kind == "user" and data.get("text"):
        data = {**data, "text": "", REMOVED: True}
        if data.get("parse_data"):  # intent, entities (theme, check answer) and risk flags stay
            data["parse_data"] = {**data["parse_data"], "text": ""}
    elif kind == "bot":
        # A bot message's metadata carries the template's variables (the person's words among
        # them): only the response's name and the model's ids are kept.
        metadata = {k: v for k, v in (data.get("metadata") or {}).items() if k in SAFE_METADATA}
        data = {**data, "metadata": metadata}
        if metadata.get("utter_action") in QUOTING:
            data.update(text="", **{REMOVED: True})
    return data


class RestoryTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that removes the words of people who did not agree
    to saving and carries out "delete everything"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_sweep = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        consented = tracker.get_slot("consent") == GRANTED
        with self.session_scope() as session:
            erased = self._erase_before_marker(session, tracker)
            for event in self._new_events(session, tracker):
                data = event.as_dict()
                if not consented:
                    data = redact(data)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        if erased:
            _record_erased(tracker.sender_id, erased)
        if time.monotonic() - self._last_sweep > SWEEP_EVERY_SECONDS:
            self._last_sweep = time.monotonic()
            try:
                forget_idle(self.engine)
            except Exception:  # never let the sweep break a conversation
                log.exception("the idle-conversation sweep failed")

    # ------------------------------------------------------------------ #
    def _marker(self, tracker: DialogueStateTracker) -> int | None:
        for index in range(len(tracker.events) - 1, -1, -1):
            event = tracker.events[index]
            if isinstance(event, SlotSet) and event.key == ERASED_SLOT and event.value is not None:
                return index
        return None

    def _erase_before_marker(self, session: Any, tracker: DialogueStateTracker) -> int:
        """Delete every stored event of the conversation (all sessions)."""
        if self._marker(tracker) is None:
            return 0
        rows = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id)
        n = rows.count()
        if n:
            rows.delete(synchronize_session=False)
        return n

    def _new_events(self, session: Any, tracker: DialogueStateTracker) -> list[Event]:
        """Events not yet stored; none once the conversation was erased, so the
        person's next message starts a new conversation (with a new welcome)."""
        if self._marker(tracker) is not None:
            return []
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        return list(tracker.events)[stored:]


def _record_erased(sender_id: str, n: int) -> None:
    from bot.privacy.erase import add_conversation_events
    from bot.storage import get_database

    try:
        add_conversation_events(get_database(), sender_id, n)
    except Exception:
        log.exception("could not add the conversation's count to the erasure record")


def forget_idle(engine: sa.engine.Engine, now: float | None = None) -> int:
    """Clear the text slots of conversations without consent, idle for an hour.

    Returns the number of events changed. Consent is read from each
    conversation's latest ``consent`` slot event.
    """
    now = time.time() if now is None else now
    events = SQLTrackerStore.SQLEvent.__table__
    changed = 0
    with engine.begin() as connection:
        last_seen = dict(
            connection.execute(
                sa.select(events.c.sender_id, sa.func.max(events.c.timestamp)).group_by(events.c.sender_id)
            ).all()
        )
        idle = [s for s, ts in last_seen.items() if ts is not None and ts < now - FORGET_AFTER_SECONDS]
        for sender in idle:
            consent = connection.execute(
                sa.select(events.c.data)
                # a slot event's name column holds the slot's name
                .where(events.c.sender_id == sender, events.c.type_name == "slot", events.c.action_name == "consent")
                .order_by(events.c.id.desc())
                .limit(1)
            ).scalar()
            if consent and json.loads(consent).get("value") == GRANTED:
                continue
            rows = connection.execute(
                sa.select(events.c.id, events.c.data).where(
                    events.c.sender_id == sender,
                    events.c.type_name == "slot",
                    events.c.action_name.in_(TEXT_SLOTS),
                )
            ).all()
            for row_id, raw in rows:
                data = json.loads(raw)
                if data.get("value") not in (None, [], {}):
                    data.update(value=None, **{REMOVED: True})
                    connection.execute(events.update().where(events.c.id == row_id).values(data=json.dumps(data)))
                    changed += 1
    return changed
