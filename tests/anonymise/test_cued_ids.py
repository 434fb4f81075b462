"""Identifiers found by their cue word and shape (copquotes.anonymise.cued_ids): meeting IDs and passcodes, check,
registration and staff numbers; and an address opening with a level, unit or suite redacted as one span (the comma
between two spans would survive). Every "found" row was missed before the change."""
from __future__ import annotations

import pytest

from copquotes.anonymise.cued_ids import cued_ids

from .probes import assert_found, assert_kept

FOUND = [
    ("meeting_id_colon", "If the link breaks, Meeting ID: 712 0048 3391 still works.", "712 0048 3391"),
    ("meeting_id_after_is", "The meeting id is 903 5521 7788, same as last month.", "903 5521 7788"),
    ("zoom_bare_number", "Jump on Zoom 93012284471 at ten.", "93012284471"),
    ("passcode_after_number", "Zoom 93012284471 passcode 5521 if it asks.", "5521"),
    ("teams_meeting_id_four_groups", "Teams meeting ID: 412 889 301 554 for Thursday.", "412 889 301 554"),
    ("wwcc_number_with_suffix", "My Working with Children Check number is 0456123B-02 if you need it.", "0456123B-02"),
    ("ahpra_registration", "My AHPRA registration PSY0001987654 is public anyway.", "PSY0001987654"),
    ("meeting_code", "The meeting code is 88213 if the waiting room asks.", "88213"),
    ("level_then_street", "We've moved to Level 5, 210 Lonsdale Street from next week.", "Level 5, 210 Lonsdale Street"),
    ("suite_then_street", "The clinic is Suite 4, 17 Market Street now.", "Suite 4, 17 Market Street"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_cued_identifier_is_redacted_whole(redactor, kind, text, want):
    assert_found(redactor, text, want)


KEPT = [
    ("wwcc_as_a_requirement", "You need a WWCC before you can run sessions in schools.", "WWCC"),
    ("staff_count", "We have staff 1200 people across the state.", "1200"),
    ("staff_year", "Our staff 2024 survey went out in March.", "2024"),
    ("meeting_time", "The meeting at 1530 ran long again.", "1530"),
    ("level_of_building", "We're on level 2 of the building.", "level 2"),
    ("passcode_label", "Webinar ID: 660 1187 2045, Passcode: 7731", "Passcode"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_numbers_that_identify_no_one_stay(redactor, kind, text, word):
    assert_kept(redactor, text, word)


@pytest.mark.parametrize("text, want", [
    ("Meeting ID 845 0000 1234", ["meeting_id"]),
    ("passcode is ab12cd", ["passcode"]),
    ("NHS number 943 476 5919", ["check_number"]),
    ("the NHS 111 line", []),
    ("a short meeting 12 34", []),
])
def test_cued_ids_names_what_it_found(text, want):
    assert [source for _, _, source in cued_ids(text)] == want
