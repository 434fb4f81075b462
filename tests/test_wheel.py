"""The wheel, as a user gets it: built from this checkout with pip, installed into a new virtual
environment, run from a folder outside the repository.

The new environment reuses the dependencies installed here (a path to this environment's
site-packages, added after the wheel is installed), but the copquotes it imports is the
wheel's: the test checks where it comes from. It does what the README says a user can:
``--version``, ``tag``, the start of ``demo`` (its whole run takes over a minute on
2 cores: the start shows it found the sample corpus inside the wheel), a small ``run`` (the
anonymiser reads the gazetteer inside the wheel) and ``quotes``, and ``app``, which must serve HTTP on 127.0.0.1. About a minute and a half.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from copquotes._offline import OFFLINE_ENV
from copquotes._version import __version__

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Margaret Olsen: Welcome back. What has the group meant for you this year?

2
00:00:06.000 --> 00:00:14.000
Priya Raman: I walk in flat after a month of fighting fires at work, and I leave every session lighter, with a plan for the week.

3
00:00:15.000 --> 00:00:24.000
Ben Hollis: Before the group I thought I was the only one who got shut down in staff meetings, and now I know exactly who to call.
"""
ROSTER = "name,role,quote_consent\nMargaret Olsen,facilitator,yes\nPriya Raman,participant,yes\nBen Hollis,participant,yes\n"
MANIFEST = "rosters: [roster.csv]\nfiles:\n  fg.vtt: {source_kind: focus_group, group: Early career, year: \"2024\"}\n"

_IMPORT_CHECK = r"""
import json, os, sys
import torch
torch.set_num_threads(1)
env = dict(os.environ)
import copquotes, copquotes.cli, copquotes.embed, copquotes.pipeline, copquotes.anonymise.recognizers
from copquotes import resources
changed = sorted(k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k))
print(json.dumps({"file": copquotes.__file__, "version": copquotes.__version__, "changed": changed,
                  "threads": torch.get_num_threads(),
                  "shipped": {n: str(resources.shipped(n)) for n in resources.SHIPPED}}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_copy(dest: Path) -> Path:
    """The checkout's files as git sees them (tracked, and new files not ignored), without build
    leftovers: what a clean checkout holds, with this working tree's changes."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=REPO,
                                capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        return REPO
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A new venv holding the wheel built from this checkout; returns (venv, env, outside folder)."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(dist), str(_clean_copy(root / "src"))], check=True, cwd=root, timeout=300,
                   stdout=subprocess.DEVNULL)
    wheels = list(dist.glob("copquotes-*.whl"))
    assert len(wheels) == 1
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV and k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONNOUSERSITE="1", COPQUOTES_PROGRESS="0")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120, env=env)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q",
                    str(wheels[0])], check=True, timeout=300, stdout=subprocess.DEVNULL, env=env, cwd=root)
    # then, behind the wheel's own site-packages, the dependencies installed here (its .pth files are
    # not read, so an editable copquotes here stays invisible)
    purelib = Path(subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                           text=True, env=env).strip())
    assert (purelib / "copquotes" / "__init__.py").is_file(), "the wheel was not installed into the new venv"
    (purelib / "zz_reuse_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    outside = root / "outside"
    outside.mkdir()
    return {"venv": venv, "purelib": purelib, "env": env, "cwd": outside, "wheel": wheels[0]}


def _run(installed, *args, timeout=300, **kw):
    return subprocess.run([str(installed["venv"] / "bin" / "copquotes"), *args], cwd=installed["cwd"],
                          env=installed["env"], capture_output=True, text=True, timeout=timeout, **kw)


def test_the_wheel_carries_models_corpus_and_app(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in ("copquotes/_data/app.py", "copquotes/_data/models/codebook.yaml",
                 "copquotes/_data/models/tagger-default.joblib", "copquotes/_data/models/anonymise/au_places.tsv",
                 "copquotes/_version.py"):
        assert name in names
    assert any(n.startswith("copquotes/_data/corpus/surveys/") for n in names)
    assert not any("__pycache__" in n or n.startswith(("tests/", "benchmarks/")) for n in names)


def test_check_wheel_contents_passes(installed):
    cwc = Path(sys.executable).with_name("check-wheel-contents")
    if not cwc.exists():
        pytest.skip("check-wheel-contents is not installed (the dev extra)")
    out = subprocess.run([str(cwc), str(installed["wheel"])], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_wheels_copquotes_imports_without_side_effects(installed):
    out = subprocess.run([str(installed["venv"] / "bin" / "python"), "-c", _IMPORT_CHECK], cwd=installed["cwd"],
                         env=installed["env"], capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(got["file"]).resolve().is_relative_to(installed["purelib"].resolve())
    assert got["version"] == __version__
    assert got["changed"] == [] and got["threads"] == 1
    for path in got["shipped"].values():
        assert Path(path).resolve().is_relative_to(installed["purelib"].resolve()) and Path(path).exists()


def test_version_and_tag_from_outside_the_repository(installed):
    out = _run(installed, "--version", check=True)
    assert out.stdout.strip() == f"copquotes {__version__}"
    texts = installed["cwd"] / "texts.txt"
    texts.write_text("I walk in flat and leave every session lighter.\nCall Jane Smith on 0412 345 678.\n",
                     encoding="utf-8")
    tagged = [json.loads(line) for line in _run(installed, "-q", "tag", str(texts), check=True).stdout.splitlines()]
    assert len(tagged) == 2 and "wellbeing" in tagged[0]["labels"] and set(tagged[0]["scores"]) >= {"wellbeing"}


def test_demo_finds_the_sample_corpus_inside_the_wheel(installed):
    proc = subprocess.Popen([str(installed["venv"] / "bin" / "copquotes"), "demo"], cwd=installed["cwd"],
                            env=installed["env"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        line = ""
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line or line.startswith("demo:"):
                break
        assert line.startswith("demo:") and " units from " in line, line
        n_files = int(line.split(" units from ")[1].split()[0])
        assert n_files >= 5
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()


def test_a_small_run_then_the_app_serves_it_on_loopback(installed):
    data = installed["cwd"] / "exports"
    data.mkdir()
    (data / "fg.vtt").write_text(VTT, encoding="utf-8")
    (data / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (data / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    _run(installed, "-q", "run", "exports", "--workspace", "ws", check=True, timeout=600)
    quotes = [json.loads(line) for line in _run(installed, "quotes", "--workspace", "ws", check=True).stdout.splitlines()]
    assert quotes and all("Priya" not in q["text"] for q in quotes)

    port = _free_port()
    proc = subprocess.Popen([str(installed["venv"] / "bin" / "copquotes"), "app", "--workspace", "ws",
                             "--port", str(port)], cwd=installed["cwd"], env=installed["env"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        body = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body.strip() == "ok", f"the app did not answer on 127.0.0.1:{port} (exit {proc.poll()})"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200 and "<html" in r.read().decode().lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
