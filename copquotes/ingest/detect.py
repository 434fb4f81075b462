"""Which format a file is, from its content (the extension only breaks ties)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import InputError, UnknownFormatError
from .base import MANIFEST_NAMES, truthy
from .lines import classify
from .qda import coded_rows, nvivo_lines
from .roster import role_value, roster_columns
from .tables import HEADER_SCAN_ROWS, _is_sep_row, parse_layout, sniff_delimiter
from .textio import OLE_MAGIC, ZIP_EMPTY_MAGIC, ZIP_MAGIC, binary_kind, check_not_empty, decode_head, read_head

TEXT_EXT = {".txt", ".text", ".md", ".transcript", ".rtf_txt"}
CSV_EXT = {".csv", ".tsv", ".tab"}
VTT_EXT = {".vtt", ".webvtt", ".srt"}
XLSX_EXT = {".xlsx", ".xlsm"}
DOCX_EXT = {".docx", ".docm"}
KNOWN_EXT = TEXT_EXT | CSV_EXT | VTT_EXT | XLSX_EXT | DOCX_EXT


def detect_format(path) -> str:
    """One of :data:`copquotes.ingest.FORMATS` for ``path``, decided by its content.

    Raises :class:`InputError` for an empty, binary or corrupt file and
    :class:`UnknownFormatError` for a readable file that matches no reader.
    """
    path = Path(path)
    if path.name.lower() in MANIFEST_NAMES:
        return "manifest"
    if not path.exists():
        raise InputError("no such file; check the path", path)
    if not path.is_file():
        raise InputError("not a file (a device or socket?); give a file or a folder", path)
    check_not_empty(path)
    head = read_head(path)
    ext = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        # Excel and Word save a password-protected .xlsx/.docx as an OLE container, like legacy .xls/.doc
        what = ("a password-protected or legacy-format (.xls/.doc) Office file" if ext in XLSX_EXT | DOCX_EXT
                else "a legacy (.xls/.doc) or password-protected Office file")
        raise UnknownFormatError(f"{what}, not a format copquotes reads; remove the password or save it as "
                                 f"{'.docx' if ext in DOCX_EXT or ext == '.doc' else '.xlsx'} and try again", path)
    if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC) or ext in XLSX_EXT | DOCX_EXT:
        return _detect_zip(path, ext)
    what = binary_kind(head)
    if what:
        hint = " (save it as .xlsx/.docx without a password)" if "Office" in what else _SAVE_AS.get(what, "")
        raise UnknownFormatError(f"{what}, not a format copquotes reads{hint}", path)
    text = decode_head(path)
    if not text.strip(" \t\r\n\ufeff"):
        raise InputError("the file is empty (only blank lines); export it again or remove it from the input", path)
    return _detect_text(path, text, ext)


# what to do with a document copquotes does not read but its user can save again in a form it does
_SAVE_AS = {
    "an RTF document": "; open it in Word or LibreOffice and save it as .docx (or as plain text, .txt), then try again",
    "a PDF document": "; export it again from the tool that made it (Word, the transcription or survey tool) "
                      "as .docx, .txt, .vtt, .csv or .xlsx, then try again",
}
_OPENDOCUMENT = {  # the mimetype entry of a LibreOffice / OpenOffice file
    "application/vnd.oasis.opendocument.text": ("an OpenDocument text (.odt)", ".docx"),
    "application/vnd.oasis.opendocument.spreadsheet": ("an OpenDocument spreadsheet (.ods)", ".xlsx"),
}


def _opendocument(path: Path, names: set[str]) -> None:
    """Refuse a LibreOffice / OpenOffice document with what to do (never "unzip it")."""
    if "mimetype" not in names:
        return
    try:
        with zipfile.ZipFile(path) as zf:
            mime = zf.read("mimetype").decode("ascii", "replace").strip()
    except Exception:  # a damaged entry: left to the generic message
        return
    if mime.startswith("application/vnd.oasis.opendocument"):
        what, ext = _OPENDOCUMENT.get(mime, ("an OpenDocument file", ".docx or .xlsx"))
        raise UnknownFormatError(f"{what}, not a format copquotes reads; open it in LibreOffice or Word and save it "
                                 f"as {ext} (File > Save As), then try again", path)


def _detect_zip(path: Path, ext: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except Exception as exc:  # BadZipFile, EOFError, NotImplementedError on damaged headers...
        kind = "XLSX" if ext in XLSX_EXT else "DOCX" if ext in DOCX_EXT else "ZIP"
        app = "Excel" if kind == "XLSX" else "Word" if kind == "DOCX" else "the program that made it"
        raise InputError(f"corrupt {kind} (bad zip archive); open it in {app} and save it again", path) from exc
    _opendocument(path, names)
    if "word/document.xml" in names:
        from .lines import docx_lines
        lines = [t for _, t in docx_lines(path)]
        if nvivo_lines(lines):
            return "nvivo_docx"
        return "teams_docx" if classify(lines) == "otter" else "plain_docx"
    if "xl/workbook.xml" in names:
        from .tables import iter_xlsx_rows, open_workbook
        wb = open_workbook(path)
        try:
            vendors = []
            first_rows = None
            for ws in wb.worksheets:
                if getattr(ws, "sheet_state", "visible") != "visible":
                    continue
                rows = []
                for _, row in iter_xlsx_rows(path, ws.title, wb=wb):
                    rows.append(row)
                    if len(rows) >= HEADER_SCAN_ROWS:
                        break
                if any(any(c.strip() for c in r) for r in rows):
                    vendors.append("coded" if coded_rows(rows) else parse_layout(rows).vendor)
                    if first_rows is None:
                        first_rows = rows
        finally:
            wb.close()
        if "coded" in vendors:
            return "coded_xlsx"   # MAXQDA's coded segments, Dedoose's excerpts, ATLAS.ti's quotations
        if first_rows is not None and _looks_roster(first_rows):
            return "roster_xlsx"  # a roster kept in Excel
        for v in ("msforms", "qualtrics", "surveymonkey"):
            if v in vendors:
                return f"{v}_xlsx"
        return "plain_xlsx"
    if ext in XLSX_EXT | DOCX_EXT:
        raise InputError(f"corrupt {ext[1:].upper()} (the archive has no document inside); save it again", path)
    raise UnknownFormatError("a ZIP archive, not a format copquotes reads (unzip it first)", path)


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    import csv
    lines = text.splitlines(True)
    if len(text) >= 60000 and len(lines) > 1:
        text = "".join(lines[:-1])
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if not rows and _is_sep_row(row, delimiter):
                continue
            rows.append(row)
            if len(rows) >= 40:
                break
    except csv.Error:
        pass
    return rows


def _tabular(rows: list[list[str]]) -> bool:
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    if len(widths) < 2:
        return False
    top = max(set(widths), key=widths.count)
    return top >= 2 and widths.count(top) >= 0.8 * len(widths)


def _detect_text(path: Path, text: str, ext: str) -> str:
    body = text.lstrip("\ufeff")
    first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
    if first.startswith("WEBVTT"):
        return "teams_vtt" if re.search(r"<v[\s.]", body) else "zoom_vtt"
    if ext in VTT_EXT and re.search(r"^\s*[\d:.,]+\s*-->\s*[\d:.,]+", body, re.M):
        return "teams_vtt" if re.search(r"<v[\s.]", body) else "zoom_vtt"
    if ext in VTT_EXT:
        raise InputError("not a WebVTT file (no WEBVTT header and no cue timestamps); export the transcript again as .vtt", path, "line 1")

    if ext not in TEXT_EXT:
        delim = sniff_delimiter(body)
        rows = _csv_rows(body, delim)
        if ext in CSV_EXT or _tabular(rows):
            return _detect_table(rows, ext)

    lines = body.splitlines()
    if nvivo_lines(lines):
        return "nvivo_txt"
    mode = classify(lines)
    if mode == "unlabelled" and ext in TEXT_EXT and sniff_delimiter(body) == "\t":
        # Excel's "Text (Tab delimited)" / "Unicode Text" save of a survey sheet: a table, not a transcript
        rows = _csv_rows(body, "\t")
        if _tabular(rows) and len(rows) >= 2:
            return _detect_table(rows, ".tsv")
    if mode == "zoom_chat":
        return "zoom_chat_txt"
    if mode == "otter":
        return "otter_txt"
    if mode == "labelled":
        return "plain_txt"
    if ext in TEXT_EXT:
        return "plain_txt"
    raise UnknownFormatError(
        "not a format copquotes reads (expected a survey export, a VTT/DOCX/TXT transcript or a roster)", path)


def _looks_roster(rows: list[list[str]]) -> bool:
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return False
    cols = roster_columns(rows[0], strict=True)
    if cols is None or "role" not in cols:
        return _looks_roster_without_roles(rows)
    data = rows[1:]
    roles = [r[cols["role"]] for r in data if len(r) > cols["role"]]
    used = set(cols.values())
    other = [c for r in data for i, c in enumerate(r) if i not in used and c.strip()]
    long_text = other and sum(len(c.split()) for c in other) / len(other) >= 6
    known = sum(1 for v in roles if role_value(v) is not None)
    # a typo in one role still makes it a roster (load_roster then names the row to fix); so does a
    # header that is a roster's alone (name, role, quote consent: no other column) over short values
    only_roster = len([h for h in rows[0] if h.strip()]) == len(used)
    return bool(roles and any(v.strip() for v in roles) and not long_text
                and (known >= 0.6 * len(roles) or only_roster))


def _looks_roster_without_roles(rows: list[list[str]]) -> bool:
    """``Name, Consent to be quoted`` and little else: a roster whose people are all participants."""
    cols = roster_columns(rows[0], strict=False)
    data = rows[1:]
    if cols is None or not data or len([h for h in rows[0] if h.strip()]) > 5:
        return False
    used = set(cols.values())
    other = [c for r in data for i, c in enumerate(r) if i not in used and c.strip()]
    if other and sum(len(c.split()) for c in other) / len(other) >= 4:
        return False
    q = cols["quote_consent"]
    values = [r[q] for r in data if len(r) > q and r[q].strip()]
    return bool(values) and sum(1 for v in values if truthy(v) is not None) >= 0.8 * len(values)


def _detect_table(rows: list[list[str]], ext: str) -> str:
    if coded_rows(rows):
        return "coded_csv"
    if _looks_roster(rows):
        return "roster_csv"
    vendor = parse_layout(rows[:HEADER_SCAN_ROWS]).vendor
    return {"qualtrics": "qualtrics_csv", "surveymonkey": "surveymonkey_csv",
            "msforms": "msforms_csv"}.get(vendor, "plain_csv")
