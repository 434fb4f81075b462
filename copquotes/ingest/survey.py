"""Survey exports (Qualtrics, SurveyMonkey, Microsoft Forms, plain CSV/XLSX) to Units.

One unit per (respondent, open question) with a non-empty answer. The file is read
twice: a bounded sample of rows decides the layout and which columns are open
questions / consent / identity, then the rows stream one by one into units, so a
200 MB export never sits in memory. Identity values (names, emails, phones) never
enter unit text: they go to ``Reading.identifiers`` only, for redaction.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import ConfigError, InputError
from ..types import Identifier, Unit
from . import columns as C
from . import respondents, rowmeta, sheet_transcript
from . import ticks as T
from .base import (Reading, Source, note_refuses, notes_header, refusal_said, refuses_quotes, same_words, staff_notes_header,
                   truthy, withdrawal_header, withdrawn, year_from_text)
from .roster import roster_identifiers
from .tables import (HEADER_SCAN_ROWS, Column, Layout, iter_csv_rows, iter_xlsx_rows, open_workbook,
                     parse_layout, sniff_delimiter, source_rows)
from .textio import check_not_empty, decode_head, detect_encoding

log = logging.getLogger("copquotes.ingest")

SAMPLE_ROWS = 2000
_QUALTRICS_SKIP_STATUS = {"survey preview", "survey test", "spam", "preview spam", "1", "2", "8", "9", "12", "17"}
_NOT_A_VALUE = {"", "anonymous", "-", "n/a", "na", "none", "null", "0"}
_NOT_A_NAME = {"anon", "anonymous please", "prefer not to say", "rather not say", "withheld", "not given", "optional",
               "unknown", "participant", "respondent"}
_VENDOR = {
    "qualtrics_csv": "qualtrics", "qualtrics_xlsx": "qualtrics",
    "surveymonkey_csv": "surveymonkey", "surveymonkey_xlsx": "surveymonkey",
    "msforms_xlsx": "msforms", "msforms_csv": "msforms",
    "plain_csv": "plain", "plain_xlsx": "plain",
}


def col_letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class _Plan:
    layout: Layout
    sheet: str | None
    header_width: int
    open_cols: list[Column]
    consent_col: Column | None
    identity_cols: list[Column]
    id_col: Column | None
    status_col: Column | None
    year: str | None
    columns_info: list[dict] = field(default_factory=list)
    # yes/no columns about consent or use that are not the quote consent (C.maybe_consent)
    maybe_consent_cols: list[Column] = field(default_factory=list)
    # yes/no columns asking who must NOT be quoted ("Would you prefer we did not quote you?"): a yes is a no
    refusal_cols: list[Column] = field(default_factory=list)
    # the consent column is a checkbox question: its cells list the options ticked (C.checkbox_consent)
    consent_items: bool = False
    # questions about publishing read as no leave to quote (C.set_aside): no file-level consent beside them
    set_aside_cols: list[Column] = field(default_factory=list)
    # the consent column is a box ticked beside this statement (copquotes.ingest.ticks): empty is no consent
    consent_tick: str | None = None
    # tick-all-that-apply columns written as lists, with their options: the words typed in "Other" are answers
    other_cols: list[tuple[Column, frozenset]] = field(default_factory=list)
    # the consent question limits the use to something that is not publishing (C.limited_use): a yes is unknown
    consent_limited: bool = False
    # columns of who withdrew their consent ("Consent withdrawn", "Withdrawal date"): anything written there is a no
    withdrawal_cols: list[Column] = field(default_factory=list)
    # the team's notes about the respondent ("Notes", "Admin notes"): one that says consent was refused or withdrawn is a no
    notes_cols: list[Column] = field(default_factory=list)
    # questions that ask leave to quote but were not found as the consent by their answers (mostly not plain yes/no:
    # "Maybe", "TBC", "ask my line manager"): only a yes there lets a file-level consent stand in
    asked_cols: list[Column] = field(default_factory=list)
    # how each row gets its group and year (copquotes.ingest.rowmeta)
    per_row: rowmeta.RowMeta | None = None
    # a consent question after each open question: each answer's own (copquotes.ingest.respondents)
    answer_consent: dict = field(default_factory=dict)


def _sample(stream, n: int) -> list[list[str]]:
    rows = []
    try:
        for _, row in stream:
            rows.append(row)
            if len(rows) >= n:
                break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return rows


def _year_from_dates(values: list[str]) -> str | None:
    years = Counter(y for y in map(rowmeta.date_year, values) if y)
    if len(years) == 1:
        return next(iter(years))
    return None


def _plan(source: Source, rows: list[list[str]], sheet: str | None, strict: bool = True) -> _Plan | None:
    """What each column of a sample of rows is (identity, respondent id, date, status, meta,
    consent, open question, ignored): the manifest's choices first, then the columns' names,
    then their values. ``strict``: a sheet without open text is an error (else ``None``)."""
    meta = source.meta
    vendor = _VENDOR.get(source.format)
    layout = parse_layout(rows[:HEADER_SCAN_ROWS], None if vendor == "plain" else vendor)
    if vendor != "plain" and layout.vendor != vendor and strict:
        # the content says otherwise (e.g. rows 2-3 of a Qualtrics export deleted by hand): trust the content
        log.info("%s: header layout read as %s", source.path, layout.vendor)
    header_width = len(rows[layout.header_rows - 1]) if rows and layout.header_rows <= len(rows) else 0
    if not source.format.endswith("_xlsx"):
        for i in range(layout.header_rows, len(rows)):
            _check_width(rows[i], header_width, source.path, i + 1)
    data = [r for r in rows[layout.header_rows:] if any(c.strip() for c in r)]
    cols = layout.columns

    def values(col: Column) -> list[str]:
        return [r[col.index] if col.index < len(r) else "" for r in data]

    roles = _Roles()
    _roles_by_name(source, cols, layout, roles)
    withdrawals = [c for c in cols if c.role in ("other", "date") and
                   (withdrawal_header(c.question) or withdrawal_header(c.id))]
    for c in withdrawals:   # never open text, a date of the survey or a consent question
        c.role = "consent_withdrawn"
        if c in roles.date_cols:
            roles.date_cols.remove(c)
    # the team's own notes beside the answers ("Admin notes", "Notes (staff)", "Comments (office use)", "For office use
    # only"): never open text, never the respondent's words (a note there that consent was refused is read: notes_cols)
    staff = [c for c in cols if c.role == "other" and (staff_notes_header(c.question) or staff_notes_header(c.id))]
    for c in staff:
        c.role = "staff_notes"
    meta_cols = rowmeta.find_columns(source, cols, values)
    candidates = [c for c in cols if c.role == "other"]
    refusals = _refusal_columns(source, candidates, values)
    candidates = [c for c in candidates if c not in refusals]
    consent_col = _consent_column(source, cols, candidates, values)
    if consent_col is not None and consent_col.role == "consent_refusal":
        refusals.append(consent_col)
        consent_col = None
    items = _checkbox_consent_columns(source, [c for c in candidates if c is not consent_col], values, consent_col)
    if consent_col is None and items:
        consent_col = items[0]
    consent_col, tick = _tick_consent(source, candidates, values, consent_col)
    maybe = _maybe_consent_columns(source, [c for c in candidates if c is not consent_col], values)
    asked = _asked_consent_columns(source, candidates, consent_col)
    # a question about publishing that is not leave to quote, or a statement of consent whose cells are not read as
    # ticks ("Checked with my manager: no"): a file-level consent never stands in beside them
    aside = [c for c in candidates if c is not consent_col and (C.publishing_set_aside(c) or T.states_consent(c))]
    if aside and consent_col is None and meta.get("consent") is not None:
        log.warning("%s: the column %r asks about publishing but not for leave to quote the respondent's words; the "
                    "file-level consent does not stand in for it (consent left unknown); if it is the quote consent, "
                    "name it with consent_column in copquotes.yaml", source.path, aside[0].id)
    open_cols = _open_columns(source, cols, candidates, consent_col, values, roles)
    others = _other_text_columns(source, candidates, values, [consent_col, *items, *maybe, *aside])
    sheet_year = _sheet_year(sheet)
    year = meta.get("year") or sheet_year
    if not year and not roles.date_cols:
        # a date column under a name copquotes does not know ("Zeitstempel", "Submitted on"): by its values
        for c in candidates:
            if c.role == "other" and C.profile(values(c))["date"] >= 0.8:
                roles.date_cols.append(c)
    if not year and roles.date_cols:
        year = _year_from_dates([v for c in roles.date_cols[:2] for v in values(c)])
    rows_meta = rowmeta.row_meta(source, meta_cols, roles.date_cols, sheet_year,
                                 None if meta.get("year") or sheet_year else year, values)

    info = [{"column": c.id, "letter": col_letter(c.index), "question": c.question, "role": c.role,
             **({"identity_kind": c.identity_kind} if c.role == "identity" else {})} for c in cols]
    if not data and strict and not open_cols:
        raise C.NoTextError("the survey has no responses below its header rows; export it again once people have answered",
                         source.path)
    if not open_cols:
        if strict:
            raise C.no_open_text_error(source.path)
        return None
    return _Plan(layout, sheet, header_width, open_cols, consent_col, roles.identity_cols, roles.id_col,
                 roles.status_col, year, info, maybe, refusal_cols=refusals, per_row=rows_meta,
                 consent_items=bool(items) and consent_col is items[0], set_aside_cols=aside, consent_tick=tick,
                 consent_limited=_limited(source, consent_col), other_cols=others, withdrawal_cols=withdrawals,
                 notes_cols=[c for c in cols if c in staff or notes_header(c.question) or notes_header(c.id)],
                 asked_cols=asked, answer_consent=_answer_consent(source, open_cols, consent_col, tick, items,
                                                                  candidates))


def _answer_consent(source: Source, open_cols: list[Column], consent_col, tick, items, others: list[Column]) -> dict:
    """Each open question's own consent question, when several ask leave to quote (:func:`respondents.answer_consent_columns`)."""
    if consent_col is None or tick or items:
        return {}
    mapping = source.meta.get("consent_values")
    opens = {id(c) for c in open_cols}
    asking = [consent_col] + [c for c in others if c is not consent_col and id(c) not in opens
                              and C.looks_consent(c, [], mapping) > 0]
    return respondents.answer_consent_columns(open_cols, asking)


