"""Title Case phrases that are the programme's own language, not a name: "Peer Learning And Connection",
"Knowledge Sharing", "Safe Space", "Self Care".

Survey answers and session titles capitalise what they talk about, and spaCy's small model (or a cue such
as "with X") then reads the phrase as a person or an organisation. A phrase is let go only when every word of
it is an ordinary English word that is no first name, no rare noun (the model never met it in lower case),
no place and no organisation word, so "Safe Steps", "Family Life" or "Beyond Blue" (no abstract head) stay
organisations, and a name beside a phrase ("Knowledge Sharing with Priya") keeps the name. Roster and speaker
names and titles ("Mr Brown") are never let go here.
"""
from __future__ import annotations

import re

from . import lexicon as lx
from .features import features
from .gazetteer import place_index
from .recognizers import _ABSTRACT_SUFFIX, _is_common, rare_noun, words

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|&|\S")
#: Function words that may sit inside a Title Case heading, in either case.
_JOINERS = frozenset("and or & of for in with to the".split())
#: A heading capitalises its conjunctions ("Peer Learning And Connection"); organisations write "and".
_CAP_CONJ = frozenset(("And", "Or", "AND", "OR"))
#: Words before "care" that make a kind of care or a sector, not an organisation ("Aged Care", "Self Care").
CARE_KINDS = frozenset("""
self aged health healthcare foster kinship respite child day home primary secondary tertiary community
residential palliative acute intensive disability trauma informed personal out-of-home
""".split())
_KEEP_SOURCES = ("known", "honorific", "roster")
#: Abstract-looking nouns that name a body of people: "United Kingdom Government", "Housing Commission".
_BODIES = frozenset("""
government department administration commission corporation federation organisation organization institution
association foundation congregation partnership fellowship authority university management ministry parliament
assembly committee tribunal secretariat directorate inspectorate constabulary presidency embassy consulate
""".split())


def _ordinary(lo: str, allow_words: frozenset) -> bool:
    """A word that carries no name: an ordinary English word the spaCy model met in lower case
    (:func:`~copquotes.anonymise.lexicon.model_words`: "safe", "sharing"; not "mitchells") that is no first name,
    rare noun, place, country, cultural group, organisation or region word (an allowed programme word counts)."""
    if lo in allow_words:
        return True
    w = words()
    mw = lx.model_words()
    return _is_common(lo) and (not mw or lo in mw) and lo not in w.first and not rare_noun(lo) and (lo,) not in place_index() \
        and lo not in w.countries and lo not in lx.CULTURAL_GROUPS \
        and lo not in lx.ORG_TAIL and lo not in lx.ORG_HEAD_CAP and lo not in lx.ORG_HEAD_OF \
        and lo not in lx.PLACE_REGION_TAIL and lo not in lx.ROLE_NOUNS


#: Heads of programme phrases that are also surnames, though rare ones: "Youth Work", "Safe Place".
_PHRASE_HEADS = frozenset("work place".split())


def _name_like(content: list[str], allow_words: frozenset) -> bool:
    """A word after the first is one of the commonest surnames ("Wren Hill", "Lucky Stone", "Moss Smith"): a
    given name and a surname that are both everyday words. A programme phrase's words are rare surnames or none
    ("Safe Space": "space" is the 27,072nd surname; "Knowledge Sharing", "Action Plan")."""
    last = lx.common_last_names()
    for t in content[1:]:
        lo = t.lower().replace("’", "'")
        lo = lo[:-2] if lo.endswith("'s") else lo
        if lo in last and lo not in _PHRASE_HEADS and lo not in allow_words:
            return True
    return False


#: Verbs before "with" / "to" whose object is a person ("spoke with X", "thanks to X"); not "went to", "finished with".
_TALKED_WITH = frozenset("""
spoke speak speaking spoken talk talked talking chat chatted chatting yarn yarned yarning met meet meeting
paired partnered teamed thanks credit kudos props shoutout shout-out
""".split())


