"""The ``copquotes`` command line: a thin layer over the public API.

Exit 0 on success; non-zero with a one-line reason on stderr on failure (no
traceback unless ``--debug``). ``--json`` output goes to stdout and nothing else does.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

from . import _offline, interrupts
from ._version import __version__
from .errors import ConfigError, CopquotesError, InputError

log = logging.getLogger("copquotes")


# ---------------------------------------------------------------------- helpers
def _parse_meta(pairs: list[str] | None) -> dict:
    """``--meta KEY=VALUE`` pairs as a dict: an empty KEY or VALUE is refused; a KEY copquotes does
    not read is kept, with a warning on stderr (a typo such as ``yaer`` would be lost silently)."""
    from .ingest.base import unknown_meta_key

    meta: dict = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ConfigError(f"--meta {pair!r} is not KEY=VALUE (e.g. --meta group=RRE --meta year=2024)")
        key, value = pair.split("=", 1)
        key, value = key.strip(), value.strip()
        if not key:
            raise ConfigError(f"--meta {pair!r} has an empty KEY")
        if not value:
            raise ConfigError(f"--meta {pair!r} has an empty VALUE: give one (e.g. --meta {key}=2024), "
                              "or leave the option out")
        warning = unknown_meta_key(key)
        if warning:
            _err(f"warning: --meta {warning}")
        meta[key] = value
    return meta


def _out(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _err(msg: str) -> None:
    sys.stderr.write(msg.rstrip() + "\n")


def _decode(data: bytes) -> str:
    """A text input's bytes as text: UTF-8 (a BOM dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_texts(path: str) -> list[str]:
    """One text per line, or JSON Lines with a ``text`` field ('-' reads stdin, decoded as a
    file is)."""
    if path == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        raw = _decode(stdin.read()) if stdin is not None else sys.stdin.read()
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError("no such file", p)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read it ({exc.strerror or exc})", p) from None
        raw = _decode(data)
    from .ingest.jsonl import split_lines

    lines = split_lines(raw)   # at \n, \r\n or \r only: U+2028, \f, ... stay inside a text
    nonblank = [ln for ln in lines if ln.strip()]
    is_jsonl = bool(nonblank) and all(ln.lstrip().startswith("{") for ln in nonblank)
    if not is_jsonl:
        return lines
    from .ingest import text_records

    return [obj["text"] for _, obj in text_records(lines, path)]


def _check_inputs(args) -> dict:
    """The inputs exist and ``--meta`` is well formed (its parsed dict), checked before anything
    (a workspace folder, a lock) is created."""
    for p in args.inputs:
        if not Path(p).exists():
            raise InputError("no such file or folder: check the path (nothing was created)", p)
    return _parse_meta(args.meta)


def _ingest(args, ws_path: Path, meta: dict) -> dict:
    from .ingest import discover
    from .ingest.batch import describe_cleaning, describe_non_answers, ingest_inputs
    from .workspace import Workspace

    existed = (ws_path / "copquotes.sqlite").exists()
    inputs = [Path(p) for p in args.inputs]
    discovery = discover(inputs, meta)
    for path, reason in discovery.skipped:
        _err(f"warning: skipped {path}: {reason}")
    for path, reason in discovery.unreadable:
        _err(f"warning: cannot read {path}: {reason}")
    if not discovery.sources and not discovery.unreadable:
        raise InputError("no readable text sources found (see the warnings above)", args.inputs[0])
    ws = Workspace.open(ws_path, create=True)
    try:
        rep = ingest_inputs(ws, inputs, discovery=discovery, skip_unreadable=args.skip_unreadable,
                            progress=not args.quiet)
    except BaseException:
        ws.close()
        if not existed:
            shutil.rmtree(ws_path, ignore_errors=True)
        raise
    try:
        _restore_removed(ws, rep)
    finally:
        ws.close()
    listed = {str(p) for p, _ in discovery.unreadable}
    for u in rep["unreadable"]:
        if u["path"] not in listed:
            _err(f"warning: cannot read {u['path']}: {u['reason']}")
    for f in rep["files"]:
        for line in describe_cleaning(f):
            _err(f"warning: {line}")
        for line in describe_non_answers(f):
            _err(f"note: {line}")
    return rep


