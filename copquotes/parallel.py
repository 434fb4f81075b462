"""How many cores this process may use, and the thread settings that follow from it.

Nothing here runs at import: the entry points (the CLI, ``copquotes.run``, the worker
process, a Ray actor) call :func:`apply_threads` with the number they chose.
"""
from __future__ import annotations

import os


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
    return max(1, min(int(jobs), cores))


def apply_threads(n: int) -> dict:
    """Use ``n`` threads in the numeric libraries: through the environment for those not
    imported yet (torch, OpenBLAS/MKL/OpenMP and numba read it when they load, and child
    processes inherit it), and directly for torch, the BLAS pools and numba when they are
    already loaded (nothing is imported for it). Returns what was set. Call it from an entry
    point (the CLI, ``copquotes.run``, the worker process, a Ray actor), never at import."""
    import sys

    n = max(1, int(n))
    done = {}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)
    done["env"] = n
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
        done["torch"] = n
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(n)
            done["blas"] = n
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
