"""Theme differences between cohorts and years, in people, with an interval for each difference.

One row per theme and comparison, of two kinds (``comparison``):

* ``"years"``: within one group (``within``), a year ``a`` and the next year ``b`` the group has
  feedback from (years and series in time order: "2023" < "2023-2024" < "2024"; spellings of one
  period, "2023-24" and "2023-2024", are one period: :func:`one_spelling_per_period`);
* ``"groups"``: within one year (``within``), every pair of groups ``a`` < ``b`` (by name).

Each side's share is of people, not units: ``speakers_labelled / speakers`` of the
:func:`~copquotes.topics.tables.theme_prevalence` cell (distinct speakers, facilitators' and
interviewers' prompts left out). ``difference`` is ``share_b - share_a`` (for years: later minus
earlier) and ``difference_low`` / ``difference_high`` its 95% interval by Newcombe's hybrid score
method (:func:`copquotes.topics.intervals.newcombe`, from the two sides' Wilson intervals over people). ``small_n`` is true when
either side is a small cell (:func:`copquotes.disclosure.small_cells`): do not report that
difference. Cells without a group or a year (``(none)``) are compared with nothing.

There is no p-value and no significance mark, on purpose: these are many comparisons at once
(themes x pairs), and the intervals are not corrected for that, so a few of them will exclude
zero by chance alone. Read them as the size of a difference and its uncertainty, and decide
which comparisons matter before looking.
"""
from __future__ import annotations

import itertools

import pandas as pd

from ..disclosure.small import small_cells
from .intervals import newcombe
from .periods import NONE, period_key, period_name

COLUMNS = ["comparison", "within", "a", "b", "theme", "speakers_a", "speakers_labelled_a", "share_a",
           "speakers_b", "speakers_labelled_b", "share_b", "difference", "difference_low", "difference_high",
           "small_n"]


def differences_from_prevalence(prev: pd.DataFrame) -> pd.DataFrame:
    """The differences table from a ``theme_prevalence(..., ("group", "year"))`` table (its
    ``group``, ``year``, ``theme``, ``units``, ``speakers`` and ``speakers_labelled`` columns);
    :func:`copquotes.topics.tables.theme_differences` makes both from the units."""
    prev = one_spelling_per_period(prev)
    pairs = _pairs(prev)
    if pairs.empty or prev.empty:
        return pd.DataFrame(columns=COLUMNS)
    cells = prev[["group", "year", "theme", "units", "speakers", "speakers_labelled"]]
    out = pairs
    for side in ("a", "b"):
        side_cells = cells.rename(columns={"group": f"group_{side}", "year": f"year_{side}",
                                           **{c: f"{c}_{side}" for c in ("units", "speakers", "speakers_labelled")}})
        on = [f"group_{side}", f"year_{side}"]
        out = out.merge(side_cells, on=on + (["theme"] if side == "b" else []), how="inner")
    for side in ("a", "b"):
        out[f"share_{side}"] = out[f"speakers_labelled_{side}"] / out[f"speakers_{side}"]
    out["difference"], out["difference_low"], out["difference_high"] = newcombe(
        out["speakers_labelled_b"], out["speakers_b"], out["speakers_labelled_a"], out["speakers_a"])
    out["small_n"] = (small_cells(out["speakers_a"], out["units_a"]) | small_cells(out["speakers_b"], out["units_b"]))
    out = out.sort_values(["order", "theme"]).reset_index(drop=True)
    return out[COLUMNS]


def one_spelling_per_period(prev: pd.DataFrame) -> pd.DataFrame:
    """The prevalence cells with spellings of one period ("2023-24", "2023-2024") made one cell
    (:func:`copquotes.topics.periods.period_name`), their counts added: a year belongs to a file, so
    the cells of two spellings hold different units and different people, and the sums are exact."""
    if prev.empty:
        return prev
    named = prev.assign(year=[y if y == NONE else period_name(y) for y in prev["year"]])
    if named["year"].equals(prev["year"]):
        return prev
    counts = ["units", "speakers", "speakers_labelled"]
    return named.groupby(["group", "year", "theme"], as_index=False, sort=False)[counts].sum()


def _pairs(prev: pd.DataFrame) -> pd.DataFrame:
    """The compared cells, in reading order: years within each group, then groups within each year."""
    cells = prev.loc[(prev["group"] != NONE) & (prev["year"] != NONE), ["group", "year"]].drop_duplicates()
    rows = []
    for g in sorted(cells["group"].unique()):
        years = sorted(cells.loc[cells["group"] == g, "year"].unique(), key=period_key)
        rows += [("years", g, a, b, g, a, g, b) for a, b in zip(years, years[1:])]
    for y in sorted(cells["year"].unique(), key=period_key):
        groups = sorted(cells.loc[cells["year"] == y, "group"].unique())
        rows += [("groups", y, a, b, a, y, b, y) for a, b in itertools.combinations(groups, 2)]
    pairs = pd.DataFrame(rows, columns=["comparison", "within", "a", "b", "group_a", "year_a", "group_b", "year_b"])
    pairs["order"] = range(len(pairs))
    return pairs
