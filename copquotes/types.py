"""Plain data types at the boundaries of the pipeline."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SOURCE_KINDS = ("survey", "focus_group", "interview", "reflection", "other")
SPEAKER_ROLES = ("participant", "facilitator", "interviewer", "respondent", "unknown")
# Whose turns are prompts, not feedback: left out of theme prevalence (the researcher table, its
# picture and the app's figures), which counts participants' voices; a facilitator's own
# reflection (source kind ``reflection``) is feedback and counts.
PROMPT_ROLES = ("facilitator", "interviewer")
VOICE_SQL = (f"(speaker_role IS NULL OR speaker_role NOT IN ({', '.join(repr(r) for r in PROMPT_ROLES)})"
             " OR source_kind = 'reflection')")


def speaker_sql(alias: str = "") -> str:
    """SQL for who said a unit of the table ``units`` (``alias``: its alias, e.g. ``"u"``), as
    :func:`copquotes.topics.tables.speaker_ids` counts people: the file with the speaker key (one
    person's several turns or answers are one), else the unit alone. Only counts of it leave."""
    a = f"{alias}." if alias else ""
    return (f"(CASE WHEN {a}speaker_key IS NULL THEN 'unit' || char(31) || {a}unit_id"
            f" ELSE {a}file_id || char(31) || {a}speaker_key END)")


def is_voice(speaker_role, source_kind) -> bool:
    """Whether a unit is in a participant's own voice (see :data:`PROMPT_ROLES`)."""
    return speaker_role not in PROMPT_ROLES or source_kind == "reflection"


def cohort_cells(grp, year) -> list[tuple]:
    """The cells ``(scope, grp, year)`` in which a participant's unit of group ``grp`` and year
    ``year`` counts its speaker among the people: its group and year (``"cohort"``), its group over
    every year (``"group"``), its year over every group (``"year"``) and everything (``"all"``). A
    person counts once in each cell they have a unit in: a group's, a year's or everyone's people are
    the distinct people of its units, never a sum over its group-and-year cells (one respondent of a
    survey pooling two years, or one speaker in two groups, is one person there)."""
    return [("cohort", grp, year), ("group", grp, None), ("year", None, year), ("all", None, None)]


def text_hash(text: str) -> str:
    """Stable hash of a text, used as the embedding-cache key (with the model name)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unit:
    """One unit of analysis: one survey answer, or one speaker turn.

    ``speaker_key`` is a pseudonym (e.g. ``"R7f3a"`` for a survey respondent,
    ``"S2"`` for the second speaker of a transcript): never a name. Real names
    from speaker labels and identity columns travel separately, as
    ``ParsedFile.identifiers``, only so that they can be redacted.
    """

    file: str                      # path of the source file as given (display)
    position: int                  # 0-based order of the unit within its file
    text: str
    source_kind: str = "other"     # one of SOURCE_KINDS
    group: str | None = None       # CoP group, e.g. "Early career"
    year: str | None = None        # year or series, e.g. "2024" or "2024-2025"
    question: str | None = None    # survey question text (None for transcripts)
    speaker_key: str | None = None # pseudonymous speaker / respondent key
    speaker_role: str = "unknown"  # one of SPEAKER_ROLES
    consent: bool | None = None    # quote consent; None = unknown = no quote
    locator: str = ""              # where in the file: "row 12, col Q3" / "line 40"
    start_time: str | None = None  # transcript timestamp if any
    extra: tuple = ()              # other (key, value) metadata pairs, sorted


@dataclass(frozen=True)
class Identifier:
    """A string known to identify someone in a file (speaker label, roster name, email)."""

    value: str
    kind: str = "person"           # person | org | place | email | phone | other
    source: str = "speaker_label"  # speaker_label | roster | identity_column | manifest
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterEntry:
    name: str
    role: str = "participant"      # participant | facilitator
    quote_consent: bool | None = False   # None: not known (not asked yet, "Yes?", an empty "Do not quote" cell)
    aliases: tuple[str, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class Span:
    """A character span of a unit's text: ``text[start:end]``."""

    start: int
    end: int
    kind: str
    source: str = ""               # which recogniser found it
    score: float = 1.0


@dataclass(frozen=True)
class Flag:
    """A re-identification or safety risk, naming its span and why."""

    kind: str                      # e.g. "quasi_identifier", "violence_detail", "residual_identifier"
    start: int
    end: int
    reason: str
    severity: str = "warn"         # "warn" demotes; "hold" keeps a quote from export until reviewed
