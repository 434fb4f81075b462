"""Regressions from a run on an independent folder of real-format exports (nothing from the sample
corpus): export shapes the readers first got wrong. Every file is written by the test."""
from __future__ import annotations


import pytest

from copquotes.errors import UnknownFormatError
from copquotes.ingest import detect_format, discover, load_roster
from copquotes.ingest.base import truthy, year_from_text
from copquotes.ingest.roster import RosterMatcher
from copquotes.ingest.transcript import kind_from_name
from copquotes.types import RosterEntry

from .builders import csv_bytes, texts, units_of




# ------------------------------------------------------------------------------------- surveys

QUALTRICS_IDS = ["StartDate", "Status", "ResponseId", "RecipientEmail", "Q_RecaptchaScore", "1_Q4", "Q7_1", "Q7_2",
                 "Q3", "Q8", "Q9"]
QUALTRICS_Q = ["Start Date", "Response Type", "Response ID", "Recipient Email", "Q_RecaptchaScore",
               "Session 1 - What stood out for you in this session?",
               "Reflecting on the series: - What worked well", "Reflecting on the series: - What could be better",
               "What is your role? - Selected Choice", "Please tell us your name (optional)",
               "May we quote your comments anonymously in our reports?"]
QUALTRICS_IMP = ['{"ImportId":"startDate","timeZone":"Australia/Melbourne"}', '{"ImportId":"status"}',
                 '{"ImportId":"_recordId"}', '{"ImportId":"recipientEmail"}', '{"ImportId":"Q_RecaptchaScore"}',
                 '{"ImportId":"1_QID4_TEXT"}', '{"ImportId":"QID7_1"}', '{"ImportId":"QID7_2"}', '{"ImportId":"QID3"}',
                 '{"ImportId":"QID8_TEXT"}', '{"ImportId":"QID9"}']
QUALTRICS_ROWS = [
    ["2024-06-03 09:00:00", "IP Address", "R_a1", "ana@example.org", "0.9",
     "The story about the football coach who changed the team song.",
     "Small groups and the shared notes afterwards, I reread them before every school visit.",
     "Earlier start in the year, term four is chaos in schools.", "Teacher", "Marnie Whitfield", "Yes"],
    ["2024-06-04 09:00:00", "IP Address", "R_b2", "", "1.0", "Hearing that other councils struggle with sign-off.",
     "Honest conversations about backlash and how to look after ourselves afterwards.",
     "Fewer guest speakers and more time for us to talk to each other.", "Teacher", "Tui", "No"],
    ["2024-06-05 09:00:00", "IP Address", "R_c3", "", "0.8", "The facilitator naming that slow is normal.",
     "The mix of new and experienced people in one room, which I did not expect to value.",
     "A printed summary of the resources we shared in every session.", "Youth worker", "Yes", "Yes"],
]


def test_qualtrics_name_question_loop_and_form_fields(tmp_path):
    p = tmp_path / "qualtrics_2024.csv"
    p.write_bytes(csv_bytes([QUALTRICS_IDS, QUALTRICS_Q, QUALTRICS_IMP, *QUALTRICS_ROWS]))
    fmt, r, units = units_of(p)
    assert fmt == "qualtrics_csv"
    cols = {c["column"]: c["role"] for c in r.columns}
    # "Please tell us your name (optional)" holds names: identity, never text
    assert cols["Q8"] == "identity" and cols["Q3"] == "other"
    # Loop & Merge "1_QID4_TEXT" is a text entry; form fields "QID7_1" with long answers are open text
    assert {"1_Q4", "Q7_1", "Q7_2"} <= {c for c, role in cols.items() if role == "open"}
    assert "Whitfield" not in texts(units) and "Tui" not in texts(units)
    values = {i.value for i in r.identifiers}
    assert {"Marnie Whitfield", "Tui", "ana@example.org"} <= values
    assert "Yes" not in values  # a yes/no typed into the name box is not a name
    assert {u.consent for u in units} == {True, False}


