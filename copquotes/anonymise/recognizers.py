"""Presidio recognisers for what CoP feedback really holds.

Every recogniser is a :class:`presidio_analyzer.EntityRecognizer` (laid out like
Presidio's own) and returns ``RecognizerResult`` objects whose
``recognition_metadata`` carries the recogniser name and a priority used to
resolve overlaps. Entity types: PERSON, ORGANIZATION, LOCATION, EMAIL_ADDRESS,
PHONE_NUMBER, URL, HANDLE, ID_CODE (plus Presidio's AU_* ids).
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

from . import _presidio  # noqa: F401  (Presidio without torch/transformers: see _presidio.py)
from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult  # noqa: E402

from . import lexicon as lx
from . import morphology as morph
from .cued_ids import cued_ids
from .features import Features, Tok, features
from .gazetteer import place_first_tokens, place_index, place_population

# overlap priorities (higher wins)
P_EMAIL = 110
P_KNOWN = 100
P_CONTACT = 95
P_ID = 92
P_ADDRESS = 88
P_ORG = 80
P_ACRONYM = 78
P_HONORIFIC = 76
P_NAME = 70
P_REGION = 66
P_PLACE = 62
P_CUE = 58
P_OOV = 56
P_NER = 50

KIND_OF_ENTITY = {
    "PERSON": "person", "ORGANIZATION": "org", "LOCATION": "place",
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "URL": "other", "HANDLE": "other",
    "ID_CODE": "other", "AU_ABN": "other", "AU_ACN": "other", "AU_TFN": "other",
    "AU_MEDICARE": "other", "IP_ADDRESS": "other", "CREDIT_CARD": "other", "IBAN_CODE": "other",
}


def result(entity: str, start: int, end: int, source: str, priority: int, score: float = 0.85) -> RecognizerResult:
    # Presidio drops a result contained in a same-type result of equal or higher score:
    # the score is the priority, so that only ever drops what the resolver would drop too
    return RecognizerResult(entity, start, end, min(1.0, priority / 100.0),
                            recognition_metadata={"recognizer_name": source, "priority": priority})


class _Words:
    """Cached word lists (loaded on first use)."""

    def __init__(self):
        self.eng = lx.english_words()
        self.first = lx.first_names()
        self.last = lx.last_names()
        self.ambiguous = lx.ambiguous_names()
        self.countries = lx.country_names()
        self.cities = lx.world_city_words()
        from spacy.lang.en.stop_words import STOP_WORDS

        self.stop = frozenset(STOP_WORDS) | {"i", "im", "i'm", "i'd", "i've", "i'll", "yeah", "yes", "no", "ok", "okay", "hey", "hi", "thanks"}


_WORDS: _Words | None = None


def words() -> _Words:
    global _WORDS
    if _WORDS is None:
        _WORDS = _Words()
    return _WORDS


_IRREGULAR = frozenset("""
children women men people feet teeth mice geese brought bought taught thought caught sought went gone
came done made said told took taken gave given got gotten ran run saw seen knew known grew grown
felt kept left lost meant met paid sent spent stood understood wrote written spoke spoken began begun
""".split())


_CONTRACTION = re.compile(r"^([a-z]+)['’](?:ve|re|d|ll|s|m)$|^([a-z]+)n['’]t$")


def _is_common_strict(lower: str) -> bool:
    """Like :func:`_is_common`, but a bare WordNet noun does not count (WordNet lists
    proper nouns such as "faisal" or "sarah" among its nouns)."""
    w = words()
    if lower in w.eng["noun"] and lower not in w.eng["vaa"] and lower not in w.stop and lower not in _IRREGULAR:
        # a noun that is also a form of a verb or adjective ("learning", "feeling", "meeting") is common
        vaa = w.eng["vaa"]
        return any(lower.endswith(suf) and len(lower) - len(suf) >= 3 and lower[: -len(suf)] + rep in vaa
                   for suf, rep in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("ings", ""), ("ings", "e")))
    return _is_common(lower)


def _is_common(lower: str) -> bool:
    """An ordinary English word (WordNet lemma, an inflected form of one, or a stop word)."""
    w = words()
    if lower in w.stop or lower in w.eng["any"] or lower in _IRREGULAR:
        return True
    m = _CONTRACTION.match(lower)
    if m and m.group(1) in w.stop:   # "we've", "they're", "you'd", "there's": a pronoun, never a name
        return True
    if m and m.group(2) and (m.group(2) in w.stop or m.group(2) in w.eng["any"]):
        return True  # "wasn't", "couldn't", "needn't"
    eng = w.eng["any"]
    for suf, rep in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                     ("ing", "e"), ("ly", ""), ("er", ""), ("est", "")):
        if suf == "es" and not lower[:-2].endswith(_ES_STEMS):
            continue  # "boxes", "wishes", "goes"; not "tanes" (Tane's), which is no plural of "tan"
        if lower.endswith(suf) and len(lower) - len(suf) >= 3 and lower[: -len(suf)] + rep in eng:
            return True
    if len(lower) > 5 and lower[-3:] in ("ing", "ged", "ned", "ted", "red", "ped") and lower[-4] == lower[-5] and lower[:-4] in eng:
        return True
    # WordNet's own rules for the rest ("rarer", "safest", "bigger", "busiest", "happily"), never for a
    # census first name that is no ordinary word ("les", "emily")
    return morph.inflected(lower, w.eng) and _not_a_first_name(lower)


def _not_a_first_name(lower: str) -> bool:
    w = words()
    return lower not in w.first or lower in w.ambiguous


def _derived(lower: str) -> bool:
    """A regular derivation of an English word ("tokenistic", "ableist", "prioritisation", "unhelpfully"),
    not a census first name ("denise", "janise"): see :mod:`~copquotes.anonymise.morphology`."""
    return _not_a_first_name(lower) and morph.derived(lower, words().eng)


_SUFFIX = re.compile(r"^(.+?)(?:['’](?:s|ll|ve|re|d|m|t)|n['’]t|['’])$")
_ES_STEMS = ("s", "x", "z", "ch", "sh", "o")


#: A noun of te reo Māori made with -tanga / -hanga ("kotahitanga", "rangatiratanga", "wairuatanga",
#: "tangihanga"): spelt with te reo's letters only, in open syllables, seven letters or more; no name is made so.
_REO_NOMINAL = re.compile(r"(?:(?:ng|wh|[hkmnprtw])?[aeiou]){2,}(?:tanga|hanga)")


@functools.lru_cache(maxsize=65536)
def unknown_word(lower: str, slips: bool = True) -> bool:
    """A word that is no ordinary English: outside WordNet (and its inflections), the stop
    words and :data:`~copquotes.anonymise.lexicon.INFORMAL_WORDS`, and not a one-letter slip of an
    English word ("recieve"). Such a word in conversational text is most often a name.
    ``slips=False``: a slip counts as unknown too (for a capitalised word where a place stands:
    "in Mangere" is no misspelt "manger")."""
    w = words()
    if len(lower) < 3 or not lower.replace("-", "").replace("'", "").replace("’", "").isalpha():
        return False
    m = _SUFFIX.match(lower)
    if m:  # "didn't", "sarah'll", "nikos'": the word before the suffix decides
        lower = m.group(1)
        if len(lower) < 3 or lower in ("ca", "wo", "sha"):
            return False
    if lower in w.stop or lower in lx.INFORMAL_WORDS or _is_common(lower) or _compound(lower) or _y_adjective(lower) \
            or _derived(lower) or _REO_NOMINAL.fullmatch(lower):
        return False
    if "-" in lower:
        parts = [p for p in lower.split("-") if p]
        if all(p in w.stop or p in lx.INFORMAL_WORDS or _is_common(p) or len(p) < 3 for p in parts):
            return False  # "co-present", "self-care", "well-being"
    return not _calendar_slip(lower) and (not slips or not _slip(lower))


def _edits(a: str, b: str) -> int:
    """Edit distance with swaps of neighbours (optimal string alignment)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


_CALENDAR = tuple(x for x in sorted(lx.MONTHS | lx.DAYS) if len(x) >= 5)


def _calendar_slip(lower: str) -> bool:
    """A misspelt month or weekday ("febuary", "tuesdy", "wensday", "janury"), even capitalised after "in" ("in
    Febuary's meeting"): one slip of a name of six letters or fewer, two of a longer one, the first letter right,
    and no town or census name of that spelling ("Junee", "Marchi", "Munday", "Frida" stay)."""
    w = words()
    if len(lower) < 5 or lower in lx.MONTHS or lower in lx.DAYS or lower in w.first or lower in w.last:
        return False
    hit = any(lower[0] == c[0] and abs(len(lower) - len(c)) <= 2 and _edits(lower, c) <= (1 if len(c) <= 6 else 2)
              for c in _CALENDAR)
    return hit and (lower,) not in place_index()


def _y_adjective(lower: str) -> bool:
    """An adjective made of an English noun and "-y" ("blokey", "cliquey", "preachy"), the word no census name
    ("casey", "lacey", "corey" stay names)."""
    w = words()
    if not lower.endswith("y") or len(lower) < 5 or lower in w.first or lower in w.last:
        return False
    root = lower[:-1]
    return root in w.eng["noun"] and len(root) >= 4 or lower.endswith("ey") and lower[:-2] + "e" in w.eng["noun"] \
        and len(lower) >= 6


#: Prepositions before a capitalised word that is one letter off an English word: a place, not a typo ("in Mangere").
_SLIP_PLACE_BEFORE = frozenset("in at from near around outside".split())


_PREFIXES = ("re", "un", "pre", "co", "non", "mis", "dis", "over", "under", "out", "self", "any", "some", "every",
             "no", "with", "up", "down", "off", "on", "in", "sub", "super", "inter", "multi", "cross", "counter")
_SUFFIXES = ("ever", "ness", "less", "ful", "ship", "wise", "like", "able", "ish")


def _compound(lower: str) -> bool:
    """Two English words run together ("backstory", "caseload") or a prefix/suffix on one
    ("reframed", "resend", "anytime", "whichever"): each part of four letters or more, or a prefix."""
    eng = words().eng["any"]
    for pre in _PREFIXES:
        if lower.startswith(pre) and len(lower) - len(pre) >= 3 and _is_common(lower[len(pre):]):
            return True
    for suf in _SUFFIXES:
        if lower.endswith(suf) and len(lower) - len(suf) >= 3 and _is_common(lower[: -len(suf)]):
            return True
    for k in range(4, len(lower) - 3):
        if lower[:k] in eng and _is_common(lower[k:]):
            return True
    return _phrasal_compound(lower)


_PARTICLE_ENDS = ("out", "up", "off", "down", "back", "over")


def _phrasal_compound(lower: str) -> bool:
    """A phrasal verb written as one noun ("standout", "pushback", "signoff", "meltdown"): a verb of three
    letters or more and its particle, neither the verb nor the whole a census name ("dustin", "gallup" stay names)."""
    w = words()
    for par in _PARTICLE_ENDS:
        stem = lower[: -len(par)]
        if lower.endswith(par) and len(stem) >= 3 and stem in w.eng["verb"] and stem not in w.first \
                and stem not in w.last and lower not in w.first and lower not in w.last:
            return True
    return False


def _prefixed(lower: str) -> bool:
    """A prefix or suffix on an English word ("anytime", "overload", "homeless")."""
    return any(lower.startswith(pre) and len(lower) - len(pre) >= 3 and _is_common(lower[len(pre):]) for pre in _PREFIXES) \
        or any(lower.endswith(suf) and len(lower) - len(suf) >= 3 and _is_common(lower[: -len(suf)]) for suf in _SUFFIXES)


_KEYS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEAR_KEYS = {c: {row2[j] for r2, row2 in enumerate(_KEYS) for j in range(len(row2))
                  if abs(r - r2) <= 1 and abs(i - j) <= 1 and row2[j] != c}
              for r, row in enumerate(_KEYS) for i, c in enumerate(row)}
# words typed so often that a one-key slip of them is far likelier than a name ("ypu", "witj", "vey", "tge")
_FREQUENT = frozenset("""a about after again all also always am an and any are as at away back be because been before
being best better big bit but by came can care come could day did do does done down each even every feel felt few
for from get give go going good got great had has have he help her here him his home how i if in into is it just
keep kind know last left life like little long look lot lovely made make many me more most much my need never new
nice no not now of off old on once one only or other our out over own people please quick quite really right said
same saw see seen she should so some someone something still such sure take team than thank thanks that the their
them then there these they thing things think this those though through time to told too took two up us very
wait want was way we well went were what when where which while who why will with without work would year yes yet
you your""".split())


def _key_slip(lower: str) -> bool:
    """A one-key slip of a very frequent word (:data:`_FREQUENT`): a neighbouring key struck instead
    ("ypu", "witj", "tge", "lofe"), a letter dropped ("vey", "wat") or added ("neede"), two letters swapped
    ("wiat"), or "a" run into the next word ("alot", "abit")."""
    freq = _FREQUENT
    if lower[:1] == "a" and lower[1:] in freq and len(lower) >= 4:
        return True
    for k, c in enumerate(lower):
        rest = lower[:k] + lower[k + 1:]
        if len(rest) >= 2 and rest in freq:
            return True  # a letter added
        for n in _NEAR_KEYS.get(c, ()):
            if lower[:k] + n + lower[k + 1:] in freq:
                return True
        if k + 1 < len(lower) and lower[:k] + lower[k + 1] + c + lower[k + 2:] in freq:
            return True
    return len(lower) >= 3 and any(lower[:k] + c + lower[k:] in freq for k in range(1, len(lower) + 1)
                                   for c in "abcdefghijklmnopqrstuvwxyz")


_DOUBLED = re.compile(r"(.)\1")
# the endings English spellers confuse ("responce", "definately", "existance", "independant")
_CONFUSED_ENDINGS = (("ence", "ance"), ("ance", "ence"), ("ent", "ant"), ("ant", "ent"), ("ate", "ite"), ("ite", "ate"),
                     ("nce", "nse"), ("nse", "nce"), ("able", "ible"), ("ible", "able"), ("ery", "ary"), ("ary", "ery"),
                     ("sion", "tion"), ("tion", "sion"))


@functools.lru_cache(maxsize=1)
def _undoubled_words() -> frozenset:
    """Long English words with a doubled letter, each doubled letter written once ("profesional"); names,
    countries and cities left out, so that "Cameron" is no misspelt "Cameroon"."""
    w = words()
    names = w.first | w.last | w.countries | w.cities
    return frozenset(_DOUBLED.sub(r"\1", x) for x in w.eng["any"]
                     if len(x) >= 7 and x.isalpha() and _DOUBLED.search(x) and x not in names)


def _spelling_slip(lower: str) -> bool:
    """A classic misspelling of a long English word: a letter doubled or undoubled anywhere ("proffesional",
    "occured", "tommorrow"), or an ending its speller confuses ("responce", "definately", "existance")."""
    if len(lower) < 7:
        return False
    if _DOUBLED.sub(r"\1", lower) in _undoubled_words():
        return True
    w = words()
    names = w.first | w.last | w.countries | w.cities
    for a, b in _CONFUSED_ENDINGS:
        k = lower.find(a, 3)
        while k > 0:
            fixed = lower[:k] + b + lower[k + len(a):]
            if fixed in w.eng["any"] and fixed not in names:
                return True
            k = lower.find(a, k + 1)
    return False


def _slip(lower: str) -> bool:
    """A one-letter slip of a longer English word: letters swapped, dropped or doubled; a classic
    misspelling (:func:`_spelling_slip`); or a one-key slip of a very frequent short word (:func:`_key_slip`)."""
    slip = len(lower) >= 3 and _key_slip(lower)
    if len(lower) < 6 or slip:
        return slip
    if _spelling_slip(lower):
        return True
    eng = words().eng["any"]
    for k in range(1, len(lower) - 1):
        if lower[:k] + lower[k + 1] + lower[k] + lower[k + 2:] in eng:
            return True
    for k in range(1, len(lower)):
        if len(lower) >= 7 and lower[:k] + lower[k + 1:] in eng:
            return True
    for k in range(1, len(lower) + 1):
        for c in "abcdefghijklmnopqrstuvwxyz":
            if lower[:k] + c + lower[k:] in eng:
                return True
    return False


@functools.lru_cache(maxsize=65536)
def name_like_lower(lower: str) -> bool:
    """A lower-case word that reads as a name: an :func:`unknown_word`, or a census first name
    that is no ordinary word ("sarah", which WordNet lists as a noun; not "will", "rose" or "nan")."""
    w = words()
    if unknown_word(lower):
        return True
    m = _SUFFIX.match(lower)
    if m:
        lower = m.group(1)
    return (lower in w.first and lower not in w.ambiguous and lower not in w.stop and lower not in lx.COMMON_NOUN_NAMES
            and lower not in lx.INFORMAL_WORDS and lower not in w.eng["vaa"] and not _is_common_strict(lower)
            and len(lower) >= 3)


# --------------------------------------------------------------------------- cues
_HONORIFIC_BARE = frozenset(h.rstrip(".") for h in lx.HONORIFICS)
_STRICT_TITLES = frozenset("mr mrs ms miss mx dr prof".split())  # nothing but a name follows them


#: exclamations that are also names: opening a sentence before a comma they are no vocative ("Mercy, I was nervous")
_INTERJECTIONS = frozenset("mercy lord gosh golly jeez geez crikey blimey heavens goodness christ jesus".split())


def person_cue(f: Features, i: int, strong: bool = False) -> bool:
    """Do the words around token ``i`` show that it names a person?"""
    toks = f.tokens
    t = toks[i]
    before = lx.PERSON_BEFORE_STRONG if strong else lx.PERSON_BEFORE
    after = lx.PERSON_AFTER_STRONG if strong else lx.PERSON_AFTER
    p = f.prev(i)
    if p is not None:
        if p.lower in before or p.lower in lx.HONORIFICS:
            return True
        if p.lower == "you" and i >= 2 and toks[i - 2].lower == "thank":
            return True
    elif i > 0 and f.gap(i - 1, i).strip() == "," and (toks[i - 1].lower in lx.ROLE_NOUNS or toks[i - 1].lower in lx.PERSON_BEFORE_STRONG) \
            and toks[i - 1].lower not in ("thanks", "thank", "cheers", "hi", "hey", "hello"):
        return True
    n = f.next(i)
    if n is not None:
        if n.lower in ("from", "at") and i + 2 < len(toks) and f.next(i + 1) is not None and (
                toks[i + 2].lower == "the" or toks[i + 2].cap):
            return True
        if n.lower == "and" and i + 2 < len(toks) and toks[i + 2].lower in ("i", "me") and t.cap:
            return True  # "Faith and I drove down": beside the speaker, a person
        if n.lower in after:
            if n.lower == "and" and not (i + 2 < len(toks) and toks[i + 2].lower in ("i", "me")):
                pass
            elif n.lower == "from" and strong:
                pass
            else:
                return True
        if n.lower == "the" and i + 2 < len(toks) and toks[i + 2].lower in lx.ROLE_NOUNS:
            return True
        if n.lower in ("was", "is", "has", "had") and i + 2 < len(toks) and toks[i + 2].lower in (
                "saying", "telling", "asking", "on", "talking", "away", "off", "amazing", "brilliant",
                "fantastic", "great", "excellent", "wonderful", "lovely", "incredible", "a"):
            if toks[i + 2].lower != "a" or (i + 3 < len(toks) and toks[i + 3].lower in (
                    "joy", "delight", "pleasure", "legend", "gem", "champion", "star", "godsend")):
                return True
    if t.poss and not strong and t.cap:
        return True
    gap_after = f.gap(i, i + 1) if i + 1 < len(toks) else f.text[t.end:]
    if gap_after.strip() == "," and i + 1 < len(toks) and toks[i + 1].lower in ("who", "whose"):
        return True
    if "(" in gap_after and i + 1 < len(toks) and toks[i + 1].lower in ("short", "aka", "also", "known"):
        return True
    if t.sent_init and gap_after.strip().startswith(",") and i + 1 < len(toks) and t.lower not in _INTERJECTIONS \
            and toks[i + 1].lower in (
            "i", "you", "do", "can", "could", "would", "are", "did", "have", "thanks", "thank", "that", "we"):
        return True  # vocative: "Lucia, I think you're on mute"
    if not t.sent_init and gap_after.strip() in (",", "!", "?", ".", "!!") and p is not None and p.lower in (
            "thanks", "thank", "cheers", "hi", "hey"):
        return True
    if gap_after.strip() == "," and (_apposed_role(f, i) or _called(f, i)):
        return True
    return _acts_as_person(f, i)


_APPOSITION_OPENERS = frozenset("the our my their his her your".split())
#: Roles an apposition gives a person, beyond :data:`~copquotes.anonymise.lexicon.ROLE_NOUNS`.
_APPOSED_ROLES = lx.ROLE_NOUNS | frozenset("""
caretaker cleaner admin administrator boss owner founder convenor convener partner husband wife son daughter mum mother
dad father brother sister neighbour friend mate ally champion rep representative
""".split())


def _apposed_role(f: Features, i: int) -> bool:
    """A role in apposition follows token ``i`` and its comma: "Bill, the club president at ..., signed",
    "Di, our team leader, said"."""
    toks = f.tokens
    j = i + 1
    if j >= len(toks) or toks[j].lower not in _APPOSITION_OPENERS:
        return False
    for k in range(j + 1, min(j + 4, len(toks))):
        if f.gap(k - 1, k).strip():
            return False
        if toks[k].lower in _APPOSED_ROLES or toks[k].lower.endswith("s") and toks[k].lower[:-1] in _APPOSED_ROLES:
            return True
    return False


_CALL_VERBS = frozenset("call calls called know knows known".split())


def _called(f: Features, i: int) -> bool:
    """What people call someone follows token ``i`` and its comma: "Mo, as everyone calls him", "Bea, as we know her"."""
    toks = f.tokens
    if i + 1 >= len(toks) or toks[i + 1].lower != "as":
        return False
    return any(toks[k].lower in _CALL_VERBS for k in range(i + 2, min(i + 5, len(toks))) if not f.gap(k - 1, k).strip())


#: Verbs whose subject is a person when an object follows ("Joy ran the first half", "Faith
#: emailed us"); the word after the verb must open a noun phrase or be a pronoun.
_AGENT_VERBS = frozenset("""
ran organised organized facilitated co-facilitated chaired hosted emailed rang texted phoned messaged presented
taught booked invited introduced interviewed mentored coached minuted convened
""".split())
_AGENT_OBJECT = frozenset("the our my a an this that his her their us me everyone everybody them".split())
_AGENT_ING = frozenset("""
facilitating co-facilitating chairing hosting presenting organising organizing teaching coaching mentoring
interviewing minuting convening emailing texting phoning
""".split())
#: What only a person keeps doing ("Guy kept derailing the sessions", "Bill kept asking"; not "Hope kept growing").
_PERSON_ING = _AGENT_ING | frozenset("""
asking talking saying telling interrupting derailing ringing calling nagging joking complaining moaning arguing
apologising apologizing reminding chasing cancelling canceling
""".split())
#: Verbs of will before "to" and a verb, whose subject is a person ("Chase tried to", "Sky offered to").
_WILL_VERBS = frozenset("""
tried offered refused volunteered promised agreed decided forgot remembered pretended bothered wanted
""".split())
_KEPT_OBJECT = frozenset("minutes notes register records list spreadsheet roster".split())
_PERSON_HEADS = frozenset("one person woman man lady guy bloke".split())


def _acts_as_person(f: Features, i: int) -> bool:
    """Token ``i`` is the subject of what only a person does or is: "Joy ran the first half",
    "Faith kept the minutes", "Hope was the facilitator", "Grace was the one who kept us going".
    (Not "Hope ran out", "Hope kept me going", "Hope was the one thing that helped".)"""
    toks = f.tokens
    n = f.next(i)
    if n is None or n.i + 1 >= len(toks) or f.next(n.i) is None:
        return False
    a = toks[n.i + 1]
    b = toks[n.i + 2] if n.i + 2 < len(toks) and f.next(n.i + 1) is not None else None
    if n.lower in ("was", "is", "became", "'s", "’s") and a.lower in ("the", "our", "my", "their", "a", "an") and b is not None:
        if b.lower in lx.ROLE_NOUNS:
            return True  # "Joy was the facilitator", "Dawn was our facilitator"
        c = toks[b.i + 1] if b.i + 1 < len(toks) and f.next(b.i) is not None else None
        return b.lower in _PERSON_HEADS and c is not None and c.lower == "who"
    if n.lower in _AGENT_VERBS:
        return a.lower in _AGENT_OBJECT and not (n.lower == "ran" and a.lower in ("us", "me", "them"))
    if n.lower in _WILL_VERBS and a.lower == "to" and b is not None and b.alpha:
        return True  # "Chase tried to ring them", "Sky offered to drive": only a person tries, offers, refuses
    if n.lower in ("was", "is") and a.lower in _AGENT_ING:
        return True  # "Joy was facilitating", "Grace is chairing": what only a person is doing
    if n.lower in ("kept", "keeps"):
        return a.lower in ("the", "our") and b is not None and b.lower in _KEPT_OBJECT or a.lower in _PERSON_ING
    if n.lower in _WORKS_AT and a.lower in ("at", "for", "in") and b is not None and (a.lower != "in" or n.lower in ("lives", "lived")):
        where = toks[b.i + 1] if b.lower == "the" and b.i + 1 < len(toks) and f.next(b.i) is not None else b
        if where.cap and not where.sent_init:  # "Hope volunteers at the Geelong Mens Shed"
            return True  # "Faith works at Anglicare", "Hope lives in Mildura"
    if n.lower == "picked":  # "Ivy picked it up", "picked up the slack" (not "Hope picked up once ...")
        return a.lower in ("it", "us", "me", "them") or a.lower == "up" and b is not None and b.lower in _AGENT_OBJECT
    return False


#: Where a person works or lives, before "at" / "for" (or "in" after lives) and a capitalised name: "Faith works at
#: Sunraysia Health", "Hope lives in Mildura" ("Hope works in mysterious ways", "Faith works for me" stay).
_WORKS_AT = frozenset("works worked volunteers volunteered lives lived".split())
#: Verbs after which "at" and capitalised words name a workplace: "she works at Safe Relationships".
_WORK_VERBS = frozenset("work works worked working volunteer volunteers volunteered volunteering employed".split())


