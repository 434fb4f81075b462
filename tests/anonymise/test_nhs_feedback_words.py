"""Over-redaction a reviewer saw on real NHS patient feedback (pxtextmining comments), written here
as synthetic probes: an export that turned every "i" into "I" ("FrIendly staff"), praise and
everyday nouns the NER capitalises into names ("Good", "Very Friendly", "Driver was punctual"),
a noun's plural or an informal word carried from one answer to the others ("Paramedics", "Covid"),
a compound role taken for a name ("Health Visitor asked"), and one-key slips of frequent words in
a person's slot ("thank ypu", "domeone told me").

Each "kept" row failed before the change it tests (but "survey_header", a guard the reviewer asked
for); each "found" row is what the change must not lose.
"""
from __future__ import annotations

import pytest

from copquotes.anonymise.fold import fold, repair_capital_i

from .probes import covered as _covered, touched as _touched


KEPT = [
    ("capital_i_export", "All staff really FrIendly & helpful. NothIng too much trouble.", "FrIendly"),
    ("capital_i_export_start", "FrIendly and welcomIng, brIllIant wIth my son.", "FrIendly"),
    ("capital_i_partly", "All staff were FrIendly and carIng and I received good care.", "FrIendly"),
    ("praise_capitalised", "Everything about my care was Good and I felt the benefit of it.", "Good"),
    ("praise_two_words", "Got a lot of benefit.  Very Good.", "Very Good"),
    ("praise_all_good", "Excellent service.  Shame it couldn't have continued.  All Good.", "All Good"),
    ("praise_friendly", "Care was brilliant. Everyone was Friendly & caring.", "Friendly"),
    ("noun_opens_sentence", "Uncomfortable ambulance ride. Driver was excellent.", "Driver"),
    ("noun_opens_answer", "Driver was very helpful and chatty and pleasant.", "Driver"),
    ("noun_possessive_opens", "Driver's very helpful.", "Driver"),
    ("plural_noun_after_for", "More help is needed for Paramedics and they should be more valued.", "Paramedics"),
    ("plural_noun_after_of", "Speed of dispatch of Paramedics", "Paramedics"),
    ("informal_word_after_of", "Because of Covid I need to travel further.", "Covid"),
    ("compound_role_subject", "Health Visitor asked me about so many details.", "Visitor"),
    ("compound_role_lower", "the health visitor said it was fine", "visitor"),
    ("slip_after_thank", "thank ypu so much for everything", "ypu"),
    ("slip_speaking_subject", "domeone told me to wait in the car", "domeone"),
    ("survey_header", "What was good about your care?", "good"),
]


@pytest.mark.parametrize("case,text,word", KEPT, ids=[c[0] for c in KEPT])
def test_an_everyday_word_in_feedback_is_kept(redactor, case, text, word):
    spans = redactor.analyze(text)
    assert not _touched(text, spans, word), [(text[s.start:s.end], s.kind, s.source) for s in spans]


FOUND = [
    ("name_in_capital_i_export", "The nurse Imran was kInd and explaIned everythIng.", "Imran"),
    ("town_in_capital_i_export", "I travel from NottIngham every week for the clInIc.", "NottIngham"),
    ("surname_with_cue", "Smith said I could go home early.", "Smith"),
    ("name_and_i", "Grace and I drove down to the group.", "Grace"),
    ("surname_after_title", "Mr Driver was kind to my mum.", "Driver"),
    ("name_after_thank", "thank sione for everything", "sione"),
    ("name_speaking_subject", "kemi told me to wait in the car", "kemi"),
    ("place_after_in", "We met the team in Brimbank last week.", "Brimbank"),
]


@pytest.mark.parametrize("case,text,want", FOUND, ids=[c[0] for c in FOUND])
def test_a_name_beside_these_words_is_still_found(redactor, case, text, want):
    spans = redactor.analyze(text)
    assert _covered(text, spans, want), [(text[s.start:s.end], s.kind, s.source) for s in spans]


def test_propagation_skips_a_plural_noun_and_an_informal_word(redactor):
    texts = ["More help is needed for Paramedics.", "Paramedics were great.", "Covid restrictions were hard.",
             "Because of Covid I could not visit."]
    spans = redactor.analyze_document(texts)
    assert all(not sp for sp in spans), spans


REPAIRS = [
    ("all_i_written_capital", "FrIendly staff, Good communIcatIon", "Friendly staff, Good communication"),
    ("word_opening_with_i", "It Is fIne In the clInIc", "it is fine in the clinic"),
    ("pronoun_and_acronym_stay", "I lIke ICU staff", "I like ICU staff"),
    ("name_stays_capitalised", "Imran was kInd", "Imran was kind"),
    ("ordinary_text_untouched", "I think McIntosh is kind and it is fine", "I think McIntosh is kind and it is fine"),
]


@pytest.mark.parametrize("case,text,want", REPAIRS, ids=[c[0] for c in REPAIRS])
def test_an_export_that_wrote_every_i_as_capital_is_repaired_in_place(case, text, want):
    assert repair_capital_i(text) == want
    folded = fold(text)
    assert folded.text == want and len(folded.text) == len(text)
