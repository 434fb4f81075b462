"""A column of who took their consent back (blind probe h143): "Consent withdrawn", "Date consent withdrawn",
"Withdrawal date", "Withdrawn (Y/N)" beside a yes to quoting, in a survey or a roster. Anything written there (a
date, "Yes", a tick) is a no, whatever the consent column or a file-level `consent: yes` says; an empty cell or a
plain no leaves the consent as it was. A statement of the right to withdraw is no such column."""
from __future__ import annotations

import pytest

from copquotes.ingest import load_roster

from .builders import csv_bytes, survey_units

ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions."]
QUOTE = "May we quote your comments anonymously?"
HEADERS = ["Consent withdrawn", "Date consent withdrawn", "Withdrawal date", "Withdrawn (Y/N)", "Withdrawn",
           "Quote consent withdrawn", "Date of withdrawal", "consent_withdrawn"]


def _survey(tmp_path, header, cells, **meta):
    units = survey_units(tmp_path, ANSWERS, header, cells, **meta)
    assert [u.text for u in units] == ANSWERS   # the withdrawal column is never open text
    return [u.consent for u in units]


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("cell", ["03/03/2024", "2024-03-03", "Yes", "Y", "x", "by email 4/4"])
def test_anything_written_under_a_withdrawal_column_is_a_no(tmp_path, header, cell):
    assert _survey(tmp_path, [QUOTE, header], [["Yes", cell], ["Yes", ""]]) == [False, True]


@pytest.mark.parametrize("header", HEADERS[:3])
@pytest.mark.parametrize("cell,consent", [("", True), ("No", True), ("N", True), ("-", True), ("12 March 2024", False)])
def test_a_withdrawal_column_beats_a_file_level_yes(tmp_path, header, cell, consent):
    assert _survey(tmp_path, [header], [[cell], [""]], consent="yes") == [consent, True]


def test_the_right_to_withdraw_is_no_withdrawal(tmp_path):
    header = [QUOTE, "I understand I can withdraw at any time"]
    assert _survey(tmp_path, header, [["Yes", "Yes"], ["No", "Yes"]]) == [True, False]


def _roster(tmp_path, header, row):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([header, ["Orrin Talbot", "participant", "yes", ""], ["Pella Strand", "participant"] + row]))
    return [e.quote_consent for e in load_roster(p)]


@pytest.mark.parametrize("header", ["Consent withdrawn", "Withdrawal date", "Withdrawn", "Date withdrawn"])
@pytest.mark.parametrize("cell,consent", [("03/03/2024", False), ("Yes", False), ("\u2713", False), ("", True),
                                          ("No", True)])
def test_a_roster_withdrawal_column_beside_the_consent(tmp_path, header, cell, consent):
    assert _roster(tmp_path, ["Name", "Role", "Quote consent", header], ["Yes", cell]) == [True, consent]
