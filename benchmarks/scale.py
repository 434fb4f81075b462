"""Scale: the local engine against the Ray engine on distinct realistic texts, and a projection.

Usage (from the repository root; needs ``COPQUOTES_BENCH_DATA``, see benchmarks/README.md)::

    .venv/bin/python benchmarks/scale.py --sizes 2000,5000          # what this session could run
    .venv/bin/python benchmarks/scale.py --sizes 50000,100000,200000 # the issue's sizes (hours on 2 cores)
    .venv/bin/python benchmarks/scale.py --sizes 5000 --engines ray  # one engine only

Writes ``benchmarks/results/scale.json`` and ``benchmarks/results/scale.md``.

Texts. The public pxtextmining feedback comments (``$COPQUOTES_BENCH_DATA/pxtextmining``, the
pool ``benchmarks/pipeline.py`` reads: the v6 file's ``FFT answer`` and the phase-1 file's
``feedback``, cleaned, shuffled with a fixed seed) are split into sentences
(:func:`copquotes.text.sentence_spans`); the distinct sentences of 3 to 60 words form the
sentence pool. A unit is 1 to 4 sentences drawn at random (seeded) from the pool, in random
order, and is kept only if its text is new: every unit text is distinct, while sentences
repeat across units as they do in real feedback. (The first pool comments are used whole,
unchanged, before any recombined text, so a small corpus is real comments only.) The units
are written as real-format exports (Qualtrics, SurveyMonkey, Forms, Zoom and Teams VTT with
rosters, and a manifest) by ``benchmarks/pipeline.py``'s writers.

Each run is a subprocess (``python benchmarks/scale.py --one ENGINE CORPUS WS``) that ingests
and analyses with ``copquotes.pipeline.analyse`` (``jobs`` = the cores), the Ray engine as
``RayEngine(cores=2, actors=2)`` (a local two-worker cluster, actors of half a CPU), and
reports: wall and stage seconds, the driver's own peak RSS (``getrusage(RUSAGE_SELF)``), the
peak of its children (the local engine's worker process; for Ray, the cluster's processes
are not the driver's children and are sampled from /proc as the tree's summed RSS), and for
Ray, per map: rows, partitions, the kernels' seconds summed over actors (model loading not
included), rows per second per worker, and the coordinator's seconds per partition
(wall - kernel seconds / actors, over partitions).

Projection (``projection`` in the JSON): for 500,000 and 5,000,000 units on N workers, from
the measured per-unit kernel costs and per-partition overhead of the largest Ray run, plus
the driver's serial seconds per unit (everything that is not a map: ingest, reading and
writing the workspace, the tagger, the topic fit on its capped sample and the assignment, the
quote selection), scaled linearly. Its assumptions are written beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

RESULTS = ROOT / "benchmarks" / "results"
SEED = 20261204
PARTITION_ROWS = 512
FIT_CAP = 20_000   # TopicModel.max_fit_units


# ----------------------------------------------------------------------------- texts
def sentence_pool(pool: list[str]) -> list[str]:
    from copquotes.text import sentence_spans, word_count

    seen, out = set(), []
    for t in pool:
        for s, e in sentence_spans(t):
            sent = t[s:e].strip()
            if 3 <= word_count(sent) <= 60 and sent not in seen:
                seen.add(sent)
                out.append(sent)
    return out


def build_texts(n: int, pool: list[str], sentences: list[str], seed: int = SEED) -> list[str]:
    """``n`` distinct unit texts: the pool's comments first, then recombined sentences."""
    rng = random.Random(seed)
    out, seen = [], set()
    for t in pool:
        if len(out) >= n:
            return out
        if t not in seen:
            seen.add(t)
            out.append(t)
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n:
            raise SystemExit("could not build enough distinct texts from the sentence pool")
        k = rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
        t = " ".join(rng.sample(sentences, k))
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def build_corpus(base: Path, n: int) -> dict:
    import pipeline as pb

    folder = base / f"corpus_{n}"
    meta_path = folder / "scale_meta.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text())
    pool = pb.load_pool()
    sentences = sentence_pool(pool)
    texts = build_texts(n, pool, sentences)
    info = pb.build_px_folder(folder, texts, random.Random(SEED + n))
    info.update(units_requested=n, distinct_texts=len(set(texts)), pool_comments=len(pool),
                pool_sentences=len(sentences), recombined=max(0, n - len(set(pool))))
    meta_path.write_text(json.dumps(info))
    return info


