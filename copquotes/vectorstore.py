"""The embedding cache: vectors as Parquet parts, found through a SQLite index by text hash.

::

    cache_dir/parts/v-<id>.parquet    text_hash, vec (fixed-size list of float32); no text
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

import logging
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .errors import ConfigError
from .unitparts import fsync_dir

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
        where: dict[str, list[tuple[str, int]]] = {}
        for h, part, row in self._select("SELECT text_hash, part, row FROM vector_parts "
                                         "WHERE model = ? AND text_hash IN ({marks})", model, hashes):
            where.setdefault(part, []).append((h, row))
        out: dict[str, np.ndarray] = {}
        for part in sorted(where):
            out.update(self._read_rows(part, where[part], dim))
        if self._legacy and len(out) < len(hashes):
            rest = [h for h in hashes if h not in out]
            for h, blob in self._select("SELECT text_hash, vec FROM vectors WHERE model = ? AND text_hash IN ({marks})",
                                        model, rest):
                vec = np.frombuffer(blob, dtype=np.float32)
                if dim is None or vec.shape[0] == dim:
                    out[h] = vec
        return out

    def _read_rows(self, part: str, wanted: list[tuple[str, int]], dim: int | None) -> dict[str, np.ndarray]:
        """``{hash: vector}`` of ``wanted`` (hash, row) in ``part``; none when the part is lost."""
        import pyarrow.parquet as pq

        rows = np.fromiter((r for _, r in wanted), dtype=np.int64, count=len(wanted))
        try:
            pf = pq.ParquetFile(self.parts / part)
            sizes = np.array([pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)], dtype=np.int64)
            starts = np.concatenate([[0], np.cumsum(sizes)])
            group_of = np.searchsorted(starts, rows, side="right") - 1
            if len(rows) and (rows.min() < 0 or rows.max() >= starts[-1]):
                raise ValueError("a row past the end of the part")
            groups = np.unique(group_of)
            data = pf.read_row_groups(groups.tolist(), columns=["text_hash", "vec"])
        except (OSError, ValueError) as exc:   # gone, truncated or not Parquet: recomputed by the caller
            log.warning("embedding cache part %s cannot be read (%s); its vectors will be computed again",
                        part, type(exc).__name__)
            return {}
        col = data.column("vec").combine_chunks()
        width = col.type.list_size
        if dim is not None and width != dim:
            return {}
        flat = col.values.to_numpy(zero_copy_only=False).reshape(-1, width)
        # a row of the part -> its row in what was read (the groups read, one after another)
        read_start = np.zeros(len(sizes), dtype=np.int64)
        read_start[groups] = np.concatenate([[0], np.cumsum(sizes[groups])[:-1]])
        at = read_start[group_of] + rows - starts[group_of]
        stored = data.column("text_hash").to_numpy(zero_copy_only=False)[at]
        return {h: flat[i] for (h, _), i, s in zip(wanted, at.tolist(), stored) if s == h}

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
        name = self._write_part([h for h, _ in items], np.stack([np.asarray(v, dtype=np.float32) for _, v in items]))
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO vector_parts (model, text_hash, part, row) VALUES (?, ?, ?, ?)",
                             [(model, h, name, i) for i, (h, _) in enumerate(items)])

    def _write_part(self, hashes: list[str], vecs: np.ndarray) -> str:
        """Write a part whole and flushed to disk under a new name; nothing points at it yet."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        col = pa.FixedSizeListArray.from_arrays(pa.array(vecs.reshape(-1)), vecs.shape[1])
        table = pa.table({"text_hash": pa.array(hashes, pa.string()), "vec": col})
        name = f"v-{uuid.uuid4().hex[:16]}.parquet"
        tmp = self.parts / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            # vectors do not compress; uncompressed pages make a lookup a read and a copy
            pq.write_table(table, fh, compression="none", row_group_size=ROW_GROUP)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.parts / name)
        fsync_dir(self.parts)
        return name

    # -- upkeep ------------------------------------------------------------------------
    def tidy(self, remove_after_s: float = REMOVE_AFTER_S) -> dict:
        """Forget the pointers into lost parts, merge small parts, remove unreferenced ones.

        Run it holding the workspace's pipeline lock (the embed stage does). When a part was lost,
        the ``ensured`` marks are cleared, so the next embed stage looks at every text again and
        computes what is missing. Returns counts: ``lost``, ``merged``, ``removed``."""
        import pyarrow.parquet as pq

        conn = self._conn()
        referenced = {p: n for p, n in conn.execute("SELECT part, COUNT(*) FROM vector_parts GROUP BY part")}
        lost = []
        for part in referenced:
            try:
                pq.read_metadata(self.parts / part)
            except (OSError, ValueError):
                lost.append(part)
        if lost:
            log.warning("%d embedding cache part(s) lost; their vectors will be computed again", len(lost))
            with conn:
                conn.executemany("DELETE FROM vector_parts WHERE part = ?", [(p,) for p in lost])
                conn.execute("DELETE FROM ensured")
            for p in lost:
                referenced.pop(p)
        merged = self._merge_small(referenced)
        removed = self._remove_unreferenced(remove_after_s)
        return {"lost": len(lost), "merged": merged, "removed": removed}

    def _merge_small(self, referenced: dict[str, int]) -> int:
        """Rewrite the parts with fewer than :data:`SMALL_PART` live vectors as one part."""
        small = sorted(p for p, n in referenced.items() if n < SMALL_PART)
        if len(small) < MERGE_AT:
            return 0
        conn = self._conn()
        rows = conn.execute("SELECT model, text_hash, part, row FROM vector_parts WHERE part IN "
                            f"({','.join('?' * len(small))})", small).fetchall()
        by_model: dict[str, list[tuple[str, str, int]]] = {}
        for model, h, part, row in rows:
            by_model.setdefault(model, []).append((h, part, row))
        for model, keyed in by_model.items():
            got: dict[str, np.ndarray] = {}
            for part in small:
                got.update(self._read_rows(part, [(h, r) for h, p, r in keyed if p == part], None))
            items = [(h, got[h]) for h, _, _ in keyed if h in got]
            widths = {v.shape[0] for _, v in items}
            for w in widths:   # one part per vector length (a model's vectors share one)
                same = [(h, v) for h, v in items if v.shape[0] == w]
                name = self._write_part([h for h, _ in same], np.stack([v for _, v in same]))
                with conn:
                    conn.executemany("UPDATE vector_parts SET part = ?, row = ? WHERE model = ? AND text_hash = ?",
                                     [(name, i, model, h) for i, (h, _) in enumerate(same)])
        return len(small)

    def _remove_unreferenced(self, remove_after_s: float) -> int:
        conn = self._conn()
        referenced = {p for (p,) in conn.execute("SELECT DISTINCT part FROM vector_parts")}
        now, n = time.time(), 0
        for path in self.parts.iterdir():
            if path.name in referenced:
                continue
            try:
                if now - path.stat().st_mtime < remove_after_s:
                    continue
                path.unlink()
                n += 1
            except FileNotFoundError:
                continue
        if n:
            fsync_dir(self.parts)
        return n

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
