"""Fine-tuning all-MiniLM-L6-v2 (copquotes.experimental): tiny real runs, a few steps each."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from copquotes.errors import ConfigError
from copquotes.experimental import FineTunedThemeTagger
from copquotes.experimental.finetune import FineTunedEncoder, length_buckets
from copquotes.themes import Codebook, ThemeTagger

# Written for these tests (not codebook examples, not labelled-set texts).
PARK = [f"The parking at site {i} was impossible and the car park far too small." for i in range(12)]
FOOD = [f"Lunch number {i} was cold and there were no vegetarian options at all." for i in range(12)]
BOTH = [f"Day {i}: no parking spaces, and the sandwiches were stale again." for i in range(6)]
TEXTS = PARK + FOOD + BOTH
Y = np.array([[1, 0]] * 12 + [[0, 1]] * 12 + [[1, 1]] * 6, dtype=float)
PROBE = ["Parking was a nightmare again.", "The sandwiches were stale.", "ok"]


def _encoder(**kw):
    opts = dict(epochs=1, batch_size=8, random_state=0, progress=False)
    opts.update(kw)
    return FineTunedEncoder(2, **opts)


def test_length_buckets_cover_every_index_once_and_group_similar_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 100, size=101)
    batches = length_buckets(lengths, 10, rng)
    assert sorted(np.concatenate(batches).tolist()) == list(range(101))
    assert [len(b) for b in batches].count(1) == 1 and max(len(b) for b in batches) == 10
    spread = np.mean([np.ptp(lengths[b]) for b in batches if len(b) > 1])
    assert spread < 0.25 * np.ptp(lengths)   # a random batch would span most of the range


def test_fit_returns_self_and_probabilities_are_in_range():
    ft = _encoder()
    assert ft.fit(TEXTS, Y) is ft
    assert ft.steps_done_ == 4 and ft.texts_seen_ == len(TEXTS) and ft.epochs_done_ == 1
    assert ft.texts_per_second_ > 0 and len(ft.history_) == 1 and ft.best_epoch_ is None
    P = ft.predict_proba(PROBE)
    assert P.shape == (3, 2) and P.dtype == np.float32 and np.all((P >= 0) & (P <= 1))
    assert ft.predict_proba([]).shape == (0, 2)
    # the word-embedding matrix is frozen by default (its dense gradient is the slow part)
    enc = ft._model["encoder"]
    assert not enc.embeddings.word_embeddings.weight.requires_grad
    assert enc.encoder.layer[0].attention.self.query.weight.requires_grad


def test_same_random_state_same_model_and_pickle_round_trip():
    a = _encoder(random_state=3).fit(TEXTS, Y).predict_proba(PROBE)
    ft = _encoder(random_state=3).fit(TEXTS, Y)
    np.testing.assert_allclose(ft.predict_proba(PROBE), a, atol=1e-6)
    b = _encoder(random_state=4).fit(TEXTS, Y).predict_proba(PROBE)
    assert not np.allclose(a, b, atol=1e-6)
    back = pickle.loads(pickle.dumps(ft))
    assert back._model is None
    np.testing.assert_allclose(back.predict_proba(PROBE), a, atol=1e-5)


def test_best_epoch_is_kept_and_nan_labels_are_masked():
    Yn = Y.copy()
    Yn[:4, 1] = np.nan
    scores = iter([0.9, 0.1])   # the first epoch "validates" best
    ft = _encoder(epochs=2).fit(TEXTS, Yn, val_texts=PROBE[:2], val_score=lambda P: next(scores))
    assert ft.best_epoch_ == 1 and [h["val_score"] for h in ft.history_] == [0.9, 0.1]
    # the kept epoch's validation probabilities are those of the kept weights
    np.testing.assert_allclose(ft.val_proba_, ft.predict_proba(PROBE[:2]), atol=1e-6)
    with pytest.raises(ConfigError, match="val_texts and val_score"):
        _encoder().fit(TEXTS, Y, val_texts=PROBE)


def test_saved_encoder_is_where_a_new_fine_tune_starts(tmp_path):
    with pytest.raises(ConfigError, match="not fitted"):
        _encoder().save_encoder(tmp_path / "never")
    ft = pickle.loads(pickle.dumps(_encoder(random_state=5).fit(TEXTS, Y)))   # also after unpickling
    out = ft.save_encoder(tmp_path / "adapted")
    trained = ft._model["encoder"].state_dict()
    _, start = _encoder(model_path=str(out))._build()
    _, packaged = _encoder()._build()
    layer = "encoder.layer.5.output.dense.weight"
    assert all(np.array_equal(v.numpy(), trained[k].numpy()) for k, v in start["encoder"].state_dict().items())
    assert not np.array_equal(packaged["encoder"].state_dict()[layer].numpy(), trained[layer].numpy())


def test_fitted_encoder_predicts_after_its_start_folder_is_gone(tmp_path):
    start = _encoder(random_state=5).fit(TEXTS, Y).save_encoder(tmp_path / "start")
    ft = _encoder(model_path=str(start)).fit(TEXTS, Y)
    P = ft.predict_proba(PROBE)
    blob = pickle.dumps(ft)
    import shutil

    shutil.rmtree(start)   # a saved tagger must not depend on the folder its encoders started from
    np.testing.assert_allclose(pickle.loads(blob).predict_proba(PROBE), P, atol=1e-5)


def test_an_encoder_without_segment_ids_fine_tunes_from_its_folder(tmp_path):
    # MPNet's forward() takes no token_type_ids; a tiny random one, built here (no download), with
    # the packaged MiniLM's tokenizer (same vocabulary size)
    from transformers import AutoTokenizer, MPNetConfig, MPNetModel

    from copquotes.resources import embedding_model_path

    tok = AutoTokenizer.from_pretrained(str(embedding_model_path()))
    cfg = MPNetConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=64, pad_token_id=tok.pad_token_id)
    MPNetModel(cfg).save_pretrained(tmp_path / "mpnet")
    tok.save_pretrained(tmp_path / "mpnet")
    ft = _encoder(model_path=str(tmp_path / "mpnet")).fit(TEXTS, Y)
    assert type(ft._model["encoder"]).__name__ == "MPNetModel"
    P = ft.predict_proba(PROBE)
    assert P.shape == (3, 2) and np.all((P >= 0) & (P <= 1))
    assert ft.steps_done_ == 4


@pytest.mark.parametrize("kw", [{"epochs": 0}, {"batch_size": 0}, {"max_seq_length": 4}, {"lr_head": 0},
                                {"warmup": 1.0}, {"threads": 0}])
def test_bad_encoder_options_raise_config_error(kw):
    with pytest.raises(ConfigError):
        _encoder(**kw).fit(TEXTS, Y)
    with pytest.raises(ConfigError, match="not fitted"):
        _encoder().predict_proba(PROBE)


def test_tagger_finetune_with_calibrated_svm_and_auto_weight(embedder, tmp_path):
    texts = TEXTS * 2
    Yl = np.vstack([Y, Y])
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    base = ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False, pooling="unit",
                       tfidf=True, head="svc", C=0.25, class_weight=None, threshold="global", cv_folds=3,
                       random_state=0)
    t = FineTunedThemeTagger(base, epochs=1, weight="auto", val=0.2,
                             params={"batch_size": 16, "lr_encoder": 1e-4})
    assert t.fit(texts, Yl) is t
    assert not hasattr(base, "heads_")                          # the wrapped tagger is left unfitted
    ft = t.finetuned_
    assert ft.steps_done_ == 3 and ft.best_epoch_ == 1          # 48 fine-tuning texts, batches of 16
    assert "platt" in t.tagger_.heads_                          # the SVM heads are calibrated
    assert t.weight_ in t.validation_["micro_f1"] and len(t.validation_["micro_f1"]) == 11
    assert len(set(t.thresholds_)) == 1                         # one global threshold
    P = t.predict_proba(PROBE)
    assert P.shape == (3, 2) and np.all((P >= 0) & (P <= 1))
    assert P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0]
    loaded = FineTunedThemeTagger.load(t.save(tmp_path / "ft.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(PROBE), P, atol=1e-5)
    assert (loaded.predict(PROBE) == t.predict(PROBE)).all()
    # the fitted ThemeTagger alone (what tag_texts and the tag stage take) scores the same
    as_tagger = ThemeTagger.load(t.tagger_.save(tmp_path / "ft-tagger.joblib"), embedder=embedder)
    np.testing.assert_allclose(as_tagger.predict_proba(PROBE), P, atol=1e-5)


@pytest.mark.parametrize("kw, match", [({"weight": "best"}, "weight"),
                                       ({"weight": 1.5}, "weight"),
                                       ({"params": {"epochs": 2}}, "params"),
                                       ({"val": 0.6}, "val"),
                                       ({"params": {"model_path": []}}, "model_path"),
                                       ({"params": {"model_path": [None, 3]}}, "model_path")])
def test_tagger_finetune_bad_params(embedder, kw, match):
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    with pytest.raises(ConfigError, match=match):
        FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False),
                             **kw).fit(TEXTS * 2, np.vstack([Y, Y]))


def test_finetune_wraps_only_a_logreg_tagger_and_needs_enough_labelled_texts(embedder):
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    with pytest.raises(ConfigError, match="method='logreg'"):
        FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, method="prototype")).fit(TEXTS * 2,
                                                                                                  np.vstack([Y, Y]))
    with pytest.raises(ConfigError, match="at least"):
        FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0)).fit(TEXTS, Y)
    with pytest.raises(ConfigError, match="not fitted"):
        FineTunedThemeTagger().predict(PROBE)


def test_tagger_finetune_folds_cross_fits_one_encoder_per_fold_and_averages_them(embedder, tmp_path):
    texts = TEXTS * 4
    Yl = np.vstack([Y] * 4)
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    base = ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False, pooling="unit",
                       tfidf=True, head="svc", C=0.25, class_weight=None, threshold="global", cv_folds=3,
                       random_state=0)
    t = FineTunedThemeTagger(base, epochs=1, weight="auto", folds=3,
                             params={"batch_size": 16, "lr_encoder": 1e-4}).fit(texts, Yl)
    ens = t.finetuned_
    assert len(ens.members) == 3
    assert [m.texts_seen_ for m in ens.members] == [80, 80, 80]   # each trained without its fold of 40
    assert [m.random_state for m in ens.members] == [0, 1, 2]
    V = t.validation_
    assert V["folds"] == 3 and sorted(V["rows"].tolist()) == list(range(120))  # every text scored out of fold
    assert V["finetuned"].shape == (120, 2) and np.all(V["finetuned"] > 0)
    from sklearn.model_selection import KFold   # each row scored by the one encoder that did not train on it
    row = {r: i for i, r in enumerate(V["rows"])}
    for m, (_, held) in zip(ens.members, KFold(3, shuffle=True, random_state=0).split(texts)):
        np.testing.assert_allclose(V["finetuned"][[row[r] for r in held]],
                                   m.predict_proba([texts[i] for i in held]), atol=1e-5)
    assert len(set(t.thresholds_)) == 1 and t.weight_ in V["micro_f1"]
    mean = np.mean([m.predict_proba(PROBE) for m in ens.members], axis=0)
    np.testing.assert_allclose(ens.predict_proba(PROBE), mean, atol=1e-6)
    P = t.predict_proba(PROBE)
    assert P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0]
    loaded = FineTunedThemeTagger.load(t.save(tmp_path / "ft5.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(PROBE), P, atol=1e-5)


def test_tagger_finetune_several_starts_fits_one_encoder_per_start_and_fold_and_averages_them(embedder, tmp_path):
    from sklearn.model_selection import KFold

    adapted = str(_encoder(random_state=5).fit(TEXTS, Y).save_encoder(tmp_path / "adapted"))
    texts, Yl = TEXTS * 4, np.vstack([Y] * 4)
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    base = ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False, pooling="unit",
                       tfidf=True, head="svc", C=0.25, class_weight=None, threshold="global", cv_folds=3,
                       random_state=0)
    kw = dict(epochs=1, weight="auto", folds=2)
    params = {"batch_size": 16, "lr_encoder": 1e-4}
    two = FineTunedThemeTagger(base, **kw, params={**params, "model_path": [None, adapted]}).fit(texts, Yl)
    alone = FineTunedThemeTagger(base, **kw, params={**params, "model_path": adapted}).fit(texts, Yl)
    ens = two.finetuned_
    assert [m.model_path for m in ens.members] == [None, adapted, None, adapted]
    assert [m.random_state for m in ens.members] == [0, 0, 1, 1]        # each fold's seed for every start
    for m, m1 in zip(ens.members[1::2], alone.finetuned_.members):   # = the run with that start alone
        np.testing.assert_allclose(m.predict_proba(PROBE), m1.predict_proba(PROBE), atol=1e-5)
    V = two.validation_
    row = {r: i for i, r in enumerate(V["rows"])}
    for f, (_, held) in enumerate(KFold(2, shuffle=True, random_state=0).split(texts)):
        mean = np.mean([m.predict_proba([texts[i] for i in held]) for m in ens.members[2 * f:2 * f + 2]], axis=0)
        np.testing.assert_allclose(V["finetuned"][[row[r] for r in held]], mean, atol=1e-5)   # still out of fold
    np.testing.assert_allclose(ens.predict_proba(PROBE), np.mean([m.predict_proba(PROBE) for m in ens.members], 0),
                               atol=1e-6)
    loaded = FineTunedThemeTagger.load(two.save(tmp_path / "two.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(PROBE), two.predict_proba(PROBE), atol=1e-5)


@pytest.mark.parametrize("folds", [1, True, 2.5, "5", 7])
def test_tagger_finetune_folds_must_be_a_small_int(embedder, folds):
    cb = Codebook.from_labels(["parking", "food"], name="ft-test")
    with pytest.raises(ConfigError, match="folds"):   # 60 labelled texts: at most 6 folds
        FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False),
                             folds=folds).fit(TEXTS * 2, np.vstack([Y, Y]))


def test_finetune_top_layer_one_epoch_trains_the_encoder_and_round_trips(embedder, tmp_path):
    # a tiny real fine-tune (top encoder layer, one epoch) on 60 labelled texts, codebook examples beside them
    cb = Codebook.from_dict({"version": 1, "themes": [
        {"id": "parking", "examples": ["Parking was impossible.", "The car park is too small."]},
        {"id": "food", "examples": ["The food was cold.", "More vegetarian options please."]}],
        "none": {"examples": ["The nurse was kind.", "I waited two hours."]}})
    pos_a = [f"The parking at site {i} was impossible and the car park too small." for i in range(30)]
    pos_b = [f"Lunch number {i} was cold and there were no vegetarian options." for i in range(30)]
    texts = pos_a + pos_b
    Yl = [[1, 0]] * 30 + [[0, 1]] * 30
    t = FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False,
                                         random_state=0), epochs=1, layers=1, val=0.2).fit(texts, Yl)
    ft = t.finetuned_
    assert ft.steps_done_ == 2 and t.validation_["Y"].shape == (12, 2)
    probe = ["Parking was a nightmare again.", "The sandwiches were stale."]
    P = t.predict_proba(probe)
    assert P.shape == (2, 2) and P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0]
    loaded = FineTunedThemeTagger.load(t.save(tmp_path / "ft.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(probe), P, atol=1e-5)
