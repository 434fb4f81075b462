"""What the CLI, the demo, the app and the API read of the quotes stage: the ranked,
diversified shortlist (:func:`shortlist`) as :class:`Quote` objects or as the records of
``copquotes quotes`` (:func:`quote_records`), and their JSON Lines, CSV and Markdown forms.

Every field shown passes the disclosure layer (:class:`copquotes.disclosure.Disclosure`).
"""
from __future__ import annotations

import csv
import heapq
import io
import itertools
import json
import logging
import math
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import numpy as np

from .. import themescores
from ..disclosure import md_escape, neutralise_cell
from ..errors import ConfigError
from . import storage
from .shortlist import mmr

log = logging.getLogger(__name__)

POSITIVE = ("approved", "edited")
# A quote belongs to a theme's shortlist when its span scores at least THEME_MIN for the theme
# (the shipped tagger's decision threshold) or comes within THEME_NEAR_BEST of the quote's best
# theme, and never below MIN_THEME_SCORE.
THEME_MIN = 0.4
THEME_NEAR_BEST = 0.1
MIN_THEME_SCORE = 0.35
# The default shortlist's quality floor: a pending quote whose score before its safety demotion
# (:func:`quality`) is below it is not listed (a thin theme gives fewer than ``top`` quotes
# rather than padding); reviewers' approved and edited quotes are always listed; an explicit
# ``status`` lists every quote of that status.
MIN_SCORE = 0.3
NEAR_COPY = 0.95              # cosine above which two quotes of one shortlist are the same text


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
    themes: tuple                  # ({"theme": ..., "score": ...}, ...), best first (the labelled ones once
                                   # disclosed: themescores.labelled_themes)
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
    edited = show(r.get("edited_text")) if r.get("edited_text") else None      # a reviewer's edit only
    anon = show(r["text"])
    suggested = show(r.get("suggested_text")) if r.get("suggested_text") else None   # the light edit
    return Quote(
        id=r["quote_id"], text=edited or suggested or anon, anonymised=anon, unit_id=r["unit_id"],
        start=int(r["start"]),
        end=int(r["end"]), score=float(r["score"]), parts=parts,
        themes=tuple(json.loads(r.get("themes_json") or "[]")), attribution=show(r.get("attribution") or ""),
        file=r.get("file") or "", source_kind=r.get("source_kind") or "other",
        group=show(r.get("group")) if r.get("group") else r.get("group"),
        year=r.get("year"), flags=tuple(flags if gate is None else gate.flags(flags, file_id)),
        speaker=(gate.speaker(file_id, r.get("speaker_key"), r["unit_id"]) if gate is not None
                 else r.get("speaker") or ""), status=r.get("status") or "pending", edits=tuple(parts.get("edits") or ()),
        document=gate.source(file_id) if gate is not None else "", edited_text=edited,
        version=int(r.get("version") or 1), held=is_held(flags, r.get("status")),
    )


LISTED_STATUSES = ("pending", "approved", "edited", "rejected")
DEFAULT_STATUSES = ("pending", "approved")


def normalised(text: str | None) -> str:
    """A text reduced to its lower-case words (placeholders kept): two quotes with the same
    normalised text are duplicates ("Please email me [contact]" twice)."""
    return " ".join(re.findall(r"[a-z0-9]+|\[[a-z ]+\]", (text or "").lower()))


def quality(score, safety) -> float:
    """A stored score without its safety part (redactions, risk flags, holds: a reviewer's
    matter, not the quote's quality): what the floor :data:`MIN_SCORE` is measured on."""
    safety = 1.0 if safety is None else float(safety)
    return float(score or 0.0) / safety if safety > 0 else 0.0


def theme_fits(ts: dict, theme: str, theme_min: float = THEME_MIN) -> bool:
    """Whether a quote with theme scores ``ts`` belongs to ``theme``'s shortlist: the theme
    reaches ``theme_min`` or comes within :data:`THEME_NEAR_BEST` of the quote's best theme, and
    is at least :data:`MIN_THEME_SCORE` (``theme_min`` lower than that lowers the floor too)."""
    s = ts.get(theme)
    if s is None:
        return False
    best = max(ts.values())
    return s >= min(MIN_THEME_SCORE, theme_min) and (s >= theme_min or s >= best - THEME_NEAR_BEST)


