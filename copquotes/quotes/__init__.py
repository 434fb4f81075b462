"""Quote mining: candidate spans, scoring parts, MMR shortlist, edits, attribution.

Pure functions on plain inputs live in the sub-modules (``candidates``,
``features``, ``scoring``, ``shortlist``, ``edits``, ``attribution``); the
workspace stage and the readers the CLI uses are in ``stage``.
"""
from .attribution import DEFAULT_TEMPLATES, STYLES, attribution, resolve_templates
from .candidates import SpanCandidate, candidate_spans, select_non_overlapping
from .edits import Edit, suggest_edit
from .features import FEATURES, span_features, text_features
from .scoring import PARTS, NonNegLogit, QuoteRanker, Weights
from .shortlist import mmr, representativeness
from .stage import (Quote, current_weights, learn_from_decisions, quote_id, quote_records,
                    redact_span, render_markdown, render_top_quotes, run, shortlist, speaker_pseudonym,
                    write_records)

__all__ = [
    "DEFAULT_TEMPLATES", "STYLES", "attribution", "resolve_templates", "SpanCandidate", "candidate_spans",
    "select_non_overlapping", "Edit", "suggest_edit", "FEATURES", "span_features", "text_features", "PARTS",
    "NonNegLogit", "QuoteRanker", "Weights", "mmr", "representativeness", "Quote",
    "current_weights", "learn_from_decisions", "quote_id", "quote_records", "redact_span", "render_markdown",
    "render_top_quotes", "run", "shortlist", "speaker_pseudonym", "write_records",
]
