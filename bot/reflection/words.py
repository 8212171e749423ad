"""Reflecting a person's own words back, and building the closing summary.

Nothing here interprets or rewords: we quote, shortened at a word boundary,
so the person sees their own language, not ours.
"""

from __future__ import annotations

import html
import re

MAX_ANSWER_CHARS = 20_000  # longer answers are stored up to this length, and the person is told
QUOTE_CHARS = 140
_SPACE = re.compile(r"\s+")
# Only things shaped like markup tags ("<b>", "</p>", "<!-- -->"); "<3" and "a < b" stay.
_TAG = re.compile(r"<(?:[a-zA-Z/!][^<>]{0,200})>")


def clean(text: str | None) -> str:
    """Normalise whitespace; keep every character the person typed (emoji included)."""
    return _SPACE.sub(" ", text or "").strip()


def for_display(text: str) -> str:
    """Text safe to echo in a chat bubble: entities unescaped, then tags removed.

    Unescaping first means "&lt;img …&gt;" cannot turn back into markup.
    (Clients must still render bot text as text, never as HTML.)
    """
    return clean(_TAG.sub(" ", html.unescape(text)))


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The person's words, shortened at a word boundary with an ellipsis."""
    text = for_display(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.-– ") + "…"


def first_sentence(text: str, limit: int = QUOTE_CHARS) -> str:
    text = for_display(text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return quote(match.group(1) if match else text, limit)


def summary_lines(answers: list[dict]) -> list[str]:
    """Bullet lines for the closing summary, strengths first.

    ``answers`` are dicts with ``text`` and ``strength`` (bool), in order.
    """
    strengths = [a for a in answers if a.get("strength") and clean(a.get("text"))]
    others = [a for a in answers if not a.get("strength") and clean(a.get("text"))]
    chosen = (strengths + others)[:4]
    return [f"• “{first_sentence(a['text'])}”" for a in chosen]


def summary_text(answers: list[dict]) -> str:
    lines = summary_lines(answers)
    return "\n".join(lines)
