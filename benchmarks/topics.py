"""Benchmark of the topics stage on real feedback text (pxtextmining), beside two references.

Usage (from the repository root)::

    .venv/bin/python benchmarks/topics.py            # full run, ~10 minutes on 2 cores
    .venv/bin/python benchmarks/topics.py --quick    # 1,500 texts, no sentence variant

Writes ``benchmarks/results/topics.json`` and ``benchmarks/results/topics.md``.

Data: ``$COPQUOTES_BENCH_DATA/pxtextmining/v6framework_230831.csv`` (NHS patient feedback,
multi-label against the v6 framework), read in place, never copied. Protocol of its
README: drop rows without text, "Did not answer", and rows whose only label is
"Labelling not possible" (6,217 texts remain). Multi-label texts are scored against
their **primary label: the first label column (in the file's column order) marked 1**;
NMI on the single-label rows alone is reported too.

Methods, each run in its own fresh Python process, one after the other (wall time and
peak RSS of that process; import time reported apart):

* ``copquotes, first run after install``: an empty numba cache folder and an empty
  embedding cache: ``Embedder.encode`` (every text embedded) + ``TopicModel().fit``,
  compiling UMAP's numba code into the cache (once per installation).
* ``copquotes (cold)``: a new, empty embedding cache (every text embedded again), numba's
  cache as the first run left it: the per-run cost on new input. Compared with BERTopic.
* ``copquotes (warm)``: the same input again: nothing embedded. Must give the same
  topics as the cold run (and the cold run the same as the first).
* ``BERTopic out of the box``: ``BERTopic(embedding_model=SentenceTransformer(<local
  all-MiniLM-L6-v2>, device="cpu")).fit_transform(texts)``: embed + fit, defaults
  otherwise (its UMAP has no seed, so it uses both cores and is not reproducible).
* ``KMeans``: scikit-learn KMeans on the same (cached) embeddings with k = our topic
  count, keywords by the same c-TF-IDF as ours (BERTopic with KMeans as its clusterer
  and no reduction), so only the clustering differs.
* ``copquotes on sentences``: the same model fitted on sentences (``copquotes.text``
  sentence spans; extra sentences embedded), each text given the topic that covers most
  of its words: the units-vs-sentences decision.

Metrics: NMI and ARI against the primary label (outliers -1 count as one cluster),
NPMI coherence of the top-10 keyword words with document co-occurrence over the 6,217
texts (:mod:`copquotes.topics.metrics`), topic diversity (unique share of the top-10
words of all topics), number of topics, outlier share, seconds, peak memory.

Also a ~200-unit check (the maintainers' target: >= 3 topics, < 40% outliers, the same
assignment on a re-run) on 200 pxtextmining texts and on 200 texts of the project's
labelled CoP set ``corpus/labelled/tags.jsonl``.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_data  # noqa: E402

DATA = bench_data.path("pxtextmining", "v6framework_230831.csv")
TAGS = ROOT / "corpus" / "labelled" / "tags.jsonl"
META_COLUMNS = ["Comment ID", "Trust", "Respondent ID", "Date", "Service type 1", "Service type 2",
                "FFT categorical answer", "FFT question", "FFT answer", "Person identifiable info?",
                "Comment sentiment"]


# ----------------------------------------------------------------------------- data
def load_pxtextmining(limit: int | None = None):
    """Texts, primary labels and label counts per text, by the README's protocol."""
    import pandas as pd

    bench_data.require(DATA, "the topics benchmark (pxtextmining)")
    df = pd.read_csv(DATA)
    label_cols = [c for c in df.columns if c not in META_COLUMNS]
    df = df[df["FFT answer"].notna()]
    df = df[df["FFT answer"].astype(str).str.strip().str.lower() != "did not answer"]
    lab = df[label_cols].fillna(0).astype(float) > 0
    only_lnp = lab["Labelling not possible"] & (lab.sum(axis=1) == 1)
    df, lab = df[~only_lnp].reset_index(drop=True), lab[~only_lnp].reset_index(drop=True)
    if limit:
        df, lab = df.iloc[:limit].reset_index(drop=True), lab.iloc[:limit].reset_index(drop=True)
    texts = df["FFT answer"].astype(str).tolist()
    primary = [label_cols[i] for i in lab.values.argmax(axis=1)]   # first column marked 1
    n_labels = lab.sum(axis=1).astype(int).tolist()
    return texts, primary, n_labels


