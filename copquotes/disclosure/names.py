"""Known names in text: the safety net over the anonymiser, from the workspace's own lists.

The workspace knows names the model may miss: roster names and aliases, speaker labels,
identity columns of survey exports, contacts. These functions find them in text that is
about to leave the workspace (no model runs here):

* :func:`file_name_pattern` - the names of ONE file (full names, their parts of 3+
  letters, aliases, the file's contacts), case-sensitive on the capitalised forms so the
  word "hope" is not the person "Hope";
* :class:`PersonNames` - every person name of EVERY file, matched word by word with
  accents ignored, in capitals, in lower case when the word is not an ordinary English
  word, and full names whole;
* :func:`identifier_terms` / :func:`scrub` - every string redacted anywhere in the
  workspace, masked in text the pipeline derived from raw text (topic labels and
  keywords, survey questions, flag reasons).
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from ..text import HONORIFICS
from .placeholders import placeholder as _placeholder

#: words that are parts of a name string but never a name alone
NAME_STOPWORDS = HONORIFICS | {"the", "and", "of", "van", "von", "de", "da", "di", "del", "la", "le", "st"}
#: particles of a surname ("van der Berg", "De Vries", "Ahmed Al Hassan", "al-Amin"): before another
#: word of a name they are no name alone (the word "van", "et al" stay); as a name's last word
#: or a whole name ("Thanh Le", an alias "Al") they are; those that are first names too ("Al
#: Smith", "Des O'Connor", "Bin Li") only in the middle of a name (:func:`is_particle`)
PARTICLES = frozenset({"van", "von", "der", "den", "de", "des", "del", "della", "di", "da", "das", "dos", "du",
                       "la", "le", "al", "el", "bin", "ibn", "ter", "ten", "st"})
FIRST_NAMES_TOO = frozenset({"al", "bin", "del", "den", "des", "el"})


def is_particle(words, i: int) -> bool:
    """Whether ``words[i]`` is a particle of the surname of the name ``words`` (see :data:`PARTICLES`)."""
    w = words[i].lower()
    if w not in PARTICLES or i >= len(words) - 1:
        return False
    return i > 0 or w not in FIRST_NAMES_TOO
_WORD = re.compile(r"[^\W\d_]+")
_COMMON: set[str] | None = None


def fold(text: str) -> str:
    """``text`` with accents dropped character by character (same length: offsets into the
    folded text are offsets into ``text``), so "Siobhán" matches "Siobhan"."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base[0] if len(base) >= 1 and base[0].isalpha() == ch.isalpha() else ch)
    return "".join(out)


def common_words() -> set[str]:
    """Ordinary English words (the whole-word entries of the embedding model's WordPiece
    vocabulary, lower case): a name that is one of them ("hope", "grace", "young") is masked
    only capitalised or in capitals; any other name in any case. Empty when the vocabulary
    is not installed (then names are matched capitalised or in capitals only)."""
    global _COMMON
    if _COMMON is None:
        words: set[str] = set()
        try:
            from ..resources import embedding_model_path

            vocab = Path(embedding_model_path()) / "vocab.txt"
            words = {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.islower()}
        except Exception:  # noqa: BLE001 - a missing model only makes the mask more cautious
            words = set()
        _COMMON = words
    return _COMMON


