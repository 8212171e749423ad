"""Step 4a of the screen: the explicit rules, each with a reason.

Per risk-rule match: guards (idioms, media, games, accidents ...) may stand it
down; then subject, negation, past/recovery, jokes and plan/means/timing
intensifiers set its level. The strongest surviving hit is the rule layer's
verdict; every rule, guard and modifier id that fired is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.safety.grammar import Grammar
from bot.safety.lexicon import Lexicon, Rule
from bot.safety.match import Matches, Span
from bot.safety.parse import Parsed
from bot.safety.result import CATEGORIES, level_rank

_CATEGORY_ORDER = {c: i for i, c in enumerate(CATEGORIES)}


@dataclass
class Hit:
    """One surviving risk match and what the layers decided about it."""

    rule: Rule
    start: int
    end: int
    level: str
    subject: str
    notes: tuple[str, ...] = ()
    past: bool = False  # told as past (a past cue and no present one around it)


@dataclass
class RuleVerdict:
    """The rule layer's answer for one text."""

    level: str = "none"
    category: str | None = None
    subject: str | None = None
    fired: list[str] = field(default_factory=list)  # rule, guard and modifier ids, in order
    hits: list[Hit] = field(default_factory=list)
    guarded: bool = False  # a guard stood a rule down (an idiom, media, a game ...)

    @property
    def past(self) -> bool:
        """Every surviving hit was told as past."""
        return bool(self.hits) and all(h.past for h in self.hits)


def strongest(hits: list[Hit]) -> Hit:
    """Highest level wins; ties go to the category order, then self before other."""
    return min(
        hits,
        key=lambda h: (-level_rank(h.level), _CATEGORY_ORDER[h.rule.category], h.subject != "self"),
    )


