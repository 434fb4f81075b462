"""Topics: the model (real embeddings, real UMAP/HDBSCAN), tables, pictures and the stage.

One small corpus of 150 synthetic CoP-style texts in six groups, written here; the
expensive part (two fits, to check reproducibility) runs once per session.
"""
from __future__ import annotations

import itertools
import json
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from copquotes import themescores
from copquotes.errors import ConfigError
from copquotes.stages import STAGES
from copquotes.topics import (
    DOMAIN_STOP_WORDS,
    STOP_WORDS,
    TopicModel,
    make_label,
    save_figures,
    tables_from_workspace,
    theme_prevalence,
    topic_by,
    topic_theme_table,
    topics_over_time,
)
from copquotes.topics import model as topic_model
from copquotes.topics import run as topics_run
from copquotes.topics.metrics import agreement, keyword_words, npmi_coherence, npmi_pair, topic_diversity
from copquotes.types import Unit
from sources import Reading, Src

# ----------------------------------------------------------------------------- corpus
GROUPS = {
    "tired": (
        ["I arrive at the session exhausted", "Most weeks I log on completely drained",
         "After a long week at school I come in flat", "Honestly I was running on empty",
         "By Thursday afternoon my energy is gone"],
        ["and leave with my energy back.", "and the hour recharges my batteries.",
         "but I walk out feeling rested and lighter.", "and the group helps me recover from burnout.",
         "and I remember to look after my own wellbeing."],
    ),
    "backlash": (
        ["A parent complained that we were pushing an agenda", "The principal refused to back the program",
         "Some staff said gender equality was political correctness", "I copped abuse online after the workshop",
         "Leadership at my school keeps blocking the respectful relationships work"],
        ["and I did not know how to respond to the resistance.", "so we practised answering the backlash.",
         "which made me want to give up for a while.", "and the hostility was hard to sit with.",
         "so I needed scripts for handling pushback."],
    ),
    "network": (
        ["I met practitioners from other regions", "Now I have contacts in three councils",
         "We swapped phone numbers with people from the health service",
         "I connected with workers in organisations across the state",
         "Meeting people from other agencies broke down the silos"],
        ["and we now call each other for advice.", "and a partnership project has started.",
         "so I know who to ring when I am stuck.", "and that network will outlast the series.",
         "and we are planning a joint event next year."],
    ),
    "logistics": (
        ["The Zoom link in the calendar invite did not work", "Please send the recording and the slides",
         "Could we move the meeting to a Tuesday", "The parking near the venue was impossible",
         "The afternoon time slot clashes with school pickup"],
        ["so I joined fifteen minutes late.", "because I missed the last session.",
         "since Fridays are bad for most of us.", "and next time a room with better wifi would help.",
         "so a morning start would suit more people."],
    ),
    "safe": (
        ["The facilitator set clear group agreements", "It felt safe to admit my mistakes",
         "Nobody judged me when I was vulnerable", "The gentle facilitation let quiet people speak",
         "We could say risky things in confidence"],
        ["and that trust made the room feel safe.", "because what was said stayed in the room.",
         "and I could be honest about my doubts.", "so everyone felt heard and respected.",
         "which is rare in professional spaces."],
    ),
    "resources": (
        ["Someone shared a lesson plan template", "We passed around the evaluation framework",
         "A colleague posted a folder of classroom activities", "People shared case studies of what worked",
         "I got a checklist for auditing school policies"],
        ["that I adapted for my own classes.", "and I used the worksheet the next week.",
         "so I did not have to reinvent the wheel.", "and the evidence summary was really practical.",
         "which saved me hours of preparation."],
    ),
}


def make_corpus():
    texts, groups = [], []
    for g, (heads, tails) in GROUPS.items():
        for h, t in itertools.product(heads, tails):
            texts.append(f"{h} {t}")
            groups.append(g)
    return texts, groups


TEXTS, TRUTH = make_corpus()
NEW_TEXTS = {  # not in the corpus: where do they go?
    "tired": "I came in worn out and left with more energy than I had all week.",
    "logistics": "The calendar invite had the wrong time and the Zoom link did not work.",
    "backlash": "A parent complained that the program pushes a political agenda at our school.",
}


def _no_network(*args, **kwargs):  # pragma: no cover - only called if something reaches out
    raise AssertionError(f"network access attempted: {args!r}")


@pytest.fixture(scope="session")
def corpus_embeddings(embedder):
    return embedder.encode(TEXTS)


