"""Start, watch and stop Restory's services: action server, Rasa server, outbox worker.

Everything is configured from :mod:`bot.config`; this module only turns
settings into child-process command lines and environments.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings


class PortInUse(RuntimeError):
    pass


def rasa_bin(settings: Settings) -> str:
    return str(Path(sys.executable).with_name("rasa"))


def service_env(settings: Settings) -> dict[str, str]:
    """Environment for every child: telemetry off, tracker store parts, paths."""
    parts = settings.tracker_store_parts()
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=os.pathsep.join(
            p for p in (str(settings.project_root), env.get("PYTHONPATH", "")) if p
        ),
        DATABASE_URL=settings.database_url,
        ACTION_SERVER_URL=settings.action_server_url,
        SANIC_HOST="127.0.0.1",  # the action server is never exposed
        TRACKER_DIALECT=parts.dialect,
        TRACKER_HOST=parts.host,
        TRACKER_PORT=parts.port,
        TRACKER_DB=parts.db,
        TRACKER_USER=parts.username,
        TRACKER_PASSWORD=parts.password,
    )
    return env


def train_command(settings: Settings, force: bool = False) -> list[str]:
    cmd = [
        rasa_bin(settings), "train",
        "--domain", "domain",
        "--data", "data",
        "--config", "config.yml",
        "--out", str(settings.model_dir),
    ]  # fmt: skip
    if force:
        cmd.append("--force")
    return cmd


def train(settings: Settings, force: bool = False) -> int:
    """Train if the data changed (Rasa's fingerprint against models/)."""
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    proc = subprocess.run(
        train_command(settings, force), cwd=settings.project_root, env=service_env(settings)
    )
    print(f"==> training step finished in {time.monotonic() - started:.1f}s", flush=True)
    return proc.returncode


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check_ports(settings: Settings) -> None:
    for name, port in (("Rasa server", settings.rasa_port), ("action server", settings.action_port)):
        if not port_is_free(port):
            raise PortInUse(
                f"Port {port} for the {name} is already in use. Stop whatever is using it "
                f"(`ss -ltnp | grep :{port}`) or choose another port, e.g. "
                f"{'RASA_PORT' if name == 'Rasa server' else 'ACTION_PORT'}={port + 100} make run"
            )


@dataclass
class Service:
    name: str
    cmd: list[str]
    health_url: str | None
    proc: subprocess.Popen | None = None


def services(settings: Settings, host: str) -> list[Service]:
    py = sys.executable
    rasa_cmd = [
        rasa_bin(settings), "run",
        "--model", str(settings.model_dir),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
        "--interface", host,
        "--port", str(settings.rasa_port),
        "--cors", settings.cors_origins,
    ]  # fmt: skip
    if settings.rasa_api_enabled:
        # Rasa's HTTP API is only ever enabled with a token (never open).
        rasa_cmd += ["--enable-api", "--auth-token", settings.rasa_auth_token]
    return [
        Service(
            "action server",
            [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
            f"http://127.0.0.1:{settings.action_port}/health",
        ),
        Service("outbox worker", [py, "-m", "bot", "worker"], None),
        Service("Rasa server", rasa_cmd, f"http://127.0.0.1:{settings.rasa_port}/"),
    ]


def wait_healthy(service: Service, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.proc and service.proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(service.health_url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    return False


def stop_all(running: list[Service], timeout: float = 15.0) -> None:
    for service in reversed(running):
        if service.proc and service.proc.poll() is None:
            service.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for service in reversed(running):
        if not service.proc:
            continue
        try:
            service.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            service.proc.kill()
            service.proc.wait()


def run(settings: Settings, host: str = "127.0.0.1", ready_timeout: float = 180.0) -> int:
    """Start every service, print the URLs, stop them all cleanly on Ctrl-C."""
    check_ports(settings)
    env = service_env(settings)
    running: list[Service] = []
    stopping = False

    def _on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    old_int = signal.signal(signal.SIGINT, _on_signal)
    old_term = signal.signal(signal.SIGTERM, _on_signal)
    try:
        for service in services(settings, host):
            print(f"==> starting {service.name}", flush=True)
            service.proc = subprocess.Popen(
                service.cmd, cwd=settings.project_root, env=env, start_new_session=True
            )
            running.append(service)
            if service.health_url and not wait_healthy(service, ready_timeout):
                print(f"!! the {service.name} did not come up; see its log above", file=sys.stderr)
                return 1
        print(
            "\nRestory is running.\n"
            f"  Chat over REST:      POST http://{host}:{settings.rasa_port}/webhooks/rest/webhook\n"
            f"  Chat over socket.io: http://{host}:{settings.rasa_port}/socket.io/\n"
            f"  Health:              http://{host}:{settings.rasa_port}/\n"
            f"  Rasa HTTP API:       {'on (token required)' if settings.rasa_api_enabled else 'off'}\n"
            f"  Database:            {settings.database_url.split('@')[-1]}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stopping:
            for service in running:
                if service.proc and service.proc.poll() is not None:
                    print(f"!! the {service.name} stopped (exit {service.proc.returncode})", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        print("\n==> stopping…", flush=True)
        return 0
    finally:
        stop_all(running)
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
