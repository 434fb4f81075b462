"""The pages added for communications staff (Add files, Triage, Collections, the Export
page's count) under Streamlit's AppTest, on small real workspaces."""
from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from copquotes import collection as collections
from copquotes import review
from copquotes.app import data, jobs
from copquotes.quotes import quote_records

from .builders import NAME, SECRET, THEMES, build_workspace, file_rows, quote_ids

TIMEOUT = 60


def page_script(ws_path, page, reviewer):
    from copquotes.app.views import run_page

    run_page(page, ws_path, reviewer)


def open_page(ws_path, page, reviewer="Ann", state=None) -> AppTest:
    at = AppTest.from_function(page_script, args=(str(ws_path), page, reviewer), default_timeout=TIMEOUT)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def shown_quote(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(">"))


def status(ws, qid):
    return tuple(ws.conn.execute("SELECT status, version FROM quotes WHERE quote_id = ?", (qid,)).fetchone())


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


# ---------------------------------------------------------------------------------- add files
def test_add_files_page_of_an_empty_workspace(tmp_path):
    at = open_page(tmp_path / "new", "add")
    assert not at.exception
    assert [t.value for t in at.title] == ["Add files"]
    assert [b.label for b in at.button if b.label.startswith("Analyse")] == ["Analyse..."]
    assert at.get("file_uploader")
    assert {w.label for w in at.text_input} >= {"Group", "Year"} and at.selectbox(key="add_kind").label == "Source kind"


def _added(ws_path, uploads, meta=None) -> None:
    """``uploads`` (name, bytes) added in the browser and read, as the analysis job reads them."""
    from copquotes.workspace import Workspace

    jobs.save_batch(ws_path, uploads, meta)
    w = Workspace.open(ws_path, create=True)
    try:
        jobs.ingest_batches(w, ws_path, jobs._Progress(ws_path))
    finally:
        w.close()


def _state(ws_path, **state):
    from copquotes.workspace import Workspace

    Workspace.open(ws_path, create=True).close()
    jobs._write_json(jobs.state_path(ws_path), {"steps": {}, "files": [], **state})


def test_add_files_shows_progress_while_running_and_keeps_analyse_off(tmp_path):
    _state(tmp_path, state="running", pid=os.getpid(),
           steps={"ingest": {"label": "Reading the files", "status": "done", "done": 2, "total": 2, "units": 40},
                  "anonymise": {"label": "Removing names and other identifiers", "status": "running"},
                  "embed": {"label": "Reading the meaning of each answer", "status": "waiting"}})
    at = open_page(tmp_path, "add")
    texts = [m.value.replace("\\", "") for m in at.markdown]
    assert any("Reading the files: done (2 of 2 files of answers or turns read; 40 answers and turns)" in t
               for t in texts)
    assert any("Removing names and other identifiers: working" in t for t in texts)
    assert at.button(key="add_analyse").disabled
    assert any("updates itself" in i.value for i in at.info)


def test_add_files_says_quotes_are_ready_and_names_unreadable_files(tmp_path):
    _state(tmp_path, state="done", pid=None, quotes=12, message="Done: 12 candidate quotes are ready to review.",
           files=[{"name": "good.vtt", "status": "added", "units": 30},
                  {"name": "broken.xlsx", "status": "unreadable", "error": "corrupt XLSX (bad zip archive)"}])
    at = open_page(tmp_path, "add")
    assert any("quotes are ready" in s.value for s in at.success)
    [warn] = at.warning
    assert "Could not read broken.xlsx" in warn.value and "The other files were analysed" in warn.value
    assert not at.button(key="add_analyse").disabled


def test_analyse_with_no_files_on_an_empty_workspace_asks_for_files(tmp_path):
    at = open_page(tmp_path / "new", "add")
    at.button(key="add_analyse").click().run()
    assert any("Choose files first" in w.value for w in at.warning)
    assert jobs.read_state(tmp_path / "new") is None


def test_the_no_files_message_names_the_uploaders_own_button(tmp_path):
    """Before the fix it said "click 'Browse files'", a label Streamlit's uploader no longer has."""
    import glob

    import streamlit

    label = None
    for js in glob.glob(os.path.join(os.path.dirname(streamlit.__file__), "static", "static", "js", "FileUploader*.js")):
        found = re.search(r"label:\w+\?`Upload directories`:`([^`]+)`", open(js, encoding="utf-8").read())
        label = found.group(1) if found else label
    assert label == "Upload"                          # the button Streamlit draws on the file picker
    at = open_page(tmp_path / "new", "add")
    at.button(key="add_analyse").click().run()
    [warn] = [w.value.replace("\\", "") for w in at.warning if "Choose files first" in w.value]   # unescaped
    assert f"'{label}'" in warn and "Browse files" not in warn


