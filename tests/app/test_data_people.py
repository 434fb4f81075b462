"""The app's prevalence and topic tables count people, not units, and mark small cells as the
researcher tables do (copquotes.app.data, without Streamlit)."""
from __future__ import annotations

import pytest

from copquotes import review, themescores, workspace
from copquotes.app import data
from copquotes.topics.tables import tables_from_workspace

from copquotes.workspace import Workspace

from .builders import build_workspace, pretend_schema, unit_id

# a third file: RRE 2025, six people (P1..P6) with six turns each (36 units, not a small cell) and
# a facilitator's prompts; wellbeing: P1 in all six turns, P2 in two, P3 in one; solidarity: P4 once
BIG = [(f"P{p}", "participant") for p in range(1, 7) for _ in range(6)] + [("F", "facilitator")] * 3
SAID = {"wellbeing": {("P1", t) for t in range(6)} | {("P2", 0), ("P2", 3), ("P3", 5)},
        "solidarity": {("P4", 2)}}


def add_big_cohort(ws) -> None:
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (3, '/data/fg_rre_2025.vtt', 'fg_rre_2025.vtt', 'zoom_vtt', ?, 'fp3',"
                  " '{\"group\": \"RRE\", \"year\": \"2025\"}', ?, '2025-01-01T00:00:00+00:00')", ("0" * 64, len(BIG)))
        turns: dict[str, int] = {}
        rows = []
        for i, (who, role) in enumerate(BIG):
            uid, turn = f"b{i:03d}", turns.get(who, 0)
            turns[who] = turn + 1
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " speaker_key, speaker_role, consent, locator) VALUES (?,3,?,?,?,'focus_group','RRE','2025',"
                      "?,?,1,?)", (uid, i, f"Turn {i} of the session.", f"hb{i}", who, role, f"line {i}"))
            c.execute("INSERT INTO unit_topics(unit_id, topic, prob, x, y) VALUES (?,?,0.5,0,0)", (uid, i % 2))
            for theme, said in SAID.items():
                on = (who, turn) in said or role == "facilitator"      # every prompt is tagged: left out
                rows.append((uid, theme, 0.9 if on else 0.1, int(on), 0))
        themescores.write(ws, rows)


# a fourth file: a survey export pooling two groups and two years (its own group and year columns,
# copquotes.ingest.rowmeta), answers c000..c004; Q1 answered in 2024 and twice in 2025 (Regional),
# wellbeing in the first two; Q2 answered for Regional and for Tertiary (2025), solidarity in the first
POOLED = [("Q1", "Regional", "2024", {"wellbeing"}), ("Q1", "Regional", "2025", {"wellbeing"}),
          ("Q1", "Regional", "2025", set()), ("Q2", "Regional", "2025", {"solidarity"}),
          ("Q2", "Tertiary", "2025", set())]


def add_pooled_survey(ws) -> None:
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (4, '/data/survey_pooled.csv', 'survey_pooled.csv', 'plain_csv', ?, 'fp4',"
                  " '{}', ?, '2025-01-01T00:00:00+00:00')", ("1" * 64, len(POOLED)))
        rows = []
        for i, (who, grp, year, said) in enumerate(POOLED):
            uid = f"c{i:03d}"
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " question, speaker_key, speaker_role, consent, locator) VALUES (?,4,?,?,?,'survey',?,?,"
                      "'What was the most valuable aspect of your CoP?',?,'respondent',1,?)",
                      (uid, i, f"Answer {i} of the survey.", f"hc{i}", grp, year, who, f"row {i}"))
            c.execute("INSERT INTO unit_topics(unit_id, topic, prob, x, y) VALUES (?,2,0.5,0,0)", (uid,))
            rows += [(uid, theme, 0.9 if theme in said else 0.1, int(theme in said), 0) for theme in SAID]
        themescores.write(ws, rows)


