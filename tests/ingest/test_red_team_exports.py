"""Regressions from a second red team on real-format exports (files written the way the survey and
meeting tools write them): what the readers got wrong, one table-driven case each."""
from __future__ import annotations

import datetime as dt

import pytest

from copquotes.errors import ConfigError, InputError
from copquotes.ingest import detect_format, discover, load_roster, read
from copquotes.ingest.base import truthy
from copquotes.ingest.textio import binary_kind

from .builders import csv_bytes, texts, units_of




# ------------------------------------------------------------------------------------ consent

@pytest.mark.parametrize("value,expected", [
    # a yes that takes itself back is not consent to be quoted
    ("Yes, but please don't quote me directly", False),
    ("Yes \u2013 but not on social media", False),
    ("Happy for my comments to be used but not quoted", False),
    ("Yes, in aggregate only", False),
    ("Consent not given", False),
    ("Consent withheld", False),
    ("I do not agree", False),
    ("I don\u2019t consent", False),
    ("I would prefer not to be quoted", False),
    ("I'd rather not be quoted", False),
    ("Please don't quote me", False),
    ("Please do not use my words", False),
    # the anonymity every quote has, and double negatives, are still a yes
    ("Yes (no names)", True),
    ("Yes, as long as I'm not named", True),
    ("Yes, I don\u2019t mind", True),
    ("Yes, no problem", True),
    ("Yes - anonymously", True),
    ("Yes, I agree", True),
    ("I consent", True),
    ("I give permission", True),
    ("Sure", True),
    ("No thanks", False),
    ("Yes, with conditions (please specify)", False),
    ("Yes - but check with me first", False),
    ("Yes, only if I can see it first", False),
    ("Yes, provided it is anonymous", True),
    ("Yes, as long as I can't be identified", True),
    ("Verbal consent", True),
    ("Written consent", True),
    ("Verbal no", False),
    ("Withdrawn", False),
    ("Opted out", False),
    # a yes limited to some uses, or to later, is not leave to publish
    ("Yes, for internal use only", False),
    ("Yes, in internal reports only", False),
    ("Yes, but only after I have seen it", False),
    ("Yes - internal only", False),
    ("Yes, for evaluation purposes only", False),
    ("Yes, except social media", False),
    ("Yes, but please keep it off social media", False),
    ("Yes, unless it identifies my school", False),
    ("Yes maybe", False),
    ("Yes, but anonymously please", True),
    ("Yes - only anonymously", True),
    ("Yes, happy for you to use it", True),
    ("Yes, of course", True),
    # a second review: conditions, exclusions and checks first
    ("Yes, excl. social media", False),
    ("Yes, apart from social media", False),
    ("Yes, other than social media", False),
    ("Yes, without social media", False),
    ("Yes, once I've approved it", False),
    ("Yes, subject to my approval", False),
    ("Yes, pending my review", False),
    ("Yes, please send it to me first", False),
    ("Yes, if my manager agrees", False),
    ("Yes, with my sign-off", False),
    ("Yes, within the organisation", False),
    ("Yes, for research purposes", False),
    ("Ja, aber nur intern", None),                   # a yes with words in another language is not read
    ("Oui, sauf réseaux sociaux", None),
    ("Ja", True),
    ("Sì", True),
    ("Yes - happy for first name to be used", True),
    ("Yes, internal and external", True),
    ("Yes, no restrictions", True),
    ("Yes, but keep it anonymous", True),
    ("No problem", True),
    ("No worries, go ahead", True),
    ("Not a problem", True),
    ("Go ahead", True),
    ("Feel free", True),
    ("No worries, but not on social media", False),
    ("No worries, I'll pass", False),
    ("No problem - decline", False),
    ("No worries, leave me out", False),
    ("No worries, nah", False),
    ("Yes - to be confirmed", False),
    ("Yes (TBC)", False),
    # a yes taken back or lapsed since, and a form's choice left unfilled
    ("Yes - withdrew 3 May", False),
    ("Yes until Dec 2024", False),
    ("Yes - rescinded", False),
    ("Yes (expired)", False),
    ("Yes - asked to be removed", False),
    ("Y/N", None),
    ("Y / N", None),
    ("Only in aggregate", None),
    ("Unsure", None),
])
def test_consent_answers_with_conditions(value, expected):
    assert truthy(value, allow_numeric=False) is expected


QUALTRICS_IDS = ["StartDate", "EndDate", "Status", "IPAddress", "ResponseId", "Q1", "Q2", "Q3", "Q4"]
QUALTRICS_Q = ["Start Date", "End Date", "Response Type", "IP Address", "Response ID",
               "Do you consent to participate in this evaluation survey?",
               "Thinking about the whole series...\n\nWhat was the most valuable aspect of your CoP?",
               "Is there anything else you would like to tell us?",
               "We would like to use some comments in our annual report.\nMay we quote you (anonymously)?"]
QUALTRICS_IMP = ['{"ImportId":"startDate","timeZone":"Australia/Melbourne"}', '{"ImportId":"endDate"}',
                 '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}',
                 '{"ImportId":"QID2_TEXT"}', '{"ImportId":"QID3_TEXT"}', '{"ImportId":"QID4"}']


def test_qualtrics_multiline_questions_and_a_conditional_yes(tmp_path):
    rows = [QUALTRICS_IDS, QUALTRICS_Q, QUALTRICS_IMP,
            ["2024-05-01 10:00:00", "2024-05-01 10:05:00", "IP Address", "10.0.0.1", "R_a", "Yes",
             "The permission to not have all the answers.", "Keep going!", "Yes, you may quote me anonymously"],
            ["2024-05-01 11:00:00", "2024-05-01 11:05:00", "IP Address", "10.0.0.2", "R_b", "Yes",
             "People who get it.\nI don't have to explain myself here.", "", "Yes, but please don't quote me directly"],
            ["2024-05-01 12:00:00", "2024-05-01 12:05:00", "IP Address", "10.0.0.3", "R_c", "Yes",
             "Scripts for the staffroom.", "More breaks.", "No"]]
    p = tmp_path / "qualtrics_multiline_2024.csv"
    p.write_bytes(csv_bytes(rows, newline="\n"))
    fmt, r, units = units_of(p)
    assert fmt == "qualtrics_csv" and r.meta["consent_column_found"] == "Q4"  # not "consent to participate"
    assert [u.consent for u in units] == [True, True, False, False, False]
    assert units[0].question == QUALTRICS_Q[6]
    assert "10.0.0" not in texts(units)


FORMS_HEADER = ["ID", "Start time", "Completion time", "Email", "Name", "Total points", "Quiz feedback",
                "Last modified time", "What is one thing you learned?", "Points - What is one thing you learned?",
                "Feedback - What is one thing you learned?", "What would you change?", "Permission to quote"]
FORMS_ROWS = [
    [1, dt.datetime(2025, 6, 1, 9), dt.datetime(2025, 6, 1, 9, 5), "anonymous", None, None, None, None,
     "That backlash is a sign the work is landing.", None, None, "Shorter sessions.", "I agree"],
    [2, dt.datetime(2025, 6, 1, 10), dt.datetime(2025, 6, 1, 10, 5), "anonymous", None, None, None, None,
     "To slow down and listen before I respond.", None, None, "Nothing really", "I do not agree"],
    [3, dt.datetime(2025, 6, 2, 10), dt.datetime(2025, 6, 2, 10, 5), "anonymous", None, None, None, None,
     "How to name my own assumptions out loud.", None, None, "Earlier start times", "I agree"],
]


