"""The ``topics`` stage: fit topics on a workspace's units, write tables and pictures.

Reads the units (all of them: topics are aggregate analysis; consent gates quotes,
not counts), their embeddings from the workspace's embedding cache
(``WS/embeddings``, filled by the ``embed`` stage, so nothing is embedded again),
and the theme labels of the ``tag`` stage (``unit_themes``, may be empty); above the
fitting sample a chunk at a time (:meth:`TopicModel.fit_rows`), so that its memory does
not grow with the units beyond a few numbers per unit. Writes,
in short transactions (``WRITE_CHUNK`` units each), ``unit_topics(unit_id, topic, prob, x, y)``, then
``topic_info(topic, label, keywords_json, size, representative_json)``, then the
pictures to ``WS/figures``.

Which text is used for what:

* **embeddings** of the original unit text (``units.text``, the text the ``embed``
  stage caches and the tagger uses);
* **keywords, labels, representative documents** from the anonymised text
  (``anon.text``) only, so that no name becomes a topic keyword: the stage reads the
  ``anonymise`` stage's results (it runs after it) and refuses to run while any unit has
  no anonymised text (a :class:`~copquotes.errors.WorkspaceError` saying to run that
  stage).

Units of fewer than ``min_words`` words ("Yeah.", "Thanks.") are not fitted: they get
topic -1 and no map position. Topics never touch ``unit_themes``: themes and topics
are separate columns everywhere.
"""
from __future__ import annotations

import json
import logging
import time

import numpy as np

from ..errors import WorkspaceError
from ..progress import progress as _progress
from ..stages import STAGES
from ..text import word_count
from . import fitted
from .model import OUTLIER, TopicModel

log = logging.getLogger(__name__)
# units whose topic the stage writes per transaction (a reviewer's save waits at most for one)
WRITE_CHUNK = 5000
# texts whose embeddings are read from the cache at a time (the fit's chunk of units outside the sample)
ENCODE_CHUNK = 5000
# units whose ids and texts are read from the workspace at a time (word counts, phrase counts)
READ_CHUNK = 5000


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


class _FittedRows:
    """The units that are fitted, by row (their position among them, in the order of
    ``Workspace.units_frame``); holds only their ids. :meth:`embeddings` gives rows' vectors from the
    embedding cache (looked up by the original text; ``n_embedded`` counts what had to be computed),
    for :meth:`TopicModel.assign_rows`; :meth:`keyword_texts` their anonymised texts, for
    :meth:`TopicModel.describe`. Neither keeps a text."""

    def __init__(self, ws, unit_ids: list[str], embedder, progress: bool):
        self.ws, self.unit_ids, self.embedder, self.progress = ws, unit_ids, embedder, progress
        self.n_embedded = 0

    def _column(self, rows, sql: str) -> list:
        ids = [self.unit_ids[i] for i in rows]
        got = dict(self.ws.conn.execute(sql, (json.dumps(ids),)))
        return [got.get(u) for u in ids]

    def keyword_texts(self, rows) -> list[str]:
        """The anonymised texts (:func:`_require_anonymised` saw every unit has one; a unit whose row
        went since gives no keyword text, never its original)."""
        anon = self._column(rows, "SELECT unit_id, text FROM anon WHERE unit_id IN (SELECT value FROM json_each(?))")
        return [a if isinstance(a, str) else "" for a in anon]

    def embeddings(self, rows) -> np.ndarray:
        raw = self._column(rows, "SELECT unit_id, text FROM units WHERE unit_id IN (SELECT value FROM json_each(?))")
        E, n_computed = _embeddings(self.embedder, ["" if t is None else str(t) for t in raw], self.progress)
        self.n_embedded += n_computed
        return E


