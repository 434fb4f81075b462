"""Which words of a text search may match hidden text: a search must never tell what lies
under a ``[name]`` or another placeholder.

:func:`search_hidden_words` gives the words the quote search (:mod:`copquotes.textsearch`)
never matches: every string redacted anywhere in the workspace and every known identifier
(:func:`~copquotes.disclosure.gate.redacted_terms`), and every part of a person name the
workspace knows, the ones that are ordinary words too ("Hope"), which the app masks in the
text it shows. Words are cut as the search index cuts them (:func:`copquotes.text.search_tokens`).
"""
from __future__ import annotations

from ..text import search_tokens
from .gate import redacted_terms, workspace_names
from .names import workspace_person_names

# a name part shorter than this is not hidden ("Al", "Jo" would hide ordinary searches)
MIN_NAME_PART = 3

_HIDDEN_CACHE: dict = {}


def search_hidden_words(ws) -> frozenset[str]:
    """Words a search never matches (:func:`copquotes.textsearch.match_expression`): the
    tokens of every redacted string and known identifier, and the tokens of at least
    :data:`MIN_NAME_PART` characters of every person name the workspace knows. Cached on
    what they are made of (the cached terms and names, which their own caches renew when
    a redaction, an identifier or the units' content changes, not after a review decision)."""
    terms = redacted_terms(ws)
    names = workspace_names(ws, strict=True)
    key = (str(ws.path), id(terms), id(names))
    hit = _HIDDEN_CACHE.get(key)
    if hit is None:
        _HIDDEN_CACHE.clear()
        words: set[str] = set()
        for t in terms:
            words.update(search_tokens(t))
        for n in workspace_person_names(ws.conn):
            words.update(w for w in search_tokens(n) if len(w) >= MIN_NAME_PART)
        # the terms and names are kept with the words so that their ids are not reused
        hit = _HIDDEN_CACHE[key] = (terms, names, frozenset(words))
    return hit[2]
