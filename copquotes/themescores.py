"""The units' theme scores: Parquet parts beside the database, not a SQLite table.

Every unit the ``tag`` stage scored has one row per theme of the codebook::

    WS/parts/unit_themes/p-<id>.parquet     unit_id, theme, score, label, evidence_idx (no text)

written and pointed at as :mod:`copquotes.unitparts` says (whole on disk before any unit
points at it, in the transaction that replaces the unit's other results). At 500,000 units
and nine themes these are 4.5 million rows: 27 MB of parts, where the SQLite table with
the indexes the app needed took 900 MB of a 1.4 GB database. SQLite keeps the review state
(reviewers' labels in ``theme_labels``), the pointers and the small aggregates.

Readers:

* :func:`rows`: the rows of some units (the stages, the app's detail views, exports);
* :func:`table` / :func:`frame`: every live row of the workspace, optionally of one theme or
  one label (aggregates, topic tables, the app's ranked theme lists);
* :func:`themes`, :func:`scored_units`: which themes and which units have scores.
"""
from __future__ import annotations

import json
import logging

from . import unitparts

log = logging.getLogger(__name__)

TABLE = unitparts.UNIT_THEMES
COLUMNS = [name for name, _ in unitparts.COLUMNS[TABLE]]


def write_part(ws_path, rows: list[tuple]) -> str:
    """Write ``(unit_id, theme, score, label, evidence_idx)`` rows as a new part (nothing points
    at it yet: :func:`point` inside the transaction that replaces the units' results)."""
    return unitparts.write_part(ws_path, TABLE, rows)


def point(conn, unit_ids, part: str) -> None:
    """Inside a write transaction: the scores of ``unit_ids`` are those of ``part``."""
    unitparts.point(conn, TABLE, unit_ids, part)


def write(ws, rows) -> str:
    """Replace the scores of the units in ``rows`` (``(unit_id, theme, score, label,
    evidence_idx)``, every row of each unit) with these: a new part, then its units pointed at
    it in one write transaction. For scripts and tests; the tag stage writes its own parts."""
    rows = [tuple(r) for r in rows]
    part = write_part(ws.path, rows)
    with ws.transaction() as conn:
        point(conn, list(dict.fromkeys(r[0] for r in rows)), part)
    return part


def sorted_rows(ws) -> list[tuple]:
    """Every live ``(unit_id, theme, score, label, evidence_idx)`` of the workspace, sorted (for
    comparisons and tests)."""
    return sorted(tuple(r.values()) for r in table(ws).to_pylist())


def rows(ws, unit_ids) -> dict[str, list[tuple]]:
    """``{unit_id: [(theme, score, label, evidence_idx), ...]}`` of those of ``unit_ids`` that
    were scored (each unit's rows in theme order: a part is ordered by theme)."""
    return unitparts.read(ws, TABLE, list(unit_ids))


def labels(ws, unit_ids) -> dict[tuple[str, str], int]:
    """``{(unit_id, theme): tagger label}`` of ``unit_ids``."""
    got = unitparts.read(ws, TABLE, list(unit_ids), columns=("theme", "label"))
    return {(uid, theme): int(label or 0) for uid, rs in got.items() for theme, label in rs}


def unit_labels(ws, unit_ids) -> dict[str, dict[str, int]]:
    """``{unit_id: {theme: label}}`` of ``unit_ids``: the tagger's labels, a reviewer's correction
    (``theme_labels``) winning."""
    return labels_and_not_about(ws, unit_ids)[0]


def labels_and_not_about(ws, unit_ids) -> tuple[dict[str, dict[str, int]], dict[str, set[str]]]:
    """(:func:`unit_labels`, :func:`not_about`) of ``unit_ids``, the reviewers' labels read once."""
    unit_ids = list(dict.fromkeys(unit_ids))
    out: dict[str, dict[str, int]] = {}
    for (uid, theme), label in labels(ws, unit_ids).items():
        out.setdefault(uid, {})[theme] = label
    reviewed = reviewer_labels(ws, unit_ids)
    for uid, by_theme in reviewed.items():
        out.setdefault(uid, {}).update(by_theme)
    return out, _denied(reviewed)


def reviewer_labels(ws, unit_ids) -> dict[str, dict[str, int]]:
    """``{unit_id: {theme: label}}``: the reviewers' corrections (``theme_labels``) of ``unit_ids``."""
    unit_ids = list(dict.fromkeys(unit_ids))
    out: dict[str, dict[str, int]] = {}
    for i in range(0, len(unit_ids), 5000):
        for uid, theme, label in ws.conn.execute(
                "SELECT unit_id, theme, label FROM theme_labels WHERE unit_id IN (SELECT value FROM json_each(?))",
                (json.dumps(unit_ids[i:i + 5000]),)):
            out.setdefault(uid, {})[theme] = int(label or 0)
    return out


def not_about(ws, unit_ids) -> dict[str, set[str]]:
    """``{unit_id: themes}``: the themes a reviewer said each of ``unit_ids`` is not about (label 0)."""
    return _denied(reviewer_labels(ws, unit_ids))


