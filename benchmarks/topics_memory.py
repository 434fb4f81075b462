"""Peak memory and time of the ``topics`` stage alone, forced in a fresh process per workspace.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/topics_memory.py [--label L] [--code DIR] WS [WS ...]

Each ``WS`` must be a copy of a built workspace (the stage rewrites its ``unit_topics``,
``topic_info`` and ``figures``). ``--code DIR`` runs the copquotes found in ``DIR`` instead (e.g.
an older commit unpacked with ``git archive``), to measure before and after a change on the
same workspaces. One row per workspace is appended to ``benchmarks/results/topics_memory.md``:
units, maximum resident set size of the child process (``wait4``), seconds, the load before and
after, the commit of this checkout and the command. Run it under ``flock /tmp/heavy.lock``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "topics_memory.md"
CHILD = ("import json, sys\n"
         "from copquotes.workspace import Workspace\n"
         "from copquotes.topics import stage\n"
         "ws = Workspace.open(sys.argv[1])\n"
         "s = stage.run(ws, progress=False)\n"
         "print(json.dumps({'units': s['units'], 'fitted': s['fitted_units'], 'topics': s['topics'],\n"
         "                  'code': stage.__file__}))\n")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def measure(ws: str, code: str | None) -> dict:
    """Run the stage on ``ws`` in a child process; its peak RSS (MB), seconds and summary."""
    env = dict(os.environ, COPQUOTES_PROGRESS="0")
    # the child starts in the folder whose copquotes it must import (``python -c`` puts its
    # working folder first on sys.path, before PYTHONPATH)
    where = Path(code).resolve() if code else HERE.parent
    env["PYTHONPATH"] = str(where)
    load_before = _load()
    t = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(Path(ws).resolve())], env=env, cwd=where,
                             stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the stage failed on {ws} (exit {os.waitstatus_to_exitcode(status)})")
    import json

    return {"summary": json.loads(out.strip().splitlines()[-1]), "max_rss_mb": usage.ru_maxrss / 1024,
            "seconds": seconds, "load": f"{load_before} -> {_load()}"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspaces", nargs="+")
    ap.add_argument("--label", default="", help="what is measured, e.g. 'before' or 'after'")
    ap.add_argument("--code", default=None, help="a folder with the copquotes package to run instead")
    a = ap.parse_args(argv)
    command = "PYTHONPATH=$PWD .venv/bin/python benchmarks/topics_memory.py " + " ".join(
        shlex.quote(x) for x in (argv if argv is not None else sys.argv[1:]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    new = not RESULTS.exists()
    with open(RESULTS, "a", encoding="utf-8") as fh:
        if new:
            fh.write("# topics stage alone: peak memory and time\n\n"
                     "Written by `benchmarks/topics_memory.py` (one row per run, appended).\n\n"
                     "| when (UTC) | label | commit | units | fitted | topics | max RSS MB | seconds | load | command |\n"
                     "|---|---|---|---|---|---|---|---|---|---|\n")
        for ws in a.workspaces:
            r = measure(ws, a.code)
            s = r["summary"]
            row = (f"| {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} | {a.label} | {_commit()} | {s['units']:,} | "
                   f"{s['fitted']:,} | {s['topics']} | {r['max_rss_mb']:,.0f} | {r['seconds']:.1f} | {r['load']} | "
                   f"`{command}` |\n")
            fh.write(row)
            fh.flush()
            print(row, end="", flush=True)
            print("  ran", s["code"], flush=True)


if __name__ == "__main__":
    main()
