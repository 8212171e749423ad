"""Risk screen for Restory: finds suicide, self-harm, harm-to-others, abuse/unsafe
home and overdose/medical risk in a message, with a level and the rule ids.

Plain Python (no Rasa imports). Importing this package is cheap; spaCy loads
on the first :func:`get_screen` call and the screen is then reused::

    from bot.safety import get_screen
    result = get_screen().screen("i can't do this anymore", previous=None)
    result.escalate, result.category, result.level, result.rules
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.safety.result import CATEGORIES, LEVELS, ScreenResult

if TYPE_CHECKING:  # pragma: no cover
    from bot.safety.screen import RiskScreen

__all__ = ["CATEGORIES", "LEVELS", "RiskScreen", "ScreenResult", "get_screen"]


def get_screen() -> RiskScreen:
    """Return the process-wide :class:`~bot.safety.screen.RiskScreen` (built once)."""
    from bot.safety.screen import get_screen as _get

    return _get()


def __getattr__(name: str):
    if name == "RiskScreen":
        from bot.safety.screen import RiskScreen

        return RiskScreen
    raise AttributeError(name)
