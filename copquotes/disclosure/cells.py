"""Spreadsheet cells that cannot run as formulas, and text XML can hold.

One rule for every CSV and XLSX the package writes (exports, ``copquotes quotes
--format csv``, researcher tables): a string whose first character that is not a
space or a quote mark is ``=``, ``+``, ``-`` or ``@``, or that starts with a tab or a
carriage return, gets a leading ``'`` (Excel, LibreOffice and Google Sheets then show
it as text). ``" =HYPERLINK(...)"`` and ``"'=1+1"`` are formulas to some readers, so
leading spaces and quotes do not hide the sign.
"""
from __future__ import annotations

import re

from ..text import NONCHARACTERS

FORMULA_SIGNS = ("=", "+", "-", "@")
_LEADING = " \u00a0'\"\u2018\u2019\u201c\u201d`"
# control characters, lone surrogates and noncharacters (U+FFFE, U+FFFF ...): XML 1.0 holds none of them
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{NONCHARACTERS}]")


def strip_control(text: str) -> str:
    """``text`` without the characters XML (XLSX, DOCX, QDPX) cannot hold: control characters,
    lone surrogates and noncharacters such as U+FFFE; tab and line breaks are kept."""
    return _CONTROL.sub("", text)


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula (see the module doc)."""
    if not value:
        return False
    if value[0] in ("\t", "\r", "\n"):
        return True
    rest = value.lstrip(_LEADING)
    return bool(rest) and (rest[0] in FORMULA_SIGNS or rest[0] in ("\t", "\r"))


def neutralise_cell(value):
    """A cell value that cannot run as a formula: a formula-like string gets a leading
    ``'``; any other value (numbers, None, safe strings) comes back unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
