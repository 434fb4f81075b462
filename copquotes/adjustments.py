"""What reviewers' theme corrections change in the counts of people (the review app's
prevalence and topic tables: the stored aggregates count the tagger's labels, these differences
are added on top).

:func:`counted` reads the corrected units' labels (and, for a person with few units, all their
units') from the theme scores' Parquet parts: 0.1-0.3 s at 500,000 units. :func:`stored` keeps
its rows in the workspace's ``aggregates`` table (the row :data:`STORED`) under the state they
were counted for (:meth:`~copquotes.workspace.Workspace.aggregates_token`: an ingest, the tag or
topics stage; and the reviewers' labels themselves), so the app's first view after an analysis
(the pipeline stores them after its stages) or after a label reads them, and nobody counts them
twice. The rows hold no text and no person: a scope, a group, a year, a topic, a theme, a number.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

from . import themescores
from .types import VOICE_SQL, cohort_cells, speaker_sql

STORED = "people_adjustments"       # the row of ``aggregates`` that stores :func:`counted`


def stored(ws) -> list[tuple]:
    """:func:`counted`, read from the workspace when stored for its state now, else counted and
    stored (skipped, never waited for, while another process writes). The state and the counts
    come from one snapshot, so what is stored is never stored under another state's key."""
    conn = ws.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        key = state(ws)
        row = conn.execute("SELECT token, value_json FROM aggregates WHERE name = ?", (STORED,)).fetchone()
        if row is not None and row[0] == key:
            return [tuple(r) for r in json.loads(row[1])]
        rows = counted(ws)
    finally:
        if own:
            conn.execute("COMMIT")
    if own:
        _store(ws, key, rows)
    return rows


def state(ws) -> str:
    """What :func:`counted` depends on: the workspace's analysis (its aggregates' token) and every
    reviewer's label (a small table, hashed whole)."""
    h = hashlib.sha1()
    for uid, theme, label in ws.conn.execute("SELECT unit_id, theme, label FROM theme_labels ORDER BY unit_id, theme"):
        h.update(f"{uid}\x1f{theme}\x1f{label}\x1e".encode())
    return ws.aggregates_token() + "|labels:" + h.hexdigest()


def _store(ws, key: str, rows: list[tuple]) -> None:
    conn = ws.conn
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("INSERT OR REPLACE INTO aggregates(name, token, value_json, computed_at)"
                     " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", (STORED, key, json.dumps(rows)))
    except sqlite3.OperationalError:      # busy (a stage is writing) or read-only: stored next time
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


COLUMNS = ["scope", "grp", "year", "topic", "theme", "d"]


def counted(ws) -> list[tuple]:
    """What reviewers' corrections change in the counts of people: ``d`` = people with the theme
    after the corrections - before them (the tagger's labels), per cell of
    :func:`copquotes.types.cohort_cells` and theme (``scope`` "cohort": a group and year, "group",
    "year", "all"; participants' voices, as the app's prevalence counts) and per topic and
    theme (``scope`` "topic": every unit). Exact: a person with the theme in another unit of the
    cell (another year of their group, say) still has it. For a person with many units the
    workspace counted their labels one by one
    (:meth:`~copquotes.workspace.Workspace.speaker_label_counts`) and only the corrected units are
    read; another person's units are read again (:func:`_read_adjustments`)."""
    cur = ws.conn.cursor()
    cur.row_factory = None
    # (CROSS JOIN: the corrections, a small table, drive the join; statistics gathered before any
    # correction made the planner scan every unit for them)
    corrected = cur.execute(
        f"SELECT tl.unit_id, tl.theme, tl.label, u.grp, u.year, t.topic, {VOICE_SQL}, {speaker_sql('u')},"
        " u.file_id, u.speaker_key FROM theme_labels tl CROSS JOIN units u ON u.unit_id = tl.unit_id"
        " LEFT JOIN unit_topics t ON t.unit_id = tl.unit_id").fetchall()
    if not corrected:
        return []
    per_person = ws.speaker_label_counts({r[7] for r in corrected}) or {}
    from_counts = _counted_adjustments(ws, [r for r in corrected if r[7] in per_person], per_person)
    read = _read_adjustments(ws, [r for r in corrected if r[7] not in per_person])
    out: dict[tuple, int] = {}
    for key, d in from_counts + read:
        out[key] = out.get(key, 0) + d
    return [(*k, d) for k, d in out.items() if d]


