"""Learning from reviewers: approve / reject decisions re-rank the stored quotes.

The shipped score (:mod:`copquotes.quotes.scoring`) stays the backbone. What is learned is a
*correction* to it: a logistic regression whose offset is the shipped score's logit, over the
quote's standardised features (the 15 quotability features, theme, representativeness,
safety) and the leading principal components of its sentence embedding (cached by the embed
stage; the components are those of every quote in the workspace, no label involved). An L2
penalty shrinks the correction towards zero, i.e. towards the shipped ranking; its strength
is chosen by cross-validation on the decisions themselves (held-out log loss). The number of
components (24) was chosen on other splits of the labelled set than the benchmark reports
(docs/learning.md). A gate then compares the learned ranking with the shipped one on
held-out folds of the decisions and adopts it only when it does better there; otherwise the
shipped ranking stays. So a few decisions, or decisions that are noise, leave the ranking as
shipped.

Re-ranking (:func:`rerank`) writes only the derived ``quotes.score`` column (the one
``copquotes quotes`` and the app's triage order sort by) and a summary in the workspace config
(:data:`CONFIG_LEARNING`: when, from how many decisions, the held-out figures). Reviewers'
statuses, edits and versions are never touched. The quotes stage calls it after every run; the
app calls it in the background after a batch of triage decisions or on "Re-rank now".
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from . import storage
from .features import FEATURES
from .scoring import QuoteRanker, Weights

log = logging.getLogger(__name__)

CONFIG_LEARNING = "quotes.learning"     # the last re-rank: {"at", "decisions", "adopted", ...}
CONFIG_WEIGHTS = "quotes.weights"       # the base (shipped, or configured) weights; see stage.py
POSITIVE = ("approved", "edited")
NEGATIVE = ("rejected",)
PART_COLUMNS = tuple(FEATURES) + ("theme", "representativeness", "safety")
DEFAULT_CS = (0.1, 0.3, 1.0, 3.0, 10.0)
# how many of the embedding's leading principal components the correction uses (several: the folds
# choose); quote_matrix computes EMBED_COMPONENTS of them over every quote of the workspace
DEFAULT_COMPONENTS = (24,)
EMBED_COMPONENTS = max(DEFAULT_COMPONENTS)
OFFSET_PENALTY = 1.0                     # keeps the shipped logit's scale near 1 (no runaway on separable data)
RERANK_EVERY = 10                        # the app re-ranks after this many new decisions


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _logit(p, eps: float = 1e-9):
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.log(p / (1 - p))


def _auc(y, s) -> float:
    """ROC AUC (ties count half), without sklearn's input checks (called many times)."""
    y = np.asarray(y)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return 0.5
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def _fit_offset_logit(X, y, offset, C: float, max_iter: int = 200, scale: bool = True):
    """L2-penalised logistic regression on the shipped logit ``offset`` and the columns of ``X``,
    with balanced class weights: ``z = a * offset + X w + b``, the penalty ``1 / (2C) * ||w||^2``
    pulling towards the shipped ranking alone (``a >= 0``, held near 1, and ``b`` free: a scale
    and shift of the shipped logit keep its order). Returns ``(a, w, b)``."""
    from scipy.optimize import minimize

    n, d = X.shape
    npos = max(1.0, float(y.sum()))
    nneg = max(1.0, float(n - y.sum()))
    sw = np.where(y == 1, n / (2 * npos), n / (2 * nneg)) / n
    lam = 1.0 / float(C)

    def loss(theta):
        a, w, b = theta[0], theta[1:-1], theta[-1]
        z = a * offset + X @ w + b
        p = _sigmoid(z)
        g = sw * (p - y)
        return (float(np.sum(sw * (np.logaddexp(0.0, z) - y * z)) + 0.5 * lam * w @ w
                      + 0.5 * OFFSET_PENALTY * (a - 1.0) ** 2),
                np.concatenate([[g @ offset + OFFSET_PENALTY * (a - 1.0)], X.T @ g + lam * w, [g.sum()]]))

    theta0 = np.concatenate([[1.0], np.zeros(d), [0.0]])
    bounds = [(0.0, None) if scale else (1.0, 1.0)] + [(None, None)] * (d + 1)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": max_iter})
    return float(res.x[0]), res.x[1:-1].copy(), float(res.x[-1])


