"""Ingest robustness: control characters and noncharacters stripped and counted, NUL bytes in a
CSV dropped with the line named, unreadable exports in a folder reported (summary, status, exit
code, --skip-unreadable), files of other types only noted."""
from __future__ import annotations

import json
import shutil

import pytest

from copquotes.cli import main
from copquotes.errors import InputError
from copquotes.ingest import discover
from copquotes.ingest.batch import ingest_inputs, unreadable_files
from copquotes.workspace import Workspace

from .builders import COP_FOLDER, csv_bytes, make_forms_xlsx, make_teams_docx, units_of

HEADER = ["ID", "What did you value most about the CoP?", "Are you happy to be quoted?"]


def survey(*answers) -> bytes:
    return csv_bytes([HEADER] + [[str(i + 1), a, "Yes"] for i, a in enumerate(answers)])


GOOD = "Being with people who understand why this work matters to me."

# (id, file name, bytes, texts expected, stripped {"control", "noncharacter"}, NUL lines [(line, n)])
CASES = [
    ("NUL in a CSV answer", "s.csv",
     survey(GOOD, "The mentoring\x00 kept me in the job this year.", "Less alone now, honestly."),
     [GOOD, "The mentoring kept me in the job this year.", "Less alone now, honestly."], (0, 0), [(3, 1)]),
    ("NULs on two lines", "s.csv",
     survey("Peer support\x00\x00 every week was the thing.", GOOD, "The \x00scripts for parents."),
     ["Peer support every week was the thing.", GOOD, "The scripts for parents."], (0, 0), [(2, 2), (4, 1)]),
    ("noncharacters in a CSV", "s.csv",
     survey("I felt \ufffeheard\uffff for once.", GOOD),
     ["I felt heard for once.", GOOD], (0, 2), []),
    ("control characters in a CSV", "s.csv",
     survey("Scripts\x07 for\x1b hard conversations\x0bwith parents.", GOOD),
     ["Scripts for hard conversations with parents.", GOOD], (3, 0), []),
    ("an answer of nothing but control characters", "s.csv",
     survey("\x01\x02", GOOD), [GOOD], (2, 0), []),
    ("a Windows-1252 CSV with a C1 control", "s.csv",
     csv_bytes([HEADER, ["1", "Caf\xe9 chats \x81 after the session.", "Yes"]], encoding="latin-1"),
     ["Café chats  after the session."], (1, 0), []),
    ("a text transcript", "t.txt",
     "Interviewer: What stood out?\nParticipant: The group agreements\ufffe made it safe\x07 to speak.\n".encode(),
     ["What stood out?", "The group agreements made it safe to speak."], (1, 1), []),
    ("a VTT transcript", "t.vtt",
     ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nMia Rossi: I arrive \uffffexhausted\x1b and leave energised.\n\n"
      "2\n00:00:05.000 --> 00:00:08.000\nTom Okafor: Same here, every time.\n").encode(),
     ["I arrive exhausted and leave energised.", "Same here, every time."], (1, 1), []),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_unsafe_characters_are_stripped_and_counted(tmp_path, case):
    _, name, data, expected, (control, nonchar), nul_lines = case
    p = tmp_path / name
    p.write_bytes(data)
    _, reading, units = units_of(p)
    assert [u.text for u in units] == expected
    assert reading.stats["stripped"] == {"control": control, "noncharacter": nonchar}
    assert [tuple(x) for x in reading.stats["nul_lines"]] == nul_lines


