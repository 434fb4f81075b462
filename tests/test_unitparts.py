"""Per-unit results as Parquet parts beside the database: written whole before any unit points at
them, read by unit, removed when nothing points at them, and computed again when lost."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from copquotes import themescores, unitparts
from copquotes.errors import WorkspaceError
from copquotes.themes import run as tag_stage
from copquotes.types import Unit
from copquotes.unitparts import SENTENCE_THEMES
from copquotes.workspace import SCHEMA_VERSION, Workspace
from sources import Reading, Src

TEXTS = [
    "The room was cold. I'm the only prevention worker in my town, and the group made me feel less alone.",
    "Parents complained that we were pushing an agenda.",
    "We swapped plans. Then we met again. It helped.",
]


def _reader(source):
    lines = Path(source.path).read_text().splitlines()
    return Reading((Unit(file=str(source.path), position=i, text=t, source_kind="survey", consent=True,
                         speaker_role="respondent") for i, t in enumerate(lines)), [])


@pytest.fixture
def ws(tmp_path):
    f = tmp_path / "answers.txt"
    f.write_text("\n".join(TEXTS))
    w = Workspace.create(tmp_path / "ws")
    w.ingest([Src(f)], read=_reader, progress=False)
    yield w
    w.close()


def _ids(ws):
    return [r[0] for r in ws.conn.execute("SELECT unit_id FROM units ORDER BY position")]


def _files(ws):
    folder = unitparts.folder(ws.path, SENTENCE_THEMES)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_part_is_read_by_unit_once_units_point_at_it(ws):
    a, b, c = _ids(ws)
    name = unitparts.write_part(ws.path, SENTENCE_THEMES, [(a, 0, "wellbeing", 0.25), (a, 1, "wellbeing", 0.5),
                                                           (b, 0, "backlash", 0.75)])
    assert unitparts.read(ws, SENTENCE_THEMES, [a, b]) == {}         # written, not yet pointed at
    with ws.transaction() as conn:
        unitparts.point(conn, SENTENCE_THEMES, [a, b], name)
    assert unitparts.sentence_themes(ws, [a, c]) == {a: [(0, "wellbeing", 0.25), (1, "wellbeing", 0.5)]}
    assert unitparts.sentence_themes(ws, [b]) == {b: [(0, "backlash", 0.75)]}


def test_a_part_holds_ids_and_scores_only(ws):
    tag_stage(ws, progress=False)
    (name,) = _files(ws)
    table = pq.read_table(unitparts.folder(ws.path, SENTENCE_THEMES) / name)
    assert table.column_names == ["unit_id", "idx", "theme", "score"]
    assert not any(t in str(v) for v in table.to_pylist() for t in ("room", "Parents", "plans"))


def test_the_tag_stage_writes_its_sentence_scores_as_parts_not_rows(ws, monkeypatch):
    from copquotes.themes import api

    monkeypatch.setattr(api, "SCORE_CHUNK", 1)          # one part per unit
    summary = tag_stage(ws, progress=False)
    assert summary["scored_units"] == 3
    assert len(_files(ws)) == 3
    assert ws.conn.execute("SELECT COUNT(*) FROM sentence_themes").fetchone()[0] == 0
    rows = unitparts.sentence_theme_rows(ws)
    n_themes = len(themescores.themes(ws))
    assert len(rows) == (2 + 1 + 3) * n_themes          # every sentence of every unit, every theme
    # every unit's evidence sentence is one of its scored sentences
    have = {(r[0], r[1]) for r in rows}
    for uid, _, _, _, idx in themescores.sorted_rows(ws):
        assert (uid, idx) in have


def test_scoring_every_unit_again_removes_the_parts_it_replaced(ws):
    tag_stage(ws, progress=False)
    first = _files(ws)
    ws.set_config("tag.tagger_identity", "another tagger")      # e.g. a new codebook: all scored again
    before = unitparts.sentence_theme_rows(ws)
    assert tag_stage(ws, progress=False)["scored_units"] == 3
    assert len(_files(ws)) == 1 and _files(ws) != first
    after = unitparts.sentence_theme_rows(ws)
    assert [r[:3] for r in after] == [r[:3] for r in before]
    assert [r[3] for r in after] == pytest.approx([r[3] for r in before], abs=1e-6)


@pytest.mark.parametrize("leftover", [".p-0123456789abcdef.parquet.tmp", "p-0123456789abcdef.parquet"])
def test_a_killed_writes_file_is_removed_and_a_pointed_part_kept(ws, leftover):
    tag_stage(ws, progress=False)
    kept = _files(ws)
    (unitparts.folder(ws.path, SENTENCE_THEMES) / leftover).write_bytes(b"half a part")
    assert unitparts.remove_unreferenced(ws, SENTENCE_THEMES) == 1
    assert _files(ws) == kept
    assert len(unitparts.sentence_theme_rows(ws)) > 0


def test_a_removed_unit_takes_its_pointer_with_it(ws):
    tag_stage(ws, progress=False)
    uid = _ids(ws)[1]
    with ws.transaction() as conn:
        conn.execute("DELETE FROM units WHERE unit_id = ?", (uid,))
    assert ws.conn.execute("SELECT COUNT(*) FROM unit_parts WHERE unit_id = ?", (uid,)).fetchone()[0] == 0
    assert uid not in {r[0] for r in unitparts.sentence_theme_rows(ws)}


@pytest.mark.parametrize("damage", ["remove", "truncate", "empty"])
def test_a_lost_part_is_reported_and_its_units_scored_again(ws, monkeypatch, damage):
    from copquotes import pipeline
    from copquotes.themes import api

    monkeypatch.setattr(api, "SCORE_CHUNK", 1)
    tag_stage(ws, progress=False)
    pipeline_fp = pipeline.fingerprint(ws, "tag")
    before = unitparts.sentence_theme_rows(ws)
    lost = _ids(ws)[0]
    part = ws.conn.execute("SELECT part FROM unit_parts WHERE unit_id = ? AND tbl = ?", (lost, SENTENCE_THEMES)).fetchone()[0]
    path = unitparts.folder(ws.path, SENTENCE_THEMES) / part
    if damage == "remove":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:100] if damage == "truncate" else b"")
    assert unitparts.lost_units(ws, SENTENCE_THEMES) == [lost]
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        unitparts.sentence_themes(ws, [lost])
    assert pipeline.fingerprint(ws, "tag") != pipeline_fp          # the stage is due again
    summary = tag_stage(ws, progress=False)
    assert summary["incremental"] and summary["scored_units"] == 1
    assert unitparts.lost_units(ws, SENTENCE_THEMES) == []
    assert pipeline.fingerprint(ws, "tag") == pipeline_fp          # and current once done
    after = unitparts.sentence_theme_rows(ws)
    assert [r[:3] for r in after] == [r[:3] for r in before]


def test_rows_from_before_the_parts_are_read_until_their_unit_is_scored_again(ws):
    """A workspace analysed by an earlier copquotes keeps its sentence scores in SQLite."""
    a, b, _ = _ids(ws)
    with ws.transaction() as conn:
        conn.executemany("INSERT INTO sentence_themes(unit_id, idx, theme, score) VALUES (?,?,?,?)",
                         [(a, 0, "wellbeing", 0.125), (b, 0, "backlash", 0.375)])
    assert unitparts.sentence_themes(ws, [a, b]) == {a: [(0, "wellbeing", 0.125)], b: [(0, "backlash", 0.375)]}
    tag_stage(ws, progress=False)
    assert ws.conn.execute("SELECT COUNT(*) FROM sentence_themes").fetchone()[0] == 0
    rows = unitparts.sentence_themes(ws, [a])[a]
    assert (0, "wellbeing", 0.125) not in rows and len(rows) > 1


def reopened_from(tmp_path, version: int, *statements: str) -> Workspace:
    """A new workspace made to look like one of schema ``version`` (``statements`` undo what came
    after), opened again: migrated."""
    w = Workspace.create(tmp_path / "ws")
    for sql in statements:
        w.conn.execute(sql)
    w.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    w.close()
    return Workspace.open(tmp_path / "ws")


def test_a_schema_9_workspace_gets_the_pointer_table(tmp_path):
    w = reopened_from(tmp_path, 9, "DROP TABLE unit_parts",
                      "CREATE TABLE unit_themes (unit_id TEXT, theme TEXT, score REAL, label INTEGER, evidence_idx INTEGER)")
    try:
        assert w.schema_version == SCHEMA_VERSION
        assert w.conn.execute("SELECT COUNT(*) FROM unit_parts").fetchone()[0] == 0
    finally:
        w.close()


@pytest.mark.parametrize("sql, args, index", [
    # per part: counted for readers and merging, looked up before a part is removed
    ("SELECT part, COUNT(*) FROM unit_parts WHERE tbl = ? GROUP BY part", ["unit_themes"], "unit_parts_part"),
    ("SELECT 1 FROM unit_parts WHERE tbl = ? AND part = ? LIMIT 1", ["unit_themes", "p-1.parquet"], "unit_parts_part"),
    ("SELECT DISTINCT part FROM unit_parts WHERE tbl = ?", ["unit_themes"], "unit_parts_part"),
    # per unit: a page's few units still go by the primary key, not by the new index
    ("SELECT unit_id, part FROM unit_parts WHERE tbl = ? AND unit_id IN (SELECT value FROM json_each(?))",
     ["unit_themes", "[]"], "PRIMARY KEY"),
])
def test_a_schema_11_workspace_gets_the_pointers_index_and_queries_use_it(tmp_path, sql, args, index):
    w = reopened_from(tmp_path, 11, "DROP INDEX unit_parts_part")
    try:
        assert w.schema_version == SCHEMA_VERSION
        plan = " ".join(r[3] for r in w.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert index in plan and "TEMP B-TREE" not in plan, plan
    finally:
        w.close()


def test_a_reader_whose_part_was_replaced_under_it_reads_the_new_one(ws):
    a, b, _ = _ids(ws)
    old = unitparts.write_part(ws.path, SENTENCE_THEMES, [(a, 0, "wellbeing", 0.25), (b, 0, "wellbeing", 0.5)])
    new = unitparts.write_part(ws.path, SENTENCE_THEMES, [(a, 0, "wellbeing", 0.75), (b, 0, "wellbeing", 1.0)])
    with ws.transaction() as conn:
        unitparts.point(conn, SENTENCE_THEMES, [a, b], old)
    gone = unitparts.folder(ws.path, SENTENCE_THEMES) / old
    # the writer points the units elsewhere and removes the old part between a reader's two steps
    with ws.transaction() as conn:
        unitparts.point(conn, SENTENCE_THEMES, [a, b], new)
    assert unitparts.remove_unreferenced(ws, SENTENCE_THEMES) == 1 and not gone.exists()
    assert unitparts.read_again(ws, SENTENCE_THEMES, [a, b], gone) == {a: [(0, "wellbeing", 0.75)],
                                                                       b: [(0, "wellbeing", 1.0)]}
    with ws.transaction() as conn:           # still pointed at: the part is lost, not moved
        unitparts.point(conn, SENTENCE_THEMES, [a], old)
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        unitparts.read_again(ws, SENTENCE_THEMES, [a], gone)


def test_the_tag_stage_gives_back_the_page_cache_it_took(ws):
    ws.conn.execute("PRAGMA cache_size = -1234")
    tag_stage(ws, progress=False)
    assert ws.conn.execute("PRAGMA cache_size").fetchone()[0] == -1234


def test_small_parts_are_merged_once_there_are_enough_and_every_score_kept(ws, monkeypatch):
    from copquotes.themes import api

    monkeypatch.setattr(api, "SCORE_CHUNK", 1)          # one part per unit: three small parts
    monkeypatch.setattr(unitparts, "COMPACT_AT", 4)
    assert tag_stage(ws, progress=False)["parts_merged"] == 0
    assert len(_files(ws)) == 3                          # fewer small parts than COMPACT_AT: left alone
    before = unitparts.sentence_theme_rows(ws)
    monkeypatch.setattr(unitparts, "COMPACT_AT", 3)
    monkeypatch.setattr(unitparts, "COMPACT_INTO", 2)    # two units a merged part
    assert unitparts.compact(ws, SENTENCE_THEMES) == 3
    assert unitparts.remove_unreferenced(ws, SENTENCE_THEMES) == 3
    assert len(_files(ws)) == 2
    assert unitparts.sentence_theme_rows(ws) == before   # the same rows, bit for bit
    parts = dict(ws.conn.execute("SELECT unit_id, part FROM unit_parts WHERE tbl = ?", (SENTENCE_THEMES,)))
    a, b, c = _ids(ws)
    assert parts[a] == parts[b] != parts[c]              # merged in the units' file order


def test_a_part_most_of_whose_units_were_scored_again_counts_as_small(ws, monkeypatch):
    tag_stage(ws, progress=False)
    (whole,) = _files(ws)
    monkeypatch.setattr(unitparts, "COMPACT_BELOW", 3)   # a part of 3 units is not small ...
    monkeypatch.setattr(unitparts, "COMPACT_AT", 2)
    assert unitparts.compact(ws, SENTENCE_THEMES) == 0
    a = _ids(ws)[0]
    name = unitparts.write_part(ws.path, SENTENCE_THEMES, [(a, 0, "wellbeing", 0.5)])
    with ws.transaction() as conn:                       # ... until one of its units is scored again
        unitparts.point(conn, SENTENCE_THEMES, [a], name)
    before = unitparts.sentence_theme_rows(ws)
    assert unitparts.compact(ws, SENTENCE_THEMES) == 2
    unitparts.remove_unreferenced(ws, SENTENCE_THEMES)
    assert whole not in _files(ws) and name not in _files(ws) and len(_files(ws)) == 1
    assert unitparts.sentence_theme_rows(ws) == before


def test_a_part_damaged_inside_is_left_out_of_a_merge_not_a_failed_stage(ws, monkeypatch):
    from copquotes.themes import api

    monkeypatch.setattr(api, "SCORE_CHUNK", 1)
    tag_stage(ws, progress=False)
    monkeypatch.setattr(unitparts, "COMPACT_AT", 2)
    a = _ids(ws)[0]
    (bad,) = {p for u, p in ws.conn.execute("SELECT unit_id, part FROM unit_parts WHERE tbl = ?", (SENTENCE_THEMES,))
              if u == a}
    path = unitparts.folder(ws.path, SENTENCE_THEMES) / bad
    data = bytearray(path.read_bytes())
    data[8:40] = bytes(32)                               # the first data page, the footer intact
    path.write_bytes(bytes(data))
    assert unitparts.compact(ws, SENTENCE_THEMES) == 2   # the two whole parts, merged
    unitparts.remove_unreferenced(ws, SENTENCE_THEMES)
    assert bad in _files(ws) and len(_files(ws)) == 2


def _many_units(tmp_path, n: int) -> tuple[Workspace, list[str]]:
    f = tmp_path / "many.txt"
    f.write_text("\n".join(f"Answer number {i} about the group." for i in range(n)))
    w = Workspace.create(tmp_path / "many")
    w.ingest([Src(f)], read=_reader, progress=False)
    return w, [r[0] for r in w.conn.execute("SELECT unit_id FROM units ORDER BY position")]


@pytest.mark.parametrize("table", [SENTENCE_THEMES, unitparts.UNIT_THEMES])
@pytest.mark.parametrize("pick", [[5], [0, 7, 3], list(range(0, 140, 2)), list(range(70))])
@pytest.mark.parametrize("columns", [None, "last two"])
def test_a_few_units_of_a_large_part_read_the_same_rows_as_a_filtered_read(tmp_path, table, pick, columns):
    w, ids = _many_units(tmp_path, 140)
    try:
        names = [n for n, _ in unitparts.COLUMNS[table]]
        values = {"idx": lambda i, k: k, "theme": lambda i, k: ("wellbeing", "backlash", "joy")[k],
                  "score": lambda i, k: i / 1000 + k, "label": lambda i, k: (i + k) % 2,
                  "evidence_idx": lambda i, k: i % 3}
        # three rows a unit, the part ordered by theme (as the tag stage writes unit_themes)
        rows = sorted(((uid, *[values[c](i, k) for c in names[1:]]) for k in range(3) for i, uid in enumerate(ids)),
                      key=lambda r: (r[names.index("theme")], r[0]))
        part = unitparts.write_part(w.path, table, rows)
        with w.transaction() as conn:
            unitparts.point(conn, table, ids, part)
        cols = None if columns is None else names[-2:]
        wanted = [ids[i] for i in pick]
        expected = {}
        for r in rows:
            if r[0] in wanted:
                rest = r[1:] if cols is None else tuple(r[names.index(c)] for c in cols)
                expected.setdefault(r[0], []).append(rest)
        unitparts._IDS.clear()
        assert unitparts.read(w, table, wanted, cols) == expected
        assert (len(unitparts._IDS) == 1) is (len(wanted) <= unitparts.FEW_UNITS)   # which way it was read
        assert unitparts.read(w, table, wanted, cols) == expected                    # and again, from what was kept
    finally:
        w.close()


def test_the_unit_ids_kept_stay_under_their_bound(tmp_path, monkeypatch):
    w, ids = _many_units(tmp_path, 60)
    try:
        parts = []
        for k in range(4):
            part = unitparts.write_part(w.path, SENTENCE_THEMES, [(u, k, "wellbeing", 0.5) for u in ids[k * 15:(k + 1) * 15]])
            with w.transaction() as conn:
                unitparts.point(conn, SENTENCE_THEMES, ids[k * 15:(k + 1) * 15], part)
            parts.append(part)
        unitparts._IDS.clear()
        one = unitparts.read(w, SENTENCE_THEMES, [ids[0]])
        size = next(iter(unitparts._IDS.values())).nbytes
        monkeypatch.setattr(unitparts, "IDS_KEPT_BYTES", 2 * size + 1)
        got = unitparts.read(w, SENTENCE_THEMES, [ids[k * 15] for k in range(4)])
        assert one == {ids[0]: [(0, "wellbeing", 0.5)]} and len(got) == 4
        assert len(unitparts._IDS) == 2 and sum(a.nbytes for a in unitparts._IDS.values()) <= 2 * size + 1
    finally:
        w.close()
