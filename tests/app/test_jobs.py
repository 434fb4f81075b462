"""Files added in the browser: batches on disk, and the background analysis that reads them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from copquotes.app import jobs
from copquotes.ingest.batch import unreadable_files
from copquotes.workspace import Workspace

from .builders import file_rows

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Facilitator>What has the community of practice meant for you this year?

00:00:06.000 --> 00:00:15.000
<v Participant 1>Honestly it has kept me going. Meeting people who do the same work made me feel less alone and more confident in my practice.

00:00:16.000 --> 00:00:25.000
<v Participant 2>For me it was the space to reflect. I changed how I run my sessions after hearing how others handle backlash from leadership.
"""

MANIFEST = b"""files:
  "focus_groups/*": {source_kind: focus_group, consent: "yes"}
  "focus_groups/fg_2024.vtt": {group: RRE, year: "2024"}
rosters: [rosters/roster.csv]
"""


@pytest.mark.parametrize("name, safe", [
    ("report.csv", "report.csv"), ("../../etc/passwd", "passwd"), ("C:\\Users\\x\\fg 1.vtt", "fg 1.vtt"),
    (".hidden", "hidden"), ("", "file"), ("a<b>|c.txt", "a_b_c.txt"),
])
def test_browser_file_names_are_reduced_to_a_safe_last_part(name, safe):
    assert jobs.safe_name(name) == safe


def test_a_batch_puts_files_where_its_manifest_expects_them_and_skips_repeats(tmp_path):
    roster = b"name,role,quote_consent\nAnn Lee,participant,yes\n"
    res = jobs.save_batch(tmp_path, [("copquotes.yaml", MANIFEST), ("fg_2024.vtt", VTT.encode()),
                                     ("roster.csv", roster), ("notes.txt", b"Some notes about the day.")],
                          {"group": " ", "year": "2024"})
    batch = tmp_path / "inputs" / res["batch"].rsplit("/", 1)[-1]
    assert (batch / "focus_groups" / "fg_2024.vtt").is_file() and (batch / "rosters" / "roster.csv").is_file()
    assert (batch / "notes.txt").is_file() and (batch / "copquotes.yaml").is_file()
    info = json.loads((batch / jobs.BATCH_FILE).read_text())
    assert info["meta"] == {"year": "2024"}                       # empty fields are left to detection
    again = jobs.save_batch(tmp_path, [("fg_2024 copy.vtt", VTT.encode()), ("new.txt", b"Something new.")])
    assert again["duplicates"] == ["fg_2024 copy.vtt"] and again["saved"] == ["new.txt"]
    assert len(jobs.pending_batches(tmp_path)) == 2


def test_a_dead_analysis_process_reads_as_failed(tmp_path):
    jobs._write_json(jobs.state_path(tmp_path), {"state": "running", "pid": 2 ** 22 + 12345, "steps": {}})
    state = jobs.read_state(tmp_path)
    assert state["state"] == "failed" and "Press Analyse again" in state["message"]
    assert not jobs.is_running(tmp_path)


