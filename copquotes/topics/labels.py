"""Readable topic labels: short phrases instead of bags of words.

BERTopic's representation models, done here over the model's own results (no second fit,
no network): candidate phrases come from a class-based TF-IDF (each topic one class, as
BERTopic's c-TF-IDF) over **contiguous** 1- to 3-word n-grams of the anonymised texts, that
neither start nor end with a stop word ("space to reflect", "peer support", "waiting time"),
where the keyword model drops stop words before it forms n-grams and so joins words that
were never next to each other ("walk plan"). The best candidates are then re-ranked as
BERTopic's ``KeyBERTInspired`` does (cosine similarity of each phrase's embedding with the
topic's centroid, the packaged all-MiniLM-L6-v2), and two are chosen by maximal marginal
relevance (``MaximalMarginalRelevance``), so the label does not say the same thing twice.

Placeholders of redacted identifiers (``[name]``, ``[place]`` ...) never become candidates.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Mapping, Sequence

import numpy as np

from .model import STOP_WORDS

PHRASE_BONUS = 0.03
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]")
_WORD = re.compile(r"[^\W\d_][^\W\d_']*(?:'[^\W\d_]+)?")


def _edge_word_bad(w: str) -> bool:
    """A word a phrase may not start or end with: stop words, contractions ("i've", "that's"),
    words under 3 letters."""
    return w in STOP_WORDS or "'" in w or len(w) < 3


def ngrams(text: str, max_n: int = 3) -> list[str]:
    """Contiguous 1..max_n-word phrases of ``text`` that neither start nor end with a stop word
    and do not cross a placeholder or a sentence end."""
    out = []
    for chunk in re.split(r"[.!?;:\n()\"]|\[[^\]\n]{1,40}\]", str(text or "")):
        words = _WORD.findall(chunk.lower())
        for n in range(1, max_n + 1):
            for i in range(len(words) - n + 1):
                g = words[i:i + n]
                if _edge_word_bad(g[0]) or _edge_word_bad(g[-1]):
                    continue
                if n > 1 and len(set(g)) < n:
                    continue
                out.append(" ".join(g))
    return out


class PhraseCounts:
    """The counts a topic's candidate phrases are scored on, fed one text at a time (the texts
    are not kept): per topic, phrase -> occurrences, phrase -> texts using it, and the number of
    texts. Holds one entry per distinct phrase of a topic."""

    def __init__(self, topics, max_n: int = 3):
        self.max_n = max_n
        self.counts: dict[int, Counter] = {t: Counter() for t in topics}
        self.doc_freq: dict[int, Counter] = {t: Counter() for t in topics}
        self.n_docs: dict[int, int] = {t: 0 for t in topics}

    def add(self, topic: int, doc: str) -> None:
        """Count ``doc`` in ``topic`` (a topic not given at the start is skipped)."""
        if topic not in self.counts:
            return
        grams = ngrams(doc, self.max_n)
        self.counts[topic].update(grams)
        self.doc_freq[topic].update(set(grams))
        self.n_docs[topic] += 1

    def top(self, top: int = 20, min_docs: int = 2) -> dict[int, list[tuple[str, float]]]:
        """The ``top`` candidate phrases of each topic by c-TF-IDF (:func:`class_tfidf`)."""
        counts, doc_freq = self.counts, self.doc_freq
        total = Counter()
        for c in counts.values():
            total.update(c)
        words_per_class = np.mean([sum(c.values()) for c in counts.values()]) if counts else 1.0
        out = {}
        for t, c in counts.items():
            n = sum(c.values()) or 1
            scored = [(g, (k / n) * np.log(1 + words_per_class / total[g])) for g, k in c.items()
                      if doc_freq[t][g] >= min(min_docs, max(1, self.n_docs[t]))]
            scored.sort(key=lambda x: (-x[1], x[0]))
            out[t] = [(g, float(s)) for g, s in scored[:top]]
        return out


def class_tfidf(docs_by_topic: Mapping[int, Sequence[str]], max_n: int = 3, top: int = 20,
                min_docs: int = 2) -> dict[int, list[tuple[str, float]]]:
    """The ``top`` candidate phrases of each topic by c-TF-IDF (BERTopic's formula:
    ``tf(t, c) * log(1 + A / f(t))``, ``A`` the mean words per class, ``f`` the phrase's
    frequency over all classes); a phrase must appear in ``min_docs`` texts of the topic."""
    counts = PhraseCounts(list(docs_by_topic), max_n)
    for t, docs in docs_by_topic.items():
        for doc in docs:
            counts.add(t, doc)
    return counts.top(top, min_docs)


def mmr_pick(centroid: np.ndarray, vecs: np.ndarray, k: int = 2, diversity: float = 0.5,
             bonus: np.ndarray | None = None) -> list[int]:
    """Maximal marginal relevance: ``k`` rows of ``vecs`` close to ``centroid`` (plus ``bonus``),
    unlike each other."""
    rel = vecs @ centroid + (0 if bonus is None else bonus)
    picked = [int(np.argmax(rel))]
    while len(picked) < min(k, len(vecs)):
        sim_to_picked = (vecs @ vecs[picked].T).max(axis=1)
        score = (1 - diversity) * rel - diversity * sim_to_picked
        score[picked] = -np.inf
        picked.append(int(np.argmax(score)))
    return picked


def _covered(phrase: str, chosen: list[str]) -> bool:
    words = set(phrase.split())
    return any(words <= set(c.split()) or set(c.split()) <= words for c in chosen)


def phrase_labels(docs_by_topic: Mapping[int, Sequence[str]] | PhraseCounts, centroids: Mapping[int, np.ndarray],
                  encode: Callable[[list[str]], np.ndarray], *, n_phrases: int = 2, candidates: int = 20,
                  diversity: float = 0.5) -> dict[int, str]:
    """A label of ``n_phrases`` short phrases per topic (``"peer support, space to reflect"``).

    ``docs_by_topic``: the texts of each topic, or their :class:`PhraseCounts`; ``centroids``: the
    topic's unit-normalised mean embedding; ``encode``: texts -> L2-normalised embeddings with the
    same model. Topics without a candidate phrase get no entry (the caller keeps its keyword label)."""
    if isinstance(docs_by_topic, PhraseCounts):
        cands = docs_by_topic.top(candidates)
    else:
        cands = class_tfidf(docs_by_topic, top=candidates)
    phrases = sorted({g for lst in cands.values() for g, _ in lst})
    if not phrases:
        return {}
    V = np.asarray(encode(phrases), dtype=np.float32)
    V /= np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    row = {g: i for i, g in enumerate(phrases)}
    labels = {}
    for t, lst in cands.items():
        if not lst or t not in centroids:
            continue
        c = np.asarray(centroids[t], dtype=np.float32)
        c = c / (np.linalg.norm(c) or 1.0)
        names = [g for g, _ in lst]
        vecs = V[[row[g] for g in names]]
        chosen: list[str] = []
        # a phrase says more than a word: a small bonus per extra word (0.03) breaks near ties
        bonus = np.array([PHRASE_BONUS * (len(g.split()) - 1) for g in names], dtype=np.float32)
        for i in mmr_pick(c, vecs, k=min(len(names), n_phrases + 2), diversity=diversity, bonus=bonus):
            if not _covered(names[i], chosen):
                chosen.append(names[i])
            if len(chosen) >= n_phrases:
                break
        labels[t] = ", ".join(chosen)
    return labels
