"""The scheduler: runs the declared analysis stages (:mod:`copquotes.stages`) in order,
skipping those that are up to date, and overlapping what the declarations allow.

A stage is *stale* when the fingerprint of its inputs (the units' ids and text hashes, the
upstream stages' fingerprints, its version, and whatever extra state it declares) differs from
the one recorded when it last ran. Nothing here knows any stage by name: what may run in a
worker process, what may be precomputed there and what may run beside what all comes from
the declarations; the worker process and its messages are in :mod:`copquotes.worker`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

from . import interrupts
from .errors import ConfigError, CopquotesError
from .stages import STAGE_ORDER, STAGES, depends_on

log = logging.getLogger(__name__)

__all__ = ["STAGE_ORDER", "analyse", "fingerprint", "resolve_stages", "stage_status", "status"]


def fingerprint(ws, name: str, options: dict | None = None, _content: str | None = None,
                _cache: dict | None = None) -> str:
    cache = {} if _cache is None else _cache
    if name in cache:
        return cache[name]
    content = _content if _content is not None else ws.content_fingerprint()
    stage = STAGES[name]
    parts = [name, stage.version, content]
    parts += [fingerprint(ws, up, None, content, cache) for up in stage.inputs]
    if options:
        parts.append(json.dumps(options, sort_keys=True, default=str))
    if stage.fingerprint_extra is not None:
        parts += stage.fingerprint_extra(ws)
    fp = hashlib.sha1("\x00".join(parts).encode()).hexdigest()
    cache[name] = fp
    return fp


def stage_status(ws) -> dict:
    """For each stage: ``up to date``, ``stale`` or ``not run``, and when it last ran."""
    out = {}
    content = ws.content_fingerprint()
    cache: dict = {}
    for name in STAGE_ORDER:
        rec = ws.stage_record(name)
        current = fingerprint(ws, name, None, content, cache)
        if rec is None:
            state = "not run"
        elif rec["fingerprint"] == current:
            state = "up to date"
        else:
            state = "stale"
        out[name] = {
            "state": state,
            "done_at": rec["done_at"] if rec else None,
            "seconds": round(rec["seconds"], 2) if rec and rec["seconds"] is not None else None,
        }
    return out


def status(ws) -> dict:
    """:meth:`Workspace.status <copquotes.workspace.Workspace.status>` plus each stage's state
    (``stages``: :func:`stage_status`) and the last re-rank of the quotes from reviewers'
    decisions (``ranking``: :func:`copquotes.quotes.learning.last_rerank` and its ``line``) and
    the bulk Parquet files (``bulk``: :func:`copquotes.bulk.status`), what ``copquotes status`` prints."""
    from . import bulk
    from .quotes import learning

    ranking = {**(learning.last_rerank(ws) or {}), "line": learning.describe(ws)}
    out = {**ws.status(), "stages": stage_status(ws), "ranking": ranking}
    if getattr(ws, "path", None) is not None:
        out["bulk"] = bulk.status(ws)
    return out


def resolve_stages(names: Iterable[str] | None) -> list[str]:
    if not names:
        return list(STAGE_ORDER)
    bad = [n for n in names if n not in STAGES]
    if bad:
        raise ConfigError(f"unknown stage {bad[0]!r}: choose from {', '.join(STAGE_ORDER)}")
    wanted = set(names)
    wanted |= {s.name for s in STAGES.values() if s.part_of in wanted}   # "topics" is its fit too
    return [n for n in STAGE_ORDER if n in wanted]


class _Plan:
    """Which stale stage runs in the worker process, which of a later stage's precompute steps
    it does after it, and which later stage it then runs beside a stage of the parent."""

    def __init__(self, ws, todo: list[str], parallel: bool):
        self.worker_stage: str | None = None
        self.beside_stage: str | None = None
        self.precompute: list[tuple[str, object]] = []   # (stage, Precompute)
        if not parallel or getattr(ws, "path", None) is None or len(todo) < 2:
            return
        for i, name in enumerate(todo):
            later = todo[i + 1:]
            if STAGES[name].worker and any(not depends_on(m, name) for m in later):
                self.worker_stage = name
                break
        if self.worker_stage is None:
            return
        w = self.worker_stage
        later = todo[todo.index(w) + 1:]
        n_units = ws.n_units()
        for name in later:
            st = STAGES[name]
            beside = [b for b in st.beside if b in later]   # those not to run are done: nothing to wait for
            if not beside:
                continue
            if st.beside_max_units is not None and n_units > st.beside_max_units:
                continue
            first_beside = min(todo.index(b) for b in beside)
            if all(r == w or r not in todo or todo.index(r) < first_beside for r in st.reads):
                self.beside_stage = name
                break
        for name in later:
            for p in STAGES[name].precompute:
                if all(a == w or a not in todo for a in p.after):
                    self.precompute.append((name, p))


class _Beside:
    """The ``mapped`` precompute steps of later stages, run with a distributed engine's map while
    the parent runs a stage of its own (tagging, the topic fit: the cluster would be idle then),
    each in a thread of this process with its own workspace connection. A step that fails only
    leaves its stage to compute what is missing itself."""

    def __init__(self, ws_path, mapper):
        self.ws_path, self.mapper = ws_path, mapper
        self.threads: dict[str, threading.Thread] = {}   # stage -> its step's thread
        self.done: dict[str, dict] = {}                  # stage -> {step: count, step_seconds: s}

    def start(self, todo: list[str], finished) -> None:
        """Start the steps of the stages in ``todo`` whose ``after`` stages are all ``finished``."""
        for name in todo:
            for p in STAGES[name].precompute:
                if p.mapped and name not in self.threads and all(a not in todo or a in finished for a in p.after):
                    t = threading.Thread(target=self._run, args=(name, p), name=f"copquotes-{p.name}", daemon=True)
                    self.threads[name] = t
                    t.start()
                    log.info("%s started beside the stages here, on the engine's cluster", p.name)

    def _run(self, name: str, p) -> None:
        from .stages import resolve
        from .workspace import Workspace

        t0 = time.perf_counter()
        ws = Workspace.open(self.ws_path)
        try:
            n = resolve(p.run)(ws, mapper=self.mapper)
            self.done[name] = {p.name: n, f"{p.name}_seconds": round(time.perf_counter() - t0, 2)}
        except Exception as exc:  # noqa: BLE001 - the stage computes what is missing itself
            log.debug("%s beside failed: %s", p.name, exc)
            self.done[name] = {f"{p.name}_error": type(exc).__name__}
        finally:
            ws.close()

    def join(self, name: str | None = None, timeout: float | None = None) -> dict:
        """Wait for the step of stage ``name`` (every step: ``None``; at most ``timeout`` seconds
        each, the threads being daemons); what it reported."""
        for stage, t in list(self.threads.items()):
            if name is None or stage == name:
                t.join(timeout)
        return self.done.get(name, {}) if name else {}


def analyse(ws, stages: Iterable[str] | None = None, *, force: bool = False, progress: bool = True,
            on_stage: Callable[[str, dict], None] | None = None, parallel: bool = True,
            jobs: int | None = None, engine: str = "local", address: str | None = None, wait: bool = True,
            on_wait: Callable[[str], None] | None = None, bulk: str = "auto") -> dict[str, dict]:
    """Run analysis stages in order; up-to-date stages are skipped unless ``force``.

    One pipeline writer per workspace: this holds the workspace's pipeline lock
    (:func:`copquotes.workspace.pipeline_lock`) for the whole run. When another run holds it,
    it waits (saying so once through ``on_wait``, by default a line on stderr), or with
    ``wait=False`` raises :class:`copquotes.workspace.WorkspaceBusy`.

    ``bulk`` (``auto``, ``on``, ``off``): after a run of every stage, whether to write the bulk
    Parquet files (:mod:`copquotes.bulk`) when they are missing or stale; ``auto`` writes them
    for a large workspace, with the Ray engine, or when they exist already.
    """
    from .bulk import check_setting
    from .parallel import exact_blas

    check_setting(bulk)
    stages = list(stages) if stages is not None else None
    resolve_stages(stages)   # an unknown stage is refused before the workspace lock is waited for
    path = getattr(ws, "path", None)
    if path is None:
        with exact_blas():      # the same numbers whatever the cores (parallel.BLAS_THREADS)
            return _analyse(ws, stages, force=force, progress=progress, on_stage=on_stage, parallel=parallel,
                            jobs=jobs, engine=engine, address=address)
    from .workspace import pipeline_lock

    with pipeline_lock(path, wait=wait, on_wait=on_wait):
        _remove_leftovers(Path(path))
        with exact_blas():
            out = _analyse(ws, stages, force=force, progress=progress, on_stage=on_stage, parallel=parallel,
                           jobs=jobs, engine=engine, address=address)
        if set(resolve_stages(stages)) == set(STAGE_ORDER) and ws.n_units():
            _write_bulk(ws, bulk, engine, progress)
        return out


def _write_bulk(ws, bulk: str, engine, progress: bool) -> None:
    from .bulk import write_if_due

    t0 = time.perf_counter()
    try:
        m = write_if_due(ws, bulk, engine="local" if engine in (None, "local") else "ray", progress=progress)
    except CopquotesError as exc:
        if bulk == "on":
            raise
        log.warning("bulk files not written: %s", exc)   # the analysis itself is done and recorded
        return
    if m is not None:
        log.info("bulk files written in %.1fs (%s)", time.perf_counter() - t0, m["generation"])


def _remove_leftovers(path: Path) -> None:
    """Files a killed run left behind (the lock is held: no run owns them now)."""
    from .bulk import remove_leftovers

    for p in (list(path.glob(".*.pkl")) + list(path.glob(".*.pkl.part")) + list(path.glob("figures/.*.tmp"))
              + list(path.glob("topics/.*.tmp.npz"))):
        # a killed worker's hand-over, a killed topics stage's half-written picture or topic fit
        p.unlink(missing_ok=True)
    remove_leftovers(path)


def _analyse(ws, stages: Iterable[str] | None = None, *, force: bool = False, progress: bool = True,
             on_stage: Callable[[str, dict], None] | None = None, parallel: bool = True,
             jobs: int | None = None, engine: str = "local", address: str | None = None) -> dict[str, dict]:
    """Run analysis stages in order; up-to-date stages are skipped unless ``force``.

    With ``parallel`` (the default), the first stale stage declared ``worker`` runs in a worker
    process while the later stages that do not read it run here (both cores busy); the worker
    then does the precompute steps of later stages whose inputs it has, and runs a stage
    declared ``beside`` one of ours at the same time as it (within its size limit). A stage
    that reads the worker's stage waits for it; a failure there is raised like any other (a
    failure of the stage run beside only makes it run here).

    ``jobs``: the cores to use (default: the cores this process may run on). The worker process
    gets one of them (half of them from 4 cores up); a stage declaring a thread option gets the
    others while the worker is busy, and all of them once it is idle.

    ``engine="ray"`` (:mod:`copquotes.engines`; or an engine object the caller started and
    stops): the stages declaring a ``map_option`` run their per-unit work as Ray Data maps, on a
    local Ray cluster started for this call with ``jobs`` CPUs or on the cluster at ``address``;
    the stages run one after another here (the cluster provides the parallelism) and write the
    same tables through the same code.

    Returns ``{stage: summary}``; each summary has ``skipped`` and ``seconds``.
    """
    from .parallel import available_cores

    cores = max(1, int(jobs)) if jobs else available_cores()
    # the worker's share: one core on a small machine, half of them on a big one
    worker_cores = max(1, cores // 2) if cores >= 4 else 1
    results: dict[str, dict] = {}
    names = resolve_stages(stages)
    content = ws.content_fingerprint()
    cache: dict = {}
    planned_fp = {n: fingerprint(ws, n, None, content, cache) for n in names}
    no_units = ws.n_units() == 0
    todo = [] if no_units else [n for n in names if force or not _up_to_date(ws, n, planned_fp[n])]
    from .engines import check_engine, make_engine

    own_engine = engine is None or isinstance(engine, str)
    if own_engine:
        check_engine(engine, address)
        distribute = engine == "ray" and any(STAGES[n].map_option for n in todo)
        mapper = make_engine(engine, ws.path, address=address, cores=cores) if distribute else None
    else:  # an engine the caller started (and stops)
        mapper = engine
    if todo:
        from .parallel import fixed_mmap_threshold

        # stages run in this process with either engine (embed and tag locally; with Ray the
        # reading of every partition's results and the topic fit): buffers of a few MB, a new
        # size each batch, fragment the heap otherwise (the worker process does the same)
        fixed_mmap_threshold()
    plan = _Plan(ws, todo, parallel and cores > 1 and mapper is None)
    beside_map = _Beside(ws.path, mapper) if mapper is not None and getattr(ws, "path", None) is not None else None
    worker = None
    worker_t0 = 0.0
    handed: dict[str, str] = {}        # stage -> file with its precomputed value
    files: list[Path] = []

    def record(name: str, summary: dict, seconds: float, fp: str | None = None, background: bool = False):
        """Mark a finished stage (by default with the fingerprint of its inputs now: the stage
        may have changed nothing that feeds the content fingerprint) and report it."""
        fp = fp or fingerprint(ws, name, None, ws.content_fingerprint())
        ws.mark_stage(name, fp, {}, seconds)
        summary.update(skipped=False, seconds=round(seconds, 3))
        if background:
            summary["background"] = True
        results[name] = summary
        log.info("stage %s done in %.1fs%s", name, seconds, " (in the worker process)" if background else "")
        if on_stage:
            on_stage(name, summary)

    def finish_worker_stage():
        """Wait for the worker's own stage and its precompute steps; record the stage."""
        from .worker import PrecomputeDone, StageDone

        w = plan.worker_stage
        if worker is None or w in results:
            return
        reply = worker.next_reply(StageDone, name=w)
        if not isinstance(reply, StageDone):
            raise CopquotesError(f"the {w} stage failed in its worker process: {reply.error}: {reply.message}; "
                                 f"run 'copquotes analyse --stage {w} --workspace {ws.path} --debug'")
        summary = dict(reply.summary)
        summary["stage_seconds"] = round(reply.seconds, 3)  # the worker's own time in the stage
        summary["wall_seconds"] = round(reply.finished_at - worker.started_at, 2)
        for stage, p in plan.precompute:
            done = worker.next_reply(PrecomputeDone, stage=stage, step=p.name)
            summary[f"{p.name}_seconds"] = round(done.seconds, 2)
            if done.error:
                summary[f"{p.name}_error"] = done.error
            else:
                summary[p.name] = done.result if done.result is not None else True
            if done.path:
                handed[stage] = done.path
        # the content as planned (the parent may have changed nothing meanwhile: it holds the lock),
        # the stage's extra state as it is now (e.g. every unit anonymised)
        record(w, summary, time.perf_counter() - worker_t0, fp=fingerprint(ws, w, None, content), background=True)

    try:
        for name in names:
            interrupts.check()   # a Ctrl-C that library code swallowed
            stage = STAGES[name]
            if name not in todo:
                results[name] = ({"skipped": True, "seconds": 0.0, "reason": "no units"} if no_units
                                 else {"skipped": True, "seconds": 0.0})
                if on_stage and not no_units:
                    on_stage(name, results[name])
                continue
            if name == plan.worker_stage:
                from .worker import RunPrecompute, RunStage, Worker

                worker_t0 = time.perf_counter()
                worker = Worker(ws.path, threads=worker_cores)
                options = {stage.force_option: True} if (force and stage.force_option) else {}
                if stage.threads_option:
                    options[stage.threads_option] = worker_cores
                worker.send(RunStage(name, options))
                for st_name, p in plan.precompute:
                    hold = st_name == plan.beside_stage
                    path = None
                    if p.handover and not hold:
                        path = Path(ws.path) / f".{st_name}.{p.name}.{uuid.uuid4().hex}.pkl"
                        files += [path, Path(str(path) + ".part")]
                    worker.send(RunPrecompute(st_name, p.name, hold=hold, path=str(path) if path else None))
                if plan.beside_stage is None:
                    worker.stop()
                log.info("stage %s started in the worker process", name)
                continue
            if name == plan.beside_stage and worker is not None:
                from .worker import StageDone

                finish_worker_stage()
                reply = worker.next_reply(StageDone, name=name)
                if isinstance(reply, StageDone):
                    record(name, dict(reply.summary), reply.seconds, background=True)
                    continue
                log.debug("stage %s failed in the worker (%s: %s): running it here", name, reply.error, reply.message)
            if worker is not None and depends_on(name, plan.worker_stage):
                finish_worker_stage()
            beside = STAGES[plan.beside_stage] if plan.beside_stage else None
            if beside is not None and worker is not None and name in beside.beside:
                from .worker import RunStage

                if worker.send(RunStage(plan.beside_stage)):
                    log.info("stage %s started in the worker process, beside %s", plan.beside_stage, name)
                worker.stop()
            options: dict = {}
            if force and stage.force_option:
                options[stage.force_option] = True
            if stage.threads_option:
                busy = worker is not None and not worker.idle()
                if busy and stage.threads_dynamic:
                    # the worker holds its cores until it is idle
                    w_ = worker
                    options[stage.threads_option] = lambda: cores if w_.idle() else max(1, cores - worker_cores)
                else:
                    options[stage.threads_option] = max(1, cores - worker_cores) if busy else cores
            if name in handed:
                options["precomputed"] = handed[name]
            if mapper is not None and stage.map_option:
                options[stage.map_option] = mapper
            extra = {}
            if beside_map is not None:
                if not stage.map_option:   # the cluster is idle while this runs here
                    beside_map.start(todo, results)
                extra = beside_map.join(name)
            t0 = time.perf_counter()
            summary = dict(stage.load()(ws, progress=progress, **options) or {})
            record(name, {**summary, **extra}, time.perf_counter() - t0)
        finish_worker_stage()
        if worker is not None:
            worker.close()
            worker = None
        if todo:
            refresh_statistics(ws)
    finally:
        if worker is not None:  # a stage here failed: do not leave the worker running
            worker.kill()
        failing = sys.exc_info()[0] is not None
        if beside_map is not None and not failing:
            beside_map.join()
        # on a failure first: a map still running beside then ends at once (an engine a run started
        # for itself, e.g. engines.connected_first's, is stopped on a failure too)
        if mapper is not None and (own_engine or failing and getattr(mapper, "stop_on_failure", False)):
            mapper.shutdown()
        if beside_map is not None and failing:
            beside_map.join(timeout=30)   # the failure is raised even if a map does not stop
        for p in files:
            p.unlink(missing_ok=True)
    return {name: results[name] for name in names if name in results}


def refresh_statistics(ws) -> None:
    """SQLite's table statistics (``ANALYZE``), so that the planner picks the indexes the review
    app's lists and counts need at any size (about 3 s at 500,000 units; without statistics, or
    with sampled ones, some pages took 1-9 s there instead of a fraction of a second); and the
    words the disclosure layer withholds from topic labels and what reviewers' theme corrections
    change in the counts of people (:mod:`copquotes.adjustments`), stored for the app's first view."""
    from . import adjustments
    from .disclosure import withheld_words

    ws.conn.execute("ANALYZE")
    withheld_words(ws)
    adjustments.stored(ws)


def _up_to_date(ws, name: str, fp: str) -> bool:
    rec = ws.stage_record(name)
    return rec is not None and rec["fingerprint"] == fp
