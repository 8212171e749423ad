"""The gentle check: the reply reader, the question, and the turns around it.

The actions around it are tested in ``tests/actions/test_safety_check.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import check

#: (reply, what it says). Typed the way people answer a yes/no question.
REPLIES = [
    ("yes", check.YES),
    ("Yeah.", check.YES),
    ("yep", check.YES),
    ("i am", check.YES),
    ("honestly yes", check.YES),
    ("im not safe", check.YES),
    ("no", check.NO),
    ("Nope!", check.NO),
    ("nah im fine", check.NO),
    ("no, i meant work", check.NO),
    ("not really", check.NO),
    ("i'm ok", check.NO),
    ("im safe", check.NO),
    ("not like that", check.NO),
    ("not sure", check.UNSURE),
    ("idk", check.UNSURE),
    ("maybe", check.UNSURE),
    ("kind of", check.UNSURE),
    ("sometimes", check.UNSURE),
    ("i don't know", check.UNSURE),
    ("what", check.UNCLEAR),
    ("", check.UNCLEAR),
    ("the thing is my manager keeps moving the deadline and i have been staying late all week", check.UNCLEAR),
]


@pytest.mark.parametrize(("text", "answer"), REPLIES)
def test_interpret_reads_the_reply(text, answer):
    assert check.interpret(text) == answer


def test_interpret_uses_the_classifier_for_words_it_does_not_list():
    assert check.interpret("ok then", "affirm") == check.YES
    assert check.interpret("hmm nope", "deny") == check.NO


@pytest.mark.parametrize(
    ("category", "question"),
    [
        ("suicide", "utter_check_self"),
        ("self_harm", "utter_check_self"),
        ("overdose_or_medical", "utter_check_medical"),
        ("harm_to_others", "utter_check_others"),
        ("abuse_or_unsafe_home", "utter_check_home"),
        (None, "utter_check_self"),
    ],
)
def test_the_question_fits_the_category(category, question):
    assert check.question_for(category) == question


@pytest.fixture(scope="module")
def domain():
    return yaml.safe_load((Path(__file__).resolve().parents[2] / "domain" / "safety.yml").read_text())


def test_every_check_response_is_in_the_domain_with_three_buttons(domain):
    for name in {*check.QUESTIONS.values(), "utter_check_again", "utter_check_no", "utter_safety_past_note"}:
        assert name in domain["responses"], name
    for name in set(check.QUESTIONS.values()):
        [variant] = domain["responses"][name]
        payloads = [b["payload"] for b in variant["buttons"]]
        assert payloads == [
            '/risk_check{"check_answer": "yes"}',
            '/risk_check{"check_answer": "no"}',
            '/risk_check{"check_answer": "unsure"}',
        ]
        # "yes" must always mean "yes, that is happening": the questions ask about risk, not safety.
        assert "safe" not in variant["text"].split("?")[-2].split()[-1]
