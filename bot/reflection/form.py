"""The reflection form: its question (a prompt, or permission first), the answers,
and how a reflection ends (closing, stop, change topic); look back.

Slots: ``theme``, ``reflection_step``, ``reflection_permission``,
``reflection_session_id``, ``reflection_answers`` and the form slot ``reflection_answer``.
"""

from __future__ import annotations

import logging
import re

from bot.dialogue import Conversation, Turn, attempt
from bot.reflection import store
from bot.reflection.menu import label, theme_menu
from bot.reflection.past import past_note
from bot.reflection.script import prompt_at
from bot.reflection.words import MAX_ANSWER_CHARS, clean, quote, summary_text
from bot.storage.db import Database
from bot.understanding.keep import KEEP, settled, words_for_question

log = logging.getLogger(__name__)

DONE = "__done__"  # reflection_answer value that completes the form


ASKED, GRANTED = "asked", "granted"  # reflection_permission: before a deeper prompt
# At a permission question, only a short reply is a yes or a no.


YES_NO_MAX_WORDS = 8


YES = {"yes", "y", "yeah", "yep", "ok", "okay", "sure", "go on", "go ahead", "alright", "fine"}


NO = {"no", "n", "nope", "nah", "not now", "no thanks", "rather not"}


def ask_next(conv: Conversation) -> Turn:
    """Ask the current prompt, or permission first when it goes deeper.

    Nothing while a check question, or "keep it as your answer?", waits."""
    if conv.slot("safety_check") == "checking" or conv.slot("pending_question") == KEEP:
        return Turn()
    theme = conv.slot("theme")
    prompt = prompt_at(theme, int(conv.slot("reflection_step", 0)))
    if prompt is None:  # nothing left: the validator completes the form
        return Turn()
    if prompt.deep and conv.slot("reflection_permission") != GRANTED:  # asked again after an aside
        return Turn().say("utter_ask_permission_deeper").set(reflection_permission=ASKED)
    return Turn().say(prompt.response)


def advance(conv: Conversation, turn: Turn) -> Turn:
    step = int(conv.slot("reflection_step", 0)) + 1
    finished = prompt_at(conv.slot("theme"), step) is None
    return turn.set(
        reflection_step=float(step),
        reflection_permission=None,
        reflection_answer=DONE if finished else None,
    )


def yes_no(conv: Conversation) -> str | None:
    """A short yes/no; a long message is an answer whatever its intent."""
    text = re.sub(r"[^\w\s']", "", clean(conv.text).lower())
    if len(text.split()) > YES_NO_MAX_WORDS:
        return None
    if conv.intent == "affirm" or text in YES:
        return "yes"
    if conv.intent in ("deny", "skip") or text in NO:
        return "no"
    return None


def handle_answer(conv: Conversation, db: Database, prompt_texts: dict[str, str]) -> Turn:
    """Validate ``reflection_answer``: store it, reflect it back, move on.

    ``prompt_texts`` maps response names to their wording (from the domain),
    so the stored reflection records the question the person saw.
    """
    theme = conv.slot("theme")
    step = int(conv.slot("reflection_step", 0))
    prompt = prompt_at(theme, step) if theme else None
    if prompt is None:
        return Turn().set(reflection_answer=DONE)

    # Deeper prompt: this message answers "is it okay to go there?"
    if prompt.deep and conv.slot("reflection_permission") == ASKED:
        answer = yes_no(conv)
        if answer == "yes":  # the form re-asks: ask_next now shows the prompt itself
            return Turn().set(reflection_answer=None, reflection_permission=GRANTED)
        if answer == "no":
            return advance(conv, Turn().say("utter_permission_declined"))
        # Anything else: they went straight to answering. That is their choice.

    if conv.intent == "skip":  # bot.understanding decided it is the command
        return advance(conv, Turn().say("utter_prompt_skipped").set(**settled()))

    words = words_for_question(conv, "reflection_answer")
    if words.ask:
        return words.ask
    if words.stray:
        return Turn().set(reflection_answer=None)
    text = words.text or ""
    if not text:
        return Turn().say("utter_empty_answer").set(reflection_answer=None)
    turn = Turn().set(**settled())
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS]
        turn.say("utter_answer_too_long", max_chars=f"{MAX_ANSWER_CHARS:,}")

    entry = {"key": prompt.key, "text": text, "strength": prompt.strength, "theme": theme, "saved": False}
    prompt_text = prompt_texts.get(prompt.response, prompt.key)
    entry["prompt_text"] = prompt_text
    session_id = conv.slot("reflection_session_id")
    try:
        # The slot guards a withdrawal whose database write failed; the store checks consent too.
        saved = None if conv.slot("consent") == "declined" else store.save_answer(
            db,
            participant_id=conv.participant_id,
            programme=conv.programme.key,
            theme=theme,
            session_id=int(session_id) if session_id else None,
            prompt_key=prompt.key,
            prompt_text=prompt_text,
            text=text,
        )
    except Exception:  # reported to the person, never silently lost
        log.exception("could not save a reflection for participant %s", conv.participant_id)
        turn.say("utter_storage_problem")
        saved = None
    if saved:
        entry["saved"] = True
        turn.set(reflection_session_id=float(saved.session_id))
    answers = list(conv.slot("reflection_answers", [])) + [entry]
    turn.say("utter_reflect_back", person_words=quote(text))
    turn.set(reflection_answers=answers)
    return advance(conv, past_note(conv, turn))


