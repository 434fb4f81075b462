"""Theme-tagging benchmark of what ships: writes benchmarks/results/tagging.json and tagging.md.

Sections (run all, or pick with --only):
  labelled      zero-shot from the default codebook on corpus/labelled/tags.jsonl (dev) and
                tags_heldout_style.jsonl (proxy for the maintainers' held-out published quotes)
  pxtextmining  NHS FFT comments ($COPQUOTES_BENCH_DATA/pxtextmining, v6 file): rows with text, not
                "Did not answer", not "Labelling not possible" only; themes with >= 50
                positives; 80/20 split (random_state=42); ThemeTagger trained on the 80 with the
                supervised options it ships (calibrated linear SVM per theme over embeddings + word
                and char TF-IDF, one global threshold) beside TF-IDF + LinearSVC one-vs-rest on the
                same split; micro/macro/samples F1 (~1 minute)
  sight         SIGHT ($COPQUOTES_BENCH_DATA/sight), zero-shot from its codebook
                (benchmarks/codebooks/sight.yaml), Cohen's kappa against each human coder on
                the validation + test rows, beside the published human-human and GPT-3.5 kappas
  throughput    tagging speed with embeddings cached (units/s)
  quantisation  fp32 vs int8 (torch dynamic quantisation) embedding speed and tagging F1

The research path (encoders fine-tuned beside the SVM, copquotes.experimental, hours of CPU) is
benchmarks/research/tagging_px.py; docs/research/tagging-log.md has its rounds and figures.

Usage: .venv/bin/python benchmarks/tagging.py [--only labelled,sight] [--cache-dir DIR]
The embedding cache (default ~/.cache/copquotes/embeddings) makes repeated runs fast.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copquotes.embed import Embedder  # noqa: E402
from copquotes.evaluate.tags import MISSION_THEMES, cohen_kappa, read_gold, score_predictions, to_matrix  # noqa: E402
from copquotes.themes import Codebook, ThemeTagger  # noqa: E402

from benchmarks import bench_data  # noqa: E402

DATA = bench_data.path()  # $COPQUOTES_BENCH_DATA (benchmarks/README.md)
RESULTS = REPO / "benchmarks" / "results"
PX_FILE = DATA / "pxtextmining" / "v6framework_230831.csv"
SIGHT_FILE = DATA / "sight" / "sight_human_annotated_289.csv"
SIGHT_PUBLISHED = {  # the SIGHT repository's results/*_IRR.txt: H1-H2, GPT-3.5 zero-shot, k-shot
    "general": (0.754, 0.476, 0.501), "confusion": (0.910, 0.724, 0.689), "pedagogy": (0.787, 0.346, 0.524),
    "setup": (0.951, 0.845, 0.748), "gratitude": (0.922, 0.919, 0.850),
    "personal_experience": (0.743, 0.325, 0.574), "clarification": (0.830, 0.484, 0.162),
    "non_english": (0.937, 0.870, 0.642), "na": (0.737, 0.650, 0.499),
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- (a) labelled set
def bench_labelled(embedder) -> dict:
    cb = Codebook.load()
    out = {}
    t0 = time.perf_counter()
    tagger = ThemeTagger(codebook=cb, embedder=embedder).fit()
    out["fit_seconds"] = round(time.perf_counter() - t0, 2)
    out["params"] = {k: v for k, v in tagger.get_params().items() if k not in ("embedder", "codebook")}
    for name, fname in [("tags", "tags.jsonl"), ("tags_heldout_style", "tags_heldout_style.jsonl")]:
        path = REPO / "corpus" / "labelled" / fname
        if not path.exists():
            log(f"skip {fname}: not found")
            continue
        texts, labels, acc = read_gold(path, cb.ids)
        Y, A = to_matrix(labels, cb.ids), to_matrix(acc, cb.ids)
        r = score_predictions(Y, tagger.predict(texts), cb.ids, A)
        # the plain-prototype baseline (cosine to theme centroids), same codebook
        proto = ThemeTagger(codebook=cb, embedder=embedder, method="prototype", lexicon=False,
                            base_threshold=0.5).fit()
        rp = score_predictions(Y, proto.predict(texts), cb.ids, A)
        # ablation: the same tagger without the nearest-example blend (logistic regression + cues only)
        lr_only = ThemeTagger(codebook=cb, embedder=embedder, knn_weight=0.0).fit()
        rl = score_predictions(Y, lr_only.predict(texts), cb.ids, A)
        out[name] = {"n": len(texts), "mission": r["mission"], "all": {k: r[k] for k in ("micro_f1", "macro_f1")},
                     "per_theme": {t: {k: m[k] for k in ("precision", "recall", "f1", "kappa", "support")}
                                   for t, m in r["per_theme"].items()},
                     "prototype_baseline": {"mission_micro_f1": rp["mission"]["micro_f1"],
                                            "micro_f1": rp["micro_f1"]},
                     "without_knn": {"mission_micro_f1": rl["mission"]["micro_f1"], "micro_f1": rl["micro_f1"],
                                     "macro_f1": rl["macro_f1"]}}
        log(f"{name}: mission micro-F1 {r['mission']['micro_f1']:.3f}, all micro-F1 {r['micro_f1']:.3f}")
    return out


# --------------------------------------------------------------------------- (b) pxtextmining
def load_px():
    import pandas as pd

    df = pd.read_csv(bench_data.require(PX_FILE, "the pxtextmining benchmark"))
    cols = list(df.columns)
    label_cols = cols[cols.index("Not assigned"):]
    df = df[df["FFT answer"].notna()].copy()
    df["text"] = df["FFT answer"].astype(str).str.strip()
    df = df[(df["text"] != "") & (df["text"].str.lower() != "did not answer")]
    L = df[label_cols].fillna(0).astype(float).clip(0, 1).astype(int)
    lnp_only = (L["Labelling not possible"] == 1) & (L.drop(columns=["Labelling not possible"]).sum(axis=1) == 0)
    df, L = df[~lnp_only], L[~lnp_only]
    keep = [c for c in label_cols if L[c].sum() >= 50]
    return df["text"].tolist(), L[keep].to_numpy(), keep


SVM_METHOD = "SVM(embeddings + word & char TF-IDF), Platt-calibrated, one global threshold"
SVM_CONFIG = dict(tfidf=True, char_ngrams=True, head="svc", C=0.25, class_weight=None, threshold="global")
SVM_NAME = "ours: " + SVM_METHOD + " (ThemeTagger, round 4)"


def _px_tagger(themes, embedder, cfg):
    cb = Codebook.from_labels(themes, name="pxtextmining-v6")
    return ThemeTagger(codebook=cb, embedder=embedder, lexicon=False, pooling="unit", codebook_weight=0.0, **cfg)


def bench_px(embedder) -> dict:
    """The 80/20 pxtextmining benchmark: TF-IDF + LinearSVC, then the shipped ThemeTagger's
    supervised method (chosen by CV on the training split in round 4, docs/research/tagging-log.md)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import LinearSVC

    texts, Y, themes = load_px()
    tr, te = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=42)
    Xtr, Xte = [texts[i] for i in tr], [texts[i] for i in te]
    log(f"pxtextmining: {len(texts)} rows, {len(themes)} themes, train {len(tr)}, test {len(te)}")

    def scores(P):
        return {"micro_f1": round(f1_score(Y[te], P, average="micro", zero_division=0), 4),
                "macro_f1": round(f1_score(Y[te], P, average="macro", zero_division=0), 4),
                "samples_f1": round(f1_score(Y[te], P, average="samples", zero_division=0), 4)}

    out = {"n_rows": len(texts), "n_train": len(tr), "n_test": len(te), "themes": themes}
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    svc = OneVsRestClassifier(LinearSVC(random_state=0)).fit(vec.fit_transform(Xtr), Y[tr])
    out["tfidf_linearsvc"] = {**scores(svc.predict(vec.transform(Xte))), "seconds": round(time.perf_counter() - t0, 1)}
    log("tfidf+linearsvc", out["tfidf_linearsvc"])
    embedder.encode(texts, progress=True)  # once, cached
    t0 = time.perf_counter()
    tagger = _px_tagger(themes, embedder, SVM_CONFIG).fit(Xtr, Y[tr])
    fit_s = time.perf_counter() - t0
    out[SVM_NAME] = {**scores(tagger.predict(Xte)), "seconds": round(time.perf_counter() - t0, 1),
                     "fit_seconds": round(fit_s, 1), "params": SVM_CONFIG}
    log(SVM_NAME, out[SVM_NAME])
    out["beats_tfidf_linearsvc"] = out[SVM_NAME]["micro_f1"] > out["tfidf_linearsvc"]["micro_f1"]
    return out


