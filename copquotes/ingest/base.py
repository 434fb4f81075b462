"""The data types of the ingest contract and metadata helpers shared by the readers."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError
from ..types import SOURCE_KINDS, Identifier, RosterEntry, Unit

#: Formats :func:`copquotes.ingest.detect_format` can return. The ``*_xlsx`` /
#: ``*_csv`` twins beyond the documented ones (a Qualtrics or SurveyMonkey export
#: saved as XLSX, a Forms export saved as CSV, a DOCX typed up with "Name:" labels)
#: are read by the same code as their siblings.
SURVEY_FORMATS = (
    "qualtrics_csv", "surveymonkey_csv", "msforms_xlsx", "plain_csv", "plain_xlsx",
    "qualtrics_xlsx", "surveymonkey_xlsx", "msforms_csv",
)
TRANSCRIPT_FORMATS = ("zoom_vtt", "teams_vtt", "teams_docx", "otter_txt", "plain_txt", "plain_docx", "zoom_chat_txt")
#: coded segments exported from NVivo, MAXQDA, Dedoose or ATLAS.ti (see :mod:`copquotes.ingest.qda`)
CODED_FORMATS = ("nvivo_txt", "nvivo_docx", "coded_csv", "coded_xlsx")
ROSTER_FORMATS = ("roster_csv", "roster_xlsx")
OTHER_FORMATS = ROSTER_FORMATS + ("manifest",)
FORMATS = SURVEY_FORMATS + TRANSCRIPT_FORMATS + CODED_FORMATS + OTHER_FORMATS
NON_SOURCE_FORMATS = OTHER_FORMATS

MANIFEST_NAMES = ("copquotes.yaml", "copquotes.yml")

# metadata keys that hold lists / mappings (a --meta value "Q5,Q6" becomes a list)
LIST_KEYS = ("open_questions", "identity_columns", "ignore_columns", "rosters")
KEY_ALIASES = {
    "series": "year",
    "kind": "source_kind",
    "source": "source_kind",
    "cop_group": "group",
    "cohort": "group",
    "open_question": "open_questions",
    "open_columns": "open_questions",
    "open_text_columns": "open_questions",
    "consent": "consent",
    "consent_col": "consent_column",
    "roles": "speaker_roles",
}
_KIND_ALIASES = {
    "focus_group": "focus_group", "focusgroup": "focus_group", "fg": "focus_group",
    "focus_groups": "focus_group", "group_discussion": "focus_group",
    "interview": "interview", "interviews": "interview",
    "survey": "survey", "surveys": "survey", "questionnaire": "survey",
    "reflection": "reflection", "reflections": "reflection", "facilitator_reflection": "reflection",
    "other": "other",
}


# the readers' version: raise it when a reader makes other units of the same bytes (2: survey rows'
# group and year columns, tagged TXT and subtitle speakers, guests, nicknames across rosters,
# coded-segment exports; 3: consent ticked beside a statement, rosters of who must not be quoted, a
# hedged or pending roster consent read as unknown; 4: consent limited to partners, members or a notice board,
# a minor's or a dangling "Yes, but" yes, tick instructions in a consent header, answers that are conditions,
# tick marks never text, questions about quotes seen or given before never the consent; 5: a no to an offer (the
# newsletter, a copy of the report, a follow-up call) takes no consent away, a yes to the evaluation report, emoji ticks,
# "Checked" and "[x]", "with my name removed", a consent statement never open text, a typed "Quote consent:" line never
# speech whatever its value; 6: a transcript cue or line wholly in brackets that reads as speech ("[I no longer
# drive.]") and one that starts with a mask of asterisks ("**** said ...") are units, no longer dropped as a
# note or a rule; 7: a section heading, a Word Title/Heading paragraph or a Markdown "## " line, ends the turn before it
# and is no unit; one person under several label forms in a transcript, "Tom Baxter (Guest)" and "Tom Baxter",
# "Baxter, Tom", is one speaker; a role after a qualifier, "FG facilitator", "Lead researcher", is that role
# and no name; the words typed in "Other" in a tick-all list of options, "A, B, words", are a unit; 8: a Webex VTT's
# speaker from its cue id, column codes over a row of question texts (LimeSurvey) read as one header, Mac Roman
# CSVs (CR line ends) decoded, Typeform/REDCap submission dates give the year, notes under a typed header are kept,
# a transcript line that is only a bracketed note is no one's words, a speaker's avatar initials above their name
# are no text; 9: a typed
# interview's consent line under other keys ("Consent: No", "Happy to be quoted: No", "CONSENT TO QUOTE - NO") is a
# header and its no is a no; a "Consent withdrawn" / "Withdrawal date" column, survey or roster, is a no wherever
# filled and never open text; a label that is an account, "mary.smith@example.org", "Mary Smith's iPhone", or an
# initial, "M. Smith", is the roster person's; a question asking leave to quote whose answers are not mostly yes/no is
# no open text and lets a file-level consent stand in only beside its yes; 10: a survey column of the team's own notes
# ("Staff notes", "Interviewer notes", "Comments (office use)", "For office use only") is never open text and its note of
# a refusal is a no; a typed interview header "Notes by:", "Interviewed by:", "Recorded by:", "Transcribed by:" names a
# person to redact, never a speaker, the interviewer or note taker it names writes the notes under it, and a typed
# header with such keys or a consent line over notes with no speaker labels is read as one, never a paragraph; 11: a
# speaker line with its time in square brackets, "Speaker 1 [00:01:02]" (Trint, Descript, Sonix), is a header; an
# SRT cue without a "Name:" label goes on with the speaker before it; "Q." / "A." lines are question and answer
# labels; Teams' "(Guest)" after a full name is an account, no guest role; a year among a few words of a sheet's
# name, "RRE 2023", is its rows' year; "Completed on" / "Started on" / "Ended" are submission dates; a group column of
# answer codes, "2", is no group; a title "Interview with NAME" is a name to redact, never speech; 12: yes
# and no in Irish, Welsh, Polish, Urdu and Punjabi and "Checked"/"Unchecked" in a consent column or a roster, a roster's
# "Form not returned" as unknown, a no in a later row of the same respondent, a consent question per open question; 13: a
# survey cell holding a tool's placeholder for no answer, "Did not answer", "Not answered", "No answer given", "Skipped",
# is a non-answer, no unit, as "N/A" is: NHS FFT exports write "Did not answer", 15% of one public file). Unit
# ids of unchanged texts are kept, so reviewers' work stays put.
READER_VERSION = "13"


@dataclass(frozen=True)
class Source:
    """One text source found by :func:`discover`: a path, its format and its metadata."""

    path: Path
    format: str
    meta: dict = field(default_factory=dict)
    roster: tuple[RosterEntry, ...] = ()
    # the keys of ``meta`` that detection filled (a year in the file's or a folder's name), not the
    # manifest or --meta: a survey's own year column wins over them (copquotes.ingest.rowmeta)
    detected: frozenset = frozenset()

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def reader(self) -> str:
        """The readers' version: part of a stored file's fingerprint, so a workspace reads its
        files again when the readers change what they make of the same bytes."""
        return READER_VERSION

    def read(self) -> "Reading":
        """Parse this source with its format's reader (:func:`copquotes.ingest.read`)."""
        from . import read

        return read(self)


@dataclass
class Reading:
    """What :func:`read` returns.

    ``units`` is a lazy iterator (surveys stream row by row); ``identifiers`` is
    complete once ``units`` is exhausted. ``meta`` is the effective metadata of the
    file (the source's plus what detection filled in: ``source_kind``, ``year``...),
    ``columns`` says for a survey how each column was used, and ``stats`` counts
    rows, units and skipped answers (filled as ``units`` is consumed).
    """

    source: Source
    units: Iterator[Unit]
    identifiers: list[Identifier]
    meta: dict = field(default_factory=dict)
    columns: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


