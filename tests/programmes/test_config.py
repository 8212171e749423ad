"""``programmes.yml``: the shipped file loads; a broken file says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.programmes import ProgrammeError, get_programme, load_programmes
from bot.programmes.config import ALL_THEMES

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "programmes.yml"

VALID = {
    "display_name": "Test",
    "reflections_visible_to": "you",
    "emergency_number": "112",
    "crisis_contacts": [{"name": "Line", "how": "call 000", "hours": "24/7"}],
}


def write(tmp_path: Path, programmes: dict, name: str = "programmes.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"programmes": programmes}), encoding="utf-8")
    return path


def test_shipped_programmes_load_with_a_default():
    programmes = load_programmes(SHIPPED)

    assert "default" in programmes
    default = programmes["default"]
    assert default.key == "default"
    assert default.themes == ALL_THEMES
    assert default.emergency_number == "911"
    assert default.crisis_contacts
    assert default.consent_wording_version


def test_example_uk_has_its_own_emergency_number_and_contacts():
    programmes = load_programmes(SHIPPED)

    uk, default = programmes["example-uk"], programmes["default"]
    assert uk.emergency_number == "999" != default.emergency_number
    assert "Samaritans: call 116 123 (24/7)" in uk.crisis_lines()
    assert uk.crisis_lines().splitlines()[0] == "• Emergency services: call 999"
    assert uk.template_vars()["emergency_number"] == "999"


@pytest.mark.parametrize(("key", "expected"), [("example-uk", "example-uk"), ("no-such", "default")])
def test_get_programme_falls_back_to_default(key, expected):
    assert get_programme(key, SHIPPED).key == expected


def test_missing_default_raises(tmp_path):
    path = write(tmp_path, {"only-one": VALID})

    with pytest.raises(ProgrammeError, match="'default' programme is required"):
        load_programmes(path)


def test_unknown_theme_raises(tmp_path):
    path = write(tmp_path, {"default": {**VALID, "themes": ["hope", "astrology"]}})

    with pytest.raises(ProgrammeError, match="unknown themes"):
        load_programmes(path)


@pytest.mark.parametrize("missing", ["display_name", "reflections_visible_to", "emergency_number", "crisis_contacts"])
def test_missing_required_field_raises(tmp_path, missing):
    raw = {k: v for k, v in VALID.items() if k != missing}
    path = write(tmp_path, {"default": raw})

    with pytest.raises(ProgrammeError, match=f"'{missing}' is required"):
        load_programmes(path)


def test_missing_file_raises(tmp_path):
    with pytest.raises(ProgrammeError, match="not found"):
        load_programmes(tmp_path / "nope.yml")


def test_defaults_fill_optional_fields(tmp_path):
    path = write(tmp_path, {"default": VALID})

    programme = load_programmes(path)["default"]

    assert programme.themes == ALL_THEMES
    assert programme.consent_wording_version == "1"
    assert programme.webhook_url == ""
    assert programme.escalation_include_message is False
