"""A Zoom or Teams label that is a roster person's account rather than their name (blind probe h143): an email
address ("mary.smith@example.org"), a device ("Mary Smith's iPhone") or an initial and surname ("M. Smith"). The
roster's answer is theirs, so a roster "no" is never replaced by the file's `consent: yes` (which stands in only
for speakers the roster does not cover); an initial is held like a first name until someone confirms it."""
from __future__ import annotations

import pytest

from copquotes.ingest.roster import FIRST_NAME_ONLY, RosterMatcher
from copquotes.types import RosterEntry

from .builders import units_of

SPEECH = "Honestly the group gave me the energy to keep going in a hard year."


@pytest.mark.parametrize("label,basis", [
    ("mary.smith@example.org", "name"), ("Mary.Smith@Example.org", "name"), ("mary_smith+zoom@example.org", "name"),
    ("Mary Smith's iPhone", "name"), ("Mary Smith\u2019s iPad", "name"), ("Mary Smith's MacBook Pro", "name"),
    ("M. Smith", FIRST_NAME_ONLY), ("M Smith", FIRST_NAME_ONLY),
])
def test_an_account_label_finds_its_roster_person(label, basis):
    entry, how = RosterMatcher((RosterEntry("Mary Smith", "participant", False),
                                RosterEntry("Jo Bloggs", "facilitator", True))).match_basis(label)
    assert (entry.name if entry else None, how) == ("Mary Smith", basis)


@pytest.mark.parametrize("label", ["msmith@example.org", "Smith", "K. Smith", "Mary's iPhone"])
def test_an_account_label_without_the_name_finds_no_one_for_sure(label):
    entry, how = RosterMatcher((RosterEntry("Mary Smith", "participant", False),)).match_basis(label)
    assert entry is None or how == FIRST_NAME_ONLY


@pytest.mark.parametrize("label", ["mary.smith@example.org", "Mary Smith's iPhone", "M. Smith"])
@pytest.mark.parametrize("roster_says,file_says,consent", [(False, "yes", False), (False, None, False),
                                                           (True, "yes", True)])
def test_the_rosters_answer_reaches_an_account_label(tmp_path, label, roster_says, file_says, consent):
    p = tmp_path / "fg.vtt"
    p.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nJo Bloggs: What has stayed with you?\n\n"
                 f"00:00:06.000 --> 00:00:12.000\n{label}: {SPEECH}\n", encoding="utf-8")
    roster = (RosterEntry("Mary Smith", "participant", roster_says), RosterEntry("Jo Bloggs", "facilitator", True))
    meta = {"source_kind": "focus_group", **({"consent": file_says} if file_says else {})}
    _, _, units = units_of(p, roster=roster, **meta)
    assert [u.consent for u in units if u.text == SPEECH] == [consent]
