"""Reviewers' decisions and edits, with an audit trail and optimistic concurrency.

Every change a reviewer makes goes through this module and lands in the workspace
database in one transaction, together with a row in ``decisions`` saying who did
what, when, and the record before and after.

Two reviewers at once never overwrite each other silently: every quote row has a
``version``; a save names the version the reviewer saw (``expected_version``) and
is refused with :class:`QuoteConflict` (a :class:`~copquotes.errors.ConflictError`)
when someone else saved first. The refused change is not lost: it is kept in
``decisions`` (action ``conflict_refused``) and returned on the exception, so the
app can show it next to the newer version.

Quote statuses: ``pending`` -> ``approved`` | ``rejected`` | ``edited`` (edited by
a reviewer, not yet approved). ``reset`` takes a quote back to ``pending``. A
reviewer's edited text lives in ``quotes.edited_text`` (nothing else writes it) beside the
anonymised span (``quotes.text``), the quotes stage's suggested light edit of it
(``quotes.suggested_text``) and the verbatim span (``quotes.verbatim``). The text a quote
shows and publishes is the first there is of the edit, the suggestion and the span
(:func:`shown_text`).

Unit-level changes (redactions, theme labels) bump a workspace change counter
(``meta.review_changes``) so the app's caches notice them; a change that adds or removes a
quote's flags (an undone redaction, an edit raising a risk) bumps ``meta.flag_changes`` too, the
key of the app's list of flag kinds (:func:`bump_flag_changes`).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import functools
import json
import logging
import re
import threading
from typing import Iterable

from .disclosure import PLACEHOLDERS, UNSAFE_EDIT, mask_names, name_pattern, new_words, placeholder  # noqa: F401
from .disclosure import PLACEHOLDER_RE, added_hidden_words, edit_hidden_words
from .disclosure import redact_span as _redact_span
from .disclosure import surface_key as _surface_key  # noqa: F401
from . import themescores
from .errors import ConfigError, ConflictError, CopquotesError, WorkspaceError

log = logging.getLogger(__name__)

STATUSES = ("pending", "approved", "rejected", "edited")
REDACTION_KINDS = ("person", "org", "place", "email", "phone", "url", "handle", "contact", "other")
MAX_REVIEWER_LEN = 80
_SNAPSHOT_FIELDS = ("status", "text", "edited_text", "suggested_text", "themes_json", "flags_json", "version",
                    "updated_at", "updated_by")


def shown_text(row: dict) -> str:
    """The text a stored quote row shows and publishes: a reviewer's edit, else the quotes
    stage's suggested light edit, else the anonymised span."""
    return row.get("edited_text") or row.get("suggested_text") or row.get("text") or ""


class QuoteConflict(ConflictError):
    """A save refused because the quote changed since the reviewer loaded it.

    ``current`` is the quote as it is now (a dict), ``attempted`` the refused
    change (``{"action": ..., "edited_text": ..., ...}``): show both, nothing is lost.
    """

    def __init__(self, message: str, quote_id: str, expected_version: int, current: dict | None,
                 attempted: dict):
        super().__init__(message)
        self.quote_id = quote_id
        self.expected_version = expected_version
        self.current = current
        self.attempted = attempted


class UnsafeEditError(CopquotesError):
    """An edit would bring back text that was redacted as an identifier.

    The message is the same for every refusal. ``words``: the reviewer's own typed words the
    check stopped at that it found from what the reviewer sees (new name-like words, contact
    details), safe to show back to anyone; ``hidden_words``: those it found only by comparing with
    hidden text (redactions, known names, words hidden elsewhere), for a reviewer who may see
    the originals only."""

    def __init__(self, message: str, words=(), hidden_words=()):
        super().__init__(message)
        self.words = list({w.casefold(): w for w in reversed(list(words))}.values())[::-1]
        seen = {w.casefold() for w in self.words}
        self.hidden_words = [w for w in dict.fromkeys(hidden_words) if w.casefold() not in seen]


# ---------------------------------------------------------------------------------- helpers
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def one_line_name(value, what: str, limit: int, missing: str) -> str:
    """``value`` on one line with single spaces; :class:`ConfigError` when it is empty
    (``missing`` says what to give) or longer than ``limit`` characters."""
    name = " ".join(str(value or "").split())
    if not name:
        raise ConfigError(missing)
    if len(name) > limit:
        raise ConfigError(f"a {what} has at most {limit} characters")
    return name


def check_reviewer(reviewer) -> str:
    """A reviewer name: non-empty, one line, at most 80 characters."""
    return one_line_name(reviewer, "reviewer name", MAX_REVIEWER_LEN,
                         "give a reviewer name (who is making this decision)")