@dataclass
class Discovery:
    """What :func:`discover` found: the text sources, the files it skipped with why (other
    types, system files, spreadsheets without open text), and the files of a supported format
    it could not read (``unreadable``: an empty, corrupt or password-protected export)."""

    sources: list[Source] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)

    def __iter__(self):
        return iter(self.sources)

    def __len__(self):
        return len(self.sources)


# the metadata keys copquotes reads (of a manifest entry or --meta), besides KEY_ALIASES' spellings
META_KEYS = ("group", "year", "source_kind", "consent", "consent_column", "consent_values", "open_questions",
             "identity_columns", "ignore_columns", "rosters", "roster", "speaker_roles", "speaker_names",
             "speaker_role", "sheet", "delimiter", "attribution", "attribution_template")


def unknown_meta_key(key: str) -> str | None:
    """``None`` for a metadata key copquotes reads (in any case or alias); else a one-line warning
    that lists the known keys, with the nearest one when ``key`` looks like a typo of it."""
    import difflib

    k = normalise_key(key)
    if k in META_KEYS:
        return None
    near = difflib.get_close_matches(k, list(META_KEYS) + list(KEY_ALIASES), n=1, cutoff=0.7)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return (f"metadata key {key!r} is not one copquotes reads{hint}; it is kept but nothing uses it. "
            f"Known keys: {', '.join(META_KEYS)}")


def normalise_key(key: str) -> str:
    k = re.sub(r"[\s\-]+", "_", str(key).strip().lower())
    return KEY_ALIASES.get(k, k)


def normalise_source_kind(value, where: str = "") -> str:
    v = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    if v in _KIND_ALIASES:
        return _KIND_ALIASES[v]
    raise ConfigError(
        f"{where}unknown source_kind {value!r}; use one of: {', '.join(SOURCE_KINDS)}"
    )


def split_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in re.split(r"[;,|]", str(value)) if v.strip()]


def normalise_meta(meta: dict | None, where: str = "", split_strings: bool = True) -> dict:
    """Normalise keys (aliases, case) and the values of the keys copquotes knows.

    ``split_strings``: a string value of a list key (``--meta open_questions=Q5,Q6``)
    is split on ``,;|``; manifests keep a string whole (a question text may hold commas).
    """
    out: dict = {}
    for key, value in (meta or {}).items():
        k = normalise_key(key)
        if value is None:
            continue
        if k == "source_kind":
            value = normalise_source_kind(value, where)
        elif k in LIST_KEYS:
            value = split_list(value) if (split_strings or isinstance(value, (list, tuple))) else [str(value).strip()]
        elif k in ("speaker_roles", "speaker_names"):
            if isinstance(value, str):
                pairs = [p.split("=", 1) for p in split_list(value) if "=" in p]
                value = {a.strip(): b.strip() for a, b in pairs}
            if not isinstance(value, dict):
                example = "{'Jane Smith': facilitator}" if k == "speaker_roles" else "{'Sam': 'Sam Lee'}"
                raise ConfigError(f"{where}{k} must map speaker labels to "
                                  f"{'roles' if k == 'speaker_roles' else 'roster names'}, e.g. {example}")
            value = {str(a): str(b) for a, b in value.items()}
        elif k in ("year", "group", "consent_column"):
            value = str(value).strip()
        elif k == "consent" and str(value).strip() and truthy(value) is None:
            # a file's consent decides quotes: a value that is neither yes nor no is refused, not guessed
            raise ConfigError(f"{where}consent must be yes or no, not {value!r} (leave it out when consent is "
                              f"not known: nobody's words are quoted then)")
        out[k] = value
    return out


_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-_–/]\s*((?:19|20)?\d\d)(?!\d)")
# an email address (a speaker label that is one, an answer that gives one)
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# a compact date as in Zoom's "GMT20240611-083000" or Teams' "-20240917_180212-Meeting Transcript"
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)")


def year_from_text(text: str) -> str | None:
    """``"2024-2025"`` / ``"2024"`` from a file or folder name, if it names one plainly.

    A date like ``2024-03-05`` is not taken as a range; two different years that are
    not a consecutive range are ambiguous and give None.
    """
    for m in _YEAR_RANGE.finditer(text):
        a, b = m.group(1), m.group(2)
        if len(b) == 2:
            b = a[:2] + b
        if int(b) == int(a) + 1:
            return f"{a}-{b}"
    years = sorted(set(_YEAR.findall(text)) | set(_COMPACT_DATE.findall(text)))
    if len(years) == 1:
        return years[0]
    return None


_I_CONSENT = re.compile(r"^i\s+(?:agree|consent|give\s+(?:my\s+)?(?:consent|permission)|am\s+happy|'m\s+happy|am\s+ok|'m\s+ok)\b")
_I_DECLINE = re.compile(r"^(?:i\s+)?(?:do\s+not|don't|did\s+not|didn't|would\s+not|wouldn't|would\s+rather\s+not|"
                        r"(?:would\s+)?prefer\s+not|decline|disagree|am\s+not|'m\s+not|withdraw|"
                        r"i'd\s+(?:rather|prefer)\s+not|please\s+(?:do\s+not|don't|never))\b"
                        # "I'd rather you didn't", "I'm not happy for you to" (not "I'm not sure", "I'm not bothered")
                        r"|^(?:i'd|i\s+would)\s+(?:rather|prefer)\s+(?:you\s+|it\s+)?(?:didn't|did\s+not|weren't|wasn't|not)\b"
                        r"|^(?:i'm|i\s+am)\s+not\s+(?:\w+\s+)?(?:happy|comfortable|ok|okay|willing|keen)\b")
# not a condition on the yes: the anonymity every quote has anyway ("Yes (no names)", "as long as
# I'm not named", "name withheld")
_ANONYMITY = re.compile(r"\b(?:provided|as\s+long\s+as|only\s+if|if)\s+(?:that\s+)?(?:it\s+is|it's|it\s+stays|they\s+are|"
                        r"i\s+am|i'm|i\s+stay|i\s+remain|my\s+name\s+is|i\s+can't\s+be|i\s+cannot\s+be)?\s*"
                        r"(?:kept\s+|left\s+|remains?\s+)?(?:anonymous\w*|de-?identified|not\s+named|unnamed)\b|"
                        r"\b(?:provided|as\s+long\s+as|only\s+if|if)\s+(?:that\s+)?i\s+(?:can't|cannot|can\s+not)\s+be\s+identified\b|"
                        r"\b(?:no|without|not\s+with)\s+(?:my\s+|any\s+)?(?:names?|identif\w*(?:\s+details)?)\b|"
                        r"\bnot\s+(?:be\s+)?(?:named|identified|identifiable)\b|\bnames?\s+(?:removed|withheld)\b|"
                        # double negatives that mean yes: "Yes, I don't mind", "no problem"
                        r"\b(?:do\s+not|don't)\s+mind\b|\bno\s+(?:problem|problems|worries|objection)\b|\bnot\s+a\s+problem\b")
_NO_MEANS_YES = re.compile(r"^(?:no\s+(?:problems?|worries|objection)|not\s+a\s+problem)\b")
# words that say yes only when little follows them ("Agreed", "That's fine", "Don't mind at all", "Only
# anonymously"); with more ("Agreed to take part", "Fine for the facilitator to see", "Granted in part")
# they are not read as a yes
_WEAK_YES = re.compile(r"^(?:agreed|granted|fine|(?:that's|that\s+is)\s+(?:totally\s+)?(?:fine|ok|okay)|"
                       r"(?:very\s+|quite\s+|totally\s+)?comfortable|(?:i\s+)?(?:do\s+not|don't)\s+mind|"
                       r"kaore\s+he\s+raruraru|(?:only\s+)?(?:anon(?:ymous(?:ly)?)?|anonymi[sz]ed|de-?identified)(?:\s+only)?)\b")
