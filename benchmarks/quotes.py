"""Quote-mining benchmark: precision@k and recall@2k on a labelled set, through the real pipeline.

    .venv/bin/python benchmarks/quotes.py                 # the labelled set in corpus/labelled/quotes
    .venv/bin/python benchmarks/quotes.py --data DIR      # any folder with exports + roster + manifest + gold.jsonl
    .venv/bin/python benchmarks/quotes.py --fit           # also print weights fitted on all of it

The folder is ingested into a temporary workspace with ``copquotes.ingest``, then
every analysis stage that exists runs (anonymise, embed, tag, topics), then
``copquotes.quotes``. ``k`` = number of publishable (consented) gold quotes; a gold
quote is *found* by a candidate of the same file whose verbatim words cover more than
half of the quote's words. Reports:

* P@k and R@2k of the ranking ``copquotes quotes`` prints (the stored quotes, by score);
* the same for the hand-set prior weights, for weights fitted leave-one-file-out, and
  the ablation of each part and each quotability feature (refit leave-one-file-out
  without it);
* learning from reviewers: half of the units' gold labels become approve/reject
  decisions on what a reviewer would see (the top 2k of that half), the stage re-runs
  and learns, and P@k / R@2k are measured on the other half before and after;
* safety: candidates matching a non-consented gold quote (must be 0), quotes from
  units without consent (must be 0), identifiers (roster / survey names, emails,
  speaker labels, listed places) in any candidate text (must be 0).

Results: ``benchmarks/results/quotes.json`` and ``quotes.md``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import importlib
import io
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("COPQUOTES_PROGRESS", "0")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from copquotes.quotes import readers  # noqa: E402
from copquotes.quotes import stage as qs  # noqa: E402
from copquotes.quotes.features import FEATURES  # noqa: E402
from copquotes.quotes.scoring import PARTS, QuoteRanker, Weights  # noqa: E402

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
DEFAULT_DATA = REPO / "corpus" / "labelled" / "quotes"
# places / organisations written into the labelled set's text (beyond the roster and survey names)
EXTRA_IDENTIFIERS = ["Melbourne"]
# The hand-set starting weights (before any fit). Leave-one-file-out fits start from these, not
# from the shipped defaults (which were fitted on all of the labelled set and would leak).
HAND_PRIOR = Weights(
    {"intercept": -6.0, "length": 2.0, "first_person": 1.0, "evaluative": 1.5, "positive": 1.0, "complete": 1.0,
     "content": 1.0, "impact": 1.5, "programme": 1.0, "memorable": 0.5, "no_fillers": 1.0, "no_hedges": 0.5,
     "no_question": 1.0, "clean_start": 0.5, "no_logistics": 1.0, "no_suggestion": 0.5},
    {"intercept": -4.0, "theme": 2.0, "quotability": 4.0, "representativeness": 1.0})


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'"))


def coverage(gold_words: list[str], cand_words: list[str]) -> float:
    if not gold_words:
        return 0.0
    inter = Counter(gold_words) & Counter(cand_words)
    return sum(inter.values()) / len(gold_words)


def load_gold(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            g["words"] = words(g["text"])
            g["file"] = Path(g["file"]).name
            out.append(g)
    return out


def match(gold: list[dict], file: str, verbatim: str, threshold: float = 0.5) -> int | None:
    """Index of the best gold quote of ``file`` covered (> threshold) by ``verbatim``."""
    cw = words(verbatim)
    best, best_cov = None, threshold
    for i, g in enumerate(gold):
        if g["file"] != file:
            continue
        c = coverage(g["words"], cw)
        if c > best_cov:
            best, best_cov = i, c
    return best


def metrics(ranked: list[tuple[str, str]], gold: list[dict], subset: set[int] | None = None) -> dict:
    """P@k and R@2k of a ranked list of (file, verbatim) against publishable gold quotes."""
    pub = [i for i, g in enumerate(gold) if g["publishable"] and (subset is None or i in subset)]
    k = len(pub)
    if k == 0:
        return {"k": 0, "precision_at_k": None, "recall_at_2k": None}
    pubset = set(pub)
    found_k, found_2k = set(), set()
    hits_k = 0
    for r, (file, text) in enumerate(ranked[:2 * k]):
        m = match(gold, file, text)
        if m is not None and m in pubset:
            if r < k and m not in found_k:
                hits_k += 1
                found_k.add(m)
            found_2k.add(m)
    return {"k": k, "precision_at_k": round(hits_k / k, 4), "recall_at_2k": round(len(found_2k) / k, 4),
            "found_in_top_k": hits_k, "found_in_top_2k": len(found_2k)}


# ----------------------------------------------------------------------------- pipeline
def build_workspace(data_dir: Path, ws_dir: Path) -> tuple[object, dict]:
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    stages: dict[str, str] = {}
    ws = Workspace.create(ws_dir)
    t0 = time.perf_counter()
    found = discover([data_dir])
    ws.ingest(found.sources, progress=False)
    stages["ingest"] = f"ran ({time.perf_counter() - t0:.1f}s, {ws.n_units()} units)"
    for name, module in (("anonymise", "copquotes.anonymise"), ("embed", "copquotes.embed"),
                         ("tag", "copquotes.themes"), ("topics", "copquotes.topics")):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            stages[name] = f"missing ({exc.name or exc})"
            continue
        if not hasattr(mod, "run"):
            stages[name] = "missing (module has no run())"
            continue
        t0 = time.perf_counter()
        try:
            mod.run(ws, progress=False)
            stages[name] = f"ran ({time.perf_counter() - t0:.1f}s)"
        except Exception as exc:  # a stage of someone else failing must not hide the quote numbers
            stages[name] = f"error: {type(exc).__name__}: {str(exc)[:200]}"
    return ws, stages


def stored_ranking(ws, unit_filter: set | None = None) -> list[tuple[str, str, str]]:
    """(file, verbatim, unit_id) of the stored quotes in the order ``copquotes quotes`` prints them."""
    out = []
    for q in readers.shortlist(ws, theme=None, top=10 ** 9):
        if unit_filter is not None and q.unit_id not in unit_filter:
            continue
        verb = ws.conn.execute("SELECT verbatim FROM quotes WHERE quote_id = ?", (q.id,)).fetchone()[0]
        out.append((Path(q.file).name, verb, q.unit_id))
    return out


# ----------------------------------------------------------------------------- offline ranking
def label_candidates(cands: list[dict], gold: list[dict]) -> np.ndarray:
    """1: the span is (mostly) a publishable quote; 0: not; -1: ambiguous (ignored in fits)."""
    y = np.zeros(len(cands), dtype=int)
    for i, c in enumerate(cands):
        file = Path(c.unit.path).name
        verb = c.verbatim
        m = match(gold, file, verb)
        if m is None:
            continue
        if not gold[m]["publishable"]:
            y[i] = 0
            continue
        cw = words(verb)
        inside = coverage(cw, gold[m]["words"])        # share of the span's words that are the quote's
        y[i] = 1 if inside >= 0.6 else -1
    return y


def rows_of(cands: list[dict]) -> list[dict]:
    rows = []
    for c in cands:
        rows.append(c.score_row())
    return rows


def offline_ranking(cands: list[dict], scores: np.ndarray, keep: np.ndarray | None = None) -> list[tuple[str, str]]:
    """What the stage would store and print for these scores: best non-overlapping spans per unit, by score."""
    from copquotes.quotes.candidates import select_non_overlapping

    by_unit: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        if keep is None or keep[i]:
            by_unit.setdefault(c.unit.unit_id, []).append(i)
    chosen = []
    for idx in by_unit.values():
        sel = select_non_overlapping([cands[i].span for i in idx], [scores[i] for i in idx])
        chosen += [idx[k] for k in sel]
    chosen.sort(key=lambda i: -scores[i])
    return [(Path(cands[i].unit.path).name, cands[i].verbatim)
            for i in chosen]


def lofo(cands, rows, y, gold, prior: Weights, *, use_parts=PARTS, features=FEATURES, alpha=5.0) -> dict:
    """Leave-one-file-out: fit on the other files, rank this file's candidates; pooled metrics."""
    files = sorted({Path(c.unit.path).name for c in cands})
    scores = np.zeros(len(cands))
    for f in files:
        test = np.array([Path(c.unit.path).name == f for c in cands])
        train = ~test & (y >= 0)
        rk = QuoteRanker(weights=prior, alpha=alpha, use_parts=use_parts, features=features)
        rk.fit([rows[i] for i in np.where(train)[0]], y[train])
        scores[test] = rk.score([rows[i] for i in np.where(test)[0]])
    # pool the per-file rankings by score (scores from different fits are on one probability scale)
    return metrics(offline_ranking(cands, scores), gold)