def _restore_removed(ws, rep: dict) -> None:
    """Reviewers' decisions kept when a file was removed (copquotes remove) re-attached to it when
    this ingest brought it back; listed in the report (``restored``)."""
    from .analysis import after_ingest

    back = after_ingest(ws)
    if back:
        rep["restored"] = back


def _print_ingest(rep: dict) -> None:
    for f in rep["files"]:
        _err(f"{f['status']:>9}  {f['n_units']:>6} units  {f['path']}")
    for b in rep.get("restored") or []:
        _err(f"{'':>9}  {b['file']}: {b['reattached']} decision(s) kept when it was removed are back"
             + (f"; {b['open']} still orphaned (copquotes status)" if b["open"] else ""))
    for u in rep.get("unreadable") or []:
        _err(f"{'UNREADABLE':>9}  {'':>6}        {u['path']}: {u['reason']}")


def _check_unreadable(args, rep: dict) -> None:
    """Unreadable files stop ``ingest`` / ``run`` (non-zero, one line) unless --skip-unreadable."""
    from .ingest.batch import unreadable_error

    err = unreadable_error(rep)
    if err is not None and not args.skip_unreadable:
        raise err


def _open_ws(path):
    from .workspace import Workspace

    return Workspace.open(Path(path))


def _print_stage(name: str, summary: dict) -> None:
    if summary.get("skipped"):
        _err(f"  {name:<10} up to date")
    else:
        _err(f"  {name:<10} done in {summary.get('seconds', 0):.1f}s")


def _bulk_generation(ws_path) -> str | None:
    from .bulk.store import read_manifest

    return (read_manifest(ws_path) or {}).get("generation")


def _print_bulk(ws_path, before: str | None) -> None:
    """A line when this command wrote the bulk files (or removed them)."""
    from .bulk.store import read_manifest, root

    m = read_manifest(ws_path)
    if m is not None and m.get("generation") != before:
        _err(f"  bulk files written: {root(ws_path)} ({m['units']:,} units in {m['tables']['units']['parts']} "
             "part(s); docs/bulk.md)")
    elif m is None and before is not None:
        _err(f"  bulk files removed: they were stale and --bulk is off ({root(ws_path)})")


# ---------------------------------------------------------------------- commands
def cmd_ingest(args) -> int:
    meta = _check_inputs(args)
    rep = _ingest(args, Path(args.workspace), meta)
    if args.json:
        _out(rep)
    else:
        _print_ingest(rep)
    _check_unreadable(args, rep)
    return 0


def _jobs(args) -> int:
    """The cores to use (``--jobs``, default: all this process may run on), applied to the
    numeric libraries' thread pools here, at the entry point."""
    from .parallel import apply_threads, resolve_jobs

    if args.jobs is not None and args.jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {args.jobs}")
    jobs = resolve_jobs(args.jobs)
    apply_threads(jobs)
    return jobs


def _analysis_options(sp, when: str) -> None:
    """The options of an analysis (``run`` and ``analyse``): cores, engine, cluster, bulk files."""
    sp.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                    help="cores to use (default: every core this process may run on)")
    sp.add_argument("--engine", choices=["local", "ray"], default="local",
                    help="local (default): this machine's processes; ray: the per-unit stages as "
                         "Ray Data tasks (needs copquotes[ray])")
    sp.add_argument("--address", metavar="RAY_ADDR", default=None,
                    help="with --engine ray: connect to this running Ray cluster, HOST:PORT or auto "
                         "(RAY_ADDRESS, else the last `ray start` on this machine); the text is sent "
                         "there. Without it a local cluster of its own starts")
    sp.add_argument("--bulk", choices=["auto", "on", "off"], default="auto",
                    help=f"write the bulk Parquet files (WS/bulk/, docs/bulk.md) {when}: "
                         "auto (default) from 50,000 units, with --engine ray, or when they exist")


