"""Two leftovers of blind probes of real-format exports (h145).

1. A survey column of the evaluation team's own notes ("Admin notes", "Staff notes", "Interviewer notes", "Notes
   (staff)", "Comments (office use)", "For office use only") is never open text: the team's notes are never units
   attributed to the respondent. A note there that consent was refused or withdrawn is still a no. A respondent's own
   question that merely holds "notes" or "comments" ("Any other comments?", "Notes on your experience") stays open.
2. A typed interview header "Notes by:", "Interviewed by:", "Recorded by:", "Transcribed by:", "Note taker:" names a
   person (a name to redact, never speech), like "Interviewer: Mel Tran"; when it names the interviewer or the note
   taker, notes with no speaker labels under it are that person's words, never a participant's.
"""
from __future__ import annotations

import json

import pytest

from copquotes.ingest import Source, detect_format, read

from .builders import csv_bytes, make_plain_xlsx, units_of

QUESTION = "What did you value most about the CoP?"
ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions.",
           "Hearing how other schools handled pushback from parents gave me real scripts.",
           "I stopped feeling like the lone voice in staff meetings after session three."]
NOTES = ["Followed up by phone about the resources she mentioned last week",
         "Strong example for the annual report, check wording with her first",
         "Arrived late to session two, caught up with the facilitator afterwards",
         "Asked for a copy of the final report when it comes out in June"]
STAFF_HEADERS = ["Admin notes", "Staff notes", "Researcher notes", "Internal notes", "Interviewer notes",
                 "Notes (staff)", "Comments (office use)", "For office use only", "Staff comments", "Notes - staff",
                 "Office use only", "Notes (office use only)", "Researcher's comments", "Note taker comments",
                 "Evaluation team notes", "Comments by the interviewer"]


def _survey(tmp_path, header, notes, suffix=".csv", extra=(), extra_cells=None):
    rows = [["Respondent", QUESTION, *extra, header]]
    rows += [[str(i + 1), a, *(extra_cells[i] if extra_cells else ()), n] for i, (a, n) in enumerate(zip(ANSWERS, notes))]
    p = tmp_path / f"survey{suffix}"
    if suffix == ".csv":
        p.write_bytes(csv_bytes(rows))
    else:
        make_plain_xlsx(p, rows)
    _, r, units = units_of(p)
    return r, units


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("header", STAFF_HEADERS)
def test_the_teams_own_notes_are_no_open_text(tmp_path, header, suffix):
    r, units = _survey(tmp_path, header, NOTES, suffix)
    assert r.meta["open_questions_found"] == [QUESTION]
    assert [u.text for u in units] == ANSWERS   # no note is the respondent's words
    assert {c["role"] for c in r.columns if c["column"] == header} == {"staff_notes"}


@pytest.mark.parametrize("header", ["Any other comments?", "Notes on your experience", "Comments on the facilitator",
                                    "Any comments for the research team?", "Other comments or notes",
                                    "Comments for staff", "Additional comments", "Notes"])
def test_a_respondents_question_with_notes_or_comments_stays_open(tmp_path, header):
    r, units = _survey(tmp_path, header, NOTES)
    assert r.meta["open_questions_found"] == [QUESTION, header]
    assert len(units) == 8


@pytest.mark.parametrize("header", ["Admin notes", "Interviewer notes", "Comments (office use)", "For office use only",
                                    "Staff comments", "Notes (staff)"])
@pytest.mark.parametrize("note,consent", [("Withdrew consent by email 4/4", False), ("No consent", False),
                                          ("DNQ", False), ("Arrived late to session two", True), ("", True)])
def test_a_staff_note_that_consent_was_refused_is_still_a_no(tmp_path, header, note, consent):
    cells = [["Yes"]] * 4
    r, units = _survey(tmp_path, header, [note, "", "", ""], extra=["May we quote your comments anonymously?"],
                       extra_cells=cells)
    assert [u.text for u in units] == ANSWERS
    assert [u.consent for u in units] == [consent, True, True, True]


@pytest.mark.parametrize("header", ["Staff notes", "Interviewer notes", "Comments (office use)"])
def test_a_staff_column_in_a_qualtrics_export_is_no_open_text(tmp_path, header):
    rows = [["ResponseId", "Q1", "Q2"], ["Response ID", QUESTION, header],
            [json.dumps({"ImportId": "_recordId"}), json.dumps({"ImportId": "QID1_TEXT"}),
             json.dumps({"ImportId": "QID2_TEXT"})]]
    rows += [[f"R_{i}abc", a, n] for i, (a, n) in enumerate(zip(ANSWERS, NOTES))]
    p = tmp_path / "qualtrics.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert r.meta["open_questions_found"] == ["Q1"]
    assert [u.text for u in units] == ANSWERS


