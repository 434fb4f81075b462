"""Row streams from CSV and XLSX files, and the header layouts survey tools export.

Layouts (see docs/DOMAIN.md "Where the text comes from"):

* Qualtrics: row 1 column ids (``Q5``, ``Q3_4_TEXT``, ``ResponseId``...), row 2
  question texts, row 3 ``{"ImportId":"QID5_TEXT"}`` JSON. Legacy exports: row 1
  ``V1..V10``/``ResponseID, ResponseSet...``, row 2 question texts.
* SurveyMonkey: row 1 question texts (blank over a question's extra sub-columns),
  row 2 ``Response`` / ``Open-Ended Response`` / option labels.
* Microsoft Forms: one header row starting ``ID, Start time, Completion time, Email, Name``.
* Plain: one header row (possibly below a title row or two).
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .textio import decode_head, detect_encoding, open_text

csv.field_size_limit(min(sys.maxsize, 64 * 1024 * 1024))

HEADER_SCAN_ROWS = 12
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass
class Column:
    index: int
    id: str                      # column id: "Q5", "Q3_4_TEXT", SurveyMonkey "Q3_2", or the header text
    question: str                # question text (Unit.question)
    sub: str = ""                # SurveyMonkey row-2 label / Qualtrics choice part
    import_id: str = ""          # Qualtrics ImportId
    hint: str = "unknown"        # vendor hint: text_entry | other_specify | choice | meta | unknown
    role: str = "other"          # set by classification: open | consent | identity | respondent_id | date | status | other
    identity_kind: str = ""      # person | email | phone | other (role == identity)
    name_part: str = ""          # first | last | full (person identity columns)
    stats: dict = field(default_factory=dict)


@dataclass
class Layout:
    vendor: str                  # qualtrics | surveymonkey | msforms | plain
    header_rows: int             # rows (from the top, counting skipped title rows) before the data
    columns: list[Column]
    sheet: str | None = None


# --------------------------------------------------------------------------- rows

# Excel's delimiter hint: a first line ``sep=;`` (Excel hides it and reads the rest with that delimiter)
SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.I)


def sep_line(head: str) -> str | None:
    """The delimiter a ``sep=X`` first line names, or None."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    m = SEP_LINE.match(first)
    return m.group(1) if m else None


def _is_sep_row(row: list[str], delimiter: str) -> bool:
    return bool(SEP_LINE.match(delimiter.join(row).strip()))