def cmd_run(args) -> int:
    from .analysis import analyse_ingested
    from .workspace import pipeline_lock

    from .engines import connected_first, preflight

    preflight(args.engine, args.address)   # before anything is read or written
    jobs = _jobs(args)
    meta = _check_inputs(args)
    ws_path = Path(args.workspace)
    if ws_path.exists() and not ws_path.is_dir():
        raise ConfigError(f"{ws_path} is a file, not a workspace folder: choose another --workspace")
    # one pipeline writer: held across the ingest and the analysis; a cluster named by --address
    # is connected to before the ingest
    with pipeline_lock(ws_path, wait=not getattr(args, "no_wait", False), on_wait=_err), \
            connected_first(args.engine, ws_path, address=args.address, cores=jobs) as engine:
        rep = _ingest(args, ws_path, meta)
        if not args.json:
            _print_ingest(rep)
        if rep["unreadable"] and not args.skip_unreadable and args.json:
            _out({"ingest": rep, "stages": {}})
        _check_unreadable(args, rep)   # before the analysis: fix the file, or say to go on without it
        ws = _open_ws(args.workspace)
        before = _bulk_generation(ws_path)
        try:
            # the returned files' decisions are back already (_ingest listed them): not looked for again
            _, results = analyse_ingested(ws, progress=not args.quiet, restored=rep.get("restored") or [],
                                          on_stage=None if args.json else _print_stage,
                                          jobs=jobs, engine=engine, address=args.address, bulk=args.bulk)
        finally:
            ws.close()
        if not args.json:
            _print_bulk(ws_path, before)
    if args.json:
        _out({"ingest": rep, "stages": results})
    return 0


def cmd_analyse(args) -> int:
    from .analysis import analyse_ingested
    from .engines import preflight
    from .pipeline import resolve_stages

    resolve_stages(args.stage)   # before anything waits for the workspace
    preflight(args.engine, args.address)
    jobs = _jobs(args)
    ws = _open_ws(args.workspace)
    before = _bulk_generation(args.workspace)
    try:
        _, results = analyse_ingested(ws, args.stage, force=args.force, progress=not args.quiet,
                                      on_stage=None if args.json else _print_stage, wait=not args.no_wait,
                                      on_wait=_err, jobs=jobs, engine=args.engine, address=args.address,
                                      bulk=args.bulk)
    finally:
        ws.close()
    if not args.json:
        _print_bulk(args.workspace, before)
    if args.json:
        _out({"stages": results})
    return 0


def _file_cohort(f: dict, key: str) -> str:
    """A file's group or year for the status line: the one its metadata gives, else its rows' own
    ("per row: 111 187, See and Convey 212"), else (none)."""
    if f.get(key) is not None:
        return str(f[key])
    per = f.get(key + "s") or {}
    if len(per) <= 1:
        return next(iter(per), "(none)")
    return "per row: " + ", ".join(f"{k} {v}" for k, v in per.items())


