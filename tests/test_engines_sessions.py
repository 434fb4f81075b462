"""What a workspace keeps of past Ray sessions (``WS/.ray/session_*``, one per run with the
engine's own cluster): the newest few, and any whose driver still runs; and where the link to a
deep ``WS/.ray`` goes."""
from __future__ import annotations

import os

import pytest

from copquotes.engines import _short_temp, prune_sessions

DEAD = 2 ** 22 + 1   # above Linux's largest process id: never a live process


def _sessions(folder, pids):
    for k, pid in enumerate(pids):
        (folder / f"session_2026-12-0{k + 1}_10-00-00_000000_{pid}" / "logs").mkdir(parents=True)


@pytest.mark.parametrize("pids, keep, left", [
    ([DEAD] * 5, 3, [2, 3, 4]),                      # the newest three
    ([DEAD] * 2, 3, [0, 1]),                         # fewer than kept: all
    (["ALIVE", DEAD, DEAD, DEAD, DEAD], 3, [0, 2, 3, 4]),   # a running driver's session stays
    ([DEAD, "notapid", DEAD], 1, [2]),               # a name without a process id is old
    ([DEAD] * 3, 0, []),
])
def test_old_sessions_go_the_newest_and_running_ones_stay(tmp_path, pids, keep, left):
    pids = [os.getpid() if p == "ALIVE" else p for p in pids]
    _sessions(tmp_path, pids)
    (tmp_path / "session_latest").symlink_to(sorted(tmp_path.glob("session_*"))[-1])
    (tmp_path / "spill").mkdir()
    names = sorted(d.name for d in tmp_path.glob("session_2026*"))
    prune_sessions(tmp_path, keep=keep)
    assert sorted(d.name for d in tmp_path.glob("session_2026*")) == [names[k] for k in left]
    assert (tmp_path / "spill").is_dir() and (tmp_path / "session_latest").is_symlink()


@pytest.mark.parametrize("extra, chosen", [
    (0, "TMPDIR"),
    (22, "TMPDIR"),      # the link, TMPDIR/cqray-XXXXXXXX/ws, is 40 bytes: the most Ray's sockets allow
    (23, "/tmp"),
    (60, "/tmp"),        # a scheduler's deep job folder
])
def test_the_link_to_a_deep_workspace_goes_to_a_temporary_folder_short_enough_for_rays_sockets(
        monkeypatch, extra, chosen):
    import shutil
    import tempfile

    base = tempfile.mkdtemp(prefix="cq", dir="/tmp")   # 15 bytes
    try:
        tmpdir = base
        if extra:
            tmpdir = base + "/" + "d" * (extra - len(base) - 1)
            os.makedirs(tmpdir)
        assert len(tmpdir) == (extra or len(base))
        monkeypatch.setattr("tempfile.tempdir", tmpdir)
        assert _short_temp() == (tmpdir if chosen == "TMPDIR" else "/tmp")
    finally:
        shutil.rmtree(base)
