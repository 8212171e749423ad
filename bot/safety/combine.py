"""Step 6 of the screen: one level from the rules, the concepts and the classifier.

* The **rules** catch the explicit, with a reason: their level stands, except
  that a rule-only ``concern`` the classifier scores very low is asked about
  (``check``) instead of escalated (``clf.doubt``): such messages are nearly
  all recovery stories and idioms the guards missed.
* The **classifier** catches the rest: a score at or above the ``concern``
  threshold escalates; at or above ``check`` the bot asks one gentle question.
* **Concepts** that combine (means + timing, place + now ...) raise the level,
  when the classifier does not rule the message out (``concept_floor``).
* A classifier or concept ``concern`` with a live means/timing/danger cue in
  the same message is ``urgent``; a means or time right after an escalated
  turn is ``urgent`` too (context).

Thresholds are chosen on the validation split by ``python -m bot safety
train`` and stored with the model (``classifier.json``).
"""

from __future__ import annotations

from bot.safety.classifier import Probabilities
from bot.safety.concepts import ConceptVerdict
from bot.safety.match import Matches
from bot.safety.parse import Parsed
from bot.safety.result import CATEGORIES, ScreenResult, level_rank
from bot.safety.rules import RuleVerdict

#: Concept families whose live presence makes a classifier/concept concern urgent.
URGENT_FAMILIES = frozenset({"means", "place", "timing", "injury", "body_danger", "intake"})
_CATEGORY_ORDER = {c: i for i, c in enumerate(CATEGORIES)}


class Combiner:
    """Combines the layers' answers for one window, and windows for one message."""

    def __init__(self, thresholds: dict[str, float] | None, grammar=None, rules=None) -> None:
        self.thresholds = dict(thresholds or {})
        self._grammar = grammar
        self._rules = rules

    def bind(self, grammar, rules) -> Combiner:
        """Give the combiner the grammar and rule layer it reads cues with."""
        self._grammar, self._rules = grammar, rules
        return self

    def __call__(
        self,
        parsed: Parsed,
        matches: Matches,
        rules: RuleVerdict,
        concepts: ConceptVerdict,
        probs: Probabilities | None,
        previous: ScreenResult | None = None,
    ) -> ScreenResult:
        level, category, subject = rules.level, rules.category, rules.subject
        notes: list[str] = []
        th = self.thresholds
        score = None if probs is None else round(probs.risk, 4)
        if probs is not None and th:
            p = probs.risk
            if level == "concern" and p < th["rule_doubt"]:
                level = "check"
                notes.append("clf.doubt")
            elif level == "none":
                if p >= th["concern"]:
                    level, category = "concern", probs.category
                    notes.append("clf.concern")
                elif p >= th["check"]:
                    level, category = "check", probs.category
                    notes.append("clf.check")
            if (
                concepts.level != "none"
                and p >= th["concept_floor"]
                and level_rank(concepts.level) > level_rank(level)
            ):
                level, category, subject = concepts.level, concepts.category, concepts.subject
            if notes and level == "concern" and self._live_danger(parsed, matches, concepts):
                level = "urgent"
                notes.append("clf.urgent_cue")
        if level != "none" and subject is None:
            subject = self._subject(parsed, concepts)
        fired = [*rules.fired, *notes]
        result = ScreenResult(
            level=level,
            category=category if level != "none" else None,
            subject=subject if level != "none" else None,
            rules=fired,
            concepts=concepts.ids(),
            score=score,
        )
        return self._with_context(parsed, matches, result, previous)

    def _live_danger(self, parsed: Parsed, matches: Matches, concepts: ConceptVerdict) -> bool:
        """A live means/place/time/injury cue, or a plan/means/timing marker, now."""
        if concepts.live_families() & URGENT_FAMILIES:
            return True
        markers = matches.markers
        if markers.get("past_distant") or markers.get("past_recent") or markers.get("past_act"):
            return False
        return bool(self._rules and self._rules.intensified(parsed, markers, 0, 0))

    def _subject(self, parsed: Parsed, concepts: ConceptVerdict) -> str:
        """Whose risk, when no rule said: the live concepts', else the first personal word."""
        live = [h.subject for h in concepts.hits if h.live]
        if live:
            return "self" if "self" in live else "other"
        if self._grammar is None:
            return "self"
        for tok in parsed.doc:
            if tok.lower_ in self._grammar.self_words:
                return "self"
            if tok.lower_ in self._grammar.other_words:
                return "other"
        return "self"

    def _with_context(self, parsed, matches, result, previous) -> ScreenResult:
        """Means/timing words become risk only right after an escalated turn."""
        if previous is None or not previous.escalate or result.level == "urgent":
            return result
        grammar = self._grammar
        cues = [
            mid
            for mid, s, _ in matches.markers.get("intensifier", ())
            if grammar is None or not grammar.negated(parsed, s)
        ]
        if not cues:
            return result
        return ScreenResult(
            level="urgent",
            category=result.category or previous.category,
            subject=result.subject or previous.subject,
            rules=list(dict.fromkeys([*result.rules, *cues, "ctx.raise"])),
            concepts=result.concepts,
            score=result.score,
        )

    @staticmethod
    def strongest(results: list[ScreenResult]) -> ScreenResult:
        """The strongest window of a long message (the only one, for most)."""
        if len(results) == 1:
            return results[0]
        return min(
            results,
            key=lambda r: (
                -level_rank(r.level),
                _CATEGORY_ORDER.get(r.category or "", 99),
                r.subject != "self",
                -(r.score or 0.0),
            ),
        )
