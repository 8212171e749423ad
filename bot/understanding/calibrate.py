"""Choose the classifier thresholds on the calibration set (``tests/data/understanding/validation.jsonl``).

Every line is parsed by the trained model in-process; the classifier's own
prediction (recorded by the Understanding component) is then run through
:func:`bot.understanding.interpret` inside a reflection prompt for a grid of
``SURE``/``UNSURE`` values. For each pair it prints the share of answers taken
as commands, the share asked about, and the share of commands honoured or
asked, so the thresholds can be read off the table (docs/understanding.md).
"""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path

from bot.understanding.state import State

# The module itself (the package re-exports a function of the same name).
interpreting = importlib.import_module("bot.understanding.interpret")

CALIBRATION = Path(__file__).resolve().parents[2] / "tests" / "data" / "understanding" / "validation.jsonl"
GRID_SURE = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)
GRID_UNSURE = (0.3, 0.4, 0.5, 0.6, 0.7)


def predictions(model_dir: str, rows: list[dict]) -> list[tuple[str | None, float]]:
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=model_dir))

    async def parse_all() -> list[tuple[str | None, float]]:
        out = []
        for row in rows:
            parsed = await agent.parse_message(row["text"])
            classifier = (parsed.get("understanding") or {}).get("classifier") or {}
            out.append((classifier.get("name"), float(classifier.get("confidence") or 0.0)))
        return out

    return asyncio.run(parse_all())


def table(rows: list[dict], preds: list[tuple[str | None, float]]) -> list[dict]:
    results = []
    original = (interpreting.SURE, interpreting.UNSURE)
    try:
        for sure in GRID_SURE:
            for unsure in GRID_UNSURE:
                if unsure > sure:
                    continue
                interpreting.SURE, interpreting.UNSURE = sure, unsure
                answers = commands = hijacked = asked_a = honoured = asked_c = 0
                for row, (name, confidence) in zip(rows, preds, strict=True):
                    decision = interpreting.interpret(row["text"], State.PROMPT, name, confidence)
                    if row["kind"] == "command":
                        commands += 1
                        honoured += decision.is_command and decision.command == row["command"]
                        asked_c += decision.ask == row["command"]
                    else:
                        answers += 1
                        hijacked += decision.is_command
                        asked_a += decision.ask is not None
                results.append({
                    "sure": sure, "unsure": unsure,
                    "answers_hijacked": hijacked / answers, "answers_asked": asked_a / answers,
                    "commands_honoured": honoured / commands, "commands_asked": asked_c / commands,
                })  # fmt: skip
    finally:
        interpreting.SURE, interpreting.UNSURE = original
    return results


def main(model_dir: str = "models", path: Path = CALIBRATION) -> int:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = predictions(model_dir, rows)
    print(f"calibration set: {path.name}, {sum(r['kind'] != 'command' for r in rows)} answers, "
          f"{sum(r['kind'] == 'command' for r in rows)} commands; grammar + classifier inside a prompt")
    print(f"{'SURE':>5} {'UNSURE':>6} {'ans hijacked':>13} {'ans asked':>10} {'cmd honoured':>13} {'cmd asked':>10}")
    for r in table(rows, preds):
        print(f"{r['sure']:>5.2f} {r['unsure']:>6.2f} {r['answers_hijacked']:>13.3f} {r['answers_asked']:>10.3f} "
              f"{r['commands_honoured']:>13.3f} {r['commands_asked']:>10.3f}")
    return 0
