"""Exports: formats, formula neutralising, escaping, consent and anonymisation gates, REFI-QDA."""
from __future__ import annotations

import csv
import json
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

from app.builders import NAME, PAYLOAD, SECRET, TOPICS, UNITS, build_workspace, quote_ids, unit_id
from copquotes import review
from copquotes.disclosure import md_escape, neutralise_cell
from copquotes.errors import ConfigError, WorkspaceError
from copquotes.export import QDA_NS, export, quote_records, units_table

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    ids = quote_ids(w)
    review.approve(w, ids[1], "Ann", 1)
    review.approve(w, ids[5], "Ann", 1)                       # the payload quote
    review.edit(w, ids[6], "Ann", '=SUM(1,2) + link("http://evil.example") reflect on power', 1, approve=True)
    review.reject(w, ids[3], "Ann", "off theme", 1)
    yield w
    w.close()


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def all_text_of(path) -> str:
    if path.suffix in (".csv", ".md"):
        return path.read_text(encoding="utf-8-sig")
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return "\n".join(str(c.value) for sh in wb for r in sh.iter_rows() for c in r if c.value is not None)
    if path.suffix == ".docx":
        from docx import Document

        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())


# ---------------------------------------------------------------------------------- helpers
@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+61 400", "'+61 400"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""), (3.5, 3.5), (-2, -2),
    (None, None),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[x](javascript:alert(1))",
    "![i](http://x/y.png)", "**bold** _it_ `code`", "# heading", "<https://evil.example>",
    "http://evil.example/path", "a@b.org", ":red[colour] :smile:", "$x^2$", "1. list\n- item",
])
def test_md_escape_renders_as_plain_text(text):
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md_escape(text))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<strong" not in html and "<em" not in html and "<code" not in html and "<h1" not in html
    assert "<ol" not in html and "<ul" not in html


# ---------------------------------------------------------------------------------- quotes
def test_quotes_are_approved_only_by_default(ws, tmp_path):
    out = export(ws, tmp_path / "q.csv")
    rows = read_csv(out)
    ids = quote_ids(ws)
    assert {r["id"] for r in rows} == {ids[1], ids[5], ids[6]}
    assert all(r["status"] == "approved" and r["reviewed_by"] == "Ann" for r in rows)


def test_all_statuses_adds_pending_never_rejected(ws, tmp_path):
    rows = read_csv(export(ws, tmp_path / "q.csv", approved_only=False))
    ids = quote_ids(ws)
    assert {r["id"] for r in rows} == {ids[1], ids[5], ids[6], ids[8]}


def test_quote_records_follow_the_design_record(ws):
    (rec,) = [r for r in quote_records(ws) if r["id"] == quote_ids(ws)[1]]
    assert set(rec) >= {"id", "text", "verbatim_span", "themes", "score", "attribution", "source", "flags", "speaker"}
    assert rec["verbatim_span"] == {"unit_id": unit_id(1), "start": 0, "end": len(UNITS[1][2])}
    assert rec["source"] == {"document": "focus group 2024 #1", "kind": "focus_group", "group": "RRE", "year": "2024"}
    assert rec["themes"][0] == {"theme": "wellbeing", "score": 0.91}
    assert rec["text"].startswith("I walk in flat") and "[name]" in rec["text"]   # the edit, anonymised
    assert rec["speaker"].startswith("P-")


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".docx", ".md", ".qdpx"])
def test_no_quote_export_holds_a_name_or_text_without_consent(ws, tmp_path, ext):
    text = all_text_of(export(ws, tmp_path / f"q{ext}", approved_only=False))
    assert NAME not in text and "Okafor" not in text and SECRET not in text
    assert "walk in flat" in text            # and it is not empty


def test_consent_withdrawn_after_approval_leaves_the_export(ws, tmp_path):
    ws.conn.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(1),))
    rows = read_csv(export(ws, tmp_path / "q.csv"))
    assert quote_ids(ws)[1] not in {r["id"] for r in rows}


