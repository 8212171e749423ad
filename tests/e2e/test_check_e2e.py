"""End to end: the gentle check inside a reflection, against the real product.

An ambiguous answer gets one question and nothing is escalated; "no" keeps
the answer (saved, with consent) and the reflection goes on with the next
prompt; "yes" gives the full safety response and records one escalation with
the message that raised the check. The transcripts are printed (``-s``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.reflection import store as reflection_store
from bot.storage.models import Escalation
from tests.e2e.conftest import answer_prompts, new_sender

pytestmark = pytest.mark.e2e

# Ambiguous on purpose. The first of these the shipped screen reads as "check"
# is used; at least one must be (asserted), so a retrained model that reads
# them all differently fails loudly instead of skipping the dialogue.
CANDIDATES = [
    "nobody would miss me",
    "i'm tired of fighting",
    "some days i don't see the point",
    "not for long",
]


def _ambiguous() -> str:
    from bot.safety import get_screen

    screen = get_screen()
    found = [t for t in CANDIDATES if (r := screen.screen(t)).level == "check" and r.category in ("suicide", "self_harm")]
    assert found, "no candidate is a check for the shipped screen: update CANDIDATES"
    return found[0]




def _start_reflection(restory, responses, sender):
    def send(text: str) -> list[str]:
        reply = restory.say(sender, text)
        print(f"> Person: {text}")
        for line in reply:
            print(f"> Restory: {line}")
        return reply

    assert responses.said(send("hi"), "utter_ask_consent")
    assert responses.said(send("yes"), "utter_ask_checkin")
    assert responses.said(send("skip"), "utter_ask_theme")
    started = send("hope")
    done, reply = answer_prompts(send, responses, started, ["My sister, and my dog Pepper."], limit=1)
    assert len(done) == 1, reply
    return send, reply


def _escalations(db, sender):
    with db.session() as s:
        return s.scalars(select(Escalation).where(Escalation.conversation_id == sender)).all()


def test_check_answered_no_keeps_the_answer_and_goes_on(restory, responses, db):
    sender = new_sender("check-no")
    send, before = _start_reflection(restory, responses, sender)
    if responses.said(before[-1:], "utter_ask_permission_deeper"):
        before = send("yes")

    ambiguous = _ambiguous()
    asked = send(ambiguous)
    assert responses.said(asked, "utter_check_self"), asked
    assert not responses.said(asked, "utter_safety_thank_you"), asked
    assert not responses.prompts_in(asked), f"the next prompt came before the answer: {asked}"
    assert _escalations(db, sender) == []

    after = send("no")
    assert responses.said(after, "utter_check_no"), after
    assert responses.said(after, "utter_reflect_back"), after
    assert ambiguous in " ".join(after), "their words were not kept as the answer"
    assert responses.prompts_in(after[-1:]) or responses.said(after[-1:], "utter_ask_permission_deeper"), after
    assert _escalations(db, sender) == []
    saved = [r["text"] for r in reflection_store.list_reflections(db, sender)]
    assert ambiguous in saved, saved


def test_check_answered_yes_gets_the_full_response_and_one_escalation(restory, responses, db):
    sender = new_sender("check-yes")
    send, before = _start_reflection(restory, responses, sender)
    if responses.said(before[-1:], "utter_ask_permission_deeper"):
        before = send("yes")

    assert responses.said(send(_ambiguous()), "utter_check_self")
    reply = send("yes")
    assert responses.said(reply, "utter_safety_thank_you"), reply
    assert responses.said(reply, "utter_safety_contacts"), reply
    assert responses.said(reply, "utter_ask_safe_now"), reply
    assert not responses.prompts_in(reply), reply

    rows = restory.wait_for(lambda: _escalations(db, sender), 5)
    assert len(rows) == 1, rows
    assert rows[0].category == "suicide" and rows[0].level == "concern"
    assert "person:check_yes" in rows[0].rules
