"""Placeholders and rendering of redacted text for the anonymiser: the disclosure layer's
(:mod:`copquotes.disclosure`), re-exported here with the :class:`RedactedText` result type.

The quotes stage, the review module and the app import the disclosure layer directly;
:mod:`copquotes.anonymise.redactor` re-exports these names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..disclosure.placeholders import CONTACT_SOURCES as _CONTACT_SOURCES  # noqa: F401
from ..disclosure.placeholders import PLACEHOLDERS, placeholder  # noqa: F401
from ..disclosure.render import merge_spans as _merge_for_output  # noqa: F401
from ..disclosure.render import placeholder_map as _placeholder_map  # noqa: F401
from ..disclosure.render import redact_span, redact_text  # noqa: F401
from ..disclosure.render import surface_key as _surface_key  # noqa: F401
from ..types import Span

DEFAULT_SCORE_THRESHOLD = 0.35   # the Redactor's default Presidio score threshold


@dataclass(frozen=True)
class RedactedText:
    """A redacted text, the spans replaced (offsets into the original) and the
    placeholder chosen for each original string (one per string, per document)."""

    text: str
    spans: tuple[Span, ...]
    mapping: dict = field(default_factory=dict)
