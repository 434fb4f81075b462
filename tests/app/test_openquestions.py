"""Open questions of a survey chosen on the Add files page (copquotes.app.openquestions), with the
real ingest on a small real workspace."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from copquotes.app import jobs, openquestions
from copquotes.workspace import Workspace

from .builders import file_rows

WORD = "One word for your CoP"
VALUABLE = "What was the most valuable aspect of your CoP?"
SURVEY = (f"ID,How satisfied were you?,{WORD},{VALUABLE}\n".encode()
          + b"1,Satisfied,Connection,Being among people who get the work and share the load.\n"
            b"2,Very satisfied,Energy,I left every session with my energy back.\n"
            b"3,Satisfied,Allies,Knowing I had allies in other schools this year.\n")


def _analyse(ws_path: Path) -> None:
    """What the Analyse button's job does first: read every batch waiting to be read."""
    ws = Workspace.open(ws_path, create=True)
    try:
        prog = jobs._Progress(ws_path.resolve())
        jobs.ingest_batches(ws, ws_path.resolve(), prog)
        prog.state["state"] = "done"              # as the job ends (the analysis stages are not needed here)
        prog.save()
    finally:
        ws.close()


def _questions(ws_path: Path) -> list[str]:
    ws = Workspace.open(ws_path)
    try:
        return sorted(r[0] for r in ws.conn.execute("SELECT DISTINCT question FROM units"))
    finally:
        ws.close()


def _open_now(ws_path: Path, s: dict) -> list[str]:
    ws = Workspace.open(ws_path)
    try:
        return [c["id"] for c in openquestions.columns(ws, ws_path, s["batch"], s["path"]) if c["open"]]
    finally:
        ws.close()


@pytest.fixture
def added(tmp_path):
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.csv", SURVEY)])
    _analyse(ws_path)
    return ws_path


def test_a_survey_added_before_lists_its_columns_and_which_are_read_as_open_questions(added):
    [s] = openquestions.survey_files(added)
    assert (s["name"], s["chosen"]) == ("survey.csv", None)
    ws = Workspace.open(added)
    try:
        cols = openquestions.columns(ws, added, s["batch"], s["path"])
    finally:
        ws.close()
    assert [(c["letter"], c["id"], c["open"]) for c in cols] == [
        ("A", "ID", False), ("B", "How satisfied were you?", False), ("C", WORD, False), ("D", VALUABLE, True)]


@pytest.mark.parametrize("chosen", [
    [WORD, VALUABLE],           # the question the answers did not show as open is added
    [WORD],                     # and one read as open is left out
])
def test_open_questions_chosen_are_kept_as_the_manifest_keeps_them_and_used_by_the_next_analyse(added, chosen):
    assert _questions(added) == [VALUABLE]
    [s] = openquestions.survey_files(added)
    assert openquestions.choose(added, s["batch"], s["path"], chosen)
    info = json.loads((jobs.inputs_dir(added) / s["batch"] / jobs.BATCH_FILE).read_text("utf-8"))
    assert info["files"][0]["meta"] == {"open_questions": chosen}      # copquotes.yaml's key and values
    assert jobs.pending_batches(added)                                   # read again at the next Analyse
    assert openquestions.survey_files(added)[0]["chosen"] == chosen     # and still offered until then
    _analyse(added)
    assert _questions(added) == sorted(chosen)
    [s] = openquestions.survey_files(added)
    assert s["chosen"] == chosen and _open_now(added, s) == chosen
    n = len(chosen)
    assert [r["result"] for r in file_rows(added)] == [
        f"read again with the open questions chosen: {3 * n} answers to {n} open question{'s' if n > 1 else ''}"]


def test_an_empty_choice_goes_back_to_working_them_out(added):
    [s] = openquestions.survey_files(added)
    openquestions.choose(added, s["batch"], s["path"], [WORD, VALUABLE])
    _analyse(added)
    assert openquestions.choose(added, s["batch"], s["path"], [])
    info = json.loads((jobs.inputs_dir(added) / s["batch"] / jobs.BATCH_FILE).read_text("utf-8"))
    assert "meta" not in info["files"][0]
    _analyse(added)
    assert _questions(added) == [VALUABLE] and openquestions.survey_files(added)[0]["chosen"] is None


