"""The RiskScreen NLU graph component: risk overrides the predicted intent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.rasa_component import RISK_KEY, RiskScreen

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"
OVERRIDE = {"name": "risk_disclosure", "confidence": 1.0}
GREET_RANKING = [
    {"name": "greet", "confidence": 0.7},
    {"name": "risk_disclosure", "confidence": 0.2},
    {"name": "affirm", "confidence": 0.1},
]


def build(tmp_path: Path, config: dict[str, Any] | None = None) -> RiskScreen:
    return RiskScreen.create(
        {**RiskScreen.get_default_config(), **(config or {})},
        LocalModelStorage(tmp_path),
        Resource("risk"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.fixture(scope="module")
def component(tmp_path_factory) -> RiskScreen:
    return build(tmp_path_factory.mktemp("risk-model"))


def parsed(
    text: str | None, intent: str | None = "greet", ranking: list[dict] | None = None
) -> Message:
    """A message as it reaches RiskScreen: text plus what the classifiers predicted."""
    message = Message(data={TEXT: text} if text is not None else {})
    if intent is not None:
        confidence = (ranking or [{"confidence": 0.7}])[0].get("confidence", 0.7)
        message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            list(ranking if ranking is not None else GREET_RANKING),
            add_to_output=True,
        )
    return message


def test_default_config():
    assert RiskScreen.get_default_config() == {
        "risk_intent": "risk_disclosure",
        "check_intent": "risk_check",
    }


def test_it_runs_last_in_the_pipeline():
    # After the classifiers (and the FallbackClassifier), or they would undo the override.
    pipeline = [step["name"] for step in yaml.safe_load(CONFIG.read_text())["pipeline"]]
    assert pipeline[-1] == "bot.safety.rasa_component.RiskScreen"
    assert pipeline.index("FallbackClassifier") < pipeline.index(
        "bot.safety.rasa_component.RiskScreen"
    )


def test_a_disclosure_becomes_risk_disclosure(component):
    [message] = component.process([parsed("i don't want to be here anymore")])

    assert message.get(INTENT) == OVERRIDE
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == OVERRIDE
    assert [r["name"] for r in ranking] == ["risk_disclosure", "greet", "affirm"]  # no duplicate
    risk = message.get(RISK_KEY)
    assert risk["escalate"] is True
    assert (risk["category"], risk["level"], risk["subject"]) == ("suicide", "concern", "self")
    assert risk["rules"]
    assert risk["nlu_intent"] == "greet"  # what the classifier said, kept for review


@pytest.mark.parametrize("intent", ["nlu_fallback", "choose_theme", None])
def test_a_disclosure_wins_in_any_state(component, intent):
    [message] = component.process([parsed("i'm going to take all my pills tonight", intent=intent)])

    assert message.get(INTENT) == OVERRIDE
    assert message.get(INTENT_RANKING_KEY)[0] == OVERRIDE
    assert message.get(RISK_KEY)["level"] == "urgent"
    assert message.get(RISK_KEY)["nlu_intent"] == intent


def test_a_benign_message_keeps_its_intent(component):
    [message] = component.process([parsed("hi there, i'd like to reflect on hope")])

    assert message.get(INTENT) == {"name": "greet", "confidence": 0.7}
    assert message.get(INTENT_RANKING_KEY) == GREET_RANKING
    risk = message.get(RISK_KEY)
    assert risk["escalate"] is False
    assert risk["level"] == "none"
    assert risk["nlu_intent"] == "greet"


@pytest.mark.parametrize(
    "text", ["this essay is killing me", "i could kill for a coffee", "my feet are killing me"]
)
def test_an_idiom_is_not_overridden(component, text):
    [message] = component.process([parsed(text, intent="out_of_scope")])

    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(RISK_KEY)["escalate"] is False


@pytest.mark.parametrize(
    "text", [None, "", "   ", "🙂🙂🙂", "💊💊", "a" * 50_000, "i feel okay. " * 4_000]
)
def test_odd_input_does_not_raise(component, text):
    [message] = component.process([parsed(text)])

    # Never escalated; at most one gentle question ("💊💊" may be asked about).
    assert message.get(INTENT)["name"] in ("greet", "risk_check")
    assert message.get(RISK_KEY)["escalate"] is False


def test_a_disclosure_at_the_end_of_a_very_long_message_is_found(component):
    text = "today was long. " * 3_000 + "i want to kill myself"
    assert len(text) > 45_000

    [message] = component.process([parsed(text)])

    assert message.get(INTENT) == OVERRIDE
    assert message.get(RISK_KEY)["category"] == "suicide"


def test_each_message_is_screened_on_its_own(component):
    messages = [parsed("i want to kill myself"), parsed("hello"), parsed("i want to kill myself")]

    out = component.process(messages)

    assert [m.get(INTENT)["name"] for m in out] == ["risk_disclosure", "greet", "risk_disclosure"]
    assert [m.get(RISK_KEY)["escalate"] for m in out] == [True, False, True]


def test_risk_is_an_output_property(component):
    [message] = component.process([parsed("i want to kill myself")])

    output = message.as_dict(only_output_properties=True)

    assert output[RISK_KEY]["escalate"] is True
    assert output[INTENT] == OVERRIDE
    assert output[INTENT_RANKING_KEY][0] == OVERRIDE


def test_risk_is_an_output_property_when_benign(component):
    [message] = component.process([parsed("hello")])

    assert message.as_dict(only_output_properties=True)[RISK_KEY]["escalate"] is False


def test_process_training_data_returns_it_unchanged(component):
    examples = [
        Message(data={TEXT: "i want to kill myself", INTENT: "risk_disclosure"}),
        Message(data={TEXT: "hello", INTENT: "greet"}),
    ]
    data = TrainingData(training_examples=examples)

    result = component.process_training_data(data)

    assert result is data
    assert [m.get(TEXT) for m in result.training_examples] == ["i want to kill myself", "hello"]
    assert [m.get(INTENT) for m in result.training_examples] == ["risk_disclosure", "greet"]
    assert all(m.get(RISK_KEY) is None for m in result.training_examples)


def test_a_custom_risk_intent(tmp_path):
    component = build(tmp_path, {"risk_intent": "crisis"})

    [message] = component.process([parsed("i want to kill myself")])

    assert message.get(INTENT) == {"name": "crisis", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"


# ------------------------------------------------------- the gentle check
class Tracker:
    """What the component reads of Rasa's tracker: the current slot values."""

    def __init__(self, **slots: Any) -> None:
        self.slots = slots

    active_loop_name = None

    def current_slot_values(self) -> dict[str, Any]:
        return dict(self.slots)