def add_big_survey(ws, answers: int) -> None:
    """A fifth file: a survey of ``answers`` answers (RRE 2025), two per respondent (R0, R1, ...),
    none tagged wellbeing; built with SQL."""
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (5, '/data/survey_big.csv', 'survey_big.csv', 'plain_csv', ?, 'fp5',"
                  " '{}', ?, '2025-01-01T00:00:00+00:00')", ("5" * 64, answers))
        c.executemany("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " question, speaker_key, speaker_role, consent, locator) VALUES (?,5,?,?,?,'survey','RRE',"
                      "'2025','Q1',?,'respondent',1,?)",
                      [(f"s{i:05d}", i, f"Answer {i}.", f"hs{i}", f"R{i // 2}", f"row {i}") for i in range(answers)])
    themescores.write(ws, [(f"s{i:05d}", theme, 0.1, 0, 0) for i in range(answers) for theme in SAID])


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    add_big_cohort(w)
    yield w
    w.close()


@pytest.fixture
def pooled(ws):
    add_pooled_survey(ws)
    return ws


def effective(ws) -> dict[tuple[str, str], int]:
    labels = {(u, t): int(lbl) for u, t, _, lbl, _ in themescores.sorted_rows(ws)}
    labels.update({(u, t): int(lbl) for u, t, lbl in ws.conn.execute("SELECT unit_id, theme, label FROM theme_labels")})
    return labels


