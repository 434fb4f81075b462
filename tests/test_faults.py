"""Issue 23's target scenario and a few kill -9 points, on the real pipeline and real SQLite
(benchmarks/faults.py runs every scenario with many more trials and kill points)."""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

FAULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "faults.py"


@pytest.fixture(scope="module")
def faults():
    spec = importlib.util.spec_from_file_location("copquotes_bench_faults", FAULTS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def base(faults, tmp_path_factory):
    root = tmp_path_factory.mktemp("faults_base")
    data = faults.write_corpus(root / "data")
    faults.InProcessRunner().run(data, root / "ws")
    return root


def test_target_scenario_loses_no_decision(faults, tmp_path):
    out = faults.target_scenario(tmp_path, random.Random(23), verbose=False, runner=faults.InProcessRunner())
    assert out["decisions"] == 6
    assert out["decisions_lost"] == 0, out["steps"]
    assert out["integrity"] == "ok"
    assert out["steps"]["approval during a forced re-analysis"]["approved_while_running"]
    together = out["steps"]["two forced analyses started together"]
    assert together["both_exit_0"] and together["one_waited"]
    assert set(out["stages"].values()) == {"up to date"}


@pytest.mark.parametrize("stage", ["anonymise", "tag"])
def test_kill_9_during_a_forced_analysis_leaves_a_workspace_the_next_run_completes(faults, base, tmp_path, stage):
    faults.copy_workspace(base, tmp_path / "t")
    data, ws = tmp_path / "t" / "data", tmp_path / "t" / "ws"
    b = faults.Bench(tmp_path, seed=1)
    ledger = faults.Ledger()
    b.seed_decisions(ws, ledger)
    assert len(ledger.quotes) == 5 and len(ledger.redactions) == 1
    units = faults.n_units(ws)
    killed = faults.kill_when(ws, faults.start("analyse", "--workspace", ws, "--force"), stage)
    assert killed
    after_kill = faults.check(ws, ledger)
    assert after_kill["integrity"] == "ok" and after_kill["cache_integrity"] == "ok"
    assert after_kill["decisions_lost"] == 0 and after_kill["redactions_lost"] == 0
    faults.InProcessRunner().run(data, ws)       # no stale lock, no leftover writer
    assert set(faults.stage_states(ws).values()) == {"up to date"}
    assert faults.n_units(ws) == units
    final = faults.check(ws, ledger)
    assert final["decisions_lost"] == 0 and final["redactions_lost"] == 0 and final["integrity"] == "ok"
    assert not list(Path(ws).glob(".*.pkl*"))
