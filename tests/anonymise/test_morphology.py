"""WordNet's morphology on the real word lists (the spaCy model's lemmatizer tables)."""
from __future__ import annotations

import pytest

from copquotes.anonymise import lexicon, morphology


@pytest.fixture(scope="module")
def eng():
    return lexicon.english_words()


@pytest.mark.parametrize("word", ["rarer", "safest", "newest", "wiser", "nicest", "gentlemen",
                                  "prioritising"])
def test_an_inflection_of_a_wordnet_word_is_inflected(eng, word):
    assert word not in eng["any"] and morphology.inflected(word, eng)


@pytest.mark.parametrize("word", ["tokenistic", "tokenistically", "ableist", "performative",
                                  "prioritisation"])
def test_a_regular_derivation_of_a_wordnet_word_is_english(eng, word):
    assert word not in eng["any"] and morphology.english(word, eng)


@pytest.mark.parametrize("word", ["rhiannon", "tavita", "losaline", "stavros", "mereana", "xiomara", "kowalski"])
def test_a_name_is_no_form_of_an_english_word(eng, word):
    assert not morphology.english(word, eng)
