"""The kinds of name the generated set's SCORE split missed (5 Dec 2026), on sentences written here.

SCORE's misses were read once to name their kinds; the sentences below are new (names and templates of
the generator's DEV2 split or written for this file, none of SCORE's). Each row failed before the rule it
tests (checked against the previous commit's recognisers); the negative rows are what the rules must not
take.
"""
from __future__ import annotations

import pytest

from copquotes.anonymise import Redactor


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


def _covered(text: str, spans, want: str) -> bool:
    s = text.index(want)
    return all(any(sp.start <= k < sp.end for sp in spans) or not text[k].isalnum() for k in range(s, s + len(want)))


FOUND = [
    # a strict title that is also an allowed word ("ms", of "MS Teams") is no name itself; the surname after
    # it keeps the title's priority over the gazetteer (Bowen is a town)
    ("title_allowed_word", "I rang Ms Bowen about the forms.", "Ms Bowen"),
    # fillers of speech between a name and its verb
    ("filler_i_mean", "Heath i mean said the same thing.", "Heath"),
    ("filler_you_know", "Glen you know said the same thing", "Glen"),
    # "'ll" on a surname after a name
    ("ll_on_surname", "Heath Camden'll bring the urn.", "Heath Camden"),
    # "what X said": "what" opens the clause
    ("what_subject", "i agree with what rowan said about it", "rowan"),
    ("what_kin", "that is exactly what nan devi was getting at", "nan devi"),
    # WordNet lists deities and people among its nouns; the model's text never has them in lower case
    ("rare_noun_without", "without parvati we would have given up", "parvati"),
    ("rare_noun_modal", "Sita always asks the hard questions.", "Sita"),
    ("rare_noun_modal_lower", "shiva will send the link round", "shiva"),
    ("rare_noun_possessive", "we stayed at parvatis place in the end", "parvati"),
    ("host_as_guest", "we had devi rao as a guest speaker", "devi rao"),
    # a census first name's possessive without its apostrophe, before a plural noun
    ("possessive_plural_noun", "i borrowed mohammeds notes from the forum", "mohammed"),
    # Chinese given names of two syllables typed apart in lower case
    ("pinyin_pair_copula", "my manager is ai ling and she gets it", "ai ling"),
    ("pinyin_pair_surname", "without ai ling deng we would have stopped", "ai ling deng"),
    ("pinyin_pair_ll", "ya ning'll be there", "ya ning"),
    ("pinyin_pair_possessive", "that was ai ling's idea", "ai ling"),
    ("pinyin_pair_verb_syllable", "li ping will send the link round", "li ping"),
    ("pinyin_pair_curly_possessive", "we stayed at li ping\u2019s place in the end", "li ping"),
    # a town's name typed in lower case: a word and "creek", "river", "valley" after a place's preposition
    ("lower_town_creek", "i'm based out in stony creek so it's isolating", "stony creek"),
    ("lower_town_river", "we drove up from wye river for the day", "wye river"),
    ("lower_town_valley", "i cover tarra valley and the towns around it", "tarra valley"),
    # a first name that is also a town, before a surname, in lower case
    ("town_first_name", "i keep thinking about what fraser hamilton shared", "fraser hamilton"),
]


@pytest.mark.parametrize("kind, text, want", FOUND, ids=[r[0] for r in FOUND])
def test_the_name_is_redacted(redactor, kind, text, want):
    spans = redactor.analyze(text)
    assert _covered(text, spans, want), (kind, [text[s.start:s.end] for s in spans])


KEPT = [
    # an ordinary noun before "always" + a verb is no name
    ("noun_modal", "The driver and helper always talk to me on the way.", "helper"),
    # a misspelt word's plural before a plural noun
    ("misspelt_plural", "I was given intraveneous antibiotics on the ward.", "intraveneous"),
    # no place without its preposition, nor after a determiner
    ("the_creek", "we walked down to the creek after lunch", "creek"),
    ("breaking_point", "honestly i was at breaking point by june", "breaking point"),
    # English words that are pinyin syllables stay
    ("english_pinyin", "he ran ten men through the drill", "ten men"),
    # theme words stay
    ("theme_word", "Hope will send us all home happy.", "Hope"),
]


@pytest.mark.parametrize("kind, text, keep", KEPT, ids=[r[0] for r in KEPT])
def test_ordinary_words_are_kept(redactor, kind, text, keep):
    spans = redactor.analyze(text)
    s = text.index(keep)
    assert not any(sp.start < s + len(keep) and s < sp.end for sp in spans), (kind, [text[x.start:x.end] for x in spans])


@pytest.mark.parametrize("word, common", [
    ("hines", False),   # "Hine's" without its apostrophe: not "hin" + "es"
    ("kates", False),
    ("boxes", True), ("wishes", True), ("goes", True), ("matches", True), ("buses", True), ("lanes", True),
])
def test_es_is_a_plural_only_after_a_sibilant_or_o(word, common):
    from copquotes.anonymise.recognizers import _is_common

    assert _is_common(word) is common


@pytest.mark.parametrize("word, rare", [
    ("parvati", True), ("shiva", True), ("durga", True),
    ("coffee", False), ("kettle", False), ("meeting", False), ("helper", False),
])
def test_rare_noun(word, rare):
    from copquotes.anonymise.recognizers import rare_noun

    assert rare_noun(word) is rare


def test_pinyin_pairs_keep_offsets():
    from copquotes.anonymise.recognizers import _join_pinyin

    text = "my manager is ai ling and he ran ten men"
    joined = _join_pinyin(text, frozenset())
    assert len(joined) == len(text)
    assert "ai-ling" in joined and "he ran" in joined and "ten men" in joined
