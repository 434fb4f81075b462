"""Transcript readers: Zoom VTT, Teams VTT, Teams DOCX, Otter TXT, plain TXT; roster matching."""
from __future__ import annotations

import pytest

from copquotes.errors import InputError
from copquotes.ingest import Source, detect_format, load_roster, read, read_path
from copquotes.ingest.roster import RosterMatcher
from copquotes.types import RosterEntry

from .builders import COP_FOLDER, make_teams_docx

ROSTER = load_roster(COP_FOLDER / "roster_early_career.csv")
TRANSCRIPTS = COP_FOLDER / "transcripts"


def read_file(path, roster=ROSTER, **meta):
    r = read(Source(path, detect_format(path), meta, tuple(roster)))
    return r, list(r.units)


def write(tmp_path, name, text, encoding="utf-8", newline="\n"):
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    return p


# ----------------------------------------------------------------------------- Zoom

def test_zoom_vtt_merges_cues_and_handles_a_cue_without_speaker():
    path = TRANSCRIPTS / "zoom_fg_session3.vtt"
    assert detect_format(path) == "zoom_vtt"
    r, units = read_file(path, speaker_roles={"Priya Raman": "facilitator"})
    assert [u.speaker_key for u in units] == ["S1", "S2", None, "S3", "S4", "S5", "S1"]
    assert units[0].text == ("Okay, welcome back everyone. Let's do a quick check-in round. "
                             "How are you arriving today, in one or two words?")
    assert units[0].locator == "cue 1" and units[1].locator == "cue 3"
    assert units[0].start_time == "00:00:02.140"
    assert ("merged", 2) in units[0].extra
    # the cue with no "Name:" is speech Zoom could not attribute: its own unit, role unknown, no consent
    assert units[2].text == "Mm, yeah." and units[2].speaker_role == "unknown" and units[2].consent is None
    # a colon inside speech does not make a speaker
    assert units[5].text == "Same, we had backlash from leadership: they just didn't buy in."
    roles = [u.speaker_role for u in units]
    assert roles == ["facilitator", "participant", "unknown", "participant", "participant", "participant", "facilitator"]
    # consent from the roster: Tom yes, "Aroha N" (alias) yes, Mia no, "Sam" ambiguous (two Sams) -> None
    assert [u.consent for u in units] == [True, True, None, True, False, None, True]
    assert r.meta["source_kind"] == "focus_group"
    assert all(u.question is None for u in units)


def test_speaker_labels_are_identifiers_not_text():
    r, units = read_file(TRANSCRIPTS / "zoom_fg_session3.vtt")
    labels = {i.value for i in r.identifiers if i.source == "speaker_label"}
    assert labels == {"Priya Raman", "Tom Okafor", "Aroha N", "Mia Rossi", "Sam"}
    mia = next(i for i in r.identifiers if i.value == "Mia Rossi" and i.source == "speaker_label")
    assert "Mia Rossi (she/her)" in mia.aliases
    roster_names = {i.value for i in r.identifiers if i.source == "roster"}
    assert "Aroha Ngata" in roster_names
    aroha = next(i for i in r.identifiers if i.value == "Aroha Ngata")
    assert aroha.aliases == ("Ro", "Aroha N")
    for u in units:
        assert "Priya Raman:" not in u.text and "Tom Okafor" not in u.text
        assert u.speaker_key is None or u.speaker_key.startswith("S")


# ---------------------------------------------------------------------------- Teams

