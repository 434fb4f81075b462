"""Each respondent's group and year from a survey export's own columns (copquotes.ingest.rowmeta).

All files are synthetic, written by the tests: the header spellings of Qualtrics, SurveyMonkey,
Microsoft Forms, Google Forms and plain exports, with the answers of two cohorts."""
from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from copquotes import review
from copquotes.ingest import discover, read
from copquotes.workspace import Workspace, decision_summary

from .builders import make_forms_xlsx, units_of, write_csv

Q_VALUE = "What was the most valuable aspect of your CoP?"
ANSWERS = [
    "Hearing how others handled pushback from leadership gave me words I use every week.",
    "Time to reflect with people who understand why this work matters to me.",
    "The shared scripts for difficult conversations with parents and school staff.",
    "Knowing I am not the only one who finds the backlash exhausting some weeks.",
]


def _qualtrics(tmp_path):
    """Qualtrics: three header rows; the group asked as a question (Q1), the year from RecordedDate."""
    ids = ["StartDate", "EndDate", "Status", "RecordedDate", "ResponseId", "Q1", "Q2"]
    questions = ["Start Date", "End Date", "Response Type", "Recorded Date", "Response ID",
                 "Which CoP group are you in?", Q_VALUE]
    imports = [json.dumps({"ImportId": i}) for i in ("startDate", "endDate", "status", "recordedDate", "_recordId",
                                                     "QID1", "QID2_TEXT")]
    dates = ["2023-11-28 09:12:44", "2023-12-01 10:00:00", "2024-02-14 16:20:05", "2024-03-01 08:00:00"]
    rows = [[d, d, "IP Address", d, f"R_{i}abcdEFGH", g, a]
            for i, (d, g, a) in enumerate(zip(dates, ["Early career", "Early career", "Tertiary", "Tertiary"],
                                              ANSWERS))]
    return write_csv(tmp_path / "qualtrics.csv", [ids, questions, imports] + rows)


def _surveymonkey(tmp_path):
    """SurveyMonkey: two header rows; "Community" and "Academic year" as the custom variables."""
    head = ["Respondent ID", "Collector ID", "Start Date", "End Date", "Community", "Academic year", Q_VALUE]
    sub = ["", "", "", "", "", "", "Open-Ended Response"]
    rows = [[str(114290876540 + i), "431234567", "05/30/2023 10:02:11 AM", "05/30/2023 10:15:40 AM", g, y, a]
            for i, (g, y, a) in enumerate(zip(["RRE", "RRE", "Regional", "Regional"],
                                              ["2022/23", "2022/23", "2023/24", "2023/24"], ANSWERS))]
    return write_csv(tmp_path / "surveymonkey.csv", [head, sub] + rows)


def _msforms(tmp_path):
    """Microsoft Forms: "Which network do you belong to?", the year from "Completion time"."""
    head = ["ID", "Start time", "Completion time", "Email", "Name", "Which network do you belong to?", Q_VALUE]
    times = ["12/30/23 10:02:11", "1/4/24 09:00:00", "1/5/24 11:15:00", "1/9/24 14:00:00"]
    rows = [[i + 1, t, t, "anonymous", None, g, a]
            for i, (t, g, a) in enumerate(zip(times, ["North", "North", "South", "South"], ANSWERS))]
    return make_forms_xlsx(tmp_path / "forms.xlsx", header=head, rows=rows, extra_sheets=False)


def _google_forms(tmp_path):
    """Google Forms: "Timestamp" first, a "Cohort" of names."""
    head = ["Timestamp", "Cohort", Q_VALUE]
    stamps = ["2023/11/30 4:05:06 PM GMT+11", "2023/12/02 9:00:00 AM GMT+11", "2024/02/01 10:30:00 AM GMT+11",
              "2024/02/03 1:00:00 PM GMT+11"]
    rows = [[t, g, a] for t, g, a in zip(stamps, ["Cohort A", "Cohort A", "Cohort B", "Cohort B"], ANSWERS)]
    return write_csv(tmp_path / "google.csv", [head] + rows)


