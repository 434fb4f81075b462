"""``copquotes quotes``: which quotes it lists, and every field through the disclosure layer."""
from __future__ import annotations

import csv
import io
import json

import pytest

from app.builders import NAME, build_workspace, quote_ids
from copquotes.cli import main
from copquotes.quotes import readers

HOLD = json.dumps([{"kind": "violence_detail", "start": 0, "end": 5, "severity": "hold",
                    "reason": f"details of a violence case ('my ex {NAME.split()[0]} hit')"}])


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    ids = quote_ids(w)
    with w.transaction() as c:
        c.execute("UPDATE quotes SET status = 'approved' WHERE quote_id = ?", (ids[1],))
        c.execute("UPDATE quotes SET status = 'rejected' WHERE quote_id = ?", (ids[3],))
        c.execute("UPDATE quotes SET status = 'edited', edited_text = 'An edit.' WHERE quote_id = ?", (ids[5],))
        c.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?", (HOLD, ids[6]))     # held, pending
        c.execute("UPDATE quotes SET flags_json = ?, status = 'approved' WHERE quote_id = ?", (HOLD, ids[8]))
    yield w
    w.close()


# quote index: 1 approved, 3 rejected, 5 edited, 6 pending + held, 8 approved with a hold flag (cleared)
@pytest.mark.parametrize("options, expected", [
    ({}, {1, 8}),                                         # pending and approved, never rejected or held
    ({"include_held": True}, {1, 6, 8}),
    ({"status": "all"}, {1, 3, 5, 6, 8}),
    ({"status": "rejected"}, {3}),
    ({"status": "edited"}, {5}),
    ({"status": "pending", "include_held": True}, {6}),
    ({"status": "approved"}, {1, 8}),
])
def test_which_quotes_are_listed(ws, options, expected):
    ids = {v: k for k, v in quote_ids(ws).items()}
    got = {ids[r["id"]] for r in readers.quote_records(ws, top=50, **options)}
    assert got == expected


def test_a_record_names_no_file_and_its_flag_reasons_no_name(ws):
    recs = readers.quote_records(ws, top=50, status="all")
    blob = json.dumps(recs)
    assert "fg_rre_2024" not in blob and "survey_early" not in blob
    assert {r["source"]["document"] for r in recs} <= {"focus group 2024 #1", "survey 2023 #1"}
    for part in NAME.split():
        assert part not in blob
    assert any("my ex [name] hit" in f["reason"] for r in recs for f in r["flags"])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_every_format_goes_through_the_layer(ws, fmt, capsys, tmp_path):
    with ws.transaction() as c:   # a formula and markup a reviewer typed, in an approved quote
        c.execute("UPDATE quotes SET status = 'approved', edited_text = ? WHERE quote_id = ?",
                  ("\t=HYPERLINK(\"http://evil.example\") [x](javascript:alert(1)) <b>hi</b>", quote_ids(ws)[5]))
    out = tmp_path / f"q.{fmt}"
    assert main(["quotes", "--workspace", str(ws.path), "--format", fmt, "--out", str(out), "--status", "all"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "fg_rre_2024" not in text and NAME not in text
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert "file" not in rows[0] and rows[0]["document"]
        evil = next(r for r in rows if "HYPERLINK" in r["text"])
        assert evil["text"].startswith("'\t=")
    elif fmt == "md":
        assert "](javascript" not in text and "<b>" not in text
    else:
        assert all(set(json.loads(line)["source"]) == {"document", "kind", "group", "year"}
                   for line in text.splitlines())


@pytest.mark.parametrize("theme", [None, "wellbeing"])
def test_the_ranking_columns_come_in_score_then_id_order_with_ties(ws, theme):
    from copquotes.quotes import storage

    ids = quote_ids(ws)
    with ws.transaction() as c:   # ties, broken by the quote id
        c.execute("UPDATE quotes SET score = 0.5 WHERE quote_id IN (?, ?, ?)", [ids[i] for i in (1, 5, 8)])
    statuses = ("pending", "approved", "edited")
    got = storage.ranking_columns(ws, statuses, theme)
    sql = ("SELECT q.quote_id, q.status, q.score, q.flags_json, q.themes_json FROM quotes q"
           " JOIN quotable_units u ON u.unit_id = q.unit_id WHERE q.status IN (?, ?, ?)")
    params = list(statuses)
    if theme:
        sql += " AND instr(q.themes_json, ?) > 0"
        params.append(json.dumps(theme))
    want = ws.conn.execute(sql + " ORDER BY q.score DESC, q.quote_id", params).fetchall()
    assert got == want
    assert len(got) > len({r[2] for r in got})     # the case has ties
