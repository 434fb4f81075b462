"""ThemeTagger: multi-label theme probabilities for texts and their sentences.

A scikit-learn estimator. ``fit()`` with no data learns zero-shot from the codebook
alone (its examples, and its ``none`` examples as negatives); ``fit(X, Y)`` adds
labelled texts (a gold file, reviewer corrections, a training split). Each theme has
its own logistic-regression head over sentence embeddings (optionally with codebook
keyword cues and TF-IDF features), blended with a nearest-codebook-example score
(``knn_weight``), a per-theme decision threshold, and unit scores
that max-pool the unit's own score with its sentences' scores, so a single sentence
can carry a theme and :meth:`ThemeTagger.explain` can point at it.

See ``docs/tagging.md`` for how it scores; fine-tuning an encoder beside the heads is research
(``copquotes.experimental``, wrapping this estimator; docs/research/tagging-log.md).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from ..errors import ConfigError
from ..text import sentence_spans
from .codebook import Codebook

log = logging.getLogger(__name__)

METHODS = ("logreg", "prototype")
HEADS = ("logreg", "svc")
THRESHOLDS = ("fixed", "cv", "global")
POOLINGS = ("max", "unit", "mean")
ARTIFACT_FORMAT = "copquotes-theme-tagger"
ARTIFACT_VERSION = 1


# --------------------------------------------------------------------------- lexicon
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


class Lexicon:
    """Counts of codebook keyword matches per theme (capped), as features in [0, 1].

    A keyword is a word or phrase; a trailing ``*`` matches any ending of its last word
    (``exhaust*``). Matching is on word tokens (case, hyphens and curly quotes ignored),
    a few dictionary look-ups per token, so it costs little beside the embeddings.
    """

    def __init__(self, codebook: Codebook, cap: int = 2):
        self.cap = cap
        self.n_themes = len(codebook)
        self.exact: dict[str, list] = {}
        self.prefix: dict[str, list] = {}
        for j, theme in enumerate(codebook):
            for k in theme.keywords:
                star = k.strip().endswith("*")
                words = _tokens(k.rstrip("*"))
                if not words:
                    continue
                entry = (j, tuple(words[1:]), star)
                table = self.prefix if star and len(words) == 1 else self.exact
                table.setdefault(words[0], []).append(entry)
        self.prefix_lengths = sorted({len(w) for w in self.prefix})
        self._memo: dict[str, tuple] = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_memo"] = {}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_memo", {})

    @property
    def empty(self) -> bool:
        return not self.exact and not self.prefix

    def _match_rest(self, toks, i, rest, star) -> bool:
        if i + len(rest) >= len(toks) + (0 if rest else 1):
            return False
        for n, w in enumerate(rest):
            tok = toks[i + 1 + n]
            last = n == len(rest) - 1
            if not (tok == w or (last and star and tok.startswith(w))):
                return False
        return True

    def _candidates(self, tok: str):
        cands = self._memo.get(tok)
        if cands is None:
            cands = list(self.exact.get(tok, ()))
            for L in self.prefix_lengths:
                if L > len(tok):
                    break
                more = self.prefix.get(tok[:L])
                if more:
                    cands.extend(more)
            cands = tuple(cands)
            if len(self._memo) < 200_000:
                self._memo[tok] = cands
        return cands

    def counts(self, text: str) -> np.ndarray:
        c = np.zeros(self.n_themes, dtype=np.float32)
        toks = _tokens(text)
        for i, tok in enumerate(toks):
            cands = self._candidates(tok)
            if not cands:
                continue
            seen = set()
            for j, rest, star in cands:
                if j in seen:
                    continue
                if not rest or self._match_rest(toks, i, rest, star):
                    c[j] += 1
                    seen.add(j)
        return c

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        F = np.zeros((len(texts), self.n_themes), dtype=np.float32)
        for i, text in enumerate(texts):
            F[i] = self.counts(text)
        return np.minimum(F, self.cap) / self.cap


# --------------------------------------------------------------------------- helpers
def labels_to_matrix(Y, theme_ids: Sequence[str]) -> np.ndarray:
    """Y as float (n, K): 1 / 0, or NaN where a theme's label is unknown.

    Accepts a 0/1 (or NaN/-1 for unknown) array in ``theme_ids`` order, a DataFrame with
    theme-id columns, or a list of theme-id lists.
    """
    K = len(theme_ids)
    if hasattr(Y, "columns"):
        missing = [t for t in theme_ids if t not in Y.columns]
        if missing:
            raise ConfigError(f"labels have no column for theme {missing[0]!r}: give one column per codebook theme")
        Y = Y[list(theme_ids)].to_numpy(dtype=float)
    elif isinstance(Y, (list, tuple)) and Y and all(isinstance(r, (list, tuple, set)) for r in Y) \
            and all(isinstance(x, str) for r in Y for x in r):
        index = {t: j for j, t in enumerate(theme_ids)}
        M = np.zeros((len(Y), K))
        for i, labs in enumerate(Y):
            for t in labs:
                if t not in index:
                    raise ConfigError(f"label {t!r} is not a theme of the codebook ({', '.join(theme_ids)})")
                M[i, index[t]] = 1
        return M
    M = np.asarray(Y, dtype=float)
    if M.ndim != 2 or M.shape[1] != K:
        raise ConfigError(f"labels must have one column per theme ({K}); got shape {M.shape}")
    M = M.copy()
    M[M < 0] = np.nan
    return M


def _split_sentences(texts: Sequence[str]):
    """All sentence texts of ``texts`` and, per text, its spans and its row range."""
    sents, spans, ranges = [], [], []
    for t in texts:
        sp = sentence_spans(t) or [(0, len(t))]
        start = len(sents)
        sents.extend(t[a:b] for a, b in sp)
        spans.append(sp)
        ranges.append((start, len(sents)))
    return sents, spans, ranges


def _segment_max(values: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per owner: max of ``values`` rows and the (global) row index of the max."""
    K = values.shape[1]
    out = np.full((n, K), -np.inf, dtype=values.dtype)
    arg = np.zeros((n, K), dtype=np.int64)
    if len(values) == 0:
        return out, arg
    order = np.lexsort((np.arange(len(owner)), owner))
    owner_s = owner[order]
    starts = np.flatnonzero(np.r_[True, owner_s[1:] != owner_s[:-1]])
    vals_s = values[order]
    mx = np.maximum.reduceat(vals_s, starts, axis=0)
    out[owner_s[starts]] = mx
    # argmax within each segment
    for s_i, s0 in enumerate(starts):
        s1 = starts[s_i + 1] if s_i + 1 < len(starts) else len(order)
        arg[owner_s[s0]] = order[s0 + np.argmax(vals_s[s0:s1], axis=0)]
    return out, arg


