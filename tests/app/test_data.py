"""The review app's data functions without Streamlit: stored aggregates and paging."""
from __future__ import annotations

import gc
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from copquotes import review, themescores
from copquotes.app import data
from copquotes.types import Unit
from copquotes.workspace import AGGREGATES, SCHEMA_VERSION, Workspace

from .builders import UNIT_THEMES, build_workspace, pretend_schema, quote_ids, unit_id
from sources import Reading, Src


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


# ---------------------------------------------------------------------------------- references
def effective_labels(ws) -> dict[tuple[str, str], int]:
    """(unit, theme) -> the label that counts: the reviewer's, else the tagger's."""
    labels = {(u, t): int(lbl) for u, t, _, lbl, _ in themescores.sorted_rows(ws)}
    labels.update({(u, t): int(lbl) for u, t, lbl in ws.conn.execute(
        "SELECT tl.unit_id, tl.theme, tl.label FROM theme_labels tl JOIN units u ON u.unit_id = tl.unit_id")})
    return labels


def reference_prevalence(ws, by: str) -> dict[tuple[str, str], float]:
    """(theme, column) -> percent of units with the theme, counted unit by unit in Python, over the
    participants' voices (a facilitator's or interviewer's turn is not, a reflection is)."""
    col = {"group": "grp", "year": "year"}[by]
    cohort = {u: ("(none)" if c is None else c) for u, c, role, kind in ws.conn.execute(
        f"SELECT unit_id, {col}, speaker_role, source_kind FROM units")
        if role not in ("facilitator", "interviewer") or kind == "reflection"}
    sizes: dict[str, int] = {}
    for c in cohort.values():
        sizes[c] = sizes.get(c, 0) + 1
    hits: dict[tuple[str, str], int] = {}
    for (u, theme), lbl in effective_labels(ws).items():
        if lbl == 1 and u in cohort:
            for key in ((theme, cohort[u]), (theme, "all")):
                hits[key] = hits.get(key, 0) + 1
    sizes["all"] = len(cohort)
    return {k: round(100.0 * n / sizes[k[1]], 1) for k, n in hits.items()}


def reference_topic_theme(ws) -> dict[tuple[int, str], int]:
    topic = dict(ws.conn.execute("SELECT unit_id, topic FROM unit_topics").fetchall())
    out: dict[tuple[int, str], int] = {}
    for (u, theme), lbl in effective_labels(ws).items():
        if lbl == 1 and u in topic:
            out[(topic[u], theme)] = out.get((topic[u], theme), 0) + 1
    return out


def reference_theme_units(ws, theme: str, view: str) -> list[str]:
    """The units the Themes page lists for ``theme`` and ``view``, best score first, picked in
    Python: scored for the theme, quote consent confirmed (not matched by first name only),
    the reviewer's label over the tagger's."""
    confirmed = {u for u, c, extra in ws.conn.execute("SELECT unit_id, consent, extra_json FROM units")
                 if c == 1 and '"consent_match"' not in (extra or "")}
    reviewer = {u: lbl for u, lbl in ws.conn.execute(
        "SELECT unit_id, label FROM theme_labels WHERE theme = ? AND label IS NOT NULL", (theme,))}
    rows = []
    for u, score, tagger in [(u, s, lbl) for u, t, s, lbl, _ in themescores.sorted_rows(ws) if t == theme]:
        label = reviewer.get(u, tagger)
        if u in confirmed and {"tagged": label == 1, "not tagged": label == 0, "reviewer-labelled": u in reviewer,
                               "all": True}[view]:
            rows.append((-score, u))
    return [u for _, u in sorted(rows)]