def test_csv_neutralises_formulas(ws, tmp_path):
    rows = read_csv(export(ws, tmp_path / "q.csv"))
    (edited,) = [r for r in rows if r["id"] == quote_ids(ws)[6]]
    assert edited["text"].startswith("'=SUM")
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_xlsx_has_no_formula_cells(ws, tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(export(ws, tmp_path / "q.xlsx"))["quotes"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    # a formula-like text keeps its exact value, shown as text by Excel's own hidden apostrophe
    signed = [c for c in cells[len(sheet[1]):] if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert any(c.value.startswith("=SUM") for c in signed)
    assert signed and all(c.quotePrefix for c in signed)
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in cells)


@pytest.mark.parametrize("what, column", [("quotes", "attribution"), ("units", "text")])
def test_xlsx_cells_hold_exactly_the_text_without_a_literal_apostrophe(ws, tmp_path, what, column):
    from openpyxl import load_workbook

    ws.conn.execute("UPDATE quotes SET attribution = '- CoP survey respondent 2025'")
    ws.conn.execute("UPDATE anon SET text = '- a dash first, then words' WHERE unit_id = ?", (unit_id(6),))
    sheet = load_workbook(export(ws, tmp_path / "x.xlsx", what=what)).worksheets[0]
    col = [c.value for c in sheet[1]].index(column)
    cells = [r[col] for r in sheet.iter_rows(min_row=2) if isinstance(r[col].value, str) and r[col].value.startswith("-")]
    assert cells and all(c.quotePrefix and c.data_type == "s" for c in cells)
    assert {c.value for c in cells} <= {"- CoP survey respondent 2025", "- a dash first, then words"}


def test_docx_quote_bank_is_grouped_by_theme_with_attribution(ws, tmp_path):
    from docx import Document

    doc = Document(str(export(ws, tmp_path / "bank.docx")))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = [t for s, t in paras if s == "Heading 1"]
    labels = dict(review.theme_catalogue(ws))
    assert headings == [labels["wellbeing"], labels["reflective_practice"]]
    quotes = [t for s, t in paras if s == "Quote"]
    assert len(quotes) == 3 and all(t.startswith("\u201c") for t in quotes)
    i = [t for _, t in paras].index(next(t for t in quotes if "walk in flat" in t))
    assert paras[i + 2][1] == "- CoP focus group participant 2024"      # below the original it was edited from


@pytest.mark.parametrize("ext", [".docx", ".md"])
def test_quote_banks_say_the_day_they_were_exported_in_words(ws, tmp_path, ext):
    """A communications officer read "exported 2026-12-07T04:53:24Z" at the top of the Word file."""
    import datetime as dt

    out = export(ws, tmp_path / f"bank{ext}")
    head = (docx_paragraphs(out)[1].text if ext == ".docx"
            else out.read_text(encoding="utf-8").replace("\\", "").split("\n")[2])
    today = dt.date.today()
    assert f"exported {today.day} {today:%B %Y}." in head, head
    assert not re.search(r"\d{4}-\d\d-\d\dT", head)


def docx_paragraphs(path) -> list:
    from docx import Document

    return list(Document(str(path)).paragraphs)


@pytest.mark.parametrize("ext", [".docx", ".md"])
def test_quote_banks_for_communications_name_themes_and_warnings_plainly_without_scores(ws, tmp_path, ext):
    review.approve(ws, quote_ids(ws)[3], "Ann", 2)         # the rejected quote with a quasi_identifier flag
    out = export(ws, tmp_path / f"bank{ext}")
    text = all_text_of(out) if ext == ".docx" else out.read_text(encoding="utf-8").replace("\\", "")
    labels = dict(review.theme_catalogue(ws))
    assert "score" not in text.lower() and not re.search(r"\b\d\.\d\d\b", text)
    assert not any(theme in text for theme in labels if "_" in theme)      # no internal theme ids
    assert f"Themes: {labels['wellbeing']}" in text
    assert "Check: May identify someone" in text and "quasi_identifier" not in text


def test_docx_keeps_the_anonymised_original_beside_a_light_edit_in_smaller_type_never_beside_a_reviewers(
        ws, tmp_path):
    paras = docx_paragraphs(export(ws, tmp_path / "bank.docx"))
    texts = [p.text for p in paras]
    originals = [i for i, t in enumerate(texts) if t.startswith("Original (anonymised): ")]
    # the suggested light edit (ids[1]) only: the reviewer's edit (ids[6]) may have taken out a word
    # the anonymiser missed, which its original would print again; the unedited ids[5] has none
    assert len(originals) == 1 and all(paras[i - 1].style.name == "Quote" for i in originals)
    assert not any("reflect on power" in texts[i - 1] for i in originals)
    by_edit = {texts[i - 1]: texts[i] for i in originals}
    walk = next(v for k, v in by_edit.items() if "walk in flat" in k)
    assert walk == ("Original (anonymised): \u201c" + UNITS[1][2].replace(NAME, "[name]") + "\u201d")
    assert NAME not in "\n".join(texts) and SECRET not in "\n".join(texts)
    assert all(paras[i].runs[0].font.size.pt < 11 for i in originals)


def _themes_everywhere(ws, qid, tmp_path) -> dict[str, list[str]]:
    """The theme names each channel shows for quote ``qid`` (approved): the app's chips, the Word,
    Markdown, CSV and XLSX quote banks, export records, and ``copquotes quotes`` as JSONL, CSV and
    Markdown (theme ids there, mapped to names)."""
    from openpyxl import load_workbook

    from copquotes.app import data
    from copquotes.quotes import quote_records as listed
    from copquotes.quotes import write_records

    names = dict(review.theme_catalogue(ws))
    small_print = re.compile(r"Themes: (.*?) \u00b7 .*ref\. " + qid)
    seen = {"app chips": [names[t["theme"]] for t in data.quote_rows(ws, [qid])[0]["labelled"]],
            "records": [names[t["theme"]] for t in quote_records(ws, ids=[qid])[0]["themes"]]}
    seen["docx"] = small_print.search(all_text_of(export(ws, tmp_path / "b.docx"))).group(1).split(", ")
    seen["md"] = small_print.search(export(ws, tmp_path / "b.md").read_text()).group(1).split(", ")
    row = next(r for r in read_csv(export(ws, tmp_path / "b.csv")) if r["id"] == qid)
    sheet = load_workbook(export(ws, tmp_path / "b.xlsx")).active
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    xrow = dict(zip(cells[0], next(r for r in cells if r[0] == qid)))
    for name, value in (("csv", row["themes"]), ("xlsx", xrow["themes"])):
        seen[name] = [names[x.rsplit(" ", 1)[0]] for x in value.split("; ")]
    recs = [r for r in listed(ws, status="approved", top=50) if r["id"] == qid]
    seen["copquotes quotes"] = [names[t["theme"]] for t in recs[0]["themes"]]
    for fmt in ("jsonl", "csv", "md"):
        write_records(recs, fmt=fmt, out=str(tmp_path / f"l.{fmt}"))
    seen["copquotes quotes jsonl"] = [names[t["theme"]] for t in
                                      json.loads((tmp_path / "l.jsonl").read_text())["themes"]]
    seen["copquotes quotes csv"] = [names[x.rsplit(" ", 1)[0]] for x in read_csv(tmp_path / "l.csv")[0]["themes"].split("; ")]
    md = re.search(r"themes: (.*?) \u00b7", (tmp_path / "l.md").read_text()).group(1)   # paste-ready: no escapes
    seen["copquotes quotes md"] = [names[t.strip()] for t in md.split(",")]
    return seen


@pytest.mark.parametrize("change, expected", [
    # unit 1 scores wellbeing 0.91 (tagged) and solidarity 0.40 (not tagged): only wellbeing is shown
    (None, ["wellbeing"]),
    # a reviewer's correction of the unit's tag wins over the tagger
    (lambda w, q: review.label_theme(w, unit_id(1), "solidarity", 1, "Ann"), ["wellbeing", "solidarity"]),
    # a theme a reviewer gives the quote, and a scored one they choose, are shown; one they drop is not
    (lambda w, q: review.set_themes(w, q, "Ann", ["backlash", "solidarity"], 2), ["backlash", "solidarity"]),
    # a theme a reviewer gave the quote, whose unit a reviewer then said is not about it, is not
    # shown (as it is not listed under it: themescores.NOT_UNLABELLED)
    (lambda w, q: (review.set_themes(w, q, "Ann", ["wellbeing", "backlash"], 2),
                   review.label_theme(w, unit_id(1), "backlash", 0, "Bea")), ["wellbeing"]),
])
def test_every_channel_shows_the_same_themes_of_a_quote(ws, tmp_path, change, expected):
    qid = quote_ids(ws)[1]
    if change is not None:
        change(ws, qid)
    names = dict(review.theme_catalogue(ws))
    seen = _themes_everywhere(ws, qid, tmp_path)
    assert {k: v for k, v in seen.items() if v != [names[t] for t in expected]} == {}


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".md", ".docx"])
def test_an_export_of_the_quotes_filtered_on_a_theme_shows_it_on_each(ws, tmp_path, ext):
    from copquotes.app import data

    # the app's Export page writes the Quotes page filtered on solidarity, unit 1's quote among them
    # (it scores solidarity 0.40 without being tagged with it)
    ids = data.export_quote_ids(ws, data.QuoteFilters(theme="solidarity"), ("approved", "edited", "pending"))
    assert quote_ids(ws)[1] in ids
    out = export(ws, tmp_path / f"f{ext}", approved_only=False, quote_ids=ids, theme="solidarity")
    name = dict(review.theme_catalogue(ws))["solidarity"]
    if ext == ".csv":
        shown = [r["themes"] for r in read_csv(out)]
    elif ext == ".xlsx":
        from openpyxl import load_workbook

        cells = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
        shown = [dict(zip(cells[0], r))["themes"] for r in cells[1:]]
    else:
        shown = re.findall(r"Themes: (.*?) \u00b7", all_text_of(out))
    assert len(shown) == len(ids)
    assert [s for s in shown if ("solidarity" if ext in (".csv", ".xlsx") else name) not in s] == []


