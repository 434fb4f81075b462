"""What the review app reads, as plain functions on a workspace (no Streamlit here).

Every function pages in SQL (reading only the keys of a page, and pages past the middle
from the other end: :func:`page_keys`), reads the small aggregates the workspace stores
when the tag or topics stage is recorded done (:func:`aggregates`; reviewers' theme
corrections are applied on top), or, for the Themes page, ranks a theme's scores read from
their Parquet parts once and keeps the list of each view until the database changes
(:func:`theme_units`), or, for the Quotes page filtered on a theme, keeps the filtered quotes
in that theme's order (:func:`theme_ordered_ids`), so that a page answers in under a second
on 500,000 units; the app caches their results keyed by :func:`change_token`, which changes
whenever a stage, an ingest, a reviewer or the configuration writes.

Text rules (the app shows what these functions return, nothing else):

* quote and unit text is the anonymised text; text of a unit the anonymise stage has
  not processed comes back as ``None`` (the page says to run ``copquotes analyse``);
* text of a unit without quote consent (``consent`` is not 1) never comes back: the
  quote list reads through the consent-gated view ``quotable_units``, context turns
  and theme / topic examples are limited to ``consent = 1``;
* the original (verbatim) text comes back only from :func:`original_text`, which the
  app calls only for a reviewer who signed in with their own credential (see
  :mod:`copquotes.app.access`) and whom the workspace config ``show_original_for`` names;
* strings the pipeline derived from raw text (topic labels and keywords, flag reasons)
  are scrubbed of every string redacted anywhere in the workspace; the topic pictures draw
  the labels the disclosure layer shows, never the raw ones (:func:`figures`);
* survey question texts (export headers, never anonymised) are name-masked and scrubbed
  the same way (:func:`question_text`).
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ..disclosure import Disclosure, NameMask, identifier_terms, redacted_terms, scrub, workspace_names  # noqa: F401
from .. import adjustments, textsearch, themescores
from ..disclosure import redact_span, search_hidden_words
from ..disclosure import (SECONDARY_WORDS, SMALL_SPEAKERS, rollup_suppression, secondary_suppression,
                          small_cell_words, small_cells, table_suppression)
from ..questions import redacted_questions
from ..types import VOICE_SQL

STATUSES = ("pending", "approved", "edited", "rejected")
FLAG_FILTERS = ("any flag", "no flags", "hold")
HIDDEN_NO_CONSENT = "(hidden: this speaker did not agree to be quoted)"
CONFIG_SHOW_ORIGINAL = "show_original_for"
# a speaker matched to the roster by first name only: consent not confirmed, text shown only
# in the quote review (held quotes), not as theme or topic examples
CONSENT_CONFIRMED = "instr(COALESCE(u.extra_json, ''), '\"consent_match\"') = 0"

def change_token(ws) -> str:
    """Changes whenever anything the app shows may have changed (cheap: a few tiny tables)."""
    row = ws.conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'content_changed_at'),"
        " (SELECT value FROM meta WHERE key = 'review_changes'),"
        " (SELECT group_concat(name || '@' || done_at || '#' || fingerprint, ';') FROM stages),"
        " (SELECT group_concat(key || '=' || value, ';') FROM config),"
        " (SELECT COUNT(*) FROM units)").fetchone()
    return "|".join("" if v is None else str(v) for v in row)


def analysis_token(ws) -> str:
    """Changes when an ingest or an analysis stage writes (not on review actions): the key of
    the heavy aggregates, which review actions adjust cheaply (:func:`label_adjustments`)."""
    row = ws.conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'content_changed_at'),"
        " (SELECT group_concat(name || '@' || done_at || '#' || fingerprint, ';') FROM stages),"
        " (SELECT COUNT(*) FROM units)").fetchone()
    return "|".join("" if v is None else str(v) for v in row)


def options_token(ws) -> str:
    """The key of :func:`filter_options`: :func:`analysis_token`, and the count of reviewers' writes
    that add or remove a quote's flags (``meta.flag_changes``: an undone redaction flags the quotes
    over it "redaction_undone", an edit may raise a risk flag), not every review action."""
    flags = ws.conn.execute("SELECT value FROM meta WHERE key = 'flag_changes'").fetchone()
    return f"{analysis_token(ws)}|flags:{flags[0] if flags else 0}"


def question_text(ws, question, file_id, mask: "NameMask | None" = None, terms: set | None = None):
    """A survey question as the app shows it. Question texts come from the export's header
    and are not anonymised ("What could Jane Smith improve in her facilitation?"): the
    file's known names are masked and every string redacted anywhere in the workspace is
    scrubbed."""
    if not question:
        return question
    question = redacted_questions(ws, [str(question)]).get(str(question), question)   # the redactor's, once each
    text = workspace_names(ws, strict=True).mask((mask or NameMask(ws))(str(question), file_id))
    return scrub(text, redacted_terms(ws) if terms is None else terms)


def can_show_original(ws, reviewer: str | None) -> bool:
    """Whether the workspace config names this reviewer in ``show_original_for``."""
    names = ws.get_config(CONFIG_SHOW_ORIGINAL, []) or []
    if isinstance(names, str):
        names = [names]
    who = " ".join(str(reviewer or "").split()).casefold()
    return bool(who) and any(" ".join(str(n).split()).casefold() == who for n in names)


# ---------------------------------------------------------------------------------- overview
def aggregates(ws, *names: str) -> dict[str, list[list]]:
    """Rows of the workspace's small aggregates (:data:`copquotes.workspace.AGGREGATES`):
    the stored ones when current (the workspace refreshes them when the tag or topics stage
    is marked done and after an ingest), else counted now."""
    stored = ws.stored_aggregates(*names)
    if any(n not in stored for n in names):
        stored = _refreshed(ws, names)
    return {n: stored[n] if n in stored else ws.compute_aggregate(n) for n in names}


def _refreshed(ws, names) -> dict[str, list[list]]:
    """Stale aggregates (after an upgrade that counts them another way, or a write outside a stage)
    counted once and stored, so only the first view waits (seconds at 500,000 units), not every
    page; a database busy beyond its wait leaves them counted now, unstored."""
    try:
        ws.refresh_aggregates()
    except sqlite3.OperationalError:
        return {}
    return ws.stored_aggregates(*names)


def overview(ws) -> dict:
    """The workspace in numbers (the Overview page). What only an ingest or an analysis changes
    comes from the stored aggregates; the quotes per status (every review action) are counted from
    their index (:func:`quotes_by_status`)."""
    c = ws.conn

    def by(rows):
        return {("(none)" if k is None else k): n for k, n in rows}
    agg = aggregates(ws, "tagged_units", "units_by_consent", "units_by_source_kind", "quotable_units")
    consent = by(agg["units_by_consent"])
    return {
        "units": c.execute("SELECT COUNT(*) FROM units").fetchone()[0],
        "files": c.execute("SELECT COUNT(*) FROM files").fetchone()[0],
        "quotable_units": int(agg["quotable_units"][0][0]),
        "consent": {"yes": consent.get(1, 0), "no": consent.get(0, 0), "unknown": consent.get("(none)", 0)},
        "by_source_kind": by(agg["units_by_source_kind"]),
        "quotes_by_status": quotes_by_status(ws),
        "anonymised": c.execute("SELECT COUNT(*) FROM anon").fetchone()[0],
        "tagged": _tagged(agg),
        "theme_labels": c.execute("SELECT COUNT(*) FROM theme_labels").fetchone()[0],
        "stages": [dict(r) for r in c.execute("SELECT name, done_at, seconds FROM stages ORDER BY done_at")],
    }


def quotes_by_status(ws) -> dict[str, int]:
    """``{status: quotes}``, as the quote list counts them (consented units only), read from the quotes'
    status index alone (0.01-0.03 s at 160,000 quotes; joining each quote's unit to check its consent
    took 0.15-0.35 s after every decision). The database keeps every quote on a quotable unit: a quote
    of any other unit is refused (trigger ``quotes_need_consent_*``) and a unit's quotes are deleted
    when it stops being quotable (``consent_withdrawn``) or is removed (``ON DELETE CASCADE``)."""
    return {("(none)" if k is None else k): n for k, n in ws.conn.execute(
        "SELECT status, COUNT(*) FROM quotes GROUP BY status")}


def tagged_units(ws) -> int:
    """The units with theme scores (the stored aggregate; only an ingest or an analysis changes it:
    cache it on :func:`analysis_token`). The Themes page asks only this of the overview, whose
    count of the quotes per status reads every quote (0.3 s at 500,000 units)."""
    return _tagged(aggregates(ws, "tagged_units"))


def _tagged(agg: dict) -> int:
    rows = agg["tagged_units"]
    return int(rows[0][0]) if rows else 0


def label_base(ws) -> dict:
    """The tagger's labels counted per group, year and theme (``counts``), the units per group and
    year (``totals``), the distinct people (``people``: scope, grp, year, n) and the people with the
    theme (``people_counts``: scope, grp, year, theme, n) per cell of :func:`copquotes.types.cohort_cells`
    (a group and year, a group, a year, all), participants' voices only: read from the workspace's
    stored aggregates (tiny), counted now only when those are stale. Cache it on :func:`analysis_token`."""
    agg = aggregates(ws, "cohort_labels", "cohort_units", "cohort_speakers", "cohort_speaker_labels")
    counts = pd.DataFrame(agg["cohort_labels"], columns=["grp", "year", "theme", "n"])
    totals = pd.DataFrame(agg["cohort_units"], columns=["grp", "year", "n"])
    people = pd.DataFrame(agg["cohort_speakers"], columns=["scope", "grp", "year", "n"])
    said = pd.DataFrame(agg["cohort_speaker_labels"], columns=["scope", "grp", "year", "theme", "n"])
    return {"counts": counts.astype({"n": "int64"}), "totals": totals.astype({"n": "int64"}),
            "people": people.astype({"n": "int64"}), "people_counts": said.astype({"n": "int64"})}


def people_base_topics(ws) -> dict:
    """People and units per topic (``people``: topic, people, units; every unit, as the topic
    tables count) and the people with each theme per topic (``counts``: topic, theme, n), from the
    stored aggregates (cache it on :func:`analysis_token`)."""
    agg = aggregates(ws, "topic_speakers", "topic_speaker_labels")
    people = pd.DataFrame(agg["topic_speakers"], columns=["topic", "people", "units"])
    counts = pd.DataFrame(agg["topic_speaker_labels"], columns=["topic", "theme", "n"])
    return {"people": people.astype({"topic": "int64", "people": "int64", "units": "int64"}),
            "counts": counts.astype({"topic": "int64", "n": "int64"})}


def label_base_topics(ws) -> pd.DataFrame:
    """The tagger's labels counted per topic and theme (stored aggregate; cache it on
    :func:`analysis_token`)."""
    rows = aggregates(ws, "topic_labels")["topic_labels"]
    return pd.DataFrame(rows, columns=["topic", "theme", "n"]).astype({"topic": "int64", "n": "int64"})


def label_adjustments(ws) -> pd.DataFrame:
    """What reviewers' corrections change in the counts: ``d`` = reviewer label - tagger label
    per corrected unit and theme, with the unit's group, year and topic, and ``voice``: whether it
    is in a participant's voice (:func:`copquotes.types.is_voice`, what prevalence counts)."""
    got = pd.read_sql_query(
        f"SELECT u.grp, u.year, t.topic, tl.unit_id, tl.theme, tl.label, {VOICE_SQL} AS voice FROM theme_labels tl"
        " JOIN units u ON u.unit_id = tl.unit_id LEFT JOIN unit_topics t ON t.unit_id = tl.unit_id", ws.conn)
    tagger = themescores.labels(ws, got["unit_id"].unique().tolist()) if len(got) else {}
    got["d"] = [int(lab) - tagger.get((uid, th), 0) for uid, th, lab in zip(got["unit_id"], got["theme"], got["label"])]
    got["voice"] = got["voice"].astype(bool)
    return got.loc[got["d"] != 0, ["grp", "year", "topic", "theme", "d", "voice"]].reset_index(drop=True)