def cmd_status(args) -> int:
    from .ingest.batch import unreadable_files

    ws = _open_ws(args.workspace)
    try:
        from .pipeline import status

        st = status(ws)
        st["unreadable"] = unreadable_files(ws)
        _source_states(ws, st)
    finally:
        ws.close()
    if args.json:
        _out(st)
        return 0
    print(f"workspace {st['workspace']}: {st['units']} units in {len(st['files'])} files")
    for f in st["files"]:
        c = f["consent"]
        print(f"  {f['units']:>6}  {f['file']}  [{f['format']}; group={_file_cohort(f, 'group')}; "
              f"year={_file_cohort(f, 'year')};"
              f" {f['source_kind']}; consent yes/no/unknown {c['yes']}/{c['no']}/{c['unknown']}; id {f['file_id']}]")
        if f["source"]["hint"]:
            print(f"          {f['source']['state'].upper()}: {f['file']} {f['source']['hint']}")
    for title, key in (("group", "by_group"), ("year", "by_year"), ("source kind", "by_source_kind")):
        print(f"by {title}: " + ", ".join(f"{k} {v}" for k, v in st[key].items()))
    c = st["consent"]
    print(f"quote consent: yes {c['yes']}, no {c['no']}, unknown {c['unknown']}")
    fn = st.get("consent_first_name_only") or {}
    if fn.get("units"):
        print(f"consent matched by first name only: {fn['units']} units, {fn['quotes_held']} quotes held "
              "(confirm with a roster alias or the manifest's speaker_names, or approve each quote)")
    for u in st["unreadable"]:
        print(f"unreadable: {u['path']}: {u['reason']} (at {u['at']}; fix it and ingest again)")
    for r in st["removed_files"]:
        print(f"removed: {r['file']} (at {r['removed_at']}): {r['orphaned']} reviewer decision(s) kept; "
              f"ingest {r['path']} again to bring them back")
    print("stages: " + ", ".join(f"{k} {v['state']}" for k, v in st["stages"].items()))
    b = st.get("bulk") or {}
    if b.get("state") not in (None, "none"):
        print(f"bulk files: {b['state']} ({b['path']}, written {b['written_at']}; "
              + ", ".join(f"{k} {v} rows" for k, v in b["tables"].items()) + ")")
    d = st.get("decisions") or {}
    if d:
        q = d["quotes"]
        print(f"quotes: pending {q['pending']}, approved {q['approved']}, edited {q['edited']}, "
              f"rejected {q['rejected']}; held {d['held']} (cleared by approval {d['held_cleared']})")
        o = d["orphaned_by_kind"]
        print(f"orphaned decisions: {d['orphaned']} (quotes {o['quote']}, redactions {o['redaction']}, "
              f"theme labels {o['theme_label']}); re-attached {d['reattached']}; "
              f"removed because consent was withdrawn {d['removed_no_consent']}")
    if st.get("ranking", {}).get("line"):
        print(st["ranking"]["line"])
    return 0


def _source_states(ws, st: dict) -> None:
    """Each listed file gets its ``file_id`` and ``source`` (``state``: present, changed, missing,
    unreadable or unchecked; ``path``; ``hint``: what to do), and ``sources`` counts the states."""
    from .removal import removed_files, source_states

    st["removed_files"] = removed_files(ws)
    states = {}
    for s in source_states(ws):
        states.setdefault(s["file"], []).append(s)
    for f in st["files"]:
        same = states.get(f["file"]) or [None]
        s = same.pop(0) if len(same) > 1 else same[0]
        f["file_id"] = s["file_id"] if s else None
        f["source"] = {k: s[k] for k in ("state", "path", "hint")} if s else {"state": "unknown", "path": None,
                                                                           "hint": None}
    counts: dict = {}
    for f in st["files"]:
        counts[f["source"]["state"]] = counts.get(f["source"]["state"], 0) + 1
    st["sources"] = counts


def cmd_remove(args) -> int:
    from .removal import remove_files

    ask = not args.yes and sys.stdin is not None and sys.stdin.isatty()
    ws = _open_ws(args.workspace)
    try:
        rep = remove_files(ws, args.files, progress=not args.quiet,
                           confirm=(lambda files: _confirm(files, args.workspace)) if ask else None)
    finally:
        ws.close()
    if args.json:
        _out(rep)
    else:
        _print_removed(rep)
    return 0


def _removal_line(f: dict) -> str:
    k = f["kept"]
    return (f"{f['file']}: {f['units']} units, {f['quotes']} quotes; reviewers' work kept as orphans: "
            f"{k['quote']} quote decision(s), {k['redaction']} redaction(s), {k['theme_label']} theme label(s)"
            + (f", {k['quote_no_consent']} kept until consent" if k.get("quote_no_consent") else ""))