def test_the_background_job_ingests_new_files_reports_unreadable_ones_and_analyses(tmp_path):
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("copquotes.yaml", MANIFEST), ("fg_2024.vtt", VTT.encode()),
                              ("broken.xlsx", b"this is not a spreadsheet"),
                              ("roster.csv", b"name,role,quote_consent\nParticipant 1,participant,yes\n"
                                             b"Participant 2,participant,yes\nFacilitator,facilitator,no\n")])
    assert jobs.run_job(ws_path) == 0
    state = jobs.read_state(ws_path)
    assert state["state"] == "done" and "quotes are ready" in state["message"]
    assert [s["status"] for s in state["steps"].values()] == ["done"] * len(state["steps"])
    assert list(state["steps"])[:2] == ["ingest", "anonymise"]
    by_name = {f["name"]: f for f in state["files"]}
    assert by_name["fg_2024.vtt"]["status"] == "added" and by_name["fg_2024.vtt"]["units"] == 3
    assert by_name["broken.xlsx"]["status"] == "unreadable" and by_name["broken.xlsx"]["error"]
    ws = Workspace.open(ws_path)
    try:
        assert tuple(ws.conn.execute("SELECT grp, year, source_kind FROM units LIMIT 1").fetchone()) == \
            ("RRE", "2024", "focus_group")
        assert ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] >= 1
        # `copquotes status` lists the file the browser upload could not read
        assert [Path(u["path"]).name for u in unreadable_files(ws)] == ["broken.xlsx"]
    finally:
        ws.close()
    assert jobs.pending_batches(ws_path) == []
    # more files later: only the new batch is read; the first file is not ingested again
    jobs.save_batch(ws_path, [("later.txt", b"Participant 3: The group gave me the confidence to speak up at "
                                             b"work and to support my colleagues through a hard year.\n")],
                    {"group": "Early career", "source_kind": "interview"})
    assert jobs.run_job(ws_path) == 0
    state = jobs.read_state(ws_path)
    assert [f["name"] for f in state["files"]] == ["later.txt"] and state["state"] == "done"
    ws = Workspace.open(ws_path)
    try:
        assert ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2
        assert ws.conn.execute("SELECT grp FROM units u JOIN files f ON f.file_id = u.file_id"
                               " WHERE f.path LIKE '%later.txt'").fetchone()[0] == "Early career"
    finally:
        ws.close()


# ---------------------------------------------------------------------------------- uploaded again
QUESTION = "What was the most valuable aspect of your CoP?"
CONSENT_Q = "May we quote your comments anonymously in reports and publications?"
ANSWERS = {"R001": "Knowing that other people care about this work as much as I do gives me hope.",
           "R002": "Honestly the timing was hard with school holidays but the content was excellent."}


def survey(**consent) -> bytes:
    rows = [f"Respondent ID,{QUESTION},{CONSENT_Q}"]
    rows += [f'{rid},"{text}",{consent.get(rid, "Yes")}' for rid, text in ANSWERS.items()]
    return ("\n".join(rows) + "\n").encode()


FG = (b"Jane Smith: Welcome back everyone. How has the month been?\n"
      b"Amy Chen: Honestly it has been a hard month, and I felt really alone with it until today.\n"
      b"Ben Ortiz: What keeps me going is this group. I walk in flat and walk out with a plan.\n")


def roster(amy="yes", ben=None) -> bytes:
    rows = ["name,role,quote_consent", "Jane Smith,facilitator,no", f"Amy Chen,participant,{amy}"]
    rows += [f"Ben Ortiz,participant,{ben}"] if ben else []
    return ("\n".join(rows) + "\n").encode()


def ingest_pending(ws_path: Path) -> Workspace:
    """What the Analyse button's job does first: ingest every batch not yet ingested."""
    ws = Workspace.open(ws_path, create=True)
    jobs.ingest_batches(ws, ws_path.resolve(), jobs._Progress(ws_path.resolve()))
    return ws


def decide(ws, text_part: str, action: str) -> str:
    """A quote over the whole unit holding ``text_part``, as the quotes stage writes it, then decided."""
    from copquotes import review
    from copquotes.workspace import quote_id_for

    uid, text = ws.conn.execute("SELECT unit_id, text FROM units WHERE text LIKE ?", (f"%{text_part}%",)).fetchone()
    qid = quote_id_for(uid, 0, len(text))
    with ws.transaction() as c:
        c.execute("INSERT OR REPLACE INTO anon(unit_id, text) VALUES (?, ?)", (uid, text))
        c.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, updated_by)'
                  " VALUES (?,?,0,?,?,?, 'quotes')", (qid, uid, len(text), text, text))
    getattr(review, action)(ws, qid, "Ann", *(["off theme"] if action == "reject" else []), 1)
    return qid


def live_status(ws, qid):
    row = ws.conn.execute("SELECT q.status FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
                          " WHERE q.quote_id = ?", (qid,)).fetchone()
    return row and row[0]


