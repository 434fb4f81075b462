"""Guests, presenters, panellists, observers and note takers are not participants (never quoted as
one); the name part of a label with a role ("Panellist - Dr Ana Ruiz") is an identifier to redact,
a bare role word ("Guest speaker", "Facilitator") never is."""
from __future__ import annotations

import pytest

from copquotes.ingest import Source, read

ROLE_WORDS = {"guest", "speaker", "guest speaker", "panellist", "panelist", "facilitator", "presenter",
              "observer", "note taker", "keynote", "visitor", "panel", "lead", "co-facilitator", "special"}


def _read(tmp_path, label):
    p = tmp_path / "fg_2024.txt"
    p.write_text("P1: The group gave me somewhere to think out loud about the pushback at school.\n"
                 f"{label}: It has been lovely to hear how much you all lean on each other in this work.\n"
                 "P2: I rang two people from here when our program was cancelled, and it helped.\n",
                 encoding="utf-8")
    r = read(Source(p, "plain_txt", {"consent": "yes", "source_kind": "focus_group"}, ()))
    units = list(r.units)
    return units[1], r.identifiers


@pytest.mark.parametrize("label, name", [
    ("Guest speaker", None),
    ("Guest", None),
    ("Special guest", None),
    ("Panellist", None),
    ("Panellist - Dr Ana Ruiz", "Dr Ana Ruiz"),
    ("Ana Ruiz - Panelist", "Ana Ruiz"),
    ("Guest speaker | Ana Ruiz", "Ana Ruiz"),
    ("Guest speaker Ana", "Ana"),
    ("Keynote speaker", None),
    ("Presenter", None),
    ("Observer", None),
    ("Observer (funding body)", None),
    ("Visitor", None),
    ("Minute taker", None),
    ("Facilitator - Rua", "Rua"),
    ("Facilitator Rua", "Rua"),
    ("Lead facilitator", None),
    ("Rua (co-facilitator)", "Rua"),            # already handled: kept working
    ("Note taker", None),
])
def test_non_participant_roles(tmp_path, label, name):
    unit, identifiers = _read(tmp_path, label)
    assert unit.speaker_role == "facilitator"   # never quoted as a participant
    people = [i for i in identifiers if i.kind == "person"]
    assert [i.value for i in people] == ([name] if name else [])
    words = {w.lower() for i in people for w in (i.value, *i.aliases)}
    assert not words & ROLE_WORDS               # "facilitator" in a quote never becomes [name]


@pytest.mark.parametrize("label, name", [
    ("Ana Ruiz", "Ana Ruiz"),                  # a plain name is a participant, as before
    ("Ana Ruiz | Safe Steps", "Ana Ruiz"),
    ("Mc Donald", "Mc Donald"),                # a name particle, not the role "MC"
])
def test_names_stay_participants(tmp_path, label, name):
    unit, identifiers = _read(tmp_path, label)
    assert unit.speaker_role == "participant"
    assert [i.value for i in identifiers if i.kind == "person"] == [name]


@pytest.mark.parametrize("label, role", [
    ("FG facilitator", "facilitator"),
    ("CoP facilitator", "facilitator"),
    ("Focus group facilitator", "facilitator"),
    ("Session facilitator 2", "facilitator"),
    ("Lead researcher", "facilitator"),
    ("Senior evaluator", "facilitator"),
    ("Session chair", "facilitator"),
    ("Second interviewer", "interviewer"),
    ("Research interviewer", "interviewer"),
])
def test_a_role_after_a_qualifier_is_that_role_and_no_name(tmp_path, label, role):
    unit, identifiers = _read(tmp_path, label)
    assert unit.speaker_role == role            # the facilitator's words are never a participant's
    assert [i.value for i in identifiers if i.kind == "person"] == []   # "facilitator" in a quote stays