# --------------------------------------------------------------------------- (c) SIGHT
def bench_sight(embedder) -> dict:
    import pandas as pd

    df = pd.read_csv(bench_data.require(SIGHT_FILE, "the SIGHT benchmark"))
    df = df[df["datasplit"].isin(["validation", "test"])]
    cb = Codebook.load(REPO / "benchmarks" / "codebooks" / "sight.yaml")
    tagger = ThemeTagger(codebook=cb, embedder=embedder).fit()
    texts = df["comment"].astype(str).tolist()
    P = tagger.predict(texts)
    out = {"n": len(texts), "per_category": {}}
    ks = []
    for j, cat in enumerate(cb.ids):
        h1 = df[f"annotator_H1_{cat}"].fillna(0).astype(int).to_numpy()
        h2 = df[f"annotator_H2_{cat}"].fillna(0).astype(int).to_numpy()
        k1, k2 = cohen_kappa(h1, P[:, j]), cohen_kappa(h2, P[:, j])
        hh = cohen_kappa(h1, h2)
        pub = SIGHT_PUBLISHED.get(cat, (None, None, None))
        out["per_category"][cat] = {
            "kappa_vs_H1": round(k1, 3), "kappa_vs_H2": round(k2, 3), "kappa_avg": round((k1 + k2) / 2, 3),
            "H1_H2_here": round(hh, 3), "published_H1_H2": pub[0], "published_gpt35_zero_shot": pub[1],
            "published_gpt35_k_shot": pub[2], "positives_H1": int(h1.sum()), "predicted": int(P[:, j].sum())}
        ks.append((k1 + k2) / 2)
    out["mean_kappa_avg"] = round(float(np.mean(ks)), 3)
    out["mean_published_gpt35_zero_shot"] = round(float(np.mean([v[1] for v in SIGHT_PUBLISHED.values()])), 3)
    log("sight mean kappa", out["mean_kappa_avg"])
    return out


