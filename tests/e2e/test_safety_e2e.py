"""End to end: a risk disclosure inside a reflection, against the real product.

Safety comes first in the same response, the escalation is recorded, the
programme's receiver gets a signed webhook from the outbox worker, a single
"I'm fine" does not close the check, and reflection does not resume before
the person has been asked again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.escalation import signing
from bot.storage.models import Escalation
from tests.e2e.conftest import answer_prompts, new_sender

pytestmark = pytest.mark.e2e

DISCLOSURE = "i don't want to be alive anymore"
WEBHOOK_TIMEOUT = 20.0


def _no_reflection_in(responses, texts: list[str]) -> None:
    assert not responses.prompts_in(texts), f"a reflection prompt in a safety response: {texts}"
    for name in ("utter_ask_permission_deeper", "utter_theme_chosen", "utter_reflect_back",
                 "utter_closing_summary"):
        assert not responses.said(texts, name), f"{name} in a safety response: {texts}"


def test_disclosure_in_a_reflection_puts_safety_first(restory, responses, db):
    sender = new_sender("safety")

    def send(text: str) -> list[str]:
        return restory.say(sender, text)

    assert responses.said(send("hi"), "utter_ask_consent")
    assert responses.said(send("yes"), "utter_ask_checkin")
    assert responses.said(send("skip"), "utter_ask_theme")
    started = send("hope")
    assert responses.prompts_in(started[-1:]), f"the reflection did not start: {started}"
    done, reply = answer_prompts(
        send, responses, started, ["Mostly my dog Pepper and our early walks by the canal."], limit=1
    )
    # Mid-reflection: the bot is waiting for the next answer (a prompt, or permission for one).
    assert len(done) == 1, reply
    assert responses.prompts_in(reply[-1:]) or responses.said(
        reply[-1:], "utter_ask_permission_deeper"
    ), reply

    # The disclosure: thanks, contacts, "are you safe right now?" in the same response.
    safety = send(DISCLOSURE)
    joined = "\n".join(safety)
    assert responses.said(safety, "utter_safety_thank_you"), (
        f"no safety response to {DISCLOSURE!r}: {safety}\n{restory.log_tail(40)}"
    )
    contacts = responses.find(safety, "utter_safety_contacts")
    assert contacts and "988" in contacts[0], safety
    assert "741741" in joined, safety
    assert responses.said(safety, "utter_ask_safe_now"), safety
    assert "are you safe right now" in joined.lower(), safety
    _no_reflection_in(responses, safety)
    assert DISCLOSURE not in joined, "the disclosure was repeated back"

    # A durable escalation record.
    def _escalations():
        with db.session() as s:
            return s.scalars(select(Escalation).where(Escalation.conversation_id == sender)).all()

    escalations = restory.wait_for(_escalations, 5)
    assert len(escalations) == 1, escalations
    esc = escalations[0]
    assert (esc.status, esc.category, esc.participant_id) == ("open", "suicide", sender)
    assert esc.level in ("concern", "urgent")

    # … and a signed webhook, delivered by the outbox worker.
    key = f"esc-{esc.id}-opened"

    def _delivered():
        return [r for r in restory.receiver.requests if r.key == key]

    received = restory.wait_for(_delivered, WEBHOOK_TIMEOUT)
    assert received, (
        f"no webhook with Idempotency-Key {key} within {WEBHOOK_TIMEOUT:.0f}s; receiver got "
        f"{[r.key for r in restory.receiver.requests]}\n{restory.log_tail(40)}"
    )
    hook = received[0]
    assert hook.key == key
    assert hook.content_type.startswith("application/json")
    assert hook.signature.startswith("sha256=")
    assert signing.verify(restory.secret, hook.timestamp, hook.body, hook.signature)
    assert not signing.verify("not-the-secret", hook.timestamp, hook.body, hook.signature)
    payload = hook.json()
    assert payload["idempotency_key"] == key
    assert payload["event"] == "opened"
    assert payload["escalation"]["id"] == esc.id
    assert payload["escalation"]["conversation_id"] == sender
    assert payload["escalation"]["category"] == "suicide"
    assert "message_excerpt" not in payload, "the person's words left the deployment"
    assert DISCLOSURE not in hook.body.decode("utf-8")
    assert key in restory.receiver.processed

    # "I'm fine": acknowledged, door kept open, no reflection.
    fine = send("i'm fine")
    assert responses.said(fine, "utter_safety_door_open"), fine
    assert responses.said(fine, "utter_safety_ack_safe"), (
        f"'i'm fine' was not acknowledged as safe: {fine}"
    )
    _no_reflection_in(responses, fine)

    # Asking to reflect again: safety is re-checked first, no prompt.
    for ask in ("hope", "let's reflect"):
        again = send(ask)
        assert responses.said(again, "utter_safety_recheck"), f"{ask!r} -> {again}"
        assert "check in again" in " ".join(again).lower()
        _no_reflection_in(responses, again)

    # Still one episode for this conversation.
    escalations = _escalations()
    assert len(escalations) == 1 and escalations[0].status == "open", escalations