#: Auxiliaries that are also first names: before a verb in the past tense or with its -s, the name ("Will was a
#: massive help", "I think Will said"), since the auxiliary takes a verb's bare form ("Will you", "will be").
_MODALS = frozenset("will may might can shall must".split())
_FINITE_AFTER_NAME = frozenset("""
was is has had did does says said told kept ran came brought gave sent took made got went felt thought knew wrote
spoke met left showed taught bought drove stepped picked led
""".split())


def _modal_name(f: Features, i: int) -> bool:
    """Token ``i`` is a capitalised auxiliary that is also a first name (not a month: "May was") before a finite
    verb: a past tense or a verb with its -s that no auxiliary takes ("Will was", "Will organised the food")."""
    t = f.tokens[i]
    lo = t.lower
    n = f.next(i)
    if not t.cap or t.upper or lo not in _MODALS or lo not in words().first or lo in lx.MONTHS or n is None:
        return False
    nl = n.lower
    return nl in _FINITE_AFTER_NAME or nl.endswith("ed") and _verbish(nl) and nl not in words().eng["adj"]


def _surname_like(t: Tok) -> bool:
    w = words()
    if not (t.cap and t.alpha) or t.upper:
        return False
    lo = t.lower
    if lo in lx.ORG_TAIL or lo in lx.PLACE_REGION_TAIL or lo in lx.STRONG_COMMON or lo in w.stop:
        return False
    if lo in lx.CULTURAL_GROUPS or lo in w.countries or lo in lx.MONTHS or lo in lx.DAYS:
        return False
    if lo in w.last or lo in w.first:
        return True
    if lo.endswith("s") and len(lo) >= 5 and (lo[:-1] in w.last or rare_noun(lo[:-1])) and lo[:-1] not in w.eng["vaa"] \
            and t.i >= 1:
        return True  # "Faadumo Husseins speech": a surname with its possessive s
    return lo not in w.eng["vaa"] and not _is_common(lo) or lo not in w.eng["vaa"] and lo in w.eng["noun"] and (
        not lo.endswith("s") or lo[:-1] not in w.eng["any"] and not (lo.endswith("es") and lo[:-2] in w.eng["any"]))


_ACTION_VERBS = frozenset("""
ran runs brought brings put puts kept keeps sent sends gave gives helped helps organised organized led leads taught
teaches showed shows couldn't can't wasn't didn't won't wouldn't hasn't hadn't isn't facilitated co-facilitated
presented hosted chaired invited drove picked stepped jumped nailed loved
""".split())
_SUBJECT_VERBS = _ACTION_VERBS | frozenset("""
got gets made makes came comes will would could can was is has had finally always never also just still really did does
""".split())
_MESSAGE_NOUNS = frozenset("""
text texts call calls email emails message messages note notes visit letter card hug lift ride word tip heads-up
voicemail dm call-back callback reply
""".split())
_RELATIVE_VERBS = frozenset("""
sent shared said wrote made gave brought put told showed ran recommended suggested mentioned found posted
""".split())
_ABSTRACT_SUFFIX = ("tion", "sion", "ment", "ness", "ity", "ship", "ism", "ance", "ence", "ology", "ics", "ing", "ful")
_NP_END = frozenset("""
about and who whose to if for after before this that yesterday today tonight last on at back earlier later
again up re when because cos cause coz from in with or but so too as well said says reckons was is were
had has have will would could can couldn't can't wasn't didn't won't isn't talk talks say speak present
share explain know knows did does do are went go got
""".split()) | frozenset(lx.SLOT_SPEECH_AFTER)


def _name_verb(lo: str) -> bool:
    """A census name that is also a verb and a noun ("jade", "chase", "ray", "pearl", "trace"): in a place
    only a name or a noun fits it is a name, not the verb."""
    w = words()
    return (lo in w.first or lo in w.last) and lo in w.eng["noun"] and not lo.endswith(("ing", "ed")) \
        and lo not in lx.THEME_WORDS


def _verbish(lo: str) -> bool:
    """A verb or one of its forms ("passed", "bakes", "told")."""
    w = words()
    verb = w.eng["verb"]
    if lo in verb or lo in _IRREGULAR:
        return True
    for suf, rep in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if lo.endswith(suf) and len(lo) - len(suf) >= 2 and lo[: -len(suf)] + rep in verb:
            return True
    return False


# a Mandarin syllable in pinyin, with a spelling English words do not have (q, x, zh, ao, ei, ui, iu, ie, ia, uo,
# a leading j): "hao", "qiang", "lei", "zhou", "xian" are WordNet nouns but, typed in conversation, given names
_PINYIN = re.compile(r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er"
                     r"|ia|ie|iu|in|ua|uo|ui|un|ue|a|o|e|i|u)$")
_PINYIN_MARK = re.compile(r"q|x|zh|ao|ei|ui|iu|ie|ia|uo|^j")
_PINYIN_ENGLISH = frozenset("duo dui cia pie ciao jan dia fao pia tia gia sian shia kiang jiao".split())


def _pinyin_name(lo: str) -> bool:
    if "-" in lo:  # "li-na", "ai-ling": a given name of two syllables (see _join_pinyin)
        parts = lo.split("-")
        return len(parts) == 2 and all(_PINYIN.match(p) for p in parts)
    return len(lo) >= 3 and lo not in _PINYIN_ENGLISH and bool(_PINYIN.match(lo)) and bool(_PINYIN_MARK.search(lo)) \
        and lo not in words().eng["vaa"] and lo not in words().stop


@functools.lru_cache(maxsize=65536)
def _pinyin_pair(a: str, b: str, allow_words: frozenset) -> bool:
    """Two lower-case words that read as the two syllables of a Chinese given name typed apart ("li na",
    "ai ling", "ya ning"): each a whole pinyin syllable, neither a function word, filler or everyday word,
    neither an English verb, adjective or adverb of three letters or more ("li ping" stays: "ping" is a verb),
    and one of them pinyin-marked (q, x, zh, ao, ei ...), no English, or of two letters."""
    w = words()
    for x in (a, b):
        if not _PINYIN.match(x) or x in w.stop or x in lx.FILLER_WORDS or x in allow_words \
                or x in lx.INFORMAL_WORDS and x not in lx.REO_PACIFIC_WORDS \
                or x in _PINYIN_ENGLISH or x in lx.MONTHS or x in _HONORIFIC_BARE:
            return False
    if any(len(x) >= 3 and x in w.eng["vaa"] for x in (a, b)) and not (min(len(a), len(b)) == 2 and max(len(a), len(b)) <= 4):
        return False  # "li ping" is a name; an English verb beside a longer syllable stays
    return any(_PINYIN_MARK.search(x) or x not in w.eng["any"] or len(x) == 2 for x in (a, b))


_SYL = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er"
        r"|ia|ie|iu|in|ua|uo|ui|un|ue|a|o|e|i|u)")
# two syllables typed apart; the second may carry a possessive or "'ll" ("li na's", "ya ning'll")
_SYL_PAIR = re.compile(r"\b(?<!['’\-])(" + _SYL + r") (?=(" + _SYL + r")(?:['’](?:s|ll))?(?![\w'’\-]))")


def _join_pinyin(text: str, allow_words: frozenset) -> str:
    """``text`` with the space inside each :func:`_pinyin_pair` typed in lower case made a hyphen ("li-na"):
    the same length and offsets, so the name rules see one word where the writer typed two syllables."""
    out = None
    last = -1
    for m in _SYL_PAIR.finditer(text):
        if m.start() <= last or len(m.group(1)) > 4 or len(m.group(2)) > 4:
            continue
        if _pinyin_pair(m.group(1), m.group(2), allow_words):
            if out is None:
                out = list(text)
            out[m.end(1)] = "-"
            last = m.end(1) + 1 + len(m.group(2))  # "li na feng": no third syllable joined on
    return text if out is None else "".join(out)


@functools.lru_cache(maxsize=65536)
def named_word(lo: str) -> bool:
    """A word that names someone by itself: a census first name that is no ordinary word, a word that
    is no English, or a census surname that is no ordinary word (the census lists "driver", "patient"),
    or a :func:`rare_noun`."""
    w = words()
    return (lo in w.first and lo not in w.ambiguous and not _is_common(lo)) or unknown_word(lo) or _pinyin_name(lo) \
        or (lo in w.last and not _is_common(lo)) or (lo in w.first and lo not in w.ambiguous and lo not in w.eng["vaa"]
                                                      and lo not in lx.COMMON_NOUN_NAMES and not _is_common_strict(lo)) \
        or rare_noun(lo)


@functools.lru_cache(maxsize=65536)
def rare_noun(lo: str) -> bool:
    """A WordNet noun, and nothing else, that the spaCy model's training text never has in lower case
    (:func:`~copquotes.anonymise.lexicon.model_words`): WordNet lists deities, people and places among its
    nouns ("aditi", "shiva", "durga", "rowan", "heath"); everyday nouns ("coffee", "kettle") are in the model's
    text. Only ever a name where the context leaves room for nothing else (the slot rules)."""
    w = words()
    mw = lx.model_words()
    return bool(mw) and len(lo) >= 3 and lo in w.eng["noun"] and lo not in mw and lo not in w.eng["vaa"] \
        and lo not in w.stop and lo not in lx.INFORMAL_WORDS and lo not in lx.CULTURAL_GROUPS and lo not in w.countries \
        and not lo.endswith(_ABSTRACT_SUFFIX) and lo not in lx.ORG_TAIL and lo not in lx.PLACE_REGION_TAIL


@functools.lru_cache(maxsize=65536)
def _slot_word_lower(lo: str, cap: bool) -> bool:
    w = words()
    if len(lo) < 2 or len(lo) < 3 and not cap or "'" in lo:
        return False
    if lo.endswith(("ist", "ists")) and lo not in w.first:
        return False  # "podiatrist", "physiotherapists": a profession
    if lo in w.stop or lo in lx.INFORMAL_WORDS or lo in lx.CULTURAL_GROUPS or lo in w.countries or lo in lx.MONTHS \
            or lo in lx.DAYS or lo in lx.ORG_TAIL or lo in lx.PLACE_REGION_TAIL or lo in _HONORIFIC_BARE \
            or lo in lx.ROLE_NOUNS or lo in lx.SLOT_NOT_NAMES or lo in lx.SLOT_APPOSITION or lo in lx.DETERMINERS:
        return False
    if lo in lx.PEOPLE_AND_TIME_NOUNS and not (cap and lo in w.first):
        return False  # "the young girl said", "a call from duty"
    if not cap and lo not in w.first and lo not in w.last and _key_slip(lo) and not _is_common(lo):
        return False  # "thank ypu", "domeone told me": a frequent word mistyped, not a name ("mere" is a word)
    if named_word(lo):
        return True
    if lo.endswith("s") and (lo[:-1] in w.eng["any"] or lo.endswith("es") and lo[:-2] in w.eng["any"]
                             or lo.endswith("ies") and lo[:-3] + "y" in w.eng["any"]):
        return False  # a plural: "uncles", "parents"
    if lo.endswith(_ABSTRACT_SUFFIX) or lo.endswith("ly") and lo in w.eng["adv"]:
        return False
    if lo.endswith("ed") and _verbish(lo):
        return False  # "frightened", "admitted"
    if lo in w.eng["adv"] and lo not in w.eng["noun"]:
        return False
    return lo not in _IRREGULAR


def _bare(lo: str) -> str:
    """The word without a contraction: "lakshmi'll" -> "lakshmi"."""
    m = _SUFFIX.match(lo) if ("'" in lo or "’" in lo) else None
    return m.group(1) if m and len(m.group(1)) >= 2 else lo


def slot_word(t: Tok, allow_words: frozenset = frozenset()) -> bool:
    """A word that can be a name when it stands where only a name fits: not a function word, filler,
    allowed term, cultural group, month, organisation or role word, word for people in general,
    plural, abstract noun or adverb. Ordinary nouns and adjectives pass ("Trace", "mere", "river", "sunny")."""
    lo = _bare(t.lower.replace("’", "'"))
    if not t.alpha or t.upper or lo in allow_words or lo in lx.FILLER_WORDS or t.text.upper() in lx.ACRONYM_ALLOW:
        return False
    return _slot_word_lower(lo, t.cap)


def _np_end(f: Features, i: int, surname: bool = True) -> bool:
    """Token ``i`` ends a noun phrase: punctuation or the end follows, or a word that cannot
    continue it ("about", "and", "who", a verb of speaking, a filler); with ``surname``, also
    when a surname-like word follows and then one of those ("to lakshmi sharma who").
    """
    toks = f.tokens
    if i + 1 >= len(toks):
        return True
    if f.gap(i, i + 1).strip() or toks[i].poss:
        return True
    nx = toks[i + 1]
    if nx.lower in ("and", "or") and i + 2 < len(toks):
        w = words()
        after = toks[i + 2].lower
        if after in w.eng["adj"] and after not in w.eng["noun"] or after.endswith("ed") and _verbish(after):
            return False  # "to anxious and frightened patients": adjectives before their noun
    if nx.lower in _NP_END or nx.lower in lx.FILLER_WORDS or _verbish(nx.lower) and nx.lower.endswith(("ed", "s")) \
            and nx.lower not in words().eng["noun"] or nx.lower.endswith("ly") and nx.lower in words().eng["adv"]:
        return True
    if surname and nx.alpha and (nx.lower in words().last or unknown_word(nx.lower) or nx.cap and _surname_like(nx)) \
            and nx.lower not in lx.SLOT_NOT_NAMES and not _verbish(nx.lower):
        return _np_end(f, i + 1, surname=False)
    return False


_FILLER_OPENERS = frozenset("i you kind sort".split())
_FILLER_PAIRS = frozenset({("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")})
_FILLER_ONE = frozenset("um uh ah er erm hmm like yeah so right well".split())
_MODAL_ADVERBS = frozenset("will would could can always never just also usually often still".split())
_DOING_VERBS = frozenset("""
send sends ask asks bring brings email emails ring rings call calls text texts share shares present presents
facilitate facilitates say says tell tells talk talks speak speaks organise organises organize organizes chair chairs
host hosts lead leads explain explains remind reminds check checks
""".split())
_HOST_VERBS = frozenset("had have has invited invite got get brought bring booked book welcomed asked".split())


def _after_fillers(f: Features, j: int) -> int | None:
    """The first token at or after ``j`` that is no filler of speech ("um", "like", "you know", "i mean",
    "sort of"), every one of them tight; None when only fillers are left."""
    toks = f.tokens
    n = len(toks)
    while j < n:
        lo = toks[j].lower
        if j + 1 < n and (lo, toks[j + 1].lower) in _FILLER_PAIRS and f.next(j) is not None and f.next(j + 1) is not None:
            j += 2
            continue
        if lo in _FILLER_ONE and f.next(j) is not None:
            j += 1
            continue
        return j
    return None


def _after_lower_surname(f: Features, i: int, nx: Tok | None) -> Tok | None:
    """The word after a surname typed after token ``i`` ("devi rao as", "ai-ling deng we"), else ``nx``."""
    w = words()
    if nx is None or nx.i != i + 1 or nx.cap or not nx.alpha or nx.lower in w.stop or nx.lower in lx.FILLER_WORDS:
        return nx
    if not (nx.lower in w.last and not _is_common(nx.lower) or _pinyin_name(nx.lower) or unknown_word(nx.lower)):
        return nx
    return f.next(nx.i) or nx


def _noun_or_plural(lo: str) -> bool:
    """A WordNet noun or its plural ("notes", "stories", "handouts")."""
    noun = words().eng["noun"]
    return lo in noun or lo.endswith("s") and (lo[:-1] in noun or lo.endswith("ies") and lo[:-3] + "y" in noun
                                               or lo.endswith("es") and lo[:-2] in noun)


def _adjective_before_noun(t: Tok, nx: Tok | None) -> bool:
    """An adjective that is no name, before a noun or its plural: it describes the noun ("ask dumb questions")."""
    w = words()
    return nx is not None and t.lower in w.eng["adj"] and t.lower not in w.first and not named_word(t.lower) \
        and nx.alpha and nx.lower not in w.stop and _noun_or_plural(nx.lower)


def _subject_position(f: Features, i: int) -> bool:
    """Token ``i`` opens a clause: the text or a sentence starts there, or a conjunction, filler or
    adverb of stance stands before it ("so X said", "honestly X was", "last time X couldn't")."""
    t = f.tokens[i]
    if t.sent_init or i == 0:
        return True
    if f.tokens[i - 1].poss:
        return False  # "Liu's class did"
    p = f.prev(i)
    if p is None:
        return True  # punctuation before it
    if p.lower == "what":
        return True  # "about what X said", "exactly what X was getting at"
    if p.lower in lx.DETERMINERS or p.lower in lx.PLACE_BEFORE and p.lower not in ("to",) or p.lower in _HONORIFIC_BARE:
        return False
    if p.lower in lx.SLOT_SUBJECT_BEFORE:
        return True
    w = words()
    return p.lower.endswith("ly") and p.lower in w.eng["adv"]


def _compound_head(p: Tok | None, t: Tok) -> bool:
    """``t`` is the common noun that ends a compound noun with the noun before it ("Health Visitor asked",
    "the support worker said"): a role, not a name standing in a person's slot."""
    if p is None or not p.alpha or not t.alpha or p.cap != t.cap:
        return False
    w = words()
    lo, plo = _bare(t.lower), p.lower
    return lo not in w.first and _is_common(lo) and not rare_noun(lo) and plo in w.eng["noun"] and plo not in w.first \
        and plo not in w.stop and plo not in lx.ROLE_NOUNS and plo not in _HONORIFIC_BARE and plo not in lx.DETERMINERS \
        and plo not in w.eng["verb"]


_PARTICLES_BEFORE_TO = frozenset("in up out along over down round around".split())


def _infinitive_after_particle(f: Features, i: int) -> bool:
    """Token ``i`` is a verb in lower case after a particle and "to": an infinitive ("come in to talk about it",
    "came along to help"), not a first name ("went up to jade about it")."""
    t = f.tokens[i]
    return not t.cap and i >= 2 and f.tokens[i - 1].lower == "to" and f.tokens[i - 2].lower in _PARTICLES_BEFORE_TO \
        and t.lower in words().eng["verb"] and t.lower not in words().first


def _purpose_noun(t: Tok) -> bool:
    """A common noun in lower case after "for": what people meet for ("met for lunch", "catching up for coffee",
    "went out for a walk"), not whom; a WordNet noun or its plural that is no census first name and no
    :func:`named_word` ("filled in for sarah" stays a name)."""
    lo = _bare(t.lower)
    w = words()
    return not t.cap and _noun_or_plural(lo) and lo not in w.first and not named_word(lo)


#: Quantifiers that are also census first names: they open "Many said ..." in every survey report.
_QUANTIFIERS = frozenset("many".split())
#: Finite verbs of what a person does, right after a subject ("couldn't", "kept", "said"): no adjective stands there.
_PERSON_FINITE = (_FINITE_AFTER_NAME - frozenset("was is has had did does".split())) | lx.SLOT_SPEECH_AFTER | frozenset("""
couldn't can't didn't wasn't won't wouldn't isn't hasn't hadn't couldn’t can’t didn’t wasn’t won’t wouldn’t isn’t
hasn’t hadn’t reckons reckoned rang emailed texted asked""".split())
_DEMONYM_NAMES = frozenset("german irish roman english french dutch norman".split())


def _list_goes_on(f: Features, i: int) -> bool:
    """A list of names goes on after token ``i``: a comma and a capitalised word ("Chidi, Agnieszka and me")."""
    toks = f.tokens
    return i + 1 < len(toks) and f.gap(i, i + 1).strip() == "," and toks[i + 1].cap and toks[i + 1].alpha


def _false_inflection(lo: str) -> bool:
    """``lo`` is no English word of its own, nor a verb's form, a derivation, a compound or an everyday word: only a
    regular ending on a noun makes it look like one ("naveed": "nave" + "-ed"); no plural ("londoners")."""
    w = words()
    return len(lo) >= 4 and lo.isalpha() and lo not in w.eng["any"] and lo not in w.stop and lo not in lx.INFORMAL_WORDS \
        and not lo.endswith("s") and _is_common(lo) and not _verbish(lo) and not _derived(lo) and not _compound(lo) \
        and not _y_adjective(lo)


def _adjective_name(t: Tok, lo: str) -> bool:
    """``lo`` (token ``t`` without its suffix) is a census first name that is an English adjective, no theme word,
    stop word or people's adjective ("sunny", "frank", "rusty", "sandy"; not "hope", "many", "irish")."""
    w = words()
    return t.alpha and not t.upper and lo in w.first and lo in w.eng["adj"] and lo not in w.stop \
        and lo not in lx.THEME_WORDS and lo not in lx.CULTURAL_GROUPS and lo not in _DEMONYM_NAMES


