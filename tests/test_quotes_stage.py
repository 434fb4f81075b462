"""The quotes stage on a real workspace: consent, identifiers, re-runs, decisions, records."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from copquotes import themescores
from copquotes.errors import ConfigError
from copquotes.quotes import learning, readers
from copquotes.quotes import stage as qs

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Margaret Olsen: Welcome everyone. What has the CoP meant for you this year?

2
00:00:06.000 --> 00:00:12.000
Priya Raman: Yeah, um. It gave me the language to explain primary prevention to my manager without apologising for it.

3
00:00:13.000 --> 00:00:15.000
Ben Hollis: Can you hear me? My headphones are doing something weird.

4
00:00:16.000 --> 00:00:24.000
Josh Kowalski: This group is the reason I'm still working in prevention. Without it I would have walked away last year.

5
00:00:25.000 --> 00:00:33.000
Sam Nguyen: Before the CoP I thought I was the only one who got shut down in staff meetings. Hearing five other people tell the same story made me realise it wasn't me, it was the system.

6
00:00:34.000 --> 00:00:40.000
Margaret Olsen: I have learnt so much from facilitating this wonderful group of passionate practitioners over the year.

7
00:00:41.000 --> 00:00:49.000
Ben Hollis: I walk in flat after a month of fighting fires at work, and Priya always reminds me that somebody has my back in this group.

8
00:00:50.000 --> 00:00:55.000
Priya Raman: I'd like some in-person time, even just once, maybe next term if the budget allows it.
"""
ROSTER = [("name", "role", "quote_consent"), ("Margaret Olsen", "facilitator", "yes"),
          ("Priya Raman", "participant", "yes"), ("Ben Hollis", "participant", "yes"),
          ("Josh Kowalski", "participant", "no"), ("Sam Nguyen", "participant", "yes")]
MANIFEST = """rosters: [roster.csv]
files:
  fg.vtt: {source_kind: focus_group, group: Early career, year: "2024"}
"""
NAMES = ["Priya", "Raman", "Ben", "Hollis", "Josh", "Kowalski", "Sam", "Nguyen", "Margaret", "Olsen"]


def _make_ws(root):
    """A workspace of the focus group above, its quotes stage run."""
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    data = root / "data"
    data.mkdir()
    (data / "fg.vtt").write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows(ROSTER)
    (data / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (data / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    w = Workspace.create(root / "ws")
    w.ingest(discover([data]).sources, progress=False)
    summary = qs.run(w, progress=False)
    assert summary["quotes"] > 0
    return w


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = _make_ws(tmp_path_factory.mktemp("quotes_stage"))
    yield w
    w.close()


def _quotes(ws):
    return [dict(r) for r in ws.conn.execute(
        "SELECT q.*, u.consent, u.speaker_role FROM quotes q JOIN units u USING(unit_id)")]


def test_only_consented_participants_become_quotes(ws):
    rows = _quotes(ws)
    assert rows and all(r["consent"] == 1 and r["speaker_role"] == "participant" for r in rows)
    assert not any("walked away last year" in r["verbatim"] for r in rows)     # Josh said no
    assert not any("facilitating" in r["verbatim"] for r in rows)             # facilitator turn


def test_the_stage_leaves_a_search_index_of_every_quote_with_no_name_in_it(ws):
    from copquotes import textsearch

    assert textsearch.current(ws.conn) and textsearch.check(ws.conn)
    n = ws.conn.execute(f"SELECT COUNT(*) FROM {textsearch.TABLE}").fetchone()[0]
    assert n == len(_quotes(ws)) > 0
    for name in NAMES:
        for part in name.split():
            expr = f'"{textsearch.fold(part)}"'         # the word itself ("sam", not "same")
            assert not ws.conn.execute(textsearch.matching_ids_sql(), (expr,)).fetchall(), part


def test_database_refuses_a_quote_without_consent(ws):
    uid = ws.conn.execute("SELECT unit_id FROM units WHERE consent = 0").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        ws.conn.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim) '
                        "VALUES ('qx', ?, 0, 5, 'x', 'x')", (uid,))


def test_no_name_in_any_shown_text(ws):
    for r in _quotes(ws):
        shown = " ".join(t for t in (r["text"], r["edited_text"], r["speaker"], r["attribution"]) if t)
        for name in NAMES:
            assert name not in shown.replace("[name]", ""), (name, shown)


