"""End to end: whole journeys against the real running product.

REST and socket.io, consent given and declined, and bad input. Database rows
are checked directly, and through the staff command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
import requests
from sqlalchemy import select

from bot.storage.models import CheckIn, ConsentEvent, Participant, Reflection, ReflectionSession
from tests.e2e.conftest import PYTHON, ROOT, SocketChat, answer_prompts, new_sender

pytestmark = pytest.mark.e2e

# One distinct sentence per prompt (no sentence is a command, none is risky).
ANSWERS = [
    "My sister Ana and the Tuesday allotment group, where nobody rushes me.",
    "Last spring my neighbour sat with me on the steps and we shared oranges.",
    "They might say I am a good listener and I remember birthdays.",
    "I could send Ana a photo of the first tomatoes from the allotment.",
    "Painting birds on old postcards has been my quiet anchor this year.",
]


def _welcome_checks(responses, texts: list[str]) -> None:
    """At most 3 short messages (about 70 words) before the first choice, saying
    what this is and is not, how to stop, and who would see saved answers."""
    welcome = responses.find(texts, "utter_welcome")
    assert welcome and "not a person, therapy or an emergency service" in welcome[0], texts
    assert responses.said(texts, "utter_ask_consent"), texts
    assert len(texts) <= 3, texts
    assert sum(len(t.split()) for t in texts) <= 80, texts


def _starts_at_first_prompt(responses, started: list[str], theme: str) -> None:
    """The message that chose the theme is not an answer: the journey starts at prompt 1."""
    from bot.reflection.script import prompts_for

    assert not responses.said(started, "utter_reflect_back"), (
        f"the message that chose the theme was taken as the first answer: {started}"
    )
    first = prompts_for(theme)[0].response
    assert responses.prompts_in(started[-1:]) == [first], (
        f"expected the first {theme} prompt ({first}), got: {started}"
    )


def test_full_journey_over_rest_is_saved(restory, responses, db):
    sender = new_sender("rest")

    def send(text: str) -> list[str]:
        return restory.say(sender, text)

    # Welcome, transparency, consent question.
    hello = send("hi")
    _welcome_checks(responses, hello)

    # Consent given → thanks + check-in question.
    consented = send("yes")
    assert responses.said(consented, "utter_consent_thanks"), consented
    assert responses.said(consented, "utter_ask_checkin"), consented

    # Check-in → thanks + theme menu.
    checked_in = send("6, a bit tired")
    assert responses.said(checked_in, "utter_checkin_thanks"), checked_in
    assert responses.said(checked_in, "utter_ask_theme"), checked_in

    # Choose a theme by typing it → theme chosen + first prompt.
    started = send("connectedness")
    chosen = responses.find(started, "utter_theme_chosen")
    assert chosen and "connectedness" in chosen[0].lower(), started
    _starts_at_first_prompt(responses, started, "connectedness")

    done, closing = answer_prompts(send, responses, started, ANSWERS)
    assert len(done) >= 3, [d.prompt for d in done]
    assert len({d.prompt for d in done}) == len(done), "a prompt was asked twice"

    # Every answer is reflected back in the person's own words.
    for item in done:
        reflected = responses.find(item.reply, "utter_reflect_back")
        assert reflected, f"no reflect-back after {item.text!r}: {item.reply}"
        assert item.text in reflected[0], (item.text, reflected)

    # Closing: summary quoting them, saved, grounding, how to come back.
    summary = responses.find(closing, "utter_closing_summary")
    assert summary, f"no closing summary: {closing}"
    quoted = [d.text for d in done if d.text in summary[0]]
    assert len(quoted) >= min(len(done), 4), (summary[0], [d.text for d in done])
    assert responses.said(closing, "utter_closing_saved"), closing
    assert responses.said(closing, "utter_closing_grounding"), closing
    assert responses.said(closing, "utter_how_to_come_back"), closing
    assert not responses.prompts_in(closing), closing

    # The database, directly.
    with db.session() as s:
        participant = s.get(Participant, sender)
        assert participant is not None and participant.consented is True
        events = s.scalars(select(ConsentEvent).where(ConsentEvent.participant_id == sender)).all()
        assert [e.granted for e in events] == [True]
        checkins = s.scalars(select(CheckIn).where(CheckIn.participant_id == sender)).all()
        assert [(c.score, c.text) for c in checkins] == [(6, "6, a bit tired")]
        sessions = s.scalars(
            select(ReflectionSession).where(ReflectionSession.participant_id == sender)
        ).all()
        assert [(r.theme, r.status) for r in sessions] == [("connectedness", "completed")]
        assert sessions[0].ended_at is not None
        rows = s.scalars(
            select(Reflection).where(Reflection.participant_id == sender).order_by(Reflection.id)
        ).all()
        assert [r.text for r in rows] == [d.text for d in done]
        assert [f"utter_prompt_{r.prompt_key}" for r in rows] == [d.prompt for d in done]
        assert all(r.session_id == sessions[0].id for r in rows)
        assert [r.prompt_text for r in rows] == [responses.texts[d.prompt][0] for d in done]

    # The staff command line lists the same reflections.
    cli = subprocess.run(
        [str(PYTHON), "-m", "bot", "reflections", "list", "--participant", sender, "--json",
         "--url", restory.db_url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        | {"RASA_TELEMETRY_ENABLED": "false"},
    )
    assert cli.returncode == 0, cli.stderr
    listed = json.loads(cli.stdout)
    assert [r["text"] for r in listed] == [d.text for d in done]
    assert {r["theme"] for r in listed} == {"connectedness"}


def test_declined_journey_over_socketio_saves_nothing(restory, responses, db):
    sender = new_sender("sio")
    chat = SocketChat(restory.base_url, sender)
    try:
        hello = chat.say("hi")
        _welcome_checks(responses, hello)

        declined = chat.say("no")
        assert responses.said(declined, "utter_consent_declined"), declined
        assert "the record of our chat keeps none of your words" in " ".join(declined)
        assert responses.said(declined, "utter_ask_checkin"), declined

        skipped = chat.say("skip")
        assert responses.said(skipped, "utter_checkin_skipped"), skipped
        assert responses.said(skipped, "utter_ask_theme"), skipped

        started = chat.say("hope")
        assert responses.said(started, "utter_theme_chosen"), started
        assert responses.prompts_in(started[-1:]), started

        done, last = answer_prompts(chat.say, responses, started, ANSWERS, limit=2)
        assert len(done) == 2
        for item in done:
            reflected = responses.find(item.reply, "utter_reflect_back")
            assert reflected and item.text in reflected[0], item.reply

        stopped = chat.say("stop")
        assert responses.said(stopped, "utter_stopped"), stopped
        assert responses.said(stopped, "utter_stopped_not_saved"), stopped
        assert "Nothing has been saved" in " ".join(stopped)
        assert not responses.said(stopped, "utter_stopped_saved"), stopped
        assert not responses.prompts_in(stopped), stopped
    finally:
        chat.close()

    with db.session() as s:
        assert s.scalars(select(Reflection).where(Reflection.participant_id == sender)).all() == []
        assert (
            s.scalars(
                select(ReflectionSession).where(ReflectionSession.participant_id == sender)
            ).all()
            == []
        )
        assert s.scalars(select(CheckIn).where(CheckIn.participant_id == sender)).all() == []
        events = s.scalars(select(ConsentEvent).where(ConsentEvent.participant_id == sender)).all()
        assert [e.granted for e in events] == [False]
        participant = s.get(Participant, sender)
        assert participant is None or participant.consented is False

    # The real tracker store (PostgreSQL here) keeps none of the declined person's words:
    # no message text, no bot message quoting them; this sitting's answers only in the
    # running conversation's slots, cleared once it has been idle for an hour.
    import sqlalchemy as sa

    from bot.storage.tracker_store import FORGET_AFTER_SECONDS, forget_idle

    rows = tracker_rows(restory.db_url, sender)
    assert rows, "the conversation's events are kept (types, intents, risk flags)"
    assert all(r.get("text") in ("", None) for r in rows if r["event"] in ("user", "bot") and r.get("restory_removed"))
    not_slots = "\n".join(json.dumps(r) for r in rows if r["event"] != "slot")
    with_words = [r for r in rows if any(item.text in json.dumps(r) for item in done)]
    for item in done:
        assert item.text not in not_slots, f"{item.text!r} found outside the running slots"
    assert {r["event"] for r in with_words} <= {"slot"}
    assert any(r.get("parse_data", {}).get("intent", {}).get("name") for r in rows if r["event"] == "user")
    engine = sa.create_engine(restory.db_url)
    try:
        forget_idle(engine, now=time.time() + FORGET_AFTER_SECONDS + 1)
    finally:
        engine.dispose()
    after = tracker_rows(restory.db_url, sender)
    print(f"\ntracker rows after a declined conversation: {len(rows)} events "
          f"({sum(1 for r in rows if r['event'] == 'user')} user messages, none with text); "
          f"{len(with_words)} slot events held this sitting's answers; after an hour idle: "
          f"{sum(1 for r in after if any(i.text in json.dumps(r) for i in done))}")
    for item in done:
        assert item.text not in json.dumps(after)


def tracker_rows(db_url: str, sender: str) -> list[dict]:
    """Every stored Rasa event of a conversation, decoded."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            raw = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(r) for r in raw]