@pytest.mark.parametrize("upload, replaced, gone, kept", [
    # a new export of the survey: R001 withdrew consent
    (("survey_2024.csv", survey(R001="No")), ["survey_2024.csv"], "care about this work", "the timing was hard"),
    # a corrected roster: Amy Chen withdrew consent
    (("roster.csv", roster(amy="no")), ["roster.csv"], "a hard month", "the timing was hard"),
])
def test_a_file_uploaded_again_under_its_name_replaces_the_one_added_before(tmp_path, upload, replaced, gone, kept):
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey_2024.csv", survey()), ("fg_session1.txt", FG), ("roster.csv", roster())])
    ws = ingest_pending(ws_path)
    q_gone = decide(ws, gone, "approve")
    q_kept = decide(ws, kept, "reject")
    ws.close()
    res = jobs.save_batch(ws_path, [upload])
    assert res["replaced"] == replaced and res["batch"] is None
    ws = ingest_pending(ws_path)
    try:
        assert ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2     # no second file
        assert live_status(ws, q_gone) is None                                     # withdrawn consent applied
        assert live_status(ws, q_kept) == "rejected"                               # the decision kept
    finally:
        ws.close()


LIKERT = (b"ID,Q1 The CoP deepened my understanding,Q2 Time well spent,Q3 Rating\n"
          b"1,Strongly agree,Disagree,2\n2,Agree,Disagree,5\n3,Agree,Agree,4\n")
LIKERT_AND_ONE = (b"ID,Q1 The CoP deepened my understanding,What was the most valuable part of the series?\n"
                  b"1,Strongly agree,The check-ins at the start of every session.\n"
                  b"2,Agree,Hearing how other schools respond to backlash.\n"
                  b"3,Agree,Time to reflect on my own practice with peers.\n")
ROSTER = b"name,role,quote_consent\nParticipant 1,participant,yes\nParticipant 2,participant,yes\n"


def _ingest(ws_path):
    ws = Workspace.open(ws_path, create=True)
    try:
        prog = jobs._Progress(ws_path)
        jobs.ingest_batches(ws, ws_path, prog)
        return prog.state
    finally:
        ws.close()


def test_a_roster_uploaded_later_under_a_new_name_applies_to_the_files_added_before(tmp_path):
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("fg_session1.txt", FG), ("roster.csv", roster())])   # Ben Ortiz not on it
    ingest_pending(ws_path).close()
    res = jobs.save_batch(ws_path, [("roster_update.csv", roster(ben="yes"))])
    assert res["saved"] == ["roster_update.csv"]
    ws = ingest_pending(ws_path)
    try:
        assert ws.conn.execute("SELECT COUNT(*) FROM quotable_units WHERE text LIKE '%walk in flat%'"
                               ).fetchone()[0] == 1
    finally:
        ws.close()
    # the files list names the later roster once, and says why the earlier file was read again
    rows = [(r["file"], r["result"]) for r in file_rows(ws_path)]
    assert [f for f, _ in rows].count("roster_update.csv") == 1
    assert dict(rows)["fg_session1.txt"].startswith(("read again with a roster added later", "read before"))


@pytest.mark.parametrize("earlier_batches", [1, 2, 3])
def test_the_progress_counts_a_roster_added_later_once(tmp_path, earlier_batches):
    """A roster added after files of earlier uploads is copied into each earlier upload (so it
    applies to their files). Before the fix the progress line counted every copy: one roster
    added after two uploads read "3 rosters of who agreed to be quoted"."""
    ws_path = tmp_path / "ws"
    for i in range(earlier_batches):
        jobs.save_batch(ws_path, [(f"fg_session{i + 1}.txt", FG)])
        _ingest(ws_path)
    jobs.save_batch(ws_path, [("roster.csv", roster())])
    assert _ingest(ws_path)["steps"]["ingest"]["rosters"] == 1


SURVEY_TWO_OPEN = (b"ID,How satisfied were you?,What was the most valuable aspect of your CoP?,What could we do better?\n"
                   + b"".join(b"%d,Satisfied,%s,%s\n" % (i, a, b) for i, (a, b) in enumerate([
                       (b"Being among people who get the work and share the load.", b"Longer sessions with more case studies."),
                       (b"I left every session with my energy back.", b"An agenda sent a week before each session."),
                       (b"Knowing I had allies in other schools this year.", b"Fewer introductions and more time on backlash."),
                   ], 1)))


