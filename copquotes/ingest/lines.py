"""Line-based transcripts: Otter TXT, plain TXT, Teams DOCX (and DOCX typed up by hand).

Recognised line shapes:

* a header line ``Jane Smith  0:03`` (Otter, Teams DOCX: name, two or more spaces,
  a timestamp), the speech on the following line(s);
* an old Teams/Stream DOCX cue ``0:0:0.0 --> 0:0:5.230``, then the name, then speech;
* a label line ``Jane: words`` / ``Interviewer: words`` / ``P1: words`` (optionally
  ``[00:01:23] Jane: words``), where lines without a label continue the turn.

Labels are accepted only if they look like speakers (see
:func:`copquotes.ingest.transcript.accepted_labels`), so "Note: ..." or a sentence
with a colon stays text. A document with no speaker labels at all gives one unit
per paragraph.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter

from ..errors import InputError
from .base import Reading, Source, truthy, year_from_text
from .roster import RosterMatcher, clean_label, is_generic_label, label_role
from .textio import check_not_empty, open_text
from .transcript import Turn, accepted_labels, build_reading, name_like

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# the timestamp bare, in parentheses or (Trint, Descript, Sonix: "Speaker 1 [00:01:02]") in square brackets
HEADER_TS = re.compile(rf"^\s*(?P<label>\S.{{0,80}}?)(?P<gap>\s{{2,}}|\t+|\s)[\[(]?(?P<ts>{_TS})[\])]?\s*$")
BRACKET_HEADER = re.compile(rf"^\s*\[(?P<label>[^\]]{{1,60}})\]\s+(?P<ts>{_TS})\s*$")  # Zoom "[Jane Smith] 14:03:12"
# the timestamp first: a Teams DOCX "0:03 Jane Smith" / "[00:00:03] Jane Smith" header line
TS_FIRST_HEADER = re.compile(rf"^\s*[\[(]?(?P<ts>{_TS})[\])]?\s+(?P<label>[^\s:\d][^:]{{0,59}}?)\s*$")
# Zoom's saved meeting chat: "10:02:15 From Jane Smith to Everyone:" (the message on the next, indented
# line) or, in older versions, "10:02:15\t From  Jane Smith : message" / "... to  Tom(Direct Message) : ..."
CHAT_HEAD = re.compile(
    r"^\s*(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)\s+From\s+(?P<who>.+?)"
    r"(?:\s+to\s+(?P<to>.+?))?\s*:(?:\s+(?P<text>.*\S)|\s*)$"
)
_CHAT_PRIVATE = re.compile(r"direct\s+message|privately", re.I)
_CHAT_REACTION = re.compile(r"^\s*(?:Reacted\s+to\s+.+\s+with\s+\S+|Removed\s+a\s+\S+\s+reaction\s+from\s+.+)\s*$", re.I)
_CHAT_REPLYING = re.compile(r"^\s*Replying\s+to\s+[\"“].*[\"”]\s*:?\s*$", re.I)
ARROW = re.compile(r"^\s*(?P<ts>\d+:\d+:\d+(?:[.,]\d+)?)\s*-->\s*\d+:\d+:\d+(?:[.,]\d+)?\s*$")
LABEL = re.compile(
    rf"^\s*(?:[\[(]?(?P<ts>{_TS})[\])]?\s*[-–]?\s*)?(?P<label>[^:\n]{{1,100}}?)\s*(?:[\[(](?P<ts2>{_TS})[\])])?\s*:(?:\s+(?P<text>.*)|\s*$)"
)
_SKIP = re.compile(
    r"^\s*(transcribed\s+by\s+(https?://)?otter\.ai|.*\b(started|stopped)\s+(?:the\s+)?(?:transcription|recording)\s*$|"
    r"(?:transcription|recording)\s+(?:has\s+)?(?:started|stopped|ended|paused|resumed)(?:\s+by\s+.{1,80})?\.?\s*$|"
    # a rule, alone or around a title ("---", "*** Break ***"); "**** said ..." (a name masked) is speech
    r"(?:-{3,}|={3,}|\*{3,}|_{3,})(?:[^\n]{0,60}?(?:-{3,}|={3,}|\*{3,}|_{3,}))?\s*$|"
    # Google Meet's footer
    r"meeting\s+ended\s+after\s+[\d:]+\W*$|this\s+editable\s+transcript\s+was\s+computer[\s-]+generated\b.*$)",
    re.I,
)
# a closing marker typed at the end, set off by brackets or dashes or in capitals ("[END OF INTERVIEW]",
# "-- End of transcript --", "END OF RECORDING"); a line of speech "end of the session." is none
_END_WORDS = (r"end\s+of\s+(?:the\s+)?(?:interview|transcript|transcription|recording|focus\s+group|session|meeting|audio)"
              r"(?:\s+\w+)?|end")
_END_MARK = re.compile(rf"^\s*(?:[\[(]\s*(?:{_END_WORDS})\s*[\])]|[-*=~_]{{2,}}\s*(?:{_END_WORDS})\s*[-*=~_]{{2,}})\s*$", re.I)
_END_CAPS = re.compile(rf"^\s*(?:{_END_WORDS})\W*$", re.I)


# bracketed sounds and transcriber notes at the start of a cue: never speaker tags
_NOT_SPEAKERS = re.compile(
    r"^(?:inaudible|crosstalk|cross[\s-]?talk|overlapping(?:\s+speech)?|overtalk|unclear|indistinct|"
    r"laughs?|laughter|laughing|chuckles?|sighs?|coughs?|pause|long\s+pause|silence|music|applause|"
    r"(?:background\s+)?noise|no\s+audio|audio\s+cuts?\s+out|foreign(?:\s+language)?|"
    r"speaking\s+\w+|end(?:\s+of\s+\w+)?)$", re.I)
# a room noise named in a tag ("[Phone Rings]", "[Door slams]", "[Music playing]"): never a speaker either
_SOUND_WORDS = re.compile(
    r"\b(?:doors?|phones?|rings?|ringing|slams?|knock(?:s|ing)?|bark(?:s|ing)?|beep(?:s|ing)?|clap(?:s|ping)?|"
    r"cheer(?:s|ing)|typing|static|footsteps|sneezes?|yawns?|whisper(?:s|ing)|groans?|siren|alarm|"
    r"buzz(?:es|ing)?|playing|plays|sounds?|noises?|music|laugh(?:s|ter|ing)?|audio|video)\b", re.I)


def not_speaker(tag: str) -> bool:
    """A bracketed sound or note (``[Music]``, ``[inaudible]``, ``[Phone rings]``), never a speaker tag."""
    return bool(_NOT_SPEAKERS.match(tag.strip()) or _SOUND_WORDS.search(tag))


def end_mark(line: str) -> bool:
    """``[END OF INTERVIEW]``, ``(End of recording)``, ``-- End of transcript --``, ``END OF TRANSCRIPT.``"""
    return bool(_END_MARK.match(line) or (_END_CAPS.match(line) and line.isupper() and " " in line.strip()))


def boilerplate(line: str) -> bool:
    """Meeting-system lines (Otter's, Teams', Google Meet's footer) and closing markers: never speech,
    never labels (the VTT/SRT reader drops them from cues too)."""
    return bool(_SKIP.match(line)) or end_mark(line)


_DATE_LINE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+((?:19|20)\d\d)\b|"
    r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d\d)\b|"
    r"\b((?:19|20)\d\d)-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/((?:19|20)\d\d)\b",
    re.I,
)


_LEAD_TS = re.compile(rf"^\s*[\[(]({_TS})[\])]\s*")
_NOTE_LABELS = {"note", "notes", "nb", "n.b", "transcriber's note", "transcriber note", "transcriber notes",
                "editor's note", "editor note", "researcher note", "researcher's note", "comment"}


# a bracketed aside that is someone's words, not a note: three words or more, in the first person
# or ending as said ("[I no longer drive myself.]", "(people expect too much!)")
_FIRST_PERSON = re.compile(r"\b(?:i|i['’](?:m|ve|d|ll)|me|my|mine|myself|we|we['’](?:re|ve|d|ll)|us|our|ours)\b", re.I)
_BRACKETED = re.compile(r"\[[^\[\]\n]*\]|\([^()\n]*\)")
_NOTE_LINE = re.compile(r"^\s*(?:(?:\[[^\[\]\n]*\]|\([^()\n]*\))\s*)+$")


def speech_aside(note: str) -> bool:
    inner = note[1:-1].strip()
    return len(inner.split()) >= 3 and bool(_FIRST_PERSON.search(inner) or re.search(r"[!?][.)\]]*$", inner))


# a bracketed sentence ("(Absolutely wonderful.)", "[Yes, it did.]"): words said, as typed by a transcriber
_SENTENCE = re.compile(r"^[A-Z][\w'’-]*[\s,]+\S.*[.!?]$")


def note_line(line: str) -> bool:
    """A line that is only a transcriber's notes ("[crosstalk]", "(laughs)", "[Cara Wu joined at
    00:14:10]"), none of them words someone said (:func:`speech_aside`, a sentence of two words or more)."""
    return bool(_NOTE_LINE.match(line)) and not any(speech_aside(m) or _SENTENCE.match(m[1:-1].strip())
                                                    for m in _BRACKETED.findall(line))


