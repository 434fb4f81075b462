"""Blending cross-fitted fine-tuned taggers (copquotes.experimental.blend): tiny real fine-tunes."""
from __future__ import annotations

import numpy as np
import pytest

from copquotes.errors import ConfigError
from copquotes.experimental import FineTunedThemeTagger
from copquotes.experimental.blend import MIX_WEIGHTS, blend_taggers, choose_blend
from copquotes.experimental.finetune import FineTunedEncoder, FineTunedEnsemble
from copquotes.experimental.tagger import choose_mix
from copquotes.themes import Codebook, ThemeTagger

# Written for these tests (not codebook examples, not labelled-set texts).
PARK = [f"The parking at site {i} was impossible and the car park far too small." for i in range(12)]
FOOD = [f"Lunch number {i} was cold and there were no vegetarian options at all." for i in range(12)]
BOTH = [f"Day {i}: no parking spaces, and the sandwiches were stale again." for i in range(6)]
TEXTS = (PARK + FOOD + BOTH) * 4
Y = np.vstack([np.array([[1, 0]] * 12 + [[0, 1]] * 12 + [[1, 1]] * 6, dtype=float)] * 4)
PROBE = ["Parking was a nightmare again.", "The sandwiches were stale.", "ok"]
KW = dict(codebook_weight=0.0, lexicon=False, pooling="unit", tfidf=True, head="svc", C=0.25,
          class_weight=None, threshold="global", cv_folds=3, random_state=0)


def _run(cb, embedder, folds, params):
    return FineTunedThemeTagger(ThemeTagger(codebook=cb, embedder=embedder, **KW), epochs=1, weight="auto",
                                folds=folds, params=params)


@pytest.fixture(scope="module")
def runs(embedder):
    """Two runs on the same texts and SVM with different encoders' settings and fold counts."""
    cb = Codebook.from_labels(["parking", "food"], name="blend-test")
    a = _run(cb, embedder, 2, {"batch_size": 16, "lr_encoder": 1e-4}).fit(TEXTS, Y)
    b = _run(cb, embedder, 3, {"batch_size": 8, "lr_encoder": 5e-5}).fit(TEXTS, Y)
    return a, b


def test_blend_averages_the_runs_out_of_fold_scores_with_their_weights_and_chooses_as_one_run_would(runs):
    a, b = runs
    t = blend_taggers([a, b], weights=[1, 3])
    V = t.validation_
    np.testing.assert_allclose(V["finetuned"], 0.25 * a.validation_["finetuned"] + 0.75 * b.validation_["finetuned"],
                               atol=1e-6)
    # the same choice of weight and thresholds as a single run makes (choose_mix)
    w, table = choose_mix(a.tagger_, V["finetuned"], a.validation_["linear"], a.validation_["Y"], MIX_WEIGHTS)
    assert t.weight_ == w and np.array_equal(t.thresholds_, table[w][0])
    assert t.blend_["encoders"] == 5 and t.blend_["folds"] == [2, 3] and t.blend_["run_weights"] == [0.25, 0.75]
    # its encoders: a's two at 1/4 between them, b's three at 3/4 between them
    ens = t.finetuned_
    assert t.tagger_.heads_["extra"] == (w, ens)
    assert isinstance(ens, FineTunedEnsemble) and len(ens.members) == 5
    np.testing.assert_allclose(ens.weights, [0.125, 0.125, 0.25, 0.25, 0.25])
    want = 0.25 * a.finetuned_.predict_proba(PROBE) + 0.75 * b.finetuned_.predict_proba(PROBE)
    np.testing.assert_allclose(ens.predict_proba(PROBE), want, atol=1e-5)
    P = t.predict_proba(PROBE)
    np.testing.assert_allclose(P, w * want + (1 - w) * _linear_only(a).predict_proba(PROBE), atol=1e-5)
    assert P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0]
    # the runs themselves are left as they were
    assert len(a.finetuned_.members) == 2 and not hasattr(a, "blend_")
    assert a.finetuned_.weights is None and a.tagger_.heads_["extra"][1] is a.finetuned_


