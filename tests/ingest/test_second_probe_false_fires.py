"""The second probe's rules (codes over texts, Mac Roman, note-only lines, avatar initials, timestamp
columns, Webex cue ids) must not fire on ordinary inputs they were not written for: no answer eaten as a
header, no word decoded wrong, no turn lost or given to a title. Every file is written by the test."""
from __future__ import annotations

import pytest

from copquotes.ingest import Source, detect_format, read

from .builders import csv_bytes, make_plain_xlsx, units_of


# ------------------------------------------- a plain survey's first answer row is no row of question texts

PLAIN_SURVEYS = {
    # snake_case headers; the first answer is a question and its role column says "participant" again below
    "role_repeats": [["id", "role", "comment", "sessions"],
                     ["P01", "participant", "Will there be another series next year?", "all of them"],
                     ["P02", "participant", "It gave me energy for the work after a hard year", "5"],
                     ["P03", "facilitator", "I watched the group grow in trust every month", "6"]],
    # one-word headers, a date written in words first and as a date below
    "group_repeats": [["name", "group", "feedback", "date"],
                      ["Participant", "Session", "Why did it have to end? It was the best part of my month.", "Nov 2024"],
                      ["Participant", "Session", "I found my people here.", "2024-11-20"]],
    # q1, q2, q3: the first respondent answered with questions and a consent "Yes"
    "consent_yes": [["q1", "q2", "q3"],
                    ["Why would I miss it?", "Is that even a question?", "Yes"],
                    ["Connecting with peers helped me feel less alone", "I now reflect on my assumptions", "12/11/2024"]],
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", sorted(PLAIN_SURVEYS))
def test_a_first_answer_row_is_never_read_as_the_headers_texts(tmp_path, name, suffix):
    rows = PLAIN_SURVEYS[name]
    p = tmp_path / f"survey{suffix}"
    if suffix == ".csv":
        p.write_bytes(csv_bytes(rows))
    else:
        make_plain_xlsx(p, rows)
    _, _, units = units_of(p)
    text = " | ".join(u.text for u in units)
    first = [c for c in rows[1] if "?" in c]   # the first respondent's open answers
    assert first and all(a in text for a in first)
    assert all(u.question in rows[0] for u in units)   # questions are the header's names, never an answer


def test_a_long_format_export_keeps_the_first_row(tmp_path):
    # one row per answer: the first row's question recurs in its column, so it is data
    rows = [["respondent_id", "role", "question", "answer"],
            ["P01", "participant", "What was the most valuable aspect of your CoP?", "Hearing how others cope."],
            ["P01", "participant", "How many sessions did you attend?", "6"],
            ["P02", "participant", "What was the most valuable aspect of your CoP?", "Not being alone."]]
    p = tmp_path / "long.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p)
    assert len({u.speaker_key for u in units}) == 2   # P01 and P02, the first row included
    assert all(u.question in rows[0] for u in units)


# ------------------------------------------------------------ CR line ends alone do not make Mac Roman

@pytest.mark.parametrize("encoding, answer", [
    ("cp1252", "It’s the only place I’m understood – “truly”. Café chats."),   # Windows-1252, CR line ends
    ("cp1252", "Un café, un résumé, déjà vu."),                                # accents only
    ("mac_roman", "It’s the only place I’m understood – “truly”. Café chats."),  # Excel for Mac, as before
    ("mac_roman", "Un café, un résumé, déjà vu."),
])
def test_cr_only_files_are_decoded_by_what_their_bytes_read_as(tmp_path, encoding, answer):
    rows = [["ID", "What was the most valuable aspect of your CoP?"], ["1", answer], ["2", "Plain words."]]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows, encoding=encoding, newline="\r"))
    _, _, units = units_of(p)
    assert [u.text for u in units] == [answer, "Plain words."]


# ------------------------------------------------------- a turn that is only a bracketed line is a turn

