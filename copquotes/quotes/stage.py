"""The ``quotes`` stage: candidate spans from the workspace, scored, stored.

Consent first: candidates come only from ``quotable_units`` (quote consent = 1 and a
participant / respondent, or a facilitator's reflection), and the database refuses
anything else. Text shown anywhere is the anonymised span (the verbatim span is kept
in ``quotes.verbatim`` and by its offsets, for reviewers only).

The stage's steps live in the package's modules by job: :mod:`.storage` (every SQL
statement), :mod:`.sentences` (the cached sentence features), :mod:`.safety` (anonymised
text, missed names, flags), :mod:`.scoring` (themes, representativeness, the score, the
spans chosen per unit) and :mod:`.readers` (what the CLI and the app read back).
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
from dataclasses import replace
from pathlib import Path

from ..disclosure import PersonNames
from ..errors import ConfigError
from ..progress import progress as _progress
from ..stages import STAGES
from ..text import word_count
from . import storage
from .attribution import attribution, check_template, resolve_templates
from .candidate import Candidate, quote_id
from .candidates import (DEFAULT_MAX_SENTENCES, DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, SpanCandidate,
                         candidate_spans)
from .edits import suggest_edit
from .learning import CONFIG_LEARNING
from .features import corpus_idf, cut_off, is_non_answer, span_features, with_idf
from .safety import check, name_patterns, unit_has_no_names
from .scoring import (PARTS, QuoteRanker, Reference, Weights, add_themes, explain, sample_reference,
                      score_candidates, select_spans, with_representativeness)
from .sentences import SentenceFeatures, compute_stats, missing_stats, unit_stats

log = logging.getLogger(__name__)

CONFIG_WEIGHTS = storage.CONFIG_WEIGHTS    # learned weights (written when decisions retrain)
CONFIG_ATTRIBUTION = "quotes.attribution"  # {"focus_group": "- ...{year}", ...} or {"style": "cohort"}
CONFIG_OPTIONS = "quotes.options"          # {"min_words": 8, "max_words": 80, ...}
REVIEWED = ("approved", "rejected", "edited")
WRITE_CHUNK = 2000            # quotes written per transaction (a reviewer's save waits at most for one)
# Quotable units per part: the stage reads, chooses and writes one part at a time, so what it
# holds (the part's candidates, their features and themes) does not grow with the workspace.
PART_UNITS = 10_000
# Texts of one map of the sentence features with a distributed engine (each map starts its
# actors): a map takes parts until it has at least this many, so at most one part more, which
# stays within one window of the Ray engine (RayEngine.window_rows, 100,000 rows)
MAP_TEXTS = 90_000


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _options(ws, overrides: dict) -> dict:
    opts = {"min_words": DEFAULT_MIN_WORDS, "max_words": DEFAULT_MAX_WORDS,
            "max_sentences": DEFAULT_MAX_SENTENCES, "use_pos": True, "ref_sample": 4000}
    stored = ws.get_config(CONFIG_OPTIONS, {})
    if stored and not isinstance(stored, dict):
        raise ConfigError(f"workspace config {CONFIG_OPTIONS} must be a mapping of option -> value")
    opts.update(stored or {})
    opts.update({k: v for k, v in overrides.items() if v is not None})
    if int(opts["min_words"]) < 1 or int(opts["max_words"]) < int(opts["min_words"]):
        raise ConfigError("quote length options need 1 <= min_words <= max_words")
    if not 1 <= int(opts["max_sentences"]) <= 10:
        raise ConfigError("max_sentences must be between 1 and 10")
    return opts


def current_weights(ws) -> Weights:
    stored = ws.get_config(CONFIG_WEIGHTS)
    return Weights.from_obj(stored) if stored else Weights.default()


# ---------------------------------------------------------------------------------- weights
def _weights(ws, weights: Weights | None, learn: bool) -> tuple[Weights, dict]:
    """The weights this run ranks with (``weights``, else config ``quotes.weights``, else the
    shipped ones). Decisions do not refit them (a refit did not generalise: the benchmark's
    unseen half got worse); after the write, :func:`run` re-ranks with
    :mod:`copquotes.quotes.learning` instead."""
    return weights or current_weights(ws), {"learned": False}


# ---------------------------------------------------------------------------------- candidates
def _quotable(units: list, opts: dict) -> list:
    """The units that can give a quote: an answer, long enough."""
    return [u for u in units if not is_non_answer(u.text) and word_count(u.text) >= int(opts["min_words"])]


def part_ids(ws, size: int | None = None) -> list[list[str]]:
    """The quotable units' ids in parts of at most ``size`` (:data:`PART_UNITS`), in the stage's
    order (file, then position): the same parts wherever they are computed."""
    ids = storage.quotable_ids(ws)
    size = int(size or PART_UNITS)
    return [ids[k:k + size] for k in range(0, len(ids), size)]


def precompute_stats(ws, *, progress: bool = False, mapper=None) -> int:
    """Compute and store the sentence features of quotable units that have none yet, stored as
    they come. Here: part by part (spaCy loaded once). With a distributed engine's ``mapper``: the
    texts of consecutive parts in one map of at least :data:`MAP_TEXTS` (the last one fewer), so
    its workers load spaCy once per map and this process holds one map's texts, a few hundred
    bytes each, whatever the workspace's size. Returns how many texts were computed.

    The pipeline runs it in its worker process after the anonymise stage, beside the embedding,
    so the quotes stage finds them ready; :func:`run` calls it first otherwise.
    """
    opts = _options(ws, {})
    use_pos = bool(opts.get("use_pos", True))
    features = None   # spaCy, loaded once if a text needs it
    todo, seen, n = [], set(), 0
    for ids in part_ids(ws):
        units, sentences = storage.quotable_texts(ws, ids)
        for item in missing_stats(ws, _quotable(units, opts), sentences, use_pos):
            if item[0] not in seen:
                seen.add(item[0])
                todo.append(item)
        if mapper is None and todo:
            features = features or SentenceFeatures(use_pos)
            n += compute_stats(ws, todo, use_pos, None, progress, features=features)
            todo = []
        elif len(todo) >= MAP_TEXTS:
            n += compute_stats(ws, todo, use_pos, mapper, progress)
            todo = []
    return n + compute_stats(ws, todo, use_pos, mapper, progress)


def _unit_spans(u, sents: list, opts: dict, pins: list) -> list[SpanCandidate]:
    """The candidate spans of a unit, and its reviewed spans (kept even when today's
    sentence split differs)."""
    text = u.text
    spans = candidate_spans(text, sents, min_words=int(opts["min_words"]), max_words=int(opts["max_words"]),
                            max_sentences=int(opts["max_sentences"]))
    for s0, e0, _ in pins:
        if e0 <= len(text) and not any(sp.start == s0 and sp.end == e0 for sp in spans):
            inside = [i for i, (s, e) in enumerate(sents) if s < e0 and s0 < e]
            if inside:
                spans.append(SpanCandidate(s0, e0, inside[0], inside[-1], word_count(text[s0:e0])))
    return spans


def _pins(existing: dict) -> list[tuple[str, int, int]]:
    """The reviewed spans ``(unit id, start, end)`` among the stored quotes ``existing``: the
    spans :func:`build_candidates` pins (always kept, overlapping spans left out)."""
    return sorted((q["unit_id"], q["start"], q["end"]) for q in existing.values() if q["status"] in REVIEWED)


def build_candidates(ws, opts: dict, data: dict, progress: bool, themes: bool = True) -> tuple[list[Candidate], dict]:
    """Every candidate span of the quotable units of ``data`` (:func:`part_data`), with its
    features (and its themes unless ``themes=False``: :func:`copquotes.quotes.scoring.add_themes`
    fills them later)."""
    idf, idf_max = data["idf"], data["idf_max"]
    units = _quotable(data["quotable"], opts)
    prev_text = data["prev_text"]
    cands: list[Candidate] = []
    missing = {"sentences": 0, "themes": 0, "anon": 0}
    data["missing"] = missing
    per_unit = unit_stats(ws, units, data, bool(opts.get("use_pos", True)), progress)
    bar = _progress(total=len(units), desc="quotes: candidates", unit="unit", enable=progress)
    pinned: dict[str, list] = {}
    for q in data["existing"].values():
        if q["status"] in REVIEWED:
            pinned.setdefault(q["unit_id"], []).append((q["start"], q["end"], q["quote_id"]))
    for u in units:
        bar.update(1)
        sents, base = per_unit[u.unit_id]
        if not sents:
            continue
        stats = [with_idf(st, u.text[s:e], idf, idf_max) for st, (s, e) in zip(base, sents)]
        pins = pinned.get(u.unit_id, [])
        if u.anon is None:
            missing["anon"] += 1
        context = u.question or prev_text.get((u.file_id, u.position - 1)) or ""
        cut = cut_off(u.text)
        for sp in _unit_spans(u, sents, opts, pins):
            feats = span_features(stats[sp.first:sp.last + 1], source_kind=u.source_kind,
                                  starts_unit=sp.first == 0, ends_unit=sp.last == len(sents) - 1,
                                  cut_off=cut)
            cands.append(Candidate(unit=u, span=sp, features=feats, n_sents=len(sents), context=context,
                                   pinned=any(sp.start == s0 and sp.end == e0 for s0, e0, _ in pins)))
    bar.close()
    if themes:
        cands = add_themes(cands, data, missing)
    return cands, missing


def _checked(cands: list[Candidate], data: dict) -> list[Candidate]:
    """The candidates through the safety checks (:func:`copquotes.quotes.safety.check`)."""
    name_re = data["name_re"]
    clean: dict[str, bool] = {}
    out = []
    for c in cands:
        uid = c.unit.unit_id
        if uid not in clean:
            clean[uid] = unit_has_no_names(c.unit, data, name_re)
        out.append(check(c, data, name_re, unit_clean=clean[uid]))
    return out


def corpus_context(ws) -> dict:
    """What every part needs from the whole workspace, read once and small: the IDF of every
    unit's words (``idf``, ``idf_max``), the files' known identifiers, their name patterns and
    the people they name."""
    idf, idf_max = corpus_idf(storage.unit_texts(ws))
    idents = storage.identifiers(ws)
    return {"idf": idf, "idf_max": idf_max, "identifiers": idents,
            "name_re": {fid: name_patterns(v) for fid, v in idents.items()},
            "people": PersonNames(n for ids in idents.values() for value, kind, aliases in ids
                                  if kind in ("person", "name") for n in (value, *aliases))}


def part_data(ws, ids: list[str], ctx: dict, mapper=None, *, themes: bool = True) -> dict:
    """The stage's inputs for the quotable units ``ids`` (:func:`storage.load_part`; without
    ``themes``, no sentence theme scores) with the corpus context ``ctx`` (:func:`corpus_context`)."""
    return {**ctx, **storage.load_part(ws, ids, themes=themes), "mapper": mapper}


def part_candidates(ws, data: dict, opts: dict, *, progress: bool = False, themes: bool = True) -> list[Candidate]:
    """The candidates of one part's ``data``, with features, safety (and themes unless ``themes=False``);
    ``data["missing"]`` counts what was missing."""
    cands, missing = build_candidates(ws, opts, data, progress, themes=themes)
    data["missing"] = missing
    return _checked(cands, data)


def collect_candidates(ws, *, progress: bool = False, themes: bool = True, mapper=None,
                       **options) -> tuple[list[Candidate], dict, dict]:
    """Every candidate span of the workspace at once, with features, themes and safety (no
    representativeness yet): for benchmarks and weight fitting (:func:`run` works part by part
    through the same steps). ``mapper``: a distributed engine's map for the sentence features of
    new texts. Returns ``(candidates, data, options)``; ``data["all"]`` is every unit.
    """
    opts = _options(ws, options)
    data = {**corpus_context(ws), **storage.load(ws), "mapper": mapper}
    cands = part_candidates(ws, data, opts, progress=progress, themes=themes)
    return cands, data, opts


def add_representativeness(ws, cands: list[Candidate], data: dict, opts: dict,
                           embedder=None) -> tuple[list[Candidate], int]:
    """The candidates of :func:`collect_candidates` with their representativeness against a
    sample of every unit of the workspace (all consent states count), and how many got one
    (0 without embeddings)."""
    if not cands:
        return cands, 0
    emb = embedder or storage.embedder(ws)
    return with_representativeness(cands, Reference(sample_reference(data["all"], int(opts["ref_sample"])), emb)), \
        len(cands)


def cache_shortlist_vectors(ws, embedder=None, mapper=None) -> int:
    """Embed into the workspace's embedding cache the stored text of every quote, which the
    theme shortlist's maximal marginal relevance reads (:func:`copquotes.quotes.readers.shortlist`
    encodes the anonymised spans): done here, once per analysis, the shortlist only reads
    vectors and the model never runs while a reviewer waits (at 50,000 units it took 12-46 s
    to embed a theme's 250 candidates on first view). The vectors are the ones the shortlist
    would compute itself, so its result is unchanged. Returns how many texts are cached
    (0 without an embedder); done :data:`PART_UNITS` texts at a time. With a distributed
    engine's ``mapper`` (and no ``embedder`` of the caller's), the texts not cached yet are
    encoded there, :data:`MAP_TEXTS` at a time, not by this process."""
    emb = None
    n = 0
    for texts in storage.quote_text_parts(ws, MAP_TEXTS if mapper is not None else PART_UNITS):
        if emb is None:
            try:
                emb = embedder or storage.embedder(ws)
            except ImportError:  # pragma: no cover - the embed module ships with copquotes
                return 0
            if embedder is None and mapper is not None:
                emb.mapper = mapper
        emb.ensure(texts, progress=False)
        n += len(texts)
    return n


def candidates_blob(ws):
    """Every candidate with its features, safety and suggested edit, but no themes, part by part:
    what :func:`run`'s ``precomputed`` takes. They need the anonymised text but neither the
    embeddings nor the tags, so the pipeline computes them in the anonymise stage's child
    process while the parent embeds, tags and fits topics. A generator: first a header
    (``version``, ``opts``, ``content``: the workspace's content fingerprint), then one item per
    part of :func:`part_ids` (``ids``, ``cands``, ``missing``, ``pins``: the reviewed spans the
    candidates were pinned by), so neither process holds them all."""
    opts = _options(ws, {})
    yield {"version": STAGES["quotes"].version, "opts": opts, "content": ws.content_fingerprint()}
    ctx = corpus_context(ws)
    for ids in part_ids(ws):
        # (no theme scores: the parent process may be tagging while this runs)
        data = part_data(ws, ids, ctx, themes=False)
        cands = part_candidates(ws, data, opts, themes=False)
        # the edit of every candidate, so the quotes stage has none to suggest
        cands = [replace(c, edit=suggest_edit(c.anon, context=c.context)) for c in cands]
        yield {"ids": ids, "cands": cands, "missing": data["missing"], "pins": _pins(data["existing"])}


def _blob_items(precomputed):
    """The items of a :func:`candidates_blob`: the list itself, or read one at a time from the
    file the pipeline's worker process pickled them to (one pickle after another)."""
    import pickle

    if isinstance(precomputed, (list, tuple)):
        yield from precomputed
        return
    if not Path(precomputed).is_file():
        return
    try:
        with open(precomputed, "rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return
    except Exception as exc:  # noqa: BLE001 - a broken file: the rest is computed here
        log.debug("precomputed candidates unreadable: %s", exc)


def _precomputed_parts(ws, precomputed, options: dict, opts: dict):
    """The parts of a :func:`candidates_blob` of this run (an iterator), or ``None`` when it is
    missing or was made for other options or another workspace content (then every part is
    computed here)."""
    if not precomputed or options:
        return None
    items = _blob_items(precomputed)
    head = next(items, None)
    if not isinstance(head, dict) or head.get("version") != STAGES["quotes"].version or head.get("opts") != opts \
            or head.get("content") != ws.content_fingerprint():
        return None
    return items


def _from_precomputed(part: dict | None, ids: list[str], data: dict) -> list[Candidate] | None:
    """A precomputed part's candidates bound to this part's units (and ``data["missing"]`` set),
    or ``None`` when the part is not this one, a unit changed since or a reviewer decided on a
    quote of it since (its reviewed spans are pinned: then it is computed here)."""
    if not isinstance(part, dict) or part.get("ids") != ids:
        return None
    if "pins" not in part or [tuple(p) for p in part["pins"]] != _pins(data["existing"]):
        return None               # a decision saved since the candidates were made: other pins
    units = {u.unit_id: u for u in data["quotable"]}
    cands = []
    for c in part["cands"]:
        u = units.get(c.unit.unit_id)
        if u is None or u.text != c.unit.text or u.anon != c.unit.anon:
            return None           # the workspace changed since: compute here
        cands.append(replace(c, unit=u))
    data["missing"] = dict(part["missing"])
    return cands


# ---------------------------------------------------------------------------------- the stored rows
def _quote_row(c: Candidate, score: float, part_vals: dict, weights: dict, templates, now: str) -> tuple:
    """The ``quotes`` row of a chosen candidate (a new quote starts pending at version 1; for a
    stored one only the derived columns are written: reviewers own its status, version, edit
    and themes)."""
    u, sp = c.unit, c.span
    meta = json.loads(u.meta_json or "{}")
    tpl = meta.get("attribution") or meta.get("attribution_template")
    attr = attribution(u.source_kind, year=u.year, group=u.grp, templates=templates,
                       template=check_template(tpl) if tpl else None, speaker_role=u.speaker_role)
    edit = c.edit or suggest_edit(c.anon, context=c.context)
    pj = {
        "theme": part_vals["theme"], "quotability": part_vals["quotability"],
        "representativeness": c.representativeness, "safety": c.safety, "consent": 1,
        "standalone": part_vals.get("standalone"),
        "contrib": explain({k: (0.5 if part_vals[k] is None else part_vals[k]) for k in PARTS}, weights),
        "features": {k: round(float(v), 4) for k, v in c.features.items()},
        "held": c.held, "edits": list(edit.changes), "words": sp.n_words,
        "base_score": round(float(score), 6),   # before learning from decisions (quotes/learning.py)
    }
    themes = sorted(({"theme": k, "score": round(float(v), 4)} for k, v in c.themes.items()
                     if v >= 0.2), key=lambda t: -t["score"])
    suggested = edit.text if edit.changed else None     # quotes.suggested_text (a reviewer's edit: edited_text)
    return (quote_id(u.unit_id, sp.start, sp.end), u.unit_id, sp.start, sp.end, c.anon, c.verbatim, suggested,
            round(float(score), 6), json.dumps(pj, sort_keys=True), json.dumps(themes), attr,
            json.dumps(c.flags), c.speaker, "pending", 1, now, "quotes")


def _rows(ws, sel: list[Candidate], ranker: QuoteRanker) -> list[tuple]:
    """The ``quotes`` rows of the chosen candidates, scored."""
    scores, parts = score_candidates(sel, ranker)
    templates = resolve_templates(ws.get_config(CONFIG_ATTRIBUTION))
    weights = ranker._w()
    now = _now()
    rows = []
    for i, c in enumerate(sel):
        part_vals = {k: (None if parts[k][i] is None else round(float(parts[k][i]), 4)) for k in parts}
        part_vals["theme"] = None if c.theme is None else round(float(c.theme), 4)
        part_vals["representativeness"] = c.representativeness
        rows.append(_quote_row(c, scores[i], part_vals, weights, templates, now))
    return rows


def _merge_redactions_now(ws, sel: list[Candidate], rows: list[tuple], data: dict) -> int:
    """Inside the write transaction: a unit whose redactions changed since the stage read them
    (a reviewer hid a name meanwhile) gets its quotes' anonymised text and flags computed again
    from the redactions as they are now (``sel`` and ``rows`` updated in place). Returns how
    many quotes were redone."""
    uids = sorted({c.unit.unit_id for c in sel})
    if not uids:
        return 0
    now = storage.live_redactions(ws, uids)
    changed = {u for u in uids if sorted(now.get(u, [])) != sorted(tuple(x) for x in data["redactions"].get(u, []))}
    if not changed:
        return 0
    data["redactions"].update({u: now.get(u, []) for u in changed})
    name_re = data["name_re"]
    n = 0
    for i, c in enumerate(sel):
        if c.unit.unit_id in changed:
            c = sel[i] = check(c, data, name_re, unit_clean=False)
            r = list(rows[i])
            edit = suggest_edit(c.anon, context=c.context)
            r[4], r[6], r[11] = c.anon, (edit.text if edit.changed else None), json.dumps(c.flags)
            rows[i] = tuple(r)
            n += 1
    return n


# ---------------------------------------------------------------------------------- the stage
def _write(ws, sel: list[Candidate], rows: list[tuple], data: dict) -> None:
    """Upsert one part's chosen quotes in short write transactions of WRITE_CHUNK quotes (a
    reviewer's save waits at most for one). Every reviewer-owned value is decided inside them,
    from the row as it is then (not from the snapshot read at the start of the stage): a
    decision, edit or theme change saved while the stage ran is kept, and a unit whose
    redactions changed meanwhile has its quotes redone."""
    for k in range(0, len(rows), WRITE_CHUNK):
        with ws.transaction():
            part_sel, part_rows = sel[k:k + WRITE_CHUNK], rows[k:k + WRITE_CHUNK]
            _merge_redactions_now(ws, part_sel, part_rows, data)
            sel[k:k + WRITE_CHUNK], rows[k:k + WRITE_CHUNK] = part_sel, part_rows
            storage.upsert_quotes(ws, part_rows)


class _Tally:
    """The stage's counts, summed over its parts."""

    def __init__(self):
        self.candidates = self.quotes = self.units = self.held = self.representativeness = 0
        self.stats_computed = self.precomputed = 0
        self.missing: dict[str, int] = {}
        self.ids: list[str] = []

    def add(self, cands: list[Candidate], sel: list[Candidate], rows: list[tuple], data: dict, n_repr: int):
        self.candidates += len(cands)
        self.quotes += len(rows)
        self.units += len({c.unit.unit_id for c in cands})
        self.held += sum(1 for c in sel if c.held)
        self.representativeness += n_repr
        self.stats_computed += int(data.get("stats_computed", 0))
        self.precomputed += int(data.get("precomputed", 0))
        for k, v in data["missing"].items():
            self.missing[k] = self.missing.get(k, 0) + int(v)
        self.ids += [r[0] for r in rows]


def _part(ws, ids: list[str], ctx: dict, opts: dict, pre, mapper) -> tuple[list[Candidate], dict]:
    """One part's candidates with their themes, from the precomputed parts ``pre`` when the next
    one is this part and still fits, else computed here."""
    data = part_data(ws, ids, ctx, mapper)
    cands = _from_precomputed(next(pre, None), ids, data) if pre is not None else None
    if cands is None:
        return part_candidates(ws, data, opts), data
    data["precomputed"] = len(cands)
    return add_themes(cands, data, data["missing"]), data


def run(ws, *, progress: bool = True, weights: Weights | None = None, learn: bool = True,
        embedder=None, precomputed=None, mapper=None, **options) -> dict:
    """The quotes stage: read the workspace part by part (:data:`PART_UNITS` quotable units each),
    write ``quotes`` in short transactions.

    The stage never writes what reviewers own: a stored quote keeps its status, version,
    reviewer edit and reviewer themes (decided at write time, in the write transaction, so a
    decision saved while the stage runs is kept); a quote any reviewer touched is never
    deleted. Untouched pending quotes that are no longer candidates are replaced (after the
    last part). With ``learn`` (the default), reviewers' decisions then re-rank the stored quotes
    (:func:`copquotes.quotes.learning.rerank`: a learned correction, kept only when it beats
    the shipped ranking on held-out decisions); without it the scores written are the base
    ranking's and the last re-rank summary is dropped.
    ``precomputed``: a :func:`candidates_blob` of this run (its items, or a file holding them
    pickled one after another, as the pipeline's worker process writes it); a part is taken from
    it only if the workspace still fits it.

    Each part's candidates are chosen and scored on their own: a candidate's score, its unit's
    chosen spans and its representativeness (against one seeded sample of the whole workspace)
    depend on nothing in other parts, so the quotes are the same for any part size.
    """
    base, learned = _weights(ws, weights, learn)
    ranker = QuoteRanker(weights=base)
    opts = _options(ws, options)
    ctx = corpus_context(ws)
    pre = _precomputed_parts(ws, precomputed, options, opts)
    reference = None
    tally = _Tally()
    if pre is None and not options:
        # the sentence features of new texts first, in one go (the worker process did it otherwise)
        tally.stats_computed += precompute_stats(ws, progress=progress, mapper=mapper)
    parts = part_ids(ws)
    bar = _progress(total=sum(map(len, parts)), desc="quotes", unit="unit", enable=progress)
    try:
        for ids in parts:
            cands, data = _part(ws, ids, ctx, opts, pre, mapper)
            sel = select_spans(cands, ranker)
            # representativeness of the chosen spans against a sample of every unit (all consent states count)
            n_repr = 0
            if sel:
                if reference is None:
                    reference = Reference(storage.reference_units(ws, int(opts["ref_sample"])),
                                          embedder or storage.embedder(ws))
                sel, n_repr = with_representativeness(sel, reference), len(sel)
            rows = _rows(ws, sel, ranker)
            _write(ws, sel, rows, data)
            tally.add(cands, sel, rows, data, n_repr)
            bar.update(len(ids))
            del cands, sel, rows, data
    finally:
        bar.close()
    with ws.transaction():
        # any quote a reviewer ever touched is kept, even when it is no longer among the candidates
        reviewed_kept = storage.finish_quotes(ws, tally.ids, REVIEWED)
        # the scores just written are the base ranking's: a re-rank summary no longer holds
        storage.drop_config(ws, CONFIG_LEARNING)
    n_vecs = cache_shortlist_vectors(ws, embedder, mapper)
    if learn and weights is None:
        from .learning import rerank

        learned = rerank(ws, embedder=embedder)
        learned["learned"] = learned["adopted"]
    summary = {
        "candidates": tally.candidates, "quotes": tally.quotes, "units": tally.units, "parts": len(parts),
        "held": tally.held, "reviewed_kept": reviewed_kept,
        "learned_from_decisions": learned, "missing": {k: v for k, v in tally.missing.items() if v},
        "representativeness": tally.representativeness, "sentence_features_computed": tally.stats_computed,
        "precomputed_candidates": tally.precomputed, "shortlist_vectors": n_vecs,
    }
    log.info("quotes: %d candidates, %d stored", tally.candidates, tally.quotes)
    return summary
