"""Consent actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import conversation, database, perform
from bot.consent import conversation as consent


class ActionGrantConsent(Action):
    def name(self) -> str:
        return "action_grant_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(consent.grant(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionWithdrawConsent(Action):
    def name(self) -> str:
        return "action_withdraw_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(consent.withdraw(conversation(tracker), database()), dispatcher, tracker.current_slot_values())