def _person_context(text: str, s: int, e: int) -> bool:
    """``text[s:e]`` stands where only a person fits: after a strong cue ("Thanks X", "told X", "my colleague X",
    "thank you X", "me and X", "spoke with X", "thanks to X") or before a verb of speaking ("X told me", "X said",
    "X and I"). Weaker cues ("X was great", "went to X", "with X") leave a phrase a phrase."""
    f = features(text)
    i, j = f.token_at(s), f.token_at(max(s, e - 1))
    if i is None or j is None:
        return False
    p = f.prev(i)
    if p is not None:
        pp = f.prev(p.i)
        if p.lower in lx.PERSON_BEFORE_STRONG or p.lower in lx.HONORIFICS:
            return True
        if pp is not None and (p.lower == "you" and pp.lower == "thank" or p.lower in ("and", "&") and pp.lower in ("me", "i", "myself")
                               or p.lower in ("with", "to") and pp.lower in _TALKED_WITH):
            return True
    nx = f.next(j)
    if nx is not None:
        if nx.lower in lx.SLOT_SPEECH_AFTER or nx.lower in lx.PERSON_AFTER_STRONG:
            return True
        nn = f.next(nx.i)
        if nx.lower in ("and", "&") and nn is not None and nn.lower in ("i", "me", "myself"):
            return True
    return False


def programme_phrase(text: str, s: int, e: int, kind: str, source: str, allow_words: frozenset = frozenset()) -> bool:
    """Is ``text[s:e]``, found as a person or organisation by ``source``, a Title Case phrase of ordinary words?

    * a person: two or more capitalised words, none a first name ("Safe Space", "Knowledge Sharing"): a person
      is named by a first name or a title, and two surnames that are both everyday words are no one's name;
    * an organisation: two or more capitalised words, with a capitalised "And" / "Or" between them (a heading's
      style: "Peer Learning And Connection") or ending in an abstract noun ("Peer Learning", "Critical
      Reflection"); or a kind of care ("Aged Care", "Self Care And Wellbeing").
    """
    if kind not in ("person", "org", "place") or source.startswith(_KEEP_SOURCES):
        return False
    toks = _WORD.findall(text[s:e])
    content = [t for t in toks if t.lower() not in _JOINERS]
    if len(content) < 2 or any(not (t[:1].isupper() and t[1:2].islower() or t.isupper() and len(t) > 1) for t in content):
        return False  # Title Case words only: "Learning" and "AND", not "learning" or a digit
    if any(t.lower() not in _JOINERS and not t[:1].isalpha() for t in toks):
        return False
    los = [t.lower() for t in content]
    if "care" in los:
        # "Aged Care", "Respite Care and Child Care", "Self Care And Wellbeing": each care is a kind of care
        rest = []
        for i, lo in enumerate(los):
            if lo == "care":
                if i == 0 or los[i - 1] not in CARE_KINDS:
                    return False
                while rest and rest[-1] in CARE_KINDS:
                    rest.pop()
            else:
                rest.append(lo)
        if not rest:
            return True
        los = rest
    if kind == "place" or not all(_ordinary(lo, allow_words) for lo in los):
        return False
    if kind == "person":
        return not _name_like(content, allow_words) and not _person_context(text, s, e)
    w = words()
    head = los[-1]
    if head in _BODIES:
        return False
    return any(t in _CAP_CONJ for t in toks) or head.endswith(_ABSTRACT_SUFFIX) and head not in w.last


def _title_word(t) -> bool:
    return t.alpha and t.cap and not t.poss and (t.text[1:2].islower() or t.upper)


def title_run(text: str, s: int, e: int) -> tuple[int, int]:
    """``text[s:e]`` widened to the Title Case words right beside it in its sentence (what the redactor's
    whole-name rule would take: "Knowledge" -> "Knowledge Sharing"), across a capitalised "And" / "Or"
    ("Peer Learning And Connection")."""
    f = features(text)
    i, j = f.token_at(s), f.token_at(max(s, e - 1))
    if i is None or j is None:
        return s, e
    while not f.tokens[i].sent_init:
        p = f.prev(i)
        if p is None or not _title_word(p) or p.sent_init:
            break  # a sentence's first word is capitalised whatever it is ("Honestly Sky was ...")
        i = p.i
    while True:
        nx = f.next(j)
        if nx is None or f.tokens[j].poss or not _title_word(nx):
            break
        j = nx.i
    return min(s, f.tokens[i].start), max(e, f.tokens[j].end)


#: Words that make the next word a common noun: nobody is "a Pat" or "every Jack".
_ARTICLES = frozenset("a an another every each".split())


