"""RiskScreen: the Rasa NLU graph component that screens every message.

It adapts :mod:`bot.safety.screen` to Rasa's NLU pipeline (with
``bot.core.rasa_component`` the only Rasa imports in ``bot/``). It runs after
the intent classifier on every user message, in every dialogue state, so risk
never depends on the classifier predicting an intent, and it always attaches
the screen result as ``parse_data["risk"]`` for the actions and the record.

Rasa 3.6 hands an NLU component the conversation's tracker when its
``process`` asks for one, so the routing can depend on the state:

* a ``concern``/``urgent`` message becomes ``risk_disclosure`` (confidence 1.0);
* a ``check`` message becomes ``risk_check`` (the bot asks one question),
  unless the intent classifier is confident it is a command ("stop", "skip"):
  a check is a question, and a command is honoured rather than asked about;
* while a check question waits (slot ``safety_check`` = ``checking``), the
  reply becomes ``risk_check`` with a ``check_answer`` entity (yes, no,
  unsure, unclear; a second unclear reply counts as unsure), unless it is a
  new disclosure or a command that works everywhere (stop, talk to a person,
  help, goodbye);
* ``risk_check`` predicted by the intent classifier without the screen's
  say-so is demoted to ``nlu_fallback``.
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

from bot.safety.check import ANSWER_ENTITY, CHECKING, MAX_ASKS, UNCLEAR, UNSURE, interpret

RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskScreen(GraphComponent):
    """Screens each message with the rule-based risk screen."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"risk_intent": "risk_disclosure", "check_intent": "risk_check"}

    def __init__(self, config: dict[str, Any]) -> None:
        self._risk_intent = config.get("risk_intent", "risk_disclosure")
        self._check_intent = config.get("check_intent", "risk_check")
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

    def process(self, messages: list[Message], tracker: Any = None) -> list[Message]:
        screen = self._get_screen()
        slots = _slots(tracker)
        checking = slots.get("safety_check") == CHECKING
        for message in messages:
            text = message.get(TEXT) or ""
            result = screen.screen(text)
            risk = result.as_dict()
            predicted = message.get(INTENT) or {}
            risk["nlu_intent"] = predicted.get("name")
            message.set(RISK_KEY, risk, add_to_output=True)
            if result.escalate:
                _override(message, self._risk_intent)
            elif checking and not _clear_command(message):
                answer = interpret(text, predicted.get("name"))
                asks = int((slots.get("safety_pending") or {}).get("asks", 1) or 1)
                if answer == UNCLEAR and asks >= MAX_ASKS:
                    answer = UNSURE  # asked twice: safety first
                _override(message, self._check_intent)
                entity = {"entity": ANSWER_ENTITY, "value": answer, "start": 0, "end": len(text),
                          "extractor": type(self).__name__}  # fmt: skip
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
            elif (
                result.level == "check"
                and slots.get("safety_check") is None
                and not _a_command(message)
            ):
                _override(message, self._check_intent)
            elif predicted.get("name") == self._check_intent:
                _override(message, "nlu_fallback", float(predicted.get("confidence") or 0.0))
        return messages


#: Conversation intents that, predicted confidently, are not turned into a check.
COMMANDS = frozenset(
    {"start_reflection", "choose_theme", "choose_for_me", "continue_previous", "greet", "thanks",
     "affirm", "deny", "goodbye"}
)  # fmt: skip
COMMAND_CONFIDENCE = 0.6


def _understood(message: Message) -> dict[str, Any]:
    return message.get("understanding") or {}  # bot.understanding.rasa_component


def _clear_command(message: Message) -> bool:
    """While a check question waits, only a command in its own words (the
    grammar) is carried out instead of being read as the reply."""
    understood = _understood(message)
    return understood.get("source") == "grammar" and bool(understood.get("command"))


def _a_command(message: Message) -> bool:
    """A check is a question, not a disclosure: a command the understanding is
    sure of ("stop", "skip") is honoured rather than asked about. Concern and
    urgent always override."""
    understood = _understood(message)
    if understood.get("command") and not understood.get("ask"):
        return True
    predicted = message.get(INTENT) or {}
    return predicted.get("name") in COMMANDS and float(predicted.get("confidence") or 0.0) >= COMMAND_CONFIDENCE


def _slots(tracker: Any) -> dict[str, Any]:
    """The tracker's current slot values (none when Rasa parses without one)."""
    try:
        return dict(tracker.current_slot_values()) if tracker is not None else {}
    except Exception:  # a parse endpoint's bare tracker: no conversation state
        return {}


def _override(message: Message, intent: str, confidence: float = 1.0) -> None:
    override = {"name": intent, "confidence": confidence}
    ranking = [override] + [
        r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != intent
    ]
    message.set(INTENT, override, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
