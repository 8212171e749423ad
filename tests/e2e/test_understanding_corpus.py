"""The calibration corpus through the real servers: answers kept, commands honoured.

``tests/data/understanding/validation.jsonl`` (written blind by helpers; never
trained on) is typed inside reflection prompts over REST. Answers are given in
turn to the prompts of one conversation (a few per person); each command gets
its own person at the first prompt. Prints the rates by kind; the bounds are
the issue's targets where this session met them (docs/understanding.md).
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.conftest import new_sender
from tests.e2e.test_every_state import HONOURED

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "data" / "understanding" / "validation.jsonl"
SCREEN = ("utter_safety_thank_you", "utter_safety_thank_you_urgent", "utter_safety_thank_you_other", "utter_check_self", "utter_check_medical",
          "utter_check_others", "utter_check_home")  # fmt: skip
PER_PERSON = 3


def _rows() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _to_first_prompt(restory, responses) -> tuple[str, list[str]]:
    sender = new_sender("corpus")
    for text in ("hi", "yes", "skip"):
        restory.say(sender, text)
    return sender, restory.say(sender, "hope")


def _answers(restory, responses, group: list[dict]) -> list[str]:
    """Type each answer at the current prompt: kept, asked, screened or hijacked."""
    sender, reply = _to_first_prompt(restory, responses)
    results = []
    for row in group:
        if responses.said(reply[-1:], "utter_ask_permission_deeper"):
            reply = restory.say(sender, "yes")
        if not responses.prompts_in(reply[-1:]):  # a previous answer left the prompt: new person
            sender, reply = _to_first_prompt(restory, responses)
        reply = restory.say(sender, row["text"])
        if responses.said(reply, "utter_ask_keep_or_command"):
            results.append("asked")
            reply = restory.say(sender, "keep it")
        elif any(responses.said(reply, name) for name in SCREEN):
            results.append("screened")
            sender, reply = _to_first_prompt(restory, responses)
        elif responses.said(reply, "utter_reflect_back"):
            results.append("kept")
        else:
            results.append("hijacked")
            sender, reply = _to_first_prompt(restory, responses)
    return results


def _command(restory, responses, row: dict) -> str:
    sender, _ = _to_first_prompt(restory, responses)
    reply = restory.say(sender, row["text"])
    if any(responses.said(reply, name) for name in HONOURED[row["command"]]):
        return "honoured"
    return "asked" if responses.said(reply, "utter_ask_keep_or_command") else "missed"


def test_the_calibration_corpus_through_the_running_bot(restory, responses):
    rows = _rows()
    answers = [r for r in rows if r["kind"] != "command"]
    commands = [r for r in rows if r["kind"] == "command"]
    groups = [answers[i : i + PER_PERSON] for i in range(0, len(answers), PER_PERSON)]
    with ThreadPoolExecutor(6) as pool:
        answer_results = [x for g in pool.map(lambda g: _answers(restory, responses, g), groups) for x in g]
        command_results = list(pool.map(lambda r: _command(restory, responses, r), commands))

    a, c = Counter(answer_results), Counter(command_results)
    n_a, n_c = len(answer_results), len(command_results)
    print(f"\ncalibration corpus over REST: {n_a} answers: kept {a['kept'] / n_a:.3f}, asked {a['asked'] / n_a:.3f}, "
          f"taken as a command or lost {a['hijacked'] / n_a:.3f}, risk-screen check or response {a['screened'] / n_a:.3f}; "
          f"{n_c} commands: honoured {c['honoured'] / n_c:.3f}, asked {c['asked'] / n_c:.3f}, missed {c['missed'] / n_c:.3f}")
    assert a["hijacked"] / n_a <= 0.02  # the understanding's own hijacks (issue target)
    assert (c["honoured"] + c["asked"]) / n_c >= 0.90  # honoured or asked about, never silently kept
    assert a["screened"] / n_a <= 0.10  # the risk screen's checks on ordinary answers (issue 6's part)
