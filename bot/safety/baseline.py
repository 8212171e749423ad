"""A naive keyword-list baseline, kept only to show what the layers buy.

It is what a first attempt usually looks like: substring search for a dozen
scary words. Every hit is ``concern``; no negation, idiom or context logic.
"""

from __future__ import annotations

from bot.safety.result import ScreenResult

# (keyword, category); first hit wins.
NAIVE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("suicide", "suicide"),
    ("suicidal", "suicide"),
    ("kill myself", "suicide"),
    ("end my life", "suicide"),
    ("want to die", "suicide"),
    ("die", "suicide"),
    ("cut myself", "self_harm"),
    ("self harm", "self_harm"),
    ("self-harm", "self_harm"),
    ("hurt myself", "self_harm"),
    ("overdose", "overdose_or_medical"),
    ("pills", "overdose_or_medical"),
    ("kill", "harm_to_others"),
    ("hurt", "harm_to_others"),
    ("abuse", "abuse_or_unsafe_home"),
    ("hits me", "abuse_or_unsafe_home"),
)


def naive_screen(text: str) -> ScreenResult:
    """Flag ``text`` if it contains any naive keyword (case-insensitive)."""
    low = text.lower() if isinstance(text, str) else ""
    for keyword, category in NAIVE_KEYWORDS:
        if keyword in low:
            return ScreenResult(level="concern", category=category, rules=[f"naive:{keyword}"])
    return ScreenResult()
