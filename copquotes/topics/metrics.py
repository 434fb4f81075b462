"""Topic quality measures: NPMI coherence, keyword diversity, agreement with labels.

Coherence is computed here (no gensim): NPMI of every pair of a topic's top keywords,
with probabilities from *document* co-occurrence over the corpus's own tokenised
documents (Bouma 2009; the "C_NPMI" of Röder et al. 2015 with a whole-document window):

    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b),   -1 when P(a, b) = 0

averaged over the pairs of a topic, then over topics (the outlier topic -1 excluded).
Keywords are read as *words*: a bigram keyword is split into its words and each word
counted once, in order, until ``top_n`` words (so a model that lists "staff friendly"
next to "staff" gains nothing from the trivial co-occurrence of a bigram and its parts).
"""
from __future__ import annotations

import math
import re
from itertools import combinations
from typing import Iterable, Mapping, Sequence

import numpy as np

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")


def _doc_terms(text: str, max_n: int) -> set[str]:
    """Terms of a document, tokenised the two ways a topic model may have seen it.

    (1) punctuation as a space, (2) punctuation deleted as BERTopic's own clean-up
    does; a keyword counts as present when either tokenisation has it.
    """
    text = (text or "").lower()
    out: set[str] = set()
    for variant in (re.sub(r"[^\w\s]+", " ", text), re.sub(r"[^a-z0-9 \n\t]+", "", text)):
        toks = _TOKEN.findall(variant)
        out.update(toks)
        for n in range(2, max_n + 1):
            out.update(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))
    return out


def document_frequencies(docs: Sequence[str], keywords: Iterable[str]) -> tuple[dict[str, set[int]], int]:
    """For each keyword, the set of document indices that contain it."""
    vocab = {k.lower().strip() for k in keywords if k and k.strip()}
    max_n = max((len(k.split()) for k in vocab), default=1)
    occ: dict[str, set[int]] = {k: set() for k in vocab}
    for i, d in enumerate(docs):
        for term in _doc_terms(d, max_n) & vocab:
            occ[term].add(i)
    return occ, len(docs)


def npmi_coherence(topic_keywords: Mapping[int, Sequence[str]], docs: Sequence[str], top_n: int = 10,
                   occurrences: tuple[dict[str, set[int]], int] | None = None) -> dict:
    """Mean NPMI of each topic's top-``top_n`` keywords; ``{"mean": x, "per_topic": {t: x}}``."""
    topics = {t: keyword_words(kws, top_n) for t, kws in topic_keywords.items() if t != -1}
    if occurrences is None:
        occurrences = document_frequencies(docs, [k for kws in topics.values() for k in kws])
    occ, n_docs = occurrences
    per_topic: dict[int, float] = {}
    for t, kws in topics.items():
        kws = list(dict.fromkeys(kws))
        scores = [npmi_pair(occ.get(a, set()), occ.get(b, set()), n_docs) for a, b in combinations(kws, 2)]
        if scores:
            per_topic[t] = float(np.mean(scores))
    mean = float(np.mean(list(per_topic.values()))) if per_topic else float("nan")
    return {"mean": mean, "per_topic": per_topic}


def keyword_words(keywords: Sequence[str], top_n: int = 10) -> list[str]:
    """The first ``top_n`` distinct words of a keyword list (bigrams split into words)."""
    out: list[str] = []
    for k in keywords:
        for w in (k or "").lower().split():
            if w not in out:
                out.append(w)
                if len(out) >= top_n:
                    return out
    return out


def npmi_pair(docs_a: set[int], docs_b: set[int], n_docs: int) -> float:
    """NPMI of two terms from the documents each occurs in."""
    if n_docs == 0:
        return float("nan")
    n_ab = len(docs_a & docs_b)
    if n_ab == 0:
        return -1.0
    p_ab = n_ab / n_docs
    p_a = len(docs_a) / n_docs
    p_b = len(docs_b) / n_docs
    if p_ab >= 1.0:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def topic_diversity(topic_keywords: Mapping[int, Sequence[str]], top_n: int = 10) -> float:
    """Share of unique words among the top-``top_n`` words of all topics (Dieng et al. 2020).

    Words as in :func:`keyword_words`: bigram keywords are split into their words.
    """
    words: list[str] = []
    for t, kws in topic_keywords.items():
        if t != -1:
            words.extend(keyword_words(kws, top_n))
    return len(set(words)) / len(words) if words else float("nan")


def agreement(labels: Sequence, topics: Sequence[int]) -> dict:
    """NMI and ARI of topics against reference labels (outliers -1 count as one cluster)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = list(labels)
    topics = list(topics)
    return {"nmi": float(normalized_mutual_info_score(labels, topics)),
            "ari": float(adjusted_rand_score(labels, topics))}
