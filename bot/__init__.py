"""Restory: a strengths-based narrative reflection companion (plain-Python core)."""

__version__ = "0.1.0"
