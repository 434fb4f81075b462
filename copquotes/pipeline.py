"""The analysis stages, their order, and when each is stale.

``anonymise -> embed -> tag -> topics -> quotes``. Each stage reads the workspace
and writes its own tables; a stage is *stale* when the fingerprint of its inputs
(the units' ids and text hashes, the upstream stages' fingerprints and its own
options) differs from the one recorded when it last ran.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

from .errors import ConfigError

log = logging.getLogger(__name__)

# name -> (module, upstream stages)
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "anonymise": ("copquotes.anonymise", ()),
    "embed": ("copquotes.embed", ()),
    "tag": ("copquotes.themes", ("embed",)),
    "topics": ("copquotes.topics", ("embed", "tag")),
    "quotes": ("copquotes.quotes", ("anonymise", "embed", "tag", "topics")),
}
STAGE_ORDER = list(STAGES)

# Up to this many units, the anonymise stage's child process also runs the quotes stage,
# beside the topic fit here (the quotes stage reads no topic table). Above it, the two
# processes together would pass 3 GB at their peak, so quotes runs here after topics.
QUOTES_BESIDE_MAX_UNITS = 25_000


def _stage_module(name: str):
    module, _ = STAGES[name]
    return importlib.import_module(module)


# Bump a stage's version when its logic changes, so old results become stale.
# (Kept here, not in the stage modules, so that `status` imports no model code.)
STAGE_VERSIONS = {"anonymise": "3", "embed": "2", "tag": "3", "topics": "3", "quotes": "3"}


def _stage_version(name: str) -> str:
    return STAGE_VERSIONS[name]


def fingerprint(ws, name: str, options: dict | None = None, _content: str | None = None,
                _cache: dict | None = None) -> str:
    cache = {} if _cache is None else _cache
    if name in cache:
        return cache[name]
    content = _content if _content is not None else ws.content_fingerprint()
    _, upstream = STAGES[name]
    parts = [name, _stage_version(name), content]
    parts += [fingerprint(ws, up, None, content, cache) for up in upstream]
    if options:
        parts.append(json.dumps(options, sort_keys=True, default=str))
    if name == "tag":
        # reviewer corrections retrain the tagger
        n, last = ws.conn.execute("SELECT COUNT(*), MAX(at) FROM theme_labels").fetchone()
        parts.append(f"labels:{n}:{last}")
        # so does an edited codebook (the workspace's own, or the shipped default)
        parts.append(f"codebook:{_codebook_digest(ws)}")
    if name == "quotes":
        n, last = ws.conn.execute("SELECT COUNT(*), MAX(at) FROM decisions").fetchone()
        parts.append(f"decisions:{n}:{last}")
    fp = hashlib.sha1("\x00".join(parts).encode()).hexdigest()
    cache[name] = fp
    return fp


def _codebook_digest(ws) -> str:
    """A hash of the bytes of the codebook file the tag stage would use (no YAML parsing)."""
    from .resources import models_dir

    try:
        path = ws.get_config("codebook")
    except Exception:
        path = None
    p = Path(path) if path else models_dir() / "codebook.yaml"
    try:
        return hashlib.sha1(p.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def stage_status(ws) -> dict:
    """For each stage: ``up to date``, ``stale`` or ``not run``, and when it last ran."""
    out = {}
    content = ws.content_fingerprint()
    cache: dict = {}
    for name in STAGE_ORDER:
        rec = ws.stage_record(name)
        current = fingerprint(ws, name, None, content, cache)
        if rec is None:
            state = "not run"
        elif rec["fingerprint"] == current:
            state = "up to date"
        else:
            state = "stale"
        out[name] = {
            "state": state,
            "done_at": rec["done_at"] if rec else None,
            "seconds": round(rec["seconds"], 2) if rec and rec["seconds"] is not None else None,
        }
    return out


def resolve_stages(names: Iterable[str] | None) -> list[str]:
    if not names:
        return list(STAGE_ORDER)
    bad = [n for n in names if n not in STAGES]
    if bad:
        raise ConfigError(f"unknown stage {bad[0]!r}: choose from {', '.join(STAGE_ORDER)}")
    wanted = set(names)
    return [n for n in STAGE_ORDER if n in wanted]


def analyse(ws, stages: Iterable[str] | None = None, *, force: bool = False, progress: bool = True,
            on_stage: Callable[[str, dict], None] | None = None, parallel: bool = True) -> dict[str, dict]:
    """Run analysis stages in order; up-to-date stages are skipped unless ``force``.

    With ``parallel`` (the default), a stale ``anonymise`` stage runs in a child process
    while ``embed``, ``tag`` and ``topics`` run here (the two are independent: only
    ``quotes`` reads the anonymised text), so both cores are busy; the child then computes
    the quotes stage's sentence features of new units (spaCy, text only) and its candidates.
    Once the tags are written, the child runs the quotes stage itself while the topics are
    fitted here (up to ``QUOTES_BESIDE_MAX_UNITS`` units; the quotes stage reads no topic
    table). It is waited for before ``quotes`` or at the end, and a failure in it is raised
    like any other (a failure in its quotes stage only makes the stage run here).

    Returns ``{stage: summary}``; each summary has ``skipped`` and ``seconds``.
    """
    results: dict[str, dict] = {}
    names = resolve_stages(stages)
    cand_path = None
    background = None
    bg_fp = None
    bg_t0 = 0.0

    def record(name: str, summary: dict, seconds: float, fp: str | None = None, background: bool = False):
        """Mark a finished stage (by default with the fingerprint of its inputs now: the stage
        may have changed nothing that feeds the content fingerprint) and report it."""
        fp = fp or fingerprint(ws, name, None, ws.content_fingerprint())
        ws.mark_stage(name, fp, {}, seconds)
        summary.update(skipped=False, seconds=round(seconds, 3))
        if background:
            summary["background"] = True
        results[name] = summary
        log.info("stage %s done in %.1fs%s", name, seconds, " (in the child process)" if background else "")
        if on_stage:
            on_stage(name, summary)

    def finish_background():
        nonlocal background
        if background is None:
            return
        run_, background = background, None
        summary = run_.wait()
        summary["stage_seconds"] = summary.get("seconds")  # the child's own time in the stage
        record("anonymise", summary, time.perf_counter() - bg_t0, fp=bg_fp, background=True)

    try:
        for name in names:
            content = ws.content_fingerprint()
            fp = fingerprint(ws, name, None, content)
            rec = ws.stage_record(name)
            if name == "quotes":
                finish_background()
                done = results.get("anonymise", {}).pop("quotes_stage", None)
                if done is not None:  # the child ran it beside the topic fit
                    record(name, done, float(done.pop("seconds", 0.0)), background=True)
                    continue
            if not force and rec is not None and rec["fingerprint"] == fp:
                results[name] = {"skipped": True, "seconds": 0.0}
                if on_stage:
                    on_stage(name, results[name])
                continue
            if ws.n_units() == 0:
                results[name] = {"skipped": True, "seconds": 0.0, "reason": "no units"}
                continue
            if (name == "anonymise" and parallel and len(names) > 1 and any(n in names for n in ("embed", "tag", "topics"))
                    and getattr(ws, "path", None) is not None):
                from .anonymise.stage import start_background

                bg_fp, bg_t0 = fp, time.perf_counter()
                if "quotes" in names:
                    # this run's own file: the quotes stage uses it only if the workspace still fits
                    cand_path = Path(ws.path) / f".quote_candidates.{uuid.uuid4().hex}.pkl"
                background = start_background(ws.path, full=force, quote_features="quotes" in names,
                                              candidates_path=cand_path,
                                              quotes=cand_path is not None and ws.n_units() <= QUOTES_BESIDE_MAX_UNITS)
                log.info("stage anonymise started in a child process")
                continue
            if name == "topics" and background is not None and background.start_quotes():
                log.info("stage quotes started in the child process, beside the topics")
            module = _stage_module(name)
            t0 = time.perf_counter()
            extra = {"full": True} if (force and name == "anonymise") else {}
            if name == "quotes" and cand_path is not None:
                extra["precomputed"] = cand_path
            if name == "embed" and background is not None:
                # the child holds one core: one torch thread until it is done (2 threads on
                # 1 free core slow the forward passes down more than 1 thread does)
                bg = background
                extra["threads"] = lambda: 2 if bg.done() else 1
            summary = dict(module.run(ws, progress=progress, **extra) or {})
            record(name, summary, time.perf_counter() - t0)
        finish_background()
    finally:
        if background is not None:  # a stage here failed: do not leave the child running
            background.proc.terminate()
            background.proc.wait()
        if cand_path is not None:
            for p in (cand_path, Path(str(cand_path) + ".part")):
                p.unlink(missing_ok=True)
    return {name: results[name] for name in names if name in results}
