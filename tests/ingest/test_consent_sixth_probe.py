"""Consent readings from the sixth blind probe (h149), beside the readings around them that must not move:
yes and no in other languages of UK evaluations (Irish, Welsh, Polish, Urdu and Punjabi) and a choice export's
"Checked" / "Not selected" under a yes/no consent question; a column of them is the consent; a no in a later
row of the same respondent (same id, same e-mail) is a no for every answer they gave; a consent question after
each open question is that answer's own; "Are you happy with how ... was used?" asks no leave; and a roster
that says what happened to the form ("Form not returned", "Absent") is read as unknown, not stopped on."""
from __future__ import annotations

import pytest

from copquotes.errors import ConfigError
from copquotes.ingest import Source, load_roster, read

from .builders import csv_bytes, survey_units, units_of

ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions.",
           "Our group agreements made it possible to talk about backlash honestly.",
           "Knowing others face the same pushback makes me braver at staff meetings.",
           "I found allies in organisations I never would have met otherwise."]
QUOTE = "Are you happy for your comments to be quoted anonymously in reports?"


def _consents(units):
    return {u.text: u.consent for u in units}


@pytest.mark.parametrize("answer,consent", [
    ("T\u00e1", True), ("N\u00edl", False), ("Ie", True), ("Na", False), ("Oes", True), ("Tak", True), ("Nie", False),
    ("Tak.", True), ("haan", True), ("Haan ji", True), ("ji haan", True), ("nahin", False), ("Nahi", False),
    ("nahi ji", False), ("\u06c1\u0627\u06ba", True), ("\u0646\u06c1\u06cc\u06ba", False), ("\u0a39\u0a3e\u0a02", True),
    ("\u0a28\u0a39\u0a40\u0a02", False), ("Checked", True), ("Unchecked", False), ("Selected", True),
    ("Not selected", False), ("Ticked", True),
    # around them, unchanged: "Ta" is thanks, "Han" and "Nan" are names, more words in another language are not read
    ("Ta", None), ("Han", None), ("Nan", None), ("Tak, anonimowo", None), ("Checked with my manager", None),
    ("Yes", True), ("No", False),
])
def test_a_yes_or_no_in_another_language_or_a_tick_word_under_a_consent_question(tmp_path, answer, consent):
    units = survey_units(tmp_path, ANSWERS, [QUOTE], [["Yes"], ["No"], ["Yes"], ["No"], [answer]])
    assert _consents(units)[ANSWERS[4]] is consent


@pytest.mark.parametrize("cells,consents", [
    (["Tak", "Nie", "Tak", "Nie", ""], [True, False, True, False, None]),
    (["T\u00e1", "N\u00edl", "T\u00e1", "N\u00edl", "T\u00e1"], [True, False, True, False, True]),
    (["Ie", "Na", "Ie", "Na", "Ie"], [True, False, True, False, True]),
    (["haan", "nahin", "haan", "nahin", "haan"], [True, False, True, False, True]),
    (["Checked", "Unchecked", "Checked", "Unchecked", "Checked"], [True, False, True, False, True]),
    # around them, unchanged: ticks under a question (not a statement to tick) are read only beside yes/no words
    (["\u2713", "", "\u2713", "", "\u2713"], [None] * 5),
])
def test_a_column_of_such_answers_under_a_consent_question_is_the_consent(tmp_path, cells, consents):
    units = survey_units(tmp_path, ANSWERS, [QUOTE], [[c] for c in cells])
    assert [u.consent for u in units] == consents


def _rows_units(tmp_path, rows, **meta):
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    return _consents(units_of(p, **meta)[2])


@pytest.mark.parametrize("later,first", [("No", False), ("Withdrawn", False), ("Opted out", False), ("Yes", True),
                                         ("", True)])
@pytest.mark.parametrize("key", ["Respondent ID", "Email"])
def test_a_no_in_a_later_row_of_the_same_respondent_is_a_no_for_their_earlier_answers(tmp_path, later, first, key):
    a, b = ("101", "102") if key == "Respondent ID" else ("ana@example.org", "ben@example.org")
    again = a if key == "Respondent ID" else a.upper()
    rows = [[key, "What did you value most about the CoP?", "May we quote your comments anonymously?"],
            [a, ANSWERS[0], "Yes"], [b, ANSWERS[1], "Yes"], [again, "", later]]
    assert _rows_units(tmp_path, rows) == {ANSWERS[0]: first, ANSWERS[1]: True}


def test_a_later_row_that_only_withdraws_takes_back_the_earlier_yes(tmp_path):
    rows = [["Respondent ID", "What did you value most about the CoP?", "May we quote your comments anonymously?",
             "Consent withdrawn"], ["101", ANSWERS[0], "Yes", ""], ["102", ANSWERS[1], "Yes", ""], ["101", "", "", "Yes"]]
    assert _rows_units(tmp_path, rows) == {ANSWERS[0]: False, ANSWERS[1]: True}


