"""Core conversation: session start, welcome and transparency."""