def load_tags():
    rows = [json.loads(line) for line in TAGS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ----------------------------------------------------------------------------- children
def child(method: str, work: Path, limit: int | None, k: int | None) -> dict:
    t_import = time.perf_counter()
    texts, _, _ = load_pxtextmining(limit)
    out: dict = {"method": method}
    if method in ("ours_first", "ours_cold", "ours_warm"):
        from copquotes.embed import Embedder
        from copquotes.topics import TopicModel
        from copquotes.topics.model import preload

        preload()          # imports BERTopic/UMAP/HDBSCAN, as the reference imports BERTopic before its clock
        out["import_s"] = time.perf_counter() - t_import
        t0 = time.perf_counter()
        emb = Embedder(cache_dir=work / ("embeddings-first" if method == "ours_first" else "embeddings"))
        E = emb.encode(texts)
        t1 = time.perf_counter()
        model = TopicModel().fit(texts, E)
        t2 = time.perf_counter()
        out.update(embed_s=t1 - t0, fit_s=t2 - t1, seconds=t2 - t0, n_embedded=emb.n_computed_,
                   n_from_cache=emb.n_cached_, embedding_model=emb.key, topics=model.topics_.tolist(),
                   keywords={str(t): v for t, v in model.keywords_.items()},
                   labels={str(t): v for t, v in model.labels_.items()}, params=model.params_,
                   fit_timings=model.timings_, n_clusters_found=model.n_clusters_found_)
    elif method == "bertopic":
        from bertopic import BERTopic
        from sentence_transformers import SentenceTransformer

        from copquotes.resources import embedding_model_path

        out["import_s"] = time.perf_counter() - t_import
        t0 = time.perf_counter()
        st = SentenceTransformer(embedding_model_path(), device="cpu")
        bt = BERTopic(embedding_model=st)
        topics, _ = bt.fit_transform(texts)
        t2 = time.perf_counter()
        out.update(seconds=t2 - t0, topics=[int(t) for t in topics],
                   keywords={str(t): [w for w, _ in (bt.get_topic(t) or []) if w] for t in sorted(set(topics))})
    elif method == "kmeans":
        from bertopic import BERTopic
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.cluster import KMeans

        from copquotes.embed import Embedder
        from copquotes.topics import TopicModel
        from copquotes.topics.model import clean_for_keywords

        out["import_s"] = time.perf_counter() - t_import
        t0 = time.perf_counter()
        emb = Embedder(cache_dir=work / "embeddings")
        E = emb.encode(texts)
        t1 = time.perf_counter()
        bt = BERTopic(embedding_model=None, umap_model=BaseDimensionalityReduction(),
                      hdbscan_model=KMeans(n_clusters=k, random_state=42, n_init=4),
                      vectorizer_model=TopicModel()._vectorizer(),
                      ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True))
        topics, _ = bt.fit_transform([clean_for_keywords(t) for t in texts], embeddings=E)
        t2 = time.perf_counter()
        out.update(embed_s=t1 - t0, fit_s=t2 - t1, seconds=t2 - t0, n_embedded=emb.n_computed_,
                   topics=[int(t) for t in topics],
                   keywords={str(t): [w for w, _ in (bt.get_topic(t) or []) if w] for t in sorted(set(topics))})
    elif method == "sentences":
        from copquotes.embed import Embedder
        from copquotes.text import sentence_spans, word_count
        from copquotes.topics import TopicModel

        out["import_s"] = time.perf_counter() - t_import
        t0 = time.perf_counter()
        sents, owner = [], []
        for i, t in enumerate(texts):
            for s, e in sentence_spans(t) or [(0, len(t))]:
                sents.append(t[s:e])
                owner.append(i)
        emb = Embedder(cache_dir=work / "embeddings")
        E = emb.encode(sents)
        t1 = time.perf_counter()
        model = TopicModel().fit(sents, E)
        unit_topics = []
        by_unit: dict[int, dict[int, int]] = {}
        for j, (i, t) in enumerate(zip(owner, model.topics_.tolist())):
            by_unit.setdefault(i, {}).setdefault(t, 0)
            by_unit[i][t] += word_count(sents[j]) + 1
        for i in range(len(texts)):
            votes = by_unit[i]
            real = {t: v for t, v in votes.items() if t != -1}
            pool = real or votes
            unit_topics.append(min(pool, key=lambda t: (-pool[t], t)))
        t2 = time.perf_counter()
        out.update(embed_s=t1 - t0, fit_s=t2 - t1, seconds=t2 - t0, n_embedded=emb.n_computed_,
                   n_sentences=len(sents), topics=unit_topics,
                   keywords={str(t): v for t, v in model.keywords_.items()})
    elif method == "small":
        from copquotes.embed import Embedder
        from copquotes.topics import TopicModel

        out["import_s"] = time.perf_counter() - t_import
        rng = np.random.default_rng(0)
        px = [texts[i] for i in sorted(rng.choice(len(texts), 200, replace=False))]
        tags = load_tags()
        tg = [tags[i] for i in sorted(np.random.default_rng(0).choice(len(tags), 200, replace=False))]
        emb = Embedder(cache_dir=work / "embeddings")
        checks = {}
        for name, corpus in (("pxtextmining_200", px), ("cop_tags_200", tg)):
            E = emb.encode(corpus)
            t0 = time.perf_counter()
            a = TopicModel().fit(corpus, E)
            t1 = time.perf_counter()
            b = TopicModel().fit(corpus, E)
            checks[name] = {
                "n_units": len(corpus), "n_topics": a.n_topics_, "outlier_share": a.outlier_share_,
                "identical_rerun": bool(np.array_equal(a.topics_, b.topics_)
                                        and a.labels_ == b.labels_
                                        and np.allclose(a.map_2d_, b.map_2d_)),
                "fit_s": t1 - t0, "params": a.params_,
                "labels": {str(r.topic): f"{r.label} ({r.size})" for r in a.topic_info_.itertuples()},
            }
        out["checks"] = checks
    elif method == "scale":
        from copquotes.embed import Embedder
        from copquotes.topics import TopicModel
        from copquotes.topics.model import preload

        preload()
        out["import_s"] = time.perf_counter() - t_import
        E0 = Embedder(cache_dir=work / "embeddings").encode(texts)
        rng = np.random.default_rng(0)
        reps = -(-k // len(texts))
        E = np.vstack([E0 + 0.03 * rng.standard_normal(E0.shape).astype(np.float32) for _ in range(reps)])[:k]
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        big = (texts * reps)[:k]
        t0 = time.perf_counter()
        model = TopicModel().fit(big, E)
        out.update(seconds=time.perf_counter() - t0, n_units=k, n_topics=model.n_topics_,
                   n_clusters_found=model.n_clusters_found_, outlier_share=model.outlier_share_,
                   params=model.params_, fit_timings=model.timings_,
                   largest_topic_share=float(model.topic_info_["share"].max()))
    else:
        raise SystemExit(f"unknown method {method}")
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run_child(method: str, work: Path, limit: int | None, k: int | None = None, env_extra=None) -> dict:
    out_file = work / f"{method}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", method, "--work", str(work)]
    if limit:
        cmd += ["--limit", str(limit)]
    if k:
        cmd += ["--k", str(k)]
    env = dict(os.environ, COPQUOTES_PROGRESS="0", **(env_extra or {}))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd + ["--child-out", str(out_file)], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"benchmark child {method} failed")
    res = json.loads(out_file.read_text())
    res["process_wall_s"] = wall
    print(f"  {method}: {res.get('seconds', 0):.1f}s work, {wall:.1f}s process, "
          f"{res['peak_rss_mb']:.0f} MB peak", file=sys.stderr, flush=True)
    return res


