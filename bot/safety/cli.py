"""``python -m bot screen``: the risk screen as a line-oriented filter.

Default: read one message per line on stdin, write one JSON object per line
on stdout (same order, flushed per line). ``--evaluate FILE`` prints the
dev-set table (rules vs naive baseline, recall, FPR, latency) instead.
"""

from __future__ import annotations

import argparse
import json
import sys

_EPILOG = """\
output (one JSON object per input line):
  {"escalate": true, "category": "suicide", "level": "urgent",
   "subject": "self", "rules": ["suicide.kill_self"]}

examples:
  echo "i want to end it all" | python -m bot screen
  python -m bot screen --context < conversation.txt
  python -m bot screen --evaluate tests/data/safety/dev.jsonl --verbose
"""


def register(subparsers) -> None:
    """Add the ``screen`` subcommand to the top-level ``python -m bot`` parser."""
    parser = subparsers.add_parser(
        "screen",
        help="screen messages for risk (stdin -> JSON lines), or evaluate the screen",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--evaluate",
        metavar="FILE",
        help="labelled dev set (JSONL/YAML); print recall, FPR, level accuracy, "
        "naive-baseline comparison and latency",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="with --evaluate: also list every message the screen got wrong",
    )
    parser.add_argument(
        "--context",
        action="store_true",
        help="treat stdin lines as one conversation: pass each result as "
        "'previous' to the next line (means/timing after a concern -> urgent)",
    )
    parser.set_defaults(func=run)

    safety = subparsers.add_parser("safety", help="the risk screen's classifier: train, verify")
    commands = safety.add_subparsers(dest="safety_command", metavar="COMMAND")
    train = commands.add_parser(
        "train", help="rebuild bot/safety/model/ from data/safety/ (split, thresholds, test numbers)"
    )
    train.set_defaults(func=run_train)
    verify = commands.add_parser(
        "verify", help="exit 1 if the shipped model was not trained on the current data and lexicon"
    )
    verify.set_defaults(func=run_verify)


def run_train(args: argparse.Namespace) -> int:
    _fast_imports()
    from bot.safety.train import train

    train()
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from bot.safety.classifier import read_meta
    from bot.safety.train import current_hash

    meta = read_meta() or {}
    want, have = current_hash(), meta.get("data_sha256")
    if want != have:
        print(f"model out of date: trained on {have}, data is {want}; run: python -m bot safety train")
        return 1
    print(f"model matches its data ({want[:12]})")
    return 0


def _fast_imports() -> None:
    # thinc (under spaCy) probes for TensorFlow at import time, which costs
    # seconds here. This process only needs the rule screen, so make that
    # probe fail fast, unless something already imported TensorFlow.
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    """Entry point for ``python -m bot screen``; returns the exit code."""
    _fast_imports()
    if args.evaluate:
        from bot.safety.evaluate import report

        table, _ = report(args.evaluate, verbose=args.verbose)
        print(table)
        return 0

    from bot.safety.screen import get_screen

    screen = get_screen()
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    out = sys.stdout
    previous = None
    for line in sys.stdin:
        result = screen.screen(line.rstrip("\r\n"), previous=previous if args.context else None)
        previous = result
        out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        out.flush()
    return 0
