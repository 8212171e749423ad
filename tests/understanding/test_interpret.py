"""The interpreter's decision for one message, state by state (no Rasa)."""

from __future__ import annotations

import pytest

from bot.understanding import State, interpret
from bot.understanding.commands import COMMANDS, grammar_match
from bot.understanding.interpret import MAX_COMMAND_WORDS, SURE, UNSURE
from bot.understanding.state import state_of
from bot.understanding.text import normalise

#: Commands in plain words, inside a reflection prompt: each is that command.
PLAIN_COMMANDS = [
    ("gotta go", "stop"), ("I'm done for today", "stop"), ("bye!", "stop"), ("log me out please", "stop"),
    ("pass", "skip"), ("next question pls", "skip"), ("id rather not answer", "skip"),
    ("can we talk about something else", "change_topic"), ("change the topic", "change_topic"),
    ("what is this?", "help"), ("how does this work", "help"), ("??", "help"),
    ("what do you save about me", "what_is_saved"), ("is this private?", "what_is_saved"),
    ("who can see my answers", "what_is_saved"),
    ("look back", "look_back"), ("show me my old answers", "look_back"), ("what did i write last time", "look_back"),
    ("delete my reflections", "delete_reflections"), ("get rid of my answers", "delete_reflections"),
    ("delete everything", "delete_everything"), ("wipe all my data", "delete_everything"),
    ("forget about me", "delete_everything"),
    ("stop saving", "stop_saving"), ("don't keep what i write", "stop_saving"),
    ("you can save my reflections", "save_now"), ("ok save them", "save_now"),
    ("i want to talk to a real person", "talk_to_person"), ("can someone call me", "talk_to_person"),
    ("real person please", "talk_to_person"),
    ("can we do a breathing exercise", "grounding"), ("help me calm down", "grounding"),
    ("i'm not safe", "not_safe"), ("i need help now", "not_safe"),
]  # fmt: skip

#: Answers that use a command's words: never a command by grammar.
LOOKALIKES = [
    "stopping the weed was where it all started", "quit drinking", "stop drinking",
    "blocking her everywhere was the best thing i did", "skipped school a lot back then",
    "i'd rather talk to people who've been there, like at my meeting", "talk to my sister",
    "looking back at last year i've come far", "deleted his number", "got rid of instagram off my phone",
    "saving up for a car", "my nan saved me", "breathing exercises", "talking to people", "help others",
    "changing my name was huge for me", "my allotment neighbour bernadette, she waters my beans",
    "sorted my money out, made a spreadsheet and everything", "i feel safe at my mum's",
    "dont keep my feelings bottled up anymore", "stop keeping secrets from my family",
]  # fmt: skip


@pytest.mark.parametrize(("text", "command"), PLAIN_COMMANDS)
def test_plain_commands_are_read_by_the_grammar_inside_a_prompt(text, command):
    decision = interpret(text, State.PROMPT)
    assert decision.command == command
    if command:
        assert decision.source == "grammar" and decision.is_command


@pytest.mark.parametrize("text", LOOKALIKES)
def test_answers_with_command_words_stay_answers(text):
    decision = interpret(text, State.PROMPT, predicted="answer", confidence=0.9)
    assert (decision.intent, decision.command) == ("answer", None)


def test_every_command_has_grammar_that_its_label_or_name_matches():
    for command in COMMANDS:
        assert command.grammar, command.name
    assert {grammar_match(normalise(w)).name for w, c in PLAIN_COMMANDS if c} == {c.name for c in COMMANDS}


def test_a_long_message_is_never_a_command():
    text = "stop " + "and think about the people who kept me going " * 3
    assert len(text.split()) > MAX_COMMAND_WORDS
    assert interpret(text, State.PROMPT, predicted="stop", confidence=0.99).command is None
    assert interpret(text, State.IDLE, predicted="stop", confidence=0.99).intent == "nlu_fallback"


@pytest.mark.parametrize(
    ("confidence", "intent", "command", "ask"),
    [(SURE, "look_back", "look_back", None), (UNSURE, "answer", "look_back", "look_back"), (UNSURE - 0.01, "answer", None, None)],  # fmt: skip
)
def test_the_classifier_alone_decides_only_when_sure_and_asks_in_between(confidence, intent, command, ask):
    decision = interpret("my old notebook", State.PROMPT, predicted="look_back", confidence=confidence)
    assert (decision.intent, decision.command, decision.ask) == (intent, command, ask)