def prevalence(base: dict, adjustments: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Share of participants' units labelled with each theme (rows) per group or year (columns), in
    percent; the last column is over every such unit (``all``, or "All groups" / "All years" when a
    group or year is called "all": :func:`column_labels`; units without one are "(none)"). Consent
    does not matter for aggregate figures; a facilitator's or interviewer's prompt is not counted (:data:`copquotes.types.PROMPT_ROLES`)."""
    col = {"group": "grp", "year": "year"}.get(by)
    if col is None:
        raise ValueError("by must be 'group' or 'year'")
    parts = [base["counts"][[col, "theme", "n"]]]
    if not adjustments.empty:
        voiced = adjustments[adjustments["voice"]] if "voice" in adjustments.columns else adjustments
        parts.append(voiced[[col, "theme", "d"]].rename(columns={"d": "n"}))
    counts = pd.concat(parts, ignore_index=True)
    if counts.empty:
        return pd.DataFrame()
    names = {v for v in pd.concat([counts[col], base["totals"][col]]) if not pd.isna(v)}
    labels = column_labels(sorted(names, key=str), by)      # a group called "all" or "(none)" stays apart

    def named(values):
        return [labels[NO_NAME] if pd.isna(v) else labels[v] for v in values]
    counts[col] = named(counts[col])
    totals = base["totals"].assign(**{col: named(base["totals"][col])}).groupby(col)["n"].sum()
    table = counts.pivot_table(index="theme", columns=col, values="n", aggfunc="sum", fill_value=0)
    table.columns.name = None
    pct = table.apply(lambda s: 100.0 * s / max(int(totals.get(s.name, 0)), 1))
    pct[labels[TOTAL]] = 100.0 * table.sum(axis=1) / max(int(totals.sum()), 1)
    return pct.round(1).sort_values(labels[TOTAL], ascending=False)


def theme_prevalence(ws, by: str = "group") -> pd.DataFrame:
    """:func:`prevalence` straight from the workspace (no cache)."""
    return prevalence(label_base(ws), label_adjustments(ws), by)


ADJUSTMENT_COLUMNS = adjustments.COLUMNS


def people_adjustments(ws) -> pd.DataFrame:
    """What reviewers' corrections change in the counts of people (:func:`copquotes.adjustments.stored`:
    ``d`` per cell of :func:`copquotes.types.cohort_cells` and theme, and per topic and theme), as a
    frame with :data:`ADJUSTMENT_COLUMNS`: stored for the workspace's analysis and reviewers' labels
    as they are, so a first view after an analysis or a label reads a small row instead of the
    corrected units' labels in their Parquet parts."""
    return pd.DataFrame(adjustments.stored(ws), columns=ADJUSTMENT_COLUMNS)


PEOPLE_COLUMNS = ["theme", "column", "people", "said", "units", "share", "small", "total", "hidden"]

# the keys of the two columns that are no group or year: never a name (a name is a string), so a group
# called "all" or "(none)" keeps its own column; each is labelled for display by :func:`column_labels`
TOTAL, NO_NAME = ("all",), ("none",)


def column_labels(names, by: str) -> dict:
    """The label each column key shows: a group's or year's own name; "(none)" for units without
    one and "all" for the total, unless a real group or year has that name: then "(no group)",
    "All groups" (and so on), so no two columns ever show the same label."""
    taken = {str(n) for n in names}
    out = {n: n for n in names}
    for key, words in ((NO_NAME, ["(none)", f"(no {by})"]), (TOTAL, ["all", f"All {by}s"])):
        label, i = words[0], 0
        while label in taken:
            i += 1
            label = words[i] if i < len(words) else f"{words[-1]} ({i})"
        out[key] = label
        taken.add(label)
    return out


def _people_columns(base: dict, adjustments: pd.DataFrame, by: str) -> tuple[dict, dict, dict]:
    """The people table's counts per column key (a group or year, :data:`NO_NAME`, :data:`TOTAL`):
    ``{theme: {key: people with it}}`` (reviewers' corrections applied), ``{key: people}``,
    ``{key: units}``."""
    col = {"group": "grp", "year": "year"}[by]

    def key(scope, v):
        return TOTAL if scope == "all" else (NO_NAME if v is None or pd.isna(v) else v)

    def rows(frame, n):
        frame = frame[frame["scope"].isin([by, "all"])]
        return zip([key(s, v) for s, v in zip(frame["scope"], frame[col])], frame["theme"], frame[n])

    said: dict = {}
    for c, theme, n in rows(base["people_counts"], "n"):
        said.setdefault(theme, {})[c] = said.get(theme, {}).get(c, 0) + int(n)
    if not adjustments.empty:
        for c, theme, d in rows(adjustments, "d"):
            said.setdefault(theme, {})[c] = said.get(theme, {}).get(c, 0) + int(d)
    frame = base["people"][base["people"]["scope"].isin([by, "all"])]
    people: dict = {}
    for s, v, n in zip(frame["scope"], frame[col], frame["n"]):
        people[key(s, v)] = people.get(key(s, v), 0) + int(n)
    units: dict = {}
    for v, n in zip(base["totals"][col], base["totals"]["n"]):
        units[key(by, v)] = units.get(key(by, v), 0) + int(n)
        units[TOTAL] = units.get(TOTAL, 0) + int(n)
    return said, people, units


def _shown_parts(said: dict, people: dict, units: dict) -> dict:
    """A table row's parts (not the total) whose count is shown: neither small nor hidden by
    :func:`copquotes.disclosure.secondary_suppression` (``{key: k}``)."""
    small = {c: bool(small_cells(n, units.get(c, 0))) for c, n in people.items()}
    extra = secondary_suppression(small, people, total=TOTAL)
    return {c: int(said.get(c, 0)) for c in people if c != TOTAL and not small[c] and c not in extra}


