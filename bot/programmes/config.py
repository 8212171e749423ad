"""Load and validate ``programmes.yml``.

A programme is what a peer organisation configures: its name, the wording of
transparency and consent, who can see reflections, its crisis contacts, its
escalation target and the themes it offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ALL_THEMES = ("connectedness", "hope", "identity", "meaning", "empowerment")


class ProgrammeError(ValueError):
    """``programmes.yml`` is missing something or has a wrong value."""


@dataclass(frozen=True)
class CrisisContact:
    name: str
    how: str
    hours: str = ""

    def line(self) -> str:
        hours = f" ({self.hours})" if self.hours else ""
        return f"{self.name}: {self.how}{hours}"


@dataclass(frozen=True)
class Programme:
    key: str
    display_name: str
    organisation: str
    reflections_visible_to: str
    retention: str
    consent_wording_version: str
    themes: tuple[str, ...]
    emergency_number: str
    crisis_contacts: tuple[CrisisContact, ...]
    human_support_name: str
    human_support_how: str
    webhook_url: str = ""
    webhook_secret_env: str = ""
    # Webhooks carry ids, category and level; the person's words only if this is set.
    escalation_include_message: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def crisis_lines(self) -> str:
        """Contacts as lines for a message, emergency number first."""
        lines = [f"Emergency services: call {self.emergency_number}"]
        lines += [c.line() for c in self.crisis_contacts]
        return "\n".join(f"• {line}" for line in lines)

    def template_vars(self) -> dict[str, str]:
        """Variables for domain responses (``{programme_name}`` etc.)."""
        return {
            "programme_name": self.display_name,
            "organisation": self.organisation,
            "visible_to": self.reflections_visible_to,
            "retention": self.retention,
            "emergency_number": self.emergency_number,
            "crisis_contacts": self.crisis_lines(),
            "human_support": self.human_support_name,
        }


def _require(raw: dict, key: str, where: str):
    if key not in raw or raw[key] in (None, ""):
        raise ProgrammeError(f"{where}: '{key}' is required")
    return raw[key]


def _parse(key: str, raw: dict) -> Programme:
    where = f"programme '{key}'"
    themes = tuple(raw.get("themes") or ALL_THEMES)
    unknown = [t for t in themes if t not in ALL_THEMES]
    if unknown:
        raise ProgrammeError(f"{where}: unknown themes {unknown}; choose from {ALL_THEMES}")
    contacts = tuple(
        CrisisContact(
            name=_require(c, "name", where), how=_require(c, "how", where), hours=c.get("hours", "")
        )
        for c in _require(raw, "crisis_contacts", where)
    )
    human = raw.get("human_support") or {}
    escalation = raw.get("escalation") or {}
    return Programme(
        key=key,
        display_name=_require(raw, "display_name", where),
        organisation=raw.get("organisation", "your programme"),
        reflections_visible_to=_require(raw, "reflections_visible_to", where),
        retention=raw.get("retention", "until you delete them"),
        consent_wording_version=str(raw.get("consent_wording_version", "1")),
        themes=themes,
        emergency_number=str(_require(raw, "emergency_number", where)),
        crisis_contacts=contacts,
        human_support_name=human.get("name", "a person from the programme"),
        human_support_how=human.get("how", ""),
        webhook_url=escalation.get("webhook_url", "") or "",
        webhook_secret_env=escalation.get("webhook_secret_env", "") or "",
        escalation_include_message=bool(escalation.get("include_message", False)),
        extra={k: v for k, v in raw.items() if k not in {"escalation", "human_support"}},
    )


@lru_cache(maxsize=8)
def load_programmes(path: Path) -> dict[str, Programme]:
    """Parse every programme in ``path`` (cached per path)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError as err:
        raise ProgrammeError(f"programme file not found: {path}") from err
    programmes = data.get("programmes") or {}
    if "default" not in programmes:
        raise ProgrammeError(f"{path}: a 'default' programme is required")
    return {key: _parse(key, raw or {}) for key, raw in programmes.items()}


def get_programme(key: str | None = None, path: Path | None = None) -> Programme:
    """The named programme (default: ``RESTORY_PROGRAMME``), falling back to ``default``."""
    from bot.config import get_settings

    settings = get_settings()
    programmes = load_programmes(Path(path or settings.programmes_file))
    return programmes.get(key or settings.default_programme) or programmes["default"]
