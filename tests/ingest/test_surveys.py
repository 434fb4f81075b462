"""Survey readers: Qualtrics, SurveyMonkey, Microsoft Forms, plain CSV/XLSX."""
from __future__ import annotations

import json

import pytest

from copquotes.errors import ConfigError, InputError
from copquotes.ingest import Source, detect_format, read, read_path

from .builders import COP_FOLDER, FORMS_HEADER, make_forms_xlsx, make_plain_xlsx, write_csv

QUALTRICS = COP_FOLDER / "surveys" / "qualtrics_end_of_series_2024.csv"
SURVEYMONKEY = COP_FOLDER / "surveys" / "surveymonkey_midseries_2023.csv"

IDENTITY_VALUES = [
    "tom.okafor@example.org", "aroha.ngata@example.org", "sam.chen@example.org", "mia.rossi@example.org",
    "lena.h@example.org", "203.0.113.17", "198.51.100.23", "EMP-0041", "EMP-0042", "-37.8136", "144.9631",
    "Okafor", "Ngata", "Hoffmann", "114290876543", "R_3kQ9vXa1bC2dE4f",
]

PLAIN_HEADER = ["Respondent", "Your name", "Role", "How would you rate the sessions?",
                "What was the most valuable aspect of your CoP?", "Any other comments?",
                "Can we use your comments in our annual report?"]
PLAIN_ROWS = [
    ["1", "Jane Smith", "Teacher", "Excellent", "Feeling held by people who understand the work and its weight.",
     "More please — and café-style catch-ups between sessions.", "Yes"],
    ["2", "Ana Lopez", "Youth worker", "Good", "Practical ideas for responding to sexist comments from students.",
     "nil", "No"],
    ["3", "Ben Ward", "Teacher", "Excellent", "", "Loved it. Naïve questions were always welcome here.", ""],
]


def units_of(path, **meta):
    r = read_path(path, meta=meta or None)
    return r, list(r.units)


# --------------------------------------------------------------------------- Qualtrics

def test_qualtrics_units_questions_and_consent():
    r, units = units_of(QUALTRICS)
    assert detect_format(QUALTRICS) == "qualtrics_csv"
    assert r.meta["layout"] == "qualtrics"
    # open questions: the two text entries and "Any other comments?"; not the Likert matrix,
    # not the role choice, not "how many sessions" (numbers), not the role other-specify text
    assert r.meta["open_questions_found"] == ["Q3", "Q4", "Q6"]
    assert r.meta["consent_column_found"] == "Q7"
    assert [u.locator for u in units][:2] == ["row 4, col X", "row 4, col Y"]
    assert {dict(u.extra)["column"] for u in units} == {"Q3", "Q4", "Q6"}
    by_q = {u.question for u in units}
    assert "What was the most valuable aspect of your CoP?" in by_q
    # the preview response is dropped; "n/a" and "-" answers are not units
    assert not any("Preview" in u.text for u in units)
    assert r.stats["skipped_rows"] == 1 and r.stats["skipped_answers"] == 2
    assert all(u.speaker_role == "respondent" and u.source_kind == "survey" for u in units)
    consent = {u.speaker_key: u.consent for u in units}
    assert sorted(consent.values(), key=str) == sorted([True, True, False, None], key=str)
    # multi-line answers keep their line break (CRLF in the file -> \n)
    assert any("parents.\nNow I plan them" in u.text for u in units)
    assert [u.position for u in units] == list(range(len(units)))
    assert r.meta["year"] == "2024"  # from the response dates


def test_qualtrics_speaker_keys_are_pseudonyms():
    import hashlib
    _, units = units_of(QUALTRICS)
    keys = {u.speaker_key for u in units}
    assert len(keys) == 4
    expected = "R" + hashlib.sha1(f"{QUALTRICS.name}:R_3kQ9vXa1bC2dE4f".encode()).hexdigest()[:8]
    assert expected in keys
    assert all(k.startswith("R") and len(k) == 9 for k in keys)


