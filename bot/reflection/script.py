"""The scripted reflection journey: which prompts, in which order, per theme.

Prompt *wording* lives in the Rasa domain (``domain/reflection.yml``, response
``utter_prompt_<key>``) so that it can be reviewed and varied in one place;
this module only knows the sequence, which prompts go deeper (and so need
permission first), and which answers name strengths for the closing summary.

Each sequence follows narrative practice: an opening in the person's own
terms, a unique outcome (a time the problem had less power), what the pain
says about what they value, an audience who would recognise their strengths,
and a preferred next step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

THEMES: tuple[str, ...] = ("connectedness", "hope", "identity", "meaning", "empowerment")

# Plain-words labels, used in theme menus and the "last time" greeting.
THEME_LABELS: dict[str, str] = {
    "connectedness": "Connectedness: the people and places that matter",
    "hope": "Hope: what keeps you going",
    "identity": "Identity: who you are beyond any diagnosis",
    "meaning": "Meaning: what matters to you",
    "empowerment": "Empowerment: what is in your hands",
}


@dataclass(frozen=True)
class Prompt:
    key: str
    practice: str  # which narrative practice it draws on (for reviewers/exports)
    deep: bool = False  # ask permission before this one
    strength: bool = False  # answer names a strength, quoted in the summary

    @property
    def response(self) -> str:
        return f"utter_prompt_{self.key}"


SCRIPT: dict[str, tuple[Prompt, ...]] = {
    "connectedness": (
        Prompt("connectedness_people", "opening"),
        Prompt("connectedness_moment", "unique_outcome"),
        Prompt("connectedness_audience", "audience", strength=True),
        Prompt("connectedness_next", "next_step"),
    ),
    "hope": (
        Prompt("hope_keeps_going", "strengths", strength=True),
        Prompt("hope_lighter_day", "unique_outcome"),
        Prompt("hope_values", "absent_but_implicit", deep=True),
        Prompt("hope_next", "next_step"),
    ),
    "identity": (
        Prompt("identity_beyond", "opening", strength=True),
        Prompt("identity_strength", "strengths", strength=True),
        Prompt("identity_problem_story", "externalising", deep=True),
        Prompt("identity_audience", "audience"),
        Prompt("identity_next", "next_step"),
    ),
    "meaning": (
        Prompt("meaning_matters", "opening"),
        Prompt("meaning_moment", "unique_outcome"),
        Prompt("meaning_values", "absent_but_implicit", deep=True),
        Prompt("meaning_next", "next_step"),
    ),
    "empowerment": (
        Prompt("empowerment_in_hands", "opening"),
        Prompt("empowerment_choice", "unique_outcome", strength=True),
        Prompt("empowerment_skills", "strengths", strength=True),
        Prompt("empowerment_next", "next_step"),
    ),
}


def prompts_for(theme: str) -> tuple[Prompt, ...]:
    """The sequence for ``theme`` (KeyError for an unknown theme)."""
    return SCRIPT[theme]


def prompt_at(theme: str, step: int) -> Prompt | None:
    """The prompt at ``step`` or ``None`` when the sequence is finished."""
    seq = SCRIPT.get(theme, ())
    return seq[step] if 0 <= step < len(seq) else None


def choose_theme_for(offered: tuple[str, ...], recent: list[str], rng: random.Random | None = None) -> str:
    """"You choose for me": prefer a theme the person has not visited lately."""
    rng = rng or random.Random()
    unvisited = [t for t in offered if t not in recent]
    if unvisited:
        return rng.choice(unvisited)
    # All visited: the one visited longest ago (``recent`` is newest first).
    return max(offered, key=lambda t: recent.index(t) if t in recent else len(recent))
