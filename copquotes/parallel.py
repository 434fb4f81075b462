"""How many cores this process may use, the thread settings that follow from it, the heap
setting of the pipeline's worker process, and whether another process still runs.

Nothing here runs at import: the entry points (the CLI, ``copquotes.run``, the worker
process, a Ray actor) call :func:`apply_threads` with the number they chose; the worker
process also calls :func:`fixed_mmap_threshold`.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and ``taskset``
    narrow), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """``jobs`` if given (at least 1, at most the available cores), else the available cores."""
    cores = available_cores()
    if not jobs:
        return cores
    if int(jobs) > cores:
        log.warning("%d jobs asked for, but this process may run on %d core%s: using %d", int(jobs), cores,
                    "" if cores == 1 else "s", cores)
    return max(1, min(int(jobs), cores))


# numpy's and scipy's BLAS always run one thread: with two, OpenBLAS sums a matrix product in
# another order (the tagger's neighbour similarities moved by 1.8e-7), and the topic model, the
# tags and the quote scores then depended on the machine's cores (--jobs 1 against 2 on the
# sample corpus: 19 topics against 22). torch (the embedding model, whose vectors do not depend on
# its thread count) and numba take the cores.
BLAS_THREADS = 1


def apply_threads(n: int) -> dict:
    """Use ``n`` threads in torch, OpenMP and numba, and :data:`BLAS_THREADS` in the BLAS
    libraries (OpenBLAS, MKL): through the environment for those not imported yet (they read it
    when they load, and child processes inherit it), and directly for torch, the BLAS pools and
    numba when they are already loaded (nothing is imported for it). Returns what was set. Call
    it from an entry point (the CLI, ``copquotes.run``, the worker process, a Ray actor), never at
    import."""
    import sys

    n = max(1, int(n))
    done = {}
    for var in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(BLAS_THREADS)
    done["env"] = n
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
        done["torch"] = n
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(BLAS_THREADS, user_api="blas")
            done["blas"] = BLAS_THREADS
        except ImportError:  # pragma: no cover - scikit-learn brings it
            pass
    if "numba" in sys.modules:
        try:
            numba = sys.modules["numba"]
            numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
            done["numba"] = n
        except Exception:  # noqa: BLE001 - its pool was fixed lower when it started
            pass
    return done


M_MMAP_THRESHOLD = -3          # glibc's mallopt parameter
HEAP_MMAP_THRESHOLD = 4 << 20  # bytes: allocations this large or larger get pages of their own


def exact_blas():
    """A context in which the BLAS libraries run :data:`BLAS_THREADS` thread (restored after):
    an analysis runs in it, so that its numbers do not depend on the cores of the machine or on
    what the calling process set (``copquotes.run`` from a notebook, say). numpy and scipy each
    bring an OpenBLAS of their own: both are loaded first, since a library loaded inside the
    context would keep its own count."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(BLAS_THREADS, user_api="blas")


def fixed_mmap_threshold(nbytes: int = HEAP_MMAP_THRESHOLD) -> bool:
    """glibc only: serve every allocation of ``nbytes`` or more with pages of its own (returned to
    the system when freed) for the rest of this process's life. True when it was set.

    By default glibc raises that threshold (up to 32 MB) each time such a block is freed, after
    which the embedding model's buffers of a few MB, a different size for every batch of texts,
    come from the heap, between small objects that stay alive, and the freed space is not
    reused: the quotes stage alone in the pipeline's worker process, embedding its quotes'
    texts on a 50,000-unit workspace, peaked at 1,036-1,066 MB, and at 767 MB with a 4 MB
    threshold; the worker's peak then went 969 -> 1,048 MB from 50,000 to 200,000 units
    (1,264 -> 1,536 MB before). Costs a page fault per such block (that embedding step took
    47.6 s instead of 40.1 s). The worker process calls it at its start, and an analysis in the
    process it runs in, with either engine (locally its embed stage: the copquotes process peaked
    at 1,336 MB at 50,000 units and 1,387 MB at 200,000, 1.04x, against 1,546 and 1,878 MB,
    1.21x, without it, for about 6% more time at 50,000 units: benchmarks/results/scale.md)."""
    if int(nbytes) < 0:
        raise ValueError(f"nbytes must be at least 0, not {nbytes!r}")
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, int(nbytes)))
    except (OSError, AttributeError):  # pragma: no cover - another C library (musl)
        return False


def pid_alive(pid) -> bool:
    """Whether the process ``pid`` runs: another user's counts, a zombie (ended, not yet
    reaped by its parent) does not, and anything not a process id is not one."""
    try:
        pid = int(pid)
        if pid <= 0:   # 0 and -N name process groups, not a process
            return False
        os.kill(pid, 0)
    except (TypeError, ValueError, OverflowError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
