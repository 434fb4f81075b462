"""Periods (years and series) in time order, and the name of a missing value in the tables."""
from __future__ import annotations

import re

NONE = "(none)"
_PERIOD = re.compile(r"\s*(\d{4})(?:\s*[-/–—]\s*(\d{2,4}))?")


def _end_year(start: int, end: str | None) -> int:
    """A series' end year in four digits: "2023-24" ends in 2024, "1999-00" in 2000."""
    if not end:
        return 0
    if len(end) == 2:
        century = start - start % 100
        year = century + int(end)
        return year if year >= start else year + 100
    return int(end)


def period_name(value):
    """One spelling for one period: "2023-24", "2023/24", "2023–24" and "2023 - 2024" are all
    "2023-2024"; a year stays itself; anything else (text, a missing value) is returned unchanged."""
    if value is None or (isinstance(value, float) and value != value):
        return value
    m = _PERIOD.fullmatch(str(value).strip())
    if not m:
        return value
    end = _end_year(int(m.group(1)), m.group(2))
    return m.group(1) if not end else f"{m.group(1)}-{end}"


def period_key(value) -> tuple:
    """Sort key for years and series: "2023" < "2023-2024" < "2024"; spellings of one period
    (:func:`period_name`) sort as one; text after numbers, ``(none)`` last."""
    s = str(value)
    m = _PERIOD.match(s)
    if m:
        start = int(m.group(1))
        return (0, start, _end_year(start, m.group(2)), str(period_name(s)))
    return (1 if s != NONE else 2, 0, 0, s)
