"""Reviewers' unsaved edits (drafts), kept in the workspace so a reload loses nothing.

The app stores what a reviewer typed in a quote's edit box and has not saved yet, keyed by
reviewer and quote id, with the quote's version the text was typed against. A reload (or a new
session of the same reviewer) puts a draft back in the box, labelled as unsaved; a draft typed
against an older version of the quote (someone changed it since) is *stale*: it is shown beside
the quote, never put in the box without the reviewer asking. A draft is removed when the
reviewer saves the edit, resets or decides the quote, or discards it, and when its quote is no
longer quotable (withdrawn consent, a re-run that dropped it).

Until a box's text reaches the app, the browser tab keeps a copy of it (:mod:`copquotes.app.tabdrafts`),
put back in the box after a reload the app did not hear about in time.

Drafts hold edited participant text: they stay in the workspace database, and no export, no
``copquotes quotes`` and no log reads them. The table is the app's own (``CREATE TABLE IF NOT
EXISTS``, no schema version): a workspace without it has no drafts. Saving a draft does not
count as a review change (the app's caches stay valid while a reviewer types).
"""
from __future__ import annotations

import datetime as _dt
import weakref
from dataclasses import dataclass

TABLE = "app_drafts"
MAX_CHARS = 20_000          # a quote's edit; longer text is cut (a draft is a safety net, not storage)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    reviewer TEXT NOT NULL,
    quote_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (reviewer, quote_id)
)"""
_ready: weakref.WeakSet = weakref.WeakSet()   # workspaces whose table exists, their stale drafts pruned


@dataclass(frozen=True)
class Draft:
    quote_id: str
    version: int               # the quote's version the text was typed against
    text: str
    saved_at: str              # UTC, ISO 8601 to the second

    def stale(self, current_version: int) -> bool:
        """The quote changed since the draft was typed (another reviewer, or this one elsewhere)."""
        return int(current_version) != self.version


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def ensure(ws) -> None:
    """Create the drafts table when missing, and drop drafts whose quote is no longer quotable
    (once per connection; before the first write, so drawing a page never waits for the lock)."""
    if ws in _ready:
        return
    with ws.transaction() as conn:
        conn.execute(_SCHEMA)
        conn.execute(f"DELETE FROM {TABLE} WHERE NOT EXISTS (SELECT 1 FROM quotes q JOIN quotable_units u"
                     f" ON u.unit_id = q.unit_id WHERE q.quote_id = {TABLE}.quote_id)")
    _ready.add(ws)


def save(ws, reviewer: str, quote_id: str, version: int, text: str) -> None:
    """Keep ``text`` as the reviewer's unsaved edit of the quote (replacing an earlier draft)."""
    ensure(ws)
    text = str(text or "")[:MAX_CHARS]
    with ws.transaction() as conn:
        conn.execute(f"INSERT INTO {TABLE}(reviewer, quote_id, version, text, saved_at) VALUES (?,?,?,?,?)"
                     " ON CONFLICT(reviewer, quote_id) DO UPDATE SET version = excluded.version,"
                     " text = excluded.text, saved_at = excluded.saved_at",
                     (str(reviewer), str(quote_id), int(version), text, _now()))


def keep(ws, reviewer: str, quote_id: str, version: int, text, unchanged) -> None:
    """What an edit box's change does: a text that differs from the quote's (``unchanged``) is
    kept as a draft; the quote's own text (or an empty box) removes the draft."""
    if text is None or not str(text).strip() or str(text).strip() == str(unchanged or "").strip():
        discard(ws, reviewer, quote_id)
    else:
        save(ws, reviewer, quote_id, version, text)


def discard(ws, reviewer: str, quote_id: str) -> None:
    """Forget the reviewer's draft of the quote (saved, reset, decided, or thrown away)."""
    ensure(ws)
    with ws.transaction() as conn:
        conn.execute(f"DELETE FROM {TABLE} WHERE reviewer = ? AND quote_id = ?", (str(reviewer), str(quote_id)))


def get(ws, reviewer: str, quote_id: str) -> Draft | None:
    return for_quotes(ws, reviewer, [quote_id]).get(quote_id)


def for_quotes(ws, reviewer: str, quote_ids) -> dict[str, Draft]:
    """The reviewer's drafts of these quotes, by quote id (a read: no table, no drafts)."""
    if ws not in _ready and not ws.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone():
        return {}
    ids = [str(q) for q in quote_ids]
    out: dict[str, Draft] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        rows = ws.conn.execute(
            f"SELECT quote_id, version, text, saved_at FROM {TABLE} WHERE reviewer = ? AND quote_id IN "
            f"({','.join('?' * len(chunk))})", (str(reviewer), *chunk)).fetchall()
        out.update({r[0]: Draft(r[0], int(r[1]), r[2], r[3]) for r in rows})
    return out


def others_for_quotes(ws, reviewer: str, quote_ids) -> dict[str, list[tuple[str, str]]]:
    """Other reviewers' unsaved drafts of these quotes: ``{quote id: [(reviewer, saved_at), ...]}``,
    oldest first (who and when only: their text stays theirs)."""
    if ws not in _ready and not ws.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone():
        return {}
    ids = [str(q) for q in quote_ids]
    out: dict[str, list[tuple[str, str]]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for qid, who, when in ws.conn.execute(
                f"SELECT quote_id, reviewer, saved_at FROM {TABLE} WHERE reviewer != ? AND quote_id IN "
                f"({','.join('?' * len(chunk))}) ORDER BY saved_at", (str(reviewer), *chunk)):
            out.setdefault(qid, []).append((who, when))
    return out


def others_line(others: list[tuple[str, str]], when) -> str:
    """What a quote's card says about colleagues' unsaved edits of it (``when``: a stored time as
    the reviewer reads it)."""
    who = "; ".join(f"{name} (last typed {when(at)})" for name, at in others)
    return (f"Unsaved edit of this quote by {who}: not saved, so not in the text below. Ask them before you "
            "approve, reject or edit it.")


def label(draft: Draft, current_version: int, when: str) -> str:
    """What the page says about a draft (``when``: its time as the reviewer reads it)."""
    if draft.stale(current_version):
        return (f"Unsaved draft of yours from {when}, typed before this quote changed (you had version "
                f"{draft.version}, it is now version {int(current_version)}): it is not in the edit box. "
                "Compare it with the quote, then put it in the box to go on with it, or discard it.")
    return (f"Unsaved draft from {when}: the edit box holds what you typed, not saved yet. "
            "Save it, or discard the draft to start again from the quote.")