class DecisionRanker(BaseEstimator):
    """A correction to the shipped ranking, learned from reviewers' decisions, and a gate.

    ``X``: first column the shipped score's logit (the offset: not penalised), then the
    quote's ``n_parts`` parts (:data:`PART_COLUMNS`), then its embedding's principal
    components, leading one first (:func:`principal_components`); all standardised here.
    ``y``: 1 approved / edited, 0 rejected. The model is ``a * offset + X w + b`` with an L2
    penalty ``1/(2C)`` on ``w`` (``a`` = 1 unless ``scale_offset``), over the parts and the
    first ``k`` components. ``fit`` chooses ``C`` from ``Cs`` and ``k`` from ``components``
    (those the columns have; 0 when there are none) by the out-of-fold log loss
    (``select="loss"``; ties: fewer components, then the stronger shrinkage) or ROC AUC
    (``"auc"``) over ``n_repeats`` stratified ``n_splits``-fold splits of the decisions, and
    adopts the correction (``adopted_``) only when, on those held-out folds, it ranks better
    than the shipped score (higher AUC) *and* its per-decision log loss beats the shipped
    logit's (with a fitted intercept) by a paired t statistic above ``min_t`` and a mean above
    ``margin``; and only with at least ``min_each`` approved and rejected decisions.
    Otherwise it scores as shipped.

    Fitted attributes: ``adopted_``, ``reason_``, ``C_``, ``n_components_``, ``columns_`` (the
    feature columns the correction uses), ``offset_coef_``, ``coef_`` (over ``columns_``), ``intercept_``,
    ``mean_``, ``scale_``, ``cv_auc_`` / ``shipped_auc_`` (held-out AUC of the learned /
    shipped ranking), ``cv_loss_`` / ``shipped_loss_`` (held-out log loss), ``gain_t_``,
    ``n_decisions_``, ``n_approved_``, ``n_rejected_``.
    """

    def __init__(self, Cs=DEFAULT_CS, components=DEFAULT_COMPONENTS, n_parts: int = len(PART_COLUMNS),
                 n_splits: int = 5, n_repeats: int = 2, min_each: int = 5, margin: float = 0.0,
                 min_t: float = 1.0, select: str = "loss", scale_offset: bool = False, random_state: int = 0):
        self.Cs = Cs
        self.components = components
        self.n_parts = n_parts
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.min_each = min_each
        self.margin = margin
        self.min_t = min_t
        self.select = select
        self.scale_offset = scale_offset
        self.random_state = random_state

    def _columns(self, n_features: int, k: int) -> np.ndarray:
        """The feature columns (of ``X[:, 1:]``) a correction with ``k`` components uses."""
        n_parts = min(int(self.n_parts), n_features)
        return np.arange(min(n_features, n_parts + int(k)))

    def fit(self, X, y):
        from sklearn.model_selection import StratifiedKFold

        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=int).ravel()
        if X.ndim != 2 or X.shape[0] != y.shape[0]:
            from ..errors import ConfigError

            raise ConfigError("DecisionRanker.fit needs X of shape (n, d) and y of length n")
        offset, F = X[:, 0], X[:, 1:]
        self.n_decisions_ = int(len(y))
        self.n_approved_ = int((y == 1).sum())
        self.n_rejected_ = int((y == 0).sum())
        self.mean_ = F.mean(axis=0) if len(F) else np.zeros(F.shape[1])
        self.scale_ = (F.std(axis=0) if len(F) else np.ones(F.shape[1])) + 1e-6
        self.n_components_ = 0
        self.columns_ = self._columns(F.shape[1], 0)
        self.coef_ = np.zeros(len(self.columns_))
        self.offset_coef_ = 1.0
        self.intercept_ = 0.0
        self.C_ = None
        self.adopted_ = False
        self.shipped_auc_ = self.cv_auc_ = self.shipped_loss_ = self.cv_loss_ = self.gain_t_ = None
        if min(self.n_approved_, self.n_rejected_) < self.min_each:
            self.reason_ = (f"needs at least {self.min_each} approved and {self.min_each} rejected quotes "
                            f"(has {self.n_approved_} and {self.n_rejected_})")
            return self
        Z = (F - self.mean_) / self.scale_
        n_comp = max(0, F.shape[1] - min(int(self.n_parts), F.shape[1]))
        ks = sorted({min(int(k), n_comp) for k in (self.components or (0,))})
        k_folds = int(min(self.n_splits, self.n_approved_, self.n_rejected_))
        self.shipped_auc_ = round(_auc(y, offset), 4)
        splits = [list(StratifiedKFold(k_folds, shuffle=True, random_state=int(self.random_state) + rep).split(Z, y))
                  for rep in range(int(self.n_repeats))]
        # the shipped ranking's own held-out fit: its logit plus a fitted intercept (no feature)
        base_loss, _ = self._held_out(Z[:, :0], y, offset, None, splits, self.scale_offset)
        losses, aucs = {}, {}
        for k in ks:
            cols = self._columns(F.shape[1], k)
            for C in self.Cs:
                losses[k, C], aucs[k, C] = self._held_out(Z[:, cols], y, offset, C, splits, self.scale_offset)
        if self.select == "auc":
            best = max(losses, key=lambda kc: (aucs[kc], -kc[0], -kc[1]))    # ties: fewer columns, more shrinkage
        else:
            best = min(losses, key=lambda kc: (losses[kc].mean(), kc[0], kc[1]))
        gain = base_loss - losses[best]                              # per decision, > 0: learned better
        self.n_components_, self.C_ = int(best[0]), float(best[1])
        self.cv_auc_ = round(aucs[best], 4)
        self.cv_loss_ = round(float(losses[best].mean()), 4)
        self.shipped_loss_ = round(float(base_loss.mean()), 4)
        # adopt when the held-out gain is clearly above zero (a paired t statistic), and the
        # held-out ranking (AUC) is better too
        self.gain_t_ = round(float(gain.mean() / (gain.std(ddof=1) / np.sqrt(len(gain)) + 1e-12)), 3)
        if not (self.gain_t_ > self.min_t and gain.mean() > self.margin and aucs[best] > self.shipped_auc_):
            self.reason_ = (f"the shipped ranking does as well on held-out decisions "
                            f"(AUC {self.shipped_auc_:.2f} vs learned {self.cv_auc_:.2f})")
            return self
        self.columns_ = self._columns(F.shape[1], self.n_components_)
        self.offset_coef_, self.coef_, self.intercept_ = _fit_offset_logit(Z[:, self.columns_], y, offset, self.C_,
                                                                         scale=self.scale_offset)
        self.adopted_ = True
        self.reason_ = (f"beats the shipped ranking on held-out decisions "
                        f"(AUC {self.cv_auc_:.2f} vs {self.shipped_auc_:.2f})")
        return self

    @staticmethod
    def _held_out(Z, y, offset, C, splits, scale: bool = True) -> tuple[np.ndarray, float]:
        """Each decision's out-of-fold log loss (mean over the repeats; balanced: each class
        weighs half) and the mean out-of-fold ROC AUC of ``a * offset + Z w + b`` fitted with
        penalty ``C`` (``Z`` without columns: the shipped logit, scaled and shifted, alone)."""
        npos, nneg = max(1, int(y.sum())), max(1, int(len(y) - y.sum()))
        sw = np.where(y == 1, 0.5 / npos, 0.5 / nneg) * len(y)
        losses, aucs = np.zeros(len(y)), []
        for folds in splits:
            z = np.zeros(len(y))
            for tr, te in folds:
                a, w, b = _fit_offset_logit(Z[tr], y[tr], offset[tr], C if C is not None else 1.0, scale=scale)
                z[te] = a * offset[te] + Z[te] @ w + b
            losses += sw * (np.logaddexp(0.0, z) - y * z) / len(splits)
            aucs.append(_auc(y, z))
        return losses, float(np.mean(aucs))

    def decision_function(self, X):
        """The learned logit (the shipped logit when not adopted)."""
        X = np.asarray(X, dtype=float)
        if not getattr(self, "adopted_", False):
            return X[:, 0].copy()
        cols = self.columns_
        Z = (X[:, 1:][:, cols] - self.mean_[cols]) / self.scale_[cols]
        return self.offset_coef_ * X[:, 0] + Z @ self.coef_ + self.intercept_

    def score(self, X):
        """Scores in [0, 1] (the shipped score itself when not adopted)."""
        return _sigmoid(self.decision_function(X))