def test_teams_vtt_with_cue_ids_multiline_and_two_voices_in_a_cue():
    path = TRANSCRIPTS / "teams_fg_session5.vtt"
    assert detect_format(path) == "teams_vtt"
    r, units = read_file(path)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S3", "S2", "S4"]
    assert units[0].text == "Thanks for joining, everyone. Today we're reflecting on the whole series. Who'd like to start?"
    assert units[1].text == ("Being the only prevention worker in my organisation is isolating, "
                             "and this group has been my lifeline.")
    assert units[3].text == "Absolutely." and units[3].locator == "cue 4"
    assert "&" in units[4].text and "&amp;" not in units[4].text
    # "Raman, Priya" -> Dr Priya Raman (facilitator); "Lena Hoffmann (Guest)" -> Lena Hoffmann
    assert [u.speaker_role for u in units] == ["facilitator", "participant", "participant", "participant", "participant"]
    assert [u.consent for u in units] == [True, True, True, True, False]
    assert {"Priya Raman", "Lena Hoffmann"} <= {i.value for i in r.identifiers if i.source == "speaker_label"}


@pytest.mark.parametrize("with_ids", [True, False])
def test_teams_vtt_with_and_without_cue_ids(tmp_path, with_ids):
    cues = [("Jo Bell", "I keep coming back because it's the one place I'm not the only one."),
            ("Jo Bell", "It's been a lifeline, honestly."),
            ("Kim Hart", "Same for me.")]
    blocks = ["WEBVTT", ""]
    for i, (name, text) in enumerate(cues):
        if with_ids:
            blocks.append(f"8c1d0f3e-77aa-4b1e-9e55-0b6c2d9a1f00/{10 + i}-0")
        blocks += [f"00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.500", f"<v {name}>{text}</v>", ""]
    p = write(tmp_path, "meeting.vtt", "\n".join(blocks), newline="\r\n")
    r, units = read_file(p, roster=())
    assert [u.text for u in units] == [
        "I keep coming back because it's the one place I'm not the only one. It's been a lifeline, honestly.",
        "Same for me."]
    assert [u.locator for u in units] == ["cue 1", "cue 3"]
    assert [u.consent for u in units] == [None, None]
    assert [u.speaker_role for u in units] == ["participant", "participant"]


def test_teams_vtt_voice_without_closing_tag_and_no_blank_after_header(tmp_path):
    text = ("WEBVTT\n00:00:01.000 --> 00:00:03.000\n<v Facilitator>Welcome.\n\n"
            "00:00:03.500 --> 00:00:06.000\n<v.loud Alex Ray>Thanks <i>so</i> much.\n")
    p = write(tmp_path, "t.vtt", text)
    _, units = read_file(p, roster=())
    assert [(u.text, u.speaker_role) for u in units] == [("Welcome.", "facilitator"), ("Thanks so much.", "participant")]


@pytest.mark.parametrize("style", ["modern", "inline", "stream"])
def test_teams_docx(tmp_path, style):
    p = make_teams_docx(tmp_path / "Transcript.docx", style=style)
    assert detect_format(p) == "teams_docx"
    r, units = read_file(p)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S3", "S2"]
    assert units[0].text == ("Okay, thanks everyone for coming along to our final session. "
                             "Let's go around and share one thing you're taking away.")
    assert units[0].locator.startswith("paragraph ")
    assert [u.speaker_role for u in units] == ["facilitator", "participant", "participant", "participant"]
    assert [u.consent for u in units] == [True, True, False, True]
    assert not any("started transcription" in u.text for u in units)
    if style != "stream":
        assert units[1].start_time == "00:00:21"
        assert r.meta["year"] == "2024"  # from the date paragraph
    else:
        assert units[1].start_time == "00:00:11.0"


def test_docx_typed_with_labels(tmp_path):
    p = make_teams_docx(tmp_path / "typed.docx", style="labelled")
    assert detect_format(p) == "plain_docx"
    _, units = read_file(p)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S3", "S2"]


# ---------------------------------------------------------------------------- Otter

def test_otter_txt():
    path = TRANSCRIPTS / "otter_fg_2024-2025.txt"
    assert detect_format(path) == "otter_txt"
    r, units = read_file(path)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S3", None, "S2"]
    assert units[1].start_time == "00:00:21" and units[1].locator == "line 4"
    assert units[1].text.startswith("I trust myself more now.")
    assert [u.speaker_role for u in units] == ["facilitator", "participant", "participant", "unknown", "participant"]
    assert [u.consent for u in units] == [True, True, None, None, True]
    assert not any("otter.ai" in u.text for u in units)
    # generic labels are not identifiers
    assert {i.value for i in r.identifiers if i.source == "speaker_label"} == {"Priya Raman", "Aroha Ngata"}


