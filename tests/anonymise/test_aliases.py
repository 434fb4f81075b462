"""A name with a nickname in brackets or quotes beside it is redacted as one name, brackets and quotes included
(copquotes.anonymise.aliases): "[PERSON] ([PERSON]) [PERSON]" would tell a reader a nickname was there, and the
evaluator counts a bracket that survives as a miss."""
from __future__ import annotations

import pytest

from .probes import assert_found, assert_kept

FOUND = [
    ("bracketed_alias_opens_sentence", "Annabel (Bel) Whitford chaired every session last year.", "Annabel (Bel) Whitford"),
    ("single_quoted_alias_mid_sentence", "I rang Patrick 'Paddy' Donnelly about the hall keys.", "Patrick 'Paddy' Donnelly"),
    ("double_quoted_alias_after_role", 'Our coordinator Elizabeth "Libby" Tran sent the notes.', 'Elizabeth "Libby" Tran'),
    ("bracketed_alias_before_comma", "Thanks to Christopher (Kit) Ellery, the room was sorted.", "Christopher (Kit) Ellery"),
    ("quoted_alias_in_brackets_no_surname", "I asked Rebecca ('Becs') to bring the slides.", "Rebecca ('Becs')"),
    ("hyphenated_alias_in_quotes", 'The principal, Gregory "Greg-o" Lindqvist, backed the program.', 'Gregory "Greg-o" Lindqvist'),
    ("alias_before_possessive", "It was Theodora 'Teddie' Markovic's idea to swap venues.", "Theodora 'Teddie' Markovic"),
    ("lower_case_transcript", "yeah so alexander (sandy) mcleod ran the first half", "alexander (sandy) mcleod"),
    ("aka_between_names", "We had Siddharth aka Sid Raman in as the guest.", "Siddharth aka Sid Raman"),
    ("unfamiliar_given_name", 'Big thanks to Tevita "Vita" Fifita for the kai.', 'Tevita "Vita" Fifita'),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_name_alias_and_surname_are_one_redaction(redactor, kind, text, want):
    assert_found(redactor, text, want)


KEPT = [
    ("role_in_brackets", "I asked Marguerite (facilitator) about the next date.", "(facilitator)"),
    ("programme_acronym_in_brackets", "Hamish (CoP lead) handed out the agenda.", "(CoP lead)"),
    ("quoted_words_after_a_name", 'I told Yusuf "Great job" and left it there.', "Great job"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_brackets_without_a_name_stay(redactor, kind, text, word):
    assert_kept(redactor, text, word)
