"""ThemeTagger: zero-shot from the codebook, learning from labels, evidence, artifacts, stage."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from copquotes import themescores
from copquotes.text import sentence_spans
from sklearn.base import clone

from copquotes.errors import ConfigError
from copquotes.themes import Codebook, ThemeTagger, tag_texts
from copquotes.themes import run as tag_stage
from copquotes.types import Unit
from copquotes.unitparts import sentence_theme_rows
from sources import Reading, Src


@pytest.fixture(scope="module")
def tagger(embedder):
    from copquotes.themes import default_tagger

    return default_tagger(embedder=embedder)   # the shipped artifact when it matches the codebook


# Written for these tests (not codebook examples, not labelled-set texts).
CLEAR = [
    ("After a year of constant disclosures I was completely drained and the sessions gave me my energy back.", "wellbeing"),
    ("As the only family violence prevention officer in our shire I have nobody to talk shop with.", "isolation"),
    ("A group of fathers started a petition saying the consent lessons were indoctrination.", "backlash"),
    ("Swapping lesson plans and evaluation templates with the other schools was gold.", "peer_learning"),
    ("I now have a network of contacts in councils right across the region.", "connection"),
]


@pytest.mark.parametrize("text, theme", CLEAR)
def test_zero_shot_finds_clear_themes(tagger, text, theme):
    P = tagger.predict_proba([text])[0]
    j = tagger.theme_ids_.index(theme)
    assert tagger.predict([text])[0, j] == 1
    assert P[j] == P.max()


@pytest.mark.parametrize("text", ["Can you all see my screen?", "The next session is moved to Thursday at 3pm."])
def test_logistics_gets_no_theme(tagger, text):
    assert tagger.predict([text]).sum() == 0


def test_shapes_and_fitted_attributes(tagger):
    P = tagger.predict_proba(["one text", "another text about burnout"])
    assert P.shape == (2, 9) and np.all((P >= 0) & (P <= 1))
    assert tagger.predict(["x"]).dtype == np.int8
    assert tagger.thresholds_.shape == (9,)
    assert list(tagger.predict_frame(["x"]).columns) == tagger.theme_ids_
    assert tagger.predict_proba([]).shape == (0, 9)


def test_sentence_max_pooling_and_explain(tagger):
    text = ("Thanks for the reminder about the room change. "
            "Honestly, I'm the only prevention worker in my whole organisation, so this group is my lifeline.")
    ev = tagger.explain(text)
    assert "isolation" in ev
    assert ev["isolation"]["text"].startswith("Honestly, I'm the only prevention worker")
    assert text[ev["isolation"]["start"]:ev["isolation"]["end"]] == ev["isolation"]["text"]
    sents = tagger.predict_sentences([text])[0]
    assert len(sents) == 2
    j = tagger.theme_ids_.index("isolation")
    best_sentence = max(s["scores"]["isolation"] for s in sents)
    assert tagger.predict_proba([text])[0, j] >= best_sentence - tagger.sentence_margin - 1e-4


@pytest.mark.parametrize("margin", [0.0, 0.05, 0.3])
def test_sentence_margin_sets_how_far_a_sentence_lifts_its_unit(tagger, margin):
    text = ("Thanks for the reminder about the room change. "
            "Honestly, I'm the only prevention worker in my whole organisation, so this group is my lifeline.")
    t = copy.copy(tagger).set_params(sentence_margin=margin)  # same fitted heads, other pooling rule
    unit = copy.copy(tagger).set_params(pooling="unit")
    pu = unit.predict_proba([text])[0]
    best = np.max([[s["scores"][th] for th in t.theme_ids_] for s in t.predict_sentences([text])[0]], axis=0)
    np.testing.assert_allclose(t.predict_proba([text])[0], np.maximum(pu, best - margin), atol=1e-4)


def test_estimator_contract(tagger, embedder):
    params = tagger.get_params()
    assert params["random_state"] == 0 and "codebook" in params
    other = clone(tagger)
    assert not other.is_fitted()
    other.set_params(C=0.5, lexicon=False, embedder=embedder)
    assert other.get_params()["C"] == 0.5
    other.fit()
    assert other.is_fitted() and other.predict_proba(["x"]).shape == (1, 9)
    with pytest.raises(ConfigError, match="not fitted"):
        ThemeTagger(embedder=embedder).predict(["x"])


@pytest.mark.parametrize("params", [{"method": "magic"}, {"pooling": "sum"}, {"threshold": "auto"}, {"C": 0},
                                    {"sentence_margin": 1.5}, {"method": "finetune"}, {"knn_weight": 1.5},
                                    {"knn_k": 0}, {"knn_k": 2.5}, {"knn_scale": 0}])
def test_bad_params_raise_config_error(embedder, params):
    with pytest.raises(ConfigError):
        ThemeTagger(embedder=embedder, **params).fit()


def test_knn_blend_is_the_stated_mix_of_the_two_scores(tagger):
    from copquotes.themes.tagger import _knn_scores

    assert "knn" in tagger.heads_ and tagger.knn_weight > 0
    texts = [t for t, _ in CLEAR] + ["Can you all see my screen?"]
    unit = copy.copy(tagger).set_params(pooling="unit")        # same fitted heads, no sentence pooling
    lr_only = copy.copy(unit).set_params(knn_weight=0.0)
    emb = tagger._get_embedder().encode(texts)
    knn = _knn_scores(emb, tagger.heads_["knn"], tagger.knn_k, tagger.knn_scale)
    assert knn.shape == (len(texts), 9) and np.all((knn > 0) & (knn < 1))
    w = tagger.knn_weight
    np.testing.assert_allclose(unit.predict_proba(texts), (1 - w) * lr_only.predict_proba(texts) + w * knn, atol=1e-5)
    # the nearest-example score alone already points at the right theme for clear texts
    for i, (_, theme) in enumerate(CLEAR):
        assert tagger.theme_ids_[int(np.argmax(knn[i]))] == theme


def test_knn_scores_by_hand():
    from copquotes.themes.tagger import _knn_memory, _knn_scores

    E = np.eye(4, dtype=np.float32)                             # 4 examples, orthogonal
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]], dtype=float)  # a, a+b, b, none
    mem = _knn_memory(E, Y, np.zeros(4, dtype=int))
    x = np.array([[1.0, 0, 0, 0]], dtype=np.float32)           # identical to the first 'a' example
    s = _knn_scores(x, mem, k=1, scale=10.0)[0]
    assert s[0] == pytest.approx(1 / (1 + np.exp(-10.0)))      # nearest 'a' = 1, nearest non-'a' = 0
    assert s[1] == pytest.approx(1 / (1 + np.exp(10.0)))       # nearest 'b' = 0, nearest non-'b' = 1
    s2 = _knn_scores(x, mem, k=2, scale=10.0)[0]
    assert s2[0] == pytest.approx(1 / (1 + np.exp(-10.0 * 0.5)))  # mean of (1, 0) minus mean of (0, 0)


def test_artifacts_saved_before_knn_load_and_score_as_before(tagger, embedder, tmp_path):
    import joblib

    old = copy.deepcopy(tagger)
    old.heads_ = {k: v for k, v in old.heads_.items() if k != "knn"}
    for k in ("knn_weight", "knn_k", "knn_scale"):
        del old.__dict__[k]
    old.embedder = None
    path = tmp_path / "old.joblib"
    joblib.dump({"format": "copquotes-theme-tagger", "artifact_version": 1, "codebook_name": "x",
                 "codebook_version": "2", "codebook_fingerprint": "f", "embedding_model": embedder.key,
                 "params": {}, "estimator": old}, path)
    loaded = ThemeTagger.load(path, embedder=embedder)
    assert loaded.get_params()["knn_weight"] == 0.0
    lr_only = copy.copy(tagger).set_params(knn_weight=0.0)
    texts = [t for t, _ in CLEAR]
    np.testing.assert_allclose(loaded.predict_proba(texts), lr_only.predict_proba(texts), atol=1e-6)


def test_tag_stage_is_stale_after_the_codebook_changes(tmp_path):
    from copquotes.pipeline import fingerprint
    from copquotes.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    try:
        before, quotes_before = fingerprint(ws, "tag"), fingerprint(ws, "quotes")
        assert fingerprint(ws, "tag") == before
        mine = tmp_path / "mine.yaml"
        mine.write_text("version: 1\nthemes:\n  - id: a\n    examples: [x]\nnone: [y]\n")
        ws.set_config("codebook", str(mine))
        first = fingerprint(ws, "tag")
        assert first != before
        mine.write_text("version: 2\nthemes:\n  - id: a\n    examples: [x, z]\nnone: [y]\n")
        assert fingerprint(ws, "tag") != first
        assert fingerprint(ws, "quotes") != quotes_before          # downstream stages follow
    finally:
        ws.close()


def test_save_and_load_round_trip(tagger, embedder, tmp_path):
    path = tagger.save(tmp_path / "t.joblib")
    loaded = ThemeTagger.load(path, embedder=embedder)
    texts = [t for t, _ in CLEAR]
    np.testing.assert_allclose(loaded.predict_proba(texts), tagger.predict_proba(texts), atol=1e-6)
    assert loaded.codebook_.version == tagger.codebook_.version
    assert loaded.codebook_fingerprint_ == Codebook.load().fingerprint()
    (tmp_path / "junk.joblib").write_bytes(b"not a tagger")
    with pytest.raises(ConfigError):
        ThemeTagger.load(tmp_path / "junk.joblib")


CUSTOM = {
    "version": 1,
    "themes": [
        {"id": "parking", "examples": ["Parking was impossible.", "The car park is too small.",
                                       "I had to park miles away.", "Parking fees are too high."]},
        {"id": "food", "examples": ["The food was cold.", "Lunch was delicious.", "More vegetarian options please.",
                                    "The tea was lovely."]},
    ],
    "none": {"examples": ["The nurse was kind.", "I waited two hours.", "Good service overall."]},
}


def test_any_codebook_works(embedder):
    t = ThemeTagger(codebook=Codebook.from_dict(CUSTOM), embedder=embedder).fit()
    L = t.predict(["We couldn't find anywhere to leave the car.", "The sandwiches were stale."])
    assert t.theme_ids_ == ["parking", "food"]
    assert L.tolist() == [[1, 0], [0, 1]]
    assert tag_texts(["the car park was full"], codebook=Codebook.from_dict(CUSTOM))[0]["labels"] == ["parking"]


def test_learns_from_labelled_examples(embedder):
    cb = Codebook.from_labels(["kites", "other"])
    X = [f"I flew my kite {w}" for w in ("today", "at the beach", "in the park", "with my son", "in strong wind",
                                         "on a hill", "after school", "all weekend")]
    X += [f"The meeting {w}" for w in ("ran late", "was boring", "started on time", "had coffee", "was online",
                                       "was cancelled", "got moved", "was short")]
    Y = [["kites"]] * 8 + [["other"]] * 8
    t = ThemeTagger(codebook=cb, embedder=embedder, lexicon=False, codebook_weight=0).fit(X, Y)
    assert t.n_labelled_ == 16
    assert t.predict(["A red kite high above the sand dunes"]).tolist() == [[1, 0]]
    # unknown labels (NaN) leave a row out for that theme only
    Yn = np.array([[1, np.nan]] * 4 + [[1, 0]] * 4 + [[0, 1]] * 8, dtype=float)
    t2 = ThemeTagger(codebook=cb, embedder=embedder, lexicon=False, codebook_weight=0).fit(X, Yn)
    assert t2.predict_proba(["kite flying at dusk"])[0, 0] > 0.5
    with pytest.raises(ConfigError, match="no (positive|negative) example"):
        ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0).fit(X[:8], [["kites"]] * 8)
    with pytest.raises(ConfigError, match="label rows"):
        ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0).fit(X, Y[:3])


def test_tag_texts_format(embedder, tmp_path):
    out = tag_texts(["I was exhausted and burnt out by term three.", "Can you hear me?"], cache_dir=tmp_path)
    assert [list(r) for r in out] == [["labels", "scores"], ["labels", "scores"]]
    assert out[0]["labels"][0] == "wellbeing"
    assert set(out[0]["scores"]) == set(Codebook.load().ids)
    assert out[1]["labels"] == []
    assert tag_texts([], cache_dir=tmp_path) == []


# ----------------------------------------------------------------------------- the stage
def _reader(source):
    lines = Path(source.path).read_text().splitlines()
    return Reading((Unit(file=str(source.path), position=i, text=t, source_kind="survey", consent=True,
                         speaker_role="respondent") for i, t in enumerate(lines)), [])


STAGE_TEXTS = [
    "The room was cold. I'm the only prevention worker in my town, and the group made me feel less alone.",
    "Parents complained that we were pushing an agenda.",
    "See you next month.",
]


def test_stage_writes_unit_and_sentence_themes_and_learns_from_reviewers(tmp_path):
    from copquotes.workspace import Workspace

    f = tmp_path / "answers.txt"
    f.write_text("\n".join(STAGE_TEXTS))
    ws = Workspace.create(tmp_path / "ws")
    try:
        ws.ingest([Src(f)], read=_reader, progress=False)
        summary = tag_stage(ws, progress=False)
        assert summary["units"] == 3 and summary["sentences"] == 4
        assert (tmp_path / "ws" / "embeddings" / "embeddings.sqlite").exists()
        text = dict(ws.conn.execute("SELECT unit_id, text FROM units"))
        rows = [(text[u], *rest) for u, *rest in themescores.sorted_rows(ws)]
        assert len(rows) == 3 * 9
        on = {(r[0][:10], r[1]) for r in rows if r[3]}
        assert ("The room w", "isolation") in on and ("Parents co", "backlash") in on
        assert not any(k[0] == "See you ne" for k in on)
        ev = [r[4] for r in rows if r[0].startswith("The room") and r[1] == "isolation"][0]
        assert ev == 1                                  # the second sentence carries it
        assert len(sentence_theme_rows(ws)) == 4 * 9    # in a Parquet part beside the database
        assert ws.conn.execute("SELECT COUNT(*) FROM sentence_themes").fetchone()[0] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0] == 4
        # a reviewer says the logistics line is about connection: the tagger learns from it
        uid = ws.conn.execute("SELECT unit_id FROM units WHERE text LIKE 'See you%'").fetchone()[0]
        before = next(s for t, s, _, _ in themescores.rows(ws, [uid])[uid] if t == "connection")
        with ws.transaction() as c:
            c.execute("INSERT INTO theme_labels(unit_id, theme, label, reviewer, at) VALUES (?,?,?,?,?)",
                      (uid, "connection", 1, "rev", "2025-01-01T00:00:00"))
        summary2 = tag_stage(ws, progress=False)
        assert summary2["reviewer_labelled_units"] == 1
        cb = Codebook.load()
        examples = {e for t in cb for e in t.examples} | set(cb.none_examples)
        pieces = set()                                  # the embedder embeds each distinct sentence
        for e in examples:
            sp = sentence_spans(e)
            pieces.update([e] if len(sp) <= 1 else [e[a:b] for a, b in sp])
        # refitting embeds the codebook's examples once; no unit or sentence is embedded again
        assert summary2["embeddings_computed"] == len(pieces)
        after = next(s for t, s, _, _ in themescores.rows(ws, [uid])[uid] if t == "connection")
        assert after > before
    finally:
        ws.close()


def test_stage_scores_only_new_units_while_the_tagger_is_unchanged(tmp_path):
    from copquotes.workspace import Workspace

    f, g = tmp_path / "answers.txt", tmp_path / "more.txt"
    f.write_text("\n".join(STAGE_TEXTS))
    g.write_text("Hearing the others made me realise it was the system, not me.")
    ws = Workspace.create(tmp_path / "ws")

    def scores():
        return themescores.sorted_rows(ws)

    try:
        ws.ingest([Src(f)], read=_reader, progress=False)
        assert tag_stage(ws, progress=False)["scored_units"] == 3
        ws.ingest([Src(f), Src(g)], read=_reader, progress=False)
        second = tag_stage(ws, progress=False)
        assert second["incremental"] and second["scored_units"] == 1 and second["units"] == 4
        incremental = scores()
        ws.set_config("tag.tagger_identity", "another tagger")   # e.g. a new codebook: all re-scored
        third = tag_stage(ws, progress=False)
        assert not third["incremental"] and third["scored_units"] == 4
        for a, b in zip(scores(), incremental):
            assert a[:2] == b[:2] and a[2] == pytest.approx(b[2], abs=1e-6) and a[3:] == b[3:]
    finally:
        ws.close()


def test_stage_scored_in_chunks_writes_the_rows_of_one_pass(tmp_path, monkeypatch):
    """The stage scores SCORE_CHUNK units at a time (memory flat as the units grow): chunks of
    two units write the rows and sentences one pass over every unit writes, the same labels and
    evidence, and scores equal but for the last float32 bits (the BLAS multiplies a few rows with
    other kernels; from 100 units a chunk, the 3,000-unit benchmark corpus scored in chunks gave
    every row identical to the bit, and the stage never scores fewer than SCORE_CHUNK at once)."""
    from copquotes.embed import run as embed_stage
    from copquotes.themes import api
    from copquotes.workspace import Workspace

    f = tmp_path / "answers.txt"
    f.write_text("\n".join(STAGE_TEXTS + ["Hearing the others made me realise it was the system, not me.",
                                          "We swapped plans. Then we met again. It helped."]))

    def tables(ws):
        return [themescores.sorted_rows(ws), sentence_theme_rows(ws),
                sorted(tuple(r) for r in ws.conn.execute("SELECT * FROM sentences"))]

    got = []
    for score_chunk, write_chunk in ((10_000, 1000), (2, 1)):
        monkeypatch.setattr(api, "SCORE_CHUNK", score_chunk)
        monkeypatch.setattr(api, "WRITE_CHUNK", write_chunk)
        ws = Workspace.create(tmp_path / f"ws{score_chunk}")
        try:
            ws.ingest([Src(f)], read=_reader, progress=False)
            embed_stage(ws, progress=False)      # as in the pipeline: the vectors come from the cache
            summary = tag_stage(ws, progress=False)
            assert summary["scored_units"] == 5 and summary["sentences"] == 8
            got.append(tables(ws))
        finally:
            ws.close()
    assert got[0][0] and got[0][2] and got[0][2] == got[1][2]
    for one, chunked in zip(got[0][:2], got[1][:2]):
        assert len(one) == len(chunked)
        for a, b in zip(one, chunked):
            key = 2 if len(a) == 5 else 3                   # unit_themes: (unit, theme, score, label, evidence)
            assert a[:key] == b[:key] and a[key + 1:] == b[key + 1:] and a[key] == pytest.approx(b[key], abs=1e-6)


def test_stage_chunks_have_no_small_tail(monkeypatch):
    from copquotes.themes import api

    monkeypatch.setattr(api, "SCORE_CHUNK", 1000)
    ids = [f"u{i:05d}" for i in range(2999)]
    chunks = api._score_chunks(ids)
    assert [len(c) for c in chunks] == [1499, 1500] and sum(chunks, []) == ids
    assert api._score_chunks(ids[:999]) == [ids[:999]] and api._score_chunks([]) == []
    assert [len(c) for c in api._score_chunks(ids[:2000])] == [1000, 1000]


def test_embed_stage_fills_the_cache_once(tmp_path):
    from copquotes.embed import run as embed_stage
    from copquotes.workspace import Workspace

    f = tmp_path / "answers.txt"
    f.write_text("\n".join(STAGE_TEXTS))
    ws = Workspace.create(tmp_path / "ws")
    try:
        ws.ingest([Src(f)], read=_reader, progress=False)
        first = embed_stage(ws, progress=False)
        # 3 units + the 2 sentences of the first; the first unit's vector is pooled from its
        # sentences, so 4 forward passes
        assert first["texts"] == 5 and first["computed"] == 4
        second = embed_stage(ws, progress=False)
        # every text was ensured by the first run: none is split into sentences again
        assert second["computed"] == 0 and second["ensured_before"] == second["cached"] == 5
    finally:
        ws.close()


def test_shipped_artifact_matches_the_shipped_codebook(embedder):
    """Fails when models/codebook.yaml or the defaults change without rebuilding the artifact
    (run copquotes.themes.api.build_default_artifact())."""
    from copquotes.themes import default_artifact_path
    from copquotes.themes.api import _tunable

    t = ThemeTagger.load(default_artifact_path(), embedder=embedder)
    assert t.codebook_fingerprint_ == Codebook.load().fingerprint()
    assert _tunable(t.get_params()) == _tunable(ThemeTagger().get_params())
    assert t.embedding_model_ == embedder.key


def test_cli_tag_and_evaluate_tags_contract(tmp_path, capsys):
    import json

    from copquotes.cli import main

    f = tmp_path / "in.txt"
    f.write_text("\n".join(t for t, _ in CLEAR) + "\n")
    assert main(["-q", "tag", str(f)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == len(CLEAR)
    ids = Codebook.load().ids
    for line, (_, theme) in zip(out, CLEAR):
        rec = json.loads(line)
        assert set(rec) == {"labels", "scores"}
        assert list(rec["scores"]) == ids and rec["labels"][0] == theme
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"text": t, "labels": [th]}) + "\n" for t, th in CLEAR)
                    + json.dumps({"text": "Can you all see my screen?", "labels": []}) + "\n")
    assert main(["-q", "evaluate", "tags", "--gold", str(gold), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["codebook"]["version"] == "3" and res["micro_f1"] > 0.5
    assert set(res["mission"]) >= {"micro_f1", "macro_f1"}


def test_no_knn_memory_unless_every_theme_has_codebook_examples():
    from copquotes.themes.tagger import _knn_memory

    E = np.eye(3, dtype=np.float32)
    Y = np.array([[1, 0], [0, 1], [0, 0]], dtype=float)
    assert _knn_memory(E, Y, np.array([0, 0, 1])) is not None
    assert _knn_memory(E, Y, np.array([2, 2, 2])) is None          # labelled texts only (Codebook.from_labels)
    assert _knn_memory(E, Y, np.array([0, 2, 1])) is None          # theme 2 has no codebook example


def test_tagger_identity_depends_on_the_codebook_content_not_on_how_it_was_read():
    import json

    import yaml

    from copquotes.themes.api import default_tagger, tagger_identity
    from copquotes.themes.codebook import default_codebook_path

    p = default_codebook_path()
    read = [Codebook.load(),  # libyaml's loader
            Codebook.from_dict(yaml.safe_load(p.read_text(encoding="utf-8")), source=str(p)),
            Codebook.from_dict(json.loads(json.dumps(Codebook.load().to_dict())), source="copy")]
    ids = {tagger_identity(default_tagger(cb)) for cb in read}
    assert len(ids) == 1 and None not in ids
    other = Codebook.load().to_dict()
    other["themes"][0]["definition"] += " Also more."
    assert tagger_identity(default_tagger(Codebook.from_dict(other, source="edited"))) not in ids