# ---------------------------------------------------------------------------------- workspace
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def base_weights(ws) -> Weights:
    """The weights of the ranking before learning: config ``quotes.weights`` or the shipped ones."""
    stored = ws.get_config(CONFIG_WEIGHTS)
    return Weights.from_obj(stored) if stored else Weights.default()


def decided(ws) -> dict[str, int]:
    """``{quote_id: 1 approved/edited, 0 rejected}`` of every stored quote with a decision."""
    return {qid: 1 if status in POSITIVE else 0 for qid, status in storage.decided_statuses(ws)}


def quote_matrix(ws, embedder=None, with_embedding: bool = True) -> tuple[list[str], np.ndarray]:
    """Every stored quote's id and its row of :class:`DecisionRanker` inputs: the shipped
    (base) score's logit (``parts_json["base_score"]``, as the stage wrote it), the parts of
    :data:`PART_COLUMNS` (from ``parts_json``) and the span's sentence embedding (the embedder's
    pooling of its sentences, cached) as its first :data:`EMBED_COMPONENTS` principal
    components over every stored quote (:func:`principal_components`)."""
    got = storage.verbatim_and_parts(ws)
    ids = [r[0] for r in got]
    if not got:
        return ids, np.zeros((0, 1 + len(PART_COLUMNS)))
    rows, stored = [], []
    for _, _, pj in got:
        p = json.loads(pj or "{}")
        row = dict(p.get("features") or {})
        row["theme"] = p.get("theme")
        row["representativeness"] = p.get("representativeness")
        row["safety"] = 1.0 if p.get("safety") is None else p.get("safety")
        rows.append(row)
        stored.append(p.get("base_score"))
    if all(b is not None for b in stored):     # the score the stage wrote before any learning
        base = np.array(stored, dtype=float)
    else:                                      # a workspace from before base_score was stored
        base = QuoteRanker(weights=base_weights(ws)).score(rows)
    parts = np.array([[0.5 if r.get(c) is None else float(r[c]) for c in PART_COLUMNS] for r in rows])
    cols = [_logit(base)[:, None], parts]
    if with_embedding:
        vecs = cached_span_vectors(embedder or storage.embedder(ws), [r[1] or "" for r in got])
        if vecs is not None:
            cols.append(principal_components(vecs, EMBED_COMPONENTS))
    return ids, np.hstack(cols)


