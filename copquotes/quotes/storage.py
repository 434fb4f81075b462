"""Every SQL statement of the quotes stage and of its readers, in one place.

The stage reads its inputs part by part with :func:`load_part`, caches sentence features in
``text_features``, writes ``quotes`` with :func:`upsert_quotes` and ends with
:func:`finish_quotes` (inside the caller's write transactions). The readers (:mod:`copquotes.quotes.readers`) read stored quotes through
``Workspace.quotes_frame`` and the few lookups below.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .. import textsearch, themescores, unitparts
from ..disclosure.placeholders import PLACEHOLDER_RE
from .candidate import Unit

CONFIG_WEIGHTS = "quotes.weights"          # learned weights (written when decisions retrain)

# A quote no reviewer has touched (SQL, on the row ``quotes`` as it is at write time): the
# stage may replace its suggested edit (``suggested_text``; what a reviewer decided on stays) or
# drop it when it is no longer a candidate. ``edited_text`` is a reviewer's: the stage never writes it.
UNTOUCHED_SQL = ("quotes.status = 'pending' AND quotes.version = 1"
                 " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = quotes.quote_id)")


def embedder(ws):
    """The embedder over the workspace's embedding cache (the embed stage filled it)."""
    from ..embed import Embedder

    return Embedder(cache_dir=Path(ws.path) / "embeddings")


# ---------------------------------------------------------------------------------- the stage's inputs
def _grouped(conn, sql: str, params=()) -> dict:
    """``{first column: [rest of the row, ...]}`` as plain tuples (~2x faster than sqlite3.Row)."""
    out: dict = {}
    cur = conn.cursor()
    cur.row_factory = None
    for r in cur.execute(sql, params):
        out.setdefault(r[0], []).append(r[1:])
    return out


_QUOTABLE = ("SELECT u.unit_id, u.file_id, u.position, u.text, u.source_kind, u.grp, u.year, u.question,"
             " u.speaker_key, u.speaker_role, u.extra_json, f.display AS file, f.path AS path, f.meta_json,"
             " a.text AS anon FROM quotable_units u JOIN files f ON f.file_id = u.file_id"
             " LEFT JOIN anon a ON a.unit_id = u.unit_id")
_ORDER = " ORDER BY f.display, u.position"
# every unit (all consent states): what the IDF and representativeness are measured against
_ALL = ("SELECT u.unit_id, u.file_id, u.position, u.text, u.speaker_key, u.speaker_role, f.path AS path"
        " FROM units u JOIN files f ON f.file_id = u.file_id")


def quotable_ids(ws) -> list[str]:
    """The quotable units' ids in the stage's order (file, then position)."""
    return [r[0] for r in ws.conn.execute(
        "SELECT u.unit_id FROM quotable_units u JOIN files f ON f.file_id = u.file_id" + _ORDER)]


def unit_texts(ws):
    """Every unit's text, one at a time (the corpus the IDF is counted over)."""
    cur = ws.conn.cursor()
    cur.row_factory = None
    for (text,) in cur.execute("SELECT u.text FROM units u JOIN files f ON f.file_id = u.file_id"):
        yield text


def reference_units(ws, n_sample: int) -> list[dict]:
    """A seeded sample of at most ``n_sample`` units (all consent states), as rows of
    :func:`load`'s ``all``: the reference representativeness is measured against. Read one row
    at a time, so only the sample is held (the same rows as indexing the whole list)."""
    import numpy as np

    n = ws.conn.execute("SELECT COUNT(*) FROM units u JOIN files f ON f.file_id = u.file_id").fetchone()[0]
    idx = np.arange(n)
    if n > int(n_sample):
        idx = np.sort(np.random.RandomState(0).choice(idx, int(n_sample), replace=False))
    wanted = set(idx.tolist())
    return [dict(r) for i, r in enumerate(ws.conn.execute(_ALL)) if i in wanted]


def identifiers(ws) -> dict:
    """``{file_id: [(value, kind, aliases)]}``: the known identifiers of every file (rosters)."""
    out: dict = {}
    for r in ws.conn.execute("SELECT file_id, value, kind, aliases_json FROM file_identifiers"):
        out.setdefault(r[0], []).append((r[1], r[2], json.loads(r[3] or "[]")))
    return out


