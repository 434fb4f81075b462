"""The analysis stages, as declarations.

Each :class:`Stage` says what a scheduler needs to know and nothing of how the stage works:
its name, the stages whose results it depends on (``inputs``), its one ``version`` (bump it
when the stage's logic changes: every workspace's stage becomes stale), where its ``run``
lives, what it may precompute in a worker process or run beside another stage, and its
``granularity``: what a distributed engine may partition it by (``unit``: any split of the
units; ``file``: whole source files together, because a name found in one unit of a document
is redacted in all of them; ``workspace``: the stage needs every unit at once).

This module is data only (it imports no stage code and no model), so ``copquotes status``
and the stages themselves can read it: a stage takes its version from here
(``STAGES["anonymise"].version``). The pipeline (:mod:`copquotes.pipeline`) schedules from
these declarations; the worker process (:mod:`copquotes.worker`) runs them.
"""
from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal

from . import unitparts

Granularity = Literal["unit", "file", "workspace"]


def resolve(ref: str) -> Callable:
    """``"package.module:function"`` -> the function (imported on first use)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Precompute:
    """Work of a stage that needs only some of its inputs (``after``), so a worker process can
    do it early (beside other stages) and the stage finds it ready.

    ``run(ws) -> value``. With ``handover``, the value is what the stage's ``run`` takes as
    its ``precomputed`` keyword (the worker keeps it, or writes it to a file for the parent);
    otherwise the step stores its result in the workspace and returns a count.
    ``mapped``: with a distributed engine (no worker process), the step runs as that engine's
    map (``run(ws, mapper=...)``) in a thread of the parent, started when the parent begins a
    stage of its own (no map: the cluster would be idle) once its ``after`` stages are done.
    """
    name: str
    run: str
    after: tuple[str, ...] = ()
    granularity: Granularity = "unit"
    handover: bool = False
    mapped: bool = False


@dataclass(frozen=True)
class Stage:
    name: str
    version: str
    run: str                                   # "module:function(ws, *, progress, **options) -> summary"
    inputs: tuple[str, ...] = ()               # stages whose results feed this one (and its staleness)
    granularity: Granularity = "unit"
    doc: str = ""
    # may run in a worker process while later stages that do not read it run in the parent
    worker: bool = False
    # inputs it is ordered after but does not read: it may run (in the worker) at the same time
    beside: tuple[str, ...] = ()
    beside_max_units: int | None = None        # above this many units it runs after them instead
    precompute: tuple[Precompute, ...] = ()
    force_option: str | None = None            # the keyword its run takes to redo everything
    threads_option: str | None = None          # the keyword its run takes for its share of the cores
    threads_dynamic: bool = False              # ... also as a callable asked as it goes (the share grows
                                               # when the worker process goes idle)
    fingerprint_extra: Callable | None = None  # (ws) -> [str]: state besides units and inputs it depends on
    # the keyword its run takes for a distributed engine's map (copquotes.engines): its per-unit
    # (or per-file) work then runs there, partitioned as `granularity` allows
    map_option: str | None = None
    # a stage that is a part of another: asking for that stage by name (``--stage topics``) asks for
    # this one too (it runs when it is stale, like any stage)
    part_of: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        """The inputs whose results must exist before this stage runs."""
        return tuple(i for i in self.inputs if i not in self.beside)

    def load(self) -> Callable:
        return resolve(self.run)


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


def _tag_extra(ws) -> list[str]:
    # reviewer corrections retrain the tagger; so does an edited codebook
    n, last = ws.conn.execute("SELECT COUNT(*), MAX(at) FROM theme_labels").fetchone()
    # units whose scores' part is gone are scored again (nothing is added while none is)
    lost = sum(len(unitparts.lost_units(ws, t)) for t in (unitparts.SENTENCE_THEMES, unitparts.UNIT_THEMES))
    return [f"labels:{n}:{last}", f"codebook:{_codebook_digest(ws)}"] + ([f"lost_parts:{lost}"] if lost else [])


def _anonymise_extra(ws) -> list[str]:
    # a re-ingest drops the anonymised text of a replaced file's kept units (the names known for the
    # file may have changed) without changing them: the stage is due while any unit has none
    # (nothing is added while every unit has it, so the fingerprint of a complete stage is unchanged)
    n = ws.conn.execute(
        "SELECT COUNT(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM anon a WHERE a.unit_id = u.unit_id)"
    ).fetchone()[0]
    return [f"unanonymised:{n}"] if n else []


def _quotes_extra(ws) -> list[str]:
    # reviewers' decisions retrain the weights and pin spans
    n, last = ws.conn.execute("SELECT COUNT(*), MAX(at) FROM decisions").fetchone()
    return [f"decisions:{n}:{last}"]


DECLARATIONS: tuple[Stage, ...] = (
    Stage("anonymise", version="27", run="copquotes.anonymise.stage:run", granularity="file",
          doc="identifier spans, redacted text and risk flags of every unit",
          worker=True, force_option="full", threads_option="n_process", map_option="mapper",
          fingerprint_extra=_anonymise_extra),
    Stage("embed", version="2", run="copquotes.embed:run", granularity="unit",
          doc="sentence embeddings of units and sentences, cached by (model, text hash)",
          threads_option="threads", threads_dynamic=True, map_option="mapper"),
    Stage("tag", version="3", run="copquotes.themes.api:run", inputs=("embed",), granularity="unit",
          doc="theme scores per unit and sentence from the codebook (the tagger is fitted on the whole codebook"
              " and the reviewers' labels, then scores each unit alone)",
          fingerprint_extra=_tag_extra),
    # the topic of every unit from its embedding alone (no text but word counts): it may run while the
    # anonymise stage does (in the worker process); typing "topics" selects it too (part_of)
    Stage("topics_fit", version="1", run="copquotes.topics.stage:run_fit", inputs=("embed",),
          granularity="workspace", part_of="topics",
          doc="the topic of every unit from its embedding: UMAP and HDBSCAN on the corpus (a seeded sample of it"
              " above 20,000 units), the others by nearest centroid, the 2-D map; kept for the topics stage"),
    # reads the anonymised text (keywords, labels and representative documents come from it, never
    # from the original text): it runs after the anonymise stage, never beside it, and is stale
    # whenever that stage is (e.g. while a re-ingest left units without anonymised text); a new
    # anonymised text gives new keywords from the same fit
    Stage("topics", version="6", run="copquotes.topics.stage:run", inputs=("anonymise", "embed", "tag", "topics_fit"),
          granularity="workspace",
          doc="keywords, labels and representatives of the fitted topics from the anonymised text, tables, pictures"),
    Stage("quotes", version="7", run="copquotes.quotes.stage:run",
          inputs=("anonymise", "embed", "tag", "topics_fit", "topics"),
          granularity="workspace",
          doc="candidate spans per unit, scored, chosen per unit and stored; weights learnt from decisions",
          # in the worker process beside the topic stages (it reads no topic table), at any size: it
          # works part by part, so the two processes' memory does not grow with the workspace
          beside=("topics_fit", "topics"),
          precompute=(Precompute("quote_features", "copquotes.quotes.stage:precompute_stats", after=(), mapped=True),
                      Precompute("quote_candidates", "copquotes.quotes.stage:candidates_blob",
                                 after=("anonymise",), handover=True)),
          fingerprint_extra=_quotes_extra, map_option="mapper"),
)

STAGES: dict[str, Stage] = {s.name: s for s in DECLARATIONS}


def order(stages=DECLARATIONS) -> list[str]:
    """The stages in an order where every stage comes after its inputs (declaration order
    among the ready ones)."""
    done: list[str] = []
    pending = list(stages)
    while pending:
        ready = next((s for s in pending if all(i in done for i in s.inputs)), None)
        if ready is None:
            raise ValueError("the stage declarations have a cycle: " + ", ".join(s.name for s in pending))
        done.append(ready.name)
        pending.remove(ready)
    return done


STAGE_ORDER = order()


def depends_on(name: str, other: str) -> bool:
    """True when stage ``name`` reads ``other``'s results, directly or through its inputs."""
    todo, seen = list(STAGES[name].reads), set()
    while todo:
        n = todo.pop()
        if n == other:
            return True
        if n not in seen:
            seen.add(n)
            todo.extend(STAGES[n].reads)
    return False
