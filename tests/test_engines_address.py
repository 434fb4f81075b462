"""``--address``: the Ray engine on a cluster the operator started (``ray start --head``), as the
README tells them to, not one copquotes starts for the run.

A real head node of 3 CPUs on this machine, protected by a token as the README says (the client
is given it in RAY_AUTH_TOKEN_PATH, not the mode), in a session of its own (stopped by signalling its
process group, never with ``ray stop``, which would stop every Ray cluster on the machine). The
run must connect to it, size its actor pools to the cluster's CPUs (not this machine's cores),
write the same anonymised text as the local engine, start no cluster of its own and leave the
operator's running.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.test_engines import _script
from tests.test_engines import _slice as corpus_slice

pytestmark = pytest.mark.slow
pytest.importorskip("ray")

SLICE = ["copquotes.yaml", "rosters/focus_group_roster.csv",
         "surveys/rre_2022-2023_end_of_series_surveymonkey.csv"]
CLUSTER_CPUS = 3
CLUSTER_MEMORY = 7 << 29   # 3.5 GiB of Ray memory: three actors of 1 GiB, two of 1.5 GiB


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(address: str, env: dict) -> bool:
    """Whether the head answers and has registered its node's CPUs."""
    ray = Path(sys.executable).with_name("ray")
    out = subprocess.run([str(ray), "status", "--address", address], capture_output=True, text=True, env=env,
                         timeout=60)
    return out.returncode == 0 and "CPU" in out.stdout


@pytest.fixture(scope="module")
def cluster():
    """A head node with token authentication (Ray's default for `ray start` since 2.59), its token
    in a file of its own: the test touches no ~/.ray of the machine's."""
    temp = tempfile.mkdtemp(prefix="cqhead")   # short: Ray's socket paths may not pass 107 bytes
    token = Path(temp) / "auth_token"
    token.write_text(secrets.token_hex(32))
    port = _free_port()
    address = f"127.0.0.1:{port}"
    mine = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "RAY_AUTH_TOKEN", "RAY_AUTH_MODE")}
    env = {**mine, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    # ports of its own where Ray has fixed defaults: another cluster on the machine does not collide
    ports = [f"--{name}={_free_port()}" for name in ("dashboard-agent-listen-port", "dashboard-agent-grpc-port",
                                                    "metrics-export-port", "runtime-env-agent-port")]
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block", f"--port={port}",
         f"--num-cpus={CLUSTER_CPUS}", f"--memory={CLUSTER_MEMORY}", "--include-dashboard=false", "--disable-usage-stats",
         f"--temp-dir={temp}", *ports],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while not _status(address, env):
            assert head.poll() is None, "ray start --head exited"
            assert time.monotonic() < deadline, "the head node did not come up in 120 s"
            time.sleep(2)
        # what an operator gives copquotes: the token, not the mode (copquotes turns it on)
        client = {k: v for k, v in env.items() if k != "RAY_AUTH_MODE"}
        yield {"address": address, "temp": Path(temp), "env": env, "client_env": client}
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(head.pid, sig)
            except ProcessLookupError:
                break
            try:
                head.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:   # raylet, GCS and workers share the head's session
            os.killpg(head.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        # a worker Ray put in a process group of its own: its command line names the session folder
        subprocess.run(["pkill", "-KILL", "-f", temp], capture_output=True)
        shutil.rmtree(temp, ignore_errors=True)


def _slice(root: Path) -> Path:
    return corpus_slice(root, SLICE)


def _copquotes(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "copquotes", *args], capture_output=True, text=True,
                          timeout=900, env=env)


_SIZES = """
import json, sys
from copquotes.engines import RayEngine
out = {}
with RayEngine(sys.argv[2], address=sys.argv[1], cores=2) as engine:
    out["actors"], out["actor_cpus"] = engine.actors, engine.actor_cpus
for gib in (1.5, 64):   # actors of more memory: fewer of them; none fits: one, nothing reserved
    with RayEngine(sys.argv[2], address=sys.argv[1], cores=2, actor_memory=int(gib * 2 ** 30)) as engine:
        out[str(gib)] = [engine.actors, engine.reserve_memory]
        vecs = engine.map("copquotes.embed:TextEncoder", [{"text": f"a text {k}"} for k in range(5)], partition_rows=2)
        out[str(gib) + " mapped"] = [len(v) for v in vecs]
with RayEngine(sys.argv[2], address=sys.argv[1], cores=2, actors=1, actor_cpus=0.25) as engine:
    out["given"] = [engine.actors, engine.actor_cpus]
import ray   # imported by the engine, after it chose the token mode
out["left_connected"] = ray.is_initialized()
print(json.dumps(out))
"""