def _strip_md(line: str) -> str:
    return re.sub(r"^\s*(\*\*|__)(.+?)\1", r"\2", line)


# a section heading: a Markdown "## Part 2" line in a TXT; a Word Heading/Title paragraph is read as one
_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(?P<text>\S.*?)(?:[ \t]+#+)?\s*$")


def heading_text(line: str) -> str | None:
    """The words of a section heading line (``## Part 2 - after the break``), else None."""
    m = _HEADING.match(line)
    return m.group("text") if m else None


def _unheaded(line: str) -> str:
    h = heading_text(line)
    return line if h is None else h


def _header_match(line: str):
    """A speaker header line (``Name  0:03``, ``[Name] 0:03``, ``0:03 Name``) or None."""
    m = BRACKET_HEADER.match(line)
    if m:
        return m
    m = HEADER_TS.match(line)
    if m and (len(m.group("gap")) >= 2 or "\t" in m.group("gap") or name_like(m.group("label"))):
        return m
    m = TS_FIRST_HEADER.match(line)
    if m and len(m.group("label").split()) <= 6:
        return m
    return None


def candidate_counts(lines: list[str]) -> tuple[Counter, Counter, int]:
    """Counts of header-line labels, colon labels and old-Teams arrow lines."""
    header, colon, arrows = Counter(), Counter(), 0
    for line in map(_unheaded, lines):  # a speaker label set as a heading is still one
        if not line.strip() or boilerplate(line):
            continue
        if ARROW.match(line):
            arrows += 1
            continue
        m = _header_match(line)
        if m:
            header[m.group("label").strip()] += 1
            continue
        m = LABEL.match(_strip_md(line))
        if m:
            colon[m.group("label").strip().strip("*_ ")] += 1
    return header, colon, arrows


_BARE_TS = re.compile(rf"^\s*[\[(]?(?P<ts>{_TS})[\])]?\s*$")


def join_split_headers(lines: list[str]) -> list[str]:
    """A speaker name on one line and its timestamp alone on the next (``Jane Smith`` / ``0:03``,
    as some Teams and Word layouts put them) becomes one header line ``Jane Smith   0:03``; the
    timestamp line is blanked so line numbers stay put."""
    out = join_bracket_labels(lines)
    nonblank = [i for i, ln in enumerate(out) if ln.strip()]
    for a, b in zip(nonblank, nonblank[1:]):
        m = _BARE_TS.match(out[b])
        if not m or not out[a].strip():
            continue
        label = out[a].strip()
        if ":" in label or re.search(r"[.?!,;]$", label) or len(label.split()) > 6 or _BARE_TS.match(label):
            continue
        if name_like(label) or is_generic_label(label):
            out[a] = f"{label}   {m.group('ts')}"
            out[b] = ""
    return join_dash_labels(join_bare_name_headers(join_qa_dots(_without_avatars(out))))


_QA_DOT = re.compile(r"^(?P<lead>\s*)(?P<label>[QA])\s*[.)]\s+(?P<text>\S.*)$")


def join_qa_dots(lines: list[str]) -> list[str]:
    """A typed interview's ``Q.`` / ``A.`` (or ``Q)`` / ``A)``) lines become ``Q: words`` / ``A: words``
    (the question and the answer labels every reader knows), when both come, a question first; an
    initial such as "A. Smith said" in a document without questions stays speech."""
    hits = {i: m for i, ln in enumerate(lines) if (m := _QA_DOT.match(ln))}
    labels = [m.group("label") for m in hits.values()]
    if "Q" not in labels or "A" not in labels or labels[0] != "Q":
        return lines
    out = list(lines)
    for i, m in hits.items():
        out[i] = f"{m.group('lead')}{m.group('label')}: {m.group('text')}"
    return out


def _initials(label: str) -> set[str]:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", label)]
    if not words:
        return set()
    every = "".join(w[0] for w in words).upper()
    return {every, (words[0][0] + words[-1][0]).upper()}


def _without_avatars(lines: list[str]) -> list[str]:
    """A transcript copied from the Teams or Stream web page keeps each speaker's avatar, their
    initials alone on the line above the name (``AR`` / ``Ana Ruiz   0:15``): blanked, never text of
    the turn before."""
    out = list(lines)
    nonblank = [i for i, ln in enumerate(out) if ln.strip()]
    headers, avatars = 0, []
    for a, b in zip(nonblank, nonblank[1:]):
        m = _header_match(out[b])
        if not m:
            continue
        headers += 1
        avatar = out[a].strip()
        if re.fullmatch(r"[A-Z]{1,3}", avatar) and avatar in _initials(m.group("label")):
            avatars.append(a)
    # only in a copy that has them over most speakers: elsewhere "OK", "HR" or "GP" above a speaker
    # whose initials they happen to be are the words of the turn before
    if len(avatars) * 2 > headers:
        for a in avatars:
            out[a] = ""
    return out


# "[Helen] words", "[Helen]: words", "[Facilitator - Helen] words", "[00:01:02] [Helen] words", "[Helen 00:01:02] words"
_BRACKET_LABEL = re.compile(rf"^\s*(?:[\[(](?P<ts>{_TS})[\])]\s*)?\[(?P<label>[^\[\]:\n]{{1,60}}?)"
                            rf"(?:\s*[-–@,]?\s*[\[(]?(?P<ts2>{_TS})[\])]?)?\]\s*(?:[:\-–—]\s*)?(?P<text>.*)$")


def _bracket_speaker(label: str) -> bool:
    """A bracketed tag that can name a speaker: a name, a role or a numbered speaker ("P2"), never a
    sound or note ("[laughs]", "[inaudible]") nor a numbered thing ("[Slide 3]")."""
    if not_speaker(label) or _BARE_TS.match(label):
        return False
    if is_generic_label(label) or label_role(label):
        return True
    return name_like(label) and not re.search(r"\d", label)


def join_bracket_labels(lines: list[str]) -> list[str]:
    """A typed transcript whose turns start with a bracketed speaker tag (``[Helen] words``,
    ``[Helen]:``, ``[Facilitator - Helen]``, alone on its line or before the speech): those lines
    become ``Helen: words`` (a timestamp kept in front), when two speakers at least are tagged so and
    one of them comes back. ``[Helen] 14:03:12`` (a Zoom header line) is left to the header reader."""
    out = list(lines)
    hits = {}
    for i, ln in enumerate(out):
        m = _BRACKET_LABEL.match(ln)
        if m and not _BARE_TS.match(m.group("text")) and _bracket_speaker(m.group("label").strip()):
            hits[i] = m
    if len(hits) < 3:
        return out
    counts = Counter(m.group("label").strip() for m in hits.values())
    ok = accepted_labels(counts)
    if len(ok) < 2 or not any(counts[k] >= 2 for k in ok):
        return out
    for i, m in hits.items():
        label = m.group("label").strip()
        if label in ok:
            ts = m.group("ts") or m.group("ts2")
            out[i] = f"{f'[{ts}] ' if ts else ''}{label}: {m.group('text')}".rstrip()
    return out


def _bare_name(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 60 or ":" in s or re.search(r"[.?!,;…\"“”]$", s) or _BARE_TS.match(s):
        return False
    return is_generic_label(s) or (name_like(s) and not re.search(r"\d", s))


def join_bare_name_headers(lines: list[str]) -> list[str]:
    """Otter's TXT saved without timestamps, or a typed transcript: a line holding only a speaker
    name (``Speaker 1``, ``Jane Smith``) at the start of a block, the speech on the next line(s).
    Such lines become ``Name:`` label lines (same line numbers), but only in a document with no
    other speaker labels, with two such names at least and one of them coming back."""
    out = list(lines)
    nonblank = [i for i, ln in enumerate(out) if ln.strip()]
    if len(nonblank) < 4:
        return out
    heads = []
    for a, b in zip(nonblank, nonblank[1:]):
        starts_block = a == 0 or not out[a - 1].strip()
        if starts_block and _bare_name(out[a]) and not _bare_name(out[b]):
            heads.append(a)
    if len(heads) < 2:
        return out
    counts = Counter(out[i].strip() for i in heads)
    ok = accepted_labels(counts)
    if len(ok) < 2 or not any(counts[k] >= 2 for k in ok):
        return out  # a conversation: two speakers at least, one of them back again (not a repeated heading)
    header, colon, arrows = candidate_counts(out)
    if arrows or accepted_labels(header) or accepted_labels(colon):
        return out  # the document has labels of its own
    for i in heads:
        if out[i].strip() in ok:
            out[i] = out[i].strip() + ":"
    return out


_DASH_LABEL = re.compile(r"^\s*(?P<label>[^\s:\-–—][^:–—\t]{0,59}?)(?:\s+[-–—]\s+|[ ]*\t+\s*)(?P<text>\S.*)$")


def join_dash_labels(lines: list[str]) -> list[str]:
    """A typed transcript with dashes or tabs for colons (``Jane Smith - words``, ``Speaker 1 – words``,
    a bold ``Interviewer`` then a tab in Word):
    those lines become ``Jane Smith: words``, but only when most lines start so, with two
    speakers at least and one of them back again, and the document has no other labels."""
    out = list(lines)
    hits = {}
    nonblank = 0
    for i, ln in enumerate(out):
        if not ln.strip():
            continue
        nonblank += 1
        m = _DASH_LABEL.match(ln)
        if m and (name_like(m.group("label")) or is_generic_label(m.group("label"))):
            hits[i] = m
    if len(hits) < 3 or len(hits) < 0.5 * nonblank:
        return out
    counts = Counter(m.group("label").strip() for m in hits.values())
    ok = accepted_labels(counts)
    if len(ok) < 2 or not any(counts[k] >= 2 for k in ok):
        return out
    header, colon, arrows = candidate_counts(out)
    if arrows or accepted_labels(header) or accepted_labels(colon):
        return out
    for i, m in hits.items():
        if m.group("label").strip() in ok:
            out[i] = f"{m.group('label').strip()}: {m.group('text')}"
    return out


def _chat_heads(lines: list[str]) -> int:
    return sum(1 for line in lines if CHAT_HEAD.match(line))


def _many_headers(header: Counter) -> bool:
    """Three or more ``Name  0:03`` lines: the format guarantees speaker labels, so a display name
    that does not look like a name ("李明", "aroha") said once is still a speaker, never text."""
    return sum(header.values()) >= 3


def classify(lines: list[str], matcher: RosterMatcher | None = None) -> str:
    """``"zoom_chat"`` (a saved Zoom chat), ``"otter"`` (header lines with timestamps), ``"labelled"``
    (``Name:`` lines) or ``"unlabelled"``."""
    lines = join_split_headers(lines)
    chat = _chat_heads(lines)
    if chat >= 1:
        starts = sum(1 for ln in lines if ln.strip() and not ln[:1].isspace())
        if chat >= 0.5 * starts:
            return "zoom_chat"
    header, colon, arrows = candidate_counts(lines)
    h_ok = accepted_labels(header, matcher, relaxed=_many_headers(header))
    c_ok = accepted_labels(colon, matcher)
    n_header = sum(header[k] for k in h_ok) + arrows
    n_colon = sum(colon[k] for k in c_ok)
    if n_header >= 1 and n_header >= n_colon:
        return "otter"
    if n_colon >= 1:
        return "labelled"
    return "unlabelled"


def parse_lines(source: Source, lines: list[str], unit_name: str = "line") -> tuple[list[Turn], dict]:
    """Turn a list of lines (TXT lines or DOCX paragraph lines) into turns."""
    lines = join_split_headers(lines)
    matcher = RosterMatcher(source.roster, source.meta.get("group"))
    header, colon, arrows = candidate_counts(lines)
    h_ok = accepted_labels(header, matcher, relaxed=_many_headers(header))
    nonblank = sum(1 for ln in lines if ln.strip())
    # a document where most lines start "Label:" guarantees labels: be relaxed about display names
    c_ok = accepted_labels(colon, matcher, relaxed=sum(colon.values()) >= 0.5 * max(nonblank, 1))
    mode = classify(lines, matcher)
    if mode == "zoom_chat":
        return _parse_zoom_chat(lines, unit_name)
    if mode == "unlabelled" and _typed_header(lines):
        mode = "labelled"   # notes under a typed header whose keys are no speaker labels ("Notes by: Mel Tran")
    if mode == "unlabelled":
        return _paragraphs(lines, unit_name), {}
    turns, detected = _labelled_turns(lines, mode, h_ok, c_ok, matcher, unit_name)
    header_end = detected.pop("header_end", None)
    writer = detected.pop("header_writer", None)
    if header_end is not None and not any(t.text for t in turns):
        # a typed header ("Interviewer: Mel Tran", "Date: ...") over notes with no speaker labels
        # ("She said that..."): the notes are kept; when the header names an interviewer or a note
        # taker they are that person's words (their role: never a participant's, never quoted), else
        # notes without speakers
        turns = _paragraphs(lines[header_end:], unit_name, first=header_end + 1)
        for t in turns:
            t.label = writer
    return turns, detected


def _typed_header(lines: list[str], scan: int = 12) -> bool:
    """Whether a text opens with a typed header that names someone or gives a consent ("Notes by: Mel Tran",
    "Interviewed by: ...", "Consent to quote: No", "Consent: No", never "Quote: I walk in flat...") among its first
    lines, before any prose: read as a header
    (:func:`_labelled_turns`), never as a paragraph of notes."""
    seen = 0
    for line in lines:
        line = _strip_md(line.strip())
        if not line:
            continue
        seen += 1
        field = header_field(line)
        if field and (field[0] == "consent" or (field[0] == "other_consent" and truthy(field[1], weak=True) is not None) or
                      (field[0] == "person" and _names_someone(field[1], role_word=True)
                       and not _TOOL_VALUE.match(field[1].strip()))):
            return True
        if seen >= scan or (field is None and len(line.split()) > 12):
            return False
    return False


def _paragraphs(lines: list[str], unit_name: str, first: int = 1) -> list[Turn]:
    """An unlabelled text: one turn per paragraph (blank lines, skipped lines and headings end one;
    a heading is the notes' structure, never a unit). ``first``: the line number of ``lines[0]``."""
    turns: list[Turn] = []
    para: list[str] = []
    start_ln = None
    for ln, line in enumerate(lines + [""], start=first):
        if not line.strip() or boilerplate(line) or heading_text(line) is not None:
            if para:
                turns.append(Turn(None, " ".join(para), f"{unit_name} {start_ln}", merge=False))
            para, start_ln = [], None
            continue
        if start_ln is None:
            start_ln = ln
        para.append(line.strip())
    return turns


def _labelled_turns(lines: list[str], mode: str, h_ok, c_ok, matcher: RosterMatcher,
                    unit_name: str) -> tuple[list[Turn], dict]:
    """The turns of a text whose speakers are named on header lines (``"otter"``: ``h_ok``
    labels, with or without a timestamp, or after an ``-->`` line) or as ``Label: text``
    (``c_ok`` labels); lines without a label continue the current turn. Also what the text
    says of itself: the names a typed transcript's header gives, the year of a date line
    before the first turn."""
    turns: list[Turn] = []
    preamble: list[str] = []
    detected: dict = {}
    current: Turn | None = None
    pending_ts = None
    expect_label = False
    blank_since_text = False
    after_heading = False

    def start(label, text, ln, ts):
        nonlocal current, blank_since_text, pending_ts, after_heading
        current = Turn(label, text.strip(), f"{unit_name} {ln}", ts or pending_ts)
        pending_ts = None
        turns.append(current)
        blank_since_text = after_heading = False

    for ln, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if raw == BLOCK_END:  # the end of a transcript table: what follows is not the last row's speech
            current, blank_since_text, after_heading = None, True, False
            continue
        if not line.strip():
            blank_since_text = True
            continue
        h = heading_text(line)
        if h is not None:
            if any(t.text for t in turns) and not _speaker_line(h, h_ok, c_ok):
                # a section heading ("Part 2 - after the break") ends the turn in progress and is no one's words
                current, after_heading = None, True
                continue
            line = h   # a title before the first turn (read as one, as before), or a label set as a heading
        if end_mark(line):  # what follows a closing marker is not the last speaker's turn
            current, after_heading = None, False
            continue
        if _SKIP.match(line):
            continue
        field = header_field(_strip_md(line)) if not any(t.text for t in turns) else None
        if field and _header_detected(field, line.strip(), detected, preamble):
            detected["header_end"] = ln   # lines[:ln] are the header
            keyed = _HEADER_FIELD.match(_strip_md(line)) or _HEADER_DASH_FIELD.match(_strip_md(line))
            _note_writer(detected, keyed.group("key") if keyed else "", field[0])
            continue
        m = ARROW.match(line)
        if m:
            pending_ts, expect_label = m.group("ts"), True
            continue
        if expect_label:
            expect_label = False
            label = line.strip()
            if label in h_ok or name_like(label) or matcher.match(label):
                start(label, "", ln, pending_ts)
                pending_ts = None
                continue
        m = _header_match(line)
        if m and m.group("label").strip() in h_ok:
            start(m.group("label").strip(), "", ln, m.group("ts"))
            continue
        md = _strip_md(line)
        m = LABEL.match(md)
        if m and m.group("label").strip().strip("*_ ").lower() in _NOTE_LABELS:
            continue  # a transcriber's note, not speech
        if m and m.group("label").strip().strip("*_ ") in c_ok:
            label = m.group("label").strip().strip("*_ ")
            text, ts = m.group("text") or "", m.group("ts") or m.group("ts2")
            lead = _LEAD_TS.match(text)
            if lead:  # "Jane: [00:01:23] words"
                ts, text = ts or lead.group(1), text[lead.end():]
            if not any(t.text for t in turns) and _header_name(label, text):
                # a header line of a typed-up transcript ("Interviewer: Sam (evaluation team)"):
                # it names who plays the role; an identifier to redact, never speech
                detected.setdefault("header_names", []).append(text.strip())
                detected["header_end"] = ln
                _note_writer(detected, label, "person")
                current = None
                continue
            start(label, text, ln, ts)
            continue
        m = _BARE_TS.match(line)
        if m:  # a timestamp alone on its line ("[00:01:10]"): the time of the next turn, not speech
            pending_ts = m.group("ts")
            continue
        if note_line(line) and not (current is not None and not current.text):
            # a transcriber's note on its own line ("[crosstalk]", "[Cara Wu joined at 00:14:10]") is
            # no one's words: never added to the turn before it (the speaker keeps the turn); the first
            # line under a label with no words of its own ("Ana Ruiz:" / "(Yes.)") is that speaker's turn
            continue
        if current is None:
            if not turns:  # before the first turn: a title or date line, not speech
                preamble.append(line.strip())
            elif after_heading:  # words after a heading, before any label: kept, given to no one
                start(None, line, ln, None)
            continue
        if current.text:
            current.text += ("\n" if blank_since_text and mode == "labelled" else " ") + line.strip()
        else:
            current.text = line.strip()  # the locator stays at the label line
        blank_since_text = False

    year = _preamble_year(preamble)
    if year:
        detected["year"] = year
    return turns, detected


def _note_writer(detected: dict, key: str, kind: str) -> None:
    """Remember the first header field that names who writes the notes (an interviewer, a note taker)."""
    key = re.sub(r"\s+(?:name|id|no\.?|number|code)$", "", key.strip().strip("*_ "), flags=re.I)
    key = next((role for pattern, role in _WRITER_KEYS if pattern.match(key)), key)   # "Notes by" -> "Note taker"
    if kind == "person" and label_role(key) in ("interviewer", "facilitator") and "header_writer" not in detected:
        detected["header_writer"] = key


def _speaker_line(line: str, h_ok, c_ok) -> bool:
    """Whether a line names a speaker (``Name  0:03``, ``Label: text``) by an accepted label."""
    m = _header_match(line)
    if m and m.group("label").strip() in h_ok:
        return True
    m = LABEL.match(_strip_md(line))
    return bool(m and m.group("label").strip().strip("*_ ") in c_ok)


def _header_detected(field: tuple[str, str], line: str, detected: dict, preamble: list[str]) -> bool:
    """Keep what a header field before the first turn says: the names it gives (to redact, with any in
    brackets: "P07 (Ngaio Te Whata)"), the interviewee's quote consent, a date line for the year.
    False for a field that is not one (a speaker whose label looks like a field is left as speech).
    A consent field not about quoting ("Consent: No", "Consent to participate: No") gives only its no; a no in
    any consent field beats the others. A consent field is one whatever its value: one not read as yes or no
    ("Quote consent: yes, but check with me first", "Consent to quote: TBC") is kept as said (consent unknown),
    never a turn of speech."""
    kind, value = field
    if kind in ("consent", "other_consent"):
        # a no in any consent field stays, whatever another says; a field not about quoting gives no yes
        if "consent" in detected and truthy(detected["consent"], weak=True) is False:
            return True
        if kind == "consent" or truthy(value, weak=True) is False:
            detected["consent"] = value
    elif kind == "person":   # "Interviewer: So tell me..." is speech, not a name
        if not _names_someone(value, role_word=True) or _TOOL_VALUE.match(value.strip()):
            return False
        names = [value] + [n for n in re.findall(r"\(([^()]{2,60})\)", value) if _names_someone(n, role_word=False)]
        detected.setdefault("header_names", []).extend(names)
    else:
        preamble.append(line)
    return True


def _preamble_year(preamble: list[str]) -> str | None:
    """The year of the first date line before the first turn that gives one."""
    for p in preamble:
        if _DATE_LINE.search(p):
            y = year_from_text(p)
            if y:
                return y
    return None


def _header_name(label: str, text: str) -> bool:
    """``Interviewer: Sam (evaluation team)`` at the top of a typed transcript: a role label whose
    whole text is a name, not speech."""
    if not (is_generic_label(label) or label_role(label)):
        return False
    # one bare word ("P1: Steadying") is only a header after a role word ("Interviewer: Sam")
    role_word = bool(label_role(label)) or re.sub(r"[^a-z]", "", label.lower()) in (
        "participant", "interviewee", "respondent", "notetaker", "transcriber")
    return _names_someone(text, role_word)


def _names_someone(text: str, role_word: bool) -> bool:
    """Whether a header's value is a name ("Sam (evaluation team)", "Jo Bloggs"), not speech ("Hello")."""
    t = clean_label(text)
    if not t or re.search(r"[.?!…]\s*$", text.strip()) or len(t.split()) > 4:
        return False
    if not name_like(t) or t.lower() in ("yes", "no", "okay", "ok", "hi", "hello", "thanks", "right", "sure"):
        return False
    return len(t.split()) >= 2 or "(" in text or role_word


def _parse_zoom_chat(lines: list[str], unit_name: str) -> tuple[list[Turn], dict]:
    """A saved Zoom chat: one turn per public message.

    Direct messages (``to Jane(Direct Message)``, ``(Privately)``) were not said to the group and
    are left out; so are emoji reactions and the quoted line of a reply (someone else's words).
    """
    turns: list[Turn] = []
    skipped = {"private": 0, "reactions": 0}
    current: Turn | None = None
    keep = False
    for ln, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        m = CHAT_HEAD.match(line)
        if m:
            to = (m.group("to") or "").strip()
            if _CHAT_PRIVATE.search(to) or _CHAT_PRIVATE.search(m.group("who")):
                keep, current = False, None
                skipped["private"] += 1
                continue
            keep = True
            who = m.group("who").strip()
            current = Turn(who, "", f"{unit_name} {ln}", m.group("ts"))
            turns.append(current)
            text = (m.group("text") or "").strip()
            if text:
                if _CHAT_REACTION.match(text):
                    turns.pop()
                    current, keep = None, False
                    skipped["reactions"] += 1
                else:
                    current.text = text
            continue
        if not keep or current is None:
            continue
        if _CHAT_REPLYING.match(line):
            continue
        if _CHAT_REACTION.match(line) and not current.text:
            turns.remove(current)
            current, keep = None, False
            skipped["reactions"] += 1
            continue
        current.text = (current.text + " " + line.strip()).strip()
    detected: dict = {}
    if skipped["private"]:
        detected["chat_private_messages_skipped"] = skipped["private"]
    return [t for t in turns if t.text], detected


def read_text_transcript(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    with open_text(path) as fh:
        text = fh.read()
    if not text.strip(" \t\r\n\ufeff"):
        raise InputError("the file is empty (only blank lines); export it again", path)
    lines = text.lstrip("\ufeff").splitlines()
    turns, detected = parse_lines(source, lines, "line")
    if not turns:
        raise InputError("no text found in the transcript; check it is the exported transcript, not an empty file", path)
    return build_reading(source, turns, detected)


def docx_lines(path) -> list[tuple[int, str]]:
    """``[(paragraph number, line)]`` of a DOCX body (line breaks inside a paragraph split it)."""
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise InputError("reading DOCX needs python-docx (pip install python-docx==1.2.0)", path) from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError("corrupt DOCX (not a readable Word document); open it in Word and save it again", path) from exc
    except Exception as exc:  # damaged XML parts raise lxml errors
        raise InputError(f"corrupt DOCX ({type(exc).__name__}); open it in Word and save it again", path) from exc
    try:
        paragraphs = _docx_blocks(document)
    except Exception as exc:  # damaged table XML
        raise InputError(f"corrupt DOCX ({type(exc).__name__}); open it in Word and save it again", path) from exc
    out = []
    for i, p in enumerate(paragraphs, start=1):
        if p == BLOCK_END:
            out.append((i, p))
            continue
        parts = re.split(r"\r\n|\n|\r|\v", p)
        for part in parts:
            out.append((i, part))
        out.append((i, ""))  # a paragraph end is a blank line
    return out


# a line that ends the turn in progress; blank for every other purpose (str.isspace() is true for it)
BLOCK_END = "\x1e"
# the fields of a typed interview's header ("Interviewer: Dr Hana Whitcombe", "Participant ID: P07
# (Ngaio Te Whata)", "Consent to quote: No"), in a table or on lines before the first turn
_HEADER_PERSON = re.compile(r"^(?:interviewer|interviewee|participant|respondent|facilitator|co-?facilitator|"
                            r"moderator|note[\s-]?taker|transcriber)s?(?:\s+(?:name|id|no\.?|number|code))?$"
                            # who did it, by name ("Notes by", "Interviewed by", "Recorded by", "Transcribed by")
                            r"|^(?:notes?|minutes|interview)?\s*(?:taken|recorded|written|typed(?:\s+up)?|"
                            r"conducted|interviewed|transcribed)?\s*(?<=\w)\s*by$", re.I)
# a header key naming who wrote the notes below it, as the role label their words take ("Notes by" -> "Note taker")
_WRITER_KEYS = ((re.compile(r"^(?:interview(?:ed|\s+(?:conducted|taken))?|conducted)\s+by$", re.I), "Interviewer"),
                (re.compile(r"^(?:(?:notes?|minutes)(?:\s+(?:taken|recorded|written|typed(?:\s+up)?))?|recorded|"
                            r"written|typed\s+up)\s+by$|^note[\s-]?takers?$", re.I), "Note taker"))
# a header value that names a tool, not a person ("Recorded by: Zoom", "Transcribed by: Otter.ai"): never a name
_TOOL_VALUE = re.compile(r"^(?:zoom|(?:microsoft\s+|ms\s+)?teams|otter(?:\.ai)?|rev(?:\.com)?|trint|descript|webex|"
                         r"google(?:\s+meet)?|meet|whisper|sonix|temi|dictaphone|i?phone|recorder|voice\s+memos?|"
                         r"auto(?:mated|matic)?|ai|software|machine)\b", re.I)
_HEADER_CONSENT = re.compile(r"^(?:consent(?:ed)?|permission|happy|agreed?|ok|okay|willing)\s+(?:to\s+)?(?:be\s+)?"
                             r"(?:quote[ds]?|publish\w*|use\s+(?:of\s+)?quot\w*)\b"
                             r"|^(?:consent|permission)\s+(?:for|to\s+use)\s+(?:quot\w*|publication)\b"
                             r"|^(?:consent|permission)\s*\(\s*(?:to\s+)?(?:be\s+)?(?:quot\w*|publish\w*|publication)\s*\)$"
                             r"|^(?:quote|quotation)s?\s+(?:consent|permission|ok|okay)\b|^use\s+of\s+quot\w*$|^quotable\b"
                             r"|^ok\s+to\s+quote", re.I)
# a consent field that is not about quoting ("Consent: No", "Consent to participate: No", "Quotes: no"): its "no"
# is the interviewee's no (no consent to take part or to record is no quote); any other value gives no leave
_HEADER_OTHER_CONSENT = re.compile(r"^(?:informed\s+)?consents?(?:\s*\(\s*(?:y\s*/\s*n|yes\s*/\s*no)\s*\))?"
                                   r"(?:\s+(?:to\s+(?:participate|take\s+part|be\s+interviewed|interview|record\w*)|"
                                   r"form(?:\s+(?:signed|returned|received))?|given|status|obtained|received))?$"
                                   r"|^quotes?$", re.I)
_HEADER_OTHER = re.compile(r"^(?:date|time|location|venue|place|site|duration|length|interview(?:\s+(?:no\.?|number|id))?|"
                           r"session|group|cohort|project|programme|program|recorded|recording|format|mode)$", re.I)
_HEADER_FIELD = re.compile(r"^\s*\**(?P<key>[A-Za-z][\w .'()/-]{1,40}?)\**\s*:\s*(?P<value>\S.*)$")
# "CONSENT TO QUOTE - NO", "Quote consent — no": a consent field written with a dash (no other field is)
_HEADER_DASH_FIELD = re.compile(r"^\s*\**(?P<key>[A-Za-z][\w .'()/]{1,40}?)\**\s+[-–—]\s+(?P<value>\S.*)$")


# a typed transcript's title naming the interviewee ("Interview with Sophie Turner", "Transcript of interview with
# Dr Amy Cho - 14 March"): a name to redact, never speech
_INTERVIEW_WITH = re.compile(r"^\s*\**(?:(?:transcript|notes)\s+(?:of|from)\s+(?:an?\s+|the\s+)?)?interview\s+with\s+"
                             r"(?P<value>[^:\n]+?)\s*(?:[-–—,(].*)?\**\s*$", re.I)


def header_field(line: str) -> tuple[str, str] | None:
    """``(kind, value)`` of a header field line: ``person`` (a name to redact), ``consent`` or ``other``."""
    titled = _INTERVIEW_WITH.match(line)
    if titled:
        return "person", titled.group("value").strip()
    m = _HEADER_FIELD.match(line)
    kinds = (("consent", _HEADER_CONSENT), ("other_consent", _HEADER_OTHER_CONSENT), ("person", _HEADER_PERSON),
             ("other", _HEADER_OTHER))
    if not m:
        m, kinds = _HEADER_DASH_FIELD.match(line), kinds[:2]
        if not m:
            return None
    key, value = m.group("key").strip(), m.group("value").strip()
    for kind, pattern in kinds:
        if pattern.match(key):
            if kind == "person" and re.search(r"\bby$", key, re.I) and _TOOL_VALUE.match(value):
                return "other", value   # "Recorded by: Zoom": a header line that names no one
            return kind, value
    return None


_TABLE_SPEAKER = re.compile(r"^(speaker|name|who|participant|person|speaker name)$", re.I)
_TABLE_TEXT = re.compile(r"^(text|transcript|transcription|dialogue|speech|utterance|content|comment|response|"
                         r"what was said|words|quote)$", re.I)
_TABLE_TIME = re.compile(r"^(time|timestamp|time ?code|start|start time|time stamp)$", re.I)


def _table_lines(table) -> list[str]:
    """A transcript laid out as a table (Speaker | Time | Text) as ``[time] Speaker: text`` lines;
    any other table, cell by cell."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell repeats across the columns it spans
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append("\n".join(_para_text(cp) for cp in cell.paragraphs).strip())
        rows.append(cells)
    if not rows:
        return []
    head = [re.sub(r"[\s:]+$", "", c) for c in rows[0]]
    sp = next((i for i, c in enumerate(head) if _TABLE_SPEAKER.match(c)), None)
    tx = next((i for i, c in enumerate(head) if _TABLE_TEXT.match(c)), None)
    tm = next((i for i, c in enumerate(head) if _TABLE_TIME.match(c)), None)
    body = rows[1:]
    if sp is None or tx is None:
        # no header row: two columns, a short name-like first cell and the speech in the second
        two = [r for r in rows if len(r) >= 2 and any(r)]
        if two and all(len(r) == len(two[0]) for r in two) and len(two[0]) in (2, 3) and \
                sum(1 for r in two if r[0] and len(r[0].split()) <= 5 and ":" not in r[0]) >= 0.8 * len(two) and \
                sum(len(r[-1].split()) for r in two) / len(two) >= 4:
            sp, tx, tm, body = 0, len(two[0]) - 1, (1 if len(two[0]) == 3 else None), rows
        elif rows and all(len(r) == 2 for r in rows) and \
                sum(1 for k, v in rows if header_field(f"{k}: {v}")) >= 0.5 * len(rows):
            return [f"{k}: {v}" for k, v in rows if k or v]   # a header table: one "Field: value" line a row
        else:
            return [_para_text(p) for row in table.rows for cell in row.cells for p in cell.paragraphs]
    out = []
    for r in body:
        who = r[sp] if sp < len(r) else ""
        text = r[tx] if tx < len(r) else ""
        ts = r[tm] if tm is not None and tm < len(r) else ""
        if not text.strip():
            continue
        text = re.sub(r"\s*\n\s*", " ", text)
        lead = f"[{ts}] " if ts and re.match(rf"^{_TS}$", ts) else ""
        out.append(f"{lead}{who}: {text}" if who else text)
    return out


def _para_text(paragraph) -> str:
    """A paragraph's text as it reads with tracked changes accepted: insertions in (python-docx's
    ``.text`` leaves out runs inside ``w:ins``), deletions out."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    p = paragraph._p
    if p.find(".//" + qn("w:ins")) is None and p.find(".//" + qn("w:moveTo")) is None:
        return paragraph.text
    runs = p.xpath("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:ins/w:hyperlink/w:r | "
                   "./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r")
    return "".join(Run(r, paragraph).text for r in runs)


def _docx_blocks(document) -> list[str]:
    """The body of a document in order: paragraphs, and tables row by row."""
    from docx.table import Table

    if not hasattr(document, "iter_inner_content"):  # python-docx < 1.0
        blocks = [_para_text(p) for p in document.paragraphs]
        for t in document.tables:
            blocks.extend(_table_lines(t))
        return blocks
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_lines(item))
            blocks.append(BLOCK_END)
        elif _is_heading(item):
            text = re.sub(r"\s+", " ", _para_text(item)).strip()
            blocks.append(f"# {text}" if text else "")
        else:
            blocks.append(_bold_lead_as_tab(item, _para_text(item)))
    return blocks


def _is_heading(paragraph) -> bool:
    """A Word Title, Subtitle or Heading paragraph (by its style, or an outline level it or its style sets)."""
    from docx.oxml.ns import qn

    style = paragraph.style
    name = (style.name or "").lower() if style is not None else ""
    if name in ("title", "subtitle") or re.match(r"heading\s*\d", name):
        return True
    for element in (paragraph._p, getattr(style, "element", None)):
        if element is not None and element.find(f"./{qn('w:pPr')}/{qn('w:outlineLvl')}") is not None:
            level = element.find(f"./{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val"))
            return level is not None and level.isdigit() and int(level) < 9   # 9 is body text
    return False