# ---------------------------------------------------------------------------------- one file
def file_name_pattern(identifiers) -> re.Pattern | None:
    """One regex for the known names of a file. ``identifiers``: ``(value, kind, aliases)``
    triples (``aliases`` a list or its JSON). ``None`` when the file has no known names."""
    words: set[str] = set()
    for value, kind, aliases in identifiers:
        if kind not in ("person", "name"):
            if kind in ("email", "phone", "org", "place") and value and len(value) > 3:
                words.add(re.escape(value))
            continue
        if isinstance(aliases, str):
            try:
                aliases = json.loads(aliases or "[]")
            except ValueError:
                aliases = []
        for name in [value, *(aliases or ())]:
            name = re.sub(r"\([^)]*\)", " ", str(name or "")).strip()
            if not name:
                continue
            words.add(re.escape(name))
            for part in re.split(r"[\s,]+", name):
                part = part.strip(".'’-")
                if len(part) >= 3 and part.lower() not in NAME_STOPWORDS:
                    words.add(re.escape(part))
    if not words:
        return None
    common = common_words()
    # a possessive with or without its apostrophe, and a contraction, go with the name; the
    # bare "s" only where name + "s" is not an ordinary word ("Thi" must not take "This")
    bare_s = sorted((w for w in words if (re.sub(r"\\(.)", r"\1", w) + "s").lower() not in common),
                    key=len, reverse=True)
    alts = sorted(words, key=len, reverse=True)
    pattern = r"(?:" + "|".join(alts) + r")(?:['’](?:s|ll|d|ve|re))?"
    if bare_s:
        pattern = r"(?:" + "|".join(bare_s) + r")s|" + pattern
    return re.compile(r"(?<![\w\[])(?:" + pattern + r")(?![\w\]])")


def name_pattern(conn, file_id) -> re.Pattern | None:
    """:func:`file_name_pattern` of one file of a workspace (its ``file_identifiers``)."""
    return file_name_pattern(conn.execute(
        "SELECT value, kind, aliases_json FROM file_identifiers WHERE file_id = ?", (file_id,)).fetchall())


def name_spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """Where ``pattern`` (a :func:`file_name_pattern`) matches in ``text``."""
    if pattern is None or not text:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def mask_names(text: str | None, pattern, placeholder: str = "[name]") -> str | None:
    """``text`` with every match of ``pattern`` replaced by ``placeholder``."""
    if text is None or pattern is None:
        return text
    for s, e in reversed(name_spans(text, pattern)):
        text = text[:s] + placeholder + text[e:]
    return text


# ---------------------------------------------------------------------------------- every file
class PersonNames:
    """Every person name the workspace knows (roster, speaker labels, identity columns of
    any file), matched word by word in text, accents ignored: parts of 3+ letters in any case
    when they are not ordinary words, else only in capitals; full names of several words
    whole, in any case. A safety net over the per-file mask for names the anonymiser
    missed in another file's text ("quennell", "OSTROWSKI", "Siobhán"). ``strict``: a part
    that is an ordinary word ("Sarah", "Hope") is masked capitalised too, for derived
    strings (flag reasons, questions, labels) where a capitalised name is far likelier
    than the word."""

    def __init__(self, names, strict: bool = False):
        common = self.common = common_words()
        self.exact: set[str] = set()
        self.lower: set[str] = set()
        self.full: set[tuple[str, ...]] = set()
        self.first: set[str] = set()      # first words of the full names (lower case)
        self.longest = 1
        for name in names:
            name = fold(re.sub(r"\([^)]*\)", " ", str(name or ""))).strip()
            parts = _WORD.findall(name)
            if len(parts) > 1:
                self.full.add(tuple(p.lower() for p in parts))
                self.first.add(parts[0].lower())
                self.longest = max(self.longest, len(parts))
            for i, p in enumerate(parts):
                if len(p) < 3 or p.lower() in NAME_STOPWORDS or is_particle(parts, i):
                    continue
                if common and p.lower() in common:
                    # "Hope", "Young", "Best": the file's own mask takes them capitalised; across
                    # files only in capitals or in a full name (not "Best thing was ..."); in
                    # ``strict`` mode (strings the pipeline derived, such as flag reasons)
                    # capitalised too
                    self.exact.add(p.upper())
                    if strict:
                        self.exact.update((p, p[0].upper() + p[1:].lower()))
                    continue
                self.exact.update((p, p.upper(), p[0].upper() + p[1:]))
                if common:
                    self.lower.add(p.lower())

    def __bool__(self) -> bool:
        return bool(self.exact or self.full)

    def spans(self, text: str) -> list[tuple[int, int]]:
        folded = fold(text)
        toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(toks):
            s, e, w = toks[i]
            if s > 0 and folded[s - 1] == "[" and folded[e:e + 1] == "]":      # a placeholder
                i += 1
                continue
            hit = 0
            lw = w.lower()
            for n in (range(min(self.longest, len(toks) - i), 1, -1) if lw in self.first else ()):
                seq = toks[i:i + n]
                # a full name: its words next to each other (spaces, hyphens, dots between)
                if tuple(t[2].lower() for t in seq) in self.full and all(
                        re.fullmatch(r"[\s.\-’']{1,3}", folded[a[1]:b[0]]) for a, b in zip(seq, seq[1:])):
                    hit = n
                    break
            if hit:
                out.append((s, toks[i + hit - 1][1]))
                i += hit
                continue
            if w in self.exact or lw in self.lower:
                out.append((s, e))
            elif (len(w) > 3 and w[-1] in "sS" and (w[:-1] in self.exact or lw[:-1] in self.lower)
                  and lw not in self.common):
                out.append((s, e))          # a possessive without its apostrophe ("Sarahs idea", not "this" of "Thi")
            i += 1
        return out

    def mask(self, text: str | None, placeholder: str = "[name]") -> str | None:
        if text is None or not self:
            return text
        for s, e in reversed(self.spans(text)):
            text = text[:s] + placeholder + text[e:]
        return text


