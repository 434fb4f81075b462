"""Ingest files and folders into a workspace, and say what could not be read.

:func:`ingest_inputs` is what ``copquotes ingest`` / ``run`` do: discover the sources, ingest
them (every file is read before anything is written), and, when a file of a supported format turns out to be unreadable
while it is read (a malformed export: a ragged or truncated CSV, a damaged workbook), take it
out and ingest the others. Unreadable files are listed in the report and kept in the
workspace (config ``ingest_unreadable``, shown by ``copquotes status``) until a later ingest
reads them; files of other types found in a folder are only noted (``skipped``).

The caller decides what an unreadable file means: ``copquotes ingest`` exits non-zero unless
``--skip-unreadable``. A file named explicitly that cannot be read still stops the ingest
(nothing written) unless ``skip_unreadable``.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..errors import InputError

#: workspace config key: {resolved path: {"path", "reason", "at"}}
UNREADABLE_KEY = "ingest_unreadable"


def _key(path) -> str:
    return str(Path(path).resolve())


def ingest_inputs(ws, inputs, meta: dict | None = None, *, skip_unreadable: bool = False,
                  progress: bool = True, wait: bool = True, on_wait=None, discovery=None) -> dict:
    """Discover ``inputs`` and ingest every readable source into ``ws``.

    Returns the ingest report as a dict: ``files`` (as :class:`~copquotes.workspace.IngestReport`,
    each with ``cleaned`` = characters stripped at ingest, ``nul_lines`` = ``[line, NULs]``
    dropped from a CSV and ``non_answers`` = survey answers such as "N/A" or "nothing" that became
    no unit, so counted nowhere), ``skipped`` (files of other types: ``path``, ``reason``), ``unreadable``
    (files of a supported format that could not be read: ``path``, ``reason``) and ``cleaned``
    (totals). Raises :class:`InputError` when nothing could be ingested, or when an explicitly
    named file cannot be read and ``skip_unreadable`` is false.
    """
    from . import discover, read

    inputs = [Path(p) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
    disc = discovery if discovery is not None else discover(inputs, meta)
    explicit = {_key(p) for p in inputs if p.is_file()}
    unreadable: list[tuple[Path, str]] = list(disc.unreadable)
    sources = list(disc.sources)
    if not sources:
        remember_unreadable(ws, [], unreadable)
        if unreadable:
            path, reason = unreadable[0]
            raise InputError(reason, path)
        raise InputError("no readable text sources found (see the warnings above)", inputs[0] if inputs else ".")

    readings: dict[str, object] = {}

    def read_and_keep(source):
        reading = read(source)
        readings[_key(source.path)] = reading
        return reading

    report = None
    while sources:
        readings.clear()
        try:
            report = ws.ingest(sources, read=read_and_keep, progress=progress, wait=wait, on_wait=on_wait)
            break
        except InputError as exc:
            bad = next((s for s in sources if exc.path and _key(s.path) == _key(exc.path)), None)
            if bad is None or (_key(bad.path) in explicit and not skip_unreadable):
                raise
            where = f" ({exc.location})" if exc.location else ""
            unreadable.append((bad.path, exc.reason + where))
            sources.remove(bad)
    rep = report.to_dict() if report is not None else {"files": []}
    totals = {"control": 0, "noncharacter": 0, "nul": 0}
    for f in rep["files"]:
        stats = getattr(readings.get(_key(f["path"])), "stats", None) or {}
        cleaned = dict(stats.get("stripped") or {"control": 0, "noncharacter": 0})
        nul_lines = [list(x) for x in stats.get("nul_lines") or []]
        cleaned["nul"] = sum(n for _, n in nul_lines)
        f["cleaned"] = cleaned
        f["nul_lines"] = nul_lines
        f["non_answers"] = int(stats.get("skipped_answers") or 0)
        for k in totals:
            totals[k] += cleaned.get(k, 0)
    rep["skipped"] = [{"path": str(p), "reason": r} for p, r in disc.skipped]
    rep["unreadable"] = [{"path": str(p), "reason": r} for p, r in unreadable]
    rep["cleaned"] = totals
    remember_unreadable(ws, [f["path"] for f in rep["files"]], unreadable)
    if not rep["files"] and unreadable:
        path, reason = unreadable[0]
        raise InputError(reason, path)
    return rep


def unreadable_error(rep: dict) -> InputError | None:
    """The one-line error for a report with unreadable files (None when there are none)."""
    bad = rep.get("unreadable") or []
    if not bad:
        return None
    first = f"{bad[0]['path']}: {bad[0]['reason']}"
    more = f" and {len(bad) - 1} more (listed above)" if len(bad) > 1 else ""
    n = len(bad)
    return InputError(f"{n} file{'s' * (n != 1)} of a supported format could not be read ({first}{more}); "
                      f"the other files are ingested: fix or remove {'them' if n != 1 else 'it'} and ingest again, "
                      "or pass --skip-unreadable to go on without " + ("them" if n != 1 else "it"))


def remember_unreadable(ws, read_ok, unreadable) -> None:
    """Keep the unreadable files in the workspace (for ``status``); forget files read since."""
    known = dict(ws.get_config(UNREADABLE_KEY, {}) or {})
    before = dict(known)
    for p in read_ok:
        known.pop(_key(p), None)
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    for p, reason in unreadable:
        known[_key(p)] = {"path": str(p), "reason": reason, "at": now}
    if known != before:
        ws.set_config(UNREADABLE_KEY, known)


def unreadable_files(ws) -> list[dict]:
    """The files an ingest could not read and no later ingest has read: ``path``, ``reason``, ``at``."""
    return sorted((dict(v) for v in (ws.get_config(UNREADABLE_KEY, {}) or {}).values()),
                  key=lambda d: d.get("path", ""))


def describe_non_answers(f: dict) -> list[str]:
    """A note for one file of the report: the survey non-answers left out of every count."""
    n = f.get("non_answers") or 0
    return [f"{f['path']}: {n} non-answer{'s' * (n != 1)} (such as N/A, nothing) left out: they are "
            "no unit and count in no table"] if n else []


def describe_cleaning(f: dict) -> list[str]:
    """Warnings for one file of the report: NULs dropped (naming the lines), characters stripped."""
    out = []
    nul = f.get("nul_lines") or []
    if nul:
        lines = ", ".join(str(ln) for ln, _ in nul[:10]) + (f" and {len(nul) - 10} more" if len(nul) > 10 else "")
        n = sum(c for _, c in nul)
        out.append(f"{f['path']}: dropped {n} NUL byte{'s' * (n != 1)} (line{'s' * (len(nul) != 1)} {lines}); "
                   "the export is damaged there: check those answers or export the file again")
    c = f.get("cleaned") or {}
    parts = [f"{c[k]} {label}{'s' * (c[k] != 1)}" for k, label in
             (("control", "control character"), ("noncharacter", "noncharacter")) if c.get(k)]
    if parts:
        out.append(f"{f['path']}: removed {' and '.join(parts)} from the text")
    return out
