"""Speaker labels typed in Word without a colon: a bold label, or a label and a tab, then the speech."""
from __future__ import annotations

import pytest

from copquotes.ingest import read_path

QUESTIONS = ["What has changed for you since joining?", "Anything you would change?"]
ANSWERS = ["Meeting someone who had walked the path of a new manager made the first year less lonely.",
           "The breakout rooms felt rushed; I would swap one talk for more time with peers."]


def _turns(label):
    return [("Interviewer", QUESTIONS[0]), (label, ANSWERS[0]), ("Interviewer", QUESTIONS[1]), (label, ANSWERS[1])]


def _docx(path, paragraphs):
    """``paragraphs``: lists of (text, bold) runs."""
    import docx

    d = docx.Document()
    for runs in paragraphs:
        p = d.add_paragraph()
        for text, bold in runs:
            p.add_run(text).bold = bold
    d.save(path)
    return path


@pytest.mark.parametrize("label,separator,bold", [
    ("Participant", "\t", False),
    ("Participant", "\t", True),
    ("Participant", " ", True),
    ("Pella Strand", " ", True),
    ("Pella Strand", "\t", True),
])
def test_a_label_set_off_by_bold_type_or_a_tab_is_the_speaker_not_text(tmp_path, label, separator, bold):
    p = _docx(tmp_path / "interview.docx", [[(who, bold), (separator + text, False)] for who, text in _turns(label)])
    r = read_path(p)
    units = list(r.units)
    assert [u.text for u in units] == [QUESTIONS[0], ANSWERS[0], QUESTIONS[1], ANSWERS[1]]
    assert [u.speaker_role for u in units] == ["interviewer", "participant"] * 2
    assert [u.speaker_key for u in units] == ["S1", "S2"] * 2
    if label == "Pella Strand":
        assert "Pella Strand" in {i.value for i in r.identifiers}


def test_a_bold_word_for_emphasis_is_not_a_speaker(tmp_path):
    lines = ["Really this was the part that mattered most to me.", "Honest feedback: it was fine, but long.",
             "Really the best part was the peers who turned up."]
    p = _docx(tmp_path / "reflection.docx",
              [[(ln.split()[0], True), (" " + ln.split(" ", 1)[1], False)] for ln in lines])
    assert [u.text for u in read_path(p).units] == lines


def test_a_text_transcript_with_a_tab_after_each_name(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("".join(f"{who}\t{text}\n" for who, text in _turns("Pella Strand")), encoding="utf-8")
    r = read_path(p)
    units = list(r.units)
    assert [u.text for u in units] == [QUESTIONS[0], ANSWERS[0], QUESTIONS[1], ANSWERS[1]]
    assert [u.speaker_key for u in units] == ["S1", "S2"] * 2