def people_prevalence(base: dict, adjustments: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """The share of people (participants' voices) who said something about each theme, per group or
    year and over all (``total`` True; ``column`` its label, "all" unless a group or year has that
    name: :func:`column_labels`): tidy, one row per theme and column, with ``people``,
    ``said`` (people with at least one unit carrying the theme, reviewers' corrections applied:
    :func:`people_adjustments`), ``units`` (answers and turns), ``share`` (percent) and ``small``
    (:func:`copquotes.disclosure.small_cells`, as the researcher tables mark ``small_n``). A person
    counts once in each column: a group's people are the distinct people of all its years, a year's
    those of all its groups, "all" everyone once (the stored counts per cell of
    :func:`copquotes.types.cohort_cells`, never a sum of group-and-year cells), so the columns can
    add up to more than "all". That overlap must not give a theme's count of a few people away:
    ``hidden`` marks the total's count when the groups' (or the years': the Overview shows both
    tables) counts exceed it by 1 to 4, and then a part of a table that would give it back
    (:func:`copquotes.disclosure.rollup_suppression`)."""
    if by not in ("group", "year"):
        raise ValueError("by must be 'group' or 'year'")
    other = "year" if by == "group" else "group"
    said, people, units = _people_columns(base, adjustments, by)
    if not said or not people:
        return pd.DataFrame(columns=PEOPLE_COLUMNS)
    said_o, people_o, units_o = _people_columns(base, adjustments, other)
    labels = column_labels([c for c in people if c not in (TOTAL, NO_NAME)], by)
    order = sorted((c for c in people if c != TOTAL), key=lambda c: str(labels[c])) + [TOTAL]
    rows = []
    for theme in sorted(said):
        k, k_o = said[theme], said_o.get(theme, {})
        shown, shown_o = _shown_parts(k, people, units), _shown_parts(k_o, people_o, units_o)
        tables = {by: (shown, int(k.get(TOTAL, 0))), other: (shown_o, int(k_o.get(TOTAL, 0)))}
        gone = {by: set(people) - set(shown) - {TOTAL}, other: set(people_o) - set(shown_o) - {TOTAL}}
        hide_total, extra = rollup_suppression(tables, {by: people, other: people_o}, gone)
        hide = extra.get(by, set()) | ({TOTAL} if hide_total else set())
        for column in order:
            kk, n, u = int(k.get(column, 0)), int(people.get(column, 0)), int(units.get(column, 0))
            rows.append((theme, labels[column], n, kk, u, round(100.0 * kk / n, 1) if n else 0.0,
                         bool(small_cells(n, u)), column == TOTAL, column in hide))
    return pd.DataFrame(rows, columns=PEOPLE_COLUMNS)


def people_cell(said: int, people: int, units: int, share: float) -> str:
    """One cell of the app's prevalence table in plain words: the share and the people it is of,
    or why it must not be reported as a share (:func:`copquotes.disclosure.small_cell_words`)."""
    why = small_cell_words(people, units)
    # a small cell gives no number at all: its count of a few people may point to one of them
    return f"{share:.0f}% ({said:,} of {people:,} people)" if why is None else why


def people_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """:func:`people_prevalence` as the app shows it: themes (rows, the most said over all first) by
    column (the groups or years, then the total), each cell :func:`people_cell`, or
    :data:`copquotes.disclosure.SECONDARY_WORDS` where ``hidden``. The columns add up to the total
    (less anyone counted in two of them), so when a row hides exactly one small cell its next
    smallest cell is hidden too
    (:func:`copquotes.disclosure.secondary_suppression`): no hidden count follows by subtraction."""
    if tidy.empty:
        return pd.DataFrame()
    cells = tidy.assign(text=[SECONDARY_WORDS if h and not s else people_cell(k, n, u, sh) for k, n, u, sh, s, h in
                              zip(tidy["said"], tidy["people"], tidy["units"], tidy["share"], tidy["small"],
                                  tidy["hidden"])])
    total = tidy.loc[tidy["total"], "column"].iloc[0]
    for _, row in cells.groupby("theme"):
        hidden = dict(zip(row["column"], (row["small"] | row["hidden"]).astype(bool)))
        extra = secondary_suppression(hidden, dict(zip(row["column"], row["people"])), total=total)
        cells.loc[row.index[row["column"].isin(extra)], "text"] = SECONDARY_WORDS
    table = cells.pivot(index="theme", columns="column", values="text")
    order = tidy[tidy["total"]].sort_values(["share", "theme"], ascending=[False, True])["theme"]
    columns = list(dict.fromkeys(tidy["column"]))
    table = table.reindex(index=list(order), columns=[c for c in columns if c != total] + [total])
    table.index.name, table.columns.name = None, None
    return table


def theme_people(ws, by: str = "group") -> pd.DataFrame:
    """:func:`people_prevalence` straight from the workspace (no cache)."""
    return people_prevalence(label_base(ws), people_adjustments(ws), by)


_PICTURES_CACHE: dict = {}


REDRAW_MAX_UNITS = 20_000   # topic pictures drawn again in the app up to this many units


def figures(ws) -> list:
    """The topic pictures (:class:`copquotes.topics.Picture`: name and PNG bytes), topic map
    first, with the topic labels the disclosure layer shows now (never the raw labels): the
    topics stage's PNGs under ``WS/figures/`` while they were drawn with these labels, else
    drawn again in memory (kept until the analysis or the labels change; above
    :data:`REDRAW_MAX_UNITS` units none is shown until the next analysis run). HTML figures and
    any other image in the folder are never shown."""
    from .. import topics      # the topics package (its model code) loads only when pictures are asked for

    if ws.conn.execute("SELECT 1 FROM topic_info LIMIT 1").fetchone() is None:
        return []
    labels = topics.shown_labels(ws)
    pics = topics.stored_pictures(Path(ws.path) / "figures", labels)
    if pics is None:
        if ws.n_units() > REDRAW_MAX_UNITS:
            # drawing them again reads every unit's topic and theme scores (about 20 s at
            # 200,000 units): above this size they wait for the next analysis run, and none shows
            return []
        key = (str(ws.path), analysis_token(ws), tuple(sorted(labels.items())))
        pics = _PICTURES_CACHE.get(key)
        if pics is None:
            _PICTURES_CACHE.clear()
            pics = _PICTURES_CACHE[key] = topics.pictures(ws, labels)
    return sorted(pics, key=lambda p: (0 if "topic" in p.name and "map" in p.name else 1 if "topic" in p.name
                                       else 2, p.name))


# ---------------------------------------------------------------------------------- quotes
@dataclass(frozen=True)
class QuoteFilters:
    theme: str | None = None
    topic: int | None = None
    group: str | None = None
    year: str | None = None
    source_kind: str | None = None
    flags: str | None = None          # None, "any flag", "no flags", "hold", or a flag kind
    status: str | None = None         # None (all) or one of STATUSES
    search: str | None = None         # words in the anonymised / edited text

    def key(self) -> tuple:
        return tuple(sorted(asdict(self).items()))


def filter_options(ws) -> dict:
    """The choices of the quote filters: themes, the quotable units' groups, years and source kinds
    (the workspace's stored aggregate ``quotable_cohorts``; counted now, not stored, in a workspace
    whose aggregates were stored before it was one), topics and the quotes' flag kinds."""
    from ..review import theme_catalogue

    c = ws.conn
    combos = ws.stored_aggregates("quotable_cohorts").get("quotable_cohorts")
    if combos is None:
        combos = ws.compute_aggregate("quotable_cohorts")
    distinct = lambda i: sorted({r[i] for r in combos if r[i] is not None})  # noqa: E731
    gate = Disclosure(ws)
    topics = [(int(t), gate.aggregate(lbl)) for t, lbl in c.execute("SELECT topic, label FROM topic_info ORDER BY topic")]
    # (most quotes have no flag: their '[]' is not parsed)
    flag_kinds = [r[0] for r in c.execute(
        "SELECT DISTINCT json_extract(j.value, '$.kind') FROM quotes q, json_each(q.flags_json) j"
        " WHERE length(q.flags_json) > 2 ORDER BY 1") if r[0]]
    return {"themes": theme_catalogue(ws), "groups": distinct(0), "years": distinct(1),
            "source_kinds": distinct(2), "topics": topics, "flag_kinds": flag_kinds,
            "statuses": list(STATUSES)}


# what a page keeps in its address (query parameters), so a reload comes back to it: choices among
# the workspace's own options only (themes, statuses, metadata), never typed words or quote text
URL_PARAMS = {
    "triage": {"theme": "tr_theme"},
    "quotes": {"theme": "f_theme", "status": "f_status", "flags": "f_flags", "topic": "f_topic", "group": "f_group",
               "year": "f_year", "kind": "f_kind", "page": "q_page"},
}


def url_options(opts: dict) -> dict[str, list]:
    """The values each address parameter may take, from :func:`filter_options`."""
    return {"theme": list(dict(opts["themes"])), "status": list(opts["statuses"]),
            "flags": list(FLAG_FILTERS) + list(opts["flag_kinds"]), "topic": [t for t, _ in opts["topics"]],
            "group": list(opts["groups"]), "year": list(opts["years"]), "kind": list(opts["source_kinds"])}


def url_restore(page: str, params: dict, options: dict[str, list]) -> dict:
    """``{widget key: value}`` to restore from a page's address parameters ``params``: only
    values among ``options`` (anything else in an address is ignored); ``page`` a positive number."""
    out = {}
    for name, key in URL_PARAMS.get(page, {}).items():
        raw = params.get(name)
        if raw is None:
            continue
        raw = str(raw)
        if name == "page":
            if raw.isdigit() and 0 < int(raw) < 10 ** 6:
                out[key] = int(raw)
            continue
        match = [v for v in options.get(name, []) if str(v) == raw]
        if match:
            out[key] = match[0]
    return out


def url_params(page: str, values: dict, unset=None) -> dict[str, str]:
    """A page's address parameters from its widget ``values`` (``unset``: the "all" choice,
    left out; page 1 too)."""
    out = {}
    for name, key in URL_PARAMS.get(page, {}).items():
        v = values.get(key)
        if v is None or v == unset or (name == "page" and int(v) <= 1):
            continue
        out[name] = str(v)
    return out


def _quote_where(f: QuoteFilters, ws=None) -> tuple[str, list]:
    where, params = [], []
    if f.theme:
        # instr() is a cheap pre-filter; json_each() decides; never a quote whose unit a reviewer
        # said is not about the theme (themescores.NOT_UNLABELLED: as a theme's shortlist)
        where.append("instr(q.themes_json, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(q.themes_json) j"
                     " WHERE json_extract(j.value, '$.theme') = ?)" + themescores.NOT_UNLABELLED)
        params += [json.dumps(f.theme), f.theme, f.theme]
    if f.topic is not None:
        where.append("q.unit_id IN (SELECT unit_id FROM unit_topics WHERE topic = ?)")
        params.append(int(f.topic))
    for col, val in (("u.grp", f.group), ("u.year", f.year), ("u.source_kind", f.source_kind)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if f.status:
        where.append("q.status = ?")
        params.append(f.status)
    if f.flags == "any flag":
        where.append("json_array_length(q.flags_json) > 0")
    elif f.flags == "no flags":
        where.append("json_array_length(q.flags_json) = 0")
    elif f.flags == "hold":
        where.append("EXISTS (SELECT 1 FROM json_each(q.flags_json) j WHERE json_extract(j.value, '$.severity') = 'hold')")
    elif f.flags:
        where.append("EXISTS (SELECT 1 FROM json_each(q.flags_json) j WHERE json_extract(j.value, '$.kind') = ?)")
        params.append(f.flags)
    if f.search and f.search.strip():
        # the full-text index over the anonymised text and the edits (copquotes.textsearch):
        # every word required, a word matches the words it starts; a hidden word matches nothing
        if ws is None:
            raise ValueError("a text search needs the workspace")
        textsearch.ensure_index(ws)
        expr = textsearch.match_expression(f.search, search_hidden_words(ws))
        if expr is textsearch.NOTHING:
            where.append("0")
        elif expr:
            where.append(f"q.quote_id IN ({textsearch.matching_ids_sql()})")
            params.append(expr)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def page_keys(conn, select: str, params: list, order: str, reverse: str, total: int, page: int,
              page_size: int, keyset: tuple[str, str] | None = None, anchors_key=None) -> list:
    """The first column of rows ``(page - 1) * page_size ...`` of ``select ORDER BY order``.

    ``total`` is how many rows ``select`` gives and ``reverse`` is ``order`` backwards (ties
    broken by a unique key): a page in the second half is read from the end, so no page
    makes SQLite step over more than half the rows (an OFFSET reads what it skips). Only
    keys are read; the caller fetches the page's few rows by key.

    Keyset paging: with ``keyset = (score, key)`` (``order`` is ``score DESC, key`` on a score
    that is never NULL, ``select`` returns the key and then the score and ends in a WHERE
    clause) and ``anchors_key`` (a key that changes whenever the rows may change:
    :func:`rows_state`), the first and last rows of every page read are kept,
    and a page is read from the nearest of them (``score < s OR score = s AND key > k``, in
    the index) instead of from either end: the next or previous page skips no row at all.
    """
    start = (page - 1) * page_size
    n = max(0, min(page_size, total - start))
    if n == 0:
        return []
    end = start + n
    rest = total - end                       # rows after this page
    anchors = _page_anchors(anchors_key, select, params) if keyset and anchors_key is not None else None
    # (rows skipped, direction, anchor position or None)
    plans = [(start, 1, None), (rest, -1, None)]
    for pos in (anchors or {}):
        if pos < start:
            plans.append((start - pos - 1, 1, pos))
        elif pos >= end:
            plans.append((pos - end, -1, pos))
    skip, direction, pos = min(plans, key=lambda p: p[0])
    sql, args = select, list(params)
    if pos is not None:
        score, key = keyset
        a_key, a_score = anchors[pos]
        if direction == 1:     # rows after the anchor in ``order``
            sql += f" AND {score} <= ? AND ({score} < ? OR {key} > ?)"
        else:                  # rows before it
            sql += f" AND {score} >= ? AND ({score} > ? OR {key} < ?)"
        args += [a_score, a_score, a_key]
    rows = conn.execute(f"{sql} ORDER BY {order if direction == 1 else reverse} LIMIT ? OFFSET ?",
                        [*args, n, skip]).fetchall()
    if direction == -1:
        rows = rows[::-1]
    if anchors is not None and len(rows) == n and rows[0][1] is not None and rows[-1][1] is not None:
        anchors[start] = (rows[0][0], rows[0][1])
        anchors[end - 1] = (rows[-1][0], rows[-1][1])
    return [r[0] for r in rows]


_ANCHORS: dict = {}


def rows_state(ws) -> tuple:
    """Changes whenever this connection or another one writes to the database (any stage,
    ingest or reviewer): the kept page boundaries of :func:`page_keys` and the kept theme lists
    hold only until then. The connection's write and commit counters start again with each
    connection, so each workspace object gets a number of its own, never used again (not its
    ``id()``, which Python gives to a later object once this one is gone)."""
    token = ws.__dict__.get("_app_rows_token")
    if token is None:
        token = ws.__dict__.setdefault("_app_rows_token", next(_ROWS_TOKENS))
    return (str(ws.path), token, ws.conn.total_changes,
            ws.conn.execute("PRAGMA data_version").fetchone()[0])


_ROWS_TOKENS = itertools.count(1)
MAX_ANCHORED_LISTS = 64


def _page_anchors(anchors_key, select: str, params: list) -> dict:
    """``{row position: (key, score)}`` known for this list while ``anchors_key`` holds."""
    key = (anchors_key, select, json.dumps(list(params), default=str))
    got = _ANCHORS.get(key)
    if got is None:
        if len(_ANCHORS) >= MAX_ANCHORED_LISTS:
            _ANCHORS.clear()
        got = _ANCHORS[key] = {}
    return got


def rows_in_order(conn, sql: str, params: list, keys: list, key: str) -> list[dict]:
    """Rows of ``sql`` (which ends in ``... IN (SELECT value FROM json_each(?))``, given the
    keys as a JSON list after ``params``) in the order of ``keys``."""
    if not keys:
        return []
    order = {k: i for i, k in enumerate(keys)}
    return sorted((dict(r) for r in conn.execute(sql, [*params, json.dumps(keys)])), key=lambda r: order[r[key]])


def quotes_page(ws, filters: QuoteFilters, page: int = 1, page_size: int = 10) -> tuple[list[dict], int]:
    """One page of quotes matching ``filters``, and how many match in all: best score first, or,
    filtered on a theme, best for that theme first (:func:`theme_ordered_ids`).

    Consented units only. Each quote: ``display_text`` (the reviewer's edit or the
    suggested light edit, else the anonymised span; ``None`` when the unit was not
    anonymised), ``anon_text`` (the anonymised span), themes, score parts, flags (with
    the anonymised flagged words), attribution, status, version, metadata and topic.
    """
    where, params = _quote_where(filters, ws)
    base = QUOTES_FROM + (where or " WHERE 1")
    page_size = max(1, int(page_size))
    if filters.theme:
        ids, total = _theme_page(ws, filters, base, params, int(page), page_size)
        return quote_rows(ws, ids, filters.theme), total
    total = ws.conn.execute("SELECT COUNT(*)" + base, params).fetchone()[0]
    page = min(max(1, int(page)), max(1, math.ceil(total / page_size)))
    ids = page_keys(ws.conn, "SELECT q.quote_id, q.score" + base, params, "q.score DESC, q.quote_id",
                    "q.score ASC, q.quote_id DESC", total, page, page_size, keyset=("q.score", "q.quote_id"),
                    anchors_key=rows_state(ws))
    return quote_rows(ws, ids), total


QUOTES_FROM = " FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
# A page of a theme filter at most THEME_TOP_DEPTH quotes deep, of more than THEME_WHOLE_BELOW
# filtered quotes, is read best first from the index (readers.theme_top_ids: the relevances of the
# few hundred quotes that can be on it), not by ranking every filtered quote (0.6-1.3 s for a
# theme's 50,000 quotes at 500,000 units, the first time): both give the same order.
THEME_TOP_DEPTH = 1000
THEME_WHOLE_BELOW = 5000


def _theme_page(ws, f: QuoteFilters, base: str, params: list, page: int, size: int) -> tuple[list[str], int]:
    """``(ids, total)``: page ``page`` of the quotes filtered on ``f`` (a theme among them), best for
    the theme first (:func:`theme_ordered_ids`), and how many there are. What is read is kept under
    :func:`theme_filter_state` (not under every write): after a reviewer's decision or edit the
    same filter's pages are slices of what was kept (each quote's status is read with its page)."""
    from ..quotes import readers

    state = theme_filter_state(ws, f)
    key = (state, f.theme, base, json.dumps(list(params), default=str))
    ordered = _THEME_ORDERS.get(key)
    if ordered is None and max(1, page) * size <= THEME_TOP_DEPTH:
        kept = _THEME_TOPS.get(key)
        total = kept[0] if kept else ws.conn.execute("SELECT COUNT(*)" + base, params).fetchone()[0]
        page = min(max(1, page), max(1, math.ceil(total / size)))
        if total >= THEME_WHOLE_BELOW:
            top = kept[1] if kept and len(kept[1]) >= min(page * size, total) else None
            if top is None:
                def keep(ids: list[str]) -> set[str]:
                    return {r[0] for r in ws.conn.execute(
                        f"SELECT q.quote_id{base} AND q.quote_id IN (SELECT value FROM json_each(?))",
                        [*params, json.dumps(ids)])}
                top = readers.theme_top_ids(ws, f.theme, page * size, [f.status] if f.status else list(STATUSES),
                                            keep)
                _keep_if_current(ws, f, state, _THEME_TOPS, key, (total, top))
            return top[(page - 1) * size:page * size], total
    if ordered is None:
        ordered = theme_ordered_ids(ws, f.theme, base, params, filters=f)
    page = min(max(1, page), max(1, math.ceil(len(ordered) / size)))
    return ordered[(page - 1) * size:page * size], len(ordered)


def theme_filter_state(ws, f: QuoteFilters) -> tuple:
    """What can change which quotes a theme filter ``f`` keeps and their order, and nothing else:
    an ingest or an analysis (:func:`analysis_token`: units, consent, topics, quotes re-run), any
    quote's numbers or themes (:func:`quote_numbers`), a quote removed (the count of quotes), the
    units labelled not about the theme (``theme_labels``), the quotes' flags (``flag_changes``) and
    the scoring's theme weight. A reviewer's decision or edit changes none of these, so the theme's
    list is kept across it. A filter on a status or on words (which a decision or an edit changes)
    is kept only until the next write (:func:`rows_state`)."""
    from ..quotes import readers

    if f.status or (f.search and f.search.strip()):
        return rows_state(ws)
    row = ws.conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'quote_numbers'), (SELECT COUNT(*) FROM quotes),"
        " (SELECT value FROM meta WHERE key = 'flag_changes'),"
        " (SELECT COUNT(*) || ':' || COALESCE(group_concat(unit_id, ','), '') FROM"
        "  (SELECT unit_id FROM theme_labels WHERE theme = ? AND label = 0 ORDER BY unit_id))",
        (f.theme,)).fetchone()
    denied = hashlib.sha256(str(row[3]).encode()).hexdigest()
    return (str(ws.path), analysis_token(ws), row[0], row[1], row[2], denied, readers.theme_weight(ws))


