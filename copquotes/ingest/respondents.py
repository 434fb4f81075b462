"""Consent across a survey's rows and columns, beyond one cell.

- One respondent over several rows (a second submission, a REDCap repeat, a row that only withdraws): a no in
  any row of theirs (the same respondent id, or the same e-mail address) is a no for every answer they gave,
  above it or below it. Finding it takes one pass over the rows before the units stream.
- A consent question after each open question ("May we quote your answer above?"): each answer is quoted only
  with its own question's yes; the other question's yes never stands in for it.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .tables import Column
from .base import EMAIL


def row_keys(row_cell: Callable[[Column | None], str], id_col: Column | None, email_cols: list[Column]) -> set:
    """Who a row is: its respondent id and the e-mail addresses in its identity columns (case folded)."""
    keys = set()
    rid = row_cell(id_col).strip().lower() if id_col is not None else ""
    if rid:
        keys.add(("id", rid))
    for col in email_cols:
        for m in EMAIL.finditer(row_cell(col)):
            keys.add(("email", m.group(0).lower()))
    return keys


def refused_respondents(rows: Callable[[], Iterable[list[str]]], keys_of: Callable[[list[str]], set],
                        consent_of: Callable[[list[str]], bool | None]) -> set:
    """The keys of every respondent who has several rows and a row whose consent reads no (:func:`row_keys`);
    ``rows()`` gives the rows afresh. A first pass finds the keys that repeat (usually none: each row its own
    respondent, and nothing more is read); a second reads the consent of the rows that have one."""
    seen: set = set()
    repeated: set = set()
    for row in rows():
        keys = keys_of(row)
        repeated |= keys & seen
        seen |= keys
    if not repeated:
        return set()
    refused: set = set()
    for row in rows():
        keys = keys_of(row)
        if keys & repeated and consent_of(row) is False:
            refused |= keys
    return refused


def answer_consent_columns(open_cols: list[Column], consent_cols: list[Column]) -> dict[int, Column]:
    """``{open column index: its consent column}`` when a survey asks leave to quote more than once, each
    question after an open question: the first consent column to the right of each open column, before the
    next open column. Empty when there is one consent question or fewer (it is every answer's)."""
    if len(consent_cols) < 2:
        return {}
    out: dict[int, Column] = {}
    opens = sorted(open_cols, key=lambda c: c.index)
    for i, col in enumerate(opens):
        stop = opens[i + 1].index if i + 1 < len(opens) else float("inf")
        after = [c for c in consent_cols if col.index < c.index < stop]
        if after:
            out[col.index] = min(after, key=lambda c: c.index)
    return out