def _other_text_columns(source: Source, candidates: list[Column], values, taken: list) -> list[tuple[Column, frozenset]]:
    """The tick-all-that-apply columns written as lists of options ("A, B, words typed in Other"), with
    their options; none when the manifest names the open questions (its choice stands)."""
    if source.meta.get("open_questions"):
        return []
    out = []
    for c in candidates:
        if c.role != "other" or any(c is t for t in taken if t is not None) or T.states_consent(c):
            continue
        options = C.choice_options(values(c))
        if options:
            out.append((c, options))
    return out


@dataclass
class _Roles:
    """The columns :func:`_plan` found so far, by role."""

    id_col: Column | None = None
    status_col: Column | None = None
    date_cols: list[Column] = field(default_factory=list)
    identity_cols: list[Column] = field(default_factory=list)


def _identity(col: Column, ident: tuple[str, str], roles: _Roles) -> None:
    col.role, col.identity_kind, col.name_part = "identity", ident[0], ident[1]
    roles.identity_cols.append(col)


def _roles_by_name(source: Source, cols: list[Column], layout: Layout, roles: _Roles) -> None:
    """Roles given by the manifest (identity_columns, ignore_columns) or read from a column's
    name, question or vendor hint: identity, respondent id, date, status, meta."""
    meta = source.meta
    ignore = set()
    if meta.get("ignore_columns"):
        ignore = {id(c) for c in C.match_columns(meta["ignore_columns"], cols, "ignore_columns", source.path)}
    forced_identity = set()
    if meta.get("identity_columns"):
        forced_identity = {id(c) for c in C.match_columns(meta["identity_columns"], cols, "identity_columns",
                                                          source.path)}
    for col in cols:
        k = C._key(col.id)
        kq = C._key(col.question)
        if id(col) in forced_identity:
            _identity(col, C.identity_of(col) or ("other", ""), roles)
            continue
        if id(col) in ignore:
            col.role = "ignored"
            continue
        ident = C.identity_of(col)
        if ident and (col.hint in ("meta", "unknown", "text_entry", "choice_or_text") or layout.vendor != "qualtrics"):
            _identity(col, ident, roles)
            continue
        if roles.id_col is None and (k in C._RESPONDENT_ID or (layout.vendor != "plain" and kq in C._RESPONDENT_ID)
                                     or col.id.strip() == "#"):   # Typeform's response token
            col.role = "respondent_id"
            roles.id_col = col
            continue
        if C.date_column(col.id) or C.date_column(col.question):
            col.role = "date"
            roles.date_cols.append(col)
            continue
        if layout.vendor == "qualtrics" and k in C._STATUS_COLUMNS:
            col.role = "status"
            roles.status_col = col
            continue
        # Qualtrics' own fields are "Q_RecaptchaScore", "Q_URL"...; a question renamed "Q_valuable" keeps a QID ImportId
        q_field = re.match(r"^q_", col.id, re.I) and not re.match(r"^(?:\d+_)?QID\d", col.import_id or "")
        if k in C._META_COLUMNS or kq in C._META_COLUMNS or q_field:
            col.role = "meta"
            continue


