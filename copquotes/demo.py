"""``copquotes demo``: the whole pipeline on the sample corpus, then the best quotes per theme."""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import CopquotesError
from .resources import corpus_dir

DEFAULT_WORKSPACE = ".copquotes-demo"


def run_demo(workspace: str | Path | None = None, top: int = 3, progress: bool = True,
             out=None) -> Path:
    """Ingest ``corpus/``, run every stage, print the top quotes per theme; returns the workspace."""
    from .analysis import analyse_ingested
    from .ingest import discover
    from .quotes import render_top_quotes
    from .quotes.readers import check_top
    from .themes import Codebook
    from .workspace import Workspace

    top = check_top(top)   # before anything runs
    out = out or sys.stdout
    corpus = corpus_dir()
    if not corpus.is_dir():
        raise CopquotesError(f"the sample corpus is missing at {corpus}: reinstall copquotes (its wheel carries the corpus)")
    ws_path = Path(workspace or DEFAULT_WORKSPACE)
    discovery = discover([corpus])
    ws = Workspace.open(ws_path, create=True)
    try:
        report = ws.ingest(discovery.sources, progress=progress)
        n_files = len(report.files)
        sys.stderr.write(f"demo: {ws.n_units()} units from {n_files} files in {ws_path}\n")
        # (decisions kept when a corpus file was removed come back with it)
        analyse_ingested(ws, progress=progress,
                         on_stage=lambda name, s: sys.stderr.write(
                             f"  {name:<10} {'up to date' if s.get('skipped') else 'done in %.1fs' % s.get('seconds', 0)}\n"))
        codebook = Codebook.load()
        render_top_quotes(ws, themes=[t.id for t in codebook.themes], top=top, out=out)
    finally:
        ws.close()
    out.write(f"\nReview them: copquotes app --workspace {ws_path}\n")
    return ws_path
