"""The ``quotes`` stage: candidate spans from the workspace, scored, stored; and the readers
(:func:`shortlist`, :func:`quote_records`) the CLI, the demo and the app use.

Consent first: candidates come only from ``quotable_units`` (quote consent = 1 and a
participant / respondent, or a facilitator's reflection), and the database refuses
anything else. Text shown anywhere is the anonymised span (the verbatim span is kept
in ``quotes.verbatim`` and by its offsets, for reviewers only).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import hashlib
import io
import json
import logging
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from ..disclosure import file_name_pattern, md_escape, neutralise_cell
from ..disclosure import redact_span as _redact_span
from ..errors import ConfigError, WorkspaceError
from ..progress import progress as _progress
from ..stages import STAGES
from .. import textsearch
from ..text import sentence_spans, word_count
from .attribution import attribution, check_template, resolve_templates
from .candidates import (DEFAULT_MAX_SENTENCES, DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, SpanCandidate,
                         candidate_spans, select_non_overlapping)
from .edits import suggest_edit
from ..types import text_hash
from ..workspace import quote_id_for
from .features import (FEATURES, SentenceStats, corpus_idf, is_non_answer, sentence_stats,
                       span_features, with_idf)
from .scoring import PARTS, QuoteRanker, Weights, explain
from .shortlist import mmr, representativeness

log = logging.getLogger(__name__)

CONFIG_WEIGHTS = "quotes.weights"          # learned weights (written when decisions retrain)
CONFIG_ATTRIBUTION = "quotes.attribution"  # {"focus_group": "- ...{year}", ...} or {"style": "cohort"}
CONFIG_OPTIONS = "quotes.options"          # {"min_words": 8, "max_words": 80, ...}
CONFIG_PRIOR = "quotes.prior_weights"      # the weights decisions are blended with (default: shipped)
REVIEWED = ("approved", "rejected", "edited")
POSITIVE = ("approved", "edited")
SAFETY_PER_REDACTION = 0.85   # a quote full of [name] placeholders reads worse
SAFETY_WARN = 0.6             # each warn-level risk flag in the span
SAFETY_HOLD = 0.2             # a hold-level flag: kept for review, far down the list
PRIOR_DECISIONS = 30.0        # pseudo-examples of the default weights when refitting on decisions
THEME_MIN = 0.35              # a quote belongs to a theme's shortlist from this score


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def quote_id(unit_id: str, start: int, end: int) -> str:
    """Stable id of a span: re-running the stage finds the same quote again."""
    return quote_id_for(unit_id, start, end)


# A quote no reviewer has touched (SQL, on the row ``quotes`` as it is at write time): the
# stage may replace its suggested edit or drop it when it is no longer a candidate.
UNTOUCHED_SQL = ("quotes.status = 'pending' AND quotes.version = 1"
                 " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = quotes.quote_id)")


def speaker_pseudonym(file_key: str, speaker_key: str | None, unit_id: str) -> str:
    """A pseudonym for the person behind a unit, stable within a workspace; never a name."""
    base = f"{file_key}:{speaker_key}" if speaker_key else f"unit:{unit_id}"
    return "P-" + hashlib.sha1(base.encode()).hexdigest()[:6]


# ---------------------------------------------------------------------------------- Quote
@dataclass(frozen=True)
class Quote:
    """A candidate quote as users see it: anonymised (and lightly edited) text only, every
    field already through the disclosure layer (:class:`copquotes.disclosure.Disclosure`)."""

    id: str
    text: str                      # anonymised, lightly edited (a reviewer's edit when there is one)
    anonymised: str                # anonymised span, unedited
    unit_id: str
    start: int
    end: int
    score: float
    parts: dict
    themes: tuple                  # ({"theme": ..., "score": ...}, ...), best first
    attribution: str
    file: str                      # the file's name: inside the workspace only, never in a record
    source_kind: str
    group: str | None
    year: str | None
    flags: tuple
    speaker: str
    status: str = "pending"
    edits: tuple = ()
    document: str = ""             # the source's pseudonym ("focus group 2024 #3")
    edited_text: str | None = None
    version: int = 1
    held: bool = False

    def to_record(self) -> dict:
        """The docs/DESIGN.md record of ``copquotes quotes`` (no file or folder name in it)."""
        return {
            "id": self.id,
            "text": self.text,
            "verbatim_span": {"unit_id": self.unit_id, "start": self.start, "end": self.end},
            "themes": [dict(t) for t in self.themes],
            "score": round(float(self.score), 4),
            "attribution": self.attribution,
            "source": {"document": self.document, "kind": self.source_kind, "group": self.group,
                       "year": self.year},
            "flags": [dict(f) for f in self.flags],
            "speaker": self.speaker,
            "status": self.status,
            "edited_text": self.edited_text,
            "version": int(self.version),
        }


# ---------------------------------------------------------------------------------- helpers
def redact_span(text: str, redactions: Iterable, start: int, end: int) -> str:
    """The anonymised text of ``text[start:end]`` given redaction spans ``(start, end, kind)``
    of the whole text: the disclosure layer's rendering (a redaction that crosses the
    span's edge is clipped to it)."""
    return _redact_span(text, redactions, start, end)


def _name_patterns(idents: list[tuple[str, str, list]]) -> re.Pattern | None:
    """One regex matching every known person name (full, first, last, aliases) of a file."""
    return file_name_pattern(idents)


def residual_identifiers(anon_text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """Known names of the file (speaker labels, roster) still present in an anonymised text."""
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(anon_text)]


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


def _embedder(ws):
    from ..embed import Embedder

    return Embedder(cache_dir=Path(ws.path) / "embeddings")


