"""Periods (years and series) in time order, and the name of a missing value in the tables."""
from __future__ import annotations

import re

NONE = "(none)"
_PERIOD = re.compile(r"\s*(\d{4})(?:\s*[-/–]\s*(\d{2,4}))?")


def period_key(value) -> tuple:
    """Sort key for years and series: "2023" < "2023-2024" < "2024"; text after numbers, ``(none)`` last."""
    s = str(value)
    m = _PERIOD.match(s)
    if m:
        return (0, int(m.group(1)), int(m.group(2) or 0), s)
    return (1 if s != NONE else 2, 0, 0, s)