def theme_score(score: float, safety, theme_part, s: float, w_theme: float) -> float:
    """The quote's score with its theme part (the best theme of the span) replaced by ``s``, its
    score for the requested theme: the logit moves by ``w_theme x (s - theme part)``. ``safety``
    is every multiplicative part of the stored score (safety x standalone)."""
    if theme_part is None or safety is None or float(safety) <= 0:
        return float(score)
    safety = float(safety)
    p = min(max(float(score) / safety, 1e-6), 1 - 1e-6)
    z = math.log(p / (1 - p)) + w_theme * (float(s) - float(theme_part))
    return safety / (1.0 + math.exp(-z))


def relevance(score: float, safety, alone, part, s: float, w_theme: float) -> float:
    """A quote's relevance to a theme it scores ``s`` for, what a theme's shortlist ranks on (and
    the app's Quotes page filtered on that theme): its score with this theme as its theme part
    (:func:`theme_score`; ``safety`` and ``alone`` its stored multiplicative parts, safety and
    standalone, ``part`` its stored theme part) times ``s``."""
    factor = None if safety is None else float(safety) * (1.0 if alone is None else float(alone))
    return theme_score(score, factor, part, s, w_theme) * s


def theme_scores(themes_json: str | None) -> dict:
    """``{theme: score}`` of a quote's stored themes (``themes_json``)."""
    return {t["theme"]: t["score"] for t in json.loads(themes_json or "[]")}


def theme_weight(ws) -> float:
    """The weight of the theme part in the workspace's scoring (what :func:`theme_score` moves by)."""
    from .scoring import Weights

    stored = ws.get_config(storage.CONFIG_WEIGHTS)
    return float((Weights.from_obj(stored) if stored else Weights.default()).top.get("theme", 0.0))


def _best_ids(ws, statuses, top: int, held_ok: bool, min_score: float = 0.0, dedupe: bool = True) -> list[str]:
    """The ids of the first ``top`` quotes of these statuses (approved and edited first, then
    by score, then id; held ones only with ``held_ok``), read in that order and no further.
    Pending quotes under ``min_score`` are left out, and with ``dedupe`` a quote whose
    normalised text an earlier one has."""
    from ..disclosure import is_held

    cur = storage.ranked_ids(ws, statuses, POSITIVE)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < top:
        rows = cur.fetchmany(max(64, top))
        if not rows:
            break
        for qid, status, flags, score, text, safety in rows:
            if not (held_ok or not is_held(flags, status)):
                continue
            if status not in POSITIVE and quality(score, safety) < min_score:
                continue
            if dedupe:
                key = normalised(text)
                if key and key in seen:
                    continue
                seen.add(key)
            out.append(qid)
    return out[:top]


def _read_quotes(ws, ids: list[str]) -> tuple[dict[str, Quote], dict]:
    """The quotes ``ids`` as stored (not yet through the layer), and their rows by id for
    :func:`_disclosed`."""
    if not ids:
        return {}, {}
    rows = {r["quote_id"]: r for r in ws.quotes_frame(ids=ids).to_dict("records")}
    return {k: _row_to_quote(r) for k, r in rows.items()}, rows


def _disclosed(ws, picked: list[Quote], rows: dict, theme: str | None = None) -> list[Quote]:
    """The chosen quotes with every field through the disclosure layer (text, edit,
    attribution, group, flag reasons masked; the source by its pseudonym); their themes those
    they are tagged with, and ``theme``, the one they are listed under
    (:func:`copquotes.themescores.labelled_themes`)."""
    from ..disclosure import Disclosure

    if not picked:
        return []
    fids = storage.file_ids(ws, {q.unit_id for q in picked})
    gate = Disclosure(ws)
    tagged = themescores.quote_themes(ws, [(q.unit_id, q.themes) for q in picked], listed_under=theme)
    return [replace(_row_to_quote(rows[q.id], gate, fids.get(q.unit_id)), themes=tuple(themes))
            for q, themes in zip(picked, tagged)]


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


