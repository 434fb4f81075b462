"""Kinds of identifier in text nobody wrote rules for (a probe written blind, 7 Dec 2026), one table per kind.

Every sentence here is new (none is the probe's). Each "found" row failed before the rule it tests; each
"kept" row is ordinary text the rule must leave alone.
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


@pytest.mark.parametrize("text,want", [
    ("(555) 310-2288 is my cell if you're over there", "(555) 310-2288"),
    ("our line is 555-402-7781 for bookings", "555-402-7781"),
    ("the clinic is 555.230.1177 if you need it", "555.230.1177"),
    ("you can call 555 230 1177 after five", "555 230 1177"),
])
def test_north_american_numbers_the_phone_library_rejects_are_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("we budgeted 300-400-5000 across the three sites", "300-400-5000"),
    ("attendance went 120 340 5600 over the years", "120 340 5600"),
    ("scores were 2019-2020-2021 all round", "2019-2020-2021"),
])
def test_number_runs_that_are_no_phone_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("as the only Fijian youth worker at the shire I get every referral", "the only Fijian youth worker at the shire"),
    ("I was the first Sudanese woman to be elected to the school board and it was hard",
     "the first Sudanese woman to be elected to the school board"),
    ("we run the only women's refuge in the district so everyone knows us", "the only women's refuge in the district"),
    ("I'm the counsellor for the entire region, one person for a thousand kids", "the counsellor for the entire region"),
    ("my niece was the girl on the news after the flood so it's personal", "the girl on the news after the flood"),
    ("as the oldest graduate nurse in the hospital when I started I felt it", "the oldest graduate nurse in the hospital when I started"),
    ("I'm the only deaf teacher at our secondary college", "the only deaf teacher at our secondary college"),
    ("it gets lonely when you're the only prevention worker for miles", "the only prevention worker for miles"),
])
def test_a_phrase_that_singles_out_one_person_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("the CoP was the only space I could be honest in", "the only space"),
    ("it was the first time I felt heard at work", "the first time"),
    ("the first two sessions in May were a bit slow", "the first two sessions"),
    ("I was the only man in the room the first week", "the only man"),
    ("the only thing that helped was the group", "the only thing"),
    ("I was the only one who turned up on time", "the only one"),
    ("we read the paper in the second session", "the paper"),
    # a review of the merged rule (helper h108): no place that singles anyone out, or "not the only"
    ("It's the only program at our school that talks about consent", "the only program at our school"),
    ("Being the only facilitator at the session was hard", "the only facilitator at the session was hard"),
    ("I'm not the only person who struggles with vicarious trauma in this work", "the only person who struggles"),
    ("I was the only teacher in the group, so I learnt heaps", "the only teacher in the group"),
])
def test_ordinary_the_only_and_the_first_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("we got Loddon PCP to pay for the venue", "Loddon PCP"),
    ("I teach at bairnsdale shs, it's a big school", "bairnsdale shs"),
    ("funding came from Ballarat council in the end", "Ballarat council"),
    ("she's on loan from NHS Grampian this year", "NHS Grampian"),
])
def test_a_place_with_an_organisation_word_beside_it_is_the_organisation(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("we ran the Bendigo CoP sessions on Zoom", "CoP"),
    ("Victoria PD days are always full", "PD"),
])
def test_allowed_acronyms_beside_a_place_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("I grew up out near bega and moved later", "bega"),
    ("we moved to yass for work", "yass"),
    ("honestly down in raby it's a different world", "raby"),
])
def test_a_short_town_typed_in_lower_case_where_a_place_fits_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,want", [
    ("shout out to al for the memes", "al"),
    ("props to li for the playlist every week", "li"),
    ("Big thanks to Star, she made the slides", "Star"),
    ("kudos to Hope for running the breakout", "Hope"),
])
def test_who_a_shout_out_goes_to_is_a_person(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("thanks to lockdown, we all met online", "lockdown"),
    ("shout out to everyone for coming", "everyone"),
    ("big thanks to Zoom for dropping out", "Zoom"),
])
def test_a_thanks_that_gives_a_cause_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,word", [
    ("Talofa lava everyone, lovely to be here", "Talofa"),
    ("the koha was generous, thank you all", "koha"),
    ("the koha was generous and the hangi was amazing", "hangi"),
    ("Lani brought palusami for the shared lunch", "palusami"),
    ("Ben's iPhone: can you hear me now?", "iPhone"),
    ("sorry, joining from my macbook today", "macbook"),
    ("I saw two of them at the Woolworths in town", "Woolworths"),
    ("we got the gear from Bunnings on the way", "Bunnings"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHost: welcome everyone", "WEBVTT"),
    ("the pushback from leadership was constant", "pushback"),
    ("that session was the standout of the year", "standout"),
])
def test_everyday_words_of_these_transcripts_stay(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("Charity and Nadia co-hosted the last two sessions", "Charity"),
    ("tbh Patience and Trinity were the ones who kept it going", "Patience"),
    ("so glad we met but Joy honestly made the whole thing", "Joy"),
    ("Brook tried to get the council on board", "Brook"),
    ("Grace wanted to know more about the toolkit", "Grace"),
])
def test_a_theme_word_doing_what_a_person_does_is_a_person(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Lord, I was wrecked after that one", "Lord"),
    ("Gosh, you all made it so easy", "Gosh"),
    ("Mercy, what a week it has been", "Mercy"),
    ("Rose-coloured glasses were off by week three", "Rose-coloured"),
    ("Time refused to slow down that term", "Time"),
    ("hope and joy were the words people used", "hope"),
])
def test_exclamations_compound_adjectives_and_plain_theme_words_stay(redactor, text, word):
    _kept(redactor, text, word)
