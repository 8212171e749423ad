"""Privacy actions: what is saved, and deleting it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import conversation, database, perform
from bot.privacy import conversation as privacy


class ActionExplainPrivacy(Action):
    def name(self) -> str:
        return "action_explain_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(privacy.explain(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionAskDelete(Action):
    def name(self) -> str:
        return "action_ask_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(privacy.ask_delete(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionDeleteReflections(Action):
    def name(self) -> str:
        return "action_delete_reflections"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(privacy.delete(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionCancelDelete(Action):
    def name(self) -> str:
        return "action_cancel_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(privacy.cancel_delete(conversation(tracker)), dispatcher, tracker.current_slot_values())