def test_the_files_list_says_how_many_open_questions_of_a_survey_were_read(tmp_path):
    """An officer whose survey has two free-text questions sees whether both were read (a question
    read as a choice gives no quotes and was missing without a word); a transcript says nothing
    of questions."""
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.csv", SURVEY_TWO_OPEN), ("likert_and_one.csv", LIKERT_AND_ONE),
                              ("fg_2024.vtt", VTT.encode())])
    _ingest(ws_path)
    rows = {r["file"]: r["result"] for r in file_rows(ws_path)}
    assert rows == {"survey.csv": "read: 6 answers to 2 open questions",
                    "likert_and_one.csv": "read: 3 answers to 1 open question",
                    "fg_2024.vtt": "read: 3 answers and turns"}


@pytest.mark.parametrize("n, words", [(None, ""), (0, ""), (1, " to 1 open question"), (3, " to 3 open questions")])
def test_questions_words(n, words):
    assert jobs.questions_words(n) == words


@pytest.mark.parametrize("units, questions, words", [
    (58, None, "58 answers and turns"), (1, None, "1 answer or turn"), (1, 1, "1 answer to 1 open question"),
    (1200, 2, "1,200 answers to 2 open questions"),
])
def test_read_words(units, questions, words):
    assert jobs.read_words(units, questions) == words


FORMS = (b"ID,Start time,Completion time,Email,Name,What was the most valuable aspect of your CoP?\n"
         b"1,6/2/25 9:00:00,6/2/25 9:05:00,a@example.org,Amy Chen,Being among people who get the work and share the load.\n"
         b"2,6/2/25 10:00:00,6/2/25 10:04:00,b@example.org,Ben Ortiz,I left every session with my energy back again.\n"
         b"3,6/2/25 11:00:00,6/2/25 11:06:00,c@example.org,Cal Ruiz,Knowing I had allies in other schools this year.\n")


@pytest.mark.parametrize("chosen, survey_kind, transcript_kind", [
    ("focus_group", "survey", "focus_group"),       # was: the survey's answers became focus group turns
    ("interview", "survey", "interview"),
    ("survey", "survey", None),                     # a transcript is never a survey: detection decides
])
def test_a_source_kind_chosen_for_a_mixed_upload_applies_only_to_the_files_it_fits(tmp_path, chosen, survey_kind,
                                                                                 transcript_kind):
    """An officer uploads a Forms survey and a Zoom transcript at once and sets Source kind to
    "focus group": the survey's quotes were attributed to "CoP focus group participant"."""
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.csv", FORMS), ("fg.vtt", VTT.encode()), ("roster.csv", ROSTER)],
                    {"source_kind": chosen})   # (a roster in the batch too: its kind is no source kind)
    ws = ingest_pending(ws_path)
    try:
        kinds = dict(ws.conn.execute("SELECT CASE WHEN f.path LIKE '%.csv' THEN 'survey' ELSE 'fg' END,"
                                     " MIN(u.source_kind) FROM units u JOIN files f USING (file_id) GROUP BY 1"))
    finally:
        ws.close()
    assert kinds["survey"] == survey_kind
    assert kinds["fg"] == transcript_kind if transcript_kind else kinds["fg"] != "survey"


@pytest.mark.parametrize("fmt, kind, fits", [
    ("msforms_xlsx", "survey", True), ("msforms_xlsx", "focus_group", False), ("qualtrics_csv", "interview", False),
    ("zoom_vtt", "focus_group", True), ("teams_docx", "interview", True), ("plain_txt", "survey", False),
    ("plain_csv", "reflection", True), ("plain_xlsx", "survey", True), ("coded_csv", "interview", True),
])
def test_kind_fits(fmt, kind, fits):
    assert jobs.kind_fits(fmt, kind) is fits


