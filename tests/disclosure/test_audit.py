"""The audit of a two-way table's hidden counts (copquotes.disclosure.audit) and the suppression that
satisfies it (copquotes.disclosure.table_suppression): a reader who solves the table with its totals
must not narrow a hidden small count."""
from __future__ import annotations

import math
import random

import pytest

from copquotes.disclosure import SMALL_SPEAKERS, table_suppression
from copquotes.disclosure.audit import AT_LEAST, AT_MOST, SAME, TableFlows, exact_totals, intervals, readers


def _cells(rows: dict) -> dict:
    """{row: {column: n}} -> {(row, column): n}."""
    return {(r, c): n for r, cols in rows.items() for c, n in cols.items()}


def _narrowed(counts, hidden, small, rows, cols, caps=None) -> dict:
    """The small cells whose interval (by linear programming) is narrower than the rule allows:
    cell -> (its interval, the interval it has with every nonzero count hidden)."""
    got = intervals(counts, hidden, rows, cols, caps)
    widest = intervals(counts, {c for c, n in counts.items() if n}, rows, cols, caps)
    out = {}
    for cell in small:
        (low, high), (wide_low, wide_high) = got[cell], widest[cell]
        if low > max(1, wide_low) or high < min(SMALL_SPEAKERS, wide_high):
            out[cell] = (got[cell], widest[cell])
    return out


# Tables where hiding by lines alone (no row or column with exactly one hidden count) still lets a
# reader who knows every row's and column's sum narrow a small count: the interval it must reach is 1
# to 5, and the second column says what the reader could work out before.
@pytest.mark.parametrize("rows, narrowed", [
    # a 2 x 2 block of hidden counts: column a's hidden pair adds up to 11 - 6 = 5, so t0's a is 1 to 4
    ({"t0": {"a": 2, "b": 9}, "t1": {"a": 3, "b": 8}, "t2": {"a": 6, "b": 7}}, {("t0", "a"): (1, 4)}),
    # the same with a 0 beside them: a 0 is never hidden, and column a still pins the pair below 5
    ({"t0": {"a": 1, "b": 20, "c": 0}, "t1": {"a": 2, "b": 30, "c": 6}, "t2": {"a": 9, "b": 7, "c": 8}},
     {("t0", "a"): (1, 2)}),
    # two small counts in one row and one column each, their partners big: the reader gets 1 to 3
    ({"t0": {"a": 1, "b": 3, "c": 12}, "t1": {"a": 3, "b": 1, "c": 15}, "t2": {"a": 7, "b": 9, "c": 11}},
     {("t0", "a"): (1, 3)}),
])
def test_a_small_count_that_lines_alone_leave_narrow_is_protected_after_suppression(rows, narrowed):
    counts = _cells(rows)
    small = {c for c, n in counts.items() if 0 < n < SMALL_SPEAKERS}
    totals = exact_totals(counts)
    by_lines = small | _by_lines(counts, small)
    before = _narrowed(counts, by_lines, small, *totals)
    for cell, interval in narrowed.items():          # the attack works on hiding by lines alone
        assert before[cell][0] == interval
    after = small | table_suppression(counts, small)
    assert _narrowed(counts, after, small, *totals) == {}


def _by_lines(counts, small) -> set:
    """Hiding by lines alone (the rule before the audit): no row or column with exactly one hidden
    count among nonzero ones."""
    from copquotes.disclosure import secondary_suppression

    gone, changed = set(small), True
    while changed:
        changed = False
        for axis in (0, 1):
            for key in {c[axis] for c in counts}:
                line = {c: c in gone for c in counts if c[axis] == key and (c in gone or counts[c])}
                extra = secondary_suppression(line, counts)
                if extra:
                    gone |= extra
                    changed = True
    return gone - set(small)


def _random_relations(rng, counts):
    rows, cols = exact_totals(counts)
    pick = [SAME, AT_MOST, AT_LEAST, None]

    def loosen(lines):
        out = {}
        for key, (_, total) in lines.items():
            rel = rng.choice(pick)
            if rel == AT_MOST:
                out[key] = (rel, total + rng.randint(0, 3))
            elif rel == AT_LEAST:
                out[key] = (rel, max(0, total - rng.randint(0, 3)))
            elif rel == SAME:
                out[key] = (rel, total)
        return out
    caps = {c: n + rng.randint(0, 6) for c, n in counts.items() if rng.random() < 0.3}
    return loosen(rows), loosen(cols), caps