def closing(conv: Conversation, db: Database) -> Turn:
    """Summary in the person's words, saved or offer to save, grounding, how to return."""
    answers = [a for a in conv.slot("reflection_answers", []) if a.get("theme") == conv.slot("theme")]
    turn = Turn()
    summary = summary_text(answers)
    if summary:
        turn.say("utter_closing_summary", summary=summary)
    else:
        turn.say("utter_closing_no_answers")
    session_id = conv.slot("reflection_session_id")
    if any(a.get("saved") for a in answers):
        try:
            store.finish_session(db, int(session_id) if session_id else None, "completed", summary)
            turn.say("utter_closing_saved")
        except Exception:
            log.exception("could not close session %s", session_id)
            turn.say("utter_storage_problem")
    elif answers:
        turn.say("utter_closing_offer_save")
    turn.say("utter_closing_grounding").say("utter_how_to_come_back")
    return turn.set(reflection_answer=None, reflection_step=0.0, pending_question=None)


def _mark_stopped(conv: Conversation, db: Database) -> None:
    """The reflection session, if one was saved, ends as "stopped" (a failure is logged)."""
    session_id = conv.slot("reflection_session_id")
    if session_id:
        try:
            store.finish_session(db, int(session_id), "stopped")
        except Exception:
            log.exception("could not mark session %s stopped", session_id)


def stop(conv: Conversation, db: Database) -> Turn:
    """Stop honoured at once; say what was and wasn't saved."""
    turn = Turn().say("utter_stopped")
    answers = conv.slot("reflection_answers", [])
    _mark_stopped(conv, db)
    if any(a.get("saved") for a in answers):
        turn.say("utter_stopped_saved")
    elif answers:
        turn.say("utter_stopped_not_saved")
    if conv.slot("safety_check") in ("open", "checking"):
        # Stopping after a disclosure, or while we asked about one: the way to
        # urgent help stays in view.
        turn.say("utter_safety_contacts")
    if conv.slot("safety_check") == "checking":
        turn.set(safety_check=None, safety_pending=None, check_answer=None)
    return turn.set(reflection_answer=None, requested_slot=None, **settled())


def change_topic(conv: Conversation, db: Database) -> Turn:
    _mark_stopped(conv, db)
    turn = Turn().say("utter_change_topic").set(
        reflection_answer=None, requested_slot=None, theme=None, reflection_session_id=None, **settled()
    )
    return turn.extend(theme_menu(conv, db))


def look_back(conv: Conversation, db: Database, limit: int = 3) -> Turn:
    """The most recent saved reflections; then the themes, unless a question waits
    (inside a form the form asks its question again)."""
    rows = attempt(store.list_reflections, db, conv.participant_id, default=None, what="list reflections")
    if rows is None:
        turn = Turn().say("utter_storage_problem")
    elif not rows:
        turn = Turn().say("utter_look_back_none")
    else:
        turn = Turn().say("utter_look_back_intro")
        for row in rows[-limit:]:
            item = f"{label(row['theme']).capitalize()}: “{quote(row['text'])}”"
            turn.say("utter_look_back_item", look_back_item=item)
    return turn if conv.active_loop else turn.extend(theme_menu(conv, db))
