"""``copquotes remove`` and ``copquotes.remove``: a stored file out of a workspace, its reviewers'
work kept as orphans and back when the file is ingested again; ``copquotes status`` says when a
stored file is gone or changed on disk.

Real SQLite, the command line through its main function. The analysis is stood in for by rows
written as the stages write them (anonymised text, quotes, topics, cached features, the full-text
index, the bulk files): the stages themselves are not what is tested here.
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import copquotes
from copquotes import bulk, review, textsearch
from copquotes.cli import main
from copquotes.errors import InputError
from copquotes.pipeline import fingerprint, stage_status
from copquotes.stages import STAGE_ORDER
from copquotes.topics import fitted
from copquotes.workspace import AGGREGATES, Workspace, WorkspaceBusy, decision_summary, quote_id_for
from sources import another_writer

MARKER = "zephyrquill"    # a word of the removed file that no reviewer touched: nothing may keep it

A_CSV = (
    "id,What was the most valuable aspect of your CoP?,May we quote your comments (anonymously) in our reports?\n"
    "1,Connecting with people doing the same work in other towns. I don't feel so alone out here.,Yes\n"
    "2,It strengthened my confidence to push back when leadership said prevention was not our core business.,Yes\n"
    f"3,The {MARKER} exercise on planning helped me every week with my students.,Yes\n"
    "4,Hearing from Jo Bloggs about her school gave me words I now use.,Yes\n"
)
B_CSV = (
    "id,What could be improved about the CoP?,May we quote your comments (anonymously) in our reports?\n"
    "1,More time for case studies and less time on housekeeping at the start.,Yes\n"
    "2,Shorter sessions would suit people who work shifts.,Yes\n"
)


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def db(path: Path) -> Workspace:
    return Workspace.open(path)


def unit(ws, part: str):
    return ws.conn.execute("SELECT unit_id, text FROM units WHERE text LIKE ?", (f"%{part}%",)).fetchone()


def _analysed_like(ws) -> None:
    """What an analysis leaves, written directly: anonymised text, a quote per unit, topics with
    representatives, cached features, the full-text index."""
    rows = ws.conn.execute("SELECT u.unit_id, u.text, u.text_hash, f.display FROM units u"
                           " JOIN files f ON f.file_id = u.file_id ORDER BY f.display, u.position").fetchall()
    with ws.transaction() as c:
        c.execute("INSERT OR REPLACE INTO anon(unit_id, text) SELECT unit_id, text FROM units")
        for uid, text, th, display in rows:
            c.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, status, version, updated_by)'
                      " VALUES (?,?,?,?,?,?, 'pending', 1, 'quotes')",
                      (quote_id_for(uid, 0, len(text)), uid, 0, len(text), text, text))
            c.execute("INSERT INTO unit_topics(unit_id, topic, prob) VALUES (?, ?, 0.9)",
                      (uid, 0 if display == "a.csv" else 1))
            c.execute("INSERT INTO text_features(text_hash, kind, value_json) VALUES (?, 'stats', ?)",
                      (th, json.dumps({"text": text})))
        a_ids = [r[0] for r in rows if r[3] == "a.csv"]
        b_ids = [r[0] for r in rows if r[3] == "b.csv"]
        c.execute("INSERT INTO topic_info(topic, label, keywords_json, size, representative_json) VALUES"
                  " (0, 'planning', '[]', ?, ?), (1, 'time', '[]', ?, ?)",
                  (len(a_ids), json.dumps(a_ids), len(b_ids), json.dumps(b_ids + a_ids[:1])))
    textsearch.ensure_index(ws)
    fitted.save(ws, "the topics_fit stage's key", [r[0] for r in rows], np.ones(len(rows), bool), None)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text(A_CSV)
    (tmp_path / "b.csv").write_text(B_CSV)
    return tmp_path


@pytest.fixture
def wsp(here, capsys):
    """A workspace holding a.csv and b.csv, analysed (stood in for), with reviewers' work on a.csv:
    an approved quote, an edited one, a manual redaction and a theme label; every stage up to
    date, the bulk files current."""
    path = here / "ws"
    code, _, err = cli(capsys, "-q", "ingest", "a.csv", "b.csv", "--workspace", path)
    assert code == 0, err
    ws = db(path)
    try:
        _analysed_like(ws)
        u1, t1 = unit(ws, "alone out here")
        u2, t2 = unit(ws, "push back")
        u4, t4 = unit(ws, "Jo Bloggs")
        review.approve(ws, quote_id_for(u1, 0, len(t1)), "Ann", 1)
        review.edit(ws, quote_id_for(u2, 0, len(t2)), "Ann", "It strengthened my confidence to push back.", 1)
        review.add_redaction(ws, u4, t4.index("Jo"), t4.index("Jo") + len("Jo Bloggs"), "person", "Ann")
        review.label_theme(ws, u1, "solidarity", 1, "Ann")
        for name in STAGE_ORDER:          # up to date again after the reviews (labels, decisions)
            ws.mark_stage(name, fingerprint(ws, name))
        bulk.write(ws, progress=False)
    finally:
        ws.close()
    return path


def reviewed_state(path: Path) -> dict:
    """Reviewers' work on a.csv as the workspace has it now."""
    ws = db(path)
    try:
        return {
            "quotes": sorted(tuple(r) for r in ws.conn.execute(
                "SELECT q.status, q.edited_text FROM quotes q WHERE q.status != 'pending'")),
            "redactions": [tuple(r) for r in ws.conn.execute(
                "SELECT r.kind, substr(u.text, r.start + 1, r.\"end\" - r.start) FROM redactions r"
                " JOIN units u ON u.unit_id = r.unit_id WHERE r.status = 'manual'")],
            "labels": [tuple(r) for r in ws.conn.execute("SELECT theme, label, reviewer FROM theme_labels")],
            "orphaned": decision_summary(ws)["orphaned"],
        }
    finally:
        ws.close()


