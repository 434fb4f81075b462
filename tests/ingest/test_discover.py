"""discover(): folders, manifests, rosters, --meta, skipped files; detect_format on content."""
from __future__ import annotations

import shutil
import struct
import zlib

import pytest

from copquotes.errors import ConfigError, InputError, UnknownFormatError
from copquotes.ingest import FORMATS, Discovery, detect_format, discover, read

from .builders import COP_FOLDER, PLAIN_ROWS_FOR_DETECT, make_forms_xlsx, make_plain_xlsx, make_teams_docx, write_csv


def tiny_png() -> bytes:
    raw = b"\x00\x00\x00\x00"
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
def folder(tmp_path):
    dst = tmp_path / "cop"
    shutil.copytree(COP_FOLDER, dst)
    (dst / "transcripts" / "photo.png").write_bytes(tiny_png())
    (dst / "transcripts" / "~$Transcript.docx").write_bytes(b"lock")
    (dst / "surveys" / "old_export.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
    (dst / "surveys" / "summary.json").write_text('{"n": 3}')
    (dst / "transcripts" / "empty.vtt").write_bytes(b"")
    return dst


def rel(paths, root):
    return [p.relative_to(root).as_posix() for p in paths]


def test_folder_discovery_is_recursive_sorted_and_explains_skips(folder):
    d = discover([folder])
    assert isinstance(d, Discovery)
    assert rel([s.path for s in d.sources], folder) == [
        "surveys/qualtrics_end_of_series_2024.csv",
        "surveys/surveymonkey_midseries_2023.csv",
        "transcripts/interview_p07_2024.txt",
        "transcripts/otter_fg_2024-2025.txt",
        "transcripts/teams_fg_session5.vtt",
        "transcripts/zoom_fg_session3.vtt",
    ]
    assert [s.format for s in d.sources] == ["qualtrics_csv", "surveymonkey_csv", "plain_txt", "otter_txt",
                                            "teams_vtt", "zoom_vtt"]
    skipped = {p.relative_to(folder).as_posix(): reason for p, reason in d.skipped}
    assert "drafts/old_notes.txt" not in skipped  # excluded on purpose: no warning
    assert "documentation" in skipped["README.md"]
    assert "PNG" in skipped["transcripts/photo.png"]
    assert "lock" in skipped["transcripts/~$Transcript.docx"]
    assert "legacy (.xls/.doc)" in skipped["surveys/old_export.xls"]
    assert ".json" in skipped["surveys/summary.json"]
    # an empty export of a supported format is unreadable (reported, fails the ingest), not a note
    unreadable = {p.relative_to(folder).as_posix(): reason for p, reason in d.unreadable}
    assert list(unreadable) == ["transcripts/empty.vtt"] and "empty" in unreadable["transcripts/empty.vtt"]
    # the roster and the manifest are not sources, and not "skipped" either
    assert not any("roster" in p.name or p.name == "copquotes.yaml" for p, _ in d.skipped)
    assert list(d) == d.sources and len(d) == 6
    # deterministic
    assert [s.path for s in discover([folder]).sources] == [s.path for s in d.sources]


def test_manifest_defaults_globs_and_rosters(folder):
    d = discover([folder])
    meta = {s.path.name: s.meta for s in d.sources}
    assert meta["qualtrics_end_of_series_2024.csv"]["group"] == "Early career"
    assert meta["qualtrics_end_of_series_2024.csv"]["year"] == "2024-2025"           # manifest default
    assert meta["surveymonkey_midseries_2023.csv"]["year"] == "2023"                 # later glob entry wins
    assert meta["surveymonkey_midseries_2023.csv"]["group"] == "Regional and rural"
    assert meta["interview_p07_2024.txt"]["source_kind"] == "interview"
    assert meta["zoom_fg_session3.vtt"]["speaker_roles"] == {"Priya Raman": "facilitator"}
    assert meta["qualtrics_end_of_series_2024.csv"]["source_kind"] == "survey"       # detected from the format
    for s in d.sources:
        assert len(s.roster) == 7 and s.roster[0].name == "Dr Priya Raman"
        assert s.meta["rosters"] == [str(folder / "roster_early_career.csv")]


def test_meta_overrides_manifest_for_every_file(folder):
    d = discover([folder], meta={"year": "2022", "Group": "RRE", "kind": "focus group"})
    assert {s.meta["year"] for s in d.sources} == {"2022"}
    assert {s.meta["group"] for s in d.sources} == {"RRE"}
    assert {s.meta["source_kind"] for s in d.sources} == {"focus_group"}
    units = [u for s in d.sources for u in read(s).units]
    assert {u.year for u in units} == {"2022"} and {u.group for u in units} == {"RRE"}


def test_year_from_file_or_folder_name_without_manifest(tmp_path):
    (tmp_path / "2023-2024" / "RRE").mkdir(parents=True)
    a = tmp_path / "2023-2024" / "RRE" / "fg.txt"
    a.write_text("Jo: The CoP kept me going.\nKim: Same here.\n")
    b = tmp_path / "fg_2021.txt"
    b.write_text("Jo: The CoP kept me going.\nKim: Same here.\n")
    c = tmp_path / "fg_20240312.txt"      # a compact date stamp (Zoom's GMT20240312-...): its year
    c.write_text("Jo: The CoP kept me going.\nKim: Same here.\n")
    d = discover([tmp_path])
    years = {s.path.name: s.meta.get("year") for s in d.sources}
    assert years == {"fg.txt": "2023-2024", "fg_2021.txt": "2021", "fg_20240312.txt": "2024"}
    assert all("group" not in s.meta for s in d.sources)  # group only from a manifest or --meta


def test_nested_manifest_overrides_parent(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "copquotes.yaml").write_text("group: Parent group\nyear: '2020'\n")
    (tmp_path / "sub" / "copquotes.yaml").write_text(
        "group: Child group\nfiles:\n  - match: 'fg*.txt'\n    source_kind: interview\n")
    (tmp_path / "sub" / "fg1.txt").write_text("Interviewer: Hi.\nJo: Hello.\n")
    (tmp_path / "top.txt").write_text("Jo: One.\nKim: Two.\n")
    d = discover([tmp_path])
    meta = {s.path.name: s.meta for s in d.sources}
    assert meta["fg1.txt"] == {"group": "Child group", "year": "2020", "source_kind": "interview"}
    assert meta["top.txt"] == {"group": "Parent group", "year": "2020"}


def test_explicit_file_uses_its_folder_manifest_and_explicit_roster(tmp_path):
    (tmp_path / "copquotes.yaml").write_text("group: Tertiary\n")
    fg = tmp_path / "fg.txt"
    fg.write_text("Jo Bell: The group is my anchor.\nKim Hart: Mine too.\n")
    roster = tmp_path / "people.csv"
    roster.write_text("name,role,quote_consent\nJo Bell,participant,yes\nKim Hart,participant,no\n")
    d = discover([str(fg), str(roster)])
    (s,) = d.sources
    assert s.meta["group"] == "Tertiary" and s.format == "plain_txt"
    assert [u.consent for u in read(s).units] == [True, False]


def test_folder_roster_applies_without_manifest(tmp_path):
    (tmp_path / "roster.csv").write_text("name,role,quote_consent\nJo Bell,facilitator,yes\n")
    (tmp_path / "fg").mkdir()
    (tmp_path / "fg" / "s1.txt").write_text("Jo Bell: Welcome back.\nKim Hart: Thanks.\n")
    (s,) = discover([tmp_path]).sources
    assert [e.name for e in s.roster] == ["Jo Bell"]
    assert [u.speaker_role for u in read(s).units] == ["facilitator", "participant"]


def test_explicit_unknown_file_raises_but_folder_skips(tmp_path):
    p = tmp_path / "notes.html"
    p.write_text("<html><body>Hello</body></html>")
    with pytest.raises(UnknownFormatError):
        discover([p])
    png = tmp_path / "x.png"
    png.write_bytes(tiny_png())
    with pytest.raises(UnknownFormatError, match="PNG"):
        discover([png])
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "missing.csv"])
    d = discover([tmp_path])
    assert d.sources == [] and len(d.skipped) == 2


