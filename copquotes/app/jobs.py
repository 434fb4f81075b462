"""Files added in the browser, and the analysis that runs on them in the background.

The **Add files** page saves each upload as a *batch*: a folder ``WS/inputs/<batch>/``
holding the files (placed where an uploaded manifest ``copquotes.yaml`` expects them,
so its globs and roster paths still match) and ``batch.json`` (the metadata the
reviewer typed: group, year, source kind; empty fields are left to detection).

:func:`start` then runs ``python -m copquotes.app.jobs WS`` as a detached process
(its own session: it outlives the browser tab and the Streamlit session that
started it). That process ingests every batch not yet ingested, file by file (a
file that cannot be read is reported in plain words and the others carry on), then
runs the analysis stages, writing its progress to ``WS/.app/analysis.json`` after
every step (atomically: a reader never sees half a file). The page only reads that
file, so a reload, a second tab or a second reviewer sees the same progress.

Adding more files later makes a new batch, and the stages only redo what the new units
make stale. A file whose bytes are already in the workspace is not added twice. A file
uploaded with the name of one added before *replaces* it (written over it in its batch,
which is read again): its units are matched, reviewers' decisions kept, withdrawn consent
applied, as when a new export is saved over the old one. A roster uploaded later is also
put in every earlier batch, so it applies to the files added before (docs/durability.md).

No participant text is written to the progress file: file names, counts, stage
names and error messages only.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from .. import runtime
from ..ingest.base import MANIFEST_NAMES, SURVEY_FORMATS, TRANSCRIPT_FORMATS
from ..parallel import pid_alive
from ..removal import UPLOADS
from ..types import SOURCE_KINDS as ALL_SOURCE_KINDS

log = logging.getLogger(__name__)

STATE_DIR = ".app"
STATE_FILE = "analysis.json"
INPUTS = UPLOADS     # the uploads folder (copquotes remove deletes its copy of a removed file)
BATCH_FILE = "batch.json"
INGESTED = ".ingested"
RESULTS = "results.json"      # per file of a batch: what reading it gave (status, answers, reason)
SOURCE_KINDS = tuple(k for k in ALL_SOURCE_KINDS if k != "other")   # what Add files offers
STEP_LABELS = {
    "ingest": "Reading the files",
    "anonymise": "Removing names and other identifiers",
    "embed": "Reading the meaning of each answer",
    "tag": "Finding the themes",
    "topics_fit": "Grouping into topics",
    "topics": "Naming the topics",
    "quotes": "Choosing candidate quotes",
}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def state_path(ws_path) -> Path:
    return Path(ws_path) / STATE_DIR / STATE_FILE


def inputs_dir(ws_path) -> Path:
    return Path(ws_path) / INPUTS


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_state(ws_path) -> dict | None:
    """The last analysis' progress (``None`` when none ever ran). A run whose process died
    without finishing is reported as ``failed``."""
    path = state_path(ws_path)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("state") in ("queued", "running") and not pid_alive(state.get("pid")):
        # a queued run gets a few seconds to start its process
        started = state.get("started_at_epoch") or 0
        if state.get("state") == "running" or time.time() - started > 30:
            state["state"] = "failed"
            state["message"] = ("The analysis stopped before it finished (the computer or the app was "
                                "restarted?). Press Analyse again: what was done is kept.")
    return state


def is_running(ws_path) -> bool:
    st = read_state(ws_path)
    return bool(st) and st.get("state") in ("queued", "running")


# ---------------------------------------------------------------------------------- batches
def safe_name(name: str) -> str:
    """A file name from the browser, reduced to its last part and safe characters."""
    base = re.split(r"[\\/]", str(name or ""))[-1].strip().lstrip(".")
    base = re.sub(r"[^\w.\- ()]+", "_", base)[:150]
    return base or "file"


def _known_hashes(ws_path) -> set[str]:
    out = set()
    root = inputs_dir(ws_path)
    if not root.is_dir():
        return out
    for b in root.iterdir():
        meta = b / BATCH_FILE
        if meta.is_file():
            try:   # a file taken out of the workspace (`copquotes remove`) is gone from disk: not known
                out.update(f["sha256"] for f in json.loads(meta.read_text("utf-8")).get("files", [])
                           if (b / f["path"]).is_file())
            except (ValueError, KeyError, TypeError):
                pass
    return out


def _manifest_places(data: bytes) -> dict[str, str]:
    """Where a manifest expects files: ``{file name (lower case): relative path}`` for its
    ``files`` entries and rosters that name one file in a sub-folder."""
    import yaml

    try:
        doc = yaml.safe_load(data.decode("utf-8", "replace")) or {}
    except yaml.YAMLError:
        return {}
    if not isinstance(doc, dict):
        return {}
    names: list[str] = []
    files = doc.get("files")
    if isinstance(files, dict):
        names += [str(k) for k in files]
    elif isinstance(files, list):
        for e in files:
            if isinstance(e, dict):
                names += [str(e.get(k)) for k in ("match", "path", "glob", "file", "pattern") if e.get(k)]
    for key in ("rosters", "roster"):
        v = doc.get(key)
        names += [str(x) for x in (v if isinstance(v, list) else [v] if v else [])]
    places = {}
    for n in names:
        n = n.strip().lstrip("./")
        if "/" in n and not any(c in n for c in "*?["):
            rel = Path(n)
            if ".." not in rel.parts and not rel.is_absolute():
                places[rel.name.lower()] = rel.as_posix()
    return places


def save_batch(ws_path, uploads: list[tuple[str, bytes]], meta: dict | None = None) -> dict:
    """Save uploaded files (``(name, bytes)``) as a new batch; returns ``{"batch": path or None,
    "saved": [names], "duplicates": [names], "replaced": [names]}``. Files whose bytes were added
    before are not saved again (``duplicates``); a file with the name of one added before (not a
    manifest) that is a new version of it (:func:`same_export`) replaces it in its batch, which is
    then read again (``replaced``); one that is another export under a name used before is added
    as a file of its own (``same_name``); a roster with a new name is also put in every earlier batch.

    ``meta`` (the group, year and source kind typed on the page) applies to every file of the
    upload, a replacing one too: typed fields replace what the file had, empty ones keep it.
    ``replaced_meta`` says, per replaced file, the group, year and source kind it has now and
    which of them were typed."""
    known = _known_hashes(ws_path)
    stored = _stored_by_name(ws_path)
    clean = {k: str(v).strip() for k, v in (meta or {}).items() if v is not None and str(v).strip()}
    items, dups, seen, replaced, renamed, replaced_meta = [], [], set(), [], [], {}
    for name, data in uploads:
        sha = hashlib.sha256(data).hexdigest()
        if sha in known or sha in seen:
            dups.append(safe_name(name))
            continue
        seen.add(sha)
        copies = stored.get(safe_name(name).lower())
        if copies and safe_name(name).lower() not in MANIFEST_NAMES:
            same = [c for c in copies if same_export(_read_stored(c), data)]
            if same:
                _replace_stored(same, data, sha, clean)
                replaced.append(safe_name(name))
                replaced_meta[safe_name(name)] = {"meta": file_meta(same[0][0], same[0][1]["path"]),
                                                  "typed": sorted(clean)}
                continue
            renamed.append(safe_name(name))   # another export under a name used before: a file of its own
        items.append((safe_name(name), data, sha))
    if not items:
        return {"batch": None, "saved": [], "duplicates": dups, "replaced": replaced, "same_name": renamed,
                "replaced_meta": replaced_meta}
    places: dict[str, str] = {}
    for name, data, _ in items:
        if name.lower() in MANIFEST_NAMES:
            places.update(_manifest_places(data))
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    root = inputs_dir(ws_path)
    batch = root / stamp
    i = 1
    while batch.exists():
        i += 1
        batch = root / f"{stamp}-{i}"
    batch.mkdir(parents=True)
    files, taken = [], set()
    for name, data, sha in items:
        rel = "copquotes.yaml" if name.lower() in MANIFEST_NAMES else places.get(name.lower(), name)
        stem, ext, n = Path(rel).with_suffix("").as_posix(), Path(rel).suffix, 1
        while rel.lower() in taken:
            n += 1
            rel = f"{stem} ({n}){ext}"
        taken.add(rel.lower())
        dest = batch / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        files.append({"name": name, "path": rel, "sha256": sha, "bytes": len(data)})
    _write_json(batch / BATCH_FILE, {"created_at": _now(), "meta": clean, "files": files})
    _share_rosters(batch, files)
    return {"batch": str(batch), "saved": [f["name"] for f in files], "duplicates": dups, "replaced": replaced,
            "same_name": renamed, "replaced_meta": replaced_meta}


META_SHOWN = ("group", "year", "source_kind")


def file_meta(batch: Path, rel: str) -> dict:
    """The group, year and source kind typed for a stored file: its batch's, with what was typed
    when it was uploaded again over them (empty: worked out from the file)."""
    try:
        info = json.loads((batch / BATCH_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    own = next((e.get("meta") or {} for e in info.get("files", []) if e.get("path") == rel), {})
    merged = {**(info.get("meta") or {}), **own}
    return {k: merged[k] for k in META_SHOWN if merged.get(k)}


def replaced_line(name: str, info: dict | None) -> str:
    """How the Add files page names a replaced file: with the group and year it has now, and
    whether they are what was typed or what it had before."""
    meta, typed = (info or {}).get("meta") or {}, set((info or {}).get("typed") or ())
    words = {"group": "group", "year": "year", "source_kind": "source kind"}
    parts = [f"{words[k]} {str(meta[k]).replace('_', ' ')}" for k in META_SHOWN if meta.get(k)]
    if not parts:
        return f"{name} (group and year worked out from the file, as before)"
    kept = [k for k in META_SHOWN if meta.get(k) and k not in typed]
    how = ("as you typed" if not kept else "kept from before" if not typed
           else f"{', '.join(words[k] for k in kept)} kept from before")
    return f"{name} ({', '.join(parts)}: {how})"


# an answer or a turn: text this long is rarely the same in two different surveys
_ANSWER_CHARS = 25
_TEXT_NODE = re.compile(rb"<(?:t|w:t)(?:\s[^>]*)?>([^<]*)</(?:t|w:t)>")


def _answers(data: bytes) -> set[str]:
    """The long strings of a file (answers, turns), normalised: cells of a CSV, text nodes of an
    XLSX or DOCX (a zip), lines of a transcript."""
    if data[:2] == b"PK":
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                chunks = [m for n in z.namelist() if n.endswith(".xml") for m in _TEXT_NODE.findall(z.read(n))]
        except (zipfile.BadZipFile, OSError, KeyError):
            return set()
        texts = [c.decode("utf-8", "replace") for c in chunks]
    else:
        texts = re.split(r'[\r\n\t",;]+', data.decode("utf-8", "replace"))
    return {" ".join(t.split()).casefold() for t in texts if len(t.strip()) >= _ANSWER_CHARS}


def same_export(old: bytes | None, new: bytes) -> bool:
    """Whether ``new`` is plausibly a new version of the stored file ``old`` (a re-download of the same
    survey, a corrected transcript): at least a third of the answers of the smaller one are in the
    other. A different cohort's survey saved under the same generic name ("Sheet_1.csv",
    "responses.csv") shares almost none, and is a file of its own. A file without answers (a roster)
    is the same file."""
    if old is None:
        return True
    a, b = _answers(old), _answers(new)
    if not a or not b:
        return True
    return len(a & b) >= max(1, min(len(a), len(b))) / 3


def _read_stored(copy: tuple[Path, dict]) -> bytes | None:
    try:
        return (copy[0] / copy[1]["path"]).read_bytes()
    except OSError:
        return None


def _stored_by_name(ws_path) -> dict[str, list[tuple[Path, dict]]]:
    """``{file name (lower case): [(batch folder, its batch.json entry)]}``: every file the app stored."""
    out: dict[str, list] = {}
    root = inputs_dir(ws_path)
    for b in sorted(root.iterdir()) if root.is_dir() else ():
        try:
            entries = json.loads((b / BATCH_FILE).read_text("utf-8")).get("files", [])
        except (OSError, ValueError):
            continue
        for e in entries:
            if isinstance(e, dict) and e.get("name") and e.get("path") and (b / str(e["path"])).is_file():
                out.setdefault(str(e["name"]).lower(), []).append((b, e))
    return out


def _atomic_write(path: Path, data: bytes) -> None:
    from ..workspace import atomic_write_bytes

    atomic_write_bytes(path, data)


def _replace_stored(copies: list[tuple[Path, dict]], data: bytes, sha: str, meta: dict | None = None) -> None:
    """Write an upload over every stored file of its name (whole or not at all), record its new
    hash in the batch (and the group, year or source kind typed with it, for this file only), and
    mark the batch to be read again (the ingest matches it by path)."""
    for b, entry in copies:
        _atomic_write(b / entry["path"], data)
        info = json.loads((b / BATCH_FILE).read_text("utf-8"))
        for e in info.get("files", []):
            if e.get("path") == entry["path"]:
                e.update(sha256=sha, bytes=len(data), replaced_at=_now())
                e.pop("reread", None)            # read again as a new version (not for its open questions)
                if meta:
                    e["meta"] = {**(e.get("meta") or {}), **meta}
        _write_json(b / BATCH_FILE, info)
        (b / INGESTED).unlink(missing_ok=True)


def _share_rosters(batch: Path, files: list[dict]) -> None:
    """A roster in this batch is put in every earlier batch too (read again), so it applies to the
    files added before it, as a roster in an export's folder does (a batch whose manifest names its
    rosters reads only those)."""
    from ..errors import CopquotesError
    from ..ingest.base import ROSTER_FORMATS
    from ..ingest.detect import detect_format

    def is_roster(f):
        try:
            return detect_format(batch / f["path"]) in ROSTER_FORMATS
        except (CopquotesError, OSError):
            return False

    rosters = [f for f in files if "/" not in f["path"] and is_roster(f)]
    for b in sorted(batch.parent.iterdir()) if rosters else ():
        if b == batch or not (b / BATCH_FILE).is_file():
            continue
        info = json.loads((b / BATCH_FILE).read_text("utf-8"))
        have = {str(e.get("path", "")).lower() for e in info.get("files", [])}
        new = [f for f in rosters if f["path"].lower() not in have and not (b / f["path"]).exists()]
        for f in new:
            _atomic_write(b / f["path"], (batch / f["path"]).read_bytes())
            info.setdefault("files", []).append({**f, "shared_from": batch.name})
        if new:
            _write_json(b / BATCH_FILE, info)
            (b / INGESTED).unlink(missing_ok=True)


def pending_batches(ws_path) -> list[Path]:
    root = inputs_dir(ws_path)
    if not root.is_dir():
        return []
    return sorted(b for b in root.iterdir() if (b / BATCH_FILE).is_file() and not (b / INGESTED).exists())


def batches(ws_path) -> list[dict]:
    """Every batch added in the browser, oldest first: when, files, metadata, ingested or not.
    Each file carries what reading it gave once its batch was analysed: ``status`` (``added``,
    ``unchanged``, ``unreadable``, ``roster`` or ``waiting``), ``units`` and ``error`` (why it
    could not be read, in words for the person who added it)."""
    root = inputs_dir(ws_path)
    out = []
    if root.is_dir():
        for b in sorted(root.iterdir()):
            try:
                info = json.loads((b / BATCH_FILE).read_text("utf-8"))
            except (OSError, ValueError):
                continue
            info["ingested"] = (b / INGESTED).exists()
            info["batch"] = b.name
            try:
                results = json.loads((b / RESULTS).read_text("utf-8"))
            except (OSError, ValueError):
                results = {}
            for f in info.get("files", []):
                r = results.get(f.get("path"))
                if r is None:
                    r = {"status": "added" if info["ingested"] else "waiting"}   # (a batch from before results)
                f.update(status=r.get("status"), units=r.get("units"), error=r.get("error"), newer=r.get("newer"),
                         questions=r.get("questions"))
            out.append(info)
    return out


FILE_STATUS = {"added": "read", "unchanged": "read before", "unreadable": "could not read", "roster": "roster",
               "manifest": "settings (copquotes.yaml)", "waiting": "not yet", "replaced": "read again (a new version)",
               "renamed": "read before", "duplicate": "already added", "outdated": "not read: an older version"}


def applied_meta(ws) -> dict[str, dict]:
    """``{"<batch>/<path>": {group, year, source_kind}}``: what the workspace ``ws`` (the page's
    open :class:`~copquotes.workspace.Workspace`) gave each uploaded file it holds (from
    copquotes.yaml, what was typed, or what the file says), read from its ``files`` table (the
    uploads folder may have moved with the workspace)."""
    found = ws.conn.execute("SELECT path, meta_json FROM files").fetchall()
    out = {}
    for path, meta_json in found:
        parts = Path(path).parts
        if INPUTS in parts[:-1]:
            at = len(parts) - 1 - parts[::-1].index(INPUTS)
            meta = json.loads(meta_json or "{}")
            out["/".join(parts[at + 1:])] = {k: meta[k] for k in META_SHOWN if meta.get(k)}
    return out


def file_rows(ws, listed: list[dict] | None = None) -> list[dict]:
    """The Add files page's list: one row per file added, oldest first, with its size and the
    second it was added (two different files of one name are told apart), what reading it
    gave, with the reason when it could not be read, and the group, year and source kind it
    has in the workspace (:func:`applied_meta`; what was typed for a file it does not hold).
    ``ws``: the page's open workspace (read through its connection, none of this function's own);
    ``listed``: :func:`batches` already read (the page reads them once per redraw), else read here."""
    rows = []
    applied = applied_meta(ws)
    for b in _listed(ws.path, listed):
        when = local_time(b.get("created_at"))
        # a roster added later is copied into this batch (_share_rosters): listed once, where it was
        # added; this batch's files were read again for the consent it gives, not as new versions
        later_roster = any(f.get("shared_from") for f in b.get("files", []))
        for f in b.get("files", []):
            if f.get("shared_from"):
                continue
            status = f.get("status") or "waiting"
            result = FILE_STATUS.get(status, status)
            if status == "added" and f.get("units") is not None:
                result = f"read: {read_words(f['units'], f.get('questions'))}"
            elif status == "replaced" and f.get("units") is not None:
                why = ("with a roster added later" if later_roster else "with the open questions chosen"
                       if f.get("reread") == "open_questions" else "(a new version)")
                result = f"read again {why}: {read_words(f['units'], f.get('questions'))}"
            elif status == "unreadable":
                result = f"could not read: {f.get('error') or 'unknown problem'}"
            elif status == "outdated" and f.get("newer"):
                result = f"not read: an older version of {f['newer']}"
            meta = applied.get(f"{b['batch']}/{f['path']}") or {**(b.get("meta") or {}), **(f.get("meta") or {})}
            rows.append({"file": f["name"], "size": human_size(f.get("bytes")), "added": when, "result": result,
                         **{k: meta.get(k, "") for k in META_SHOWN}})
    return rows


def questions_words(n) -> str:
    """A survey file's count of questions read as open ones, as the file list says it (a question
    read as a choice, a scale or a form field gives no answers, so the officer sees it missing)."""
    if not n:
        return ""
    return f" to {int(n)} open question{'s' if int(n) != 1 else ''}"


def read_words(units, questions=None) -> str:
    """What reading a file gave: "58 answers and turns", or a survey's "40 answers to 1 open question"."""
    n = int(units)
    if questions:
        return f"{n:,} answer{'s' if n != 1 else ''}" + questions_words(questions)
    return f"{n:,} answer{'s' if n != 1 else ''} and turns" if n != 1 else "1 answer or turn"


