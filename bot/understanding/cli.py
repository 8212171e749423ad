"""``python -m bot understanding …``: generate the rules, read a message, calibrate."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("understanding", help="how messages are understood (commands vs answers)")
    sub = parser.add_subparsers(dest="understanding_command", metavar="SUBCOMMAND")

    rules = sub.add_parser("rules", help="regenerate data/rules/commands.yml from the command table")
    rules.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    rules.set_defaults(func=_rules)

    nlu = sub.add_parser("nlu", help="regenerate data/nlu/understanding.yml from data/understanding/*.jsonl")
    nlu.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    nlu.set_defaults(func=_nlu)

    calibrate = sub.add_parser("calibrate", help="threshold table on tests/data/understanding/validation.jsonl")
    calibrate.add_argument("--model", default="models")
    calibrate.set_defaults(func=lambda a: __import__("bot.understanding.calibrate", fromlist=["main"]).main(a.model))

    read = sub.add_parser("read", help="what a message would be, by grammar alone, in a state")
    read.add_argument("text")
    read.add_argument("--state", default="prompt")
    read.set_defaults(func=_read)


def _generated(module_name: str, command: str, check: bool) -> int:
    """Write a generated file, or (``--check``) say whether it is current."""
    import importlib

    module = importlib.import_module(module_name)
    path = module.RULES_FILE if hasattr(module, "RULES_FILE") else module.NLU_FILE
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != module.render():
            print(f"{path} is out of date: run `python -m bot understanding {command}`")
            return 1
        print(f"{path} is up to date")
        return 0
    print(f"wrote {module.write()}")
    return 0


def _rules(args: argparse.Namespace) -> int:
    return _generated("bot.understanding.rules", "rules", args.check)


def _nlu(args: argparse.Namespace) -> int:
    return _generated("bot.understanding.nlu", "nlu", args.check)


def _read(args: argparse.Namespace) -> int:
    from bot.understanding import State, interpret

    decision = interpret(args.text, State(args.state))
    print(json.dumps(decision.__dict__))
    return 0
