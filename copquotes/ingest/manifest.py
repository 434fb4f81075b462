"""Folder manifests: ``copquotes.yaml`` gives metadata per folder, file or glob.

Example::

    # defaults for every file in this folder and below
    group: Early career
    year: 2024-2025
    rosters: [roster.csv]          # or roster: roster.csv
    exclude: ["drafts/*"]
    files:                         # per file or glob (a pattern without "/" matches file names)
      "survey_*.csv":
        source_kind: survey
        open_questions: [Q5, "Any other comments?"]
        consent_column: Q9
      fg_session1.vtt:
        source_kind: focus_group
        roster: roster_session1.csv
        speaker_roles: {"Jane Smith": facilitator}

``files`` may also be a list of mappings with a ``match`` (or ``path`` / ``glob``)
key. Later entries override earlier ones, a sub-folder's manifest overrides its
parent's, and ``--meta KEY=VALUE`` overrides them all.
"""
from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ConfigError
from .base import normalise_meta, split_list

log = logging.getLogger("copquotes.ingest")

_ENTRY_KEYS = ("match", "path", "glob", "file", "pattern", "files")


@dataclass
class Manifest:
    path: Path
    folder: Path
    defaults: dict
    entries: list[tuple[str, dict]]
    exclude: list[str] = field(default_factory=list)
    matched: set = field(default_factory=set)

    def _matches(self, pattern: str, rel: str) -> bool:
        pat = pattern.strip()
        if pat.startswith("./"):
            pat = pat[2:]
        if "/" in pat:
            return fnmatch.fnmatch(rel.lower(), pat.lower())
        return fnmatch.fnmatch(PurePosixPath(rel).name.lower(), pat.lower())

    def rel(self, file: Path) -> str | None:
        try:
            return file.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return None

    def excluded(self, file: Path) -> bool:
        rel = self.rel(file)
        return rel is not None and any(self._matches(p, rel) for p in self.exclude)

    def meta_for(self, file: Path) -> list[dict]:
        """The metadata layers (defaults, then matching entries in order) that apply to ``file``."""
        rel = self.rel(file)
        if rel is None:
            return []
        layers = [self.defaults]
        for i, (pattern, meta) in enumerate(self.entries):
            if self._matches(pattern, rel):
                self.matched.add(i)
                layers.append(meta)
        return layers

    def unmatched_patterns(self) -> list[str]:
        return [p for i, (p, _) in enumerate(self.entries) if i not in self.matched]


def _rosters(meta: dict, base: Path, where: str) -> dict:
    """Replace ``roster`` / ``rosters`` by absolute paths under the key ``rosters``."""
    names = []
    for key in ("roster", "rosters"):
        if key in meta:
            names += split_list(meta.pop(key))
    if names:
        paths = []
        for n in names:
            p = Path(n)
            p = p if p.is_absolute() else base / p
            if not p.is_file():
                raise ConfigError(f"{where}roster file {n!r} not found (looked for {p})")
            paths.append(p)
        meta["rosters"] = paths
    return meta


def load_manifest(path: Path) -> Manifest:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise ConfigError("reading copquotes.yaml needs PyYAML (pip install pyyaml==6.0.3)") from exc
    where = f"{path}: "
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    except OSError as exc:
        raise ConfigError(f"{where}cannot read the manifest ({exc.strerror or exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{where}invalid YAML{loc}: {getattr(exc, 'problem', None) or exc}; fix the manifest") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}the manifest must be a mapping of keys (group:, year:, files:, ...)")
    data = dict(data)
    folder = path.parent
    files = None
    for key in ("files", "sources", "meta", "per_file"):
        if key in data:
            files = data.pop(key)
            break
    exclude = split_list(data.pop("exclude", None) or data.pop("ignore", None))
    defaults = _rosters(normalise_meta(_keep_raw_lists(data), where, split_strings=False), folder, where)
    entries: list[tuple[str, dict]] = []
    if isinstance(files, dict):
        for pattern, meta in files.items():
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise ConfigError(f"{where}files: the entry for {pattern!r} must be a mapping of metadata")
            entries.append((str(pattern), _rosters(normalise_meta(_keep_raw_lists(meta), where, split_strings=False), folder, where)))
    elif isinstance(files, list):
        for i, item in enumerate(files, start=1):
            if not isinstance(item, dict):
                raise ConfigError(f"{where}files: entry {i} must be a mapping with a 'match' key")
            item = dict(item)
            pattern = next((item.pop(k) for k in _ENTRY_KEYS if k in item), None)
            if not pattern:
                raise ConfigError(f"{where}files: entry {i} needs a 'match' key (a file name or glob)")
            meta = _rosters(normalise_meta(_keep_raw_lists(item), where, split_strings=False), folder, where)
            for p in split_list(pattern) if isinstance(pattern, list) else [str(pattern)]:
                entries.append((p, meta))
    elif files is not None:
        raise ConfigError(f"{where}'files' must map file names or globs to metadata")
    return Manifest(path=path, folder=folder, defaults=defaults, entries=entries, exclude=exclude)


def _keep_raw_lists(meta: dict) -> dict:
    # YAML lists of open questions may contain commas inside question texts: keep them whole
    out = {}
    for k, v in meta.items():
        out[k] = list(v) if isinstance(v, (list, tuple)) else v
    return out
