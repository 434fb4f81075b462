"""Which columns of a survey added in the browser are open questions, chosen on the Add files page.

copquotes works the open questions out from a survey's columns; a free-text question it reads as
a choice gives no quotes. A manifest names them (``open_questions`` in copquotes.yaml); the Add
files page lets a person choose them for a survey already added: the choice is kept with the
file in its batch (``batch.json``, the file's own ``meta``, under the manifest's key
``open_questions``, column ids as copquotes.yaml takes them), and its batch is marked to be read
again, so the next **Analyse...** reads the file with them (its unchanged answers keep their
decisions, as for any file read again). An empty choice goes back to working them out.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError
from . import jobs

KEY = "open_questions"
SURVEY_SUFFIXES = (".csv", ".tsv", ".xlsx")
# what reading a file gave that leaves it a survey a person may choose questions of (and a file
# that could not be read for want of an open question: jobs.NO_OPEN_TEXT)
READ_STATUSES = ("added", "unchanged", "replaced", "renamed")


def survey_files(ws_path, listed: list[dict] | None = None) -> list[dict]:
    """The surveys added in the browser and read (or tried): ``{"batch", "path", "name",
    "chosen"}``, ``chosen`` the open questions chosen for it (``None``: worked out)."""
    out = []
    for b in jobs.batches(ws_path) if listed is None else listed:
        for f in b.get("files", []):
            no_text = f.get("status") == "unreadable" and str(f.get("error") or "").startswith(jobs.NO_OPEN_TEXT)
            if (f.get("shared_from") or Path(f["path"]).suffix.lower() not in SURVEY_SUFFIXES
                    or not (f.get("status") in READ_STATUSES or no_text)):
                continue
            out.append({"batch": b["batch"], "path": f["path"], "name": f["name"],
                        "chosen": _as_list((f.get("meta") or {}).get(KEY))})
    return out


def _as_list(value) -> list | None:
    """The chosen questions as a list (``None``: none chosen): one column id given as text, as a
    hand-written copquotes.yaml may give it, is one question, not its letters."""
    if isinstance(value, str):
        value = [value] if value.strip() else []
    return list(value or []) or None


def _stored(ws_path, batch: str, path: str) -> Path:
    root = jobs.inputs_dir(ws_path).resolve()
    file = (root / batch / path).resolve()
    if not file.is_relative_to(root / batch) or not file.is_file():
        raise ConfigError(f"{path} is no longer in the workspace's added files: add it again on Add files")
    return file


def columns(ws, ws_path, batch: str, path: str) -> list[dict]:
    """The survey's columns (``id``, ``letter``, ``question``) and whether each is an open
    question now (``open``): the chosen ones, else those the last reading took answers from."""
    from ..ingest import discover, question_columns

    file = _stored(ws_path, batch, path)
    found = discover([file], {}).sources
    if not found:
        raise ConfigError(f"{path} is not read as a survey, so it has no questions to choose")
    cols = question_columns(found[0])
    chosen = next((f["chosen"] for f in survey_files(ws_path) if f["batch"] == batch and f["path"] == path), None)
    if chosen:
        want = {str(c).strip().lower() for c in chosen}
        is_open = lambda c: c["id"].strip().lower() in want or c["question"].strip().lower() in want  # noqa: E731
    else:
        row = ws.conn.execute("SELECT file_id FROM files WHERE path = ?", (str(file),)).fetchone()
        asked = {r[0] for r in ws.conn.execute("SELECT DISTINCT question FROM units WHERE file_id = ?",
                                                (row[0],))} if row else set()
        is_open = lambda c: c["question"] in asked  # noqa: E731
    return [dict(c, open=bool(is_open(c))) for c in cols]


def option_labels(cols: list[dict]) -> dict[str, str]:
    """The picker's options: column id -> "C · id — question" (the question when it is not the id),
    or "Group B, column C · id — ..." when the workbook's answers are on several sheets. A column id
    on several sheets is one option (the reader takes it on each of them): each sheet is named."""
    where: dict[str, list[str]] = {}
    first: dict[str, dict] = {}
    for c in cols:
        first.setdefault(c["id"], c)
        place = f"{c['sheet']}, column {c['letter']}" if c.get("sheet") else c["letter"]
        if place not in where.setdefault(c["id"], []):
            where[c["id"]].append(place)
    return {i: "; ".join(where[i]) + f" · {i}" + (f" — {c['question']}" if c["question"] not in ("", i) else "")
            for i, c in first.items()}


def choose(ws_path, batch: str, path: str, ids: list[str]) -> bool:
    """Keep ``ids`` as the survey's open questions (none: worked out again) and mark its batch to
    be read again at the next Analyse. ``False`` (nothing done) while an analysis runs."""
    if jobs.is_running(ws_path):
        return False
    _stored(ws_path, batch, path)
    ids = [str(i).strip() for i in ids if str(i).strip()]
    folder = jobs.inputs_dir(ws_path) / batch
    info = json.loads((folder / jobs.BATCH_FILE).read_text("utf-8"))
    for f in info.get("files", []):
        if f.get("path") == path:
            meta = {k: v for k, v in (f.get("meta") or {}).items() if k != KEY}
            if ids:
                meta[KEY] = ids
            if meta:
                f["meta"] = meta
            else:
                f.pop("meta", None)
            f["reread"] = KEY                   # the files list says why it was read again
    jobs._write_json(folder / jobs.BATCH_FILE, info)
    (folder / jobs.INGESTED).unlink(missing_ok=True)
    return True