def test_the_files_list_says_per_file_what_reading_gave_and_keeps_it_after_later_analyses(tmp_path):
    """Before the fix an empty CSV, a PDF and a ratings-only CSV were listed "analysed: yes", their
    warnings were gone after the next analysis, the ratings-only one told an officer to edit
    copquotes.yaml, two files of one name looked identical, and a roster went uncounted
    ("2 of 2 files" for three files)."""
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("fg_2024.vtt", VTT.encode()), ("empty.csv", b""), ("report.pdf", b"%PDF-1.4 x"),
                              ("likert_only.csv", LIKERT), ("roster.csv", ROSTER)])
    state = _ingest(ws_path)
    ingest = state["steps"]["ingest"]
    assert ingest["total"] == 1 and ingest["rosters"] == 1
    rows = {r["file"]: r for r in file_rows(ws_path)}
    assert rows["fg_2024.vtt"]["result"] == "read: 3 answers and turns"
    assert rows["roster.csv"]["result"] == "roster"
    for name in ("empty.csv", "report.pdf", "likert_only.csv"):
        assert rows[name]["result"].startswith("could not read: "), rows[name]
    likert = rows["likert_only.csv"]["result"]
    assert "copquotes.yaml" not in likert and "Choose the open questions of a survey" in likert   # the page's own control
    assert "remove it from the input" not in rows["empty.csv"]["result"]
    # a later analysis of other files: the problems are still listed
    jobs.save_batch(ws_path, [("notes.txt", b"Participant 3: The group gave me the confidence to speak up "
                                            b"at work and to support my colleagues through a hard year.\n")])
    _ingest(ws_path)
    assert sorted(f["name"] for f in jobs.file_problems(ws_path)) == ["empty.csv", "likert_only.csv", "report.pdf"]
    assert all("copquotes.yaml" not in (f["error"] or "") for f in jobs.file_problems(ws_path))
    # a corrected file of the same name replaces the one added before (one row, read now)
    res = jobs.save_batch(ws_path, [("empty.csv", b"What was the most valuable aspect of your CoP?\n"
                                                  b"Being among people who understand the work kept me going this year.\n")])
    assert res["replaced"] == ["empty.csv"]
    _ingest(ws_path)
    assert "empty.csv" not in {f["name"] for f in jobs.file_problems(ws_path)}
    rows = [r for r in file_rows(ws_path) if r["file"] == "empty.csv"]
    assert len(rows) == 1 and rows[0]["result"] == "read: 1 answer to 1 open question", rows


def test_reasons_never_send_an_officer_to_the_manifest_file():
    assert jobs.plain_reason("no open-text column found; name them in copquotes.yaml under open_questions") \
        .startswith("it has no column of written answers")
    out = jobs.plain_reason("the consent column is unclear; name it with consent_column in copquotes.yaml")
    assert "copquotes.yaml" not in out and out.startswith("the consent column is unclear") and "researcher" in out
    assert jobs.plain_reason("the file is empty; export it again or remove it from the input") == \
        "the file is empty; export it again"


def test_times_are_shown_in_local_time_to_the_second(monkeypatch):
    import time as _time

    monkeypatch.setenv("TZ", "Australia/Melbourne")
    _time.tzset()
    try:
        assert jobs.local_time("2025-03-04T03:05:09+00:00") == "2025-03-04 14:05:09"
    finally:
        monkeypatch.delenv("TZ")
        _time.tzset()
    assert jobs.local_time("not a time") == "not a time"


def test_another_cohorts_survey_under_a_name_used_before_is_a_file_of_its_own(tmp_path):
    """A generic export name ("responses.csv") for a second cohort: before, the upload replaced the
    first cohort's file (its units gone, its approved quotes orphaned, the typed group ignored)."""
    other = ("Respondent ID,What was the most valuable aspect of your CoP?,May we quote your comments?\n"
             "R101,\"Meeting regional workers who face the same distances made me feel less isolated.\",Yes\n"
             "R102,\"The practical tools for running sessions in small towns were what I needed most.\",Yes\n").encode()
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("responses.csv", survey())], {"group": "Early career"})
    ingest_pending(ws_path).close()
    res = jobs.save_batch(ws_path, [("responses.csv", other)], {"group": "Regional"})
    assert res["replaced"] == [] and res["same_name"] == ["responses.csv"] and res["saved"] == ["responses.csv"]
    ws = ingest_pending(ws_path)
    try:
        groups = dict(ws.conn.execute("SELECT grp, COUNT(*) FROM units GROUP BY grp").fetchall())
        assert groups == {"Early career": 2, "Regional": 2}
    finally:
        ws.close()
    # a new download of the first cohort's survey (one consent changed) still replaces its file
    res = jobs.save_batch(ws_path, [("responses.csv", survey(R001="No"))])
    assert res["replaced"] == ["responses.csv"]


