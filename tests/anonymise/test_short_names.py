"""Short given names and diminutives ("Di", "Mo", "Bec", "Bill") redacted where they are used as a name: in apposition
with a role ("Bill, the club president, ..."), with what people call someone ("Mo, as everyone calls him"), addressed,
or the subject of a verb; the ordinary words they are ("the bill", "half a mo") stay. Every "found" row was missed
before the change."""
from __future__ import annotations

import pytest

from .probes import assert_found, assert_kept

FOUND = [
    ("apposed_role_opens_sentence", "Pat, the school principal, finally said yes to the pride round.", "Pat"),
    ("apposed_team_leader", "Di, our team leader, signed the forms straight away.", "Di"),
    ("apposed_caretaker", "Al, the caretaker, let us in early every week.", "Al"),
    ("apposed_role_diminutive", "Bec, the school nurse, ran the consent session.", "Bec"),
    ("what_everyone_calls_him", "Abdullah - or Mo, as everyone calls him - opened the forum.", "Mo"),
    ("diminutive_subject_mid_sentence", "I reckon Mags ran the best session of the year.", "Mags"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_short_name_used_as_a_name_is_redacted(redactor, kind, text, want):
    assert_found(redactor, text, want)


KEPT = [
    ("bill_paid", "The bill was paid by the school in the end.", "bill"),
    ("power_bill", "Our power bill doubled over winter.", "bill"),
    ("half_a_mo", "Hang on half a mo, I'll find the link.", "mo"),
    ("wait_a_mo", "Wait a mo while I share my screen.", "mo"),
    ("apposition_of_a_word", "Overall, the facilitator was brilliant.", "Overall"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_ordinary_word_stays(redactor, kind, text, word):
    assert_kept(redactor, text, word)
