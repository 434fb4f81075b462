"""Re-identification and safety flags for reviewers (never silently dropped).

Quasi-identifiers: a role plus a place, "the only ... in/at ...", an age, a
disability, a cultural or language group, a named event or a date. Violence-case
details: a victim-survivor's or perpetrator's story, a disclosure. Each flag
names its span and why; ``hold`` keeps a quote from export until reviewed,
``warn`` demotes it. A reason quotes the flagged words as the anonymised text shows
them (the redaction ``spans`` rendered as placeholders): "details of a violence case
('my ex [name] hit')", never the raw words.
"""
from __future__ import annotations

import re
from typing import Iterable

from ..disclosure.render import redact_span
from ..text import sentence_spans
from ..types import Flag, Span
from . import lexicon as lx

_ROLES = (r"prevention (?:worker|officer|lead|coordinator|practitioner)|principal|deputy principal|teacher|"
          r"wellbeing (?:coordinator|lead|teacher)|(?:respectful relationships|rr|rre) lead|nurse|counsellor|"
          r"social worker|youth worker|case manager|gp|doctor|police officer|detective|chaplain|coach|"
          r"health promotion officer|team leader|manager|director|ceo|councillor|mayor|coordinator|facilitator|"
          r"midwife|librarian|receptionist|president|captain|sole worker|only worker|school captain")
_ROLE_RE = re.compile(r"\b(?:" + _ROLES + r")s?\b", re.I)
_ONLY_RE = re.compile(
    r"\b(?:the|am the|i'm the|i am the|was the|only)\s*(?:only|sole|lone)\s+([\w\s'’-]{2,40}?)\s+(?:in|at|for|across|from|within|on|out of)\s+"
    r"(?:the\s+|my\s+|our\s+|a\s+|this\s+)?[\w\[\]'’-]+(?:\s+[A-Z\[][\w\]'’-]*)*", re.I)
_ONLY_SIMPLE = re.compile(r"\b(?:the|the\s+one)\s+only\s+(?:one|person|man|woman|worker|teacher|[a-z]+\s+(?:worker|person|practitioner|officer))\b", re.I)
# "the only word for it", "the only thing I wanted", "the only time I ...": not a person
_NOT_A_PERSON = frozenset("word words thing things way ways time times reason reasons place places option options "
                          "answer choice part bit day days session sessions space question problem hope chance "
                          "downside difference criticism complaint suggestion".split())
# "you're not the only one", "I'm no longer the only ...": the speaker is one of several
_NEGATED = re.compile(r"(?:\bnot|n't|\bno longer|\bnever)\s+(?:\w+\s+)?$", re.I)
_SOLE = re.compile(r"\b(?:sole|lone|only)\s+(?:worker|practitioner|prevention worker|person|one)\b.{0,40}?\b(?:in|at)\s+\S+", re.I)
_AGE_RE = re.compile(
    r"\b(?:\d{1,2}[- ]?(?:years?[- ]old|yo|y/o|yrs? old)|(?:i'm|i am|aged?|turned|turning)\s+\d{2}\b(?!\s*(?:%|percent|hours|minutes|years|sessions|people|kids|students))|"
    r"in (?:my|her|his|their) (?:early |mid |late |mid-)?(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|[2-8]0s))", re.I)
# an exact age beside the person it belongs to, without "years old": "my son, 34, came", "my daughter (16)",
# "she was 15 when it started"
_AGE_KIN_RE = re.compile(
    r"\b(?:my|her|his|their|our)\s+(?:son|daughter|child|kid|boy|girl|mum|mom|mother|dad|father|nan|nana|gran|grandma|"
    r"grandmother|grandad|granddad|grandfather|grandson|granddaughter|husband|wife|partner|brother|sister|aunt|aunty|"
    r"uncle|nephew|niece|stepson|stepdaughter)\s*(?:,\s*|\(\s*)\d{1,3}\s*(?=,|\))|"
    r"\b(?:i|she|he)\s+(?:was|is|am)\s+\d{1,2}(?=\s+(?:when|at\s+the\s+time|then|years?\s+of\s+age)\b)", re.I)
