"""``python -m bot db upgrade``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply migrations (default: to the newest)")
    up.add_argument("--url", help="database URL (default: DATABASE_URL)")
    up.add_argument("--revision", default="head")
    up.set_defaults(func=_upgrade)
    db.set_defaults(func=lambda _args: db.print_help() or 2)


def _upgrade(args: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade

    upgrade(args.url, args.revision)
    print("database is up to date")
    return 0
