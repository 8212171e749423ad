"""Evaluate the screen on a labelled set, side by side with the naive baseline.

Dev-set format (``tests/data/safety/dev.jsonl``): one JSON object per line::

    {"text": "...", "category": "suicide" | ... | null, "level": "none|concern|urgent", "tag": "idiom"}

A YAML file with a top-level list of the same mappings (or ``{items: [...]}``)
is accepted too.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.safety.baseline import naive_screen
from bot.safety.result import CATEGORIES, LEVELS, ScreenResult

DEV_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "safety" / "dev.jsonl"
EXPLICIT_TAG = "explicit_first_person"
EXPLICIT_CATEGORIES = ("suicide", "self_harm")


@dataclass
class Example:
    text: str
    category: str | None
    level: str
    tag: str = ""


@dataclass
class Metrics:
    """Everything the table shows; tests assert on these numbers.

    "Caught" (``recall``) counts a ``check`` question: the bot asks, and a
    "yes" or "not sure" raises it. ``explicit_recall`` counts only
    ``concern``/``urgent``: an explicit first-person statement must get the
    full response. ``fpr`` is the escalating false-positive rate on benign
    messages; ``check_fpr`` the share of benign messages asked a check question.
    """

    n: int = 0
    recall_by_category: dict[str, float] = field(default_factory=dict)
    count_by_category: dict[str, int] = field(default_factory=dict)
    recall: float = 0.0
    escalate_recall: float = 0.0
    explicit_recall: float = 0.0
    explicit_n: int = 0
    fpr: float = 0.0
    check_fpr: float = 0.0
    benign_n: int = 0
    past_recovery_escalated: float = 0.0
    past_recovery_n: int = 0
    level_accuracy: float = 0.0
    category_accuracy: float = 0.0
    misses: list[tuple[Example, ScreenResult]] = field(default_factory=list)


PAST_RECOVERY_TAGS = ("past_recovery", "recovery")


def load_examples(path: str | Path) -> list[Example]:
    """Read a JSONL or YAML dev set; validates categories and levels."""
    path = Path(path)
    raw: Iterable[dict[str, Any]]
    if path.suffix in (".yml", ".yaml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw = data.get("items", []) if isinstance(data, dict) else data
    else:
        raw = [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    examples = []
    for i, row in enumerate(raw, 1):
        category, level = row.get("category"), row.get("level", "none")
        if category not in (None, *CATEGORIES) or level not in LEVELS:
            raise ValueError(f"{path}:{i}: bad category/level {category!r}/{level!r}")
        if (category is None) != (level == "none"):
            raise ValueError(f"{path}:{i}: category and level disagree")
        examples.append(Example(str(row.get("text", "")), category, level, str(row.get("tag", ""))))
    return examples


def score(examples: list[Example], predict: Callable[[str], ScreenResult]) -> Metrics:
    """Compute recall/FPR/accuracy of ``predict`` on ``examples``."""
    m = Metrics(n=len(examples))
    risky = [e for e in examples if e.category]
    benign = [e for e in examples if not e.category]
    preds = {id(e): predict(e.text) for e in examples}

    def rate(items, ok) -> float:
        return sum(1 for e in items if ok(e, preds[id(e)])) / len(items) if items else 1.0

    def caught(e, p):
        return p.level != "none"

    def escalated(e, p):
        return p.escalate

    for cat in CATEGORIES:
        items = [e for e in risky if e.category == cat]
        m.count_by_category[cat] = len(items)
        m.recall_by_category[cat] = rate(items, caught)
    m.recall = rate(risky, caught)
    m.escalate_recall = rate(risky, escalated)
    explicit = [e for e in risky if e.tag == EXPLICIT_TAG and e.category in EXPLICIT_CATEGORIES]
    m.explicit_n = len(explicit)
    m.explicit_recall = rate(explicit, escalated)
    m.benign_n = len(benign)
    m.fpr = rate(benign, escalated)
    m.check_fpr = rate(benign, lambda e, p: p.level == "check")
    past = [e for e in benign if e.tag in PAST_RECOVERY_TAGS]
    m.past_recovery_n = len(past)
    m.past_recovery_escalated = rate(past, escalated) if past else 0.0
    m.level_accuracy = rate(examples, lambda e, p: p.level == e.level)
    m.category_accuracy = rate(
        [e for e in risky if preds[id(e)].flagged], lambda e, p: p.category == e.category
    )
    m.misses = [
        (e, preds[id(e)])
        for e in examples
        if (preds[id(e)].level != "none") != bool(e.category)
        or (e in explicit and not preds[id(e)].escalate)
        or (not e.category and preds[id(e)].escalate)
    ]
    return m


def latency_ms(
    texts: list[str], screen: Callable[[str], Any], rounds: int = 3
) -> tuple[float, float]:
    """Median and p99 wall time per message (ms), after one warm-up pass."""
    for t in texts:
        screen(t)
    samples = []
    for _ in range(rounds):
        for t in texts:
            start = time.perf_counter()
            screen(t)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples), p99


def report(path: str | Path = DEV_SET, *, verbose: bool = False) -> tuple[str, Metrics]:
    """Run the screen and the baseline on ``path``; return (table, rule metrics)."""
    from bot.safety.screen import get_screen

    examples = load_examples(path)
    screen = get_screen()
    rules = score(examples, screen.screen)
    naive = score(examples, naive_screen)
    med, p99 = latency_ms([e.text for e in examples], screen.screen)
    nmed, np99 = latency_ms([e.text for e in examples], naive_screen)

    rows = [
        (
            f"recall {cat} (n={rules.count_by_category[cat]})",
            rules.recall_by_category[cat],
            naive.recall_by_category[cat],
        )
        for cat in CATEGORIES
    ]
    rows += [
        (f"overall recall, check counts (n={sum(rules.count_by_category.values())})", rules.recall, naive.recall),
        ("overall recall, concern/urgent only", rules.escalate_recall, naive.escalate_recall),
        (
            f"explicit 1st-person suicide/self-harm at concern+ (n={rules.explicit_n})",
            rules.explicit_recall,
            naive.explicit_recall,
        ),
        (f"escalating false-positive rate on benign (n={rules.benign_n})", rules.fpr, naive.fpr),
        ("check-level false-positive rate on benign", rules.check_fpr, naive.check_fpr),
        (
            f"past told as past given the crisis response (n={rules.past_recovery_n})",
            rules.past_recovery_escalated,
            naive.past_recovery_escalated,
        ),
        (f"level accuracy (n={rules.n})", rules.level_accuracy, naive.level_accuracy),
        (
            "category accuracy (flagged risk messages)",
            rules.category_accuracy,
            naive.category_accuracy,
        ),
    ]
    width = max(len(r[0]) for r in rows) + 2
    lines = [
        f"Risk screen evaluation: {path} ({rules.n} messages)",
        f"lexicon: {screen.version}",
        "",
        f"{'metric':<{width}}{'screen':>10}{'naive':>10}",
        "-" * (width + 20),
    ]
    lines += [f"{name:<{width}}{a:>10.3f}{b:>10.3f}" for name, a, b in rows]
    lines += [
        f"{'latency ms/message, median':<{width}}{med:>10.3f}{nmed:>10.3f}",
        f"{'latency ms/message, p99':<{width}}{p99:>10.3f}{np99:>10.3f}",
    ]
    if verbose and rules.misses:
        lines += ["", "Misses, false alarms and explicit statements below concern (expected -> got):"]
        for e, p in rules.misses:
            lines.append(
                f"  [{e.tag}] {e.category or 'none'}/{e.level} -> "
                f"{p.category or 'none'}/{p.level} ({p.score}): {e.text!r} {p.rules} {p.concepts}"
            )
    return "\n".join(lines), rules
