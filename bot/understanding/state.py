"""The state a message arrives in, read from the conversation's slots.

Every state the person can be in is named here; the tests walk each of them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class State(str, Enum):
    IDLE = "idle"  # welcome, theme menu, closing, anything outside a question
    CONSENT = "consent"  # "Would you like me to save your reflections?"
    CHECKIN = "checkin"  # the check-in form's question
    PROMPT = "prompt"  # a reflection prompt (free text)
    PERMISSION = "permission"  # "the next question goes a bit deeper; okay?"
    KEEP = "keep"  # "Shall I keep that as your answer, or …?"
    DELETE = "delete"  # confirm deleting reflections
    DELETE_EVERYTHING = "delete_everything"  # confirm deleting everything
    SAFETY_OPEN = "safety_open"  # after a disclosure, the safety check is open
    SAFETY_CHECK = "safety_check"  # a gentle check question waits for yes/no/not sure

    @property
    def free_text(self) -> bool:
        """States whose question takes any words as the answer."""
        return self in (State.CHECKIN, State.PROMPT, State.KEEP)


FORM_OF = {"checkin_form": "checkin", "reflection_form": "reflection_answer"}


def state_of(slots: dict[str, Any], active_loop: str | None) -> State:
    """Which state the next message answers."""
    if slots.get("safety_check") == "checking":
        return State.SAFETY_CHECK
    pending = slots.get("pending_question")
    if pending == "keep" and active_loop in FORM_OF:
        return State.KEEP
    if active_loop == "reflection_form":
        return State.PERMISSION if slots.get("reflection_permission") == "asked" else State.PROMPT
    if active_loop == "checkin_form":
        return State.CHECKIN
    if pending == "consent":
        return State.CONSENT
    if pending == "delete":
        return State.DELETE
    if pending == "delete_everything":
        return State.DELETE_EVERYTHING
    if slots.get("safety_check") == "open":
        return State.SAFETY_OPEN
    return State.IDLE
