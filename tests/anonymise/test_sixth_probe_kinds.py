"""Kinds of miss a sixth blind probe showed (7 Dec 2026), one table per kind.

Every sentence here is new (none is the probe's). The rows of the tables of misses failed before the rule
they test; the tables of guards say what the rule must not take away or add.
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


# -- a family name with a lower-case particle: Welsh "ap"/"ferch", Dutch "ter", Portuguese "dos", "bint"
@pytest.mark.parametrize("text,want", [
    ("Gethin ap Huw told us about the rugby club.", "Gethin ap Huw"),
    ("Our mentor was Mirjam ter Laak from the council.", "Mirjam ter Laak"),
    ("Rhodri ab Iorwerth took the minutes.", "Rhodri ab Iorwerth"),
    ("Dirk ten Brink joined from the Dutch team.", "Dirk ten Brink"),
    ("Lowri ap Dafydd runs the youth club on her own.", "Lowri ap Dafydd"),
])
def test_a_name_with_a_particle_is_redacted_whole(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Thanks de Groot for the notes.", "Thanks"),
    ("Maybe van Dijk can send the slides.", "Maybe"),
])
def test_a_word_before_a_particle_name_that_is_no_name_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a person's initials opening a sentence before a verb of saying
@pytest.mark.parametrize("text,want", [
    ("KM said the role plays were the best part.", "KM"),
    ("So CD reckons the council will never fund it.", "CD"),
])
def test_initials_that_speak_are_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("HR said no to the release time again.", "HR"),
    ("The GP said I should rest for a week.", "GP"),
    ("My SW told me the group would help.", "SW"),
    ("I ASKED MY MANAGER AND HR SAID NO", "HR"),
])
def test_an_acronym_or_a_role_before_said_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a saint's school or church typed in lower case after a workplace verb
@pytest.mark.parametrize("text,want", [
    ("i teach at st oswalds and we have nothing like this", "st oswalds"),
    ("she volunteers at saint annes on the weekends", "saint annes"),
])
def test_a_saints_workplace_typed_in_lower_case_is_found(redactor, text, want):
    _found(redactor, text, want)


def test_a_workplace_verb_before_no_saint_stays(redactor):
    _kept(redactor, "i work at st the weekends mostly", "the weekends")


# -- an international number with the bracketed trunk 0 after the country code that the phone library
# refuses as no valid number (a reserved range, a digit missing): it is still someone's number as written
@pytest.mark.parametrize("text,want", [
    ("Message me on +44 (0)7700 900982 after five.", "+44 (0)7700 900982"),
    ("Office mobile +44 (0)7911 12345, ask for the team.", "+44 (0)7911 12345"),
])
def test_an_international_number_with_its_trunk_zero_in_brackets_is_found(redactor, text, want):
    _found(redactor, text, want)


def test_numbers_with_a_bracketed_zero_that_are_no_phone_stay(redactor):
    _kept(redactor, "The score went from 44 (0) to 12 over the year.", "44 (0)")


# -- the outward half of a UK postcode on its own, where a place is meant
@pytest.mark.parametrize("text,want", [
    ("Our families mostly live in NG7 and NG8.", "NG7"),
    ("The tenants in HU3 and HU5 are the ones we see.", "HU5"),
    ("it's the DN31 area mainly where the referrals come from", "DN31"),
    ("We cover PL4, which has the highest rates in the city.", "PL4"),
    ("We only take referrals from postcode SW9 at the moment.", "SW9"),
    ("We are based in LS11, near the park.", "LS11"),
])
def test_a_partial_postcode_in_place_context_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("We were stuck on the M6 for an hour.", "M6"),
    ("The pupils in S4 did the consent lessons.", "S4"),
    ("She is working at Level 3 now.", "Level 3"),
    ("The session ran in Room B12 of the hall.", "B12"),
])
def test_codes_that_are_no_postcode_stay(redactor, text, word):
    _kept(redactor, text, word)


# -- a date of birth said in words
@pytest.mark.parametrize("text,want", [
    ("I was born on the twenty-first of March nineteen eighty-nine, if that matters.",
     "twenty-first of March nineteen eighty-nine"),
    ("date of birth is three oh nine seventy-six i think", "three oh nine seventy-six"),
    ("DOB: the ninth of June two thousand and one", "ninth of June two thousand and one"),
    ("she was born in nineteen sixty-four and still does nights", "nineteen sixty-four"),
])
def test_a_date_of_birth_in_words_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("The project was born on the first day of the pilot.", "first day"),
    ("The idea was born on a wet Tuesday in the staff room.", "Tuesday"),
])
def test_words_after_born_that_are_no_date_of_birth_stay(redactor, text, word):
    _kept(redactor, text, word)


# -- peoples, languages and communities are no names
@pytest.mark.parametrize("text,word", [
    ("Gypsy and Traveller families are often left out of these conversations.", "Traveller"),
    ("We run a group for Romany and Traveller women.", "Traveller"),
    ("Our Pacific Islander students led the assembly.", "Pacific Islander"),
    ("She translated the leaflet into Irish for the parents.", "Irish"),
])
def test_a_people_or_language_word_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("The leaflet was translated into Welsh by Rhian in the end.", "Rhian"),
    ("We translated it and gave it to Eoghan for checking.", "Eoghan"),
])
def test_a_person_near_a_translation_is_still_found(redactor, text, want):
    _found(redactor, text, want)


# -- a method named after its author, its own word capitalised with it
@pytest.mark.parametrize("text,word", [
    ("Our trust started Schwartz Rounds last year and staff love them.", "Schwartz"),
    ("The GPs in our area meet in Balint groups once a month.", "Balint"),
    ("We borrowed a lot from the Duluth Model for the men's group.", "Duluth"),
])
def test_an_eponymous_method_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("Dr Balint ran the first session for us.", "Dr Balint"),
    ("Priya Schwartz rounds off every session with a check-out.", "Priya Schwartz"),
    ("Siobhan groups the cards by theme before we start.", "Siobhan"),
])
def test_a_person_beside_a_method_word_is_still_found(redactor, text, want):
    _found(redactor, text, want)