def person_slot(f: Features, i: int, allow_words: frozenset = frozenset()) -> bool:
    """Does token ``i`` stand where only a person's name fits, whatever the word is?

    * beside the speaker: "Trace and I", "me and dusty", "X and myself";
    * the subject of a verb of speaking, opening a clause: "Mere reckons", "so sky said";
    * the object of a verb that takes people, alone in its noun phrase: "rang trace about",
      "hearing Qiang talk", "talked to river about it", "shout out to X who";
    * in apposition after a determiner and a role or kin word: "my mate dusty reckons",
      "the facilitator hao was", "the coordinator, sunny, sent";
    * a vocative after a greeting or an apology: "Sorry Pearl,", "cheers sky!";
    * a speaker's turn: "Jasmine: I think".
    The word must pass :func:`slot_word`.
    """
    toks = f.tokens
    t = toks[i]
    if not slot_word(t, allow_words):
        return False
    n = len(toks)
    w = words()
    nx = f.next(i)
    p = f.prev(i)
    if _compound_head(p, t):
        return False
    if nx is not None and nx.alpha and not t.poss and nx.lower not in w.stop and nx.lower not in lx.FILLER_WORDS and (nx.lower in w.last or unknown_word(nx.lower) or nx.cap and _surname_like(nx)) \
            and nx.lower not in lx.SLOT_NOT_NAMES and not _verbish(nx.lower) and f.next(i + 1) is not None \
            and (f.next(i + 1).lower in _SUBJECT_VERBS or f.next(i + 1).lower in lx.SLOT_SPEECH_AFTER or f.next(i + 1).lower == "who"):
        nx = f.next(i + 1)  # "hao tang couldn't", "lakshmi nair who": the verb after the surname
    if nx is not None and (nx.lower in lx.FILLER_WORDS or nx.lower in _FILLER_OPENERS):
        k = _after_fillers(f, nx.i)  # "Dale i mean said", "mick sort of said", "trace always sort of asks"
        if k is not None and k != nx.i and (toks[k].lower in lx.SLOT_SPEECH_AFTER or toks[k].lower in _SUBJECT_VERBS
                                           or toks[k].lower in _RELATIVE_VERBS or toks[k].lower in _DOING_VERBS):
            nx = toks[k]
    # beside the speaker
    lo = _bare(t.lower)
    if lo in w.eng["adv"] and not named_word(lo):
        return False  # "Later admitted"
    if nx is not None and nx.lower in ("and", "&") and i + 2 < n and toks[i + 2].lower in ("i", "me", "myself") \
            and f.next(i + 1) is not None and _subject_position(f, i) and (not _verbish(lo) or named_word(lo) or t.cap or _name_verb(lo)):
        return True
    if p is not None and i >= 2 and p.lower == "and" and toks[i - 2].lower in ("me", "i", "myself") \
            and f.prev(i - 1) is not None and (_np_end(f, i) or nx is not None and (
                nx.lower in _SUBJECT_VERBS or nx.lower in lx.SLOT_SPEECH_AFTER or nx.lower == "went")):
        return True  # "me and dusty", "me and dusty drove down"
    # subject of a verb of speaking
    if nx is not None and nx.lower in lx.SLOT_SPEECH_AFTER and _subject_position(f, i):
        return True
    if nx is not None and nx.lower in ("was", "is") and nx.i + 1 < n and toks[_after_fillers(f, nx.i + 1) or nx.i + 1].lower in (
            "saying", "telling", "asking", "talking", "explaining", "sharing", "getting") and _subject_position(f, i):
        return True  # "X was saying", "hamish kennedy was saying", "what X was getting at"
    # "it was X who", "X who" after a greeting or a verb
    if nx is not None and nx.lower == "who" and p is not None and p.lower in ("was", "is", "it's", "its") \
            and (not _verbish(t.lower) or named_word(t.lower) or _name_verb(t.lower)):
        return True
    # a capitalised word mid-sentence before a verb: "last time Mere couldn't", "so Sky was"
    if t.cap and not t.sent_init and nx is not None and lo not in lx.THEME_WORDS and lo not in lx.STRONG_COMMON \
            and (nx.lower in _SUBJECT_VERBS or nx.lower in lx.SLOT_SPEECH_AFTER) and (p is None or p.lower not in lx.DETERMINERS) \
            and not (p is not None and p.lower in lx.PLACE_BEFORE and p.lower not in ("with", "to", "by", "for")):
        return True
    # a subject before a verb of action, opening a clause: "lakshmi ran the session", "Trace brought",
    # "Lakshmi'll bring" (a name or a word that is no verb nor adjective)
    if lo not in w.ambiguous and lo not in lx.THEME_WORDS and _subject_position(f, i):
        named = named_word(lo)
        if nx is not None and (nx.lower in _ACTION_VERBS and (named or lo in w.eng["noun"] and lo not in w.eng["verb"]
                                                              and lo not in w.eng["adv"])
                               or nx.lower in _SUBJECT_VERBS and named):
            return True
        if (named or lo in w.eng["noun"] and lo not in w.eng["vaa"]) and lo != t.lower and t.lower.endswith(("'ll", "’ll")):
            return True
    # "Dale'll be there", "trace'll bring it": a word with 'll is a subject, a name unless it is a function word
    if lo != t.lower and t.lower.endswith(("'ll", "’ll")) and _subject_position(f, i) and lo not in lx.THEME_WORDS \
            and (lo in w.first or lo in w.last or named_word(lo) or t.cap and not _is_common(lo) and lo not in allow_words):
        return True
    nx1 = toks[i + 1] if i + 1 < n and toks[i + 1].lower.endswith(("'ll", "’ll")) else None
    if nx1 is not None and f.next(i) is nx1 and _subject_position(f, i) and lo not in lx.THEME_WORDS \
            and (named_word(lo) or lo in w.first and lo not in w.ambiguous or t.cap and not t.sent_init) \
            and _bare(nx1.lower) not in w.stop and (_bare(nx1.lower) in w.last or named_word(_bare(nx1.lower))
                                                    or nx1.cap and not _is_common(_bare(nx1.lower))):
        return True  # "Heath Camden'll bring it", "li-na chen'll be there"
    # a subject, then "will", "always", ... and a verb of what people do: "Sita always asks", "shiva will send"
    if nx is not None and nx.lower in _MODAL_ADVERBS and nx.i + 1 < n and toks[nx.i + 1].lower in _DOING_VERBS \
            and f.next(nx.i) is not None and lo not in lx.THEME_WORDS and lo not in w.ambiguous and named_word(lo) \
            and _subject_position(f, i):
        return True
    # "we had X as a guest speaker", "invited X as our facilitator"
    nxs = _after_lower_surname(f, i, nx) if p is not None and (p.lower in _HOST_VERBS or p.lower == "without") else None
    if p is not None and p.lower in _HOST_VERBS and nxs is not None and nxs.lower == "as" and nxs.i + 2 < n \
            and toks[nxs.i + 1].lower in ("a", "an", "the", "our", "my", "their") \
            and (toks[nxs.i + 2].lower in lx.ROLE_NOUNS or toks[nxs.i + 2].lower in ("guest", "speaker", "keynote")) \
            and (not _verbish(lo) or named_word(lo) or _name_verb(lo)):
        return True
    # "without X we would have": the one the speaker could not have done without
    if p is not None and p.lower == "without" and nxs is not None and nxs.lower in ("i", "we", "they", "you", "she", "he") \
            and (named_word(lo) or t.cap and not t.sent_init or lo in w.first and lo not in w.ambiguous):
        return True
    # a census first name that is an adjective ("Sunny", "frank", "Rusty"), opening a clause before a finite verb of
    # what people do, or with a possessive 's: an adjective heads no subject and owns nothing ("Sunny couldn't make
    # it", "frank kept us laughing", "Sunny's daughter"; not "sunny days", "a frank talk", "Precious little time")
    if _adjective_name(t, lo) and (p is None or p.lower not in lx.DETERMINERS) and _subject_position(f, i) \
            and (t.poss and (t.cap or t.sent_init) and i + 1 < n and toks[i + 1].alpha
                 and toks[i + 1].lower not in w.eng["adj"]
                 or not t.poss and nx is not None and nx.i == i + 1 and nx.lower in _PERSON_FINITE):
        return True
    # a capitalised word opening a sentence before a finite verb of what people do, that English has only as a regular
    # ending on a noun that is no verb ("Naveed" read as "nave" + "-ed"): a name
    if t.cap and t.sent_init and not t.poss and nx is not None and nx.i == i + 1 and nx.lower in _PERSON_FINITE \
            and _false_inflection(lo):
        return True
    # a census name that is also a word, doing something to someone: "Summer ran the session", "Trace brought the
    # slides", "Rocky kept us going" (a verb of action, then a determiner or a pronoun: not "Time ran out")
    if lo not in lx.THEME_WORDS and (lo in w.first or lo in w.last) and _subject_position(f, i) and nx is not None \
            and nx.lower in _ACTION_VERBS and nx.i + 1 < n and f.next(nx.i) is not None \
            and (toks[nx.i + 1].lower in lx.DETERMINERS or toks[nx.i + 1].lower in ("us", "me", "him", "her", "them", "everyone", "everybody")):
        return True
    # object of a verb that takes people
    if p is not None and p.lower in lx.SLOT_OBJECT_VERBS and _np_end(f, i) and (
            not _verbish(t.lower) or named_word(t.lower) or _name_verb(t.lower)) and not _adjective_before_noun(t, nx):
        return True
    if p is not None and p.lower in ("with", "to", "for") and i >= 2 and f.prev(i - 1) is not None \
            and toks[i - 2].lower in lx.SLOT_VERB_BEFORE_PREP and _np_end(f, i) and (not _verbish(t.lower) or _name_verb(t.lower)) \
            and not _infinitive_after_particle(f, i) and not (p.lower == "for" and _purpose_noun(t)):
        return True
    # "a text from X", "a call from X": what people send each other, then who sent it
    if p is not None and p.lower in ("from", "off") and i >= 2 and f.prev(i - 1) is not None \
            and toks[i - 2].lower in _MESSAGE_NOUNS and _np_end(f, i) and (named_word(lo) or t.cap and not t.sent_init
                                                                           or lo in w.first and lo not in lx.THEME_WORDS):
        return True
    # the subject of a relative clause after a noun: "the notes X sent round", "the story X shared"
    if p is not None and nx is not None and nx.lower in _RELATIVE_VERBS and p.lower not in lx.DETERMINERS \
            and _noun_or_plural(p.lower) and p.lower not in w.eng["adj"] and p.lower not in w.stop and i >= 2 and toks[i - 2].lower in lx.DETERMINERS \
            and not _verbish(lo) and (lo not in w.eng["adj"] or named_word(lo)):
        return True
    # apposition: "my mate dusty", "the facilitator hao"
    if p is not None and p.lower in lx.SLOT_APPOSITION and i >= 2 and f.prev(i - 1) is not None \
            and toks[i - 2].lower in lx.DETERMINERS and toks[i - 2].lower not in ("a", "an", "one", "another", "no", "any", "every", "each") \
            and (not _verbish(t.lower) or t.lower in w.first) and (_np_end(f, i) or nx is not None and (
                _verbish(nx.lower) or nx.lower.endswith("ly"))):
        return True
    if i >= 2 and f.gap(i - 1, i).strip() == "," and toks[i - 1].lower in lx.SLOT_APPOSITION \
            and (i + 1 >= n or f.gap(i, i + 1).strip() in (",", ".", "!", "?", "")) and not _verbish(t.lower):
        return True
    # named by a copula after a role or a name word: "my manager is X and she gets it", "her name was X"
    if p is not None and p.lower in ("is", "was", "'s") and i >= 2 and f.prev(i - 1) is not None \
            and (toks[i - 2].lower in lx.SLOT_APPOSITION or toks[i - 2].lower in ("name", "nickname")) \
            and i >= 3 and toks[i - 3].lower in lx.DETERMINERS and _np_end(f, i) \
            and not _verbish(lo) and (lo not in w.eng["adj"] or named_word(lo)):
        return True
    # vocative
    if p is not None and p.lower in lx.SLOT_VOCATIVE_BEFORE and (i + 1 >= n or f.gap(i, i + 1).strip()[:1] in (",", "!", ".", "?")):
        return True
    # a speaker's turn: "Jasmine: ..." at the start of a line
    gap_after = f.text[t.end:toks[i + 1].start] if i + 1 < n else f.text[t.end:]
    if gap_after.strip().startswith(":") and (i == 0 or "\n" in f.gap(i - 1, i)) and (
            t.lower in w.first or unknown_word(t.lower) or t.cap and not _is_common(t.lower)):
        return True
    return False


# --------------------------------------------------------------------------- known names
def _word_compound(lo: str) -> bool:
    """A hyphenated word whose last part is an English adjective or participle ("rose-tinted", "hope-filled",
    "grace-like"): a compound adjective, not a double-barrelled name ("Mary-Jane", "Anne-Marie")."""
    w = words()
    last = lo.rsplit("-", 1)[-1]
    return len(last) >= 4 and last not in w.first and last not in w.last and (
        last in w.eng["adj"] or last.endswith("ed") and _verbish(last) or last in ("like", "free", "wise"))


class KnownNameRecognizer(LocalRecognizer):
    """Names given by the roster, speaker labels and identity columns.

    Matches full names, each part, aliases and short forms in any case, leaving a
    possessive outside the span. A part that is also an ordinary word ("Grace",
    "Jack", "Will") needs a capital letter mid-sentence or a person cue.
    """

    def __init__(self, identifiers: Iterable = (), allow_words: frozenset = frozenset(), name: str = "known_name"):
        self.allow_words = allow_words
        variants: dict[str, tuple[str, str]] = {}  # variant -> (kind, mode)
        for ident in identifiers:
            if isinstance(ident, str):
                value, kind, aliases = ident, "person", ()
            else:
                value, kind, aliases = ident.value, ident.kind, tuple(ident.aliases or ())
            value = (value or "").strip()
            if not value:
                continue
            if kind != "person":
                for v in (value, *aliases):
                    if v and len(v.strip()) >= 3:
                        variants.setdefault(v.strip(), (kind, "exact"))
                continue
            for v in _person_variants(value, aliases):
                variants.setdefault(v, ("person", "name"))
        self.variants = variants
        alts = sorted(variants, key=len, reverse=True)
        if alts:
            body = "|".join(_name_regex(v) for v in alts)
            self.pattern = re.compile(r"(?<![\w@.\-])(?:" + body + r")(?![\w@\-]|['’]\w\w|\.\w)", re.IGNORECASE)
        else:
            self.pattern = None
        self._lookup = {v.lower(): v for v in variants}
        super().__init__(supported_entities=["PERSON", "ORGANIZATION", "LOCATION", "EMAIL_ADDRESS",
                                             "PHONE_NUMBER", "ID_CODE"], name=name)

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if self.pattern is None:
            return []
        f = features(text)
        out = []
        ent_of = {"person": "PERSON", "org": "ORGANIZATION", "place": "LOCATION", "email": "EMAIL_ADDRESS",
                  "phone": "PHONE_NUMBER", "other": "ID_CODE"}
        for m in self.pattern.finditer(text):
            s, e = m.start(), m.end()
            surface = m.group(0)
            key = re.sub(r"\s+", " ", surface.lower()).replace("’", "'")
            canon = self._lookup.get(key) or self._lookup.get(key.replace("'", "’"))
            if canon is None:
                continue
            kind, mode = self.variants[canon]
            if kind != "person":
                out.append(result(ent_of.get(kind, "ID_CODE"), s, e, "known_" + kind, P_KNOWN, 1.0))
                continue
            if not self._accept(f, s, e, surface, canon):
                continue
            out.append(result("PERSON", s, e, "known_name", P_KNOWN, 1.0))
        return out

    def _accept(self, f: Features, s: int, e: int, surface: str, canon: str) -> bool:
        i = f.token_at(s)
        if i is None:
            return True
        t = f.tokens[i]
        multi = " " in canon.strip()
        lo = canon.lower()
        short = len(canon) <= 2
        if short or (canon.isupper() and len(canon) <= 4):
            # "Lu", "Mo", "KN": exact case only
            return surface == canon or (surface[:1].isupper() and surface[1:] == canon[1:])
        risky = (not multi) and (lo in words().ambiguous or lo in self.allow_words or lo in words().stop
                                 or lo in words().eng["vaa"] or lo in lx.CULTURAL_GROUPS or lo in words().countries)
        if not risky:
            return True
        nx = f.next(i)
        if surface[:1].isupper() and nx is not None and nx.cap and _surname_like(nx) and nx.lower not in self.allow_words:
            return True
        if surface[:1].isupper():
            if lo in self.allow_words:
                return person_cue(f, i, strong=False) and not t.sent_init or person_cue(f, i, strong=True)
            if not t.sent_init:
                return True
            return person_cue(f, i)
        # in lower case, a part that is also a word is the person where only a name fits ("thanks to king
        # for the notes", "me and rose went"), not elsewhere ("the king of", "we may")
        return person_cue(f, i, strong=True) or person_slot(f, i, self.allow_words) or _thanked(f, i)


def _thanked(f: Features, i: int) -> bool:
    """Token ``i`` is who a thanks goes to: "big thanks to king for the notes", "credit to may, who"."""
    toks = f.tokens
    p = f.prev(i)
    if p is None or p.lower != "to" or i < 2 or f.prev(i - 1) is None or toks[i - 2].lower not in _THANKS:
        return False
    if i + 1 >= len(toks) or f.gap(i, i + 1).strip() or toks[i].poss:
        return True
    return toks[i + 1].lower in ("for", "who", "and")


_SHOUT_OUT = frozenset("shoutout shout-out out kudos props".split())
_BIG_THANKS = frozenset("big huge massive special".split())


#: Who a message is passed to, or who is asked, before "X from [organisation or place]".
_PASSED_TO = frozenset("to with ask asked tell told thank thanks".split())


def _person_from(f: Features, i: int, allow_words: frozenset) -> bool:
    """Token ``i``, typed in lower case, is someone "from" (or "at") an organisation or a town, after "to", "with"
    or "ask" ("pass it on to ky from the footy club", "coffee with jo at the council", "ask bec from bendigo"): a
    first name, a word that reads as a name, or a short surname; not a place, an organisation or role word,
    or a word for people ("to staff from the council", "to bendigo from ballarat", "to school from home")."""
    toks = f.tokens
    t = toks[i]
    p, nx = f.prev(i), f.next(i)
    if t.cap or not t.alpha or p is None or nx is None or p.lower not in _PASSED_TO or nx.lower not in ("from", "at") \
            or nx.i + 1 >= len(toks) or f.next(nx.i) is None:
        return False
    lo = t.lower
    w = words()
    if lo in w.stop or lo in allow_words or lo in lx.ORG_TAIL or lo in lx.ROLE_NOUNS or lo in lx.PEOPLE_AND_TIME_NOUNS \
            or lo in lx.SLOT_NOT_NAMES or lo in lx.INFORMAL_WORDS or (lo,) in place_index() or lo in w.countries \
            or lo in lx.FILLER_WORDS or lo in lx.MONTHS or lo in lx.DAYS:
        return False
    if lo in lx.THEME_WORDS or not (not _is_common(lo) and (lo in w.first or named_word(lo))
                                    or len(lo) <= 3 and (lo in w.first or lo in w.last)):
        return False
    # what follows "from" must be an organisation or a place: an organisation word within four words, or a town
    after = [toks[k] for k in range(nx.i + 1, min(nx.i + 6, len(toks)))]
    for k, a in enumerate(after):
        if k and f.gap(a.i - 1, a.i).strip():
            break
        if a.lower in lx.ORG_TAIL or a.lower in lx.ORG_HEAD_CAP or (a.lower,) in place_index() and a.lower not in w.stop:
            return True
    return False


def _shouted_out(f: Features, i: int, allow_words: frozenset) -> bool:
    """Token ``i`` is who a shout-out or a big thanks goes to ("shoutout to mo for the memes", "Big thanks to
    Sky, her story ..."), a word that can be a name; a bare "thanks to" gives a cause ("thanks to lockdown")."""
    toks = f.tokens
    if i < 2 or not _thanked(f, i) or not slot_word(toks[i], allow_words) and not (
            len(toks[i].text) == 2 and toks[i].alpha and toks[i].lower not in words().stop):
        return False
    cue = toks[i - 2].lower
    return cue in _SHOUT_OUT and (cue != "out" or i >= 3 and toks[i - 3].lower == "shout") \
        or cue in ("thanks", "thank") and i >= 3 and toks[i - 3].lower in _BIG_THANKS


_THANKS = frozenset("thanks thank you credit kudos props shoutout shout-out out cheers gratitude".split())


def _name_regex(v: str) -> str:
    out = []
    for ch in v:
        if ch in "'’":
            out.append("['’]")
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _person_variants(value: str, aliases: Iterable[str]) -> set[str]:
    out: set[str] = set()
    first = lx.first_names()
    for v in (value, *aliases):
        v = re.sub(r"\s+", " ", (v or "").strip())
        if not v or v.lower() in lx.GENERIC_SPEAKER_LABELS or re.fullmatch(r"(speaker|participant|p|s)\s*\d+", v, re.I):
            continue
        parts = [p for p in v.split(" ") if p]
        # drop honorifics
        while parts and parts[0].lower().rstrip(".") in {h.rstrip(".") for h in lx.HONORIFICS}:
            parts = parts[1:]
        if not parts:
            continue
        out.add(" ".join(parts))
        for p in parts:
            if len(p) >= 2 and p.lower() not in {"van", "von", "de", "da", "di", "del", "der", "bin", "binti", "al", "el", "la", "le"}:
                out.add(p)
            for h in p.split("-"):
                if len(h) >= 3 and "-" in p:
                    out.add(h)
        # short forms of the first name that are themselves names: Daniel -> Dan, Danny
        fn = parts[0]
        for k in (3, 4):
            if k >= len(fn):
                break
            pre = fn[:k]
            for cand in (pre, pre + pre[-1] + "y", pre + pre[-1] + "ie"):
                if cand.lower() in first and cand.lower() != fn.lower() and pre[-1].lower() not in "aeiou" + "y":
                    out.add(cand[:1].upper() + cand[1:].lower())
    return out


# --------------------------------------------------------------------------- person names
def _with_me(toks, i: int) -> bool:
    """Token ``i`` stands beside the speaker: "jamal and I", "me and jamal", "jamal and me"."""
    n = len(toks)
    if i + 2 < n and toks[i + 1].lower == "and" and toks[i + 2].lower in ("i", "me", "myself"):
        return True
    return i >= 2 and toks[i - 1].lower == "and" and toks[i - 2].lower in ("me", "i")


class _AllowWordsRecognizer(LocalRecognizer):
    """A recognizer of one entity type (``ENTITY``) that leaves ``allow_words`` alone; nothing to load."""

    ENTITY, NAME = "", ""

    def __init__(self, allow_words: frozenset = frozenset(), name: str | None = None):
        self.allow_words = allow_words
        super().__init__(supported_entities=[self.ENTITY], name=name or self.NAME)

    def load(self) -> None:
        pass


_PLURAL_ABBREV = re.compile(r"^[A-Z]{2,}s$")
#: Words before an adjective that describes the noun after it: determiners, possessives, numbers, quantifiers.
_ATTRIBUTIVE_BEFORE = frozenset("""
the a an our my their his her your its this that these those some many few several most all any every other
two three four five six ten no more less both each
""".split())


def _attributive_demonym(f: Features, i: int) -> bool:
    """The capitalised word at ``i`` is a nationality or language used as an adjective: an English adjective
    (WordNet) that is also a noun and a census first name ("Irish", "German"), after a determiner or a number
    and before a lower-case noun that is no adjective ("our Irish speakers", "two German teachers",
    "the Irish language schools"); "hear Irish talk", "with Irish and me" stay names."""
    w = words()
    t = f.tokens[i]
    lo = t.lower
    p, nx = f.prev(i), f.next(i)
    if not t.cap or t.upper or t.sent_init or p is None or nx is None or nx.cap or not nx.alpha:
        return False
    if lo not in w.first or lo not in w.eng["adj"] or lo not in w.eng["noun"]:
        return False
    if p.lower not in _ATTRIBUTIVE_BEFORE and not p.text.isdigit():
        return False
    nlo = nx.lower
    return (nlo in w.eng["noun"] or nlo.endswith("s") and nlo[:-1] in w.eng["noun"]) and nlo not in w.eng["adj"] \
        and nlo not in w.stop


