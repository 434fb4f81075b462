"""Readable topic labels: contiguous phrases chosen by c-TF-IDF, KeyBERT-style similarity and MMR."""
from __future__ import annotations

import numpy as np
import pytest

from copquotes.topics.labels import class_tfidf, mmr_pick, ngrams, phrase_labels


@pytest.mark.parametrize("text, present, absent", [
    ("I walk in flat and walk out with a plan.", ["walk", "plan", "flat"], ["walk plan", "walk out", "plan walk"]),
    ("The space to reflect was great", ["space to reflect", "space"], ["the space", "reflect was"]),
    ("Peer support. Waiting time", ["peer support", "waiting time"], ["support waiting"]),   # not across sentences
    ("Thanks [name] for the peer support", ["peer support"], ["name", "thanks name"]),     # placeholders never count
    ("I've started teaching, that's it", ["started teaching", "teaching"], ["i've started", "that's"]),
])
def test_phrases_are_contiguous_and_do_not_start_or_end_with_stop_words(text, present, absent):
    grams = set(ngrams(text))
    assert set(present) <= grams
    assert not set(absent) & grams


def test_class_tfidf_prefers_what_sets_a_topic_apart():
    docs = {0: ["peer support helped me", "peer support is great", "great group"],
            1: ["waiting time was long", "the waiting time again", "great staff"]}
    top = {t: [g for g, _ in c[:3]] for t, c in class_tfidf(docs).items()}
    assert "peer support" in top[0] and "waiting time" in top[1]
    assert all("great" not in c for c in top.values())           # in both topics: no contrast


def test_mmr_picks_relevant_but_different_rows():
    centroid = np.array([1.0, 0.0, 0.0])
    vecs = np.array([[0.99, 0.1, 0.0], [0.98, 0.12, 0.0], [0.7, 0.0, 0.7]])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    assert mmr_pick(centroid, vecs, k=2, diversity=0.6) == [0, 2]


def test_phrase_labels_with_the_packaged_model(embedder):
    docs = {0: ["peer support kept me going", "the peer support network", "peer support and mentoring"],
            1: ["the waiting time was long", "waiting time at the clinic", "long waiting time"]}
    centroids = {t: embedder.encode(d).mean(0) for t, d in docs.items()}
    labels = phrase_labels(docs, centroids, lambda ph: embedder.encode(ph))
    assert labels[0].split(", ")[0] in ("peer support", "peer support network")
    assert "waiting time" in labels[1]
    assert all(len(lbl.split(", ")) <= 2 for lbl in labels.values())
