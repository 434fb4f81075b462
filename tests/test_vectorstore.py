"""The embedding cache's Parquet parts and their index (copquotes/vectorstore.py)."""
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from copquotes import vectorstore
from copquotes.embed import Embedder
from copquotes.vectorstore import CACHE_FILE, EmbeddingCache

MODEL = "test-model"


def _vecs(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _items(prefix: str, vecs: np.ndarray):
    return [(f"{prefix}{i}", v) for i, v in enumerate(vecs)]


def _parts(cache: EmbeddingCache) -> list[str]:
    return sorted(p.name for p in cache.parts.iterdir() if p.suffix == ".parquet" and not p.name.startswith("."))


def test_vectors_come_back_bit_for_bit_from_a_new_object(tmp_path):
    vecs = _vecs(700)   # three row groups of 256 and one of 188
    EmbeddingCache(tmp_path).put_many(MODEL, _items("h", vecs))
    cache = EmbeddingCache(tmp_path)
    wanted = ["h0", "h300", "h699", "h255", "h256", "absent"]
    got = cache.get_many(MODEL, wanted)
    assert sorted(got) == sorted(wanted[:-1])
    for h in wanted[:-1]:
        np.testing.assert_array_equal(got[h], vecs[int(h[1:])])
    assert cache.count(MODEL) == 700 and cache.count("other") == 0
    assert cache.has_many(MODEL, wanted) == set(wanted[:-1])
    assert len(_parts(cache)) == 1


def test_one_part_per_put_with_no_text_in_it(tmp_path):
    import pyarrow.parquet as pq

    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("a", _vecs(3)))
    cache.put_many(MODEL, _items("b", _vecs(2, seed=1)))
    cache.put_many(MODEL, [])
    parts = _parts(cache)
    assert len(parts) == 2
    table = pq.read_table(cache.parts / parts[0])
    assert table.column_names == ["text_hash", "vec"] and table.schema.field("vec").type.byte_width == 8 * 4


def test_parts_written_as_float_lists_before_the_binary_column_are_still_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    cache = EmbeddingCache(tmp_path)
    vecs = _vecs(300)
    cache.put_many(MODEL, _items("h", vecs))
    (part,) = _parts(cache)
    old = pa.table({"text_hash": [f"h{i}" for i in range(300)],
                    "vec": pa.FixedSizeListArray.from_arrays(pa.array(vecs.reshape(-1)), 8)})
    pq.write_table(old, cache.parts / part, row_group_size=vectorstore.ROW_GROUP)   # as the earlier writer did
    got = EmbeddingCache(tmp_path).get_many(MODEL, ["h0", "h299", "h257"])
    for h in ("h0", "h299", "h257"):
        assert got[h].dtype == np.float32
        np.testing.assert_array_equal(got[h], vecs[int(h[1:])])


def test_a_hash_stored_again_points_at_its_new_part(tmp_path):
    cache = EmbeddingCache(tmp_path)
    old, new = _vecs(1, seed=1)[0], _vecs(1, seed=2)[0]
    cache.put_many(MODEL, [("x", old)])
    cache.put_many(MODEL, [("x", new), ("x", new)])
    np.testing.assert_array_equal(cache.get_many(MODEL, ["x"])["x"], new)
    assert cache.count() == 1


def test_vectors_of_another_length_are_not_returned(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("h", _vecs(2, dim=8)))
    assert cache.get_many(MODEL, ["h0"], dim=4) == {}
    assert set(cache.get_many(MODEL, ["h0"], dim=8)) == {"h0"}


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_a_lost_part_reads_as_a_miss_and_tidy_forgets_it(tmp_path, damage):
    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("keep", _vecs(3)))
    cache.put_many(MODEL, _items("lose", _vecs(3, seed=1)))
    cache.mark_ensured("key", ["t1"])
    lost_part = sqlite3.connect(tmp_path / CACHE_FILE).execute(
        "SELECT part FROM vector_parts WHERE text_hash = 'lose0'").fetchone()[0]
    path = cache.parts / lost_part
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.write_bytes(b"not parquet at all " * 50)
    got = cache.get_many(MODEL, ["keep0", "lose0", "lose2"])
    assert set(got) == {"keep0"}
    report = cache.tidy()
    assert report["lost"] == 1
    assert cache.has_many(MODEL, ["keep0", "lose0"]) == {"keep0"}
    assert cache.has_many("key", ["t1"], table="ensured") == set()   # the embed stage looks again