def _plain(tmp_path):
    """A plain export: "Group" and "Year" columns, the year written short."""
    head = ["Respondent", "Group", "Year", Q_VALUE, "Are you happy for your comments to be quoted anonymously?"]
    rows = [[str(i + 1), g, y, a, "Yes"] for i, (g, y, a) in enumerate(
        zip(["Prevention leaders", "Prevention leaders", "Mid-Senior", "Mid-Senior"],
            ["2024-25", "2024-25", "2023-24", "2023-24"], ANSWERS))]
    return write_csv(tmp_path / "plain.csv", [head] + rows)


def _plain_cohort_year(tmp_path):
    """A plain export whose "Cohort" holds the series and "Site" the group."""
    head = ["Site", "Cohort", Q_VALUE]
    rows = [[g, y, a] for g, y, a in zip(["Bendigo", "Bendigo", "Geelong", "Geelong"],
                                         ["22/23", "2022-2023", "2023", "2023"], ANSWERS)]
    return write_csv(tmp_path / "plain_cohort.csv", [head] + rows)


@pytest.mark.parametrize("build, fmt, expected", [
    (_qualtrics, "qualtrics_csv", [("Early career", "2023"), ("Early career", "2023"), ("Tertiary", "2024"),
                                   ("Tertiary", "2024")]),
    (_surveymonkey, "surveymonkey_csv", [("RRE", "2022-2023"), ("RRE", "2022-2023"), ("Regional", "2023-2024"),
                                         ("Regional", "2023-2024")]),
    (_msforms, "msforms_xlsx", [("North", "2023"), ("North", "2024"), ("South", "2024"), ("South", "2024")]),
    (_google_forms, "plain_csv", [("Cohort A", "2023"), ("Cohort A", "2023"), ("Cohort B", "2024"),
                                  ("Cohort B", "2024")]),
    (_plain, "plain_csv", [("Prevention leaders", "2024-2025"), ("Prevention leaders", "2024-2025"),
                           ("Mid-Senior", "2023-2024"), ("Mid-Senior", "2023-2024")]),
    (_plain_cohort_year, "plain_csv", [("Bendigo", "2022-2023"), ("Bendigo", "2022-2023"), ("Geelong", "2023"),
                                       ("Geelong", "2023")]),
], ids=["qualtrics", "surveymonkey", "msforms", "google_forms", "plain", "plain_cohort_year"])
def test_each_respondent_gets_the_group_and_year_of_its_row(tmp_path, caplog, build, fmt, expected):
    path = build(tmp_path)
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        got_fmt, reading, units = units_of(path)
    assert got_fmt == fmt
    assert [(u.group, u.year) for u in units] == expected
    # the metadata columns are never open questions, and their values never unit text
    assert {u.question for u in units} == {Q_VALUE}
    assert sorted(u.text for u in units) == sorted(ANSWERS)
    # said once, naming the columns used
    said = [r.getMessage() for r in caplog.records if "reading each respondent's" in r.getMessage()]
    assert len(said) == 1 and "group from the column" in said[0] and "year from" in said[0]


def test_the_files_own_group_and_year_are_those_its_rows_share(tmp_path):
    head = ["Group", "Year", Q_VALUE]
    one = write_csv(tmp_path / "one.csv", [head] + [["RRE", "2024", a] for a in ANSWERS])
    _, reading, _ = units_of(one)
    assert (reading.meta["group"], reading.meta["year"]) == ("RRE", "2024")
    assert reading.meta["group_column_found"] == "Group" and reading.meta["year_column_found"] == "Year"
    _, reading, _ = units_of(_plain(tmp_path))
    assert (reading.meta["group"], reading.meta["year"]) == (None, None)


