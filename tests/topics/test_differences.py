"""theme_differences: shares of people compared across adjacent years and across groups, with
Newcombe's hybrid score interval for each difference."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from copquotes.topics import newcombe, theme_differences
from copquotes.topics.differences import COLUMNS


# Newcombe RG (1998), Interval estimation for the difference between independent proportions,
# Statistics in Medicine 17:873-890, Table II, method 10 (score interval, hybrid): examples (a)-(h)
@pytest.mark.parametrize("k1, n1, k2, n2, diff, low, high", [
    (56, 70, 48, 80, 0.2000, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.6000, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.5714, 0.0582, 0.8062),
    (5, 56, 0, 29, 0.0893, -0.0381, 0.1926),
    (0, 10, 0, 20, 0.0000, -0.1611, 0.2775),
    (0, 10, 0, 10, 0.0000, -0.2775, 0.2775),
    (10, 10, 0, 20, 1.0000, 0.6791, 1.0000),
    (10, 10, 0, 10, 1.0000, 0.6075, 1.0000),
])
def test_newcombe_interval_matches_the_published_worked_examples(k1, n1, k2, n2, diff, low, high):
    d, lo, hi = newcombe([k1], [n1], [k2], [n2])
    assert (d[0], lo[0], hi[0]) == (pytest.approx(diff, abs=5e-5), pytest.approx(low, abs=5e-5),
                                    pytest.approx(high, abs=5e-5))


def _workspace_like() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units of two groups over three periods, with facilitators' prompts, respondents without a
    speaker key and a unit without a group; themes x and y by a fixed pattern."""
    rows = []

    def add(group, year, file_id, speakers, turns, role="participant"):
        for s in speakers:
            rows.extend((group, year, file_id, s, role) for _ in range(turns))

    add("A", "2023", "f1", [f"P{i}" for i in range(6)], 5)                # 6 people, 30 units
    add("A", "2023", "f1", ["F"], 4, "facilitator")                        # prompts: left out
    add("A", "2024", "f2", [None] * 12, 1, "respondent")                   # 12 respondents, one answer each
    add("A", "2024", "f3", [f"P{i}" for i in range(7)], 4)                 # P0 of f3 is not P0 of f1
    add("A", "2025", "f4", ["P1", "P2", "P3"], 6)                          # 3 people: small
    add("B", "2023-2024", "f5", [f"Q{i}" for i in range(5)], 5)          # 5 people, 25 units: small
    add("B", "2024", "f6", [f"Q{i}" for i in range(9)], 4)
    add("B", "2024", "f6", ["F"], 5, "facilitator")
    add(None, "2024", "f7", ["Z1", "Z2"], 3)                               # no group: compared with nothing
    units = pd.DataFrame(rows, columns=["group", "year", "file_id", "speaker_key", "speaker_role"])
    units.insert(0, "unit_id", [f"u{i:03d}" for i in range(len(units))])
    units["source_kind"] = "focus_group"
    i = np.arange(len(units))
    x = (i % 3 == 0) | (units["speaker_role"] == "facilitator").to_numpy()   # every prompt says x
    y = (i % 7 == 2) & (units["year"] != "2025").to_numpy()
    themes = pd.concat([pd.DataFrame({"unit_id": units["unit_id"], "theme": t, "label": m.astype(int)})
                        for t, m in (("x", x), ("y", y))], ignore_index=True)
    return units, themes


def _expected(units: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """The people per cell and theme counted with plain pandas, then the listed comparisons."""
    v = units[units["speaker_role"] != "facilitator"].copy()
    v["who"] = np.where(v["speaker_key"].notna(), v["file_id"] + "/" + v["speaker_key"].fillna(""), v["unit_id"])
    said = v.merge(themes[themes["label"] == 1], on="unit_id")
    people = v.groupby(["group", "year"])["who"].nunique()
    n_units = v.groupby(["group", "year"]).size()
    rows = []
    for comparison, within, a, b, cell_a, cell_b in [
            ("years", "A", "2023", "2024", ("A", "2023"), ("A", "2024")),
            ("years", "A", "2024", "2025", ("A", "2024"), ("A", "2025")),
            ("years", "B", "2023-2024", "2024", ("B", "2023-2024"), ("B", "2024")),
            ("groups", "2024", "A", "B", ("A", "2024"), ("B", "2024"))]:
        for theme in ("x", "y"):
            k = [said[(said["group"] == c[0]) & (said["year"] == c[1]) & (said["theme"] == theme)]["who"].nunique()
                 for c in (cell_a, cell_b)]
            n = [people[c] for c in (cell_a, cell_b)]
            small = any(people[c] < 5 or n_units[c] < 30 for c in (cell_a, cell_b))
            rows.append({"comparison": comparison, "within": within, "a": a, "b": b, "theme": theme,
                         "speakers_a": n[0], "speakers_labelled_a": k[0], "speakers_b": n[1],
                         "speakers_labelled_b": k[1], "difference": k[1] / n[1] - k[0] / n[0], "small_n": small})
    return pd.DataFrame(rows)


def _hybrid(k1, n1, k2, n2):
    """Newcombe's method 10 written out once more, scalar, with z from scipy."""
    z = norm.ppf(0.975)

    def wilson(k, n):
        p = k / n
        centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)

    (l1, u1), (l2, u2), d = wilson(k1, n1), wilson(k2, n2), k1 / n1 - k2 / n2
    return d - math.hypot(k1 / n1 - l1, u2 - k2 / n2), d + math.hypot(u1 - k1 / n1, k2 / n2 - l2)


