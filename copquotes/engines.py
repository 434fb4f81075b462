"""Where the stages' per-unit work runs: in this process (``local``) or on a Ray cluster (``ray``).

A stage that can be partitioned declares a ``map_option`` (:mod:`copquotes.stages`): its ``run``
then takes a *mapper*, ``mapper(kernel, rows, init=None) -> iterator of results`` (one per row,
in order), where ``kernel`` is ``"module:Class"``: ``Class(**init)`` loads what it needs once
(spaCy, the embedding model) and ``instance(rows) -> [result per row]`` does the work. The stage
reads its inputs from the workspace and writes its results through its own storage code; only
the kernel's work moves. Without an engine (``local``) a stage calls its kernel here.

:class:`RayEngine` runs kernels as Ray Data ``map_batches`` over partitions of the rows, with a
pool of actors that each build the kernel once. Ray is imported only when this engine is chosen.
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import interrupts
from .errors import ConfigError, CopquotesError
from .parallel import pid_alive
from .stages import resolve

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
WINDOW_ROWS = 100_000   # rows of one Ray dataset (RayEngine.window_rows)
# memory each actor reserves (RayEngine.actor_memory): an actor holds one kernel's models, and
# measured below 1 GiB with spaCy and Presidio at 512-row partitions (benchmarks/results/scale.md)
ACTOR_MEMORY = 1 << 30
# how long shutdown waits for another thread's map (one beside a stage) to close at its next
# partition before the cluster is stopped under it
MAP_CLOSE_SECONDS = 30.0

# environment of every Ray worker: nothing reaches for the network, one thread per actor
_WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
               "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "RAY_USAGE_STATS_ENABLED": "0"}
_TOKEN: str | None = None   # the token of the engine's own clusters (RayEngine._private_token)


@dataclass
class MapStats:
    """What one map cost: rows, partitions, the kernels' own seconds (summed over actors,
    model loading excluded), the wall seconds seen by the driver, and the slowest actor's
    model loading in each window (summed over the windows). The coordinator's seconds per
    partition: the wall time neither the kernels (spread over the actors) nor the model loading
    explain, per partition."""
    kernel: str
    rows: int = 0
    partitions: int = 0
    kernel_seconds: float = 0.0
    wall_seconds: float = 0.0
    load_seconds: float = 0.0
    actors: int = 0
    windows: int = 0
    partition_seconds: list = field(default_factory=list)

    def as_dict(self) -> dict:
        d = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()
             if k != "partition_seconds"}
        busy = self.kernel_seconds / max(1, self.actors)
        d["coordinator_seconds_per_partition"] = (
            round(max(0.0, self.wall_seconds - busy - self.load_seconds) / self.partitions, 4)
            if self.partitions else None)
        d["rows_per_second_per_worker"] = round(self.rows / self.kernel_seconds, 1) if self.kernel_seconds else None
        return d


class _KernelActor:
    """A Ray actor holding one kernel (built once); maps pickled rows to pickled results."""

    def __init__(self, kernel: str, init: dict, threads: int):
        from .parallel import apply_threads

        t = time.perf_counter()
        os.environ.update(_WORKER_ENV)
        apply_threads(threads)
        self.fn = resolve(kernel)(**init)
        self.init_seconds = time.perf_counter() - t   # reported with the actor's first batch

    def __call__(self, batch):
        import pyarrow as pa

        t = time.perf_counter()
        rows = [pickle.loads(b) for b in batch.column("row").to_pylist()]
        out = self.fn(rows)
        blobs = [pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL) for o in out]
        secs = time.perf_counter() - t
        init, self.init_seconds = self.init_seconds, 0.0
        pad = [0.0] * (len(blobs) - 1)
        return pa.table({"i": batch.column("i"), "out": pa.array(blobs, type=pa.binary()),
                         "t": pa.array([secs] + pad, type=pa.float64()),
                         "init": pa.array([init] + pad, type=pa.float64())})


class RayEngine:
    """Runs kernels on Ray: a local cluster this engine starts (``num_cpus`` = ``cores``, no
    dashboard, no usage statistics, its session files, logs and spilled objects inside the
    workspace), or an existing one at ``address`` (the operator's explicit choice to send the
    text there; copquotes and its models must be installed on its nodes).

    ``actors``: the size of each map's actor pool (default: one per CPU: ``cores`` for a local
    cluster, the CPUs of the cluster at ``address``, read when the engine connects);
    ``partition_rows``: rows per partition (one ``map_batches`` batch). Each actor asks for
    ``actor_cpus`` CPUs (default 0.5 on up to 2 CPUs: a read task and two one-CPU actors would
    wait for each other; 1 above). Unless ``actors`` is given, each actor also reserves
    ``actor_memory`` bytes of its node's Ray memory, and a node runs no more actors than its
    memory holds (one actor per CPU alone would exhaust a many-core node of little memory).
    ``window_rows``: a map of more rows runs as consecutive Ray datasets of this many rows
    (rounded up to whole partitions), each with its own actor pool, so that this process's copy
    of the input (each row pickled, in an Arrow table) does not grow with the workspace; a window
    costs an actor pool's start, a few seconds."""

    name = "ray"

    def __init__(self, workspace_path, *, address: str | None = None, cores: int | None = None,
                 actors: int | None = None, partition_rows: int = 512, actor_cpus: float | None = None,
                 window_rows: int = WINDOW_ROWS, actor_memory: int = ACTOR_MEMORY):
        from .parallel import available_cores

        self.workspace_path = Path(workspace_path)
        self.address = address
        self.cores = int(cores or available_cores())
        self._actors, self._actor_cpus = actors, actor_cpus    # as given: None sizes them to the cluster
        self.partition_rows = int(partition_rows)
        self.window_rows = int(window_rows)
        self.actor_memory = int(actor_memory)
        if self.partition_rows < 1 or self.window_rows < 1 or self.actor_memory < 1:
            raise ConfigError("partition_rows, window_rows and actor_memory must be at least 1")
        self.reserve_memory = False   # whether each actor reserves actor_memory (set when the engine starts)
        self._size_pools(self.cores)
        self.stats: list[MapStats] = []
        self._owns = False
        self.stop_on_failure = False   # set by a run that started it for itself (connected_first)
        self._link: Path | None = None
        self._ray_dir: Path | None = None   # WS/.ray, absolute, once a local cluster is started
        self._ray = None
        self._sigterm = None    # the process's SIGTERM handler before ray.init, given back at shutdown
        self._env: dict = {}    # environment variables set for the engine's own cluster, given back too
        self._maps: list = []   # (map generator, its thread): those still open are closed at shutdown
        self._closing = threading.Event()   # set by shutdown: every map stops at its next partition
        self._maps_lock = threading.Lock()   # maps start in this thread and in a thread beside

    # -- cluster -------------------------------------------------------------------------------
    def start(self) -> "RayEngine":
        self._closing.clear()
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
        if self.address:
            use_token_if_any()   # read when Ray is imported
        try:
            import ray
        except ImportError:
            raise ConfigError("the ray engine needs Ray: pip install 'copquotes[ray]'") from None
        self._ray = ray
        import ray.data  # noqa: F401 - configures its loggers on import: quieten them afterwards

        # Ray Data reports each dataset it runs on stderr: copquotes' output stays its own
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        if ray.is_initialized():
            # someone else's session (a test, a notebook that called ray.init): use it, leave it
            # running; its cluster sizes the pools. Never when an address names another
            _check_no_session(self.address)
            self._size_pools(self._cluster_cpus(), self._memory_slots())
            return self
        with _empty_folder() as empty:
            self._init(ray, empty)
        return self

    def _init(self, ray, empty: str) -> None:
        """``ray.init`` for a cluster of the engine's own or the one at ``address``. The job's
        ``working_dir`` is ``empty`` (an empty folder, uploaded with the job): without one, Ray
        puts the driver's current folder first on every worker's ``sys.path`` (whatever
        ``python -P`` or ``PYTHONSAFEPATH`` say), and a user's ``names.py`` or ``numpy.py`` there
        would be imported by the workers instead of the library. The folder the driver's own
        copquotes came from goes on the workers' ``PYTHONPATH`` instead (:func:`_worker_pythonpath`)."""
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR,
                 "runtime_env": {"env_vars": {**_WORKER_ENV, "PYTHONPATH": _worker_pythonpath()},
                                 "working_dir": empty}}
        # ray.init installs its own SIGTERM handler (sys.exit(15)), kept while the cluster runs
        # (it shuts the cluster down) and replaced by the process's own at shutdown: a caller of
        # copquotes.run keeps what SIGTERM did before
        if threading.current_thread() is threading.main_thread():
            self._sigterm = signal.getsignal(signal.SIGTERM)
        if self.address:
            address = reachable(self.address)   # else Ray retries for ever, printing a warning every few seconds
            try:
                with _keeping_sigterm(), interrupts.held():   # not cut in the middle: see interrupts
                    ray.init(address=address, **quiet)
                    self._owns = True
            except KeyboardInterrupt:
                self.shutdown()
                raise
            except ValueError as e:   # Ray Client's own check: a ray:// address without ray[client]
                if "ray[client]" not in str(e):
                    raise
                raise ConfigError(f"the address {address} is a Ray Client address (ray://), which needs "
                                  f"`pip install 'ray[client]'` beside copquotes[ray]; or give the head node's "
                                  f"HOST:PORT (the port `ray start --head --port` used, 6379 by default)") from None
            except (ConnectionError, ray.exceptions.AuthenticationError) as e:
                first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                at = address if address == self.address else f"{address} (--address {self.address})"
                raise ConfigError(
                    f"could not connect to the Ray cluster at {at} ({first}). If the cluster asks for "
                    f"a token, run `ray get-auth-token` on the head node and give it here in RAY_AUTH_TOKEN or "
                    f"in a file named by RAY_AUTH_TOKEN_PATH; or leave out the address to start a local "
                    f"cluster") from None
            try:   # the cluster's CPUs and memory, not this machine's cores, size the actor pools
                cpus = self._cluster_cpus()
                self._size_pools(cpus, self._memory_slots())
            except BaseException:
                self.shutdown()
                raise
            log.info("ray engine: the cluster at %s has %d CPUs: pools of %d actors of %s CPU each",
                     self.address, cpus, self.actors, self.actor_cpus)
            return
        tmp = self._temp_dir()
        self._private_token()
        try:
            # "local": a cluster of its own, never one named by RAY_ADDRESS or started by `ray start`
            # on this machine (without it Ray joins those, and refuses num_cpus): text goes to a
            # cluster only when the operator names it with --address
            # a Ctrl-C waits for it: cut in the middle, the processes it started were nobody's to stop
            with _keeping_sigterm(), interrupts.held():
                ray.init(address="local", num_cpus=self.cores, include_dashboard=False, _temp_dir=str(tmp),
                         object_spilling_directory=str(tmp / "spill"), **quiet)
                self._owns = True   # before a held Ctrl-C is raised: the shutdown below stops it
            _owner_only(self._ray_dir)   # Ray opens its folder to every user
            self._size_pools(self.cores, self._memory_slots())
        except BaseException:
            self.shutdown()
            raise

    def _size_pools(self, cpus: int, memory_slots: int | None = None) -> None:
        """Actors per map and CPUs per actor, for ``cpus`` CPUs (unless given): one actor per CPU,
        each of half a CPU on up to 2 CPUs (a read task and two one-CPU actors would wait for each
        other for ever), of one CPU above; and no more than ``memory_slots`` (the actors the
        nodes' memory holds), each then reserving ``actor_memory``."""
        if self._actors:
            self.actors = int(self._actors)
        elif memory_slots:
            self.actors = min(cpus, memory_slots)
            self.reserve_memory = True
        else:
            self.actors = cpus
            if memory_slots == 0:   # reserving would leave the pool waiting for ever
                log.warning("ray engine: no node has %.1f GiB of Ray memory for an actor: one actor, "
                            "nothing reserved", self.actor_memory / 2 ** 30)
                self.actors = 1
        self.actor_cpus = self._actor_cpus if self._actor_cpus is not None else (0.5 if cpus <= 2 else 1.0)

    def _memory_slots(self) -> int:
        """How many actors of ``actor_memory`` the cluster's live nodes hold, each node at most
        one per CPU."""
        slots = 0
        for node in self._ray.nodes():
            if node.get("Alive"):
                res = node.get("Resources", {})
                slots += min(int(res.get("CPU", 0)), int(res.get("memory", 0) // self.actor_memory))
        return slots

    def _cluster_cpus(self) -> int:
        cpus = int(self._ray.cluster_resources().get("CPU", 0))
        if cpus < 1:
            raise ConfigError(f"the Ray cluster at {self.address} has no CPUs: start its nodes with "
                              f"`ray start --num-cpus N`")
        return cpus

    def _temp_dir(self) -> Path:
        """Ray's session folder, inside the workspace (``WS/.ray``, open to its owner only: spilled
        objects hold participant text). Ray puts Unix sockets there, whose paths may not pass 107
        bytes: a deep workspace is reached through a link in a private folder that ``mkdtemp``
        makes in the system's temporary folder (a name nobody can take first; the files still
        live in the workspace)."""
        real = (self.workspace_path / ".ray").resolve()   # absolute: Ray refuses a relative folder
        real.mkdir(parents=True, exist_ok=True)
        _owner_only(real)
        prune_sessions(real)
        self._ray_dir = real
        if len(os.fsencode(real)) <= 40:
            return real
        if self._link is None:
            link = Path(tempfile.mkdtemp(prefix="cqray-", dir=_short_temp())) / "ws"
            link.symlink_to(real, target_is_directory=True)
            self._link = link
        return self._link

    def _private_token(self) -> None:
        """The engine's own cluster asks its clients for a token (Ray's default for a local
        cluster since 2.60): one made for this process, kept in its environment and the
        cluster's, never written to a file (Ray would write ``~/.ray/auth_token``, outside the
        workspace, readable by every user, which a later ``ray start`` on this machine then takes
        as its own). An authentication mode the operator set is left as it is, and a token the
        operator gave (``RAY_AUTH_TOKEN``, ``RAY_AUTH_TOKEN_PATH``) is the one used.
        :meth:`shutdown` gives the environment back."""
        global _TOKEN
        env = os.environ
        if "RAY_AUTH_MODE" in env:
            return
        wanted = {"RAY_AUTH_MODE": "token"}
        if not (env.get("RAY_AUTH_TOKEN") or env.get("RAY_AUTH_TOKEN_PATH")):   # else the operator's
            if _TOKEN is None:      # one for the process: Ray's token loader keeps the first it read
                import secrets

                _TOKEN = secrets.token_hex(32)
            wanted["RAY_AUTH_TOKEN"] = _TOKEN
        for var, value in wanted.items():
            self._env.setdefault(var, env.get(var))
            env[var] = value
        _reread_ray_config()

    def shutdown(self) -> None:
        """Stop the cluster this engine started (or leave the one it joined), first closing the
        maps still open (a Ctrl-C left them in the middle: their Ray Data executors would outlive
        the cluster, or be cut by it). A Ctrl-C meanwhile is raised once all is done."""
        with interrupts.held():
            self._close_maps()
            self._shutdown()

    def _close_maps(self, wait: float = MAP_CLOSE_SECONDS) -> None:
        """This thread's open maps closed here; another thread's map (one beside a stage: a
        generator running there cannot be closed from here) stops at its next partition, raising
        in its thread, and closes its executor there; it is waited for up to ``wait`` seconds."""
        here = threading.current_thread()
        self._closing.set()
        with self._maps_lock:
            maps = list(self._maps)
        for gen, thread in maps:
            if thread is here:
                _close(gen)
        deadline = time.monotonic() + wait
        for gen, thread in maps:
            while gen.gi_frame is not None and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if gen.gi_frame is not None:
                log.debug("ray engine: a map in thread %s did not close in %.0f s", thread.name, wait)
        with self._maps_lock:
            self._maps = [(g, t) for g, t in self._maps if g.gi_frame is not None]

    def _check_open(self) -> None:
        """:class:`CopquotesError` in a map's thread once :meth:`shutdown` began (from the main
        thread, say after a Ctrl-C), so that the map closes its executor before the cluster stops."""
        if self._closing.is_set():
            raise CopquotesError("the ray engine was shut down while this map ran (the run was interrupted "
                                 "or failed): run the analysis again")

    def _shutdown(self) -> None:
        if self._ray is not None and self._owns:
            with _keeping_sigterm():
                self._ray.shutdown()
            self._owns = False
            if self._ray_dir is not None:
                _owner_only(self._ray_dir)
        if self._sigterm is not None:
            signal.signal(signal.SIGTERM, self._sigterm)
            self._sigterm = None
        if self._env:
            for var, value in self._env.items():
                if value is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = value
            self._env = {}
            _reread_ray_config()
        if self._link is not None:
            self._link.unlink(missing_ok=True)
            try:
                self._link.parent.rmdir()
            except OSError:
                pass
            self._link = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.shutdown()

    # -- the map -------------------------------------------------------------------------------
    def map(self, kernel: str, rows: list, init: dict | None = None, partition_rows: int | None = None) -> Iterator:
        """Results of ``kernel`` on ``rows``, in order, streamed back partition by partition.
        ``partition_rows``: the stage's own partition size (when its results depend on which
        rows the kernel sees together), instead of the engine's."""
        if not rows:
            return iter(())
        gen = self._map(kernel, rows, init or {}, int(partition_rows or self.partition_rows))
        with self._maps_lock:
            self._maps = [(g, t) for g, t in self._maps if g.gi_frame is not None] + [(gen, threading.current_thread())]
        return gen

    __call__ = map

    def _map(self, kernel: str, rows: list, init: dict, size: int) -> Iterator:
        stats = MapStats(kernel=kernel, rows=len(rows))
        self.stats.append(stats)
        t0 = time.perf_counter()
        n_parts = max(1, math.ceil(len(rows) / size))
        window = size * max(1, math.ceil(self.window_rows / size))   # whole partitions, cut from the start
        stats.actors = max(1, min(self.actors, n_parts))
        # each window checks that it returned all its rows, in order
        for start in range(0, len(rows), window):
            for out in self._map_window(kernel, rows, start, min(len(rows), start + window), init, size, stats):
                stats.wall_seconds = time.perf_counter() - t0   # so far (a consumer may stop at the last row)
                yield out
        stats.wall_seconds = time.perf_counter() - t0
        log.info("ray map %s: %d rows, %d partitions in %d windows, %.1fs", kernel, len(rows), stats.partitions,
                 stats.windows, stats.wall_seconds)

    def _map_window(self, kernel: str, rows: list, start: int, end: int, init: dict, size: int,
                    stats: MapStats) -> Iterator:
        """The results of ``rows[start:end]``: one Ray dataset of partitions of ``size`` rows,
        mapped by a pool of actors that each build the kernel once."""
        import pyarrow as pa

        interrupts.check()   # before its actors start (the first partition comes once they have loaded)
        self._check_open()
        ray = self._ray
        n_parts = max(1, math.ceil((end - start) / size))
        table = pa.table({"i": pa.array(range(start, end), type=pa.int64()),
                          "row": pa.array([pickle.dumps(rows[k], protocol=pickle.HIGHEST_PROTOCOL)
                                           for k in range(start, end)], type=pa.binary())})
        # one block per partition, cut at multiples of `size` from the window's start (a multiple of it)
        ds = ray.data.from_arrow([table.slice(k * size, size) for k in range(n_parts)])
        del table   # in the object store now
        ds = ds.map_batches(_KernelActor, batch_format="pyarrow", batch_size=size,
                            fn_constructor_kwargs={"kernel": kernel, "init": init, "threads": 1},
                            compute=ray.data.ActorPoolStrategy(size=max(1, min(self.actors, n_parts))),
                            num_cpus=self.actor_cpus, zero_copy_batch=True,
                            **({"memory": self.actor_memory} if self.reserve_memory else {}))
        stats.windows += 1
        batches = iter(ds.iter_batches(batch_format="pyarrow", batch_size=None, prefetch_batches=1))
        try:
            yield from self._results(batches, start, end, stats)
        finally:   # an interrupted map stops its dataset's executor (Ray Data does it as the iterator closes)
            batches.close()

    def _results(self, batches, start: int, end: int, stats: MapStats) -> Iterator:
        """The rows' results from a window's batches, checked to come in order."""
        expect, load = start, 0.0
        for batch in batches:
            interrupts.check()   # a Ctrl-C that library code swallowed
            self._check_open()
            ids = batch.column("i").to_pylist()
            if ids and ids[0] != expect:
                raise RuntimeError(f"the ray engine got rows out of order ({ids[0]} for {expect})")
            expect += len(ids)
            t = [x for x in batch.column("t").to_pylist() if x]
            slowest = max([load] + batch.column("init").to_pylist())   # this window's slowest loading so far
            stats.load_seconds += slowest - load
            load = slowest
            stats.kernel_seconds += sum(t)
            stats.partition_seconds += t
            stats.partitions += len(t)
            for b in batch.column("out").to_pylist():
                yield pickle.loads(b)
        if expect != end:   # before the next window: its first row would pass the order check
            raise RuntimeError(f"the ray engine returned rows {start}-{expect} of {start}-{end}")


SESSIONS_KEPT = 3   # Ray session folders (logs, 300-400 KB each) a workspace keeps of past runs


@contextlib.contextmanager
def _keeping_sigterm():
    """Around ``ray.init`` and ``ray.shutdown``: a SIGTERM handler of the process's own (the
    CLI's: the run unwinds with one line and exit 143) stays in charge. ``ray.init`` replaces it
    with ``sys.exit(15)`` and a C++ handler that aborts; ``ray.shutdown`` sets the signal back to
    the system's default behind Python's back (``signal.getsignal`` still names the handler)."""
    before = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    try:
        yield
    finally:
        if callable(before):
            signal.signal(signal.SIGTERM, before)


def _close(gen) -> None:
    try:
        gen.close()
    except Exception as e:  # noqa: BLE001 - the cluster is stopped all the same
        log.debug("ray engine: closing a map failed: %s", e)


def _worker_pythonpath(package_file: str = __file__) -> str:
    """The workers' ``PYTHONPATH``: the folder holding the driver's ``copquotes`` package, then the
    driver's own ``PYTHONPATH``. The empty ``working_dir`` takes the driver's current folder off the
    workers' ``sys.path``; a run from a source checkout (``python -m copquotes`` there) would then
    have its workers import another copquotes (an installed one, of another version) or none.
    An installed copquotes (in a site-packages folder) is left to the workers' own ``site``: put on
    ``PYTHONPATH`` it would come before the standard library."""
    import site

    root = os.path.dirname(os.path.dirname(os.path.abspath(package_file)))
    installed = {os.path.abspath(p) for p in (*site.getsitepackages(), site.getusersitepackages())}
    first = "" if root in installed else root
    return os.pathsep.join(p for p in (first, os.environ.get("PYTHONPATH", "")) if p)


@contextlib.contextmanager
def _empty_folder() -> Iterator[str]:
    """A new empty folder of this user's, removed afterwards (``ray.init`` has uploaded it)."""
    folder = tempfile.mkdtemp(prefix="cqray-wd-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _short_temp() -> str:
    """A temporary folder short enough for the link to ``WS/.ray`` (its ``cqray-XXXXXXXX/ws``
    within 40 bytes): the system's (``TMPDIR``), else /tmp (a scheduler's job folder can be deep)."""
    for base in (tempfile.gettempdir(), "/tmp"):
        if len(os.fsencode(base)) <= 40 - len("/cqray-XXXXXXXX/ws") and os.access(base, os.W_OK | os.X_OK):
            return base
    raise ConfigError(f"the temporary folder {tempfile.gettempdir()} is too deep for Ray's socket paths (107 bytes "
                      f"at most) and /tmp is not writable: set TMPDIR to a short folder, e.g. TMPDIR=/tmp")


def prune_sessions(folder: Path, keep: int = SESSIONS_KEPT) -> list[Path]:
    """Remove the session folders of past local clusters from ``folder`` (``WS/.ray``), all but
    the ``keep`` newest: each run adds one. A session whose driver (the process id that ends
    its name, ``session_<date>_<time>_<micro>_<pid>``) still runs is never removed. Returns
    what was removed."""
    sessions = sorted(d for d in folder.glob("session_*") if d.is_dir() and not d.is_symlink())
    gone = []
    for d in sessions[:max(0, len(sessions) - keep)]:
        pid = d.name.rpartition("_")[2]
        if pid_alive(pid):
            continue
        shutil.rmtree(d, ignore_errors=True)
        gone.append(d)
    return gone


def _owner_only(folder: Path) -> None:
    try:
        folder.chmod(0o700)
    except OSError:   # not ours to change (a shared folder): leave it as it is
        pass


def _reread_ray_config() -> None:
    """Ray reads ``RAY_AUTH_MODE`` once, when it loads: after a change, read it again (what Ray
    itself does when it turns token authentication on for a local cluster)."""
    try:
        from ray._raylet import Config
    except ImportError:     # pragma: no cover - not loaded: it reads the environment when it is
        return
    Config.initialize("")


def use_token_if_any() -> None:
    """Ray's token authentication: a cluster whose head had a token when ``ray start`` ran asks
    every client for it (Ray 2.59 on), and a client sends it only with ``RAY_AUTH_MODE=token``,
    which Ray never turns on by itself for an address. When the operator gave a token
    (``RAY_AUTH_TOKEN`` or the file ``RAY_AUTH_TOKEN_PATH`` names) and chose no mode, send it; a
    cluster without authentication accepts a client that sends one. A token in ``~/.ray`` is not
    used unasked: it may be a local cluster's, not the remote one's. Read when Ray is imported,
    so this must run before."""
    env = os.environ
    if "RAY_AUTH_MODE" in env:
        return
    if env.get("RAY_AUTH_TOKEN") or env.get("RAY_AUTH_TOKEN_PATH"):
        env["RAY_AUTH_MODE"] = "token"


def reachable(address: str, timeout: float = 10.0) -> str:
    """The address to connect to, once the head node at ``address`` (``HOST:PORT``, ``ray://HOST:PORT``
    for Ray Client, or ``auto``: see :func:`auto_address`) accepts a connection; else
    :class:`ConfigError`."""
    if address == "auto":
        address = auto_address()
    host, sep, port = address.split("://", 1)[-1].rstrip("/").rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ConfigError(f"the Ray address {address!r} is not HOST:PORT: give the head node's host and the "
                          f"port `ray start --head --port` used (6379 by default), or auto on the head node")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as conn:
            speaks = _speaks_grpc(conn, timeout)
    except OSError as e:
        raise ConfigError(f"cannot reach the Ray cluster at {address} ({e.strerror or e}): check the host and "
                          f"port, start it with `ray start --head` there, or leave out the address to start a "
                          f"local cluster") from None
    if not speaks:   # Ray would wait for it for ever, printing a warning every few seconds
        raise ConfigError(f"something answers at {address}, but not a Ray cluster's head node: give the port "
                          f"`ray start --head --port` used (6379 by default), or leave out the address to start "
                          f"a local cluster")
    return address


# an HTTP/2 client's preface and an empty SETTINGS frame: a gRPC server (Ray's GCS, or Ray
# Client's server) answers with a SETTINGS frame of its own (type 4, the frame header's 4th byte)
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def _speaks_grpc(conn: socket.socket, timeout: float) -> bool:
    """Whether the server on ``conn`` answers an HTTP/2 preface as a gRPC server does. A web
    server, a database or a silent port does not (and Ray's client would retry it for ever)."""
    conn.settimeout(timeout)
    head = b""
    try:
        conn.sendall(_H2_PREFACE)
        while len(head) < 9:
            chunk = conn.recv(9 - len(head))
            if not chunk:
                break
            head += chunk
    except OSError:   # a timeout, or the server closed the connection
        pass
    return len(head) == 9 and head[3] == 4


def auto_address() -> str:
    """What ``--address auto`` means, as Ray reads it: ``RAY_ADDRESS``, else the cluster the last
    ``ray start`` on this machine wrote down (``ray_current_cluster`` in Ray's temporary folder:
    ``RAY_TMPDIR``, ``TMPDIR`` or /tmp, then ``ray``)."""
    env = os.environ.get("RAY_ADDRESS", "").strip()
    if env and env != "auto":
        return env
    base = os.environ.get("RAY_TMPDIR") or os.environ.get("TMPDIR") or "/tmp"
    try:
        found = (Path(base) / "ray" / "ray_current_cluster").read_text().strip()
    except OSError:
        found = ""
    if not found:
        raise ConfigError("--address auto found no Ray cluster on this machine (no RAY_ADDRESS, and no "
                          "`ray start --head` here): start one, give the head node's HOST:PORT, or leave out "
                          "the address to start a local cluster")
    return found


def local_map(kernel: str, rows: list, init: dict | None = None, partition_rows: int | None = None) -> Iterator:
    """A kernel on ``rows`` in this process, partition by partition (what an engine does, here)."""
    if not rows:
        return
    fn = resolve(kernel)(**(init or {}))
    size = int(partition_rows or len(rows))
    for k in range(0, len(rows), size):
        yield from fn(rows[k:k + size])


def check_engine(engine: str | None, address: str | None = None) -> None:
    if engine not in (None, *ENGINES):
        raise ConfigError(f"unknown engine {engine!r}: choose from {', '.join(ENGINES)}")
    if address and engine != "ray":
        raise ConfigError("an address is the address of a Ray cluster: use it with --engine ray "
                          "(engine='ray' from Python)")


def preflight(engine: str | None, address: str | None = None) -> None:
    """What an interface checks before it ingests anything: the engine's options, that no Ray
    session of this process stands in the way of ``address``, and that the cluster there
    answers (the engine checks both again when it connects)."""
    check_engine(engine, address)
    if address:
        _check_no_session(address)
        reachable(address)


def _check_no_session(address: str | None) -> None:
    """:class:`ConfigError` when ``address`` is given but Ray is already initialised in this
    process (a notebook's ``ray.init``): the engine would run on that session, not at ``address``,
    and the text would go where the operator did not name."""
    ray = sys.modules.get("ray")
    if not address or ray is None or not ray.is_initialized():
        return
    try:
        where = f" (to the cluster at {ray.get_runtime_context().gcs_address})"
    except Exception:  # noqa: BLE001 - only for the message
        where = ""
    raise ConfigError(f"Ray is already initialised in this process{where}, so the address {address} cannot be "
                      f"used: leave out the address to run on that session, or call ray.shutdown() first")


@contextlib.contextmanager
def connected_first(engine: str | None, workspace_path, *, address: str | None = None, cores: int | None = None):
    """The engine a run hands its analysis: with an ``address``, a :class:`RayEngine` connected
    now, before anything is ingested (a cluster that refuses this client, one that asks for a token
    it was not given, is then found before minutes of reading; stopped on the way out); else
    ``engine`` as given (the analysis starts a local cluster only when it has per-unit work)."""
    if engine != "ray" or not address:
        yield engine
        return
    started = make_engine(engine, workspace_path, address=address, cores=cores)
    started.stop_on_failure = True   # the run's own: a failing analysis stops it at once (a map beside ends)
    try:
        yield started
    finally:
        started.shutdown()


def make_engine(engine: str | None, workspace_path, *, address: str | None = None, cores: int | None = None):
    """``None`` for the local engine (stages run their kernels here), a started :class:`RayEngine`
    for ``ray``."""
    check_engine(engine, address)
    if engine in (None, "local"):
        return None
    return RayEngine(workspace_path, address=address, cores=cores).start()