@pytest.mark.parametrize("path", [QUALTRICS, SURVEYMONKEY])
def test_identity_columns_never_in_unit_text(path):
    r, units = units_of(path)
    blob = "\n".join(u.text + " " + (u.question or "") + " " + str(u.extra) + " " + (u.speaker_key or "")
                     for u in units)
    for value in IDENTITY_VALUES:
        assert value not in blob
    idents = {(i.value, i.kind) for i in r.identifiers}
    assert ("tom.okafor@example.org", "email") in idents or ("mia.rossi@example.org", "email") in idents
    assert all(i.source == "identity_column" for i in r.identifiers)
    # machine ids (IP addresses, coordinates) are neither text nor identifiers
    assert not any(i.value.startswith(("203.0.113", "198.51.100", "-37.")) for i in r.identifiers)


def test_qualtrics_identifiers_combine_first_and_last_name():
    r, _ = units_of(QUALTRICS)
    people = {i.value: i.aliases for i in r.identifiers if i.kind == "person"}
    assert people["Tom Okafor"] == ("Tom", "Okafor")
    assert "Aroha Ngata" in people and "Sam Chen" in people


def test_qualtrics_with_header_rows_2_and_3_deleted_reads_as_plain(tmp_path):
    import csv
    rows = list(csv.reader(QUALTRICS.read_text(encoding="utf-8-sig").splitlines(True)))
    p = write_csv(tmp_path / "cleaned.csv", [rows[0]] + rows[3:])
    assert detect_format(p) == "plain_csv"
    r, units = units_of(p)
    assert "Q3" in r.meta["open_questions_found"]
    blob = " ".join(u.text for u in units)
    assert "tom.okafor@example.org" not in blob and "EMP-0041" not in blob


def test_qualtrics_legacy_two_header_rows(tmp_path):
    rows = [
        ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1", "Q2"],
        ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress", "Status",
         "StartDate", "EndDate", "Finished", "Overall I was satisfied",
         "What was the most valuable aspect of the CoP for you?"],
        ["R_1", "Default Response Set", "Kim Tran", "", "kim@example.org", "1.2.3.4", "0", "2016-05-01 10:00:00",
         "2016-05-01 10:10:00", "1", "4", "Learning how other schools ran respectful relationships units."],
        ["R_2", "Default Response Set", "Lee Park", "", "lee@example.org", "1.2.3.5", "0", "2016-05-02 10:00:00",
         "2016-05-02 10:10:00", "1", "5", "The network of people I can now call on."],
    ]
    p = write_csv(tmp_path / "legacy.csv", rows)
    assert detect_format(p) == "qualtrics_csv"
    r, units = units_of(p)
    assert [u.text for u in units] == [rows[2][11], rows[3][11]]
    assert {"kim@example.org", "Kim Tran"} <= {i.value for i in r.identifiers}
    assert r.meta["year"] == "2016"


# ------------------------------------------------------------------------- SurveyMonkey

def test_surveymonkey_two_header_rows_and_checkbox_columns():
    r, units = units_of(SURVEYMONKEY)
    assert detect_format(SURVEYMONKEY) == "surveymonkey_csv"
    found = r.meta["open_questions_found"]
    # the "Other (please specify)" sub-column of the checkbox question has a long answer: kept;
    # checkbox option columns and the satisfaction scale are not open
    assert "Q3" in found and "Q4" in found and "Q2_4" in found
    assert not any(c in found for c in ("Q1", "Q2_1", "Q2_2", "Q2_3"))
    assert r.meta["consent_column_found"] == "Q5"
    q = {u.question for u in units}
    assert "Which parts of the CoP did you find useful? (select all that apply) - Other (please specify)" in q
    assert "What was the most valuable aspect of your CoP?" in q
    assert [u.consent for u in units if dict(u.extra)["column"] == "Q3"] == [False, True, None]
    assert not any(u.text == "none" for u in units)
    assert r.meta["year"] == "2023"


# ------------------------------------------------------------------------- MS Forms