def workspace_person_names(conn) -> list[str]:
    """Every person name and alias in a workspace's ``file_identifiers``."""
    names = []
    for value, aliases in conn.execute(
            "SELECT value, aliases_json FROM file_identifiers WHERE kind IN ('person', 'name')"):
        names.append(value)
        try:
            names.extend(str(a) for a in json.loads(aliases or "[]"))
        except (TypeError, ValueError):
            pass
    return names


# ---------------------------------------------------------------------------------- redacted strings
def identifier_terms(ws, min_len: int = 3) -> set[str]:
    """Lower-cased strings redacted anywhere in the workspace and the known identifiers of
    every file (for a person: each name part too)."""
    terms: set[str] = set()
    common = common_words()

    def word_ok(w: str) -> bool:
        # a person's name that is one ordinary word ("feeling", "year", "people" when the
        # anonymiser took them for names) would blank common words out of every topic label
        return len(w) >= min_len and w not in NAME_STOPWORDS and w not in common
    for s, kind in ws.conn.execute(
            "SELECT DISTINCT lower(substr(u.text, r.start + 1, r.\"end\" - r.start)), r.kind FROM redactions r"
            " JOIN units u ON u.unit_id = r.unit_id WHERE r.status != 'undone'"):
        if s and len(s.strip()) >= min_len:
            person = kind in ("person", "name")
            if not person or word_ok(s.strip()):
                terms.add(s.strip())
            if person:  # a first or last name alone identifies too
                terms.update(w for w in re.split(r"[\s,.;:'’]+", s) if word_ok(w))
    for value, kind in ws.conn.execute("SELECT value, kind FROM file_identifiers"):
        if value and kind in ("person", "name", "org", "place", "email", "phone"):
            v = str(value).lower().strip()
            if len(v) >= min_len:
                person = kind in ("person", "name")
                if not person or word_ok(v):
                    terms.add(v)
                if person:
                    terms.update(w for w in re.split(r"[\s,.]+", v) if word_ok(w))
    return terms


#: words of the placeholders themselves: never taken for a name ("[name]" stays "[name]")
_PLACEHOLDER_WORDS = {"name", "redacted", "withheld", "organisation", "place", "contact", "identifier"}


_NOT_ALONE = (NAME_STOPWORDS - PARTICLES) | _PLACEHOLDER_WORDS


