"""Privacy actions: what is saved, and deleting it (each names its turn function)."""

from __future__ import annotations

from actions.adapter import TurnAction
from bot.privacy import conversation as privacy


class ActionExplainPrivacy(TurnAction):
    action_name = "action_explain_privacy"
    turn = staticmethod(privacy.explain)


class ActionAskDelete(TurnAction):
    action_name = "action_ask_delete"
    turn = staticmethod(privacy.ask_delete)


class ActionDeleteReflections(TurnAction):
    action_name = "action_delete_reflections"
    turn = staticmethod(privacy.delete)


class ActionCancelDelete(TurnAction):
    action_name = "action_cancel_delete"
    uses_database = False
    turn = staticmethod(privacy.cancel_delete)


class ActionAskDeleteEverything(TurnAction):
    action_name = "action_ask_delete_everything"
    uses_database = False
    turn = staticmethod(privacy.ask_delete_everything)


class ActionDeleteEverything(TurnAction):
    action_name = "action_delete_everything"
    turn = staticmethod(privacy.delete_everything)
