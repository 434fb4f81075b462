"""Minimal stand-ins for an ingest Source and Reading, for tests that feed the workspace
their own reader (``Workspace.ingest(sources, read=...)``)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Src:
    path: Path
    format: str = "plain_txt"
    meta: dict = field(default_factory=dict)
    roster: tuple = ()


@dataclass
class Reading:
    units: object
    identifiers: list


@contextmanager
def another_writer(ws_path):
    """Another pipeline writer holds the workspace at ``ws_path`` (in a thread) while the block runs."""
    from copquotes.workspace import pipeline_lock

    held, done = threading.Event(), threading.Event()

    def writer():
        with pipeline_lock(ws_path, wait=False):
            held.set()
            done.wait(30)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert held.wait(30)
        yield
    finally:
        done.set()
        t.join()