def _maybe_consent_columns(source: Source, candidates: list[Column], values) -> list[Column]:
    """The yes/no columns about consent or use that are not the quote consent
    (:func:`copquotes.ingest.columns.maybe_consent`): a "no" in any of them means no quote. Warned
    about, saying how to name the quote consent."""
    found = [c for c in candidates if C.maybe_consent(c, values(c))]
    for c in found:
        c.role = "consent_unclear"
        log.warning("%s: the column %r asks about consent or the use of answers but is not read as consent to "
                    "quote: its 'no' answers (and answer codes, unless consent_values says what they mean) mean "
                    "no quotes; if it is the quote consent, name it with consent_column in copquotes.yaml",
                    source.path, c.id)
    return found


def _asked_consent_columns(source: Source, candidates: list[Column], consent_col) -> list[Column]:
    """The columns whose question asks leave to quote (:func:`copquotes.ingest.columns.looks_consent` by the
    question alone) but whose answers did not make them the consent: never open text, and a file-level consent
    stands in only beside a yes there. Warned about, saying how to name the quote consent."""
    if consent_col is not None or source.meta.get("consent_column"):
        return []
    found = [c for c in candidates if c.role == "other" and not T.states_consent(c)   # a statement to tick: ticks.py
             and C.looks_consent(c, [], source.meta.get("consent_values")) > 0]
    for c in found:
        c.role = "consent_unclear"
        log.warning("%s: the column %r asks leave to quote but its answers are not mostly yes or no: it is not read "
                    "as the consent, and only its yes lets a file-level consent stand in; if it is the quote consent, "
                    "name it with consent_column in copquotes.yaml", source.path, c.id)
    return found


def _refusal_columns(source: Source, candidates: list[Column], values) -> list[Column]:
    """The columns that ask who must NOT be quoted, their answers mostly yes or no: a yes
    there means no quote, a no gives no leave either (:func:`copquotes.ingest.base.refuses_quotes`)."""
    found = []
    for c in candidates:
        vals = [v.strip() for v in values(c) if v and v.strip()]
        question = f"{c.question} {c.sub or ''}"
        if c.hint == "meta" or not vals or not refuses_quotes(question) or \
                any(len(v.split()) > 8 and not same_words(v, question) for v in vals):
            continue
        if sum(1 for v in vals if refusal_said(v, question) is not None) < 0.6 * len(vals):
            continue   # answers, not yes / no ("What feedback would you not share with your manager?")
        c.role = "consent_refusal"
        found.append(c)
        _warn_refusal(source, c)
    return found


def _checkbox_consent_columns(source: Source, candidates: list[Column], values, consent_col) -> list[Column]:
    """Consent questions answered by ticking statements (:func:`copquotes.ingest.columns.checkbox_consent_column`):
    the first is the quote consent when no other column is; never open questions."""
    if source.meta.get("consent_column"):
        return []
    found = [c for c in candidates if C.checkbox_consent_column(c, values(c))]
    for i, c in enumerate(found):
        c.role = "consent" if consent_col is None and i == 0 else "ignored"
        if c.role == "ignored":
            log.warning("%s: the column %r lists consent statements ticked but is not read as the quote consent; "
                        "name the quote consent with consent_column in copquotes.yaml", source.path, c.id)
    return found


