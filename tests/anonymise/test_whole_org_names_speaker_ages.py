"""Organisation names masked whole, the speaker's own age, dates and role, and the words around them kept.

Each "found" row failed before the change it tests (a part of the name or the age stayed readable);
each "kept" row is an ordinary word or generic phrase the change must not take.
"""
from __future__ import annotations

import pytest

from .probes import covered, touched as _touched


def _covered(text: str, spans, want: str) -> bool:
    """Every character of ``want`` but white space lies in a span (its punctuation too: "J.R.", "Murray & Sons")."""
    return covered(text, spans, want, punctuation=True)


FOUND = [
    # a keyword head pulls in its capitalised modifiers
    ("hub_with_letter_modifiers", "the team at Y Not Youth Hub are keen to join next round", "Y Not Youth Hub"),
    ("aid_after_possessive", "Chloe from the Leeds Women's Aid team", "Leeds Women's Aid"),
    ("medical_practice", "I'm at Parkway Medical in Johnsonville and she backs me", "Parkway Medical"),
    ("trade_business", "my boss at Parkside Plumbing thought I was wasting time", "Parkside Plumbing"),
    ("ampersand_in_name", "the crew at Brown & Co Builders took the piss at first", "Brown & Co Builders"),
    ("girls_school_after_place", "she went to Westlake Girls before uni", "Westlake Girls"),
    ("girls_school_apostrophe", "my daughter is at Kelston Girls' and loves it", "Kelston Girls'"),
    ("denomination_head", "the youth group at St Paul's Presbyterian were surprisingly open", "St Paul's Presbyterian"),
    ("board_after_place", "we went to Counties Manukau DHB for the hui", "Counties Manukau DHB"),
    # Māori "o" joins the parts of one name
    ("maori_of_in_school_name", "our kura, Te Kura Kaupapa Māori o Ngā Mokopuna, joined",
     "Te Kura Kaupapa Māori o Ngā Mokopuna"),
    ("maori_of_in_org_name", "Mana Tāne Ora o Aotearoa ran the men's group", "Mana Tāne Ora o Aotearoa"),
    # "of" and the capitalised words after an organisation word
    ("church_of_place", "Free Wesleyan Church of Tonga in Onehunga is where a lot of this starts",
     "Free Wesleyan Church of Tonga"),
    # a name span takes the capitalised words beside it and a saint's "'s"
    ("capitalised_word_before_a_name", "the nurses at Counties Manukau were great", "Counties Manukau"),
    ("capitalised_word_before_two", "I got referred by Safe Haven Tauranga last year", "Safe Haven Tauranga"),
    ("saint_school_possessive", "we ran a session after service at St Columba's", "St Columba's"),
    ("bishop_school_possessive", "Bishop Vesey's had a sixth form group who loved it", "Bishop Vesey's"),
    ("initial_after_name", "Olusegun A.: the case studies made it real", "Olusegun A."),
    ("dotted_initials", "the facilitator (J.R.) was so gentle with us", "J.R."),
    # the speaker's age and leave date
    ("turned_age", "I turned 63 last month and this was the best thing I did", "63"),
    ("just_turned_age", "I just turned 50 so I get a bit more leeway", "50"),
    ("age_when", "I was 47 when I started in this sector", "47"),
    ("year_old_speaker", "i'm a 19 year old youth worker so i felt a bit out of my depth", "19 year old"),
    ("hyphenated_year_old", "as a 52-year-old man I was the oldest there", "52-year-old"),
    ("age_opening_a_sentence", "at 52 I thought I'd seen it all", "52"),
    ("mat_leave_date", "I go on mat leave on 3 June so this is my last one", "3 June"),
    ("due_date", "I'm due on 12 May so I'll miss the last one", "12 May"),
    ("last_day", "my last day is 14 March so please email the team after that", "14 March"),
    # the speaker's one-of-a-kind role at a named place
    ("role_at_named_school", "i'm the principal of Hillcrest Normal so had to be careful what i said", "principal"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_the_whole_identifier_is_redacted(redactor, kind, text, want):
    spans = redactor.analyze(text)
    assert _covered(text, spans, want), (kind, [text[s.start:s.end] for s in spans])


ONE_ORG = [
    ("dental_practice", "my sister works at Aoraki Dental in Timaru", "Aoraki Dental"),
    ("iwi_health_provider", "I work for Ngāti Porou Hauora on the coast", "Ngāti Porou Hauora"),
    ("hub", "the team at Y Not Youth Hub are keen to join next round", "Y Not Youth Hub"),
]


@pytest.mark.parametrize("kind, text, want", ONE_ORG, ids=[r[0] for r in ONE_ORG])
def test_the_name_is_one_organisation(redactor, kind, text, want):
    s = text.index(want)
    spans = [sp for sp in redactor.analyze(text) if sp.start < s + len(want) and s < sp.end]
    assert [(sp.start, sp.end, sp.kind) for sp in spans] == [(s, s + len(want), "org")], (kind, spans)


KEPT = [
    ("generic_council", "the council never came and the ministry was silent", "council"),
    ("generic_ministry", "the council never came and the ministry was silent", "ministry"),
    ("generic_hub", "the hub was great and the youth service helped", "hub"),
    ("generic_youth_service", "the hub was great and the youth service helped", "youth service"),
    ("our_board", "our DHB never funded it", "DHB"),
    ("capitalised_generic_hub", "the Youth Hub was packed", "Youth Hub"),
    ("capitalised_hub_alone", "we did first aid training at the Hub", "Hub"),
    ("denomination_alone", "I'm Presbyterian but that never came up", "Presbyterian"),
    ("capitalised_head_before_noun", "I have a Medical appointment", "Medical"),
    ("emergency_department", "I was at Hutt Hospital ED for six years", "ED"),
    ("reo_greeting", "kia ora koutou, just to pick up on the whanau point", "koutou"),
    ("after_teams_tag", "<v Hemi Walker>kia ora koutou, just to pick up on the whanau point</v>", "kia"),
    ("cohort_year", "Hine: Moana and I were in the Wellington 2023 group together", "2023 group"),
    ("plural_unis", "the tertiary settings group was a good mix of unis and polytechs", "unis"),
    ("plural_polytechs", "the tertiary settings group was a good mix of unis and polytechs", "polytechs"),
    ("adjective_object", "the group felt safe to ask dumb questions in", "dumb"),
    ("minutes_late", "I was 5 minutes late to the first one", "5"),
    ("ages_of_others", "kids aged 12 to 15 came along", "12"),
    ("old_building", "it's a 40 year old building with no heating", "40 year old"),
    ("percent_sure", "I'm 100% sure it helped", "100"),
    ("turned_object", "I turned the camera off most weeks", "camera"),
    ("allowed_phrase_beside_name", "I told Mum about Safe and Equal", "Safe"),
    ("allowed_word_after_name", "thanks to Priya Patel Zoom was easy", "Zoom"),
    ("day_after_name", "We met Aroha Monday night", "Monday"),
    ("time_of_day", "at 9 I logged in and nobody was there", "9"),
    ("programme_date", "the next session is on 12 May at the library", "12 May"),
    ("role_at_unnamed_school", "I'm the principal of a tiny school so I wear every hat", "principal"),
    ("two_people_joined_by_and", "Sarah and Tom ran the first one", "and"),
    ("role_after_organisation", "our Riverside Health Visitor was lovely", "Visitor"),
    ("role_after_council", "the Hutt Council Officer never came back", "Officer"),
    ("shouted_words_beside_a_name", "I rang Sarah EVERY SINGLE DAY about it", "DAY"),
    ("generic_word_before_ampersand", "the Health & Mental Care Trust never rang back", "Health &"),
]


@pytest.mark.parametrize("kind, text, word", KEPT, ids=[r[0] for r in KEPT])
def test_the_ordinary_word_is_kept(redactor, kind, text, word):
    spans = redactor.analyze(text)
    assert not _touched(text, spans, word), (kind, [text[s.start:s.end] for s in spans])
