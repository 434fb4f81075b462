"""The canary: a folder and files named after people and an organisation, ingested and
analysed by the real pipeline, then EVERY way out searched for every name, organisation
and file-name token (inside zips, DOCX, XLSX and QDPX too): none may come out.

Channels: ``copquotes export`` of quotes (.csv .xlsx .docx .md .qdpx, approved only and
all statuses), of the units table (.csv .xlsx .qdpx), of the researcher tables (.xlsx,
.zip and each table as .csv); ``copquotes quotes`` in every format and status; the bulk
Parquet files (units and quotes); the app's pages. ``copquotes status --json`` is the operator's own view and may show file names.
Words said only by a speaker without quote consent must not come out either, nor those of
a speaker whose consent was matched by first name only, unless a reviewer asks for held
quotes or every quote.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from copquotes import review
from copquotes.cli import main

pytestmark = pytest.mark.slow

FOLDER = "Jane Citizen - Northside Womens Health"
INTERVIEW = "interview_Jane_Citizen_2023.txt"
FOCUS_GROUP = "fg_Northside_Womens_Health_Bruno_2024.vtt"
SECRET = "xylophone"          # said only by Bruno, who did not agree to be quoted
UNCONFIRMED = "kaleidoscope"    # said only by "Sam", matched to the roster's "Sam Lee" by first name

# every name, organisation and file-name token that must never come out
TOKENS = ["Jane", "Citizen", "Northside", "Womens", "Darren", "Whitlock", "Mavis", "Thompson", "Bruno", "Kowalczyk", "Priya",
          "Ramaswamy", "interview_Jane", "Citizen_2023", "fg_Northside", FOLDER, INTERVIEW, FOCUS_GROUP]

INTERVIEW_TEXT = f"""Interviewer: Thanks for making time today. What has the Community of Practice meant for you this year?

Jane Citizen: Honestly, I walk into every session flat and I walk out with a plan. Before the CoP I thought I was the only person at Northside Womens Health who kept getting shut down in staff meetings, and hearing that everyone else gets the same pushback gave me the confidence to keep raising gender equality with my manager.

Interviewer: Can you say more about what helped?

Jane Citizen: My colleague Darren Whitlock kept telling me to drop it, but the group gave me the words to explain primary prevention without getting defensive. Aunty Mavis Thompson from our board said I finally sounded sure of myself, and I feel much less alone in this work now.

Interviewer: Anything you would change?

Jane Citizen: I would love more time in small groups, because the honest conversations about backlash are where I learn the most about my own practice and my own assumptions.
"""

VTT = f"""WEBVTT

1
00:00:01.000 --> 00:00:05.000
<v Priya Ramaswamy>Welcome back everyone. What has the group changed for you since we started?</v>

2
00:00:06.000 --> 00:00:20.000
<v Jane Citizen>Being among like-minded people gave me hope and energy when I was close to burning out, and that solidarity keeps me going when leadership pushes back on our prevention work.</v>

3
00:00:21.000 --> 00:00:35.000
<v Bruno Kowalczyk>Please do not quote me, but the {SECRET} approach our team tried was the most useful thing I took from these sessions about respectful relationships.</v>

4
00:00:36.000 --> 00:00:50.000
<v Sam>The {UNCONFIRMED} exercise made me reflect on my own privilege and power, and I have changed how I run the respectful relationships sessions with my students.</v>

5
00:00:51.000 --> 00:01:05.000
<v Jane Citizen>We are all in this together, and knowing I can call on people across the region when the backlash comes makes the whole job feel possible again.</v>
"""

ROSTER = [["name", "role", "quote_consent"],
          ["Jane Citizen", "participant", "yes"],
          ["Bruno Kowalczyk", "participant", "no"],
          ["Sam Lee", "participant", "yes"],
          ["Priya Ramaswamy", "facilitator", "no"]]

MANIFEST = f"""group: Regional and rural
rosters: [roster.csv]
files:
  "{INTERVIEW}":
    source_kind: interview
    year: "2023"
  "{FOCUS_GROUP}":
    source_kind: focus_group
    year: "2024"
