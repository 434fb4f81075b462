"""Quotability features of a candidate span, measured on plain text.

Every feature is a number in [0, 1] oriented so that *higher is more quotable*
(penalties are stored as ``1 - penalty``), so a ranker with non-negative weights
can never learn a counter-intuitive sign. They are deliberately general (length,
first person, evaluative language, complete sentences, content words, absence of
fillers, hedges, questions, logistics and dangling openings) rather than tuned to
one writer's style.

Features are computed per sentence (:func:`sentence_stats`) and aggregated over
the 1-4 sentences of a span (:func:`span_features`), so a unit's sentences are
analysed once however many spans they belong to.
"""
from __future__ import annotations

import copy

import functools
import math
import re
from dataclasses import dataclass, field

from ..text import sentence_spans, word_count

WORD = re.compile(r"[A-Za-z0-9’']+(?:[-’'][A-Za-z0-9]+)*|\[[a-z ]+\]")

FEATURES = (
    "length",          # smooth prior: 1 between 15 and 45 words
    "first_person",    # I / me / my / we / our ...
    "evaluative",      # strength of evaluative words (VADER valence lexicon)
    "positive",        # tone (VADER compound, mapped to [0, 1])
    "complete",        # sentences with a verb, a capital start and an end mark
    "content",         # share of content words (nouns, verbs, adjectives, numbers)
    "impact",          # change / experience language: "gave me", "I now", "felt"
    "programme",       # refers to the group, the sessions, the other practitioners
    "memorable",       # an image or a turn of phrase, words rare in this corpus
    "no_fillers",      # um, uh, you know, like, sort of, yeah
    "no_hedges",       # I guess, maybe, I don't know, probably
    "no_question",     # sentences that ask
    "clean_start",     # no leading "and"/"but"/"that"/"it", no "as she said"
    "no_logistics",    # links, cameras, audio, scheduling, greetings, small talk
    "no_suggestion",   # "it would be good to...", "more time", "next time"
)

FIRST_PERSON = re.compile(r"\b(i|i'm|i’m|i've|i’ve|i'd|i’d|i'll|i’ll|me|my|mine|myself|we|we're|we’re|"
                          r"we've|we’ve|us|our|ours|ourselves)\b", re.I)