def zeroed(prior: Weights, feature: str | None = None, part: str | None = None) -> Weights:
    q, t = dict(prior.quotability), dict(prior.top)
    if feature:
        q[feature] = 0.0
    if part:
        t[part] = 0.0
    return Weights(q, t)


# ----------------------------------------------------------------------------- safety checks
def identifier_terms(data_dir: Path, ws) -> list[str]:
    terms = set(EXTRA_IDENTIFIERS)
    roster = data_dir / "roster.csv"
    if roster.exists():
        for r in csv.DictReader(io.StringIO(roster.read_text(encoding="utf-8-sig"))):
            for name in [r.get("name", "")] + re.split(r"[;|]", r.get("aliases", "") or ""):
                name = name.strip()
                if name:
                    terms.add(name)
                    terms.update(p for p in name.split() if len(p) >= 3)
    for (value,) in ws.conn.execute("SELECT value FROM file_identifiers"):
        terms.add(value)
        terms.update(p for p in re.split(r"[\s,]+", value) if len(p) >= 3)
    return sorted(terms)


def find_identifiers(text: str, terms: list[str]) -> list[str]:
    hits = []
    for t in terms:
        if re.search(r"(?<![\w\[])" + re.escape(t) + r"(?![\w\]])", text):
            hits.append(t)
    if re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text):
        hits.append("<email>")
    if re.search(r"(?:\+?61|0)[2-478](?:[ -]?\d){8}", text):
        hits.append("<phone>")
    return hits