def test_record_matches_design(ws):
    # this workspace was never anonymised, so every quote is held: listed only when asked
    assert readers.quote_records(ws, top=50) == []
    recs = readers.quote_records(ws, top=50, include_held=True)
    assert recs
    for r in recs:
        assert set(r) == {"id", "text", "verbatim_span", "themes", "score", "attribution", "source", "flags",
                          "speaker", "status", "edited_text", "version"}
        assert set(r["verbatim_span"]) == {"unit_id", "start", "end"}
        assert set(r["source"]) == {"document", "kind", "group", "year"}
        assert r["source"]["document"] == "focus group 2024 #1"
        assert r["attribution"] == "- CoP focus group participant 2024"
        assert r["source"]["group"] == "Early career" and r["source"]["kind"] == "focus_group"
        assert r["speaker"].startswith("P-")
        unit_text = ws.conn.execute("SELECT text FROM units WHERE unit_id = ?",
                                    (r["verbatim_span"]["unit_id"],)).fetchone()[0]
        assert 0 <= r["verbatim_span"]["start"] < r["verbatim_span"]["end"] <= len(unit_text)
    scores = [r["score"] for r in recs]
    assert scores == sorted(scores, reverse=True)


def test_best_quote_is_ranked_above_small_talk(ws):
    recs = readers.quote_records(ws, top=50, include_held=True)
    texts = [r["text"] for r in recs]
    best = next(i for i, t in enumerate(texts) if "shut down in staff meetings" in t)
    worst = [i for i, t in enumerate(texts) if "in-person time" in t]
    assert not worst or best < worst[0]


def test_a_record_tells_the_suggested_light_edit_from_a_reviewers_edit(tmp_path):
    """``text`` is anonymised and lightly edited; ``edited_text`` is null until a reviewer edits."""
    from copquotes import review

    w = _make_ws(tmp_path)
    try:
        row = next(r for r in _quotes(w) if "language to explain" in r["verbatim"])
        rec = next(r for r in readers.quote_records(w, top=50, status="all") if r["id"] == row["quote_id"])
        assert rec["text"].startswith("[The CoP] gave me the language") and rec["edited_text"] is None
        mine = "[The CoP] gave me the language to explain primary prevention."
        review.edit(w, row["quote_id"], "Ann", mine, row["version"])
        rec = next(r for r in readers.quote_records(w, top=50, status="all") if r["id"] == row["quote_id"])
        assert (rec["text"], rec["edited_text"], rec["status"]) == (mine, mine, "edited")
    finally:
        w.close()


def test_edit_is_built_from_the_anonymised_span(ws):
    row = next(r for r in _quotes(ws) if "language to explain" in r["verbatim"])
    assert row["suggested_text"].startswith("[The CoP] gave me the language")
    assert row["edited_text"] is None                 # a reviewer's edit only
    assert row["verbatim"].startswith("It gave me") or row["verbatim"].startswith("Yeah")
    parts = json.loads(row["parts_json"])
    assert {"theme", "quotability", "representativeness", "safety", "consent", "features"} <= set(parts)


def test_rerun_keeps_decisions_and_few_decisions_keep_the_shipped_ranking(ws):
    rows = sorted(_quotes(ws), key=lambda r: -r["score"])
    approved, rejected = rows[0], rows[-1]
    with ws.transaction():
        ws.conn.execute("UPDATE quotes SET status='approved', version=2, updated_by='rev' WHERE quote_id=?",
                        (approved["quote_id"],))
        ws.conn.execute("UPDATE quotes SET status='edited', edited_text='My own edit.' WHERE quote_id=?",
                        (rows[1]["quote_id"],))
        ws.conn.execute("UPDATE quotes SET status='rejected' WHERE quote_id=?", (rejected["quote_id"],))
    qs.run(ws, progress=False)
    after = {r["quote_id"]: r for r in _quotes(ws)}
    assert after[approved["quote_id"]]["status"] == "approved" and after[approved["quote_id"]]["version"] == 2
    assert after[rows[1]["quote_id"]]["edited_text"] == "My own edit."
    assert after[rejected["quote_id"]]["status"] == "rejected"
    ids = [q.id for q in readers.shortlist(ws, top=50)]
    assert rejected["quote_id"] not in ids and ids[0] in (approved["quote_id"], rows[1]["quote_id"])
    # too few decisions: the re-rank keeps the shipped ranking and the stored weights do not move
    info = learning.last_rerank(ws)
    assert not info["adopted"] and info["approved"] == 2 and info["rejected"] == 1
    assert qs.current_weights(ws) == qs.Weights.default()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_write_records(ws, fmt, tmp_path, capsys):
    recs = readers.quote_records(ws, top=3, include_held=True)
    out = tmp_path / f"q.{fmt}"
    readers.write_records(recs, fmt=fmt, out=str(out))
    text = out.read_text(encoding="utf-8")
    if fmt == "jsonl":
        assert [json.loads(line)["id"] for line in text.splitlines()] == [r["id"] for r in recs]
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(text)))) == len(recs) + 1
    else:
        assert text.count("> \\- CoP focus group participant 2024") == len(recs)   # escaped
    readers.write_records(recs, fmt=fmt)
    assert capsys.readouterr().out == text