_WEAK_REST = re.compile(r"(?:\b(?:by|with)\s+(?:me|that|this|it)\b|\b(?:being|to\s+be)\s+quoted\b|\bat\s+all\b|"
                        r"\beither\s+way\b|\btotally\b|\breally\b|\bthanks?(?:\s+you)?\b|\bplease\b|\bonly\b|[\s.,!:;()-]|"
                        r"[\u263a\U0001F600-\U0001F60D\U0001F642\U0001F44D])*")


# ticks and crosses typed into a cell; emoji keep a variation selector (U+FE0F) that is taken off first
_VARIATION = re.compile(r"[\ufe0e\ufe0f]")
_TICKS = ("\u2713", "\u2714", "\u2705", "\u2611", "\U0001F5F8")
_CROSSES = ("\u2717", "\u2718", "\u274c", "\u2716", "\u274e")
_BRACKETED_MARK = re.compile(r"[\[(]\s*([^\s\[\]()]?)\s*[\])]")


def bare_mark(cell) -> str:
    """A tick-box cell as its mark alone: variation selectors taken off, "[x]" as "x", "[ ]" as "☐" (a box left
    empty); any other cell as it is (stripped)."""
    v = _VARIATION.sub("", str(cell or "")).strip()
    m = _BRACKETED_MARK.fullmatch(v)
    if m:
        return m.group(1) or "\u2610"
    return v


# yes and no alone in other languages of UK evaluations (whole cells, marks kept: "Ta" is thanks, "Na" and "Han"
# names): Irish tá, Welsh ie / na, oes, Polish tak / nie, Urdu and Punjabi haan / nahin (transliterated, and in
# Urdu, Gurmukhi and Devanagari script), with "ji" as politeness
_OTHER_YES = re.compile(r"(?:t\u00e1|ie|oes|tak|(?:ji\s+)?haan(?:\s*ji)?|\u06c1\u0627\u06ba|\u062c\u06cc\s+\u06c1\u0627\u06ba|"
                        r"\u0a39\u0a3e\u0a02|\u0939\u093e\u0901|\u0939\u093e\u0902)[\s.,!]*")
_OTHER_NO = re.compile(r"(?:na|nie|nahi+n?(?:\s*ji)?|\u0646\u06c1\u06cc\u06ba|\u0646\u06c1\u06cc|\u0a28\u0a39\u0a40\u0a02|"
                       r"\u0928\u0939\u0940\u0902)[\s.,!]*")
# a choice export's word for a box ticked or left empty, under a yes/no consent question ("Checked", "Not selected")
_TICK_WORD = re.compile(r"(?:checked|ticked|selected)[\s.!]*")
_UNTICK_WORD = re.compile(r"(?:un(?:checked|ticked|selected)|not\s+(?:checked|ticked|selected))[\s.!]*")


def _other_language(v: str) -> bool | None:
    """A whole cell's yes or no in one of :data:`_OTHER_YES` / :data:`_OTHER_NO` (before marks are folded), else None."""
    v = unicodedata.normalize("NFC", v)
    if _OTHER_YES.fullmatch(v):
        return True
    if _OTHER_NO.fullmatch(v):
        return False
    return None


def _few_words(v: str, allow_numeric: bool):
    """A consent cell's answer in a tick, a cross, te reo or a weak yes-word; "unread" if none."""
    if _TICK_WORD.fullmatch(v):
        return True    # "Checked", "Selected": a choice export's tick under a yes/no consent question
    if _UNTICK_WORD.fullmatch(v):
        return False   # "Unchecked", "Not selected"
    if v in _TICKS:
        return True    # a tick typed into a yes/no cell ("✓", "✔️", "✅", "☑️")
    if v in _CROSSES:
        return False   # a cross ("✗", "❌", "✖️", "❎")
    if v.endswith("?"):   # "Y?", "yes?": a guess typed is not a yes; "No?" is still no yes
        return None if truthy(v.rstrip("? "), allow_numeric, weak=True) is not False else False
    if _TE_REO_YES.fullmatch(v):
        return True
    if _TE_REO_NO.fullmatch(v):
        return False
    weak = _WEAK_YES.match(v)
    return _weak_yes(v[weak.end():]) if weak else "unread"


def _weak_yes(rest: str) -> bool | None:
    if _DANGLING_BUT.search(rest):
        return None
    rest = _ANONYMOUS_WORDS.sub(" ", _ANONYMITY.sub(" ", _ANON_CONDITION.sub(" ", _NO_LIMIT.sub(" ", rest))))
    if _TAKEN_BACK.search(rest) or _BUT.search(rest):
        return False
    if _not_sure(rest):
        return None
    return True if _WEAK_REST.fullmatch(rest) else None


# yes and no in te reo Maori and the Pacific languages many respondents here answer in (macrons folded):
# Maori ae / kao, kaore; Samoan ioe / leai; Tongan 'io / 'ikai; Cook Islands Maori ae / kare
_TE_REO_YES = re.compile(r"(?:ae|ioe|['\u02bb\u2018]io)[\s.,!]*")   # whole cells only: "Kare Tamihana" is a name
_TE_REO_NO = re.compile(r"(?:kao|kaore|leai|['\u02bb\u2018]ikai|kare)[\s.,!]*")
_FOLD_MARKS = re.compile(r"[\u0300-\u036f]")
_TAKEN_BACK = re.compile(r"\b(?:not|never|no|nor|none|withheld|withdrawn|declined|refused|denied|revoked|aggregate)\b|n't\b|"
                         # a yes with conditions someone has to check first is not a yes yet
                         r"\bconditions?\b|\bconditional|\bdepends?\b|\bonly\s+if\b|\bprovided\b|\bask\s+me\b|"
                         r"\bcheck\s+with\s+me\b|\bcontact\s+me\b|\b(?:see|approve|review)\s+(?:it|the\s+quote)\s+first\b|"
                         # a yes limited to some uses is not leave to publish ("Yes, for internal use only",
                         # "Yes, except social media", "Yes, in internal reports", "Yes, after I have seen it")
                         r"\bonly\b|\bexcept\b|\bexcluding\b|\bunless\b|\bafter\b|\bbefore\b|\binternal\w*\b|"
                         r"\bkeep\s+(?:it|them|this)\s+(?:off|out)\b|\bmaybe\b|\bperhaps\b|\bpossibly\b|"
                         # ... or to a condition or a check first ("once I've approved it", "subject to my
                         # approval", "if my manager agrees", "excl. social media", "for research purposes")
                         r"\bif\b|\bonce\b|\bsubject\s+to\b|\bpending\b|\bapprov\w*|\bsign-?off\b|\bsend\b|\bbeforehand\b|"
                         r"\bfirst\b(?!\s+name)|\bexcl\w*|\bapart\s+from\b|\bother\s+than\b|\bwithout\b|\bminus\b|\bwithin\b|"
                         r"\bpurposes?\b|\?|:-?\(|[\u2639\U0001F641\U0001F61E\U0001F615\U0001F622]|\bprobably\b|\b(?:al)?though\b|\bless\s+so\b|\bcheck\b|\bin\s+(?:principle|part)\b|"
                         r"\bto\s+a\s+point\b|\breservations?\b|\bawait\w*|\bas\s+long\s+as\b|\breview\w*|\bask\b|"
                         # ... or taken back, or lapsed since ("Yes - withdrew 3 May", "Yes until Dec 2024")
                         r"\bwithdr\w*|\brescind\w*|\bretract\w*|\bexpir\w*|\blapsed\b|\buntil\b|\bremoved?\b|"
                         r"\bcancel\w*|\brevok\w*|"
                         # a refusal after a friendly opening ("No worries, I'll pass", "No problem - decline")
                         r"\bto\s+be\s+confirmed\b|\btb[cd]\b|\bdecline\w*|\bpass\b|\bleave\s+(?:me|it|them)\s+out\b|\bleft\s+out\b|\bnah\b|\bopt\w*\s+out\b")
