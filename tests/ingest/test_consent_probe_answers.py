"""Consent answers and notes from a blind probe (h143), beside the readings around them that must not move:
a no said in other words ("nah", "Never", "Rather not", "I'd rather you didn't", "I'm not happy for you to"), an
answer code beside its label ("1 - Yes", "2 - No"), Welsh and Irish yes/no, a yes that asks to be named (no
anonymous quote meets it: unknown), and a team's note that consent was refused or withdrawn ("Notes": "No consent")
in a survey or a roster, which is a no whatever the consent column or a file-level `consent: yes` says."""
from __future__ import annotations

import pytest

from copquotes.ingest import load_roster
from copquotes.ingest.base import truthy

from .builders import csv_bytes, survey_units


@pytest.mark.parametrize("answer,consent", [
    ("nah", False), ("Nah.", False), ("Never", False), ("Rather not", False), ("I'd rather you didn't", False),
    ("I would rather you did not", False), ("I'm not happy for you to", False), ("I am not comfortable with that", False),
    ("1 - Yes", True), ("2 - No", False), ("1 = Yes", True), ("2) No", False), ("yup", True),
    ("Nac ydw", False), ("Nac oes", False), ("N\u00edl", False), ("N\u00ed hea", False), ("Ydw", True), ("Ydy", True),
    ("Yes, with my name", None), ("Yes, use my full name", None), ("Yes, named", None), ("Yes please credit me", None),
    # around them, unchanged
    ("nah yeah", None), ("Never mind, yes", None), ("I'm not sure", None), ("1.5", None),
    ("Yes, with my name removed", True), ("Yes but not my name", True), ("Yes, don't use my name", True),
    ("Yes as long as I'm not named", True), ("No problem", True), ("Yes", True), ("No", False),
])
def test_an_answer_in_the_consent_column_is_read_as_meant(answer, consent):
    assert truthy(answer, allow_numeric=False, weak=True) is consent


ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions."]


def _survey(tmp_path, header, cells, **meta):
    units = survey_units(tmp_path, ANSWERS, header, cells, **meta)
    return {u.text: u.consent for u in units}


@pytest.mark.parametrize("header", ["Notes", "Admin notes", "Notes (staff)"])
@pytest.mark.parametrize("note,consent", [
    ("Withdrew consent by email 4/4", False), ("No consent", False), ("Did not consent to quotes", False),
    ("DNQ", False), ("Declined quotes at the session", False), ("Late arrival", True), ("", True),
])
def test_a_note_that_consent_was_refused_beats_a_yes(tmp_path, header, note, consent):
    got = _survey(tmp_path, ["May we quote your comments anonymously?", header], [["Yes", note], ["Yes", ""]])
    assert (got[ANSWERS[0]], got[ANSWERS[1]]) == (consent, True)


@pytest.mark.parametrize("note,consent", [("No consent", False), ("Withdrew consent by email 4/4", False), ("", True)])
def test_a_note_beats_a_file_level_yes(tmp_path, note, consent):
    got = _survey(tmp_path, ["Notes"], [[note], [""]], consent="yes")
    assert got[ANSWERS[0]] is consent


@pytest.mark.parametrize("note,consent", [("withdrew 3 March", False), ("Opted out after session 2", False),
                                          ("No consent to quotes", False), ("Prefers Sam", True), ("", True)])
def test_a_roster_note_that_consent_was_withdrawn_beats_its_yes(tmp_path, note, consent):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Name", "Role", "Quote consent", "Notes"], ["Orrin Talbot", "participant", "yes", ""],
                             ["Pella Strand", "participant", "yes", note]]))
    assert [e.quote_consent for e in load_roster(p)] == [True, consent]