# ---------------------------------------------------------------------------------- reading
def _load(ws) -> dict:
    conn = ws.conn
    data: dict = {}
    data["quotable"] = [dict(r) for r in conn.execute(
        "SELECT u.unit_id, u.file_id, u.position, u.text, u.source_kind, u.grp, u.year, u.question,"
        " u.speaker_key, u.speaker_role, u.extra_json, f.display AS file, f.path AS path, f.meta_json, a.text AS anon"
        " FROM quotable_units u JOIN files f ON f.file_id = u.file_id"
        " LEFT JOIN anon a ON a.unit_id = u.unit_id ORDER BY f.display, u.position")]
    data["all"] = [dict(r) for r in conn.execute(
        "SELECT u.unit_id, u.file_id, u.position, u.text, u.speaker_key, u.speaker_role, f.path AS path"
        " FROM units u JOIN files f ON f.file_id = u.file_id")]
    ids = json.dumps([u["unit_id"] for u in data["quotable"]])
    sel = "unit_id IN (SELECT value FROM json_each(?))"

    def grouped(sql):
        out: dict = {}
        cur = conn.cursor()
        cur.row_factory = None          # plain tuples: ~2x faster than sqlite3.Row here
        for r in cur.execute(sql, (ids,)):
            out.setdefault(r[0], []).append(r[1:])
        return out

    data["sentences"] = grouped(f'SELECT unit_id, idx, start, "end" FROM sentences WHERE {sel} ORDER BY unit_id, idx')
    data["sentence_themes"] = grouped(f"SELECT unit_id, idx, theme, score FROM sentence_themes WHERE {sel}")
    data["unit_themes"] = grouped(f"SELECT unit_id, theme, score FROM unit_themes WHERE {sel}")
    data["redactions"] = grouped(
        f"SELECT unit_id, start, \"end\", kind FROM redactions WHERE {sel} AND status != 'undone'")
    data["flags"] = grouped(f'SELECT unit_id, kind, start, "end", reason, severity FROM flags WHERE {sel}')
    data["identifiers"] = {}
    for r in conn.execute("SELECT file_id, value, kind, aliases_json FROM file_identifiers"):
        data["identifiers"].setdefault(r[0], []).append((r[1], r[2], json.loads(r[3] or "[]")))
    data["existing"] = {r["quote_id"]: dict(r) for r in conn.execute("SELECT * FROM quotes")}
    return data


def _decisions_training(ws, existing: dict) -> tuple[list[dict], list[int]]:
    """Rows (stored features and parts) and labels (1 approved/edited, 0 rejected) of reviewed quotes."""
    status = {qid: q["status"] for qid, q in existing.items()}
    # the latest decision per quote counts when the quotes table was re-created
    for qid, action in ws.conn.execute(
            "SELECT quote_id, action FROM decisions ORDER BY at, id"):
        a = str(action).lower()
        if a.startswith("approv"):
            status[qid] = "approved"
        elif a.startswith("reject"):
            status[qid] = "rejected"
        elif a.startswith("edit"):
            status[qid] = "edited"
        elif a in ("reset", "pending", "undo"):
            status[qid] = "pending"
    rows, ys = [], []
    for qid, st in status.items():
        q = existing.get(qid)
        if q is None or st not in REVIEWED:
            continue
        parts = json.loads(q.get("parts_json") or "{}")
        feats = parts.get("features")
        if not feats:
            continue
        row = dict(feats)
        row["theme"] = parts.get("theme")
        row["representativeness"] = parts.get("representativeness")
        rows.append(row)
        ys.append(1 if st in POSITIVE else 0)
    return rows, ys


def learn_from_decisions(ws, prior: Weights | None = None, *, strength: float = PRIOR_DECISIONS,
                         min_each: int = 3) -> tuple[Weights, dict]:
    """Refit the ranking weights on reviewers' approve/reject decisions.

    The fit is pulled towards ``prior`` (the defaults) by ``strength`` pseudo-
    examples, so few decisions move the weights a little and many move them a
    lot. Needs at least ``min_each`` approved and rejected quotes; otherwise the
    prior is returned unchanged. Returns the weights and a summary.
    """
    prior = prior or Weights.default()
    existing = {r["quote_id"]: dict(r) for r in ws.conn.execute("SELECT * FROM quotes")}
    rows, ys = _decisions_training(ws, existing)
    n_pos, n_neg = sum(ys), len(ys) - sum(ys)
    info = {"decisions": len(ys), "approved": n_pos, "rejected": n_neg, "learned": False}
    if n_pos < min_each or n_neg < min_each:
        return prior, info
    ranker = QuoteRanker(weights=prior, alpha=strength).fit(rows, ys)
    info["learned"] = True
    return ranker.weights_, info


# ---------------------------------------------------------------------------------- scoring
def _theme_scores(uid: str, n_sent: int, data: dict) -> list[dict] | None:
    st = data["sentence_themes"].get(uid)
    if st:
        per = [dict() for _ in range(n_sent)]
        for idx, theme, score in st:
            if 0 <= idx < n_sent:
                per[idx][theme] = float(score)
        return per
    ut = data["unit_themes"].get(uid)
    if ut:
        d = {theme: float(score) for theme, score in ut}
        return [dict(d) for _ in range(n_sent)]
    return None


def _overlaps(a0, a1, b0, b1) -> bool:
    return a0 < b1 and b0 < a1


def _stats_kind(use_pos: bool) -> str:
    return f"quote_stats/{STAGES['quotes'].version}/{'pos' if use_pos else 'lex'}"


