"""Find the text sources among files and folders, with their metadata and rosters."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import CopquotesError, InputError
from ..types import RosterEntry
from .base import (MANIFEST_NAMES, ROSTER_FORMATS, SURVEY_FORMATS, Discovery, Source, normalise_meta, year_from_text)
from .detect import KNOWN_EXT, detect_format
from .manifest import Manifest, load_manifest
from .roster import load_roster

log = logging.getLogger("copquotes.ingest")

_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".svn", ".hg", ".ipynb_checkpoints", "__MACOSX",
              ".venv", "venv", ".streamlit", "embeddings", "figures"}
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store", "icon\r"}
_DOC_STEMS = {"readme", "license", "licence", "changelog", "contributing", "copying"}


def _walk(folder: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for f in filenames:
            out.append(Path(dirpath) / f)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix().lower() + "\0" + p.relative_to(folder).as_posix())


class _Manifests:
    def __init__(self):
        self._by_dir: dict[Path, Manifest | None] = {}

    def at(self, folder: Path) -> Manifest | None:
        key = folder.resolve()
        if key not in self._by_dir:
            found = None
            for name in MANIFEST_NAMES:
                p = folder / name
                if p.is_file():
                    found = load_manifest(p)
                    break
            self._by_dir[key] = found
        return self._by_dir[key]

    def chain(self, root: Path, file: Path) -> list[Manifest]:
        """Manifests from ``root`` down to the file's folder (outermost first)."""
        folders = []
        d = file.parent
        root_r = root.resolve()
        while True:
            folders.append(d)
            if d.resolve() == root_r or d.parent == d:
                break
            d = d.parent
        out = []
        for f in reversed(folders):
            m = self.at(f)
            if m is not None:
                out.append(m)
        return out

    def all(self):
        return [m for m in self._by_dir.values() if m is not None]


def discover(inputs, meta: dict | None = None) -> Discovery:
    """Walk ``inputs`` (files and folders, folders recursively) and return the text sources.

    Metadata per file: what detection finds (year from the file or folder name, source
    kind ``survey`` for survey exports), then the folder manifests ``copquotes.yaml``
    (outermost first, then matching ``files:`` entries), then ``meta`` (``--meta``),
    which overrides everything. Rosters come from the manifest (``roster:`` /
    ``rosters:``), else from roster CSVs given among the inputs (for the files given
    alongside them), else from roster CSVs found in the file's folder or above it.

    Files of other types inside a folder are skipped with a reason (``skipped``); a file
    named like a supported format (``.csv``, ``.xlsx``, ``.docx``, ``.txt``, ``.vtt`` ...) that
    cannot be read goes to ``unreadable``; a file given explicitly that cannot be read raises
    :class:`InputError` (:class:`UnknownFormatError` when it matches no format).
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    cli_meta = normalise_meta(meta, "--meta: ")
    if "rosters" in cli_meta or "roster" in cli_meta:
        names = list(cli_meta.pop("rosters", [])) + ([cli_meta.pop("roster")] if "roster" in cli_meta else [])
        cli_meta["rosters"] = [Path(n) for n in names]
    manifests = _Manifests()
    disc = Discovery()
    detected, folder_rosters, explicit_rosters = _detect(_candidates(inputs), manifests, disc)

    roster_cache: dict[Path, tuple[RosterEntry, ...]] = {}
    for rp in explicit_rosters:  # a roster given by name is checked even if no file uses it
        roster_cache[rp.resolve()] = load_roster(rp)

    def roster_of(paths) -> tuple[RosterEntry, ...]:
        out: list[RosterEntry] = []
        for rp in paths:
            rk = Path(rp).resolve()
            if rk not in roster_cache:
                roster_cache[rk] = load_roster(rp)
            out.extend(roster_cache[rk])
        return tuple(out)

    for f, root, explicit, fmt in detected:
        merged = _file_meta(f, root, fmt, manifests, cli_meta)
        roster_paths = merged.pop("rosters", None)
        if roster_paths is None:
            if explicit and explicit_rosters:
                roster_paths = explicit_rosters
            else:
                roster_paths = _nearest_folder_rosters(f, root, folder_rosters)
        roster = roster_of(roster_paths or [])
        if roster_paths:
            merged["rosters"] = [str(p) for p in roster_paths]
        disc.sources.append(Source(path=f, format=fmt, meta=merged, roster=roster,
                                   detected=_detected_keys(f, root, manifests, cli_meta, merged)))
    # a file a manifest (or --meta) names as a roster is a roster, whatever its header looks like
    disc.sources = [s for s in disc.sources if s.path.resolve() not in roster_cache]
    _skip_textless(disc, {f.resolve() for f, _, explicit, _ in detected if not explicit})
    _warn_unmatched(manifests)
    for f, reason in disc.skipped + disc.unreadable:
        log.info("skipped %s: %s", f, reason)
    return disc


def _candidates(inputs) -> list[tuple[Path, Path, bool]]:
    """``(file, root, explicit)`` of every file given or found in a folder given."""
    candidates: list[tuple[Path, Path, bool]] = []
    for inp in inputs:
        p = Path(inp)
        if not p.exists():
            raise InputError("no such file or folder; check the path", p)
        if p.is_dir():
            for f in _walk(p):
                candidates.append((f, p, False))
        else:
            candidates.append((p, p.parent, True))
    return candidates


def _detect(candidates, manifests: _Manifests, disc: Discovery):
    """The format of each candidate (once per file): ``(file, root, explicit, format)`` of the
    text sources, the rosters found in folders (by folder) and the rosters given by name;
    other files go to ``disc.skipped`` or ``disc.unreadable`` (a file given by name that
    cannot be read raises)."""
    seen: set[Path] = set()
    detected: list[tuple[Path, Path, bool, str]] = []
    folder_rosters: dict[Path, list[Path]] = {}
    explicit_rosters: list[Path] = []
    for f, root, explicit in candidates:
        key = f.resolve()
        if key in seen:
            continue
        seen.add(key)
        if f.name.lower() in MANIFEST_NAMES:
            continue
        if not explicit:
            reason = _pre_skip(f, root, manifests)
            if reason:
                if reason.startswith("excluded by"):
                    log.debug("skipped %s: %s", f, reason)  # asked for: no warning
                else:
                    disc.skipped.append((f, reason))
                continue
        try:
            fmt = detect_format(f)
        except InputError as exc:
            if explicit:
                raise
            # a file named like an export (.csv, .xlsx, .docx, .txt, .vtt ...) that cannot be read is
            # an unreadable export; anything else is a file of another type, noted and left alone
            (disc.unreadable if f.suffix.lower() in KNOWN_EXT else disc.skipped).append((f, exc.reason))
            log.debug("skipped %s: %s", f, exc.reason)  # the CLI prints the warning
            continue
        if fmt == "manifest":
            continue
        if fmt in ROSTER_FORMATS:
            if explicit:
                explicit_rosters.append(f)
            else:
                folder_rosters.setdefault(f.parent.resolve(), []).append(f)
            continue
        detected.append((f, root, explicit, fmt))
    return detected, folder_rosters, explicit_rosters


def _file_meta(f: Path, root: Path, fmt: str, manifests: _Manifests, cli_meta: dict) -> dict:
    """A file's metadata, lowest precedence first: detection (a survey's source kind, the year
    in the file's or a folder's name), the manifests from the outermost in, ``--meta``."""
    merged: dict = {}
    if fmt in SURVEY_FORMATS:
        merged["source_kind"] = "survey"
    rel_parts = []
    try:
        rel_parts = list(f.relative_to(root).parts[:-1])
    except ValueError:
        pass
    year = year_from_text(f.stem)
    if year is None:
        for part in reversed(rel_parts):
            year = year_from_text(part)
            if year:
                break
    if year:
        merged["year"] = year
    for m in manifests.chain(root, f):
        for layer in m.meta_for(f):
            merged.update({k: v for k, v in layer.items()})
    merged.update(cli_meta)
    return merged


def _detected_keys(f: Path, root: Path, manifests: _Manifests, cli_meta: dict, merged: dict) -> frozenset:
    """The keys of a file's metadata that only detection gave (no manifest layer, no --meta)."""
    given = set(cli_meta)
    for m in manifests.chain(root, f):
        for layer in m.meta_for(f):
            given.update(layer)
    return frozenset(k for k in ("year",) if k in merged and k not in given)


