"""Safety actions: safety-first response, the gentle check, follow-up/re-check, a human."""

from __future__ import annotations

import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import (
    TurnAction,
    conversation,
    database,
    last_bot_message,
    perform,
    prompt_texts,
)
from bot.dialogue import Turn
from bot.reflection import checkin, form
from bot.safety import check, get_screen
from bot.safety import conversation as safety


def warm_up() -> None:
    """Build the risk screen (spaCy) in the background when the action server starts,
    so the first safety follow-up is not slowed by loading it."""
    threading.Thread(target=get_screen, name="risk-screen-warm-up", daemon=True).start()


warm_up()


class ActionSafetyResponse(TurnAction):
    action_name = "action_safety_response"
    turn = staticmethod(safety.safety_response)


class ActionSafetyCheckConfirmed(Action):
    """"Yes" or "not sure" to the check: the full safety response, recorded with
    the message that raised the check (not the "yes")."""

    def name(self) -> str:
        return "action_safety_check_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        conv = check.pending_conversation(conversation(tracker))
        turn = safety.safety_response(conv, database()).set(**{**check.cleared(), "safety_check": safety.OPEN})
        return perform(turn, dispatcher, tracker.current_slot_values())


class ActionSafetyCheck(Action):
    """An ambiguous message: ask one gentle question (or ask it once more)."""

    def name(self) -> str:
        return "action_safety_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        turn = check.ask(conversation(tracker), resume=last_bot_message(tracker))
        return perform(turn, dispatcher, tracker.current_slot_values())


class ActionSafetyCheckReply(Action):
    """A "no" to the check: back to exactly where they were, their message kept.

    In a reflection the message that raised the check is their answer; in the
    check-in it is their check-in; elsewhere the last question is asked again.
    """

    def name(self) -> str:
        return "action_safety_check_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        conv = conversation(tracker)
        pending = check.pending_conversation(conv)
        kept = check.replace_text(conv, pending.text)
        if conv.active_loop == "reflection_form":
            turn = form.handle_answer(kept, database(), prompt_texts(domain))
            turn = Turn().say("utter_check_no").extend(turn)
        elif conv.active_loop == "checkin_form":
            turn = Turn().say("utter_check_no").extend(checkin.handle_checkin(kept, database()))
        else:
            turn = check.resume_outside_forms(conv)
        return perform(turn.set(**check.cleared()), dispatcher, tracker.current_slot_values())


class ActionSafetyFollowup(TurnAction):
    action_name = "action_safety_followup"
    turn = staticmethod(safety.followup)


class ActionRequestHuman(TurnAction):
    action_name = "action_request_human"
    turn = staticmethod(safety.request_human)
