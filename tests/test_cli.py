"""The command-line contract: one-line errors, exit codes, workspace untouched by bad input."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from copquotes.cli import main
from tests.ingest.builders import make_teams_docx

FIXTURE = Path(__file__).parent / "ingest" / "fixtures" / "cop_folder"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws(tmp_path, capsys):
    """A workspace holding the fixture folder."""
    path = tmp_path / "ws"
    code, _, err = run(capsys, "-q", "ingest", FIXTURE, "--workspace", path)
    assert code == 0, err
    return path


def status(capsys, ws):
    code, out, _ = run(capsys, "status", "--workspace", ws, "--json")
    assert code == 0
    st = json.loads(out)
    st.pop("workspace")
    return st


def _bad_docx(p):
    make_teams_docx(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _bad_xlsx(p):
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook><sheets>")


def _cut_xlsx(p):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["ID", "What did you value most about the CoP?"])
    for i in range(40):
        wb.active.append([i, f"Answer {i}: feeling connected to people doing the same work as me."])
    wb.save(p)
    p.write_bytes(p.read_bytes()[:-200])  # the end of the zip (its directory) is missing


def _cut_docx_end(p):
    make_teams_docx(p)
    p.write_bytes(p.read_bytes()[:-200])


BAD_INPUTS = {
    "binary.csv": lambda p: p.write_bytes(bytes(range(256)) * 40),
    "empty.csv": lambda p: p.write_bytes(b""),
    "empty.vtt": lambda p: p.write_text(""),
    "truncated.csv": lambda p: p.write_text(
        'id,What was the most valuable part?\n1,"It gave me a plan\n2,"unterminated\n'),
    "ragged.csv": lambda p: p.write_text(
        "id,What was the most valuable part of your CoP?,Rating\n"
        "1,Hearing how other schools handled parent complaints,5\n"
        "2,The honest talk about burnout and how to keep going,4,extra,cells\n"),
    "broken.vtt": lambda p: p.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:0X.000\nJane Doe: hello everyone\n"),
    "nocues.vtt": lambda p: p.write_text("WEBVTT\n\nNOTE nothing here\n"),
    "broken.docx": _bad_docx,
    "broken.xlsx": _bad_xlsx,
    "program_renamed.csv": lambda p: p.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(3000)),
    "cut_end.xlsx": _cut_xlsx,
    "cut_end.docx": _cut_docx_end,
    "stray_quote.csv": lambda p: p.write_text(
        'id,What was the most valuable part of the CoP?\n1,"The people" and more\n2,Resources I could use\n'),
    "garbage.vtt": lambda p: p.write_text("WEBVTT\n\nthis is not a cue\nneither is this\n\nrandom words\n"),
    "text_renamed.xlsx": lambda p: p.write_text("ID,Comment\n1,Hello there, this is a comment\n"),
    "roster_bad_consent.csv": lambda p: p.write_text("name,role,quote_consent\nJo Bell,facilitator,maybe\n"),
    "no_open_text.csv": lambda p: p.write_text(
        "id,How satisfied were you?,Would you recommend it?\n"
        + "".join(f"{i},Very satisfied,Yes\n" for i in range(30))),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_error_and_leaves_workspace_unchanged(tmp_path, capsys, ws, name):
    before = status(capsys, ws)
    bad = tmp_path / name
    BAD_INPUTS[name](bad)
    code, out, err = run(capsys, "-q", "ingest", bad, "--workspace", ws)
    assert code != 0
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("WARNING")]
    assert len(lines) == 1, err
    assert lines[0].startswith("copquotes: error: ") and name in lines[0]
    assert "Traceback" not in err
    assert status(capsys, ws) == before


def test_bad_input_into_a_new_workspace_creates_nothing(tmp_path, capsys):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    code, _, _ = run(capsys, "-q", "ingest", bad, "--workspace", tmp_path / "fresh")
    assert code != 0
    assert not (tmp_path / "fresh").exists()


def test_folder_ingest_skips_unknown_files_with_a_warning(tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURE, folder)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(300))
    code, _, err = run(capsys, "-q", "ingest", folder, "--workspace", tmp_path / "ws")
    assert code == 0
    assert "warning: skipped" in err and "photo.jpg" in err


def test_status_json_lists_each_file_with_units_and_is_only_json(capsys, ws):
    code, out, err = run(capsys, "status", "--workspace", ws, "--json")
    st = json.loads(out)
    assert code == 0 and out.count("\n") == 1
    assert st["files"] and all(f["units"] > 0 for f in st["files"])
    assert sum(f["units"] for f in st["files"]) == st["units"]


def test_status_names_the_groups_of_a_file_whose_rows_carry_them(capsys, tmp_path):
    """A survey pooling cohorts (a Group column) has no one group: status lists its rows' groups with their
    units (it printed group=None), the JSON gives them per file, and they add up to the file's units."""
    p = tmp_path / "in" / "pooled_2024.csv"
    p.parent.mkdir()
    rows = [("ID", "Group", "What was the most valuable aspect of your CoP?")]
    rows += [(str(i), "RRE" if i < 3 else "Early career", f"Answer {i}: the group kept me going all year.")
             for i in range(5)]
    p.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "-q", "ingest", p, "--workspace", tmp_path / "ws")
    assert code == 0, err
    f = status(capsys, tmp_path / "ws")["files"][0]
    assert f["group"] is None and f["groups"] == {"Early career": 2, "RRE": 3} and f["years"] == {"2024": 5}
    code, out, _ = run(capsys, "status", "--workspace", tmp_path / "ws")
    assert "group=per row: Early career 2, RRE 3; year=2024;" in out and "None" not in out