def bump_changes(conn) -> None:
    """Bump the workspace change counter the app's caches are keyed on (inside a transaction)."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('review_changes', '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def bump_flag_changes(conn) -> None:
    """Bump the counter of reviewers' writes that add or remove a quote's flags (inside a
    transaction): the app keeps its list of flag kinds to filter on until it changes."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('flag_changes', '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def change_counter(ws) -> int:
    row = ws.conn.execute("SELECT value FROM meta WHERE key = 'review_changes'").fetchone()
    return int(row[0]) if row else 0


def _quote_row(conn, quote_id: str) -> dict | None:
    row = conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (quote_id,)).fetchone()
    return dict(row) if row else None


def _snapshot(row: dict | None) -> dict | None:
    if row is None:
        return None
    snap = {k: row.get(k) for k in _SNAPSHOT_FIELDS}
    snap["themes"] = json.loads(snap.pop("themes_json") or "[]")
    snap["flags"] = json.loads(snap.pop("flags_json") or "[]")
    return snap


def _log_decision(conn, quote_id: str, reviewer: str, action: str, before, after, reason=None,
                  at: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
        " VALUES (?,?,?,?,?,?,?)",
        (quote_id, reviewer, action,
         None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
         None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
         reason, at or _now()),
    )
    return cur.lastrowid


def _readable_time(stamp: str | None) -> str:
    """A stored ISO time as a person reads it, "14:05:09 UTC on 8 Dec 2026" (the stored text itself
    when it is no ISO time; "a moment ago" when there is none)."""
    if not stamp:
        return "a moment ago"
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if t.tzinfo is not None:
        t = t.astimezone(_dt.timezone.utc)
    return f"{t:%H:%M:%S} UTC on {t.day} {t:%b %Y}"


def _describe_change(expected: int, row: dict) -> str:
    who = row.get("updated_by") or "someone"
    when = _readable_time(row.get("updated_at"))
    return (f"{who} changed this quote at {when} (it is now '{row.get('status')}', version "
            f"{row.get('version')}; you loaded version {expected})")


def _update_quote(ws, quote_id: str, reviewer: str, expected_version, action: str, changes: dict,
                  reason: str | None = None, attempted: dict | None = None,
                  extra_decisions: Iterable[tuple[str, str | None]] = (), also=None, basis=None) -> dict:
    """Apply ``changes`` to one quote if its version is still ``expected_version``.

    One transaction: the check, the update (version + 1) and the decision rows.
    On a version mismatch the refused change is stored as a ``conflict_refused``
    decision and :class:`QuoteConflict` is raised. ``basis``: what a check of the change read
    of the quote's unit (:func:`_unit_basis`), before the transaction; when the unit reads
    otherwise in it, the change is refused the same way.
    """
    reviewer = check_reviewer(reviewer)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ConfigError("expected_version must be the quote's version number as loaded") from None
    attempted = dict(attempted or changes)
    attempted["action"] = action
    if reason:
        attempted["reason"] = reason
    conflict: QuoteConflict | None = None
    if _quote_row(ws.conn, quote_id) is None:     # an unknown id: refused before any write
        raise QuoteConflict(f"not saved: quote {quote_id} no longer exists or never did in this workspace (the "
                            "quotes stage was re-run, quote consent was withdrawn, or the id is mistyped): list "
                            "the quotes again", quote_id, expected, None, attempted)
    with ws.transaction() as conn:
        row = _quote_row(conn, quote_id)
        gated = row is not None and conn.execute(
            "SELECT 1 FROM quotable_units WHERE unit_id = ?", (row["unit_id"],)).fetchone() is not None
        if row is None or not gated:
            raise QuoteConflict(f"not saved: quote {quote_id} no longer exists (the quotes stage was re-run or "
                                "quote consent was withdrawn): list the quotes again", quote_id, expected,
                                _snapshot(row), attempted)
        elif int(row["version"]) != expected or (basis is not None and _unit_basis(conn, row["unit_id"]) != basis):
            # neutral wording: the app or the CLI adds its own advice (the exception keeps current/attempted)
            msg, why = _refusal(expected, row)
            _log_decision(conn, quote_id, reviewer, "conflict_refused", _snapshot(row), attempted, reason=why)
            bump_changes(conn)
            conflict = QuoteConflict(msg, quote_id, expected, _snapshot(row), attempted)
        else:
            now = _now()
            sets = dict(changes)
            sets["version"] = expected + 1
            sets["updated_at"] = now
            sets["updated_by"] = reviewer
            cols = ", ".join(f"{k} = ?" for k in sets)
            cur = conn.execute(f"UPDATE quotes SET {cols} WHERE quote_id = ? AND version = ?",
                               (*sets.values(), quote_id, expected))
            if cur.rowcount != 1:  # pragma: no cover - BEGIN IMMEDIATE makes this impossible
                raise WorkspaceError(f"quote {quote_id} changed while saving: load it again")
            after = _quote_row(conn, quote_id)
            if also is not None:
                also(conn, after)
            _log_decision(conn, quote_id, reviewer, action, _snapshot(row), _snapshot(after), reason, now)
            for extra_action, extra_reason in extra_decisions:
                _log_decision(conn, quote_id, reviewer, extra_action, _snapshot(row), _snapshot(after),
                              extra_reason, now)
            bump_changes(conn)
            if "flags_json" in changes:
                bump_flag_changes(conn)
    if conflict is not None:
        raise conflict
    return after


