"""Session start and greeting."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import conversation, database, perform
from bot.core import welcome


class ActionSessionStart(Action):
    """Carries slots over, loads programme wording, and welcomes the person."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        carried = [
            e for e in tracker.events if e.get("event") == "slot" and e.get("name") != "requested_slot"
        ]
        turn = welcome.session_start(conversation(tracker), database())
        events = [SessionStarted(), *carried]
        events += perform(turn, dispatcher, tracker.current_slot_values())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        # First user message of the session: the session start already welcomed them.
        first = _user_turns_this_session(tracker) <= 1
        return perform(welcome.greet(conversation(tracker), first), dispatcher, tracker.current_slot_values())


def _user_turns_this_session(tracker: Tracker) -> int:
    count = 0
    for event in tracker.events:
        if event.get("event") == "session_started":
            count = 0
        elif event.get("event") == "user":
            count += 1
    return count