@pytest.fixture(scope="session")
def fitted(corpus_embeddings):
    """Two independent fits of the same input, with every socket connection refused."""
    real_connect, real_create = socket.socket.connect, socket.create_connection
    socket.socket.connect = _no_network
    socket.create_connection = _no_network
    try:
        a = TopicModel().fit(TEXTS, corpus_embeddings)
        b = TopicModel().fit(TEXTS, corpus_embeddings)
    finally:
        socket.socket.connect, socket.create_connection = real_connect, real_create
    return a, b


# ----------------------------------------------------------------------------- the model
def test_small_corpus_gives_a_handful_of_topics_few_outliers(fitted):
    m, _ = fitted
    assert 3 <= m.n_topics_ <= 10
    assert m.outlier_share_ < 0.4
    assert len(m.topics_) == len(TEXTS)
    assert m.topic_info_["size"].sum() == len(TEXTS)


def test_refit_gives_identical_assignments_labels_and_map(fitted):
    a, b = fitted
    assert np.array_equal(a.topics_, b.topics_)
    assert a.labels_ == b.labels_
    assert a.keywords_ == b.keywords_
    assert np.array_equal(a.map_2d_, b.map_2d_)


def test_topics_recover_the_groups_the_texts_were_written_in(fitted):
    m, _ = fitted
    assert agreement(TRUTH, m.topics_)["nmi"] > 0.6


def test_keywords_skip_stop_and_domain_words_and_labels_are_short_and_distinct(fitted):
    m, _ = fitted
    for t, kws in m.keywords_.items():
        words = {w for k in kws for w in k.split()}
        assert not words & STOP_WORDS, (t, kws)
    labels = [lab for t, lab in m.labels_.items() if t != -1]
    assert len(set(labels)) == len(labels)
    assert all(0 < len(lab) <= 60 and lab != "(no keywords)" for lab in labels)


def test_representatives_are_members_of_their_topic(fitted):
    m, _ = fitted
    for t, idx in m.representative_.items():
        assert idx and all(m.topics_[i] == t for i in idx)
        assert len({TEXTS[i] for i in idx}) == len(idx)


def test_transform_places_new_texts_with_their_group(fitted, embedder):
    m, _ = fitted
    # a group may be split into sub-topics (how finely depends on the CPU's floating point): each new
    # text must land in a topic that holds only texts of its own group
    truth = np.array(TRUTH)
    own = {g: {t for t in set(m.topics_[truth == g]) if t != -1 and set(truth[m.topics_ == t]) == {g}}
           for g in NEW_TEXTS}
    got = m.transform(list(NEW_TEXTS.values()), embedder.encode(list(NEW_TEXTS.values())))
    assert all(own.values()), own
    assert [t in own[g] for g, t in zip(NEW_TEXTS, got)] == [True] * len(NEW_TEXTS), (list(got), own)


def test_map_has_a_finite_position_for_every_text(fitted):
    m, _ = fitted
    assert m.map_2d_.shape == (len(TEXTS), 2) and np.isfinite(m.map_2d_).all()


@pytest.mark.parametrize("n", [1, 5, 29])
def test_tiny_corpus_degrades_to_one_topic_with_a_reason(n, corpus_embeddings):
    m = TopicModel().fit(TEXTS[:n], corpus_embeddings[:n])
    assert set(m.topics_) == {0}
    assert m.degenerate_ and "one topic" in m.degenerate_
    assert m.topic_info_["size"].tolist() == [n]
    assert m.map_2d_.shape == (n, 2)


@pytest.mark.parametrize("texts, emb, message", [
    ("a single string", np.zeros((1, 4)), "list of texts"),
    (["a", "b"], np.zeros((3, 4)), "2 texts but 3 embedding rows"),
    (["a", "b"], None, "precomputed embeddings"),
    (["a", "b"], np.zeros(4), "2-D array"),
    (["a", "b"], np.array([[np.nan, 1.0], [1.0, 0.0]]), "NaN"),
    ([], np.zeros((0, 4)), "no texts"),
])
def test_bad_input_raises_a_config_error_that_says_what_to_do(texts, emb, message):
    with pytest.raises(ConfigError, match=message):
        TopicModel().fit(texts, emb)


@pytest.mark.parametrize("params, message", [
    ({"min_topic_size": "big"}, "min_topic_size"),
    ({"min_topic_size": 1}, "at least 2"),
    ({"outlier_threshold": 3}, "outlier_threshold"),
])
def test_bad_parameters_raise_config_errors(params, message):
    with pytest.raises(ConfigError, match=message):
        TopicModel(**params).resolve_params(200)


