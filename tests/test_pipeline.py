"""The analysis pipeline end to end on a small workspace: order, staleness, incremental work.

Real models throughout (spaCy and Presidio in the pipeline's worker process, the packaged
embedding model here); the fixture is small so the whole module takes well under a minute.
"""
from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from copquotes.errors import CopquotesError
from copquotes.pipeline import STAGE_ORDER, analyse, resolve_stages, stage_status
from copquotes.stages import depends_on

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Margaret Olsen: Welcome everyone. What has the community of practice meant for you this year?

2
00:00:06.000 --> 00:00:12.000
Priya Raman: It gave me the language to explain primary prevention to my manager without apologising for it.

3
00:00:13.000 --> 00:00:20.000
Ben Hollis: I walk in flat after a month of fighting fires at work, and Priya always reminds me that somebody has my back.

4
00:00:21.000 --> 00:00:30.000
Sam Nguyen: Before the group I thought I was the only one who got shut down in staff meetings about gender equality.

5
00:00:31.000 --> 00:00:40.000
Priya Raman: The online abuse after our campaign went public was frightening, and the group helped me keep going.

6
00:00:41.000 --> 00:00:50.000
Ben Hollis: Honestly I take time now to reflect on my own practice before I run a session with young people.
"""
ROSTER = [("name", "role", "quote_consent"), ("Margaret Olsen", "facilitator", "yes"),
          ("Priya Raman", "participant", "yes"), ("Ben Hollis", "participant", "yes"),
          ("Sam Nguyen", "participant", "yes")]
MANIFEST = """rosters: [roster.csv]
files:
  fg.vtt: {source_kind: focus_group, group: Early career, year: "2024"}
  later.txt: {source_kind: interview, group: Tertiary settings, year: "2025", consent: "yes"}
"""
LATER = """Interviewer: How has the network changed the way you work?
Participant: I feel less alone in this work. When the backlash came from some parents at the school, I knew exactly who to call.
Interviewer: Anything else?
Participant: Hearing how other campuses handled resistance gave me ideas I used the very next week with my students.
"""


def _write_data(root):
    data = root / "data"
    data.mkdir()
    (data / "fg.vtt").write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows(ROSTER)
    (data / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (data / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A workspace analysed cold, then again unchanged, then after a file is added."""
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    root = tmp_path_factory.mktemp("pipeline")
    data = _write_data(root)
    ws = Workspace.create(root / "ws")
    ws.ingest(discover([data]).sources, progress=False)
    out = {"ws": ws, "root": root, "status_before": stage_status(ws)}
    out["cold"] = analyse(ws, progress=False)
    out["status_after"] = stage_status(ws)
    out["warm"] = analyse(ws, progress=False)
    out["units_before"] = ws.n_units()
    out["anon_before"] = [tuple(r) for r in ws.conn.execute("SELECT unit_id, text FROM anon ORDER BY unit_id")]
    (data / "later.txt").write_text(LATER, encoding="utf-8")
    ws.ingest(discover([data]).sources, progress=False)
    out["status_added"] = stage_status(ws)
    out["added"] = analyse(ws, progress=False)
    yield out
    ws.close()


def test_cold_run_runs_every_stage_in_order(runs):
    assert list(runs["cold"]) == STAGE_ORDER
    assert all(not s["skipped"] for s in runs["cold"].values())
    assert {s["state"] for s in runs["status_before"].values()} == {"not run"}
    assert {s["state"] for s in runs["status_after"].values()} == {"up to date"}


def test_anonymise_runs_beside_the_embedding_and_fills_every_unit(runs):
    ws = runs["ws"]
    assert runs["cold"]["anonymise"].get("background") is True
    assert len(runs["anon_before"]) == runs["units_before"]
    shown = " ".join(text for _, text in runs["anon_before"])
    for name in ("Priya", "Hollis", "Nguyen"):
        assert name not in shown


def test_warm_rerun_skips_every_stage(runs):
    assert all(s["skipped"] for s in runs["warm"].values())