def safety_report(ws, gold: list[dict], data_dir: Path, top_n: int) -> dict:
    terms = identifier_terms(data_dir, ws)
    rows = ws.conn.execute(
        "SELECT q.quote_id, q.text, q.edited_text, q.suggested_text, q.verbatim, q.score, u.consent, u.speaker_role, f.path"
        " FROM quotes q JOIN units u ON u.unit_id = q.unit_id JOIN files f ON f.file_id = u.file_id"
        " ORDER BY q.score DESC").fetchall()
    non_consented = [g for g in gold if not g["publishable"]]
    n_nc = 0
    ident_all, ident_top = [], []
    for i, r in enumerate(rows):
        m = match(non_consented, Path(r["path"]).name, r["verbatim"])
        if m is not None:
            n_nc += 1
        shown = " ".join(t for t in (r["text"], r["edited_text"], r["suggested_text"]) if t)
        hits = find_identifiers(shown, terms)
        if hits:
            ident_all.append({"quote_id": r["quote_id"], "identifiers": hits})
            if i < top_n:
                ident_top.append(r["quote_id"])
    no_consent = sum(1 for r in rows if r["consent"] != 1)
    return {
        "quotes": len(rows),
        "candidates_matching_non_consented_gold": n_nc,
        "quotes_from_units_without_consent": no_consent,
        "quotes_from_facilitators": sum(1 for r in rows if r["speaker_role"] == "facilitator"),
        "candidates_with_identifier": len(ident_all),
        "top_2k_with_identifier": len(ident_top),
        "identifier_examples": ident_all[:10],
        "identifier_terms_checked": len(terms),
    }


