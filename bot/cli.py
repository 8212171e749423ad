"""The ``python -m bot`` command line.

Each concern registers its own subcommands through a ``register(subparsers)``
function; imports are lazy so ``--help`` stays fast and nothing heavy loads
until a command needs it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Modules that provide ``register(subparsers) -> None``; each sets ``func`` on its parsers.
COMMAND_MODULES = (
    "bot.runner.cli",  # run, train
    "bot.storage.cli",  # db upgrade
    "bot.reflection.cli",  # reflections list
    "bot.safety.cli",  # screen
    "bot.escalation.cli",  # escalations list, worker
    "bot.understanding.cli",  # understanding rules
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Restory: a strengths-based narrative reflection companion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):  # concern not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