class NameRecognizer(_AllowWordsRecognizer):
    """Person names the small spaCy model misses in conversational text.

    * honorific + capitalised word(s): "Ms Trinh", "Aunty Marlene", "Mr O'Brien"
      (the honorific stays outside the span);
    * census first names, capitalised; names that are also ordinary words
      (Hope, Grace, Mark, Will) need a cue at the start of a sentence, and the
      commonest (Hope, Grace, Joy, Faith, May) need a cue anywhere;
    * lower-case first names after a strong cue ("with sarah", "thanks mimi");
    * any capitalised non-dictionary word with a person cue ("Stavros from ...");
    * surnames after a first name, names joined by "and" / commas to a name.
    """

    ENTITY, NAME = "PERSON", "name_list"

    def analyze(self, text, entities, nlp_artifacts=None):
        text = _join_pinyin(text, self.allow_words)  # "li na" -> "li-na": same offsets
        pidx = place_index()
        f = features(text)
        toks = f.tokens
        w = words()
        found: dict[int, str] = {}   # token index -> source
        n = len(toks)
        for t in toks:
            i = t.i
            if not t.alpha or t.upper and len(t.text) > 1 and (t.lower not in w.first or t.text in lx.ACRONYM_ALLOW
                                                                 or t.lower in lx.DIMINUTIVES):
                continue  # "ED" in "Hutt Hospital ED", "DI", "NIC": an acronym, no "Ed", "Di" or "Nic"
            if t.lower in _STRICT_TITLES and f.next(i) is not None and f.next(i).alpha:
                continue  # "Ms Whitfield": the title is no name ("ms" is also an allowed word, of "MS Teams")
            lo = t.lower
            m = _SUFFIX.match(lo) if ("'" in lo or "’" in lo) else None
            if m and len(m.group(1)) >= 2:
                lo = m.group(1)  # "Sarah'll", "Nikos'": the name before the suffix
            first_part = lo.split("-")[0]
            p = f.prev(i)
            if p is None and i > 0 and f.gap(i - 1, i).strip() == "." and toks[i - 1].lower in _STRICT_TITLES:
                p = toks[i - 1]  # "Mr. Krishnan", "dr. hussein"
            # honorific + capitalised word
            strict = p is not None and p.lower.rstrip(".") in _STRICT_TITLES and p.lower != "miss"  # "Mrs Church", "Mr Hall"
            if p is not None and p.lower.rstrip(".") in _HONORIFIC_BARE and t.cap:
                if lo not in w.stop and (lo not in lx.ORG_TAIL or strict) and lo not in self.allow_words:
                    found[i] = "honorific"
                    continue
            # honorific + a lower-case name: "uncle ray", "ms ngo", "aunty marlene"
            if p is not None and p.lower.rstrip(".") in _HONORIFIC_BARE and not t.cap:
                if lo not in w.stop and (lo not in lx.ORG_TAIL or strict) and lo not in self.allow_words and lo not in lx.INFORMAL_WORDS \
                        and (lo in w.first or name_like_lower(lo) or lo in w.last and not _is_common(lo)
                             or p.lower.rstrip(".") in _STRICT_TITLES and (lo not in w.eng["vaa"] or strict and _name_verb(lo) and lo in w.last)
                             or self._kin_name(f, p, t)):
                    found[i] = "honorific"
                    continue
            if lo in self.allow_words or lo in w.countries or lo in lx.CULTURAL_GROUPS:
                strong = lo in self.allow_words or lo in lx.CULTURAL_GROUPS
                pp = f.prev(i)
                if t.cap and not t.sent_init and person_cue(f, i, strong=strong) and lo not in ("victoria",) \
                        and not (pp is not None and pp.lower in lx.PLACE_BEFORE and pp.lower not in ("with", "to", "by")):
                    found[i] = "cue"
                elif t.cap and t.sent_init and lo in lx.CULTURAL_GROUPS and lo in w.first and not lo.endswith("s") \
                        and f.next(i) is not None and f.next(i).i == i + 1 and f.next(i).lower in _PERSON_FINITE:
                    found[i] = "cue"  # "Roma said she'd come back": a people's word heads no subject alone, a name does
                continue
            is_first = lo in w.first or first_part in w.first and "-" in lo and not _pinyin_name(lo) \
                and not _word_compound(lo)
            if t.cap and is_first:
                if lo in lx.STRONG_COMMON:
                    if lo in _QUANTIFIERS and not self._next_surname(f, i):
                        continue  # "Many said the timing was hard": a quantifier before a verb, not "Many"
                    if person_cue(f, i) and (not t.sent_init or person_cue(f, i, strong=True) or self._next_surname(f, i)) \
                            or _modal_name(f, i):
                        found[i] = "cue"
                    elif self._next_surname(f, i):
                        found[i] = "name_list"
                elif lo in w.ambiguous or lo in w.stop:
                    if not t.sent_init and lo not in w.stop:
                        found[i] = "name_list"
                    elif person_cue(f, i) or self._next_surname(f, i) or _modal_name(f, i):
                        found[i] = "cue"
                else:
                    found[i] = "name_list"
                continue
            if not t.cap and is_first and len(lo) >= 2:
                if lo in w.ambiguous or lo in w.stop or lo in w.eng["vaa"] or lo in lx.COMMON_NOUN_NAMES:
                    continue
                if lo in lx.REO_PACIFIC_WORDS and p is not None and (p.lower in lx.DETERMINERS or not p.alpha):
                    continue  # "the hui was great", "the 2024 hui": a word of New Zealand English, not "Hui"
                if person_cue(f, i, strong=True) or (p is not None and p.lower in ("with", "and", "to", "ask")) \
                        or _with_me(toks, i):
                    found[i] = "cue"
                elif lo not in self.allow_words and name_like_lower(lo):
                    found[i] = "oov"  # "our principal rhiannon finally came on board"
                continue
            if t.cap and not _is_common_strict(lo) and lo not in w.countries and len(lo) >= 3 \
                    and lo not in lx.ORG_TAIL and lo not in lx.ORG_HEAD_CAP and lo not in lx.PLACE_REGION_TAIL \
                    and (lo,) not in place_index() and lo not in lx.SLOT_VOCATIVE_BEFORE and _slot_word_lower(lo, True):  # not "Hello from Jane"
                if person_cue(f, i) and not (p is not None and p.lower in lx.PLACE_BEFORE and p.lower not in ("to", "with", "by")) \
                        and not _compound_head(p, t):
                    found[i] = "cue"
                    continue
            if t.cap and lo.endswith("s") and len(lo) >= 4 and lo[:-1] in w.first and lo[:-1] not in w.ambiguous \
                    and lo not in w.first and lo not in w.last and not t.sent_init and f.next(i) is not None \
                    and not f.next(i).cap and f.next(i).lower not in w.stop:
                found[i] = "name_list"  # "Sarahs idea": a possessive without its apostrophe
                continue
            if self._possessive(f, i):
                found[i] = "cue"  # "qiang's school", "Haos school", "mere's template"
                continue
            # a town's name that is also a name, before a surname, typed in lower case: "lachlan blackwood said"
            nx = f.next(i) if not t.cap and (lo,) in pidx else None
            if nx is not None and named_word(lo) and nx.alpha and not nx.cap \
                    and nx.lower in w.last and nx.lower not in w.eng["vaa"] and (lo, nx.lower) not in place_index() \
                    and nx.lower not in _PLACE_WORDS and nx.lower not in lx.ORG_TAIL and nx.lower not in lx.PLACE_REGION_TAIL \
                    and nx.lower not in self.allow_words and not (nx.i + 1 < n and (toks[nx.i + 1].lower in lx.ORG_TAIL
                                                                                   or toks[nx.i + 1].lower in _STREET_TYPE_WORDS)):
                found[i] = "name_list"
                continue
            # a word that is no English (nor a place, organisation word or allowed term): a name
            if len(lo) >= 3 and lo not in self.allow_words and lo not in w.countries and lo not in lx.CULTURAL_GROUPS \
                    and lo not in lx.ORG_TAIL and lo not in lx.PLACE_REGION_TAIL and t.text.upper() not in lx.ACRONYM_ALLOW \
                    and (lo,) not in place_index() and (unknown_word(lo) or not t.cap and name_like_lower(lo)):
                found[i] = "oov"
        # a word, ordinary or not, where only a name fits ("Trace and I", "mere reckons", "my mate dusty")
        for t in toks:
            if (t.i not in found or found[t.i] == "oov" and not t.cap) \
                    and (person_slot(f, t.i, self.allow_words) or _shouted_out(f, t.i, self.allow_words)
                         or _person_from(f, t.i, self.allow_words)):
                found[t.i] = "cue"  # a word that is no English where only a name fits is a name by its place too
        # a capital letter where the writer uses none: in a text typed in lower case (captions capitalise
        # names only), any capitalised word that can be a name; in sentence case, a census first name that
        # is also a word ("we were lucky to have Dale"), not at a sentence start, not a theme word
        if n >= 3 and sum(t.cap for t in toks) * 2 < n:
            lower_text = not toks[0].cap
            for t in toks:
                if t.i in found or not t.cap or t.sent_init or t.upper or not t.alpha:
                    continue
                lo = _bare(t.lower)
                if lo in lx.THEME_WORDS and lower_text and lo in w.first and self._theme_name_acts(f, t.i):
                    found[t.i] = "cue"  # "honestly Mercy and Grace were the reason", "but Hope really carried us"
                    continue
                if lo in lx.THEME_WORDS or lo in ("i", "will", "may", "miss", "major", "art") or lo in w.countries \
                        or (lo,) in place_index() or lo in lx.PLACE_REGION_TAIL or lo in lx.ORG_TAIL or lo in lx.ORG_HEAD_CAP:
                    continue
                nx = f.next(t.i)
                if nx is not None and nx.cap and nx.lower != "i":
                    continue  # a name of two capitalised words is the other rules' ("Apollo Bay", "Sea Lake")
                if (lower_text or lo in w.first or self._capital_noun(f, t)) and slot_word(t, self.allow_words):
                    found[t.i] = "cue"
        if n >= 2 and toks[-1].sent_init and toks[-1].cap and toks[-1].alpha and not toks[-1].upper \
                and not _is_common(toks[-1].lower) and toks[-1].lower not in self.allow_words \
                and (toks[-1].lower,) not in place_index() and not f.text[toks[-1].end:].strip(" .!\n"):
            found.setdefault(n - 1, "cue")
        # the plural of an abbreviation names a class of things, never one person ("CHWs", "NGOs", "DSLs")
        for i in [i for i in found if _PLURAL_ABBREV.match(toks[i].text)]:
            del found[i]
        # a nationality or language that is also a census name, before a noun it describes ("our Irish
        # speakers", "the German language unit"): an adjective; not after a verb ("hear Irish talk")
        for i in [i for i in found if found[i] != "honorific" and _attributive_demonym(f, i)]:
            del found[i]
        # names joined to names: "Leila and Grace", "Georgia and Yusra", "Shiv, Nick and Jacko"
        changed = True
        while changed:
            changed = False
            for i in list(found):
                for j in (i - 2, i + 2):
                    if j < 0 or j >= n or j in found:
                        continue
                    mid = toks[(i + j) // 2]
                    a, b = (i, j) if i < j else (j, i)
                    link = f.gap(a, a + 1) + mid.text + f.gap(a + 1, b) if mid.lower in ("and", "&", "or") else None
                    if link is None:
                        continue
                    c = toks[j]
                    if c.cap and c.alpha and not c.upper and c.lower not in w.stop and c.lower not in self.allow_words \
                            and c.lower not in w.countries and c.lower not in lx.CULTURAL_GROUPS and (
                            c.lower in w.first or not _is_common(c.lower)) and (
                            c.lower not in lx.STRONG_COMMON or c.lower in lx.THEME_WORDS and c.lower in w.first
                            and toks[i].cap and found[i] != "conj" and mid.lower in ("and", "&")):
                        found[j] = "conj"  # "Faith and Joy co-facilitated": a theme word beside a person is one too
                        changed = True
                    elif not toks[i].cap and not c.cap and c.alpha and c.lower in w.first and len(c.lower) >= 3 \
                            and c.lower not in w.ambiguous and c.lower not in w.stop and c.lower not in w.eng["vaa"] \
                            and c.lower not in lx.COMMON_NOUN_NAMES and c.lower not in self.allow_words:
                        found[j] = "conj"  # "bec and shaz" in a text typed in lower case
                        changed = True
                    elif j > i and not c.cap and c.alpha and len(c.lower) >= 3 and c.lower in w.last \
                            and not _is_common(c.lower) and c.lower not in w.stop and c.lower not in self.allow_words \
                            and c.lower not in lx.INFORMAL_WORDS:
                        found[j] = "conj"  # "thanks to Ann and mcgregor": a census surname that is no word
                        changed = True
                for j in (i - 1, i + 1):
                    if j < 0 or j >= n or j in found:
                        continue
                    a = min(i, j)
                    if f.gap(a, a + 1).strip() != "," or toks[a].poss:
                        continue
                    c = toks[j]
                    if c.cap and c.alpha and not c.sent_init and c.lower in w.first and c.lower not in lx.STRONG_COMMON \
                            and c.lower not in self.allow_words and c.lower not in w.countries:
                        found[j] = "conj"
                        changed = True
                    elif j < i and c.sent_init and c.cap and c.alpha and not c.upper and _list_goes_on(f, i) \
                            and c.lower not in w.stop and c.lower not in self.allow_words and c.lower not in w.countries \
                            and c.lower not in lx.CULTURAL_GROUPS and c.lower not in w.eng["vaa"] and not _is_common_strict(c.lower):
                        found[j] = "conj"  # "Lakshmi, Chidi, Ana and me stayed": a list of names opens with one too
                        changed = True
        # surnames and second given names: "Thi Lan Nguyen", "Chen Wei", "Sarah N."
        spans = []
        used = set()
        for i in sorted(found):
            if i in used:
                continue
            a = b = i
            while b + 1 < n and f.next(b) is not None and _surname_like(toks[b + 1]) and (b + 1 not in found or True):
                nxt = toks[b + 1]
                if nxt.lower in self.allow_words:
                    break
                b += 1
                used.add(b)
            # typed in lower case: a surname after a found name ("kirsty sutherland", "ms bao ngo",
            # "carmelo de luca"): a census surname or a noun that is no verb, adjective or adverb
            if not toks[i].cap:
                k = 0
                while k < 2 and b + 1 < n and f.next(b) is not None and self._lower_surname(toks, b + 1):
                    b += 1
                    used.add(b)
                    k += 1
            while a - 1 >= 0 and f.prev(a) is not None and (a - 1) not in found:
                pv = toks[a - 1]
                if pv.sent_init and pv.cap and not toks[a].sent_init and toks[a].cap and a == i \
                        and (toks[a].lower in w.last or unknown_word(toks[a].lower)) and toks[a].lower not in w.first \
                        and slot_word(pv, self.allow_words) and not _verbish(pv.lower) and pv.lower not in w.eng["adv"]:
                    a -= 1  # "Mere Seiuli ran": a first name that is a word, before a surname, stays with it
                    break
                if pv.sent_init and _is_common(pv.lower) and not (rare_noun(pv.lower) and found.get(a) is not None):
                    break
                if pv.cap and not pv.sent_init and a == i and toks[a].cap and found.get(a) in ("oov", "name_list", "cue") \
                        and slot_word(pv, self.allow_words) and not _verbish(pv.lower) and pv.lower not in w.eng["adv"] \
                        and (pv.lower, toks[a].lower) not in place_index():
                    a -= 1  # "that was Mere Tuhiwai's idea"
                    break
                if not _surname_like(pv) or pv.lower in w.first and False:
                    break
                if pv.lower in lx.HONORIFICS or pv.lower in self.allow_words:
                    break
                if not (pv.lower in w.first or pv.lower in w.last) and pv.sent_init:
                    break
                a -= 1
            src = found[i]
            inside = [found[k] for k in range(a, b + 1) if k in found]
            if inside:  # the strongest source found inside the span: "Ms Whitfield" keeps its honorific
                src = min(inside, key=_SOURCE_RANK.index)
            if src == "oov":
                pv = f.prev(a)
                entity = "LOCATION" if pv is not None and pv.lower in _PLACE_PREP else "PERSON"
                spans.append(result(entity, toks[a].start, toks[b].end, src, P_OOV))
                continue
            spans.append(result("PERSON", toks[a].start, toks[b].end, src, P_HONORIFIC if src == "honorific" else (P_NAME if src in ("name_list", "conj") else P_CUE)))
        if not _shouted(toks):
            spans.extend(_initials_speaking(text))
        return spans

    @staticmethod
    def _theme_name_acts(f: Features, i: int) -> bool:
        """In a text typed in lower case, the capitalised theme word at ``i`` is followed by "and" and another
        capitalised word, or by a verb in the past tense (after an adverb or not): "Mercy and Grace were",
        "Hope really carried"; not "Hope is", "Hope and hope".)"""
        toks = f.tokens
        nx = f.next(i)
        if nx is None:
            return False
        if nx.lower in ("and", "&"):  # both the subject of a verb: "Mercy and Grace were" (not "were Hope and Joy and")
            c = f.next(nx.i)
            return c is not None and c.cap and c.alpha and c.lower != "i" and f.next(c.i) is not None \
                and f.next(c.i).lower not in ("and", "&") and NameRecognizer._theme_name_acts(f, c.i)
        if nx.lower.endswith("ly") and nx.lower in words().eng["adv"] and f.next(nx.i) is not None:
            nx = f.next(nx.i)
        lo = nx.lower
        return lo in ("was", "were", "had", "did") or lo.endswith("ed") and _verbish(lo) \
            or lo in _IRREGULAR and _verbish(lo) and lo not in ("children", "women", "men", "people")

    def _possessive(self, f: Features, i: int) -> bool:
        """A possessor that is a name: "qiang's school", "mere's template" (a word that can be a name, not
        after a determiner, before a noun), "Haos school", "tahlias idea" (no apostrophe: the word without
        its s is a name, a surname or no English)."""
        toks = f.tokens
        t = toks[i]
        w = words()
        if i + 1 >= len(toks):
            return False
        nx = toks[i + 1]
        if nx.lower in lx.FILLER_WORDS or nx.lower in _FILLER_OPENERS:
            k = _after_fillers(f, i + 1)  # "Faadumo Husseins um speech"
            if k is not None and k != i + 1:
                nx = toks[k]
        nl = nx.lower
        noun = w.eng["noun"]
        if not nx.alpha or nl in w.stop or not (nl in noun or nl.endswith("s") and (nl[:-1] in noun or nl.endswith("ies")
                                                                                  and nl[:-3] + "y" in noun)) or nl in w.eng["adv"] \
                or nx.lower in ("been", "got", "gone", "going", "done", "had"):
            return False
        pv = f.prev(i)
        if pv is not None and (pv.lower in lx.DETERMINERS or pv.lower in ("last", "next", "this", "every", "today", "whole")
                               or pv.lower in w.eng["adj"] and pv.lower not in w.eng["noun"] and not _verbish(pv.lower)):
            return False  # "the group's idea", "Female healthcare's attitudes"
        if t.poss:
            if t.cap and not t.sent_init:
                return False  # the other rules see these
            lo = t.lower
            return slot_word(t, self.allow_words) and lo not in lx.POSSESSOR_NOT_NAMES and lo not in lx.ROLE_NOUNS and (
                named_word(lo) or _name_verb(lo) and lo not in w.ambiguous or lo in w.eng["noun"] and lo not in w.eng["vaa"] and len(lo) >= 3
                and lo not in lx.PEOPLE_AND_TIME_NOUNS
                and (pv is None or pv.lower in w.stop or _verbish(pv.lower) and pv.lower not in w.eng["noun"]
                     or pv.lower in ("used", "like", "love", "loved")))  # "qiang's school", not "client's medication",
            # "Female healthcare's attitudes"
        lo = t.lower
        if not (t.alpha and lo.endswith("s") and len(lo) >= 4) or f.next(i) is None or lo in w.stop:
            return False
        stem = lo[:-1]
        if lo in lx.INFORMAL_WORDS or stem in w.ambiguous or stem in self.allow_words or stem in lx.SLOT_NOT_NAMES or lo in w.eng["any"] \
                or _is_common(lo) and stem not in w.first and stem not in w.last and not rare_noun(stem):
            return False
        return named_word(stem) and nx.lower not in w.eng["adj"] and (nl in noun or _noun_or_plural(nl) and (
            stem in w.first or stem in w.last or rare_noun(stem)))  # "Haos school", "mohammeds notes", not "intraveneous
        # antibiotics"

    def _capital_noun(self, f: Features, t: Tok) -> bool:
        """In sentence case, a word capitalised mid-sentence that is a noun and nothing else, or a name, next to
        a pronoun or a verb of a person ("without Sky I would", "to have Sky in the room"): a name, not a
        capitalised common noun ("the Ambulance", "my Surgery")."""
        w = words()
        lo = t.lower
        p, nx = f.prev(t.i), f.next(t.i)
        if p is None or _compound_head(p, t) or p.lower in lx.DETERMINERS or p.lower in lx.PLACE_BEFORE and p.lower not in ("with", "to", "for", "without"):
            return False
        if lo in w.eng["adj"] or lo in w.eng["adv"] or lo.endswith(("ing", "ed")) or p.cap and not p.sent_init \
                or lo.endswith(("itis", "osis", "oma", "emia", "aemia", "pathy", "algia", "sia", "exia", "ism", "er", "ers")):
            return False  # "First Aider", "Aphasia", "Myeloma": a capitalised term, an illness, a doer
        return nx is not None and (nx.lower in ("i", "we", "you", "he", "she", "they", "who", "and", "in", "for", "about")
                                   or nx.lower in _SUBJECT_VERBS or nx.lower in lx.SLOT_SPEECH_AFTER)

    def _kin_name(self, f: Features, p: Tok, t: Tok) -> bool:
        """A title or kinship word before a lower-case word that can be a name ("uncle mere", "aunty qiang",
        "nan tahlia"), not a verb or adverb ("my nan always", "uncle passed") nor a noun the kinship word
        describes ("the aunty program": after "the", "a", "this", the old rules only)."""
        pp = f.prev(p.i)
        if pp is not None and pp.lower in lx.DETERMINERS and pp.lower not in ("my", "our", "your", "his", "her", "their", "what"):
            return False
        return slot_word(t, self.allow_words) and not _verbish(t.lower) and t.lower not in _HONORIFIC_COMPOUND

    def _lower_surname(self, toks, j: int) -> bool:
        t = toks[j]
        w = words()
        lo = t.lower
        if t.cap or not t.alpha or t.poss and False or lo in w.stop or lo in self.allow_words or lo in lx.INFORMAL_WORDS \
                or lo in lx.ORG_TAIL or lo in lx.PLACE_REGION_TAIL or lo in lx.CULTURAL_GROUPS or lo in w.countries \
                or lo in lx.MONTHS or lo in lx.DAYS or len(lo) < 2:
            if lo in _PARTICLES and j + 1 < len(toks) and not toks[j + 1].cap and toks[j + 1].alpha \
                    and toks[j + 1].lower not in w.stop and toks[j + 1].lower not in w.eng["vaa"]:
                return True  # "de luca", "te rangi", "al hassan"
            return False
        if lo.endswith("s") and len(lo) >= 4 and j + 1 < len(toks) and toks[j + 1].lower in w.eng["noun"] \
                and toks[j + 1].lower not in w.stop and toks[j + 1].lower not in w.eng["adj"] and toks[j + 1].lower not in w.eng["adv"] \
                and (unknown_word(lo[:-1]) or lo[:-1] in w.last or lo[:-1] in w.eng["noun"] and lo[:-1] not in w.eng["vaa"]):
            return True  # "ubah duales idea": a surname with its possessive s
        if lo in w.eng["vaa"] or lo in _IRREGULAR:
            return False
        return lo in w.last or name_like_lower(lo) or not _is_common_strict(lo)

    def _next_surname(self, f: Features, i: int) -> bool:
        nx = f.next(i)
        return nx is not None and _surname_like(nx) and (nx.lower in words().last or nx.lower in words().first) \
            and nx.lower not in self.allow_words


_STREET_TYPE_WORDS = frozenset(x.lower() for x in lx.STREET_TYPES.split("|"))
_SOURCE_RANK = ["honorific", "name_list", "conj", "cue", "oov"]
_HONORIFIC_COMPOUND = frozenset("""
program programme programs group groups circle circles session sessions figure figures role roles network day days
night nights lunch morning afternoon tea talk talks yarn yarns team mob list house flat visit visits time times
figurehead side support cooking story stories council camp
""".split())
_OBJECT_WORDS = frozenset("my your his her its our their the a an it us me them this that these those".split())
_PARTICLES = frozenset("de da di del della van von der den te al el bin binti ibn ben le la".split())
_PLACE_PREP = frozenset("in near around outside across throughout".split())


# --------------------------------------------------------------------------- organisations
_KNOWN_ORG_RE = re.compile(
    r"(?<![\w@.])(?:" + "|".join(re.escape(o) for o in sorted(lx.KNOWN_ORGS, key=len, reverse=True)) + r")(?![\w@])"
)
_NATION_WORDS = frozenset("cymru wales scotland alba ireland eire england uk britain australia aotearoa nz canada".split())
_KNOWN_ORG_LOWER = {o.lower() for o in lx.KNOWN_ORGS if o.islower()}
_CONNECT = frozenset({"of", "and", "&", "for", "the"})
_LOWER_OF_ORG = re.compile(r"\b(rural city|shire|city|borough|municipality) of ([a-z][a-z'’\-]+)(?: ([a-z][a-z'’\-]+))?")
_LOWER_SAINT_ORG = re.compile(r"\b(?:st|saint)\.? [a-z]+(?: [a-z]+)?['’]s (?:catholic )?(?:primary school|primary|secondary college|"
                              r"college|school|parish|church|kindergarten|kinder)\b")
# a prison named after its head words: "HM Prison Wandsworth", "HMP Belmarsh", "HMP & YOI Doncaster", "HMYOI Feltham"
# a saint's school, church or parish typed in lower case after a workplace verb and "at", with no head word:
# "i work at st brigids", "she teaches at saint john's", "we volunteer at st marys"
_LOWER_SAINT_AT = re.compile(r"\b(?:work|works|worked|working|teach|teaches|taught|teaching|volunteer|volunteers|"
                             r"volunteered|volunteering|placement|based|employed|study|studied|studying|attend|attends|"
                             r"attended)\s+at\s+((?:st|saint)\.? ([a-z]+)(?:['’]?s)?)(?![\w'’\-])")
_PRISON = re.compile(r"(?<![\w-])(?:HM\s+(?:Prison|Young\s+Offender\s+Institution|Remand\s+Centre)(?:\s+and\s+YOI)?|HMP(?:\s*(?:&|and)\s*YOI)?|HMYOI)"
                     r"\s+(?:[A-Z][a-z'’\-]+)(?:\s+(?!Prison\b)[A-Z][a-z'’\-]+){0,2}")
_LOWER_WOMENS_HEALTH = re.compile(r"\b([a-z][a-z'’\-]+) women['’]?s health\b")


class OrgRecognizer(_AllowWordsRecognizer):
    """Schools, councils, health services, universities, clubs, neighbourhood houses, acronyms."""

    ENTITY, NAME = "ORGANIZATION", "org_pattern"

    def analyze(self, text, entities, nlp_artifacts=None):
        f = features(text)
        toks = f.tokens
        w = words()
        out = []
        n = len(toks)
        for m in _KNOWN_ORG_RE.finditer(text):
            end = m.end()
            tail = re.match(r"\s+(Victoria|Vic|Australia|NSW|Tasmania|Queensland|[A-Z][a-z]+(?=\W|$))", text[end:])
            if tail and (tail.group(1) in ("Victoria", "Vic", "Australia", "NSW", "Tasmania", "Queensland")
                         or (tail.group(1).lower(),) in place_index()):
                end += tail.end()
            out.append(result("ORGANIZATION", m.start(), end, "known_org", P_ORG))
        out.extend(self._lower_case_orgs(text))
        if "HM" in text:
            for m in _PRISON.finditer(text):
                out.append(result("ORGANIZATION", m.start(), m.end(), "org_pattern", P_ORG))
        i = 0
        while i < n:
            t = toks[i]
            lo = t.lower
            # "City of Greater Bendigo", "University of Melbourne", "Centre for Non-Violence"
            if t.cap and lo in lx.ORG_HEAD_OF and i + 2 < n and toks[i + 1].lower in ("of", "for") \
                    and f.next(i) is not None and f.next(i + 1) is not None and toks[i + 2].cap:
                b = i + 2
                while b + 1 < n and f.next(b) is not None and (toks[b + 1].cap or toks[b + 1].lower in _CONNECT
                                                               and b + 2 < n and toks[b + 2].cap):
                    if toks[b + 1].lower in lx.PERSON_AFTER:
                        break
                    b += 1
                a = i
                # "Rural City of ...", "Hindu Council of Australia", "Ethnic Communities Council of Victoria"
                while a - 1 >= 0 and i - a < 3 and f.prev(a) is not None and toks[a - 1].cap \
                        and self._org_head_modifier(toks[a - 1]):
                    a -= 1
                out.append(result("ORGANIZATION", toks[a].start, toks[b].end, "org_pattern", P_ORG))
                i = b + 1
                continue
            # "Women's Health Goulburn North East"
            if (lo in ("womens",) or lo == "women" and t.poss) and t.cap and i + 2 < n and toks[i + 1].lower == "health" \
                    and f.gap(i, i + 1).strip() in ("", "'s", "’s") and f.next(i + 1) is not None and toks[i + 2].cap:
                b = i + 2
                while b + 1 < n and f.next(b) is not None and toks[b + 1].cap and toks[b + 1].lower not in lx.ORG_TAIL:
                    b += 1
                out.append(result("ORGANIZATION", t.start, toks[b].end, "org_pattern", P_ORG))
                i = b + 1
                continue
            if lo in lx.ORG_TAIL and (t.cap or self._lower_place_before(f, i) or self._slot_modifiers(f, i) is not None) \
                    or t.cap and lo in lx.ORG_HEAD_CAP and not t.sent_init and not (lo == "surgery" and _surgery_kind(f, i)):
                span = self._tail_org(f, i)
                if span:
                    a, b = span
                    out.append(result("ORGANIZATION", toks[a].start, toks[b].end, "org_pattern", P_ORG))
                    i = b + 1
                    continue
            i += 1
        out.extend(self._possessive_national(f))
        out.extend(self._workplace(f))
        # acronyms and CamelCase names
        shouted = _shouted(toks)
        for t in toks:
            lo = t.lower
            if lo in self.allow_words:
                continue
            p = f.prev(t.i)
            if t.upper and t.alpha and 2 <= len(t.text) <= 7 and t.text.upper() not in lx.ACRONYM_ALLOW \
                    and not re.fullmatch(r"[IVXLCDM]+", t.text):
                if shouted and _is_common(lo):
                    continue  # "MY NUMBER IS", "THE BEST PART", "OTHER SCHOOLS": words in an answer typed in capitals
                common = lo in w.stop or lo in w.eng["any"]
                if not common or (p is not None and p.lower in ("at", "from", "with", "for", "the", "our", "my", "via", "by")
                                  and lo not in w.stop and len(lo) >= 3):
                    out.append(result("ORGANIZATION", t.start, t.end, "acronym", P_ACRONYM))
                continue
            if t.alpha and re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]+", t.text) and not re.match(r"(Mc|Mac|O'|D')", t.text):
                out.append(result("ORGANIZATION", t.start, t.end, "acronym", P_ACRONYM))
                continue
            if t.alpha and not t.cap and 3 <= len(lo) <= 8 and p is not None and p.lower in ("at", "from", "with", "for", "of") \
                    and not _is_common(lo) and lo not in w.first and lo not in w.last \
                    and (not re.search(r"[aeiouy]", lo) or re.search(r"[^aeiouy]{4}", lo)):
                out.append(result("ORGANIZATION", t.start, t.end, "acronym", P_ACRONYM))
        return out

    def _workplace(self, f: Features) -> list:
        """Two or more capitalised words where someone works or volunteers: "she works at Safe Relationships",
        "I volunteer at the Kindred Roots Project" (the programme-phrase rule still lets "Aged Care" go); in an
        answer typed in capitals the name stops at a stop word or after an organisation word."""
        toks = f.tokens
        shouted = _shouted(toks)
        out = []
        for t in toks:
            if t.lower not in _WORK_VERBS:
                continue
            a = f.next(t.i)
            if a is None or a.lower != "at":
                continue
            b = f.next(a.i)
            if b is not None and b.lower == "the":
                b = f.next(b.i)
            if b is None or not (b.cap and b.alpha) or b.sent_init or b.lower in words().stop:
                continue
            k = b
            while True:
                nx = f.next(k.i)
                if nx is None or k.poss or not (nx.cap and nx.alpha) or nx.sent_init:
                    break
                if shouted and (nx.lower in words().stop or k.lower in lx.ORG_TAIL and _is_common(nx.lower)):
                    break  # typed in capitals: "HOLY TRINITY PRIMARY | SO WE HAVE", "BRIDGE CLUB | EVERY WEEK"
                k = nx
            if k.i > b.i:  # an allowed term ("Respectful Relationships") is let go later, whole
                out.append(result("ORGANIZATION", b.start, k.end, "org_pattern", P_ORG))
        return out

    def _possessive_national(self, f: Features) -> list:
        """A possessive name before a nation's name is an organisation's branch, redacted whole:
        "Barnardo's Cymru", "Women's Aid Scotland" is the other rules' ("Sarah's Australia" never occurs)."""
        toks = f.tokens
        out = []
        for t in toks[:-1]:
            nx = toks[t.i + 1]
            if t.cap and t.poss and nx.cap and nx.lower in _NATION_WORDS and f.text[t.end:nx.start] in ("'s ", "’s ") \
                    and t.lower not in words().stop and t.lower not in self.allow_words:
                out.append(result("ORGANIZATION", t.start, nx.end, "org_pattern", P_ORG))
        return out

    def _lower_case_orgs(self, text: str) -> list:
        """Organisations typed in lower case: "shire of merri creek", "st columba's college",
        "inglewood women's health" (the name word no ordinary English word, or a known place)."""
        out = []
        w = words()

        def namey(word: str) -> bool:
            return word not in w.stop and word not in self.allow_words and (not _is_common(word) or (word,) in place_index())

        def of_name(word: str) -> bool:
            # "shire of riverside", "city of lakeside": a noun names the council too (not "the city of dreams")
            return namey(word) or word not in w.stop and word not in self.allow_words and word not in lx.INFORMAL_WORDS \
                and word in w.eng["noun"] and word not in w.eng["adj"] and not word.endswith(_ABSTRACT_SUFFIX) \
                and not (word.endswith("s") and word[:-1] in w.eng["any"]) and word not in lx.SLOT_NOT_NAMES

        for m in _LOWER_OF_ORG.finditer(text):
            if of_name(m.group(2)) or m.group(3) and (m.group(3) in lx.PLACE_REGION_TAIL or m.group(3) in _PLACE_WORDS) \
                    and m.group(2) not in w.stop and m.group(2) not in lx.DETERMINERS:
                end = m.end(2)
                if m.group(3) and (m.group(3) in lx.PLACE_REGION_TAIL or m.group(3) in lx.COMPASS or namey(m.group(3))
                                   or m.group(3) in _PLACE_WORDS):
                    end = m.end(3)
                out.append(result("ORGANIZATION", m.start(), end, "org_pattern", P_ORG))
        for m in _LOWER_SAINT_ORG.finditer(text):
            out.append(result("ORGANIZATION", m.start(), m.end(), "org_pattern", P_ORG))
        for m in _LOWER_SAINT_AT.finditer(text):
            if m.group(2) not in w.stop and m.group(2) not in lx.INFORMAL_WORDS:
                out.append(result("ORGANIZATION", m.start(1), m.end(1), "org_pattern", P_ORG))
        for m in _LOWER_WOMENS_HEALTH.finditer(text):
            if namey(m.group(1)):
                out.append(result("ORGANIZATION", m.start(), m.end(), "org_pattern", P_ORG))
        return out

    def _lower_place_before(self, f: Features, i: int) -> bool:
        """Lower-case org names: "bendigo health", "ballarat community health"."""
        a = i - 1
        while a >= 0 and f.next(a) is not None and (f.tokens[a].lower in lx.ORG_TAIL | lx.ORG_GENERIC or a < i - 1
                                                    and f.tokens[a].lower in lx.PLACE_REGION_TAIL) and not f.tokens[a].cap:
            a -= 1
        if a < 0 or f.tokens[a].cap or f.next(a) is None:
            return False
        lo = f.tokens[a].lower
        if not _is_common(lo) and len(lo) >= 4 and lo not in self.allow_words and lo not in lx.INFORMAL_WORDS:
            return True  # "kurnai football club": a word that is no English before an organisation word
        return (lo,) in place_index() and not _is_common(lo) and lo not in words().first and len(lo) >= 4

    @staticmethod
    def _org_head_modifier(t: Tok) -> bool:
        """A capitalised word that can open an "X Council of ..." name: a cultural group, "Rural", "Greater",
        or a word that is no stop word nor a common word opening the sentence."""
        lo = t.lower
        return lo in lx.CULTURAL_GROUPS or lo in ("rural", "greater") or (
            lo not in words().stop and not (t.sent_init and _is_common(lo)) and lo not in lx.ORG_GENERIC)

    def _tail_org(self, f: Features, i: int):
        toks = f.tokens
        w = words()
        n = len(toks)
        lower_mode = not toks[i].cap
        b = i
        while b + 1 < n and f.next(b) is not None and (toks[b + 1].lower in lx.ORG_TAIL or toks[b + 1].cap
                                                       and toks[b + 1].lower in lx.ORG_HEAD_CAP) and (toks[b + 1].cap or lower_mode):
            b += 1
        if not lower_mode:
            b = self._of_tail(f, b)
        a = i
        while a - 1 >= 0:
            pv = toks[a - 1]
            gap = f.gap(a - 1, a)
            g = gap.strip()
            if g == "&" and not lower_mode and pv.cap and not pv.poss and pv.lower not in w.stop and pv.lower not in lx.ORG_GENERIC:
                a -= 1  # "Murray & Sons Builders"
                continue
            if not (g in ("", "-") and not pv.poss or pv.poss and pv.cap and g in ("'s", "’s", "'", "’")):
                break
            if lower_mode:
                if pv.cap or not pv.alpha or pv.lower in w.stop or not (pv.lower in lx.ORG_TAIL or pv.lower in lx.ORG_GENERIC or ((pv.lower,) in place_index() and not _is_common(pv.lower))
                                                        or pv.lower in lx.PLACE_REGION_TAIL and a - 2 >= 0 and not _is_common(toks[a - 2].lower)
                                                        or not _is_common(pv.lower) and pv.lower not in self.allow_words
                                                        and pv.lower not in lx.INFORMAL_WORDS):
                    break
                a -= 1
                continue
            if pv.cap or not pv.alpha and pv.text[:1].isupper():
                if pv.sent_init and (pv.lower in w.stop or pv.lower in ("like", "thanks", "at", "from", "with")) and pv.lower not in ("st",):
                    break
                if pv.lower in w.stop and pv.lower not in ("st",) and _title_case(toks):
                    break  # an answer typed in Title Case: "We Met At The Hub", "Staff At Parkway Medical"
                if pv.lower in lx.HONORIFICS and pv.lower not in ("st",):
                    break
                a -= 1
                continue
            if not pv.alpha and re.fullmatch(r"[A-Z]-?\d+|P-\d+|\d+-\d+", pv.text):
                a -= 1
                continue
            if pv.lower in ("of", "and", "&", "for") and a - 2 >= 0 and toks[a - 2].cap and f.gap(a - 2, a - 1).strip() == "":
                a -= 1
                continue
            break
        while a < i and toks[a].lower in _CONNECT:
            a += 1
        name_words = [t for t in toks[a:b + 1] if t.lower not in lx.ORG_TAIL and t.lower not in lx.ORG_GENERIC
                      and t.lower not in lx.ORG_HEAD_CAP
                      and t.lower not in self.allow_words and t.lower not in ("focus", "working", "reference", "steering", "advisory", "support", "peer", "parent", "parents", "play", "playgroup", "staff", "student", "students", "cop", "prevention", "year", "term")]
        if lower_mode:
            a2 = self._slot_modifiers(f, i, b)
            if a2 is not None and a2 <= a:
                # "lakeside kindergarten", "ferntree gully primary school": ordinary words naming a school,
                # council or club, in a place only an organisation fits ("at", "go to", "through the")
                return a2, b
        if not name_words:
            return None
        if all(t.lower in lx.ORG_TAIL_WEAK for t in toks[i:b + 1]) and b - a < 1:
            return None
        if lower_mode and b == i and toks[i].lower in lx.ORG_TAIL_WEAK and all(_is_common(t.lower) for t in name_words):
            return None  # "the support service"; not "wattlebury family violence service"
        return a, b

    @staticmethod
    def _of_tail(f: Features, b: int) -> int:
        """"of" and the capitalised words after a capitalised organisation word belong to its name:
        "Free Wesleyan Church of Tonga" (not "the Hub of the week", lower case)."""
        toks = f.tokens
        k = b + 1
        if k + 1 < len(toks) and toks[k].lower == "of" and f.next(b) is not None and f.next(k) is not None:
            e = k
            while e + 1 < len(toks) and f.next(e) is not None and toks[e + 1].cap and not toks[e + 1].sent_init \
                    and toks[e + 1].lower not in words().stop and toks[e + 1].lower not in lx.PERSON_AFTER:
                e += 1
            if e > k:
                return e
        return b

    def _slot_modifiers(self, f: Features, i: int, b: int | None = None) -> int | None:
        """Lower-case words before a school, council or club word that name it ("lakeside kindergarten",
        "yarra ranges council"): one or two nouns, no generic word among them ("boarding school", "local
        council", "book club" stay), right after a word that takes an organisation ("at", "to", "from",
        "through the", "joined"). Returns the index of the first word, or None."""
        toks = f.tokens
        w = words()
        if b is None:
            b = i
            while b + 1 < len(toks) and f.next(b) is not None and toks[b + 1].lower in lx.ORG_TAIL and not toks[b + 1].cap:
                b += 1
        if any(t.cap for t in toks[i:b + 1]):
            return None
        generic_before = 0
        if not any(t.lower in _NAMED_HEADS for t in toks[i:b + 1]):
            # "riverside family services", "karingal neighbourhood house", "blackburn men's shed": a service word
            # after a word that says whose service it is; the name stands before that word
            while generic_before < 2 and i - generic_before - 1 >= 0 and f.next(i - generic_before - 1) is not None \
                    and toks[i - generic_before - 1].lower in _GENERIC_OWNERS and not toks[i - generic_before - 1].cap:
                generic_before += 1
            place_before = i >= 1 and f.next(i - 1) is not None and not toks[i - 1].cap \
                and (toks[i - 1].lower in lx.PLACE_REGION_TAIL or toks[i - 1].lower in _PLACE_WORDS)
            if not (generic_before or place_before) or toks[i].lower not in _SERVICE_HEADS:
                return None  # "stony creek health": a place's name before a service word names it
        nb = f.next(b)
        if nb is not None and nb.alpha and nb.lower in w.eng["noun"] and nb.lower not in w.stop and not _verbish(nb.lower):
            return None  # "primary prevention", "school council meeting": the words describe something else
        a = i - generic_before
        while a - 1 >= 0 and f.next(a - 1) is not None and toks[a - 1].lower in lx.ORG_TAIL and not toks[a - 1].cap \
                and toks[a - 1].lower not in _NAMED_HEADS:
            a -= 1  # "football" in "lakeside football club"
        k = 0
        while a - 1 >= 0 and toks[a - 1].poss and toks[a - 1].lower in ("men", "women", "children") and not toks[a - 1].cap \
                and not f.gap(a - 1, a).strip().strip("'’s"):
            a -= 1  # "men's" in "seaview men's shed"
        g = 0
        while g < 2 and a - 1 >= 0 and f.next(a - 1) is not None and not toks[a - 1].cap \
                and toks[a - 1].lower in ("city", "community", "regional", "district", "catholic", "christian", "uniting",
                                          "anglican", "independent", "primary", "secondary", "junior", "senior", "youth",
                                          "football", "footy", "netball", "cricket", "soccer", "bowls", "tennis", "rugby",
                                          "hockey"):
            a -= 1  # "lakeside city council", "northgate community kindergarten"
            g += 1
        while k < 2 and a - 1 >= 0 and f.next(a - 1) is not None:
            pv = toks[a - 1]
            lo = pv.lower
            if (lo in lx.PLACE_REGION_TAIL or lo in _PLACE_WORDS) and not pv.cap and k == 0:
                a -= 1  # "yarra ranges council", "merri creek shire council"
                k += 1
                if a - 1 >= 0 and f.next(a - 1) is not None and toks[a - 1].alpha and not toks[a - 1].cap \
                        and toks[a - 1].lower not in w.stop and toks[a - 1].lower not in lx.DETERMINERS \
                        and toks[a - 1].lower not in lx.ORG_MODIFIERS_NOT_NAMES and toks[a - 1].lower not in lx.FILLER_WORDS \
                        and not _verbish(toks[a - 1].lower):
                    a -= 1  # "stony creek", "kangaroo flat": any word names the creek
                    k += 1
                continue
            if lo in lx.COMPASS and not pv.cap and k >= 1:
                a -= 1  # "nth ballarat footy club": the compass word is the town's
                k += 1
                break
            if pv.cap or not pv.alpha or lo in w.stop or lo in self.allow_words or lo in lx.INFORMAL_WORDS \
                    or lo in lx.ORG_GENERIC or lo in lx.ORG_MODIFIERS_NOT_NAMES or lo in lx.DETERMINERS \
                    or lo in lx.ORG_TAIL or lo in lx.FILLER_WORDS or lo in lx.CULTURAL_GROUPS or lo in lx.MONTHS or lo in lx.DAYS \
                    or (lo in w.eng["adj"] or lo in w.eng["adv"] or _verbish(lo)) and lo not in w.eng["noun"] \
                    or _verbish(lo) and lo.endswith(("ing", "ed")) \
                    or lo.endswith("s") and lo not in lx.PLACE_REGION_TAIL and lo[:-1] in w.eng["any"]:
                break
            a -= 1
            k += 1
        if k == 0:
            return None
        pv = f.prev(a)
        if pv is not None and pv.lower == "the":
            pv = f.prev(pv.i)
        if pv is None and (toks[a].sent_init or a == 0) and (generic_before or any(t.lower in _NAMED_HEADS for t in toks[i:b + 1])):
            return a  # opening a sentence: "lakeside primary school has been great"
        if pv is None or pv.lower not in lx.ORG_SLOT_BEFORE and not (pv.lower.endswith("ing") and _verbish(pv.lower)):
            return None  # "at", "through the", "hoping", "visiting"
        return a