def test_markdown_carries_no_link_or_html(ws, tmp_path):
    from markdown_it import MarkdownIt

    md = export(ws, tmp_path / "bank.md").read_text()
    html = MarkdownIt("commonmark").render(md)
    assert "<script" not in html and "<img" not in html and "<a " not in html and "javascript:" not in html.replace(
        "javascript:window", "")  # the words survive as text, never as an href
    assert "href" not in html
    assert "window.__pwned" in html                               # the payload is shown as text
    assert "## " + md_escape(dict(review.theme_catalogue(ws))["wellbeing"]) in md and "> \\- CoP focus group participant 2024" in md


def test_an_empty_export_is_valid_and_says_so(tmp_path, caplog):
    w = build_workspace(tmp_path / "ws")
    out = export(w, tmp_path / "q.md")
    assert "No quotes to export" in out.read_text()
    assert any("no approved quotes" in r.message for r in caplog.records)
    assert read_csv(export(w, tmp_path / "q.csv")) == []


def test_quotes_from_text_not_anonymised_are_refused(ws, tmp_path):
    ws.conn.execute("DELETE FROM anon WHERE unit_id = ?", (unit_id(1),))
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        export(ws, tmp_path / "q.csv")
    assert not (tmp_path / "q.csv").exists()


# ---------------------------------------------------------------------------------- units
def test_units_table_holds_every_unit_anonymised(ws):
    t = units_table(ws)
    assert len(t) == len(UNITS)
    assert NAME not in " ".join(t["text"]) and "[name]" in " ".join(t["text"])
    assert set(t["consent"]) == {"yes", "no", "unknown"}
    # no word of a speaker without quote consent: their rows keep the coding, not the text
    assert SECRET not in " ".join(t["text"]) and set(t.loc[t["consent"] != "yes", "text"]) == {""}
    row = t.set_index("unit_id").loc[unit_id(3)]
    assert row["solidarity_score"] == 0.88 and row["solidarity_label"] == 1 and row["themes"] == "solidarity; backlash"
    assert row["topic"] == 1
    assert "okafor" not in " ".join(t["topic_label"].dropna()).lower()


