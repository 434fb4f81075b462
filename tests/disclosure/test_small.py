"""Secondary suppression over a two-way table (copquotes.disclosure.small.table_suppression)."""
from __future__ import annotations

import pytest

from copquotes.disclosure import SMALL_SPEAKERS, table_suppression


def _cells(rows: dict) -> dict:
    """{row: {column: n}} -> {(row, column): n}."""
    return {(r, c): n for r, cols in rows.items() for c, n in cols.items()}


@pytest.mark.parametrize("rows, extra", [
    # one small cell in a 2 x 2 table: its row, its column, then the cell they leave alone in a line
    ({"t0": {"a": 7, "b": 2}, "t1": {"a": 5, "b": 9}}, {("t0", "a"), ("t1", "b"), ("t1", "a")}),
    # small cells on the diagonal: each row hides its other cell, and then every column hides two
    ({"t0": {"a": 2, "b": 8}, "t1": {"a": 9, "b": 3}}, {("t0", "b"), ("t1", "a")}),
    # two small cells in one column: each row hides its next smallest, and the columns hide two each;
    # but column a's two hidden counts add up to 11 - 6 = 5, so neither could be 5 or more: t2's go too
    ({"t0": {"a": 2, "b": 9}, "t1": {"a": 3, "b": 8}, "t2": {"a": 6, "b": 7}},
     {("t0", "b"), ("t1", "b"), ("t2", "a"), ("t2", "b")}),
    # the next smallest, not the largest: column a hides 6 (not 40), row t1 then hides 12 (not 30)
    ({"t0": {"a": 1, "b": 0}, "t1": {"a": 6, "b": 12, "c": 30}, "t2": {"a": 40, "b": 0, "c": 0}},
     {("t1", "a"), ("t1", "b")}),
    # the rest of a line is 0: a 0 is never hidden for it, nothing else can be
    ({"t0": {"a": 1, "b": 0}, "t1": {"a": 0, "b": 0}}, set()),
    # no small cell: nothing hidden
    ({"t0": {"a": 7, "b": 5}, "t1": {"a": 0, "b": 9}}, set()),
])
def test_a_table_hides_the_next_smallest_cell_of_every_line_with_one_hidden(rows, extra):
    """(copquotes.disclosure.audit may hide more: tests/disclosure/test_audit.py.)"""
    counts = _cells(rows)
    small = {c for c, n in counts.items() if 0 < n < SMALL_SPEAKERS}
    got = table_suppression(counts, small)
    assert got == extra
    gone = small | got
    for axis in (0, 1):                     # no row and no column is left with one hidden cell among counts
        for key in {c[axis] for c in counts}:
            line = [c for c in counts if c[axis] == key]
            others = [c for c in line if c not in gone]
            assert sum(c in gone for c in line) != 1 or all(counts[c] == 0 for c in others), (axis, key)
