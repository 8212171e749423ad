"""The classifier's training data: labelled messages in source batches.

``data/safety/batches/<writer>/<NN-theme>.jsonl``: one JSON object per line
(``text``, ``category`` or null, ``level``, ``tag``); each file is one *source
batch* written in one go (one theme, one voice), so near-duplicates stay
inside a batch. ``data/safety/split.yml`` names the batches held back for
validation and test; every other batch trains. Splitting by batch, not by
message, keeps paraphrases of one idea from leaking across the split.

Only the training split is augmented, with typing variants people really
produce (lowercase without punctuation, dropped apostrophes, text-speak,
one-letter typos); validation and test stay exactly as written.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.safety.lexicon import LEXICON_DIR
from bot.safety.result import CATEGORIES, LEVELS

DATA_DIR = PROJECT_ROOT / "data" / "safety"
SPLITS = ("train", "validation", "test")
AUGMENT_VERSION = "1"


@dataclass(frozen=True)
class Item:
    """One labelled message."""

    text: str
    category: str | None
    level: str
    tag: str
    batch: str  # "<writer>/<file stem>"


def batch_files(root: Path = DATA_DIR) -> list[Path]:
    return sorted((root / "batches").glob("*/*.jsonl"))


def batch_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def read_batch(path: Path) -> list[Item]:
    """Read and validate one batch file."""
    items = []
    bid = batch_id(path)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        category, level = row.get("category"), row.get("level")
        if category not in (None, *CATEGORIES) or level not in LEVELS or level == "check":
            raise ValueError(f"{path}:{n}: bad category/level {category!r}/{level!r}")
        if (category is None) != (level == "none"):
            raise ValueError(f"{path}:{n}: category and level disagree")
        text = str(row.get("text") or "").strip()
        if not text:
            raise ValueError(f"{path}:{n}: empty text")
        items.append(Item(text, category, level, str(row.get("tag") or ""), bid))
    return items


def read_split_spec(root: Path = DATA_DIR) -> dict[str, list[str]]:
    path = root / "split.yml"
    spec = yaml.safe_load(path.read_text()) if path.exists() else {}
    return {"validation": list(spec.get("validation") or []), "test": list(spec.get("test") or [])}


def load_splits(root: Path = DATA_DIR) -> dict[str, list[Item]]:
    """Every batch, assigned to train, validation or test by ``split.yml``.

    Exact duplicate texts (case-insensitive) are kept once, in the first split
    that holds them in the order test, validation, train, so no test message
    is also trained on.
    """
    spec = read_split_spec(root)
    where = {b: "validation" for b in spec["validation"]} | {b: "test" for b in spec["test"]}
    files = batch_files(root)
    known = {batch_id(p) for p in files}
    unknown = sorted(set(where) - known)
    if unknown:
        raise ValueError(f"split.yml names batches that do not exist: {unknown}")
    by_split: dict[str, list[Item]] = {s: [] for s in SPLITS}
    for path in files:
        by_split[where.get(batch_id(path), "train")].extend(read_batch(path))
    seen: set[str] = set()
    for split in ("test", "validation", "train"):
        kept = []
        for item in by_split[split]:
            key = " ".join(item.text.lower().split())
            if key not in seen:
                seen.add(key)
                kept.append(item)
        by_split[split] = kept
    return by_split


def data_hash(root: Path = DATA_DIR, extra: str = "") -> str:
    """SHA-256 of everything the model is a function of: every batch file, the
    split, the lexicon (features use it), and ``extra`` (code versions)."""
    h = hashlib.sha256()
    paths = [*batch_files(root), root / "split.yml", *sorted(LEXICON_DIR.glob("*.yml"))]
    for path in paths:
        if path.exists():
            h.update(path.name.encode() + b"\0" + path.parent.name.encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    h.update(f"augment@{AUGMENT_VERSION} {extra}".encode())
    return h.hexdigest()


# ----------------------------------------------------------------- augmenting
_TEXT_SPEAK = [
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\bright now\b", "rn"),
    (r"\btonight\b", "tn"),
    (r"\bbecause\b", "cuz"),
    (r"\bgoing to\b", "gonna"),
    (r"\bwant to\b", "wanna"),
    (r"\bi don'?t know\b", "idk"),
    (r"\bto be honest\b", "tbh"),
    (r"\bnot gonna lie\b", "ngl"),
    (r"\bpeople\b", "ppl"),
    (r"\bplease\b", "pls"),
    (r"\babout\b", "abt"),
    (r"\btomorrow\b", "tmrw"),
]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters
    return word[:i] + word[i + 1 :]  # drop one letter


def typing_variant(text: str, seed: str) -> str:
    """One way a person might have typed ``text`` instead (deterministic per seed)."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    out = text.lower()
    if rng.random() < 0.7:
        out = re.sub(r"[.,!?;:]+", "", out)
    if rng.random() < 0.7:
        out = out.replace("'", "").replace("\u2019", "")
    if rng.random() < 0.6:
        for pattern, short in _TEXT_SPEAK:
            if rng.random() < 0.6:
                out = re.sub(pattern, short, out)
    words = out.split()
    for _ in range(rng.choice((0, 1, 1, 2))):
        if words:
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
    return " ".join(words)


def augmented(items: list[Item]) -> list[Item]:
    """The items plus one typing variant of each (when it differs)."""
    out = list(items)
    seen = {i.text.lower() for i in items}
    for item in items:
        variant = typing_variant(item.text, item.batch + "\0" + item.text)
        if variant and variant not in seen:
            seen.add(variant)
            out.append(Item(variant, item.category, item.level, item.tag, item.batch))
    return out
