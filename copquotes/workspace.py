"""The workspace: one folder holding one SQLite database and an embedding cache.

Every stage reads from and writes to the workspace, so any stage can be re-run
alone and a crash loses at most the stage in flight. Guarantees:

* the database runs in WAL mode, every write happens in a transaction;
* ingesting reads every file before it writes anything: a file that cannot be read leaves
  the workspace exactly as it was; the rows are then written in short transactions (a
  reviewer's save never waits long), each file stored incomplete first and complete last,
  so an ingest killed half-way leaves files the next ingest completes;
* re-ingesting an unchanged file adds nothing; a changed file keeps every unit whose
  text did not change (same id, with its quotes, decisions, manual redactions and theme
  labels; only its metadata is updated), adds the new ones and removes the ones that are
  gone. Reviewer data of a removed unit is re-attached where its text still matches,
  otherwise kept in ``orphans`` (:func:`orphaned_decisions`): never dropped silently
  (docs/durability.md);
* consent is enforced here, not only in the user interface: a trigger refuses a
  quote whose unit lacks quote consent, and every quote read goes through the
  consent-gated view ``quotable_units``; withdrawn consent is the one thing that
  removes a quote, and the audit trail (``decisions``) records it;
* one pipeline writer at a time: :func:`pipeline_lock` (a lock file in the folder).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import sqlite3
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from .errors import WorkspaceError
from .types import VOICE_SQL, Identifier, Unit, cohort_cells, is_voice, speaker_sql, text_hash

log = logging.getLogger(__name__)

DB_NAME = "copquotes.sqlite"
# a write transaction held longer than this is logged at debug level (a reviewer's save waits for it)
SLOW_WRITE_SECONDS = 0.2
# units an ingest writes per transaction (a few hundred ms at most: a reviewer's save waits for it)
INGEST_CHUNK = 2000
SCHEMA_VERSION = 17

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
    # 4 -> 5: durable identity and reviewer data (docs/durability.md). A file keeps its
    # file_key for life (a rename keeps it); reviewer data of a unit whose text changed is
    # kept in orphans until it can be re-attached; withdrawn consent leaves an audit row.
    """
    CREATE TABLE IF NOT EXISTS orphans (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        file_id INTEGER,
        unit_id TEXT NOT NULL,
        quote_id TEXT,
        payload_json TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_to TEXT,
        resolution TEXT
    );
    CREATE INDEX IF NOT EXISTS orphans_open ON orphans(file_id, resolved_at);
    DROP TRIGGER IF EXISTS consent_withdrawn;
    CREATE TRIGGER consent_withdrawn AFTER UPDATE OF consent, speaker_role ON units
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)
            SELECT q.quote_id, 'copquotes', 'removed_no_consent',
                   json_object('status', q.status, 'version', q.version, 'text', q.text,
                               'edited_text', q.edited_text, 'updated_by', q.updated_by),
                   NULL, 'quote consent withdrawn (or the speaker is no longer a participant)',
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM quotes q WHERE q.unit_id = NEW.unit_id
              AND (q.status != 'pending' OR q.version > 1 OR q.edited_text IS NOT NULL AND q.updated_by != 'quotes');
        DELETE FROM quotes WHERE unit_id = NEW.unit_id;
    END;
    """,
    # 5 -> 6: covering indexes for the review app's counts and joins at hundreds of thousands
    # of units (read from the index, not from the rows with their text): consent counts, the
    # consent-gated view's filters, and each quote's unit looked up in the view
    """
    CREATE INDEX IF NOT EXISTS units_consent ON units(consent, speaker_role, source_kind, grp, year, unit_id);
    CREATE INDEX IF NOT EXISTS units_quotable ON units(unit_id, consent, speaker_role, source_kind, grp, year);
    CREATE INDEX IF NOT EXISTS quotes_status_unit ON quotes(status, unit_id);
    """,
    # 6 -> 7: (an index on an expression of units, units_confirmed, withdrawn by 7 -> 8)
    """
    SELECT 1;
    """,
    # 7 -> 8: no index on an expression of units: SQLite 3.40's Bloom filter on it gave a wrong
    # (empty) answer to the theme list's count when the join order put unit_themes first
    """
    DROP INDEX IF EXISTS units_confirmed;
    """,
    # 8 -> 9: the review app at 500,000 units. quotes_rank covers what the shortlist ranks on
    # (status, score, id, unit, themes, flags), so ranking a theme's quotes reads the index in
    # score order instead of every quote row (1.2 s -> 0.5 s under load); unit_themes_rank
    # gives the Themes page its order (score best first, then unit id) straight from the
    # index, so a page reads its few rows instead of sorting every unit of the theme;
    # units_confirm answers "quote consent, confirmed?" (consent, extra_json) for a unit from
    # the index alone, not from its row with its text (a typed page in the middle of a
    # theme's 350,000 units: 1.3 s -> 0.5 s). Plain columns: no index on an expression (7 -> 8)
    """
    CREATE INDEX IF NOT EXISTS quotes_rank ON quotes(status, score, quote_id, unit_id, themes_json, flags_json);
    CREATE INDEX IF NOT EXISTS unit_themes_rank ON unit_themes(theme, score DESC, unit_id, label);
    CREATE INDEX IF NOT EXISTS units_confirm ON units(unit_id, consent, extra_json);
    """,
    # 9 -> 10: per-unit results as Parquet parts beside the database (copquotes/unitparts.py):
    # which part holds a unit's rows of a table. The sentence theme scores are written there from
    # now on; a workspace's earlier rows stay in sentence_themes and are read from it until the
    # tag stage scores their unit again (and deletes them). Keyed by unit first: the cascade from
    # units looks a unit's pointers up by it
    """
    CREATE TABLE IF NOT EXISTS unit_parts (
        unit_id TEXT NOT NULL REFERENCES units(unit_id) ON DELETE CASCADE,
        tbl TEXT NOT NULL,
        part TEXT NOT NULL,
        PRIMARY KEY (unit_id, tbl)
    ) WITHOUT ROWID;
    """,
    # 10 -> 11: the units' theme scores move to Parquet parts too (copquotes/themescores.py): 900
    # of a 1.4 GB database at 500,000 units was this table and the indexes the app read it by.
    # The rows are written to parts and pointed at by Workspace._move_unit_themes, which then
    # drops the table (same transaction). A deleted pointer (its unit deleted) moves the table's
    # generation on, as unitparts.point does: readers' caches key on it
    """
    CREATE TRIGGER IF NOT EXISTS unit_parts_deleted AFTER DELETE ON unit_parts
    BEGIN
        INSERT INTO meta(key, value) VALUES ('parts_generation:' || OLD.tbl, '1')
        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
    END;
    """,
    # 11 -> 12: the parts' pointers by part. How many units point at each part (the Themes page's
    # first view of a theme, the merging of small parts) and whether any does (removing unused
    # parts) scanned every pointer: 0.22 s at 500,000 units, 0.08 s from this index
    """
    CREATE INDEX IF NOT EXISTS unit_parts_part ON unit_parts(tbl, part);
    """,
    # 12 -> 13: withdrawn consent keeps the reviewer's work. The trigger still deletes the unit's
    # quotes with an audit row, and now keeps each reviewed one in orphans (kind quote_no_consent,
    # listed nowhere, no text shown) so that consent given again re-attaches it (status, edit,
    # version + 1). A quote inserted under an id whose audit trail has a higher version continues
    # from there: a reviewer's stale --expect-version can never match a re-created quote.
    # Workspace._orphans_from_removals rebuilds the orphans of earlier withdrawals.
    # file_shas: every content (SHA-256) a file has had, so a copy of an older export under
    # another path is known as that (Workspace._same_content), in this ingest and every later one
    """
    DROP TRIGGER IF EXISTS consent_withdrawn;
    CREATE TRIGGER consent_withdrawn AFTER UPDATE OF consent, speaker_role ON units
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)
            SELECT q.quote_id, 'copquotes', 'removed_no_consent',
                   json_object('status', q.status, 'version', q.version, 'text', q.text,
                               'edited_text', q.edited_text, 'updated_by', q.updated_by),
                   NULL, 'quote consent withdrawn (or the speaker is no longer a participant)',
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM quotes q WHERE q.unit_id = NEW.unit_id
              AND (q.status != 'pending' OR q.version > 1 OR q.edited_text IS NOT NULL AND q.updated_by != 'quotes');
        INSERT INTO orphans(kind, file_id, unit_id, quote_id, payload_json, reason, at)
            SELECT 'quote_no_consent', NEW.file_id, q.unit_id, q.quote_id,
                   json_object('quote_id', q.quote_id, 'unit_id', q.unit_id, 'start', q.start, 'end', q."end",
                               'text', q.text, 'verbatim', q.verbatim, 'edited_text', q.edited_text,
                               'score', q.score, 'parts_json', q.parts_json, 'themes_json', q.themes_json,
                               'attribution', q.attribution, 'flags_json', q.flags_json, 'speaker', q.speaker,
                               'status', q.status, 'version', q.version, 'updated_at', q.updated_at,
                               'updated_by', q.updated_by,
                               'before', substr(NEW.text, max(0, q.start - 40) + 1, q.start - max(0, q.start - 40)),
                               'after', substr(NEW.text, q."end" + 1, 40),
                               'speaker_key', NEW.speaker_key, 'question', NEW.question,
                               'reviewer_themes', json(CASE WHEN EXISTS (SELECT 1 FROM decisions d
                                   WHERE d.quote_id = q.quote_id AND d.action = 'set_themes') THEN 'true' ELSE 'false' END)),
                   'consent withdrawn: kept until quote consent is given again',
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM quotes q WHERE q.unit_id = NEW.unit_id
              AND (q.status != 'pending' OR q.version > 1 OR q.edited_text IS NOT NULL AND q.updated_by != 'quotes');
        DELETE FROM quotes WHERE unit_id = NEW.unit_id;
    END;
    CREATE TABLE IF NOT EXISTS file_shas (
        sha256 TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
        PRIMARY KEY (sha256, file_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS file_shas_file ON file_shas(file_id);
    INSERT OR IGNORE INTO file_shas(sha256, file_id) SELECT sha256, file_id FROM files;
    CREATE TRIGGER IF NOT EXISTS quotes_version_floor AFTER INSERT ON quotes
    WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = NEW.quote_id)
    BEGIN
        UPDATE quotes SET version = 1 + (
            SELECT MAX(MAX(COALESCE(json_extract(d.before_json, '$.version'), 0),
                           COALESCE(json_extract(d.after_json, '$.version'), 0)))
            FROM decisions d WHERE d.quote_id = NEW.quote_id)
        WHERE quote_id = NEW.quote_id AND version <= (
            SELECT MAX(MAX(COALESCE(json_extract(d.before_json, '$.version'), 0),
                           COALESCE(json_extract(d.after_json, '$.version'), 0)))
            FROM decisions d WHERE d.quote_id = NEW.quote_id);
    END;
    """,
    # 13 -> 14: quotes.edited_text is a reviewer's edit only. The quotes stage's suggested light
    # edit ("CoP [Community of Practice]") moves to quotes.suggested_text (the column is added by
    # Workspace._add_suggested_text before this script; the move is Workspace._move_suggestions:
    # an edit a reviewer saved, on this quote or on the one it was re-attached from, stays). The
    # consent trigger keeps the suggestion in the orphan too. The search index is out of date
    # (its version key deleted): the next search or quotes stage builds it again in its new layout
    # (textsearch.VERSION 2); its update trigger goes now, so the move does not index row by row
    """
    DROP TRIGGER IF EXISTS quote_search_au;
    DELETE FROM meta WHERE key = 'quote_search_version';
    DROP TRIGGER IF EXISTS consent_withdrawn;
    CREATE TRIGGER consent_withdrawn AFTER UPDATE OF consent, speaker_role ON units
    WHEN NOT EXISTS (SELECT 1 FROM quotable_units u WHERE u.unit_id = NEW.unit_id)
    BEGIN
        INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)
            SELECT q.quote_id, 'copquotes', 'removed_no_consent',
                   json_object('status', q.status, 'version', q.version, 'text', q.text,
                               'edited_text', q.edited_text, 'suggested_text', q.suggested_text,
                               'updated_by', q.updated_by),
                   NULL, 'quote consent withdrawn (or the speaker is no longer a participant)',
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM quotes q WHERE q.unit_id = NEW.unit_id
              AND (q.status != 'pending' OR q.version > 1 OR q.edited_text IS NOT NULL);
        INSERT INTO orphans(kind, file_id, unit_id, quote_id, payload_json, reason, at)
            SELECT 'quote_no_consent', NEW.file_id, q.unit_id, q.quote_id,
                   json_object('quote_id', q.quote_id, 'unit_id', q.unit_id, 'start', q.start, 'end', q."end",
                               'text', q.text, 'verbatim', q.verbatim, 'edited_text', q.edited_text,
                               'suggested_text', q.suggested_text,
                               'score', q.score, 'parts_json', q.parts_json, 'themes_json', q.themes_json,
                               'attribution', q.attribution, 'flags_json', q.flags_json, 'speaker', q.speaker,
                               'status', q.status, 'version', q.version, 'updated_at', q.updated_at,
                               'updated_by', q.updated_by,
                               'before', substr(NEW.text, max(0, q.start - 40) + 1, q.start - max(0, q.start - 40)),
                               'after', substr(NEW.text, q."end" + 1, 40),
                               'speaker_key', NEW.speaker_key, 'question', NEW.question,
                               'reviewer_themes', json(CASE WHEN EXISTS (SELECT 1 FROM decisions d
                                   WHERE d.quote_id = q.quote_id AND d.action = 'set_themes') THEN 'true' ELSE 'false' END)),
                   'consent withdrawn: kept until quote consent is given again',
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM quotes q WHERE q.unit_id = NEW.unit_id
              AND (q.status != 'pending' OR q.version > 1 OR q.edited_text IS NOT NULL);
        DELETE FROM quotes WHERE unit_id = NEW.unit_id;
    END;
    """,
    # 14 -> 15: the tagger's labels counted per person for the people with many units
    # (Workspace.speaker_label_counts), so the app's people counts after a reviewer's correction
    # read the corrected units only, never every unit of the person again. Derived: filled by
    # Workspace.refresh_aggregates with the aggregates, and counted live while it is stale.
    """
    CREATE TABLE IF NOT EXISTS speaker_labels (
        who TEXT NOT NULL,
        scope TEXT NOT NULL,
        grp TEXT,
        year,
        topic INTEGER,
        theme TEXT NOT NULL,
        n INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS speaker_labels_who ON speaker_labels(who);
    """,
    # 15 -> 16: a person's units by file and speaker key, so the app's people counts after a
    # correction of a person with few units (a survey respondent: adjustments._read_adjustments) read
    # that person's units, not every unit of their file (500,000 in a national survey of one file)
    """
    CREATE INDEX IF NOT EXISTS units_speaker ON units(file_id, speaker_key);
    """,
    # 16 -> 17: a token that changes whenever any quote's numbers (score, themes, score parts) are
    # written, by any writer: the app keeps each quote's relevance to a theme while it holds
    # (app.data._theme_relevances), so a theme filter after a review action reads the filtered
    # quotes' ids, not every one's numbers again. Random, not a count: a folder restored from a
    # backup and written again would count as far as a write before the restore did (to
    # other quotes), and the app, still running, would take the relevances it kept for that count
    """
    CREATE TRIGGER IF NOT EXISTS quote_numbers_insert AFTER INSERT ON quotes
    BEGIN
        INSERT INTO meta(key, value) VALUES ('quote_numbers', lower(hex(randomblob(8))))
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    END;
    CREATE TRIGGER IF NOT EXISTS quote_numbers_update AFTER UPDATE OF score, themes_json, parts_json ON quotes
    BEGIN
        INSERT INTO meta(key, value) VALUES ('quote_numbers', lower(hex(randomblob(8))))
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    END;
    """,
]

# the indexes migrations 5 -> 6, 8 -> 9, 11 -> 12 and 15 -> 16 add (their statistics are gathered
# when the workspace has any)
_NEW_INDEXES = {5: ("units_consent", "units_quotable", "quotes_status_unit"), 6: (),
                8: ("quotes_rank", "unit_themes_rank", "units_confirm"), 9: (), 10: (),
                11: ("unit_parts_part",), 12: (), 13: (), 14: (), 15: ("units_speaker",), 16: ()}

# Tables (table, column) that name quotes by id and follow a quote re-attached under a new id
# (e.g. the app's collections). A table that does not exist is skipped.
# tables that name a quote by id: a quote re-attached under a new id takes them along (the review
# app's collections, and its reviewers' unsaved drafts: shown as made on an older version)
QUOTE_ID_REFERENCES: list[tuple[str, str]] = [("collection_quotes", "quote_id"), ("app_drafts", "quote_id")]
REATTACHED_BY = "copquotes"     # the 'reviewer' of audit rows written by copquotes itself
# the orphans' kind of a reviewed quote removed because quote consent was withdrawn (the trigger
# consent_withdrawn): kept, listed nowhere, re-attached when the words are quotable again
NO_CONSENT = "quote_no_consent"

# A person with at least this many units has the tagger's labels counted one by one when the
# aggregates are (the table speaker_labels, its token the aggregates row SPEAKER_LABELS): the
# app's people counts after a reviewer's correction then read only the corrected units, not all
# that person's units again (seconds for a few people with a thousand units each at 500,000).
MANY_UNITS = 20
SPEAKER_LABELS = "speaker_labels"

# The aggregates: what the review app's overview and topics pages count. Tagger labels only;
# reviewers' corrections (theme_labels, a small table) are applied on top when read
# (copquotes.app.data). Stored with aggregates_token(): stale when it differs. A name's value is
# the SQL that counts it, or None for those counted from the theme scores' parts
# (Workspace._theme_aggregates, one pass over the parts for all of them).
AGGREGATES = {
    # participants' units per group and year (types.VOICE_SQL: no facilitator's or interviewer's prompt)
    "cohort_units": f"SELECT grp, year, COUNT(*) FROM units WHERE {VOICE_SQL} GROUP BY grp, year",
    # participants' units the tagger labelled with each theme, per group and year: [grp, year, theme, n]
    "cohort_labels": None,
    # units the tagger labelled with each theme, per topic: [topic, theme, n]
    "topic_labels": None,
    # distinct people (types.speaker_sql) among participants' units, per cell of types.cohort_cells:
    # [scope, grp, year, n] with scope "cohort" (group and year), "group", "year" or "all" (grp and
    # year None where the scope spans them): a person in two years or two groups is one person in
    # their group's, year's and the "all" row, never the sum of the cells
    "cohort_speakers": "WITH p AS MATERIALIZED (SELECT grp, year, COUNT(*) AS n, CASE WHEN speaker_key IS NULL"
                       " THEN NULL ELSE file_id || char(31) || speaker_key END AS who"
                       f" FROM units WHERE {VOICE_SQL} GROUP BY grp, year, file_id, speaker_key)"
                       # (a unit without a speaker key is a person alone: its n units are n people)
                       " SELECT 'cohort', grp, year, SUM(CASE WHEN who IS NULL THEN n ELSE 1 END) FROM p"
                       " GROUP BY grp, year"
                       " UNION ALL SELECT 'group', grp, NULL, SUM(CASE WHEN who IS NULL THEN n ELSE 0 END)"
                       " + COUNT(DISTINCT who) FROM p GROUP BY grp"
                       " UNION ALL SELECT 'year', NULL, year, SUM(CASE WHEN who IS NULL THEN n ELSE 0 END)"
                       " + COUNT(DISTINCT who) FROM p GROUP BY year"
                       " UNION ALL SELECT 'all', NULL, NULL, COALESCE(SUM(CASE WHEN who IS NULL THEN n ELSE 0 END), 0)"
                       " + COUNT(DISTINCT who) FROM p",
    # people with at least one participant's unit the tagger labelled with the theme, per cell of
    # types.cohort_cells (distinct people, as cohort_speakers): [scope, grp, year, theme, n]
    "cohort_speaker_labels": None,
    # people and units per topic (every unit, as the topic tables count): [topic, people, units]
    "topic_speakers": f"SELECT t.topic, COUNT(DISTINCT {speaker_sql('u')}), COUNT(*) FROM unit_topics t"
                      " JOIN units u ON u.unit_id = t.unit_id GROUP BY t.topic",
    # people with at least one unit of the topic the tagger labelled with the theme: [topic, theme, n]
    "topic_speaker_labels": None,
    # units with theme scores (the tag stage ran on them): [n]
    "tagged_units": None,
    # the app's overview (schema 12; only an ingest changes them, and each scans every unit:
    # 0.45 s of the overview's first view at 500,000 units): [consent, n], [source kind, n], [n]
    "units_by_consent": "SELECT consent, COUNT(*) FROM units GROUP BY consent",
    "units_by_source_kind": "SELECT source_kind, COUNT(*) FROM units GROUP BY source_kind ORDER BY 2 DESC, 1",
    "quotable_units": "SELECT COUNT(*) FROM quotable_units",
    # the review app's filter choices among the quotable units (only an ingest changes them; a
    # scan of the quotable units' index: 0.4 s of every page's first view at 500,000 units):
    # [grp, year, source kind]
    "quotable_cohorts": "SELECT DISTINCT grp, year, source_kind FROM quotable_units",
}

AGGREGATE_STAGES = ("tag", "topics")   # marking one of these done refreshes the aggregates

UNIT_COLUMNS = [
    "unit_id", "file_id", "file", "position", "text", "text_hash", "source_kind", "group",
    "year", "question", "speaker_key", "speaker_role", "consent", "locator", "start_time",
]


def _sql_order(v) -> tuple:
    """A sort key ordering values as SQLite does: NULL, then numbers, then text."""
    if v is None:
        return (0, 0)
    if isinstance(v, (int, float)):
        return (1, v)
    return (2, str(v))


def _people_per_cell(people: dict[tuple, set]) -> dict[tuple, int]:
    """``{(scope, grp, year, theme): distinct people}`` for every cell of :func:`~copquotes.types.cohort_cells`,
    from the people of each group-and-year cell (``{(grp, year, theme): people}``): a group's, a year's
    or everyone's count is the size of the union of its cells' people (one union at a time), never the
    sum of their sizes."""
    rolled: dict[tuple, list[set]] = {}
    for (g, y, t), who in people.items():
        for scope, rg, ry in cohort_cells(g, y):
            rolled.setdefault((scope, rg, ry, t), []).append(who)
    return {key: len(sets[0]) if len(sets) == 1 else len(set().union(*sets)) for key, sets in rolled.items()}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _audit_now() -> str:
    """An audit row's time as the database's triggers write it (milliseconds, 'Z'), so that a quote's
    trail read in time order puts a re-attachment after the removal it follows in the same second."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def quote_id_for(unit_id: str, start: int, end: int) -> str:
    """Stable id of a quote: its unit and its span (re-running the quotes stage finds it again)."""
    return "q" + hashlib.sha1(f"{unit_id}:{start}:{end}".encode()).hexdigest()[:15]


_SNAPSHOT_FIELDS = ("status", "text", "edited_text", "suggested_text", "version", "updated_at", "updated_by")


def _quote_snapshot(row: dict) -> dict:
    return {k: row.get(k) for k in _SNAPSHOT_FIELDS}


def file_key_for(path_key: str) -> str:
    """The life-long key of a file, from the path it was first ingested from (a rename keeps it)."""
    return "f" + hashlib.sha1(path_key.encode("utf-8")).hexdigest()[:15]


def unit_id_for(file_key: str, speaker_key: str | None, question: str | None, text_sha: str,
                occurrence: int = 0) -> str:
    """Id of a new unit: its file, who said it (respondent or speaker key), the question, its
    text and which occurrence of that same text by the same person it is. Not its position:
    a respondent added above it, or a turn inserted before it, leaves the id alone. On a
    re-ingest, a unit whose text is unchanged keeps the id it already has (matched by text)."""
    h = hashlib.sha1("\x00".join([file_key, speaker_key or "", question or "", text_sha,
                                   str(occurrence)]).encode("utf-8")).hexdigest()
    return "u" + h[:15]


@dataclass
class FileResult:
    path: str
    status: str                  # added | replaced | unchanged | renamed | duplicate | outdated (an older
                                 # version of a file the workspace holds: not ingested)
    n_units: int = 0
    format: str = ""
    kept: int = 0                # replaced: units whose text did not change (kept with their reviewer data)
    removed: int = 0             # replaced: units whose text is gone
    reattached: int = 0          # reviewer data re-attached to changed text
    orphaned: int = 0            # reviewer data that could not be re-attached (kept in orphans)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n_units_added(self) -> int:
        return sum(f.n_units - f.kept for f in self.files if f.status not in ("unchanged", "renamed", "duplicate", "outdated"))

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
        if path is None or str(path) == "None":   # a missing path turned into text: a folder named "None"
            raise WorkspaceError("no workspace folder given (the path is None): name one with --workspace WS")
        path = Path(path)
        db = path / DB_NAME
        if path.exists() and not path.is_dir():
            raise WorkspaceError(f"{path} is a file, not a workspace folder: choose another --workspace")
        if not db.exists():
            if not create:
                raise WorkspaceError(
                    f"no workspace at {path}: create one with "
                    f"'copquotes ingest INPUT --workspace {path}'"
                )
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceError(f"cannot create the workspace folder {path}: {exc.strerror or exc}; "
                                     "choose another --workspace") from None
        try:
            conn = sqlite3.connect(str(db), timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkspaceError(f"cannot open workspace database {db}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:   # not a database, or one this user may not read
            conn.close()
            raise WorkspaceError(f"{db} cannot be read as a copquotes workspace ({exc}): check the path, "
                                 "or restore the folder from a backup") from None
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
            self._migrate_to(target)
        if version <= 11 < SCHEMA_VERSION:   # 2 -> 3 added the aggregates, 11 -> 12 the overview's:
            self.refresh_aggregates()       # counted once the schema is current

    def _migrate_to(self, target: int) -> None:
        """Migrate from schema ``target`` to ``target + 1`` in one transaction (nothing when
        another process migrated it while this one waited for the write lock)."""
        with self.transaction():
            if self.schema_version > target:
                return
            if target in (12, 13):   # (12 -> 13 re-attaches quotes: they are written with the column)
                self._add_suggested_text()
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
            if target == 4:
                cols = {r[1] for r in self.conn.execute("PRAGMA table_info(files)")}
                if "file_key" not in cols:   # (files.file_key TEXT, added in code: re-runnable)
                    self.conn.execute("ALTER TABLE files ADD COLUMN file_key TEXT")
                for fid, fpath in self.conn.execute("SELECT file_id, path FROM files").fetchall():
                    self.conn.execute("UPDATE files SET file_key = ? WHERE file_id = ?",
                                      (file_key_for(fpath), fid))
            if target == 10:
                self._move_unit_themes()
            if target == 12:
                self._orphans_from_removals()
            if target == 13:
                self._move_suggestions()
            if _NEW_INDEXES.get(target) and self.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
                # a workspace with statistics gets them for its new indexes too: without,
                # the planner took units_confirmed for the quote list (0.3 s -> 4 s at 500k)
                for index in _NEW_INDEXES[target]:
                    self.conn.execute(f"ANALYZE {index}")

    def _move_unit_themes(self) -> None:
        """Migration 10 -> 11, inside its transaction: the ``unit_themes`` rows to Parquet parts of
        :data:`~copquotes.unitparts.COMPACT_INTO` units each (in the units' file order, as the
        tag stage writes them), their units pointed at them, the table dropped. A part written
        before a failure is not pointed at; the tag stage removes it."""
        from . import themescores, unitparts

        log.info("moving the theme scores of workspace %s to Parquet parts (once, schema 11)", self.path)
        # a part of the scores nothing points at is what an earlier try of this migration wrote
        # before it was stopped (no other writer while this transaction holds the lock)
        where = unitparts.folder(self.path, themescores.TABLE)
        if where.is_dir():
            unitparts.remove_files(where, {r[0] for r in self.conn.execute(
                "SELECT DISTINCT part FROM unit_parts WHERE tbl = ?", (themescores.TABLE,))}, "p-")
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT ut.unit_id FROM unit_themes ut JOIN units u ON u.unit_id = ut.unit_id"
            " JOIN files f ON f.file_id = u.file_id ORDER BY f.display, u.position, u.unit_id")]
        for k in range(0, len(ids), unitparts.COMPACT_INTO):
            batch = ids[k:k + unitparts.COMPACT_INTO]
            rows = self.conn.execute(
                "SELECT unit_id, theme, score, label, evidence_idx FROM unit_themes"
                " WHERE unit_id IN (SELECT value FROM json_each(?)) ORDER BY unit_id, rowid",
                (json.dumps(batch),)).fetchall()
            order = {uid: i for i, uid in enumerate(batch)}
            rows.sort(key=lambda r: order[r[0]])
            themescores.point(self.conn, batch, themescores.write_part(self.path, [tuple(r) for r in rows]))
        for index in ("unit_themes_theme", "unit_themes_label", "unit_themes_score", "unit_themes_rank"):
            self.conn.execute(f"DROP INDEX IF EXISTS {index}")
        self.conn.execute("DROP TABLE IF EXISTS unit_themes")

    def _orphans_from_removals(self) -> None:
        """Migration 12 -> 13, inside its transaction: a quote that an earlier copquotes removed when
        quote consent was withdrawn kept only an audit row (``removed_no_consent``, its status,
        version and edit). Its unit is still stored, so its span is found again (the quotes stage's
        spans are runs of the unit's sentences; the quote id is a hash of unit and span) and kept as a
        ``quote_no_consent`` orphan, then re-attached at once where consent was given again since
        (a quote re-created there, untouched, takes the decision back). Not found: left as it was."""
        removed = {r[0]: json.loads(r[1] or "{}") for r in self.conn.execute(
            "SELECT d.quote_id, d.before_json FROM decisions d WHERE d.action = 'removed_no_consent'"
            " AND d.id = (SELECT MAX(id) FROM decisions x WHERE x.quote_id = d.quote_id)"
            " AND NOT EXISTS (SELECT 1 FROM orphans o WHERE o.quote_id = d.quote_id AND o.kind = 'quote_no_consent')")}
        if not removed:
            return
        found = self._spans_of_quote_ids(set(removed))
        now = _now()
        for qid, (uid, start, end) in found.items():
            self.conn.execute("INSERT INTO orphans(kind, file_id, unit_id, quote_id, payload_json, reason, at)"
                              " VALUES ('quote_no_consent', ?, ?, ?, ?, ?, ?)",
                              (*self._rebuilt_payload(qid, uid, start, end, removed[qid]), now))
        log.info("kept %d of %d quotes removed for withdrawn consent, to restore with consent", len(found),
                 len(removed))
        self.reattach_orphans()

    def _add_suggested_text(self) -> None:
        """Migration 13 -> 14, first: the column ``quotes.suggested_text`` (the quotes stage's
        suggested light edit; ``edited_text`` keeps a reviewer's edit only)."""
        if "suggested_text" not in {r[1] for r in self.conn.execute("PRAGMA table_info(quotes)")}:
            self.conn.execute("ALTER TABLE quotes ADD COLUMN suggested_text TEXT")

    def _move_suggestions(self) -> None:
        """Migration 13 -> 14, inside its transaction: until schema 14 the quotes stage wrote its
        suggested light edit to ``quotes.edited_text``, where a reviewer's edit also goes. Each
        such text moves to ``suggested_text`` unless a reviewer wrote it: a quote whose audit
        trail, or the trail of a quote it was re-attached from, has an ``edit`` (a reviewer's edit
        is never replaced by anything but another), or whose status is ``edited``, keeps it. The
        same for the quotes kept in open orphans (re-attached later with what they hold)."""
        edited = self._reviewer_edited_ids()
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS reviewer_edited (quote_id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.reviewer_edited")
        self.conn.executemany("INSERT INTO temp.reviewer_edited(quote_id) VALUES (?)", [(q,) for q in edited])
        moved = self.conn.execute(
            "UPDATE quotes SET suggested_text = edited_text, edited_text = NULL WHERE edited_text IS NOT NULL"
            " AND status != 'edited' AND quote_id NOT IN (SELECT quote_id FROM temp.reviewer_edited)").rowcount
        self.conn.execute("DROP TABLE temp.reviewer_edited")
        for oid, payload_json in self.conn.execute(
                "SELECT id, payload_json FROM orphans WHERE resolved_at IS NULL AND kind IN ('quote', ?)",
                (NO_CONSENT,)).fetchall():
            p = json.loads(payload_json)
            if p.get("edited_text") and p.get("status") != "edited" and p.get("quote_id") not in edited:
                p["suggested_text"], p["edited_text"] = p["edited_text"], None
                self.conn.execute("UPDATE orphans SET payload_json = ? WHERE id = ?",
                                  (json.dumps(p, ensure_ascii=False), oid))
        log.info("moved %d suggested light edits out of the reviewers' edits (once, schema 14)", moved)

    def _reviewer_edited_ids(self) -> set[str]:
        """The quote ids whose ``edited_text`` a reviewer wrote: an ``edit`` in their audit trail,
        or in the trail of the quote each was re-attached from (``reattached`` names it), however
        many re-attachments back."""
        edited = {r[0] for r in self.conn.execute("SELECT DISTINCT quote_id FROM decisions WHERE action = 'edit'")}
        came_from = []
        for qid, before in self.conn.execute("SELECT quote_id, before_json FROM decisions WHERE action = 'reattached'"):
            old = json.loads(before or "{}").get("quote_id")
            if old and old != qid:
                came_from.append((qid, old))
        grew = True
        while grew:
            grew = False
            for qid, old in came_from:
                if old in edited and qid not in edited:
                    edited.add(qid)
                    grew = True
        return edited

    def _spans_of_quote_ids(self, wanted: set[str]) -> dict[str, tuple[str, int, int]]:
        """``{quote id: (unit id, start, end)}`` for those of ``wanted`` that are a run of at most 4
        consecutive sentences of a stored unit (how the quotes stage makes its spans)."""
        found: dict = {}
        cur = self.conn.cursor()
        cur.row_factory = None
        spans: dict[str, list] = {}
        for uid, s, e in cur.execute('SELECT unit_id, start, "end" FROM sentences ORDER BY unit_id, idx'):
            spans.setdefault(uid, []).append((s, e))
        for uid, sents in spans.items():
            for i in range(len(sents)):
                for j in range(i, min(len(sents), i + 4)):
                    qid = quote_id_for(uid, sents[i][0], sents[j][1])
                    if qid in wanted:
                        found[qid] = (uid, sents[i][0], sents[j][1])
        return found

    def _rebuilt_payload(self, qid: str, uid: str, start: int, end: int, before: dict) -> tuple:
        """``(file_id, unit_id, quote_id, payload_json, reason)`` of a quote_no_consent orphan rebuilt
        from the audit row that removed it (:meth:`_orphans_from_removals`)."""
        u = self.conn.execute("SELECT file_id, text, speaker_key, question FROM units WHERE unit_id = ?",
                              (uid,)).fetchone()
        themes = next((json.loads(a)["themes"] for (a,) in self.conn.execute(
            "SELECT after_json FROM decisions WHERE quote_id = ? AND after_json IS NOT NULL ORDER BY id DESC",
            (qid,)) if "themes" in json.loads(a)), [])
        text = u["text"]
        payload = {**before, "quote_id": qid, "unit_id": uid, "start": start, "end": end,
                   "verbatim": text[start:end], "themes_json": json.dumps(themes),
                   "before": text[max(0, start - 40):start], "after": text[end:end + 40],
                   "speaker_key": u["speaker_key"], "question": u["question"],
                   "reviewer_themes": self.conn.execute(
                       "SELECT 1 FROM decisions WHERE quote_id = ? AND action = 'set_themes'", (qid,)
                   ).fetchone() is not None}
        return (u["file_id"], uid, qid, json.dumps(payload, ensure_ascii=False),
                "consent withdrawn: kept until quote consent is given again")

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
        began = time.perf_counter()
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0
            held = time.perf_counter() - began
            if held > SLOW_WRITE_SECONDS and log.isEnabledFor(logging.DEBUG):
                import traceback

                where = " < ".join(f"{Path(f.filename).stem}.{f.name}" for f in traceback.extract_stack(limit=6)[:-2][::-1])
                log.debug("write transaction held the database %.2f s (%s)", held, where)

    # ------------------------------------------------------------------ ingest
    def ingest(self, sources: Iterable, read=None, progress: bool = True, *, wait: bool = True,
               on_wait=None) -> IngestReport:
        """Ingest sources (from :func:`copquotes.ingest.discover`).

        Every source is read first, with no write lock held (its rows staged in a temporary
        table of this connection), so a file that cannot be read stops the ingest before
        anything is written: the workspace stays as it was. Then each changed file is written
        in short transactions of :data:`INGEST_CHUNK` units, so a reviewer's save never waits
        long for a large export: the file is stored as incomplete first (with its identifiers,
        so no stage analyses its units without its names) and complete last; an ingest killed
        in between leaves a file the next ingest completes, matching its units by text as any
        re-ingest does. Reviewer data of removed units goes to ``orphans`` in the transaction
        that removes them. Unchanged files (same content, metadata and roster) are skipped; in
        a changed one, units whose text did not change keep their id and everything attached
        to it (see the module doc). Holds the pipeline lock (:func:`pipeline_lock`;
        ``wait``/``on_wait`` as there).
        """
        if read is None:  # each source knows its reader (copquotes.ingest.Source.read)
            def read(source):
                return source.read()
        from .progress import progress as bar

        sources = list(sources)
        report = IngestReport()
        with pipeline_lock(self.path, wait=wait, on_wait=on_wait):
            self._staging(create=True)
            try:
                planned: dict[str, str] = {}   # sha -> path of a file this ingest adds or moves
                plans = [self._plan_one(i, source, read, planned) for i, source in enumerate(
                    bar(sources, desc="ingest", unit="file", enable=progress and len(sources) > 1))]
                for plan in plans:
                    report.files.append(self._apply_one(plan))
            finally:
                self._staging(create=False)
            if any(f.status != "unchanged" for f in report.files):
                self.refresh_aggregates()
        return report

    def _staging(self, create: bool) -> None:
        """The temporary table (private to this connection, deleted with it) holding the rows
        read from the sources until they are written."""
        self.conn.execute("DROP TABLE IF EXISTS temp.ingest_rows")
        if create:
            self.conn.execute(
                "CREATE TEMP TABLE ingest_rows (plan INTEGER NOT NULL, op TEXT NOT NULL, unit_id TEXT, position INTEGER,"
                " text TEXT, text_hash TEXT, source_kind TEXT, grp TEXT, year TEXT, question TEXT, speaker_key TEXT,"
                " speaker_role TEXT, consent INTEGER, locator TEXT, start_time TEXT, extra_json TEXT)")
            self.conn.execute("CREATE INDEX temp.ingest_rows_plan ON ingest_rows(plan, op)")

    def _plan_one(self, index: int, source, read, planned: dict) -> dict:
        """Read one source (no writes to the workspace): what to do with it, its unit rows staged."""
        path = Path(source.path)
        key = str(path.resolve())
        sha = _file_sha256(path)
        fingerprint, typed = _fingerprints(source, sha)
        plan = {"index": index, "source": source, "path": path, "key": key, "sha": sha,
                "fingerprint": fingerprint, "renamed": False}
        row = self.conn.execute(
            "SELECT file_id, fingerprint, n_units, file_key, path FROM files WHERE path = ?", (key,)
        ).fetchone()
        if row is None:
            if sha in planned and planned[sha] != key:   # the same bytes under another path of this ingest
                log.info("%s: same content as %s, already ingested; skipped", _display(path), planned[sha])
                return dict(plan, action="duplicate")
            row, how = self._same_content(sha, key)
            if how == "duplicate":   # the same bytes are already here under another path
                log.info("%s: same content as %s, already ingested; skipped", _display(path), row["path"])
                return dict(plan, action="duplicate")
            if how == "older":
                log.warning("%s: same content as an earlier version of %s, which the workspace holds with newer "
                            "content; not ingested (an old copy must not bring back what the newer one changed, "
                            "such as withdrawn consent): move it out of the input, or copy it over %s to go back "
                            "to it", _display(path), row["path"], row["path"])
                return dict(plan, action="outdated")
            if row is not None:   # the same bytes, moved: the file keeps its identity
                plan["renamed"] = True
                log.info("%s: same content as a file that moved away; kept as that file", _display(path))
            planned[sha] = key
        if row is not None and row["fingerprint"] in (fingerprint, typed):
            return dict(plan, action="renamed" if plan["renamed"] else "unchanged", file_id=row["file_id"],
                        n=row["n_units"])
        plan["meta_json"] = json.dumps(_jsonable(source.meta), sort_keys=True, default=str)
        if row is None:
            plan["action"] = "added"
            file_key = file_key_for(key)
            while self.conn.execute("SELECT 1 FROM files WHERE file_key = ?", (file_key,)).fetchone():
                file_key = file_key_for(file_key + key)
            plan["file_id"] = None
        else:
            plan["action"] = "replaced"
            plan["file_id"] = row["file_id"]
            file_key = row["file_key"] or file_key_for(row["path"])
        plan["file_key"] = file_key
        # the units this file had: a new unit with the same text takes over the old id
        old: dict[str, list] = {}
        old_ids: set[str] = set()
        if row is not None:
            for r in self.conn.execute(
                    "SELECT unit_id, text_hash, speaker_key, question FROM units WHERE file_id = ? ORDER BY position",
                    (row["file_id"],)):
                old.setdefault(r[1], []).append((r[0], r[2], r[3]))
                old_ids.add(r[0])
        taken: set[str] = set()
        assigned: set[str] = set(old_ids)
        occurrences: dict[tuple, int] = {}
        reading = read(source)
        n = 0
        staged: list[tuple] = []
        stage_sql = "INSERT INTO temp.ingest_rows VALUES (" + ",".join("?" * 16) + ")"
        for unit in reading.units:
            th = text_hash(unit.text)
            uid = None
            cands = [o for o in old.get(th, ()) if o[0] not in taken]
            if cands:
                best = ([o for o in cands if o[1] == unit.speaker_key and o[2] == unit.question]
                        or [o for o in cands if o[2] == unit.question] or cands)
                uid = best[0][0]
                taken.add(uid)
            row_ = self._unit_row(None, file_key, unit, th, uid, occurrences, assigned)
            staged.append((index, "update" if uid is not None else "insert", row_[0]) + row_[2:])
            n += 1
            if len(staged) >= INGEST_CHUNK:
                self.conn.executemany(stage_sql, staged)
                staged.clear()
        if staged:
            self.conn.executemany(stage_sql, staged)
        idents = {}
        for ident in reading.identifiers:
            idents[(ident.value, ident.kind, ident.source)] = ident
        meta = dict(source.meta or {})
        meta.update(getattr(reading, "meta", None) or {})
        plan.update(n=n, identifiers=list(idents.values()), gone=sorted(old_ids - taken), kept=len(taken),
                    final_meta_json=json.dumps(_jsonable(meta), sort_keys=True, default=str))
        return plan

    def _apply_one(self, plan: dict) -> FileResult:
        """Write one planned source in short transactions (see :meth:`ingest`)."""
        source, path, action = plan["source"], plan["path"], plan["action"]
        if action in ("duplicate", "unchanged", "outdated"):
            return FileResult(str(source.path), action, plan.get("n", 0), source.format)
        if action == "renamed":
            with self.transaction():
                self.conn.execute("UPDATE files SET path = ?, display = ? WHERE file_id = ?",
                                  (plan["key"], _display(path), plan["file_id"]))
                self._touch_content()
            return FileResult(str(source.path), "renamed", plan["n"], source.format)
        # 1. the file, stored incomplete (no fingerprint yet), with its identifiers
        with self.transaction():
            if action == "added":
                cur = self.conn.execute(
                    "INSERT INTO files(path, display, format, sha256, fingerprint, meta_json, ingested_at, file_key)"
                    " VALUES (?, ?, ?, ?, '', ?, ?, ?)",
                    (plan["key"], _display(path), source.format, plan["sha"], plan["meta_json"], _now(),
                     plan["file_key"]))
                file_id = cur.lastrowid
            else:
                file_id = plan["file_id"]
                self.conn.execute(
                    "UPDATE files SET path = ?, display = ?, format = ?, sha256 = ?, fingerprint = '', meta_json = ?,"
                    " ingested_at = ?, file_key = ? WHERE file_id = ?",
                    (plan["key"], _display(path), source.format, plan["sha"], plan["meta_json"], _now(),
                     plan["file_key"], file_id))
                self.conn.execute("DELETE FROM file_identifiers WHERE file_id = ?", (file_id,))
            self.conn.execute("INSERT OR IGNORE INTO file_shas(sha256, file_id) VALUES (?, ?)", (plan["sha"], file_id))
            self.conn.executemany(
                "INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json) VALUES (?,?,?,?,?)",
                [(file_id, i.value, i.kind, i.source, json.dumps(list(i.aliases))) for i in plan["identifiers"]])
        # 2. the units, a chunk a transaction: kept units (metadata; their anonymised text is dropped:
        # the names known for this file may have changed, so the anonymise stage analyses the whole
        # file again, manual redactions kept), then new units
        for op in ("update", "insert"):
            after = 0
            while True:
                rows = self.conn.execute(
                    "SELECT rowid, unit_id, position, text, text_hash, source_kind, grp, year, question, speaker_key,"
                    " speaker_role, consent, locator, start_time, extra_json FROM temp.ingest_rows"
                    " WHERE plan = ? AND op = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                    (plan["index"], op, after, INGEST_CHUNK)).fetchall()
                if not rows:
                    break
                after = rows[-1][0]
                with self.transaction():
                    if op == "update":
                        self._update_units([tuple(r[2:]) + (r[1],) for r in rows])
                        self.conn.execute("DELETE FROM anon WHERE unit_id IN (SELECT value FROM json_each(?))",
                                          (json.dumps([r[1] for r in rows]),))
                    else:
                        self._insert_units([(r[1], file_id) + tuple(r[2:]) for r in rows])
        # 3. units whose text is gone: their reviewer data to orphans, in the transaction that removes them
        gone = plan.get("gone") or []
        for i in range(0, len(gone), INGEST_CHUNK):
            with self.transaction():
                part = gone[i:i + INGEST_CHUNK]
                self._orphan_units(file_id, part, _display(path))
                self.conn.execute("DELETE FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                                  (json.dumps(part),))
        # 4. complete: re-attach what can be, the file's fingerprint last
        result = FileResult(str(source.path), action, plan["n"], source.format)
        with self.transaction():
            if action == "replaced":
                result.kept, result.removed = plan["kept"], len(gone)
                got = self.reattach_orphans(file_id)
                result.reattached = got["reattached"]
                result.orphaned = got["open"]
            self.conn.execute("UPDATE files SET n_units = ?, meta_json = ?, fingerprint = ? WHERE file_id = ?",
                              (plan["n"], plan["final_meta_json"], plan["fingerprint"], file_id))
            self._touch_content()
        log.info("ingested %s: %d units (%s)", _display(path), plan["n"], action)
        return result

    def _same_content(self, sha: str, key: str):
        """``(row, how)``: a stored file under another path whose content is or was these bytes, and
        what the new path is to it: ``moved`` (its content, and its own path no longer exists: moved or
        renamed), ``duplicate`` (its content, still at its own path), ``older`` (content it had before:
        the bytes at its own path, or stored since, are newer, whether or not this ingest reads them);
        ``(None, None)`` if there is none. Decided from the files on disk, not from what this ingest
        has written yet, so a second run on the same inputs decides the same."""
        rows = self.conn.execute(
            "SELECT file_id, fingerprint, n_units, file_key, path, sha256 FROM files f WHERE path != ? AND"
            " (sha256 = ? OR EXISTS (SELECT 1 FROM file_shas s WHERE s.file_id = f.file_id AND s.sha256 = ?))"
            " ORDER BY file_id", (key, sha, sha)).fetchall()
        current = [r for r in rows if r["sha256"] == sha]
        for r in current:
            if not Path(r["path"]).exists():
                return r, "moved"
        for r in current:
            if _unchanged_at(Path(r["path"]), sha):
                return r, "duplicate"
        return (rows[0], "older") if rows else (None, None)

    def _unit_row(self, file_id: int, file_key: str, u: Unit, th: str | None = None, uid: str | None = None,
                  occurrences: dict | None = None, assigned: set | None = None) -> tuple:
        th = th or text_hash(u.text)
        if uid is None:
            occ = occurrences if occurrences is not None else {}
            k = (u.speaker_key, u.question, th)
            while True:
                i = occ.get(k, 0)
                occ[k] = i + 1
                uid = unit_id_for(file_key, u.speaker_key, u.question, th, i)
                if assigned is None or uid not in assigned:
                    break
            if assigned is not None:
                assigned.add(uid)
        return (
            uid, file_id, u.position, u.text, th,
            u.source_kind, u.group, u.year, u.question, u.speaker_key, u.speaker_role,
            None if u.consent is None else int(bool(u.consent)), u.locator, u.start_time,
            json.dumps(dict(u.extra), sort_keys=True, default=str),
        )

    def _update_units(self, rows: list[tuple]) -> None:
        """Metadata of kept units (same text): position, cohort, speaker, consent, ... (the consent
        trigger removes the quotes of a unit that is no longer quotable, with an audit row)."""
        self.conn.executemany(
            "UPDATE units SET position = ?, text = ?, text_hash = ?, source_kind = ?, grp = ?, year = ?,"
            " question = ?, speaker_key = ?, speaker_role = ?, consent = ?, locator = ?, start_time = ?,"
            " extra_json = ? WHERE unit_id = ?",
            rows,
        )

    # ------------------------------------------------------------------ reviewer data of changed text
    def _orphan_units(self, file_id: int, unit_ids: list[str], display: str) -> None:
        """Before units are removed: keep their reviewer data (reviewed quotes, manual and undone
        redactions, theme labels) in ``orphans``; :meth:`reattach_orphans` then puts back what it can."""
        ids = json.dumps(unit_ids)
        now = _now()
        reason = f"the text of this unit changed when {display} was ingested again"
        texts = dict(self.conn.execute(
            "SELECT unit_id, text FROM units WHERE unit_id IN (SELECT value FROM json_each(?))", (ids,)).fetchall())
        meta = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            "SELECT unit_id, speaker_key, question FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
            (ids,))}
        rows = []
        for q in self.conn.execute(
                "SELECT q.* FROM quotes q WHERE q.unit_id IN (SELECT value FROM json_each(?))"
                " AND (q.status != 'pending' OR q.version > 1"
                "      OR EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = q.quote_id))", (ids,)).fetchall():
            q = dict(q)
            text = texts.get(q["unit_id"], "")
            q["before"] = text[max(0, q["start"] - 40):q["start"]]
            q["after"] = text[q["end"]:q["end"] + 40]
            q["speaker_key"], q["question"] = meta.get(q["unit_id"], (None, None))
            q["reviewer_themes"] = self.conn.execute(
                "SELECT 1 FROM decisions WHERE quote_id = ? AND action = 'set_themes' LIMIT 1",
                (q["quote_id"],)).fetchone() is not None
            rows.append(("quote", file_id, q["unit_id"], q["quote_id"], json.dumps(q, default=str), reason, now))
        for uid, s, e, kind, source, status in self.conn.execute(
                'SELECT unit_id, start, "end", kind, source, status FROM redactions'
                " WHERE status IN ('manual', 'undone') AND unit_id IN (SELECT value FROM json_each(?))", (ids,)):
            text = texts.get(uid, "")
            payload = {"start": s, "end": e, "kind": kind, "source": source, "status": status,
                       "surface": text[s:e], "before": text[max(0, s - 30):s], "after": text[e:e + 30],
                       "speaker_key": meta.get(uid, (None, None))[0]}
            rows.append(("redaction", file_id, uid, None, json.dumps(payload), reason, now))
        for uid, theme, label, reviewer, at in self.conn.execute(
                "SELECT unit_id, theme, label, reviewer, at FROM theme_labels"
                " WHERE unit_id IN (SELECT value FROM json_each(?))", (ids,)):
            payload = {"theme": theme, "label": label, "reviewer": reviewer, "at": at,
                       "text_hash": text_hash(texts.get(uid, ""))}
            rows.append(("theme_label", file_id, uid, None, json.dumps(payload), reason, now))
        self.conn.executemany(
            "INSERT INTO orphans(kind, file_id, unit_id, quote_id, payload_json, reason, at) VALUES (?,?,?,?,?,?,?)",
            rows)

    def reattach_orphans(self, file_id: int | None = None) -> dict:
        """Put reviewer data kept in ``orphans`` back where its text is found again (in a transaction).

        * a quote decision: where its verbatim span occurs in a unit of the same file (the same
          speaker and question first; then the one whose context matches) under a new quote id,
          with its status, edit, reviewer themes and version + 1, and an audit row ``reattached``;
          to a unit without quote consent it is not attached: it is resolved as
          ``removed_no_consent`` (audited);
        * a manual redaction: where its words occur with the same context; failing that at every
          whole-word occurrence by the same speaker (hiding too much is the safe side);
          an undone redaction only with the same context;
        * a theme label: on a unit with exactly the same text.
        What is not found stays open: ``copquotes status`` counts it, :func:`orphaned_decisions` lists it.
        Returns ``{"reattached": n, "removed_no_consent": n, "open": n}``.
        """
        out = {"reattached": 0, "removed_no_consent": 0, "open": 0}
        sql = "SELECT id, kind, file_id, unit_id, quote_id, payload_json FROM orphans WHERE resolved_at IS NULL"
        params: tuple = ()
        if file_id is not None:
            sql += " AND file_id = ?"
            params = (file_id,)
        todo = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        if not todo:
            return out
        with self.transaction() as conn:
            units_of: dict[int, list] = {}

            def units(fid):
                if fid not in units_of:
                    units_of[fid] = [dict(r) for r in conn.execute(
                        "SELECT u.unit_id, u.text, u.text_hash, u.speaker_key, u.question,"
                        " EXISTS (SELECT 1 FROM quotable_units q WHERE q.unit_id = u.unit_id) AS quotable"
                        " FROM units u WHERE u.file_id = ? ORDER BY u.position", (fid,))]
                return units_of[fid]

            for oid, kind, fid, old_uid, old_qid, payload_json in todo:
                p = json.loads(payload_json)
                res = None
                if kind in ("quote", NO_CONSENT):
                    res = self._reattach_quote(conn, oid, p, units(fid), kind)
                elif kind == "redaction":
                    res = self._reattach_redaction(conn, p, units(fid))
                elif kind == "theme_label":
                    hit = next((u for u in units(fid) if u["text_hash"] == p["text_hash"]), None)
                    if hit is not None:
                        conn.execute("INSERT OR IGNORE INTO theme_labels(unit_id, theme, label, reviewer, at)"
                                     " VALUES (?,?,?,?,?)", (hit["unit_id"], p["theme"], p["label"], p["reviewer"], p["at"]))
                        res = ("reattached", hit["unit_id"])
                if res is None:
                    out["open"] += kind != NO_CONSENT    # (kept while consent is withdrawn: not open work)
                    continue
                conn.execute("UPDATE orphans SET resolved_at = ?, resolution = ?, resolved_to = ? WHERE id = ?",
                             (_now(), res[0], res[1], oid))
                out[res[0]] += 1
            if out["reattached"] or out["removed_no_consent"]:
                conn.execute("INSERT INTO meta(key, value) VALUES ('review_changes', '1')"
                             " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        return out

    @staticmethod
    def _rank_units(cands: list[dict], p: dict, needle: str) -> list[tuple[dict, int]]:
        """Units holding ``needle``, best first: same context, same speaker and question, same speaker."""
        hits = []
        for u in cands:
            i = u["text"].find(needle)
            while i >= 0:
                ctx = (u["text"][max(0, i - len(p.get("before", ""))):i] == p.get("before", "")) + \
                      (u["text"][i + len(needle):i + len(needle) + len(p.get("after", ""))] == p.get("after", ""))
                same = (u["speaker_key"] == p.get("speaker_key")) * 2 + (u["question"] == p.get("question"))
                hits.append((-(ctx * 4 + same), u, i))
                i = u["text"].find(needle, i + 1)
        hits.sort(key=lambda h: h[0])
        return [(u, i) for _, u, i in hits]

    def _reattach_quote(self, conn, oid: int, p: dict, units: list[dict], kind: str = "quote"):
        verbatim = p.get("verbatim") or ""
        if not verbatim:
            return None
        ranked = self._rank_units(units, p, verbatim)
        if kind == NO_CONSENT:     # back only where the words are quotable again
            ranked = [(u, i) for u, i in ranked if u["quotable"]]
        if not ranked:
            return None
        u, start = ranked[0]
        end = start + len(verbatim)
        now = _audit_now()
        if not u["quotable"]:
            # kept as a quote withdrawn for consent: back when the speaker's consent is
            conn.execute("INSERT INTO orphans(kind, file_id, unit_id, quote_id, payload_json, reason, at)"
                         " VALUES (?,?,?,?,?,?,?)",
                         (NO_CONSENT, conn.execute("SELECT file_id FROM units WHERE unit_id = ?", (u["unit_id"],)
                                                   ).fetchone()[0], u["unit_id"], p["quote_id"],
                          json.dumps({**p, "unit_id": u["unit_id"]}, ensure_ascii=False),
                          "consent withdrawn: kept until quote consent is given again", now))
            conn.execute(
                "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
                " VALUES (?,?,?,?,?,?,?)",
                (p["quote_id"], REATTACHED_BY, "removed_no_consent", json.dumps(_quote_snapshot(p), ensure_ascii=False),
                 None, "the quote's text is now said by someone without quote consent", now))
            return ("removed_no_consent", u["unit_id"])
        qid = quote_id_for(u["unit_id"], start, end)
        cur = conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (qid,)).fetchone()
        if cur is not None and (cur["status"] != "pending" or cur["version"] > 1):
            return None    # that span has a reviewer decision of its own: both are kept, this one open
        version = int(p.get("version") or 1) + 1
        themes = p.get("themes_json") or "[]"
        if cur is None:
            conn.execute(
                'INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, edited_text, suggested_text,'
                " score, parts_json, themes_json, attribution, flags_json, speaker, status, version, updated_at,"
                " updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (qid, u["unit_id"], start, end, p.get("text") or "", verbatim, p.get("edited_text"),
                 p.get("suggested_text"),
                 p.get("score") or 0, p.get("parts_json") or "{}", themes, p.get("attribution") or "",
                 p.get("flags_json") or "[]", p.get("speaker"), p["status"], version, p.get("updated_at") or now,
                 p.get("updated_by") or REATTACHED_BY))
        else:
            # the suggested edit the reviewer decided on, where the orphan kept one (schema 14)
            conn.execute(
                "UPDATE quotes SET status = ?, edited_text = ?, version = ?, updated_at = ?, updated_by = ?,"
                " suggested_text = CASE WHEN ? THEN ? ELSE suggested_text END"
                + (", themes_json = ?" if p.get("reviewer_themes") else "") + " WHERE quote_id = ?",
                (p["status"], p.get("edited_text"), max(version, int(cur["version"]) + 1),
                 p.get("updated_at") or now, p.get("updated_by") or REATTACHED_BY,
                 "suggested_text" in p, p.get("suggested_text"),
                 *((themes,) if p.get("reviewer_themes") else ()), qid))
        after = dict(conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (qid,)).fetchone())
        conn.execute(
            "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
            " VALUES (?,?,?,?,?,?,?)",
            (qid, REATTACHED_BY, "reattached", json.dumps({"quote_id": p["quote_id"], **_quote_snapshot(p)},
                                                          ensure_ascii=False),
             json.dumps(_quote_snapshot(after), ensure_ascii=False),
             (f"quote consent given again: quote {p['quote_id']} is back with its decision" if kind == NO_CONSENT
              else f"re-attached from quote {p['quote_id']}: the same words were found after a re-ingest"), now))
        if p.get("reviewer_themes"):   # so the quotes stage keeps the reviewer's themes
            conn.execute(
                "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
                " VALUES (?,?,?,?,?,?,?)", (qid, REATTACHED_BY, "set_themes", None, None, "re-attached", now))
        for table, col in QUOTE_ID_REFERENCES:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
                conn.execute(f"UPDATE OR IGNORE {table} SET {col} = ? WHERE {col} = ?", (qid, p["quote_id"]))
        return ("reattached", qid)

    def _reattach_redaction(self, conn, p: dict, units: list[dict]):
        surface = p.get("surface") or ""
        if len(surface.strip()) < 1:
            return None
        ranked = self._rank_units(units, p, surface)
        spans: list[tuple[str, int]] = []
        if ranked:
            u, i = ranked[0]
            exact = (u["text"][max(0, i - len(p["before"])):i] == p["before"]
                     and u["text"][i + len(surface):i + len(surface) + len(p["after"])] == p["after"])
            if exact:
                spans = [(u["unit_id"], i)]
            elif p["status"] == "manual":
                # hide it wherever the same person says it (or anywhere in the file if unknown)
                word = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
                pool = [x for x in units if x["speaker_key"] == p.get("speaker_key")] or units
                spans = [(x["unit_id"], m.start()) for x in pool for m in word.finditer(x["text"])]
        if not spans:
            return None
        for uid, i in spans:
            exists = conn.execute('SELECT 1 FROM redactions WHERE unit_id = ? AND start = ? AND "end" = ? AND status = ?',
                                  (uid, i, i + len(surface), p["status"])).fetchone()
            if not exists:
                conn.execute('INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?,?,?,?,?,?)',
                             (uid, i, i + len(surface), p["kind"], p["source"], p["status"]))
            conn.execute("DELETE FROM anon WHERE unit_id = ?", (uid,))   # rendered again by the anonymise stage
        return ("reattached", ",".join(sorted({u for u, _ in spans})))

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
        if name in AGGREGATE_STAGES:   # counted outside the write (until stored, readers count live)
            self.refresh_aggregates()

    # ------------------------------------------------------------------ aggregates
    def aggregates_token(self) -> str:
        """Changes when what :data:`AGGREGATES` count may have changed: an ingest, the tag or
        topics stage marked done, the number of units (or how they are counted: the leading word)."""
        row = self.conn.execute(
            "SELECT 'people',"   # ('voices': before the people of a group, a year and all were counted
            # as distinct people, not as a sum of group-and-year cells: counts stored with it are stale)
            " (SELECT value FROM meta WHERE key = 'content_changed_at'),"
            " (SELECT group_concat(name || '@' || done_at || '#' || fingerprint, ';') FROM"
            "  (SELECT * FROM stages WHERE name IN ('tag', 'topics') ORDER BY name)),"
            " (SELECT COUNT(*) FROM units)").fetchone()
        return "|".join("" if v is None else str(v) for v in row)

    def compute_aggregate(self, name: str) -> list[list]:
        """The rows of one of :data:`AGGREGATES`, counted now (a few hundred ms at 50,000 units)."""
        return self._compute_aggregates([name])[name]

    def _compute_aggregates(self, names, per_speaker: bool = False) -> dict[str, list[list]]:
        """``per_speaker``: also :data:`SPEAKER_LABELS`, the rows of the table ``speaker_labels``."""
        sql = {n: AGGREGATES[n] for n in names}
        out = {n: [list(r) for r in self.conn.execute(q)] for n, q in sql.items() if q is not None}
        if len(out) < len(sql) or per_speaker:
            from . import themescores

            many = self._many_unit_speakers() if per_speaker else {}
            # (a part merged under the reader: read again)
            theme = themescores.retrying(lambda: self._theme_aggregates(many))
            out.update({n: theme[n] for n in sql if n not in out})
            if per_speaker:
                out[SPEAKER_LABELS] = theme[SPEAKER_LABELS]
        return out

    def _many_unit_speakers(self) -> dict[str, int]:
        """``{person: units}`` of the people (:func:`~copquotes.types.speaker_sql`) with at least
        :data:`MANY_UNITS` units."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return dict(cur.execute(f"SELECT {speaker_sql()}, COUNT(*) FROM units WHERE speaker_key IS NOT NULL"
                                " GROUP BY file_id, speaker_key HAVING COUNT(*) >= ?", (MANY_UNITS,)))

    def _theme_aggregates(self, many: dict[str, int] | None = None) -> dict[str, list[list]]:
        """The aggregates of the theme scores, counted part by part (one part's rows in memory
        at a time, whatever the workspace's size), each unit's group, year and topic
        read from the database for the units of the part. ``many``: the people whose labels
        are also counted one by one (:data:`SPEAKER_LABELS`, rows of ``speaker_labels``)."""
        from . import themescores

        many = many or {}
        cohort: dict[tuple, int] = {}
        topic: dict[tuple, int] = {}
        # the people behind the labels, by cell: sets of speaker keys (only their sizes are kept)
        cohort_people: dict[tuple, set] = {}
        topic_people: dict[tuple, set] = {}
        per_speaker: dict[tuple, int] = {}     # (who, scope, grp, year, topic, theme) -> units
        tagged = 0
        cur = self.conn.cursor()
        cur.row_factory = None
        for n, data in themescores.parts(self, label=1, columns=["unit_id", "theme"], skip_lost=True):
            tagged += n             # (the units pointing at the part)
            uids, themes = data["unit_id"].to_pylist(), data["theme"].to_pylist()
            info = {r[0]: r[1:] for r in cur.execute(
                f"SELECT u.unit_id, u.grp, u.year, t.topic, u.speaker_role, u.source_kind, {speaker_sql('u')}"
                " FROM units u"
                " LEFT JOIN unit_topics t ON t.unit_id = u.unit_id"
                " WHERE u.unit_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(uids))),))}
            for uid, theme in zip(uids, themes):
                if uid not in info:     # (deleted while read)
                    continue
                grp, year, top, role, kind, who = info[uid]
                counted = who in many
                if is_voice(role, kind):
                    cohort[(grp, year, theme)] = cohort.get((grp, year, theme), 0) + 1
                    cohort_people.setdefault((grp, year, theme), set()).add(who)
                    if counted:
                        for scope, g, y in cohort_cells(grp, year):
                            key = (who, scope, g, y, None, theme)
                            per_speaker[key] = per_speaker.get(key, 0) + 1
                if top is not None:
                    topic[(top, theme)] = topic.get((top, theme), 0) + 1
                    topic_people.setdefault((top, theme), set()).add(who)
                    if counted:
                        key = (who, "topic", None, None, top, theme)
                        per_speaker[key] = per_speaker.get(key, 0) + 1

        def listed(counts):
            return [[*k, n] for k, n in sorted(counts.items(), key=lambda kv: [_sql_order(v) for v in kv[0]])]

        def sized(people):
            return listed({k: len(v) for k, v in people.items()})

        return {"cohort_labels": listed(cohort), "topic_labels": listed(topic), "tagged_units": [[tagged]],
                "cohort_speaker_labels": listed(_people_per_cell(cohort_people)),
                "topic_speaker_labels": sized(topic_people),
                SPEAKER_LABELS: [[*k, n] for k, n in per_speaker.items()]
                + [[who, "units", None, None, None, "", n] for who, n in many.items()]}

    def refresh_aggregates(self) -> None:
        """Count :data:`AGGREGATES` and store them with the current :meth:`aggregates_token`
        (done by :meth:`mark_stage` for the tag and topics stages and by :meth:`ingest`)."""
        if self._depth:   # inside a caller's transaction: count there
            token = self.aggregates_token()
            values = self._compute_aggregates(AGGREGATES, per_speaker=True)
        else:   # counted in a read transaction (one snapshot: the token and the counts agree), so a
            # reviewer's save does not wait for the counting (seconds at 50,000 units)
            self.conn.execute("BEGIN")
            try:
                token = self.aggregates_token()
                values = self._compute_aggregates(AGGREGATES, per_speaker=True)
            finally:
                self.conn.execute("COMMIT")
        speakers = values.pop(SPEAKER_LABELS)
        with self.transaction():
            if self.aggregates_token() != token:
                # a writer changed the workspace since the snapshot (a removal, an ingest): these
                # counts are stale, and their people rows may name a removed file's speakers; that
                # writer stores its own, or the next reader counts them again
                return
            self.conn.executemany(
                "INSERT OR REPLACE INTO aggregates(name, token, value_json, computed_at) VALUES (?,?,?,?)",
                [(name, token, json.dumps(v), _now()) for name, v in values.items()])
            self.conn.execute("DELETE FROM speaker_labels")
            self.conn.executemany("INSERT INTO speaker_labels(who, scope, grp, year, topic, theme, n)"
                                  " VALUES (?,?,?,?,?,?,?)", speakers)
            self.conn.execute(
                "INSERT OR REPLACE INTO aggregates(name, token, value_json, computed_at) VALUES (?,?,?,?)",
                (SPEAKER_LABELS, token, json.dumps([[MANY_UNITS, len(speakers)]]), _now()))

    def speaker_label_counts(self, people) -> dict[str, dict[tuple, int]] | None:
        """The tagger's labels of each of ``people`` (:func:`~copquotes.types.speaker_sql`) with
        at least :data:`MANY_UNITS` units, counted when the aggregates were: ``{person: {(scope,
        grp, year, topic, theme): units}}`` (``scope`` "cohort", "group", "year" or "all": participants'
        voices per cell of :func:`~copquotes.types.cohort_cells`, grp and year None where the scope spans
        them; "topic": every unit per topic; ``("units", None, None, None, "")``: all their units).
        A person with fewer units is absent; None when the counts are stale."""
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN")      # (the token and the rows from one snapshot)
        try:
            row = self.conn.execute("SELECT token FROM aggregates WHERE name = ?", (SPEAKER_LABELS,)).fetchone()
            if row is None or row[0] != self.aggregates_token():
                return None
            out: dict[str, dict[tuple, int]] = {}
            cur = self.conn.cursor()
            cur.row_factory = None
            for who, *key, n in cur.execute(
                    "SELECT who, scope, grp, year, topic, theme, n FROM speaker_labels"
                    " WHERE who IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(people))),)):
                out.setdefault(who, {})[tuple(key)] = n
            return out
        finally:
            if own:
                self.conn.execute("COMMIT")

    def stored_aggregates(self, *names: str) -> dict[str, list[list]]:
        """The stored aggregates that are current (name -> rows; ``names``: only these); stale
        ones are left out."""
        token = self.aggregates_token()
        wanted = set(names or AGGREGATES) & set(AGGREGATES)
        return {name: json.loads(value) for name, t, value in self.conn.execute(
            "SELECT name, token, value_json FROM aggregates") if t == token and name in wanted}

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
    def quotes_frame(self, status: Iterable[str] | None = None, theme: str | None = None,
                     ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Candidate quotes joined with their unit's metadata, consented units only (``ids``:
        only these quotes).

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
        if ids is not None:
            where.append("q.quote_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
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
        """What the workspace holds (files, units, consent, reviewer decisions); which stages
        are up to date is :func:`copquotes.pipeline.status`."""

        files = []
        cohorts: dict = {}       # file id -> {"groups": {group: units}, "years": {year: units}}
        for fid, grp, year, n in self.conn.execute(
                "SELECT file_id, grp, year, COUNT(*) FROM units GROUP BY file_id, grp, year"):
            per = cohorts.setdefault(fid, {"groups": {}, "years": {}})
            for key, value in (("groups", grp), ("years", year)):
                name = value if value is not None else "(none)"
                per[key][name] = per[key].get(name, 0) + n
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
                # the file's units by group and by year: several when its rows carry them (a Group column)
                **{k: dict(sorted(v.items())) for k, v in cohorts.get(r["file_id"], {"groups": {}, "years": {}}).items()},
            })

        def counts(col: str) -> dict:
            return {
                (k if k is not None else "(none)"): n
                for k, n in self.conn.execute(f"SELECT {col}, COUNT(*) FROM units GROUP BY {col} ORDER BY {col}")
            }

        consent = counts("consent")
        # speakers matched to a roster entry by first name alone: consent not confirmed, quotes held
        first_name_only = {
            "units": self.conn.execute(
                "SELECT COUNT(*) FROM units WHERE instr(extra_json, '\"consent_match\"') > 0").fetchone()[0],
            "quotes_held": self.conn.execute(
                "SELECT COUNT(*) FROM quotes q WHERE q.status != 'approved' AND EXISTS (SELECT 1 FROM"
                " json_each(q.flags_json) j WHERE json_extract(j.value, '$.kind') = 'consent_unconfirmed')"
            ).fetchone()[0],
        }
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
            "consent_first_name_only": first_name_only,
            "decisions": decision_summary(self),
        }


# ---------------------------------------------------------------------- reviewer data: readers
def orphaned_decisions(ws, kinds: Iterable[str] | None = None, with_original: bool = False) -> list[dict]:
    """Reviewer data kept from text that changed in a re-ingest and not re-attached (open orphans),
    oldest first: ``{"id", "kind" (quote | redaction | theme_label), "file", "unit_id", "quote_id",
    "reason", "orphaned_at", ...}``; a quote adds its ``status``, ``edited_text`` (a reviewer's),
    anonymised ``text``, ``suggested_text`` (the quotes stage's light edit), ``version``,
    ``decided_by``, ``decided_at``; a redaction its ``redaction_kind`` and
    ``status``; a theme label its ``theme``, ``label`` and ``reviewer``. The original words (a
    quote's verbatim span, a redaction's surface) only with ``with_original``."""
    sql = ("SELECT o.id, o.kind, o.file_id, f.display AS file, o.unit_id, o.quote_id, o.payload_json, o.reason, o.at"
           " FROM orphans o LEFT JOIN files f ON f.file_id = o.file_id WHERE o.resolved_at IS NULL")
    params: list = []
    ks = list(kinds) if kinds else ["quote", "redaction", "theme_label"]   # never NO_CONSENT unless asked
    sql += f" AND o.kind IN ({','.join('?' * len(ks))})"
    params += ks
    out = []
    for r in ws.conn.execute(sql + " ORDER BY o.id", params):
        p = json.loads(r["payload_json"])
        d = {"id": r["id"], "kind": r["kind"], "file": r["file"], "unit_id": r["unit_id"], "quote_id": r["quote_id"],
             "reason": r["reason"], "orphaned_at": r["at"]}
        if r["kind"] in ("quote", NO_CONSENT):
            d.update(status=p.get("status"), edited_text=p.get("edited_text"), text=p.get("text"),
                     suggested_text=p.get("suggested_text"),
                     version=p.get("version"), decided_by=p.get("updated_by"), decided_at=p.get("updated_at"),
                     attribution=p.get("attribution"))
            if with_original:
                d["verbatim"] = p.get("verbatim")
        elif r["kind"] == "redaction":
            d.update(redaction_kind=p.get("kind"), status=p.get("status"), source=p.get("source"))
            if with_original:
                d["surface"] = p.get("surface")
        else:
            d.update(theme=p.get("theme"), label=p.get("label"), reviewer=p.get("reviewer"))
        out.append(d)
    return out


def decision_summary(ws) -> dict:
    """Reviewer decisions in the workspace: quotes per status, held quotes (a hold-level flag or
    unconfirmed consent keeps them from export until a reviewer approves them), open orphans by
    kind, quotes removed because quote consent was withdrawn, and how many of those are kept
    to come back if consent is given again (``kept_until_consent``)."""
    c = ws.conn
    by_status = {st: 0 for st in ("pending", "approved", "edited", "rejected")}
    for st, n in c.execute("SELECT q.status, COUNT(*) FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
                           " GROUP BY q.status"):
        by_status[st] = n
    held = c.execute(
        "SELECT COUNT(*), SUM(q.status = 'approved') FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
        " WHERE json_extract(q.parts_json, '$.held') = 1"
        " OR EXISTS (SELECT 1 FROM json_each(q.flags_json) j WHERE json_extract(j.value, '$.severity') = 'hold')"
    ).fetchone()
    orphaned = {k: 0 for k in ("quote", "redaction", "theme_label")}
    for kind, n in c.execute("SELECT kind, COUNT(*) FROM orphans WHERE resolved_at IS NULL GROUP BY kind"):
        if kind in orphaned:
            orphaned[kind] = n
    kept_no_consent = c.execute("SELECT COUNT(*) FROM orphans WHERE resolved_at IS NULL AND kind = ?",
                                (NO_CONSENT,)).fetchone()[0]
    reattached = c.execute("SELECT COUNT(*) FROM orphans WHERE resolution = 'reattached'").fetchone()[0]
    removed = c.execute("SELECT COUNT(DISTINCT quote_id) FROM decisions WHERE action = 'removed_no_consent'"
                        ).fetchone()[0]
    return {
        "quotes": by_status,
        "decided": by_status["approved"] + by_status["edited"] + by_status["rejected"],
        "held": (held[0] or 0) - (held[1] or 0),
        "held_cleared": held[1] or 0,
        "orphaned": sum(orphaned.values()),
        "orphaned_by_kind": orphaned,
        "reattached": reattached,
        "removed_no_consent": removed,
        "kept_until_consent": kept_no_consent,
    }


# ---------------------------------------------------------------------- one pipeline writer
LOCK_FILE = ".pipeline.lock"
LOCK_INFO = ".pipeline.lock.json"
_HELD: dict[tuple[str, int], list] = {}
_HELD_GUARD = __import__("threading").Lock()


class WorkspaceBusy(WorkspaceError):
    """Another pipeline run (ingest / analyse) holds the workspace."""

    exit_code = 75   # EX_TEMPFAIL: try again later


def _lock_holder(path: Path) -> str:
    try:
        info = json.loads((path / LOCK_INFO).read_text(encoding="utf-8"))
        return f"pid {info.get('pid')} on {info.get('host')}, since {info.get('since')}"
    except (OSError, ValueError):
        return "another process"


def _default_on_wait(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def pipeline_lock(ws_path, *, wait: bool = True, on_wait=None):
    """Hold the workspace's pipeline lock (one ingest / analysis writer at a time).

    Another holder: wait, after saying so once through ``on_wait`` (default: a line on
    stderr), or with ``wait=False`` raise :class:`WorkspaceBusy`. Re-entrant within a thread
    (``copquotes run`` holds it across ingest and analysis). The lock is the operating
    system's (``flock``): a process killed while holding it releases it. Reviewers' saves
    never take it; they only wait for SQLite's short write transactions.
    """
    import socket
    import threading

    from filelock import FileLock, Timeout

    path = Path(ws_path)
    key = (str(path.resolve()), threading.get_ident())
    with _HELD_GUARD:
        entry = _HELD.get(key)
        if entry is not None:
            entry[1] += 1
    if entry is not None:
        try:
            yield
        finally:
            with _HELD_GUARD:
                entry[1] -= 1
        return
    path.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _lock_holder(path)
        if not wait:
            raise WorkspaceBusy(f"workspace {path} is busy: another copquotes run or analysis is writing to it "
                                f"({holder}); try again when it has finished, or leave out --no-wait to wait") from None
        (on_wait or _default_on_wait)(f"copquotes: waiting for another run on workspace {path} to finish ({holder})")
        lock.acquire()
    try:
        _atomic_write_text(path / LOCK_INFO, json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "since": _now()}))
    except OSError:  # pragma: no cover - informational only
        pass
    with _HELD_GUARD:
        _HELD[key] = [lock, 1]
    try:
        yield
    finally:
        with _HELD_GUARD:
            _HELD.pop(key, None)
        lock.release()


def holds_pipeline_lock(ws_path) -> bool:
    import threading

    return (str(Path(ws_path).resolve()), threading.get_ident()) in _HELD


def _atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that a crash leaves either the old or the new content (temp file + rename)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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


def _fingerprints(source, sha: str) -> tuple[str, str]:
    """``(fingerprint, as_typed)`` of a source: what decides whether a stored file changed. The
    rosters' contents count, not the paths they were named by (one roster named by a relative path
    and by an absolute one is the same input); ``as_typed`` is the fingerprint with the paths,
    as earlier versions stored it: a workspace they built does not read every file with a roster
    as changed once. The readers' version (``source.reader``) counts: a workspace reads its files
    again, once, when the readers change."""
    reader = getattr(source, "reader", None)   # the readers' version (ingest.base.READER_VERSION)

    def digest(meta) -> str:
        parts = {"sha": sha, "format": source.format, "meta": _jsonable(meta),
                 "roster": [_jsonable(asdict(r)) for r in (source.roster or ())]}
        if reader not in (None, "1"):          # version 1 stored no reader: its fingerprints stay valid
            parts["reader"] = reader
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    meta = dict(source.meta or {})
    typed = digest(meta)
    if "rosters" not in meta:
        return typed, typed
    meta.pop("rosters")
    return digest(meta), typed


def _unchanged_at(path: Path, sha: str) -> bool:
    """Whether the file at ``path`` still holds these bytes (one that cannot be read: taken as so)."""
    try:
        return _file_sha256(path) == sha
    except OSError:
        return True


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
