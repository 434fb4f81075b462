"""Participant text in Markdown is data, never markup.

:func:`md_escape` backslash-escapes every ASCII punctuation character (CommonMark allows
it for all of them), so no link, image, HTML tag, emphasis, heading, list, table,
auto-link, emoji short code, colour directive or LaTeX can come from participant text;
control characters are dropped and line breaks kept.
"""
from __future__ import annotations

import re
import string

from .cells import strip_control

_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


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
