"""Benchmark: round-trip time of chat turns over REST against a running Restory.

Usage (with `make run` going in another terminal):
    .venv/bin/python scripts/bench_turns.py [--url http://127.0.0.1:5005] [--conversations 20]

Each conversation is a scripted journey (welcome, consent, check-in, theme, prompts,
closing) with its own sender id. Prints median / p95 / max per turn and turns per
second. Bounded: at most `--conversations` journeys, loopback only.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import requests

SCRIPT = [
    "hi", "yes", "6", "hope", "my dog and my sister", "a walk by the river last week",
    "yes", "that i care about people being treated fairly", "call my sister on sunday",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("benchmarks only target this machine (loopback)")
    endpoint = f"{args.url}/webhooks/rest/webhook"
    timings: list[float] = []
    started = time.perf_counter()
    for _ in range(min(args.conversations, 500)):
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for text in SCRIPT:
            t0 = time.perf_counter()
            reply = requests.post(endpoint, json={"sender": sender, "message": text}, timeout=60)
            reply.raise_for_status()
            timings.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"turns: {len(timings)} in {total:.1f}s ({len(timings) / total:.1f} turns/s, one client)")
    print(f"latency ms: median {statistics.median(timings):.1f}  p95 {p95:.1f}  max {timings[-1]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