def assert_theme_pages_match_reference(ws) -> None:
    for theme in ("wellbeing", "solidarity", "backlash", "reflective_practice"):
        for view in data.THEME_VIEWS:
            ref = reference_theme_units(ws, theme, view)
            for size in (1, 2, 50):
                got, total = [], None
                for page in range(1, -(-len(ref) // size) + 1):
                    rows, total = data.theme_units(ws, theme, view, page, size)
                    got += [r["unit_id"] for r in rows]
                assert total in (None, len(ref)) and got == ref, (theme, view, size)
                assert data.theme_units(ws, theme, view, 1, size)[1] == len(ref), (theme, view)


def assert_matches_reference(ws) -> None:
    assert_theme_pages_match_reference(ws)
    for by in ("group", "year"):
        table = data.theme_prevalence(ws, by)
        ref = reference_prevalence(ws, by)
        got = {(t, c): float(table.loc[t, c]) for t in table.index for c in table.columns}
        assert {k: v for k, v in got.items() if v} == ref, by
    tt = data.topic_theme_table(ws)
    got = {(int(tp), th): int(tt.loc[tp, th]) for tp in tt.index for th in tt.columns} if not tt.empty else {}
    assert {k: v for k, v in got.items() if v} == reference_topic_theme(ws)


def stored_equals_direct(ws) -> bool:
    stored = ws.stored_aggregates()
    return set(stored) == set(AGGREGATES) and all(
        sorted(map(repr, stored[n])) == sorted(map(repr, ws.compute_aggregate(n))) for n in AGGREGATES)


# ---------------------------------------------------------------------------------- aggregates
def test_stale_aggregates_are_counted_and_equal_the_reference(ws):
    # the builder writes with plain SQL and records no tag stage: nothing stored is current
    assert ws.stored_aggregates() == {}
    assert_matches_reference(ws)
    assert data.overview(ws)["tagged"] == len(UNIT_THEMES)


def test_marking_the_tag_stage_done_stores_aggregates_equal_to_the_direct_counts(ws):
    ws.mark_stage("tag", "fp-tag")
    assert stored_equals_direct(ws)
    assert_matches_reference(ws)
    # the tag stage writes again (here: only three units keep scores), then is marked done
    with ws.transaction() as c:
        c.execute("DELETE FROM unit_parts WHERE tbl = 'unit_themes'")
        themescores.write(ws, [(unit_id(i), t, 0.9, 1, 0) for i in (1, 3, 6) for t in ("wellbeing", "backlash")])
    ws.mark_stage("tag", "fp-tag-2")
    assert stored_equals_direct(ws)
    assert_matches_reference(ws)
    assert data.overview(ws)["tagged"] == 3


def test_marking_the_topics_stage_done_refreshes_the_topic_table(ws):
    ws.mark_stage("tag", "fp-tag")
    with ws.transaction() as c:
        c.execute("UPDATE unit_topics SET topic = 2")
    ws.mark_stage("topics", "fp-topics")
    assert stored_equals_direct(ws)
    assert list(data.topic_theme_table(ws).index) == [2]
    assert_matches_reference(ws)


@pytest.mark.parametrize("label_changes", [
    [(1, "wellbeing", 0)],                                   # a tagger's yes overruled
    [(7, "reflective_practice", 1)],                         # a tagger's no overruled
    [(0, "backlash", 1)],                                    # a theme the tagger never scored
    [(1, "wellbeing", 0), (2, "wellbeing", 0), (4, "wellbeing", 0), (5, "wellbeing", 0), (8, "wellbeing", 0)],
    [(6, "reflective_practice", 0), (6, "reflective_practice", 1)],   # changed back
])
def test_reviewer_labels_adjust_the_stored_aggregates(ws, label_changes):
    ws.mark_stage("tag", "fp-tag")
    stored_before = ws.stored_aggregates()
    for i, theme, label in label_changes:
        review.label_theme(ws, unit_id(i), theme, label, "Ann")
    # the stored tagger counts stay current (labels are applied on top when read) ...
    assert ws.stored_aggregates() == stored_before
    # ... and the figures equal a count of every unit's effective label
    assert_matches_reference(ws)


@pytest.mark.parametrize("role, kind, counts", [
    ("facilitator", "focus_group", False),   # a facilitator's prompt is not feedback
    ("interviewer", "interview", False),     # nor an interviewer's question
    ("facilitator", "reflection", True),     # a facilitator's own reflection is
    ("participant", "focus_group", True),
    ("unknown", "focus_group", True),
])
def test_theme_prevalence_counts_participants_voices_not_prompts(ws, role, kind, counts):
    from copquotes.topics.figures import build_frames
    from copquotes.topics.tables import read_workspace, tables_from_workspace

    ws.conn.execute("UPDATE units SET speaker_role = ?, source_kind = ? WHERE unit_id = ?", (role, kind, unit_id(0)))
    themescores.write(ws, [(unit_id(0), "backlash", 0.9, 1, None)])
    ws.mark_stage("tag", "fp-tag")
    # RRE 2024 holds units 0-5 (speakers S1-S5, S2 twice: units 1 and 3); unit 3 is about backlash, and unit 0 now too
    units, labelled, speakers, said = (6, 2, 5, 2) if counts else (5, 1, 4, 1)
    assert data.theme_prevalence(ws, "group").loc["backlash", "RRE"] == round(100.0 * labelled / units, 1)
    for prev in (tables_from_workspace(ws)["theme_prevalence"],
                 build_frames(read_workspace(ws, lean=True))["theme_prevalence"]):
        row = prev[(prev["group"] == "RRE") & (prev["year"] == "2024") & (prev["theme"] == "backlash")].iloc[0]
        assert (row["units"], row["labelled"], row["speakers"], row["speakers_labelled"]) == (
            units, labelled, speakers, said)
        assert bool(row["small_n"])
    assert_matches_reference(ws)


def test_adding_units_outside_a_stage_makes_the_stored_aggregates_stale(ws):
    ws.mark_stage("tag", "fp-tag")
    with ws.transaction() as c:
        c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                  " speaker_role, consent) VALUES ('u900', 2, 9, 'More text here.', 'h900', 'survey', 'New group',"
                  " '2025', 'respondent', 1)")
        themescores.write(ws, [("u900", "backlash", 0.8, 1, None)])
    assert ws.stored_aggregates() == {}
    assert_matches_reference(ws)
    assert "New group" in data.theme_prevalence(ws, "group").columns


def line_reader(source):
    """A unit per line; the source's meta gives its group, source kind and consent."""
    meta = source.meta

    def units():
        for i, line in enumerate(Path(source.path).read_text().splitlines()):
            yield Unit(file=str(source.path), position=i, text=line, source_kind=meta.get("kind", "survey"),
                       group=meta.get("group", "A"), year="2024", speaker_role="respondent",
                       consent=meta.get("consent", True), locator=f"line {i + 1}")
    return Reading(units(), [])


def two_files(tmp_path, meta_a: dict, meta_b: dict):
    """A new workspace with a.txt (three lines) and b.txt (two), ingested with these metas."""
    ws = Workspace.open(tmp_path / "ws", create=True)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one\ntwo\nthree\n")
    b.write_text("four\nfive\n")
    ws.ingest([Src(a, meta=meta_a), Src(b, meta=meta_b)], read=line_reader, progress=False)
    return ws, a


def test_an_ingest_refreshes_the_stored_aggregates(tmp_path):
    ws, a = two_files(tmp_path, {"group": "A"}, {"group": "B"})
    themescores.write(ws, [(uid, "wellbeing", 0.9, 1, None) for (uid,) in ws.conn.execute("SELECT unit_id FROM units")])
    ws.mark_stage("tag", "fp")
    assert data.theme_prevalence(ws, "group").loc["wellbeing"].to_dict() == {"A": 100.0, "B": 100.0, "all": 100.0}
    a.write_text("one again\ntwo again\n")          # a changed file replaces its units (and their tags)
    ws.ingest([Src(a, meta={"group": "A"})], read=line_reader, progress=False)
    assert stored_equals_direct(ws)
    assert data.theme_prevalence(ws, "group").loc["wellbeing"].to_dict() == {"B": 100.0, "all": 50.0}
    assert_matches_reference(ws)
    ws.close()


def test_a_schema_2_workspace_gets_its_aggregates_when_migrated(tmp_path):
    w = build_workspace(tmp_path / "ws")
    w.conn.execute("DROP TABLE aggregates")
    pretend_schema(w, 2)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    assert w.schema_version == SCHEMA_VERSION == 17
    assert stored_equals_direct(w)
    assert_matches_reference(w)
    w.close()


@pytest.mark.parametrize("sql", [
    "SELECT consent, COUNT(*) FROM units GROUP BY consent",
    "SELECT COUNT(*) FROM quotable_units",
    "SELECT DISTINCT grp, year, source_kind FROM quotable_units",
    "SELECT q.status, COUNT(*) FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id GROUP BY q.status",
])
def test_a_schema_5_workspace_gets_covering_indexes_for_the_apps_counts(tmp_path, sql):
    w = build_workspace(tmp_path / "ws")
    for name in ("units_consent", "units_quotable", "quotes_status_unit"):
        w.conn.execute(f"DROP INDEX {name}")
    pretend_schema(w, 5)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    assert w.schema_version == SCHEMA_VERSION
    w.conn.execute("PRAGMA analysis_limit = 400")
    w.conn.execute("ANALYZE")                # as the pipeline does after its stages
    plan = [r[3] for r in w.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    # the counts read indexes only, never the units' rows (with their text) or the quotes' rows
    reads = [p for p in plan if p.startswith(("SCAN", "SEARCH"))]
    assert reads and all("COVERING INDEX" in p for p in reads), plan
    w.close()


def test_a_schema_8_workspace_gets_the_ranking_indexes_and_their_statistics(tmp_path):
    w = build_workspace(tmp_path / "ws")
    w.conn.execute("ANALYZE")
    for name in ("quotes_rank", "units_confirm"):
        w.conn.execute(f"DROP INDEX {name}")
    w.conn.execute("DELETE FROM sqlite_stat1 WHERE idx IN ('quotes_rank', 'units_confirm')")
    pretend_schema(w, 8)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    assert w.schema_version == SCHEMA_VERSION
    assert {"quotes_rank", "units_confirm"} <= {r[0] for r in w.conn.execute("SELECT idx FROM sqlite_stat1")}
    w.close()


def test_a_schema_10_workspace_has_its_theme_scores_moved_to_parts_and_the_table_dropped(tmp_path):
    w = build_workspace(tmp_path / "ws")
    before = themescores.sorted_rows(w)
    mark = next(r for r in before if r[3] == 1)
    pretend_schema(w, 10, scores=True)
    assert w.conn.execute("SELECT COUNT(*) FROM unit_themes").fetchone()[0] == len(before)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    assert w.schema_version == SCHEMA_VERSION
    assert not w.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_themes'").fetchone()
    assert themescores.sorted_rows(w) == before and mark in before
    assert_matches_reference(w)
    w.close()


def test_a_migrated_workspace_with_statistics_keeps_reading_quotes_by_covering_indexes(tmp_path):
    w = build_workspace(tmp_path / "ws")
    w.conn.execute("ANALYZE")
    for name in ("units_consent", "units_quotable", "quotes_status_unit"):
        w.conn.execute(f"DROP INDEX {name}")
    w.conn.execute("DELETE FROM sqlite_stat1 WHERE idx IN ('units_consent', 'units_quotable', 'quotes_status_unit')")
    pretend_schema(w, 5)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    analysed = {r[0] for r in w.conn.execute("SELECT idx FROM sqlite_stat1")}
    assert {"units_consent", "units_quotable", "quotes_status_unit"} <= analysed
    assert not w.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'units_confirmed'").fetchone()
    w.close()


# ---------------------------------------------------------------------------------- paging
@pytest.fixture
def ranked():
    """60 keys with many tied scores (the order breaks ties by key)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, s REAL)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{(i * 37) % 60:02d}", float(i % 4)) for i in range(60)])
    yield conn
    conn.close()


@pytest.mark.parametrize("size", [1, 7, 10, 25, 60, 100])
def test_page_keys_equal_offset_paging_from_either_end(ranked, size):
    every = [r[0] for r in ranked.execute("SELECT k FROM t ORDER BY s DESC, k")]
    pages = -(-len(every) // size)
    for page in range(1, pages + 2):
        keys = data.page_keys(ranked, "SELECT k FROM t", [], "s DESC, k", "s ASC, k DESC", len(every), page, size)
        assert keys == every[(page - 1) * size:page * size], page


def test_page_keys_with_a_filter(ranked):
    every = [r[0] for r in ranked.execute("SELECT k FROM t WHERE s >= ? ORDER BY s DESC, k", (2.0,))]
    got = [k for page in range(1, 5) for k in data.page_keys(
        ranked, "SELECT k FROM t WHERE s >= ?", [2.0], "s DESC, k", "s ASC, k DESC", len(every), page, 9)]
    assert got == every


@pytest.mark.parametrize("size", [1, 7, 10, 25, 60])
def test_keyset_pages_equal_offset_paging_in_any_order_of_visits(ranked, size):
    every = [r[0] for r in ranked.execute("SELECT k FROM t ORDER BY s DESC, k")]
    pages = -(-len(every) // size)
    visits = list(range(1, pages + 1)) + list(range(pages, 0, -1)) + [pages // 2 + 1, 1, pages, (pages + 1) // 3 + 1]
    key = ("keyset", size)
    for page in visits:
        keys = data.page_keys(ranked, "SELECT k, s FROM t WHERE 1", [], "s DESC, k", "s ASC, k DESC", len(every),
                              page, size, keyset=("s", "k"), anchors_key=key)
        assert keys == every[(page - 1) * size:page * size], page


def test_the_next_page_is_read_from_the_last_row_of_the_page_before(ranked):
    every = [r[0] for r in ranked.execute("SELECT k FROM t ORDER BY s DESC, k")]
    seen = []
    ranked.set_trace_callback(seen.append)
    for page in (1, 2, 3):
        seen.clear()
        keys = data.page_keys(ranked, "SELECT k, s FROM t WHERE 1", [], "s DESC, k", "s ASC, k DESC", len(every),
                              page, 7, keyset=("s", "k"), anchors_key="next")
        assert keys == every[(page - 1) * 7:page * 7]
        assert len(seen) == 1 and (page == 1 or "s <= " in seen[0] and seen[0].endswith("OFFSET 0")), seen
    seen.clear()    # another anchors key (the workspace changed): no anchor, an OFFSET again
    data.page_keys(ranked, "SELECT k, s FROM t WHERE 1", [], "s DESC, k", "s ASC, k DESC", len(every), 3, 7,
                   keyset=("s", "k"), anchors_key="changed")
    assert "s <= " not in seen[0] and seen[0].endswith("OFFSET 14")


def test_quotes_pages_in_order_from_either_end(ws):
    with ws.transaction() as c:          # ties: the order falls back to the quote id
        c.execute("UPDATE quotes SET score = 0.5 WHERE unit_id IN (?, ?, ?)", (unit_id(1), unit_id(5), unit_id(8)))
    every = [r[0] for r in ws.conn.execute(
        "SELECT q.quote_id FROM quotes q JOIN quotable_units u ON u.unit_id = q.unit_id ORDER BY q.score DESC,"
        " q.quote_id")]
    for size in (1, 2, 3, 5):
        got = []
        for page in range(1, -(-len(every) // size) + 1):
            rows, total = data.quotes_page(ws, data.QuoteFilters(), page, size)
            assert total == len(every)
            got += [r["quote_id"] for r in rows]
        assert got == every, size
    last, _ = data.quotes_page(ws, data.QuoteFilters(), 10**6, 2)
    assert [r["quote_id"] for r in last] == every[4:]


# how a theme filter's page is read: every filtered quote ranked, or the page's quotes best first
# from the index (readers.theme_top_ids), or that for the first pages and the whole list after them
THEME_PAGE_READS = {
    "whole list": {"THEME_WHOLE_BELOW": 10**9},
    "best first": {"THEME_WHOLE_BELOW": 0},
    "best first, then the whole list": {"THEME_WHOLE_BELOW": 0, "THEME_TOP_DEPTH": 2},
}


def reference_theme_order(ws, f: data.QuoteFilters) -> list[str]:
    """The quotes ``f`` keeps, in the order ``copquotes quotes --theme`` and the Triage page rank
    a theme's quotes (the shortlist's pool, before its choice for diversity): every quote naming
    the theme, held ones too, no score floor."""
    from copquotes.quotes import readers

    keep = {r["quote_id"] for r in data.quotes_page(ws, replace(f, theme=None), 1, 1000)[0]}
    return [r[0] for r in readers._theme_ranked(ws, data.STATUSES, f.theme, True, 0.0) if r[0] in keep]


def theme_pages(ws, f: data.QuoteFilters, size: int) -> list[str]:
    """The quote ids of every page of ``f``, page after page (each page checks the total)."""
    expected_total = data.quotes_page(ws, f, 1, size)[1]
    got = []
    for page in range(1, -(-expected_total // size) + 1):
        rows, total = data.quotes_page(ws, f, page, size)
        assert total == expected_total
        got += [r["quote_id"] for r in rows]
    return got


@pytest.mark.parametrize("read", THEME_PAGE_READS)
def test_a_theme_filter_lists_the_quotes_best_for_that_theme_first(ws, monkeypatch, read):
    for name, value in THEME_PAGE_READS[read].items():
        monkeypatch.setattr(data, name, value)
    ids = quote_ids(ws)
    # unit 3's quote scores 0.88 for solidarity and unit 1's 0.40, though unit 1's scores higher overall
    first, _ = data.quotes_page(ws, data.QuoteFilters(theme="solidarity"), 1, 1)
    assert [r["quote_id"] for r in first] == [ids[3]]
    assert data.quotes_page(ws, data.QuoteFilters(), 1, 1)[0][0]["quote_id"] == ids[1]
    # wellbeing: unit 8's quote (0.77 for it) before unit 5's (0.55), though unit 5's scores higher overall
    assert theme_pages(ws, data.QuoteFilters(theme="wellbeing"), 1) == [ids[1], ids[8], ids[5]]


THEME_AND_OTHER_FILTERS = [
    dict(theme="wellbeing"),
    dict(theme="solidarity"),
    dict(theme="wellbeing", status="pending"),
    dict(theme="wellbeing", status="approved"),
    dict(theme="solidarity", group="RRE"),
    dict(theme="wellbeing", year="2024", source_kind="focus_group"),
    dict(theme="solidarity", flags="any flag"),
    dict(theme="solidarity", flags="no flags"),
    dict(theme="wellbeing", topic=0),
    dict(theme="wellbeing", search="walk"),
    dict(theme="reflective_practice", source_kind="focus_group"),
]


@pytest.mark.parametrize("read", THEME_PAGE_READS)
@pytest.mark.parametrize("filters", THEME_AND_OTHER_FILTERS, ids=lambda d: "+".join(f"{k}={v}" for k, v in d.items()))
def test_theme_filter_pages_give_every_filtered_quote_once_in_the_themes_order(tmp_path, monkeypatch, filters, read):
    for name, value in THEME_PAGE_READS[read].items():
        monkeypatch.setattr(data, name, value)
    ws = build_workspace(tmp_path / "ws", statuses={8: "approved"})
    try:
        f = data.QuoteFilters(**filters)
        every = reference_theme_order(ws, f)
        for size in (1, 2, 3, 50):
            assert theme_pages(ws, f, size) == every, size
        assert data.filtered_quote_ids(ws, f) == every
    finally:
        ws.close()


def test_a_theme_filter_follows_a_quotes_theme_score_changed_by_another_connection(ws):
    ids = quote_ids(ws)
    f = data.QuoteFilters(theme="solidarity")
    assert theme_pages(ws, f, 1)[0] == ids[3]
    other = Workspace.open(ws.path)           # e.g. the quotes stage scoring again while the page is open
    with other.transaction() as c:
        c.execute("UPDATE quotes SET themes_json = ? WHERE quote_id = ?",
                  ('[{"theme": "backlash", "score": 0.66}, {"theme": "solidarity", "score": 0.1}]', ids[3]))
    other.close()
    assert theme_pages(ws, f, 1) == reference_theme_order(ws, f)
    assert theme_pages(ws, f, 1)[-1] == ids[3]


def _learned_score(ws, qid):
    from copquotes.quotes import storage

    with ws.transaction():
        storage.set_scores(ws, [(0.01, qid)])


def _raw_parts(ws, qid):
    other = Workspace.open(ws.path)
    with other.transaction() as c:
        c.execute("UPDATE quotes SET parts_json = json_set(parts_json, '$.safety', 0.0) WHERE quote_id = ?", (qid,))
    other.close()


# (a write to quote ids[k], whether it moves the count of quotes' numbers the kept relevances hold on)
QUOTE_WRITES = {
    "approve": (lambda ws, q: review.approve(ws, q, "Ann", 1), False),
    "edit": (lambda ws, q: review.edit(ws, q, "Ann", "Shorter words here.", 1), False),
    "label a theme": (lambda ws, q: review.label_theme(ws, unit_id(3), "solidarity", 0, "Ann"), False),
    "set themes": (lambda ws, q: review.set_themes(ws, q, "Ann", ["backlash"], 1), True),
    "learned score": (_learned_score, True),
    "score parts from another connection": (_raw_parts, True),
}


@pytest.mark.parametrize("write", QUOTE_WRITES)
def test_a_theme_filter_after_a_write_is_in_the_themes_order_and_keeps_relevances_only_while_numbers_hold(ws, write):
    ids = quote_ids(ws)
    f = data.QuoteFilters(theme="solidarity")
    assert theme_pages(ws, f, 1) == reference_theme_order(ws, f)
    before = data.quote_numbers(ws)
    fn, moves = QUOTE_WRITES[write]
    fn(ws, ids[3])
    assert (data.quote_numbers(ws) != before) is moves
    assert theme_pages(ws, f, 1) == reference_theme_order(ws, f)


def _version(ws, qid) -> int:
    return ws.conn.execute("SELECT version FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]


# a reviewer's decision on quote q, and the status the quote then has
DECISIONS = {
    "approve": (lambda ws, q: review.approve(ws, q, "Ann", _version(ws, q)), "approved"),
    "reject": (lambda ws, q: review.reject(ws, q, "Ann", "off topic", _version(ws, q)), "rejected"),
    "edit": (lambda ws, q: review.edit(ws, q, "Ann", "Shorter words here.", _version(ws, q)), "edited"),
    "reset after approve": (lambda ws, q: (review.approve(ws, q, "Ann", _version(ws, q)),
                                           review.reset(ws, q, "Ann", _version(ws, q))), "pending"),
}


def _counting_theme_reads(monkeypatch) -> list[str]:
    """The theme filter's two ways of ranking quotes, each call noted (the real functions run)."""
    from copquotes.quotes import readers

    calls: list[str] = []
    top, relevances = readers.theme_top_ids, data._theme_relevances
    monkeypatch.setattr(readers, "theme_top_ids", lambda *a, **k: calls.append("top") or top(*a, **k))
    monkeypatch.setattr(data, "_theme_relevances", lambda *a, **k: calls.append("relevances") or relevances(*a, **k))
    return calls


def shown_statuses(ws, f: data.QuoteFilters, size: int) -> dict[str, str]:
    """``{quote id: status}`` as every page of ``f`` shows them."""
    total = data.quotes_page(ws, f, 1, size)[1]
    return {r["quote_id"]: r["status"] for page in range(1, -(-total // size) + 1)
            for r in data.quotes_page(ws, f, page, size)[0]}


@pytest.mark.parametrize("read", THEME_PAGE_READS)
@pytest.mark.parametrize("decision", DECISIONS)
def test_a_theme_filters_list_is_kept_across_a_decision_and_its_page_shows_the_decided_status(
        ws, monkeypatch, read, decision):
    for name, value in THEME_PAGE_READS[read].items():
        monkeypatch.setattr(data, name, value)
    f = data.QuoteFilters(theme="wellbeing")
    listed = theme_pages(ws, f, 1)
    assert listed == reference_theme_order(ws, f) and len(listed) == 3
    calls = _counting_theme_reads(monkeypatch)
    decide, status = DECISIONS[decision]
    decide(ws, listed[1])
    # the same quotes in the same order, read from what was kept, not ranked again
    assert theme_pages(ws, f, 1) == listed == reference_theme_order(ws, f)
    assert calls == []
    for size in (1, 2, 50):
        shown = shown_statuses(ws, f, size)
        assert shown[listed[1]] == status, size
        assert shown == dict(ws.conn.execute("SELECT quote_id, status FROM quotes WHERE quote_id IN (?, ?, ?)",
                                             listed).fetchall())


def _label_not_about(ws, q, label: int = 0):
    review.label_theme(ws, ws.conn.execute("SELECT unit_id FROM quotes WHERE quote_id = ?", (q,)).fetchone()[0],
                       "wellbeing", label, "Ann")


def _take_theme_off(ws, q):
    review.set_themes(ws, q, "Ann", ["solidarity"], _version(ws, q), listed_under="wellbeing")


def _withdraw_consent_elsewhere(ws, q):
    _withdraw_consent(ws.path, q)


# a write that takes quote q off the wellbeing filter
THEME_CHANGES = {"the unit labelled not about the theme": _label_not_about,
                 "the theme taken off the quote": _take_theme_off,
                 "consent withdrawn by another process": _withdraw_consent_elsewhere}


@pytest.mark.parametrize("read", THEME_PAGE_READS)
@pytest.mark.parametrize("change", THEME_CHANGES)
def test_a_theme_filters_kept_list_is_read_again_when_what_carries_the_theme_changes(ws, monkeypatch, read, change):
    for name, value in THEME_PAGE_READS[read].items():
        monkeypatch.setattr(data, name, value)
    f = data.QuoteFilters(theme="wellbeing")
    listed = theme_pages(ws, f, 1)
    review.approve(ws, listed[0], "Ann", _version(ws, listed[0]))      # a decision first: the list kept
    assert theme_pages(ws, f, 1) == listed
    THEME_CHANGES[change](ws, listed[0])
    assert theme_pages(ws, f, 1) == reference_theme_order(ws, f) == listed[1:]
    assert data.quotes_page(ws, f, 1, 50)[1] == 2
    if change == "the unit labelled not about the theme":      # and back: the quote is listed again
        _label_not_about(ws, listed[0], 1)
        assert theme_pages(ws, f, 1) == reference_theme_order(ws, f) == listed


# (a write to one quote that moves its relevance to solidarity, by one of QUOTE_WRITES' writers)
RESTORED_WRITES = {"learned score": _learned_score, "score parts from another connection": _raw_parts}


@pytest.mark.parametrize("write", RESTORED_WRITES)
def test_a_theme_filter_after_the_folder_is_restored_from_a_copy_and_written_again_is_in_the_themes_order(
        tmp_path, write):
    """The app keeps running while the workspace folder is restored from a backup, and a new session
    opens it: a write there brings the count of number writes back to where a write before the
    restore had it (to another quote), with the same analysis (no stage ran): the relevances kept
    for that count are not the restored quotes'."""
    import shutil

    path = tmp_path / "ws"
    w = build_workspace(path)
    f = data.QuoteFilters(theme="solidarity")
    first, second = theme_pages(w, f, 1)[:2]
    w.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    w.close()
    shutil.copytree(path, tmp_path / "backup")
    w = Workspace.open(path)
    RESTORED_WRITES[write](w, first)
    assert theme_pages(w, f, 1) == reference_theme_order(w, f)
    w.close()
    shutil.rmtree(path)
    shutil.copytree(tmp_path / "backup", path)
    w = Workspace.open(path)
    try:
        assert theme_pages(w, f, 1) == reference_theme_order(w, f)
        RESTORED_WRITES[write](w, second)
        assert theme_pages(w, f, 1) == reference_theme_order(w, f)
    finally:
        w.close()


def _withdraw_consent(path, qid):
    other = Workspace.open(path)
    with other.transaction() as c:
        c.execute("UPDATE units SET consent = 0 WHERE unit_id = (SELECT unit_id FROM quotes WHERE quote_id = ?)", (qid,))
    other.close()


def _rescore(path, qid):
    other = Workspace.open(path)
    with other.transaction():
        from copquotes.quotes import storage

        storage.set_scores(other, [(0.001, qid)])
    other.close()


class _WritesBeforeNumbers:
    """``ws.conn`` whose cursors run ``write()`` (another process) just before the read of the
    numbers of quotes the kept relevances do not hold: between the filter's two reads."""

    def __init__(self, conn, write):
        self._conn, self._write = conn, write

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def cursor(self):
        conn, outer = self._conn, self

        class Cursor:
            def __init__(self):
                self.__dict__["_c"] = conn.cursor()

            def __getattr__(self, name):
                return getattr(self._c, name)

            def __setattr__(self, name, value):
                setattr(self._c, name, value)

            def execute(self, sql, *args):
                if outer._write is not None and "json_each" in sql and "json_extract(q.parts_json" in sql:
                    write, outer._write = outer._write, None
                    write()
                return self._c.execute(sql, *args)

        return Cursor()


# another process's write between the theme filter's read of the ids and of the new ones' numbers
RACING_WRITES = {"consent withdrawn (the quote deleted)": _withdraw_consent, "learned score": _rescore}


@pytest.mark.parametrize("write", RACING_WRITES)
def test_a_theme_filter_read_while_another_process_writes_answers_and_then_is_in_the_themes_order(ws, write):
    solidarity = [r[0] for r in ws.conn.execute(
        "SELECT quote_id FROM quotes WHERE instr(themes_json, '\"solidarity\"') ORDER BY quote_id")]
    review.approve(ws, solidarity[0], "Ann", 1)
    approved = data.QuoteFilters(theme="solidarity", status="approved")
    assert theme_pages(ws, approved, 1) == [solidarity[0]]          # one relevance kept
    f = data.QuoteFilters(theme="solidarity")
    real = ws.conn
    ws.conn = _WritesBeforeNumbers(real, lambda: RACING_WRITES[write](ws.path, solidarity[-1]))
    try:
        data.quotes_page(ws, f, 1, 10)                                # answers (a page of the moment)
        assert ws.conn._write is None
    finally:
        ws.conn = real
    assert theme_pages(ws, f, 1) == reference_theme_order(ws, f)


def test_a_schema_16_workspace_gets_the_number_triggers_and_its_theme_filter_follows_writes(tmp_path):
    """A workspace of schema 16 has neither the triggers nor the token (``pretend_schema`` leaves
    them: dropped here): migrated, its first write of a quote's numbers sets the token."""
    w = build_workspace(tmp_path / "ws")
    w.conn.execute("DROP TRIGGER quote_numbers_insert")
    w.conn.execute("DROP TRIGGER quote_numbers_update")
    w.conn.execute("DELETE FROM meta WHERE key = 'quote_numbers'")
    pretend_schema(w, 16)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    try:
        assert w.schema_version == SCHEMA_VERSION == 17
        assert {r[0] for r in w.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                             " AND name LIKE 'quote_numbers%'")} == {"quote_numbers_insert",
                                                                                     "quote_numbers_update"}
        f = data.QuoteFilters(theme="solidarity")
        first = theme_pages(w, f, 1)[0]
        assert theme_pages(w, f, 1) == reference_theme_order(w, f) and data.quote_numbers(w) == ""
        _learned_score(w, first)
        assert data.quote_numbers(w) != ""
        assert theme_pages(w, f, 1) == reference_theme_order(w, f) and theme_pages(w, f, 1)[-1] == first
    finally:
        w.close()


def test_an_export_filtered_on_a_theme_writes_its_quotes_in_the_pages_order(ws):
    f = data.QuoteFilters(theme="wellbeing")
    assert data.export_quote_ids(ws, f) == theme_pages(ws, f, 2) == reference_theme_order(ws, f)


def test_theme_and_topic_pages_in_order(ws):
    rows = [r["unit_id"] for p in (1, 2, 3) for r in data.theme_units(ws, "wellbeing", "all", p, 1)[0]]
    assert rows == [unit_id(1), unit_id(8), unit_id(5)]     # consented units only, best score first
    assert [r["unit_id"] for r in data.theme_units(ws, "wellbeing", "all", 10**6, 2)[0]] == [unit_id(5)]
    tp = [r["unit_id"] for p in (1, 2) for r in data.topic_units(ws, 0, p, 1)[0]]
    assert tp == [unit_id(5), unit_id(1)]                   # topic 0, consented, most typical first
    assert [r["unit_id"] for r in data.topic_units(ws, 0, 10**6, 1)[0]] == [unit_id(1)]


# ---------------------------------------------------------------------------------- triage
def test_the_decision_count_triage_checks_equals_the_learning_modules(ws):
    from copquotes.quotes import learning

    from .builders import quote_ids

    def same():
        assert data.decided_count(ws) == len(learning.decided(ws))
        assert data.pending_decisions(ws) == learning.pending_decisions(ws)
    same()
    ids = quote_ids(ws)
    review.approve(ws, ids[1], "Ann", 1)
    review.reject(ws, ids[3], "Ann", "Not on theme", 1)
    same()
    assert data.decided_count(ws) == 2
    learning.rerank(ws)                       # a re-rank records how many decisions it saw
    assert data.pending_decisions(ws) == learning.pending_decisions(ws) == 0
    review.edit(ws, ids[6], "Ann", "The CoP made me reflect on my own assumptions ...", 1)
    same()


def test_kept_page_boundaries_are_forgotten_when_another_connection_writes(ws):
    ws.mark_stage("tag", "fp-tag")
    theme = "wellbeing"
    before = reference_theme_units(ws, theme, "all")
    assert [r["unit_id"] for p in (1, 2, 3) for r in data.theme_units(ws, theme, "all", p, 1)[0]] == before
    other = Workspace.open(ws.path)          # e.g. a stage writing while the page is open (no token moves)
    with other.transaction() as c:
        themescores.write(other, [(u, t, 1.0 - s if t == theme else s, lbl, ev)
                                  for u, t, s, lbl, ev in themescores.sorted_rows(other)])
    other.close()
    after = reference_theme_units(ws, theme, "all")
    assert after != before
    got = {p: [r["unit_id"] for r in data.theme_units(ws, theme, "all", p, 1)[0]] for p in (2, 3, 1)}
    assert got[1] + got[2] + got[3] == after


def test_the_themes_totals_leave_out_consent_matched_by_first_name_only(ws):
    # a speaker matched to the roster by first name only: consent not confirmed, not listed
    with ws.transaction() as c:
        c.execute("UPDATE units SET extra_json = ? WHERE unit_id = ?",
                  ('{"consent_match": "first name only"}', unit_id(8)))
    ws.mark_stage("tag", "fp-tag")
    assert unit_id(8) not in reference_theme_units(ws, "wellbeing", "all")
    assert_theme_pages_match_reference(ws)
    review.label_theme(ws, unit_id(8), "solidarity", 0, "Ann")     # a label on an unlisted unit moves nothing
    review.label_theme(ws, unit_id(1), "solidarity", 1, "Ann")
    assert_theme_pages_match_reference(ws)


def test_a_new_session_on_a_workspace_sees_consent_withdrawn_in_between(tmp_path):
    """The kept theme lists are per workspace object: a new connection (whose write counters
    start again, and which may get an earlier one's id()) never reads another's list."""
    build_workspace(tmp_path / "ws").close()
    w = Workspace.open(tmp_path / "ws")                  # a reviewer's session: reads, writes nothing
    first = [r["unit_id"] for r in data.theme_units(w, "wellbeing", "all", 1, 50)[0]]
    assert unit_id(1) in first
    w.close()
    del w
    other = Workspace.open(tmp_path / "ws")
    other.conn.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(1),))
    other.close()
    del other
    for _ in range(50):                                  # new sessions (ids of freed objects are given again)
        gc.collect()
        w = Workspace.open(tmp_path / "ws")
        rows, total = data.theme_units(w, "wellbeing", "all", 1, 50)
        assert unit_id(1) not in [r["unit_id"] for r in rows] and total == len(first) - 1
        assert [r["unit_id"] for r in rows] == reference_theme_units(w, "wellbeing", "all")
        w.close()