def _require_anonymised(ws, n_units: int) -> None:
    """Refuse to fit while any unit has no anonymised text: keywords, labels and representative
    documents come from it, and the original text would carry names into them (lower-cased
    keywords the name masks of the disclosure layer may not know as names)."""
    n_no_anon = ws.conn.execute("SELECT COUNT(*) FROM units u LEFT JOIN anon a ON a.unit_id = u.unit_id"
                                " WHERE a.text IS NULL").fetchone()[0]
    if n_no_anon:
        raise WorkspaceError(
            f"the topics stage needs the anonymised text of every unit ({n_no_anon} of {n_units} have none yet),"
            f" so that no name becomes a topic keyword: run 'copquotes analyse --stage anonymise --workspace"
            f" {ws.path}' first (or 'copquotes analyse' for every stage)")


def _units(ws, min_words: int) -> tuple[list[str], np.ndarray]:
    """Every unit's id, in the order of ``Workspace.units_frame``, and whether it has ``min_words``
    words (is fitted); the texts are read ``READ_CHUNK`` at a time and not kept."""
    cur = ws.conn.execute("SELECT u.unit_id, u.text FROM units u JOIN files f ON f.file_id = u.file_id"
                          " ORDER BY f.display, u.position")
    ids: list[str] = []
    fitted: list[bool] = []
    while chunk := cur.fetchmany(READ_CHUNK):
        for uid, text in chunk:
            ids.append(uid)
            fitted.append(word_count("" if text is None else str(text)) >= int(min_words))
    return ids, np.array(fitted, dtype=bool)


def _phrase_labels(model, rows: _FittedRows, embedder) -> dict[int, str]:
    """Short phrase labels (:mod:`copquotes.topics.labels`) for the fitted topics; {} if none. The
    phrases of every fitted unit are counted ``READ_CHUNK`` texts at a time."""
    from .labels import PhraseCounts, phrase_labels

    counts = PhraseCounts(model.topic_ids_)
    n = len(rows.unit_ids)
    for k in range(0, n, READ_CHUNK):
        part = np.arange(k, min(n, k + READ_CHUNK))
        for t, doc in zip(model.topics_[part].tolist(), rows.keyword_texts(part)):
            counts.add(t, doc)
    centroids = dict(zip(model.topic_ids_, model.topic_embeddings_))
    try:
        return phrase_labels(counts, centroids, lambda ph: embedder.encode(ph, progress=False))
    except Exception:  # noqa: BLE001 - a label is a convenience: keep the keyword labels
        log.warning("topics: phrase labels failed; keeping the keyword labels", exc_info=True)
        return {}


def _info_rows(model, sizes: dict[int, int], unit_ids: list[str], phrases: dict[int, str]) -> list[tuple]:
    """The ``topic_info`` rows: label (phrases, else keywords; made distinct), keywords, size over
    every unit, representatives as unit ids."""
    info_rows = []
    used: dict[str, int] = {}
    for r in (model.topic_info_.itertuples(index=False) if hasattr(model, "topic_info_") else []):
        if int(r.topic) not in sizes:
            continue
        label = phrases.get(int(r.topic)) or str(r.label)
        used[label] = used.get(label, 0) + 1
        if used[label] > 1:
            label = f"{label} ({used[label]})"
        info_rows.append((int(r.topic), label, json.dumps(list(r.keywords)), sizes[int(r.topic)],
                          json.dumps([unit_ids[j] for j in r.representative])))
    if OUTLIER in sizes and OUTLIER not in {row[0] for row in info_rows}:
        info_rows.append((OUTLIER, "outliers (no topic)", "[]", sizes[OUTLIER], "[]"))
    return info_rows


