"""Safety actions: safety-first response, follow-up/re-check, a human."""

from __future__ import annotations

import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import conversation, database, perform
from bot.safety import conversation as safety
from bot.safety import get_screen


def warm_up() -> None:
    """Build the risk screen (spaCy) in the background when the action server starts,
    so the first safety follow-up is not slowed by loading it."""
    threading.Thread(target=get_screen, name="risk-screen-warm-up", daemon=True).start()


warm_up()


class ActionSafetyResponse(Action):
    def name(self) -> str:
        return "action_safety_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(safety.safety_response(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionSafetyFollowup(Action):
    def name(self) -> str:
        return "action_safety_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(safety.followup(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(safety.request_human(conversation(tracker), database()), dispatcher, tracker.current_slot_values())
