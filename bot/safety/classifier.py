"""Step 5 of the screen: the trained classifier (a linear model, loaded lazily).

Three logistic regressions over the named features of :mod:`bot.safety.features`
(tf-idf, sublinear tf, l2-normalised), trained by ``python -m bot safety train``
on ``data/safety/``: a binary one for *is this a risk disclosure* (the score);
on the risk messages, a multinomial one for *which kind* (the five
categories) and a binary one for *is it an explicit first-person statement*
(those always get the full response, never only a question). The artifact is two small files in ``bot/safety/model/``:
``classifier.npz`` (vocabulary, idf, weights) and ``classifier.json``
(thresholds, the hash of the training data, split sizes and measured numbers). No pickle: loading runs no code, and the
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


@dataclass(frozen=True)
class Probabilities:
    """The classifier's view of one message."""

    risk: float  # P(a risk disclosure)
    categories: dict[str, float]  # P(category | risk), the five risk classes
    explicit: float = 0.0  # P(risk, and an explicit first-person statement)

    @property
    def category(self) -> str:
        return max(CATEGORIES, key=lambda c: self.categories.get(c, 0.0))


class Classifier:
    """Applies the exported model to a feature count (numpy only)."""

    def __init__(self, vocabulary: list[str], idf, weights: dict[str, Any], meta: dict[str, Any]) -> None:
        import numpy as np

        self._np = np
        self._index = {name: i for i, name in enumerate(vocabulary)}
        self._idf = np.asarray(idf, dtype=np.float32)
        self._risk_w = np.asarray(weights["risk_coef"], dtype=np.float32).reshape(-1)
        self._risk_b = float(np.asarray(weights["risk_intercept"]).reshape(-1)[0])
        self._cat_w = np.asarray(weights["category_coef"], dtype=np.float32)
        self._cat_b = np.asarray(weights["category_intercept"], dtype=np.float32)
        self._exp_w = np.asarray(weights["explicit_coef"], dtype=np.float32).reshape(-1)
        self._exp_b = float(np.asarray(weights["explicit_intercept"]).reshape(-1)[0])
        self.meta = meta
        self.thresholds: dict[str, float] = dict(meta.get("thresholds") or {})
        self.version: str = str(meta.get("data_sha256", "?"))[:12]

    def vector(self, feats: Counter):
        """Indices and l2-normalised tf-idf values of the known features."""
        np = self._np
        idx, vals = [], []
        for name, count in feats.items():
            i = self._index.get(name)
            if i is not None:
                idx.append(i)
                vals.append(1.0 + math.log(count))
        ix = np.asarray(idx, dtype=np.int64)
        x = np.asarray(vals, dtype=np.float32) * self._idf[ix]
        norm = float(np.sqrt(np.dot(x, x)))
        return ix, (x / norm if norm else x)

    def predict_counts(self, feats: Counter) -> Probabilities:
        np = self._np
        ix, x = self.vector(feats)
        risk = _sigmoid(self._risk_b + (float(self._risk_w[ix] @ x) if len(ix) else 0.0))
        explicit = risk * _sigmoid(self._exp_b + (float(self._exp_w[ix] @ x) if len(ix) else 0.0))
        c = self._cat_b + (self._cat_w[:, ix] @ x if len(ix) else 0.0)
        c = np.exp(c - c.max())
        c = c / c.sum()
        return Probabilities(risk, {cat: float(c[i]) for i, cat in enumerate(CATEGORIES)}, explicit)

    def predict(self, parsed, matches, rules, concepts, negations=frozenset()) -> Probabilities:
        from bot.safety.features import extract

        return self.predict_counts(extract(parsed, matches, rules, concepts, negations))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


WEIGHTS = ("risk", "category", "explicit")


def save_classifier(directory: Path, vocabulary: list[str], idf, weights: dict[str, Any], meta: dict[str, Any]) -> None:
    """Write the two artifact files (float16 weights: the model stays small)."""
    import numpy as np

    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        directory / "classifier.npz",
        vocabulary=np.asarray(vocabulary, dtype=str),
        idf=np.asarray(idf, dtype=np.float16),
        **{f"{w}_coef": np.asarray(weights[f"{w}_coef"], dtype=np.float16) for w in WEIGHTS},
        **{f"{w}_intercept": np.asarray(weights[f"{w}_intercept"], dtype=np.float32) for w in WEIGHTS},
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
        weights = {f"{w}_{part}": data[f"{w}_{part}"] for w in WEIGHTS for part in ("coef", "intercept")}
        return Classifier([str(v) for v in data["vocabulary"]], data["idf"], weights, meta)
