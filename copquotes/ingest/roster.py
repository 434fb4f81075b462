"""Rosters (who was in a group, their role, whether they agreed to be quoted) and
matching transcript speaker labels against them.

A roster is a CSV with at least ``name``, ``role`` (participant / facilitator) and
``quote_consent`` (yes / no); optional ``aliases`` (separated by ``;`` or ``|``) and
``group``. Speaker labels are matched case-insensitively, without honorifics,
pronouns or bracketed notes, on the full name, an alias, "Last, First", or a first
name (or first name + initial) that is unique in the roster. An ambiguous label
matches nobody: no consent is ever guessed, and the file's consent is not used either
(:meth:`RosterMatcher.doubt`). Rows with the same name (one person on two rosters) are one
entry; rows that disagree on role or consent give no consent (a no among them is a no), and a
facilitator among them stays a facilitator.

A one-word label that matches a roster entry by its first name alone ("Sam" for "Sam
Lee") may be someone else (a guest called Sam): :meth:`RosterMatcher.match_basis` says
``"first name only"`` and the transcript reader gives such a speaker no confirmed consent
until the roster (an alias "Sam") or the manifest (``speaker_names: {"Sam": "Sam Lee"}``,
or a file-level ``consent``) confirms it; its quotes are held for a reviewer.
"""
from __future__ import annotations

import csv
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError
from ..text import TITLES as _TITLES
from ..types import Identifier, RosterEntry
from .base import (note_refuses, notes_header, refusal_said, refuses_quotes, truthy, unsure_yes, withdrawal_header,
                   withdrawn)
from .columns import limits_use
from .textio import check_not_empty, decode_head, detect_encoding, open_text

log = logging.getLogger("copquotes.ingest")

FIRST_NAME_ONLY = "first name only"
# titles dropped from labels and roster names: the package's one list, plus degrees
HONORIFICS = set(_TITLES) | {"a/prof", "phd", "dr."}
_PRONOUNS = re.compile(
    r"\b(?:she|he|they|ze|xe|it)\s*/\s*(?:her|him|them|hers|his|theirs|zir|xem|they|she|he)(?:\s*/\s*\w+)?\b",
    re.I,
)
_ROLE_WORDS = {
    "interviewer": "interviewer", "int": "interviewer", "i": "interviewer", "q": "interviewer",
    "facilitator": "facilitator", "co-facilitator": "facilitator", "cofacilitator": "facilitator",
    "co facilitator": "facilitator", "host": "facilitator", "co-host": "facilitator", "cohost": "facilitator",
    "moderator": "facilitator", "researcher": "facilitator", "evaluator": "facilitator",
    "chair": "facilitator", "lead facilitator": "facilitator", "presenter": "facilitator",
    # short forms in typed transcripts
    "iv": "interviewer", "ivr": "interviewer", "intv": "interviewer", "mod": "facilitator", "fac": "facilitator",
    "facil": "facilitator", "note taker": "facilitator", "notetaker": "facilitator", "observer": "facilitator",
}
# people at a session who are not participants (never quoted as one): the same role as the note
# taker and the observer above
_GUEST_WORDS = (
    "guest", "guest speaker", "special guest", "invited speaker", "keynote", "keynote speaker", "panellist",
    "panelist", "panel member", "panel", "visitor", "scribe", "minute taker", "minute-taker", "co-presenter",
    "copresenter", "mc", "emcee", "guest presenter", "guest facilitator",
)
_ROLE_WORDS.update({w: "facilitator" for w in _GUEST_WORDS})


