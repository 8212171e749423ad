"""Text clean-up before tokenising: how real people type, made matchable.

Pure string work (no spaCy). Each step is cheap and conservative: it never
invents words, it only undoes formatting (HTML, smart quotes, leetspeak,
stretched letters) so one pattern covers many spellings. Nothing is cut: a
long message is screened whole, in overlapping :func:`windows`.
"""

from __future__ import annotations

import html
import re
import unicodedata

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
def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    # Only a symbol/digit *between* letters counts ("k1ll", "my$elf"), or a
    # leading "$"/"@" ("$uicide"); "4am", "10mg", "mp3" are left alone.
    if word[0] in "$@" or _LEET_INSIDE.search(word):
        return word.translate(_LEET).replace("*", "")
    return word


class Normalizer:
    """Step 1 of the screen: lowercased, de-formatted text ("" for non-str).

    ``two_as_to_verbs`` (from the lexicon) are the verbs after which text-speak
    "2" means "to" ("i want 2 die", "going 2 end it"); after other verbs "2"
    stays a number ("have 2 kids").
    """

    def __init__(self, two_as_to_verbs: frozenset[str]) -> None:
        verbs = "|".join(sorted(map(re.escape, two_as_to_verbs)))
        self._two_as_to = re.compile(rf"\b({verbs}) 2 (?=[a-z])")

    def __call__(self, text: object) -> str:
        if not isinstance(text, str) or not text:
            return ""
        if "<" in text or "&" in text:
            text = _TAG.sub(" ", html.unescape(text))
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
        text = _STRETCH.sub(r"\1\1", text)
        text = _LEET_WORD.sub(_unleet, text)
        text = _EMOJI.sub(r" \1 ", text)
        text = self._two_as_to.sub(r"\1 to ", _SPACES.sub(" ", text))
        return _SPACES.sub(" ", text).strip()


def windows(text: str, size: int, overlap: int) -> list[str]:
    """The whole of ``text`` in overlapping pieces of about ``size`` characters.

    Every character is in at least one piece and any passage shorter than
    ``overlap`` lies wholly inside one, so a disclosure in the middle of a
    20,000-character message is read like one on its own. Pieces are cut at
    a space where one is near, so words stay whole.
    """
    if len(text) <= size:
        return [text]
    step = max(1, size - overlap)
    out: list[str] = []
    start = 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + step, end)
            end = cut if cut > start else end
        out.append(text[start:end])
        if end >= len(text):
            return out
        nxt = max(start + 1, end - overlap)
        space = text.find(" ", nxt, end)
        start = space + 1 if space != -1 else nxt