def test_an_older_version_added_under_another_name_is_explained_in_the_officers_words(tmp_path):
    """Before the fix the files list said "outdated" and the only explanation (in the analysis log)
    named the stored path under WS/inputs/, which an app user cannot reach."""
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.csv", survey())])
    ingest_pending(ws_path).close()
    jobs.save_batch(ws_path, [("survey.csv", survey(R001="No"))])          # a new export: consent withdrawn
    ingest_pending(ws_path).close()
    jobs.save_batch(ws_path, [("survey old.csv", survey())])                # the old copy, renamed
    ingest_pending(ws_path).close()
    [old] = jobs.outdated_files(ws_path)
    assert old["name"] == "survey old.csv" and old["newer"] == "survey.csv"
    msg = jobs.outdated_message(old["name"], old["newer"])
    assert str(ws_path) not in msg and "inputs" not in msg and "/" not in msg
    assert "older version of survey.csv" in msg and "under the name survey.csv" in msg
    rows = {r["file"]: r["result"] for r in file_rows(ws_path)}
    assert rows == {"survey.csv": "read again (a new version): 2 answers to 1 open question",
                    "survey old.csv": "not read: an older version of survey.csv"}


@pytest.mark.parametrize("typed, group, year, says", [
    ({"group": "Regional", "year": "2025"}, "Regional", "2025", "group Regional, year 2025: as you typed"),
    ({"group": "Regional"}, "Regional", "2024", "group Regional, year 2024: year kept from before"),
    ({}, "Early career", "2024", "group Early career, year 2024: kept from before"),
])
def test_a_new_version_takes_the_group_and_year_typed_with_it(tmp_path, typed, group, year, says):
    """Before the fix a new version of a file kept its first group and year whatever was typed
    (the page says the typed ones apply to every file added), and the page did not say so."""
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey.csv", survey()), ("fg_session1.txt", FG), ("roster.csv", roster())],
                    {"group": "Early career", "year": "2024"})
    ingest_pending(ws_path).close()
    res = jobs.save_batch(ws_path, [("survey.csv", survey(R002="No"))], typed)
    assert res["replaced"] == ["survey.csv"]
    assert jobs.replaced_line("survey.csv", res["replaced_meta"]["survey.csv"]) == f"survey.csv ({says})"
    ws = ingest_pending(ws_path)
    try:
        by_file = dict(ws.conn.execute("SELECT f.display, group_concat(DISTINCT u.grp || '/' || u.year) FROM units u"
                                       " JOIN files f ON f.file_id = u.file_id GROUP BY f.file_id").fetchall())
    finally:
        ws.close()
    by_file = {Path(k).name: v for k, v in by_file.items()}
    # the file uploaded again takes what was typed; the other file of its batch keeps the batch's
    assert by_file == {"survey.csv": f"{group}/{year}", "fg_session1.txt": "Early career/2024"}
    rows = {r["file"]: (r["group"], r["year"]) for r in file_rows(ws_path)}
    assert rows["survey.csv"] == (group, year) and rows["fg_session1.txt"] == ("Early career", "2024")


