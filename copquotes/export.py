"""Exports: quotes for communications staff, the coded units table and the topic tables for
researchers.

``export(ws, out, what="quotes"|"units"|"tables"|<table name>, approved_only=None) -> Path``
picks the format from the extension of ``out``:

===========  ===========================================================================
``.csv``     UTF-8 (with BOM, so Excel reads it), spreadsheet formulas neutralised
``.xlsx``    one sheet; text cells are inline strings (never formulas), a formula-like one with
             Excel's quote-prefix style (no literal ``'``); control characters dropped
``.docx``    (quotes) a quote bank grouped by theme, each quote with its attribution line
``.md``      (quotes) the same, as Markdown escaped so it carries no link or HTML
``.qdpx``    a REFI-QDA 1.0 project (``project.qde`` + ``sources/*.txt``): the codebook's
             themes as codes, the anonymised text as sources, coded segments
``.zip``     (tables) one CSV per researcher table (``.xlsx``: one sheet per table)
===========  ===========================================================================

``what="tables"`` writes every table of :func:`researcher_tables` (topic x theme, topic x
group / year / source kind, topics over time, theme prevalence by group and year, theme
differences between adjacent years and between groups, topic info); ``what="topic_theme"`` (or any name in :data:`TABLES`) writes that one table.

Safety rules, enforced here rather than by callers:

* quotes are read through the consent-gated view (``Workspace.quotes_frame``), approved
  ones only unless ``approved_only=False`` (then pending and edited ones too; rejected
  quotes never);
* only anonymised text leaves the workspace: quotes carry their anonymised (and
  reviewer-edited) text, the units table the ``anon`` text; if the anonymise stage has
  not run on a unit whose text would be exported, the export is refused;
* the units table holds every unit (consent matters for quotes, not for coded
  aggregate data), anonymised; the text of a unit without (confirmed) quote consent is left empty
  (its coding stays), and topic labels and keywords withhold words only such units used;
* every text, label, reason and source name goes through the disclosure layer
  (:class:`copquotes.disclosure.Disclosure`): known names masked, derived strings
  scrubbed, sources called by their pseudonym ("focus group 2024 #3"), never by a file
  or folder name; a held quote (a hold flag no reviewer cleared) is never exported.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET

import pandas as pd

from . import themescores
from .bulk import PART_UNITS, UnitFrames
from .bulk.frames import analyse_hint as _analyse_hint
from .disclosure import Disclosure, is_formula_like, is_held, md_blockquote, md_escape, neutralise_cell, strip_control
from .errors import ConfigError, WorkspaceError
from .flag_labels import flag_label
from .outputs import check_output_file

log = logging.getLogger(__name__)

TABLES = ("topic_info", "topic_theme", "topic_theme_share", "topic_by_group", "topic_by_year",
          "topic_by_source_kind", "topics_over_time", "theme_prevalence", "theme_differences")
WHATS = ("quotes", "units", "tables") + TABLES
FORMATS = (".csv", ".xlsx", ".docx", ".md", ".qdpx", ".zip")
UNIT_FORMATS = (".csv", ".xlsx", ".qdpx")
TABLES_FORMATS = (".xlsx", ".zip")       # every researcher table: one sheet / one CSV each
TABLE_FORMATS = (".csv", ".xlsx")        # one researcher table
QUOTE_COLUMNS = ["id", "text", "attribution", "themes", "score", "status", "unit_id", "start", "end",
                 "document", "kind", "group", "year", "flags", "speaker", "reviewed_by", "reviewed_at"]
QDA_NS = "urn:QDA-XML:project:1.0"
_GUID_NS = uuid.UUID("6f1c3c1e-5d0a-4f43-9a55-2f1f6a0c9b10")
_PALETTE = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
            "#9C755F", "#BAB0AC"]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _today(now: _dt.datetime | None = None) -> str:
    """The day as the quote banks' readers write it ("7 December 2026"), not a machine timestamp."""
    now = now or _dt.datetime.now()
    return f"{now.day} {now:%B %Y}"