def test_nothing_is_chosen_while_an_analysis_runs(added, monkeypatch):
    [s] = openquestions.survey_files(added)
    monkeypatch.setattr(jobs, "is_running", lambda ws_path: True)      # the background job's own flag
    assert openquestions.choose(added, s["batch"], s["path"], [WORD]) is False
    assert not jobs.pending_batches(added)


def test_a_survey_not_read_for_want_of_an_open_question_can_have_one_chosen_an_empty_file_cannot(tmp_path):
    ws_path = tmp_path / "ws"
    words_only = (f"ID,How satisfied were you?,{WORD}\n".encode()
                  + b"1,Satisfied,Connection\n2,Very satisfied,Energy\n3,Satisfied,Allies\n")
    jobs.save_batch(ws_path, [("words.csv", words_only), ("empty.csv", b"")])
    _analyse(ws_path)
    assert {r["file"]: r["result"].split(" (")[0] for r in file_rows(ws_path)} == {
        "words.csv": "could not read: it has no column of written answers",
        "empty.csv": "could not read: the file is empty; export it again"}
    [s] = openquestions.survey_files(ws_path)
    assert s["name"] == "words.csv" and _open_now(ws_path, s) == []
    openquestions.choose(ws_path, s["batch"], s["path"], [WORD])
    _analyse(ws_path)
    assert _questions(ws_path) == [WORD]


@pytest.mark.parametrize("given, chosen", [
    (VALUABLE, [VALUABLE]),            # one question given as text: one question, not its letters
    ("ID", ["ID"]),
    ([VALUABLE], [VALUABLE]),
    ("", None),
])
def test_open_questions_given_as_one_text_are_one_question(added, given, chosen):
    [s] = openquestions.survey_files(added)
    batch = jobs.inputs_dir(added) / s["batch"] / jobs.BATCH_FILE
    info = json.loads(batch.read_text("utf-8"))
    info["files"][0]["meta"] = {"open_questions": given}
    batch.write_text(json.dumps(info), "utf-8")
    assert openquestions.survey_files(added)[0]["chosen"] == chosen
    if chosen:
        assert _open_now(added, s) == chosen


def _workbook_bytes(sheets: dict) -> bytes:
    """An .xlsx with these sheets (title: rows), in order."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_workbook_with_its_answers_on_a_second_sheet_offers_that_sheets_questions(tmp_path):
    rows = [line.split(",", 3) for line in SURVEY.decode().splitlines()]
    info = [["About this export"], ["End-of-series survey, exported by the evaluation team"]]
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.xlsx", _workbook_bytes({"Info": info, "Responses": rows}))])
    _analyse(ws_path)
    assert _questions(ws_path) == [VALUABLE]                 # the reader reads the second sheet
    [s] = openquestions.survey_files(ws_path)
    ws = Workspace.open(ws_path)
    try:
        cols = openquestions.columns(ws, ws_path, s["batch"], s["path"])
    finally:
        ws.close()
    assert [(c["id"], c["open"]) for c in cols] == [
        ("ID", False), ("How satisfied were you?", False), (WORD, False), (VALUABLE, True)]
    openquestions.choose(ws_path, s["batch"], s["path"], [WORD, VALUABLE])
    _analyse(ws_path)
    assert _questions(ws_path) == [WORD, VALUABLE] and _open_now(ws_path, s) == [WORD, VALUABLE]


@pytest.mark.parametrize("cols, labels", [
    ([{"id": "ID", "letter": "A", "question": "ID"}, {"id": "Q2", "letter": "B", "question": VALUABLE}],
     {"ID": "A · ID", "Q2": f"B · Q2 — {VALUABLE}"}),
    ([{"id": WORD, "letter": "C", "question": WORD, "sheet": "Group A"},
      {"id": WORD, "letter": "B", "question": WORD, "sheet": "Group B"},
      {"id": VALUABLE, "letter": "C", "question": VALUABLE, "sheet": "Group B"}],
     {WORD: f"Group A, column C; Group B, column B · {WORD}", VALUABLE: f"Group B, column C · {VALUABLE}"}),
])
def test_the_pickers_options_name_the_sheet_when_the_answers_are_on_several(cols, labels):
    assert openquestions.option_labels(cols) == labels
