"""The risk screen: normalise -> parse -> match -> rules + concepts -> classifier -> combine.

Each step is one small module:

1. :mod:`~bot.safety.normalize` — HTML, smart quotes, leetspeak, stretched
   letters; long messages cut into overlapping windows (nothing is skipped).
2. :mod:`~bot.safety.parse` — spaCy tokens, canonical lemmas, typo repair,
   sentences and clauses.
3. :mod:`~bot.safety.match` — the lexicon's rules, guards, markers and
   concepts, found with spaCy matchers.
4. :mod:`~bot.safety.rules` and :mod:`~bot.safety.concepts` — the explicit,
   explainable layers (with :mod:`~bot.safety.grammar`: subject, negation, tense).
5. :mod:`~bot.safety.classifier` — a trained linear model over word and
   character n-grams plus the concepts and markers (a probability).
6. :mod:`~bot.safety.combine` — one level (none, check, concern, urgent),
   category and subject, with every id that fired and the score.

Building the screen takes ~1 s (spaCy, the matchers, the model), so it
happens lazily, once per process, behind :func:`get_screen`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from bot.safety.lexicon import Lexicon, load_lexicon
from bot.safety.result import NONE_RESULT, ScreenResult

SHIPPED = "shipped"  # RiskScreen(classifier=SHIPPED): the model in bot/safety/model/
LOCAL_CONTEXT_CHARS = 400  # in a message longer than this, a rule hit's sentence is also classified alone


@dataclass
class Analysis:
    """What the explicit layers found in one window of a message."""

    parsed: Any
    matches: Any
    rules: Any
    concepts: Any


class RiskScreen:
    """Screens one message (optionally with the previous turn's result) for risk."""

    def __init__(self, lexicon: Lexicon | None = None, classifier: Any = SHIPPED) -> None:
        from bot.safety.classifier import load_classifier
        from bot.safety.combine import Combiner
        from bot.safety.concepts import ConceptLayer
        from bot.safety.grammar import Grammar
        from bot.safety.match import LexiconMatcher
        from bot.safety.normalize import Normalizer
        from bot.safety.parse import Parser
        from bot.safety.rules import RuleLayer

        self.lexicon = lex = lexicon or load_lexicon()
        self.normalize = Normalizer(lex.words["two_as_to_verbs"])
        self.parser = Parser(lex)
        self.matcher = LexiconMatcher(lex, self.parser)
        self.grammar = Grammar(lex)
        self.rules = RuleLayer(lex, self.grammar)
        self.concepts = ConceptLayer(lex, self.grammar, self.rules)
        # None: rules and concepts only (how the classifier's features are made).
        self.classifier = load_classifier() if classifier == SHIPPED else classifier
        thresholds = self.classifier.thresholds if self.classifier else None
        self.combiner = Combiner(thresholds).bind(self.grammar, self.rules)
        self._window = int(lex.settings["window_chars"])
        self._overlap = int(lex.settings["window_overlap_chars"])

    @property
    def version(self) -> str:
        """Lexicon and model versions (recorded with evaluations and in logs)."""
        model = self.classifier.version if self.classifier else "none"
        return f"{self.lexicon.version} model@{model}"

    def screen(self, text: str, previous: ScreenResult | None = None) -> ScreenResult:
        """Screen ``text``; ``previous`` is the prior turn's result, if any.

        Never raises for any input: non-strings count as empty. A long text is
        screened in overlapping windows and the strongest window wins.
        """
        from bot.safety.normalize import windows

        if previous is not None and not isinstance(previous, ScreenResult):
            previous = ScreenResult.from_dict(previous)
        clean = self.normalize(text)
        if not clean:
            return NONE_RESULT
        long = len(clean) > LOCAL_CONTEXT_CHARS
        results = [
            self._screen_window(piece, previous, long) for piece in windows(clean, self._window, self._overlap)
        ]
        return self.combiner.strongest(results)

    def analyse(self, clean: str) -> Analysis:
        """Parse, match, and run the rule and concept layers on normalised text."""
        parsed = self.parser.parse(clean)
        matches = self.matcher(parsed)
        contrast = self.grammar.contrast_clauses(parsed, matches, [s for _, s, _ in matches.risk])
        if contrast:
            matches.markers["contrast"] = contrast
        return Analysis(parsed, matches, self.rules(parsed, matches), self.concepts(parsed, matches))

    def _screen_window(self, clean: str, previous: ScreenResult | None, long: bool = False) -> ScreenResult:
        a = self.analyse(clean)
        probabilities = self._classify(a)
        if probabilities is not None and long:
            local = self._around_present_hit(a)
            if local is not None:
                around = self._classify(self.analyse(local))
                if around.risk > probabilities.risk:
                    # In a long text the classifier also reads the sentence that
                    # fired on its own, so pages of other words cannot drown one
                    # line. (Doing this for every clause of short messages was
                    # measured and dropped: it heard past stories as present.)
                    probabilities = around
        return self.combiner(a.parsed, a.matches, a.rules, a.concepts, probabilities, previous)

    def _classify(self, a: Analysis):
        if not self.classifier:
            return None
        return self.classifier.predict(a.parsed, a.matches, a.rules, a.concepts, self.grammar.negations)

    @staticmethod
    def _around_present_hit(a: Analysis) -> str | None:
        """The sentence of the strongest present-tense rule hit."""
        from bot.safety.rules import strongest

        present = [h for h in a.rules.hits if not h.past]
        if not present:
            return None
        hit = strongest(present)
        sent_of = a.parsed.sent_of
        sent = sent_of[hit.start]
        keep = [i for i, s in enumerate(sent_of) if s == sent]
        return a.parsed.doc[keep[0] : keep[-1] + 1].text


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