# a yes that is hedged ("Yes, I think so", "Okay I guess", "Yes I suppose") or given to another use than
# publishing ("Yes for research", "Yes, for the evaluation", "Happy for staff to see", "Happy to be
# contacted"): not read (neither a yes nor a no); the evaluation report itself is a publication (:data:`_THE_REPORT`)
_NOT_SURE = re.compile(r"\bi\s+think\b|\bthink\s+so\b|\bguess\b|\bsuppose\b|\bresearch\b|\bevaluat\w*|"
                       # hedges h117's review found ("Yes (unsure)", "Yes I believe so", "Yes, I hope so", "Yes - unclear",
                       # "Yes, I reckon"), and a yes said for someone by another ("yes (per manager)", "according to Jo")
                       r"\bunsure\b|\bnot\s+(?:sure|certain)\b|\buncertain\b|\bunclear\b|\bbelieve\b|\bhope\w*|\breckon\w*|"
                       r"\bpresum\w*|\bassum\w*|\bapparently\b|\bi\s+(?:feel|expect|imagine|gather)\b|\bshould\s+be\b|"
                       r"\b(?:fairly|pretty|quite)\s+sure\b|\b(?:kind|sort)\s+of\b|\bkinda\b|\bsorta\b|\bmostly\b|\blikely\b|"
                       r"\bi(?:\s+would|'d)\s+say\b|\bthink\b|\bas\s+far\s+as\s+i\s+know\b|\bafaik\b|\btentative\w*|\bin\s+theory\b|"
                       r"\bfor\s+(?:now|the\s+(?:time\s+being|moment))\b|\bproxy\b|\b(?:the\s+)?(?:funders?|board|trustees?)\b|"
                       # ... or a yes from before, still to be talked over, or as far as someone is aware
                       # ("Yes, originally", "Yes - to discuss", "Yes, as far as I'm aware")
                       r"\b(?:originally|initially|previously)\b(?!\W*(?:said\s+)?(?:no|n)\b)|\bto\s+(?:be\s+)?discuss\w*|\bunder\s+discussion\b|"
                       r"\bas\s+far\s+as\s+(?:i|we)(?:'m|'re|\s+am|\s+are)\s+aware\b|"
                       r"-?\bish\b|\bdoubt\w*|\bunconfirmed\b|\bunverified\b|\bper\s+(?!(?:the\s+|my\s+|a\s+|signed\s+)*(?:consent\s+)?form\b)|\baccording\s+to\b|\bon\s+behalf\b|"
                       r"\bto\s+(?:see|read|view|look\s+at)\b|\bcontact\w*|\bstaff\b|\bmanager\b|\bcolleagues?\b|"
                       # ... or from a minor, whose yes is not a valid consent on its own ("Yes (under 18)", "yes - I'm 16",
                       # "Yes (parent consent attached)"): a reviewer checks a parent's or guardian's consent
                       r"\bunder\s*-?\s*(?:1[0-8]|age)(?!\d)|\bunderage\b|\bminor\b(?!\s+\w)|"
                       r"\b(?:i'm|im|i\s+am|aged?)\s*:?\s*(?:[5-9]|1[0-7])(?![\d+])"
                       # (not years of work: "I'm 16 years into this work", "12 yrs in the sector")
                       r"(?!\s*(?:years?|yrs?)\s+(?:in|into|of|on|with|working|experience|doing)\b)|"
                       r"(?<![\d.])(?:[5-9]|1[0-7])\s*(?:yo|y/o|(?:yrs?|years?)\s+(?:old|of\s+age))\b|"
                       r"\b(?:year|yr|grade)\s*(?:[5-9]|1[0-2])\s+(?:student|pupil)\b|\b(?:high|secondary|primary)\s+school\s+(?:student|pupil)\b|"
                       r"\b(?:parent(?:al)?|guardian)(?:\s*/\s*(?:guardian|carer))?(?:'s)?\s+(?:consent|permission|approval|signature|"
                       r"sign\w*|ok|okay|agreed|to\s+(?:sign|confirm|agree|consent))|"
                       r"\b(?:consent|permission|approval|signed|agreed)\s+(?:from|by)\s+(?:my\s+|a\s+|the\s+)?(?:parent|guardian|mum|mom|dad|carer)")
# the evaluation report, where these quotes are published, named at the end of a yes ("Yes, in the evaluation report",
# "Yes - for the report", "Yes (final evaluation report)"): no other use; never an internal, research, staff or board
# report, nor one with more said after it ("... to the funder", "... and my school")
_THE_REPORT = re.compile(r"(?:\b(?:in|for|into|within)\s+|[-(\[,:]\s*)(?:(?:the|our|your|this|its|an?|any)\s+)?"
                         r"(?:(?:final|evaluation|annual|public|published|program(?:me)?|cop|series|end[\s-]+of[\s-]+series)\s+)*"
                         r"reports?\b(?=(?:[\s.!)\]]|\bplease\b|\bthanks?\b|\bthank\s+you\b)*$)")
# ... or to an audience that is not the public ("Yes, for partners", "yes - CoP members", the intranet, a notice
# board), unless the public is named too ("share with partners and the public", "members and our website")
_NOT_PUBLIC_AUDIENCE = re.compile(
    r"(?:\b(?:for|to|with|among|amongst|within)\s+(?:\w+\s+){0,2}?|[-(\[,:]\s*(?:\w+\s+)?)(?:partners?|members?)\b"
    r"(?!\s+(?:of\s+the\s+public|in\s+prevention))|\bintranet\b|\bnotice\s*-?\s*boards?\b|"
    r"\b(?:members?'?|partners?'?)\s+(?:newsletters?|e-?news|e-?bulletins?|bulletins?|reports?|updates?|briefings?|"
    r"meetings?)\b|\bmembership\b|\bsharepoint\b|\bteams\s+(?:channel|site|chat)\b|\b(?:with|to)\s+the\s+group\b")
PUBLIC_TOO = re.compile(r"\b(?:the\s+)?public(?:ly)?\b(?!\s+(?:servants?|sector|health|service))|\bpublish\w*|"
                        r"\bweb\s*-?\s*sites?\b|\bonline\b|\bsocial\s+media\b|\bannual\s+reports?\b")


def _not_sure(text: str) -> bool:
    """A hedge, another use than publishing, or an audience that is not the public (:data:`_NOT_SURE`); the
    evaluation report named as where the words go is none of these (:data:`_THE_REPORT`)."""
    said = _THE_REPORT.sub(" ", text)
    return bool(_NOT_SURE.search(said) or _KEPT_BACK.search(said)
                or (_NOT_PUBLIC_AUDIENCE.search(said) and not PUBLIC_TOO.search(text)))


