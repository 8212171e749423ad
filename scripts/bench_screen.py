"""Benchmark the risk screen: build and load times, per-message latency, model size.

Prints numbers; asserts nothing (speed is measured here, not in tests).

    .venv/bin/python scripts/bench_screen.py [--rounds 3] [--files tests/data/safety/*.jsonl]

Latency is the whole screen per message (normalise, parse, match, rules,
concepts, classifier, combine) over every message in the files, after one
warm-up pass; plus one 20,000-character message screened whole.
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
sys.modules.setdefault("tensorflow", None)  # thinc's optional probe; not needed here
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", nargs="*", default=sorted(glob.glob(str(ROOT / "tests/data/safety/*.jsonl"))))
    args = parser.parse_args()

    started = time.perf_counter()
    from bot.safety.classifier import MODEL_DIR, load_classifier

    model = load_classifier()
    model_load = time.perf_counter() - started
    started = time.perf_counter()
    from bot.safety.screen import RiskScreen

    screen = RiskScreen(classifier=model)
    build = time.perf_counter() - started

    from bot.safety.evaluate import load_examples

    texts = [e.text for path in args.files for e in load_examples(path)]
    for text in texts:
        screen.screen(text)
    samples = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            screen.screen(text)
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    long_text = ("On Sundays I walk the dog by the canal with my sister. " * 400)[:20_000]
    t0 = time.perf_counter()
    screen.screen(long_text)
    long_ms = (time.perf_counter() - t0) * 1000
    size = sum(p.stat().st_size for p in MODEL_DIR.glob("classifier.*"))

    print(f"model files:              {size / 1e6:.2f} MB ({len(model._index):,} features)")
    print(f"model load:               {model_load * 1000:.0f} ms")
    print(f"screen build (spaCy, matchers, lexicon): {build * 1000:.0f} ms")
    print(f"messages:                 {len(texts):,} x {args.rounds} rounds")
    print(f"latency median:           {statistics.median(samples):.3f} ms/message")
    print(f"latency p90:              {samples[int(len(samples) * 0.90)]:.3f} ms/message")
    print(f"latency p99:              {samples[int(len(samples) * 0.99)]:.3f} ms/message")
    print(f"latency max:              {samples[-1]:.3f} ms/message")
    print(f"one 20,000-char message:  {long_ms:.1f} ms")
    print(f"load average:             {os.getloadavg()[0]:.2f} (2 cores here; higher means a busy machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