def test_transform_before_fit_says_to_fit_first():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="fit"):
        TopicModel().transform(["x"], np.ones((1, 4)))


@pytest.mark.parametrize("n, min_size, max_topics_at_most", [
    (50, 5, 8), (200, 5, 11), (500, 8, 18), (6_000, 27, 60), (50_000, 49, 60), (500_000, 49, 60),  # fitted on a 20,000-unit sample
])
def test_parameters_scale_with_the_corpus(n, min_size, max_topics_at_most):
    p = TopicModel().resolve_params(n)
    assert p["min_topic_size"] == min_size
    assert p["max_topics"] == max_topics_at_most
    assert p["n_neighbors"] <= 15


def test_merging_small_topics_keeps_the_big_ones_apart():
    rng = np.random.default_rng(0)
    centres = np.eye(6, 8, dtype=np.float32)
    sizes = [40, 30, 20, 6, 5, 4]
    E = np.vstack([c + 0.05 * rng.standard_normal((s, 8)).astype(np.float32) for c, s in zip(centres, sizes)])
    E[-15:-9] += centres[2]         # topic 3 lies near topic 2, 4 near 0, 5 near 1
    E[-9:-4] += centres[0]
    E[-4:] += centres[1]
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    topics = np.repeat(np.arange(6), sizes)
    topics[:3] = -1
    merged = topic_model.merge_small_topics(E, topics, 3)
    assert sorted(pd.Series(merged[merged >= 0]).value_counts().tolist()) == [20 + 6, 30 + 4, 37 + 5]
    assert (merged[:3] == -1).all()
    assert np.array_equal(merged, topic_model.merge_small_topics(E, topics, 3))


def test_sklearn_contract_params_round_trip():
    m = TopicModel(min_topic_size=12, random_state=7)
    assert m.get_params()["min_topic_size"] == 12
    from sklearn.base import clone

    assert clone(m).get_params() == m.get_params()


def test_exact_knn_is_deterministic_and_self_first(corpus_embeddings):
    idx1, d1 = topic_model.cosine_knn(corpus_embeddings, 10)
    idx2, d2 = topic_model.cosine_knn(corpus_embeddings, 10)
    assert np.array_equal(idx1, idx2) and np.array_equal(d1, d2)
    assert (idx1[:, 0] == np.arange(len(corpus_embeddings))).all()
    assert (np.diff(d1, axis=1) >= -1e-6).all()


@pytest.mark.parametrize("keywords, label", [
    (["staff friendly", "staff helpful", "staff caring"], "staff friendly, helpful, caring"),
    (["waiting", "waiting time", "time", "phone"], "waiting, time, phone"),
    (["zoom", "zoom link", "recording", "slides", "invite"], "zoom, link, recording"),
    ([], "(no keywords)"),
])
def test_labels_say_each_word_once(keywords, label):
    assert make_label(keywords) == label


def test_domain_filler_words_are_stop_words():
    for w in ("cop", "community", "practice", "yeah", "um", "like"):
        assert w in DOMAIN_STOP_WORDS and w in STOP_WORDS


# ----------------------------------------------------------------------------- metrics
@pytest.mark.parametrize("a, b, n, expected", [
    ({0, 1}, {0, 1}, 4, 1.0),                 # always together
    ({0, 1}, {2, 3}, 4, -1.0),                # never together
    ({0, 1}, {0, 2}, 4, 0.0),                 # independent: P(ab) = P(a) P(b)
    (set(range(4)), set(range(4)), 4, 1.0),   # in every document
])
def test_npmi_pair(a, b, n, expected):
    assert npmi_pair(a, b, n) == pytest.approx(expected)


def test_npmi_coherence_and_diversity_on_a_tiny_corpus():
    docs = ["red apple", "red apple pie", "blue sky", "blue sky sea"]
    coh = npmi_coherence({0: ["red", "apple"], 1: ["blue", "apple"], -1: ["sea"]}, docs)
    assert coh["per_topic"][0] == pytest.approx(1.0)
    assert coh["per_topic"][1] == pytest.approx(-1.0)
    assert -1 not in coh["per_topic"]
    assert topic_diversity({0: ["red apple", "red"], 1: ["blue", "sky"]}) == pytest.approx(4 / 4)
    assert topic_diversity({0: ["red", "apple"], 1: ["red", "sky"]}) == pytest.approx(3 / 4)
    assert keyword_words(["waiting time", "waiting", "staff"], 2) == ["waiting", "time"]


