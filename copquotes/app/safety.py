"""Participant text is data, never markup.

* :func:`md_escape` turns any text into Markdown that renders as exactly that text:
  every ASCII punctuation character is backslash-escaped (CommonMark allows it for
  all of them), so no link, image, HTML tag, emphasis, auto-link, emoji short code,
  colour directive or formula can come from participant text.
* :func:`neutralise_cell` keeps spreadsheets from running participant text as a
  formula (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR).
* :func:`identifier_terms` / :func:`scrub` mask strings that were redacted
  anywhere in the workspace, for text the pipeline derived from raw text (topic
  labels and keywords, flag reasons).
"""
from __future__ import annotations

import re
import string

_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "aunty", "auntie", "uncle", "the", "prof", "and"}


def strip_control(text: str) -> str:
    """Drop control characters that XML (XLSX, DOCX, QDPX) cannot hold; keeps tab and newlines."""
    return _CONTROL.sub("", text)


def md_escape(text) -> str:
    """Markdown that displays ``text`` literally (line breaks kept)."""
    if text is None:
        return ""
    s = strip_control(str(text)).replace("\r\n", "\n").replace("\r", "\n")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # a line break inside a paragraph; blank lines stay paragraph breaks
    return re.sub(r"(?<!\n)\n(?!\n)", "  \n", s)


def md_blockquote(text) -> str:
    """``text`` as a Markdown block quote, escaped."""
    return "\n".join("> " + line if line.strip() else ">" for line in md_escape(text).split("\n"))


def neutralise_cell(value):
    """A spreadsheet cell that cannot be a formula: strings starting with ``= + - @``, tab
    or CR get a leading ``'``. Other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def identifier_terms(ws, min_len: int = 3) -> set[str]:
    """Lower-cased strings redacted anywhere in the workspace, plus known names of files."""
    terms: set[str] = set()
    for s, kind in ws.conn.execute(
            "SELECT DISTINCT lower(substr(u.text, r.start + 1, r.\"end\" - r.start)), r.kind FROM redactions r"
            " JOIN units u ON u.unit_id = r.unit_id WHERE r.status != 'undone'"):
        if s and len(s.strip()) >= min_len:
            terms.add(s.strip())
            if kind in ("person", "name"):  # a first or last name alone identifies too
                terms.update(w for w in re.split(r"[\s,.;:'’]+", s)
                             if len(w) >= min_len and w not in _HONORIFICS)
    for value, kind in ws.conn.execute("SELECT value, kind FROM file_identifiers"):
        if value and kind in ("person", "name", "org", "place", "email", "phone"):
            v = str(value).lower().strip()
            if len(v) >= min_len:
                terms.add(v)
                if kind in ("person", "name"):
                    terms.update(w for w in re.split(r"[\s,.]+", v) if len(w) >= min_len and w not in _HONORIFICS)
    return terms


def scrub(text, terms: set[str], placeholder: str = "[redacted]") -> str:
    """``text`` with every whole-word occurrence of ``terms`` (any case) replaced."""
    if text is None:
        return ""
    s = str(text)
    if not terms or not s:
        return s
    low = s.lower()
    words = set(re.findall(r"[^\W_]+", low))
    hits = [t for t in terms if t in low and (not t.isalnum() or t in words)]
    for t in sorted(hits, key=len, reverse=True):
        # underscores separate words here (BERTopic labels look like "3_word_word")
        s = re.sub(r"(?<![^\W_])" + re.escape(t) + r"(?![^\W_])", placeholder, s, flags=re.I)
    return s
