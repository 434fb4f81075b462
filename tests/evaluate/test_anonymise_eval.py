"""Scores of copquotes.evaluate.anonymise on small gold files."""
from __future__ import annotations

import json

import pytest

from copquotes.types import Span


def test_score_items_definitions():
    from copquotes.evaluate.anonymise import score_items

    items = [
        {"text": "Thanks Kate Nguyen from Bendigo Health.", "identifiers": [
            {"start": 7, "end": 18, "kind": "person", "roster": True},
            {"start": 24, "end": 38, "kind": "org"}], "keep": []},
        {"text": "The CoP on Zoom was great.", "identifiers": [], "keep": ["CoP", "Zoom"]},
    ]
    spans = [[Span(7, 11, "person"), Span(24, 38, "org")], [Span(11, 15, "other")]]
    r = score_items(items, spans)
    assert r["recall_per_kind"] == {"person": 0.0, "org": 1.0}   # "Nguyen" survived: not caught
    assert r["recall"] == 0.5 and r["recall_roster"] == 0.0
    assert r["precision"] == pytest.approx((4 + 13) / (4 + 13 + 4))  # white space is not counted
    assert r["keep_survival"] == 0.5


def test_evaluate_anonymise_end_to_end(tmp_path):
    from copquotes.anonymise import Redactor
    from copquotes.evaluate.anonymise import evaluate_anonymise, format_report

    gold = tmp_path / "gold.jsonl"
    rows = [
        {"text": "Thanks Tahnee, the CoP helped.", "identifiers": [{"start": 7, "end": 13, "kind": "person"}],
         "keep": ["CoP"], "speakers": ["Tahnee Walker"]},
        {"text": "Call 0491 570 156 or email a.b@c.org.au.", "identifiers": [
            {"start": 5, "end": 17, "kind": "phone"}, {"start": 27, "end": 39, "kind": "email"}], "keep": []},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    res = evaluate_anonymise(gold, Redactor())
    assert res["recall"] == 1.0 and res["keep_survival"] == 1.0 and res["precision"] == 1.0
    assert "recall (overall)" in format_report(res)


def test_bad_gold_file_is_a_user_error(tmp_path):
    from copquotes.errors import InputError
    from copquotes.evaluate.anonymise import load_gold

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "abc", "identifiers": [{"start": 2, "end": 9, "kind": "person"}]}\n', encoding="utf-8")
    with pytest.raises(InputError):
        load_gold(bad)


@pytest.mark.parametrize("line, message", [
    ({"text": "I met Jane here", "identifiers": [{"start": 6, "end": 10, "kind": "human"}]},
     "kind 'human' is not one of person, org, place, email, phone, other"),
    ({"text": "I met Jane here", "identifiers": [{"start": 6, "end": 10}]}, "kind None is not one of"),
    ({"text": "The CoP met", "keep": "CoP"}, '"keep" must be a list of strings'),
    ({"text": "The CoP met", "keep": [1]}, '"keep" must be a list of strings'),
    ({"text": "Hi Jo", "speakers": "Jo"}, '"speakers" must be a list of strings'),
    ({"text": "Hi Jo", "identifiers": {"start": 3, "end": 5, "kind": "person"}}, '"identifiers" must be a list'),
    ({"text": "Hi Jo", "identifiers": [{"start": 3.0, "end": 5, "kind": "person"}]}, "outside the text"),
])
def test_a_gold_record_of_the_wrong_shape_is_refused_naming_its_line(tmp_path, line, message):
    import json as _json

    from copquotes.errors import InputError
    from copquotes.evaluate.anonymise import load_gold

    p = tmp_path / "gold.jsonl"
    p.write_text(_json.dumps({"text": "Fine", "identifiers": [], "keep": []}) + "\n" + _json.dumps(line) + "\n")
    with pytest.raises(InputError, match="line 2") as exc:
        load_gold(p)
    assert message in str(exc.value)