# ----------------------------------------------------------------------------- reviewers
DECISION_COUNTS = (20, 50, 100)
SEEDS = (0, 1, 2, 3, 4)


def half_of(unit_id: str, seed: int = 0) -> int:
    """Which half a unit is in (0 = reviewed, 1 = unseen); seed 0 is the split of earlier results."""
    key = unit_id if seed == 0 else f"{seed}:{unit_id}"
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2


def _reset_reviews(ws, start: Weights) -> None:
    """No decision at all, every quote pending at version 1, and the ranking as shipped: the
    stage re-run with ``start`` as the base weights when they are not those of the stored
    scores, else a re-rank from no decision (which writes the base scores back)."""
    from copquotes.quotes import learning

    ws.conn.execute("DELETE FROM decisions")
    ws.conn.execute("UPDATE quotes SET status = 'pending', version = 1, edited_text = NULL")
    want = {"quotability": start.quotability, "top": start.top}
    if ws.get_config(qs.CONFIG_WEIGHTS) != want:
        ws.set_config(qs.CONFIG_WEIGHTS, want)
        qs.run(ws, progress=False, learn=False)
    else:
        learning.rerank(ws)


def simulate_reviewers(ws, gold: list[dict], start: Weights, n_decisions: int | None = None, seed: int = 0,
                       via_stage: bool = False) -> dict:
    """Decisions on half A, learning through the product path, P@k / R@2k on half B.

    The reviewer works down half A's shortlist (the order ``copquotes quotes`` and the app's
    triage give) and decides the first ``n_decisions`` quotes (``None``: the top 2k of A, k =
    A's publishable gold quotes), approving those that match a publishable gold quote of A and
    rejecting the others, through :mod:`copquotes.review`. Then the quotes are re-ranked from the
    decisions (:func:`copquotes.quotes.learning.rerank`, what the app runs in the background;
    ``via_stage``: by re-running the quotes stage, which ends with the same call). Half B's gold
    is used only to measure: before (the ranking as shipped) and after.
    """
    from copquotes import review
    from copquotes.quotes import learning

    _reset_reviews(ws, start)
    units = {r[0]: half_of(r[0], seed) for r in ws.conn.execute("SELECT unit_id FROM units")}
    a_units = {u for u, h in units.items() if h == 0}
    b_units = {u for u, h in units.items() if h == 1}
    file_of = {}
    for uid, path in ws.conn.execute("SELECT u.unit_id, f.path FROM units u JOIN files f USING(file_id)"):
        file_of[uid] = Path(path).name
    texts = {uid: t for uid, t in ws.conn.execute("SELECT unit_id, text FROM units")}

    def gold_subset(unit_set):
        ids = set()
        for uid in unit_set:
            for i, g in enumerate(gold):
                if g["file"] == file_of[uid] and coverage(g["words"], words(texts[uid])) > 0.9:
                    ids.add(i)
        return ids

    gold_a, gold_b = gold_subset(a_units), gold_subset(b_units)
    before = metrics([(f, v) for f, v, _ in stored_ranking(ws, b_units)], gold, gold_b)
    k_a = sum(1 for i in gold_a if gold[i]["publishable"])
    n = 2 * k_a if n_decisions is None else int(n_decisions)
    seen = stored_ranking(ws, a_units)[:n]
    n_app = n_rej = 0
    for file, verb, uid in seen:
        qid, version = ws.conn.execute("SELECT quote_id, version FROM quotes WHERE unit_id = ? AND verbatim = ?",
                                       (uid, verb)).fetchone()
        m = match(gold, file, verb)
        ok = m is not None and gold[m]["publishable"] and m in gold_a
        if ok:
            review.approve(ws, qid, "benchmark", version)
        else:
            review.reject(ws, qid, "benchmark", "simulated from gold", version)
        n_app += ok
        n_rej += not ok
    if via_stage:
        info = qs.run(ws, progress=False)["learned_from_decisions"]
    else:
        info = learning.rerank(ws)          # what the app's background re-rank runs
    after = metrics([(f, v) for f, v, _ in stored_ranking(ws, b_units)], gold, gold_b)
    return {"seed": seed, "decisions": {"n": n_app + n_rej, "approved": n_app, "rejected": n_rej},
            "learning": {k: info.get(k) for k in ("adopted", "reason", "held_out_auc", "C", "components")},
            "rerank_seconds": info.get("seconds"), "via": "quotes stage" if via_stage else "rerank",
            "held_out_half": {"before": before, "after": after}}


