"""``copquotes.run``: the one-call Python entry point, what ``copquotes run`` does.

::

    import copquotes
    result = copquotes.run("exports/", group="Early career", year="2024-2025")
    result.quotes(theme="wellbeing", top=10)   # the shortlist, as a DataFrame
    result.units                               # the coded units table
    result.topics, result.tables               # topic labels; every researcher table

Like the command line it keeps everything in a workspace folder (``copquotes-workspace``
in the current folder unless told otherwise; never a temporary folder that would leave
participant text behind unseen), so a second call on the same inputs is fast and the
review app opens on the same folder. Everything it reads back is anonymised and goes
through the same readers as the CLI's exports. Called from a notebook, it restores the
environment variables and torch's thread count it changed when it returns.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Union

from .errors import ConfigError, InputError

DEFAULT_WORKSPACE = "copquotes-workspace"

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class Result:
    """What :func:`run` made: a workspace folder, read back as DataFrames on demand.

    ``ingest`` and ``stages`` are the reports of the run (as ``copquotes run --json`` prints
    them). Each property opens the workspace, reads and closes it again, so a result stays
    valid while reviewers work in the app.
    """

    workspace: Path
    ingest: dict = field(default_factory=dict, repr=False)
    stages: dict = field(default_factory=dict, repr=False)

    def _open(self):
        from .workspace import Workspace

        return Workspace.open(self.workspace)

    @property
    def units(self):
        """The coded units table: one row per unit, anonymised text, metadata, theme scores and
        labels, topic (``copquotes export --what units``)."""
        from .export import units_table

        ws = self._open()
        try:
            return units_table(ws)
        finally:
            ws.close()

    def quotes(self, theme: str | None = None, top: int = 20):
        """The ranked, diversified shortlist (``copquotes quotes --theme T --top N``) as a
        DataFrame, one row per quote; nested fields are flattened (``verbatim_span.unit_id``,
        ``source.kind``, ...)."""
        import pandas as pd

        from .quotes import quote_records
        from .review import resolve_theme

        ws = self._open()
        try:
            records = quote_records(ws, theme=None if theme is None else resolve_theme(ws, theme), top=top)
        finally:
            ws.close()
        return pd.json_normalize(records) if records else pd.DataFrame()

    @property
    def tables(self) -> dict:
        """Every researcher table by name (``topic_theme``, ``topic_by_group``,
        ``theme_prevalence``, ...), as ``copquotes export --what tables`` writes them."""
        from .export import researcher_tables

        ws = self._open()
        try:
            return researcher_tables(ws)
        finally:
            ws.close()

    def bulk(self):
        """A DuckDB connection with a view per bulk Parquet table (``units``, ``quotes``;
        docs/bulk.md): ``result.bulk().sql("SELECT year, count(*) FROM units GROUP BY year").df()``."""
        from .bulk import connect

        return connect(self.workspace)

    @property
    def topics(self):
        """The topics: id, label, keywords, size and representative texts, one row each."""
        return self.tables["topic_info"]

    def __repr__(self) -> str:
        return f"copquotes.Result(workspace={str(self.workspace)!r})"


def _as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = [Path(p) for p in paths]
    if not out:
        raise InputError("no inputs given: pass a file or folder of exports and transcripts", ".")
    return out


def run(paths: PathLike | Iterable[PathLike], workspace: PathLike | None = None, *,
        engine: str = "local", address: str | None = None, jobs: int | None = None, bulk: str = "auto",
        **meta) -> Result:
    """Ingest ``paths`` (files or folders) and run every analysis stage, like ``copquotes run``.

    ``workspace``: the workspace folder (created when missing); by default
    ``copquotes-workspace`` in the current folder. ``engine``: ``"local"`` (this machine) or
    ``"ray"`` (the per-unit stages as Ray Data tasks, needs ``copquotes[ray]``: a local Ray
    cluster started for the call, or the one at ``address``). ``jobs``: the cores to use
    (default: all this process may run on; torch's thread count is put back afterwards).
    ``bulk``: ``"auto"``, ``"on"`` or ``"off"``, the bulk Parquet files (``--bulk``; read them with
    :meth:`Result.bulk`).
    ``**meta``: metadata for every file, as ``--meta KEY=VALUE`` (``group=``, ``year=``,
    ``source_kind=``, ...). Returns a :class:`Result`. Raises a
    :class:`~copquotes.errors.CopquotesError` whose message says what to do.

    The stages that run in this process (with either engine) fix glibc's mmap threshold at 4 MB
    for the rest of its life (:func:`copquotes.parallel.fixed_mmap_threshold`), so that its
    memory stays flat as the units grow. With an ``address``, a token is sent only when given in
    ``RAY_AUTH_TOKEN`` or ``RAY_AUTH_TOKEN_PATH``, and Ray must not be imported before.
    """
    from .engines import preflight

    preflight(engine, address)   # before the ingest: a cluster that does not answer changes nothing
    from .bulk import check_setting
    from .parallel import resolve_jobs

    check_setting(bulk)
    if jobs is not None and int(jobs) < 1:   # as the command line says it
        raise ConfigError(f"jobs must be at least 1 (or None: every core), not {jobs}")
    jobs = resolve_jobs(jobs)
    inputs = _as_paths(paths)
    ws_path = Path(workspace if workspace is not None else Path.cwd() / DEFAULT_WORKSPACE)
    meta = {str(k): ("" if v is None else str(v)) for k, v in meta.items()}
    from .ingest.base import unknown_meta_key

    for key in meta:
        warning = unknown_meta_key(key)
        if warning:
            warnings.warn(f"copquotes: {warning}", stacklevel=2)

    from .runtime import session

    with session(threads=jobs):
        from .analysis import analyse_ingested
        from .ingest import discover
        from .workspace import Workspace

        discovery = discover(inputs, meta)
        for path, reason in discovery.skipped + discovery.unreadable:
            warnings.warn(f"copquotes: skipped {path}: {reason}", stacklevel=2)
        if not discovery.sources:
            raise InputError("no readable text sources found (see the warnings)", inputs[0])
        from .engines import connected_first

        # a cluster named by the address is connected to before the ingest
        with connected_first(engine, ws_path, address=address, cores=jobs) as started:
            ws = Workspace.open(ws_path, create=True)
            try:
                report = ws.ingest(discovery.sources, progress=True)
                restored, stages = analyse_ingested(ws, progress=True, engine=started, address=address, jobs=jobs,
                                                    bulk=bulk)
            finally:
                ws.close()
    ingest = report.to_dict()
    if restored:
        ingest["restored"] = restored
    ingest["skipped"] = [{"path": str(p), "reason": r} for p, r in discovery.skipped]
    return Result(workspace=ws_path.resolve(), ingest=ingest, stages=stages)


def remove(paths: PathLike | Iterable[PathLike], workspace: PathLike | None = None) -> dict:
    """Take stored files out of a workspace, like ``copquotes remove FILE... --yes --json``.

    ``paths``: each a file's path as it was ingested, or its name or id as ``copquotes status``
    shows it (all are checked before anything is removed: one that names no stored file raises
    :class:`~copquotes.errors.InputError` listing what the workspace holds). ``workspace``: by
    default ``copquotes-workspace`` in the current folder, as :func:`run`.

    Removes the files' units and every result derived from them; reviewers' decisions on their
    quotes (and manual redactions, theme labels) are kept as orphans and re-attached when the same
    file is ingested again (:func:`run`, ``copquotes ingest``). The aggregates are counted again;
    the next :func:`run` or ``copquotes analyse`` brings the topics and tables up to date. Raises
    :class:`~copquotes.workspace.WorkspaceBusy` while another run or analysis writes to the
    workspace. Returns the report (``files``: per file ``units``, ``quotes``, ``kept`` by kind;
    totals ``units``, ``quotes``, ``orphaned``; ``bulk``; ``stages``: each stage's state after).
    """
    from .removal import remove as _remove

    ws_path = Path(workspace if workspace is not None else Path.cwd() / DEFAULT_WORKSPACE)
    names = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not names:
        raise InputError("no files given: pass the path (or name) of a stored file", ws_path)
    return _remove([os.fspath(n) for n in names], ws_path)
