"""A last-resort file for risk episodes the database could not take.

If recording an escalation fails (the database is down), the episode is
appended to ``var/escalation-spool.jsonl`` (fsynced) and the outbox worker
replays it into the database when it is back. Replaying goes through
:func:`~bot.escalation.service.record_risk`, which is idempotent within an
episode, so a replay interrupted half-way and repeated adds no duplicate
escalations (at most a higher ``message_count``).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from bot.storage.db import Database

log = logging.getLogger(__name__)

SPOOL_NAME = "escalation-spool.jsonl"


def default_path() -> Path:
    from bot.config import get_settings

    return get_settings().var_dir / SPOOL_NAME


def write(entry: dict[str, Any], path: Path | None = None) -> Path:
    """Append one episode durably (flush + fsync). The file is private (0600)."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def replay(db: Database, path: Path | None = None) -> int:
    """Record every spooled episode; returns how many. Stops (keeping the rest) on failure."""
    from bot.escalation.service import record_risk
    from bot.programmes import get_programme

    path = path or default_path()
    working = path.with_suffix(".replaying")
    if not working.exists():
        if not path.exists():
            return 0
        path.rename(working)  # new failures append to a fresh spool meanwhile
    lines = [line for line in working.read_text(encoding="utf-8").splitlines() if line.strip()]
    done = 0
    for i, line in enumerate(lines):
        try:
            entry = json.loads(line)
            entry["programme"] = get_programme(entry.get("programme"))
            record_risk(db, **entry)
        except json.JSONDecodeError:
            log.error("unreadable line %d in %s kept aside", i + 1, working)
            write({"unreadable": line}, path.with_suffix(".bad"))
            continue
        except Exception:
            log.exception("spool replay stopped at line %d; will retry", i + 1)
            for rest in lines[i:]:
                write(json.loads(rest), path)
            working.unlink()
            return done
        done += 1
    working.unlink()
    if done:
        log.warning("replayed %d spooled escalation(s) into the database", done)
    return done
