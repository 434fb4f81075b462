"""BERTopic over precomputed embeddings, with parameters that scale with the corpus.

:class:`TopicModel` wraps BERTopic (UMAP -> HDBSCAN -> c-TF-IDF) and follows the
scikit-learn estimator contract: parameters in ``__init__``, ``fit(texts, embeddings)``
returns ``self``, fitted attributes end in ``_``, ``random_state`` fixes the result.

What it adds to BERTopic's defaults (each measured, see ``docs/topics.md``):

* **No network, ever.** BERTopic gets ``embedding_model=None`` and the caller's
  embeddings; nothing is embedded here and no model is looked up by hub id.
* **Corpus-size-scaled parameters** (``"auto"``): ``min_topic_size`` grows with the
  square root of the corpus, HDBSCAN's ``min_samples`` stays small (fewer outliers),
  UMAP's neighbourhood shrinks on tiny corpora, and when HDBSCAN still finds more than
  ``max_topics`` topics they are merged with BERTopic's topic reduction, so 50 units give
  a handful of topics and 50,000 do not give a thousand.
* **Reproducible**: UMAP runs with a fixed ``random_state`` (single-threaded, as UMAP
  requires for determinism); HDBSCAN and the exact nearest-neighbour search are
  deterministic; the same input gives the same topics, bit for bit.
* **Cheap per run**: exact cosine k-nearest neighbours by blocked matrix products
  (no pynndescent, whose numba code cannot be cached) and numba's on-disk cache for
  UMAP's compiled functions, so the 15-45 s numba compile is paid once per machine,
  not once per process (``COPQUOTES_NUMBA_CACHE=0`` turns the cache off).
* **Outlier reduction**: HDBSCAN's outliers are given the nearest topic by cosine
  similarity of their embedding to the topic centroids (BERTopic's ``"embeddings"``
  strategy) when that similarity reaches ``outlier_threshold``; then the keywords are
  recomputed (BERTopic ``update_topics``).
* **Readable keywords and labels**: c-TF-IDF over unigrams and bigrams with an English
  stop-word list plus the domain's filler words (:data:`DOMAIN_STOP_WORDS`), frequent
  words damped; a label of two or three non-overlapping keywords per topic.
* **Representative units**: the members closest to their topic's centroid, distinct texts.
* **A 2-D map** (``map_2d_``): a second UMAP layout to two dimensions that reuses the
  nearest-neighbour graph of the fitted reduction.
* **Large corpora in bounded memory**: :meth:`TopicModel.fit_rows` reads texts and embeddings
  on demand: the fitting sample at once, the other units a chunk at a time, with per-topic
  running sums (:mod:`copquotes.topics.running`) for what needs every unit; the same result as
  :meth:`TopicModel.fit` over the whole arrays.
* **Small corpora degrade gracefully**: below ``min_units`` texts every text goes to a
  single topic 0 (``degenerate_`` says why); no exception.

Topics are never codebook themes: this module does not read, merge or rename themes.
Topic reduction merges *topics* only; themes live in their own columns and tables.
"""
from __future__ import annotations

import logging
import math
import os
import re
import threading
import warnings
from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from ..errors import ConfigError
from .running import OUTLIER, TopicSums, row_dots, unit_rows

log = logging.getLogger(__name__)

# Filler words of transcripts and the programme's own names: never a topic keyword.
DOMAIN_STOP_WORDS = frozenset("""
cop cops community communities practice practices yeah yep yes um umm uh uhm er erm ah oh ok okay
like just really actually basically literally know knew think thought thing things stuff got get
getting gets gonna wanna gotta kind sort lot lots bit mean means meant right sure maybe probably
guess suppose said say says saying went going goes go come came way ways want wanted did does doing
dont didnt doesnt isnt wasnt wouldnt couldnt shouldnt arent werent havent hasnt hadnt wont cant
im ive id youre youve youd theyre theyve weve were hes shes thats theres whats heres lets ill itll
don didn doesn isn wasn wouldn couldn shouldn aren weren haven hasn hadn won ll ve re
just also quite pretty very much many bit little able make made makes use used
mm mmhmm hmm uhhuh huh hey hi thanks thank cheers
""".split())
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
# Stop words that are the whole message of some answers: keywords of a topic with no other words.
_SAYING_NOTHING = frozenset({"nothing", "none", "no", "not", "nil", "never", "everything", "all", "anything",
                             "nobody", "thanks", "thank", "yes", "ok", "okay", "fine"})

# Redaction placeholders and editorial brackets are not words of the speaker.
_PLACEHOLDER = re.compile(r"\[[^\]\n]{0,60}\]|<[^>\n]{0,60}>|\{[^}\n]{0,60}\}")
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"

_N_CANDIDATES = 30          # c-TF-IDF terms looked at per topic
_MIN_SUPPORT = 0.03         # a keyword is used by at least 3% of its topic's units (and 2)
EXACT_KNN_MAX = 30_000      # above this, pynndescent (compiled, not cacheable) finds neighbours
_KNN_BLOCK_BYTES = 64 << 20    # similarity block (float32); argpartition adds 2x that in int64