def test_forms_quiz_columns_short_open_answers_and_i_do_not_agree(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [FORMS_HEADER, *FORMS_ROWS]:
        ws.append(r)
    p = tmp_path / "forms_quiz.xlsx"
    wb.save(p)
    fmt, r, units = units_of(p)
    assert fmt == "msforms_xlsx"
    # "What would you change?" is open even when its answers are two words; "Nothing really" is no answer
    assert [(u.question, u.consent) for u in units] == [
        ("What is one thing you learned?", True), ("What would you change?", True),
        ("What is one thing you learned?", False),
        ("What is one thing you learned?", True), ("What would you change?", True)]
    assert "anonymous" not in texts(units) and {u.year for u in units} == {"2025"}


# ------------------------------------------------------------------------------ CSV variants

@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_excel_sep_line_names_the_delimiter_of_surveys_and_rosters(tmp_path, encoding):
    survey = [["Respondent", "What did you value most?", "Any other comments?"],
              ["1", "The honesty in the room, people said what wasn't working.", "Shorter sessions please."],
              ["2", "Knowing other people are fighting the same fight \u2013 it helps.", ""],
              ["3", "Practical resources I could use the next day.", "Earlier start times."]]
    (tmp_path / "survey.csv").write_bytes(b"sep=;\r\n" + csv_bytes(survey, delimiter=";", encoding=encoding))
    roster = [["Participant name", "Role", "Consent to be quoted"], ["Henrietta Morrow", "Facilitator", "Y"],
              ["Kwabena Osei-Tutu", "Participant", "Yes - anonymously"], ["Ileana Dragulescu", "Participant", "N"]]
    (tmp_path / "roster.csv").write_bytes(b"sep=;\r\n" + csv_bytes(roster, delimiter=";", encoding=encoding))
    (tmp_path / "fg.txt").write_text("Henrietta Morrow: Welcome.\nKwabena Osei-Tutu: Thanks, glad to be here.\n"
                                     "Ileana Dragulescu: Same.\n", encoding="utf-8")
    fmt, r, units = units_of(tmp_path / "survey.csv")
    assert fmt == "plain_csv" and len(units) == 5
    assert units[0].locator == "row 2, col B" and not any("sep=" in u.text for u in units)
    assert detect_format(tmp_path / "roster.csv") == "roster_csv"
    assert [e.quote_consent for e in load_roster(tmp_path / "roster.csv")] == [True, True, False]
    fg = next(s for s in discover([tmp_path]).sources if s.path.name == "fg.txt")
    assert [(u.speaker_role, u.consent) for u in read(fg).units] == [
        ("facilitator", True), ("participant", True), ("participant", False)]


def test_forms_saved_as_csv_gets_its_year_from_two_digit_dates(tmp_path):
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "What did you value most?",
             "Are you happy for us to use your comments, anonymously, in reports?"],
            ["1", "3/14/24 10:02:11", "3/14/24 10:09:40", "philippa@example.org", "Philippa Nakamura", "",
             "The chance to reflect on my own practice \u2013 rare in my job.", "Yes"],
            ["2", "3/14/24 11:02:11", "3/14/24 11:09:40", "anonymous", "", "", "Meeting people from the region.", "No"]]
    p = tmp_path / "forms_saved_as.csv"
    p.write_bytes(csv_bytes(rows, encoding="cp1252"))
    fmt, r, units = units_of(p)
    assert fmt == "msforms_csv" and {u.year for u in units} == {"2024"}
    assert [u.consent for u in units] == [True, False]
    assert "Nakamura" not in texts(units) and "\u2013" in units[0].text


# ---------------------------------------------------------------------------------- transcripts

OTTER_NO_TIMES = ("Speaker 1\nThanks everyone for coming along today.\n\nClementine Faulkner\nIt's been a tough term, "
                  "honestly.\nThe CoP is where I refill.\n\nSpeaker 1\nWhat does refill look like for you?\n\n"
                  "Clementine Faulkner\nHearing someone else say it out loud.\n\nBao Tran\nSame for me.\n")


def _bare_name_docx(path):
    import docx

    d = docx.Document()
    d.add_paragraph("Interview transcript")
    for name, text in [("Interviewer", "So how did the term go?"), ("Clementine Faulkner", "It was a tough term, honestly."),
                       ("Interviewer", "And the CoP?"), ("Clementine Faulkner", "It's where I refill.")]:
        d.add_paragraph(name)
        d.add_paragraph(text)
    d.save(path)


@pytest.mark.parametrize("name,expected", [
    ("otter_no_timestamps.txt", [("S1", "Thanks everyone for coming along today."),
                                 ("S2", "It's been a tough term, honestly. The CoP is where I refill."),
                                 ("S1", "What does refill look like for you?"),
                                 ("S2", "Hearing someone else say it out loud."), ("S3", "Same for me.")]),
    ("typed_interview.docx", [("S1", "So how did the term go?"), ("S2", "It was a tough term, honestly."),
                              ("S1", "And the CoP?"), ("S2", "It's where I refill.")]),
])
def test_speaker_name_alone_on_a_line_above_the_speech(tmp_path, name, expected):
    p = tmp_path / name
    if name.endswith(".txt"):
        p.write_text(OTTER_NO_TIMES, encoding="utf-8")
    else:
        _bare_name_docx(p)
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == expected
    assert not any(n in texts(units) for n in ("Clementine", "Faulkner", "Bao Tran", "Speaker 1", "Interviewer"))
    assert {"Clementine Faulkner"} <= {i.value for i in r.identifiers}


def test_headings_that_repeat_in_a_reflection_are_not_speakers(tmp_path):
    import docx

    d = docx.Document()
    for h, t in [("Introduction", "This reflection covers session four."), ("What went well", "People were open."),
                 ("Introduction", "A repeated heading.")]:
        d.add_paragraph(h)
        d.add_paragraph(t)
    d.save(tmp_path / "reflection.docx")
    _, r, units = units_of(tmp_path / "reflection.docx", speaker_role="facilitator", source_kind="reflection")
    assert [u.text for u in units][:2] == ["Introduction", "This reflection covers session four."]
    assert not r.identifiers


def test_timestamp_alone_on_a_line_is_the_next_turns_time(tmp_path):
    p = tmp_path / "fg_typed_2024.txt"
    p.write_text("Saoirse Quinlan (Facilitator): Welcome to the focus group.\nLet's start.\n\n"
                 "[00:01:10]\nPhilippa Nakamura: Thanks. I've valued the honesty.\n\n"
                 "[00:02:05]\nEzekiel Abernathy: And the resources.\n", encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.text for u in units] == ["Welcome to the focus group. Let's start.", "Thanks. I've valued the honesty.",
                                       "And the resources."]
    assert [u.start_time for u in units] == [None, "00:01:10", "00:02:05"]
    assert [u.speaker_role for u in units] == ["facilitator", "participant", "participant"]


# ----------------------------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("head,kind", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(2000), "a binary file"),  # a program renamed .csv
    (bytes(4000), "a binary file"),                                                           # all NULs
    ("ID\tWhat did you value?\r\n1\tThe people\r\n".encode("utf-16-le"), None),             # UTF-16 without a BOM
    ("ID\tWhat did you value?\r\n1\tThe people\r\n".encode("utf-16-be"), None),
])
def test_runs_of_nul_bytes_are_binary_not_utf16(head, kind):
    assert binary_kind(head) == kind


def test_a_roster_given_by_name_is_checked_even_alone(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text("name,role,quote_consent\nJo Bell,facilitator,maybe\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"row 2\): quote_consent 'maybe'"):
        discover([p])


def test_folder_skips_a_program_renamed_csv_and_reads_the_rest(tmp_path):
    (tmp_path / "setup.csv").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(2000))
    (tmp_path / "fg.txt").write_text("Jo Bell: Welcome.\nKim Hart: Thanks for having me here.\n", encoding="utf-8")
    d = discover([tmp_path])
    assert [s.path.name for s in d.sources] == ["fg.txt"]
    # named like an export but unreadable: reported as unreadable (the ingest fails unless --skip-unreadable)
    assert [(p.name, why) for p, why in d.unreadable] == [("setup.csv", "a binary file, not a format copquotes reads")]
    assert d.skipped == []
    with pytest.raises(InputError, match="binary file"):
        detect_format(tmp_path / "setup.csv")