FILLERS = re.compile(
    r"\b(?:um+|uh+|erm+|er|ah+|hmm+|mm+|you know|i mean|sort of|kind of|kinda|sorta|yeah|yep|yup|"
    r"okay|ok|whatever|and stuff|and everything|or whatever|or something)\b|\blike,|\bright\?|"
    r"\b(\w+)\s+\1\b",
    re.I,
)
HEDGES = re.compile(
    r"\b(?:i guess|i suppose|maybe|perhaps|probably|possibly|i don'?t know|i dunno|not sure|i'm not sure|"
    r"a bit|a little bit|i think maybe|sort of|kind of|might be|could be|somewhat|i reckon|it depends|"
    r"hard to say|not really|i can'?t remember|i forget)\b",
    re.I,
)
LOGISTICS = re.compile(
    r"\b(?:can you (?:all )?(?:hear|see)|hear me|you'?re on mute|on mute|muted|unmute|camera|webcam|my screen|"
    r"share (?:my|the|your) screen|the link|a link|zoom link|teams link|chat box|in the chat|the chat|breakout|"
    r"calendar|invite|the agenda|agenda|housekeeping|slides?|recording|record this|internet|wifi|wi-fi|"
    r"connection|dropped out|frozen|lagging|audio|microphone|mic|headphones|running late|be late|"
    r"sorry i'?m late|jump off|hop off|log off|logged in|log in|password|time zone|reschedul\w*|"
    r"next (?:session|week|month|time we meet)|this afternoon|tomorrow|lunch|coffee|tea|biscuits?|weather|"
    r"raining|the weekend|school holidays|parking|traffic|toilet|bathroom|my dog|the dog|my cat|the kids|"
    r"good morning|good afternoon|hi everyone|hello everyone|hi all|welcome back|thanks everyone|"
    r"thank you everyone|see you|bye|cheers|no worries|email (?:it|you|them|me)|send (?:it|you|that|the) "
    r"(?:out|through|around|link)|survey link|certificate|timesheet|invoice)\b",
    re.I,
)
SUGGESTION = re.compile(
    r"\b(?:would (?:be|have been) (?:good|great|nice|helpful|useful|better)|it would|i would have liked|"
    r"i'?d (?:like|love) (?:to see|more)|would like (?:more|to see)|could (?:have|be) (?:improved|better|longer|shorter)|"
    r"should (?:have|be)|next time|more time|less time|too (?:long|short|early|late)|more (?:sessions|structure|"
    r"case studies|examples|guest)|suggest\w*|recommend\w* (?:more|that|less)|improve\w*|wish (?:there|we|it)|"
    r"if (?:we|they) could|maybe (?:next|more|have)|not enough|didn'?t (?:suit|work for) me)\b",
    re.I,
)
PROGRAMME = re.compile(
    r"\b(?:cop|cops|community of practice|communities of practice|the group|this group|our group|the groups|"
    r"the sessions?|these sessions|each session|every session|the space|this space|that space|the network|"
    r"the facilitators?|facilitation|the program(?:me)?|this program(?:me)?|the series|the community|"
    r"everyone (?:here|in the room|in the group)|the others|other practitioners|other people in|"
    r"people in the room|peers|colleagues|like-minded|the room|each month|every month|monthly|"
    r"being part of|coming (?:here|along|together)|the conversations|these conversations)\b",
    re.I,
)
IMPACT = re.compile(
    r"\b(?:gave me|give me|gives me|given me|helped me|helps me|made me|makes me|taught me|reminded me|"
    r"changed|transformed|shifted|learnt|learned|realis\w+|realiz\w+|discover\w*|felt|feel|feeling|"
    r"walk(?:ed)? (?:in|out|away)|come away|came away|leave|left|i now|now i|i'?m (?:more|now|less)|"
    r"i'?ve (?:become|learnt|learned|started|found|changed|got)|i have (?:become|learnt|learned|found)|"
    r"confiden\w+|connected|inspired|energi[sz]ed|re-?energi[sz]ed|supported|validat\w+|valued|lifeline|"
    r"not alone|less alone|part of something|grown|grew|growth|spark|renewed|hope|brave\w*|courage\w*|"
    r"permission|strength|stronger|back(?:ed)? me|took (?:back|away|home)|take (?:back|away|home)|"
    r"i use|i still|ever since|for the first time|i started|i stopped|i no longer)\b",
    re.I,
)
FIGURATIVE = re.compile(
    r"\b(?:like a|like an|as if|as though|felt like|feels like|a bit like|it'?s like a|"
    r"not just|but also|rather than|instead of|no longer|from (?:\w+ ){0,3}to |for the first time|"
    r"every (?:single )?time|walk(?:ed)? in\b.*\bwalk(?:ed)? out|arriv\w+\b.*\bleav\w+|"
    r"(?:head|heart|fire|spark|lifeline|anchor|oxygen|oasis|home|armour|compass|toolkit|bubble|"
    r"island|village|family|tribe|cup|battery|batteries|storm|mountain|wall|bridge|door|light|"
    r"room where|nobody flinches|breathe|exhale|weight|shoulders|backbone|engine|fuel|refuel|recharge\w*))\b",
    re.I,
)
STOPWORDS = frozenset(
    "a an the and or but so to of in on at for with from by as is are was were be been being it its it's "
    "this that these those i me my we our us you your he she they them their his her there here what which "
    "who whom when where why how all any both each few more most other some such no nor not only own same "
    "than too very can will just do does did doing have has had having am would could should might must "
    "about into through during before after above below up down out off over under again further then once "
    "yeah um uh like know mean really just also get got go going went thing things lot bit kind sort".split()
)