# ----------------------------------------------------------------------------- tables
UNITS = pd.DataFrame({
    "unit_id": ["u1", "u2", "u3", "u4", "u5", "u6"],
    "group": ["RRE", "RRE", "Early career", "Early career", "Early career", None],
    "year": ["2024", "2023-2024", "2024", "2023", "2024", "2024"],
    "source_kind": ["survey", "survey", "focus_group", "focus_group", "survey", "interview"],
})
UNIT_TOPICS = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4", "u5", "u6"], "topic": [0, 0, 1, 1, -1, 0]})
THEMES = pd.DataFrame({
    "unit_id": ["u1", "u1", "u2", "u3", "u4", "u5", "u6"],
    "theme": ["wellbeing", "solidarity", "wellbeing", "backlash", "backlash", "isolation", "solidarity"],
    "score": [0.9, 0.7, 0.8, 0.95, 0.6, 0.2, 0.9],
    "label": [1, 1, 1, 1, 1, 0, 1],
})


def test_topic_theme_table_counts_every_theme_without_merging():
    tab = topic_theme_table(UNITS, UNIT_TOPICS, THEMES, topic_labels={0: "energy", 1: "pushback", -1: "outliers"})
    assert list(tab.index) == [0, 1, -1]
    assert list(tab.columns) == ["label", "units", "backlash", "isolation", "solidarity", "wellbeing", "no theme"]
    assert tab.loc[0, ["units", "backlash", "solidarity", "wellbeing", "no theme"]].tolist() == [3, 0, 2, 2, 0]
    assert tab.loc[-1, ["units", "isolation", "no theme"]].tolist() == [1, 0, 1]   # label 0 does not count
    share = topic_theme_table(UNITS, UNIT_TOPICS, THEMES, normalize="topic")
    assert share.loc[0, "wellbeing"] == pytest.approx(2 / 3)
    by_theme = topic_theme_table(UNITS, UNIT_TOPICS, THEMES, normalize="theme")
    assert by_theme["backlash"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("topics", [
    UNIT_TOPICS,                                            # the unit_topics table
    UNIT_TOPICS.set_index("unit_id")["topic"],              # a Series by unit id
    [0, 0, 1, 1, -1, 0],                                    # aligned with the rows
])
def test_topic_by_accepts_every_form_of_topics(topics):
    tab = topic_by(UNITS, topics, "cohort")
    assert list(tab.columns) == ["Early career", "RRE", "(none)", "total"]
    assert tab.loc[0].tolist() == [0, 2, 1, 3]
    shares = topic_by(UNITS, topics, "group", normalize="by")
    assert shares["Early career"].sum() == pytest.approx(1.0)


def test_topic_by_unknown_column_says_which_exist():
    with pytest.raises(ConfigError, match="source_kind"):
        topic_by(UNITS, UNIT_TOPICS, "colour")


def test_topics_over_time_orders_periods_and_keeps_zeros():
    tot = topics_over_time(UNITS, UNIT_TOPICS, "year", topic_labels={0: "energy"})
    assert list(dict.fromkeys(tot["year"])) == ["2023", "2023-2024", "2024"]
    assert len(tot) == 3 * 3
    y2024 = tot[tot["year"] == "2024"].set_index("topic")
    assert y2024.loc[0, "units"] == 2 and y2024.loc[0, "share"] == pytest.approx(2 / 4)
    assert tot[(tot["year"] == "2023") & (tot["topic"] == 0)]["units"].item() == 0
    assert y2024.loc[0, "label"] == "energy"


def test_theme_prevalence_by_group_and_year():
    prev = theme_prevalence(UNITS, THEMES, ("group", "year"))
    row = prev[(prev["group"] == "Early career") & (prev["year"] == "2024") & (prev["theme"] == "backlash")]
    assert row[["units", "labelled"]].values.tolist() == [[2, 1]]
    assert set(prev["theme"]) == {"backlash", "isolation", "solidarity", "wellbeing"}


def _people_units() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three cells: A/2024 5 speakers x 6 units (30: at both thresholds), A/2025 4 speakers x 8 units
    (32 units, too few people), B/2024 29 answers without a speaker key (each its own respondent) and
    a facilitator's prompt (left out); speaker S1 of file 2 is another person than S1 of file 1.
    Theme x: S1's six units in A/2024, four of S2's and two of S3's (12 of 30), one of each speaker's
    units in A/2025; y: the first 3 answers of B/2024."""
    rows = [("A", "2024", 1, f"S{s}", "participant") for s in range(1, 6) for _ in range(6)]
    rows += [("A", "2025", f, "S1", "participant") for f in (1, 2) for _ in range(8)]
    rows += [("A", "2025", 3, f"S{s}", "participant") for s in (1, 2) for _ in range(8)]
    rows += [("B", "2024", 4, None, "respondent") for _ in range(29)] + [("B", "2024", 4, "F", "facilitator")]
    units = pd.DataFrame(rows, columns=["group", "year", "file_id", "speaker_key", "speaker_role"])
    units.insert(0, "unit_id", [f"u{i}" for i in range(len(units))])
    units["source_kind"] = "focus_group"
    pos = units.groupby(["group", "year", "file_id", "speaker_key"], dropna=False).cumcount()
    first = {"S1": 6, "S2": 4, "S3": 2}
    x = ((units["year"] == "2024") & (pos < units["speaker_key"].map(first).fillna(0))
         | (units["year"] == "2025") & (pos == 0))
    y = (units["group"] == "B") & units["speaker_key"].isna() & (pos < 3)
    themes = pd.concat([pd.DataFrame({"unit_id": units["unit_id"], "theme": t, "label": m.astype(int)})
                        for t, m in (("x", x), ("y", y))])
    return units, themes


def _reference_cell(units: pd.DataFrame, themes: pd.DataFrame, group: str, year: str, theme: str) -> dict:
    """The row of ``theme_prevalence`` counted by hand, unit by unit (prompts left out)."""
    on = {u for u, t, lbl in zip(themes["unit_id"], themes["theme"], themes["label"]) if t == theme and lbl == 1}
    people, said, n, k = set(), set(), 0, 0
    for r in units.itertuples():
        if (r.group, r.year) != (group, year) or r.speaker_role == "facilitator":
            continue
        who = (r.file_id, r.speaker_key) if isinstance(r.speaker_key, str) else r.unit_id
        n, k = n + 1, k + (r.unit_id in on)
        people.add(who)
        if r.unit_id in on:
            said.add(who)
    return {"units": n, "labelled": k, "speakers": len(people), "speakers_labelled": len(said)}


@pytest.mark.parametrize("group, year, theme, small", [
    ("A", "2024", "x", False),     # 5 speakers and 30 units: not small
    ("A", "2024", "y", False),
    ("A", "2025", "x", True),      # 4 speakers (S1 of two files are two people), 32 units
    ("B", "2024", "y", True),      # 29 respondents, 29 units
    ("B", "2024", "x", True),
])
def test_theme_prevalence_counts_people_beside_units_and_flags_small_cells(group, year, theme, small):
    units, themes = _people_units()
    prev = theme_prevalence(units, themes, ("group", "year"))
    row = prev[(prev["group"] == group) & (prev["year"] == year) & (prev["theme"] == theme)].iloc[0]
    ref = _reference_cell(units, themes, group, year, theme)
    assert {c: int(row[c]) for c in ref} == ref
    assert row["share"] == pytest.approx(ref["labelled"] / ref["units"])
    assert bool(row["small_n"]) is small
    assert row["share_low"] <= row["share"] <= row["share_high"]


def test_theme_prevalence_keeps_its_columns_and_adds_the_new_ones_at_the_end():
    units, themes = _people_units()
    assert list(theme_prevalence(units, themes).columns) == [
        "group", "year", "theme", "units", "labelled", "share",
        "speakers", "speakers_labelled", "share_low", "share_high", "small_n"]
    assert list(theme_prevalence(units.iloc[:0], themes).columns) == list(theme_prevalence(units, themes).columns)


@pytest.mark.parametrize("labelled, units, low, high", [
    # by hand: centre (p + z^2/2n) / (1 + z^2/n), half z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n), z = 1.96
    (12, 30, 0.2459, 0.5768),
    (2, 3, 0.2077, 0.9385),
    (0, 3, 0.0, 0.5615),
    (3, 3, 0.4385, 1.0),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_hand_computed_values(labelled, units, low, high):
    from copquotes.topics.tables import wilson

    got_low, got_high = wilson([labelled], [units])
    assert (got_low[0], got_high[0]) == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_theme_prevalence_bounds_twelve_of_thirty_by_the_wilson_interval():
    units, themes = _people_units()
    prev = theme_prevalence(units, themes).set_index(["group", "year", "theme"])
    assert prev.loc[("A", "2024", "x"), ["share_low", "share_high"]].tolist() == [
        pytest.approx(0.2459, abs=5e-5), pytest.approx(0.5768, abs=5e-5)]


# ----------------------------------------------------------------------------- pictures
def test_save_figures_writes_offline_html_and_pngs(fitted, tmp_path):
    m, _ = fitted
    ids = [f"u{i}" for i in range(len(TEXTS))]
    units = pd.DataFrame({"unit_id": ids, "group": ["RRE", "Early career"] * (len(ids) // 2),
                          "year": ["2024", "2025", "2025"] * (len(ids) // 3), "source_kind": "survey"})
    ut = pd.DataFrame({"unit_id": ids, "topic": m.topics_, "prob": m.probs_,
                       "x": m.map_2d_[:, 0], "y": m.map_2d_[:, 1]})
    themes = pd.DataFrame({"unit_id": ids, "theme": TRUTH, "score": 0.9, "label": 1})
    info = m.topic_info_[["topic", "label", "size", "keywords", "representative"]]
    paths = save_figures({"units": units, "unit_topics": ut, "topic_info": info, "unit_themes": themes}, tmp_path)
    names = sorted(p.name for p in paths)
    assert names == ["theme_map.png", "theme_prevalence.png", "topic_map.png", "topic_sizes.png",
                     "topics.html", "topics_over_time.png"]
    page = (tmp_path / "topics.html").read_text()
    assert "<script src=\"http" not in page and "cdn.plot.ly/plotly" not in page
    assert "Plotly.newPlot" in page and len(page) > 1_000_000          # plotly.js is inside
    assert not any(t in page for t in TEXTS[:20])                      # no participant words
    for p in paths:
        if p.suffix == ".png":
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------------------- the stage
def _reader(source):
    rows = json.loads(Path(source.path).read_text())
    units = [Unit(file=str(source.path), position=i, text=r["text"], source_kind=r["kind"], group=r["group"],
                  year=r["year"], speaker_key=f"S{i}", speaker_role="participant", consent=True,
                  locator=f"row {i + 1}") for i, r in enumerate(rows)]
    return Reading(iter(units), [])


def _anonymised_as_written(ws):
    """The anonymise stage's rows for texts that name nobody (the synthetic corpus): the text itself."""
    with ws.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO anon(unit_id, text) SELECT unit_id, text FROM units")


@pytest.fixture(scope="session")
def stage_workspace(tmp_path_factory, embedder):
    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("topics_ws")
    rows = [{"text": t, "group": ["RRE", "Early career", "Regional"][i % 3], "year": ["2024", "2025"][i % 2],
             "kind": ["survey", "focus_group"][i % 2]} for i, t in enumerate(TEXTS)]
    rows += [{"text": "Yeah.", "group": "RRE", "year": "2024", "kind": "focus_group"}]
    src = root / "units.json"
    src.write_text(json.dumps(rows))
    ws = Workspace.open(root / "ws", create=True)
    ws.ingest([Src(src)], read=_reader, progress=False)
    ids = ws.units_frame()["unit_id"].tolist()
    # theme labels of the tag stage: the topics stage must leave them alone
    themescores.write(ws, [(u, g, 0.9, 1, None) for u, g in zip(ids, TRUTH)])
    _anonymised_as_written(ws)
    first = topics_run(ws, progress=False)
    second = topics_run(ws, progress=False)
    yield ws, first, second
    ws.close()


def test_stage_refuses_units_without_anonymised_text(tmp_path):
    """Keywords from the original text would carry names: the stage says to anonymise first."""
    from copquotes.errors import WorkspaceError
    from copquotes.workspace import Workspace

    src = tmp_path / "units.json"
    src.write_text(json.dumps([{"text": t, "group": "RRE", "year": "2024", "kind": "survey"} for t in TEXTS[:6]]))
    ws = Workspace.open(tmp_path / "ws", create=True)
    try:
        ws.ingest([Src(src)], read=_reader, progress=False)
        _anonymised_as_written(ws)
        ws.conn.execute("DELETE FROM anon WHERE unit_id IN (SELECT unit_id FROM units LIMIT 2)")
        with pytest.raises(WorkspaceError, match=r"2 of 6 .*--stage anonymise"):
            topics_run(ws, progress=False, figures=False)
        assert ws.conn.execute("SELECT COUNT(*) FROM topic_info").fetchone()[0] == 0
    finally:
        ws.close()


NAME = "Ravindra"   # said in every text of one group: a keyword of its topic in the original text


@pytest.fixture(scope="module")
def named_workspace(tmp_path_factory, embedder):
    """Texts that name one person throughout one group, ingested; nothing anonymised yet."""
    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("topics_named")
    rows = [{"text": f"{t} {NAME} agreed." if g == TRUTH[0] else t, "group": "RRE", "year": "2024", "kind": "survey"}
            for t, g in zip(TEXTS, TRUTH)]
    (root / "units.json").write_text(json.dumps(rows))
    ws = Workspace.open(root / "ws", create=True)
    ws.ingest([Src(root / "units.json")], read=_reader, progress=False)
    yield ws
    ws.close()


def _topic_tables(ws) -> tuple[list, list]:
    return ([tuple(r) for r in ws.conn.execute("SELECT * FROM unit_topics ORDER BY unit_id")],
            [tuple(r) for r in ws.conn.execute("SELECT * FROM topic_info ORDER BY topic")])


def test_the_fit_needs_no_anonymised_text_and_keeps_none(named_workspace, embedder):
    """The topics_fit stage (which may run beside the anonymise stage) fits before any unit is
    anonymised, and what it keeps for the topics stage holds unit ids and numbers, no text."""
    from copquotes.topics import fitted
    from copquotes.topics.stage import run_fit

    ws = named_workspace
    summary = run_fit(ws, progress=False, embedder=embedder)
    assert summary["topics"] >= 3 and summary["fitted_units"] == len(TEXTS)
    with np.load(fitted.path(ws)) as z:
        texts = {k for k in z.files if z[k].dtype.kind in "US"}
        assert texts == {"key", "meta", "unit_ids"}
        assert set(z["unit_ids"].tolist()) == set(ws.units_frame()["unit_id"])
        kept = str(z["key"]) + str(z["meta"])
    assert NAME not in kept and not any(t[:20] in kept for t in TEXTS)


def test_keywords_of_a_kept_fit_come_from_the_anonymised_text_and_equal_a_fit_in_the_stage(named_workspace, embedder):
    """After the fit, the topics stage describes its topics from the anonymised text only: the name
    the original text gives a topic is no keyword or label (it would be from the original text); and
    the tables equal those of a stage that fits itself."""
    from copquotes.topics import fitted
    from copquotes.topics.stage import run_fit

    ws = named_workspace
    run_fit(ws, progress=False, embedder=embedder)
    with ws.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO anon(unit_id, text) SELECT unit_id, replace(text, ?, '[PERSON]')"
                     " FROM units", (NAME,))
    kept = topics_run(ws, progress=False, figures=False, embedder=embedder)
    assert kept["fit"] == "topics_fit stage" and kept["embedded"] == 0
    tables = _topic_tables(ws)
    shown = " ".join(k + " " + label for _, label, k, *_ in tables[1]).lower()
    assert shown.strip() and NAME.lower() not in shown
    # the check can fail: described from the original text, the same fit names him
    ids, _ = fitted.units(ws)
    _, model = fitted.load(ws, fitted.key(fitted.units(ws)[1], 2, {}, embedder, STAGES["topics_fit"].version), ids, {})
    original = dict(ws.conn.execute("SELECT unit_id, text FROM units"))
    model.describe(lambda rows: [original[ids[i]] for i in rows])
    assert NAME.lower() in " ".join(" ".join(k) for k in model.keywords_.values())
    fitted.remove(ws)
    here = topics_run(ws, progress=False, figures=False, embedder=embedder)
    assert here["fit"] == "fitted here" and _topic_tables(ws) == tables