# ------------------------------------------------------------------------------------- rosters

def _roster_xlsx(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)


ROSTER_ROWS = [["Name", "Role", "Consent to be quoted"], ["Jo Bell", "Facilitator", "Y"],
               ["Kim Hart", "Participant", "N"], ["Ana Lopez", "Participant (CoP member)", "Yes - anonymously"]]
FG_TEXT = "Jo Bell: Welcome everyone.\nKim Hart: Thanks for having me.\nAna Lopez: Glad to be here, big term.\n"
FG_EXPECTED = [("facilitator", True), ("participant", False), ("participant", True)]


def test_a_roster_kept_in_excel_is_a_roster_not_a_survey(tmp_path):
    _roster_xlsx(tmp_path / "roster.xlsx", ROSTER_ROWS)
    (tmp_path / "fg_session.txt").write_text(FG_TEXT, encoding="utf-8")
    assert detect_format(tmp_path / "roster.xlsx") == "roster_xlsx"
    d = discover([tmp_path])
    assert [s.path.name for s in d.sources] == ["fg_session.txt"]
    assert [(u.speaker_role, u.consent) for u in read(d.sources[0]).units] == FG_EXPECTED


@pytest.mark.parametrize("name,content", [
    ("attendance.csv", "Full name,OK to quote?\nJo Bell,yes\nKim Hart,no\nAna Lopez,yes\n"),   # no role column
    ("attendance.xlsx", None),
])
def test_a_file_the_manifest_names_as_a_roster_is_never_a_source(tmp_path, name, content):
    if content:
        (tmp_path / name).write_text(content, encoding="utf-8")
    else:
        _roster_xlsx(tmp_path / name, [["Full name", "OK to quote?"], ["Jo Bell", "yes"], ["Kim Hart", "no"],
                                       ["Ana Lopez", "yes"]])
    (tmp_path / "copquotes.yaml").write_text(f"rosters: [{name}]\nspeaker_roles: {{Jo Bell: facilitator}}\n")
    (tmp_path / "fg.txt").write_text(FG_TEXT, encoding="utf-8")
    d = discover([tmp_path])
    assert [s.path.name for s in d.sources] == ["fg.txt"]
    assert [(u.speaker_role, u.consent) for u in read(d.sources[0]).units] == FG_EXPECTED


@pytest.mark.parametrize("role,expected", [
    ("Participant (CoP member)", "participant"), ("CoP member", "participant"),
    ("Lead facilitator - Safe Steps", "facilitator"), ("Facilitator (Safe Steps)", "facilitator"),
    ("Co-facilitator", "facilitator"), ("Facilitator and participant", "facilitator"),
])
def test_roster_role_values_in_other_words(tmp_path, role, expected):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Participant name", "Role", "Consent to be quoted"], ["Jo Bell", role, "Y"]]))
    assert load_roster(p)[0].role == expected


@pytest.mark.parametrize("value", ["TBC", "pending", "?", "to be confirmed", "Awaiting form"])
def test_roster_consent_not_collected_yet_is_unknown_consent(tmp_path, value, caplog):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Jo Bell", "participant", value],
                             ["Kim Hart", "participant", "yes"]]))
    assert [e.quote_consent for e in load_roster(p)] == [None, True]
    assert "not known yet" in caplog.text


# ------------------------------------------------------------------- more survey and transcript shapes

def test_qualtrics_questions_renamed_with_a_q_underscore_keep_their_text(tmp_path):
    rows = [["StartDate", "ResponseId", "Q_RecaptchaScore", "Q_valuable", "Q_better", "Q_consent"],
            ["Start Date", "Response ID", "Q_RecaptchaScore", "What was the most valuable aspect of your CoP?",
             "What could we do better?", "May we quote you anonymously?"],
            ['{"ImportId":"startDate"}', '{"ImportId":"_recordId"}', '{"ImportId":"Q_RecaptchaScore"}',
             '{"ImportId":"QID4_TEXT"}', '{"ImportId":"QID5_TEXT"}', '{"ImportId":"QID6"}'],
            ["2024-01-01", "R_1", "0.9", "Feeling held by the group when things were hard.", "More time.", "Yes"],
            ["2024-01-02", "R_2", "1.0", "The honesty of the people in the room.", "Nothing", "No"]]
    p = tmp_path / "q_renamed.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    roles = {c["column"]: c["role"] for c in r.columns}
    assert roles == {"StartDate": "date", "ResponseId": "respondent_id", "Q_RecaptchaScore": "meta",
                     "Q_valuable": "open", "Q_better": "open", "Q_consent": "consent"}
    assert [u.consent for u in units] == [True, True, False]


@pytest.mark.parametrize("content", [
    # Rev
    "Speaker 1 (00:00):\nThanks for joining today's focus group.\n\nMarisol Etxeberria (00:05):\nHappy to be here.\n\n"
    "Speaker 1 (00:12):\nWhat has the CoP meant for you?\n",
    # Happy Scribe
    "[00:00:00.12] - Speaker 1\nThanks for joining today's focus group.\n\n[00:00:05.20] - Marisol Etxeberria\n"
    "Happy to be here.\n\n[00:00:12.00] - Speaker 1\nWhat has the CoP meant for you?\n",
    # Sonix
    "Speaker1: [00:00:00] Thanks for joining today's focus group.\n\nMarisol Etxeberria: [00:00:05] Happy to be here.\n\n"
    "Speaker1: [00:00:12] What has the CoP meant for you?\n",
    # Trint
    "Speaker 1 00:00:00\nThanks for joining today's focus group.\n\nMarisol Etxeberria 00:00:05\nHappy to be here.\n\n"
    "Speaker 1 00:00:12\nWhat has the CoP meant for you?\n",
    # Descript
    "[00:00:00] Speaker 1: Thanks for joining today's focus group.\n\n[00:00:05] Marisol Etxeberria: Happy to be here.\n\n"
    "[00:00:12] Speaker 1: What has the CoP meant for you?\n",
    # typed with dashes for colons
    "Speaker 1 - Thanks for joining today's focus group.\nMarisol Etxeberria \u2013 Happy to be here.\n"
    "Speaker 1 - What has the CoP meant for you?\n",
])
def test_transcription_service_layouts(tmp_path, content):
    p = tmp_path / "fg_transcript.txt"
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == [
        ("S1", "Thanks for joining today's focus group."), ("S2", "Happy to be here."),
        ("S1", "What has the CoP meant for you?")]
    assert "Marisol Etxeberria" in {i.value for i in r.identifiers}