_PARAMS_ADDED = {"knn_weight": 0.0, "knn_k": 5, "knn_scale": 10.0,  # values that reproduce older artifacts
                 "head": "logreg", "char_ngrams": False, "calibrate": None}
# parameters of the fine-tune path (now copquotes.experimental.FineTunedThemeTagger): dropped from old artifacts
_PARAMS_REMOVED = ("finetune_epochs", "finetune_weight", "finetune_val", "finetune_budget", "finetune_layers",
                   "finetune_params", "finetune_folds")
CHAR_WEIGHT = 0.7  # scale of the character n-gram TF-IDF block beside the word TF-IDF block
_KNN_CHUNK = 4096  # rows per similarity block (bounded memory)


def _knn_memory(emb: np.ndarray, Ymat: np.ndarray, kinds: np.ndarray) -> dict | None:
    """The codebook examples (own and ``none``) grouped by the set of themes each carries;
    ``None`` unless every theme has codebook examples with and without it."""
    rows = np.flatnonzero(kinds != 2)
    if len(rows) == 0:
        return None
    Yc = Ymat[rows] == 1
    if not (Yc.any(axis=0).all() and (~Yc).any(axis=0).all()):
        return None
    sig = {}
    for i in rows:
        key = tuple(np.flatnonzero(Ymat[i] == 1))
        sig.setdefault(key, []).append(i)
    keys = list(sig)
    order = np.concatenate([np.asarray(sig[k]) for k in keys]) if keys else np.zeros(0, dtype=int)
    sizes = np.array([len(sig[k]) for k in keys], dtype=np.int64)
    member = np.zeros((len(keys), Ymat.shape[1]), dtype=bool)
    for g, k in enumerate(keys):
        member[g, list(k)] = True
    return {"emb": np.ascontiguousarray(emb[order], dtype=np.float32), "sizes": sizes, "member": member}


def _topk_mean(vals: np.ndarray, k: int) -> np.ndarray:
    k = min(k, vals.shape[1])
    if k <= 0:
        return np.full(vals.shape[0], -1.0, dtype=np.float32)
    if k == 1:
        return vals.max(1)
    return np.partition(vals, vals.shape[1] - k, axis=1)[:, -k:].mean(1)


