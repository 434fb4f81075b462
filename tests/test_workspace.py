"""Workspace guarantees: schema, idempotent ingest, all-or-nothing, consent in the database."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from copquotes import themescores
from copquotes.errors import InputError, WorkspaceError
from copquotes.types import Identifier, Unit
from copquotes.workspace import SCHEMA_VERSION, Workspace
from sources import Reading, Src


def line_reader(source):
    """Reads 'role|consent|text' lines: enough to exercise the workspace on its own."""
    idents: list = []

    def units():
        for i, line in enumerate(Path(source.path).read_text().splitlines()):
            if line.startswith("BROKEN"):
                raise InputError("malformed line", source.path, f"line {i + 1}")
            role, consent, text = line.split("|", 2)
            idents.append(Identifier(f"Speaker {i}", "person", "speaker_label"))
            yield Unit(file=str(source.path), position=i, text=text, source_kind="focus_group",
                       speaker_key=f"S{i}", speaker_role=role,
                       consent={"y": True, "n": False}.get(consent), locator=f"line {i + 1}")

    return Reading(units(), idents)


def write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "ws", create=True)
    yield w
    w.close()


def snapshot(ws):
    return (
        ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0],
        ws.conn.execute("SELECT group_concat(unit_id || text, '|') FROM units").fetchone()[0],
    )


def test_new_workspace_has_schema_version_and_wal(ws):
    assert ws.schema_version == SCHEMA_VERSION
    assert ws.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_missing_workspace_without_create_says_how_to_make_one(tmp_path):
    with pytest.raises(WorkspaceError, match="copquotes ingest"):
        Workspace.open(tmp_path / "nope")


def test_newer_schema_is_refused(tmp_path):
    w = Workspace.open(tmp_path / "ws", create=True)
    w.conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    w.close()
    with pytest.raises(WorkspaceError, match="upgrade copquotes"):
        Workspace.open(tmp_path / "ws")


def test_reingesting_unchanged_file_adds_nothing(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|I loved it.", "facilitator|y|Welcome all."])
    first = ws.ingest([Src(f)], read=line_reader, progress=False)
    before = snapshot(ws)
    second = ws.ingest([Src(f)], read=line_reader, progress=False)
    assert [r.status for r in first.files] == ["added"]
    assert [r.status for r in second.files] == ["unchanged"]
    assert snapshot(ws) == before
    assert ws.n_units() == 2


def test_changed_file_replaces_units_and_derived_rows(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|I loved it.", "participant|y|Second."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    uid = ws.conn.execute("SELECT unit_id FROM units ORDER BY position LIMIT 1").fetchone()[0]
    with ws.transaction():
        ws.conn.execute("INSERT INTO anon(unit_id, text) VALUES (?, 'x')", (uid,))
        themescores.write(ws, [(uid, "wellbeing", .9, 1, None)])
    write(tmp_path, "a.txt", ["participant|y|Now different."])
    rep = ws.ingest([Src(f)], read=line_reader, progress=False)
    assert [r.status for r in rep.files] == ["replaced"]
    assert [r[0] for r in ws.conn.execute("SELECT text FROM units")] == ["Now different."]
    assert ws.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == 0
    assert themescores.sorted_rows(ws) == []


def test_changed_metadata_counts_as_a_change(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|I loved it."])
    ws.ingest([Src(f, meta={"year": "2023"})], read=line_reader, progress=False)
    rep = ws.ingest([Src(f, meta={"year": "2024"})], read=line_reader, progress=False)
    assert rep.files[0].status == "replaced"


def _roster_folder(tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.txt").write_text("Sam Nguyen: The group kept me going through a hard term.\n", encoding="utf-8")
    (data / "roster.csv").write_text("name,role,quote_consent\nSam Nguyen,participant,yes\n", encoding="utf-8")
    (data / "copquotes.yaml").write_text("rosters: [roster.csv]\n", encoding="utf-8")
    return data


def test_the_same_inputs_named_another_way_are_unchanged(ws, tmp_path, monkeypatch):
    """``data`` and ``/abs/data`` name the same files and roster: nothing is read as changed."""
    from copquotes.ingest import discover

    _roster_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    first = ws.ingest(discover([Path("data")]).sources, progress=False)
    again = ws.ingest(discover([tmp_path / "data"]).sources, progress=False)
    assert [r.status for r in first.files] == ["added"]
    assert [r.status for r in again.files] == ["unchanged"]
    (tmp_path / "data" / "roster.csv").write_text("name,role,quote_consent\nSam Nguyen,participant,no\n",
                                                  encoding="utf-8")
    changed = ws.ingest(discover([tmp_path / "data"]).sources, progress=False)
    assert [r.status for r in changed.files] == ["replaced"]   # the roster's contents count


def test_a_fingerprint_stored_with_the_roster_paths_still_matches(ws, tmp_path):
    """A workspace built before the paths left the fingerprint does not see every file as changed."""
    from copquotes.ingest import discover
    from copquotes.workspace import _file_sha256, _fingerprints

    data = _roster_folder(tmp_path)
    (source,) = discover([data]).sources
    ws.ingest([source], progress=False)
    new, typed = _fingerprints(source, _file_sha256(source.path))
    assert new != typed
    ws.conn.execute("UPDATE files SET fingerprint = ?", (typed,))
    assert [r.status for r in ws.ingest(discover([data]).sources, progress=False).files] == ["unchanged"]


def test_file_failing_halfway_leaves_workspace_exactly_as_it_was(ws, tmp_path):
    good = write(tmp_path, "good.txt", ["participant|y|Fine."])
    ws.ingest([Src(good)], read=line_reader, progress=False)
    before = snapshot(ws)
    other = write(tmp_path, "other.txt", ["participant|y|New text."])
    bad = write(tmp_path, "bad.txt", ["participant|y|ok so far"] * 3000 + ["BROKEN"])
    with pytest.raises(InputError, match=r"bad.txt \(line 3001\)"):
        ws.ingest([Src(other), Src(bad)], read=line_reader, progress=False)
    assert snapshot(ws) == before


def test_identifiers_are_stored_per_file_not_in_units(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|Hello."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    idents = ws.file_identifiers()
    assert [i.value for ids in idents.values() for i in ids] == ["Speaker 0"]
    assert "Speaker 0" not in ws.units_frame().to_string()


@pytest.mark.parametrize(
    "role,consent,source_kind,quotable",
    [
        ("participant", "y", "focus_group", True),
        ("participant", "n", "focus_group", False),
        ("participant", "?", "focus_group", False),   # unknown consent: no quote
        ("facilitator", "y", "focus_group", False),   # facilitator talk is context
        ("respondent", "y", "survey", True),
    ],
)
def test_database_refuses_quotes_without_consent(ws, tmp_path, role, consent, source_kind, quotable):
    f = write(tmp_path, "a.txt", [f"{role}|{consent}|Words worth quoting here."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    uid = ws.conn.execute("SELECT unit_id FROM units").fetchone()[0]
    with ws.transaction():
        ws.conn.execute("UPDATE units SET source_kind=? WHERE unit_id=?", (source_kind, uid))
    insert = lambda: ws.conn.execute(  # noqa: E731
        "INSERT INTO quotes(quote_id, unit_id, start, end, text, verbatim) VALUES ('q1', ?, 0, 5, 'Words', 'Words')",
        (uid,),
    )
    if quotable:
        with ws.transaction():
            insert()
        assert len(ws.quotes_frame()) == 1
    else:
        with pytest.raises(sqlite3.IntegrityError, match="consent"):
            with ws.transaction():
                insert()
        assert ws.quotes_frame().empty


def test_withdrawn_consent_removes_quotes_and_gated_reads_hide_them(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|Words worth quoting here."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    uid = ws.conn.execute("SELECT unit_id FROM units").fetchone()[0]
    with ws.transaction():
        ws.conn.execute(
            "INSERT INTO quotes(quote_id, unit_id, start, end, text, verbatim) VALUES ('q1', ?, 0, 5, 'W', 'W')",
            (uid,),
        )
    with ws.transaction():
        ws.conn.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (uid,))
    assert ws.quotes_frame().empty
    assert ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 0
    assert ws.units_frame(consented_only=True).empty
    assert len(ws.units_frame()) == 1  # still counts in aggregate figures


def test_status_reports_files_units_consent_and_stages(ws, tmp_path):
    from copquotes.pipeline import status

    f = write(tmp_path, "a.txt", ["participant|y|One.", "participant|n|Two.", "participant|?|Three."])
    ws.ingest([Src(f, meta={"group": "RRE", "year": "2024"})], read=line_reader, progress=False)
    assert "stages" not in ws.status()   # storage facts only: the pipeline knows the stages
    st = status(ws)
    assert st["units"] == 3
    assert st["files"][0]["units"] == 3
    assert st["files"][0]["group"] == "RRE"
    assert st["files"][0]["consent"] == {"yes": 1, "no": 1, "unknown": 1}
    assert st["consent"] == {"yes": 1, "no": 1, "unknown": 1}
    assert set(st["stages"]) == {"anonymise", "embed", "tag", "topics_fit", "topics", "quotes"}
    assert all(s["state"] == "not run" for s in st["stages"].values())


def test_stage_becomes_stale_when_content_changes(ws, tmp_path):
    from copquotes import pipeline

    f = write(tmp_path, "a.txt", ["participant|y|One."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    ws.mark_stage("anonymise", pipeline.fingerprint(ws, "anonymise"))
    assert pipeline.stage_status(ws)["anonymise"]["state"] == "up to date"
    g = write(tmp_path, "b.txt", ["participant|y|Two."])
    ws.ingest([Src(g)], read=line_reader, progress=False)
    assert pipeline.stage_status(ws)["anonymise"]["state"] == "stale"


def test_sentences_are_spans_of_their_unit(ws, tmp_path):
    f = write(tmp_path, "a.txt", ["participant|y|I came in flat. I left with a plan! Really."])
    ws.ingest([Src(f)], read=line_reader, progress=False)
    assert ws.ensure_sentences() == 1
    assert ws.ensure_sentences() == 0
    df = ws.sentences_frame()
    assert list(df["text"]) == ["I came in flat.", "I left with a plan!", "Really."]


def test_old_workspace_is_migrated_forward(tmp_path):
    from copquotes import workspace as wsmod

    path = tmp_path / "old"
    path.mkdir()
    conn = sqlite3.connect(path / wsmod.DB_NAME)
    for stmt in wsmod._split_sql(wsmod._MIGRATIONS[0]):
        conn.execute(stmt)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    w = Workspace.open(path)
    assert w.schema_version == SCHEMA_VERSION
    names = {r[0] for r in w.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "quotes_rank" in names and "unit_themes_label" not in names   # (the scores are Parquet parts since 11)
    assert not w.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_themes'").fetchone()
    w.close()


@pytest.mark.parametrize("path", [None, "None"])
def test_a_missing_workspace_path_is_refused_not_made_into_a_folder_named_none(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="no workspace folder given"):
        Workspace.open(path, create=True)
    assert not (tmp_path / "None").exists()
