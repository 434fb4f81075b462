"""Collections: named sets of approved quotes gathered for a purpose ("Annual report 2025"),
with an order and a note.

Collections are reviewer-owned data, like decisions: they live in two tables of the
workspace database (``collections``, ``collection_quotes``) that only this module writes;
no analysis stage reads or writes them. A collection holds quote ids; a quote keeps its
place in a collection when the stages re-run (its id is its unit and span). Only approved
quotes can be added; a quote that is later rejected or reset stays listed but is left out
of exports (:func:`approved_ids`), so the reviewer sees it and decides.

Every write bumps the workspace's review change counter, so the app's caches notice.
"""
from __future__ import annotations

import datetime as _dt
import json

from .errors import ConfigError
from .review import bump_changes, check_reviewer, one_line_name

MAX_NAME = 80
SCHEMA = """
CREATE TABLE IF NOT EXISTS collections(
    name TEXT PRIMARY KEY COLLATE NOCASE,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS collection_quotes(
    collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE ON UPDATE CASCADE,
    quote_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (collection, quote_id)
);
"""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def ensure_schema(ws) -> None:
    """Create the two tables if this workspace has none yet (idempotent, cheap)."""
    if ws.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'collection_quotes'"
                       ).fetchone() is None:
        ws.conn.executescript(SCHEMA)


def check_name(name) -> str:
    return one_line_name(name, "collection name", MAX_NAME, "give the collection a name (e.g. 'Annual report 2025')")


def _row(conn, name: str):
    return conn.execute("SELECT name, note FROM collections WHERE name = ?", (name,)).fetchone()


def list_collections(ws) -> list[dict]:
    """Every collection: name, note, how many quotes (and how many of them approved now)."""
    ensure_schema(ws)
    return [dict(r) for r in ws.conn.execute(
        "SELECT c.name, c.note, c.created_by, c.created_at, c.updated_at,"
        " COUNT(cq.quote_id) AS quotes,"
        " SUM(CASE WHEN q.status = 'approved' THEN 1 ELSE 0 END) AS approved"
        " FROM collections c LEFT JOIN collection_quotes cq ON cq.collection = c.name"
        " LEFT JOIN quotes q ON q.quote_id = cq.quote_id"
        " GROUP BY c.name ORDER BY c.updated_at DESC, c.name")]


def get(ws, name) -> dict:
    """A collection's name and note; :class:`ConfigError` naming the existing ones when unknown."""
    ensure_schema(ws)
    n = check_name(name)
    row = _row(ws.conn, n)
    if row is None:
        names = [r[0] for r in ws.conn.execute("SELECT name FROM collections ORDER BY name")]
        raise ConfigError(f"no collection named {n!r}: "
                          + (f"the collections are {', '.join(repr(x) for x in names)}" if names
                             else "create one in the review app (Collections page)"))
    return {"name": row[0], "note": row[1]}


def create(ws, name, reviewer, note: str = "") -> dict:
    ensure_schema(ws)
    n, who = check_name(name), check_reviewer(reviewer)
    with ws.transaction() as conn:
        if _row(conn, n) is not None:
            raise ConfigError(f"there is already a collection named {n!r}: choose another name")
        now = _now()
        conn.execute("INSERT INTO collections(name, note, created_at, created_by, updated_at) VALUES (?,?,?,?,?)",
                     (n, str(note or "").strip(), now, who, now))
        bump_changes(conn)
    return {"name": n, "note": str(note or "").strip()}


def set_note(ws, name, note: str, reviewer) -> None:
    n = get(ws, name)["name"]
    check_reviewer(reviewer)
    with ws.transaction() as conn:
        conn.execute("UPDATE collections SET note = ?, updated_at = ? WHERE name = ?",
                     (str(note or "").strip(), _now(), n))
        bump_changes(conn)


def rename(ws, name, new_name, reviewer) -> str:
    n, new = get(ws, name)["name"], check_name(new_name)
    check_reviewer(reviewer)
    with ws.transaction() as conn:
        if new.casefold() != n.casefold() and _row(conn, new) is not None:
            raise ConfigError(f"there is already a collection named {new!r}: choose another name")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("UPDATE collection_quotes SET collection = ? WHERE collection = ?", (new, n))
        conn.execute("UPDATE collections SET name = ?, updated_at = ? WHERE name = ?", (new, _now(), n))
        bump_changes(conn)
    return new


