"""Every state has a rule for every answer to the check (one table, no skipped cell).

States: outside any form, in the reflection form, in the check-in form. For
each: the ambiguous message itself (ask), and each reply (yes, not sure, no,
unclear). The table is built here from the two lists, so a new state or a new
answer adds its cells to the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

RULES = Path(__file__).resolve().parents[2] / "data" / "rules" / "safety.yml"
STATES = [None, "reflection_form", "checkin_form"]
#: reply -> (the first action, whether a form must be left first)
REPLIES = {
    None: "action_safety_check",  # the ambiguous message: ask
    "yes": "action_safety_check_confirmed",
    "unsure": "action_safety_check_confirmed",
    "no": "action_safety_check_reply",
    "unclear": "action_safety_check",
}


def check_rules() -> list[dict]:
    rules = yaml.safe_load(RULES.read_text())["rules"]
    return [r for r in rules if r["steps"][0].get("intent") == "risk_check"]


def cell(state: str | None, answer: str | None) -> dict:
    found = []
    for rule in check_rules():
        cond = rule.get("condition") or []
        loops = [c["active_loop"] for c in cond if "active_loop" in c]
        slots = {k: v for c in cond for s in c.get("slot_was_set", []) for k, v in s.items()}
        steps = rule["steps"]
        given = {k: v for s in steps[1].get("slot_was_set", []) for k, v in s.items()} if len(steps) > 1 else {}
        if loops != ([state] if state else []):
            continue
        if (slots.get("safety_check") == "checking") != (answer is not None):
            continue
        if given.get("check_answer") != answer:
            continue
        found.append(rule)
    assert len(found) == 1, f"state={state} answer={answer}: {len(found)} rules"
    return found[0]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("answer", list(REPLIES))
def test_every_state_has_a_rule_for_every_answer(state, answer):
    rule = cell(state, answer)
    actions = [s["action"] for s in rule["steps"] if "action" in s]
    if state and answer in ("yes", "unsure"):
        # The full response never runs inside a form: the form is left first.
        assert actions[:2] == ["action_deactivate_loop", REPLIES[answer]], rule["rule"]
    else:
        assert actions[0] == REPLIES[answer], rule["rule"]
    if state and answer in (None, "no", "unclear"):
        # The person's form goes on (silently while the question waits).
        assert state in actions, rule["rule"]


def test_no_check_rule_is_outside_the_table():
    assert len(check_rules()) == len(STATES) * len(REPLIES)