def _keep_if_current(ws, f: QuoteFilters, state: tuple, store: dict, key, value) -> None:
    """Keep ``value`` under ``key`` unless the state read before it was read has changed since
    (another process wrote between the reads: what was read may mix both)."""
    if theme_filter_state(ws, f) == state:
        _keep(store, key, value)


def _keep(store: dict, key, value) -> None:
    if len(store) >= MAX_RANKED_THEMES * 2:
        store.clear()
    store[key] = value


def theme_ordered_ids(ws, theme: str, base: str, params: list, filters: QuoteFilters | None = None) -> list[str]:
    """The quote ids of ``SELECT q.quote_id`` + ``base`` (``FROM quotes q ... WHERE ...``: the
    quotes a filter on ``theme`` keeps) best for ``theme`` first: by the relevance a theme's
    shortlist ranks on (:func:`copquotes.quotes.readers.relevance`, as ``copquotes quotes
    --theme T`` and the Triage page rank before choosing for diversity), then by id.

    The list is kept until the database changes (:func:`rows_state`), or, given the ``filters`` that
    ``base`` and ``params`` are of, while :func:`theme_filter_state` holds (a decision leaves it), so
    a page turn is a slice
    of it (each quote on exactly one page); each quote's relevance is kept while no quote's
    numbers are written (:func:`_theme_relevances`), so after a review action the list is one
    read of the filtered rows' ids (what counting them costs) and a sort."""
    f = QuoteFilters(theme=theme) if filters is None else filters
    state = rows_state(ws) if filters is None else theme_filter_state(ws, f)
    key = (state, theme, base, json.dumps(list(params), default=str))
    got = _THEME_ORDERS.get(key)
    if got is None:
        rel = _theme_relevances(ws, theme, base, params)
        got = [qid for _, qid in sorted((-r, qid) for qid, r in rel.items())]
        if filters is None:
            _keep(_THEME_ORDERS, key, got)
        else:
            _keep_if_current(ws, f, state, _THEME_ORDERS, key, got)
    return got