def test_otter_long_timestamps_and_crlf(tmp_path):
    text = "Jo Bell  1:02:03\nWe kept going.\n\nKim Hart  1:02:30\nAnd it mattered.\n"
    p = write(tmp_path, "o.txt", text, newline="\r\n")
    _, units = read_file(p, roster=())
    assert [(u.start_time, u.text) for u in units] == [("01:02:03", "We kept going."), ("01:02:30", "And it mattered.")]


# ---------------------------------------------------------------------------- plain TXT

def test_plain_txt_interview_with_continuation_lines():
    path = TRANSCRIPTS / "interview_p07_2024.txt"
    assert detect_format(path) == "plain_txt"
    r, units = read_file(path)
    assert [u.speaker_key for u in units] == ["S1", "S2", "S1", "S2"]
    assert units[1].text == ("The group agreements, honestly. They made it safe to be vulnerable, "
                             "and I could say the risky thing without worrying about it getting back to my manager.")
    assert units[1].locator == "line 3"
    assert [u.speaker_role for u in units] == ["interviewer", "participant", "interviewer", "participant"]
    assert r.meta["source_kind"] == "interview"     # two speakers, one the Interviewer
    assert not any("recording paused" in u.text for u in units)  # a transcriber's note is not speech
    assert r.meta["year"] == "2024"
    assert not [i for i in r.identifiers if i.source == "speaker_label"]  # Interviewer / Participant are generic


@pytest.mark.parametrize("text,kind", [
    ("Interviewer: How was it?\nP1: Good.\nInterviewer: Why?\nP1: People.\n", "interview"),
    ("Facilitator: How was it?\nP1: Good.\nP2: Great.\n", "focus_group"),
    ("Interviewer: How was it?\nP1: Good.\nP2: Great.\n", "focus_group"),
    ("Jo: How was it?\nKim: Good.\n", "focus_group"),
])
def test_source_kind_detection(tmp_path, text, kind):
    p = write(tmp_path, "t.txt", text)
    r, _ = read_file(p, roster=())
    assert r.meta["source_kind"] == kind


def test_plain_txt_with_timestamps_and_cp1252(tmp_path):
    text = "[00:01:05] Jo Bell: It’s the only space where I don’t have to explain myself.\n" \
           "[00:01:40] Kim Hart: Café chats after were the best.\n"
    p = write(tmp_path, "t.txt", text, encoding="cp1252", newline="\r\n")
    _, units = read_file(p, roster=())
    assert [u.text for u in units] == ["It’s the only space where I don’t have to explain myself.",
                                       "Café chats after were the best."]
    assert units[0].start_time == "00:01:05"


def test_plain_txt_without_labels_gives_paragraphs(tmp_path):
    text = ("Reflection after session four.\nThe group was tired tonight.\n\n"
            "Two people spoke about backlash from their principals.\n")
    p = write(tmp_path, "facilitator_reflection.txt", text)
    r, units = read_file(p, roster=(), speaker_role="facilitator", source_kind="reflection")
    assert [u.text for u in units] == ["Reflection after session four. The group was tired tonight.",
                                       "Two people spoke about backlash from their principals."]
    assert {u.speaker_role for u in units} == {"facilitator"} and {u.speaker_key for u in units} == {"S1"}
    assert r.meta["source_kind"] == "reflection"


# ---------------------------------------------------------------------------- roster matching

ROSTER_TABLE = (
    RosterEntry("Dr Jane Smith", "facilitator", True, ("Janey",)),
    RosterEntry("Tom Lee", "participant", True, ("Tommy", "T Lee")),
    RosterEntry("Mia Rossi", "participant", False),
    RosterEntry("Sam Chen", "participant", True),
    RosterEntry("Sam Whitfield", "participant", False),
    RosterEntry("José Álvarez", "participant", True),
)


