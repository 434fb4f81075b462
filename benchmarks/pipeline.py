"""End-to-end speed of ``copquotes run`` on 1k / 10k / 50k units, beside two references.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pipeline.py                       # 1k, 10k, 50k (~40 min on 2 cores)
    .venv/bin/python benchmarks/pipeline.py --sizes 1000,10000    # ~10 min
    .venv/bin/python benchmarks/pipeline.py --quick               # 1k only, no 50k, a few minutes
    .venv/bin/python benchmarks/pipeline.py --keep /tmp/bench     # keep corpora and workspaces

Writes ``benchmarks/results/pipeline.json`` and ``benchmarks/results/pipeline.md``
(``pipeline_quick.*`` with ``--quick``).

Corpora (built in a temporary folder, never in the repository): the sample corpus
(``corpus/``, minus ``labelled/``: every format with its manifest and roster) plus real
feedback comments from pxtextmining (``$COPQUOTES_BENCH_DATA/pxtextmining``, the v6 file's
``FFT answer`` and the phase-1 file's ``feedback``, read in place; blank and "Did not
answer" rows dropped; shuffled with a fixed seed), written out as real-format exports,
one comment per open answer or per speaker turn:

* Qualtrics CSV (3 header rows, ImportId JSON; 3 open questions + a consent question),
* SurveyMonkey CSV (2 header rows, "Open-Ended Response"),
* Microsoft Forms XLSX (ID, Start time, Completion time, Email, Name, ...),
* Zoom VTT (``Name: text`` cues) and Teams VTT (``<v Name>text</v>`` cues), each with a
  roster (name, role, quote_consent),

with a ``copquotes.yaml`` manifest whose globs give group / year / source kind / open
questions / consent column. pxtextmining has ~16,000 usable comments (~13,700 distinct);
beyond the pool (the 50k corpus) a unit joins two comments (distinct unit texts whose
sentences repeat, so the sentence cache shares part of the work; the JSON records the
number of distinct unit and sentence texts of each corpus).

Per size, each measured step runs as its own subprocess (wall time; peak RSS of the
largest process from ``wait4``, and the peak of the summed RSS of the whole process tree,
sampled from ``/proc`` every 0.2 s):

* ``copquotes -q run CORPUS --workspace WS --json`` cold (new workspace), then warm (nothing
  changed); stage seconds from the run's JSON (``ingest+startup`` = wall - stages);
* the references on the same texts (the units' texts read from the workspace):
  the embedding model alone (``SentenceTransformer(embedding_model_path()).encode(texts,
  batch_size=64)``, the floor) and BERTopic's out-of-the-box pipeline
  (``BERTopic(embedding_model=<that SentenceTransformer>).fit_transform(texts)``);
* incremental (10k size, or the largest size given when 10k is not): a new Qualtrics export
  of 100 comments not in the corpus is added to the corpus folder and ``copquotes run`` is
  run again: wall time and each stage's seconds (the topic refit is the ``topics`` stage).

Numba (UMAP, pynndescent) compiles on first use and keeps its cache in the installed
packages; that one-off cost is paid by the first measured step of the first size (1k),
so at 10k and 50k both copquotes and BERTopic run with compiled code.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_data  # noqa: E402

PX = bench_data.path("pxtextmining")
RESULTS = ROOT / "benchmarks" / "results"
_SCRIPT = Path(sys.executable).with_name("copquotes")
COPQUOTES = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "copquotes.cli"]
SEED = 20240611

# names for synthetic transcript speakers (fictional; transcripts need speaker labels)
_FIRST = ["Alex", "Bronwyn", "Carmen", "Deepa", "Ethan", "Fiona", "Gus", "Hannah", "Isaac", "Jasmine",
          "Kiri", "Liam", "Maya", "Noah", "Olivia", "Pita", "Quinn", "Rosa", "Sione", "Tara"]
_LAST = ["Anderson", "Brennan", "Costa", "Dimitriou", "Ellis", "Farrugia", "Gill", "Hoang", "Ibrahim",
         "Jovanovic", "Kaur", "Lam", "Morrison", "Ngata", "O'Connell", "Patel", "Quach", "Russo", "Singh", "Tran"]
_GROUPS = ["RRE", "Early career", "Mid-Senior", "Prevention leaders", "Regional and rural",
           "Tertiary settings", "Working With Children and Young People"]
_YEARS = ["2021-2022", "2022-2023", "2023-2024", "2024-2025"]
_OPEN = ["What was the most valuable aspect of your CoP?", "What could be improved?", "Any other comments?"]
_CONSENT_Q = "Are you happy for your comments to be quoted anonymously in reports and publications?"


# ----------------------------------------------------------------------------- texts
def load_pool() -> list[str]:
    """pxtextmining comments: v6 ``FFT answer`` + phase-1 ``feedback``, cleaned, shuffled."""
    import pandas as pd

    texts: list[str] = []
    v6, p1 = PX / "v6framework_230831.csv", PX / "phase1_text_data.csv"
    bench_data.require(v6, "the pipeline benchmark (pxtextmining)")
    bench_data.require(p1, "the pipeline benchmark (pxtextmining)")
    texts += pd.read_csv(v6)["FFT answer"].dropna().astype(str).tolist()
    texts += pd.read_csv(p1)["feedback"].dropna().astype(str).tolist()
    from copquotes.ingest.columns import is_skip_answer

    out = []
    for t in texts:
        t = " ".join(t.split())  # one line: newlines inside a comment would end a VTT cue
        # non-answers ("Nothing", "N/A", "Did not answer") are not comments: the readers skip them
        if t and t.lower() not in ("did not answer", "nan") and not is_skip_answer(t):
            out.append(t)
    random.Random(SEED).shuffle(out)
    return out


def comments(pool: list[str], n: int, offset: int = 0) -> list[str]:
    """``n`` comments from position ``offset`` of an endless stream: the pool, then pairs of pool comments."""
    out = []
    m = len(pool)
    for k in range(offset, offset + n):
        rnd, i = divmod(k, m)
        if rnd == 0:
            out.append(pool[i])
        else:
            j = (i * 7919 + rnd * 104729) % m
            if j == i:
                j = (j + 1) % m
            out.append(pool[i] + " " + pool[j])
    return out


# ----------------------------------------------------------------------------- writers
def _ts(rng: random.Random, year: str) -> dt.datetime:
    y = int(year[-4:])
    return dt.datetime(y, rng.randint(1, 11), rng.randint(1, 28), rng.randint(7, 20), rng.randint(0, 59), rng.randint(0, 59))


def _consent(rng: random.Random) -> str:
    return "Yes" if rng.random() < 0.8 else "No"


def write_qualtrics(path: Path, answers: list[list[str]], rng: random.Random, group: str, year: str) -> None:
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
           "RecordedDate", "ResponseId", "DistributionChannel", "UserLanguage", "Q1", "Q2", "Q3", "Q4", "Q5"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Distribution Channel", "User Language",
             "Which CoP group were you part of?", *_OPEN, _CONSENT_Q]
    imports = ['{"ImportId":"startDate","timeZone":"Australia/Melbourne"}', '{"ImportId":"endDate","timeZone":"Australia/Melbourne"}',
               '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}',
               '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"Australia/Melbourne"}',
               '{"ImportId":"_recordId"}', '{"ImportId":"distributionChannel"}', '{"ImportId":"userLanguage"}',
               '{"ImportId":"QID1"}', '{"ImportId":"QID2_TEXT"}', '{"ImportId":"QID3_TEXT"}', '{"ImportId":"QID4_TEXT"}',
               '{"ImportId":"QID5"}']
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows([ids, texts, imports])
    for k, ans in enumerate(answers):
        t0 = _ts(rng, year)
        dur = rng.randint(120, 1500)
        t1 = t0 + dt.timedelta(seconds=dur)
        w.writerow([t0.strftime("%Y-%m-%d %H:%M:%S"), t1.strftime("%Y-%m-%d %H:%M:%S"), "IP Address",
                    f"192.0.2.{rng.randint(1, 254)}", "100", str(dur), "True", t1.strftime("%Y-%m-%d %H:%M:%S"),
                    f"R_{rng.getrandbits(60):015x}", "anonymous", "EN", f"Group {rng.randint(1, 6)}",
                    *(ans + [""] * (3 - len(ans))), _consent(rng)])
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def write_surveymonkey(path: Path, answers: list[list[str]], rng: random.Random, group: str, year: str) -> None:
    head1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
             "Last Name", "Custom Data 1", "Which CoP group did you attend?", _OPEN[0], _OPEN[1], _CONSENT_Q, _OPEN[2]]
    head2 = [""] * 9 + ["Response", "Open-Ended Response", "Open-Ended Response", "Response", "Open-Ended Response"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows([head1, head2])
    for ans in answers:
        ans = ans + [""] * (3 - len(ans))
        t0 = _ts(rng, year)
        t1 = t0 + dt.timedelta(seconds=rng.randint(120, 1500))
        w.writerow([str(114000000000 + rng.randint(0, 99999999)), "431198562", t0.strftime("%m/%d/%Y %I:%M:%S %p"),
                    t1.strftime("%m/%d/%Y %I:%M:%S %p"), f"203.0.113.{rng.randint(1, 254)}", "", "", "", "",
                    f"Group {rng.choice('ABCD')}", ans[0], ans[1], _consent(rng), ans[2]])
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_forms(path: Path, answers: list[list[str]], rng: random.Random, group: str, year: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
               "Which CoP group did you attend?", "The CoP was time well spent", *_OPEN[:2], _CONSENT_Q, _OPEN[2]])
    for k, ans in enumerate(answers, 1):
        ans = ans + [None] * (3 - len(ans))
        t0 = _ts(rng, year)
        ws.append([k, t0, t0 + dt.timedelta(seconds=rng.randint(120, 1500)), "anonymous", None, None,
                   f"Group {rng.randint(1, 4)}", rng.choice(["Agree", "Strongly agree", "Neutral"]),
                   ans[0], ans[1], _consent(rng), ans[2]])
    wb.save(path)


def write_transcript(path: Path, turns: list[str], rng: random.Random, teams: bool) -> Path:
    """A Zoom or Teams VTT of ``turns`` (alternating speakers) and its roster CSV; returns the roster path."""
    people = rng.sample([f"{f} {l}" for f in _FIRST for l in _LAST], 7)
    lines = ["WEBVTT", ""]
    t = rng.uniform(2, 10)
    prev = None
    for k, text in enumerate(turns):
        speaker = rng.choice([p for p in people if p != prev])
        prev = speaker
        dur = max(1.5, len(text) / 14)

        def ts(x):
            return f"{int(x // 3600):02d}:{int(x % 3600 // 60):02d}:{x % 60:06.3f}"
        if not teams:
            lines.append(str(k + 1))
        lines.append(f"{ts(t)} --> {ts(t + dur)}")
        lines.append(f"<v {speaker}>{text}</v>" if teams else f"{speaker}: {text}")
        lines.append("")
        t += dur + rng.uniform(0.2, 3)
    path.write_text("\n".join(lines), encoding="utf-8")
    roster = path.with_name(path.stem + "_roster.csv")
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "role", "quote_consent", "aliases"])
        for i, p in enumerate(people):
            w.writerow([p, "participant", "no" if rng.random() < 0.15 else "yes", p.split()[0]])
    return roster


_FORMATS = [("qualtrics", 0.35), ("surveymonkey", 0.25), ("forms", 0.20), ("zoom", 0.10), ("teams", 0.10)]


def build_px_folder(folder: Path, texts: list[str], rng: random.Random) -> dict:
    """Write ``texts`` (one unit each) as survey exports and transcripts under ``folder``, with a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    files, rosters = [], {}
    pos = 0
    n = len(texts)
    counts = {}
    fid = 0
    while pos < n:
        fmt = rng.choices([f for f, _ in _FORMATS], weights=[w for _, w in _FORMATS])[0]
        group, year = rng.choice(_GROUPS), rng.choice(_YEARS)
        slug = group.lower().replace(" ", "_").replace("-", "_")
        size = min(n - pos, rng.randint(100, 500))
        chunk = texts[pos:pos + size]
        pos += size
        fid += 1
        if fmt in ("zoom", "teams"):
            p = folder / "focus_groups" / f"fg{fid:03d}_{slug}_{year}_{fmt}.vtt"
            p.parent.mkdir(exist_ok=True)
            r = write_transcript(p, chunk, rng, teams=fmt == "teams")
            rosters[p.name] = {"group": group, "year": year, "source_kind": "focus_group",
                               "roster": f"focus_groups/{r.name}"}
        else:
            answers = [chunk[i:i + 3] for i in range(0, len(chunk), 3)]
            ext = "xlsx" if fmt == "forms" else "csv"
            p = folder / "surveys" / f"s{fid:03d}_{slug}_{year}_{fmt}.{ext}"
            p.parent.mkdir(exist_ok=True)
            {"qualtrics": write_qualtrics, "surveymonkey": write_surveymonkey, "forms": write_forms}[fmt](
                p, answers, rng, group, year)
            rosters[p.name] = {"group": group, "year": year, "source_kind": "survey"}
        counts[fmt] = counts.get(fmt, 0) + len(chunk)
        files.append(p)
    write_manifest(folder, rosters)
    return {"files": len(files), "units_by_format": counts}


