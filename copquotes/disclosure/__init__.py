"""The disclosure layer: everything that decides what may leave the workspace.

A core package (it imports only ``copquotes.types``, ``copquotes.text`` and, for the
ordinary-word list, ``copquotes.resources``); stages, exports, the CLI and the app import
it. One job per module:

* :mod:`.placeholders` - the ONE placeholder table (``[name]``, ``[organisation]`` ...);
* :mod:`.render` - redacted text rendered from stored spans (no model);
* :mod:`.names` - known names and redacted strings found again in text (safety net);
* :mod:`.sources` - source pseudonyms ("focus group 2024 #3") instead of file names;
* :mod:`.cells` - the ONE spreadsheet formula neutraliser (CSV, XLSX) and XML-safe text;
* :mod:`.markdown` - the ONE Markdown escaper (no links, HTML or images from text);
* :mod:`.edits` - whether a reviewer's edit may be saved (no oracle);
* :mod:`.search` - which words of a text search may match hidden text (never matched);
* :mod:`.small` - the ONE small-cell rule (too few people to report a share);
* :mod:`.overlap` - a roll-up of distinct people must not give away a small overlap;
* :mod:`.audit` - how far a hidden count of a table can be narrowed from its totals;
* :mod:`.gate` - :class:`Disclosure`, the exit every channel calls.

See ``docs/disclosure.md`` for what goes through it and how to add a channel.
"""
from ..text import HONORIFICS, is_honorific
from .cells import FORMULA_SIGNS, is_formula_like, neutralise_cell, strip_control
from .edits import UNSAFE_EDIT, added_hidden_words, new_words
from .gate import Disclosure, NameMask, is_held, redacted_terms, withheld_words, workspace_names
from .markdown import md_blockquote, md_escape
from .names import (PersonNames, common_words, file_name_pattern, fold, identifier_terms, mask_names, name_pattern,
                    name_spans, scrub, workspace_person_names)
from .overlap import overlap_small, rollup_suppression
from .placeholders import ALL as ALL_PLACEHOLDERS
from .placeholders import CONTACT_SOURCES, PLACEHOLDER_RE, PLACEHOLDERS, placeholder
from .render import merge_spans, placeholder_map, redact_span, redact_text, surface_key
from .search import edit_hidden_words, search_hidden_words
from .small import (SECONDARY_WORDS, SMALL_SPEAKERS, SMALL_UNITS, secondary_suppression, small_cell_words, small_cells,
                    table_suppression)
from .sources import source_names


__all__ = [
    "HONORIFICS", "is_honorific", "FORMULA_SIGNS", "is_formula_like", "neutralise_cell", "strip_control",
    "Disclosure", "NameMask", "is_held", "redacted_terms", "withheld_words", "workspace_names", "md_blockquote",
    "md_escape",
    "PersonNames", "common_words", "file_name_pattern", "fold", "identifier_terms", "mask_names", "name_pattern",
    "name_spans", "scrub", "workspace_person_names", "ALL_PLACEHOLDERS", "CONTACT_SOURCES", "PLACEHOLDER_RE",
    "PLACEHOLDERS", "placeholder",
    "merge_spans", "placeholder_map", "redact_span", "redact_text", "surface_key", "source_names", "UNSAFE_EDIT", "new_words",
    "added_hidden_words", "search_hidden_words", "edit_hidden_words", "SMALL_SPEAKERS", "SMALL_UNITS",
    "small_cell_words", "small_cells", "SECONDARY_WORDS", "secondary_suppression", "table_suppression",
    "overlap_small", "rollup_suppression",
]