# opening words that point back to something said before the span
_CONJ_STRONG = {"and", "but", "or", "which", "because", "cause", "'cause", "nor"}
# a subordinate clause up front, usually with its main clause in the same sentence ("Although it
# was online, I felt held"): a weaker pointer back
_CONJ_SUBORDINATE = {"whereas", "although", "though"}
# sentence adverbs that continue an argument begun before ("However, this fact...", "Yet it...")
_CONNECTIVE = {"however", "yet", "thus", "hence", "therefore", "still", "instead", "otherwise", "meanwhile",
               "nevertheless", "nonetheless", "furthermore", "moreover", "consequently", "accordingly", "likewise",
               "similarly", "conversely", "regardless", "then"}
_CONJ_WEAK = {"so", "also", "plus", "anyway", "besides", "now"}
_PRONOUN_START = {"it", "it's", "it’s", "this", "that", "that's", "that’s", "these", "those", "they",
                  "they're", "he", "she", "them", "there's"}
_DISCOURSE = {"yeah", "yes", "yep", "no", "well", "oh", "okay", "ok", "right", "um", "uh", "erm", "mm",
              "hmm", "look", "like"}
BACK_REFERENCE = re.compile(
    r"\b(?:as (?:i|you|she|he|they|someone|somebody|others?|\[name\]) (?:said|mentioned|were saying|was saying)|"
    r"like (?:you|she|he|they) said|to (?:add|build) (?:on|to)|building on|going back to|i agree|"
    r"agree with|same (?:here|as|for me)|what (?:she|he|they|you) (?:said|just said)|(?:that|your|her|his) point|"
    r"i was going to say|just to (?:add|echo)|echo (?:what|that)|plus one|\+1|me too|ditto)\b",
    re.I,
)
_NEGATIVE_ANSWERS = re.compile(r"^\s*(?:n/?a|nil|none|nothing|no|not applicable|-+|\.+)\s*[.!]?\s*$", re.I)


@functools.lru_cache(maxsize=1)
def _vader():
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # pragma: no cover - a core dependency in pyproject.toml
        return None
    return SentimentIntensityAnalyzer()


@dataclass(frozen=True)
class SentenceStats:
    """Counts for one sentence; :func:`span_features` adds them up over a span."""

    words: int
    first_person: int
    fillers: int
    hedges: int
    logistics: int
    suggestion: int
    programme: int
    impact: int
    figurative: int
    back_reference: int
    question: bool
    complete: bool
    content: int               # content words (by POS when a spaCy doc is given)
    abs_valence: float         # sum of |valence| of lexicon words
    compound: float            # VADER compound of the sentence
    idf_sum: float = 0.0       # sum of corpus IDF of content words (0 without a corpus)
    idf_n: int = 0
    first_word: str = ""
    first_two: str = ""


def _words(text: str) -> list[str]:
    return WORD.findall(text)


# Penn Treebank tag -> universal POS, for pipelines run without spaCy's attribute_ruler
# (the tagger alone sets ``tag_``; the ruler, which only maps it to ``pos_``, is the slowest part).
_PTB_TO_UPOS = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "CD": "NUM", "MD": "AUX",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
}


def coarse_pos(token) -> str:
    """The token's universal POS: ``pos_`` when set, else mapped from its fine-grained ``tag_``."""
    return token.pos_ or _PTB_TO_UPOS.get(token.tag_, "X")


def sentence_idf(words: list[str], idf: dict | None, idf_max: float = 1.0) -> tuple[float, int]:
    """Sum (scaled to 0-1 per word) and count of the corpus IDF of a sentence's content words."""
    idf_sum, idf_n = 0.0, 0
    if idf:
        for w in words:
            lw = w.lower()
            if lw in STOPWORDS or len(lw) < 3 or lw.startswith("["):
                continue
            idf_sum += min(idf.get(lw, idf_max), idf_max) / idf_max
            idf_n += 1
    return idf_sum, idf_n


def with_idf(stats: "SentenceStats", sentence: str, idf: dict | None, idf_max: float = 1.0) -> "SentenceStats":
    """``stats`` with the IDF part recomputed for this corpus (the rest does not depend on it)."""
    idf_sum, idf_n = sentence_idf(_words(sentence), idf, idf_max)
    new = copy.copy(stats)                 # (dataclasses.replace re-runs __init__: slower)
    object.__setattr__(new, "idf_sum", idf_sum)
    object.__setattr__(new, "idf_n", idf_n)
    return new