def load_part(ws, unit_ids: list[str], *, themes: bool = True) -> dict:
    """What the stage reads for some quotable units (``unit_ids``): the units (``quotable``, as
    :class:`Unit`, in the stage's order), the text of the unit before each in its file
    (``prev_text``: ``{(file_id, position): text}``), their sentences, theme scores, live
    redactions, risk flags and stored quotes (``existing``)."""
    conn = ws.conn
    ids = (json.dumps(list(unit_ids)),)
    sel = "unit_id IN (SELECT value FROM json_each(?))"
    data: dict = {}
    data["quotable"] = [Unit(**dict(r)) for r in conn.execute(
        _QUOTABLE + " WHERE u.unit_id IN (SELECT value FROM json_each(?))" + _ORDER, ids)]
    data["prev_text"] = {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT p.file_id, p.position, p.text FROM units u JOIN units p ON p.file_id = u.file_id"
        " AND p.position = u.position - 1 WHERE u.unit_id IN (SELECT value FROM json_each(?))", ids)}
    data["sentences"] = _grouped(
        conn, f'SELECT unit_id, idx, start, "end" FROM sentences WHERE {sel} ORDER BY unit_id, idx', ids)
    data["sentence_themes"] = unitparts.sentence_themes(ws, unit_ids) if themes else {}
    data["unit_themes"] = {uid: [(r[0], r[1]) for r in rs] for uid, rs in themescores.rows(ws, unit_ids).items()}
    data["redactions"] = _grouped(
        conn, f"SELECT unit_id, start, \"end\", kind FROM redactions WHERE {sel} AND status != 'undone'", ids)
    data["flags"] = _grouped(conn, f'SELECT unit_id, kind, start, "end", reason, severity FROM flags WHERE {sel}', ids)
    data["existing"] = {r["quote_id"]: dict(r) for r in conn.execute(f"SELECT * FROM quotes WHERE {sel}", ids)}
    return data


def load(ws) -> dict:
    """:func:`load_part` of every quotable unit at once, with every unit (``all``) and the known
    identifiers: for benchmarks and fits over a whole workspace (the stage reads part by part)."""
    data = load_part(ws, quotable_ids(ws))
    data["all"] = [dict(r) for r in ws.conn.execute(_ALL)]
    data["identifiers"] = identifiers(ws)
    return data


def quotable_texts(ws, unit_ids: list[str]) -> tuple[list[Unit], dict]:
    """These quotable units (id and text only) and their sentences ``{unit_id: [(idx, start, end)]}``:
    what the sentence features need."""
    ids = (json.dumps(list(unit_ids)),)
    units = [Unit(unit_id=r[0], text=r[1]) for r in ws.conn.execute(
        "SELECT unit_id, text FROM quotable_units WHERE unit_id IN (SELECT value FROM json_each(?))", ids)]
    sentences = _grouped(ws.conn, 'SELECT unit_id, idx, start, "end" FROM sentences'
                                  " WHERE unit_id IN (SELECT value FROM json_each(?)) ORDER BY unit_id, idx", ids)
    return units, sentences


def live_redactions(ws, unit_ids) -> dict:
    """``{unit_id: [(start, end, kind)]}``: the redactions of these units as they are now."""
    return _grouped(ws.conn, 'SELECT unit_id, start, "end", kind FROM redactions WHERE status != \'undone\''
                             " AND unit_id IN (SELECT value FROM json_each(?))", (json.dumps(list(unit_ids)),))


# ---------------------------------------------------------------------------------- sentence features
def cached_features(ws, kind: str, hashes: list[str]) -> dict:
    """``{text hash: stored value}`` of ``text_features`` of this kind."""
    stored: dict = {}
    for i in range(0, len(hashes), 5000):
        chunk = hashes[i:i + 5000]
        for h, value in ws.conn.execute(
                "SELECT text_hash, value_json FROM text_features WHERE kind = ? AND text_hash IN "
                "(SELECT value FROM json_each(?))", (kind, json.dumps(chunk))):
            stored[h] = json.loads(value)
    return stored


