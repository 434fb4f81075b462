"""WordNet's morphology: is a word an inflection or a regular derivation of a WordNet lemma?

WordNet (and the spaCy lemmatizer's tables read by :func:`~copquotes.anonymise.lexicon.english_words`)
holds lemmas and irregular forms only: "rare" but not "rarer", "token" but not "tokenistic". A
lower-case word outside those lists is read as a name (recogniser ``oov``), so the forms English makes
by rule from a lemma are recognised here instead: WordNet's own detachment rules (``morphy``) per part
of speech, the spelling changes around them ("bigger", "busiest", "happily"), and the commonest regular
derivations (-istic, -ism, -ist, -ness, -ful, -less, -ish, -ative, -ise/-ize, -isation, -ity, -al after -ion and -ment; un-, re-, over-,
under-).

Plain functions of a word and the word lists; no state.
"""
from __future__ import annotations

from typing import Mapping

#: WordNet's detachment rules (morphy, ``wnintro(7WN)``), as the spaCy lemmatizer ships them.
DETACH = {
    "noun": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
             ("men", "man"), ("ies", "y")),
    "verb": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
}
#: The same endings after a spelling change WordNet's rules leave to its exception lists: a final
#: consonant doubled ("bigger", "hottest", "planned") or a final y written i ("busier", "happily").
_DOUBLING = ("er", "est", "ed", "ing")
_Y_TO_I = (("ier", "y", "adj"), ("iest", "y", "adj"), ("ily", "y", "adj"), ("ied", "y", "verb"))
#: Derivational endings and the stems they are added to: "tokenistic" (token), "ableist" (able),
#: "happiness" (happy), "prioritisation" (prioritize). Each candidate stem must itself be English.
_DERIVE = (
    ("istically", ("", "e", "ism", "ist")), ("istic", ("", "e", "ism", "ist")), ("ism", ("", "e", "y")),
    ("ist", ("", "e", "y")), ("ness", ("", "y")), ("ful", ("", "y")), ("less", ("", "y")), ("ish", ("", "e")),
    ("isation", ("ize", "ise", "", "e", "y")), ("ization", ("ize", "", "e", "y")),
    ("ise", ("ize", "", "e", "y")), ("ize", ("", "e", "y")), ("iser", ("izer", "ize", "", "e")),
    ("ative", ("", "e")), ("ly", ("", "le")),
    ("ity", ("", "e")),  # "relationality" (relational), "performativity" (performative)
    ("ional", ("ion",)), ("mental", ("ment",)),  # "situational" (situation), "developmental" (development)
)
_PREFIXES = ("un", "re", "over", "under", "non", "dis", "mis", "pre", "co", "counter", "out", "self-", "non-", "co-", "re-")


def _lemma(word: str, eng: Mapping[str, frozenset]) -> bool:
    return word in eng["any"]


def inflected(word: str, eng: Mapping[str, frozenset]) -> bool:
    """``word`` is a WordNet lemma or a regular inflection of one: a plural, a verb form, a comparative
    or superlative ("rarer", "safest", "bigger", "busiest"), or an adverb in -ly of an adjective
    ("happily", "simply")."""
    if _lemma(word, eng):
        return True
    for pos, rules in DETACH.items():
        for old, new in rules:
            if word.endswith(old) and len(word) - len(old) >= 2 and word[: -len(old)] + new in eng[pos]:
                return True
    for old in _DOUBLING:
        stem = word[: -len(old)]
        if word.endswith(old) and len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy" \
                and stem[:-1] in eng["adj" if old in ("er", "est") else "verb"]:
            return True
    for old, new, pos in _Y_TO_I:
        if word.endswith(old) and len(word) - len(old) >= 2 and word[: -len(old)] + new in eng[pos]:
            return True
    return word.endswith("ly") and len(word) >= 5 and (word[:-2] in eng["adj"] or word[:-1] + "e" in eng["adj"])


def derived(word: str, eng: Mapping[str, frozenset], depth: int = 2) -> bool:
    """``word`` is made by rule from an English word: a derivational ending ("tokenistic", "ableist",
    "judgementalness", "prioritisation") or a prefix ("unhelpful", "overthinking", "re-energised")
    on a stem that is itself English (a lemma, an inflection or, ``depth`` levels down, a derivation)."""
    if depth <= 0:
        return False
    for suf, stems in _DERIVE:
        if not word.endswith(suf):
            continue
        root = word[: -len(suf)]
        if len(root) < 3:
            continue
        for add in stems:
            if add == "y":  # "happiness" (happy), "therapist" (therapy)
                cand = root[:-1] + "y" if root.endswith("i") else root + "y"
            else:
                cand = root + add
            if english(cand, eng, depth - 1):
                return True
    for pre in _PREFIXES:
        rest = word[len(pre):]
        if word.startswith(pre) and len(rest) >= 4 and english(rest, eng, depth - 1):
            return True
    return False


def english(word: str, eng: Mapping[str, frozenset], depth: int = 2) -> bool:
    """A WordNet lemma, an inflection of one, or (``depth`` levels of) a regular derivation."""
    return inflected(word, eng) or derived(word, eng, depth)
