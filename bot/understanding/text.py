"""Normalising a message for the command grammar."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"[’'`´]")
_NOT_WORD = re.compile(r"[^a-z0-9?\s]+")
_SPACES = re.compile(r"\s+")
_QUESTION = re.compile(r"\s*\?+\s*")
_REPEATS = re.compile(r"(.)\1{2,}")  # "pleeeease" -> "pleease"


def normalise(text: str) -> str:
    """Lowercase ASCII words, apostrophes dropped ("don't" -> "dont"), punctuation
    and emoji gone; a message that is only question marks stays "?"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    folded = _APOSTROPHES.sub("", folded)
    folded = _REPEATS.sub(r"\1\1", folded)
    folded = _NOT_WORD.sub(" ", folded)
    if folded.strip(" ?\n\t") == "" and "?" in folded:
        return "?"
    folded = _QUESTION.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


def word_count(text: str) -> int:
    return len((text or "").split())