@pytest.mark.parametrize("fit_options, run_options, reused", [
    ({}, {}, True),
    ({}, {"min_topic_size": 4}, False),
    ({"min_words": 3}, {}, False),
    ({"min_topic_size": 4}, {"min_topic_size": 4}, True),
])
def test_the_stage_takes_a_kept_fit_only_for_the_settings_it_was_made_with(named_workspace, embedder, fit_options,
                                                                         run_options, reused):
    from copquotes.topics.stage import run_fit

    ws = named_workspace
    _anonymised_as_written(ws)
    run_fit(ws, progress=False, embedder=embedder, **fit_options)
    summary = topics_run(ws, progress=False, figures=False, embedder=embedder, **run_options)
    assert (summary["fit"] == "topics_fit stage") is reused


def test_stage_writes_unit_topics_and_topic_info(stage_workspace):
    ws, first, _ = stage_workspace
    n = ws.n_units()
    ut = pd.read_sql_query("SELECT * FROM unit_topics", ws.conn)
    info = pd.read_sql_query("SELECT * FROM topic_info", ws.conn)
    assert len(ut) == n == len(TEXTS) + 1
    assert info["size"].sum() == n
    assert set(ut["topic"]) == set(info["topic"])
    assert 3 <= first["topics"] <= 10 and first["outlier_share"] < 0.4
    short = ut.merge(ws.units_frame()[["unit_id", "text"]])
    yeah = short[short["text"] == "Yeah."].iloc[0]
    assert yeah["topic"] == -1 and pd.isna(yeah["x"])
    for r in info[info["topic"] != -1].itertuples():
        reps = json.loads(r.representative_json)
        assert reps and set(ut.set_index("unit_id").loc[reps, "topic"]) == {r.topic}
        assert json.loads(r.keywords_json)


