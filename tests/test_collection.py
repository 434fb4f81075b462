"""Collections: named, ordered sets of approved quotes with a note, and their exports."""
from __future__ import annotations

import pytest

from copquotes import collection as collections
from copquotes import review
from copquotes.cli import main as cli
from copquotes.errors import ConfigError

from app.builders import build_workspace, quote_ids


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws", statuses={1: "approved", 3: "approved", 6: "approved", 8: "pending"})
    yield w
    w.close()


def test_only_approved_quotes_go_in_and_the_order_is_kept(ws):
    q = quote_ids(ws)
    res = collections.add(ws, "Annual report 2025", [q[6], q[8], q[1], "nope", q[6]], "Ann")
    assert res["added"] == [q[6], q[1]] and res["not_approved"] == [q[8]] and res["unknown"] == ["nope"]
    assert collections.add(ws, "annual REPORT 2025", [q[1], q[3]], "Ann")["already"] == [q[1]]   # same name, any case
    assert collections.quote_ids(ws, "Annual report 2025") == [q[6], q[1], q[3]]
    collections.move(ws, "Annual report 2025", q[3], -2, "Ann")
    assert collections.quote_ids(ws, "Annual report 2025") == [q[3], q[6], q[1]]
    collections.remove(ws, "Annual report 2025", q[6], "Ann")
    assert collections.quote_ids(ws, "Annual report 2025") == [q[3], q[1]]
    [info] = collections.list_collections(ws)
    assert (info["name"], info["quotes"], info["approved"], info["created_by"]) == ("Annual report 2025", 2, 2, "Ann")


def test_a_quote_no_longer_approved_stays_listed_but_is_not_exported(ws):
    q = quote_ids(ws)
    collections.add(ws, "Newsletter", [q[1], q[3]], "Ann")
    review.reset(ws, q[3], "Bo", 1)
    assert collections.quote_ids(ws, "Newsletter") == [q[1], q[3]]
    assert collections.approved_ids(ws, "Newsletter") == [q[1]]


@pytest.mark.parametrize("call, message", [
    (lambda ws: collections.create(ws, "  ", "Ann"), "give the collection a name"),
    (lambda ws: collections.create(ws, "x" * 81, "Ann"), "at most 80"),
    (lambda ws: collections.get(ws, "Missing"), "no collection named 'Missing'"),
    (lambda ws: collections.add(ws, "A", [], ""), "reviewer name"),
])
def test_bad_requests_say_what_to_do(ws, call, message):
    with pytest.raises(ConfigError, match=message):
        call(ws)


def test_create_rename_note_delete(ws):
    collections.create(ws, "Board pack", "Ann", note="for the March board")
    with pytest.raises(ConfigError, match="already a collection"):
        collections.create(ws, "board pack", "Bo")
    collections.add(ws, "Board pack", [quote_ids(ws)[1]], "Ann")
    assert collections.rename(ws, "Board pack", "Board pack March", "Ann") == "Board pack March"
    collections.set_note(ws, "Board pack March", "final", "Ann")
    assert collections.get(ws, "board pack march") == {"name": "Board pack March", "note": "final"}
    assert collections.quote_ids(ws, "Board pack March") == [quote_ids(ws)[1]]
    collections.delete(ws, "Board pack March", "Ann")
    assert collections.list_collections(ws) == []
    assert ws.conn.execute("SELECT COUNT(*) FROM collection_quotes").fetchone()[0] == 0


def test_collection_writes_bump_the_app_change_counter(ws):
    before = review.change_counter(ws)
    collections.add(ws, "A", [quote_ids(ws)[1]], "Ann")
    assert review.change_counter(ws) > before


@pytest.mark.parametrize("ext", [".docx", ".md", ".csv"])
def test_export_collection_from_the_command_line(ws, tmp_path, ext):
    q = quote_ids(ws)
    collections.create(ws, "Annual report 2025", "Ann", note="Quotes for the annual report")
    collections.add(ws, "Annual report 2025", [q[6], q[3], q[1]], "Ann")
    out = tmp_path / f"bank{ext}"
    assert cli(["export", "--workspace", str(ws.path), "--out", str(out), "--collection", "Annual report 2025",
                "-q"]) == 0
    if ext == ".docx":
        from docx import Document

        paras = [p.text for p in Document(str(out)).paragraphs]
        assert paras[0] == "Annual report 2025" and "Quotes for the annual report" in paras
        quotes = [p for p in paras if p.startswith("\u201c")]
        assert len(quotes) == 3
        assert quotes[0].startswith("\u201cThe CoP made me reflect") and quotes[2].startswith("\u201cI walk in flat")
        assert "- CoP survey respondent 2023" in paras
        assert "Okafor" not in "\n".join(paras)
    elif ext == ".md":
        text = out.read_text()
        assert text.startswith("# Annual report 2025") and text.index("The CoP made me") < text.index("I walk in flat")
    else:
        import csv

        rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
        assert [r["id"] for r in rows] == [q[6], q[3], q[1]]


def test_export_of_an_unknown_collection_fails_with_one_line(ws, tmp_path, capsys):
    code = cli(["export", "--workspace", str(ws.path), "--out", str(tmp_path / "x.docx"), "--collection", "Nope"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "no collection named 'Nope'" in err[0]


def test_export_quote_ids_keeps_their_order(ws, tmp_path):
    import csv

    from copquotes.export import export

    q = quote_ids(ws)
    out = export(ws, tmp_path / "on-screen.csv", quote_ids=[q[3], q[1]])
    assert [r["id"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))] == [q[3], q[1]]