def _refusal(expected: int, row: dict) -> tuple[str, str]:
    """The message of a change refused as a conflict, and the reason its audit row keeps."""
    if int(row["version"]) != expected:
        return ("not saved: " + _describe_change(expected, row) + ". Load the quote again to see their version; "
                "your change is kept in the audit trail.", f"expected version {expected}, found {row['version']}")
    return ("not saved: the text or the redactions of this quote's answer changed while your change was checked "
            "(a colleague redacted words in it, or its file was read again). Load the quote again to see them; "
            "your change is kept in the audit trail.", "the quote's unit changed while the change was checked")


def _unit_basis(conn, unit_id: str) -> tuple | None:
    """What checking an edit reads of the quote's unit: its text and file, its anonymised text,
    its active redactions and its file's known identifiers (``None``: no such unit)."""
    unit = conn.execute("SELECT u.text, u.file_id, a.text FROM units u LEFT JOIN anon a ON a.unit_id = u.unit_id"
                        " WHERE u.unit_id = ?", (unit_id,)).fetchone()
    if unit is None:
        return None
    names = conn.execute("SELECT kind, value, aliases_json FROM file_identifiers WHERE file_id = ?"
                         " ORDER BY kind, value, aliases_json",
                         (unit[1],)).fetchall()
    return tuple(unit), tuple(_active_redactions(conn, unit_id)), tuple(tuple(n) for n in names)


# ---------------------------------------------------------------------------------- decisions
def _check_anonymised(ws, quote_id: str) -> None:
    row = ws.conn.execute(
        "SELECT q.unit_id, EXISTS (SELECT 1 FROM anon a WHERE a.unit_id = q.unit_id) FROM quotes q"
        " WHERE q.quote_id = ?", (quote_id,)).fetchone()
    if row is not None and not row[1]:
        raise WorkspaceError(f"quote {quote_id} comes from text the anonymise stage has not processed: run "
                             f"'copquotes analyse --workspace {ws.path}' before approving it")


def approve(ws, quote_id: str, reviewer: str, expected_version: int) -> dict:
    """Approve a quote for publication (its edited text, if any, is what gets published).
    Only anonymised text can be approved."""
    _check_anonymised(ws, quote_id)
    return _update_quote(ws, quote_id, reviewer, expected_version, "approve", {"status": "approved"})