def questions_read(ws, path) -> int | None:
    """How many questions of the survey file at ``path`` (as the workspace holds it) were read as
    open questions; ``None`` for a transcript or a file it does not hold. One indexed count."""
    row = ws.conn.execute("SELECT file_id FROM files WHERE path = ?", (str(Path(path).resolve()),)).fetchone()
    if row is None:
        return None
    n = ws.conn.execute("SELECT COUNT(DISTINCT question) FROM units WHERE file_id = ? AND source_kind = 'survey'",
                        (row[0],)).fetchone()[0]
    return n or None


def _listed(ws_path, listed: list[dict] | None) -> list[dict]:
    return batches(ws_path) if listed is None else listed


def file_problems(ws_path, listed: list[dict] | None = None) -> list[dict]:
    """The files that could not be read (``name``, ``error``, ``added``), kept until the same name
    is added again and read: what the Add files page warns about after every later analysis.
    ``listed`` as :func:`file_rows`."""
    latest: dict[str, dict] = {}
    for b in _listed(ws_path, listed):
        for f in b.get("files", []):
            if f.get("status") in ("waiting", None):
                continue
            latest[f["name"].lower()] = {"name": f["name"], "status": f["status"], "error": f.get("error"),
                                         "added": local_time(b.get("created_at")), "newer": f.get("newer")}
    return [f for f in latest.values() if f["status"] == "unreadable"]


