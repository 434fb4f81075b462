"""The embedding cache: vectors as Parquet parts, found through a SQLite index by text hash.

::

    cache_dir/parts/v-<id>.parquet    text_hash, vec (fixed-size binary: little-endian float32s;
                                      parts written before 6 Dec 2026 hold a fixed-size list of
                                      float32, still read); no text
    cache_dir/embeddings.sqlite       vector_parts(model, text_hash, part, row): where each vector is;
                                      ensured(key, text_hash): texts whose every piece is stored;
                                      vectors(model, text_hash, vec BLOB): a cache written before
                                      the parts, still read, never written

Each :meth:`EmbeddingCache.put_many` (one chunk of computed vectors) writes one part: the whole
file under a temporary name, flushed to disk and renamed (then the folder flushed); only then does
one transaction point the vectors' hashes at it. Every writer (the pipeline, its worker process, a
script sharing the folder) writes parts under names of its own, so appends from several processes
need no lock; the index is SQLite in WAL mode.

A part that is gone or not whole reads as a cache miss: the vector is computed again and its
hash pointed at the new part. :meth:`EmbeddingCache.tidy` (the embed stage runs it, holding the
pipeline lock) forgets the pointers into lost parts, merges small parts, and removes the parts
nothing points at. The vectors come from the original, unredacted words, so the parts stay in
the cache folder and never join the bulk files (docs/bulk.md).
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .errors import ConfigError
from .unitparts import flush_database, remove_files, write_whole

log = logging.getLogger(__name__)

CACHE_FILE = "embeddings.sqlite"
PARTS = "parts"
ROW_GROUP = 256        # vectors per Parquet row group: a lookup reads the groups it needs
SMALL_PART = 256       # tidy merges parts with fewer vectors than this ...
MERGE_AT = 16          # ... once there are this many of them
REMOVE_AFTER_S = 600   # an unreferenced part younger than this may be a writer's about to be pointed at
_SQL_VARS = 5000       # keys per SELECT ... IN (...) (SQLite allows 32766)


def _wal(conn: sqlite3.Connection, wait_s: float = 60.0) -> None:
    """Put a new cache file in WAL mode. Another process creating the same file at the same moment
    holds a lock that the mode change does not wait for by itself, so it is tried again."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def write_part(folder: Path, hashes: list[str], vecs: np.ndarray) -> str:
    """Write a part whole and flushed to disk under a new name in ``folder``; nothing points at it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    vecs = np.ascontiguousarray(vecs, dtype="<f4")
    # each vector as one fixed-size binary value: a flat column, which decodes several times faster
    # than a fixed-size list (the app's first theme shortlist waits on this read)
    col = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4 * vecs.shape[1]), len(vecs),
                                               [None, pa.py_buffer(vecs)])
    table = pa.table({"text_hash": pa.array(hashes, pa.string()), "vec": col})
    # vectors do not compress (nor repeat: no dictionary); each page carries a checksum, so a
    # damaged one reads as a miss
    return write_whole(folder, "v-", lambda fh: pq.write_table(
        table, fh, compression="none", use_dictionary=False, row_group_size=ROW_GROUP, write_page_checksum=True))


def _vec_type_ok(t) -> bool:
    """Whether ``t`` is a vector column type of ours: fixed-size binary of whole float32s, or the
    fixed-size list of float32 parts written before it."""
    import pyarrow as pa

    if pa.types.is_fixed_size_binary(t):
        return t.byte_width > 0 and t.byte_width % 4 == 0
    return pa.types.is_fixed_size_list(t) and pa.types.is_float32(t.value_type)


def _open(path: Path):
    """The part at ``path``, its schema checked (``ValueError`` when it is not one of ours)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path, page_checksum_verification=True)
    schema = pf.schema_arrow
    if (schema.names != ["text_hash", "vec"] or not pa.types.is_string(schema.field("text_hash").type)
            or not _vec_type_ok(schema.field("vec").type)):
        raise ValueError("not an embedding cache part")
    return pf


