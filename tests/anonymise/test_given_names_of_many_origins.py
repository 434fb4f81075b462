"""Given names common in the UK's communities that the US census list lacks (South Asian, African, Eastern European,
Chinese and Vietnamese, Arabic, Somali and Turkish, Welsh, Irish and Gaelic, Caribbean and Portuguese): in a name
slot they are redacted as a person, not left or taken for a town; the everyday words kept out of the list stay.
Every "found" and "person" row failed before the list was added."""
from __future__ import annotations

import pytest

from copquotes.anonymise.given_names import uk_given_names

from .probes import assert_found, assert_kept

FOUND = [
    ("first_of_two_subjects", "Lakshmi and Krishna ran the group.", "Lakshmi"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_listed_name_in_a_name_slot_is_redacted(redactor, kind, text, want):
    assert_found(redactor, text, want)


PERSON = [
    ("after_spoke_to_and", "I spoke to Tomasz and Oksana after the session.", "Oksana"),
    ("first_of_two_objects", "I spoke to Tomasz and Oksana after the session.", "Tomasz"),
    ("after_thanks_to", "Thanks to Gosia and Ewelina.", "Gosia"),
    ("second_after_thanks_to", "Thanks to Gosia and Ewelina.", "Ewelina"),
    ("lower_case_before_said", "fraser said it was fine", "fraser"),
]


@pytest.mark.parametrize("kind, text, want", PERSON, ids=[r[0] for r in PERSON])
def test_listed_name_is_redacted_as_a_person_not_a_place(redactor, kind, text, want):
    assert_found(redactor, text, want)
    s = text.index(want)
    kinds = {sp.kind for sp in redactor.analyze(text) if sp.start <= s < sp.end}
    assert kinds == {"person"}, kinds


KEPT = [
    ("said", "We said it was a long day.", "said"),
    ("hung", "The banner hung on the wall all term.", "hung"),
    ("son", "My son came along to the last session.", "son"),
    ("tuba", "The kids loved the tuba most of all.", "tuba"),
    ("danish", "There were Danish pastries at the break.", "Danish"),
    ("blessing", "The funding was a blessing for the group.", "blessing"),
    ("junior", "The junior staff ran the morning session.", "junior"),
    ("precious", "Those two hours were precious to the carers.", "precious"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_ordinary_word_stays(redactor, kind, text, word):
    assert_kept(redactor, text, word)


@pytest.mark.parametrize("word", ["said", "son", "hung", "lean", "long", "man", "tuba", "danish", "blessing",
                                  "precious", "junior", "devon", "kashmir", "fitzroy", "robina"])
def test_everyday_words_and_places_are_not_in_the_list(word):
    assert word not in uk_given_names()


@pytest.mark.parametrize("written, read", [("Siobhán", "siobhan"), ("Łukasz", "lukasz"), ("Gülşen", "gulsen"),
                                           ("Đức", "duc"), ("Gonçalo", "goncalo")])
def test_names_with_diacritics_are_read_folded(written, read):
    assert read in uk_given_names()
