"""The scripted sequence: every theme is complete and every prompt has wording."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from bot.programmes.config import ALL_THEMES
from bot.reflection.script import (
    SCRIPT,
    THEME_LABELS,
    THEMES,
    choose_theme_for,
    prompt_at,
    prompts_for,
)

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain" / "reflection.yml").read_text(encoding="utf-8"))["responses"]


def test_script_covers_exactly_the_programme_themes():
    assert set(SCRIPT) == set(THEMES) == set(ALL_THEMES) == set(THEME_LABELS)


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_has_three_to_five_prompts(theme):
    prompts = prompts_for(theme)

    assert 3 <= len(prompts) <= 5
    assert len({p.key for p in prompts}) == len(prompts)
    assert all(p.key.startswith(f"{theme}_") for p in prompts)
    assert not prompts[0].deep  # never open with a deeper question


@pytest.mark.parametrize("prompt", [p for seq in SCRIPT.values() for p in seq], ids=lambda p: p.key)
def test_every_prompt_has_a_response_in_the_domain(prompt):
    assert prompt.response == f"utter_prompt_{prompt.key}"
    variants = RESPONSES[prompt.response]
    assert variants and variants[0]["text"].strip()


def test_no_orphan_prompt_responses_in_the_domain():
    keys = {f"utter_prompt_{p.key}" for seq in SCRIPT.values() for p in seq}

    prompt_like = {r for r in RESPONSES if r.startswith("utter_prompt_")}

    assert prompt_like - {"utter_prompt_skipped"} == keys


@pytest.mark.parametrize(("step", "expected"), [(0, "hope_keeps_going"), (3, "hope_next"), (4, None), (-1, None)])
def test_prompt_at(step, expected):
    prompt = prompt_at("hope", step)

    assert (prompt.key if prompt else None) == expected


def test_prompt_at_an_unknown_theme_is_none():
    assert prompt_at("astrology", 0) is None


def test_choose_theme_prefers_an_unvisited_theme():
    offered = ("hope", "identity", "meaning")

    chosen = {choose_theme_for(offered, ["hope", "identity"], random.Random(seed)) for seed in range(20)}

    assert chosen == {"meaning"}


def test_choose_theme_when_all_visited_picks_the_oldest():
    assert choose_theme_for(("hope", "identity", "meaning"), ["meaning", "hope", "identity"]) == "identity"
