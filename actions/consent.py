"""Consent actions (each names its turn function)."""

from __future__ import annotations

from actions.adapter import TurnAction
from bot.consent import conversation as consent
from bot.reflection import pending


class ActionGrantConsent(TurnAction):
    action_name = "action_grant_consent"
    turn = staticmethod(pending.grant)  # records consent, then saves what waited for it


class ActionWithdrawConsent(TurnAction):
    action_name = "action_withdraw_consent"
    turn = staticmethod(consent.withdraw)
