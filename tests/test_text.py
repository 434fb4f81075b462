"""copquotes.text: characters stripped from participant text at ingest (and before XML)."""
from __future__ import annotations

import pytest

from copquotes.text import safe_text, strip_unsafe_chars


@pytest.mark.parametrize("text, clean, control, nonchar", [
    ("plain words, emoji 😀, é, 中文", "plain words, emoji 😀, é, 中文", 0, 0),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay", 0, 0),
    ("a\x00b", "ab", 1, 0),                                   # NUL
    ("bell\x07 and escape\x1b[0m", "bell and escape[0m", 2, 0),
    ("del\x7f and C1 \x9d", "del and C1 ", 2, 0),
    ("vertical\x0btab and form\x0cfeed", "vertical tab and form feed", 2, 0),   # between words: a space
    ("next\x85line", "next line", 1, 0),
    ("crlf\r\nand cr\rend", "crlf\nand cr\nend", 0, 0),      # line breaks normalised, not counted
    ("non\ufffechar\uffff", "nonchar", 0, 2),
    ("\ufdd0arabic block\ufdef", "arabic block", 0, 2),
    ("astral \U0001fffe\U0010ffff end", "astral  end", 0, 2),
    ("lone \ud83d surrogate", "lone  surrogate", 0, 1),
    ("\ufeffBOM and U+FFFD \ufffd stay", "\ufeffBOM and U+FFFD \ufffd stay", 0, 0),
])
def test_strip_unsafe_chars(text, clean, control, nonchar):
    out, counts = strip_unsafe_chars(text)
    assert out == clean
    assert counts == {"control": control, "noncharacter": nonchar}
    assert strip_unsafe_chars(out) == (out, {"control": 0, "noncharacter": 0})   # idempotent


def test_safe_text_passes_non_strings_through():
    assert safe_text(None) is None and safe_text(3) == 3 and safe_text("a\x00\ufffe") == "a"
