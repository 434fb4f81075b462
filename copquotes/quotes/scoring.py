"""The quote score: measured parts combined by a small, transparent logistic model.

Two levels, both logistic regressions with **non-negative weights** (every input
is oriented so that higher means more quotable):

* ``quotability`` = sigmoid(b + sum of w_f x feature_f) over the features of
  :mod:`copquotes.quotes.features`;
* ``score`` = sigmoid(b + w_theme x theme + w_q x quotability + w_r x
  representativeness) x safety, where ``safety`` (residual identifiers, risk
  flags) is a fixed multiplicative demotion and the consent gate happens before
  any scoring (a unit without quote consent never becomes a candidate).

The default weights were fitted on ``corpus/labelled/quotes`` (see
``docs/quotes.md`` and ``benchmarks/quotes.py --fit``). Learning from reviewers
refits the same model on approve/reject decisions with an L2 penalty pulling
towards the current weights (a Gaussian prior), so a handful of decisions nudges
the ranking and hundreds of them take it over.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin

from ..errors import ConfigError
from .candidate import speaker_pseudonym
from .candidates import select_non_overlapping
from .features import FEATURES
from .shortlist import representativeness

PARTS = ("theme", "quotability", "representativeness")

# Fitted on corpus/labelled/quotes (all 328 candidate spans, alpha=5, prior = the hand-set
# weights of the first version: every feature 1.0, length 2, evaluative/impact 1.5) with
# `python benchmarks/quotes.py --fit`; the anonymise and tag stages were not available yet,
# so ``theme`` kept its prior weight. See docs/quotes.md for the ablation. ``clean_start`` keeps
# its fitted 0.30, which barely moves a saturated score: a span that cannot stand alone ("And
# ...", "However, ...", a pronoun in the middle of an answer) is demoted by the multiplicative
# :func:`standalone` instead (the labelled set has few of them, so the fit could not see it).
DEFAULT_QUOTABILITY = {
    "intercept": -12.25,
    "length": 2.94, "first_person": 1.08, "evaluative": 1.22, "positive": 0.55, "complete": 0.96,
    "content": 1.21, "impact": 2.25, "programme": 1.04, "memorable": 0.96, "no_fillers": 1.33,
    "no_hedges": 1.29, "no_question": 1.11, "clean_start": 0.30, "no_logistics": 0.94, "no_suggestion": 0.52,
}
DEFAULT_TOP = {"intercept": -3.90, "theme": 2.0, "quotability": 5.13, "representativeness": 0.72}


STANDALONE_FREE = 0.5    # a dangling-opening penalty up to this is left to the clean_start weight


def standalone(clean_start) -> float:
    """The multiplicative demotion of a span that cannot stand alone: 1 for a clean opening or a
    mild one (an "It"/"This" opening an answer: the question is its referent, and an edit can
    say "[The CoP]"); down to 0.5 for a span opening with "And"/"However"/"Yet" or with an
    unresolved pronoun in the middle of an answer (``clean_start`` = 1 - that penalty,
    :func:`copquotes.quotes.features.start_penalty`)."""
    if clean_start is None:
        return 1.0
    pen = 1.0 - float(clean_start)
    return 1.0 - max(0.0, pen - STANDALONE_FREE)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class NonNegLogit(BaseEstimator, ClassifierMixin):
    """Logistic regression with non-negative coefficients and an L2 pull towards a prior.

    Minimises ``sum_i s_i * logloss_i / sum_i s_i + alpha / (2 n) * ||w - prior_coef||^2``
    (``s_i`` = balanced class weights times ``sample_weight``) with L-BFGS-B; the
    intercept is free. ``prior_coef=None`` pulls towards zero (plain ridge).
    """

    def __init__(self, alpha: float = 1.0, prior_coef=None, prior_intercept: float = 0.0,
                 nonneg: bool = True, class_weight: str | None = "balanced", max_iter: int = 500):
        self.alpha = alpha
        self.prior_coef = prior_coef
        self.prior_intercept = prior_intercept
        self.nonneg = nonneg
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float).ravel()
        if X.ndim != 2 or X.shape[0] != y.shape[0]:
            raise ConfigError("NonNegLogit.fit needs X of shape (n, d) and y of length n")
        classes = np.unique(y)
        if len(classes) < 2:
            raise ConfigError("learning quote weights needs both approved and rejected examples")
        self.classes_ = classes
        n, d = X.shape
        sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if self.class_weight == "balanced":
            pos = max(1.0, float((y == 1).sum()))
            neg = max(1.0, float((y == 0).sum()))
            sw = sw * np.where(y == 1, n / (2 * pos), n / (2 * neg))
        total = sw.sum()
        w0 = np.zeros(d) if self.prior_coef is None else np.asarray(self.prior_coef, dtype=float)
        lam = float(self.alpha) / n

        def loss(theta):
            w, b = theta[:-1], theta[-1]
            z = X @ w + b
            ll = np.sum(sw * (np.logaddexp(0.0, z) - y * z)) / total
            reg = 0.5 * lam * np.sum((w - w0) ** 2)
            p = _sigmoid(z)
            g = (sw * (p - y)) / total
            grad_w = X.T @ g + lam * (w - w0)
            return ll + reg, np.append(grad_w, g.sum())

        theta0 = np.append(np.maximum(w0, 0.0) if self.nonneg else w0, float(self.prior_intercept))
        bounds = [(0.0, None) if self.nonneg else (None, None)] * d + [(None, None)]
        res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": self.max_iter})
        self.coef_ = res.x[:-1].copy()
        self.intercept_ = float(res.x[-1])
        self.n_iter_ = int(res.nit)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)


@dataclass(frozen=True)
class Weights:
    """The two weight vectors of the ranker, as plain dicts (stored in the workspace config)."""

    quotability: dict
    top: dict

    def to_json(self) -> str:
        return json.dumps({"quotability": self.quotability, "top": self.top}, sort_keys=True)

    @classmethod
    def from_obj(cls, obj) -> "Weights":
        if isinstance(obj, str):
            obj = json.loads(obj)
        if not isinstance(obj, dict) or "quotability" not in obj or "top" not in obj:
            raise ConfigError("quote weights must be {'quotability': {...}, 'top': {...}}")
        q = {**DEFAULT_QUOTABILITY, **{k: float(v) for k, v in obj["quotability"].items()}}
        t = {**DEFAULT_TOP, **{k: float(v) for k, v in obj["top"].items()}}
        return cls(q, t)

    @classmethod
    def default(cls) -> "Weights":
        return cls(dict(DEFAULT_QUOTABILITY), dict(DEFAULT_TOP))


def _matrix(rows, names) -> np.ndarray:
    """Rows (dicts or a DataFrame) to a float matrix of the named columns; missing -> 0.5."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    out = np.empty((len(rows), len(names)), dtype=float)
    for j, n in enumerate(names):
        col = np.array([r.get(n) for r in rows], dtype=object)
        none = np.equal(col, None)
        col[none] = 0.5
        col = col.astype(float)
        col[np.isnan(col)] = 0.5
        out[:, j] = col
    return out


