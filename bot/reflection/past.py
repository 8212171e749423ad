"""A hardship told as past: heard, with one note that the contacts are there."""

from __future__ import annotations

from bot.dialogue import Conversation, Turn

PAST_NOTE = "past.told_as_past"  # bot.safety.combine: a hardship heard as told as past


def past_note(conv: Conversation, turn: Turn) -> Turn:
    """A hardship told as past: acknowledged, and once per session a note that
    the contacts are there if any of it is close today. No crisis response."""
    rules = (conv.risk or {}).get("rules") or []
    if PAST_NOTE in rules and not conv.slot("safety_past_noted"):
        turn.say("utter_safety_past_note").set(safety_past_noted=True)
    return turn