def test_msforms_xlsx_with_extra_sheets(tmp_path):
    p = make_forms_xlsx(tmp_path / "CoP feedback(1-3).xlsx")
    assert detect_format(p) == "msforms_xlsx"
    r, units = units_of(p)
    assert r.meta["layout"] == "msforms"
    assert set(r.meta["open_questions_found"]) == {
        "What was the most valuable aspect of your CoP?",
        "What is one thing you will do differently in your practice?"}
    assert len(units) == 5  # 3 + 2 ("N/A" skipped)
    assert [u.locator for u in units][:2] == ["row 2, col I", "row 2, col J"]
    assert [u.consent for u in units] == [True, True, False, True, True]
    blob = " ".join(u.text for u in units)
    assert "example.org" not in blob and "Aroha Ngata" not in blob
    assert {"Aroha Ngata", "tom.okafor@example.org"} <= {i.value for i in r.identifiers}
    assert "anonymous" not in {i.value for i in r.identifiers}
    assert r.meta["year"] == "2024"


def test_msforms_quiz_columns_and_multiselect_not_open(tmp_path):
    header = FORMS_HEADER[:6] + ["Total points", "Quiz feedback", "Which sessions did you attend?",
                                 "Points - Which sessions did you attend?", "Feedback - Which sessions did you attend?",
                                 "Tell us about a moment in the CoP that changed how you work."]
    rows = [[i, "3/14/24 10:02:11", "3/14/24 10:09:40", "anonymous", None, None, 0, "",
             sel, 0, "", text] for i, (sel, text) in enumerate([
                 ("Session 1;Session 2;", "Role-playing a conversation with a principal, I found my words."),
                 ("Session 2;Session 3;Session 4;", "A peer shared her complaint script and I used it the next day."),
                 ("Session 1;Session 4;", "Hearing that others also felt burnt out made me take leave."),
                 ("Session 1;Session 2;Session 3;", "Realising my own assumptions about young men."),
             ], start=1)]
    p = make_forms_xlsx(tmp_path / "quiz.xlsx", header=header, rows=rows, extra_sheets=False)
    r, units = units_of(p)
    assert r.meta["open_questions_found"] == ["Tell us about a moment in the CoP that changed how you work."]
    assert len(units) == 4


# --------------------------------------------------------------------- plain CSV / XLSX

@pytest.mark.parametrize("encoding,newline,delimiter", [
    ("utf-8", "\n", ","),
    ("utf-8-sig", "\r\n", ","),          # Excel "CSV UTF-8" with a BOM
    ("cp1252", "\r\n", ","),             # Excel "CSV" on Windows
    ("utf-16", "\r\n", "\t"),            # Excel "Unicode text" / Qualtrics TSV
    ("utf-8", "\r\n", ";"),              # European Excel
])
def test_plain_csv_encodings_and_delimiters(tmp_path, encoding, newline, delimiter):
    ext = ".tsv" if delimiter == "\t" else ".csv"
    p = write_csv(tmp_path / f"feedback{ext}", [PLAIN_HEADER] + PLAIN_ROWS, encoding, newline, delimiter)
    assert detect_format(p) == "plain_csv"
    r, units = units_of(p)
    texts = [u.text for u in units]
    assert texts == [PLAIN_ROWS[0][4], PLAIN_ROWS[0][5], PLAIN_ROWS[1][4], PLAIN_ROWS[2][5]]
    assert "café-style" in texts[1] and "Naïve" in texts[3] and "—" in texts[1]
    assert [u.consent for u in units] == [True, True, False, None]
    assert r.meta["consent_column_found"] == "Can we use your comments in our annual report?"
    assert not any("Jane Smith" in t or "Teacher" == t for t in texts)
    assert {"Jane Smith", "Ana Lopez", "Ben Ward"} <= {i.value for i in r.identifiers}


def test_plain_xlsx_with_title_rows_and_second_sheet(tmp_path):
    p = make_plain_xlsx(tmp_path / "feedback.xlsx", [PLAIN_HEADER] + PLAIN_ROWS,
                        title_rows=[["CoP end-of-series feedback 2024"], []],
                        sheets={"Chart data": [["Rating", "Count"], ["Excellent", 2], ["Good", 1]]})
    assert detect_format(p) == "plain_xlsx"
    r, units = units_of(p)
    assert [u.text for u in units][0] == PLAIN_ROWS[0][4]
    assert units[0].locator.endswith("row 4, col E")
    assert len(units) == 4


