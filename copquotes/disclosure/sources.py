"""Source pseudonyms: what a reader outside the evaluation team sees instead of a file name.

A file or folder name often names a participant or an organisation
("Jane Citizen - Northside Womens Health/interview_Jane_Citizen_2023.txt"). Outside the
workspace (review pages, exports, ``copquotes quotes``) a source is called by its kind,
year and a number: "focus group 2024 #3", "survey 2023 #1", "interview #2". The number
counts the sources of that kind and year in the order they were first named, and the
name is stored in the workspace (config ``disclosure.sources``, keyed by the file's
life-long key, ``files.file_key``, which a rename keeps), so it stays the same across runs,
re-ingests and renames, and when other files are added.
File names stay inside the workspace: ``copquotes status`` and the app's file-adding
page (the operator's own views) may show them.
"""
from __future__ import annotations

import json
import re
from collections import Counter

CONFIG_KEY = "disclosure.sources"
KIND_WORDS = {"survey": "survey", "focus_group": "focus group", "interview": "interview",
              "reflection": "reflection", "other": "document"}


def _label(kind: str | None, year: str | None) -> str:
    word = KIND_WORDS.get(str(kind or "other"), str(kind or "document").replace("_", " "))
    year = re.sub(r"\s+", " ", str(year or "")).strip()
    # a year or a series ("2024", "2024-2025"); anything else is metadata we do not repeat
    return f"{word} {year}" if re.fullmatch(r"\d{4}(?:\s*[-/–]\s*\d{2,4})?", year) else word


def _file_keys(conn) -> list[tuple[int, str, str]]:
    """``(file_id, life-long key, meta_json)`` of every file, by file id (cheap: no unit read)."""
    cols = {r[1] for r in conn.execute("PRAGMA table_info(files)")}
    key = "COALESCE(file_key, path)" if "file_key" in cols else "path"   # a file's life-long key: a rename keeps it
    return list(conn.execute(f"SELECT file_id, {key}, meta_json FROM files ORDER BY file_id"))


def _file_facts(conn, files) -> list[tuple[int, str, str]]:
    """``(file_id, key, label)`` of ``files`` (from :func:`_file_keys`): their units' most
    common source kind and year."""
    kinds: dict[int, Counter] = {}
    years: dict[int, Counter] = {}
    ids = json.dumps([f[0] for f in files])
    for fid, kind, year, n in conn.execute(
            "SELECT file_id, source_kind, year, COUNT(*) FROM units WHERE file_id IN (SELECT value FROM json_each(?))"
            " GROUP BY file_id, source_kind, year", (ids,)):
        kinds.setdefault(fid, Counter())[kind] += n
        years.setdefault(fid, Counter())[year] += n
    out = []
    for fid, path, meta_json in files:
        try:
            meta = json.loads(meta_json or "{}")
        except ValueError:
            meta = {}
        kind = kinds[fid].most_common(1)[0][0] if fid in kinds else meta.get("source_kind")
        year = years[fid].most_common(1)[0][0] if fid in years else meta.get("year")
        out.append((fid, path, _label(kind, year)))
    return out


def _assign(stored: dict, facts) -> dict:
    """``stored`` plus a name for every file that has none."""
    names = dict(stored)
    used: Counter = Counter()
    for name in names.values():
        base, _, num = name.rpartition(" #")
        if num.isdigit():
            used[base] = max(used[base], int(num))
    for _fid, path, label in facts:
        if path not in names:
            used[label] += 1
            names[path] = f"{label} #{used[label]}"
    return names


def source_names(ws, *, store: bool = True) -> dict[int, str]:
    """``{file_id: pseudonym}`` for every file of the workspace. New files get their name
    here (stored unless ``store=False``, e.g. on a read-only connection)."""
    conn = ws.conn
    files = _file_keys(conn)
    stored = ws.get_config(CONFIG_KEY, {}) or {}
    new = [f for f in files if f[1] not in stored]
    if new:           # only files without a name yet have their units counted
        facts = _file_facts(conn, new)
        if store:
            try:
                with ws.transaction() as c:   # read again inside: another process may have named them
                    row = c.execute("SELECT value FROM config WHERE key = ?", (CONFIG_KEY,)).fetchone()
                    stored = json.loads(row[0]) if row else {}
                    stored = _assign(stored, facts)
                    c.execute("INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)",
                              (CONFIG_KEY, json.dumps(stored, sort_keys=True)))
            except Exception:  # noqa: BLE001 - a read-only or busy workspace: name them for this read only
                stored = _assign(stored, facts)
        else:
            stored = _assign(stored, facts)
    return {fid: stored[key] for fid, key, _ in files}