def write_manifest(folder: Path, per_file: dict) -> None:
    """The manifest: format-wide open questions / consent columns by glob, then group/year per file."""
    import yaml

    entries = {
        "surveys/*_qualtrics.csv": {"source_kind": "survey", "open_questions": ["Q2", "Q3", "Q4"], "consent_column": "Q5"},
        "surveys/*_surveymonkey.csv": {"source_kind": "survey", "open_questions": list(_OPEN), "consent_column": _CONSENT_Q},
        "surveys/*_forms.xlsx": {"source_kind": "survey", "open_questions": list(_OPEN), "consent_column": _CONSENT_Q},
        "focus_groups/*.vtt": {"source_kind": "focus_group"},
        # an added export (the incremental step) matches this glob without touching the manifest
        "added/*.csv": {"source_kind": "survey", "group": "RRE", "year": "2025-2026",
                        "open_questions": ["Q2", "Q3", "Q4"], "consent_column": "Q5"},
    }
    for name, meta in sorted(per_file.items()):
        sub = "focus_groups" if name.endswith(".vtt") else "surveys"
        entries[f"{sub}/{name}"] = {k: v for k, v in meta.items() if k != "source_kind"}
    doc = {"exclude": ["focus_groups/*_roster.csv"], "files": entries}
    (folder / "copquotes.yaml").write_text(
        "# generated by benchmarks/pipeline.py: pxtextmining comments as CoP exports\n"
        + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def sample_units() -> int:
    """Units of the sample corpus, read with the ingest readers (no models)."""
    from copquotes.ingest import discover, read

    disc = discover([ROOT / "corpus"], {})
    return sum(sum(1 for _ in read(s).units) for s in disc.sources)


def build_corpus(base: Path, n: int, pool: list[str], n_sample: int) -> dict:
    """``base/corpus_<n>``: the sample corpus plus ``n - n_sample`` pxtextmining comments as exports."""
    folder = base / f"corpus_{n}"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "corpus", folder / "sample", ignore=shutil.ignore_patterns("labelled", "__pycache__"))
    n_px = max(0, n - n_sample)
    info = build_px_folder(folder / "px", comments(pool, n_px), random.Random(SEED + n))
    info.update(folder=str(folder), sample_units=n_sample, px_units=n_px)
    return info