def _confirm(files: list[dict], workspace) -> None:
    for f in files:
        _err(f"  would remove {_removal_line(f)}")
    sys.stderr.write(f"Remove {len(files)} file(s) from workspace {workspace}? [y/N] ")
    sys.stderr.flush()
    answer = (sys.stdin.readline() or "").strip().lower()
    if answer not in ("y", "yes"):
        raise CopquotesError("nothing removed: not confirmed (answer y, or pass --yes)")


def _print_removed(rep: dict) -> None:
    for f in rep["files"]:
        _err(f"removed {_removal_line(f)}")
    if rep["orphaned"]:
        _err("  the kept decisions come back when the same file is ingested again (copquotes status counts them)")
    if rep["bulk"] != "none":
        _err(f"  bulk files {rep['bulk']} without it")
    stale = [k for k, v in rep["stages"].items() if v != "up to date"]
    if stale:
        _err(f"  to bring the topics and tables up to date: copquotes analyse --workspace {rep['workspace']}"
             f" ({', '.join(stale)} to run again)")


def cmd_review(args) -> int:
    from . import review

    ws = _open_ws(args.workspace)
    try:
        row = ws.conn.execute("SELECT version FROM quotes WHERE quote_id = ?", (args.quote_id,)).fetchone()
        if args.expect_version is not None:
            version = args.expect_version
        elif row is not None:
            version = int(row[0])
        else:
            raise review.QuoteConflict(f"no quote {args.quote_id} in {args.workspace}: list them with "
                                       f"'copquotes quotes --workspace {args.workspace} --status all'",
                                       args.quote_id, 0, None, {"action": args.action})
        if args.action == "approve":
            after = review.approve(ws, args.quote_id, args.reviewer, version)
        elif args.action == "reject":
            after = review.reject(ws, args.quote_id, args.reviewer, args.reason, version)
        elif args.action == "reset":
            after = review.reset(ws, args.quote_id, args.reviewer, version)
        else:
            if args.text is None:
                raise ConfigError("edit needs --text TEXT (the text to publish)")
            after = review.edit(ws, args.quote_id, args.reviewer, args.text, version, reason=args.reason)
    finally:
        ws.close()
    rec = {"id": after["quote_id"], "status": after["status"], "edited_text": after["edited_text"],
           "version": after["version"], "updated_by": after["updated_by"], "updated_at": after["updated_at"]}
    if args.json:
        _out(rec)
    else:
        _err(f"{args.quote_id}: {after['status']} (version {after['version']})")
    return 0


def cmd_tag(args) -> int:
    from .themes import Codebook, tag_texts

    texts = _read_texts(args.file)
    codebook = Codebook.load(args.codebook) if args.codebook else None
    for rec in tag_texts(texts, codebook=codebook, progress=not args.quiet):
        _out(rec)
    return 0


def cmd_redact(args) -> int:
    from .anonymise import Redactor

    texts = _read_texts(args.file)
    redactor = Redactor.from_roster(args.roster) if args.roster else Redactor()
    # each input is its own text: a name found in one line is not carried into another,
    # unless --document joins them as one document
    found = redactor.analyze_document(texts) if args.document else redactor.analyze_batch(texts)
    for text, spans in zip(texts, found):
        red = redactor.redact(text, spans)
        _out({
            "text": red.text,
            "spans": [{"start": s.start, "end": s.end, "kind": s.kind} for s in spans],
        })
    return 0