def principal_components(vecs: np.ndarray, k: int) -> np.ndarray:
    """The projections of ``vecs`` (one row per quote: every quote of the workspace) on their
    ``k`` leading principal components, leading one first (fewer when there are fewer rows or
    dimensions). Unsupervised: no decision is involved. A correction over 384 embedding
    dimensions learned from 50 decisions moved many unseen quotes on noise; over the leading
    components it follows what the quotes differ in most."""
    V = np.asarray(vecs, dtype=float)
    if V.ndim != 2 or len(V) < 2:
        return np.zeros((len(V), 0))
    Vc = V - V.mean(axis=0)
    vals, vecs_ = np.linalg.eigh(Vc.T @ Vc)                     # ascending; d x d, d = 384
    k = int(max(0, min(k, len(V) - 1, V.shape[1])))
    top = vecs_[:, ::-1][:, :k]
    top *= np.where(top[np.abs(top).argmax(axis=0), np.arange(k)] < 0, -1.0, 1.0)   # a fixed sign
    return Vc @ top


def cached_span_vectors(emb, texts: list[str], min_share: float = 0.9) -> np.ndarray | None:
    """The embedder's pooled vectors of ``texts`` (length-weighted mean of their sentences'
    vectors, as :meth:`Embedder.encode <copquotes.embed.Embedder.encode>` pools them), read from
    its cache only: the model never runs here (a re-rank of a big workspace whose sentences
    were not embedded would otherwise embed every quote). ``None`` when less than ``min_share``
    of the sentences are cached (then the correction uses the quote's parts alone)."""
    from ..types import text_hash

    split, order = emb._split(list(texts))
    hashes = [text_hash(p) for p in order]
    found = emb._lookup(list(dict.fromkeys(hashes)))
    if not texts or not found or len(found) < min_share * len(set(hashes)):
        return None
    vec = {p: found.get(h) for p, h in zip(order, hashes)}
    dim = len(next(iter(found.values())))
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        parts = split.get(t) or [t]
        got = [(len(p), vec.get(p)) for p in parts if vec.get(p) is not None]
        if not got:
            continue
        v = sum(w * np.asarray(x, dtype=np.float32) for w, x in got)
        n = float(np.linalg.norm(v))
        out[i] = v / n if n > 0 else v
    return out