def _knn_scores(emb: np.ndarray, mem: dict, k: int, scale: float) -> np.ndarray:
    """Per theme: mean cosine to the ``k`` nearest examples of the theme minus that to the
    ``k`` nearest examples without it, squashed to [0, 1] (``scale`` = steepness)."""
    member, sizes, E = mem["member"], mem["sizes"], mem["emb"]
    G, K = member.shape
    n = emb.shape[0]
    out = np.zeros((n, K))
    if n == 0 or G == 0:
        return out + 0.5
    bounds = np.r_[0, np.cumsum(sizes)]
    for a in range(0, n, _KNN_CHUNK):
        S = np.asarray(emb[a:a + _KNN_CHUNK], dtype=np.float32) @ E.T
        # the k best similarities within each group, then merged across the groups a theme has / lacks
        tops = np.concatenate([np.sort(np.partition(S[:, b0:b1], max(b1 - b0 - k, 0), axis=1)[:, -k:], axis=1)
                               if b1 - b0 > k else np.sort(S[:, b0:b1], axis=1)
                               for b0, b1 in zip(bounds[:-1], bounds[1:])], axis=1)
        width = np.minimum(sizes, k)
        col_group = np.repeat(np.arange(G), width)
        for j in range(K):
            pos = member[col_group, j]
            out[a:a + _KNN_CHUNK, j] = _topk_mean(tops[:, pos], k) - _topk_mean(tops[:, ~pos], k)
    return 1.0 / (1.0 + np.exp(-scale * out))


@dataclass
class TrainingData:
    """What a fit learns from: texts, their features and embeddings, labels (NaN = unknown), sample
    weights, and each row's kind (0 = a codebook example, 1 = a ``none`` example, 2 = labelled data)."""

    texts: list
    F: object
    emb: np.ndarray
    Y: np.ndarray
    W: np.ndarray
    kinds: np.ndarray


def _training_rows(cb: Codebook, X, Y, sample_weight, codebook_weight: float):
    """The training texts, label matrix, sample weights and kinds from the codebook and ``X``/``Y``."""
    ids = cb.ids
    K = len(ids)
    texts: list[str] = []
    rows: list[np.ndarray] = []
    weights: list[float] = []
    kinds: list[int] = []
    if X is None or codebook_weight > 0:
        cbw = 1.0 if X is None else codebook_weight
        # an example listed under several themes is one text that carries all of them
        # (a positive for each, a negative for none of them)
        at: dict[str, int] = {}
        for j, t in enumerate(cb):
            for e in t.examples:
                if e in at:
                    rows[at[e]][j] = 1
                    continue
                y = np.zeros(K)
                y[j] = 1
                at[e] = len(texts)
                texts.append(e)
                rows.append(y)
                weights.append(cbw)
                kinds.append(0)
        for e in cb.none_examples:
            texts.append(e)
            rows.append(np.zeros(K))
            weights.append(cbw)
            kinds.append(1)
    if X is not None:
        if isinstance(X, str):
            raise ConfigError("fit takes a list of texts, not a single string")
        X = [str(x) for x in X]
        if Y is None:
            raise ConfigError("fit(X) needs labels Y for the texts X (or call fit() for zero-shot)")
        M = labels_to_matrix(Y, ids)
        if len(M) != len(X):
            raise ConfigError(f"{len(X)} texts but {len(M)} label rows: give one label row per text")
        sw = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        texts.extend(X)
        rows.extend(M)
        weights.extend(sw.tolist())
        kinds.extend([2] * len(X))
    if not texts:
        raise ConfigError(f"codebook {cb.name!r} has no examples and no labelled texts were given: "
                          "add examples to the codebook or call fit(texts, labels)")
    Ymat = np.vstack(rows)
    for j, t in enumerate(ids):
        col = Ymat[:, j]
        known = ~np.isnan(col)
        if not np.any(col[known] == 1):
            raise ConfigError(f"theme {t!r} has no positive example: add examples to the codebook "
                              "or labelled texts that carry it")
        if not np.any(col[known] == 0):
            raise ConfigError(f"theme {t!r} has no negative example: add 'none' examples to the codebook")
    return texts, Ymat, np.asarray(weights, dtype=float), np.asarray(kinds)