@pytest.mark.parametrize("given, expected_group, expected_year", [
    ({"group": "WCYP"}, "WCYP", "2024-2025"),
    ({"year": "2020"}, "Prevention leaders", "2020"),
    ({"group": "WCYP", "year": "2020"}, "WCYP", "2020"),
])
def test_the_manifests_value_wins_over_a_column_that_says_otherwise_with_one_warning(
        tmp_path, caplog, given, expected_group, expected_year):
    path = _plain(tmp_path)
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        units = list(read(discover([path], meta=given).sources[0]).units)
    assert (units[0].group, units[0].year) == (expected_group, expected_year)
    assert len({u.group for u in units}) == (1 if "group" in given else 2)
    overridden = [r.getMessage() for r in caplog.records if "given in copquotes.yaml or --meta" in r.getMessage()]
    assert len(overridden) == len(given)
    assert all("is not read" in m for m in overridden)


def test_a_manifest_value_the_column_agrees_with_is_not_warned_about(tmp_path, caplog):
    path = write_csv(tmp_path / "s.csv", [["Group", "Year", Q_VALUE]] + [["RRE", "2024/25", a] for a in ANSWERS])
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        units = list(read(discover([path], meta={"group": "RRE", "year": "2024-25"}).sources[0]).units)
    assert {(u.group, u.year) for u in units} == {("RRE", "2024-25")}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_year_column_wins_over_a_year_in_the_file_name_but_dates_do_not(tmp_path):
    named = tmp_path / "cop_survey_2025"
    named.mkdir()
    write_csv(named / "with_year.csv",
                            [["Year", Q_VALUE]] + [[y, a] for y, a in zip(["2023-24"] * 2 + ["2024-25"] * 2, ANSWERS)])
    write_csv(named / "with_dates.csv",
                           [["Timestamp", Q_VALUE]] + [[d, a] for d, a in zip(
                               ["2023/11/30 4:05:06 PM", "2023/12/01 4:05:06 PM", "2024/01/30 4:05:06 PM",
                                "2024/02/01 4:05:06 PM"], ANSWERS)])
    sources = {s.path.name: s for s in discover([tmp_path])}   # the year in the folder's name
    assert sources["with_year.csv"].meta["year"] == "2025" and sources["with_year.csv"].detected == {"year"}
    assert [u.year for u in read(sources["with_year.csv"]).units] == ["2023-2024"] * 2 + ["2024-2025"] * 2
    assert {u.year for u in read(sources["with_dates.csv"]).units} == {"2025"}


@pytest.mark.parametrize("header, values", [
    ("Group", ["Ana", "Ben", "Caro", "Dev"]),            # a group of one identifies its respondent
    ("Site", ["I work across three sites and the travel between them takes most of my week"] * 4),
])
def test_a_group_column_that_is_not_shared_short_labels_is_not_read(tmp_path, caplog, header, values):
    path = write_csv(tmp_path / "s.csv", [[header, Q_VALUE]] + [[v, a] for v, a in zip(values, ANSWERS)])
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        _, _, units = units_of(path)
    assert {u.group for u in units} == {None}
    assert any("is named like a group" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("header, values", [
    ("Group", ["Ana", "Ben", "Caro", "Dev"]),
    ("Which CoP group were you part of?", ["Respectful Relationships Education", "Regional and rural",
                                            "Emerging practitioners", "Tertiary settings"]),
])
def test_no_advice_to_give_the_group_when_the_manifest_or_meta_gives_it(tmp_path, caplog, header, values):
    path = write_csv(tmp_path / "s.csv", [[header, Q_VALUE]] + [[v, a] for v, a in zip(values, ANSWERS)])
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        units = list(read(discover([path], meta={"group": "RRE"}).sources[0]).units)
    assert {u.group for u in units} == {"RRE"}
    assert not [r.getMessage() for r in caplog.records if "named like a group" in r.getMessage()]


@pytest.mark.parametrize("header, values", [
    ("Community", ["Strongly agree", "Agree", "Agree", "Disagree"]),
    ("Network", ["Yes", "No", "Yes", "Yes"]),
])
def test_ratings_under_a_group_header_are_answers_not_groups(tmp_path, caplog, header, values):
    path = write_csv(tmp_path / "s.csv", [[header, Q_VALUE]] + [[v, a] for v, a in zip(values, ANSWERS)])
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        _, _, units = units_of(path)
    assert {u.group for u in units} == {None}
    assert not any("group" in r.getMessage() for r in caplog.records)


def test_a_year_column_of_years_of_study_is_not_a_series(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["Year", Q_VALUE]] + [[v, a] for v, a in zip(
        ["Year 1", "Year 2", "Year 1", "Year 3"], ANSWERS)])
    _, reading, units = units_of(path)
    assert {u.year for u in units} == {None}
    assert {c["column"]: c["role"] for c in reading.columns}["Year"] != "year"


