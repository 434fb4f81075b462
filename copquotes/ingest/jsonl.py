"""JSON Lines of texts: the gold files of ``copquotes evaluate`` and the input of ``copquotes tag``."""
from __future__ import annotations

import json
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
