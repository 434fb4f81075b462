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
    assert cb.version == "3"
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


def _labelled_texts():
    import json

    from copquotes.resources import corpus_dir

    texts = []
    for name in ("tags.jsonl", "tags_heldout_style.jsonl"):
        path = corpus_dir() / "labelled" / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return texts


def test_default_codebook_examples_are_not_near_copies_of_labelled_texts():
    """The labelled sets must stay independent of the codebook: no example may share most of
    its words with a labelled text (word-set Jaccard; the closest pair in codebook v3 is 0.71,
    two short logistics lines; a light paraphrase of a quote scores 0.8 and more)."""
    import re

    labelled = _labelled_texts()
    if not labelled:
        pytest.skip("no labelled set")
    words = lambda s: frozenset(re.findall(r"[a-z0-9']+", s.lower().replace("\u2019", "'")))
    gold = [words(t) for t in labelled]
    cb = Codebook.load()
    for e in {e for t in cb for e in t.examples} | set(cb.none_examples):
        a = words(e)
        if len(a) < 6:
            continue
        worst = max(len(a & b) / len(a | b) for b in gold)
        assert worst < 0.75, e


def test_an_example_listed_under_two_themes_carries_both(tmp_path):
    from copquotes.themes import ThemeTagger

    class Vectors:  # a tiny deterministic stand-in for the embedder: one axis per keyword
        key = "toy"
        axes = ("alpha", "beta", "hello", "bye")

        def encode(self, texts, progress=False):
            import numpy as np

            X = np.array([[1.0 if w in t else 0.0 for w in self.axes] + [0.1] for t in texts], dtype=np.float32)
            return X / np.linalg.norm(X, axis=1, keepdims=True)

    cb = Codebook.load(_write(tmp_path, """
themes:
  - id: a
    examples: [alpha one, alpha two, alpha beta both]
  - id: b
    examples: [beta one, beta two, alpha beta both]
none: [hello, bye, hello bye]
"""))
    t = ThemeTagger(codebook=cb, embedder=Vectors(), lexicon=False).fit()
    assert t.n_train_ == 8              # the shared example is one row, not two
    P = t.predict_proba(["alpha beta both"])[0]
    assert P[0] >= t.thresholds_[0] and P[1] >= t.thresholds_[1]


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