def test_adding_a_file_marks_stages_stale_and_processes_only_the_new_units(runs):
    ws = runs["ws"]
    assert {s["state"] for s in runs["status_added"].values()} == {"stale"}
    added = runs["added"]
    n_new = ws.n_units() - runs["units_before"]
    assert n_new >= 2
    assert added["anonymise"]["analysed"] == n_new
    assert added["anonymise"]["files_analysed"] == 1
    # only the new units' texts and sentences reach the model
    assert 0 < added["embed"]["computed"] <= 2 * n_new + 2
    assert added["embed"]["cached"] > 0
    assert ws.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == ws.n_units()
    # the tagger scores the new units only
    assert added["tag"]["incremental"] and added["tag"]["scored_units"] == n_new
    # the child process computed the new units' sentence features: the quotes stage parsed nothing
    assert runs["cold"]["anonymise"]["quote_features"] > 0
    assert 0 < added["anonymise"]["quote_features"] <= n_new
    assert added["quotes"]["sentence_features_computed"] == 0
    # ... and the candidates: the quotes stage only added themes and chose
    assert added["quotes"]["precomputed_candidates"] == added["quotes"]["candidates"] > 0
    assert not list((runs["root"] / "ws").glob(".quotes.*"))
    # ... and it ran the quotes stage itself, beside the topic fit
    assert runs["cold"]["quotes"]["background"] is True and added["quotes"]["background"] is True
    assert "quotes_stage" not in added["anonymise"]


def test_above_the_size_limit_the_quotes_stage_runs_here_from_the_childs_candidates(tmp_path, monkeypatch):
    import dataclasses

    from copquotes import stages
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    quotes = dataclasses.replace(stages.STAGES["quotes"], beside_max_units=0)
    monkeypatch.setitem(stages.STAGES, "quotes", quotes)
    ws = Workspace.create(tmp_path / "ws")
    ws.ingest(discover([_write_data(tmp_path)]).sources, progress=False)
    res = analyse(ws, progress=False)
    assert "background" not in res["quotes"]
    assert res["quotes"]["precomputed_candidates"] == res["quotes"]["candidates"] > 0
    assert {s["state"] for s in stage_status(ws).values()} == {"up to date"}
    ws.close()


def test_precomputed_candidates_give_the_quotes_computed_in_process(runs):
    from copquotes.quotes import stage as qs

    ws = runs["ws"]
    sql = "SELECT quote_id, score, text, flags_json, themes_json, parts_json FROM quotes ORDER BY quote_id"
    before = [tuple(r) for r in ws.conn.execute(sql)]
    summary = qs.run(ws, progress=False)
    assert summary["precomputed_candidates"] == 0
    assert [tuple(r) for r in ws.conn.execute(sql)] == before


@pytest.mark.parametrize("part_units", [1, 3])
def test_the_quotes_are_the_same_for_any_part_size_computed_here_or_handed_over(runs, monkeypatch, tmp_path,
                                                                                 part_units):
    from copquotes.quotes import stage as qs
    from copquotes.worker import _dump_items

    ws = runs["ws"]
    sql = "SELECT quote_id, score, text, edited_text, suggested_text, flags_json, themes_json, parts_json FROM quotes ORDER BY quote_id"
    before = [tuple(r) for r in ws.conn.execute(sql)]
    monkeypatch.setattr(qs, "PART_UNITS", part_units)
    summary = qs.run(ws, progress=False)
    assert summary["parts"] > 1 and summary["precomputed_candidates"] == 0
    assert [tuple(r) for r in ws.conn.execute(sql)] == before
    # the worker process's hand-over: one pickle per part in a file, read back one part at a time
    path = tmp_path / "candidates.pkl"
    _dump_items(qs.candidates_blob(ws), str(path))
    summary = qs.run(ws, progress=False, precomputed=str(path))
    assert summary["precomputed_candidates"] == summary["candidates"] > 0
    assert [tuple(r) for r in ws.conn.execute(sql)] == before