def rerank(ws, *, embedder=None, ranker: DecisionRanker | None = None) -> dict:
    """Fit a :class:`DecisionRanker` on the workspace's decisions and write every stored quote's
    score: the learned one when the gate adopts it, else the base (shipped) score. Records
    the outcome in config :data:`CONFIG_LEARNING` and returns it."""
    t0 = time.perf_counter()
    labels = decided(ws)
    model = clone_or_default(ranker)
    n_pos = sum(labels.values())
    enough = min(n_pos, len(labels) - n_pos) >= int(model.min_each)
    if not enough and not (last_rerank(ws) or {}).get("adopted"):
        # too few decisions to adopt anything, and the stored scores are the base ranking's
        # already (no learned ranking is in force): nothing to read or write but the summary
        model.fit(np.zeros((len(labels), 1)), np.array(list(labels.values()), dtype=int))
        return _record(ws, model, storage.count_quotes(ws), None, t0)
    ids, X = quote_matrix(ws, embedder, with_embedding=enough)
    pos = {q: i for i, q in enumerate(ids)}
    train = [pos[q] for q in labels if q in pos]
    y = np.array([labels[ids[i]] for i in train], dtype=int)
    model.fit(X[train] if train else X[:0], y)
    scores = model.score(X) if len(ids) else np.zeros(0)
    return _record(ws, model, len(ids), list(zip(ids, scores)), t0,
                   embedding=bool(X.shape[1] > 1 + len(PART_COLUMNS)))