def test_add_files_keeps_each_files_problem_and_the_already_added_notice(tmp_path):
    """Before the fix the "Could not read" warnings went with the next analysis, the files list
    said "analysed: yes" for files that could not be read, and "Already added before" vanished
    when the page redrew (about 3 s later)."""
    ws_path = tmp_path / "ws"
    _added(ws_path, [("empty.csv", b""), ("roster.csv", b"name,role,quote_consent\nAnn,participant,yes\n")])
    _state(ws_path, state="done", pid=None, message="Done.", files=[])     # a later run, other files
    at = open_page(ws_path, "add", state={"add_duplicates": ["notes.txt"]})
    [warn] = at.warning
    assert "Could not read empty.csv" in warn.value and "the file is empty" in warn.value
    assert any("Already added before" in i.value and "notes" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert list(table["result"]) == ["could not read: the file is empty; export it again", "roster"]
    at.run()
    assert any("Already added before" in i.value for i in at.info)         # still there after a redraw
    at.button(key="add_dups_ok").click().run()
    assert not any("Already added before" in i.value for i in at.info)


def test_a_redraw_of_the_add_files_page_opens_no_database_connection_of_its_own(tmp_path, monkeypatch):
    """The files list read the group and year each file was given through a read-only SQLite
    connection of its own, opened on every redraw (every few seconds while an analysis runs); it
    reads through the page's workspace now."""
    import sqlite3

    ws_path = tmp_path / "ws"
    _added(ws_path, [("notes.txt", b"The sessions helped me.")], {"group": "RRE", "year": "2024"})
    at = open_page(ws_path, "add")
    opened, connect = [], sqlite3.connect

    def counted(*args, **kwargs):   # the real connection, counted
        opened.append(args[:1])
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counted)
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(zip(table["file"], table["group"], table["year"])) == [("notes.txt", "RRE", "2024")]
    assert opened == []


@pytest.mark.parametrize("page", ["overview", "themes", "topics"])
def test_a_page_before_the_analysis_points_to_the_analyse_button_not_a_command(tmp_path, page):
    """Files read but not analysed: each page says what to press in the app (a communications
    officer has no terminal); it said "run `copquotes analyse`"."""
    ws_path = tmp_path / "ws"
    _added(ws_path, [("notes.txt", b"Interviewer: What helped?\nParticipant: The sessions helped me.\n")],
           {"group": "RRE", "year": "2024"})
    at = open_page(ws_path, page)
    assert not at.exception
    said = " ".join(m.value for m in [*at.info, *at.warning, *at.caption])
    assert "**Analyse...**" in said and "Add files" in said, said
    assert "copquotes" not in said, said


def test_a_file_that_could_not_be_read_can_have_its_warning_put_away_and_its_copy_deleted(tmp_path):
    """Before the fix a PDF's warning stayed for good: its advice (add a corrected file of the same
    name) cannot be followed for a format copquotes does not read, and its copy stayed stored."""
    ws_path = tmp_path / "ws"
    _added(ws_path, [("report.pdf", b"%PDF-1.4 Ann Smith said"), ("notes.txt", b"The sessions helped me.")])
    _state(ws_path, state="done", pid=None, message="Done.",
           files=[{"name": "report.pdf", "status": "unreadable", "error": "not a format copquotes reads"}])
    stored = list(jobs.inputs_dir(ws_path).rglob("report.pdf"))
    assert len(stored) == 1
    at = open_page(ws_path, "add")
    assert [w.value for w in at.warning][0].startswith("Could not read report.pdf")
    at.button(key="dismiss_0").click().run()
    assert not [w.value for w in at.warning if "report.pdf" in w.value]
    assert not stored[0].exists() and list(jobs.inputs_dir(ws_path).rglob("notes.txt"))
    assert [r["file"] for r in file_rows(ws_path)] == ["notes.txt"]
    at.run()
    assert not [w.value for w in at.warning if "report.pdf" in w.value]       # gone after a redraw too
    _added(ws_path, [("roster.csv", b"name,role,quote_consent\nAnn,participant,yes\n")])   # batches read again
    assert "report.pdf" not in [r["file"] for r in file_rows(ws_path)]
    assert not jobs.file_problems(ws_path)