def reject(ws, quote_id: str, reviewer: str, reason: str, expected_version: int) -> dict:
    """Reject a quote; a reason is required (it teaches the ranking and tells colleagues why)."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ConfigError("give a reason for rejecting the quote (e.g. 'identifying detail', 'not on theme')")
    return _update_quote(ws, quote_id, reviewer, expected_version, "reject", {"status": "rejected"},
                         reason=reason)


def reset(ws, quote_id: str, reviewer: str, expected_version: int) -> dict:
    """Take a quote back to ``pending`` (undo an approval or rejection)."""
    return _update_quote(ws, quote_id, reviewer, expected_version, "reset", {"status": "pending"})


def decide_many(ws, action: str, seen: dict, reviewer: str, reason: str | None = None) -> dict:
    """Approve or reject several quotes at once (the app's "Select several" table), each at the
    status and version the reviewer saw it at (``seen``: ``{quote id: (status, version)}``).

    A quote a colleague changed since is refused as a single decision would be (a
    ``conflict_refused`` row in its audit trail), never overwritten, even when the colleague took it
    to the same status; one that already had the status as seen is left as it is. Returns
    ``{"done": [ids], "already": [ids], "refused": {id: QuoteConflict}, "failed": {id: message}}``."""
    target = {"approve": "approved", "reject": "rejected"}.get(action)
    if target is None:
        raise ConfigError(f"unknown action {action!r}: approve or reject")
    out: dict = {"done": [], "already": [], "refused": {}, "failed": {}}
    for qid, (status, version) in seen.items():
        try:
            if status == target:
                row = _quote_row(ws.conn, qid)
                if row is not None and int(row["version"]) == int(version):
                    out["already"].append(qid)
                    continue
            if action == "approve":
                approve(ws, qid, reviewer, version)
            else:
                reject(ws, qid, reviewer, reason, version)
            out["done"].append(qid)
        except QuoteConflict as exc:
            out["refused"][qid] = exc
        except CopquotesError as exc:
            out["failed"][qid] = str(exc)
    return out


def edit(ws, quote_id: str, reviewer: str, new_text: str, expected_version: int, *,
         approve: bool = False, reason: str | None = None) -> dict:
    """Store a reviewer's edit beside the verbatim and anonymised text.

    The status becomes ``edited`` (or ``approved`` with ``approve=True``). The
    edit may not bring back text that was redacted as an identifier
    (:class:`UnsafeEditError`): keep the placeholder, or undo the redaction.
    """
    text = str(new_text or "").strip()
    if not text:
        raise ConfigError("the edited text is empty: type the text to publish, or reject the quote")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    row = _quote_row(ws.conn, quote_id)
    changes = {"edited_text": text}
    basis = None
    if row is not None:
        basis = _unit_basis(ws.conn, row["unit_id"])     # read first: a change during the check refuses the save
        _check_no_redacted_text(ws, row, text)
        risks = edit_risk_flags(text, shown_text(row))
        if risks:       # a new quasi-identifier: held until a reviewer approves it on purpose
            changes["flags_json"] = json.dumps(json.loads(row.get("flags_json") or "[]") + risks)
            approve = False
    if approve:
        _check_anonymised(ws, quote_id)
    status = changes["status"] = "approved" if approve else "edited"
    extra = [("approve", None)] if approve else []
    return _update_quote(ws, quote_id, reviewer, expected_version, "edit", changes, reason=reason,
                         attempted={"edited_text": text, "status": status}, extra_decisions=extra, basis=basis)


def set_themes(ws, quote_id: str, reviewer: str, themes: Iterable[str], expected_version: int,
               offered: Iterable[str] | None = None, listed_under: str | None = None) -> dict:
    """Set the themes of a quote. Kept themes keep their scores; added ones get score 1.0
    with ``"source": "reviewer"``, and so does a scored theme the quote was not tagged with
    (:func:`copquotes.themescores.labelled_themes`) that the reviewer chose. Each added /
    removed theme is also stored as a reviewer label of the quote's unit in ``theme_labels``
    (the tagger learns from it).

    ``offered``: the themes the reviewer chose from (the app's editor starts from the quote's
    tagged themes); a scored theme not among them is left as it is, neither removed nor
    labelled, since the reviewer never saw it. Default: every scored theme was there to keep.

    ``listed_under``: the theme the editor's quote was listed under (the app's Quotes page filtered
    on it), which the quote shows although its unit is not tagged with it
    (:func:`copquotes.themescores.labelled_themes`): kept, it stays as it was (no label); taken
    off, it is removed as any other theme (the unit labelled not about it), so the quote leaves
    that theme's lists.
    """
    wanted = []
    for t in themes:
        t = str(t).strip()
        if t and t not in wanted:
            wanted.append(t)
    row = _quote_row(ws.conn, quote_id)
    old = json.loads(row["themes_json"] or "[]") if row else []
    old_scores = {t.get("theme"): t for t in old}
    known = set(known_themes(ws))
    unknown = [t for t in wanted if known and t not in known and t not in old_scores]
    if unknown:
        raise ConfigError(f"unknown theme {unknown[0]!r}: choose from {', '.join(sorted(known))}")
    unit = row["unit_id"] if row else ""
    tagged, denied = themescores.labels_and_not_about(ws, [unit])
    shown = {t["theme"] for t in themescores.labelled_themes(old, tagged.get(unit, {}), listed_under,
                                                             denied.get(unit, ()))}
    new = []
    for t in wanted:
        if t in shown:
            new.append(dict(old_scores[t]))
        else:   # added, or scored but not tagged until now
            new.append({"theme": t, "score": 1.0, **old_scores.get(t, {}), "source": "reviewer"})
    added = [t for t in wanted if t not in shown]
    offered = set(old_scores) if offered is None else {str(t).strip() for t in offered}
    removed = [t for t in old_scores if t not in wanted and t in offered]
    new += [dict(old_scores[t]) for t in old_scores if t and t not in wanted and t not in offered]
    new.sort(key=lambda t: -(t.get("score") or 0))
    name = check_reviewer(reviewer)

    def store_labels(conn, after_row):
        now = _now()
        for t, lab in [(t, 1) for t in added] + [(t, 0) for t in removed]:
            conn.execute(
                "INSERT OR REPLACE INTO theme_labels(unit_id, theme, label, reviewer, at) VALUES (?,?,?,?,?)",
                (after_row["unit_id"], t, lab, name, now))

    return _update_quote(ws, quote_id, reviewer, expected_version, "set_themes",
                         {"themes_json": json.dumps(new)}, attempted={"themes": wanted}, also=store_labels)


def label_theme(ws, unit_id: str, theme: str, label: int | bool, reviewer: str) -> None:
    """A reviewer's correction of a theme tag on a unit (1 = about the theme, 0 = not)."""
    reviewer = check_reviewer(reviewer)
    if label not in (0, 1, True, False):
        raise ConfigError("a theme label is 1 (the unit is about the theme) or 0 (it is not)")
    theme = str(theme).strip()
    known = set(known_themes(ws))
    if known and theme not in known:
        raise ConfigError(f"unknown theme {theme!r}: choose from {', '.join(sorted(known))}")
    with ws.transaction() as conn:
        if conn.execute("SELECT 1 FROM units WHERE unit_id = ?", (unit_id,)).fetchone() is None:
            raise WorkspaceError(f"no unit {unit_id} in this workspace: load the quotes again")
        conn.execute(
            "INSERT OR REPLACE INTO theme_labels(unit_id, theme, label, reviewer, at) VALUES (?,?,?,?,?)",
            (unit_id, theme, int(bool(label)), reviewer, _now()))
        bump_changes(conn)


