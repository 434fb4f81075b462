"""The bulk files on disk: partitioned Parquet tables in generations, committed by a manifest.

Layout, inside the workspace folder::

    WS/bulk/CURRENT.json             the manifest: which generation is current, what it was
                                     written from (fingerprints), its tables, parts and rows
    WS/bulk/g-<id>/units/part-00000.parquet ...
    WS/bulk/g-<id>/quotes/part-00000.parquet ...

A generation is written whole in ``WS/bulk/.g-<id>.tmp`` (each file and folder flushed to disk),
renamed to ``g-<id>``, and only then named in ``CURRENT.json`` (written to a temporary file and
renamed over it). A reader opens the generation the manifest names, so it sees the last complete
write, never a half-written one; a write that fails or is killed at any point leaves the previous
generation current. Once the new one is current the one it replaced is removed at once (it may
hold text whose consent was withdrawn since), as are a killed write's folders, by
:func:`remove_leftovers`. Writers hold the workspace's pipeline lock.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import uuid
from pathlib import Path

from ..errors import ConfigError, WorkspaceError
from ..unitparts import fsync_dir
from ..workspace import atomic_write_bytes

FOLDER = "bulk"
MANIFEST = "CURRENT.json"
FORMAT = 1


def root(ws_path) -> Path:
    return Path(ws_path) / FOLDER


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:   # an optional dependency
        raise ConfigError("the bulk Parquet files need pyarrow: pip install 'copquotes[ray]' "
                          "(or pip install pyarrow duckdb)") from exc
    return pa, pq


def read_manifest(ws_path) -> dict | None:
    """The current manifest, or None when no bulk files were written (or the manifest is unreadable)."""
    p = root(ws_path) / MANIFEST
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(m, dict) or m.get("format") != FORMAT or not (root(ws_path) / str(m.get("generation"))).is_dir():
        return None
    return m


class GenerationWriter:
    """Writes one generation: ``add(table, frame, schema)`` appends a part to a table;
    ``commit(info)`` makes it current; ``abort()`` (or leaving a ``with`` block on an
    error) removes what was written."""

    def __init__(self, ws_path):
        self.root = root(ws_path)
        self.root.mkdir(parents=True, exist_ok=True)
        self.name = f"g-{uuid.uuid4().hex[:12]}"
        self.tmp = self.root / f".{self.name}.tmp"
        self.tmp.mkdir()
        self.tables: dict[str, dict] = {}

    def add(self, table: str, frame, schema) -> None:
        pa, pq = _pyarrow()
        info = self.tables.setdefault(table, {"parts": 0, "rows": 0, "columns": list(schema.names)})
        folder = self.tmp / table
        folder.mkdir(exist_ok=True)
        path = folder / f"part-{info['parts']:05d}.parquet"
        data = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        with open(path, "wb") as fh:
            pq.write_table(data, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        info["parts"] += 1
        info["rows"] += len(frame)

    def commit(self, info: dict) -> dict:
        for table in self.tables:
            fsync_dir(self.tmp / table)
        fsync_dir(self.tmp)
        final = self.root / self.name
        os.replace(self.tmp, final)
        fsync_dir(self.root)
        manifest = {"format": FORMAT, "generation": self.name, "tables": self.tables,
                    "written_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(), **info}
        atomic_write_bytes(self.root / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        fsync_dir(self.root)
        remove_leftovers(self.root.parent)
        return manifest

    def abort(self) -> None:
        """Remove what this write left, unless the manifest names it already (then it is current)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
        if (read_manifest(self.root.parent) or {}).get("generation") != self.name:
            shutil.rmtree(self.root / self.name, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.abort()
        return False


def remove_leftovers(ws_path) -> int:
    """Remove temporary folders and every generation the manifest does not name (a killed write's,
    the one a write replaced); returns how many. Call only holding the pipeline lock."""
    r = root(ws_path)
    if not r.is_dir():
        return 0
    keep = {(read_manifest(ws_path) or {}).get("generation")}
    n = 0
    for p in r.iterdir():
        stale_dir = p.is_dir() and p.name not in keep and (p.name.startswith("g-") or p.name.startswith(".g-"))
        stale_file = p.is_file() and p.name.startswith(f".{MANIFEST}.")
        if stale_dir:
            shutil.rmtree(p, ignore_errors=True)
            n += 1
        elif stale_file:
            p.unlink(missing_ok=True)
            n += 1
    return n


def remove_all(ws_path) -> None:
    """Remove the bulk files (the manifest first: a reader then finds none, never a part)."""
    r = root(ws_path)
    (r / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(r, ignore_errors=True)


def table_files(ws_path, table: str, manifest: dict | None = None) -> list[Path]:
    """The Parquet files of ``table`` in the current generation (or the one ``manifest`` names),
    in part order."""
    m = manifest if manifest is not None else read_manifest(ws_path)
    if m is None:
        raise WorkspaceError(f"the workspace {ws_path} has no bulk files: run "
                             f"'copquotes analyse --workspace {ws_path} --bulk on'")
    if table not in m["tables"]:
        raise ConfigError(f"no bulk table {table!r}: choose from {', '.join(sorted(m['tables']))}")
    folder = root(ws_path) / m["generation"] / table
    return sorted(folder.glob("part-*.parquet"))
