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


def _stage_module(name: str):
    module, _ = STAGES[name]
    return importlib.import_module(module)


# Bump a stage's version when its logic changes, so old results become stale.
# (Kept here, not in the stage modules, so that `status` imports no model code.)
STAGE_VERSIONS = {"anonymise": "2", "embed": "1", "tag": "2", "topics": "2", "quotes": "1"}


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
    if name == "quotes":
        n, last = ws.conn.execute("SELECT COUNT(*), MAX(at) FROM decisions").fetchone()
        parts.append(f"decisions:{n}:{last}")
    fp = hashlib.sha1("\x00".join(parts).encode()).hexdigest()
    cache[name] = fp
    return fp


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
            on_stage: Callable[[str, dict], None] | None = None) -> dict[str, dict]:
    """Run analysis stages in order; up-to-date stages are skipped unless ``force``.

    Returns ``{stage: summary}``; each summary has ``skipped`` and ``seconds``.
    """
    results: dict[str, dict] = {}
    explicit = bool(stages)
    for name in resolve_stages(stages):
        content = ws.content_fingerprint()
        fp = fingerprint(ws, name, None, content)
        rec = ws.stage_record(name)
        if not force and rec is not None and rec["fingerprint"] == fp:
            results[name] = {"skipped": True, "seconds": 0.0}
            if on_stage:
                on_stage(name, results[name])
            continue
        if ws.n_units() == 0:
            results[name] = {"skipped": True, "seconds": 0.0, "reason": "no units"}
            continue
        module = _stage_module(name)
        t0 = time.perf_counter()
        summary = dict(module.run(ws, progress=progress) or {})
        seconds = time.perf_counter() - t0
        # the stage may have changed nothing that feeds the content fingerprint
        ws.mark_stage(name, fingerprint(ws, name, None, ws.content_fingerprint()), {}, seconds)
        summary.update(skipped=False, seconds=round(seconds, 3))
        results[name] = summary
        log.info("stage %s done in %.1fs", name, seconds)
        if on_stage:
            on_stage(name, summary)
    return results