# a yes that points elsewhere or keeps something back ("Yes, however", "Yes, with caveats", "Yes (see email)",
# "Yes, partially", "Yes (will confirm in writing)"), or from someone of school age said another way
# ("Yes, I'm sixteen", "Yes (Year 10)", "Yes (16)", "Yes (student, 15)"): a reviewer reads it
_KEPT_BACK = re.compile(
    r"\bhowever\b|\bcaveats?\b|\bexceptions?\b|\bpartially\b|\bpartly\b|\bsome\s+of\s+it\b|\bin\s+part\b|"
    r"\bsee\s+(?:my\s+|the\s+)?(?:e-?mail|notes?|attached|attachment|comments?|below|above|form)\b|"
    r"\bwill\s+confirm\b|\bto\s+follow\b|"
    r"\b(?:i'm|im|i\s+am|aged?|age)\s*:?\s*(?:five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen)\b(?!\s*(?:years?|yrs?)\s+(?:in|into|of|on|with|working|experience|doing)\b)|"
    r"[(\[]\s*(?:year|yr|grade)\s*(?:[5-9]|1[0-2])\s*[)\]]|\b(?:i'm|im|i\s+am)\s+in\s+(?:year|yr|grade)\s*(?:[5-9]|1[0-2])\b|"
    r"[(\[]\s*(?:[5-9]|1[0-7])\s*[)\]]|"
    r"\bstudent\W+(?:[5-9]|1[0-7])\b")
# a "but" with nothing after it ("Yes, but", "Yes but..."): the limit it started is not known, so no yes
_DANGLING_BUT = re.compile(r"\bbut\W*$")
# the anonymity words themselves, after the phrases above ("Yes, but anonymously", "Yes - only anonymously")
_ANONYMOUS_WORDS = re.compile(r"\b(?:keep(?:ing)?\s+(?:it|me|them|this)\s+)?(?:only\s+)?(?:anonymous\w*|anonymi[sz]ed|"
                              r"de-?identified|unnamed|anon)(?:\s+only)?\b|\bplease\b|\binternal(?:ly)?\s+and\s+external(?:ly)?\b|"
                              r"\bno\s+restrictions?\b|\bgo\s+ahead\b|"
                              r"\bthanks?(?:\s+you)?\b")
# "but" with something after it (what is left once the anonymity is taken out) limits the yes
_BUT = re.compile(r"\bbut\b[\s,.;:!-]*\w")


# the opening of an answer that is a condition put on quoting ("Only if ...", "As long as ...", "Provided ...")
_CONDITION_OPENS = re.compile(r"^(?:but\s+)?(?:only\s+)?(?:if|when|(?:as|so)\s+long\s+as|provid(?:ed|ing)(?:\s+that)?|"
                              r"on\s+(?:the\s+)?condition(?:\s+(?:that|of))?|without|with(?=\s+(?:my\s+)?(?:full\s+)?names?\b))\b")
# a condition of anonymity, which every quote meets ("[only if] anonymous", "my name isn't used", "I can't be
# identified", "no names"); never "if I'm identified" or "if my name is used" (those ask to be named)
_ANON_CONDITION = re.compile(
    r"(?:(?:\b(?:but\s+)?(?:only\s+)?(?:if|when|(?:as|so)\s+long\s+as|provid(?:ed|ing)(?:\s+that)?|on\s+(?:the\s+)?condition"
    r"(?:\s+(?:that|of))?)\s+|\band\s+)"
    r"(?:(?:it|this|that|they|quotes?|the\s+quotes?|my\s+(?:comments?|words|quotes?|answers?|responses?|feedback)|i)"
    r"(?:'s|'re|'m|'ll\s+be|\s+(?:is|are|am|stays?|remains?|will\s+be|gets?|be))?\s+)?"
    r"(?:(?:kept|left|totally|completely|fully|100%)\s+)?"
    r"(?:anonymous(?:ly)?|anonymi[sz]ed|anon|de-?identified|unnamed|unattributed|not\s+(?:named|identif(?:ied|iable)|attributed)|"
    r"unidentifi(?:ed|able))\b|"
    r"(?:\b(?:but\s+)?(?:only\s+)?(?:if|when|(?:as|so)\s+long\s+as|provid(?:ed|ing)(?:\s+that)?|on\s+(?:the\s+)?condition"
    r"(?:\s+(?:that|of))?)\s+|\band\s+)"
    r"(?:(?:my\s+)?(?:full\s+)?name\s+(?:(?:(?:is|will|does|do|would)\s+not|isn't|won't|doesn't|wouldn't|(?:is\s+)?never|not)\s+"
    r"(?:be\s+|get\s+|being\s+)?(?:used|included|given|mentioned|shown|published|attached|printed|disclosed|revealed|linked|"
    r"appear\w*|there)|(?:(?:is|gets?|will\s+be|'s)\s+)?(?:removed|withheld|left\s+(?:off|out)|kept\s+(?:out|off|private|"
    r"confidential|anonymous)|omitted|redacted|taken\s+(?:off|out)))|"
    r"(?:there(?:'s|\s+is|\s+are)\s+)?no\s+(?:names?|identifying\s+(?:details|information|info))"
    r"(?:\s+(?:is|are)\s+(?:used|given|attached|included))?(?:\s+(?:attached|used|given))?|"
    r"i\s+(?:can't|cannot|can\s+not|won't|will\s+not|am\s+not|'m\s+not)\s+(?:be\s+)?(?:identified|named|identifiable|"
    r"recogni[sz]ed|recogni[sz]able)|"
    r"(?:nobody|no\s+one)\s+(?:can|could|will|would)\s+(?:tell|know|identify|work\s+out)\s+(?:it's|it\s+is|it\s+was)\s+me|"
    r"(?:you|we|they)\s+(?:don't|do\s+not|won't|will\s+not)\s+(?:use|include|mention|give|print|publish)\s+my\s+(?:full\s+)?name|"
    r"with\s+my\s+(?:full\s+)?name\s+(?:removed|withheld|left\s+(?:off|out)|taken\s+(?:off|out)|omitted|redacted))\b|"
    r"\bwithout\s+(?:my\s+|any\s+)?(?:names?|identifying\s+details)\b|"
    # "(Only) with my name removed", "with name taken out": the name alone, never "with my name (and school) removed"
    r"\b(?:but\s+)?(?:only\s+)?with\s+(?:my\s+)?(?:full\s+)?name\s+(?:removed|withheld|left\s+(?:off|out)|"
    r"taken\s+(?:off|out)|omitted|redacted)\b)"
    # ... and nothing joined on to it ("if my name is removed and my school", "with my name removed from the newsletter")
    r"(?!\s*,?\s*(?:and|&|\+|/|or|from|in|on|for|but|to|with|except|unless|until|plus)\s+\w)")
_SAD = re.compile(r":-?\(|[\u2639\U0001F641\U0001F61E\U0001F615\U0001F622]")
# what may be left around a condition of anonymity for it to be the whole answer
_FILLER = re.compile(r"(?:[\s.,!;:&+()-]|\bplease\b|\bthanks?(?:\s+you)?\b|\bof\s+course\b|\bthen\b|\bonly\b|\bok(?:ay)?\b|"
                     r"\bfine\b|\bsure\b|\byes\b|\botherwise\s+(?:no|not)\b)*")
# words that say a yes has no limit ("Yes - no conditions", "for all purposes", "no need to check with me"), and a
# name kept out, the anonymity every quote has ("Yes but not my name", "Yes, but don't use my name"): no limit
_NO_LIMIT = re.compile(
    r"\bno\s+(?:conditions|restrictions|limits|caveats)\b|\bfor\s+(?:all|any)\s+(?:purposes?|uses?)\b|"
    r"\bno\s+need\s+to\s+(?:check|ask|contact)(?:\s+(?:with\s+)?me)?(?:\s+first)?\b|"
    r"\b(?:but\s+)?(?:please\s+)?(?:not|don't|do\s+not)\s+(?:use\s+|include\s+|mention\s+|give\s+|print\s+|publish\s+)?"
    r"my\s+(?:full\s+|real\s+)?name\b(?!\s+(?:and|or|,))|"
    r"\b(?:but\s+)?(?:please\s+)?(?:remove|omit|withhold|redact|(?:leave|take|keep)\s+(?:out|off))\s+my\s+(?:full\s+|real\s+)?name"
    r"\b(?!\s*,?\s*(?:and|or|&|\+|/|from|in|on|for|to|with|but|plus)\s+\w)|"
    r"\b(?:but\s+)?(?:please\s+)?(?:leave|take|keep)\s+my\s+(?:full\s+|real\s+)?name\s+(?:out|off)\b"
    r"(?!\s*,?\s*(?:and|or|&|\+|/|from|in|on|for|to|with|but|plus|of\s+(?!it\b|the\s+(?:quote|report)\b))\s*\w)")
