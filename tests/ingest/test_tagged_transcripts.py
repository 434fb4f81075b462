"""Speaker tags as transcription tools and typists write them: in brackets at the start of a TXT line
(``[Helen]``, ``[Helen]:``, ``[Facilitator - Helen]``), with a timestamp inside an SRT/VTT cue's tag,
and a guest named by first name only against a roster's full name (never a participant)."""
from __future__ import annotations

import pytest

from copquotes.types import RosterEntry

from .builders import texts, units_of

TURNS = [
    ("Helen", "Welcome back, everyone. What changed for you in your practice this term?"),
    ("Amy", "Honestly, I stopped dreading the Monday staff meetings."),
    ("Helen", "What made the difference, do you think?"),
    ("Amy", "Having people who get it. People I can ring when a principal pushes back."),
    ("Rangi", "Same for me, the group is where I think out loud."),
]


def _txt(tag, blank=True):
    sep = "\n\n" if blank else "\n"
    return "Early career CoP - focus group, 14 May 2024" + sep + sep.join(
        f"{tag(name)} {text}" for name, text in TURNS) + "\n"


@pytest.mark.parametrize("tag,blank", [
    (lambda n: f"[{n}]", True),
    (lambda n: f"[{n}]", False),
    (lambda n: f"[{n}]:", False),
    (lambda n: f"[{n.upper()}]", True),
    (lambda n: f"[{'Facilitator' if n == 'Helen' else 'Participant'} - {n}]", True),
    (lambda n: f"[00:0{len(n)}:12] [{n}]", True),
    (lambda n: f"[{n}]\n", True),                                    # the tag alone on its line, the speech below
], ids=["[Name]", "[Name] no blank", "[Name]:", "[NAME]", "[Role - Name]", "[time] [Name]", "[Name] alone"])
def test_bracketed_speaker_tags_in_a_txt_are_turns(tmp_path, tag, blank):
    p = tmp_path / "fg_2024.txt"
    p.write_text(_txt(tag, blank), encoding="utf-8")
    fmt, r, units = units_of(p)
    assert fmt == "plain_txt"
    assert [(u.speaker_key, u.text) for u in units] == [
        ("S1", TURNS[0][1]), ("S2", TURNS[1][1]), ("S1", TURNS[2][1]), ("S2", TURNS[3][1]), ("S3", TURNS[4][1])]
    assert "[" not in texts(units) and "Helen" not in texts(units)
    assert {"helen", "amy", "rangi"} <= {i.value.lower() for i in r.identifiers}
    if "Facilitator" in tag("Helen"):
        assert [u.speaker_role for u in units][:2] == ["facilitator", "participant"]


def test_bracketed_sounds_and_notes_in_a_txt_stay_text(tmp_path):
    p = tmp_path / "reflection.txt"
    p.write_text("[Pause] I was not sure I would come back after the first session.\n\n"
                 "[inaudible] the second one changed that.\n\n[Slide 3] Our three goals for the term.\n",
                 encoding="utf-8")
    _, r, units = units_of(p)
    assert [u.speaker_key for u in units] == [None, None, None]
    assert not r.identifiers


def _srt(tag):
    return "\n".join(f"{i}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},500\n{tag(name, i)} {text}\n"
                     for i, (name, text) in enumerate(TURNS, start=1))


@pytest.mark.parametrize("tag", [
    lambda n, i: f"[00:00:{i * 5:02d}] {n}:",
    lambda n, i: f"{n} [00:00:{i * 5:02d}]:",
    lambda n, i: f"{n} (00:00:{i * 5:02d}):",
    lambda n, i: f"{n} 00:00:{i * 5:02d}:",
    lambda n, i: f"[{n.upper()} 00:00:{i * 5:02d}]",
    lambda n, i: f">> {n.upper()}:",
], ids=["[time] Name:", "Name [time]:", "Name (time):", "Name time:", "[NAME time]", ">> NAME:"])
def test_srt_speaker_tags_with_timestamps(tmp_path, tag):
    p = tmp_path / "fg_session2.srt"
    p.write_text(_srt(tag), encoding="utf-8")
    _, r, units = units_of(p)
    assert [(u.speaker_key, u.text) for u in units] == [
        ("S1", TURNS[0][1]), ("S2", TURNS[1][1]), ("S1", TURNS[2][1]), ("S2", TURNS[3][1]), ("S3", TURNS[4][1])]
    assert "Helen" not in texts(units) and "00:00" not in texts(units)
    assert {"helen", "amy", "rangi"} <= {i.value.lower() for i in r.identifiers}
    assert ">>" not in {a for i in r.identifiers for a in (i.value, *i.aliases)}


ROSTER = (RosterEntry("Helen Park", "facilitator", True), RosterEntry("Amy Cho", "participant", True),
          RosterEntry("Rangi Parata", "participant", True))


@pytest.mark.parametrize("name,cue", [
    ("guest.srt", lambda n: f"{n}: "),
    ("guest.vtt", lambda n: f"<v {n}>"),
    ("guest_tag.srt", lambda n: f"[{n}] "),
])
def test_a_guest_by_first_name_against_a_rosters_full_name_is_never_a_participant(tmp_path, name, cue):
    label = {"Amy": "Amy (guest)"}
    body = "\n".join(f"{i}\n00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.500\n{cue(label.get(n, n))}{text}"
                     f"{'</v>' if 'v' in cue('') else ''}\n"
                     for i, (n, text) in enumerate(TURNS, start=1))
    p = tmp_path / name
    p.write_text(("WEBVTT\n\n" if name.endswith(".vtt") else "") + body, encoding="utf-8")
    _, r, units = units_of(p, roster=ROSTER)
    amy = [u for u in units if u.text in (TURNS[1][1], TURNS[3][1])]
    assert len(amy) == 2 and {u.speaker_role for u in amy} == {"facilitator"}   # a guest: not quoted as a participant
    assert {u.consent for u in amy} == {None}                                   # nor with Amy Cho's yes
    assert [u.speaker_role for u in units if u.text == TURNS[4][1]] == ["participant"]


def test_teams_guest_account_of_a_rostered_participant_by_full_name_stays_a_participant(tmp_path):
    p = tmp_path / "teams.vtt"
    p.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Helen Park>Welcome back.</v>\n\n"
                 "00:00:06.000 --> 00:00:09.000\n<v Amy Cho (Guest)>The group kept me in this job.</v>\n",
                 encoding="utf-8")
    _, r, units = units_of(p, roster=ROSTER)
    assert [(u.speaker_role, u.consent) for u in units] == [("facilitator", True), ("participant", True)]