@pytest.mark.parametrize("seed", range(12))
def test_the_flow_bounds_are_the_linear_programme_bounds(seed):
    rng = random.Random(seed)
    counts = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 7, 9, 14]) for r in range(rng.randint(2, 5))
              for c in range(rng.randint(2, 4))}
    hidden = {c for c, n in counts.items() if n and rng.random() < 0.6}
    rows, cols, caps = _random_relations(rng, counts)
    lp = intervals(counts, hidden, rows, cols, caps)
    flows = TableFlows(counts, rows, cols, caps)
    graph = flows.graph(hidden)
    for cell in hidden:
        low, high = flows.bounds(graph, cell)
        assert low == lp[cell][0], cell
        assert high == lp[cell][1] or (lp[cell][1] == math.inf and high >= flows.big // 2), cell


def _people(rng, topics: int, themes: int, survey: bool):
    """Random people: in a survey each answers once (one topic) with up to two themes; in focus groups
    each speaks in up to three topics with up to three themes in each, and a facilitator (counted in
    the topics, not in the themes' people over all, which count participants) speaks in many."""
    weights = [rng.random() ** 2 + 0.05 for _ in range(themes)]
    people = []
    for k in range(rng.randint(15, 60)):
        facilitator = not survey and k < 2
        many = min(topics, rng.randint(1, 3 + 2 * facilitator))
        spoke = [rng.randrange(topics)] if survey else rng.sample(range(topics), many)
        said = {t: set(rng.choices(range(themes), weights, k=rng.randint(0, 2 if survey else 3))) for t in spoke}
        people.append((facilitator, said))
    return people


def _table(people, topics, themes):
    counts = {(t, th): 0 for t in range(topics) for th in range(themes)}
    in_topic = {t: 0 for t in range(topics)}
    total = {th: 0 for th in range(themes)}
    for facilitator, said in people:
        for t, ths in said.items():
            in_topic[t] += 1
            for th in ths:
                counts[(t, th)] += 1
        if not facilitator:
            for th in set().union(*said.values()):
                total[th] += 1
    return counts, in_topic, total


@pytest.mark.parametrize("survey", [True, False], ids=["survey", "focus groups"])
@pytest.mark.parametrize("seed", range(12))
def test_no_small_count_can_be_narrowed_after_suppression(seed, survey):
    rng = random.Random(1000 * survey + seed)
    topics, themes = rng.randint(3, 6), rng.randint(2, 4)
    counts, in_topic, total = _table(_people(rng, topics, themes, survey), topics, themes)
    # what the app publishes: each topic's people (a bound on each count of its row, "fewer than 5"
    # being at most 4) and each theme's people over all
    caps = {c: in_topic[c[0]] if in_topic[c[0]] >= SMALL_SPEAKERS else SMALL_SPEAKERS - 1 for c in counts}
    # and what those totals tell of the table: a theme's people over topics add up to its people over
    # all in a survey (one answer each, one topic an answer), and at least to it otherwise
    cols = {th: (SAME if survey else AT_LEAST, n) for th, n in total.items()}
    rows = {t: (AT_MOST, n * themes) for t, n in in_topic.items()}
    small = {c for c, n in counts.items() if 0 < n < SMALL_SPEAKERS}
    hidden = small | table_suppression(counts, small, caps=caps)
    assert _narrowed(counts, hidden, small, rows, cols, caps) == {}
    # and against the readers the app assumes: every row's and column's exact sum, the columns' only,
    # the rows' only
    for known in readers(counts):
        assert _narrowed(counts, hidden, small, *known, caps) == {}


def test_a_table_of_a_hundred_topics_by_twelve_themes_is_protected_in_well_under_the_apps_budget():
    """The Topics page suppresses on every view: 100 topics x 12 themes (most topics small, so half
    the counts are below 5) must take well under 0.3 s, and leave no small count narrowable."""
    import time

    from copquotes.disclosure.audit import unprotected

    rng = random.Random(5)
    counts, caps = {}, {}
    for t in range(100):
        people = int(5 + rng.paretovariate(1.2) * 5)
        for th in range(12):
            share = 0.03 + 0.4 * (th / 12) ** 2
            counts[(t, th)] = sum(rng.random() < share for _ in range(people))
            caps[(t, th)] = people
    small = {c for c, n in counts.items() if 0 < n < SMALL_SPEAKERS}
    assert len(small) > 400
    times = []
    for _ in range(3):
        start = time.perf_counter()
        extra = table_suppression(counts, small, caps=caps)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.3, times
    assert unprotected(counts, small | extra, small, SMALL_SPEAKERS, *exact_totals(counts), caps) == []
