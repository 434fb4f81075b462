"""Whole-corpus quantities of the topics, kept while the texts go by a chunk at a time.

Used by :meth:`~copquotes.topics.TopicModel.fit_rows` so that a corpus larger than the fitting
sample is never held at once. Each class holds a fixed amount per topic (not per text), and gives
exactly what the whole-array computation in :meth:`TopicModel.fit` gives:

* :class:`TopicSums`: per topic the sum of its rows' embeddings (float32, added row after row in
  row order, as numpy's ``E[topics == t].mean(0)`` adds them) and their count; the centroids;
* :func:`row_dots`: the similarity of rows to a centroid, the same in any chunk.
"""
from __future__ import annotations

import numpy as np

OUTLIER = -1


def unit_rows(M: np.ndarray) -> np.ndarray:
    """``M`` (float32) with each row divided by its length (rows of zeros stay zero)."""
    M = np.asarray(M).astype(np.float32)
    M /= np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)
    return M


def row_dots(E: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Each row of ``E`` times ``c``, summed row by row: a row's value does not depend on which
    other rows are computed with it (a matrix product's does, in the last bit, which would break
    exact ties between identical texts differently in different chunks)."""
    return np.multiply(E, c).sum(axis=1)


class TopicSums:
    """Per topic (-1 included) the float32 sum and the count of the embeddings added so far.

    Holds one vector per topic. Rows must be added in ascending row order across calls: the sums
    are then bit for bit those of one ``E[topics == t].sum(0)`` over the whole array.
    """

    def __init__(self, dim: int):
        self.dim = int(dim)
        self.sums: dict[int, np.ndarray] = {}
        self.counts: dict[int, int] = {}

    def add(self, topics: np.ndarray, E: np.ndarray) -> None:
        """Add the rows ``E`` (ascending row order, after every row added before) of ``topics``."""
        topics = np.asarray(topics, dtype=int)
        for t in np.unique(topics).tolist():
            rows = E[topics == t]
            if t in self.sums:
                rows = np.concatenate([self.sums[t][None, :], rows])
            self.sums[t] = np.add.reduce(rows, axis=0)
            self.counts[t] = self.counts.get(t, 0) + int((topics == t).sum())

    def mean(self, t: int) -> np.ndarray:
        """The mean of topic ``t``'s rows, as ``ndarray.mean(0)`` computes it (float32)."""
        s = self.sums[t]
        return np.true_divide(s, np.intp(self.counts[t]), out=s.copy(), casting="unsafe")

    def centroids(self) -> tuple[list[int], np.ndarray]:
        """Unit-normalised centroids of each topic except -1, ids ascending."""
        ids = sorted(t for t in self.sums if t != OUTLIER)
        if not ids:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        return ids, unit_rows(np.stack([self.mean(t) for t in ids]))