def test_delete_everything_leaves_only_a_content_free_audit_row(restory, responses, db):
    from bot.storage.models import Erasure

    sender = new_sender("erase")
    for text in ("hi", "yes", "a rough day", "hope"):
        restory.say(sender, text)
    restory.say(sender, "my sister bernadette and her allotment")
    before = tracker_rows(restory.db_url, sender)
    asked = restory.say(sender, "delete everything about me")
    assert responses.said(asked, "utter_confirm_delete_everything"), asked
    done = restory.say(sender, "yes")
    assert responses.said(done, "utter_deleted_everything"), done
    after = tracker_rows(restory.db_url, sender)
    with db.session() as s:
        assert s.scalars(select(Reflection).where(Reflection.participant_id == sender)).all() == []
        assert s.scalars(select(CheckIn).where(CheckIn.participant_id == sender)).all() == []
        assert s.scalars(select(ConsentEvent).where(ConsentEvent.participant_id == sender)).all() == []
        assert s.get(Participant, sender) is None
        [audit] = s.scalars(select(Erasure).where(Erasure.participant_id == sender)).all()
        counts = dict(audit.counts)
    print(f"\ndelete everything: tracker events {len(before)} before -> {len(after)} after; audit row {counts}")
    assert after == []
    assert counts["reflections"] == 1 and counts["check_ins"] == 1 and counts["consent_events"] == 1
    assert counts["conversation_events"] >= len(before)
    assert "bernadette" not in json.dumps(counts)
    again = restory.say(sender, "hi")
    assert responses.said(again, "utter_ask_consent"), again  # a fresh start


