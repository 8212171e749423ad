"""The result of screening one message: a small, JSON-safe value object.

Kept free of spaCy so the Rasa component, actions and slots can import it
cheaply (a previous result travels between turns inside a slot as a dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Risk categories, in tie-break order (earlier wins when two fire at one level).
CATEGORIES: tuple[str, ...] = (
    "suicide",
    "overdose_or_medical",
    "self_harm",
    "harm_to_others",
    "abuse_or_unsafe_home",
)

#: Levels, in increasing order of severity. ``check``: ambiguous, so the bot
#: asks one gentle question and escalates only if the answer confirms.
LEVELS: tuple[str, ...] = ("none", "check", "concern", "urgent")

#: Levels that get the full safety response and an escalation to a person.
ESCALATING: tuple[str, ...] = ("concern", "urgent")

#: Who the disclosed risk is about: the person typing, or someone they describe.
SUBJECTS: tuple[str, ...] = ("self", "other")

_LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}


def level_rank(level: str) -> int:
    """Numeric severity of ``level`` (unknown levels count as ``none``)."""
    return _LEVEL_RANK.get(level, 0)


@dataclass(frozen=True)
class ScreenResult:
    """Outcome of :meth:`bot.safety.screen.RiskScreen.screen`.

    ``rules`` lists every rule id that fired, including guard and modifier ids
    (e.g. ``guard.idiom.killing_me``, ``mod.negated``), ``concepts`` every
    concept and combination id, and ``score`` the classifier's probability
    that the message is a risk disclosure, so a clinician can see *why* a
    message was or was not flagged.
    """

    level: str = "none"
    category: str | None = None
    subject: str | None = None
    rules: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    score: float | None = None

    @property
    def escalate(self) -> bool:
        """True iff the message gets the full safety response and an escalation."""
        return self.level in ESCALATING

    @property
    def flagged(self) -> bool:
        """True iff the message needs any safety step (a ``check`` question or more)."""
        return self.level != "none"

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe representation (the CLI's output line and the Rasa slot value)."""
        return {
            "escalate": self.escalate,
            "category": self.category,
            "level": self.level,
            "subject": self.subject,
            "rules": list(self.rules),
            "concepts": list(self.concepts),
            "score": None if self.score is None else round(float(self.score), 4),
        }

    @classmethod
    def from_dict(cls, data: Any) -> ScreenResult | None:
        """Inverse of :meth:`as_dict`; tolerant of missing/garbled slot values.

        Returns ``None`` for ``None`` or anything that is not a mapping, so a
        caller can pass a raw slot value straight through as ``previous``.
        """
        if isinstance(data, ScreenResult):
            return data
        if not isinstance(data, dict):
            return None
        level = data.get("level")
        if level not in LEVELS:
            level = "concern" if data.get("escalate") else "none"
        category = data.get("category")
        if category not in CATEGORIES:
            category = None
        subject = data.get("subject")
        if subject not in SUBJECTS:
            subject = None
        rules = data.get("rules") or []
        if not isinstance(rules, list | tuple):
            rules = []
        concepts = data.get("concepts") or []
        if not isinstance(concepts, list | tuple):
            concepts = []
        score = data.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool):
            score = None
        return cls(
            level=level,
            category=category,
            subject=subject,
            rules=[str(r) for r in rules],
            concepts=[str(c) for c in concepts],
            score=None if score is None else float(score),
        )


NONE_RESULT = ScreenResult()
