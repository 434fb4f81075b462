"""Kinds of miss a fourth blind probe showed (7 Dec 2026), one table per kind.

Every sentence here is new (none is the probe's). Each "found" row failed before the rule it tests; each
"kept" row is ordinary text the rule must leave alone.
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


# -- an e-mail address with a bracketed or capitalised "at" before a real domain
@pytest.mark.parametrize("text,want", [
    ("send the notes to tom.baines (at) mencap.org.uk and he'll file them", "tom.baines (at) mencap.org.uk"),
    ("my address is r_osei [at] ghs.gov.gh for anything urgent", "r_osei [at] ghs.gov.gh"),
    ("write to ciara.m {at} hse.ie if the link breaks", "ciara.m {at} hse.ie"),
    ("it's jp.walsh AT scoil.ie for the forms", "jp.walsh AT scoil.ie"),
    ("reach me on anna.k at rural-health.org.nz any time", "anna.k at rural-health.org.nz"),
])
def test_an_address_with_a_written_out_at_and_a_real_domain_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("we met at the library at nine and then went to the cafe", "met at the library at nine"),
    ("I looked at the slides at home afterwards", "looked at the slides at home"),
    ("the resources are up at prevention.org.au now", "resources are up at"),
    ("catch up at 3.30 at the hub", "catch up at 3.30 at the hub"),
])
def test_at_in_plain_prose_is_no_address(redactor, text, word):
    _kept(redactor, text, word)


# -- a year of birth after "born"
@pytest.mark.parametrize("text,want", [
    ("I was born in 1971 so I remember when none of this was talked about", "1971"),
    ("born 1988, grew up on a dairy farm, now teaching year 5", "1988"),
    ("My son was born in March 2015 and he's why I do this", "March 2015"),
    ("year of birth 1966, if the form needs it", "1966"),
    ("DOB: 1979 and I'm one of the older ones", "1979"),
])
def test_a_year_of_birth_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("the program started in 1998 and has grown every year since", "1998"),
    ("in 2019 we ran the first cohort", "2019"),
    ("I've worked here since 2011", "2011"),
    ("a new idea was born in the 2022 series", "2022"),
])
def test_years_that_are_no_birth_stay(redactor, text, word):
    _kept(redactor, text, word)


# -- the plural of an abbreviation names a class of things, never one person
@pytest.mark.parametrize("text,word", [
    ("We trained alongside the CHWs from the district.", "CHWs"),
    ("Thanks to the HCAs on nights, they carried us.", "HCAs"),
    ("we trained alongside the SHOs from the ward", "SHOs"),
    ("the ANPs on our team loved it", "ANPs"),
    ("thanks to the HVs who came along", "HVs"),
])
def test_the_plural_of_an_abbreviation_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- abstract nouns in -ity made by rule from an English adjective
@pytest.mark.parametrize("text,word", [
    ("we talked a lot about relationality and care", "relationality"),
    ("the performativity of some allies wore me down", "performativity"),
    ("the coloniality of the curriculum was named for once", "coloniality"),
    ("the situationality of it all is what the theory misses", "situationality"),
])
def test_abstract_nouns_in_ity_stay(redactor, text, word):
    _kept(redactor, text, word)


# -- a nationality or language that is also a census first name, before a noun, is an adjective, no name
@pytest.mark.parametrize("text,word", [
    ("Our Irish speakers felt left out of the resources.", "Irish"),
    ("Two German teachers came over on the exchange.", "German"),
    ("the German language unit was cut last year", "German"),
    ("A few Irish dancers performed at the close.", "Irish"),
])
def test_a_nationality_before_a_noun_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    # a name that is also an adjective, doing something, is still a name
    ("Honestly, we had Frank running the breakout and it was great.", "Frank"),
    ("It was good to hear Irish talk about her school.", "Irish"),
])
def test_a_name_that_is_an_adjective_is_still_found_where_only_a_name_fits(redactor, text, want):
    _found(redactor, text, want)


# -- everyday te reo Māori words written with macrons
@pytest.mark.parametrize("text,word", [
    ("we did a hīkoi around the lake after the session", "hīkoi"),
    ("the pōhiri at the start was lovely", "pōhiri"),
    ("we started with a mōteatea and it settled everyone", "mōteatea"),
    ("our rōpū meets on Tuesdays now", "rōpū"),
    ("the tākaro part at the end got everyone laughing", "tākaro"),
])
def test_lower_case_words_with_macrons_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("i talked to tāwhiri about the kura afterwards", "tāwhiri"),
    ("me and mārama ran the second half", "mārama"),
])
def test_a_lower_case_name_with_macrons_is_found_where_only_a_name_fits(redactor, text, want):
    _found(redactor, text, want)


# -- te reo Māori nouns in -tanga / -hanga, and the everyday words of the sector, written without macrons
@pytest.mark.parametrize("text,word", [
    ("for us it is about kotahitanga, not just ticking a box", "kotahitanga"),
    ("we kept coming back to rangatiratanga and what it means for the service", "rangatiratanga"),
    ("wairuatanga came up in every session", "wairuatanga"),
    ("it's about ahurutanga for the kids, a safe space first", "ahurutanga"),
    ("the tangata whenua perspective changed how I plan", "whenua"),
    ("the kaimahi at our service all want in on the next round", "kaimahi"),
    ("our taiohi had a lot to say about online abuse", "taiohi"),
])
def test_te_reo_nouns_and_everyday_words_stay(redactor, text, word):
    _kept(redactor, text, word)
