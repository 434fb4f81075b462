"""The ``topics`` stage: fit topics on a workspace's units, write tables and pictures.

Reads the units (all of them: topics are aggregate analysis; consent gates quotes,
not counts), their embeddings from the workspace's embedding cache
(``WS/embeddings``, filled by the ``embed`` stage, so nothing is embedded again),
and the theme labels of the ``tag`` stage (``unit_themes``, may be empty). Writes,
in short transactions (``WRITE_CHUNK`` units each), ``unit_topics(unit_id, topic, prob, x, y)``, then
``topic_info(topic, label, keywords_json, size, representative_json)``, then the
pictures to ``WS/figures``.

Which text is used for what:

* **embeddings** of the original unit text (``units.text``, the text the ``embed``
  stage caches and the tagger uses);
* **keywords, labels** from the anonymised text (``anon.text``) when the
  ``anonymise`` stage has run, so that no name becomes a topic keyword; the original
  text otherwise (logged as a warning).

Units of fewer than ``min_words`` words ("Yeah.", "Thanks.") are not fitted: they get
topic -1 and no map position. Topics never touch ``unit_themes``: themes and topics
are separate columns everywhere.
"""
from __future__ import annotations

import json
import logging
import time

import numpy as np

from ..progress import progress as _progress
from ..text import word_count
from .model import OUTLIER, TopicModel

log = logging.getLogger(__name__)
# units whose topic the stage writes per transaction (a reviewer's save waits at most for one)
WRITE_CHUNK = 5000
# texts whose embeddings are read from the cache at a time
ENCODE_CHUNK = 5000


def _embeddings(embedder, texts: list[str], progress: bool) -> tuple[np.ndarray, int]:
    """The vectors of ``texts`` (one row each) and how many had to be computed, read ENCODE_CHUNK
    texts at a time into one array: the cache's per-text vectors, the pieces and the pooled
    copies of a whole workspace are never held at once (with the vectors in the cache, as the embed
    stage leaves them, each row is the one a single call over every text gives)."""
    E = None
    n_computed = 0
    for k in range(0, len(texts), ENCODE_CHUNK):
        part = embedder.encode(texts[k:k + ENCODE_CHUNK], progress=progress)
        n_computed += int(getattr(embedder, "n_computed_", 0))
        if E is None:
            E = np.empty((len(texts), part.shape[1]), dtype=part.dtype)
        E[k:k + len(part)] = part
    if E is None:
        E = embedder.encode([], progress=progress)
        n_computed = int(getattr(embedder, "n_computed_", 0))
    return E, n_computed


def _phrase_labels(model, texts: list[str], embedder) -> dict[int, str]:
    """Short phrase labels (:mod:`copquotes.topics.labels`) for the fitted topics; {} if none."""
    from .labels import phrase_labels

    topics = np.asarray(model.topics_)
    docs = {int(t): [texts[i] for i in np.flatnonzero(topics == t)] for t in model.topic_ids_}
    centroids = dict(zip(model.topic_ids_, model.topic_embeddings_))
    try:
        return phrase_labels(docs, centroids, lambda ph: embedder.encode(ph, progress=False))
    except Exception:  # noqa: BLE001 - a label is a convenience: keep the keyword labels
        log.warning("topics: phrase labels failed; keeping the keyword labels", exc_info=True)
        return {}