def test_plain_xlsx_two_response_sheets(tmp_path):
    p = make_plain_xlsx(tmp_path / "two.xlsx", [PLAIN_HEADER] + PLAIN_ROWS,
                        sheets={"Group B": [PLAIN_HEADER, ["9", "Kai Moana", "Teacher", "Good",
                                                           "Somewhere to bring the hard stuff from school.", "", "Yes"]]})
    r, units = units_of(p)
    assert len(units) == 5
    assert units[-1].locator == "Group B row 2, col E"
    assert ("sheet", "Group B") in units[-1].extra
    assert units[-1].speaker_key != units[0].speaker_key


@pytest.mark.parametrize("answer,skipped", [
    ("n/a", True), ("N/A", True), ("-", True), ("nil", True), ("No", True), ("none.", True), ("None ", True),
    ("no", True), ("No comment", True), ("", True),
    ("Did not answer", True), ("did not answer.", True), ("Not answered", True), ("No answer given", True),
    ("Skipped", True),
    ("Did not answer my question about the referral.", False), ("No answer when I rang the ward.", False),
    ("No, but the sessions were great.", False), ("None of the sessions felt rushed.", False), ("Yes!", False),
])
def test_non_answers_are_skipped(tmp_path, answer, skipped):
    rows = [["ID", "Any other comments?"],
            ["1", "The facilitator created such a safe space for all of us."], ["2", answer]]
    p = write_csv(tmp_path / "s.csv", rows)
    _, units = units_of(p)
    assert (len(units) == 1) == skipped


def test_manifest_open_questions_and_consent_column_override_detection(tmp_path):
    p = write_csv(tmp_path / "s.csv", [PLAIN_HEADER] + PLAIN_ROWS)
    r, units = units_of(p, open_questions=["Any other comments?"], consent_column="Can we use")
    assert {u.question for u in units} == {"Any other comments?"}
    assert r.meta["consent_column_found"] == "Can we use your comments in our annual report?"
    with pytest.raises(ConfigError, match="open_questions 'Q99' matches no column"):
        read_path(p, meta={"open_questions": ["Q99"]})


def test_numeric_consent_codes_need_a_mapping(tmp_path):
    rows = [["ID", "What did you value most?", "May we quote your comments anonymously?"],
            ["1", "The honesty in the room about burnout.", "1"],
            ["2", "Sharing resources with other schools.", "2"]]
    p = write_csv(tmp_path / "s.csv", rows)
    _, units = units_of(p)
    assert [u.consent for u in units] == [None, None]  # never guessed
    _, units = units_of(p, consent_values={"1": "yes", "2": "no"})
    assert [u.consent for u in units] == [True, False]


def test_participation_consent_is_not_quote_consent(tmp_path):
    rows = [["ID", "Do you consent to participate in this survey?", "What was the best part of the CoP?"],
            ["1", "Yes", "Knowing other people are fighting the same fight in their schools."],
            ["2", "Yes", "Being able to admit when something went badly and get ideas."]]
    p = write_csv(tmp_path / "s.csv", rows)
    r, units = units_of(p)
    assert "consent_column_found" not in r.meta
    assert [u.consent for u in units] == [None, None]


# ------------------------------------------------------------------------- errors

def _err(path, **meta):
    with pytest.raises(InputError) as info:
        r = read_path(path, meta=meta or None)
        list(r.units)
    return info.value


@pytest.mark.parametrize("content,message,location", [
    (b"ID,What was valuable?\r\n1,\"An unterminated quote\r\n2,fine\r\n", "unterminated quote", "row 2"),
    (b"ID,What was valuable?,Comments\r\n1,Great sessions with great people,ok\r\n2,short row\r\n",
     "ragged CSV", "row 3"),
    (b"ID,What was valuable?\r\n1,Great sessions,extra,cells\r\n", "ragged CSV", "row 2"),
    (b"ID,What was valuable?\r\n1,\"quoted\"trailing text\r\n", "malformed CSV", "row 2"),
])
def test_malformed_csv_names_the_row(tmp_path, content, message, location):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    err = _err(p)
    assert message in str(err) and err.location.startswith(location)
    assert "\n" not in str(err)


