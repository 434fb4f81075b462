"""copquotes/disclosure/search.py: the words a text search never matches, so that finding a
quote by a word never tells what lies under a placeholder."""
from __future__ import annotations

import pytest

from app.builders import NAME, UNITS, build_workspace, unit_id
from copquotes import review, textsearch
from copquotes.app import data
from copquotes.disclosure import search_hidden_words
from copquotes.text import search_tokens


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


def add_person(ws, value: str, aliases: str = "[]") -> None:
    with ws.transaction() as c:
        c.execute("INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json)"
                  " VALUES (1, ?, 'person', 'roster', ?)", (value, aliases))


def test_every_word_of_a_redacted_name_is_hidden(ws):
    hidden = search_hidden_words(ws)
    assert {"sarah", "okafor"} <= hidden
    assert set(search_tokens(NAME)) <= hidden
    assert "solidarity" not in hidden and "classroom" not in hidden


def test_a_known_persons_name_and_alias_parts_are_hidden(ws):
    assert not {"hope", "zoe", "brightwater"} & search_hidden_words(ws)
    add_person(ws, "Al Hope", '["Zoë Brightwater"]')
    hidden = search_hidden_words(ws)
    assert {"hope", "zoe", "brightwater"} <= hidden     # cut and folded as the index cuts them


def test_a_new_redaction_hides_its_words_at_once(ws):
    text = UNITS[6][2]
    start = text.index("classroom")
    assert "classroom" not in search_hidden_words(ws)
    review.add_redaction(ws, unit_id(6), start, start + len("classroom"), "place", "Ana")
    assert "classroom" in search_hidden_words(ws)


def test_the_app_search_never_matches_a_hidden_word(ws):
    found = lambda s: {r["unit_id"] for r in data.quotes_page(ws, data.QuoteFilters(search=s), 1, 50)[0]}  # noqa: E731
    assert found("hope") == {unit_id(8)}                # an ordinary word of a quote
    add_person(ws, "Hope Mwangi")                       # a roster name that is an ordinary word too
    assert found("hope") == set()
    assert found("hop") == set()                        # nor the start of it
    assert textsearch.match_expression("hope", search_hidden_words(ws)) is textsearch.NOTHING