def test_a_schema_10_migration_stopped_partway_leaves_no_file_once_it_is_done(tmp_path):
    from copquotes import unitparts

    w = build_workspace(tmp_path / "ws")
    before = themescores.sorted_rows(w)
    pretend_schema(w, 10, scores=True)
    folder = unitparts.folder(w.path, themescores.TABLE)
    kept = sorted(p.name for p in folder.iterdir())
    stray = themescores.write_part(w.path, [(unit_id(1), "wellbeing", 0.5, 1, None)])   # an earlier try's part
    w.close()
    w = Workspace.open(tmp_path / "ws")
    try:
        names = {p.name for p in folder.iterdir()}
        assert stray not in names and not names & set(kept)     # (the builder's parts nothing pointed at, too)
        assert themescores.sorted_rows(w) == before and len(names) == 1
    finally:
        w.close()


def test_a_migration_another_process_did_while_this_one_waited_is_not_run_again(tmp_path):
    w = build_workspace(tmp_path / "ws")
    before = themescores.sorted_rows(w)
    pretend_schema(w, 10, scores=True)
    w.close()
    first, second = Workspace.open(tmp_path / "ws"), Workspace.__new__(Workspace)
    try:
        second.__dict__.update(first.__dict__)           # a second opener that read schema 10 before the first migrated
        second._migrate_to(10)
        assert first.schema_version == SCHEMA_VERSION and themescores.sorted_rows(first) == before
    finally:
        first.close()