def unit_stats(ws, units: list[dict], data: dict, use_pos: bool, progress: bool) -> dict[str, list]:
    """Per unit id: ``(sentence spans, [SentenceStats without the IDF part])``.

    These depend on the unit's text alone, so they are kept in the workspace's
    ``text_features`` table (keyed by text hash) and only new texts are run through spaCy.
    """
    kind = _stats_kind(use_pos)
    wanted: dict[str, list] = {}
    for u in units:
        text = u["text"]
        sents = [(s, e) for _, s, e in data["sentences"].get(u["unit_id"], [])]
        if not sents or sents[-1][1] > len(text):
            data["missing"]["sentences"] += bool(not sents)
            sents = sentence_spans(text)
        wanted[u["unit_id"]] = [text_hash(text), sents]
    hashes = sorted({h for h, _ in wanted.values()})
    stored: dict[str, list] = {}
    for i in range(0, len(hashes), 5000):
        chunk = hashes[i:i + 5000]
        for h, value in ws.conn.execute(
                "SELECT text_hash, value_json FROM text_features WHERE kind = ? AND text_hash IN "
                "(SELECT value FROM json_each(?))", (kind, json.dumps(chunk))):
            stored[h] = json.loads(value)
    out: dict[str, list] = {}
    todo: list[dict] = []
    for u in units:
        h, sents = wanted[u["unit_id"]]
        got = stored.get(h)
        if got is not None and [tuple(x) for x in got["spans"]] == [tuple(x) for x in sents]:
            out[u["unit_id"]] = (sents, [SentenceStats(*row) for row in got["stats"]])
        else:
            todo.append(u)
    if todo:
        mapper = data.get("mapper")
        if mapper is not None:  # a distributed engine: spaCy runs there
            rows = [{"text": u["text"], "sents": wanted[u["unit_id"]][1]} for u in todo]
            per_unit = mapper("copquotes.quotes.stage:SentenceFeatures", rows, init={"use_pos": use_pos})
        else:
            per_unit = SentenceFeatures(use_pos).iter_stats((u["text"], wanted[u["unit_id"]][1]) for u in todo)
        bar = _progress(total=len(todo), desc="quotes: sentence features", unit="unit", enable=progress)
        new_rows = {}
        for u, stats in zip(todo, per_unit):
            bar.update(1)
            h, sents = wanted[u["unit_id"]]
            out[u["unit_id"]] = (sents, stats)
            new_rows[h] = json.dumps({"spans": [list(x) for x in sents],
                                      "stats": [dataclasses.astuple(x) for x in stats]})
        bar.close()
        with ws.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO text_features(text_hash, kind, value_json) VALUES (?,?,?)",
                          [(h, kind, v) for h, v in new_rows.items()])
    data["stats_computed"] = len(todo)
    return out


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


def precompute_stats(ws, *, progress: bool = False) -> int:
    """Compute and store the sentence features of quotable units that have none yet.

    The pipeline runs it in its worker process after the anonymise stage, beside the embedding,
    so the quotes stage finds them ready. Returns how many units were computed.
    """
    opts = _options(ws, {})
    conn = ws.conn
    units = [dict(r) for r in conn.execute("SELECT unit_id, text FROM quotable_units")]
    units = [u for u in units if not is_non_answer(u["text"]) and word_count(u["text"]) >= int(opts["min_words"])]
    sentences: dict = {}
    for uid, idx, s, e in conn.execute('SELECT unit_id, idx, start, "end" FROM sentences ORDER BY unit_id, idx'):
        sentences.setdefault(uid, []).append((idx, s, e))
    data = {"sentences": sentences, "missing": {"sentences": 0}}
    unit_stats(ws, units, data, bool(opts.get("use_pos", True)), progress)
    return int(data["stats_computed"])


def build_candidates(ws, opts: dict, data: dict, progress: bool, themes: bool = True) -> tuple[list[dict], dict]:
    """Every candidate span of every quotable unit, with its features (and its themes
    unless ``themes=False``: :func:`add_themes` fills them later)."""
    idf, idf_max = corpus_idf(u["text"] for u in data["all"])
    units = [u for u in data["quotable"] if not is_non_answer(u["text"])
             and word_count(u["text"]) >= int(opts["min_words"])]
    prev_text = {(u["file_id"], u["position"]): u["text"] for u in data["all"]}
    cands: list[dict] = []
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
        uid, text = u["unit_id"], u["text"]
        sents, base = per_unit[uid]
        if not sents:
            continue
        stats = [with_idf(st, text[s:e], idf, idf_max) for st, (s, e) in zip(base, sents)]
        spans = candidate_spans(text, sents, min_words=int(opts["min_words"]), max_words=int(opts["max_words"]),
                                max_sentences=int(opts["max_sentences"]))
        pins = pinned.get(uid, [])
        # reviewed spans stay candidates even if today's sentence split differs
        for s0, e0, _ in pins:
            if e0 <= len(text) and not any(sp.start == s0 and sp.end == e0 for sp in spans):
                inside = [i for i, (s, e) in enumerate(sents) if s < e0 and s0 < e]
                if inside:
                    spans.append(SpanCandidate(s0, e0, inside[0], inside[-1], word_count(text[s0:e0])))
        if u["anon"] is None:
            missing["anon"] += 1
        context = u["question"] or prev_text.get((u["file_id"], u["position"] - 1)) or ""
        for sp in spans:
            feats = span_features(stats[sp.first:sp.last + 1], source_kind=u["source_kind"],
                                  starts_unit=sp.first == 0, ends_unit=sp.last == len(sents) - 1)
            cands.append({"unit": u, "span": sp, "features": feats, "n_sents": len(sents), "context": context,
                          "pinned": any(sp.start == s0 and sp.end == e0 for s0, e0, _ in pins)})
    bar.close()
    if themes:
        add_themes(cands, data, missing)
    return cands, missing


