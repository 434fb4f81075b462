"""Embedder: normalised float32 rows in order, each distinct text once, a cache across runs."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from copquotes.embed import CACHE_FILE, Embedder, model_key
from copquotes.errors import ConfigError

TEXTS = [
    "I walk in flat and walk out with a plan.",
    "The facilitator held the space beautifully.",
    "I walk in flat and walk out with a plan.",
    "",
    "Networking across councils was the best part.",
]


def test_rows_in_order_normalised_float32(embedder):
    v = embedder.encode(TEXTS)
    assert v.shape == (len(TEXTS), 384)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(v[0], v[2])          # duplicates share one vector
    assert not np.allclose(v[0], v[1])
    # order is kept whatever the batching: one text alone gives the same row
    np.testing.assert_allclose(embedder.encode([TEXTS[4]])[0], v[4], atol=1e-6)


def test_each_distinct_text_once_and_second_run_computes_nothing(tmp_path, embedder):
    texts = [f"Session {i} reminded me why I do this work." for i in range(7)] * 3
    e1 = Embedder(cache_dir=tmp_path)
    v1 = e1.encode(texts)
    assert (e1.n_computed_, e1.n_cached_) == (7, 0)
    e2 = Embedder(cache_dir=tmp_path)                 # a new process would see the same file
    v2 = e2.encode(list(reversed(texts)))
    assert (e2.n_computed_, e2.n_cached_) == (0, 7)
    np.testing.assert_array_equal(v2, v1[::-1])
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = conn.execute("SELECT model, COUNT(*) FROM vector_parts GROUP BY model").fetchall()
    assert rows == [(e1.cache_key, 7)] and e1.cache_key == "all-MiniLM-L6-v2"


def test_partial_cache_computes_only_new_texts(tmp_path):
    e = Embedder(cache_dir=tmp_path)
    e.encode(["alpha text one", "beta text two"])
    e.encode(["alpha text one", "gamma text three", "delta text four"])
    assert (e.n_computed_, e.n_cached_) == (2, 1)
    assert (e.n_total_computed_, e.n_total_cached_) == (4, 1)


def test_no_cache_dir_keeps_vectors_in_memory(embedder):
    e = Embedder(cache_dir=None)
    a = e.encode(["only in memory"])
    e.encode(["only in memory"])
    assert e.n_computed_ == 0
    np.testing.assert_allclose(a, embedder.encode(["only in memory"]), atol=1e-6)


def test_default_vectors_do_not_depend_on_the_batch(embedder):
    # no cache: each Embedder computes; a text alone and beside long texts gets the same vector
    long = ["A much longer answer about the community of practice and how it helped me reflect on my "
            "own assumptions about gender, power and privilege in the schools I work with."] * 4
    alone = Embedder().encode([TEXTS[0]])[0]
    beside = Embedder().encode([TEXTS[0], "short", *long])[0]
    assert float(alone @ beside) > 0.9999


def test_a_text_of_several_sentences_is_the_weighted_mean_of_its_sentences(tmp_path):
    sents = ["I walk in flat and walk out with a plan.", "The facilitator held the space beautifully."]
    text = " ".join(sents)
    e = Embedder(cache_dir=tmp_path)
    u, s1, s2 = e.encode([text, *sents])
    w = np.array([len(s) for s in sents], dtype=np.float32)
    mean = w[0] * s1 + w[1] * s2
    np.testing.assert_allclose(u, mean / np.linalg.norm(mean), atol=1e-6)
    assert e.n_computed_ == 2                      # the unit cost nothing beyond its sentences
    whole = Embedder(pooling="text").encode([text])[0]
    assert 0.8 < float(u @ whole) < 0.9999         # close to, but not, the whole-text vector
    # a one-sentence text is embedded as it is, whatever the pooling
    np.testing.assert_allclose(Embedder(pooling="text").encode([sents[0]])[0], s1, atol=1e-6)


def test_poolings_have_their_own_key_but_share_the_cache(tmp_path):
    a, b = Embedder(cache_dir=tmp_path), Embedder(cache_dir=tmp_path, pooling="text")
    assert a.key != b.key and a.cache_key == b.cache_key
    a.encode(["One sentence here."])
    b.encode(["One sentence here."])
    assert b.n_cached_ == 1


def test_int8_stays_close_to_fp32(embedder):
    fp32 = Embedder(precision="fp32").encode(TEXTS)
    int8 = Embedder(precision="int8").encode(TEXTS)
    cos = np.sum(fp32 * int8, axis=1)
    assert cos.min() > 0.9 and cos.mean() > 0.95


def test_empty_input_gives_empty_matrix(embedder):
    assert embedder.encode([]).shape == (0, 384)


@pytest.mark.parametrize("kwargs", [{"precision": "fp16"}, {"batch_size": 0}, {"pooling": "max"}])
def test_bad_options_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        Embedder(**kwargs)


def test_single_string_is_refused(embedder):
    with pytest.raises(ConfigError):
        embedder.encode("not a list")


@pytest.mark.parametrize("name, precision, key", [
    ("all-MiniLM-L6-v2", "fp32", "all-MiniLM-L6-v2"),
    ("sentence-transformers/all-MiniLM-L6-v2", "fp32", "all-MiniLM-L6-v2"),
    ("all-MiniLM-L6-v2", "int8", "all-MiniLM-L6-v2@int8"),
])
def test_model_key_separates_precisions(name, precision, key):
    assert model_key(name, precision) == key


def test_ensure_fills_the_cache_that_encode_reads(tmp_path):
    texts = ["First thought. Second thought.", "Only one sentence here."]
    e = Embedder(cache_dir=tmp_path)
    assert e.pieces(texts) == ["First thought.", "Second thought.", "Only one sentence here."]
    e.ensure(texts)
    assert (e.n_computed_, e.n_cached_) == (3, 0)
    e.ensure(texts)  # both texts were ensured: neither is split again
    assert (e.n_computed_, e.n_cached_, e.n_ensured_) == (0, 2, 2)
    e.ensure([*texts, "A new one. With two sentences."])
    assert (e.n_computed_, e.n_ensured_) == (2, 2)
    reader = Embedder(cache_dir=tmp_path)
    reader.encode(texts)
    assert reader.n_computed_ == 0 and reader.n_cached_ == 3


def test_texts_ensured_under_one_pooling_are_embedded_again_under_another(tmp_path):
    texts = ["First thought. Second thought."]
    Embedder(cache_dir=tmp_path).ensure(texts)
    whole = Embedder(cache_dir=tmp_path, pooling="text").ensure(texts)
    assert (whole.n_computed_, whole.n_ensured_) == (1, 0)   # the text itself, never embedded whole before


def test_a_thread_policy_is_asked_per_chunk_and_the_setting_restored():
    import pickle

    import torch

    before = torch.get_num_threads()
    asked = []
    e = Embedder(threads=lambda: asked.append(1) or 1)
    e.encode(["A text to embed with one thread."])
    assert asked and torch.get_num_threads() == before
    assert pickle.loads(pickle.dumps(e)).threads is None      # a lambda is not pickled