def _skip_textless(disc: Discovery, found_in_folder: set[Path]) -> None:
    """A spreadsheet found in a folder with no open text (an attendance list, a summary table, a
    survey of scales only) is not a text source: skipped with a warning, the rest carries on."""
    kept = []
    for s in disc.sources:
        reason = None
        if s.format in SURVEY_FORMATS and s.path.resolve() in found_in_folder and not s.meta.get("open_questions"):
            reason = _no_text_reason(s)
        if reason:
            disc.skipped.append((s.path, reason))
        else:
            kept.append(s)
    disc.sources = kept


def _warn_unmatched(manifests: _Manifests) -> None:
    """A warning for each manifest ``files:`` entry that matched no file."""
    for m in manifests.all():
        if any(other is not m and other.excluded(m.path) for other in manifests.all()):
            continue  # a manifest inside an excluded folder describes files nobody asked for
        for pattern in m.unmatched_patterns():
            log.warning("%s: files entry %r matches no file", m.path, pattern)


def _no_text_reason(source: Source) -> str | None:
    """Why a survey-format file holds nothing to ingest, or None (other problems are left for
    reading, which reports them as errors)."""
    from .columns import NoTextError
    from .survey import read_survey

    try:
        read_survey(source)  # works out the layout and columns from a bounded sample; units stay unread
    except NoTextError as exc:
        return exc.reason
    except CopquotesError:
        return None
    return None


def _nearest_folder_rosters(f: Path, root: Path, folder_rosters: dict[Path, list[Path]]) -> list[Path]:
    d = f.parent.resolve()
    root_r = root.resolve()
    while True:
        if d in folder_rosters:
            return folder_rosters[d]
        if d == root_r or d.parent == d:
            return []
        d = d.parent


def _pre_skip(f: Path, root: Path, manifests: _Manifests) -> str | None:
    name = f.name
    low = name.lower()
    if low in _SYSTEM_FILES or name.startswith("~$") or name.startswith(".~lock"):
        return "system or lock file"
    if name.startswith("."):
        return "hidden file"
    if f.stem.lower() in _DOC_STEMS and f.suffix.lower() in (".md", ".txt", ".rst", ""):
        return "documentation file (README/LICENSE), not a text source"
    for m in manifests.chain(root, f):
        if m.excluded(f):
            return f"excluded by {m.path.name}"
    if f.suffix.lower() in (".sqlite", ".db", ".sqlite-wal", ".sqlite-shm", ".npy", ".pkl", ".parquet", ".json",
                            ".jsonl", ".yaml", ".yml", ".py", ".html", ".htm", ".xml", ".js", ".css", ".log"):
        return f"{f.suffix.lower()} files are not a format copquotes reads"
    if f.suffix.lower() not in KNOWN_EXT and f.suffix:
        # unknown extension: still let the content decide (a transcript saved without .txt)
        return None
    return None