SM_ROW1 = ["Respondent ID", "Collector ID", "Start Date", "IP Address", "Which of these resources did you use?", "", "",
           "What has been the biggest challenge in your prevention work this year?",
           "If you would like us to follow up with you, please leave your details", "", "", ""]
SM_ROW2 = ["", "", "", "", "Change the Story", "Our Watch toolkit", "Other (please specify)", "Open-Ended Response",
           "Name", "Company", "Email Address", "Phone Number"]
SM_ROWS = [
    ["1001", "77", "06/02/2024", "192.0.2.1", "Change the Story", "", "", "Resistance from a new principal who "
     "thinks respectful relationships is political.", "Greta Solberg", "Northside Women's Service", "greta@ex.org",
     "0412 555 019"],
    ["1002", "77", "06/03/2024", "192.0.2.2", "", "Our Watch toolkit", "", "Burnout. I'm the only one in our "
     "service doing prevention and it never stops.", "", "", "", ""],
    ["1003", "77", "06/04/2024", "192.0.2.3", "", "Our Watch toolkit", "", "Getting leadership to see prevention "
     "as core business, not a nice extra.", "Yusuf Demir", "Shire of Example", "yd@ex.org", "(03) 5555 0142"],
]


def test_surveymonkey_checkbox_columns_and_contact_fields(tmp_path):
    p = tmp_path / "surveymonkey.csv"
    p.write_bytes(csv_bytes([SM_ROW1, SM_ROW2, *SM_ROWS], encoding="cp1252"))
    fmt, r, units = units_of(p)
    assert fmt == "surveymonkey_csv"
    # a ticked check box repeats its option label: a choice, not an answer
    assert {u.question for u in units} == {"What has been the biggest challenge in your prevention work this year?"}
    assert len(units) == 3
    kinds = {(i.value, i.kind) for i in r.identifiers}
    assert {("Greta Solberg", "person"), ("Northside Women's Service", "org"), ("greta@ex.org", "email"),
            ("0412 555 019", "phone"), ("Shire of Example", "org")} <= kinds


@pytest.mark.parametrize("question,values,identity", [
    ("Who facilitated your session?", ["Jane Smith", "Dr Tom Nguyen", "Jane Smith", "Aroha Ngata"], True),
    ("Who facilitated your session?", ["Not sure, I think the lady from the council", "Jane", "Can't remember"], False),
    ("What was the highlight?", ["Change the Story", "Group Agreements", "Peer Learning Circles"], False),
])
def test_columns_of_person_names_are_identity(tmp_path, question, values, identity):
    rows = [["ID", question, "Any other comments?"]]
    comments = ["More time to talk in small groups please.", "It was great to meet people from other regions.",
                "I wish the sessions had started earlier in the year.", "Thanks for a safe and warm space."]
    rows += [[str(i), v, comments[i]] for i, v in enumerate(values)]
    p = tmp_path / "facilitators.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    role = {c["question"]: c["role"] for c in r.columns}[question]
    assert (role == "identity") is identity
    if identity:
        assert "Jane Smith" not in texts(units) and "Jane Smith" in {i.value for i in r.identifiers}


