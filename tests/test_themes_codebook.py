"""Codebook loading and validation."""
from __future__ import annotations

import pytest

from copquotes.errors import ConfigError
from copquotes.themes import Codebook

DEFAULT_IDS = ["wellbeing", "solidarity", "backlash", "reflective_practice", "connection", "confidence",
               "safe_space", "peer_learning", "isolation"]


def test_default_codebook_has_the_required_themes_and_examples():
    cb = Codebook.load()
    assert cb.ids == DEFAULT_IDS
    assert cb.version == "2"
    for t in cb:
        assert t.label and t.definition and t.include and t.exclude
        assert len(t.examples) >= 15, t.id
        assert len(set(t.examples)) == len(t.examples), t.id
    assert len(cb.none_examples) >= 20


def test_default_codebook_examples_are_not_copied_from_the_labelled_set():
    import json

    from copquotes.resources import corpus_dir

    path = corpus_dir() / "labelled" / "tags.jsonl"
    if not path.exists():
        pytest.skip("no labelled set")
    gold = {json.loads(line)["text"].strip().lower() for line in path.open() if line.strip()}
    cb = Codebook.load()
    examples = {e.strip().lower() for t in cb for e in t.examples} | {e.lower() for e in cb.none_examples}
    # one- to three-word non-answers ("N/A") may coincide; nothing longer may
    assert not {t for t in gold & examples if len(t.split()) > 3}


def _write(tmp_path, text):
    p = tmp_path / "cb.yaml"
    p.write_text(text)
    return p


GOOD = """
version: 3
themes:
  - id: alpha
    examples: [one alpha text]
  - id: beta
    label: Beta theme
    definition: about beta
    keywords: [beta*]
    examples: [a beta text]
none: [hello]
"""


def test_custom_codebook_loads(tmp_path):
    cb = Codebook.load(_write(tmp_path, GOOD))
    assert cb.ids == ["alpha", "beta"]
    assert cb.version == "3"
    assert cb.theme("alpha").label == "Alpha"
    assert cb.theme("beta").keywords == ("beta*",)
    assert cb.none_examples == ("hello",)
    assert cb.fingerprint() == Codebook.load(_write(tmp_path, GOOD + "\n# a comment\n")).fingerprint()


@pytest.mark.parametrize("text, message", [
    ("themes:\n  - label: x\n    examples: [a]\n", "has no 'id'"),
    ("themes:\n  - id: a\n    examples: [x]\n  - id: a\n    examples: [y]\n", "duplicate theme id 'a'"),
    ("themes:\n  - id: a\n    definition: about a\n", "has no examples"),
    ("themes:\n  - id: Not Valid\n    examples: [x]\n", "must be lower case"),
    ("themes:\n  - id: none\n    examples: [x]\n", "reserved"),
    ("themes: []\n", "non-empty list"),
    ("name: x\n", "no 'themes' list"),
    ("- just\n- a list\n", "must be a mapping"),
    ("themes:\n  - id: a\n    examples: [x]\n  bad: [\n", "not valid YAML"),
    ("themes:\n  - id: a\n    examples:\n      - key: value\n", "quote texts"),
])
def test_invalid_codebooks_raise_clear_config_errors(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        Codebook.load(_write(tmp_path, text))


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        Codebook.load(tmp_path / "nope.yaml")


def test_from_labels_for_supervised_use():
    cb = Codebook.from_labels(["Staff manner & personal attributes", "Parking"])
    assert cb.ids == ["staff_manner_personal_attributes", "parking"]
    assert cb.theme("parking").label == "Parking"
    with pytest.raises(ConfigError):
        Codebook.from_labels(["A b", "a-b"])
