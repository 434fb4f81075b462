"""Reviewer save latency while each stage runs on a large workspace (issue 23: "a reviewer's save is
never blocked by a running stage for more than 1 s").

Builds a workspace of ``--units`` units from public NHS feedback comments (pxtextmining, as
``benchmarks/pipeline.py`` does: ``$COPQUOTES_BENCH_DATA/pxtextmining``): a first folder of
exports and transcripts (``--base`` units, many files) is analysed with ``copquotes run``; then a
second folder (more files, plus ONE large Qualtrics export of ``--big`` units) is ingested and
analysed stage by stage (``copquotes analyse --stage NAME``, each a separate process), and
finally the stages named in ``--forced`` are forced over the whole workspace. During each of
these phases a reviewer in this process saves approvals, rejections, edits, resets and manual
redactions in a loop through the real review API (what the app calls), ``--pause`` seconds
apart. Per phase: the number of saves, their median, p99 and longest latency, the longest wait for
the database's write lock, and (from the child's ``--debug`` log) the longest write transaction
the stage held. At the end every saved decision and manual redaction is checked
(``benchmarks.faults.check``: integrity, 0 lost).

    COPQUOTES_BENCH_DATA=... python benchmarks/save_latency.py                 # 22,000 units
    COPQUOTES_BENCH_DATA=... python benchmarks/save_latency.py --units 3000 --big 1500 --base 800 --out /tmp/x
Results: benchmarks/results/save_latency.json and save_latency.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import pipeline as pb  # noqa: E402
from benchmarks.faults import (Ledger, _env, _time_lock_waits, check, cli, cli_cmd, decide,  # noqa: E402
                               save_redaction)
from copquotes import review  # noqa: E402
from copquotes.workspace import Workspace  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
STAGES = ("anonymise", "embed", "tag", "topics", "quotes")
# words common in the feedback comments, for manual redactions
WORDS = ("staff", "nurse", "nurses", "doctor", "reception", "appointment", "ward", "waiting", "receptionist", "team")
TARGET_S = 1.0


def build(root: Path, units: int, base: int, big: int) -> dict:
    pool = pb.load_pool()
    more = units - base - big
    if min(base, more, big) <= 0:
        raise SystemExit("--units must exceed --base + --big")
    texts = pb.comments(pool, units)
    info = {"base": pb.build_px_folder(root / "base", texts[:base], random.Random(pb.SEED + 1)),
            "more": pb.build_px_folder(root / "more", texts[base:base + more], random.Random(pb.SEED + 2))}
    big_path = root / "more" / "added" / "big_survey_qualtrics.csv"   # the manifest's "added/*.csv" glob
    big_path.parent.mkdir(parents=True, exist_ok=True)
    chunk = texts[base + more:]
    pb.write_qualtrics(big_path, [chunk[i:i + 3] for i in range(0, len(chunk), 3)], random.Random(pb.SEED + 3),
                       "RRE", "2025-2026")
    info["big"] = {"path": big_path.name, "answers": len(chunk), "rows": (len(chunk) + 2) // 3,
                   "mb": round(big_path.stat().st_size / 1e6, 1)}
    return info


def copy_big(data: Path) -> dict:
    """A second large export beside the first: the same answers from new respondents (new ids, times)."""
    import csv
    import io

    src = data / "more" / "added" / "big_survey_qualtrics.csv"
    rows = list(csv.reader(io.StringIO(src.read_bytes().decode("utf-8-sig"))))
    rng = random.Random(pb.SEED + 4)
    for r in rows[3:]:
        r[8] = f"R_{rng.getrandbits(60):015x}"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    dst = src.with_name("big_copy_qualtrics.csv")
    dst.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    answers = sum(1 for r in rows[3:] for a in r[12:15] if a.strip())
    return {"big": {"path": dst.name, "answers": answers, "rows": len(rows) - 3, "mb": round(dst.stat().st_size / 1e6, 1),
                    "note": "a second export with the answers of the first (new respondents), ingested into the "
                            "analysed workspace of an earlier run"}}


def redact_some(ws, ledger: Ledger, rng: random.Random) -> bool:
    """A reviewer hides a word still visible in a unit's anonymised text (a manual redaction)."""
    word = rng.choice(WORDS)
    rows = ws.conn.execute(
        "SELECT a.unit_id FROM anon a JOIN quotable_units u ON u.unit_id = a.unit_id"
        " WHERE instr(a.text, ?) > 0 LIMIT 200", (f" {word} ",)).fetchall()
    if not rows:
        return False
    return save_redaction(ws, ledger, rng.choice(rows)[0], word)