def test_dashes_inside_prose_are_not_speaker_labels(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Overall - it was good.\nThe sessions - long but useful.\nNext year - more please.\n", encoding="utf-8")
    _, r, units = units_of(p)
    assert len(units) == 1 and units[0].speaker_key is None and not r.identifiers


@pytest.mark.parametrize("label,role", [("P", "participant"), ("Resp", "participant"), ("IV", "interviewer"),
                                        ("Mod", "facilitator"), ("Fac", "facilitator")])
def test_short_role_labels_are_roles_not_names(tmp_path, label, role):
    p = tmp_path / "interview_notes.txt"
    other = "Mod" if label != "Mod" else "P"
    p.write_text(f"{other}: Thanks for coming.\n{label}: It has been a long term, honestly.\n", encoding="utf-8")
    _, r, units = units_of(p)
    assert units[1].speaker_role == role
    assert not r.identifiers  # a role is not a name to redact


def test_a_row_of_group_titles_above_the_header(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [[None, "Feedback", None, "Consent"],
              ["ID", "What did you value?", "What would you change?", "May we quote you anonymously?"],
              [1, "The honesty in the room.", "Shorter sessions.", "Yes"],
              [2, "Meeting people from the region.", "More breaks.", "No"],
              [3, "Scripts for hard conversations.", "", "Yes"]]:
        wb.active.append(r)
    wb.save(tmp_path / "grouped.xlsx")
    _, r, units = units_of(tmp_path / "grouped.xlsx")
    assert [(u.question, u.consent) for u in units] == [
        ("What did you value?", True), ("What would you change?", True), ("What did you value?", False),
        ("What would you change?", False), ("What did you value?", True)]
    assert units[0].locator == "row 3, col B"


SHORT_ANSWERS = ["Scripts for talking to parents", "Self-care matters", "The people in my group",
                 "Permission to slow down", "That backlash is normal", "Sharing resources"]


@pytest.mark.parametrize("header,fallback", [
    ("Highlights", False), ("Key takeaways", False), ("Learnings", False), ("Ideas for next year", False),
    ("Most useful part of the CoP", False), ("Best thing about the CoP", False),
    # a header that says nothing: the answers decide, with a warning
    ("Response", True), ("Text", True), ("Q5", True),
])
def test_open_questions_with_short_answers_and_plain_headers(tmp_path, caplog, header, fallback):
    rows = [["ID", "How satisfied were you?", "Organisation", header]]
    rows += [[str(i), ["Very satisfied", "Satisfied"][i % 2], ["Northside Health", "Shire of Example"][i % 2], a]
             for i, a in enumerate(SHORT_ANSWERS)]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.text for u in units] == SHORT_ANSWERS and {u.question for u in units} == {header}
    assert ("no column reads as an open question" in caplog.text) is fallback


@pytest.mark.parametrize("header,values", [
    ("Address", ["12 Smith St Brunswick", "4/88 High Rd Preston", "1 Main St Ballarat"]),
    ("Job title", ["Senior prevention project officer", "Health promotion team leader", "Respectful relationships lead"]),
    ("Sessions attended", ["Session one and two", "All of them I think", "Only the last session"]),
])
def test_the_free_text_fallback_never_takes_demographics(tmp_path, header, values):
    rows = [["ID", "How satisfied were you?", header]] + [[str(i), "Satisfied", v] for i, v in enumerate(values)]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    with pytest.raises(InputError, match="no open-text column found"):
        units_of(p)


def test_organisation_columns_are_identity_values_to_redact(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [["Name", "Email", "Organisation", "Phone", "Feedback", "Consent to be quoted"],
              ["Philippa Nakamura", "p@example.org", "Northside Health", "0412 555 111",
               "Great to have a space to think about my practice.", "Y"],
              ["Ezekiel Abernathy", "e@example.org", "Southside Council", "0412 555 222",
               "More sessions in regional areas please.", "N"],
              ["", "", "", "", "The facilitators were gentle and skilled.", ""]]:
        wb.active.append(r)
    wb.save(tmp_path / "feedback.xlsx")
    _, r, units = units_of(tmp_path / "feedback.xlsx")
    assert [(u.text[:5], u.consent) for u in units] == [("Great", True), ("More ", False), ("The f", None)]
    assert {c["column"]: c.get("identity_kind") for c in r.columns if c["role"] == "identity"} == {
        "Name": "person", "Email": "email", "Organisation": "org", "Phone": "phone"}
    assert {("Northside Health", "org"), ("Southside Council", "org")} <= {(i.value, i.kind) for i in r.identifiers}


@pytest.mark.parametrize("line", ["Transcription started by Rosalind Achterberg", "Recording stopped by Rosalind Achterberg.",
                                  "Rosalind Achterberg stopped the recording"])
def test_meeting_system_lines_are_not_speech(tmp_path, line):
    p = tmp_path / "fg.txt"
    p.write_text(f"Devika Pillai: Thanks everyone.\nTomasz Wierzbicki: Thanks, see you next month.\n{line}\n",
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.text for u in units] == ["Thanks everyone.", "Thanks, see you next month."]


@pytest.mark.parametrize("header", [["Name", "Role", "Consent", "Quote consent"],
                                    ["Name", "Role", "Consent", "Happy to be quoted?"]])
def test_roster_quote_consent_beats_a_plain_consent_column(tmp_path, header):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([header, ["Jo Bell", "participant", "yes", "no"], ["Kim Hart", "participant", "yes", "yes"]]))
    assert [e.quote_consent for e in load_roster(p)] == [False, True]


def test_speech_given_to_nobody_gets_no_consent_from_the_file(tmp_path):
    p = tmp_path / "fg_session2.vtt"
    p.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDevika Pillai: It's the one place I can be honest.\n\n"
                 "2\n00:00:04.500 --> 00:00:08.000\nAnd that matters more than anything.\n\n"
                 "3\n00:00:08.500 --> 00:00:12.000\nTomasz Wierzbicki: Same for me.\n", encoding="utf-8")
    _, r, units = units_of(p, consent="yes", speaker_role="participant")
    assert [(u.speaker_key, u.speaker_role, u.consent) for u in units] == [
        ("S1", "participant", True), (None, "unknown", None), ("S2", "participant", True)]


@pytest.mark.parametrize("with_question,expected", [(True, [True, False, None]), (False, [True, True, True])])
def test_file_level_consent_never_overrides_a_blank_consent_answer(tmp_path, with_question, expected):
    header = ["ID", "What did you value most?"] + (["May we quote you anonymously?"] if with_question else [])
    rows = [["1", "The people who get it.", "Yes"], ["2", "Scripts for parents.", "No"], ["3", "Time to think.", ""]]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes([header] + [r[:len(header)] for r in rows]))
    _, r, units = units_of(p, consent="yes")
    assert [u.consent for u in units] == expected


@pytest.mark.parametrize("question,found", [
    ("Would you be willing to have your story featured on our website?", True),
    ("Permission to use comments", True),
    ("Can we use what you wrote?", True),
    ("Happy for your words to appear in our materials?", True),
    ("Can we share your feedback (anonymously) in our newsletter?", True),
    ("Are you happy for us to use your comments, anonymously, in reports?", True),
    # leave to use answers for the evaluation itself is not leave to quote them; a "no" to it is a no
    ("Can we use your responses for evaluation purposes?", "no kept"),
    ("Can we use your comments in our evaluation report?", "no kept"),
    ("Do you consent to participate in this survey?", "no kept"),   # a "no" to any consent question
    ("Which of these would you like more of?", False),
])
def test_consent_questions_in_other_words(tmp_path, question, found):
    rows = [["ID", "What did you value most?", question], ["1", "The people who get it.", "Yes"],
            ["2", "Scripts for talking to parents.", "No"], ["3", "Time to think about my own practice.", "Yes"]]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    expected = {True: [True, False, True], False: [None, None, None], "no kept": [None, False, None]}[found]
    assert [u.consent for u in units] == expected


def test_timestamps_inside_the_speech_are_not_text(tmp_path):
    p = tmp_path / "rev_inline_timestamps.txt"
    p.write_text("Speaker 1 (00:00):\nSo tell me about the group. [00:00:30] What stood out?\n\n"
                 "Marisol Etxeberria (00:41):\nThe honesty, [00:01:00] and the people.\n", encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.text for u in units] == ["So tell me about the group. What stood out?", "The honesty, and the people."]


