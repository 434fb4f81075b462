"""The shipped sample corpus: regenerable, every format, enough units, mixed consent."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from copquotes.ingest import discover, read

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


def test_corpus_is_exactly_what_the_build_script_writes(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_corpus.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for built in tmp_path.rglob("*"):
        if built.is_file():
            shipped = CORPUS / built.relative_to(tmp_path)
            assert shipped.read_bytes() == built.read_bytes(), f"{shipped} differs from the build script"


def test_corpus_covers_every_format_with_600_units_and_mixed_consent():
    d = discover([CORPUS])
    formats = {s.format for s in d.sources}
    assert {"zoom_vtt", "teams_vtt", "teams_docx", "otter_txt", "plain_txt",
            "qualtrics_csv", "surveymonkey_csv", "msforms_xlsx"} <= formats
    units = [u for s in d.sources for u in read(s).units]
    assert len(units) >= 600
    assert {u.consent for u in units} >= {True, False}
    assert len({(u.group, u.year) for u in units}) >= 5
    kinds = {u.source_kind for u in units}
    assert {"survey", "focus_group", "interview"} <= kinds