def _denied(reviewed: dict[str, dict[str, int]]) -> dict[str, set[str]]:
    return {uid: {t for t, lab in by_theme.items() if lab == 0} for uid, by_theme in reviewed.items()}



def reviewed_frame(ws, frame, *, labelled_only: bool = False):
    """``frame`` (rows of :func:`frame`: ``unit_id``, ``theme``, ``label``, maybe ``score``) with a
    reviewer's correction (``theme_labels``) winning over the tagger's label, as in the units
    table and the app. ``labelled_only``: ``frame`` holds only the tagger's label-1 rows; the
    result holds only the label-1 rows after the corrections (a reviewer's 1 brings its score)."""
    import pandas as pd

    rev = pd.read_sql_query("SELECT unit_id, theme, label AS _reviewed FROM theme_labels", ws.conn)
    if rev.empty:
        return frame
    if labelled_only:
        touched = rev["unit_id"].unique().tolist()
        cols = [c for c in frame.columns if c != "unit_id"]
        full = pd.DataFrame([dict(zip(["theme", "score", "label", "evidence_idx"], r), unit_id=uid)
                             for uid, rs in rows(ws, touched).items() for r in rs],
                            columns=["unit_id", "theme", "score", "label", "evidence_idx"])
        frame = pd.concat([frame[~frame["unit_id"].isin(touched)], full[["unit_id"] + cols]], ignore_index=True)
    out = frame.merge(rev, on=["unit_id", "theme"], how="outer")
    out["label"] = out["_reviewed"].fillna(out["label"]).fillna(0).astype(int)
    out = out.drop(columns="_reviewed")
    return out[out["label"] == 1].reset_index(drop=True) if labelled_only else out

# The SQL condition (`` AND ...`` on quotes ``q``, the theme as its parameter) that keeps out of a
# theme's listing (copquotes quotes --theme, Triage, the app's Quotes page filtered on it) every
# quote whose unit a reviewer said is not about the theme (theme_labels, label 0): listed, it
# would show the theme (:func:`labelled_themes`) against the reviewer's word.
NOT_UNLABELLED = " AND q.unit_id NOT IN (SELECT unit_id FROM theme_labels WHERE theme = ? AND label = 0)"


def labelled_themes(themes, labels: dict[str, int], listed_under: str | None = None,
                    not_about=()) -> list[dict]:
    """The themes a quote is tagged with, the one rule of every channel (the app's chips, the
    Word, Markdown, CSV and JSONL exports, ``copquotes quotes``): of its span's theme scores
    ``themes`` (``[{theme, score[, source]}]``, best first), those a reviewer gave it and those
    its unit is labelled with (``labels``: :func:`unit_labels` of the unit), best first.

    ``listed_under``: the theme the quote is listed under (``copquotes quotes --theme``, the
    Triage shortlist of a theme, the app's Quotes page or export filtered on a theme): that theme
    is shown too whenever the span scores it, so a quote listed under a theme always shows it,
    with its score; ``"listed": True`` marks it when only the listing put it there (the quote's
    words touch on the theme, its unit is not tagged with it). A theme a reviewer took off the
    quote (:func:`copquotes.review.set_themes`) is no longer among its scores, so never shown.

    ``not_about``: the themes a reviewer said the quote's unit is not about (:func:`not_about`):
    never shown, even when a reviewer had given the quote the theme before, as a theme's listing
    never lists the quote (:data:`NOT_UNLABELLED`)."""
    out = []
    for t in themes:
        name = t.get("theme")
        if not name or name in not_about:
            continue
        if t.get("source") == "reviewer" or labels.get(name) == 1:
            out.append(t)
        elif name == listed_under:
            out.append({**t, "listed": True})
    return out


def quote_themes(ws, quotes, listed_under: str | None = None) -> list[list[dict]]:
    """:func:`labelled_themes` of each ``(unit_id, themes)`` of ``quotes`` (listed under
    ``listed_under``, if any), as records give them (``{theme, score}``, docs/DESIGN.md)."""
    quotes = list(quotes)
    uids = [uid for uid, _ in quotes]
    by_unit, denied = labels_and_not_about(ws, uids)
    return [[{"theme": t["theme"], "score": t.get("score")}
             for t in labelled_themes(themes, by_unit.get(uid, {}), listed_under, denied.get(uid, ()))]
            for uid, themes in quotes]


def scored_units(ws) -> list[str]:
    """The units the tag stage scored (a pointer to their scores), whole or not."""
    return [r[0] for r in ws.conn.execute("SELECT unit_id FROM unit_parts WHERE tbl = ?", (TABLE,))]


def table(ws, *, theme: str | None = None, label: int | None = None, columns=None):
    """Every live row of the workspace's scores as one ``pyarrow.Table`` (``columns``: a subset of
    ``unit_id, theme, score, label, evidence_idx``; ``theme`` / ``label``: only those rows).
    For a whole workspace's pass that need not hold every row at once, use :func:`parts`."""
    import pyarrow as pa

    cols = list(columns or COLUMNS)
    # (a part merged and removed under the reader: the pointers are read again)
    pieces = retrying(lambda: [data.select(cols) for _, data in parts(ws, theme=theme, label=label, columns=cols)])
    if pieces:
        return pa.concat_tables(pieces)
    schema = unitparts._schema(TABLE)
    return pa.table({c: pa.array([], type=schema.field(c).type) for c in cols})


