"""``python -m bot reflections list --participant ID [--json]``."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    refl = sub.add_parser("reflections", help="saved reflections")
    refl_sub = refl.add_subparsers(dest="reflections_command", metavar="ACTION")
    lst = refl_sub.add_parser("list", help="print a participant's saved reflections")
    lst.add_argument("--participant", required=True, help="participant id (the chat sender id)")
    lst.add_argument("--json", action="store_true", help="print a JSON list")
    lst.add_argument("--url", help="database URL (default: DATABASE_URL)")
    lst.set_defaults(func=_list)
    refl.set_defaults(func=lambda _a: refl.print_help() or 2)


def _list(args: argparse.Namespace) -> int:
    from bot.reflection.store import list_reflections
    from bot.storage import get_database

    rows = list_reflections(get_database(args.url), args.participant)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"No saved reflections for participant {args.participant}.")
        return 0
    for r in rows:
        print(f"[{r['created_at']}] {r['theme']} / {r['prompt']}")
        print(f"  {r['text']}")
    return 0