def after_article(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """One capitalised word, an ordinary English noun, right after "a" / "an" / "another" / "every": the noun
    of an idiom, not a name ("a Pat on the back", "a Jack of all trades", "every Tom, Dick and Harry" keeps
    "Dick and Harry" to the other rules). Roster names and titles are never let go here."""
    if kind != "person" or source.startswith(_KEEP_SOURCES):
        return False
    f = features(text)
    i = f.token_at(s)
    if i is None or f.tokens[i].end != e or not f.tokens[i].alpha:
        return False
    p = f.prev(i)
    return p is not None and p.lower in _ARTICLES and f.tokens[i].lower in words().eng["noun"]


#: Words that say whom a generic organisation is for, or that it is local ("the Men's Shed", "the Youth Hub").
_FOR_WHOM = frozenset("""
the men mens women womens youth children childrens kids family families community neighbourhood neighborhood local
senior seniors girls boys elders multicultural
""".split())


def generic_org(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """An organisation named by nothing but whom it is for and the kind of place it is ("the Men's Shed", "the
    Youth Hub", "the Women's Refuge"): there is one in many towns, and the town beside it ("the Men's Shed in
    [place]") is what singles it out, so the town is what is redacted. The last word must be an organisation
    word and every word before it one of :data:`_FOR_WHOM` ("Department of Education" stays: a body of its own)."""
    if kind != "org" or source.startswith(_KEEP_SOURCES):
        return False
    toks = [t.lower().replace("’", "'") for t in _WORD.findall(text[s:e])]
    if len(toks) < 2 or any(not t[:1].isalpha() for t in toks):
        return False
    bare = [t[:-2] if t.endswith("'s") else t.rstrip("'") for t in toks]
    return (bare[-1] in lx.ORG_TAIL or bare[-1] in lx.ORG_HEAD_CAP) and all(b in _FOR_WHOM for b in bare[:-1])


_NATIONAL = re.compile(r"(?<![\w'’\-])(?:the\s+)?(?:" + "|".join(re.escape(b).replace("\\ ", r"\s+").replace("'", "['’]")
                                              for b in sorted(lx.NATIONAL_BODIES, key=len, reverse=True)) + r")(?![\w'’\-])", re.I)


def national_body(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """An organisation span inside one of the UK's national bodies named in the text (:data:`~copquotes.anonymise.
    lexicon.NATIONAL_BODIES`: "Public Health England", "the Department for Work and Pensions", of which a recogniser may
    take "Department for Work" only): one for the whole country, it identifies no one. Roster names are never let go."""
    if kind != "org" or source.startswith(_KEEP_SOURCES):
        return False
    return any(m.start() <= s and e <= m.end() for m in _NATIONAL.finditer(text))


#: Words inside a hyphenated phrase that no name holds ("jack-of-all-trades", "mother-in-law").
_PHRASE_INNER = frozenset("of in the and all for to a at on".split())


def hyphen_phrase(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """One word of three parts or more joined by hyphens, with "of" / "in" / "all" / ... inside: a phrase written as a
    word ("a jack-of-all-trades", "my mother-in-law"), no name. Roster names and titles are never let go here."""
    if kind != "person" or source.startswith(_KEEP_SOURCES):
        return False
    parts = text[s:e].lower().split("-")
    return len(parts) >= 3 and " " not in text[s:e] and any(p in _PHRASE_INNER for p in parts[1:-1])


_TRANSLATED_INTO = re.compile(r"\b(?i:translat\w*|interpret\w*|put|subtitled|dubbed)\b[^.!?;\n]{0,60}\b(?:into|in)\s+$")
_LANGUAGE_TAIL = re.compile(r"(?:ish|ese|ian|ic|i|an|ali|ch|sh|que)$")


def translated_into(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """A single capitalised word after "translated/interpreted ... into" is a language, not a person ("translated
    the leaflet into Irish", "interpreting into Tongan"): a demonym-shaped word; roster and speaker names and
    titles are never let go here."""
    if kind != "person" or source.startswith(_KEEP_SOURCES) or " " in text[s:e]:
        return False
    word = text[s:e]
    if not word[:1].isupper() or not _LANGUAGE_TAIL.search(word.lower()):
        return False
    return _TRANSLATED_INTO.search(text[max(0, s - 80):s]) is not None
