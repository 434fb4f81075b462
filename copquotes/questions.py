"""Survey questions as they may leave the workspace: anonymised by the redactor, then gated.

A survey question comes from the export's header, not from a participant's answer, so the
anonymise stage never sees it; yet headers name people and places ("What would you say to
Oisín Mac Giolla Phádraig about next year?", "How was the Tallaght Hub for you?"). Every
channel that shows a question (the units table and its exports, the bulk Parquet files, the
app) takes it from :func:`shown_questions`: the package's redactor
(:class:`copquotes.anonymise.Redactor`) runs over each DISTINCT question text once, its result
is stored in the workspace (config ``disclosure.questions``, keyed by the question text and the
redactor's version) so no later process loads the model for it again, and the disclosure gate's
:meth:`~copquotes.disclosure.Disclosure.derived` masks known names and redacted strings on top.
Questions are few (one per survey column), so 500,000 units cost one lookup per distinct pair.
"""
from __future__ import annotations

import hashlib
import json
import logging

from ._version import __version__

log = logging.getLogger(__name__)

CONFIG_KEY = "disclosure.questions"
_MEMO: dict = {}          # (workspace path, version, question) -> redacted question
_REDACTOR: list = []      # one Redactor per process, loaded on the first question not yet stored


def _key(question: str) -> str:
    return hashlib.sha256(f"{__version__}\x1f{question}".encode("utf-8")).hexdigest()[:24]


def _redactor():
    if not _REDACTOR:
        from .anonymise import Redactor

        _REDACTOR.append(Redactor())
    return _REDACTOR[0]


def _stored(ws) -> dict:
    value = ws.get_config(CONFIG_KEY, {}) or {}
    return value if isinstance(value, dict) else {}


def _store(ws, new: dict) -> None:
    """Add ``new`` to the stored questions; skipped (redone next time) on a busy or read-only workspace."""
    try:
        with ws.transaction() as conn:
            row = conn.execute("SELECT value FROM config WHERE key = ?", (CONFIG_KEY,)).fetchone()
            stored = json.loads(row[0]) if row else {}
            stored = {**(stored if isinstance(stored, dict) else {}), **new}
            conn.execute("INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)",
                         (CONFIG_KEY, json.dumps(stored, ensure_ascii=False, sort_keys=True)))
    except Exception as exc:  # noqa: BLE001 - a read-only or busy workspace: anonymised again next time
        log.debug("questions not stored: %s", exc)


def redacted_questions(ws, questions) -> dict[str, str]:
    """``{question: the redactor's anonymised text}`` for the distinct strings of ``questions``."""
    wanted = {q for q in questions if isinstance(q, str) and q.strip()}
    path = str(getattr(ws, "path", ""))
    out = {q: _MEMO[(path, __version__, q)] for q in wanted if (path, __version__, q) in _MEMO}
    missing = wanted - set(out)
    if missing:
        stored = _stored(ws)
        new = {}
        for q in sorted(missing):
            hit = stored.get(_key(q))
            if not isinstance(hit, str):
                hit = new[_key(q)] = _redactor().redact(q).text
            out[q] = _MEMO[(path, __version__, q)] = hit
        if new:
            _store(ws, new)
    return out


def shown_questions(ws, gate, pairs) -> dict[tuple, str | None]:
    """``{(question, file_id): the question as it may be shown}`` for distinct ``pairs``: the
    redactor's text (:func:`redacted_questions`) through ``gate.derived`` (known names masked,
    every string redacted anywhere scrubbed)."""
    pairs = {p for p in pairs if isinstance(p[0], str)}
    redacted = redacted_questions(ws, [q for q, _ in pairs])
    return {(q, fid): gate.derived(redacted.get(q, q), fid) for q, fid in pairs}


def shown_question(ws, gate, question, file_id):
    """One question as it may be shown (``None`` and empty stay as they are)."""
    if not isinstance(question, str) or not question.strip():
        return question
    return shown_questions(ws, gate, [(question, file_id)])[(question, file_id)]


def store_all(ws) -> int:
    """Anonymise and store every survey question of the workspace not stored yet, so that no
    page of the app or export waits for the redactor's models on its first question (a few
    seconds, once per process). Every interface's analysis runs it after the stages
    (:func:`copquotes.analysis.analyse_ingested`). Returns how many were new."""
    try:
        questions = [q for (q,) in ws.conn.execute("SELECT DISTINCT question FROM units WHERE question IS NOT NULL")]
    except Exception as exc:  # noqa: BLE001 - a workspace that cannot be read now: done on first use
        log.debug("questions not read: %s", exc)
        return 0
    stored = _stored(ws)
    missing = [q for q in questions if q.strip() and not isinstance(stored.get(_key(q)), str)]
    if missing:
        try:
            redacted_questions(ws, missing)
        except Exception as exc:  # noqa: BLE001 - the run is done: the first page that shows one does it
            log.warning("survey questions not anonymised ahead (%s): the first view of one will", type(exc).__name__)
            return 0
    return len(missing)
