"""The decision for one message: command, answer, or ask which.

Risk comes first but is applied after this (``bot.safety.rasa_component``
overrides any decision made here); this module decides command → answer.

Inside a question that takes free text (the check-in, a reflection prompt)
a message is a command only when it clearly is one: short, and either
matching the command's grammar (``bot.understanding.commands``) or predicted
by the intent classifier above :data:`SURE`. Between :data:`UNSURE` and
:data:`SURE` the bot asks once whether to keep the words as the answer. Long
messages are never commands. Elsewhere the grammar overrides the classifier,
and a long message keeps no command intent.

The thresholds were chosen on the calibration set in ``tests/data/understanding``
(``python -m bot understanding calibrate``); see docs/understanding.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.commands import (
    Command,
    by_intent,
    by_name,
    clause_match,
    fix_slips,
    grammar_match,
)
from bot.understanding.state import State
from bot.understanding.text import normalise, word_count

#: A message longer than this is never a command.
MAX_COMMAND_WORDS = 12
#: Inside a free-text question, the classifier alone decides only for short messages.
CLASSIFIER_MAX_WORDS = 6
#: Up to this many words, one slip of the finger per word is forgiven.
SLIP_MAX_WORDS = 4
#: Classifier confidence at or above which a short message is the command.
SURE = 0.9
#: Classifier confidence at or above which the bot asks.
UNSURE = 0.7

ANSWER, KEEP_ANSWER, FALLBACK = "answer", "keep_answer", "nlu_fallback"
AFFIRM, DENY = "affirm", "deny"

#: Intents that change where the conversation goes: outside a question, a long
#: message cannot carry them (it is a story, not a command).
CONVERSATION_INTENTS = frozenset(
    {"stop", "skip", "change_topic", "delete_reflections", "delete_everything", "withdraw_consent",
     "give_consent", "choose_theme", "choose_for_me", "continue_previous", "start_reflection",
     "look_back", "greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope", "help",
     "ask_what_is_saved", "request_grounding", ANSWER, KEEP_ANSWER}
)  # fmt: skip

_YES = re.compile(r"(?:yes|y|yeah|yea|yep|yup|ok|okay|k|sure|go on|go ahead|alright|fine|please|yes please|ok go on|lets do it|lets go|why not|i guess|sounds good|go for it)")
_NO = re.compile(r"(?:no|n|nope|nah|not now|no thanks|no thank you|rather not|id rather not|not today|maybe not|no ta)")
_KEEP = re.compile(
    r"(?:yes|y|yeah|yep|ok|okay|sure|please|yes please|keep(?: it| that| them)?(?: as (?:my|the) answer)?(?: please)?|"
    r"(?:its|it is|that is|thats|that was) (?:my |an |the )?answer|(?:my |an |the )?answer|save it|(?:the )?first(?: one)?|"
    r"keep my answer|it was an answer|i meant it|i meant that|yes keep it|yes its my answer)"
)


@dataclass(frozen=True)
class Decision:
    """What the message is: the intent to act on, and why."""

    intent: str
    source: str  # grammar | classifier | answer | ask | keep | yes_no | passthrough | long
    command: str | None = None  # the command's name, when the intent carries one
    ask: str | None = None  # the command to ask about ("keep as your answer, or …?")

    @property
    def is_command(self) -> bool:
        return self.command is not None and self.ask is None


def _command(command: Command, source: str) -> Decision:
    return Decision(command.intent, source, command.name)


def interpret(
    text: str,
    state: State,
    predicted: str | None = None,
    confidence: float = 0.0,
    *,
    asked_about: str | None = None,
) -> Decision:
    """Decide what ``text`` is in ``state``, given the classifier's prediction.

    ``asked_about`` is the command named in a waiting "keep it as your
    answer, or …?" question (state ``KEEP``).
    """
    norm = normalise(text)
    words = word_count(norm)
    clear = None
    if 0 < words <= MAX_COMMAND_WORDS:
        clear = grammar_match(norm) or clause_match(text, normalise)
        if clear is None and words <= SLIP_MAX_WORDS:  # "stopp", "hlep", "sjip", "delete everythng"
            clear = grammar_match(fix_slips(norm))
    suggested = by_intent(predicted)

    if state is State.SAFETY_CHECK:
        # The risk screen reads the reply to its question; only a clear
        # command other than skip is carried out instead.
        if clear and clear.name != "skip":
            return _command(clear, "grammar")
        return Decision(predicted or FALLBACK, "passthrough")

    if state is State.KEEP:
        if _KEEP.fullmatch(norm):
            return Decision(KEEP_ANSWER, "keep")
        if asked_about and (_NO.fullmatch(norm) or _is_the_command(norm, asked_about)):
            return _command(by_name(asked_about), "keep")
        if clear:
            return _command(clear, "grammar")
        return Decision(ANSWER, "answer")  # more words: kept together with the first ones

    if state is State.PERMISSION:
        if clear and clear.name != "skip":
            return _command(clear, "grammar")
        sure = confidence >= SURE and words <= 3
        if _YES.fullmatch(norm) or (predicted == AFFIRM and sure):
            return Decision(AFFIRM, "yes_no")
        if _NO.fullmatch(norm) or (clear and clear.name == "skip") or (predicted == DENY and sure):
            return Decision(DENY, "yes_no")
        return Decision(ANSWER, "answer")  # they went straight to answering

    if state.free_text:  # CHECKIN, PROMPT
        if clear:
            return _command(clear, "grammar")
        if state is State.CHECKIN and _NO.fullmatch(norm):
            return Decision("skip", "yes_no", "skip")
        # At the check-in ("a rough day", "7, tired") only the grammar makes a command:
        # the classifier learnt answers to reflection prompts, not how people are arriving.
        if suggested and state is State.PROMPT and 0 < words <= CLASSIFIER_MAX_WORDS:
            if confidence >= SURE:
                return _command(suggested, "classifier")
            if confidence >= UNSURE:
                if not suggested.may_ask:  # safety first: honoured, never questioned
                    return _command(suggested, "classifier")
                return Decision(ANSWER, "ask", suggested.name, ask=suggested.name)
        return Decision(ANSWER, "answer")

    # Outside a free-text question: the grammar overrides the classifier.
    if clear:
        confirms = {State.DELETE: "delete_reflections", State.DELETE_EVERYTHING: "delete_everything"}
        if confirms.get(state) == clear.name:
            return Decision(AFFIRM, "grammar")  # "yes delete them" confirms what was asked
        return _command(clear, "grammar")
    if predicted in (ANSWER, KEEP_ANSWER):
        return Decision(FALLBACK, "answer")
    if predicted in CONVERSATION_INTENTS and words > MAX_COMMAND_WORDS:
        return Decision(FALLBACK, "long")
    command = by_intent(predicted)
    if command and predicted == "goodbye":  # outside a prompt, goodbye stays goodbye
        return Decision(predicted, "classifier")
    return Decision(predicted or FALLBACK, "classifier", command.name if command else None)


def _is_the_command(norm: str, name: str) -> bool:
    command = by_name(name)
    label = normalise(command.label)
    return norm in (label, f"{label} please", command.name.replace("_", " ")) or (
        grammar_match(norm) is command
    )
