"""``copquotes app``: start the Streamlit review app on a workspace.

Before Streamlit starts, the launcher checks what would make the app fail open, and refuses
in one line (:class:`~copquotes.errors.ConfigError`, non-zero exit) when:

- a secrets file Streamlit would read exists but does not parse, or names an empty password
  (see :mod:`copquotes.app.access`);
- ``--address`` is anything but loopback and no ``password`` is set.

A workspace that does not exist yet is created empty (the app's **Add files** page fills it).
The server runs headless, with no usage statistics, no developer menu or deploy button
(``client.toolbarMode = "minimal"``) and no error details in the browser; these are passed on
the ``streamlit run`` command line and in its environment, so they hold whatever folder the
command starts in (``.streamlit/config.toml`` says the same for ``streamlit run app.py``).

The server's Python starts with a safe import path (``-P`` and ``PYTHONSAFEPATH=1``, which the
analysis jobs it starts inherit): a ``names.py`` or ``yaml.py`` in the folder the command starts
in is never imported in place of the library of that name.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .errors import ConfigError, CopquotesError, WorkspaceError
from .resources import app_script

ADDRESS = "127.0.0.1"

#: Streamlit options the app always runs with (flag name -> value)
SERVER_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "global.developmentMode": "false",
    "client.toolbarMode": "minimal",       # no deploy button, no developer menu
    "client.showErrorDetails": "none",     # tracebacks stay in the server's console
    "client.showErrorLinks": "false",
    "server.enableXsrfProtection": "true",
}


def app_path() -> Path:
    """``app.py``: inside the installed package, else at the repository root."""
    path = app_script()
    if not path.is_file():
        raise CopquotesError(f"the review app {path} is missing: reinstall copquotes "
                             "(pip install copquotes[app], or pip install -e '.[app]' in a clone)")
    return path


def check_port(port) -> int:
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ConfigError(f"--port must be a number, not {port!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a valid port: choose one between 1024 and 65535")
    return port


def streamlit_command(workspace, port: int = 8501, address: str = ADDRESS) -> list[str]:
    """The ``streamlit run`` command line for ``workspace`` (absolute path) on ``port``."""
    port = check_port(port)
    opts = {"server.address": address, "server.port": str(port), **SERVER_OPTIONS}
    if address.strip("[]") in ("0.0.0.0", "::"):
        # every interface: without an address to show, Streamlit asks a web service for this machine's
        # external IP at start; the host name is what reviewers type anyway, and nothing leaves
        import socket

        opts["browser.serverAddress"] = socket.gethostname() or "localhost"
    # -P: the start folder is not put on sys.path, so none of its files shadows a library
    cmd = [sys.executable, "-P", "-m", "streamlit", "run", str(app_path())]
    for k, v in opts.items():
        cmd += [f"--{k}", v]
    return cmd + ["--", "--workspace", str(Path(workspace).resolve())]


def streamlit_env(address: str = ADDRESS) -> dict:
    """The environment for the server: the same options as STREAMLIT_* variables, and a safe
    import path for every Python it starts (``PYTHONSAFEPATH``)."""
    env = dict(os.environ, PYTHONSAFEPATH="1")
    for k, v in {"server.address": address, **SERVER_OPTIONS}.items():
        section, name = k.split(".")
        snake = "".join("_" + c if c.isupper() else c.upper() for c in name)
        env[f"STREAMLIT_{section.upper()}_{snake}"] = v
    return env


def preflight(workspace, port: int = 8501, address: str = ADDRESS, cwd=None, home=None):
    """Every check ``copquotes app`` makes before Streamlit starts, in order: port, secrets,
    address, workspace (created empty when missing). Returns ``(workspace path, Access)``;
    raises :class:`ConfigError` / :class:`WorkspaceError` with a one-line reason. Nothing is
    created when a check fails."""
    from .app.access import check_address, default_secret_files, load_access

    check_port(port)
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        raise ConfigError("the review app needs Streamlit, which is not installed: pip install 'copquotes[app]'")
    access = load_access(default_secret_files(app_path(), cwd=cwd, home=home))
    check_address(address, access)
    return ensure_workspace(workspace), access


def ensure_workspace(workspace) -> Path:
    """Open ``workspace``; create it empty when the folder does not exist (or is empty)."""
    from .workspace import DB_NAME, Workspace

    path = Path(workspace)
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path} is a file, not a workspace folder: choose another --workspace")
    create = not path.exists() or (not (path / DB_NAME).exists() and not any(path.iterdir()))
    if path.is_dir() and not (path / DB_NAME).exists() and not create:
        raise WorkspaceError(f"{path} is a folder that is not a copquotes workspace: give the name of a new "
                             "folder to start an empty workspace there, or an existing workspace")
    Workspace.open(path, create=create).close()
    return path


def launch(workspace, port: int = 8501, address: str = ADDRESS) -> int:
    """Check, then run the app until it is stopped (Ctrl-C); returns the exit code."""
    path, access = preflight(workspace, port, address)
    cmd = streamlit_command(path, port, address)
    from .app.access import is_loopback

    where = "this machine only" if is_loopback(address) else "password required"
    sys.stderr.write(f"copquotes: review app on http://{address}:{int(port)} ({where}; Ctrl-C to stop)\n")
    proc = subprocess.Popen(cmd, env=streamlit_env(address))

    def forward(signum, _frame):  # stopping `copquotes app` stops the server too
        if proc.poll() is None:
            proc.send_signal(signum)

    previous = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            previous[sig] = signal.signal(sig, forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def hash_password_cli(stdin=None) -> str:
    """``copquotes app --hash-password``: read a password (twice from a terminal, once from a
    pipe) and return its hash for the ``[reviewers]`` table."""
    from .app.access import hash_password

    stdin = stdin or sys.stdin
    if stdin.isatty():
        import getpass

        first = getpass.getpass("Reviewer password: ")
        if first != getpass.getpass("Again: "):
            raise ConfigError("the two passwords differ: run copquotes app --hash-password again")
    else:
        first = stdin.readline().rstrip("\r\n")
    return hash_password(first)