def test_putting_a_warning_away_never_deletes_a_corrected_file_waiting_to_be_read(tmp_path):
    ws_path = tmp_path / "ws"
    _added(ws_path, [("answers.csv", b"")])
    jobs.save_batch(ws_path, [("answers.csv", b"What helped?\nBeing among people who understand the work.\n")])
    _state(ws_path, state="done", pid=None, message="Done.", files=[])
    assert jobs.dismiss_unreadable(ws_path, "answers.csv") == 0
    [stored] = jobs.inputs_dir(ws_path).rglob("answers.csv")
    assert stored.read_bytes().startswith(b"What helped?")


def test_a_warning_is_not_put_away_while_an_analysis_runs(tmp_path):
    import os

    ws_path = tmp_path / "ws"
    _added(ws_path, [("report.pdf", b"%PDF-1.4 x")])
    _state(ws_path, state="running", pid=os.getpid(), message="Working", files=[])
    assert jobs.dismiss_unreadable(ws_path, "report.pdf") is None
    assert list(jobs.inputs_dir(ws_path).rglob("report.pdf"))


def test_add_files_reads_the_upload_batches_once_per_redraw(tmp_path, monkeypatch):
    """The page's warnings (files not read, older copies) and its list of files come from one
    reading of every batch's files (it redraws every few seconds while an analysis runs)."""
    ws_path = tmp_path / "ws"
    _added(ws_path, [("empty.csv", b""), ("notes.txt", b"The sessions helped me plan my week.")])
    read = []
    real = jobs.batches
    monkeypatch.setattr(jobs, "batches", lambda *a, **k: read.append(a) or real(*a, **k))
    at = open_page(ws_path, "add")
    assert len(read) == 1
    assert [w.value for w in at.warning][0].startswith("Could not read empty.csv")
    assert sorted(at.dataframe[0].value["file"]) == ["empty.csv", "notes.txt"]
    at.run()
    assert len(read) == 2


def test_add_files_says_which_uploads_replaced_a_file_of_the_same_name(tmp_path):
    ws_path = tmp_path / "ws"
    from copquotes.workspace import Workspace

    Workspace.open(ws_path, create=True).close()
    at = open_page(ws_path, "add", state={"add_replaced": ["survey_2024.csv"]})
    assert any("Replaced the file of the same name" in i.value and "survey_2024" in i.value for i in at.info)
    at.button(key="add_replaced_ok").click().run()
    assert not any("Replaced the file" in i.value for i in at.info)


def test_add_files_says_an_older_copy_was_not_read_naming_the_file_not_its_stored_path(tmp_path):
    from .test_jobs import survey

    ws_path = tmp_path / "ws"
    for name, data_ in (("survey.csv", survey()), ("survey.csv", survey(R001="No")), ("survey old.csv", survey())):
        _added(ws_path, [(name, data_)])
    at = open_page(ws_path, "add")
    [warn] = at.warning
    assert "survey old.csv was not read" in warn.value and "older version of survey.csv" in warn.value
    assert "inputs" not in warn.value and str(tmp_path) not in warn.value


def test_add_files_names_the_group_and_year_a_new_version_has(tmp_path):
    from .test_jobs import survey

    ws_path = tmp_path / "ws"
    _added(ws_path, [("survey.csv", survey())], {"group": "Early career", "year": "2024"})
    saved = jobs.save_batch(ws_path, [("survey.csv", survey(R001="No"))], {"year": "2025"})
    line = jobs.replaced_line("survey.csv", saved["replaced_meta"]["survey.csv"])
    at = open_page(ws_path, "add", state={"add_replaced": [line]})
    assert any("group Early career, year 2025: group kept from before" in i.value.replace("\\", "")
               for i in at.info)
    assert any("a new version of a file added before too" in c.value for c in at.caption)


# ---------------------------------------------------------------------------------- triage
def test_triage_follows_the_shortlist_and_shows_the_next_quote_at_once(ws):
    q = quote_ids(ws)
    order = [r["id"] for r in quote_records(ws, top=data.TRIAGE_BATCH, status="pending")]
    assert order == [q[1], q[3], q[5], q[6], q[8]]
    at = open_page(ws.path, "triage")
    assert [b.label for b in at.button][:5] == ["Approve (A)", "Reject (R)", "Edit (E)", "Skip (S)", "Undo (U)"]
    assert shown_quote(at).startswith("> I walk in flat")
    at.button(key="tr_approve").click().run()
    assert status(ws, q[1]) == ("approved", 2) and review.history(ws, q[1])[0]["reviewer"] == "Ann"
    assert shown_quote(at).startswith("> We are in this together")
    at.selectbox(key="tr_reason").select("Could identify someone")
    at.button(key="tr_reject").click().run()
    assert status(ws, q[3])[0] == "rejected" and review.history(ws, q[3])[0]["reason"] == "Could identify someone"
    at.button(key="tr_skip").click().run()                      # the payload quote is skipped
    assert shown_quote(at).startswith("> The CoP made me reflect")
    at.button(key="tr_undo_btn").click().run()                  # undo the skip: it is back
    assert "pwned" in shown_quote(at)
    at.button(key="tr_skip").click().run()
    at.button(key="tr_undo_btn").click().run()
    at.button(key="tr_undo_btn").click().run()                  # undo the rejection too
    assert status(ws, q[3]) == ("pending", 3) and shown_quote(at).startswith("> We are in this together")