def test_a_roster_without_a_role_column_in_a_folder(tmp_path):
    (tmp_path / "roster.csv").write_bytes(csv_bytes([["Name", "Consent to be quoted"], ["Jo Bell", "Yes"],
                                                     ["Kim Hart", "No"]]))
    (tmp_path / "fg.txt").write_text("Jo Bell: Welcome.\nKim Hart: Thanks for having me here.\n", encoding="utf-8")
    # a survey with a name, a consent question and an answer is still a survey
    (tmp_path / "survey.csv").write_bytes(csv_bytes([["Name", "May we quote you?", "What did you value?"],
                                                     ["Jo Bell", "Yes", "The people and the honesty in the room."],
                                                     ["Kim Hart", "No", "Resources I could use straight away."]]))
    assert detect_format(tmp_path / "roster.csv") == "roster_csv"
    d = discover([tmp_path])
    got = {s.path.name: [(u.speaker_role, u.consent) for u in read(s).units] for s in d.sources}
    assert got == {"fg.txt": [("participant", True), ("participant", False)],
                   "survey.csv": [("respondent", True), ("respondent", False)]}


def test_tables_without_open_text_in_a_folder_are_skipped_not_fatal(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [["Name", "Session 1", "Session 2", "Session 3"], ["Jo Bell", "Y", "Y", "N"], ["Kim Hart", "Y", "N", "Y"]]:
        wb.active.append(r)
    wb.save(tmp_path / "attendance.xlsx")
    (tmp_path / "summary.csv").write_text("Measure,Value\nDeepened understanding,82%\nTime well spent,88%\n")
    (tmp_path / "header_only.csv").write_text("ID,What did you value most?\n")
    (tmp_path / "comments.csv").write_bytes(csv_bytes([["Comment"], ["Thanks for holding this space this year."],
                                                       ["The facilitator was gentle but kept us on track."]]))
    d = discover([tmp_path])
    assert [s.path.name for s in d.sources] == ["comments.csv"]
    assert sorted(p.name for p, _ in d.skipped) == ["attendance.xlsx", "header_only.csv", "summary.csv"]
    assert all("no open-text column" in why or "no responses" in why for _, why in d.skipped)
    with pytest.raises(InputError, match="no open-text column"):  # given by name it is still an error
        read(discover([tmp_path / "attendance.xlsx"]).sources[0])


def test_otter_display_names_that_do_not_look_like_names_are_still_speakers(tmp_path):
    p = tmp_path / "otter_fg.txt"
    p.write_text("Nguy\u1ec5n V\u0103n An  0:03\nWelcome everyone.\n\n\u674e\u660e  0:09\nThanks, glad to be here.\n\n"
                 "aroha  0:15\nKia ora koutou.\n\nNguy\u1ec5n V\u0103n An  0:20\nLovely.\n", encoding="utf-8")
    fmt, r, units = units_of(p)
    assert fmt == "otter_txt"
    assert [(u.speaker_key, u.text) for u in units] == [("S1", "Welcome everyone."), ("S2", "Thanks, glad to be here."),
                                                       ("S3", "Kia ora koutou."), ("S1", "Lovely.")]
    assert {"\u674e\u660e", "aroha"} <= {i.value for i in r.identifiers}


def test_utf8_with_windows_1252_pasted_in_reads_both_without_mojibake(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes("ID,What did you value most?\r\n1,It\u2019s the people \u2013 honest.\r\n".encode("utf-8")
                  + "2,Caf\u00e9 chats \u201cafter\u201d the session.\r\n".encode("cp1252"))
    _, r, units = units_of(p)
    assert [u.text for u in units] == ["It\u2019s the people \u2013 honest.", "Caf\u00e9 chats \u201cafter\u201d the session."]


def test_the_free_text_fallback_needs_a_header_that_says_nothing(tmp_path):
    rows = [["Name", "Email", "Accessibility needs"], ["Jo Bell", "jo@example.org", "A hearing loop in the room would help"],
            ["Kim Hart", "kim@example.org", "Step-free access to the venue please"],
            ["Ana Lopez", "ana@example.org", "Captions on the slides if possible"]]
    p = tmp_path / "registrations.csv"
    p.write_bytes(csv_bytes(rows))
    with pytest.raises(InputError, match="no open-text column found"):
        units_of(p)


@pytest.mark.parametrize("label,role", [("Rosalind Achterberg - Facilitator", "facilitator"),
                                        ("Rosalind Achterberg | Co-host", "facilitator"),
                                        ("Rosalind Achterberg - Safe Steps", "participant")])
def test_a_role_after_a_dash_in_a_zoom_display_name(tmp_path, label, role):
    p = tmp_path / "fg.vtt"
    p.write_text(f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n{label}: Welcome back everyone.\n\n2\n"
                 "00:00:04.500 --> 00:00:08.000\nDevika Pillai: Thanks, good to be here.\n", encoding="utf-8")
    _, r, units = units_of(p, consent="yes")
    assert [u.speaker_role for u in units] == [role, "participant"]
    assert "Achterberg" not in texts(units) and "Rosalind Achterberg" in {i.value for i in r.identifiers}


def test_docx_with_tracked_changes_reads_as_accepted(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def change(tag, text_tag, text):
        el = OxmlElement(tag)
        el.set(qn("w:id"), "1")
        el.set(qn("w:author"), "Evaluation team")
        run, t = OxmlElement("w:r"), OxmlElement(text_tag)
        t.text = text
        run.append(t)
        el.append(run)
        return el

    d = docx.Document()
    d.add_paragraph("Jane Smith   0:03")
    p = d.add_paragraph("I work at ")
    p._p.append(change("w:del", "w:delText", "Northside High"))  # a name an editor took out
    p._p.append(change("w:ins", "w:t", "[school]"))              # and what they put in
    p.add_run(" and the CoP keeps me going.")
    d.add_paragraph("Tom Lee   0:10")
    d.add_paragraph("Same for me.")
    d.save(tmp_path / "fg_edited.docx")
    _, r, units = units_of(tmp_path / "fg_edited.docx")
    assert [u.text for u in units] == ["I work at [school] and the CoP keeps me going.", "Same for me."]


_ANSWERS = ["The sessions gave me the energy to keep going with this work.",
            "I finally have people in other councils who understand the pushback.",
            "Reflecting with peers showed me my own assumptions about care work.",
            "A genuinely safe room, which let me be honest about burnout."]


@pytest.mark.parametrize("header,meta,expected", [
    # headers that say the answers will be used or shared are the quote consent
    ("Would you be comfortable with us sharing your story?", {}, [True, False, True, False]),
    ("Can we use what you've written?", {}, [True, False, True, False]),
    # headers about consent or use that do not say "quote": a "no" stays a no, even under a file's consent
    ("Consent", {}, [None, False, None, False]),
    ("Consent", {"consent": "yes"}, [True, False, True, False]),
    ("Permission to use", {"consent": "yes"}, [True, False, True, False]),
    ("Use of responses", {}, [None, False, None, False]),
    # consent to take part is not consent to be quoted (everyone said yes here)
    ("Do you consent to take part in this survey?", {"consent": "yes"}, [True, True, True, True]),
    # ... unless it also gives leave to publish
    ("Do you consent to participate, and for your feedback to be used in our annual report?", {},
     [True, False, True, False]),
    # a "no" to consent to take part and to the use of one's responses is a no
    ("I consent to participate in this evaluation and for my responses to be used", {"consent": "yes"},
     [True, False, True, False]),
])
def test_consent_columns_and_a_files_consent(tmp_path, header, meta, expected):
    answers = ["Yes", "No", "Yes", "No"] if "take part" not in header else ["Yes"] * 4
    p = tmp_path / "s.csv"
    p.write_bytes(csv_bytes([["Response ID", "What did you value most?", header]]
                            + [[str(i), a, c] for i, (a, c) in enumerate(zip(_ANSWERS, answers))]))
    _, _, units = units_of(p, **meta)
    assert [u.consent for u in units] == expected


@pytest.mark.parametrize("question,details,identifiers", [
    ("If you'd like to go in the draw for a gift voucher, please enter your name and email below",
     ["Josie Achterberg josie.a@example.org", "", "Raj Malhotra, raj.m@example.net", "Winnie Tso"],
     {("person", "Josie Achterberg"), ("email", "josie.a@example.org"), ("person", "Raj Malhotra"),
      ("email", "raj.m@example.net"), ("person", "Winnie Tso")}),
    ("Would you be open to a follow-up interview? If yes, please leave your name and a phone number or email",
     ["Raj Malhotra, 0421 654 987", "No thanks", "", "Bea Tamarind - bea.t@example.org"],
     {("person", "Raj Malhotra"), ("phone", "0421 654 987"), ("person", "Bea Tamarind"), ("email", "bea.t@example.org")}),
    # no question asking for them, but the answers are ways to reach people
    ("Anything else?", ["call me on 0400 987 654", "ahmed.k@example.org", "Gwen, 0413 777 290", ""],
     {("phone", "0400 987 654"), ("email", "ahmed.k@example.org"), ("person", "Gwen"), ("phone", "0413 777 290")}),
    # what is not a name is not an identifier
    ("If you'd like to hear about future CoPs, please leave your name and email",
     ["Priya Raman, priya.raman@example.org", "Maybe later", "Same as last time", "thanks"],
     {("person", "Priya Raman"), ("email", "priya.raman@example.org")}),
])
def test_contact_details_asked_in_a_long_question_are_identifiers_not_text(tmp_path, question, details, identifiers):
    p = tmp_path / "s.csv"
    p.write_bytes(csv_bytes([["Response ID", "What did you value most?", question]]
                            + [[str(i), a, d] for i, (a, d) in enumerate(zip(_ANSWERS, details))]))
    _, r, units = units_of(p)
    assert [u.text for u in units] == _ANSWERS
    assert {(i.kind, i.value) for i in r.identifiers} == identifiers


@pytest.mark.parametrize("value,ok", [("yes", True), ("No", True), ("maybe", False), ("TBC", False), ("", True)])
def test_a_files_consent_is_yes_or_no_or_refused(value, ok):
    from copquotes.ingest.base import normalise_meta

    if ok:
        assert normalise_meta({"consent": value})["consent"] == value
    else:
        with pytest.raises(ConfigError, match="consent must be yes or no"):
            normalise_meta({"consent": value}, "copquotes.yaml: ")


def test_a_one_row_roster_with_a_mistyped_role_is_a_roster_whose_row_is_named(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Jo Bloggs", "Particpant", "yes"]]))
    assert detect_format(p) == "roster_csv"
    with pytest.raises(ConfigError, match=r"row 2.*Particpant"):
        load_roster(p)


# ------------------------------------------------------------------- SRT tags, closing boilerplate

SRT_TURNS = [("Wilhelmina Osei", "Welcome back. How is everyone arriving today?"),
             ("Bartholomew Kaye", "Pretty flat, to be honest."),
             ("Bartholomew Kaye", "But I always walk out of here with a plan."),
             ("Ingrid Castellano", "It's the one room where I don't have to explain myself."),
             ("Wilhelmina Osei", "Thanks, both of you.")]


def _srt(tag):
    return "".join(f"{i}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},000\n{tag(name.split()[0])} {text}\n\n"
                   for i, (name, text) in enumerate(SRT_TURNS, start=1))


@pytest.mark.parametrize("tag", [lambda n: f"[{n.upper()}]", lambda n: f"[{n}]:", lambda n: f"{n.upper()}:",
                                 lambda n: f"[{n}]"], ids=["[NAME]", "[Name]:", "NAME:", "[Name]"])
def test_srt_speaker_tags_are_the_speaker_not_the_text(tmp_path, tag):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([["name", "role", "quote_consent"], *[[n, "participant", "yes"] for n, _ in SRT_TURNS[1:4]],
                                  ["Wilhelmina Osei", "facilitator", "yes"]]))
    p = tmp_path / "fg_session4.srt"
    p.write_text(_srt(tag), encoding="utf-8")
    fmt, r, units = units_of(p, roster=load_roster(roster))
    # one unit per turn, the tag out of the text, the facilitator found through the roster
    assert [(u.speaker_key, u.speaker_role, u.text) for u in units] == [
        ("S1", "facilitator", SRT_TURNS[0][1]), ("S2", "participant", " ".join(t for _, t in SRT_TURNS[1:3])),
        ("S3", "participant", SRT_TURNS[3][1]), ("S1", "facilitator", SRT_TURNS[4][1])]
    assert "[" not in texts(units) and "Bartholomew" not in texts(units)
    assert {"Wilhelmina", "Bartholomew", "Ingrid"} <= {i.value.title() for i in r.identifiers}


@pytest.mark.parametrize("name,content,expected", [
    # a sound or a note in brackets at the start of a cue is not a speaker (and a cue that is only a sound no unit)
    ("tagged.srt", _srt(lambda n: f"[{n.upper()}]") + "6\n00:00:40,000 --> 00:00:44,000\n[Music]\n\n"
     "7\n00:00:45,000 --> 00:00:49,000\n[INGRID] Thank you.\n\n"
     "8\n00:00:50,000 --> 00:00:54,000\n[inaudible] and that was it really.\n",
     [("S1", SRT_TURNS[4][1]), ("S3", "Thank you."), (None, "[inaudible] and that was it really.")]),
    # a Zoom file labels with "Name:": a bracket at the start of its unlabelled cue stays text
    ("zoom.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nWilhelmina Osei: Welcome back.\n\n"
     "2\n00:00:05.000 --> 00:00:08.000\n[Laughs] Sorry, go on.\n\n"
     "3\n00:00:09.000 --> 00:00:12.000\nIngrid Castellano: Thanks, glad to be here.\n",
     [("S1", "Welcome back."), (None, "[Laughs] Sorry, go on."), ("S2", "Thanks, glad to be here.")]),
])
def test_bracketed_sounds_at_the_start_of_a_cue_are_not_speakers(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units][-3:] == expected
    assert not {"Music", "inaudible", "Laughs"} & {i.value for i in r.identifiers}


@pytest.mark.parametrize("tail", [
    "\nMeeting ended after 00:58:12 \U0001F44B\n\nThis editable transcript was computer generated and might contain "
    "errors. People can also change the text after it was created.\n",
    "[END OF INTERVIEW]\n", "[END OF TRANSCRIPT]\n", "\n-- End of transcript --\n", "END OF RECORDING\n",
    "[End of interview]\nTranscribed by Jo Bell, 3 June 2024\n",  # a note after the marker is not speech either
])
def test_closing_boilerplate_is_not_the_last_speakers_turn(tmp_path, tail):
    p = tmp_path / "interview_p3.txt"
    p.write_text("Interviewer: Anything you'd change?\nParticipant 3: More time. Always more time.\n" + tail,
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_role, u.text) for u in units] == [
        ("interviewer", "Anything you'd change?"), ("participant", "More time. Always more time.")]


def test_the_words_end_of_the_session_in_speech_stay_speech(tmp_path):
    p = tmp_path / "fg.txt"
    p.write_text("Devika Pillai: What do you take away at the\nend of the session.\nTomasz Wierzbicki: A plan.\n",
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.text for u in units] == ["What do you take away at the end of the session.", "A plan."]



@pytest.mark.parametrize("columns,meta,expected", [
    # the respondent's own use of something is not a consent question; the permission beside it is
    ({"Did you use the resources shared in the sessions?": ["Yes", "No", "Yes", "No"],
      "Permission to use": ["No", "Yes", "No", "Yes"]}, {"consent": "yes"}, [False, True, False, True]),
    # answer codes nobody has read: the file's consent does not stand in for them
    ({"Permission to use": ["1", "2", "1", "2"]}, {"consent": "yes"}, [None, None, None, None]),
    ({"Permission to use": ["1", "2", "1", "2"]}, {"consent": "yes", "consent_values": {"1": "yes", "2": "no"}},
     [True, False, True, False]),
    # a scale is not consent: those who disagreed keep their quotes
    ({"I agree the CoP was time well spent": ["Agree", "Disagree", "Strongly disagree", "Agree"]},
     {"consent": "yes"}, [True, True, True, True]),
    # a "no" to any consent question is a no, beside the quote consent too
    ({"Consent": ["No", "Yes", "Yes", "No"], "Permission to use my responses in reports": ["Yes"] * 4}, {},
     [False, True, True, False]),
])
def test_every_consent_question_answered_no_is_a_no(tmp_path, columns, meta, expected):
    header = ["Response ID", "What did you value most?", *columns]
    rows = [[str(i), a, *(v[i] for v in columns.values())] for i, a in enumerate(_ANSWERS)]
    p = tmp_path / "s.csv"
    p.write_bytes(csv_bytes([header] + rows))
    _, _, units = units_of(p, **meta)
    assert [u.consent for u in units] == expected



def test_an_open_question_whose_answers_mention_helplines_registers_no_identifier(tmp_path):
    answers = ["I call 1800 737 732 when things get heavy and then debrief with my team leader",
               "Mostly my partner and a long walk with the dog on the beach after work",
               "EAP through work, their number is 1300 687 327, it is free and confidential",
               "Lifeline on 13 11 14, or I email the coordinator at support@example.org.au"]
    p = tmp_path / "s.csv"
    p.write_bytes(csv_bytes([["Response ID", "What did you value most?", "Any other comments?"]]
                            + [[str(i), a, b] for i, (a, b) in enumerate(zip(_ANSWERS, answers))]))
    _, r, units = units_of(p)
    assert not r.identifiers
    assert [u.text for u in units if u.question == "Any other comments?"] == answers


def _cues(*texts):
    """An SRT file of these cue texts."""
    return "".join(f"{i}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},000\n{t}\n\n" for i, t in enumerate(texts, start=1))


@pytest.mark.parametrize("content,expected,names", [
    # a tag only where the speaker changes: the untagged cues after it are that speaker's turn
    (_cues("[WILHELMINA] Welcome back.", "How is everyone arriving today?", "Anyone want to start?",
           "[BARTHOLOMEW] Pretty flat, to be honest,", "but I always walk out with a plan.", "Every single time.",
           "[WILHELMINA] Thanks."),
     [("S1", "Welcome back. How is everyone arriving today? Anyone want to start?"),
      ("S2", "Pretty flat, to be honest, but I always walk out with a plan. Every single time."), ("S1", "Thanks.")],
     {"WILHELMINA", "BARTHOLOMEW"}),
    # role tags, and a transcriber's note at the start of a cue is nobody's speech
    (_cues("[Facilitator] What stays with you?", "Take your time.", "[P2] The honesty in the room.",
           "Nobody pretends.", "[crosstalk] yes and the resources too", "[P4] For me the contacts."),
     [("S1", "What stays with you? Take your time."), ("S2", "The honesty in the room. Nobody pretends."),
      (None, "[crosstalk] yes and the resources too"), ("S3", "For me the contacts.")], set()),
    # rare sounds and notes are not speaker tags: the speech stays unattributed, the brackets in it
    (_cues("[Music] Welcome back everyone.", "How is everyone arriving today?", "Pretty flat, to be honest.",
           "[Phone Rings] Sorry, go on.", "[Door Slams] But I always walk out with a plan.",
           "[inaudible 00:12:03] and the contacts."),
     [(None, "[Music] Welcome back everyone. How is everyone arriving today? Pretty flat, to be honest. "
             "[Phone Rings] Sorry, go on. [Door Slams] But I always walk out with a plan. "
             "[inaudible 00:12:03] and the contacts.")],
     set()),
], ids=["names", "roles", "sounds"])
def test_srt_tags_only_where_the_speaker_changes(tmp_path, content, expected, names):
    p = tmp_path / "fg.srt"
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == expected
    assert {i.value for i in r.identifiers} == names


@pytest.mark.parametrize("name,content,expected", [
    # an SRT whose tags are speakers: an untagged cue continues the turn before it
    ("fg.srt", _cues("[HELEN] I was the only prevention worker in the region", "until I joined this group.",
                     "[SAM] For me it was the facilitation.", "[HELEN] Yes, and the agreements.",
                     "[SAM] Nobody flinched at the word feminism."),
     [("S1", "I was the only prevention worker in the region until I joined this group."),
      ("S2", "For me it was the facilitation."), ("S1", "Yes, and the agreements."),
      ("S2", "Nobody flinched at the word feminism.")]),
    # a Zoom cue without a name stays speech given to nobody
    ("fg.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHelen Nguyen: I was the only one in the region\n\n"
     "2\n00:00:05.000 --> 00:00:08.000\nuntil I joined this group.\n\n"
     "3\n00:00:09.000 --> 00:00:12.000\nSam Patel: For me it was the facilitation.\n",
     [("S1", "I was the only one in the region"), (None, "until I joined this group."),
      ("S2", "For me it was the facilitation.")]),
])
def test_an_untagged_srt_cue_continues_the_speakers_turn(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == expected


_MEET_FOOTER = "This editable transcript was computer generated and might contain errors. People can also change it."


@pytest.mark.parametrize("name,content,expected", [
    ("end.srt", _cues("[HELEN] I was the only one in the region.", "[SAM] I walk out with a plan.",
                      "[SAM] That's everything from me.\n[END OF INTERVIEW]", _MEET_FOOTER),
     [("S1", "I was the only one in the region."), ("S2", "I walk out with a plan. That's everything from me.")]),
    # nothing after a closing marker is the last speaker's, even untagged
    ("after.srt", _cues("[HELEN] I was the only one in the region.", "[SAM] I walk out with a plan.",
                        "[End of interview]", "Transcribed by Jo Bell, 3 June 2024"),
     [("S1", "I was the only one in the region."), ("S2", "I walk out with a plan.")]),
    ("end.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHelen Nguyen: I was the only one in the region.\n\n"
     "2\n00:00:05.000 --> 00:00:09.000\nSam Patel: I walk out with a plan.\n\n"
     "3\n00:00:10.000 --> 00:00:12.000\n[END OF INTERVIEW]\n\n"
     "4\n00:00:13.000 --> 00:00:15.000\nMeeting ended after 00:45:12 \U0001F44B\n\n"
     f"5\n00:00:16.000 --> 00:00:18.000\n{_MEET_FOOTER}\n",
     [("S1", "I was the only one in the region."), ("S2", "I walk out with a plan.")]),
    # a meeting-system line is dropped, the same words said by a speaker are speech
    ("system.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHelen Nguyen: so then we stopped recording\n\n"
     "2\n00:00:05.000 --> 00:00:09.000\nSam Patel stopped transcription\n",
     [("S1", "so then we stopped recording")]),
    # a cue that is only a sound is no unit
    ("sounds.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHelen Nguyen: I was the only one in the region.\n\n"
     "2\n00:00:05.000 --> 00:00:06.000\n[Laughter]\n\n3\n00:00:07.000 --> 00:00:08.000\n[Applause] [Music]\n\n"
     "4\n00:00:09.000 --> 00:00:12.000\nSam Patel: I walk out with a plan.\n",
     [("S1", "I was the only one in the region."), ("S2", "I walk out with a plan.")]),
    ("sounds.srt", _cues("[HELEN] I was the only one in the region.", "[Music]", "[SAM] I walk out with a plan.",
                         "[Laughter]"),
     [("S1", "I was the only one in the region."), ("S2", "I walk out with a plan.")]),
])
def test_closing_boilerplate_and_sounds_in_cues_are_not_speech(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == expected



@pytest.mark.parametrize("consent_headers,expected", [
    # leave to publish beside consent to take part (all "Yes"): the first decides
    (["Consent", "Permission to publish comments"], [True, False]),
    (["Consent form returned", "Use in annual report?"], [True, False]),
    (["Signed consent", "Words can be used publicly"], [True, False]),
    (["Consent", "OK to use words in publications (Y/N)"], [True, False]),
])
def test_a_rosters_leave_to_publish_beats_its_consent_to_take_part(tmp_path, consent_headers, expected):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Name", "Role", *consent_headers], ["Hana Whitcombe", "Participant", "Yes", "Yes"],
                             ["Sione Tupou", "Participant", "Yes", "No"]]))
    assert [e.quote_consent for e in load_roster(p)] == expected


def test_a_focus_groups_notes_typed_into_a_spreadsheet_are_turns_matched_to_the_roster(tmp_path):
    """Time, Speaker, Comment: each label gets its role and consent from the roster, not the file's."""
    from copquotes.ingest import Source

    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Hana Whitcombe", "facilitator", "yes"],
                                  ["Aroha Ngata", "participant", "no"], ["Sione Tupou", "participant", "yes"]]))
    notes = tmp_path / "fg_notes.csv"
    notes.write_bytes(csv_bytes([
        ["Time", "Speaker", "Comment"],
        ["0:01", "Hana Whitcombe", "What has been most valuable about coming together each month?"],
        ["0:02", "Aroha Ngata", "It is the only place I do not have to explain why prevention matters."],
        ["0:04", "Sione Tupou", "Swapping lesson plans that actually worked with real classes."],
        ["0:05", "Hana Whitcombe", "And how has it changed what you do when you get pushback?"],
    ]))
    r = read(Source(notes, detect_format(notes), {"consent": "yes", "source_kind": "focus_group"},
                    load_roster(roster)))
    got = [(u.speaker_role, u.consent, u.locator) for u in r.units]
    assert got == [("facilitator", True, "row 2"), ("participant", False, "row 3"), ("participant", True, "row 4"),
                   ("facilitator", True, "row 5")]



