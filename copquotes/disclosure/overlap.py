"""Overlaps: a roll-up of distinct people must not give away, by difference, how many people said a theme twice.

A group's, a year's or everyone's people are distinct people, not the sum of the parts shown beside
them: a respondent of a survey pooling two years is one person in "all". So sum(parts' k) - roll-up's k
is the number of people who said the theme in two parts (counted once per extra part), a count of
people the small-cell rule never sees. With 2024 "7 of 20", 2025 "5 of 22" and all "11 of 41", that
is 1: one person, who answered in both years, said it both times. The people overlap of n (here 1
person answered in both years) says nothing about a theme and stays shown.
"""
from __future__ import annotations

from .small import SMALL_SPEAKERS


def overlap_small(parts, rollup: int) -> bool:
    """``True`` when the theme overlap ``sum(parts) - rollup`` (``parts``: the k of the cells shown
    beside a roll-up whose k is ``rollup``) is a count of 1 to :data:`SMALL_SPEAKERS` - 1 people."""
    return 0 < sum(int(k) for k in parts) - int(rollup) < SMALL_SPEAKERS


def rollup_suppression(tables: dict, people: dict, hidden: dict) -> tuple[bool, dict]:
    """Whether to hide the k of a roll-up shown in several tables, and which parts to hide besides.

    ``tables``: table -> ``({part: k}, rollup k)``, every table that shows the same roll-up beside its
    parts (the Overview's people by group and by year, both beside "all"); ``people``: table ->
    ``{part: people}``, to pick the smallest; ``hidden``: table -> the parts already hidden there.
    The roll-up's k is hidden (everywhere: one shown copy gives it back) when any table's overlap is
    small (:func:`overlap_small`). In a table whose own overlap is not small, its parts would give
    the roll-up's k back (sum - overlap, an overlap of 0 known from the people's n), so unless a part
    is hidden there already, its smallest shown part is hidden too (then only the sum of two hidden
    counts follows). Returns ``(hide the roll-up, {table: parts to hide})``."""
    if not any(overlap_small(parts.values(), k) for parts, k in tables.values()):
        return False, {}
    extra = {}
    for name, (parts, k) in tables.items():
        if overlap_small(parts.values(), k) or hidden.get(name):
            continue
        shown = sorted(parts, key=lambda c: (people.get(name, {}).get(c, 0), str(c)))
        if shown:
            extra[name] = {shown[0]}
    return True, extra