class QuoteRanker(BaseEstimator):
    """Scores candidate spans from their parts; fit on labelled (1 = publishable) candidates.

    ``X`` rows hold the quotability features (:data:`FEATURES`) plus ``theme`` and
    ``representativeness`` (and optionally ``safety``, default 1). ``weights``
    gives the starting (prior) weights; ``alpha`` how strongly a fit is pulled
    towards them (in pseudo-examples). ``fit`` stores ``weights_``.
    """

    def __init__(self, weights: Weights | None = None, alpha: float = 5.0, use_parts=PARTS,
                 features=FEATURES, random_state: int = 0):
        self.weights = weights
        self.alpha = alpha
        self.use_parts = use_parts
        self.features = features
        self.random_state = random_state

    # -- parts -------------------------------------------------------------------------
    def _w(self) -> Weights:
        return getattr(self, "weights_", None) or self.weights or Weights.default()

    def quotability(self, X) -> np.ndarray:
        w = self._w().quotability
        feats = list(self.features)
        M = _matrix(X, feats)
        z = M @ np.array([w.get(f, 0.0) for f in feats]) + w.get("intercept", 0.0)
        return _sigmoid(z)

    def parts(self, X) -> dict[str, np.ndarray]:
        """``{part: values}`` for every row: theme, quotability, representativeness, safety,
        standalone."""
        rows = X.to_dict("records") if hasattr(X, "to_dict") else list(X)
        q = self.quotability(rows)
        other = _matrix(rows, ["theme", "representativeness", "safety"])
        safety = np.array([1.0 if r.get("safety") is None else float(r["safety"]) for r in rows])
        alone = np.array([standalone(r.get("clean_start")) for r in rows])
        return {"theme": other[:, 0], "quotability": q, "representativeness": other[:, 1], "safety": safety,
                "standalone": alone}

    def score(self, X) -> np.ndarray:
        """The final score in [0, 1] of every row (safety and standalone applied)."""
        p = self.parts(X)
        w = self._w().top
        z = w.get("intercept", 0.0) + sum(w.get(k, 0.0) * p[k] for k in self.use_parts)
        return _sigmoid(z) * p["safety"] * p["standalone"]

    # -- learning ----------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit both levels on labelled rows; the top level sees out-of-fold quotability."""
        rows = X.to_dict("records") if hasattr(X, "to_dict") else list(X)
        y = np.asarray(y, dtype=int)
        prior = self.weights or Weights.default()
        feats = list(self.features)
        M = _matrix(rows, feats)
        q_prior = np.array([prior.quotability.get(f, 0.0) for f in feats])
        qmodel = NonNegLogit(alpha=self.alpha, prior_coef=q_prior,
                             prior_intercept=prior.quotability.get("intercept", 0.0))
        qmodel.fit(M, y, sample_weight)
        # out-of-fold quotability, so the top level does not trust an overfitted part
        rng = np.random.RandomState(self.random_state)
        folds = rng.randint(0, 5, size=len(rows))
        q_oof = np.empty(len(rows))
        for k in range(5):
            tr, te = folds != k, folds == k
            if te.sum() == 0:
                continue
            if len(np.unique(y[tr])) < 2:
                q_oof[te] = _sigmoid(M[te] @ qmodel.coef_ + qmodel.intercept_)
                continue
            m = NonNegLogit(alpha=self.alpha, prior_coef=q_prior,
                            prior_intercept=prior.quotability.get("intercept", 0.0)).fit(
                M[tr], y[tr], None if sample_weight is None else np.asarray(sample_weight)[tr])
            q_oof[te] = _sigmoid(M[te] @ m.coef_ + m.intercept_)
        other = _matrix(rows, ["theme", "representativeness"])
        parts = {"theme": other[:, 0], "quotability": q_oof, "representativeness": other[:, 1]}
        use = list(self.use_parts)
        T = np.column_stack([parts[k] for k in use])
        t_prior = np.array([prior.top.get(k, 0.0) for k in use])
        tmodel = NonNegLogit(alpha=self.alpha, prior_coef=t_prior,
                             prior_intercept=prior.top.get("intercept", 0.0)).fit(T, y, sample_weight)
        qw = {"intercept": round(float(qmodel.intercept_), 4)}
        qw.update({f: round(float(c), 4) for f, c in zip(feats, qmodel.coef_)})
        tw = {"intercept": round(float(tmodel.intercept_), 4)}
        tw.update({k: 0.0 for k in PARTS})
        tw.update({k: round(float(c), 4) for k, c in zip(use, tmodel.coef_)})
        self.weights_ = Weights(qw, tw)
        self.n_train_ = int(len(y))
        return self


