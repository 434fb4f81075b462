"""Per-respondent metadata of a survey export: each row's group and year from the export's own columns.

An export that pools several cohorts or years says which in a column ("Group", "Cohort", "Which
CoP group did you attend?", "Year", "Series", "Academic year"), or at least when each response
came in (Qualtrics ``RecordedDate``, SurveyMonkey "End Date", Microsoft Forms "Completion
time", Google Forms "Timestamp"). Precedence, per row:

* group: the file's ``group`` from the manifest or ``--meta``; else the group column.
* year: the file's ``year`` from the manifest or ``--meta``; else the year column (normalised as
  everywhere: ``"2024-2025"``, ``"2024"``); else a year in the file's, folder's or sheet's name;
  else the calendar year of the row's submission date.

A group or year column is metadata: never an open question, never text. A value the manifest gives
for the whole file wins over a column that says otherwise, with one warning naming the column (the
researcher said so, perhaps because the column holds sub-groups of one CoP). Each use of a column
is said in one warning line per file, so the user knows where the groups and years came from.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from . import columns as C
from .base import Source, truthy, year_from_text
from .tables import Column

log = logging.getLogger("copquotes.ingest")

# words of a header that say nothing of what the column holds ("Which group are you in?",
# "Your CoP name", "Please select your site")
_FILLER = {"which", "what", "your", "the", "my", "please", "select", "choose", "tick", "enter", "are", "you", "in",
           "part", "of", "do", "did", "belong", "to", "attend", "attended", "were", "was", "is", "a", "an", "name",
           "member", "current", "currently", "based", "at", "for", "this", "response", "respondent"}
_GROUP_HEADERS = {"group", "cohort", "cop", "cops", "cop group", "cop cohort", "cop community", "community",
                  "community practice", "community practice group", "community group", "learning group",
                  "peer group", "practice group", "cohort group", "group cohort", "site", "network", "cop network",
                  "learning network", "cop site"}
_YEAR_HEADERS = {"year", "series", "wave", "cohort year", "academic year", "financial year", "programme year",
                 "program year", "series year", "year series", "evaluation year", "survey year", "cop year",
                 "intake year", "cohort series", "cop series", "programme series", "program series"}
# submission dates before start dates: when the answers were given
_DATE_ORDER = re.compile(r"record|end|complet|submit|timestamp|respon|creat", re.I)
_SHORT_YEAR_DATE = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-](\d\d)(?:[\sT,]|$)")
_FULL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_MAX_GROUP_CHARS, _MAX_GROUP_WORDS = 60, 8


def header_kind(col: Column) -> str | None:
    """``group``, ``year`` or ``cohort`` (either, by its values) for a header that names one, else None."""
    for text in dict.fromkeys((col.id, col.question)):
        words = re.sub(r"\([^)]*\)", " ", str(text or "").lower()).replace("'s", " ")
        words = " ".join(w for w in re.findall(r"[a-z0-9]+", words) if w not in _FILLER)
        if words == "cohort":
            return "cohort"
        if words in _GROUP_HEADERS:
            return "group"
        if words in _YEAR_HEADERS:
            return "year"
    return None


_SHORT_SERIES = re.compile(r"^\s*(?:fy\s*)?(\d\d)\s*[-/–]\s*(\d\d)\s*$", re.I)


def series(value: str) -> str | None:
    """A year or a series as the rest of copquotes writes it ("2024", "2024-2025") from a year
    column's value ("2024-25", "2024/2025", "Series 2024-2025", "23/24", "FY23/24"), else None."""
    got = year_from_text(value or "")
    if got:
        return got
    m = _SHORT_SERIES.match(value or "")
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return f"20{m.group(1)}-20{m.group(2)}"
    return None


def date_year(value: str) -> str | None:
    """The calendar year of a date or timestamp ("2024-03-14 10:02:11", "14/03/2024", a Forms
    export saved from Excel as CSV: "3/14/24 10:02"), else None."""
    m = _FULL_YEAR.search(value or "")
    if m:
        return m.group(1)
    m = _SHORT_YEAR_DATE.match(value or "")
    return "20" + m.group(1) if m else None


