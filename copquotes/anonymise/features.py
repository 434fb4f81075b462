"""Per-text token features shared by the recognisers (computed once per text)."""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

# words: letters/digits with inner apostrophes, hyphens, ampersands ("O'Brien", "P-12", "Evans-Whitfield")
TOKEN_RE = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")
_SENT_GAP = re.compile(r"[.!?\n:;\"“”(\[•*]|--|—|–")
_TITLE_ABBREV = frozenset("dr mr mrs ms mx st mt prof fr rev cr no vs eg ie".split())
_INNER = str.maketrans("", "", "'’-")  # characters a word may hold besides letters


class Tok(NamedTuple):
    """One word of a text (a named tuple: cheap to build, ~20 per text)."""

    i: int
    start: int
    end: int          # end of the word without a possessive 's
    text: str         # word without a possessive 's
    lower: str
    cap: bool         # first character upper case ("Sarah", "McAllister", "KN")
    upper: bool       # every letter upper case and at least two letters ("BCHS")
    alpha: bool       # letters (and inner ' - ) only
    sent_init: bool   # first word of a sentence
    poss: bool        # followed by a possessive 's / ' ("Priya's", "Nikos'")


class Features:
    """Tokens of one text plus helpers to look at their neighbours."""

    def __init__(self, text: str):
        self.text = text
        toks: list[Tok] = []
        append = toks.append
        prev_end = 0
        prev_lower = None
        n_text = len(text)
        for m in TOKEN_RE.finditer(text):
            s, e = m.span()
            w = m.group(0)
            poss = False
            if len(w) > 3 and w[-2:] in ("'s", "’s") and w[-3].isalpha():
                w, e, poss = w[:-2], e - 2, True
            elif e < n_text and text[e] in "'’" and w.endswith("s") and (e + 1 == n_text or not text[e + 1].isalnum()):
                poss = True  # "Nikos'"
            if not toks:
                sent_init = True
            else:
                gap = text[prev_end:s]
                if gap == " ":
                    sent_init = False
                else:
                    sent_init = bool(_SENT_GAP.search(gap))
                    if sent_init and gap.startswith(".") and gap.strip() == "." and prev_lower in _TITLE_ABBREV:
                        sent_init = False
            core = w.translate(_INNER)
            if core.isalpha():
                # letters and inner ' ’ - only: the letters are ``core``
                alpha = True
                upper = len(core) >= 2 and (core.isupper() if core.isascii() else all(c.isupper() for c in core))
            else:
                letters = [c for c in w if c.isalpha()]
                upper = len(letters) >= 2 and all(c.isupper() for c in letters)
                alpha = False
            lower = w.lower()
            append(Tok(len(toks), s, e, w, lower, w[:1].isupper(), upper, alpha, sent_init, poss))
            prev_end = m.end()
            prev_lower = lower
        self.tokens = toks

    def gap(self, i: int, j: int) -> str:
        """Text between token i's end and token j's start (j = i + 1 usually)."""
        a = self.tokens[i].end if i >= 0 else 0
        b = self.tokens[j].start if j < len(self.tokens) else len(self.text)
        return self.text[a:b]

    def prev(self, i: int, tight: bool = True) -> Tok | None:
        """Token before i if only white space separates them (``tight``)."""
        if i <= 0:
            return None
        p = self.tokens[i - 1]
        if tight and (self.text[p.end:self.tokens[i].start].strip() or p.poss):
            return None
        return p

    def next(self, i: int, tight: bool = True) -> Tok | None:
        if i + 1 >= len(self.tokens):
            return None
        t = self.tokens[i]
        n = self.tokens[i + 1]
        if tight and (self.text[t.end:n.start].strip() or t.poss):
            return None
        return n

    def token_at(self, char: int) -> int | None:
        for t in self.tokens:
            if t.start <= char < t.end:
                return t.i
        return None


@functools.lru_cache(maxsize=512)
def features(text: str) -> Features:
    return Features(text)