def cached_hashes(ws, kind: str, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` have a stored ``text_features`` value of this kind (none is read)."""
    have: set[str] = set()
    for i in range(0, len(hashes), 5000):
        have.update(h for (h,) in ws.conn.execute(
            "SELECT text_hash FROM text_features WHERE kind = ? AND text_hash IN (SELECT value FROM json_each(?))",
            (kind, json.dumps(hashes[i:i + 5000]))))
    return have


def cache_features(ws, kind: str, values: dict) -> None:
    """Store ``{text hash: value (JSON text)}`` in ``text_features``, in transactions of their own
    (2,000 texts each: a reviewer's save waits at most for one)."""
    items = [(h, kind, v) for h, v in values.items()]
    for k in range(0, len(items), 2000):
        with ws.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO text_features(text_hash, kind, value_json) VALUES (?,?,?)",
                          items[k:k + 2000])


# ---------------------------------------------------------------------------------- writing
def upsert_quotes(ws, rows: list[tuple]) -> None:
    """Inside the caller's write transaction: insert the new quotes of ``rows`` and update the
    derived columns of stored ones (a reviewer's status, version, edit and themes are kept, and
    the suggested edit of a quote a reviewer touched,
    decided from the row as it is now). A reviewed quote (not pending) whose attribution or flags
    change (a re-run with other metadata) gets version + 1 and an ``attribution_changed`` audit row
    with both: what a reviewer approved is never changed silently, and a save of the version they
    saw is refused."""
    stored = _reviewed_rows(ws, rows)
    changed = _attribution_changes(stored, rows)
    retexted = _text_changes(stored, rows)
    ws.conn.executemany(
        'INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, suggested_text, score, parts_json,'
        " themes_json, attribution, flags_json, speaker, status, version, updated_at, updated_by)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(quote_id) DO UPDATE SET text=excluded.text, verbatim=excluded.verbatim,"
        # the machine's suggestion follows the text it was made from, unless a reviewer edited
        f" suggested_text=CASE WHEN {UNTOUCHED_SQL} OR (quotes.text != excluded.text AND quotes.edited_text IS NULL)"
        " THEN excluded.suggested_text ELSE quotes.suggested_text END,"
        " score=excluded.score, parts_json=excluded.parts_json,"
        " themes_json=CASE WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.quote_id = quotes.quote_id"
        "   AND d.action = 'set_themes') THEN quotes.themes_json ELSE excluded.themes_json END,"
        " attribution=excluded.attribution, flags_json=excluded.flags_json, speaker=excluded.speaker",
        rows,
    )
    _audit_attribution(ws, changed)
    _audit_text(ws, retexted)


def _reviewed_rows(ws, rows: list[tuple]) -> list:
    """The stored reviewed quotes among ``rows`` (not pending), with what the change checks compare.

    A quote the stage never wrote (``parts_json`` '{}': restored from the audit row an earlier
    copquotes left when consent was withdrawn, which kept no attribution, flags or scores) is
    not among them: what its reviewer saw is not known, so this run fills them in without
    claiming they changed."""
    return ws.conn.execute(
        "SELECT quote_id, status, version, attribution, flags_json, text, edited_text FROM quotes"
        " WHERE status != 'pending' AND parts_json != '{}'"
        " AND quote_id IN (SELECT value FROM json_each(?))", (json.dumps([r[0] for r in rows]),)).fetchall()


def _attribution_changes(stored: list, rows: list[tuple]) -> list[tuple[str, dict, dict]]:
    """``(quote_id, before, after)`` of the ``stored`` reviewed quotes (:func:`_reviewed_rows`)
    whose attribution or flags differ from the row's (flags compared as data, not as text)."""
    new = {r[0]: (r[10], r[11]) for r in rows}
    out = []
    for q in stored:
        attribution, flags = new[q["quote_id"]]
        old_flags, new_flags = json.loads(q["flags_json"] or "[]"), json.loads(flags or "[]")
        if q["attribution"] != attribution or old_flags != new_flags:
            before = {"status": q["status"], "version": q["version"], "attribution": q["attribution"],
                      "flags": old_flags}
            after = {**before, "version": q["version"] + 1, "attribution": attribution, "flags": new_flags}
            out.append((q["quote_id"], before, after))
    return out


_WORD = re.compile(r"[^\W_]+")


def _words(text: str | None) -> Counter:
    """The words a text shows (lower case; the anonymiser's placeholders left out, any other
    bracketed words counted: "[Jane] told me" shows Jane)."""
    return Counter(w.lower() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", text or "")))


_SHAPE = re.compile(PLACEHOLDER_RE.pattern + r"|[^\W_]+")


def _shape(text: str | None) -> list[str]:
    """A text's words and placeholders in order: what a reader sees, spacing and punctuation aside."""
    return [m.group(0).lower() for m in _SHAPE.finditer(text or "")]


def _text_changes(stored: list, rows: list[tuple]) -> list[tuple[str, dict, dict]]:
    """``(quote_id, before, after)`` of the stored reviewed quotes among ``rows`` whose anonymised
    text changes (the anonymiser changed, a redaction was added or undone). What a reviewer
    approved must not change under them: an approved quote goes back for review when the new
    text shows a word the approved one hid (``pending``), or when the reviewer's edit still
    shows a word the new text hides (``edited``: their edit kept, to be approved again). A
    change that only hides more, under no edit, keeps the approval. Each gets an audit row."""
    new = {r[0]: r[4] for r in rows}
    out = []
    for q in stored:
        text = new[q["quote_id"]]
        if _shape(text) == _shape(q["text"]):   # the same words and placeholders: nothing to tell
            continue
        old_words, new_words = _words(q["text"]), _words(text)
        shown = q["edited_text"]
        if shown is not None:
            again = bool(_words(shown) & (old_words - new_words))
        else:
            again = bool(new_words - old_words)
        status = q["status"]
        if again and status == "approved":
            status = "edited" if shown is not None else "pending"
        before = {"status": q["status"], "version": q["version"], "text": q["text"]}
        out.append((q["quote_id"], before, {"status": status, "version": q["version"] + 1, "text": text}))
    return out


def _audit_text(ws, changed: list[tuple[str, dict, dict]]) -> None:
    """The status and version of each of ``changed`` (after its attribution's, which it follows)
    and a ``text_changed`` audit row."""
    from ..workspace import REATTACHED_BY, _audit_now

    now = _audit_now()
    for quote_id, before, after in changed:
        ws.conn.execute("UPDATE quotes SET status = ?, version = ? WHERE quote_id = ?",
                        (after["status"], after["version"], quote_id))
        back = after["status"] != before["status"]
        ws.conn.execute(
            "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
            " VALUES (?,?,?,?,?,?,?)",
            (quote_id, REATTACHED_BY, "text_changed", json.dumps(before, ensure_ascii=False, sort_keys=True),
             json.dumps(after, ensure_ascii=False, sort_keys=True),
             "the anonymisation of this reviewed quote changed" + (
                 ": it shows other words than were approved, so it needs approving again" if back else ""),
             now))
    if changed:
        ws.conn.execute("INSERT INTO meta(key, value) VALUES ('review_changes', '1')"
                        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _audit_attribution(ws, changed: list[tuple[str, dict, dict]]) -> None:
    """Version + 1 and an ``attribution_changed`` audit row for each of ``changed``."""
    from ..workspace import REATTACHED_BY, _audit_now

    now = _audit_now()
    for quote_id, before, after in changed:
        ws.conn.execute("UPDATE quotes SET version = ? WHERE quote_id = ?", (after["version"], quote_id))
        ws.conn.execute(
            "INSERT INTO decisions(quote_id, reviewer, action, before_json, after_json, reason, at)"
            " VALUES (?,?,?,?,?,?,?)",
            (quote_id, REATTACHED_BY, "attribution_changed", json.dumps(before, ensure_ascii=False, sort_keys=True),
             json.dumps(after, ensure_ascii=False, sort_keys=True),
             "the analysis ran again with other metadata: the attribution or flags of this reviewed quote changed",
             now))
    if changed:   # the app's caches notice it
        ws.conn.execute("INSERT INTO meta(key, value) VALUES ('review_changes', '1')"
                        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def finish_quotes(ws, kept_ids, reviewed: tuple) -> int:
    """Inside the caller's write transaction, once every chosen quote is upserted
    (:func:`upsert_quotes`): drop the untouched quotes that are not among ``kept_ids``.
    Returns how many reviewed quotes the table holds."""
    conn = ws.conn
    conn.execute(
        "DELETE FROM quotes WHERE quote_id NOT IN (SELECT value FROM json_each(?))"
        f" AND {UNTOUCHED_SQL}",
        (json.dumps(sorted(set(kept_ids))),))
    # the search index over the quotes' anonymised text: its triggers keep it in step with
    # every later write; created here (in this transaction) on a workspace that lacks it
    textsearch.ensure_index(ws)
    return conn.execute(
        f"SELECT COUNT(*) FROM quotes WHERE status IN ({','.join('?' * len(reviewed))})", reviewed).fetchone()[0]


def drop_config(ws, key: str) -> None:
    """Remove a config entry (inside the caller's write transaction)."""
    ws.conn.execute("DELETE FROM config WHERE key = ?", (key,))


def put_config(ws, key: str, value: str) -> None:
    """Store a config entry's JSON text (inside the caller's write transaction)."""
    ws.conn.execute("INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)", (key, value))


# ---------------------------------------------------------------------------------- learning from decisions
def decided_statuses(ws) -> list[tuple[str, str]]:
    """``(quote_id, status)`` of every stored quote a reviewer approved, edited or rejected."""
    return ws.conn.execute(
        "SELECT quote_id, status FROM quotes WHERE status IN ('approved', 'edited', 'rejected')").fetchall()


def decided_count(ws) -> int:
    """``len(decided_statuses(ws))``, counted in the index on status (no row read: 1 ms at 500,000 units)."""
    return ws.conn.execute(
        "SELECT COUNT(*) FROM quotes WHERE status IN ('approved', 'edited', 'rejected')").fetchone()[0]


def verbatim_and_parts(ws) -> list[tuple]:
    """``(quote_id, verbatim, parts_json)`` of every stored quote, by id, as plain tuples."""
    cur = ws.conn.cursor()
    cur.row_factory = None
    return cur.execute("SELECT quote_id, verbatim, parts_json FROM quotes ORDER BY quote_id").fetchall()


def count_quotes(ws) -> int:
    return ws.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]


def set_scores(ws, updates: list[tuple[float, str]]) -> None:
    """``(score, quote_id)`` written to ``quotes.score`` (inside the caller's write transaction);
    a quote no longer stored is not found."""
    ws.conn.executemany("UPDATE quotes SET score = ? WHERE quote_id = ?", updates)


# ---------------------------------------------------------------------------------- the readers' lookups
def file_ids(ws, unit_ids) -> dict:
    """``{unit_id: file_id}`` of these units."""
    return dict(ws.conn.execute(
        "SELECT unit_id, file_id FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(unit_ids)),)).fetchall())


def ranked_ids(ws, statuses, first: tuple[str, ...]):
    """``(quote_id, status, flags_json, score, text, safety)`` of the stored quotes of these statuses (consented
    units only), those of the statuses ``first`` first, then by score, then id: a cursor, so
    the caller reads no further than it needs."""
    sql = ("SELECT q.quote_id, q.status, q.flags_json, q.score, q.text, json_extract(q.parts_json, '$.safety')"
           " FROM quotes q"
           " JOIN quotable_units u ON u.unit_id = q.unit_id"
           f" WHERE q.status IN ({','.join('?' * len(statuses))})")
    if set(statuses) <= set(first) or not set(statuses) & set(first):
        # every status read is in ``first``, or none is: score order alone, which the index
        # quotes_rank gives without sorting every quote (the cursor stops at the caller's top)
        return ws.conn.execute(sql + " ORDER BY q.score DESC, q.quote_id", list(statuses))
    return ws.conn.execute(sql + f" ORDER BY q.status IN ({','.join('?' * len(first))}) DESC, q.score DESC,"
                           " q.quote_id", [*statuses, *first])


def _theme_filter(theme: str) -> tuple[str, list]:
    """The SQL pre-filter (`` AND ...``, parameters) of the quotes whose themes may name ``theme``
    and whose unit no reviewer said is not about it (:data:`copquotes.themescores.NOT_UNLABELLED`)."""
    if theme.isascii():     # stored JSON escapes other characters
        return " AND instr(q.themes_json, ?) > 0" + themescores.NOT_UNLABELLED, [json.dumps(theme), theme]
    return themescores.NOT_UNLABELLED, [theme]


def theme_candidates(ws, statuses, theme: str) -> list[tuple]:
    """``(quote_id, unit_id, status, score, flags_json, themes_json, safety, standalone, theme part)``
    of the stored quotes of these
    statuses whose themes name ``theme`` (a pre-filter: the caller decides), in no order and in
    every consent state: the caller checks, with :func:`quotable_of`, those it keeps.

    Consent is not joined here: the join cost 0.1 s of 0.18 s for a theme at 500,000 units, and
    the shortlist keeps a few hundred of the tens of thousands of rows read."""
    sql = ("SELECT q.quote_id, q.unit_id, q.status, q.score, q.flags_json, q.themes_json,"
           " json_extract(q.parts_json, '$.safety'), json_extract(q.parts_json, '$.standalone'),"
           " json_extract(q.parts_json, '$.theme') FROM quotes q"
           f" WHERE q.status IN ({','.join('?' * len(statuses))})")
    where, params = _theme_filter(theme)
    return ws.conn.execute(sql + where, [*statuses, *params]).fetchall()


THEME_ROW = "SELECT q.quote_id, q.unit_id, q.status, q.score, q.flags_json, q.themes_json FROM quotes q"


def theme_rows_by_score(ws, status: str, theme: str):
    """``(quote_id, unit_id, status, score, flags_json, themes_json)`` of the stored quotes of
    ``status`` whose themes name ``theme`` (a pre-filter), best score first, in every consent
    state: a cursor over the covering index ``quotes_rank`` in its own order (no sort, no read
    of the table's rows), so the caller reads no further than it needs."""
    where, params = _theme_filter(theme)
    return ws.conn.execute(THEME_ROW + " WHERE q.status = ?" + where + " ORDER BY q.score DESC",
                           [status, *params])


def decided_theme_rows(ws, statuses, theme: str) -> list[tuple]:
    """The rows of :func:`theme_rows_by_score` (these statuses, in no order) of the quotes with a
    decision of any kind in the audit (a reviewer's themes, a re-attachment, an undo): those whose
    themes need not be the ones the quotes stage scored with."""
    where, params = _theme_filter(theme)
    return ws.conn.execute(
        THEME_ROW + " WHERE q.quote_id IN (SELECT quote_id FROM decisions)"
        f" AND q.status IN ({','.join('?' * len(statuses))})" + where, [*statuses, *params]).fetchall()


def theme_score_parts(ws, quote_ids) -> dict[str, tuple]:
    """``{quote_id: (safety, standalone, theme part)}`` of these quotes (their ``parts_json``)."""
    return {r[0]: tuple(r[1:]) for r in ws.conn.execute(
        "SELECT q.quote_id, json_extract(q.parts_json, '$.safety'), json_extract(q.parts_json, '$.standalone'),"
        " json_extract(q.parts_json, '$.theme') FROM quotes q"
        " WHERE q.quote_id IN (SELECT value FROM json_each(?))", (json.dumps(list(quote_ids)),))}


def quotable_of(ws, unit_ids) -> set[str]:
    """Those of ``unit_ids`` that are quotable now (view ``quotable_units``: consent given, a
    participant's or respondent's turn or a reflection)."""
    return {r[0] for r in ws.conn.execute(
        "SELECT unit_id FROM quotable_units WHERE unit_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(unit_ids))),))}


def quote_text_parts(ws, size: int):
    """The distinct stored texts (anonymised spans) of every quote, in a stable order (what the
    theme shortlist embeds), in lists of at most ``size``, read as they are needed."""
    cur = ws.conn.cursor()
    cur.row_factory = None
    cur.execute("SELECT DISTINCT text FROM quotes WHERE text IS NOT NULL ORDER BY text")
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield [r[0] for r in rows]


def quote_themes(ws) -> set[str]:
    """Every theme any stored quote has."""
    found: set[str] = set()
    for r in ws.conn.execute("SELECT themes_json FROM quotes"):
        found.update(t["theme"] for t in json.loads(r[0] or "[]"))
    return found


def quote_parts(ws, quote_id: str) -> dict:
    """The stored score parts of a quote."""
    return json.loads(ws.conn.execute("SELECT parts_json FROM quotes WHERE quote_id = ?",
                                      (quote_id,)).fetchone()[0] or "{}")