def _words_re(words) -> str:
    """An alternation of role words, longest first ("guest speaker" before "guest")."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]?")
                    for w in sorted(words, key=len, reverse=True))


_GUESTS_RE = _words_re(_GUEST_WORDS)
# a role after words that say which one ("FG facilitator", "CoP facilitator", "Lead researcher",
# "Second interviewer", "Session chair"): that role, and no name
_QUALIFIED_ROLE_RE = (
    r"(?:(?:fg|focus[\s-]+group|cop|community\s+of\s+practice|lead|senior|assistant|second|2nd|first|1st|main|"
    r"research|evaluation|project|program|programme|session|group|external|independent|peer|support|deputy|"
    r"online|the)\s+){1,2}(?P<role>co[-\s]?facilitator|facilitator|interviewer|moderator|researcher|evaluator|"
    r"chair|host|note[\s-]?taker)s?")
_QUALIFIED_ROLE = re.compile(rf"^{_QUALIFIED_ROLE_RE}$", re.I)
# labels that name a role or a number, not a person: never identifiers
_GENERIC = re.compile(
    r"^(?:(?:unknown|unidentified)\s+speaker(?:\s*\d+)?|speaker\s*[-_]?\s*\d+|speaker\s+[a-z]|"
    r"participants?(?:\s*[-_#]?\s*[a-z]?\d*)?|p\s*[-_#]?\s*\d+|respondent(?:\s*[-_#]?\s*\d+)?|r\s*\d+|"
    r"interviewee(?:\s*\d+)?|member(?:\s*\d+)?|attendee(?:\s*\d+)?|guest(?:\s*\d+)?|"
    r"(?:co[-\s]?|lead\s+)?facilitator(?:\s*\d+)?|interviewer(?:\s*\d+)?|int|i|q|a|r|p|resp|iv|ivr|intv|mod|fac|facil|"
    r"note[\s-]?taker|observer(?:\s*\d+)?|host|co[-\s]?host|moderator|(?:" + _GUESTS_RE + r")(?:\s*\d+)?|"
    r"researcher(?:\s*\d+)?|evaluator(?:\s*\d+)?|presenter|chair|all|group|several|multiple|many|"
    r"multiple\s+speakers|everyone|crosstalk|inaudible|audience|voice|f\d*|m\d*|"
    r"(?:male|female)\s+(?:participant|speaker)(?:\s*\d+)?|" + _QUALIFIED_ROLE_RE + r"(?:\s*\d+)?)$",
    re.I,
)
_UNKNOWN = re.compile(r"^(?:(?:unknown|unidentified)\s+speaker(?:\s*\d+)?|crosstalk|inaudible|all|several|multiple|many|multiple\s+speakers|everyone|group|audience|voice)$", re.I)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def clean_label(label: str) -> str:
    """The name part of a speaker label: no pronouns, brackets, org suffixes or role tags.

    ``"Dr Jane Smith (she/her) | Safe Steps"`` -> ``"Dr Jane Smith"``; ``"Smith, Jane"``
    stays as it is (see :func:`name_key`).
    """
    s = str(label).strip().strip("\ufeff")
    s = _PRONOUNS.sub(" ", s)
    bracketed = [b.strip() for b in re.findall(r"\(([^)]*)\)", s)]
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}", " ", s)
    parts = [p.strip(" -_:;,.") for p in re.split(r"\s+[|/•–—]\s+|\s+-\s+|\s*\|\s*", s)]
    # "Panellist - Dr Amy Cho", "Participant - Sam Lee", "Facilitator | Hana": the name is the part that is not a role
    named = [p for p in parts if p and not _role_word(p) and not is_generic_label(p)]
    role_first = bool(_role_word(parts[0]) or is_generic_label(parts[0]))
    s = re.sub(r"\s+", " ", named[0] if named and role_first else parts[0]).strip(" -_:;,.")
    if _role_word(parts[0]) and not named:   # "Facilitator (Hana)", "Host (Amy Cho)": the name is in the brackets
        # (not "P2 (Wodonga)", "Participant (Mid Senior)": a place or a cohort)
        inside = next((b for b in bracketed if b and not _role_word(b) and not is_generic_label(b)
                       and all(w[:1].isupper() for w in b.split()) and len(b.split()) <= 4), None)
        s = inside or s
    return _drop_role_prefix(s)


def _role_word(text: str) -> str | None:
    """The role a bit of a label is, if it is only a role word ("Panellist", "Co-host", "Note taker")."""
    w = re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", " ", text.lower())).strip()
    return _ROLE_WORDS.get(re.sub(r"\s*\d+$", "", w)) if len(w) > 2 else None


_ROLE_PREFIX = re.compile(r"^(?:lead\s+|co[-\s]?)?(?:facilitator|presenter|host|moderator|observer|chair|"
                          r"interviewer|researcher|evaluator|" + _words_re(w for w in _GUEST_WORDS if w != "mc") + r")\s+(?=\S)", re.I)


def _drop_role_prefix(name: str) -> str:
    """``"Facilitator Hana"`` -> ``"Hana"``; a label that is only role words stays as it is."""
    if is_generic_label(name):
        return name
    rest = _ROLE_PREFIX.sub("", name, count=1)
    return rest if rest and not is_generic_label(rest) and not _role_word(rest) else name


# the device a Zoom or Teams account is named after ("Mary Smith's iPhone"), and an account that is an email address
_DEVICE = re.compile(r"\s*['\u2019]s\s+(?:iphone|ipad|android|galaxy|pixel|macbook|laptop|pc|phone|mobile|computer|"
                     r"surface|tablet|zoom|teams)\b.*$", re.I)
_EMAIL = re.compile(r"^\s*([A-Za-z][\w.+-]*)@[\w-]+(?:\.[\w-]+)+\s*$")


def _account_name(name: str) -> str:
    """The person an account label names: ``"mary.smith@example.org"`` and ``"Mary Smith's iPhone"`` ->
    ``"mary smith"`` / ``"Mary Smith"``; an address without two name parts ("msmith@...") stays as it is."""
    m = _EMAIL.match(name)
    if m:
        parts = [p for p in re.split(r"[._-]+", re.sub(r"\+.*", "", m.group(1))) if p.isalpha()]
        return " ".join(parts) if len(parts) >= 2 else name
    return _DEVICE.sub("", name) or name


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparable form of a name: folded case and accents, no honorifics or punctuation; an account's
    device or email address is its person's name.

    ``"Smith, Jane"`` becomes ``"jane smith"``; ``"jane.smith@example.org"`` too.
    """
    s = clean_label(_account_name(str(name)))
    if s.count(",") == 1:
        last, first = [p.strip() for p in s.split(",")]
        if last and first and len(first.split()) <= 3 and len(last.split()) <= 3:
            s = f"{first} {last}"
    s = _fold(s).lower()
    s = re.sub(r"['’`]", "", s)
    s = re.sub(r"[^\w\s-]", " ", s)
    s = s.replace("-", " ").replace("_", " ")
    words = [w for w in s.split() if w not in HONORIFICS]
    return " ".join(words)


