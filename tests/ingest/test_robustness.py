"""No bad file ever gives a traceback: truncated and damaged copies of every format raise
a CopquotesError (one line) or read cleanly."""
from __future__ import annotations

import random

import pytest

from copquotes.errors import CopquotesError
from copquotes.ingest import discover, read, read_path

from .builders import COP_FOLDER, make_forms_xlsx, make_teams_docx


def _originals(tmp_path):
    files = sorted(p for p in COP_FOLDER.rglob("*") if p.is_file() and p.suffix in (".csv", ".vtt", ".txt"))
    files.append(make_forms_xlsx(tmp_path / "forms.xlsx"))
    files.append(make_teams_docx(tmp_path / "teams.docx"))
    return files


def _damaged(data: bytes, rng: random.Random):
    n = len(data)
    yield "truncated-3q", data[: n * 3 // 4]
    yield "truncated-1t", data[: n // 3]
    yield "truncated-17", data[:17]
    flipped = bytearray(data)
    for _ in range(max(3, n // 200)):
        flipped[rng.randrange(n)] = rng.randrange(256)
    yield "bytes-flipped", bytes(flipped)
    yield "nul-inserted", data[: n // 2] + b"\x00\x00" + data[n // 2:]
    yield "quote-inserted", data[: n // 2] + b'"' + data[n // 2:]


def test_damaged_files_raise_copquotes_errors_only(tmp_path):
    rng = random.Random(11)
    outcomes = {"read": 0, "error": 0}
    for original in _originals(tmp_path):
        data = original.read_bytes()
        for label, damaged in _damaged(data, rng):
            p = tmp_path / f"{label}-{original.name}"
            p.write_bytes(damaged)
            try:
                r = read_path(p)
                units = list(r.units)
                assert all(isinstance(u.text, str) and u.text for u in units)
                outcomes["read"] += 1
            except CopquotesError as exc:
                assert "\n" not in str(exc), str(exc)
                outcomes["error"] += 1
    assert outcomes["error"] > 10 and outcomes["read"] > 10, outcomes


def test_folder_of_damaged_files_is_skipped_not_crashed(tmp_path):
    rng = random.Random(5)
    folder = tmp_path / "mess"
    folder.mkdir()
    rosters = []
    for original in _originals(tmp_path):
        for label, damaged in _damaged(original.read_bytes(), rng):
            if "roster" in original.name:  # a damaged roster stops the ingest (below): consent must not be guessed
                rosters.append((tmp_path / f"{label}-{original.name}", damaged))
                continue
            (folder / f"{label}-{original.name}").write_bytes(damaged)
    for path, damaged in rosters:
        sub = tmp_path / f"with-{path.name}"
        sub.mkdir()
        (sub / path.name).write_bytes(damaged)
        try:
            discover([sub])
        except CopquotesError as exc:
            assert path.name in str(exc) and "\n" not in str(exc)
    d = discover([folder])
    assert d.sources and d.skipped
    for s in d.sources:
        try:
            list(read(s).units)
        except CopquotesError:
            pass


@pytest.mark.parametrize("name,content", [
    ("a.csv", "\ufeff"),
    ("b.csv", ",,,\n,,,\n"),
    ("c.vtt", "WEBVTT\n"),
    ("d.txt", "   \n\n"),
    ("e.csv", "only one line without newline"),
])
def test_degenerate_files(tmp_path, name, content):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(CopquotesError):
        list(read_path(p).units)