def sentence_stats(sentence: str, *, tokens=None, idf: dict | None = None, idf_max: float = 1.0,
                   at_unit_end: bool = False) -> SentenceStats:
    """Counts for one sentence.

    ``tokens`` (optional) are spaCy tokens of the sentence: with them a sentence
    is complete when it has a verb or auxiliary and content words are counted by
    part of speech; without them a simple lexical fallback is used. ``idf`` maps
    lower-case words to their inverse document frequency in the corpus.
    """
    low = sentence.lower()
    words = _words(sentence)
    n = len(words)
    vader = _vader()
    abs_val = 0.0
    if vader is not None:
        lex = vader.lexicon
        abs_val = sum(abs(lex.get(w.lower().strip("'’"), 0.0)) for w in words)
        compound = vader.polarity_scores(sentence)["compound"] if n else 0.0
    else:  # pragma: no cover
        compound = 0.0
    stripped = sentence.strip()
    ends = bool(re.search(r"[.!…]['\"”’)\]]*$", stripped)) or (at_unit_end and not stripped.endswith("?"))
    starts = bool(re.match(r"^[\"“‘'(\[]?[A-Z0-9]", stripped))
    if tokens is not None:
        pos = [coarse_pos(t) for t in tokens]
        has_verb = any(p in ("VERB", "AUX") for p in pos)
        content = sum(
            1 for t, p in zip(tokens, pos)
            if p in ("NOUN", "VERB", "ADJ", "PROPN", "NUM") or (p == "ADV" and t.lower_ not in STOPWORDS)
        )
    else:
        has_verb = bool(re.search(
            r"\b(?:is|was|are|were|be|been|am|'m|'s|'re|'ve|have|has|had|do|does|did|can|could|will|would|"
            r"felt|feel|made|make|gave|give|got|get|went|go|came|come|found|find|learnt|learned|think|thought|"
            r"know|knew|see|saw|help(?:ed|s)?|love[ds]?|need(?:ed|s)?|want(?:ed|s)?|\w+ed)\b", low))
        content = sum(1 for w in words if w.lower() not in STOPWORDS and len(w) > 2)
    idf_sum, idf_n = sentence_idf(words, idf, idf_max)
    first = [w.lower() for w in words[:2]]
    return SentenceStats(
        words=n,
        first_person=len(FIRST_PERSON.findall(sentence)),
        fillers=len(FILLERS.findall(sentence)),
        hedges=len(HEDGES.findall(sentence)),
        logistics=len(LOGISTICS.findall(sentence)),
        suggestion=len(SUGGESTION.findall(sentence)),
        programme=len(PROGRAMME.findall(sentence)),
        impact=len(IMPACT.findall(sentence)),
        figurative=len(FIGURATIVE.findall(sentence)),
        back_reference=len(BACK_REFERENCE.findall(sentence)),
        question=stripped.endswith("?"),
        complete=bool(has_verb and ends and starts and n >= 3),
        content=content,
        abs_valence=abs_val,
        compound=compound,
        idf_sum=idf_sum,
        idf_n=idf_n,
        first_word=first[0] if first else "",
        first_two=" ".join(first),
    )


def length_prior(n_words: int) -> float:
    """1 between 15 and 45 words, falling to about 0.3 at 8 and at 80 words."""
    if n_words <= 0:
        return 0.0
    if n_words < 15:
        return max(0.0, 1.0 - (15 - n_words) * 0.1)
    if n_words > 45:
        return max(0.0, 1.0 - (n_words - 45) * 0.02)
    return 1.0


