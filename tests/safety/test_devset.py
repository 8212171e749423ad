"""The dev set meets the targets (and the naive baseline does not)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.safety.baseline import naive_screen
from bot.safety.evaluate import DEV_SET, load_examples, score
from bot.safety.result import CATEGORIES


def test_dev_set_is_big_varied_and_balanced():
    examples = load_examples(DEV_SET)
    assert len(examples) >= 400
    cats = Counter(e.category for e in examples)
    assert all(cats[c] >= 20 for c in CATEGORIES)
    assert 0.35 <= cats[None] / len(examples) <= 0.5  # ~40 % benign near-misses
    assert len({e.tag for e in examples}) >= 15


def test_dev_set_metrics_meet_targets(screen):
    # Regression guard (the rules were tuned on this set; it is not evidence).
    # "recall" counts a check question; explicit statements must be escalated.
    m = score(load_examples(DEV_SET), screen.screen)
    assert m.recall >= 0.95, m.misses
    assert m.explicit_recall == 1.0, m.misses
    assert m.fpr <= 0.05, m.misses
    assert m.check_fpr <= 0.10, m.misses
    assert all(m.recall_by_category[c] >= 0.9 for c in CATEGORIES), m.recall_by_category
    assert m.level_accuracy >= 0.85


def test_rules_beat_the_naive_baseline(screen):
    examples = load_examples(DEV_SET)
    rules, naive = score(examples, screen.screen), score(examples, naive_screen)
    assert rules.recall > naive.recall and rules.fpr < naive.fpr


# Fresh-data sets, each written before the lexicon was read and then used for
# one generalisation pass (docs/safety-screen.md: "Held-out pass", "Second
# fresh-data pass", "Third pass: recovery statements"). The fixes were made
# against them, so they guard against regressions; the independent held-out
# set is the judge. probe3 (hard recovery statements) has a looser bar: see the
# doc's "What remains".
HOLDOUT_SET = DEV_SET.with_name("holdout.jsonl")
PROBE2_SET = DEV_SET.with_name("probe2.jsonl")
PROBE3_SET = DEV_SET.with_name("probe3.jsonl")
# probe4: fourth blind pass (docs/safety-screen.md, "Fourth blind pass");
# measured before the fixes at recall 0.867 / FPR 0.072, after at 1.000 / 0.000.
PROBE4_SET = DEV_SET.with_name("probe4.jsonl")
# blind1: the first blind set of issue 6 (docs/safety-screen.md: its "before"
# with the rules alone was recall 0.465, FPR 0.147); the thresholds were never
# chosen on it, but the design was looked at against it, so it is a guard too.
BLIND1_SET = DEV_SET.with_name("blind1.jsonl")
# blind2: the final blind set of issue 6, run once on 2026-12-02 with the final
# model (the headline in docs/safety-screen.md), then added here as a guard.
BLIND2_SET = DEV_SET.with_name("blind2.jsonl")
# blind3: the final blind set (run once with the shipped model, 2026-12-02),
# the headline of docs/safety-screen.md; a guard from now on.
BLIND3_SET = DEV_SET.with_name("blind3.jsonl")
FRESH_SETS = [
    # (file, at least n messages, at least n benign, recall >=, FPR <=)
    (HOLDOUT_SET, 250, 100, 0.97, 0.05),
    (PROBE2_SET, 250, 100, 0.96, 0.05),
    (PROBE3_SET, 200, 140, 0.77, 0.05),
    (PROBE4_SET, 200, 80, 0.97, 0.05),
    (BLIND1_SET, 350, 170, 0.95, 0.03),
    (BLIND2_SET, 400, 190, 0.93, 0.03),
    (BLIND3_SET, 440, 220, 0.94, 0.02),
]
#: Explicit statements escalated, per set (1.0 unless measured lower; see the doc).
EXPLICIT_FLOOR = {BLIND1_SET: 0.97, BLIND2_SET: 0.88, BLIND3_SET: 0.86, PROBE4_SET: 0.94}


@pytest.mark.parametrize(("path", "size", "benign", "_recall", "_fpr"), FRESH_SETS)
def test_fresh_set_is_big_and_new(path, size, benign, _recall, _fpr):
    examples = load_examples(path)
    assert len(examples) >= size
    assert Counter(e.category for e in examples)[None] >= benign
    earlier = [DEV_SET] + [p for p, *_ in FRESH_SETS[: [p for p, *_ in FRESH_SETS].index(path)]]
    seen = {e.text.lower() for p in earlier for e in load_examples(p)}
    repeated = [e.text for e in examples if e.text.lower() in seen]
    # The blind sets were written blind by helpers and are kept exactly as run
    # once; a few short everyday lines ("hi") happen to match earlier sets.
    assert len(repeated) <= (4 if path in (BLIND1_SET, BLIND2_SET, BLIND3_SET) else 0), repeated


@pytest.mark.parametrize(("path", "_size", "_benign", "recall", "fpr"), FRESH_SETS)
def test_fresh_set_metrics_meet_targets(screen, path, _size, _benign, recall, fpr):
    m = score(load_examples(path), screen.screen)
    assert m.recall >= recall, m.misses
    assert m.explicit_recall >= EXPLICIT_FLOOR.get(path, 1.0), m.misses
    assert m.fpr <= fpr, m.misses
    assert m.check_fpr <= 0.10, m.misses