@pytest.mark.parametrize("tag", ["[Translation]", "[Slide 3]", "[Rain]"])
def test_a_tag_that_is_a_word_is_not_a_speaker_and_takes_nobodys_consent(tmp_path, tag):
    """With a roster, a tag it does not know that comes once is a transcriber's note: the cue is
    nobody's, and so is the untagged cue after it."""
    from copquotes.ingest import Source

    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Hana Ito", "facilitator", "yes"],
                                  ["Mere Tane", "participant", "no"], ["Ben Ortiz", "participant", "yes"]]))
    p = tmp_path / "fg.srt"
    p.write_text(_cues("[HANA] Welcome back, let us start with Mere.", "[MERE] Kia ora, good to be here again.",
                       f"{tag} Hello everyone, good to be here again.", "I am the only one doing this in my town.",
                       "[BEN] I walked out with a plan for the term.", "[HANA] Thanks Ben."), encoding="utf-8")
    r = read(Source(p, detect_format(p), {"consent": "yes", "source_kind": "focus_group"}, load_roster(roster)))
    units = list(r.units)
    assert [(u.speaker_key, u.consent) for u in units if u.text.startswith(tag)] == [(None, None)]
    assert not any(u.consent for u in units if "only one doing this" in u.text)
    assert tag.strip("[]") not in {i.value for i in r.identifiers}