# --------------------------------------------------------------------------- places
_STREET_WORD = r"(?:Mc|Mac|O['’]|D['’]|De|Di|Da|La|Le|Van|Von)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
_ADDRESS_RE = re.compile(
    r"\b\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)?\s+(?:" + _STREET_WORD + r"\s+){1,3}(?i:" + lx.STREET_TYPES + r")\b\.?"
    r"(?:,?\s+(?:[A-Z][a-z'’]+)(?:\s+[A-Z][a-z'’]+){0,2}(?:,\s+(?:[A-Z][a-z'’]+)(?:\s+[A-Z][a-z'’]+){0,2})?)?"
    r"(?:,?\s+(?:VIC|NSW|QLD|SA|WA|TAS|NT|ACT|Vic))?(?:,?\s+\d{4})?"
)
# Welsh, Irish and Scottish Gaelic streets put the street word first ("14 Ffordd Penrhos", "7 Heol y Bryn",
# "12 Bóthar na Trá" (the recognisers read it without accents), "5 Sràid na h-Eaglaise")
_STREET_FIRST_TYPES = "heol|stryd|ffordd|lon|rhodfa|cilgant|teras|bothar|sraid|ascaill|lana|ceide|rathad"
_ADDRESS_TYPE_FIRST_RE = re.compile(
    r"(?<![\w./\-])\d{1,4}[A-Za-z]?,?\s+(?i:" + _STREET_FIRST_TYPES + r")\s+(?:(?:y|yr|na|an|nan|ny|ar|a['’]|'r)\s+)?"
    + r"(?:h-)?" + _STREET_WORD + r"(?:\s+(?:(?:y|yr|na|an)\s+)?" + _STREET_WORD + r")?")
# a unit in a business park or an industrial estate ("Unit 5, Riverside Business Park", "Suite 4, Harbourside
# Business Centre"): one span, or the unit and its comma would survive beside the park's name
_UNIT_IN_ESTATE = re.compile(r"\b(?i:unit|suite|ste|block|building)\s*\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z'’]+\s+){1,3}"
                             r"(?:Business|Industrial|Trading|Retail|Enterprise|Technology|Science)"
                             r"\s+(?:Park|Estate|Centre|Center|Village|Quarter)\b")
# the parts around a street address: a flat, unit or suite ("Flat 3, 27 ...", "..., Suite 210"), a post-office box,
# a US state's zip code ("MA 01103"), a Dublin postal district ("Dublin 10")
_UNIT_BEFORE = re.compile(r"\b(?i:flat|apt|apartment|unit|suite|ste|level|lvl|shop)\.?\s*(?:\d{1,5}[A-Za-z]?,?\s+|(?=\d{1,5}[A-Za-z]?/\d))(?=\d)")
_UNIT_AFTER = re.compile(r",?\s*(?i:flat|apt|apartment|unit|suite|ste|level|lvl)\.?\s*#?\d{1,5}[A-Za-z]?(?![\w/])")
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|(?i:post\s+office\s+box|private\s+bag|locked\s+bag))\s+\d{1,6}(?![\w/])")
_US_ZIP = re.compile(r"\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT"
                     r"|V[AT]|W[AIVY])\s+\d{5}(?:-\d{4})?(?![\w/\-])")
_DUBLIN_DISTRICT = re.compile(r"\bDublin\s+(?:[1-9]|1[0-9]|2[0-4]|6W)(?![\w/\-])")
# the same typed in lower case: "12 smith st", "3/237 wellington road" (not "a 3 hour drive")
_ADDRESS_LOWER_RE = re.compile(
    r"(?<![\w./\-])\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?\s+((?:[a-z][a-z'’\-]+\s+){1,2})(?:" + lx.STREET_TYPES.lower() + r")\b\.?")
_NOT_STREET = frozenset("""
hour hours minute minutes min mins second seconds day days week weeks month months year years time times km kms
kilometre kilometres metre metres meter meters mile miles k hr hrs year-old the a an of and or to in on at my our
""".split())
# a UK postcode ("S10 2TN", "SW1A 1AA"): upper case, outward code, space optional, inward code
_UK_POSTCODE_RE = re.compile(r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])")
# the first half of a UK postcode alone ("BS3", "the G42 area", "we cover LS8"): a real postcode area and a
# district number, where a place is meant (see :func:`outward_codes`)
_POSTCODE_AREAS = frozenset("""
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL
GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX
PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR
WS WV YO ZE
""".split())
_OUTWARD = re.compile(r"(?<![\w\-/.])([A-Z]{1,2})(\d{1,2}[A-Z]?)(?![\w\-/]|\.\d)")
_OUTWARD_BEFORE = re.compile(r"(?i:\b(?:in|cover|covers|covered|covering|around|near|across|within|from|postcodes?|"
                             r"post\s+codes?|based|live|lives|living)\s+(?:the\s+)?)$")
_OUTWARD_AFTER = re.compile(r"\s+(?i:area|areas|postcode|postcodes|post\s+code|district|patch|estates?)\b")
_OUTWARD_STRONG_BEFORE = re.compile(r"(?i:\bpost\s*codes?:?\s+)$")
_OUTWARD_LIST = re.compile(r"^(?:\s*,\s*|\s+(?:and|or|&)\s+|\s*/\s*|\s*,\s*(?:and|or)\s+)$")
_OUTWARD_NOT_BEFORE = re.compile(r"(?i:\b(?:(?:vitamin|vitamins|the|level|levels|grade|year|years|room|junction|band|"
                                 r"key\s+stage)\s+|(?:rich|high|low|deficient|deficiency|levels?)\s+in\s+))$")


def outward_codes(text: str) -> list[tuple[int, int]]:
    """The outward half of a UK postcode standing alone where a place is meant: after "in", "cover(ing)",
    "around", "near", "from", "postcode" or before "area"/"postcode"/"district" ("the G42 area",
    "families in BS3 and BS4", "we cover LS8"); a code after "and"/"or"/"," next to one found is found too.
    A one-letter area with one digit (S4, M6, L3, B2: a school year, a motorway, a level) needs "area" or
    "postcode" beside it; "vitamin B12", "the M25", "Level 3" are no places."""
    out: list[tuple[int, int]] = []
    last_end = -1
    for m in _OUTWARD.finditer(text):
        area, district = m.group(1), m.group(2)
        if area not in _POSTCODE_AREAS:
            continue
        before = text[max(0, m.start() - 40):m.start()]
        strong = bool(_OUTWARD_AFTER.match(text, m.end()) or _OUTWARD_STRONG_BEFORE.search(before))
        listed = last_end >= 0 and bool(_OUTWARD_LIST.match(text[last_end:m.start()]))
        cued = bool(_OUTWARD_BEFORE.search(before)) and not _OUTWARD_NOT_BEFORE.search(before)
        if len(area) == 1 and len(district) == 1 and not strong and not listed:
            continue
        if strong or listed or cued:
            out.append((m.start(), m.end()))
            last_end = m.end()
    return out


# an Australian postcode right after a place ("Bendigo 3550", "Bendigo, 3550") or a state ("VIC 3550")
_POSTCODE_AFTER_PLACE = re.compile(r",?\s(\d{4})(?![\w/\-]|\.\w|\s*(?:%|per\s?cent|people|students|staff|kids|km|hours|members))")
# (a full stop after the postcode ends the sentence: "... Bendigo VIC 3550.")
_POSTCODE_AFTER_STATE = re.compile(r"\b(?:VIC|Vic|NSW|QLD|Qld|SA|WA|TAS|Tas|NT|ACT)\.?,?\s+(\d{4})(?![\w/\-]|\.\w)")
_PLACE_FOLLOW_RE = frozenset(lx.PLACE_FOLLOW)
# a numbered ward, bay, bed or room ("Ward 7", "ward 12B", "Bay 3", "Room 4"), with the hospital it is in when
# one follows ("Ward 7 at St Mary's", "Bay 2 at Leeds General Infirmary"): the number says where a person was
_HOSPITAL_AFTER = (r"(?:\s+(?:at|in|of)\s+(?:the\s+)?(?:(?:St\.?|Saint)\s+[A-Z][a-z'’]+(?:['’]s)?(?:\s+(?:Hospital|Infirmary))?"
                   r"|(?:[A-Z][a-z'’]+\s+){1,3}(?:Hospital|Infirmary|Clinic|Hospice)))?")
# the number or letter ("12B", "C", "A2"; not "I", "A" alone: "on the ward I felt safe"), no count of time after it
_UNIT_ID = (r"(?:(?i:no)\.?\s*)?(?:\d{1,3}[A-Za-z]?|[B-HJ-Z]\d{0,2}|[AI]\d{1,2})(?![\w-])"
            r"(?!\s*(?:hours?|hrs?|mins?|minutes?|days?|weeks?|months?|years?|times?|am|pm|o['’]clock|people|%|percent)\b)")
_WARD_NUMBER = re.compile(r"(?<![\w-])(?i:ward)\s+" + _UNIT_ID + _HOSPITAL_AFTER)
_ROOM_NUMBER = re.compile(r"(?<![\w-])(?i:bay|bed|room|cubicle|side room|classroom|pod)\s+" + _UNIT_ID + _HOSPITAL_AFTER)
# a bay, bed or room number is a place in a hospital's or a school's text only (not "room 4" of a venue)
_WARD_CONTEXT = re.compile(r"\b(?:hospitals?|wards?|nurses?|patients?|doctors?|clinic|a&e|surgery|infirmary|icu|hdu|"
                           r"maternity|matron|consultant|school|class|teachers?|pupils?|students?|classroom)\b", re.I)
# a ward named by a word ("Rowan Ward", "Oak Ward") after a word that takes a place: "on Rowan Ward"
_NAMED_WARD_BEFORE = frozenset("on to onto off from in at".split())


def toks_cap_word(t: Tok) -> bool:
    """A capitalised word that is no function word ("Rowan", "Oak"; not "The", "My")."""
    return t.cap and t.alpha and not t.upper and t.lower not in words().stop