def write_added(corpus: Path, pool: list[str], offset: int, n: int = 100) -> Path:
    p = corpus / "px" / "added" / "added_survey_qualtrics.csv"
    p.parent.mkdir(parents=True, exist_ok=True)
    texts = comments(pool, n, offset)
    write_qualtrics(p, [texts[i:i + 3] for i in range(0, n, 3)], random.Random(SEED - 1), "RRE", "2025-2026")
    return p


# ----------------------------------------------------------------------------- measuring
def _tree_rss(root: int) -> int:
    """Summed RSS (bytes) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(parts[1]), int(parts[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(d)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def measure(cmd: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd``; wall seconds, exit code, stdout, peak RSS (largest process, and the tree's sampled sum)."""
    out_path = log.with_suffix(".out")
    with open(out_path, "wb") as out, open(log, "ab") as err:
        err.write(("\n$ " + " ".join(map(str, cmd)) + "\n").encode())
        err.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    peak[0] = max(peak[0], _tree_rss(proc.pid))
                except Exception:
                    pass
                done.wait(0.2)
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    return {"wall": round(wall, 2), "rc": proc.returncode, "stdout": stdout,
            "maxrss_mb": round(ru.ru_maxrss / 1024, 1), "tree_peak_mb": round(peak[0] / 2**20, 1),
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 1)}