def test_the_engine_sizes_its_actor_pools_to_the_cluster_not_to_this_machine(cluster, tmp_path):
    out = _script(_SIZES, cluster["address"], tmp_path / "ws", env=cluster["client_env"])
    assert (out["actors"], out["actor_cpus"]) == (CLUSTER_CPUS, 1.0)   # cores=2 here: the cluster has 3
    assert out["1.5"] == [2, True] and out["64"] == [1, False]         # as many as its 3.5 GiB hold
    assert out["1.5 mapped"] == out["64 mapped"] == [384] * 5           # and the maps run
    assert out["given"] == [1, 0.25]                                   # what the caller set stands
    assert not out["left_connected"]
    assert _status(cluster["address"], cluster["env"])                  # the operator's cluster runs on


_WHERE = """
import json, sys
from copquotes.engines import RayEngine
with RayEngine(sys.argv[2], address=sys.argv[1] or None, cores=2) as engine:
    import ray   # imported by the engine, after it chose the token mode
    out = {"gcs": ray.get_runtime_context().gcs_address, "cpus": ray.cluster_resources()["CPU"],
           "actors": engine.actors}
print(json.dumps(out))
"""


def _where(address: str, ws, env: dict, cwd=None) -> dict:
    return _script(_WHERE, address, ws, env=env, cwd=cwd)


def test_without_an_address_the_engine_starts_its_own_cluster_even_when_ray_address_names_one(cluster, tmp_path):
    # Ray alone joins the cluster RAY_ADDRESS names (and then refuses the engine's num_cpus):
    # text goes to a cluster only when the operator gives --address
    out = _where("", tmp_path / "ws", {**cluster["client_env"], "RAY_ADDRESS": cluster["address"]})
    assert not out["gcs"].endswith(":" + cluster["address"].rpartition(":")[2]) and out["cpus"] == 2
    assert (tmp_path / "ws" / ".ray").is_dir()          # its session files stay in the workspace


@pytest.mark.parametrize("where", ["relative", "short but non-ASCII"])
def test_the_engine_starts_its_cluster_in_any_workspace_folder_open_to_its_owner_only(tmp_path, where):
    # a relative folder (the README's `--workspace ws`: Ray refuses a relative session folder),
    # and one of few characters but many bytes (Ray's socket paths may not pass 107 bytes)
    base = Path(tempfile.mkdtemp(prefix="cq"))   # short, unlike tmp_path
    try:
        cwd, ws = (tmp_path, "ws") if where == "relative" else (None, base / "研究ワークスペース" / "ws")
        links = set(Path(tempfile.gettempdir()).glob("cqray-*"))
        env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
        out = _where("", ws, env, cwd=cwd)
        assert out["cpus"] == 2
        folder = (tmp_path / ws if cwd else ws) / ".ray"
        assert any(folder.glob("session_*"))                 # Ray's files are in the workspace
        assert folder.stat().st_mode & 0o777 == 0o700        # Ray made it everyone's: spills hold text
        assert set(Path(tempfile.gettempdir()).glob("cqray-*")) <= links   # its private link is gone
    finally:
        shutil.rmtree(base, ignore_errors=True)


_OPEN_SESSION = """
import json, sys
import ray
ray.init(address=sys.argv[1], log_to_driver=False)
from copquotes.engines import RayEngine
with RayEngine(sys.argv[2], cores=2) as engine:
    out = {"actors": engine.actors, "still": ray.is_initialized()}
print(json.dumps(out))
"""


