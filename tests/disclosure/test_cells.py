"""The one spreadsheet formula neutraliser, table-driven."""
from __future__ import annotations

import pytest

from copquotes.disclosure import is_formula_like, neutralise_cell, strip_control


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"),
    ("+61 400 000 000", "'+61 400 000 000"),
    ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+2", "'\t=1+2"),                          # a tab first
    ("\rcmd", "'\rcmd"),                            # a carriage return first
    ("\ncmd", "'\ncmd"),
    ("  =HYPERLINK(\"http://x\")", "'  =HYPERLINK(\"http://x\")"),   # after leading spaces
    ("\u00a0=1", "'\u00a0=1"),                      # after a no-break space
    ("'=1+1", "''=1+1"),                            # after a quote mark
    ("\"=cmd|' /C calc'!A0\"", "'\"=cmd|' /C calc'!A0\""),
    ("“=1”", "'“=1”"),                              # after a curly quote
    ("' \t=1", "'' \t=1"),                          # quote, space, tab, then the sign
    (" '@x", "' '@x"),
])
def test_formula_like_text_gets_a_leading_quote(value, expected):
    assert is_formula_like(value)
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize("value", [
    "I walk in flat and walk out with a plan.", "a=b", "email me@x.org", "5-6 sessions", "", "   ", "''",
    "[name] said - yes", "100%", "“quoted” words",
])
def test_ordinary_text_is_unchanged(value):
    assert not is_formula_like(value)
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", [None, 3, 2.5, -1, True])
def test_values_that_are_not_strings_are_unchanged(value):
    assert neutralise_cell(value) is value


def test_control_characters_go_but_tab_and_newlines_stay():
    assert strip_control("a\x00b\x07c\td\ne\rf\x1fg\x7f") == "abc\td\ne\rfg"
