"""CommandLengthGuard: long messages never carry a conversation-changing intent."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.rasa_component import CommandLengthGuard


@pytest.fixture
def guard(tmp_path) -> CommandLengthGuard:
    return CommandLengthGuard.create(
        CommandLengthGuard.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("guard"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _message(text: str, intent: str, confidence: float = 0.9) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    return message


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I have been thinking about my garden and the small green shoots coming up " * 50, "withdraw_consent"),
        ("i want to stop letting the fear decide everything for me every single day now", "stop"),
        ("no one listened back then and it tells me i value being heard more than anything", "deny"),
    ],
)
def test_long_command_becomes_fallback(guard, text, intent):
    [message] = guard.process([_message(text, intent)])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("intent_ranking")[0]["name"] == "nlu_fallback"
    assert message.get("intent_ranking")[1]["name"] == intent  # the original is kept for review
    assert "intent" in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i want to stop", "stop"),
        ("please delete my reflections", "delete_reflections"),
        ("i would like to talk about the people who believe in me", "choose_theme"),
    ],
)
def test_short_commands_are_kept(guard, text, intent):
    [message] = guard.process([_message(text, intent)])
    assert message.get("intent")["name"] == intent


@pytest.mark.parametrize("intent", ["risk_disclosure", "not_safe", "request_human", "nlu_fallback"])
def test_safety_and_fallback_intents_are_never_touched(guard, intent):
    text = "this is a long message that goes on and on about many things for a while " * 3
    [message] = guard.process([_message(text, intent)])
    assert message.get("intent")["name"] == intent


def test_empty_and_training_data_pass_through(guard):
    [message] = guard.process([Message(data={"text": ""})])
    assert message.get("intent") is None
    data = TrainingData()
    assert guard.process_training_data(data) is data