def cmd_quotes(args) -> int:
    from .outputs import check_output_file
    from .quotes import quote_records, write_records
    from .quotes.readers import output_format
    from .review import resolve_theme

    if args.out:
        check_output_file(args.out)   # before the workspace is read
    fmt = output_format(args.format, args.out)
    ws = _open_ws(args.workspace)
    try:
        theme = resolve_theme(ws, args.theme) if args.theme is not None else None
        records = quote_records(ws, theme=theme, top=args.top,
                                status=None if args.status == "default" else args.status,
                                include_held=args.include_held)
        never_analysed = not records and ws.stage_record("quotes") is None
    finally:
        ws.close()
    write_records(records, fmt=fmt, out=args.out)
    if never_analysed:
        _err(f"no quotes yet: run copquotes analyse --workspace {args.workspace}")
    elif len(records) < args.top:
        n = len(records)
        _err(f"{n} quote{'' if n == 1 else 's'} listed, fewer than --top {args.top}: no more match"
             + ("" if args.status == "all" else " (--status all lists every quote, held ones included)"))
    return 0


def cmd_export(args) -> int:
    from .export import export
    from .outputs import check_output_file, write_error

    check_output_file(args.out)   # before the workspace is read; its folder is never created
    ws = _open_ws(args.workspace)
    try:
        path = export(ws, args.out, what=args.what, approved_only=args.approved_only,
                      collection=getattr(args, "collection", None))
    except OSError as exc:
        raise write_error(args.out, exc) from None
    finally:
        ws.close()
    _err(f"wrote {path}")
    return 0


def cmd_evaluate(args) -> int:
    if args.what == "tags":
        from .evaluate.tags import evaluate_tags, format_report
        from .themes import Codebook, ThemeTagger

        codebook = Codebook.load(args.codebook) if args.codebook else None
        result = evaluate_tags(args.gold, ThemeTagger(codebook=codebook))
    else:
        from .anonymise import Redactor
        from .evaluate.anonymise import evaluate_anonymise, format_report

        result = evaluate_anonymise(args.gold, None, roster=args.roster)
    if args.json:
        _out(result)
    else:
        print(format_report(result))
    return 0


def cmd_demo(args) -> int:
    from .demo import run_demo

    run_demo(workspace=args.workspace, top=args.top, progress=not args.quiet)
    return 0


def cmd_app(args) -> int:
    from .app_launcher import hash_password_cli, launch

    if args.hash_password:
        sys.stdout.write(hash_password_cli() + "\n")
        return 0
    if not args.workspace:
        raise ConfigError("copquotes app needs --workspace WS (a new folder name starts an empty workspace)")
    return launch(args.workspace, port=args.port, address=args.address)


