"""RiskScreen: the Rasa NLU graph component that screens every message.

This is the only place in ``bot/`` that imports Rasa: it adapts
:mod:`bot.safety.screen` to Rasa's NLU pipeline. It runs after the intent
classifier on every user message, in every dialogue state, so risk never
depends on DIET predicting an intent. On risk it overrides the intent with
``risk_disclosure`` (confidence 1.0) and always attaches the screen result as
``parse_data["risk"]`` for the actions (which record the escalation).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskScreen(GraphComponent):
    """Screens each message with the rule-based risk screen."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"risk_intent": "risk_disclosure"}

    def __init__(self, config: dict[str, Any]) -> None:
        self._risk_intent = config.get("risk_intent", "risk_disclosure")
        self._screen = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskScreen:
        component = cls(config)
        component._get_screen()  # load spaCy with the model, not on someone's first message
        return component

    def _get_screen(self):
        if self._screen is None:
            from bot.safety import get_screen

            self._screen = get_screen()
        return self._screen

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        screen = self._get_screen()
        for message in messages:
            text = message.get(TEXT) or ""
            result = screen.screen(text)
            risk = result.as_dict()
            predicted = message.get(INTENT) or {}
            risk["nlu_intent"] = predicted.get("name")
            message.set(RISK_KEY, risk, add_to_output=True)
            if result.escalate:
                override = {"name": self._risk_intent, "confidence": 1.0}
                ranking = [override] + [
                    r
                    for r in (message.get(INTENT_RANKING_KEY) or [])
                    if r.get("name") != self._risk_intent
                ]
                message.set(INTENT, override, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
