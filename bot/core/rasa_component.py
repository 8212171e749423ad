"""CommandLengthGuard: a long message is never a command.

A Rasa NLU graph component (this module and ``bot.safety.rasa_component`` are
the only ones in ``bot/`` that import Rasa). The intent classifier is trained
on short commands ("stop", "delete my reflections"); on a long reflective
message it can be confidently wrong ("…I want to stop letting fear decide…" →
``stop``; a 50,000-character story → ``withdraw_consent``). Losing someone's
story or their consent to a misread would break "loses nothing", so messages
longer than ``max_words`` cannot carry a conversation-changing intent: they
become ``nlu_fallback``, which a reflection stores as an answer and which
elsewhere gets the kind fallback with options. Safety intents are never
touched, and the risk screen runs after this component.
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

# Intents that change where the conversation goes or what is stored.
COMMAND_INTENTS = (
    "stop", "skip", "change_topic", "delete_reflections", "withdraw_consent", "give_consent",
    "choose_theme", "choose_for_me", "continue_previous", "start_reflection", "look_back",
    "greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope", "help", "ask_what_is_saved",
)  # fmt: skip


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CommandLengthGuard(GraphComponent):
    """Turns a command intent on a long message into ``nlu_fallback``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The longest command example in data/nlu is 12 words.
        return {"max_words": 12, "fallback_intent": "nlu_fallback", "intents": list(COMMAND_INTENTS)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_words = int(config["max_words"])
        self._fallback = config["fallback_intent"]
        self._intents = set(config["intents"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CommandLengthGuard:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            words = len((message.get(TEXT) or "").split())
            if intent.get("name") in self._intents and words > self._max_words:
                demoted = {"name": self._fallback, "confidence": float(intent.get("confidence") or 0.0)}
                ranking = [demoted] + list(message.get(INTENT_RANKING_KEY) or [])
                message.set(INTENT, demoted, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
