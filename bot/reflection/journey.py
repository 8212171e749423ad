"""The reflection journey, turn by turn (no Rasa imports; see ``bot.dialogue``).

Slots used (declared in ``domain/reflection.yml``): ``theme``,
``reflection_step``, ``reflection_permission``, ``reflection_session_id``,
``reflection_answers`` and the form slot ``reflection_answer``.
"""

from __future__ import annotations

import logging
import re

from bot.dialogue import Conversation, Turn, attempt
from bot.programmes.config import ALL_THEMES
from bot.reflection import store
from bot.reflection.script import THEME_LABELS, choose_theme_for, prompt_at, prompts_for
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


def _label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme).split(":")[0].lower()


def theme_menu(conv: Conversation, db: Database, first: list[dict] | None = None) -> Turn:
    """Offer the programme's themes (and "you choose", and "continue" when it applies)."""
    buttons = list(first or []) + [
        {"title": THEME_LABELS[t], "payload": f'/choose_theme{{"theme": "{t}"}}'}
        for t in conv.programme.themes
    ]
    buttons.append({"title": "You choose for me", "payload": "/choose_for_me"})
    last = attempt(store.last_session, db, conv.participant_id, default=None, what="read the last session")
    if last and last.status != "completed" and next_step_after(last.theme, last.answered_keys) is not None:
        buttons.append({"title": "Continue where I left off", "payload": "/continue_previous"})
    lines = "\n".join(f"• {b['title']}" for b in buttons)
    turn = Turn().say("utter_ask_theme")
    turn.say_text(lines, buttons=buttons)
    return turn.set(pending_question=None)


def _start(theme: str, step: int = 0, session_id: int | None = None) -> Turn:
    return Turn().set(
        theme=theme,
        reflection_step=float(step),
        reflection_permission=None,
        reflection_session_id=float(session_id) if session_id else None,
        reflection_answers=[],
        reflection_answer=None,
        pending_question=None,
        pending_answer=None,
        requested_slot=None,
    )


def next_step_after(theme: str, answered_keys: tuple[str, ...]) -> int | None:
    """The step after the last answered prompt, or None if the sequence is done."""
    keys = [p.key for p in prompts_for(theme)]
    done = [keys.index(k) for k in answered_keys if k in keys]
    step = max(done) + 1 if done else 0
    return step if step < len(keys) else None


def start_reflection(conv: Conversation, db: Database) -> Turn:
    """Choose the theme from what the person asked for and set the journey up."""
    offered = conv.programme.themes
    recent = attempt(store.recent_themes, db, conv.participant_id, default=[], what="read recent themes")
    if conv.intent == "continue_previous":
        last = attempt(store.last_session, db, conv.participant_id, default=None, what="read the last session")
        unfinished = last and last.status != "completed" and last.theme in offered
        step = next_step_after(last.theme, last.answered_keys) if unfinished else None
        if unfinished and step is not None:
            turn = _start(last.theme, step, last.session_id)
            return turn.say("utter_continuing", theme_label=_label(last.theme))
        theme = choose_theme_for(offered, recent)
        turn = Turn().say("utter_nothing_to_continue")
        return turn.extend(_start(theme)).say("utter_theme_chosen", theme_label=_label(theme))
    theme = conv.entity("theme") if conv.intent == "choose_theme" else None
    turn = Turn()
    if theme in ALL_THEMES and theme not in offered:
        turn.say("utter_theme_not_offered")
    if theme not in offered:  # not offered, not recognised, or "you choose for me"
        theme = choose_theme_for(offered, recent)
        return turn.extend(_start(theme)).say("utter_theme_chosen_for_you", theme_label=_label(theme))
    return turn.extend(_start(theme)).say("utter_theme_chosen", theme_label=_label(theme))


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


def _advance(conv: Conversation, turn: Turn) -> Turn:
    step = int(conv.slot("reflection_step", 0)) + 1
    finished = prompt_at(conv.slot("theme"), step) is None
    return turn.set(
        reflection_step=float(step),
        reflection_permission=None,
        reflection_answer=DONE if finished else None,
    )


def _yes_no(conv: Conversation) -> str | None:
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
        answer = _yes_no(conv)
        if answer == "yes":  # the form re-asks: ask_next now shows the prompt itself
            return Turn().set(reflection_answer=None, reflection_permission=GRANTED)
        if answer == "no":
            return _advance(conv, Turn().say("utter_permission_declined"))
        # Anything else: they went straight to answering. That is their choice.

    if conv.intent == "skip":  # bot.understanding decided it is the command
        return _advance(conv, Turn().say("utter_prompt_skipped").set(**settled()))

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
    return _advance(conv, past_note(conv, turn))


PAST_NOTE = "past.told_as_past"  # bot.safety.combine: a hardship heard as told as past