def test_reviewer_labels_win_in_the_units_table(ws):
    review.label_theme(ws, unit_id(3), "solidarity", 0, "Ann")
    t = units_table(ws).set_index("unit_id")
    assert t.loc[unit_id(3), "solidarity_label"] == 0 and t.loc[unit_id(3), "themes"] == "backlash"


@pytest.mark.parametrize("unit, theme, label", [
    (3, "solidarity", 0),            # a reviewer takes the tagger's theme off
    (6, "wellbeing", 1),             # adds a theme the tagger scored under its threshold... or not at all
    (7, "reflective_practice", 1),   # turns the tagger's 0 into a 1
])
def test_researcher_tables_count_a_reviewers_label_as_the_units_table_does(ws, unit, theme, label):
    from copquotes.export import researcher_tables

    review.label_theme(ws, unit_id(unit), theme, label, "Ann")
    units = units_table(ws)
    tables = researcher_tables(ws)
    prev = tables["theme_prevalence"]
    for (grp, year), cell in units.groupby(["group", "year"]):
        got = prev[(prev["group"] == grp) & (prev["year"] == year) & (prev["theme"] == theme)]
        assert int(got["labelled"].iloc[0]) == int(cell[f"{theme}_label"].sum()), (grp, year)
    by_topic = units.groupby(units["topic"].fillna(-1))[f"{theme}_label"].sum()   # no topic: the outliers (-1)
    tt = tables["topic_theme"].set_index("topic")
    assert {int(t): int(tt.loc[t, theme]) for t in tt.index} == {int(t): int(n) for t, n in by_topic.items()}
    # the pictures (the lean read) count the same labels
    from copquotes.topics.tables import read_workspace

    lean = read_workspace(ws, lean=True)["unit_themes"]
    on = {(u, t) for u in units["unit_id"] for t in [theme] if units.set_index("unit_id").loc[u, f"{t}_label"] == 1}
    assert {(u, t) for u, t in zip(lean["unit_id"], lean["theme"]) if t == theme} == on


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_units_export_round_trips(ws, tmp_path, ext):
    out = export(ws, tmp_path / f"units{ext}", what="units")
    if ext == ".csv":
        rows = read_csv(out)
    else:
        from openpyxl import load_workbook

        sh = load_workbook(out)["units"]
        vals = [[c.value for c in r] for r in sh.iter_rows()]
        rows = [dict(zip(vals[0], v)) for v in vals[1:]]
    assert len(rows) == len(UNITS)
    payload = next(r for r in rows if r["unit_id"] == unit_id(5))
    assert "<script>" in payload["text"]                       # data, kept as text
    assert NAME not in json.dumps(rows, default=str)


def test_units_export_refused_until_anonymised(tmp_path):
    w = build_workspace(tmp_path / "ws", anonymise=False)
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        export(w, tmp_path / "u.csv", what="units")
    assert not (tmp_path / "u.csv").exists()


# ---------------------------------------------------------------------------------- researcher tables
def test_tables_export_writes_every_table_as_a_sheet_without_names(ws, tmp_path):
    from openpyxl import load_workbook

    from copquotes.export import TABLES

    wb = load_workbook(export(ws, tmp_path / "tables.xlsx", what="tables"))
    assert wb.sheetnames == list(TABLES)
    tt = [[c.value for c in r] for r in wb["topic_theme"].iter_rows()]
    assert tt[0][:3] == ["topic", "label", "units"] and "solidarity" in tt[0]
    row = {r[0]: dict(zip(tt[0], r)) for r in tt[1:]}[1]
    assert row["units"] == sum(1 for t in TOPICS.values() if t == 1)
    everything = json.dumps([[c.value for r in sh.iter_rows() for c in r] for sh in wb.worksheets], default=str)
    assert "okafor" not in everything.lower() and ("[redacted]" in everything or "[name]" in everything)


