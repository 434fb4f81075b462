"""A group or year whose name is a word the people tables use for their own columns ("all", the
total; "(none)", no group or year) is still a column of its own (copquotes.app.data, no Streamlit).

Failing on h127 (e9c5cc2) and on main (3eef977): found by review h130, not fixed."""
from __future__ import annotations

import pytest

from copquotes import themescores
from copquotes.app import data
from copquotes.workspace import Workspace


def one_survey(path, cells):
    """A survey, one respondent per answer; ``cells``: (group, year, answers), wellbeing in every other."""
    ws = Workspace.open(path, create=True)
    rows, i = [], 0
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (1, '/data/s.csv', 's.csv', 'plain_csv', ?, 'fp1', '{}', 0, '2025')",
                  ("0" * 64,))
        for grp, year, n in cells:
            for _ in range(n):
                c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                          " speaker_key, speaker_role, consent) VALUES (?,1,?,'An answer.',?,'survey',?,?,?,"
                          "'respondent',1)", (f"u{i}", i, f"h{i}", grp, year, f"R{i}"))
                rows.append((f"u{i}", "wellbeing", 0.9 if i % 2 == 0 else 0.1, int(i % 2 == 0), 0))
                i += 1
    themescores.write(ws, rows)
    return ws


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