def test_survey_without_open_text_column(tmp_path):
    rows = [["ID", "How satisfied were you?", "Sessions attended", "Date"]] + [
        [str(i), s, str(n), "2024-03-01"] for i, (s, n) in enumerate(
            [("Very satisfied", 6), ("Satisfied", 5), ("Very satisfied", 8), ("Dissatisfied", 2)] * 3)]
    p = write_csv(tmp_path / "likert.csv", rows)
    err = _err(p)
    assert err.reason == "no open-text column found; name them in copquotes.yaml under open_questions"


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\r\n\r\n   \r\n", "empty"),
    (b"ID,What was valuable?\r\n", "no responses"),
])
def test_empty_surveys(tmp_path, content, message):
    p = tmp_path / "empty.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        r = read(Source(p, "plain_csv", {}))
        list(r.units)


@pytest.mark.parametrize("content", [b"PK\x03\x04 this is not really a zip", b"not a zip at all"])
def test_corrupt_xlsx(tmp_path, content):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(content)
    with pytest.raises(InputError, match="corrupt XLSX"):
        detect_format(p)
    with pytest.raises(InputError, match="corrupt XLSX"):
        read(Source(p, "msforms_xlsx", {}))


def test_truncated_xlsx(tmp_path):
    good = make_forms_xlsx(tmp_path / "good.xlsx")
    p = tmp_path / "cut.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match="corrupt XLSX"):
        detect_format(p)


def test_qualtrics_importid_row_is_json():
    # guard against the fixture drifting away from the real layout
    lines = QUALTRICS.read_text(encoding="utf-8-sig").splitlines()
    import csv
    row3 = next(csv.reader([lines[2]]))
    assert all(json.loads(c)["ImportId"] for c in row3)


MIXED_HEADER = ["Timestamp", "Email Address", "What type of organisation do you work for?", "Postcode", "Age", "Gender",
                "Which group were you in?", "Session date", "Rate the sessions 1-5",
                "How likely are you to recommend the CoP?", "What was the best thing about the CoP?",
                "Any other comments?", "What is your job title?", "Name one thing you will try next term.",
                "Other (please specify)", "Region"]
MIXED_ROWS = [
    ["2024/03/01 10:00:00 AM", "a@x.org", "Community health", "3550", "34", "Female", "RRE", "2024-02-01", "4", "9",
     "Honest conversations with people who get it.", "Great!", "Wellbeing teacher",
     "Use the complaint script with parents.", "", "Loddon"],
    ["2024/03/01 11:00:00 AM", "b@x.org", "Local government", "3000", "45", "Male", "RRE", "2024-02-01", "5", "10",
     "The resources and the laughs.", "Loved it", "Youth worker", "Name my assumptions out loud.", "", "Metro"],
    ["2024/03/02 09:00:00 AM", "c@x.org", "Specialist family violence service", "3220", "29", "Non-binary",
     "Early career", "2024-02-08", "3", "7", "Feeling less alone in a small town.", "Thanks", "Prevention officer",
     "Bring a colleague along.", "", "Barwon"],
    ["2024/03/02 09:30:00 AM", "d@x.org", "School", "3910", "51", "Female", "Early career", "2024-02-08", "4", "8",
     "Learning how others handle backlash.", "", "Teacher", "Ask leadership for time.", "", "Peninsula"],
]


def test_open_question_detection_on_mixed_columns(tmp_path):
    p = write_csv(tmp_path / "google_forms.csv", [MIXED_HEADER] + MIXED_ROWS)
    r, units = units_of(p)
    assert r.meta["open_questions_found"] == [
        "What was the best thing about the CoP?", "Any other comments?", "Name one thing you will try next term."]
    assert r.meta["year"] == "2024"
    assert not any("@x.org" in u.text for u in units)


