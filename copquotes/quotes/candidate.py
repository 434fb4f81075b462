"""What the quotes stage works on: a quotable :class:`Unit` and a :class:`Candidate` span of it.

Both are frozen: each step of the stage (themes, safety, representativeness, the suggested
edit) returns a new candidate with its part filled in (``dataclasses.replace``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..workspace import quote_id_for
from .candidates import SpanCandidate
from .edits import Edit


@dataclass(frozen=True)
class Unit:
    """A quotable unit as the stage reads it (consented; see the ``quotable_units`` view)."""

    unit_id: str
    text: str
    file_id: int | None = None
    position: int = 0
    source_kind: str | None = None
    grp: str | None = None
    year: str | None = None
    question: str | None = None
    speaker_key: str | None = None
    speaker_role: str | None = None
    extra_json: str | None = None
    file: str | None = None        # the file's display name (inside the workspace only)
    path: str | None = None
    meta_json: str | None = None
    anon: str | None = None        # the anonymise stage's text of the unit (None: not anonymised)


@dataclass(frozen=True)
class Candidate:
    """One candidate span of a unit, with what the stage has learnt about it so far."""

    unit: Unit
    span: SpanCandidate
    features: dict                  # quotability features (:mod:`copquotes.quotes.features`)
    n_sents: int                    # sentences in the unit
    context: str = ""               # the question, or the turn before (for the suggested edit)
    pinned: bool = False            # a reviewed span: always kept
    themes: dict = field(default_factory=dict)   # theme -> best sentence score in the span
    theme: float | None = None      # the best of ``themes``
    anon: str | None = None         # the anonymised span (names the redactor missed masked)
    flags: tuple = ()               # risk and safety flags ({"kind", "start", "end", "reason", "severity"})
    safety: float = 1.0             # the multiplicative demotion of the score
    held: bool = False              # a hold-level flag: kept for review
    representativeness: float | None = None
    edit: Edit | None = None        # the suggested light edit, when computed early

    @property
    def unit_id(self) -> str:
        return self.unit.unit_id

    @property
    def verbatim(self) -> str:
        return self.unit.text[self.span.start:self.span.end]

    @property
    def speaker(self) -> str:
        return speaker_pseudonym(self.unit.path, self.unit.speaker_key, self.unit.unit_id)

    def score_row(self, representativeness: bool = True) -> dict:
        """The ranker's input: features and parts (:class:`copquotes.quotes.scoring.QuoteRanker`)."""
        row = dict(self.features)
        row["theme"] = self.theme
        row["representativeness"] = self.representativeness if representativeness else None
        row["safety"] = self.safety
        return row


def quote_id(unit_id: str, start: int, end: int) -> str:
    """Stable id of a span: re-running the stage finds the same quote again."""
    return quote_id_for(unit_id, start, end)


def speaker_pseudonym(file_key: str, speaker_key: str | None, unit_id: str) -> str:
    """A pseudonym for the person behind a unit, stable within a workspace; never a name."""
    base = f"{file_key}:{speaker_key}" if speaker_key else f"unit:{unit_id}"
    return "P-" + hashlib.sha1(base.encode()).hexdigest()[:6]
