"""Regressions from a second blind probe of real-format exports (Webex, LimeSurvey, Excel for Mac,
Typeform, REDCap, typed interview notes, focus-group transcripts with transcriber's notes): what the
readers lost or put on the wrong person. Every file is written by the test."""
from __future__ import annotations

import pytest

from copquotes.ingest import Source, detect_format, read
from copquotes.types import RosterEntry

from .builders import csv_bytes, units_of


# ------------------------------------------------------------------------------------ Webex VTT

WEBEX = """WEBVTT

1 "Jo Smith" (2843952128)
00:00:01.000 --> 00:00:06.000
Welcome everyone, thanks for coming to the last session.

2 "Ana Ruiz" (1938475610)
00:00:06.500 --> 00:00:14.000
I leave every session with energy I did not have when I arrived.

3 "Ana Ruiz" (1938475610)
00:00:14.000 --> 00:00:18.000
Ana Ruiz: And the people here understand the work.

4 "Ben Ode" (2093847561)
00:00:18.500 --> 00:00:24.000
The group agreements made it safe to talk about the backlash at my school.
"""


def test_webex_vtt_speaker_comes_from_the_cue_id_and_turns_stay_apart(tmp_path):
    p = tmp_path / "webex_session.vtt"
    p.write_text(WEBEX, encoding="utf-8")
    roster = (RosterEntry("Ana Ruiz", "participant", True), RosterEntry("Ben Ode", "participant", False),
              RosterEntry("Jo Smith", "facilitator", True))
    units = list(read(Source(p, detect_format(p), {}, roster)).units)
    # one unit per speaker turn (Ana's two cues are one turn), never one unit of everyone's words
    assert [u.text for u in units] == [
        "Welcome everyone, thanks for coming to the last session.",
        "I leave every session with energy I did not have when I arrived. And the people here understand the work.",
        "The group agreements made it safe to talk about the backlash at my school."]
    assert [(u.speaker_role, u.consent) for u in units] == [("facilitator", True), ("participant", True),
                                                           ("participant", False)]
    assert len({u.speaker_key for u in units}) == 3 and None not in {u.speaker_key for u in units}


# ------------------------------------------------------------------- codes over a row of texts

LIME = [
    ["id", "submitdate", "lastpage", "startlanguage", "seed", "G01Q01", "G01Q02", "G01Q03"],
    ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Which CoP group were you part of?",
     "What was the most valuable aspect of your CoP?", "May we quote your answer anonymously in our reports?"],
    ["1", "2024-11-20 10:01:02", "2", "en", "12345678", "Tertiary",
     "I got my energy back for the work after a really hard year.", "Yes"],
    ["2", "2024-11-21 11:03:04", "2", "en", "87654321", "Tertiary",
     "The way the facilitator held the space when things got heavy.", "No"],
    ["3", "2024-11-22 12:05:06", "2", "en", "11223344", "Tertiary",
     "Colleagues I can now call when a complaint comes in about our program.", "Yes"],
]


def test_column_codes_over_question_texts_are_one_header(tmp_path):
    p = tmp_path / "limesurvey_results.csv"
    p.write_bytes(csv_bytes(LIME))
    _, _, units = units_of(p)
    # the row of question texts is no respondent's answer
    assert [u.text for u in units] == [r[6] for r in LIME[2:]]
    assert {u.question for u in units} == {"What was the most valuable aspect of your CoP?"}
    # the consent, group and year columns are found by their texts
    assert [u.consent for u in units] == [True, False, True]
    assert {(u.group, u.year) for u in units} == {("Tertiary", "2024")}


@pytest.mark.parametrize("rows", [
    # codes as headers, the first row an answer (a number in the id column): no row of texts
    [["record_id", "comments", "consent"], ["1", "Being with people who get it, every month.", "Yes"],
     ["2", "Hearing how others handle complaints.", "No"]],
    # a first respondent with no id who typed a question is still a respondent when no row below has a number there
    [["ref", "comment", "ok_to_quote"], ["AB", "Why did it end so soon?", "Yes"],
     ["CD", "Hearing how others handle complaints.", "No"]],
], ids=["numbered_first_row", "no_numbers"])
def test_column_codes_over_answers_keep_every_answer(tmp_path, rows):
    p = tmp_path / "coded.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p)
    assert [u.text for u in units] == [r[1] for r in rows[1:]]


# --------------------------------------------------------------------------------- encodings

def test_excel_for_mac_csv_in_mac_roman_with_cr_line_ends(tmp_path):
    p = tmp_path / "survey_mac.csv"
    rows = [["ID", "What was the most valuable aspect of your CoP?", "Can we quote you anonymously?"],
            ["1", "It’s the only place I’m not explaining why prevention matters – everyone already knows.", "Yes"],
            ["2", "Hearing other people’s “workarounds” for getting leadership on board.", "No"]]
    p.write_bytes(csv_bytes(rows, encoding="mac_roman", newline="\r"))
    _, _, units = units_of(p)
    assert [u.text for u in units] == [r[1] for r in rows[1:]]
    assert [u.consent for u in units] == [True, False]


def test_windows_1252_with_crlf_is_still_windows_1252(tmp_path):
    p = tmp_path / "survey_win.csv"
    rows = [["ID", "What was the most valuable aspect of your CoP?"],
            ["1", "It’s the only place I’m understood – truly."], ["2", "Café chats with “allies”."]]
    p.write_bytes(csv_bytes(rows, encoding="cp1252", newline="\r\n"))
    _, _, units = units_of(p)
    assert [u.text for u in units] == [r[1] for r in rows[1:]]