def test_identity_column_cannot_be_named_an_open_question(tmp_path):
    p = write_csv(tmp_path / "s.csv", [PLAIN_HEADER] + PLAIN_ROWS)
    with pytest.raises(ConfigError, match="identity values"):
        read_path(p, meta={"open_questions": ["Your name", "Any other comments?"]})


def test_identity_and_ignore_columns_from_manifest(tmp_path):
    rows = [["ID", "Organisation and team (free text)", "What did the CoP give you that nothing else does?"],
            ["1", "Safe Steps, prevention team of two people in the west", "A sense that I'm not mad for caring this much."],
            ["2", "Council community safety unit working across three towns", "Language to explain gendered drivers."]]
    p = write_csv(tmp_path / "s.csv", rows)
    r, units = units_of(p)
    assert r.meta["open_questions_found"] == ["What did the CoP give you that nothing else does?"]  # demographic
    r, units = units_of(p, identity_columns=["Organisation and team (free text)"])
    assert r.meta["open_questions_found"] == ["What did the CoP give you that nothing else does?"]
    assert "Safe Steps, prevention team of two people in the west" in {i.value for i in r.identifiers}
    assert not any("Safe Steps" in u.text for u in units)
    r, units = units_of(p, ignore_columns=["Organisation and team (free text)"])
    assert r.meta["open_questions_found"] == ["What did the CoP give you that nothing else does?"]


# a patient-feedback export's shape (synthetic): a record key per comment whose header says
# "comment", beside the free-text answer
KEYED_HEADER = ["Comment ID", "Trust", "Respondent ID", "FFT question", "FFT answer"]
KEYED_ROWS = [
    [f"TRX OPD {400 + i} - Q{1 + i % 2}", "TRX", f"TRX OPD {400 + i}", "FFT Why?", answer]
    for i, answer in enumerate([
        "The nurse on ward 5 explained everything twice and never rushed me.",
        "Waited 3 hours in the corridor with nobody telling us why.",
        "Parking was impossible and the signs to outpatients are confusing.",
        "Kind reception staff, quick blood test, home by 11.",
        "Food was cold most days but the cleaners were lovely.",
        "My appointment letter came after the appointment date.",
        "Everyone listened to my daughter and included her in decisions.",
        "The discharge took all day because the pharmacy was slow.",
        "Physio showed me the exercises and checked I could do them.",
        "Too noisy at night to sleep, lights on until 2am.",
    ])]


@pytest.mark.parametrize("header,found", [
    (KEYED_HEADER, ["FFT answer"]),
    (["Response_Id"] + KEYED_HEADER[1:], ["FFT answer"]),
    (["Comments"] + KEYED_HEADER[1:], ["FFT answer"]),   # values that are keys, under any header
])
def test_record_keys_are_not_open_questions(tmp_path, header, found):
    p = write_csv(tmp_path / "feedback.csv", [header] + KEYED_ROWS)
    r, units = units_of(p)
    assert r.meta["open_questions_found"] == found
    assert len(units) == len(KEYED_ROWS)
    assert not any("TRX OPD" in u.text for u in units)


@pytest.mark.parametrize("header", ["Comments if no", "Why that number", "Feedback on dress code", "comments_if_no"])
def test_short_questions_ending_in_words_for_keys_are_still_open(header):
    from copquotes.ingest.columns import looks_open, profile
    from copquotes.ingest.tables import Column

    answers = ["Too far to travel.", "Clashed with my clinic.", "No cover for my class.", "Forgot, sorry.",
               "Felt out of my depth.", "Childcare that week."]
    assert looks_open(Column(0, header, header), profile(answers))


@pytest.mark.parametrize("answers,is_open", [
    (["Ward 5 staff were kind to us.", "Seen within 10 minutes, thank you.", "Room 12 was far too hot at night.",
      "Two nurses came at 3am to help.", "Clinic 4 ran an hour late again."], True),
    (["A1234", "B2211", "C0098", "D7765", "E1200"], False),
    (["NEAS PTS 528 - Q1", "NEAS PTS 531 - Q1", "NEAS PTS 534 - Q2", "NEAS PTS 540 - Q1", "NEAS PTS 541 - Q1"], False),
])
def test_answers_with_numbers_are_open_and_codes_are_not(answers, is_open):
    from copquotes.ingest.columns import looks_open, profile
    from copquotes.ingest.tables import Column

    col = Column(0, "Any other comments?", "Any other comments?")
    assert looks_open(col, profile(answers)) is is_open


