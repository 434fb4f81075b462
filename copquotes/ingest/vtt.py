"""WebVTT transcripts from Zoom (``Name: words``) and Teams (``<v Name>words</v>``).

Zoom: numbered cues, one ``Name: text`` line each (a cue with no name is speech
Zoom could not attribute). Webex: the name in the cue id (``1 "Jo Smith" (2843952128)``),
the words alone (read as ``Jo Smith: words``). SRT from transcription tools: ``Name: text`` or a tag
``[NAME] text`` / ``[Name]: text``, on every cue or only where the speaker changes (an untagged
cue then continues the turn). Teams: optional cue ids (``GUID/12-0``), ``<v Name>``
voice spans, possibly several lines per cue, several voices per cue, or no closing
``</v>``. NOTE / STYLE / REGION blocks are skipped; so are closing boilerplate (Google Meet's footer,
``[END OF INTERVIEW]``) and cues that are only a sound (``[Music]``).
"""
from __future__ import annotations

import html
import re
from collections import Counter

from ..errors import InputError
from .base import Reading, Source
from .lines import _TS as _LINE_CLOCK, boilerplate, end_mark, not_speaker, speech_aside as _speech_aside
from .roster import RosterMatcher, is_generic_label, label_role
from .textio import check_not_empty, open_text
from .transcript import Turn, accepted_labels, build_reading, name_like

_TS = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)*(?:\s+([^>]*))?>(.*?)(?:</v>|(?=<v[\s.>])|$)", re.S)
_TAG = re.compile(r"</?(?:c|i|b|u|ruby|rt|lang|v)(?:[.\s][^>]*)?>|<\d+:\d{2}(?::\d{2})?[.,]\d{3}>")
_ZOOM_LABEL = re.compile(r"^\s*([^:\n]{1,100}?)\s*:\s+(.*)$", re.S)
_TAG_LABEL = re.compile(r"^\s*\[([^\]\n]{1,60})\]\s*:?\s+(\S.*)$", re.S)  # SRT "[HELEN] text", "[Helen]: text"
_WEBEX_ID = re.compile(r'^\s*\d+\s+"(?P<name>[^"\n]{1,100})"(?:\s*\((?P<id>\d+)\))?\s*$')  # Webex: 1 "Jo Smith" (2843952128)


def _webex_speaker(named: re.Match, text: str) -> bool:
    """Whether a quoted cue id names the cue's speaker: Webex's participant number after it
    (``1 "Jo Smith" (2843952128)``), or else a name ("Chapter 2", "Part two", "Intro: goals" are titles)
    over words that carry no speaker label of their own ("Jo Smith: Welcome...")."""
    if named.group("id"):
        return True
    name = named.group("name").strip()
    if not name_like(name) or re.search(r"[\d:]", name):
        return False
    own = _ZOOM_LABEL.match(text)
    return not (own and name_like(own.group(1)) and own.group(1).strip() != name)


_NOTE = re.compile(r"\[[^\]\n]*\]|\([^)\n]*\)")  # "[Music]", "[inaudible 00:12:03]", "(laughs)"