def test_the_overview_counts_come_from_the_stored_aggregates_and_follow_an_ingest(tmp_path):
    ws, a = two_files(tmp_path, {"kind": "survey", "consent": True}, {"kind": "interview", "consent": None})
    assert {"units_by_consent", "units_by_source_kind", "quotable_units"} <= set(ws.stored_aggregates())
    ov = data.overview(ws)
    assert (ov["consent"], ov["quotable_units"], ov["by_source_kind"]) == (
        {"yes": 3, "no": 0, "unknown": 2}, 3, {"survey": 3, "interview": 2})
    # the same text, consent refused: only the units' metadata changes (no unit added or removed)
    ws.ingest([Src(a, meta={"kind": "survey", "consent": False})], read=line_reader, progress=False)
    assert stored_equals_direct(ws)
    ov = data.overview(ws)
    assert (ov["consent"], ov["quotable_units"]) == ({"yes": 0, "no": 3, "unknown": 2}, 0)
    ws.close()


def statements(ws, fn):
    """``fn()`` and the SQL statements it ran on ``ws``'s connection."""
    seen: list[str] = []
    ws.conn.set_trace_callback(seen.append)
    try:
        return fn(), seen
    finally:
        ws.conn.set_trace_callback(None)


def fresh_status_counts(ws) -> dict[str, int]:
    """The quotes per status the quote list shows, counted now (consented units only)."""
    return dict(ws.conn.execute("SELECT q.status, COUNT(*) FROM quotes q JOIN quotable_units u"
                                " ON u.unit_id = q.unit_id GROUP BY q.status").fetchall())