def learning_table(ws, gold: list[dict], start: Weights, counts=DECISION_COUNTS, seeds=SEEDS) -> dict:
    """:func:`simulate_reviewers` for each decision count (and the top 2k of A) and seed, with
    the mean before / after P@k and R@2k per count (the top 2k of A through a stage re-run)."""
    out: dict = {}
    for n in list(counts) + [None]:
        runs = [simulate_reviewers(ws, gold, start, n, seed, via_stage=n is None) for seed in seeds]
        mean = {}
        for when in ("before", "after"):
            for m in ("precision_at_k", "recall_at_2k"):
                mean[f"{when}_{m}"] = round(float(np.mean([r["held_out_half"][when][m] for r in runs])), 4)
        mean["adopted"] = sum(1 for r in runs if r["learning"]["adopted"])
        out["top_2k_of_A" if n is None else str(n)] = {"mean": mean, "runs": runs}
    return out


# ----------------------------------------------------------------------------- main
def evaluate(data_dir: Path, fit: bool, progress: bool = False) -> dict:
    gold = load_gold(data_dir / "gold.jsonl")
    k = sum(1 for g in gold if g["publishable"])
    out: dict = {"data": str(data_dir.relative_to(REPO) if data_dir.is_relative_to(REPO) else data_dir),
                 "k": k, "non_consented_gold": len(gold) - k}
    with tempfile.TemporaryDirectory(prefix="cq-quotes-bench-") as tmp:
        t0 = time.perf_counter()
        ws, stages = build_workspace(data_dir, Path(tmp) / "ws")
        out["stages"] = stages
        out["units"] = ws.n_units()
        t1 = time.perf_counter()
        summary = qs.run(ws, progress=progress)
        out["quotes_stage"] = {**summary, "seconds": round(time.perf_counter() - t1, 2)}
        ranking = stored_ranking(ws)
        out["pipeline"] = metrics([(f, v) for f, v, _ in ranking], gold)
        out["pipeline_by_file"] = {}
        for f in sorted({g["file"] for g in gold}):
            sub = {i for i, g in enumerate(gold) if g["file"] == f}
            out["pipeline_by_file"][f] = metrics([(ff, v) for ff, v, _ in ranking if ff == f], gold, sub)
        out["safety"] = safety_report(ws, gold, data_dir, 2 * k)

        # offline: all candidates with representativeness, for fits and ablations
        cands, data, opts = qs.collect_candidates(ws)
        cands, _ = qs.add_representativeness(ws, cands, data, opts)
        rows = rows_of(cands)
        y = label_candidates(cands, gold)
        out["candidates"] = {"n": len(cands), "positive": int((y == 1).sum()), "ambiguous": int((y == -1).sum())}
        prior = HAND_PRIOR
        shipped = Weights.default()
        out["hand_prior_weights"] = metrics(offline_ranking(cands, QuoteRanker(weights=prior).score(rows)), gold)
        out["default_weights"] = metrics(offline_ranking(cands, QuoteRanker(weights=shipped).score(rows)), gold)
        out["lofo_fitted"] = lofo(cands, rows, y, gold, prior)
        ablation = {}
        for part in PARTS:
            rest = tuple(p for p in PARTS if p != part)
            m = lofo(cands, rows, y, gold, zeroed(prior, part=part), use_parts=rest)
            m0 = metrics(offline_ranking(cands, QuoteRanker(weights=zeroed(shipped, part=part)).score(rows)), gold)
            ablation[f"part:{part}"] = {"lofo": m, "default_weights": m0}
        no_safety = [dict(r, safety=1.0) for r in rows]
        ablation["part:safety"] = {"default_weights": metrics(
            offline_ranking(cands, QuoteRanker(weights=shipped).score(no_safety)), gold)}
        for feat in FEATURES:
            rest = tuple(f for f in FEATURES if f != feat)
            m = lofo(cands, rows, y, gold, zeroed(prior, feature=feat), features=rest)
            ablation[f"feature:{feat}"] = {"lofo": m}
        out["ablation"] = ablation
        if fit:
            mask = y >= 0
            rk = QuoteRanker(weights=prior).fit([rows[i] for i in np.where(mask)[0]], y[mask])
            out["fitted_on_all"] = {"weights": {"quotability": rk.weights_.quotability, "top": rk.weights_.top},
                                    "in_sample": metrics(offline_ranking(cands, rk.score(rows)), gold)}
        # learning from reviewers: from the defaults, and from a cold start (every weight equal)
        cold = Weights({"intercept": -7.5, **{f: 1.0 for f in FEATURES}},
                       {"intercept": -3.0, "theme": 2.0, "quotability": 2.0, "representativeness": 2.0})
        t2 = time.perf_counter()
        out["reviewers_from_defaults"] = learning_table(ws, gold, shipped)
        out["reviewers_cold_start"] = learning_table(ws, gold, cold, counts=())
        out["reviewers_seconds"] = round(time.perf_counter() - t2, 1)
        out["seconds_total"] = round(time.perf_counter() - t0, 1)
        ws.close()
    return out


