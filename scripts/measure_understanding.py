"""Measure how the running bot understands messages typed inside a reflection prompt.

For every line of a corpus (JSONL: ``text``, ``kind``, ``command``) a new
person says hi, consents, skips the check-in, picks a theme, and then types
the line in answer to the first prompt. The reply is read against the
domain's own wording:

* an answer (kinds plain, lookalike, past, idiom) is **kept** when the bot
  reflects it back; **asked** when the bot asks whether to keep it as the
  answer; otherwise it was **hijacked** (taken as a command, given a safety
  response, or lost);
* a command is **honoured** when the bot does what it asks (the responses in
  :data:`EXPECTED`), **asked** when the bot asks first, otherwise **missed**.

Prints the rates by kind and by command, and optionally every miss.

    .venv/bin/python scripts/measure_understanding.py --url http://127.0.0.1:5005 --corpus FILE [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import Responses  # noqa: E402 (the domain's wording as patterns)

ANSWER_KINDS = ("plain", "lookalike", "past", "idiom")
#: What honouring each command looks like (any one of these responses).
EXPECTED = {
    "stop": ["utter_stopped"],
    "skip": ["utter_prompt_skipped", "utter_permission_declined"],
    "change_topic": ["utter_change_topic"],
    "help": ["utter_help", "utter_help_commands"],
    "what_is_saved": ["utter_privacy_saved", "utter_privacy_not_saved"],
    "look_back": ["utter_look_back_intro", "utter_look_back_none"],
    "delete_reflections": ["utter_confirm_delete", "utter_nothing_to_delete"],
    "delete_everything": ["utter_confirm_delete_everything"],
    "stop_saving": ["utter_consent_withdrawn"],
    "save_now": ["utter_consent_already", "utter_consent_thanks", "utter_consent_pending_saved"],
    "talk_to_person": ["utter_human_requested", "utter_human_request_failed", "utter_human_no_target"],
    "grounding": ["utter_grounding"],
    "not_safe": ["utter_safety_not_safe", "utter_safety_thank_you", "utter_safety_thank_you_urgent", "utter_ask_safe_now",
                 "utter_ask_safe_now_no_target"],
}
ASK = "utter_ask_keep_or_command"
SAFETY = ("utter_safety_thank_you", "utter_safety_thank_you_urgent", "utter_safety_thank_you_other", "utter_check_self", "utter_check_medical",
          "utter_check_others", "utter_check_home")  # fmt: skip


class Bot:
    def __init__(self, url: str, responses: Responses) -> None:
        self.url = url.rstrip("/") + "/webhooks/rest/webhook"
        self.responses = responses

    def say(self, sender: str, text: str) -> list[str]:
        reply = requests.post(self.url, json={"sender": sender, "message": text}, timeout=120)
        reply.raise_for_status()
        return [m.get("text", "") for m in reply.json() if m.get("text")]

    def said(self, texts: list[str], *names: str) -> bool:
        return any(self.responses.said(texts, n) for n in names if n in self.responses.texts)

    def at_first_prompt(self, theme: str) -> str:
        sender = f"measure-{uuid.uuid4().hex[:12]}"
        for text in ("hi", "yes", "skip"):
            self.say(sender, text)
        reply = self.say(sender, theme)
        if self.said(reply[-1:], "utter_ask_permission_deeper"):
            reply = self.say(sender, "yes")
        if not self.responses.prompts_in(reply[-1:]):
            raise RuntimeError(f"no prompt after choosing {theme!r}: {reply}")
        return sender


def outcome(bot: Bot, row: dict, theme: str) -> tuple[str, list[str]]:
    sender = bot.at_first_prompt(theme)
    reply = bot.say(sender, row["text"])
    if row["kind"] == "command":
        if bot.said(reply, *EXPECTED[row["command"]]):
            return "honoured", reply
        return ("asked" if bot.said(reply, ASK) else "missed"), reply
    if bot.said(reply, ASK):
        return "asked", reply
    if bot.said(reply, *SAFETY):
        return "screened", reply  # the risk screen's doing (a check question or the safety response)
    kept = bot.responses.find(reply, "utter_reflect_back")
    words = row["text"].strip()[:25].lower()
    if kept and any(words[:12] in k.lower() for k in kept):
        return "kept", reply
    return "hijacked", reply


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--theme", default="hope")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--misses", action="store_true", help="print every hijacked answer and missed command")
    args = parser.parse_args()

    rows = [json.loads(line) for line in Path(args.corpus).read_text().splitlines() if line.strip()]
    bot = Bot(args.url, Responses())
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(lambda r: outcome(bot, r, args.theme), rows))

    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_command: dict[str, Counter] = defaultdict(Counter)
    for row, (result, _) in zip(rows, results, strict=True):
        by_kind[row["kind"]][result] += 1
        if row["kind"] == "command":
            by_command[row["command"]][result] += 1
    answers = Counter()
    for kind in ANSWER_KINDS:
        answers.update(by_kind.get(kind, Counter()))
    print(f"corpus: {args.corpus} ({len(rows)} lines), theme {args.theme}")
    print("answers: kept / asked (keep it or the command?) / hijacked = taken as a command or lost /")
    print("         screened = a check question or safety response from the risk screen (also a hijack)")
    print(f"{'answers':<22}{'n':>5}{'kept':>8}{'asked':>8}{'hijacked':>10}{'screened':>10}{'all hijacks':>13}")
    for kind in (*ANSWER_KINDS, "all answers"):
        c = answers if kind == "all answers" else by_kind.get(kind, Counter())
        n = sum(c.values()) or 1
        print(f"{kind:<22}{sum(c.values()):>5}{c['kept'] / n:>8.3f}{c['asked'] / n:>8.3f}{c['hijacked'] / n:>10.3f}"
              f"{c['screened'] / n:>10.3f}{(c['hijacked'] + c['screened']) / n:>13.3f}")
    print(f"\n{'commands':<22}{'n':>5}{'honoured':>10}{'asked':>8}{'missed':>8}")
    total = Counter()
    for command in sorted(by_command):
        c = by_command[command]
        total.update(c)
        n = sum(c.values()) or 1
        print(f"{command:<22}{sum(c.values()):>5}{c['honoured'] / n:>10.3f}{c['asked'] / n:>8.3f}{c['missed'] / n:>8.3f}")
    n = sum(total.values()) or 1
    print(f"{'all commands':<22}{sum(total.values()):>5}{total['honoured'] / n:>10.3f}{total['asked'] / n:>8.3f}{total['missed'] / n:>8.3f}")
    if args.misses:
        print("\nmisses:")
        for row, (result, reply) in zip(rows, results, strict=True):
            if result in ("hijacked", "missed", "screened", "asked"):
                print(f"  [{row['kind']}/{row.get('command')}] {result}: {row['text']!r} -> {reply[:2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