def past_note(conv: Conversation, turn: Turn) -> Turn:
    """A hardship told as past: acknowledged, and once per session a note that
    the contacts are there if any of it is close today. No crisis response."""
    rules = (conv.risk or {}).get("rules") or []
    if PAST_NOTE in rules and not conv.slot("safety_past_noted"):
        turn.say("utter_safety_past_note").set(safety_past_noted=True)
    return turn


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


def stop(conv: Conversation, db: Database) -> Turn:
    """Stop honoured at once; say what was and wasn't saved."""
    turn = Turn().say("utter_stopped")
    answers = conv.slot("reflection_answers", [])
    session_id = conv.slot("reflection_session_id")
    if session_id:
        try:
            store.finish_session(db, int(session_id), "stopped")
        except Exception:
            log.exception("could not mark session %s stopped", session_id)
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
    session_id = conv.slot("reflection_session_id")
    if session_id:
        try:
            store.finish_session(db, int(session_id), "stopped")
        except Exception:
            log.exception("could not mark session %s stopped", session_id)
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
            item = f"{_label(row['theme']).capitalize()}: “{quote(row['text'])}”"
            turn.say("utter_look_back_item", look_back_item=item)
    return turn if conv.active_loop else turn.extend(theme_menu(conv, db))


def ask_checkin(conv: Conversation) -> Turn:
    """The check-in question (nothing while a check question, or "keep it?", waits)."""
    if conv.slot("safety_check") == "checking" or conv.slot("pending_question") == KEEP:
        return Turn()
    return Turn().say("utter_ask_checkin")


HARD_DAY_MAX = 3  # a check-in at or below this gets a gentler answer
#: A hard day named in words ("awful", "really rough day"); "not bad" is not one.
HARD_DAY_WORDS = re.compile(
    r"\b(awful|terrible|horrible|rough|hard|bad|shit|shite|crap|crappy|rubbish|low|down|struggling|"
    r"miserable|sad|anxious|stressed|overwhelmed|broken|numb|lonely|exhausted|drained|worst|hell|"
    r"grim|heavy|tough|not (?:good|great|ok|okay|well|so good|too good|brilliant)|falling apart)\b",
    re.IGNORECASE,
)
NOT_HARD = re.compile(r"\bnot (?:too |that |so |as )?(?:bad|awful|terrible|rough|hard|low|down)\b", re.IGNORECASE)


def hard_day(text: str, score: int | None) -> bool:
    """A check-in that deserves a gentler answer: a low number or hard words."""
    if score is not None:
        return score <= HARD_DAY_MAX
    return bool(HARD_DAY_WORDS.search(text)) and not NOT_HARD.search(text)


def handle_checkin(conv: Conversation, db: Database) -> Turn:
    """Store a check-in (a word and/or a 0-10 number) if consented; skip is fine."""
    if conv.intent in ("skip", "deny"):  # bot.understanding decided
        return Turn().say("utter_checkin_skipped").set(checkin="skipped", **settled())
    words = words_for_question(conv, "checkin")
    if words.ask:
        return words.ask
    text = words.text or ""
    if words.stray or not text:
        return Turn().say("utter_checkin_skipped").set(checkin="skipped", **settled())
    match = re.search(r"\b(10|[0-9])\b", text)
    score = int(match.group(1)) if match else None
    # A hard day is met with care and a reminder that we can go gently or stop.
    thanks = "utter_checkin_hard_day" if hard_day(text, score) else "utter_checkin_thanks"
    turn = Turn().set(checkin=text[:500], **settled())
    if conv.slot("consent") != "declined":
        try:
            store.save_checkin(db, conv.participant_id, conv.programme.key, score, text[:500])
        except Exception:
            log.exception("could not save a check-in for participant %s", conv.participant_id)
            return turn.say("utter_storage_problem")
    return past_note(conv, turn.say(thanks))


def pending_answers(conv: Conversation) -> list[dict]:
    """Answers from this conversation that were not saved (for a later "yes")."""
    return [a for a in conv.slot("reflection_answers", []) if not a.get("saved")]


def save_pending(conv: Conversation, db: Database) -> Turn:
    """After consent is given: save this conversation's unsaved answers."""
    pending = pending_answers(conv)
    if not pending:
        return Turn()
    answers = list(conv.slot("reflection_answers", []))
    session_id = conv.slot("reflection_session_id")
    session_id = int(session_id) if session_id else None
    for entry in answers:
        if entry.get("saved"):
            continue
        saved = store.save_answer(
            db,
            participant_id=conv.participant_id,
            programme=conv.programme.key,
            theme=entry["theme"],
            session_id=session_id,
            prompt_key=entry["key"],
            prompt_text=entry.get("prompt_text", entry["key"]),
            text=entry["text"],
        )
        if saved:
            entry["saved"] = True
            session_id = saved.session_id
    return (
        Turn()
        .say("utter_consent_pending_saved")
        .set(reflection_answers=answers, reflection_session_id=float(session_id) if session_id else None)
    )