# a range or a band of ages is no one person's age: "aged 18-25", "aged 18 to 25", "the over 65s"
_AGE_BAND_AFTER = re.compile(r"\s*(?:-|–|to)\s*\d")
# an age over 89 sets one person apart (HIPAA's Safe Harbor counts it an identifier): held for review
_VERY_OLD = re.compile(r"\b(?:9\d|1[01]\d)\b")
_DISABILITY_RE = re.compile(
    r"\b(?:disabled|disability|disabilities|deaf|hard of hearing|blind|low vision|vision impaired|wheelchair|autistic|autism|adhd|"
    r"dyslexi\w+|chronic (?:illness|pain|fatigue)|mental illness|bipolar|schizophreni\w+|ptsd|neurodivergent|neurodiverse|"
    r"acquired brain injury|cerebral palsy|multiple sclerosis|epilep\w+|amputee|hearing aid|ndis participant|"
    r"intellectual disability|cancer|dementia)\b", re.I)
# CULTURAL_GROUPS is a set of single words, so its multi-word entries ("first nations", "torres
# strait") arrive as parts: those parts alone ("for the first time", "south of town") are no
# identity group and match only inside the phrases below
_PHRASE_ONLY = frozenset("first nations torres strait south latin sri".split())
_CULTURE_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(c) for c in lx.CULTURAL_GROUPS
                                                       if len(c) > 3 and c not in _PHRASE_ONLY), key=len, reverse=True))
                         + r"|torres strait islanders?|torres strait|first nations|first peoples|south sudanese|sri lankan|"
                           r"latin american|cald|migrant|refugee|"
                           r"asylum seeker|culturally and linguistically diverse|interpreter|trans|transgender|non-binary|nonbinary|"
                           r"queer|lesbian|gay|bisexual|intersex|muslim|hijab)\b", re.I)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE_RE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTHS + r")\b(?:\s+\d{4})?|(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|(?:last|this|next)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))", re.I)
_EVENT_RE = re.compile(
    r"\b(?:(?:the\s+)?(?:\d{4}\s+)?(?:[A-Z\[][\w\]'’-]*\s+){1,4}(?:Forum|Conference|Summit|Festival|Symposium|Walk|Rally|Vigil|Launch|Awards|Gala|Expo|Breakfast|March)\b|"
    r"(?:the\s+)?(?:fires?|floods?|bushfires?|lockdowns?)\s+in\s+\S+|(?:the\s+)?\d{4}\s+(?:forum|conference|summit|festival|awards))")
_VIOLENCE_RE = re.compile(
    r"\b(?:(?:my|her|his|their|the)\s+(?:ex|ex-partner|ex-husband|ex-wife|partner|husband|wife|boyfriend|girlfriend|father|dad|"
    r"stepfather|step-father|mother|mum|brother|uncle|son)\s+(?:\w+\s+){0,3}?(?:hit|hits|punched|strangled|choked|raped|assaulted|"
    r"abused|stabbed|killed|murdered|threatened|stalked|beat|bashed|kicked|pushed|controlled|hurt|attacked)|"
    r"(?:i|she|he|they)\s+(?:was|were|had been|got)\s+(?:being\s+)?(?:abused|assaulted|raped|strangled|stalked|beaten|bashed|hit|threatened|attacked)|"
    r"(?:intervention order|ivo|avo|protection order|safe house|women'?s refuge|refuge)\b|"
    r"when i left (?:him|her|them)|(?:a|one|my|the)\s+(?:student|girl|boy|young person|colleague|client|woman|mum|parent|child|kid)\s+"
    r"(?:\w+\s+){0,3}?disclosed|disclosed (?:to me|that)|(?:my|her|his) (?:own )?story (?:of|about) (?:violence|abuse)|"
    r"(?:was|were) killed by|perpetrator (?:was|is) (?:my|her|his|their))", re.I)
# Second tier, per sentence: a person and an act of violence or coercive control in one
# sentence ("he strangled her", "her partner had taken her car keys and her phone").
_VIOLENT_ACT = re.compile(
    r"\b(?:hit|hits|hitting|punch(?:ed|ing)?|strangl(?:ed|ing)|chok(?:ed|ing)|rap(?:ed|ing)|sexually assault(?:ed|ing)|"
    r"assault(?:ed|ing)|abus(?:ed|ing)|stabb(?:ed|ing)|kill(?:ed|ing)|murder(?:ed|ing)|stalk(?:ed|ing)|"
    r"bash(?:ed|ing)|beat(?:en|ing)?|kick(?:ed|ing)|slapp(?:ed|ing)|threaten(?:ed|ing) to kill|"
    r"locked (?:her|him|them) (?:in|out))\b", re.I)
