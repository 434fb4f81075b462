"""The one Markdown escaper, table-driven: participant text never becomes markup."""
from __future__ import annotations

import re

import pytest

from copquotes.disclosure import md_blockquote, md_escape

# (text, what must not survive as markup)
CASES = [
    ("[click](http://evil.example)", "](http"),
    ("![img](http://x/y.png)", "!["),
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("<https://evil.example>", "<https"),
    ("**bold** _it_ `code`", "**"),
    ("# heading", "# "),
    (":red[colour] :smile:", ":red["),
    ("$x^2$", "$x"),
    ("1. list\n- item", "- item"),
    ("| a | b |\n|---|---|", "|---"),
    ("[x](javascript:alert(1))", "](javascript"),
    ("&lt;b&gt;", "&lt;"),
    ("~~strike~~", "~~"),
    ("> quoted", "> quoted"),
]


@pytest.mark.parametrize("text, markup", CASES)
def test_markup_is_escaped(text, markup):
    out = md_escape(text)
    # no punctuation is left unescaped, so none of it can open a link, tag or block
    assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", out)), out
    assert markup not in re.sub(r"\\.", "", out)
    # what a reader sees, with the escapes removed, is the text itself (line breaks aside)
    assert re.sub(r"\\(.)", r"\1", out).replace("  \n", "\n") == text


@pytest.mark.parametrize("text, expected", [
    (None, ""),
    ("plain words", "plain words"),
    ("a\nb", "a  \nb"),                  # a line break inside a paragraph
    ("a\n\nb", "a\n\nb"),                # a paragraph break stays
    ("a\r\nb", "a  \nb"),
    ("bell\x07", "bell"),                # control characters dropped
])
def test_plain_text_and_line_breaks(text, expected):
    assert md_escape(text) == expected


def test_a_block_quote_quotes_every_line_and_escapes_it():
    out = md_blockquote("one [a](b)\n\ntwo")
    assert out.splitlines() == ["> one \\[a\\]\\(b\\)", ">", "> two"]