def test_tables_export_as_a_zip_of_csvs_matches_the_dataframes(ws, tmp_path):
    from copquotes.export import researcher_tables

    frames = researcher_tables(ws)
    with zipfile.ZipFile(export(ws, tmp_path / "tables.zip", what="tables")) as z:
        assert sorted(z.namelist()) == sorted(f"{n}.csv" for n in frames)
        rows = list(csv.DictReader(z.read("theme_prevalence.csv").decode("utf-8-sig").splitlines()))
    assert len(rows) == len(frames["theme_prevalence"])
    assert list(rows[0]) == ["group", "year", "theme", "units", "labelled", "share", "speakers",
                             "speakers_labelled", "share_low", "share_high", "small_n"]
    assert {r["small_n"] for r in rows} == {"True"}      # the builder's cells hold 3 and 5 units


@pytest.mark.parametrize("unit, theme, label", [
    (None, "wellbeing", None),       # as built: RRE 2024 units 1, 2, 4, 5 (S2, S3, S4, S5)
    (3, "wellbeing", 1),             # S2's second unit: one more unit, no more people
    (1, "wellbeing", 0),             # S2 keeps the theme through unit 3
    (3, "solidarity", 0),            # S2's only solidarity unit: S2 leaves the count
])
def test_theme_prevalence_speakers_are_the_units_exports_distinct_speakers(ws, unit, theme, label):
    from copquotes.export import researcher_tables

    if unit is not None:
        review.label_theme(ws, unit_id(unit), theme, label, "Ann")
    units = units_table(ws)
    units = units[units["speaker_role"] != "facilitator"]          # a prompt is not feedback
    prev = researcher_tables(ws)["theme_prevalence"].set_index(["group", "year", "theme"])
    for (grp, year), cell in units.groupby(["group", "year"]):
        got = prev.loc[(grp, year, theme)]
        said = cell[cell[f"{theme}_label"] == 1]
        assert (got["speakers"], got["speakers_labelled"]) == (cell["speaker"].nunique(), said["speaker"].nunique())


def test_one_table_exports_as_csv(ws, tmp_path):
    rows = read_csv(export(ws, tmp_path / "over_time.csv", what="topics_over_time"))
    assert rows and set(rows[0]) >= {"year", "topic", "label", "units", "share"}


def test_tables_export_refused_before_topics(tmp_path):
    w = build_workspace(tmp_path / "ws")
    w.conn.execute("DELETE FROM topic_info")
    w.conn.commit()
    with pytest.raises(WorkspaceError, match="topics stage"):
        export(w, tmp_path / "t.xlsx", what="tables")
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize("out, what, approved_only, match", [
    ("t.csv", "tables", None, "researcher tables exports to .xlsx, .zip"),
    ("t.docx", "topic_theme", None, "topic_theme table exports"),
    ("t.xlsx", "tables", True, "applies to quotes"),
    ("q.zip", "quotes", None, "quotes exports"),
    ("u.docx", "units", None, "units table exports"),
    ("u.md", "units", None, "units table exports"),
    ("u.csv", "units", True, "applies to quotes"),
    ("q.txt", "quotes", None, "cannot export"),
    ("q", "quotes", None, "cannot export"),
    ("q.csv", "everything", None, "unknown export"),
])
def test_bad_export_requests_say_what_to_do(ws, tmp_path, out, what, approved_only, match):
    with pytest.raises(ConfigError, match=match):
        export(ws, tmp_path / out, what=what, approved_only=approved_only)


@pytest.mark.parametrize("out, what", [("nonexist/q.csv", "quotes"), ("nonexist/deeper/u.xlsx", "units"),
                                       ("nonexist/t.zip", "tables")])
def test_an_export_into_a_missing_folder_is_refused_as_the_cli_refuses_it_and_makes_no_folder(ws, tmp_path, out, what):
    with pytest.raises(ConfigError) as exc:
        export(ws, tmp_path / out, what=what)
    message = str(exc.value)
    assert "\n" not in message and f"the folder {(tmp_path / out).parent} does not exist: create it first" in message
    assert not (tmp_path / "nonexist").exists()


