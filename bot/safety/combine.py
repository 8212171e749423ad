"""Step 6 of the screen: one level from the rules, the concepts and the classifier.

* The **rules** catch the explicit, with a reason: their level stands, except
  when the classifier doubts it (``clf.doubt``): hits told as past, in a
  message with past, recovery or present-safety cues, scored below
  ``past_doubt`` are a story told as past (``none``, noted
  ``past.told_as_past``: no crisis response, one note that the contacts are
  there); anything else scored below ``rule_doubt`` is asked about (``check``)
  instead of escalated, or, below ``rule_floor``, heard without a flag. Such
  messages are nearly all recovery stories and idioms the guards missed.
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
from bot.safety.result import CATEGORIES, LEVELS, ScreenResult, level_rank
from bot.safety.rules import RuleVerdict

#: Concept families whose live presence makes a classifier/concept concern urgent.
URGENT_FAMILIES = frozenset({"means", "place", "timing", "injury", "body_danger", "intake"})
_CATEGORY_ORDER = {c: i for i, c in enumerate(CATEGORIES)}


def decide(
    rule_level: str,
    p: float,
    concept_level: str,
    th: dict[str, float],
    past: bool = False,
    explicit: float = 0.0,
    quiet: bool = False,
) -> tuple[str, str]:
    """The level, and which layer set it ("rules", "doubt", "past", "classifier", "concepts").

    ``p`` is the classifier's risk score; ``explicit`` its probability of "a
    risk disclosure that is an explicit first-person statement" (those get the
    full response, never only a question). ``past``: the rule hits were told
    as past, in a message with past, recovery or present-safety cues.
    ``quiet``: the classifier alone speaks one step lower (a message of one or
    two words, or one where a guard recognised an idiom, media or a game).
    Pure, so ``python -m bot safety train`` searches thresholds with exactly
    the logic the screen runs.
    """
    if p >= th["concern"] or explicit >= th["explicit"]:
        heard = "concern"
    elif p >= th["check"]:
        heard = "check"
    else:
        heard = "none"
    if quiet and rule_level == "none":
        heard = "check" if heard == "concern" else "none"
    level, source = heard, "classifier"
    if rule_level != "none":
        if past and p < th["past_doubt"]:
            # A story told as past, and the classifier doubts it is about now.
            level, source = "none", "past"
        elif p < th["rule_floor"]:
            # The classifier is sure these words are not risk here (an idiom
            # or a story the guards did not know): heard, not flagged.
            level, source = "none", "doubt"
        elif p < th["rule_doubt"]:
            # A rule fired but the classifier doubts it: one gentle question.
            level, source = "check", "doubt"
        elif level_rank(rule_level) >= level_rank(heard):
            level, source = rule_level, "rules"
    if quiet and rule_level == "none":
        concept_level = LEVELS[max(0, level_rank(concept_level) - 1)]
    if (
        concept_level != "none"
        and p >= th["concept_floor"]
        and level_rank(concept_level) > level_rank(level)
    ):
        level, source = concept_level, "concepts"
    return level, source


PAST_CUES = ("past_distant", "past_recent", "past_act", "recovery", "safe_now", "contrast")
#: Rule modifiers that stood a hit down because it was told as past or resolved.
PAST_NOTES = frozenset({"mod.distant_past_safe", "mod.topic_recovery", "mod.resolved"})
PAST_NOTE = "past.told_as_past"


def told_as_past(matches: Matches) -> bool:
    """Past, recovery or present-safety cues, and nothing that says it is back."""
    markers = matches.markers
    return not markers.get("returning") and any(markers.get(k) for k in PAST_CUES)


QUIET_MAX_WORDS = 2


def inputs(parsed: Parsed, matches: Matches, rules: RuleVerdict) -> tuple[bool, bool]:
    """(past, quiet) for :func:`decide`, from the explicit layers."""
    past = rules.past and told_as_past(matches)
    words = sum(1 for t in parsed.doc if t.is_alpha)
    quiet = rules.level == "none" and (rules.guarded or words <= QUIET_MAX_WORDS)
    return past, quiet



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
        score = None if probs is None else round(probs.risk, 4)
        past, quiet = inputs(parsed, matches, rules)
        if probs is not None and self.thresholds:
            level, source = decide(
                rules.level, probs.risk, concepts.level, self.thresholds, past, probs.explicit, quiet
            )
            if source in ("doubt", "past"):
                notes.append("clf.doubt")
            elif source == "classifier" and level != "none":
                category = probs.category if rules.level == "none" else rules.category
                notes.append(f"clf.{level}")
            elif source == "concepts":
                category, subject = concepts.category, concepts.subject
                notes.append(f"concepts.{level}")
            raised = source in ("classifier", "concepts") and level == "concern"
            if raised and self._live_danger(parsed, matches, concepts):
                level = "urgent"
                notes.append("clf.urgent_cue")
        if level == "none" and (PAST_NOTES.intersection(rules.fired) or (past and "clf.doubt" in notes)):
            notes.append(PAST_NOTE)  # heard as a story told as past: no crisis response
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