@pytest.mark.parametrize("header,value", [
    ("#", "k3j9x8{}abqz7w2v1m0ncl"),                                            # Typeform's response token
    ("User Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/11{}.0.0.0 Safari/537.36"),   # Alchemer
    ("Session", "R_3kX9aBc{}dEf"),
])
def test_form_tools_own_fields_are_not_open_questions(tmp_path, header, value):
    rows = [[header, "FFT answer"]] + [[value.format(i), r[-1]] for i, r in enumerate(KEYED_ROWS)]
    p = write_csv(tmp_path / "export.csv", rows)
    r, units = units_of(p)
    assert r.meta["open_questions_found"] == ["FFT answer"]
    assert len(units) == len(KEYED_ROWS)


@pytest.mark.parametrize("header", ["Evaluator comment", "Coder notes", "Memo", "Notes (internal)", "For office use"])
def test_the_evaluators_own_notes_beside_the_answers_are_not_answers(tmp_path, header):
    notes = ["Great quote - use for the funding bid", "Check with the school before using - identifiable",
             "Follow up about the resources she mentioned", "Strong example of reflective practice here"]
    rows = [["Response ID", "What was the highlight of the series for you?", header]] + [
        [str(i), a, n] for i, (a, n) in enumerate(zip(["Realising the isolation I feel is shared by everyone here.",
                                                      "Swapping scripts for the pushback we all get at work.",
                                                      "Finally understanding what primary prevention asks of me.",
                                                      "Hearing honest stories from people doing this every day."], notes))]
    r, units = units_of(write_csv(tmp_path / "s.csv", rows))
    assert r.meta["open_questions_found"] == ["What was the highlight of the series for you?"]


def test_a_workbooks_year_sheets_give_their_years_and_its_readme_is_not_read(tmp_path):
    header = ["Response ID", "What was the most valuable aspect of your CoP?"]
    answers = {"2023": ["Hearing how other schools handled pushback from parents.",
                        "I stopped feeling like the lone voice in staff meetings."],
               "2024": ["I walked in flat after a horrible week and left with a plan.",
                        "Learning from people in universities who are on our side."]}
    sheets = {y: [header] + [[str(i), a] for i, a in enumerate(v)] for y, v in answers.items()}
    sheets["README"] = [["About this workbook"], ["One sheet per year of the survey, exported from the form tool."],
                        ["Contact the evaluation team before sharing any of these answers outside the project."]]
    p = make_plain_xlsx(tmp_path / "by_year.xlsx", [["Notes"], ["Exported by the evaluation team for analysis."]],
                        sheets=sheets)
    r, units = units_of(p)
    assert [(u.year, u.text) for u in units] == [(y, a) for y, v in answers.items() for a in v]


# ------------------------------------------------------------------------------ hidden sheets

HIDDEN_ROWS = [["ID", "What was the most valuable aspect of your CoP?"],
               [1, "Being with people who understand why this work matters to me."],
               [2, "Practical scripts for handling pushback from parents and staff."]]


def _hidden_workbook(path, layout):
    """``helper``: the answers visible, a lookup sheet hidden; ``data``: a cover sheet visible, the answers
    hidden; ``only``: the answers on the one hidden sheet, an empty sheet visible."""
    import openpyxl

    wb = openpyxl.Workbook()
    first = wb.active
    first.title = {"helper": "Responses", "data": "Cover", "only": "Data"}[layout]
    for r in (HIDDEN_ROWS if layout == "helper" else [["Evaluation survey export, March 2024"]] if layout == "data" else
              HIDDEN_ROWS):
        first.append(r)
    if layout == "helper":
        lookup = wb.create_sheet("Sheet2")
        for r in (["code", "label"], [1, "Yes"], [2, "No"]):
            lookup.append(r)
        lookup.sheet_state = "hidden"
    elif layout == "data":
        data = wb.create_sheet("Data")
        for r in HIDDEN_ROWS:
            data.append(r)
        data.sheet_state = "hidden"
    else:
        first.sheet_state = "hidden"
        wb.create_sheet("Sheet2")
        wb.active = 1
    wb.save(path)
    return path


