"""Ctrl-C is neither lost nor cuts an operation that must finish (copquotes.interrupts)."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from copquotes import interrupts


def _ctrl_c_in(seconds: float) -> None:
    threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT)).start()


class _SlowFinaliser:
    def __del__(self):
        time.sleep(2)   # Ctrl-C lands here: Python ignores an exception raised in __del__


def test_a_ctrl_c_that_a_finaliser_swallowed_is_raised_at_the_next_check(monkeypatch):
    reported = []   # what Python reports of an exception it ignores ("Exception ignored in ...")
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    with interrupts.remembered():
        _ctrl_c_in(0.2)
        obj = _SlowFinaliser()
        del obj            # the KeyboardInterrupt is ignored in its __del__
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    interrupts.check()     # forgotten once the command is over
    assert reported == []  # the command's one line stays one line


@pytest.mark.parametrize("presses, finished", [(1, True), (2, False)])
def test_a_first_ctrl_c_waits_for_a_held_operation_a_second_one_does_not(presses, finished):
    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts.held():
            for k in range(presses):
                _ctrl_c_in(0.1 + 0.2 * k)
            time.sleep(0.6)   # a second Ctrl-C cuts the sleep short
            done.append(True)
    assert bool(done) == finished
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_nothing_changes():
    seen = []

    def run():
        with interrupts.remembered(), interrupts.held():
            interrupts.check()
            seen.append(True)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [True]
