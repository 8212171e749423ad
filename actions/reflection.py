"""Reflection journey actions: check-in, themes, the guided form, closing."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.adapter import conversation, database, perform, prompt_texts
from bot.reflection import journey


def _slots(turn) -> dict[str, Any]:
    return dict(turn.slots)


class ValidateCheckinForm(FormValidationAction):
    def name(self) -> str:
        return "validate_checkin_form"

    def validate_checkin(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        if value is None:  # a reset by another action, not something the person typed
            return {}
        turn = journey.handle_checkin(conversation(tracker), database())
        perform(turn, dispatcher, tracker.current_slot_values())
        return _slots(turn)


class ActionAskCheckin(Action):
    """The check-in form's question (Rasa prefers action_ask_<slot> to utter_ask_<slot>)."""

    def name(self) -> str:
        return "action_ask_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.ask_checkin(conversation(tracker)), dispatcher, tracker.current_slot_values())


class ActionOfferThemes(Action):
    def name(self) -> str:
        return "action_offer_themes"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.theme_menu(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionStartReflection(Action):
    def name(self) -> str:
        return "action_start_reflection"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        turn = journey.start_reflection(conversation(tracker), database())
        return perform(turn, dispatcher, tracker.current_slot_values())


class ActionAskReflectionAnswer(Action):
    """The reflection form's question: the current prompt, or permission first."""

    def name(self) -> str:
        return "action_ask_reflection_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.ask_next(conversation(tracker)), dispatcher, tracker.current_slot_values())


class ValidateReflectionForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reflection_form"

    def validate_reflection_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        # rasa_sdk also validates slots that other actions just reset to None
        # (action_start_reflection does): only a person's message is an answer.
        if value is None:
            return {}
        turn = journey.handle_answer(conversation(tracker), database(), prompt_texts(domain))
        perform(turn, dispatcher, tracker.current_slot_values())
        return _slots(turn)


class ActionReflectionClosing(Action):
    def name(self) -> str:
        return "action_reflection_closing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.closing(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.stop(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionChangeTopic(Action):
    def name(self) -> str:
        return "action_change_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.change_topic(conversation(tracker), database()), dispatcher, tracker.current_slot_values())


class ActionLookBack(Action):
    def name(self) -> str:
        return "action_look_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return perform(journey.look_back(conversation(tracker), database()), dispatcher, tracker.current_slot_values())
