"""The Ray engine on a cluster of two nodes, against the local engine, on the same inputs.

Usage (from the repository root)::

    .venv/bin/python benchmarks/engines_two_nodes.py [INPUT ...] [--keep DIR] [--stem engines_equal_two_nodes]

Starts two Ray nodes on this machine (``ray.cluster_utils.Cluster``: a head and a second raylet,
each with 1 CPU and 2 GiB of Ray memory, its own object store and worker processes), runs
``copquotes run INPUT --engine ray --address HEAD`` on it and ``copquotes run INPUT`` (the local
engine), and compares the two workspaces as ``benchmarks/engines_equal.py`` does. While the Ray
run works, the map actors' processes are sampled from ``ps`` every second: the results say under
which node's raylet each ran, so that the run is seen to use both nodes. INPUT defaults to the
sample corpus. Writes ``benchmarks/results/STEM.json`` and ``STEM.md``.

Two raylets on one machine exercise what a cluster of machines adds to one node (scheduling
actors on the other node, moving partitions between object stores), not the network.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
ACTOR = "ray::MapWorker"


def _copquotes(*args: str) -> float:
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "copquotes", "-q", "run", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return round(time.monotonic() - t0, 1)


def _actors(stop: threading.Event, seen: dict) -> None:
    """``seen[pid] = parent pid`` of every map actor's process, until ``stop``."""
    while not stop.is_set():
        out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
        for line in out.splitlines():
            pid, ppid, args = line.split(None, 2)
            if args.startswith(ACTOR):
                seen[int(pid)] = int(ppid)
        stop.wait(1.0)


def _raylets(cluster) -> dict[int, str]:
    """Raylet process id -> node name (``head``, ``node 2``)."""
    out = {}
    for k, node in enumerate([cluster.head_node, *cluster.worker_nodes]):
        for info in node.all_processes.get("raylet", []):
            out[info.process.pid] = "head" if k == 0 else f"node {k + 1}"
    return out


def main(argv=None) -> int:
    from benchmarks.engines_equal import compare, to_markdown

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", default=[str(ROOT / "corpus")])
    ap.add_argument("--keep", type=Path, help="build the workspaces here and keep them (default: a temporary folder)")
    ap.add_argument("--stem", default="engines_equal_two_nodes")
    args = ap.parse_args(argv)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    from ray.cluster_utils import Cluster

    base = args.keep or Path(tempfile.mkdtemp(prefix="cq2n"))
    base.mkdir(parents=True, exist_ok=True)
    local, ray_ws = base / "ws_local", base / "ws_ray"
    for ws in (local, ray_ws):
        shutil.rmtree(ws, ignore_errors=True)
    node = {"num_cpus": 1, "memory": 2 << 30}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        cluster.add_node(**node)
        cluster.wait_for_nodes()
        raylets = _raylets(cluster)
        seen: dict[int, int] = {}
        stop = threading.Event()
        poll = threading.Thread(target=_actors, args=(stop, seen), daemon=True)
        poll.start()
        ray_seconds = _copquotes(*args.inputs, "--workspace", str(ray_ws), "--engine", "ray",
                                 "--address", cluster.address)
        stop.set()
        poll.join()
    finally:
        session = cluster.head_node.get_session_dir_path()
        cluster.shutdown()
        shutil.rmtree(session, ignore_errors=True)   # the cluster's logs, in Ray's temporary folder
        latest = Path(session).parent / "session_latest"
        if latest.is_symlink() and os.readlink(latest) == session:
            latest.unlink()
    local_seconds = _copquotes(*args.inputs, "--workspace", str(local))
    rep = compare(local, ray_ws)
    per_node: dict[str, int] = {}
    for ppid in seen.values():
        name = raylets.get(ppid, "elsewhere")
        per_node[name] = per_node.get(name, 0) + 1
    rep.update(date=time.strftime("%Y-%m-%d %H:%M"),
               command=" ".join(["python benchmarks/engines_two_nodes.py", *(argv if argv is not None else sys.argv[1:])]),
               workspaces="ws_local, ws_ray", seconds={"local": local_seconds, "ray": ray_seconds},
               actors_per_node=per_node,
               built_by=(f"this script: two Ray nodes on this machine (1 CPU and 2 GiB of Ray memory each); map actor "
                         f"processes by node: {json.dumps(per_node)}; wall time local {local_seconds} s, "
                         f"Ray {ray_seconds} s"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.stem}.json").write_text(json.dumps(rep, indent=1, default=str) + "\n")
    md = to_markdown(rep)
    (RESULTS / f"{args.stem}.md").write_text(md)
    print(md)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    two = len([n for n in per_node if n != "elsewhere"]) == 2
    return 0 if two and all(v["differ"] == 0 for v in rep["comparisons"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
