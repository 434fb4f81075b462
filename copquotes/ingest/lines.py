"""Line-based transcripts: Otter TXT, plain TXT, Teams DOCX (and DOCX typed up by hand).

Recognised line shapes:

* a header line ``Jane Smith  0:03`` (Otter, Teams DOCX: name, two or more spaces,
  a timestamp), the speech on the following line(s);
* an old Teams/Stream DOCX cue ``0:0:0.0 --> 0:0:5.230``, then the name, then speech;
* a label line ``Jane: words`` / ``Interviewer: words`` / ``P1: words`` (optionally
  ``[00:01:23] Jane: words``), where lines without a label continue the turn.

Labels are accepted only if they look like speakers (see
:func:`copquotes.ingest.transcript.accepted_labels`), so "Note: ..." or a sentence
with a colon stays text. A document with no speaker labels at all gives one unit
per paragraph.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter

from ..errors import InputError
from .base import Reading, Source, year_from_text
from .roster import RosterMatcher
from .textio import check_not_empty, open_text
from .transcript import Turn, accepted_labels, build_reading, name_like

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
HEADER_TS = re.compile(rf"^\s*(?P<label>\S.{{0,80}}?)(?P<gap>\s{{2,}}|\t+|\s)\(?(?P<ts>{_TS})\)?\s*$")
BRACKET_HEADER = re.compile(rf"^\s*\[(?P<label>[^\]]{{1,60}})\]\s+(?P<ts>{_TS})\s*$")  # Zoom "[Jane Smith] 14:03:12"
ARROW = re.compile(r"^\s*(?P<ts>\d+:\d+:\d+(?:[.,]\d+)?)\s*-->\s*\d+:\d+:\d+(?:[.,]\d+)?\s*$")
LABEL = re.compile(
    rf"^\s*(?:[\[(]?(?P<ts>{_TS})[\])]?\s*[-–]?\s*)?(?P<label>[^:\n]{{1,60}}?)\s*(?:[\[(](?P<ts2>{_TS})[\])])?\s*:(?:\s+(?P<text>.*)|\s*$)"
)
_SKIP = re.compile(
    r"^\s*(transcribed\s+by\s+(https?://)?otter\.ai|.*\b(started|stopped)\s+transcription\s*$|"
    r"-{3,}|={3,}|\*{3,}|_{3,})",
    re.I,
)
_DATE_LINE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+((?:19|20)\d\d)\b|"
    r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d\d)\b|"
    r"\b((?:19|20)\d\d)-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/((?:19|20)\d\d)\b",
    re.I,
)


_LEAD_TS = re.compile(rf"^\s*[\[(]({_TS})[\])]\s*")
_NOTE_LABELS = {"note", "notes", "nb", "n.b", "transcriber's note", "transcriber note", "transcriber notes",
                "editor's note", "editor note", "researcher note", "researcher's note", "comment"}


def _strip_md(line: str) -> str:
    return re.sub(r"^\s*(\*\*|__)(.+?)\1", r"\2", line)


def candidate_counts(lines: list[str]) -> tuple[Counter, Counter, int]:
    """Counts of header-line labels, colon labels and old-Teams arrow lines."""
    header, colon, arrows = Counter(), Counter(), 0
    for line in lines:
        if not line.strip() or _SKIP.match(line):
            continue
        if ARROW.match(line):
            arrows += 1
            continue
        m = BRACKET_HEADER.match(line)
        if m:
            header[m.group("label").strip()] += 1
            continue
        m = HEADER_TS.match(line)
        if m and (len(m.group("gap")) >= 2 or "\t" in m.group("gap") or name_like(m.group("label"))):
            header[m.group("label").strip()] += 1
            continue
        m = LABEL.match(_strip_md(line))
        if m:
            colon[m.group("label").strip().strip("*_ ")] += 1
    return header, colon, arrows


def classify(lines: list[str], matcher: RosterMatcher | None = None) -> str:
    """``"otter"`` (header lines with timestamps), ``"labelled"`` (``Name:`` lines) or ``"unlabelled"``."""
    header, colon, arrows = candidate_counts(lines)
    h_ok = accepted_labels(header, matcher)
    c_ok = accepted_labels(colon, matcher)
    n_header = sum(header[k] for k in h_ok) + arrows
    n_colon = sum(colon[k] for k in c_ok)
    if n_header >= 1 and n_header >= n_colon:
        return "otter"
    if n_colon >= 1:
        return "labelled"
    return "unlabelled"


def parse_lines(source: Source, lines: list[str], unit_name: str = "line") -> tuple[list[Turn], dict]:
    """Turn a list of lines (TXT lines or DOCX paragraph lines) into turns."""
    matcher = RosterMatcher(source.roster, source.meta.get("group"))
    header, colon, arrows = candidate_counts(lines)
    h_ok = accepted_labels(header, matcher)
    nonblank = sum(1 for ln in lines if ln.strip())
    # a document where most lines start "Label:" guarantees labels: be relaxed about display names
    c_ok = accepted_labels(colon, matcher, relaxed=sum(colon.values()) >= 0.5 * max(nonblank, 1))
    mode = classify(lines, matcher)
    turns: list[Turn] = []
    preamble: list[str] = []
    detected: dict = {}

    if mode == "unlabelled":
        para: list[str] = []
        start_ln = None
        for ln, line in enumerate(lines + [""], start=1):
            if not line.strip() or _SKIP.match(line):
                if para:
                    turns.append(Turn(None, " ".join(para), f"{unit_name} {start_ln}", merge=False))
                para, start_ln = [], None
                continue
            if start_ln is None:
                start_ln = ln
            para.append(line.strip())
        return turns, detected

    current: Turn | None = None
    pending_ts = None
    expect_label = False
    blank_since_text = False

    def start(label, text, ln, ts):
        nonlocal current, blank_since_text
        current = Turn(label, text.strip(), f"{unit_name} {ln}", ts)
        turns.append(current)
        blank_since_text = False

    for ln, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            blank_since_text = True
            continue
        if _SKIP.match(line):
            continue
        m = ARROW.match(line)
        if m:
            pending_ts, expect_label = m.group("ts"), True
            continue
        if expect_label:
            expect_label = False
            label = line.strip()
            if label in h_ok or name_like(label) or matcher.match(label):
                start(label, "", ln, pending_ts)
                pending_ts = None
                continue
        m = BRACKET_HEADER.match(line) or HEADER_TS.match(line)
        if m and m.group("label").strip() in h_ok:
            start(m.group("label").strip(), "", ln, m.group("ts"))
            continue
        md = _strip_md(line)
        m = LABEL.match(md)
        if m and m.group("label").strip().strip("*_ ").lower() in _NOTE_LABELS:
            continue  # a transcriber's note, not speech
        if m and m.group("label").strip().strip("*_ ") in c_ok:
            text, ts = m.group("text") or "", m.group("ts") or m.group("ts2")
            lead = _LEAD_TS.match(text)
            if lead:  # "Jane: [00:01:23] words"
                ts, text = ts or lead.group(1), text[lead.end():]
            start(m.group("label").strip().strip("*_ "), text, ln, ts)
            continue
        if current is None:
            preamble.append(line.strip())
            continue
        if current.text:
            current.text += ("\n" if blank_since_text and mode == "labelled" else " ") + line.strip()
        else:
            current.text = line.strip()  # the locator stays at the label line
        blank_since_text = False

    for p in preamble:
        if _DATE_LINE.search(p):
            y = year_from_text(p)
            if y:
                detected["year"] = y
                break
    return turns, detected


def read_text_transcript(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    with open_text(path) as fh:
        text = fh.read()
    if not text.strip(" \t\r\n\ufeff"):
        raise InputError("the file is empty (only blank lines); export it again", path)
    lines = text.lstrip("\ufeff").splitlines()
    turns, detected = parse_lines(source, lines, "line")
    if not turns:
        raise InputError("no text found in the transcript", path)
    return build_reading(source, turns, detected)


def docx_lines(path) -> list[tuple[int, str]]:
    """``[(paragraph number, line)]`` of a DOCX body (line breaks inside a paragraph split it)."""
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise InputError("reading DOCX needs python-docx (pip install python-docx==1.2.0)", path) from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError("corrupt DOCX (not a readable Word document); open it in Word and save it again", path) from exc
    except Exception as exc:  # damaged XML parts raise lxml errors
        raise InputError(f"corrupt DOCX ({type(exc).__name__}); open it in Word and save it again", path) from exc
    paragraphs = [p.text for p in document.paragraphs]
    if not any(p.strip() for p in paragraphs):
        # some exports put the transcript in a table
        paragraphs = [p.text for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    out = []
    for i, p in enumerate(paragraphs, start=1):
        parts = re.split(r"\r\n|\n|\r|\v", p)
        for part in parts:
            out.append((i, part))
        out.append((i, ""))  # a paragraph end is a blank line
    return out


def read_docx(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    pairs = docx_lines(path)
    if not any(t.strip() for _, t in pairs):
        raise InputError("the document has no text", path)
    lines = [t for _, t in pairs]
    turns, detected = parse_lines(source, lines, "line")
    # locators: paragraph numbers, not internal line numbers
    for t in turns:
        ln = int(t.locator.split()[-1])
        t.locator = f"paragraph {pairs[ln - 1][0]}"
    if not turns:
        raise InputError("no text found in the document", path)
    return build_reading(source, turns, detected)
