"""``copquotes.run``: the README's "From Python" snippet, run as written on a small folder."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Margaret Olsen: Welcome everyone. What has the community of practice meant for you this year?

2
00:00:06.000 --> 00:00:14.000
Priya Raman: I walk in flat after a month of fighting fires at work, and I leave every session lighter, with my energy back and a plan for the week.

3
00:00:15.000 --> 00:00:24.000
Ben Hollis: Before the group I thought I was the only one who got shut down in staff meetings about gender equality, and now I know exactly who to call.

4
00:00:25.000 --> 00:00:34.000
Priya Raman: Honestly, looking after my own wellbeing was the last thing on my list until this group made it normal to talk about burnout.
"""
ROSTER = [("name", "role", "quote_consent"), ("Margaret Olsen", "facilitator", "yes"),
          ("Priya Raman", "participant", "yes"), ("Ben Hollis", "participant", "yes")]
MANIFEST = """rosters: [roster.csv]
files:
  fg.vtt: {source_kind: focus_group, group: Early career}
"""


def readme_snippet() -> str:
    """The first Python block under the README's "From Python" heading."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    at = text.index("From Python")
    m = re.search(r"```python\n(.*?)```", text[at:], flags=re.S)
    assert m, "README: no python block under 'From Python'"
    return m.group(1)


@pytest.mark.slow
def test_the_readme_snippet_runs_and_leaves_the_process_as_it_was(tmp_path, monkeypatch):
    snippet = readme_snippet()
    assert "copquotes.run(" in snippet.splitlines()[2] or "copquotes.run(" in snippet
    folder = re.search(r'copquotes\.run\("([^"]+)"', snippet).group(1)
    exports = tmp_path / folder
    exports.mkdir(parents=True)
    (exports / "fg.vtt").write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows(ROSTER)
    (exports / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (exports / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"):
        monkeypatch.delenv(key, raising=False)
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    env = dict(os.environ)

    scope: dict = {}
    exec(compile(snippet, "README.md (From Python)", "exec"), scope)

    assert dict(os.environ) == env
    assert torch.get_num_threads() == threads
    result = scope["result"]
    assert result.workspace == (tmp_path / "copquotes-workspace").resolve()
    assert (result.workspace / "copquotes.sqlite").is_file()

    units = result.units
    assert len(units) == 4 and "text" in units.columns
    quotes = result.quotes(top=10)
    assert len(quotes) >= 1 and {"id", "text", "attribution", "score"} <= set(quotes.columns)
    shown = " ".join(units["text"]) + " ".join(quotes["text"])
    for name in ("Priya", "Raman", "Ben Hollis", "Margaret"):
        assert name not in shown
    assert list(result.topics.columns)[:2] and "theme_prevalence" in result.tables

    again = scope["copquotes"].run(folder, year="2024-2025")     # same inputs: every stage up to date
    assert all(s.get("skipped") for s in again.stages.values())


@pytest.mark.parametrize("engine, address, message", [
    ("spark", None, "unknown engine"),
    ("local", "127.0.0.1:1", "use it with --engine ray"),
    ("ray", "127.0.0.1:1", "cannot reach the Ray cluster"),
])
def test_bad_engine_options_are_refused_before_anything_is_ingested(tmp_path, engine, address, message):
    import copquotes
    from copquotes.errors import ConfigError

    (tmp_path / "in.txt").write_text("Facilitator: How was it?\nSam: It helped.\n")
    with pytest.raises(ConfigError, match=message):
        copquotes.run(tmp_path / "in.txt", workspace=tmp_path / "ws", engine=engine, address=address)
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("jobs", [0, -1])
def test_jobs_below_one_are_refused_as_on_the_command_line(tmp_path, jobs):
    import copquotes
    from copquotes.errors import ConfigError

    (tmp_path / "in.txt").write_text("Facilitator: How was it?\nSam: It helped.\n")
    with pytest.raises(ConfigError, match="jobs must be at least 1"):
        copquotes.run(tmp_path / "in.txt", workspace=tmp_path / "ws", jobs=jobs)
    assert not (tmp_path / "ws").exists()
