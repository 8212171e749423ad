"""Every always-available command, typed in plain words, in every state: over REST.

One table of states (how to reach each, and how we know we are there) and the
command table of ``bot.understanding.commands`` generate every cell, so a new
state or a new command cannot be skipped. Each cell is a new person who walks
to the state, types the command's plain words, and must get the response that
honours it (``HONOURED``), or the state's own meaning where one is defined
(``IN_STATE``: "delete my reflections" while that very question waits confirms
it).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from bot.understanding.commands import COMMANDS
from tests.e2e.conftest import Responses, new_sender
from tests.e2e.test_check_e2e import _ambiguous

pytestmark = pytest.mark.e2e

#: The plain words typed for each command (not the bot's own keywords alone).
WORDS = {
    "stop": "im done for today",
    "skip": "can we skip this one",
    "change_topic": "can we talk about something else",
    "help": "what is this",
    "what_is_saved": "what do you save about me",
    "look_back": "show me what i wrote before",
    "delete_reflections": "delete my reflections",
    "delete_everything": "delete everything about me",
    "stop_saving": "stop saving my answers",
    "save_now": "you can save my reflections",
    "talk_to_person": "i want to talk to a real person",
    "grounding": "can we do a breathing exercise",
    "not_safe": "i'm not safe",
}

#: What honouring each command looks like (any of these responses).
HONOURED = {
    "stop": {"utter_stopped"},
    "skip": {"utter_prompt_skipped", "utter_permission_declined", "utter_checkin_skipped", "utter_ask_theme"},
    "change_topic": {"utter_change_topic"},
    "help": {"utter_help"},
    "what_is_saved": {"utter_privacy_saved", "utter_privacy_not_saved"},
    "look_back": {"utter_look_back_intro", "utter_look_back_none"},
    "delete_reflections": {"utter_confirm_delete", "utter_nothing_to_delete"},
    "delete_everything": {"utter_confirm_delete_everything"},
    "stop_saving": {"utter_consent_withdrawn", "utter_consent_declined"},
    "save_now": {"utter_consent_already", "utter_consent_thanks"},
    "talk_to_person": {"utter_human_requested", "utter_human_spooled", "utter_human_no_target"},
    "grounding": {"utter_grounding"},
    "not_safe": {"utter_safety_not_safe", "utter_safety_thank_you", "utter_safety_thank_you_urgent"},  # the risk screen may answer first
}


@dataclass(frozen=True)
class StateDef:
    """How to reach a state from a new conversation, and the response that shows we are there."""

    steps: Callable[[Responses], list[str]]
    there: str  # a response name in the last reply


def _fixed(*messages: str) -> Callable[[Responses], list[str]]:
    return lambda responses: list(messages)


#: Answers for walking through a theme (hope has a deeper prompt at step 3).
WALK = ["my dog", "a walk by the sea", "yes", "that i care about people", "finish my course"]

STATES: dict[str, StateDef] = {
    "consent question": StateDef(_fixed("hi"), "utter_ask_consent"),
    "check-in": StateDef(_fixed("hi", "yes"), "utter_ask_checkin"),
    "theme menu": StateDef(_fixed("hi", "yes", "skip"), "utter_ask_theme"),
    "reflection prompt": StateDef(_fixed("hi", "yes", "skip", "hope"), "utter_prompt_hope_keeps_going"),
    "permission question": StateDef(_fixed("hi", "yes", "skip", "hope", WALK[0], WALK[1]), "utter_ask_permission_deeper"),
    "keep-or-command question": StateDef(
        _fixed("hi", "yes", "skip", "hope", '/answer{"ask_command": "look_back"}'), "utter_ask_keep_or_command"
    ),
    "closing": StateDef(_fixed("hi", "yes", "skip", "hope", *WALK), "utter_how_to_come_back"),
    "delete question": StateDef(_fixed("hi", "yes", "skip", "delete my reflections"), "utter_nothing_to_delete"),
    "delete-everything question": StateDef(
        _fixed("hi", "yes", "skip", "delete everything"), "utter_confirm_delete_everything"
    ),
    "after a disclosure": StateDef(_fixed("hi", "yes", "skip", "i want to kill myself tonight"), "utter_ask_safe_now"),
    "check question": StateDef(lambda r: ["hi", "yes", "skip", _ambiguous()], "utter_check_self"),
    "after asking for a person": StateDef(_fixed("hi", "yes", "skip", "talk to a person"), "utter_human_requested"),
}

#: Where a command means something particular in a state (else HONOURED applies).
IN_STATE = {
    # The command that was just asked about confirms it.
    ("delete question", "delete_reflections"): {"utter_nothing_to_delete", "utter_deleted"},
    ("delete-everything question", "delete_everything"): {"utter_deleted_everything"},
    # A check question is answered, not skipped: "skip" there is an unclear reply, asked once more.
    ("check question", "skip"): {"utter_check_again"},
}

CELLS = [(state, command.name) for state in STATES for command in COMMANDS]


def _walk(restory, responses: Responses, state: str) -> tuple[str, list[str]]:
    sender = new_sender("cell")
    definition = STATES[state]
    reply: list[str] = []
    for text in definition.steps(responses):
        reply = restory.say(sender, text)
    assert responses.said(reply, definition.there), f"not in state {state!r}: {reply}"
    return sender, reply


def _cell(restory, responses: Responses, state: str, command: str) -> str | None:
    """None if the command was honoured, else a description of what happened."""
    sender, _ = _walk(restory, responses, state)
    reply = restory.say(sender, WORDS[command])
    wanted = IN_STATE.get((state, command), HONOURED[command])
    if any(responses.said(reply, name) for name in wanted):
        return None
    said = [responses.names(t) or [t[:60]] for t in reply]
    return f"{state} × {command} ({WORDS[command]!r}): wanted one of {sorted(wanted)}, got {said}"


def test_the_table_covers_every_command_and_state():
    assert set(WORDS) == set(HONOURED) == {c.name for c in COMMANDS}
    assert len(CELLS) == len(STATES) * len(COMMANDS)
    assert all((s, c) in CELLS for s, c in IN_STATE)


def test_every_command_in_every_state(restory, responses):
    with ThreadPoolExecutor(4) as pool:
        failures = [f for f in pool.map(lambda cell: _cell(restory, responses, *cell), CELLS) if f]
    print(f"\nstate × command cells: {len(CELLS)} ({len(STATES)} states × {len(COMMANDS)} commands); "
          f"honoured {len(CELLS) - len(failures)}")
    assert not failures, f"{len(failures)} of {len(CELLS)} cells not honoured:\n" + "\n".join(failures)
