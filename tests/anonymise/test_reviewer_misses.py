"""What reviewers found the anonymiser missing or over-redacting (6 Dec 2026), one row per kind.

Each "found" row failed before the change it tests; each "kept" row is what the change must not take.
"""
from __future__ import annotations

import unicodedata

import pytest

from copquotes.anonymise import Redactor
from copquotes.anonymise.render import redact_text

from .probes import covered as _covered, touched as _touched


NFD = unicodedata.normalize("NFD", "I spoke with Zoë Müller and José García about the CoP. Then Renée Dubois rang.")


@pytest.mark.parametrize("name", ["Zoë Müller", "José García", "Renée Dubois"])
def test_decomposed_accents_do_not_split_a_name(redactor, name):
    name = unicodedata.normalize("NFD", name)
    spans = redactor.analyze(NFD)
    assert _covered(NFD, spans, name)
    out = redact_text(NFD, spans)
    assert not any(unicodedata.combining(c) for c in out), out
    assert not any(part in out for part in name.split()), out


def test_no_span_ends_between_a_letter_and_its_mark(redactor):
    spans = redactor.analyze(NFD)
    for sp in spans:
        assert not unicodedata.combining(NFD[sp.start])
        assert sp.end == len(NFD) or not unicodedata.combining(NFD[sp.end])


def test_decomposed_and_composed_text_give_the_same_redaction(redactor):
    nfc = unicodedata.normalize("NFC", NFD)
    assert redact_text(NFD, redactor.analyze(NFD)) == redact_text(nfc, redactor.analyze(nfc))


FOUND = [
    ("city_not_australian", "I live in Auckland.", "Auckland"),
    ("city_ordinary_word_after_from", "I moved here from Reading last year.", "Reading"),
    ("city_ordinary_word_after_in", "The CoP in Bath is tiny.", "Bath"),
    ("city_mid_sentence", "The group in Christchurch is tiny.", "Christchurch"),
    ("lower_surname_after_and", "thanks to Ann and mcgregor for the notes.", "mcgregor"),
    ("eircode", "My Eircode is D02 X285 if you need it.", "D02 X285"),
    ("canadian_postcode", "The office postcode is K1A 0B1.", "K1A 0B1"),
    ("irish_pps", "My PPS number is 1234567T.", "1234567T"),
    ("nmc_pin", "My NMC PIN is NMC 12A3456E.", "12A3456E"),
    ("registration_number", "My registration number is MED0001234567.", "MED0001234567"),
    ("uk_number_plate", "I parked it, reg AB12 CDE, out the front.", "AB12 CDE"),
    ("reddit_user", "Find me on reddit as u/prevention_nerd.", "u/prevention_nerd"),
    ("dotted_handle", "follow jess.prevents on insta", "jess.prevents"),
    ("org_branch_whole", "I used to work at Barnardo's Cymru.", "Barnardo's Cymru"),
    ("agent_progressive", "Grace was facilitating today.", "Grace"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_the_identifier_is_redacted(redactor, kind, text, want):
    spans = redactor.analyze(text)
    assert _covered(text, spans, want), (kind, [text[s.start:s.end] for s in spans])


KEPT = [
    ("reading_verb", "I was reading the notes on the train.", "reading"),
    ("reading_sentence_start", "Reading the room is a skill I learnt here.", "Reading"),
    ("reading_after_determiner", "We did some Reading before each session.", "Reading"),
    ("bath_noun", "I had a long bath after the session.", "bath"),
    ("bath_sentence_start", "Bath time at home is chaos but the CoP is calm.", "Bath"),
    ("nice_adjective", "Nice work everyone, see you next month.", "Nice"),
    ("accented_word", "Café chats after the session were the best part.", "Café"),
    ("accented_compound", "We tried café-style check-ins.", "café-style"),
    ("accented_hyphenated", "It was good for résumé-building.", "résumé-building"),
    ("greeting", "Hello from Jane Doe and the team.", "Hello"),
    ("the_word_reg", "I parked it, reg AB12 CDE, out the front.", "reg"),
    ("the_word_eircode", "My Eircode is D02 X285 if you need it.", "Eircode"),
    ("platform", "Find me on reddit as u/prevention_nerd.", "reddit"),
    ("years_after_staff", "the staff 2024-25 survey was long", "2024-25"),
    ("typo_without_space", "we ended the session.it was good", "session.it"),
    ("hope_fading", "Hope was fading by June.", "Hope"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_the_ordinary_word_is_kept(redactor, kind, text, word):
    spans = redactor.analyze(text)
    assert not _touched(text, spans, word), (kind, [text[s.start:s.end] for s in spans])


ROSTER = ["Joy Lam", "Renée Brown", "Sam King", "Lily May", "Ann Rose"]

ROSTER_FOUND = [
    ("theme_word_first_name_acting", "Joy was facilitating with joy.", "Joy"),
    ("accent_dropped_and_lower_surname", "Renee brown agreed.", "Renee brown"),
    ("lower_surname_thanked", "big thanks to king for the notes.", "king"),
    ("lower_month_surname_thanked", "thanks to may for the notes.", "may"),
    ("lower_surname_beside_speaker", "me and rose went down.", "rose"),
]
ROSTER_KEPT = [
    ("theme_word", "Joy was facilitating with joy.", "with joy"),
    ("king_as_a_word", "the king of the castle was there.", "king"),
    ("street", "we went to king street for lunch.", "king"),
    ("modal", "we may go later, and a rose by any name.", "may"),
    ("flower", "we may go later, and a rose by any name.", "rose"),
    ("listened", "we listened to king for an hour", "king"),
]


@pytest.fixture(scope="module")
def roster_redactor():
    return Redactor(known_names=ROSTER)


@pytest.mark.parametrize("kind, text, want", ROSTER_FOUND, ids=[r[0] for r in ROSTER_FOUND])
def test_a_roster_name_is_redacted(roster_redactor, kind, text, want):
    spans = roster_redactor.analyze(text)
    assert _covered(text, spans, want), (kind, [text[s.start:s.end] for s in spans])


@pytest.mark.parametrize("kind, text, word", ROSTER_KEPT, ids=[r[0] for r in ROSTER_KEPT])
def test_a_roster_word_used_as_a_word_is_kept(roster_redactor, kind, text, word):
    spans = roster_redactor.analyze(text)
    assert not _touched(text, spans, word), (kind, [text[s.start:s.end] for s in spans])


def test_a_name_carried_to_a_decomposed_text_takes_its_accent():
    from copquotes.anonymise.redactor import propagate
    from copquotes.types import Span

    texts = ["Jose rang me.", unicodedata.normalize("NFD", "Then José came too.")]
    out = propagate(texts, [[Span(0, 4, "person", "name_list", 0.9)], []])
    (sp,) = out[1]
    assert unicodedata.normalize("NFC", texts[1][sp.start:sp.end]) == "José"
