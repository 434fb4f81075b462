"""The pipeline's worker process and the typed messages it exchanges with the pipeline.

The pipeline starts ``python -m copquotes.worker WS --threads N`` to run a stage beside the stages it runs
itself (both cores busy). The two talk in :class:`Message` dataclasses, each sent as one frame
(a 4-byte big-endian length, then the pickled message): the parent writes to the worker's
stdin, the worker answers on its stdout (anything else a stage prints there goes to stderr).

Parent -> worker: :class:`RunStage`, :class:`RunPrecompute`, :class:`Stop` (or end of input).
Worker -> parent: :class:`StageDone`, :class:`StageFailed`, :class:`PrecomputeDone`,
:class:`WorkerFailed`. The worker does its tasks one after another in the order received and
answers each; it exits on :class:`Stop` once the tasks before it are done.

The worker opens the workspace itself (SQLite WAL lets the parent keep reading and writing
other tables meanwhile). A precomputed value the stage's ``run`` takes (``handover``) stays in
the worker when the stage will run there too, or is written to a file the parent names.
"""
from __future__ import annotations

import inspect
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from . import runtime
from .errors import CopquotesError

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- messages
@dataclass(frozen=True)
class Message:
    pass


@dataclass(frozen=True)
class RunStage(Message):
    """Run stage ``name`` (its declared ``run``) with ``options``; a held precomputed value
    of the stage is passed as ``precomputed``."""
    name: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RunPrecompute(Message):
    """Run precompute step ``step`` of stage ``stage``. For a handover step: keep the value
    (``hold``) or write it (pickled) to ``path``."""
    stage: str
    step: str
    hold: bool = False
    path: str | None = None


@dataclass(frozen=True)
class Stop(Message):
    pass


@dataclass(frozen=True)
class StageDone(Message):
    name: str
    summary: dict
    seconds: float          # the stage's own time in the worker
    finished_at: float      # time.time() when it ended


@dataclass(frozen=True)
class StageFailed(Message):
    name: str
    error: str              # the exception's class name
    message: str            # its one-line message


@dataclass(frozen=True)
class PrecomputeDone(Message):
    stage: str
    step: str
    result: int | None = None     # a count, when the step returns one
    path: str | None = None       # where a handover value was written
    held: bool = False
    seconds: float = 0.0
    error: str | None = None      # the exception's class name when it failed


@dataclass(frozen=True)
class WorkerFailed(Message):
    message: str


def write_message(fh: BinaryIO, msg: Message) -> None:
    blob = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(struct.pack(">I", len(blob)) + blob)
    fh.flush()


def read_message(fh: BinaryIO) -> Message | None:
    """The next message, or ``None`` at end of input."""
    head = _read_exactly(fh, 4)
    if head is None:
        return None
    blob = _read_exactly(fh, struct.unpack(">I", head)[0])
    if blob is None:
        return None
    msg = pickle.loads(blob)
    if not isinstance(msg, Message):
        raise CopquotesError(f"the worker protocol got a {type(msg).__name__}, not a message")
    return msg


