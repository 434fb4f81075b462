"""The Ray engine gives the answers of the local engine (redactions, tags, topics, the quote
shortlist and the researcher tables) on a slice of the sample corpus.

A real local Ray cluster with two workers (two actors of half a CPU each: a read task and two
one-CPU actors would wait for each other on a 2-core machine), the real spaCy, Presidio and
embedding models in the actors; small partitions so that each map has several.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import copquotes
from copquotes import themescores
from copquotes import unitparts

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray")

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SLICE = ["copquotes.yaml", "rosters/focus_group_roster.csv",
         "focus_groups/early_career_2023-2024_focus_group_teams.vtt",
         "surveys/rre_2022-2023_end_of_series_surveymonkey.csv"]


def _slice(root: Path, files=SLICE) -> Path:
    """The sample corpus's ``files`` copied under ``root/data``."""
    data = root / "data"
    for rel in files:
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, data / rel)
    return data


def _script(code: str, *args, env: dict | None = None, cwd=None) -> dict:
    """``code`` run by this Python in a process of its own (Ray's state, signal handlers and
    thread pools stay there); the JSON it prints last."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rows(ws, sql):
    if callable(sql):
        return sql(ws)
    return [tuple(r) for r in ws.conn.execute(sql)]


# Each engine runs in a process of its own, as `copquotes run` does: the comparison must not
# depend on what earlier tests in this process did to thread pools and caches.
_RUN = """
import json, sys
from pathlib import Path
import copquotes.embed
from copquotes.engines import RayEngine
from copquotes.ingest import discover
from copquotes.pipeline import analyse
from copquotes.workspace import Workspace

name, data, path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
# embedding chunks (and so the embed map's partitions) of 128 texts: several on this slice
copquotes.embed._CHUNK_BATCHES = 2
if name == "ray":
    # the anonymise stage's parts at this slice's size: its two files (51 and 100 units) in two maps
    import copquotes.anonymise.stage
    copquotes.anonymise.stage.GROUP_UNITS = copquotes.anonymise.stage.MAP_UNITS = 60
ws = Workspace.create(path)
ws.ingest(discover([data]).sources, progress=False)
out = {}
if name == "ray":
    import os, signal
    import ray
    before = (signal.getsignal(signal.SIGTERM), os.environ.get("RAY_AUTH_MODE"), os.environ.get("RAY_AUTH_TOKEN"))
    with RayEngine(ws.path, cores=2, actors=2, partition_rows=40, window_rows=80) as engine:
        out["summary"] = analyse(ws, progress=False, engine=engine)
        out["stats"] = [s.as_dict() for s in engine.stats]
    out["left_running"] = ray.is_initialized()
    # what SIGTERM did and the environment are the process's own again
    out["process_restored"] = before == (signal.getsignal(signal.SIGTERM), os.environ.get("RAY_AUTH_MODE"),
                                         os.environ.get("RAY_AUTH_TOKEN"))
else:
    out["summary"] = analyse(ws, progress=False)