@pytest.mark.parametrize("label,expected", [
    ("Jane Smith", "Dr Jane Smith"),          # honorific on the roster only
    ("Dr. Jane Smith", "Dr Jane Smith"),
    ("jane smith", "Dr Jane Smith"),          # case-insensitive
    ("Smith, Jane", "Dr Jane Smith"),         # Teams "Last, First"
    ("Jane", "Dr Jane Smith"),                # a first name unique in the roster
    ("Janey", "Dr Jane Smith"),               # alias
    ("Tommy", "Tom Lee"),
    ("T Lee", "Tom Lee"),
    ("Tom L.", "Tom Lee"),                    # first name + initial
    ("Mia Rossi (she/her)", "Mia Rossi"),     # pronouns
    ("Mia Rossi | Safe Steps", "Mia Rossi"),  # an organisation after a bar
    ("Jose Alvarez", "José Álvarez"),         # accents
    ("Sam", None),                            # two Sams: ambiguous, never guessed
    ("Sam Chen", "Sam Chen"),
    ("Speaker 2", None),
    ("Jane Doe", None),
])
def test_roster_matching(label, expected):
    m = RosterMatcher(ROSTER_TABLE).match(label)
    assert (m.name if m else None) == expected


def test_roster_group_column_restricts_matches():
    roster = (RosterEntry("Sam Chen", "participant", True, group="RRE"),
              RosterEntry("Sam Whitfield", "participant", False, group="Early career"))
    assert RosterMatcher(roster, group="RRE").match("Sam").name == "Sam Chen"
    assert RosterMatcher(roster).match("Sam") is None


@pytest.mark.parametrize("content,message", [
    ("name,role,quote_consent\nJo Bell,observer,yes\n", "role 'observer'"),
    ("name,role,quote_consent\nJo Bell,participant,maybe\n", "quote_consent 'maybe'"),
    ("name,role,quote_consent\n,participant,yes\n", "no name"),
    ("person,consent\nJo,yes\n", "not a roster"),
])
def test_bad_roster(tmp_path, content, message):
    from copquotes.errors import ConfigError
    p = write(tmp_path, "roster.csv", content)
    with pytest.raises(ConfigError, match=message):
        load_roster(p)


def test_roster_aliases_and_bom(tmp_path):
    p = write(tmp_path, "r.csv", "\ufeffName,Role,Quote consent,Aliases\nJo Bell,Facilitator,Y,Joanne|JB; Jo B\n")
    (entry,) = load_roster(p)
    assert entry == RosterEntry("Jo Bell", "facilitator", True, ("Joanne", "JB", "Jo B"))


# ---------------------------------------------------------------------------- errors

@pytest.mark.parametrize("text,message,location", [
    ("WEBVTT\n\nNOTE nothing here\n", "no cues", None),
    ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:04.000\nJo: hi\n", "expected a cue timestamp", "line 4"),
    ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:0x.000\nJo: hi\n", "broken timestamp line", "line 4"),
    ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nJo: hi\n\n2\n00:00:0x --> 00:00:09.000\nJo: again\n",
     "broken timestamp line", "line 8"),
])
def test_bad_vtt(tmp_path, text, message, location):
    p = write(tmp_path, "bad.vtt", text)
    with pytest.raises(InputError) as info:
        read(Source(p, "zoom_vtt", {}))
    assert message in str(info.value)
    assert info.value.location == location


@pytest.mark.parametrize("content", [b"PK\x03\x04garbage", b"plain text pretending"])
def test_corrupt_docx(tmp_path, content):
    p = tmp_path / "t.docx"
    p.write_bytes(content)
    with pytest.raises(InputError, match="corrupt DOCX"):
        read(Source(p, "teams_docx", {}))
    with pytest.raises(InputError, match="corrupt"):
        detect_format(p)