def _tick_consent(source: Source, candidates: list[Column], values, consent_col) -> tuple[Column | None, str | None]:
    """``(consent column, statement)``: the consent column found so far, or else the first clearly
    ticked statement of consent (:func:`copquotes.ingest.ticks.tick_statement`); the statement when
    the consent column is such a tick column (an empty box in it is no consent), else None."""
    if source.meta.get("consent_values"):
        return consent_col, None
    if consent_col is not None:
        return consent_col, T.tick_statement(consent_col, values(consent_col))
    if source.meta.get("consent_column"):
        return None, None
    for c in candidates:
        said = T.tick_statement(c, values(c)) if c.role == "other" else None
        if said:
            c.role = "consent"
            return c, said
    return None, None


def _limited(source: Source, col: Column | None) -> bool:
    """Whether the consent column's question limits the use (its yes is no leave to publish), warned about."""
    if col is None or source.meta.get("consent_values") or not C.limited_use(col):
        return False
    log.warning("%s: the consent column %r limits the use of answers (internal, aggregate, not published...): its "
                "yes is not read as leave to quote; if it is, give consent_values in copquotes.yaml "
                "(e.g. {'yes': yes, 'no': no})", source.path, col.id)
    return True


def _warn_refusal(source: Source, col: Column) -> None:
    log.warning("%s: the column %r asks who must NOT be quoted: a yes there means no quote, and a no does not "
                "give leave to quote; to read its no as consent, name it with consent_column and give "
                "consent_values in copquotes.yaml (e.g. {'yes': no, 'no': yes})", source.path, col.id)


def _best_consent(scored: list[tuple]) -> Column | None:
    """The candidate that reads most like the quote consent. When that one is set aside (a photo
    release, someone else's quotes: ``C.set_aside``), a lesser one is taken only if it names the
    respondent's words outright ("your comments"), never a newsletter sign-up beside a photo release."""
    ranked = sorted(scored, key=lambda s: (s[0], s[1]), reverse=True)
    if not ranked:
        return None
    best = ranked[0]
    if not C.set_aside(best[2]):
        return best[2]
    rest = [s for s in ranked if not C.set_aside(s[2])]
    fair = [s for s in rest if s[0] > best[0] or C.names_their_words(s[2])]
    return fair[0][2] if fair else None


def _consent_column(source: Source, cols: list[Column], candidates: list[Column], values) -> Column | None:
    """The quote-consent column: the manifest's consent_column, or the candidate that reads most
    like a consent question; warned about when its values are codes, not yes/no."""
    meta = source.meta
    consent_col = None
    if meta.get("consent_column"):
        found = C.match_columns([meta["consent_column"]], cols, "consent_column", source.path)
        consent_col = found[0]
    else:
        scored = [(C.looks_consent(c, values(c), meta.get("consent_values")), -c.index, c) for c in candidates]
        consent_col = _best_consent([s for s in scored if s[0] > 0])
    if consent_col is not None and refuses_quotes(f"{consent_col.question} {consent_col.sub or ''}") \
            and not meta.get("consent_values"):
        consent_col.role = "consent_refusal"   # named as the consent, but its yes is a refusal
        _warn_refusal(source, consent_col)
        return consent_col
    if consent_col is not None:
        consent_col.role = "consent"
        vals = [v for v in values(consent_col) if v.strip()]
        if vals and not meta.get("consent_values") and not any(C.consent_value(v) is not None for v in vals):
            log.warning("%s: the consent column %s holds codes, not yes/no; give consent_values in "
                        "copquotes.yaml (e.g. {'1': yes, '2': no}); consent left unknown", source.path, consent_col.id)
    return consent_col


def _open_columns(source: Source, cols: list[Column], candidates: list[Column], consent_col: Column | None,
                  values, roles: _Roles) -> list[Column]:
    """The open questions: the manifest's open_questions (never an identity or consent column),
    or the candidates whose answers read as open text (a column of names found on the way
    becomes an identity column); with none, free text read from the answers, with a warning."""
    meta = source.meta
    if meta.get("open_questions"):
        open_cols = C.match_columns(meta["open_questions"], cols, "open_questions", source.path)
        for c in open_cols:
            if c.role in ("identity", "consent"):
                raise ConfigError(
                    f"{source.path}: open_questions names the column {c.id!r}, which holds "
                    f"{'identity values (names, emails, phones)' if c.role == 'identity' else 'the quote consent'}; "
                    "remove it from open_questions")
    else:
        open_cols = []
        for c in candidates:
            if c is consent_col or c.role == "consent_unclear" or T.states_consent(c):
                continue   # a statement of consent answered in words is no open question
            vals = values(c)
            if C.names_column(c, vals):
                _identity(c, ("person", "full"), roles)
                continue
            if C.contact_column(c, vals):
                _identity(c, ("contact", ""), roles)
                continue
            if C.choice_label_column(c, vals):
                continue
            c.stats = C.profile(vals)
            if C.looks_open(c, c.stats):
                open_cols.append(c)
        if not open_cols:
            open_cols = [c for c in candidates if c is not consent_col and c.role == "other"
                         and C.looks_free_text(c, values(c))]
            if open_cols:
                log.warning("%s: no column reads as an open question; reading %s as open text from the answers (name "
                            "open_questions in copquotes.yaml to choose)", source.path,
                            ", ".join(repr(c.id) for c in open_cols))
    for c in open_cols:
        c.role = "open"
    return open_cols