# ----------------------------------------------------------------------------- scoring
def score(res: dict, texts, primary, n_labels, occ_cache: dict) -> dict:
    from copquotes.topics.metrics import agreement, document_frequencies, keyword_words, npmi_coherence, topic_diversity

    topics = res["topics"]
    kw = {int(t): v for t, v in res["keywords"].items()}
    words = [w for t, v in kw.items() if t != -1 for w in keyword_words(v, 10)]
    missing = sorted(set(words) - set(occ_cache.get("occ", {})))
    if missing:
        occ, n = document_frequencies(texts, missing)
        occ_cache.setdefault("occ", {}).update(occ)
        occ_cache["n"] = n
    coh = npmi_coherence(kw, texts, 10, occurrences=(occ_cache["occ"], occ_cache["n"]))
    single = [i for i, c in enumerate(n_labels) if c == 1]
    ag = agreement(primary, topics)
    ag_single = agreement([primary[i] for i in single], [topics[i] for i in single])
    t = np.asarray(topics)
    return {
        "n_topics": int(len(set(topics) - {-1})),
        "outlier_share": float((t == -1).mean()),
        "nmi": ag["nmi"], "ari": ag["ari"], "nmi_single_label": ag_single["nmi"],
        "npmi": coh["mean"], "diversity": topic_diversity(kw, 10),
        "seconds": res.get("seconds"), "embed_s": res.get("embed_s"), "fit_s": res.get("fit_s"),
        "import_s": res.get("import_s"), "process_wall_s": res.get("process_wall_s"),
        "peak_rss_mb": res.get("peak_rss_mb"), "n_embedded": res.get("n_embedded"),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1,500 texts, no sentence variant")
    ap.add_argument("--no-sentences", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--scale", type=int, metavar="N",
                    help="only the scale check: fit N units (pxtextmining embeddings tiled with noise); "
                         "writes topics_scale.json/md")
    ap.add_argument("--labels", type=int, metavar="N", nargs="?", const=2000,
                    help="only the label comparison: keyword labels vs phrase labels on N pxtextmining texts "
                         "(default 2000) and the labelled CoP texts; writes topic_labels.json/md")
    ap.add_argument("--child")
    ap.add_argument("--child-out")
    ap.add_argument("--work")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--k", type=int)
    args = ap.parse_args(argv)

    if args.child:
        res = child(args.child, Path(args.work), args.limit, args.k)
        Path(args.child_out).write_text(json.dumps(res))
        return 0

    if args.scale:
        return scale_check(args.scale, Path(args.out))

    if args.labels:
        return labels_check(args.labels, Path(args.out))

    limit = 1500 if args.quick else None
    texts, primary, n_labels = load_pxtextmining(limit)
    work = Path(tempfile.mkdtemp(prefix="copquotes-topics-bench-"))
    numba_dir = work / "numba-cache"
    numba_dir.mkdir()
    print(f"topics benchmark: {len(texts)} texts, work folder {work}", file=sys.stderr)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        runs = {}
        numba_env = {"NUMBA_CACHE_DIR": str(numba_dir)}
        runs["ours_first"] = run_child("ours_first", work, limit, env_extra=numba_env)
        runs["ours_cold"] = run_child("ours_cold", work, limit, env_extra=numba_env)
        runs["ours_warm"] = run_child("ours_warm", work, limit, env_extra=numba_env)
        runs["bertopic"] = run_child("bertopic", work, limit)
        k = len(set(runs["ours_cold"]["topics"]) - {-1})
        runs["kmeans"] = run_child("kmeans", work, limit, k=k, env_extra=numba_env)
        if not (args.quick or args.no_sentences):
            runs["sentences"] = run_child("sentences", work, limit, env_extra=numba_env)
        small = run_child("small", work, limit, env_extra=numba_env)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    occ_cache: dict = {}
    names = {"ours_first": "copquotes, first run after install (empty numba and embedding caches)",
             "ours_cold": "copquotes (cold: new input, every text embedded)",
             "ours_warm": "copquotes (warm: same input again)",
             "bertopic": "BERTopic out of the box (embed + fit)",
             "kmeans": f"KMeans k={k} on the same embeddings",
             "sentences": "copquotes on sentences (unit = majority topic)"}
    scores = {m: score(r, texts, primary, n_labels, occ_cache) for m, r in runs.items()}
    same = runs["ours_cold"]["topics"] == runs["ours_warm"]["topics"]
    ours, ootb = scores["ours_cold"], scores["bertopic"]
    targets = {
        "nmi_at_least_ootb": ours["nmi"] >= ootb["nmi"],
        "npmi_at_least_ootb": ours["npmi"] >= ootb["npmi"],
        "time_at_most_ootb": ours["seconds"] <= ootb["seconds"],
        "warm_run_embeds_nothing": runs["ours_warm"]["n_embedded"] == 0,
        "warm_run_same_topics": same,
        "first_run_same_topics": runs["ours_first"]["topics"] == runs["ours_cold"]["topics"],
    }
    for name, c in small["checks"].items():
        targets[f"{name}: >=3 topics"] = c["n_topics"] >= 3
        targets[f"{name}: <40% outliers"] = c["outlier_share"] < 0.4
        targets[f"{name}: identical re-run"] = c["identical_rerun"]
    result = {
        "benchmark": "topics", "started": started, "data": bench_data.shown(DATA), "n_texts": len(texts),
        "n_multi_label": int(sum(c > 1 for c in n_labels)),
        "primary_label": "first label column (file order) marked 1",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_avg_at_end": os.getloadavg()},
        "methods": {m: {"name": names[m], **s} for m, s in scores.items()},
        "ours_params": runs["ours_cold"]["params"],
        "ours_embedding_model": runs["ours_cold"].get("embedding_model"),
        "ours_fit_timings": {"first": runs["ours_first"]["fit_timings"], "cold": runs["ours_cold"]["fit_timings"],
                             "warm": runs["ours_warm"]["fit_timings"]},
        "ours_labels": runs["ours_cold"]["labels"],
        "small_corpus_checks": small["checks"],
        "targets": targets,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "topics_quick" if args.quick else "topics"
    (out / f"{stem}.json").write_text(json.dumps(result, indent=2, default=float))
    (out / f"{stem}.md").write_text(markdown(result))
    print((out / f"{stem}.md").read_text())
    return 0


def scale_check(n: int, out: Path) -> int:
    """Fit ``n`` units: pxtextmining's 6,217 embeddings repeated with Gaussian noise (sd 0.03)."""
    work = Path(tempfile.mkdtemp(prefix="copquotes-topics-scale-"))
    try:
        run_child("ours_warm", work, None)            # fills the embedding cache (and numba's)
        res = run_child("scale", work, None, k=n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res.pop("method", None)
    res["load_avg_at_end"] = os.getloadavg()
    out.mkdir(parents=True, exist_ok=True)
    (out / "topics_scale.json").write_text(json.dumps(res, indent=2, default=float))
    md = (f"# Topics at scale\n\n`.venv/bin/python benchmarks/topics.py --scale {n}`: {n} units "
          "(pxtextmining's embeddings repeated with noise), one process, after its imports.\n\n"
          f"- topics: {res['n_topics']} (HDBSCAN found {res['n_clusters_found']} before merging), outliers "
          f"{res['outlier_share']:.1%}, largest topic {res['largest_topic_share']:.1%} of units\n"
          f"- fit: {res['seconds']:.1f} s; peak memory of the process {res['peak_rss_mb']:.0f} MB; "
          f"load average at the end {', '.join(f'{x:.1f}' for x in res['load_avg_at_end'])}\n"
          f"- steps (s): {json.dumps({k: round(v, 1) for k, v in res['fit_timings'].items()})}\n"
          f"- parameters: {json.dumps(res['params'])}\n")
    (out / "topics_scale.md").write_text(md)
    print(md)
    return 0


def labels_check(n: int, out: Path) -> int:
    """Keyword labels (``make_label`` of the c-TF-IDF keywords) against phrase labels
    (:mod:`copquotes.topics.labels`) on the same fit: NPMI coherence of each label's words over
    the corpus, the share of label parts found word for word in 2+ of the topic's own texts
    (a bag of words like "walk, plan" that nobody wrote together scores low), and a sample of
    topics with two typical texts each for a person to judge."""
    from copquotes.embed import Embedder
    from copquotes.topics import TopicModel
    from copquotes.topics.labels import phrase_labels
    from copquotes.topics.metrics import npmi_coherence

    texts_px, _, _ = load_pxtextmining(n)
    corpora = {"pxtextmining": texts_px, "CoP labelled set": load_tags()}
    work = Path(tempfile.mkdtemp(prefix="copquotes-topic-labels-"))
    emb = Embedder(cache_dir=work / "emb")
    result = {"benchmark": "topic labels", "started": time.strftime("%Y-%m-%d %H:%M:%S"), "corpora": {}}
    for name, texts in corpora.items():
        t0 = time.perf_counter()
        E = emb.encode(texts, progress=False)
        model = TopicModel().fit(texts, E)
        topics = np.asarray(model.topics_)
        docs = {int(t): [texts[i] for i in np.flatnonzero(topics == t)] for t in model.topic_ids_}
        t1 = time.perf_counter()
        new = phrase_labels(docs, dict(zip(model.topic_ids_, model.topic_embeddings_)),
                            lambda ph: emb.encode(ph, progress=False))
        label_s = time.perf_counter() - t1
        old = {t: model.labels_[t] for t in docs}
        new = {t: new.get(t, old[t]) for t in docs}

        def parts(lbl):
            return [p.strip() for p in re.sub(r" \(\d+\)$", "", lbl).split(",") if p.strip()]

        def verbatim(lbl, t):
            ps = parts(lbl)
            low = [d.lower() for d in docs[t]]
            return sum(1 for p in ps if sum(1 for d in low if re.search(r"\b" + re.escape(p) + r"\b", d)) >= 2) / max(1, len(ps))

        def words(lbl):
            return [w for p in parts(lbl) for w in p.split()]
        row = {"texts": len(texts), "topics": len(docs), "fit_s": round(t1 - t0, 1), "label_s": round(label_s, 1)}
        for key, labels in (("keyword labels", old), ("phrase labels", new)):
            coh = npmi_coherence({t: words(l) for t, l in labels.items()}, texts, top_n=6)
            row[key] = {"npmi_mean": round(coh["mean"], 3),
                        "verbatim_share": round(float(np.mean([verbatim(l, t) for t, l in labels.items()])), 3),
                        "mean_words": round(float(np.mean([len(words(l)) for l in labels.values()])), 2),
                        "multiword_parts_share": round(float(np.mean(
                            [sum(1 for p in parts(l) if " " in p) / max(1, len(parts(l))) for l in labels.values()])), 3)}
        sample = []
        for t in sorted(docs, key=lambda t: -len(docs[t]))[:12]:
            reps = [texts[i][:160] for i in model.representative_.get(t, [])[:2]]
            sample.append({"topic": t, "size": len(docs[t]), "keyword label": old[t], "phrase label": new[t],
                           "typical texts": reps})
        row["sample"] = sample
        result["corpora"][name] = row
        print(f"{name}: {row['keyword labels']} -> {row['phrase labels']}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    (out / "topic_labels.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = ["# Topic labels: keyword lists vs short phrases", "",
             f"Run {result['started']}. Command: `python benchmarks/topics.py --labels {n}`. One TopicModel fit per "
             "corpus; both labels describe the same topics. `npmi` = mean NPMI of the label's words over the "
             "corpus (document co-occurrence, -1..1); `verbatim` = share of label parts that occur word for word "
             "in 2+ of the topic's texts; `multiword` = share of label parts with more than one word.", ""]
    for name, row in result["corpora"].items():
        lines += [f"## {name} ({row['texts']:,} texts, {row['topics']} topics; labels in {row['label_s']} s)", "",
                  "| labels | npmi | verbatim | multiword | words per label |", "|---|---|---|---|---|"]
        for key in ("keyword labels", "phrase labels"):
            r = row[key]
            lines.append(f"| {key} | {r['npmi_mean']} | {r['verbatim_share']} | {r['multiword_parts_share']} | "
                         f"{r['mean_words']} |")
        lines += ["", "| topic | size | keyword label | phrase label | typical text |", "|---|---|---|---|---|"]
        for smp in row["sample"]:
            typical = (smp["typical texts"][0] if smp["typical texts"] else "").replace("|", "/").replace("\n", " ")
            lines.append(f"| {smp['topic']} | {smp['size']} | {smp['keyword label']} | {smp['phrase label']} | "
                         f"{typical} |")
        lines.append("")
    (out / "topic_labels.md").write_text("\n".join(lines) + "\n")
    return 0


def markdown(r: dict) -> str:
    def f(x, d=3):
        return "" if x is None else (f"{x:.{d}f}" if isinstance(x, float) else str(x))

    lines = [
        "# Topics benchmark", "",
        f"Run {r['started']}, {r['n_texts']} pxtextmining texts ({r['n_multi_label']} multi-label, scored "
        f"against their primary label: {r['primary_label']}), {r['machine']['cpus']} CPUs shared "
        f"(load average at the end {', '.join(f'{x:.1f}' for x in r['machine']['load_avg_at_end'])}). "
        "Command: `.venv/bin/python benchmarks/topics.py`. copquotes embeds with the project's default "
        f"`Embedder` (`{r.get('ours_embedding_model')}`); BERTopic out of the box with the fp32 "
        "SentenceTransformer of the same model.", "",
        "| method | topics | outliers | NMI | ARI | NMI (single-label rows) | NPMI | diversity | work s | "
        "of which embed s | texts embedded | process s | peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in r["methods"].values():
        lines.append(
            f"| {m['name']} | {m['n_topics']} | {m['outlier_share']:.1%} | {f(m['nmi'])} | {f(m['ari'])} | "
            f"{f(m['nmi_single_label'])} | {f(m['npmi'])} | {f(m['diversity'])} | {f(m['seconds'], 1)} | "
            f"{f(m['embed_s'], 1)} | {f(m['n_embedded'])} | {f(m['process_wall_s'], 1)} | {f(m['peak_rss_mb'], 0)} |")
    lines += ["", "Work seconds exclude Python start-up and imports (process seconds include them). The "
              "first run after install compiles UMAP's numba code into numba's on-disk cache (a fresh "
              "`NUMBA_CACHE_DIR` here); later runs on any input read it (the cold and warm rows). BERTopic "
              "out of the box compiles UMAP in every process (its code is not cached).", ""]
    for k, v in r["ours_fit_timings"].items():
        lines.append(f"Fit steps, {k} (s): " + json.dumps({a: round(b, 2) for a, b in v.items()}))
    lines += ["",
              "Parameters: " + json.dumps(r["ours_params"]), "", "## Targets", ""]
    for name, ok in r["targets"].items():
        lines.append(f"- {'PASS' if ok else 'FAIL'}: {name}")
    lines += ["", "## ~200-unit checks", ""]
    for name, c in r["small_corpus_checks"].items():
        lines.append(f"- **{name}**: {c['n_topics']} topics, {c['outlier_share']:.1%} outliers, identical re-run: "
                     f"{c['identical_rerun']}, fit {c['fit_s']:.1f}s. Topics: "
                     + "; ".join(f"{t}: {lab}" for t, lab in c["labels"].items()))
    lines += ["", "## copquotes topic labels (cold run)", ""]
    lines += [f"- {t}: {lab}" for t, lab in r["ours_labels"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
