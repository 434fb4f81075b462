"""The topic fit kept between the ``topics_fit`` stage and the ``topics`` stage.

The ``topics_fit`` stage (:func:`copquotes.topics.stage.run_fit`) needs the units' embeddings
only: it clusters them (:meth:`TopicModel.assign_rows`) and writes what it found to
``WS/topics/fit.npz``; the ``topics`` stage reads it back and describes the topics from the
anonymised text (:meth:`TopicModel.describe`). The file holds numbers and unit ids, never a text:
per unit of the workspace its id and whether it is fitted (has ``min_words`` words); per fitted
unit its topic, probability, how it was assigned, map position and rank among its topic's
candidate representatives; the sample's rows, the centroids, the parameters.

It is used only for the units and settings it was made for (:func:`key`: the units' ids and text
hashes in order, ``min_words``, the model options, the embedder, the stage version); otherwise
:func:`load` gives ``None`` and the ``topics`` stage fits again itself. Written whole under a
temporary name, then renamed: a reader sees the old file or the new one.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from .model import OUTLIER, TopicModel

_ASSIGNED = ("cluster", "nearest", "outlier")


def path(ws) -> Path:
    return Path(ws.path) / "topics" / "fit.npz"


def units(ws) -> tuple[list[str], str]:
    """Every unit's id in the order of ``Workspace.units_frame``, and a hash of the ids and their
    text hashes in that order (what the embeddings and word counts depend on); no text is read."""
    h = hashlib.sha1()
    ids = []
    for uid, th in ws.conn.execute("SELECT u.unit_id, u.text_hash FROM units u JOIN files f ON f.file_id = u.file_id"
                                   " ORDER BY f.display, u.position"):
        ids.append(uid)
        h.update(f"{uid}:{th}\n".encode())
    return ids, h.hexdigest()


def key(units_hash: str, min_words: int, model_options: dict, embedder, version: str) -> str:
    """What a fit is valid for: the units, the settings, the embedder (``None``: the default one)."""
    who = "default" if embedder is None else f"{type(embedder).__name__}:{getattr(embedder, 'model_name', '')}"
    return json.dumps({"units": units_hash, "min_words": int(min_words), "embedder": who, "version": version,
                       "options": json.dumps(model_options, sort_keys=True, default=str)}, sort_keys=True)


def save(ws, fit_key: str, unit_ids: list[str], fit_mask: np.ndarray, model: TopicModel | None) -> None:
    """Write the fit (``model`` None: no unit is fitted) to :func:`path`, whole."""
    arrays = {"key": np.array(fit_key), "unit_ids": np.array(unit_ids, dtype=str), "fit_mask": fit_mask}
    if model is not None:
        arrays.update(_model_arrays(model))
    target = path(ws)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".fit.{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, target)


def _model_arrays(m: TopicModel) -> dict:
    n = len(m.topics_)
    rank = np.full(n, -1, dtype=np.int64)
    for rows in m.candidates_.values():
        rank[np.asarray(rows, dtype=int)] = np.arange(len(rows))
    mean_out = m.sample_outlier_mean_ if getattr(m, "sample_outlier_mean_", None) is not None else np.zeros(0)
    meta = {"params": m.params_, "degenerate": m.degenerate_, "n_clusters_found": m.n_clusters_found_,
            "n_features_in": m.n_features_in_, "timings": m.timings_, "topic_ids": list(map(int, m.topic_ids_)),
            "sample_topic_ids": list(map(int, getattr(m, "sample_topic_ids_", [])))}
    return {"meta": np.array(json.dumps(meta, default=str)), "topics": m.topics_, "probs": m.probs_,
            "assigned": np.array([_ASSIGNED.index(a) for a in m.assigned_by_], dtype=np.int8),
            "xy": m.map_2d_ if m.map_2d_ is not None else np.zeros((0, 2), np.float32), "rank": rank,
            "sample": np.asarray(m.sample_), "centroids": np.asarray(m.topic_embeddings_),
            "sample_centroids": np.asarray(getattr(m, "sample_topic_embeddings_", np.zeros((0, 0)))),
            "sample_outlier_mean": np.asarray(mean_out)}


def load(ws, fit_key: str, unit_ids: list[str], model_options: dict):
    """``(fit_mask, model)`` of the fit made for ``fit_key`` and these units (``model`` None when no
    unit is fitted; ready for :meth:`TopicModel.describe`), or ``None`` when there is none."""
    try:
        with np.load(path(ws), allow_pickle=False) as z:
            if str(z["key"]) != fit_key or z["unit_ids"].tolist() != list(unit_ids):
                return None
            fit_mask = z["fit_mask"].astype(bool)
            return fit_mask, (_model(z, model_options) if "topics" in z.files else None)
    except (OSError, ValueError, KeyError):   # missing, partly copied or of another layout: fit again
        return None


def _model(z, model_options: dict) -> TopicModel:
    m = TopicModel(**model_options)
    meta = json.loads(str(z["meta"]))
    m.params_, m.degenerate_, m.n_clusters_found_ = meta["params"], meta["degenerate"], meta["n_clusters_found"]
    m.n_features_in_, m.timings_, m.bertopic_ = meta["n_features_in"], meta["timings"], None
    topics, rank = z["topics"].astype(int), z["rank"]
    m.topics_, m.probs_ = topics, z["probs"].astype(float)
    m.assigned_by_ = np.array([_ASSIGNED[i] for i in z["assigned"].tolist()], dtype=object)
    m.topic_ids_, m.topic_embeddings_ = meta["topic_ids"], z["centroids"]
    m.n_topics_ = int(len(set(topics.tolist()) - {OUTLIER}))
    m.outlier_share_ = float((topics == OUTLIER).mean()) if len(topics) else 0.0
    m.map_2d_ = z["xy"] if len(z["xy"]) else None
    m.sample_ = z["sample"]
    m.sample_topics_ = topics[m.sample_]
    m.sample_topic_ids_, m.sample_topic_embeddings_ = meta["sample_topic_ids"], z["sample_centroids"]
    m.sample_outlier_mean_ = z["sample_outlier_mean"] if len(z["sample_outlier_mean"]) else None
    m.candidates_ = {}
    for t in sorted(set(topics.tolist())):
        rows = np.flatnonzero((topics == t) & (rank >= 0))
        m.candidates_[int(t)] = rows[np.argsort(rank[rows], kind="stable")]
    return m


def remove(ws) -> None:
    path(ws).unlink(missing_ok=True)
