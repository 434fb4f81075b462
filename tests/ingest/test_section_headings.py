"""A section heading in a transcript or in notes (a Word Heading/Title paragraph, a Markdown ``#``
line in a TXT) is the document's structure, not anyone's words: it is never a unit of its own and
never joins the turn before it; it ends that turn."""
from __future__ import annotations

import pytest

from copquotes.ingest import read_path

Q1 = "What has changed for you since the first session?"
A1 = "I feel like I can name the backlash now instead of absorbing it."
Q2 = "Let's talk about what you would keep."
A2 = "Keep the small groups, that is where the trust was built."
A3 = "Thank you all, this was the best part of my month."
NOTES = ["Said the check-in round helped her arrive properly after a hard week.",
         "Found the facilitator's pace gentle; never felt rushed.",
         "Would like the recordings available afterwards."]
LABELLED = [("h0", "Focus group transcript"), ("h1", "Part 1"), ("p", f"Facilitator: {Q1}"), ("p", f"P1: {A1}"),
            ("h1", "Part 2 - after the break"), ("p", f"Facilitator: {Q2}"), ("p", f"P2: {A2}"),
            ("h2", "Closing reflections"), ("p", f"P1: {A3}")]
UNLABELLED = [("h1", "Interview notes, participant 3"), ("h2", "What worked"), ("p", NOTES[0]), ("p", NOTES[1]),
              ("h2", "What could improve"), ("p", NOTES[2])]


def _docx(path, blocks):
    import docx

    d = docx.Document()
    for kind, text in blocks:
        if kind == "p":
            d.add_paragraph(text)
        else:
            d.add_heading(text, int(kind[1]))
    d.save(path)
    return path


def _txt(path, blocks):
    path.write_text("".join(("#" * (int(k[1]) + 1) + " " if k != "p" else "") + t + "\n\n" for k, t in blocks),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("name,write", [("fg.docx", _docx), ("fg.txt", _txt)])
def test_a_heading_between_turns_is_not_the_last_speakers_words(tmp_path, name, write):
    units = list(read_path(write(tmp_path / name, LABELLED)).units)
    assert [u.text for u in units] == [Q1, A1, Q2, A2, A3]
    assert [u.speaker_key for u in units] == ["S1", "S2", "S1", "S3", "S2"]


@pytest.mark.parametrize("name,write", [("notes.docx", _docx), ("notes.txt", _txt)])
def test_headings_in_notes_without_speakers_are_no_units(tmp_path, name, write):
    units = list(read_path(write(tmp_path / name, UNLABELLED)).units)
    assert [u.text for u in units] == NOTES


def test_text_after_a_heading_without_a_label_is_kept_for_nobody(tmp_path):
    # after a heading the last speaker's turn is over: unlabelled text is kept, given to no one
    blocks = LABELLED[:4] + [("h1", "Part 2"), ("p", A2)]
    units = list(read_path(_docx(tmp_path / "fg.docx", blocks)).units)
    assert [(u.text, u.speaker_key) for u in units] == [(Q1, "S1"), (A1, "S2"), (A2, None)]
    assert units[-1].consent is None


@pytest.mark.parametrize("style", ["Heading 3", "Title"])
def test_a_speaker_label_in_a_heading_style_is_still_the_speaker(tmp_path, style):
    import docx

    d = docx.Document()
    for who, text in [("Facilitator", Q1), ("Participant", A1), ("Facilitator", Q2), ("Participant", A2)]:
        d.add_paragraph(f"{who}:", style=style)
        d.add_paragraph(text)
    d.save(tmp_path / "fg.docx")
    units = list(read_path(tmp_path / "fg.docx").units)
    assert [u.text for u in units] == [Q1, A1, Q2, A2]
    assert [u.speaker_role for u in units] == ["facilitator", "participant"] * 2