def test_in_a_process_where_ray_is_initialised_the_engine_uses_that_session_sized_to_its_cluster(cluster, tmp_path):
    out = _script(_OPEN_SESSION, cluster["address"], tmp_path / "ws", env=cluster["env"])
    assert out == {"actors": CLUSTER_CPUS, "still": True}   # a notebook's ray.init: its cluster, left open
    assert not (tmp_path / "ws" / ".ray").exists()


_SESSION_AND_ADDRESS = """
import json, sys
import ray
ray.init(address=sys.argv[1], log_to_driver=False)
import copquotes
from copquotes.errors import ConfigError
try:
    copquotes.run(sys.argv[3], sys.argv[2], engine="ray", address=sys.argv[1])
    out = {"error": None}
except ConfigError as e:
    out = {"error": str(e)}
print(json.dumps(out))
"""


def test_an_address_in_a_process_where_ray_is_initialised_is_refused_before_the_ingest(cluster, tmp_path):
    data = _slice(tmp_path)
    out = _script(_SESSION_AND_ADDRESS, cluster["address"], tmp_path / "ws", data, env=cluster["env"])
    assert out["error"] and "already initialised" in out["error"] and "ray.shutdown()" in out["error"]
    assert not (tmp_path / "ws").exists()      # nothing read, nothing written


@pytest.mark.parametrize("how", ["RAY_ADDRESS", "ray start's file"])
def test_address_auto_connects_to_the_cluster_ray_would_find(cluster, tmp_path, how):
    env = dict(cluster["client_env"])
    if how == "RAY_ADDRESS":
        env["RAY_ADDRESS"] = cluster["address"]
    else:   # what `ray start --head` writes in Ray's temporary folder
        (tmp_path / "ray").mkdir()
        (tmp_path / "ray" / "ray_current_cluster").write_text(cluster["address"])
        env["RAY_TMPDIR"] = str(tmp_path)
    out = _where("auto", tmp_path / "ws", env)
    port = cluster["address"].rpartition(":")[2]     # Ray names the head by its node's address
    assert out["gcs"].endswith(":" + port) and out["cpus"] == out["actors"] == CLUSTER_CPUS


def test_a_run_with_address_uses_that_cluster_gives_the_local_answers_and_leaves_it_running(cluster, tmp_path):
    data = _slice(tmp_path)
    for name, engine in (("ray", ["--engine", "ray", "--address", cluster["address"]]), ("local", [])):
        ws = str(tmp_path / name)
        ingest = _copquotes("ingest", str(data), "--workspace", ws)
        assert ingest.returncode == 0, ingest.stderr[-3000:]
        run = _copquotes("analyse", "--workspace", ws, "--stage", "anonymise", "--stage", "embed", *engine,
                         env=cluster["client_env"])
        assert run.returncode == 0, run.stderr[-3000:]

    from copquotes.workspace import Workspace

    rows = {}
    for name in ("ray", "local"):
        ws = Workspace.open(tmp_path / name)
        try:
            rows[name] = [tuple(r) for r in ws.conn.execute(
                "SELECT u.position, a.text FROM anon a JOIN units u USING (unit_id) ORDER BY u.unit_id")]
        finally:
            ws.close()
    assert rows["ray"] and rows["ray"] == rows["local"]
    # no cluster of its own: its session files would be in the workspace
    assert not (tmp_path / "ray" / ".ray").exists()
    # the maps ran on the operator's cluster: its workers' logs are in the head's session
    logs = list((cluster["temp"] / "session_latest" / "logs").glob("worker-*"))
    assert logs
    assert _status(cluster["address"], cluster["env"])