def run(ws, *, progress: bool = True, embedder=None, min_words: int = 2, figures: bool = True,
        **model_options) -> dict:
    """Run the topics stage on workspace ``ws``; returns a small summary.

    ``model_options`` go to :class:`~copquotes.topics.TopicModel` (e.g.
    ``min_topic_size=20``); ``embedder`` defaults to
    ``Embedder(cache_dir=ws.path / "embeddings")``.
    """
    t_all = time.perf_counter()
    timings: dict[str, float] = {}
    bar = _progress(total=4, desc="topics", unit="step", enable=None if progress else False)
    try:
        units = ws.units_frame(with_anon=True)
        if units.empty:
            with ws.transaction() as conn:
                conn.execute("DELETE FROM unit_topics")
                conn.execute("DELETE FROM topic_info")
            return {"units": 0, "topics": 0, "outlier_share": 0.0, "embedded": 0, "figures": []}

        raw = units["text"].fillna("").astype(str).tolist()
        anon = units["anon_text"] if "anon_text" in units.columns else None
        n_no_anon = int(anon.isna().sum()) if anon is not None else len(units)
        if n_no_anon:
            log.warning("topics: %d of %d units have no anonymised text yet (run the anonymise stage); "
                        "their original text is used for keywords", n_no_anon, len(units))
        kw_text = [a if isinstance(a, str) else r for a, r in zip(anon if anon is not None else [None] * len(raw), raw)]
        fit_mask = np.array([word_count(t) >= int(min_words) for t in raw], dtype=bool)
        fit_idx = np.flatnonzero(fit_mask)

        # embeddings: from the cache the embed stage filled
        t = time.perf_counter()
        if embedder is None:
            from ..embed import Embedder

            embedder = Embedder(cache_dir=ws.path / "embeddings")
        E, n_embedded = _embeddings(embedder, [raw[i] for i in fit_idx], progress)
        timings["embeddings"] = time.perf_counter() - t
        bar.update(1)

        t = time.perf_counter()
        model = TopicModel(**model_options)
        if len(fit_idx):
            model.fit([kw_text[i] for i in fit_idx], E)
            timings.update({f"fit.{k}": v for k, v in model.timings_.items()})
        else:
            log.warning("topics: no unit has %d or more words; every unit is left without a topic", min_words)
        timings["fit"] = time.perf_counter() - t
        bar.update(1)

        # rows
        t = time.perf_counter()
        unit_ids = units["unit_id"].tolist()
        topics = np.full(len(units), OUTLIER, dtype=int)
        probs: list = [None] * len(units)
        xs: list = [None] * len(units)
        ys: list = [None] * len(units)
        if len(fit_idx):
            topics[fit_idx] = model.topics_
            xy = model.map_2d_
            for j, i in enumerate(fit_idx):
                probs[i] = float(model.probs_[j])
                if xy is not None:
                    xs[i], ys[i] = float(xy[j, 0]), float(xy[j, 1])
        sizes = {int(t): int(c) for t, c in zip(*np.unique(topics, return_counts=True))}
        info_rows = []
        info = model.topic_info_ if len(fit_idx) else None
        phrases = _phrase_labels(model, [kw_text[i] for i in fit_idx], embedder) if len(fit_idx) else {}
        used: dict[str, int] = {}
        for r in (info.itertuples(index=False) if info is not None else []):
            if int(r.topic) not in sizes:
                continue
            reps = [unit_ids[fit_idx[j]] for j in r.representative] if len(fit_idx) else []
            label = phrases.get(int(r.topic)) or str(r.label)
            used[label] = used.get(label, 0) + 1
            if used[label] > 1:
                label = f"{label} ({used[label]})"
            info_rows.append((int(r.topic), label, json.dumps(list(r.keywords)), sizes[int(r.topic)],
                              json.dumps(reps)))
        if OUTLIER in sizes and OUTLIER not in {row[0] for row in info_rows}:
            info_rows.append((OUTLIER, "outliers (no topic)", "[]", sizes[OUTLIER], "[]"))
        # Written in short transactions of WRITE_CHUNK units (a reviewer's save waits at most for
        # one), every unit's row replaced, then the topics' table: while it writes, a reader may see
        # some units in their new topics under the old labels for a moment; a killed run leaves the
        # stage to do again (the fit is seeded: the same topics).
        assigned = list(zip(unit_ids, topics.tolist(), probs, xs, ys))
        for k in range(0, len(assigned), WRITE_CHUNK):
            with ws.transaction() as conn:
                conn.executemany("INSERT OR REPLACE INTO unit_topics(unit_id, topic, prob, x, y) VALUES (?,?,?,?,?)",
                                 assigned[k:k + WRITE_CHUNK])
        with ws.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM unit_topics").fetchone()[0] > len(assigned):
                conn.execute("DELETE FROM unit_topics WHERE unit_id NOT IN (SELECT value FROM json_each(?))",
                             (json.dumps(list(unit_ids)),))
            conn.execute("DELETE FROM topic_info")
            conn.executemany("INSERT INTO topic_info(topic, label, keywords_json, size, representative_json)"
                             " VALUES (?,?,?,?,?)", info_rows)
        timings["write"] = time.perf_counter() - t
        bar.update(1)

        written = []
        if figures:
            t = time.perf_counter()
            from .figures import save_figures

            written = [str(p) for p in save_figures(ws, ws.path / "figures")]
            timings["figures"] = time.perf_counter() - t
        bar.update(1)
    finally:
        bar.close()

    n_topics = len(set(topics.tolist()) - {OUTLIER})
    summary = {
        "units": int(len(units)),
        "fitted_units": int(len(fit_idx)),
        "topics": int(n_topics),
        "outlier_share": float((topics == OUTLIER).mean()),
        "embedded": n_embedded,
        "params": getattr(model, "params_", {}),
        "degenerate": getattr(model, "degenerate_", None),
        "figures": written,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(time.perf_counter() - t_all, 3),
    }
    log.info("topics: %d units, %d topics, %.0f%% outliers, %.1fs", summary["units"], n_topics,
             100 * summary["outlier_share"], summary["seconds"])
    return summary
