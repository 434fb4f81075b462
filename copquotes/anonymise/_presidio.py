"""Presidio, imported without the deep-learning packages it never uses here.

``presidio_analyzer`` imports ``transformers`` (and through it ``torch``) at import time
for its Hugging Face NLP engine and device detection, which copquotes does not use (its
engine is spaCy's small model). Hiding the two packages while Presidio is imported
makes that import ~4x faster (2 s instead of 10 s on the shared 2-core machine) and
keeps a process that only anonymises (the pipeline's anonymise worker) free of
torch. They are hidden only when not imported yet, and only during this import:
anything imported later sees them as usual.
"""
from __future__ import annotations

import contextlib
import sys

from .. import _offline

_HIDDEN = ("torch", "transformers")


@contextlib.contextmanager
def hidden_packages(names=_HIDDEN):
    """Make ``import name`` raise ImportError inside the block (for packages not imported yet)."""
    hidden = [n for n in names if n not in sys.modules]
    for n in hidden:
        sys.modules[n] = None  # the import system's "not importable" marker
    try:
        yield hidden
    finally:
        for n in hidden:
            if n in sys.modules and sys.modules[n] is None:
                del sys.modules[n]


# tldextract (Presidio's email recogniser) reads its suffix-list URLs once, when Presidio imports it:
# none, so it never fetches one; the environment is put back after the import.
with hidden_packages(), _offline.scoped({"TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}):
    import presidio_analyzer  # noqa: E402,F401
    import presidio_analyzer.nlp_engine  # noqa: E402,F401
    import presidio_analyzer.predefined_recognizers  # noqa: E402,F401