def _linear_only(t):
    """A copy of a fitted tagger that scores with its linear head alone."""
    import copy

    c = copy.copy(t.tagger_)
    c.heads_ = {k: v for k, v in t.tagger_.heads_.items() if k != "extra"}
    return c


def test_a_blended_tagger_saves_and_loads(runs, embedder, tmp_path):
    t = blend_taggers(list(runs))
    loaded = FineTunedThemeTagger.load(t.save(tmp_path / "blend.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(PROBE), t.predict_proba(PROBE), atol=1e-5)
    assert loaded.blend_ == t.blend_


def test_one_run_blended_alone_keeps_its_own_decision(runs):
    a, _ = runs
    t = blend_taggers([a])
    assert t.weight_ == a.weight_
    np.testing.assert_allclose(t.thresholds_, a.thresholds_)
    np.testing.assert_allclose(t.predict_proba(PROBE), a.predict_proba(PROBE), atol=1e-5)


def test_choose_blend_equal_weights_by_default_and_rejects_mismatched_shapes():
    rng = np.random.default_rng(0)
    Yb = (rng.random((40, 3)) < 0.3).astype(float)
    P1, P2, L = rng.random((40, 3)), rng.random((40, 3)), rng.random((40, 3))
    b = choose_blend([P1, P2], L, Yb)
    np.testing.assert_allclose(b.finetuned, (P1 + P2) / 2)
    assert b.run_weights == (0.5, 0.5) and b.weight in b.micro_f1_by_weight and b.thresholds.shape == (3,)
    assert b.micro_f1 == max(b.micro_f1_by_weight.values())
    with pytest.raises(ConfigError, match="shape"):
        choose_blend([P1, P2[:30]], L, Yb)


@pytest.mark.parametrize("weights", [[1], [1, -1], [0, 0], [1, float("nan")]])
def test_bad_blend_weights_raise_config_error(weights):
    rng = np.random.default_rng(1)
    P = rng.random((10, 2))
    with pytest.raises(ConfigError, match="weights"):
        choose_blend([P, P], P, (P > 0.5).astype(float), weights)


def test_blend_refuses_runs_that_cannot_be_judged_out_of_fold(runs, embedder):
    a, _ = runs
    cb = Codebook.from_labels(["parking", "food"], name="blend-test")
    with pytest.raises(ConfigError, match="at least one"):
        blend_taggers([])
    logreg = ThemeTagger(codebook=cb, embedder=embedder, codebook_weight=0.0, lexicon=False).fit(TEXTS, Y)
    with pytest.raises(ConfigError, match="not a fitted FineTunedThemeTagger"):
        blend_taggers([a, logreg])
    # a run fitted on other texts: a's own record of its labelled texts, with rows and labels of fewer
    # texts (a real refit on TEXTS[:90] took 40-90 s and checked nothing more)
    import copy

    other_data = copy.copy(a)
    other_data.validation_ = {**a.validation_, "rows": a.validation_["rows"][:90], "Y": a.validation_["Y"][:90]}
    with pytest.raises(ConfigError, match="other labelled texts"):
        blend_taggers([a, other_data])
    relabelled = copy.copy(a)
    relabelled.validation_ = {**a.validation_, "Y": 1 - a.validation_["Y"]}
    with pytest.raises(ConfigError, match="other labelled texts"):
        blend_taggers([a, relabelled])


def test_weighted_ensemble_rejects_a_weight_per_member_mismatch():
    enc = FineTunedEncoder(2, epochs=1, batch_size=8, random_state=0, progress=False)
    with pytest.raises(ConfigError, match="one non-negative weight per member"):
        FineTunedEnsemble([enc, enc], [1.0])
