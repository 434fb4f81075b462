"""Bulk files: the per-unit results of a large workspace as partitioned Parquet, for DuckDB,
pyarrow or pandas (docs/bulk.md).

The SQLite database stays the workspace's store: the stages and the review app work from it,
and it alone holds the review state, the decisions and the audit trail. Beside it, in
``WS/bulk/``, the pipeline writes after a run what a researcher analyses at scale, a part of
:data:`PART_UNITS` units at a time (the memory does not grow with the workspace):

* ``units``: the coded units table (``copquotes export --what units``): one row per unit,
  anonymised text (empty without quote consent), metadata, theme scores and labels, topic;
* ``quotes``: every stored candidate quote of those units: span, anonymised text and edit,
  score, themes, status and version at the time of writing.

Only what the disclosure layer lets out is written (the same gate as the exports), so the files
hold no original text and no file name. The embeddings stay in the embedding cache
(``WS/embeddings/``): they are computed from the original words.

When: ``bulk="auto"`` (the default) writes them for a workspace of at least
:data:`AUTO_MIN_UNITS` units, with the Ray engine, and whenever they exist already (so they stay
current); ``"on"`` always; ``"off"`` never. They are rewritten when the analysis or any review
changed what they hold (:func:`status`).
"""
from __future__ import annotations

import hashlib
import json
import logging

from ..errors import ConfigError
from .frames import QUOTE_COLUMNS, UnitFrames, quotes_frame
from .store import GenerationWriter, read_manifest, remove_all, remove_leftovers, root, table_files

log = logging.getLogger(__name__)

PART_UNITS = 10_000
AUTO_MIN_UNITS = 50_000
SETTINGS = ("auto", "on", "off")
TABLES = ("units", "quotes")

__all__ = ["PART_UNITS", "AUTO_MIN_UNITS", "SETTINGS", "TABLES", "UnitFrames", "check_setting", "connect",
           "read", "remove_leftovers", "root", "status", "token", "write", "write_if_due"]


def check_setting(bulk: str) -> str:
    if bulk not in SETTINGS:
        raise ConfigError(f"unknown bulk setting {bulk!r}: choose from {', '.join(SETTINGS)}")
    return bulk


def token(ws) -> str:
    """What the bulk files are written from. It changes with any ingest that changed a file
    (content, metadata, identifiers, consent: ``content_changed_at`` and the content fingerprint),
    any stage run (its fingerprint and when it was done), any review (the review change counter,
    decisions, theme corrections, reviewers' redactions), a re-rank of the quotes (their scores),
    the topic labels and the workspace's settings (the source pseudonyms among them)."""
    parts: list = [ws.content_fingerprint()]
    for sql in (
        "SELECT name, fingerprint, done_at FROM stages ORDER BY name",
        "SELECT key, value FROM meta WHERE key IN ('content_changed_at', 'review_changes') ORDER BY key",
        # written while the files are: the anonymised questions (a cache of the content) and the
        # speaker pseudonyms' secret (created once, never changed)
        "SELECT key, value FROM config WHERE key NOT IN ('disclosure.questions', 'disclosure.speaker_secret')"
        " ORDER BY key",
        "SELECT COUNT(*), MAX(id) FROM decisions",
        "SELECT COUNT(*), MAX(at), TOTAL(label) FROM theme_labels",
        "SELECT COUNT(*), TOTAL(start * 7 + \"end\" * 13 + length(status)) FROM redactions WHERE status != 'auto'",
        "SELECT COUNT(*), TOTAL(score), TOTAL(version), MAX(updated_at) FROM quotes",
        "SELECT topic, label FROM topic_info ORDER BY topic",
    ):
        parts.append([list(r) for r in ws.conn.execute(sql)])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def status(ws) -> dict:
    """``{"state": "none" | "current" | "stale", "path", "written_at", "tables": {name: rows}}``."""
    m = read_manifest(ws.path)
    if m is None:
        return {"state": "none", "path": str(root(ws.path))}
    return {"state": "current" if m.get("token") == token(ws) else "stale", "path": str(root(ws.path)),
            "written_at": m.get("written_at"), "tables": {t: i["rows"] for t, i in m["tables"].items()}}


