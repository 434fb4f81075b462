"""Where a command writes: an ``--out`` file whose folder exists, checked before any work.

A missing folder is an error naming it (never created: a typo such as ``/nonexist/q.csv``
made a folder at the filesystem root), as are a folder given as the file and a path under a
file.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError


def check_output_file(path, option: str = "--out") -> Path:
    """``path`` as a :class:`Path` to write, or :class:`ConfigError` saying why it cannot be."""
    p = Path(path)
    if str(path) == "" or p.name in ("", ".", ".."):
        raise ConfigError(f"{option} {str(path)!r} is not a file name: give one such as quotes.csv")
    if p.is_dir():
        raise ConfigError(f"{option} {p} is a folder: give a file name inside it (e.g. {p / 'quotes.csv'})")
    parent = p.parent
    if not parent.is_dir():
        up = parent
        while not up.exists() and up != up.parent:   # the nearest ancestor there is
            up = up.parent
        if up.exists() and not up.is_dir():
            raise ConfigError(f"{option} {p}: {up} is a file, not a folder: choose another path")
        raise ConfigError(f"{option} {p}: the folder {parent} does not exist: create it first, or choose another")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{option} {p}: cannot write in the folder {parent} (permission denied)")
    return p


def write_error(path, exc: OSError, option: str = "--out") -> ConfigError:
    """The one-line error of a write to ``path`` that the system refused."""
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
    return ConfigError(f"{option} {path}: cannot write it: {reason}{where}")