def explain(parts: dict, weights: Weights | None = None) -> dict:
    """Each part's contribution to the logit, for the reviewer (``parts_json['contrib']``)."""
    w = (weights or Weights.default()).top
    return {k: round(w.get(k, 0.0) * float(parts[k]), 4) for k in PARTS if k in parts}


# ---------------------------------------------------------------------------------- scoring the candidates
# The parts of each candidate (:class:`copquotes.quotes.candidate.Candidate`) other than its
# safety (:mod:`copquotes.quotes.safety`): themes, representativeness, the score, and the
# best non-overlapping spans per unit.
def _theme_scores(uid: str, n_sent: int, data: dict) -> list[dict] | None:
    st = data["sentence_themes"].get(uid)
    if st:
        per = [dict() for _ in range(n_sent)]
        for idx, theme, score in st:
            if 0 <= idx < n_sent:
                per[idx][theme] = float(score)
        return per
    ut = data["unit_themes"].get(uid)
    if ut:
        d = {theme: float(score) for theme, score in ut}
        return [dict(d) for _ in range(n_sent)]
    return None


def add_themes(cands: list, data: dict, missing: dict) -> list:
    """The candidates with their theme scores (the max over their sentences), from the tag
    stage's tables; ``missing["themes"]`` counts the units that have none."""
    per_unit: dict[str, list | None] = {}
    out = []
    for c in cands:
        uid = c.unit.unit_id
        if uid not in per_unit:
            per_unit[uid] = _theme_scores(uid, c.n_sents, data)
            if per_unit[uid] is None:
                missing["themes"] += 1
        themes, sp = per_unit[uid], c.span
        th: dict[str, float] = {}
        if themes is not None:
            for d in themes[sp.first:sp.last + 1]:
                for k, v in d.items():
                    th[k] = max(th.get(k, 0.0), v)
        out.append(replace(c, themes=th, theme=max(th.values()) if th else None))
    return out