# ---------------------------------------------------------------------------------- reading
def quote_records(ws, approved_only: bool = True, ids: list[str] | None = None,
                  theme: str | None = None) -> list[dict]:
    """Quotes as docs/DESIGN.md records (plus ``status``, ``reviewed_by``, ``reviewed_at``).

    ``ids``: only these quotes, in this order (what the app shows, or a collection); ``theme``:
    the theme they are listed under (the app's Quotes page filtered on it), which each shows.

    Consented units only (read through ``quotable_units``); approved quotes only by
    default, else approved, edited and pending ones. ``text`` is the reviewer's edit
    when there is one, else the anonymised span. Refuses when a quote's unit has not
    been anonymised.
    """
    statuses = ["approved"] if approved_only else ["approved", "edited", "pending"]
    df = ws.quotes_frame(status=statuses)
    if ids is not None:
        order = {q: i for i, q in enumerate(dict.fromkeys(ids))}
        df = df[df["quote_id"].isin(order)]
        df = df.assign(_order=df["quote_id"].map(order)).sort_values("_order").drop(columns="_order")
    if not df.empty:  # a held quote leaves only once a reviewer approved it
        df = df[[not is_held(f, st) for f, st in zip(df["flags_json"], df["status"])]].reset_index(drop=True)
    if df.empty:
        return []
    missing = ws.conn.execute(
        "SELECT COUNT(*) FROM quotes q WHERE q.unit_id IN (SELECT value FROM json_each(?))"
        " AND NOT EXISTS (SELECT 1 FROM anon a WHERE a.unit_id = q.unit_id)",
        (json.dumps(sorted(set(df["unit_id"]))),)).fetchone()[0]
    if missing:
        raise WorkspaceError(f"{missing} quote(s) come from text that has not been anonymised: " + _analyse_hint(ws))
    df = df.astype(object).where(df.notna(), None)
    gate = Disclosure(ws)
    fids = dict(ws.conn.execute("SELECT unit_id, file_id FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                                (json.dumps(sorted(set(df["unit_id"]))),)).fetchall())
    out = []
    records = df.to_dict("records")
    themes = themescores.quote_themes(ws, [(r["unit_id"], json.loads(r.get("themes_json") or "[]")) for r in records],
                                      listed_under=theme)
    for r, labelled in zip(records, themes):
        reviewed = r.get("status") != "pending"
        fid = fids.get(r["unit_id"])
        shown = r.get("edited_text") or r.get("suggested_text") or r["text"]
        out.append({
            "id": r["quote_id"],
            # a reviewer's edit, else the suggested light edit, else the anonymised span
            "text": gate.text(shown, fid),
            # the anonymised span the machine's light edit was made from, kept beside it; never
            # beside a reviewer's edit, which is often how a word the anonymiser missed was taken out
            "original": (gate.text(r["text"], fid) if not r.get("edited_text") and shown != r["text"] else None),
            "verbatim_span": {"unit_id": r["unit_id"], "start": int(r["start"]), "end": int(r["end"])},
            "themes": labelled,     # the themes it is tagged with (themescores.labelled_themes)
            "score": round(float(r.get("score") or 0.0), 4),
            "attribution": gate.text(r.get("attribution") or "", fid),
            "source": {"document": gate.source(fid), "kind": r.get("source_kind"), "group": r.get("group"),
                       "year": r.get("year")},
            "flags": gate.flags(r.get("flags_json"), fid),
            "speaker": gate.speaker(fid, r.get("speaker_key"), r["unit_id"]),
            "status": r.get("status"),
            "reviewed_by": r.get("updated_by") if reviewed else None,
            "reviewed_at": r.get("updated_at") if reviewed else None,
        })
    return out


def _flat_quote(rec: dict) -> dict:
    return {
        "id": rec["id"], "text": rec["text"], "attribution": rec["attribution"],
        "themes": "; ".join(f"{t['theme']} {float(t['score'] or 0):.2f}" for t in rec["themes"]),
        "score": rec["score"], "status": rec["status"], "unit_id": rec["verbatim_span"]["unit_id"],
        "start": rec["verbatim_span"]["start"], "end": rec["verbatim_span"]["end"],
        "document": rec["source"]["document"], "kind": rec["source"]["kind"], "group": rec["source"]["group"] or "",
        "year": rec["source"]["year"] or "",
        "flags": "; ".join(f"{f.get('kind')} ({f.get('severity', 'warn')})" for f in rec["flags"]),
        "speaker": rec["speaker"], "reviewed_by": rec["reviewed_by"] or "", "reviewed_at": rec["reviewed_at"] or "",
    }


def units_table(ws) -> pd.DataFrame:
    """The coded units table for researchers: one row per unit (all units), anonymised text,
    metadata, per theme its score (``<theme>_score``) and label (``<theme>_label``, a
    reviewer's correction winning over the tagger), the labelled themes, and the topic.
    Built :data:`copquotes.bulk.PART_UNITS` units at a time (:class:`copquotes.bulk.UnitFrames`,
    which the bulk Parquet files are written from too)."""
    frames = UnitFrames(ws)
    ids = frames.ordered_ids()
    parts = [frames.frame(ids[i:i + PART_UNITS]) for i in range(0, len(ids), PART_UNITS)]
    return pd.concat(parts, ignore_index=True) if parts else frames.frame([])


TAG_ONLY_TABLES = ("theme_differences",)   # made from the theme tags alone: no topics stage needed


def researcher_tables(ws, only: str | None = None) -> dict[str, pd.DataFrame]:
    """The researcher tables of :func:`copquotes.topics.tables_from_workspace` ready to export:
    flat columns (the topic index becomes a column), lists joined with ``", "``, and topic
    labels and keywords scrubbed of roster and speaker names (a safety net: keywords come
    from the anonymised text). Needs the topics stage; names are those of :data:`TABLES`.
    ``only`` one of :data:`TAG_ONLY_TABLES`: that table alone, which needs only the tag stage."""
    from .topics import tables_from_workspace

    if only in TAG_ONLY_TABLES:
        from .topics.tables import read_workspace, theme_differences

        frames = read_workspace(ws)
        if frames["unit_themes"].empty:
            raise WorkspaceError(f"the workspace has no theme tags yet: run 'copquotes analyse --workspace "
                                 f"{ws.path}' (the tag stage) first")
        made = {only: theme_differences(frames["units"], frames["unit_themes"])}
    else:
        if not ws.conn.execute("SELECT 1 FROM topic_info LIMIT 1").fetchone():
            raise WorkspaceError(f"the workspace has no topics yet: run 'copquotes analyse --workspace {ws.path}' "
                                 "(the topics stage) first")
        made = tables_from_workspace(ws)
    gate = Disclosure(ws)
    cohorts = _cohort_values(ws)
    out = {}
    for name, df in made.items():
        df = df.reset_index() if df.index.name is not None else df.reset_index(drop=True)
        if "representative" in df.columns:
            df["representative"] = [", ".join(str(x) for x in v) if isinstance(v, (list, tuple)) else v
                                    for v in df["representative"]]
        for col in ("label", "keywords", "topic_label", "Name", "Representation"):
            if col in df.columns:
                df[col] = [gate.aggregate(v) if isinstance(v, str) else v for v in df[col]]
        # cells of free text (group names, labels) in any other column (pandas 3 reads text as its
        # own string dtype, not object: both are text)
        for i in range(df.shape[1]):
            if df.iloc[:, i].dtype == object or pd.api.types.is_string_dtype(df.iloc[:, i].dtype):
                df.iloc[:, i] = [gate.derived(v) if isinstance(v, str) else v for v in df.iloc[:, i]]
        df.columns = _column_names(gate, df.columns, cohorts)
        out[name] = df
    return out


def _cohort_values(ws) -> set[str]:
    """The group and year values of the units: the only column names of the researcher tables
    that are not the package's own (fixed names, theme ids, source kinds)."""
    return {str(v) for row in ws.conn.execute("SELECT DISTINCT grp, year FROM units") for v in row if v is not None}


def _column_names(gate, columns, cohorts: set[str]) -> list[str]:
    """Column names as they may leave: the package's own never gated (a consent gate must not
    rename 'theme'), a cohort value through ``gate.derived``; each name kept unique."""
    out: list[str] = []
    for c in map(str, columns):
        name = gate.derived(c) if c in cohorts else c
        base, i = name, 2
        while name in out:
            name, i = f"{base} ({i})", i + 1
        out.append(name)
    return out


# ---------------------------------------------------------------------------------- writers
def _write_csv(rows: list[dict], columns: list[str], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for r in rows:
            w.writerow([neutralise_cell(_cell(r.get(c))) for c in columns])


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and pd.isna(v):
        return ""
    if v is pd.NA:
        return ""
    if isinstance(v, str):
        return strip_control(v)
    return v


_XLSX_MAX_CELL = 32767
_XLSX_STATIC = {
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        # style 2: Excel's own hidden apostrophe (the cell is text; its value is exactly the text)
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx_package_parts(n_sheets: int) -> dict[str, str]:
    """The package parts that depend on the number of sheets."""
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n_sheets + 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n_sheets + 1))
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{sheets}<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n_sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            '</Relationships>'),
    }


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _xml_text(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xlsx_cell(ref: str, v, style: str = "") -> str:
    if v is None or v == "":
        return ""
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
    if isinstance(v, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        return f'<c r="{ref}"{style}><v>{v!r}</v></c>'
    text = strip_control(str(v))
    if len(text) > _XLSX_MAX_CELL:  # Excel's limit for one cell
        text = text[:_XLSX_MAX_CELL - 1] + "\u2026"
    # an inline string: never a formula, whatever the text (and the text is neutralised too)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def _xlsx_text_cell(ref: str, v) -> str:
    """A body cell: a formula-like string keeps its exact text and gets the quote-prefix style
    (Excel's hidden apostrophe: shown and edited as text, never run), not a literal ``'``."""
    if isinstance(v, str) and is_formula_like(v):
        return _xlsx_cell(ref, v, ' s="2"')
    return _xlsx_cell(ref, v)


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "sheet"
    out, i = base, 2
    while out.lower() in taken:
        suffix = f" ({i})"
        out, i = base[:31 - len(suffix)] + suffix, i + 1
    taken.add(out.lower())
    return out


def _write_xlsx(rows: list[dict], columns: list[str], path: Path, sheet: str) -> None:
    """A one-sheet XLSX; see :func:`_write_xlsx_sheets`."""
    _write_xlsx_sheets([(sheet, rows, columns)], path)


def _write_xlsx_sheets(sheets: list[tuple[str, list[dict], list[str]]], path: Path) -> None:
    """An XLSX with one sheet per ``(name, rows, columns)`` (bold, frozen header row),
    written as a stream: fast for 50,000 rows (openpyxl's write-only mode, doing the same job,
    took 2.85x as long on 50,000 rows: benchmarks/xlsx.py, so this writer stays).

    Every text cell is an inline string (a cell is a formula only with an ``<f>``
    element, which this writer never writes); a formula-like one (as the CSV neutralises)
    carries the ``quotePrefix`` style instead of a literal ``'``, so its value is exactly the text.
    """
    taken: set[str] = set()
    names = [_sheet_name(name, taken) for name, _, _ in sheets]
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{_REL}"><sheets>'
        + "".join(f'<sheet name="{_xml_text(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        + '</sheets></workbook>')
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, xml in {**_xlsx_package_parts(len(sheets)), **_XLSX_STATIC}.items():
            z.writestr(name, xml)
        z.writestr("xl/workbook.xml", workbook)
        for n, (_, rows, columns) in enumerate(sheets, start=1):
            letters = [_col_letter(i) for i in range(len(columns))]
            with z.open(f"xl/worksheets/sheet{n}.xml", "w") as fh:
                fh.write((
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>').encode())
                head = "".join(_xlsx_cell(f"{c}1", str(name), ' s="1"') for c, name in zip(letters, columns))
                buf = [f'<row r="1">{head}</row>']
                for i, r in enumerate(rows, start=2):
                    cells = "".join(_xlsx_text_cell(f"{c}{i}", _cell(r.get(col))) for c, col in zip(letters, columns))
                    buf.append(f'<row r="{i}">{cells}</row>')
                    if len(buf) >= 2000:
                        fh.write("".join(buf).encode("utf-8"))
                        buf.clear()
                buf.append("</sheetData></worksheet>")
                fh.write("".join(buf).encode("utf-8"))


def _grouped_by_theme(ws, records: list[dict], theme: str | None = None) -> list[tuple[str, str, list[dict]]]:
    """``(theme id, label, quotes)`` in codebook order; each quote under its strongest labelled theme,
    or, listed under ``theme`` (an export filtered on it, :func:`quote_records`), under that one."""
    from .review import theme_catalogue

    cat = theme_catalogue(ws)
    labels = dict(cat)
    groups: dict[str, list[dict]] = {}
    for rec in records:
        best = max(rec["themes"], key=lambda t: float(t.get("score") or 0), default=None)
        groups.setdefault(theme or (best["theme"] if best else ""), []).append(rec)
    order = [t for t, _ in cat if t in groups] + sorted(t for t in groups if t not in labels and t)
    out = [(t, labels.get(t, t), groups[t]) for t in order]
    if "" in groups:
        out.append(("", "Other quotes", groups[""]))
    return out


def _sections(ws, records: list[dict], collection: dict | None, theme: str | None = None):
    """A collection keeps its own order under one heading; other exports group by theme (all
    under ``theme`` when they are listed under it)."""
    if collection is not None:
        return [("", "", records)] if records else []
    return _grouped_by_theme(ws, records, theme)


def _docx_small(doc, text: str, size) -> None:
    run = doc.add_paragraph().add_run(text)
    run.font.size = size


def _plain_meta(rec: dict, labels: dict) -> str:
    """A quote's small print for communications staff (Word and Markdown): its themes by name, plain warnings and its
    reference (no scores, no internal ids of themes or flags)."""
    parts = []
    if rec["themes"]:
        parts.append("Themes: " + ", ".join(strip_control(str(labels.get(t["theme"], t["theme"])))
                                            for t in rec["themes"]))
    if rec["flags"]:
        parts.append("Check: " + "; ".join(dict.fromkeys(flag_label(f.get("kind")) for f in rec["flags"])))
    parts.append(f"ref. {rec['id']}")
    return " \u00b7 ".join(parts)


def _write_docx(ws, records: list[dict], path: Path, approved_only: bool, collection: dict | None = None,
                theme: str | None = None) -> None:
    from docx import Document
    from docx.shared import Pt

    from .review import theme_catalogue

    doc = Document()
    doc.add_heading(strip_control(collection["name"]) if collection else "Quote bank", level=0)
    if collection and collection.get("note"):
        doc.add_paragraph(strip_control(collection["note"]))
    which = "approved quotes" if approved_only else "approved, edited and pending quotes"
    doc.add_paragraph(f"{len(records)} {which}, exported {_today()}. Anonymised; every quote comes from a "
                      "participant who agreed to be quoted.")
    quote_style = doc.styles["Quote"]  # looked up once: by name it costs a scan per paragraph
    labels = dict(theme_catalogue(ws))
    for _theme, label, recs in _sections(ws, records, collection, theme):
        if label:
            doc.add_heading(strip_control(label), level=1)
        for rec in recs:
            doc.add_paragraph(f"\u201c{strip_control(rec['text'])}\u201d", style=quote_style)
            if rec.get("original"):
                _docx_small(doc, "Original (anonymised): \u201c" + strip_control(rec["original"]) + "\u201d", Pt(9))
            doc.add_paragraph(strip_control(rec["attribution"]))
            _docx_small(doc, _plain_meta(rec, labels), Pt(8))
    if not records:
        doc.add_paragraph("No quotes to export: approve quotes in the review app (copquotes app).")
    doc.save(path)


def _write_md(ws, records: list[dict], path: Path, approved_only: bool, collection: dict | None = None,
              theme: str | None = None) -> None:
    from .review import theme_catalogue

    labels = dict(theme_catalogue(ws))
    which = "approved quotes" if approved_only else "approved, edited and pending quotes"
    lines = ["# " + (md_escape(collection["name"]) if collection else "Quote bank"), ""]
    if collection and collection.get("note"):
        lines += [md_escape(collection["note"]), ""]
    lines += [md_escape(f"{len(records)} {which}, exported {_today()}."), ""]
    for _theme, label, recs in _sections(ws, records, collection, theme):
        if label:
            lines += [f"## {md_escape(label)}", ""]
        for rec in recs:
            lines.append(md_blockquote(rec["text"]))
            lines.append(">")
            lines.append("> " + md_escape(rec["attribution"]))
            lines.append("")
            if rec.get("original"):     # beside the machine's light edit only (quote_records)
                lines += [md_escape("Original (anonymised): \u201c" + rec["original"] + "\u201d"), ""]
            lines += [md_escape(_plain_meta(rec, labels)), ""]
    if not records:
        lines.append(md_escape("No quotes to export: approve quotes in the review app (copquotes app)."))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------- REFI-QDA
def guid(*parts) -> str:
    """A deterministic GUID (the same theme / unit gets the same GUID in every export):
    ``uuid.uuid5`` of the parts, computed without building UUID objects (300,000 of them
    for a large project)."""
    b = bytearray(hashlib.sha1(_GUID_NS.bytes + "\x1f".join(str(p) for p in parts).encode("utf-8")).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _q(tag: str) -> str:
    return f"{{{QDA_NS}}}{tag}"


def build_qdpx(ws, documents: list[dict], project_name: str) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` XML and the source files of a REFI-QDA project.

    ``documents``: ``[{"key", "name", "description", "segments": [{"key", "text", "header",
    "codes": [theme, ...], "description"}]}]``. Each document becomes a TextSource whose
    plain text (``sources/<guid>.txt``) is the segments' headers and texts, each segment a
    PlainTextSelection (character offsets into that text) with one Coding per code.
    """
    from .review import theme_catalogue

    now = _now()
    user = guid("user", "copquotes")
    ET.register_namespace("", QDA_NS)
    try:
        from importlib.metadata import version

        origin = f"copquotes {version('copquotes')}"
    except Exception:  # noqa: BLE001 - not installed as a distribution: the name alone
        origin = "copquotes"

    project = ET.Element(_q("Project"), {
        "name": project_name, "origin": origin, "creatingUserGUID": user,
        "creationDateTime": now, "modifyingUserGUID": user, "modifiedDateTime": now})
    users = ET.SubElement(project, _q("Users"))
    ET.SubElement(users, _q("User"), {"guid": user, "name": "copquotes", "id": "copquotes"})

    cat = theme_catalogue(ws)
    used = {c for d in documents for s in d["segments"] for c in s["codes"]}
    codes = list(cat) + [(t, t) for t in sorted(used) if t not in dict(cat)]
    descriptions = _codebook_descriptions()
    if codes:
        codebook = ET.SubElement(project, _q("CodeBook"))
        codes_el = ET.SubElement(codebook, _q("Codes"))
        for i, (tid, label) in enumerate(codes):
            code = ET.SubElement(codes_el, _q("Code"), {
                "guid": guid("code", tid), "name": strip_control(label), "isCodable": "true",
                "color": _PALETTE[i % len(_PALETTE)]})
            desc = descriptions.get(tid)
            ET.SubElement(code, _q("Description")).text = strip_control(
                f"copquotes theme '{tid}'" + (f": {desc}" if desc else ""))
    files: dict[str, str] = {}
    sources = ET.SubElement(project, _q("Sources"))
    for doc in documents:
        sguid = guid("source", doc["key"])
        text_parts: list[str] = []
        pos = 0
        selections = []
        for seg in doc["segments"]:
            header = strip_control(seg.get("header") or "").replace("\r\n", "\n").replace("\r", "\n")
            body = strip_control(seg["text"]).replace("\r\n", "\n").replace("\r", "\n")
            if header:
                text_parts.append(header + "\n")
                pos += len(header) + 1
            start, end = pos, pos + len(body)
            text_parts.append(body + "\n\n")
            pos = end + 2
            if seg["codes"] and body:
                selections.append((seg, start, end))
        plain = "".join(text_parts)
        files[f"sources/{sguid}.txt"] = plain
        src = ET.SubElement(sources, _q("TextSource"), {
            "guid": sguid, "name": strip_control(doc["name"]), "plainTextPath": f"internal://{sguid}.txt",
            "creatingUser": user, "creationDateTime": now, "modifyingUser": user, "modifiedDateTime": now})
        if doc.get("description"):
            ET.SubElement(src, _q("Description")).text = strip_control(doc["description"])
        for seg, start, end in selections:
            sel = ET.SubElement(src, _q("PlainTextSelection"), {
                "guid": guid("selection", doc["key"], seg["key"]), "name": strip_control(seg.get("name") or seg["key"]),
                "startPosition": str(start), "endPosition": str(end), "creatingUser": user,
                "creationDateTime": now})
            if seg.get("description"):
                ET.SubElement(sel, _q("Description")).text = strip_control(seg["description"])
            for theme in seg["codes"]:
                coding = ET.SubElement(sel, _q("Coding"), {
                    "guid": guid("coding", doc["key"], seg["key"], theme), "creatingUser": user,
                    "creationDateTime": now})
                ET.SubElement(coding, _q("CodeRef"), {"targetGUID": guid("code", theme)})
    xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    return xml, files


def _codebook_descriptions() -> dict[str, str]:
    from .review import codebook_themes

    return {tid: definition for tid, _, definition in codebook_themes()}


def _write_csv_zip(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """A ZIP holding one CSV (UTF-8 with BOM, formulas neutralised) per table."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, df in tables.items():
            p = Path(tmp) / f"{name}.csv"
            _write_csv(df.to_dict("records"), list(df.columns), p)
            z.write(p, p.name)


def _write_qdpx(xml: bytes, files: dict[str, str], path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))


def _units_documents(ws, table: pd.DataFrame) -> list[dict]:
    theme_cols = [c[:-6] for c in table.columns if c.endswith("_label") and f"{c[:-6]}_score" in table.columns]
    docs: dict[str, dict] = {}
    for r in table.to_dict("records"):
        # a source is named by its pseudonym: the file's name and path stay in the workspace
        doc = docs.setdefault(r["document"], {
            "key": f"document:{r['document']}", "name": r["document"], "segments": [],
            "description": f"copquotes units of {r['document']}: group {r['group'] or '-'}, year {r['year'] or '-'},"
                           f" {r['source_kind']}"})
        codes = [t for t in theme_cols if r.get(f"{t}_label") == 1]
        who = ", ".join(str(x) for x in (r["speaker"], r["speaker_role"]) if x)
        doc["segments"].append({
            "key": r["unit_id"], "name": r["unit_id"], "text": r["text"] or "",
            "header": f"[{r['unit_id']}] {who}".strip(), "codes": codes,
            "description": f"unit {r['unit_id']}; group {r['group'] or '-'}; year {r['year'] or '-'};"
                           f" {r['source_kind']}; topic {r['topic'] if pd.notna(r['topic']) else '-'}"})
    return list(docs.values())


def _quotes_documents(records: list[dict]) -> list[dict]:
    segs = [{"key": rec["id"], "name": rec["id"], "text": rec["text"], "header": f"[{rec['id']}]",
             "codes": [t["theme"] for t in rec["themes"] if t.get("theme")],
             "description": f"{rec['attribution']} (status {rec['status']}, score {rec['score']:.2f})"}
            for rec in records]
    return [{"key": "quotes", "name": "copquotes quotes", "segments": segs,
             "description": "Quotes exported by copquotes, anonymised, each with its attribution in the "
                            "selection's description."}]


def _check_request(out: Path, ext: str, what: str, approved_only: bool | None) -> None:
    """Refuse, with what to do instead, an export that cannot be written: an unknown ``what``
    or extension, a format ``what`` has not, ``--approved-only`` beside a table, a folder."""
    if what not in WHATS:
        raise ConfigError(f"unknown export {what!r}: choose quotes, units, tables or one table "
                          f"({', '.join(TABLES)})")
    if ext not in FORMATS:
        raise ConfigError(f"cannot export to {out.name!r}: give a file ending in {', '.join(FORMATS)}")
    if what != "quotes" and approved_only:
        raise ConfigError(f"--approved-only applies to quotes, not to {what}")
    allowed = {"quotes": tuple(f for f in FORMATS if f != ".zip"), "units": UNIT_FORMATS,
               "tables": TABLES_FORMATS}.get(what, TABLE_FORMATS)
    if ext not in allowed:
        noun = {"quotes": "quotes", "units": "the units table", "tables": "the researcher tables"}.get(
            what, f"the {what} table")
        raise ConfigError(f"{noun} exports to {', '.join(allowed)}, not {ext or 'a file with no extension'}")
    if out.exists() and out.is_dir():
        raise ConfigError(f"{out} is a folder: give a file name, e.g. {out / ('quotes' + '.xlsx')}")


def _collection(ws, collection: str, what: str, approved_only: bool | None) -> tuple[dict, list[str]]:
    """A collection to export (its name and note through the disclosure layer) and the ids of
    its approved quotes, in its order."""
    from . import collection as collections

    if what != "quotes":
        raise ConfigError(f"--collection applies to quotes, not to {what}")
    if approved_only is False:
        raise ConfigError("a collection exports its approved quotes only: drop --all-statuses")
    coll = collections.get(ws, collection)
    quote_ids = collections.approved_ids(ws, coll["name"])
    # a reviewer's own words (the collection's name and note) leave through the layer too
    gate = Disclosure(ws)
    coll = {**coll, "name": gate.derived(coll["name"]), "note": gate.derived(coll.get("note"))}
    return coll, quote_ids


def _quote_writers(ws, records: list[dict], approved: bool, coll: dict | None,
                   theme: str | None = None) -> dict[str, Callable[[Path], None]]:
    """A writer per extension of these quote records (listed under ``theme``, if any)."""
    if not records:
        log.warning("no %squotes to export: approve quotes in the review app (copquotes app)%s",
                    "approved " if approved else "", " or use --all-statuses" if approved else "")
    flat = [_flat_quote(r) for r in records]
    return {
        ".csv": lambda p: _write_csv(flat, QUOTE_COLUMNS, p),
        ".xlsx": lambda p: _write_xlsx(flat, QUOTE_COLUMNS, p, "quotes"),
        ".docx": lambda p: _write_docx(ws, records, p, approved, coll, theme),
        ".md": lambda p: _write_md(ws, records, p, approved, coll, theme),
        ".qdpx": lambda p: _write_qdpx(*build_qdpx(ws, _quotes_documents(records), "copquotes quotes"), p),
    }


def _table_writers(ws, what: str) -> dict[str, Callable[[Path], None]]:
    """A writer per extension of the researcher tables (``tables``), one of them, or the units table."""
    if what == "tables":
        tables = researcher_tables(ws)
        return {
            ".xlsx": lambda p: _write_xlsx_sheets(
                [(n, df.to_dict("records"), list(df.columns)) for n, df in tables.items()], p),
            ".zip": lambda p: _write_csv_zip(tables, p),
        }
    if what in TABLES:
        tables = researcher_tables(ws, only=what)
        df = tables.get(what, pd.DataFrame(columns=["topic"]))
        cols = list(df.columns)
        return {
            ".csv": lambda p: _write_csv(df.to_dict("records"), cols, p),
            ".xlsx": lambda p: _write_xlsx(df.to_dict("records"), cols, p, what),
        }
    table = units_table(ws)
    cols = list(table.columns)
    return {
        ".csv": lambda p: _write_csv(table.to_dict("records"), cols, p),
        ".xlsx": lambda p: _write_xlsx(table.to_dict("records"), cols, p, "units"),
        ".qdpx": lambda p: _write_qdpx(*build_qdpx(ws, _units_documents(ws, table), "copquotes coded units"), p),
    }


def _write_whole(out: Path, ext: str, writer: Callable[[Path], None]) -> None:
    """Write through a temporary file beside ``out``, renamed over it: whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=".copquotes-export-", suffix=ext, dir=out.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------- entry point
def export(ws, out, what: str = "quotes", approved_only: bool | None = None, *, collection: str | None = None,
           quote_ids: list[str] | None = None, theme: str | None = None) -> Path:
    """Write quotes or the coded units table to ``out``; the format comes from its extension.

    ``approved_only`` (quotes only): ``None`` means the default, approved quotes only;
    ``False`` adds edited and pending ones (rejected quotes are never exported).
    ``collection``: the approved quotes of that collection, in its order, under its name
    and note. ``quote_ids``: only these quotes, in this order (the app's Export page
    writes what is on screen); ``theme``: the theme they are listed under (a page filtered on it),
    which each quote shows among its themes. Returns the path written. The file appears whole or not at all;
    its folder must exist (:class:`ConfigError` otherwise, as ``copquotes export --out``: a
    typo never creates folders).
    """
    out = Path(out)
    ext = out.suffix.lower()
    _check_request(out, ext, what, approved_only)
    check_output_file(out, "cannot export to")   # its folder must exist, as for the CLI's --out: never created
    approved = True if approved_only is None else bool(approved_only)
    coll = None
    if collection is not None:
        coll, quote_ids = _collection(ws, collection, what, approved_only)
        approved = True
    if what == "quotes":
        writers = _quote_writers(ws, quote_records(ws, approved_only=approved, ids=quote_ids, theme=theme), approved,
                                 coll, theme)
    else:
        writers = _table_writers(ws, what)
    _write_whole(out, ext, writers[ext])
    log.info("exported %s to %s", what, out)
    return out