# a condition about the quote: its anonymity, a name, seeing or approving it, someone's say-so
_ABOUT_THE_QUOTE = re.compile(r"\b(?:anonym\w*|anon|names?|named|identif\w*|de-?identified|quot\w*|see|seen|read|check\w*|"
                              r"approv\w*|review\w*|wording|edit\w*|consent\w*|permission|ask\w*|contact\w*|manager|"
                              r"first|recogni[sz]\w*|attribut\w*|publish\w*|used?|shared?|agree\w*)\b")


# a yes that asks to be named: a condition no anonymous quote meets ("Yes, with my name", "Yes, use my full name",
# "Yes, named", "Yes, please credit me"); never "with my name removed" or "don't use my name"
_WANTS_NAME = re.compile(r"(?<!n't\s)(?<!not\s)(?<!never\s)\b(?:with|use|using|include|including|credit|under|give|print)\s+"
                         r"(?:my\s+|me\s+by\s+(?:my\s+)?)?(?:full\s+|real\s+|first\s+|own\s+)?name\b"
                         r"(?!\s+(?:removed|withheld|taken\s+out|left\s+(?:off|out)|hidden|changed|omitted))|"
                         r"(?<!n't\s)(?<!not\s)\b(?:named|credit\s+me|attribut\w*\s+to\s+me|by\s+name)\b")
_YES_WORDS = re.compile(r"^(y|yes|yep|yup|yea|yeah|true|t|agree|i agree|ok|okay|consent|consented|given|happy|sure|of course|"
                        r"certainly|absolutely|definitely|go ahead|feel free)\b")


def unsure_yes(value) -> bool:
    """A yes that is hedged or given to another use ("Yes, I think so", "Yes for research"): an answer to a
    consent question that :func:`truthy` does not read; finding the consent column counts it as an answer."""
    v = str(value or "").strip().lower().replace("\u2019", "'")
    if conditional_yes(v):
        return True
    return bool((_YES_WORDS.match(v) or _I_CONSENT.match(v) or _WEAK_YES.match(v))
                and (_not_sure(v) or _DANGLING_BUT.search(v)))


def conditional_yes(value) -> bool:
    """An answer that puts a condition on quoting instead of a yes ("Only if anonymous", "As long as I
    can see it first"): an answer to a consent question (a short one, about the quote), not open text."""
    v = str(value or "").strip().lower().replace("\u2019", "'")
    return bool(_CONDITION_OPENS.match(v)) and len(v.split()) <= 15 and bool(_ABOUT_THE_QUOTE.search(v))