def _clean(text: str) -> str:
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def parse_cues(path, lines) -> list[tuple[int, int, str, str]]:
    """``[(cue number, line number, start time, raw text)]``; raises InputError on a broken timing line."""
    cues = []
    it = iter(enumerate(lines, start=1))
    first_content = None
    block: list[tuple[int, str]] = []

    def flush(block):
        if not block:
            return
        head = block[0][1].strip()
        if re.match(r"^(NOTE|STYLE|REGION)\b", head):
            return
        if head.startswith("WEBVTT"):
            arrows = [j for j, (_, t) in enumerate(block) if "-->" in t]
            if not arrows:
                return
            j = arrows[0]
            # no blank line after the header: keep the first cue (and its id line, if any)
            block = block[j - 1:] if j >= 2 and ":" not in block[j - 1][1] else block[j:]
        timing_at = None
        for j, (ln, text) in enumerate(block[:2]):
            if "-->" in text:
                if not _TIMING.match(text):
                    raise InputError("broken timestamp line (expected 00:00:01.000 --> 00:00:04.000); fix or re-export the VTT",
                                     path, f"line {ln}")
                timing_at = j
                break
        if timing_at is None:
            ln = block[0][0]
            raise InputError("expected a cue timestamp line (00:00:01.000 --> 00:00:04.000); the VTT is malformed",
                             path, f"line {ln + (1 if len(block) > 1 else 0)}")
        ln, timing = block[timing_at]
        start = _TIMING.match(timing).group(1)
        text = "\n".join(t for _, t in block[timing_at + 1:])
        named = _WEBEX_ID.match(block[0][1]) if timing_at == 1 else None
        if named and not _webex_speaker(named, text):
            named = None
        if named and text.strip() and not re.match(rf"\s*{re.escape(named.group('name').strip())}\s*:", text):
            # Webex names the speaker in the cue id (1 "Jo Smith" (2843952128)), not in the text
            text = f"{named.group('name').strip()}: {text}"
        for extra_ln, extra in block[timing_at + 1:]:
            if "-->" in extra and re.search(r"\d:\d", extra):
                raise InputError("broken cue: a timestamp line inside a cue's text (a blank line is missing?); fix or re-export the VTT",
                                 path, f"line {extra_ln}")
        cues.append((len(cues) + 1, ln, start, text))

    for ln, line in it:
        line = line.rstrip("\r\n").lstrip("\ufeff") if ln == 1 else line.rstrip("\r\n")
        if first_content is None:
            if not line.strip():
                continue
            first_content = line
            if not line.startswith("WEBVTT") and "-->" not in line and not re.match(r"^\S+$", line.strip()):
                raise InputError("not a WebVTT file (the first line should be WEBVTT); export the transcript again as .vtt", path, f"line {ln}")
        if not line.strip():
            flush(block)
            block = []
        else:
            block.append((ln, line))
    flush(block)
    return cues


def read_vtt(source: Source) -> Reading:
    path = source.path
    check_not_empty(path)
    with open_text(path) as fh:
        lines = fh.read().splitlines()
    cues = parse_cues(path, lines)
    if not cues:
        raise InputError("the VTT has no cues (no 00:00:01.000 --> 00:00:04.000 lines); export the transcript again", path)
    teams = source.format == "teams_vtt" or any("<v" in c[3] for c in cues)
    cues, ends = _spoken(cues)

    turns: list[Turn] = []
    if teams:
        for num, ln, start, raw in cues:
            voices = list(_VOICE.finditer(raw))
            # speech outside a <v> span is not attributed to anyone: giving it to the previous speaker
            # could put one person's words (and consent) on another
            if not voices:
                turns.append(Turn(None, _clean(raw), f"cue {num}", start))
                continue
            before = raw[:voices[0].start()]
            if before.strip():
                turns.append(Turn(None, _clean(before), f"cue {num}", start))
            for v in voices:
                label = html.unescape((v.group(1) or "").strip()) or None
                turns.append(Turn(label, _clean(v.group(2)), f"cue {num}", start))
    else:
        turns = _labelled_cue_turns(source, cues, ends)
    return build_reading(source, _drop_after_closing(turns, ends))


def _spoken(cues) -> tuple[list, set[int]]:
    """The cues without closing boilerplate lines (Meet's footer, ``[END OF INTERVIEW]``: dropped as
    lines.py drops them), a cue that is only sounds emptied (``[Music]``); and the numbers of the cues
    that held a closing marker."""
    out, ends = [], set()
    for num, ln, start, raw in cues:
        lines = raw.split("\n")
        if any(end_mark(_clean(line)) for line in lines):
            ends.add(num)
        text = "\n".join(line for line in lines if not _boilerplate(_clean(line)))
        out.append((num, ln, start, "" if _only_sounds(text) else text))
    return out, ends


