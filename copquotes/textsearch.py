"""Full-text search over the quotes' anonymised text (SQLite FTS5), kept in step by triggers.

The index ``quote_search`` holds, for every row of ``quotes``, its anonymised text
(``quotes.text``, placeholders where words were redacted) and the reviewer's edit
(``quotes.edited_text``), else the quotes stage's suggested light edit
(``quotes.suggested_text``), and nothing else: never the verbatim span or the unit's
original text. Triggers on ``quotes`` update it in the same transaction as every write
(the quotes stage's upsert, a review edit, a manual redaction that rewrites a quote's
text, a deletion or a cascade from a removed unit), so it can never lag what it indexes
and a crash rolls the index back with the write it belonged to. A redacted word is gone
from the index the moment the redaction is saved.

``quote_search_ids`` gives every quote id a stable integer (the FTS row id): the row ids of
``quotes`` itself may change on a ``VACUUM``; these do not (``INTEGER PRIMARY KEY``).

The index is created by :func:`ensure_index` (the quotes stage calls it inside its write
transaction; the review app calls it before its first search on an older workspace). A
version number in ``meta`` (``quote_search_version``) says which layout the triggers and
tokenizer have: a different one is dropped and rebuilt, in one transaction.

:func:`match_expression` turns what a reviewer typed into an FTS5 query: every word must
occur (a word matches words that start with it), and a word that is, or could complete
to, a term the disclosure layer hides is never matched (see its doc).
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

from .text import search_fold, search_tokens

VERSION = "2"     # 2: the suggested edit (schema 14) is indexed where no reviewer edited
META_KEY = "quote_search_version"
TABLE = "quote_search"
IDS = "quote_search_ids"
MAX_WORDS = 5

_TRIGGERS = ("quote_search_ai", "quote_search_ad", "quote_search_au")

_CREATE = [
    f"CREATE TABLE {IDS} (id INTEGER PRIMARY KEY, quote_id TEXT NOT NULL UNIQUE)",
    # unicode61 with diacritics removed: case and accents do not matter ("Māori" = "maori")
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, edited_text, tokenize = 'unicode61 remove_diacritics 2',"
    " prefix = '2 3')",
    f"""CREATE TRIGGER quote_search_ai AFTER INSERT ON quotes BEGIN
        INSERT OR IGNORE INTO {IDS}(quote_id) VALUES (new.quote_id);
        INSERT INTO {TABLE}(rowid, text, edited_text)
            SELECT id, new.text, COALESCE(new.edited_text, new.suggested_text) FROM {IDS}
            WHERE quote_id = new.quote_id;
    END""",
    f"""CREATE TRIGGER quote_search_ad AFTER DELETE ON quotes BEGIN
        DELETE FROM {TABLE} WHERE rowid = (SELECT id FROM {IDS} WHERE quote_id = old.quote_id);
        DELETE FROM {IDS} WHERE quote_id = old.quote_id;
    END""",
    f"""CREATE TRIGGER quote_search_au AFTER UPDATE OF quote_id, text, edited_text, suggested_text ON quotes
    WHEN old.quote_id IS NOT new.quote_id OR old.text IS NOT new.text OR old.edited_text IS NOT new.edited_text
         OR old.suggested_text IS NOT new.suggested_text
    BEGIN
        DELETE FROM {TABLE} WHERE rowid = (SELECT id FROM {IDS} WHERE quote_id = old.quote_id);
        DELETE FROM {IDS} WHERE quote_id = old.quote_id;
        INSERT OR IGNORE INTO {IDS}(quote_id) VALUES (new.quote_id);
        INSERT INTO {TABLE}(rowid, text, edited_text)
            SELECT id, new.text, COALESCE(new.edited_text, new.suggested_text) FROM {IDS}
            WHERE quote_id = new.quote_id;
    END""",
]


def _drop(conn: sqlite3.Connection) -> None:
    for t in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {t}")
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    conn.execute(f"DROP TABLE IF EXISTS {IDS}")


def drop(conn: sqlite3.Connection) -> None:
    """Drop the index, its triggers and its version (inside the caller's write transaction): the
    next :func:`ensure_index` builds it again."""
    _drop(conn)
    conn.execute("DELETE FROM meta WHERE key = ?", (META_KEY,))


def current(conn: sqlite3.Connection) -> bool:
    """Whether the index exists in this layout (one small read)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    if not row or row[0] != VERSION:
        return False
    n = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name IN (?, ?, ?, ?, ?)",
                     (TABLE, IDS, *_TRIGGERS)).fetchone()[0]
    return n == 2 + len(_TRIGGERS)