def test_a_survey_with_a_speaker_column_and_a_consent_question_stays_a_survey(tmp_path):
    rows = [["Respondent", "Speaker", "Comments", "Can we share your comments publicly?"]] + [
        [str(i), s, a, c] for i, (s, a, c) in enumerate(zip(["Dr Lee", "Dr Lee", "Ms Wong", "Ms Wong"], _ANSWERS,
                                                              ["No", "Yes", "No", "Yes"]))]
    p = tmp_path / "speakers_survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p, consent="yes")
    assert [(u.speaker_role, u.consent) for u in units] == [("respondent", False), ("respondent", True),
                                                            ("respondent", False), ("respondent", True)]


@pytest.mark.parametrize("label,role,name", [
    ("Guest Amy", "facilitator", None),              # the role it states beats the roster's participant
    ("Participant - Sam Lee", "participant", "Sam Lee"),
    ("Facilitator (Jo)", "facilitator", "Jo"),
    ("Host (Kim Hart)", "facilitator", "Kim Hart"),
])
def test_a_labels_role_and_the_name_beside_it(tmp_path, label, role, name):
    from copquotes.ingest import Source

    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Amy Cho", "participant", "yes"]]))
    p = tmp_path / "fg.vtt"
    p.write_text(f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n{label}: Thanks for having me here today.\n\n"
                 "2\n00:00:05.000 --> 00:00:08.000\nAmy Cho: Glad you could come.\n", encoding="utf-8")
    r = read(Source(p, detect_format(p), {"consent": "yes", "source_kind": "focus_group"}, load_roster(roster)))
    assert next(iter(r.units)).speaker_role == role
    if name:
        assert name in {i.value for i in r.identifiers}