def start_penalty(first_word: str, first_two: str) -> float:
    """How strongly the opening words point back to something outside the span."""
    w = first_word.lower()
    nxt = first_two.split(" ")[1] if " " in first_two else ""
    if w == "because" and nxt == "of":
        return 0.0             # "Because of the connections I made, ...": a complete sentence
    if w in _CONJ_STRONG:
        return 1.0
    if w in _CONJ_SUBORDINATE:
        return 0.4
    if w in _CONNECTIVE:
        return 0.8
    if w in _PRONOUN_START:
        # "It has been..." / "This group..." are usually the programme, fixed by an edit
        nxt = first_two.split(" ")[1] if " " in first_two else ""
        if w in ("this", "that", "these", "those") and nxt and nxt not in (
                "is", "was", "'s", "are", "were", "has", "had", "made", "makes", "gave", "one", "just", "really"):
            return 0.15        # "this group", "that session": a noun follows
        return 0.5 if w in ("it", "it's", "it’s", "this") else 0.7
    if w in _CONJ_WEAK:
        return 0.4
    if w in _DISCOURSE:
        if w == "no" and first_two.split(" ")[1:2] and first_two.split(" ")[1] in (
                "one", "longer", "matter", "doubt", "other", "amount", "body", "wonder"):
            return 0.0         # "No one is helping me": a subject, not a reply to someone
        return 0.25
    return 0.0


def span_features(stats: list[SentenceStats], *, source_kind: str = "other", starts_unit: bool = True,
                  ends_unit: bool = True, cut_off: bool = False) -> dict[str, float]:
    """The quotability features (:data:`FEATURES`) of a span of consecutive sentences.

    ``starts_unit=False``: the span starts mid-answer, so a dangling opening weighs more;
    ``cut_off`` (with ``ends_unit``): the unit's text was cut off in the source
    (:func:`cut_off`), so its last sentence does not count as complete."""
    n = sum(s.words for s in stats)
    if n == 0:
        return {f: 0.0 for f in FEATURES}
    nf = max(n, 1)
    fillers = sum(s.fillers for s in stats)
    hedges = sum(s.hedges for s in stats)
    logistics = sum(s.logistics for s in stats)
    suggestion = sum(s.suggestion for s in stats)
    programme = sum(s.programme for s in stats)
    impact = sum(s.impact for s in stats)
    figurative = sum(s.figurative for s in stats)
    backref = sum(s.back_reference for s in stats)
    abs_val = sum(s.abs_valence for s in stats)
    compound = sum(s.compound * s.words for s in stats) / nf
    questions = sum(1 for s in stats if s.question)
    n_complete = sum(1 for s in stats if s.complete)
    if cut_off and ends_unit and stats[-1].complete:
        n_complete -= 1
    complete = n_complete / len(stats)
    content = sum(s.content for s in stats) / nf
    idf_n = sum(s.idf_n for s in stats)
    distinct = (sum(s.idf_sum for s in stats) / idf_n) if idf_n else 0.5
    pen = start_penalty(stats[0].first_word, stats[0].first_two)
    if not starts_unit and pen > 0:
        pen = min(1.0, pen + 0.3)          # mid-turn, the referent is in the sentence before
    pen = min(1.0, pen + 0.6 * min(1, backref))
    survey = source_kind == "survey"
    prog = min(1.0, programme / 1.0)
    if survey:
        prog = max(prog, 0.5)             # an answer to a question about the programme
    return {
        "length": length_prior(n),
        "first_person": min(1.0, sum(s.first_person for s in stats) / 2.0),
        "evaluative": 1.0 - math.exp(-abs_val / 3.0),
        "positive": (compound + 1.0) / 2.0,
        "complete": complete,
        "content": min(1.0, max(0.0, (content - 0.25) / 0.35)),
        "impact": 1.0 - math.exp(-impact / 1.5),
        "programme": prog,
        "memorable": 0.5 * min(1.0, figurative / 1.0) + 0.5 * min(1.0, max(0.0, distinct)),
        "no_fillers": 1.0 - min(1.0, 6.0 * fillers / nf),
        "no_hedges": 1.0 - min(1.0, 8.0 * hedges / nf),
        "no_question": 1.0 - questions / len(stats),
        "clean_start": 1.0 - pen,
        "no_logistics": 1.0 - min(1.0, logistics / 2.0),
        "no_suggestion": 1.0 - min(1.0, suggestion / 2.0),
    }


