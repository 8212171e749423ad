"""What the classifier sees of a message: named features, shared by training and use.

* ``w:`` word unigrams and ``b:`` bigrams of canonical lemmas (so "killed",
  "kiling" and "kill" meet);
* ``c:`` character 3- to 5-grams inside each word, padded with spaces (typos,
  slang and emoji still share pieces);
* ``k:`` concepts: the family, the family with live/dead and subject, the id;
* ``m:`` modifier markers present (past, recent, recovery, safe now, returning,
  present, joke, intensifier, contrast), so tense and recovery framing can
  outweigh topic words;
* ``r:`` every rule, guard and modifier id the rule layer reported;
* ``p:`` / ``n:`` lemmas in a clause told as past (a past cue and no present
  one) or after a negation in their clause, so "i *took* the pills *years
  ago*" and "i have *not* taken anything" differ from "i took the pills".

:data:`FEATURE_VERSION` is part of the model's data hash: change it whenever
this function changes, and retrain (``python -m bot safety train``).
"""

from __future__ import annotations

from collections import Counter

from bot.safety.concepts import ConceptVerdict
from bot.safety.match import Matches
from bot.safety.parse import Parsed
from bot.safety.rules import RuleVerdict

FEATURE_VERSION = "2"
PAST_KINDS = ("past_distant", "past_recent", "past_act")
CHAR_NGRAMS = (3, 5)


def extract(
    parsed: Parsed,
    matches: Matches,
    rules: RuleVerdict,
    concepts: ConceptVerdict,
    negations: frozenset[str] = frozenset(),
) -> Counter:
    """Feature name -> count for one (window of a) message."""
    feats: Counter = Counter()
    lemmas = [t.lemma_ for t in parsed.doc if not t.is_space]
    for i, lemma in enumerate(lemmas):
        feats["w:" + lemma] += 1
        if i:
            feats["b:" + lemmas[i - 1] + " " + lemma] += 1
    clause_of = parsed.clause_of
    markers = matches.markers
    past = {clause_of[s] for kind in PAST_KINDS for _, s, _ in markers.get(kind, ())}
    past -= {clause_of[s] for _, s, _ in markers.get("present", ())}
    negated_from: dict[int, int] = {}
    for tok in parsed.doc:
        if tok.lower_ in negations or tok.lemma_ in negations:
            negated_from.setdefault(clause_of[tok.i], tok.i)
    for tok in parsed.doc:
        if tok.is_space or tok.is_punct:
            continue
        clause = clause_of[tok.i]
        if clause in past:
            feats["p:" + tok.lemma_] += 1
        if negated_from.get(clause, tok.i) < tok.i:
            feats["n:" + tok.lemma_] += 1
    low, high = CHAR_NGRAMS
    for tok in parsed.doc:
        if tok.is_space or tok.is_punct:
            continue
        padded = f" {tok.lower_} "
        for n in range(low, high + 1):
            for j in range(len(padded) - n + 1):
                feats["c:" + padded[j : j + n]] += 1
    for hit in concepts.hits:
        state = "live" if hit.live else "dead"
        feats["k:" + hit.concept.family] += 1
        feats[f"k:{hit.concept.family}:{state}:{hit.subject}"] += 1
        feats["k:" + hit.concept.id] += 1
    for combo in concepts.combinations:
        feats["k:" + combo] += 1
    for kind, found in matches.markers.items():
        feats["m:" + kind] += len(found)
    for rid in rules.fired:
        feats["r:" + rid] += 1
    if rules.level != "none":
        feats["r:level:" + rules.level] += 1
    return feats