def _json_tail(stdout: str) -> dict:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return {}


def run_copquotes(corpus: Path, ws: Path, log: Path, env: dict) -> dict:
    r = measure([*COPQUOTES, "-q", "run", str(corpus), "--workspace", str(ws), "--json"], log, env=env)
    if r["rc"] != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"copquotes run failed (exit {r['rc']}); log {log}:\n{tail}")
    rep = _json_tail(r["stdout"])
    stages = {k: round(float(v.get("seconds", 0.0)), 2) for k, v in rep.get("stages", {}).items()}
    skipped = [k for k, v in rep.get("stages", {}).items() if v.get("skipped")]
    # a stage run in the child process beside the others (anonymise; quotes beside topics): its
    # wall overlaps theirs
    beside = [k for k, v in rep.get("stages", {}).items() if v.get("background")]
    details = {k: {kk: vv for kk, vv in v.items() if isinstance(vv, (int, float, str)) and kk != "seconds"}
               for k, v in rep.get("stages", {}).items()}
    r.pop("stdout")
    r.update(stages=stages, skipped=skipped, beside=beside, details=details,
             ingest_and_startup=round(r["wall"] - sum(v for k, v in stages.items() if k not in beside), 2),
             files={s: sum(1 for f in rep.get("ingest", {}).get("files", []) if f["status"] == s)
                    for s in ("added", "replaced", "unchanged")})
    return r


