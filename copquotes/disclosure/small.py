"""Small cells: one rule for every count of people the package shows (researcher tables, the app).

A cell (a cohort, a year, a topic) with fewer than :data:`SMALL_SPEAKERS` people or fewer than
:data:`SMALL_UNITS` answers and turns is *small*: its share is too unstable to compare and, published
on its own, may point to a person (docs/disclosure.md, "Small cells"). Small cells are marked, not
hidden: researchers keep every count; the app says in plain words not to report them as a share.
"""
from __future__ import annotations

import numpy as np

from .audit import protect

SMALL_SPEAKERS = 5    # a cell with fewer speakers than this, or fewer units than SMALL_UNITS, is small
SMALL_UNITS = 30


def small_cells(speakers, units) -> np.ndarray:
    """``True`` for a cell with fewer than :data:`SMALL_SPEAKERS` speakers or fewer than
    :data:`SMALL_UNITS` units."""
    return (np.asarray(speakers) < SMALL_SPEAKERS) | (np.asarray(units) < SMALL_UNITS)


def small_cell_words(speakers: int, units: int) -> str | None:
    """Why a cell is small, for a reader who is not a statistician (None when it is not)."""
    if speakers < SMALL_SPEAKERS:
        return f"fewer than {SMALL_SPEAKERS} people: do not report as a share"
    if units < SMALL_UNITS:
        return f"fewer than {SMALL_UNITS} answers and turns: do not report as a share"
    return None


SECONDARY_WORDS = "hidden so that a smaller group's figure cannot be worked out: do not report"


def secondary_suppression(hidden: dict, people: dict, total=None) -> set:
    """The cells to hide as well so that no hidden cell can be worked out by subtraction.

    ``hidden``: cell -> hidden by the small-cell rule, for cells that add up to a total shown
    beside them (the groups or years of a row, whose ``total`` cell is their sum); ``people``: cell
    -> its size, to pick the next smallest. When exactly one of them is hidden and the total is
    shown, the total minus the shown cells gives it away: the next smallest shown cell is hidden too
    (two hidden cells give only their sum). Returns the extra cells to hide (empty when none)."""
    parts = [c for c in hidden if c != total]
    gone = [c for c in parts if hidden[c]]
    if len(gone) != 1 or (total is not None and hidden.get(total)):
        return set()
    shown = sorted((c for c in parts if not hidden[c]), key=lambda c: (people.get(c, 0), str(c)))
    return {shown[0]} if shown else set()


def table_suppression(counts: dict, hidden: set, *, rows: dict | None = None, cols: dict | None = None,
                      caps: dict | None = None) -> set:
    """The cells of a two-way table to hide besides ``hidden`` so that no hidden small count can be
    narrowed from the table and its totals, over rows and columns together.

    ``counts``: ``(row, column)`` -> a count of people; ``hidden``: the cells hidden by the
    small-cell rule. First :func:`secondary_suppression` on every row and column alike: no line may
    hide exactly one cell, its next smallest cell is hidden too, again until none does (hiding one
    cell can leave another line with one). A cell of 0 is never hidden (a hidden 0 beside shown 0s
    would be read as 0): a line whose other cells are all 0 stays with one hidden cell. Then the
    audit (:mod:`copquotes.disclosure.audit`): a reader who knows ``rows`` and ``cols`` (line ->
    ``("=", total)``, ``("<=", total)`` or ``(">=", total)``; by default three readers: one who
    knows every row's and column's exact sum, the most a reader could know, one only the columns'
    (the topics by themes table's columns add up to a theme's people over all in a survey with one
    open answer each) and one only the rows' (a topic's people, when each has one theme)) and
    ``caps`` (cell -> the largest count it can hold, such as its topic's people) must not be able to
    narrow a hidden small count below "1 to 5" (or below what the totals alone allow that reader):
    more cells are hidden until none can (:func:`copquotes.disclosure.audit.protect`).
    Returns the extra cells to hide (empty when none)."""
    gone = set(hidden)
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines: dict = {}
            for cell in counts:
                lines.setdefault(cell[axis], []).append(cell)
            for cells in lines.values():
                line = {c: c in gone for c in cells if c in gone or counts[c]}
                extra = secondary_suppression(line, counts)
                if extra:
                    gone |= extra
                    changed = True
    gone |= protect(counts, gone, set(hidden), SMALL_SPEAKERS, rows, cols, caps)
    return gone - set(hidden)