def _boilerplate(line: str) -> bool:
    """A closing marker, or a meeting-system line that no speaker says ("Helen stopped transcription";
    "Helen: so we stopped recording" is speech)."""
    return end_mark(line) or (boilerplate(line) and not (_ZOOM_LABEL.match(line) or _TAG_LABEL.match(line)))


def _only_sounds(text: str) -> bool:
    """Nothing, or only bracketed sounds and notes (``[Applause] [Laughter]``, ``(laughs)``,
    ``[unreadable]``); a bracketed aside that reads as speech (:func:`_speech_aside`) is words."""
    return not re.search(r"\w", _NOTE.sub(lambda m: m.group(0) if _speech_aside(m.group(0)) else "", _clean(text)))


def _drop_after_closing(turns: list[Turn], ends: set[int]) -> list[Turn]:
    """Turns without sounds-only text; after a closing marker, speech given to nobody (who transcribed
    it, when) is dropped until a speaker's cue."""
    out, closed_at = [], None
    for t in turns:
        num = int(t.locator.split()[-1])
        if t.label is not None:
            closed_at = None
        elif closed_at is not None and num > closed_at:
            continue
        if not _only_sounds(t.text):
            out.append(t)
        if num in ends:
            closed_at = num
    return out


def _cue_label(raw: str, tags: bool):
    """``(label, text)`` of a cue that starts with a speaker tag (``tags``: ``[Name]``) or a
    ``Name:`` label, else None."""
    m = _TAG_LABEL.match(raw) if tags else _ZOOM_LABEL.match(raw)
    return (m.group(1).strip(), m.group(2)) if m else None


def _speaker_tags(cues, matcher) -> set[str]:
    """The ``[Name]`` tags that are speakers, never a bracketed sound or note (``[Music]``, ``[inaudible]``).
    Where most cues start with one, any short tag that does not read as a sentence (as for Zoom display
    names); where fewer do, see ``_sparse_tags``."""
    tags = Counter()
    for _, _, _, raw in cues:
        found = _cue_label(raw, True)
        if found and not not_speaker(found[0]):
            tags[found[0]] += 1
    if sum(tags.values()) >= 0.5 * sum(1 for c in cues if c[3].strip()):
        known = any(matcher.match(t) for t in tags)
        return {t for t in accepted_labels(tags, matcher, relaxed=True) if _speakerish(t, tags, matcher, once=not known)}
    return _sparse_tags(tags, matcher)


def _speakerish(tag: str, tags: Counter, matcher, once: bool) -> bool:
    """Whether a tag can name a speaker: the roster knows it, it is a role or a numbered speaker
    ("[P2]"), or it reads as a name, holds no digit ("[Slide 3]") and, unless ``once``, comes back or is
    written in capitals as speaker tags are ("[HELEN]"; a speaker speaks more than once, while "[Rain]"
    and "[Translation]" come once)."""
    if matcher.match(tag) or label_role(tag) or is_generic_label(tag):
        return True
    return name_like(tag) and not re.search(r"\d", tag) and (once or tags[tag] >= 2 or tag.isupper())


def _sparse_tags(tags: Counter, matcher) -> set[str]:
    """Tags on fewer than half the cues mark where the speaker changes when they read as names or roles
    (``[HELEN]``, ``[P2]``) and there are two or more of them, or the roster knows one; a lone tag or
    one that reads otherwise is a transcriber's note and stays in the text."""
    # with a roster that knows some tags, one it does not know must come back or be in capitals (a note such
    # as "[Rain]" would carry the next cue under the file's consent); with none, everyone has the file's
    known = any(matcher.match(t) for t in tags)
    ok = {t for t in accepted_labels(tags, matcher) if _speakerish(t, tags, matcher, once=not known)}
    return ok if len(ok) >= 2 or any(matcher.match(t) for t in ok) else set()