def test_candidates_handed_over_for_another_workspace_content_are_not_used(runs, tmp_path):
    from copquotes.quotes import stage as qs
    from copquotes.worker import _dump_items

    ws = runs["ws"]
    items = list(qs.candidates_blob(ws))
    items[0] = dict(items[0], content="another content")
    path = tmp_path / "candidates.pkl"
    _dump_items(items, str(path))
    summary = qs.run(ws, progress=False, precomputed=str(path))
    assert summary["precomputed_candidates"] == 0 and summary["candidates"] > 0


def test_in_process_anonymise_matches_the_child_process(runs):
    from copquotes.anonymise import stage as an

    ws = runs["ws"]
    before = sorted(tuple(r) for r in ws.conn.execute("SELECT unit_id, text FROM anon"))
    summary = an.run(ws, progress=False, full=True)
    assert summary["analysed"] == ws.n_units()
    after = sorted(tuple(r) for r in ws.conn.execute("SELECT unit_id, text FROM anon"))
    assert after == before


@pytest.mark.parametrize("group_units", [1, 3])
def test_anonymising_a_group_of_files_at_a_time_writes_what_one_group_does(runs, monkeypatch, group_units):
    from copquotes.anonymise import stage as an

    ws = runs["ws"]
    sql = ['SELECT unit_id, start, "end", kind, source, status FROM redactions ORDER BY 1, 2, 3, 4',
           "SELECT unit_id, text FROM anon ORDER BY 1",
           'SELECT unit_id, kind, start, "end", reason, severity FROM flags ORDER BY 1, 2, 3, 4']
    before = [[tuple(r) for r in ws.conn.execute(q)] for q in sql]
    monkeypatch.setattr(an, "GROUP_UNITS", group_units)       # every file a group of its own
    summary = an.run(ws, progress=False, full=True)
    assert summary["analysed"] == ws.n_units() and summary["rendered"] == ws.n_units()
    assert [[tuple(r) for r in ws.conn.execute(q)] for q in sql] == before


def test_a_failing_worker_process_raises_a_copquotes_error(tmp_path):
    from copquotes.worker import run_stage

    with pytest.raises(CopquotesError, match="anonymise stage failed"):
        run_stage(tmp_path / "no-such-workspace", "anonymise")


def test_a_failing_stage_leaves_no_child_running(tmp_path, monkeypatch):
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace
    import copquotes.embed as embed

    data = _write_data(tmp_path)
    ws = Workspace.create(tmp_path / "ws")
    ws.ingest(discover([data]).sources, progress=False)
    children = []
    from copquotes import worker
    real_init = worker.Worker.__init__

    def spy(self, *a, **k):
        real_init(self, *a, **k)
        children.append(self)

    def broken(ws, **kwargs):
        raise CopquotesError("the embedding stage broke")

    monkeypatch.setattr(worker.Worker, "__init__", spy)
    monkeypatch.setattr(embed, "run", broken)
    with pytest.raises(CopquotesError, match="embedding stage broke"):
        analyse(ws, progress=False)
    assert children and children[0].proc.poll() is not None
    assert ws.stage_record("anonymise") is None
    ws.close()
    shutil.rmtree(tmp_path / "ws")


def test_the_embed_stage_in_chunks_caches_what_one_pass_does(tmp_path, monkeypatch):
    import numpy as np

    from copquotes import embed
    from copquotes.ingest import discover
    from copquotes.workspace import Workspace

    data = _write_data(tmp_path)
    out = {}
    for name, chunk in (("whole", 10 ** 6), ("chunked", 2)):
        monkeypatch.setattr(embed, "RUN_CHUNK", chunk)
        ws = Workspace.create(tmp_path / name)
        ws.ingest(discover([data]).sources, progress=False)
        summary = embed.run(ws, progress=False)
        texts = [t for (t,) in ws.conn.execute("SELECT text FROM units ORDER BY unit_id")]
        reader = embed.Embedder(cache_dir=ws.path / "embeddings")
        vecs = reader.encode(texts)
        assert reader.n_computed_ == 0          # every unit's vector is in the cache the stage filled
        out[name] = (summary, sorted(tuple(r) for r in ws.conn.execute('SELECT u.text, s.idx, s.start, s."end" FROM sentences s'
                                                                    " JOIN units u USING(unit_id)")), vecs)
        ws.close()
    assert out["chunked"][0]["computed"] == out["whole"][0]["computed"] > 0
    assert out["chunked"][1] == out["whole"][1]
    np.testing.assert_allclose(out["chunked"][2], out["whole"][2], atol=1e-6)


