"""The dev set meets the targets (and the naive baseline does not)."""

from __future__ import annotations

from collections import Counter

from bot.safety.baseline import naive_screen
from bot.safety.evaluate import DEV_SET, latency_ms, load_examples, score
from bot.safety.result import CATEGORIES


def test_dev_set_is_big_varied_and_balanced():
    examples = load_examples(DEV_SET)
    assert len(examples) >= 400
    cats = Counter(e.category for e in examples)
    assert all(cats[c] >= 20 for c in CATEGORIES)
    assert 0.35 <= cats[None] / len(examples) <= 0.5  # ~40 % benign near-misses
    assert len({e.tag for e in examples}) >= 15


def test_dev_set_metrics_meet_targets(screen):
    m = score(load_examples(DEV_SET), screen.screen)
    assert m.recall >= 0.97, m.misses
    assert m.explicit_recall == 1.0, m.misses
    assert m.fpr <= 0.05, m.misses
    assert all(m.recall_by_category[c] >= 0.9 for c in CATEGORIES), m.recall_by_category
    assert m.level_accuracy >= 0.9


def test_rules_beat_the_naive_baseline(screen):
    examples = load_examples(DEV_SET)
    rules, naive = score(examples, screen.screen), score(examples, naive_screen)
    assert rules.recall > naive.recall and rules.fpr < naive.fpr


def test_rule_layer_is_fast(screen):
    texts = [e.text for e in load_examples(DEV_SET)]
    median, _ = latency_ms(texts, screen.screen, rounds=1)
    assert median < 2.0  # target is <= 1 ms; slack for a loaded CI box


# Written before the lexicon was read, then used for one generalisation pass
# (docs/safety-screen.md, "Held-out pass"). Not a substitute for the
# independent held-out set: it guards against regressions on that pass.
HOLDOUT_SET = DEV_SET.with_name("holdout.jsonl")


def test_holdout_set_is_big_and_varied():
    examples = load_examples(HOLDOUT_SET)
    assert len(examples) >= 250
    cats = Counter(e.category for e in examples)
    assert all(cats[c] >= 15 for c in CATEGORIES)
    assert cats[None] >= 100
    dev_texts = {e.text.lower() for e in load_examples(DEV_SET)}
    assert not [e.text for e in examples if e.text.lower() in dev_texts]


def test_holdout_metrics_meet_targets(screen):
    m = score(load_examples(HOLDOUT_SET), screen.screen)
    assert m.recall >= 0.97, m.misses
    assert m.explicit_recall == 1.0, m.misses
    assert m.fpr <= 0.05, m.misses


# Second fresh-data pass (docs/safety-screen.md, "Second fresh-data pass"):
# written before the lexicon was read; the fixes were then made against it,
# so like the holdout set it guards against regressions, it does not judge.
PROBE2_SET = DEV_SET.with_name("probe2.jsonl")


def test_probe2_set_is_big_varied_and_new():
    examples = load_examples(PROBE2_SET)
    assert len(examples) >= 250
    cats = Counter(e.category for e in examples)
    assert all(cats[c] >= 20 for c in CATEGORIES)
    assert cats[None] >= 100
    seen = {e.text.lower() for e in load_examples(DEV_SET) + load_examples(HOLDOUT_SET)}
    assert not [e.text for e in examples if e.text.lower() in seen]


def test_probe2_metrics_meet_targets(screen):
    m = score(load_examples(PROBE2_SET), screen.screen)
    assert m.recall >= 0.97, m.misses
    assert m.explicit_recall == 1.0, m.misses
    assert m.fpr <= 0.05, m.misses


# Third pass (docs/safety-screen.md, "Third pass: recovery statements"):
# recovery stories, grief, carers and harm reduction against risk controls
# that mix recovery words with present risk. Written before the lexicon was
# read; the fixes were then made against it, so it guards against regressions.
PROBE3_SET = DEV_SET.with_name("probe3.jsonl")


def test_probe3_set_is_big_varied_and_new():
    examples = load_examples(PROBE3_SET)
    assert len(examples) >= 200
    cats = Counter(e.category for e in examples)
    assert cats[None] >= 140
    assert sum(n for c, n in cats.items() if c is not None) >= 60
    seen = {
        e.text.lower()
        for e in load_examples(DEV_SET) + load_examples(HOLDOUT_SET) + load_examples(PROBE2_SET)
    }
    assert not [e.text for e in examples if e.text.lower() in seen]


def test_probe3_metrics_meet_targets(screen):
    m = score(load_examples(PROBE3_SET), screen.screen)
    assert m.recall >= 0.85, m.misses
    assert m.explicit_recall == 1.0, m.misses
    assert m.fpr <= 0.25, m.misses  # target 0.05: see the doc's "What remains"