def test_markdown_escapes_participant_text():
    md = readers.render_markdown([{"id": "q1", "text": "[x](javascript:alert(1)) <script>", "attribution": "- a",
                              "score": 0.5, "themes": [], "flags": []}])
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md)
    assert "<a " not in html and "<script>" not in html and "<ul>" not in html and "[x](javascript" in html


def test_bad_options_raise_config_errors(ws):
    with pytest.raises(ConfigError):
        qs.run(ws, progress=False, min_words=50, max_words=10)
    with pytest.raises(ConfigError):
        readers.write_records([], fmt="pdf")


def test_render_top_quotes(ws):
    buf = io.StringIO()
    readers.render_top_quotes(ws, themes=["nonexistent"], top=2, out=buf)
    assert "(no candidate quotes)" in buf.getvalue()


def test_rerun_keeps_a_reviewers_edit_after_approval_and_their_themes(ws):
    from copquotes import review

    row = sorted(_quotes(ws), key=lambda r: -r["score"])[2]
    with ws.transaction():  # this fixture skips the anonymise stage; approval needs it
        ws.conn.execute("INSERT OR IGNORE INTO anon(unit_id, text) SELECT unit_id, text FROM units"
                        " WHERE unit_id = ?", (row["unit_id"],))
    review.edit(ws, row["quote_id"], "rev", "An edit by the reviewer.", row["version"])
    version = ws.conn.execute("SELECT version FROM quotes WHERE quote_id=?", (row["quote_id"],)).fetchone()[0]
    review.approve(ws, row["quote_id"], "rev", version)
    version += 1
    review.set_themes(ws, row["quote_id"], "rev", ["isolation"], version)
    qs.run(ws, progress=False)
    after = {r["quote_id"]: r for r in _quotes(ws)}[row["quote_id"]]
    assert after["status"] == "approved"
    assert after["edited_text"] == "An edit by the reviewer."
    assert [t["theme"] for t in json.loads(after["themes_json"])] == ["isolation"]


@pytest.mark.parametrize("text, masked", [
    ("I told quennell about the group and she joined.", "I told [name] about the group and she joined."),
    ("OSTROWSKI said the same thing about backlash.", "[name] said the same thing about backlash."),
    ("The best part was the people in it.", "The best part was the people in it."),   # "Best" is a surname
])
def test_a_name_from_another_files_identifiers_is_masked_and_held(text, masked):
    from copquotes.disclosure import PersonNames
    from copquotes.quotes import safety
    from copquotes.quotes.candidate import Candidate, Unit
    from copquotes.quotes.candidates import SpanCandidate

    idents = {1: [("Aleksandra Quennell", "person", []), ("Dominik Ostrowski", "person", []),
                  ("George Best", "person", [])],
              2: [("Mia Chen", "person", [])]}
    data = {"redactions": {}, "flags": {},
            "people": PersonNames(v for ids in idents.values() for v, _, _ in ids)}
    c = Candidate(unit=Unit(unit_id="u1", file_id=2, text=text, anon=text),
                  span=SpanCandidate(0, len(text), 0, 0, len(text.split())), features={}, n_sents=1)
    checked = safety.check(c, data, {fid: safety.name_patterns(v) for fid, v in idents.items()})
    assert checked.anon == masked
    assert checked.held == (masked != text)


def test_sentence_features_are_computed_once_per_text_and_match_a_fresh_computation(ws):
    # the module fixture ran the stage once: a re-run parses nothing with spaCy
    summary = qs.run(ws, progress=False, learn=False)
    assert summary["sentence_features_computed"] == 0
    cached, _, _ = qs.collect_candidates(ws)
    ws.conn.execute("DELETE FROM text_features")
    fresh, data, _ = qs.collect_candidates(ws)
    assert data["stats_computed"] > 0
    key = lambda c: (c.unit.unit_id, c.span.start, c.span.end)  # noqa: E731
    assert sorted(map(key, cached)) == sorted(map(key, fresh))
    by = {key(c): c.features for c in fresh}
    for c in cached:
        assert c.features == pytest.approx(by[key(c)])



