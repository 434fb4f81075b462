"""Cores: how many this process may use, the thread settings that follow, --jobs, and the heap setting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copquotes.cli import main
from copquotes.parallel import available_cores, fixed_mmap_threshold, pid_alive, resolve_jobs


def test_available_cores_follow_the_cpu_affinity():
    assert available_cores() == len(os.sched_getaffinity(0))


def test_the_cores_of_a_narrowed_process_are_its_affinity():
    # a child pinned to one core sees one, whatever the machine has
    code = "from copquotes.parallel import available_cores; print(available_cores())"
    out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.getcwd()), check=True)
    assert out.stdout.strip() == "1"


@pytest.mark.parametrize("jobs, expected", [(None, "all"), (0, "all"), (1, 1), (10_000, "all")])
def test_jobs_are_clamped_to_the_cores_there_are(jobs, expected, caplog):
    with caplog.at_level("WARNING", logger="copquotes.parallel"):
        assert resolve_jobs(jobs) == (available_cores() if expected == "all" else expected)
    # asking for more than there are is said, not silently changed
    assert ("core" in caplog.text) is (jobs == 10_000)


def test_apply_threads_sets_the_libraries_and_imports_nothing():
    code = ("import sys; from copquotes.parallel import apply_threads; done = apply_threads(1); "
            "import os; print(os.environ['OMP_NUM_THREADS'], 'torch' in sys.modules, sorted(done)); "
            "import torch; print(torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.getcwd()))
    first, second = out.stdout.strip().splitlines()
    assert first == "1 False ['env']"
    assert second == "1"  # torch, loaded afterwards, reads the variable


@pytest.mark.parametrize("argv, message", [
    (["run", "x", "--workspace", "ws", "--jobs", "0"], "--jobs must be at least 1"),
    (["run", "x", "--workspace", "ws", "--address", "ray://h:10001"], "use it with --engine ray"),
    (["analyse", "--workspace", "ws", "--address", "ray://h:10001"], "use it with --engine ray"),
    (["analyse", "--workspace", "ws", "--jobs", "0"], "--jobs must be at least 1"),
    # checked before the ingest: nothing is read or written
    (["run", "x", "--workspace", "ws", "--engine", "ray", "--address", "127.0.0.1:1"], "cannot reach the Ray cluster"),
])
def test_bad_core_and_engine_options_are_one_line_errors(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "ws").exists()


@pytest.mark.slow
def test_with_one_job_every_stage_runs_in_this_process(tmp_path):
    from copquotes.ingest import discover
    from copquotes.pipeline import analyse
    from copquotes.workspace import Workspace
    from tests.test_pipeline import _write_data

    ws = Workspace.create(tmp_path / "ws")
    ws.ingest(discover([_write_data(tmp_path)]).sources, progress=False)
    res = analyse(ws, progress=False, jobs=1)
    assert all(not s["skipped"] and "background" not in s for s in res.values())
    assert ws.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == ws.n_units()
    ws.close()


_HEAP_PROBE = """
import sys
import numpy as np
from copquotes.parallel import fixed_mmap_threshold
if sys.argv[1] == "fixed":
    assert fixed_mmap_threshold(1 << 20)
a = np.ones(3 << 20, np.uint8)   # 3 MB: pages of its own; freeing them raises glibc's threshold
del a
b = np.ones(2 << 20, np.uint8)   # 2 MB: from the heap once the threshold rose, unless it is fixed
lo, hi = next([int(x, 16) for x in line.split()[0].split("-")] for line in open("/proc/self/maps")
              if line.rstrip().endswith("[heap]"))
print("heap" if lo <= b.ctypes.data < hi else "own pages")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
@pytest.mark.parametrize("mode, where", [("default", "heap"), ("fixed", "own pages")])
def test_a_fixed_mmap_threshold_keeps_large_blocks_off_the_heap(mode, where):
    out = subprocess.run([sys.executable, "-c", _HEAP_PROBE, mode], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == where


def test_the_mmap_threshold_cannot_be_negative():
    with pytest.raises(ValueError):
        fixed_mmap_threshold(-1)


_ANALYSE_PROBE = """
import sys
import numpy as np
from copquotes.ingest import discover
from copquotes.pipeline import analyse
from copquotes.workspace import Workspace
ws = Workspace.create(sys.argv[1])
ws.ingest(discover([sys.argv[2]]).sources, progress=False)
analyse(ws, ["anonymise"], progress=False, jobs=1)
ws.close()
a = np.ones(5 << 20, np.uint8)   # 5 MB, freed: glibc's own threshold would rise above 4.25 MB
del a
b = np.ones(17 << 18, np.uint8)  # 4.25 MB
lo, hi = next([int(x, 16) for x in line.split()[0].split("-")] for line in open("/proc/self/maps")
              if line.rstrip().endswith("[heap]"))
print("heap" if lo <= b.ctypes.data < hi else "own pages")
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_local_analysis_fixes_the_mmap_threshold_of_the_process_it_runs_in(tmp_path):
    """The local engine embeds and tags in the calling process: its heap must not keep the
    model's freed buffers (the copquotes process grew 1.21x from 50,000 to 200,000 units)."""
    from tests.test_pipeline import _write_data

    out = subprocess.run([sys.executable, "-c", _ANALYSE_PROBE, str(tmp_path / "ws"), str(_write_data(tmp_path))],
                         capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "own pages"


@pytest.mark.parametrize("pid, alive", [
    (os.getpid(), True),
    (str(os.getpid()), True),      # as a session folder's name ends
    (1, True),                     # another user's (init): running
    (None, False),
    ("notapid", False),
    (0, False),                    # a process group, not a process
    (-1, False),
    (2 ** 22 + 1, False),          # above Linux's largest process id
    (2 ** 70, False),              # not a C int
])
def test_pid_alive(pid, alive):
    assert pid_alive(pid) is alive


def test_a_finished_child_not_yet_reaped_is_not_alive():
    import time

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while pid_alive(child.pid):          # a zombie once it ends: not running
        assert time.monotonic() < deadline
        time.sleep(0.1)
    child.wait()


@pytest.mark.parametrize("jobs", [1, 2, 8])
def test_blas_runs_one_thread_whatever_the_jobs_so_results_do_not_depend_on_the_cores(jobs):
    # with two OpenBLAS threads a matrix product sums in another order: the tags, the topics and
    # the quote scores of the sample corpus differed between --jobs 1 and --jobs 2
    code = ("import os, numpy, threadpoolctl; from copquotes.parallel import apply_threads, exact_blas; "
            f"threadpoolctl.threadpool_limits(4, user_api='blas'); apply_threads({jobs}); "
            "blas = lambda: sorted({i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'}); "
            "libs = lambda: len([i for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']); "
            "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'], blas()); "
            "threadpoolctl.threadpool_limits(3, user_api='blas'); ctx = exact_blas(); "
            "print(blas(), libs()); ctx.restore_original_limits(); print(blas())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.getcwd()))
    first, inside, after = out.stdout.strip().splitlines()
    assert first == f"1 {jobs} [1]"
    # scipy's own OpenBLAS is loaded and limited too (numpy's and scipy's: two libraries)
    assert inside == "[1] 2"
    assert "3" in after      # an analysis's own limit, given back afterwards (numpy's was 3)
