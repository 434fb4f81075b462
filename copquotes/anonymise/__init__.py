"""Anonymisation: find identifiers, replace them with typed placeholders, flag re-identification risks.

Public API (kept stable for the CLI, the workspace stage and the app):
``Redactor``, ``RedactedText``, ``redact_text``, ``redact_span``, ``risk_flags``,
``load_roster_identifiers``, ``DEFAULT_ALLOW``, ``PLACEHOLDERS`` and the stage ``run``.

Names load on first use (PEP 562): ``from copquotes.anonymise import redact_span``
imports no model code, while ``Redactor`` brings in Presidio and spaCy (seconds, and
hundreds of MB), so the quotes stage, the review module and the app stay light.
"""
from __future__ import annotations

import importlib

_WHERE = {
    "risk_flags": "flags",
    "PLACEHOLDERS": "render", "RedactedText": "render", "placeholder": "render",
    "redact_span": "render", "redact_text": "render",
    "DEFAULT_ALLOW": "lexicon", "english_words": "lexicon", "first_names": "lexicon", "last_names": "lexicon", "model_words": "lexicon",
    "Redactor": "redactor", "load_roster_identifiers": "redactor", "propagate": "redactor",
    "apply_review": "stage", "run": "stage",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'copquotes.anonymise' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
