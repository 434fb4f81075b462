"""Build realistic (synthetic) export files for the ingest tests: XLSX and DOCX by code."""
from __future__ import annotations

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
COP_FOLDER = FIXTURES / "cop_folder"

FORMS_HEADER = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
                "How satisfied were you with the Community of Practice overall?",
                "Which sessions did you attend?",
                "What was the most valuable aspect of your CoP?",
                "What is one thing you will do differently in your practice?",
                "Are you happy for your comments to be quoted anonymously in reports?"]
FORMS_ROWS = [
    [1, "3/14/24 10:02:11", "3/14/24 10:09:40", "aroha.ngata@example.org", "Aroha Ngata", None,
     "Very satisfied", "Session 1;Session 2;Session 4;",
     "Being in a group where people actually get it. I leave every session feeling held.",
     "Name my own assumptions before I run a session with students.", "Yes"],
    [2, "3/14/24 11:15:00", "3/14/24 11:21:12", "anonymous", None, None,
     "Satisfied", "Session 2;Session 3;",
     "The resources people shared, and the honesty about what didn't work.",
     "N/A", "No"],
    [3, "3/15/24 09:00:00", "3/15/24 09:04:30", "tom.okafor@example.org", "Tom Okafor", None,
     "Very satisfied", "Session 1;Session 3;Session 4;",
     "Connections across the region, people I can call when I'm stuck.",
     "Bring the head and the heart together when I talk to leadership.", "Yes, anonymously"],
]


def write_csv(path: Path, rows, encoding: str = "utf-8", newline: str = "\r\n", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline, delimiter=delimiter)
    for r in rows:
        w.writerow(r)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def make_forms_xlsx(path: Path, header=FORMS_HEADER, rows=FORMS_ROWS, extra_sheets: bool = True,
                    sheet_title: str = "Sheet1") -> Path:
    """A Microsoft Forms download (plus, optionally, a chart sheet and a pivot summary someone added)."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    if extra_sheets:
        summary = wb.create_sheet("Summary", 0)  # the first sheet is not the responses
        summary.append(["Question", "Count"])
        summary.append(["Very satisfied", 2])
        summary.append(["Satisfied", 1])
        notes = wb.create_sheet("Notes")
        notes.append(["Exported from Microsoft Forms by the evaluation team"])
    ws.append(header)
    for r in rows:
        r = list(r)
        for i in (1, 2):
            if isinstance(r[i], str):
                r[i] = dt.datetime.strptime(r[i], "%m/%d/%y %H:%M:%S")
        ws.append(r)
    wb.save(path)
    return path


def make_plain_xlsx(path: Path, rows, title_rows=(), sheets: dict | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Responses"
    for t in title_rows:
        ws.append(t)
    for r in rows:
        ws.append(r)
    for name, srows in (sheets or {}).items():
        s = wb.create_sheet(name)
        for r in srows:
            s.append(r)
    wb.save(path)
    return path


TEAMS_DOCX_TURNS = [
    ("Priya Raman", "0:03", "Okay, thanks everyone for coming along to our final session."),
    ("Priya Raman", "0:09", "Let's go around and share one thing you're taking away."),
    ("Tom Okafor", "0:21", "For me it's the solidarity. I know who to call now when a school pushes back."),
    ("Mia Rossi", "1:02", "I arrive exhausted and I leave energised, every single time."),
    ("Tom Okafor", "1:15", "Same."),
]


def make_teams_docx(path: Path, turns=TEAMS_DOCX_TURNS, style: str = "modern", title: str = "CoP session 6") -> Path:
    """A Teams transcript download.

    ``modern``: title, date and duration paragraphs, then ``Name   0:03`` and a text paragraph per turn.
    ``inline``: name/time and text in one paragraph separated by a line break.
    ``stream``: the older Stream layout ``0:0:3.0 --> 0:0:8.5`` / name / text in one paragraph.
    """
    import docx

    d = docx.Document()
    if style in ("modern", "inline"):
        d.add_paragraph(title)
        d.add_paragraph("October 3, 2024, 2:00PM")
        d.add_paragraph("45m 12s")
        d.add_paragraph("Priya Raman started transcription")
        for name, ts, text in turns:
            if style == "modern":
                d.add_paragraph(f"{name}   {ts}")
                d.add_paragraph(text)
            else:
                p = d.add_paragraph(f"{name}   {ts}")
                p.add_run().add_break()
                p.add_run(text)
    elif style == "stream":
        t = 0.0
        for name, _ts, text in turns:
            start, end = t, t + 5.5
            p = d.add_paragraph(f"0:0:{start:.1f} --> 0:0:{end:.1f}")
            p.add_run().add_break()
            p.add_run(name)
            p.add_run().add_break()
            p.add_run(text)
            t = end
    elif style == "labelled":
        d.add_paragraph("Interview transcript - 2024")
        for name, _ts, text in turns:
            d.add_paragraph(f"{name}: {text}")
    else:
        raise ValueError(style)
    d.save(path)
    return path


PLAIN_ROWS_FOR_DETECT = [
    ["ID", "What did you value?", "Any other comments?"],
    ["1", "Being with people who understand why this work matters to me.", "Thanks to the facilitators."],
    ["2", "Practical scripts for handling pushback from parents and staff.", ""],
]


def csv_bytes(rows, delimiter=",", encoding="utf-8", newline="\r\n") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(encoding)


def units_of(path, roster=(), **meta):
    """``(format, reading, units)`` of a file read as the ingest reads it (surveys by default)."""
    from copquotes.ingest import Source, detect_format, read

    fmt = detect_format(path)
    m = dict(meta)
    if fmt.endswith(("_csv", "_xlsx")) and fmt != "roster_csv":
        m.setdefault("source_kind", "survey")
    r = read(Source(path, fmt, m, tuple(roster)))
    return fmt, r, list(r.units)


def survey_units(tmp_path, answers, header, cells, **meta):
    """The units of a small survey CSV: a respondent column, one open question answered by ``answers``,
    then the columns ``header`` with a row of ``cells`` per answer (consent questions, notes ...)."""
    rows = [["Respondent", "What did you value most about the CoP?"] + list(header)]
    rows += [[str(i + 1), text] + list(c) for i, (text, c) in enumerate(zip(answers, cells))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    return units_of(p, **meta)[2]


def texts(units):
    return " | ".join(u.text for u in units)