def _bold(run) -> bool:
    return bool(run.bold or (run.style is not None and run.style.font.bold))


def _bold_lead_as_tab(paragraph, text: str) -> str:
    """A paragraph that opens with a short bold label (a role, or a name of two words at least) and goes
    on in plain type (**Interviewer** What has changed?): the label then a tab, so that :func:`join_dash_labels` can read it as a speaker when the
    whole document is laid out so. Other paragraphs as they are."""
    runs = paragraph.runs
    lead = ""
    for i, run in enumerate(runs):
        if not _bold(run):
            break
        lead += run.text
    else:
        return text
    label = lead.strip()
    if not label or len(label) > 60 or label.endswith(":") or "\n" in lead or not text.startswith(lead):
        return text
    if not is_generic_label(label) and not (name_like(label) and len(label.split()) >= 2):
        return text   # a bold word for emphasis (**Really** good), not a speaker
    rest = text[len(lead):].lstrip(" \t")
    return f"{label}\t{rest}" if rest and not rest.startswith(":") else text


def read_docx(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    pairs = docx_lines(path)
    if not any(t.strip() for _, t in pairs):
        raise InputError("the document has no text; check it is the exported transcript, not an empty document", path)
    lines = [t for _, t in pairs]
    turns, detected = parse_lines(source, lines, "line")
    # locators: paragraph numbers, not internal line numbers
    for t in turns:
        ln = int(t.locator.split()[-1])
        t.locator = f"paragraph {pairs[ln - 1][0]}"
    if not turns:
        raise InputError("no text found in the document; check it is the exported transcript, not an empty document", path)
    return build_reading(source, turns, detected)