CHECKING = {"safety_check": "checking", "safety_pending": {"text": "im so done", "asks": 1}}


def answer_of(message: Message) -> str | None:
    found = [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == "check_answer"]
    return found[0] if found else None


def test_the_process_signature_asks_rasa_for_the_tracker():
    # Rasa 3.6 wires the conversation's tracker into an NLU component whose
    # process() has a ``tracker`` parameter (default_recipe._get_needs_from_args).
    import inspect

    assert "tracker" in inspect.signature(RiskScreen.process).parameters


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("yes", "affirm", "yes"),
        ("nah im fine", "deny", "no"),
        ("not sure", "nlu_fallback", "unsure"),
        ("what do you mean", "nlu_fallback", "unclear"),
    ],
)
def test_a_reply_while_checking_is_a_check_answer(component, text, intent, answer):
    [message] = component.process([parsed(text, intent)], tracker=Tracker(**CHECKING))
    assert message.get(INTENT)["name"] == "risk_check"
    assert answer_of(message) == answer


def test_a_second_unclear_reply_counts_as_not_sure(component):
    twice = {**CHECKING, "safety_pending": {"text": "im so done", "asks": 2}}
    [message] = component.process([parsed("what do you mean")], tracker=Tracker(**twice))
    assert answer_of(message) == "unsure"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("stop", "stop"), ("i want to talk to a real person", "request_human"), ("what is this", "help"),
     ("bye", "stop"), ("delete everything", "delete_everything"), ("look back", "look_back")],
)
def test_commands_in_their_own_words_keep_their_meaning_while_checking(component, text, intent):
    """bot.understanding runs first; a command in its own words is carried out."""
    from bot.understanding.rasa_component import Understanding

    tracker = Tracker(**CHECKING)
    [message] = component.process(Understanding().process([parsed(text, "affirm")], tracker=tracker), tracker=tracker)
    assert message.get(INTENT)["name"] == intent
    assert answer_of(message) is None


@pytest.mark.parametrize("text", ["no", "not really", "yes", "skip"])
def test_replies_that_are_not_clear_commands_answer_the_check(component, text):
    from bot.understanding.rasa_component import Understanding

    tracker = Tracker(**CHECKING)
    [message] = component.process(Understanding().process([parsed(text, "deny")], tracker=tracker), tracker=tracker)
    assert message.get(INTENT)["name"] == "risk_check"


def test_a_new_disclosure_while_checking_gets_the_full_response(component):
    [message] = component.process(
        [parsed("yes and i have the pills here, im taking them tonight", "affirm")],
        tracker=Tracker(**CHECKING),
    )
    assert message.get(INTENT)["name"] == "risk_disclosure"


def test_the_classifier_alone_cannot_raise_a_check(component):
    ranking = [{"name": "risk_check", "confidence": 0.6}, {"name": "greet", "confidence": 0.4}]
    [message] = component.process([parsed("hello there", "risk_check", ranking)], tracker=Tracker())
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_without_a_tracker_replies_are_not_read_as_check_answers(component):
    [message] = component.process([parsed("yes", "affirm")])
    assert message.get(INTENT)["name"] == "affirm"


def test_a_confident_command_is_not_turned_into_a_check(component):
    # "stop" alone may read as a check to the screen; the command still works.
    ranking = [{"name": "stop", "confidence": 0.97}]
    [message] = component.process([parsed("stop", "stop", ranking)], tracker=Tracker())
    assert message.get(RISK_KEY)["level"] in ("none", "check")
    if message.get(RISK_KEY)["level"] == "check":
        assert message.get(INTENT)["name"] == "stop"


def test_an_unsure_command_guess_does_not_hide_a_check(component):
    ranking = [{"name": "stop", "confidence": 0.4}]
    [message] = component.process([parsed("nobody would miss me", "stop", ranking)], tracker=Tracker())
    assert message.get(RISK_KEY)["level"] == "check"
    assert message.get(INTENT)["name"] == "risk_check"