_REF_EMBED = """
import json, sys, time
t0 = time.perf_counter()
import copquotes; copquotes.configure()  # offline, as copquotes runs
import torch
from sentence_transformers import SentenceTransformer
from copquotes.resources import embedding_model_path
texts = json.load(open(sys.argv[1]))
st = SentenceTransformer(embedding_model_path(), device="cpu")
t1 = time.perf_counter()
st.encode(texts, batch_size=64, show_progress_bar=False)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "encode": t2 - t1, "threads": torch.get_num_threads()}))
"""

_REF_BERTOPIC = """
import json, sys, time
t0 = time.perf_counter()
import copquotes; copquotes.configure()  # offline, as copquotes runs
from sentence_transformers import SentenceTransformer
from bertopic import BERTopic
from copquotes.resources import embedding_model_path
texts = json.load(open(sys.argv[1]))
st = SentenceTransformer(embedding_model_path(), device="cpu")
t1 = time.perf_counter()
topics, _ = BERTopic(embedding_model=st).fit_transform(texts)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "fit_transform": t2 - t1, "topics": len(set(topics) - {-1})}))
"""


def run_reference(script: str, texts_path: Path, log: Path, env: dict) -> dict:
    r = measure([sys.executable, "-c", script, str(texts_path)], log, env=env, cwd=ROOT)
    if r["rc"] != 0:
        raise SystemExit(f"reference failed (exit {r['rc']}); log {log}")
    r.update(_json_tail(r.pop("stdout")))
    return r


def workspace_stats(ws: Path) -> dict:
    from copquotes.text import sentence_spans

    con = sqlite3.connect(f"file:{ws / 'copquotes.sqlite'}?mode=ro", uri=True)
    try:
        texts = [r[0] for r in con.execute("SELECT text FROM units ORDER BY unit_id")]
    finally:
        con.close()
    sents = {t[s:e] for t in texts for s, e in (sentence_spans(t) or [(0, len(t))])}
    distinct = set(texts)
    return {"units": len(texts), "distinct_unit_texts": len(distinct), "distinct_sentences": len(sents),
            "distinct_texts_to_embed": len(distinct | sents),
            "chars_units": sum(map(len, texts)), "chars_distinct_to_embed": sum(map(len, distinct | sents))}, texts


