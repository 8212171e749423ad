"""Reflections, consent and deletion against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.consent import store as consent_store
from bot.reflection import store
from bot.storage.models import CheckIn, ConsentEvent, Reflection, ReflectionSession
from tests.actions.support import consent, save


def _count(database, model, participant_id: str = "person-1") -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count()).select_from(model).where(model.participant_id == participant_id)
        )


def test_save_answer_round_trips_through_list_reflections(database):
    consent(database)

    saved = save(database, theme="hope", prompt_key="hope_keeps_going", text="My sister.")
    save(database, theme="hope", prompt_key="hope_lighter_day", text="A walk.", session_id=saved.session_id)

    rows = store.list_reflections(database, "person-1")
    assert [(r["theme"], r["prompt"], r["text"]) for r in rows] == [
        ("hope", "hope_keeps_going", "My sister."),
        ("hope", "hope_lighter_day", "A walk."),
    ]
    assert rows[0]["prompt_text"] == "text of hope_keeps_going"
    assert {r["session_id"] for r in rows} == {saved.session_id}
    for row in rows:
        assert isinstance(datetime.fromisoformat(row["created_at"]), datetime)


def test_save_answer_without_consent_stores_nothing(database):
    assert save(database) is None

    assert store.list_reflections(database, "person-1") == []
    assert _count(database, ReflectionSession) == 0


def test_save_answer_after_withdrawal_stores_nothing_more(database):
    consent(database)
    assert save(database, text="before") is not None

    consent_store.withdraw(database, "person-1", "default", "test-1")

    assert save(database, text="after") is None
    assert [r["text"] for r in store.list_reflections(database, "person-1")] == ["before"]
    assert store.save_checkin(database, "person-1", "default", 5, "ok") is False
    assert _count(database, CheckIn) == 0


def test_save_answer_opens_a_new_session_for_another_theme(database):
    consent(database)
    first = save(database, theme="hope", prompt_key="hope_keeps_going")

    second = save(database, theme="meaning", prompt_key="meaning_matters", session_id=first.session_id)

    assert second.session_id != first.session_id
    assert store.recent_themes(database, "person-1") == ["meaning", "hope"]


def test_save_answer_never_joins_someone_elses_session(database):
    consent(database, "someone-else")
    consent(database)
    theirs = save(database, participant_id="someone-else")

    mine = save(database, session_id=theirs.session_id)

    assert mine.session_id != theirs.session_id


def test_last_session_and_finish_session(database):
    consent(database)
    saved = save(database, theme="hope", prompt_key="hope_keeps_going", text="a")
    save(database, theme="hope", prompt_key="hope_lighter_day", text="b", session_id=saved.session_id)

    assert store.finish_session(database, saved.session_id, "completed", "• “a”") is True

    last = store.last_session(database, "person-1")
    assert (last.theme, last.status, last.answered_keys, last.last_text) == (
        "hope",
        "completed",
        ("hope_keeps_going", "hope_lighter_day"),
        "b",
    )
    assert store.finish_session(database, None, "stopped") is False
    assert store.finish_session(database, 999_999, "stopped") is False


def test_delete_reflections_removes_words_and_keeps_consent_events(database):
    consent(database)
    consent(database, "someone-else")
    save(database, text="one")
    save(database, text="two")
    save(database, participant_id="someone-else", text="not mine")
    assert store.save_checkin(database, "person-1", "default", 7, "tired but ok") is True

    deleted = store.delete_reflections(database, "person-1")

    assert deleted == 2
    assert store.list_reflections(database, "person-1") == []
    assert _count(database, ReflectionSession) == 0
    assert _count(database, CheckIn) == 0
    assert _count(database, ConsentEvent) == 1
    assert consent_store.has_consented(database, "person-1") is True
    assert [r["text"] for r in store.list_reflections(database, "someone-else")] == ["not mine"]
    assert store.delete_reflections(database, "person-1") == 0


PERSON_TEXTS = {
    "emoji": "Hope 🌱 feels like my daughter 👩‍👧 laughing 😂🏳️‍🌈",
    "html": "<script>alert('x')</script> <b>bold</b> &amp; &lt;tag&gt;",
    "punctuation-sql": "Line one\nline two\ttabbed  — “quotes” and 'apostrophes' ; DROP TABLE reflection; --",
    "unicode": "Zalgo z̷̢a̸l̵g̶o, RTL שלום, CJK 希望, backslash \\x00",
    "20k-with-emoji": "x" * 19_999 + "😀",
    "20k-words": ("word " * 4_000)[:20_000],
}


def test_person_text_round_trips_exactly(database):
    consent(database)

    for key, text in PERSON_TEXTS.items():
        save(database, prompt_key=key, text=text)

    rows = store.list_reflections(database, "person-1")
    assert {r["prompt"]: r["text"] for r in rows} == PERSON_TEXTS
    assert len(rows[-1]["text"]) == 20_000
    with database.session() as session:
        stored = dict(session.execute(select(Reflection.prompt_key, Reflection.text)).all())
    assert stored == PERSON_TEXTS


def test_consent_events_are_appended_with_timestamps(database):
    consent_store.grant(database, "person-1", "default", "v1")
    consent_store.withdraw(database, "person-1", "default", "v1")
    consent_store.grant(database, "person-1", "default", "v2")

    with database.session() as session:
        events = session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).all()
        rows = [(e.granted, e.wording_version, e.created_at) for e in events]
    assert [(g, v) for g, v, _ in rows] == [(True, "v1"), (False, "v1"), (True, "v2")]
    assert all(isinstance(ts, datetime) for _, _, ts in rows)
    assert rows[0][2] <= rows[1][2] <= rows[2][2]
    assert consent_store.has_consented(database, "person-1") is True
