"""The reflection journey turn by turn (``bot.reflection`` menu, checkin, form, pending) on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.reflection import checkin, form, menu, pending, store
from bot.reflection.form import ASKED, DONE, GRANTED
from bot.reflection.words import MAX_ANSWER_CHARS
from bot.storage.models import CheckIn, ReflectionSession
from tests.actions.support import (
    consent,
    limited_programme,
    make_conversation,
    save,
    unmigrated_database,
)

PROMPT_TEXTS = {
    "utter_prompt_hope_keeps_going": "What has kept you going?",
    "utter_prompt_hope_values": "What does it tell you about what matters?",
}

#: The slots a turn clears once the words at a question are used (bot.understanding.keep).
SETTLED = {"pending_question": None, "pending_answer": None}


def hope(step: int = 0, **slots):
    return {"theme": "hope", "reflection_step": float(step), **slots}


# --- handle_answer -----------------------------------------------------------------


def test_handle_answer_saves_with_consent(db):
    consent(db)
    conv = make_conversation(text="  My dog   keeps me going 🐕 ", slots=hope(0))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_reflect_back"]
    assert turn.says[0].vars == {"person_words": "My dog keeps me going 🐕"}
    [row] = store.list_reflections(db, "person-1")
    assert (row["theme"], row["prompt"], row["prompt_text"], row["text"]) == (
        "hope",
        "hope_keeps_going",
        "What has kept you going?",
        "My dog keeps me going 🐕",
    )
    assert turn.slots == {
        **SETTLED,
        "reflection_session_id": float(row["session_id"]),
        "reflection_answers": [
            {
                "key": "hope_keeps_going",
                "text": "My dog keeps me going 🐕",
                "strength": True,
                "theme": "hope",
                "saved": True,
                "prompt_text": "What has kept you going?",
            }
        ],
        "reflection_step": 1.0,
        "reflection_permission": None,
        "reflection_answer": None,
    }


def test_handle_answer_joins_the_current_session(db):
    consent(db)
    first = save(db, theme="hope", prompt_key="hope_keeps_going")
    conv = make_conversation(text="Sunday walks", slots=hope(1, reflection_session_id=float(first.session_id)))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.slots["reflection_session_id"] == float(first.session_id)
    assert [r["session_id"] for r in store.list_reflections(db, "person-1")] == [first.session_id] * 2
    assert turn.slots["reflection_answers"][0]["prompt_text"] == "hope_lighter_day"  # no wording given


def test_handle_answer_without_consent_keeps_the_answer_unsaved(db):
    previous = {"key": "hope_keeps_going", "text": "x", "strength": True, "theme": "hope", "saved": False}
    conv = make_conversation(text="A lighter day", slots=hope(1, reflection_answers=[previous]))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_reflect_back"]
    assert store.list_reflections(db, "person-1") == []
    assert "reflection_session_id" not in turn.slots
    assert turn.slots["reflection_answers"][0] == previous
    assert turn.slots["reflection_answers"][1]["text"] == "A lighter day"
    assert turn.slots["reflection_answers"][1]["saved"] is False
    assert turn.slots["reflection_step"] == 2.0


@pytest.mark.parametrize(("text", "intent"), [("skip", "skip"), ("skip this one please", "skip")])
def test_handle_answer_skip_advances_without_saving(db, text, intent):
    consent(db)
    conv = make_conversation(text=text, intent=intent, slots=hope(0))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_prompt_skipped"]
    assert turn.slots == {"reflection_step": 1.0, "reflection_permission": None, "reflection_answer": None, **SETTLED}
    assert store.list_reflections(db, "person-1") == []


@pytest.mark.parametrize(("text", "intent"), [("yes", "affirm"), ("yeah", None), ("OK!", None), ("go ahead", None)])
def test_handle_answer_deep_prompt_permission_yes_grants_without_saving(db, text, intent):
    consent(db)
    conv = make_conversation(text=text, intent=intent, slots=hope(2, reflection_permission=ASKED))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == []
    assert turn.slots == {"reflection_answer": None, "reflection_permission": GRANTED}
    assert store.list_reflections(db, "person-1") == []


@pytest.mark.parametrize(("text", "intent"), [("no", "deny"), ("not now", None), ("skip", "skip"), ("Nope.", None)])
def test_handle_answer_deep_prompt_permission_no_skips_it(db, text, intent):
    consent(db)
    conv = make_conversation(text=text, intent=intent, slots=hope(2, reflection_permission=ASKED))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_permission_declined"]
    assert turn.slots == {"reflection_step": 3.0, "reflection_permission": None, "reflection_answer": None}
    assert store.list_reflections(db, "person-1") == []


def test_handle_answer_deep_prompt_answered_straight_away_is_saved(db):
    consent(db)
    text = "That I care about being listened to"
    conv = make_conversation(text=text, slots=hope(2, reflection_permission=ASKED))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_reflect_back"]
    assert turn.slots["reflection_permission"] is None
    assert [r["prompt"] for r in store.list_reflections(db, "person-1")] == ["hope_values"]


def test_handle_answer_deep_prompt_answer_after_permission_is_saved(db):
    consent(db)
    conv = make_conversation(text="no one listened, so I value being heard", slots=hope(2, reflection_permission=GRANTED))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_reflect_back"]
    assert [r["text"] for r in store.list_reflections(db, "person-1")] == ["no one listened, so I value being heard"]


def test_handle_answer_deep_prompt_long_answer_tagged_deny_is_kept(db):
    """Inside the form a long message is an answer (COMMAND_MAX_WORDS), even if NLU says deny.

    "No one ever listened to me..." answers the deeper question; it is not a "no".
    """
    consent(db)
    text = "No one ever listened to me back then, and it tells me I value being heard and being believed"
    conv = make_conversation(text=text, intent="deny", slots=hope(2, reflection_permission=ASKED))

    turn = form.handle_answer(conv, db, PROMPT_TEXTS)

    assert turn.responses == ["utter_reflect_back"]
    assert [r["text"] for r in store.list_reflections(db, "person-1")] == [text]


@pytest.mark.parametrize(("theme", "last_step"), [("hope", 3), ("identity", 4), ("connectedness", 3)])
def test_handle_answer_last_prompt_completes_the_form(db, theme, last_step):
    conv = make_conversation(text="one small step", slots={"theme": theme, "reflection_step": float(last_step)})

    turn = form.handle_answer(conv, db, {})

    assert turn.responses == ["utter_reflect_back"]
    assert turn.slots["reflection_answer"] == DONE
    assert turn.slots["reflection_step"] == float(last_step + 1)


def test_handle_answer_last_prompt_skipped_completes_the_form(db):
    conv = make_conversation(text="skip", intent="skip", slots=hope(3))

    assert form.handle_answer(conv, db, {}).slots["reflection_answer"] == DONE


@pytest.mark.parametrize("slots", [{"theme": None}, {"theme": "hope", "reflection_step": 9.0}])
def test_handle_answer_with_nothing_to_ask_completes_the_form(db, slots):
    turn = form.handle_answer(make_conversation(text="hello", slots=slots), db, {})

    assert turn.responses == []
    assert turn.slots == {"reflection_answer": DONE}


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_handle_answer_empty_text_asks_again(db, text):
    consent(db)

    turn = form.handle_answer(make_conversation(text=text, slots=hope(1)), db, {})

    assert turn.responses == ["utter_empty_answer"]
    assert turn.slots == {"reflection_answer": None}
    assert store.list_reflections(db, "person-1") == []


def test_handle_answer_too_long_is_truncated_and_said_so(db):
    consent(db)
    text = "a" * (MAX_ANSWER_CHARS + 500)

    turn = form.handle_answer(make_conversation(text=text, slots=hope(0)), db, {})

    assert turn.responses == ["utter_answer_too_long", "utter_reflect_back"]
    assert turn.says[0].vars == {"max_chars": "20,000"}
    [row] = store.list_reflections(db, "person-1")
    assert row["text"] == "a" * MAX_ANSWER_CHARS
    assert turn.slots["reflection_answers"][0]["text"] == "a" * MAX_ANSWER_CHARS


def test_handle_answer_storage_failure_is_told_not_raised(tmp_path):
    broken = unmigrated_database(tmp_path)

    turn = form.handle_answer(make_conversation(text="my friends", slots=hope(0)), broken, {})

    assert turn.responses == ["utter_storage_problem", "utter_reflect_back"]
    assert turn.slots["reflection_answers"][0]["saved"] is False
    assert turn.slots["reflection_step"] == 1.0
    assert "reflection_session_id" not in turn.slots


# --- ask_next ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "responses", "set_slots"),
    [
        (hope(0), ["utter_prompt_hope_keeps_going"], {}),
        (hope(2), ["utter_ask_permission_deeper"], {"reflection_permission": ASKED}),
        (hope(2, reflection_permission=GRANTED), ["utter_prompt_hope_values"], {}),
        (hope(4), [], {}),
    ],
    ids=["first", "deep-asks-permission", "deep-granted", "finished"],
)
def test_ask_next(slots, responses, set_slots):
    turn = form.ask_next(make_conversation(slots=slots))

    assert turn.responses == responses
    assert turn.slots == set_slots


# --- start_reflection -------------------------------------------------------------

STARTED = {
    "reflection_step": 0.0,
    "reflection_permission": None,
    "reflection_session_id": None,
    "reflection_answers": [],
    "reflection_answer": None,
    "pending_question": None,
    "pending_answer": None,
    "requested_slot": None,
}


@pytest.mark.parametrize(("theme", "label"), [("hope", "hope"), ("identity", "identity"), ("connectedness", "connectedness")])
def test_start_reflection_with_a_chosen_theme(db, theme, label):
    conv = make_conversation(intent="choose_theme", entities=[{"entity": "theme", "value": theme}])

    turn = menu.start_reflection(conv, db)

    assert turn.responses == ["utter_theme_chosen"]
    assert turn.says[0].vars == {"theme_label": label}
    assert turn.slots == {"theme": theme, **STARTED}


@pytest.mark.parametrize(
    ("intent", "entities"),
    [
        ("choose_theme", [{"entity": "theme", "value": "astrology"}]),
        ("choose_theme", []),
        ("choose_for_me", []),
    ],
    ids=["unknown-theme", "no-entity", "you-choose"],
)
def test_start_reflection_chooses_for_you(db, intent, entities):
    turn = menu.start_reflection(make_conversation(intent=intent, entities=entities), db)

    assert turn.responses == ["utter_theme_chosen_for_you"]
    assert turn.slots["theme"] in ("connectedness", "hope", "identity", "meaning", "empowerment")
    assert turn.says[0].vars["theme_label"] == turn.slots["theme"]


def test_start_reflection_theme_not_offered_by_the_programme(db):
    conv = make_conversation(
        intent="choose_theme", entities=[{"entity": "theme", "value": "meaning"}], prog=limited_programme()
    )

    turn = menu.start_reflection(conv, db)

    assert turn.responses == ["utter_theme_not_offered", "utter_theme_chosen_for_you"]
    assert turn.slots["theme"] in ("hope", "identity")


def test_start_reflection_chooses_a_theme_not_visited_lately(db):
    consent(db)
    save(db, theme="hope", prompt_key="hope_keeps_going")
    conv = make_conversation(intent="choose_for_me", prog=limited_programme())

    turn = menu.start_reflection(conv, db)

    assert turn.slots["theme"] == "identity"


def test_start_reflection_continue_previous_resumes_after_the_last_answer(db):
    consent(db)
    first = save(db, theme="identity", prompt_key="identity_beyond")
    save(db, theme="identity", prompt_key="identity_strength", session_id=first.session_id)
    store.finish_session(db, first.session_id, "stopped")

    turn = menu.start_reflection(make_conversation(intent="continue_previous"), db)

    assert turn.responses == ["utter_continuing"]
    assert turn.says[0].vars == {"theme_label": "identity"}
    assert turn.slots == {
        **STARTED,
        "theme": "identity",
        "reflection_step": 2.0,
        "reflection_session_id": float(first.session_id),
    }


@pytest.mark.parametrize("answered", [[], ["hope_keeps_going", "hope_lighter_day", "hope_values", "hope_next"]])
def test_start_reflection_continue_previous_with_nothing_to_continue(db, answered):
    consent(db)
    session_id = None
    for key in answered:
        session_id = save(db, theme="hope", prompt_key=key, session_id=session_id).session_id

    turn = menu.start_reflection(make_conversation(intent="continue_previous"), db)

    assert turn.responses == ["utter_nothing_to_continue", "utter_theme_chosen"]
    assert turn.slots["reflection_step"] == 0.0
    assert turn.slots["reflection_session_id"] is None


# --- theme menu -------------------------------------------------------------------


def test_theme_menu_offers_the_programme_themes_and_you_choose(db):
    turn = menu.theme_menu(make_conversation(prog=limited_programme()), db)

    assert turn.responses == ["utter_ask_theme"]
    buttons = turn.says[1].buttons
    assert [b["payload"] for b in buttons] == [
        '/choose_theme{"theme": "hope"}',
        '/choose_theme{"theme": "identity"}',
        "/choose_for_me",
    ]
    assert turn.says[1].text.splitlines()[0].startswith("• Hope:")
    assert turn.slots == {"pending_question": None}


@pytest.mark.parametrize(("status", "offered"), [("stopped", True), ("active", True), ("completed", False)])
def test_theme_menu_offers_continue_for_an_unfinished_session(db, status, offered):
    consent(db)
    saved = save(db, theme="hope", prompt_key="hope_keeps_going")
    store.finish_session(db, saved.session_id, status)

    buttons = menu.theme_menu(make_conversation(), db).says[1].buttons

    assert ({"title": "Continue where I left off", "payload": "/continue_previous"} in buttons) is offered


# --- closing, stop, change topic --------------------------------------------------


def answer(key: str, text: str, saved: bool, strength: bool = False, theme: str = "hope") -> dict:
    return {"key": key, "text": text, "strength": strength, "theme": theme, "saved": saved}


def test_closing_quotes_the_person_and_completes_a_saved_session(db):
    consent(db)
    saved = save(db, theme="hope", prompt_key="hope_keeps_going", text="My dog.")
    answers = [
        answer("hope_lighter_day", "A day at the sea. It was calm.", True),
        answer("hope_keeps_going", "My dog.", True, strength=True),
        answer("meaning_matters", "another theme", True, theme="meaning"),
    ]
    conv = make_conversation(slots=hope(4, reflection_answers=answers, reflection_session_id=float(saved.session_id)))

    turn = form.closing(conv, db)

    assert turn.responses == [
        "utter_closing_summary",
        "utter_closing_saved",
        "utter_closing_grounding",
        "utter_how_to_come_back",
    ]
    assert turn.says[0].vars == {"summary": "• “My dog.”\n• “A day at the sea.”"}
    assert turn.slots == {"reflection_answer": None, "reflection_step": 0.0, "pending_question": None}
    last = store.last_session(db, "person-1")
    assert last.status == "completed"
    with db.session() as session:
        assert session.get(ReflectionSession, saved.session_id).summary == "• “My dog.”\n• “A day at the sea.”"


def test_closing_offers_to_save_when_nothing_was_saved(db):
    conv = make_conversation(slots=hope(4, reflection_answers=[answer("hope_next", "<b>Paint</b> again", False)]))

    turn = form.closing(conv, db)

    assert turn.responses == [
        "utter_closing_summary",
        "utter_closing_offer_save",
        "utter_closing_grounding",
        "utter_how_to_come_back",
    ]
    assert turn.says[0].vars["summary"] == "• “Paint again”"


def test_closing_without_answers(db):
    turn = form.closing(make_conversation(slots=hope(4)), db)

    assert turn.responses == ["utter_closing_no_answers", "utter_closing_grounding", "utter_how_to_come_back"]


def test_closing_storage_failure_is_told(tmp_path):
    conv = make_conversation(slots=hope(4, reflection_answers=[answer("hope_next", "x", True)], reflection_session_id=3.0))

    turn = form.closing(conv, unmigrated_database(tmp_path))

    assert turn.responses[:2] == ["utter_closing_summary", "utter_storage_problem"]


@pytest.mark.parametrize(
    ("answers", "responses"),
    [
        ([answer("hope_keeps_going", "x", True)], ["utter_stopped", "utter_stopped_saved"]),
        ([answer("hope_keeps_going", "x", False)], ["utter_stopped", "utter_stopped_not_saved"]),
        ([], ["utter_stopped"]),
    ],
    ids=["saved", "not-saved", "nothing"],
)
def test_stop(db, answers, responses):
    consent(db)
    saved = save(db)
    conv = make_conversation(slots=hope(1, reflection_answers=answers, reflection_session_id=float(saved.session_id)))

    turn = form.stop(conv, db)

    assert turn.responses == responses
    assert turn.slots == {"reflection_answer": None, "requested_slot": None, **SETTLED}
    assert store.last_session(db, "person-1").status == "stopped"


def test_change_topic_stops_the_session_and_offers_themes(db):
    consent(db)
    saved = save(db)
    conv = make_conversation(slots=hope(1, reflection_session_id=float(saved.session_id)))

    turn = form.change_topic(conv, db)

    assert turn.responses == ["utter_change_topic", "utter_ask_theme"]
    assert turn.says[2].buttons[-1] == {"title": "Continue where I left off", "payload": "/continue_previous"}
    assert turn.slots == {
        "reflection_answer": None,
        "requested_slot": None,
        "theme": None,
        "reflection_session_id": None,
        **SETTLED,
    }
    assert store.last_session(db, "person-1").status == "stopped"


# --- look back --------------------------------------------------------------------


def test_look_back_with_nothing_saved(db):
    turn = form.look_back(make_conversation(), db)

    assert turn.responses == ["utter_look_back_none", "utter_ask_theme"]


def test_look_back_shows_the_three_most_recent(db):
    consent(db)
    session_id = None
    for key, text in [("a", "oldest"), ("b", "second"), ("c", "third <i>x</i>"), ("d", "newest 🌱")]:
        session_id = save(db, prompt_key=f"hope_{key}", text=text, session_id=session_id).session_id

    turn = form.look_back(make_conversation(), db)

    assert turn.responses == [
        "utter_look_back_intro",
        "utter_look_back_item",
        "utter_look_back_item",
        "utter_look_back_item",
        "utter_ask_theme",
    ]
    assert [s.vars["look_back_item"] for s in turn.says[1:4]] == [
        "Hope: “second”",
        "Hope: “third x”",
        "Hope: “newest 🌱”",
    ]


# --- check-in ---------------------------------------------------------------------


def _checkins(db):
    with db.session() as session:
        return [(c.score, c.text) for c in session.scalars(select(CheckIn).order_by(CheckIn.id))]


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("7", 7),
        ("0", 0),
        ("10", 10),
        ("about a 3/10 today", 3),
        ("tired 😴", None),
        ("11 or 12", None),
        ("100%", None),
    ],
)
def test_handle_checkin_parses_a_score(db, text, score):
    consent(db)

    turn = checkin.handle_checkin(make_conversation(text=text), db)

    hard_day = score is not None and score <= checkin.HARD_DAY_MAX
    assert turn.responses == ["utter_checkin_hard_day" if hard_day else "utter_checkin_thanks"]
    assert turn.slots == {"checkin": text, **SETTLED}
    assert _checkins(db) == [(score, text)]


@pytest.mark.parametrize(("text", "intent"), [("", None), ("skip", "skip"), ("no thanks", "deny")])
def test_handle_checkin_skip(db, text, intent):
    consent(db)

    turn = checkin.handle_checkin(make_conversation(text=text, intent=intent), db)

    assert turn.responses == ["utter_checkin_skipped"]
    assert turn.slots == {"checkin": "skipped", **SETTLED}
    assert _checkins(db) == []


def test_handle_checkin_without_consent_stores_nothing(db):
    turn = checkin.handle_checkin(make_conversation(text="5"), db)

    assert turn.responses == ["utter_checkin_thanks"]
    assert _checkins(db) == []


def test_handle_checkin_storage_failure_is_told(tmp_path):
    turn = checkin.handle_checkin(make_conversation(text="5"), unmigrated_database(tmp_path))

    assert turn.responses == ["utter_storage_problem"]
    assert turn.slots == {"checkin": "5", **SETTLED}


# --- save_pending -----------------------------------------------------------------


def test_save_pending_saves_unsaved_answers_after_consent(db):
    consent(db)
    answers = [
        {**answer("hope_keeps_going", "My dog", False), "prompt_text": "What has kept you going?"},
        answer("hope_lighter_day", "Sunday", False),
    ]

    turn = pending.save_pending(make_conversation(slots=hope(2, reflection_answers=answers)), db)

    assert turn.responses == ["utter_consent_pending_saved"]
    assert [a["saved"] for a in turn.slots["reflection_answers"]] == [True, True]
    rows = store.list_reflections(db, "person-1")
    assert [(r["prompt"], r["prompt_text"], r["text"]) for r in rows] == [
        ("hope_keeps_going", "What has kept you going?", "My dog"),
        ("hope_lighter_day", "hope_lighter_day", "Sunday"),
    ]
    assert {r["session_id"] for r in rows} == {int(turn.slots["reflection_session_id"])}


def test_save_pending_with_nothing_pending(db):
    consent(db)
    conv = make_conversation(slots=hope(2, reflection_answers=[answer("hope_keeps_going", "x", True)]))

    turn = pending.save_pending(conv, db)

    assert turn.responses == []
    assert turn.slots == {}
    assert store.list_reflections(db, "person-1") == []


def test_stop_after_a_disclosure_keeps_the_contacts_in_view(db):
    turn = form.stop(make_conversation(text="stop", intent="stop", slots={"safety_check": "open"}), db)

    assert turn.responses == ["utter_stopped", "utter_safety_contacts"]