# ---------------------------------------------------------------------- parser
class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (exit 2): ``copquotes quotes: error: argument --top: invalid
    int value: 'abc' (see copquotes quotes --help)``, not the usage block then the error. The
    subcommands' parsers are of this class too."""

    def error(self, message):
        message = " ".join(str(message).split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    # The global flags work before or after the command; SUPPRESS keeps a
    # subcommand from resetting a flag given before it.
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks and debug logging")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bars")

    p = _Parser(
        prog="copquotes",
        description="Themed, anonymised, consent-checked quotes from evaluation text.",
    )
    p.add_argument("--version", action="version", version=f"copquotes {__version__}")
    p.add_argument("--debug", dest="top_debug", action="store_true", help="show tracebacks and debug logging")
    p.add_argument("-q", "--quiet", dest="top_quiet", action="store_true", help="no progress bars")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_, description=help_, parents=[common])
        sp.set_defaults(func=func)
        return sp

    for name, func, help_ in (
        ("run", cmd_run, "ingest, then run every analysis stage"),
        ("ingest", cmd_ingest, "ingest files or folders into a workspace"),
    ):
        sp = add(name, func, help_)
        sp.add_argument("inputs", nargs="+", metavar="INPUT", help="a file or a folder (read recursively)")
        sp.add_argument("--workspace", "-w", required=True, metavar="WS")
        sp.add_argument("--meta", action="append", metavar="KEY=VALUE",
                        help="metadata for every file (group, year, source_kind, ...); repeatable")
        sp.add_argument("--json", action="store_true", help="print a JSON report on stdout")
        sp.add_argument("--skip-unreadable", action="store_true",
                        help="go on (exit 0) when a file of a supported format cannot be read; it is still "
                             "listed in the report and in copquotes status")
        if name == "run":
            _analysis_options(sp, "after the analysis")

    sp = add("analyse", cmd_analyse, "run analysis stages on what is ingested")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--stage", action="append", metavar="NAME",
                    help="anonymise, embed, tag, topics or quotes (repeatable; default all)")
    sp.add_argument("--force", action="store_true", help="re-run stages that are up to date")
    sp.add_argument("--no-wait", action="store_true",
                    help="when another run or analysis holds the workspace, stop at once instead of waiting")
    _analysis_options(sp, "after a run of every stage")
    sp.add_argument("--json", action="store_true")

    sp = add("review", cmd_review, "a reviewer's decision on one quote (same audit trail and conflict check as the app)")
    sp.add_argument("action", choices=["approve", "reject", "edit", "reset"])
    sp.add_argument("quote_id", metavar="QUOTE_ID")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--reviewer", required=True, metavar="NAME")
    sp.add_argument("--reason", metavar="TEXT", help="why (required to reject)")
    sp.add_argument("--text", metavar="TEXT", help="(edit) the text to publish")
    sp.add_argument("--expect-version", type=int, metavar="N",
                    help="the version you saw: refused, with a one-line reason, if someone saved since")
    sp.add_argument("--json", action="store_true", help="print the quote's new status and version as JSON")

    sp = add("status", cmd_status, "what the workspace holds; which stages are up to date")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--json", action="store_true")

    sp = add("remove", cmd_remove, "take stored files and everything derived from them out of a workspace; "
             "reviewers' decisions on their quotes are kept as orphans and come back if the file is ingested again")
    sp.add_argument("files", nargs="+", metavar="FILE",
                    help="the path as ingested, or the name or id copquotes status shows")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--yes", "-y", action="store_true",
                    help="do not ask for confirmation (it is asked only when stdin is a terminal)")
    sp.add_argument("--json", action="store_true", help="print a JSON report on stdout")

    sp = add("tag", cmd_tag, "tag texts with codebook themes (one JSON object per input)")
    sp.add_argument("file", metavar="FILE", help="one text per line, or JSONL with 'text' ('-' = stdin)")
    sp.add_argument("--codebook", metavar="YAML")
    sp.add_argument("--json", action="store_true", help="(the output is always JSON Lines)")

    sp = add("redact", cmd_redact, "anonymise texts (one JSON object per input)")
    sp.add_argument("file", metavar="FILE", help="one text per line, or JSONL with 'text' ('-' = stdin)")
    sp.add_argument("--roster", metavar="CSV", help="roster CSV: name, role, quote_consent, aliases")
    sp.add_argument("--document", action="store_true",
                    help="the inputs are one document: a name found in one is redacted in all")

    sp = add("quotes", cmd_quotes, "ranked candidate quotes (anonymised text only)")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--theme", metavar="T")
    sp.add_argument("--top", type=int, default=20, metavar="N")
    sp.add_argument("--status", choices=["pending", "approved", "edited", "rejected", "all"], default="default",
                    help="list quotes of this status only ('all': every quote, held ones included); "
                         "default: pending and approved, never rejected or held ones")
    sp.add_argument("--include-held", action="store_true",
                    help="also list quotes a risk flag or unconfirmed consent holds")
    sp.add_argument("--format", choices=["jsonl", "csv", "md"], default=None,
                    help="default: from --out's extension (.jsonl, .csv, .md), else jsonl on stdout")
    sp.add_argument("--out", metavar="FILE", help="write here instead of stdout (its folder must exist)")

    sp = add("export", cmd_export, "export quotes, the coded units table or the topic tables (.csv .xlsx .docx .md .qdpx .zip)")
    sp.add_argument("--workspace", "-w", required=True, metavar="WS")
    sp.add_argument("--out", required=True, metavar="FILE")
    sp.add_argument("--what", default="quotes", metavar="WHAT",
                    help="quotes (default), units (the coded units table), tables (every topic and theme "
                         "table: .xlsx one sheet each, .zip one CSV each), or one table as .csv/.xlsx: "
                         "topic_info, topic_theme, topic_theme_share, topic_by_group, topic_by_year, "
                         "topic_by_source_kind, topics_over_time, theme_prevalence, theme_differences")
    sp.add_argument("--approved-only", action="store_true", default=None,
                    help="quotes approved by a reviewer only (the default for quotes)")
    sp.add_argument("--all-statuses", dest="approved_only", action="store_false",
                    help="include pending quotes too")
    sp.add_argument("--collection", metavar="NAME",
                    help="the approved quotes of this collection (made in the review app), in its order")

    sp = add("evaluate", cmd_evaluate, "score tagging or anonymisation against a gold file")
    sp.add_argument("what", choices=["tags", "anonymise"])
    sp.add_argument("--gold", required=True, metavar="FILE")
    sp.add_argument("--codebook", metavar="YAML", help="(tags) a codebook other than the default")
    sp.add_argument("--roster", metavar="CSV", help="(anonymise) known names")
    sp.add_argument("--json", action="store_true")

    sp = add("demo", cmd_demo, "the whole pipeline on the sample corpus, then the best quotes per theme")
    sp.add_argument("--workspace", "-w", default=None, metavar="WS",
                    help="where to build the demo workspace (default: .copquotes-demo)")
    sp.add_argument("--top", type=int, default=3, metavar="N")

    sp = add("app", cmd_app, "start the Streamlit review app (on 127.0.0.1 unless --address says otherwise)")
    sp.add_argument("--workspace", "-w", metavar="WS",
                    help="the workspace; a folder that does not exist yet becomes an empty workspace")
    sp.add_argument("--port", default=8501, metavar="N")
    sp.add_argument("--address", default="127.0.0.1", metavar="ADDR",
                    help="address to serve on (default 127.0.0.1); any other needs password in .streamlit/secrets.toml")
    sp.add_argument("--hash-password", action="store_true",
                    help="print a password hash for the [reviewers] table of .streamlit/secrets.toml, then exit")
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's or ``kill``'s stop), raised where the command is, as Ctrl-C is."""


@contextlib.contextmanager
def _sigterm_interrupts():
    """SIGTERM unwinds the command like Ctrl-C: a Ray cluster it started stops with it, its
    temporary folders go, the workspace is closed. Python's default would end the process
    where it stands. In the main thread only (signals reach no other)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    here = os.getpid()

    def stop(signum, frame):
        if os.getpid() != here:   # a forked child (a multiprocessing pool's worker): end as it would have
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    _offline.apply()  # the CLI owns its process: models from local packages only, no hub, no suffix list
    parser = build_parser()
    args = parser.parse_args(argv)
    args.debug = getattr(args, "debug", False) or args.top_debug
    args.quiet = getattr(args, "quiet", False) or args.top_quiet
    debug = args.debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from . import progress as _progress

    if getattr(args, "quiet", False) or getattr(args, "json", False) and args.command in ("status",):
        _progress.set_enabled(False)
    try:
        with _sigterm_interrupts(), interrupts.remembered():   # a Ctrl-C library code swallows is raised again
            return int(args.func(args) or 0)
    except Terminated:
        _err("copquotes: stopped (SIGTERM)")
        return 143
    except CopquotesError as exc:
        if debug:
            raise
        _err(f"copquotes: error: {exc}")
        return getattr(exc, "exit_code", 1) or 1
    except KeyboardInterrupt:
        _err("copquotes: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:   # the system refused a read or write of a path the user gave
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"copquotes: error: {where}{exc.strerror or exc} (check the path and its permissions)")
        return 1
    except Exception as exc:  # an unexpected bug: still one line, unless --debug
        if debug:
            raise
        _err(f"copquotes: internal error: {type(exc).__name__}: {exc} (re-run with --debug for details)")
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