LONG = ("I have been thinking about my garden and the small green shoots coming up. " * 700)[:50_000]
HTML = "<script>alert(1)</script>"


def _kind_answer(responses, texts: list[str], what: str) -> None:
    """At least one message, each a known domain response (no stack traces, no echoes)."""
    assert texts, f"no answer at all to {what}"
    for text in texts:
        names = responses.names(text)
        assert names or text.startswith("• "), f"unexpected text in answer to {what}: {text[:300]!r}"
        assert "<script>" not in text, f"the bot echoed raw HTML for {what}: {text[:300]!r}"


def test_bad_input_gets_a_kind_answer_and_nothing_is_lost(restory, responses, db):
    sender = new_sender("bad")
    say = restory.say

    _welcome_checks(responses, say(sender, "hi"))
    assert responses.said(say(sender, "yes"), "utter_ask_checkin")
    assert responses.said(say(sender, "skip"), "utter_ask_theme")

    # Outside a reflection: each gets a kind, known answer.
    for what, message in [
        ("an empty message", ""),
        ("a 50,000-character message", LONG),
        ("emoji only", "🌱🌱"),
        ("HTML", HTML),
    ]:
        _kind_answer(responses, say(sender, message, timeout=180), what)

    # A broken JSON body is refused, not a crash.
    broken = requests.post(
        restory.rest_url, data="{not json", headers={"Content-Type": "application/json"}, timeout=30
    )
    if 200 <= broken.status_code < 300:
        body = broken.json()
        assert isinstance(body, dict) and ("error" in body or "message" in body), broken.text
    else:
        assert 400 <= broken.status_code < 500, (broken.status_code, broken.text, restory.log_tail())

    # … and the server keeps working.
    helped = say(sender, "help")
    assert responses.said(helped, "utter_help"), helped
    assert restory.proc.poll() is None, restory.log_tail()

    # Inside a reflection, odd answers are stored exactly as typed.
    started = say(sender, "meaning")
    assert responses.said(started, "utter_theme_chosen"), started
    assert responses.prompts_in(started[-1:]), started

    odd = [HTML, "🌱🌱", LONG]
    done, _ = answer_prompts(lambda t: say(sender, t, timeout=180), responses, started, odd, limit=3)
    assert [d.text for d in done] == odd
    html_reply, emoji_reply, long_reply = (d.reply for d in done)
    assert responses.said(html_reply, "utter_reflect_back"), html_reply
    assert "<script>" not in " ".join(html_reply), html_reply
    emoji_back = responses.find(emoji_reply, "utter_reflect_back")
    assert emoji_back and "🌱🌱" in emoji_back[0], emoji_reply
    assert responses.said(long_reply, "utter_answer_too_long"), long_reply[:3]
    assert responses.said(long_reply, "utter_reflect_back"), long_reply[:3]

    # Stored as typed: the answer to each prompt we answered, exactly.
    from bot.reflection.words import MAX_ANSWER_CHARS

    with db.session() as s:
        rows = s.scalars(
            select(Reflection).where(Reflection.participant_id == sender).order_by(Reflection.id)
        ).all()
        stored = {f"utter_prompt_{r.prompt_key}": r.text for r in rows}
    html_item, emoji_item, long_item = done
    assert stored.get(html_item.prompt) == HTML, stored.get(html_item.prompt)
    assert stored.get(emoji_item.prompt) == "🌱🌱", stored.get(emoji_item.prompt)
    long_stored = stored.get(long_item.prompt) or ""
    assert long_stored == LONG.strip()[:MAX_ANSWER_CHARS], len(long_stored)
    assert restory.proc.poll() is None, restory.log_tail()
