"""The exit: every text that leaves the workspace passes :class:`Disclosure` first.

``Disclosure(ws)`` reads the workspace's identifier lists once (roster names, speaker
labels, identity columns, every redacted string, source pseudonyms) and then, with no
model:

* :meth:`~Disclosure.text` - anonymised text (quotes, units, context turns, edits) with
  the file's known names and every person name of the workspace masked;
* :meth:`~Disclosure.derived` - strings the pipeline derived from raw text (topic labels
  and keywords, survey questions, risk-flag reasons): masked as above and scrubbed of
  every string redacted anywhere in the workspace;
* :meth:`~Disclosure.flags` - risk and safety flags with their reasons through
  :meth:`derived`;
* :meth:`~Disclosure.source` - a file's pseudonym ("focus group 2024 #3"), never its name;
* :meth:`~Disclosure.aggregate` - aggregate strings (topic labels and keywords, which
  BERTopic draws from every unit) through :meth:`derived`, with the workspace's known
  identifiers (roster names, aliases, contacts) masked in any case, and the words that only
  people without quote consent used withheld: no word of theirs leaves the workspace.

Formats then apply :func:`~copquotes.disclosure.cells.neutralise_cell` (CSV, XLSX) or
:func:`~copquotes.disclosure.markdown.md_escape` (Markdown, the app).
"""
from __future__ import annotations

import json
import re
import sqlite3

from .names import (PersonNames, identifier_terms, known_identifier_terms, mask_names, name_pattern, scrub,
                    spares_compounds, workspace_person_names)
from .sources import source_names
from .speakers import SpeakerNames

_NAMES_CACHE: dict = {}
_TERMS_CACHE: dict = {}
_KNOWN_CACHE: dict = {}
_VOCAB_CACHE: dict = {}
_TOKEN = re.compile(r"[^\W\d_]+")
WITHHELD = "[withheld]"


def consent_vocabulary(ws) -> tuple[set[str], set[str]]:
    """Lower-cased words of the anonymised text of units with (confirmed) quote consent, and
    the words only units without it use (cached until the text or consent changes: an ingest,
    the anonymise stage, a redaction added or undone; not a review decision, which changes
    neither, so an approval does not read every unit's text again)."""
    key = (str(ws.path), _vocab_state(ws))
    hit = _VOCAB_CACHE.get(key)
    if hit is None:
        yes: set[str] = set()
        no: set[str] = set()
        # consent matched by first name only is not confirmed consent
        cur = ws.conn.execute(
            "SELECT a.text, u.consent = 1 AND instr(COALESCE(u.extra_json, ''), '\"consent_match\"') = 0"
            " FROM anon a JOIN units u ON u.unit_id = a.unit_id")
        while True:
            rows = cur.fetchmany(20_000)
            if not rows:
                break
            # tokenised a chunk at a time (one regex pass over the joined texts), each distinct
            # word lower-cased once: the same words as word by word, several times faster
            for flag, out in ((1, yes), (0, no)):
                joined = "\n".join(t for t, c in rows if t and bool(c) == bool(flag))
                out.update(w.lower() for w in set(_TOKEN.findall(joined)))
        _VOCAB_CACHE.clear()
        hit = _VOCAB_CACHE[key] = (yes, no - yes)
    return hit


WITHHELD_KEY = "consent_vocabulary"      # the row of ``aggregates`` that stores withheld_words()


def withheld_words(ws) -> set[str]:
    """The words only units without (confirmed) quote consent use (:func:`consent_vocabulary`),
    stored in the workspace's ``aggregates`` table with the state they were counted for, so
    that a new process (the review app after an analysis) reads them instead of reading
    every unit's text again (7-13 s at 500,000 units); the pipeline stores them after its
    stages. Counted again when the text or consent changed. After manual redactions alone
    (the only review action that changes anonymised text) the words of the newly redacted
    spans are added instead: a word may then be withheld that a consented unit still uses,
    never the other way round, until the next count. Storing is skipped, never waited for,
    while another process writes."""
    state = _vocab_state(ws)
    key = json.dumps(state)
    row = ws.conn.execute("SELECT token, value_json FROM aggregates WHERE name = ?", (WITHHELD_KEY,)).fetchone()
    stored = None
    if row is not None:
        try:
            stored = json.loads(row[1])
            stored = stored if isinstance(stored, dict) else None
        except ValueError:
            stored = None
    if stored is not None and row[0] == key:
        return set(stored["words"])
    if stored is not None and stored.get("base") == _base(state):
        # only redactions moved: the words of the ones added since are withheld too (an undone
        # one only makes words visible again, so keeping them withheld is safe)
        words = set(stored["words"])
        for (surface,) in ws.conn.execute(
                "SELECT lower(substr(u.text, r.start + 1, r.\"end\" - r.start)) FROM redactions r"
                " JOIN units u ON u.unit_id = r.unit_id WHERE r.rowid > ? AND r.status != 'undone'",
                (int(stored.get("max_redaction") or 0),)):
            words.update(w.lower() for w in _TOKEN.findall(surface or ""))
    else:
        words = consent_vocabulary(ws)[1]
    _store_withheld(ws, key, {"base": _base(state), "max_redaction": state[3] or 0, "words": sorted(words)})
    return words


