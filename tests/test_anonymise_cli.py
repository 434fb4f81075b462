"""`copquotes redact`: each input line is its own text; `--document` joins them as one document."""
from __future__ import annotations

import json

from copquotes.cli import main

# a cue finds the name in the first line ("Thanks X,"); alone, the second line gives no cue
LINES = ["Thanks Koori, that helped.", "Koori ran the session.", "Email jo@hub.local for the slides."]


def _redact(capsys, tmp_path, *extra):
    f = tmp_path / "in.txt"
    f.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert main(["-q", "redact", str(f), *extra]) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_each_line_is_its_own_text(capsys, tmp_path):
    recs = _redact(capsys, tmp_path)
    assert [r["text"] for r in recs] == ["Thanks [name], that helped.", "Koori ran the session.",
                                         "Email [contact] for the slides."]
    # offsets into the original line
    assert LINES[0][recs[0]["spans"][0]["start"]:recs[0]["spans"][0]["end"]] == "Koori"
    assert recs[1]["spans"] == []


def test_document_flag_carries_a_name_into_every_line(capsys, tmp_path):
    recs = _redact(capsys, tmp_path, "--document")
    assert recs[1]["text"] == "[name] ran the session."
    assert recs[1]["spans"] == [{"start": 0, "end": 5, "kind": "person"}]
