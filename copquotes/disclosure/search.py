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
from .names import NAME_STOPWORDS, workspace_person_names

# a name part shorter than this is not hidden ("Al", "Jo" would hide ordinary searches)
MIN_NAME_PART = 3

_HIDDEN_CACHE: dict = {}
_EDIT_CACHE: dict = {}
# words of a multi-word redacted string that say nothing alone ("the", "of", "mr" of "Mr Daniel Fitzgerald")
EDIT_STOPWORDS = NAME_STOPWORDS | frozenset("""
a an the this that it its i me my we our us you your they them their he she him her his and but or so in on
at of for to from with by as about into not no all some one two
""".split())


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


def edit_hidden_words(ws) -> frozenset[str]:
    """Words a reviewer's edit may not add (the edit check's backstop, any case): the words of
    :func:`search_hidden_words` and every word of every string redacted anywhere in the workspace
    ("tallaght", "fitzgerald", from any unit), stop words apart. The review layer lets ordinary
    English words among them through (``review._ordinary_word``: "community" of an organisation's
    name, "better" redacted by mistake): refusing those refused 12 of 27 ordinary light edits on
    the sample corpus, "[Community of Practice]" among them. Cached as :func:`search_hidden_words` is."""
    base = search_hidden_words(ws)
    key = (str(ws.path), id(base), ws.conn.execute(
        "SELECT COUNT(*), MAX(rowid), (SELECT COUNT(*) FROM redactions WHERE status = 'undone') FROM redactions"
    ).fetchone())
    hit = _EDIT_CACHE.get(key)
    if hit is None:
        _EDIT_CACHE.clear()
        words = set(base)
        for (surface,) in ws.conn.execute(
                "SELECT DISTINCT lower(substr(u.text, r.start + 1, r.\"end\" - r.start)) FROM redactions r"
                " JOIN units u ON u.unit_id = r.unit_id WHERE r.status != 'undone'"):
            words.update(search_tokens(surface or ""))
        hit = _EDIT_CACHE[key] = (base, frozenset(w for w in words if len(w) >= 3 and w not in EDIT_STOPWORDS))
    return hit[1]