def reviewer(proc: subprocess.Popen, ws_path: Path, ledger: Ledger, rng: random.Random, pause: float) -> None:
    ws = Workspace.open(ws_path)
    _time_lock_waits(ws, ledger)
    n = 0
    try:
        while proc.poll() is None:
            n += 1
            time.sleep(pause)
            if n % 5 == 0:
                redact_some(ws, ledger, rng)
                continue
            try:
                if decide(ws, ledger, rng.choice(["approve", "approve", "edit", "reject"]), rng) is None:
                    decide(ws, ledger, "reset", rng)
            except review.UnsafeEditError:   # the edit check refused it (timed; nothing saved)
                pass
    finally:
        ws.close()


def longest_write(log: Path) -> tuple[float | None, str | None]:
    best, where = None, None
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.search(r"write transaction held the database ([\d.]+) s \((.*)\)", line)
        if m and (best is None or float(m.group(1)) > best):
            best, where = float(m.group(1)), m.group(2)
    return best, where


def phase(name: str, args: list, ws: Path, ledger: Ledger, rng: random.Random, pause: float, logs: Path) -> dict:
    log = logs / f"{re.sub(r'[^a-z0-9]+', '_', name)}.log"
    i0, w0 = len(ledger.latencies), len(ledger.lock_waits)
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(cli_cmd(*args, "-q", "--debug"), env=_env(), stdout=subprocess.DEVNULL, stderr=err)
        reviewer(proc, ws, ledger, rng, pause)
        proc.wait()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed ({proc.returncode}): see {log}")
    lat = sorted(ledger.latencies[i0:])
    waits = ledger.lock_waits[w0:]
    held, where = longest_write(log)
    q = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else None  # noqa: E731
    row = {"phase": name, "command": "copquotes " + " ".join(str(a) for a in args if not str(a).startswith("/")),
           "seconds": round(seconds, 1), "saves": len(lat),
           "save_median_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
           "save_p99_ms": q(0.99), "save_max_ms": round(lat[-1] * 1000, 1) if lat else None,
           "lock_wait_max_ms": round(max(waits) * 1000, 1) if waits else None,
           "longest_write_s": held, "longest_write_at": where,
           "under_target": bool(lat) and lat[-1] < TARGET_S}
    print(f"  {name:<34} {seconds:6.1f}s  saves {len(lat):4d}  median {row['save_median_ms']} ms  p99 "
          f"{row['save_p99_ms']} ms  max {row['save_max_ms']} ms  (longest write held {held} s at {where})",
          file=sys.stderr, flush=True)
    return row


def n_units(ws: Path) -> int:
    w = Workspace.open(ws)
    try:
        return w.n_units()
    finally:
        w.close()