class PlaceRecognizer(_AllowWordsRecognizer):
    """Australian towns, suburbs and regions from the gazetteer, street addresses and region phrases."""

    ENTITY, NAME = "LOCATION", "gazetteer"

    def _risky(self, lo: str) -> bool:
        w = words()
        return (lo in w.eng["any"] or lo in w.first or lo in w.stop or lo in lx.STRONG_COMMON
                or lo in self.allow_words or lo in w.countries or lo in lx.CULTURAL_GROUPS or lo in lx.MONTHS or lo in lx.DAYS)

    def _lower_town_word(self, lo: str, verb_ok: bool = False) -> bool:
        """A town's name typed in lower case that is also a rare English noun ("maldon"): a noun and
        nothing else (or a verb too, after "from" or "in": "from trundle"), no census first name, not an
        everyday word of this sector."""
        w = words()
        return len(lo) >= 5 and (lo in w.eng["noun"] or verb_ok) and lo not in w.eng["adj"] and lo not in w.eng["adv"] \
            and (lo not in w.eng["verb"] or verb_ok and not lo.endswith(("ing", "ed"))) and lo not in w.first and lo not in w.stop \
            and lo not in lx.SLOT_NOT_NAMES and lo not in self.allow_words and lo not in lx.INFORMAL_WORDS \
            and lo not in lx.STRONG_COMMON and lo not in lx.ORG_TAIL and lo not in lx.PLACE_REGION_TAIL \
            and lo not in w.countries and lo not in lx.CULTURAL_GROUPS and not lo.endswith(_ABSTRACT_SUFFIX) \
            and lo not in lx.LOWER_CITY_NOT

    def _lower_name_town(self, lo: str) -> bool:
        """A town's name typed in lower case that is no English word but a census name ("moe", "yea", "nhill"):
        a place where only a place fits ("down in moe", "out to nhill"); a name anywhere else."""
        w = words()
        return len(lo) >= 3 and lo not in w.eng["any"] and not _is_common(lo) and lo not in w.stop \
            and lo not in lx.INFORMAL_WORDS and lo not in self.allow_words and lo not in lx.FILLER_WORDS \
            and lo not in w.countries and lo not in lx.CULTURAL_GROUPS and lo not in lx.MONTHS and lo not in lx.DAYS

    def _place_slot(self, f: Features, i: int) -> bool:
        """Token ``i`` stands where only a place fits: "in X", "to X", "from X", "near X", "out in X"
        with nothing after it that would make it a common noun (a noun or "of")."""
        p = f.prev(i)
        if p is None or p.lower not in ("in", "to", "from", "near", "around", "outside", "via", "towards"):
            return False
        return self._nothing_nominal_after(f, i)

    def _nothing_nominal_after(self, f: Features, i: int) -> bool:
        """Nothing follows token ``i`` that would make it a common noun: the end, punctuation, a function word
        (not "of"), a filler, a day, a word of time, an adverb or a verb."""
        n = f.next(i)
        if n is None:
            return True
        w = words()
        return n.lower in w.stop and n.lower not in ("of",) or n.lower in lx.FILLER_WORDS or n.lower in lx.DAYS \
            or n.lower in ("last", "next", "yesterday", "today", "tomorrow") \
            or n.lower.endswith("ly") and n.lower in w.eng["adv"] \
            or n.lower.endswith("s") and _verbish(n.lower) and n.lower not in w.eng["noun"]

    def _world_cities(self, f: Features) -> list:
        """A city abroad whose name is also an English word, capitalised mid-sentence where only a place fits
        ("I live in Auckland.", "moved here from Reading last year"; not "in Reading Recovery")."""
        w = words()
        out = []
        for t in f.tokens:
            if not t.cap or t.upper or t.lower not in w.cities or t.lower in self.allow_words or t.lower in lx.STRONG_COMMON:
                continue
            if not t.sent_init and self._place_slot(f, t.i) or self._dated_place(f, t.i):
                out.append(result("LOCATION", t.start, t.end, "world_city", P_PLACE))
        return out

    def _dated_place(self, f: Features, i: int) -> bool:
        """A capitalised town of 50,000 people or more right before a year ("Auckland 2025", "the Wellington
        2024 hui"): a noun and nothing else, no first name (not "Reading 2024", "Vision 2030")."""
        t = f.tokens[i]
        n = f.next(i)
        lo = t.lower
        return t.cap and not t.upper and n is not None and _YEAR.fullmatch(n.text) is not None \
            and _town_population(lo) >= lx.LOWER_CITY_MIN_POPULATION and lo not in words().eng["vaa"] \
            and lo not in lx.LOWER_CITY_NOT and self._ordinary_city_word(lo)

    def _big_town_word(self, lo: str) -> bool:
        """A town of 100,000 people or more whose name, typed in lower case, is no everyday word: no English word
        or a noun and nothing else, no first name ("perth", "brisbane", "auckland"; not "reading", "bath", "nice")."""
        w = words()
        return len(lo) >= 4 and _town_population(lo) >= _BIG_TOWN and lo not in w.eng["vaa"] and lo not in w.first \
            and lo not in lx.LOWER_CITY_NOT and self._ordinary_city_word(lo)

    def _lower_big_towns(self, f: Features) -> list:
        """A big town typed in lower case where a place fits and a common noun would want a determiner: the subject
        opening a sentence or a clause, before a verb ("perth was hard", "and brisbane had the most people"), or the
        object of a verb of visiting, leaving or missing ("i visited auckland", "we left perth in 2019")."""
        out = []
        for t in f.tokens:
            if t.cap or not t.alpha:
                continue
            p, n = f.prev(t.i), f.next(t.i)
            subject = (t.sent_init or p is not None and p.lower in _CLAUSE_OPENERS) and n is not None \
                and n.lower in _PLACE_SUBJECT_VERBS
            obj = p is not None and p.lower in _PLACE_OBJECT_VERBS and self._nothing_nominal_after(f, t.i)
            if (subject or obj) and self._big_town_word(t.lower):
                out.append(result("LOCATION", t.start, t.end, "world_city", P_PLACE))
        return out

    def _lower_world_cities(self, f: Features) -> list:
        """A city abroad typed in lower case right after a place's preposition ("i live in auckland",
        "moved from leeds to bristol"): a city of 50,000 people or more whose word is a noun and nothing else
        and no everyday noun ("in paradise", "for sale"); after a verb of living or moving ("lived in bath",
        "moved to hull") a noun that is also a verb counts. Never "in reading the notes", "from bath time"
        (:meth:`_place_slot` wants no noun after it), nor a first name or an adjective ("in nice weather")."""
        w = words()
        pop = lx.world_city_population()
        out = []
        for t in f.tokens:
            lo = t.lower
            if t.cap or lo not in w.cities or pop.get(lo, 0) < lx.LOWER_CITY_MIN_POPULATION or len(lo) < 4 \
                    or lo in lx.LOWER_CITY_NOT or not self._place_slot(f, t.i) or not self._ordinary_city_word(lo):
                continue
            if lo in w.eng["vaa"]:
                p = f.prev(t.i)
                pp = f.prev(p.i) if p is not None else None
                if lo in w.eng["adj"] or lo in w.eng["adv"] or lo.endswith(("ing", "ed")) \
                        or pp is None or pp.lower not in lx.PLACE_VERBS:
                    continue
            out.append(result("LOCATION", t.start, t.end, "world_city", P_PLACE))
        return out

    def _wards(self, f: Features) -> list:
        """Hospital wards, bays, beds and rooms: numbered ("Ward 7", "Bay 3" where the text is about a hospital
        or a school) or named by a capitalised word after "on", "to", "from" ("on Rowan Ward", "to Oak Ward"),
        a place whole (not "Ward" the surname, the number left to read)."""
        text = f.text
        out = []
        if _ANY_DIGIT.search(text) or re.search(r"(?i:ward|bay|bed|room|pod)\s+[B-HJ-Z]\b", text):
            for m in _WARD_NUMBER.finditer(text):
                out.append(result("LOCATION", m.start(), m.end(), "ward", P_ADDRESS))
            if _WARD_CONTEXT.search(text):
                for m in _ROOM_NUMBER.finditer(text):
                    out.append(result("LOCATION", m.start(), m.end(), "ward", P_ADDRESS))
        for t in f.tokens:
            if t.text != "Ward" or t.i < 2 or f.prev(t.i) is None:
                continue
            a = t.i - 1
            if a - 1 >= 1 and f.prev(a) is not None and toks_cap_word(f.tokens[a - 1]):
                a -= 1
            pv = f.prev(a)
            if not all(toks_cap_word(x) for x in f.tokens[a:t.i]) or pv is None:
                continue
            if pv.lower == "the":
                pv = f.prev(pv.i)
            if pv is not None and pv.lower in _NAMED_WARD_BEFORE:
                out.append(result("LOCATION", f.tokens[a].start, t.end, "ward", P_ADDRESS))
        return out

    def _ordinary_city_word(self, lo: str) -> bool:
        """No first name, function word or word this sector uses for something else."""
        w = words()
        return lo not in w.first and lo not in w.stop and lo not in self.allow_words and lo not in lx.STRONG_COMMON \
            and lo not in lx.INFORMAL_WORDS and lo not in lx.SLOT_NOT_NAMES and lo not in w.countries \
            and lo not in lx.CULTURAL_GROUPS and lo not in lx.MONTHS and lo not in lx.DAYS and lo not in _GENERIC_THE \
            and lo not in _PLACE_WORDS and lo not in lx.ORG_TAIL and lo not in lx.PLACE_REGION_TAIL \
            and not lo.endswith(_ABSTRACT_SUFFIX)

    def _list_end(self, f: Features, j: int) -> bool:
        """Token ``j`` ends a list of towns: nothing after it, or a word of time or place ("next year", "in May")."""
        n = f.next(j)
        return n is None or n.lower in _AFTER_TOWN_LIST or n.lower in lx.DAYS or n.lower in lx.MONTHS

    def _after_place_verbs(self, f: Features) -> list[int]:
        """Capitalised words where only a town fits, whatever else they mean: right after a verb of living or
        moving and its preposition, or "out" / "down" / "over" and "in" / "at" ("moved to Young", "grew up in Hope",
        "out at Hope"; not "reached out to Hope"), with nothing after them that makes them a common noun ("in Hope
        of", "moved to Term 3")."""
        w = words()
        out = []
        for t in f.tokens:
            lo = t.lower
            if not t.cap or not t.alpha or t.upper or t.sent_init or t.poss or t.i < 2 or lo in w.stop \
                    or lo in self.allow_words and (lo not in w.first or lo in _WHOLE_ALLOW) or lo.upper() in lx.ACRONYM_ALLOW \
                    or lo in lx.MONTHS or lo in lx.DAYS or _calendar_slip(lo) or lo in w.countries \
                    or lo in lx.CULTURAL_GROUPS or lo in lx.ORG_TAIL or lo in lx.ROLE_NOUNS:
                continue
            p = f.prev(t.i)
            pp = f.prev(p.i) if p is not None else None
            if p is None or pp is None or p.lower not in ("in", "to", "at", "near", "from") \
                    or pp.lower not in lx.PLACE_VERBS and (pp.lower not in _OUT_AT or p.lower not in ("in", "at")):
                continue
            n = f.next(t.i)
            if n is not None and (n.cap or n.lower in ("of", "for", "that") or not self._nothing_nominal_after(f, t.i)):
                continue
            out.append(t.i)
        return out

    def _place_context(self, f: Features, a: int, b: int) -> bool:
        p = f.prev(a)
        if p is not None and p.lower in lx.PLACE_BEFORE:
            return True
        if p is not None and p.lower == "the" and a >= 2 and f.tokens[a - 2].lower in lx.PLACE_BEFORE:
            return True
        nx = f.next(b)
        if nx is not None and nx.lower in _PLACE_FOLLOW_RE:
            return True
        return False

    def analyze(self, text, entities, nlp_artifacts=None):
        f = features(text)
        toks = f.tokens
        w = words()
        out = []
        for m in _ADDRESS_RE.finditer(text):
            out.append(result("LOCATION", m.start(), m.end(), "address", P_ADDRESS))
            for after in _UNIT_AFTER.finditer(text, m.start(), m.end() + 16):
                if after.start() <= m.end():  # "1500 Main Street, Suite 210"
                    out.append(result("LOCATION", m.start(), after.end(), "address", P_ADDRESS))
        for m in _ADDRESS_TYPE_FIRST_RE.finditer(text):
            out.append(result("LOCATION", m.start(), m.end(), "address", P_ADDRESS))
        for m in _UNIT_IN_ESTATE.finditer(text):
            out.append(result("LOCATION", m.start(), m.end(), "address", P_ADDRESS))
        for m in _UNIT_BEFORE.finditer(text):
            # one span with the street after it ("Level 3, 45 Smith St", "Unit 4/12 King Rd"): a comma between two
            # spans would survive
            street = _ADDRESS_RE.match(text, m.end()) or _ADDRESS_LOWER_RE.match(text, m.end()) \
                or _ADDRESS_TYPE_FIRST_RE.match(text, m.end())
            if street:
                out.append(result("LOCATION", m.start(), street.end(), "address", P_ADDRESS))
        streets = [(m.start(), m.end()) for m in _ADDRESS_RE.finditer(text)]
        for rx in (_PO_BOX, _US_ZIP, _DUBLIN_DISTRICT):
            for m in rx.finditer(text):
                # one span with a street address it overlaps ("22 Glenview Drive, Dublin 10")
                start = min([a for a, b in streets if a < m.end() and m.start() < b] + [m.start()])
                out.append(result("LOCATION", start, m.end(), "address", P_ADDRESS))
        if _ANY_DIGIT.search(text):
            for m in _ADDRESS_LOWER_RE.finditer(text):
                if not any(x in _NOT_STREET for x in m.group(1).split()):
                    out.append(result("LOCATION", m.start(), m.end(), "address", P_ADDRESS))
        has_digit = _ANY_DIGIT.search(text) is not None  # postcodes need one
        if has_digit:
            for m in _UK_POSTCODE_RE.finditer(text):
                out.append(result("LOCATION", m.start(), m.end(), "postcode", P_ADDRESS))
            out.extend(result("LOCATION", a, b, "postcode", P_ADDRESS) for a, b in outward_codes(text))
        out.extend(self._world_cities(f))
        out.extend(self._lower_world_cities(f))
        out.extend(self._lower_big_towns(f))
        out.extend(self._wards(f))
        firsts = place_first_tokens()
        idx = place_index()
        n = len(toks)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < n:
            t = toks[i]
            L = firsts.get(t.lower)
            matched = False
            if L:
                for k in range(min(L, n - i), 0, -1):
                    seg = toks[i:i + k]
                    if any(f.next(x.i) is None for x in seg[:-1]):
                        continue
                    key = tuple(x.lower for x in seg)
                    if key not in idx:
                        continue
                    content = [x for x in seg if x.lower not in ("of", "the", "upon", "on")]
                    if all(x.cap for x in content):
                        if k == 1 and (self._risky(t.lower) or t.upper):
                            if not t.upper and (self._place_context(f, i, i) or self._dated_place(f, i)):
                                found.append((i, i, "gazetteer"))
                                matched = True
                        elif k > 1 and all(x.lower in w.stop or x.lower in self.allow_words for x in content):
                            pass
                        else:
                            found.append((i, i + k - 1, "gazetteer"))
                            matched = True
                    elif all(not x.cap for x in seg) and (
                            not any(self._risky(x.lower) for x in seg) and len(key[0]) >= 5
                            or k == 1 and self._lower_town_word(t.lower, verb_ok=f.prev(i) is not None and f.prev(i).lower in (
                                "from", "in", "near", "around", "outside")) and self._place_slot(f, i)
                            or k == 1 and self._lower_name_town(t.lower) and self._place_slot(f, i)
                            or k > 1 and not any(x.lower in w.stop or x.lower in self.allow_words for x in content)
                            and self._place_context(f, i, i + k - 1)):  # "in apollo bay", "to tennant creek"
                        found.append((i, i + k - 1, "gazetteer"))
                        matched = True
                    if matched:
                        i += k
                        break
            if not matched:
                i += 1
        # typed in lower case, a word and a place word after a place's preposition: "in stony creek",
        # "from tidal river", "i cover tarra valley" (not "in the creek", "at breaking point")
        for t in toks:
            if t.cap or t.lower not in _LOWER_PLACE_TAILS or t.i < 2 or f.prev(t.i) is None:
                continue
            pv = toks[t.i - 1]
            pp = f.prev(pv.i)
            lo = pv.lower
            if pp is None or pp.lower not in lx.PLACE_BEFORE or pp.lower in ("of", "for", "with") or pv.cap or not pv.alpha \
                    or len(lo) < 3 or lo in w.stop or lo in lx.DETERMINERS or lo in lx.FILLER_WORDS or lo in lx.INFORMAL_WORDS \
                    or lo in self.allow_words or lo in lx.COMPASS and False or lo.endswith(("ing", "ed")) \
                    or _verbish(lo) and lo not in w.eng["noun"] and lo not in w.eng["adj"] or lo in lx.SLOT_NOT_NAMES:
                continue
            found.append((pv.i, t.i, "region"))
        # a capitalised name with its place word typed in lower case: "Hunter valley", "Byron bay", "Margaret river"
        # (not "Sandy beach", an adjective, nor "Long bay")
        for t in toks:
            if t.cap or t.lower not in _NAMED_PLACE_TAILS or t.i < 1 or f.prev(t.i) is None:
                continue
            pv = toks[t.i - 1]
            lo = pv.lower
            if pv.cap and pv.alpha and not pv.upper and len(lo) >= 3 and lo not in w.stop and lo not in self.allow_words \
                    and lo not in w.eng["adj"] and lo not in lx.COMPASS and lo not in lx.DETERMINERS and lo not in w.countries \
                    and lo not in lx.PERSON_BEFORE and lo not in lx.ROLE_NOUNS and (not _is_common(lo) or lo in w.first):
                found.append((pv.i, t.i, "region"))
        # "Goulburn Valley", "Surf Coast", "Mornington Peninsula", "Thursday Island"
        for t in toks:
            if t.cap and t.lower in lx.PLACE_REGION_TAIL and t.i >= 1 and f.prev(t.i) is not None:
                a = t.i - 1
                pv = toks[a]
                if pv.cap and pv.alpha and not pv.upper and pv.lower not in w.stop and pv.lower not in self.allow_words \
                        and not (pv.sent_init and _is_common(pv.lower) and pv.lower not in ("surf", "sunshine", "gold")):
                    if a - 1 >= 0 and f.prev(a) is not None and toks[a - 1].cap and (toks[a - 1].lower in lx.COMPASS
                                                                                     or not _is_common(toks[a - 1].lower)):
                        a -= 1
                    found.append((a, t.i, "region"))
        # "East Gippsland", "the Mallee", "in Brimbank", lists of towns
        for t in toks:
            if not (t.cap and t.alpha) or t.upper or t.lower in self.allow_words or t.lower in w.stop:
                continue
            lo = t.lower
            if lo in w.first or lo in lx.CULTURAL_GROUPS or lo in w.countries or lo in lx.MONTHS or lo in lx.DAYS \
                    or lo in lx.ORG_TAIL or lo in lx.PLACE_REGION_TAIL or lo in lx.COMPASS or lo in lx.STRONG_COMMON \
                    or lo in _HONORIFIC_BARE or lo[:-1] in _HONORIFIC_BARE or lo[:-2] in _HONORIFIC_BARE:
                continue
            p = f.prev(t.i)
            unknown = unknown_word(lo)  # no English, inflected ("for Paramedics") or informal ("of Covid")
            if lo.endswith("shire") and len(lo) >= 8 and lo.isalpha():
                found.append((t.i, t.i, "region"))  # "Leicestershire", "Yorkshire": a county, wherever it stands
                continue
            if not unknown and p is not None and p.lower in _SLIP_PLACE_BEFORE and not t.sent_init and len(lo) >= 6:
                unknown = unknown_word(lo, slips=False)  # "in Mangere": a capital is no typing slip
            if p is not None and p.cap and p.lower in lx.COMPASS and (unknown or (lo,) in idx):
                found.append((p.i, t.i, "region"))
                continue
            if p is not None and p.cap and p.lower in ("st", "mt", "mount", "port", "saint", "lake", "cape", "point") \
                    and (unknown or (lo,) in idx) and self._place_context(f, p.i, t.i):
                found.append((p.i, t.i, "region"))
                continue
            if t.sent_init or lo in ("st", "mt"):
                continue
            if unknown and lo not in w.last and self._place_context(f, t.i, t.i):
                nx = f.next(t.i)
                if nx is not None and nx.cap and nx.alpha and not nx.upper and nx.lower not in lx.PLACE_REGION_TAIL \
                        and nx.lower not in lx.ORG_TAIL and nx.lower not in lx.COMPASS and (nx.lower,) not in idx \
                        and (nx.lower in w.last or unknown_word(nx.lower) or _surname_like(nx) and nx.lower not in _PLACE_WORDS):
                    continue  # "to Kavitha Desai": a first name and a surname, not a place
                found.append((t.i, t.i, "region"))
                continue
            if p is not None and p.lower == "the" and not p.cap and (unknown or lo not in w.eng["vaa"]) \
                    and self._place_context(f, t.i - 1, t.i) and lo not in _GENERIC_THE:
                nx = f.next(t.i)
                if nx is None or not nx.cap:
                    found.append((t.i, t.i, "region"))
        # list context: "Ouyen, Sea Lake, Robinvale and Manangatang"
        spans = {(a, b): src for a, b, src in found}
        changed = True
        while changed:
            changed = False
            for (a, b) in list(spans):
                for j, mid in ((b + 1, None), (b + 2, "and"), (a - 1, None), (a - 2, "and")):
                    if j < 0 or j >= n:
                        continue
                    c = toks[j]
                    if any(x <= j <= y for (x, y) in spans):
                        continue
                    if mid is None:
                        lo_i, hi_i = (b, j) if j > b else (j, a)
                        if f.gap(lo_i, hi_i).strip() != ",":
                            continue
                    else:
                        k = (b + 1) if j > b else (a - 1)
                        if toks[k].lower not in ("and", "or", "&") or f.next(min(k, j)) is None or f.prev(max(k, j)) is None:
                            continue
                    # a town that is also a first name or a word counts beside a town that is no list of people
                    # ("in Orange and Young next year")
                    town = (c.lower,) in idx and (c.lower not in w.first or spans[(a, b)] != "list" and self._list_end(f, j))
                    if c.cap and c.alpha and not c.upper and not c.sent_init and c.lower not in w.stop \
                            and (c.lower not in self.allow_words or town and c.lower not in _WHOLE_ALLOW) \
                            and (c.lower not in w.first or town) \
                            and c.lower not in lx.CULTURAL_GROUPS and (not _is_common(c.lower) or town):
                        spans[(j, j)] = "list"
                        changed = True
        for k in self._after_place_verbs(f):
            spans.setdefault((k, k), "region")
        for (a, b), src in spans.items():
            if a == b and _PLURAL_ABBREV.match(toks[a].text):
                continue  # "the HCAs on nights": the plural of an abbreviation, no place
            end = toks[b].end
            m = _POSTCODE_AFTER_PLACE.match(text, end) if has_digit else None
            if m and not re.fullmatch(r"(?:19|20)\d\d", m.group(1)):
                end = m.end()  # "Bendigo 3550": the postcode names the town too
            out.append(result("LOCATION", toks[a].start, end, src,
                              P_REGION if src == "region" else P_PLACE))
        if has_digit:
            for m in _POSTCODE_AFTER_STATE.finditer(text):
                out.append(result("LOCATION", m.start(1), m.end(1), "postcode", P_ADDRESS))
        return out


_YEAR = re.compile(r"(?:19|20)\d\d")
#: Words after the last town of a list: "in Orange and Young next year", "in Orange and Young in May".
_AFTER_TOWN_LIST = frozenset("next last this in on at for from and or each every today tomorrow yesterday".split())
#: Allowed terms of one word ("Zoom", "Victoria"): a word of an allowed phrase ("Young" of "Young People") may be a town.
_WHOLE_ALLOW = frozenset(a.lower() for a in lx.DEFAULT_ALLOW if " " not in a)
#: Adverbs before a place's preposition that make the next word a town: "out at Hope", "down in Reading".
_OUT_AT = frozenset("out down over".split())
_BIG_TOWN = 100_000
_CLAUSE_OPENERS = frozenset("and but so because cos coz while whereas though although then".split())
_PLACE_SUBJECT_VERBS = frozenset("""
was is has had felt feels seemed seems looked looks became becomes remained remains
""".split())
_PLACE_OBJECT_VERBS = frozenset("""
visit visits visited visiting leave leaves left leaving miss misses missed love loves loved toured
""".split())


@functools.lru_cache(maxsize=65536)
def _town_population(lo: str) -> int:
    """The population of the largest town of that name, in Australia (the gazetteer) or abroad."""
    return max(place_population().get(lo, 0), lx.world_city_population().get(lo, 0))


_LOWER_PLACE_TAILS = frozenset("creek river bay heads valley springs gully beach junction crossing falls".split())
_NAMED_PLACE_TAILS = frozenset("creek river bay valley gully beach".split())  # nouns, never a verb after a name
_NAMED_HEADS = frozenset("""
school college kindergarten kinder preschool council shire club clubs primary secondary grammar academy shed parish
""".split())
_SERVICE_HEADS = frozenset("service services health house shed centre center hub".split())
_GENERIC_OWNERS = frozenset("""
family families youth legal community women's womens men's mens neighbourhood neighborhood children's childrens
multicultural aboriginal migrant refugee
""".split())
_PLACE_WORDS = frozenset("""
hill hills park beach bay point heads springs vale grove flat flats gully falls junction bridge crossing plains downs
ridge rock rocks island north south east west city town valley creek river lake lakes mount port harbour waters
gardens estate village forest ranges range reach bend
""".split())
_GENERIC_THE = frozenset("""
year library chat group forum room session school council shire city uni office team hub centre
house program programme network west north east south bush country region state city state
government department community sector health hospital club board committee
men women mens womens girls boys kids youth elders people
""".split())


# --------------------------------------------------------------------------- contacts and ids
_PHONE_RES = [
    re.compile(r"(?<![\w+])(?:\+?61[ \-]?4\d{2}|04\d{2})[ \-]?\d{3}[ \-]?\d{3}(?!\d)"),
    re.compile(r"(?<![\w+])\+?61[ \-]?4\d{8}(?!\d)"),
    re.compile(r"(?<![\w+])(?:\(0[2378]\)|0[2378]|\+?61[ \-]?\(?[2378]\)?)[ \-]?\d{4}[ \-]?\d{4}(?!\d)"),
    re.compile(r"(?<![\w+])1[38]00[ \-]?\d{3}[ \-]?\d{3}(?!\d)"),
    re.compile(r"(?<![\w+])13[ \-]?\d{2}[ \-]?\d{2}(?!\d)(?=\D*(?:$|\s))"),
]
# any other country's number as people write it: "+" and a country code, or a leading 0
# (a trunk prefix), then digit groups split by single spaces or hyphens, 10-13 digits in all
# (UK 07700 900123, +44 20 7946 0958, NZ 021 123 4567, +1 555 010 9999); validated in
# :func:`_plausible_phone`, which refuses "0 10 20 30 40 50" and other lists of numbers; after the country
# code the trunk 0 people write in brackets ("+44 (0)7700 900123", "+44 (0) 20 7946 0958", "+353 (0)87 ...")
_INTL_PHONE = re.compile(r"(?<![\w+/.\-])(?:\+\d{1,3}(?: ?\(0\)(?= ?\d))?|\(0\d{1,4}\)|0\d{1,4})"
                         r"(?:[ \-]?\(?\d{2,5}\)?){2,5}(?![\w/\-]|\.\d)")
# a North American number as people write it: "(555) 201-3344", "555-867-5309", "555.201.3344" (area code and
# exchange start 2-9; one separator throughout); with spaces only beside a cue word (see _PHONE_CONTEXT)
_NANP_PHONE = re.compile(r"(?<![\w+/.\-])(?:\([2-9]\d{2}\)\s?[2-9]\d{2}[\-. ]\d{4}|[2-9]\d{2}([\-.])[2-9]\d{2}\1\d{4})"
                         r"(?![\w/\-]|\.\d)")
_NANP_SPACED = re.compile(r"(?<![\w+/.\-])[2-9]\d{2} [2-9]\d{2} \d{4}(?![\w/\-]|\.\d)")
_LOCAL_PHONE = re.compile(r"(?<![\w+/.-])\d{4}[ \-]\d{4}(?![\w/-]|\.\d)")
_PHONE_CONTEXT = re.compile(r"\b(?:phone|mobile|mob|cell|landline|number|ring|call|text|office|fax|ph|tel|contact)\b", re.I)
_ANY_DIGIT = re.compile(r"\d")
_HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_ABN = re.compile(r"(?<!\d)(?<!\d )\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d])")
_MEDICARE = re.compile(r"(?<!\d)[2-6]\d{3} ?\d{5} ?\d(?:[ /-]?\d)?(?!\d)")
_TFN = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{3}(?!\d)")
_STUDENT = re.compile(r"(?<![\w/])[A-Za-z]{0,2}\d{6,10}(?![\w/])")
_REFERENCE = re.compile(r"(?<![\w/.])\d{3,6}/\d{2,4}(?![\w/])")
_REGO = re.compile(r"(?<![\w-])(?:[A-Z]{3}[ -]?\d{3}|\d[A-Z]{2,3}[ -]?\d[A-Z]{2}|[A-Z]{2}[ -]?\d{2}[ -]?[A-Z]{2})(?![\w-])")
# a date of birth (a date after "DOB", "date of birth", "born on"); other dates are no identifier
_DATE = (r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
         r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2}|"
         r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2})")