def add_themes(cands: list[dict], data: dict, missing: dict) -> None:
    """Each candidate's theme scores (the max over its sentences), from the tag stage's tables."""
    per_unit: dict[str, list | None] = {}
    for c in cands:
        uid = c["unit"]["unit_id"]
        if uid not in per_unit:
            per_unit[uid] = _theme_scores(uid, c["n_sents"], data)
            if per_unit[uid] is None:
                missing["themes"] += 1
        themes, sp = per_unit[uid], c["span"]
        th: dict[str, float] = {}
        if themes is not None:
            for d in themes[sp.first:sp.last + 1]:
                for k, v in d.items():
                    th[k] = max(th.get(k, 0.0), v)
        c["themes"] = th
        c["theme"] = max(th.values()) if th else None


def _unit_has_no_names(u: dict, data: dict, name_re_by_file: dict) -> bool:
    """True when the whole anonymised unit holds no known name (then no span of it does)."""
    reds = data["redactions"].get(u["unit_id"], [])
    full = redact_span(u["text"], reds, 0, len(u["text"]))
    people = data.get("people")
    return not residual_identifiers(full, name_re_by_file.get(u["file_id"])) and not (people and people.spans(full))


def _safety(c: dict, data: dict, name_re_by_file: dict, unit_clean: bool = False) -> None:
    """Anonymised text, flags and the safety part of one candidate (in place).

    ``unit_clean``: the whole anonymised unit holds no known name; the name checks of the
    span are skipped unless a redaction crosses the span's edge (its rendering may differ).
    """
    u, sp = c["unit"], c["span"]
    reds = data["redactions"].get(u["unit_id"], [])
    anon = redact_span(u["text"], reds, sp.start, sp.end)
    flags = []
    for kind, s, e, reason, severity in data["flags"].get(u["unit_id"], []):
        if _overlaps(s, e, sp.start, sp.end) or (s == e == 0):
            flags.append({"kind": kind, "start": s, "end": e, "reason": reason, "severity": severity})
    people = data.get("people")
    if unit_clean and all(e <= sp.start or s >= sp.end or (sp.start <= s and e <= sp.end) for s, e, _ in reds):
        residual, people = [], None
    else:
        residual = residual_identifiers(anon, name_re_by_file.get(u["file_id"]))
    if people:  # a name from another file (a survey's identity columns said in a transcript)
        taken = residual
        residual = residual + [(a, b) for a, b in people.spans(anon)
                               if not any(a < e and s < b for s, e in taken)]
    if residual:
        # the safety net: a name the redactor missed is masked and the quote held for review
        for s, e in sorted(residual, reverse=True):
            anon = anon[:s] + "[name]" + anon[e:]
        flags.append({"kind": "residual_identifier", "start": sp.start, "end": sp.end,
                      "reason": "a name from the speaker labels, a roster or an identity column was still in the text",
                      "severity": "hold"})
    if _consent_unconfirmed(u):
        flags.append({"kind": "consent_unconfirmed", "start": sp.start, "end": sp.end,
                      "reason": CONSENT_FIRST_NAME_ONLY, "severity": "hold"})
    if u["anon"] is None and not reds:
        flags.append({"kind": "not_anonymised", "start": sp.start, "end": sp.end,
                      "reason": "the anonymise stage has not run on this unit", "severity": "hold"})
    n_red = sum(1 for s, e, _ in reds if _overlaps(s, e, sp.start, sp.end))
    safety = SAFETY_PER_REDACTION ** n_red
    for f in flags:
        safety *= SAFETY_HOLD if f["severity"] == "hold" else SAFETY_WARN
    c["anon"] = anon
    c["flags"] = flags
    c["safety"] = round(float(safety), 4)
    c["held"] = any(f["severity"] == "hold" for f in flags)


CONSENT_FIRST_NAME_ONLY = "consent matched by first name only"


def _consent_unconfirmed(u: dict) -> bool:
    """The unit's speaker was matched to a roster entry by first name alone (ingest says so
    in the unit's metadata): consent is not confirmed, so its quotes are held."""
    extra = u.get("extra_json")
    if not extra or "consent_match" not in extra:
        return False
    try:
        return json.loads(extra).get("consent_match") == "first name only"
    except (TypeError, ValueError):
        return True


def score_candidates(cands: list[dict], ranker: QuoteRanker) -> np.ndarray:
    rows = []
    for c in cands:
        row = dict(c["features"])
        row["theme"] = c["theme"]
        row["representativeness"] = c.get("representativeness")
        row["safety"] = c.get("safety", 1.0)
        rows.append(row)
    return ranker.score(rows), ranker.parts(rows)


def _span_vectors(embedder, cands: list[dict]) -> np.ndarray:
    """Span embeddings: the embedder's own pooling of each span's text (the length-weighted
    mean of its sentences' vectors, which the embed stage has cached)."""
    texts = [c["unit"]["text"][c["span"].start:c["span"].end] for c in cands]
    return np.asarray(embedder.encode(texts), dtype=np.float32).reshape(len(texts), -1)


def select_spans(cands: list[dict], ranker: QuoteRanker) -> list[dict]:
    """The best non-overlapping spans of each unit (reviewed spans always kept), scored
    without representativeness (it is measured afterwards, on the chosen spans only)."""
    saved = [c.get("representativeness") for c in cands]
    for c in cands:
        c["representativeness"] = None
    scores, _ = score_candidates(cands, ranker)
    for c, r in zip(cands, saved):
        c["representativeness"] = r
    by_unit: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        by_unit.setdefault(c["unit"]["unit_id"], []).append(i)
    chosen: list[int] = []
    for idx in by_unit.values():
        pinned = [i for i in idx if cands[i].get("pinned")]
        rest = [i for i in idx if not cands[i].get("pinned")
                and not any(_overlaps(cands[i]["span"].start, cands[i]["span"].end,
                                      cands[p]["span"].start, cands[p]["span"].end) for p in pinned)]
        keep = select_non_overlapping([cands[i]["span"] for i in rest], [scores[i] for i in rest])
        chosen += pinned + [rest[k] for k in keep]
    return [cands[i] for i in chosen]