# --------------------------------------------------------------------------- tagger
class ThemeTagger(BaseEstimator):
    """Codebook-driven multi-label theme tagger (scikit-learn estimator).

    Parameters
    ----------
    codebook: a :class:`Codebook`, a path to a codebook YAML, or ``None`` (the default codebook).
    method: ``"logreg"`` (one logistic regression per theme over embeddings + cues) or
        ``"prototype"`` (cosine to the mean of each theme's examples; baseline).
    C: inverse regularisation of the logistic regressions.
    pooling: how a unit's score is formed: ``"max"`` of the unit's score and its best sentence's
        score minus ``sentence_margin`` (short sentences score noisily),
        ``"unit"`` (the unit's own score only) or ``"mean"`` of the two.
    lexicon: add codebook keyword-cue features (weight ``lexicon_weight``).
    tfidf: add TF-IDF word/bigram features (only useful with labelled data).
    char_ngrams: with ``tfidf``, also add character 2-5-gram TF-IDF features (within word
        boundaries, weight 0.7): robust to misspellings and word forms.
    head: ``"logreg"`` (logistic regression per theme) or ``"svc"`` (linear SVM per theme,
        its decision values calibrated to probabilities, see ``calibrate``).
    calibrate: Platt-scale each theme's head on out-of-fold decision values of the training
        data (``cv_folds`` folds), so scores of different themes are comparable
        probabilities; ``None`` = only for ``head="svc"``.
    threshold: ``"fixed"`` (every theme at ``base_threshold``), ``"cv"`` (per-theme
        thresholds maximising F1 on out-of-fold scores of the training data) or ``"global"``
        (one threshold for every theme maximising micro-F1 on those scores; with calibrated
        probabilities it over-fits rare themes less than per-theme thresholds).
    codebook_weight: sample weight of codebook examples when labelled data is given (0 = ignore them).
    other_weight: sample weight of *other themes'* codebook examples as negatives.
    embedder: an :class:`~copquotes.embed.Embedder` (shared cache); ``None`` makes one
        with ``cache_dir``.
    knn_weight: weight of the nearest-example score blended into each theme's logistic
        regression score (``method="logreg"``; 0 = off): the mean cosine of a text to its
        ``knn_k`` most similar codebook examples that carry the theme minus that to the
        ``knn_k`` most similar ones that do not (``none`` and other themes), through a
        logistic of steepness ``knn_scale``. It catches phrasings close to one example that a
        linear head averages away.
    """

    def __init__(self, codebook=None, method: str = "logreg", C: float = 2.0, pooling: str = "max",
                 lexicon: bool = True, lexicon_weight: float = 0.6, tfidf: bool = False,
                 threshold: str = "fixed", base_threshold: float = 0.4, cv_folds: int = 5,
                 codebook_weight: float = 1.0, other_weight: float = 0.5, class_weight="balanced",
                 embedder=None, cache_dir=None, random_state=0, sentence_margin: float = 0.1,
                 knn_weight: float = 0.4, knn_k: int = 5, knn_scale: float = 10.0, head: str = "logreg",
                 char_ngrams: bool = False, calibrate=None):
        self.codebook = codebook
        self.method = method
        self.C = C
        self.pooling = pooling
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.tfidf = tfidf
        self.threshold = threshold
        self.base_threshold = base_threshold
        self.cv_folds = cv_folds
        self.codebook_weight = codebook_weight
        self.other_weight = other_weight
        self.class_weight = class_weight
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.sentence_margin = sentence_margin
        self.knn_weight = knn_weight
        self.knn_k = knn_k
        self.knn_scale = knn_scale
        self.head = head
        self.char_ngrams = char_ngrams
        self.calibrate = calibrate

    def __setstate__(self, state):
        # artifacts saved before a parameter existed get the value that reproduces them
        for k, v in _PARAMS_ADDED.items():
            state.setdefault(k, v)
        for k in _PARAMS_REMOVED:
            state.pop(k, None)
        self.__dict__.update(state)

    # ------------------------------------------------------------------ plumbing
    def _get_embedder(self):
        if self.embedder is not None:
            return self.embedder
        emb = getattr(self, "_embedder", None)
        if emb is None:
            from ..embed import Embedder

            emb = Embedder(cache_dir=self.cache_dir)
            self._embedder = emb
        return emb

    def set_embedder(self, embedder) -> "ThemeTagger":
        """Use ``embedder`` (e.g. one with the workspace's cache) from now on."""
        self.embedder = embedder
        return self

    def is_fitted(self) -> bool:
        return hasattr(self, "thresholds_")

    def _check_fitted(self):
        if not self.is_fitted():
            raise ConfigError("this ThemeTagger is not fitted: call fit() (no arguments for zero-shot "
                              "from the codebook) or ThemeTagger.load(path)")

    def _validate_params(self):
        if self.method not in METHODS:
            raise ConfigError(f"unknown tagging method {self.method!r}: choose from {', '.join(METHODS)}")
        if self.pooling not in POOLINGS:
            raise ConfigError(f"unknown pooling {self.pooling!r}: choose from {', '.join(POOLINGS)}")
        if self.threshold not in THRESHOLDS:
            raise ConfigError(f"threshold must be one of {', '.join(THRESHOLDS)}, not {self.threshold!r}")
        if self.head not in HEADS:
            raise ConfigError(f"unknown head {self.head!r}: choose from {', '.join(HEADS)}")
        if self.calibrate not in (None, True, False):
            raise ConfigError(f"calibrate must be True, False or None (auto), not {self.calibrate!r}")
        if not 0.0 < float(self.base_threshold) < 1.0:
            raise ConfigError(f"base_threshold must be between 0 and 1, not {self.base_threshold!r}")
        if not 0.0 <= float(self.sentence_margin) < 1.0:
            raise ConfigError(f"sentence_margin must be in [0, 1), not {self.sentence_margin!r}")
        if float(self.C) <= 0:
            raise ConfigError(f"C must be positive, not {self.C!r}")
        if not 0.0 <= float(self.knn_weight) <= 1.0:
            raise ConfigError(f"knn_weight must be between 0 and 1, not {self.knn_weight!r}")
        if int(self.knn_k) < 1 or int(self.knn_k) != float(self.knn_k):
            raise ConfigError(f"knn_k must be a whole number >= 1, not {self.knn_k!r}")
        if float(self.knn_scale) <= 0:
            raise ConfigError(f"knn_scale must be positive, not {self.knn_scale!r}")

    # ------------------------------------------------------------------ features
    def _features(self, texts: Sequence[str], emb: np.ndarray):
        parts = [emb]
        if self.lexicon_ is not None:
            parts.append(self.lexicon_.transform(texts) * float(self.lexicon_weight))
        X = np.hstack(parts) if len(parts) > 1 else emb
        if self.tfidf_ is not None:
            from scipy import sparse

            blocks = [sparse.csr_matrix(X), self.tfidf_.transform(texts)]
            char = getattr(self, "char_tfidf_", None)
            if char is not None:
                blocks.append(char.transform(texts) * CHAR_WEIGHT)
            return sparse.hstack(blocks).tocsr()
        return X

    def _calibrating(self) -> bool:
        return bool(self.head == "svc" if self.calibrate is None else self.calibrate) and self.method == "logreg"

    # ------------------------------------------------------------------ fit
    def fit(self, X: Sequence[str] | None = None, Y=None, sample_weight=None) -> "ThemeTagger":
        """Learn from the codebook, plus labelled texts ``X`` with labels ``Y`` if given.

        ``Y``: 0/1 matrix in codebook theme order (NaN or -1 = unknown for that theme),
        a DataFrame with theme-id columns, or a list of theme-id lists.
        """
        data = self._prepare_fit(X, Y, sample_weight)
        F, emb, Ymat, W, kinds = data.F, data.emb, data.Y, data.W, data.kinds
        self.heads_ = self._fit_heads(F, emb, Ymat, W, kinds)
        if self.method == "logreg" and float(self.knn_weight) > 0:
            mem = _knn_memory(emb, Ymat, kinds)
            if mem is not None:  # None: some theme has no codebook example (labels only)
                self.heads_["knn"] = mem
        calibrate = self._calibrating()
        if self.threshold != "fixed" or calibrate:
            oof = self._oof_scores(F, emb, Ymat, W, kinds)
            if calibrate:
                oof = self._fit_calibration(oof, emb, Ymat, kinds)
            if self.threshold != "fixed":
                self.thresholds_ = self._tune_thresholds(oof, Ymat, kinds)
        return self

    def _prepare_fit(self, X, Y, sample_weight) -> "TrainingData":
        """Check the parameters and the data, fit the codebook-derived and TF-IDF features, embed the
        training texts; sets every fitted attribute but the heads (thresholds at ``base_threshold``)."""
        self._validate_params()
        cb = Codebook.coerce(self.codebook)
        texts, Ymat, W, kinds = _training_rows(cb, X, Y, sample_weight, float(self.codebook_weight))
        K = len(cb.ids)
        self.codebook_ = cb
        self.theme_ids_ = list(cb.ids)
        self.n_themes_ = K
        self.lexicon_ = None
        if self.lexicon:
            lex = Lexicon(cb)
            self.lexicon_ = None if lex.empty else lex
        self.tfidf_ = None
        if self.tfidf:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.tfidf_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50000)
            self.tfidf_.fit(texts)
            if self.char_ngrams:
                self.char_tfidf_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                                   max_features=100000).fit(texts)
        emb = self._get_embedder().encode(texts)
        F = self._features(texts, emb)
        self.thresholds_ = np.full(K, float(self.base_threshold))
        self.n_train_ = len(texts)
        self.n_labelled_ = int(np.sum(kinds == 2))
        self.codebook_fingerprint_ = cb.fingerprint()
        self.embedding_model_ = getattr(self._get_embedder(), "key", "unknown")
        return TrainingData(texts, F, emb, Ymat, W, kinds)

    def _fit_heads(self, F, emb, Ymat, W, kinds):
        K = Ymat.shape[1]
        if self.method == "prototype":
            C = np.zeros((K, emb.shape[1]), dtype=np.float32)
            for j in range(K):
                pos = Ymat[:, j] == 1
                c = emb[pos].mean(0)
                C[j] = c / (np.linalg.norm(c) or 1.0)
            return {"centroids": C}
        from sklearn.linear_model import LogisticRegression

        heads = []
        has_pos = np.nansum(Ymat, axis=1) > 0
        for j in range(K):
            col = Ymat[:, j]
            known = ~np.isnan(col)
            y = col[known].astype(int)
            w = W[known].copy()
            # another theme's codebook example is a softer negative (texts can carry several themes)
            other = (y == 0) & has_pos[known] & (kinds[known] == 0)
            w[other] *= float(self.other_weight)
            if self.head == "svc":
                from sklearn.svm import LinearSVC

                m = LinearSVC(C=float(self.C), class_weight=self.class_weight, max_iter=5000,
                              random_state=self.random_state)
            else:
                m = LogisticRegression(C=float(self.C), class_weight=self.class_weight, max_iter=3000,
                                       random_state=self.random_state)
            m.fit(F[known], y, sample_weight=w)
            heads.append(m)
        coef = np.vstack([m.coef_[0] for m in heads]) if not hasattr(F, "tocsr") else None
        intercept = np.array([m.intercept_[0] for m in heads])
        return {"models": heads, "coef": coef, "intercept": intercept}

    def _raw_scores(self, F, emb, texts=None) -> np.ndarray:
        p = self._lr_scores(F, emb)
        knn = self.heads_.get("knn")
        if knn is not None and float(self.knn_weight) > 0:
            w = float(self.knn_weight)
            p = (1 - w) * p + w * _knn_scores(emb, knn, int(self.knn_k), float(self.knn_scale))
        extra = self.heads_.get("extra")
        if extra is not None:  # (weight, text scorer) mixed in by a wrapper, e.g. copquotes.experimental
            if texts is None:
                raise ConfigError("a tagger with an extra text scorer scores texts, not features")
            w, scorer = extra
            p = float(w) * scorer.predict_proba(texts) + (1 - float(w)) * p
        return p

    def _lr_scores(self, F, emb) -> np.ndarray:
        heads = self.heads_
        if "centroids" in heads:
            # cosine in [-1, 1] -> a [0, 1] score centred so that 0.5 ~ cosine 0.4
            return 1.0 / (1.0 + np.exp(-(emb @ heads["centroids"].T - 0.4) * 15.0))
        if heads["coef"] is not None and not hasattr(F, "tocsr"):
            z = F @ heads["coef"].T + heads["intercept"]
        else:
            z = np.column_stack([m.decision_function(F) for m in heads["models"]])
        platt = heads.get("platt")
        if platt is not None:  # per theme: p = sigmoid(a * z + b), fitted on out-of-fold decision values
            z = z * platt[:, 0] + platt[:, 1]
        return 1.0 / (1.0 + np.exp(-z))

    def _fit_calibration(self, oof, emb, Ymat, kinds):
        """Platt scaling per theme on the out-of-fold decision values; returns the calibrated ``oof``.

        ``oof`` holds the fold heads' (uncalibrated) scores, blended with the fixed
        nearest-example score when there is one; that part is taken out and put back.
        """
        from sklearn.linear_model import LogisticRegression

        knn = self.heads_.get("knn")
        w = float(self.knn_weight) if knn is not None else 0.0
        if w >= 1.0:
            return oof
        knn_part = w * _knn_scores(emb, knn, int(self.knn_k), float(self.knn_scale)) if w > 0 else 0.0
        p = np.clip((oof - knn_part) / (1.0 - w), 1e-12, 1 - 1e-12)
        z = np.log(p / (1 - p))
        rows = kinds == 2 if np.any(kinds == 2) else np.ones(len(kinds), dtype=bool)
        K = Ymat.shape[1]
        platt = np.tile([1.0, 0.0], (K, 1))
        for j in range(K):
            ok = rows & ~np.isnan(z[:, j]) & ~np.isnan(Ymat[:, j])
            y = Ymat[ok, j] == 1
            if y.sum() < 2 or (~y).sum() < 2:
                continue
            m = LogisticRegression(C=100.0).fit(z[ok, j][:, None], y.astype(int))
            platt[j] = m.coef_[0, 0], m.intercept_[0]
        self.heads_["platt"] = platt
        cal = 1.0 / (1.0 + np.exp(-(z * platt[:, 0] + platt[:, 1])))
        return (1.0 - w) * cal + knn_part

    def _oof_scores(self, F, emb, Ymat, W, kinds):
        from sklearn.model_selection import KFold

        n = Ymat.shape[0]
        oof = np.full(Ymat.shape, np.nan)
        folds = max(2, min(int(self.cv_folds), n))
        saved = self.heads_
        try:
            for tr, te in KFold(folds, shuffle=True, random_state=self.random_state).split(np.arange(n)):
                sub = Ymat[tr]
                ok = all(np.any(sub[:, j] == 1) and np.any(sub[:, j] == 0) for j in range(sub.shape[1]))
                if not ok:
                    continue
                self.heads_ = self._fit_heads(F[tr], emb[tr], sub, W[tr], kinds[tr])
                if "knn" in saved:  # the codebook memory is fixed; only the heads are refitted
                    self.heads_["knn"] = saved["knn"]
                oof[te] = self._raw_scores(F[te], emb[te])
        finally:
            self.heads_ = saved
        return oof

    def _tune_thresholds(self, oof, Ymat, kinds):
        K = Ymat.shape[1]
        # tune on labelled data when there is some, else on the codebook examples
        rows = kinds == 2 if np.any(kinds == 2) else np.ones(len(kinds), dtype=bool)
        th = np.full(K, float(self.base_threshold))
        grid = np.linspace(0.05, 0.95, 91)
        if self.threshold == "global":  # one threshold for every theme, maximising micro-F1
            ok = rows[:, None] & ~np.isnan(oof) & ~np.isnan(Ymat)
            y = (Ymat == 1) & ok
            f = np.zeros(len(grid))
            for g, t in enumerate(grid):
                p = (oof >= t) & ok
                tp = np.sum(p & y)
                f[g] = 2 * tp / (np.sum(p) + np.sum(y)) if tp else 0.0
            if f.max() <= 0:
                return th
            best = np.flatnonzero(f >= f.max() - 1e-9)   # ties: the middle of the best thresholds
            return np.full(K, float(grid[best[len(best) // 2]]))
        for j in range(K):
            ok = rows & ~np.isnan(oof[:, j]) & ~np.isnan(Ymat[:, j])
            y = Ymat[ok, j] == 1
            s = oof[ok, j]
            if y.sum() < 3:
                continue
            best_f, best_t = -1.0, float(self.base_threshold)
            for t in grid:
                p = s >= t
                tp = np.sum(p & y)
                f = 2 * tp / (np.sum(p) + np.sum(y)) if tp else 0.0
                if f > best_f + 1e-9:
                    best_f, best_t = f, t
            th[j] = best_t
        return th

    # ------------------------------------------------------------------ predict
    def _score(self, texts: Sequence[str], sentences=None, progress: bool = False):
        """Unit scores (pooled), sentence scores, and per-text sentence row ranges/spans.

        ``sentences``: optional per-text lists of ``(start, end)`` spans (e.g. from the
        workspace); default :func:`copquotes.text.sentence_spans`.
        """
        self._check_fitted()
        if isinstance(texts, str):
            raise ConfigError("pass a list of texts, not a single string")
        texts = ["" if t is None else str(t) for t in texts]
        if sentences is None:
            sents, spans, ranges = _split_sentences(texts)
        else:
            sents, spans, ranges = [], [], []
            for t, sp in zip(texts, sentences):
                sp = list(sp) or [(0, len(t))]
                start = len(sents)
                sents.extend(t[a:b] for a, b in sp)
                spans.append(sp)
                ranges.append((start, len(sents)))
        n = len(texts)
        # units and sentences share the work: each distinct text is embedded and scored once
        allt = list(texts) + sents
        index: dict[str, int] = {}
        inv = np.fromiter((index.setdefault(t, len(index)) for t in allt), dtype=np.int64, count=len(allt))
        uniq = list(index)
        emb = self._get_embedder().encode(uniq, progress=progress)
        pall = self._raw_scores(self._features(uniq, emb), emb, uniq) if uniq else np.zeros((0, self.n_themes_))
        pu, ps = pall[inv[:n]], pall[inv[n:]]
        if not sents:
            ps = np.zeros((0, self.n_themes_))
        owner = np.repeat(np.arange(n), [b - a for a, b in ranges]) if n else np.zeros(0, dtype=int)
        smax, sarg = _segment_max(ps, owner, n)
        if self.pooling == "unit":
            pooled = pu
        elif self.pooling == "mean":
            pooled = (pu + smax) / 2.0
        else:  # a sentence alone must beat the unit by ``sentence_margin`` to lift its score
            pooled = np.maximum(pu, smax - float(self.sentence_margin))
        return pooled, ps, ranges, spans, sarg

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Theme probabilities, shape ``(n_texts, n_themes)``, columns in ``theme_ids_`` order."""
        return self._score(X)[0]

    def decision_matrix(self, P: np.ndarray) -> np.ndarray:
        return (np.asarray(P) >= self.thresholds_[None, :]).astype(np.int8)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """0/1 matrix ``(n_texts, n_themes)``: a theme is on when its score reaches its threshold."""
        return self.decision_matrix(self.predict_proba(X))

    def predict_frame(self, X: Sequence[str]):
        """Scores as a DataFrame (one column per theme id)."""
        import pandas as pd

        return pd.DataFrame(self.predict_proba(X), columns=self.theme_ids_)

    def predict_sentences(self, X: Sequence[str]) -> list[list[dict]]:
        """Per text, its sentences: ``{"start", "end", "text", "scores": {theme: p}}``."""
        _, ps, ranges, spans, _ = self._score(X)
        out = []
        for text, (a, b), sp in zip(X, ranges, spans):
            out.append([{"start": s, "end": e, "text": text[s:e],
                         "scores": {t: round(float(ps[r, j]), 4) for j, t in enumerate(self.theme_ids_)}}
                        for r, (s, e) in zip(range(a, b), sp)])
        return out

    def tag(self, X: Sequence[str], progress: bool = False) -> list[dict]:
        """Per text: ``{"labels": [...], "scores": {theme: p}, "evidence": {theme: [start, end]}}``."""
        P, ps, ranges, spans, sarg = self._score(X, progress=progress)
        L = self.decision_matrix(P)
        ids = self.theme_ids_
        R = np.round(P.astype(np.float64), 4).tolist()
        out = []
        for i in range(len(P)):
            row = R[i]
            on = [j for j in np.flatnonzero(L[i])]
            on.sort(key=lambda j: -row[j])
            ev = {}
            for j in on:
                r = int(sarg[i, j]) - ranges[i][0]
                if 0 <= r < len(spans[i]):
                    ev[ids[j]] = list(spans[i][r])
            out.append({"labels": [ids[j] for j in on], "scores": dict(zip(ids, row)), "evidence": ev})
        return out

    def explain(self, text: str) -> dict:
        """For each theme ``text`` is tagged with: the sentence that carried it.

        Returns ``{theme: {"start", "end", "text", "score", "sentence_score"}}``.
        """
        if not isinstance(text, str):
            raise ConfigError("explain takes one text")
        P, ps, ranges, spans, sarg = self._score([text])
        L = self.decision_matrix(P)[0]
        out = {}
        for j, t in enumerate(self.theme_ids_):
            if not L[j]:
                continue
            r = int(sarg[0, j])
            s, e = spans[0][r - ranges[0][0]]
            out[t] = {"start": s, "end": e, "text": text[s:e], "score": round(float(P[0, j]), 4),
                      "sentence_score": round(float(ps[r, j]), 4)}
        return out

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted tagger as a joblib artifact (with its codebook and version)."""
        import joblib

        self._check_fitted()
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        emb = self.embedder
        own = getattr(self, "_embedder", None)
        try:
            self.embedder, self._embedder = None, None
            joblib.dump({
                "format": ARTIFACT_FORMAT, "artifact_version": ARTIFACT_VERSION,
                "codebook_name": self.codebook_.name, "codebook_version": self.codebook_.version,
                "codebook_fingerprint": self.codebook_fingerprint_,
                "embedding_model": self.embedding_model_,
                "params": {k: v for k, v in self.get_params().items() if k not in ("embedder", "codebook")},
                "estimator": self,
            }, p, compress=3)
        finally:
            self.embedder, self._embedder = emb, own
        return p

    @classmethod
    def load(cls, path: str | Path, embedder=None) -> "ThemeTagger":
        """Read an artifact written by :meth:`save`; ``embedder`` sets the cache to use."""
        import joblib

        p = Path(path)
        if not p.exists():
            raise ConfigError(f"tagger artifact {p} does not exist: fit and save one with ThemeTagger.save")
        try:
            blob = joblib.load(p)
        except Exception as exc:
            raise ConfigError(f"{p} is not a copquotes tagger artifact ({exc}): re-save it with ThemeTagger.save") from exc
        if not isinstance(blob, dict) or blob.get("format") != ARTIFACT_FORMAT:
            raise ConfigError(f"{p} is not a copquotes tagger artifact: re-save it with ThemeTagger.save")
        if blob.get("artifact_version") != ARTIFACT_VERSION:
            raise ConfigError(f"{p} was written by another copquotes version (artifact "
                              f"{blob.get('artifact_version')}): refit and save it again")
        est = blob["estimator"]
        if embedder is not None:
            est.embedder = embedder
        return est

    # ------------------------------------------------------------------ sklearn
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
