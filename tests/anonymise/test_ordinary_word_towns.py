"""Towns whose names are ordinary words ("Young", "Hope", "Reading", "Bath") are redacted where only a town fits:
after a verb of living or moving and its preposition, after "out at" / "down in", beside another town in a list;
"live in hope of", "reading group", "Young People" (a cohort's name) stay. Every "found" row was missed before the
change ("moved to Young", "the clinic in Reading" were already found)."""
from __future__ import annotations

import pytest

from .probes import assert_found, assert_kept

FOUND = [
    ("word_town_after_town_and", "Next term we start groups in Orange and Young, if the grant comes through.", "Young"),
    ("word_town_ends_list", "She has worked in Sale and Young.", "Young"),
    ("word_town_after_name_like_town", "We meet in Seymour and Young each term.", "Young"),
    ("out_at_theme_word_town", "I do two days a week out at Hope with the youth service.", "Hope"),
    ("out_in_theme_word_town", "I spent a year out in Hope on placement.", "Hope"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_word_town_where_a_place_stands_is_redacted(redactor, kind, text, want):
    assert_found(redactor, text, want)


KEPT = [
    ("live_in_hope_of", "We live in Hope of a better funding round.", "Hope"),
    ("reading_group", "Our reading group met after the session.", "reading"),
    ("young_people_cohort", "The Children and Young People group met in the library.", "Young"),
    ("moved_to_online_tool", "We moved to Zoom after the first lockdown.", "Zoom"),
    ("moved_to_weekday", "The session moved to Tuesday because of the footy.", "Tuesday"),
    ("moved_to_term", "We moved to Term 3 for the forum.", "Term"),
    ("reached_out_to_person_not_town", "I reached out to Hope about it and she called back.", "out"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_ordinary_use_stays(redactor, kind, text, word):
    assert_kept(redactor, text, word)