def test_the_ingest_report_counts_and_the_cli_names_the_nul_line(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "survey.csv").write_bytes(survey(GOOD, "The mentoring\x00 kept me going.", "I felt \ufffeheard."))
    code = main(["-q", "ingest", str(folder), "--workspace", str(tmp_path / "ws"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (f,) = json.loads(out)["files"]
    assert f["n_units"] == 3 and f["nul_lines"] == [[3, 1]]
    assert f["cleaned"] == {"control": 0, "noncharacter": 1, "nul": 1}
    assert "dropped 1 NUL byte (line 3)" in err and "removed 1 noncharacter" in err
    ws = Workspace.open(tmp_path / "ws")
    try:
        texts = {r[0] for r in ws.conn.execute("SELECT text FROM units")}
    finally:
        ws.close()
    assert texts == {GOOD, "The mentoring kept me going.", "I felt heard."}


@pytest.mark.parametrize("answers, units, non_answers", [
    ((GOOD, "N/A", "nothing", "", GOOD + " Again."), 2, 2),    # a blank cell is no answer at all, not counted
    ((GOOD, "No.", "none thanks"), 1, 2),
    ((GOOD,), 1, 0),
])
def test_the_ingest_report_counts_the_non_answers_it_leaves_out(tmp_path, capsys, answers, units, non_answers):
    """A researcher must be able to say how the rows became units: "N/A", "nothing" and the like
    are left out of every count, and the report says how many."""
    (tmp_path / "survey.csv").write_bytes(survey(*answers))
    code = main(["ingest", str(tmp_path / "survey.csv"), "--workspace", str(tmp_path / "ws"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (f,) = json.loads(out)["files"]
    assert (f["n_units"], f["non_answers"]) == (units, non_answers)
    said = f"{non_answers} non-answer{'s' * (non_answers != 1)} (such as N/A, nothing) left out"
    assert (said in err) == bool(non_answers)


# ---------------------------------------------------------------------------------- unreadable files
def _zip_garbage(p):
    p.write_bytes(b"PK\x03\x04 not really a workbook")


def _ole(p):
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def _ragged(p):
    p.write_bytes(csv_bytes([HEADER, ["1", GOOD, "Yes"]]) + b'2,"an unterminated quote, the file was cut\r\n')


def _too_many_fields(p):
    p.write_bytes(csv_bytes([HEADER, ["1", GOOD, "Yes"], ["2", "one", "two", "three", "four"]]))


def _empty(p):
    p.write_bytes(b"")


def _docx_without_document(p):
    import zipfile

    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")


UNREADABLE = [
    ("a damaged workbook", "export.xlsx", _zip_garbage, "corrupt XLSX"),
    ("a password-protected workbook", "export.xlsx", _ole, "password-protected"),
    ("a truncated CSV", "export.csv", _ragged, "unterminated quote"),
    ("a ragged CSV", "export.csv", _too_many_fields, "ragged CSV"),
    ("an empty CSV", "export.csv", _empty, "empty"),
    ("a DOCX without a document", "notes.docx", _docx_without_document, "corrupt DOCX"),
]


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "exports"
    shutil.copytree(COP_FOLDER, f)
    make_forms_xlsx(f / "forms_2024.xlsx")
    make_teams_docx(f / "teams_session6.docx")
    (f / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))          # another type: a note only
    (f / "budget.pdf").write_bytes(b"%PDF-1.4 budget")
    return f


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", UNREADABLE, ids=[c[0] for c in UNREADABLE])
def test_an_unreadable_export_in_a_folder_is_reported_and_fails_the_ingest(folder, tmp_path, capsys, case):
    _, name, make, says = case
    make(folder / name)
    ws = tmp_path / "ws"
    code, out, err = run(capsys, "-q", "ingest", folder, "--workspace", ws, "--json")
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert last.startswith("copquotes: error: 1 file of a supported format could not be read") and name in last
    assert "--skip-unreadable" in last
    rep = json.loads(out)
    assert [u["path"] for u in rep["unreadable"]] == [str(folder / name)] and says in rep["unreadable"][0]["reason"]
    assert {s["path"].rsplit("/", 1)[-1] for s in rep["skipped"]} >= {"photo.png", "budget.pdf"}
    assert not any("photo.png" in u["path"] for u in rep["unreadable"])
    assert len(rep["files"]) >= 7                                  # the readable files are in
    code, out, _ = run(capsys, "status", "--workspace", ws, "--json")
    st = json.loads(out)
    assert [u["path"] for u in st["unreadable"]] == [str(folder / name)]
    code, out, _ = run(capsys, "status", "--workspace", ws)
    assert f"unreadable: {folder / name}" in out
    # told to go on without it: exit 0, still listed
    code, out, err = run(capsys, "-q", "ingest", folder, "--workspace", ws, "--skip-unreadable", "--json")
    assert code == 0, err
    assert [u["path"] for u in json.loads(out)["unreadable"]] == [str(folder / name)]


def test_a_fixed_file_leaves_the_unreadable_list(folder, tmp_path, capsys):
    _ragged(folder / "late.csv")
    ws = tmp_path / "ws"
    assert run(capsys, "-q", "ingest", folder, "--workspace", ws, "--skip-unreadable")[0] == 0
    (folder / "late.csv").write_bytes(survey(GOOD, "Fixed and exported again, all rows here."))
    assert run(capsys, "-q", "ingest", folder, "--workspace", ws)[0] == 0
    w = Workspace.open(ws)
    try:
        assert unreadable_files(w) == []
        assert w.conn.execute("SELECT COUNT(*) FROM units WHERE text LIKE 'Fixed and exported%'").fetchone()[0] == 1
    finally:
        w.close()


def test_files_of_other_types_alone_do_not_fail_the_ingest(folder, tmp_path, capsys):
    code, out, err = run(capsys, "-q", "ingest", folder, "--workspace", tmp_path / "ws", "--json")
    assert code == 0, err
    assert json.loads(out)["unreadable"] == []
    assert "warning: skipped" in err and "photo.png" in err


def test_run_stops_before_analysing_unless_told_to_skip(folder, tmp_path, capsys):
    _ragged(folder / "late.csv")
    code, _, err = run(capsys, "-q", "run", folder, "--workspace", tmp_path / "ws")
    assert code != 0 and "could not be read" in err.strip().splitlines()[-1]
    w = Workspace.open(tmp_path / "ws")
    try:
        assert w.n_units() > 0 and w.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == 0
    finally:
        w.close()


def test_a_named_file_that_cannot_be_read_still_stops_the_ingest(tmp_path, capsys):
    _ragged(tmp_path / "one.csv")
    code, _, err = run(capsys, "-q", "ingest", tmp_path / "one.csv", "--workspace", tmp_path / "ws")
    assert code != 0 and err.count("\n") == 1 and "unterminated quote" in err
    assert not (tmp_path / "ws").exists()


def test_skip_unreadable_also_covers_named_files(tmp_path):
    _ragged(tmp_path / "bad.csv")
    (tmp_path / "good.csv").write_bytes(survey(GOOD))
    w = Workspace.open(tmp_path / "ws", create=True)
    try:
        with pytest.raises(InputError, match="unterminated"):
            ingest_inputs(w, [tmp_path / "bad.csv", tmp_path / "good.csv"], progress=False)
        rep = ingest_inputs(w, [tmp_path / "bad.csv", tmp_path / "good.csv"], skip_unreadable=True, progress=False)
        assert [f["n_units"] for f in rep["files"]] == [1] and len(rep["unreadable"]) == 1
    finally:
        w.close()


def test_discovery_separates_unreadable_exports_from_other_files(folder):
    _zip_garbage(folder / "broken.xlsx")
    d = discover([folder])
    assert [p.name for p, _ in d.unreadable] == ["broken.xlsx"]
    assert {"photo.png", "budget.pdf"} <= {p.name for p, _ in d.skipped}