#: Lengths at which survey tools and databases cut a free-text field.
FIELD_LIMITS = frozenset({255, 256, 500, 1000, 1024, 2000, 4000})
_CLOSED = re.compile(r"[.!?…)\]}\"”’'*:;~^]\s*$|[\u2600-\u27bf\U0001F000-\U0001FAFF]\s*$|[:;=]-?[()DPp3]\s*$")
_INFORMAL = frozenset("lol lmao haha hahaha hehe thx thanx pls plz ok okay yay wow omg btw imo tbh xd".split())


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset:
    """Lower-case English words: the WordNet lemmas of the spaCy model's lemmatizer tables,
    their irregular forms and spaCy's stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from ..resources import load_spacy

    lookups = load_spacy().get_pipe("lemmatizer").lookups
    words = set(STOP_WORDS)
    for table in ("lemma_index", "lemma_exc"):
        for pos, entries in lookups.get_table(table).items():
            words.update(w.lower() for w in entries if "_" not in w)
    return frozenset(words)


def is_dictionary_word(word: str) -> bool:
    """An ordinary English word (or an inflected form of one)."""
    w = word.lower().strip("'’")
    if not w.replace("'", "").replace("’", "").isalpha() or w in _INFORMAL:
        return bool(w)             # a number, an emoticon, "lol"
    if len(w) == 1:
        return w in ("a", "i")     # WordNet lists every letter; "...when I w" is cut off
    d = _dictionary()
    if w in d:
        return True
    for suf, rep in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                     ("ing", "e"), ("er", ""), ("er", "e"), ("est", ""), ("ly", ""), ("ness", ""), ("ful", ""),
                     ("n't", ""), ("'s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 2 and w[:len(w) - len(suf)] + rep in d:
            return True
    return False


def cut_off(text: str) -> bool:
    """Whether an answer looks cut off in the source: no closing punctuation at its end, and its
    length is a common field limit (:data:`FIELD_LIMITS`) or its last word is no dictionary word
    ("...when I w"). A capitalised or numeric last word (a name, an acronym, a number) counts
    as a word."""
    t = (text or "").rstrip()
    if not t or _CLOSED.search(t):
        return False
    if len(text) in FIELD_LIMITS or len(t) in FIELD_LIMITS:
        return True
    words = re.findall(r"[A-Za-z’']+|\d+", t)
    if not words or not t[-1].isalpha():
        return False
    last = words[-1]
    if not last[0].islower():
        return False
    return not is_dictionary_word(last)


def is_non_answer(text: str) -> bool:
    """"N/A", "nothing", "-": survey answers that say nothing."""
    return bool(_NEGATIVE_ANSWERS.match(text or ""))


def corpus_idf(texts) -> tuple[dict[str, float], float]:
    """Inverse document frequency of lower-case words over ``texts``, and its maximum."""
    df: dict[str, int] = {}
    n = 0
    for t in texts:
        n += 1
        for w in set(x.lower() for x in WORD.findall(t or "")):
            df[w] = df.get(w, 0) + 1
    idf_max = math.log((n + 1) / 1.0) or 1.0
    return {w: math.log((n + 1) / (c + 1)) + 0.0 for w, c in df.items()}, idf_max


def text_features(text: str, *, source_kind: str = "other", nlp=None, idf=None, idf_max: float = 1.0) -> dict:
    """The features of a whole text taken as one span (convenience for ad-hoc use)."""
    spans = sentence_spans(text)
    doc = nlp(text) if nlp is not None else None
    stats = []
    for i, (s, e) in enumerate(spans):
        toks = [t for t in doc if t.idx >= s and t.idx < e] if doc is not None else None
        stats.append(sentence_stats(text[s:e], tokens=toks, idf=idf, idf_max=idf_max,
                                    at_unit_end=i == len(spans) - 1))
    return span_features(stats, source_kind=source_kind, cut_off=cut_off(text))


__all__ = [
    "FEATURES", "SentenceStats", "sentence_stats", "span_features", "length_prior", "start_penalty",
    "is_non_answer", "cut_off", "is_dictionary_word", "FIELD_LIMITS", "corpus_idf", "text_features", "word_count",
]
