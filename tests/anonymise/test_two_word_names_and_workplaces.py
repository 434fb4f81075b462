"""Names of two everyday words are names, not programme phrases; a workplace in Title Case is an organisation.

A review of the programme-phrase rule (phrases.programme_phrase) found it let go any person of two Title Case
words when neither was a census first name: "Wren Hill told me ..." came out unchanged. A person span is now let
go only when no word after the first is one of the commonest surnames and it stands in no person context
("Thanks X", "X told me", "me and X", "spoke with X"). Every sentence is written here. Each "found" row failed
on h115 unless marked; each "kept" row passes on both (guards: the phrases must survive the fix).
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


@pytest.mark.parametrize("text,want", [
    # a given name and one of the commonest surnames, both everyday words
    ("Wren Hill told me about the pushback she got from parents.", "Wren Hill"),
    ("Moss Stone told me the principal would not sign off on it.", "Moss Stone"),
    ("Linden Hill told me about the backlash in her staffroom.", "Linden Hill"),
    ("Thorn Hill said the complaints came from two dads.", "Thorn Hill"),
    ("Lucky Stone told me about the backlash at his club.", "Lucky Stone"),
    ("Duke Hill told me the board thinks it is a fad.", "Duke Hill"),
    ("Fortune Stone told me she nearly quit last term.", "Fortune Stone"),
    ("Reef Hill told me about the emails she was getting.", "Reef Hill"),  # half-redacted on h115
    ("Merit Stone told me the deputy keeps undermining it.", "Merit Stone"),  # half-redacted on h115
    ("Wren Hill came along to the last session too.", "Wren Hill"),
    ("I had coffee with Moss Stone after the session.", "Moss Stone"),  # found on h115 too
    # a person context, whatever the surname: "Thanks X", "thanks to X", "me and X"
    ("Thanks Wren Hill for the notes from last week.", "Wren Hill"),
    ("thanks to Lucky Stone from the council for the room", "Lucky Stone"),
    ("me and Wren Reef drove down together for the forum", "Wren Reef"),
])
def test_a_name_of_two_everyday_words_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,want", [
    ("she works at Safe Relationships these days", "Safe Relationships"),
    ("He volunteers at Stronger Communities on weekends.", "Stronger Communities"),
    ("I used to work at the Kindred Roots Project before this.", "Kindred Roots Project"),  # found on h115 too (NER)
])
def test_a_title_case_workplace_is_an_organisation(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Peer Learning And Connection was the best part of the series.", "Peer Learning And Connection"),
    ("Peer Learning was great, and Safe Space too.", "Safe Space"),
    ("Peer Learning was great, and Safe Space too.", "Peer Learning"),
    ("It felt like a Safe Space for everyone in the room.", "Safe Space"),
    ("Knowledge Sharing was the part I looked forward to.", "Knowledge Sharing"),
    ("We finished with Knowledge Sharing again this month.", "Knowledge Sharing"),
    ("Half the group came from Aged Care settings.", "Aged Care"),
    ("She has worked in Aged Care for a long time.", "Aged Care"),
    ("The facilitator gave us all a Pat on the back.", "Pat"),
    ("My dad goes to the Men's Shed every week.", "Men's Shed"),
    ("We mapped our work against the Theory of Change.", "Theory of Change"),
    ("Our Gender Equality Action Plan is finally signed off.", "Gender Equality Action Plan"),
    ("Youth Work is hard going in a small town.", "Youth Work"),
    ("she works at Respectful Relationships in two schools", "Respectful Relationships"),
])
def test_programme_phrases_still_survive(redactor, text, word):
    _kept(redactor, text, word)