def _write(ws, unit_ids: list[str], topics: np.ndarray, probs: np.ndarray, xy: np.ndarray | None,
           info_rows: list[tuple]) -> None:
    """Every unit's row replaced in transactions of WRITE_CHUNK units (a reviewer's save waits at
    most for one), then the topics' table. While it writes, a reader may see some units in their
    new topics under the old labels for a moment; a killed run leaves the stage to do again (the
    fit is seeded: the same topics). ``probs`` NaN and ``xy`` NaN are written as NULL."""
    def val(v: float):
        return None if np.isnan(v) else float(v)

    for k in range(0, len(unit_ids), WRITE_CHUNK):
        end = min(len(unit_ids), k + WRITE_CHUNK)
        rows = [(unit_ids[i], int(topics[i]), val(probs[i]), *((val(xy[i, 0]), val(xy[i, 1])) if xy is not None
                                                               else (None, None))) for i in range(k, end)]
        with ws.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO unit_topics(unit_id, topic, prob, x, y) VALUES (?,?,?,?,?)", rows)
    with ws.transaction() as conn:
        if conn.execute("SELECT COUNT(*) FROM unit_topics").fetchone()[0] > len(unit_ids):
            conn.execute("DELETE FROM unit_topics WHERE unit_id NOT IN (SELECT value FROM json_each(?))",
                         (json.dumps(list(unit_ids)),))
        conn.execute("DELETE FROM topic_info")
        conn.executemany("INSERT INTO topic_info(topic, label, keywords_json, size, representative_json)"
                         " VALUES (?,?,?,?,?)", info_rows)


def _fit(ws, unit_ids: list[str], fit_mask: np.ndarray, fit_key: str, embedder, progress: bool,
         model_options: dict) -> tuple[TopicModel | None, int]:
    """The topics of the fitted units from their embeddings alone (:meth:`TopicModel.assign_rows`),
    kept in the workspace (:mod:`copquotes.topics.fitted`); the model (None: no unit is fitted) and
    how many embeddings had to be computed."""
    fit_idx = np.flatnonzero(fit_mask)
    model = None
    n_embedded = 0
    if len(fit_idx):
        rows = _FittedRows(ws, [unit_ids[i] for i in fit_idx], embedder, progress)
        model = TopicModel(**model_options).assign_rows(len(fit_idx), rows.embeddings, chunk=ENCODE_CHUNK)
        n_embedded = rows.n_embedded
    else:
        log.warning("topics: no unit has min_words words or more; every unit is left without a topic")
    fitted.save(ws, fit_key, unit_ids, fit_mask, model)
    return model, n_embedded


def _default_embedder(ws, embedder):
    if embedder is not None:
        return embedder
    from ..embed import Embedder

    return Embedder(cache_dir=ws.path / "embeddings")


def _fit_key(ws, min_words: int, model_options: dict, embedder) -> tuple[list[str], str]:
    unit_ids, units_hash = fitted.units(ws)
    return unit_ids, fitted.key(units_hash, min_words, model_options, embedder, STAGES["topics_fit"].version)


def run_fit(ws, *, progress: bool = True, embedder=None, min_words: int = 2, **model_options) -> dict:
    """The ``topics_fit`` stage: the topic of every unit from its embedding alone (UMAP and HDBSCAN
    on the seeded sample, the others by nearest centroid, the 2-D map), kept for the ``topics``
    stage; it reads no text but the word counts, so it may run while the anonymise stage does.
    ``model_options`` go to :class:`~copquotes.topics.TopicModel`."""
    t_all = time.perf_counter()
    unit_ids, fit_key = _fit_key(ws, min_words, model_options, embedder)
    if not unit_ids:
        fitted.remove(ws)
        return {"units": 0, "fitted_units": 0, "topics": 0, "embedded": 0}
    fit_mask = _units(ws, min_words)[1]
    model, n_embedded = _fit(ws, unit_ids, fit_mask, fit_key, _default_embedder(ws, embedder), progress,
                             model_options)
    summary = {"units": len(unit_ids), "fitted_units": int(fit_mask.sum()),
               "topics": 0 if model is None else int(model.n_topics_), "embedded": n_embedded,
               "params": getattr(model, "params_", {}), "degenerate": getattr(model, "degenerate_", None),
               "timings": {k: round(v, 3) for k, v in getattr(model, "timings_", {}).items()},
               "seconds": round(time.perf_counter() - t_all, 3)}
    log.info("topics fit: %d units, %d topics, %.1fs", summary["units"], summary["topics"], summary["seconds"])
    return summary


def _clear(ws) -> dict:
    with ws.transaction() as conn:
        conn.execute("DELETE FROM unit_topics")
        conn.execute("DELETE FROM topic_info")
    return {"units": 0, "topics": 0, "outlier_share": 0.0, "embedded": 0, "figures": []}