def test_a_full_run_writes_the_bulk_files_when_asked_and_keeps_them_current(runs):
    from copquotes import bulk
    from copquotes.export import units_table

    ws = runs["ws"]
    analyse(ws, ["tag"], progress=False, bulk="on")        # not a run of every stage: no bulk files
    assert bulk.status(ws)["state"] == "none"
    summary = analyse(ws, progress=False, bulk="on")         # every stage up to date: only the files are written
    assert all(s["skipped"] for s in summary.values())
    st = bulk.status(ws)
    assert st["state"] == "current" and st["tables"]["units"] == ws.n_units()
    got = bulk.read(ws.path, "units")
    assert list(got["unit_id"]) == list(units_table(ws)["unit_id"])
    generation = bulk.store.read_manifest(ws.path)["generation"]
    analyse(ws, progress=False)                              # auto: they exist and are current: kept as they are
    assert bulk.store.read_manifest(ws.path)["generation"] == generation


def test_a_run_removes_what_a_killed_run_left_behind(runs):
    ws = runs["ws"]
    left = [ws.path / "figures" / ".topics.html.4242.tmp", ws.path / ".quotes.quote_candidates.dead.pkl",
            ws.path / "topics" / ".fit.4242.tmp.npz",
            ws.path / "bulk" / ".g-killed.tmp" / "units" / "part-00000.parquet"]
    for p in left:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half")
    analyse(ws, progress=False)
    assert not any(p.exists() for p in left) and not (ws.path / "bulk" / ".g-killed.tmp").exists()


def test_a_re_ingest_that_drops_anonymised_text_makes_the_anonymise_stage_due(runs):
    from copquotes.ingest import discover

    ws, data = runs["ws"], runs["root"] / "data"
    vtt = data / "fg.vtt"
    vtt.write_text(vtt.read_text(encoding="utf-8").replace("00:00:01.000", "00:00:01.500"), encoding="utf-8")
    content = ws.content_fingerprint()
    ws.ingest(discover([data]).sources, progress=False)     # same texts, other timings: the file is replaced

    def unanonymised():
        return ws.conn.execute("SELECT COUNT(*) FROM units u WHERE NOT EXISTS"
                               " (SELECT 1 FROM anon a WHERE a.unit_id = u.unit_id)").fetchone()[0]

    assert ws.content_fingerprint() == content and unanonymised() > 0
    assert stage_status(ws)["anonymise"]["state"] == "stale"
    analyse(ws, progress=False)
    assert unanonymised() == 0 and stage_status(ws)["anonymise"]["state"] == "up to date"


def test_topics_wait_for_the_anonymised_text_a_re_ingest_dropped(runs):
    """The topic keywords come from the anonymised text: after a re-ingest drops it, the topics
    stage is due too and runs after the anonymise stage, never beside it on the original text."""
    from copquotes.ingest import discover

    ws, data = runs["ws"], runs["root"] / "data"
    vtt = data / "fg.vtt"
    vtt.write_text(vtt.read_text(encoding="utf-8").replace("00:00:06.000", "00:00:06.500"), encoding="utf-8")
    ws.ingest(discover([data]).sources, progress=False)     # same texts, other timings: the file is replaced
    assert stage_status(ws)["topics"]["state"] == "stale"
    assert stage_status(ws)["topics_fit"]["state"] == "up to date"   # same texts: the fit stands
    done, results = [], {}
    analyse(ws, progress=False, on_stage=lambda name, summary: (done.append(name), results.update({name: summary})))
    assert done.index("anonymise") < done.index("topics")
    assert results["topics_fit"]["skipped"] and results["topics"]["fit"] == "topics_fit stage"
    keywords = " ".join(k for (k,) in ws.conn.execute("SELECT keywords_json || label FROM topic_info")).lower()
    assert not {"priya", "raman", "hollis", "nguyen", "olsen"} & set(re.findall(r"[a-z]+", keywords))


