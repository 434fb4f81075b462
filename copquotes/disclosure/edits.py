"""Whether a reviewer's edit may be saved, decided without becoming an oracle.

An edit check that compares the edit with the redacted words answers a question about
hidden text: typing a guessed name and seeing it refused tells the reviewer the name was
there. So the decision rests first on what the reviewer can see: an edit may add
ordinary English words (and their usual endings), placeholders, numbers, programme
terms and words already in the quote's anonymised text. A new word outside these is
refused whether or not it was redacted, with one message for every refusal
(:data:`UNSAFE_EDIT`), so a refusal says nothing about the original; the app names the
reviewer's typed words this visible-text check stopped at. The check against
the stored redactions and known names stays behind it as a backstop (it can only decide
for guesses that are ordinary words, such as "Grace"); the words it stops at are named only
to a reviewer who may see the originals.
"""
from __future__ import annotations

import re

from ..text import search_tokens
from .names import common_words, fold
from .placeholders import PLACEHOLDER_RE

UNSAFE_EDIT = ("the edit was not saved: it may add ordinary words and the placeholders ([name], [organisation], "
               "[place], [contact]) but no new name-like word or redacted text; keep the placeholders as they "
               "are, or undo a redaction on purpose first")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_FUNCTION_WORDS = frozenset("""
a an the this that these those it its i me my we our us you your they them their he she him her his
and but or so then in on at of for to from with by as about into after before when while because if
not no yes all some many most every each other another one two three first last
""".split())
_SUFFIXES = ("ised", "ized", "ising", "izing", "isation", "ization", "ation", "ations", "ness", "ment", "ments",
             "fully", "ful", "ingly", "edly")
_ENDINGS = ("'s", "’s", "s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ness", "ment", "ments", "ful",
            "ised", "ized", "ise", "ize", "ising", "izing", "ies", "ied", "y", "al", "ally", "ation", "ations")


def _ordinary(word: str, common: set[str]) -> bool:
    w = fold(word).lower().replace("’", "'")
    if w in common or len(w) <= 2 or (w.endswith(_SUFFIXES) and len(w) >= 7):
        return True
    for end in _ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[:-len(end)]
            if stem in common or stem + "e" in common or (end in ("ies", "ied") and stem + "y" in common):
                return True
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in common:   # "stopped"
                return True
    return False


def new_words(edit: str, visible: str, allow=()) -> list[str]:
    """The words of ``edit`` that are neither in ``visible`` (the text the reviewer sees),
    nor ordinary English words, nor in ``allow`` (programme terms; any case)."""
    common = common_words()
    seen = {fold(w).lower() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", visible or ""))}
    allowed = {fold(w).lower() for a in allow for w in [a, *_WORD.findall(str(a))]}
    text = PLACEHOLDER_RE.sub(lambda m: "x" * len(m.group()), edit or "")
    out = []
    for m in _WORD.finditer(text):
        w = m.group()
        lw = fold(w).lower()
        if lw in seen or lw in allowed or set(lw) == {"x"}:
            continue
        before = re.sub(r"[^\w.!?…:\n]+$", "", text[:m.start()])
        sentence_start = not before or before[-1] in ".!?…:\n"
        if w[0].isupper() and not sentence_start and lw not in _FUNCTION_WORDS:
            out.append(w)           # a capitalised new word mid-sentence reads as a name
        elif common and not _ordinary(w, common):
            out.append(w)
    return out


def added_hidden_words(edit: str, visible: str, hidden) -> list[str]:
    """The words of ``edit`` (any case, accents ignored) that are in ``hidden`` (e.g.
    :func:`~copquotes.disclosure.search.edit_hidden_words`) and not in ``visible``."""
    seen = set(search_tokens(PLACEHOLDER_RE.sub(" ", visible or "")))
    return [w for w in search_tokens(PLACEHOLDER_RE.sub(" ", edit or "")) if w in hidden and w not in seen]