def reference_people(ws, by: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(theme, column) -> (people who said it, people, units), counted unit by unit in Python over
    the participants' voices; a person is their file and speaker key (or the unit alone)."""
    col = {"group": "grp", "year": "year"}[by]
    units = {u: (str(c), (f, k) if k is not None else u) for u, c, f, k, role, kind in ws.conn.execute(
        f"SELECT unit_id, {col}, file_id, speaker_key, speaker_role, source_kind FROM units")
        if role not in ("facilitator", "interviewer") or kind == "reflection"}
    people: dict[str, set] = {}
    sizes: dict[str, int] = {}
    for column, who in units.values():     # a person in two columns is one person in "all"
        for key in (column, "all"):
            people.setdefault(key, set()).add(who)
            sizes[key] = sizes.get(key, 0) + 1
    said: dict[tuple[str, str], set] = {}
    for (u, theme), lbl in effective(ws).items():
        if lbl == 1 and u in units:
            column, who = units[u]
            for key in (column, "all"):
                said.setdefault((theme, key), set()).add(who)
    return {k: (len(v), len(people[k[1]]), sizes[k[1]]) for k, v in said.items()}


def reference_topic_people(ws) -> dict[tuple[int, str], int]:
    topic = dict(ws.conn.execute("SELECT unit_id, topic FROM unit_topics"))
    who = {u: (f, k) if k is not None else u for u, f, k in ws.conn.execute(
        "SELECT unit_id, file_id, speaker_key FROM units")}
    out: dict[tuple[int, str], set] = {}
    for (u, theme), lbl in effective(ws).items():
        if lbl == 1 and u in topic:
            out.setdefault((topic[u], theme), set()).add(who[u])
    return {k: len(v) for k, v in out.items()}


def assert_people_match_reference(ws) -> None:
    for by in ("group", "year"):
        tidy = data.theme_people(ws, by)
        got = {(t, c): (k, n, u) for t, c, n, k, u in
               zip(tidy["theme"], tidy["column"], tidy["people"], tidy["said"], tidy["units"]) if k}
        assert got == reference_people(ws, by), by
    tp = data.topic_people_table(ws)
    got = {(int(t), th): int(tp.loc[t, th]) for t in tp.index for th in tp.columns if tp.loc[t, th]}
    assert got == reference_topic_people(ws)


def test_the_app_counts_people_as_the_researcher_table_does(ws):
    tidy = data.theme_people(ws, "year").set_index(["theme", "column"])
    prev = tables_from_workspace(ws)["theme_prevalence"].set_index(["group", "year", "theme"])
    for theme in ("wellbeing", "solidarity"):
        row = prev.loc[("RRE", "2025", theme)]
        assert (tidy.loc[(theme, "2025"), "said"], tidy.loc[(theme, "2025"), "people"]) == (
            row["speakers_labelled"], row["speakers"])
        assert bool(tidy.loc[(theme, "2025"), "small"]) is bool(row["small_n"])
    # wellbeing in 2025: 3 of 6 people (P1, P2, P3), though 9 of 36 units; the facilitator's prompts left out
    assert tidy.loc[("wellbeing", "2025"), ["said", "people", "units"]].tolist() == [3, 6, 36]
    assert tidy.loc[("wellbeing", "2025"), "share"] == 50.0 and not tidy.loc[("wellbeing", "2025"), "small"]


@pytest.mark.parametrize("stored", [False, True, "per person"])
@pytest.mark.parametrize("label_changes", [
    [],
    [("b000", "wellbeing", 0)],                              # P1 still said it in five other turns: no change
    [(f"b{i:03d}", "wellbeing", 0) for i in range(6)],       # P1 no longer said it at all
    [("b008", "solidarity", 1)],                             # P2 now said solidarity (a tagger's no overruled)
    [("b006", "wellbeing", 0), ("b009", "wellbeing", 0)],    # both of P2's: P2 gone
    [(unit_id(1), "wellbeing", 0)],                          # S2 of the builder (RRE 2024)
    [("b036", "solidarity", 0), ("b038", "solidarity", 0)],  # the facilitator's prompts: topics count them
])
def test_people_counts_follow_reviewers_corrections_exactly(ws, monkeypatch, stored, label_changes):
    if stored == "per person":          # every person with 2 units or more counted one by one
        monkeypatch.setattr(workspace, "MANY_UNITS", 2)
    if stored:
        ws.mark_stage("tag", "fp-tag")
    if stored == "per person":
        assert len(ws.speaker_label_counts(["3\x1fP1", "3\x1fP2", "3\x1fF"])) == 3
    for uid, theme, label in label_changes:
        review.label_theme(ws, uid, theme, label, "Ann")
    assert_people_match_reference(ws)


@pytest.mark.parametrize("stored", [False, True, "per person"])
@pytest.mark.parametrize("label_changes", [
    [],
    [("c000", "wellbeing", 0)],                           # Q1 still said it in 2025: still one of Regional's
    [("c000", "wellbeing", 0), ("c001", "wellbeing", 0)],  # Q1 no longer said it at all
    [("c002", "wellbeing", 1)],                           # a third answer of Q1 with it: still one person
    [("c004", "solidarity", 1)],                          # Q2 said it for Tertiary too: one person in 2025
    [("c003", "solidarity", 0), ("c004", "solidarity", 1)],  # Q2's solidarity moves from Regional to Tertiary
])
def test_a_person_in_two_years_or_two_groups_counts_once_in_a_group_a_year_and_all(
        pooled, monkeypatch, stored, label_changes):
    if stored == "per person":          # every person with 2 units or more counted one by one
        monkeypatch.setattr(workspace, "MANY_UNITS", 2)
    if stored:
        pooled.mark_stage("tag", "fp-tag")
    if stored == "per person":
        assert len(pooled.speaker_label_counts(["4\x1fQ1", "4\x1fQ2"])) == 2
    for uid, theme, label in label_changes:
        review.label_theme(pooled, uid, theme, label, "Ann")
    assert_people_match_reference(pooled)
    # the people of a group, a year and all: each person once, however many cells they spoke in
    by_group = data.theme_people(pooled, "group").set_index(["theme", "column"])["people"]
    by_year = data.theme_people(pooled, "year").set_index(["theme", "column"])["people"]
    assert by_group[("wellbeing", "Regional")] == 2 and by_year[("wellbeing", "2025")] == 8
    assert by_group[("wellbeing", "all")] == by_year[("wellbeing", "all")] == 15


@pytest.mark.parametrize("name, row", [
    ("cohort_speakers", ["cohort", "Regional", "2024", 1]),
    ("cohort_speakers", ["cohort", "Regional", "2025", 2]),
    ("cohort_speakers", ["group", "Regional", None, 2]),      # Q1 (two years) and Q2: not 3
    ("cohort_speakers", ["year", None, "2025", 8]),           # P1..P6, Q1, Q2 (two groups): not 9
    ("cohort_speakers", ["all", None, None, 15]),
    ("cohort_speaker_labels", ["group", "Regional", None, "wellbeing", 1]),   # Q1 in 2024 and 2025
    ("cohort_speaker_labels", ["all", None, None, "wellbeing", 9]),   # S2..S5, R3, P1..P3, Q1 (once)
])
def test_the_stored_people_of_a_group_a_year_and_all_are_distinct_people(pooled, name, row):
    assert row in pooled.compute_aggregate(name)
    pooled.mark_stage("tag", "fp-tag")
    assert row in pooled.stored_aggregates(name)[name]


def test_people_counts_stored_by_an_older_copquotes_are_counted_again(pooled):
    """Counts stored before the roll-ups were distinct people (the token's leading word 'voices',
    group-and-year rows only) are stale: the app counts again, never reads or adds them up."""
    pooled.mark_stage("tag", "fp-tag")
    with pooled.transaction() as c:
        c.execute("UPDATE aggregates SET token = 'voices' || substr(token, instr(token, '|'))")
        c.execute("UPDATE aggregates SET value_json = ? WHERE name = 'cohort_speakers'",
                  ('[["Regional", "2024", 1], ["Regional", "2025", 2]]',))
    assert not pooled.stored_aggregates("cohort_speakers")
    assert pooled.speaker_label_counts(["4\x1fQ1"]) is None
    assert_people_match_reference(pooled)


def test_the_app_the_researcher_tables_and_the_export_count_the_same_people(pooled, tmp_path):
    """The app's columns, the researcher API's prevalence by group, by year and over all, and the
    exported group x year table (`copquotes export --what theme_prevalence`) count the same people."""
    import pandas as pd

    from copquotes.cli import main
    from copquotes.topics.tables import read_workspace, theme_prevalence

    pooled.mark_stage("tag", "fp-tag")
    for uid, theme, label in [("c000", "wellbeing", 0), ("c004", "solidarity", 1), ("b008", "solidarity", 1)]:
        review.label_theme(pooled, uid, theme, label, "Ann")
    frames = read_workspace(pooled)
    units = frames["units"].assign(all="all")
    for by in ("group", "year"):
        app = data.theme_people(pooled, by).set_index(["theme", "column"])[["said", "people"]]
        for column in (by, "all"):
            api = theme_prevalence(units, frames["unit_themes"], column).set_index(["theme", column])
            for (theme, value), row in api.iterrows():
                assert tuple(app.loc[(theme, value)]) == (row["speakers_labelled"], row["speakers"]), (by, value)
    out = tmp_path / "prevalence.csv"
    assert main(["export", "-q", "--workspace", str(pooled.path), "--out", str(out), "--what", "theme_prevalence"]) == 0
    exported = pd.read_csv(out, dtype={"year": str}).set_index(["group", "year", "theme"])
    api = theme_prevalence(frames["units"], frames["unit_themes"], ("group", "year")).set_index(
        ["group", "year", "theme"])
    assert exported[["speakers", "speakers_labelled"]].equals(api[["speakers", "speakers_labelled"]])
    # Q2 spoke for Regional and for Tertiary in 2025: one person in each cell, one in 2025
    assert exported.loc[("Regional", "2025", "solidarity"), "speakers"] == 2
    assert exported.loc[("Tertiary", "2025", "solidarity"), "speakers_labelled"] == 1


@pytest.mark.parametrize("said, people, units, share, words", [
    (3, 6, 36, 50.0, "50% (3 of 6 people)"),
    (5, 5, 30, 100.0, "100% (5 of 5 people)"),
    (1234, 2000, 5000, 61.7, "62% (1,234 of 2,000 people)"),
    (3, 4, 40, 75.0, "fewer than 5 people: do not report as a share"),
    (3, 12, 20, 25.0, "fewer than 30 answers and turns: do not report as a share"),
    (0, 1, 1, 0.0, "fewer than 5 people: do not report as a share"),
])
def test_a_prevalence_cell_says_the_share_of_people_or_why_not_to_report_it(said, people, units, share, words):
    assert data.people_cell(said, people, units, share) == words


@pytest.mark.parametrize("n, words", [(0, "none"), (1, "fewer than 5 people"), (4, "fewer than 5 people"),
                                      (5, "5 people"), (1234, "1,234 people")])
def test_a_count_of_people_below_five_is_never_a_number(n, words):
    assert data.people_count(n) == words


def test_the_prevalence_table_marks_small_cells_and_gives_them_no_number(ws):
    table = data.people_table(data.theme_people(ws, "year"))
    assert list(table.columns) == ["2023", "2024", "2025", "all"]
    assert table.loc["wellbeing", "2025"] == "50% (3 of 6 people)"
    for year in ("2023", "2024"):       # 3 and 4 people
        assert set(table[year].dropna()) == {"fewer than 5 people: do not report as a share"}
    assert list(table.index)[0] == "wellbeing"     # the most said over all first


def test_the_topics_table_counts_people_and_marks_few(ws):
    table = data.topics_table(ws).set_index("topic")
    # topic 0: the builder's units 1, 2, 4, 5 (S2..S5) and the even turns of RRE 2025 (P1..P6, F)
    assert table.loc[0, "people"] == "11 people" and table.loc[2, "people"] == "fewer than 5 people"


def _tidy(cells: dict) -> "pd.DataFrame":
    """A prevalence table's tidy rows from {column: (said, people, units)}, one theme; ``all`` is their sum."""
    import pandas as pd

    from copquotes.disclosure import small_cells

    cells = dict(cells, all=tuple(sum(v[i] for v in cells.values()) for i in range(3)))
    return pd.DataFrame([("backlash", c, n, k, u, round(100.0 * k / n, 1), bool(small_cells(n, u)), c == "all", False)
                         for c, (k, n, u) in cells.items()], columns=data.PEOPLE_COLUMNS)


SECONDARY = "hidden so that a smaller group's figure cannot be worked out: do not report"


@pytest.mark.parametrize("cells, hidden", [
    # the reviewer's case: RRE 4 of 40, Regional 3 of 3, all 7 of 43: Regional follows by subtraction
    ({"RRE": (4, 40, 80), "Regional": (3, 3, 6)}, {"RRE", "Regional"}),
    # one small cell among three: the next smallest (Tertiary, 30 people) is hidden too, not the largest
    ({"RRE": (4, 40, 80), "Regional": (3, 3, 6), "Tertiary": (9, 30, 60)}, {"Regional", "Tertiary"}),
    # two small cells: their sum is all the total gives away, nothing more is hidden
    ({"RRE": (4, 40, 80), "Regional": (3, 3, 6), "Online": (1, 4, 8)}, {"Regional", "Online"}),
    # no small cell: nothing hidden
    ({"RRE": (4, 40, 80), "Tertiary": (9, 30, 60)}, set()),
])
def test_no_hidden_prevalence_cell_can_be_worked_out_from_the_total(cells, hidden):
    row = data.people_table(_tidy(cells)).loc["backlash"]
    assert {c for c in cells if "%" not in row[c]} == hidden
    shown = [c for c in cells if c not in hidden]
    assert len(hidden) != 1 and ("%" in row["all"])       # the total stays, and hides no single cell
    for c in hidden - {c for c in cells if cells[c][1] < 5}:
        assert row[c] == SECONDARY
    assert all("%" in row[c] for c in shown)


def test_per_person_counts_go_stale_with_the_tagger_and_are_never_used_stale(ws, monkeypatch):
    monkeypatch.setattr(workspace, "MANY_UNITS", 2)
    ws.mark_stage("tag", "fp-tag")
    assert ws.speaker_label_counts(["3\x1fP1"])["3\x1fP1"][("units", None, None, None, "")] == 6
    # the tagger labels P4's every turn with wellbeing: stored per-person counts are stale
    rows = [(u, t, s, (1 if t == "wellbeing" and u in {f"b{i:03d}" for i in range(18, 24)} else lab), e)
            for u, t, s, lab, e in themescores.sorted_rows(ws)]
    themescores.write(ws, rows)
    ws.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('content_changed_at', 'later')")
    assert ws.speaker_label_counts(["3\x1fP4"]) is None
    review.label_theme(ws, "b018", "wellbeing", 0, "Ann")
    assert_people_match_reference(ws)


def corrected_respondent_steps(ws) -> int:
    """SQLite VM instructions of the people counts' corrections after a reviewer labels one
    answer of respondent R5 of :func:`add_big_survey` wellbeing (their effect checked too)."""
    review.label_theme(ws, "s00011", "wellbeing", 1, "Ann")          # R5: answers s00010, s00011
    steps = []
    ws.conn.set_progress_handler(lambda: steps.append(1), 1)
    try:
        adjustments = data.people_adjustments(ws)
    finally:
        ws.conn.set_progress_handler(None, 1)
    got = {(r.scope, r.theme): r.d for r in adjustments.itertuples()}
    assert got[("all", "wellbeing")] == got[("cohort", "wellbeing")] == 1
    return len(steps)


ANSWERS = 3000


@pytest.mark.parametrize("statistics", [True, False])   # (gathered before any correction, as the pipeline does)
def test_a_correction_of_a_respondent_reads_their_units_not_their_whole_file(ws, statistics):
    add_big_survey(ws, ANSWERS)
    if statistics:
        ws.conn.execute("ANALYZE")
    assert corrected_respondent_steps(ws) < ANSWERS / 4      # not a step per answer of the file


@pytest.mark.parametrize("statistics", [True, False])
def test_a_schema_15_workspace_gets_the_speaker_index_and_reads_a_respondents_units_by_it(tmp_path, statistics):
    w = build_workspace(tmp_path / "ws")
    add_big_survey(w, ANSWERS)
    w.conn.execute("DROP INDEX units_speaker")                     # as schema 15 had it
    if statistics:
        w.conn.execute("ANALYZE")
    pretend_schema(w, 15)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    try:
        assert w.schema_version == workspace.SCHEMA_VERSION == 17
        analysed = {r[0] for r in w.conn.execute("SELECT idx FROM sqlite_stat1")} if statistics else set()
        assert ("units_speaker" in analysed) == statistics
        assert corrected_respondent_steps(w) < ANSWERS / 4
    finally:
        w.close()


def test_a_workspace_counts_per_person_labels_only_for_people_with_many_units(ws):
    ws.mark_stage("tag", "fp-tag")
    assert ws.speaker_label_counts(["3\x1fP1"]) == {}        # six units: fewer than MANY_UNITS


def test_a_workspace_from_before_per_person_counts_gets_them_and_counts_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MANY_UNITS", 2)
    w = build_workspace(tmp_path / "ws")
    add_big_cohort(w)
    w.mark_stage("tag", "fp-tag")
    w.conn.execute("DROP TABLE speaker_labels")                    # as schema 14 had it
    w.conn.execute("DELETE FROM aggregates WHERE name = 'speaker_labels'")
    pretend_schema(w, 14)
    w.close()
    w = Workspace.open(tmp_path / "ws")
    try:
        assert w.schema_version == workspace.SCHEMA_VERSION == 17
        assert w.speaker_label_counts(["3\x1fP1"]) is None           # not counted yet: read live
        for uid in ("b006", "b009"):
            review.label_theme(w, uid, "wellbeing", 0, "Ann")
        assert_people_match_reference(w)
        w.refresh_aggregates()
        assert w.speaker_label_counts(["3\x1fP2"])["3\x1fP2"][("cohort", "RRE", "2025", None, "wellbeing")] == 2
        assert_people_match_reference(w)
    finally:
        w.close()


HIDDEN = data.TOPIC_HIDDEN_WORDS      # a small count and the one hidden beside it read alike


def _topic_frame(rows: dict) -> "pd.DataFrame":
    """A topics (rows) by themes (columns) count of people, as data.topic_people gives it."""
    import pandas as pd

    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "topic"
    return frame


@pytest.mark.parametrize("rows, words", [
    # backlash: 3 people in topic 0 only would follow from the theme's people over all topics, and
    # from topic 0's people: the next smallest of its row and of its column are hidden, then topic 1's
    ({0: {"backlash": 3, "wellbeing": 12}, 1: {"backlash": 8, "wellbeing": 20}},
     {0: {"backlash": HIDDEN, "wellbeing": HIDDEN}, 1: {"backlash": HIDDEN, "wellbeing": HIDDEN}}),
    # two small counts in a column and none else: each row hides its other count
    ({0: {"backlash": 3, "wellbeing": 12}, 1: {"backlash": 2, "wellbeing": 20}},
     {0: {"backlash": HIDDEN, "wellbeing": HIDDEN}, 1: {"backlash": HIDDEN, "wellbeing": HIDDEN}}),
    # a small count alone among 0s ("none"): a 0 is not hidden for it
    ({0: {"backlash": 1, "wellbeing": 0}, 1: {"backlash": 0, "wellbeing": 0}},
     {0: {"backlash": HIDDEN, "wellbeing": "none"}, 1: {"backlash": "none", "wellbeing": "none"}}),
    # no small count: every count shown
    ({0: {"backlash": 5, "wellbeing": 12}, -1: {"backlash": 0, "wellbeing": 7}},
     {0: {"backlash": "5 people", "wellbeing": "12 people"}, -1: {"backlash": "none", "wellbeing": "7 people"}}),
])
def test_no_hidden_count_of_people_per_topic_and_theme_can_be_worked_out_from_a_total(rows, words):
    assert data.topic_people_cells(_topic_frame(rows)).to_dict(orient="index") == words


def _people_frame(people: dict) -> "pd.DataFrame":
    """Each topic's people, as data.people_base_topics gives them."""
    import pandas as pd

    return pd.DataFrame({"topic": list(people), "people": list(people.values()), "units": list(people.values())})


@pytest.mark.parametrize("people, shown", [
    # without the topics' people, a reader knows each row's and column's sum: backlash's hidden counts
    # of topics 0 and 2 (3 and 3) add up to 6 and can be 5 and 1 as well: topic 1 stays shown
    (None, {"backlash": "5 people", "wellbeing": "5 people"}),
    # with them (7, 7, 8 people), topic 2's wellbeing (8) can rise no further, so its backlash cannot
    # fall below 3, nor topic 0's rise above 3: topic 1's counts are hidden too
    ({0: 7, 1: 7, 2: 8}, {"backlash": HIDDEN, "wellbeing": HIDDEN}),
])
def test_a_topics_people_bound_its_counts_so_more_are_hidden_where_they_would_pin_a_small_one(people, shown):
    rows = {0: {"backlash": 3, "wellbeing": 5}, 1: {"backlash": 5, "wellbeing": 5}, 2: {"backlash": 3, "wellbeing": 8}}
    cells = data.topic_people_cells(_topic_frame(rows), None if people is None else _people_frame(people))
    assert cells.loc[1].to_dict() == shown
    assert (cells.loc[[0, 2]] == HIDDEN).all().all()


def test_the_topics_by_themes_table_of_a_workspace_hides_a_second_count_beside_a_lone_small_one(ws):
    tt = data.topic_people_table(ws)
    # topic 0: solidarity 2 (P4, the facilitator), wellbeing 7; topic 1: backlash 1, solidarity 3, wellbeing 5; topic 2:
    # reflective practice 1 among 0s
    assert tt.loc[0, "wellbeing"] == 7 and tt.loc[1, "wellbeing"] == 5
    shown = data.topic_people_cells(tt)
    # topic 0's row hid only solidarity: its wellbeing (7) goes; wellbeing's column then hid only topic 0: topic 1's too
    assert shown.loc[0, "wellbeing"] == HIDDEN and shown.loc[1, "wellbeing"] == HIDDEN
    assert shown.loc[0, "solidarity"] == shown.loc[1, "backlash"] == shown.loc[2, "reflective_practice"] == HIDDEN
    assert (shown == HIDDEN).sum().sum() == 6 and shown.loc[2, "wellbeing"] == "none"   # 4 small, 2 beside them


def test_counts_read_before_a_removal_are_not_stored_after_it(tmp_path, monkeypatch):
    """The app's refresh of stale aggregates reads a snapshot (seconds at 500,000 units) while
    `copquotes remove` runs in another process: what it read names the removed file's people
    (speaker keys can be names) and must not be written back after the removal."""
    from copquotes import removal

    monkeypatch.setattr(workspace, "MANY_UNITS", 2)
    w = build_workspace(tmp_path / "ws")
    add_big_cohort(w)
    w.mark_stage("tag", "fp-tag")
    w.close()
    app, cli = Workspace.open(tmp_path / "ws"), Workspace.open(tmp_path / "ws")
    try:
        counted = app._compute_aggregates

        def removal_meanwhile(*args, **kwargs):
            out = counted(*args, **kwargs)
            removal.remove_files(cli, ["fg_rre_2025.vtt"])
            return out

        monkeypatch.setattr(app, "_compute_aggregates", removal_meanwhile)
        app.refresh_aggregates()
        assert cli.conn.execute("SELECT COUNT(*) FROM speaker_labels WHERE who LIKE '3' || char(31) || '%'"
                                ).fetchone()[0] == 0
        assert cli.conn.execute("SELECT COUNT(*) FROM units WHERE file_id = 3").fetchone()[0] == 0
    finally:
        app.close()
        cli.close()


def same_rows(frame, rows: list[tuple]) -> bool:
    import pandas as pd

    def tidy(f):
        return f.sort_values(list(f.columns), key=lambda s: s.astype(str)).reset_index(drop=True)
    return tidy(frame).equals(tidy(pd.DataFrame(rows, columns=list(frame.columns))))


def test_the_pipeline_stores_the_people_corrections_so_the_app_reads_no_unit_for_them(ws):
    """The Overview's and Topics' first view after an analysis counted the corrections again from
    the corrected units' labels in the Parquet parts (0.3 s at 500,000 units)."""
    from copquotes.adjustments import counted
    from copquotes.pipeline import refresh_statistics

    ws.mark_stage("tag", "fp-tag")
    for uid, theme, label in [("b000", "wellbeing", 0), ("b008", "solidarity", 1), (unit_id(1), "wellbeing", 0)]:
        review.label_theme(ws, uid, theme, label, "Ann")
    refresh_statistics(ws)                  # what the pipeline does after its stages
    seen: list[str] = []
    ws.conn.set_trace_callback(seen.append)
    try:
        got = data.people_adjustments(ws)
    finally:
        ws.conn.set_trace_callback(None)
    assert not [q for q in seen if "units" in q and "theme_labels" in q], seen
    assert len(got) and same_rows(got, counted(ws))
    assert_people_match_reference(ws)


@pytest.mark.parametrize("steps", [
    # each step changes the workspace, then the app's people counts (stored for the state before)
    # must equal the reference: a label, a label taken back, another reviewer's label over it
    [("label", "b000", "wellbeing", 0), ("label", "b001", "wellbeing", 0), ("label", "b000", "wellbeing", 1)],
    [("label", "b008", "solidarity", 1), ("label", "b008", "solidarity", 0)],
    # a tag run that labels P4's every turn wellbeing, with a label before and after it
    [("label", "b018", "wellbeing", 0), ("tag", "b018"), ("label", "b019", "wellbeing", 0)],
    # the topics stage moves a corrected unit to the other topic
    [("label", "b000", "wellbeing", 0), ("topic", "b000")],
    # an ingest (the third file's units removed): what was stored named them
    [("label", "b000", "wellbeing", 0), ("remove", "fg_rre_2025.vtt")],
])
def test_the_stored_people_corrections_are_never_shown_stale(ws, steps):
    ws.mark_stage("tag", "fp-tag")
    ws.mark_stage("topics", "fp-topics")
    for i, (kind, *args) in enumerate(steps):
        data.people_adjustments(ws)         # counted and stored for the state before the step
        if kind == "label":
            review.label_theme(ws, *args, "Ann")
        elif kind == "tag":
            rows = [(u, t, s, 1 if t == "wellbeing" and u in {f"b{j:03d}" for j in range(18, 24)} else lab, e)
                    for u, t, s, lab, e in themescores.sorted_rows(ws)]
            themescores.write(ws, rows)
            ws.mark_stage("tag", f"fp-tag-{i}")
        elif kind == "topic":
            with ws.transaction() as c:
                c.execute("UPDATE unit_topics SET topic = 1 - topic WHERE unit_id = ?", args)
            ws.mark_stage("topics", f"fp-topics-{i}")
        else:
            from copquotes import removal

            removal.remove_files(ws, list(args))
        assert_people_match_reference(ws)