@functools.lru_cache(maxsize=4)
def _codebook_themes(path: str, mtime: float) -> tuple:
    from .themes import Codebook

    return tuple((str(t.id), str(getattr(t, "label", None) or t.id),
                  str(getattr(t, "definition", None) or getattr(t, "description", None) or ""))
                 for t in Codebook.load(path).themes)


def codebook_themes() -> tuple:
    """``(id, label, definition)`` of the default codebook's themes (read once per change of the file)."""
    try:
        from .themes import default_codebook_path

        path = default_codebook_path()
        return _codebook_themes(str(path), path.stat().st_mtime)
    except (ImportError, CopquotesError, OSError) as exc:
        log.debug("no codebook: %s", exc)
        return ()


def theme_catalogue(ws) -> list[tuple[str, str]]:
    """``(id, label)`` of the codebook's themes, then any other theme present in the workspace."""
    out: dict[str, str] = {tid: label for tid, label, _ in codebook_themes()}
    for t in themescores.themes(ws):
        out.setdefault(t, t)
    if not out:  # no codebook and no tags: the themes the quotes carry
        for (t,) in ws.conn.execute(
                "SELECT DISTINCT json_extract(j.value, '$.theme') FROM quotes q, json_each(q.themes_json) j"):
            if t:
                out.setdefault(t, t)
    return list(out.items())


def resolve_theme(ws, theme: str) -> str:
    """The id of ``theme``: a theme id of the workspace's catalogue (:func:`theme_catalogue`), or a
    theme's label matched case-insensitively ("Reflective practice" -> ``reflective_practice``);
    :class:`ConfigError` naming the ids else. The interfaces (``copquotes quotes --theme``,
    ``Result.quotes(theme=)``) call it before they list."""
    catalogue = theme_catalogue(ws)
    if any(theme == tid for tid, _ in catalogue):
        return theme
    want = " ".join(str(theme).split()).casefold()
    for tid, label in catalogue:
        if want in (tid.casefold(), " ".join(label.split()).casefold()):
            return tid
    if ws.conn.execute("SELECT 1 FROM quotes q, json_each(q.themes_json) j"
                       " WHERE json_extract(j.value, '$.theme') = ? LIMIT 1", (theme,)).fetchone():
        return theme   # a theme a stored quote carries
    if not catalogue:
        raise ConfigError(f"unknown theme {theme!r}: this workspace has no themes yet "
                          "(run copquotes analyse on it first)")
    raise ConfigError(f"unknown theme {theme!r}: use a theme id ({', '.join(t for t, _ in catalogue)}) "
                      "or its label")


def known_themes(ws) -> list[str]:
    """Theme ids of the codebook plus any theme present in the workspace."""
    return [t for t, _ in theme_catalogue(ws)]


def history(ws, quote_id: str) -> list[dict]:
    """The audit trail of one quote (oldest first)."""
    rows = ws.conn.execute(
        "SELECT id, reviewer, action, before_json, after_json, reason, at FROM decisions"
        " WHERE quote_id = ? ORDER BY at, id", (quote_id,)).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["before"] = json.loads(d.pop("before_json") or "null")
        d["after"] = json.loads(d.pop("after_json") or "null")
        out.append(d)
    return out


# ---------------------------------------------------------------------------------- diffs
_TOKEN = re.compile(r"\s+|[^\s]+")


def diff_words(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff: a list of ``(op, text)`` with op ``=`` (same), ``-`` (removed), ``+`` (added)."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", "".join(b[j1:j2])))
    return out


def format_diff(before: str, after: str) -> str:
    """A plain-text word diff in ``git diff --word-diff`` style: ``[-removed-]{+added+}``."""
    parts = []
    for op, text in diff_words(before, after):
        if op == "=":
            parts.append(text)
        elif op == "-":
            parts.append(f"[-{text}-]")
        else:
            parts.append(f"{{+{text}+}}")
    return "".join(parts)


# ---------------------------------------------------------------------------------- redactions
def render_redacted(text: str, spans, start: int = 0, end: int | None = None) -> str:
    """The anonymised text of ``text[start:end]`` given redaction spans of the whole text
    (``(start, end, kind[, source])``): the disclosure layer's rendering, no model."""
    return _redact_span(text, spans, start, end)