def _rerun_quotes(ws, ids):
    """The quotes stage run again, as it writes: one new candidate, the untouched quotes it no longer
    chooses dropped (reviewed ones are kept)."""
    from copquotes.quotes import storage
    from copquotes.quotes.stage import REVIEWED

    with ws.transaction() as c:
        c.execute("INSERT INTO quotes(quote_id, unit_id, start, \"end\", text, verbatim, score, parts_json,"
                  " themes_json, attribution, flags_json, speaker, status, version, updated_at, updated_by)"
                  " SELECT 'q-new', unit_id, 0, 10, text, verbatim, 0.3, parts_json, themes_json, attribution,"
                  " '[]', speaker, 'pending', 1, updated_at, 'quotes' FROM quotes WHERE quote_id = ?", (ids[6],))
        storage.finish_quotes(ws, [ids[1], ids[3], ids[8], "q-new"], REVIEWED)


# what a reviewer, the pipeline or an ingest does, one after another on the same workspace
STATUS_WRITES = [
    ("approve", lambda ws, ids: review.approve(ws, ids[1], "Ann", _version(ws, ids[1]))),
    ("edit", lambda ws, ids: review.edit(ws, ids[3], "Ann", "Shorter words here.", _version(ws, ids[3]))),
    ("reject", lambda ws, ids: review.reject(ws, ids[8], "Ann", "off topic", _version(ws, ids[8]))),
    ("reset", lambda ws, ids: review.reset(ws, ids[1], "Ann", _version(ws, ids[1]))),
    ("a re-run of the quotes stage", _rerun_quotes),
    ("consent withdrawn by an ingest elsewhere", lambda ws, ids: _withdraw_consent(ws.path, ids[3])),
]


