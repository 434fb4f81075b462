"""Taking stored files out of a workspace (``copquotes remove``, :func:`copquotes.remove`), and
whether the stored files are still where they were ingested from (``copquotes status``).

Removing a file deletes its units and everything derived from them: sentences, anonymised text,
redactions, risk flags, topics, candidate quotes (and with them their rows of the full-text index,
whose segments are then merged so the words are gone from it too), the theme scores' pointers and
the Parquet parts no unit points at any more, the quote features cached by the removed texts'
hashes, the file's identifiers and content hashes. The database's freed pages are overwritten
(``secure_delete``) and its write-ahead log emptied, so the removed text is not left in the
database files. The aggregates are counted again at once; every stage reads as stale, so the next
``copquotes analyse`` / ``run`` brings the topics and tables up to date; bulk files that exist are
written again without the file (or removed when they cannot be).

Reviewers' work on the file is not lost: reviewed quotes, manual redactions and theme labels are
kept as orphans by the mechanism a re-ingest uses (:meth:`Workspace._orphan_units
<copquotes.workspace.Workspace._orphan_units>`), each reviewed quote with an audit row
``removed_with_file``. The orphans are filed under a negative file id that no stored file can
take, with the removed file's identity in ``meta`` (``removed_file:<id>``: path, content hash,
file key). When a file with that path or that content is ingested again,
:func:`reattach_returned` files them under it and re-attaches them
(:meth:`Workspace.reattach_orphans <copquotes.workspace.Workspace.reattach_orphans>`): the
decisions are back. ``copquotes ingest`` / ``run`` and :func:`copquotes.run` call it after
ingesting.

One writer: removal holds the workspace's pipeline lock and refuses (:class:`WorkspaceBusy`)
while another run or analysis holds it.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .workspace import (INGEST_CHUNK, NO_CONSENT, REATTACHED_BY, Workspace, WorkspaceBusy, _audit_now,
                        _file_sha256, _now, pipeline_lock)

log = logging.getLogger(__name__)

REMOVED_KEY = "removed_file:"     # meta key prefix: the identity of a removed file, by its orphans' file id
AUDIT_ACTION = "removed_with_file"
ORPHAN_KINDS = ("quote", "redaction", "theme_label", NO_CONSENT)
# status: the bytes of stored files hashed per call, at most (a larger rest is reported unchecked)
HASH_BUDGET = 256 * 1024 * 1024
UPLOADS = "inputs"      # where the review app keeps its uploads (copquotes.app.jobs.INPUTS)
LISTED = 12                       # stored files named in an unknown FILE's error, at most


@dataclass(frozen=True)
class StoredFile:
    file_id: int
    path: str          # the resolved path it was ingested from
    display: str       # as copquotes status shows it
    sha256: str
    file_key: str | None
    n_units: int
    format: str


def stored_files(ws) -> list[StoredFile]:
    """Every stored file, in the order ``copquotes status`` lists them."""
    return [StoredFile(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in ws.conn.execute(
        "SELECT file_id, path, display, sha256, file_key, n_units, format FROM files ORDER BY display, file_id")]


# ---------------------------------------------------------------------------------- naming a file
def _holdings(files: list[StoredFile]) -> str:
    if not files:
        return "the workspace holds no files"
    named = ", ".join(f"{f.display} (id {f.file_id})" for f in files[:LISTED])
    more = f" and {len(files) - LISTED} more (copquotes status lists them)" if len(files) > LISTED else ""
    return f"the workspace holds {named}{more}"


def _match(files: list[StoredFile], name: str) -> StoredFile | None:
    """The stored file ``name`` names: its path as ingested (relative to here or absolute), its
    name as status shows it, its id, or its file name alone when no other stored file has it."""
    key = str(Path(name).expanduser().resolve())
    for test in (lambda f: f.path == key, lambda f: f.display == name,
                 lambda f: name.strip().lstrip("#").isdigit() and f.file_id == int(name.strip().lstrip("#")),
                 lambda f: Path(f.path).name == name):     # its file name alone, when no other has it
        hits = [f for f in files if test(f)]
        if len(hits) == 1:
            return hits[0]
    return None


def resolve(ws, names) -> list[StoredFile]:
    """The stored files ``names`` name (each once, in the order given); an :class:`InputError`
    naming the first that names none, listing what the workspace holds."""
    files = stored_files(ws)
    out: list[StoredFile] = []
    for name in [str(n) for n in names]:
        hit = _match(files, name)
        if hit is None:
            raise InputError("not a file of this workspace: give its path as ingested, or its name or id "
                             f"as copquotes status shows it; {_holdings(files)}", name)
        if hit not in out:
            out.append(hit)
    return out


# ---------------------------------------------------------------------------------- what would go
def _kept_counts(conn, file_id: int) -> dict:
    """Reviewer data of a stored file that removal keeps as orphans, by kind (as
    :meth:`Workspace._orphan_units` selects it), plus its open orphans already kept."""
    reviewed = conn.execute(
        "SELECT COUNT(*) FROM quotes q JOIN units u ON u.unit_id = q.unit_id WHERE u.file_id = ?"
        " AND (q.status != 'pending' OR q.version > 1 OR EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = q.quote_id))",
        (file_id,)).fetchone()[0]
    redactions = conn.execute(
        "SELECT COUNT(*) FROM redactions r JOIN units u ON u.unit_id = r.unit_id WHERE u.file_id = ?"
        " AND r.status IN ('manual', 'undone')", (file_id,)).fetchone()[0]
    labels = conn.execute("SELECT COUNT(*) FROM theme_labels t JOIN units u ON u.unit_id = t.unit_id"
                          " WHERE u.file_id = ?", (file_id,)).fetchone()[0]
    earlier = dict(conn.execute("SELECT kind, COUNT(*) FROM orphans WHERE file_id = ? AND resolved_at IS NULL"
                                " GROUP BY kind", (file_id,)).fetchall())
    return {"quote": reviewed + earlier.get("quote", 0), "redaction": redactions + earlier.get("redaction", 0),
            "theme_label": labels + earlier.get("theme_label", 0), NO_CONSENT: earlier.get(NO_CONSENT, 0)}


def plan(ws, files: list[StoredFile]) -> list[dict]:
    """What removing ``files`` takes out and keeps, per file: ``file``, ``file_id``, ``path``,
    ``units``, ``quotes``, ``kept`` (reviewer data kept as orphans, by kind) and ``orphaned`` (their sum)."""
    out = []
    for f in files:
        units, quotes = ws.conn.execute(
            "SELECT (SELECT COUNT(*) FROM units WHERE file_id = ?),"
            " (SELECT COUNT(*) FROM quotes q JOIN units u ON u.unit_id = q.unit_id WHERE u.file_id = ?)",
            (f.file_id, f.file_id)).fetchone()
        kept = _kept_counts(ws.conn, f.file_id)
        out.append({"file": f.display, "file_id": f.file_id, "path": f.path, "units": units, "quotes": quotes,
                    "kept": kept, "orphaned": sum(kept.values())})
    return out


# ---------------------------------------------------------------------------------- removing
def _orphan_file_id(conn) -> int:
    """A file id for a removed file's orphans that no stored file can take (below every one used)."""
    low = conn.execute("SELECT MIN(file_id) FROM orphans").fetchone()[0]
    keys = [int(k[len(REMOVED_KEY):]) for (k,) in conn.execute(
        "SELECT key FROM meta WHERE key LIKE ?", (REMOVED_KEY + "%",))]
    return min([0, low if low is not None else 0, *keys]) - 1


