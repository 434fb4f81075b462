"""Participant text in Markdown is data, never markup, and reads as plain text when pasted.

:func:`md_escape` backslash-escapes a character only where Markdown (CommonMark, GitHub's
extensions, Streamlit's directives) would read it as markup, so a quote pasted from an export
keeps its commas, dates, full stops and parentheses plain. Escaped:

* anywhere: ``\\``, `````, ``*``, ``<``, ``|``, ``~``, ``$`` (code, emphasis, HTML and
  auto-links, tables, strike-through, LaTeX), ``_`` but inside a word (``peer_learning``);
* by position: at a line's start (after up to three spaces) ``>``, ``#`` opening a heading,
  ``-`` / ``+`` opening a list or underlining a heading, ``=`` underlining one, digits and
  ``.`` / ``)`` opening a numbered list, ``[`` opening a link definition; ``]`` before ``(``,
  ``[`` or ``:`` (a link, a reference, a definition); ``[`` after ``!`` (an image), after
  ``:word`` (a Streamlit colour or badge) or before ``^`` (a footnote); ``&`` opening an entity
  (``&lt;``); ``:`` opening ``//`` (``https://``) or a short code (``:smile:``); ``.`` after
  ``www`` and ``@`` inside an address (GitHub's bare links).

A bare link is also broken by an invisible word joiner (U+2060, :data:`JOINER`) before the
escaped ``:`` / ``.`` / ``@``: Streamlit's Markdown (remark-gfm) finds ``www.example.org``,
``https://...`` and ``a@b.org`` in the text *after* its escapes are read, so a backslash alone
still made a link there (tests/app/test_browser_markdown.py). Only what is shown carries the
joiner; the stored text never does.

So no link, image, HTML tag, emphasis, heading, list, table, auto-link, emoji short code, colour
directive, code block or LaTeX can come from participant text; control characters and the
spaces that start a line (Markdown shows neither) are dropped, line breaks kept. tests/disclosure/test_markdown.py renders the output with markdown-it-py.
"""
from __future__ import annotations

import re

from .cells import strip_control

_ALWAYS = re.compile(r"([\\`*<|~$]|(?<![^\W_])_|_(?![^\W_]))")     # an ``_`` inside a word is no emphasis
_LINE_START = re.compile(
    r"^( {0,3})("
    r">"                                  # block quote
    r"|#(?=#{0,5}(?:[ \t]|$))"            # heading
    r"|[-+](?=[ \t]|$)|-(?=[- \t]*$)"      # list item, setext underline, thematic break
    r"|=(?=[= \t]*$)"                      # setext underline
    r"|\[)",                              # link reference definition
    re.M)
_ORDERED = re.compile(r"^( {0,3}\d{1,9})([.)])(?=[ \t]|$)", re.M)
_POSITIONAL = re.compile(
    r"\](?=[(\[:])"                       # [text](url), [text][ref], [ref]: url
    r"|(?<=!)\["                          # ![image]
    r"|\[(?=\^)"                          # [^footnote]
    r"|&(?=#?\w+;)"                       # &lt; &#60;
    r"|:(?=[A-Za-z+][\w+/-]*:)")          # :smile: :material/home:
_BARE_LINK = re.compile(
    r":(?=//)"                            # https://
    r"|(?<=\b[wW]{3})\."                   # www.example, WWW.example
    r"|(?<=[\w.+-])@(?=\w)")              # name@example, jo+@example
JOINER = "\u2060"      # the word joiner: invisible, and no bare link runs across it
_DIRECTIVE = re.compile(r"(:[A-Za-z][\w-]*)\[")     # :red[ :blue-badge[ (any length of name)


def _escape_line_starts(s: str) -> str:
    s = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), s)
    return _ORDERED.sub(r"\1\\\2", s)


def md_escape(text) -> str:
    """Markdown that displays ``text`` literally (line breaks kept); see the module doc."""
    if text is None:
        return ""
    s = strip_control(str(text)).replace("\r\n", "\n").replace("\r", "\n")
    s = re.sub(r"^[ \t]+", "", s, flags=re.M)     # an indented line is a code block (Markdown shows no indent)
    s = _ALWAYS.sub(r"\\\1", s)
    s = _POSITIONAL.sub(lambda m: "\\" + m.group(0), s)
    s = _BARE_LINK.sub(lambda m: JOINER + "\\" + m.group(0), s)
    s = _DIRECTIVE.sub(r"\1\\[", s)
    s = _escape_line_starts(s)
    # a line break inside a paragraph; blank lines stay paragraph breaks
    return re.sub(r"(?<!\n)\n(?!\n)", "  \n", s)


def md_blockquote(text) -> str:
    """``text`` as a Markdown block quote, escaped."""
    return "\n".join("> " + line if line.strip() else ">" for line in md_escape(text).split("\n"))