def _record(ws, model: DecisionRanker, n_quotes: int, scores, t0: float, embedding: bool = False) -> dict:
    """Write ``scores`` (``[(quote_id, score)]``; ``None``: leave them) in short transactions, then the summary."""
    info = {"at": _now(), "decisions": model.n_decisions_, "approved": model.n_approved_,
            "rejected": model.n_rejected_, "adopted": bool(model.adopted_), "reason": model.reason_,
            "held_out_auc": {"learned": model.cv_auc_, "shipped": model.shipped_auc_},
            "C": model.C_, "components": getattr(model, "n_components_", 0), "quotes": int(n_quotes),
            "scores_written": scores is not None,
            "embedding": embedding}
    # in transactions of 2,000 scores (a reviewer's save waits at most for one; 16,000 quotes in one
    # held the write lock 1.4 s), the summary last
    updates = [] if scores is None else [(round(float(s), 6), q) for q, s in scores]
    for k in range(0, len(updates), 2000):
        with ws.transaction():
            # a quote a re-run replaced meanwhile is simply not found (its new row has the base score)
            storage.set_scores(ws, updates[k:k + 2000])
    with ws.transaction():
        storage.put_config(ws, CONFIG_LEARNING, json.dumps(info, sort_keys=True))
    info["seconds"] = round(time.perf_counter() - t0, 2)
    log.info("quotes re-ranked from %d decisions: %s", info["decisions"],
             "learned ranking adopted" if info["adopted"] else "shipped ranking kept")
    return info


def clone_or_default(ranker: DecisionRanker | None) -> DecisionRanker:
    from sklearn.base import clone

    return DecisionRanker() if ranker is None else clone(ranker)


def last_rerank(ws) -> dict | None:
    """The summary :func:`rerank` stored last, or ``None``."""
    got = ws.get_config(CONFIG_LEARNING)
    return got if isinstance(got, dict) else None


def ranking_token(ws) -> str:
    """Changes when a re-rank wrote scores (the stored order may have changed), not when one
    only checked the decisions: a cache key for the order of the quotes."""
    last = last_rerank(ws) or {}
    return str(last.get("at")) if last.get("scores_written") else "base"


def pending_decisions(ws) -> int:
    """Decisions made since the last re-rank (how many quotes are decided now minus then)."""
    last = last_rerank(ws) or {}
    return max(0, storage.decided_count(ws) - int(last.get("decisions") or 0))


def describe(ws) -> str:
    """One line for people: when the shortlist was last re-ranked, from how many decisions."""
    last = last_rerank(ws)
    if not last or not last.get("decisions"):
        return "Shortlist not yet re-ranked from decisions: ranking as shipped."
    at = str(last.get("at") or "")[:16].replace("T", " ")
    n = int(last["decisions"])
    if last.get("adopted"):
        return f"Shortlist re-ranked {at} UTC from {n} decisions."
    return (f"Shortlist checked {at} UTC against {n} decisions: ranking as shipped "
            f"({last.get('reason') or 'the learned ranking did not do better'}).")


# ---------------------------------------------------------------------------------- in the background
_RUNNING: dict[str, object] = {}     # workspace path -> the re-ranking process this process started


def is_reranking(ws_path) -> bool:
    """Whether a re-rank this process started for ``ws_path`` is still running."""
    proc = _RUNNING.get(str(Path(ws_path).resolve()))
    return proc is not None and proc.poll() is None


def rerank_in_background(ws_path) -> bool:
    """Start :func:`rerank` as ``python -m copquotes.quotes.learning WS``, a process of its own
    (with its own connection and interpreter, so the reviewer's next quote never waits for it).
    Returns False when one this process started is still running."""
    import os
    import subprocess
    import sys

    key = str(Path(ws_path).resolve())
    if is_reranking(key):
        return False
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    pkg_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    _RUNNING[key] = subprocess.Popen([sys.executable, "-m", "copquotes.quotes.learning", key],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env, close_fds=True)
    return True


def wait(ws_path, timeout: float = 120.0) -> bool:
    """Wait for a background re-rank of ``ws_path`` to end; False on timeout."""
    proc = _RUNNING.get(str(Path(ws_path).resolve()))
    if proc is None:
        return True
    try:
        proc.wait(timeout=timeout)
    except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
        return False
    return True


def main(argv=None) -> int:
    """``python -m copquotes.quotes.learning WS``: re-rank the workspace's quotes from its decisions."""
    import sys

    from ..workspace import Workspace

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m copquotes.quotes.learning WORKSPACE\n")
        return 2
    ws = Workspace.open(Path(args[0]))
    try:
        rerank(ws)
    finally:
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