_HELPER_SHEET = re.compile(r"(?:read\s*me|notes?|codes?|code\s*book|codebook|instructions?|about|info|pivot|summary|"
                           r"lookups?|lists?|settings|dashboard|charts?|definitions?|key|legend)\b", re.I)
_YEAR_SHEET = re.compile(r"(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?")


def _sheet_year(sheet: str | None) -> str | None:
    """The year or series a sheet's name gives its rows: the whole name ("2024", "2023-24") or one year
    among a few words, as a workbook of one sheet per cohort names them ("RRE 2023", "Cohort 2024-25",
    "2023 responses"); a name with two years or many words says nothing of one year."""
    name = (sheet or "").strip()
    if not name:
        return None
    if _YEAR_SHEET.fullmatch(name):
        return year_from_text(name) or name
    years = re.findall(rf"(?<![\d.]){_YEAR_SHEET.pattern}(?![\d.])", name)
    return year_from_text(name) if len(years) == 1 and len(name.split()) <= 4 else None


def _workbook_plans(source: Source) -> list[_Plan]:
    """The plans of a workbook's visible sheets that hold open text (the manifest's ``sheet``
    only, when it names one; a Forms export's Forms sheets only)."""
    names, hidden = _answer_sheets(source)
    if source.meta.get("sheet"):
        return _sheet_plans(source, names)
    try:
        return _sheet_plans(source, names)
    except InputError as exc:   # NoTextError too: the visible sheets hold no answers
        _hidden_answers(source, hidden, exc)
        raise


def _answer_sheets(source: Source) -> tuple[list[str], list[str]]:
    """The sheets of a workbook whose answers are read, and its hidden sheets: the manifest's
    ``sheet`` when it names one; else the visible sheets, a README, code list or pivot sheet left
    out when another is visible (the first sheet when none is visible)."""
    path = source.path
    wb = open_workbook(path)
    try:
        names = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] \
            or [wb.worksheets[0].title]
        hidden = [ws.title for ws in wb.worksheets if ws.title not in names]
    finally:
        wb.close()
    if len(names) > 1:   # a workbook's README, code list or pivot sheet holds no answers
        names = [n for n in names if not _HELPER_SHEET.match(n.strip())] or names
    wanted = source.meta.get("sheet")
    if wanted:
        if wanted not in names + hidden:
            raise InputError(f"no sheet named {wanted!r} (sheets: {', '.join(names + hidden)})", path)
        return [wanted], hidden
    return names, hidden


def _hidden_answers(source: Source, hidden: list[str], exc: InputError) -> None:
    """When the visible sheets hold no answers and a hidden sheet holds rows, an error that says so
    (Excel hides sheets; copquotes reads the visible ones unless the manifest names one)."""
    full = [n for n in hidden if sum(1 for _, row in zip(range(3), _sample(iter_xlsx_rows(source.path, n), 3))
                                     if any(c.strip() for c in row)) >= 2]
    if full:
        raise C.NoTextError(f"no answers on the visible sheets, but hidden sheet {full[0]!r} has rows; copquotes reads "
                         f"visible sheets only: unhide it in Excel (right-click a sheet tab, Unhide) or name it "
                         f"in the manifest (sheet: {full[0]})", source.path) from exc


def _sheet_samples(source: Source, names: list[str], keep: int = HEADER_SCAN_ROWS + SAMPLE_ROWS) -> dict:
    """The first ``keep`` rows of each of these sheets that holds data (a value in its first
    ``HEADER_SCAN_ROWS + SAMPLE_ROWS`` rows, read only as far as the first value), a Forms export's
    Forms sheets only: the sheets :func:`_sheet_plans` reads."""
    limit = HEADER_SCAN_ROWS + SAMPLE_ROWS
    samples = {}
    for n in names:
        rows, filled, seen = [], False, 0
        stream = iter_xlsx_rows(source.path, n)
        try:
            for _, row in stream:
                seen += 1
                filled = filled or any(c.strip() for c in row)
                if seen <= keep:
                    rows.append(row)
                if seen >= limit or (filled and seen >= keep):
                    break
        finally:
            stream.close()
        if filled:
            samples[n] = rows
    forms_sheets = [n for n, r in samples.items() if parse_layout(r[:HEADER_SCAN_ROWS]).vendor == "msforms"]
    if forms_sheets and source.format.startswith("msforms"):
        samples = {n: samples[n] for n in forms_sheets}
    return samples


def _sheet_plans(source: Source, names: list[str]) -> list[_Plan]:
    """The plans of these sheets that hold open text (see :func:`_workbook_plans`)."""
    path = source.path
    samples = _sheet_samples(source, names)
    if not samples:
        raise InputError("the workbook has no data in any sheet; export it again", path)
    if len(samples) == 1:
        n, rows = next(iter(samples.items()))
        return [_plan(source, rows, n)]
    plans: list[_Plan] = []
    errors: list[ConfigError] = []
    for n, rows in samples.items():
        try:
            p = _plan(source, rows, n, strict=False)
        except ConfigError as exc:  # a manifest column name that only another sheet has
            errors.append(exc)
            continue
        if p is not None:
            plans.append(p)
    if not plans:
        if errors:
            raise errors[0]
        raise C.no_open_text_error(path)
    return plans