def test_not_safe_from_the_classifier_is_honoured_never_questioned():
    decision = interpret("everything is too much", State.PROMPT, predicted="not_safe", confidence=UNSURE)
    assert (decision.intent, decision.ask) == ("not_safe", None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("keep it", "keep_answer"), ("yes", "keep_answer"), ("no", "withdraw_consent"), ("stop saving", "withdraw_consent"),
     ("and my brother too", "answer"), ("look back", "look_back")],
)
def test_the_keep_question_reply(text, intent):
    assert interpret(text, State.KEEP, asked_about="stop_saving").intent == intent


@pytest.mark.parametrize(
    ("text", "predicted", "intent"),
    [("yes", None, "affirm"), ("ok go on", None, "affirm"), ("no", None, "deny"), ("skip", "skip", "deny"),
     ("my nan", "deny", "answer"), ("stop", None, "stop")],
)
def test_the_permission_question(text, predicted, intent):
    assert interpret(text, State.PERMISSION, predicted=predicted, confidence=0.6).intent == intent


def test_a_check_question_reads_only_clear_commands_other_than_skip():
    assert interpret("talk to a real person", State.SAFETY_CHECK, "affirm", 0.9).intent == "request_human"
    assert interpret("skip", State.SAFETY_CHECK, "skip", 0.9).source == "passthrough"
    assert interpret("not really", State.SAFETY_CHECK, "deny", 0.9).intent == "deny"


def test_confirming_a_delete_with_its_own_words():
    assert interpret("yes delete my reflections", State.DELETE).intent == "affirm"
    assert interpret("delete everything", State.DELETE).intent == "delete_everything"
    assert interpret("delete everything", State.DELETE_EVERYTHING).intent == "affirm"


def test_outside_questions_the_classifier_and_its_fallback_stand():
    assert interpret("hello there", State.IDLE, "greet", 0.9).intent == "greet"
    assert interpret("a garden", State.IDLE, "answer", 0.9).intent == "nlu_fallback"
    assert interpret("bye", State.IDLE, "goodbye", 0.9).intent == "stop"  # the grammar spoke


@pytest.mark.parametrize(
    ("slots", "loop", "state"),
    [({}, None, State.IDLE), ({"pending_question": "consent"}, None, State.CONSENT),
     ({}, "checkin_form", State.CHECKIN), ({}, "reflection_form", State.PROMPT),
     ({"reflection_permission": "asked"}, "reflection_form", State.PERMISSION),
     ({"pending_question": "keep"}, "reflection_form", State.KEEP), ({"pending_question": "delete"}, None, State.DELETE),
     ({"pending_question": "delete_everything"}, None, State.DELETE_EVERYTHING),
     ({"safety_check": "open"}, None, State.SAFETY_OPEN), ({"safety_check": "checking"}, "reflection_form", State.SAFETY_CHECK)],
)
def test_state_of(slots, loop, state):
    assert state_of(slots, loop) is state


@pytest.mark.parametrize("text", ["", "   ", "🙂", "<b>stop</b>", '{"broken json', "x" * 50_000])
def test_odd_input_is_an_answer_or_a_clear_command_never_an_error(text):
    decision = interpret(text, State.PROMPT, predicted=None)
    assert decision.intent in ("answer", "stop")


def test_every_grammar_pattern_is_expanded():
    """A pattern written r"…{_TAIL}" instead of rf"…" would match the braces literally."""
    assert [g for c in COMMANDS for g in c.grammar if "{_" in g] == []


@pytest.mark.parametrize(
    ("text", "command"),
    [("stopp", "stop"), ("hlep", "help"), ("sjip", "skip"), ("delete everythng", "delete_everything"),
     ("saev pls", "save_now"), ("step", None), ("shop", None)],
)
def test_one_slip_of_the_finger_is_forgiven_in_a_short_message(text, command):
    assert interpret(text, State.PROMPT).command == command


@pytest.mark.parametrize(
    ("text", "command"),
    [("not feeling it today, going to stop here", "stop"), ("dunno, move on", "skip"),
     ("i need help now, im in danger", "not_safe"), ("my Pokémon fainted before the gym leader, so close", None),
     ("ending things with my dealer, deleted the contacts too", None), ("strength = showing up. thats it. i showed up", None)],
)
def test_the_last_clause_of_a_short_message_may_be_the_command(text, command):
    assert interpret(text, State.PROMPT).command == command


def test_at_the_check_in_only_the_grammar_makes_a_command():
    assert interpret("a rough day", State.CHECKIN, predicted="stop", confidence=0.95).intent == "answer"
    assert interpret("a rough day", State.PROMPT, predicted="stop", confidence=0.95).intent == "stop"
    assert interpret("stop", State.CHECKIN).intent == "stop"