def test_the_overviews_quotes_per_status_equal_a_fresh_count_after_every_write_and_read_no_unit(ws):
    ids = quote_ids(ws)
    assert data.overview(ws)["quotes_by_status"] == fresh_status_counts(ws)    # (stores the aggregates)
    seen = []
    for name, write in STATUS_WRITES:
        write(ws, ids)
        ov, sql = statements(ws, lambda: data.overview(ws))
        assert ov["quotes_by_status"] == fresh_status_counts(ws), name
        seen.append(fresh_status_counts(ws))
        # counted from the quotes' status index: not each quote's unit joined (0.15-0.35 s at 500,000 units)
        assert not [q for q in sql if "units" in q and "quotes" in q], (name, sql)
    assert seen[0]["approved"] == 1 and seen[2]["rejected"] == 1 and "approved" not in seen[3]
    assert sum(seen[4].values()) == sum(seen[3].values()) - 1 and sum(seen[5].values()) == sum(seen[4].values()) - 1


def direct_cohorts(ws) -> tuple[list, list, list]:
    rows = ws.conn.execute("SELECT DISTINCT grp, year, source_kind FROM quotable_units").fetchall()
    return tuple(sorted({r[i] for r in rows if r[i] is not None}) for i in range(3))


def test_the_filter_choices_come_from_the_stored_aggregates_and_follow_a_consent_change(tmp_path):
    ws, a = two_files(tmp_path, {"kind": "survey", "group": "A", "consent": True},
                      {"kind": "interview", "group": "B", "consent": True})
    opts, sql = statements(ws, lambda: data.filter_options(ws))
    # the groups, years and kinds of the quotable units are the stored aggregate: not read again
    assert not [q for q in sql if "quotable_units" in q], sql
    assert (opts["groups"], opts["years"], opts["source_kinds"]) == direct_cohorts(ws) == (
        ["A", "B"], ["2024"], ["interview", "survey"])
    # the same text, consent refused: file a's group and kind are no choice any more
    ws.ingest([Src(a, meta={"kind": "survey", "group": "A", "consent": False})], read=line_reader, progress=False)
    opts = data.filter_options(ws)
    assert (opts["groups"], opts["years"], opts["source_kinds"]) == direct_cohorts(ws) == (
        ["B"], ["2024"], ["interview"])
    ws.close()