def test_with_a_mapper_the_sentence_features_go_in_maps_of_a_bounded_size(ws, monkeypatch):
    # a distributed engine's map gets the texts of consecutive parts, at least MAP_TEXTS a map
    # (the last fewer), not every text of the workspace at once; the features stored are the same
    from copquotes.engines import local_map

    ws.conn.execute("DELETE FROM text_features")
    qs.precompute_stats(ws)   # here, part by part
    before = sorted(tuple(r) for r in ws.conn.execute("SELECT * FROM text_features"))
    assert before
    ws.conn.execute("DELETE FROM text_features")
    monkeypatch.setattr(qs, "PART_UNITS", 2)
    monkeypatch.setattr(qs, "MAP_TEXTS", 3)
    maps: list[int] = []

    def mapper(kernel, rows, init=None, partition_rows=None):
        maps.append(len(rows))
        return local_map(kernel, rows, init, partition_rows)

    n = qs.precompute_stats(ws, mapper=mapper)
    assert n == sum(maps) and len(maps) >= 2
    assert all(k >= 3 for k in maps[:-1]) and all(k < 3 + 2 * 2 for k in maps)
    assert sorted(tuple(r) for r in ws.conn.execute("SELECT * FROM text_features")) == before

@pytest.fixture(scope="module")
def themed_ws(tmp_path_factory):
    """The module's focus group again, its units with theme scores (as the tag stage writes
    them: two themes, scores spread so both shortlists have several quotes), then the stage."""
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("quotes_themed")
    data = root / "data"
    data.mkdir()
    (data / "fg.vtt").write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows(ROSTER)
    (data / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (data / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    w = Workspace.create(root / "ws")
    w.ingest(discover([data]).sources, progress=False)
    uids = [r[0] for r in w.conn.execute("SELECT unit_id FROM units ORDER BY unit_id")]
    themescores.write(w, [(u, t, round(s, 4), int(s > 0.5), 0) for k, u in enumerate(uids)
                          for t, s in (("solidarity", 0.4 + 0.05 * k), ("wellbeing", 0.9 - 0.05 * k))])
    assert qs.run(w, progress=False)["shortlist_vectors"] > 0
    yield w
    w.close()


def test_the_theme_shortlist_reads_the_vectors_the_stage_cached_and_matches_a_fresh_computation(themed_ws):
    # the stage embedded every stored quote's text: the theme shortlist (MMR over span
    # embeddings) runs no model, and picks exactly what embedding from scratch picks
    from copquotes.embed import Embedder
    from copquotes.quotes import storage

    ws = themed_ws
    themes = sorted(storage.quote_themes(ws))
    assert "solidarity" in themes and "wellbeing" in themes
    for theme in themes:
        for status, top in (("pending", 50), (None, 2), ("all", 3)):
            cached = storage.embedder(ws)
            fast = readers.shortlist(ws, theme=theme, top=top, status=status, include_held=True, embedder=cached)
            plain = readers.shortlist(ws, theme=theme, top=top, status=status, include_held=True,
                                      embedder=Embedder(cache_dir=None))
            assert fast, (theme, status)
            assert [q.id for q in fast] == [q.id for q in plain]
            assert fast == plain
            assert cached.n_total_computed_ == 0 and cached.n_total_cached_ > 0


def test_candidates_made_before_a_reviewers_decision_give_the_quotes_of_an_in_process_run(tmp_path):
    """A decision saved after the worker process made the candidates (it runs while the parent
    embeds, tags and fits topics) pins its span: the stage does not take that part's candidates,
    made with the old pins, but computes it again, as a run without a hand-over does."""
    from copquotes.quotes import storage
    from copquotes.quotes.candidate import quote_id

    w = _make_ws(tmp_path)
    try:
        stored = {r["quote_id"]: r for r in _quotes(w)}
        cands, _, _ = qs.collect_candidates(w)
        # a span no run chose, overlapping a stored (untouched) quote of its unit
        c, q = next((c, q) for c in cands for q in stored.values()
                    if c.unit.unit_id == q["unit_id"] and quote_id(c.unit.unit_id, c.span.start, c.span.end) not in stored
                    and c.span.start < q["end"] and q["start"] < c.span.end)
        items = list(qs.candidates_blob(w))          # the worker's candidates, before the decision
        row = qs._rows(w, [c], qs.QuoteRanker(weights=qs.current_weights(w)))[0]
        with w.transaction():                         # the span stored (an earlier run chose it) and approved
            storage.upsert_quotes(w, [row])
            w.conn.execute("UPDATE quotes SET status='approved', version=2, updated_by='rev' WHERE quote_id=?",
                           (row[0],))
        sql = ("SELECT quote_id, status, version, score, text, edited_text, suggested_text, flags_json, themes_json, parts_json"
               " FROM quotes ORDER BY quote_id")
        summary = qs.run(w, progress=False, precomputed=items)
        handed = [tuple(r) for r in w.conn.execute(sql)]
        ids = {r[0] for r in handed}
        assert row[0] in ids and q["quote_id"] not in ids   # the approved span is kept, the overlapping one replaced
        assert summary["precomputed_candidates"] == 0       # that part was computed again
        qs.run(w, progress=False)
        assert [tuple(r) for r in w.conn.execute(sql)] == handed
    finally:
        w.close()
