"""The one Markdown escaper, table-driven: participant text never becomes markup, and text
Markdown would not read as markup comes out as it went in (paste-ready)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from copquotes.disclosure import md_blockquote, md_escape
from copquotes.disclosure.markdown import JOINER as J

# CommonMark with GitHub's tables and strike-through (what GitHub, Teams and most editors render)
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
PLAIN_INLINE = {"text", "text_special", "softbreak", "hardbreak"}

UNCHANGED = [
    "3 approved quotes, exported 2026-12-06T22:44:23Z.",
    "Themes: Wellbeing, Isolation, Solidarity \u00b7 ref. q543f0cbe4443de4",
    "For me the CoP [Community of Practice] has been the one place (really).",
    "I told [name] at [school] about it - twice!",
    "We meet at 10:30 on 2024-05-01; it's 50% better, isn't it? \"Yes\" {sort of}",
    "Q&A + the 1:1 sessions / e-mails",
    "CoP survey respondent 2024",
    "Mid-Senior, 2024-2025",
    "themes: peer_learning, safe_space \u00b7 flags: quasi_identifier",
    "a\n\nb",
]

ESCAPED = [
    # (text, Markdown)
    ("- CoP survey respondent 2024", "\\- CoP survey respondent 2024"),
    ("+ one", "\\+ one"),
    ("---", "\\---"),
    ("words\n===", "words  \n\\==="),
    ("# heading", "\\# heading"),
    ("## also", "\\## also"),
    ("> quoted", "\\> quoted"),
    ("1. list", "1\\. list"),
    ("12) list", "12\\) list"),
    ("   - indented item", "\\- indented item"),
    ("    code block", "code block"),
    ("[click](http://evil.example)", "\\[click\\](http" + J + "\\://evil.example)"),
    ("![img](x.png)", "!\\[img\\](x.png)"),
    ("[ref]: http://evil.example", "\\[ref\\]: http" + J + "\\://evil.example"),
    ("see [a][b]", "see [a\\][b]"),
    ("note[^1]", "note\\[^1]"),
    ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
    ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
    ("a | b", "a \\| b"),
    ("~~strike~~", "\\~\\~strike\\~\\~"),
    ("$x^2$", "\\$x^2\\$"),
    ("back\\slash", "back\\\\slash"),
    ("&lt;b&gt;", "\\&lt;b\\&gt;"),
    (":red[colour] :smile:", ":red\\[colour] \\:smile:"),
    (":blue-badge[x]", ":blue-badge\\[x]"),
    # bare links: a word joiner too (Streamlit's remark-gfm links them after reading the escapes)
    ("www.evil.example and https://x.y", "www" + J + "\\.evil.example and https" + J + "\\://x.y"),
    ("me@example.org", "me" + J + "\\@example.org"),
    ("WWW.evil.example and Www.x.org", "WWW" + J + "\\.evil.example and Www" + J + "\\.x.org"),
    ("jo+@example.org or a-@b.com or a.@b.com",
     "jo+" + J + "\\@example.org or a-" + J + "\\@b.com or a." + J + "\\@b.com"),
]

ATTACKS = [
    "[click](http://evil.example)", "![img](http://x/y.png)", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<https://evil.example>", "**bold** _it_ `code`", "# heading",
    ":red[colour] :smile:", "$x^2$", "1. list\n- item", "| a | b |\n|---|---|", "[x](javascript:alert(1))",
    "&lt;b&gt;", "~~strike~~", "> quoted", "[name]: http://evil.example\n\nI told [name] about it",
    "text\n---", "text\n===", "    code", "* * *", "```\nfence\n```", "[a] b](c)", "x\\\n[a](b)",
]


def rendered(markdown: str) -> tuple[set[str], str]:
    """The token types markdown-it makes of ``markdown`` and the text a reader sees."""
    types, paragraphs = set(), []
    for tok in MD.parse(markdown):
        types.add(tok.type)
        if tok.type == "inline":
            types.update(c.type for c in tok.children)
            paragraphs.append("".join("\n" if c.type.endswith("break") else c.content for c in tok.children))
    return types, "\n\n".join(paragraphs)


def words(text: str) -> str:
    """What a reader sees: the words, the invisible word joiner left out."""
    return " ".join(text.replace(J, "").split())


@pytest.mark.parametrize("text", UNCHANGED)
def test_text_markdown_would_not_read_as_markup_is_unchanged(text):
    assert md_escape(text) == text


@pytest.mark.parametrize("text, expected", ESCAPED)
def test_markup_is_escaped_where_markdown_reads_it(text, expected):
    assert md_escape(text) == expected


@pytest.mark.parametrize("text", UNCHANGED + [t for t, _ in ESCAPED] + ATTACKS)
def test_rendered_output_is_one_plain_paragraph_per_paragraph_with_the_same_text(text):
    types, seen = rendered(md_escape(text))
    assert types <= {"paragraph_open", "paragraph_close", "inline"} | PLAIN_INLINE, types
    assert words(seen) == words(text)


_PIECES = ["[", "]", "(", ")", "!", ":", "red", "www", ".", "http", "//", "@", "-", "+", "#", ">", "1", "=",
           " ", "\n", "*", "_", "`", "<", "a", "&", "lt", ";", "|", "~", "$", "^", "\\", "    ", "x.org"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_no_mix_of_markdown_punctuation_renders_as_markup(text):
    types, seen = rendered(md_escape(text))
    assert types <= {"paragraph_open", "paragraph_close", "inline"} | PLAIN_INLINE, (text, types)
    assert words(seen) == words(text), text


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
    out = md_blockquote("one [a](b)\n\n- two")
    assert out.splitlines() == ["> one [a\\](b)", ">", "> \\- two"]
    types, seen = rendered(out)
    assert "link_open" not in types and "bullet_list_open" not in types
    assert words(seen) == "one [a](b) - two"
    assert not re.search(r"\\[,.\-:()]", md_escape("Honestly, 2024-05-01: fine (really)."))
