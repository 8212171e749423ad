"""End-to-end fixtures: the real product, started once per test session.

``restory`` runs ``python -m bot run --no-train`` exactly as a person would
(action server, outbox worker and Rasa server), on free ports, against a brand
new PostgreSQL database (reflections *and* the Rasa tracker store), with the
default programme's escalation webhook pointing at an in-process receiver.

Teardown sends SIGTERM and requires a clean stop within 30 s with no child
process left behind, then drops the database.

Bot wording varies (domain responses have several variations), so tests match
what the bot said against the *set of possible texts* loaded from
``domain/*.yml``: see :class:`Responses`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.conftest import fresh_pg_database
from tests.escalation.receiver import WebhookReceiver, free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
READY_LINE = "Restory is running."
READY_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0
SECRET_ENV = "RESTORY_WEBHOOK_SECRET"
SECRET = "e2e-secret-" + uuid.uuid4().hex


# --------------------------------------------------------------------------- #
# What the bot can say (from domain/*.yml)
# --------------------------------------------------------------------------- #


class Responses:
    """Every variation of every domain response, as full-match regexes.

    ``{variable}`` placeholders match any text, so a filled-in response
    (programme name, the person's quoted words …) still matches its template.
    """

    def __init__(self, domain_dir: Path = ROOT / "domain") -> None:
        self.texts: dict[str, list[str]] = {}
        for path in sorted(domain_dir.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, variants in (data.get("responses") or {}).items():
                self.texts.setdefault(name, []).extend(
                    v["text"] for v in variants or [] if isinstance(v, dict) and v.get("text")
                )
        self._patterns = {
            name: [self._pattern(t) for t in texts] for name, texts in self.texts.items()
        }

    @staticmethod
    def _pattern(template: str) -> re.Pattern[str]:
        parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template.strip())
        return re.compile("(.*?)".join(re.escape(p) for p in parts), re.DOTALL)

    def is_(self, text: str, name: str) -> bool:
        """Is ``text`` one of the variations of response ``name``?"""
        if name not in self._patterns:
            raise KeyError(f"no response {name!r} in domain/*.yml")
        return any(p.fullmatch((text or "").strip()) for p in self._patterns[name])

    def find(self, texts: list[str], name: str) -> list[str]:
        """The texts among ``texts`` that are variations of ``name``."""
        return [t for t in texts if self.is_(t, name)]

    def said(self, texts: list[str], name: str) -> bool:
        return bool(self.find(texts, name))

    def names(self, text: str) -> list[str]:
        """Which responses ``text`` could be (for failure messages)."""
        return [n for n in self._patterns if n != "utter_theme_options" and self.is_(text, n)]

    def prompt_names(self) -> list[str]:
        return [n for n in self.texts if n.startswith("utter_prompt_")]

    def prompts_in(self, texts: list[str]) -> list[str]:
        """The reflection prompts (by response name) among ``texts``."""
        return [n for n in self.prompt_names() if self.said(texts, n)]


@pytest.fixture(scope="session")
def responses() -> Responses:
    return Responses()


# --------------------------------------------------------------------------- #
# The running product
# --------------------------------------------------------------------------- #


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


@dataclass
class Restory:
    """Handles to the running product, and small clients for it."""

    proc: subprocess.Popen
    base_url: str
    db_url: str
    log_path: Path
    receiver: WebhookReceiver
    secret: str
    rasa_port: int
    action_port: int
    children: list[int] = field(default_factory=list)

    # REST -----------------------------------------------------------------
    @property
    def rest_url(self) -> str:
        return f"{self.base_url}/webhooks/rest/webhook"

    def post(self, sender: str, message: str, timeout: float = 120.0) -> requests.Response:
        return requests.post(
            self.rest_url, json={"sender": sender, "message": message}, timeout=timeout
        )

    def say(self, sender: str, message: str, timeout: float = 120.0) -> list[str]:
        """Send ``message`` over REST and return the bot's texts (asserting HTTP 200)."""
        resp = self.post(sender, message, timeout=timeout)
        assert resp.status_code == 200, (
            f"POST {message[:80]!r} -> HTTP {resp.status_code}: {resp.text[:500]}\n{self.log_tail()}"
        )
        return texts_of(resp.json())

    # Diagnostics ----------------------------------------------------------
    def log_tail(self, lines: int = 80) -> str:
        try:
            content = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return "(no server log)"
        return "---- server log (tail) ----\n" + "\n".join(content[-lines:])

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, check: Callable[[], Any], timeout: float, interval: float = 0.25) -> Any:
        """Poll ``check`` until it returns something truthy; return that (or the last value)."""
        deadline = time.monotonic() + timeout
        value = check()
        while not value and time.monotonic() < deadline:
            time.sleep(interval)
            value = check()
        return value


