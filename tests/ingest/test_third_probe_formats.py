"""Regressions from a third blind probe of real-format exports (Trint/Descript/Sonix DOCX and TXT,
transcription tools' SRT, LibreOffice and RTF documents, Jisc Online Surveys and SmartSurvey dates,
workbooks of one sheet per cohort, Teams guest accounts, typed "Q." / "A." interviews): what the
readers lost, misread or refused without saying what to do. Every file is written by the test."""
from __future__ import annotations

import zipfile

import pytest

from copquotes.errors import UnknownFormatError
from copquotes.ingest import detect_format

from .builders import csv_bytes, make_plain_xlsx, units_of

ANSWER = "The way the group made space for people new to prevention work, I felt welcomed from day one."
QUESTION = "What stood out for you in this series?"


# ------------------------------------------------ "Name [00:01:02]" header lines (Trint, Descript, Sonix)

def _docx(path, paragraphs):
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(path)
    return path


@pytest.mark.parametrize("name,first,second", [
    ("trint.txt", "Speaker 1 [00:00:02]", "Speaker 2 [00:00:15]"),
    ("descript.txt", "Jo Smith [00:00:02]", "Amy Lee [00:00:15]"),
    ("sonix.txt", "Jo Smith [00:02]", "Amy Lee [00:15]"),
    ("trint.docx", "Speaker 1 [00:00:02]", "Speaker 2 [00:00:15]"),
    ("descript.docx", "Jo Smith [00:00:02]", "Amy Lee [00:00:15]"),
])
def test_a_speaker_line_with_its_time_in_square_brackets_starts_a_turn(tmp_path, name, first, second):
    paragraphs = [first, QUESTION, second, ANSWER, first.replace("00:02", "00:40"), "And what did not work?"]
    p = tmp_path / name
    if name.endswith(".docx"):
        _docx(p, paragraphs)
    else:
        p.write_text("\n\n".join(f"{a}\n{b}" for a, b in zip(paragraphs[::2], paragraphs[1::2])) + "\n", encoding="utf-8")
    _, r, units = units_of(p)
    # the label line is no one's words, and each turn is its speaker's
    assert [(u.speaker_key, u.text) for u in units] == [("S1", QUESTION), ("S2", ANSWER), ("S1", "And what did not work?")]
    labels = {first.split(" [")[0], second.split(" [")[0]}
    assert not any(label in u.text for u in units for label in labels)


# ---------------------------------------------- SRT: "Name:" only where the speaker changes

def _srt(*texts):
    return "".join(f"{i}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},000\n{t}\n\n" for i, t in enumerate(texts, start=1))


