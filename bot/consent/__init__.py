"""Consent: recorded before anything is stored; withdrawal stops saving."""

from bot.consent.store import decline, grant, has_consented, withdraw

__all__ = ["decline", "grant", "has_consented", "withdraw"]