@pytest.mark.parametrize("label", ["{name}:", "{name}  0:12"])
@pytest.mark.parametrize("turn", ["(Yes.)", "(I agree)", "[Yes, absolutely]"])
def test_a_speakers_whole_turn_in_brackets_is_kept(tmp_path, label, turn):
    lines = ["Jo Smith: Did the group feel safe to you?", label.format(name="Ana Ruiz"), turn,
             "Ben Ode: Same for me, it was where I found my allies."]
    p = tmp_path / "fg.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = list(read(Source(p, detect_format(p), {}, ())).units)
    assert [u.text for u in units] == ["Did the group feel safe to you?", turn,
                                       "Same for me, it was where I found my allies."]
    assert len({u.speaker_key for u in units}) == 3


@pytest.mark.parametrize("aside, kept", [
    ("(Absolutely wonderful.)", True),     # a sentence in brackets: words said
    ("[Yes, it really did.]", True),
    ("[laughs]", False),                   # notes: no one's words, as before
    ("[Cara Wu joined at 00:14:10]", False),
])
def test_a_bracketed_line_inside_a_turn_is_kept_when_it_is_a_sentence(tmp_path, aside, kept):
    lines = ["Jo Smith: What stood out?", "Ana Ruiz: The first thing I noticed was the warmth.", aside,
             "And the second was how honest people were about backlash."]
    p = tmp_path / "fg.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = list(read(Source(p, detect_format(p), {}, ())).units)
    words = ["The first thing I noticed was the warmth."] + ([aside] if kept else []) + [lines[3]]
    assert [u.text for u in units] == ["What stood out?", " ".join(words)]


# -------------------------------------------------- short capitals above a speaker are words, not avatars

AVATARLESS = """Jo Smith   0:03
Did you agree with her?
Ben Ode   0:10
OK
Olga Kay   0:15
I did not, at first, and then I did.
Ana Ruiz   0:20
The support came from the
HR
Harriet Rose   0:30
My manager only changed when it became policy.
"""

AVATAR_COPY = """JS
Jo Smith   0:03
Did you agree with her?
BO
Ben Ode   0:10
I would say OK
OK
Olga Kay   0:15
I did not, at first, and then I did.
"""


@pytest.mark.parametrize("transcript, expected", [
    (AVATARLESS, ["Did you agree with her?", "OK", "I did not, at first, and then I did.",
                  "The support came from the HR", "My manager only changed when it became policy."]),
    # a real avatar copy: the avatar is blanked, the same word ending the turn before stays
    (AVATAR_COPY, ["Did you agree with her?", "I would say OK", "I did not, at first, and then I did."]),
], ids=["no_avatars", "avatar_copy"])
def test_initials_are_avatars_only_in_a_copy_that_has_them(tmp_path, transcript, expected):
    p = tmp_path / "teams_copy.txt"
    p.write_text(transcript, encoding="utf-8")
    units = list(read(Source(p, detect_format(p), {}, ())).units)
    assert [u.text for u in units] == expected


# ---------------------------------------------------------- a question ending in "timestamp" is a question

@pytest.mark.parametrize("question", ["Any comments on the session timestamp?",
                                      "Reflections on the recording and its timestamp"])
def test_an_open_question_ending_in_timestamp_is_not_a_date(tmp_path, question):
    rows = [["ID", "What was the most valuable aspect of your CoP?", question],
            ["1", "Feeling that I am not alone in this work.", "The session times clashed with school pickup."],
            ["2", "Hearing how other schools handle backlash.", "Evening sessions would suit me better."]]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p)
    assert [u.text for u in units if u.question == question] == [rows[1][2], rows[2][2]]


# -------------------------------------------------------------- a quoted cue title is no Webex speaker

@pytest.mark.parametrize("title", ["Introductions", "Chapter 2", "Part two: backlash"])
def test_a_quoted_cue_title_is_no_speaker_and_keeps_the_cues_own_label(tmp_path, title):
    vtt = f"""WEBVTT

1 "{title}"
00:00:01.000 --> 00:00:06.000
Jo Smith: Welcome everyone, thanks for coming.

2 "{title}"
00:00:06.500 --> 00:00:14.000
Ana Ruiz: I leave every session with energy I did not have when I arrived.
"""
    p = tmp_path / "session.vtt"
    p.write_text(vtt, encoding="utf-8")
    r = read(Source(p, detect_format(p), {}, ()))
    units = list(r.units)
    assert [u.text for u in units] == ["Welcome everyone, thanks for coming.",
                                       "I leave every session with energy I did not have when I arrived."]
    assert len({u.speaker_key for u in units}) == 2
