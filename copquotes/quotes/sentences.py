"""The sentence features of each quotable unit (:class:`copquotes.quotes.features.SentenceStats`
without the IDF part): computed with spaCy once per text and kept in the workspace's
``text_features`` table, so a re-run parses only new texts."""
from __future__ import annotations

import dataclasses
import json

from ..progress import progress as _progress
from ..stages import STAGES
from ..text import sentence_spans
from ..types import text_hash
from . import storage
from .features import SentenceStats, sentence_stats


def _stats_kind(use_pos: bool) -> str:
    return f"quote_stats/{STAGES['quotes'].version}/{'pos' if use_pos else 'lex'}"


class SentenceFeatures:
    """Each unit's sentence features without the IDF part (spaCy's part-of-speech tags with
    ``use_pos``): loads spaCy once, here or per worker of a distributed engine's map."""

    def __init__(self, use_pos: bool = True):
        self.nlp = None
        if use_pos:
            from ..resources import load_spacy

            self.nlp = load_spacy(disable=("parser", "ner", "lemmatizer", "attribute_ruler"))

    def iter_stats(self, items):
        """``(text, sentence spans)`` pairs -> one list of :class:`SentenceStats` each, lazily."""
        items = list(items)
        texts = [t for t, _ in items]
        docs = self.nlp.pipe(texts, batch_size=128) if self.nlp is not None else (None for _ in texts)
        for (text, sents), doc in zip(items, docs):
            toks = list(doc) if doc is not None else None
            stats = []
            for i, (s, e) in enumerate(sents):
                st_toks = [t for t in toks if s <= t.idx < e] if toks is not None else None
                stats.append(sentence_stats(text[s:e], tokens=st_toks, at_unit_end=i == len(sents) - 1))
            yield stats

    def __call__(self, rows: list[dict]) -> list[list[SentenceStats]]:
        return list(self.iter_stats((r["text"], [tuple(x) for x in r["sents"]]) for r in rows))


def _spans(u, sentences: dict, missing: dict | None) -> list[tuple[int, int]]:
    """The unit's sentence spans: the ingest's (``sentences``), or split here when it has none
    (counted in ``missing["sentences"]``) or they do not fit its text."""
    sents = [(s, e) for _, s, e in sentences.get(u.unit_id, [])]
    if not sents or sents[-1][1] > len(u.text):
        if missing is not None:
            missing["sentences"] += bool(not sents)
        sents = sentence_spans(u.text)
    return sents


def missing_stats(ws, units: list, sentences: dict, use_pos: bool) -> list[tuple[str, str, list]]:
    """``(text hash, text, sentence spans)`` of the units whose texts have no stored features
    (one entry per text), found by hash alone (no stored value is read)."""
    wanted = {}
    for u in units:
        wanted.setdefault(text_hash(u.text), (u.text, _spans(u, sentences, None)))
    have = storage.cached_hashes(ws, _stats_kind(use_pos), sorted(wanted))
    return [(h, t, sents) for h, (t, sents) in wanted.items() if h not in have]


def _computed(ws, todo: list[tuple[str, str, list]], use_pos: bool, mapper=None, progress: bool = False,
              features: "SentenceFeatures | None" = None):
    """``(text hash, sentence spans, stats)`` of each ``(hash, text, spans)`` of ``todo``, computed in
    one distributed map when ``mapper`` is given, else with ``features`` (a :class:`SentenceFeatures`
    made here when not given), and stored as they come, 2,000 texts at a time."""
    if mapper is not None:  # a distributed engine: spaCy runs there, loaded once per worker
        per_text = mapper("copquotes.quotes.sentences:SentenceFeatures",
                          [{"text": t, "sents": sents} for _, t, sents in todo], init={"use_pos": use_pos})
    else:
        per_text = (features or SentenceFeatures(use_pos)).iter_stats((t, sents) for _, t, sents in todo)
    kind = _stats_kind(use_pos)
    bar = _progress(total=len(todo), desc="quotes: sentence features", unit="text", enable=progress)
    rows: dict = {}
    for (h, _, sents), stats in zip(todo, per_text):
        bar.update(1)
        rows[h] = json.dumps({"spans": [list(x) for x in sents], "stats": [dataclasses.astuple(x) for x in stats]})
        if len(rows) >= 2000:
            storage.cache_features(ws, kind, rows)
            rows = {}
        yield h, sents, stats
    bar.close()
    storage.cache_features(ws, kind, rows)


def compute_stats(ws, todo: list[tuple[str, str, list]], use_pos: bool, mapper=None, progress: bool = False,
                  features: "SentenceFeatures | None" = None) -> int:
    """Compute and store the features of ``todo`` (:func:`missing_stats`); returns how many."""
    if not todo:
        return 0
    for _ in _computed(ws, todo, use_pos, mapper, progress, features):
        pass
    return len(todo)


def unit_stats(ws, units: list, data: dict, use_pos: bool, progress: bool) -> dict[str, tuple]:
    """Per unit id: ``(sentence spans, [SentenceStats without the IDF part])``.

    The spans are the ingest's sentences (``data["sentences"]``; split here when a unit has
    none, counted in ``data["missing"]``); stats found in ``text_features`` are reused, the
    others computed (by ``data["mapper"]``, a distributed engine's map, when there is one)
    and stored. ``data["stats_computed"]``: how many units were computed.
    """
    kind = _stats_kind(use_pos)
    wanted: dict[str, list] = {}
    for u in units:
        wanted[u.unit_id] = [text_hash(u.text), _spans(u, data["sentences"], data["missing"])]
    stored = storage.cached_features(ws, kind, sorted({h for h, _ in wanted.values()}))
    out: dict[str, tuple] = {}
    todo: list = []
    for u in units:
        h, sents = wanted[u.unit_id]
        got = stored.get(h)
        if got is not None and [tuple(x) for x in got["spans"]] == [tuple(x) for x in sents]:
            out[u.unit_id] = (sents, [SentenceStats(*row) for row in got["stats"]])
        else:
            todo.append(u)
    if todo:
        out.update(_compute(ws, todo, wanted, data.get("mapper"), use_pos, progress))
    data["stats_computed"] = len(todo)
    return out


def _compute(ws, todo: list, wanted: dict, mapper, use_pos: bool, progress: bool) -> dict:
    """The sentence features of units not in the cache, stored there."""
    items = [(wanted[u.unit_id][0], u.text, wanted[u.unit_id][1]) for u in todo]
    got = _computed(ws, items, use_pos, mapper, progress)
    return {u.unit_id: (sents, stats) for u, (_, sents, stats) in zip(todo, got)}
