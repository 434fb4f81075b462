"""Blending cross-fitted fine-tuned taggers: several runs' encoders averaged, one decision rule.

A :class:`~copquotes.experimental.tagger.FineTunedThemeTagger` fitted with ``folds`` scores every
labelled text with the encoders that did not train on it (``validation_``). Runs fitted on the same labelled texts,
with the same linear head, can therefore be averaged and still be judged out of fold, even when
their encoders, fold counts or learning rates differ: :func:`choose_blend` averages their
out-of-fold scores (weighted per run) and chooses the fine-tuned weight and the threshold exactly
as :meth:`FineTunedThemeTagger.fit` does for one run; :func:`blend_taggers` returns the blended,
fitted estimator. ``benchmarks/research/tagging_px.py --only pxblend16`` computes its pxtextmining
blends with :func:`choose_blend` from the runs' saved scores.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import ConfigError
from .tagger import MIX_WEIGHTS, FineTunedThemeTagger, choose_mix


@dataclass(frozen=True)
class Blend:
    """The decision rule chosen for a blend: ``weight * finetuned + (1 - weight) * linear >= thresholds``."""

    finetuned: np.ndarray        # the runs' out-of-fold fine-tuned scores, averaged with ``run_weights``
    run_weights: tuple           # one per run, summing to 1
    weight: float                # of the fine-tuned part
    thresholds: np.ndarray       # one per theme
    micro_f1: float              # out of fold, at ``weight``
    micro_f1_by_weight: dict     # {weight: out-of-fold micro-F1} for every weight tried


def _run_weights(n: int, weights) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ConfigError(f"blend weights must be {n} non-negative numbers (one per run) with a positive sum, "
                          f"not {weights!r}")
    return w / w.sum()


def choose_blend(oof_finetuned: Sequence[np.ndarray], oof_linear: np.ndarray, Y: np.ndarray, weights=None,
                 tagger=None, mix_weights: Sequence[float] = MIX_WEIGHTS) -> Blend:
    """Average the runs' out-of-fold fine-tuned scores (``weights``: one per run, e.g. ``[1, 1, 3]``;
    None = equal) and choose the fine-tuned weight and thresholds on them, as ``tagger`` would
    (a ThemeTagger: its ``threshold`` rule; default ``ThemeTagger(threshold="global")``)."""
    from ..themes.tagger import ThemeTagger

    if not len(oof_finetuned):
        raise ConfigError("a blend needs at least one run's out-of-fold scores")
    Y = np.asarray(Y, dtype=float)
    lin = np.asarray(oof_linear, dtype=np.float64)
    parts = [np.asarray(P, dtype=np.float64) for P in oof_finetuned]
    if any(P.shape != Y.shape for P in parts) or lin.shape != Y.shape:
        raise ConfigError(f"every run's out-of-fold scores must have the labels' shape {Y.shape}: "
                          "blend runs fitted on the same labelled texts and themes")
    rw = _run_weights(len(parts), weights)
    P_ft = np.sum([w * P for w, P in zip(rw, parts)], axis=0)
    t = tagger if tagger is not None else ThemeTagger(threshold="global")
    w, table = choose_mix(t, P_ft, lin, Y, mix_weights)
    return Blend(finetuned=P_ft, run_weights=tuple(float(x) for x in rw), weight=float(w),
                 thresholds=np.asarray(table[w][0]), micro_f1=round(float(table[w][1]), 4),
                 micro_f1_by_weight={float(k): round(float(v[1]), 4) for k, v in table.items()})


def blend_taggers(taggers: Sequence, weights=None, mix_weights: Sequence[float] = MIX_WEIGHTS):
    """One fitted tagger from several cross-fitted fine-tuned runs on the same labelled texts.

    Each run is a :class:`~copquotes.experimental.tagger.FineTunedThemeTagger` fitted with
    ``folds`` (so every labelled text has out-of-fold scores), the same codebook and
    the same linear head (its out-of-fold scores must agree). ``weights``: one per run (None =
    equal); a run's encoders share its weight. The fine-tuned weight and the thresholds are chosen
    on the blended out-of-fold scores (:func:`choose_blend`). The result keeps the first run's
    linear head and parameters (refitting it refits that run alone) and records the blend in
    ``blend_``.
    """
    from .finetune import FineTunedEnsemble

    taggers = list(taggers)
    if not taggers:
        raise ConfigError("blend_taggers needs at least one fitted tagger")
    for i, t in enumerate(taggers):
        V = getattr(t, "validation_", None)
        if not isinstance(t, FineTunedThemeTagger) or V is None:
            raise ConfigError(f"run {i + 1} is not a fitted FineTunedThemeTagger: fit it first")
        if V.get("folds") is None:
            raise ConfigError(f"run {i + 1} was fitted with a validation slice, not folds: its "
                              "encoders have no out-of-fold score for every labelled text; refit it with "
                              "folds")
    V0, first = taggers[0].validation_, taggers[0]
    for i, t in enumerate(taggers[1:], start=2):
        V = t.validation_
        if list(t.theme_ids_) != list(first.theme_ids_):
            raise ConfigError(f"run {i} has other themes than run 1: blend runs of the same codebook")
        if not (np.array_equal(V["rows"], V0["rows"]) and np.array_equal(np.nan_to_num(V["Y"], nan=-1),
                                                                         np.nan_to_num(V0["Y"], nan=-1))):
            raise ConfigError(f"run {i} was fitted on other labelled texts than run 1: blend runs of the same data")
        if not np.allclose(V["linear"], V0["linear"], atol=1e-5):
            raise ConfigError(f"run {i}'s linear head differs from run 1's (its out-of-fold scores disagree): "
                              "blend runs with the same head, features and cv_folds")
    b = choose_blend([t.validation_["finetuned"] for t in taggers], V0["linear"], V0["Y"], weights,
                     tagger=first.tagger_, mix_weights=mix_weights)
    members, member_w = [], []
    for t, rw in zip(taggers, b.run_weights):
        ft = t.finetuned_
        ms = list(getattr(ft, "members", [ft]))
        inner = getattr(ft, "weights", None) or [1.0 / len(ms)] * len(ms)
        members += ms
        member_w += [rw * w for w in inner]
    out = copy.copy(first)
    base = copy.copy(first.tagger_)
    base.heads_ = dict(first.tagger_.heads_)
    out._set_fitted(base, FineTunedEnsemble(members, member_w), b.weight, b.thresholds)
    by_w = b.micro_f1_by_weight
    out.validation_ = {**V0, "finetuned": b.finetuned.astype(np.float32), "micro_f1": by_w,
                       "linear_micro_f1": by_w.get(0.0), "finetuned_micro_f1": by_w.get(1.0)}
    out.blend_ = {"runs": len(taggers), "run_weights": list(b.run_weights), "encoders": len(members),
                  "folds": [t.validation_["folds"] for t in taggers], "weight": b.weight,
                  "micro_f1": b.micro_f1}
    return out