def test_stage_second_run_embeds_nothing_and_gives_the_same_topics(stage_workspace):
    ws, first, second = stage_workspace
    assert first["embedded"] == len(TEXTS)
    assert second["embedded"] == 0
    assert first["topics"] == second["topics"] and first["outlier_share"] == second["outlier_share"]


def test_stage_leaves_theme_labels_alone_and_draws_pictures(stage_workspace):
    ws, first, _ = stage_workspace
    themes = themescores.frame(ws).groupby("theme").size().reset_index(name="n")
    assert dict(zip(themes["theme"], themes["n"])) == {g: 25 for g in GROUPS}
    names = {Path(p).name for p in first["figures"]}
    assert {"topics.html", "topic_map.png", "theme_map.png", "topic_sizes.png", "theme_prevalence.png",
            "topics_over_time.png"} <= names
    assert all(Path(p).parent == ws.path / "figures" and Path(p).exists() for p in first["figures"])


def test_tables_from_workspace_give_every_researcher_table(stage_workspace):
    ws, _, _ = stage_workspace
    tabs = tables_from_workspace(ws)
    assert set(tabs) == {"topic_info", "topic_theme", "topic_theme_share", "topic_by_group", "topic_by_year",
                         "topic_by_source_kind", "topics_over_time", "theme_prevalence", "theme_differences"}
    tt = tabs["topic_theme"]
    assert set(GROUPS) <= set(tt.columns) and tt["units"].sum() == ws.n_units()
    assert list(tabs["topic_by_group"].columns[1:4]) == ["Early career", "RRE", "Regional"]