def test_a_turn_numbered_spreadsheet_is_still_a_transcript(tmp_path):
    from copquotes.ingest import Source

    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([["name", "role", "quote_consent"], ["Sam Lee", "participant", "no"],
                                  ["Priya Raman", "participant", "yes"]]))
    notes = tmp_path / "notes.csv"
    notes.write_bytes(csv_bytes([["ID", "Speaker", "Text"], ["1", "Facilitator", "What stays with you from the series?"],
                                 ["2", "Sam Lee", "The honesty in the room, every single month."],
                                 ["3", "Priya Raman", "Having people to call when it gets hard."],
                                 ["4", "Sam Lee", "And the scripts for the pushback."]]))
    r = read(Source(notes, detect_format(notes), {"consent": "yes", "source_kind": "focus_group"}, load_roster(roster)))
    assert [(u.speaker_role, u.consent) for u in r.units] == [("facilitator", True), ("participant", False),
                                                              ("participant", True), ("participant", False)]


def test_a_header_consent_is_one_interviewees_not_a_groups(tmp_path):
    p = tmp_path / "fg_notes.txt"
    p.write_text("Consent to quote: Yes\n\nFacilitator: What stays with you?\nSam: The honesty in the room.\n"
                 "Priya: Having people to call.\nTom: Please do not quote me on any of this.\n", encoding="utf-8")
    _, _, units = units_of(p, source_kind="focus_group")
    assert {u.consent for u in units if u.speaker_role == "participant"} == {None}


def test_two_srt_speakers_tagged_once_each_without_a_roster_are_speakers(tmp_path):
    p = tmp_path / "fg.srt"
    p.write_text(_cues("[Helen] Welcome back everyone.", "How is everyone arriving today?", "Anyone want to start?",
                       "[Sam] Pretty flat, to be honest,", "but I always walk out with a plan.", "Every time."),
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.speaker_key for u in units] == ["S1", "S2"]
    assert {"Helen", "Sam"} <= {i.value for i in r.identifiers}


@pytest.mark.parametrize("label,name", [("P2 (Wodonga)", "P2"), ("Participant (Mid Senior)", "Participant"),
                                        ("Facilitator (Jo)", "Jo")])
def test_a_place_or_cohort_in_brackets_is_not_a_name(label, name):
    from copquotes.ingest.roster import clean_label

    assert clean_label(label) == name
