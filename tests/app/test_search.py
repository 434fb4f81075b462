"""The quote list's text search: an FTS5 index over anonymised text only, kept in step with
every write by triggers (copquotes/textsearch.py), and never finding a hidden word."""
from __future__ import annotations

import pytest

from copquotes import review, textsearch
from copquotes.app import data

from .builders import UNITS, build_workspace, quote_ids, unit_id


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


def found(ws, search: str) -> set[int]:
    """Unit indexes of the quotes the app's search finds."""
    rows, total = data.quotes_page(ws, data.QuoteFilters(search=search), 1, 50)
    assert total == len(rows)
    return {int(r["unit_id"][1:]) for r in rows}


def indexed(ws, word: str) -> set[str]:
    """Quote ids whose indexed text holds ``word`` (the index itself, no disclosure guard)."""
    return {r[0] for r in ws.conn.execute(textsearch.matching_ids_sql(), (f'"{word}"',))}


@pytest.mark.parametrize("search, expected", [
    ("solidarity", {3}),
    ("SOLIDARITY", {3}),
    ("solid", {3}),                        # a word matches the words it starts
    ("solidarity leadership", {3}),        # every word required
    ("solidarity hope", set()),
    ("like-minded", {8}),                  # a phrase of two tokens
    ("walk plan", {1}),
    ("classroom", {6}),
    ("  ", {1, 3, 5, 6, 8}),               # nothing to search: no filter
    ("zebraquartz", set()),                # text of a speaker without consent is not a quote
])
def test_search_finds_quotes_by_the_words_of_their_anonymised_text(ws, search, expected):
    assert found(ws, search) == expected


@pytest.mark.parametrize("search", ["Okafor", "okafor", "sarah", "Sarah Okafor", "oka", "plan okafor", "OKAFOR"])
def test_a_redacted_name_or_the_start_of_one_finds_nothing(ws, search):
    assert found(ws, search) == set()


def test_the_index_holds_no_verbatim_text(ws):
    textsearch.ensure_index(ws)
    assert indexed(ws, "okafor") == set() and indexed(ws, "sarah") == set()
    assert textsearch.check(ws.conn)


@pytest.mark.parametrize("search, hidden, expected", [
    ("staff helpful", (), '"staff"* AND "helpful"*'),
    ("well-being", (), '"well being"*'),
    ("Māori", (), '"maori"*'),
    ("a b c d e f g", (), '"a"* AND "b"* AND "c"* AND "d"* AND "e"*'),
    ("---", (), ""),
    ("", (), ""),
    ("sar", ("Sarah Okafor",), '"sar"'),          # could complete to a hidden name: whole word only
    ("sarah", ("Sarah Okafor",), None),
    ("kind sarah", ("Sarah Okafor",), None),
    ('say "x" OR y*', (), '"say"* AND "x"* AND "or"* AND "y"*'),   # query syntax is taken as words
])
def test_match_expression(search, hidden, expected):
    assert textsearch.match_expression(search, hidden) == expected


def test_a_manual_redaction_takes_the_word_out_of_the_index_in_its_transaction(ws):
    qid = quote_ids(ws)[3]
    assert found(ws, "leadership") == {3} and indexed(ws, "leadership") == {qid}
    review.redact_text(ws, unit_id(3), "leadership", "other", "Tester")
    assert indexed(ws, "leadership") == set()
    assert found(ws, "leadership") == set() and found(ws, "leader") == set()
    assert found(ws, "solidarity") == {3}          # the rest of the quote is still found
    assert textsearch.check(ws.conn)


def test_an_edit_is_searchable_and_a_removed_quote_is_not(ws):
    qids = quote_ids(ws)
    version = ws.conn.execute("SELECT version FROM quotes WHERE quote_id = ?", (qids[6],)).fetchone()[0]
    review.edit(ws, qids[6], "Tester", "The CoP made me reflect on my own assumptions.", version)
    assert "assumptions" in ws.conn.execute("SELECT edited_text FROM quotes WHERE quote_id = ?",
                                            (qids[6],)).fetchone()[0]
    assert found(ws, "assumptions reflect") == {6}
    with ws.transaction() as c:
        c.execute("DELETE FROM units WHERE unit_id = ?", (unit_id(3),))     # cascades to its quote
    assert indexed(ws, "solidarity") == set() and found(ws, "solidarity") == set()
    assert textsearch.check(ws.conn)


def test_a_write_that_fails_leaves_the_index_as_the_quotes_are(ws):
    textsearch.ensure_index(ws)
    qid = quote_ids(ws)[3]
    with pytest.raises(RuntimeError):
        with ws.transaction() as c:
            c.execute("UPDATE quotes SET text = 'nothing left' WHERE quote_id = ?", (qid,))
            assert indexed(ws, "solidarity") == set()
            raise RuntimeError("crash mid-write")
    assert indexed(ws, "solidarity") == {qid} and indexed(ws, "nothing") == set()
    assert textsearch.check(ws.conn)


def test_the_index_is_built_once_and_rebuilt_when_its_layout_changes(ws):
    assert not textsearch.current(ws.conn)          # a workspace written before the index
    assert found(ws, "solidarity") == {3}           # the first search builds it
    assert textsearch.current(ws.conn) and not textsearch.ensure_index(ws)
    with ws.transaction() as c:                     # an index of another layout (or half a one)
        c.execute("UPDATE meta SET value = 'old' WHERE key = ?", (textsearch.META_KEY,))
        c.execute("DROP TRIGGER quote_search_au")
    assert not textsearch.current(ws.conn)
    assert textsearch.ensure_index(ws) and textsearch.current(ws.conn)
    assert textsearch.check(ws.conn)
    assert found(ws, "solidarity") == {3}
    n_quotes = ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    assert n_quotes == len({i for i in quote_ids(ws)}) == 5 and len(UNITS) == 9