def test_read_path_on_whole_fixture_transcripts_never_puts_names_in_text():
    names = [e.name for e in ROSTER] + ["Priya Raman", "Raman, Priya"]
    for p in sorted(TRANSCRIPTS.iterdir()):
        r = read_path(p, roster=ROSTER)
        for u in r.units:
            assert not any(u.text.startswith(n) for n in names)
            assert u.speaker_key is None or u.speaker_key.startswith("S")


# ---------------------------------------------------------------------------- other real-world shapes

VARIANTS = [
    # (file name, text, format, [(speaker_key, role, start_time, text)])
    ("zoom_live.txt", "[Jo Bell] 14:03:12\nWelcome, everyone.\n[Kim Hart] 14:03:20\nGlad to be here.\n",
     "otter_txt", [("S1", "participant", "14:03:12", "Welcome, everyone."),
                   ("S2", "participant", "14:03:20", "Glad to be here.")]),
    ("rev.txt", "Jo Bell (00:03):\nWelcome, everyone.\n\nSpeaker 2 (00:10):\nGlad to be here.\n",
     "plain_txt", [("S1", "participant", "00:00:03", "Welcome, everyone."),
                   ("S2", "participant", "00:00:10", "Glad to be here.")]),
    ("trint.txt", "Jo Bell: [00:00:03] Welcome, everyone.\nKim Hart: [00:00:10] Glad to be here.\n",
     "plain_txt", [("S1", "participant", "00:00:03", "Welcome, everyone."),
                   ("S2", "participant", "00:00:10", "Glad to be here.")]),
    ("upper.txt", "INTERVIEWER: How was it?\nJO: The best part of my month.\n",
     "plain_txt", [("S1", "interviewer", None, "How was it?"), ("S2", "participant", None, "The best part of my month.")]),
    ("qa.txt", "Q: How was it?\nA: The best part of my month.\n",
     "plain_txt", [("S1", "interviewer", None, "How was it?"), ("S2", "participant", None, "The best part of my month.")]),
    ("markdown.md", "**Jo:** Welcome.\n**Kim**: Glad to be here.\n",
     "plain_txt", [("S1", "participant", None, "Welcome."), ("S2", "participant", None, "Glad to be here.")]),
    ("captions.srt", "1\n00:00:01,000 --> 00:00:04,000\nJo Bell: Welcome.\n\n2\n00:00:04,500 --> 00:00:08,000\nKim Hart: Thanks.\n",
     "zoom_vtt", [("S1", "participant", "00:00:01.000", "Welcome."), ("S2", "participant", "00:00:04.500", "Thanks.")]),
    ("roles.txt", "Jo Bell (Facilitator): Welcome back.\nKim Hart: Thanks.\nJo Bell (Facilitator): Let's go.\n",
     "plain_txt", [("S1", "facilitator", None, "Welcome back."), ("S2", "participant", None, "Thanks."),
                   ("S1", "facilitator", None, "Let's go.")]),
    ("colons.txt", "Jo: We talked about one thing: backlash.\nSo the point is: it works.\nKim: Agreed.\n",
     "plain_txt", [("S1", "participant", None, "We talked about one thing: backlash. So the point is: it works."),
                   ("S2", "participant", None, "Agreed.")]),
]


