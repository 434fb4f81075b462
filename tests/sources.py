"""Minimal stand-ins for an ingest Source and Reading, for tests that feed the workspace
their own reader (``Workspace.ingest(sources, read=...)``)."""
from __future__ import annotations

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
