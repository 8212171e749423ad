"""Tracker → ``Conversation`` and ``Turn`` → dispatcher messages + events."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Conversation, Turn
from bot.programmes import get_programme
from bot.storage import Database, get_database


def database() -> Database:
    return get_database()


def conversation(tracker: Tracker) -> Conversation:
    """What the ``bot`` logic may read from this turn."""
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return Conversation(
        participant_id=tracker.sender_id,
        programme=get_programme(tracker.get_slot("programme")),
        text=latest.get("text") or "",
        intent=intent.get("name"),
        intent_confidence=float(intent.get("confidence") or 0.0),
        entities=tuple(latest.get("entities") or ()),
        slots=dict(tracker.current_slot_values()),
        risk=latest.get("risk"),
        active_loop=(tracker.active_loop or {}).get("name"),
    )


def last_bot_message(tracker: Tracker) -> dict[str, Any] | None:
    """The bot's last message before the person's latest one (text and buttons),
    so a question can be asked again exactly as it was."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "bot" and event.get("text"):
            data = event.get("data") or {}
            return {"text": event["text"], "buttons": data.get("buttons") or []}
    return None


def perform(turn: Turn, dispatcher: CollectingDispatcher, slots: dict[str, Any] | None = None) -> list[EventType]:
    """Send the turn's messages and return its slot events.

    ``slots`` are the current values, so programme wording fills templates even
    when this turn is the one that sets them (session start).
    """
    fill = {**(slots or {}), **turn.slots}
    for say in turn.says:
        if say.response:
            variables = {k: v for k, v in fill.items() if isinstance(v, (str, int, float))}
            variables.update(say.vars)
            dispatcher.utter_message(response=say.response, **variables)
        else:
            dispatcher.utter_message(text=say.text, buttons=say.buttons or [])
    return [SlotSet(name, value) for name, value in turn.slots.items()]


def prompt_texts(domain: dict[str, Any]) -> dict[str, str]:
    """First wording of every prompt response, to store with the answer."""
    responses = domain.get("responses") or {}
    return {
        name: variants[0].get("text", name)
        for name, variants in responses.items()
        if name.startswith("utter_prompt_") and variants
    }


class TurnAction(Action, metaclass=ABCMeta):
    """An action that runs one turn function of ``bot``: subclasses only name them.

    ``turn`` takes the :class:`Conversation` (and the database when
    ``uses_database``) and returns a :class:`Turn`; this class does the rest.
    """

    action_name: str = ""
    uses_database: bool = True

    @staticmethod
    @abstractmethod
    def turn(conv: Conversation, *args: Any) -> Turn:
        """The turn function (set as ``turn = staticmethod(module.function)``)."""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        conv = conversation(tracker)
        turn = self.turn(conv, database()) if self.uses_database else self.turn(conv)
        return perform(turn, dispatcher, tracker.current_slot_values())