def _theme_ranked(ws, statuses, theme: str, held_ok: bool, theme_min: float, min_score: float = 0.0,
                  w_theme: float | None = None) -> list[tuple]:
    """``(quote_id, unit_id, relevance, theme score)`` of the quotes that belong to ``theme``'s
    shortlist (:func:`theme_fits`; held ones only with ``held_ok``; pending ones scoring under
    ``min_score`` left out), best first: relevance, then id. The relevance is the quote's
    score for this theme (:func:`theme_score`) times its theme score."""
    from ..disclosure import is_held

    w = theme_weight(ws) if w_theme is None else w_theme
    ranked = []
    for qid, uid, st, score, flags, themes_json, safety, alone, part in storage.theme_candidates(ws, statuses, theme):
        # a flag of severity "hold" is stored as the JSON string "hold" (or spelt with an escape):
        # with neither, not held, and the JSON need not be parsed
        if not held_ok and ('"hold"' in (flags or "") or "\\" in (flags or "")) and is_held(flags, st):
            continue
        if st not in POSITIVE and quality(score, safety) < min_score:
            continue
        ts = theme_scores(themes_json)
        if not theme_fits(ts, theme, theme_min):
            continue
        s = float(ts[theme])
        ranked.append((qid, uid, relevance(score, safety, alone, part, s, w), s))
    ranked.sort(key=lambda p: (-p[2], p[0]))
    return ranked


def _quotable_first(ws, ranked: list[tuple], n: int, keep=None) -> list[tuple]:
    """The first ``n`` of ``ranked`` whose unit is quotable now (or, with ``keep``, whose id is in
    ``keep(quote ids)``), in order (checked a few hundred at a time, as far down as it takes)."""
    out: list[tuple] = []
    at = 0
    step = max(n, 64)
    while len(out) < n and at < len(ranked):
        chunk = ranked[at:at + step]
        if keep is None:
            ok = storage.quotable_of(ws, [r[1] for r in chunk])
            out += [(qid, s_, ts) for qid, uid, s_, ts in chunk if uid in ok]
        else:
            ok = keep([r[0] for r in chunk])
            out += [(qid, s_, ts) for qid, uid, s_, ts in chunk if qid in ok]
        at += step
    return out[:n]


# A theme's shortlist ranks on each candidate's score and themes, which the covering index
# quotes_rank holds, and on its theme part and the multiplicative parts of its score (safety,
# standalone), which only the table's rows hold (parts_json): reading those for every candidate
# of a theme took most of its shortlist at 500,000 units. :func:`_theme_top` reads them only for
# the candidates that can be among the first. It may, because the quotes stage writes a quote's
# theme part as the best of its themes (both rounded to 4 places: PART_ROUNDING also allows a
# workspace that rounded one of them only), and the multiplicative parts and theme scores are at
# most 1: then a candidate's relevance has a bound from its score and themes (:func:`_fit_bound`).
# A quote with any decision in the audit may carry a reviewer's themes (kept when the stage runs
# again): those are read whole, whatever their bound.
PART_ROUNDING = 1e-4
_P = 1e-6                                # theme_score's clip of a probability


def _fit_bound(score, d: float) -> float:
    """An upper bound of :func:`theme_score` for a stored ``score``, any multiplicative part in
    (0, 1] and a theme part whose shift ``w_theme x (s - theme part)`` is at most ``d``.

    With ``p = score / factor`` not clipped, ``factor x sigmoid(logit(p) + d)`` is at most
    ``score`` when ``d <= 0`` and at most ``sigmoid(logit(score) + d)`` when ``d > 0`` (it grows
    with the factor); clipped low, at most ``sigmoid(logit(1e-6) + d)``; clipped high, under
    ``score / (1 - 1e-6)``. A relative margin covers the rounding of either computation."""
    x = float(score)
    p = min(max(x, _P), 1 - _P)
    lifted = 1.0 / (1.0 + math.exp(-(math.log(p / (1 - p)) + max(float(d), 0.0))))
    return max(x / (1 - _P), lifted) * (1 + 1e-9) + 1e-12


@dataclass(frozen=True)
class _Candidate:
    """A covered row of :func:`storage.theme_rows_by_score` that fits the theme, with its
    theme score ``s``, its best theme score and the bound of its relevance."""

    qid: str
    uid: str
    status: str
    score: float
    s: float
    best: float
    bound: float
    decided: bool


class _NotAsScored(Exception):
    """A quote's stored parts are not as :func:`_fit_bound` assumes (a workspace the quotes stage
    did not write): the shortlist reads every candidate instead."""