def _fmt(m: dict | None) -> str:
    if not m or m.get("precision_at_k") is None:
        return "n/a"
    return f"P@k {m['precision_at_k']:.2f} / R@2k {m['recall_at_2k']:.2f}"


def markdown(results: list[dict]) -> str:
    lines = ["# Quote mining benchmark", "",
             "Generated by `benchmarks/quotes.py`. k = number of publishable (consented) gold quotes; a quote is "
             "found when a candidate of the same file covers more than half of its words. Targets: P@k >= 0.70, "
             "R@2k >= 0.90, zero identifiers, zero non-consented candidates.", ""]
    for r in results:
        lines += [f"## {r['data']}", "",
                  f"- units: {r['units']}, k = {r['k']} publishable quotes, {r['non_consented_gold']} non-consented gold quotes",
                  "- stages: " + "; ".join(f"{k}: {v}" for k, v in r["stages"].items()),
                  f"- quotes stage: {r['quotes_stage']['quotes']} stored from {r['quotes_stage']['candidates']} candidates "
                  f"in {r['quotes_stage']['seconds']} s; missing inputs: {r['quotes_stage'].get('missing') or 'none'}",
                  "", "| ranking | P@k | R@2k |", "|---|---|---|"]

        def row(name, m):
            if m and m.get("precision_at_k") is not None:
                lines.append(f"| {name} | {m['precision_at_k']:.3f} | {m['recall_at_2k']:.3f} |")

        row("**pipeline (`copquotes quotes`, shipped weights)**", r["pipeline"])
        row("shipped weights, offline emulation", r["default_weights"])
        row("hand-set prior weights (before fitting)", r["hand_prior_weights"])
        row("refit leave-one-file-out", r["lofo_fitted"])
        if "fitted_on_all" in r:
            row("refit on all (in-sample)", r["fitted_on_all"]["in_sample"])
        lines += ["", "Per file (pipeline):", "", "| file | k | P@k | R@2k |", "|---|---|---|---|"]
        for f, m in r["pipeline_by_file"].items():
            if m.get("k"):
                lines.append(f"| {f} | {m['k']} | {m['precision_at_k']:.2f} | {m['recall_at_2k']:.2f} |")
        s = r["safety"]
        lines += ["", "Safety:", "",
                  f"- candidates matching a non-consented gold quote: **{s['candidates_matching_non_consented_gold']}**",
                  f"- stored quotes from units without quote consent: **{s['quotes_from_units_without_consent']}**; "
                  f"from facilitators: {s['quotes_from_facilitators']}",
                  f"- candidates whose shown text holds an identifier: **{s['candidates_with_identifier']}** of "
                  f"{s['quotes']} ({s['top_2k_with_identifier']} in the top 2k; {s['identifier_terms_checked']} terms checked)",
                  "", "Ablation (each part / feature removed, weights refit leave-one-file-out; "
                  "`default` = shipped weights with that weight set to 0):", "",
                  "| removed | LOFO P@k | LOFO R@2k | default P@k | default R@2k |", "|---|---|---|---|---|"]
        for name, m in r["ablation"].items():
            lo, de = m.get("lofo") or {}, m.get("default_weights") or {}
            lines.append(f"| {name} | {lo.get('precision_at_k', '')} | {lo.get('recall_at_2k', '')} | "
                         f"{de.get('precision_at_k', '')} | {de.get('recall_at_2k', '')} |")
        lines += learning_markdown(r)
        lines.append("")
    return "\n".join(lines)


