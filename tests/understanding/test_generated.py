"""The generated files are current, and the rules cover every command in every form."""

from __future__ import annotations

import yaml

from bot.understanding import nlu, rules
from bot.understanding.commands import ASIDE, COMMANDS, FORM, LEAVE


def test_commands_rules_file_is_current():
    assert rules.RULES_FILE.read_text(encoding="utf-8") == rules.render(), "run `python -m bot understanding rules`"


def test_understanding_nlu_file_is_current():
    assert nlu.NLU_FILE.read_text(encoding="utf-8") == nlu.render(), "run `python -m bot understanding nlu`"


def test_every_command_has_a_rule_outside_and_in_each_form():
    generated = yaml.safe_load(rules.render())["rules"]
    for command in COMMANDS:
        mine = [r for r in generated if r["steps"][0] == {"intent": command.intent}]
        outside = [r for r in mine if "condition" not in r]
        assert len(outside) == 1, command.name
        for form in rules.FORMS:
            inside = [r for r in mine if r.get("condition") == [{"active_loop": form}]]
            if command.in_form == FORM:
                assert inside == [], command.name  # the form's slot mapping takes it
                continue
            assert len(inside) == 1, (command.name, form)
            steps = inside[0]["steps"]
            if command.in_form == LEAVE:
                assert steps[1:3] == [{"action": "action_deactivate_loop"}, {"active_loop": None}]
            if command.in_form == ASIDE:
                assert steps[-2:] == [{"action": form}, {"active_loop": form}]


def test_answers_are_trained_as_answers_and_the_calibration_set_is_not_trained_on():
    examples = nlu.examples()
    assert len(examples["answer"]) >= 300
    validation = (nlu.ROOT / "tests" / "data" / "understanding" / "validation.jsonl").read_text(encoding="utf-8")
    trained = {t.lower() for texts in examples.values() for t in texts}
    import json

    held = [" ".join(json.loads(line)["text"].split()).lower() for line in validation.splitlines() if line.strip()]
    assert not trained & set(held)
