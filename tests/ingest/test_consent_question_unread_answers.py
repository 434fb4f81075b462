"""A question that asks leave to quote but whose answers are mostly not plain yes or no (a small group that
hedged: "Maybe", "TBC", "ask my line manager") is not found as the consent by its answers (blind probe h143).
A file-level `consent: yes` then stands in only beside a yes there: an unread answer or an empty cell is
unknown, a no is a no, and the answers are never open text."""
from __future__ import annotations

import pytest

from .builders import csv_bytes, units_of

ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions.",
           "Having a standing slot to bring a hard case kept me from carrying it alone."]
ASKS = "Are you happy for us to quote your comments anonymously?"


def _survey(tmp_path, cells, **meta):
    rows = [["Respondent", "What did you value most about the CoP?", ASKS]]
    rows += [[str(i + 1), text, c] for i, (text, c) in enumerate(zip(ANSWERS, cells))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p, **meta)
    assert [u.text for u in units] == ANSWERS[:len(cells)]   # the consent answers are no units
    return [u.consent for u in units]


@pytest.mark.parametrize("cells,consents", [
    (["Maybe", "Yes"], [None, True]),
    (["ask my line manager", "Yes"], [None, True]),
    (["TBC", "Pending", "Yes"], [None, None, True]),
    (["Unsure", "", "Yes"], [None, None, True]),
    (["Depends what it is", "No", "?"], [None, False, None]),
])
def test_a_file_level_yes_stands_in_only_beside_a_yes(tmp_path, cells, consents):
    assert _survey(tmp_path, cells, consent="yes") == consents


def test_without_a_file_level_consent_nothing_is_a_yes(tmp_path):
    assert _survey(tmp_path, ["Maybe", "Yes"]) == [None, None]