def add_representativeness(ws, cands: list[dict], data: dict, opts: dict, embedder=None) -> int:
    """Set ``c["representativeness"]`` for each candidate; returns how many."""
    if not cands:
        return 0
    try:
        emb = embedder or _embedder(ws)
    except ImportError:  # pragma: no cover - the embed module ships with copquotes
        return 0
    vecs = _span_vectors(emb, cands)
    allu = data["all"]
    ref_idx = np.arange(len(allu))
    if len(ref_idx) > int(opts["ref_sample"]):
        ref_idx = np.sort(np.random.RandomState(0).choice(ref_idx, int(opts["ref_sample"]), replace=False))
    ref = [allu[i] for i in ref_idx if allu[i]["speaker_role"] not in ("facilitator", "interviewer")]
    ref_vecs = emb.encode([r["text"] for r in ref]) if ref else np.zeros((0, vecs.shape[1]), dtype=np.float32)
    ref_sp = [speaker_pseudonym(r["path"], r["speaker_key"], r["unit_id"]) for r in ref]
    sp_sp = [speaker_pseudonym(c["unit"]["path"], c["unit"]["speaker_key"], c["unit"]["unit_id"]) for c in cands]
    rep = representativeness(vecs, sp_sp, np.asarray(ref_vecs, dtype=np.float32), ref_sp)
    for c, r in zip(cands, rep):
        c["representativeness"] = round(float(r), 4)
    return len(cands)


def collect_candidates(ws, *, progress: bool = False, themes: bool = True, mapper=None,
                       **options) -> tuple[list[dict], dict, dict]:
    """Every candidate span with features, themes and safety (no representativeness yet).

    For benchmarks and weight fitting; :func:`run` uses the same steps. ``mapper``: a
    distributed engine's map for the sentence features of new texts.
    Returns ``(candidates, data, options)``.
    """
    opts = _options(ws, options)
    data = _load(ws)
    data["mapper"] = mapper
    cands, missing = build_candidates(ws, opts, data, progress, themes=themes)
    name_re = {fid: _name_patterns(v) for fid, v in data["identifiers"].items()}
    from ..disclosure import PersonNames

    data["people"] = PersonNames(n for idents in data["identifiers"].values() for value, kind, aliases in idents
                                 if kind in ("person", "name") for n in (value, *aliases))
    clean: dict[str, bool] = {}
    for c in cands:
        uid = c["unit"]["unit_id"]
        if uid not in clean:
            clean[uid] = _unit_has_no_names(c["unit"], data, name_re)
        _safety(c, data, name_re, unit_clean=clean[uid])
    data["missing"] = missing
    return cands, data, opts


def candidates_blob(ws) -> dict:
    """Every candidate with its features, safety and suggested edit, but no themes: what
    :func:`run`'s ``precomputed`` takes. They need the anonymised text but neither the
    embeddings nor the tags, so the pipeline computes them in the anonymise stage's child
    process while the parent embeds, tags and fits topics."""
    cands, data, opts = collect_candidates(ws, themes=False)
    for c in cands:  # the edit of every candidate, so the quotes stage has none to suggest
        c["edit"] = suggest_edit(c["anon"], context=c["context"])
    return {"version": STAGES["quotes"].version, "opts": opts, "cands": cands, "missing": data["missing"]}


def _load_precomputed(ws, precomputed, options: dict):
    """``(cands, data, opts)`` from a :func:`candidates_blob` of this run (the dict, or a
    file holding it pickled, as the pipeline's worker process writes it), or ``None`` when it is missing or does not fit
    (then everything is computed here)."""
    import pickle

    if not precomputed or options:
        return None
    if isinstance(precomputed, dict):
        blob = precomputed
    else:
        if not Path(precomputed).is_file():
            return None
        try:
            with open(precomputed, "rb") as fh:
                blob = pickle.load(fh)
        except Exception as exc:  # noqa: BLE001 - a broken file: compute instead
            log.debug("precomputed candidates unreadable: %s", exc)
            return None
    opts = _options(ws, {})
    if blob.get("version") != STAGES["quotes"].version or blob.get("opts") != opts:
        return None
    data = _load(ws)
    units = {u["unit_id"]: u for u in data["quotable"]}
    cands = blob["cands"]
    for c in cands:
        u = units.get(c["unit"]["unit_id"])
        if u is None or u["text"] != c["unit"]["text"] or u["anon"] != c["unit"]["anon"]:
            return None           # the workspace changed since: compute here
        c["unit"] = u
    missing = dict(blob["missing"])
    add_themes(cands, data, missing)
    data["missing"] = missing
    data["precomputed"] = len(cands)
    return cands, data, opts


def _merge_redactions_now(ws, sel: list[dict], rows: list[tuple], data: dict) -> int:
    """Inside the write transaction: a unit whose redactions changed since the stage read them
    (a reviewer hid a name meanwhile) gets its quotes' anonymised text and flags computed again
    from the redactions as they are now. Returns how many quotes were redone."""
    uids = sorted({c["unit"]["unit_id"] for c in sel})
    if not uids:
        return 0
    now: dict = {}
    cur = ws.conn.cursor()
    cur.row_factory = None
    for r in cur.execute('SELECT unit_id, start, "end", kind FROM redactions WHERE status != \'undone\''
                         " AND unit_id IN (SELECT value FROM json_each(?))", (json.dumps(uids),)):
        now.setdefault(r[0], []).append(tuple(r[1:]))
    changed = {u for u in uids if sorted(now.get(u, [])) != sorted(tuple(x) for x in data["redactions"].get(u, []))}
    if not changed:
        return 0
    data["redactions"].update({u: now.get(u, []) for u in changed})
    name_re = {fid: _name_patterns(v) for fid, v in data.get("identifiers", {}).items()}
    n = 0
    for i, c in enumerate(sel):
        if c["unit"]["unit_id"] in changed:
            _safety(c, data, name_re, unit_clean=False)
            r = list(rows[i])
            edit = suggest_edit(c["anon"], context=c["context"])
            r[4], r[6], r[11] = c["anon"], (edit.text if edit.changed else None), json.dumps(c["flags"])
            rows[i] = tuple(r)
            n += 1
    return n