def truthy(value, allow_numeric: bool = True, weak: bool = False) -> bool | None:
    """yes/no-ish values to True/False; anything else None.

    ``allow_numeric=False`` leaves ``1``/``0`` undecided: a survey export with
    numeric choice codes (Qualtrics "Yes"=1, "No"=2) cannot be read safely.
    ``weak=True`` also reads the answers read only once a cell is known to answer the consent
    (ticks and crosses, a trailing "?", te reo and Pacific yes/no, "Agreed", "Fine", "Don't mind");
    finding which column is the consent, or which cell is a name, goes by the plain yes/no words alone.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if not v:
        return None
    if allow_numeric and v in ("1", "1.0"):
        return True
    if allow_numeric and v in ("0", "0.0"):
        return False
    v = v.replace("\u2019", "'")
    v = re.sub(r"^(?:verbal(?:ly)?|written|signed|oral|emailed|email)\s+(?=\w)", "", v)  # "Verbal consent", "Written yes"
    if re.fullmatch(r"y(?:es)?\s*/\s*no?", v):
        return None   # a form's "Y/N" left unfilled
    v = re.sub(r"^\d{1,2}\s*(?:[-=:)]|\.\s)\s*(?=[a-z])", "", v)   # an answer code beside its label: "1 - Yes", "2 = No"
    if weak:
        said = _other_language(v)
        if said is not None:
            return said
        if not v.isascii():
            v = _FOLD_MARKS.sub("", unicodedata.normalize("NFKD", _VARIATION.sub("", v))).strip()   # "Āe" as "ae", "✔️" as "✔"
        said = _few_words(v, allow_numeric)
        if said != "unread":
            return said
    no_means_yes = _NO_MEANS_YES.match(v)   # "No problem", "No worries, go ahead", "Don't mind"
    if not no_means_yes and (re.match(
            r"^(n|no|nope|false|f|disagree|do not|don'?t|not|decline|declined|withheld|refused|withdrawn|withdrew|"
            r"revoked|opted out|opt out|opt-out|opted-out|rather not|never(?!\s+(?:mind|bothered|fussed|worried))|"
            r"nah(?![\s,.!-]+(?:yeah|yes)))\b", v) or _I_DECLINE.match(v)):
        return False
    if no_means_yes or _YES_WORDS.match(v) or _I_CONSENT.match(v):
        # a yes with a condition that takes it back ("Yes, but please don't quote me", "Consent not
        # given", "Happy for it to be used but not quoted", "Yes, in aggregate only") is not consent
        rest = _ANONYMOUS_WORDS.sub(" ", _ANONYMITY.sub(" ", _ANON_CONDITION.sub(" ", _NO_LIMIT.sub(" ", v))))
        if _TAKEN_BACK.search(rest) or _BUT.search(rest):
            return False
        if _WANTS_NAME.search(rest):
            return None   # "Yes, with my name", "Yes, please credit me": every quote is anonymous, a reviewer asks
        return None if _not_sure(rest) or _DANGLING_BUT.search(v) else True
    if _CONDITION_OPENS.match(v):
        # a yes said as its condition ("Only if anonymous", "As long as my name isn't used"): the anonymity every
        # quote has meets it; any other condition ("Only if I can see it first") is for a reviewer to check
        return True if _FILLER.fullmatch(_ANON_CONDITION.sub(" ", v)) and not _SAD.search(v) else None
    # exports from European locales (an employer network abroad): ja / oui / sí ... nein / non / nee;
    # a yes with more words than thanks is not read (its conditions are in another language)
    if re.match(r"^(ja|oui|si|sí|sì|sim|jawohl)[\s.,!]*(?:(?:bitte|danke|merci|gracias|grazie|obrigad[oa])[\s.,!]*)?$", v):
        return True
    if re.match(r"^(nein|non|nee|não|nao|nej)(?:[\s.,!]|$)", v):
        return False
    # Welsh and Irish: ydw / ydy (yes, I do / it is) alone; nac ydw, nac ydy, nac oes, níl, ní hea (no)
    if re.fullmatch(r"(?:ydw|ydy)(?:\s+i)?[\s.!]*", v):
        return True
    if re.match(r"^(?:nac\s+(?:ydw|ydy|oes|ydyn|ydych)|n[ií]l|n[ií]\s+hea)(?:[\s.,!]|$)", v):
        return False
    return None


# a question or header whose "yes" refuses leave to quote: "Would you prefer that we do not quote your
# comments?", "Please tick if you don't want to be quoted", "Opt out of being quoted", "Rather stay unquoted", "Withdraw permission to
# quote", "Leave my comments out of published quotes", "Do not quote". Not a "not" about a name ("we will not
# publish your name") or about something other than the words.
_REFUSAL = re.compile(
    r"^\W*i\s+(?:do\s+not|don't|will\s+not|won't)\s+(?:give|grant)\s+(?:my\s+|any\s+)?(?:permission|consent)\b|"
    r"(?:\bnot|n't|\bnever)\s+(?:\w+\s+){0,5}?(?:quot\w*|publish\w*|shar(?:e|ed|ing)|us(?:e|ed|ing)|includ\w*|featur\w*)\b"
    r"(?!\s+(?:\w+\s+)?(?:name|names|surname|identity|details|e-?mail|photo\w*)\b)|"
    r"\bunquot\w*|\bopt(?:s|ed|ing)?[\s-]*out\b|\b(?:withdr[ae]w\w*|revok\w*|withh[eo]ld\w*|rescind\w*|retract\w*|declined|refused)\s+(?:\w+\s+){0,2}"
    r"(?:consent|permission|agreement)\b|"
    r"\bwithdr[ae]w\w*\s+(?:from\s+)?(?:\w+\s+)?quot\w*|\bquot\w*\s+(?:consent\s+|permission\s+)?(?:withdrawn|withdrawal|revoked|removed|"
    r"declined|refused|withheld|rescinded|retracted)\b|"
    # "Consent no longer given", "No longer consents to quotes", "No longer happy to be quoted"
    r"\b(?:consent|permission)\s+(?:is\s+)?no\s+longer\b|\bno\s+longer\s+(?:\w+\s+){0,2}?(?:consent\w*|agree\w*|happy|willing|ok)\b|"
    # the taken-back word after it ("Quote consent withdrawn", "Consent to quote - revoked"); not "can be withdrawn"
    r"\b(?:consent|permission|agreement)(?:\s+to\s+(?:quote|be\s+quoted|publish))?\s*[-:(]?\s*(?:withdrawn|revoked|"
    r"withheld|rescinded|retracted|refused|declined|cancell?ed|removed)\b|\bleave\s+(?:\w+\s+){0,3}out\b|"
    r"\bexclud\w*\b|\bobject\w*\s+to\b|\bdnq\b|\b(?:do|would|will)\s+you\s+mind\b|\bmind\s+(?:if\s+we|us|being|having)\b|\bkeep\s+(?:\w+\s+){0,3}out\s+of\b|"
    r"\bkeep\s+(?:my|your|our|their)\s+(?:comments|words|answers|responses|feedback)\s+(?:\w+\s+){0,3}?out\s+of\b", re.I)


# an instruction to tick beside a consent ("(tick if you agree)", "- leave blank if you do not agree", "Tick only if you
# consent"): how to answer, not what is asked; never "Tick if you do NOT want to be quoted" (a refusal)
_TICK_INSTRUCTION = re.compile(
    r"[(\[]\s*(?:please\s+)?(?:(?:tick|check|select|mark|cross)\b[^()\[\]]*?\b(?:if|to|when)\s+(?:you\s+)?(?:agree|consent|"
    r"accept|are\s+happy|do|yes)\b(?!\s+not\b)|leave\b[^()\[\]]*?\b(?:blank|empty|unticked|unchecked)\b)[^()\[\]]*[)\]]|"
    r"(?:(?<=\S)\s*[-\u2013\u2014:;,.]\s*|(?<=\S)\s+)(?:please\s+)?(?:tick|check|mark|select|cross)\s+(?:(?:this|the)\s+box\s+|here\s+|below\s+)?"
    r"(?:only\s+)?(?:if|to|when)\s+(?:you\s+)?(?:agree|consent|accept|are\s+happy|do|yes)\b(?!\s+not\b)[^.;:?!()]*|"
    r"(?:(?<=\S)\s*[-\u2013\u2014:;,.]\s*|(?<=\S)\s+)(?:please\s+)?leave\s+(?:(?:it|this(?:\s+box)?|the\s+box|empty|blank)\s+)?(?:blank|empty|unticked|"
    r"unchecked)?\s*(?:if\s+(?:you\s+)?(?:do\s+not|don't|disagree|not|no)\b[^.;:?!()]*|otherwise\b)", re.I)


def without_tick_instruction(text: str) -> str:
    """``text`` without an instruction to tick if agreeing or leave blank if not (:data:`_TICK_INSTRUCTION`)."""
    return _TICK_INSTRUCTION.sub(" ", text or "").strip(" .:;,-\u2013\u2014")


def has_tick_instruction(text: str) -> bool:
    return bool(_TICK_INSTRUCTION.search(text or ""))


def refuses_quotes(question: str) -> bool:
    """Whether a consent-like question or header asks who must NOT be quoted (its "yes" is a refusal).

    What is asked is the last sentence that ends in a question mark, if any ("If you do not want to be
    quoted you can still take part. Can we quote you?" asks for leave to quote); an aside in brackets
    of a question that asks for leave ("Are you happy for us to quote you (you can opt out later)?",
    "Can we quote your comments (excluding your name)?") is no refusal."""
    q = without_tick_instruction((question or "").replace("\u2019", "'"))
    asked = re.findall(r"[^.?!\n]*\?", q)
    q = asked[-1] if asked else q
    bare = re.sub(r"\([^()]*\)", " ", q)
    said = bare if bare != q and _ASKS_LEAVE.search(bare) else q
    return bool(_REFUSAL.search(said)) and bool(re.search(r"quot|publi|report|dnq|words|comments|feedback|answers|"
                                                          r"responses|stor(?:y|ies)", q, re.I))


# a request for leave to quote, outside its brackets: "Can we", "Are you happy", "Do you consent"
_ASKS_LEAVE = re.compile(r"\b(?:can|may|could)\s+(?:we|i|our)\b|\bare\s+you\s+(?:happy|ok|okay|willing|comfortable)\b|"
                         r"\b(?:is\s+it|are\s+we)\s+(?:ok|okay|alright|all\s+right|fine)\b|"
                         r"\bdo\s+you\s+(?:consent|agree|give)\b|\bconsent\s+to\b|\bpermission\s+to\b", re.I)


_NOT_MINDING = re.compile(r"^(?:no|nope|nah)?[\s,.;:!-]*(?:i\s+)?(?:(?:do\s+not|don't|wouldn't|would\s+not)\s+(?:mind|be\s+bothered)|"
                          r"not\s+bothered)\b", re.I)
_NO_START = re.compile(r"^(?:no|nope|nah|n)\b(?![\s-]*(?:problems?|worries|objection)\b)", re.I)
# a yes to a refusal question, however hedged ("Yes, I think so", "Yeah I guess", "Yes (is that ok?)")
_YES_START = re.compile(r"^(?:y|yes|yep|yeah|yea|ya|true|t|please|definitely|absolutely)\b(?![\s,.!-]*not\b)")
_REFUSAL_WORDS = re.compile(r"\brather\b|\bprefer\b|\bexclud\w*|\bleave\b|\bout\b|\bwithdr\w*|(?:\bnot|n't)\s+(?:\w+\s+){0,2}quot", re.I)
_OPTED_OUT = re.compile(r"(?:i\s+)?(?:have\s+|'ve\s+)?opt(?:s|ed)?[\s-]*out\b", re.I)


def same_words(a: str, b: str) -> bool:
    words = lambda t: re.findall(r"\w+", t.lower())  # noqa: E731
    return bool(words(a)) and words(a) == words(b)


# a box ticked ("x", "✓", "1", "Checked") or left unticked ("0", "Unchecked") in a refusal column
_TICKED = re.compile(r"[xX\u2713\u2714\u2717\u2718\u2611\u2612\u2705\u274c\u2716]|1|ticked|checked|selected", re.I)
_UNTICKED = re.compile(r"0|\u2610|un(?:ticked|checked|selected)|not\s+(?:ticked|checked|selected)", re.I)


# a cell of a column of who must NOT be quoted that says the refusal in a word ("Declined", "Refused",
# "Withdrawn 3/5", "Revoked"): the refusal the column asks about, not a no to it
_REFUSAL_IN_A_WORD = re.compile(r"^\W*(?:withdr[ae]w\w*|revok\w*|declin\w*|refus\w*|rescind\w*|retract\w*|withh[eo]ld\w*)\b", re.I)


def refusal_said(cell, question: str | None = None) -> bool | None:
    """The answer in a column asking who must NOT be quoted: yes or a tick (the refusal), no or no
    tick, or None when it says neither. A checkbox export writes the option's own words for a tick
    ("Tick this box to opt out of having your comments quoted"); a cell that says the refusal in
    words ("I do NOT want to be quoted", "Opted out 14/8") is one too."""
    v = (cell or "").strip()
    if _TICKED.fullmatch(bare_mark(v)) or (question and same_words(v, question)):
        return True
    after_but = re.split(r"\bbut\b", v, maxsplit=1, flags=re.I)
    if len(after_but) == 2 and refuses_quotes(after_but[1]):
        return True    # "I don't mind, but please don't quote me"
    if _REFUSAL_IN_A_WORD.match(v):
        return True    # "Declined", "Withdrawn 3/5": the refusal itself
    if _NOT_MINDING.match(v):
        return False   # "No, I don't mind being quoted", "Not bothered"
    no = _NO_START.match(v)
    if no:   # "No", "Nope, happy to be quoted"; "Nah, rather not" says neither
        return None if _REFUSAL_WORDS.search(v[no.end():]) else False
    if _OPTED_OUT.match(v) or refuses_quotes(v) or _YES_START.match(v.lower()):
        return True    # "I do not want my comments quoted", "Yes, I think so"
    weak = _WEAK_YES.match(v.lower())
    if weak:   # "Fine, leave me out" refuses; "Fine to quote me" does not; "Fine" alone says neither
        rest = v[weak.end():]
        if _REFUSAL_WORDS.search(rest):
            return True
        return False if re.search(r"\bquot", rest, re.I) else None
    if _UNTICKED.fullmatch(bare_mark(v)):
        return False
    return truthy(v, allow_numeric=False, weak=True)


# a column of who took their consent back and when ("Consent withdrawn", "Date consent withdrawn", "Withdrawal date",
# "Withdrawn (Y/N)", "Opted out"): not a statement of the right to withdraw ("I understand I can withdraw at any time")
_WITHDRAWAL_HEADER = re.compile(r"^(?:(?:date|day)\s+(?:of\s+)?)?(?:(?:quote|quotation)\s+)?"
                                r"(?:(?:consent|permission|participant)\s+)?"
                                r"(?:to\s+(?:quote|be\s+quoted|participate|take\s+part)\s+)?(?:withdrawn|withdrawal|withdrew|"
                                r"revoked|rescinded|opted\s*-?\s*out|opt\s*-?\s*out)(?:\s+(?:date|on|from\s+(?:study|evaluation|"
                                r"research|quotes?)|of\s+consent|consent))?$", re.I)
# a cell there that says nobody withdrew: empty, no, unticked, a dash, n/a
_NOT_WITHDRAWN = re.compile(r"(?:n|no|nope|false|0|not\s+withdrawn|un(?:ticked|checked|selected)|\u2610|\[\s*\]|-+|"
                            r"n/?a|none|nil)[\s.!]*", re.I)


def withdrawal_header(header: str) -> bool:
    """Whether a survey or roster column records who withdrew their consent (its date, a yes, a tick)."""
    h = re.sub(r"\([^()]*\)|\[[^\]]*\]|[?:*#]", " ", (header or "").lower()).replace("_", " ")
    return bool(_WITHDRAWAL_HEADER.fullmatch(re.sub(r"\s+", " ", h).strip(" .-")))


def withdrawn(cell) -> bool:
    """Whether a cell of a withdrawal column says the person withdrew: anything written there (a date, "Yes",
    a tick, "by email 4/4") but an empty cell or a plain no."""
    v = (cell or "").strip()
    return bool(v) and not _NOT_WITHDRAWN.fullmatch(v)


# a staff notes column ("Notes", "Admin notes", "Notes (staff)"): where a team writes down a consent taken back
_NOTES_HEADER = re.compile(r"^(?:(?:admin|staff|internal|evaluator|evaluation|team|researcher|facilitator)\s+)?"
                           r"(?:notes?|remarks)$", re.I)
_NOTE_REFUSES = re.compile(
    r"\b(?:withdr[ae]w\w*|revok\w*|rescind\w*|retract\w*|opt(?:s|ed)?[\s-]*out|declin\w*|refus\w*)\b|"
    r"\b(?:do\s+not|don't|not\s+to|never)\s+quote\b|\bdnq\b|\bno\s+(?:quote\s+)?(?:consent|permission)\b|"
    r"\b(?:did\s+not|didn't|does\s+not|doesn't|not)\s+(?:give\s+)?(?:consent|agree)\w*\b|"
    r"\b(?:consent|permission)\s+(?:not\s+given|withheld|refused|declined)\b", re.I)


def notes_header(header: str) -> bool:
    """Whether a survey or roster column holds the team's notes about the person (not their answers)."""
    h = re.sub(r"\([^()]*\)|[?:*#_]", " ", header or "")
    return bool(_NOTES_HEADER.fullmatch(re.sub(r"\s+", " ", h).strip(" .-")))


# the team's own notes column beside the answers, named for who writes it or for the office ("Admin notes", "Staff
# notes", "Researcher's comments", "Interviewer notes", "Notes (staff)", "Comments (office use)", "For office use only"):
# never a respondent's words; a question that merely holds "notes" or "comments" ("Any other comments?", "Notes on
# your experience", "Comments on the facilitator", "Any comments for the research team?") is not one
_STAFF_WHO = (r"(?:admin(?:istrat(?:ion|or|ive))?|staff|internal|office|interviewer|researcher|research(?:\s+team)?|"
              r"evaluator|evaluation(?:\s+team)?|project(?:\s+(?:team|officer|staff))?|team|coder|coding|analyst|reviewer|"
              r"note[\s-]?taker|data\s+entry)")
_STAFF_USE = rf"(?:for\s+)?(?:{_STAFF_WHO})\s+use(?:\s+only)?"
_STAFF_NOTES_HEADER = re.compile(
    rf"(?:{_STAFF_USE}(?:\s*[-:\u2013(]\s*(?:notes?|comments?|remarks)\)?)?"
    rf"|(?:{_STAFF_WHO})(?:'s|s'?)?\s+(?:notes?|comments?|memos?|remarks|observations)(?:\s*\(?\s*(?:{_STAFF_USE}|(?:internal\s+)?only)\s*\)?)?"
    rf"|(?:notes?|comments?|memos?|remarks)\s*(?:[-:\u2013(]\s*|\s(?:by|from)\s+(?:the\s+)?)"
    rf"(?:{_STAFF_USE}|{_STAFF_WHO}(?:'s|s'?)?(?:\s+only)?)\s*\)?)", re.I)


def staff_notes_header(header: str) -> bool:
    """Whether a survey column is the team's own notes (:data:`_STAFF_NOTES_HEADER`): never open text (a note there
    that consent was refused or withdrawn is still a no, :func:`note_refuses`)."""
    h = re.sub(r"[\s_]+", " ", str(header or "").replace("\u2019", "'")).strip(" .:*#-")
    return "?" not in h and bool(_STAFF_NOTES_HEADER.fullmatch(h))


def note_refuses(cell) -> bool:
    """Whether a note says the person withdrew, refused or gave no consent ("Withdrew consent by email 4/4",
    "No consent", "Did not consent to quotes", "DNQ"): no quote, whatever the consent column says."""
    return bool(_NOTE_REFUSES.search(str(cell or "")))
