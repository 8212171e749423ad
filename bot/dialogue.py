"""What a turn of conversation decides, in plain Python.

Concern modules (``bot.reflection.form``, ``bot.safety.conversation`` …)
take a :class:`Conversation` (what the person said plus the current slots)
and return a :class:`Turn`: the responses to send, by name, and the slots to
set. ``actions/`` turns a ``Turn`` into Rasa events; nothing here imports Rasa.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.programmes import Programme

log = logging.getLogger(__name__)
T = TypeVar("T")


def attempt(fn: Callable[..., T], *args: Any, default: T, what: str) -> T:
    """Run a read that may fail (database down): log it, return ``default``.

    For reads only: a conversation should go on without them. Writes report
    failure to the person instead (``utter_storage_problem``).
    """
    try:
        return fn(*args)
    except Exception:
        log.exception("could not %s", what)
        return default


@dataclass(frozen=True)
class Say:
    """One bot message: a domain response by name, or literal text."""

    response: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    buttons: list[dict[str, str]] | None = None


@dataclass
class Turn:
    """Messages to send and slots to set, in order."""

    says: list[Say] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def say(self, response: str, **variables: Any) -> Turn:
        self.says.append(Say(response=response, vars=variables))
        return self

    def say_text(self, text: str, buttons: list[dict[str, str]] | None = None) -> Turn:
        self.says.append(Say(text=text, buttons=buttons))
        return self

    def set(self, **slots: Any) -> Turn:
        self.slots.update(slots)
        return self

    def extend(self, other: Turn) -> Turn:
        self.says.extend(other.says)
        self.slots.update(other.slots)
        return self

    @property
    def responses(self) -> list[str]:
        """Response names, in order (handy in tests)."""
        return [s.response for s in self.says if s.response]


@dataclass(frozen=True)
class Conversation:
    """What a turn's logic may read: who, which programme, what was said, the slots."""

    participant_id: str
    programme: Programme
    text: str = ""
    intent: str | None = None
    intent_confidence: float = 0.0
    entities: tuple[dict[str, Any], ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] | None = None
    active_loop: str | None = None  # the form waiting for an answer, if any

    def slot(self, name: str, default: Any = None) -> Any:
        value = self.slots.get(name)
        return default if value is None else value

    def entity(self, name: str) -> Any:
        for ent in self.entities:
            if ent.get("entity") == name:
                return ent.get("value")
        return None
