"""Accents and decomposed Unicode: the recognisers see one spelling, the spans fit the original.

Text typed on a Mac or exported by some survey tools is in decomposed form (NFD: "e" followed by a
combining acute accent), and names and ordinary words alike may carry accents ("José García",
"café"). The recognisers read word lists in plain ASCII, so :func:`fold` gives them a copy of the text
with each letter and its combining marks composed (NFC) and then reduced to its base letter where that
is one ASCII letter ("José" -> "Jose", "café" -> "cafe"), and with the offsets of every character of
the copy in the original. :func:`to_original` carries spans back; :func:`whole_marks` makes sure no span
ever ends between a base character and its combining mark (the redacted text would show the mark).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from ..types import Span


def _segments(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each base character with the combining marks after it."""
    out: list[tuple[int, int]] = []
    for k, ch in enumerate(text):
        if out and unicodedata.combining(ch):
            out[-1] = (out[-1][0], k + 1)
        else:
            out.append((k, k + 1))
    return out


def _plain(ch: str) -> str:
    """``ch`` without its accents when it is an ASCII letter with marks ("é" -> "e"), else ``ch``."""
    d = unicodedata.normalize("NFD", ch)
    if len(d) > 1 and d[0].isascii() and d[0].isalpha() and all(unicodedata.combining(x) for x in d[1:]):
        return d[0]
    return ch


def _plain_segment(seg: str) -> str:
    """A base character and its marks as one ASCII letter when it is one ("e" + acute -> "e"), else
    composed (NFC), each character of it without accents where it has a plain form."""
    d = unicodedata.normalize("NFD", seg)
    if d[0].isascii() and d[0].isalpha() and all(unicodedata.combining(x) for x in d[1:]):
        return d[0]
    return "".join(_plain(c) for c in unicodedata.normalize("NFC", seg))


class Folded:
    """A text as the recognisers see it, with the original offsets of each of its characters."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int] | None, ends: list[int] | None):
        self.text, self.starts, self.ends = text, starts, ends


_WORD_WITH_I = re.compile(r"[A-Za-z]*I[A-Za-z]*")
_MID_CAPITAL_I = re.compile(r"[a-z]I[a-z]")
_LOWER_I_WORD = re.compile(r"[A-Za-z]*i[A-Za-z]*")


def repair_capital_i(text: str) -> str:
    """``text`` with the lower-case "i" given back where the export turned every one into "I".

    Some survey exports (NHS Friends and Family Test comments among them) come with every
    lower-case "i" written "I" ("FrIendly staff, Good communIcatIon"): the recognisers then read
    "FrIendly" as an acronym and the NER sees capitalised words everywhere. A text where words
    with an "I" between lower-case letters are at least as many as words with a lower-case "i"
    ("I am very happy wIth the care I received": a few were missed) is such a text: each "I"
    inside a word with lower-case letters becomes "i" (same length: the offsets hold), and an "I"
    opening one only when the word then reads as English ("It", "InformatIon"; "Imran" stays); the
    pronoun "I" and words in capitals ("ICU") stay as they are."""
    if "I" not in text:
        return text
    inner = len(_MID_CAPITAL_I.findall(text))
    if not inner or inner < len(_LOWER_I_WORD.findall(text)):
        return text
    from .recognizers import words

    w = words()

    def word_fix(m: re.Match) -> str:
        word = m.group(0)
        if word.isupper():
            return word  # "I", "IT", "ICU"
        inner = word[0] + word[1:].replace("I", "i")
        if word[0] == "I" and word[1:2].islower():
            low = inner.lower()
            if low in w.stop or low in w.eng["any"] or low[:-1] in w.eng["any"] and low.endswith("s"):
                return "i" + inner[1:]  # "It", "Is", "InformatIon"; not "Imran"
        return inner

    return _WORD_WITH_I.sub(word_fix, text)


def fold(text: str) -> Folded:
    """``text`` composed (NFC, letter by letter) and with accents taken off ASCII letters, and
    with the "i" an export wrote "I" given back (:func:`repair_capital_i`, same length); the
    offsets map back unless nothing changed (ASCII text: no map, the fast path)."""
    repaired = repair_capital_i(text)
    if repaired is not text:
        f = fold(repaired)
        return Folded(f.text, f.starts or list(range(len(text))), f.ends or list(range(1, len(text) + 1)))
    if text.isascii():
        return Folded(text, None, None)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b in _segments(text):
        piece = _plain_segment(text[a:b])
        parts.append(piece)
        starts.extend([a] * len(piece))
        ends.extend([b] * len(piece))
    out = "".join(parts)
    if out == text:
        return Folded(text, None, None)
    return Folded(out, starts, ends)


def fold_name(value: str) -> str:
    """A roster name, alias or allowed term spelt as :func:`fold` spells the text."""
    return fold(value).text if value else value


def to_original(folded: Folded, spans: Sequence[Span]) -> list[Span]:
    """Spans of ``folded.text`` as offsets into the original text."""
    if folded.starts is None:
        return list(spans)
    return [Span(folded.starts[sp.start], folded.ends[sp.end - 1], sp.kind, sp.source, sp.score)
            for sp in spans if sp.end > sp.start]


def whole_marks(text: str, spans: Sequence[Span]) -> list[Span]:
    """Spans that start on a base character and take every combining mark after their last one."""
    if text.isascii():
        return list(spans)
    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        while s > 0 and unicodedata.combining(text[s]):
            s -= 1
        while e < len(text) and unicodedata.combining(text[e]):
            e += 1
        out.append(sp if (s, e) == (sp.start, sp.end) else Span(s, e, sp.kind, sp.source, sp.score))
    return out