def test_theme_differences_compares_people_in_adjacent_years_and_in_groups_as_counted_by_hand():
    units, themes = _workspace_like()
    got = theme_differences(units, themes)
    want = _expected(units, themes)
    keys = ["comparison", "within", "a", "b", "theme"]
    assert got[keys].values.tolist() == want[keys].values.tolist()
    for col in ("speakers_a", "speakers_labelled_a", "speakers_b", "speakers_labelled_b", "small_n"):
        assert got[col].tolist() == want[col].tolist(), col
    assert got["difference"].tolist() == pytest.approx(want["difference"].tolist())
    assert (got["share_b"] - got["share_a"]).tolist() == pytest.approx(got["difference"].tolist())
    bounds = [_hybrid(r.speakers_labelled_b, r.speakers_b, r.speakers_labelled_a, r.speakers_a)
              for r in want.itertuples()]
    assert got["difference_low"].tolist() == pytest.approx([lo for lo, _ in bounds])
    assert got["difference_high"].tolist() == pytest.approx([hi for _, hi in bounds])


def test_theme_differences_marks_a_comparison_small_when_either_side_is():
    units, themes = _workspace_like()
    got = theme_differences(units, themes).set_index(["comparison", "within", "a", "b", "theme"])
    assert not got.loc[("years", "A", "2023", "2024", "x"), "small_n"]      # 6 and 19 people, 30 and 40 units
    assert got.loc[("years", "A", "2024", "2025", "x"), "small_n"]          # 3 people in 2025
    assert got.loc[("years", "B", "2023-2024", "2024", "y"), "small_n"]    # 5 people but 25 units in 2023-2024
    assert not got.loc[("groups", "2024", "A", "B", "y"), "small_n"]       # 19 and 9 people, 40 and 36 units
    assert got["small_n"].dtype == bool


def test_theme_differences_has_intervals_and_no_significance_column():
    units, themes = _workspace_like()
    got = theme_differences(units, themes)
    assert list(got.columns) == COLUMNS
    assert not any("p_value" in c or "signif" in c or "star" in c for c in got.columns)
    assert ((got["difference_low"] <= got["difference"]) & (got["difference"] <= got["difference_high"])).all()
    assert list(theme_differences(units.iloc[:0], themes).columns) == COLUMNS


@pytest.mark.parametrize("spellings, name", [
    (["2023-24", "2023-2024", "2023/24", "2023–24", "2023 - 2024", " 2023/2024 "], "2023-2024"),
    (["1999-00", "1999-2000"], "1999-2000"),
    (["2024"], "2024"),
])
def test_spellings_of_one_period_are_one_period(spellings, name):
    from copquotes.topics.periods import period_key, period_name

    assert {period_name(s) for s in spellings} == {name}
    assert len({period_key(s) for s in spellings}) == 1


@pytest.mark.parametrize("text", ["Term 1", "(none)", "2023 cohort", None])
def test_a_value_that_is_no_period_spelling_is_kept(text):
    from copquotes.topics.periods import period_name

    assert period_name(text) == text


def test_two_spellings_of_one_series_are_never_compared_as_adjacent_years():
    rows = [("A", "2023-24", "f1", f"P{i}", "participant") for i in range(6) for _ in range(5)]
    rows += [("A", "2023-2024", "f2", f"Q{i}", "participant") for i in range(6) for _ in range(5)]
    rows += [("A", "2024-25", "f3", f"R{i}", "participant") for i in range(6) for _ in range(5)]
    units = pd.DataFrame(rows, columns=["group", "year", "file_id", "speaker_key", "speaker_role"])
    units.insert(0, "unit_id", [f"u{i:03d}" for i in range(len(units))])
    units["source_kind"] = "focus_group"
    said = units["speaker_key"].isin(["P0", "Q0", "Q1", "R0"]).astype(int)
    themes = pd.DataFrame({"unit_id": units["unit_id"], "theme": "x", "label": said})
    got = theme_differences(units, themes)
    years = got[got["comparison"] == "years"]
    # one comparison: the 2023-2024 series (12 people, 3 said x, both spellings) against 2024-2025
    assert years[["a", "b", "speakers_a", "speakers_labelled_a", "speakers_b", "speakers_labelled_b"]].values.tolist() \
        == [["2023-2024", "2024-2025", 12, 3, 6, 1]]
