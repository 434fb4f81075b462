"""Small text utilities shared by every stage: sentence spans and word counts, and the
words of a text as the quote search's index sees them (:func:`search_tokens`).

Sentences are character spans ``(start, end)`` into the original text, so a quote
or an evidence sentence is always a span of its source.
"""
from __future__ import annotations

import re
import unicodedata

_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "vs", "etc", "e.g", "i.e", "eg", "ie",
    "approx", "dept", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "inc", "ltd", "pty", "co", "assoc", "govt", "cf", "al",
}
# a sentence ends at . ! ? or an ellipsis, optionally followed by closing quotes/brackets
_END = re.compile(r"(?:\.\.\.|…|[.!?]+)[\"'”’)\]]*(?=\s+|$)")
_WORD = re.compile(r"[A-Za-z0-9’']+(?:[-’'][A-Za-z0-9]+)*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans, trimmed of surrounding white space.

    Rule based (fast, deterministic): breaks after ``.``, ``!``, ``?`` or an
    ellipsis followed by white space, except after common abbreviations and
    single initials; also breaks at blank lines. Never returns an empty span.
    """
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        b_start = block.start()
        chunk = block.group(0)
        start = 0
        for m in _END.finditer(chunk):
            end = m.end()
            before = chunk[start:m.start()]
            last = re.search(r"([A-Za-z][A-Za-z.]*)$", before)
            if m.group(0).startswith(".") and not m.group(0).startswith("...") and last:
                word = last.group(1).lower().rstrip(".")
                if word in _ABBREVIATIONS or len(word) == 1:
                    continue
            # do not break if the next character is lower case (e.g. "... and then")
            rest = chunk[end:].lstrip()
            if rest[:1].islower() and m.group(0) in ("...", "…"):
                continue
            _add(spans, text, b_start + start, b_start + end)
            start = end
        _add(spans, text, b_start + start, b_start + len(chunk))
    return spans


def _add(spans, text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# ---------------------------------------------------------------------------------- names
#: Titles, honorifics and kinship words that stand before a person's name ("Dr", "Mr",
#: "Aunty", "Uncle", "Sister", "Cllr"), lower case, without a full stop. The ONE list:
#: the anonymiser joins them to a name's span, roster matching drops them from labels,
#: and the disclosure layer never treats one alone as a name. Compare with
#: :func:`is_honorific` (it ignores case and a trailing full stop).
TITLES = frozenset("""
mr mrs ms miss mx mister madam dr doctor prof professor assoc associate aprof a/prof rev reverend revd sir dame
lady lord hon cllr councillor cr sr br fr pastor rabbi imam sheikh father sister brother elder coach
constable sergeant sgt detective inspector superintendent
""".split())
#: kinship words used as titles, in the communities the CoPs work with (Aboriginal and Torres Strait
#: Islander Aunty/Uncle; Italian, Greek, Somali/Hindi, Maori usage)
KINSHIP_TITLES = frozenset("""
aunty auntie aunt uncle nan nana nanna nonna nonno pop poppy grandma grandpa granny gran
zia zio yiayia papou pappou theia thia bibi dadi nani whaea matua koro kui
""".split())
HONORIFICS = TITLES | KINSHIP_TITLES


def is_honorific(word: str) -> bool:
    """``word`` is a title, honorific or kinship word ("Dr.", "AUNTY", "mr")."""
    return str(word).strip().rstrip(".").lower() in HONORIFICS


# ---------------------------------------------------------------------------------- unsafe characters
# Characters no text of a participant needs and that break what reads it later: control characters
# (Unicode Cc, except tab and newline; a carriage return becomes a newline), noncharacters (U+FDD0..U+FDEF
# and the last two code points of every plane: U+FFFE, U+FFFF, U+1FFFE ...), which XML forbids (an XLSX
# with one is invalid, python-docx refuses it), and lone surrogates (SQLite cannot store them as UTF-8).
# Vertical tab, form feed and the separators U+001C..U+001F / U+0085 stand between words: a space.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_SPACE_CTRL = "\x0b\x0c\x1c-\x1f\x85"
_UNSAFE = re.compile(f"\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{NONCHARACTERS}]")
_IS_NONCHAR = re.compile(f"[{NONCHARACTERS}]")
_IS_SPACE_CTRL = re.compile(f"[{_SPACE_CTRL}]")


def strip_unsafe_chars(text: str) -> tuple[str, dict[str, int]]:
    """``text`` without control characters (tab and newline kept; CR / CRLF become a newline;
    vertical tab, form feed and the information separators a space), noncharacters and lone
    surrogates; with how many of each kind went: ``{"control": n, "noncharacter": n}``
    (surrogates count as noncharacters; a CR turned newline is not counted)."""
    counts = {"control": 0, "noncharacter": 0}
    if not text or not _UNSAFE.search(text):
        return text, counts

    def fix(m) -> str:
        c = m.group(0)
        if c[0] == "\r":
            return "\n"
        if _IS_NONCHAR.match(c) or "\ud800" <= c <= "\udfff":
            counts["noncharacter"] += 1
            return ""
        counts["control"] += 1
        return " " if _IS_SPACE_CTRL.match(c) else ""

    return _UNSAFE.sub(fix, text), counts


def safe_text(text):
    """:func:`strip_unsafe_chars` for writers (XLSX, DOCX, XML): the text only; non-strings pass through."""
    return strip_unsafe_chars(text)[0] if isinstance(text, str) else text


# the quote search's tokenizer (copquotes.textsearch's FTS5 index, unicode61 without accents):
# here, below both the index and the disclosure layer, which decide on the same words
_SEARCH_TOKEN = re.compile(r"[^\W_]+")


def search_fold(s: str) -> str:
    """Lower case without accents: how the search index's tokenizer sees a word."""
    s = unicodedata.normalize("NFKD", str(s))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()


def search_tokens(s: str) -> list[str]:
    """The search index's tokens of ``s`` (letters and digits; everything else separates)."""
    return _SEARCH_TOKEN.findall(search_fold(s))
