"""A group or year whose name is a word the people tables use for their own columns ("all", the
total; "(none)", no group or year) is still a column of its own (copquotes.app.data, no Streamlit).

Found by review h130 (failing on main 3eef977 too); fixed with the people tables' column keys."""
from __future__ import annotations

import pytest

from copquotes.app import data

from .builders import survey_answers


def one_survey(path, cells):
    """A survey, one respondent per answer; ``cells``: (group, year, answers), wellbeing in every other."""
    slots = [(grp, year) for grp, year, count in cells for _ in range(count)]
    return survey_answers(path, [(grp, year, f"R{i}", "wellbeing", i % 2 == 0) for i, (grp, year) in enumerate(slots)])


@pytest.mark.parametrize("by, cells", [
    ("group", [("all", "2025", 4), ("RRE", "2025", 6)]),     # a group named "all" (4 people) beside RRE (6)
    ("year", [("RRE", "all", 4), ("RRE", "2025", 6)]),      # a year (series) named "all"
    ("group", [(None, "2025", 4), ("(none)", "2025", 6)]),  # no group (4) and a group named "(none)" (6)
])
def test_a_group_or_year_named_like_a_column_word_keeps_its_own_people(tmp_path, by, cells):
    ws = one_survey(tmp_path / "ws", cells)
    try:
        tidy = data.theme_people(ws, by)
        table = data.people_table(tidy)
    finally:
        ws.close()
    total = sum(n for *_, n in cells)
    assert sorted(tidy["people"]) == sorted([n for *_, n in cells] + [total])      # each column once, and the total
    assert len(table.columns) == len(cells) + 1


@pytest.mark.parametrize("by, cells, columns", [
    ("group", [("all", "2025", 3), ("RRE", "2025", 6)], {"all": 66.7, "RRE": 50.0, "All groups": 55.6}),
    ("year", [("RRE", "all", 3), ("RRE", "2025", 6)], {"all": 66.7, "2025": 50.0, "All years": 55.6}),
    ("group", [(None, "2025", 3), ("(none)", "2025", 6)], {"(no group)": 66.7, "(none)": 50.0, "all": 55.6}),
])
def test_the_unit_share_table_keeps_a_group_or_year_named_like_a_column_word_apart(tmp_path, by, cells, columns):
    ws = one_survey(tmp_path / "ws", cells)
    try:
        table = data.theme_prevalence(ws, by)
        people = data.people_table(data.theme_people(ws, by))
    finally:
        ws.close()
    assert table.loc["wellbeing"].to_dict() == columns
    assert list(people.columns)[-1] == list(columns)[-1]        # the people table labels its total the same way