def _candidate(row, theme: str, held_ok: bool, theme_min: float, w: float, decided: bool) -> _Candidate | None:
    """``row`` (quote_id, unit_id, status, score, flags_json, themes_json) as a :class:`_Candidate`
    when it fits ``theme`` and is not held (or ``held_ok``), else ``None``: the filters of
    :func:`_theme_ranked`, on the covered columns."""
    from ..disclosure import is_held

    qid, uid, st, score, flags, themes_json = row
    if not held_ok and ('"hold"' in (flags or "") or "\\" in (flags or "")) and is_held(flags, st):
        return None
    ts = theme_scores(themes_json)
    if not theme_fits(ts, theme, theme_min):
        return None
    s, best = float(ts[theme]), float(max(ts.values()))
    if not decided and s > 1:
        raise _NotAsScored(f"theme score {s} above 1")
    bound = (math.inf if decided or s < 0 else
             _fit_bound(score, w * (s - best) + abs(w) * PART_ROUNDING) * s)
    return _Candidate(qid, uid, st, float(score), s, best, bound, decided)


def _check_parts(c: _Candidate, safety, alone, part, w: float) -> None:
    """Raise :class:`_NotAsScored` when a quote's parts break what its bound assumed."""
    if c.decided:
        return
    if any(v is not None and float(v) > 1 for v in (safety, alone)):
        raise _NotAsScored("a multiplicative part above 1")
    if part is not None and w * (c.s - float(part)) > w * (c.s - c.best) + abs(w) * PART_ROUNDING:
        raise _NotAsScored("a theme part other than the best of the quote's themes")


def _relevances(ws, batch: list[_Candidate], w: float, min_score: float, keep=None) -> list[tuple]:
    """``(-relevance, quote_id, theme score)`` of those of ``batch`` that are quotable now (or, with
    ``keep``, whose id is in ``keep(quote ids)``) and pass the floor: :func:`_theme_ranked`'s
    relevance, from the same numbers."""
    parts = storage.theme_score_parts(ws, [c.qid for c in batch])
    if keep is None:
        ok, key = storage.quotable_of(ws, [c.uid for c in batch]), (lambda c: c.uid)
    else:
        ok, key = keep([c.qid for c in batch]), (lambda c: c.qid)
    out = []
    for c in batch:
        if c.qid not in parts:
            continue
        safety, alone, part = parts[c.qid]
        _check_parts(c, safety, alone, part, w)
        if key(c) not in ok or (c.status not in POSITIVE and quality(c.score, safety) < min_score):
            continue
        out.append((-relevance(c.score, safety, alone, part, c.s, w), c.qid, c.s))
    return out


def _by_score(ws, statuses, theme: str, skip: set):
    """The covered rows of these statuses, best score first (one index-ordered cursor per status,
    merged), without the quotes ``skip``; closing it closes the cursors."""
    cursors = [storage.theme_rows_by_score(ws, st, theme) for st in dict.fromkeys(statuses)]
    merged = heapq.merge(*cursors, key=lambda r: -r[3])
    try:
        for r in merged:
            if r[0] not in skip:
                yield r
    finally:
        merged.close()
        for cur in cursors:
            cur.close()


def _push(heap: list, rows, theme: str, held_ok: bool, theme_min: float, w: float, decided: bool) -> None:
    """The rows that fit ``theme`` onto ``heap``, best bound first (:func:`_candidate`)."""
    for row in rows:
        c = _candidate(row, theme, held_ok, theme_min, w, decided)
        if c is not None:
            heapq.heappush(heap, (-c.bound, c.qid, c))


def _pop(heap: list, size: int, reach: float) -> list[_Candidate]:
    """The best of ``heap`` and the next ones whose bound is at least ``reach``, at most ``size``."""
    batch = [heapq.heappop(heap)[2]]
    while heap and len(batch) < size and -heap[0][0] >= reach:
        batch.append(heapq.heappop(heap)[2])
    return batch