ws.close()
print(json.dumps(out, default=str))
"""


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    import json
    import subprocess
    import sys

    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("engines")
    data = _slice(root)
    out = {}
    home = root / "home"     # the runs' home folder: nothing of theirs may land there (a Ray token, say)
    home.mkdir()
    for name in ("local", "ray"):
        proc = subprocess.run([sys.executable, "-c", _RUN, name, str(data), str(root / name)],
                              capture_output=True, text=True, timeout=900, env=dict(os.environ, HOME=str(home)))
        assert proc.returncode == 0, proc.stderr[-3000:]
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        out[f"{name}_summary"] = res["summary"]
        if name == "ray":
            out["stats"], out["ray_left_running"] = res["stats"], res["left_running"]
            out["ray_process_restored"] = res["process_restored"]
        out[name] = Workspace.open(root / name)
    out["home"] = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    yield out
    for name in ("local", "ray"):
        out[name].close()


def test_the_ray_run_maps_over_several_partitions_with_two_actors_and_stops_its_cluster(both):
    kernels = {s["kernel"] for s in both["stats"]}
    assert {"copquotes.anonymise.stage:UnitAnalyser", "copquotes.embed:TextEncoder",
            "copquotes.quotes.sentences:SentenceFeatures"} <= kernels
    for s in both["stats"]:
        assert s["partitions"] == -(-s["rows"] // 40) or s["kernel"] == "copquotes.embed:TextEncoder"
        assert s["windows"] == -(-s["rows"] // 80) or s["kernel"] == "copquotes.embed:TextEncoder"
        assert s["actors"] == min(2, s["partitions"])
        assert s["load_seconds"] > 0   # counted even when the stage stops reading at the last row
    assert not both["ray_left_running"] and both["ray_process_restored"]
    # Ray 2.60 wrote the local cluster's token to ~/.ray/auth_token (tldextract's cache may be there)
    assert [p for p in both["home"] if p.startswith(".ray")] == [], both["home"]
    assert (both["ray"].path / ".ray").is_dir()  # Ray's session files stayed in the workspace
    assert all(not s["skipped"] for s in both["ray_summary"].values())
    # the quotes' sentence features were mapped beside the tag and topics stages: the quotes stage parsed none
    quotes = both["ray_summary"]["quotes"]
    assert quotes["quote_features"] > 0 and quotes["sentence_features_computed"] == 0


def test_the_ray_run_maps_large_inputs_in_parts_and_windows(both):
    """What the driver holds does not grow with the workspace: the anonymise stage maps its
    files a window of units at a time, the engine cuts each map into windows, and the quotes'
    texts for the shortlist are embedded on the cluster. (The sentence features' maps:
    tests/test_quotes_stage.py.)"""
    by_kernel: dict = {}
    for s in both["stats"]:
        by_kernel.setdefault(s["kernel"].rsplit(":", 1)[1], []).append(s)
    assert [s["rows"] for s in by_kernel["UnitAnalyser"]] == [51, 100]
    assert max(s["windows"] for s in by_kernel["UnitAnalyser"]) == 2
    # the embed stage's map of the unit and sentence texts (one chunk here), then the quotes' new texts
    encoder = by_kernel["TextEncoder"]
    assert len(encoder) == 2
    assert 0 < encoder[-1]["rows"] <= both["ray_summary"]["quotes"]["shortlist_vectors"]


@pytest.mark.parametrize("sql", [
    'SELECT unit_id, start, "end", kind, source, status FROM redactions ORDER BY 1, 2, 3, 4',
    "SELECT unit_id, text FROM anon ORDER BY 1",
    'SELECT unit_id, kind, start, "end", reason, severity FROM flags ORDER BY 1, 2, 3, 4',
    lambda ws: [(u, t, lab, ev) for u, t, _, lab, ev in themescores.sorted_rows(ws)],
    "SELECT unit_id, topic FROM unit_topics ORDER BY 1",
    "SELECT topic, label, keywords_json, size FROM topic_info ORDER BY 1",
    "SELECT quote_id, text, edited_text, suggested_text, attribution, flags_json, speaker, status FROM quotes"
    " ORDER BY 1",
], ids=["redactions", "anon", "flags", "tags", "topics", "topic_info", "quotes"])
def test_the_ray_engine_writes_the_same_rows_as_the_local_engine(both, sql):
    local, ray_ = _rows(both["local"], sql), _rows(both["ray"], sql)
    assert local and ray_ == local


@pytest.mark.parametrize("sql", [
    lambda ws: [(u, t, score) for u, t, score, _, _ in themescores.sorted_rows(ws)],
    unitparts.sentence_theme_rows,
    "SELECT quote_id, score FROM quotes ORDER BY 1",
], ids=["unit_scores", "sentence_scores", "quote_scores"])
def test_the_ray_engine_gives_the_same_scores(both, sql):
    local, ray_ = _rows(both["local"], sql), _rows(both["ray"], sql)
    assert [r[:-1] for r in ray_] == [r[:-1] for r in local]
    np.testing.assert_allclose([r[-1] for r in ray_], [r[-1] for r in local], atol=1e-5)


def test_the_shortlist_and_the_tables_are_the_same(both):
    from copquotes.quotes.readers import shortlist
    from copquotes.topics.tables import tables_from_workspace

    ids = lambda ws: [q.id for q in shortlist(ws, top=30)]  # noqa: E731
    assert ids(both["local"]) and ids(both["ray"]) == ids(both["local"])
    t_local, t_ray = tables_from_workspace(both["local"]), tables_from_workspace(both["ray"])
    assert set(t_ray) == set(t_local)
    for name in t_local:
        assert t_ray[name].equals(t_local[name]), name


def test_the_ray_engine_writes_the_bulk_files_the_local_one_leaves_a_small_workspace_without(both):
    from copquotes import bulk
    from copquotes.export import units_table

    assert bulk.status(both["ray"])["state"] == "current"
    assert bulk.status(both["local"])["state"] == "none"
    got = bulk.read(both["ray"].path, "units")
    want = units_table(both["local"])            # the same answers: the local engine's table
    assert list(got["unit_id"]) == list(want["unit_id"])
    assert list(got["text"]) == list(want["text"])
    assert list(got["themes"]) == list(want["themes"])


def _pids(pattern: str) -> list[int]:
    import subprocess

    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_sigterm_stops_a_ray_run_with_the_cluster_it_started(tmp_path):
    """A scheduler's ``kill`` (SIGTERM) unwinds `copquotes run` like Ctrl-C: exit 143, one line,
    and the local cluster stops with it instead of outliving the run. Ray's processes are found by
    the private temporary folder their command lines name (the link to a deep ``WS/.ray``)."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import tempfile
    import threading
    import time

    from copquotes.workspace import Workspace

    data = _slice(tmp_path, ["rosters/focus_group_roster.csv", "copquotes.yaml",
                             "surveys/rre_2022-2023_end_of_series_surveymonkey.csv"])
    tmp = Path(tempfile.mkdtemp(prefix="cqt", dir="/tmp"))   # short, unlike tmp_path: the link to WS/.ray goes here
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["TMPDIR"] = str(tmp)
    ws = tmp_path / "ws"
    proc = subprocess.Popen([sys.executable, "-m", "copquotes", "-q", "run", str(data), "--workspace", str(ws),
                             "--engine", "ray"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: [lines.append(x) for x in iter(proc.stderr.readline, "")], daemon=True)
    reader.start()
    try:
        # the first stage is done: the run is well past ray.init (while that runs, Ray's own
        # handlers are in charge, and an interrupted ray.init may abort the process)
        deadline = time.monotonic() + 300
        while not any(re.match(r"\s+\w+\s+done in", x) for x in list(lines)):
            assert proc.poll() is None, "".join(lines)[-3000:]
            assert time.monotonic() < deadline, "no stage was done in 300 s"
            time.sleep(0.2)
        assert len(_pids(str(tmp))) >= 2         # its GCS and raylet, named by the link in tmp
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        reader.join(timeout=30)
        err = "".join(lines)
        assert proc.returncode == 143, err[-3000:]
        assert err.strip().splitlines()[-1] == "copquotes: stopped (SIGTERM)"
        deadline = time.monotonic() + 30
        while _pids(str(tmp)):
            assert time.monotonic() < deadline, "Ray's processes outlived the run by 30 s"
            time.sleep(1)
        assert not list(tmp.glob("cqray-*"))     # its private link went with it
        Workspace.open(ws).close()               # the workspace opens
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(["pkill", "-KILL", "-f", str(tmp)], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


_HANDLER_AFTER_SHUTDOWN = """
import json, os, signal, sys, time
from copquotes import cli
from copquotes.engines import RayEngine
with cli._sigterm_interrupts():
    with RayEngine(sys.argv[1], cores=2):
        pass
    try:     # after the engine's ray.shutdown: the bulk files and the output are still to come
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        out = {"caught": False}
    except cli.Terminated:
        out = {"caught": True}
print(json.dumps(out))
"""


def test_the_commands_sigterm_handler_outlives_the_engines_cluster(tmp_path):
    """``ray.shutdown`` set SIGTERM back to the system default behind Python's back: a SIGTERM
    while the bulk files were written killed the run where it stood."""
    assert _script(_HANDLER_AFTER_SHUTDOWN, tmp_path / "ws") == {"caught": True}


_CTRL_C_IN_RAY_INIT = """
import json, os, signal, sys, threading, time
import ray, ray.data
from copquotes.engines import RayEngine

me = os.getpid()


def children():
    out = []
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            state, ppid = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if int(ppid) == me and state != "Z":
            out.append(int(d))
    return out


def ctrl_c_once_ray_started_a_process():   # ray.init has started its GCS, not yet returned
    while not children():
        time.sleep(0.02)
    os.kill(me, signal.SIGINT)


threading.Thread(target=ctrl_c_once_ray_started_a_process, daemon=True).start()
try:
    RayEngine(sys.argv[1], cores=2).start()
    out = {"interrupted": False}
except KeyboardInterrupt:
    out = {"interrupted": True}
deadline = time.monotonic() + 30
while children() and time.monotonic() < deadline:
    time.sleep(0.5)
out.update(left=len(children()), initialized=ray.is_initialized())
print(json.dumps(out))
"""


def test_ctrl_c_while_ray_starts_stops_every_process_it_had_started(tmp_path):
    """Ctrl-C in the middle of ``ray.init`` left processes it had started running (the engine
    did not own a cluster yet, and Ray's own exit hook knew of none; `copquotes run` left the
    dashboard and runtime-env agents): it now waits for ``ray.init`` to return, then stops the
    cluster and raises."""
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    out = _script(_CTRL_C_IN_RAY_INIT, tmp_path / "ws", env=env)
    assert out == {"interrupted": True, "left": 0, "initialized": False}


_WORKER_PATH = """
import importlib.util, json, os, sys
import ray
from copquotes.engines import RayEngine


@ray.remote
def where():
    spec = importlib.util.find_spec("names")
    return {"names": spec.origin if spec else None, "path": sys.path, "cwd": os.getcwd()}


with RayEngine(sys.argv[1], cores=1):
    out = ray.get(where.remote())
print(json.dumps(out))
"""


def test_ray_workers_never_import_from_the_folder_the_run_was_started_in(tmp_path):
    """Ray put the driver's current folder first on every worker's ``sys.path`` (``python -P``
    or not): a user's ``names.py`` there was what the workers imported as the library ``names``."""
    here = tmp_path / "started here"
    here.mkdir()
    (here / "names.py").write_text("raise ImportError('the user file, not the library')\n")
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    out = _script(_WORKER_PATH, tmp_path / "ws", env=env, cwd=here)
    assert str(here) not in out["path"] and "" not in out["path"]
    assert out["names"] is None or not out["names"].startswith(str(here))
    assert not out["cwd"].startswith(str(here))


_SLOW_KERNEL = """
import time


class Slow:
    def __call__(self, rows):
        time.sleep(0.3)
        return rows
"""

_SHUTDOWN_BESIDE_A_MAP = """
import json, sys, threading, time
from copquotes.engines import RayEngine

engine = RayEngine(sys.argv[1], cores=2, actors=1, partition_rows=1).start()
got, out = [], {}


def beside():   # a map in a thread of its own, as the pipeline runs one beside the tag stage
    try:
        for r in engine.map("slowkernel:Slow", list(range(200))):
            got.append(r)
        out["end"] = "finished"
    except Exception as e:
        out["end"] = f"{type(e).__module__}.{type(e).__name__}: {e}"


t = threading.Thread(target=beside, daemon=True)
t.start()
deadline = time.monotonic() + 120
while len(got) < 2 and time.monotonic() < deadline:
    time.sleep(0.05)
t0 = time.monotonic()
engine.shutdown()       # what a Ctrl-C in the main thread does
t.join(60)
out.update(rows=len(got), alive=t.is_alive(), waited=time.monotonic() - t0)
print(json.dumps(out))
"""


def test_shutdown_closes_a_map_running_in_another_thread_before_it_stops_the_cluster(tmp_path):
    """A Ctrl-C while a map ran beside the tag stage: the map was left to be cut by
    ``ray.shutdown`` (its Ray Data executor stopped under it, its thread ending in Ray's errors
    or not at all); it now stops at its next partition, closing its executor, and says why."""
    kernels = tmp_path / "kernels"
    kernels.mkdir()
    (kernels / "slowkernel.py").write_text(_SLOW_KERNEL)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(kernels), env.get("PYTHONPATH", "")] if p)
    out = _script(_SHUTDOWN_BESIDE_A_MAP, tmp_path / "ws", env=env)
    assert not out["alive"] and 2 <= out["rows"] < 200, out
    assert out["end"].startswith("copquotes.errors.CopquotesError: the ray engine was shut down while this map ran"), out