def _active_redactions(conn, unit_id: str) -> list[tuple[int, int, str, str]]:
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(
        'SELECT start, "end", kind, source FROM redactions WHERE unit_id = ? AND status != \'undone\''
        ' ORDER BY start, "end"', (unit_id,))]


def _check_no_redacted_text(ws, quote_row: dict, text: str) -> None:
    """Refuse an edit that brings back a redacted string or a known name. The refusal's message
    never says which kind or which placeholder, and names (in :class:`UnsafeEditError`'s
    ``words``) only what the check found from text the reviewer sees: a reviewer who may not see
    the original cannot use the edit form to test guesses. What was found only against hidden
    text is in ``hidden_words``, for a reviewer who may see the originals."""
    # the text and the file of the unit in one read: a re-ingest may replace the unit meanwhile
    # (a unit gone here, or by the save, makes the save a QuoteConflict: the quote no longer exists)
    unit = ws.conn.execute("SELECT text, file_id FROM units WHERE unit_id = ?", (quote_row["unit_id"],)).fetchone()
    if unit is None:
        return
    from .anonymise import DEFAULT_ALLOW

    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (quote_row["unit_id"],)).fetchone()
    visible = " ".join(str(x or "") for x in (anon[0] if anon else "", quote_row.get("text"),
                                                quote_row.get("suggested_text"), quote_row.get("edited_text")))
    shown = new_words(text, visible, DEFAULT_ALLOW) + _added_contacts(text, visible)
    hidden = [w for w in added_hidden_words(text, visible, edit_hidden_words(ws)) if not _ordinary_word(w)]
    names = name_pattern(ws.conn, unit[1])
    if names is not None:
        hidden += [m.group() for m in names.finditer(text)]
    for s, e, kind, src in _active_redactions(ws.conn, quote_row["unit_id"]):
        surface = unit[0][s:e].strip()
        if len(surface) >= 2:
            hidden += [m.group() for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text, flags=re.I)]
    if shown or hidden:
        raise UnsafeEditError(UNSAFE_EDIT, words=shown, hidden_words=hidden)


def _ordinary_word(word: str) -> bool:
    """An English word (WordNet, as the spaCy model's lemmatizer ships it, or an inflection of one)
    that is a verb, adjective or adverb, or a noun that is no census first name and no surname the
    model never met in lower case: "community", "better", "hope", "grace", "college" are ordinary;
    "sharma", "daniel", "fitzgerald" are names."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from .anonymise import english_words, first_names, last_names, model_words

    if word in STOP_WORDS or word in _IRREGULAR_PLURALS:
        return True
    eng = english_words()
    lemma = next((w for w in (word, *_stems(word)) if w in eng["any"]), None)
    if lemma is None:
        return False
    if lemma in eng["vaa"]:
        return True
    # the census lists "college" and "session" among its surnames: a surname that the spaCy model met
    # in lower case in its training text is an ordinary word too; a first name never is
    return lemma not in first_names() and (lemma not in last_names() or lemma in model_words())


_IRREGULAR_PLURALS = frozenset("women men children people feet teeth".split())


def _stems(word: str) -> list[str]:
    """``word`` without a plural or verb ending ("services" -> "service", "meetings" -> "meeting")."""
    out = []
    for suf, rep in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            out.append(word[: -len(suf)] + rep)
    return out


# what the redactor's pattern recognisers find that an edit may never add: contact details and identifiers
CONTACT_KINDS = frozenset({"email", "phone", "url", "handle", "contact", "other"})
_PATTERNS: list = []
_PATTERNS_LOCK = threading.Lock()


def _pattern_redactor():
    """The redactor without its language model (patterns, lists, known names): loaded once (a
    save waits for a load under way, :func:`warm_edit_check`, rather than loading it again)."""
    with _PATTERNS_LOCK:
        if not _PATTERNS:
            from .anonymise import Redactor

            _PATTERNS.append(Redactor(use_ner=False))
    return _PATTERNS[0]


def edit_check_ready() -> bool:
    """Whether what an edit's check loads once per process is loaded."""
    return bool(_PATTERNS)


def warm_edit_check() -> None:
    """Load what the first edit's check loads (the pattern redactor with its name lists and
    spaCy's tokenizer, the risk flags): some seconds once per process, paid by a reviewer's
    first save otherwise. The app calls it in the background when it draws an edit box."""
    from .anonymise import risk_flags

    _pattern_redactor()
    risk_flags("")


def _added_contacts(text: str, visible: str) -> list[str]:
    """The contact details and identifier numbers of ``text`` that ``visible`` does not show (a phrase
    singling out one person is no contact: an edit adding one is held, :func:`edit_risk_flags`)."""
    seen = " ".join(PLACEHOLDER_RE.sub(" ", visible or "").casefold().split())
    return [text[sp.start:sp.end] for sp in _pattern_redactor().analyze(text)
            if sp.kind in CONTACT_KINDS and sp.source != "quasi_identifier"
            and " ".join(text[sp.start:sp.end].casefold().split()) not in seen]