def known_identifier_terms(conn) -> dict[str, set[str]]:
    """The identifiers a workspace knows from its own lists (``file_identifiers``: roster names
    and aliases, speaker labels, identity columns, contacts), lower-cased, by the placeholder that
    stands for them: for a person the terms of :func:`person_name_terms` of every name and alias;
    for an organisation, place or contact the value whole.

    Unlike :func:`identifier_terms` this keeps the parts that are ordinary words ("will",
    "grace", "hope" of a roster's Will, Grace or Hope): these are the workspace's known
    identifiers, not guesses of the anonymiser, and :meth:`Disclosure.aggregate
    <copquotes.disclosure.gate.Disclosure.aggregate>` masks them in any case in aggregate
    strings (topic keywords are lower case), at the cost of the word itself there."""
    out: dict[str, set[str]] = {}
    for name in workspace_person_names(conn):
        name = re.sub(r"\([^)]*\)", " ", str(name or "")).lower().strip()
        for form in {name, fold(name)}:        # "siobhán" and "siobhan"
            out.setdefault("[name]", set()).update(person_name_terms(form))
    for value, kind in conn.execute("SELECT value, kind FROM file_identifiers"
                                    " WHERE lower(kind) IN ('org', 'organisation', 'place', 'email', 'phone')"):
        if value and len(str(value).strip()) >= 3:
            out.setdefault(_placeholder(str(kind).lower()), set()).add(str(value).lower().strip())
    return out


def person_name_terms(name: str) -> set[str]:
    """The lower-case terms that stand for the person name ``name`` in an aggregate string: the
    name whole (as written, and with spaces or hyphens between its words); each word of two or
    more letters ("ng", "li", "okafor") but a title and a particle (:func:`is_particle`: "van"
    of "van der Berg", "de" of "De Vries", not "al" of "Al Smith"); a surname of several words
    with spaces, hyphens or nothing between them ("smith-jones", "smith jones", "smithjones"; "van der berg",
    "vanderberg", "der berg"; "devries"; "o'brien", "obrien")."""
    name = " ".join(name.lower().split())
    words = _WORD.findall(name)
    terms = {w for i, w in enumerate(words) if len(w) >= 2 and w not in _NOT_ALONE and not is_particle(words, i)}
    runs = [words[i:] for i in range(len(words)) if is_particle(words, i)]     # from each particle on
    runs += [_WORD.findall(tok) for tok in name.split()]                         # "smith-jones", "o'brien"
    core = [w for w in words if w not in _NOT_ALONE]      # "dr sarah okafor": "sarah okafor" too
    if len(words) > 1:
        terms.update((name, " ".join(words), "-".join(words), " ".join(core)))
    for run in runs:
        if len(run) > 1:
            terms.update((" ".join(run), "-".join(run), "".join(run)))
    terms.update(tok for tok in name.split() if len(_WORD.findall(tok)) > 1)
    return {t for t in terms if len(t) >= 2}


def spares_compounds(term: str) -> bool:
    """Whether ``term``, a known identifier, is matched in an aggregate string only outside a
    hyphenated compound: a word of two letters ("co", "re": "co-design", "re-engage" stay whole,
    "co" alone is masked). A longer name is masked in a compound too ("jones-led" ->
    "[name]-led"), an ordinary word among them too (the safe side: a roster's "Jo Self" costs
    "self-care" its "self")."""
    return term.isalpha() and len(term) <= 2


def scrub(text, terms: set[str], placeholder: str = "[redacted]", spare_compounds=None) -> str:
    """``text`` with every whole-word occurrence of ``terms`` (any case) replaced; a term for
    which ``spare_compounds(term)`` is true not where it is a piece of a hyphenated compound
    ("self" of "self-care")."""
    if text is None:
        return ""
    s = str(text)
    if not terms or not s:
        return s
    low = s.lower()
    words = set(re.findall(r"[^\W_]+", low))
    hits = [t for t in terms if t in low and (not t.isalnum() or t in words)]
    for t in sorted(hits, key=len, reverse=True):
        # underscores separate words here (BERTopic labels look like "3_word_word")
        pattern = r"(?<![^\W_])" + re.escape(t) + r"(?![^\W_])"
        if spare_compounds is not None and spare_compounds(t):
            pattern = r"(?<![^\W_]-)" + pattern + r"(?!-[^\W_])"
        s = re.sub(pattern, placeholder, s, flags=re.I)
    return s
