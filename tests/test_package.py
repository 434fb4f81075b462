"""The package as a library: nothing happens on import, settings only where copquotes owns the
process or the call, one version, no file naming a folder of one machine."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import copquotes
from copquotes import _offline, runtime
from copquotes._version import __version__
from copquotes.errors import ConfigError, CopquotesError

REPO = Path(__file__).resolve().parents[1]

_IMPORT_CHECK = r"""
import json, os, sys
import torch
torch.set_num_threads(1)
env = dict(os.environ)
import copquotes
names = {name: str(getattr(copquotes, name)) for name in ("Workspace", "configure", "run", "__version__")}
import copquotes.cli, copquotes.embed, copquotes.pipeline, copquotes.anonymise.recognizers
changed = sorted(k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k))
print(json.dumps({"changed": changed, "threads": torch.get_num_threads(), "file": copquotes.__file__}))
"""


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _offline.OFFLINE_ENV}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_importing_copquotes_and_its_modules_leaves_environment_and_threads_alone():
    out = subprocess.run([sys.executable, "-c", _IMPORT_CHECK], env=_clean_env(), capture_output=True,
                         text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["changed"] == []
    assert got["threads"] == 1
    assert Path(got["file"]).resolve() == (REPO / "copquotes" / "__init__.py").resolve()


def test_the_version_has_one_source():
    assert copquotes.__version__ == __version__
    out = subprocess.run([sys.executable, "-m", "copquotes", "--version"], env=_clean_env(),
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == f"copquotes {__version__}"


def test_the_package_root_imports_no_submodule_that_imports_it_back():
    src = (REPO / "copquotes" / "__init__.py").read_text(encoding="utf-8")
    eager = set(re.findall(r"^from \.(\w+) import", src, flags=re.M))
    assert eager <= {"_version", "errors", "types"}
    for name in eager:
        body = (REPO / "copquotes" / f"{name}.py").read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from copquotes import|import copquotes\b|from \. import)", body, flags=re.M), name


def test_scoped_offline_settings_put_the_environment_back(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")      # the caller's own value survives
    before = dict(os.environ)
    with _offline.scoped():
        assert os.environ["HF_HUB_OFFLINE"] == "1"
        assert os.environ["TOKENIZERS_PARALLELISM"] == "true"
        assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert dict(os.environ) == before


def test_scoped_offline_settings_put_the_hub_flag_back(monkeypatch):
    constants = pytest.importorskip("huggingface_hub.constants")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with _offline.scoped():
        pass
    assert constants.HF_HUB_OFFLINE is False


def test_a_session_restores_torch_threads_and_configure_sets_them():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        with runtime.session(threads=1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == before
        runtime.configure(offline=False, threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("threads", [0, -1, 1.5, "two"])
def test_a_bad_thread_count_is_refused(threads):
    with pytest.raises(ConfigError):
        runtime.configure(offline=False, threads=threads)


def test_run_refuses_an_unknown_engine_before_touching_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CopquotesError, match="unknown engine 'spark'"):
        copquotes.run(tmp_path, engine="spark")
    assert list(tmp_path.iterdir()) == []


def test_run_without_inputs_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CopquotesError):
        copquotes.run([])


def test_the_shipped_files_are_found_in_the_source_tree():
    from copquotes import resources

    for name in resources.SHIPPED:
        path = resources.shipped(name)
        assert path.exists() and path == REPO / name
    assert (resources.models_dir() / "codebook.yaml").is_file()
    with pytest.raises(ValueError):
        resources.shipped("../etc")


# ----------------------------------------------------------------- no folder of one machine
_MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|home|Users|root|mnt|scratch)/[\w.-]+")
# text files only; a URL's path ('https://host/home/...') is not matched (a host name precedes it)
_TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".yaml", ".yml", ".sh", ".cfg", ".ini", ".json", ".jsonl",
                  ".csv", ".tsv", ".vtt", ".in", ""}


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / p for p in out.stdout.decode().split("\0") if p]


def test_no_tracked_file_names_a_folder_of_one_machine():
    offenders = []
    for path in _tracked_files():
        if path.suffix not in _TEXT_SUFFIXES or not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in _MACHINE_PATH.finditer(text):
            line = text[:m.start()].count("\n") + 1
            offenders.append(f"{path.relative_to(REPO)}:{line}: {m.group(0)}")
    assert offenders == [], "absolute paths of one machine:\n" + "\n".join(offenders[:40])


def test_docs_point_to_no_file_outside_the_repository():
    offenders = []
    for path in _tracked_files():
        if path.suffix not in {".md", ".py"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"\.\./shared/|(?<![\w/])shared/(?:DOMAIN|DESIGN|ENVIRONMENT|data)\b", text):
            offenders.append(f"{path.relative_to(REPO)}: {m.group(0)}")
    assert offenders == [], "\n".join(offenders)


# ----------------------------------------------------------------- every import is declared
def _closure(requirements) -> set[str]:
    """Canonical names of ``requirements`` and everything they require (as installed here)."""
    import importlib.metadata as md

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    stack = [Requirement(r) for r in requirements]
    while stack:
        req = stack.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            continue
        for spec in dist.requires or []:
            sub = Requirement(spec)
            extras = sorted(req.extras) or [""]
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                stack.append(sub)
    return seen


def test_every_third_party_import_is_a_declared_dependency():
    import importlib.metadata as md
    import tomllib

    from packaging.utils import canonicalize_name

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    core = _closure(project["dependencies"])
    allowed = {"app": core | _closure(extras["app"]), "ray": core | _closure(extras["ray"])}
    dists = md.packages_distributions()
    missing = []
    for path in sorted((REPO / "copquotes").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        code = re.sub(r'(?s)""".*?"""', "", path.read_text(encoding="utf-8"))   # not docstrings
        for mod in set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", code, flags=re.M)):
            if mod in sys.stdlib_module_names or mod in ("copquotes", "__future__") or mod not in dists:
                continue
            names = {canonicalize_name(d) for d in dists[mod]}
            ok = names & core
            if not ok and rel.startswith("copquotes/app/"):
                ok = names & allowed["app"]
            if not ok:   # the optional engine's packages, imported only when that engine is chosen
                ok = names & (allowed["ray"] - core)
            if not ok:
                missing.append(f"{rel}: {mod} ({', '.join(sorted(names))})")
    assert missing == [], "imported but not declared in pyproject.toml:\n" + "\n".join(missing)