# --------------------------------------------------------------------------- throughput
def bench_throughput(embedder) -> dict:
    texts, _, _ = load_px()
    tagger = ThemeTagger(embedder=embedder).fit()
    tagger.predict_proba(texts)  # warm: every unit and sentence in the cache
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        tagger.tag(texts)
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    out = {"units": len(texts), "seconds_median": round(float(np.median(runs)), 3),
           "units_per_s": round(len(texts) / float(np.median(runs)), 1), "units_per_s_best": round(len(texts) / best, 1),
           "target_units_per_s": 2000}
    log("throughput", out)
    return out


# --------------------------------------------------------------------------- quantisation
def bench_quantisation(cache_dir) -> dict:
    texts, _, _ = load_px()
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(1500, len(texts)), replace=False)]
    out = {}
    vecs = {}
    for prec in ("fp32", "int8"):
        e = Embedder(cache_dir=None, precision=prec)
        e.encode(sample[:64])  # load the model
        e.clear_memory()
        t0 = time.perf_counter()
        vecs[prec] = e.encode(sample)
        dt = time.perf_counter() - t0
        out[prec] = {"texts_per_s": round(len(sample) / dt, 1)}
        cached = Embedder(cache_dir=cache_dir, precision=prec)
        cb = Codebook.load()
        tagger = ThemeTagger(codebook=cb, embedder=cached).fit()
        for name in ("tags.jsonl", "tags_heldout_style.jsonl"):
            gt, gl, ga = read_gold(REPO / "corpus" / "labelled" / name, cb.ids)
            r = score_predictions(to_matrix(gl, cb.ids), tagger.predict(gt), cb.ids, to_matrix(ga, cb.ids))
            out[prec][name] = {"mission_micro_f1": r["mission"]["micro_f1"], "micro_f1": r["micro_f1"]}
        log(prec, out[prec])
    cos = np.sum(vecs["fp32"] * vecs["int8"], axis=1)
    out["cosine_int8_vs_fp32"] = {"mean": round(float(cos.mean()), 4), "min": round(float(cos.min()), 4)}
    out["speedup"] = round(out["int8"]["texts_per_s"] / out["fp32"]["texts_per_s"], 2)
    drops = [out["fp32"][n]["micro_f1"] - out["int8"][n]["micro_f1"] for n in ("tags.jsonl", "tags_heldout_style.jsonl")]
    out["f1_drop_max"] = round(float(max(drops)), 4)
    out["int8_passes"] = bool(out["f1_drop_max"] <= 0.01)
    return out