def _start(ws, f: StoredFile) -> int:
    """The first write: the removed file's identity kept under the orphans' file id, and the file
    marked incomplete (so a removal stopped half-way is finished by the next ingest of it, or by
    removing it again). Returns that file id."""
    with ws.transaction() as conn:
        gone = _orphan_file_id(conn)
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"{REMOVED_KEY}{gone}", json.dumps(
            {"path": f.path, "display": f.display, "sha256": f.sha256, "file_key": f.file_key,
             "file_id": f.file_id, "removed_at": _now()})))
        conn.execute("UPDATE files SET fingerprint = '' WHERE file_id = ?", (f.file_id,))
    return gone


def _remove_units(ws, f: StoredFile, gone: int, unit_ids: list[str]) -> None:
    """Inside the caller's transaction: the units' reviewer data to orphans (filed under ``gone``),
    an audit row for each reviewed quote, then the units (their derived rows go with them)."""
    from .review import _snapshot      # the audit trail's snapshot of a quote (suggested_text among its fields)

    conn = ws.conn
    before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM orphans").fetchone()[0]
    ws._orphan_units(f.file_id, unit_ids, f.display)
    reason = (f"its file {f.display} was removed from the workspace (copquotes remove): kept until that file "
              "is ingested again")
    conn.execute("UPDATE orphans SET file_id = ?, reason = ? WHERE id > ?", (gone, reason, before))
    now = _audit_now()
    for qid, payload in conn.execute("SELECT quote_id, payload_json FROM orphans WHERE id > ? AND kind = 'quote'",
                                     (before,)).fetchall():
        p = json.loads(payload)
        snapshot = _snapshot(p)
        conn.execute("INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
                     " VALUES (?,?,?,?,?,?,?)", (qid, REATTACHED_BY, AUDIT_ACTION,
                                                 json.dumps(snapshot, ensure_ascii=False), None, reason, now))
    conn.execute("DELETE FROM units WHERE unit_id IN (SELECT value FROM json_each(?))", (json.dumps(unit_ids),))


