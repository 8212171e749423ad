"""Reflection actions: check-in, themes, the guided form, closing (each names its turn function)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.adapter import TurnAction, conversation, database, perform, prompt_texts
from bot.reflection import checkin, form, menu


class ValidateCheckinForm(FormValidationAction):
    def name(self) -> str:
        return "validate_checkin_form"

    def validate_checkin(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        if value is None:  # a reset by another action, not something the person typed
            return {}
        turn = checkin.handle_checkin(conversation(tracker), database())
        perform(turn, dispatcher, tracker.current_slot_values())
        return dict(turn.slots)


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
        turn = form.handle_answer(conversation(tracker), database(), prompt_texts(domain))
        perform(turn, dispatcher, tracker.current_slot_values())
        return dict(turn.slots)


class ActionAskCheckin(TurnAction):
    """The check-in form's question (Rasa prefers action_ask_<slot> to utter_ask_<slot>)."""

    action_name = "action_ask_checkin"
    uses_database = False
    turn = staticmethod(checkin.ask_checkin)


class ActionOfferThemes(TurnAction):
    action_name = "action_offer_themes"
    turn = staticmethod(menu.theme_menu)


class ActionStartReflection(TurnAction):
    action_name = "action_start_reflection"
    turn = staticmethod(menu.start_reflection)


class ActionAskReflectionAnswer(TurnAction):
    """The reflection form's question: the current prompt, or permission first."""

    action_name = "action_ask_reflection_answer"
    uses_database = False
    turn = staticmethod(form.ask_next)


class ActionReflectionClosing(TurnAction):
    action_name = "action_reflection_closing"
    turn = staticmethod(form.closing)


class ActionStop(TurnAction):
    action_name = "action_stop"
    turn = staticmethod(form.stop)


class ActionChangeTopic(TurnAction):
    action_name = "action_change_topic"
    turn = staticmethod(form.change_topic)


class ActionLookBack(TurnAction):
    action_name = "action_look_back"
    turn = staticmethod(form.look_back)