def test_a_text_whose_part_was_lost_is_embedded_again_with_the_same_vector(tmp_path, embedder):
    texts = ["We met every month and it kept me going.", "The sessions felt rushed at the end."]
    first = Embedder(cache_dir=tmp_path)
    first.ensure(texts)
    v1 = first.encode(texts)
    for p in (tmp_path / vectorstore.PARTS).iterdir():
        p.unlink()
    again = Embedder(cache_dir=tmp_path)
    assert again._cache.tidy()["lost"] >= 1
    again.ensure(texts)
    assert again.n_computed_ == 2
    third = Embedder(cache_dir=tmp_path)
    np.testing.assert_array_equal(third.encode(texts), v1)
    assert third.n_computed_ == 0


def test_vectors_written_before_the_parts_are_still_read(tmp_path):
    vec = _vecs(1)[0]
    EmbeddingCache(tmp_path).close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("INSERT INTO vectors (model, text_hash, vec) VALUES (?, ?, ?)", (MODEL, "old", vec.tobytes()))
    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, [("new", vec)])
    got = cache.get_many(MODEL, ["old", "new"])
    np.testing.assert_array_equal(got["old"], vec)
    assert cache.has_many(MODEL, ["old", "new", "no"]) == {"old", "new"}
    assert cache.count(MODEL) == 2


def test_tidy_merges_small_parts_and_keeps_every_vector(tmp_path):
    cache = EmbeddingCache(tmp_path)
    vecs = _vecs(vectorstore.MERGE_AT + 2)
    for i, v in enumerate(vecs):
        cache.put_many(MODEL, [(f"h{i}", v)])
    cache.put_many("other", [("h0", vecs[1])])
    assert len(_parts(cache)) == len(vecs) + 1
    report = cache.tidy(remove_after_s=0)
    assert report["merged"] == len(vecs) + 1 and report["removed"] == len(vecs) + 1
    assert len(_parts(cache)) == 2   # one per model
    got = EmbeddingCache(tmp_path).get_many(MODEL, [f"h{i}" for i in range(len(vecs))])
    for i, v in enumerate(vecs):
        np.testing.assert_array_equal(got[f"h{i}"], v)
    np.testing.assert_array_equal(cache.get_many("other", ["h0"])["h0"], vecs[1])


def test_tidy_leaves_few_small_parts_and_young_unreferenced_files_alone(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("h", _vecs(2)))
    stray = cache.parts / "v-0000000000000000.parquet"          # a writer's, not yet pointed at
    stray.write_bytes(b"x")
    tmp = cache.parts / ".v-1111111111111111.parquet.tmp"       # a killed writer's
    tmp.write_bytes(b"x")
    assert cache.tidy() == {"lost": 0, "merged": 0, "removed": 0}
    assert stray.exists() and tmp.exists()
    old = stray.stat().st_mtime - 2 * vectorstore.REMOVE_AFTER_S
    os.utime(stray, (old, old))
    os.utime(tmp, (old, old))
    assert cache.tidy()["removed"] == 2
    assert not stray.exists() and not tmp.exists() and len(_parts(cache)) == 1


_WRITER = """
import sys
import numpy as np
from copquotes.vectorstore import EmbeddingCache
path, prefix = sys.argv[1], sys.argv[2]
cache = EmbeddingCache(path)
for k in range(20):
    v = np.random.default_rng(k).normal(size=(5, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    cache.put_many("test-model", [(f"{prefix}{k}-{j}", v[j]) for j in range(5)])
"""


def test_two_processes_append_at_once_and_nothing_is_lost(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), p]) for p in ("a", "b")]
    assert [p.wait(120) for p in procs] == [0, 0]
    cache = EmbeddingCache(tmp_path)
    keys = [f"{p}{k}-{j}" for p in "ab" for k in range(20) for j in range(5)]
    got = cache.get_many(MODEL, keys)
    assert len(got) == 200 and cache.count(MODEL) == 200
    np.testing.assert_array_equal(got["b7-3"], _vecs(5, seed=7)[3])


def _lone_part(cache: EmbeddingCache) -> Path:
    (name,) = _parts(cache)
    return cache.parts / name


def _rewrite(path: Path, table) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)


