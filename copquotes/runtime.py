"""Process settings copquotes needs: offline libraries and torch's thread count.

``import copquotes`` changes nothing in the caller's process. These settings are made
only where copquotes owns the process or the call:

* :func:`configure`: for good, from a script that wants copquotes' settings (the CLI,
  the app and pipeline workers apply the offline part themselves);
* :func:`session`: for the length of a block (:func:`copquotes.run` uses it), after which
  the environment variables and torch's thread count are what they were before.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

from . import _offline
from .errors import ConfigError


def _check_threads(threads) -> int | None:
    if threads is None:
        return None
    try:
        n = int(threads)
    except (TypeError, ValueError):
        raise ConfigError(f"threads must be a whole number of at least 1, not {threads!r}") from None
    if n < 1 or n != threads:
        raise ConfigError(f"threads must be a whole number of at least 1, not {threads!r}")
    return n


def configure(*, offline: bool = True, threads: int | None = None) -> None:
    """Apply copquotes' process settings for good.

    ``offline``: Hugging Face, tldextract, tokenizers and Streamlit stay offline (the
    environment variables in :data:`copquotes._offline.OFFLINE_ENV`; values already set are
    kept). ``threads``: torch's intra-op thread count (``None`` leaves it alone).
    """
    n = _check_threads(threads)
    if offline:
        _offline.apply()
    if n is not None:
        import torch

        torch.set_num_threads(n)


@contextlib.contextmanager
def session(*, threads: int | None = None) -> Iterator[None]:
    """copquotes' settings inside the block; afterwards the caller's settings are back.

    The offline environment variables are set inside the block; afterwards the environment is
    exactly what it was before (variables that libraries set while imported inside the block
    are taken back too; see also :func:`copquotes._offline.scoped` for the hub's offline flag). ``threads`` sets torch's thread count inside the block;
    if torch was loaded before the block (or ``threads`` is given), its count is put back
    afterwards. copquotes' own code never changes the count for good (the embedder and the
    fine-tuner put back any count they set), so a torch first loaded inside the block keeps
    the count it started with.
    """
    n = _check_threads(threads)
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    if n is not None:
        import torch

        if before is None:
            before = torch.get_num_threads()
        torch.set_num_threads(n)
    environ = dict(os.environ)
    try:
        with _offline.scoped():
            yield
    finally:
        # libraries imported during the block may set variables of their own at import
        # (scikit-learn sets KMP_DUPLICATE_LIB_OK and KMP_INIT_AT_FORK): the caller gets back
        # exactly the environment it had
        for key in [k for k in os.environ if k not in environ]:
            del os.environ[key]
        for key, value in environ.items():
            if os.environ.get(key) != value:
                os.environ[key] = value
        torch = sys.modules.get("torch")
        if torch is not None and before is not None and torch.get_num_threads() != before:
            torch.set_num_threads(before)


def child_python(module: str, *args: str, env: dict | None = None) -> tuple[list[str], dict]:
    """The command and environment of a copquotes child process (``python -m module args``) whose
    imports never come from the folder it was started in: ``-P`` keeps the current folder off
    ``sys.path`` (a user's ``names.py`` or ``yaml.py`` there would shadow a library), and the
    folder holding the ``copquotes`` package goes on ``PYTHONPATH`` so the package itself is found
    however it was installed (editable from a checkout, or in site-packages)."""
    env = dict(os.environ if env is None else env)
    pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not _site_dir(pkg_root):      # (a site folder is on the child's path already, after the standard library)
        parts = [pkg_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != pkg_root]
        env["PYTHONPATH"] = os.pathsep.join(parts)
    return [sys.executable, "-P", "-m", module, *args], env


def _site_dir(folder: str) -> bool:
    import site

    sites = list(site.getsitepackages()) + [site.getusersitepackages()]
    return any(os.path.realpath(folder) == os.path.realpath(s) for s in sites if s)