def _map(sizes: dict[int, int]) -> pd.DataFrame:
    topics = [t for t, n in sizes.items() for _ in range(n)]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(topics))
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(topics))], "topic": np.array(topics)[order],
                         "x": rng.random(len(topics)), "y": rng.random(len(topics))})


@pytest.mark.parametrize("sizes, n, expect", [
    ({0: 30, 1: 20}, 100, {0: 30, 1: 20}),                 # at most n: every unit
    ({-1: 500, 0: 300, 1: 200}, 100, {-1: 50, 0: 30, 1: 20}),  # in proportion
    ({0: 950, 1: 40, 2: 10}, 100, {0: 95, 1: 20, 2: 10}),  # a small topic keeps MIN_MAP_POINTS, or all of it
])
def test_the_interactive_map_draws_a_seeded_proportional_sample_above_its_size(sizes, n, expect):
    from copquotes.topics.figures import map_sample

    mf = _map(sizes)
    got = map_sample(mf, n)
    assert got["topic"].value_counts().to_dict() == expect
    assert list(got.index) == sorted(got.index)                       # in the frame's order
    assert got.equals(map_sample(mf, n))                              # seeded
    assert got.attrs.get("units", len(mf)) == len(mf)


def test_a_sampled_map_says_of_how_many_units_in_its_title():
    from copquotes.topics.figures import map_sample, topic_map_figure

    mf = _map({0: 600, 1: 400}).assign(topic_label="", theme="(none)")
    assert topic_map_figure(map_sample(mf, 100)).layout.title.text.endswith("(a sample of 100 of the 1,000 units)")
    assert "sample" not in topic_map_figure(mf).layout.title.text


def test_the_theme_map_samples_by_theme_and_keeps_the_whole_maps_colour_order():
    # small themes spread over large topics are all drawn, and two themes of nearly the same size
    # keep the order (so the colours) they have in the PNG, which draws every unit
    from copquotes.topics.figures import _ordered_groups, map_sample, topic_map_figure

    mf = _map({0: 3000, 1: 2000})
    themes = ["a"] * 2000 + ["b"] * 1995 + [f"small{k}" for k in range(10) for _ in range(4)]
    mf["theme"] = themes + ["(none)"] * (len(mf) - len(themes))
    mf["topic_label"] = ""
    got = map_sample(mf, 500, key="theme")
    assert set(got["theme"]) == set(mf["theme"])
    assert got.attrs["groups"]["theme"] == _ordered_groups(mf, "theme")
    fig = topic_map_figure(got, "theme")
    assert [t.name for t in fig.data][:2] == ["a", "b"]