_MON = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DOB_DATE = (r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON
             + r",?\s+(?:(?:19|20)\d{2}|\d{2})|" + _MON + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2})")
# a year (or month and year) of birth: after "year of birth" or "DOB" (group 1), or after "born" said of a person
# (:func:`_born_to_person`: "I was born in 1971", "born 1988, grew up ..."; not "the idea was born in 2019")
_BIRTH_YEAR = re.compile(r"(?:\b((?i:year\s+of\s+birth|birth\s+year|DOB|D\.O\.B\.?))|\b[Bb]orn(?:\s+in)?)"
                         r"\s*(?:is|was|:|-)?\s*((?:" + _MON + r"\s+)?(?:19|20)\d{2})(?![\d/.\-]\d)")
_BORN_PERSON = re.compile(r"(?:^|[.!?;,:]\s*|\b(?i:i|i['’]m|im|he|she|they|we|you|my|his|her|their)\b[^.!?;,:]*)$")


def _born_to_person(text: str, k: int) -> bool:
    """"born" at ``k`` opens its clause or follows a person's pronoun or possessive in it ("I was", "my son was")."""
    return _BORN_PERSON.search(text[max(0, k - 60):k].rstrip(" ")) is not None or not text[:k].strip()


_DOB = re.compile(r"(?:\b(?:DOB|D\.O\.B\.?|d\.o\.b\.?|dob|[Dd]ate of birth|[Bb]orn on|[Bb]orn)|(?<![\w.])[Bb]\.)"
                  r"\s*(?:is|was|:|-)?\s*(?:the\s+)?(" + _DOB_DATE + r")(?!\d)")
# a calendar date to the day tied to a person (HIPAA's Safe Harbor and the ICO count a day-level date about
# someone as an identifier): day, month and year in any common order ("30 January 2002", "March 3rd, 2021",
# "12/03/2021") in a sentence about a person (:func:`_tied_to_person`); a day and month without the year
# only after a personal event ("died on 4 May", "admitted on the 3rd of June").
# A year or a month and year alone ("in March 2021") is no identifier, nor is "the 12th of March" on its own.
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])"
_MON_FULL = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY_MONTH = (r"(?:" + _DAYNUM + r"(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON_FULL + r"|" + _MON_FULL + r"\s+(?:the\s+)?"
              + _DAYNUM + r"(?:st|nd|rd|th)?)")
_FULL_DATE_BODY = (r"(?:(?:the\s+)?" + _DAY_MONTH + r",?\s+(?:18|19|20)\d{2}|" + _DAYNUM
                        + r"([/\-])(?:1[0-2]|0?[1-9])\1(?:(?:18|19|20)\d{2}|\d{2})|" + _DAYNUM + r"\.(?:1[0-2]|0?[1-9])\.(?:18|19|20)\d{2}|(?:18|19|20)\d{2}-(?:1[0-2]|0[1-9])-"
                        + r"(?:[12]\d|3[01]|0[1-9]))(?![\w/\-]|\.\d)")
_FULL_DATE = re.compile(r"(?<![\w/.\-])" + _FULL_DATE_BODY)
# a date of birth said in words, as a transcript has it: "born on the fourteenth of February nineteen
# seventy-eight", "date of birth twelve oh four eighty-two", "DOB: third of the fifth ninety-one"; after "born
# in" a year in words ("born in nineteen eighty-two"). Words for numbers, months, "oh", "of", "the" and
# "and"; it ends on a number or a month (no digit in it, so :data:`_DOB` leaves it)
_NUM_WORD = (r"(?:zero|oh|o|nought|double|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
             r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
             r"ninety|hundred|thousand|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
             r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
             r"thirtieth)")
_NUM_TOKEN = r"(?:" + _NUM_WORD + r"(?:-" + _NUM_WORD + r")?|" + _MON_FULL.replace(r")\.?", ")") + r")"
_SPOKEN_DOB = re.compile(r"\b(?:(?i:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born\s+on)|(?i:born\s+in)(?=\s+(?i:nineteen|two\s+thousand|twenty)))"
                         r"\s*(?:is|was|:|-)?\s*(?:the\s+)?"
                         r"((?i:" + _NUM_TOKEN + r")(?:[ ,]+(?i:of\s+|the\s+|and\s+)*(?i:" + _NUM_TOKEN + r"))+)(?![\w\-])")
_FULL_DATE_HERE = re.compile(_FULL_DATE_BODY)  # matched right after a range's hyphen
# the first day of a range whose last day is a redacted date: "between 7 and 11 March 2003", "from the 3rd to the
# 5th of May", "7 March to 11 March 2003", "7-11 March 2003" (the first day tells as much as the last)
_RANGE_HEAD = re.compile(r"(?<![\w/.\-])(?:the\s+)?" + _DAYNUM + r"(?:st|nd|rd|th)?(?:\s+(?:of\s+)?" + _MON_FULL
                         + r")?\s*(?:and|to|until|till|through|-|–|—)\s*$")
_HYPHEN_RANGE = re.compile(r"(?<![\w/.\-])" + _DAYNUM + r"(?:st|nd|rd|th)?\s*[-–—]\s*(?=\d)")
_EVENT_WORDS = (r"born|died|passed\s+away|death|birthday|admitted|discharged|diagnosed|arrested|married|wedding|funeral|"
                r"buried|released|detained|convicted|sentenced|operated\s+on|surgery|operation|procedure|transplant|"
                r"miscarriage|miscarried|stroke|heart\s+attack|overdosed?|hospitali[sz]ed|gave\s+birth|c-section|"
                r"accident|crash|assault|attacked|injured|evicted|deported|retired|retiring|"
                r"(?:mat|maternity|paternity|parental|sick|long\s+service|compassionate|bereavement)\s+leave")
_EVENT_DATE = re.compile(r"\b(?:" + _EVENT_WORDS + r")\b[^.!?\n]{0,24}?(?<![\w/.\-])((?:the\s+)?" + _DAY_MONTH + r")(?![\w/\-])", re.I)
# what ties a full date to a person: a personal event, or a third person the sentence is about. A date
# without one ("first session 01-02-2024", "flyers out on 12.03.2024") is the programme's calendar, kept
_PERSON_TIE = re.compile(r"\b(?:" + _EVENT_WORDS + r"|referred|referral|injured|assaulted|charged|appointment|applicant|"
                         r"he|she|his|her|him)\b", re.I)


# the speaker's own age (an identifier with a place or a role beside it): "I turned 63", "I was 47 when",
# "i'm a 19 year old youth worker", "as a 52-year-old"; an age not tied to the speaker ("kids aged 12",
# "a 40 year old building", "I was 5 minutes late") stays
_I = r"(?:\b[Ii]|(?<![\w'’])[Ii]['’]?m|\b[Ii]\s+am)"
_SPEAKER_AGE = (
    re.compile(r"\b[Ii](?:['’]ll|\s+will|['’]m|\s+am)?\s+(?:just\s+|only\s+|recently\s+|finally\s+)?(?:turned|turn|turning)\s+(\d{1,3})(?![\w.,]\d)(?!\s*(?:%|per|minutes?|mins?|hours?|pages?))"),
    re.compile(r"\b[Ii](?:\s+was|['’]?m|\s+am)\s+(?:only\s+|just\s+|nearly\s+|almost\s+|about\s+)?(\d{1,2})"
               r"(?=\s+(?:when|and|now|at\s+the\s+time|years?\s+old|yrs?\s+old|yo)\b|\s*[,.!;](?!\d)|\s*$)"),
    re.compile(r"(?:" + _I + r"|\bas)\s+(?:a|an)\s+(\d{1,3}[\s-]*(?:year|yr)s?[\s-]*old)\b"),
    re.compile(r"(?:^|(?<=[.!?]\s)|\b[Aa]nd\s+|\b[Bb]ut\s+|\b[Ss]o\s+)[Aa]t\s+(1[3-9]|[2-9]\d),?\s+I\b"),  # "at 52 I thought"
)
def _surgery_kind(f: Features, i: int) -> bool:
    """"Surgery" after a kind of surgery ("Day Surgery", "Cardiac Surgery", "General Surgery") or after no
    capitalised word: a kind of operation or a department, not a GP practice ("the Jenner Surgery")."""
    p = f.prev(i)
    if p is None or not p.cap or not p.alpha:
        return True
    lo = p.lower
    return lo in lx.SURGERY_KINDS or lo.endswith(("ic", "ac", "al", "ive", "ary")) or lo in words().stop


# a person's initials as the subject of a verb of saying: "AB said", "J.S. told us", "and KM reckons"; two
# capitals (no acronym the sector uses: "HR said", "the GP said") or two dotted initials; no determiner or
# possessive before them ("our HT said", "my SW told me": a role)
_INITIALS_SAY = re.compile(r"(?<![\w.&/\-])([A-Z]{2}|[A-Z]\.\s?[A-Z]\.?)(?=\s+(?:said|says|told|tells|asked|asks|mentioned|"
                           r"reckons|reckoned|suggested|shared|explained|added|replied|agreed|admitted|felt|thought)\b)")


def _initials_speaking(text: str) -> list:
    out = []
    for m in _INITIALS_SAY.finditer(text):
        init = m.group(1)
        if "." not in init and init in lx.ACRONYM_ALLOW:
            continue
        before = re.search(r"([A-Za-z']+)\W*$", text[:m.start()])
        if before and before.group(1).lower() in lx.DETERMINERS:
            continue
        out.append(result("PERSON", m.start(1), m.end(1), "initials", P_CUE))
    return out


def _shouted(toks) -> bool:
    """Text typed in capitals ("THE BEST PART WAS MEETING PEOPLE"): at least three words of two or more
    letters, four in five of them in capitals, so a word in capitals says nothing about an acronym."""
    long = [t for t in toks if t.alpha and len(t.text) >= 2]
    return len(long) >= 3 and sum(1 for t in long if t.upper) >= 0.8 * len(long)


def _title_case(toks) -> bool:
    """Text typed in Title Case ("We Met At The Hub Every Week"): most words of three or more letters
    after the first are capitalised, so a capital says nothing about a name."""
    long = [t for t in toks[1:] if t.alpha and len(t.text) >= 3]
    return len(long) >= 3 and sum(1 for t in long if t.cap) >= 0.6 * len(long)


_RATING_WORDS = re.compile(r"\b(?:scale|rat(?:e|ed|ing)|scor(?:e|ed|ing)|out\s+of\s+\d+|confiden\w*|level|marks?)\b|/\s*10\b", re.I)
_NOT_AN_AGE_AFTER = re.compile(r"\s*(?:degrees|°|on\b|around\b|in\s+(?:line|the\s+queue)|th\b)", re.I)


def _an_age(text: str, m) -> bool:
    """A speaker-age match is an age: 13 to 110 (not a child's memory, not "turned 180 on my views"),
    not a self-rating ("Before the course I was 4, now I'm 9", "On a scale of 1-10 I'm 8") and not a
    place in a queue ("I was 3 and 4 in line")."""
    n = int(re.match(r"\d+", m.group(1)).group())
    start = max(text.rfind(".", 0, m.start()), text.rfind("?", 0, m.start()), text.rfind("!", 0, m.start())) + 1
    end = len(text) if (e := re.search(r"[.!?](?:\s|$)", text[m.end():])) is None else m.end() + e.end()
    return 13 <= n <= 110 and not _RATING_WORDS.search(text, start, end) \
        and not _NOT_AN_AGE_AFTER.match(text, m.end(1)) \
        and not re.search(r"\bin\s+(?:line|the\s+queue)\b", text[m.end(1):end], re.I)


# a date the speaker's own leave, due date or last day falls on: "I'm due on 12 May", "my last day is 14 March"
_SPEAKER_DATE = re.compile(r"\b(?:[Ii](?:['’]m|\s+am|\s+was)\s+due|[Mm]y\s+(?:last|first)\s+day\s+(?:is|was|will\s+be|here\s+is))"
                           r"\s+(?:on\s+)?((?:the\s+)?" + _DAY_MONTH + r")(?![\w/\-])")
# the speaker's own one-of-a-kind role at a named place: "i'm the principal of Hillcrest Normal"
_SPEAKER_ROLE = re.compile(r"\b[Ii](?:['’]?m|\s+am|\s+was)\s+the\s+(principal|deputy\s+principal|tumuaki|headteacher|head\s+teacher|"
                           r"headmaster|headmistress|ceo|chief\s+executive|chair|chairperson|president|director|manager)"
                           r"\s+(?:of|at)\s+(?=[A-Z])")


# --------------------------------------------------------------------------- quasi-identifiers
# A phrase that points to one person without naming anyone (DOMAIN.md: "the only prevention worker in a small
# town"): "the only Tongan youth worker at the council", "the first Aboriginal woman to be made deputy principal
# in the diocese", "the youngest principal in the state", "the only women's shed in the region", "the liaison for
# the entire polytech", "the girl in the paper". The phrase runs from "the" to the end of its clause.
_QI_THE = re.compile(r"\b[Tt]he\s+")
_QI_END = re.compile(r"[,.;:!?\n()\[\]\"“”]|\s(?:and|but|so|because|cos|coz|which|though|although|since|until|when|"
                     r"[Ii]|we|you|he|she|they|it|it['’]s|i['’]m|lol|haha|honestly)(?![\w'’])")
_QI_WHEN = re.compile(r"\swhen\s+[Ii]\s+(?:was|got|started|began|joined)(?:\s+[a-z]+){0,2}(?=[,.;:!?\n]|\s+(?:and|but|so|[Ii])\b|$)")
_QI_UNIQUE = frozenset("only sole first youngest oldest".split())
_QI_WHOLE = re.compile(r"\s(?:at|in|for|of)\s+(?:the|our|my)\s+(?:one|only|entire|whole)\s+\w")
_QI_MEDIA = re.compile(r"\s(?:in|on)\s+the\s+(?:paper|papers|news|local\s+paper|telly|tv)\b")
_QI_QUALIFIER = frozenset("in at for of on from to across within".split())
_QI_PEOPLE = frozenset("""
woman women man men girl boy person lady bloke guy mum mother dad father parent user liaison member worker
teacher nurse principal student kid
""".split())
_QI_PLACES = frozenset("shed school service clinic organisation organization centre center club refuge".split())
#: where a phrase must place its one person to single them out ("in the town", "at the council", "for miles"; not
#: "in the group", "at the session", "in the room")
_QI_WHERE = frozenset("""
town towns city region district community communities shire council state country area suburb diocese school schools
organisation organization service services hospital clinic workplace office agency department valley island coast
county borough parish iwi hapu marae sector network faculty university college polytech campus ward miles km
kilometres region's state's country's town's city's
""".split())
_QI_NOT_AGENT = frozenset("number corner order paper letter water other matter border chapter quarter answer power".split())


def _qi_person_word(lo: str) -> bool:
    """A word for a person or a role ("worker", "principal", "liaison", "wheelchair user")."""
    lo = lo.strip("'’")
    return lo in lx.ROLE_NOUNS or lo in _QI_PEOPLE or (
        len(lo) >= 5 and lo.endswith(("er", "or", "ist", "ian")) and lo not in _QI_NOT_AGENT and lo in words().eng["noun"])


#: a word for a person with nothing more ("the only man in the room", "the only bloke in my team"): no one singled out
_QI_BARE = frozenset("man men woman women bloke guy lady person girl boy one".split())
_QI_CAP = re.compile(r"\b[A-Z][\w'’\-]+")


def _qi_named(text: str, start: int, end: int) -> bool:
    """A capitalised name stands after the phrase's first preposition (not "I", not an allowed term)."""
    m = re.search(r"\s(?:in|at|for|of|on|from|to|across|within)\s", text[start:end])
    if m is None:
        return False
    return any(c.group(0) != "I" and c.group(0).lower() not in _ALLOWED_LOWER
               for c in _QI_CAP.finditer(text, start + m.end(), end))


_ALLOWED_LOWER = frozenset(a.lower() for a in lx.DEFAULT_ALLOW)


def _qi_phrase(text: str, start: int) -> tuple[int, list[str]]:
    """The end of the clause a phrase opened at ``start`` runs to, and its words (lower case)."""
    m = _QI_END.search(text, start)
    end = m.start() if m else len(text)
    w = _QI_WHEN.match(text, end)
    if w:
        end = w.end()
    return end, text[start:end].lower().split()


def _quasi_identifier(text: str, start: int) -> int | None:
    """Where a phrase opened by "the" at ``start`` ends, when it singles out one person (see above)."""
    end, ws = _qi_phrase(text, start)
    if len(ws) < 3 or len(ws) > 16:
        return None
    body = text[start:end]
    quals = [k for k, x in enumerate(ws) if x in _QI_QUALIFIER]
    if not quals:
        return None
    head = ws[1:quals[0]]
    if _QI_MEDIA.search(body) and any(_qi_person_word(x) for x in ws[1:]):
        return end  # "the girl in the paper": the story names her
    if _qi_named(text, start, end):
        return None  # "the only prevention worker at Kōkiri Trust": the organisation's name carries it
    people = any(_qi_person_word(x) for x in head) and not all(x in _QI_BARE or x in _QI_UNIQUE for x in head)
    placed = any(x.strip(".,;:!?") in _QI_WHERE for x in ws[quals[0] + 1:])
    if ws[1] in _QI_UNIQUE and placed and (people or any(x in _QI_PLACES for x in head)):
        return end
    if (_QI_WHOLE.search(body) or _QI_MEDIA.search(body)) and any(_qi_person_word(x) for x in ws[1:quals[0] + 1]):
        return end
    return None


def _quasi_identifiers(text: str) -> list:
    out = []
    last = -1
    for m in _QI_THE.finditer(text):
        if m.start() < last or re.search(r"\bnot\s+$", text[max(0, m.start() - 6):m.start()], re.I):
            continue   # "I'm not the only person who struggles": no one singled out
        end = _quasi_identifier(text, m.start())
        if end is not None:
            out.append(result("ID_CODE", m.start(), end, "quasi_identifier", P_ID, 0.8))
            last = end
    return out


def _range_start(text: str, start: int) -> int:
    """Where a date range ending in the date at ``start`` begins ("between [7 and ]11 March 2003")."""
    m = _RANGE_HEAD.search(text, max(0, start - 40), start)
    return m.start() if m else start


def _tied_to_person(text: str, start: int, end: int) -> bool:
    """A personal event or a third person in the date's clause (up to 80 characters before, 25 after)."""
    before = re.split(r"[.!?;\n]\s", text[max(0, start - 80):start])[-1]
    after = re.split(r"[.!?;\n]\s|[.!?;]$", text[end:end + 25])[0]
    return _PERSON_TIE.search(before) is not None or _PERSON_TIE.search(after) is not None


# an e-mail address on any domain, internal ones included (jo@hub.local, admin@corp.internal)
_EMAIL_ANY = re.compile(r"(?<![\w.+\-])[A-Za-z0-9][\w.+\-]*@[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)+")
# a link without a scheme on a short domain: linktr.ee/x, youtu.be/x, name.dev, bit.ly/x, x.org.au
_TLD = (r"(?:com|org|net|edu|gov|asn|id|io|me|ly|ee|be|dev|app|au|nz|uk|info|biz|xyz|site|online|tech|page|link|gl|"
        r"to|tv|fm|gg|sh|ai|so|co|cc|ws|us|ca|social|blog|store|shop|club|art|design|studio)")
_BARE_URL = re.compile(r"(?<![\w@.\-/])(?:https?://)?(?:www\.)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\." + _TLD
                       + r"(?![\w\-])(?:/[^\s,;)\]\"'”’]*[^\s,;.!?)\]\"'”’])?")
# a handle named by its platform, with or without the @: "insta: jane_smith93", "my tiktok is bigdaz88"
_HANDLE_CUE = re.compile(
    r"\b(?i:insta|instagram|ig|tiktok|tik tok|snap|snapchat|twitter|threads|discord|telegram|handle|username|user name"
    r"|whatsapp|facebook|fb|linkedin|youtube|messenger|reddit|bluesky|mastodon|github|tumblr|pinterest|twitch)\b"
    r"(?:\s+(?i:handle|account|name|is|at|as))*\s*(?::|-|=)?\s*(@?[A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_])")
# a word joined by an underscore is a handle or a user name wherever it stands: "bec_g", "jane_smith93"
_UNDERSCORE_HANDLE = re.compile(r"(?<![\w@./:-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w@/])")
# an e-mail address written out to dodge harvesters: "jo at bchs dot org dot au", "jo(at)bchs(dot)org"
# "jane dot smith at gmail dot com": the name may be spelt out too; the last part must be a top-level domain,
# so that "email me at jane dot smith ..." does not start at "me"
_SPELT_DOT = r"(?:\(dot\)|\[dot\]|\s+dot\s+)"
_OBFUSCATED_EMAIL = re.compile(
    r"(?<![\w.])[A-Za-z0-9][\w.+\-]*(?:\s*" + _SPELT_DOT + r"\s*[A-Za-z0-9][\w.+\-]*)*\s*(?:\(at\)|\[at\]|\s+at\s+)\s*"
    r"[A-Za-z0-9][\w\-]*(?:\s*" + _SPELT_DOT + r"\s*[A-Za-z0-9][\w\-]*)*\s*" + _SPELT_DOT
    + r"\s*(?:com|org|net|edu|gov|info|biz|io|au|nz|uk|ie|ca|us|za|sg|fj|ws|to|nl|de|fr|es|se|dk|fi|ch|pl|pt|gr|hk|jp|kr|cn|ph|ng|gh|ke)(?![\w\-])", re.I)
_OBFUSCATED_HINT = re.compile(r"\bdot\b|\(at\)|\[at\]", re.I)
# the "at" written out before a real domain: "jo.k (at) mencap.org.uk", "r_osei [at] ghs.gov.gh", "jp.walsh AT
# scoil.ie"; after a plain " at " only an address-shaped name (a dot, underscore, plus or digit in it: "anna.k at
# x.org.nz"), so "up at prevention.org.au" is a link and nothing before it joins
_TLD = (r"(?:com|org|net|edu|gov|info|biz|io|au|nz|uk|ie|ca|us|za|sg|fj|ws|to|nl|de|fr|es|se|dk|fi|ch|pl|pt|gr|hk|jp"
        r"|kr|cn|ph|ng|gh|ke|in|ae|sa|eg|my|lk|pk|bd|np)")
_AT_WORD = re.compile(r"\bat\b", re.I)
_AT_DOMAIN_EMAIL = re.compile(
    r"(?<![\w.@])(?:[A-Za-z0-9][\w.+\-]*\s*(?:\((?i:at)\)|\[(?i:at)\]|\{(?i:at)\}|<(?i:at)>)|[A-Za-z0-9][\w.+\-]*\s+AT"
    r"|(?=[A-Za-z0-9][\w+\-]*[._+\d])[A-Za-z0-9][\w.+\-]*[A-Za-z0-9]\s+at)"
    r"\s*[A-Za-z0-9][\w\-]*(?:\.[A-Za-z0-9][\w\-]*)*\.(?i:" + _TLD + r")(?![\w\-]|\.\w)")
# UK National Insurance number (two letters, six digits, A-D), spaced or not; any two letters,
# since the examples people copy (QQ 12 34 56 C) use a prefix HMRC never issues
_UK_NINO = re.compile(r"(?<![\w])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])")
# other countries' ids and postcodes, each a shape no sentence has: an Irish Eircode ("D02 X285"), a Canadian
# postcode ("K1A 0B1"), an Irish PPS number ("1234567T"), a UK NMC PIN ("12A3456E"), a UK number plate ("AB12 CDE")
_EIRCODE = re.compile(r"(?<![\w-])(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}(?![\w-])")
_CA_POSTCODE = re.compile(r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])")
_IE_PPS = re.compile(r"(?<![\w-])\d{7}[A-W][A-IW]?(?![\w-])")
_UK_NMC = re.compile(r"(?<![\w-])\d{2}[A-Z]\d{4}[A-Z](?![\w-])")
_UK_PLATE = re.compile(r"(?<![\w-])[A-Z]{2}\d{2} ?[A-Z]{3}(?![\w-])")
# a number after a word saying it registers someone: "registration number is AB-123456", "reg no. 4567QX"
_REGISTRATION = re.compile(r"\b(?:(?i:registration|reg|licen[cs]e|membership|member|employee|staff|payroll|badge|nhs|pps)"
                           r"\.?\s+(?i:number|no\.?|num|id|pin|#)|(?i:pin|nmc|ahpra|gmc|hcpc)(?:\s+(?i:number|no\.?|pin))?)"
                           r"(?:\s+(?i:is))?\s*[:#]?\s*"
                           r"((?:[A-Z]{1,5}[ -]?)?(?=[A-Z0-9-]*\d[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,14}[A-Z0-9])(?![\w-])")
# a case or reference number after the word that names it: "ref 22/0451", "case no. 12345", "our reference is
# CR/19/004", "application no. 36244/06", "claim number 88123" (three digits or more; not a year)
# health numbers are named by their scheme ("NHS number 485 777 3456", "her NHI is ZAC5361"), and may be spaced
_CASE_REF = re.compile(r"\b(?:(?i:ref|reference|urn|crn|mrn)\.?(?:\s+(?i:no|number|num))?|(?:NHS|NHI|CHI|IHI|PPSN?|(?i:medicare))"
                       r"(?:\s+(?i:no\.?|number|num|card))?|(?i:case|file|claim|complaint|application|"
                       r"incident|crime|policy|account|patient|client|ticket|docket|hospital|unit|record|appeal|tribunal|court|"
                       r"staff|employee|member|membership|payroll)"
                       r"\s+(?i:no\.?|number|num|ref\.?|reference|id|#))\.?(?:\s+(?i:is|was))?\s*[:#]?\s*"
                       r"(\d{3} \d{3} \d{4}|(?=(?:[A-Za-z/\-]*\d){3})[A-Za-z0-9][A-Za-z0-9/\-]*\d[A-Za-z]?)(?![\w/\-])")