def test_the_topic_fit_runs_here_while_the_worker_anonymises_and_the_keywords_wait_for_it(runs):
    """The plan of a cold run: anonymise in the worker process; the topic fit, which reads no
    anonymised text, here beside it; the topics' keywords after it; the quotes in the worker beside
    the two topic stages."""
    from copquotes.pipeline import _Plan

    plan = _Plan(runs["ws"], list(STAGE_ORDER), parallel=True)
    assert (plan.worker_stage, plan.beside_stage) == ("anonymise", "quotes")
    assert not depends_on("topics_fit", "anonymise") and depends_on("topics", "anonymise")
    cold = runs["cold"]
    assert cold["anonymise"].get("background") and not cold["topics_fit"].get("background")
    assert cold["topics"]["fit"] == "topics_fit stage" and cold["quotes"].get("background")


@pytest.mark.parametrize("asked, stages", [
    (["topics"], ["topics_fit", "topics"]),
    (["topics_fit"], ["topics_fit"]),
    (["quotes", "topics"], ["topics_fit", "topics", "quotes"]),
    (["anonymise"], ["anonymise"]),
])
def test_asking_for_the_topics_stage_asks_for_its_fit_too(asked, stages):
    assert resolve_stages(asked) == stages


def test_the_cli_says_when_it_wrote_or_removed_the_bulk_files(runs, capsys):
    from copquotes import bulk
    from copquotes.cli import main

    ws = runs["ws"]
    bulk.store.remove_all(ws.path)
    capsys.readouterr()
    assert main(["analyse", "--workspace", str(ws.path), "--bulk", "on", "-q"]) == 0
    assert "bulk files written" in capsys.readouterr().err
    with ws.transaction() as c:      # a re-rank's new scores: the files are stale
        c.execute("UPDATE quotes SET score = score + 0.01")
    assert main(["analyse", "--workspace", str(ws.path), "--bulk", "off", "-q"]) == 0
    assert "bulk files removed" in capsys.readouterr().err and bulk.status(ws)["state"] == "none"


def test_an_analysis_run_from_the_cli_anonymises_and_stores_the_survey_questions_ahead(runs):
    """So that no page or export waits for the redactor's models on its first question."""
    from copquotes import questions
    from copquotes.cli import main

    ws = runs["ws"]
    question = "What would you tell Siobhan Okonkwo-Reilly about the sessions?"
    with ws.transaction() as c:
        c.execute("UPDATE units SET question = ? WHERE unit_id = (SELECT MIN(unit_id) FROM units)", (question,))
    assert questions._key(question) not in (ws.get_config(questions.CONFIG_KEY, {}) or {})
    assert main(["analyse", "--workspace", str(ws.path), "--stage", "embed", "-q"]) == 0
    stored = ws.get_config(questions.CONFIG_KEY, {})
    assert "Siobhan" not in stored[questions._key(question)] and "sessions" in stored[questions._key(question)]
    assert questions.store_all(ws) == 0                   # nothing new: the models are not loaded again


def test_the_worker_imports_no_library_from_the_folder_the_run_started_in(runs, tmp_path, monkeypatch):
    """A user's ``names.py`` or ``yaml.py`` beside their data never shadows a library in the
    pipeline's worker process (it runs the anonymise stage, which reads the ``names`` lexicon)."""
    folder = tmp_path / "my data"
    folder.mkdir()
    for mod in ("names", "yaml"):
        (folder / f"{mod}.py").write_text(f"raise RuntimeError('the user\\'s own {mod}.py was imported')\n")
    ws = runs["ws"]
    before = sorted(tuple(r) for r in ws.conn.execute("SELECT unit_id, text FROM anon"))
    monkeypatch.chdir(folder)
    done = analyse(ws, ["anonymise", "embed"], force=True, progress=False)
    assert done["anonymise"].get("background"), "the anonymise stage ran in the worker process"
    assert sorted(tuple(r) for r in ws.conn.execute("SELECT unit_id, text FROM anon")) == before
