"""The one place that reads the environment.

Every setting has a default that runs the product on an embedded SQLite database
under ``var/``. The README lists each variable. Nothing here opens connections:
it only turns environment variables into a frozen :class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as err:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from err


def normalise_database_url(url: str) -> str:
    """Accept the common spellings and return a SQLAlchemy URL.

    ``postgres://`` (Heroku style) and bare ``postgresql://`` both become the
    psycopg2 driver URL, so ``DATABASE_URL=postgresql://…`` works unchanged.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return url


@dataclass(frozen=True)
class TrackerStoreParts:
    """The pieces Rasa's SQL tracker store wants in ``endpoints.yml``."""

    dialect: str
    host: str
    port: str
    db: str
    username: str
    password: str


@dataclass(frozen=True)
class Settings:
    """Runtime configuration, read once from the environment."""

    project_root: Path
    var_dir: Path
    database_url: str
    tracker_database_url: str
    programmes_file: Path
    default_programme: str
    rasa_port: int
    action_port: int
    action_server_url: str
    rasa_auth_token: str
    model_dir: Path
    log_level: str
    data_key: str
    host: str
    cors_origins: str

    @property
    def rasa_api_enabled(self) -> bool:
        """Rasa's HTTP API is only ever enabled together with a token."""
        return bool(self.rasa_auth_token)

    def tracker_store_parts(self) -> TrackerStoreParts:
        return tracker_store_parts(self.tracker_database_url)


def tracker_store_parts(url: str) -> TrackerStoreParts:
    """Split a database URL into the fields Rasa's ``SQLTrackerStore`` takes."""
    parts = urlsplit(url)
    dialect = parts.scheme.split("+", 1)[0]
    if dialect == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        return TrackerStoreParts("sqlite", "", "", parts.path[1:], "", "")
    return TrackerStoreParts(
        dialect=dialect,
        host=parts.hostname or "127.0.0.1",
        port=str(parts.port or ""),
        db=parts.path.lstrip("/"),
        username=parts.username or "",
        password=parts.password or "",
    )


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)
    root = Path(env.get("RESTORY_HOME", str(PROJECT_ROOT))).resolve()
    var_dir = Path(env.get("RESTORY_VAR_DIR", str(root / "var"))).resolve()
    database_url = normalise_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'restory.db'}"
    )
    if database_url.startswith("sqlite"):
        default_tracker = f"sqlite:///{var_dir / 'tracker.db'}"
    else:
        default_tracker = database_url
    tracker_url = normalise_database_url(env.get("TRACKER_DATABASE_URL") or default_tracker)
    action_port = _int(env, "ACTION_PORT", 5055)
    return Settings(
        project_root=root,
        var_dir=var_dir,
        database_url=database_url,
        tracker_database_url=tracker_url,
        programmes_file=Path(env.get("RESTORY_PROGRAMMES", str(root / "programmes.yml"))),
        default_programme=env.get("RESTORY_PROGRAMME", "default"),
        rasa_port=_int(env, "RASA_PORT", 5005),
        action_port=action_port,
        action_server_url=env.get(
            "ACTION_SERVER_URL", f"http://127.0.0.1:{action_port}/webhook"
        ),
        rasa_auth_token=env.get("RASA_AUTH_TOKEN", ""),
        model_dir=Path(env.get("RESTORY_MODEL_DIR", str(root / "models"))),
        log_level=env.get("RESTORY_LOG_LEVEL", "INFO").upper(),
        data_key=env.get("RESTORY_DATA_KEY", ""),
        host=env.get("RESTORY_HOST", "127.0.0.1"),
        cors_origins=env.get("RESTORY_CORS_ORIGINS", "http://localhost"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return load_settings()


def read_secret(name: str, env: dict[str, str] | None = None) -> str:
    """The value of the environment variable ``name`` ('' if unset or ``name`` is empty).

    Programme webhook secrets are named per programme in ``programmes.yml``
    (``escalation.webhook_secret_env``), so they cannot be fixed :class:`Settings`
    fields. Read at use time (not cached) so a worker picks up the value it was
    started with, and the secret never sits in a settings object or a log.
    """
    if not name:
        return ""
    source = os.environ if env is None else env
    return source.get(name, "")
