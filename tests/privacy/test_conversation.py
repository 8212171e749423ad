"""Privacy turns: what is saved, and deleting it after a confirmation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.privacy import conversation as privacy
from bot.reflection import store
from bot.storage.models import CheckIn, ConsentEvent
from tests.actions.support import consent, make_conversation, save, unmigrated_database


def test_explain_when_consented_counts_the_saved_reflections(database):
    consent(database)
    save(database, text="one")
    save(database, text="two")

    turn = privacy.explain(make_conversation(), database)

    assert turn.responses == ["utter_privacy_saved", "utter_privacy_safety_note"]
    assert turn.says[0].vars == {"reflection_count": 2}
    assert turn.slots == {}


def test_explain_when_not_consented(db):
    turn = privacy.explain(make_conversation(), db)

    assert turn.responses == ["utter_privacy_not_saved", "utter_privacy_safety_note"]


@pytest.mark.parametrize(
    ("consent_slot", "first"), [("granted", "utter_privacy_saved"), ("declined", "utter_privacy_not_saved")]
)
def test_explain_falls_back_to_the_slot_when_storage_fails(tmp_path, consent_slot, first):
    turn = privacy.explain(make_conversation(slots={"consent": consent_slot}), unmigrated_database(tmp_path))

    assert turn.responses == [first, "utter_privacy_safety_note"]


@pytest.mark.parametrize("unsaved", [[], [{"key": "hope_next", "text": "x", "theme": "hope", "saved": False}]])
def test_ask_delete_with_nothing_saved(db, unsaved):
    """Nothing saved: say so; the following yes/no is still routed to delete, harmlessly."""
    turn = privacy.ask_delete(make_conversation(slots={"reflection_answers": unsaved}), db)

    assert turn.responses == ["utter_nothing_to_delete"]
    assert turn.slots == {"pending_question": "delete"}


def test_ask_delete_asks_for_confirmation(db):
    consent(db)
    save(db)

    turn = privacy.ask_delete(make_conversation(), db)

    assert turn.responses == ["utter_confirm_delete"]
    assert turn.slots == {"pending_question": "delete"}


def test_delete_with_nothing_saved(db):
    turn = privacy.delete(make_conversation(slots={"pending_question": "delete"}), db)

    assert turn.responses == ["utter_nothing_to_delete"]
    assert turn.slots == {"pending_question": None, "reflection_answers": [], "reflection_session_id": None}


def test_delete_removes_reflections_and_keeps_consent(database):
    consent(database)
    save(database, text="one")
    save(database, text="two")
    store.save_checkin(database, "person-1", "default", 4, "meh")

    turn = privacy.delete(make_conversation(slots={"pending_question": "delete"}), database)

    assert turn.responses == ["utter_deleted"]
    assert turn.says[0].vars == {"deleted_count": 2}
    assert turn.slots == {"pending_question": None, "reflection_answers": [], "reflection_session_id": None}
    assert store.list_reflections(database, "person-1") == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 0
        assert session.scalar(select(func.count()).select_from(ConsentEvent)) == 1


def test_delete_storage_failure_is_told(tmp_path):
    turn = privacy.delete(make_conversation(), unmigrated_database(tmp_path))

    assert turn.responses == ["utter_storage_problem"]
    assert turn.slots == {"pending_question": None}


def test_cancel_delete_keeps_everything(db):
    consent(db)
    save(db)

    turn = privacy.cancel_delete(make_conversation(slots={"pending_question": "delete"}))

    assert turn.responses == ["utter_delete_cancelled"]
    assert turn.slots == {"pending_question": None}
    assert len(store.list_reflections(db, "person-1")) == 1