def _theme_top(ws, statuses, theme: str, held_ok: bool, theme_min: float, min_score: float, n: int,
               w: float, keep=None, batch: int = 64) -> list[tuple]:
    """``(quote_id, relevance, theme score)`` of the first ``n`` quotable quotes of ``theme``'s
    ranking: ``_quotable_first(ws, _theme_ranked(...), n)``, reading ``parts_json`` only for the
    candidates whose bound reaches the ``n``-th relevance found (see :data:`PART_ROUNDING`).

    Candidates are read in score order from the index; the unread ones score at most the last
    read, so their relevance is at most :func:`_fit_bound` of it (their theme score is at most
    their best, and at most 1). It stops when neither an unread candidate nor a read one not yet
    scored can reach the ``n``-th. Raises :class:`_NotAsScored` when a quote's parts are not as
    that bound assumes. ``keep`` (quote ids -> the allowed ones) replaces the consent check;
    ``batch``: the fewest candidates scored at once."""
    decided = storage.decided_theme_rows(ws, statuses, theme)
    heap: list[tuple] = []
    _push(heap, decided, theme, held_ok, theme_min, w, True)
    rows = _by_score(ws, statuses, theme, {r[0] for r in decided})
    rest_d, rest = max(0.0, -w) + abs(w) * PART_ROUNDING, math.inf    # rest: the unread ones' bound
    kept: list[tuple] = []                                            # (-relevance, id, s), best first
    size = max(n, batch)
    try:
        while True:
            nth = -kept[n - 1][0] if len(kept) >= n else -math.inf
            top = -heap[0][0] if heap else -math.inf
            if max(top, rest) < nth or (not heap and rest == -math.inf):
                break
            if top >= rest:
                kept = sorted(kept + _relevances(ws, _pop(heap, size, max(rest, nth)), w, min_score, keep))[:n]
                continue
            chunk = list(itertools.islice(rows, 4 * size))
            _push(heap, chunk, theme, held_ok, theme_min, w, False)
            rest = _fit_bound(chunk[-1][3], rest_d) if len(chunk) == 4 * size else -math.inf
    finally:
        rows.close()
    return [(qid, -neg, s) for neg, qid, s in kept]


def _theme_pool(ws, statuses, theme: str, held_ok: bool, theme_min: float, min_score: float,
                n: int) -> list[tuple]:
    """``(quote_id, relevance, theme score)`` of the first ``n`` quotable quotes of ``theme``'s
    ranking (:func:`_theme_ranked`): by :func:`_theme_top`, or, when a quote's stored parts are
    not as its bound assumes, from every candidate read whole."""
    w = theme_weight(ws)
    try:
        return _theme_top(ws, statuses, theme, held_ok, theme_min, min_score, n, w)
    except _NotAsScored as exc:
        log.debug("theme shortlist: every candidate read (%s)", exc)
        return _quotable_first(ws, _theme_ranked(ws, statuses, theme, held_ok, theme_min, min_score, w), n)


def theme_top_ids(ws, theme: str, n: int, statuses, keep) -> list[str]:
    """The ids of the first ``n`` quotes of these statuses whose themes name ``theme`` and whose
    id ``keep(quote ids)`` keeps (its set of the allowed ones: consent is its to check), best for
    ``theme`` first: by :func:`relevance`, then id, as a theme's shortlist ranks (held quotes
    and every theme score included, no floor). For the app's Quotes page filtered on a theme."""
    w = theme_weight(ws)
    try:
        top = _theme_top(ws, statuses, theme, True, 0.0, 0.0, n, w, keep, batch=128)
    except _NotAsScored as exc:
        log.debug("theme order: every candidate read (%s)", exc)
        top = _quotable_first(ws, _theme_ranked(ws, statuses, theme, True, 0.0, 0.0, w), n, keep)
    return [qid for qid, _, _ in top]


def check_top(top) -> int:
    """``top`` as a count of quotes: a whole number of at least 1 (0 would list nothing)."""
    import numbers

    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise ConfigError(f"top (--top) must be a whole number of at least 1, the number of quotes to list; "
                          f"not {top!r}")
    return int(top)


def shortlist(ws, theme: str | None = None, top: int = 20, *, lam: float = 0.7, max_per_speaker: int = 2,
              theme_min: float = THEME_MIN, include_rejected: bool = False, embedder=None,
              status: str | None = None, include_held: bool = False, min_score: float | None = None,
              dedupe: bool | None = None) -> list[Quote]:
    """The best quotes, consented units only: at most ``top``, fewer when the pool is thin.

    By default pending and approved quotes, never rejected ones nor held ones (a ``hold``
    flag that no reviewer cleared by approving: :func:`copquotes.disclosure.is_held`);
    ``include_held`` adds held ones; ``status`` one of pending / approved / edited /
    rejected lists that status only, ``"all"`` every quote, held ones included.

    ``min_score`` (default :data:`MIN_SCORE` for the default listing, 0 with an explicit
    ``status``): pending quotes scoring less are left out. ``dedupe`` (default: unless
    ``status="all"``): a quote with the same normalised text as a better one (or, in a theme's
    shortlist, a near-copy: cosine above :data:`NEAR_COPY`) is left out.

    Without ``theme``: the ranking by score (non-overlapping spans, as stored).
    With ``theme``: quotes that fit it (:func:`theme_fits`: its score reaches ``theme_min`` or
    comes within 0.1 of the quote's best theme), chosen by maximal marginal relevance over
    span embeddings (relevance = the quote's score with this theme as its theme part, times
    the theme score), at most ``max_per_speaker`` per speaker, spread across groups and years.
    """
    picked, rows = _picked(ws, theme, top, lam=lam, max_per_speaker=max_per_speaker, theme_min=theme_min,
                           include_rejected=include_rejected, embedder=embedder, status=status,
                           include_held=include_held, min_score=min_score, dedupe=dedupe)
    return _disclosed(ws, picked, rows, theme)