@pytest.mark.parametrize("name,text,fmt,expected", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_transcript_variants(tmp_path, name, text, fmt, expected):
    p = write(tmp_path, name, text)
    assert detect_format(p) == fmt
    _, units = read_file(p, roster=())
    assert [(u.speaker_key, u.speaker_role, u.start_time, u.text) for u in units] == expected


def test_zoom_display_names_that_are_emails_phones_or_devices_never_stay_in_text(tmp_path):
    text = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\njo.bell@agency.org.au: Hi all, can you hear me?\n\n"
            "2\n00:00:04.000 --> 00:00:06.000\n0412 345 678: Yes, I'm on the phone line.\n\n"
            "3\n00:00:06.000 --> 00:00:08.000\njo's iPad: Testing.\n\n"
            "4\n00:00:08.000 --> 00:00:10.000\nSo the thing is: we never get time for this.\n\n"
            "5\n00:00:10.000 --> 00:00:12.000\nKim Hart: Agreed.\n")
    p = write(tmp_path, "zoom.vtt", text)
    r, units = read_file(p, roster=())
    assert [(u.speaker_key, u.text) for u in units] == [
        ("S1", "Hi all, can you hear me?"), ("S2", "Yes, I'm on the phone line."), ("S3", "Testing."),
        (None, "So the thing is: we never get time for this."), ("S4", "Agreed.")]
    kinds = {i.value: i.kind for i in r.identifiers}
    # Zoom's default device name "jo's iPad" names the person "jo" (the full label kept as an alias)
    assert kinds == {"jo.bell@agency.org.au": "email", "0412 345 678": "phone", "jo": "person",
                     "Kim Hart": "person"}
    assert "jo's iPad" in next(i for i in r.identifiers if i.value == "jo").aliases


def test_meta_speaker_roles_and_file_consent(tmp_path):
    from copquotes.errors import ConfigError
    p = write(tmp_path, "t.txt", "Jo Bell: Welcome.\nKim Hart: Thanks for having me.\n")
    _, units = read_file(p, roster=(), speaker_roles={"jo bell": "facilitator"}, consent="yes")
    assert [(u.speaker_role, u.consent) for u in units] == [("facilitator", True), ("participant", True)]
    with pytest.raises(ConfigError, match="'boss'"):
        read_file(p, roster=(), speaker_roles={"Jo Bell": "boss"})


def _interview_docx(path, header: list[tuple[str, str]], turns: list[tuple[str, str]]):
    import docx

    d = docx.Document()
    d.add_heading("Evaluation interview", 1)
    table = d.add_table(rows=len(header), cols=2)
    for i, (k, v) in enumerate(header):
        table.cell(i, 0).text, table.cell(i, 1).text = k, v
    for label, text in turns:
        p = d.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)
    d.save(path)
    return path


_INTERVIEW = [("I", "Thanks for making time. What has the group meant for you this year?"),
              ("P", "It is the first time I have had colleagues who do not need the basics explained."),
              ("I", "What do you mean by that?"),
              ("P", "I could bring the messy stuff, like the parent who emailed the principal about me.")]


@pytest.mark.parametrize("consent,meta,expected", [
    ("Yes", {}, True),
    ("No", {}, False),
    ("No", {"consent": "yes"}, False),      # the interviewee's own no beats the manifest's yes
    ("", {}, None),
])
def test_a_word_interviews_header_table_gives_its_names_and_the_interviewees_consent(tmp_path, consent, meta,
                                                                                     expected):
    header = [("Interviewer", "Dr Hana Whitcombe"), ("Participant ID", "P07 (Ngaio Te Whata)"),
              ("Date", "14 March 2024")] + ([("Consent to quote", consent)] if consent else [])
    p = _interview_docx(tmp_path / "interview_p07.docx", header, _INTERVIEW)
    r = read(Source(p, detect_format(p), {"source_kind": "interview", **meta}, ()))
    units = list(r.units)
    assert [u.text for u in units] == [t for _, t in _INTERVIEW]
    assert {u.consent for u in units if u.speaker_role == "participant"} == {expected}
    assert {i.value for i in r.identifiers if i.kind == "person"} >= {"Dr Hana Whitcombe", "Ngaio Te Whata"}


def test_a_first_turn_that_looks_like_a_header_field_stays_speech(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Interviewer: So tell me, how was your week?\nParticipant: Long, but the group helped.\n"
                 "Interviewer: In what way?\nParticipant: People who get it.\n", encoding="utf-8")
    r = read(Source(p, detect_format(p), {"source_kind": "interview"}, ()))
    assert [u.text for u in r.units][0] == "So tell me, how was your week?"
