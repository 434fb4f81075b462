"""A roll-up of distinct people beside its parts must not give away a small theme overlap
(copquotes.disclosure.overlap)."""
from __future__ import annotations

import pytest

from copquotes.disclosure import SMALL_SPEAKERS, overlap_small, rollup_suppression


@pytest.mark.parametrize("parts, rollup, small", [
    ([7, 5], 11, True),                       # the review's case: one person said it in both years
    ([7, 5], 12, False),                      # no overlap: the sum, nothing to give away
    ([7, 5], 8, True),                        # 4 people: still fewer than 5
    ([7, 5], 7, False),                       # 5 people: a count that may be shown
    ([3, 3, 3], 5, True),                     # three parts: 4 counted twice or more
    ([9], 9, False),                          # one part is its roll-up
    ([], 0, False),
])
def test_an_overlap_of_one_to_four_people_is_small(parts, rollup, small):
    assert overlap_small(parts, rollup) is small
    assert SMALL_SPEAKERS == 5


YEARS = ({"2024": 7, "2025": 5}, 11)                      # overlap 1
GROUPS_APART = ({"RRE": 9, "Regional": 2}, 11)            # nobody in two groups: the sum is the total
PEOPLE = {"year": {"2024": 20, "2025": 22}, "group": {"RRE": 30, "Regional": 11}}


@pytest.mark.parametrize("tables, hidden, hide, extra", [
    # the years give the overlap away: the total is hidden; the groups add up to it, so their smallest goes too
    ({"year": YEARS, "group": GROUPS_APART}, {}, True, {"group": {"Regional"}}),
    # one group only: it is the total, hidden with it
    ({"year": YEARS, "group": ({"RRE": 11}, 11)}, {}, True, {"group": {"RRE"}}),
    # a group already hidden (a small cell): the groups give only the sum of two hidden counts
    ({"year": YEARS, "group": ({"RRE": 9}, 11)}, {"group": {"Regional"}}, True, {}),
    # both tables give a small overlap: the total alone is hidden
    ({"year": YEARS, "group": ({"RRE": 9, "Regional": 3}, 11)}, {}, True, {}),
    # no small overlap anywhere: nothing is hidden
    ({"year": ({"2024": 7, "2025": 5}, 12), "group": GROUPS_APART}, {}, False, {}),
    ({"year": ({"2024": 9, "2025": 9}, 10)}, {}, False, {}),    # 8 people: shown
])
def test_a_small_overlap_hides_the_total_everywhere_and_what_would_give_it_back(tables, hidden, hide, extra):
    assert rollup_suppression(tables, PEOPLE, hidden) == (hide, extra)