def test_triage_reject_with_no_reason_chosen_records_nothing(ws):
    """Before the fix "Not on theme" was preselected, so R recorded a reason the reviewer never
    chose; now nothing is chosen, and a rejection without a reason is refused (as by
    `copquotes review reject` without --reason), saying what to do."""
    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    assert at.selectbox(key="tr_reason").value is None
    at.button(key="tr_reject").click().run()
    assert status(ws, q[1]) == ("pending", 1)
    assert ws.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert at.error and "Choose a reason" in at.error[0].value
    assert shown_quote(at).startswith("> I walk in flat")          # the same quote, still to decide


@pytest.mark.parametrize("choose", ["pick", "words"])
def test_a_triage_reason_chosen_for_a_quote_a_colleague_then_decided_is_not_used_on_the_next(ws, choose):
    """Ann chooses a reason to reject the quote Triage shows while Bea, in another tab, approves
    it: the rerun shows the next quote. Before the fix the reason stayed chosen and R rejected
    that next quote, one Ann had not read, with a reason meant for another; now the reason is
    cleared and the page says why. (A reason chosen and used by Ann's own R stays chosen for the
    next quote, as before.)"""
    from copquotes.workspace import Workspace

    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    assert shown_quote(at).startswith("> I walk in flat")
    other = Workspace.open(ws.path)
    review.approve(other, q[1], "Bea", 1)
    other.close()
    if choose == "pick":
        at.selectbox(key="tr_reason").select("Not on theme").run()
    else:
        at.text_input(key="tr_reason_more").input("reads like an advert").run()
    assert shown_quote(at).startswith("> We are in this together")
    assert at.selectbox(key="tr_reason").value is None and not at.text_input(key="tr_reason_more").value
    assert any("decided by someone else" in m.value for m in at.info), [m.value for m in at.info]
    at.button(key="tr_reject").click().run()
    assert status(ws, q[3]) == ("pending", 1)                   # nothing rejected unread
    assert at.error and "Choose a reason" in at.error[0].value
    at.selectbox(key="tr_reason").select("Not on theme").run()  # chosen for this quote: used, and kept
    at.button(key="tr_reject").click().run()
    assert status(ws, q[3])[0] == "rejected"
    assert at.selectbox(key="tr_reason").value == "Not on theme"
    assert not any("decided by someone else" in m.value for m in at.info)


def test_triage_edit_then_save_approves_the_edit(ws):
    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    at.button(key="tr_edit").click().run()
    new = "I walk in flat and walk out with a plan."
    at.text_area(key=f"tr_edit_{q[1]}_1").input(new)
    at.button(key="tr_save").click().run()
    row = ws.conn.execute("SELECT status, edited_text FROM quotes WHERE quote_id = ?", (q[1],)).fetchone()
    assert tuple(row) == ("approved", new)
    assert shown_quote(at).startswith("> We are in this together")


def test_a_triage_draft_opens_the_edit_box_again_after_a_reload_until_cancelled(ws):
    """Before the fix a reload closed the edit box and lost the words typed in it."""
    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    at.button(key="tr_edit").click().run()
    at.text_area(key=f"tr_edit_{q[1]}_1").input("I walk in flat and walk out [ready].").run()
    again = open_page(ws.path, "triage")                       # a reload: a new session
    box = again.text_area(key=f"tr_edit_{q[1]}_1")
    assert box.value == "I walk in flat and walk out [ready]." and "unsaved draft" in box.label
    again.button(key="tr_cancel").click().run()                # Cancel edit throws the draft away
    assert not again.text_area
    assert not open_page(ws.path, "triage").text_area
    assert status(ws, q[1]) == ("pending", 1)