def learning_markdown(r: dict) -> list[str]:
    """The learning-from-reviewers tables of one result."""
    lines = ["", "### Learning from reviewers", "",
             "Decisions (approve a quote matching a publishable gold quote, reject the others) on the first N "
             "quotes of half A's shortlist, through the review API; then the quotes are re-ranked "
             "(`copquotes/quotes/learning.py`: a correction to the shipped score over the quote's parts and the "
             "leading principal components of its embedding, learned from the decisions, adopted only when it "
             "beats the shipped ranking on held-out folds of the decisions). Measured on "
             "the unreviewed half B: before = the ranking as shipped, after = after re-ranking. Each seed is "
             "another split of the units into halves. `*` = the learned ranking was adopted.", ""]
    for key, title in (("reviewers_from_defaults", "from the shipped weights"),
                       ("reviewers_cold_start", "from a cold start (all weights equal)")):
        table = r.get(key) or {}
        if not table:
            continue
        lines += [f"{title[0].upper()}{title[1:]}:", "",
                  "| decisions | seed | approved / rejected | P@k before | P@k after | R@2k before | R@2k after |",
                  "|---|---|---|---|---|---|---|"]
        for n, block in table.items():
            label = "top 2k of A" if n == "top_2k_of_A" else n
            for run in block["runs"]:
                b, a, d = run["held_out_half"]["before"], run["held_out_half"]["after"], run["decisions"]
                star = "*" if run["learning"]["adopted"] else ""
                lines.append(f"| {label} ({d['n']}) | {run['seed']} | {d['approved']} / {d['rejected']} | "
                             f"{b['precision_at_k']:.3f} | {a['precision_at_k']:.3f}{star} | "
                             f"{b['recall_at_2k']:.3f} | {a['recall_at_2k']:.3f} |")
            m = block["mean"]
            lines.append(f"| **{label}: mean** | | adopted {m['adopted']} of {len(block['runs'])} | "
                         f"**{m['before_precision_at_k']:.3f}** | **{m['after_precision_at_k']:.3f}** | "
                         f"{m['before_recall_at_2k']:.3f} | {m['after_recall_at_2k']:.3f} |")
        runs = [(n, run) for n, block in table.items() for run in block["runs"]]
        worse = [f"{'top 2k' if n == 'top_2k_of_A' else n} seed {run['seed']}" for n, run in runs
                 if run["held_out_half"]["after"]["precision_at_k"] < run["held_out_half"]["before"]["precision_at_k"]]
        lines += ["", f"P@k after < before in {len(worse)} of {len(runs)} runs"
                  + (f": {', '.join(worse)}." if worse else ".")]
        lines.append("")
    if r.get("reviewers_seconds") is not None:
        lines.append(f"All learning runs: {r['reviewers_seconds']} s. Re-ranked by `learning.rerank` (what the "
                     "app runs in the background); the top-2k rows by a quotes stage re-run (which ends with it).")
    run = r.get("learning_run")
    if run:
        lines.append(f"This section: `{run['command']}` on {run['at']} ({run['seconds']} s, load average "
                     f"{run['load_average']:.1f}); the sections above are from the last full run.")
    return lines


