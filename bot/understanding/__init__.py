"""Turn understanding: what a message is, decided in one place.

For every message, in every state of the conversation, the order is fixed:
risk (``bot.safety``, which runs after this and overrides) → command → answer.

* :mod:`bot.understanding.commands` — the always-available commands, one
  table: name, intent, grammar, and whether a command leaves a form or is
  done aside while the form waits.
* :mod:`bot.understanding.state` — the conversation state a message arrives in.
* :mod:`bot.understanding.interpret` — the decision for one message.
* :mod:`bot.understanding.rules` — Rasa rules for every command in every form,
  generated from the table (``data/rules/commands.yml``).
* :mod:`bot.understanding.rasa_component` — the NLU component that applies
  the decision (the only module here that imports Rasa).
"""

from bot.understanding.commands import COMMANDS, Command, by_intent, by_name
from bot.understanding.interpret import Decision, interpret
from bot.understanding.state import State, state_of

__all__ = ["COMMANDS", "Command", "Decision", "State", "by_intent", "by_name", "interpret", "state_of"]