@pytest.mark.parametrize("command", ["analyse", "run"])
def test_a_cluster_that_asks_for_a_token_it_was_not_given_is_an_error_that_says_where_the_token_goes(
        cluster, tmp_path, command):
    from copquotes.workspace import Workspace

    data = _slice(tmp_path)
    ws = tmp_path / "ws"
    if command == "analyse":
        assert _copquotes("ingest", str(data), "--workspace", str(ws)).returncode == 0
    env = {k: v for k, v in cluster["client_env"].items() if k != "RAY_AUTH_TOKEN_PATH"}
    env["HOME"] = str(tmp_path / "home")     # no ~/.ray/auth_token (which is not used unasked anyway)
    inputs = [str(data)] if command == "run" else []
    run = _copquotes(command, *inputs, "--workspace", str(ws), "--engine", "ray", "--address", cluster["address"],
                     env=env)
    assert run.returncode == 1
    assert "ray get-auth-token" in run.stderr and "RAY_AUTH_TOKEN_PATH" in run.stderr
    if command == "run":   # found before the ingest: nothing was read into the workspace
        assert not (ws / "copquotes.sqlite").exists() or Workspace.open(ws).n_units() == 0


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("unreachable")
    ws = root / "ws"
    ingest = _copquotes("ingest", str(_slice(root)), "--workspace", str(ws))
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    return ws


class _NotRay:
    """A TCP server on this machine that is not a Ray head: a web server's answer, or silence."""

    def __init__(self, answer: bytes | None):
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.answer, self.held = answer, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.answer is not None:
                conn.recv(1024)
                conn.sendall(self.answer)
                conn.close()

    def close(self):
        for c in [self.sock, *self.held]:
            c.close()


@pytest.mark.parametrize("answer", [b"HTTP/1.0 400 Bad request\r\n\r\n<!DOCTYPE html>", None],
                         ids=["a web server", "a silent port"])
def test_an_address_where_something_else_answers_is_a_one_line_error_not_a_wait_for_ever(ingested, answer):
    server = _NotRay(answer)
    try:
        t0 = time.monotonic()
        run = _copquotes("analyse", "--workspace", str(ingested), "--engine", "ray", "--address",
                         f"127.0.0.1:{server.port}")
    finally:
        server.close()
    assert run.returncode == 1
    assert "but not a Ray cluster's head node" in run.stderr, run.stderr[-2000:]
    assert len(run.stderr.strip().splitlines()) == 1
    assert time.monotonic() - t0 < 60   # Ray alone waits for ever


def test_a_ray_client_address_without_ray_client_installed_says_what_to_install(cluster, ingested):
    from ray._private.utils import get_ray_client_dependency_error

    if get_ray_client_dependency_error() is None:
        pytest.skip("ray[client] is installed here")
    run = _copquotes("analyse", "--workspace", str(ingested), "--engine", "ray", "--address",
                     f"ray://{cluster['address']}", env=cluster["client_env"])
    assert run.returncode == 1
    assert "pip install 'ray[client]'" in run.stderr and "internal error" not in run.stderr, run.stderr[-2000:]


@pytest.mark.parametrize("address, ray_address, message", [
    ("127.0.0.1:FREE", None, "cannot reach the Ray cluster at 127.0.0.1:"),
    ("auto", "127.0.0.1:FREE", "cannot reach the Ray cluster at 127.0.0.1:"),    # a stale RAY_ADDRESS
    ("auto", None, "--address auto found no Ray cluster on this machine"),      # and no `ray start` here
    ("ray://127.0.0.1:1", None, "cannot reach the Ray cluster at ray://127.0.0.1:1"),
    ("headnode", None, "is not HOST:PORT"),
])
def test_an_address_with_no_cluster_is_a_one_line_error_at_once_and_the_workspace_is_untouched(
        ingested, address, ray_address, message):
    from copquotes.workspace import Workspace

    # no RAY_ADDRESS but the case's, and a Ray temporary folder where no `ray start` wrote its address
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["RAY_TMPDIR"] = str(ingested.parent)
    with socket.socket() as held:   # a port bound, not listening: nothing answers there
        held.bind(("127.0.0.1", 0))
        free = str(held.getsockname()[1])
        address = address.replace("FREE", free)
        if ray_address:
            env["RAY_ADDRESS"] = ray_address.replace("FREE", free)
        t0 = time.monotonic()
        run = _copquotes("analyse", "--workspace", str(ingested), "--engine", "ray", "--address", address, env=env)
    assert run.returncode == 1
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1   # no retry warnings from Ray
    assert time.monotonic() - t0 < 60   # Ray alone retries for ever
    ws = Workspace.open(ingested)
    try:
        assert ws.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == 0
        assert ws.n_units() > 0
    finally:
        ws.close()