def edit_risk_flags(text: str, visible: str) -> list[dict]:
    """Risk flags (:func:`copquotes.anonymise.risk_flags`) the edit ``text`` raises that its
    ``visible`` text did not ("the only Aboriginal teacher at my school"), as hold flags:
    such an edit is held for a reviewer's approval."""
    from .anonymise import risk_flags

    before = {(f.kind, f.reason) for f in risk_flags(visible or "")}
    return [{"kind": f.kind, "start": None, "end": None, "severity": "hold", "source": "edit",
             "reason": f"the edit adds: {f.reason}"}
            for f in risk_flags(text) if (f.kind, f.reason) not in before and f.severity == "hold"]


def redactions(ws, unit_id: str, with_original: bool = False) -> list[dict]:
    """The redactions of a unit (all statuses); the original text only when asked."""
    text_row = ws.conn.execute("SELECT text FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    out = []
    for r in ws.conn.execute(
            'SELECT rowid, start, "end", kind, source, status FROM redactions WHERE unit_id = ?'
            ' ORDER BY start, "end"', (unit_id,)):
        d = {"id": r[0], "start": r[1], "end": r[2], "kind": r[3], "source": r[4], "status": r[5],
             "placeholder": placeholder(r[3], r[4])}
        if with_original and text_row is not None:
            d["original"] = text_row[0][r[1]:r[2]]
        out.append(d)
    return out


def add_redaction(ws, unit_id: str, start: int, end: int, kind: str, reviewer: str) -> dict:
    """Redact ``units.text[start:end]`` of a unit (status ``manual``), then recompute the
    unit's anonymised text and the texts of its quotes. Returns a summary."""
    reviewer = check_reviewer(reviewer)
    kind = _redaction_kind(kind)
    with ws.transaction() as conn:
        text = _unit_text(conn, unit_id)
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(text):
            raise ConfigError(f"redaction {start}-{end} is outside the unit's text (0-{len(text)})")
        conn.execute(
            'INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?,?,?,?,?,?)',
            (unit_id, start, end, kind, f"reviewer:{reviewer}", "manual"))
        return _recompute_unit(conn, unit_id, text, reviewer, "redaction_add",
                               {"start": start, "end": end, "kind": kind})


def redact_text(ws, unit_id: str, needle: str, kind: str, reviewer: str, *,
                allow_hidden: bool = False) -> int:
    """Redact every occurrence of ``needle`` in a unit (whole words, any case).

    ``needle`` must be visible in the unit's anonymised text (a reviewer cannot
    probe redacted text by guessing) unless ``allow_hidden`` (reviewers allowed to
    see the original). Returns how many spans were added. The unit is read in the write
    transaction: a unit a re-ingest or a removal took away meanwhile is a
    :class:`~copquotes.errors.WorkspaceError` saying to load the quotes again, nothing written.
    """
    needle = str(needle or "").strip()
    if len(needle) < 2:
        raise ConfigError("type at least two characters of the text to redact")
    reviewer = check_reviewer(reviewer)
    kind = _redaction_kind(kind)
    with ws.transaction() as conn:
        text = _unit_text(conn, unit_id)
        if not allow_hidden:
            _check_visible(conn, unit_id, needle)
        spans = _unredacted_matches(conn, unit_id, text, needle)
        conn.executemany(
            'INSERT INTO redactions(unit_id, start, "end", kind, source, status) VALUES (?,?,?,?,?,?)',
            [(unit_id, s, e, kind, f"reviewer:{reviewer}", "manual") for s, e in spans])
        _recompute_unit(conn, unit_id, text, reviewer, "redaction_add",
                        {"spans": [list(s) for s in spans], "kind": kind})
    return len(spans)


def _redaction_kind(kind) -> str:
    kind = str(kind or "other").lower()
    if kind not in REDACTION_KINDS:
        raise ConfigError(f"unknown redaction kind {kind!r}: choose from {', '.join(REDACTION_KINDS)}")
    return kind


def _check_visible(conn, unit_id: str, needle: str) -> None:
    """:class:`ConfigError` unless ``needle`` shows in the unit's anonymised text."""
    anon = conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id,)).fetchone()
    if not re.search(re.escape(needle), anon[0] if anon else "", flags=re.I):
        raise ConfigError("that text does not occur in the unit's anonymised text: copy it from the text shown")


