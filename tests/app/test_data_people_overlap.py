"""The people tables' totals count a person once, so the years add up to more than "all" by the people
who said a theme in two years: a count of 1 to 4 people must not be shown that way (copquotes.app.data,
no Streamlit; the rule: copquotes.disclosure.overlap)."""
from __future__ import annotations

import pytest

from copquotes.app import data
from copquotes.disclosure import SECONDARY_WORDS

from .builders import survey_answers


def pooled_survey(path, both: int):
    """One survey pooling 2024 (20 respondents) and 2025 (22), group RRE, two answers each; ``both``
    respondents answered in both years and said backlash both times; backlash: 7 people in 2024, 5
    (or ``both``, if more) in 2025, so "all" is 12 - ``both`` when ``both`` <= 5."""
    shared = [f"S{i}" for i in range(both)]
    years = {"2024": shared + [f"A{i}" for i in range(20 - both)], "2025": shared + [f"B{i}" for i in range(22 - both)]}
    said = {"2024": set(shared) | {f"A{i}" for i in range(7 - both)},
            "2025": set(shared) | {f"B{i}" for i in range(5 - both)}}
    return survey_answers(path, [("RRE", year, person, "backlash", answer == 0 and person in said[year])
                                 for year, who in years.items() for person in who for answer in range(2)])


@pytest.mark.parametrize("both, hidden", [(0, False), (1, True), (4, True), (5, False)])
def test_a_total_that_would_show_a_few_people_said_a_theme_in_two_years_is_hidden(tmp_path, both, hidden):
    ws = pooled_survey(tmp_path / "ws", both)
    try:
        tables = {by: data.people_table(data.theme_people(ws, by)) for by in ("year", "group")}
        tidy = data.theme_people(ws, "year")
    finally:
        ws.close()
    years = tables["year"].loc["backlash"]
    assert years["2024"] == "35% (7 of 20 people)" and f"({max(5, both)} of 22 people)" in years["2025"]
    total = f"({12 - both} of {42 - both} people)"
    shown = [cell for table in tables.values() for cell in table.loc["backlash"]]
    if hidden:
        assert years["all"] == SECONDARY_WORDS                  # the words of the table's other hidden counts
        assert not any(total in cell for cell in shown)         # nor given back by the group table (RRE is all)
        assert tables["group"].loc["backlash", "RRE"] == SECONDARY_WORDS
        assert bool(tidy.loc[tidy["total"], "hidden"].iloc[0])  # the Overview's bar chart leaves it out
    else:
        assert total in years["all"] and total in tables["group"].loc["backlash", "all"]
        assert not tidy["hidden"].any()
