"""The units' theme scores as Parquet parts: only live rows are read, whole-workspace readers go
part by part, caches key on a generation every write moves, and a lost part is scored again."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from copquotes import themescores, unitparts
from copquotes.errors import WorkspaceError
from copquotes.themes import run as tag_stage
from copquotes.workspace import AGGREGATES

from test_unitparts import TEXTS, _ids, ws  # noqa: F401  (the fixture)


def _part_files(ws):
    folder = unitparts.folder(ws.path, themescores.TABLE)
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("p-")) if folder.is_dir() else []


def test_the_tag_stage_writes_the_scores_as_parts_with_ids_and_numbers_only(ws):
    summary = tag_stage(ws, progress=False)
    assert not ws.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_themes'").fetchone()
    (name,) = _part_files(ws)
    table = pq.read_table(unitparts.folder(ws.path, themescores.TABLE) / name)
    assert table.column_names == ["unit_id", "theme", "score", "label", "evidence_idx"]
    assert not any(t in str(v) for v in table.to_pylist() for t in ("room", "Parents", "plans"))
    rows = themescores.sorted_rows(ws)
    themes = themescores.themes(ws)
    assert len(rows) == len(TEXTS) * len(themes) and len(themes) == len(summary["labelled"])
    assert {t: sum(r[3] for r in rows if r[1] == t) for t in themes} == summary["labelled"]
    by_unit = themescores.rows(ws, _ids(ws))
    assert sorted((u, *r) for u, rs in by_unit.items() for r in rs) == rows


@pytest.mark.parametrize("reader", [
    lambda ws: themescores.sorted_rows(ws),
    lambda ws: sorted(tuple(r.values()) for r in themescores.table(ws, theme="wellbeing").to_pylist()),
    lambda ws: sorted(tuple(r.values()) for r in themescores.table(ws, label=1).to_pylist()),
    lambda ws: sorted((u, *r) for u, rs in themescores.rows(ws, _ids(ws)).items() for r in rs),
], ids=["all", "theme", "label", "by-unit"])
def test_a_unit_scored_again_is_read_from_its_new_part_only(ws, reader):
    a, b, c = _ids(ws)
    themescores.write(ws, [(u, t, 0.25, 0, None) for u in (a, b, c) for t in ("wellbeing", "backlash")])
    themescores.write(ws, [(a, t, 0.75, 1, 0) for t in ("wellbeing", "backlash")])    # a scored again
    got = reader(ws)
    assert got and not any(r[0] == a and r[2] == 0.25 for r in got)
    if any(r[0] == a for r in got):
        assert all(r[2] == 0.75 for r in got if r[0] == a)
    assert len(_part_files(ws)) == 2      # (the first part keeps a's dead rows until it is merged)


def test_the_generation_moves_when_scores_are_written_or_their_unit_deleted(ws):
    a, b, _ = _ids(ws)
    start = themescores.state(ws)
    themescores.write(ws, [(a, "wellbeing", 0.5, 1, None), (b, "wellbeing", 0.5, 0, None)])
    written = themescores.state(ws)
    assert written != start and themescores.themes(ws) == ["wellbeing"]
    with ws.transaction() as conn:
        conn.execute("DELETE FROM units WHERE unit_id = ?", (a,))
    assert themescores.state(ws) not in (start, written)
    assert [r[0] for r in themescores.sorted_rows(ws)] == [b]
    assert ws.compute_aggregate("tagged_units") == [[1]]


def test_a_lost_scores_part_fails_its_readers_clearly_and_is_scored_again(ws):
    tag_stage(ws, progress=False)
    before = themescores.sorted_rows(ws)
    (name,) = _part_files(ws)
    (unitparts.folder(ws.path, themescores.TABLE) / name).unlink()
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        themescores.table(ws)
    # the counts the app reads leave the lost units out instead of failing
    assert ws.compute_aggregate("tagged_units") == [[0]]
    assert set(AGGREGATES) <= set(ws._compute_aggregates(AGGREGATES))
    assert sorted(unitparts.lost_units(ws, themescores.TABLE)) == sorted(_ids(ws))
    summary = tag_stage(ws, progress=False)
    assert summary["scored_units"] == len(TEXTS)       # (every unit was lost: not incremental)
    after = themescores.sorted_rows(ws)
    assert [r[:2] + r[3:] for r in after] == [r[:2] + r[3:] for r in before]
    assert all(abs(x[2] - y[2]) < 1e-6 for x, y in zip(after, before))


def test_a_part_without_a_unit_count_is_read_by_its_pointers(ws):
    """A part from before its metadata said how many units it holds: its live rows are those of
    the units pointing at it."""
    import pyarrow as pa

    a, b, _ = _ids(ws)
    folder = unitparts.folder(ws.path, themescores.TABLE)
    folder.mkdir(parents=True)
    rows = {"unit_id": [a, b], "theme": ["wellbeing"] * 2, "score": [0.5, 0.25], "label": [1, 0], "evidence_idx": [0, 0]}
    pq.write_table(pa.Table.from_pydict(rows, schema=unitparts._schema(themescores.TABLE)), folder / "p-old.parquet")
    with ws.transaction() as conn:
        themescores.point(conn, [a, b], "p-old.parquet")
    assert unitparts.part_units(folder / "p-old.parquet") is None
    assert themescores.sorted_rows(ws) == sorted([(a, "wellbeing", 0.5, 1, 0), (b, "wellbeing", 0.25, 0, 0)])
    themescores.write(ws, [(b, "wellbeing", 0.75, 1, None)])        # b scored again
    assert themescores.sorted_rows(ws) == sorted([(a, "wellbeing", 0.5, 1, 0), (b, "wellbeing", 0.75, 1, None)])
    assert sorted(r["unit_id"] for r in themescores.table(ws, label=1, theme="wellbeing").to_pylist()) == sorted([a, b])


def test_a_part_is_ordered_by_theme_a_row_group_each(ws):
    a, b, c = _ids(ws)
    part = themescores.write_part(ws.path, [(u, t, 0.5, 0, None) for u in (a, b, c) for t in ("x", "b", "m")])
    meta = pq.read_metadata(unitparts.folder(ws.path, themescores.TABLE) / part)
    assert meta.num_row_groups == 3 and unitparts.part_units(unitparts.folder(ws.path, themescores.TABLE) / part) == 3
    themes = [meta.row_group(i).column(1).statistics for i in range(3)]
    assert [(s.min, s.max) for s in themes] == [("b", "b"), ("m", "m"), ("x", "x")]
    with ws.transaction() as conn:
        themescores.point(conn, [a, b, c], part)
    assert themescores.rows(ws, [b]) == {b: [("b", 0.5, 0, None), ("m", 0.5, 0, None), ("x", 0.5, 0, None)]}


def test_the_pointers_are_read_in_one_snapshot_while_another_process_points_units_elsewhere(ws):
    """A reader's two pointer queries (how many units a part has, and which) see one state of
    the database even when a tag stage commits between them: no unit read twice or missed."""
    from copquotes.workspace import Workspace

    ids = _ids(ws)
    themescores.write(ws, [(u, "wellbeing", 0.25, 1, 0) for u in ids[:2]])
    themescores.write(ws, [(ids[2], "wellbeing", 0.5, 1, 0)])
    new = themescores.write_part(ws.path, [(u, "wellbeing", 0.75, 1, 0) for u in ids])
    with ws.transaction() as conn:
        themescores.point(conn, ids[:1], new)            # the next part: one unit pointed at it so far
    writer = Workspace.open(ws.path)

    class Between:                                       # commits the writer's next transaction between the queries
        def __init__(self, conn):
            self.conn = conn

        def __getattr__(self, name):
            return getattr(self.conn, name)

        def cursor(self):
            with writer.transaction() as conn:
                themescores.point(conn, ids[2:], new)
            return self.conn.cursor()

    reader = Workspace.open(ws.path)
    try:
        reader.conn = Between(reader.conn)
        got = sorted((r["unit_id"], r["score"]) for r in themescores.table(reader).to_pylist())
        assert [u for u, _ in got] == sorted(ids)          # each unit once
    finally:
        reader.conn = reader.conn.conn
        reader.close()
        writer.close()