def _store_withheld(ws, key: str, value: dict) -> None:
    if getattr(ws, "_depth", 0):
        return
    conn = ws.conn
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("INSERT OR REPLACE INTO aggregates(name, token, value_json, computed_at)"
                     " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                     (WITHHELD_KEY, key, json.dumps(value)))
    except sqlite3.OperationalError:      # busy (a stage is writing) or read-only: store next time
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _base(state: tuple) -> list:
    """The parts of :func:`_vocab_state` that are not the redactions' counters: anon rows,
    content, the anonymise stage's run, consent."""
    return [state[0], state[1], state[5], state[6]]


def _vocab_state(ws) -> tuple:
    """What the consent vocabulary is made of: the anonymised text (its rows, the anonymise
    stage's run, redactions added or undone), the units' content and their consent (items
    2-4: the redactions' counters, the rest: :func:`_base`)."""
    return tuple(ws.conn.execute(
        "SELECT (SELECT COUNT(*) FROM anon), (SELECT value FROM meta WHERE key = 'content_changed_at'),"
        " (SELECT COUNT(*) FROM redactions), (SELECT MAX(rowid) FROM redactions),"
        " (SELECT COUNT(*) FROM redactions WHERE status = 'undone'),"
        " (SELECT done_at || '#' || fingerprint FROM stages WHERE name = 'anonymise'),"
        " (SELECT COUNT(*) FROM units WHERE consent = 1)").fetchone())


def workspace_names(ws, strict: bool = False) -> PersonNames:
    """The person names of every file of the workspace (cached until ``file_identifiers`` changes)."""
    key = (str(ws.path), strict,
           tuple(ws.conn.execute("SELECT COUNT(*), MAX(rowid) FROM file_identifiers").fetchone()))
    hit = _NAMES_CACHE.get(key)
    if hit is None:
        if len(_NAMES_CACHE) > 8:
            _NAMES_CACHE.clear()
        hit = _NAMES_CACHE[key] = PersonNames(workspace_person_names(ws.conn), strict=strict)
    return hit


def redacted_terms(ws) -> set[str]:
    """:func:`~copquotes.disclosure.names.identifier_terms` of the workspace, counted again
    only when what they are made of moves (redactions and their states, the files'
    identifiers, the units' content), not after every review decision."""
    key = (str(ws.path), tuple(ws.conn.execute(
        "SELECT (SELECT COUNT(*) FROM redactions), (SELECT MAX(rowid) FROM redactions),"
        " (SELECT COUNT(*) FROM redactions WHERE status = 'undone'),"
        " (SELECT COUNT(*) FROM file_identifiers), (SELECT MAX(rowid) FROM file_identifiers),"
        " (SELECT value FROM meta WHERE key = 'content_changed_at')").fetchone()))
    hit = _TERMS_CACHE.get(key)
    if hit is None:
        _TERMS_CACHE.clear()
        hit = _TERMS_CACHE[key] = identifier_terms(ws)
    return hit


def known_identifiers(ws) -> dict[str, set[str]]:
    """:func:`~copquotes.disclosure.names.known_identifier_terms` of the workspace, read again
    only when its ``file_identifiers`` change."""
    key = (str(ws.path), tuple(ws.conn.execute("SELECT COUNT(*), MAX(rowid) FROM file_identifiers").fetchone()))
    hit = _KNOWN_CACHE.get(key)
    if hit is None:
        _KNOWN_CACHE.clear()
        hit = _KNOWN_CACHE[key] = known_identifier_terms(ws.conn)
    return hit


class NameMask:
    """Masks the known names of each file (roster, speaker labels) in anonymised text, then
    every person name the workspace knows from any file: a safety net for names the
    anonymiser missed. ``mask(text, file_id)``."""

    def __init__(self, ws):
        self.ws = ws
        self._patterns: dict = {}
        self._people = workspace_names(ws)

    def pattern(self, file_id):
        if file_id not in self._patterns:
            self._patterns[file_id] = name_pattern(self.ws.conn, file_id) if file_id is not None else None
        return self._patterns[file_id]

    def __call__(self, text, file_id=None):
        if text is None:
            return None
        return self._people.mask(mask_names(str(text), self.pattern(file_id)))


class Disclosure:
    """What may leave the workspace ``ws`` (see the module doc). Cheap to build per request."""

    def __init__(self, ws):
        self.ws = ws
        self.mask = NameMask(ws)
        self._terms: set[str] | None = None
        self._sources: dict | None = None
        self._strict: PersonNames | None = None
        self._only_no: set[str] | None = None
        self._speakers: SpeakerNames | None = None

    @property
    def terms(self) -> set[str]:
        if self._terms is None:
            self._terms = redacted_terms(self.ws)
        return self._terms

    def text(self, text, file_id=None):
        """Anonymised text as it may be shown or written (``None`` stays ``None``)."""
        return self.mask(text, file_id)

    def derived(self, text, file_id=None):
        """A string derived from raw text (label, keyword, question, reason), masked and scrubbed."""
        if text is None:
            return None
        if self._strict is None:
            self._strict = workspace_names(self.ws, strict=True)
        return scrub(self._strict.mask(self.mask(str(text), file_id)), self.terms)

    def aggregate(self, text):
        """An aggregate string (a topic label or keywords) through :meth:`derived`, with every
        known identifier of the workspace (:func:`known_identifiers`: roster names, aliases and
        their parts, contacts) masked in ANY case, and each word that only units without quote
        consent contain replaced by ``[withheld]``.

        Topic keywords are lower case, where :meth:`derived` masks a name that is also an
        ordinary word ("mel", "tom", "will", "grace") only capitalised. A roster name is a known
        identifier of this workspace, so here it is masked whatever its case: a topic of a
        workspace with a Will on its roster loses the keyword "will" (the safe side)."""
        if text is None:
            return None
        known = known_identifiers(self.ws)
        # names of several words whole first ("de vries", "smith-jones"), before derived() masks their words one by one
        s = scrub(str(text), {t for t in known.get("[name]", ()) if not t.isalpha()}, "[name]")
        s = self.derived(s)
        for mark, terms in known.items():
            s = scrub(s, terms, mark, spare_compounds=spares_compounds)
        if self._only_no is None:       # once per Disclosure: a topics table asks for every label
            self._only_no = withheld_words(self.ws)
        only_no = self._only_no
        if not only_no:
            return s
        return _TOKEN.sub(lambda m: WITHHELD if m.group().lower() in only_no else m.group(), s)

    def flags(self, flags, file_id=None) -> list[dict]:
        """Flags (dicts or their JSON) with reasons through :meth:`derived`."""
        if isinstance(flags, str) or flags is None:
            flags = json.loads(flags or "[]")
        out = []
        for fl in flags:
            fl = dict(fl)
            fl["reason"] = self.derived(fl.get("reason") or "", file_id)
            out.append(fl)
        return out

    def source(self, file_id) -> str:
        """The pseudonym of a file (never its name)."""
        if self._sources is None:
            self._sources = source_names(self.ws)
        return self._sources.get(file_id) or "source"

    def speaker(self, file_id, speaker_key, unit_id) -> str:
        """The pseudonym of the person behind a unit, keyed by the workspace's secret
        (:mod:`.speakers`): the same in the units table and the quote records, never a stored key."""
        if self._speakers is None:
            self._speakers = SpeakerNames(self.ws)
        return self._speakers(file_id, speaker_key, unit_id)

    def sources(self) -> dict:
        if self._sources is None:
            self._sources = source_names(self.ws)
        return dict(self._sources)


def is_held(flags, status: str | None) -> bool:
    """A quote is held while a ``hold`` flag blocks it and no reviewer approved it."""
    if isinstance(flags, str) or flags is None:
        flags = json.loads(flags or "[]")
    return str(status or "pending") != "approved" and any(
        (f.get("severity") if isinstance(f, dict) else None) == "hold" for f in flags)
