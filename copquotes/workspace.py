"""The workspace: one folder holding one SQLite database and an embedding cache.

Every stage reads from and writes to the workspace, so any stage can be re-run
alone and a crash loses at most the stage in flight. Guarantees:

* the database runs in WAL mode, every write happens in a transaction;
* ingesting is all-or-nothing (one command = one transaction): a file that fails
  halfway leaves the workspace exactly as it was;
* re-ingesting an unchanged file adds nothing; a changed file replaces its units
  and everything derived from them (foreign keys cascade);
* consent is enforced here, not only in the user interface: a trigger refuses a
  quote whose unit lacks quote consent, and every quote read goes through the
  consent-gated view ``quotable_units``.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from .errors import WorkspaceError
from .types import Identifier, Unit, text_hash

log = logging.getLogger(__name__)

DB_NAME = "copquotes.sqlite"
SCHEMA_VERSION = 4

# Each migration takes the database from version i to i+1.
_MIGRATIONS: list[str] = [
    # 0 -> 1: the initial schema
    """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE files (
        file_id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        display TEXT NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        meta_json TEXT NOT NULL DEFAULT '{}',
        n_units INTEGER NOT NULL DEFAULT 0,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE units (
        unit_id TEXT PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        grp TEXT,
        year TEXT,
        question TEXT,
        speaker_key TEXT,
        speaker_role TEXT NOT NULL DEFAULT 'unknown',
        consent INTEGER,
        locator TEXT,
        start_time TEXT,
        extra_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX units_file ON units(file_id, position);
    CREATE INDEX units_hash ON units(text_hash);
    CREATE TABLE file_identifiers (
        file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        aliases_json TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX file_identifiers_file ON file_identifiers(file_id);
    CREATE TABLE sentences (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (unit_id, idx)
    );
    CREATE TABLE redactions (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'auto'
    );
    CREATE INDEX redactions_unit ON redactions(unit_id);
    CREATE TABLE anon (
        unit_id TEXT PRIMARY KEY REFERENCES units(unit_id) ON DELETE CASCADE,
        text TEXT NOT NULL
    );
    CREATE TABLE flags (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        reason TEXT NOT NULL,
        severity TEXT NOT NULL DEFAULT 'warn'
    );
    CREATE INDEX flags_unit ON flags(unit_id);
    CREATE TABLE unit_themes (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        theme TEXT NOT NULL,
        score REAL NOT NULL,
        label INTEGER NOT NULL DEFAULT 0,
        evidence_idx INTEGER,
        PRIMARY KEY (unit_id, theme)
    );
    CREATE INDEX unit_themes_theme ON unit_themes(theme, label);
    CREATE TABLE sentence_themes (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        theme TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (unit_id, idx, theme)
    );
    CREATE TABLE unit_topics (
        unit_id TEXT PRIMARY KEY REFERENCES units(unit_id) ON DELETE CASCADE,
        topic INTEGER NOT NULL,
        prob REAL,
        x REAL,
        y REAL
    );
    CREATE TABLE topic_info (
        topic INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        keywords_json TEXT NOT NULL DEFAULT '[]',
        size INTEGER NOT NULL DEFAULT 0,
        representative_json TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE quotes (
        quote_id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        verbatim TEXT NOT NULL,
        edited_text TEXT,
        score REAL NOT NULL DEFAULT 0,
        parts_json TEXT NOT NULL DEFAULT '{}',
        themes_json TEXT NOT NULL DEFAULT '[]',
        attribution TEXT NOT NULL DEFAULT '',
        flags_json TEXT NOT NULL DEFAULT '[]',
        speaker TEXT,
        status TEXT NOT NULL DEFAULT 'pending',
        version INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT,
        updated_by TEXT
    );
    CREATE INDEX quotes_unit ON quotes(unit_id);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        quote_id TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        action TEXT NOT NULL,
        before_json TEXT,
        after_json TEXT,
        reason TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX decisions_quote ON decisions(quote_id);
    CREATE TABLE theme_labels (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        theme TEXT NOT NULL,
        label INTEGER NOT NULL,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (unit_id, theme)
    );
    CREATE TABLE stages (
        name TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        params_json TEXT NOT NULL DEFAULT '{}',
        done_at TEXT NOT NULL,
        seconds REAL
    );
    CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT);

    -- Units whose text may become a quote: quote consent given, and a participant
    -- or respondent (or a facilitator's reflection, which the source marks as such).
    CREATE VIEW quotable_units AS
        SELECT * FROM units
        WHERE consent = 1
          AND (speaker_role IN ('participant', 'respondent') OR source_kind = 'reflection');

    -- Consent is enforced in the database itself.
    CREATE TRIGGER quotes_need_consent_insert BEFORE INSERT ON quotes
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        SELECT RAISE(ABORT, 'consent: no quote from a unit without quote consent');
    END;
    CREATE TRIGGER quotes_need_consent_update BEFORE UPDATE OF unit_id ON quotes
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        SELECT RAISE(ABORT, 'consent: no quote from a unit without quote consent');
    END;
    -- A unit whose consent is withdrawn takes its quotes with it.
    CREATE TRIGGER consent_withdrawn AFTER UPDATE OF consent, speaker_role ON units
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        DELETE FROM quotes WHERE unit_id = NEW.unit_id;
    END;
    """,
    # 1 -> 2: indexes for the review app's queries at 50,000 units
    """
    CREATE INDEX IF NOT EXISTS unit_themes_label ON unit_themes(label, theme, unit_id);
    CREATE INDEX IF NOT EXISTS unit_themes_score ON unit_themes(theme, score);
    CREATE INDEX IF NOT EXISTS unit_topics_topic ON unit_topics(topic, prob);
    CREATE INDEX IF NOT EXISTS quotes_score ON quotes(score);
    CREATE INDEX IF NOT EXISTS quotes_status ON quotes(status);
    """,
    # 2 -> 3: small aggregates the review app reads instead of scanning 450,000 theme rows
    # (filled by Workspace.refresh_aggregates when the tag or topics stage is marked done,
    # after an ingest, and by this migration)
    """
    CREATE TABLE IF NOT EXISTS aggregates (
        name TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        value_json TEXT NOT NULL,
        computed_at TEXT NOT NULL
    );
    """,
    # 3 -> 4: per-text results that depend on the text alone (e.g. the quotes stage's
    # sentence statistics from spaCy), so a re-run computes them for new texts only
    """
    CREATE TABLE IF NOT EXISTS text_features (
        text_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        value_json TEXT NOT NULL,
        PRIMARY KEY (text_hash, kind)
    ) WITHOUT ROWID;
    """,
]

# The aggregates (name -> SQL): what the review app's overview and topics pages count.
# Tagger labels only; reviewers' corrections (theme_labels, a small table) are applied on
# top when read (copquotes.app.data). Stored with aggregates_token(): stale when it differs.
AGGREGATES = {
    # units per group and year
    "cohort_units": "SELECT grp, year, COUNT(*) FROM units GROUP BY grp, year",
    # units the tagger labelled with each theme, per group and year
    "cohort_labels": "SELECT u.grp, u.year, ut.theme, COUNT(*) FROM unit_themes ut"
                     " JOIN units u ON u.unit_id = ut.unit_id WHERE ut.label = 1 GROUP BY u.grp, u.year, ut.theme",
    # units the tagger labelled with each theme, per topic
    "topic_labels": "SELECT t.topic, ut.theme, COUNT(*) FROM unit_themes ut"
                    " JOIN unit_topics t ON t.unit_id = ut.unit_id WHERE ut.label = 1 GROUP BY t.topic, ut.theme",
    # units with at least one theme score (the tag stage ran on them)
    "tagged_units": "SELECT COUNT(*) FROM units u WHERE EXISTS (SELECT 1 FROM unit_themes ut"
                    " WHERE ut.unit_id = u.unit_id)",
}

AGGREGATE_STAGES = ("tag", "topics")   # marking one of these done refreshes the aggregates

UNIT_COLUMNS = [
    "unit_id", "file_id", "file", "position", "text", "text_hash", "source_kind", "group",
    "year", "question", "speaker_key", "speaker_role", "consent", "locator", "start_time",
]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def unit_id_for(path_key: str, position: int, locator: str = "") -> str:
    """Stable id of a unit: its file and its place in the file."""
    h = hashlib.sha1(f"{path_key}\x00{position}\x00{locator}".encode("utf-8")).hexdigest()
    return "u" + h[:15]


@dataclass
class FileResult:
    path: str
    status: str                  # added | replaced | unchanged
    n_units: int = 0
    format: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n_units_added(self) -> int:
        return sum(f.n_units for f in self.files if f.status != "unchanged")

    def to_dict(self) -> dict:
        return {
            "files": [asdict(f) for f in self.files],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }


class Workspace:
    """A copquotes workspace folder. Use :meth:`open` (or :meth:`create`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = Path(path)
        self.conn = conn
        self._depth = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path, create: bool = False) -> "Workspace":
        path = Path(path)
        db = path / DB_NAME
        if not db.exists():
            if not create:
                raise WorkspaceError(
                    f"no workspace at {path}: create one with "
                    f"'copquotes ingest INPUT --workspace {path}'"
                )
            if path.exists() and not path.is_dir():
                raise WorkspaceError(f"{path} is a file, not a workspace folder: choose another --workspace")
            path.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(db), timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkspaceError(f"cannot open workspace database {db}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        ws = cls(path, conn)
        ws._migrate()
        return ws

    @classmethod
    def create(cls, path) -> "Workspace":
        return cls.open(path, create=True)

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def schema_version(self) -> int:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"workspace {self.path} has schema version {version}, newer than this copquotes "
                f"({SCHEMA_VERSION}): upgrade copquotes"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                # executescript would commit implicitly; run statement by statement instead
                for stmt in _split_sql(_MIGRATIONS[target]):
                    self.conn.execute(stmt)
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(target + 1),),
                )
                if target == 0:
                    self.conn.execute(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES ('created_at', ?)", (_now(),)
                    )
                if target == 2:
                    self.refresh_aggregates()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    # ------------------------------------------------------------------ ingest
    def ingest(self, sources: Iterable, read=None, progress: bool = True) -> IngestReport:
        """Ingest sources (from :func:`copquotes.ingest.discover`) in one transaction.

        All or nothing: if any file fails, nothing of this call is written and the
        error propagates. Unchanged files (same content, metadata and roster) are
        skipped; changed ones replace their units and everything derived from them.
        """
        if read is None:
            from .ingest import read as read  # noqa: PLW0127
        from .progress import progress as bar

        sources = list(sources)
        report = IngestReport()
        with self.transaction():
            for source in bar(sources, desc="ingest", unit="file", enable=progress and len(sources) > 1):
                report.files.append(self._ingest_one(source, read))
            if any(f.status != "unchanged" for f in report.files):
                self._touch_content()
                self.refresh_aggregates()
        return report

    def _ingest_one(self, source, read) -> FileResult:
        path = Path(source.path)
        key = str(path.resolve())
        sha = _file_sha256(path)
        fingerprint = hashlib.sha256(
            json.dumps(
                {
                    "sha": sha,
                    "format": source.format,
                    "meta": _jsonable(source.meta),
                    "roster": [_jsonable(asdict(r)) for r in (source.roster or ())],
                },
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()
        row = self.conn.execute(
            "SELECT file_id, fingerprint, n_units FROM files WHERE path = ?", (key,)
        ).fetchone()
        if row is not None and row["fingerprint"] == fingerprint:
            return FileResult(str(source.path), "unchanged", row["n_units"], source.format)
        status = "replaced" if row is not None else "added"
        if row is not None:
            self.conn.execute("DELETE FROM files WHERE file_id = ?", (row["file_id"],))
        cur = self.conn.execute(
            "INSERT INTO files(path, display, format, sha256, fingerprint, meta_json, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, _display(path), source.format, sha, fingerprint,
             json.dumps(_jsonable(source.meta), sort_keys=True, default=str), _now()),
        )
        file_id = cur.lastrowid
        reading = read(source)
        n = 0
        batch: list[tuple] = []
        for unit in reading.units:
            batch.append(self._unit_row(file_id, key, unit))
            n += 1
            if len(batch) >= 2000:
                self._insert_units(batch)
                batch.clear()
        if batch:
            self._insert_units(batch)
        idents = {}
        for ident in reading.identifiers:
            idents[(ident.value, ident.kind, ident.source)] = ident
        self.conn.executemany(
            "INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json) VALUES (?,?,?,?,?)",
            [(file_id, i.value, i.kind, i.source, json.dumps(list(i.aliases))) for i in idents.values()],
        )
        meta = dict(source.meta or {})
        meta.update(getattr(reading, "meta", None) or {})
        self.conn.execute(
            "UPDATE files SET n_units = ?, meta_json = ? WHERE file_id = ?",
            (n, json.dumps(_jsonable(meta), sort_keys=True, default=str), file_id),
        )
        log.info("ingested %s: %d units (%s)", _display(path), n, status)
        return FileResult(str(source.path), status, n, source.format)

    def _unit_row(self, file_id: int, key: str, u: Unit) -> tuple:
        return (
            unit_id_for(key, u.position, u.locator), file_id, u.position, u.text, text_hash(u.text),
            u.source_kind, u.group, u.year, u.question, u.speaker_key, u.speaker_role,
            None if u.consent is None else int(bool(u.consent)), u.locator, u.start_time,
            json.dumps(dict(u.extra), sort_keys=True, default=str),
        )

    def _insert_units(self, rows: list[tuple]) -> None:
        self.conn.executemany(
            "INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
            " question, speaker_key, speaker_role, consent, locator, start_time, extra_json)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def _touch_content(self) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('content_changed_at', ?)", (_now(),)
        )

    # ------------------------------------------------------------------ reading
    def n_units(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]

    def units_frame(self, consented_only: bool = False, with_anon: bool = False,
                    unit_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Units as a DataFrame (columns :data:`UNIT_COLUMNS`, plus ``anon_text``).

        ``consented_only`` reads through the consent-gated view ``quotable_units``.
        """
        table = "quotable_units" if consented_only else "units"
        sql = (
            f"SELECT u.unit_id, u.file_id, f.display AS file, u.position, u.text, u.text_hash,"
            f" u.source_kind, u.grp AS 'group', u.year, u.question, u.speaker_key, u.speaker_role,"
            f" u.consent, u.locator, u.start_time"
            + (", a.text AS anon_text" if with_anon else "")
            + f" FROM {table} u JOIN files f ON f.file_id = u.file_id"
            + (" LEFT JOIN anon a ON a.unit_id = u.unit_id" if with_anon else "")
        )
        params: list = []
        if unit_ids is not None:
            ids = list(unit_ids)
            sql += f" WHERE u.unit_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(ids))
        sql += " ORDER BY f.display, u.position"
        return pd.read_sql_query(sql, self.conn, params=params)

    def ensure_sentences(self) -> int:
        """Fill ``sentences`` for every unit that has none yet; returns how many units were split."""
        from .text import sentence_spans

        todo = self.conn.execute(
            "SELECT u.unit_id, u.text FROM units u"
            " WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.unit_id = u.unit_id)"
        ).fetchall()
        if not todo:
            return 0
        rows = []
        for uid, text in todo:
            spans = sentence_spans(text) or [(0, len(text))]
            rows.extend((uid, i, s, e) for i, (s, e) in enumerate(spans))
        with self.transaction():
            self.conn.executemany('INSERT INTO sentences(unit_id, idx, start, "end") VALUES (?,?,?,?)', rows)
        return len(todo)

    def sentences_frame(self, unit_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Sentences with their text: unit_id, idx, start, end, text (cut from the unit)."""
        sql = ('SELECT s.unit_id, s.idx, s.start, s."end" AS "end", u.text AS unit_text'
               " FROM sentences s JOIN units u ON u.unit_id = s.unit_id")
        params: list = []
        if unit_ids is not None:
            sql += " WHERE s.unit_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(unit_ids)))
        sql += " ORDER BY s.unit_id, s.idx"
        df = pd.read_sql_query(sql, self.conn, params=params)
        df["text"] = [t[s:e] for t, s, e in zip(df["unit_text"], df["start"], df["end"])]
        return df.drop(columns=["unit_text"])

    def file_identifiers(self) -> dict[int, list[Identifier]]:
        out: dict[int, list[Identifier]] = {}
        for r in self.conn.execute("SELECT file_id, value, kind, source, aliases_json FROM file_identifiers"):
            out.setdefault(r["file_id"], []).append(
                Identifier(r["value"], r["kind"], r["source"], tuple(json.loads(r["aliases_json"])))
            )
        return out

    def files_frame(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT file_id, display AS file, format, n_units, meta_json, ingested_at, sha256"
            " FROM files ORDER BY display",
            self.conn,
        )

    def content_fingerprint(self) -> str:
        """Hash of every unit's id and text: changes when any unit is added, removed or edited.

        Remembered until this connection or another one changes the database."""
        key = (id(self.conn), self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0])
        memo = getattr(self, "_content_fp", None)
        if memo is not None and memo[0] == key:
            return memo[1]
        h = hashlib.sha1()
        for uid, th, consent, role in self.conn.execute(
            "SELECT unit_id, text_hash, consent, speaker_role FROM units ORDER BY unit_id"
        ):
            h.update(f"{uid}:{th}:{consent}:{role}\n".encode())
        for row in self.conn.execute(
            "SELECT file_id, value, kind FROM file_identifiers ORDER BY file_id, value, kind"
        ):
            h.update(f"{row[0]}:{row[1]}:{row[2]}\n".encode())
        self._content_fp = (key, h.hexdigest())
        return self._content_fp[1]

    # ------------------------------------------------------------------ stages
    def stage_record(self, name: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM stages WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else None

    def mark_stage(self, name: str, fingerprint: str, params: dict | None = None,
                   seconds: float | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO stages(name, fingerprint, params_json, done_at, seconds)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, fingerprint, json.dumps(params or {}, sort_keys=True, default=str), _now(), seconds),
            )
            if name in AGGREGATE_STAGES:
                self.refresh_aggregates()

    # ------------------------------------------------------------------ aggregates
    def aggregates_token(self) -> str:
        """Changes when what :data:`AGGREGATES` count may have changed: an ingest, the tag or
        topics stage marked done, the number of units."""
        row = self.conn.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'content_changed_at'),"
            " (SELECT group_concat(name || '@' || done_at || '#' || fingerprint, ';') FROM"
            "  (SELECT * FROM stages WHERE name IN ('tag', 'topics') ORDER BY name)),"
            " (SELECT COUNT(*) FROM units)").fetchone()
        return "|".join("" if v is None else str(v) for v in row)

    def compute_aggregate(self, name: str) -> list[list]:
        """The rows of one of :data:`AGGREGATES`, counted now (a few hundred ms at 50,000 units)."""
        return [list(r) for r in self.conn.execute(AGGREGATES[name])]

    def refresh_aggregates(self) -> None:
        """Count :data:`AGGREGATES` and store them with the current :meth:`aggregates_token`
        (done by :meth:`mark_stage` for the tag and topics stages and by :meth:`ingest`)."""
        with self.transaction():
            token = self.aggregates_token()
            self.conn.executemany(
                "INSERT OR REPLACE INTO aggregates(name, token, value_json, computed_at) VALUES (?,?,?,?)",
                [(name, token, json.dumps(self.compute_aggregate(name)), _now()) for name in AGGREGATES])

    def stored_aggregates(self) -> dict[str, list[list]]:
        """The stored aggregates that are current (name -> rows); stale ones are left out."""
        token = self.aggregates_token()
        return {name: json.loads(value) for name, t, value in self.conn.execute(
            "SELECT name, token, value_json FROM aggregates") if t == token and name in AGGREGATES}

    # ------------------------------------------------------------------ config
    def get_config(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_config(self, key: str, value) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)", (key, json.dumps(value))
            )

    # ------------------------------------------------------------------ quotes (consent-gated)
    def quotes_frame(self, status: Iterable[str] | None = None, theme: str | None = None) -> pd.DataFrame:
        """Candidate quotes joined with their unit's metadata, consented units only.

        Reads through ``quotable_units``: a quote whose unit lost consent never
        comes back, whatever the caller asks for.
        """
        sql = (
            "SELECT q.*, u.source_kind, u.grp AS 'group', u.year, u.speaker_key, u.speaker_role,"
            " f.display AS file FROM quotes q"
            " JOIN quotable_units u ON u.unit_id = q.unit_id"
            " JOIN files f ON f.file_id = u.file_id"
        )
        where, params = [], []
        if status:
            st = list(status)
            where.append(f"q.status IN ({','.join('?' * len(st))})")
            params += st
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY q.score DESC, q.quote_id"
        df = pd.read_sql_query(sql, self.conn, params=params)
        if theme and not df.empty:
            keep = df["themes_json"].map(lambda s: any(t.get("theme") == theme for t in json.loads(s or "[]")))
            df = df[keep].reset_index(drop=True)
        return df

    # ------------------------------------------------------------------ status
    def status(self) -> dict:
        """What the workspace holds and which stages are up to date."""
        from . import pipeline

        files = []
        for r in self.conn.execute(
            "SELECT f.file_id, f.display, f.format, f.n_units, f.meta_json, f.ingested_at,"
            " SUM(CASE WHEN u.consent = 1 THEN 1 ELSE 0 END) AS consent_yes,"
            " SUM(CASE WHEN u.consent = 0 THEN 1 ELSE 0 END) AS consent_no,"
            " SUM(CASE WHEN u.consent IS NULL THEN 1 ELSE 0 END) AS consent_unknown"
            " FROM files f LEFT JOIN units u ON u.file_id = f.file_id"
            " GROUP BY f.file_id ORDER BY f.display"
        ):
            meta = json.loads(r["meta_json"] or "{}")
            files.append({
                "file": r["display"],
                "format": r["format"],
                "units": r["n_units"],
                "group": meta.get("group"),
                "year": meta.get("year"),
                "source_kind": meta.get("source_kind"),
                "consent": {"yes": r["consent_yes"] or 0, "no": r["consent_no"] or 0,
                            "unknown": r["consent_unknown"] or 0},
                "ingested_at": r["ingested_at"],
            })

        def counts(col: str) -> dict:
            return {
                (k if k is not None else "(none)"): n
                for k, n in self.conn.execute(f"SELECT {col}, COUNT(*) FROM units GROUP BY {col} ORDER BY {col}")
            }

        consent = counts("consent")
        return {
            "workspace": str(self.path),
            "schema_version": self.schema_version,
            "units": self.n_units(),
            "files": files,
            "by_group": counts("grp"),
            "by_year": counts("year"),
            "by_source_kind": counts("source_kind"),
            "by_speaker_role": counts("speaker_role"),
            "consent": {"yes": consent.get(1, 0), "no": consent.get(0, 0), "unknown": consent.get("(none)", 0)},
            "stages": pipeline.stage_status(self),
        }


# ---------------------------------------------------------------------- helpers
def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner ';')."""
    out, buf = [], []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if upper == "END;":
                out.append("\n".join(buf))
                buf, in_trigger = [], False
        elif stripped.endswith(";"):
            out.append("\n".join(buf))
            buf = []
    if buf:
        out.append("\n".join(buf))
    return out


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def timed() -> float:
    return time.perf_counter()