def test_an_open_triage_edit_says_the_keys_are_off_and_how_to_get_them_back(ws):
    """Before the fix a leftover draft (e.g. a refused edit) opened the box by itself on a reload,
    and the keys A/R/... did nothing with no word why."""
    from copquotes.app import drafts

    q = quote_ids(ws)
    assert not _keys_off(open_page(ws.path, "triage"))
    drafts.save(ws, "Ann", q[1], 1, f"{NAME} made me walk out with a plan.")
    at = open_page(ws.path, "triage")
    assert at.text_area(key=f"tr_edit_{q[1]}_1")
    off = _keys_off(at)
    assert off and "Save and approve" in off[0] and "Cancel edit" in off[0]
    assert not any(c.value.startswith("Keys:") for c in at.caption)
    at.button(key="tr_cancel").click().run()
    assert not _keys_off(at) and any(c.value.startswith("Keys:") for c in at.caption)


def _keys_off(at) -> list[str]:
    return [w.value for w in at.warning if "keys" in w.value.lower() and "off" in w.value]


def test_a_refused_triage_edit_stays_in_the_box_with_the_reason_above_it(ws):
    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    at.button(key="tr_edit").click().run()
    refused = f"{NAME} made me walk out with a plan."
    at.text_area(key=f"tr_edit_{q[1]}_1").input(refused)
    at.button(key="tr_save").click().run()
    assert status(ws, q[1]) == ("pending", 1)
    assert at.text_area(key=f"tr_edit_{q[1]}_1").value == refused
    assert any("not saved" in e.value and "still in the box" in e.value for e in at.error)
    assert open_page(ws.path, "triage").text_area(key=f"tr_edit_{q[1]}_1").value == refused    # after a reload


def test_triage_puts_approvals_in_the_chosen_collection(ws):
    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    at.text_input(key="tr_collection").input("Annual report 2025")
    at.button(key="tr_approve").click().run()
    at.button(key="tr_approve").click().run()
    assert collections.quote_ids(ws, "Annual report 2025") == [q[1], q[3]]
    at.button(key="tr_undo_btn").click().run()                  # undo takes it out again
    assert collections.quote_ids(ws, "Annual report 2025") == [q[1]]


def test_triage_by_theme_uses_the_mmr_shortlist_of_copquotes_quotes(ws):
    at = open_page(ws.path, "triage", state={"tr_theme": "wellbeing"})
    expected = [r["id"] for r in quote_records(ws, theme="wellbeing", top=data.TRIAGE_BATCH, status="pending")]
    first = data.quote_rows(ws, expected[:1])[0]["display_text"]
    assert shown_quote(at).startswith("> " + first[:20])


@pytest.mark.parametrize("theme", THEMES)
def test_every_quote_of_a_themes_triage_shows_its_chip(ws, theme):
    from copquotes.disclosure import md_escape

    name = md_escape(dict(review.theme_catalogue(ws))[theme])
    expected = [r["id"] for r in quote_records(ws, theme=theme, top=data.TRIAGE_BATCH, status="pending")]
    at = open_page(ws.path, "triage", state={"tr_theme": theme})
    chips = []
    for _ in expected:                  # each quote of the shortlist in turn, skipped
        chips += [m.value for m in at.markdown if "-badge[" in m.value or m.value == ":gray[no theme]"]
        at.button(key="tr_skip").click().run()
    assert expected and len(chips) == len(expected)
    assert [c for c in chips if f"badge[{name}]" not in c] == []


def test_triage_leaves_out_quotes_decided_before_it_opened(tmp_path):
    w = build_workspace(tmp_path / "ws", statuses={1: "approved", 3: "rejected"})
    try:
        at = open_page(w.path, "triage")
        assert shown_quote(at).startswith("> I loved it")           # the best pending quote comes first
    finally:
        w.close()


def test_triage_when_everything_is_decided(ws):
    for qid in quote_ids(ws).values():
        review.approve(ws, qid, "Bo", 1)
    at = open_page(ws.path, "triage")
    assert any("Every quote in this shortlist has a decision" in s.value for s in at.success)
    assert at.button(key="tr_more")


