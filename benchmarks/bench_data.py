"""Where the benchmarks find public data sets: one environment variable, ``COPQUOTES_BENCH_DATA``.

It names a folder laid out as ``benchmarks/README.md`` describes (``pxtextmining/``,
``tab/``, ``sight/``); nothing is copied into the repository and no path of one machine
is written into it. Without the variable a benchmark that needs the data stops with a
message naming it. Results record paths relative to that folder
(``$COPQUOTES_BENCH_DATA/pxtextmining/...``), never where it lies on one machine.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV = "COPQUOTES_BENCH_DATA"


def root() -> Path | None:
    """The data folder, or None when the variable is not set."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser() if value else None


def path(*parts: str) -> Path:
    """``$COPQUOTES_BENCH_DATA/<parts>`` (it may not exist: see :func:`require`).

    Without the variable: a path under a folder named after it, which never exists, so
    ``.exists()`` checks fail cleanly and :func:`require` explains.
    """
    base = root()
    return (base if base is not None else Path(f"${ENV}")).joinpath(*parts)


def require(p: Path, what: str = "this benchmark") -> Path:
    """``p`` when it exists, else stop with a message that says how to provide it."""
    if p.exists():
        return p
    if root() is None:
        raise SystemExit(f"{what} needs public data sets: set {ENV} to the folder that holds them "
                         f"(benchmarks/README.md says where each one comes from)")
    raise SystemExit(f"{what}: {shown(p)} is missing (set {ENV} to the folder laid out as "
                     "benchmarks/README.md describes)")


def shown(p) -> str:
    """``p`` as recorded in results: relative to the data folder, or to the home folder."""
    p = Path(p)
    base = root()
    if base is not None:
        try:
            return f"${ENV}/" + p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    try:
        return "~/" + p.resolve().relative_to(Path.home().resolve()).as_posix()
    except ValueError:
        return p.as_posix()
