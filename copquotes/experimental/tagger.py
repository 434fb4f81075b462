"""FineTunedThemeTagger: a ThemeTagger's linear heads averaged with encoders fine-tuned end to end.

Research, not product: the CLI, the ``tag`` stage and the app use :class:`ThemeTagger` alone. This
estimator wraps one (as scikit-learn's ``CalibratedClassifierCV`` wraps an estimator): it fits the
wrapped tagger's features and linear heads on all the data, fine-tunes sentence encoders
(:class:`~copquotes.experimental.finetune.FineTunedEncoder`) on the labelled texts, and chooses the
weight of the fine-tuned part and the thresholds on held-out rows. The fitted tagger (``tagger_``)
is an ordinary ``ThemeTagger`` whose scores mix in the fine-tuned part, so ``tag``, ``explain``,
pooling and ``save`` work as for any tagger. Figures and the rounds that led here:
docs/research/tagging-log.md.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from ..errors import ConfigError
from ..themes.tagger import ThemeTagger

log = logging.getLogger(__name__)

MIN_FINETUNE = 50  # labelled texts fine-tuning needs at the very least (~1,000 to pay off)
MIX_WEIGHTS = tuple(float(w) for w in np.round(np.linspace(0.0, 1.0, 11), 2))  # tried when weight="auto"
ARTIFACT_FORMAT = "copquotes-finetuned-theme-tagger"
_RESERVED = ("n_labels", "epochs", "random_state", "time_budget", "train_layers")


def micro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    """Micro-F1 of 0/1 predictions ``P`` against labels ``Y`` (NaN = unknown, ignored)."""
    ok = ~np.isnan(Y)
    y = (Y == 1) & ok
    p = P.astype(bool) & ok
    tp = np.sum(p & y)
    return float(2 * tp / (np.sum(p) + np.sum(y))) if tp else 0.0


def decide_mix(tagger: ThemeTagger, P_ft, P_lin, Y, w):
    """Thresholds for ``w * P_ft + (1 - w) * P_lin`` on labelled rows ``Y`` by ``tagger``'s
    ``threshold`` rule, and their micro-F1."""
    ens = w * P_ft + (1 - w) * P_lin
    th = (np.full(Y.shape[1], float(tagger.base_threshold)) if tagger.threshold == "fixed"
          else tagger._tune_thresholds(ens, Y, np.full(len(Y), 2)))
    return th, micro_f1(Y, ens >= th[None, :])


def choose_mix(tagger: ThemeTagger, P_ft, P_lin, Y, weights):
    """The weight of the fine-tuned part with the best micro-F1 (ties: nearer an even mix), and
    {weight: (thresholds, micro-F1)} for every weight tried."""
    table = {float(w): decide_mix(tagger, P_ft, P_lin, Y, w) for w in weights}
    return max(table, key=lambda k: (round(table[k][1], 9), -abs(k - 0.5))), table


class FineTunedThemeTagger(BaseEstimator):
    """A :class:`ThemeTagger` (``method="logreg"``) plus fine-tuned encoders, averaged.

    Parameters
    ----------
    tagger: the unfitted ThemeTagger whose parameters give the linear heads (``head``, ``tfidf``,
        ``char_ngrams``, ``C``, ``calibrate``, ``threshold``, ``cv_folds``, ``random_state``, ...);
        ``None`` = ``ThemeTagger()``. It is not modified: a copy is fitted (``tagger_``).
    epochs: at most this many epochs per encoder; the best epoch on its held-out rows is kept.
    weight: weight of the fine-tuned part (1.0 = it alone) or ``"auto"`` (the best of 0, 0.1, ..., 1
        on the held-out rows).
    val: the share of the labelled texts held out of the fine-tuning when ``folds`` is None (not out
        of the linear heads, whose out-of-fold scores stand in for them there).
    folds: an int >= 2: cross-fitted fine-tuning instead of one held-out slice: one encoder per fold,
        fitted without it (its best epoch chosen on it); weight and thresholds are chosen on the
        out-of-fold scores of every labelled text and the encoders are averaged (``folds`` times
        the training time and the artifact size).
    budget: seconds of training at most per encoder (None = no limit).
    layers: train only the top N encoder layers (None = all).
    params: options of :class:`~copquotes.experimental.finetune.FineTunedEncoder`, e.g.
        ``{"lr_encoder": 1e-4, "batch_size": 16}``; ``params["model_path"]``: the encoder to start
        from (a folder written by ``FineTunedEncoder.save_encoder``; default the packaged MiniLM),
        or a list of them: then one encoder per start is fitted on each slice or fold (same split
        and seed) and all are averaged.

    Fitted attributes: ``tagger_`` (the fitted ThemeTagger, scoring with the mix), ``finetuned_``
    (the encoder or ensemble), ``weight_``, ``thresholds_``, ``validation_`` (held-out scores).
    """

    def __init__(self, tagger=None, epochs: int = 3, weight=0.5, val: float = 0.15, folds=None, budget=None,
                 layers=None, params=None):
        self.tagger = tagger
        self.epochs = epochs
        self.weight = weight
        self.val = val
        self.folds = folds
        self.budget = budget
        self.layers = layers
        self.params = params

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        if not 0.0 < float(self.val) < 0.5:
            raise ConfigError(f"val must be between 0 and 0.5, not {self.val!r}")
        auto = isinstance(self.weight, str)
        if (auto and self.weight != "auto") or (not auto and not 0.0 <= float(self.weight) <= 1.0):
            raise ConfigError(f"weight must be between 0 and 1 or 'auto', not {self.weight!r}")
        opts = dict(self.params or {})
        for k in _RESERVED:
            if k in opts:
                raise ConfigError(f"params cannot set {k!r}: it comes from the fine-tuned tagger's own parameters")
        starts = opts.pop("model_path", None)
        starts = list(starts) if isinstance(starts, (list, tuple)) else [starts]
        if not starts or not all(p is None or isinstance(p, (str, os.PathLike)) for p in starts):
            raise ConfigError("params['model_path'] must be a folder, None (the packaged MiniLM) or a "
                              f"non-empty list of them, not {(self.params or {}).get('model_path')!r}")
        return opts, starts, (list(MIX_WEIGHTS) if auto else [float(self.weight)])

    def _check_folds(self, n_labelled: int):
        folds = self.folds
        if folds is not None and (isinstance(folds, bool) or not isinstance(folds, (int, np.integer))
                                  or not 2 <= int(folds) <= n_labelled // 10):
            raise ConfigError(f"folds must be None or an int between 2 and a tenth of the labelled "
                              f"texts ({n_labelled // 10}), not {folds!r}")

    def _base(self) -> ThemeTagger:
        base = self.tagger if self.tagger is not None else ThemeTagger()
        if not isinstance(base, ThemeTagger) or base.method != "logreg":
            raise ConfigError("FineTunedThemeTagger wraps a ThemeTagger with method='logreg'")
        return ThemeTagger(**base.get_params())   # a copy sharing the embedder (clone would deep-copy it)

    # ------------------------------------------------------------------ fit
    def fit(self, X: Sequence[str], Y, sample_weight=None) -> "FineTunedThemeTagger":
        """Fit the wrapped tagger's heads and the encoders on labelled texts ``X`` / labels ``Y``
        (as :meth:`ThemeTagger.fit`; the codebook's examples join the linear heads' data only)."""
        base = self._base()
        opts, starts, weights = self._check_params()
        if X is None:
            raise ConfigError("fine-tuning needs labelled texts: call fit(texts, labels)")
        data = base._prepare_fit(X, Y, sample_weight)
        texts, F, emb, Ymat, W, kinds = data.texts, data.F, data.emb, data.Y, data.W, data.kinds
        lab = np.flatnonzero(kinds == 2)
        if len(lab) < MIN_FINETUNE:
            raise ConfigError(f"fine-tuning needs at least {MIN_FINETUNE} labelled texts "
                              f"(got {len(lab)}): use ThemeTagger alone or label more texts")
        self._check_folds(len(lab))
        # the linear heads on all the data; their out-of-fold (calibrated) scores stand in for them
        # on the held-out rows
        base.heads_ = base._fit_heads(F, emb, Ymat, W, kinds)
        oof = base._oof_scores(F, emb, Ymat, W, kinds)
        if base._calibrating():
            oof = base._fit_calibration(oof, emb, Ymat, kinds)
        splits, val = self._splits(lab, base.random_state)
        if np.isnan(oof[val]).any():
            raise ConfigError("too few labelled texts per theme for out-of-fold scores of the held-out rows: "
                              "lower cv_folds or label more texts")
        members, ft_val = self._fit_encoders(base, texts, Ymat, W, oof, splits, val, starts, opts, weights)
        w, table = choose_mix(base, ft_val, oof[val], Ymat[val], weights)
        if len(members) == 1:
            finetuned = members[0]
        else:
            from .finetune import FineTunedEnsemble

            finetuned = FineTunedEnsemble(members)
        self._set_fitted(base, finetuned, w, table[w][0])
        self.validation_ = {"linear": oof[val], "finetuned": ft_val, "Y": Ymat[val], "rows": val,
                            "folds": None if self.folds is None else int(self.folds),
                            "micro_f1": {k: round(v[1], 4) for k, v in table.items()},
                            "linear_micro_f1": round(decide_mix(base, ft_val, oof[val], Ymat[val], 0.0)[1], 4),
                            "finetuned_micro_f1": round(decide_mix(base, ft_val, oof[val], Ymat[val], 1.0)[1], 4)}
        return self

    def _splits(self, lab: np.ndarray, random_state):
        """(train rows, held-out rows) per encoder group, and every held-out row."""
        if self.folds is None:
            rng = np.random.default_rng(random_state)
            val = np.sort(rng.choice(lab, size=max(1, int(round(len(lab) * float(self.val)))), replace=False))
            return [(np.setdiff1d(lab, val), val)], val
        from sklearn.model_selection import KFold

        kf = KFold(int(self.folds), shuffle=True, random_state=random_state)
        return [(lab[a], lab[b]) for a, b in kf.split(lab)], lab

    def _fit_encoders(self, base, texts, Ymat, W, oof, splits, val, starts, opts, weights):
        """One encoder per split and start; their held-out scores (averaged over the starts)."""
        from .finetune import FineTunedEncoder

        def decide(P, w, rows):  # the thresholds for weight w on these rows, and their micro-F1
            return decide_mix(base, P, oof[rows], Ymat[rows], w)

        members, ft_val = [], np.zeros(Ymat[val].shape, dtype=np.float32)
        pos = {r: i for i, r in enumerate(val)}
        for f, (train, held) in enumerate(splits):
            Ph_sum = np.zeros((len(held), Ymat.shape[1]), dtype=np.float64)
            for s, start in enumerate(starts):
                if len(splits) > 1 or len(starts) > 1:
                    log.info("finetune fold %d/%d, start %d/%d: %d texts to train on, %d held out", f + 1,
                             len(splits), s + 1, len(starts), len(train), len(held))
                # every start gets the fold's seed: a start's encoders are those of a run with it alone
                ft = FineTunedEncoder(Ymat.shape[1], epochs=int(self.epochs),
                                      random_state=int(base.random_state or 0) + f, model_path=start,
                                      time_budget=self.budget, train_layers=self.layers, **opts)
                ft.fit([texts[i] for i in train], Ymat[train], sample_weight=W[train],
                       val_texts=[texts[i] for i in held],
                       val_score=lambda P, held=held: max(decide(P, w, held)[1] for w in weights))
                Ph = ft.val_proba_  # its best epoch's, computed during fit
                Ph_sum += ft.predict_proba([texts[i] for i in held]) if Ph is None else Ph
                members.append(ft)
            ft_val[[pos[r] for r in held]] = Ph_sum / len(starts)
        return members, ft_val

    def _set_fitted(self, base: ThemeTagger, finetuned, weight: float, thresholds) -> None:
        base.thresholds_ = np.asarray(thresholds)
        base.heads_["extra"] = (float(weight), finetuned)
        self.tagger_ = base
        self.finetuned_ = finetuned
        self.weight_ = float(weight)

    # ------------------------------------------------------------------ predict (the fitted tagger's)
    def _fitted(self) -> ThemeTagger:
        if not hasattr(self, "tagger_"):
            raise ConfigError("this FineTunedThemeTagger is not fitted: call fit(texts, labels)")
        return self.tagger_

    @property
    def thresholds_(self):
        return self._fitted().thresholds_

    @property
    def theme_ids_(self):
        return self._fitted().theme_ids_

    def set_embedder(self, embedder) -> "FineTunedThemeTagger":
        self._fitted().set_embedder(embedder)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self._fitted().predict_proba(X)

    def decision_matrix(self, P: np.ndarray) -> np.ndarray:
        return self._fitted().decision_matrix(P)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self._fitted().predict(X)

    def tag(self, X: Sequence[str], progress: bool = False) -> list[dict]:
        return self._fitted().tag(X, progress=progress)

    def explain(self, text: str) -> dict:
        return self._fitted().explain(text)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted estimator (encoders' weights included) as a joblib artifact."""
        import joblib

        base = self._fitted()
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        held = [(t, t.embedder, getattr(t, "_embedder", None)) for t in (base, self.tagger) if t is not None]
        try:
            for t, _, _ in held:
                t.embedder, t._embedder = None, None
            joblib.dump({"format": ARTIFACT_FORMAT, "estimator": self}, p, compress=3)
        finally:
            for t, emb, own in held:
                t.embedder, t._embedder = emb, own
        return p

    @classmethod
    def load(cls, path: str | Path, embedder=None) -> "FineTunedThemeTagger":
        import joblib

        p = Path(path)
        blob = joblib.load(p) if p.exists() else None
        if not isinstance(blob, dict) or blob.get("format") != ARTIFACT_FORMAT:
            raise ConfigError(f"{p} is not a fine-tuned tagger artifact: save one with FineTunedThemeTagger.save")
        est = blob["estimator"]
        if embedder is not None:
            est.set_embedder(embedder)
        return est