def status_json(capsys, path) -> dict:
    code, out, err = cli(capsys, "status", "--workspace", path, "--json")
    assert code == 0, err
    return json.loads(out)


def _by_cli_path(capsys, path, name):
    code, out, err = cli(capsys, "remove", name, "--workspace", path, "--json")
    assert code == 0, err
    return json.loads(out)


def _by_api(capsys, path, name):
    return copquotes.remove(name, path)


HOW_REMOVED = {
    "the path as ingested": (_by_cli_path, lambda here: "a.csv"),
    "the absolute path": (_by_cli_path, lambda here: str(here / "a.csv")),
    "the id status shows": (_by_cli_path, lambda here: "1"),
    "the Python API": (_by_api, lambda here: here / "a.csv"),
}


# ---------------------------------------------------------------------------------- removing
@pytest.mark.parametrize("how", HOW_REMOVED)
def test_remove_takes_the_files_units_out_and_reports_the_decisions_kept_as_orphans(capsys, here, wsp, how):
    remover, name = HOW_REMOVED[how]
    rep = remover(capsys, wsp, name(here))
    assert [f["file"] for f in rep["files"]] == ["a.csv"]
    # the quotes kept: the approved, the edited, and the one whose text the redaction rewrote (audited)
    assert (rep["units"], rep["quotes"], rep["orphaned"]) == (4, 4, 5)
    assert rep["kept"] == {"quote": 3, "redaction": 1, "theme_label": 1, "quote_no_consent": 0}
    ws = db(wsp)
    try:
        assert [r[0] for r in ws.conn.execute("SELECT display FROM files")] == ["b.csv"]
        assert ws.n_units() == 2 and ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 2
        for table in ("anon", "sentences", "unit_topics", "redactions", "theme_labels", "unit_parts", "flags"):
            assert ws.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE unit_id NOT IN"
                                   " (SELECT unit_id FROM units)").fetchone()[0] == 0, table
        # every reviewed quote has an audit row saying why it went
        assert ws.conn.execute("SELECT COUNT(*) FROM decisions WHERE action = 'removed_with_file'").fetchone()[0] == 3
        assert decision_summary(ws)["orphaned"] == 5
    finally:
        ws.close()


