"""Kinds of miss a fifth blind probe showed (7 Dec 2026), one table per kind.

Every sentence here is new (none is the probe's). Each row of a table of misses (found, or an eponym or a
word in capitals kept) failed before the rule it tests; the tables named "still found" and "kinds of
surgery stay" are guards: what the rule must not take away or add.
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


# -- a title and its name split by a line break; a title before an organisation named after that person
@pytest.mark.parametrize("text,want", [
    ("the speaker was Prof\nOkeke from the medical school", "Prof\nOkeke"),
    ("we had a talk from Mrs\nWhitfield about the parents", "Mrs\nWhitfield"),
    ("The referral came from Sir Tomos Evans Hospital in the end.", "Sir Tomos Evans Hospital"),
    ("She was transferred to Dr Ruth Harvey's Clinic for follow up.", "Dr Ruth Harvey's Clinic"),
    ("My placement was at Lady Margaret Hungerford Hospital last spring.", "Lady Margaret Hungerford Hospital"),
])
def test_a_title_joins_its_name_across_a_line_break_and_before_a_namesake_organisation(redactor, text, want):
    _found(redactor, text, want)


# -- a name hyphenated across a line break is one name
@pytest.mark.parametrize("text,want", [
    ("our lead was Gwenda Hughes-\nParry and she was brilliant", "Gwenda Hughes-\nParry"),
])
def test_a_name_hyphenated_across_a_line_break_is_redacted_whole(redactor, text, want):
    _found(redactor, text, want)


# -- an answer typed in capitals: its ordinary words are no acronyms, and an organisation's name stops at them
@pytest.mark.parametrize("text,word", [
    ("I CAME ALONG BECAUSE MY MANAGER SAID I SHOULD", "MANAGER SAID"),
    ("THE WHOLE EXPERIENCE WAS GREAT BUT THE TIMING WAS HARD", "TIMING WAS"),
    ("IT WAS GOOD TO HEAR FROM THE OTHER SCHOOLS", "SCHOOLS"),
    ("MY FAVOURITE PART WAS THE ROLE PLAYS", "ROLE PLAYS"),
    ("WE NEED MORE FUNDING FOR THE RURAL AREAS", "AREAS"),
    ("I TEACH AT ST BRENDAN'S COLLEGE AND IT IS VERY HARD HERE", "AND IT IS"),
    ("I WORK AT HOLY TRINITY PRIMARY SO WE HAVE A LOT OF FAMILIES", "SO WE HAVE"),
    ("I VOLUNTEER AT BRIGHTSIDE BRIDGE CLUB EVERY WEEK", "EVERY WEEK"),
    ("WORKED WITH BCHS", "WORKED WITH"),
])
def test_ordinary_words_in_an_answer_typed_in_capitals_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("I TEACH AT ST BRENDAN'S COLLEGE AND IT IS VERY HARD HERE", "ST BRENDAN'S COLLEGE"),
    ("I WORK AT HOLY TRINITY PRIMARY SO WE HAVE A LOT OF FAMILIES", "HOLY TRINITY PRIMARY"),
    ("WE GOT A LOT OF SUPPORT FROM THE BCHS TEAM", "BCHS"),
    ("WORKED WITH BCHS", "BCHS"),
])
def test_names_and_acronyms_in_an_answer_typed_in_capitals_are_still_found(redactor, text, want):
    _found(redactor, text, want)


# -- a name that names a condition or a method is no person
@pytest.mark.parametrize("text,word", [
    ("We talked about Huntington's and caring for a parent.", "Huntington"),
    ("Tourette's is misunderstood in most classrooms.", "Tourette"),
    ("A lot of the boys had Asperger's diagnoses.", "Asperger"),
    ("My mum has Alzheimer's so this was close to home.", "Alzheimer"),
    ("Hodgkin's came up when one of the carers shared.", "Hodgkin"),
    ("We went through Kolb's cycle in the second session.", "Kolb"),
    ("We used the Johari window to reflect on ourselves.", "Johari"),
    ("The Karpman triangle helped me make sense of rescuing.", "Karpman"),
    ("We did the Kolb cycle as a warm up.", "Kolb"),
    ("Bloom's taxonomy is useful for lesson planning.", "Bloom"),
])
def test_an_eponym_of_a_condition_or_method_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("Priya's framework was the best thing we used", "Priya"),
    ("Miriam Bell's palsy story stayed with me", "Miriam Bell"),
    ("Dr Kolb came to talk about the cycle", "Dr Kolb"),
])
def test_a_person_beside_a_condition_or_method_word_is_still_found(redactor, text, want):
    _found(redactor, text, want)


# -- Welsh, Irish and Gaelic streets (the street word first); a unit in a business park
@pytest.mark.parametrize("text,want", [
    ("I live at 7 Heol y Bryn so it's a short walk.", "7 Heol y Bryn"),
    ("Post it to 22 Stryd Fawr please.", "22 Stryd Fawr"),
    ("our house is 3 Lôn Glasfryn near the chapel", "3 Lôn Glasfryn"),
    ("the office is at 12 Bóthar na Trá now", "12 Bóthar na Trá"),
    ("Our base is Unit 12, Meadowbank Industrial Estate, off the bypass.", "Unit 12, Meadowbank Industrial Estate"),
    ("Deliveries go to Suite 4, Harbourside Business Centre.", "Suite 4, Harbourside Business Centre"),
])
def test_a_street_word_first_address_and_a_unit_in_a_business_park_are_found(redactor, text, want):
    _found(redactor, text, want)


# -- a GP practice named "... Surgery"; kinds of surgery stay
@pytest.mark.parametrize("text,want", [
    ("Our clinic is the Lister Surgery, just off the high street.", "Lister Surgery"),
    ("I'm a practice nurse at the Hawthorn Surgery.", "Hawthorn Surgery"),
    ("My GP is at the Fennimore Surgery in town.", "Fennimore Surgery"),
])
def test_a_gp_practice_named_surgery_is_an_organisation(redactor, text, want):
    _found(redactor, text, want)
    spans = redactor.analyze(text)
    assert [s.kind for s in spans if text[s.start:s.end] == want] == ["org"], [(text[s.start:s.end], s.kind) for s in spans]


@pytest.mark.parametrize("text,word", [
    ("She works in Day Surgery at the hospital.", "Day Surgery"),
    ("I moved from General Surgery to the community team.", "General Surgery"),
    ("The Cardiac Surgery unit was short staffed.", "Cardiac Surgery"),
    ("my son had Surgery last year", "Surgery"),
])
def test_kinds_of_surgery_stay(redactor, text, word):
    _kept(redactor, text, word)