def _values(vals: list[str]) -> list[str]:
    return [v.strip() for v in vals if v and v.strip() and not C.is_skip_answer(v)]


def _years(vals: list[str]) -> bool:
    """Most values read as a year or a series."""
    vals = _values(vals)
    return bool(vals) and sum(1 for v in vals if series(v)) >= 0.8 * len(vals)


def _ratings(vals: list[str]) -> bool:
    """Ratings or yes/no answers (a "Community" or "Network" statement rated), not labels."""
    vals = _values(vals)
    return bool(vals) and (C.profile(vals)["likert"] >= 0.5 or sum(
        1 for v in vals if truthy(v, allow_numeric=False) is not None) >= 0.5 * len(vals))


def _codes(vals: list[str]) -> bool:
    """Every value a bare number of one to three digits: a choice's code ("2"), never a group's name."""
    vals = _values(vals)
    return bool(vals) and all(re.fullmatch(r"\d{1,3}", v) for v in vals)


def _group_labels(vals: list[str]) -> bool:
    """Short labels that several respondents share: a group of one could identify its respondent,
    and words to read are an answer, not a label."""
    vals = _values(vals)
    if not vals or any(len(v) > _MAX_GROUP_CHARS or len(v.split()) > _MAX_GROUP_WORDS for v in vals):
        return False
    if _ratings(vals):
        return False
    distinct = len({v.lower() for v in vals})
    return distinct == 1 or distinct <= len(vals) / 2


@dataclass
class MetaColumns:
    """The columns of one sheet that give each row's group and year."""

    group: Column | None = None
    year: Column | None = None
    dates: list[Column] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # warnings to give once the file is read


def find_columns(source: Source, cols: list[Column], values) -> MetaColumns:
    """The group and year columns among ``cols`` not given a role yet (by their header, checked
    against the sample ``values(col)``), marked ``group`` / ``year`` so nothing reads them as
    text. Columns the manifest names as open questions or consent are left alone."""
    named = {str(n).strip().lower() for n in list(source.meta.get("open_questions") or [])
             + [source.meta.get("consent_column") or ""] if str(n).strip()}
    found = MetaColumns()
    for col in cols:
        if col.role != "other" or {str(col.id).strip().lower(), str(col.question).strip().lower()} & named:
            continue
        kind = header_kind(col)
        if kind is None:
            continue
        vals = values(col)
        if kind in ("year", "cohort") and found.year is None and _years(vals):
            col.role, found.year = "year", col
        elif kind in ("group", "cohort") and found.group is None and _codes(vals):
            # REDCap's raw export, an SPSS file saved as CSV: "2" is a choice's code, not the group's name
            found.notes.append(f"the column {col.id!r} is named like a group but holds answer codes "
                               f"({', '.join(repr(v) for v in sorted(set(_values(vals)))[:3])}), not group names; not "
                               "read as the group (export the labels instead of the codes, e.g. REDCap's 'CSV / "
                               "Microsoft Excel (labels)', or give group in copquotes.yaml or --meta)")
        elif kind in ("group", "cohort") and found.group is None and _group_labels(vals):
            col.role, found.group = "group", col
        elif kind in ("group", "cohort") and found.group is None and not source.meta.get("group") \
                and _values(vals) and not _ratings(vals):   # no advice to give a group already given
            found.notes.append(f"the column {col.id!r} is named like a group but its values are not short labels "
                               "shared by several respondents; not read as the group (give group in copquotes.yaml "
                               "or --meta)")
    return found


