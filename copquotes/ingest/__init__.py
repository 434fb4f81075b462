"""Readers: survey exports and transcripts to :class:`~copquotes.types.Unit`.

Public API (see docs/ARCHITECTURE.md "Ingest contract")::

    disc = discover(["exports/", "extra/fg3.vtt"], meta={"year": "2024"})
    for source in disc.sources:
        reading = read(source)
        for unit in reading.units:          # lazy: surveys stream row by row
            ...
        reading.identifiers                 # complete once units are exhausted
    disc.skipped                            # [(path, reason)]

``detect_format(path)`` names a file's format from its content.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, UnknownFormatError
from .base import (CODED_FORMATS, FORMATS, NON_SOURCE_FORMATS, SURVEY_FORMATS, TRANSCRIPT_FORMATS, Discovery, Reading, Source,
                   normalise_meta)
from .detect import detect_format
from .discover import discover
from .jsonl import text_records
from .roster import RosterMatcher, load_roster, roster_columns, roster_rows
from .survey import question_columns
from .textio import check_not_empty

__all__ = [
    "discover", "read", "read_path", "detect_format", "load_roster", "RosterMatcher",
    "Source", "Reading", "Discovery", "FORMATS", "SURVEY_FORMATS", "TRANSCRIPT_FORMATS", "CODED_FORMATS",
    "InputError", "UnknownFormatError", "roster_columns", "roster_rows", "check_not_empty",
    "text_records", "question_columns",
]


def read(source: Source) -> Reading:
    """Parse one source into a :class:`Reading` (lazy ``units`` + ``identifiers``).

    Raises :class:`InputError` (one line, naming the file and row/line) on malformed
    input; for a survey some row-level errors (a ragged row further down) are raised
    while ``units`` is being consumed.

    Every text is cleaned on the way (:func:`copquotes.text.strip_unsafe_chars`: control
    characters, noncharacters, lone surrogates); ``stats["stripped"]`` counts what went and
    ``stats["nul_lines"]`` lists ``(line, NULs dropped)`` of a CSV, once ``units`` is exhausted.
    """
    reading = _read(source)
    reading.units = _clean_units(reading, reading.units)
    return reading


def _clean_units(reading: Reading, units):
    from dataclasses import replace

    from ..text import strip_unsafe_chars

    stats = reading.stats
    stripped = stats.setdefault("stripped", {"control": 0, "noncharacter": 0})
    stats.setdefault("nul_lines", [])

    def clean(value):
        if not isinstance(value, str):
            return value
        out, counts = strip_unsafe_chars(value)
        for k, n in counts.items():
            stripped[k] += n
        return out

    for unit in units:
        text, question = clean(unit.text), clean(unit.question)
        if text is not unit.text or question is not unit.question:
            if is_blank(text):
                stats["blank_after_cleaning"] = stats.get("blank_after_cleaning", 0) + 1
                continue
            unit = replace(unit, text=text, question=question)
        yield unit
    # names used to redact the text must match the cleaned text (not counted: they are not text)
    quiet = lambda v: strip_unsafe_chars(v)[0] if isinstance(v, str) else v  # noqa: E731
    reading.identifiers[:] = [
        replace(i, value=quiet(i.value), aliases=tuple(quiet(a) for a in i.aliases))
        if quiet(i.value) != i.value or any(quiet(a) != a for a in i.aliases) else i
        for i in reading.identifiers]


def is_blank(text: str) -> bool:
    return not text.strip(" \t\r\n\ufeff\u00a0")


def _read(source: Source) -> Reading:
    fmt = source.format
    if fmt in SURVEY_FORMATS:
        from .survey import read_survey
        return read_survey(source)
    if fmt in CODED_FORMATS:
        from .qda import read_coded
        return read_coded(source)
    if fmt in ("zoom_vtt", "teams_vtt"):
        from .vtt import read_vtt
        return read_vtt(source)
    if fmt in ("teams_docx", "plain_docx"):
        from .lines import read_docx
        return read_docx(source)
    if fmt in ("otter_txt", "plain_txt", "zoom_chat_txt"):
        from .lines import read_text_transcript
        return read_text_transcript(source)
    if fmt in NON_SOURCE_FORMATS:
        raise InputError(f"a {fmt.replace('_', ' ')} is not a text source (it is read for metadata)", source.path)
    raise UnknownFormatError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", source.path)


def read_path(path, meta: dict | None = None, roster=()) -> Reading:
    """Convenience: detect the format of one file and read it (no manifest lookup)."""
    path = Path(path)
    fmt = detect_format(path)
    m = normalise_meta(meta)
    if fmt in SURVEY_FORMATS:
        m.setdefault("source_kind", "survey")
    return read(Source(path=path, format=fmt, meta=m, roster=tuple(roster)))