# ---------------------------------------------------------------------------------- collections
def test_collections_page_creates_orders_and_exports(ws):
    from docx import Document

    q = quote_ids(ws)
    for i in (1, 6):
        review.approve(ws, q[i], "Ann", 1)
    at = open_page(ws.path, "collections")
    at.text_input(key="c_new_name").input("Board pack")
    at.text_input(key="c_new_note").input("March meeting")
    at.button(key="c_create").click().run()
    assert collections.get(ws, "Board pack") == {"name": "Board pack", "note": "March meeting"}
    collections.add(ws, "Board pack", [q[1], q[6]], "Ann")
    at.run()
    at.button(key=f"c_up_{q[6]}").click().run()
    assert collections.quote_ids(ws, "Board pack") == [q[6], q[1]]
    at.button(key="c_export").click().run()
    path = at.session_state["_export"]["path"]
    paras = [p.text for p in Document(path).paragraphs]
    assert paras[0] == "Board pack" and [p[:12] for p in paras if p.startswith("\u201c")] == [
        "\u201cThe CoP mad", "\u201cI walk in f"]
    codes = [c.value for c in at.code]
    assert any(c.startswith("\u201cThe CoP made me") and c.endswith("- CoP survey respondent 2023") for c in codes)


# ---------------------------------------------------------------------------------- export
def test_export_page_counts_what_the_quotes_page_shows(ws):
    q = quote_ids(ws)
    review.approve(ws, q[1], "Ann", 1)
    review.approve(ws, q[3], "Ann", 1)
    at = open_page(ws.path, "export", state={"_quote_filters": data.QuoteFilters(theme="solidarity")})
    assert any("will write 2 quotes" in i.value and "theme Solidarity" in i.value for i in at.info)
    at.checkbox(key="x_approved").uncheck().run()
    assert any("will write 3 quotes" in i.value for i in at.info)        # and the pending q8
    at.selectbox(key="x_fmt_quotes").select(".csv")
    at.button(key="x_go").click().run()
    import csv

    rows = list(csv.DictReader(open(at.session_state["_export"]["path"], encoding="utf-8-sig")))
    # in the Quotes page's order: best for the theme filtered on first (unit 3's quote scores 0.88 for it)
    shown = [r["quote_id"] for r in data.quotes_page(ws, data.QuoteFilters(theme="solidarity"), 1, 10)[0]]
    assert [r["id"] for r in rows] == shown and shown[0] == q[3] and set(shown) == {q[1], q[3], q[8]}
    # each shows the theme it was filtered on, q1 too (it scores solidarity 0.40, not tagged with it)
    assert [r["themes"] for r in rows if "solidarity" not in r["themes"]] == []


@pytest.mark.parametrize("page", ["add", "triage", "collections"])
def test_new_pages_show_no_name_or_text_without_consent(ws, page):
    collections.add(ws, "A", list(quote_ids(ws).values()), "Ann")
    at = open_page(ws.path, page)
    assert not at.exception
    text = "\n".join(str(e.proto) for e in at.main)
    assert NAME not in text and "Okafor" not in text and SECRET not in text


def test_a_triage_edit_another_reviewer_beat_is_kept_in_an_edit_box_beside_their_version(ws):
    """Bea approves the quote while Ann edits it in Triage. Before the fix Ann's Save said her
    change was kept but the page went on to the next quote and her words were gone; now her edit
    waits in an edit box beside Bea's version, and one button saves it over Bea's."""
    from copquotes.workspace import Workspace

    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    at.button(key="tr_edit").click().run()
    mine = "I walk in flat and walk out with a plan [each month]."
    at.text_area(key=f"tr_edit_{q[1]}_1").input(mine)
    other = Workspace.open(ws.path)
    review.approve(other, q[1], "Bea", 1)
    other.close()
    at.button(key="tr_save").click().run()
    assert not at.exception
    assert status(ws, q[1]) == ("approved", 2)
    assert at.error and "Bea" in at.error[0].value
    assert at.text_area(key=f"tr_conflict_text_{q[1]}").value == mine        # her words, ready to save
    assert any("Bea saved" in c.value and "now approved" in c.value for c in at.caption)
    assert "I walk in flat" in shown_quote(at)                                # Bea's version beside it
    assert not [b for b in at.button if b.key == "tr_approve"]                # no decision on another quote
    at.button(key="tr_reapply").click().run()
    row = ws.conn.execute("SELECT status, edited_text, updated_by FROM quotes WHERE quote_id = ?", (q[1],)).fetchone()
    assert tuple(row) == ("approved", mine, "Ann")
    assert not at.text_area and shown_quote(at).startswith("> We are in this together")


def test_a_triage_approval_another_reviewer_beat_says_so_and_goes_on(ws):
    from copquotes.workspace import Workspace

    q = quote_ids(ws)
    at = open_page(ws.path, "triage")
    other = Workspace.open(ws.path)
    review.reject(other, q[1], "Bea", "Not on theme", 1)
    other.close()
    at.button(key="tr_approve").click().run()
    assert status(ws, q[1])[0] == "rejected" and at.error
    assert any("now rejected" in c.value for c in at.caption)
    at.button(key="tr_keep_theirs").click().run()
    assert shown_quote(at).startswith("> We are in this together")


