"""A misspelt month or weekday is no place ("in Febuary's meeting"), and an idiom made of first names names no one
("every Tom, Dick and Harry")."""
from __future__ import annotations

import pytest

from copquotes.anonymise.recognizers import _calendar_slip

from .probes import assert_found, assert_kept

KEPT = [
    ("misspelt_month_possessive", "We agreed it in Febuary's catch-up, then forgot.", "Febuary"),
    ("misspelt_weekday_possessive", "I brought it up in Wensday's session.", "Wensday"),
    ("misspelt_month_alone", "It all changed in Agust when the funding ended.", "Agust"),
    ("misspelt_weekday_after_on", "See you all in Thursdy's group.", "Thursdy"),
    ("idiom_every", "Every Tom, Dick and Harry has a view on consent now.", "Harry"),
    ("idiom_any_lower", "It isn't for any tom, dick or harry to decide.", "dick"),
    ("idiom_mid_sentence", "Suddenly every Tom, Dick and Harry wanted to run a workshop.", "Dick"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_no_one_is_named(redactor, kind, text, word):
    assert_kept(redactor, text, word)


FOUND = [
    ("town_near_a_month", "I grew up in Junee and moved away at eighteen.", "Junee"),
    ("real_names_beside_the_idiom", "Tom, Dick and I drove up together.", "Dick"),
    ("surname_near_a_month", "Thanks to Rosa Marchi for the minutes.", "Marchi"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_names_and_towns_near_them_are_still_redacted(redactor, kind, text, want):
    assert_found(redactor, text, want)


@pytest.mark.parametrize("word, slip", [
    ("febuary", True), ("tuesdy", True), ("septmber", True), ("saterday", True),
    ("junee", False), ("augusta", False), ("friend", False), ("monday", False), ("marchant", False),
    ("marchi", False), ("munday", False), ("frida", False),
])
def test_calendar_slip(word, slip):
    assert _calendar_slip(word) is slip
