"""Placeholders and rendering of redacted text: pure functions, no model (cheap to import).

The quotes stage, the review module and the app import these without loading
Presidio or spaCy; :mod:`copquotes.anonymise.redactor` re-exports them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..types import Span

PLACEHOLDERS = {"person": "[name]", "org": "[organisation]", "place": "[place]", "email": "[contact]",
                "phone": "[contact]"}
_CONTACT_SOURCES = {"url", "handle", "UrlRecognizer", "EmailRecognizer", "PhoneRecognizer", "au_phone"}
DEFAULT_SCORE_THRESHOLD = 0.35   # the Redactor's default Presidio score threshold


def placeholder(kind: str, source: str = "") -> str:
    """The bracketed placeholder for a span kind ("other" by what found it)."""
    if kind in PLACEHOLDERS:
        return PLACEHOLDERS[kind]
    if source in _CONTACT_SOURCES or source.startswith("known_email") or source.startswith("known_phone"):
        return "[contact]"
    return "[identifier]"


@dataclass(frozen=True)
class RedactedText:
    """A redacted text, the spans replaced (offsets into the original) and the
    placeholder chosen for each original string (one per string, per document)."""

    text: str
    spans: tuple[Span, ...]
    mapping: dict = field(default_factory=dict)


def _placeholder_map(text: str, spans: Sequence[Span], mapping: dict | None = None) -> dict:
    """One placeholder per original string (case-folded): the first kind seen wins."""
    mapping = {} if mapping is None else mapping
    for s in spans:
        key = _surface_key(text[s.start:s.end])
        mapping.setdefault(key, placeholder(s.kind, s.source))
    return mapping


def _surface_key(surface: str) -> str:
    return re.sub(r"\s+", " ", surface.strip().casefold()).replace("’", "'")


def redact_text(text: str, spans: Iterable[Span], mapping: dict | None = None) -> str:
    """Replace each span of ``text`` by its placeholder (pure; spans may overlap or be unsorted)."""
    merged = _merge_for_output(spans)
    mp = _placeholder_map(text, merged, dict(mapping or {}))
    out = []
    pos = 0
    for s in merged:
        out.append(text[pos:s.start])
        out.append(mp.get(_surface_key(text[s.start:s.end]), placeholder(s.kind, s.source)))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def redact_span(text: str, spans: Iterable[Span], start: int, end: int) -> str:
    """The redacted version of ``text[start:end]`` (a quote cut from a unit).

    Spans are clipped to the window; a span cut by the window still redacts the
    part inside it, so no fragment of a name survives at a quote's edge.
    """
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"span {start}:{end} is outside a text of length {len(text)}")
    clipped = []
    for s in spans:
        a, b = max(s.start, start), min(s.end, end)
        if a < b:
            clipped.append(Span(a - start, b - start, s.kind, s.source, s.score))
    return redact_text(text[start:end], clipped)


def _merge_for_output(spans: Iterable[Span]) -> list[Span]:
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for s in ordered:
        if s.end <= s.start:
            continue
        if out and s.start < out[-1].end:
            last = out[-1]
            if s.end > last.end:
                out[-1] = Span(last.start, s.end, last.kind, last.source, last.score)
            continue
        out.append(s)
    return out