def test_nothing_keeps_the_removed_files_text(capsys, wsp):
    ws = db(wsp)
    try:
        assert ws.conn.execute(textsearch.matching_ids_sql(), (MARKER,)).fetchall() != []
    finally:
        ws.close()
    _by_cli_path(capsys, wsp, "a.csv")
    ws = db(wsp)
    try:
        # the full-text index, the cached features, the topics' representatives
        assert ws.conn.execute(textsearch.matching_ids_sql(), (MARKER,)).fetchall() == []
        assert textsearch.check(ws.conn)
        assert ws.conn.execute("SELECT COUNT(*) FROM text_features").fetchone()[0] == 2
        info = {t: (size, json.loads(reps)) for t, size, reps in ws.conn.execute(
            "SELECT topic, size, representative_json FROM topic_info")}
        live = {r[0] for r in ws.conn.execute("SELECT unit_id FROM units")}
        assert set(info) == {1} and info[1][0] == 2 and set(info[1][1]) <= live
        assert not fitted.path(ws).exists()     # the kept topic fit listed the removed units
        # the aggregates: counted again, current
        assert set(ws.stored_aggregates()) == set(AGGREGATES)
        assert ws.stored_aggregates("cohort_units")["cohort_units"] == [[None, None, 2]]
        assert bulk.status(ws)["state"] == "current"
    finally:
        ws.close()
    # the bulk files, and the database's own files (freed pages, write-ahead log)
    for table in bulk.TABLES:
        frame = bulk.read(wsp, table)
        assert len(frame) == 2 and not frame.astype(str).apply(lambda c: c.str.contains(MARKER)).any().any()
    for f in [p for p in wsp.rglob("*") if p.is_file() and "embeddings" not in p.parts]:
        assert MARKER.encode() not in f.read_bytes(), f


def test_every_stage_reads_as_stale_so_the_next_analysis_brings_topics_and_tables_up_to_date(capsys, wsp):
    ws = db(wsp)
    try:
        assert {v["state"] for v in stage_status(ws).values()} == {"up to date"}
    finally:
        ws.close()
    rep = _by_cli_path(capsys, wsp, "a.csv")
    assert rep["stages"]["topics"] == "stale" and rep["stages"]["quotes"] == "stale"
    code, _, err = cli(capsys, "remove", "b.csv", "--workspace", wsp, "--yes")
    assert code == 0 and f"copquotes analyse --workspace {wsp}" in err


RETURNS = {
    "from the same path": lambda here: here / "a.csv",
    "a copy under another path": lambda here: shutil.copy(here / "a.csv", here / "a_copy.csv"),
}


@pytest.mark.parametrize("how", HOW_REMOVED)
@pytest.mark.parametrize("back", RETURNS)
def test_ingesting_the_removed_file_again_brings_its_decisions_back(capsys, here, wsp, how, back):
    before = reviewed_state(wsp)
    assert len(before["quotes"]) == 2 and len(before["redactions"]) == 1 and len(before["labels"]) == 1
    remover, name = HOW_REMOVED[how]
    remover(capsys, wsp, name(here))
    gone = reviewed_state(wsp)
    assert gone["quotes"] == [] and gone["redactions"] == [] and gone["labels"] == [] and gone["orphaned"] == 5
    assert [(r["file"], r["orphaned"]) for r in status_json(capsys, wsp)["removed_files"]] == [("a.csv", 5)]
    code, out, err = cli(capsys, "ingest", RETURNS[back](here), "--workspace", wsp, "--json")
    assert code == 0, err
    assert json.loads(out)["restored"][0]["reattached"] == 5
    assert reviewed_state(wsp) == {**before, "orphaned": 0}
    assert status_json(capsys, wsp)["removed_files"] == []


def test_a_file_removed_twice_over_keeps_its_decisions_until_it_comes_back(capsys, here, wsp):
    before = reviewed_state(wsp)
    _by_cli_path(capsys, wsp, "a.csv")
    assert cli(capsys, "-q", "ingest", "a.csv", "--workspace", wsp)[0] == 0
    _by_cli_path(capsys, wsp, "a.csv")
    assert reviewed_state(wsp)["orphaned"] == 5
    assert cli(capsys, "-q", "ingest", "a.csv", "--workspace", wsp)[0] == 0
    assert reviewed_state(wsp) == {**before, "orphaned": 0}


def _back_by_cli_run(capsys, here, wsp):
    code, _, err = cli(capsys, "-q", "run", "a.csv", "--workspace", wsp)
    assert code == 0, err


def _back_by_cli_analyse(capsys, here, wsp):
    """Ingested through the workspace alone (nothing re-attached), then ``copquotes analyse``."""
    from copquotes.ingest import discover

    ws = db(wsp)
    try:
        ws.ingest(discover([here / "a.csv"]).sources, progress=False)
        assert decision_summary(ws)["orphaned"] == 5
    finally:
        ws.close()
    code, _, err = cli(capsys, "-q", "analyse", "--workspace", wsp)
    assert code == 0, err


def _back_by_api(capsys, here, wsp):
    assert copquotes.run(here / "a.csv", workspace=wsp).ingest["restored"][0]["reattached"] == 5


def _back_by_app_job(capsys, here, wsp):
    from copquotes.app import jobs

    jobs.save_batch(wsp, [("a.csv", A_CSV.encode())])    # stored under WS/inputs/: the same bytes come back
    assert jobs.run_job(wsp) == 0