def learning_only(data_dir: Path, out_dir: Path, argv: list[str]) -> dict:
    """Only the learning-from-reviewers part (a fresh workspace of ``data_dir``, the stage, the
    learning tables), merged into ``out_dir/quotes.json`` for that data folder; ``quotes.md``
    is written again from the merged results."""
    gold = load_gold(data_dir / "gold.jsonl")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cq-quotes-bench-") as tmp:
        ws, stages = build_workspace(data_dir, Path(tmp) / "ws")
        qs.run(ws, progress=False)
        cold = Weights({"intercept": -7.5, **{f: 1.0 for f in FEATURES}},
                       {"intercept": -3.0, "theme": 2.0, "quotability": 2.0, "representativeness": 2.0})
        t2 = time.perf_counter()
        part = {"reviewers_from_defaults": learning_table(ws, gold, Weights.default()),
                "reviewers_cold_start": learning_table(ws, gold, cold, counts=(), seeds=SEEDS[:3]),
                "reviewers_seconds": round(time.perf_counter() - t2, 1),
                "learning_run": {"command": "benchmarks/quotes.py " + " ".join(argv),
                                 "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                 "seconds": None, "load_average": os.getloadavg()[0]}}
        ws.close()
    part["learning_run"]["seconds"] = round(time.perf_counter() - t0, 1)
    return part


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", action="append", help="folder with exports, roster, manifest and gold.jsonl")
    ap.add_argument("--fit", action="store_true", help="also fit weights on all candidates and print them")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results"))
    ap.add_argument("--learning-only", action="store_true",
                    help="run only the learning-from-reviewers tables and merge them into the results")
    args = ap.parse_args(argv)
    dirs = [Path(d).resolve() for d in (args.data or [DEFAULT_DATA])]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.learning_only:
        results = json.loads((out / "quotes.json").read_text(encoding="utf-8"))
        for d in dirs:
            name = str(d.relative_to(REPO) if d.is_relative_to(REPO) else d)
            r = next(x for x in results if x["data"] == name)
            r.update(learning_only(d, out, sys.argv[1:] if argv is None else argv))
        (out / "quotes.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        (out / "quotes.md").write_text(markdown(results), encoding="utf-8")
        for r in results:
            print("\n".join(learning_markdown(r)))
        return 0
    results = [evaluate(d, args.fit) for d in dirs]
    (out / "quotes.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    (out / "quotes.md").write_text(markdown(results), encoding="utf-8")
    for r in results:
        print(f"{r['data']}: pipeline {_fmt(r['pipeline'])}; LOFO {_fmt(r['lofo_fitted'])}; "
              f"non-consented {r['safety']['candidates_matching_non_consented_gold']}, "
              f"identifiers {r['safety']['candidates_with_identifier']}; stages {r['stages']}")
        if "fitted_on_all" in r:
            print(json.dumps(r["fitted_on_all"]["weights"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
