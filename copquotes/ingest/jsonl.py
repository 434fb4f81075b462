"""JSON Lines of texts: the gold files of ``copquotes evaluate`` and the input of ``copquotes tag``."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError


def text_records(lines: Iterable[str], path) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line, each a JSON object with a ``"text"``
    string; :class:`InputError` naming ``path`` and the line otherwise."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg}): one JSON object per line", path, f"line {n}") from None
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise InputError('each line needs a "text" string', path, f"line {n}")
        yield n, rec


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(raw: str) -> list[str]:
    """The lines of ``raw``, broken at \\n, \\r\\n or a lone \\r only (``str.splitlines`` also
    breaks at U+2028, U+2029, \\f, \\v, \\x1c-\\x1e and \\x85, which JSON and text may hold)."""
    lines = _LINE_BREAK.split(raw)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_utf8_lines(path, hint: str) -> list[str]:
    """The lines of a UTF-8 text file (a BOM dropped); :class:`InputError` naming ``path`` when it
    is missing, a folder, unreadable or not UTF-8 (with the line). ``hint``: what the file
    should be, for the message."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"is a folder: give {hint}", p)
    if not p.is_file():
        raise InputError(f"does not exist: give {hint}", p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror or exc})", p) from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"is not UTF-8 text: save it as UTF-8 ({hint})", p, f"line {line}") from None
    return split_lines(raw)