def test_european_semicolon_export_consent_words_and_date_column(tmp_path):
    rows = [["Zeitstempel", "Name", "Zufriedenheit (1-5)", "What did you value most about the network?",
             "May we quote you anonymously?"],
            ["12.03.2024 09:14", "Anke Vogel", "4,5", "Swapping notes with people in other countries \u2013 the "
             "problems are the same everywhere.", "ja"],
            ["12.03.2024 10:02", "", "5", "A calm space to talk about backlash without it becoming a debate.", "oui"],
            ["13.03.2024 16:40", "Luca Bianchi", "3,5", "Concrete tools for workplace audits I could adapt.", "non"]]
    p = tmp_path / "network_feedback.csv"
    p.write_bytes(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    _, r, units = units_of(p)
    assert [u.consent for u in units] == [True, True, False]
    assert {u.year for u in units} == {"2024"}  # from the values of a date column named in German
    assert "\u2013" in units[0].text and "Anke" not in texts(units)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_tab_delimited_txt_saved_from_excel_is_a_survey(tmp_path, encoding):
    rows = [["Respondent", "Group", "What did you value most?", "What would you change?"],
            ["1", "RRE", "The permission to not have all the answers.", "More time for case discussion."],
            ["2", "RRE", "Being reminded why this work matters when the school doesn't seem to care.", ""],
            ["3", "RRE", "People who get it. I don't have to explain myself here.", "Hold it after school hours."]]
    p = tmp_path / "responses (unicode text).txt"
    p.write_bytes(csv_bytes(rows, delimiter="\t", encoding=encoding))
    fmt, r, units = units_of(p)
    assert fmt == "plain_csv"
    assert len(units) == 5 and units[0].question == "What did you value most?"


@pytest.mark.parametrize("value,expected", [
    ("ja", True), ("Oui", True), ("sí", True), ("nein", False), ("non", False), ("Nee.", False),
    ("non-binary", None), ("Jan", None), ("yes please", True),
])
def test_consent_words_from_european_locales(value, expected):
    assert truthy(value, allow_numeric=False) is expected


@pytest.mark.parametrize("text,year", [
    ("GMT20240611-083000_RecordingnewChat", "2024"),
    ("CoP session 3-20240917_180212-Meeting Transcript", "2024"),
    ("fg_2023-2024", "2023-2024"),
    ("fg_12345678", None),
])
def test_year_from_compact_date_stamps(text, year):
    assert year_from_text(text) == year


@pytest.mark.parametrize("header,row", [
    (["First name", "Last name", "Role (participant/facilitator)", "Consent to quote (Y/N)"],
     ["Odette", "Marchetti", "Facilitator", "Y"]),
    (["Participant name", "Role", "OK to be quoted?"], ["Odette Marchetti", "facilitator", "yes"]),
    (["Full name", "Participant type / role", "Consent (quotes)", "Consent to record"],
     ["Odette Marchetti", "Facilitator", "yes", "no"]),
])
def test_roster_headers_are_matched_loosely(tmp_path, header, row):
    p = tmp_path / "attendance.csv"
    others = [["Bilal", "Qureshi", "Participant", "N"], ["Hana", "Sato", "Participant", "Y"]]
    body = [row] + ([o for o in others] if len(header) == 4 and header[0] == "First name" else [])
    p.write_bytes(csv_bytes([header, *body]))
    assert detect_format(p) == "roster_csv"
    roster = load_roster(p)
    assert roster[0] == RosterEntry("Odette Marchetti", "facilitator", True)
    if len(roster) > 1:
        assert [e.quote_consent for e in roster] == [True, False, True]


# ----------------------------------------------------------------------------------- transcripts

TEAMS_TURNS = [("Wiremu Hona", 3, "Kia ora everyone, let's start with a quick round of how you're arriving."),
               ("Siobhan Carty", 21, "Arriving a bit flat. I'm the only prevention worker in the district."),
               ("Wiremu Hona", 45, "Thanks for being honest. How does that isolation show up day to day?"),
               ("Lachlan Mbeki", 95, "The CoP is the only place I hear from people who understand a country town.")]


def _teams_docx(path, layout):
    import docx

    d = docx.Document()
    d.add_paragraph("Regional and rural CoP check-in")
    d.add_paragraph("March 5, 2024, 4:00PM")
    d.add_paragraph("38m 9s")
    for name, sec, text in TEAMS_TURNS:
        ts = f"{sec // 60}:{sec % 60:02d}"
        if layout == "ts_first":
            d.add_paragraph(f"{ts} {name}")
        elif layout == "split":
            d.add_paragraph(name)
            d.add_paragraph(ts)
        elif layout == "hms_inline":
            p = d.add_paragraph(f"{name} 00:0{sec // 60}:{sec % 60:02d}")
            p.add_run().add_break()
            p.add_run(text)
            continue
        d.add_paragraph(text)
    d.save(path)
    return path


@pytest.mark.parametrize("layout", ["ts_first", "split", "hms_inline"])
def test_teams_docx_header_layouts(tmp_path, layout):
    p = _teams_docx(tmp_path / f"checkin_{layout}.docx", layout)
    fmt, r, units = units_of(p)
    assert fmt == "teams_docx"
    assert [u.speaker_key for u in units] == ["S1", "S2", "S1", "S3"]
    assert [u.text for u in units] == [t for _, _, t in TEAMS_TURNS]
    joined = texts(units)
    assert not any(n in joined for n in ("Wiremu", "Siobhan", "Lachlan", "0:03", "38m"))
    assert units[1].start_time == "00:00:21" and r.meta["year"] == "2024"
    assert {"Wiremu Hona", "Siobhan Carty", "Lachlan Mbeki"} <= {i.value for i in r.identifiers}


@pytest.mark.parametrize("header", [True, False])
def test_docx_transcript_laid_out_as_a_table(tmp_path, header):
    import docx

    d = docx.Document()
    d.add_paragraph("Focus group - Tertiary settings CoP - 22 October 2024")
    rows = [("Facilitator", "00:00:05", "Let's begin with what brought you to the CoP."),
            ("Imogen Clarke", "00:00:20", "I'm the only prevention person at my university and I needed colleagues."),
            ("Ravi Menon", "00:00:41", "For me it was about evidence, what actually works with students."),
            ("Imogen Clarke", "00:01:02", "And it turned out the colleagues were the evidence, in a way.")]
    t = d.add_table(rows=0, cols=3)
    if header:
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = "Speaker", "Time", "Text"
    for row in rows:
        cells = t.add_row().cells
        for c, v in zip(cells, row):
            c.text = v
    d.add_paragraph("End of transcript")
    p = d.save(tmp_path / "fg_table.docx") or tmp_path / "fg_table.docx"
    _, r, units = units_of(p)
    assert [u.text for u in units[:4]] == [t for _, _, t in rows]
    assert [u.speaker_role for u in units[:4]] == ["facilitator", "participant", "participant", "participant"]
    assert units[1].speaker_key == units[3].speaker_key != units[2].speaker_key
    assert "Imogen" not in texts(units) and "Speaker" not in texts(units)
    assert r.meta["source_kind"] == "focus_group" and units[1].start_time == "00:00:20"


ZOOM_CHAT_NEW = """10:02:15 From Rosalind Achterberg to Everyone:
\tWelcome! Please add your organisation to the chat if you're comfortable.
10:03:40 From Devika Pillai to Everyone:
\tHi all, joining from the school office today.
\tSorry about the background noise.
10:05:30 From Jordan Blake to Rosalind Achterberg (Direct Message):
\tI might need to step out early, family stuff.
10:06:11 From Mele Vaipulu to Everyone:
\tReacted to "Hi all, joining from..." with \u2764\ufe0f
10:09:45 From Mele Vaipulu to Everyone:
\tReplying to "Hi all, joining from...":
\tSame here! It saved me a difficult phone call.
"""
ZOOM_CHAT_OLD = """10:02:15\t From  Rosalind Achterberg : Welcome! Please add your organisation to the chat.
10:03:40\t From  Devika Pillai : Hi all, joining from the school office today. Sorry about the noise.
10:05:30\t From  Jordan Blake  to  Rosalind Achterberg(Direct Message) : I might need to step out early.
10:09:45\t From  Mele Vaipulu  to  Everyone : Same here! It saved me a difficult phone call.
"""


@pytest.mark.parametrize("content", [ZOOM_CHAT_NEW, ZOOM_CHAT_OLD])
def test_zoom_saved_chat(tmp_path, content):
    p = tmp_path / "meeting_saved_chat.txt"
    p.write_text(content, encoding="utf-8")
    fmt, r, units = units_of(p)
    assert fmt == "zoom_chat_txt"
    assert len(units) == 3 and [u.speaker_key for u in units] == ["S1", "S2", "S3"]
    assert units[1].text.startswith("Hi all, joining from the school office today.")
    assert units[2].text.startswith("Same here!")
    joined = texts(units)
    # direct messages, reactions and the quoted line of a reply are not the group's talk
    for gone in ("step out", "Reacted", "Replying", "From ", "Everyone", "Achterberg", "Devika", "Vaipulu"):
        assert gone not in joined
    assert {"Rosalind Achterberg", "Devika Pillai", "Mele Vaipulu"} <= {i.value for i in r.identifiers}


@pytest.mark.parametrize("content,first_text,header_name", [
    ("Interview transcript\nInterviewer: Sam (evaluation team)\n\nInterviewer: Thanks for agreeing to chat.\n"
     "Participant: Happy to.\n", "Thanks for agreeing to chat.", "Sam"),
    ("Interviewer: Jo Bloggs\nParticipant: P7\nDate: 12 August 2024\n\nInterviewer: Shall we start?\n"
     "Participant: Sure, go ahead.\n", "Shall we start?", "Jo Bloggs"),
    ("P1: Steadying\nP2: Honestly? Relief.\nFacilitator: Tell me more.\n", "Steadying", None),
    ("Interviewer: Hello\nParticipant: Hi there.\n", "Hello", None),
])
def test_header_lines_of_typed_transcripts_are_not_speech(tmp_path, content, first_text, header_name):
    p = tmp_path / "interview_p7.txt"
    p.write_text(content, encoding="utf-8")
    _, r, units = units_of(p)
    assert units[0].text == first_text
    if header_name:
        assert header_name not in texts(units)
        assert header_name in {i.value for i in r.identifiers}


@pytest.mark.parametrize("path,kind", [
    ("interviews/P7.txt", "interview"), ("x/Interview with P3 2024.docx", "interview"),
    ("fg_leaders_2025/session 5.vtt", "focus_group"), ("x/Focus group 2.txt", "focus_group"),
    ("x/facilitator_reflections.txt", "reflection"), ("x/session3.vtt", None),
    ("x/interview_and_focus_group_notes.txt", None), ("x/configuration.txt", None),
])
def test_source_kind_from_file_or_folder_name(path, kind):
    assert kind_from_name(path) == kind


def test_source_kind_from_name_applies_without_manifest(tmp_path):
    p = tmp_path / "otter_interview_NH_2024.txt"
    p.write_text("Speaker 1  0:03\nThanks for making time.\n\nNoor Hamdan  0:09\nNo worries, happy to.\n\n"
                 "Speaker 1  0:12\nWhat were you hoping for?\n\nNoor Hamdan  0:19\nTo stop making it up.\n",
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert {u.source_kind for u in units} == {"interview"}
    assert units_of(p, source_kind="focus_group")[2][0].source_kind == "focus_group"  # metadata still wins


def test_roster_alias_with_surname_matches():
    roster = [RosterEntry("Devika Pillai", "participant", True, ("Dev",)),
              RosterEntry("Devika Rao", "participant", False)]
    m = RosterMatcher(roster)
    assert m.match("Dev Pillai (she/her)") is roster[0]
    assert m.match("Devika") is None  # ambiguous first name: nobody, no consent guessed


def test_vtt_without_speaker_labels_is_cut_into_paragraphs(tmp_path):
    sentences = ["So the thing about backlash is it often comes from people you thought were on side.",
                 "What I've learned here is to get curious rather than defensive.",
                 "Ask them what they're worried about, usually it's fairness.",
                 "It doesn't always work, but it works more often than arguing."] * 12
    lines = ["WEBVTT", ""]
    for i, s in enumerate(sentences):
        lines += [f"00:{i // 6:02d}:{(i % 6) * 10:02d}.000 --> 00:{i // 6:02d}:{(i % 6) * 10 + 9:02d}.000", s, ""]
    p = tmp_path / "captions.vtt"
    p.write_text("\n".join(lines), encoding="utf-8")
    _, r, units = units_of(p)
    assert 3 <= len(units) <= 8
    assert all(len(u.text.split()) <= 270 for u in units)
    assert " ".join(u.text for u in units) == " ".join(sentences)
    assert all(u.text.endswith(".") for u in units)


# ----------------------------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("name", ["budget.xlsx", "notes.docx", "old.doc", "responses.csv"])
def test_password_protected_office_files_say_so(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(UnknownFormatError, match="password-protected") as exc:
        detect_format(p)
    assert str(exc.value).startswith(str(p)) and "\n" not in str(exc.value)
    d = discover([tmp_path])
    # .xlsx/.docx/.csv are formats copquotes reads: the file is an unreadable export; a .doc is another type
    assert not d.sources and (d.skipped if name.endswith(".doc") else d.unreadable)[0][0] == p


def test_qualtrics_with_only_the_importid_row_deleted(tmp_path):
    rows = [QUALTRICS_IDS, QUALTRICS_Q, *QUALTRICS_ROWS]
    rows[3] = ["2024-06-04 09:00:00", "Survey Preview"] + rows[3][2:]  # a preview response: not data
    p = tmp_path / "qualtrics_two_rows.csv"
    p.write_bytes(b"\xef\xbb\xbf" + csv_bytes(rows))
    fmt, r, units = units_of(p)
    assert fmt == "qualtrics_csv" and r.meta["layout"] == "qualtrics"
    # the question-text row is a header, not a respondent; the name question is still identity
    assert not any(u.text in QUALTRICS_Q for u in units)
    assert {u.question for u in units} >= {"Reflecting on the series: - What worked well"}
    assert "Whitfield" not in texts(units)
    assert {u.locator.split(",")[0] for u in units} == {"row 3", "row 5"}


def test_roster_with_a_typo_in_a_role_names_the_row(tmp_path):
    from copquotes.errors import ConfigError

    (tmp_path / "roster.csv").write_text("name,role,quote_consent\nJo Bell,facilitator,yes\nKim Hart,particpant,no\n"
                                         "Ana Lopez,participant,yes\n", encoding="utf-8")
    (tmp_path / "fg.txt").write_text("Jo Bell: Welcome.\nKim Hart: Thanks for having me here.\n", encoding="utf-8")
    assert detect_format(tmp_path / "roster.csv") == "roster_csv"
    with pytest.raises(ConfigError, match=r"roster.csv \(row 3\): role 'particpant'"):
        discover([tmp_path])


def test_zoom_display_names_with_pronouns_org_and_device(tmp_path):
    cues = ["Dr. J. Smith (she/her) - Safe Steps: Hello all, thanks for coming.",
            "jane's iPad: Sorry, I'm on my iPad today, the laptop died.",
            "+61 3 9555 0123: Hi, dialling in from the car.",
            "jane's iPad: Anyway, the thing that helped me most was the group agreement."]
    lines = ["WEBVTT", ""]
    for i, c in enumerate(cues):
        lines += [str(i + 1), f"00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000", c, ""]
    p = tmp_path / "zoom.vtt"
    p.write_text("\n".join(lines), encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S3", "S2"]
    assert not any(x in texts(units) for x in ("Smith", "Safe Steps", "she/her", "jane's", "+61"))
    idents = {i.value: i for i in r.identifiers}
    assert "Dr. J. Smith" in idents and "jane" in idents and idents["+61 3 9555 0123"].kind == "phone"
    assert "Safe Steps" in " ".join(idents["Dr. J. Smith"].aliases)


def test_teams_vtt_speech_outside_a_voice_span_is_not_given_to_the_last_speaker(tmp_path):
    p = tmp_path / "teams.vtt"
    p.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Jane Smith>Hello all.</v>\n\n"
                 "00:00:04.500 --> 00:00:09.000\nThis cue has no voice tag at all.\n\n"
                 "00:00:09.500 --> 00:00:12.000\n<v Tom Nguyen>Hi from me.\n", encoding="utf-8")
    roster = [RosterEntry("Jane Smith", "participant", True), RosterEntry("Tom Nguyen", "participant", False)]
    _, r, units = units_of(p, roster=roster)
    assert [(u.text, u.speaker_key, u.consent) for u in units] == [
        ("Hello all.", "S1", True), ("This cue has no voice tag at all.", None, None), ("Hi from me.", "S2", False)]
