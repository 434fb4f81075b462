"""Misses and over-redactions found on a held-out probe of participant voice written unlike the generator's
templates: classic misspellings and everyday te reo Maori taken for names, spelt-out e-mail addresses,
health events that tie a date to a person, organisation suffixes, the parts around a street address,
and health numbers named by their scheme. Every "found" row failed before the change it tests, and so did
every misspelling and loanword among the "kept" rows; the other "kept" rows (a level, a year, a verb after a
name) and the names still found guard the new rules against taking, or giving up, what they must not.
"""
from __future__ import annotations

import pytest

from .probes import covered as _covered, touched as _touched


KEPT = [
    ("doubled_letter", "The facilitator was very proffesional and kind.", "proffesional"),
    ("confused_ending_nce", "Their responce to my complaint was slow.", "responce"),
    ("confused_ending_ately", "It was definately worth the time.", "definately"),
    ("confused_ending_ance", "The existance of the group kept me going.", "existance"),
    ("reo_hui", "Ana drove three hours for the hui and it was worth it.", "hui"),
    ("reo_korero", "Matua said we were rushing the korero.", "korero"),
    ("reo_karakia_lower", "We opened with a karakia and it set the tone.", "karakia"),
    ("reo_karakia_sentence_start", "Karakia at the start of each session helped people settle.", "Karakia"),
    ("reo_wananga", "The trust led the wānanga over two days.", "wānanga"),
    ("reo_tangi", "I texted her but she was at tangi.", "tangi"),
    ("pasifika_fono", "She said the fono was where she felt seen.", "fono"),
    ("greeting_kia_ora", "Kia ora everyone, sorry I'm late.", "Kia"),
    ("language_krio", "She translated the flyers into Krio.", "Krio"),
    ("anglo", "She thought the case studies were too Anglo.", "Anglo"),
    ("dot_on_is_no_domain", "We met at noon dot on the hour.", "noon"),
    ("nhs_without_number", "The NHS is 100 years old.", "100"),
    ("level_is_no_flat", "I was on level 3, 4 of us went.", "3"),
    ("nhi_is_an_acronym", "Her NHI is ZAC5361 so the GP can find her file.", "NHI"),
    ("year_after_town_at_sentence_end", "We met in Bendigo 2023.", "2023"),
    ("verb_after_a_name", "Sarah falls behind sometimes.", "falls"),
    ("parent_before_a_verb", "Mum and Dad bay horses on the farm.", "bay"),
]


@pytest.mark.parametrize("case,text,word", KEPT, ids=[c[0] for c in KEPT])
def test_a_misspelling_or_everyday_loanword_is_no_identifier(redactor, case, text, word):
    spans = redactor.analyze(text)
    assert not _touched(text, spans, word), [text[s.start:s.end] for s in spans]


NAMES_STILL_FOUND = [
    ("cameron_no_misspelt_country", "ask cameron about the roster", "cameron"),
    ("aroha_a_name_not_a_word", "me and aroha went to the hui", "aroha"),
    ("hui_a_syllable_of_a_chinese_name", "hui min will send the link round", "hui min"),
    ("te_before_a_maori_surname", "i rang mrs te rangi after the session", "te rangi"),
]


@pytest.mark.parametrize("case,text,want", NAMES_STILL_FOUND, ids=[c[0] for c in NAMES_STILL_FOUND])
def test_a_lower_case_name_near_a_word_is_still_found(redactor, case, text, want):
    assert _covered(text, redactor.analyze(text), want)


FOUND = [
    ("email_spelt_name_too", "Email me at jane dot smith at gmail dot com and I'll send it.", "jane dot smith at gmail dot com"),
    ("date_of_operation", "I had my operation on 12 March 2023 and couldn't come for a month.", "12 March 2023"),
    ("date_of_stroke", "Dad had a stroke on 4 June 2022, so I stepped back.", "4 June 2022"),
    ("org_cic", "Green Shoots Youth CIC ran the outreach in the estates.", "Green Shoots Youth CIC"),
    ("org_fund", "We got a grant from the Lottery Community Fund in year two.", "Lottery Community Fund"),
    ("org_refuge", "I work for Taranaki Women's Refuge as a support worker.", "Taranaki Women's Refuge"),
    ("council_of", "Someone from the Islamic Council of Victoria came along.", "Council of Victoria"),
    ("group_before_council_of", "Mr Patel from the Hindu Council of Australia came along once.", "Hindu Council of Australia"),
    ("postcode_after_state_ends_sentence", "Post it to PO Box 4412, Wagga Wagga NSW 2650.", "2650"),
    ("postcode_after_town_ends_sentence", "I live in Bendigo 3550.", "3550"),
    ("name_with_lower_valley", "Hunter valley trips were always booked out.", "Hunter valley"),
    ("name_with_lower_bay", "Byron bay was lovely that weekend.", "Byron bay"),
    ("flat_before_street", "She lives at Flat 3, 27 Kingsway Road so she walks over.", "Flat 3, 27 Kingsway Road"),
    ("apartment_before_street", "Send it to Apt 1205, 88 Harbour Street please.", "Apt 1205, 88 Harbour Street"),
    ("suite_after_street", "The clinic is at 1500 Main Street, Suite 210, up the stairs.", "1500 Main Street, Suite 210"),
    ("po_box", "Post it to PO Box 4412 and mark it private.", "PO Box 4412"),
    ("us_zip", "The office is in Springfield, MA 01103 near the river.", "MA 01103"),
    ("dublin_district", "My address is 22 Glenview Drive, Dublin 10, if you need it.", "Dublin 10"),
    ("nhs_number_spaced", "His NHS number is 485 777 3456 but please don't write it.", "485 777 3456"),
    ("nhi", "Her NHI is ZAC5361 so the GP can find her file.", "ZAC5361"),
]


@pytest.mark.parametrize("case,text,want", FOUND, ids=[c[0] for c in FOUND])
def test_an_identifier_of_a_held_out_shape_is_redacted(redactor, case, text, want):
    spans = redactor.analyze(text)
    assert _covered(text, spans, want), [text[s.start:s.end] for s in spans]
