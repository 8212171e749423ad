"""Safety actions: safety-first response, follow-up/re-check, a human."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import conversation, database, perform
from bot.safety import conversation as safety


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
