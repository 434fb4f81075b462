"""copquotes/ingest/tables.py ``source_rows``: the one reader of a table source's rows that the
survey and the coded-segment (QDA) readers share: a workbook's sheet, or a delimited text file
whose encoding and delimiter are worked out when not given."""
from __future__ import annotations

import pytest

from copquotes.ingest.base import Source
from copquotes.ingest.tables import source_rows

from .builders import make_plain_xlsx, write_csv

ROWS = [["Document", "Code", "Segment"], ["Interview 1", "Belonging", "Café mornings kept me going."],
        ["Interview 2", "Confidence", "I speak up; people listen."]]


def _csv(**how):
    return lambda path: write_csv(path.with_suffix(".csv"), ROWS, **how)


def _xlsx(sheet):
    return lambda path: make_plain_xlsx(path.with_suffix(".xlsx"), [["ignored"]], sheets={sheet: ROWS})


CASES = {   # (format, how the file is made, the sheet asked for)
    "a survey CSV": ("plain_csv", _csv(), None),
    "a coded CSV": ("coded_csv", _csv(), None),
    "a coded CSV in Latin-1 with semicolons": ("coded_csv", _csv(encoding="cp1252", delimiter=";"), None),
    "a survey CSV with tabs": ("plain_csv", _csv(delimiter="\t"), None),
    "a survey workbook's named sheet": ("plain_xlsx", _xlsx("Coded"), "Coded"),
    "a coded workbook's named sheet": ("coded_xlsx", _xlsx("Segments"), "Segments"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_table_sources_rows_are_read_with_their_numbers_whatever_its_format(tmp_path, case):
    fmt, make, sheet = CASES[case]
    path = make(tmp_path / "table")
    assert list(source_rows(Source(path, fmt), sheet)) == [(i + 1, row) for i, row in enumerate(ROWS)]


def test_a_given_encoding_and_delimiter_are_used_as_given(tmp_path):
    path = write_csv(tmp_path / "t.csv", ROWS, delimiter=";")
    assert [row for _, row in source_rows(Source(path, "plain_csv"), None, "utf-8", ",")][1] == \
        ["Interview 1;Belonging;Café mornings kept me going."]