_CONTROL_ACT = re.compile(
    r"\b(?:(?:took|taken|takes|taking|hid|hidden|hides|smashed|broke) (?:away )?(?:her|his|their|my) "
    r"(?:\w+ )?(?:car keys|keys|phone|money|bank ?card|cards|passport|medication|car)|"
    r"(?:couldn'?t|could not|wasn'?t allowed to|won'?t let (?:her|him|them)|wouldn'?t let (?:her|him|them)) "
    r"(?:leave|go out|see (?:her|his|their|my) (?:family|friends)|work)|track(?:s|ed|ing)? (?:her|his|their|my) (?:phone|location|car))",
    re.I)
_PERSON_WORD = re.compile(
    r"\b(?:he|she|him|her|they|partner|husband|wife|boyfriend|girlfriend|ex|dad|father|stepfather|mum|mother|"
    r"victim|survivor|client|woman|women|child|kid|student|daughter|son)\b", re.I)
_NOT_A_CASE = re.compile(r"\b(?:backlash|comments?|online|trolls?|emails?|complain(?:ed|t|ts)?|agenda)\b", re.I)
_PLACE_WORD = re.compile(r"\b(?:town|community|school|council|shire|region|area|suburb|district|service|organisation|organization)\b", re.I)


# Mentions flagged wherever they occur: (pattern, reason with the shown words, strip them)
_MENTIONS = (
    (_DISABILITY_RE, "a disability or health condition ('{}')", False),
    (_CULTURE_RE, "a cultural, language or identity group ('{}')", False),
    (_DATE_RE, "a date ('{}') can tie the text to one event", False),
    (_EVENT_RE, "a named event ('{}')", True),
)
_CASE_REASON = "details of a violence case ('{}'): a victim-survivor's or perpetrator's story can identify them"
_CONTROL_REASON = "details of coercive control ('{}'): a victim-survivor's story can identify them"


def risk_flags(text: str, doc=None, spans: Iterable[Span] | None = None) -> list[Flag]:
    """Quasi-identifiers and violence-case details in ``text``.

    ``spans``: the redaction spans (when known) so that a role near a redacted
    place or organisation is caught as "role plus a place"; ``doc``: a spaCy Doc
    of ``text`` (optional), whose NORP/EVENT/DATE entities add flags.
    """
    if not text:
        return []
    spans = list(spans or ())

    def shown(a: int, b: int) -> str:
        # a reason quotes the flagged words already anonymised (the stored redaction spans
        # rendered by the disclosure layer): a reason never carries a name the text hides
        return redact_span(text, spans, a, b)

    # each step sees the flags of the steps before it (a later one skips what is flagged)
    flags: list[Flag] = []
    _violence_flags(text, shown, flags)
    _one_person_flags(text, flags)
    _role_place_flags(text, spans, shown, flags)
    _age_flags(text, shown, flags)
    for pattern, reason, strip in _MENTIONS:
        for m in pattern.finditer(text):
            words = shown(m.start(), m.end())
            flags.append(Flag("quasi_identifier", m.start(), m.end(), reason.format(words.strip() if strip else words)))
    if doc is not None:
        for ent in getattr(doc, "ents", ()):
            if ent.label_ in ("NORP", "EVENT", "LANGUAGE") and not _inside(flags, ent.start_char):
                flags.append(Flag("quasi_identifier", ent.start_char, ent.end_char,
                                  f"a {ent.label_.lower()} mention ('{shown(ent.start_char, ent.end_char)}')"))
    return _sorted_unique(flags)


def _age_flags(text: str, shown, flags: list[Flag]) -> None:
    """An exact age is a quasi-identifier (docs DOMAIN: with a role or a place it points to one person), flagged,
    not redacted: "my 34-year-old son", "aged 87", "my son, 34,". An age over 89 is held for review; a band of
    ages ("aged 18-25", "the over 65s") is no one person's age."""
    ages: list[Flag] = []
    for rx in (_AGE_RE, _AGE_KIN_RE):
        for m in rx.finditer(text):
            if _AGE_BAND_AFTER.match(text, m.end()) or _inside(ages, m.start()):
                continue
            severity = "hold" if _VERY_OLD.search(m.group(0)) else "warn"
            reason = "an age ('{}')" + (" over 89 sets one person apart" if severity == "hold" else "")
            ages.append(Flag("quasi_identifier", m.start(), m.end(), reason.format(shown(m.start(), m.end())), severity))
    flags.extend(ages)