def label_role(label: str) -> str | None:
    """The role a speaker label itself states (``"Interviewer"``, ``"Jane (Facilitator)"``)."""
    raw = str(label).strip().lower()
    base = re.sub(r"\s*\d+$", "", re.sub(r"[^\w\s-]", " ", raw)).strip()
    base = re.sub(r"\s+", " ", base)
    if base in _ROLE_WORDS:
        return _ROLE_WORDS[base]
    m = _QUALIFIED_ROLE.match(base)
    if m:
        return _ROLE_WORDS.get(re.sub(r"[\s-]+", " ", m.group("role").lower()).replace("co facilitator", "co-facilitator"),
                               "facilitator")
    for inner in re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", raw):
        for part in inner:
            p = re.sub(r"[^\w\s-]", " ", part).strip()
            if p in _ROLE_WORDS:
                return _ROLE_WORDS[p]
    # a display name with the role after a separator: "Jane Smith - Facilitator", "Jane | Co-host"
    # ... or before it: "Panellist - Dr Amy Cho", "Facilitator | Hana"
    for part in re.split(r"\s+[|/•–—-]\s+|\s*\|\s*", raw):
        role = _role_word(part)  # not the one-letter "I"/"Q" of a typed label
        if role:
            return role
    m = _ROLE_PREFIX.match(raw)  # "Facilitator Hana", "Guest speaker Amy"
    if m:
        return _role_word(m.group(0)) or "facilitator"
    return None


def is_generic_label(label: str) -> bool:
    """True for labels that are a role or number, not a name ("Participant 3", "Speaker 2")."""
    s = re.sub(r"[^\w\s-]", " ", str(label)).strip()
    s = re.sub(r"\s+", " ", s)
    return bool(_GENERIC.match(s)) or not s


def is_unknown_label(label: str | None) -> bool:
    if label is None:
        return True
    s = re.sub(r"[^\w\s-]", " ", str(label)).strip()
    return bool(_UNKNOWN.match(re.sub(r"\s+", " ", s)))


_ROLE_VALUES = {
    "participant": "participant", "participants": "participant", "member": "participant",
    "attendee": "participant", "practitioner": "participant", "": "participant",
    "facilitator": "facilitator", "co-facilitator": "facilitator", "cofacilitator": "facilitator",
    "co facilitator": "facilitator", "host": "facilitator", "moderator": "facilitator",
    "lead": "facilitator", "presenter": "facilitator", "researcher": "facilitator", "evaluator": "facilitator",
    "lead facilitator": "facilitator", "convenor": "facilitator", "convener": "facilitator", "co-chair": "facilitator",
    "chair": "facilitator", "co-host": "facilitator", "cohost": "facilitator",
    "interviewer": "interviewer",
}

_COLUMN_ALIASES = {
    "name": ("name", "full name", "fullname", "participant", "participant name", "speaker", "speaker name", "display name"),
    "role": ("role", "speaker role", "participant role", "type"),
    "quote_consent": ("quote_consent", "quote consent", "consent", "consent to quote", "quote", "quotable",
                      "consent to be quoted", "quote_ok", "can quote"),
    "aliases": ("aliases", "alias", "also known as", "aka", "other names", "nicknames", "display names"),
    "group": ("group", "cop group", "cop", "cohort"),
}


def _norm_header(h: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(h).strip().strip("\ufeff").lower())