# ---------------------------------------------------------------------------------- the stage
def run(ws, *, progress: bool = True, weights: Weights | None = None, learn: bool = True,
        embedder=None, precomputed=None, mapper=None, **options) -> dict:
    """The quotes stage: read the workspace, write ``quotes`` in one transaction.

    The stage never writes what reviewers own: a stored quote keeps its status, version,
    reviewer edit and reviewer themes (decided at write time, in the write transaction, so a
    decision saved while the stage runs is kept); a quote any reviewer touched is never
    deleted. Untouched pending quotes that are no longer candidates are replaced. With
    ``learn`` (the default), reviewers' decisions refit the weights first.
    ``precomputed``: a :func:`candidates_blob` of this run, or a file holding it pickled (the
    pipeline's worker process computes it early); used only if the workspace still fits it.
    """
    base = weights or current_weights(ws)
    learned = {"learned": False}
    if learn and weights is None:
        stored_prior = ws.get_config(CONFIG_PRIOR)
        base_prior = Weights.from_obj(stored_prior) if stored_prior else Weights.default()
        w_new, learned = learn_from_decisions(ws, base_prior)
        if learned["learned"]:
            base = w_new
    ranker = QuoteRanker(weights=base)
    got = _load_precomputed(ws, precomputed, options)
    cands, data, opts = got if got is not None else collect_candidates(ws, progress=progress, mapper=mapper,
                                                                       **options)
    missing = data["missing"]

    sel = select_spans(cands, ranker)
    # representativeness of the chosen spans against every unit (all consent states count)
    n_repr = add_representativeness(ws, sel, data, opts, embedder)
    if n_repr == 0 and sel:
        missing["embeddings"] = len(sel)
    scores, parts = score_candidates(sel, ranker)
    by_unit = {c["unit"]["unit_id"] for c in cands}

    templates = resolve_templates(ws.get_config(CONFIG_ATTRIBUTION))
    now = _now()
    rows = []
    for i, c in enumerate(sel):
        u, sp = c["unit"], c["span"]
        meta = json.loads(u["meta_json"] or "{}")
        tpl = meta.get("attribution") or meta.get("attribution_template")
        attr = attribution(u["source_kind"], year=u["year"], group=u["grp"], templates=templates,
                           template=check_template(tpl) if tpl else None, speaker_role=u["speaker_role"])
        edit = c.get("edit") or suggest_edit(c["anon"], context=c["context"])
        part_vals = {k: (None if parts[k][i] is None else round(float(parts[k][i]), 4)) for k in parts}
        part_vals["theme"] = None if c["theme"] is None else round(float(c["theme"]), 4)
        part_vals["representativeness"] = c["representativeness"]
        pj = {
            "theme": part_vals["theme"], "quotability": part_vals["quotability"],
            "representativeness": c["representativeness"], "safety": c["safety"], "consent": 1,
            "contrib": explain({k: (0.5 if part_vals[k] is None else part_vals[k]) for k in PARTS}, ranker._w()),
            "features": {k: round(float(v), 4) for k, v in c["features"].items()},
            "held": c["held"], "edits": list(edit.changes), "words": sp.n_words,
        }
        themes = sorted(({"theme": k, "score": round(float(v), 4)} for k, v in c["themes"].items()
                         if v >= 0.2), key=lambda t: -t["score"])
        qid = quote_id(u["unit_id"], sp.start, sp.end)
        # a new quote starts pending at version 1; for a stored one only the derived columns
        # are written below: reviewers own its status, version, edit and themes
        edited = edit.text if edit.changed else None
        rows.append((qid, u["unit_id"], sp.start, sp.end, c["anon"], u["text"][sp.start:sp.end], edited,
                     round(float(scores[i]), 6), json.dumps(pj, sort_keys=True), json.dumps(themes), attr,
                     json.dumps(c["flags"]), speaker_pseudonym(u["path"], u["speaker_key"], u["unit_id"]),
                     "pending", 1, now, "quotes"))
    keep_ids = {r[0] for r in rows}
    # One short write transaction, and every reviewer-owned value is decided inside it, from
    # the row as it is now (not from the snapshot read at the start of the stage): a decision,
    # edit or theme change saved while the stage ran is kept, and so is any quote a reviewer
    # ever touched, even when it is no longer among the candidates.
    with ws.transaction():
        _merge_redactions_now(ws, sel, rows, data)
        ws.conn.execute(
            "DELETE FROM quotes WHERE quote_id NOT IN (SELECT value FROM json_each(?))"
            f" AND {UNTOUCHED_SQL}",
            (json.dumps(sorted(keep_ids)),))
        ws.conn.executemany(
            'INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, edited_text, score, parts_json,'
            " themes_json, attribution, flags_json, speaker, status, version, updated_at, updated_by)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(quote_id) DO UPDATE SET text=excluded.text, verbatim=excluded.verbatim,"
            f" edited_text=CASE WHEN {UNTOUCHED_SQL} THEN excluded.edited_text ELSE quotes.edited_text END,"
            " score=excluded.score, parts_json=excluded.parts_json,"
            " themes_json=CASE WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = quotes.quote_id"
            "   AND d.action = 'set_themes') THEN quotes.themes_json ELSE excluded.themes_json END,"
            " attribution=excluded.attribution, flags_json=excluded.flags_json, speaker=excluded.speaker",
            rows,
        )
        # the search index over the quotes' anonymised text: its triggers keep it in step with
        # every later write; created here (in this transaction) on a workspace that lacks it
        textsearch.ensure_index(ws)
        if learned.get("learned"):
            ws.conn.execute("INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)",
                            (CONFIG_WEIGHTS, json.dumps({"quotability": base.quotability, "top": base.top})))
        reviewed_kept = ws.conn.execute(
            f"SELECT COUNT(*) FROM quotes WHERE status IN ({','.join('?' * len(REVIEWED))})", REVIEWED).fetchone()[0]
    summary = {
        "candidates": len(cands), "quotes": len(rows), "units": len(by_unit),
        "held": sum(1 for c in sel if c["held"]), "reviewed_kept": reviewed_kept,
        "learned_from_decisions": learned, "missing": {k: v for k, v in missing.items() if v},
        "representativeness": n_repr, "sentence_features_computed": data.get("stats_computed", 0),
        "precomputed_candidates": data.get("precomputed", 0),
    }
    log.info("quotes: %d candidates, %d stored", len(cands), len(rows))
    return summary