def to_markdown(p: dict) -> str:
    worst = max((r["save_max_ms"] or 0) for r in p["phases"])
    lines = ["# Reviewer save latency while stages run (benchmarks/save_latency.py)", "",
             f"Run {p['started']}, {p['units']:,} units in the workspace ({p['files']} files; the large survey export "
             f"`{p['corpus']['big']['path']}`: {p['corpus']['big']['rows']:,} respondents, {p['corpus']['big']['answers']:,} "
             f"answers, {p['corpus']['big']['mb']} MB{'; ' + p['corpus']['big']['note'] if p['corpus']['big'].get('note') else ''}), {p['machine']}. Command: `{p['command']}`; {p['seconds']:.0f} s "
             f"(building the base workspace {p['build_seconds']:.0f} s).", "",
             f"A reviewer saves (approve, reject, edit, reset, manual redaction) through the review API every "
             f"{p['pause']} s while each phase runs in its own process. **Target: every save under 1 s: "
             f"{'PASS' if worst < TARGET_S * 1000 else 'FAIL'}** (longest {worst:.0f} ms). Decisions saved "
             f"{p['check']['decisions']}, lost **{p['check']['decisions_lost']}**; manual redactions "
             f"{p['check']['redactions']}, lost **{p['check']['redactions_lost']}**; integrity {p['check']['integrity']}.", "",
             "`longest write` = the longest write transaction the phase's process held (from its debug log; "
             "a save waits at most this long for the database's write lock).", "",
             "| phase | s | saves | median ms | p99 ms | max ms | lock wait max ms | longest write s (where) | < 1 s |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in p["phases"]:
        lw = "-" if r["longest_write_s"] is None else f"{r['longest_write_s']:.2f} ({r['longest_write_at'].split(' < ')[0]})"
        lines.append(f"| {r['phase']} | {r['seconds']} | {r['saves']} | {r['save_median_ms']} | {r['save_p99_ms']} | "
                     f"{r['save_max_ms']} | {r['lock_wait_max_ms']} | {lw} | {'yes' if r['under_target'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=22000, help="units in the end (default 22,000)")
    ap.add_argument("--base", type=int, default=5000, help="units of the first, analysed folder (default 5,000)")
    ap.add_argument("--big", type=int, default=12000, help="answers in the one large survey export (default 12,000)")
    ap.add_argument("--forced", default="anonymise,tag,quotes", help="stages then forced over the whole workspace")
    ap.add_argument("--pause", type=float, default=0.05, help="seconds between a reviewer's saves (default 0.05)")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--stem", default="save_latency", help="file names of the results (default save_latency)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", default="", help="keep the scratch folder here")
    ap.add_argument("--reuse", default="",
                    help="a scratch folder kept by an earlier run (--keep): its analysed workspace is used as it is "
                         "and a second large export with the same answers (new respondents) is ingested (its "
                         "texts are in the embedding cache, so the run takes minutes, not half an hour)")
    args = ap.parse_args(argv)
    root = Path(args.reuse or args.keep) if (args.reuse or args.keep) else Path(tempfile.mkdtemp(prefix="copquotes-saves-"))
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    started = time.strftime("%Y-%m-%d %H:%M")
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    ws = root / "ws"
    logs = root / "logs"
    logs.mkdir(exist_ok=True)
    try:
        if args.reuse:
            corpus = copy_big(root / "data")
            build_s = 0.0
        else:
            corpus = build(root / "data", args.units, args.base, args.big)
            tb = time.perf_counter()
            cli("run", root / "data" / "base", "--workspace", ws, timeout=7200)
            build_s = time.perf_counter() - tb
        ledger = Ledger()
        phases = [phase("ingest (the second large export)" if args.reuse else "ingest (new files + the large export)",
                        ["ingest", root / "data" / "more", "--workspace", ws], ws, ledger, rng, args.pause, logs)]
        for st in STAGES:
            phases.append(phase(f"{st} (new units)", ["analyse", "--workspace", ws, "--stage", st], ws, ledger, rng,
                                args.pause, logs))
        for st in [s.strip() for s in args.forced.split(",") if s.strip()]:
            phases.append(phase(f"{st} (forced, every unit)", ["analyse", "--workspace", ws, "--stage", st, "--force"],
                                ws, ledger, rng, args.pause, logs))
        cli("analyse", "--workspace", ws, timeout=7200)   # anything the saves made stale
        res = check(ws, ledger)
        units = n_units(ws)
        w = Workspace.open(ws)
        files = w.conn.execute("SELECT count(*) FROM files").fetchone()[0]
        w.close()
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(root, ignore_errors=True)
    res.pop("lost", None) if not res.get("lost") else None
    payload = {"started": started, "command": "python benchmarks/save_latency.py " + " ".join(
        argv if argv is not None else sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPUs shared with other work (load average at the start "
                   f"{[round(x, 1) for x in load0]}, at the end {[round(x, 1) for x in os.getloadavg()]})",
        "seconds": round(time.perf_counter() - t0, 1), "build_seconds": round(build_s, 1), "units": units,
        "files": files, "pause": args.pause, "corpus": corpus, "check": res, "phases": phases}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.stem}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    (out / f"{args.stem}.md").write_text(to_markdown(payload), encoding="utf-8")
    print(to_markdown(payload))
    ok = res["decisions_lost"] == 0 and res["redactions_lost"] == 0 and res["integrity"] == "ok"
    return 0 if ok and all(r["under_target"] for r in phases) else 1


if __name__ == "__main__":
    sys.exit(main())