def sniff_delimiter(head: str) -> str:
    """The field delimiter of a CSV/TSV from its first lines: ``,`` unless another fits better
    (or the one a ``sep=;`` first line names)."""
    named = sep_line(head)
    if named:
        return named
    lines = head.splitlines()
    if len(lines) > 1 and len(head) >= 60000:
        head = "\n".join(lines[:-1])  # drop a cut-off last line
    best, best_score = ",", -1.0
    for delim in (",", "\t", ";", "|"):
        try:
            rows = list(_limited(csv.reader(io.StringIO(head), delimiter=delim), 30))
        except csv.Error:
            rows = []
        if not rows:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        top = max(set(widths), key=widths.count)
        if top < 2:
            continue
        consistency = widths.count(top) / len(widths)
        score = consistency * 10 + min(top, 50) / 50 + (0.5 if delim == "," else 0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _limited(it, n):
    for i, x in enumerate(it):
        if i >= n:
            break
        yield x


def _without_nul(lines, nul_lines: list | None):
    """The lines of a text file with NUL characters dropped; ``nul_lines`` gets
    ``(line number, NULs dropped)`` for each line that had some."""
    for i, line in enumerate(lines, 1):
        if "\x00" in line:
            if nul_lines is not None:
                nul_lines.append((i, line.count("\x00")))
            line = line.replace("\x00", "")
        yield line


def iter_csv_rows(path: Path, encoding: str, delimiter: str = ",",
                  nul_lines: list | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row number, cells)`` (1-based record numbers, like a spreadsheet's rows).

    Parses strictly: an unterminated quote or stray text after a closing quote raises
    :class:`InputError` naming the row. A ``sep=;`` first line is not a row (Excel hides it too).
    NUL characters (a damaged export) are dropped; ``nul_lines`` collects the lines that had them.
    """
    with open_text(path, encoding, newline="") as fh:
        reader = csv.reader(_without_nul(fh, nul_lines), delimiter=delimiter, strict=True)
        n = 0
        first = True
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                msg = str(exc)
                if "unexpected end of data" in msg or "EOF" in msg:
                    reason = "an unterminated quote: the file is truncated or a quote is not closed"
                else:
                    reason = f"malformed CSV ({msg})"
                raise InputError(f"{reason}; re-export the file or fix that row", path,
                                 f"row {n + 1}, line {reader.line_num}") from exc
            except UnicodeDecodeError as exc:
                raise InputError("cannot decode the text; save the file as UTF-8 CSV", path, f"row {n + 1}") from exc
            if first:
                first = False
                if _is_sep_row(row, delimiter):
                    continue
            n += 1
            yield n, row


def _cell_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


def open_workbook(path: Path):
    """Open an XLSX read-only (streaming). Corrupt files raise InputError."""
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise InputError("reading XLSX needs openpyxl (pip install openpyxl==3.1.5)", path) from exc
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError("corrupt XLSX (not a readable workbook); open it in Excel and save it again", path) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged XML
        raise InputError(f"corrupt XLSX ({type(exc).__name__}); open it in Excel and save it again", path) from exc


def source_rows(source, sheet: str | None = None, encoding: str | None = None, delimiter: str | None = None,
                nul_lines: list | None = None) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` of a table source (a :class:`~copquotes.ingest.base.Source` of a
    survey or coded-segment table): one ``sheet`` of a workbook for the ``*_xlsx`` formats (the
    first if None), else the delimited text file in ``encoding`` split on ``delimiter`` (each
    detected from the file when None; ``nul_lines`` as :func:`iter_csv_rows`)."""
    if source.format.endswith("_xlsx"):
        return iter_xlsx_rows(source.path, sheet)
    if encoding is None:
        encoding = detect_encoding(source.path)
    if delimiter is None:
        delimiter = sniff_delimiter(decode_head(source.path))
    return iter_csv_rows(source.path, encoding, delimiter, nul_lines)


def iter_xlsx_rows(path: Path, sheet: str | None = None, wb=None) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row number, cells as strings)`` from one sheet (the first if None), streaming."""
    own = wb is None
    wb = wb or open_workbook(path)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        n = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # zip/XML damage surfaces here, as assorted exception types
                raise InputError(f"corrupt XLSX ({type(exc).__name__}); open it in Excel and save it again",
                                 path, f"row {n + 1}") from exc
            n += 1
            yield n, [_cell_str(v) for v in row]
    finally:
        if own:
            wb.close()


# ------------------------------------------------------------------------ layouts

_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')
_SM_ROW2 = {"response", "open-ended response", "open ended response"}
_FORMS_FIRST = ("id", "start time", "completion time")


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s).replace("\ufeff", "").strip()).lower()


def _trim(rows: list[list[str]]) -> int:
    """Index just past the last non-empty header cell of the first row."""
    row = rows[0] if rows else []
    last = 0
    for i, c in enumerate(row):
        if c.strip():
            last = i + 1
    return last


def looks_qualtrics(rows: list[list[str]]) -> str | None:
    """'qualtrics' (3 header rows) / 'qualtrics_legacy' (2) / None."""
    if len(rows) >= 3:
        r3 = [c for c in rows[2] if c.strip()]
        if r3 and sum(1 for c in r3 if _IMPORT_ID.match(c)) >= max(1, len(r3) // 2):
            return "qualtrics"
    if len(rows) >= 2:
        r1 = {_norm(c) for c in rows[0]}
        r2 = {_norm(c) for c in rows[1]}
        if "responseset" in r2 and ("responseid" in r2 or "responseid" in r1) and ({"v1", "v2"} <= r1 or "responseset" in r1):
            return "qualtrics_legacy"
        # the ImportId row deleted by hand: column ids over the row of question texts
        if len(r1 & _QUALTRICS_IDS) >= 2 and len(r2 & _QUALTRICS_LABELS) >= 2:
            return "qualtrics_two_rows"
    return None


_QUALTRICS_IDS = {"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                  "recordeddate", "responseid", "distributionchannel", "userlanguage"}
_QUALTRICS_LABELS = {"start date", "end date", "response type", "ip address", "recorded date", "response id",
                     "distribution channel", "user language"}


def looks_surveymonkey(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return False
    r1 = [_norm(c) for c in rows[0]]
    r2 = [_norm(c) for c in rows[1]]
    has_ids = "respondent id" in r1 or "respondentid" in r1
    has_collector = "collector id" in r1 or "collectorid" in r1
    row2_marks = sum(1 for c in r2 if c in _SM_ROW2)
    if has_ids and (has_collector or row2_marks):
        return True
    # metadata columns removed by hand: row 2 still says Response / Open-Ended Response
    return row2_marks >= 1 and row2_marks >= len([c for c in r2 if c]) // 3 and not any(_IMPORT_ID.match(c) for c in rows[1])


def looks_msforms(rows: list[list[str]]) -> bool:
    if not rows:
        return False
    r1 = [_norm(c) for c in rows[0]]
    return tuple(r1[:3]) == _FORMS_FIRST or (
        "id" in r1[:2] and "start time" in r1 and "completion time" in r1
    )


def header_row_index(rows: list[list[str]]) -> int:
    """The row (0-based) that holds a plain table's header: skips title rows above it."""
    counts = [sum(1 for c in r if str(c).strip()) for r in rows[:HEADER_SCAN_ROWS]]
    if not counts:
        return 0
    widest = max(counts)
    for i, c in enumerate(counts):
        if c >= max(2, (widest + 1) // 2):
            # a row of group titles over the header ("", "Feedback", "", "Consent"), as a hand-made
            # sheet has them: the row below, fuller and made of column names, is the header
            if i + 2 < len(counts) and counts[i + 1] > c and _header_like(rows[i + 1]):
                return i + 1
            return i
    return 0


_HEADER_WORDS = {"id", "respondent", "respondentid", "responseid", "name", "fullname", "firstname", "lastname", "email",
                 "emailaddress", "date", "timestamp", "starttime", "completiontime", "group", "role", "cohort", "no",
                 "number", "participant", "participantid", "organisation", "organization", "year", "session"}


def _header_like(row: list[str]) -> bool:
    """Cells that read as column names: questions ("...?"), labels ("Comments:") or the usual id/name/date names."""
    cells = [str(c).strip() for c in row if str(c).strip()]
    if not cells or any(re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", c) for c in cells):
        return False
    named = sum(1 for c in cells if c.endswith(("?", ":")) or re.sub(r"[^a-z]", "", c.lower()) in _HEADER_WORDS)
    return named >= 0.5 * len(cells)


def _qualtrics_hint(col_id: str, import_id: str, question: str) -> str:
    iid = import_id or ""
    # Loop & Merge columns carry the loop number first: "1_QID4_TEXT" (column "1_Q4")
    iid = re.sub(r"^\d+_(?=QID)", "", iid)
    col_id = re.sub(r"^\d+_(?=Q)", "", col_id)
    if re.match(r"^QID\d+_\d+_TEXT$", iid) or re.search(r"_\d+_TEXT$", col_id):
        return "other_specify"
    if re.match(r"^QID\d+_TEXT$", iid) or (not iid and re.match(r"^Q[\w.]*\d+_TEXT$", col_id)):
        return "text_entry"
    if iid.startswith("QID"):
        if re.match(r"^QID\d+(_\d+)?$", iid) and re.search(r" - (Text|.*- Text)$", question):
            return "text_entry"
        return "choice"
    if iid:
        return "meta"  # startDate, _recordId, embedded data fields...
    return "unknown"


def parse_layout(rows: list[list[str]], vendor: str | None = None) -> Layout:
    """Work out the header layout from the first rows of a table (``vendor``: the one the
    file's format names; ``None`` = any)."""
    rows = [list(r) for r in rows]
    if not rows:
        return Layout("plain", 1, [])
    q = looks_qualtrics(rows) if vendor in (None, "qualtrics") else None
    if q == "qualtrics_two_rows":
        return _qualtrics_two_rows_layout(rows)
    if q == "qualtrics":
        return _qualtrics_layout(rows)
    if q == "qualtrics_legacy":
        return _qualtrics_legacy_layout(rows)
    if vendor in (None, "surveymonkey") and looks_surveymonkey(rows):
        return _surveymonkey_layout(rows)
    if vendor in (None, "msforms") and looks_msforms(rows):
        return _msforms_layout(rows)
    if vendor is None and looks_codes_over_texts(rows):
        return _codes_over_texts_layout(rows)
    return _plain_layout(rows)


_CODE = re.compile(r"^[A-Za-z_][\w.\[\]#-]*$")   # a column code: "G01Q02", "submitdate", "Q3[SQ001]", "consent___1"
_NUMBER_OR_DATE = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")


def looks_codes_over_texts(rows: list[list[str]]) -> bool:
    """A header of column codes (no spaces: ``id, submitdate, G01Q01``) over a row of their texts
    (``Response ID, Date submitted, What was ...?``), as LimeSurvey and hand-made exports give them:
    the second row reads as column names (questions, labels), holds no number or date, and the
    first data row below it has a number or a date in a column where the second row has words."""
    if len(rows) < 3:
        return False
    width = _trim(rows)
    r1, r2, r3 = ([_cell(r, i) for i in range(width)] for r in rows[:3])
    codes = [c for c in r1 if c]
    if len(codes) < 2 or len(codes) < width or not all(_CODE.match(c) for c in codes):
        return False
    labels = [c for c in r2 if c]
    if len(labels) < 0.5 * width or any(_NUMBER_OR_DATE.match(c) for c in labels) or not _header_like(r2):
        return False
    if sum(1 for a, b in zip(r1, r2) if b and _norm(a) == _norm(b)) >= 0.5 * len(labels):
        return False   # the same names again: not a row of texts
    if _answer_row(r2, [[_cell(r, i) for i in range(width)] for r in rows[2:]]):
        return False
    return any(b and _NUMBER_OR_DATE.match(c) for b, c in zip(r2, r3))


_YES_NO = {"yes", "no", "y", "n", "true", "false"}


def _answer_row(row: list[str], below: list[list[str]]) -> bool:
    """A row of answers, not of column texts: a bare yes/no, or a value the same column holds again in a
    row below ("participant" in a role column, the same question in a long-format "question" column)."""
    if any(_norm(c) in _YES_NO for c in row if c):
        return True
    return any(c and any(_norm(c) == _norm(r[i]) for r in below) for i, c in enumerate(row))


def _codes_over_texts_layout(rows: list[list[str]]) -> Layout:
    """Column codes on row 1, their texts (the question) on row 2, the data below."""
    width = _trim(rows)
    cols = [Column(i, _cell(rows[0], i), _cell(rows[1], i) or _cell(rows[0], i)) for i in range(width)]
    return Layout("plain", 2, cols)


def _cell(row: list[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


def _qualtrics_two_rows_layout(rows: list[list[str]]) -> Layout:
    """Qualtrics with its ImportId row removed: column ids, then question texts."""
    width = max(_trim(rows), _trim(rows[1:2]))
    cols = []
    for i in range(width):
        cid, qtext = _cell(rows[0], i), _cell(rows[1], i)
        cols.append(Column(i, cid or f"col{i + 1}", qtext or cid, hint=_qualtrics_hint(cid, "", qtext)))
    return Layout("qualtrics", 2, cols)


def _qualtrics_layout(rows: list[list[str]]) -> Layout:
    """Qualtrics: column ids, question texts, then ``{"ImportId": ...}`` cells."""
    width = _trim(rows)
    cols = []
    for i in range(width):
        cid, qtext = _cell(rows[0], i), _cell(rows[1], i)
        iid = ""
        raw = rows[2][i] if i < len(rows[2]) else ""
        if _IMPORT_ID.match(raw or ""):
            try:
                iid = str(json.loads(raw).get("ImportId", ""))
            except (ValueError, AttributeError):
                iid = ""
        cols.append(Column(i, cid or f"col{i + 1}", qtext or cid, import_id=iid,
                           hint=_qualtrics_hint(cid, iid, qtext)))
    return Layout("qualtrics", 3, cols)


def _qualtrics_legacy_layout(rows: list[list[str]]) -> Layout:
    """The legacy Qualtrics export: V1, V2 ... metadata columns, then question ids."""
    width = max(_trim(rows), _trim(rows[1:2]))
    cols = []
    for i in range(width):
        cid, qtext = _cell(rows[0], i), _cell(rows[1], i)
        meta_name = qtext if re.match(r"^V\d+$", cid) else cid
        hint = "meta" if re.match(r"^V\d+$", cid) else "unknown"
        if re.search(r"_TEXT$", cid):
            hint = "other_specify" if re.search(r"_\d+_TEXT$", cid) else "text_entry"
        cols.append(Column(i, meta_name or f"col{i + 1}", qtext or cid, hint=hint))
    return Layout("qualtrics", 2, cols)


def _surveymonkey_layout(rows: list[list[str]]) -> Layout:
    """SurveyMonkey: questions on row 1 (one cell per question, spanning its answer columns),
    answer options or "Open-Ended Response" on row 2."""
    r1, r2 = rows[0], rows[1]
    width = max(_trim([r1]), _trim([r2]))
    # group columns into questions: a question starts at a non-empty row-1 cell
    groups: list[tuple[str, list[int]]] = []
    for i in range(width):
        top = _cell(r1, i)
        if top or not groups:
            groups.append((top, [i]))
        else:
            groups[-1][1].append(i)
    cols: list[Column] = []
    qn = 0
    for top, idxs in groups:
        if top and _is_sm_meta(top):
            for i in idxs:
                cols.append(Column(i, top if i == idxs[0] else f"{top}_{i - idxs[0] + 1}", top, sub=_cell(r2, i),
                                   hint="meta"))
            continue
        qn += 1
        for k, i in enumerate(idxs, start=1):
            sub = _cell(r2, i)
            low = _norm(sub)
            if low in ("open-ended response", "open ended response"):
                hint = "text_entry"
            elif re.match(r"^other\b.*(specify|please)|^other$|^other \(", low):
                hint = "other_specify"
            elif low == "response":
                hint = "choice_or_text"
            else:
                hint = "unknown"
            parent = top or f"Question {qn}"
            qtext = parent if (low in _SM_ROW2 or not sub) else f"{parent} - {sub}"
            cid = f"Q{qn}" if len(idxs) == 1 else f"Q{qn}_{k}"
            cols.append(Column(i, cid, qtext, sub=sub, hint=hint))
    return Layout("surveymonkey", 2, cols)


def _msforms_layout(rows: list[list[str]]) -> Layout:
    """Microsoft Forms: one header row; its own fields (ID, Start time, Points - ...) are meta."""
    width = _trim(rows)
    cols = []
    for i in range(width):
        h = _cell(rows[0], i)
        low = _norm(h)
        hint = "meta" if low in _FORMS_META or low.startswith(("points - ", "feedback - ")) else "unknown"
        cols.append(Column(i, h or f"col{i + 1}", h or f"col{i + 1}", hint=hint))
    return Layout("msforms", 1, cols)


def _plain_layout(rows: list[list[str]]) -> Layout:
    """Any other table: the header row found (a title above it skipped); repeated names numbered."""
    h = header_row_index(rows)
    header = rows[h] if h < len(rows) else []
    width = _trim([header])
    cols = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = _cell(header, i) or f"col{i + 1}"
        if name in seen:
            seen[name] += 1
            cid = f"{name}#{seen[name]}"
        else:
            seen[name] = 1
            cid = name
        cols.append(Column(i, cid, name))
    return Layout("plain", h + 1, cols)


_FORMS_META = {"id", "start time", "completion time", "last modified time", "total points", "quiz feedback",
               "grade posted time", "language"}
_SM_META = {"respondent id", "collector id", "start date", "end date", "ip address", "email address",
            "first name", "last name", "custom data", "custom data 1", "custom data 2", "custom data 3",
            "respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress",
            "firstname", "lastname", "customdata"}


def _is_sm_meta(text: str) -> bool:
    low = _norm(text)
    return low in _SM_META or bool(re.match(r"^custom data \d+$", low))
