"""Kinds of miss a seventh blind probe showed (8 Dec 2026), weighted to people's names, one table per kind.

Every sentence here is new (none is the probe's). The rows of the tables of misses failed before the rule
they test; the tables of guards say what the rule must not take away or add.
"""
from __future__ import annotations

import pytest

from .probes import assert_found as _found, assert_kept as _kept


# -- a census first name that is an adjective and also a common word ("Ginger", "Amber", "Olive", "sunny"), as the
# subject of a finite verb of what people do, or with a possessive 's before a noun: an adjective heads no subject
# and owns nothing
@pytest.mark.parametrize("text,want", [
    ("Ginger couldn't stay for the end.", "Ginger"),
    ("Amber couldn't make the last one.", "Amber"),
    ("Olive's daughter was in year nine.", "Olive"),
    ("Ruby's husband came to the last session.", "Ruby"),
    ("sunny couldn't find the room so she joined online", "sunny"),
    ("amber's partner dropped her off", "amber"),
])
def test_an_adjective_first_name_that_acts_or_owns_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Sandy beaches were where the dads took the kids.", "Sandy"),
    ("It was a rusty old minibus but it got us there.", "rusty"),
    ("We had a frank talk about what went wrong.", "frank"),
    ("Golden moments, every single session.", "Golden"),
    ("Sunny's nice today, isn't it?", "Sunny"),
    ("Precious little support comes from the top.", "Precious"),
    ("Amber warnings were on all week so we met online.", "Amber"),
])
def test_an_adjective_in_its_own_place_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a quantifier that is also a census first name, before a verb: "Many said ..." opens half the survey reports
@pytest.mark.parametrize("text,word", [
    ("Many said the timing was hard for parents.", "Many"),
    ("Many felt the sessions ended too soon.", "Many"),
])
def test_a_quantifier_before_a_verb_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a capitalised word opening a sentence before a verb of what people do, that English has only as a regular
# ending on a noun that is no verb ("Naveed": "nave" + "-ed")
@pytest.mark.parametrize("text,want", [
    ("Naveed thought the evening sessions suited carers better.", "Naveed"),
    ("Hameed felt the same way about the online sessions.", "Hameed"),
])
def test_a_name_read_as_a_nouns_past_tense_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Siloed services came up again and again.", "Siloed"),
    ("Gendered violence was the focus of week two.", "Gendered"),
    ("Talented people left because of the pay.", "Talented"),
])
def test_a_word_with_a_regular_ending_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a list of names that opens a sentence with a word the census does not hold (WordNet has it as a noun only)
@pytest.mark.parametrize("text,want", [
    ("Lakshmi, Tom, Ben and I did the evaluation together.", "Lakshmi"),
    ("Durga, Tom, Kemi and me covered the stall.", "Durga"),
])
def test_a_name_opening_a_list_of_names_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("Feedback, Tom said, was mostly positive.", "Feedback"),
    ("Honestly, Tom, Ben and I loved it.", "Honestly"),
    ("Funding, Sue, is the real problem.", "Funding"),
])
def test_a_word_before_a_comma_and_a_name_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a name in apposition after a UK care or school role written as an acronym or a role word the lists lacked
@pytest.mark.parametrize("text,want", [
    ("the HCA, Blessing, stayed late to help us set up", "Blessing"),
    ("the DSL, Hope, sat in on the safeguarding session", "Hope"),
    ("our midwife, Joy, ran the session on coercive control", "Joy"),
])
def test_a_name_in_apposition_after_a_care_or_school_role_is_found(redactor, text, want):
    _found(redactor, text, want)


@pytest.mark.parametrize("text,word", [
    ("The HCA said the ward was short again.", "HCA"),
    ("Our SENCo, Marta, made sure the resources were accessible.", "SENCo"),
    ("the DSL, Olumide, sat in on the safeguarding session", "DSL"),
])
def test_a_care_or_school_role_acronym_stays(redactor, text, word):
    _kept(redactor, text, word)


# -- a body named by a role word and an ordinary noun ("the student union", "the parent panel"): no role and name
@pytest.mark.parametrize("text,word", [
    ("The teacher union refused to back the new policy.", "union"),
    ("the student union wanted to run it again next year", "union"),
])
def test_a_role_word_before_an_ordinary_noun_names_no_one(redactor, text, word):
    _kept(redactor, text, word)


def test_a_name_after_a_role_word_is_still_found(redactor):
    _found(redactor, "our student Dariusz wanted to run it again", "Dariusz")


# -- the UK's national bodies and regulators, one for the whole country: they identify no one
@pytest.mark.parametrize("text,word", [
    ("Public Health Wales published the figures we used.", "Public Health Wales"),
    ("The Department for Work and Pensions changes hit our families hard.", "Department for Work and Pensions"),
    ("We were told the Care Quality Commission would be in next month.", "Care Quality Commission"),
    ("The Home Office rules make it hard for women with no recourse to public funds.", "Home Office"),
])
def test_a_national_body_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("I work for Leeds City Council in the housing team.", "Leeds City Council"),
    ("The Department for Education office in Darlington sent someone.", "Darlington"),
])
def test_a_local_body_beside_a_national_one_is_still_found(redactor, text, want):
    _found(redactor, text, want)


# -- ethnic and faith groups the list lacked, before the people they describe
@pytest.mark.parametrize("text,word", [
    ("Roma children are often out of school for months.", "Roma"),
    ("Kurdish women in the group spoke about honour-based abuse.", "Kurdish"),
    ("Lithuanian parents asked for the leaflet in their language.", "Lithuanian"),
    ("Portuguese families at the fish factory work long shifts.", "Portuguese"),
])
def test_an_ethnic_group_stays(redactor, text, word):
    _kept(redactor, text, word)


@pytest.mark.parametrize("text,want", [
    ("Roma told us her own family had been through it.", "Roma"),
    ("Thanks Roma for the notes.", "Roma"),
])
def test_a_census_name_that_is_also_a_people_is_still_found_as_a_person(redactor, text, want):
    _found(redactor, text, want)


# -- a form's label: "D.O.B." is no organisation; the date after it is still redacted
@pytest.mark.parametrize("text,label,date", [
    ("Her D.O.B. is 04/09/1982 according to the form.", "D.O.B.", "04/09/1982"),
    ("Client D.O.B. 17/01/1990, referred by the GP.", "D.O.B.", "17/01/1990"),
])
def test_a_date_of_birth_label_stays_and_its_date_goes(redactor, text, label, date):
    _kept(redactor, text, label)
    _found(redactor, text, date)


# -- everyday words newer than WordNet are no names
@pytest.mark.parametrize("text,word", [
    ("half the year nines vape in the toilets", "vape"),
    ("they post a selfie after every session", "selfie"),
    ("the manosphere stuff the boys watch is scary", "manosphere"),
])
def test_an_everyday_word_newer_than_wordnet_stays(redactor, text, word):
    _kept(redactor, text, word)