# --------------------------------------------------------------------------- report
def markdown(res: dict) -> str:
    md = ["# Theme tagging benchmark", "",
          f"Run {res['meta']['date']} on {res['meta']['machine']}; `python benchmarks/tagging.py`; last invocation: "
          f"sections {', '.join(res['meta'].get('sections_run', []))}; load average (1/5/15 min) at start "
          f"{res['meta'].get('load_average_start')}, at end {res['meta'].get('load_average_end')} (2 shared cores).", ""]
    def when(section):
        runs = res.get(section, {}).get("runs", {})
        return [f"Measured: " + "; ".join(
            f"`--only {k}` {r['date']}, {r['seconds']} s, load average (1/5/15 min) {r['load_average_start']} "
            f"at start, {r['load_average_end']} at end" for k, r in runs.items()) + ".", ""] if runs else []

    if "labelled" in res:
        L = res["labelled"]
        md += ["## (a) Labelled sets, zero-shot from the default codebook", "", *when("labelled"),
               "| set | n | mission micro-F1 | mission macro-F1 | all-theme micro-F1 | all-theme macro-F1 | prototype baseline (mission / all) | without the kNN blend (mission / all) |",
               "|---|---|---|---|---|---|---|---|"]
        for name in ("tags", "tags_heldout_style"):
            if name in L:
                r = L[name]
                md.append(f"| {name} | {r['n']} | {r['mission']['micro_f1']:.3f} | {r['mission']['macro_f1']:.3f} | "
                          f"{r['all']['micro_f1']:.3f} | {r['all']['macro_f1']:.3f} | "
                          f"{r['prototype_baseline']['mission_micro_f1']:.3f} / {r['prototype_baseline']['micro_f1']:.3f} | "
                          + (f"{r['without_knn']['mission_micro_f1']:.3f} / {r['without_knn']['micro_f1']:.3f} |"
                             if "without_knn" in r else "- |"))
        md += ["", "Target: mission micro-F1 >= 0.85. What was tried and what each scored: docs/research/tagging-log.md.", "",
               "Per theme (tags.jsonl / tags_heldout_style.jsonl F1):", "",
               "| theme | P | R | F1 | kappa | support | held-out-style F1 |", "|---|---|---|---|---|---|---|"]
        if "tags" in L:
            for t, m in L["tags"]["per_theme"].items():
                h = L.get("tags_heldout_style", {}).get("per_theme", {}).get(t, {})
                md.append(f"| {t} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['kappa']:.3f} | "
                          f"{m['support']} | {h.get('f1', float('nan')):.3f} |")
        md.append("")
    if "pxtextmining" in res and "n_rows" in res["pxtextmining"]:
        P = res["pxtextmining"]
        md += ["## (b) pxtextmining (v6 file, 80/20 split, random_state=42)", "", *when("pxtextmining"),
               f"{P['n_rows']} rows, {len(P['themes'])} themes with >= 50 positives; train {P['n_train']}, test {P['n_test']}.", "",
               "| model | micro-F1 | macro-F1 | samples-F1 | seconds |", "|---|---|---|---|---|"]
        for k, v in P.items():
            if isinstance(v, dict) and "micro_f1" in v and k != "target":
                md.append(f"| {k} | {v['micro_f1']:.3f} | {v['macro_f1']:.3f} | {v['samples_f1']:.3f} | "
                          f"{v.get('seconds', '')} |")
        md += ["", "Target: micro-F1 >= 0.77 (pxtextmining's published ensemble, on its own 32-category data) "
               "and above TF-IDF + LinearSVC. The fine-tuned research path and its figures: "
               "docs/research/tagging-log.md.", ""]
    if "sight" in res:
        S = res["sight"]
        md += ["## (c) SIGHT, zero-shot from its codebook (validation + test rows)", "", *when("sight"),
               f"n = {S['n']}. Cohen's kappa.", "",
               "| category | ours vs H1 | ours vs H2 | ours avg | H1-H2 (here) | H1-H2 published | GPT-3.5 zero-shot | GPT-3.5 k-shot |",
               "|---|---|---|---|---|---|---|---|"]
        for c, m in S["per_category"].items():
            md.append(f"| {c} | {m['kappa_vs_H1']:.3f} | {m['kappa_vs_H2']:.3f} | {m['kappa_avg']:.3f} | {m['H1_H2_here']:.3f} | "
                      f"{m['published_H1_H2']} | {m['published_gpt35_zero_shot']} | {m['published_gpt35_k_shot']} |")
        md += ["", f"Mean: ours {S['mean_kappa_avg']:.3f}, GPT-3.5 zero-shot {S['mean_published_gpt35_zero_shot']:.3f} "
               "(published figures are on the repository's own sample, not necessarily these rows).", ""]
    if "throughput" in res:
        T = res["throughput"]
        md += ["## Throughput (embeddings cached)", "", *when("throughput"),
               f"{T['units']} pxtextmining comments tagged (units + sentences, max-pooled): "
               f"{T['units_per_s']:.0f} units/s (median of 3; best {T['units_per_s_best']:.0f}). Target >= 2,000.", ""]
    if "quantisation" in res:
        Q = res["quantisation"]
        md += ["## fp32 vs int8 embeddings", "", *when("quantisation"),
               "| precision | texts/s (uncached) | tags mission / all micro-F1 | held-out-style mission / all micro-F1 |",
               "|---|---|---|---|"]
        for p in ("fp32", "int8"):
            q = Q[p]
            md.append(f"| {p} | {q['texts_per_s']:.0f} | {q['tags.jsonl']['mission_micro_f1']:.3f} / {q['tags.jsonl']['micro_f1']:.3f} | "
                      f"{q['tags_heldout_style.jsonl']['mission_micro_f1']:.3f} / {q['tags_heldout_style.jsonl']['micro_f1']:.3f} |")
        md += ["", f"Speed-up {Q['speedup']}x; cosine int8 vs fp32 mean {Q['cosine_int8_vs_fp32']['mean']}, "
               f"min {Q['cosine_int8_vs_fp32']['min']}; largest all-theme micro-F1 drop {Q['f1_drop_max']} "
               f"(int8 {'passes' if Q['int8_passes'] else 'fails'} the 0.01 rule).", ""]
    return "\n".join(md)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="labelled,pxtextmining,sight,throughput,quantisation")
    ap.add_argument("--cache-dir", default=os.path.expanduser("~/.cache/copquotes/embeddings"))
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "tagging.json"
    res = json.loads(json_path.read_text()) if json_path.exists() else {}
    res["meta"] = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                   "python": platform.python_version(), "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    from copquotes.embed import DEFAULT_PRECISION
    res["meta"]["embedding_precision_default"] = DEFAULT_PRECISION
    embedder = Embedder(cache_dir=args.cache_dir)
    t0 = time.perf_counter()
    for name in only:
        t = time.perf_counter()
        run_meta = {"date": time.strftime("%Y-%m-%d %H:%M"),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()]}
        if name == "labelled":
            res["labelled"] = bench_labelled(embedder)
        elif name == "pxtextmining":
            res["pxtextmining"] = bench_px(embedder)
        elif name == "sight":
            res["sight"] = bench_sight(embedder)
        elif name == "throughput":
            res["throughput"] = bench_throughput(embedder)
        elif name == "quantisation":
            res["quantisation"] = bench_quantisation(args.cache_dir)
        else:
            ap.error(f"unknown section {name!r}")
        run_meta.update(seconds=round(time.perf_counter() - t, 1),
                        load_average_end=[round(x, 2) for x in os.getloadavg()])
        res[name].setdefault("runs", {})[name] = run_meta
        log(f"{name} done in {time.perf_counter() - t:.1f}s")
    res["meta"]["seconds"] = round(time.perf_counter() - t0, 1)
    res["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    res["meta"]["sections_run"] = only
    # paths under the home folder are recorded as ~/..., never as one machine's folder
    json_path.write_text(json.dumps(res, indent=2, default=float).replace(str(Path.home()) + "/", "~/"))
    (out_dir / "tagging.md").write_text(markdown(res))
    log(f"wrote {json_path} and {out_dir / 'tagging.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
