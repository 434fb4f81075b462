"""theme_differences is reachable: Result.tables, 'copquotes export --what tables' (zip, xlsx) and
'--what theme_differences', counted in people on a real SQLite workspace."""
from __future__ import annotations

import csv
import json
import zipfile

import pytest

from app.builders import build_workspace
from copquotes import themescores
from copquotes.api import Result
from copquotes.cli import main

# a third file: Early career 2024, three people (E1 twice), wellbeing said by E1 only; with the
# builder's RRE 2024 (4 participants, all four said wellbeing; the facilitator's prompt left out) and
# Early career 2023 (3 respondents, R3 said wellbeing)
EXTRA = [("E1", "participant", 1), ("E1", "participant", 0), ("E2", "participant", 0), ("E3", "participant", 0),
         ("F", "facilitator", 1)]


@pytest.fixture
def ws_path(tmp_path):
    ws = build_workspace(tmp_path / "ws")
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (3, '/data/fg_early_2024.vtt', 'fg_early_2024.vtt', 'zoom_vtt', ?, 'fp3', ?,"
                  " ?, '2024-01-01T00:00:00+00:00')",
                  ("0" * 64, json.dumps({"group": "Early career", "year": "2024", "source_kind": "focus_group"}),
                   len(EXTRA)))
        rows = []
        for i, (spk, role, said) in enumerate(EXTRA):
            uid, text = f"e{i:03d}", f"Turn {i} about the group and how the sessions went for us."
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " speaker_key, speaker_role, consent, locator) VALUES (?,3,?,?,?,'focus_group','Early career',"
                      "'2024',?,?,1,?)", (uid, i, text, f"he{i}", spk, role, f"line {i}"))
            c.execute("INSERT INTO anon(unit_id, text) VALUES (?, ?)", (uid, text))
            rows.append((uid, "wellbeing", 0.9 if said else 0.1, said, 0))
        themescores.write(ws, rows)
    ws.close()
    return tmp_path / "ws"


def _row(rows, comparison, within, a, b, theme):
    got = [r for r in rows if (r["comparison"], r["within"], r["a"], r["b"], r["theme"]) == (comparison, within, a, b,
                                                                                            theme)]
    assert len(got) == 1, (comparison, within, a, b, theme)
    return got[0]


def test_result_tables_holds_theme_differences_in_people(ws_path):
    diffs = Result(workspace=ws_path).tables["theme_differences"].to_dict("records")
    groups = _row(diffs, "groups", "2024", "Early career", "RRE", "wellbeing")
    assert (groups["speakers_labelled_a"], groups["speakers_a"]) == (1, 3)      # E1 of E1, E2, E3
    assert (groups["speakers_labelled_b"], groups["speakers_b"]) == (4, 4)      # S2..S5, not the facilitator
    assert groups["difference"] == pytest.approx(1 - 1 / 3)
    years = _row(diffs, "years", "Early career", "2023", "2024", "wellbeing")
    assert (years["speakers_labelled_a"], years["speakers_a"], years["speakers_labelled_b"]) == (1, 3, 1)
    assert years["difference"] == pytest.approx(0.0) and bool(years["small_n"])
    assert years["difference_low"] < 0 < years["difference_high"]


def test_export_writes_theme_differences_alone_and_among_the_tables(ws_path, tmp_path, capsys):
    one, every, book = tmp_path / "diffs.csv", tmp_path / "tables.zip", tmp_path / "tables.xlsx"
    assert main(["export", "-q", "--workspace", str(ws_path), "--out", str(one), "--what", "theme_differences"]) == 0
    assert main(["export", "-q", "--workspace", str(ws_path), "--out", str(every), "--what", "tables"]) == 0
    assert main(["export", "-q", "--workspace", str(ws_path), "--out", str(book), "--what", "tables"]) == 0
    alone = list(csv.DictReader(one.read_text(encoding="utf-8-sig").splitlines()))
    with zipfile.ZipFile(every) as z:
        zipped = list(csv.DictReader(z.read("theme_differences.csv").decode("utf-8-sig").splitlines()))
    assert alone == zipped
    row = _row(alone, "groups", "2024", "Early career", "RRE", "wellbeing")
    assert float(row["difference"]) == pytest.approx(2 / 3) and row["small_n"] == "True"
    from openpyxl import load_workbook

    assert "theme_differences" in load_workbook(book, read_only=True).sheetnames


def _without_topics(ws_path) -> None:
    """The workspace as it is after the tag stage and before the topics stage: no topics."""
    import sqlite3

    c = sqlite3.connect(str(ws_path / "copquotes.sqlite"))
    with c:
        c.execute("DELETE FROM unit_topics")
        c.execute("DELETE FROM topic_info")
    c.close()


def test_theme_differences_exports_after_the_tag_stage_without_topics(ws_path, tmp_path):
    _without_topics(ws_path)
    out = tmp_path / "diffs.csv"
    assert main(["export", "-q", "--workspace", str(ws_path), "--out", str(out), "--what", "theme_differences"]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    groups = _row(rows, "groups", "2024", "Early career", "RRE", "wellbeing")
    assert (groups["speakers_labelled_a"], groups["speakers_a"]) == ("1", "3")


@pytest.mark.parametrize("what", ["topic_theme", "theme_prevalence", "tables"])
def test_the_other_tables_still_need_the_topics_stage(ws_path, tmp_path, capsys, what):
    _without_topics(ws_path)
    out = tmp_path / ("t.zip" if what == "tables" else "t.csv")
    assert main(["export", "-q", "--workspace", str(ws_path), "--out", str(out), "--what", what]) != 0
    assert "the topics stage" in capsys.readouterr().err and not out.exists()


def test_theme_differences_without_tags_says_to_run_the_tag_stage(tmp_path, capsys):
    from copquotes.workspace import Workspace

    Workspace.create(tmp_path / "bare").close()          # nothing tagged yet
    out = tmp_path / "d.csv"
    assert main(["export", "-q", "--workspace", str(tmp_path / "bare"), "--out", str(out),
                 "--what", "theme_differences"]) != 0
    assert "(the tag stage) first" in capsys.readouterr().err and not out.exists()
