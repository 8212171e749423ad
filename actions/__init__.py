"""Rasa custom actions: thin adapters from Rasa to ``bot``.

Each action reads the tracker into a ``bot.dialogue.Conversation``, calls one
function in ``bot``, and turns the returned ``Turn`` into messages and events.
"""

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