_CLOCK = _LINE_CLOCK   # a clock time as the transcript readers take it (lines._TS)
_LEAD_CLOCK = re.compile(rf"^\s*(?:>>\s*)?[\[(]{_CLOCK}[\])]\s*(?:[-–]\s*)?(?=\S)")
_CLOCK_IN_LABEL = re.compile(rf"^\s*(?P<label>[^:\[\]\n]{{1,60}}?)\s*[-–@,]?\s*[\[(]?{_CLOCK}[\])]?\s*:(?=\s)")
_CLOCK_IN_TAG = re.compile(rf"^\s*\[(?P<label>[^:\[\]\n]{{1,60}}?)\s*[-–@,]?\s*{_CLOCK}\]")


def _untimed(raw: str) -> str:
    """A cue's speaker tag without the timestamp a transcription tool put in it (the cue has its own
    time): ``[00:01:02] Helen: words``, ``Helen [00:01:02]: words``, ``Helen (00:01:02): words``,
    ``[HELEN 00:01:02] words`` read as ``Helen: words`` / ``[HELEN] words``; a caption's ``>>`` goes too."""
    text = re.sub(r"^\s*>>\s*(?=\S)", "", raw)
    text = _LEAD_CLOCK.sub("", text, count=1)
    m = _CLOCK_IN_LABEL.match(text) or _CLOCK_IN_TAG.match(text)
    if m and _speaker_like(m.group("label")):
        close = ":" if m.re is _CLOCK_IN_LABEL else "]"
        text = f"{'[' if close == ']' else ''}{m.group('label').strip()}{close}{text[m.end():]}"
    return text


def _speaker_like(label: str) -> bool:
    return not not_speaker(label) and (name_like(label) or is_generic_label(label) or bool(label_role(label)))


def _labelled_cue_turns(source: Source, cues, ends: set[int]) -> list[Turn]:
    """Zoom (``Name: text``) and SRT cues (that, or ``[Name] text``): one turn each, the label taken out
    of the text; a cue without an accepted label is speech given to nobody, except in an SRT whose
    tags are speakers (``_cue_turns``), where the tags alone label ("Honestly: ..." in speech is none)."""
    matcher = RosterMatcher(source.roster, source.meta.get("group"))
    cues = [(num, ln, start, _untimed(raw)) for num, ln, start, raw in cues]
    tag_ok = _speaker_tags(cues, matcher)
    ok = set()
    if not tag_ok:
        candidates = Counter(f[0] for f in (_cue_label(c[3], False) for c in cues) if f)
        ok = accepted_labels(candidates, matcher, relaxed=sum(candidates.values()) >= 0.5 * len(cues))
    # transcription tools' SRT (Otter, Descript, Happy Scribe) put "Name:" only where the speaker changes,
    # as they do a tag; Zoom's VTT leaves the name out only where it could not tell who spoke
    srt = source.path.suffix.lower() == ".srt"
    return _cue_turns(cues, ends, tag_ok, ok, carry=bool(tag_ok) or (srt and bool(ok)))


def _cue_turns(cues, ends: set[int], tag_ok: set[str], ok: set[str], carry: bool = False) -> list[Turn]:
    """One turn per cue. With ``carry`` (speaker tags, ``tag_ok``, or an SRT's ``Name:`` labels) an
    unlabelled cue continues the speaker's turn (a label may stand only where the speaker changes); a
    sound, a note at the start of a cue (``[crosstalk] yes``) or a closing marker ends the turn, so what
    follows is nobody's."""
    turns, current = [], None
    for num, _, start, raw in cues:
        found = _cue_label(raw, bool(tag_ok))
        label, text = found if found and found[0] in (tag_ok or ok) else (None, raw)
        if label is None and carry and raw.strip() and raw.lstrip()[0] not in "[(":
            label = current
        turns.append(Turn(label, _clean(text), f"cue {num}", start))
        current = label if raw.strip() and num not in ends else None
    return turns
