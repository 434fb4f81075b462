"""How the anonymise stage cuts a workspace's files: groups of about GROUP_UNITS units (whole
files) rendered and written together, and with a distributed engine, windows of groups of at
most MAP_UNITS units to analyse sent to one map, so that what the driver holds does not grow
with the workspace."""
from __future__ import annotations

import pytest

from copquotes.anonymise.stage import _file_groups, _map_window

# file id -> units
SIZES = {1: 30, 2: 30, 3: 50, 4: 120, 5: 10, 6: 10}
UNITS = {fid: [(f"u{fid}-{k}", "text") for k in range(n)] for fid, n in SIZES.items()}


@pytest.mark.parametrize("size, groups", [
    (60, [[1, 2], [3], [4], [5, 6]]),      # a file larger than a group is alone
    (1000, [[1, 2, 3, 4, 5, 6]]),
    (1, [[1], [2], [3], [4], [5], [6]]),
])
def test_file_groups_are_whole_files_in_order(size, groups):
    assert list(_file_groups(sorted(UNITS), UNITS, size)) == groups


@pytest.mark.parametrize("start, to_analyse, size, window", [
    (0, set(SIZES), 110, {1, 2, 3}),           # groups [1, 2] and [3]: 110 units; [4] would pass it
    (0, set(SIZES), 60, {1, 2}),               # the first group only
    (2, set(SIZES), 60, {4}),                  # a group larger than the window is taken whole
    (0, {2, 5}, 60, {2, 5}),                   # only files to analyse count
    (0, {4}, 60, {4}),                         # leading groups with nothing to analyse add nothing
    (3, set(SIZES), 10_000, {5, 6}),
])
def test_map_window_takes_whole_groups_up_to_its_size(start, to_analyse, size, window):
    groups = list(_file_groups(sorted(UNITS), UNITS, 60))
    assert _map_window(groups[start:], to_analyse, UNITS, size) == window


def test_every_file_to_analyse_is_in_exactly_one_window():
    groups = list(_file_groups(sorted(UNITS), UNITS, 60))
    to_analyse = {1, 3, 4, 6}
    seen: list = []
    mapped: set = set()
    for gi, group in enumerate(groups):   # as the stage walks them
        if any(f in to_analyse and f not in mapped for f in group):
            window = _map_window(groups[gi:], to_analyse, UNITS, 60)
            seen += sorted(window)
            mapped |= window
    assert sorted(seen) == sorted(to_analyse) and len(seen) == len(set(seen))