# ------------------------------------------------------------------------- typed interview headers

NOTES_BODY = ("She said the group was the only place she could talk about backlash without being judged.\n\n"
              "She plans to bring the bystander scripts to her next staff meeting.\n")
LABELLED_BODY = ("Interviewer: What did the CoP give you?\n"
                 "Participant: A room where nobody flinches at the word feminism, honestly.\n"
                 "Interviewer: Thank you.\n")


def _interview(tmp_path, header_lines, body, suffix, table=False, **meta):
    p = tmp_path / f"interview{suffix}"
    if suffix == ".txt":
        p.write_text("\n".join(header_lines) + "\n\n" + body, encoding="utf-8")
    else:
        import docx
        d = docx.Document()
        if table:   # the header as a two-column table
            fields = [ln.split(": ", 1) for ln in header_lines]
            t = d.add_table(rows=len(fields), cols=2)
            for row, (k, v) in zip(t.rows, fields):
                row.cells[0].text, row.cells[1].text = k, v
        else:
            for ln in header_lines:
                d.add_paragraph(ln)
        for para in body.split("\n\n"):
            for ln in para.strip().split("\n"):
                d.add_paragraph(ln)
        d.save(str(p))
    r = read(Source(p, detect_format(p), {"source_kind": "interview", **meta}, ()))
    return r, list(r.units)


# key, the role of notes with no speaker labels under it (the writer's: "Note taker" is the facilitator role)
KEYS = [("Notes by", "facilitator"), ("Interviewed by", "interviewer"), ("Recorded by", "facilitator"),
        ("Transcribed by", "unknown"), ("Note taker", "facilitator"), ("Note-taker", "facilitator"),
        ("Notes taken by", "facilitator"), ("Interview conducted by", "interviewer")]


@pytest.mark.parametrize("suffix,table", [(".txt", False), (".docx", False), (".docx", True)])
@pytest.mark.parametrize("key,role", KEYS)
def test_a_header_naming_who_took_the_notes_names_a_person(tmp_path, key, role, suffix, table):
    r, units = _interview(tmp_path, ["Date: 3 March 2024", f"{key}: Mel Tran", "Consent to quote: Yes"],
                          NOTES_BODY, suffix, table)
    assert [u.text[:20] for u in units] == ["She said the group w", "She plans to bring t"]
    assert "Mel Tran" not in " ".join(u.text for u in units)
    assert "Mel Tran" in {i.value for i in r.identifiers}
    assert {u.speaker_role for u in units} == {role}   # never a participant's words


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
@pytest.mark.parametrize("key,_role", KEYS)
def test_the_header_over_labelled_turns_is_no_speaker(tmp_path, key, _role, suffix):
    r, units = _interview(tmp_path, ["Interview 3", f"{key}: Mel Tran", "Consent to quote: Yes"], LABELLED_BODY, suffix)
    assert [(u.speaker_role, u.consent) for u in units] == [("interviewer", True), ("participant", True),
                                                            ("interviewer", True)]
    assert "Mel Tran" not in " ".join(u.text for u in units)
    assert "Mel Tran" in {i.value for i in r.identifiers}


@pytest.mark.parametrize("line", ["Recorded by: Zoom", "Transcribed by: Otter.ai", "Recorded by: Microsoft Teams"])
def test_a_tool_that_recorded_is_no_name(tmp_path, line):
    r, units = _interview(tmp_path, ["Interview 3", "Interviewer: Mel Tran", line], LABELLED_BODY, ".txt")
    assert [u.speaker_role for u in units] == ["interviewer", "participant", "interviewer"]
    assert {i.value for i in r.identifiers} == {"Mel Tran"}


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
@pytest.mark.parametrize("line,consent", [("Consent to quote: No", False), ("Consent to quote: Yes", True),
                                          ("Notes by: Mel Tran", None)])
def test_a_typed_header_over_notes_is_read_whatever_its_keys(tmp_path, line, consent, suffix):
    r, units = _interview(tmp_path, ["Date: 3 March 2024", line], NOTES_BODY, suffix)
    assert [u.text[:20] for u in units] == ["She said the group w", "She plans to bring t"]   # the header is no unit
    assert {u.consent for u in units} == {consent}


def test_a_quote_line_over_notes_is_no_header(tmp_path):
    p = tmp_path / "reflections.txt"
    p.write_text("Reflections, session 3\n\nQuote: I walk in flat and walk out with a plan.\n\n"
                 "The group was quiet today but warm.\n", encoding="utf-8")
    units = list(read(Source(p, detect_format(p), {"source_kind": "reflection"}, ())).units)
    assert "Quote: I walk in flat and walk out with a plan." in [u.text for u in units]