def _rows_of(model, fit_mask: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Every unit's topic, probability and map position: units that are not fitted get topic -1,
    no probability and no map position."""
    fit_idx = np.flatnonzero(fit_mask)
    topics = np.full(n, OUTLIER, dtype=int)
    probs = np.full(n, np.nan)
    xy = np.full((n, 2), np.nan) if model is not None and model.map_2d_ is not None else None
    if model is not None:
        topics[fit_idx], probs[fit_idx] = model.topics_, model.probs_
        if xy is not None:
            xy[fit_idx] = model.map_2d_
    return topics, probs, xy


def run(ws, *, progress: bool = True, embedder=None, min_words: int = 2, figures: bool = True,
        **model_options) -> dict:
    """Run the topics stage on workspace ``ws``; returns a small summary.

    Takes the fit of the ``topics_fit`` stage (:func:`run_fit`) when it was made for these units and
    settings, else fits here; then the keywords, labels and representatives from the anonymised
    text only (refused while any unit has none), the tables, the pictures. ``model_options`` go to
    :class:`~copquotes.topics.TopicModel` (e.g. ``min_topic_size=20``); ``embedder`` defaults to
    ``Embedder(cache_dir=ws.path / "embeddings")``.

    Held for the whole run: the unit ids and a few numbers per unit (topic, probability, map
    position). Texts are read a chunk at a time, except the fitting sample's keyword texts, so the
    peak memory does not grow with the units beyond the ``max_fit_units`` sample.
    """
    t_all = time.perf_counter()
    timings: dict[str, float] = {}
    bar = _progress(total=4, desc="topics", unit="step", enable=None if progress else False)
    try:
        unit_ids, fit_key = _fit_key(ws, min_words, model_options, embedder)
        if not unit_ids:
            return _clear(ws)
        _require_anonymised(ws, len(unit_ids))
        embedder = _default_embedder(ws, embedder)
        bar.update(1)

        # the fit of the topics_fit stage, or one here
        t = time.perf_counter()
        found = fitted.load(ws, fit_key, unit_ids, model_options)
        n_embedded = 0
        if found is None:
            fit_mask = _units(ws, min_words)[1]
            model, n_embedded = _fit(ws, unit_ids, fit_mask, fit_key, embedder, progress, model_options)
        else:
            fit_mask, model = found
        if model is not None and found is None:
            timings.update({f"fit.{k}": v for k, v in model.timings_.items()})
        timings["fit"] = time.perf_counter() - t
        bar.update(1)

        # keywords, labels, representatives from the anonymised text; the rows
        t = time.perf_counter()
        rows = _FittedRows(ws, [unit_ids[i] for i in np.flatnonzero(fit_mask)], embedder, progress)
        if model is not None:
            model.describe(rows.keyword_texts, chunk=READ_CHUNK)
            timings.update({f"describe.{k}": model.timings_[k] for k in ("keywords", "representatives")})
        topics, probs, xy = _rows_of(model, fit_mask, len(unit_ids))
        sizes = {int(t): int(c) for t, c in zip(*np.unique(topics, return_counts=True))}
        phrases = _phrase_labels(model, rows, embedder) if model is not None else {}
        _write(ws, unit_ids, topics, probs, xy, _info_rows(model, sizes, rows.unit_ids, phrases))
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
        "units": int(len(unit_ids)),
        "fitted_units": int(fit_mask.sum()),
        "topics": int(n_topics),
        "outlier_share": float((topics == OUTLIER).mean()),
        "embedded": n_embedded,
        "fit": "fitted here" if found is None else "topics_fit stage",
        "params": getattr(model, "params_", {}),
        "degenerate": getattr(model, "degenerate_", None),
        "figures": written,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(time.perf_counter() - t_all, 3),
    }
    log.info("topics: %d units, %d topics, %.0f%% outliers, %.1fs", summary["units"], n_topics,
             100 * summary["outlier_share"], summary["seconds"])
    return summary