def _change(before: int, after: int) -> int:
    """+1 when a person now has the theme and had not, -1 when they no longer have it."""
    return int(after > 0) - int(before > 0)


def _counted_adjustments(ws, corrected: list[tuple], stored: dict) -> list[tuple[tuple, int]]:
    """:func:`counted` of the people whose labels the workspace counted (``stored``):
    each person's units with the theme in a cell, the corrections' differences added."""
    if not corrected:
        return []
    tagger = themescores.labels(ws, list({r[0] for r in corrected}))
    delta: dict[tuple, int] = {}        # (who, scope, grp, year, topic, theme) -> after - before in units
    for uid, theme, label, grp, year, topic, voice, who, *_ in corrected:
        d = int(label) - tagger.get((uid, theme), 0)
        for cell in _cells(grp, year, topic, voice):
            delta[(who, *cell, theme)] = delta.get((who, *cell, theme), 0) + d
    changes = ((tuple(key), stored[who].get(tuple(key), 0), d) for (who, *key), d in delta.items())
    return [(key, _change(n, n + d)) for key, n, d in changes if _change(n, n + d)]


def _cells(grp, year, topic, voice) -> list[tuple]:
    """The cells a unit counts in: its group and year, its group, its year and all
    (:func:`copquotes.types.cohort_cells`) when in a participant's voice, its topic when it has one."""
    return ([(scope, g, y, None) for scope, g, y in cohort_cells(grp, year)] if voice else []) \
        + ([("topic", None, None, topic)] if topic is not None else [])


def _read_adjustments(ws, corrected: list[tuple]) -> list[tuple[tuple, int]]:
    """:func:`counted` of people whose every unit is read again (a file at a time: the
    file's index, never a scan of every unit): their labels before and after the corrections."""
    if not corrected:
        return []
    c = ws.conn
    keys: dict = {}                 # file -> the speaker keys corrected in it
    for *_, f, k in corrected:
        if k is not None:
            keys.setdefault(f, set()).add(k)
    alone = sorted({r[0] for r in corrected if r[9] is None})
    cols = f"u.unit_id, u.grp, u.year, t.topic, {VOICE_SQL} AS voice, {speaker_sql('u')} AS who"
    base = " FROM units u LEFT JOIN unit_topics t ON t.unit_id = u.unit_id"
    rows = c.execute(f"SELECT {cols}{base} WHERE u.unit_id IN (SELECT value FROM json_each(?))",
                     (json.dumps(alone),)).fetchall()
    for f, ks in keys.items():
        rows += c.execute(f"SELECT {cols}{base} WHERE u.file_id = ? AND u.speaker_key IN"
                          " (SELECT value FROM json_each(?))", (f, json.dumps(sorted(ks)))).fetchall()
    themes = sorted({r[1] for r in corrected})
    ids = [r[0] for r in rows]
    tagger, reviewed = themescores.labels(ws, ids), themescores.reviewer_labels(ws, ids)
    per: dict[tuple, list[int]] = {}    # (scope, grp, year, topic, theme, who) -> [before, after]
    for uid, grp, year, topic, voice, who in rows:
        cells = _cells(grp, year, topic, voice)
        for theme in themes:
            before = tagger.get((uid, theme), 0)
            after = reviewed.get(uid, {}).get(theme, before)
            for cell in cells:
                got = per.setdefault((*cell, theme, who), [0, 0])
                got[0], got[1] = max(got[0], before), max(got[1], after)
    return [(key[:-1], _change(b, a)) for key, (b, a) in per.items() if _change(b, a)]