def shortlist_ids(ws, theme: str | None = None, top: int = 20, **options) -> list[str]:
    """The ids of :func:`shortlist`'s quotes, in its order, without reading what a record shows
    (the disclosure layer's masking and each quote's tagged themes): the Triage page's order."""
    return [q.id for q in _picked(ws, theme, top, **options)[0]]


def _picked(ws, theme: str | None, top: int, *, lam: float = 0.7, max_per_speaker: int = 2,
            theme_min: float = THEME_MIN, include_rejected: bool = False, embedder=None,
            status: str | None = None, include_held: bool = False, min_score: float | None = None,
            dedupe: bool | None = None) -> tuple[list[Quote], dict]:
    """:func:`shortlist`'s quotes as stored (not yet disclosed) and their rows."""
    top = check_top(top)
    statuses, held_ok = _wanted(status, include_held, include_rejected)
    floor = float((MIN_SCORE if status is None else 0.0) if min_score is None else min_score)
    dedupe = (status != "all") if dedupe is None else bool(dedupe)
    # rank on a few columns, read whole only the quotes that can be picked (reading every
    # quote took 15-40 s at 500,000 units)
    if theme is None:
        ids = _best_ids(ws, statuses, top, held_ok, floor, dedupe) if top else []
        by_id, rows = _read_quotes(ws, ids)
        return [by_id[i] for i in ids if i in by_id], rows
    ranked = _theme_pool(ws, statuses, theme, held_ok, theme_min, floor, max(5 * top, 50))
    by_id, rows = _read_quotes(ws, [qid for qid, _, _ in ranked])
    pool = [(by_id[qid], r) for qid, r, _ in ranked if qid in by_id]
    if dedupe:
        pool = _unique(pool)
    if not pool or not top:
        return [], rows
    rel = np.array([r for _, r in pool])
    if rel.max() > 0:
        rel = rel / rel.max()
    vecs = None
    try:
        emb = embedder or storage.embedder(ws)
        vecs = np.asarray(emb.encode([q.anonymised for q, _ in pool]), dtype=float)
    except Exception as exc:  # pragma: no cover - embeddings always exist once the pipeline ran
        log.debug("shortlist without embeddings: %s", exc)
    if dedupe and vecs is not None and len(vecs):
        keep = _not_near_copies(vecs, [q.status in POSITIVE for q, _ in pool])
        pool, rel, vecs = [pool[i] for i in keep], rel[keep], vecs[keep]
    picked = mmr(rel, vecs, top, lam=lam, speakers=[q.speaker for q, _ in pool], max_per_speaker=max_per_speaker,
                 groups=[q.group for q, _ in pool], years=[q.year for q, _ in pool])
    return [pool[i][0] for i in picked], rows


def _unique(pool: list[tuple]) -> list[tuple]:
    """``pool`` (best first) without quotes whose normalised text a better one has; a reviewer's
    approved or edited quote is kept in place of a pending copy."""
    first: dict[str, int] = {}
    drop: set[int] = set()
    for i, (q, _) in enumerate(pool):
        key = normalised(q.anonymised)
        if not key:
            continue
        if key not in first:
            first[key] = i
        elif q.status in POSITIVE and pool[first[key]][0].status not in POSITIVE:
            drop.add(first[key])
            first[key] = i
        else:
            drop.add(i)
    return [p for i, p in enumerate(pool) if i not in drop]


def _not_near_copies(vecs: np.ndarray, reviewed: list[bool], limit: float = NEAR_COPY) -> list[int]:
    """The indices (in order, best first) to keep of L2-normalised ``vecs``: each one whose
    cosine with a kept better one is above ``limit`` is left out (a reviewed one never)."""
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    v = vecs / np.where(norms > 0, norms, 1.0)
    keep: list[int] = []
    for i in range(len(v)):
        if not reviewed[i] and keep and float(np.max(v[keep] @ v[i])) > limit:
            continue
        keep.append(i)
    return keep


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