def test_a_folder_ingest_says_it_once_and_status_counts_groups_and_years(tmp_path, caplog):
    folder = tmp_path / "exports"
    folder.mkdir()
    _plain(folder)
    ws = Workspace.open(tmp_path / "ws", create=True)
    try:
        with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
            ws.ingest(discover([folder]), progress=False)
        assert sum("reading each respondent's" in r.getMessage() for r in caplog.records) == 1
        st = ws.status()
        assert st["by_group"] == {"Mid-Senior": 2, "Prevention leaders": 2}
        assert st["by_year"] == {"2023-2024": 2, "2024-2025": 2}
    finally:
        ws.close()


def test_rereading_an_export_ingested_without_its_columns_keeps_every_unit_and_decision(tmp_path, monkeypatch):
    """A workspace built before the columns were read (readers' version 1): the file is read again
    once (the readers' version is in its fingerprint), keeps every unit id, quote decision and
    label, and gains the groups and years; then it is unchanged."""
    from copquotes.ingest import base

    path = _plain(tmp_path)
    monkeypatch.setattr(base, "READER_VERSION", "1")     # the readers before this version

    def without_columns(source):   # what the reader gave before: no group, no year
        r = read(source)
        return dataclasses.replace(r, units=(dataclasses.replace(u, group=None, year=None) for u in r.units))

    ws = Workspace.open(tmp_path / "ws", create=True)
    try:
        ws.ingest(discover([path]), read=without_columns, progress=False)
        ids = {r[0] for r in ws.conn.execute("SELECT unit_id FROM units")}
        uid, text = ws.conn.execute("SELECT unit_id, text FROM units ORDER BY position").fetchone()
        qid = _add_quote(ws, uid, text)
        review.approve(ws, qid, "Ann", 1)
        review.label_theme(ws, uid, "solidarity", 1, "Ann")
        assert ws.ingest(discover([path]), read=without_columns, progress=False).files[0].status == "unchanged"
        monkeypatch.undo()                                   # this copquotes's readers
        res = ws.ingest(discover([path]), progress=False).files[0]
        assert (res.status, res.kept, res.removed, res.orphaned) == ("replaced", 4, 0, 0)
        assert {r[0] for r in ws.conn.execute("SELECT unit_id FROM units")} == ids
        assert ws.conn.execute("SELECT status FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0] == "approved"
        assert ws.conn.execute("SELECT COUNT(*) FROM theme_labels").fetchone()[0] == 1
        assert decision_summary(ws)["orphaned"] == 0
        assert ws.conn.execute("SELECT grp, year FROM units WHERE unit_id = ?", (uid,)).fetchone()[:] == (
            "Prevention leaders", "2024-2025")
        assert ws.ingest(discover([path]), progress=False).files[0].status == "unchanged"
    finally:
        ws.close()


def _add_quote(ws, uid: str, text: str) -> str:
    """A quote of a whole unit as the quotes stage writes it (pending, version 1), with its anon row."""
    from copquotes.workspace import quote_id_for

    qid = quote_id_for(uid, 0, len(text))
    with ws.transaction() as c:
        c.execute("INSERT OR REPLACE INTO anon(unit_id, text) VALUES (?, ?)", (uid, text))
        c.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, status, version, updated_by)'
                  " VALUES (?,?,?,?,?,?, 'pending', 1, 'quotes')", (qid, uid, 0, len(text), text, text))
    return qid
