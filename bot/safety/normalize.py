"""Text clean-up before tokenising: how real people type, made matchable.

Pure string work (no spaCy). Each step is cheap and conservative: it never
invents words, it only undoes formatting (HTML, smart quotes, leetspeak,
stretched letters) so one pattern covers many spellings.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Work cap for huge inputs: screen the head and the tail (crisis statements
#: tend to open or close a long message) and a few slices from the middle.
MAX_CHARS = 12_000
_HEAD = 6_000
_TAIL = 4_000

_TAG = re.compile(r"<[^<>]{0,300}>")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufe0f": "",
    }
)
# Three or more of the same letter -> two ("diiiie" -> "diie", "sooo" -> "soo");
# the typo repair in the screen then finds the anchor word.
_STRETCH = re.compile(r"([a-z])\1{2,}")
# Leetspeak/obfuscation inside a word: "k1ll", "su1c1de", "my$elf", "s*icide".
_LEET_WORD = re.compile(r"[a-z$@][a-z0-9$@!*]*[a-z]")
_LEET_INSIDE = re.compile(r"[a-z$@][0-9$@!*]+[a-z]")
_LEET = str.maketrans(
    {"1": "i", "3": "e", "0": "o", "4": "a", "$": "s", "@": "a", "!": "i", "5": "s"}
)
# Pictographs: space them out so "me🪦" becomes two tokens.
_EMOJI = re.compile("([\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff])")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Text-speak "2" for "to" after a verb that takes an infinitive ("i want 2 die",
# "going 2 end it"); after other verbs "2" stays a number ("have 2 kids").
_TWO_AS_TO = re.compile(
    r"\b(want|wanna|wanted|wants|going|gonna|wish|ready|supposed|able|hope|deserve|decided)"
    r" 2 (?=[a-z])"
)


def cap(text: str) -> str:
    """Bound the work on very long input (a 100k-char paste stays fast)."""
    if len(text) <= MAX_CHARS:
        return text
    middle = text[_HEAD:-_TAIL]
    step = max(1, len(middle) // 4)
    # Two short slices from the middle so a statement buried there has a chance.
    slices = [middle[i * step : i * step + 500] for i in (1, 2)]
    return "\n".join([text[:_HEAD], *slices, text[-_TAIL:]])


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    # Only a symbol/digit *between* letters counts ("k1ll", "my$elf"), or a
    # leading "$"/"@" ("$uicide"); "4am", "10mg", "mp3" are left alone.
    if word[0] in "$@" or _LEET_INSIDE.search(word):
        return word.translate(_LEET).replace("*", "")
    return word


def normalize(text: object) -> str:
    """Return a lowercased, de-formatted version of ``text`` ("" for non-str)."""
    if not isinstance(text, str) or not text:
        return ""
    text = cap(text)
    if "<" in text or "&" in text:
        text = _TAG.sub(" ", html.unescape(text))
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _STRETCH.sub(r"\1\1", text)
    text = _LEET_WORD.sub(_unleet, text)
    text = _EMOJI.sub(r" \1 ", text)
    text = _TWO_AS_TO.sub(r"\1 to ", _SPACES.sub(" ", text))
    return _SPACES.sub(" ", text).strip()