def _finish(ws, f: StoredFile, gone: int, hashes: set[str]) -> None:
    """The last write: the file's earlier orphans (and their history) filed under ``gone``, the
    cached features of texts no unit has any more, the topics' representatives and sizes, the file."""
    with ws.transaction() as conn:
        conn.execute("UPDATE orphans SET file_id = ? WHERE file_id = ?", (gone, f.file_id))
        conn.execute("DELETE FROM text_features WHERE text_hash IN (SELECT value FROM json_each(?))"
                     " AND text_hash NOT IN (SELECT text_hash FROM units)", (json.dumps(sorted(hashes)),))
        _trim_topics(conn)
        conn.execute("DELETE FROM files WHERE file_id = ?", (f.file_id,))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('content_changed_at', ?)", (_now(),))
        conn.execute("INSERT INTO meta(key, value) VALUES ('review_changes', '1')"
                     " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _trim_topics(conn) -> None:
    """The topics' representatives without removed units, their sizes counted again, a topic left
    with no unit dropped (labels and keywords are the topics stage's, made again by its next run)."""
    sizes = dict(conn.execute("SELECT topic, COUNT(*) FROM unit_topics GROUP BY topic").fetchall())
    for topic, reps in conn.execute("SELECT topic, representative_json FROM topic_info").fetchall():
        if not sizes.get(topic):
            conn.execute("DELETE FROM topic_info WHERE topic = ?", (topic,))
            continue
        ids = json.loads(reps or "[]")
        live = {r[0] for r in conn.execute("SELECT unit_id FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                                           (json.dumps(ids),))}
        conn.execute("UPDATE topic_info SET size = ?, representative_json = ? WHERE topic = ?",
                     (sizes[topic], json.dumps([i for i in ids if i in live]), topic))


def _remove_one(ws, f: StoredFile) -> None:
    gone = _start(ws, f)
    hashes: set[str] = set()
    while True:
        rows = ws.conn.execute("SELECT unit_id, text_hash FROM units WHERE file_id = ? ORDER BY position LIMIT ?",
                               (f.file_id, INGEST_CHUNK)).fetchall()
        if not rows:
            break
        hashes.update(r[1] for r in rows)
        with ws.transaction():
            _remove_units(ws, f, gone, [r[0] for r in rows])
    _finish(ws, f, gone, hashes)
    _drop_uploaded_copy(ws, f)
    log.info("removed %s (file %d) from workspace %s", f.display, f.file_id, ws.path)


def _drop_uploaded_copy(ws, f: StoredFile) -> None:
    """A file the review app stored (under ``WS/inputs/``, its own copy of an upload) is deleted
    too: a later re-read of its upload batch must not bring it back, and uploading it again
    must add it (the app's batches count only files still on disk)."""
    path = Path(f.path)
    try:
        path.resolve().relative_to((Path(ws.path) / UPLOADS).resolve())
    except ValueError:
        return          # the user's own file: never touched
    path.unlink(missing_ok=True)


def _scrub(ws) -> None:
    """After the deletes: the full-text index merged (its segments no longer hold the removed
    quotes' words), the parts no unit points at removed, the kept topic fit removed, the write-ahead
    log emptied."""
    from . import textsearch, unitparts
    from .topics import fitted

    if textsearch.current(ws.conn):
        with ws.transaction() as conn:
            conn.execute(f"INSERT INTO {textsearch.TABLE}({textsearch.TABLE}) VALUES ('optimize')")
    for table in (unitparts.SENTENCE_THEMES, unitparts.UNIT_THEMES):
        unitparts.remove_unreferenced(ws, table)
    fitted.remove(ws)   # the kept topic fit lists every unit: the next analysis fits again
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _bulk_again(ws, progress: bool) -> str:
    """Bulk files that exist are written again without the removed files, else removed (never left
    holding their text): ``"rewritten"``, ``"removed"`` or ``"none"``."""
    from . import bulk
    from .bulk.store import read_manifest, remove_all
    from .errors import CopquotesError

    if read_manifest(ws.path) is None:
        return "none"
    try:
        bulk.write(ws, progress=progress)
        return "rewritten"
    except (CopquotesError, ImportError) as exc:
        log.warning("bulk files removed (they held the removed file's units) and not written again: %s", exc)
        remove_all(ws.path)
        return "removed"


@contextlib.contextmanager
def _refusing_when_busy(ws_path):
    """The pipeline lock, or :class:`WorkspaceBusy` saying removal waits for no other writer."""
    try:
        with pipeline_lock(ws_path, wait=False):
            yield
    except WorkspaceBusy as exc:
        raise WorkspaceBusy(str(exc).split(";")[0] + "; nothing was removed: try again when it has finished"
                            ) from None


def remove_files(ws, names, *, progress: bool = False, confirm=None) -> dict:
    """Remove the stored files ``names`` name (paths as ingested, names or ids as ``copquotes
    status`` shows them) from the open workspace ``ws``; see the module doc. Every name is
    resolved before anything is removed. Holds the pipeline lock, refusing
    (:class:`~copquotes.workspace.WorkspaceBusy`) when another writer holds it. ``confirm``:
    called holding the lock with what would go (:func:`plan`) before anything is written; it
    raises to remove nothing.

    Returns ``{"workspace", "files": [plan per file], "units", "quotes", "orphaned", "kept",
    "bulk", "stages"}`` (``stages``: each stage's state afterwards).
    """
    from .pipeline import stage_status

    files = resolve(ws, names)      # an unknown name is said before the lock is asked for
    with _refusing_when_busy(ws.path):
        files = resolve(ws, names)
        report = plan(ws, files)
        if confirm is not None:
            confirm(report)
        ws.conn.execute("PRAGMA secure_delete = ON")   # freed pages are overwritten, not left holding text
        for f in files:
            _remove_one(ws, f)
        ws.refresh_aggregates()
        _scrub(ws)
        bulk_state = _bulk_again(ws, progress)
    kept = {k: sum(r["kept"][k] for r in report) for k in ORPHAN_KINDS}
    return {"workspace": str(ws.path), "files": report, "units": sum(r["units"] for r in report),
            "quotes": sum(r["quotes"] for r in report), "orphaned": sum(kept.values()), "kept": kept,
            "bulk": bulk_state, "stages": {k: v["state"] for k, v in stage_status(ws).items()}}


def remove(paths, workspace) -> dict:
    """Open ``workspace``, remove the files ``paths`` name (see :func:`remove_files`), close it."""
    ws = Workspace.open(Path(workspace))
    try:
        return remove_files(ws, [paths] if isinstance(paths, (str, os.PathLike)) else list(paths))
    finally:
        ws.close()


# ---------------------------------------------------------------------------------- coming back
def _removed_records(conn) -> list[tuple[int, dict]]:
    return [(int(k[len(REMOVED_KEY):]), json.loads(v)) for k, v in conn.execute(
        "SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (REMOVED_KEY + "%",))]


def reattach_returned(ws) -> list[dict]:
    """Reviewer data kept when a file was removed, re-attached to a complete stored file with the
    same path or the same content (ingested again since): filed under it, then re-attached as a
    re-ingest does. Returns ``[{"file", "reattached", "open"}]`` for each file that came back."""
    out = []
    for gone, rec in _removed_records(ws.conn):
        row = ws.conn.execute(
            "SELECT file_id, display FROM files WHERE fingerprint != '' AND (path = ? OR sha256 = ?)"
            " ORDER BY path = ? DESC, file_id LIMIT 1", (rec.get("path"), rec.get("sha256"), rec.get("path"))).fetchone()
        if row is None:
            continue
        with ws.transaction() as conn:
            conn.execute("UPDATE orphans SET file_id = ? WHERE file_id = ?", (row[0], gone))
            conn.execute("DELETE FROM meta WHERE key = ?", (f"{REMOVED_KEY}{gone}",))
        got = ws.reattach_orphans(row[0])
        log.info("file %s came back: %d kept decisions re-attached", row[1], got["reattached"])
        out.append({"file": row[1], "reattached": got["reattached"], "open": got["open"]})
    return out


def removed_files(ws) -> list[dict]:
    """Removed files whose reviewer data is kept until they are ingested again: ``file``, ``path``,
    ``removed_at``, ``orphaned`` (open orphans, those kept until consent included)."""
    out = []
    for gone, rec in _removed_records(ws.conn):
        n = ws.conn.execute("SELECT COUNT(*) FROM orphans WHERE file_id = ? AND resolved_at IS NULL",
                            (gone,)).fetchone()[0]
        if n:
            out.append({"file": rec.get("display"), "path": rec.get("path"), "removed_at": rec.get("removed_at"),
                        "orphaned": n})
    return out


# ---------------------------------------------------------------------------------- on disk
def _state(f: StoredFile, budget: list[int]) -> str:
    p = Path(f.path)
    if not p.is_file():
        return "missing"
    try:
        size = p.stat().st_size
        if size > budget[0]:
            return "unchecked"
        budget[0] -= size
        return "present" if _file_sha256(p) == f.sha256 else "changed"
    except OSError:
        return "unreadable"


def _hint(f: StoredFile, state: str, ws_path) -> str | None:
    import shlex

    ws = shlex.quote(str(ws_path))
    name = shlex.quote(f.display)
    take_out = f"or take it out with 'copquotes remove {name} --workspace {ws}' (reviewers' decisions are kept)"
    if state == "missing":
        return (f"no longer at {f.path}: if it moved, ingest it from its new path (it keeps its units and "
                f"decisions), {take_out}")
    if state == "changed":
        return (f"changed on disk since it was ingested: ingest it again to update it "
                f"('copquotes ingest {shlex.quote(f.path)} --workspace {ws}'), {take_out}")
    if state == "unreadable":
        return f"cannot be read at {f.path}: check its permissions, {take_out}"
    return None


def source_states(ws, budget: int = HASH_BUDGET) -> list[dict]:
    """For each stored file (``copquotes status`` order): ``file_id``, ``file``, ``path``, ``state``
    (``present``: same content as ingested; ``changed``; ``missing``; ``unreadable``; ``unchecked``:
    present, not hashed because the call's ``budget`` of bytes was spent) and ``hint`` (what to do,
    or None)."""
    left = [int(budget)]
    out = []
    for f in stored_files(ws):
        state = _state(f, left)
        out.append({"file_id": f.file_id, "file": f.display, "path": f.path, "state": state,
                    "hint": _hint(f, state, ws.path)})
    return out


__all__ = ["StoredFile", "stored_files", "resolve", "plan", "remove_files", "remove", "reattach_returned",
           "removed_files", "source_states"]