"""


def _cli(capsys, *argv) -> str:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    root = tmp_path_factory.mktemp("canary")
    data = root / FOLDER
    data.mkdir()
    (data / INTERVIEW).write_text(INTERVIEW_TEXT, encoding="utf-8")
    (data / FOCUS_GROUP).write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows(ROSTER)
    (data / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (data / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    ws_path = root / "ws"
    assert main(["run", str(data), "--workspace", str(ws_path), "-q"]) == 0
    from copquotes.disclosure import is_held
    from copquotes.workspace import Workspace

    ws = Workspace.open(ws_path)
    try:
        # a reviewer approves every quote that is not held (held ones stay pending)
        for qid, version, flags, status in ws.conn.execute(
                "SELECT quote_id, version, flags_json, status FROM quotes").fetchall():
            if not is_held(flags, status):
                review.approve(ws, qid, "Canary reviewer", version)
        n_quotes = ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    finally:
        ws.close()
    return {"root": root, "ws": ws_path, "data": data, "n_quotes": n_quotes}


def _texts_of(path: Path) -> str:
    """Everything inside an output file: plain text, or every member of a zip (XLSX, DOCX,
    QDPX, ZIP) as text."""
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()) + "\n" + "\n".join(
                z.namelist())
    return raw.decode("utf-8-sig", "replace")


def _hits(text: str, tokens) -> list[str]:
    return [t for t in tokens if re.search(r"(?<![A-Za-z])" + re.escape(t) + r"(?![A-Za-z])", text, re.I)]


def _channels(canary, capsys) -> dict[str, str]:
    """Every way out, by name -> everything it wrote."""
    from copquotes.export import TABLES

    ws, out = str(canary["ws"]), canary["root"] / "out"
    out.mkdir(exist_ok=True)
    got: dict[str, str] = {}
    for ext in (".csv", ".xlsx", ".docx", ".md", ".qdpx"):
        for flag in ("--approved-only", "--all-statuses"):
            p = out / f"quotes{flag}{ext}"
            _cli(capsys, "export", "--workspace", ws, "--out", str(p), flag, "-q")
            got[f"export quotes {flag} {ext}"] = _texts_of(p)
    for ext in (".csv", ".xlsx", ".qdpx"):
        p = out / f"units{ext}"
        _cli(capsys, "export", "--workspace", ws, "--out", str(p), "--what", "units", "-q")
        got[f"export units {ext}"] = _texts_of(p)
    for ext in (".xlsx", ".zip"):
        p = out / f"tables{ext}"
        _cli(capsys, "export", "--workspace", ws, "--out", str(p), "--what", "tables", "-q")
        got[f"export tables {ext}"] = _texts_of(p)
    for table in TABLES:
        p = out / f"{table}.csv"
        _cli(capsys, "export", "--workspace", ws, "--out", str(p), "--what", table, "-q")
        got[f"export {table} .csv"] = _texts_of(p)
    for fmt in ("jsonl", "csv", "md"):
        got[f"quotes {fmt}"] = _cli(capsys, "quotes", "--workspace", ws, "--format", fmt, "--top", "100")
        for status in ("pending", "approved", "edited", "rejected"):
            got[f"quotes --status {status} {fmt}"] = _cli(
                capsys, "quotes", "--workspace", ws, "--format", fmt, "--top", "100", "--status", status)
        p = out / f"quotes.{fmt}"
        _cli(capsys, "quotes", "--workspace", ws, "--format", fmt, "--top", "100", "--out", str(p))
        got[f"quotes --out {fmt}"] = _texts_of(p)
        for theme in ("wellbeing", "solidarity"):
            got[f"quotes --theme {theme} {fmt}"] = _cli(
                capsys, "quotes", "--workspace", ws, "--format", fmt, "--theme", theme)
    got.update(_bulk_files(ws))
    return got


def _bulk_files(ws_path: str) -> dict[str, str]:
    """The bulk Parquet files (as `copquotes analyse --bulk on` writes them): every string value."""
    from copquotes import bulk
    from copquotes.workspace import Workspace

    w = Workspace.open(ws_path)
    try:
        bulk.write(w, progress=False)
    finally:
        w.close()
    got = {}
    for table in bulk.TABLES:
        df = bulk.read(ws_path, table)
        got[f"bulk files {table}"] = "\n".join(str(v) for col in df.columns for v in df[col] if isinstance(v, str))
    return got


def _held_channels(canary, capsys) -> dict[str, str]:
    ws = str(canary["ws"])
    got = {}
    for fmt in ("jsonl", "csv", "md"):
        got[f"quotes --status all {fmt}"] = _cli(capsys, "quotes", "--workspace", ws, "--format", fmt,
                                                 "--top", "100", "--status", "all")
        got[f"quotes --include-held {fmt}"] = _cli(capsys, "quotes", "--workspace", ws, "--format", fmt,
                                                   "--top", "100", "--include-held")
    return got


def _app_pages(canary) -> dict[str, str]:
    from streamlit.testing.v1 import AppTest

    from copquotes.app.views import PAGES

    def page_script(ws_path, page):
        from copquotes.app.views import run_page

        run_page(page, ws_path, "Canary reviewer")

    got = {}
    for page in PAGES:
        if page == "add":     # the operator's file-adding page may show file names
            continue
        at = AppTest.from_function(page_script, args=(str(canary["ws"]), page), default_timeout=120).run()
        assert not at.exception, (page, at.exception)
        parts: list[str] = []

        def walk(node):
            proto = getattr(node, "proto", None)
            if proto is not None:
                parts.append(str(proto))
            for child in (getattr(node, "children", None) or {}).values():
                walk(child)

        walk(at._tree)
        got[f"app page {page}"] = "\n".join(parts)
    return got


def test_the_canary_analysis_made_quotes_to_search(canary):
    assert canary["n_quotes"] >= 3


def test_no_name_organisation_or_file_name_comes_out_of_any_channel(canary, capsys):
    channels = {**_channels(canary, capsys), **_held_channels(canary, capsys), **_app_pages(canary)}
    assert len(channels) >= 60
    leaks = {name: hits for name, text in channels.items() if (hits := _hits(text, TOKENS))}
    assert leaks == {}, leaks
    # the quotes did come out (a channel that writes nothing would pass trivially)
    assert any("[name]" in text for text in channels.values())
    assert "interview 2023 #1" in channels["quotes --status all jsonl"] or \
        "focus group 2024 #1" in channels["quotes --status all jsonl"]


def test_no_word_of_a_speaker_without_consent_comes_out(canary, capsys):
    channels = {**_channels(canary, capsys), **_app_pages(canary)}
    leaks = {name: hits for name, text in channels.items() if (hits := _hits(text, [SECRET]))}
    assert leaks == {}, leaks
    # unconfirmed consent: only the quote review pages show the held quotes (to be cleared)
    review_pages = {"app page quotes", "app page triage"}
    leaks = {name: hits for name, text in channels.items()
             if name not in review_pages and (hits := _hits(text, [UNCONFIRMED]))}
    assert leaks == {}, leaks


def test_consent_matched_by_first_name_only_is_held_and_counted(canary, capsys):
    held = _held_channels(canary, capsys)
    assert UNCONFIRMED in held["quotes --include-held jsonl"]           # listed when asked, never by default
    recs = [json.loads(line) for line in held["quotes --status all jsonl"].splitlines()]
    sam = [r for r in recs if UNCONFIRMED in r["text"]]
    assert sam and all(any(f["reason"] == "consent matched by first name only" and f["severity"] == "hold"
                           for f in r["flags"]) for r in sam)
    assert all(SECRET not in r["text"] for r in recs)                   # no consent: never a quote
    st = json.loads(_cli(capsys, "status", "--workspace", str(canary["ws"]), "--json"))
    assert st["consent_first_name_only"]["units"] >= 1 and st["consent_first_name_only"]["quotes_held"] >= 1
    text = _cli(capsys, "status", "--workspace", str(canary["ws"]))
    assert "consent matched by first name only" in text
    assert "consent matched by first name only" in _app_pages(canary)["app page quotes"]   # shown in the app


def test_sources_keep_their_pseudonyms_across_runs(canary, capsys):
    ws = str(canary["ws"])
    before = {r["id"]: r["source"]["document"] for r in map(json.loads, _cli(
        capsys, "quotes", "--workspace", ws, "--status", "all", "--top", "100").splitlines())}
    assert main(["run", str(canary["data"]), "--workspace", ws, "-q"]) == 0
    after = {r["id"]: r["source"]["document"] for r in map(json.loads, _cli(
        capsys, "quotes", "--workspace", ws, "--status", "all", "--top", "100").splitlines())}
    assert before and before == after
    assert set(before.values()) <= {"interview 2023 #1", "focus group 2024 #1"}
