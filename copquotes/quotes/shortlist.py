"""Diversity: maximal marginal relevance over embeddings, a cap per speaker, a spread
across groups and years; and representativeness (how many other voices say something similar)."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def representativeness(span_vecs: np.ndarray, span_speakers: Sequence, ref_vecs: np.ndarray,
                       ref_speakers: Sequence, *, top: int = 10, low: float = 0.2, high: float = 0.7,
                       chunk: int = 2048) -> np.ndarray:
    """How many *other* speakers say something similar, in [0, 1].

    For each span: the mean cosine similarity of its ``top`` nearest reference
    units spoken by someone else, mapped linearly from ``[low, high]`` to
    ``[0, 1]``. Vectors must be L2-normalised. Speakers are any hashable keys;
    ``None`` never matches (an unknown speaker counts as another voice).
    """
    n = len(span_vecs)
    out = np.zeros(n, dtype=float)
    if n == 0 or len(ref_vecs) == 0:
        return out
    codes: dict[str, int] = {}
    # integer codes: a reference without a speaker is -1, a span without one -3 (never equal)
    ref_c = np.array([-1 if sp is None else codes.setdefault(str(sp), len(codes)) for sp in ref_speakers],
                     dtype=np.int64)
    span_c = np.array([-3 if sp is None else codes.get(str(sp), -2) for sp in span_speakers], dtype=np.int64)
    k = max(1, min(top, len(ref_vecs) - 1 if len(ref_vecs) > 1 else 1))
    for s in range(0, n, chunk):
        sims = span_vecs[s:s + chunk] @ ref_vecs.T
        sims[span_c[s:s + chunk, None] == ref_c[None, :]] = -1.0
        part = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:] if k < sims.shape[1] else sims
        mean = np.where(part < -0.5, 0.0, part).mean(axis=1)
        out[s:s + chunk] = np.clip((mean - low) / (high - low), 0.0, 1.0)
    return out


def _codes(values: Sequence | None, n: int) -> np.ndarray | None:
    """``values`` as integer codes (equal values, equal codes), or ``None``."""
    if values is None:
        return None
    seen: dict = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values[:n]], dtype=np.int64)


def mmr(relevance: Sequence[float], vectors: np.ndarray, k: int, *, lam: float = 0.7,
        speakers: Sequence | None = None, max_per_speaker: int = 2, groups: Sequence | None = None,
        years: Sequence | None = None, spread: float = 0.05) -> list[int]:
    """Maximal marginal relevance selection of ``k`` items, best first.

    Each step picks the item maximising ``lam * relevance - (1 - lam) * max
    cosine to the picked ones - spread * (share of picked items from the same
    group + same year)``, the first of equal ones; no speaker gets more than
    ``max_per_speaker`` items. Each step scores every item at once (numpy).
    """
    rel = np.asarray(relevance, dtype=float)
    n = len(rel)
    if n == 0 or k <= 0:
        return []
    vecs = np.asarray(vectors, dtype=float) if vectors is not None and len(vectors) else None
    spk = [None] * n if speakers is None else list(speakers[:n])
    spk_code = _codes(spk, n)
    shares = [(c, np.zeros(int(c.max()) + 1)) for c in (_codes(groups, n), _codes(years, n)) if c is not None]
    # not picked, and its speaker (if known) not at the cap
    open_ = np.array([sp is None or max_per_speaker > 0 for sp in spk], dtype=bool)
    picked: list[int] = []
    per_speaker: dict = {}
    max_sim = np.zeros(n)
    while len(picked) < k:
        val = lam * rel - (1 - lam) * max_sim
        if picked and spread:
            for code, count in shares:
                val = val - spread * count[code] / len(picked)
        val = np.where(open_ & ~np.isnan(val), val, -np.inf)
        best = int(np.argmax(val))
        if val[best] == -np.inf:
            break
        picked.append(best)
        open_[best] = False
        for code, count in shares:
            count[code[best]] += 1
        sp = spk[best]
        if sp is not None:
            per_speaker[sp] = per_speaker.get(sp, 0) + 1
            if per_speaker[sp] >= max_per_speaker:
                open_[spk_code == spk_code[best]] = False
        if vecs is not None:
            max_sim = np.maximum(max_sim, vecs @ vecs[best])
    return picked
