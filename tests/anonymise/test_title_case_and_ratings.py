"""Answers typed in Title Case and self-ratings: the words around an organisation and the numbers of a
rating are kept, while the organisation and the speaker's real age are still redacted.

Each "kept" row was redacted by the whole-name and speaker-age rules before this change (a reviewer's
finding on stage version 16); each "found" row guards what those rules must still catch.
"""
from __future__ import annotations

import pytest

from .probes import covered, touched as _touched

KEPT = [
    ("title_case_verb_before_org_word", "I Loved The Hub", "Loved"),
    ("title_case_preposition_before_org_word", "We Met At The Hub Every Week", "Met At The"),
    ("title_case_to_before_org_word", "I Would Recommend The Youth Hub To Anyone", "Would Recommend"),
    ("title_case_words_before_a_practice", "Staff At Parkway Medical Were Lovely", "Staff At"),
    ("title_case_question_heading", "Question 3: What Did You Think Of The Dental Clinic?", "What Did You Think"),
    ("title_case_thanks_before_a_practice", "Big Thanks To Sarah At Parkway Medical", "At"),
    ("rating_before_and_after", "Before the course I was 4, now I'm 9.", "9"),
    ("rating_on_a_scale", "On a scale of 1-10 I'm 8.", "8"),
    ("rating_of_confidence", "Rate confidence: I was 2. Now I am 7.", "7"),
    ("hours_late", "I was 2 and a half hours late", "2"),
    ("turned_round_in_views", "I turned 180 on my views", "180"),
    ("place_in_a_queue", "I was 3 and 4 in line for the phone", "3"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_the_ordinary_words_and_numbers_are_kept(redactor, kind, text, word):
    spans = redactor.analyze(text)
    assert not _touched(text, spans, word), (kind, [text[s.start:s.end] for s in spans])


FOUND = [
    ("practice_in_title_case", "Staff At Parkway Medical Were Lovely", "Parkway Medical"),
    ("age_turned", "I turned 63 last month and retired.", "63"),
    ("age_when", "I was 47 when I started.", "47"),
    ("age_year_old_before_out_of", "i'm a 19 year old youth worker so i felt a bit out of my depth", "19 year old"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_the_identifier_is_still_redacted(redactor, kind, text, want):
    spans = redactor.analyze(text)
    assert covered(text, spans, want, punctuation=True), (kind, [text[sp.start:sp.end] for sp in spans])
