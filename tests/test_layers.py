"""The layers of copquotes (.importlinter) hold: import-linter's contracts, checked as CI runs them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _lint_imports(config: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "lint-imports not found: install the 'dev' extra (import-linter)"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([exe, "--config", str(config), "--no-cache"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


def test_import_contracts_are_kept():
    run = _lint_imports(REPO / ".importlinter")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_the_contracts_catch_an_upward_import(tmp_path):
    # the same contracts with the layers turned upside down must fail: the check can fail
    text = (REPO / ".importlinter").read_text()
    head, rest = text.split("layers =\n", 1)
    body, tail = rest.split("exhaustive", 1)
    layers = [line for line in body.splitlines() if line.strip()]
    flipped = head + "layers =\n" + "\n".join(reversed(layers)) + "\nexhaustive" + tail
    cfg = tmp_path / "flipped.ini"
    cfg.write_text(flipped)
    run = _lint_imports(cfg)
    assert run.returncode != 0 and "BROKEN" in run.stdout
