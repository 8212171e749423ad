"""Consent turns: grant and withdrawal are recorded with a time; a "yes" saves what waited."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.consent import conversation as consent_turns
from bot.consent import store as consent_store
from bot.reflection import form, pending, store
from bot.storage.models import ConsentEvent, Participant
from tests.actions.support import make_conversation, programme, unmigrated_database


def events(database, participant_id: str = "person-1") -> list[tuple[bool, str, datetime]]:
    with database.session() as session:
        rows = session.scalars(
            select(ConsentEvent).where(ConsentEvent.participant_id == participant_id).order_by(ConsentEvent.id)
        )
        return [(e.granted, e.wording_version, e.created_at) for e in rows]


def test_grant_and_withdraw_are_recorded_with_timestamps(database):
    wording = programme().consent_wording_version

    granted = consent_turns.grant(make_conversation(), database)
    withdrawn = consent_turns.withdraw(make_conversation(slots={"consent": "granted"}), database)

    assert granted.responses == ["utter_consent_thanks"]
    assert granted.slots == {"consent": "granted", "pending_question": None}
    assert withdrawn.responses == ["utter_consent_withdrawn"]
    assert withdrawn.slots == {"consent": "declined", "pending_question": None}
    recorded = events(database)
    assert [(g, v) for g, v, _ in recorded] == [(True, wording), (False, wording)]
    assert all(isinstance(ts, datetime) for _, _, ts in recorded)
    assert recorded[0][2] <= recorded[1][2]
    assert consent_store.has_consented(database, "person-1") is False


def test_decline_at_the_start_is_recorded(db):
    turn = consent_turns.withdraw(make_conversation(slots={"pending_question": "consent"}), db)

    assert turn.responses == ["utter_consent_declined"]
    assert turn.slots == {"consent": "declined", "pending_question": None}
    assert [g for g, _, _ in events(db)] == [False]
    with db.session() as session:
        assert session.get(Participant, "person-1").consented is False


def test_grant_twice_says_already(db):
    consent_turns.grant(make_conversation(), db)

    turn = consent_turns.grant(make_conversation(slots={"consent": "granted"}), db)

    assert turn.responses == ["utter_consent_already"]
    assert turn.slots == {"pending_question": None}
    assert [g for g, _, _ in events(db)] == [True]


def test_grant_after_decline_records_again(db):
    consent_turns.withdraw(make_conversation(), db)

    turn = consent_turns.grant(make_conversation(slots={"consent": "declined"}), db)

    assert turn.responses == ["utter_consent_thanks"]
    assert [g for g, _, _ in events(db)] == [False, True]
    assert consent_store.has_consented(db, "person-1") is True


def test_granting_later_saves_the_pending_answers(db):
    consent_turns.withdraw(make_conversation(), db)
    slots = {"theme": "hope", "reflection_step": 0.0, "consent": "declined"}
    first = form.handle_answer(make_conversation(text="My dog", slots=slots), db, {})
    slots = {**slots, **first.slots}
    second = form.handle_answer(make_conversation(text="Sunday walks", slots=slots), db, {})
    slots = {**slots, **second.slots}
    assert store.list_reflections(db, "person-1") == []

    turn = pending.grant(make_conversation(slots=slots), db)  # consent, then what waited for it

    assert turn.responses == ["utter_consent_thanks", "utter_consent_pending_saved"]
    assert [a["saved"] for a in turn.slots["reflection_answers"]] == [True, True]
    assert turn.slots["consent"] == "granted"
    rows = store.list_reflections(db, "person-1")
    assert [(r["prompt"], r["text"]) for r in rows] == [
        ("hope_keeps_going", "My dog"),
        ("hope_lighter_day", "Sunday walks"),
    ]
    assert turn.slots["reflection_session_id"] == float(rows[0]["session_id"])


def test_grant_storage_failure_is_told(tmp_path):
    turn = consent_turns.grant(make_conversation(), unmigrated_database(tmp_path))

    assert turn.responses == ["utter_storage_problem"]
    assert turn.slots == {"pending_question": None}


@pytest.mark.parametrize("consent_slot", ["granted", None])
def test_withdraw_storage_failure_is_told_and_stops_saving(tmp_path, consent_slot):
    turn = consent_turns.withdraw(make_conversation(slots={"consent": consent_slot}), unmigrated_database(tmp_path))

    assert turn.responses == ["utter_storage_problem"]
    assert turn.slots == {"consent": "declined", "pending_question": None}


def test_nothing_is_saved_after_a_withdrawal_that_failed_to_record(db, monkeypatch):
    """``consent.withdraw`` says: if recording fails, "nothing more will be saved ... the slot says so"."""
    consent_turns.grant(make_conversation(), db)

    def broken_withdraw(*_args, **_kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(consent_store, "withdraw", broken_withdraw)
    withdrawn = consent_turns.withdraw(make_conversation(slots={"consent": "granted"}), db)
    assert withdrawn.slots["consent"] == "declined"

    slots = {"theme": "hope", "reflection_step": 0.0, "consent": "declined"}
    form.handle_answer(make_conversation(text="something private", slots=slots), db, {})

    assert store.list_reflections(db, "person-1") == []