@dataclass
class RowMeta:
    """How one sheet's rows get their group and year (see the module doc for the precedence)."""

    columns: MetaColumns
    group: str | None = None          # the manifest's or --meta's, for every row
    year: str | None = None           # the manifest's or --meta's, for every row
    name_year: str | None = None      # from the file's, a folder's or the sheet's name
    sample_year: str | None = None    # the one calendar year of the sample's dates, for a row without one
    seen: dict = field(default_factory=lambda: {"group": set(), "year": set()})   # of the rows with units

    def values(self, cells) -> tuple[str | None, str | None]:
        """``(group, year)`` of one row; ``cells(col)`` is the stripped value of a column."""
        cols = self.columns
        group = self.group or (cells(cols.group) if cols.group is not None else "") or None
        if self.year:
            return group, self.year
        if cols.year is not None:
            return group, series(cells(cols.year)) or self.name_year
        if self.name_year:
            return group, self.name_year
        for col in cols.dates:
            y = date_year(cells(col))
            if y:
                return group, y
        return group, self.sample_year

    def note(self, group: str | None, year: str | None) -> None:
        """A row with units had this group and year (:func:`finish`)."""
        self.seen["group"].add(group)
        self.seen["year"].add(year)

    def used(self) -> list[str]:
        """What the rows read so far took from a column, for the one warning of :func:`finish`."""
        cols, out = self.columns, []
        groups, years = self.seen["group"] - {None}, self.seen["year"] - {None}
        if cols.group is not None and not self.group:
            out.append(f"group from the column {cols.group.id!r} ({_count(groups, 'group')})")
        if cols.year is not None and not self.year:
            out.append(f"year from the column {cols.year.id!r} ({_count(years, 'year')})")
        elif not (self.year or self.name_year) and cols.dates and len(years) > 1:
            out.append(f"year from the calendar year of the date in {cols.dates[0].id!r} ({_count(years, 'year')})")
        return out


def _count(values: set, what: str) -> str:
    return f"{len(values)} {what}{'' if len(values) == 1 else 's'}"


def row_meta(source: Source, found: MetaColumns, date_cols: list[Column], sheet_year: str | None,
             sample_year: str | None, values) -> RowMeta:
    """The :class:`RowMeta` of a sheet (``values(col)``: the sample's values of a column); a
    value of the manifest that overrides a column that says otherwise is noted for :func:`finish`."""
    meta, guessed = source.meta, getattr(source, "detected", frozenset())
    given_year = meta.get("year") if meta.get("year") and "year" not in guessed else None
    name_year = sheet_year or (meta.get("year") if "year" in guessed else None)
    found.dates = sorted(date_cols, key=lambda c: (not _DATE_ORDER.search(f"{c.id} {c.question}"), c.index))
    rm = RowMeta(found, group=meta.get("group") or None, year=given_year, name_year=name_year,
                 sample_year=sample_year)
    _note_overridden(found, found.group, rm.group, "group", values, str.strip)
    _note_overridden(found, found.year, rm.year, "year", values, lambda v: series(v) or "")
    return rm


def _note_overridden(found: MetaColumns, col: Column | None, given: str | None, what: str, values, norm) -> None:
    """A note when the file's ``what`` from the manifest or --meta differs from its column."""
    if col is None or not given:
        return
    other = {norm(v) for v in _values(values(col))} - {given, norm(given), ""}
    if other:
        found.notes.append(f"the {what} {given!r} given in copquotes.yaml or --meta is used for every row; the "
                           f"column {col.id!r}, which gives {len(other)} other value(s), is not read (leave {what} "
                           "out of the manifest to read it per row)")


def finish(source: Source, meta: dict, row_metas: list[RowMeta]) -> None:
    """Once every row is read: one warning line per note and one saying which columns gave the
    rows' group and year; the file's own ``group`` / ``year`` in ``meta``: the one value all its
    units share, ``None`` when they differ (``status`` counts units per group and year)."""
    notes = [n for rm in row_metas for n in rm.columns.notes]
    used = [u for rm in row_metas for u in rm.used()]
    for note in dict.fromkeys(notes):
        log.warning("%s: %s", source.path, note)
    if used:
        log.warning("%s: reading each respondent's %s; set one for the whole file with group or year in "
                    "copquotes.yaml or --meta", source.path, " and ".join(dict.fromkeys(used)))
    for key in ("group", "year"):
        vals = set().union(*(rm.seen[key] for rm in row_metas)) if row_metas else set()
        if len(vals) == 1:
            meta[key] = next(iter(vals))
        elif len(vals) > 1:
            meta[key] = None