def test_a_removed_file_added_again_in_the_browser_brings_its_decisions_back(tmp_path):
    from copquotes.removal import remove_files

    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("survey_2024.csv", survey()), ("fg_session1.txt", FG), ("roster.csv", roster())])
    ws = ingest_pending(ws_path)
    q = decide(ws, "care about this work", "approve")
    remove_files(ws, ["survey_2024.csv"], confirm=lambda *_: True)
    assert live_status(ws, q) is None
    ws.close()
    res = jobs.save_batch(ws_path, [("survey_2024.csv", survey())])
    assert res["saved"] == ["survey_2024.csv"]
    ws = ingest_pending(ws_path)
    try:        # back under the quote id of the unit read again, with its decision
        assert [r[0] for r in ws.conn.execute("SELECT q.status FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
                               " WHERE u.text LIKE '%care about this work%'").fetchall()] == ["approved"]
        assert ws.conn.execute("SELECT COUNT(*) FROM orphans WHERE resolved_at IS NULL").fetchone()[0] == 0
    finally:
        ws.close()


@pytest.mark.parametrize("moved", [False, True])
def test_the_files_list_shows_the_group_year_and_kind_the_manifest_gave(tmp_path, moved):
    """Before the fix the Add files list showed only what was typed on the page: empty group,
    year and source kind for files whose copquotes.yaml set them (the units had them)."""
    manifest = (b"files:\n  fg_2024.vtt:\n    source_kind: focus_group\n    group: Early career\n"
                b"    year: \"2024\"\n")
    ws_path = tmp_path / "ws"
    jobs.save_batch(ws_path, [("fg_2024.vtt", VTT.encode()), ("copquotes.yaml", manifest)])
    ingest_pending(ws_path).close()
    if moved:   # a workspace copied or moved elsewhere: its files table still names the old folder
        ws_path = ws_path.rename(tmp_path / "moved")
    rows = {r["file"]: r for r in file_rows(ws_path)}
    assert (rows["fg_2024.vtt"]["group"], rows["fg_2024.vtt"]["year"], rows["fg_2024.vtt"]["source_kind"]) == (
        "Early career", "2024", "focus_group")
    assert (rows["copquotes.yaml"]["group"], rows["copquotes.yaml"]["result"]) == ("", "settings (copquotes.yaml)")
    ws = Workspace.open(ws_path)
    try:   # the same as the units have
        assert [tuple(r) for r in ws.conn.execute("SELECT DISTINCT grp, year, source_kind FROM units")] == [
            ("Early career", "2024", "focus_group")]
    finally:
        ws.close()


@pytest.mark.parametrize("approve, says", [
    (0, "quotes are ready to review"),
    (2, "2 decided or edited already"),
    (-1, "0 of them still to review"),
])
def test_the_analysis_done_message_counts_the_quotes_still_to_review(tmp_path, approve, says):
    """A second Analyse... (one more file, from someone with no quote consent) ended "Done: 11
    candidate quotes are ready to review." when the reviewers had decided every one of them."""
    from copquotes import review

    from .builders import build_workspace, quote_ids

    ws = build_workspace(tmp_path / "ws")
    try:
        ids = list(quote_ids(ws).values())
        decided = ids if approve < 0 else ids[:approve]
        for qid in decided:
            review.approve(ws, qid, "Ana", 1)
        n, message = jobs.done_message(ws)
        fresh = ws.conn.execute("SELECT COUNT(*) FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
                                ).fetchone()[0]
    finally:
        ws.close()
    assert n == fresh and says in message and f"{n:,} candidate quotes" in message
    if decided:
        assert f"{n - len(decided):,} of them still to review ({len(decided)} decided or edited already)" in message


def test_a_second_analyse_says_how_many_quotes_reviewers_decided_already(tmp_path):
    """The background job's done message is the one above, after a real second analysis."""
    from copquotes import review

    from .builders import build_workspace, quote_ids

    ws = build_workspace(tmp_path / "ws")
    try:
        for qid in list(quote_ids(ws).values())[:2]:
            review.approve(ws, qid, "Ana", 1)
    finally:
        ws.close()
    assert jobs.run_job(tmp_path / "ws") == 0           # Analyse... again: nothing new to read
    state = jobs.read_state(tmp_path / "ws")
    n = state["quotes"]
    assert state["state"] == "done"
    assert f"{n - 2:,} of them still to review (2 decided or edited already)" in state["message"]
