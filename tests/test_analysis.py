"""copquotes/analysis.py: every interface analyses through ``analyse_ingested`` and ends an ingest
it does not analyse with ``after_ingest``, so that none leaves out re-attaching a returned file's
decisions or storing the survey questions ahead (the behaviour through each interface, on a real
analysis: tests/test_removal.py ``test_every_interface_that_analyses_...``)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "copquotes"
INTERFACES = ["__main__.py", "cli.py", "api.py", "app_launcher.py", "demo.py", "export.py",
              *(p.relative_to(PACKAGE).as_posix() for p in sorted((PACKAGE / "app").glob("*.py"))),
              *(p.relative_to(PACKAGE).as_posix() for p in sorted((PACKAGE / "evaluate").glob("*.py")))]
# what only copquotes.analysis calls: (module the name comes from, name)
LEFT_TO_ANALYSIS = {("pipeline", "analyse"), ("removal", "reattach_returned"), ("questions", "store_all")}
ANALYSING = ["cli.py", "api.py", "demo.py", "app/jobs.py"]
INGESTING_ALONE = ["cli.py", "app/jobs.py"]     # copquotes ingest; the app's ingest of each batch


def _uses(rel: str) -> set[tuple[str, str]]:
    """``(module, name)`` for each name a module imports from a copquotes module (``from .x import
    name``) or calls on one (``x.name(...)`` after ``from . import x``)."""
    tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            out |= {(node.module.rsplit(".", 1)[-1], a.name) for a in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            out.add((node.value.id, node.attr))
    return out


def test_the_interfaces_are_the_modules_of_the_top_layer():
    layers = (PACKAGE.parent / ".importlinter").read_text().split("layers =\n", 1)[1]
    top = {m.strip() for m in layers.splitlines()[0].split(":")}
    assert top == {"__main__", "cli", "api", "app_launcher", "app", "demo", "export", "evaluate"}


@pytest.mark.parametrize("rel", INTERFACES)
def test_no_interface_runs_the_stages_or_the_steps_after_them_on_its_own(rel):
    assert _uses(rel) & LEFT_TO_ANALYSIS == set()


@pytest.mark.parametrize("rel", ANALYSING)
def test_each_interface_that_analyses_does_it_through_analyse_ingested(rel):
    assert ("analysis", "analyse_ingested") in _uses(rel)


@pytest.mark.parametrize("rel", INGESTING_ALONE)
def test_each_interface_that_ingests_without_analysing_ends_it_with_after_ingest(rel):
    assert ("analysis", "after_ingest") in _uses(rel)