_NUMBERS = ("q.quote_id, q.score, q.themes_json, json_extract(q.parts_json, '$.safety'),"
            " json_extract(q.parts_json, '$.standalone'), json_extract(q.parts_json, '$.theme')")


def _theme_relevances(ws, theme: str, base: str, params: list) -> dict[str, float]:
    """``{quote_id: relevance to theme}`` of the quotes ``SELECT ...`` + ``base`` keeps; each
    computed once while no quote's numbers (score, themes, score parts) have been written since
    (the token ``quote_numbers`` that the database's triggers change on any such write). At 500,000
    units a theme's 50,000 quotes take 0.3 s to compute, 0.05 s to look up, and reading their
    numbers again (as JSON) a quarter of the filtered read: after a review action that leaves
    them (a decision, an edit, a label) the filtered quotes' ids are read, and the numbers of
    those not seen before."""
    from ..quotes import readers

    w = readers.theme_weight(ws)
    # (the token is random, never the same for two states of the numbers: a folder restored from
    # a copy and written again has another, however many writes each side counted)
    numbers = quote_numbers(ws)
    key = (str(ws.path), theme, w, numbers)
    memo = _RELEVANCES.get(key)
    if memo is None:
        if len(_RELEVANCES) >= MAX_RANKED_THEMES:
            _RELEVANCES.clear()
        memo = _RELEVANCES[key] = {}
    cur = ws.conn.cursor()
    cur.row_factory = None
    if not memo:         # nothing kept: every filtered quote's numbers in one read
        rows = cur.execute(f"SELECT {_NUMBERS}" + base, params).fetchall()
        listed = [r[0] for r in rows]
    else:                # the ids; the numbers of those not seen before
        listed = [r[0] for r in cur.execute("SELECT q.quote_id" + base, params)]
        new = [qid for qid in listed if qid not in memo]
        rows = cur.execute(f"SELECT {_NUMBERS} FROM quotes q WHERE q.quote_id IN (SELECT value FROM json_each(?))",
                           (json.dumps(new),)).fetchall() if new else []
    for qid, score, themes, safety, alone, part in rows:
        s = readers.theme_scores(themes).get(theme)
        memo[qid] = 0.0 if s is None else readers.relevance(score, safety, alone, part, float(s), w)
    if quote_numbers(ws) != numbers:
        # another process wrote numbers between these reads (each its own snapshot): what was
        # read is not kept under the token read before them
        _RELEVANCES.pop(key, None)
    # (a quote listed, then deleted by another process before its numbers were read, is gone)
    return {qid: memo[qid] for qid in listed if qid in memo}


def quote_numbers(ws) -> str:
    """A token that changes whenever a quote's score, themes or score parts are written (schema
    17's triggers on ``quotes``; random, so never the same for two states); ``""`` before any."""
    row = ws.conn.execute("SELECT value FROM meta WHERE key = 'quote_numbers'").fetchone()
    return str(row[0]) if row else ""


_THEME_ORDERS: dict = {}
_THEME_TOPS: dict = {}      # (total, the first ids) of a theme filter's first pages
_RELEVANCES: dict = {}


_SOURCES_CACHE: dict = {}


def review_stable_terms(ws) -> set[str]:
    """:func:`~copquotes.disclosure.identifier_terms` keyed on what they are made of (the
    redactions and their states, the files' identifiers, the units' content), not on the
    review change counter: an approval or a rejection does not count every redaction again
    (:func:`copquotes.disclosure.redacted_terms`)."""
    return redacted_terms(ws)