# ---------------------------------------------------------------------------------- REFI-QDA
def _qdpx(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        root = ET.fromstring(z.read("project.qde"))
        files = {n: z.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    return root, files, names


def _check_refi_structure(root, files):
    ns = {"q": QDA_NS}
    assert root.tag == f"{{{QDA_NS}}}Project" and root.get("name")
    # children in the schema's order
    order = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs", "Description"]
    tags = [c.tag.split("}")[1] for c in root]
    assert tags == sorted(tags, key=order.index)
    codes = root.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert codes and all(GUID.match(c.get("guid")) and c.get("name") and c.get("isCodable") == "true" for c in codes)
    code_guids = {c.get("guid") for c in codes}
    all_guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(all_guids) == len(set(all_guids)) and all(GUID.match(g) for g in all_guids)
    coded = []
    for src in root.findall("q:Sources/q:TextSource", ns):
        path = src.get("plainTextPath")
        assert path.startswith("internal://")
        text = files["sources/" + path[len("internal://"):]]
        kids = [c.tag.split("}")[1] for c in src]
        assert kids == sorted(kids, key=["Description", "PlainTextContent", "PlainTextSelection", "Coding",
                                          "NoteRef", "VariableValue"].index)
        for sel in src.findall("q:PlainTextSelection", ns):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert 0 <= s < e <= len(text)
            refs = [c.find("q:CodeRef", ns).get("targetGUID") for c in sel.findall("q:Coding", ns)]
            assert refs and set(refs) <= code_guids
            coded.append((text[s:e], refs))
    return coded, {c.get("guid"): c.get("name") for c in codes}


def test_qdpx_units_project_follows_refi_qda(ws, tmp_path):
    root, files, names = _qdpx(export(ws, tmp_path / "units.qdpx", what="units"))
    assert "project.qde" in names and len(files) == 2
    coded, code_names = _check_refi_structure(root, files)
    anon = dict(ws.conn.execute("SELECT unit_id, text FROM anon").fetchall())
    labels = dict(review.theme_catalogue(ws))
    by_text = {t: sorted(code_names[g] for g in refs) for t, refs in coded}
    assert by_text[anon[unit_id(3)]] == sorted([labels["backlash"], labels["solidarity"]])
    assert by_text[anon[unit_id(6)]] == [labels["reflective_practice"]]
    assert anon[unit_id(7)] not in by_text                    # label 0: not coded
    assert NAME not in "".join(files.values())


def test_qdpx_quotes_project_codes_each_quote(ws, tmp_path):
    root, files, _ = _qdpx(export(ws, tmp_path / "quotes.qdpx"))
    coded, code_names = _check_refi_structure(root, files)
    texts = [t for t, _ in coded]
    assert len(coded) == 3 and any(t.startswith("I walk in flat") for t in texts)
    assert SECRET not in "".join(files.values())


def test_qdpx_guids_are_stable_between_exports(ws, tmp_path):
    a, _, _ = _qdpx(export(ws, tmp_path / "a.qdpx", what="units"))
    b, _, _ = _qdpx(export(ws, tmp_path / "b.qdpx", what="units"))
    guids = lambda r: sorted(e.get("guid") for e in r.iter() if e.get("guid"))  # noqa: E731
    assert guids(a) == guids(b)


# ---------------------------------------------------------------------------------- CLI
def test_cli_export(ws, tmp_path, capsys):
    from copquotes.cli import main

    assert main(["export", "--workspace", str(ws.path), "--out", str(tmp_path / "q.md")]) == 0
    assert "wrote" in capsys.readouterr().err
    ws.conn.execute("DELETE FROM anon")
    assert main(["export", "--workspace", str(ws.path), "--out", str(tmp_path / "u.csv"), "--what", "units"]) != 0
    err = capsys.readouterr().err
    assert "copquotes analyse" in err and len(err.strip().splitlines()) == 1


def test_payload_is_exported_as_text_only(ws, tmp_path):
    rows = read_csv(export(ws, tmp_path / "q.csv"))
    (p,) = [r for r in rows if r["id"] == quote_ids(ws)[5]]
    assert p["text"] == PAYLOAD


def test_xlsx_writer_round_trips_awkward_values(tmp_path):
    from openpyxl import load_workbook

    from copquotes.export import _write_xlsx

    rows = [
        {"a": "x < y & z > w", "b": 3, "c": -2.5, "d": None, "e": True},
        {"a": "  spaced  ", "b": float("nan"), "c": "=cmd|' /C calc'!A0", "d": "bell\x07 tab\tok", "e": "y" * 40000},
        {"a": "ünïcødé “quotes” ✓", "b": 10**12, "c": "@SUM(A1)", "d": "-1+1", "e": "+61 400 000 000"},
    ]
    path = tmp_path / "t.xlsx"
    _write_xlsx(rows, list("abcde"), path, "t&<sheet>")
    wb = load_workbook(path)
    sh = wb.worksheets[0]
    vals = [[c.value for c in r] for r in sh.iter_rows()]
    assert vals[0] == list("abcde") and sh["A1"].font.b
    assert vals[1] == ["x < y & z > w", 3, -2.5, None, True]
    assert vals[2][:4] == ["  spaced  ", None, "=cmd|' /C calc'!A0", "bell tab\tok"]
    assert len(vals[2][4]) == 32767
    assert vals[3] == ["ünïcødé “quotes” ✓", 10**12, "@SUM(A1)", "-1+1", "+61 400 000 000"]
    assert [sh[ref].quotePrefix for ref in ("C3", "C4", "D4", "E4", "A2")] == [True, True, True, True, False]
    assert all(c.data_type != "f" for r in sh.iter_rows() for c in r)
    assert sh.freeze_panes == "A2"


@pytest.mark.parametrize("text, expected", [
    ("0_walk_plan_okafor_room", "0_walk_plan_[redacted]_room"),
    ("Sarah Okafor's group", "[redacted]'s group"),
    ("sarahs", "sarahs"),                     # whole words only
    ("the orange door helped", "[redacted] helped"),
    ("door", "door"),                         # parts of an organisation's name are not names
])
def test_scrub_masks_redacted_strings(tmp_path, text, expected):
    from copquotes.disclosure import identifier_terms, scrub

    w = build_workspace(tmp_path / "ws")
    unit_text = UNITS[6][2]
    w.conn.execute("UPDATE units SET text = ? WHERE unit_id = ?", (unit_text + " At The Orange Door.", unit_id(6)))
    n = len(unit_text)
    review.add_redaction(w, unit_id(6), n + 4, n + 19, "org", "Ann")   # "The Orange Door"
    assert scrub(text, identifier_terms(w)) == expected


@pytest.mark.parametrize("parts", [("code", "wellbeing"), ("selection", "file:a.csv", "u001"), ("user", "ünï")])
def test_guid_is_uuid5(parts):
    import uuid

    from copquotes.export import _GUID_NS, guid

    assert guid(*parts) == str(uuid.uuid5(_GUID_NS, "\x1f".join(parts)))


def test_exports_mask_a_name_the_anonymiser_missed(ws, tmp_path):
    missed = "We are in this together, Okafor said."
    ws.conn.execute("UPDATE anon SET text = ? WHERE unit_id = ?", (missed, unit_id(3)))
    ws.conn.execute("UPDATE quotes SET edited_text = ? WHERE quote_id = ?", (missed, quote_ids(ws)[1]))
    t = units_table(ws).set_index("unit_id")
    assert t.loc[unit_id(3), "text"] == "We are in this together, [name] said."
    assert "Okafor" not in all_text_of(export(ws, tmp_path / "q.csv"))
    assert "Okafor" not in all_text_of(export(ws, tmp_path / "u.qdpx", what="units"))


# ---------------------------------------------------------------------------------- characters XML cannot hold
AWKWARD = "I felt \ufffe safe \uffff here \x07 with \x0b friends \U0001fffe\ufdd0 and \x00 more"


@pytest.mark.parametrize("ext", [".xlsx", ".docx", ".qdpx", ".csv", ".md"])
def test_noncharacters_and_controls_never_break_an_export(ws, tmp_path, ext):
    """U+FFFE / U+FFFF and control characters that reach a quote (an old workspace, a pasted edit)
    are dropped on the way out: the XLSX is valid XML, the DOCX is written, the QDPX parses."""
    qid = quote_ids(ws)[1]
    ws.conn.execute("UPDATE quotes SET edited_text = ? WHERE quote_id = ?", (AWKWARD, qid))
    ws.conn.execute("UPDATE anon SET text = ? WHERE unit_id = ?", (AWKWARD, unit_id(1)))
    path = export(ws, tmp_path / f"q{ext}", approved_only=True)
    if ext in (".xlsx", ".docx", ".qdpx"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith((".xml", ".qde", ".rels")):
                    ET.fromstring(z.read(name))              # well-formed XML
    text = all_text_of(path)
    assert "safe" in text and "friends" in text
    for bad in ("\ufffe", "\uffff", "\x07", "\x0b", "\U0001fffe", "\ufdd0", "\x00"):
        assert bad not in text, repr(bad)


# ---------------------------------------------------------------------------------- survey questions
QUESTION_IDENTIFIERS = [
    ("What would you say to Oisín Mac Giolla Phádraig about next year?", ("Oisín", "Giolla", "Phádraig")),
    ("How did the session at the Tallaght Hub land for you?", ("Tallaght",)),
]


@pytest.mark.parametrize("question, hidden", QUESTION_IDENTIFIERS)
def test_survey_questions_leave_anonymised_in_every_channel(tmp_path, question, hidden):
    from copquotes import bulk
    from copquotes.app.data import question_text

    w = build_workspace(tmp_path / "ws")
    with w.transaction() as c:
        c.execute("UPDATE units SET question = ? WHERE file_id = 2", (question,))
    shown = {
        "units table": "\n".join(units_table(w)["question"].dropna()),
        "units csv": export(w, tmp_path / "u.csv", what="units").read_text(encoding="utf-8-sig"),
        "units xlsx": all_text_of(export(w, tmp_path / "u.xlsx", what="units")),
        "app": question_text(w, question, 2),
    }
    bulk.write(w, progress=False)
    shown["bulk"] = "\n".join(bulk.read(w.path, "units")["question"].dropna())
    for channel, text in shown.items():
        assert "about" in text or "land for you" in text, channel        # the question is still there
        assert not [h for h in hidden if h in text], (channel, text)
    # the redactor ran once per distinct question and its result is kept in the workspace
    assert len(w.get_config("disclosure.questions")) == 1
    w.close()


# ---------------------------------------------------------------------------------- researcher tables
OWN_WORDS = ("topic label units theme share labelled group year total size keywords wellbeing solidarity backlash"
             " speakers speakers_labelled share_low share_high small_n small low high")


def test_researcher_tables_keep_their_own_column_names_when_only_a_non_consenting_speaker_used_them(tmp_path):
    from copquotes.export import TABLES, researcher_tables

    w = build_workspace(tmp_path / "ws")
    with w.transaction() as c:     # words only a speaker without quote consent used: withheld from labels
        c.execute("UPDATE anon SET text = ? WHERE unit_id = ?", (OWN_WORDS, unit_id(2)))
    tables = researcher_tables(w)
    assert set(tables) == set(TABLES)
    assert list(tables["theme_prevalence"].columns) == ["group", "year", "theme", "units", "labelled", "share",
                                                        "speakers", "speakers_labelled", "share_low", "share_high",
                                                        "small_n"]
    assert "wellbeing" in tables["topic_theme"].columns and "label" in tables["topic_info"].columns
    for name, df in tables.items():
        assert "[withheld]" not in df.columns and len(set(df.columns)) == len(df.columns), name
    for what in ("tables", "topic_info", "theme_prevalence"):
        export(w, tmp_path / f"{what}.xlsx", what=what)
    w.close()


def test_a_cohort_named_after_a_person_is_masked_alike_in_every_researcher_table_and_the_units_table(tmp_path):
    """A group name holding a roster name ("Okafor group") leaves masked, and the same everywhere: the
    topic_by_group column, theme_prevalence's group cells and the units table's group column name one
    cohort one way, so a researcher can join them (pandas 3 reads text cells as its string dtype, which
    the tables' masking of cells once skipped)."""
    from copquotes.export import researcher_tables

    surname = NAME.split()[-1]
    w = build_workspace(tmp_path / "ws")
    with w.transaction() as c:
        c.execute("UPDATE units SET grp = ? WHERE file_id = 2", (f"{surname} group",))
    tables = researcher_tables(w)
    cohorts = set(tables["topic_by_group"].columns) - {"topic", "label", "total"}
    assert len(cohorts) == 2 and "RRE" in cohorts
    assert set(tables["theme_prevalence"]["group"]) == cohorts
    assert set(units_table(w)["group"]) == cohorts
    for name, df in tables.items():
        assert surname not in df.to_csv(index=False), name
    assert surname not in export(w, tmp_path / "u.csv", what="units").read_text(encoding="utf-8-sig")
    w.close()


# ---------------------------------------------------------------------------------- speaker pseudonyms
def test_speakers_leave_by_a_keyed_pseudonym_the_same_in_units_and_quotes(ws, tmp_path):
    from copquotes import bulk

    stored = dict(ws.conn.execute("SELECT unit_id, speaker_key FROM units"))
    units = {r["unit_id"]: r["speaker"] for r in read_csv(export(ws, tmp_path / "u.csv", what="units"))}
    quotes = {r["verbatim_span"]["unit_id"]: r["speaker"] for r in quote_records(ws, approved_only=False)}
    assert quotes and all(units[uid] == who for uid, who in quotes.items())          # joinable
    assert all(re.fullmatch(r"P-[0-9a-f]{10}", who) for who in units.values())
    assert not set(units.values()) & (set(stored.values()) | {f"P-{i:06d}" for i in range(10)})
    assert units[unit_id(1)] == units[unit_id(3)] != units[unit_id(5)]               # one person, one name
    bulk.write(ws, progress=False)
    assert dict(zip(*bulk.read(ws.path, "units")[["unit_id", "speaker"]].T.values)) == units
    # another workspace with the same files has its own secret: a staff list cannot compute them
    other = build_workspace(tmp_path / "other")
    assert units[unit_id(6)] != units_table(other).set_index("unit_id").loc[unit_id(6), "speaker"]
    other.close()


@pytest.mark.parametrize("ext", [".md", ".docx"])
def test_a_quote_bank_filtered_on_a_theme_puts_every_quote_under_that_theme(ws, tmp_path, ext):
    """Units 1 and 8 score wellbeing best (0.91, 0.77) and solidarity too (0.40, 0.62): listed
    under solidarity, their quotes are under its heading, not under wellbeing's."""
    from copquotes.app import data

    ids = data.export_quote_ids(ws, data.QuoteFilters(theme="solidarity"), ("approved", "edited", "pending"))
    assert {quote_ids(ws)[1], quote_ids(ws)[8]} <= set(ids)
    out = export(ws, tmp_path / f"f{ext}", approved_only=False, quote_ids=ids, theme="solidarity")
    if ext == ".docx":
        headings = [p.text for p in docx_paragraphs(out) if p.style.name == "Heading 1"]
    else:
        headings = [line[3:] for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert headings == [md_escape(dict(review.theme_catalogue(ws))["solidarity"]) if ext == ".md"
                        else dict(review.theme_catalogue(ws))["solidarity"]]
    assert len(re.findall(r"Themes: ", all_text_of(out) if ext == ".docx" else out.read_text())) == len(ids)