def _vectors(col, at) -> np.ndarray:
    """The vectors at rows ``at`` of a vector column read from a part, as a new float32 matrix."""
    import pyarrow as pa

    if col.null_count:
        raise ValueError("a missing vector")
    if pa.types.is_fixed_size_binary(col.type):
        col = col.take(pa.array(at)).combine_chunks()     # only these rows are copied
        width = col.type.byte_width
        raw = np.frombuffer(col.buffers()[1], dtype=np.uint8)[col.offset * width:(col.offset + len(col)) * width]
        return raw.view("<f4").astype(np.float32).reshape(len(col), width // 4)
    col = col.combine_chunks()      # a part written as float lists, before the binary column
    if col.values.null_count:
        raise ValueError("a missing number in a vector")
    return col.values.to_numpy(zero_copy_only=False).reshape(-1, col.type.list_size)[at]


def read_rows(path: Path, rows: np.ndarray) -> tuple[list, np.ndarray]:
    """The stored hashes and vectors of ``rows`` of the part at ``path`` (in that order), reading
    only the row groups that hold them. Raises whatever a missing or damaged file raises."""
    import pyarrow as pa

    pf = _open(path)
    sizes = np.array([pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    if len(rows) and (rows.min() < 0 or rows.max() >= starts[-1]):
        raise ValueError("a row past the end of the part")
    group_of = np.searchsorted(starts, rows, side="right") - 1
    groups = np.unique(group_of)
    data = pf.read_row_groups(groups.tolist(), columns=["text_hash", "vec"])
    # a row of the part -> its row in what was read (the groups read, one after another)
    read_start = np.zeros(len(sizes), dtype=np.int64)
    read_start[groups] = np.concatenate([[0], np.cumsum(sizes[groups])[:-1]])
    at = read_start[group_of] + rows - starts[group_of]
    # only these rows are copied out: what was read beyond them is let go
    return data.column("text_hash").take(pa.array(at)).to_pylist(), _vectors(data.column("vec"), at)


def _whole(path: Path) -> bool | None:
    """Whether the part at ``path`` is there and whole as far as its footer and schema say;
    ``None`` when it cannot be told (no permission: not taken for lost)."""
    try:
        _open(path)
    except PermissionError:
        return None
    except Exception:   # gone, truncated, not Parquet, not ours
        return False
    return True


class EmbeddingCache:
    """Vectors keyed by (model, text hash), safe to share between threads and processes."""

    def __init__(self, cache_dir: str | Path):
        self.dir = Path(cache_dir)
        self.parts = self.dir / PARTS
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the embedding cache folder {self.dir}: {exc}; "
                              "pass a writable cache_dir") from exc
        self.path = self.dir / CACHE_FILE
        self._local = threading.local()
        conn = self._conn()
        conn.execute("CREATE TABLE IF NOT EXISTS vector_parts (model TEXT NOT NULL, text_hash TEXT NOT NULL, "
                     "part TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (model, text_hash)) WITHOUT ROWID")
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, text_hash TEXT NOT NULL, "
                     "vec BLOB NOT NULL, PRIMARY KEY (model, text_hash)) WITHOUT ROWID")
        # texts whose every piece has a vector under a model key (Embedder.ensure), so a re-run
        # need not split them into sentences again; in the same file, so it goes with the vectors
        conn.execute("CREATE TABLE IF NOT EXISTS ensured (key TEXT NOT NULL, text_hash TEXT NOT NULL, "
                     "PRIMARY KEY (key, text_hash)) WITHOUT ROWID")
        conn.commit()
        self._legacy = conn.execute("SELECT 1 FROM vectors LIMIT 1").fetchone() is not None

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60)
            _wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _select(self, sql: str, first, keys: Sequence[str]):
        """Rows of ``sql`` (``... IN ({marks})``) over ``keys``, a bounded number at a time."""
        conn = self._conn()
        for i in range(0, len(keys), _SQL_VARS):
            part = list(keys[i:i + _SQL_VARS])
            yield from conn.execute(sql.format(marks=",".join("?" * len(part))), [first, *part])

    # -- reading -----------------------------------------------------------------------
    def get_many(self, model: str, hashes: Sequence[str], dim: int | None = None) -> dict[str, np.ndarray]:
        """The vectors of ``hashes`` that are stored (of length ``dim`` when given)."""
        out: dict[str, np.ndarray] = {}
        gone = self._read_parts(self._where(model, hashes), dim, out)
        if gone:
            # removed under this reader (tidy merged them): their hashes point at the new part by now
            self._read_parts(self._where(model, gone), dim, out)
        if self._legacy and len(out) < len(hashes):
            rest = [h for h in hashes if h not in out]
            for h, blob in self._select("SELECT text_hash, vec FROM vectors WHERE model = ? AND text_hash IN ({marks})",
                                        model, rest):
                vec = np.frombuffer(blob, dtype=np.float32)
                if dim is None or vec.shape[0] == dim:
                    out[h] = vec
        return out

    def _where(self, model: str, hashes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """``{part: [(hash, row), ...]}`` of those of ``hashes`` that have a pointer."""
        where: dict[str, list[tuple[str, int]]] = {}
        for h, part, row in self._select("SELECT text_hash, part, row FROM vector_parts "
                                         "WHERE model = ? AND text_hash IN ({marks})", model, hashes):
            where.setdefault(part, []).append((h, row))
        return where

    def _read_parts(self, where: dict[str, list[tuple[str, int]]], dim: int | None, out: dict) -> list[str]:
        """Add the vectors of ``where`` to ``out``; returns the hashes whose part was not found."""
        gone: list[str] = []
        for part in sorted(where):
            wanted = where[part]
            try:
                got, vecs = read_rows(self.parts / part, np.fromiter((r for _, r in wanted), np.int64, len(wanted)))
            except FileNotFoundError:
                gone.extend(h for h, _ in wanted)
                continue
            except Exception as exc:   # damaged: a miss, computed again and pointed at a new part
                log.warning("embedding cache part %s cannot be read (%s); its vectors will be computed again",
                            part, type(exc).__name__)
                continue
            if dim is not None and vecs.shape[1] != dim:
                continue
            out.update((h, v) for (h, _), s, v in zip(wanted, got, vecs) if s == h)
        return gone

    def has_many(self, model: str, hashes: Sequence[str], table: str = "vectors") -> set[str]:
        """The hashes of ``hashes`` that have a vector (no vector is read); with
        ``table="ensured"``, those marked by :meth:`mark_ensured` under the key ``model``."""
        if table == "ensured":
            return {h for (h,) in self._select("SELECT text_hash FROM ensured WHERE key = ? AND text_hash IN ({marks})",
                                               model, hashes)}
        if table != "vectors":
            raise ValueError(f"unknown table {table!r}")
        out = {h for (h,) in self._select("SELECT text_hash FROM vector_parts WHERE model = ? "
                                          "AND text_hash IN ({marks})", model, hashes)}
        if self._legacy:
            out.update(h for (h,) in self._select("SELECT text_hash FROM vectors WHERE model = ? "
                                                  "AND text_hash IN ({marks})", model, hashes))
        return out

    def count(self, model: str | None = None) -> int:
        """Distinct (model, hash) keys with a vector."""
        cond, args = ("WHERE model = ?", (model, model)) if model is not None else ("", ())
        return self._conn().execute(f"SELECT COUNT(*) FROM (SELECT model, text_hash FROM vector_parts {cond} "
                                    f"UNION SELECT model, text_hash FROM vectors {cond})", args).fetchone()[0]

    # -- writing -----------------------------------------------------------------------
    def mark_ensured(self, key: str, hashes: Iterable[str]) -> None:
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR IGNORE INTO ensured (key, text_hash) VALUES (?, ?)",
                             [(key, h) for h in hashes])

    def put_many(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store ``items`` (hash, vector) as one new part, then point their hashes at it."""
        items = list(dict((h, v) for h, v in items).items())
        if not items:
            return
        name = write_part(self.parts, [h for h, _ in items], np.stack([np.asarray(v, dtype=np.float32) for _, v in items]))
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO vector_parts (model, text_hash, part, row) VALUES (?, ?, ?, ?)",
                             [(model, h, name, i) for i, (h, _) in enumerate(items)])

    # -- upkeep ------------------------------------------------------------------------
    def tidy(self, remove_after_s: float = REMOVE_AFTER_S) -> dict:
        """Forget the pointers into lost parts, merge small parts, remove unreferenced ones.

        Run it holding the workspace's pipeline lock (the embed stage does). When a part was lost,
        the ``ensured`` marks are cleared, so the next embed stage looks at every text again and
        computes what is missing. Returns counts: ``lost``, ``merged``, ``removed``."""
        conn = self._conn()
        referenced = dict(conn.execute("SELECT part, COUNT(*) FROM vector_parts GROUP BY part"))
        lost = [p for p in referenced if _whole(self.parts / p) is False]
        if lost:
            log.warning("%d embedding cache part(s) lost; their vectors will be computed again", len(lost))
            with conn:
                conn.execute("DELETE FROM vector_parts WHERE part IN (SELECT value FROM json_each(?))",
                             (json.dumps(lost),))
                conn.execute("DELETE FROM ensured")
            for p in lost:
                referenced.pop(p)
        merged = self._merge_small(referenced)
        removed = self._remove_unreferenced(remove_after_s)
        return {"lost": len(lost), "merged": merged, "removed": removed}

    def _merge_small(self, referenced: dict[str, int]) -> int:
        """Rewrite the parts with fewer than :data:`SMALL_PART` live vectors as one part (per model
        and vector length); a part that cannot be read is left as it is."""
        small = sorted(p for p, n in referenced.items() if n < SMALL_PART)
        if len(small) < MERGE_AT:
            return 0
        conn = self._conn()
        by_part: dict[str, list[tuple[str, str, int]]] = {}
        for model, h, part, row in conn.execute(
                "SELECT model, text_hash, part, row FROM vector_parts WHERE part IN (SELECT value FROM json_each(?))",
                (json.dumps(small),)):
            by_part.setdefault(part, []).append((model, h, row))
        groups: dict[tuple[str, int], list[tuple[str, np.ndarray]]] = {}
        merged = 0
        for part, keyed in by_part.items():
            try:
                got, vecs = read_rows(self.parts / part, np.fromiter((r for _, _, r in keyed), np.int64, len(keyed)))
            except Exception as exc:   # a miss when read; tidy finds it lost once its footer says so
                log.warning("embedding cache part %s cannot be read (%s); not merged", part, type(exc).__name__)
                continue
            merged += 1
            for (model, h, _), s, v in zip(keyed, got, vecs):
                if s == h:
                    groups.setdefault((model, v.shape[0]), []).append((h, v))
        for (model, _), items in groups.items():
            name = write_part(self.parts, [h for h, _ in items], np.stack([v for _, v in items]))
            with conn:
                conn.executemany("UPDATE vector_parts SET part = ?, row = ? WHERE model = ? AND text_hash = ?",
                                 [(name, i, model, h) for i, (h, _) in enumerate(items)])
        return merged

    def _remove_unreferenced(self, remove_after_s: float) -> int:
        """Remove this cache's part files nothing points at (and temporary files) older than
        ``remove_after_s``; other entries of the folder are left alone."""
        conn = self._conn()
        referenced = {p for (p,) in conn.execute("SELECT DISTINCT part FROM vector_parts")}
        flush_database(conn)   # the pointers that replaced them survive a power cut
        return remove_files(self.parts, referenced, "v-", remove_after_s)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
