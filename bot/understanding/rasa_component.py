"""Understanding: the NLU component that applies :func:`bot.understanding.interpret`.

It runs after the intent classifier and before the risk screen (which
overrides it: risk comes first). Rasa 3.6 hands it the conversation's tracker,
so the decision depends on the state the message arrives in. It sets the
intent to the decision (``answer`` for words meant for a form's question),
adds an ``ask_command`` entity when the bot should ask "keep it as your
answer, or …?", and records the decision as ``parse_data["understanding"]``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.understanding.interpret import interpret
from bot.understanding.state import State, state_of

UNDERSTANDING_KEY = "understanding"
ASK_ENTITY = "ask_command"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class Understanding(GraphComponent):
    """Decides command or answer for each message, from the conversation's state."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Understanding:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message], tracker: Any = None) -> list[Message]:
        slots, loop = _state(tracker)
        state = state_of(slots, loop)
        asked_about = (slots.get("pending_answer") or {}).get("ask") if state is State.KEEP else None
        for message in messages:
            predicted = message.get(INTENT) or {}
            name, confidence = _top(message, predicted)
            decision = interpret(message.get(TEXT) or "", state, name, confidence, asked_about=asked_about)
            record = {
                "state": state.value,
                "intent": decision.intent,
                "source": decision.source,
                "command": decision.command,
                "ask": decision.ask,
                "classifier": {"name": name, "confidence": round(confidence, 4)},
            }
            message.set(UNDERSTANDING_KEY, record, add_to_output=True)
            # Outside a free-text question the classifier's own result (or the
            # FallbackClassifier's nlu_fallback) stands unless the grammar spoke.
            keep_own = decision.source == "classifier" and not state.free_text
            if decision.intent != predicted.get("name") and not keep_own:
                sure = decision.source in ("grammar", "keep", "yes_no")
                _set_intent(message, decision.intent, 1.0 if sure else confidence)
            if decision.ask:
                entity = {"entity": ASK_ENTITY, "value": decision.ask, "start": 0,
                          "end": len(message.get(TEXT) or ""), "extractor": type(self).__name__}  # fmt: skip
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages


def _top(message: Message, predicted: dict[str, Any]) -> tuple[str | None, float]:
    """The classifier's own best intent (under a FallbackClassifier's nlu_fallback)."""
    if predicted.get("name") == "nlu_fallback":
        for entry in message.get(INTENT_RANKING_KEY) or []:
            if entry.get("name") != "nlu_fallback":
                return entry.get("name"), float(entry.get("confidence") or 0.0)
    return predicted.get("name"), float(predicted.get("confidence") or 0.0)


def _state(tracker: Any) -> tuple[dict[str, Any], str | None]:
    """The tracker's slots and active form (none when Rasa parses without one)."""
    try:
        if tracker is None:
            return {}, None
        return dict(tracker.current_slot_values()), tracker.active_loop_name
    except Exception:  # a parse endpoint's bare tracker: no conversation state
        return {}, None


def _set_intent(message: Message, intent: str, confidence: float) -> None:
    chosen = {"name": intent, "confidence": confidence}
    ranking = [chosen] + [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