def test_reingest_is_idempotent_through_the_cli(capsys, ws):
    before = status(capsys, ws)
    code, out, _ = run(capsys, "-q", "ingest", FIXTURE, "--workspace", ws, "--json")
    assert code == 0
    assert {f["status"] for f in json.loads(out)["files"]} == {"unchanged"}
    assert status(capsys, ws)["units"] == before["units"]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["status", "--workspace", "{tmp}/missing"], "no workspace"),
        (["ingest", "{tmp}/nothing-here", "--workspace", "{tmp}/ws"], "no such file"),
        (["ingest", "{fixture}", "--workspace", "{tmp}/ws", "--meta", "year"], "KEY=VALUE"),
        (["analyse", "--workspace", "{ws}", "--stage", "bogus"], "unknown stage"),
    ],
)
def test_user_errors_exit_nonzero_with_a_reason(tmp_path, capsys, ws, argv, message):
    argv = [a.format(tmp=tmp_path, fixture=FIXTURE, ws=ws) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code != 0
    assert message in err and "Traceback" not in err
    assert out == ""


def test_meta_option_sets_metadata_for_every_file(tmp_path, capsys):
    path = tmp_path / "ws"
    code, _, _ = run(capsys, "-q", "ingest", FIXTURE, "--workspace", path, "--meta", "group=Regional and rural")
    assert code == 0
    st = status(capsys, path)
    assert set(st["by_group"]) == {"Regional and rural"}


_POOL_UNDER_SIGTERM = """
import multiprocessing as mp, os, signal, time
from copquotes import cli
with cli._sigterm_interrupts():
    try:
        with mp.get_context("fork").Pool(2) as pool:      # as the anonymiser's pool is
            r = pool.map_async(time.sleep, [0.2] * 50)
            time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGTERM)
            r.wait()
    except cli.Terminated:
        print("terminated")
"""


def test_sigterm_unwinds_the_command_and_ends_its_forked_workers_quietly():
    """The command gets an interrupt; a forked pool worker, which inherits the handler, ends as
    a SIGTERM ends it (it printed a traceback of the interrupt each, breaking the one line)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _POOL_UNDER_SIGTERM], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "terminated", proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]


# ------------------------------------------------------------ tag/redact inputs: lines and stdin
@pytest.mark.parametrize("data,texts", [
    # two JSONL records, one with a raw U+2028 in its text: still JSONL, still two texts
    ('{"text": "First part\u2028Second part"}\n{"text": "Next one"}\n'.encode(),
     ["First part\u2028Second part", "Next one"]),
    # a form feed, U+2029, \v, \x1c and NEL are inside a line, not line breaks
    ("Part one\x0cpart two\u2029three\x0bfour\x1cfive\x85six\nnext line\n".encode(),
     ["Part one\x0cpart two\u2029three\x0bfour\x1cfive\x85six", "next line"]),
    (b"a\r\nb\rc\n\nd", ["a", "b", "c", "", "d"]),            # \r\n, a lone \r and \n do break
    ("\ufeffChlo\u00eb said hi\n".encode(), ["Chlo\u00eb said hi"]),       # a BOM is dropped
    ("Chlo\u00eb O\u2019Brien said \u201cthe CoP\u201d\n".encode("cp1252"),
     ["Chlo\u00eb O\u2019Brien said \u201cthe CoP\u201d"]),                # Windows-1252
])
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_each_line_is_one_text_and_stdin_is_read_as_a_file_is(tmp_path, monkeypatch, data, texts, via):
    import io
    import sys

    from copquotes.cli import _read_texts

    if via == "file":
        f = tmp_path / "in.txt"
        f.write_bytes(data)
        assert _read_texts(str(f)) == texts
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        assert _read_texts("-") == texts


# ------------------------------------------------------------ the system's refusals: one line, no "internal error"
def _paths(tmp_path):
    (tmp_path / "afile").write_text("")
    (tmp_path / "notdb").mkdir()
    (tmp_path / "notdb" / "copquotes.sqlite").write_text("hello")
    (tmp_path / "cp1252.jsonl").write_bytes('{"text": "Chlo\u00eb O\u2019Brien"}\n'.encode("cp1252"))
    return {"tmp": tmp_path, "fixture": FIXTURE, "file": tmp_path / "afile", "notdb": tmp_path / "notdb",
            "cp": tmp_path / "cp1252.jsonl"}


@pytest.mark.parametrize("argv,message", [
    (["quotes", "-w", "{ws}", "--out", "{tmp}/nonexist/dir/q.jsonl"], "the folder {tmp}/nonexist/dir does not exist"),
    (["quotes", "-w", "{ws}", "--out", "{tmp}"], "is a folder"),
    (["quotes", "-w", "{ws}", "--out", "{file}/q.jsonl"], "{file} is a file, not a folder"),
    (["export", "-w", "{ws}", "--out", "{tmp}/nonexist/q.csv"], "the folder {tmp}/nonexist does not exist"),
    (["export", "-w", "{ws}", "--out", "{file}/q.csv"], "{file} is a file, not a folder"),
    (["export", "-w", "{ws}", "--out", "{tmp}"], "is a folder"),
    (["ingest", "{fixture}", "--workspace", "{file}/ws"], "cannot create the workspace folder"),
    (["status", "--workspace", "{notdb}"], "cannot be read as a copquotes workspace"),
    (["status", "--workspace", "{file}"], "{file} is a file, not a workspace folder"),
    (["evaluate", "tags", "--gold", "{tmp}"], "is a folder"),
    (["evaluate", "tags", "--gold", "{cp}"], "(line 1): is not UTF-8 text"),
    (["evaluate", "anonymise", "--gold", "{tmp}"], "is a folder"),
    (["evaluate", "anonymise", "--gold", "{cp}"], "(line 1): is not UTF-8 text"),
])
def test_a_path_the_system_refuses_is_a_one_line_reason_not_an_internal_error(tmp_path, capsys, ws, argv, message):
    names = {**_paths(tmp_path), "ws": ws}
    code, out, err = run(capsys, "-q", *[a.format(**names) for a in argv])
    assert code not in (0, 70) and out == ""
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("warning: ")]
    assert len(lines) == 1, err
    assert lines[0].startswith("copquotes: error: ") and message.format(**names) in lines[0], err
    assert not (tmp_path / "nonexist").exists()     # an --out folder is never made


def test_an_os_error_anywhere_is_one_line_naming_the_path(tmp_path, capsys, ws, monkeypatch):
    import copquotes.export

    def refuse(*a, **k):
        raise FileNotFoundError(2, "No such file or directory", "/proc/.copquotes-export-x.csv")

    monkeypatch.setattr(copquotes.export, "export", refuse)
    code, out, err = run(capsys, "export", "-w", ws, "--out", tmp_path / "q.csv")
    assert code == 1 and out == ""
    assert err.strip() == (f"copquotes: error: --out {tmp_path / 'q.csv'}: cannot write it: No such file or "
                           "directory (/proc/.copquotes-export-x.csv)")
    monkeypatch.setattr(copquotes.export, "export", lambda *a, **k: open("/nonexistent-dir/f", "w"))
    monkeypatch.setattr("copquotes.cli.cmd_status", lambda args: open("/nonexistent-dir/f"))
    code, _, err = run(capsys, "status", "-w", ws)
    assert code == 1 and err.strip().startswith("copquotes: error: /nonexistent-dir/f: No such file")


# ------------------------------------------------------------ argument errors: one line, exit 2
def _commands():
    from copquotes.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("argv,line", [
    (["quotes", "-w", "W", "--top", "abc"],
     "copquotes quotes: error: argument --top: invalid int value: 'abc' (see copquotes quotes --help)"),
    (["quotes", "-w", "W", "--status", "bogus"], "copquotes quotes: error: argument --status: invalid choice"),
    (["quotes", "-w", "W", "--format", "xml"], "copquotes quotes: error: argument --format: invalid choice"),
    (["analyse", "-w", "W", "--engine", "spark"], "copquotes analyse: error: argument --engine: invalid choice"),
    (["review", "approve", "q", "-w", "W", "--reviewer", "r", "--expect-version", "x"],
     "copquotes review: error: argument --expect-version: invalid int value: 'x'"),
    (["nosuch"], "copquotes: error: argument COMMAND: invalid choice: 'nosuch'"),
    ([], "copquotes: error: the following arguments are required: COMMAND"),
] + [([cmd, "--no-such-option"], "error: ") for cmd in _commands()])
def test_an_argument_error_is_one_line_and_exit_2(capsys, argv, line):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("copquotes") and line in err, err
    assert "usage:" not in err and err.rstrip().endswith("--help)")


# ------------------------------------------------------------ --meta
@pytest.mark.parametrize("key, warned, near", [
    ("year", False, None), ("Year", False, None), ("series", False, None), ("cohort", False, None),
    ("source kind", False, None), ("open_questions", False, None), ("speaker_names", False, None),
    ("yaer", True, "year"), ("grup", True, "group"), ("colour", True, None),
])
def test_a_meta_key_copquotes_does_not_read_is_warned_about(key, warned, near):
    from copquotes.ingest.base import unknown_meta_key

    msg = unknown_meta_key(key)
    assert (msg is not None) == warned
    if warned:
        assert "Known keys: group, year, source_kind" in msg and "\n" not in msg
        assert (f"did you mean {near}?" in msg) if near else "did you mean" not in msg


def test_meta_typo_warns_in_one_line_and_an_empty_value_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "-q", "ingest", FIXTURE, "--workspace", tmp_path / "ws", "--meta", "yaer=2024")
    warned = [ln for ln in err.splitlines() if "yaer" in ln]
    assert code == 0 and len(warned) == 1 and "did you mean year?" in warned[0]
    code, out, err = run(capsys, "-q", "ingest", FIXTURE, "--workspace", tmp_path / "ws2", "--meta", "year=")
    assert code != 0 and "empty VALUE" in err and not (tmp_path / "ws2").exists()


# ------------------------------------------------------------ checks before anything is created or waited for
def test_run_with_a_missing_input_creates_no_workspace(tmp_path, capsys):
    code, out, err = run(capsys, "-q", "run", tmp_path / "nope", "--workspace", tmp_path / "W")
    assert code != 0 and "nope" in err and "no such file" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "W").exists()


def test_analyse_refuses_an_unknown_stage_without_waiting_for_the_lock(capsys, ws):
    from sources import another_writer

    with another_writer(ws):
        code, _, err = run(capsys, "analyse", "--workspace", ws, "--stage", "bogus", "--no-wait")
    assert code != 0 and "unknown stage 'bogus'" in err and "busy" not in err


def test_quotes_on_a_workspace_never_analysed_says_to_analyse(capsys, ws):
    code, out, err = run(capsys, "quotes", "--workspace", ws)
    assert code == 0 and out == ""
    assert err.strip() == f"no quotes yet: run copquotes analyse --workspace {ws}"
