"""Quoting the person's own words back, and the closing summary."""

from __future__ import annotations

import pytest

from bot.reflection.words import (
    QUOTE_CHARS,
    clean,
    first_sentence,
    for_display,
    quote,
    summary_lines,
    summary_text,
)


def test_clean_normalises_whitespace_and_keeps_emoji():
    assert clean("  my   dog 🐕\n\tmatters ") == "my dog 🐕 matters"
    assert clean(None) == ""


def test_quote_keeps_short_text_unchanged():
    assert quote("My dog 🐕 keeps me going.") == "My dog 🐕 keeps me going."


def test_quote_shortens_at_a_word_boundary():
    text = " ".join(["walking"] * 40)

    quoted = quote(text)

    assert quoted.endswith("…")
    assert len(quoted) <= QUOTE_CHARS + 1
    assert quoted[:-1].split(" ") == ["walking"] * len(quoted[:-1].split(" "))
    assert text.startswith(quoted[:-1])


def test_quote_drops_trailing_punctuation_before_the_ellipsis():
    text = "a" * 135 + ", then everything else that follows here"

    assert quote(text) == "a" * 135 + "…"


def test_quote_cuts_a_single_long_word():
    assert quote("x" * 300) == "x" * QUOTE_CHARS + "…"


def test_quote_keeps_emoji_when_shortening():
    text = "🌱 " * 100

    quoted = quote(text)

    assert quoted.startswith("🌱 🌱")
    assert set(quoted[:-1].replace(" ", "")) == {"🌱"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>My</b> sister <i>Ana</i>", "My sister Ana"),
        ("<script>alert(1)</script>hope", "alert(1) hope"),
        ("fish &amp; chips", "fish & chips"),
        ("I <3 my cat", "I <3 my cat"),
    ],
)
def test_quote_strips_html_tags(text, expected):
    assert quote(text) == expected


def test_for_display_never_returns_markup_from_escaped_tags():
    """Escaped tags must not turn back into live markup on the way to a chat bubble."""
    shown = for_display("&lt;img src=x onerror=alert(1)&gt; my words")

    assert "<img" not in shown
    assert "my words" in shown


def test_first_sentence():
    assert first_sentence("My sister. She listens. Always.") == "My sister."
    assert first_sentence("no full stop here") == "no full stop here"


def test_summary_puts_strengths_first_and_keeps_four():
    answers = [
        {"text": "first plain", "strength": False},
        {"text": "a strength. More words.", "strength": True},
        {"text": "   ", "strength": True},
        {"text": "second plain", "strength": False},
        {"text": "another strength", "strength": True},
        {"text": "third plain", "strength": False},
    ]

    lines = summary_lines(answers)

    assert lines == [
        "• “a strength.”",
        "• “another strength”",
        "• “first plain”",
        "• “second plain”",
    ]
    assert summary_text(answers) == "\n".join(lines)
    assert summary_text([]) == ""
