"""The ``anonymise`` stage: redaction spans, redacted text and risk flags for every unit.

Reads ``units`` and ``file_identifiers``; writes ``redactions`` (status ``auto``;
a reviewer's ``manual`` and ``undone`` rows are kept across re-runs and win),
``anon`` and ``flags``, all in one transaction.
"""
from __future__ import annotations

import json
import logging
import time
from collections import defaultdict

from ..progress import progress as _progress
from ..types import Identifier, Span
from .flags import risk_flags
from .redactor import Redactor, _placeholder_map, redact_text

log = logging.getLogger(__name__)


def _identifiers_by_file(ws) -> dict:
    if hasattr(ws, "file_identifiers"):
        return ws.file_identifiers()
    out: dict = defaultdict(list)
    for file_id, value, kind, source, aliases in ws.conn.execute(
            "SELECT file_id, value, kind, source, aliases_json FROM file_identifiers"):
        out[file_id].append(Identifier(value, kind, source, tuple(json.loads(aliases or "[]"))))
    return out


def apply_review(auto: list[Span], reviewed: list[tuple]) -> list[Span]:
    """Auto spans minus those a reviewer undid, plus the reviewer's manual spans."""
    undone = {(s, e) for s, e, kind, source, status in reviewed if status == "undone"}
    manual = [Span(s, e, kind, source or "manual") for s, e, kind, source, status in reviewed if status == "manual"]
    kept = [sp for sp in auto if (sp.start, sp.end) not in undone
            and not any(m.start < sp.end and sp.start < m.end for m in manual)]
    return sorted(kept + manual, key=lambda sp: (sp.start, sp.end))


def run(ws, *, progress: bool = True, batch_size: int = 64, redactor: Redactor | None = None, **options) -> dict:
    t0 = time.perf_counter()
    redactor = redactor or Redactor()
    conn = ws.conn
    idents = _identifiers_by_file(ws)
    files = [r[0] for r in conn.execute("SELECT DISTINCT file_id FROM units ORDER BY file_id")]
    reviewed: dict = defaultdict(list)
    for uid, s, e, kind, source, status in conn.execute(
            'SELECT unit_id, start, "end", kind, source, status FROM redactions WHERE status IN (\'manual\', \'undone\')'):
        reviewed[uid].append((s, e, kind, source, status))
    n_units = sum(1 for _ in conn.execute("SELECT 1 FROM units"))
    bar = _progress(total=n_units, desc="anonymise", unit="unit", enable=progress if progress else False)
    rows_red, rows_anon, rows_flags = [], [], []
    n_hold = 0
    for file_id in files:
        units = conn.execute("SELECT unit_id, text FROM units WHERE file_id = ? ORDER BY position", (file_id,)).fetchall()
        uids = [u[0] for u in units]
        texts = [u[1] or "" for u in units]
        spans_doc = redactor.analyze_document(texts, extra_names=idents.get(file_id, ()), batch_size=batch_size)
        mapping: dict = {}
        for uid, text, auto in zip(uids, texts, spans_doc):
            for sp in auto:
                rows_red.append((uid, sp.start, sp.end, sp.kind, sp.source, "auto"))
            final = apply_review(auto, reviewed.get(uid, []))
            _placeholder_map(text, final, mapping)
            rows_anon.append((uid, redact_text(text, final, mapping)))
            for fl in risk_flags(text, spans=final):
                rows_flags.append((uid, fl.kind, fl.start, fl.end, fl.reason, fl.severity))
                n_hold += fl.severity == "hold"
        bar.update(len(units))
    bar.close()
    with ws.transaction():
        conn.execute("DELETE FROM redactions WHERE status = 'auto'")
        conn.executemany('INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?, ?, ?, ?, ?, ?)', rows_red)
        conn.execute("DELETE FROM anon")
        conn.executemany("INSERT INTO anon(unit_id, text) VALUES (?, ?)", rows_anon)
        conn.execute("DELETE FROM flags")
        conn.executemany('INSERT INTO flags(unit_id, kind, start, "end", reason, severity) VALUES (?, ?, ?, ?, ?, ?)', rows_flags)
    seconds = time.perf_counter() - t0
    return {"units": len(rows_anon), "redactions": len(rows_red), "flags": len(rows_flags), "hold_flags": n_hold,
            "seconds": round(seconds, 2), "units_per_second": round(len(rows_anon) / seconds, 1) if seconds else None}
