"""ThemeTagger with labelled data: linear-SVM heads, Platt calibration, character n-grams, a global threshold."""
from __future__ import annotations

import numpy as np
import pytest

from copquotes.errors import ConfigError
from copquotes.themes import Codebook, ThemeTagger

# Written for these tests: three themes, some texts carry two of them.
PARKING = [f"The car park at the clinic was full again {w}." for w in (
    "on Monday", "this morning", "at noon", "all week", "when I arrived", "for my scan", "at visiting time",
    "so I was late", "and the meter was broken", "and there was nowhere to stop", "as usual", "yesterday")]
FOOD = [f"The hospital food was cold and bland {w}." for w in (
    "at lunch", "every evening", "on the ward", "most days", "after surgery", "for my mother", "again",
    "at breakfast", "and the tea was weak", "with no choice", "on Sunday", "all stay")]
STAFF = [f"The nurses were kind and patient with me {w}." for w in (
    "at night", "after the operation", "when I was scared", "every shift", "on the ward", "throughout",
    "in recovery", "at discharge", "and explained everything", "when my family called", "always", "today")]
BOTH = ["The nurses were lovely but the car park was full and I was late.",
        "Kind nurses, cold food.", "The staff were patient even though the food was cold.",
        "Parking was full and the food was bland.", "Lovely caring nurses; parking a nightmare.",
        "The nurse helped me find a parking space when the car park was full."]
BOTH_Y = [[1, 0, 1], [0, 1, 1], [0, 1, 1], [1, 1, 0], [1, 0, 1], [1, 0, 1]]


def _data():
    X = PARKING + FOOD + STAFF + BOTH
    Y = [[1, 0, 0]] * 12 + [[0, 1, 0]] * 12 + [[0, 0, 1]] * 12 + BOTH_Y
    return X, np.array(Y, dtype=float)


@pytest.fixture(scope="module")
def svc_tagger(embedder):
    X, Y = _data()
    cb = Codebook.from_labels(["parking", "food", "staff"])
    return ThemeTagger(codebook=cb, embedder=embedder, lexicon=False, pooling="unit", codebook_weight=0.0,
                       tfidf=True, char_ngrams=True, head="svc", C=0.5, class_weight=None,
                       threshold="global", cv_folds=3).fit(X, Y)


def test_svc_heads_are_calibrated_and_share_one_threshold(svc_tagger):
    t = svc_tagger
    platt = t.heads_["platt"]
    assert platt.shape == (3, 2) and np.all(platt[:, 0] > 0)       # higher decision value -> higher probability
    assert np.ptp(t.thresholds_) == 0 and 0.05 <= t.thresholds_[0] <= 0.95
    assert t.char_tfidf_ is not None
    probe = ["The car park was full and I could not find a space.", "Dinner was cold and tasteless.",
             "The nurses were so patient and kind to me.", "The food was cold but the nurses were kind."]
    P = t.predict_proba(probe)
    assert np.all((P >= 0) & (P <= 1))
    assert P[:3].argmax(1).tolist() == [0, 1, 2]
    assert t.predict(probe)[2:].tolist() == [[0, 0, 1], [0, 1, 1]]   # one theme; two themes


def test_svc_tagger_round_trips(svc_tagger, embedder, tmp_path):
    probe = ["Parking was impossible.", "Kind staff."]
    loaded = ThemeTagger.load(svc_tagger.save(tmp_path / "svc.joblib"), embedder=embedder)
    np.testing.assert_allclose(loaded.predict_proba(probe), svc_tagger.predict_proba(probe), atol=1e-6)


def test_character_ngrams_catch_a_misspelling(embedder):
    # word TF-IDF alone has never seen "parkng"; character n-grams share most of it with "parking"
    X, Y = _data()
    cb = Codebook.from_labels(["parking", "food", "staff"])
    kw = dict(codebook=cb, embedder=embedder, lexicon=False, pooling="unit", codebook_weight=0.0, tfidf=True,
              head="svc", C=0.5, class_weight=None, threshold="fixed", base_threshold=0.5, cv_folds=3)
    with_char = ThemeTagger(char_ngrams=True, **kw).fit(X, Y)
    F = with_char._features(["parkng"], with_char._get_embedder().encode(["parkng"]))
    assert F.shape[1] > 384 + len(with_char.tfidf_.vocabulary_)   # the character block is there
    assert with_char.tfidf_.transform(["parkng"]).nnz == 0 and with_char.char_tfidf_.transform(["parkng"]).nnz > 0


def test_global_threshold_maximises_micro_f1():
    t = ThemeTagger(threshold="global")
    # theme 0 is separable at 0.6; theme 1 at 0.3: the one threshold that serves both best is in between
    oof = np.array([[0.9, 0.4], [0.7, 0.35], [0.55, 0.1], [0.2, 0.2], [0.65, 0.32], [0.1, 0.05]])
    Y = np.array([[1, 1], [1, 1], [0, 0], [0, 0], [1, 1], [0, 0]], dtype=float)
    kinds = np.full(len(Y), 2)
    th = t._tune_thresholds(oof, Y, kinds)
    assert np.ptp(th) == 0 and 0.2 < th[0] <= 0.32   # every positive in, every negative out
    assert th[0] == pytest.approx(0.26, abs=0.011)   # ties: the middle of the best range
    per_theme = ThemeTagger(threshold="cv")._tune_thresholds(oof, Y, kinds)
    assert per_theme[0] > per_theme[1]


@pytest.mark.parametrize("bad", [dict(head="tree"), dict(threshold="median"), dict(calibrate="yes")])
def test_bad_supervised_options_are_refused(bad, embedder):
    X, Y = _data()
    with pytest.raises(ConfigError):
        ThemeTagger(codebook=Codebook.from_labels(["parking", "food", "staff"]), embedder=embedder,
                    codebook_weight=0.0, **bad).fit(X, Y)
