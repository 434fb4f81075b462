"""Per-unit results kept as Parquet parts beside the workspace database (docs/durability.md).

The largest per-unit result, every sentence's score for every theme (``sentence_themes``: a
quarter of the database at 100,000 units, read by the quotes stage alone), is not a SQLite
table: the ``tag`` stage writes it as one Parquet file per scoring chunk, and SQLite keeps
one small row per unit saying which file holds its rows::

    WS/parts/sentence_themes/p-<id>.parquet      unit_id, idx, theme, score (no text)
    unit_parts(unit_id, tbl, part)               in the database; deleted with its unit

How a part is written, so that no reader ever sees half of one and a killed run loses nothing:

1. :func:`write_part` writes the whole file under a temporary name, flushes it to disk and
   renames it (then flushes the folder);
2. only then does a write transaction point the part's units at it (:func:`point`), in the
   same transaction that replaces their other results (``unit_themes``);
3. :func:`remove_unreferenced` removes, holding the pipeline lock, the files no unit points
   at any more (a part all of whose units were scored again or removed, a killed write's);
   before it, :func:`compact` merges the parts few units still point at (a few files added at a
   time, units scored again), writing their live rows again as in 1 and 2.

A unit's rows are read from the file its pointer names (:func:`read`). A pointer whose file is
gone or not whole (a folder deleted or not copied with the database, a truncated copy) is found
by :func:`lost_units`; the tag stage counts them in its fingerprint and scores those units again.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "parts"
SENTENCE_THEMES = "sentence_themes"
UNIT_THEMES = "unit_themes"
COMPACT_BELOW = 2_500   # a part fewer units point at than this is small ...
COMPACT_AT = 8          # ... and compact() merges the small parts once there are this many
COMPACT_INTO = 10_000   # units a merged part
UNITS_KEY = "copquotes.units"     # a part's metadata: how many units it holds
# each table's columns and their Arrow types (by name, so that this module imports pyarrow late)
COLUMNS = {SENTENCE_THEMES: (("unit_id", "string"), ("idx", "int32"), ("theme", "string"), ("score", "float64")),
           UNIT_THEMES: (("unit_id", "string"), ("theme", "string"), ("score", "float64"), ("label", "int32"),
                         ("evidence_idx", "int32"))}
# tables whose parts are ordered by a column, a row group per value (read by that value)
CLUSTERED = {UNIT_THEMES: "theme"}


def folder(ws_path, table: str) -> Path:
    return Path(ws_path) / FOLDER / table


def _schema(table: str):
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS[table]])


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (a rename in it survives a power cut); best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def flush_database(conn) -> None:
    """Flush what ``conn``'s database committed to disk. In WAL mode with ``synchronous=NORMAL`` a
    commit reaches the disk at the next checkpoint, so call this before removing files that
    committed pointers replaced: a power cut then cannot keep the old pointers and lose their
    files. A passive checkpoint (it waits for nobody) syncs the log first. (Never open the
    database file itself to sync it: closing any descriptor of it drops this process's SQLite
    locks.)"""
    import sqlite3

    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.OperationalError as exc:   # busy: the pointers are flushed at the next checkpoint
        log.debug("checkpoint before removing parts: %s", exc)


def write_part(ws_path, table: str, rows: list[tuple]) -> str:
    """Write ``rows`` (tuples in :data:`COLUMNS` order) as a new part of ``table``, whole and
    flushed to disk; returns its name. Nothing points at it yet.

    The file's metadata says how many units it holds (:data:`UNITS_KEY`): a reader whose pointers
    name that many units for the part knows every row in it is live. A table in :data:`CLUSTERED`
    has its rows ordered by that column (each unit's rows keep their order) and one row group per
    value when every unit has a row for each: a reader of one value reads its row group only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema(table)
    names = [n for n, _ in COLUMNS[table]]
    n_units = len({r[0] for r in rows})
    group = 64_000
    by = CLUSTERED.get(table)
    if by is not None and rows:
        k = names.index(by)
        rows = sorted(rows, key=lambda r: r[k])
        group = max(1, n_units)
    data = pa.Table.from_pydict({n: [r[i] for r in rows] for i, n in enumerate(names)}, schema=schema)
    data = data.replace_schema_metadata({UNITS_KEY: str(n_units)})
    where = folder(ws_path, table)
    where.mkdir(parents=True, exist_ok=True)
    return write_whole(where, "p-", lambda fh: pq.write_table(data, fh, compression="zstd", row_group_size=group,
                                                              write_page_checksum=True))


def part_units(path: Path) -> int | None:
    """How many units the part at ``path`` holds, from its metadata (``None``: a part written
    before the count was kept)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    got = meta.get(UNITS_KEY.encode())
    return int(got) if got is not None else None


def write_whole(where: Path, prefix: str, write) -> str:
    """Write a new file ``<prefix><id>.parquet`` in ``where`` with ``write(fh)``: under a
    temporary name, flushed to disk, renamed, the folder flushed. Returns its name."""
    name = f"{prefix}{uuid.uuid4().hex[:16]}.parquet"
    tmp = where / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, where / name)
    fsync_dir(where)
    return name


def remove_files(where: Path, keep: set[str], prefix: str, older_than_s: float = 0.0) -> int:
    """Remove the files of ``where`` named ``<prefix>...`` (or a temporary ``.<prefix>...``) that
    are not in ``keep`` and were last written more than ``older_than_s`` ago; returns how many.
    An error is logged and the file tried again next time (nothing is lost by keeping it)."""
    now, n = time.time(), 0
    for p in where.iterdir():
        if p.name in keep or not (p.name.startswith(prefix) or p.name.startswith("." + prefix)):
            continue
        try:
            if not p.is_file() or (older_than_s and now - p.stat().st_mtime < older_than_s):
                continue
            p.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not remove an unused file %s: %s", p.name, exc)
            continue
        n += 1
    if n:
        fsync_dir(where)
    return n


def point(conn, table: str, unit_ids, part: str) -> None:
    """Inside a write transaction: the rows of ``unit_ids`` in ``table`` are those of ``part``
    (and the table's generation, which readers' caches key on, moves on)."""
    conn.executemany("INSERT OR REPLACE INTO unit_parts(unit_id, tbl, part) VALUES (?, ?, ?)",
                     [(uid, table, part) for uid in unit_ids])
    conn.execute("INSERT INTO meta(key, value) VALUES (?, '1')"
                 " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", (generation_key(table),))


def generation_key(table: str) -> str:
    """The ``meta`` key counting the writes of ``table``'s pointers."""
    return f"parts_generation:{table}"


def _pointers(conn, table: str, unit_ids) -> dict[str, list[str]]:
    """``{part: [unit_id, ...]}`` for those of ``unit_ids`` that have one."""
    out: dict[str, list[str]] = {}
    cur = conn.cursor()
    cur.row_factory = None
    for uid, part in cur.execute(
            "SELECT unit_id, part FROM unit_parts WHERE tbl = ? AND unit_id IN (SELECT value FROM json_each(?))",
            (table, json.dumps(list(unit_ids)))):
        out.setdefault(part, []).append(uid)
    return out


def read(ws, table: str, unit_ids, columns=None) -> dict[str, list[tuple]]:
    """``{unit_id: [rest of the row, ...]}`` of ``unit_ids`` in ``table``, each unit's rows in the
    order they were written; a unit with no pointer (or no rows) is absent. ``columns``: only these
    of the rest of the row, in that order. Raises :class:`~copquotes.errors.WorkspaceError` when a
    part a unit points at is gone."""
    cols = list(columns or [n for n, _ in COLUMNS[table]][1:])
    out: dict[str, list[tuple]] = {}
    pointers = _pointers(ws.conn, table, unit_ids)
    for part in sorted(pointers):
        ids, path = pointers[part], folder(ws.path, table) / part
        try:
            rows = _few_rows(path, table, ids, cols) if len(ids) <= FEW_UNITS else _rows(path, ids, cols)
        except FileNotFoundError:
            # removed since the pointers were read: every unit pointed elsewhere first (the one writer
            # removes only the parts nothing points at), so read these units' pointers again
            for uid, again in read_again(ws, table, ids, path, cols).items():
                out[uid] = again
            continue
        except (OSError, ValueError) as exc:
            raise _unreadable(ws, path, exc) from exc
        for row in rows:
            out.setdefault(row[0], []).append(row[1:])
    return out


def _rows(path: Path, ids: list[str], cols: list[str]):
    """The rows (unit id first, then ``cols``) of ``ids`` in the part at ``path``, filtered while the
    part is scanned (the other units' rows are never built: a stage reading a few units of a large
    part holds only theirs)."""
    import pyarrow.parquet as pq

    data = pq.read_table(path, columns=["unit_id", *cols], filters=[("unit_id", "in", ids)],
                         page_checksum_verification=True)
    return zip(*[data[n].to_pylist() for n in ["unit_id", *cols]])


# A page of the app reads a few units in each of dozens of parts (50 quotes: 29 parts at 500,000
# units). For so few units of a part its unit ids are kept (a part never changes once written: a
# new result is a new part) and its other columns read whole, their strings as dictionaries, the
# units' rows taken by position: 2-5 ms a part, where the filtered read (``_rows``) decodes every
# unit id (11 ms). At most IDS_KEPT_BYTES of ids are kept (about 0.5 MB for a part of 10,000 units).
FEW_UNITS = 64
IDS_KEPT_BYTES = 48 << 20
_IDS: dict = {}
_IDS_LOCK = threading.Lock()       # (the app's sessions are threads of one process)


def _few_rows(path: Path, table: str, ids: list[str], cols: list[str]):
    """:func:`_rows`, for a few units of the part (:data:`FEW_UNITS`)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    units = _part_ids(path)
    at = pc.indices_nonzero(pc.take(pc.is_in(units.dictionary, value_set=pa.array(ids, type=pa.string())),
                                    units.indices))
    strings = [c for c in cols if dict(COLUMNS[table]).get(c) == "string"]
    data = pq.read_table(path, columns=cols, read_dictionary=strings or None,
                         page_checksum_verification=True).take(at)
    return zip(units.take(at).to_pylist(), *[data[n].to_pylist() for n in cols])


def _part_ids(path: Path):
    """The unit id of every row of the part at ``path`` (a ``pyarrow.DictionaryArray``), kept."""
    import pyarrow.parquet as pq

    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _IDS_LOCK:
        got = _IDS.pop(key, None)
    if got is None:
        col = pq.read_table(path, columns=["unit_id"], read_dictionary=["unit_id"],
                            page_checksum_verification=True)["unit_id"]
        got = col.unify_dictionaries().combine_chunks()
    with _IDS_LOCK:
        while _IDS and sum(a.nbytes for a in _IDS.values()) + got.nbytes > IDS_KEPT_BYTES:
            _IDS.pop(next(iter(_IDS)))          # the least recently used first
        _IDS[key] = got
    return got


def read_again(ws, table: str, unit_ids, gone: Path, columns=None) -> dict[str, list[tuple]]:
    """:func:`read` of ``unit_ids`` whose part ``gone`` was removed under the reader: they point at
    another part by now, or the part is lost (a :class:`~copquotes.errors.WorkspaceError`)."""
    if any(part == gone.name for part in _pointers(ws.conn, table, unit_ids)):
        raise _unreadable(ws, gone, FileNotFoundError("no such file"))
    return read(ws, table, unit_ids, columns)


def _unreadable(ws, path: Path, exc: Exception):
    from .errors import WorkspaceError

    return WorkspaceError(
        f"the workspace's results file {path} cannot be read ({exc}): run "
        f"'copquotes analyse --workspace {ws.path}', which computes the units of a missing or "
        f"unreadable file again")


def _readable(path: Path) -> bool:
    """Whether ``path`` is a whole Parquet file (its footer reads: a truncated or empty copy does not)."""
    if not path.is_file():
        return False
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except (OSError, ValueError):
        return False
    return True


def _whole(path: Path) -> bool:
    """Whether every row of the part at ``path`` reads (a small part: :func:`compact` reads it all)."""
    import pyarrow.parquet as pq

    try:
        pq.read_table(path, page_checksum_verification=True)
    except Exception:
        return False
    return True


def lost_units(ws, table: str) -> list[str]:
    """The units whose pointer names a part of ``table`` that is not on disk, or not whole."""
    parts = [r[0] for r in ws.conn.execute("SELECT DISTINCT part FROM unit_parts WHERE tbl = ?", (table,))]
    lost = [p for p in parts if not _readable(folder(ws.path, table) / p)]
    if not lost:
        return []
    return [r[0] for r in ws.conn.execute(
        "SELECT unit_id FROM unit_parts WHERE tbl = ? AND part IN (SELECT value FROM json_each(?))",
        (table, json.dumps(lost)))]


def remove_unreferenced(ws, table: str) -> int:
    """Remove the parts of ``table`` no unit points at, and any temporary file a killed write left;
    returns how many files. Call holding the workspace's pipeline lock (the one writer)."""
    where = folder(ws.path, table)
    if not where.is_dir():
        return 0
    keep = {r[0] for r in ws.conn.execute("SELECT DISTINCT part FROM unit_parts WHERE tbl = ?", (table,))}
    flush_database(ws.conn)
    return remove_files(where, keep, "p-")


def compact(ws, table: str) -> int:
    """Merge the parts with few units left (fewer than :data:`COMPACT_BELOW` point at them) once
    there are :data:`COMPACT_AT` of them; returns how many parts were merged.

    Adding a few files at a time makes small parts, and scoring units again leaves parts with few
    of their units still pointing at them: a reader of a part of the units would open ever more
    files, and dead rows would stay on disk. The live rows are written again, in the units' file
    order, :data:`COMPACT_INTO` units a part, and their units pointed at the new parts (the old
    files are then unreferenced: :func:`remove_unreferenced`). Call holding the pipeline lock."""
    live = dict(ws.conn.execute("SELECT part, COUNT(*) FROM unit_parts WHERE tbl = ? GROUP BY part", (table,)))
    small = sorted(p for p, n in live.items() if n < COMPACT_BELOW)
    if len(small) < COMPACT_AT:
        return 0
    bad = [p for p in small if not _whole(folder(ws.path, table) / p)]
    if bad:   # left as they are: a reader of their units says what to do
        log.warning("%d results file(s) of %s cannot be read; not merged", len(bad), table)
        small = [p for p in small if p not in bad]
        if len(small) < 2:
            return 0
    # in the tag stage's order (file, then position), which the quotes stage reads in
    ids = [r[0] for r in ws.conn.execute(
        "SELECT p.unit_id FROM unit_parts p JOIN units u ON u.unit_id = p.unit_id JOIN files f ON f.file_id = u.file_id"
        " WHERE p.tbl = ? AND p.part IN (SELECT value FROM json_each(?)) ORDER BY f.display, u.position, u.unit_id",
        (table, json.dumps(small)))]
    for k in range(0, len(ids), COMPACT_INTO):
        batch = ids[k:k + COMPACT_INTO]
        rows = read(ws, table, batch)
        name = write_part(ws.path, table, [(uid, *r) for uid in batch for r in rows.get(uid, ())])
        for i in range(0, len(batch), 1000):   # short transactions: a reviewer's save waits for one at most
            with ws.transaction() as conn:
                point(conn, table, batch[i:i + 1000], name)
    log.debug("merged %d small parts of %s into %d", len(small), table, -(-len(ids) // COMPACT_INTO))
    return len(small)


def sentence_themes(ws, unit_ids) -> dict[str, list[tuple]]:
    """``{unit_id: [(idx, theme, score), ...]}``: the tag stage's sentence scores of ``unit_ids``.
    A workspace analysed before the parts existed (schema 9) keeps its rows in the
    ``sentence_themes`` table until the tag stage scores their unit again; they are read from it."""
    ids = list(unit_ids)
    out = read(ws, SENTENCE_THEMES, ids)
    if ws.conn.execute("SELECT EXISTS (SELECT 1 FROM sentence_themes)").fetchone()[0]:
        cur = ws.conn.cursor()
        cur.row_factory = None
        legacy: dict[str, list[tuple]] = {}
        for uid, *rest in cur.execute("SELECT unit_id, idx, theme, score FROM sentence_themes"
                                      " WHERE unit_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)):
            legacy.setdefault(uid, []).append(tuple(rest))
        for uid, rows in legacy.items():
            out.setdefault(uid, rows)      # (the stage deletes them when it points a unit at a part)
    return out


def sentence_theme_rows(ws) -> list[tuple]:
    """Every ``(unit_id, idx, theme, score)`` of the workspace, sorted (for comparisons and tests;
    the stages read a part of the units at a time with :func:`sentence_themes`)."""
    ids = [r[0] for r in ws.conn.execute("SELECT unit_id FROM units")]
    return sorted((uid, *row) for uid, rows in sentence_themes(ws, ids).items() for row in rows)
