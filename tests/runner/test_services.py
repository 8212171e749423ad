"""The runner: ports, generated endpoints, child environments, the Rasa API guard."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import yaml

from bot.config import load_settings
from bot.runner.services import (
    port_is_free,
    prune_models,
    service_env,
    services,
    write_endpoints,
)

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path, **env):
    return load_settings({"RESTORY_VAR_DIR": str(tmp_path), **env})


def test_endpoints_for_sqlite_point_at_the_var_dir(tmp_path):
    settings = _settings(tmp_path)
    data = yaml.safe_load(write_endpoints(settings).read_text())
    assert data["tracker_store"] == {"type": "bot.storage.tracker_store.RestoryTrackerStore", "dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    assert data["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    assert oct(write_endpoints(settings).stat().st_mode)[-3:] == "600"


def test_endpoints_for_postgresql_share_the_app_database(tmp_path):
    settings = _settings(tmp_path, DATABASE_URL="postgresql://restory:pw@db.internal:5433/restory")
    tracker = yaml.safe_load(write_endpoints(settings).read_text())["tracker_store"]
    assert tracker == {
        "type": "bot.storage.tracker_store.RestoryTrackerStore", "dialect": "postgresql", "db": "restory",
        "url": "db.internal", "username": "restory", "password": "pw", "port": 5433,
    }  # fmt: skip
    assert settings.database_url.startswith("postgresql+psycopg2://")


def test_children_never_phone_home_and_keep_actions_local(tmp_path):
    env = service_env(_settings(tmp_path))
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["SANIC_HOST"] == "127.0.0.1"
    assert str(ROOT) in env["PYTHONPATH"].split(os.pathsep)


def test_rasa_http_api_only_with_a_token(tmp_path):
    def rasa_cmd(**env):
        return next(s.cmd for s in services(_settings(tmp_path, **env), "127.0.0.1") if s.name == "Rasa server")

    assert "--enable-api" not in rasa_cmd()
    with_token = rasa_cmd(RASA_AUTH_TOKEN="s3cret")
    assert "--enable-api" in with_token
    assert with_token[with_token.index("--auth-token") + 1] == "s3cret"


def test_port_in_use_is_detected_and_run_explains_it(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_is_free(port)
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "RESTORY_VAR_DIR": str(tmp_path),
            "RASA_PORT": str(port),
        }
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--no-train"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 1
    assert f"Port {port}" in proc.stderr and "already in use" in proc.stderr
    assert not (tmp_path / "restory.db").exists()  # failed before touching anything


def test_old_models_are_pruned_newest_kept(tmp_path):
    paths = []
    for i in range(5):
        path = tmp_path / f"2026{i}-model.tar.gz"
        path.write_bytes(b"x")
        os.utime(path, (1000 + i, 1000 + i))
        paths.append(path)

    removed = prune_models(tmp_path, keep=3)

    assert sorted(removed) == paths[:2]
    assert sorted(tmp_path.glob("*.tar.gz")) == paths[2:]
