"""Words typed at a question, never lost: keep them, or ask first.

When :mod:`bot.understanding.interpret` is unsure whether a short message at
a free-text question is the answer or a command, the form's validator asks
"Shall I keep that as your answer, or would you like to …?" and holds the
words in the ``pending_answer`` slot. The reply decides: ``keep_answer``
keeps them; the command's button (or its words) carries the command out;
anything else is kept together with the first words, so nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue import Conversation, Turn
from bot.reflection.words import clean
from bot.understanding.commands import by_name

KEEP = "keep"  # pending_question while the question waits
ASK_ENTITY = "ask_command"


@dataclass(frozen=True)
class Words:
    """The answer to use, or the turn that asks first (exactly one is set)."""

    text: str | None = None
    ask: Turn | None = None
    stray: bool = False  # a "keep" with nothing waiting: nothing to store


def words_for_question(conv: Conversation, slot: str) -> Words:
    """What the person's message at a form question contributes.

    ``slot`` is the form slot to leave empty while the question waits.
    """
    pending = conv.slot("pending_answer") if conv.slot("pending_question") == KEEP else None
    typed = clean(conv.text)
    if conv.intent == "keep_answer":
        if isinstance(pending, dict):
            return Words(text=pending.get("text", ""))
        return Words(stray=True)
    if isinstance(pending, dict):  # more words instead of a choice: keep both
        return Words(text=f"{pending.get('text', '')}\n{typed}".strip())
    ask = conv.entity(ASK_ENTITY)
    if ask:
        command = by_name(ask)
        turn = (
            Turn()
            .say(
                "utter_ask_keep_or_command",
                command_label=command.label,
                command_button=command.label[:1].upper() + command.label[1:],
                command_intent=command.intent,
            )
            .set(pending_question=KEEP, pending_answer={"text": typed, "ask": ask}, **{slot: None})
        )
        return Words(ask=turn)
    return Words(text=typed)


def settled() -> dict:
    """Slots to clear once the words are used."""
    return {"pending_question": None, "pending_answer": None}
