"""Step 2 of the screen: tokens, canonical lemmas and segments.

``spacy.blank("en")`` + the lookup lemmatizer (tables from spacy-lookups-data,
no download), then a *canonical lemma* per token: lexicon overrides ("kms",
"dying" -> "die") and typo repair against the lexicon's anchor words
("sucide" -> "suicide"). Sentences and clauses are cut at punctuation and at
the lexicon's break words. Building the pipeline takes ~0.5 s: a
:class:`Parser` is built once per process by :func:`bot.safety.screen.get_screen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.safety.lexicon import Lexicon


@dataclass(frozen=True)
class Parsed:
    """One normalised text as tokens, with a sentence and clause index per token."""

    doc: Any  # spacy.tokens.Doc (kept untyped: spaCy is imported lazily)
    sent_of: list[int]
    clause_of: list[int]
    words: frozenset[str]  # every canonical lemma and lowercase form in the text


class Parser:
    """Turns normalised text into a :class:`Parsed`."""

    def __init__(self, lexicon: Lexicon) -> None:
        import spacy  # heavy: imported only when a screen is actually built

        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()  # loads the lookup table from spacy-lookups-data (no download)
        self.nlp = nlp
        self.vocab = nlp.vocab
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._lemma_table = table
        self._known_lemmas = frozenset(table.values())
        self._overrides = lexicon.lemma_overrides
        self._anchors = lexicon.fuzzy_anchors
        words = lexicon.words
        self._sentence_breaks = words["sentence_break"]
        self._clause_breaks = words["clause_break"] | self._sentence_breaks
        # Typo repair is memoised per word: the vocabulary of a chat is small.
        self._repair = lru_cache(maxsize=50_000)(self._repair_uncached)

    def canonical(self, word: str) -> str:
        """The canonical lemma of a lowercase word (the same function as for tokens)."""
        return self._overrides.get(word) or self._lemma_table.get(word, word)

    def make_doc(self, text: str):
        """A bare spaCy ``Doc`` (no lemmas), for phrase patterns."""
        return self.nlp.make_doc(text)

    def parse(self, text: str) -> Parsed:
        doc = self.nlp(text)
        for tok in doc:
            low = tok.lower_
            lemma = self._overrides.get(low)
            if lemma is None:
                lemma = tok.lemma_
                if len(low) >= 3 and low.isalpha():
                    lemma = self._repair(low) or lemma
            if lemma != tok.lemma_:
                tok.lemma_ = lemma
        sent_of, clause_of = self._segments(doc)
        words = frozenset(t.lemma_ for t in doc) | frozenset(t.lower_ for t in doc)
        return Parsed(doc, sent_of, clause_of, words)

    # ------------------------------------------------------------ typo repair
    def _known(self, word: str) -> bool:
        return word in self._lemma_table or word in self._known_lemmas or word in self._overrides

    def _repair_uncached(self, word: str) -> str | None:
        """Canonical lemma for an unknown word: undo a stretched letter
        ("diee" -> "die", "killl" -> "kill"), restore a dropped double
        letter ("hiting" -> "hitting") or a dropped final g ("killin" ->
        "killing"), or snap to an anchor word within one edit ("sucide" ->
        "suicide"; for 4-letter words only a swap: "lfie" -> "life")."""
        if self._known(word):
            return None
        for i in range(len(word) - 1):
            if word[i] == word[i + 1]:
                shorter = word[:i] + word[i + 1 :]
                if self._known(shorter):
                    return self.canonical(shorter)
        if len(word) >= 5:
            # "hiting", "kiling", "stabed": one consonant of a double dropped.
            for i in range(1, len(word) - 2):
                if word[i] not in "aeiouy" and word[i] not in (word[i - 1], word[i + 1]):
                    longer = word[: i + 1] + word[i:]
                    if self._known(longer):
                        return self.canonical(longer)
        if word.endswith("in") and len(word) >= 5 and self._known(word + "g"):
            return self.canonical(word + "g")  # "killin", "cuttin", "thinkin"
        if len(word) < 4:
            return None
        for anchor in self._anchors:
            if len(word) == 4 or len(anchor) == 4:
                if len(anchor) == len(word) and within_one_edit(word, anchor):
                    return self.canonical(anchor)  # same length: swap or one letter
                continue
            if abs(len(anchor) - len(word)) <= 1 and within_one_edit(word, anchor):
                return self.canonical(anchor)
        return None

    # --------------------------------------------------------------- segments
    def _segments(self, doc) -> tuple[list[int], list[int]]:
        """Sentence and clause index per token (cheap, punctuation/keyword based)."""
        sent_of: list[int] = []
        clause_of: list[int] = []
        sent = clause = 0
        for tok in doc:
            low = tok.lower_
            if (
                low in self._sentence_breaks
                or tok.is_space
                or (tok.is_punct and "\n" in tok.whitespace_)
            ):
                sent += 1
                clause += 1
            elif low in self._clause_breaks:
                clause += 1
            sent_of.append(sent)
            clause_of.append(clause)
        return sent_of, clause_of


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1 (one insert/delete/substitute/swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b, la, lb = b, a, lb, la
    if lb - la != 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