_WORKER_PACKAGE = """
import json, sys
import ray
import copquotes
from copquotes.engines import RayEngine


@ray.remote
def package():
    import copquotes
    return copquotes.__file__


with RayEngine(sys.argv[1], cores=1):
    out = ray.get(package.remote())
print(json.dumps({"driver": copquotes.__file__, "worker": out}))
"""


def test_ray_workers_import_the_copquotes_the_driver_imported_when_run_from_a_checkout(tmp_path):
    """``python -m copquotes run --engine ray`` in a source checkout: the driver imports the
    checkout's copquotes from its current folder; the empty working_dir took that folder off the
    workers' path, and they imported an installed copquotes (another version) instead."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "copquotes").symlink_to(Path(copquotes.__file__).parent, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "PYTHONPATH")}
    out = _script(_WORKER_PACKAGE, tmp_path / "ws", env=env, cwd=checkout)
    assert out["driver"] == str(checkout / "copquotes" / "__init__.py")
    assert out["worker"] == out["driver"]


@pytest.mark.parametrize("installed", [True, False])
def test_workers_pythonpath_names_a_checkout_never_site_packages(installed, tmp_path, monkeypatch):
    """A checkout's folder goes first on the workers' PYTHONPATH; an installed copquotes' site-packages
    does not (on PYTHONPATH it would come before the standard library)."""
    import site

    from copquotes.engines import _worker_pythonpath

    monkeypatch.setenv("PYTHONPATH", "/extra")
    folder = site.getsitepackages()[0] if installed else str(tmp_path)
    got = _worker_pythonpath(os.path.join(folder, "copquotes", "engines.py")).split(os.pathsep)
    assert got == (["/extra"] if installed else [str(tmp_path), "/extra"])