def dismiss_unreadable(ws_path, name: str) -> int | None:
    """Put away the warning about a file of ``name`` that could not be read: each stored copy of
    it that the last reading of its batch could not read is deleted (it may hold participants'
    words) and taken off the batch's list. A batch waiting to be read (a corrected file of that
    name just added over it) is not touched, nor is a file that was read. Returns how many copies
    went, or ``None`` (nothing done) while an analysis runs."""
    if is_running(ws_path):
        return None
    gone = 0
    root = inputs_dir(ws_path)
    for b in sorted(root.iterdir()) if root.is_dir() else []:
        if not (b / INGESTED).exists():
            continue
        try:
            info = json.loads((b / BATCH_FILE).read_text("utf-8"))
            results = json.loads((b / RESULTS).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        hits = [f for f in info.get("files", []) if isinstance(f, dict) and str(f.get("name", "")).lower() == name.lower()
                and (results.get(f.get("path")) or {}).get("status") == "unreadable"]
        for f in hits:
            stored = b / str(f["path"])
            if stored.resolve().is_relative_to(b.resolve()) and stored.is_file():
                stored.unlink()
            results.pop(f["path"], None)
            gone += 1
        if hits:
            info["files"] = [f for f in info["files"] if f not in hits]
            _write_json(b / BATCH_FILE, info)
            _write_json(b / RESULTS, results)
    _forget_unreadable(ws_path, name)
    return gone


def _forget_unreadable(ws_path, name: str) -> None:
    """The last analysis' own list of files it could not read, without ``name``."""
    try:
        state = json.loads(state_path(ws_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    files = state.get("files") or []
    kept = [f for f in files if not (isinstance(f, dict) and f.get("status") == "unreadable"
                                     and str(f.get("name", "")).lower() == name.lower())]
    if len(kept) != len(files):
        _write_json(state_path(ws_path), {**state, "files": kept})


def outdated_files(ws_path, listed: list[dict] | None = None) -> list[dict]:
    """The uploads not read because they are an older version of a file added before (``name``,
    ``newer``: that file's name, ``added``), kept until the same name is added again and read.
    ``listed`` as :func:`file_rows`."""
    latest: dict[str, dict] = {}
    for b in _listed(ws_path, listed):
        for f in b.get("files", []):
            if f.get("status") not in ("waiting", None):
                latest[f["name"].lower()] = {"name": f["name"], "status": f["status"], "newer": f.get("newer"),
                                             "added": local_time(b.get("created_at"))}
    return [f for f in latest.values() if f["status"] == "outdated"]


def local_time(stamp) -> str:
    """A stored UTC time as this computer's local time, to the second ("2025-03-04 14:05:09")."""
    try:
        return _dt.datetime.fromisoformat(str(stamp)).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return str(stamp or "")[:19].replace("T", " ")


def human_size(n) -> str:
    if n is None:
        return ""
    n = int(n)
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""  # pragma: no cover


# reasons the ingest gives that send a person to the manifest file: the app's words instead
NO_OPEN_TEXT = "it has no column of written answers"    # a survey none of whose columns read as open text
_YAML_ADVICE = [
    (re.compile(r"no open-text column found.*", re.I),
     NO_OPEN_TEXT + " (only ratings, ticks or numbers), so it has no quotes. If it does have "
     "written answers, tick them under 'Choose the open questions of a survey' below and press Analyse... again"),
]


def plain_reason(reason: str | None) -> str:
    """A reason a file could not be read, as the person who uploaded it can act on: never an
    instruction to edit the ``copquotes.yaml`` manifest (the app has no editor for it) or a
    command-line input folder."""
    text = " ".join(str(reason or "").split()) or "unknown problem"
    for pattern, plain in _YAML_ADVICE:
        if pattern.search(text):
            return pattern.sub(plain, text, count=1)
    text = re.sub(r"\s*(or|and)?\s*remove it from the input\b", "", text)
    if "copquotes.yaml" in text:
        head = re.split(r"[;(]?[^;(]*copquotes\.yaml", text, maxsplit=1)[0].rstrip(" ;,(")
        text = (head + "; " if head else "") + ("ask the researcher who looks after copquotes: they can "
                                                "set this for the file")
    return text


# ---------------------------------------------------------------------------------- running
def start(ws_path) -> dict:
    """Start the background analysis of ``ws_path`` unless one is running; returns the state."""
    ws_path = Path(ws_path).resolve()
    cur = read_state(ws_path)
    if cur and cur.get("state") in ("queued", "running"):
        return cur
    state = {"state": "queued", "started_at": _now(), "started_at_epoch": time.time(), "pid": None,
             "steps": {}, "files": [], "message": "Starting the analysis ..."}
    _write_json(state_path(ws_path), state)
    log_path = Path(ws_path) / STATE_DIR / "analysis.log"
    # nothing in the folder the app started in shadows a library (runtime.child_python)
    cmd, env = runtime.child_python("copquotes.app.jobs", str(ws_path))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    with open(log_path, "ab") as logf:
        proc = subprocess.Popen(cmd,
                                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True, close_fds=True)
    state["pid"] = proc.pid
    _write_json(state_path(ws_path), state)
    return state


class _Progress:
    def __init__(self, ws_path: Path):
        self.path = state_path(ws_path)
        self.state = {"state": "running", "pid": os.getpid(), "started_at": _now(),
                      "started_at_epoch": time.time(), "steps": {}, "files": [], "message": ""}
        try:
            old = json.loads(self.path.read_text("utf-8"))
            self.state["started_at"] = old.get("started_at", self.state["started_at"])
        except (OSError, ValueError):
            pass
        self.save()

    def save(self) -> None:
        self.state["updated_at"] = _now()
        _write_json(self.path, self.state)

    def step(self, name: str, status: str, **info) -> None:
        s = self.state["steps"].setdefault(name, {"label": STEP_LABELS.get(name, name)})
        s["status"] = status
        s.update(info)
        self.save()


def _plain_error(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg.splitlines()[0][:300]


def ingest_batches(ws, ws_path: Path, prog: _Progress) -> None:
    """Ingest every batch not yet ingested, one file at a time (one bad file stops nothing)."""
    from ..analysis import after_ingest
    from ..errors import CopquotesError
    from ..ingest import discover
    from ..ingest.batch import remember_unreadable

    todo = pending_batches(ws_path)
    prog.step("ingest", "running", done=0, total=0)
    n_files = n_units = n_rosters = 0
    for b in todo:
        info = json.loads((b / BATCH_FILE).read_text("utf-8"))
        meta = dict(info.get("meta") or {})
        shown = {f["path"]: f["name"] for f in info.get("files", [])}
        rel = lambda p: Path(p).resolve().relative_to(b.resolve()).as_posix()  # noqa: E731

        results: dict[str, dict] = {}

        def report(path, status, units=0, error=None, questions=None):
            try:
                key = rel(path)
            except ValueError:
                key = Path(path).name
            name = shown.get(key, Path(path).name)
            error = plain_reason(error) if status == "unreadable" else None
            newer = newer_version(ws, ws_path, path) if status == "outdated" else None
            prog.state["files"].append({"name": name, "status": status, "units": units, "error": error,
                                        **({"newer": newer} if newer else {})})
            prog.save()
            results[key] = {"status": status, "units": units, "error": error, **({"newer": newer} if newer else {}),
                            **({"questions": questions} if questions else {})}
            _write_json(b / RESULTS, results)      # kept with the batch: the page lists it after later runs
        chosen_kind = meta.pop("source_kind", None)     # applied below, to the files it fits (kind_fits)
        try:
            disc = discover([b], meta)
        except CopquotesError as exc:
            for f in info.get("files", []):
                report(b / f["path"], "unreadable", error=_plain_error(exc))
            (b / INGESTED).write_text(_now())
            continue
        _read_chosen_surveys(disc, b, info, meta)
        for path, reason in disc.skipped + disc.unreadable:
            if Path(path).name in (BATCH_FILE, RESULTS):
                continue
            report(path, "unreadable", error=reason)
        # what is neither read for text nor refused is a roster (or the manifest): read for consent
        sources = set()
        for src in disc.sources:
            try:
                sources.add(rel(src.path))
            except ValueError:
                pass
        for f in info.get("files", []):
            if f["path"] not in results and f["path"] not in sources:
                kind = "manifest" if Path(f["path"]).name.lower() in MANIFEST_NAMES else "roster"
                results[f["path"]] = {"status": kind, "units": None, "error": None}
                n_rosters += kind == "roster" and not f.get("shared_from")   # its copies in earlier uploads: once
        read_ok, unreadable = [], list(disc.unreadable)   # kept for `copquotes status`
        prog.step("ingest", "running", done=n_files, total=n_files + len(disc.sources), rosters=n_rosters)
        typed = {f["path"]: f["meta"] for f in info.get("files", []) if f.get("meta")}
        for src in disc.sources:
            try:
                src = _with_typed_meta(_typed_kind(src, chosen_kind), typed, rel)
                rep = ws.ingest([src], progress=False)
                fr = rep.files[0]
                status = getattr(fr, "status", "added")
                report(src.path, status, units=int(getattr(fr, "n_units", 0) or 0),
                       questions=questions_read(ws, src.path) if status in ("added", "replaced") else None)
                read_ok.append(src.path)
                n_units += int(getattr(fr, "n_units", 0) or 0)
            except Exception as exc:  # noqa: BLE001 - any failure of one file is reported, the rest go on
                log.debug("ingest of %s failed", src.path, exc_info=True)
                report(src.path, "unreadable", error=_plain_error(exc))
                unreadable.append((src.path, _plain_error(exc)))
            n_files += 1
            prog.step("ingest", "running", done=n_files)
        remember_unreadable(ws, read_ok, unreadable)
        after_ingest(ws)   # decisions kept when a file was removed (`copquotes remove`), back with it
        _write_json(b / RESULTS, results)
        (b / INGESTED).write_text(_now())
    prog.step("ingest", "done", done=n_files, total=n_files, units=n_units, rosters=n_rosters)


def _read_chosen_surveys(disc, batch: Path, info: dict, meta: dict) -> None:
    """A survey whose open questions were chosen on Add files (copquotes.app.openquestions) is read
    with them, although the batch's folder, read without them, set it aside as having no open text."""
    from ..errors import CopquotesError
    from ..ingest import discover

    chosen = {(batch / f["path"]).resolve() for f in info.get("files", [])
              if (f.get("meta") or {}).get("open_questions")}
    again = sorted(p for p in chosen if any(Path(s).resolve() == p for s, _ in disc.skipped))
    if not again:
        return
    disc.skipped = [(s, r) for s, r in disc.skipped if Path(s).resolve() not in chosen]
    for path in again:
        try:
            disc.sources.extend(discover([path], meta).sources)
        except CopquotesError as exc:
            disc.unreadable.append((path, _plain_error(exc)))


VENDOR_SURVEY_FORMATS = tuple(f for f in SURVEY_FORMATS if not f.startswith("plain_"))


def kind_fits(fmt: str, kind: str) -> bool:
    """Can a file of format ``fmt`` be of the source ``kind`` chosen on Add files for every file
    added at once? A survey platform's export is a survey and a transcript is no survey (a batch
    of both, marked "focus group", made every survey answer a "focus group participant"); a
    plain table or coded segments can be any kind."""
    if fmt in VENDOR_SURVEY_FORMATS:
        return kind == "survey"
    if fmt in TRANSCRIPT_FORMATS:
        return kind != "survey"
    return True


def _typed_kind(src, kind: str | None):
    """The source with the source kind chosen for its batch, where it fits (:func:`kind_fits`);
    else what the manifest or detection gave it."""
    import dataclasses

    from ..ingest.base import normalise_meta

    if not kind:
        return src
    kind = normalise_meta({"source_kind": kind}, "Add files: ")["source_kind"]
    if not kind_fits(src.format, kind):
        return src
    return dataclasses.replace(src, meta={**src.meta, "source_kind": kind})


def _with_typed_meta(src, typed: dict, rel):
    """The source with the group, year or source kind typed when its file was uploaded again
    (over its batch's; ``typed``: ``{path in the batch: meta}``)."""
    import dataclasses

    from ..ingest.base import normalise_meta

    try:
        own = typed.get(rel(src.path))
    except ValueError:
        own = None
    if not own:
        return src
    own = normalise_meta(own, "Add files: ")
    if own.get("source_kind") and not kind_fits(src.format, own["source_kind"]):
        own.pop("source_kind")
    return dataclasses.replace(src, meta={**src.meta, **own})


def newer_version(ws, ws_path, path) -> str | None:
    """The name (as it was added) of the stored file that an outdated copy at ``path`` is an
    earlier version of: the file holding those bytes before, in the workspace now with newer ones."""
    try:
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
    row = ws.conn.execute("SELECT f.path, f.display FROM file_shas s JOIN files f ON f.file_id = s.file_id"
                          " WHERE s.sha256 = ? ORDER BY f.file_id LIMIT 1", (sha,)).fetchone()
    if row is None:
        return None
    for copies in _stored_by_name(ws_path).values():
        for b, e in copies:
            if str((b / e["path"]).resolve()) == str(row[0]):
                return str(e["name"])
    return Path(str(row[1] or row[0])).name


def outdated_message(name: str, newer: str | None) -> str:
    """The Add files page's words for an upload that is an older version of a file already added."""
    other = newer or "a file added before"
    return (f"{name} was not read: it is an older version of {other}, which is already added with newer "
            f"answers (an old copy could bring back answers whose consent was withdrawn since). Nothing to do "
            f"if {other} is the version you want. To update it, add its newest export here under the name "
            f"{newer or 'it was added with'}; to go back to this older version on purpose, add it under that name.")


def done_message(ws) -> tuple[int, str]:
    """The candidate quotes after an analysis, and what the Add files page says about them: how
    many still wait for a decision when reviewers decided some already (a second Analyse... said
    "11 candidate quotes are ready to review" with every one of them decided)."""
    n, undecided = ws.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(q.status = 'pending'), 0) FROM quotes q"
        " JOIN quotable_units u ON u.unit_id = q.unit_id").fetchone()
    n, undecided = int(n), int(undecided)
    if undecided == n:
        return n, f"Done: {n:,} candidate quotes are ready to review."
    return n, (f"Done: {n:,} candidate quotes, {undecided:,} of them still to review "
               f"({n - undecided:,} decided or edited already).")


def run_job(ws_path) -> int:
    """The background process: ingest new batches, then every analysis stage."""
    from ..analysis import analyse_ingested
    from ..pipeline import STAGE_ORDER
    from ..workspace import Workspace

    ws_path = Path(ws_path).resolve()
    prog = _Progress(ws_path)
    ws = None
    try:
        ws = Workspace.open(ws_path, create=True)
        ingest_batches(ws, ws_path, prog)
        for name in STAGE_ORDER:
            prog.step(name, "waiting")
        if ws.n_units() == 0:
            prog.state.update(state="done", message="Nothing to analyse: none of the files could be read.")
            prog.save()
            return 0
        t0 = {"t": time.time()}
        order = list(STAGE_ORDER)
        prog.step(order[0], "running")

        def on_stage(name, summary):
            prog.step(name, "done" if not summary.get("skipped") else "up to date",
                      seconds=round(float(summary.get("seconds") or 0), 1))
            waiting = [n for n in order if prog.state["steps"].get(n, {}).get("status") in ("waiting", None)]
            if waiting:
                prog.step(waiting[0], "running")
            t0["t"] = time.time()
        # decisions kept when a file was removed (`copquotes remove`) back with it, the stages, the
        # survey questions stored ahead (no page waits for the redactor on its first one)
        analyse_ingested(ws, progress=False, on_stage=on_stage)
        for name in order:
            if prog.state["steps"].get(name, {}).get("status") in ("waiting", "running"):
                prog.step(name, "done")
        n, message = done_message(ws)
        prog.state.update(state="done", quotes=n, finished_at=_now(), message=message)
        prog.save()
        return 0
    except BaseException as exc:  # noqa: BLE001 - reported to the page, then re-raised for the log
        traceback.print_exc()
        for s in prog.state["steps"].values():
            if s.get("status") == "running":
                s["status"] = "failed"
        prog.state.update(state="failed", finished_at=_now(),
                          message="The analysis stopped: " + _plain_error(exc))
        prog.save()
        return 1
    finally:
        if ws is not None:
            ws.close()


if __name__ == "__main__":  # pragma: no cover - exercised through start() in the tests
    from .. import _offline

    _offline.apply()  # a process of copquotes' own: models from local packages only
    logging.basicConfig(level=logging.WARNING)
    sys.exit(run_job(sys.argv[1]))