def source_pseudonyms(ws) -> dict:
    """:meth:`Disclosure.sources` (``{file id: pseudonym}``), counted once per
    :func:`analysis_token` (only an ingest changes the files): a triage decision redraws one
    quote and must not count every unit per file again."""
    key = (str(ws.path), analysis_token(ws))
    hit = _SOURCES_CACHE.get(key)
    if hit is None:
        _SOURCES_CACHE.clear()
        hit = _SOURCES_CACHE[key] = Disclosure(ws).sources()
    return dict(hit)


def quote_rows(ws, ids: list[str], theme: str | None = None) -> list[dict]:
    """The quotes ``ids`` (consented units only), in that order, ready to show; ``theme``: the
    theme they are listed under (a filter, a theme's shortlist), which each of them shows.

    Each quote: ``display_text`` (the reviewer's edit or the suggested light edit, else the
    anonymised span; ``None`` when the unit was not anonymised), ``anon_text`` (the anonymised
    span), ``themes`` (every score), ``labelled`` (the themes the quote is tagged with: the
    tagger's labels of its unit, reviewers' corrections and themes a reviewer added, and ``theme``:
    :func:`copquotes.themescores.labelled_themes`), score
    parts, flags (with the anonymised flagged words), attribution, status, version, metadata
    and topic.
    """
    if not ids:
        return []
    rows = rows_in_order(
        ws.conn,
        'SELECT q.quote_id, q.unit_id, q.start, q."end", q.text, q.edited_text, q.suggested_text, q.score,'
        " q.parts_json, q.themes_json, q.attribution, q.flags_json, u.speaker_key, q.status, q.version, q.updated_at,"
        " q.updated_by, u.grp, u.year, u.source_kind, u.question, u.speaker_role, u.file_id, u.position,"
        " t.topic, EXISTS (SELECT 1 FROM anon a WHERE a.unit_id = q.unit_id) AS anonymised"
        " FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
        " LEFT JOIN unit_topics t ON t.unit_id = q.unit_id"
        " WHERE q.quote_id IN (SELECT value FROM json_each(?))", [], list(ids), "quote_id")
    if not rows:
        return []
    uids = json.dumps(sorted({r["unit_id"] for r in rows}))
    texts = dict(ws.conn.execute("SELECT unit_id, text FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                                 (uids,)).fetchall())
    reds: dict[str, list] = {}
    for uid, s, e, k, src in ws.conn.execute(
            'SELECT unit_id, start, "end", kind, source FROM redactions WHERE status != \'undone\''
            " AND unit_id IN (SELECT value FROM json_each(?))", (uids,)):
        reds.setdefault(uid, []).append((s, e, k, src))
    tagged, denied = themescores.labels_and_not_about(ws, json.loads(uids))
    terms = None   # counted at most once a page (its cache key alone is four scans of the redactions)
    mask = NameMask(ws)
    sources = source_pseudonyms(ws)
    gate = Disclosure(ws)
    out = []
    for r in rows:
        anonymised = bool(r.pop("anonymised"))
        fid = r["file_id"]
        # the keyed pseudonym the exports and quote records give (disclosure/speakers.py)
        r["speaker"] = gate.speaker(fid, r.pop("speaker_key"), r["unit_id"])
        r["document"] = sources.get(fid, "source")      # the source's pseudonym, never its file name
        flags = []
        for fl in json.loads(r.pop("flags_json") or "[]"):
            fl = dict(fl)
            s, e = fl.get("start"), fl.get("end")
            text = texts.get(r["unit_id"], "")
            if anonymised and isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
                fl["text"] = mask(redact_span(text, reds.get(r["unit_id"], []), s, e), fid)
            else:
                fl["text"] = None
            if terms is None:
                terms = review_stable_terms(ws)
            fl["reason"] = scrub(mask(fl.get("reason") or "", fid), terms)
            flags.append(fl)
        r["flags"] = flags
        if r["question"] and terms is None:
            terms = review_stable_terms(ws)
        r["question"] = question_text(ws, r["question"], fid, mask, terms if r["question"] else None)
        r["themes"] = json.loads(r.pop("themes_json") or "[]")
        r["labelled"] = themescores.labelled_themes(r["themes"], tagged.get(r["unit_id"], {}), theme,   # every channel's rule
                                                    denied.get(r["unit_id"], ()))
        r["parts"] = json.loads(r.pop("parts_json") or "{}")
        r["anonymised"] = anonymised
        if anonymised:
            r["anon_text"] = mask(r.pop("text"), fid)
            r["edited_text"] = mask(r["edited_text"], fid)
            r["display_text"] = r["edited_text"] or mask(r.pop("suggested_text"), fid) or r["anon_text"]
        else:
            r.pop("text"), r.pop("suggested_text")
            r["edited_text"] = None
            r["anon_text"] = r["display_text"] = None
        out.append(r)
    return out


def _filtered_where(ws, filters: QuoteFilters, statuses: tuple[str, ...] | None) -> tuple[str, list]:
    """:func:`_quote_where` of ``filters``, narrowed to ``statuses`` when given."""
    where, params = _quote_where(filters, ws)
    if statuses:
        where += (" AND " if where else " WHERE ") + f"q.status IN ({','.join('?' * len(statuses))})"
        params = [*params, *statuses]
    return where, params


def filtered_quote_ids(ws, filters: QuoteFilters, limit: int | None = None,
                       statuses: tuple[str, ...] | None = None) -> list[str]:
    """Every quote id matching ``filters`` (and one of ``statuses``; consented units only), in the
    Quotes page's order: best score first, or best for the theme filtered on first."""
    where, params = _filtered_where(ws, filters, statuses)
    if filters.theme:
        ordered = theme_ordered_ids(ws, filters.theme, QUOTES_FROM + where, params,
                                    filters=None if statuses else filters)
        return ordered[:int(limit)] if limit else list(ordered)
    sql = "SELECT q.quote_id" + QUOTES_FROM + where
    sql += " ORDER BY q.score DESC, q.quote_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in ws.conn.execute(sql, params)]


def count_filtered(ws, filters: QuoteFilters, statuses: tuple[str, ...] | None = None) -> int:
    """How many quotes match ``filters`` (and have one of ``statuses``): one COUNT query."""
    where, params = _filtered_where(ws, filters, statuses)
    return ws.conn.execute("SELECT COUNT(*)" + QUOTES_FROM + where, params).fetchone()[0]


HELD_SQL = ("q.status != 'approved' AND EXISTS (SELECT 1 FROM json_each(q.flags_json) j"
            " WHERE json_extract(j.value, '$.severity') = 'hold')")   # disclosure.is_held, in SQL


def export_count(ws, filters: QuoteFilters, statuses: tuple[str, ...] | None = None) -> tuple[int, int]:
    """``(written, held)``: how many quotes matching ``filters`` (and ``statuses``) an export writes,
    and how many more match but are held (a hold flag no reviewer cleared by approving: an export
    leaves them out, :func:`copquotes.disclosure.is_held`). One COUNT query."""
    where, params = _filtered_where(ws, filters, statuses)
    total, held = ws.conn.execute(
        f"SELECT COUNT(*), COALESCE(SUM({HELD_SQL}), 0)" + QUOTES_FROM + where, params).fetchone()
    return int(total) - int(held), int(held)


def export_quote_ids(ws, filters: QuoteFilters, statuses: tuple[str, ...] | None = None) -> list[str]:
    """The quotes an export of ``filters`` writes (held ones left out), in the Quotes page's order
    (best score first, or best for the theme filtered on first): as many as :func:`export_count` says."""
    where, params = _filtered_where(ws, filters, statuses)
    where += (" AND " if where else " WHERE ") + f"NOT ({HELD_SQL})"
    if filters.theme:
        return list(theme_ordered_ids(ws, filters.theme, QUOTES_FROM + where, params))
    return [r[0] for r in ws.conn.execute(
        "SELECT q.quote_id" + QUOTES_FROM + where + " ORDER BY q.score DESC, q.quote_id", params)]


def quote_statuses(ws, ids: list[str]) -> dict[str, tuple[str, int]]:
    """``{quote id: (status, version)}`` of the quotes ``ids`` that still exist (consented)."""
    if not ids:
        return {}
    return {r[0]: (r[1], int(r[2])) for r in ws.conn.execute(
        "SELECT q.quote_id, q.status, q.version FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
        " WHERE q.quote_id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}


TRIAGE_BATCH = 50


def decided_count(ws) -> int:
    """How many stored quotes have a decision (counted in the index on status)."""
    from ..quotes import storage

    return storage.decided_count(ws)


def pending_decisions(ws) -> int:
    """Decisions made since the last re-rank: what a triage decision checks to start one."""
    from ..quotes import learning

    return learning.pending_decisions(ws)


def triage_order(ws, theme: str | None = None, top: int = TRIAGE_BATCH) -> list[str]:
    """Quote ids still to decide, in the order of the shortlist
    ``copquotes quotes [--theme T] --status pending --top N`` gives (the same function:
    :func:`copquotes.quotes.shortlist`): ranked by score without a theme, chosen by maximal
    marginal relevance within one. The app computes it once per analysis and once per re-rank
    from decisions (:mod:`copquotes.quotes.learning`, in the background after a batch of
    decisions), never after each single decision. Held quotes are in it: a reviewer's approval
    is what clears them (``--include-held``)."""
    from ..quotes.readers import shortlist_ids

    return shortlist_ids(ws, theme=theme, top=int(top), status="pending", include_held=True)


def context_turns(ws, unit_id: str, before: int = 2, after: int = 2) -> list[dict]:
    """The turns around a unit in its file, anonymised; a turn whose speaker did not agree
    to be quoted is replaced by a notice (only its role and pseudonym are shown).
    ``speaker``: the keyed pseudonym a quote of that person carries (``P-...``, as in the quote
    records and exports: :meth:`Disclosure.speaker`), so one person has one pseudonym on every page."""
    row = ws.conn.execute("SELECT file_id, position FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        return []
    mask = NameMask(ws)
    gate = Disclosure(ws)
    out = []
    for r in ws.conn.execute(
            "SELECT u.unit_id, u.position, u.speaker_key, u.speaker_role, u.consent, u.question, a.text AS anon"
            " FROM units u LEFT JOIN anon a ON a.unit_id = u.unit_id"
            " WHERE u.file_id = ? AND u.position BETWEEN ? AND ? ORDER BY u.position",
            (row[0], row[1] - before, row[1] + after)):
        d = dict(r)
        d["speaker"] = gate.speaker(row[0], d.pop("speaker_key"), d["unit_id"])
        if d["consent"] != 1:
            d["text"] = HIDDEN_NO_CONSENT
        elif d["anon"] is None:
            d["text"] = None
        else:
            d["text"] = mask(d["anon"], row[0])
        del d["anon"], d["consent"]
        d["question"] = question_text(ws, d["question"], row[0], mask)
        d["is_self"] = d["unit_id"] == unit_id
        out.append(d)
    return out


def redaction_line(r: dict, show_original: bool = False) -> str:
    """One redaction of :func:`copquotes.review.redactions` as the Redactions tab lists it: its
    placeholder, kind and who made it. Never its offsets (their difference is the hidden word's
    length); its original words only for a reviewer allowed to see originals."""
    source = str(r.get("source") or "")
    who = ("redacted by " + source.split(":", 1)[1]) if source.startswith("reviewer:") else "found automatically"
    if r.get("status") == "undone":
        who += ", undone"
    line = f"{r['placeholder']} ({r['kind']}, {who})"
    if show_original and r.get("original"):
        line += f": {r['original']}"
    return line


def original_text(ws, quote_id: str) -> dict | None:
    """The verbatim span and unit text of a quote: only for reviewers allowed to see originals."""
    r = ws.conn.execute(
        "SELECT q.verbatim, u.text FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id"
        " WHERE q.quote_id = ?", (quote_id,)).fetchone()
    return {"verbatim": r[0], "unit_text": r[1]} if r else None


def quote_history(ws, quote_id: str) -> list[dict]:
    """Who did what and when (no text)."""
    return [dict(r) for r in ws.conn.execute(
        "SELECT at, reviewer, action, reason FROM decisions WHERE quote_id = ? ORDER BY at DESC, id DESC LIMIT 50",
        (quote_id,))]


# ---------------------------------------------------------------------------------- themes
THEME_VIEWS = ("tagged", "not tagged", "reviewer-labelled", "all")


def _ranked_theme(ws, theme: str):
    """The theme's scores of every scored unit, best first (score, then unit id), as a
    ``pyarrow.Table`` (``unit_id, score, label, evidence_idx``), kept until any unit's scores
    change (:func:`copquotes.themescores.state`)."""
    import numpy as np
    import pyarrow.compute as pc

    key = (themescores.state(ws), theme)
    got = _RANKED.get(key)
    if got is None:
        data = themescores.table(ws, theme=theme, columns=["unit_id", "score", "label", "evidence_idx"])
        # best score first, then unit id: each unit's place among the ids breaks the ties (a sort
        # of the ids and one of the numbers: 0.12 s at 500,000 units, 0.2 s sorting both keys at once)
        by_id = pc.sort_indices(data["unit_id"]).to_numpy()
        id_rank = np.empty(len(by_id), dtype=np.int64)
        id_rank[by_id] = np.arange(len(by_id))
        got = data.take(np.lexsort((id_rank, -data["score"].to_numpy())))
        if len(_RANKED) >= MAX_RANKED_THEMES:
            _RANKED.clear()
        _RANKED[key] = got
    return got


_RANKED: dict = {}
MAX_RANKED_THEMES = 4       # themes whose ranking is kept (at 500,000 units ~20 MB each)


def _quotable_units(ws):
    """``(ids, quotable)``: the ids of the units whose text the Themes page may show (quote
    consent, confirmed) when ``quotable``, else of those it may not, whichever is fewer, as a
    ``pyarrow`` array, kept until the database changes (:func:`rows_state`)."""
    import pyarrow as pa

    key = rows_state(ws)
    got = _QUOTABLE.get(key)
    if got is None:
        cur = ws.conn.cursor()
        cur.row_factory = None
        quotable = "u.consent = 1 AND " + CONSENT_CONFIRMED
        n, yes = cur.execute(f"SELECT COUNT(*), COALESCE(SUM({quotable}), 0) FROM units u").fetchone()
        # the smaller side is read (most units have consent in most studies): (ids, they are the quotable ones)
        want = yes <= n - yes
        # as one JSON array: SQLite builds it faster than Python takes 150,000 rows one by one
        ids = cur.execute(f"SELECT json_group_array(u.unit_id) FROM units u"
                          f" WHERE {'' if want else 'NOT '}COALESCE({quotable}, 0)").fetchone()[0]
        got = (pa.array(json.loads(ids), type=pa.string()), want)
        if len(_QUOTABLE) >= MAX_KEPT_STATES:
            _QUOTABLE.clear()
        _QUOTABLE[key] = got
    return got


_QUOTABLE: dict = {}
MAX_KEPT_STATES = 4         # database states whose quotable ids are kept (one per open session, mostly)


def _theme_list(ws, theme: str, view: str):
    """The rows of ``view`` for ``theme`` in page order (``unit_id, score, label`` (the tagger's),
    ``evidence_idx``, ``reviewer_label``), kept until the database changes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if view not in THEME_VIEWS:
        raise ValueError(f"view must be one of {', '.join(THEME_VIEWS)}")
    key = (rows_state(ws), themescores.state(ws), theme, view)
    got = _THEME_LISTS.get(key)
    if got is not None:
        return got
    ranked = _ranked_theme(ws, theme)
    ids, quotable = _quotable_units(ws)
    shown = pc.is_in(ranked["unit_id"], value_set=ids)
    ranked = ranked.filter(shown if quotable else pc.invert(shown))
    reviewed = dict(ws.conn.execute("SELECT unit_id, label FROM theme_labels WHERE theme = ? AND label IS NOT NULL",
                                    (theme,)).fetchall())
    if reviewed:
        at = pc.index_in(ranked["unit_id"], value_set=pa.array(list(reviewed), type=pa.string()))
        by_reviewer = pc.take(pa.array([int(v) for v in reviewed.values()], type=pa.int32()), at)
    else:
        by_reviewer = pa.nulls(ranked.num_rows, type=pa.int32())
    ranked = ranked.append_column("reviewer_label", by_reviewer)
    label = pc.coalesce(by_reviewer, ranked["label"])
    keep = {"tagged": pc.equal(label, 1), "not tagged": pc.equal(label, 0),
            "reviewer-labelled": pc.is_valid(by_reviewer), "all": None}[view]
    got = ranked if keep is None else ranked.filter(keep)
    if len(_THEME_LISTS) >= MAX_RANKED_THEMES * len(THEME_VIEWS):
        _THEME_LISTS.clear()
    _THEME_LISTS[key] = got
    return got


_THEME_LISTS: dict = {}


def forget_theme_lists(ranking: bool = True) -> None:
    """Drop the kept theme lists (as any write to the database does) and, with ``ranking``, the
    kept rankings too (as the tag stage writing scores does): for benchmarks and tests."""
    _THEME_LISTS.clear()
    _QUOTABLE.clear()
    _THEME_ORDERS.clear()
    _THEME_TOPS.clear()
    if ranking:
        _RANKED.clear()
        _RELEVANCES.clear()


def theme_units(ws, theme: str, view: str = "tagged", page: int = 1, page_size: int = 10) -> tuple[list[dict], int]:
    """Units scored for ``theme`` (best first) with their anonymised evidence sentence.

    Units with quote consent only (their text is shown); ``view``: ``tagged`` (label 1),
    ``not tagged``, ``reviewer-labelled`` or ``all``. The scores are read from their Parquet
    parts (:mod:`copquotes.themescores`) and ranked once per theme; a page then reads its few
    units from the database.
    """
    listed = _theme_list(ws, theme, view)
    total = listed.num_rows
    page_size = max(1, int(page_size))
    page = min(max(1, int(page)), max(1, math.ceil(total / page_size)))
    cut = listed.slice((page - 1) * page_size, page_size).to_pylist()
    ids = [r["unit_id"] for r in cut]
    info = {r["unit_id"]: dict(r) for r in ws.conn.execute(
        "SELECT u.unit_id, u.text AS raw, u.file_id, u.grp, u.year, u.source_kind, u.speaker_role, a.text AS anon,"
        " tl.reviewer FROM units u LEFT JOIN anon a ON a.unit_id = u.unit_id"
        " LEFT JOIN theme_labels tl ON tl.unit_id = u.unit_id AND tl.theme = ?"
        # (the list was filtered by consent: checked again for the units shown)
        " WHERE u.unit_id IN (SELECT value FROM json_each(?)) AND u.consent = 1 AND " + CONSENT_CONFIRMED,
        (theme, json.dumps(ids)))}
    spans = {(uid, idx): (s, e) for uid, idx, s, e in ws.conn.execute(
        'SELECT unit_id, idx, start, "end" FROM sentences WHERE unit_id IN (SELECT value FROM json_each(?))',
        (json.dumps(ids),))}
    reds: dict[str, list] = {}
    for uid, s, e, k, src in ws.conn.execute(
            'SELECT unit_id, start, "end", kind, source FROM redactions WHERE status != \'undone\''
            " AND unit_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)):
        reds.setdefault(uid, []).append((s, e, k, src))
    mask = NameMask(ws)
    rows = []
    for c in cut:
        u = info.get(c["unit_id"])
        if u is None:       # deleted (or its consent withdrawn) since the list was read
            continue
        r = {"unit_id": c["unit_id"], "score": float(c["score"]), "tagger_label": int(c["label"]),
             "reviewer_label": c["reviewer_label"], "reviewer": u["reviewer"], "evidence_idx": c["evidence_idx"],
             "grp": u["grp"], "year": u["year"], "source_kind": u["source_kind"], "speaker_role": u["speaker_role"]}
        raw, anon, fid = u["raw"], u["anon"], u["file_id"]
        s, e = spans.get((c["unit_id"], c["evidence_idx"]), (None, None))
        if anon is None:
            r["evidence"] = r["text"] = None
        else:
            r["text"] = mask(anon, fid)
            r["evidence"] = (mask(redact_span(raw, reds.get(r["unit_id"], []), s, e), fid)
                             if s is not None and e is not None and 0 <= s < e <= len(raw) else None)
        r["label"] = r["reviewer_label"] if r["reviewer_label"] is not None else r["tagger_label"]
        rows.append(r)
    return rows, total


# ---------------------------------------------------------------------------------- topics
def topics_table(ws) -> pd.DataFrame:
    """Topics with size (units), people (:func:`people_count`: a small count marked), label and
    keywords (scrubbed of redacted strings)."""
    gate = Disclosure(ws)
    people = {int(t): int(n) for t, n, _ in aggregates(ws, "topic_speakers")["topic_speakers"]}
    rows = []
    for t, label, kw, size in ws.conn.execute(
            "SELECT topic, label, keywords_json, size FROM topic_info ORDER BY topic"):
        try:
            words = json.loads(kw or "[]")
        except json.JSONDecodeError:
            words = []
        words = [w[0] if isinstance(w, (list, tuple)) else w for w in words]
        rows.append({"topic": int(t), "label": gate.aggregate(label), "size": int(size or 0),
                     "people": people_count(people.get(int(t), 0)),
                     "keywords": ", ".join(gate.aggregate(str(w)) for w in words[:10])})
    return pd.DataFrame(rows, columns=["topic", "label", "size", "people", "keywords"])


def topic_units(ws, topic: int, page: int = 1, page_size: int = 10) -> tuple[list[dict], int]:
    """The units of a topic most typical first, anonymised, consented units only."""
    base = (" FROM unit_topics t JOIN units u ON u.unit_id = t.unit_id LEFT JOIN anon a ON a.unit_id = t.unit_id"
            " WHERE t.topic = ? AND u.consent = 1 AND " + CONSENT_CONFIRMED)
    total = ws.conn.execute("SELECT COUNT(*)" + base, (int(topic),)).fetchone()[0]
    page_size = max(1, int(page_size))
    page = min(max(1, int(page)), max(1, math.ceil(total / page_size)))
    ids = page_keys(ws.conn, "SELECT t.unit_id" + base, [int(topic)], "t.prob DESC, t.unit_id",
                    "t.prob ASC, t.unit_id DESC", total, page, page_size)
    rows = rows_in_order(
        ws.conn,
        "SELECT t.unit_id, t.prob, u.file_id, u.grp, u.year, u.source_kind, u.speaker_role, a.text AS text" + base
        + " AND t.unit_id IN (SELECT value FROM json_each(?))", [int(topic)], ids, "unit_id")
    mask = NameMask(ws)
    for r in rows:
        r["text"] = mask(r["text"], r.pop("file_id"))
    return rows, total


def topic_theme(base_topics: pd.DataFrame, adjustments: pd.DataFrame) -> pd.DataFrame:
    """Units per topic (rows) labelled with each theme (columns); all units count."""
    adj = adjustments.dropna(subset=["topic"]) if not adjustments.empty else adjustments
    return _topic_pivot(base_topics, adj)


def _topic_pivot(base: pd.DataFrame, adjustments: pd.DataFrame) -> pd.DataFrame:
    """Topics (rows) by themes (columns): ``base``'s ``n`` plus the ``d`` of ``adjustments``."""
    parts = [base[["topic", "theme", "n"]]]
    if not adjustments.empty:
        parts.append(adjustments[["topic", "theme", "d"]].rename(columns={"d": "n"}))
    df = pd.concat(parts, ignore_index=True)
    if df.empty:
        return df
    df["topic"] = df["topic"].astype(int)
    table = df.pivot_table(index="topic", columns="theme", values="n", aggfunc="sum", fill_value=0)
    table.columns.name = None
    return table


def topic_theme_table(ws) -> pd.DataFrame:
    """:func:`topic_theme` straight from the workspace (no cache)."""
    return topic_theme(label_base_topics(ws), label_adjustments(ws))


def topic_people(base: dict, adjustments: pd.DataFrame) -> pd.DataFrame:
    """People per topic (rows) with each theme (columns): a person counts once per topic, however
    many of their units it holds; every unit counts, as in the topic tables. Reviewers'
    corrections applied (:func:`people_adjustments`)."""
    adj = adjustments[adjustments["scope"] == "topic"] if not adjustments.empty else adjustments
    return _topic_pivot(base["counts"], adj)


def people_count(n: int) -> str:
    """A count of people as the app shows it: "fewer than 5 people" below the small-cell rule
    (never 1, 2, 3 or 4: so few may point to someone), "none" for 0."""
    n = int(n)
    if n == 0:
        return "none"
    return f"fewer than {SMALL_SPEAKERS} people" if n < SMALL_SPEAKERS else f"{n:,} people"


def topic_people_cells(table: pd.DataFrame, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`topic_people` as the app shows it: each count in words (:func:`people_count`: fewer
    than 5 never a number). A topic's row or a theme's column can add up to a total shown elsewhere
    (the topic's people, the theme's people over all), so a line that would hide exactly one count
    hides its next smallest too, over rows and columns alike, and then more counts until no reader
    who knows the rows' or the columns' sums, or both, and each topic's people (``people``: topic,
    people, as :func:`people_base_topics` gives them; they bound each count of the topic's row) can
    narrow a hidden small count (:func:`copquotes.disclosure.table_suppression`); every hidden count reads
    :data:`TOPIC_HIDDEN_WORDS`, so which of them is the small one is not shown."""
    if table.empty:
        return table
    counts = {(t, th): int(table.at[t, th]) for t in table.index for th in table.columns}
    small = {c for c, n in counts.items() if n != 0 and n < SMALL_SPEAKERS}     # as people_count words them
    caps = None
    if people is not None:      # the topics table shows a topic's people, or "fewer than 5 people" (at most 4)
        shown = {int(t): (int(n) if n >= SMALL_SPEAKERS else SMALL_SPEAKERS - 1)
                 for t, n in zip(people["topic"], people["people"])}
        caps = {c: shown[c[0]] for c in counts if c[0] in shown}
    out = table.apply(lambda col: col.map(people_count)).astype(object)
    # every hidden count says the same: were the one hidden beside a small count worded apart, a
    # reader would know it is 5 or more, and a total less the shown counts could pin the small one
    for t, th in small | table_suppression(counts, small, caps=caps):
        out.at[t, th] = TOPIC_HIDDEN_WORDS
    return out


TOPIC_HIDDEN_WORDS = (f"hidden: fewer than {SMALL_SPEAKERS} people here or in another hidden count of this topic"
                      " or theme")


def topic_people_table(ws) -> pd.DataFrame:
    """:func:`topic_people` straight from the workspace (no cache)."""
    return topic_people(people_base_topics(ws), people_adjustments(ws))
