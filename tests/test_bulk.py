"""The bulk Parquet files: the units and quotes tables part by part, whole or not at all,
through the disclosure gate, current with the analysis and the reviews."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from app.builders import NAME, SECRET, UNITS, build_workspace, quote_ids, unit_id
from copquotes import bulk, review
from copquotes.bulk import store
from copquotes.errors import ConfigError, WorkspaceError
from copquotes.export import units_table


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


def _normal(df: pd.DataFrame) -> pd.DataFrame:
    """One representation of missing values and numbers, to compare what Parquet gave back."""
    df = df.reset_index(drop=True).astype(object)
    return df.where(df.notna(), None)


def _every_string(ws_path) -> str:
    """Every string value of every bulk table (the files are compressed: read them, not their bytes)."""
    out = []
    for table in bulk.TABLES:
        df = bulk.read(ws_path, table)
        for col in df.columns:
            out += [str(v) for v in df[col] if isinstance(v, str)]
    return "\n".join(out)


@pytest.mark.parametrize("part_units", [1, 3, 10_000])
def test_the_bulk_units_table_is_the_units_table_in_any_part_size(ws, part_units):
    m = bulk.write(ws, progress=False, part_units=part_units)
    got = bulk.read(ws.path, "units")
    want = units_table(ws)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(_normal(got), _normal(want), check_dtype=False)
    assert m["tables"]["units"] == {"parts": -(-len(UNITS) // part_units), "rows": len(UNITS),
                                    "columns": list(want.columns)}


def test_the_quotes_table_holds_every_stored_quote_with_its_review_state(ws):
    ids = quote_ids(ws)
    review.approve(ws, ids[1], "Ann", 1)
    review.reject(ws, ids[3], "Ann", "off theme", 1)
    bulk.write(ws, progress=False, part_units=2)
    q = bulk.read(ws.path, "quotes").set_index("quote_id")
    stored = dict(ws.conn.execute("SELECT quote_id, status FROM quotes").fetchall())
    assert set(q.index) == set(stored) and len(q) == len(stored)
    assert q.loc[ids[1], "status"] == "approved" and q.loc[ids[3], "status"] == "rejected"
    assert q.loc[ids[1], "version"] == 2
    # a rejected quote keeps its coding, not its text (no quote export takes it)
    assert q.loc[ids[3], "text"] == "" and q.loc[ids[3], "attribution"] == ""
    assert q.loc[ids[1], "text"] != ""
    assert (q["document"].str.contains(r"\.vtt|\.csv")).sum() == 0      # pseudonyms, never file names


def test_the_files_hold_no_name_and_no_words_of_a_speaker_without_consent(ws):
    bulk.write(ws, progress=False, part_units=2)
    text = _every_string(ws.path)
    assert "[name]" in text
    assert NAME not in text and NAME.split()[1] not in text
    assert SECRET not in text
    units = bulk.read(ws.path, "units")
    assert set(units.loc[units["consent"] != "yes", "text"]) == {""}


def test_a_write_that_fails_midway_leaves_the_previous_generation_current(ws, monkeypatch):
    first = bulk.write(ws, progress=False, part_units=2)
    before = bulk.read(ws.path, "units")
    review.label_theme(ws, unit_id(3), "solidarity", 0, "Ann")   # what the next write would change
    calls = {"n": 0}
    add = store.GenerationWriter.add

    def failing(self, table, frame, schema):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return add(self, table, frame, schema)

    monkeypatch.setattr(store.GenerationWriter, "add", failing)
    with pytest.raises(OSError):
        bulk.write(ws, progress=False, part_units=2)
    assert store.read_manifest(ws.path)["generation"] == first["generation"]
    pd.testing.assert_frame_equal(bulk.read(ws.path, "units"), before)
    assert [p.name for p in bulk.root(ws.path).iterdir() if p.name.startswith(".g-")] == []
    assert bulk.status(ws)["state"] == "stale"


def test_a_killed_write_leaves_folders_the_next_cleanup_removes_keeping_only_the_current_one(ws):
    first = bulk.write(ws, progress=False)
    second = bulk.write(ws, progress=False)
    r = bulk.root(ws.path)
    assert not (r / first["generation"]).exists()                 # replaced: removed at once
    (r / ".g-killed.tmp" / "units").mkdir(parents=True)          # as a write killed with -9 leaves it
    (r / "g-renamedbutnotnamed" / "units").mkdir(parents=True)   # killed between the rename and the manifest
    (r / f".{store.MANIFEST}.dead.tmp").write_text("{}")
    assert bulk.remove_leftovers(ws.path) == 3
    assert sorted(p.name for p in r.iterdir()) == sorted([second["generation"], store.MANIFEST])


def test_a_write_failing_after_its_rename_removes_its_generation(ws, monkeypatch):
    first = bulk.write(ws, progress=False)
    review.approve(ws, quote_ids(ws)[1], "Ann", 1)

    def no_manifest(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(store, "atomic_write_bytes", no_manifest)
    with pytest.raises(OSError):
        bulk.write(ws, progress=False)
    r = bulk.root(ws.path)
    assert store.read_manifest(ws.path)["generation"] == first["generation"]
    assert [p.name for p in r.iterdir() if p.is_dir()] == [first["generation"]]


def test_a_review_makes_the_files_stale_and_write_if_due_writes_them_again(ws):
    assert bulk.status(ws)["state"] == "none"
    bulk.write(ws, progress=False)
    assert bulk.status(ws)["state"] == "current"
    assert bulk.write_if_due(ws, "auto") is None                  # current: nothing to do
    review.approve(ws, quote_ids(ws)[1], "Ann", 1)
    assert bulk.status(ws)["state"] == "stale"
    m = bulk.write_if_due(ws, "auto", progress=False)             # they exist: auto keeps them current
    assert m is not None and bulk.status(ws)["state"] == "current"
    assert bulk.read(ws.path, "quotes").set_index("quote_id").loc[quote_ids(ws)[1], "status"] == "approved"


@pytest.mark.parametrize("setting, engine, written", [
    ("auto", "local", False),      # a small workspace
    ("auto", "ray", True),
    ("on", "local", True),
    ("off", "ray", False),
])
def test_the_setting_decides_whether_a_small_workspace_gets_bulk_files(ws, setting, engine, written):
    m = bulk.write_if_due(ws, setting, engine=engine, progress=False)
    assert (m is not None) is written
    assert bulk.status(ws)["state"] == ("current" if written else "none")


def test_duckdb_reads_the_current_generation(ws):
    bulk.write(ws, progress=False, part_units=3)
    con = bulk.connect(ws.path)
    n, consented = con.execute("SELECT count(*), count(*) FILTER (WHERE consent = 'yes') FROM units").fetchone()
    assert n == len(UNITS) and consented == sum(1 for u in UNITS if u[4] == 1)
    assert con.execute("SELECT count(*) FROM quotes").fetchone()[0] == len(quote_ids(ws))


def test_reading_without_bulk_files_or_with_a_bad_setting_says_what_to_do(ws):
    with pytest.raises(WorkspaceError, match="--bulk on"):
        bulk.read(ws.path, "units")
    with pytest.raises(ConfigError, match="auto, on, off"):
        bulk.write_if_due(ws, "always")
    bulk.write(ws, progress=False)
    with pytest.raises(ConfigError, match="choose from quotes, units"):
        bulk.read(ws.path, "vectors")


def test_nothing_is_written_while_a_unit_is_not_anonymised(tmp_path):
    w = build_workspace(tmp_path / "raw", anonymise=False)
    try:
        with pytest.raises(WorkspaceError, match="not been anonymised"):
            bulk.write(w, progress=False)
        assert store.read_manifest(w.path) is None
    finally:
        w.close()


def test_a_held_quote_keeps_its_text_out_until_a_reviewer_approves_it(ws):
    qid = quote_ids(ws)[1]
    hold = [{"kind": "risk", "start": 0, "end": 5, "reason": "details of a case", "severity": "hold"}]
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?", (json.dumps(hold), qid))
    bulk.write(ws, progress=False)
    assert bulk.read(ws.path, "quotes").set_index("quote_id").loc[qid, "text"] == ""
    review.approve(ws, qid, "Ann", 1)                              # the reviewer's clearance
    bulk.write_if_due(ws, "auto", progress=False)
    assert bulk.read(ws.path, "quotes").set_index("quote_id").loc[qid, "text"] != ""


@pytest.mark.parametrize("change", [
    "UPDATE quotes SET score = score + 0.1",                                   # a re-rank
    "UPDATE topic_info SET label = 'another label' WHERE topic = 1",
    "INSERT OR REPLACE INTO meta(key, value) VALUES ('content_changed_at', 'later')",   # an ingest changed a file
    "INSERT OR REPLACE INTO config(key, value) VALUES ('disclosure.sources', '{}')",
])
def test_any_change_to_what_the_files_hold_makes_them_stale(ws, change):
    bulk.write(ws, progress=False)
    with ws.transaction() as c:
        c.execute(change)
    assert bulk.status(ws)["state"] == "stale"


def test_bulk_off_removes_stale_files_and_leaves_current_ones(ws):
    bulk.write(ws, progress=False)
    assert bulk.write_if_due(ws, "off") is None and bulk.status(ws)["state"] == "current"
    review.approve(ws, quote_ids(ws)[1], "Ann", 1)
    assert bulk.write_if_due(ws, "off") is None
    assert bulk.status(ws)["state"] == "none" and not bulk.root(ws.path).exists()
