"""One person on two rosters (or listed twice): rows that agree are one entry; rows that disagree
on role or consent give no quote consent (never the file's), with a warning that says what
disagrees; a facilitator on any of them never becomes a participant."""
from __future__ import annotations

import logging

import pytest

from copquotes.ingest import Source, read
from copquotes.types import RosterEntry

FAC_YES = RosterEntry("Rewi Tane", "facilitator", True)
NO = RosterEntry("Lena Moss", "participant", False)


def _speaker(tmp_path, label, rosters, file_consent="yes"):
    p = tmp_path / "fg.vtt"
    p.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:06.000\n"
                 f"<v {label}>Coming back each month gave me a place to think out loud about my work.</v>\n\n"
                 "00:00:07.000 --> 00:00:12.000\n"
                 "<v Ora Blake>Same here, it has been the steadiest part of the whole year for me.</v>\n",
                 encoding="utf-8")
    roster = tuple(e for r in rosters for e in r) + (RosterEntry("Ora Blake", "participant", True),)
    meta = {"consent": file_consent} if file_consent else {}
    units = list(read(Source(p, "teams_vtt", meta, roster)).units)
    return units[0].speaker_role, units[0].consent


@pytest.mark.parametrize("label, rosters, role, consent, warning", [
    # the same rows on two rosters: one person, their answers kept
    ("Rewi Tane", [[FAC_YES], [FAC_YES]], "facilitator", True, None),
    ("Lena Moss", [[NO], [NO]], "participant", False, None),
    ("Lena", [[NO], [NO]], "participant", False, None),                      # first name: unique once merged
    ("Moss, Lena", [[NO], [RosterEntry("Lena  Moss", "participant", False)]], "participant", False, None),
    ("Rewi", [[FAC_YES], [FAC_YES]], "facilitator", True, None),
    # rows that disagree: no consent, and a facilitator stays one
    ("Lena Moss", [[NO], [RosterEntry("Lena Moss", "participant", True)]], "participant", False,
     "quote_consent yes vs no"),
    ("Rewi Tane", [[FAC_YES], [RosterEntry("Rewi Tane", "participant", True)]], "facilitator", None,
     "role facilitator vs participant"),
    ("Rewi Tane", [[FAC_YES], [RosterEntry("Rewi Tane", "participant", False)]], "facilitator", False,
     "role facilitator vs participant, quote_consent yes vs no"),
    # a label that fits two different people: unknown, not the file's yes
    ("Sam", [[RosterEntry("Sam Hill", "participant", True)], [RosterEntry("Sam Kerr", "participant", True)]],
     "participant", None, "fits 2 roster entries"),
    ("Sam", [[RosterEntry("Sam Hill", "facilitator", True)], [RosterEntry("Sam Kerr", "participant", True)]],
     "facilitator", None, "fits 2 roster entries"),
])
def test_one_person_on_two_rosters(tmp_path, caplog, label, rosters, role, consent, warning):
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        assert _speaker(tmp_path, label, rosters) == (role, consent)
    said = [r.getMessage() for r in caplog.records if "has no quote consent" in r.getMessage()]
    if warning is None:
        assert not said
    else:
        assert len(said) == 1 and warning in said[0] and "speaker S1" in said[0]
        assert label not in said[0]                                            # no names in the log


@pytest.mark.parametrize("file_consent, consent", [("yes", None), ("no", None), (None, None)])
def test_a_disagreement_never_takes_the_files_consent(tmp_path, file_consent, consent):
    rosters = [[FAC_YES], [RosterEntry("Rewi Tane", "participant", True)]]
    assert _speaker(tmp_path, "Rewi Tane", rosters, file_consent) == ("facilitator", consent)


def test_a_first_name_does_not_lose_the_rosters_no_to_the_files_yes(tmp_path):
    assert _speaker(tmp_path, "Lena", [[NO]], "yes") == ("participant", False)


TOM_YES = RosterEntry("Tom Okafor", "participant", True)


@pytest.mark.parametrize("label, rosters, consent", [
    # a nickname (or an alias) on one roster, the full name on another: maybe one person, so a "no" on either wins
    ("Tom Okafor", [[TOM_YES], [RosterEntry("Thomas Okafor", "participant", False)]], False),
    ("Thomas Okafor", [[RosterEntry("Thomas Okafor", "participant", True)], [RosterEntry("Tom Okafor", "participant", False)]],
     False),
    ("Tom Okafor", [[TOM_YES], [RosterEntry("Tom", "participant", False)]], False),              # a first name alone
    ("Tom Okafor", [[TOM_YES], [RosterEntry("T. Okafor", "participant", False)]], False),        # an initial
    ("Tommy", [[RosterEntry("Tom Okafor", "participant", True, ("Tommy",))], [RosterEntry("Tommy Okafor", "participant", False)]],
     False),
    ("Tom Okafor", [[RosterEntry("Tom Okafor", "participant", True, ("Tommy Okafor",))],
                    [RosterEntry("Tommy O", "participant", False)]], False),
    ("Thomas Okafor", [[RosterEntry("Thomas Okafor", "participant", True, ("Tom",))], [RosterEntry("Tom", "participant", False)]],
     False),
    # ... while rows that agree, or other people, keep their consent
    ("Tom Okafor", [[TOM_YES], [RosterEntry("Thomas Okafor", "participant", True)]], True),
    ("Tom Okafor", [[TOM_YES], [RosterEntry("Tom Ngata", "participant", False)]], True),
    ("Tom Okafor", [[TOM_YES], [RosterEntry("Tamsin Okafor", "participant", False)]], True),
])
def test_a_nickname_on_one_roster_and_the_full_name_on_another(tmp_path, caplog, label, rosters, consent):
    with caplog.at_level(logging.WARNING, logger="copquotes.ingest"):
        assert _speaker(tmp_path, label, rosters, file_consent=None) == ("participant", consent)
    said = [r.getMessage() for r in caplog.records if "has no quote consent" in r.getMessage()]
    assert bool(said) is (consent is False)
    assert not any("Okafor" in m or "Tom" in m for m in said)                     # no names in the log