# ----------------------------------------------------------------------------- the run
def bench_size(n: int, base: Path, pool: list[str], n_sample: int, env: dict, refs: bool,
               incremental: bool, log: Path) -> dict:
    print(f"[{n}] building corpus", flush=True)
    t = time.perf_counter()
    info = build_corpus(base, n, pool, n_sample)
    info["build_seconds"] = round(time.perf_counter() - t, 1)
    corpus = Path(info["folder"])
    ws = base / f"ws_{n}"
    shutil.rmtree(ws, ignore_errors=True)
    res: dict = {"size": n, "corpus": info}

    print(f"[{n}] copquotes run (cold)", flush=True)
    res["cold"] = run_copquotes(corpus, ws, log, env)
    stats, texts = workspace_stats(ws)
    res["texts"] = stats
    res["cold"]["units_per_s"] = round(stats["units"] / res["cold"]["wall"], 1)
    print(f"[{n}]   cold {res['cold']['wall']} s {res['cold']['stages']}", flush=True)

    print(f"[{n}] copquotes run (warm)", flush=True)
    res["warm"] = run_copquotes(corpus, ws, log, env)
    print(f"[{n}]   warm {res['warm']['wall']} s", flush=True)

    if refs:
        tp = base / f"texts_{n}.json"
        tp.write_text(json.dumps(texts), encoding="utf-8")
        print(f"[{n}] reference: embedding model alone", flush=True)
        res["ref_embed"] = run_reference(_REF_EMBED, tp, log, env)
        print(f"[{n}]   {res['ref_embed']['wall']} s", flush=True)
        print(f"[{n}] reference: BERTopic out of the box", flush=True)
        res["ref_bertopic"] = run_reference(_REF_BERTOPIC, tp, log, env)
        print(f"[{n}]   {res['ref_bertopic']['wall']} s", flush=True)

    if incremental:
        print(f"[{n}] incremental: +100 units", flush=True)
        added = write_added(corpus, pool, offset=max(0, n - n_sample) + 50_000)
        inc = run_copquotes(corpus, ws, log, env)
        inc["added_file"] = added.name
        inc["topic_refit_s"] = inc["stages"].get("topics", 0.0)
        inc["without_topic_refit_s"] = round(inc["wall"] - inc["topic_refit_s"], 2)
        res["incremental"] = inc
        print(f"[{n}]   +100: {inc['wall']} s (topics {inc['topic_refit_s']} s)", flush=True)
    return res


def _fmt(x, nd=1):
    return "-" if x is None else f"{x:.{nd}f}"


STAGES = ["anonymise", "embed", "tag", "topics", "quotes"]


def to_markdown(report: dict) -> str:
    L = ["# Pipeline speed benchmark", "",
         f"Run {report['started']} on {report['machine']}; `{report['command']}`. "
         f"Load average at start {report['loadavg_start']}, at end {report['loadavg_end']} "
         "(other jobs share the 2 cores: compare rows of the same run).", "",
         "## copquotes run, cold and warm, beside the references", "",
         "| units | distinct texts embedded | run | wall s | ingest+startup | " + " | ".join(STAGES)
         + " | units/s | peak RSS MB (largest / tree) |",
         "|---|---|---|---|---|" + "---|" * len(STAGES) + "---|---|"]
    for r in report["sizes"]:
        t = r["texts"]
        for kind in ("cold", "warm", "incremental"):
            x = r.get(kind)
            if not x:
                continue
            label = {"cold": "cold", "warm": "warm (nothing changed)", "incremental": f"+100 units ({x.get('added_file')})"}[kind]
            st = x["stages"]
            cells = [_fmt(st.get(s), 1) + (" (skip)" if s in x.get("skipped", []) else "")
                     + (" (beside)" if s in x.get("beside", []) else "") for s in STAGES]
            ups = _fmt(x.get("units_per_s"), 0) if kind == "cold" else "-"
            L.append(f"| {t['units']:,} | {t['distinct_texts_to_embed']:,} | {label} | {_fmt(x['wall'])} | "
                     f"{_fmt(x['ingest_and_startup'])} | " + " | ".join(cells)
                     + f" | {ups} | {x['maxrss_mb']:.0f} / {x['tree_peak_mb']:.0f} |")
        for key, label in (("ref_embed", "embedding model alone (floor)"),
                           ("ref_bertopic", "BERTopic out of the box (embed + fit)")):
            x = r.get(key)
            if x:
                L.append(f"| {t['units']:,} | {t['distinct_unit_texts']:,} | {label} | {_fmt(x['wall'])} | "
                         f"{_fmt(x.get('load'))} (load) | " + " | ".join("-" for _ in STAGES)
                         + f" | {t['units'] / x['wall']:.0f} | {x['maxrss_mb']:.0f} / {x['tree_peak_mb']:.0f} |")
    L += ["", "`ingest+startup` = wall - sum of stage seconds (imports, ingest, fingerprints). "
          "`(beside)`: the stage ran in the child process, so its seconds overlap the parent's stages "
          "and are not in the sum: anonymise (from the start to the moment quotes waited for it) beside "
          "embed, tag and topics; quotes (up to 25,000 units) beside topics, whose seconds therefore "
          "include sharing the two cores with it. "
          "Peak RSS: the largest single process (wait4 ru_maxrss) / the summed RSS of the process tree "
          "(sampled every 0.2 s). Reference walls include loading the model (column `load`).", ""]
    L += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for row in report["targets"]:
        L.append(f"| {row['target']} | {row['measured']} | {'yes' if row['met'] else 'NO'} |")
    L.append("")
    L += ["## Stage details (cold runs)", ""]
    for r in report["sizes"]:
        d = r["cold"].get("details", {})
        L.append(f"- {r['texts']['units']:,} units: " + "; ".join(
            f"{s}: " + ", ".join(f"{k}={v}" for k, v in d.get(s, {}).items() if k not in ("skipped",))
            for s in STAGES if s in d))
    L.append("")
    return "\n".join(L)


