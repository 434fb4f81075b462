"""Redacted text rendered from stored spans: pure functions, no model.

Spans are ``Span`` objects or tuples ``(start, end, kind[, source])`` into the original
text. Overlapping spans merge; a span cut by a window still hides the part inside it
(no fragment of a name survives at a quote's edge); the same original string gets the
same placeholder throughout a document (``mapping``).
"""
from __future__ import annotations

import re
from typing import Iterable

from ..types import Span
from .placeholders import placeholder


def _as_span(sp) -> Span:
    if isinstance(sp, Span):
        return sp
    s, e, kind = int(sp[0]), int(sp[1]), sp[2]
    return Span(s, e, kind, (sp[3] if len(sp) > 3 else "") or "")


def surface_key(surface: str) -> str:
    """How two mentions of one string compare (case, spacing and apostrophes ignored)."""
    return re.sub(r"\s+", " ", surface.strip().casefold()).replace("’", "'")


def merge_spans(spans: Iterable) -> list[Span]:
    """Spans sorted, empty ones dropped, overlapping ones merged (the first one's kind wins)."""
    ordered = sorted((_as_span(s) for s in spans), key=lambda s: (s.start, -s.end))
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


def placeholder_map(text: str, spans: Iterable, mapping: dict | None = None) -> dict:
    """One placeholder per original string (case-folded): the first kind seen wins.
    Updates and returns ``mapping`` (a new dict when ``None``)."""
    mapping = {} if mapping is None else mapping
    for s in spans:
        s = _as_span(s)
        mapping.setdefault(surface_key(text[s.start:s.end]), placeholder(s.kind, s.source))
    return mapping


def redact_text(text: str, spans: Iterable, mapping: dict | None = None) -> str:
    """``text`` with each span replaced by its placeholder (spans may overlap or be unsorted)."""
    merged = merge_spans(spans)
    mp = placeholder_map(text, merged, dict(mapping or {}))
    out, pos = [], 0
    for s in merged:
        out.append(text[pos:s.start])
        out.append(mp.get(surface_key(text[s.start:s.end]), placeholder(s.kind, s.source)))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def redact_span(text: str, spans: Iterable, start: int = 0, end: int | None = None) -> str:
    """The redacted version of ``text[start:end]`` given spans of the whole text
    (clipped to the window)."""
    end = len(text) if end is None else end
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"span {start}:{end} is outside a text of length {len(text)}")
    clipped = []
    for s in spans:
        s = _as_span(s)
        a, b = max(s.start, start), min(s.end, end)
        if a < b:
            clipped.append(Span(a - start, b - start, s.kind, s.source, s.score))
    return redact_text(text[start:end], clipped)