def parts(ws, *, theme: str | None = None, label: int | None = None, columns=None, skip_lost: bool = False):
    """Yield ``(n_units, rows)`` part by part: how many units point at a part and their live rows
    (a ``pyarrow.Table`` with ``unit_id`` and ``columns``; ``theme`` / ``label``: only those rows).

    A row is live when its unit points at the part it is in (a unit scored again points at a
    newer part; its older rows stay until the part is merged or removed). A part all of whose
    units point at it (its metadata says how many it holds) is read as it is; the units pointing
    at any other part are read from the database and its rows filtered. Raises
    :class:`~copquotes.errors.WorkspaceError` when a part a unit points at cannot be read, and
    ``FileNotFoundError`` when a part was removed while it was being read (read again).
    ``skip_lost``: a part that cannot be read is left out (its units count as not scored, which
    the tag stage scores again), with a warning."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    cols = list(columns or COLUMNS)
    if "unit_id" not in cols:
        cols.insert(0, "unit_id")
    counts, ids = _pointers(ws)
    where = unitparts.folder(ws.path, TABLE)
    filters = [(k, "==", v) for k, v in (("theme", theme), ("label", label)) if v is not None]
    for part in sorted(counts):
        path = where / part
        try:
            data = pq.read_table(path, columns=cols, filters=filters or None, page_checksum_verification=True)
        except FileNotFoundError:
            if not ws.conn.execute("SELECT 1 FROM unit_parts WHERE tbl = ? AND part = ? LIMIT 1",
                                   (TABLE, part)).fetchone():
                raise               # merged and removed under the reader
            if skip_lost:
                log.warning("a theme scores file of %d units is missing; they count as not scored", counts[part])
                continue
            raise unitparts._unreadable(ws, path, FileNotFoundError("no such file")) from None
        except (OSError, ValueError) as exc:
            if skip_lost:
                log.warning("a theme scores file of %d units cannot be read; they count as not scored", counts[part])
                continue
            raise unitparts._unreadable(ws, path, exc) from exc
        if part in ids and data.num_rows:       # (a part other units left: its own units only)
            data = data.filter(pc.is_in(data["unit_id"], value_set=pa.array(ids.get(part, []), type=pa.string())))
        yield counts[part], data


def _pointers(ws) -> tuple[dict[str, int], dict[str, list[str]]]:
    """``({part: units pointing at it}, {part: their ids})``, the ids only for the parts that hold
    other units too (the rest are read whole), both from one snapshot of the database."""
    own = not ws.conn.in_transaction
    if own:
        ws.conn.execute("BEGIN")
    try:
        counts = dict(ws.conn.execute("SELECT part, COUNT(*) FROM unit_parts WHERE tbl = ? GROUP BY part", (TABLE,)))
        where = unitparts.folder(ws.path, TABLE)
        whole = set()
        for part, n in counts.items():
            try:
                if unitparts.part_units(where / part) == n:
                    whole.add(part)
            except (OSError, ValueError):       # gone or not whole: said when it is read
                pass
        ids: dict[str, list[str]] = {}
        if len(whole) < len(counts):
            cur = ws.conn.cursor()
            cur.row_factory = None
            for uid, part in cur.execute("SELECT unit_id, part FROM unit_parts WHERE tbl = ? AND part IN (SELECT"
                                         " value FROM json_each(?))", (TABLE, json.dumps(sorted(set(counts) - whole)))):
                ids.setdefault(part, []).append(uid)
    finally:
        if own:
            ws.conn.execute("COMMIT")
    return counts, ids


def retrying(read):
    """``read()``, again (up to three times) when a part was merged and removed under it."""
    for attempt in range(3):
        try:
            return read()
        except FileNotFoundError:
            if attempt == 2:
                raise


def frame(ws, **kwargs):
    """:func:`table` as a pandas DataFrame."""
    return table(ws, **kwargs).to_pandas()


def themes(ws) -> list[str]:
    """The themes the workspace's units are scored for, sorted."""
    import pyarrow.compute as pc

    key = state(ws)
    got = _THEMES.get(key)
    if got is None:
        def read():
            names: set[str] = set()
            for _, data in parts(ws, columns=["theme"], skip_lost=True):
                names.update(t for t in pc.unique(data["theme"]).to_pylist() if t is not None)
            return sorted(names)

        if len(_THEMES) > 16:
            _THEMES.clear()
        got = _THEMES[key] = retrying(read)
    return list(got)


_THEMES: dict = {}


def state(ws) -> tuple:
    """Changes whenever a unit's scores change (a pointer written or deleted): a cache of what
    :func:`table` reads holds until then."""
    row = ws.conn.execute("SELECT (SELECT value FROM meta WHERE key = 'created_at'),"
                          " (SELECT value FROM meta WHERE key = ?)", (unitparts.generation_key(TABLE),)).fetchone()
    return (str(ws.path), *row)