def test_the_filter_choices_are_counted_in_a_workspace_stored_before_they_were_an_aggregate(tmp_path):
    ws, _ = two_files(tmp_path, {"kind": "survey", "group": "A"}, {"kind": "interview", "group": "B"})
    ws.conn.execute("DELETE FROM aggregates WHERE name = 'quotable_cohorts'")
    opts = data.filter_options(ws)
    assert (opts["groups"], opts["source_kinds"]) == (["A", "B"], ["interview", "survey"])
    # (counted, not stored: the other aggregates were not counted again for it)
    assert "quotable_cohorts" not in ws.stored_aggregates() and "quotable_units" in ws.stored_aggregates()
    ws.close()


@pytest.mark.parametrize("flags, kinds", [
    ([], []),
    ([[], [{"kind": "quasi_identifier", "severity": "warn"}], []], ["quasi_identifier"]),
    ([[{"kind": "redaction_undone"}, {"kind": "consent_unconfirmed", "severity": "hold"}],
      [{"kind": "redaction_undone"}], [{"reason": "no kind"}]], ["consent_unconfirmed", "redaction_undone"]),
])
def test_the_flag_choices_are_the_kinds_of_the_quotes_flags(ws, flags, kinds):
    ids = [r[0] for r in ws.conn.execute("SELECT quote_id FROM quotes ORDER BY quote_id")]
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET flags_json = '[]'")
        c.executemany("UPDATE quotes SET flags_json = ? WHERE quote_id = ?",
                      [(json.dumps(f), q) for f, q in zip(flags, ids)])
    assert data.filter_options(ws)["flag_kinds"] == kinds