def build(conn: sqlite3.Connection) -> int:
    """(Re)create the index and its triggers and fill it from ``quotes``. Run it inside a
    write transaction (the caller's): all of it lands, or none. Returns the rows indexed."""
    _drop(conn)
    for stmt in _CREATE:
        conn.execute(stmt)
    conn.execute(f"INSERT INTO {IDS}(quote_id) SELECT quote_id FROM quotes ORDER BY rowid")
    conn.execute(f"INSERT INTO {TABLE}(rowid, text, edited_text)"
                 f" SELECT i.id, q.text, COALESCE(q.edited_text, q.suggested_text) FROM quotes q"
                 f" JOIN {IDS} i ON i.quote_id = q.quote_id")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, VERSION))
    return conn.execute(f"SELECT COUNT(*) FROM {IDS}").fetchone()[0]


def ensure_index(ws) -> bool:
    """Create (or rebuild, when its layout changed) the index of ``ws``; nothing when it is
    current. Joins the caller's write transaction if one is open. Returns whether it built."""
    if current(ws.conn):
        return False
    with ws.transaction() as conn:
        if current(conn):       # another process built it while this one waited for the lock
            return False
        build(conn)
    return True


def check(conn: sqlite3.Connection) -> bool:
    """FTS5's own integrity check, and every quote indexed exactly once."""
    try:
        conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 0)")
    except sqlite3.DatabaseError:
        return False
    n_q, n_i, n_f, n_missing = conn.execute(
        f"SELECT (SELECT COUNT(*) FROM quotes), (SELECT COUNT(*) FROM {IDS}), (SELECT COUNT(*) FROM {TABLE}),"
        f" (SELECT COUNT(*) FROM quotes q WHERE NOT EXISTS (SELECT 1 FROM {IDS} i WHERE i.quote_id = q.quote_id))"
    ).fetchone()
    return n_q == n_i == n_f and n_missing == 0


# ---------------------------------------------------------------------------------- queries
# the index's tokens (copquotes.text, so that the disclosure layer's hidden words are cut the same way)
fold = search_fold
tokens = search_tokens


NOTHING = None   # match_expression's answer when the search must match no quote


def match_expression(search: str, hidden: Iterable[str] = ()) -> str | None:
    """An FTS5 query for ``search`` (up to :data:`MAX_WORDS` words, every one required; a
    word of several tokens, ``well-being``, is a phrase), or ``""`` when there is nothing to
    search for, or :data:`NOTHING` (``None``) when the search must match nothing.

    ``hidden``: words the disclosure layer hides (redacted strings, known names). A search
    word containing one of them matches nothing; a word that is the start of one is
    matched as a whole word only (no prefix), so typing the first letters of a hidden name
    never finds the quotes it was hidden in.
    """
    hidden_words = {t for h in hidden for t in tokens(h)}
    parts = []
    for word in str(search or "").split()[:MAX_WORDS]:
        toks = tokens(word)
        if not toks:
            continue
        if any(t in hidden_words for t in toks):
            return NOTHING
        last = toks[-1]
        prefix = not any(h.startswith(last) for h in hidden_words)
        parts.append('"' + " ".join(toks) + '"' + ("*" if prefix else ""))
    return " AND ".join(parts)


def matching_ids_sql() -> str:
    """SQL giving the quote ids whose text or edit matches the FTS5 query bound to ``?``."""
    return (f"SELECT i.quote_id FROM {TABLE} s JOIN {IDS} i ON i.id = s.rowid WHERE {TABLE} MATCH ?")
