"""Entry points: ``tag_texts`` (for ``copquotes tag``), the default tagger, the ``tag`` stage."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from .. import themescores, unitparts
from ..errors import ConfigError
from ..progress import progress as _progress
from ..resources import models_dir
from .codebook import Codebook
from .tagger import ThemeTagger

log = logging.getLogger(__name__)

DEFAULT_ARTIFACT = "tagger-default.joblib"


def default_artifact_path() -> Path:
    return models_dir() / DEFAULT_ARTIFACT


def default_tagger(codebook=None, embedder=None, cache_dir=None) -> ThemeTagger:
    """A fitted zero-shot tagger for ``codebook`` (default: the shipped codebook).

    Uses the shipped artifact ``models/tagger-default.joblib`` when it was fitted on this
    very codebook (same fingerprint) and embedding model; otherwise fits zero-shot from
    the codebook (a second or two once its examples are in the embedding cache).
    """
    cb = Codebook.coerce(codebook)
    if embedder is None:
        from ..embed import Embedder

        embedder = Embedder(cache_dir=cache_dir)
    art = default_artifact_path()
    if art.exists():
        try:
            tagger = ThemeTagger.load(art, embedder=embedder)
            if (tagger.codebook_fingerprint_ == cb.fingerprint()
                    and tagger.embedding_model_ == getattr(embedder, "key", None)
                    and _tunable(tagger.get_params()) == _tunable(ThemeTagger().get_params())):
                return tagger
        except ConfigError as exc:  # an artifact from another version: refit
            log.debug("ignoring %s: %s", art, exc)
    return ThemeTagger(codebook=cb, embedder=embedder).fit()


def _tunable(params: dict) -> dict:
    return {k: v for k, v in params.items() if k not in ("embedder", "codebook", "cache_dir")}


def build_default_artifact(cache_dir=None) -> Path:
    """Refit the zero-shot tagger on the shipped codebook and save ``models/tagger-default.joblib``.

    Run after editing ``models/codebook.yaml`` or the tagger's defaults:
    ``python -c "from copquotes.themes.api import build_default_artifact; build_default_artifact()"``
    """
    from ..embed import Embedder

    tagger = ThemeTagger(embedder=Embedder(cache_dir=cache_dir)).fit()
    return tagger.save(default_artifact_path())


def tag_texts(texts: Sequence[str], codebook=None, *, tagger: ThemeTagger | None = None,
              progress: bool = False, cache_dir=None) -> list[dict]:
    """Tag texts: per text ``{"labels": [...], "scores": {theme: p}}``, in input order.

    ``labels`` are sorted by score; ``scores`` has every theme of the codebook.
    """
    if isinstance(texts, str):
        raise ConfigError("tag_texts takes a list of texts, not a single string")
    texts = list(texts)
    if tagger is None:
        tagger = default_tagger(codebook, cache_dir=cache_dir)
    if not texts:
        return []
    return [{"labels": r["labels"], "scores": r["scores"]} for r in tagger.tag(texts, progress=progress)]


# --------------------------------------------------------------------------- workspace stage
def _reviewer_labels(ws, theme_ids):
    rows = ws.conn.execute(
        "SELECT l.unit_id, l.theme, l.label, u.text FROM theme_labels l JOIN units u ON u.unit_id = l.unit_id"
    ).fetchall()
    if not rows:
        return [], None
    index = {t: j for j, t in enumerate(theme_ids)}
    order: dict[str, int] = {}
    texts: list[str] = []
    for uid, theme, label, text in rows:
        if theme in index and uid not in order:
            order[uid] = len(texts)
            texts.append(text)
    Y = np.full((len(texts), len(theme_ids)), np.nan)
    for uid, theme, label, _ in rows:
        if theme in index:
            Y[order[uid], index[theme]] = 1.0 if int(label) else 0.0
    return texts, Y


def _workspace_codebook(ws):
    try:
        path = ws.get_config("codebook")
    except Exception:
        path = None
    return Codebook.load(path) if path else Codebook.load()


CONFIG_TAGGER = "tag.tagger_identity"
_UNITS_IN_ORDER = ("SELECT u.unit_id FROM units u JOIN files f ON f.file_id = u.file_id"
                   " ORDER BY f.display, u.position, u.unit_id")
# units whose scores the stage writes per transaction (a reviewer's save waits at most for one)
WRITE_CHUNK = 1000
# units scored at a time (a multiple of WRITE_CHUNK: the transactions are those of one pass)
SCORE_CHUNK = 5000
# the database's page cache while the stage writes (KiB; SQLite's default is 2 MiB)
TAG_CACHE_KIB = 64 * 1024


def tagger_identity(tagger: ThemeTagger) -> str | None:
    """A hash of everything a fitted tagger's scores depend on (its parameters and fitted
    attributes); ``None`` when it cannot be computed (then every unit is re-scored)."""
    import hashlib
    import pickle

    def canon(v):
        # a codebook by its content: pickles of equal codebooks differ with how the YAML
        # loader shared their strings
        return ("codebook", v.fingerprint()) if isinstance(v, Codebook) else v

    try:
        params = {k: canon(v) for k, v in tagger.get_params().items() if k != "embedder"}
        fitted = {k: canon(v) for k, v in vars(tagger).items() if k.endswith("_") and not k.startswith("_")}
        blob = pickle.dumps((sorted(params.items(), key=lambda kv: kv[0]), sorted(fitted.items(), key=lambda kv: kv[0]),
                             getattr(tagger._get_embedder(), "key", None)), protocol=4)
    except Exception as exc:  # an unpicklable custom part: no incremental tagging
        log.debug("tagger identity unavailable: %s", exc)
        return None
    return hashlib.sha1(blob).hexdigest()


def _stage_tagger(ws, cb, embedder) -> tuple[ThemeTagger, int]:
    """The default tagger, refitted on the reviewers' theme labels when there are any (else, or
    when they cannot be learnt from, zero-shot), and how many reviewed units it learnt from."""
    texts_l, Y_l = _reviewer_labels(ws, cb.ids)
    if not texts_l:
        return default_tagger(cb, embedder=embedder), 0
    base = default_tagger(cb, embedder=embedder)
    tagger = ThemeTagger(**{**base.get_params(), "codebook": cb, "embedder": embedder})
    try:
        tagger.fit(texts_l, Y_l)
    except ConfigError as exc:  # e.g. labels for one theme only: keep zero-shot
        log.warning("reviewer labels not used: %s", exc)
        return base, 0
    return tagger, len(texts_l)


def _sentence_spans(ws, units):
    """Per unit of ``units`` its sentences ``[(idx, start, end)]`` from the ``sentences`` table,
    split with :func:`copquotes.text.sentence_spans` where a unit has none yet (those rows are
    returned to be stored)."""
    from ..text import sentence_spans

    spans: dict[str, list[tuple[int, int, int]]] = {}
    for uid, idx, s, e in ws.conn.execute(
            'SELECT unit_id, idx, start, "end" FROM sentences WHERE unit_id IN (SELECT value FROM json_each(?))'
            " ORDER BY unit_id, idx", (json.dumps([uid for uid, _ in units]),)):
        spans.setdefault(uid, []).append((int(idx), int(s), int(e)))
    new_sentences = []
    for uid, text in units:
        if uid not in spans:
            sp = sentence_spans(text) or [(0, len(text))]
            spans[uid] = [(i, s, e) for i, (s, e) in enumerate(sp)]
            new_sentences.extend((uid, i, s, e) for i, (s, e) in enumerate(sp))
    return spans, new_sentences


def _score_rows(tagger: ThemeTagger, units, spans, progress: bool):
    """``unit_themes`` rows (unit, theme, score, label, evidence sentence) and ``sentence_themes``
    rows (unit, sentence, theme, score) for ``units``."""
    ids = tagger.theme_ids_
    texts = [t for _, t in units]
    sent_lists = [[(s, e) for _, s, e in spans[uid]] for uid, _ in units]
    P, ps, ranges, _, sarg = tagger._score(texts, sentences=sent_lists, progress=progress) if texts else (
        np.zeros((0, len(ids))), np.zeros((0, len(ids))), [], [], np.zeros((0, len(ids)), dtype=int))
    L = tagger.decision_matrix(P)
    unit_rows, sent_out = [], []
    for i, (uid, _) in enumerate(units):
        idxs = [k for k, _, _ in spans[uid]]
        a, b = ranges[i]
        for j, t in enumerate(ids):
            r = int(sarg[i, j]) - a
            ev = idxs[r] if 0 <= r < len(idxs) else None
            unit_rows.append((uid, t, float(P[i, j]), int(L[i, j]), ev))
        for r in range(a, b):
            k = idxs[r - a]
            sent_out.extend((uid, k, t, float(ps[r, j])) for j, t in enumerate(ids))
    return unit_rows, sent_out


def run(ws, *, progress: bool = True, codebook=None, tagger: ThemeTagger | None = None) -> dict:
    """The ``tag`` stage: theme scores for every unit and sentence of the workspace.

    Writes the units' scores ``(unit_id, theme, score, label, evidence_idx)``
    (:mod:`copquotes.themescores`) and the sentence scores ``(unit_id, idx, theme, score)`` as a
    Parquet part each per :data:`SCORE_CHUNK` units (:mod:`copquotes.unitparts`), to which short
    transactions of :data:`WRITE_CHUNK` units then point the units. Sentences come
    from the ``sentences`` table (filled from :func:`copquotes.text.sentence_spans` where a
    unit has none). Reviewer corrections in ``theme_labels`` are learnt from: the tagger is
    refitted on the codebook plus them.

    Incremental: when the tagger is the one that scored the workspace last time (same
    :func:`tagger_identity`), only units without scores (new or re-ingested ones) are
    scored; otherwise every unit is re-scored and earlier results are replaced.
    """
    from ..embed import Embedder

    t0 = time.perf_counter()
    embedder = Embedder(cache_dir=Path(ws.path) / "embeddings")
    cb = Codebook.coerce(codebook) if codebook is not None else _workspace_codebook(ws)
    n_reviewed = 0
    if tagger is None:
        tagger, n_reviewed = _stage_tagger(ws, cb, embedder)
    else:
        tagger.set_embedder(embedder)

    identity = tagger_identity(tagger)
    # in the quotes stage's order (file, then position): a part of the sentence scores then holds
    # the units the quotes stage reads together, so it opens a few parts per part, not every one
    all_ids = [r[0] for r in ws.conn.execute(_UNITS_IN_ORDER)]
    tagged = set(themescores.scored_units(ws))
    for table in (unitparts.SENTENCE_THEMES, unitparts.UNIT_THEMES):   # a lost part's units: scored again
        tagged.difference_update(unitparts.lost_units(ws, table))
    incremental = identity is not None and bool(tagged) and ws.get_config(CONFIG_TAGGER) == identity
    todo = [uid for uid in all_ids if uid not in tagged] if incremental else all_ids
    del tagged
    ids = tagger.theme_ids_
    # Scored SCORE_CHUNK units at a time (a unit's scores depend on it alone), so that the texts,
    # vectors and rows of a whole workspace are never held at once; written in short transactions
    # of WRITE_CHUNK units, each replacing its units' rows (a reviewer's save never waits long;
    # readers see every unit with a whole set of scores). The tagger's identity is stored last: a
    # killed run leaves the units written so far, and the next run scores the rest (same tagger)
    # or every unit again (another tagger).
    bar = _progress(total=len(todo), desc="tag", unit="unit", enable=None if progress else False)
    # the units' rows go into indexes keyed by unit id in the units' file order, not the ids' order:
    # a larger page cache for the stage keeps those inserts in memory (at 100,000 units 65 s -> 54 s)
    cache = ws.conn.execute("PRAGMA cache_size").fetchone()[0]
    ws.conn.execute(f"PRAGMA cache_size = {-TAG_CACHE_KIB}")
    try:
        for part in _score_chunks(todo):
            _tag_chunk(ws, tagger, part)
            bar.update(len(part))
    finally:
        bar.close()
        ws.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    # (not incremental: every unit of the workspace was scored again and its rows replaced, so no
    # row of an earlier tagger stays; the rows of removed units went with them)
    with ws.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)", (CONFIG_TAGGER, json.dumps(identity)))
    merged = 0
    for table in (unitparts.SENTENCE_THEMES, unitparts.UNIT_THEMES):
        merged += unitparts.compact(ws, table)
        unitparts.remove_unreferenced(ws, table)
    counts = {t: 0 for t in ids}
    for part in themescores.parts(ws, label=1, columns=["theme"]):
        for t in part[1]["theme"].to_pylist():
            if t in counts:
                counts[t] += 1
    n_sent = ws.conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    return {
        "units": len(all_ids), "scored_units": len(todo), "incremental": incremental, "sentences": n_sent,
        "codebook": f"{tagger.codebook_.name} v{tagger.codebook_.version}",
        "labelled": counts, "reviewer_labelled_units": n_reviewed,
        "embeddings_computed": embedder.n_total_computed_, "parts_merged": merged,
        "tag_seconds": round(time.perf_counter() - t0, 3),
    }


def _score_chunks(unit_ids: list[str]) -> list[list[str]]:
    """``unit_ids`` in consecutive chunks of SCORE_CHUNK to 2 * SCORE_CHUNK - 1 units (one chunk when
    there are fewer): never a small tail, whose few rows the BLAS may multiply with other
    kernels than a large chunk's (scores then differ in the last float32 bits)."""
    n_chunks = max(1, len(unit_ids) // SCORE_CHUNK)
    bounds = [len(unit_ids) * k // n_chunks for k in range(n_chunks + 1)]
    return [unit_ids[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _tag_chunk(ws, tagger: ThemeTagger, unit_ids: list[str]) -> None:
    """Score ``unit_ids`` (in this order) and write their rows, WRITE_CHUNK units a transaction."""
    text_of = dict(ws.conn.execute("SELECT unit_id, text FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                                   (json.dumps(unit_ids),)))
    units = [(uid, text_of[uid]) for uid in unit_ids if uid in text_of]
    del text_of
    spans, new_sentences = _sentence_spans(ws, units)
    unit_rows, sent_out = _score_rows(tagger, units, spans, False)
    by_unit: dict = {}
    for r in unit_rows:
        by_unit.setdefault(r[0], ([], [], []))[0].append(r)
    for r in sent_out:
        by_unit.setdefault(r[0], ([], [], []))[1].append(r)
    for r in new_sentences:
        by_unit.setdefault(r[0], ([], [], []))[2].append(r)
    order = [uid for uid, _ in units if uid in by_unit] + sorted(set(by_unit) - {uid for uid, _ in units})
    if not order:
        return
    # the scores go to Parquet parts, whole on disk before any unit points at them
    file = unitparts.write_part(ws.path, unitparts.SENTENCE_THEMES, [r for uid in order for r in by_unit[uid][1]])
    scores = themescores.write_part(ws.path, [r for uid in order for r in by_unit[uid][0]])
    for i in range(0, len(order), WRITE_CHUNK):
        part = order[i:i + WRITE_CHUNK]
        with ws.transaction() as conn:
            conn.executemany('INSERT OR REPLACE INTO sentences(unit_id, idx, start, "end") VALUES (?,?,?,?)',
                             [r for uid in part for r in by_unit[uid][2]])
            # (rows of a workspace from before the parts: read until their unit is scored again)
            conn.execute("DELETE FROM sentence_themes WHERE unit_id IN (SELECT value FROM json_each(?))",
                         (json.dumps(part),))
            unitparts.point(conn, unitparts.SENTENCE_THEMES, part, file)
            themescores.point(conn, part, scores)