def _children_of(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ... ; comm may contain spaces/parens
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def e2e_db_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the whole e2e session (dropped after)."""
    with fresh_pg_database("restory_e2e") as url:
        yield url


@pytest.fixture(scope="session")
def e2e_receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(SECRET).start()
    yield server
    server.stop()


def _programmes_file(tmp: Path, webhook_url: str) -> Path:
    data = yaml.safe_load((ROOT / "programmes.yml").read_text(encoding="utf-8"))
    escalation = data["programmes"]["default"].setdefault("escalation", {})
    escalation["webhook_url"] = webhook_url
    escalation["webhook_secret_env"] = SECRET_ENV
    path = tmp / "programmes.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _distinct_free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


@pytest.fixture(scope="session")
def restory(tmp_path_factory, e2e_db_url, e2e_receiver) -> Iterator[Restory]:
    """``python -m bot run --no-train`` as a subprocess, ready to chat."""
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `python -m bot train` first")
    tmp = tmp_path_factory.mktemp("restory-e2e")
    var_dir = tmp / "var"
    rasa_port, action_port = _distinct_free_ports(2)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TRACKER_DATABASE_URL", "RESTORY_PROGRAMME", "RASA_AUTH_TOKEN",
                     "ACTION_SERVER_URL", "RESTORY_HOME", "RESTORY_MODEL_DIR"}
    }
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        PYTHONUNBUFFERED="1",
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        RESTORY_VAR_DIR=str(var_dir),
        DATABASE_URL=e2e_db_url,
        RESTORY_PROGRAMMES=str(_programmes_file(tmp, e2e_receiver.url)),
        RESTORY_HOST="127.0.0.1",
        **{SECRET_ENV: SECRET},
    )
    log_path = tmp / "restory.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in teardown
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(PYTHON), "-m", "bot", "run", "--no-train"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    app = Restory(
        proc=proc,
        base_url=f"http://127.0.0.1:{rasa_port}",
        db_url=e2e_db_url,
        log_path=log_path,
        receiver=e2e_receiver,
        secret=SECRET,
        rasa_port=rasa_port,
        action_port=action_port,
    )

    def _ready() -> bool:
        return READY_LINE in app.log_text() or proc.poll() is not None

    try:
        app.wait_for(_ready, READY_TIMEOUT, interval=0.5)
        if READY_LINE not in app.log_text():
            state = f"exited with {proc.returncode}" if proc.poll() is not None else "still starting"
            pytest.fail(
                f"Restory did not print {READY_LINE!r} within {READY_TIMEOUT:.0f}s ({state}).\n"
                f"log: {log_path}\n{app.log_tail(120)}"
            )
        sys.stderr.write(f"\n[e2e] Restory ready in {time.monotonic() - started:.0f}s "
                         f"(Rasa :{rasa_port}, actions :{action_port}, log {log_path})\n")
        app.children = _children_of(proc.pid)
        yield app
    finally:
        _stop(app)
        log.close()


def _stop(app: Restory) -> None:
    """SIGTERM; require a clean stop in time with no child left behind."""
    proc = app.proc
    children = app.children or _children_of(proc.pid)
    if proc.poll() is not None:
        leftovers = [pid for pid in children if _alive(pid)]
        for pid in leftovers:
            _kill(pid)
        return  # it already died; the test that needed it has reported that
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        for pid in children:
            _kill(pid)
        _kill(proc.pid)
        proc.wait()
        pytest.fail(
            f"Restory did not stop within {STOP_TIMEOUT:.0f}s of SIGTERM (killed).\n{app.log_tail()}"
        )
    took = time.monotonic() - started
    leftovers = [pid for pid in children if _alive(pid)]
    for pid in leftovers:
        _kill(pid)
    sys.stderr.write(f"[e2e] Restory stopped in {took:.1f}s with exit code {code}\n")
    assert not leftovers, f"child processes {leftovers} still running after shutdown\n{app.log_tail()}"
    assert code == 0, f"Restory exited with {code} after SIGTERM\n{app.log_tail()}"


# --------------------------------------------------------------------------- #
# Database access for assertions
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="session")
def db(restory):
    """A :class:`bot.storage.Database` on the product's database (read for assertions)."""
    from bot.storage import get_database

    return get_database(restory.db_url)


def new_sender(prefix: str) -> str:
    return f"e2e-{prefix}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------- #
# A journey helper: walks the reflection prompts, whatever their number
# --------------------------------------------------------------------------- #


@dataclass
class Answered:
    prompt: str  # response name, e.g. utter_prompt_hope_keeps_going
    text: str  # what the person typed
    reply: list[str]  # the bot's texts after it


def answer_prompts(
    send: Callable[[str], list[str]],
    responses: Responses,
    first_reply: list[str],
    answers: list[str],
    *,
    limit: int | None = None,
    max_turns: int = 20,
) -> tuple[list[Answered], list[str]]:
    """Answer each prompt the bot asks with the next of ``answers``.

    A permission question before a deeper prompt is answered "yes" (detected by
    its text, not by position). Stops after ``limit`` answers, or when the bot
    asks no further prompt. Returns the answers given and the last reply.
    """
    reply = first_reply
    done: list[Answered] = []
    for _ in range(max_turns):
        if limit is not None and len(done) >= limit:
            break
        if responses.said(reply[-1:], "utter_ask_permission_deeper"):
            reply = send("yes")
            continue
        asked = responses.prompts_in(reply[-1:])
        if not asked:
            break
        assert len(done) < len(answers), f"more prompts than prepared answers: {reply}"
        text = answers[len(done)]
        reply = send(text)
        done.append(Answered(asked[0], text, reply))
    else:  # pragma: no cover - a loop that never ends is a product bug
        pytest.fail(f"the reflection did not end after {max_turns} turns; last reply {reply}")
    return done, reply


class SocketChat:
    """A socket.io chat (polling transport) that collects ``bot_uttered`` events."""

    def __init__(self, base_url: str, session_id: str) -> None:
        import socketio

        self.session_id = session_id
        self.events: list[dict[str, Any]] = []
        self.confirmed = threading.Event()
        self._cond = threading.Condition()
        self._last = time.monotonic()
        self.sio = socketio.Client(reconnection=False)

        @self.sio.on("session_confirm")
        def _confirm(data):
            self.confirmed.set()

        @self.sio.on("bot_uttered")
        def _uttered(data):
            with self._cond:
                self.events.append(data if isinstance(data, dict) else {"text": str(data)})
                self._last = time.monotonic()
                self._cond.notify_all()

        self.sio.connect(base_url, transports=["polling"], socketio_path="/socket.io",
                         wait_timeout=20)
        self.sio.emit("session_request", {"session_id": session_id})
        assert self.confirmed.wait(20), "no session_confirm from the socket.io channel"

    def say(self, message: str, timeout: float = 90.0, quiet: float = 2.0) -> list[str]:
        """Send ``message``; return the bot texts that arrive until ``quiet`` s pass silently."""
        with self._cond:
            start = len(self.events)
        self.sio.emit("user_uttered", {"message": message, "session_id": self.session_id})
        deadline = time.monotonic() + timeout
        with self._cond:
            while time.monotonic() < deadline:
                got = len(self.events) > start
                if got and time.monotonic() - self._last >= quiet:
                    break
                self._cond.wait(0.2)
            else:
                if len(self.events) == start:
                    raise AssertionError(f"no bot_uttered within {timeout:.0f}s after {message!r}")
            return texts_of(self.events[start:])

    def close(self) -> None:
        self.sio.disconnect()
