"""Session-wide fixtures: heavy models are loaded once per test session."""
from __future__ import annotations

import os

os.environ.setdefault("COPQUOTES_PROGRESS", "0")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def nlp():
    """The packaged small English spaCy model (real, not a mock)."""
    from copquotes.resources import load_spacy

    return load_spacy()


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The packaged all-MiniLM-L6-v2 embedder with a session-wide cache folder."""
    from copquotes.embed import Embedder

    return Embedder(cache_dir=tmp_path_factory.mktemp("embeddings"))
