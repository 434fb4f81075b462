"""Coded segments exported from qualitative analysis software: NVivo, MAXQDA, Dedoose, ATLAS.ti.

An evaluator who has already coded the transcripts often has only these exports at hand:

* NVivo's node export and "Coding Summary" report (TXT or Word): a node (``Name: Nodes\\\\Peer
  support``), a document header (``<Files\\\\Interview P07> - § 2 references coded [4.12% Coverage]``),
  then ``Reference 1 - 2.34% Coverage`` and the coded text, for each reference;
* MAXQDA's "Coded segments" table (XLSX/CSV: Document group, Document name, Code, Segment,
  Beginning, End, Comment ...), Dedoose's excerpts export (Media Title, Excerpt Copy, Codes Applied or
  one True/False column per code) and ATLAS.ti's quotations (Document, Quotation Content, Codes).

Each coded segment is one unit (never a survey answer to an open question): the document it was
coded in is its source, a pseudonymous speaker key ``S1``, ``S2``... (its name is an identifier to
redact, never text or metadata), and its codes are metadata (``extra["codes"]``). A segment coded
under two codes is one unit with both. Who speaks in a segment is not known: its role is
``unknown`` and its consent the file's (the manifest's ``consent``), else none.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..types import Identifier, Unit
from .base import CODED_FORMATS, Reading, Source, truthy
from .roster import is_generic_label
from .textio import check_not_empty, open_text
from .transcript import kind_from_name, label_identifier, name_like

__all__ = ["CODED_FORMATS", "read_coded", "nvivo_lines", "coded_rows", "document_identifiers"]

# ------------------------------------------------------------------------------------- NVivo

_REFERENCE = re.compile(r"^\s*Reference\s+(\d+)\b(?:\s*[-–]\s*[\d.,]+\s*%\s*Coverage)?.*$", re.I)
_COVERAGE_REF = re.compile(r"^\s*Reference\s+\d+\b.*\bCoverage\b", re.I)
_DOC_HEADER = re.compile(r"^\s*<?\s*(?P<doc>(?:Files|Internals|Externals|Documents|Sources|Memos)\\.+?)\s*>?\s*[-–]\s*"
                         r"(?:§\s*)?\d+\s+references?\s+coded\b.*$", re.I)
_NODE = re.compile(r"^\s*(?:Name|Node|Code)\s*:\s*(?P<node>.+?)\s*$|^\s*(?P<path>(?:Nodes|Codes|Themes)\\.+?)\s*$", re.I)
_SUMMARY = re.compile(r"^\s*Coding\s+Summary\b", re.I)
# a Coding Summary report's field names, each on its line above the node's or document's name
_FIELD = re.compile(r"^\s*(?:Nodes?|Codes?|Documents?|Files?|Sources?|Cases?)\s*$", re.I)
_DOC_PATH = re.compile(r"^\s*(?:Files|Internals|Externals|Documents|Sources)\\\\?(?P<doc>.+?)\s*$", re.I)


def nvivo_lines(lines: list[str]) -> bool:
    """Whether a text (TXT lines or a Word export's paragraphs) is an NVivo coded-references export."""
    refs = sum(1 for ln in lines if _COVERAGE_REF.match(ln))
    heads = sum(1 for ln in lines if _DOC_HEADER.match(ln)) + any(_SUMMARY.match(ln) for ln in lines[:5])
    return refs >= 1 and heads >= 1


def _last_part(path: str) -> str:
    """A document's name without its folders (``Files\\Interviews\\Interview P07`` -> ``Interview P07``)."""
    return re.split(r"\\+", path.strip())[-1].strip()


def _code_path(code: str) -> str:
    """A code as the export names it, without NVivo's root folder (``Nodes\\Peer support\\Belonging`` ->
    ``Peer support\\Belonging``)."""
    return re.sub(r"\\+", r"\\", re.sub(r"^\s*(?:Nodes|Codes|Themes)\\+", "", code.strip(), flags=re.I)).strip()


def _nvivo_segments(lines: list[str]) -> list[tuple[str, str, str, int]]:
    """``[(document, code, text, line)]`` of an NVivo export, in order."""
    out: list[tuple[str, str, str, int]] = []
    code = doc = ""
    ref_at, text = None, []

    def flush():
        if ref_at is not None and doc and " ".join(text).strip():
            out.append((doc, code, " ".join(text).strip(), ref_at))

    for ln, raw in enumerate(lines, start=1):
        line = raw.strip()
        head = _DOC_HEADER.match(line)
        node = _NODE.match(line) if not head else None
        path = _DOC_PATH.match(line) if not head and not node else None
        ref = _REFERENCE.match(line) if not (head or node or path) else None
        if _FIELD.match(line):
            flush()
            ref_at, text = None, []
            continue
        if head or node or path or ref:
            flush()
            ref_at, text = (ln, []) if ref else (None, [])
            if head or path:
                doc = _last_part((head or path).group("doc"))
            elif node:
                code = _code_path(node.group("node") or node.group("path"))
            continue
        if ref_at is not None and line:
            text.append(line)
    flush()
    return out


# ------------------------------------------------------------------------------ coded tables

def _norm(h: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_%]+", " ", str(h).strip().lower().lstrip("\ufeff"))).strip()


_DOC_COLS = ("document name", "document", "documents", "document title", "media title", "resource title", "media",
             "resource", "source name")
_TEXT_STRONG = ("segment", "coded segment", "segment text", "excerpt copy", "excerpt text", "quotation content",
                "coded text", "quotation text")
_TEXT_WEAK = ("excerpt", "quotation", "text", "content")
_CODE_COLS = ("code", "codes", "codes applied", "codes applied combined", "code name", "node", "nodes", "applied codes")
# a coded-segment export's bookkeeping: never codes, never text
_QDA_META = {"document group", "color", "colour", "begin", "beginning", "end", "start", "comment", "comments", "memo",
             "modified by", "modified", "created by", "created", "area", "coverage", "weight score", "weight", "id",
             "number", "quotation name", "reference", "density", "excerpt range", "excerpt creator", "excerpt date",
             "resource creator", "resource date", "excerpt length", "codes applied count", "number of codes",
             "document group name", "author", "date"}


def coded_header(row: list[str]) -> dict | None:
    """The columns of a coded-segment table's header row (``doc``, ``text``, ``code``, ``flags``: one
    True/False column per code, as Dedoose writes them), or None when the row is not one."""
    names = [_norm(c) for c in row]

    def find(options):
        return next((names.index(o) for o in options if o in names), None)

    doc, code = find(_DOC_COLS), find(_CODE_COLS)
    text = find(_TEXT_STRONG)
    if text is None and code is not None:
        text = find(_TEXT_WEAK)
    if doc is None or text is None:
        return None
    known = {doc, text, code}
    flags = [i for i, n in enumerate(names) if i not in known and n and n not in _QDA_META]
    return {"doc": doc, "text": text, "code": code, "flags": flags, "names": [str(c).strip() for c in row]}


def _header_at(rows: list[list[str]]) -> tuple[int, dict] | None:
    for i, row in enumerate(rows[:5]):
        cols = coded_header(row)
        if cols is not None:
            return i, cols
    return None


def coded_rows(rows: list[list[str]]) -> bool:
    """Whether the first rows of a table are a coded-segment export's."""
    return _header_at(rows) is not None


def _flag_codes(cols: dict, data: list[tuple[int, list[str]]]) -> list[int]:
    """The columns that are codes marked per row (True/False, 1/0, a weight), not other metadata."""
    out = []
    for i in cols["flags"]:
        values = [r[i].strip() for _, r in data if i < len(r) and r[i].strip()]
        if values and all(truthy(v) is not None or re.fullmatch(r"\d+(?:\.\d+)?", v) for v in values):
            out.append(i)
    return out


def _table_segments(source: Source) -> list[tuple[str, tuple[str, ...], str, int]]:
    """``[(document, codes, text, row)]`` of a coded-segment table."""
    rows = list(_table_rows(source))
    found = _header_at([r for _, r in rows])
    if found is None:
        raise InputError("not a coded-segment export (no Document and Segment/Excerpt columns); export it again", source.path)
    at, cols = found
    data = rows[at + 1:]
    flags = [] if cols["code"] is not None else _flag_codes(cols, data)
    out = []
    for rownum, r in data:
        cell = lambda i: r[i].strip() if i is not None and i < len(r) else ""  # noqa: E731
        text, doc = cell(cols["text"]), cell(cols["doc"])
        if not text:
            continue
        codes = [c.strip() for c in re.split(r"\s*[;\n]\s*", cell(cols["code"])) if c.strip()] if cols["code"] is not None \
            else [cols["names"][i] for i in flags if truthy(cell(i)) or re.fullmatch(r"[1-9]\d*(?:\.\d+)?", cell(i))]
        out.append((doc, tuple(_code_path(c) for c in codes), text, rownum))
    return out


def _table_rows(source: Source):
    """The rows of a coded-segment table: its chosen sheet, or the first that holds coded segments."""
    from .tables import source_rows

    sheet = (source.meta.get("sheet") or _coded_sheet(source.path)) if source.format == "coded_xlsx" else None
    return source_rows(source, sheet)


def _coded_sheet(path) -> str | None:
    """The first visible sheet whose first rows are a coded-segment table's (a workbook may open on a
    chart or a code list)."""
    from .tables import iter_xlsx_rows, open_workbook

    wb = open_workbook(path)
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = [row for _, row in zip(range(5), iter_xlsx_rows(path, ws.title, wb=wb))]
            if coded_rows([r for _, r in rows]):
                return ws.title
    finally:
        wb.close()
    return None


# ------------------------------------------------------------------------------------ units

def read_coded(source: Source) -> Reading:
    """Read an NVivo, MAXQDA, Dedoose or ATLAS.ti export: one unit per coded segment."""
    path = source.path
    check_not_empty(path)
    if source.format in ("coded_csv", "coded_xlsx"):
        segments = [(d, c, t, f"row {n}") for d, c, t, n in _table_segments(source)]
    else:
        lines, where = _nvivo_text(source)
        segments = [(d, (c,) if c else (), t, where(n)) for d, c, t, n in _nvivo_segments(lines)]
    if not segments:
        raise InputError("no coded segments found in the export; export the coded segments (references) again", path)
    return _reading(source, _merge_codes(segments))


def _nvivo_text(source: Source):
    if source.format == "nvivo_docx":
        from .lines import docx_lines

        pairs = docx_lines(source.path)
        return [t for _, t in pairs], lambda n: f"paragraph {pairs[n - 1][0]}"
    with open_text(source.path) as fh:
        return fh.read().lstrip("\ufeff").splitlines(), lambda n: f"line {n}"


def _merge_codes(segments) -> list[tuple[str, tuple[str, ...], str, str]]:
    """The same text of one document coded more than once is one segment with every code."""
    merged: dict[tuple[str, str], list] = {}
    for doc, codes, text, locator in segments:
        key = (doc.strip().lower(), re.sub(r"\s+", " ", text).strip())
        if key in merged:
            merged[key][1].extend(c for c in codes if c not in merged[key][1])
        else:
            merged[key] = [doc, list(dict.fromkeys(codes)), re.sub(r"[ \t]+", " ", text).strip(), locator]
    return [(d, tuple(c), t, loc) for d, c, t, loc in merged.values()]


def _reading(source: Source, segments) -> Reading:
    meta = dict(source.meta)
    docs = list(dict.fromkeys(d for d, _, _, _ in segments))
    keys = {d: f"S{i}" for i, d in enumerate(docs, start=1)}
    if not meta.get("source_kind"):
        kinds = {kind_from_name(Path(d)) for d in docs} | {kind_from_name(source.path)}
        kinds.discard(None)
        meta["source_kind"] = kinds.pop() if len(kinds) == 1 else "other"
    consent = truthy(meta["consent"]) if meta.get("consent") is not None else None
    units = [Unit(file=str(source.path), position=pos, text=text, source_kind=meta["source_kind"],
                  group=meta.get("group"), year=meta.get("year"), question=None,
                  speaker_key=keys[doc] if doc else None, speaker_role="unknown", consent=consent,
                  locator=locator, extra=(("codes", codes),) if codes else ())
             for pos, (doc, codes, text, locator) in enumerate(segments)]
    meta["layout"] = "coded_segments"
    meta["codes_found"] = sorted({c for _, codes, _, _ in segments for c in codes})
    identifiers = [i for d in docs for i in document_identifiers(d)]
    stats = {"segments": len(segments), "units": len(units), "documents": len(docs)}
    return Reading(source=source, units=iter(units), identifiers=identifiers, meta=meta, stats=stats)


_DOC_WORDS = re.compile(r"\b(?:interviews?|transcripts?|transcription|focus\s+groups?|fg\d*|sessions?|notes|reflections?|"
                        r"survey|responses?|cop|group|final|draft|v\d+|copy|cleaned|anon\w*|deidentified|part|round|"
                        r"wave|with|and|the|of)\b|\b\d+\b|\.(?:docx?|txt|pdf|rtf|vtt|srt|mp[34]|m4a|wav)$", re.I)


def document_identifiers(doc: str) -> list[Identifier]:
    """A document's name is an identifier (it often names the person: "Interview - Helen Park"), and so
    is the person's name in it, as a speaker label's is; never its ordinary words ("Interview", "2024")."""
    name = doc.strip()
    if not name or is_generic_label(name):
        return []
    rest = re.sub(r"\s+", " ", re.sub(r"[-–—_,;:()\[\]|/]+", " ", _DOC_WORDS.sub(" ", name))).strip()
    person = name_like(rest) and not is_generic_label(rest) and (len(rest.split()) >= 2 or rest == name)
    out = [] if person and rest == name else [Identifier(value=name, kind="other", source="document_name")]
    if person:
        ident = label_identifier(rest)
        out.append(Identifier(value=ident.value, kind="person", source="document_name", aliases=ident.aliases))
    return out
