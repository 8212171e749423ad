"""Session start (new and returning people) and greetings."""

from __future__ import annotations

import pytest

from bot.consent import store as consent_store
from bot.core import welcome
from bot.reflection import store
from tests.actions.support import consent, make_conversation, programme, save, unmigrated_database

NEW_PERSON = [
    "utter_welcome",
    "utter_your_choices",
    "utter_ask_consent",
]


@pytest.mark.parametrize(("key", "emergency"), [("default", "911"), ("example-uk", "999")])
def test_session_start_new_person(db, key, emergency):
    prog = programme(key)

    turn = welcome.session_start(make_conversation(prog=prog), db)

    assert turn.responses == NEW_PERSON
    assert turn.slots["pending_question"] == "consent"
    assert turn.slots["programme"] == key
    assert turn.slots["emergency_number"] == emergency
    assert turn.slots["crisis_contacts"] == prog.crisis_lines()
    assert turn.slots["programme_name"] == prog.display_name
    assert turn.slots["visible_to"] == prog.reflections_visible_to
    assert turn.slots["retention"] == prog.retention
    assert turn.slots["human_support"] == prog.human_support_name
    assert "organisation" not in turn.slots
    assert "consent" not in turn.slots


def test_session_start_returning_person_with_saved_reflections(db):
    consent(db)
    saved = save(db, theme="identity", prompt_key="identity_beyond")
    store.finish_session(db, saved.session_id, "completed")

    turn = welcome.session_start(make_conversation(), db)

    assert turn.responses == ["utter_welcome_back", "utter_welcome_back_theme", "utter_what_i_am_not", "utter_ask_theme"]
    assert turn.says[1].vars == {"theme_label": "identity"}
    assert turn.slots["consent"] == "granted"
    assert turn.slots["pending_question"] is None
    assert turn.slots["emergency_number"] == "911"
    buttons = turn.says[-1].buttons
    assert buttons[0] == {"title": "Look back at what I saved", "payload": "/look_back"}
    assert {"title": "Continue where I left off", "payload": "/continue_previous"} not in buttons


def test_session_start_returning_person_who_declined(db):
    consent_store.withdraw(db, "person-1")

    turn = welcome.session_start(make_conversation(), db)

    assert turn.responses == ["utter_welcome_back", "utter_what_i_am_not", "utter_ask_theme"]
    assert turn.slots["consent"] == "declined"
    assert all(b["payload"] != "/look_back" for b in turn.says[-1].buttons)


def test_session_start_returning_person_after_deleting_everything(db):
    consent(db)
    save(db)
    store.delete_reflections(db, "person-1")

    turn = welcome.session_start(make_conversation(), db)

    assert turn.responses == ["utter_welcome_back", "utter_what_i_am_not", "utter_ask_theme"]
    assert all(b["payload"] != "/look_back" for b in turn.says[-1].buttons)


def test_session_start_treats_a_storage_failure_as_a_new_person(tmp_path):
    turn = welcome.session_start(make_conversation(), unmigrated_database(tmp_path))

    assert turn.responses == NEW_PERSON
    assert turn.slots["pending_question"] == "consent"


@pytest.mark.parametrize(("first_turn", "responses"), [(True, []), (False, ["utter_greet_again"])])
def test_greet(first_turn, responses):
    turn = welcome.greet(make_conversation(text="hi", intent="greet"), first_turn)

    assert turn.responses == responses
    assert turn.slots == {}
