"""The rule-based risk screen: spaCy lookup lemmas + Matcher + explicit layers.

Pipeline for one message (each layer is a short method below):

1. ``normalize``: HTML, smart quotes, leetspeak, stretched letters, work cap.
2. spaCy ``blank("en")`` tokenizer + ``lemmatizer`` (lookup mode), then a
   *canonical lemma* per token: lexicon overrides ("kms", "dying" -> "die")
   and typo repair against a few anchor words ("sucide" -> "suicide").
3. One ``Matcher`` (LEMMA/LOWER token patterns) and one ``PhraseMatcher``
   (LOWER) find risk rules, guards and modifier markers.
4. Guards suppress idioms, hyperbole, media/study mentions, accidents, pets.
5. Per surviving hit: subject (self/other), negation, past/recovery, jokes,
   plan/means/timing intensifiers set the level.
6. Context: means/timing right after an escalated turn raises to ``urgent``.

Building the pipeline takes ~0.5 s, so it happens lazily, once per process,
behind :func:`get_screen`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from bot.safety.lexicon import Lexicon, Rule, load_lexicon
from bot.safety.normalize import normalize
from bot.safety.result import CATEGORIES, NONE_RESULT, ScreenResult, level_rank

# Categories where the person's own life is at stake: a negated statement
# still earns a gentle check ("concern"), never silence.
SELF_RISK = frozenset({"suicide", "self_harm", "overdose_or_medical"})
_CATEGORY_ORDER = {c: i for i, c in enumerate(CATEGORIES)}
RECENT_STAYS = frozenset({"overdose_or_medical", "abuse_or_unsafe_home"})
NEGATION_WINDOW = 4  # max bridge tokens between a negation and the trigger
PAST_WINDOW = 6  # how far back a "tried"/"used to" cue may sit


@dataclass
class _Hit:
    """One surviving risk match and what the layers decided about it."""

    rule: Rule
    start: int
    end: int
    level: str
    subject: str
    notes: tuple[str, ...] = ()


class RiskScreen:
    """Screens one message (optionally with the previous turn's result) for risk."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        import spacy  # heavy: imported only when a screen is actually built
        from spacy.matcher import Matcher, PhraseMatcher

        self.lexicon = lex = lexicon or load_lexicon()
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()  # loads the lookup table from spacy-lookups-data (no download)
        self.nlp = nlp
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._lemma_table = table
        self._known_lemmas = frozenset(table.values())
        self._overrides = lex.lemma_overrides
        self._anchors = lex.fuzzy_anchors
        w = lex.words
        self._self_words = w["self_subject"]
        self._other_words = w["other_subject"]
        self._self_reflexive = w["self_reflexive"]
        self._other_reflexive = w["other_reflexive"]
        self._negations = w["negation"]
        self._bridges = w["negation_bridge"]
        self._sentence_breaks = w["sentence_break"]
        self._clause_breaks = w["clause_break"] | self._sentence_breaks

        self._rules = {r.id: r for r in lex.rules}
        # Rules whose own wording contains a negation ("don't want to live")
        # must not be negated by it; the others also check inside their span.
        self._self_negating = {r.id for r in lex.rules if _mentions(r.patterns, self._negations)}
        self._guards = {g.id: g for g in lex.guards}
        self._markers = {m.id: m for m in lex.markers}
        # Patterns are grouped by an "anchor": the rarest word set one of their
        # required tokens must come from. A message only runs the matchers
        # whose anchor words it contains. Running all ~700 patterns on every
        # message costs ~1.7 ms; this keeps the screen well under 1 ms
        # without changing what matches.
        from spacy.lang.en.stop_words import STOP_WORDS

        groups: dict[frozenset[str] | None, list[tuple[str, list[dict]]]] = {}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for item in (*lex.rules, *lex.guards, *lex.markers):
            for raw in item.patterns:
                pattern = self._lemmatize_pattern(raw)
                groups.setdefault(_anchor(pattern, STOP_WORDS), []).append((item.id, pattern))
            if item.phrases:
                self.phrases.add(item.id, [nlp.make_doc(p) for p in item.phrases])
        self._matchers: list[tuple[frozenset[str] | None, Matcher]] = []
        for anchor, members in groups.items():
            matcher = Matcher(nlp.vocab)
            for item_id, pattern in members:
                matcher.add(item_id, [pattern])
            self._matchers.append((anchor, matcher))
        self._strings = nlp.vocab.strings
        # Typo repair is memoised per word: the vocabulary of a chat is small.
        self._repair = lru_cache(maxsize=50_000)(self._repair_uncached)

    def _canonical(self, word: str) -> str:
        """The canonical lemma of a lowercase word (same function as for tokens)."""
        return self._overrides.get(word) or self._lemma_table.get(word, word)

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
                spec["LEMMA"] = {key: sorted(words | {self._canonical(w) for w in words})}
            out.append(spec)
        return out

    # ------------------------------------------------------------------ API
    @property
    def version(self) -> str:
        """Lexicon version string (recorded with evaluations and in logs)."""
        return self.lexicon.version

    def screen(self, text: str, previous: ScreenResult | None = None) -> ScreenResult:
        """Screen ``text``; ``previous`` is the prior turn's result, if any.

        Never raises for any input: non-strings count as empty.
        """
        if previous is not None and not isinstance(previous, ScreenResult):
            previous = ScreenResult.from_dict(previous)
        clean = normalize(text)
        if not clean:
            return NONE_RESULT
        doc = self._doc(clean)
        sent_of, clause_of = self._segments(doc)
        risk, guards, markers = self._match(doc)
        contrast = self._contrast_clauses(doc, clause_of, risk, markers)
        if contrast:
            markers["contrast"] = contrast
        fired: list[str] = []
        hits: list[_Hit] = []
        for rule, start, end in risk:
            subject = self._subject(doc, rule, start, end, sent_of)
            guard = self._guarded(rule, start, end, subject, guards, sent_of)
            if guard:
                fired.extend((rule.id, guard))
                continue
            hit = self._level(doc, rule, start, end, subject, markers, sent_of, clause_of)
            fired.append(rule.id)
            fired.extend(hit.notes)
            if hit.level != "none":
                hits.append(hit)
        result = self._aggregate(hits, fired)
        return self._with_context(doc, result, previous, markers, clause_of)

    # ------------------------------------------------------------ tokenising
    def _doc(self, text: str):
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
        return doc

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
                    return self._canonical(shorter)
        if len(word) >= 5:
            # "hiting", "kiling", "stabed": one consonant of a double dropped.
            for i in range(1, len(word) - 2):
                if word[i] not in "aeiouy" and word[i] not in (word[i - 1], word[i + 1]):
                    longer = word[: i + 1] + word[i:]
                    if self._known(longer):
                        return self._canonical(longer)
        if word.endswith("in") and len(word) >= 5 and self._known(word + "g"):
            return self._canonical(word + "g")  # "killin", "cuttin", "thinkin"
        if len(word) < 4:
            return None
        for anchor in self._anchors:
            if len(word) == 4 or len(anchor) == 4:
                if len(anchor) == len(word) and _within_one_edit(word, anchor):
                    return self._canonical(anchor)  # same length: swap or one letter
                continue
            if abs(len(anchor) - len(word)) <= 1 and _within_one_edit(word, anchor):
                return self._canonical(anchor)
        return None

    def _segments(self, doc) -> tuple[list[int], list[int]]:
        """Sentence and clause index per token (cheap, punctuation/keyword based)."""
        sent_of: list[int] = []
        clause_of: list[int] = []
        sent = clause = 0
        for tok in doc:
            low = tok.lower_
            is_space = tok.is_space
            if (
                low in self._sentence_breaks
                or is_space
                or (tok.is_punct and "\n" in tok.whitespace_)
            ):
                sent += 1
                clause += 1
            elif low in self._clause_breaks:
                clause += 1
            sent_of.append(sent)
            clause_of.append(clause)
        return sent_of, clause_of

    def _match(self, doc):
        """Run both matchers; split results into risk hits, guards and markers."""
        risk: list[tuple[Rule, int, int]] = []
        guards: list[tuple[str, int, int]] = []
        markers: dict[str, list[tuple[str, int, int]]] = {}
        seen: set[tuple[str, int, int]] = set()
        words = {t.lemma_ for t in doc} | {t.lower_ for t in doc}
        found = list(self.phrases(doc))
        for anchors, matcher in self._matchers:
            if anchors is None or not anchors.isdisjoint(words):
                found.extend(matcher(doc))
        for match_id, start, end in found:
            key = self._strings[match_id]
            if (key, start, end) in seen:
                continue
            seen.add((key, start, end))
            if key in self._rules:
                risk.append((self._rules[key], start, end))
            elif key in self._guards:
                guards.append((key, start, end))
            else:
                marker = self._markers[key]
                markers.setdefault(marker.kind, []).append((key, start, end))
        return risk, guards, markers

    # -------------------------------------------------------------- layers
    def _subject(self, doc, rule: Rule, start: int, end: int, sent_of) -> str:
        """Whose risk is it: the person typing ("self") or someone they describe."""
        mode = rule.subject
        if mode in ("self", "other"):
            return mode
        lemmas = [t.lemma_ for t in doc[start:end]]
        if mode == "victim":
            # Abuse: the person on the receiving end ("he hits *me*").
            if any(lem in ("me", "i", "us", "myself") for lem in lemmas):
                return "self"
            if any(lem in self._other_words for lem in lemmas):
                return "other"
        elif mode == "auto":
            for lem in lemmas:  # "kill *himself*", "end *my* life"
                if lem in self._self_reflexive:
                    return "self"
                if lem in self._other_reflexive:
                    return "other"
        # Nearest personal subject before the trigger, within the sentence
        # ("auto" rules also look inside their own words: "my *friend* overdosed").
        sent = sent_of[start]
        first = end - 1 if mode == "auto" else start - 1
        for i in range(first, max(-1, start - 15), -1):
            if sent_of[i] != sent:
                break
            low = doc[i].lower_
            if low in self._self_words:
                return "self"
            if low in self._other_words:
                return "other"
        return "self"

    def _guarded(
        self, rule: Rule, start: int, end: int, subject: str, guards, sent_of
    ) -> str | None:
        """Return the id of a guard that suppresses this hit, if any."""
        for gid, gs, ge in guards:
            guard = self._guards[gid]
            if guard.applies_to and not (
                rule.category in guard.applies_to or rule.id in guard.applies_to
            ):
                continue
            if guard.kinds and rule.kind not in guard.kinds:
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

    def _negated(self, doc, start: int, clause_of, end: int | None = None) -> bool:
        """A negation shortly before ``start`` in the same clause, bridged only by
        words like "going to"/"want to"/"ever" ("i'm not going to hurt myself";
        but not "i don't know why i want to die"), or, when ``end`` is given,
        inside the match itself ("my dad has *never* hit me")."""
        if end is not None and any(
            t.lemma_ in self._negations or t.lower_ in self._negations for t in doc[start:end]
        ):
            return True
        clause = clause_of[start]
        for bridged, i in enumerate(range(start - 1, -1, -1)):
            if clause_of[i] != clause or bridged > NEGATION_WINDOW:
                return False
            lem = doc[i].lemma_
            if lem in self._negations or doc[i].lower_ in self._negations:
                return True
            if lem not in self._bridges and doc[i].lower_ not in self._bridges:
                return False
        return False

    def _contrast_clauses(self, doc, clause_of, risk, markers) -> list[tuple[str, int, int]]:
        """Clauses that turn to the present *without* risk: "..., now i run a
        peer group", "today i'm a nurse". A clause counts when it opens (after
        an optional but/and/so) with now/today/nowadays/these days + a person,
        holds no risk match and no craving/worsening word, and the message has
        no "returning" cue ("the urges are back", "again")."""
        if markers.get("returning"):
            return []
        risky = {clause_of[s] for _, s, _ in risk}
        out = []
        prev = None
        for tok in doc:
            c = clause_of[tok.i]
            first = c != prev
            prev = c
            if not first or c in risky:
                continue
            i = tok.i
            # A clause opened by a comma or dash: ", now i love my life".
            while doc[i].is_punct and i + 1 < len(doc) and clause_of[i + 1] == c:
                i += 1
            if doc[i].lower_ in _CONTRAST_LEAD and i + 1 < len(doc):
                i += 1
            low = doc[i].lower_
            if low in ("these", "those") and i + 1 < len(doc) and doc[i + 1].lower_ == "days":
                i += 1
            elif low not in _CONTRAST_NOW:
                continue
            words = [t for t in doc[i + 1 :] if clause_of[t.i] == c]
            if not words or words[0].lower_ not in _CONTRAST_SUBJECT:
                continue
            if any(t.lemma_ in _CONTRAST_STOP or t.lower_ in _CONTRAST_STOP for t in words):
                continue
            out.append(("mod.present_contrast", tok.i, words[-1].i + 1))
        return out

    @staticmethod
    def _in_sentence(found, sent_of, sent: int) -> bool:
        return any(sent_of[s] == sent for _, s, _ in found)

    def _level(self, doc, rule, start, end, subject, markers, sent_of, clause_of) -> _Hit:
        """Apply negation, past/recovery, joke and intensifier layers to one hit."""
        level = rule.level
        notes: list[str] = []
        if rule.min_number is not None and not _has_number_at_least(
            doc[start:end], rule.min_number
        ):
            return _Hit(rule, start, end, "none", subject, ("mod.small_number",))
        sent, clause = sent_of[start], clause_of[start]
        acts = [
            s
            for _, s, _ in markers.get("past_act", ())
            if clause_of[s] == clause and start - PAST_WINDOW <= s <= start
        ]
        past_act = bool(acts)
        # A present-looking word governed by the past verb is not a present
        # cue: "i *used to want* to die *every day*" (habitual past).
        governed_from = min(acts) if acts else end
        present = any(
            (clause_of[s] == clause or clause_of[e - 1] == clause)
            and not (governed_from <= s < end)
            and not (past_act and mid == "mod.present.habitual")
            for mid, s, e in markers.get("present", ())
        )
        returning = bool(markers.get("returning"))
        recovery = bool(markers.get("recovery")) and not returning
        # Safety now: a stated cue, or a later risk-free "now i ..." clause.
        safe_now = not returning and (
            bool(markers.get("safe_now"))
            or any(clause_of[s] > clause for _, s, _ in markers.get("contrast", ()))
        )
        distant = self._in_sentence(markers.get("past_distant", ()), sent_of, sent)
        recent = self._in_sentence(markers.get("past_recent", ()), sent_of, sent)
        inside = None if rule.id in self._self_negating else end
        negated = self._negated(doc, start, clause_of, inside)
        past = (distant or recent or past_act) and not present

        if negated:
            if recovery or rule.category not in SELF_RISK or subject == "other":
                # "i don't cut anymore", "he doesn't hit me", "she'd never hurt herself".
                return _Hit(rule, start, end, "none", subject, ("mod.negated",))
            level = "concern"  # "i'm not going to kill myself": still a gentle check
            notes.append("mod.negated")
        elif past and (safe_now or recovery) and (distant or past_act) and not recent:
            # "years ago i attempted, i'm in a good place now": a recovery story.
            return _Hit(rule, start, end, "none", subject, ("mod.distant_past_safe",))
        elif (
            not returning
            and not recent
            and any(start <= s < end < e for _, s, e in markers.get("safe_now", ()))
        ):
            # The safety cue takes these very words as its subject: "my
            # suicidal *thoughts have faded* since therapy" (the risk is told as
            # resolved). A cue wholly inside the hit ("my life would be
            # better off without me") does not count.
            return _Hit(rule, start, end, "none", subject, ("mod.resolved",))
        elif rule.kind == "topic" and (safe_now or recovery) and not recent and not present:
            # The word only, in a recovery frame: "i'm 4 years free from self
            # harm", "my suicidal years are behind me". Statements still fire.
            return _Hit(rule, start, end, "none", subject, ("mod.topic_recovery",))
        elif past:
            # A recent overdose can still kill hours later, and a recent
            # assault means the person is likely still with the abuser.
            if distant or rule.category not in RECENT_STAYS:
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
        if (
            level == "concern"
            and not negated
            and not past
            and self._intensified(doc, markers, clause_of, start, end)
        ):
            level = "urgent"  # plan, means or timing in the same message
            notes.append("mod.intensifier")
        return _Hit(rule, start, end, level, subject, tuple(notes))

    def _intensified(self, doc, markers, clause_of, start: int, end: int) -> bool:
        """A non-negated plan/means/timing cue outside the hit's own words."""
        return any(
            not (s < end and start < e) and not self._negated(doc, s, clause_of)
            for _, s, e in markers.get("intensifier", ())
        )

    def _aggregate(self, hits: list[_Hit], fired: list[str]) -> ScreenResult:
        rules = list(dict.fromkeys(fired))  # de-dup, keep order
        if not hits:
            return ScreenResult(rules=rules)
        best = min(
            hits,
            key=lambda h: (
                -level_rank(h.level),
                _CATEGORY_ORDER[h.rule.category],
                h.subject != "self",
            ),
        )
        return ScreenResult(
            level=best.level, category=best.rule.category, subject=best.subject, rules=rules
        )

    def _with_context(self, doc, result, previous, markers, clause_of) -> ScreenResult:
        """Means/timing words become risk only right after an escalated turn."""
        if previous is None or not previous.escalate or result.level == "urgent":
            return result
        cues = [
            mid
            for mid, s, _ in markers.get("intensifier", ())
            if not self._negated(doc, s, clause_of)
        ]
        if not cues:
            return result
        category = result.category or previous.category
        subject = result.subject or previous.subject
        rules = list(dict.fromkeys([*result.rules, *cues, "ctx.raise"]))
        return ScreenResult(level="urgent", category=category, subject=subject, rules=rules)


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


def _mentions(patterns, words: frozenset[str]) -> bool:
    """True if any token spec of ``patterns`` lists one of ``words``."""
    for pattern in patterns:
        for spec in pattern:
            for attr in ("LEMMA", "LOWER"):
                values = spec.get(attr, {}).get("IN", ())
                if words.intersection(values):
                    return True
    return False


#: Present-contrast clauses (``_contrast_clauses``): "[but|and|so] now|today i ...".
_CONTRAST_LEAD = frozenset({"but", "and", "so", "yet"})
_CONTRAST_NOW = frozenset({"now", "today", "nowadays", "currently"})
_CONTRAST_SUBJECT = frozenset(
    {"i", "i'm", "im", "i've", "ive", "we", "we're", "my", "life", "it", "it's", "home", "things"}
)
#: A "now ..." clause with one of these is not a recovery turn ("now i want
#: to die", "now i think about it all the time", "now it's worse").
_CONTRAST_STOP = frozenset(
    "want wanna wish think thinking urge urges crave craving need plan planning worse "
    "bad again still back every constantly anymore hate can't cant scared afraid n't not never no "
    "alone hopeless numb empty tired sick".split()
)


#: A number followed by one of these is a dose ("50mg"), not a count of pills.
_DOSE_UNITS = frozenset(
    "mg mgs mcg ug µg μg g gram grams ml mls milligram milligrams microgram micrograms".split()
)


def _has_number_at_least(span, minimum: int) -> bool:
    doc = span.doc
    for tok in span:
        following = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
        if tok.like_num and following not in _DOSE_UNITS:
            value = _WORD_NUMBERS.get(tok.lower_)
            if value is None:
                try:
                    value = int(float(tok.lower_.replace(",", "")))
                except ValueError:
                    value = minimum  # "dozens": treat as large
            if value >= minimum:
                return True
    return False


_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12})


def _within_one_edit(a: str, b: str) -> bool:
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


_LOCK = threading.Lock()
_SCREEN: RiskScreen | None = None


def get_screen() -> RiskScreen:
    """The process-wide screen, built on first use (thread-safe)."""
    global _SCREEN
    if _SCREEN is None:
        with _LOCK:
            if _SCREEN is None:
                _SCREEN = RiskScreen()
    return _SCREEN
