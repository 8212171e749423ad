"""``python -m bot escalations list|ack|resolve`` and ``python -m bot worker``.

Imports of the database and HTTP layers are inside the handlers so that
``python -m bot --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

STATUS_CHOICES = ("open", "acknowledged", "resolved")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``escalations`` and ``worker`` commands."""
    esc = sub.add_parser("escalations", help="list and update risk escalations (staff)")
    esc_sub = esc.add_subparsers(dest="escalations_command", metavar="ACTION")

    ls = esc_sub.add_parser("list", help="list escalations, newest first")
    ls.add_argument("--status", choices=STATUS_CHOICES, help="only escalations with this status")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.add_argument(
        "--with-message",
        action="store_true",
        help="also show the person's latest message (their own words; off by default)",
    )
    _url_option(ls)
    ls.set_defaults(func=_list)

    for name, helptext in (
        ("ack", "mark an escalation acknowledged (someone is on it)"),
        ("resolve", "mark an escalation resolved (ends the episode)"),
    ):
        cmd = esc_sub.add_parser(name, help=helptext)
        cmd.add_argument("id", type=int, help="escalation id (from `escalations list`)")
        _url_option(cmd)
        cmd.set_defaults(func=_transition, action=name)

    esc.set_defaults(func=lambda _args: esc.print_help() or 2)

    worker = sub.add_parser("worker", help="deliver escalation notifications (webhook outbox)")
    worker.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    _url_option(worker)
    worker.add_argument("--poll-interval", type=float, default=1.0, metavar="SECONDS")
    worker.add_argument(
        "--timeout", type=float, default=5.0, metavar="SECONDS", help="HTTP timeout"
    )
    worker.add_argument("--batch", type=int, default=20, help="rows claimed per pass")
    worker.add_argument(
        "--lease",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long a claimed row is held before another worker may retry it",
    )
    worker.add_argument("--backoff-base", type=float, default=2.0, metavar="SECONDS")
    worker.add_argument("--backoff-cap", type=float, default=300.0, metavar="SECONDS")
    worker.set_defaults(func=_worker)


def _url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="database URL (default: DATABASE_URL)")


def _database(url: str | None):
    from bot.config import normalise_database_url
    from bot.storage import get_database

    return get_database(normalise_database_url(url) if url else None)


def _list(args: argparse.Namespace) -> int:
    from bot.escalation.service import list_escalations

    records = list_escalations(_database(args.url), status=args.status)
    if args.json:
        rows = [r.as_dict(with_message=args.with_message) for r in records]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(format_table(records, with_message=args.with_message))
    return 0


def format_table(records: list[Any], *, with_message: bool = False) -> str:
    """A plain-text table for a terminal."""
    if not records:
        return "No escalations."
    headers = ("ID", "STATUS", "LEVEL", "CATEGORY", "PARTICIPANT", "CONVERSATION", "MSGS",
               "UPDATED (UTC)", "NOTIFY", "HUMAN")
    rows = [
        (
            str(r.id),
            r.status,
            r.level,
            r.category,
            _clip(r.participant_id),
            _clip(r.conversation_id),
            str(r.message_count),
            (r.updated_at or "")[:19].replace("T", " "),
            _notify_cell(r),
            "yes" if r.human_requested else "",
        )
        for r in records
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for record, row in zip(records, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        errors = [n for n in record.notifications if n.last_error and n.status != "delivered"]
        for n in errors:
            lines.append(f"    ! {n.idempotency_key}: {n.last_error}")
        if with_message:
            lines.append(f"    “{record.message}”")
    return "\n".join(lines)


def _clip(value: str, width: int = 24) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _notify_cell(record: Any) -> str:
    attempts = max((n.attempts for n in record.notifications), default=0)
    if record.notification in ("retrying", "failing"):
        return f"{record.notification} ({attempts} tries)"
    return record.notification


def _transition(args: argparse.Namespace) -> int:
    from bot.escalation.service import EscalationError, acknowledge, resolve

    change = acknowledge if args.action == "ack" else resolve
    try:
        view = change(_database(args.url), args.id)
    except EscalationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"escalation {view.id} is {view.status}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.escalation.worker import RetryPolicy, deliver_all_due, run_worker

    logging.basicConfig(
        level=getattr(logging, get_settings().log_level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    db = _database(args.url)
    policy = RetryPolicy(lease=args.lease, base=args.backoff_base, cap=args.backoff_cap)
    if args.once:
        done = deliver_all_due(db, batch=args.batch, timeout=args.timeout, policy=policy)
        print(f"attempted {done} notification(s)")
        return 0

    stop = threading.Event()
    # The loop runs in a thread; the main thread only waits and handles signals.
    # Setting the event from a handler on the main thread cannot deadlock then.
    def _stop(signum: int, _frame: object) -> None:
        logging.getLogger(__name__).info("signal %s: finishing the current delivery", signum)
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    loop = threading.Thread(
        target=run_worker,
        args=(db, stop, args.poll_interval),
        kwargs={"batch": args.batch, "timeout": args.timeout, "policy": policy},
        name="outbox-worker",
    )
    loop.start()
    while loop.is_alive():
        loop.join(0.5)
    db.dispose()
    return 0