def _loose_header(h: str) -> str:
    # "Consent to quote (Y/N)?" -> "consent to quote"; "Role (participant/facilitator)" -> "role"
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)|\[[^\]]*\]|[?:*#]", " ", _norm_header(h))).strip()


_FIRST = {"first name", "firstname", "given name", "given names", "first", "preferred name"}
_LAST = {"last name", "lastname", "surname", "family name", "last"}
_NOT_A_PERSON_NAME = re.compile(r"\b(org|organi[sz]ation|agency|school|team|group|cop|service|employer|file|session)\b")


# a roster column about quoting or publishing the person's words, not about taking part
_PUBLIC_USE = re.compile(r"\bquot|publi|annual\s+report|website|newsletter|social\s+media|"
                         r"\bus(?:e|ed|ing)\b.*\b(?:words|comments|feedback|stor(?:y|ies))\b|"
                         r"\b(?:words|comments|feedback)\b.*\b(?:used|shared|published)\b")


def roster_columns(header: list[str], strict: bool = True) -> dict[str, int] | None:
    """Map roster fields to column indexes, or None if ``header`` is not a roster header.

    ``strict`` (detection) needs name, role and quote_consent; a file named as a roster
    in a manifest only needs name and quote_consent (role defaults to participant).
    Headers are matched loosely: ``Consent to quote (Y/N)``, ``Role (participant/facilitator)``,
    and a name split into ``First name`` + ``Last name`` (keys ``first`` / ``last``).
    """
    normed = [_norm_header(h) for h in header]
    loose = [_loose_header(h) for h in header]
    found: dict[str, int] = {}
    for field_name, aliases in _COLUMN_ALIASES.items():
        wanted = {_norm_header(a) for a in aliases}
        for forms in (normed, loose):
            hit = next((i for i, h in enumerate(forms) if h in wanted), None)
            if hit is not None:
                found[field_name] = hit
                break
    if "name" not in found:
        first = next((i for i, h in enumerate(loose) if h in _FIRST), None)
        last = next((i for i, h in enumerate(loose) if h in _LAST), None)
        if first is not None:
            found["first"] = first
            found["name"] = first
            if last is not None:
                found["last"] = last
        else:
            hit = next((i for i, h in enumerate(loose) if re.search(r"\bname\b", h) and not _NOT_A_PERSON_NAME.search(h)), None)
            if hit is not None:
                found["name"] = hit
    if "role" not in found:
        hit = next((i for i, h in enumerate(loose) if re.search(r"\brole\b", h)), None)
        if hit is not None:
            found["role"] = hit
    # (not a column of who must NOT be quoted: "Quote consent withdrawn", "Quote declined")
    quote_cols = [i for i, h in enumerate(loose) if _PUBLIC_USE.search(h) and not re.search(r"\bnot\b", h)
                  and not refuses_quotes(str(header[i]))]
    if "quote_consent" in found and quote_cols and not _PUBLIC_USE.search(loose[found["quote_consent"]]):
        # "Consent" / "Consent form signed" beside "Quote consent" / "Permission to publish comments" /
        # "OK to use words in publications": the plain one may be consent to take part; its no is still a no
        found["other_consent"] = found["quote_consent"]
        found["quote_consent"] = quote_cols[0]
    if "quote_consent" not in found:
        quote = quote_cols or [i for i, h in enumerate(loose) if re.search(r"\bquot", h)]
        consent = [i for i, h in enumerate(loose) if re.search(r"\bconsent", h) and not re.search(r"record|participat|photo|film", h)
                   and not withdrawal_header(str(header[i]))]
        if quote or consent:
            found["quote_consent"] = (quote or consent)[0]
    if "quote_consent" in found and refuses_quotes(str(header[found["quote_consent"]])):
        found["quote_refusal"] = found["quote_consent"]   # "Do not quote", "Opted out of quotes": a yes is a no
    elif "quote_consent" in found:
        # beside the consent, a column of who must NOT be quoted ("Do not quote", "Withdrew consent to quote")
        refusal = next((i for i, h in enumerate(header) if i != found["quote_consent"] and refuses_quotes(str(h))), None)
        if refusal is not None:
            found["refusal"] = refusal
    if "quote_consent" in found:
        # beside the consent, a column of who withdrew it ("Consent withdrawn", "Withdrawal date"): anything there is a no
        taken = {found["quote_consent"], found.get("refusal"), found.get("other_consent")}
        withdrawal = next((i for i, h in enumerate(header) if i not in taken and withdrawal_header(str(h))), None)
        if withdrawal is not None:
            found["withdrawn"] = withdrawal
        notes = next((i for i, h in enumerate(header) if i not in taken and notes_header(str(h))), None)
        if notes is not None:
            found["notes"] = notes
    if "name" in found and "quote_consent" in found and ("role" in found or not strict):
        return found
    return None


_ROLE_KEYWORDS = (
    (re.compile(r"\binterview(?:er)?s?\b"), "interviewer"),
    (re.compile(r"facilitat|\bhost\b|\bmoderat|\bconven|\bchair\b|\bpresenter\b|\bresearcher\b|\bevaluator\b"),
     "facilitator"),
    (re.compile(r"\bparticipant|\bmember\b|\battendee|\bpractitioner|\bdelegate\b|\blearner\b"), "participant"),
)


def role_value(value: str) -> str | None:
    """A roster role value normalised, or None if it is not one.

    Besides the plain words, a value that names one of them plainly is read as it
    ("Participant (CoP member)", "Lead facilitator - Safe Steps"); any other role (observer,
    guest speaker) is None, so the roster row is reported for someone to decide.
    """
    v = re.sub(r"\s+", " ", str(value).strip().lower())
    if v in _ROLE_VALUES:
        return _ROLE_VALUES[v]
    base = re.sub(r"\s+", " ", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", v)).strip(" -_:;,.")
    if base in _ROLE_VALUES and base:
        return _ROLE_VALUES[base]
    found = {role for pattern, role in _ROLE_KEYWORDS if pattern.search(base or v)}
    if len(found) == 1:
        return found.pop()
    if found == {"facilitator", "participant"} and re.match(r"^(?:co[-\s]?)?facilitat", base or v):
        return "facilitator"  # "Facilitator and participant": runs the session
    return None


# what a roster writes about the form rather than the answer ("Form not returned", "Absent", "Left the group",
# "Signed"): no yes or no recorded, so unknown (the load goes on); a form "withdrawn" or "declined" is read as a no first
_NOT_RECORDED = re.compile(r"^(?:(?:consent\s+)?form\s+)?(?:not\s+(?:returned|received|completed|signed|collected|back)|"
                           r"(?:returned|received|completed|signed|collected|on\s+file)(?:\s+[\d/.-]+)?|missing|absent|"
                           r"left(?:\s+the)?\s+(?:group|cop|programme|program)|did\s+not\s+attend|dna|no\s+form|"
                           r"(?:consent\s+)?form\s+(?:not\s+)?(?:returned|received|signed|sent))\W*$", re.I)
_CONSENT_NOT_ASKED = re.compile(r"^(?:tbc|tbd|tba|pending|unknown|unsure|not\s+sure|\?+|n/?a|not\s+asked|not\s+yet|"
                                r"to\s+(?:be\s+)?confirm(?:ed)?|to\s+check|awaiting(?:\s+\w+)*|check|ask|-+)\W*$", re.I)


# a consent cell that hedges ("Yes?", "yes (check)", "y?", "I think so", "probably"): not known for sure
# (a bare "maybe" says neither yes nor no: the load stops on it, naming the row)
_HEDGED = re.compile(r"\?|\b(?:i\s+think|think\s+so|believe\s+so|probably|guess|check\w*|confirm\w*|verify|"
                     r"assume\w*|apparently|should\s+be|presumably|unsure|unclear|believe|hope\w*|reckon\w*)\b", re.I)

# a plain no (or an empty box written out) in a column of who must NOT be quoted: the only cell that gives consent there
_PLAIN_NO = re.compile(r"(?:n|no|nope|false|0|un(?:ticked|checked|selected)|not\s+(?:ticked|checked|selected))[\s.!]*", re.I)
_SAYS_NO = re.compile(r"\W*(?:n|no|nope|nah|not|never|don't|do\s+not|declin\w*|refus\w*|withdr\w*|opt\w*\s+out)\b", re.I)


def refused_consent(cell: str, header: str) -> bool | None:
    """Quote consent from a roster's column of who must NOT be quoted ("Do not quote"): a yes or a tick
    there is no consent, a plain no is consent; an empty cell, or any other ("No?", "no I think", "Not sure"), is unknown."""
    said = refusal_said(cell, header)
    if said is True:
        return False
    if said is False and _PLAIN_NO.fullmatch(cell.strip()):
        return True
    return None   # empty, or a no with more to it ("Not sure", "No (pending)", "No, not asked yet"): not known


def roster_rows(path: Path):
    """``(row number, cells)`` of a roster CSV (any delimiter, a ``sep=;`` line skipped) or XLSX
    (the first visible sheet with data)."""
    from .tables import XLSX_EXTENSIONS, _is_sep_row, iter_xlsx_rows, open_workbook, sniff_delimiter

    if path.suffix.lower() in XLSX_EXTENSIONS:
        wb = open_workbook(path)
        try:
            sheets = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            for title in sheets or [wb.worksheets[0].title]:
                rows = list(iter_xlsx_rows(path, title, wb=wb))
                if any(any(c.strip() for c in r) for _, r in rows):
                    return rows
            return []
        finally:
            wb.close()
    enc = detect_encoding(path)
    delimiter = sniff_delimiter(decode_head(path))  # Excel in a European locale saves ";" (maybe with "sep=;")
    out = []
    with open_text(path, enc, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            for row in reader:
                if not out and _is_sep_row(row, delimiter):
                    continue
                out.append((reader.line_num, row))
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc}); fix the quoting of the roster", path, f"row {reader.line_num}") from exc
    return out


def load_roster(path: str | Path) -> tuple[RosterEntry, ...]:
    """Read a roster (CSV, or XLSX). Raises ConfigError naming the row on a bad role or consent value.

    A consent cell that says consent was not asked yet (``TBC``, ``pending``, ``?``) or not for sure
    (``Yes?``, ``yes (check)``, ``I think so``) is unknown consent (``None``), with a warning: a quote is
    never guessed into existence. A roster whose only consent column says who must NOT be quoted ("Do not
    quote") is read by :func:`refused_consent`; a header that limits the use ("Consent to quote (internal
    report only)") gives no yes.
    """
    path = Path(path)
    check_not_empty(path)
    rows = [(n, r) for n, r in roster_rows(path) if any(str(c).strip() for c in r)]
    if not rows:
        raise InputError("the roster is empty; give it a header row: name,role,quote_consent", path)
    _, header = rows[0]
    cols = roster_columns(header, strict=False)
    if cols is None:
        raise ConfigError(
            f"{path}: not a roster: the header needs at least the columns name, role and "
            f"quote_consent (found: {', '.join(h.strip() for h in header)})"
        )
    refusal_header = str(header[cols["quote_refusal"]]) if "quote_refusal" in cols else None
    if refusal_header is not None:
        log.info("%s: the column %r says who must NOT be quoted: a yes there is no consent, a no is consent, "
                 "an empty or unclear cell is unknown", path, refusal_header.strip())
    limited = limits_use(str(header[cols["quote_consent"]]))
    if limited:
        log.warning("%s: the consent column %r limits the use (internal, aggregate, not published...): its yes "
                    "is not read as leave to quote", path, str(header[cols["quote_consent"]]).strip())
    # the consent column says it is about quoting or publishing ("Quote consent"), not only "Consent"
    plain_about_quotes = bool(_PUBLIC_USE.search(_loose_header(str(header[cols["quote_consent"]]))))
    entries: list[RosterEntry] = []
    not_asked = 0
    for rownum, row in rows[1:]:
        def get(key):
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        name = get("name")
        if "first" in cols:  # First name + Last name columns
            name = " ".join(p for p in (get("first"), get("last")) if p)
        if not name:
            raise ConfigError(f"{path} (row {rownum}): a roster row has no name; fill it in or delete the row")
        role = role_value(get("role"))
        if role is None:
            raise ConfigError(
                f"{path} (row {rownum}): role {get('role')!r} is not participant, facilitator or interviewer"
            )
        consent_raw = get("quote_consent")
        if refusal_header is not None:
            consent = refused_consent(consent_raw, refusal_header)
        else:
            consent = truthy(consent_raw, weak=True)
            if consent is not None and _HEDGED.search(consent_raw) and not _SAYS_NO.match(consent_raw):
                consent = None   # "yes (check)", "Yes I think": a yes not for sure; a hedged no stays a no
            if consent is not None and _NOT_RECORDED.match(consent_raw):
                consent = None   # "Not returned", "No form": what happened to the form, no answer recorded
            if consent is None and consent_raw and not (_CONSENT_NOT_ASKED.match(consent_raw) or _HEDGED.search(consent_raw)
                                                        or _NOT_RECORDED.match(consent_raw)
                                                        or unsure_yes(consent_raw)):   # "yes (per manager)", "Yes, for research"
                raise ConfigError(
                    f"{path} (row {rownum}): quote_consent {consent_raw!r} is not yes or no"
                )
        if consent and limited:
            consent = None   # "Consent to quote (internal report only)": a yes is no leave to publish
        if consent is None and consent_raw:
            not_asked += 1
        if get("refusal") and refusal_said(get("refusal")) is not False:
            consent = False   # a yes, a tick or an answer not read in the column of who must NOT be quoted
        elif consent and "refusal" in cols and not get("refusal") and not plain_about_quotes:
            consent = None    # "Consent" (maybe to take part) = yes, "Do not quote" left empty: leave to quote not known
            not_asked += 1
        if withdrawn(get("withdrawn")) or note_refuses(get("notes")):
            consent = False   # a date, a yes or a tick under "Consent withdrawn"; a note "withdrew 3 March"
        if consent is not False and truthy(get("other_consent"), weak=True) is False:
            consent = False   # "Consent" no beside "Quote?" yes: no to taking part is no leave to quote
        aliases = tuple(a.strip() for a in re.split(r"[;|]", get("aliases")) if a.strip())
        entries.append(RosterEntry(
            name=name, role=role, quote_consent=consent, aliases=aliases,
            group=get("group") or None,
        ))
    if not_asked:
        log.warning("%s: %d roster row(s) say quote consent is not known yet or not for sure (TBC, pending, "
                    "'Yes?'...): counted as unknown, no quotes from them until it says yes", path, not_asked)
    return tuple(entries)


def roster_identifiers(roster) -> list[Identifier]:
    """The roster's names (a person on two rosters once, with every alias)."""
    entries, _ = merge_duplicates(roster)
    return [Identifier(value=e.name, kind="person", source="roster", aliases=tuple(e.aliases)) for e in entries]


@dataclass(frozen=True)
class Doubt:
    """Why a speaker's consent cannot be read from the roster (nor from the file): roster rows
    for one person that disagree, or a label that fits several people."""

    reason: str              # for the warning; roles and yes/no only, never a name
    role: str                # never "participant" when one of the rows says otherwise
    consent: bool | None     # rows that disagree: False when one says no; else unknown


def cautious_role(roles) -> str:
    """One role for rows that may be one person: a facilitator (or interviewer) never becomes a participant."""
    others = sorted(set(roles) - {"participant"})
    return others[0] if others else "participant"


def _disagreement(rows: list[RosterEntry]) -> Doubt | None:
    roles = sorted({e.role for e in rows})
    consents = sorted({{True: "yes", False: "no"}.get(e.quote_consent, "unknown") for e in rows}, reverse=True)
    parts = [f"{field} {' vs '.join(values)}" for field, values in (("role", roles), ("quote_consent", consents))
             if len(values) > 1]
    if not parts:
        return None
    consent = False if "no" in consents else None
    return Doubt(f"roster rows for one person disagree ({', '.join(parts)}); correct the roster",
                 cautious_role(roles), consent)


def merge_duplicates(entries) -> tuple[list[RosterEntry], dict[int, Doubt]]:
    """Rows with the same name (one person on two rosters, or listed twice) as one entry, aliases
    joined; rows that disagree on role or consent become one entry with a :class:`Doubt` (by index)."""
    by_key: dict[str, list[RosterEntry]] = {}
    for e in entries:
        by_key.setdefault(name_key(e.name) or e.name.strip().lower(), []).append(e)
    merged: list[RosterEntry] = []
    doubts: dict[int, Doubt] = {}
    for rows in by_key.values():
        first = rows[0]
        if len(rows) == 1:
            merged.append(first)
            continue
        aliases = tuple(dict.fromkeys(a for e in rows for a in e.aliases))
        doubt = _disagreement(rows)
        role = doubt.role if doubt else first.role
        consent = doubt.consent if doubt else first.quote_consent
        if doubt:
            doubts[len(merged)] = doubt
        merged.append(RosterEntry(name=first.name, role=role, quote_consent=consent, aliases=aliases, group=first.group))
    groups = list(by_key.values())
    for component in _maybe_one_person(groups):
        doubt = _disagreement([e for i in component for e in groups[i]])
        if doubt is not None:
            doubt = Doubt(doubt.reason.replace("roster rows for one person", _MAYBE_ONE), doubt.role, doubt.consent)
            doubts.update({i: doubts.get(i, doubt) for i in component})
    return merged, doubts


_MAYBE_ONE = ("roster rows that may be one person (a nickname or an alias on one, the full name on another)")
# first names and their everyday short forms: "Tom Okafor" on one roster and "Thomas Okafor" on another may be one person
_NICKNAMES = [g.split() for g in (
    "thomas tom tommy", "william will bill billy liam", "robert rob bob bobby robbie", "elizabeth liz lizzie beth betty "
    "eliza libby", "katherine catherine kathryn kate katie kath cathy kathy", "margaret maggie meg peggy marg",
    "james jim jimmy jamie", "john jack johnny", "jonathan jon jonny", "michael mike mick mikey", "richard rich rick "
    "richie dick", "alexander alex sandy", "alexandra alex lexie", "christopher chris", "christine christina chris "
    "tina", "daniel dan danny", "david dave davy", "edward ed eddie ted ned", "benjamin ben benny", "samuel sam sammy",
    "samantha sam sammy", "joseph joe joey", "joshua josh", "matthew matt", "nicholas nick nicky", "patrick pat paddy",
    "patricia pat patty trish", "peter pete", "anthony tony", "andrew andy drew", "stephen steven steve",
    "timothy tim timmy", "victoria vicky tori", "rebecca becky bec becca", "jennifer jen jenny", "jessica jess jessie",
    "susan sue suzie", "deborah debbie deb", "charlotte charlie lottie", "charles charlie chuck", "gregory greg",
    "kenneth ken kenny", "ronald ron ronnie", "donald don donny", "frederick fred freddie", "henry harry hank",
    "abigail abby abi", "alison allison ali", "amanda mandy", "angela angie", "caroline carol", "eleanor ellie nell",
    "jacqueline jackie", "josephine jo josie", "joanne joanna jo", "lawrence laurence larry laurie", "leonard len lenny",
    "madeleine madeline maddie", "natalie nat", "nathan nate nat", "nathaniel nate nat", "philip phillip phil",
    "raymond ray", "stephanie steph", "theodore theo ted", "valerie val", "zachary zach zac", "gabrielle gabby gabi",
    "isabel isabelle izzy bella", "kimberley kimberly kim", "pamela pam", "penelope penny", "sophia sophie",
    "anne ann annie", "mohammed muhammad mohammad mohamed", "dominic dom", "benedict ben", "jeremy jez",
    "alfred alf alfie", "archibald archie", "harriet hattie", "frances fran frankie", "francis frank frankie",
    "geoffrey jeffrey geoff jeff", "gerald gerry", "veronica ronnie", "cameron cam", "lucinda lucy cindy",
    "miriam mim", "rosemary rose rosie", "tamsin tam", "teresa theresa tess tessa")]
_NICK: dict[str, set[str]] = {}
for _group in _NICKNAMES:
    for _n in _group:
        _NICK.setdefault(_n, set()).update(_group)


def _same_first(a: str, b: str) -> bool:
    """One first name written two ways: equal, a short form ("Tom", "Thomas") or an initial ("T")."""
    if a == b or b in _NICK.get(a, ()):
        return True
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _person_names(rows: list[RosterEntry]) -> tuple[set[str], set[str], set[tuple[str, ...]]]:
    """``(full keys, first names, (first, last) pairs)`` of one name's rows, their aliases counted."""
    keys, firsts, pairs = set(), set(), set()
    for e in rows:
        all_words = [w for w in (name_key(n).split() for n in (e.name, *e.aliases)) if w]
        for words in all_words:
            firsts.add(words[0])
            if len(words) >= 2:
                keys.add(" ".join(words))
        last = name_key(e.name).split()[-1:] if len(name_key(e.name).split()) >= 2 else []
        pairs.update((words[0], last[0]) for words in all_words if last)
    return keys, firsts, pairs


def _linked(a, b) -> bool:
    """Whether two roster names may be one person: an alias of one is the other's name; the same surname
    (or its initial) with one first name written two ways; or one is a first name alone that is the other's first name."""
    (keys_a, firsts_a, pairs_a), (keys_b, firsts_b, pairs_b) = a, b
    if keys_a & keys_b:
        return True
    if any(_same_first(la, lb) and _same_first(fa, fb) for fa, la in pairs_a for fb, lb in pairs_b):
        return True
    alone_a, alone_b = not pairs_a, not pairs_b   # a roster row with a first name only ("Tom")
    return bool((alone_a and any(_same_first(f, g) for f in firsts_a for g in firsts_b)) or
                (alone_b and any(_same_first(f, g) for f in firsts_b for g in firsts_a)))


def _candidate_pairs(names) -> set[tuple[int, int]]:
    """The pairs of roster names worth comparing (a roster of thousands is not compared pair by pair): those
    sharing a full name or a surname; a surname's initial against the surnames it starts; a first name alone
    against the names with that first name or one of its short forms."""
    buckets: dict[tuple, set[int]] = {}
    for i, (keys, firsts, pairs) in enumerate(names):
        for k in keys:
            buckets.setdefault(("key", k), set()).add(i)
        for _, last in pairs:
            buckets.setdefault(("last", last), set()).add(i)
            buckets.setdefault(("initial", last[0]), set()).add(i)
        for f in firsts:
            for n in _NICK.get(f, {f}):
                buckets.setdefault(("first", n), set()).add(i)
    out: set[tuple[int, int]] = set()
    for (kind, _), members in buckets.items():
        if kind in ("key", "last") and len(members) > 1:
            out.update((a, b) for a in members for b in members if a < b)
    for i, (_, firsts, pairs) in enumerate(names):
        near = [buckets.get(("initial", last), ()) for _, last in pairs if len(last) == 1]
        if not pairs:
            near += [buckets.get(("first", f), ()) for f in firsts]
        out.update((min(i, j), max(i, j)) for members in near for j in members if j != i)
    return out


def _maybe_one_person(groups: list[list[RosterEntry]]) -> list[list[int]]:
    """The sets (two or more) of roster names, by index, that may be one person written two ways."""
    names = [_person_names(rows) for rows in groups]
    parent = list(range(len(groups)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidate_pairs(names):
        if root(i) != root(j) and _linked(names[i], names[j]):
            parent[root(j)] = root(i)
    components: dict[int, list[int]] = {}
    for i in range(len(groups)):
        components.setdefault(root(i), []).append(i)
    return [c for c in components.values() if len(c) > 1]


class RosterMatcher:
    """Match speaker labels to roster entries (see module doc for the rules)."""

    def __init__(self, roster, group: str | None = None):
        entries = list(roster)
        if group and any(e.group for e in entries):
            g = name_key(group)
            same = [e for e in entries if not e.group or name_key(e.group) == g]
            if any(e.group for e in same):
                entries = same
        self.entries, self._doubts = merge_duplicates(entries)
        entries = self.entries
        self._full: dict[str, set[int]] = {}
        self._first: dict[str, set[int]] = {}
        self._alias_word: dict[str, set[int]] = {}   # one-word aliases: a roster-confirmed short name
        self._first_last: dict[tuple[str, str], set[int]] = {}
        self._first_initial: dict[tuple[str, str], set[int]] = {}
        self._initial_last: dict[tuple[str, str], set[int]] = {}   # "M. Smith": not confirmed, like a first name
        for i, e in enumerate(entries):
            for n in (e.name, *e.aliases):
                k = name_key(n)
                if not k:
                    continue
                self._full.setdefault(k, set()).add(i)
            words = name_key(e.name).split()
            if words:
                self._first.setdefault(words[0], set()).add(i)
                if len(words) >= 2:
                    self._first_last.setdefault((words[0], words[-1]), set()).add(i)
                    self._first_initial.setdefault((words[0], words[-1][0]), set()).add(i)
                    self._initial_last.setdefault((words[0][0], words[-1]), set()).add(i)
            for a in e.aliases:  # a one-word alias is a first name / nickname
                aw = name_key(a).split()
                if len(aw) == 1:
                    self._first.setdefault(aw[0], set()).add(i)
                    self._alias_word.setdefault(aw[0], set()).add(i)
                    if len(words) >= 2:  # "Dev Pillai" for Devika Pillai with the alias "Dev"
                        self._first_last.setdefault((aw[0], words[-1]), set()).add(i)
                        self._first_initial.setdefault((aw[0], words[-1][0]), set()).add(i)

    def match(self, label: str) -> RosterEntry | None:
        return self.match_basis(label)[0]

    def match_basis(self, label: str) -> tuple[RosterEntry | None, str | None]:
        """The roster entry of a label and how it matched: ``"name"`` (the full name, an
        alias, first + last name or first name + initial) or :data:`FIRST_NAME_ONLY` (a
        one-word label that is only the first word of the entry's name: not confirmed).
        ``(None, None)`` when it matches nobody or is ambiguous."""
        entry = self._match(label)
        if entry is None:
            return None, None
        key = name_key(label)
        words = key.split()
        if (len(words) == 1 and key not in self._full and words[0] not in self._alias_word
                and len(name_key(entry.name).split()) > 1):
            return entry, FIRST_NAME_ONLY
        if len(words) == 2 and len(words[0]) == 1 and key not in self._full:
            return entry, FIRST_NAME_ONLY   # "M. Smith": an initial is even less sure than a first name
        return entry, "name"

    def doubt(self, label: str) -> Doubt | None:
        """Why the roster cannot give this label's consent: it fits several entries (ambiguous),
        or its one entry stands for rows that disagree. None when the roster answers (or is silent)."""
        hits = self._hits(label)
        if len(hits) == 1:
            return self._doubts.get(next(iter(hits)))
        if not hits:
            return None
        rows = [self.entries[i] for i in hits]  # which of them spoke is not known: consent unknown
        return Doubt(f"the label fits {len(rows)} roster entries; an alias in the roster or the manifest's "
                     f"speaker_names says who it is", cautious_role(e.role for e in rows), None)

    def _match(self, label: str) -> RosterEntry | None:
        hits = self._hits(label)
        return self.entries[next(iter(hits))] if len(hits) == 1 else None

    def _hits(self, label: str) -> set[int]:
        """The entries a label may be: by full name or alias first, else by first name (+ last
        name or initial); more than one is ambiguous."""
        key = name_key(label)
        if not key:
            return set()
        hit = self._full.get(key)
        if hit is not None:
            return hit
        words = key.split()
        if len(words) == 1:
            hit = self._first.get(words[0])
        elif len(words) == 2 and len(words[1]) == 1:
            hit = self._first_initial.get((words[0], words[1]))
        elif len(words) == 2 and len(words[0]) == 1:
            hit = self._initial_last.get((words[0], words[1]))
        else:
            hit = self._first_last.get((words[0], words[-1]))
        return hit or set()
