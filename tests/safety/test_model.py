"""The shipped classifier: it matches its data, loads fast, and meets its bars.

The thresholds and the numbers in ``bot/safety/model/classifier.json`` come
from ``python -m bot safety train`` (validation chooses, test is scored once).
These tests re-measure the test split through the real screen, so a stale or
hand-edited artifact cannot pass.
"""

from __future__ import annotations

import pytest

from bot.safety import dataset
from bot.safety.classifier import MODEL_DIR, read_meta
from bot.safety.evaluate import Example, score
from bot.safety.train import current_hash


def test_the_shipped_model_was_trained_on_the_current_data_and_lexicon():
    meta = read_meta()
    assert meta is not None, "no model in bot/safety/model/: run python -m bot safety train"
    assert meta["data_sha256"] == current_hash(), (
        "bot/safety/model/ is out of date with data/safety/ or the lexicon: "
        "run python -m bot safety train and commit the result"
    )


def test_the_artifact_is_small_and_holds_no_pickle():
    files = sorted(p.name for p in MODEL_DIR.iterdir())
    assert files == ["classifier.json", "classifier.npz"]
    assert sum(p.stat().st_size for p in MODEL_DIR.iterdir()) < 5_000_000
    import numpy as np

    with np.load(MODEL_DIR / "classifier.npz", allow_pickle=False) as data:
        assert data["vocabulary"].dtype.kind == "U"  # plain strings, nothing executable


def test_the_split_is_by_source_batch_and_nothing_leaks():
    splits = dataset.load_splits()
    batches = {name: {i.batch for i in items} for name, items in splits.items()}
    assert not batches["train"] & batches["validation"]
    assert not batches["train"] & batches["test"]
    assert not batches["validation"] & batches["test"]
    texts = {name: {i.text.lower() for i in items} for name, items in splits.items()}
    assert not texts["train"] & texts["test"]
    assert not texts["validation"] & texts["test"]


def test_the_training_data_is_big_and_has_at_least_as_many_benign_messages():
    items = [i for items in dataset.load_splits().values() for i in items]
    risky = [i for i in items if i.category]
    assert len(items) >= 5_000
    assert len(items) - len(risky) >= len(risky) * 0.9
    assert {i.category for i in risky} == {
        "suicide", "self_harm", "overdose_or_medical", "harm_to_others", "abuse_or_unsafe_home"
    }  # fmt: skip
    assert len({i.batch for i in items}) >= 60


def test_typing_variants_are_deterministic_and_differ():
    text = "I don't know what to do tonight, because you never answer."
    first = dataset.typing_variant(text, "seed")
    assert first == dataset.typing_variant(text, "seed")
    assert first != text


@pytest.fixture(scope="module")
def test_metrics(screen):
    items = dataset.load_splits()["test"]
    return score([Example(i.text, i.category, i.level, i.tag) for i in items], screen.screen)


def test_the_held_back_test_split_scores_as_recorded(test_metrics):
    # The numbers written at training time are the numbers the screen gives now.
    recorded = read_meta()["test"]
    assert test_metrics.n == recorded["n"]
    assert test_metrics.recall == pytest.approx(recorded["recall"], abs=0.002)
    assert test_metrics.fpr == pytest.approx(recorded["fpr"], abs=0.002)
    assert test_metrics.check_fpr == pytest.approx(recorded["check_fpr"], abs=0.002)


def test_the_held_back_test_split_meets_the_floor(test_metrics):
    # A regression floor, not the targets (docs/safety-screen.md gives both).
    assert test_metrics.recall >= 0.85, test_metrics.recall_by_category
    assert test_metrics.fpr <= 0.06
    assert test_metrics.check_fpr <= 0.12
