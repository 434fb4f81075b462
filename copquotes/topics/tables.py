"""Tables for researchers: topics against themes, cohorts, years and source kinds.

Every function takes plain DataFrames, so it works on a workspace (see
:func:`tables_from_workspace`) or on anything a researcher builds by hand:

* ``units_df``: one row per unit with ``unit_id`` and metadata columns (``group``,
  ``year``, ``source_kind`` ...), e.g. ``Workspace.units_frame()``;
* ``topics``: the topic of each unit, as a sequence aligned with ``units_df``'s rows,
  a Series indexed by ``unit_id``, or a DataFrame with ``unit_id`` and ``topic``
  columns (the ``unit_topics`` table);
* ``theme_labels``: the ``unit_themes`` table (long: ``unit_id``, ``theme``, ``label``
  and/or ``score``; a row counts when ``label == 1``, or every row if there is no
  ``label`` column), or a wide 0/1 frame with one column per theme and ``unit_id``
  as a column or the index.

Topics and codebook themes are separate columns: nothing here merges, renames or
drops a theme (a theme no unit carries still gets its column of zeros).
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import themescores
from ..disclosure.small import SMALL_SPEAKERS, SMALL_UNITS, small_cells  # noqa: F401 (the one rule, used here)
from ..errors import ConfigError
from ..types import is_voice
from .differences import differences_from_prevalence
from .intervals import Z95, wilson  # noqa: F401 (Z95: part of this module's interface)
from .periods import NONE, period_key as _period_key

BY_ALIASES = {"cohort": "group", "grp": "group", "series": "year", "kind": "source_kind", "source": "source_kind"}


# ----------------------------------------------------------------------------- inputs
def _topic_series(units_df: pd.DataFrame, topics) -> pd.Series:
    """The topic of each row of ``units_df`` (index = ``units_df.index``)."""
    if "unit_id" not in units_df.columns:
        raise ConfigError("units_df needs a 'unit_id' column (e.g. Workspace.units_frame())")
    if isinstance(topics, pd.DataFrame):
        if not {"unit_id", "topic"} <= set(topics.columns):
            raise ConfigError("a topics DataFrame needs 'unit_id' and 'topic' columns (the unit_topics table)")
        topics = topics.set_index("unit_id")["topic"]
    if isinstance(topics, pd.Series) and not isinstance(topics.index, pd.RangeIndex):
        s = units_df["unit_id"].map(topics)
    else:
        values = list(topics)
        if len(values) != len(units_df):
            raise ConfigError(f"{len(values)} topics for {len(units_df)} units: pass one topic per unit "
                              "(or a Series indexed by unit_id)")
        s = pd.Series(values, index=units_df.index)
    missing = s.isna()
    if missing.any():
        s = s.copy()
        s[missing] = -1           # units without a topic row count as outliers
    return s.astype(int).rename("topic")


def _theme_matrix(units_df: pd.DataFrame, theme_labels, themes: Sequence[str] | None = None) -> pd.DataFrame:
    """0/1 matrix, one row per ``units_df`` row (same index), one column per theme."""
    if theme_labels is None:
        theme_labels = pd.DataFrame(columns=["unit_id", "theme", "label"])
    tl = theme_labels
    if {"unit_id", "theme"} <= set(tl.columns):
        long = tl
        if "label" in long.columns:
            on = long[long["label"].fillna(0).astype(int) == 1]
        else:
            on = long
        all_themes = list(themes) if themes is not None else sorted(long["theme"].dropna().astype(str).unique())
        if on.empty:
            wide = pd.DataFrame(0, index=pd.Index([], name="unit_id"), columns=all_themes)
        else:
            wide = (pd.crosstab(on["unit_id"], on["theme"].astype(str)) > 0).astype(int)
            wide = wide.reindex(columns=all_themes, fill_value=0)
    else:
        wide = tl.set_index("unit_id") if "unit_id" in tl.columns else tl
        wide = (wide.fillna(0).astype(float) > 0).astype(int)
        if themes is not None:
            wide = wide.reindex(columns=list(themes), fill_value=0)
    out = wide.reindex(units_df["unit_id"].values, fill_value=0)
    out.index = units_df.index
    return out.fillna(0).astype(int)


def _labels(topic_labels) -> dict[int, str]:
    if topic_labels is None:
        return {}
    if isinstance(topic_labels, pd.DataFrame):
        return {int(t): str(lab) for t, lab in zip(topic_labels["topic"], topic_labels["label"])}
    return {int(t): str(lab) for t, lab in dict(topic_labels).items()}


def _by_column(units_df: pd.DataFrame, by: str) -> pd.Series:
    col = BY_ALIASES.get(by, by)
    if col not in units_df.columns:
        raise ConfigError(f"cannot break topics down by {by!r}: units_df has no column {col!r} "
                          f"(choose from group, year, source_kind or one of {', '.join(map(str, units_df.columns))})")
    return units_df[col].astype("object").where(units_df[col].notna(), NONE).astype(str).rename(col)


def _add_labels(df: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    if labels:
        df.insert(0, "label", [labels.get(int(t), "") for t in df.index])
    return df


# ----------------------------------------------------------------------------- tables
def topic_theme_table(units_df: pd.DataFrame, topics, theme_labels, *, normalize: str | None = None,
                      topic_labels=None, themes: Sequence[str] | None = None) -> pd.DataFrame:
    """Topic x theme: how many units of each topic carry each codebook theme.

    Rows: topics (index ``topic``, -1 = outliers); columns: ``units`` (units in the
    topic), one column per theme, and ``no theme`` (units with none). ``normalize``:
    ``None`` counts, ``"topic"`` = share of the topic's units, ``"theme"`` = share of
    the theme's units that fall in each topic. ``themes`` fixes the theme columns
    (e.g. the codebook's order); themes are never merged or renamed.
    """
    t = _topic_series(units_df, topics)
    M = _theme_matrix(units_df, theme_labels, themes)
    counts = M.groupby(t).sum()
    counts.index.name = "topic"
    sizes = t.value_counts().sort_index()
    counts = counts.reindex(sizes.index, fill_value=0)
    none = (M.sum(axis=1) == 0).groupby(t).sum().reindex(sizes.index, fill_value=0)
    if normalize == "topic":
        body = counts.div(sizes, axis=0)
        none = none / sizes
    elif normalize == "theme":
        totals = M.sum(axis=0).replace(0, np.nan)
        body = counts.div(totals, axis=1).fillna(0.0)
        n_none = none.sum()
        none = none / n_none if n_none else none * 0.0
    elif normalize is None:
        body = counts
    else:
        raise ConfigError(f"normalize must be None, 'topic' or 'theme', not {normalize!r}")
    out = body.copy()
    out.insert(0, "units", sizes.values)
    out["no theme"] = none.values
    out = out.sort_index(key=lambda idx: [(i == -1, i) for i in idx])
    out.index.name = "topic"
    out.columns.name = None
    return _add_labels(out, _labels(topic_labels))


def topic_by(units_df: pd.DataFrame, topics, by: str = "group", *, normalize: str | None = None,
             topic_labels=None) -> pd.DataFrame:
    """Topic x ``by`` (``"group"`` / ``"year"`` / ``"source_kind"`` or any column): unit counts.

    ``normalize``: ``None`` counts; ``"by"`` = share of each column's units (compare
    cohorts of different sizes); ``"topic"`` = share of each topic's units. Missing
    metadata is the column ``(none)``. A ``total`` column holds the topic's units.
    """
    t = _topic_series(units_df, topics)
    col = _by_column(units_df, by)
    tab = pd.crosstab(t, col)
    tab.index.name = "topic"
    tab.columns.name = col.name
    tab = tab.reindex(columns=sorted(tab.columns, key=_period_key))
    totals = tab.sum(axis=1)
    if normalize == "by":
        tab = tab.div(tab.sum(axis=0).replace(0, np.nan), axis=1).fillna(0.0)
    elif normalize == "topic":
        tab = tab.div(totals.replace(0, np.nan), axis=0).fillna(0.0)
    elif normalize is not None:
        raise ConfigError(f"normalize must be None, 'by' or 'topic', not {normalize!r}")
    tab["total"] = totals
    tab = tab.sort_index(key=lambda idx: [(i == -1, i) for i in idx])
    return _add_labels(tab, _labels(topic_labels))


def topics_over_time(units_df: pd.DataFrame, topics, by: str = "year", *, topic_labels=None) -> pd.DataFrame:
    """Tidy table of topics per period: ``by``, ``topic``, ``label``, ``units``, ``share``.

    ``share`` is the topic's share of the period's units; every (period, topic) pair is
    present (zeros included) and periods are in time order ("2023" < "2023-2024" < "2024").
    """
    t = _topic_series(units_df, topics)
    col = _by_column(units_df, by)
    tab = pd.crosstab(col, t)
    periods = sorted(tab.index, key=_period_key)
    tab = tab.reindex(periods)
    share = tab.div(tab.sum(axis=1), axis=0)
    long = tab.stack().rename("units").to_frame().join(share.stack().rename("share"))
    long = long.reset_index()
    long.columns = [col.name, "topic", "units", "share"]
    labels = _labels(topic_labels)
    long.insert(2, "label", [labels.get(int(x), "") for x in long["topic"]])
    long["units"] = long["units"].astype(int)
    order = {p: i for i, p in enumerate(periods)}
    long = long.sort_values([col.name, "topic"], key=lambda s: s.map(order) if s.name == col.name else s)
    return long.reset_index(drop=True)


def theme_prevalence(units_df: pd.DataFrame, theme_labels, by: Sequence[str] | str = ("group", "year"), *,
                     themes: Sequence[str] | None = None) -> pd.DataFrame:
    """Tidy table of theme prevalence by cohort and year (or any metadata columns).

    Columns: the ``by`` columns, ``theme``, ``units`` (participants' units in the cell, consenting
    or not), ``labelled`` (those carrying the theme), ``share`` (``labelled / units``), then
    ``speakers`` (distinct people among the cell's units: :func:`speaker_ids`), ``speakers_labelled``
    (those with at least one unit carrying the theme), ``share_low`` / ``share_high`` (the Wilson
    95% interval of ``share``, :func:`wilson`) and ``small_n`` (:func:`small_cells`). With a
    ``speaker_role`` column, a facilitator's or interviewer's turn is left out: it is a prompt, not
    feedback (a ``reflection`` source counts; :func:`copquotes.types.is_voice`).
    """
    units_df = voices(units_df).reset_index(drop=True)
    by = [by] if isinstance(by, str) else list(by)
    keys = [_by_column(units_df, b) for b in by]
    names = [k.name for k in keys]
    M = _theme_matrix(units_df, theme_labels, themes)
    if M.shape[1] == 0:
        return pd.DataFrame(columns=names + PREVALENCE_COLUMNS)
    frame = pd.concat(keys + [speaker_ids(units_df), M], axis=1)
    long = _prevalence_counts(frame, names, list(M.columns))
    long["share"] = long["labelled"] / long["units"]
    long["share_low"], long["share_high"] = wilson(long["labelled"], long["units"])
    long["small_n"] = small_cells(long["speakers"], long["units"])
    long = long[names + PREVALENCE_COLUMNS]
    long = long.sort_values(names + ["theme"], key=lambda s: s.map(_period_key) if s.name in ("year",) else s)
    return long.reset_index(drop=True)


def theme_differences(units_df: pd.DataFrame, theme_labels, *, themes: Sequence[str] | None = None) -> pd.DataFrame:
    """Shares of people compared across adjacent years within a group and across groups within a
    year, with Newcombe's interval for each difference: :mod:`copquotes.topics.differences`, from
    :func:`theme_prevalence` by group and year."""
    return differences_from_prevalence(theme_prevalence(units_df, theme_labels, ("group", "year"), themes=themes))


PREVALENCE_COLUMNS = ["theme", "units", "labelled", "share", "speakers", "speakers_labelled", "share_low",
                      "share_high", "small_n"]


def _prevalence_counts(frame: pd.DataFrame, names: list[str], themes: list[str]) -> pd.DataFrame:
    """One row per (cell, theme): ``units``, ``labelled``, ``speakers``, ``speakers_labelled``."""
    g = frame.groupby(names, dropna=False)
    long = g[themes].sum().stack().rename("labelled").reset_index()
    long.columns = names + ["theme", "labelled"]
    cells = pd.concat([g.size().rename("units"), g["speaker"].nunique().rename("speakers")], axis=1)
    long = long.merge(cells.reset_index(), on=names)
    long = long.merge(_labelled_speakers(frame, names, themes), on=names + ["theme"], how="left")
    long["speakers_labelled"] = long["speakers_labelled"].fillna(0).astype(int)
    return long


def _labelled_speakers(frame: pd.DataFrame, names: list[str], themes: list[str]) -> pd.DataFrame:
    """Distinct speakers per (cell, theme) among the units carrying the theme."""
    rows, cols = np.nonzero(frame[themes].to_numpy() == 1)           # (row, theme) of every label
    pairs = frame[names + ["speaker"]].iloc[rows].assign(theme=np.asarray(themes, dtype=object)[cols])
    counts = pairs.drop_duplicates().groupby(names + ["theme"], dropna=False).size()
    return counts.rename("speakers_labelled").reset_index()


def speaker_ids(units_df: pd.DataFrame) -> pd.Series:
    """Who said each unit, named ``speaker``: the units export's pseudonym when ``units_df`` has a
    ``speaker`` column, else the stored key it is made from (``file_id`` with ``speaker_key``: the
    same people, :mod:`copquotes.disclosure.speakers`); a unit without one stands alone, as in the
    units export. Only counts of these leave the tables, never the keys."""
    if "speaker" in units_df.columns:
        who = units_df["speaker"].astype("object")
    elif {"file_id", "speaker_key"} <= set(units_df.columns):
        who = units_df["file_id"].astype(str) + "\x1f" + units_df["speaker_key"].astype("object")
    else:
        who = pd.Series(None, index=units_df.index, dtype="object")
    alone = "unit\x1f" + units_df["unit_id"].astype(str)
    return who.where(who.notna(), alone).rename("speaker")


def voices(units_df: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``units_df`` in participants' own voices (all rows without a ``speaker_role``)."""
    if "speaker_role" not in units_df.columns:
        return units_df
    kinds = units_df["source_kind"] if "source_kind" in units_df.columns else [None] * len(units_df)
    keep = [is_voice(r, k) for r, k in zip(units_df["speaker_role"], kinds)]
    return units_df[np.asarray(keep, dtype=bool)]     # (a plain [] would pick no columns)


def map_frame(units_df: pd.DataFrame, unit_topics: pd.DataFrame, theme_labels=None, *,
              topic_labels=None) -> pd.DataFrame:
    """One row per unit with a map position: ``unit_id, x, y, topic, topic_label, theme``, metadata.

    ``theme`` is the unit's primary theme (the labelled theme with the highest score),
    ``(none)`` when it has none; ``unit_topics`` needs ``unit_id, topic, x, y``.
    """
    ut = unit_topics[["unit_id", "topic", "x", "y"]]
    df = units_df[[c for c in ("unit_id", "group", "year", "source_kind") if c in units_df.columns]]
    df = df.merge(ut, on="unit_id", how="inner")
    df = df[df["x"].notna() & df["y"].notna()].copy()
    labels = _labels(topic_labels)
    df["topic_label"] = [labels.get(int(t), "") for t in df["topic"]]
    df["theme"] = primary_theme(df["unit_id"], theme_labels)
    for c in ("group", "year", "source_kind"):
        if c in df.columns:
            df[c] = df[c].astype("object").where(df[c].notna(), NONE)
    return df.reset_index(drop=True)


def primary_theme(unit_ids: Iterable[str], theme_labels) -> list[str]:
    """The highest-scoring labelled theme of each unit, or ``(none)``."""
    ids = list(unit_ids)
    if theme_labels is None or len(theme_labels) == 0 or not {"unit_id", "theme"} <= set(theme_labels.columns):
        return [NONE] * len(ids)
    tl = theme_labels
    if "label" in tl.columns:
        tl = tl[tl["label"].fillna(0).astype(int) == 1]
    if tl.empty:
        return [NONE] * len(ids)
    score = tl["score"] if "score" in tl.columns else pd.Series(1.0, index=tl.index)
    tl = tl.assign(_s=score.astype(float)).sort_values(["unit_id", "_s", "theme"], ascending=[True, False, True])
    best = tl.drop_duplicates("unit_id").set_index("unit_id")["theme"]
    return [str(best.get(u, NONE)) for u in ids]


# ----------------------------------------------------------------------------- workspace
def read_workspace(ws, *, lean: bool = False) -> dict[str, pd.DataFrame]:
    """The frames the tables and pictures need, read from a workspace.

    ``units`` (all units: topics count everyone, consent only gates quotes),
    ``unit_topics``, ``topic_info`` (keywords and representatives decoded from JSON),
    ``unit_themes`` (a reviewer's label winning over the tagger's, as in the units table).

    ``lean=True`` (what the pictures need, without the parts that grow fastest with the units):
    ``units`` has ``unit_id``, ``group``, ``year``, ``source_kind``, ``speaker_role``, ``file_id`` and
    ``speaker_key`` only (no texts; who spoke, for :func:`speaker_ids`),
    ``unit_themes`` only the labelled rows, and ``themes`` lists every theme's name (for the
    themes no unit carries).
    """
    if lean:
        units = pd.read_sql_query(
            "SELECT u.unit_id, u.grp AS 'group', u.year, u.source_kind, u.speaker_role, u.file_id, u.speaker_key"
            " FROM units u"
            " JOIN files f ON f.file_id = u.file_id ORDER BY f.display, u.position", ws.conn)
    else:
        units = ws.units_frame()
    unit_topics = pd.read_sql_query("SELECT unit_id, topic, prob, x, y FROM unit_topics", ws.conn)
    info = pd.read_sql_query(
        "SELECT topic, label, keywords_json, size, representative_json FROM topic_info ORDER BY topic", ws.conn)
    info["keywords"] = [json.loads(s or "[]") for s in info["keywords_json"]]
    info["representative"] = [json.loads(s or "[]") for s in info["representative_json"]]
    info = info.drop(columns=["keywords_json", "representative_json"])
    info = info.sort_values("topic", key=lambda s: [(t == -1, t) for t in s]).reset_index(drop=True)
    cols = ["unit_id", "theme", "score", "label"]
    if not lean:
        themes = themescores.reviewed_frame(ws, themescores.frame(ws, columns=cols))
        return {"units": units, "unit_topics": unit_topics, "topic_info": info, "unit_themes": themes}
    themes = themescores.reviewed_frame(ws, themescores.frame(ws, columns=cols, label=1), labelled_only=True)
    names = themescores.themes(ws)
    return {"units": units, "unit_topics": unit_topics, "topic_info": info, "unit_themes": themes, "themes": names}


def tables_from_workspace(ws, frames: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every researcher table of a workspace, by name (ready for CSV export).

    ``topic_info``, ``topic_theme`` (counts), ``topic_theme_share`` (share of each
    topic's units), ``topic_by_group``, ``topic_by_year``, ``topic_by_source_kind``
    (shares within each column), ``topics_over_time``, ``theme_prevalence`` (group x year),
    ``theme_differences`` (shares of people compared across adjacent years and across groups:
    :mod:`copquotes.topics.differences`).
    """

    f = dict(frames) if frames is not None else read_workspace(ws)
    units, ut, info, th = f["units"], f["unit_topics"], f["topic_info"], f["unit_themes"]
    out: dict[str, pd.DataFrame] = {}
    info_out = info.copy()
    info_out["keywords"] = info_out["keywords"].map(", ".join)
    out["topic_info"] = info_out
    if ut.empty:
        return out
    labels = info
    out["topic_theme"] = topic_theme_table(units, ut, th, topic_labels=labels)
    out["topic_theme_share"] = topic_theme_table(units, ut, th, normalize="topic", topic_labels=labels)
    for by in ("group", "year", "source_kind"):
        out[f"topic_by_{by}"] = topic_by(units, ut, by, normalize="by", topic_labels=labels)
    out["topics_over_time"] = topics_over_time(units, ut, "year", topic_labels=labels)
    out["theme_prevalence"] = theme_prevalence(units, th, ("group", "year"))
    out["theme_differences"] = differences_from_prevalence(out["theme_prevalence"])
    return out