def read_survey(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    is_xlsx = source.format.endswith("_xlsx")
    encoding = delimiter = None
    if is_xlsx:
        sheet = source.meta.get("sheet")
        turns = sheet_transcript.columns(_sample(iter_xlsx_rows(path, sheet), HEADER_SCAN_ROWS + SAMPLE_ROWS))
        if turns is not None and not source.meta.get("open_questions"):   # a focus group's notes typed in
            return sheet_transcript.read(source, iter_xlsx_rows(path, sheet), turns)
        plans = _workbook_plans(source)
    else:
        encoding = detect_encoding(path)
        head = decode_head(path)
        if not head.strip(" \t\r\n\ufeff,;"):
            raise InputError("the file is empty (no header row); export it again", path)
        delimiter = "\t" if source.meta.get("delimiter") == "tab" else (source.meta.get("delimiter") or sniff_delimiter(head))
        rows = _sample(iter_csv_rows(path, encoding, delimiter), HEADER_SCAN_ROWS + SAMPLE_ROWS)
        turns = sheet_transcript.columns(rows)
        if turns is not None and not source.meta.get("open_questions"):
            return sheet_transcript.read(source, iter_csv_rows(path, encoding, delimiter), turns)
        plans = [_plan(source, rows, None)]

    meta = dict(source.meta)
    meta.setdefault("source_kind", "survey")
    years = {p.year for p in plans if p.year and p.per_row.columns.year is None}   # a year column: per row
    if not meta.get("year") and len(years) == 1:
        meta["year"] = years.pop()
    meta["layout"] = plans[0].layout.vendor
    for key in ("group", "year"):
        found = [getattr(p.per_row.columns, key).id for p in plans if getattr(p.per_row.columns, key) is not None]
        if found:
            meta[f"{key}_column_found"] = found[0]
    meta["open_questions_found"] = [c.id for p in plans for c in p.open_cols]
    if any(p.consent_col for p in plans):
        meta["consent_column_found"] = [p.consent_col.id for p in plans if p.consent_col][0]
    identifiers: list[Identifier] = roster_identifiers(source.roster)
    stats = {"rows": 0, "units": 0, "skipped_answers": 0, "skipped_rows": 0, "nul_lines": []}
    columns_info = [dict(i, **({"sheet": p.sheet} if p.sheet and len(plans) > 1 else {}))
                    for p in plans for i in p.columns_info]
    units = _survey_units(source, plans, meta, identifiers, stats, encoding, delimiter)
    return Reading(source=source, units=units, identifiers=identifiers, meta=meta,
                   columns=columns_info, stats=stats)


def _survey_units(source: Source, plans: list[_Plan], meta: dict, identifiers: list[Identifier], stats: dict,
                  encoding, delimiter) -> Iterator[Unit]:
    """The units of every plan's rows, streamed (a generator: nothing is read until asked);
    each row's identity values join ``identifiers``, and ``stats`` counts as it goes."""
    seen_ids: set[tuple[str, str]] = {(i.value, i.kind) for i in identifiers}
    position = 0
    multi = len(plans) > 1
    for plan in plans:
        refused = _refused_respondents(source, plan, meta, encoding, delimiter)
        stream = source_rows(source, plan.sheet, encoding, delimiter, stats["nul_lines"])
        try:
            for rownum, row in stream:
                if rownum <= plan.layout.header_rows:
                    continue
                if not any(c.strip() for c in row):
                    continue
                if not source.format.endswith("_xlsx"):
                    _check_width(row, plan.header_width, source.path, rownum)
                stats["rows"] += 1
                if plan.status_col is not None and _cell(row, plan.status_col).lower() in _QUALTRICS_SKIP_STATUS:
                    stats["skipped_rows"] += 1
                    continue
                for ident in _row_identifiers(plan, row):
                    k = (ident.value, ident.kind)
                    if k not in seen_ids:
                        seen_ids.add(k)
                        identifiers.append(ident)
                for unit in _row_units(source, plan, meta, row, rownum, position, multi, stats, refused):
                    yield unit
                    position += 1
        finally:
            stream.close()
    rowmeta.finish(source, meta, [p.per_row for p in plans])


def _email_cols(plan: _Plan) -> list[Column]:
    return [c for c in plan.identity_cols if c.identity_kind in ("email", "contact")]


def _refused_respondents(source: Source, plan: _Plan, meta: dict, encoding, delimiter) -> set:
    """Who said no in any row of theirs (:func:`respondents.refused_respondents`): one pass over the rows."""
    email_cols = _email_cols(plan)
    if plan.id_col is None and not email_cols:
        return set()
    if plan.consent_col is None and not (plan.refusal_cols or plan.asked_cols or plan.withdrawal_cols or plan.notes_cols
                                         or plan.maybe_consent_cols):
        return set()   # no column can say no: the file-level consent (or none) is every row's

    def data_rows():
        stream = source_rows(source, plan.sheet, encoding, delimiter)
        try:
            for rownum, row in stream:
                if rownum > plan.layout.header_rows and any(c.strip() for c in row):
                    yield row
        finally:
            stream.close()

    return respondents.refused_respondents(
        data_rows, lambda row: respondents.row_keys(lambda c: _cell(row, c), plan.id_col, email_cols),
        lambda row: _row_consent(plan, meta, row))


def _cell(row: list[str], col: Column | None) -> str:
    if col is None or col.index >= len(row):
        return ""
    return row[col.index].strip()


def _row_units(source: Source, plan: _Plan, meta: dict, row: list[str], rownum: int, position: int, multi: bool,
               stats: dict, refused: set = frozenset()) -> Iterator[Unit]:
    """One unit per open question the respondent of this row answered (skip answers such as
    "n/a" counted, not kept), numbered from ``position``; ``refused``: the keys of respondents
    who said no in some row (:func:`_refused_respondents`)."""
    path = source.path
    rid = _cell(row, plan.id_col) or f"row{rownum}"
    key_src = f"{path.name}:{plan.sheet + ':' if multi and plan.sheet else ''}{rid}"
    speaker_key = "R" + hashlib.sha1(key_src.encode("utf-8")).hexdigest()[:8]
    consent = _row_consent(plan, meta, row)
    # the same respondent said no (or took it back) in another row: a no for every answer of theirs
    taken_back = bool(refused and respondents.row_keys(lambda c: _cell(row, c), plan.id_col, _email_cols(plan)) & refused)
    group, year = plan.per_row.values(lambda c: _cell(row, c))
    answers = []   # (column, text, question, extra): the open answers, then words typed in "Other"
    for col in plan.open_cols:
        text = _cell(row, col)
        if not text or C.is_skip_answer(text):
            if text:
                stats["skipped_answers"] += 1
            continue
        answers.append((col, text, col.question or col.id, ()))
    for col, options in plan.other_cols:   # the words typed in a choice list's "Other" box
        text = C.other_text(_cell(row, col), options)
        if text:
            answers.append((col, text, f"{col.question or col.id} - Other", (("other", True),)))
    for col, text, question, more in answers:
        extra = [("column", col.id), *more] + ([("sheet", plan.sheet)] if multi and plan.sheet else [])
        locator = f"row {rownum}, col {col_letter(col.index)}"
        if multi and plan.sheet:
            locator = f"{plan.sheet} {locator}"
        yield Unit(
            file=str(path), position=position, text=_clean_answer(text),
            source_kind=meta.get("source_kind", "survey"), group=group,
            year=year, question=question,
            speaker_key=speaker_key, speaker_role="respondent",
            consent=False if taken_back else _answer_consent_of(plan, meta, row, col, consent),
            locator=locator, start_time=None, extra=tuple(sorted(extra)),
        )
        position += 1
        stats["units"] += 1
        plan.per_row.note(group, year)


def _answer_consent_of(plan: _Plan, meta: dict, row: list[str], col: Column, consent: bool | None) -> bool | None:
    """The row's consent for the answer in ``col``; in a survey asking leave after each open question
    (``plan.answer_consent``) read from the answer's own consent question instead, never from another's."""
    own = plan.answer_consent.get(col.index)
    if own is None:   # an answer without its own question where others have one: whose yes it has is a guess
        return None if plan.answer_consent and consent else consent
    return _row_consent(plan, meta, row, own)


def _row_consent(plan: _Plan, meta: dict, row: list[str], own: Column | None = None) -> bool | None:
    """The consent one row gives its answers: the consent column, read as its kind is, then every column that
    can only take it away (refusals, questions asking leave, withdrawals, notes, other consent questions). ``own``:
    one answer's own consent question, read in place of the consent column, the other answers' ones skipped."""
    if own is not None:
        skip = {id(c) for c in plan.answer_consent.values()}
        consent = C.consent_value(_cell(row, own), meta.get("consent_values"))
        if consent and plan.consent_limited:
            consent = None
        return _taken_away(plan, meta, row, consent, skip)
    consent = None
    if plan.consent_col is not None and plan.consent_tick:
        consent = T.ticked(_cell(row, plan.consent_col), plan.consent_col, plan.consent_tick)
    elif plan.consent_col is not None and plan.consent_items:
        consent = C.checkbox_consent(_cell(row, plan.consent_col))
    elif plan.consent_col is not None:
        consent = C.consent_value(_cell(row, plan.consent_col), meta.get("consent_values"))
    if consent and plan.consent_limited:
        consent = None   # a yes to quoting limited to internal use, in aggregate...: no leave to publish
    if plan.consent_col is None and meta.get("consent") is not None and not plan.set_aside_cols:
        # a file-level consent stands in for a consent question the survey lacks; it never
        # overrides a respondent who left the survey's own consent question blank
        consent = truthy(meta.get("consent"))
    return _taken_away(plan, meta, row, consent, set())


def _taken_away(plan: _Plan, meta: dict, row: list[str], consent: bool | None, skip: set) -> bool | None:
    """``consent`` after the columns that can only take it away (those in ``skip`` left out)."""
    for col in plan.refusal_cols:   # "do not quote me": yes is a no; an answer not read leaves nothing to go on
        said = refusal_said(_cell(row, col), f"{col.question} {col.sub or ''}")
        if said is True:
            consent = False
        elif said is None and _cell(row, col) and consent is not False:
            consent = None
    for col in plan.asked_cols:   # "Maybe", "TBC", an empty cell under "May we quote you?": the file's yes is no answer
        if id(col) in skip:
            continue
        said = C.consent_value(_cell(row, col), meta.get("consent_values"))
        if said is not True:
            consent = False if said is False or consent is False else None
    if any(withdrawn(_cell(row, col)) for col in plan.withdrawal_cols) or \
            any(note_refuses(_cell(row, col)) for col in plan.notes_cols):
        consent = False   # a date, a yes or a tick under "Consent withdrawn", a note "No consent": taken back
    for col in plan.maybe_consent_cols:   # a "no" to any question about consent or use is never overridden
        if id(col) in skip:
            continue
        cell = _cell(row, col)
        said = C.consent_value(cell, meta.get("consent_values"))
        if said is False:
            consent = False
            break
        if said is None and cell.strip() and plan.consent_col is None:
            consent = None   # an answer code nobody has read: the file's consent does not stand in for it
    return consent


def _check_width(row: list[str], width: int, path, rownum: int) -> None:
    if len(row) == width or not any(c.strip() for c in row):
        return
    if len(row) < width or any(c.strip() for c in row[width:]):
        raise InputError(
            f"ragged CSV: this row has {len(row)} fields but the header has {width}; "
            "the file may be truncated or have an unquoted delimiter; re-export it",
            path, f"row {rownum}")


def _clean_answer(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    if "_x000D_" in text:
        text = re.sub(r"_x000D_\n?", "\n", text)  # carriage returns escaped by Excel's XML
    if "\n" in text:
        text = re.sub(r"[ \t]+\n", "\n", text)
    return text.strip()


_NOT_A_CONTACT = re.compile(r"^(?:maybe|later|rather|same|just|already|thanks?|cheers|sure|none|nothing|anonymous|"
                            r"n/?a|na|tbc|prefer)\b", re.I)


def _contact_identifiers(value: str) -> list[Identifier]:
    """The emails, phone numbers and the name in an answer such as "Raj Malhotra, 0421 654 987"."""
    out = [Identifier(value=m, kind="email", source="identity_column") for m in C.CONTACT_EMAIL.findall(value)]
    out += [Identifier(value=m.strip(), kind="phone", source="identity_column") for m in C.CONTACT_PHONE.findall(value)]
    rest = C.CONTACT_PHONE.sub(" , ", C.CONTACT_EMAIL.sub(" , ", value))
    rest = re.sub(r"\b(?:email|e-mail|phone|mobile|tel|ph|or|and|at|on|call|me|my|is|name)\b", " ", rest, flags=re.I)
    # the name first, then what else was given ("Liam O'Sullivan (Bendigo Health)"): kept whole
    chunks = [" ".join(re.sub(r"[^\w'’-]", " ", c).split()) for c in re.split(r"[,;:()/|]|\s[-–]\s", rest)]
    # a name or an organisation: one to four words, each with a capital ("Priya Raman", "Bendigo Health");
    # not "Maybe later", "Rather not", "Same as last time", "thanks"
    chunks = [c for c in chunks if 1 <= len(c.split()) <= 4 and all(w[0].isupper() for w in c.split())
              and truthy(c, allow_numeric=False) is None and c.lower() not in _NOT_A_NAME
              and not _NOT_A_CONTACT.match(c)]
    for i, chunk in enumerate(chunks):
        if i == 0:
            parts = tuple(p for p in chunk.split() if len(p) > 1 and p != chunk)
            out.append(Identifier(value=chunk, kind="person", source="identity_column", aliases=parts))
        else:
            out.append(Identifier(value=chunk, kind="other", source="identity_column"))
    return out


def _row_identifiers(plan: _Plan, row: list[str]) -> list[Identifier]:
    out: list[Identifier] = []
    first = last = ""
    for col in plan.identity_cols:
        v = row[col.index].strip() if col.index < len(row) else ""
        if v.lower() in _NOT_A_VALUE or not v or C.is_skip_answer(v):
            continue
        if col.identity_kind == "person" and (truthy(v, allow_numeric=False) is not None or v.lower() in _NOT_A_NAME):
            continue  # "Yes" / "prefer not to say" in a name column is not a name
        if col.identity_kind == "person":
            if col.name_part == "first":
                first = v
            elif col.name_part == "last":
                last = v
            else:
                parts = tuple(p for p in re.split(r"\s+", v) if len(p) > 1 and p != v)
                out.append(Identifier(value=v, kind="person", source="identity_column", aliases=parts))
        elif col.identity_kind == "contact" or (col.identity_kind in ("email", "phone") and
                                                not (C.CONTACT_EMAIL.fullmatch(v) or C.CONTACT_PHONE.fullmatch(v))):
            out.extend(_contact_identifiers(v))   # "Raj Malhotra, 0421 654 987": each part
        elif col.identity_kind in ("email", "phone", "org", "place"):
            out.append(Identifier(value=v, kind=col.identity_kind, source="identity_column"))
        elif col.name_part != "machine":
            out.append(Identifier(value=v, kind="other", source="identity_column"))
    if first and last:
        out.append(Identifier(value=f"{first} {last}", kind="person", source="identity_column", aliases=(first, last)))
    elif first or last:
        out.append(Identifier(value=first or last, kind="person", source="identity_column"))
    return out


def question_columns(source: Source) -> list[dict]:
    """The columns of a survey file a person can name as open questions: ``{"id", "letter",
    "question"}`` for each, from its header rows. A workbook's are those of every sheet its answers
    are read from (:func:`_answer_sheets`, :func:`_sheet_samples`: what :func:`read_survey` reads,
    so a sheet after a cover or README sheet too), each with its ``sheet`` when there are several.
    Their ``id`` is what ``open_questions`` takes (as in copquotes.yaml)."""
    path = source.path
    check_not_empty(path)
    vendor = _VENDOR.get(source.format)
    if source.format.endswith("_xlsx"):
        samples = _sheet_samples(source, _answer_sheets(source)[0], HEADER_SCAN_ROWS)
    else:
        head = decode_head(path)
        delimiter = "\t" if source.meta.get("delimiter") == "tab" else (source.meta.get("delimiter")
                                                                       or sniff_delimiter(head))
        samples = {None: _sample(iter_csv_rows(path, detect_encoding(path), delimiter), HEADER_SCAN_ROWS)}
    out = []
    for sheet, rows in samples.items():
        layout = parse_layout(rows[:HEADER_SCAN_ROWS], None if vendor == "plain" else vendor)
        out += [{"id": c.id, "letter": col_letter(c.index), "question": c.question,
                 **({"sheet": sheet} if len(samples) > 1 else {})} for c in layout.columns]
    return out
