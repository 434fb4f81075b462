"""``copquotes app``: start the Streamlit review app on a workspace.

The app binds to 127.0.0.1, runs headless and never sends usage statistics; these
are passed on the command line as well as set in ``.streamlit/config.toml``, so
they hold whatever folder the command is started from. For a shared server, put
``password = "..."`` in ``.streamlit/secrets.toml`` (reviewers then need it).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .errors import ConfigError, CopquotesError
from .resources import app_script

ADDRESS = "127.0.0.1"


def app_path() -> Path:
    """``app.py``: inside the installed package, else at the repository root."""
    path = app_script()
    if not path.is_file():
        raise CopquotesError(f"the review app {path} is missing: reinstall copquotes "
                             "(pip install copquotes[app], or pip install -e '.[app]' in a clone)")
    return path


def streamlit_command(workspace, port: int = 8501, address: str = ADDRESS) -> list[str]:
    """The ``streamlit run`` command line for ``workspace`` (absolute path) on ``port``."""
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ConfigError(f"--port must be a number, not {port!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a valid port: choose one between 1024 and 65535")
    return [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.runOnSave", "false",
        "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
        "--", "--workspace", str(Path(workspace).resolve()),
    ]


def launch(workspace, port: int = 8501) -> int:
    """Run the app until it is stopped (Ctrl-C); returns the exit code."""
    from .workspace import Workspace

    Workspace.open(Path(workspace)).close()  # a clear error now rather than in the browser
    cmd = streamlit_command(workspace, port)
    env = dict(os.environ)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["STREAMLIT_SERVER_ADDRESS"] = ADDRESS
    env["STREAMLIT_SERVER_HEADLESS"] = "true"
    sys.stderr.write(f"copquotes: review app on http://{ADDRESS}:{int(port)} (Ctrl-C to stop)\n")
    proc = subprocess.Popen(cmd, env=env)

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
