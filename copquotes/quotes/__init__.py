"""Quote mining: candidate spans, scoring parts, MMR shortlist, edits, attribution.

Pure functions on plain inputs live in ``candidates``, ``features``, ``scoring``,
``shortlist``, ``edits`` and ``attribution``. The workspace stage is ``stage`` (its run),
with ``candidate`` (the :class:`Candidate` it works on), ``sentences``, ``safety`` and
``storage`` (every SQL statement); ``readers`` is what the CLI, the demo and the app read.
"""
from .attribution import DEFAULT_TEMPLATES, STYLES, attribution, resolve_templates
from .candidate import Candidate, Unit, quote_id, speaker_pseudonym
from .candidates import SpanCandidate, candidate_spans, select_non_overlapping
from .edits import Edit, suggest_edit
from .features import FEATURES, span_features, text_features
from .learning import DecisionRanker, rerank
from .readers import Quote, quote_records, render_markdown, render_top_quotes, shortlist, write_records
from .safety import redact_span
from .scoring import PARTS, NonNegLogit, QuoteRanker, Weights
from .shortlist import mmr, representativeness
from .stage import current_weights, run

__all__ = [
    "DEFAULT_TEMPLATES", "STYLES", "attribution", "resolve_templates", "Candidate", "Unit", "SpanCandidate",
    "candidate_spans", "select_non_overlapping", "Edit", "suggest_edit", "FEATURES", "span_features",
    "text_features", "PARTS", "NonNegLogit", "QuoteRanker", "Weights", "DecisionRanker", "rerank", "mmr",
    "representativeness", "Quote",
    "current_weights", "quote_id", "quote_records", "redact_span", "render_markdown",
    "render_top_quotes", "run", "shortlist", "speaker_pseudonym", "write_records",
]
