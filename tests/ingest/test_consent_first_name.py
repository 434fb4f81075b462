"""Consent is never guessed from a first name: a one-word speaker label matched to a roster
entry by its first name alone is held until the roster (an alias) or the manifest confirms it."""
from __future__ import annotations

import pytest

from copquotes.ingest import Source, read
from copquotes.ingest.roster import FIRST_NAME_ONLY, RosterMatcher
from copquotes.types import RosterEntry

ROSTER = (RosterEntry("Sam Lee", "participant", True),
          RosterEntry("Tom Okafor", "participant", True, ("Tom",)),
          RosterEntry("Mia Rossi", "participant", False),
          RosterEntry("Ngaio", "participant", True))


@pytest.mark.parametrize("label, name, basis", [
    ("Sam", "Sam Lee", FIRST_NAME_ONLY),       # may be a guest called Sam
    ("sam", "Sam Lee", FIRST_NAME_ONLY),
    ("Sam Lee", "Sam Lee", "name"),
    ("Sam L", "Sam Lee", "name"),              # first name + initial: more than a first name
    ("Tom", "Tom Okafor", "name"),             # the roster gives "Tom" as an alias: confirmed
    ("Mia", "Mia Rossi", FIRST_NAME_ONLY),
    ("Ngaio", "Ngaio", "name"),                # a one-word roster name is the whole name
    ("Jo", None, None),
])
def test_how_a_label_matched(label, name, basis):
    entry, how = RosterMatcher(ROSTER).match_basis(label)
    assert (entry.name if entry else None, how) == (name, basis)


VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Sam>I walk in flat and walk out with a plan every single time we meet as a group.</v>

00:00:06.000 --> 00:00:09.000
<v Tom>Being among like-minded people gave me hope and energy when I was burning out.</v>

00:00:10.000 --> 00:00:14.000
<v Mia>Please leave this out of any report, but I found the sessions useful.</v>
"""


def _units(tmp_path, meta=None, roster=ROSTER):
    p = tmp_path / "fg.vtt"
    p.write_text(VTT, encoding="utf-8")
    r = read(Source(p, "zoom_vtt", dict(meta or {}), tuple(roster)))
    units = list(r.units)
    return {u.text.split()[0]: u for u in units}, r


def test_a_first_name_match_is_held_not_guessed(tmp_path):
    units, r = _units(tmp_path)
    sam = units["I"]
    assert dict(sam.extra).get("consent_match") == FIRST_NAME_ONLY
    assert r.stats["consent_first_name_only"] == 1
    tom = units["Being"]
    assert tom.consent is True and "consent_match" not in dict(tom.extra)     # confirmed by the alias
    mia = units["Please"]
    assert mia.consent is False and "consent_match" not in dict(mia.extra)    # "no" is never held, just no


@pytest.mark.parametrize("meta", [
    {"speaker_names": {"Sam": "Sam Lee"}},     # the manifest says who Sam is
    {"consent": "yes"},                       # the manifest gives the file's consent
])
def test_the_manifest_confirms_a_first_name(tmp_path, meta):
    units, r = _units(tmp_path, meta)
    assert units["I"].consent is True and "consent_match" not in dict(units["I"].extra)
    assert r.stats["consent_first_name_only"] == 0


def test_an_alias_in_the_roster_confirms_a_first_name(tmp_path):
    roster = (RosterEntry("Sam Lee", "participant", True, ("Sam",)),) + ROSTER[1:]
    units, _ = _units(tmp_path, roster=roster)
    assert units["I"].consent is True and "consent_match" not in dict(units["I"].extra)


def test_speaker_names_from_the_command_line(tmp_path):
    from copquotes.ingest.base import normalise_meta

    meta = normalise_meta({"speaker_names": "Sam=Sam Lee"})
    assert meta["speaker_names"] == {"Sam": "Sam Lee"}
    units, _ = _units(tmp_path, meta)
    assert units["I"].consent is True and "consent_match" not in dict(units["I"].extra)
