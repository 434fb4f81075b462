"""What every interface runs after an ingest: the one place the steps no interface may leave out
are put around the analysis. ``copquotes run``/``analyse``, ``copquotes.run``, the app's Analyse
job and ``copquotes demo`` analyse with :func:`analyse_ingested`, never
:func:`copquotes.pipeline.analyse` directly; an ingest that is not followed by an analysis there
(``copquotes ingest``, the app's ingest of each batch) ends with :func:`after_ingest`
(tests/test_analysis.py checks they do).

A module of its own in the pipeline layer: it imports :mod:`copquotes.pipeline` and
:mod:`copquotes.removal`, and removal reads the pipeline's stage status, so this cannot live in
``pipeline.py`` without a cycle."""
from __future__ import annotations

from typing import Callable, Iterable


def after_ingest(ws) -> list[dict]:
    """What follows every ingest: reviewers' work kept when a file was removed (``copquotes
    remove``) re-attached to it if it is back (:func:`copquotes.removal.reattach_returned`, whose
    ``[{"file", "reattached", "open"}]`` it returns; nothing to do the second time)."""
    from .removal import reattach_returned

    return reattach_returned(ws)


def analyse_ingested(ws, stages: Iterable[str] | None = None, *, wait: bool = True,
                     on_wait: Callable[[str], None] | None = None, restored: list[dict] | None = None,
                     **options) -> tuple[list[dict], dict[str, dict]]:
    """After an ingest (or on its own, as ``copquotes analyse``):

    1. :func:`after_ingest`, unless the interface's ingest ran it, under the same pipeline lock,
       and gives what it returned as ``restored`` (``copquotes run`` lists it with the ingest);
    2. :func:`copquotes.pipeline.analyse` (``stages``, ``wait``, ``on_wait`` and ``options`` as there);
    3. the survey questions anonymised and stored ahead (:func:`copquotes.questions.store_all`),
       so that no page or export waits for the redactor on its first question.

    Steps 1 and 2 hold the workspace's pipeline lock. Returns ``(restored, stage summaries)``,
    ``restored`` as :func:`after_ingest` returns it (or as given).
    """
    from . import questions
    from .bulk import check_setting
    from .pipeline import analyse, resolve_stages
    from .workspace import pipeline_lock

    check_setting(options.get("bulk", "auto"))
    stages = list(stages) if stages is not None else None
    resolve_stages(stages)   # an unknown stage is refused before the workspace lock is waited for
    with pipeline_lock(ws.path, wait=wait, on_wait=on_wait):   # analyse takes it again (re-entrant)
        if restored is None:
            restored = after_ingest(ws)
        results = analyse(ws, stages, wait=wait, on_wait=on_wait, **options)
    questions.store_all(ws)
    return restored, results


__all__ = ["after_ingest", "analyse_ingested"]