@pytest.mark.parametrize("yaml_text,message", [
    ("group: [unclosed\n", "invalid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
    ("source_kind: webinar\n", "unknown source_kind 'webinar'"),
    ("rosters: [nowhere.csv]\n", "roster file 'nowhere.csv' not found"),
    ("files:\n  - group: x\n", "needs a 'match' key"),
])
def test_bad_manifest(tmp_path, yaml_text, message):
    (tmp_path / "copquotes.yaml").write_text(yaml_text)
    (tmp_path / "fg.txt").write_text("Jo: hi.\nKim: hello.\n")
    with pytest.raises(ConfigError, match=message):
        discover([tmp_path])


def test_meta_list_values_and_bad_kind(tmp_path):
    p = write_csv(tmp_path / "s.csv", PLAIN_ROWS_FOR_DETECT)
    (s,) = discover([p], meta={"open_questions": "What did you value?,Q9"}).sources
    assert s.meta["open_questions"] == ["What did you value?", "Q9"]
    with pytest.raises(ConfigError, match="source_kind"):
        discover([p], meta={"source_kind": "podcast"})


# ------------------------------------------------------------------ detect_format

def _cases(tmp_path):
    t = tmp_path
    cases = {}
    cases["qualtrics_csv"] = COP_FOLDER / "surveys" / "qualtrics_end_of_series_2024.csv"
    cases["surveymonkey_csv"] = COP_FOLDER / "surveys" / "surveymonkey_midseries_2023.csv"
    cases["msforms_xlsx"] = make_forms_xlsx(t / "forms.xlsx")
    cases["plain_csv"] = write_csv(t / "plain.csv", PLAIN_ROWS_FOR_DETECT)
    cases["plain_xlsx"] = make_plain_xlsx(t / "plain.xlsx", PLAIN_ROWS_FOR_DETECT)
    cases["zoom_vtt"] = COP_FOLDER / "transcripts" / "zoom_fg_session3.vtt"
    cases["teams_vtt"] = COP_FOLDER / "transcripts" / "teams_fg_session5.vtt"
    cases["teams_docx"] = make_teams_docx(t / "teams.docx")
    cases["otter_txt"] = COP_FOLDER / "transcripts" / "otter_fg_2024-2025.txt"
    cases["plain_txt"] = COP_FOLDER / "transcripts" / "interview_p07_2024.txt"
    cases["roster_csv"] = COP_FOLDER / "roster_early_career.csv"
    cases["manifest"] = COP_FOLDER / "copquotes.yaml"
    return cases


def test_detect_every_documented_format(tmp_path):
    cases = _cases(tmp_path)
    assert set(cases) <= set(FORMATS)
    for fmt, path in cases.items():
        assert detect_format(path) == fmt, path


@pytest.mark.parametrize("fmt,new_name", [
    ("zoom_vtt", "zoom_transcript.txt"),      # a VTT saved as .txt
    ("teams_vtt", "teams_captions"),          # no extension
    ("qualtrics_csv", "export.txt.csv"),
    ("otter_txt", "otter_export"),            # no extension
    ("msforms_xlsx", "forms_download.xlsm"),
])
def test_detect_from_content_not_extension(tmp_path, fmt, new_name):
    src = _cases(tmp_path)[fmt]
    dst = tmp_path / new_name
    dst.write_bytes(src.read_bytes())
    assert detect_format(dst) == fmt


def test_roster_like_survey_is_not_a_roster(tmp_path):
    rows = [["Name", "Role", "Quote consent", "What did you value most about the CoP?"],
            ["Jo Bell", "Teacher", "Yes", "Somewhere to take the hard questions."],
            ["Kim Hart", "Youth worker", "No", "The people and the honesty in the room."]]
    p = write_csv(tmp_path / "responses.csv", rows)
    assert detect_format(p) == "plain_csv"


@pytest.mark.parametrize("content,error", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary\x00\x00junk" * 20, "binary"),
    (b"%PDF-1.7 something", "PDF"),
])
def test_detect_bad_files(tmp_path, content, error):
    p = tmp_path / "file.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=error):
        detect_format(p)


def test_survey_with_blank_roles_is_not_a_roster(tmp_path):
    rows = [["Name", "Role", "Quote consent", "What did you value most about the CoP?"],
            ["Jo Bell", "", "Yes", "Somewhere to take the hard questions and get honest answers back."],
            ["Kim Hart", "", "No", "The people and the honesty in the room, every single month."]]
    assert detect_format(write_csv(tmp_path / "responses.csv", rows)) == "plain_csv"


def test_metadata_is_json_serialisable(folder):
    import json
    for s in discover([folder]).sources:
        json.dumps(s.meta)
        r = read(s)
        json.dumps(r.meta)
        json.dumps(r.columns)
        for u in r.units:
            json.dumps(u.extra)
