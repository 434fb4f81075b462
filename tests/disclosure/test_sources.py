"""Source pseudonyms: named by kind, year and number, stored, stable across runs."""
from __future__ import annotations

import json

import pytest

from copquotes.disclosure import Disclosure, source_names
from copquotes.disclosure.sources import CONFIG_KEY, _label
from copquotes.workspace import Workspace


@pytest.mark.parametrize("kind, year, expected", [
    ("focus_group", "2024", "focus group 2024"), ("survey", "2023", "survey 2023"),
    ("interview", None, "interview"), ("reflection", "2024-2025", "reflection 2024-2025"),
    ("other", "2022", "document 2022"), (None, None, "document"),
    ("survey", "Jane Smith's cohort", "survey"),          # a year field that is not a year is not repeated
])
def test_a_label_says_kind_and_year_only(kind, year, expected):
    assert _label(kind, year) == expected


def _add_file(ws, path, kind, year, n=2):
    with ws.transaction() as c:
        cur = c.execute("INSERT INTO files(path, display, format, sha256, fingerprint, meta_json, ingested_at)"
                        " VALUES (?, ?, 'plain_txt', 'x', 'y', '{}', 'now')", (path, path))
        fid = cur.lastrowid
        cols = {r[1] for r in c.execute("PRAGMA table_info(files)")}
        if "file_key" in cols:
            c.execute("UPDATE files SET file_key = ? WHERE file_id = ?", ("key:" + path, fid))
        for i in range(n):
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, year, speaker_role,"
                      " consent, locator, extra_json) VALUES (?, ?, ?, 'some text', 'h', ?, ?, 'participant', 1, '',"
                      " '{}')", (f"u{fid}_{i}", fid, i, kind, year))
    return fid


def test_sources_are_numbered_per_kind_and_year_and_stored(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    a = _add_file(ws, str(tmp_path / "Jane Citizen" / "interview_Jane_Citizen_2023.txt"), "interview", "2023")
    b = _add_file(ws, str(tmp_path / "Northside Womens Health" / "fg_1.vtt"), "focus_group", "2024")
    c = _add_file(ws, str(tmp_path / "Northside Womens Health" / "fg_2.vtt"), "focus_group", "2024")
    names = source_names(ws)
    assert names == {a: "interview 2023 #1", b: "focus group 2024 #1", c: "focus group 2024 #2"}
    assert not any("Jane" in n or "Northside" in n for n in names.values())
    stored = ws.get_config(CONFIG_KEY)
    assert sorted(stored.values()) == sorted(names.values())
    # a new file gets the next number; the others keep theirs
    d = _add_file(ws, str(tmp_path / "other" / "fg_0.vtt"), "focus_group", "2024")
    assert source_names(ws) == {**names, d: "focus group 2024 #3"}
    assert Disclosure(ws).source(b) == "focus group 2024 #1"
    ws.close()


def test_a_pseudonym_survives_a_file_leaving_the_workspace(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    a = _add_file(ws, "/d/a.vtt", "focus_group", "2024")
    b = _add_file(ws, "/d/b.vtt", "focus_group", "2024")
    before = source_names(ws)
    with ws.transaction() as c:
        c.execute("DELETE FROM files WHERE file_id = ?", (a,))
    e = _add_file(ws, "/d/e.vtt", "focus_group", "2024")
    after = source_names(ws)
    assert after[b] == before[b] == "focus group 2024 #2"
    assert after[e] == "focus group 2024 #3"          # numbers are never reused
    assert json.dumps(after)
    ws.close()