BACK_BY = {"copquotes run": _back_by_cli_run, "copquotes analyse": _back_by_cli_analyse,
           "copquotes.run": _back_by_api, "the app's Analyse job": _back_by_app_job}


@pytest.mark.slow
@pytest.mark.parametrize("interface", BACK_BY)
def test_every_interface_that_analyses_brings_a_returned_files_decisions_back_and_stores_its_questions(
        capsys, here, wsp, interface):
    """The real analysis after the file comes back: whichever interface runs it, the reviewers'
    work kept at its removal is re-attached and the survey questions are stored ahead
    (copquotes.analysis.analyse_ingested)."""
    from copquotes import questions

    question = A_CSV.split(",")[1]
    _by_cli_path(capsys, wsp, "a.csv")
    ws = db(wsp)
    try:
        with ws.transaction() as c:        # (stored when the bulk files were written): forgotten,
            c.execute("DELETE FROM config WHERE key = ?", (questions.CONFIG_KEY,))
    finally:
        ws.close()
    questions._MEMO.clear()                # as in a new process
    BACK_BY[interface](capsys, here, wsp)
    after = reviewed_state(wsp)
    assert after["orphaned"] == 0 and status_json(capsys, wsp)["removed_files"] == []
    assert sorted(status for status, _ in after["quotes"]) == ["approved", "edited"] and len(after["labels"]) == 1
    ws = db(wsp)
    try:
        assert isinstance((ws.get_config(questions.CONFIG_KEY, {}) or {}).get(questions._key(question)), str)
    finally:
        ws.close()


@pytest.mark.slow
def test_copquotes_run_looks_for_returned_files_once_and_lists_what_came_back(capsys, monkeypatch, here, wsp):
    """``copquotes run`` re-attached the returned files' decisions in its ingest (to list them)
    and looked again in the analysis, where nothing was left to find: one look now."""
    from copquotes import removal

    looks = []
    real = removal.reattach_returned

    def counted(ws):   # the real re-attaching, counted
        looks.append(real(ws))
        return looks[-1]

    monkeypatch.setattr(removal, "reattach_returned", counted)
    _by_cli_path(capsys, wsp, "a.csv")
    code, _, err = cli(capsys, "run", "a.csv", "--workspace", wsp)
    assert code == 0, err
    assert [[b["reattached"] for b in look] for look in looks] == [[5]]
    assert "a.csv: 5 decision(s) kept when it was removed are back" in err
    assert reviewed_state(wsp)["orphaned"] == 0


# ---------------------------------------------------------------------------------- refusing
class _Terminal(io.StringIO):
    def isatty(self):
        return True


UNKNOWN = {
    "a file never ingested": ["nope.csv"],
    "an id no file has": ["99"],
    "one known and one unknown": ["a.csv", "nope.csv"],
}


@pytest.mark.parametrize("case", UNKNOWN)
def test_an_unknown_file_is_one_line_listing_what_the_workspace_holds_and_removes_nothing(capsys, wsp, case):
    code, out, err = cli(capsys, "remove", *UNKNOWN[case], "--workspace", wsp, "--yes")
    assert code == InputError.exit_code and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("copquotes: error: ")
    assert "a.csv (id 1), b.csv (id 2)" in lines[0]
    assert reviewed_state(wsp)["orphaned"] == 0
    ws = db(wsp)
    try:
        assert ws.n_units() == 6
    finally:
        ws.close()


def test_the_python_api_raises_the_same_error_for_an_unknown_file(wsp):
    with pytest.raises(InputError, match=r"the workspace holds a\.csv \(id 1\), b\.csv \(id 2\)"):
        copquotes.remove(["nope.csv"], wsp)


@pytest.mark.parametrize("terminal", [False, True], ids=["a script", "a terminal: refused before asking"])
def test_remove_is_refused_while_another_pipeline_writer_holds_the_workspace(capsys, monkeypatch, wsp, terminal):
    if terminal:
        monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    with another_writer(wsp):
        code, out, err = cli(capsys, "remove", "a.csv", "--workspace", wsp)
    assert code == WorkspaceBusy.exit_code and out == "" and "[y/N]" not in err
    assert len(err.strip().splitlines()) == 1 and "busy" in err and "try again" in err
    assert reviewed_state(wsp)["orphaned"] == 0


CONFIRM = {   # what is typed at the prompt, --yes given, whether the file goes, exit code
    "yes typed": ("y\n", False, True, 0),
    "no typed": ("n\n", False, False, 1),
    "just Enter": ("\n", False, False, 1),
    "--yes: not asked": ("", True, True, 0),
}