@pytest.mark.parametrize("name,content,expected", [
    # Otter / Descript / Happy Scribe SRT: an unlabelled cue goes on with the speaker before it
    ("fg.srt", _srt("Jane Hill: So what has changed for you?", "Ravi Patel: I used to dread staff meetings.",
                    "Now I go in with a plan and two allies.", "Jane Hill: That's great to hear."),
     [("S1", "So what has changed for you?"), ("S2", "I used to dread staff meetings. Now I go in with a plan and two allies."),
      ("S1", "That's great to hear.")]),
    # a note at a cue's start or a closing marker still ends the turn: what follows is nobody's
    ("notes.srt", _srt("Jane Hill: So what has changed?", "Ravi Patel: I used to dread staff meetings.",
                       "[crosstalk] and the other thing", "Jane Hill: Thanks."),
     [("S1", "So what has changed?"), ("S2", "I used to dread staff meetings."), (None, "[crosstalk] and the other thing"),
      ("S1", "Thanks.")]),
    # Zoom's VTT leaves a name out only where it could not tell who spoke: still nobody's
    ("fg.vtt", "WEBVTT\n\n" + _srt("Jane Hill: So what has changed for you?", "Ravi Patel: I used to dread staff meetings.",
                                   "Now I go in with a plan.").replace(",000", ".000"),
     [("S1", "So what has changed for you?"), ("S2", "I used to dread staff meetings."), (None, "Now I go in with a plan.")]),
])
def test_an_unlabelled_srt_cue_continues_the_turn_of_the_named_speaker(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == expected


# ---------------------------------------------- documents copquotes does not read: say what to do

def _odf(path, mimetype):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr("content.xml", "<office:document-content/>")
    return path


@pytest.mark.parametrize("name,make,says", [
    ("interview.odt", lambda p: _odf(p, "application/vnd.oasis.opendocument.text"), "save it as .docx"),
    ("survey.ods", lambda p: _odf(p, "application/vnd.oasis.opendocument.spreadsheet"), "save it as .xlsx"),
    ("interview.rtf", lambda p: p.write_text("{\\rtf1\\ansi Interviewer: What did you value?\\par}", encoding="ascii"),
     "save it as .docx"),
    ("transcript.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "export it again"),
])
def test_a_document_copquotes_does_not_read_is_refused_with_what_to_do(tmp_path, name, make, says):
    p = tmp_path / name
    make(p)
    with pytest.raises(UnknownFormatError) as exc:
        detect_format(p)
    assert says in str(exc.value) and "unzip" not in str(exc.value)


# ---------------------------------------------- submission dates under other tools' names

@pytest.mark.parametrize("date_header,dates,year", [
    ("Completed on", ["2024-09-01 10:05:00", "2024-09-02 11:05:00"], "2024"),    # Jisc Online Surveys
    ("Ended", ["01/10/2025 10:05", "02/10/2025 11:05"], "2025"),                  # SmartSurvey
    ("Submitted on", ["2023-11-20", "2023-11-21"], "2023"),
])
def test_a_survey_tools_date_of_completion_gives_the_year(tmp_path, date_header, dates, year):
    rows = [["Started on", date_header, "2. What was the most valuable aspect?"],
            [dates[0], dates[0], "Learning from other universities about responding to disclosures."],
            [dates[1], dates[1], "Building a case for change with my executive team."]]
    p = tmp_path / "cop_feedback.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.text for u in units] == [rows[1][2], rows[2][2]]   # the dates are metadata, never answers
    assert {u.year for u in units} == {year}


# ---------------------------------------------- one sheet per cohort: the year in the sheet's name

_HEADER = ["Response ID", "What was the most valuable aspect of your CoP?"]


@pytest.mark.parametrize("sheet_a,sheet_b,years", [
    ("RRE 2023", "RRE 2024", ["2023", "2023", "2024"]),
    ("Cohort 2023-24", "Cohort 2024-25", ["2023-2024", "2023-2024", "2024-2025"]),
    ("2023", "2024", ["2023", "2023", "2024"]),                  # as before: a name that is a year
    ("Early career", "Mid-senior", [None, None, None]),          # no year in the names: none made up
    ("Responses 2022 vs 2023", "Sheet2", [None, None, None]),    # two years in a name: neither
])
def test_a_year_in_a_cohort_sheets_name_is_its_rows_year(tmp_path, sheet_a, sheet_b, years):
    p = tmp_path / "cop_feedback.xlsx"
    make_plain_xlsx(p, [], sheets={
        sheet_a: [_HEADER, ["a1", "Sharing lesson plans with teachers from other schools."],
                  ["a2", "Feeling less alone in pushing for change at my school."]],
        sheet_b: [_HEADER, ["b1", "Practical ways to respond when students push back."]]})
    import openpyxl

    wb = openpyxl.load_workbook(p)
    del wb["Responses"]   # the builder's first sheet: only the cohorts' sheets
    wb.save(p)
    _, r, units = units_of(p)
    assert [u.year for u in units] == years


# ---------------------------------------------- Teams' "(Guest)" account tag after a full name

_TEAMS = ("WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Helen Carter>Welcome, what has shifted for you?</v>\n\n"
          "00:00:06.000 --> 00:00:12.000\n<v {label}>I feel far more confident pushing back on my manager.</v>\n")


@pytest.mark.parametrize("label,role", [
    ("Marcus Lee (Guest)", "participant"),       # an outside account: a CoP member from another organisation
    ("Marcus Lee (External)", "participant"),
    ("Lee, Marcus (Guest)", "participant"),
    ("Marcus (guest)", "facilitator"),           # a first name and a role in brackets: a guest, never quoted as a member
    ("Guest speaker Marcus Lee", "facilitator"),
])
def test_a_teams_guest_account_with_a_full_name_is_no_guest_speaker(tmp_path, label, role):
    p = tmp_path / "fg_session.vtt"
    p.write_text(_TEAMS.format(label=label), encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.speaker_role for u in units] == ["participant", role]
    assert any(i.value.startswith(("Marcus", "Lee")) for i in r.identifiers)   # the name is still redacted


# ---------------------------------------------- typed interviews with "Q." / "A." lines

_QA = ("Q. How did you come to join the Community of Practice?\n"
       "A. My manager sent me because I was the only one in our team doing prevention work.\n\n"
       "Q) What changed for you?\n"
       "A) I stopped feeling like I had to justify the work every single day.\n")


@pytest.mark.parametrize("header", [
    "",
    "Interview with participant 07\nInterviewer: Daniel Moss\nDate: 14 March 2025\n\n",
    "Interviewer: Daniel Moss\nConsent to quote: Yes\n\n",
])
def test_q_dot_and_a_dot_lines_are_the_question_and_the_answer(tmp_path, header):
    p = tmp_path / "interview_07.txt"
    p.write_text(header + _QA, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_role, u.text) for u in units] == [
        ("interviewer", "How did you come to join the Community of Practice?"),
        ("participant", "My manager sent me because I was the only one in our team doing prevention work."),
        ("interviewer", "What changed for you?"),
        ("participant", "I stopped feeling like I had to justify the work every single day.")]
    assert len({u.speaker_key for u in units}) == 2


def test_an_initial_in_notes_without_questions_is_no_answer_label(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("A. Smith said the group kept her in the sector.\n\nShe valued the resources most.\n", encoding="utf-8")
    _, r, units = units_of(p)
    assert units[0].text.startswith("A. Smith said") and units[0].speaker_role != "participant"


@pytest.mark.parametrize("title,name", [
    ("Interview with Sophie Turner", "Sophie Turner"),
    ("Transcript of interview with Dr Amy Cho - 14 March 2025", "Amy Cho"),
    ("**Interview with Sophie Turner**", "Sophie Turner"),
    ("Interview with participant 07", None),              # no name: nothing to redact
])
def test_an_interview_titles_interviewee_is_a_name_to_redact_never_speech(tmp_path, title, name):
    p = tmp_path / "interview_07.txt"
    p.write_text(f"{title}\nInterviewer: Daniel Moss\n\n{_QA}", encoding="utf-8")
    _, r, units = units_of(p)
    assert len(units) == 4 and not any("Interview with" in u.text for u in units)
    names = {i.value for i in r.identifiers}
    assert "Daniel Moss" in names
    assert (name is None and names == {"Daniel Moss"}) or any(name in v for v in names)


# ---------------------------------------------- a group column of answer codes (REDCap raw export)

@pytest.mark.parametrize("codes,groups", [
    (["2", "2", "3", "3"], [None] * 4),                                   # REDCap raw: codes, not names
    (["01", "01", "02", "02"], [None] * 4),
    (["Group 2", "Group 2", "Group 3", "Group 3"], ["Group 2", "Group 2", "Group 3", "Group 3"]),
    (["RRE", "RRE", "Tertiary", "Tertiary"], ["RRE", "RRE", "Tertiary", "Tertiary"]),
])
def test_a_group_column_of_answer_codes_is_no_group(tmp_path, caplog, codes, groups):
    answers = ["Being able to speak openly about burnout without judgement.",
               "The readings on power and privilege challenged me.",
               "I found allies in other regions for the first time.",
               "The structure of each session made it easy to share."]
    rows = [["record_id", "cop_feedback_timestamp", "cop_group", "valuable"]]
    rows += [[str(i + 1), f"2024-10-0{i + 1} 10:22:01", c, a] for i, (c, a) in enumerate(zip(codes, answers))]
    p = tmp_path / "redcap_export.csv"
    p.write_bytes(csv_bytes(rows))
    with caplog.at_level("WARNING", logger="copquotes.ingest"):
        _, r, units = units_of(p)
    assert [u.text for u in units] == answers
    assert [u.group for u in units] == groups
    assert [u.year for u in units] == ["2024"] * 4
    assert ("holds answer codes" in caplog.text) == (groups[0] is None)
