"""Anonymisation: find identifiers, replace them with typed placeholders, flag re-identification risks.

Public API (kept stable for the CLI, the workspace stage and the app):
``Redactor``, ``RedactedText``, ``redact_text``, ``redact_span``, ``risk_flags``,
``load_roster_identifiers``, ``DEFAULT_ALLOW``, ``PLACEHOLDERS`` and the stage ``run``.
"""
from .flags import risk_flags  # noqa: F401
from .redactor import (  # noqa: F401
    DEFAULT_ALLOW, PLACEHOLDERS, RedactedText, Redactor, load_roster_identifiers, placeholder,
    propagate, redact_span, redact_text,
)
from .stage import apply_review, run  # noqa: F401