def score_candidates(cands: list, ranker: QuoteRanker, use_representativeness: bool = True):
    """``(scores, parts)`` of the candidates (``use_representativeness=False``: scored without it)."""
    rows = [c.score_row(use_representativeness) for c in cands]
    return ranker.score(rows), ranker.parts(rows)


def select_spans(cands: list, ranker: QuoteRanker) -> list:
    """The best non-overlapping spans of each unit (reviewed spans always kept), scored
    without representativeness (it is measured afterwards, on the chosen spans only)."""
    scores, _ = score_candidates(cands, ranker, use_representativeness=False)
    by_unit: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        by_unit.setdefault(c.unit.unit_id, []).append(i)
    chosen: list[int] = []
    for idx in by_unit.values():
        pinned = [i for i in idx if cands[i].pinned]
        rest = [i for i in idx if not cands[i].pinned
                and not any(cands[i].span.start < cands[p].span.end and cands[p].span.start < cands[i].span.end
                            for p in pinned)]
        keep = select_non_overlapping([cands[i].span for i in rest], [scores[i] for i in rest])
        chosen += pinned + [rest[k] for k in keep]
    return [cands[i] for i in chosen]


def sample_reference(corpus: list[dict], ref_sample: int) -> list[dict]:
    """A seeded sample of at most ``ref_sample`` rows of ``corpus`` (every unit), in its order."""
    ref_idx = np.arange(len(corpus))
    if len(ref_idx) > int(ref_sample):
        ref_idx = np.sort(np.random.RandomState(0).choice(ref_idx, int(ref_sample), replace=False))
    return [corpus[i] for i in ref_idx]


class Reference:
    """What representativeness is measured against: sampled units (rows with ``text``,
    ``speaker_role``, ``path``, ``speaker_key``, ``unit_id``), facilitators and interviewers
    left out; their vectors are encoded once, on first use."""

    def __init__(self, rows: list[dict], embedder):
        self.rows = [r for r in rows if r["speaker_role"] not in ("facilitator", "interviewer")]
        self.embedder = embedder
        self.speakers = [speaker_pseudonym(r["path"], r["speaker_key"], r["unit_id"]) for r in self.rows]
        self._vecs = None

    def vectors(self, dim: int) -> np.ndarray:
        if self._vecs is None:
            self._vecs = (np.asarray(self.embedder.encode([r["text"] for r in self.rows]), dtype=np.float32)
                          if self.rows else np.zeros((0, dim), dtype=np.float32))
        return self._vecs


def with_representativeness(cands: list, reference: Reference) -> list:
    """The candidates with their representativeness: how typical each span is of what other
    speakers said (the ``reference`` units), over the embedder's own pooling of each span's text
    (the length-weighted mean of its sentences' vectors, which the embed stage has cached)."""
    texts = [c.verbatim for c in cands]
    vecs = np.asarray(reference.embedder.encode(texts), dtype=np.float32).reshape(len(texts), -1)
    rep = representativeness(vecs, [c.speaker for c in cands], reference.vectors(vecs.shape[1]), reference.speakers)
    return [replace(c, representativeness=round(float(r), 4)) for c, r in zip(cands, rep)]
