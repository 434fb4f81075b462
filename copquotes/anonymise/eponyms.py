"""Names that name a condition or a method, not a person: "Crohn's", "Huntington's disease", "Down
syndrome", "the Gibbs reflective cycle", "Kolb's cycle", "the Johari window", "Bloom's taxonomy".

Participants talk about conditions and about the models they were taught, and the person rules read the
eponym as someone mentioned ("about Crohn's", "we used the Gibbs ..."). A one-word name candidate is let
go when a condition word or a method word follows it (its possessive between them or not), or when it is
one of the few eponyms that stand alone, possessive, for their condition ("Crohn's", "Alzheimer's";
"Huntington" alone may be a town), or when the name read in its method's word ("Schwartz Rounds"). Two-word names ("Miriam Bell's palsy"), roster and speaker names and
titles ("Dr Kolb") are never let go here, and a possessive before a word people own ("Priya's framework",
"Sam's model") stays a person: the possessive takes only the methods nobody calls their own.
"""
from __future__ import annotations

import re

_KEEP_SOURCES = ("known", "honorific", "roster")
#: eponyms that stand alone for their condition ("my mum has Alzheimer's", "Tourette's is misunderstood");
#: surnames common in these countries ("Wilson", "Graves", "Bell", "Addison") are not among them
CONDITION_EPONYMS = frozenset("""
crohn crohns alzheimer alzheimers parkinson parkinsons huntington huntingtons tourette tourettes asperger aspergers
hodgkin hodgkins raynaud raynauds meniere menieres ménière sjogren sjögren duchenne guillain creutzfeldt munchausen
cushing cushings kawasaki perthes
""".split())
#: what a name before it names instead of a person: a condition or its kind
_CONDITION_WORDS = r"disease|syndrome|palsy|disorder|dementia|lymphoma|sarcoma|phenomenon|sign|contracture"
#: methods named after their author, with or without the possessive ("Kolb's cycle", "the Kolb cycle")
_METHOD_ANY = r"cycle|taxonomy|hierarchy|triangle|pyramid|ladder|razor|curve|paradox"
#: ... and those only without it ("the Duluth model", "the Johari window"; "Sam's model" is Sam's)
_METHOD_BARE = (r"model|window|framework|method|matrix|scale|technique|inventory|questionnaire|wheel|grid|theory|"
                r"principle|stages|rounds")
#: ... and "groups" after a word read as a person or unknown to every list ("Balint groups"), never after a known
#: place ("the Goulburn groups")
#: nor as a verb before its object ("Priya groups the cards")
_AFTER_GROUPS = re.compile(r"\s+(?i:groups)\b(?!\s+(?i:the|them|people|everyone|everybody|us|our|their|his|her|its|it|"
                           r"things|a|an|all|these|those|together|ideas|cards|students|kids)\b)")
_ADJ = r"(?:(?:reflective|learning|experiential|drama|needs|change|behaviour|behavior|stress)\s+)?"
_POSS = r"['’]s?"
_AFTER_CONDITION = re.compile(r"(?:" + _POSS + r")?\s+(?i:" + _CONDITION_WORDS + r")\b")
_AFTER_METHOD_POSS = re.compile(_POSS + r"\s+" + _ADJ + r"(?i:" + _METHOD_ANY + r")\b")
_AFTER_METHOD_BARE = re.compile(r"\s+" + _ADJ + r"(?i:" + _METHOD_ANY + r"|" + _METHOD_BARE + r")\b")
_METHOD_WORD = re.compile(r"(?i:" + _METHOD_ANY + r"|" + _METHOD_BARE + r")")
_AFTER_ALONE = re.compile(r"['’]s(?![\w'’])")


def eponym(text: str, s: int, e: int, kind: str, source: str) -> bool:
    """``text[s:e]``, read as a name, names a condition or a method (see the module)."""
    if kind not in ("person", "org", "place") or source.startswith(_KEEP_SOURCES):
        return False
    surface = text[s:e]
    words = surface.split()
    if len(words) == 2 and surface[:1].isupper() and _METHOD_WORD.fullmatch(words[1]):
        return True  # the method's own word read into the name: "Schwartz Rounds", "Duluth Model"
    if len(words) != 1 or not surface[:1].isupper():
        return False
    if _AFTER_CONDITION.match(text, e) or _AFTER_METHOD_POSS.match(text, e) or _AFTER_METHOD_BARE.match(text, e):
        return True
    if (kind == "person" or source == "oov") and _AFTER_GROUPS.match(text, e):
        return True
    return re.sub(r"['’]s?$", "", surface).lower() in CONDITION_EPONYMS and bool(_AFTER_ALONE.match(text, e))
