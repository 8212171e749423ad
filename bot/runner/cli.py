"""``python -m bot run`` and ``python -m bot train``."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="migrate, train if data changed, start every service")
    run.add_argument("--host", default=None, help="interface for the Rasa server (default: RESTORY_HOST)")
    run.add_argument("--no-train", action="store_true", help="use the newest model as is")
    run.set_defaults(func=_run)
    train = sub.add_parser("train", help="train the model if the training data changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(func=_train)


def _train(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.runner.services import train

    return train(get_settings(), force=args.force)


def _run(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.programmes import ProgrammeError, get_programme
    from bot.runner.services import PortInUse, check_ports, run, train
    from bot.storage.migrate import upgrade

    settings = get_settings()
    try:
        get_programme()  # fail early on a broken programmes.yml
        check_ports(settings)
    except (PortInUse, ProgrammeError) as err:
        print(f"!! {err}", file=sys.stderr)
        return 1
    print("==> applying database migrations", flush=True)
    upgrade(settings.database_url)
    if not args.no_train and train(settings) != 0:
        print("!! training failed", file=sys.stderr)
        return 1
    try:
        return run(settings, host=args.host or settings.host)
    except PortInUse as err:
        print(f"!! {err}", file=sys.stderr)
        return 1
