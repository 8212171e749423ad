"""The ``python -m bot screen`` contract, exercised as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.safety import CATEGORIES, LEVELS

ROOT = Path(__file__).resolve().parents[2]
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY if VENV_PY.exists() else sys.executable)
DEV_SET = ROOT / "tests" / "data" / "safety" / "dev.jsonl"


def run_cli(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(
        [PYTHON, "-m", "bot", "screen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def test_one_json_object_per_input_line_in_order():
    lines = [
        "I want to kill myself",
        "",
        "this essay is killing me",
        "he hits me",
        "took too many",
        "🪦🔪💊 <b>hi</b>",
    ]
    proc = run_cli(stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == len(lines)
    results = [json.loads(line) for line in out]
    for r in results:
        assert isinstance(r["escalate"], bool)
        assert r["category"] in (None, *CATEGORIES)
        assert r["level"] in LEVELS
        assert isinstance(r["rules"], list)
        assert isinstance(r["concepts"], list)
        assert r["score"] is None or 0.0 <= r["score"] <= 1.0
        # escalate is true only for concern/urgent; a check is a question, not an escalation.
        assert r["escalate"] is (r["level"] in ("concern", "urgent"))
    assert [r["category"] for r in results[:5]] == [
        "suicide",
        None,
        None,
        "abuse_or_unsafe_home",
        "overdose_or_medical",
    ]
    assert results[0]["level"] == "urgent"


def test_flushes_each_line_before_stdin_closes():
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    proc = subprocess.Popen(
        [PYTHON, "-m", "bot", "screen"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        proc.stdin.write("i want to die\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # would hang without a per-line flush
        assert first["escalate"] is True
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_help_works():
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "--evaluate" in proc.stdout


def test_context_flag_carries_previous_result():
    proc = run_cli("--context", stdin="i wish i was dead\ni have the pills here\n")
    second = json.loads(proc.stdout.splitlines()[1])
    assert (second["category"], second["level"]) == ("suicide", "urgent")


@pytest.mark.skipif(not DEV_SET.exists(), reason="dev set missing")
def test_evaluate_prints_the_table():
    proc = run_cli("--evaluate", str(DEV_SET))
    assert proc.returncode == 0, proc.stderr
    for needle in (
        "recall suicide",
        "overall recall",
        "explicit",
        "false-positive rate",
        "level accuracy",
        "naive",
        "latency ms/message, median",
    ):
        assert needle in proc.stdout