# ----------------------------------------------------------------------------- one run (a subprocess)
class StagePeaks:
    """This process's peak RSS per stretch of a run: sampled from /proc every 0.2 s by a thread,
    the maximum since the last mark kept under that mark's name (``ingest``, then each stage as
    the pipeline reports it done: a stage the worker process ran is done when the parent waits
    for it, so the parent's stretches are named after the parent's own stages)."""

    def __init__(self):
        import threading

        self.peaks: dict[str, int] = {}
        self.shmem_peak = 0
        self._max = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    @staticmethod
    def _status(field: str = "VmRSS") -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024
        return 0

    _rss = _status

    def _sample(self):
        while not self._stop.wait(0.2):
            self._max = max(self._max, self._rss())
            # the part of it that is shared memory (Ray's object store, which this process maps)
            self.shmem_peak = max(self.shmem_peak, self._status("RssShmem"))

    def mark(self, name: str, *_):
        self.peaks[name] = max(self._max, self._rss())
        self._max = self._rss()

    def stop(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def store_sizes(ws_path: Path) -> dict[str, float]:
    """MB on disk of the workspace's stores: the database, its Parquet parts, the embedding cache's
    index and its parts, the bulk files."""
    def mb(paths) -> float:
        return round(sum(p.stat().st_size for p in paths if p.is_file()) / 1e6, 1)

    return {"database": mb(ws_path.glob("copquotes.sqlite*")),
            "stage_parts": mb((ws_path / "parts").rglob("*")),
            "embedding_index": mb((ws_path / "embeddings").glob("embeddings.sqlite*")),
            "embedding_parts": mb((ws_path / "embeddings" / "parts").rglob("*")),
            "bulk_files": mb((ws_path / "bulk").rglob("*"))}


def one(engine: str, corpus: Path, ws_path: Path) -> dict:
    from copquotes import _offline
    from copquotes.ingest import discover
    from copquotes.parallel import apply_threads, available_cores
    from copquotes.pipeline import analyse
    from copquotes.workspace import Workspace

    _offline.apply()
    cores = available_cores()
    apply_threads(cores)
    peaks = StagePeaks()
    t0 = time.perf_counter()
    ws = Workspace.open(ws_path, create=True)
    ws.ingest(discover([corpus]).sources, progress=False)
    t_ingest = time.perf_counter() - t0
    peaks.mark("ingest")
    stats = []
    if engine == "ray":
        from copquotes.engines import RayEngine

        t = time.perf_counter()
        eng = RayEngine(ws.path, cores=cores, actors=2, partition_rows=PARTITION_ROWS).start()
        t_start = time.perf_counter() - t
        try:
            stages = analyse(ws, progress=False, engine=eng, jobs=cores, on_stage=peaks.mark)
            stats = [s.as_dict() for s in eng.stats]
        finally:
            eng.shutdown()
    else:
        t_start = 0.0
        stages = analyse(ws, progress=False, jobs=cores, on_stage=peaks.mark)
    peaks.mark("statistics")   # what analyse does after its last stage (ANALYZE, withheld words)
    wall = time.perf_counter() - t0
    n_units = ws.n_units()
    ws.close()
    return {"engine": engine, "units": n_units, "wall": round(wall, 2), "ingest_seconds": round(t_ingest, 2),
            "store_mb": store_sizes(Path(ws_path)),
            "engine_start_seconds": round(t_start, 2), "driver_peak_by_stage_mb": peaks.stop(),
            "stages": {k: {kk: vv for kk, vv in v.items() if isinstance(vv, (int, float, str, bool))}
                       for k, v in stages.items()},
            "maps": stats,
            "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "driver_shmem_peak_mb": peaks.shmem_peak,
            "children_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def run_one(engine: str, corpus: Path, ws: Path, log: Path) -> dict:
    import pipeline as pb

    env = dict(os.environ, PYTHONPATH=str(ROOT), RAY_USAGE_STATS_ENABLED="0")
    res = pb.measure([sys.executable, str(Path(__file__).resolve()), "--one", engine, str(corpus), str(ws)],
                     log, env=env)
    if res["rc"] != 0:
        raise SystemExit(f"{engine} run failed (exit {res['rc']}); see {log}")
    out = json.loads(res["stdout"].strip().splitlines()[-1])
    out["process_wall"] = res["wall"]
    out["tree_peak_mb"] = res["tree_peak_mb"]
    return out


# ----------------------------------------------------------------------------- projection
# maps the pipeline runs beside the driver's own stages (tag, topics), not before them
BESIDE = {"copquotes.quotes.sentences:SentenceFeatures"}


def project(run: dict, local: dict | None) -> dict:
    """500k and 5M units on N workers, from one measured Ray run (see the module doc)."""
    n = run["units"]
    mapped_wall = sum(m["wall_seconds"] for m in run["maps"] if m["kernel"] not in BESIDE)
    topics = run["stages"].get("topics", {}).get("seconds", 0.0)
    tag = run["stages"].get("tag", {}).get("seconds", 0.0)
    serial = run["wall"] - run["ingest_seconds"] - run["engine_start_seconds"] - mapped_wall - topics
    per_unit_serial = serial / n
    # the topic fit sees at most FIT_CAP units: its cost grows with min(units, FIT_CAP)
    topics_at_cap = topics * FIT_CAP / min(n, FIT_CAP)
    per_unit_ingest = run["ingest_seconds"] / n
    maps = []
    for m in run["maps"]:
        maps.append({"kernel": m["kernel"], "rows_per_unit": m["rows"] / n, "beside": m["kernel"] in BESIDE,
                     "kernel_seconds_per_row": m["kernel_seconds"] / max(1, m["rows"]),
                     "coordinator_seconds_per_partition": m["coordinator_seconds_per_partition"] or 0.0})
    out = {"from_run": {"units": n, "engine": "ray"},
           "driver_serial_seconds_per_unit": round(per_unit_serial, 6),
           "topics_seconds_measured": round(topics, 1), "topics_seconds_at_cap": round(topics_at_cap, 1),
           "ingest_seconds_per_unit": round(per_unit_ingest, 6),
           "maps": maps, "cases": []}
    for units in (500_000, 5_000_000):
        for workers in (2, 8, 32, 128):
            t_maps = t_beside = 0.0
            for m in maps:
                rows = m["rows_per_unit"] * units
                parts = rows / PARTITION_ROWS
                t = rows * m["kernel_seconds_per_row"] / workers + parts * m["coordinator_seconds_per_partition"]
                if m["beside"]:
                    t_beside += t
                else:
                    t_maps += t
            driver = units * (per_unit_serial + per_unit_ingest) + topics_at_cap
            # a map beside the tag and topics stages adds only what outlasts them
            t_maps += max(0.0, t_beside - (tag / n * units + topics_at_cap))
            out["cases"].append({"units": units, "workers": workers, "map_seconds": round(t_maps),
                                 "driver_seconds": round(driver), "total_hours": round((t_maps + driver) / 3600, 2)})
    if local is not None:
        out["local_engine_seconds_per_unit_at"] = {"units": local["units"],
                                                   "seconds_per_unit": round(local["wall"] / local["units"], 5)}
    return out


ASSUMPTIONS = [
    "Each map's kernel cost grows with its rows (units, texts or files) at the measured seconds per row; "
    "rows per unit stay as measured (distinct texts per unit, quotable units' share). Those rates were "
    "measured with the 2 cores shared by other jobs: the embedding kernel ran at about 25 texts/s per "
    "worker at load 13-27 (2,000-5,000 units) and 69 texts/s at load 3-5 (10,000 units), where ENVIRONMENT.md "
    "measured 190-250 texts/s for the same model on an idle machine, so the map seconds here are pessimistic.",
    "Workers are like one core of this machine, each with its own copy of the models (spaCy + Presidio "
    "about 0.5 GB, MiniLM about 0.3 GB per actor); model loading (seconds per actor) is not counted.",
    "The coordinator's cost per partition stays as measured (partitions of 512 rows).",
    "Since d2b396c a map takes its rows in parts of at most 100,000, each part with a new pool of actors "
    "(their model loading measured at 1.4-1.8 s per pool for the anonymiser and the embedding model, 12-37 s for "
    "the spaCy sentence features beside the topic fit, plus the start of the actors' processes): not counted; at "
    "5,000,000 units that is about 50 pools per map, some minutes in all.",
    "Everything outside the maps and the topics stage runs on the driver, serially, at the measured seconds "
    "per unit: ingest, SQLite reads and writes, the per-file name propagation and rendering, the tagger's "
    "scoring and the quote candidates and selection. This serial part bounds what more workers can gain "
    "(Amdahl). The quotes' sentence-feature map runs beside the tag and topics stages (on the cluster while "
    "the driver works): it adds only the seconds by which it outlasts them (tag at the measured seconds per "
    "unit, topics at its cap).",
    "The topics stage: its measured seconds scaled linearly up to the 20,000-unit fitting sample "
    "(TopicModel.max_fit_units), then constant; assigning the units outside the sample is not measured "
    "separately (at 5,000 units every unit is in the sample) and is taken as part of that constant.",
    "The coordinator's seconds per partition were measured with the 2 cores shared by other jobs (load "
    "average 13-27 at 2,000-5,000 units: 2-10 s; 3-5 at 10,000 units: 0.3-0.9 s): they include waiting for a "
    "core, so they are an upper bound, and they are counted serially (not divided by the workers).",
    "Memory is not projected from the units: the stages read the workspace in parts (embed 20,000 units at a "
    "time, tag 5,000-9,999, topics its 20,000-unit fitting sample whole and the other units about 4,000 at a "
    "time, quotes 10,000 quotable units; the quote candidates the worker process hands over are written and read "
    "one part at a time), so the `copquotes` process's peak is set by the models and the topic fit on its sample, "
    "not by the workspace (the peaks by run and by stretch above). With Ray the maps get their rows in parts of "
    "at most 100,000 (RayEngine.window_rows; the anonymise stage 100,000 units of whole files a map, the embed "
    "stage 100,000 units, the sentence features and the shortlist's quote texts 100,000 texts), since d2b396c; "
    "after these runs the sentence features' maps were set to 90,000-100,000 texts, so that none needs a second "
    "window (at 200,000 units one map had 102,118 texts, cut into two windows, the second starting spaCy again). "
    "What still grows with the units, in bytes per "
    "unit: the ids the stages list (unit and quote ids), the PNG topic maps (every unit is a point; the "
    "interactive map draws a 20,000-unit sample since d2b396c) and the anonymise stage, which reads every unit's "
    "text (its spans and rendered rows are held a group of about 20,000 units at a time, since 89bc167; it runs "
    "in the local engine's worker process, in the `copquotes` process with Ray). The worker process fixes glibc's "
    "mmap threshold at 4 MB (since 864fe7a, `parallel.fixed_mmap_threshold`), and so does the `copquotes` "
    "process with Ray (since eaab2d1): before, embedding the quotes' "
    "texts there fragmented its heap by a few hundred MB, more with more parts of quotes to embed.",
]


def _load1(run: dict) -> str:
    return str(run.get("load_start", "?")).split()[0]


def targets(rep: dict) -> list[str]:
    """The issue's targets, from the runs measured (a target without its runs says so)."""
    by = {(r["units"], r["engine"]): r for r in rep["runs"]}
    out = []
    if (100_000, "local") in by and (100_000, "ray") in by:
        ratio = by[(100_000, "local")]["wall"] / by[(100_000, "ray")]["wall"]
        out.append(f"- Ray on two local workers at 100,000 units, throughput / the local engine's (target >= 0.85x): "
                   f"{ratio:.2f}x ({by[(100_000, 'ray')]['wall']:.0f} s against {by[(100_000, 'local')]['wall']:.0f} s; "
                   f"load average at the start {_load1(by[(100_000, 'ray')])} against {_load1(by[(100_000, 'local')])}).")
    else:
        out.append("- Ray at 100,000 units against the local engine (target >= 0.85x): not measured (the runs are "
                   "missing: " + ", ".join(e for e in ("local", "ray") if (100_000, e) not in by) + ").")
    local = sorted((r for r in rep["runs"] if r["engine"] == "local" and r["units"] >= 50_000), key=lambda r: r["units"])
    base = by.get((50_000, "local"))
    if base and len(local) >= 2:
        for r in local[1:]:
            out.append(f"- Local engine, peak at {r['units']:,} units against 50,000 (target at 200,000: <= 1.2x and "
                       f"<= 3 GB): the `copquotes` process {r['driver_peak_mb']:.0f} MB = "
                       f"{r['driver_peak_mb'] / base['driver_peak_mb']:.2f}x {base['driver_peak_mb']:.0f} MB; its worker "
                       f"process {r['children_peak_mb']:.0f} MB = {r['children_peak_mb'] / base['children_peak_mb']:.2f}x "
                       f"{base['children_peak_mb']:.0f} MB.")
    big = [r for r in local if r["units"] >= 190_000]   # 200,000 asked (the ingest may merge a duplicate)
    if big and base:
        r = big[-1]
        ok = (r["driver_peak_mb"] <= 1.2 * base["driver_peak_mb"] and r["children_peak_mb"] <= 1.2 * base["children_peak_mb"]
              and max(r["driver_peak_mb"], r["children_peak_mb"]) <= 3 * 1024)
        out.append(f"- 200,000 units ({r['units']:,} ingested), local engine, each process against 50,000: "
                   f"{'met' if ok else 'not met'} (the `copquotes` process {r['driver_peak_mb']:.0f} MB = "
                   f"{r['driver_peak_mb'] / base['driver_peak_mb']:.2f}x, its worker process {r['children_peak_mb']:.0f} MB "
                   f"= {r['children_peak_mb'] / base['children_peak_mb']:.2f}x; both at most 3 GB: "
                   f"{'yes' if max(r['driver_peak_mb'], r['children_peak_mb']) <= 3 * 1024 else 'no'}; the two "
                   f"together at most {r['driver_peak_mb'] + r['children_peak_mb']:.0f} MB).")
    else:
        over = [r for r in local if max(r["driver_peak_mb"], r["children_peak_mb"]) > 3 * 1024]
        out.append("- 200,000 units: not measured" + (
            f"; the 3 GB limit is already passed at {over[0]['units']:,} units, so the flat-memory target is not met."
            if over else ", so the flat-memory target (200,000 <= 1.2x 50,000, <= 3 GB) is not established."))
    rbase = by.get((50_000, "ray"))
    rbig = [r for r in rep["runs"] if r["engine"] == "ray" and r["units"] >= 190_000]
    if rbase and rbig:
        r = rbig[-1]
        x = r["driver_peak_mb"] / rbase["driver_peak_mb"]
        ok = x <= 1.2 and r["driver_peak_mb"] <= 3 * 1024
        out.append(f"- 200,000 units ({r['units']:,} ingested), Ray engine, the `copquotes` process (the driver) against "
                   f"50,000: {'met' if ok else 'not met'} ({r['driver_peak_mb']:.0f} MB = {x:.2f}x "
                   f"{rbase['driver_peak_mb']:.0f} MB; at most 3 GB: {'yes' if r['driver_peak_mb'] <= 3 * 1024 else 'no'}).")
    else:
        out.append("- 200,000 units, Ray engine's driver against 50,000: not measured.")
    return out


def to_markdown(rep: dict) -> str:
    lines = ["# Scale: local engine vs Ray engine", "",
             f"Run {rep['date']} on {rep['machine']}; `{rep['command']}`. Load average at start "
             f"{rep['load_start']}, at end {rep['load_end']} (other engineers' jobs shared the 2 cores: "
             "figures are slower than on an idle machine and noisy).", "",
             "Texts: " + rep["texts"], "",
             "| units | engine | wall s | ingest | anonymise | embed | tag | topics | quotes | units/s | "
             "driver peak MB | children / cluster peak MB | run at, load average (1 min) start / end |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rep["runs"]:
        st = r["stages"]

        def sec(name):
            s = st.get(name, {})
            return f"{s.get('seconds', 0):.1f}" + (" (beside)" if s.get("background") else "")
        other = r["tree_peak_mb"] if r["engine"] == "ray" else r["children_peak_mb"]
        lines.append(f"| {r['units']:,} | {r['engine']} | {r['wall']:.1f} | {r['ingest_seconds']:.1f} | "
                     f"{sec('anonymise')} | {sec('embed')} | {sec('tag')} | {sec('topics')} | {sec('quotes')} | "
                     f"{r['units'] / r['wall']:.1f} | {r['driver_peak_mb']:.0f} | {other:.0f} | "
                     f"{r.get('run_at', rep['date'])}, {str(r.get('load_start', rep['load_start'])).split()[0]} / "
                     f"{str(r.get('load_end', rep['load_end'])).split()[0]} |")
    lines += ["", "Ray maps (two actors of 0.5 CPU on a local cluster; kernel seconds exclude model loading):", "",
              "| units | kernel | rows | partitions | kernel s (sum) | map wall s | rows/s per worker | "
              "coordinator s per partition |", "|---|---|---|---|---|---|---|---|"]
    for r in rep["runs"]:
        for m in r.get("maps", []):
            # a map whose consumer stopped at its last row had no wall time recorded before a fix
            wall = f"{m['wall_seconds']:.1f}" if m["wall_seconds"] else "not recorded"
            coord = m["coordinator_seconds_per_partition"] if m["wall_seconds"] else "-"
            lines.append(f"| {r['units']:,} | `{m['kernel'].split(':')[1]}` | {m['rows']:,} | {m['partitions']} | "
                         f"{m['kernel_seconds']:.1f} | {wall} | {m['rows_per_second_per_worker']} | {coord} |")
    by_stage = [r for r in rep["runs"] if r.get("driver_peak_by_stage_mb")]
    if by_stage:
        lines += ["", "The `copquotes` process's peak RSS (MB) in each stretch of a run (sampled every 0.2 s; a "
                  "stretch ends when the pipeline reports that stage done; the local engine's `anonymise` is "
                  "the parent's wait for its worker process):", ""]
        for r in by_stage:
            lines.append(f"- {r['units']:,} units, {r['engine']}: " + ", ".join(
                f"{k} {v:,}" for k, v in r["driver_peak_by_stage_mb"].items()))
    trend = []
    for eng in ("local", "ray"):
        runs = sorted((r for r in rep["runs"] if r["engine"] == eng), key=lambda r: r["units"])
        if len(runs) >= 2:
            a, b = runs[0], runs[-1]
            trend.append(f"{eng}: " + ", ".join(f"{r['units']:,} units {r['driver_peak_mb']:.0f} MB" for r in runs)
                         + f" ({b['driver_peak_mb'] / a['driver_peak_mb']:.2f}x the {a['units']:,}-unit figure for "
                         f"{b['units'] / a['units']:.1f}x the units)")
    if trend:
        lines += ["", "Driver peak memory as the units grow (the `copquotes` process; for the local engine its "
                  "worker process is in the children column): " + "; ".join(trend) + "."]
    if rep.get("ratios"):
        lines += ["", "Ray throughput / local throughput (same corpus): " + ", ".join(
            f"{int(k):,} units: {v:.2f}x" for k, v in sorted(rep["ratios"].items(), key=lambda kv: int(kv[0])))]
    sized = [r for r in sorted(rep["runs"], key=lambda r: (r["units"], r["engine"])) if r.get("store_mb")]
    if sized:
        lines += ["", "The workspace's stores on disk after each run (MB; runs before the sizes were recorded are "
                  "left out): the database, the stages' Parquet parts (sentence scores), the embedding cache's "
                  "index and its Parquet parts, the bulk files.", "",
                  "| units | engine | database | stage parts | embedding index | embedding parts | bulk files |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['units']:,} | {r['engine']} | " + " | ".join(
            f"{r['store_mb'].get(k, 0):,.1f}" for k in ("database", "stage_parts", "embedding_index", "embedding_parts",
                                                        "bulk_files")) + " |" for r in sized]
    lines += ["", "## Targets (issue 27)", ""] + targets(rep)
    if rep.get("projection"):
        p = rep["projection"]
        lines += ["", f"## Projection (from the {p['from_run']['units']:,}-unit Ray run)", "",
                  f"Driver serial seconds per unit: {p['driver_serial_seconds_per_unit']}; ingest seconds per unit: "
                  f"{p['ingest_seconds_per_unit']}; topics {p['topics_seconds_measured']} s measured, "
                  f"{p['topics_seconds_at_cap']} s taken at the 20,000-unit fitting cap.", "",
                  "| units | workers | map s | driver s | total h |", "|---|---|---|---|---|"]
        for c in p["cases"]:
            lines.append(f"| {c['units']:,} | {c['workers']} | {c['map_seconds']:,} | {c['driver_seconds']:,} | "
                         f"{c['total_hours']} |")
        # every embedding map of a run together (the embed stage's parts and the shortlist's texts)
        per_unit = [f"{r['units']:,} units {sum(m['rows'] for m in r.get('maps', []) if m['kernel'].endswith(':TextEncoder')) / r['units']:.2f}"
                    for r in rep["runs"] if r["engine"] == "ray"]
        lines += ["", "Assumptions:", ""] + [f"- {a}" for a in ASSUMPTIONS]
        if per_unit:
            lines.append("- Texts the embedding map encoded per unit, by Ray run: " + ", ".join(per_unit) + ". The "
                         "benchmark's units recombine a finite pool of real sentences, and a unit's vector is pooled "
                         "from its sentences' cached vectors: the larger the corpus, the more of its sentences are "
                         "already embedded. Real comments repeat far fewer sentences, so a projection from a large "
                         "run underestimates the embedding map for them (scale its seconds by the ratio of the "
                         "smallest runs' texts per unit to the largest's).")
    if rep.get("notes"):
        lines += ["", "Notes:", ""] + [f"- {n}" for n in rep["notes"]]
    if rep.get("not_run"):
        lines += ["", "Not run in this session: " + rep["not_run"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="2000,5000")
    ap.add_argument("--engines", default="local,ray")
    ap.add_argument("--keep", metavar="DIR", help="build corpora and workspaces here and keep them")
    ap.add_argument("--not-run", default="", help="a sentence for the results: sizes this run did not cover")
    ap.add_argument("--note", action="append", default=[],
                    help="with --render: a note to add to the results' notes (what was measured beside the script)")
    ap.add_argument("--append", action="store_true",
                    help="keep the runs already in benchmarks/results/scale.json (a size and engine run again "
                         "replaces its row)")
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "CORPUS", "WS"), help=argparse.SUPPRESS)
    ap.add_argument("--render", action="store_true",
                    help="recompute the projection and the Markdown from benchmarks/results/scale.json")
    args = ap.parse_args(argv)
    if args.render:
        rep = json.loads((RESULTS / "scale.json").read_text())
        rays = [r for r in rep["runs"] if r["engine"] == "ray"]
        by = {(r["units"], r["engine"]): r for r in rep["runs"]}
        if rays:
            big = max(rays, key=lambda r: r["units"])
            rep["projection"] = project(big, by.get((big["units"], "local")))
            rep["projection"]["assumptions"] = ASSUMPTIONS
        if args.not_run:
            rep["not_run"] = args.not_run
        # a note is added to those already there (each once): what earlier runs measured beside stays
        rep["notes"] = list(dict.fromkeys(rep.get("notes", []) + args.note))
        (RESULTS / "scale.json").write_text(json.dumps(rep, indent=1, default=str) + "\n")
        (RESULTS / "scale.md").write_text(to_markdown(rep))
        print(to_markdown(rep))
        return 0
    if args.one:
        engine, corpus, ws = args.one
        print(json.dumps(one(engine, Path(corpus), Path(ws))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cq-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    rep = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
           f"Python {platform.python_version()}", "command": "python benchmarks/scale.py " + " ".join(
           argv if argv is not None else sys.argv[1:]), "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
           "texts": __doc__.split("Texts. ", 1)[1].split("\n\n", 1)[0].replace("\n", " "),
           "runs": [], "corpora": {}}
    for n in sizes:
        rep["corpora"][n] = build_corpus(base, n)
        for engine in engines:
            ws = base / f"ws_{n}_{engine}"
            if ws.exists():
                import shutil

                shutil.rmtree(ws)
            t = time.perf_counter()
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            r = run_one(engine, base / f"corpus_{n}", ws, base / f"log_{n}_{engine}.txt")
            r.update(run_at=time.strftime("%Y-%m-%d %H:%M"), load_start=load,
                     load_end=" ".join(f"{x:.1f}" for x in os.getloadavg()))
            print(f"{n} units, {engine}: {r['wall']:.1f} s (process {time.perf_counter() - t:.1f} s)", flush=True)
            rep["runs"].append(r)
    if args.append and (RESULTS / "scale.json").exists():
        old = json.loads((RESULTS / "scale.json").read_text())
        new_keys = {(r["units"], r["engine"]) for r in rep["runs"]}
        kept = [dict(r, run_at=r.get("run_at", old.get("date")), load_start=r.get("load_start", old.get("load_start")),
                     load_end=r.get("load_end", old.get("load_end")))
                for r in old.get("runs", []) if (r["units"], r["engine"]) not in new_keys]
        rep["runs"] = sorted(kept + rep["runs"], key=lambda r: (r["units"], r["engine"]))
        rep["corpora"] = {**{int(k): v for k, v in old.get("corpora", {}).items()}, **rep["corpora"]}
        rep["command"] = "; ".join(c for c in (old.get("command"), rep["command"]) if c)
        rep["notes"] = old.get("notes", [])   # what was measured beside the script stays (--render rewrites it)
    by = {(r["units"], r["engine"]): r for r in rep["runs"]}
    rep["ratios"] = {u: by[(u, "local")]["wall"] / by[(u, "ray")]["wall"]
                     for (u, e) in by if e == "ray" and (u, "local") in by}
    rays = [r for r in rep["runs"] if r["engine"] == "ray"]
    if rays:
        big = max(rays, key=lambda r: r["units"])
        rep["projection"] = project(big, by.get((big["units"], "local")))
        rep["projection"]["assumptions"] = ASSUMPTIONS
    rep["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rep["not_run"] = args.not_run
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(rep, indent=1, default=str) + "\n")
    (RESULTS / "scale.md").write_text(to_markdown(rep))
    print(to_markdown(rep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
