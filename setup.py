"""Build hook: the top-level ``models/``, ``corpus/`` and ``app.py`` travel inside the wheel.

They stay at the top of the repository (the layout users and docs know); when a wheel is
built they are copied into ``copquotes/_data/``, where :mod:`copquotes.resources` looks
first. An editable install reads them from the source tree instead. Everything else about
the project is declared in ``pyproject.toml``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("models", "corpus", "app.py")      # keep in step with copquotes/resources.py
TARGET = Path("copquotes") / "_data"
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the shipped top-level files into ``copquotes/_data``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the source tree
        dest = Path(self.build_lib) / TARGET
        for name in SHIPPED:
            src = ROOT / name
            if not src.exists():
                raise SystemExit(f"setup.py: {src} is missing; build from a full checkout of copquotes")
            out = dest / name
            if src.is_dir():
                if out.exists():
                    shutil.rmtree(out)
                shutil.copytree(src, out, ignore=_SKIP)
            else:
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, out)


setup(cmdclass={"build_py": BuildPyWithData})