def _hold(ws, qid):
    ws.conn.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?",
                    ('[{"kind": "consent", "reason": "consent not confirmed", "severity": "hold"}]', qid))
    ws.conn.commit()


def test_export_page_counts_exactly_what_it_writes_and_says_how_many_are_held(ws):
    """Before the fix the page counted held quotes (3,403) that the file leaves out (3,399)."""
    q = quote_ids(ws)
    _hold(ws, q[6])
    at = open_page(ws.path, "export")
    at.checkbox(key="x_approved").uncheck().run()
    assert any("will write 4 quotes" in i.value for i in at.info)           # 5 pending, 1 held
    assert any("1 more quote matches but is held" in c.value for c in at.caption)
    at.selectbox(key="x_fmt_quotes").select(".csv")
    at.button(key="x_go").click().run()
    import csv

    rows = list(csv.DictReader(open(at.session_state["_export"]["path"], encoding="utf-8-sig")))
    assert len(rows) == 4 and q[6] not in {r["id"] for r in rows}


APPROVED = ("approved quote", "approved quotes")
EXPORT_LINES = [
    # (n, scope, the sentence) — before the fix: "will write 0 quotes: every one of the approved quotes"
    (0, ("all", ""), "This export will write no quotes: there are no approved quotes yet."),
    (1, ("all", ""), "This export will write 1 quote: the only approved quote."),
    (1200, ("all", ""), "This export will write 1,200 quotes: all the approved quotes."),
    (0, ("filters", "theme Isolation"),
     "This export will write no quotes: no approved quote matches the Quotes page's filters: theme Isolation."),
    (1, ("filters", "year 2024"),
     "This export will write 1 quote: the one approved quote matching the Quotes page's filters: year 2024."),
    (3, ("filters", "year 2024"),
     "This export will write 3 quotes: the approved quotes matching the Quotes page's filters: year 2024."),
    (0, ("collection", "Report"), "This export will write no quotes: the collection 'Report' holds no approved quote."),
    (1, ("collection", "Report"), "This export will write 1 quote: the approved quote of the collection 'Report'."),
    (2, ("collection", "Report"),
     "This export will write 2 quotes: the approved quotes of the collection 'Report', in its order."),
]


@pytest.mark.parametrize("n, scope, line", EXPORT_LINES)
def test_the_export_count_reads_right_for_none_one_and_many(n, scope, line):
    from copquotes.app.views import export_line

    assert export_line(n, APPROVED, scope) == line


def test_export_page_shows_a_search_carried_from_the_quotes_page_and_clears_it(ws):
    """Before the fix a search left on the Quotes page silently emptied the export, and Create
    export stayed active at 0."""
    at = open_page(ws.path, "export", state={"_quote_filters": data.QuoteFilters(search="nowhereword"),
                                             "f_search": "nowhereword"})
    at.checkbox(key="x_approved").uncheck().run()
    assert any("nowhereword" in w.value for w in at.warning)
    assert any("will write no quotes" in i.value for i in at.info)
    assert at.button(key="x_go").disabled and any("Nothing to export" in c.value for c in at.caption)
    at.button(key="x_clear_filters").click().run()
    assert at.session_state["f_search"] == "" and not at.warning
    assert any("will write 5 quotes" in i.value for i in at.info) and not at.button(key="x_go").disabled


def test_an_export_count_equals_the_quotes_the_export_writes(ws):
    from copquotes.export import quote_records

    q = quote_ids(ws)
    _hold(ws, q[6])
    _hold(ws, q[8])
    review.approve(ws, q[8], "Ann", 1)             # approving clears the hold
    for approved_only in (True, False):
        keep = ("approved",) if approved_only else ("approved", "edited", "pending")
        n, held = data.export_count(ws, data.QuoteFilters(), keep)
        written = [r["id"] for r in quote_records(ws, approved_only=approved_only,
                                                   ids=data.export_quote_ids(ws, data.QuoteFilters(), keep))]
        everything = [r["id"] for r in quote_records(ws, approved_only=approved_only)]
        assert n == len(written) == len(everything) and held == (0 if approved_only else 1)
        assert "id" in (quote_records(ws, approved_only=False) or [{"id": 0}])[0]


