"""A name with a nickname in brackets, in quotes or after "aka" beside it is one name: "Margaret (Peggy) Okafor",
"Tom 'Tommo' Reilly", "Tina (Kristina) Maddox", "Deb ('Debs')", "Robert aka Bobby Jones".

The recognisers find the words; left as separate spans, the brackets and quotes between them survive redaction
("[PERSON] ([PERSON]) [PERSON]") and tell a reader a nickname was there. Here a person span, an alias of one or
two words right after it, and the surname after that become one span, when the alias is itself a name (a person
span, or a capitalised first name) or the surname is a person span ("Sarah (Facilitator)" and "Sarah (CoP lead)
said" stay as they were: no name in the brackets, none after). A place or an organisation before the alias (the
NER's reading of an unfamiliar given name) joins only between two person spans.
"""
from __future__ import annotations

import re

from ..types import Span
from .recognizers import words

#: A word of a name, without a possessive: "O'Neill", "Steve-o", not "Okafor's".
_WORD = r"[A-Za-z][\w\-]*(?:['’](?!s\b)[A-Za-z][\w\-]*)?"
_ALIAS = re.compile(
    r"[ \t]+(?:\(['\"‘“]?|['\"‘“]|(?i:aka|a\.k\.a\.?|also known as|known as)[ \t]+)"  # a bracket, a quote or "aka"
    r"(?P<alias>" + _WORD + r"(?:[ \t]+" + _WORD + r")?)"
    r"(?P<close>['\"’”]?\)|['\"’”]|)"
    r"(?P<surname>[ \t]+" + _WORD + r")?")


_AKA = re.compile(r"\b([A-Z][\w\-]+)[ \t]+(?i:aka|a\.k\.a\.?)[ \t]+")
_HINT = re.compile(r"[(\"'‘“]|\baka\b|a\.k\.a|known as", re.I)


def _person_over(spans: list[Span], a: int, b: int) -> Span | None:
    return next((sp for sp in spans if sp.kind == "person" and sp.start < b and a < sp.end), None)


def join_aliases(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` (sorted, not overlapping) with each name + alias (+ surname) joined into one person span."""
    if not _HINT.search(text):
        return spans
    first, stop = words().first, words().stop
    out = list(spans)
    for m in _AKA.finditer(text):  # "Siddharth aka Sid Raman": whatever stands before "aka" is a name too
        after = next((x for x in out if x.kind == "person" and x.start == m.end()), None)
        if after is not None and not any(x.start < m.end(1) and m.start(1) < x.end for x in out):
            out = sorted(out + [Span(m.start(1), m.end(1), "person", after.source, after.score)], key=lambda x: x.start)
    for sp in list(out):
        if sp.kind not in ("person", "place", "org") or sp not in out:
            continue
        # the alias may open right after the span, or inside it when a recogniser took the quote along
        m = _ALIAS.match(text, sp.end)
        if m is None and " " in text[sp.start:sp.end]:
            m = _ALIAS.match(text, text.rfind(" ", sp.start, sp.end))
        if m is None:
            continue
        opened = text[m.start():m.start("alias")].strip()
        if opened[:1] in "(\"'‘“" and not m.group("close") or opened[:1] not in "(\"'‘“" and m.group("close"):
            continue  # a bracket or a quote opened and not closed, or closed and not opened
        alias, sur = m.group("alias"), m.group("surname")
        alias_person = _person_over(out, m.start("alias"), m.end("alias")) is not None
        alias_name = alias_person or alias[:1].isupper() and alias.split()[0].lower() in first
        sur_person = sur is not None and _person_over(out, m.start("surname"), m.end("surname")) is not None
        sur_ok = sur_person or sur is not None and sur.strip()[:1].isupper() and sur.strip().lower() not in stop
        if not (alias_name or sur_person) or sp.kind != "person" and not (alias_person and sur_person):
            continue  # a person's name on each side of a place's or organisation's: "Siosaia 'Sia' Taufa"
        if not opened[:1] in "(\"'‘“" and not alias_person:
            continue  # "aka" and an alias nobody found
        end = m.end("surname") if sur_ok else m.end("close")
        inside = [x for x in out if x.start < end and sp.start < x.end]
        if any(x.kind != "person" and x is not sp and not (m.start("alias") <= x.start and x.end <= m.end("alias"))
               for x in inside):
            continue  # an organisation or a place beside it: no nickname (the NER may read the alias as one: "Kit")
        start = min(x.start for x in inside)
        end = max([end] + [x.end for x in inside])
        out = [x for x in out if x not in inside] + [Span(start, end, "person", sp.source, max(x.score for x in inside))]
        out.sort(key=lambda x: x.start)
    return out
