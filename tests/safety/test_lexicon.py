"""The YAML lexicon is valid, versioned and readable by a clinical lead."""

from __future__ import annotations

import pytest
import yaml

from bot.safety.lexicon import LEXICON_DIR, LexiconError, compile_pattern, load_lexicon


def test_every_file_is_versioned_and_every_rule_explained():
    lex = load_lexicon()
    assert set(lex.versions) >= {
        "common",
        "guards",
        "modifiers",
        "suicide",
        "self_harm",
        "harm_to_others",
        "abuse_or_unsafe_home",
        "overdose_or_medical",
    }
    items = [*lex.rules, *lex.guards, *lex.markers]
    assert all(item.id and item.why for item in items)
    assert len({item.id for item in items}) == len(items)


def test_files_parse_as_plain_yaml():
    for path in LEXICON_DIR.glob("*.yml"):
        assert "version" in yaml.safe_load(path.read_text(encoding="utf-8"))


def test_pattern_syntax():
    sets = {"self": frozenset({"myself"})}
    assert compile_pattern("kill|end @self", sets) == (
        {"LEMMA": {"IN": ["end", "kill"]}},
        {"LEMMA": {"IN": ["myself"]}},
    )
    assert compile_pattern("=dying *2 to? NUM", sets) == (
        {"LOWER": {"IN": ["dying"]}},
        {"OP": "{0,2}"},
        {"LEMMA": {"IN": ["to"]}, "OP": "?"},
        {"LIKE_NUM": True},
    )
    with pytest.raises(LexiconError):
        compile_pattern("*3 maybe?", sets)
    with pytest.raises(LexiconError):
        compile_pattern("@unknown", sets)


def test_bad_lexicon_is_rejected(tmp_path):
    for path in LEXICON_DIR.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "suicide.yml"
    bad.write_text(
        "version: 1\nrules:\n  - id: x\n    level: urgent\n    patterns: [kill]\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="why"):
        load_lexicon(str(tmp_path))
