"""Topics above the fitting sample, read a chunk at a time: the same result as the whole arrays.

``TopicModel.fit_rows`` (texts and embeddings read on demand) against ``TopicModel.fit`` (all of
them passed at once), and the ``topics`` stage (which reads the workspace through ``fit_rows``)
against the stage's former whole-array computation, on 160 texts of which 40 are fitted: real
embeddings, real UMAP and HDBSCAN.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from copquotes import themescores
from copquotes.text import word_count
from copquotes.topics import OUTLIER, TopicModel
from copquotes.topics import run as topics_run
from copquotes.topics.labels import phrase_labels
from test_topics import TEXTS, _reader
from sources import Src

OFF_TOPIC = [  # far from every group: outliers, whose representatives are read in a second pass
    "The quarterly invoice total came to four thousand dollars.", "Photosynthesis turns light into sugar.",
    "Tokyo is the capital of Japan.", "tokyo is  the capital of Japan.", "The tide tables are printed weekly.",
    "My cat sleeps on the printer.", "Volcanic ash grounded the flights.", "The recipe needs two eggs.",
    "Chess openings take years to learn.", "The bridge was painted red in 1937.",
]
CORPUS = TEXTS + OFF_TOPIC
SAMPLE = 40
OPTIONS = {"max_fit_units": SAMPLE}


class Reader:
    """Rows of a corpus held here (the test's stand-in for the workspace and its cache is the
    data itself), recording how many rows each call asked for."""

    def __init__(self, texts, E):
        self.texts, self.E, self.calls = texts, E, []

    def __call__(self, rows):
        self.calls.append(len(rows))
        return [self.texts[i] for i in rows], self.E[rows]


@pytest.fixture(scope="module")
def both(embedder):
    E = embedder.encode(CORPUS)
    whole = TopicModel(**OPTIONS).fit(CORPUS, E)
    reader = Reader(CORPUS, E)
    rows = TopicModel(**OPTIONS).fit_rows(len(CORPUS), reader, chunk=7)
    return whole, rows, reader


def test_the_corpus_is_above_the_sample_and_has_topics_and_outliers(both):
    whole, rows, _ = both
    assert whole.degenerate_ is None and rows.degenerate_ is None
    assert whole.params_["n_fit"] == SAMPLE < len(CORPUS)
    assert whole.n_topics_ >= 2 and (whole.topics_ == OUTLIER).sum() >= 3
    assert (whole.assigned_by_ == "nearest").sum() > 0


def test_fit_rows_reads_the_sample_then_bounded_chunks(both):
    _, rows, reader = both
    assert reader.calls[0] == SAMPLE
    assert max(reader.calls[1:]) <= 7
    assert sum(reader.calls[1:]) >= len(CORPUS) - SAMPLE


def test_fit_rows_gives_what_fit_gives(both):
    whole, rows, _ = both
    np.testing.assert_array_equal(rows.topics_, whole.topics_)
    np.testing.assert_array_equal(rows.assigned_by_, whole.assigned_by_)
    np.testing.assert_allclose(rows.probs_, whole.probs_, atol=1e-6)
    # float32 map positions (up to ~15): chunks of 7 rows compare in other matrix-product shapes
    # than one block of all rows, which moves the last float32 bit (~1e-6 relative)
    np.testing.assert_allclose(rows.map_2d_, whole.map_2d_, rtol=1e-5, atol=1e-6)
    assert rows.topic_ids_ == whole.topic_ids_
    np.testing.assert_allclose(rows.topic_embeddings_, whole.topic_embeddings_, atol=1e-6)
    assert rows.representative_ == whole.representative_
    assert rows.keywords_ == whole.keywords_ and rows.labels_ == whole.labels_
    assert rows.params_ == whole.params_
    pd.testing.assert_frame_equal(rows.topic_info_, whole.topic_info_)


def test_fit_rows_up_to_the_sample_is_fit(embedder):
    E = embedder.encode(TEXTS[:60])
    reader = Reader(TEXTS[:60], E)
    a = TopicModel(max_fit_units=100).fit_rows(60, reader)
    b = TopicModel(max_fit_units=100).fit(TEXTS[:60], E)
    assert reader.calls == [60]
    np.testing.assert_array_equal(a.topics_, b.topics_)
    pd.testing.assert_frame_equal(a.topic_info_, b.topic_info_)


# ----------------------------------------------------------------------------- the stage
def _whole_array_stage(ws, embedder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """unit_topics and topic_info as the stage computed them before it read chunks: every unit's
    texts in one frame, every embedding in one array, ``TopicModel.fit`` over them."""
    units = ws.units_frame(with_anon=True)
    raw = units["text"].tolist()
    kw = [a if isinstance(a, str) else r for a, r in zip(units["anon_text"], raw)]
    fit_idx = np.flatnonzero([word_count(t) >= 2 for t in raw])
    model = TopicModel(**OPTIONS).fit([kw[i] for i in fit_idx], embedder.encode([raw[i] for i in fit_idx]))
    ids = units["unit_id"].tolist()
    topics = np.full(len(ids), OUTLIER)
    topics[fit_idx] = model.topics_
    ut = pd.DataFrame({"unit_id": ids, "topic": topics, "prob": np.nan, "x": np.nan, "y": np.nan})
    ut.loc[fit_idx, "prob"] = model.probs_
    ut.loc[fit_idx, "x"], ut.loc[fit_idx, "y"] = model.map_2d_[:, 0], model.map_2d_[:, 1]
    docs = {t: [kw[fit_idx[j]] for j in np.flatnonzero(model.topics_ == t)] for t in model.topic_ids_}
    phrases = phrase_labels(docs, dict(zip(model.topic_ids_, model.topic_embeddings_)),
                            lambda ph: embedder.encode(ph, progress=False))
    sizes = pd.Series(topics).value_counts()
    info = pd.DataFrame([{"topic": int(r.topic), "label": phrases.get(int(r.topic)) or r.label,
                          "keywords": list(r.keywords), "size": int(sizes[r.topic]),
                          "representative": [ids[fit_idx[j]] for j in r.representative]}
                         for r in model.topic_info_.itertuples()])
    return ut.sort_values("unit_id").reset_index(drop=True), info.sort_values("topic").reset_index(drop=True)


@pytest.fixture(scope="module")
def stage_ws(tmp_path_factory, embedder):
    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("topics_rows_ws")
    rows = [{"text": t, "group": "RRE", "year": "2024", "kind": "survey"} for t in CORPUS]
    rows[5:5] = [{"text": "Yeah.", "group": "RRE", "year": "2024", "kind": "survey"}]
    (root / "units.json").write_text(json.dumps(rows))
    ws = Workspace.open(root / "ws", create=True)
    ws.ingest([Src(root / "units.json")], read=_reader, progress=False)
    units = ws.units_frame()
    with ws.transaction() as conn:   # anonymised text differing from the text in every third unit: keywords come from it
        conn.executemany("INSERT INTO anon(unit_id, text) VALUES (?, ?)",
                         [(u, t.replace("I ", "[name] ") if i % 3 == 0 else t)
                          for i, (u, t) in enumerate(zip(units["unit_id"], units["text"]))])
        # theme labels: "unused" is carried by no unit (its rows all say 0)
        themescores.write(ws, [(u, th, (i % 7) / 7, int(on), None) for i, u in enumerate(units["unit_id"])
                               for th, on in (("peer", i % 2 == 0), ("wellbeing", i % 5 == 0), ("unused", False))])
    summary = topics_run(ws, progress=False, embedder=embedder, figures=False, **OPTIONS)
    yield ws, summary
    ws.close()


def test_stage_above_the_sample_writes_what_the_whole_arrays_give(stage_ws, embedder):
    ws, summary = stage_ws
    assert summary["fitted_units"] == len(CORPUS) and summary["params"]["n_fit"] == SAMPLE
    ut = pd.read_sql_query("SELECT unit_id, topic, prob, x, y FROM unit_topics ORDER BY unit_id", ws.conn)
    info = pd.read_sql_query("SELECT * FROM topic_info ORDER BY topic", ws.conn)
    info["keywords"] = info.pop("keywords_json").map(json.loads)
    info["representative"] = info.pop("representative_json").map(json.loads)
    want_ut, want_info = _whole_array_stage(ws, embedder)
    assert len(ut) == ws.n_units() == len(CORPUS) + 1
    pd.testing.assert_frame_equal(ut[["unit_id", "topic"]], want_ut[["unit_id", "topic"]])
    np.testing.assert_allclose(ut[["prob", "x", "y"]].to_numpy(float), want_ut[["prob", "x", "y"]].to_numpy(float),
                               rtol=1e-5, atol=1e-6)
    assert ut["x"].isna().sum() == 1                        # "Yeah." is not fitted: no position
    pd.testing.assert_frame_equal(info[["topic", "label", "keywords", "size", "representative"]], want_info)
    assert any("[name]" not in r for r in info["label"])


def test_pictures_read_the_workspace_lean_and_draw_the_same_frames(stage_ws):
    from copquotes.topics.figures import build_frames
    from copquotes.topics.tables import read_workspace

    ws, _ = stage_ws
    full, lean = read_workspace(ws), read_workspace(ws, lean=True)
    assert "text" not in lean["units"].columns and set(lean["unit_themes"]["label"]) == {1}
    assert lean["themes"] == ["peer", "unused", "wellbeing"]
    want, got = build_frames(full), build_frames(lean)
    assert set(got) == set(want) == {"topic_info", "map", "theme_prevalence", "topics_over_time"}
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name])
    assert set(got["theme_prevalence"]["theme"]) == {"peer", "unused", "wellbeing"}