def _undo_first_redaction(ws, q):
    red = next(r for r in review.redactions(ws, unit_id(1)) if r["status"] != "undone")
    review.undo_redaction(ws, unit_id(1), red["start"], red["end"], "Ann")


@pytest.mark.parametrize("write, changes", [
    (lambda ws, q: review.approve(ws, q, "Ann", 1), False),
    (lambda ws, q: review.reject(ws, q, "Ann", "off theme", 1), False),
    (lambda ws, q: review.edit(ws, q, "Ann", "I walk in flat and walk out with a plan.", 1), False),
    (_undo_first_redaction, True),                # its quote gets a "redaction_undone" flag
    (lambda ws, q: review.edit(ws, q, "Ann", "As the only Aboriginal teacher at my school I walk out with a plan.",
                               1), True),         # a risk flag: held
])
def test_the_filter_choices_key_follows_the_writes_that_change_a_quotes_flags_only(ws, write, changes):
    """:func:`data.options_token` keys the cached filter choices: a reviewer's write that adds a
    flag changes it (the flag kinds are read again), a decision does not (nothing is re-read)."""
    before = data.options_token(ws)
    write(ws, quote_ids(ws)[1])
    assert (data.options_token(ws) != before) is changes
    kinds = {f["kind"] for q in ws.conn.execute("SELECT flags_json FROM quotes") for f in json.loads(q[0])}
    assert set(data.filter_options(ws)["flag_kinds"]) == kinds


def test_the_redactions_tab_shows_no_offsets_or_lengths_of_hidden_words(ws):
    """Before the fix it listed "[place] (place, auto, chars 56-65, region)": the length of
    every hidden word, for reviewers who may not see originals."""
    from copquotes import review
    from copquotes.app.data import redaction_line

    uid = unit_id(1)
    for r in review.redactions(ws, uid):
        line = redaction_line(r)
        assert str(r["start"]) not in line and str(r["end"]) not in line and "chars" not in line
        assert line.startswith(r["placeholder"]) and r["kind"] in line
    r = review.redactions(ws, uid, with_original=True)[0]
    assert r["original"] not in redaction_line(r) and redaction_line(r, True).endswith(": " + r["original"])
    assert redaction_line({"placeholder": "[org]", "kind": "org", "source": "reviewer:Ann", "status": "undone",
                           "start": 3, "end": 9}) == "[org] (org, redacted by Ann, undone)"


def test_the_context_of_a_quote_names_its_speaker_by_the_quotes_pseudonym(tmp_path):
    """Before the fix the quote card said P-ac6e15 and the context the same person R21b35f46."""
    from copquotes.app.data import context_turns, quote_rows
    from copquotes.quotes.candidate import speaker_pseudonym

    w = build_workspace(tmp_path / "ws")
    try:
        path = w.conn.execute("SELECT f.path FROM files f JOIN units u ON u.file_id = f.file_id"
                              " WHERE u.unit_id = ?", (unit_id(3),)).fetchone()[0]
        qid = quote_ids(w)[3]
        # the quotes stage's pseudonym (the builders write a placeholder one)
        w.conn.execute("UPDATE quotes SET speaker = ? WHERE quote_id = ?", (speaker_pseudonym(path, "S2", unit_id(3)), qid))
        w.conn.commit()
        q = quote_rows(w, [qid])[0]
        turns = context_turns(w, unit_id(3))
        me = next(t for t in turns if t["is_self"])
        assert me["speaker"] == q["speaker"] and me["speaker"].startswith("P-")
        same = next(t for t in turns if t["unit_id"] == unit_id(1))          # S2 spoke there too
        assert same["speaker"] == q["speaker"]
        assert all("speaker_key" not in t and t["speaker"] != "S2" for t in turns)
        # the app shows the keyed pseudonym of the exports and quote records, not the stored sha1 one
        from copquotes.disclosure import Disclosure

        fid = w.conn.execute("SELECT file_id FROM units WHERE unit_id = ?", (unit_id(3),)).fetchone()[0]
        assert q["speaker"] == Disclosure(w).speaker(fid, "S2", unit_id(3))
        assert q["speaker"] != speaker_pseudonym(path, "S2", unit_id(3))
    finally:
        w.close()


def test_a_pages_address_keeps_its_choices_and_restores_only_known_values():
    """A reload mid-review came back to the default page with every choice lost; the address
    now carries a page's choices (never typed words: the search stays out of it)."""
    opts = {"themes": [("wellbeing", "Wellbeing"), ("solidarity", "Solidarity")], "statuses": list(data.STATUSES),
            "flag_kinds": ["quasi_identifier"], "topics": [(0, "a"), (2, "b")], "groups": ["RRE"],
            "years": ["2024"], "source_kinds": ["survey"]}
    values = {"f_theme": "solidarity", "f_status": "(all)", "f_topic": 2, "q_page": 3, "f_search": "Sarah",
              "f_group": "RRE"}
    params = data.url_params("quotes", values, "(all)")
    assert params == {"theme": "solidarity", "topic": "2", "group": "RRE", "page": "3"}
    assert data.url_restore("quotes", params, data.url_options(opts)) == \
        {"f_theme": "solidarity", "f_topic": 2, "f_group": "RRE", "q_page": 3}
    bad = {"theme": "<script>", "status": "approved", "topic": "9", "page": "-1", "search": "Sarah"}
    assert data.url_restore("quotes", bad, data.url_options(opts)) == {"f_status": "approved"}
    assert data.url_restore("triage", {"theme": "wellbeing"}, data.url_options(opts)) == {"tr_theme": "wellbeing"}
    assert data.url_params("quotes", {"q_page": 1, "f_theme": "(all)"}, "(all)") == {}


def test_stale_aggregates_are_stored_at_the_first_view_so_later_views_read_them(ws):
    # a workspace from an older copquotes (or written outside a stage) holds no current aggregates:
    # at 500,000 units every page counted them again (4-9 s) until the next analysis
    assert ws.stored_aggregates() == {}
    data.overview(ws)
    assert stored_equals_direct(ws)
    assert_matches_reference(ws)