def write_if_due(ws, bulk: str = "auto", *, engine: str = "local", progress: bool = True) -> dict | None:
    """Write the bulk files when ``bulk`` asks for them and they are missing or stale; the
    manifest written, or None when nothing was due."""
    check_setting(bulk)
    if getattr(ws, "path", None) is None:
        return None
    m = read_manifest(ws.path)
    if bulk == "off":
        if m is not None and m.get("token") != token(ws):
            # stale files may hold what is no longer to be shown (consent withdrawn since): not kept
            remove_all(ws.path)
            log.info("stale bulk files removed (bulk off)")
        return None
    wanted = bulk == "on" or m is not None or engine == "ray" or ws.n_units() >= AUTO_MIN_UNITS
    if not wanted or (m is not None and m.get("token") == token(ws)):
        return None
    if bulk == "auto" and not _have_pyarrow():
        log.warning("bulk files not written: they need pyarrow (pip install 'copquotes[ray]'); "
                    "or pass --bulk off to stop this message")
        return None
    return write(ws, progress=progress)


def _have_pyarrow() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _schemas(frames: UnitFrames):
    """The Parquet schemas of the two tables: the same for every part, whatever a part holds."""
    from .store import _pyarrow

    pa, _ = _pyarrow()
    ints = {"position", "topic", "start", "end", "version"} | {f"{t}_label" for t in frames.themes}
    floats = {"score"} | {f"{t}_score" for t in frames.themes}

    def kind(c: str):
        return pa.int64() if c in ints else pa.float64() if c in floats else pa.string()

    return (pa.schema([(c, kind(c)) for c in frames.columns]), pa.schema([(c, kind(c)) for c in QUOTE_COLUMNS]))


def _as_strings(frame, schema):
    import pyarrow as pa

    for f in schema:
        if f.type == pa.string():
            col = frame[f.name]
            frame[f.name] = [None if v is None or v != v else str(v) for v in col]
    return frame


def write(ws, *, progress: bool = True, part_units: int = PART_UNITS) -> dict:
    """Write a new generation of the bulk files from the workspace as it is, ``part_units`` units
    at a time, and make it current; returns its manifest. Nothing changes for a reader until the
    whole generation is on disk."""
    from ..workspace import pipeline_lock

    with pipeline_lock(ws.path):       # one writer (re-entrant: a run holds it already)
        return _write(ws, progress, part_units)


def _write(ws, progress: bool, part_units: int) -> dict:
    from ..progress import progress as bar

    frames = UnitFrames(ws)
    before = token(ws)
    ids = frames.ordered_ids()
    units_schema, quotes_schema = _schemas(frames)
    parts = [ids[i:i + part_units] for i in range(0, len(ids), max(1, int(part_units)))] or [[]]
    with GenerationWriter(ws.path) as gen:
        for part in bar(parts, total=len(parts), desc="bulk files", unit="part",
                        enable=None if progress else False):
            gen.add("units", _as_strings(frames.frame(part), units_schema), units_schema)
            gen.add("quotes", _as_strings(quotes_frame(ws, frames.gate, frames.names, part), quotes_schema),
                    quotes_schema)
        # a review saved while this ran makes the files stale at once: the next run writes them again
        manifest = gen.commit({"token": before, "units": len(ids)})
    log.info("bulk files written: %d units in %d part(s)", len(ids), len(parts))
    return manifest


def read(ws_path, table: str, columns: list[str] | None = None, filter=None):
    """A bulk table of the current generation as a pandas DataFrame (``columns``: only those;
    ``filter``: a ``pyarrow.dataset`` expression, e.g. ``pc.field("year") == "2024"``)."""
    import pyarrow.dataset as ds

    files = table_files(ws_path, table)
    if not files:
        raise ConfigError(f"the bulk table {table!r} has no parts")
    return ds.dataset([str(f) for f in files], format="parquet").to_table(columns=columns, filter=filter).to_pandas()


def connect(ws_path):
    """A DuckDB connection (in memory) with a view per bulk table of the current generation:
    ``connect(ws).sql("SELECT year, avg(wellbeing_score) FROM units GROUP BY year").df()``."""
    try:
        import duckdb
    except ImportError as exc:
        raise ConfigError("reading the bulk files with DuckDB needs duckdb: pip install 'copquotes[ray]' "
                          "(or pip install duckdb)") from exc
    m = read_manifest(ws_path)
    con = duckdb.connect()
    for table in (m or {}).get("tables", {}) or TABLES:
        files = [str(f) for f in table_files(ws_path, table, m)]   # every view from one generation
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listed}])")
    return con