def _unredacted_matches(conn, unit_id: str, text: str, needle: str) -> list[tuple[int, int]]:
    """The whole-word matches of ``needle`` in ``text`` no active redaction covers (at least one)."""
    active = _active_redactions(conn, unit_id)
    spans = [(m.start(), m.end())
             for m in re.finditer(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text, flags=re.I)
             if not any(s <= m.start() and m.end() <= e for s, e, *_ in active)]
    if not spans:
        raise ConfigError("that text is already redacted (or not found as whole words) in this unit")
    return spans


def undo_redaction(ws, unit_id: str, start: int, end: int, reviewer: str) -> dict:
    """Undo the redaction(s) at exactly ``start``-``end`` (status ``undone``), then recompute."""
    reviewer = check_reviewer(reviewer)
    with ws.transaction() as conn:
        text = _unit_text(conn, unit_id)
        cur = conn.execute(
            'UPDATE redactions SET status = \'undone\' WHERE unit_id = ? AND start = ? AND "end" = ?'
            " AND status != 'undone'", (unit_id, int(start), int(end)))
        if cur.rowcount == 0:
            raise ConfigError(f"no active redaction at {start}-{end} in this unit: load the unit again")
        return _recompute_unit(conn, unit_id, text, reviewer, "redaction_undo",
                               {"start": int(start), "end": int(end)})


def _unit_text(conn, unit_id: str) -> str:
    row = conn.execute("SELECT text FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        raise WorkspaceError(f"no unit {unit_id} in this workspace: load the quotes again")
    return row[0]


def _name_pattern(conn, unit_id: str):
    fid = conn.execute("SELECT file_id FROM units WHERE unit_id = ?", (unit_id,)).fetchone()[0]
    return name_pattern(conn, fid)


def _mask_names(text: str, pattern) -> tuple[str, bool]:
    if pattern is None:
        return text, False
    masked = mask_names(text, pattern)
    return masked, masked != text


def _redact_edit(edited: str | None, text: str, reds, q: dict, pattern) -> str | None:
    """An edit (or suggested edit) of quote row ``q`` with every redaction of ``reds`` over its
    span hidden in it (each redacted surface of the unit ``text`` replaced by its placeholder)
    and known names masked."""
    if not edited:
        return edited
    for s, e, kind, src in reds:
        if s < q["end"] and q["start"] < e:
            surface = text[s:e].strip()
            if len(surface) >= 2:
                edited = re.sub(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", placeholder(kind, src), edited,
                                flags=re.I)
    return _mask_names(edited, pattern)[0]


def _recompute_unit(conn, unit_id: str, text: str, reviewer: str, action: str, detail: dict) -> dict:
    """Recompute ``anon`` and the unit's quote texts after a redaction change (in a transaction)."""
    reds = _active_redactions(conn, unit_id)
    before_anon = conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id,)).fetchone()
    new_anon = render_redacted(text, reds)
    conn.execute("INSERT OR REPLACE INTO anon(unit_id, text) VALUES (?, ?)", (unit_id, new_anon))
    now = _now()
    _log_decision(conn, f"unit:{unit_id}", reviewer, action,
                  {"anon": before_anon[0] if before_anon else None}, {"anon": new_anon, **detail}, None, now)
    pattern = _name_pattern(conn, unit_id)
    changed = []
    for q in [dict(r) for r in conn.execute("SELECT * FROM quotes WHERE unit_id = ?", (unit_id,))]:
        new_text, residual = _mask_names(render_redacted(text, reds, q["start"], q["end"]), pattern)
        # whatever is redacted now stays redacted in the edit and the suggested edit too
        edited = _redact_edit(q["edited_text"], text, reds, q, pattern)
        suggested = _redact_edit(q.get("suggested_text"), text, reds, q, pattern)
        flags = json.loads(q["flags_json"] or "[]")
        if action == "redaction_undo" and detail["start"] < q["end"] and q["start"] < detail["end"]:
            flags.append({"kind": "redaction_undone", "start": detail["start"], "end": detail["end"],
                          "reason": f"reviewer {reviewer} undid a redaction here", "severity": "warn"})
        flagged = flags != json.loads(q["flags_json"] or "[]")
        if (new_text, edited, suggested) == (q["text"], q["edited_text"], q.get("suggested_text")) and not flagged:
            continue
        if flagged:
            bump_flag_changes(conn)
        conn.execute(
            "UPDATE quotes SET text = ?, edited_text = ?, suggested_text = ?, flags_json = ?, version = version + 1,"
            " updated_at = ?, updated_by = ? WHERE quote_id = ?",
            (new_text, edited, suggested, json.dumps(flags), now, reviewer, q["quote_id"]))
        after = dict(conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (q["quote_id"],)).fetchone())
        _log_decision(conn, q["quote_id"], reviewer, action, _snapshot(q), _snapshot(after), None, now)
        changed.append(q["quote_id"])
        if residual:
            log.debug("masked a residual name in quote %s", q["quote_id"])
    bump_changes(conn)
    return {"unit_id": unit_id, "anon": new_anon, "quotes_changed": changed, "redactions": len(reds)}