_NON_WORD = re.compile(r"[^\w\s']+|_+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def clean_for_keywords(text: str) -> str:
    """Text as the keyword extractor sees it: placeholders removed, punctuation -> space.

    BERTopic deletes punctuation without a space ("nothing.Thanks" -> "nothingthanks");
    turning it into a space first keeps the words apart. Apostrophes stay, so
    "don't" becomes the stop word "dont" after BERTopic's own clean-up.
    """
    text = _PLACEHOLDER.sub(" ", text or "").translate(_QUOTES)
    return _NON_WORD.sub(" ", text)


def auto_min_topic_size(n: int) -> int:
    """``min_topic_size`` for a corpus of ``n`` units: ``0.35 * sqrt(n)``, at least 5.

    200 units -> 5, 1,000 -> 11, 6,000 -> 27, 50,000 -> 78.
    """
    return int(max(5, min(500, round(0.35 * math.sqrt(max(n, 1))))))


def auto_min_samples(min_topic_size: int) -> int:
    """HDBSCAN ``min_samples``: small (<= 5) so that fewer units end up outliers."""
    return int(max(2, min(5, min_topic_size // 2)))


def auto_n_neighbors(n: int) -> int:
    """UMAP ``n_neighbors``: 15 (BERTopic's default), fewer on tiny corpora."""
    return int(max(4, min(15, n // 8)))


def auto_max_topics(n: int) -> int:
    """At most ``max(8, 0.8 * sqrt(n))`` and never more than 60 topics.

    50 units -> 8, 200 -> 11, 1,000 -> 25, 2,500 -> 40, 5,625 and more -> 60.
    """
    return int(min(60, max(8, round(0.8 * math.sqrt(max(n, 1))))))


# ----------------------------------------------------------------------------- numba
_NUMBA_LOCK = threading.Lock()
_NUMBA_DONE = False


def enable_numba_cache() -> int:
    """Let numba cache UMAP's compiled functions on disk (once per process).

    UMAP's functions are ``numba.njit`` without ``cache=True``, so every new process
    compiles them again (15-45 s on this machine). Enabling numba's file cache on them
    before their first call keeps the compiled code between processes (numba stores it
    in ``__pycache__`` beside the module, or in its user cache folder when that is not
    writable). Returns how many functions were switched over; ``COPQUOTES_NUMBA_CACHE=0``
    disables it.
    """
    global _NUMBA_DONE
    if os.environ.get("COPQUOTES_NUMBA_CACHE", "1") == "0":
        return 0
    with _NUMBA_LOCK:
        if _NUMBA_DONE:
            return 0
        _NUMBA_DONE = True
        try:
            import numba
            from numba.core.caching import NullCache
            import umap.distances
            import umap.layouts
            import umap.sparse
            import umap.spectral
            import umap.umap_
            import umap.utils
        except Exception:  # pragma: no cover - depends on the install
            return 0
        n = 0
        for mod in (umap.umap_, umap.layouts, umap.spectral, umap.distances, umap.utils, umap.sparse):
            for value in list(vars(mod).values()):
                if isinstance(value, numba.core.dispatcher.Dispatcher) and isinstance(
                        getattr(value, "_cache", None), NullCache):
                    try:
                        value.enable_caching()
                        n += 1
                    except Exception:  # pragma: no cover
                        pass
        return n


def preload() -> None:
    """Import BERTopic, UMAP and HDBSCAN and switch on the numba cache (10-20 s, once per process).

    :meth:`TopicModel.fit` calls it; call it earlier to keep imports out of a timing.
    """
    enable_numba_cache()
    import bertopic  # noqa: F401
    import hdbscan  # noqa: F401
    import umap  # noqa: F401


# ----------------------------------------------------------------------------- neighbours
def cosine_knn(embeddings: np.ndarray, k: int, random_state: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """k nearest neighbours by cosine distance (each point is its own first neighbour).

    Exact (blocked matrix products) up to :data:`EXACT_KNN_MAX` rows, deterministic;
    pynndescent above that (seeded, so deterministic too).
    """
    X = np.ascontiguousarray(embeddings, dtype=np.float32)
    n = X.shape[0]
    k = int(min(k, n))
    if n > EXACT_KNN_MAX:
        from pynndescent import NNDescent

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            index = NNDescent(X, metric="cosine", n_neighbors=k, random_state=random_state,
                              n_jobs=1, low_memory=True, compressed=True)
            idx, dist = index.neighbor_graph
        return idx.astype(np.int32), dist.astype(np.float32)
    idx = np.empty((n, k), dtype=np.int32)
    dist = np.empty((n, k), dtype=np.float32)
    block = max(64, min(4096, _KNN_BLOCK_BYTES // max(1, 4 * n)))
    for s in range(0, n, block):
        sims = X[s:s + block] @ X.T
        rows = np.arange(sims.shape[0])
        sims[rows, s + rows] = np.inf          # the point itself comes first
        part = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        vals = np.take_along_axis(sims, part, axis=1)
        by_index = np.argsort(part, axis=1, kind="stable")
        part = np.take_along_axis(part, by_index, axis=1)
        vals = np.take_along_axis(vals, by_index, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")   # ties: lower index first
        idx[s:s + block] = np.take_along_axis(part, order, axis=1)
        v = np.take_along_axis(vals, order, axis=1)
        v[:, 0] = 1.0
        dist[s:s + block] = np.clip(1.0 - v, 0.0, 2.0)
    return idx, dist


class _KnnUMAP:
    """UMAP fed with our own nearest-neighbour graph (the ``umap_model`` BERTopic calls).

    Keeps the graph so that the 2-D map reuses it instead of searching again.
    Transforming new data is not supported (``TopicModel.transform`` uses topic centroids).
    """

    def __init__(self, n_neighbors: int, n_components: int, n_epochs: int | None, random_state: int):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_epochs = n_epochs
        self.random_state = random_state
        self.knn_ = None
        self.embedding_ = None
        self.timings_: dict[str, float] = {}

    def _umap(self, X, n_components, min_dist, n_epochs, init="spectral"):
        import time

        enable_numba_cache()
        from umap import UMAP

        if self.knn_ is None:
            t = time.perf_counter()
            self.knn_ = cosine_knn(X, self.n_neighbors, self.random_state)
            self.timings_["knn"] = time.perf_counter() - t
        idx, dist = self.knn_
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = UMAP(n_neighbors=self.n_neighbors, n_components=n_components, min_dist=min_dist,
                         metric="cosine", random_state=self.random_state, n_epochs=n_epochs,
                         precomputed_knn=(idx.copy(), dist.copy()), low_memory=True, n_jobs=1,
                         verbose=False, init=init)
            out = model.fit_transform(X)
        self.timings_[f"umap_{n_components}d"] = time.perf_counter() - t
        return out

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        self.embedding_ = np.nan_to_num(self._umap(X, self.n_components, 0.0, self.n_epochs)).astype(np.float32)
        return self.embedding_

    def transform(self, X):
        if self.embedding_ is not None and len(X) == len(self.embedding_):
            return self.embedding_
        raise NotImplementedError("TopicModel assigns new texts by topic centroid; use TopicModel.transform")

    def map_2d(self, X) -> np.ndarray:
        """The 2-D map for figures and the app: the same neighbour graph, started from the
        data's PCA (no second spectral layout) and 100 epochs; about half the time of a
        spectral start with 200 epochs, for a picture only (topics come from the 5-D run)."""
        return np.nan_to_num(self._umap(X, 2, 0.1, min(self.n_epochs or 100, 100), init="pca")).astype(np.float32)


class _AdaptiveHDBSCAN:
    """HDBSCAN that avoids one blob (the ``hdbscan_model`` BERTopic calls).

    Excess-of-mass selection first (BERTopic's default). When that gives fewer than
    three clusters, or one cluster holds more than half of the units, leaf selection
    (finer clusters) is tried and kept if it gives more clusters and a smaller largest
    cluster; too many small clusters are merged afterwards by topic reduction.
    """

    def __init__(self, min_cluster_size: int, min_samples: int):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.selection_ = "eom"

    def _fit(self, X, method):
        from hdbscan import HDBSCAN

        return HDBSCAN(min_cluster_size=self.min_cluster_size, min_samples=self.min_samples, metric="euclidean",
                       cluster_selection_method=method, core_dist_n_jobs=1).fit(X)

    @staticmethod
    def _shape(labels) -> tuple[int, float]:
        labels = np.asarray(labels)
        real = labels[labels != OUTLIER]
        k = len(np.unique(real))
        largest = np.bincount(real).max() / len(labels) if len(real) else 1.0
        return k, float(largest)

    def fit(self, X, y=None):
        best = self._fit(X, "eom")
        self.selection_ = "eom"
        k, largest = self._shape(best.labels_)
        if (k < 3 or largest > 0.5) and len(X) >= 3 * self.min_cluster_size:
            leaf = self._fit(X, "leaf")
            k2, largest2 = self._shape(leaf.labels_)
            if k2 > k and largest2 < largest:
                best, self.selection_ = leaf, "leaf"
        self.labels_ = best.labels_
        self.probabilities_ = best.probabilities_
        return self


# ----------------------------------------------------------------------------- labels
def _stem(word: str) -> str:
    for suffix in ("ingly", "edly", "ing", "ers", "ies", "ed", "er", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """A short readable label: the top keywords, each word said once, ``n`` parts at most.

    Keywords are read in order; a keyword contributes only its words not yet in the
    label (compared by a crude stem), so ``["staff friendly", "staff helpful",
    "waiting", "waiting time"]`` gives ``"staff friendly, helpful, waiting"``.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for kw in keywords:
        words = [w for w in (kw or "").split() if _stem(w) not in seen]
        if not words:
            continue
        parts.append(" ".join(words))
        seen |= {_stem(w) for w in words}
        if len(parts) >= n:
            break
    return ", ".join(parts) if parts else "(no keywords)"


def _as_texts(texts) -> list[str]:
    return ["" if t is None else str(t) for t in texts]


def _check_texts_embeddings(texts, embeddings) -> tuple[list[str], np.ndarray]:
    if isinstance(texts, str):
        raise ConfigError("TopicModel takes a list of texts, not a single string")
    texts = _as_texts(texts)
    E = _check_embeddings(embeddings)
    if E.shape[0] != len(texts):
        raise ConfigError(f"{len(texts)} texts but {E.shape[0]} embedding rows: pass one row per text")
    return texts, E


def _check_embeddings(embeddings) -> np.ndarray:
    """The embeddings as unit rows (float32), or a ConfigError saying what is wrong with them."""
    if embeddings is None:
        raise ConfigError("TopicModel needs precomputed embeddings: pass Embedder().encode(texts)")
    E = np.asarray(embeddings, dtype=np.float32)
    if E.ndim != 2:
        raise ConfigError(f"embeddings must be a 2-D array (one row per text), not shape {E.shape}")
    if not np.isfinite(E).all():
        raise ConfigError("embeddings contain NaN or infinite values: re-embed the texts")
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (E / norms).astype(np.float32)


def _clean_texts(read_texts, rows: np.ndarray, chunk: int) -> list[str]:
    """The texts of ``rows`` (ascending) as the keyword extractor sees them, read ``chunk`` at a time."""
    out: list[str] = []
    for s in range(0, len(rows), max(1, int(chunk))):
        part = rows[s:s + max(1, int(chunk))]
        texts = _as_texts(read_texts(part))
        if len(texts) != len(part):
            raise ConfigError(f"read_rows gave {len(texts)} texts for {len(part)} rows")
        out += [clean_for_keywords(t) for t in texts]
    return out


def _by_frequency(labels: np.ndarray) -> np.ndarray:
    """HDBSCAN's labels numbered by cluster size, largest first, as BERTopic's ``fit_transform``
    numbers them (the same pandas sort, so that ties fall the same way); -1 stays -1."""
    sizes = Counter(labels.tolist())
    df = pd.DataFrame(sizes.items(), columns=["Old_Topic", "Size"]).sort_values("Size", ascending=False)
    df = df[df.Old_Topic != OUTLIER]
    mapping = {OUTLIER: OUTLIER, **dict(zip(df.Old_Topic.tolist(), range(len(df))))}
    return np.array([mapping[t] for t in labels.tolist()], dtype=int)


def _reduce_outliers(E_fit, topics_fit, probs_fit, thr, timings: dict):
    """Outliers within ``thr`` cosine of a topic centroid join the most similar ("nearest"; BERTopic's
    ``reduce_outliers(strategy="embeddings")``, computed as it computes it); the topics, probabilities
    and how each text was assigned ("cluster" / "nearest" / "outlier")."""
    import time

    from sklearn.metrics.pairwise import cosine_similarity

    assigned_fit = np.where(topics_fit == OUTLIER, "outlier", "cluster").astype(object)
    probs_fit = np.where(topics_fit == OUTLIER, 0.0, probs_fit)
    if thr is None or not (topics_fit == OUTLIER).any():
        return topics_fit, probs_fit, assigned_fit
    t = time.perf_counter()
    ids, C = _centroids(E_fit, topics_fit)
    out = np.flatnonzero(topics_fit == OUTLIER)
    similarity = cosine_similarity(np.array([E_fit[i] for i in out]), C)
    similarity[similarity < thr] = 0
    new = np.asarray(topics_fit, dtype=int).copy()
    new[out] = [np.argmax(sim) if sum(sim) > 0 else OUTLIER for sim in similarity]
    moved = (topics_fit == OUTLIER) & (new != OUTLIER)
    if moved.any():
        sims = E_fit[moved] @ C.T
        probs_fit[moved] = np.clip(sims[np.arange(moved.sum()), _index_of(ids, new[moved])], 0, 1)
        assigned_fit[moved] = "nearest"
    timings["reduce_outliers"] = time.perf_counter() - t
    return new, probs_fit, assigned_fit


def _by_similarity(rows: np.ndarray, E_rows: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
    """``rows`` ordered by the similarity of their embeddings to ``c`` (default: their unit-length
    mean), most similar first, ties by the lower row."""
    if c is None:
        c = E_rows.mean(0)
        c /= np.linalg.norm(c) or 1.0
    sims = row_dots(E_rows, c)
    return np.asarray(rows)[np.lexsort((rows, -sims))]


# ----------------------------------------------------------------------------- the model
class TopicModel(BaseEstimator):
    """Topics of a corpus from its texts and their precomputed embeddings.

    Parameters
    ----------
    min_topic_size: smallest topic (HDBSCAN ``min_cluster_size``); ``"auto"`` =
        :func:`auto_min_topic_size` of the corpus size.
    min_samples: HDBSCAN ``min_samples``; ``"auto"`` = :func:`auto_min_samples`.
    n_neighbors: UMAP neighbourhood; ``"auto"`` = :func:`auto_n_neighbors`.
    n_components: UMAP dimensions clustered by HDBSCAN.
    n_epochs: UMAP optimisation epochs; ``"auto"`` = 500 up to 2,000 units, else 200.
    max_topics: topics beyond this are merged by BERTopic's topic reduction;
        ``"auto"`` = :func:`auto_max_topics`; ``None`` = never merge.
    outlier_threshold: an HDBSCAN outlier joins its nearest topic when the cosine
        similarity of its embedding to the topic centroid is at least this; ``None``
        keeps every outlier as topic -1.
    top_n_words: keywords kept per topic.
    n_representative: representative units kept per topic.
    stop_words: extra stop words on top of :data:`STOP_WORDS`.
    min_units: below this many texts every text goes to one topic (``degenerate_``).
    max_fit_units: larger corpora are fitted on a random sample of this many units;
        the rest join their nearest topic (by centroid) and are placed on the map
        between their nearest fitted neighbours. :meth:`fit_rows` reads such a corpus a
        chunk at a time instead of taking it whole (same result).
    map_2d: also compute a 2-D map of the units (``map_2d_``).
    random_state: seed of UMAP and of the sample.

    Fitted attributes
    -----------------
    ``topics_`` (int array, -1 = outlier), ``probs_`` (HDBSCAN membership strength for
    clustered units; cosine similarity to the centroid for units placed by outlier
    reduction or sampling; 0 for outliers), ``assigned_by_`` ("cluster", "nearest" or
    "outlier" per unit), ``topic_info_`` (DataFrame: topic, label, size, share,
    keywords, keyword_scores, representative), ``keywords_``, ``labels_``,
    ``representative_`` (topic -> list of row indices), ``topic_embeddings_``
    (unit-normalised centroids, rows ordered as ``topic_ids_``), ``map_2d_`` (n x 2
    or None), ``n_topics_`` (not counting -1), ``outlier_share_``,
    ``n_clusters_found_`` (before merging), ``params_`` (the resolved parameters),
    ``degenerate_`` (None or why the corpus was too small), ``bertopic_`` (the fitted
    BERTopic object, or None), ``timings_`` (seconds per step).
    """

    def __init__(self, min_topic_size="auto", min_samples="auto", n_neighbors="auto", n_components=5,
                 n_epochs="auto", max_topics="auto", outlier_threshold=0.3, top_n_words=10,
                 n_representative=5, stop_words=(), min_units=30, max_fit_units=20_000, map_2d=True,
                 random_state=42):
        self.min_topic_size = min_topic_size
        self.min_samples = min_samples
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_epochs = n_epochs
        self.max_topics = max_topics
        self.outlier_threshold = outlier_threshold
        self.top_n_words = top_n_words
        self.n_representative = n_representative
        self.stop_words = stop_words
        self.min_units = min_units
        self.max_fit_units = max_fit_units
        self.map_2d = map_2d
        self.random_state = random_state

    # ------------------------------------------------------------------ parameters
    def resolve_params(self, n: int) -> dict:
        """The effective parameters for a corpus of ``n`` units (``"auto"`` resolved)."""
        n_fit = min(n, int(self.max_fit_units)) if self.max_fit_units else n

        def pick(value, auto, name, lo=1):
            if value == "auto" or value is None and name in ("n_epochs",):
                return auto
            try:
                v = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{name} must be a positive integer or 'auto', not {value!r}") from None
            if v < lo:
                raise ConfigError(f"{name} must be at least {lo}, not {v}")
            return v

        mts = pick(self.min_topic_size, auto_min_topic_size(n_fit), "min_topic_size", 2)
        ms = pick(self.min_samples, auto_min_samples(mts), "min_samples", 1)
        nn = pick(self.n_neighbors, auto_n_neighbors(n_fit), "n_neighbors", 2)
        nn = max(2, min(nn, n_fit - 1)) if n_fit > 2 else 2
        ne = pick(self.n_epochs, 500 if n_fit <= 2000 else 200, "n_epochs", 10)
        if self.max_topics is None:
            mt = None
        else:
            mt = pick(self.max_topics, auto_max_topics(n), "max_topics", 2)
        nc = pick(self.n_components, 5, "n_components", 2)
        if self.outlier_threshold is not None and not -1.0 <= float(self.outlier_threshold) <= 1.0:
            raise ConfigError(f"outlier_threshold must be between -1 and 1 (a cosine similarity) or None, "
                              f"not {self.outlier_threshold!r}")
        return {"n_units": n, "n_fit": n_fit, "min_topic_size": mts, "min_samples": ms, "n_neighbors": nn,
                "n_components": nc, "n_epochs": ne, "max_topics": mt,
                "outlier_threshold": None if self.outlier_threshold is None else float(self.outlier_threshold),
                "random_state": int(self.random_state)}

    def _vectorizer(self) -> CountVectorizer:
        stop = sorted(STOP_WORDS | {str(w).lower() for w in (self.stop_words or ())})
        return CountVectorizer(stop_words=stop, ngram_range=(1, 2), token_pattern=_TOKEN_PATTERN,
                               lowercase=True, min_df=1)

    # ------------------------------------------------------------------ fit
    def fit(self, texts, embeddings, y=None):
        """Fit topics on ``texts`` (for keywords) and their ``embeddings`` (for clustering):
        :meth:`assign` on the embeddings, then :meth:`describe` from the texts."""
        texts = _check_texts_embeddings(texts, embeddings)[0]
        self.assign(embeddings)    # unit rows made once: the same bits as one check of them
        return self.describe(lambda rows: [texts[i] for i in rows])

    def fit_rows(self, n: int, read_rows, chunk: int = 5000):
        """Fit on a corpus of ``n`` texts read on demand: the result of :meth:`fit` on all of
        them, without holding them all once the corpus is larger than the sample.

        ``read_rows(rows)`` returns ``(texts, embeddings)`` of the given rows (ascending
        indices into the corpus). Up to ``max_fit_units`` texts (or below ``min_units``) all are
        read at once and :meth:`fit` runs. Above: :meth:`assign_rows` with the embeddings, then
        :meth:`describe` with the texts.
        """
        n = int(n)
        if len(self.sample_rows(n)) >= n:
            return self.fit(*read_rows(np.arange(n)))

        def embeddings(rows):
            texts, E = read_rows(rows)
            if len(texts) != len(rows):
                raise ConfigError(f"read_rows gave {len(texts)} texts for {len(rows)} rows")
            return E

        self.assign_rows(n, embeddings, chunk=chunk)
        return self.describe(lambda rows: read_rows(rows)[0], chunk=chunk)

    def assign(self, embeddings):
        """The topic of every row from its embedding alone (no text is read): UMAP and HDBSCAN on
        the sample (:meth:`sample_rows`), merged down to ``max_topics``, outlier reduction, the
        other rows by nearest centroid, the 2-D map, and per topic the rows that may represent it,
        most similar to its mean first (``candidates_``). :meth:`describe` then gives the keywords,
        labels and representatives from the texts."""
        import time

        timings: dict[str, float] = {}
        t_all = time.perf_counter()
        E = _check_embeddings(embeddings)
        n = len(E)
        if n == 0:
            raise ConfigError("no texts to find topics in: ingest some files first")
        p = self._start(n, E.shape[1])
        if n < int(self.min_units):
            self._assign_one_topic(E, f"only {n} texts (fewer than min_units={self.min_units}): all are in one "
                                      "topic; topics need more text to be meaningful")
            self.map_2d_ = self._small_map(E) if self.map_2d else None
            return self._timed(timings, t_all)
        fit_idx = self.sample_rows(n)
        E_fit = E[fit_idx]
        reducer, topics_fit, probs_fit, assigned_fit = self._cluster_sample(E_fit, p, timings)
        if topics_fit is None:
            # HDBSCAN found no structure: one topic, said plainly
            self._assign_one_topic(E, self._no_cluster_reason(p))
            self.map_2d_ = reducer.map_2d(E_fit) if (self.map_2d and p["n_fit"] == n) else (
                self._small_map(E) if self.map_2d else None)
            return self._timed(timings, t_all)
        self._keep_sample(fit_idx, E_fit, topics_fit)
        fit_mask = np.zeros(n, bool)
        fit_mask[fit_idx] = True
        topics, probs, assigned = self._assign_rest(E, fit_idx, fit_mask, topics_fit, probs_fit, assigned_fit, p)
        self._set_assigned(topics, probs, assigned, *_centroids(E, topics),
                           self._candidates(E, topics, assigned, fit_mask))
        self.map_2d_ = self._fit_map(reducer, E, E_fit, fit_idx, fit_mask, p, timings) if self.map_2d else None
        return self._timed(timings, t_all)

    def assign_rows(self, n: int, read_embeddings, chunk: int = 5000):
        """:meth:`assign` on a corpus of ``n`` rows read on demand (``read_embeddings(rows)``: the
        embeddings of the given rows, ascending), without holding them all once the corpus is larger
        than the sample: held are the sample's embeddings, one chunk of about ``chunk`` other rows at
        a time, per-row results (topic, probability, how assigned, map position) and one embedding
        sum per topic. The rows outside the sample are read once; the members of a topic without a
        clustered member (the outliers) once more for its candidate representatives. When HDBSCAN
        finds no cluster in the sample, every row is read at once (one topic for all)."""
        import time

        n = int(n)
        fit_idx = self.sample_rows(n)
        if len(fit_idx) >= n:
            return self.assign(read_embeddings(np.arange(n)))
        timings: dict[str, float] = {"read": 0.0}
        t_all = time.perf_counter()

        def read(rows):
            t0 = time.perf_counter()
            try:
                E = _check_embeddings(read_embeddings(rows))
            finally:
                timings["read"] += time.perf_counter() - t0
            if len(E) != len(rows):
                raise ConfigError(f"read_rows gave {len(E)} embedding rows for {len(rows)} rows")
            return E

        E_s = read(fit_idx)
        p = self._start(n, E_s.shape[1])
        reducer, topics_s, probs_s, assigned_s = self._cluster_sample(E_s, p, timings)
        if topics_s is None:
            log.warning("topics: no cluster in the sample; reading all %d texts at once", n)
            E = read(np.arange(n))
            self._assign_one_topic(E, self._no_cluster_reason(p))
            self.map_2d_ = self._small_map(E) if self.map_2d else None
            return self._timed(timings, t_all)
        ids, C = self._keep_sample(fit_idx, E_s, topics_s)
        t = time.perf_counter()
        xy_s = reducer.map_2d(E_s) if self.map_2d else None
        timings.update(reducer.timings_)
        timings["map_2d"] = time.perf_counter() - t

        # --- the other rows, a chunk at a time: nearest centroid of the sample, map position
        t = time.perf_counter()
        self.topic_ids_, self.topic_embeddings_ = ids, C
        topics, probs = np.full(n, OUTLIER, dtype=int), np.zeros(n, dtype=float)
        assigned = np.full(n, "outlier", dtype=object)
        topics[fit_idx], probs[fit_idx], assigned[fit_idx] = topics_s, probs_s, assigned_s
        xy = np.zeros((n, 2), dtype=np.float32) if self.map_2d else None
        if xy is not None:
            xy[fit_idx] = xy_s
        sums = TopicSums(E_s.shape[1])
        rest = np.setdiff1d(np.arange(n), fit_idx)
        step = _interpolation_chunk(len(fit_idx), chunk)   # the blocks of assign()'s one call, unchanged
        done = 0                                           # sample rows added to the sums
        for s in range(0, len(rest), step):
            rows = rest[s:s + step]
            E_r = read(rows)
            t_r, p_r = self._nearest(E_r, p["outlier_threshold"])
            topics[rows], probs[rows] = t_r, p_r
            assigned[rows] = np.where(t_r == OUTLIER, "outlier", "nearest")
            if xy is not None:
                xy[rows] = _interpolate(E_r, E_s, xy_s, k=p["n_neighbors"])
            upto = int(np.searchsorted(fit_idx, rows[-1]))
            order = np.argsort(np.concatenate([fit_idx[done:upto], rows]), kind="stable")
            sums.add(np.concatenate([topics_s[done:upto], t_r])[order], np.concatenate([E_s[done:upto], E_r])[order])
            done = upto
        sums.add(topics_s[done:], E_s[done:])
        timings["assign_rest"] = time.perf_counter() - t

        t = time.perf_counter()
        candidates = self._candidates_rows(n, read, chunk, fit_idx, E_s, topics_s, assigned_s, topics, sums)
        self._set_assigned(topics, probs, assigned, *sums.centroids(), candidates)
        timings["candidates"] = time.perf_counter() - t
        self.map_2d_ = xy
        return self._timed(timings, t_all)

    def _start(self, n: int, dim: int) -> dict:
        """The parameters for ``n`` rows of ``dim`` dimensions, and the fitted state reset."""
        p = self.params_ = self.resolve_params(n)
        self.n_features_in_ = int(dim)
        self.degenerate_, self.bertopic_, self.n_clusters_found_ = None, None, 0
        return p

    def _timed(self, timings: dict, t_all: float):
        import time

        self.timings_ = {**timings, "total": time.perf_counter() - t_all}
        return self

    def _keep_sample(self, fit_idx, E_fit, topics_fit) -> tuple[list[int], np.ndarray]:
        """Keep what :meth:`describe` needs of the sample (its rows, topics, centroids, the mean of
        its outliers); the sample's centroids (ids, unit rows), which place the other rows."""
        ids, C = _centroids(E_fit, topics_fit)
        out = topics_fit == OUTLIER
        self.sample_, self.sample_topics_ = np.asarray(fit_idx), np.asarray(topics_fit, dtype=int)
        self.sample_topic_ids_, self.sample_topic_embeddings_ = ids, C
        self.sample_outlier_mean_ = E_fit[out].mean(0) if out.any() else None
        return ids, C

    def _assign_rest(self, E, fit_idx, fit_mask, topics_fit, probs_fit, assigned_fit, p: dict):
        """(topics, probabilities, how assigned) of every row: the sample's, the others' by the
        nearest centroid of the sample."""
        n = len(E)
        topics = np.full(n, OUTLIER, dtype=int)
        probs = np.zeros(n, dtype=float)
        assigned = np.array(["outlier"] * n, dtype=object)
        topics[fit_idx], probs[fit_idx], assigned[fit_idx] = topics_fit, probs_fit, assigned_fit
        self.topic_ids_, self.topic_embeddings_ = self.sample_topic_ids_, self.sample_topic_embeddings_
        if not fit_mask.all():
            rest = np.flatnonzero(~fit_mask)
            t_rest, p_rest = self._nearest(E[rest], p["outlier_threshold"])
            topics[rest], probs[rest] = t_rest, p_rest
            assigned[rest] = np.where(t_rest == OUTLIER, "outlier", "nearest")
        return topics, probs, assigned

    def _candidates_rows(self, n, read, chunk, fit_idx, E_s, topics_s, assigned_s, topics,
                         sums: TopicSums) -> dict[int, np.ndarray]:
        """:meth:`_candidates` for :meth:`assign_rows`: topics with clustered members (all in the
        sample) from the sample; the others (the outliers) from all their members, read again a
        chunk at a time, against their mean kept in ``sums``."""
        out: dict[int, np.ndarray] = {}
        others: dict[int, np.ndarray] = {}
        for t in np.unique(topics).tolist():
            core = np.flatnonzero((topics_s == t) & (assigned_s == "cluster"))
            if len(core):
                out[t] = _by_similarity(fit_idx[core], E_s[core])
            else:
                c = sums.mean(t)
                c /= np.linalg.norm(c) or 1.0
                others[t] = c
        if not others:
            return out
        rows_of = {t: [fit_idx[topics_s == t]] for t in others}       # members in the sample: held
        sims_of = {t: [row_dots(E_s[topics_s == t], c)] for t, c in others.items()}
        in_sample = np.zeros(n, bool)
        in_sample[fit_idx] = True
        rows_all = np.flatnonzero(np.isin(topics, list(others)) & ~in_sample)
        for s in range(0, len(rows_all), chunk):
            rows = rows_all[s:s + chunk]
            E_r = read(rows)
            for t in np.unique(topics[rows]).tolist():
                m = topics[rows] == t
                rows_of[t].append(rows[m])
                sims_of[t].append(row_dots(E_r[m], others[t]))
        for t in others:
            rows, sims = np.concatenate(rows_of[t]), np.concatenate(sims_of[t])
            out[t] = rows[np.lexsort((rows, -sims))]
        return dict(sorted(out.items()))

    def sample_rows(self, n: int) -> np.ndarray:
        """The rows (ascending) that :meth:`fit` clusters in a corpus of ``n`` texts: all of them
        up to ``max_fit_units``, else a sample of that many drawn with ``random_state``."""
        p = self.resolve_params(n)
        if n < int(self.min_units) or p["n_fit"] >= n:
            return np.arange(n)
        rng = np.random.default_rng(p["random_state"])
        return np.sort(rng.choice(n, size=p["n_fit"], replace=False))

    @staticmethod
    def _no_cluster_reason(p: dict) -> str:
        return (f"no clusters of at least {p['min_topic_size']} similar texts among {p['n_units']}: all are "
                "in one topic (lower min_topic_size to look for smaller topics)")

    def _cluster_sample(self, E_fit, p: dict, timings: dict):
        """Topics of the sample from its embeddings: cluster, merge down to ``max_topics``,
        outlier reduction, numbering by size. Returns ``(reducer, topics, probs, assigned)``; all
        but the reducer None when HDBSCAN found no cluster."""
        import time

        reducer, topics_fit, probs_fit = self._cluster(E_fit, p, timings)
        if self.n_clusters_found_ == 0:
            return reducer, None, None, None
        # --- too many topics: merge the smallest into its nearest, until max_topics remain
        if p["max_topics"] is not None and self.n_clusters_found_ > p["max_topics"]:
            t = time.perf_counter()
            topics_fit = merge_small_topics(E_fit, topics_fit, p["max_topics"])
            timings["reduce_topics"] = time.perf_counter() - t
        topics_fit, probs_fit, assigned_fit = _reduce_outliers(E_fit, topics_fit, probs_fit,
                                                               p["outlier_threshold"], timings)
        return reducer, _renumber(topics_fit), probs_fit, assigned_fit

    def _assign_one_topic(self, E, reason: str) -> None:
        """Every row in topic 0 (too few texts, or no cluster found), saying why."""
        n = len(E)
        self.degenerate_ = reason
        log.warning("topics: %s", reason)
        topics, assigned = np.zeros(n, dtype=int), np.array(["cluster"] * n, dtype=object)
        self.sample_, self.sample_topics_ = np.arange(n), topics
        self._set_assigned(topics, np.ones(n, dtype=float), assigned, *_centroids(E, topics),
                           self._candidates(E, topics, assigned, np.ones(n, bool)))

    def _cluster(self, E_fit, p: dict, timings: dict):
        """UMAP on a k-NN graph, then adaptive HDBSCAN, on the sample's embeddings, the clusters
        numbered by size as BERTopic numbers them (largest first): the reducer (its neighbour graph
        serves the 2-D map), topics and probabilities."""
        import time

        t = time.perf_counter()
        preload()
        timings["imports"] = time.perf_counter() - t
        reducer = _KnnUMAP(p["n_neighbors"], p["n_components"], p["n_epochs"], p["random_state"])
        hdb = _AdaptiveHDBSCAN(p["min_topic_size"], p["min_samples"])
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hdb.fit(np.nan_to_num(reducer.fit_transform(E_fit)))
        timings["umap_hdbscan"] = time.perf_counter() - t
        timings.update(reducer.timings_)
        topics_fit = _by_frequency(np.asarray(hdb.labels_, dtype=int))
        probs_fit = np.asarray(hdb.probabilities_ if hdb.probabilities_ is not None else np.ones(len(E_fit)),
                               dtype=float)
        self.n_clusters_found_ = int(len(set(topics_fit.tolist()) - {OUTLIER}))
        p["cluster_selection"] = hdb.selection_
        return reducer, topics_fit, probs_fit

    # ------------------------------------------------------------------ describe
    def describe(self, read_texts, chunk: int = 5000):
        """Keywords, labels and representatives of the topics :meth:`assign` gave, from the texts:
        ``read_texts(rows)`` gives the texts of the given rows (ascending), the texts keywords come
        from. Reads the sample's texts (every text when the corpus gave one topic) and, per topic,
        its candidates, best first, until ``n_representative`` distinct texts."""
        import time

        if not hasattr(self, "candidates_"):
            raise ConfigError("describe needs the topics of the rows: call assign(embeddings) first")
        timings = dict(getattr(self, "timings_", {}))
        t = time.perf_counter()
        keywords = self._keywords(read_texts, chunk)
        timings["keywords"] = time.perf_counter() - t
        t = time.perf_counter()
        reps = {t: self._pick(rows, read_texts, chunk) for t, rows in self.candidates_.items()}
        self._set_described(keywords, reps)
        timings["representatives"] = time.perf_counter() - t
        self.timings_ = timings
        return self

    def _keywords(self, read_texts, chunk: int) -> dict[int, list[tuple[str, float]]]:
        """Keywords per topic: of the one topic from every text; else c-TF-IDF over the sample's
        texts, kept where the topic's texts support them (written into a BERTopic model, ``bertopic_``)."""
        if self.degenerate_ is not None:
            docs = _clean_texts(read_texts, np.arange(len(self.topics_)), chunk)
            return {0: self._plain_keywords(docs)}
        docs = _clean_texts(read_texts, self.sample_, chunk)
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        topics_s = self.sample_topics_
        bt = BERTopic(embedding_model=None, vectorizer_model=self._vectorizer(), ctfidf_model=ClassTfidfTransformer(),
                      top_n_words=int(self.top_n_words), calculate_probabilities=False, verbose=False)
        logging.getLogger("BERTopic").setLevel(logging.ERROR)   # it warns about custom topic lists
        bt.topics_ = topics_s.tolist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bt.update_topics(docs, topics=topics_s.tolist(), vectorizer_model=self._vectorizer(),
                             ctfidf_model=ClassTfidfTransformer(), top_n_words=_N_CANDIDATES)
        C, mean_out = self.sample_topic_embeddings_, self.sample_outlier_mean_
        bt.topic_embeddings_ = C if mean_out is None else np.vstack([mean_out[None, :], C])
        keywords = self._supported_keywords(bt, docs, topics_s)
        bt.topic_representations_ = {t: (kws or [("", 1e-5)]) for t, kws in keywords.items()}
        self.bertopic_ = bt
        return keywords

    def _pick(self, rows: np.ndarray, read_texts, chunk: int) -> list[int]:
        """The first ``n_representative`` of ``rows`` (best first) with distinct texts (case and
        spacing ignored), their texts read a few at a time."""
        k = int(self.n_representative)
        chosen, seen = [], set()
        step = max(1, min(int(chunk), max(8, 4 * k)))
        for s in range(0, len(rows), step):
            part = np.asarray(rows[s:s + step])
            ordered = np.sort(part)
            text_of = dict(zip(ordered.tolist(), _as_texts(read_texts(ordered))))
            for r in part.tolist():
                key = text_key(text_of[r])
                if key in seen:
                    continue
                seen.add(key)
                chosen.append(int(r))
                if len(chosen) >= k:
                    return chosen
        return chosen

    @staticmethod
    def _fit_map(reducer, E, E_fit, fit_idx, fit_mask, p: dict, timings: dict) -> np.ndarray:
        """The 2-D map, reusing the neighbour graph of the reduction; texts outside the sample
        placed among their nearest sampled neighbours."""
        import time

        t = time.perf_counter()
        xy = np.zeros((len(E), 2), dtype=np.float32)
        xy[fit_idx] = reducer.map_2d(E_fit)
        timings.update(reducer.timings_)
        if not fit_mask.all():
            xy[~fit_mask] = _interpolate(E[~fit_mask], E_fit, xy[fit_idx], k=p["n_neighbors"])
        timings["map_2d"] = time.perf_counter() - t
        return xy

    def fit_transform(self, texts, embeddings, y=None) -> np.ndarray:
        return self.fit(texts, embeddings).topics_

    # ------------------------------------------------------------------ transform
    def transform(self, texts, embeddings) -> np.ndarray:
        """Topic of new texts: the nearest topic centroid (cosine), -1 below ``outlier_threshold``."""
        self._check_fitted()
        texts, E = _check_texts_embeddings(texts, embeddings)
        if E.shape[1] != self.n_features_in_:
            raise ConfigError(f"embeddings have {E.shape[1]} dimensions; the model was fitted on "
                              f"{self.n_features_in_}: embed with the same model")
        return self._nearest(E, self.params_["outlier_threshold"])[0]

    def predict_proba_nearest(self, embeddings) -> tuple[np.ndarray, np.ndarray]:
        """(topics, cosine similarity to the chosen centroid) for embeddings."""
        self._check_fitted()
        _, E = _check_texts_embeddings([""] * len(embeddings), embeddings)
        return self._nearest(E, self.params_["outlier_threshold"])

    def _nearest(self, E: np.ndarray, thr) -> tuple[np.ndarray, np.ndarray]:
        if len(E) == 0:
            return np.zeros(0, int), np.zeros(0)
        sims = E @ self.topic_embeddings_.T
        best = sims.argmax(1)
        s = sims[np.arange(len(E)), best]
        topics = np.asarray(self.topic_ids_)[best].astype(int)
        if thr is not None:
            topics = np.where(s >= thr, topics, OUTLIER)
        return topics, np.clip(s, 0, 1)

    def _check_fitted(self):
        if not hasattr(self, "topics_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this TopicModel is not fitted yet: call fit(texts, embeddings) first")

    # ------------------------------------------------------------------ internals
    def _supported_keywords(self, bt, docs: list[str], topics: np.ndarray) -> dict[int, list[tuple[str, float]]]:
        """c-TF-IDF keywords that enough of the topic's own units use.

        From the top :data:`_N_CANDIDATES` c-TF-IDF terms of a topic, keep those found in
        at least ``max(2, 3%)`` of its units (typos and one person's idiom drop out),
        drop bigrams that repeat a word ("good good"), keep the first ``top_n_words``.
        Measured on pxtextmining (docs/topics.md): NPMI -0.11 -> -0.07, and readable.
        """
        vec = bt.vectorizer_model
        X = vec.transform([d.lower() for d in docs])
        X.data[:] = 1
        ids = sorted(set(topics.tolist()))
        rows = np.searchsorted(ids, topics)
        from scipy import sparse

        T = sparse.csr_matrix((np.ones(len(topics)), (rows, np.arange(len(topics)))), shape=(len(ids), len(topics)))
        support = (T @ X).tocsr()
        sizes = np.bincount(rows, minlength=len(ids))
        vocab = vec.vocabulary_
        out: dict[int, list[tuple[str, float]]] = {}
        doc_arr = np.asarray(docs, dtype=object)
        for r, t in enumerate(ids):
            need = max(2.0, _MIN_SUPPORT * sizes[r])
            kept = []
            for w, score in bt.get_topic(int(t)) or []:
                words = w.split()
                if not w or len(set(words)) < len(words) or w not in vocab:
                    continue
                if support[r, vocab[w]] >= need:
                    kept.append((w, float(score)))
                if len(kept) >= int(self.top_n_words):
                    break
            if len(kept) < 2 and t != OUTLIER:
                # a topic of stop words only ("Nothing.", "No comment", "N/A"): say so in its own words
                kept = self._plain_keywords(list(doc_arr[topics == t]), stop_words=False) or kept
            out[int(t)] = kept
        return out

    def _plain_keywords(self, docs: list[str], stop_words: bool = True) -> list[tuple[str, float]]:
        """Keywords of one group of texts: words used by the most texts (no contrast needed).

        ``stop_words=False`` keeps the stop words that say "nothing" (:data:`_SAYING_NOTHING`),
        for a topic whose texts say little else ("Nothing.", "None", "No comment").
        """
        if stop_words:
            vec = self._vectorizer()
        else:
            vec = CountVectorizer(stop_words=sorted(STOP_WORDS - _SAYING_NOTHING), ngram_range=(1, 1),
                                  token_pattern=_TOKEN_PATTERN)
        try:
            X = vec.fit_transform([d.lower() for d in docs])
        except ValueError:  # only stop words
            return []
        df = np.asarray((X > 0).sum(0)).ravel().astype(float)
        words = vec.get_feature_names_out()
        order = [i for i in np.lexsort((words, -df)) if df[i] >= max(2.0, _MIN_SUPPORT * len(docs))]
        return [(str(words[i]), float(df[i] / len(docs))) for i in order[: int(self.top_n_words)]]

    def _set_assigned(self, topics, probs, assigned, ids, C, candidates) -> None:
        """The fitted attributes of :meth:`assign`: the topic of every row, the centroids of every
        topic over all its rows (``ids``, ``C``), the candidate representatives (topic -> rows)."""
        topics = np.asarray(topics, dtype=int)
        self.topic_ids_, self.topic_embeddings_ = ids, C
        self.topics_ = topics
        self.probs_ = np.asarray(probs, dtype=float)
        self.assigned_by_ = np.asarray(assigned, dtype=object)
        self.n_topics_ = int(len(set(topics.tolist()) - {OUTLIER}))
        self.outlier_share_ = float((topics == OUTLIER).mean()) if len(topics) else 0.0
        self.candidates_ = candidates

    def _set_described(self, keywords, representatives) -> None:
        """The fitted attributes of :meth:`describe`: keywords, labels, representatives, ``topic_info_``."""
        topics = self.topics_
        n = len(topics)
        self.keywords_ = {t: [w for w, _ in kws] for t, kws in keywords.items()}
        labels = {}
        used: Counter = Counter()
        for t in sorted(keywords):
            label = "outliers (no topic)" if t == OUTLIER else make_label(self.keywords_[t])
            used[label] += 1
            labels[t] = label if used[label] == 1 else f"{label} ({used[label]})"
        self.labels_ = labels
        self.representative_ = representatives
        rows = []
        sizes = Counter(topics.tolist())
        for t in sorted(sizes, key=lambda t: (t == OUTLIER, t)):
            rows.append({
                "topic": int(t),
                "label": labels.get(t, make_label(self.keywords_.get(t, []))),
                "size": int(sizes[t]),
                "share": sizes[t] / n,
                "keywords": list(self.keywords_.get(t, [])),
                "keyword_scores": [round(s, 6) for _, s in keywords.get(t, [])],
                "representative": list(self.representative_.get(t, [])),
            })
        self.topic_info_ = pd.DataFrame(rows, columns=["topic", "label", "size", "share", "keywords",
                                                       "keyword_scores", "representative"])

    @staticmethod
    def _candidates(E, topics, assigned, fit_mask) -> dict[int, np.ndarray]:
        """Per topic, the rows that may represent it, most similar to their mean first (ties: lower
        row): its clustered members (all its members if none was clustered)."""
        out: dict[int, np.ndarray] = {}
        for t in sorted(set(topics.tolist())):
            members = np.flatnonzero(topics == t)
            core = members[(assigned[members] == "cluster") & fit_mask[members]]
            pool = core if len(core) else members
            out[int(t)] = _by_similarity(pool, E[pool])
        return out

    def _small_map(self, E: np.ndarray) -> np.ndarray:
        """2-D coordinates of a tiny corpus: its first two principal components."""
        if len(E) < 3:
            return np.zeros((len(E), 2), dtype=np.float32)
        X = E - E.mean(0)
        _, _, vt = np.linalg.svd(X, full_matrices=False)
        xy = X @ vt[:2].T
        return xy.astype(np.float32)


# ----------------------------------------------------------------------------- helpers
def _renumber(topics: np.ndarray) -> np.ndarray:
    """Topic ids 0..k-1 by size (largest first, ties by old id); -1 stays -1."""
    topics = np.asarray(topics, dtype=int)
    sizes = Counter(t for t in topics.tolist() if t != OUTLIER)
    order = sorted(sizes, key=lambda t: (-sizes[t], t))
    mapping = {old: new for new, old in enumerate(order)}
    mapping[OUTLIER] = OUTLIER
    return np.array([mapping[t] for t in topics.tolist()], dtype=int)


def merge_small_topics(E: np.ndarray, topics: np.ndarray, max_topics: int) -> np.ndarray:
    """Merge topics until ``max_topics`` remain: the smallest joins its most similar topic.

    Similarity is the cosine of the topic centroids (recomputed after each merge);
    ties go to the lower topic id, so the result is deterministic. Outliers (-1) are
    left alone. Unlike BERTopic's ``reduce_topics`` (agglomerative, average linkage on
    topic embeddings), this never lumps many topics into one blob: on 200 CoP texts
    BERTopic's reduction from 15 to 8 topics left one topic with 103 units, this one does not
    (docs/topics.md).
    """
    topics = np.asarray(topics, dtype=int).copy()
    ids = sorted(set(topics.tolist()) - {OUTLIER})
    if len(ids) <= max_topics:
        return topics
    sums = {t: E[topics == t].sum(0).astype(np.float64) for t in ids}
    sizes = {t: int((topics == t).sum()) for t in ids}
    merged_into = {t: t for t in ids}
    while len(ids) > max_topics:
        small = min(ids, key=lambda t: (sizes[t], t))
        others = [t for t in ids if t != small]
        C = np.stack([sums[t] / (np.linalg.norm(sums[t]) or 1.0) for t in others])
        v = sums[small] / (np.linalg.norm(sums[small]) or 1.0)
        sims = C @ v
        target = others[int(np.argmax(sims))]          # first maximum: lowest id among ties
        sums[target] += sums.pop(small)
        sizes[target] += sizes.pop(small)
        merged_into = {k: (target if v_ == small else v_) for k, v_ in merged_into.items()}
        ids = others
    mapping = {**merged_into, OUTLIER: OUTLIER}
    return _renumber(np.array([mapping[t] for t in topics.tolist()], dtype=int))


def _centroids(E: np.ndarray, topics: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Unit-normalised centroids of each topic except -1, ids ascending."""
    ids = sorted(set(np.asarray(topics).tolist()) - {OUTLIER})
    if not ids:
        return [], np.zeros((0, E.shape[1]), dtype=np.float32)
    return ids, unit_rows(np.stack([E[topics == t].mean(0) for t in ids]))


def text_key(text: str) -> str:
    """A text as representatives tell texts apart: lower case, single spaces."""
    return " ".join(text.lower().split())


def _index_of(ids: list[int], values: np.ndarray) -> np.ndarray:
    pos = {t: i for i, t in enumerate(ids)}
    return np.array([pos[int(v)] for v in values], dtype=int)


def _interpolation_block(n_ref: int) -> int:
    """Rows of new points :func:`_interpolate` compares with ``n_ref`` reference points at once."""
    return max(64, min(4096, _KNN_BLOCK_BYTES // max(1, 4 * n_ref)))


def _interpolation_chunk(n_ref: int, chunk: int) -> int:
    """``chunk`` rows, rounded down to a whole number of :func:`_interpolation_block` blocks when
    it holds one (so that chunks are compared in the very blocks of one call over all rows)."""
    block = _interpolation_block(n_ref)
    return block * (int(chunk) // block) if chunk >= block else max(1, int(chunk))


def _interpolate(E_new: np.ndarray, E_ref: np.ndarray, xy_ref: np.ndarray, k: int = 15) -> np.ndarray:
    """2-D position of new points: similarity-weighted mean of their k nearest reference points."""
    out = np.empty((len(E_new), 2), dtype=np.float32)
    block = _interpolation_block(len(E_ref))
    k = min(k, len(E_ref))
    for s in range(0, len(E_new), block):
        sims = E_new[s:s + block] @ E_ref.T
        part = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        w = np.clip(np.take_along_axis(sims, part, 1), 1e-6, None)
        out[s:s + block] = (w[..., None] * xy_ref[part]).sum(1) / w.sum(1, keepdims=True)
    return out
