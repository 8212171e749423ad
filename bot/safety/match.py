"""Step 3 of the screen: find every lexicon entry in a parsed text.

spaCy ``Matcher`` token patterns (LEMMA/LOWER) and one ``PhraseMatcher``
(LOWER literal phrases) find risk rules, guards, modifier markers and
concepts. Each pattern has its own ``Matcher`` and runs
only when the text holds a word for every one of its required tokens: a set
test, reached through an index from each pattern's rarest required word set
(its "anchor"). Running all ~2,000 patterns on every message costs about 10
ms; this keeps matching to a fraction of one without changing what matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.safety.lexicon import Concept, Lexicon, Rule
from bot.safety.parse import Parsed, Parser

#: (entry id, first token, end token) of one match.
Span = tuple[str, int, int]


@dataclass
class Matches:
    """What the lexicon found in one text, split by kind."""

    risk: list[tuple[Rule, int, int]] = field(default_factory=list)
    guards: list[Span] = field(default_factory=list)
    markers: dict[str, list[Span]] = field(default_factory=dict)  # by marker kind
    concepts: list[tuple[Concept, int, int]] = field(default_factory=list)


class LexiconMatcher:
    """Compiles the lexicon's patterns once and runs them on parsed texts."""

    def __init__(self, lexicon: Lexicon, parser: Parser) -> None:
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.matcher import Matcher, PhraseMatcher

        self._parser = parser
        self._rules = {r.id: r for r in lexicon.rules}
        self._guards = {g.id for g in lexicon.guards}
        self._markers = {m.id: m for m in lexicon.markers}
        self._concepts = {c.id: c for c in lexicon.concepts}
        vocab = parser.vocab
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        # One Matcher per pattern: a pattern runs only when every one of its
        # required tokens can be met by a word of the text (a cheap set test),
        # found through an index from its rarest required word set ("anchor").
        self._patterns: list[tuple[Matcher, tuple[frozenset[str], ...], bool]] = []
        self._by_word: dict[str, list[int]] = {}
        self._always: list[int] = []
        for item in (*lexicon.rules, *lexicon.guards, *lexicon.markers, *lexicon.concepts):
            for raw in item.patterns:
                pattern = self._lemmatize_pattern(raw)
                matcher = Matcher(vocab)
                matcher.add(item.id, [pattern])
                required, needs_number = _requirements(pattern)
                index = len(self._patterns)
                self._patterns.append((matcher, required, needs_number))
                anchor = _anchor(pattern, STOP_WORDS)
                if anchor is None:
                    self._always.append(index)
                else:
                    for word in anchor:
                        self._by_word.setdefault(word, []).append(index)
            if item.phrases:
                self._phrases.add(item.id, [parser.make_doc(p) for p in item.phrases])
        self._strings = vocab.strings

    def _lemmatize_pattern(self, pattern) -> list[dict]:
        """Run pattern words through the token lemma function, so a pattern
        word always meets its token ("better" is looked up as "well")."""
        out = []
        for spec in pattern:
            spec = dict(spec)
            lemma = spec.get("LEMMA")
            if lemma:
                key = next(iter(lemma))
                words = set(lemma[key])
                spec["LEMMA"] = {key: sorted(words | {self._parser.canonical(w) for w in words})}
            out.append(spec)
        return out

    def __call__(self, parsed: Parsed) -> Matches:
        doc = parsed.doc
        words = parsed.words
        has_number = any(t.like_num for t in doc)
        found = list(self._phrases(doc))
        candidates: set[int] = set(self._always)
        for word in words:
            candidates.update(self._by_word.get(word, ()))
        for i in sorted(candidates):
            matcher, required, needs_number = self._patterns[i]
            if needs_number and not has_number:
                continue
            if all(not options.isdisjoint(words) for options in required):
                found.extend(matcher(doc))
        out = Matches()
        seen: set[Span] = set()
        for match_id, start, end in found:
            key = self._strings[match_id]
            if (key, start, end) in seen:
                continue
            seen.add((key, start, end))
            if key in self._rules:
                out.risk.append((self._rules[key], start, end))
            elif key in self._guards:
                out.guards.append((key, start, end))
            elif key in self._concepts:
                out.concepts.append((self._concepts[key], start, end))
            else:
                marker = self._markers[key]
                out.markers.setdefault(marker.kind, []).append((key, start, end))
        # Deterministic order whatever the matcher groups returned.
        out.risk.sort(key=lambda h: (h[1], h[2], h[0].id))
        out.concepts.sort(key=lambda h: (h[1], h[2], h[0].id))
        return out


def _requirements(pattern) -> tuple[tuple[frozenset[str], ...], bool]:
    """The word sets a text must meet for ``pattern`` to match (one per
    required token with a word list), and whether it needs a number."""
    required = []
    needs_number = False
    for spec in pattern:
        if spec.get("OP") not in (None, "+"):
            continue
        if spec.get("LIKE_NUM"):
            needs_number = True
        for attr in ("LEMMA", "LOWER"):
            values = spec.get(attr, {}).get("IN")
            if values:
                required.append(frozenset(values))
    return tuple(required), needs_number


def _anchor(pattern, common: set[str]) -> frozenset[str] | None:
    """The rarest word set that one *required* token of ``pattern`` must be in.

    A doc containing none of these words cannot match. "Rarest" = fewest
    stop words, then fewest words. ``None`` means no such token (only
    numbers or negated sets), so the pattern always runs.
    """
    best, best_cost = None, None
    for spec in pattern:
        if spec.get("OP") not in (None, "+"):
            continue
        for attr in ("LEMMA", "LOWER"):
            values = spec.get(attr, {}).get("IN")
            if values:
                cost = (sum(1 for v in values if v in common), len(values))
                if best_cost is None or cost < best_cost:
                    best, best_cost = frozenset(values), cost
    return best