def test_a_no_from_another_respondent_takes_nothing_away(tmp_path):
    rows = [["Respondent ID", "What did you value most about the CoP?", "May we quote your comments anonymously?"],
            ["101", ANSWERS[0], "Yes"], ["102", ANSWERS[1], "No"], ["103", ANSWERS[2], "Yes"]]
    assert _rows_units(tmp_path, rows) == {ANSWERS[0]: True, ANSWERS[1]: False, ANSWERS[2]: True}


@pytest.mark.parametrize("asks", [("May we quote your answer above?",) * 2,
                                  ("May we quote your answer to Q1?", "May we quote your answer to Q2?")])
@pytest.mark.parametrize("own,other,consent", [("Yes", "Yes", True), ("", "Yes", None), ("No", "Yes", False),
                                               ("Yes", "", True), ("Yes", "No", True)])
def test_a_consent_question_after_each_open_question_is_that_answers_own(tmp_path, asks, own, other, consent):
    rows = [["Respondent", "What did you value most about the CoP?", asks[0], "What would you change?", asks[1]],
            ["1", ANSWERS[0], other, ANSWERS[1], own]]
    assert _rows_units(tmp_path, rows)[ANSWERS[1]] is consent


def test_an_answer_without_its_own_consent_question_among_others_that_have_one_is_unknown(tmp_path):
    rows = [["Respondent", "What did you value most about the CoP?", "May we quote your answer above?",
             "Anything else?", "What would you change?", "May we quote your answer above?"],
            ["1", ANSWERS[0], "Yes", ANSWERS[1], ANSWERS[2], "Yes"]]
    assert _rows_units(tmp_path, rows) == {ANSWERS[0]: True, ANSWERS[1]: None, ANSWERS[2]: True}


def test_each_answers_own_consent_still_gives_way_to_a_withdrawal_in_a_later_row(tmp_path):
    rows = [["Respondent ID", "What did you value most about the CoP?", "May we quote your answer above?",
             "What would you change?", "May we quote your answer above?"],
            ["101", ANSWERS[0], "Yes", ANSWERS[1], "Yes"], ["102", ANSWERS[2], "Yes", ANSWERS[3], "Yes"],
            ["101", "", "No", "", "No"]]
    assert _rows_units(tmp_path, rows) == {ANSWERS[0]: False, ANSWERS[1]: False, ANSWERS[2]: True, ANSWERS[3]: True}


@pytest.mark.parametrize("question,consent", [
    ("May we quote your comments once you have approved them?", None),
    ("My comments may be quoted once I approve them (tick if you agree)", None),
    ("May we quote your comments, subject to your approval?", None),
    ("Are you happy with how your feedback was used last year?", None),
    ("Are you satisfied with the way your comments were shared?", None),
    ("Are you happy for your feedback to be used in our annual report?", True),   # around it, unchanged
])
def test_how_someone_feels_about_a_use_or_a_leave_that_waits_on_approval_gives_no_yes(tmp_path, question, consent):
    units = survey_units(tmp_path, ANSWERS[:3], [question], [["No"], ["Yes"], ["Yes"]])
    assert [u.consent for u in units][2] is consent


def _roster(tmp_path, value):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["name", "role", "quote_consent", "aliases"], ["Orla Byrne", "participant", "yes", "Orla"],
                             ["Gwyn Parry", "participant", value, "Gwyn;GP"]]))
    return p


@pytest.mark.parametrize("value,consent", [
    ("T\u00e1", True), ("Tak", True), ("Ie", True), ("Checked", None), ("Nie", False), ("Na", False),
    ("Unchecked", False), ("Form not returned", None), ("Not returned", None), ("Consent form not returned", None),
    ("Absent", None), ("Left the group", None), ("Signed", None), ("Form returned", None), ("No form", None),
    # around them, unchanged
    ("Withdrawn", False), ("No", False), ("yes", True), ("Pending", None),
])
def test_a_roster_value_is_read_or_unknown(tmp_path, value, consent):
    assert [e.quote_consent for e in load_roster(_roster(tmp_path, value))] == [True, consent]


def test_a_roster_value_that_says_nothing_still_stops_the_load(tmp_path):
    with pytest.raises(ConfigError, match=r"row 3\): quote_consent 'maybe'"):
        load_roster(_roster(tmp_path, "maybe"))


def test_a_transcript_reads_with_a_roster_that_says_a_form_was_not_returned(tmp_path):
    p = tmp_path / "fg.vtt"
    p.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nOrla: " + ANSWERS[0] + "\n\n"
                 "2\n00:00:05.000 --> 00:00:09.000\nGP: " + ANSWERS[1] + "\n", encoding="utf-8")
    roster = load_roster(_roster(tmp_path, "Form not returned"))
    units = list(read(Source(p, "zoom_vtt", {"source_kind": "focus_group"}, roster)).units)
    assert _consents(units) == {ANSWERS[0]: True, ANSWERS[1]: None}