FORMAT_OF_SUFFIX = {".jsonl": "jsonl", ".csv": "csv", ".md": "md"}


def output_format(fmt: str | None, out=None) -> str:
    """The format of ``copquotes quotes``: ``fmt`` (``--format``) when given, else the extension of
    ``out`` (.jsonl, .csv, .md), else JSON Lines (with a warning for an ``out`` of another
    extension, which wrote JSON Lines before the extension was read). :class:`ConfigError` when
    ``fmt`` and the extension disagree."""
    if fmt is not None and fmt not in ("jsonl", "csv", "md"):
        raise ConfigError(f"unknown format {fmt!r}: use jsonl, csv or md")
    if not out:
        return fmt or "jsonl"
    suffix = Path(out).suffix.lower()
    by_name = FORMAT_OF_SUFFIX.get(suffix)
    if fmt is None:
        if by_name is None:   # as before the extension was read: JSON Lines, said on stderr
            log.warning("--out %s: %s is not .jsonl, .csv or .md: writing JSON Lines (give --format to choose)",
                        out, suffix or "a name without an extension")
            return "jsonl"
        return by_name
    if by_name is not None and by_name != fmt:
        raise ConfigError(f"--format {fmt} does not match --out {out} (a .{by_name} name): "
                          f"drop --format or name the file .{fmt}")
    return fmt


def write_records(records: list[dict], fmt: str = "jsonl", out: str | None = None) -> None:
    """Write records as JSON Lines, CSV (formulas neutralised) or Markdown (escaped) to
    ``out`` (a path) or stdout."""
    from ..disclosure import strip_control

    from ..outputs import check_output_file, write_error

    if fmt not in ("jsonl", "csv", "md"):
        raise ConfigError(f"unknown format {fmt!r}: use jsonl, csv or md")
    if out:
        check_output_file(out)
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
        try:
            Path(out).write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise write_error(out, exc) from None
    else:
        sys.stdout.write(text)


def render_markdown(records: list[dict]) -> str:
    """Records as Markdown block quotes; every field escaped (no link, HTML or image)."""
    from ..disclosure import md_blockquote

    lines = []
    for r in records:
        themes = ", ".join(t["theme"] for t in r["themes"])
        flags = ", ".join(f["kind"] for f in r["flags"])
        lines.append(md_blockquote(r["text"]) + "\n>\n> " + md_escape(r["attribution"]) + "\n")
        meta = (f"score {r['score']:.2f}" + (f" \u00b7 themes: {themes}" if themes else "")
                + (f" \u00b7 flags: {flags}" if flags else "") + f" \u00b7 {(r.get('source') or {}).get('document') or ''}"
                + (f" \u00b7 {r['status']}" if r.get("status") else "") + f" \u00b7 id {r['id']}")
        lines.append(md_escape(meta) + "\n")
    return "\n".join(lines)


def render_top_quotes(ws, themes: Iterable[str] | None = None, top: int = 3, out=None) -> None:
    """The ``copquotes demo`` printout: the best quotes per theme, with attribution and score."""
    out = out or sys.stdout
    if themes is None:
        themes = sorted(storage.quote_themes(ws))
    for theme in themes:
        records = quote_records(ws, theme=theme, top=top)
        out.write(f"\n== {theme} ==\n")
        if not records:
            out.write("  (no candidate quotes)\n")
        elif len(records) < top:
            out.write(f"  (only {len(records)} of {top}: no other quote fits this theme and reaches the quality floor)\n")
        for rec in records:
            parts = storage.quote_parts(ws, rec["id"])
            out.write(f"  \u201c{rec['text']}\u201d\n    {rec['attribution']}   [score {rec['score']:.2f}: "
                      f"theme {_fmt(parts.get('theme'))}, quotability {_fmt(parts.get('quotability'))}, "
                      f"representativeness {_fmt(parts.get('representativeness'))}, "
                      f"safety {_fmt(parts.get('safety'))}]\n")
            if rec["flags"]:
                out.write("    flags: " + ", ".join(f"{f['kind']} ({f.get('severity', 'warn')})"
                                                     for f in rec["flags"]) + "\n")


def _fmt(v) -> str:
    return "n/a" if v is None else f"{float(v):.2f}"