def test_a_reloaded_page_comes_back_with_its_choices_from_the_address(ws):
    at = AppTest.from_function(page_script, args=(str(ws.path), "quotes", "Ann"), default_timeout=TIMEOUT)
    at.query_params["theme"] = "solidarity"
    at.query_params["status"] = "pending"
    at.run()
    assert at.selectbox(key="f_theme").value == "solidarity" and at.selectbox(key="f_status").value == "pending"
    at.selectbox(key="f_status").select("(all)").run()
    at.text_input(key="f_search").input("together").run()
    assert dict(at.query_params) in ({"theme": "solidarity"}, {"theme": ["solidarity"]})   # no typed words
    tr = AppTest.from_function(page_script, args=(str(ws.path), "triage", "Ann"), default_timeout=TIMEOUT)
    tr.query_params["theme"] = "solidarity"
    tr.run()
    assert tr.selectbox(key="tr_theme").value == "solidarity"
    assert shown_quote(tr).startswith("> We are in this together")


def test_export_page_says_how_many_edited_quotes_it_leaves_out_and_how_to_include_them(ws):
    """Before the fix a saved (not approved) edit silently left the export: 'will write 1 quote'."""
    q = quote_ids(ws)
    review.approve(ws, q[1], "Ann", 1)
    review.edit(ws, q[6], "Ann", "The CoP made me reflect on my practice.", 1)
    at = open_page(ws.path, "export")
    info = " ".join(i.value for i in at.info).replace("\\", "")      # unescaped
    assert "will write 1 quote: the only approved quote" in info
    assert any("1 edited quote is left out" in w.value and "Approve" in w.value for w in at.warning)
    at.checkbox(key="x_approved").uncheck().run()
    assert any("approved, edited and pending" in i.value.replace("\\", "") for i in at.info)
    assert not any("edited quote" in w.value for w in at.warning)


def test_export_page_offers_no_one_choice_radio(ws):
    at = open_page(ws.path, "export")
    assert [r.key for r in at.radio] == ["x_what"]
    assert any("Which quotes: what the Quotes page shows" in c.value for c in at.caption)
    collections.create(ws, "Board pack", "Ann")
    at.run()
    assert [r.key for r in at.radio] == ["x_what", "x_source"]


def test_export_download_goes_once_the_choices_change(ws):
    review.approve(ws, quote_ids(ws)[1], "Ann", 1)
    at = open_page(ws.path, "export")
    at.button(key="x_go").click().run()
    assert at.session_state["_export"]["name"].endswith(".docx") and at.get("download_button")
    at.run()
    assert at.get("download_button")                         # the same choices: still offered
    at.selectbox(key="x_fmt_quotes").select(".csv").run()
    assert not at.get("download_button") and "_export" not in at.session_state
    at.button(key="x_go").click().run()
    assert at.session_state["_export"]["name"].endswith(".csv") and at.get("download_button")
    at.checkbox(key="x_approved").uncheck().run()
    assert not at.get("download_button")


@pytest.mark.parametrize("uploads, heading", [
    ([("notes.txt", b"The sessions helped me."), ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)],
     "Files added so far (1; 1 could not be read)"),
    ([("notes.txt", b"The sessions helped me."), ("roster.csv", b"name,role,quote_consent\nAnn,participant,yes\n")],
     "Files added so far (2)"),
])
def test_files_added_so_far_does_not_count_a_file_that_could_not_be_read(tmp_path, uploads, heading):
    """A PNG among the uploads was counted as a file added ("Files added so far (2)") although
    nothing was read from it; it is named apart now."""
    ws_path = tmp_path / "ws"
    _added(ws_path, uploads)
    at = open_page(ws_path, "add")
    assert not at.exception
    assert [e.label for e in at.expander if e.label.startswith("Files added so far")] == [heading]


def test_a_colleagues_unsaved_edit_is_named_on_the_quotes_card(ws):
    """Ana typed an edit and closed the tab; the next day Ben approved that quote without a word
    about it (her draft was kept, but only she could see it). Ben's card names her unsaved edit now
    (who and when, never its text); her own card does not name her as a colleague."""
    from copquotes.app import drafts

    qid = quote_ids(ws)[6]
    drafts.save(ws, "Ana", qid, 1, "Ana's unsaved wording, marker quillfeather.")
    ben = open_page(ws.path, "quotes", reviewer="Ben", state={"q_size": 50})
    assert not ben.exception
    said = [c.value for c in ben.caption if "Unsaved edit of this quote by" in c.value]
    assert len(said) == 1 and "Ana" in said[0] and "quillfeather" not in " ".join(m.value for m in ben.markdown)
    ana = open_page(ws.path, "quotes", reviewer="Ana", state={"q_size": 50})
    assert not [c.value for c in ana.caption if "Unsaved edit of this quote by" in c.value]
