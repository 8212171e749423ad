"""The theme menu and the start of a reflection (no Rasa imports; see ``bot.dialogue``).

Slots: ``theme``, ``reflection_step``, ``reflection_permission``,
``reflection_session_id``, ``reflection_answers`` (declared in ``domain/reflection.yml``).
"""

from __future__ import annotations

import logging

from bot.dialogue import Conversation, Turn, attempt
from bot.programmes.config import ALL_THEMES
from bot.reflection import store
from bot.reflection.script import THEME_LABELS, choose_theme_for, prompts_for
from bot.storage.db import Database

log = logging.getLogger(__name__)


def label(theme: str) -> str:
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


def start(theme: str, step: int = 0, session_id: int | None = None) -> Turn:
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
            turn = start(last.theme, step, last.session_id)
            return turn.say("utter_continuing", theme_label=label(last.theme))
        theme = choose_theme_for(offered, recent)
        turn = Turn().say("utter_nothing_to_continue")
        return turn.extend(start(theme)).say("utter_theme_chosen", theme_label=label(theme))
    theme = conv.entity("theme") if conv.intent == "choose_theme" else None
    turn = Turn()
    if theme in ALL_THEMES and theme not in offered:
        turn.say("utter_theme_not_offered")
    if theme not in offered:  # not offered, not recognised, or "you choose for me"
        theme = choose_theme_for(offered, recent)
        return turn.extend(start(theme)).say("utter_theme_chosen_for_you", theme_label=label(theme))
    return turn.extend(start(theme)).say("utter_theme_chosen", theme_label=label(theme))
