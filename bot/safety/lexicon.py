"""Load the versioned YAML lexicon and compile its compact pattern syntax.

The lexicon is data, not code, so a clinical lead can read and extend it:
every rule has an ``id``, a ``why`` and a list of ``patterns`` (and/or literal
``phrases``). See ``docs/safety-screen.md`` for the full format. This module
has no spaCy import: it only turns pattern strings into spaCy token-pattern
dicts, which :mod:`bot.safety.screen` hands to ``Matcher``.

Pattern syntax (tokens separated by spaces; matched on the *canonical lemma*,
i.e. the lowercased lookup lemma after ``lemma_overrides`` and typo repair):

``kill``          lemma is ``kill`` (so kills/killed/killing match too)
``kill|hurt``     lemma is one of these
``@self``         lemma is in the named set from ``common.yml``
``=dying|=died`` exact lowercase surface forms (when lemmas would over-match;
                  a leading ``=`` makes the whole token surface-matched)
``!time|it``      any token whose lemma is NOT one of these
``NUM``           a number-like token ("20", "twenty")
``*`` / ``*N``    0..3 / 0..N arbitrary tokens (intervening words)
suffix ``?``      the token is optional (``all?``); ``+`` one or more
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety.result import CATEGORIES, LEVELS

LEXICON_DIR = Path(__file__).with_name("lexicon")

RULE_KINDS = ("statement", "topic")
SUBJECT_MODES = ("auto", "actor", "victim", "self", "other")
_DEFAULT_SUBJECT = {"abuse_or_unsafe_home": "victim", "harm_to_others": "actor"}
GUARD_SCOPES = ("span", "sentence", "message")
MARKER_KINDS = (
    "past_distant",  # "years ago", "when i was a teen"
    "past_recent",  # "last week", "yesterday"
    "past_act",  # "tried", "attempted", "used to"
    "present",  # "again", "lately", "still", "right now"
    "safe_now",  # "i'm in a good place now"
    "recovery",  # "clean for 2 years", "not anymore"
    "returning",  # "the urges are back", "relapsed", "again": no recovery rescue
    "joke",  # "lol", "jk", "😂"
    "intensifier",  # plan / means / timing: "tonight", "i have the pills"
)


#: Concept families (``concepts.yml``): what kind of thing a concept names.
CONCEPT_FAMILIES = (
    "means",  # pills in quantity, ligatures, blades, firearms, exhaust
    "place",  # heights, bridges, roofs, rail, water
    "preparation",  # notes, giving things away, goodbyes, affairs in order
    "timing",  # tonight, rn, soon, a countdown
    "state",  # burden, entrapment, unbearable pain, hopelessness
    "intent",  # a decision or a wish to act ("i'm going to", "decided")
    "injury",  # bleeding, burns, wounds on oneself
    "intake",  # taking, swallowing, mixing, using
    "body_danger",  # not breathing, unresponsive, chest pain
    "perpetrator",  # someone who hurts, controls or threatens
    "violence",  # hitting, choking, threats, weapons used on a person
    "fear",  # afraid to go home, hiding, locked in
    "child",  # a child at risk
    "target",  # a person the speaker wants to hurt
)

#: Numbers every lexicon must set in ``common.yml`` ``settings:``.
REQUIRED_SETTINGS = (
    "negation_window",
    "past_window",
    "self_risk_categories",
    "recent_stays_categories",
    "window_chars",
    "window_overlap_chars",
)


class LexiconError(ValueError):
    """The YAML lexicon is malformed (raised at build time, never per message)."""


@dataclass(frozen=True)
class Rule:
    """A risk rule: a category, a base level and the patterns that trigger it."""

    id: str
    category: str
    level: str
    why: str
    kind: str = "statement"
    subject: str = "auto"
    min_number: int | None = None
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guard:
    """Suppresses risk matches it overlaps (``span``) or shares a sentence with.

    ``applies_to`` (category names and/or rule ids), ``kinds`` and
    ``subjects`` narrow what it may suppress; empty means "any".
    """

    id: str
    why: str
    scope: str = "span"
    applies_to: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Marker:
    """A modifier cue (past, present, joke, intensifier...) used by the layers."""

    id: str
    kind: str
    why: str
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Concept:
    """A risk *concept* (a means, a preparation, a time, a state ...).

    Concepts never raise a flag by themselves: :mod:`bot.safety.concepts`
    combines them (with subject, tense, negation and guards) into a level, and
    they are features of the classifier. ``family`` is one of
    :data:`CONCEPT_FAMILIES`; ``categories`` are the risk categories it points to.
    """

    id: str
    family: str
    categories: tuple[str, ...]
    why: str
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Combination:
    """Concept families that, together and live (self, present, not negated),
    make a level: e.g. means + timing -> urgent."""

    id: str
    families: frozenset[str]
    level: str
    why: str
    category: str | None = None  # None: the category the concepts point to


@dataclass
class Lexicon:
    """Everything the screen needs, loaded from ``bot/safety/lexicon/*.yml``."""

    versions: dict[str, str]
    sets: dict[str, frozenset[str]]
    words: dict[str, frozenset[str]]
    lemma_overrides: dict[str, str]
    fuzzy_anchors: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)

    @property
    def version(self) -> str:
        """One string naming every file's version, e.g. ``common@3 suicide@4``."""
        return " ".join(f"{name}@{v}" for name, v in sorted(self.versions.items()))


def compile_pattern(text: str, sets: dict[str, frozenset[str]]) -> tuple[dict[str, Any], ...]:
    """Compile one pattern string (see module docstring) to a spaCy token pattern."""
    out: list[dict[str, Any]] = []
    for raw in text.split():
        if raw == "*" or (raw.startswith("*") and raw[1:].isdigit()):
            upper = int(raw[1:]) if len(raw) > 1 else 3
            out.append({"OP": f"{{0,{upper}}}"})
            continue
        op = None
        token = raw
        if len(token) > 1 and token[-1] in "?+":
            op, token = token[-1], token[:-1]
        spec: dict[str, Any]
        if token == "NUM":
            spec = {"LIKE_NUM": True}
        elif token.startswith("="):  # surface form: every alternative is LOWER
            spec = {"LOWER": {"IN": sorted(_expand(token, sets))}}
        elif token.startswith("!"):
            spec = {"LEMMA": {"NOT_IN": sorted(_expand(token[1:], sets))}}
        else:
            spec = {"LEMMA": {"IN": sorted(_expand(token, sets))}}
        if op:
            spec["OP"] = op
        out.append(spec)
    # At least one required, non-wildcard token, or the pattern matches anything.
    if not [t for t in out if t.get("OP") in (None, "+") and set(t) - {"OP"}]:
        raise LexiconError(f"pattern {text!r} can match nothing or anything")
    return tuple(out)


def _expand(alternatives: str, sets: dict[str, frozenset[str]]) -> set[str]:
    words: set[str] = set()
    for alt in alternatives.split("|"):
        alt = alt.lstrip("=")
        if alt.startswith("@"):
            if alt[1:] not in sets:
                raise LexiconError(f"unknown set {alt!r}")
            words |= sets[alt[1:]]
        elif alt:
            words.add(alt.lower())
    if not words:
        raise LexiconError(f"empty alternatives in {alternatives!r}")
    return words


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict) or "version" not in data:
        raise LexiconError(f"{path.name}: needs a top-level 'version:'")
    return data


def _num_variants(text: str) -> list[str]:
    """Expand ``NUM`` inside an alternation ("NUM|a|two") into two patterns,
    one with the number and one with the words: a spaCy token spec cannot
    OR ``LIKE_NUM`` with a word list, and the literal word "num" never matches."""
    tokens = text.split()
    for i, raw in enumerate(tokens):
        op = raw[-1] if len(raw) > 1 and raw[-1] in "?+" else ""
        body = raw[:-1] if op else raw
        alts = body.split("|")
        if len(alts) > 1 and "NUM" in alts:
            words = "|".join(a for a in alts if a != "NUM") + op
            head, tail = " ".join(tokens[:i]), " ".join(tokens[i + 1 :])
            return [
                v
                for middle in ("NUM" + op, words)
                for v in _num_variants(" ".join(x for x in (head, middle, tail) if x))
            ]
    return [text]


def _patterns(entry: dict[str, Any], sets, where: str):
    pats = tuple(
        compile_pattern(v, sets) for p in entry.get("patterns") or () for v in _num_variants(p)
    )
    phrases = tuple(str(p).lower() for p in entry.get("phrases") or ())
    if not pats and not phrases:
        raise LexiconError(f"{where}: needs 'patterns' or 'phrases'")
    if not str(entry.get("why") or "").strip():
        raise LexiconError(f"{where}: needs a 'why' a clinical reader can follow")
    return pats, phrases


@lru_cache(maxsize=4)
def load_lexicon(directory: str | None = None) -> Lexicon:
    """Read and validate every YAML file in ``directory`` (default: bundled lexicon)."""
    root = Path(directory) if directory else LEXICON_DIR
    common = _read(root / "common.yml")
    for section in ("sets", "words"):
        for name, values in (common.get(section) or {}).items():
            if any(isinstance(v, bool) for v in values):
                # YAML 1.1 reads bare no/off/on/yes as booleans.
                raise LexiconError(f"common.yml {section}.{name}: quote yes/no/on/off")
    sets = {k: frozenset(str(w).lower() for w in v) for k, v in (common.get("sets") or {}).items()}
    words = {
        k: frozenset(str(w).lower() for w in v) for k, v in (common.get("words") or {}).items()
    }
    settings = dict(common.get("settings") or {})
    missing = sorted(set(REQUIRED_SETTINGS) - set(settings))
    if missing:
        raise LexiconError(f"common.yml settings: missing {missing}")
    lex = Lexicon(
        versions={"common": str(common["version"])},
        sets=sets,
        words=words,
        lemma_overrides={
            str(k).lower(): str(v).lower() for k, v in (common.get("lemma_overrides") or {}).items()
        },
        fuzzy_anchors=tuple(str(w).lower() for w in common.get("fuzzy_anchors") or ()),
        settings=settings,
        numbers={str(k).lower(): int(v) for k, v in (common.get("numbers") or {}).items()},
    )
    seen: set[str] = set()

    def _check_id(rid: str, where: str) -> None:
        if not rid or rid in seen:
            raise LexiconError(f"{where}: missing or duplicate id {rid!r}")
        seen.add(rid)

    for category in CATEGORIES:
        data = _read(root / f"{category}.yml")
        lex.versions[category] = str(data["version"])
        for entry in data.get("rules") or ():
            rid = str(entry.get("id", ""))
            where = f"{category}.yml:{rid}"
            _check_id(rid, where)
            level = entry.get("level")
            kind = entry.get("kind", "statement")
            subject = entry.get("subject", _DEFAULT_SUBJECT.get(category, "auto"))
            if level not in LEVELS[1:] or kind not in RULE_KINDS or subject not in SUBJECT_MODES:
                raise LexiconError(f"{where}: bad level/kind/subject")
            pats, phrases = _patterns(entry, sets, where)
            lex.rules.append(
                Rule(
                    rid,
                    category,
                    level,
                    str(entry["why"]).strip(),
                    kind,
                    subject,
                    entry.get("min_number"),
                    pats,
                    phrases,
                )
            )

    def _entries(name: str, key: str):
        """Each entry of ``<name>.yml``'s ``key`` list, with its checked id."""
        data = _read(root / f"{name}.yml")
        lex.versions[name] = str(data["version"])
        for entry in data.get(key) or ():
            rid = str(entry.get("id", ""))
            where = f"{name}.yml:{rid}"
            _check_id(rid, where)
            yield rid, where, entry

    for rid, where, entry in _entries("guards", "guards"):
        scope = entry.get("scope", "span")
        targets = frozenset(entry.get("applies_to") or ())
        known = set(CATEGORIES) | {r.id for r in lex.rules}
        if scope not in GUARD_SCOPES or not targets <= known:
            raise LexiconError(
                f"{where}: bad scope or unknown applies_to {sorted(targets - known)}"
            )
        pats, phrases = _patterns(entry, sets, where)
        lex.guards.append(
            Guard(
                rid,
                str(entry["why"]).strip(),
                scope,
                targets,
                frozenset(entry.get("kinds") or ()),
                frozenset(entry.get("subjects") or ()),
                pats,
                phrases,
            )
        )

    for rid, where, entry in _entries("modifiers", "markers"):
        if entry.get("kind") not in MARKER_KINDS:
            raise LexiconError(f"{where}: kind must be one of {MARKER_KINDS}")
        pats, phrases = _patterns(entry, sets, where)
        lex.markers.append(Marker(rid, entry["kind"], str(entry["why"]).strip(), pats, phrases))

    for rid, where, entry in _entries("concepts", "concepts"):
        family = entry.get("family")
        cats = tuple(entry.get("categories") or ())
        if family not in CONCEPT_FAMILIES or not cats or not set(cats) <= set(CATEGORIES):
            raise LexiconError(f"{where}: family must be one of {CONCEPT_FAMILIES}, categories known")
        pats, phrases = _patterns(entry, sets, where)
        lex.concepts.append(Concept(rid, family, cats, str(entry["why"]).strip(), pats, phrases))
    for rid, where, entry in _entries("concepts", "combinations"):
        families = frozenset(entry.get("families") or ())
        category = entry.get("category")
        if (
            not families <= set(CONCEPT_FAMILIES)
            or not families
            or entry.get("level") not in LEVELS[1:]
            or category not in (None, *CATEGORIES)
            or not str(entry.get("why") or "").strip()
        ):
            raise LexiconError(f"{where}: bad families/level/category, or no 'why'")
        lex.combinations.append(
            Combination(rid, families, entry["level"], str(entry["why"]).strip(), category)
        )
    return lex