def _inside(flags: list[Flag], pos: int) -> bool:
    return any(f.start <= pos < f.end for f in flags)


def _violence_flags(text: str, shown, flags: list[Flag]) -> None:
    """Violence-case details (hold): the phrases of ``_VIOLENCE_RE``, then per sentence not
    flagged yet a person with an act of violence (not about backlash) or of coercive control."""
    for m in _VIOLENCE_RE.finditer(text):
        flags.append(Flag("violence_detail", m.start(), m.end(), _CASE_REASON.format(shown(m.start(), m.end())), "hold"))
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        if any(f.kind == "violence_detail" and a <= f.start < b for f in flags):
            continue
        if not _PERSON_WORD.search(sentence):
            continue
        act = _VIOLENT_ACT.search(sentence)
        if act and not _NOT_A_CASE.search(sentence):
            flags.append(Flag("violence_detail", a, b, _CASE_REASON.format(shown(a + act.start(), a + act.end())), "hold"))
            continue
        ctl = _CONTROL_ACT.search(sentence)
        if ctl:
            flags.append(Flag("violence_detail", a, b, _CONTROL_REASON.format(shown(a + ctl.start(), a + ctl.end())),
                              "hold"))


def _one_person_flags(text: str, flags: list[Flag]) -> None:
    """'The only ... in/at ...' and a sole worker in a place (hold); 'the only ...' alone (warn)."""
    for m in _ONLY_RE.finditer(text):
        if _not_one_person(m):
            continue
        flags.append(Flag("quasi_identifier", m.start(), m.end(), "'the only ... in/at ...' points to one person", "hold"))
    for m in _SOLE.finditer(text):
        if not _inside(flags, m.start()):
            flags.append(Flag("quasi_identifier", m.start(), m.end(),
                              "a sole worker in a named place points to one person", "hold"))
    for m in _ONLY_SIMPLE.finditer(text):
        if not _inside(flags, m.start()) and not _NEGATED.search(text, 0, m.start()):
            flags.append(Flag("quasi_identifier", m.start(), m.end(), "'the only ...' can point to one person", "warn"))


def _not_one_person(m: re.Match) -> bool:
    """A 'the only ... in/at ...' match about a thing ('the only word for it', 'the only time in
    my career'): no person is pointed at. (Said negated, 'not the only worker in [place]', it
    still tells how few there are: kept.)"""
    return (m.group(1).split() or [""])[0].lower() in _NOT_A_PERSON


def _role_place_flags(text: str, spans: list[Span], shown, flags: list[Flag]) -> None:
    """A role in a sentence with a place or organisation (a redacted one, or 'my/our/small/
    tiny/local town, school, ...'): the first role of the sentence is flagged."""
    places = [s for s in spans if s.kind in ("place", "org")]
    for a, b in sentence_spans(text):
        roles = [m for m in _ROLE_RE.finditer(text, a, b)]
        if not roles:
            continue
        near = [s for s in places if a <= s.start < b] or [m for m in _PLACE_WORD.finditer(text, a, b)
                                                           if re.search(r"\b(?:my|our|small|tiny|local)\s+$", text[max(a, m.start() - 8):m.start()], re.I)]
        if near:
            r = roles[0]
            flags.append(Flag("quasi_identifier", r.start(), r.end(),
                              f"a role ('{shown(r.start(), r.end())}') together with a place or organisation in the same"
                              " sentence can identify the speaker"))


def _sorted_unique(flags: list[Flag]) -> list[Flag]:
    """By position; of flags of one kind on one span, the first found."""
    flags.sort(key=lambda f: (f.start, f.end, f.kind))
    out: list[Flag] = []
    for fl in flags:
        if out and out[-1].start == fl.start and out[-1].end == fl.end and out[-1].kind == fl.kind:
            continue
        out.append(fl)
    return out