class RuleLayer:
    """Applies guards and the grammar to the lexicon's risk-rule matches."""

    def __init__(self, lexicon: Lexicon, grammar: Grammar) -> None:
        self._grammar = grammar
        self._guards = {g.id: g for g in lexicon.guards}
        settings = lexicon.settings
        self._self_risk = frozenset(settings["self_risk_categories"])
        self._recent_stays = frozenset(settings["recent_stays_categories"])
        self._dose_units = lexicon.words["dose_units"]
        self._numbers = lexicon.numbers
        # Rules whose own wording contains a negation ("don't want to live")
        # must not be negated by it; the others also check inside their span.
        self._self_negating = {r.id for r in lexicon.rules if mentions(r.patterns, grammar.negations)}

    def __call__(self, parsed: Parsed, matches: Matches) -> RuleVerdict:
        fired: list[str] = []
        hits: list[Hit] = []
        guarded = False
        for rule, start, end in matches.risk:
            subject = self._grammar.subject(parsed, rule.subject, start, end)
            guard = self.guard_for(rule.category, rule.id, rule.kind, start, end, subject, parsed, matches)
            if guard:
                fired.extend((rule.id, guard))
                guarded = True
                continue
            hit = self._level(parsed, rule, start, end, subject, matches.markers)
            fired.append(rule.id)
            fired.extend(hit.notes)
            if hit.level != "none":
                hits.append(hit)
        fired = list(dict.fromkeys(fired))  # de-dup, keep order
        if not hits:
            return RuleVerdict(fired=fired, guarded=guarded)
        best = strongest(hits)
        return RuleVerdict(best.level, best.rule.category, best.subject, fired, hits, guarded)

    def guard_for(
        self,
        category: str,
        item_id: str,
        kind: str,
        start: int,
        end: int,
        subject: str,
        parsed: Parsed,
        matches: Matches,
    ) -> str | None:
        """The id of a guard that stands down this match, if any."""
        sent_of = parsed.sent_of
        for gid, gs, ge in matches.guards:
            guard = self._guards[gid]
            if guard.applies_to and not (category in guard.applies_to or item_id in guard.applies_to):
                continue
            if guard.kinds and kind not in guard.kinds:
                continue
            if guard.subjects and subject not in guard.subjects:
                continue
            if guard.scope == "span":
                if gs < end and start < ge:
                    return gid
            elif guard.scope == "sentence":
                if sent_of[gs] == sent_of[start] or sent_of[ge - 1] == sent_of[start]:
                    return gid
            else:
                return gid
        return None

    def _level(self, parsed: Parsed, rule: Rule, start: int, end: int, subject: str, markers) -> Hit:
        """Apply negation, past/recovery, joke and intensifier layers to one hit."""
        level = rule.level
        notes: list[str] = []
        if rule.min_number is not None and not self._has_number_at_least(parsed, start, end, rule.min_number):
            return Hit(rule, start, end, "none", subject, ("mod.small_number",))
        grammar = self._grammar
        tense = grammar.tense(parsed, markers, start, end)
        inside = None if rule.id in self._self_negating else end
        negated = grammar.negated(parsed, start, inside)
        past = tense.past

        if negated:
            if tense.recovery or rule.category not in self._self_risk or subject == "other":
                # "i don't cut anymore", "he doesn't hit me", "she'd never hurt herself".
                return Hit(rule, start, end, "none", subject, ("mod.negated",))
            level = "check"  # "i'm not going to kill myself": still a gentle check
            notes.append("mod.negated")
        elif past and (tense.safe_now or tense.recovery) and (tense.distant or tense.past_act) and not tense.recent:
            # "years ago i attempted, i'm in a good place now": a recovery story.
            return Hit(rule, start, end, "none", subject, ("mod.distant_past_safe",))
        elif (
            not tense.returning
            and not tense.recent
            and any(start <= s < end < e for _, s, e in markers.get("safe_now", ()))
        ):
            # The safety cue takes these very words as its subject: "my
            # suicidal *thoughts have faded* since therapy" (the risk is told as
            # resolved). A cue wholly inside the hit ("my life would be
            # better off without me") does not count.
            return Hit(rule, start, end, "none", subject, ("mod.resolved",))
        elif (
            rule.kind == "topic"
            and (tense.safe_now or tense.recovery)
            and not tense.recent
            and not tense.present
        ):
            # The word only, in a recovery frame: "i'm 4 years free from self
            # harm", "my suicidal years are behind me". Statements still fire.
            return Hit(rule, start, end, "none", subject, ("mod.topic_recovery",))
        elif past:
            # A recent overdose can still kill hours later, and a recent
            # assault means the person is likely still with the abuser.
            if tense.distant or rule.category not in self._recent_stays:
                if level == "urgent":
                    notes.append("mod.past")
                level = "concern"
        if (
            markers.get("joke")
            and level == "urgent"
            and rule.category in ("suicide", "self_harm", "harm_to_others")
        ):
            level = "concern"  # "kms lol": never ignored, but not a 999 call either
            notes.append("mod.joke")
        if level == "concern" and not negated and not past and self.intensified(parsed, markers, start, end):
            level = "urgent"  # plan, means or timing in the same message
            notes.append("mod.intensifier")
        return Hit(rule, start, end, level, subject, tuple(notes), past)

    def intensified(self, parsed: Parsed, markers: dict[str, list[Span]], start: int, end: int) -> bool:
        """A non-negated plan/means/timing cue outside the span's own words."""
        return any(
            not (s < end and start < e) and not self._grammar.negated(parsed, s)
            for _, s, e in markers.get("intensifier", ())
        )

    def _has_number_at_least(self, parsed: Parsed, start: int, end: int, minimum: int) -> bool:
        """A count of at least ``minimum`` in the span; a number followed by a
        dose unit ("50mg") is a dose, not a count of pills."""
        doc = parsed.doc
        for tok in doc[start:end]:
            following = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
            if tok.like_num and following not in self._dose_units:
                value = self._numbers.get(tok.lower_)
                if value is None:
                    try:
                        value = int(float(tok.lower_.replace(",", "")))
                    except ValueError:
                        value = minimum  # "dozens": treat as large
                if value >= minimum:
                    return True
        return False


def mentions(patterns, words: frozenset[str]) -> bool:
    """True if any token spec of ``patterns`` lists one of ``words``."""
    for pattern in patterns:
        for spec in pattern:
            for attr in ("LEMMA", "LOWER"):
                values = spec.get(attr, {}).get("IN", ())
                if words.intersection(values):
                    return True
    return False