# ---------------------------------------------------------------------- submission date columns

@pytest.mark.parametrize("date_header, date_value", [
    ("Submit Date (UTC)", "2024-06-03 01:20:11"),        # Typeform
    ("Survey Timestamp", "2025-02-10 09:00:00"),         # REDCap, labels
    ("cop_feedback_timestamp", "2025-02-10 09:00:00"),   # REDCap, raw field names
    ("submitdate", "2024-11-20 10:01:02"),               # LimeSurvey codes
])
def test_year_from_a_survey_tools_submission_date(tmp_path, date_header, date_value):
    p = tmp_path / "responses.csv"
    p.write_bytes(csv_bytes([["#", "What was the most valuable aspect of your CoP?", date_header],
                             ["a1b2", "Permission to slow down and reflect on my own practice.", date_value],
                             ["c3d4", "Allies in other organisations fighting the same fight.", date_value]]))
    _, r, units = units_of(p)
    assert {u.year for u in units} == {date_value[:4]}
    assert len(units) == 2 and date_value not in " ".join(u.text for u in units)


# ------------------------------------------------------------------------- typed transcripts

NOTES_BODY = """
She said that the CoP was the only place where she could talk openly about the backlash at her school.
She described feeling isolated as the only prevention worker in her region.

When asked about the facilitation she said it was "gentle but with real structure".
"""


@pytest.mark.parametrize("header, role, name", [
    # the header names who wrote the notes: the interviewer's words, never a participant's
    ("Interview notes: participant P04, Respectful Relationships CoP, 12 March 2024\nInterviewer: Mel Tran\n",
     "interviewer", "Mel Tran"),
    ("Date: 12 March 2024\nNote taker: Mel Tran\n", "facilitator", "Mel Tran"),
    # a header naming only the participant: notes without speakers
    ("Date: 12 March 2024\nParticipant ID: P04 (Jane Doe)\n", "unknown", "Jane Doe"),
])
@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_notes_under_a_typed_header_are_kept_and_never_a_participants(tmp_path, suffix, header, role, name):
    notes = header + NOTES_BODY
    p = tmp_path / f"interview_notes{suffix}"
    if suffix == ".txt":
        p.write_text(notes, encoding="utf-8")
    else:
        import docx
        d = docx.Document()
        for para in notes.split("\n\n"):
            for line in para.strip().split("\n"):
                d.add_paragraph(line)
        d.save(str(p))
    r = read(Source(p, detect_format(p), {"consent": "yes", "source_kind": "interview"}, ()))
    units = list(r.units)
    text = " ".join(u.text for u in units)
    assert "She said that the CoP was the only place" in text and "gentle but with real structure" in text
    # the header is no one's words (its names are identifiers)
    assert name not in text and "12 March" not in text and "Interview notes" not in text
    assert name in {i.value for i in r.identifiers}
    assert {u.speaker_role for u in units} == {role}


FG = """Facilitator 1 (Jo Smith): Welcome everyone. What has the CoP meant for you this year?
Ana Ruiz: For me it's the solidarity. I walk in flat and I walk out with a plan.
{note}
Ben Ode: Same, and the [inaudible 00:12:03] talk about complaints from parents helped me respond calmly.
"""


@pytest.mark.parametrize("note, kept", [
    ("[crosstalk]", None),
    ("[Cara Wu joined at 00:14:10]", None),
    ("(laughter) [inaudible 00:12:40]", None),
    ("[I no longer feel alone in this work.]", "[I no longer feel alone in this work.]"),   # words said, kept
])
def test_a_line_that_is_only_a_transcribers_note_is_no_ones_words(tmp_path, note, kept):
    p = tmp_path / "fg_session.txt"
    p.write_text(FG.format(note=note), encoding="utf-8")
    roster = (RosterEntry("Ana Ruiz", "participant", True), RosterEntry("Ben Ode", "participant", False))
    units = list(read(Source(p, detect_format(p), {}, roster)).units)
    ana = [u for u in units if u.text.startswith("For me")]
    expected = "For me it's the solidarity. I walk in flat and I walk out with a plan."
    assert [u.text for u in ana] == [expected + (" " + kept if kept else "")]
    assert ana[0].consent is True
    # the inline note inside Ben's words stays, as said
    assert any("[inaudible 00:12:03]" in u.text and u.consent is False for u in units)


@pytest.mark.parametrize("layout", [
    "{ini}\n{name}\n{ts}\n{text}\n",       # copied from the Teams / Stream web page: avatar, name, time, words
    "{ini}\n{name}   {ts}\n{text}\n",      # the same with the name and time on one line
])
def test_avatar_initials_above_a_speaker_are_no_ones_words(tmp_path, layout):
    turns = [("Jo Smith", "JS", "0:03", "Welcome everyone, what stood out this session?"),
             ("Ana Ruiz", "AR", "0:15", "The honesty. People said what did not work."),
             ("Ben Ode", "BO", "0:40", "I got three new contacts in the north.")]
    p = tmp_path / "teams_web_copy.txt"
    p.write_text("\n".join(layout.format(name=n, ini=i, ts=t, text=x) for n, i, t, x in turns), encoding="utf-8")
    units = list(read(Source(p, detect_format(p), {}, ())).units)
    assert [u.text for u in units] == [x for *_, x in turns]
    assert len({u.speaker_key for u in units}) == 3
