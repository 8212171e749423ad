"""Step 5 of the screen: the trained classifier (a linear model, loaded lazily).

A multinomial logistic regression over the named features of
:mod:`bot.safety.features` (tf-idf, sublinear tf, l2-normalised), trained by
``python -m bot safety train`` on ``data/safety/``. The artifact is two small
files in ``bot/safety/model/``: ``classifier.npz`` (vocabulary, idf, weights)
and ``classifier.json`` (classes, thresholds, the hash of the training data,
split sizes and measured numbers). No pickle: loading runs no code, and the
numbers are read with numpy alone, so the running screen never imports
scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.safety.result import CATEGORIES

MODEL_DIR = Path(__file__).with_name("model")
NONE_CLASS = "none"
CLASSES = (NONE_CLASS, *CATEGORIES)


@dataclass(frozen=True)
class Probabilities:
    """The classifier's view of one message."""

    risk: float  # P(any risk category) = 1 - P(none)
    categories: dict[str, float]  # P(category), the five risk classes

    @property
    def category(self) -> str:
        return max(CATEGORIES, key=lambda c: self.categories.get(c, 0.0))


class Classifier:
    """Applies the exported model to a feature count (numpy only)."""

    def __init__(self, vocabulary: list[str], idf, coef, intercept, meta: dict[str, Any]) -> None:
        import numpy as np

        self._np = np
        self._index = {name: i for i, name in enumerate(vocabulary)}
        self._idf = np.asarray(idf, dtype=np.float32)
        self._coef = np.asarray(coef, dtype=np.float32)
        self._intercept = np.asarray(intercept, dtype=np.float32)
        self.meta = meta
        self.classes: tuple[str, ...] = tuple(meta["classes"])
        self.thresholds: dict[str, float] = dict(meta.get("thresholds") or {})
        self.version: str = str(meta.get("data_sha256", "?"))[:12]

    def predict_counts(self, feats: Counter) -> Probabilities:
        np = self._np
        idx, vals = [], []
        for name, count in feats.items():
            i = self._index.get(name)
            if i is not None:
                idx.append(i)
                vals.append(1.0 + math.log(count))
        z = self._intercept.copy()
        if idx:
            ix = np.asarray(idx)
            x = np.asarray(vals, dtype=np.float32) * self._idf[ix]
            norm = float(np.sqrt(np.dot(x, x)))
            if norm:
                z = z + self._coef[:, ix] @ (x / norm)
        z = z - z.max()
        p = np.exp(z)
        p = p / p.sum()
        probs = {c: float(p[i]) for i, c in enumerate(self.classes)}
        return Probabilities(1.0 - probs[NONE_CLASS], {c: probs[c] for c in CATEGORIES})

    def predict(self, parsed, matches, rules, concepts) -> Probabilities:
        from bot.safety.features import extract

        return self.predict_counts(extract(parsed, matches, rules, concepts))


def save_classifier(directory: Path, vocabulary: list[str], idf, coef, intercept, meta: dict[str, Any]) -> None:
    """Write the two artifact files (float16 weights: the model stays small)."""
    import numpy as np

    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        directory / "classifier.npz",
        vocabulary=np.asarray(vocabulary, dtype=str),
        idf=np.asarray(idf, dtype=np.float16),
        coef=np.asarray(coef, dtype=np.float16),
        intercept=np.asarray(intercept, dtype=np.float32),
    )
    (directory / "classifier.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_meta(directory: Path = MODEL_DIR) -> dict[str, Any] | None:
    """The artifact's metadata (classes, thresholds, data hash), or None if absent."""
    path = directory / "classifier.json"
    return json.loads(path.read_text()) if path.exists() else None


def load_classifier(directory: Path = MODEL_DIR) -> Classifier | None:
    """Load the shipped model; ``None`` if there is none (the rules still run)."""
    import numpy as np

    meta = read_meta(directory)
    if meta is None:
        return None
    with np.load(directory / "classifier.npz", allow_pickle=False) as data:
        return Classifier(
            [str(v) for v in data["vocabulary"]],
            data["idf"],
            data["coef"],
            data["intercept"],
            meta,
        )
