"""The CHIME reflection journey: script, the person's words, and storage."""

from bot.reflection.script import SCRIPT, THEME_LABELS, THEMES, Prompt, prompt_at, prompts_for

__all__ = ["SCRIPT", "THEMES", "THEME_LABELS", "Prompt", "prompt_at", "prompts_for"]
