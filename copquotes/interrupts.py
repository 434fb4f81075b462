"""Ctrl-C (SIGINT) that is neither lost nor lands in the middle of starting a Ray cluster.

Python turns SIGINT into :class:`KeyboardInterrupt` wherever the main thread is, and library
code may swallow it there (a C extension clearing the error of a failed import, a callback whose
exception is ignored): a `copquotes run --engine ray` then went on for a whole stage, or to its
end. The CLI therefore holds :func:`remembered` around its command: the interrupt is remembered,
and :func:`check` (called between stages and between a map's partitions) raises it again.

:func:`held` keeps a first Ctrl-C out of an operation that must not be cut in the middle
(``ray.init``: cut there, the processes it had started were nobody's to stop) and raises it
when the operation ends; a second Ctrl-C interrupts at once. Signals reach the main thread
only: elsewhere these do nothing.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading

_received = False   # a Ctrl-C arrived while remembered() was in force


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _remember(signum, frame):
    global _received
    _received = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def remembered():
    """Ctrl-C raises :class:`KeyboardInterrupt` as usual and is remembered for :func:`check`
    until the block ends (the CLI's command)."""
    global _received
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _remember)
    hook = sys.unraisablehook

    def quiet(unraisable):   # the Ctrl-C a finaliser ignored: raised again later, with one line
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = hook
        _received = False


def check() -> None:
    """:class:`KeyboardInterrupt` again when a Ctrl-C arrived and something swallowed it (in
    the main thread: another thread goes on until the main one stops it)."""
    if _received and _main_thread():
        raise KeyboardInterrupt


@contextlib.contextmanager
def held():
    """A first Ctrl-C during the block is raised when the block ends; a second one at once. Where
    Ctrl-C is ignored or ends the process (SIG_IGN, SIG_DFL), it goes on doing so."""
    if not _main_thread() or signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
        yield
        return
    count = [0]

    def hold(signum, frame):
        global _received
        count[0] += 1
        _received = _received or previous is _remember
        if count[0] > 1:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if count[0]:
        raise KeyboardInterrupt
