"""One person under several label forms in one transcript (Teams' "(Guest)" / "(External)" account
tag, "Surname, First", a title, pronouns in brackets) is one speaker: one key, one role, one
consent; every form stays a name to redact. Forms that may be two people (a first name alone, a
role in brackets, a different surname) stay apart."""
from __future__ import annotations

import pytest

from copquotes.types import RosterEntry

from .builders import units_of

SAYS = ["I walk in flat and walk out with a plan, every single time.",
        "Same for me, the group agreements make it safe to say the hard stuff.",
        "And I bring my team's questions now, which changed our meetings."]
ROSTER = (RosterEntry("Tom Baxter", "participant", True), RosterEntry("Mei Lin", "participant", False),
          RosterEntry("Priya Natarajan", "facilitator", True))


def _vtt(path, first, second):
    labels = [first, "Mei Lin", second]
    path.write_text("WEBVTT\n\n" + "".join(
        f"x/{i}-0\n00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000\n<v {who}>{text}</v>\n\n"
        for i, (who, text) in enumerate(zip(labels, SAYS), start=1)), encoding="utf-8")
    return path


def _txt(path, first, second):
    labels = [first, "Mei Lin", second]
    path.write_text("".join(f"{who}: {text}\n" for who, text in zip(labels, SAYS)), encoding="utf-8")
    return path


@pytest.mark.parametrize("write,first,second,roster,roles,consents", [
    (_vtt, "Tom Baxter (Guest)", "Tom Baxter", (), ["participant"] * 3, [None] * 3),
    (_vtt, "Tom Baxter", "Tom Baxter (External)", (), ["participant"] * 3, [None] * 3),
    (_vtt, "Tom Baxter (Guest)", "Tom Baxter", ROSTER, ["participant"] * 3, [True, False, True]),
    (_vtt, "Baxter, Tom", "Tom Baxter", ROSTER, ["participant"] * 3, [True, False, True]),
    (_txt, "Baxter, Tom", "Tom Baxter", (), ["participant"] * 3, [None] * 3),
    (_txt, "Tom Baxter (he/him)", "Tom Baxter", (), ["participant"] * 3, [None] * 3),
    (_txt, "Dr Priya Natarajan", "Priya Natarajan", ROSTER, ["facilitator", "participant", "facilitator"],
     [True, False, True]),
])
def test_one_person_under_two_label_forms_is_one_speaker(tmp_path, write, first, second, roster, roles, consents):
    name = "fg.vtt" if write is _vtt else "fg.txt"
    _, r, units = units_of(write(tmp_path / name, first, second), roster=roster, source_kind="focus_group")
    assert [u.text for u in units] == SAYS
    assert [u.speaker_key for u in units] == ["S1", "S2", "S1"]
    assert [u.speaker_role for u in units] == roles
    assert [u.consent for u in units] == consents
    names = {a.lower() for i in r.identifiers for a in (i.value, *i.aliases)}
    assert {"tom", "baxter"} <= names or {"priya", "natarajan"} <= names


@pytest.mark.parametrize("first,second", [
    ("Amy (guest)", "Amy"),                    # a first name: the transcriber may mark a second Amy
    ("Tom Baxter (guest speaker)", "Tom Baxter"),  # a role in brackets, not an account tag
    ("Sam Lee", "Sam Leigh"),
])
def test_label_forms_that_may_be_two_people_stay_two_speakers(tmp_path, first, second):
    _, _, units = units_of(_vtt(tmp_path / "fg.vtt", first, second), source_kind="focus_group")
    assert [u.text for u in units] == SAYS
    assert units[0].speaker_key != units[2].speaker_key