@pytest.mark.parametrize("case", CONFIRM)
def test_a_terminal_is_asked_to_confirm_unless_yes(capsys, monkeypatch, wsp, case):
    typed, yes, removed, exit_code = CONFIRM[case]
    monkeypatch.setattr("sys.stdin", _Terminal(typed))
    code, out, err = cli(capsys, "remove", "a.csv", "--workspace", wsp, *(["--yes"] if yes else []))
    assert code == exit_code and out == ""
    assert ("[y/N]" in err) is not yes
    if not removed:
        assert err.strip().splitlines()[-1].endswith("nothing removed: not confirmed (answer y, or pass --yes)")
        assert "would remove a.csv: 4 units, 4 quotes" in err
    assert reviewed_state(wsp)["orphaned"] == (5 if removed else 0)


def test_remove_json_is_the_only_thing_on_stdout_and_text_goes_to_stderr(capsys, wsp):
    code, out, err = cli(capsys, "-q", "remove", "a.csv", "--workspace", wsp, "--json")
    assert code == 0 and json.loads(out)["units"] == 4 and len(out.strip().splitlines()) == 1
    code, out, err = cli(capsys, "remove", "b.csv", "--workspace", wsp)
    assert code == 0 and out == ""
    assert "removed b.csv: 2 units, 2 quotes; reviewers' work kept as orphans: 0 quote decision(s)" in err


def test_remove_help_says_what_it_keeps(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["remove", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and "--yes" in out and "orphans" in out and "FILE" in out


# ---------------------------------------------------------------------------------- status
def _move(here):
    (here / "a.csv").rename(here / "moved.csv")


def _change(here):
    with open(here / "a.csv", "a") as fh:
        fh.write("5,A late answer added after the ingest.,Yes\n")


def _touch_same_bytes(here):
    (here / "a.csv").write_text(A_CSV)


ON_DISK = {   # what happened to a.csv, its state, what the hint says to do
    "moved away": (_move, "missing", ["ingest it from its new path", "copquotes remove a.csv --workspace"]),
    "changed": (_change, "changed", ["copquotes ingest", "copquotes remove a.csv --workspace"]),
    "written again, same bytes": (_touch_same_bytes, "present", []),
}


@pytest.mark.parametrize("case", ON_DISK)
def test_status_says_when_a_stored_files_source_is_missing_or_changed(capsys, here, wsp, case):
    happen, state, says = ON_DISK[case]
    happen(here)
    code, out, _ = cli(capsys, "status", "--workspace", wsp, "--json")
    assert code == 0
    st = json.loads(out)
    files = {f["file"]: f for f in st["files"]}
    assert files["a.csv"]["source"]["state"] == state and files["a.csv"]["file_id"] == 1
    assert files["b.csv"]["source"] == {"state": "present", "path": str((here / "b.csv").resolve()), "hint": None}
    assert st["sources"] == ({"present": 2} if state == "present" else {state: 1, "present": 1})
    for words in says:
        assert words in files["a.csv"]["source"]["hint"]
    code, out, _ = cli(capsys, "status", "--workspace", wsp)
    flagged = [line for line in out.splitlines() if line.strip().startswith(("MISSING", "CHANGED"))]
    assert flagged == ([f"          {state.upper()}: a.csv {files['a.csv']['source']['hint']}"] if says else [])


def test_a_file_missing_on_disk_can_be_removed_by_the_name_status_shows(capsys, here, wsp):
    _move(here)
    rep = _by_cli_path(capsys, wsp, "a.csv")
    assert rep["units"] == 4
    code, out, _ = cli(capsys, "status", "--workspace", wsp, "--json")
    assert [f["file"] for f in json.loads(out)["files"]] == ["b.csv"]


def test_status_hashes_within_a_budget_and_says_what_it_did_not_check(here, wsp):
    from copquotes.removal import source_states

    _change(here)
    ws = db(wsp)
    try:
        assert [s["state"] for s in source_states(ws)] == ["changed", "present"]
        size_a = (here / "a.csv").stat().st_size
        assert [s["state"] for s in source_states(ws, budget=size_a)] == ["changed", "unchecked"]
        assert [s["state"] for s in source_states(ws, budget=0)] == ["unchecked", "unchecked"]
        _move(here)
        assert [s["state"] for s in source_states(ws, budget=0)] == ["missing", "unchecked"]
    finally:
        ws.close()
