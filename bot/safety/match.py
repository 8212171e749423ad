"""Step 3 of the screen: find every lexicon entry in a parsed text.

One spaCy ``Matcher`` per *anchor* group (LEMMA/LOWER token patterns) and one
``PhraseMatcher`` (LOWER literal phrases) find risk rules, guards, modifier
markers and concepts. Patterns are grouped by an "anchor": the rarest word set
one of their required tokens must come from, and a text only runs the matchers
whose anchor words it contains. Running all ~800 patterns on every message
costs ~1.7 ms; this keeps matching well under 1 ms without changing what
matches.
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
        groups: dict[frozenset[str] | None, list[tuple[str, list[dict]]]] = {}
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        for item in (*lexicon.rules, *lexicon.guards, *lexicon.markers, *lexicon.concepts):
            for raw in item.patterns:
                pattern = self._lemmatize_pattern(raw)
                groups.setdefault(_anchor(pattern, STOP_WORDS), []).append((item.id, pattern))
            if item.phrases:
                self._phrases.add(item.id, [parser.make_doc(p) for p in item.phrases])
        self._matchers: list[tuple[frozenset[str] | None, Matcher]] = []
        for anchor, members in groups.items():
            matcher = Matcher(vocab)
            for item_id, pattern in members:
                matcher.add(item_id, [pattern])
            self._matchers.append((anchor, matcher))
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
        found = list(self._phrases(doc))
        for anchors, matcher in self._matchers:
            if anchors is None or not anchors.isdisjoint(parsed.words):
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
