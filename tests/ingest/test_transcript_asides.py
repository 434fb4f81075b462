"""A whole cue or line in brackets, or behind a mask of asterisks: someone's words are kept as a unit,
a stage direction or transcriber's note is not."""
from __future__ import annotations

import pytest

from copquotes.ingest import Source, detect_format, read

SPEAKERS = ("Mara Tolland", "Kiri Vallen", "Pella Strand")


def _vtt(cue: str, teams: bool) -> str:
    """Three speakers, the middle one saying ``cue``: a dropped cue merges nothing."""
    texts = ("What would have made your stay better?", cue, "Thank you, that is really helpful to hear.")
    blocks = ["WEBVTT", ""]
    for k, (who, text) in enumerate(zip(SPEAKERS, texts), start=1):
        if not teams:
            blocks.append(str(k))
        blocks += [f"00:00:{k * 5:02d}.000 --> 00:00:{k * 5 + 4:02d}.000",
                   f"<v {who}>{text}</v>" if teams else f"{who}: {text}", ""]
    return "\n".join(blocks)


def _txt(line: str) -> str:
    """A typed transcript whose middle speaker's second line is ``line``."""
    return (f"{SPEAKERS[0]}: What would have made your stay better?\n"
            f"{SPEAKERS[1]}: The night staff were kind.\n{line}\n"
            f"{SPEAKERS[2]}: Thank you, that is really helpful to hear.\n")


def _units(tmp_path, kind: str, text: str) -> list[str]:
    path = tmp_path / ("t.txt" if kind == "txt" else "t.vtt")
    path.write_text(_txt(text) if kind == "txt" else _vtt(text, kind == "teams"), encoding="utf-8")
    return [u.text for u in read(Source(path, detect_format(path), {})).units]


SPEECH = [
    ("teams", "[ by text message - said I want to thank all the staff for their kindness.]"),
    ("teams", "****** not that easy to sit in the waiting room. The nurse said she would be back soon."),
    ("teams", "**** at the front desk is always lovely!"),
    ("teams", "(people expect far too much!)"),
    ("zoom", "(I have missed two sessions because of my work shifts)"),
    ("zoom", "[We all felt the same about it.]"),
    ("zoom", "( I know they are very busy)"),
    ("txt", "****** on the ward said she would call me back."),
]

NOTES = [
    ("teams", "[inaudible]"),
    ("teams", "[laughs]"),
    ("teams", "[Pause]"),
    ("teams", "(laughs)"),
    ("teams", "[Music] [Applause]"),
    ("teams", "[inaudible 00:12:03]"),
    ("teams", "*** Break ***"),
    ("teams", "[participant joins the call again]"),
    ("zoom", "[unreadable]"),
    ("zoom", "(comments moved to another question)"),
    ("zoom", "[Laughs.]"),
    ("zoom", "[crosstalk]"),
    ("txt", "--- Part 2 ---"),
]


@pytest.mark.parametrize("kind,text", SPEECH)
def test_words_in_brackets_or_behind_a_mask_are_kept(tmp_path, kind, text):
    units = _units(tmp_path, kind, text)
    assert any(text in u for u in units), units
    assert len(units) == 3


@pytest.mark.parametrize("kind,text", NOTES)
def test_stage_directions_and_notes_are_not_units(tmp_path, kind, text):
    units = _units(tmp_path, kind, text)
    assert not any(text in u for u in units), units
    assert len(units) == (3 if kind == "txt" else 2)