def targets(report: dict) -> list[dict]:
    out = []
    by = {r["size"]: r for r in report["sizes"]}
    r10 = by.get(10000)
    if r10 and r10.get("ref_bertopic"):
        c, b = r10["cold"]["wall"], r10["ref_bertopic"]["wall"]
        out.append({"target": "cold run at 10k <= BERTopic out of the box (embed + fit), same run",
                    "measured": f"{c:.1f} s vs {b:.1f} s ({c / b:.2f}x)", "met": c <= b})
    for r in report["sizes"]:
        out.append({"target": f"warm re-run <= 10 s ({r['texts']['units']:,} units)",
                    "measured": f"{r['warm']['wall']:.1f} s", "met": r["warm"]["wall"] <= 10})
    for r in report["sizes"]:
        inc = r.get("incremental")
        if inc:
            out.append({"target": f"+100 units to a {r['texts']['units']:,}-unit workspace <= 15 s + topic refit",
                        "measured": f"{inc['wall']:.1f} s total, topic refit {inc['topic_refit_s']:.1f} s, "
                                    f"rest {inc['without_topic_refit_s']:.1f} s",
                        "met": inc["without_topic_refit_s"] <= 15})
    r50 = by.get(50000)
    if r50:
        m = max(r50["cold"]["tree_peak_mb"], r50["cold"]["maxrss_mb"])
        out.append({"target": "peak memory <= 3 GB at 50k units", "measured": f"{m:.0f} MB", "met": m <= 3072})
    for r in report["sizes"]:
        d = r["cold"].get("details", {}).get("anonymise", {}).get("stage_seconds") or r["cold"]["stages"].get("anonymise")
        if d:
            ups = r["texts"]["units"] / d
            out.append({"target": f"anonymise >= 300 units/s ({r['texts']['units']:,} units)",
                        "measured": f"{ups:.0f} units/s", "met": ups >= 300})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,50000", help="comma-separated corpus sizes in units")
    ap.add_argument("--quick", action="store_true", help="1k only (unless --sizes), results to pipeline_quick.*")
    ap.add_argument("--no-refs", action="store_true", help="skip the embedding-model and BERTopic references")
    ap.add_argument("--refs-up-to", type=int, default=None, metavar="N",
                    help="measure the references only for sizes <= N (the 10k target needs them at 10k)")
    ap.add_argument("--keep", metavar="DIR", help="build corpora and workspaces in DIR and keep them")
    ap.add_argument("--incremental-size", type=int, default=10000,
                    help="the size whose workspace gets 100 more units (default 10000; the largest if absent)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick and "--sizes" not in " ".join(sys.argv):
        sizes = [1000]
    inc_size = args.incremental_size if args.incremental_size in sizes else max(sizes)

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="copquotes-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    log = base / "bench.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               COPQUOTES_PROGRESS="0", TOKENIZERS_PARALLELISM="false")
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    report = {"started": started, "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "command": "python benchmarks/pipeline.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "loadavg_start": " ".join(f"{x:.1f}" for x in os.getloadavg()), "sizes": []}
    pool = load_pool()
    n_sample = sample_units()
    report["pool"] = {"comments": len(pool), "distinct": len(set(pool)), "sample_corpus_units": n_sample}
    try:
        for n in sorted(sizes):
            report["sizes"].append(bench_size(n, base, pool, n_sample, env, refs=not args.no_refs and (args.refs_up_to is None or n <= args.refs_up_to),
                                              incremental=n == inc_size, log=log))
            _write(report, args.quick)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    report["loadavg_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    _write(report, args.quick)
    print((RESULTS / ("pipeline_quick.md" if args.quick else "pipeline.md")).read_text())
    return 0


def _write(report: dict, quick: bool) -> None:
    report.setdefault("loadavg_end", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    report["targets"] = targets(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "pipeline_quick" if quick else "pipeline"
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    (RESULTS / f"{stem}.md").write_text(to_markdown(report), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