def _read_exactly(fh: BinaryIO, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = fh.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


# ----------------------------------------------------------------------------- parent side
def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: the worker gets SIGKILL when the pipeline process dies, so a killed run leaves no
    writer behind that the next run's workspace lock does not know of."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:
        pass


class Worker:
    """A worker process on a workspace folder, seen from the pipeline."""

    def __init__(self, ws_path, threads: int = 1):
        self.ws_path = Path(ws_path)
        self._stderr = tempfile.TemporaryFile()
        self.started_at = time.time()
        cmd, env = runtime.child_python("copquotes.worker", str(self.ws_path), "--threads", str(int(threads)))
        self.proc = subprocess.Popen(cmd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                     bufsize=0,  # unbuffered: select() sees every byte not yet read
                                     preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        self._outstanding = 0
        self._replies: list[Message] = []
        self._eof = False
        self._stopped = False

    def send(self, msg: Message) -> bool:
        """Queue a task (or :class:`Stop`); False when the worker is gone."""
        if self._stopped or self.proc.stdin is None:
            return False
        try:
            write_message(self.proc.stdin, msg)
        except (BrokenPipeError, OSError):
            return False
        if isinstance(msg, Stop):
            self._stopped = True
            self.proc.stdin.close()
        else:
            self._outstanding += 1
        return True

    def stop(self) -> None:
        if not self._stopped:
            self.send(Stop())

    def _read_one(self) -> Message | None:
        msg = None if self._eof else read_message(self.proc.stdout)
        if msg is None:
            self._eof = True
            return None
        if not isinstance(msg, WorkerFailed):
            self._outstanding -= 1
        self._replies.append(msg)
        return msg

    def idle(self) -> bool:
        """True once the worker no longer needs a core: it has answered every task sent (or exited)."""
        while not self._eof and self._outstanding > 0:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0)
            if not ready:
                return False
            self._read_one()
        return True

    def next_reply(self, kind: type, **match) -> Message:
        """Wait for the reply of type ``kind`` (or :class:`StageFailed` for a stage) whose fields equal ``match``."""
        def fits(m):
            if isinstance(m, WorkerFailed):
                return True
            if isinstance(m, kind) or (kind is StageDone and isinstance(m, StageFailed)):
                return all(getattr(m, k, None) == v for k, v in match.items())
            return False

        while True:
            for m in self._replies:
                if fits(m):
                    self._replies.remove(m)
                    if isinstance(m, WorkerFailed):
                        raise CopquotesError(m.message)
                    return m
            if self._read_one() is None:
                raise CopquotesError(self._died_message())

    def _died_message(self) -> str:
        code = self.proc.wait()
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return f"the pipeline's worker process ended early (exit {code}): {tail[0]}"

    def close(self) -> None:
        """Stop the worker after its tasks and wait for it."""
        self.stop()
        try:
            self.proc.wait()
        finally:
            self._stderr.close()

    def kill(self) -> None:
        """End the worker now (after a failure here); harmless once it has exited."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()
        self._stderr.close()


def run_stage(ws_path, name: str, **options) -> dict:
    """Run one stage in a worker process on the workspace folder ``ws_path`` and wait for it;
    returns its summary (plus ``stage_seconds`` in the stage and ``wall_seconds`` from the
    worker's start). Raises :class:`CopquotesError` when it fails."""
    worker = Worker(ws_path)
    try:
        worker.send(RunStage(name, options))
        worker.stop()
        try:
            reply = worker.next_reply(StageDone, name=name)
        except CopquotesError as exc:
            raise CopquotesError(f"the {name} stage failed in its worker process: {exc}") from None
        if not isinstance(reply, StageDone):
            raise CopquotesError(f"the {name} stage failed in its worker process: {reply.error}: {reply.message}")
        summary = dict(reply.summary)
        summary["stage_seconds"] = round(reply.seconds, 3)
        summary["wall_seconds"] = round(reply.finished_at - worker.started_at, 2)
        worker.close()
        return summary
    finally:
        worker.kill()


# ----------------------------------------------------------------------------- worker side
def _dump_items(items, path: str) -> None:
    """Pickle ``items`` one after another into ``path`` (written to ``path.part``, then renamed)."""
    tmp = Path(path + ".part")
    with open(tmp, "wb") as fh:
        for item in items:
            pickle.dump(item, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _drop_file(ws, value) -> None:
    """Delete a held value's file (one this process wrote in the workspace), once used."""
    if isinstance(value, str) and Path(value).parent == Path(ws.path) and Path(value).name.startswith("."):
        Path(value).unlink(missing_ok=True)


def _serve(ws, inbox: BinaryIO, outbox: BinaryIO) -> None:
    from .stages import STAGES, resolve

    held: dict[tuple[str, str], object] = {}
    while True:
        msg = read_message(inbox)
        if msg is None or isinstance(msg, Stop):
            for value in held.values():   # a held value's file no stage took
                _drop_file(ws, value)
            return
        if isinstance(msg, RunPrecompute):
            step = next(p for p in STAGES[msg.stage].precompute if p.name == msg.step)
            t = time.perf_counter()
            path = None
            try:
                value = resolve(step.run)(ws)
                if step.handover and inspect.isgenerator(value):
                    # a value made part by part is written one part after another (to the
                    # parent's file, or to one of ours when held), so no process holds them all
                    target = msg.path or (str(Path(ws.path) / f".{msg.stage}.{msg.step}.{uuid.uuid4().hex}.pkl")
                                          if msg.hold else None)
                    if target:
                        _dump_items(value, target)
                        value = target
                        path = msg.path
                if step.handover and msg.hold:
                    held[(msg.stage, msg.step)] = value
                elif step.handover and msg.path and path is None and value != msg.path:
                    _dump_items([value], msg.path)
                    path = msg.path
            except Exception as exc:  # noqa: BLE001 - the stage computes what is missing itself
                log.debug("%s not precomputed: %s", step.name, exc)
                if msg.path:
                    Path(msg.path + ".part").unlink(missing_ok=True)
                write_message(outbox, PrecomputeDone(msg.stage, msg.step, seconds=time.perf_counter() - t,
                                                     error=type(exc).__name__))
                continue
            write_message(outbox, PrecomputeDone(
                msg.stage, msg.step, result=value if isinstance(value, int) else None, path=path,
                held=step.handover and msg.hold, seconds=time.perf_counter() - t))
            del value
        elif isinstance(msg, RunStage):
            stage = STAGES[msg.name]
            options = dict(msg.options)
            for p in stage.precompute:
                if p.handover and (msg.name, p.name) in held:
                    options["precomputed"] = held.pop((msg.name, p.name))
            t = time.perf_counter()
            try:
                summary = dict(stage.load()(ws, progress=False, **options) or {})
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
                _drop_file(ws, options.get("precomputed"))
                log.debug("stage %s failed in the worker", msg.name, exc_info=True)
                write_message(outbox, StageFailed(msg.name, type(exc).__name__, str(exc).splitlines()[0] if str(exc)
                                                  else type(exc).__name__))
                continue
            _drop_file(ws, options.get("precomputed"))
            write_message(outbox, StageDone(msg.name, summary, time.perf_counter() - t, time.time()))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from . import _offline

    _offline.apply()  # this is an entry point: no model reaches for the network

    # the protocol owns the real stdout; anything a stage prints goes to stderr
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inbox = sys.stdin.buffer
    threads = 1
    if len(argv) == 3 and argv[1] == "--threads" and argv[2].isdigit():
        threads = int(argv[2])
    elif len(argv) != 1:
        write_message(outbox, WorkerFailed("usage: python -m copquotes.worker WORKSPACE [--threads N]"))
        return 2
    from .parallel import apply_threads, fixed_mmap_threshold
    from .workspace import Workspace

    apply_threads(threads)
    fixed_mmap_threshold()   # its heap stays flat while the quotes stage embeds (parallel.py)
    try:
        ws = Workspace.open(Path(argv[0]))
    except Exception as exc:  # noqa: BLE001
        write_message(outbox, WorkerFailed(f"the worker process could not open the workspace: {exc}"))
        return 1
    try:
        _serve(ws, inbox, outbox)
    finally:
        ws.close()
        outbox.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    # run the copy importable as copquotes.worker, so that the unpickled messages' classes are
    # the ones isinstance() checks against (not this __main__ module's)
    from copquotes.worker import main as _main

    sys.exit(_main())