# ---------------------------------------------------------------------------------- reading
def _clean_row(r: dict) -> dict:
    """pandas turns NULL into NaN; back to None."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}


def _row_to_quote(r: dict, gate=None, file_id=None) -> Quote:
    """A stored quote row as a :class:`Quote`, its text, attribution and flags through
    ``gate`` (a :class:`~copquotes.disclosure.Disclosure`; ``None`` = as stored)."""
    from ..disclosure import is_held

    r = _clean_row(r)
    parts = json.loads(r.get("parts_json") or "{}")
    flags = json.loads(r.get("flags_json") or "[]")
    show = (lambda t: t) if gate is None else (lambda t: gate.text(t, file_id))
    edited = show(r.get("edited_text")) if r.get("edited_text") else None
    anon = show(r["text"])
    return Quote(
        id=r["quote_id"], text=edited or anon, anonymised=anon, unit_id=r["unit_id"], start=int(r["start"]),
        end=int(r["end"]), score=float(r["score"]), parts=parts,
        themes=tuple(json.loads(r.get("themes_json") or "[]")), attribution=show(r.get("attribution") or ""),
        file=r.get("file") or "", source_kind=r.get("source_kind") or "other",
        group=show(r.get("group")) if r.get("group") else r.get("group"),
        year=r.get("year"), flags=tuple(flags if gate is None else gate.flags(flags, file_id)),
        speaker=r.get("speaker") or "", status=r.get("status") or "pending", edits=tuple(parts.get("edits") or ()),
        document=gate.source(file_id) if gate is not None else "", edited_text=edited,
        version=int(r.get("version") or 1), held=is_held(flags, r.get("status")),
    )


LISTED_STATUSES = ("pending", "approved", "edited", "rejected")
DEFAULT_STATUSES = ("pending", "approved")


def _quotes(ws, statuses=None) -> tuple[list[Quote], dict]:
    """Every stored quote of these statuses as it is stored (not yet through the layer), and
    its row by id for :func:`_disclosed`."""
    df = ws.quotes_frame(status=statuses)
    if df.empty:
        return [], {}
    rows = {r["quote_id"]: r for r in df.to_dict("records")}
    return [_row_to_quote(r) for r in rows.values()], rows


def _disclosed(ws, picked: list[Quote], rows: dict) -> list[Quote]:
    """The chosen quotes with every field through the disclosure layer (text, edit,
    attribution, group, flag reasons masked; the source by its pseudonym)."""
    from ..disclosure import Disclosure

    if not picked:
        return []
    fids = dict(ws.conn.execute(
        "SELECT unit_id, file_id FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted({q.unit_id for q in picked})),)).fetchall())
    gate = Disclosure(ws)
    return [_row_to_quote(rows[q.id], gate, fids.get(q.unit_id)) for q in picked]


def _wanted(status: str | None, include_held: bool, include_rejected: bool = False):
    """The statuses to read and whether held quotes count, for ``copquotes quotes``."""
    if status is None:
        statuses = list(DEFAULT_STATUSES) + (["rejected"] if include_rejected else [])
    elif status == "all":
        return list(LISTED_STATUSES), True
    elif status in LISTED_STATUSES:
        statuses = [status]
    else:
        raise ConfigError(f"unknown status {status!r}: use pending, approved, edited, rejected or all")
    return statuses, include_held


def shortlist(ws, theme: str | None = None, top: int = 20, *, lam: float = 0.7, max_per_speaker: int = 2,
              theme_min: float = THEME_MIN, include_rejected: bool = False, embedder=None,
              status: str | None = None, include_held: bool = False) -> list[Quote]:
    """The best quotes, consented units only.

    By default pending and approved quotes, never rejected ones nor held ones (a ``hold``
    flag that no reviewer cleared by approving: :func:`copquotes.disclosure.is_held`);
    ``include_held`` adds held ones; ``status`` one of pending / approved / edited /
    rejected lists that status only, ``"all"`` every quote, held ones included.
    Without ``theme``: the ranking by score (non-overlapping spans, as stored).
    With ``theme``: quotes whose span scores at least ``theme_min`` for it (or
    whose best theme it is), chosen by maximal marginal relevance over span
    embeddings (relevance = score x theme score), at most ``max_per_speaker``
    per speaker, spread across groups and years.
    """
    if top is None or int(top) < 0:
        raise ConfigError("--top must be a positive number")
    top = int(top)
    statuses, held_ok = _wanted(status, include_held, include_rejected)
    quotes, rows = _quotes(ws, statuses)
    quotes = [q for q in quotes if held_ok or not q.held]
    if theme is None:
        quotes.sort(key=lambda q: (-(q.status in POSITIVE), -q.score, q.id))
        return _disclosed(ws, quotes[:top], rows)
    pool = []
    for q in quotes:
        ts = {t["theme"]: t["score"] for t in q.themes}
        s = ts.get(theme)
        if s is None:
            continue
        best = max(ts.values()) if ts else 0
        if s >= theme_min or (s >= best and s >= 0.2):
            pool.append((q, s))
    if not pool:
        return []
    pool.sort(key=lambda p: -p[0].score * p[1])
    pool = pool[:max(5 * top, 50)]
    rel = np.array([q.score * (0.5 + 0.5 * s) for q, s in pool])
    if rel.max() > 0:
        rel = rel / rel.max()
    vecs = None
    try:
        emb = embedder or _embedder(ws)
        vecs = emb.encode([q.anonymised for q, _ in pool])
    except Exception as exc:  # pragma: no cover - embeddings always exist once the pipeline ran
        log.debug("shortlist without embeddings: %s", exc)
    picked = mmr(rel, vecs, top, lam=lam, speakers=[q.speaker for q, _ in pool], max_per_speaker=max_per_speaker,
                 groups=[q.group for q, _ in pool], years=[q.year for q, _ in pool])
    return _disclosed(ws, [pool[i][0] for i in picked], rows)


def quote_records(ws, theme: str | None = None, top: int = 20, **kwargs) -> list[dict]:
    """The docs/DESIGN.md records of :func:`shortlist` (anonymised, lightly edited text only)."""
    return [q.to_record() for q in shortlist(ws, theme=theme, top=top, **kwargs)]


RECORD_COLUMNS = ["id", "text", "attribution", "score", "themes", "unit_id", "start", "end", "document", "kind",
                  "group", "year", "flags", "speaker", "status", "edited_text", "version"]


def record_row(r: dict) -> list:
    """A record of :func:`quote_records` as a CSV row of :data:`RECORD_COLUMNS` (not yet neutralised)."""
    return [
        r["id"], r["text"], r["attribution"], r["score"],
        "; ".join(f"{t['theme']} {float(t['score'] or 0):.2f}" for t in r["themes"]),
        r["verbatim_span"]["unit_id"], r["verbatim_span"]["start"], r["verbatim_span"]["end"],
        r["source"]["document"], r["source"]["kind"], r["source"]["group"] or "", r["source"]["year"] or "",
        "; ".join(f"{f['kind']} ({f.get('severity', 'warn')})" for f in r["flags"]), r["speaker"],
        r.get("status") or "", r.get("edited_text") or "", r.get("version") or ""]


def write_records(records: list[dict], fmt: str = "jsonl", out: str | None = None) -> None:
    """Write records as JSON Lines, CSV (formulas neutralised) or Markdown (escaped) to
    ``out`` (a path) or stdout."""
    from ..disclosure import strip_control

    if fmt not in ("jsonl", "csv", "md"):
        raise ConfigError(f"unknown format {fmt!r}: use jsonl, csv or md")
    buf = io.StringIO()
    if fmt == "jsonl":
        for r in records:
            buf.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(RECORD_COLUMNS)
        for r in records:
            w.writerow([neutralise_cell(strip_control(v) if isinstance(v, str) else v) for v in record_row(r)])
    else:
        buf.write(render_markdown(records))
    text = buf.getvalue()
    if out:
        Path(out).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)


def render_markdown(records: list[dict]) -> str:
    """Records as Markdown block quotes; every field escaped (no link, HTML or image)."""
    from ..disclosure import md_blockquote

    lines = []
    for r in records:
        themes = ", ".join(t["theme"] for t in r["themes"][:3])
        flags = ", ".join(f["kind"] for f in r["flags"])
        lines.append(md_blockquote(r["text"]) + "\n>\n> " + md_escape(r["attribution"]) + "\n")
        meta = (f"score {r['score']:.2f}" + (f" | themes: {themes}" if themes else "")
                + (f" | flags: {flags}" if flags else "") + f" | {(r.get('source') or {}).get('document') or ''}"
                + (f" | {r['status']}" if r.get("status") else "") + f" | id {r['id']}")
        lines.append(md_escape(meta) + "\n")
    return "\n".join(lines)


def render_top_quotes(ws, themes: Iterable[str] | None = None, top: int = 3, out=None) -> None:
    """The ``copquotes demo`` printout: the best quotes per theme, with attribution and score."""
    out = out or sys.stdout
    if themes is None:
        found = set()
        for r in ws.conn.execute("SELECT themes_json FROM quotes"):
            found.update(t["theme"] for t in json.loads(r[0] or "[]"))
        themes = sorted(found)
    for theme in themes:
        records = quote_records(ws, theme=theme, top=top)
        out.write(f"\n== {theme} ==\n")
        if not records:
            out.write("  (no candidate quotes)\n")
        for rec in records:
            parts = json.loads(ws.conn.execute("SELECT parts_json FROM quotes WHERE quote_id = ?",
                                               (rec["id"],)).fetchone()[0] or "{}")
            out.write(f"  \u201c{rec['text']}\u201d\n    {rec['attribution']}   [score {rec['score']:.2f}: "
                      f"theme {_fmt(parts.get('theme'))}, quotability {_fmt(parts.get('quotability'))}, "
                      f"representativeness {_fmt(parts.get('representativeness'))}, "
                      f"safety {_fmt(parts.get('safety'))}]\n")
            if rec["flags"]:
                out.write("    flags: " + ", ".join(f"{f['kind']} ({f.get('severity', 'warn')})"
                                                     for f in rec["flags"]) + "\n")


def _fmt(v) -> str:
    return "n/a" if v is None else f"{float(v):.2f}"