def delete(ws, name, reviewer) -> None:
    n = get(ws, name)["name"]
    check_reviewer(reviewer)
    with ws.transaction() as conn:
        conn.execute("DELETE FROM collection_quotes WHERE collection = ?", (n,))
        conn.execute("DELETE FROM collections WHERE name = ?", (n,))
        bump_changes(conn)


def add(ws, name, quote_ids, reviewer, *, create_missing: bool = True) -> dict:
    """Add approved quotes at the end of a collection (created when missing, unless told not
    to). Returns ``{"added": [...], "already": [...], "not_approved": [...], "unknown": [...]}``:
    quotes that are not approved (or whose speaker did not agree to be quoted) are not added."""
    ensure_schema(ws)
    n, who = check_name(name), check_reviewer(reviewer)
    ids = [str(q) for q in dict.fromkeys(quote_ids or [])]
    out = {"added": [], "already": [], "not_approved": [], "unknown": []}
    with ws.transaction() as conn:
        row = _row(conn, n)
        now = _now()
        if row is None:
            if not create_missing:
                raise ConfigError(f"no collection named {n!r}")
            conn.execute("INSERT INTO collections(name, note, created_at, created_by, updated_at)"
                         " VALUES (?,?,?,?,?)", (n, "", now, who, now))
        else:
            n = row[0]
        status = {r[0]: r[1] for r in conn.execute(
            "SELECT q.quote_id, q.status FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
            " WHERE q.quote_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
        have = {r[0] for r in conn.execute("SELECT quote_id FROM collection_quotes WHERE collection = ?", (n,))}
        pos = conn.execute("SELECT COALESCE(MAX(position), 0) FROM collection_quotes WHERE collection = ?",
                           (n,)).fetchone()[0]
        for qid in ids:
            if qid not in status:
                out["unknown"].append(qid)
            elif qid in have:
                out["already"].append(qid)
            elif status[qid] != "approved":
                out["not_approved"].append(qid)
            else:
                pos += 1
                conn.execute("INSERT INTO collection_quotes(collection, quote_id, position, added_at, added_by)"
                             " VALUES (?,?,?,?,?)", (n, qid, pos, now, who))
                out["added"].append(qid)
        conn.execute("UPDATE collections SET updated_at = ? WHERE name = ?", (now, n))
        bump_changes(conn)
    out["name"] = n
    return out


def remove(ws, name, quote_id, reviewer) -> None:
    n = get(ws, name)["name"]
    check_reviewer(reviewer)
    with ws.transaction() as conn:
        conn.execute("DELETE FROM collection_quotes WHERE collection = ? AND quote_id = ?", (n, str(quote_id)))
        conn.execute("UPDATE collections SET updated_at = ? WHERE name = ?", (_now(), n))
        bump_changes(conn)


def move(ws, name, quote_id, delta: int, reviewer) -> None:
    """Move a quote ``delta`` places (negative: earlier) in the collection's order."""
    n = get(ws, name)["name"]
    check_reviewer(reviewer)
    with ws.transaction() as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT quote_id FROM collection_quotes WHERE collection = ? ORDER BY position, added_at", (n,))]
        if str(quote_id) not in ids:
            raise ConfigError(f"quote {quote_id} is not in the collection {n!r}")
        i = ids.index(str(quote_id))
        j = max(0, min(len(ids) - 1, i + int(delta)))
        ids.insert(j, ids.pop(i))
        for pos, qid in enumerate(ids, 1):
            conn.execute("UPDATE collection_quotes SET position = ? WHERE collection = ? AND quote_id = ?",
                         (pos, n, qid))
        conn.execute("UPDATE collections SET updated_at = ? WHERE name = ?", (_now(), n))
        bump_changes(conn)


def quote_ids(ws, name) -> list[str]:
    """The collection's quote ids in its order (whatever their status now)."""
    n = get(ws, name)["name"]
    return [r[0] for r in ws.conn.execute(
        "SELECT quote_id FROM collection_quotes WHERE collection = ? ORDER BY position, added_at", (n,))]


def approved_ids(ws, name) -> list[str]:
    """The collection's quotes that are approved now (and still quotable), in its order: what
    an export of the collection writes."""
    n = get(ws, name)["name"]
    return [r[0] for r in ws.conn.execute(
        "SELECT cq.quote_id FROM collection_quotes cq JOIN quotes q ON q.quote_id = cq.quote_id"
        " JOIN quotable_units u ON u.unit_id = q.unit_id"
        " WHERE cq.collection = ? AND q.status = 'approved' ORDER BY cq.position, cq.added_at", (n,))]
