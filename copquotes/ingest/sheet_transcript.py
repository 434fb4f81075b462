"""A focus group's notes typed into a spreadsheet: one row per turn, a Speaker column beside what
was said ("Time, Speaker, Comment"). Read as a transcript, not a survey: each speaker label is
matched against the roster and gets its role and consent from it, as in any transcript; a survey
reading would make every row a different respondent and give a facilitator's prompts, or a
participant who refused, the file's consent."""
from __future__ import annotations

from .base import Reading, Source
from .columns import _CONSENT_LIKE, _key

# headers that name who spoke, what was said and when
SPEAKER = {"speaker", "speakername", "speaking", "who", "whospoke"}
SAID = {"comment", "comments", "text", "whatwassaid", "utterance", "transcript", "speech", "said", "verbatim",
        "contribution", "dialogue"}
TIME = {"time", "timestamp", "timecode", "start", "starttime"}
CONSENT_WORDS = ("consent", "permission", "quot")
SURVEY_IDS = {"respondent", "respondentid", "responseid", "responsenumber", "submissionid", "recordid"}


def columns(rows: list[list[str]]) -> tuple[int, int, int | None] | None:
    """``(speaker, said, time)`` column indexes when ``rows`` (a sample, header first) are turns: a
    Speaker and a text column, no consent column (a survey's), and speakers who speak more than once."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 3:
        return None
    keys = [_key(h) for h in rows[0]]
    if any(w in k for k in keys for w in CONSENT_WORDS) or any(_CONSENT_LIKE.search(h) for h in rows[0]) \
            or any(k in SURVEY_IDS for k in keys):
        return None   # a survey: its consent column, or a survey tool's respondent id ("ID" may number turns)
    speaker = next((i for i, k in enumerate(keys) if k in SPEAKER), None)
    said = next((i for i, k in enumerate(keys) if k in SAID), None)
    if speaker is None or said is None:
        return None
    labels = [r[speaker].strip() for r in rows[1:] if speaker < len(r) and r[speaker].strip()]
    if len(labels) < 3 or any(len(label.split()) > 5 for label in labels):
        return None
    if len(labels) >= 8 and len(set(labels)) == len(labels):
        return None   # a different person on every row: respondents, not the speakers of a conversation
    return speaker, said, next((i for i, k in enumerate(keys) if k in TIME), None)


def read(source: Source, rows, cols: tuple[int, int, int | None]) -> Reading:
    """The turns of ``rows`` (``(row number, cells)``, header first) as a transcript's reading."""
    from .transcript import Turn, build_reading

    speaker, said, time = cols
    turns, header = [], False
    for num, row in rows:
        if not header:
            header = any(c.strip() for c in row)   # the first row with anything in it
            continue
        text = row[said].strip() if said < len(row) else ""
        if not text:
            continue
        label = row[speaker].strip() if speaker < len(row) else ""
        when = row[time].strip() if time is not None and time < len(row) else ""
        turns.append(Turn(label=label or None, text=text, locator=f"row {num}", start_time=when or None))
    return build_reading(source, turns)