_SCHEME_ONLY = re.compile(r"(?:NHS|NHI|CHI|IHI|PPSN?|(?i:medicare))(?!\s+(?i:no\b|number|num|card))")
# a code of letters and digits in three parts or more, joined by hyphens or slashes: "AB-2023-00451",
# "CR/2019/0042", "NCL-22-118" (at least four digits and a letter; a date or a phone number has no letter)
_CODE_ID = re.compile(r"(?<![\w/\-])(?=[A-Z0-9/\-]*[A-Z])(?=(?:[A-Z/\-]*\d){4})[A-Z0-9]{1,6}(?:[/\-][A-Z0-9]{1,8}){2,4}(?![\w/\-])")
# a Reddit user ("u/prevention_nerd")
_REDDIT_USER = re.compile(r"(?<![\w/])/?u/[A-Za-z0-9_\-]{3,20}(?![\w/])")
_ID_CONTEXT = {
    "abn": re.compile(r"\b(?:ABN|business number)\b", re.I),
    "medicare": re.compile(r"\bmedicare\b", re.I),
    "tfn": re.compile(r"\b(?:TFN|tax file)\b", re.I),
}


_OTHER_IDS = ((_EIRCODE, "eircode"), (_CA_POSTCODE, "ca_postcode"), (_IE_PPS, "ie_pps"), (_UK_NMC, "nmc_pin"),
              (_UK_PLATE, "rego"))
# two lower-case words joined by a dot, no space: "jess.prevents" (a handle), not "e.g", "etc.", "session.it"
_DOTTED_HANDLE = re.compile(r"(?<![\w@./\-])([a-z][a-z0-9]{1,})\.([a-z][a-z0-9]{1,})(?![\w@/\-]|\.\w)")


_TLD_WORDS = frozenset(re.sub(r"[()?:]", "", _TLD).split("|"))


def _dotted_handle(a: str, b: str) -> bool:
    """A handle of two words joined by a dot: the first a name ("jess.prevents", "tom.k"), never two
    words a missing space ran together ("session.it") nor a domain (the link patterns' own)."""
    w = words()
    if a in w.stop or b in w.stop and len(b) > 1 or b in _TLD_WORDS:
        return False
    return (a in w.first and a not in w.ambiguous) or unknown_word(a) or _pinyin_name(a)


def _plausible_url(s: str) -> bool:
    """A :data:`_BARE_URL` match that is a link: a scheme, ``www.``, a path, or a domain whose
    name is no ordinary sentence fragment ("e.g", "1.5", "i.e" never match the pattern)."""
    if "://" in s or s.lower().startswith("www.") or "/" in s:
        return True
    labels = s.lower().split(".")
    if any(c.isdigit() for c in labels[0]) and labels[0].isdigit():
        return False
    return len(labels[0]) >= 2 and not (len(labels) == 2 and labels[1] in ("so", "to", "me", "be", "co", "us", "ca")
                                        and _is_common(labels[0]))


def _plausible_phone(s: str) -> bool:
    """A :data:`_INTL_PHONE` match that is a phone number: 10-13 digits, balanced brackets,
    and not a list of small numbers (a leading-0 first group has at least two digits); the bracketed trunk 0
    after a country code is not counted."""
    if s.startswith("+"):
        s = re.sub(r" ?\(0\)", "", s, count=1)
    digits = sum(c.isdigit() for c in s)
    if not 10 <= digits <= 13 or s.count("(") != s.count(")") or s.count("(") > 1:
        return False
    first = re.match(r"\+?\(?(\d+)", s).group(1)
    return s.startswith("+") or len(first) >= 2


def _case_references(text: str) -> list:
    """Case and reference numbers: after the word that names one, or a letters-and-digits code in parts."""
    out = []
    for m in _CASE_REF.finditer(text):
        if re.fullmatch(r"(?:19|20)\d\d(?:[-/]\d\d(?:\d\d)?)?", m.group(1)):
            continue  # a year or a range of years
        if _SCHEME_ONLY.match(m.group(0)) and len(re.sub(r"\W", "", m.group(1))) < 6:
            continue  # "the NHS is 100 years old": a health number has six characters or more
        out.append(result("ID_CODE", m.start(1), m.end(1), "reference_number", P_ID + 5, 0.9))
    for m in _CODE_ID.finditer(text):
        if re.sub(r"[^A-Z]", "", m.group(0)) in lx.ACRONYM_ALLOW and re.fullmatch(r"[A-Z]+-\d+(?:-\d+)?", m.group(0)):
            continue  # "COVID-19-2020"
        out.append(result("ID_CODE", m.start(), m.end(), "reference_number", P_ID, 0.85))
    return out


class ContactRecognizer(LocalRecognizer):
    """Australian phone numbers in every written form, other countries' numbers (``+`` or a leading 0),
    @handles, spelt-out e-mails, ABN/TFN/Medicare and UK National Insurance numbers, dates of birth,
    IDs, regos."""

    def __init__(self, name: str = "contact_pattern"):
        super().__init__(supported_entities=["PHONE_NUMBER", "HANDLE", "ID_CODE", "EMAIL_ADDRESS"], name=name)

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if "@" not in text and "." not in text and "_" not in text and "/" not in text and not _ANY_DIGIT.search(text) \
                and not _OBFUSCATED_HINT.search(text) and not _HANDLE_CUE.search(text):
            # every pattern but the speaker's role and a date of birth in words needs a digit, an '@', a '.', a '_',
            # a spelt-out 'dot' or a platform's name
            return self._speaker_role(text) + self._spoken_dates_of_birth(text)
        return self.analyze_patterns(text) + self._speaker_role(text)

    @staticmethod
    def _spoken_dates_of_birth(text: str) -> list:
        return [result("ID_CODE", m.start(1), m.end(1), "date_of_birth", P_ID + 5, 0.9) for m in _SPOKEN_DOB.finditer(text)]

    @staticmethod
    def _speaker_role(text: str) -> list:
        if "the " not in text and "The " not in text:
            return []
        return [result("ID_CODE", m.start(1), m.end(1), "speaker_role", P_ID, 0.85) for m in _SPEAKER_ROLE.finditer(text)] \
            + _quasi_identifiers(text)

    def analyze_patterns(self, text):
        out = []
        has_digit = _ANY_DIGIT.search(text) is not None
        for rx in _PHONE_RES:
            for m in rx.finditer(text):
                out.append(result("PHONE_NUMBER", m.start(), m.end(), "au_phone", P_CONTACT, 0.9))
        for m in _INTL_PHONE.finditer(text):
            if _plausible_phone(m.group(0)):
                out.append(result("PHONE_NUMBER", m.start(), m.end(), "intl_phone", P_CONTACT, 0.85))
        if _OBFUSCATED_HINT.search(text):
            for m in _OBFUSCATED_EMAIL.finditer(text):  # the pattern itself needs an "at" and a "dot"
                out.append(result("EMAIL_ADDRESS", m.start(), m.end(), "spelt_email", P_EMAIL, 0.85))
        if "." in text and _AT_WORD.search(text):
            for m in _AT_DOMAIN_EMAIL.finditer(text):
                out.append(result("EMAIL_ADDRESS", m.start(), m.end(), "spelt_email", P_EMAIL, 0.85))
        for m in _DOB.finditer(text):
            out.append(result("ID_CODE", m.start(1), m.end(1), "date_of_birth", P_ID + 5, 0.9))
        out.extend(self._spoken_dates_of_birth(text))
        if has_digit:
            for m in _BIRTH_YEAR.finditer(text):
                if m.group(1) or _born_to_person(text, m.start()):
                    out.append(result("ID_CODE", m.start(2), m.end(2), "date_of_birth", P_ID + 5, 0.9))
        for m in _FULL_DATE.finditer(text):
            if not _tied_to_person(text, m.start(), m.end()):
                continue
            out.append(result("ID_CODE", _range_start(text, m.start()), m.end(), "date", P_ID, 0.9))
        if "-" in text or "–" in text or "—" in text:
            for m in _HYPHEN_RANGE.finditer(text):
                d = _FULL_DATE_HERE.match(text, m.end())
                if d and _tied_to_person(text, m.start(), d.end()):
                    out.append(result("ID_CODE", m.start(), d.end(), "date", P_ID, 0.9))
        if has_digit:
            for rx in _SPEAKER_AGE:
                for m in rx.finditer(text):
                    if _an_age(text, m):
                        out.append(result("ID_CODE", m.start(1), m.end(1), "speaker_age", P_ID, 0.85))
            for m in _SPEAKER_DATE.finditer(text):
                out.append(result("ID_CODE", m.start(1), m.end(1), "date", P_ID, 0.9))
        for m in _EVENT_DATE.finditer(text):
            out.append(result("ID_CODE", _range_start(text, m.start(1)), m.end(1), "date", P_ID, 0.9))
        for m in _UK_NINO.finditer(text):
            out.append(result("ID_CODE", m.start(), m.end(), "uk_nino", P_ID + 5, 0.9))
        for rx, source in _OTHER_IDS:
            for m in rx.finditer(text):
                out.append(result("ID_CODE", m.start(), m.end(), source, P_ID + 5, 0.9))
        for m in _REGISTRATION.finditer(text):
            if re.fullmatch(r"(?:19|20)\d\d(?:[-/]\d\d(?:\d\d)?)?", m.group(1)):
                continue  # a year or a range of years
            out.append(result("ID_CODE", m.start(1), m.end(1), "registration_number", P_ID + 5, 0.9))
        if has_digit:
            out.extend(_case_references(text))
            out.extend(result("ID_CODE", a, b, source, P_ID + 5, 0.9) for a, b, source in cued_ids(text))
        if "/" in text:
            for m in _REDDIT_USER.finditer(text):
                out.append(result("HANDLE", m.start(), m.end(), "handle", P_EMAIL, 0.9))
        if "." in text:
            for m in _DOTTED_HANDLE.finditer(text):
                if _dotted_handle(m.group(1), m.group(2)):
                    out.append(result("HANDLE", m.start(), m.end(), "handle", P_EMAIL, 0.85))
        context = _PHONE_CONTEXT.search(text) is not None
        for m in _NANP_PHONE.finditer(text):
            if all(g.endswith("00") for g in re.findall(r"\d+", m.group(0))):
                continue  # "300-400-5000": round numbers
            out.append(result("PHONE_NUMBER", m.start(), m.end(), "nanp_phone", P_CONTACT, 0.85))
        if context:
            for m in _NANP_SPACED.finditer(text):
                out.append(result("PHONE_NUMBER", m.start(), m.end(), "nanp_phone", P_CONTACT - 1, 0.7))
        for m in _LOCAL_PHONE.finditer(text):
            # with no cue word: an 8-digit local number starts 2-9, and is not two years or round numbers
            a, b = m.group(0)[:4], m.group(0)[-4:]
            if context or (a[0] in "23456789" and not (re.fullmatch(r"(?:19|20)\d\d", a) and re.fullmatch(r"(?:19|20)\d\d", b))
                           and not (a.endswith("00") and b.endswith("00"))):
                out.append(result("PHONE_NUMBER", m.start(), m.end(), "au_phone", P_CONTACT - 1, 0.7))
        if "@" in text:
            for m in _EMAIL_ANY.finditer(text):
                out.append(result("EMAIL_ADDRESS", m.start(), m.end(), "email_any", P_EMAIL, 0.9))
        if "." in text:
            for m in _BARE_URL.finditer(text):
                if _plausible_url(m.group(0)):
                    out.append(result("URL", m.start(), m.end(), "url_short", P_EMAIL, 0.85))
        for m in _HANDLE_CUE.finditer(text):
            h = m.group(1)
            lo = h.lower().lstrip("@")
            explicit = bool(re.search(r"(?::|=|\bis)\s*@?$", text[m.start():m.start(1)], re.I))
            # after a platform's name, a word that is not an ordinary one by itself is a handle (two words
            # run together count: "sarahwhite"); after "is" or ":" anything but a function word or an
            # adjective ("my insta is tomcat", not "my insta is private")
            w = words()
            if len(lo) >= 3 and (h.startswith("@") or re.search(r"[\d_.]", lo) or unknown_word(lo)
                                 or not _is_common(lo) and lo not in lx.PLATFORM_FOLLOW and not _prefixed(lo)
                                 or explicit and lo not in w.eng["adj"] and lo not in w.eng["adv"]
                                 and lo not in lx.PLATFORM_FOLLOW and not _verbish(lo)) \
                    and lo not in w.stop and lo not in lx.FILLER_WORDS:
                out.append(result("HANDLE", m.start(1), m.end(1), "handle", P_EMAIL, 0.85))
        for m in _HANDLE.finditer(text):
            if len(m.group(0)) >= 3:
                out.append(result("HANDLE", m.start(), m.end(), "handle", P_EMAIL, 0.9))
        if "_" in text:
            for m in _UNDERSCORE_HANDLE.finditer(text):
                out.append(result("HANDLE", m.start(), m.end(), "handle", P_EMAIL, 0.85))
        if _ID_CONTEXT["abn"].search(text):
            for m in _ABN.finditer(text):
                out.append(result("ID_CODE", m.start(), m.end(), "abn", P_ID + 5, 0.9))
        if _ID_CONTEXT["medicare"].search(text):
            for m in _MEDICARE.finditer(text):
                out.append(result("ID_CODE", m.start(), m.end(), "medicare", P_ID + 5, 0.9))
        if _ID_CONTEXT["tfn"].search(text):
            for m in _TFN.finditer(text):
                out.append(result("ID_CODE", m.start(), m.end(), "tfn", P_ID + 5, 0.9))
        for m in _STUDENT.finditer(text):
            s = m.group(0)
            if re.fullmatch(r"(19|20)\d{2}", s):
                continue
            out.append(result("ID_CODE", m.start(), m.end(), "id_number", P_ID, 0.7))
        for m in _REFERENCE.finditer(text):
            if re.match(r"(?:19|20)\d\d/", m.group(0)):
                continue  # a year range such as 2024/25
            out.append(result("ID_CODE", m.start(), m.end(), "reference_number", P_ID, 0.8))
        for m in _REGO.finditer(text):
            s = m.group(0)
            letters = re.sub(r"[^A-Z]", "", s)
            if letters in lx.ACRONYM_ALLOW or re.fullmatch(r"(COVID|YEAR|YR)", letters):
                continue
            out.append(result("ID_CODE", m.start(), m.end(), "rego", P_ID, 0.7))
        return out


# --------------------------------------------------------------------------- spaCy NER
def informative_token(t, allow_words: frozenset = frozenset()) -> bool:
    """A spaCy token (or lexeme) that can carry an entity :class:`NerRecognizer` keeps:
    capitalised, with a letter, and not a stop word, allowed term, acronym on the allow
    list, month, day, cultural group, country, or a common English word that is no name
    or place.

    Depends on the word alone, so a text none of whose tokens passes gets nothing
    from spaCy's NER whatever its entities are (:func:`ner_may_matter`).
    """
    return _informative(t.orth_, t.is_alpha, t.lower_, allow_words)


def informative_word(t: Tok, allow_words: frozenset = frozenset()) -> bool:
    """:func:`informative_token` for a word of :class:`~copquotes.anonymise.features.Features`."""
    return _informative(t.text, t.alpha, t.lower, allow_words)


def _informative(text: str, is_alpha: bool, lo: str, allow_words: frozenset, cities: bool = True) -> bool:
    """See :func:`informative_token`; with ``cities``, a capitalised city's name that is also an English
    word counts ("Auckland", "Reading": :class:`NerRecognizer` keeps it only as a place, where one fits)."""
    if not (is_alpha or any(c.isalpha() for c in text)):
        return False
    if not text[:1].isupper():
        # a lower-case word can carry a PERSON entity that is kept: a word that reads as a name
        return is_alpha and lo not in allow_words and name_like_lower(lo)
    w = words()
    return (lo not in w.stop and lo not in allow_words and text.upper() not in lx.ACRONYM_ALLOW
            and lo not in lx.MONTHS and lo not in lx.DAYS and lo not in lx.CULTURAL_GROUPS
            and lo not in w.countries and not _calendar_slip(_SUFFIX.sub(r"\1", lo))
            and not (lo in lx.INFORMAL_WORDS and lo not in w.first and lo not in w.last)  # "Karakia", "Covid"
            and not (_is_common(lo) and lo not in w.first and lo not in w.last and (lo,) not in place_index()
                     and not (cities and lo in w.cities)))


def _city_only(t, allow_words: frozenset) -> bool:
    """An :func:`informative_token` only because it is a city's name that is also an English word."""
    return not _informative(t.orth_, t.is_alpha, t.lower_, allow_words, cities=False)


_INFORMATIVE_BY_ORTH: dict[frozenset, dict[int, bool]] = {}


def ner_may_matter(doc, allow_words: frozenset = frozenset()) -> bool:
    """False when no token of ``doc`` is :func:`informative_token`: then every entity spaCy
    could find is dropped by :class:`NerRecognizer`, and running the NER can be skipped.

    The answer per word is cached by its spaCy ``ORTH`` id (one dict look-up per token).
    """
    from spacy.attrs import ORTH

    cache = _informative_cache(allow_words)
    vocab = doc.vocab
    for orth in doc.to_array(ORTH).tolist():
        v = cache.get(orth)
        if v is None:
            lex = vocab[orth]
            v = cache[orth] = _informative(lex.orth_, lex.is_alpha, lex.lower_, allow_words)
        if v:
            return True
    return False


def _informative_cache(allow_words: frozenset) -> dict[int, bool]:
    cache = _INFORMATIVE_BY_ORTH.get(allow_words)
    if cache is None:
        if len(_INFORMATIVE_BY_ORTH) > 8:
            _INFORMATIVE_BY_ORTH.clear()
            _CORE_BY_ORTH.clear()
        cache = _INFORMATIVE_BY_ORTH[allow_words] = {}
    return cache


_CORE_BY_ORTH: dict[int, tuple[int, int]] = {}


def _core(word: str) -> tuple[int, int]:
    a, b = 0, len(word)
    while a < b and not word[a].isalnum():
        a += 1
    while b > a and not word[b - 1].isalnum():
        b -= 1
    return (a, b) if a < b else (0, len(word))


def informative_core_spans(doc, allow_words: frozenset = frozenset()) -> list[tuple[int, int]]:
    """Character spans of the :func:`informative_token` tokens of ``doc``, without the
    punctuation at their ends ("CoP." -> "CoP"): what an entity kept by
    :class:`NerRecognizer` holds at least one of, whatever trimming it goes through."""
    from spacy.attrs import IDX, ORTH

    cache = _informative_cache(allow_words)
    vocab = doc.vocab
    out = []
    for orth, idx in doc.to_array([ORTH, IDX]).tolist():
        v = cache.get(orth)
        if v is None:
            lex = vocab[orth]
            v = cache[orth] = _informative(lex.orth_, lex.is_alpha, lex.lower_, allow_words)
        if v:
            core = _CORE_BY_ORTH.get(orth)
            if core is None:
                core = _CORE_BY_ORTH[orth] = _core(vocab.strings[orth])
            out.append((idx + core[0], idx + core[1]))
    return out


def _leading_verb(toks) -> bool:
    """The small model's entity opens with the verb before a capitalised name ("rang Ms Bowen")."""
    t = toks[0]
    return len(toks) > 1 and t.is_alpha and not t.text[:1].isupper() and any(x.text[:1].isupper() for x in toks[1:]) \
        and (t.pos_ in ("VERB", "AUX") or _verbish(t.lower_)) and t.lower_ not in words().first


def _sentence_start(doc, k: int) -> bool:
    """Token ``k`` of ``doc`` opens the text or a sentence (no parser: the punctuation before it says)."""
    j = k - 1
    while j >= 0 and (doc[j].is_space or doc[j].text in "\"'“‘(["):
        j -= 1
    return j < 0 or doc[j].text in (".", "!", "?", ":", "…")


class NerRecognizer(EntityRecognizer):
    """spaCy's entities (PERSON, ORG, GPE, LOC, FAC), filtered for conversational text."""

    LABELS = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}

    def __init__(self, allow_words: frozenset = frozenset(), name: str = "spacy_ner"):
        self.allow_words = allow_words
        super().__init__(supported_entities=["PERSON", "ORGANIZATION", "LOCATION"], name=name)

    def load(self) -> None:
        pass

    def _city_place(self, text: str, label: str, toks, content) -> bool:
        """spaCy's place whose only name word is a city's name that is also an English word is a place after a
        place's preposition ("I live in Auckland", "moved from Reading"), or, when no word of it is a verb,
        adjective or adverb, anywhere but as the first word of a sentence ("Auckland was great" needs the
        preposition; "Reading the room", "Bath time" stay)."""
        if label != "LOCATION":
            return False
        first = toks[0]
        prev = first.doc[first.i - 1] if first.i > 0 else None
        if prev is not None and prev.lower_ in lx.PLACE_BEFORE and prev.lower_ not in ("for", "of", "between"):
            return True
        vaa = words().eng["vaa"]
        return not any(t.lower_ in vaa for t in content) and not _sentence_start(first.doc, first.i)

    def _everyday_words(self, content, label: str) -> str | None:
        """Is spaCy's entity everyday English capitalised, no name? Every word of it a common word that is
        no first name, allowed term or organisation word (nor, for a place, a place's name), and either
        each an adjective, adverb or stop word (``"praise"``: "Good", "Very Friendly", "All Good", a
        survey answer that capitalises its praise), or one noun opening a sentence (``"noun"``: "Driver
        was punctual", the capital is the sentence's; a name only before a verb of speaking, "Smith said").
        A surname that is also a word ("Mr Driver") is the honorific rule's."""
        w = words()
        adj, adv = w.eng["adj"], w.eng["adv"]
        for t in content:
            lo = t.lower_
            if lo in w.first or lo in self.allow_words or label == "LOCATION" and ((lo,) in place_index() or lo in w.cities) \
                    or lo in lx.ORG_TAIL or lo in lx.PLACE_REGION_TAIL or not (lo in w.stop or _is_common(lo)) or rare_noun(lo):
                return None  # "Spinney leave": a noun the model never met in lower case is a name
        if all(t.lower_ in adj or t.lower_ in adv or t.lower_ in w.stop for t in content):
            return "praise"
        if len(content) == 1 and label != "LOCATION" and _sentence_start(content[0].doc, content[0].i):
            return "noun"
        return None

    def analyze(self, text, entities, nlp_artifacts=None):
        if nlp_artifacts is None:
            return []
        w = words()
        f = None  # the text's features, computed only if a one-word person name needs them
        out = []
        for ent in nlp_artifacts.entities:
            label = self.LABELS.get(ent.label_)
            if label is None:
                continue
            toks = [t for t in ent if not t.is_punct and not t.is_space]
            # trim leading determiners / honorifics and trailing possessives
            while toks and (toks[0].lower_ in ("the", "a", "an", "our", "my", "their", "his", "her") or
                            toks[0].lower_.rstrip(".") in _HONORIFIC_BARE or _leading_verb(toks)):
                toks = toks[1:]
            while toks and toks[-1].lower_ in ("'s", "’s", "'", "’"):
                toks = toks[:-1]
            if not toks:
                continue
            s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            content = [t for t in toks if t.is_alpha or any(c.isalpha() for c in t.text)]
            if not content:
                continue
            if all(not t.text[:1].isupper() for t in content):
                # a lower-case entity: kept when it is a person and one of its words reads as a name
                # ("i spoke with stavros papadopoulos"); otherwise the small model guessing
                if label != "PERSON" or not any(t.is_alpha and t.lower_ not in self.allow_words and name_like_lower(t.lower_)
                                                for t in content):
                    continue
            informative = [t for t in content if informative_token(t, self.allow_words)]
            if not informative:
                continue
            if all(_city_only(t, self.allow_words) for t in informative) and not self._city_place(text, label, toks, content):
                continue  # "Reading the room", "Nice work", "a Bath bomb": a word that is also a city's name
            if label == "LOCATION" and len(content) == 1 and (content[0].lower_ in w.countries or content[0].lower_ in self.allow_words):
                continue
            if len(content) == 1 and (content[0].lower_ in lx.ROLE_NOUNS or content[0].lower_ in lx.SLOT_NOT_NAMES):
                continue  # "the Nurse", "the Council": a role or an everyday word the small model capitalised into a name
            if label in ("ORGANIZATION", "LOCATION") and len(content) == 1 and content[0].lower_ in lx.STRONG_COMMON:
                # "Grace under pressure", "Hope is what keeps me going": a theme word, unless it
                # stands where an organisation or a place would ("at Hope", "in Joy")
                prev = toks[0].nbor(-1).lower_ if toks[0].i > 0 else ""
                if prev not in ("at", "in", "from", "for", "near", "with", "to"):
                    continue
            everyday = self._everyday_words(content, label)
            if everyday == "praise":
                continue  # "Good", "Very Friendly", "All Good": an answer that capitalises its praise
            if everyday == "noun":
                if f is None:
                    f = features(text)
                nx = f.next(ti) if (ti := f.token_at(s)) is not None else None
                if nx is None or nx.lower not in lx.SLOT_SPEECH_AFTER and nx.lower not in _AGENT_VERBS:
                    continue  # "Driver was punctual": the capital is the sentence's ("Smith said" stays)
            if label == "PERSON" and len(content) == 1:
                lo = content[0].lower_
                if f is None:
                    f = features(text)
                ti = f.token_at(s)
                if lo in lx.THEME_WORDS and (ti is None or f.tokens[ti].sent_init or not f.tokens[ti].cap) \
                        and (ti is None or not person_cue(f, ti)):
                    continue  # a theme word (Hope, Grace, Joy, Faith) opening a sentence names a person only with a cue
                if ti is not None and f.tokens[ti].sent_init and lo in w.eng["verb"] and not person_cue(f, ti) \
                        and (lo not in w.first or ti + 1 < len(f.tokens) and f.tokens[ti + 1].lower in _OBJECT_WORDS):
                    continue  # "Drop it off at ...", "Mark my words": an imperative, not a name
            out.append(result(label, s, e, "spacy_ner", P_NER, 0.6))
        return out
