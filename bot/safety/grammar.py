"""Who, whether, and when: the small grammar shared by rules and concepts.

Given a parsed text and the markers the lexicon found, these functions answer
for one matched span: whose risk it is (the person typing or someone they
describe), whether a negation governs it, and whether it is told as past,
present, or resolved. Every word list comes from the versioned lexicon
(``common.yml`` ``words:`` and ``settings:``), so a change bumps its version.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.lexicon import Lexicon
from bot.safety.match import Matches, Span
from bot.safety.parse import Parsed


@dataclass(frozen=True)
class Tense:
    """How the matched span sits in time, from the markers around it."""

    past: bool  # told as past (distant, recent or a past verb), with no present cue
    distant: bool  # "years ago" in the same sentence
    recent: bool  # "last night" in the same sentence
    past_act: bool  # "tried", "used to" just before, same clause
    present: bool  # a present cue in the same clause, or inside the span itself
    returning: bool  # "again", "the urges are back" anywhere: no recovery rescue
    recovery: bool  # "clean for 2 years", "not anymore" (and not returning)
    safe_now: bool  # a stated safety cue or a later risk-free "now i ..." clause


class Grammar:
    """Subject, negation, tense and present-contrast, configured by the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        w, s = lexicon.words, lexicon.settings
        self.self_words = w["self_subject"]
        self.other_words = w["other_subject"]
        self.self_reflexive = w["self_reflexive"]
        self.other_reflexive = w["other_reflexive"]
        self.negations = w["negation"]
        self.bridges = w["negation_bridge"]
        self.contrast_lead = w["contrast_lead"]
        self.contrast_now = w["contrast_now"]
        self.contrast_subject = w["contrast_subject"]
        self.contrast_stop = w["contrast_stop"]
        self.negation_window = int(s["negation_window"])
        self.past_window = int(s["past_window"])

    # ---------------------------------------------------------------- subject
    def subject(self, parsed: Parsed, mode: str, start: int, end: int) -> str:
        """Whose risk it is: ``self`` (the person typing) or ``other``.

        ``mode`` is the rule's subject mode: ``self``/``other`` fixed,
        ``victim`` (abuse: who is on the receiving end, "he hits *me*"),
        ``actor`` (who does it) or ``auto`` (reflexives inside the span first).
        """
        if mode in ("self", "other"):
            return mode
        doc, sent_of = parsed.doc, parsed.sent_of
        lemmas = [t.lemma_ for t in doc[start:end]]
        if mode == "victim":
            if any(lem in ("me", "i", "us", "myself") for lem in lemmas):
                return "self"
            if any(lem in self.other_words for lem in lemmas):
                return "other"
        elif mode == "auto":
            for lem in lemmas:  # "kill *himself*", "end *my* life"
                if lem in self.self_reflexive:
                    return "self"
                if lem in self.other_reflexive:
                    return "other"
        # Nearest personal subject before the trigger, within the sentence
        # ("auto" spans also look inside their own words: "my *friend* overdosed").
        sent = sent_of[start]
        first = end - 1 if mode == "auto" else start - 1
        for i in range(first, max(-1, start - 15), -1):
            if sent_of[i] != sent:
                break
            low = doc[i].lower_
            if low in self.self_words:
                return "self"
            if low in self.other_words:
                return "other"
        return "self"

    # --------------------------------------------------------------- negation
    def is_negation(self, tok) -> bool:
        return tok.lemma_ in self.negations or tok.lower_ in self.negations

    def negated(self, parsed: Parsed, start: int, end: int | None = None) -> bool:
        """A negation shortly before ``start`` in the same clause, bridged only by
        words like "going to"/"want to"/"ever" ("i'm not going to hurt myself";
        but not "i don't know why i want to die"), or, when ``end`` is given,
        inside the match itself ("my dad has *never* hit me")."""
        doc, clause_of = parsed.doc, parsed.clause_of
        if end is not None and any(self.is_negation(t) for t in doc[start:end]):
            return True
        clause = clause_of[start]
        for bridged, i in enumerate(range(start - 1, -1, -1)):
            if clause_of[i] != clause or bridged > self.negation_window:
                return False
            if self.is_negation(doc[i]):
                return True
            if doc[i].lemma_ not in self.bridges and doc[i].lower_ not in self.bridges:
                return False
        return False

    # ------------------------------------------------------------------ tense
    def tense(
        self, parsed: Parsed, markers: dict[str, list[Span]], start: int, end: int, *, within: bool = False
    ) -> Tense:
        """Past, present, recovery and safety cues around the span ``start:end``.

        A past verb counts shortly before the span; with ``within`` also inside
        it (a concept span may start at its subject: "my ex *used to* hit me").
        """
        sent_of, clause_of = parsed.sent_of, parsed.clause_of
        sent, clause = sent_of[start], clause_of[start]
        acts = [
            s
            for _, s, _ in markers.get("past_act", ())
            if clause_of[s] == clause and start - self.past_window <= s <= (end - 1 if within else start)
        ]
        past_act = bool(acts)
        # A present-looking word governed by the past verb is not a present
        # cue: "i *used to want* to die *every day*" (habitual past).
        governed_from = min(acts) if acts else end
        present = any(
            (clause_of[s] == clause or clause_of[e - 1] == clause or start <= s < end)
            and not (governed_from <= s < end)
            and not (past_act and mid == "mod.present.habitual")
            for mid, s, e in markers.get("present", ())
        )
        returning = bool(markers.get("returning"))
        safe_now = not returning and (
            bool(markers.get("safe_now"))
            or any(clause_of[s] > clause for _, s, _ in markers.get("contrast", ()))
        )
        distant = any(sent_of[s] == sent for _, s, _ in markers.get("past_distant", ()))
        recent = any(sent_of[s] == sent for _, s, _ in markers.get("past_recent", ()))
        return Tense(
            past=(distant or recent or past_act) and not present,
            distant=distant,
            recent=recent,
            past_act=past_act,
            present=present,
            returning=returning,
            recovery=bool(markers.get("recovery")) and not returning,
            safe_now=safe_now,
        )

    # -------------------------------------------------------- present contrast
    def contrast_clauses(self, parsed: Parsed, matches: Matches, risky_starts: list[int]) -> list[Span]:
        """Clauses that turn to the present *without* risk: "..., now i run a
        peer group", "today i'm a nurse". A clause counts when it opens (after
        an optional but/and/so) with now/today/nowadays/these days + a person,
        holds no risk match and no craving/worsening word, and the message has
        no "returning" cue ("the urges are back", "again")."""
        if matches.markers.get("returning"):
            return []
        doc, clause_of = parsed.doc, parsed.clause_of
        risky = {clause_of[s] for s in risky_starts}
        out: list[Span] = []
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
            if doc[i].lower_ in self.contrast_lead and i + 1 < len(doc):
                i += 1
            low = doc[i].lower_
            if low in ("these", "those") and i + 1 < len(doc) and doc[i + 1].lower_ == "days":
                i += 1
            elif low not in self.contrast_now:
                continue
            words = [t for t in doc[i + 1 :] if clause_of[t.i] == c]
            if not words or words[0].lower_ not in self.contrast_subject:
                continue
            if any(t.lemma_ in self.contrast_stop or t.lower_ in self.contrast_stop for t in words):
                continue
            out.append(("mod.present_contrast", tok.i, words[-1].i + 1))
        return out
