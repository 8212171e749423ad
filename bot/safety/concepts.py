"""Step 4b of the screen: risk concepts and how they combine.

People in danger often hint instead of saying it: they name a means ("the
rope"), a place ("the car park roof"), a preparation ("wrote letters to
everyone"), a time ("tonight's the night") or a state ("i'm just a burden").
Each such word or phrase is a *concept* in ``lexicon/concepts.yml``. A concept
alone is never a flag. The grammar decides whether each one is *live* (about
now, not negated, not stood down by a guard) and whose it is; the lexicon's
*combinations* then say which families together make a level (means + timing
-> urgent). Every concept, live or not, is also a feature of the classifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.safety.grammar import Grammar
from bot.safety.lexicon import CONCEPT_FAMILIES, Concept, Lexicon
from bot.safety.match import Matches
from bot.safety.parse import Parsed
from bot.safety.result import CATEGORIES, level_rank
from bot.safety.rules import RuleLayer, mentions


@dataclass(frozen=True)
class ConceptHit:
    """One concept found in the text and what the grammar says about it."""

    concept: Concept
    start: int
    end: int
    subject: str
    live: bool
    note: str = ""  # why it is not live: a guard id, "negated", "past"


@dataclass
class ConceptVerdict:
    """The concept layer's answer for one text."""

    level: str = "none"
    category: str | None = None
    subject: str | None = None
    hits: list[ConceptHit] = field(default_factory=list)
    combinations: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Concept ids (a dead one with its reason) and combination ids, for explanations."""
        out = [h.concept.id if h.live else f"{h.concept.id}({h.note})" for h in self.hits]
        return list(dict.fromkeys(out + self.combinations))

    def live_families(self, subject: str | None = None) -> set[str]:
        return {h.concept.family for h in self.hits if h.live and (subject is None or h.subject == subject)}


class ConceptLayer:
    """Evaluates concept matches and the lexicon's combinations."""

    def __init__(self, lexicon: Lexicon, grammar: Grammar, rules: RuleLayer) -> None:
        self._grammar = grammar
        self._rules = rules
        # Concepts whose own wording holds a negation ("can't take it") are
        # negated only by a word before them, not by their own.
        self._self_negating = {
            c.id for c in lexicon.concepts if mentions(c.patterns, grammar.negations)
        }
        self._combinations = sorted(
            lexicon.combinations, key=lambda c: -level_rank(c.level)
        )

    def __call__(self, parsed: Parsed, matches: Matches) -> ConceptVerdict:
        hits = [self._hit(parsed, matches, c, s, e) for c, s, e in matches.concepts]
        verdict = ConceptVerdict(hits=hits)
        live = [h for h in hits if h.live]
        if not live:
            return verdict
        for combo in self._combinations:
            members = [h for h in live if h.concept.family in combo.families]
            if {h.concept.family for h in members} != combo.families:
                continue
            category = combo.category or _shared_category(members)
            if category is None:
                continue
            verdict.combinations.append(combo.id)
            if level_rank(combo.level) > level_rank(verdict.level):
                verdict.level = combo.level
                verdict.category = category
                verdict.subject = "self" if any(h.subject == "self" for h in members) else "other"
        return verdict

    def _hit(self, parsed: Parsed, matches: Matches, concept: Concept, start: int, end: int) -> ConceptHit:
        grammar = self._grammar
        subject = grammar.subject(parsed, "auto", start, end)
        for category in concept.categories:
            guard = self._rules.guard_for(
                category, concept.id, "concept", start, end, subject, parsed, matches
            )
            if guard:
                return ConceptHit(concept, start, end, subject, False, guard)
        inside = None if concept.id in self._self_negating else end
        if grammar.negated(parsed, start, inside):
            return ConceptHit(concept, start, end, subject, False, "negated")
        tense = grammar.tense(parsed, matches.markers, start, end, within=True)
        if tense.past and not tense.recent:
            return ConceptHit(concept, start, end, subject, False, "past")
        if (tense.safe_now or tense.recovery) and not tense.present:
            return ConceptHit(concept, start, end, subject, False, "recovered")
        return ConceptHit(concept, start, end, subject, True)


def _shared_category(members: list[ConceptHit]) -> str | None:
    """The first category (in CATEGORIES order) every member points to."""
    shared = set(CATEGORIES)
    for hit in members:
        shared &= set(hit.concept.categories)
    return next((c for c in CATEGORIES if c in shared), None)


__all__ = ["CONCEPT_FAMILIES", "ConceptHit", "ConceptLayer", "ConceptVerdict"]