@pytest.mark.parametrize("damage", ["flipped_vector_byte", "other_columns", "list_of_doubles", "bad_utf8_hash"])
def test_a_part_damaged_inside_reads_as_a_miss_never_a_wrong_vector_or_an_error(tmp_path, damage):
    import pyarrow as pa

    cache = EmbeddingCache(tmp_path)
    vecs = _vecs(300)
    cache.put_many(MODEL, _items("h", vecs))
    path = _lone_part(cache)
    if damage == "flipped_vector_byte":
        data = bytearray(path.read_bytes())
        at = bytes(data).index(vecs[5].tobytes()) + 3
        data[at] ^= 0x40
        path.write_bytes(bytes(data))
    elif damage == "other_columns":
        _rewrite(path, pa.table({"hash": [f"h{i}" for i in range(300)], "vec": list(vecs.astype(float))}))
    elif damage == "list_of_doubles":
        _rewrite(path, pa.table({"text_hash": [f"h{i}" for i in range(300)], "vec": [list(v) for v in vecs.astype(float)]}))
    else:
        data = bytearray(path.read_bytes())
        at = bytes(data).index(b"h5")
        data[at:at + 2] = b"\xff\xfe"
        path.write_bytes(bytes(data))
    got = cache.get_many(MODEL, ["h5", "h6"])
    for h, v in got.items():                     # what is returned, if anything, is right
        np.testing.assert_array_equal(v, vecs[int(h[1:])])
    assert "h5" not in got
    cache.tidy()                                 # never raises; the embed stage starts


def test_tidy_leaves_other_entries_of_the_folder_alone(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("h", _vecs(2)))
    (cache.parts / "v-0123456789abcdef.parquet").mkdir()      # a folder named like a part
    (cache.parts / "notes.txt").write_text("someone's file")
    old = time.time() - 2 * vectorstore.REMOVE_AFTER_S
    for p in cache.parts.iterdir():
        os.utime(p, (old, old))
    assert cache.tidy()["removed"] == 0
    assert (cache.parts / "notes.txt").exists() and (cache.parts / "v-0123456789abcdef.parquet").is_dir()
    assert len(cache.get_many(MODEL, ["h0", "h1"])) == 2


def test_a_reader_whose_part_was_merged_away_under_it_reads_the_new_part(tmp_path, monkeypatch):
    writer = EmbeddingCache(tmp_path)
    vecs = _vecs(vectorstore.MERGE_AT)
    for i, v in enumerate(vecs):
        writer.put_many(MODEL, [(f"h{i}", v)])
    reader = EmbeddingCache(tmp_path)
    where = EmbeddingCache._where
    calls = []

    def stale_then_merge(self, model, hashes):
        found = where(self, model, hashes)
        if not calls:                             # between the reader's lookup and its reads
            assert writer.tidy(remove_after_s=0)["removed"] == len(vecs)
        calls.append(len(found))
        return found

    monkeypatch.setattr(EmbeddingCache, "_where", stale_then_merge)
    got = reader.get_many(MODEL, [f"h{i}" for i in range(len(vecs))])
    assert len(got) == len(vecs) and len(calls) == 2
    for i, v in enumerate(vecs):
        np.testing.assert_array_equal(got[f"h{i}"], v)


@pytest.mark.parametrize("lengths, window, expected", [
    ([3, 1, 2], 10, [1, 2, 0]),                  # one window: by length
    ([3, 1, 2, 9, 0], 2, [1, 0, 2, 3, 4]),       # windows [3, 1] [2, 9] [0]
    ([], 4, []),
])
def test_texts_are_embedded_by_length_within_windows_of_their_order(lengths, window, expected):
    from copquotes.embed import _batch_order

    assert _batch_order(["x" * n for n in lengths], window) == expected


def test_an_old_part_with_a_missing_number_in_a_vector_reads_as_a_miss(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    cache = EmbeddingCache(tmp_path)
    cache.put_many(MODEL, _items("h", _vecs(2, dim=2)))
    (part,) = _parts(cache)
    old = pa.table({"text_hash": ["h0", "h1"],
                    "vec": pa.FixedSizeListArray.from_arrays(pa.array([1.0, None, 0.0, 1.0], pa.float32()), 2)})
    pq.write_table(old, cache.parts / part)
    assert EmbeddingCache(tmp_path).get_many(MODEL, ["h0", "h1"]) == {}