@pytest.mark.parametrize("layout", ["data", "only"])
def test_answers_on_a_hidden_sheet_are_named_in_the_error(tmp_path, layout):
    from copquotes.ingest.columns import NoTextError

    p = _hidden_workbook(tmp_path / "survey_2024.xlsx", layout)
    with pytest.raises(NoTextError, match=r"hidden sheet 'Data' has rows.*unhide it in Excel.*sheet: Data"):
        list(read_path(p, {"source_kind": "survey"}).units)
    units = list(read_path(p, {"source_kind": "survey", "sheet": "Data"}).units)   # the manifest may name it
    assert [u.text for u in units] == [HIDDEN_ROWS[1][1], HIDDEN_ROWS[2][1]]


def test_a_hidden_helper_sheet_is_left_out(tmp_path):
    p = _hidden_workbook(tmp_path / "survey_2024.xlsx", "helper")
    assert [u.text for u in read_path(p, {"source_kind": "survey"}).units] == [HIDDEN_ROWS[1][1], HIDDEN_ROWS[2][1]]


# ------------------------------------------------------------------- the columns offered as open questions

ANSWERS = [["ID", "One word for your CoP", "What was the most valuable aspect of your CoP?"],
           [1, "Connection", "Being among people who get the work and share the load."],
           [2, "Energy", "I left every session with my energy back and a plan for Monday."]]
COVER = [["About this export"], ["CoP end-of-series survey, exported by the evaluation team"]]
ANSWER_IDS = ["ID", "One word for your CoP", "What was the most valuable aspect of your CoP?"]


def _workbook(path, sheets):
    """``sheets``: (title, rows, hidden) in the workbook's order."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, hidden in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, (_, _, hidden) in enumerate(sheets) if not hidden)
    wb.save(path)
    return path


@pytest.mark.parametrize("sheets,meta,offered", [
    # the answers on the second sheet, after a cover sheet
    ([("Info", COVER, False), ("Responses", ANSWERS, False)], {}, [(None, i) for i in ANSWER_IDS]),
    # the first sheet hidden (a lookup Excel keeps), the answers on the one visible sheet
    ([("Sheet1", [["code", "label"], [1, "Yes"]], True), ("Responses", ANSWERS, False)], {},
     [(None, i) for i in ANSWER_IDS]),
    # two sheets of answers: both are read, so both are offered, each column with its sheet
    ([("Group A", ANSWERS, False), ("Group B", ANSWERS[:1] + [[9, "Allies", "Allies in other schools."]], False)],
     {}, [(s, i) for s in ("Group A", "Group B") for i in ANSWER_IDS]),
    # the manifest names the sheet: that one only
    ([("Group A", COVER, False), ("Group B", ANSWERS, False)], {"sheet": "Group B"}, [(None, i) for i in ANSWER_IDS]),
    # one sheet, as before
    ([("Responses", ANSWERS, False)], {}, [(None, i) for i in ANSWER_IDS]),
])
def test_the_columns_offered_as_open_questions_are_those_of_the_sheets_the_reader_reads(tmp_path, sheets, meta,
                                                                                         offered):
    from copquotes.ingest import question_columns

    p = _workbook(tmp_path / "survey.xlsx", sheets)
    source = Source(path=p, format=detect_format(p), meta={"source_kind": "survey", **meta})
    cols = question_columns(source)
    assert [(c.get("sheet"), c["id"]) for c in cols] == offered
    # what the reader reads is among what is offered, and a column offered and chosen is read
    found = read_path(p, {"source_kind": "survey", **meta}).meta["open_questions_found"]
    assert set(found) <= {c["id"] for c in cols}
    chosen = read_path(p, {"source_kind": "survey", "open_questions": [cols[1]["id"]], **meta})
    assert sorted({u.question for u in chosen.units}) == [cols[1]["question"]]
