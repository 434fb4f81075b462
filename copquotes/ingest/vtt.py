"""WebVTT transcripts from Zoom (``Name: words``) and Teams (``<v Name>words</v>``).

Zoom: numbered cues, one ``Name: text`` line each (a cue with no name is speech
Zoom could not attribute). SRT from transcription tools: ``Name: text`` or a tag
``[NAME] text`` / ``[Name]: text`` when most cues carry one. Teams: optional cue ids (``GUID/12-0``), ``<v Name>``
voice spans, possibly several lines per cue, several voices per cue, or no closing
``</v>``. NOTE / STYLE / REGION blocks are skipped.
"""
from __future__ import annotations

import html
import re
from collections import Counter

from ..errors import InputError
from .base import Reading, Source
from .roster import RosterMatcher
from .textio import check_not_empty, open_text
from .transcript import Turn, accepted_labels, build_reading

_TS = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)*(?:\s+([^>]*))?>(.*?)(?:</v>|(?=<v[\s.>])|$)", re.S)
_TAG = re.compile(r"</?(?:c|i|b|u|ruby|rt|lang|v)(?:[.\s][^>]*)?>|<\d+:\d{2}(?::\d{2})?[.,]\d{3}>")
_ZOOM_LABEL = re.compile(r"^\s*([^:\n]{1,100}?)\s*:\s+(.*)$", re.S)
_TAG_LABEL = re.compile(r"^\s*\[([^\]\n]{1,60})\]\s*:?\s+(\S.*)$", re.S)  # SRT "[HELEN] text", "[Helen]: text"
# bracketed sounds and transcriber notes at the start of a cue: never speaker tags
_NOT_SPEAKERS = re.compile(
    r"^(?:inaudible|crosstalk|cross[\s-]?talk|overlapping(?:\s+speech)?|overtalk|unclear|indistinct|"
    r"laughs?|laughter|laughing|chuckles?|sighs?|coughs?|pause|long\s+pause|silence|music|applause|"
    r"(?:background\s+)?noise|no\s+audio|audio\s+cuts?\s+out|foreign(?:\s+language)?|"
    r"speaking\s+\w+|end(?:\s+of\s+\w+)?)$", re.I)


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
        turns = _labelled_cue_turns(source, cues)
    return build_reading(source, turns)


def _cue_label(raw: str, tags: bool):
    """``(label, text)`` of a cue that starts with a speaker tag (``tags``: ``[Name]``) or a
    ``Name:`` label, else None."""
    m = _TAG_LABEL.match(raw) if tags else _ZOOM_LABEL.match(raw)
    return (m.group(1).strip(), m.group(2)) if m else None


def _speaker_tags(cues, matcher) -> set[str]:
    """The ``[Name]`` tags that are speakers: only in a file where most cues start with one (so any
    short tag that does not read as a sentence, as for Zoom display names),
    and never a bracketed sound or note (``[Music]``, ``[inaudible]``)."""
    tags = Counter()
    for _, _, _, raw in cues:
        found = _cue_label(raw, True)
        if found and not _NOT_SPEAKERS.match(found[0].strip()):
            tags[found[0]] += 1
    if sum(tags.values()) < 0.5 * len(cues):
        return set()
    return accepted_labels(tags, matcher, relaxed=True)


def _labelled_cue_turns(source: Source, cues) -> list[Turn]:
    """Zoom (``Name: text``) and SRT cues (that, or ``[Name] text``): one turn each, the label
    taken out of the text; a cue without an accepted label is speech given to nobody."""
    matcher = RosterMatcher(source.roster, source.meta.get("group"))
    tag_ok = _speaker_tags(cues, matcher)
    candidates = Counter()
    for _, _, _, raw in cues:
        found = _cue_label(raw, False)
        if found:
            candidates[found[0]] += 1
    ok = accepted_labels(candidates, matcher, relaxed=sum(candidates.values()) >= 0.5 * len(cues))
    turns = []
    for num, ln, start, raw in cues:
        found = _cue_label(raw, True)
        if not (found and found[0] in tag_ok):
            found = _cue_label(raw, False)
            found = found if found and found[0] in ok else None
        label, text = found if found else (None, raw)
        turns.append(Turn(label, _clean(text), f"cue {num}", start))
    return turns
