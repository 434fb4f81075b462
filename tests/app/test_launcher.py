"""`copquotes app`: the streamlit command line it runs, and every refusal it makes before
Streamlit starts (one line on stderr, non-zero exit, nothing created)."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from copquotes import cli
from copquotes.app import access
from copquotes.app_launcher import (SERVER_OPTIONS, app_path, ensure_workspace, hash_password_cli, preflight,
                                    streamlit_command, streamlit_env)
from copquotes.errors import ConfigError, WorkspaceError
from copquotes.resources import REPO_DIR
from copquotes.workspace import DB_NAME, Workspace

HASH = access.hash_password("correct horse")


def test_command_binds_localhost_headless_without_usage_stats_or_developer_menu(tmp_path):
    cmd = streamlit_command(tmp_path / "ws", port=8600)
    assert cmd[:5] == [sys.executable, "-P", "-m", "streamlit", "run"]
    assert Path(cmd[5]) == app_path()
    opts = dict(zip(cmd[6:-3:2], cmd[7:-3:2]))
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.port"] == "8600"
    assert opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false"
    assert opts["--client.toolbarMode"] == "minimal"          # no deploy button, no developer menu
    assert opts["--client.showErrorDetails"] == "none"
    assert cmd[-3:] == ["--", "--workspace", str((tmp_path / "ws").resolve())]
    assert streamlit_command(tmp_path, address="0.0.0.0")[7] == "0.0.0.0"
    assert "--browser.serverAddress" not in cmd


@pytest.mark.parametrize("address", ["0.0.0.0", "::"])
def test_every_interface_names_the_host_so_streamlit_asks_no_web_service(tmp_path, address):
    cmd = streamlit_command(tmp_path, address=address)
    opts = dict(zip(cmd[6:-3:2], cmd[7:-3:2]))
    assert opts["--server.address"] == address and opts["--browser.serverAddress"] not in ("", address)


def test_the_environment_says_the_same():
    env = streamlit_env("10.0.0.5")
    assert env["STREAMLIT_SERVER_ADDRESS"] == "10.0.0.5"
    assert env["STREAMLIT_CLIENT_TOOLBAR_MODE"] == "minimal"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"


SHADOWS = ["names", "yaml", "click"]    # the name lexicon, the config reader, Streamlit's own CLI


def _shadowing_folder(folder: Path) -> Path:
    """A user's folder whose .py files share names with libraries the app imports, and raise."""
    folder.mkdir(exist_ok=True)
    for mod in SHADOWS:
        (folder / f"{mod}.py").write_text(f"raise RuntimeError('the user\\'s own {mod}.py was imported')\n")
    return folder


def test_the_server_python_imports_no_library_from_the_start_folder(tmp_path):
    folder = _shadowing_folder(tmp_path / "notes")
    cmd = streamlit_command(tmp_path / "ws")
    python = cmd[:cmd.index("-m")]                   # the server's interpreter and its flags
    check = ("import names, yaml, click, streamlit\n"
             "from copquotes.anonymise.lexicon import first_names\n"
             "assert 'mary' in first_names()\n")
    done = subprocess.run(python + ["-c", check], cwd=folder, env=streamlit_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_what_the_server_starts_inherits_the_safe_path():
    assert streamlit_env()["PYTHONSAFEPATH"] == "1"


def test_the_app_starts_from_a_folder_that_shadows_its_libraries(tmp_path):
    from .test_browser import _copquotes_cmd, _free_port, _wait_healthy, stop_server

    folder = _shadowing_folder(tmp_path / "notes")
    port = _free_port()
    log = open(tmp_path / "app.log", "w")
    proc = subprocess.Popen(_copquotes_cmd() + ["app", "--workspace", str(tmp_path / "ws"), "--port", str(port)],
                            cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(port, proc)
    finally:
        stop_server(proc)
        log.close()
    assert "was imported" not in (tmp_path / "app.log").read_text()


def test_every_option_is_one_streamlit_knows():
    from streamlit import config

    known = config.get_config_options()
    for key in SERVER_OPTIONS:
        assert key in known, key


def test_config_file_says_the_same():
    import tomllib

    cfg = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text())
    assert cfg["browser"]["gatherUsageStats"] is False and cfg["server"]["address"] == "127.0.0.1"
    assert cfg["client"]["toolbarMode"] == "minimal" and cfg["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("port", [0, 70000, "http"])
def test_bad_port(tmp_path, port):
    with pytest.raises(ConfigError, match="port"):
        streamlit_command(tmp_path, port=port)


# ---------------------------------------------------------------------------------- refusals
SECRETS_CASES = [
    # (id, secrets.toml in the start folder, address, refused with (None: starts))
    ("unquoted password", "password = s3cret\n", "127.0.0.1", "does not parse"),
    ("unquoted password, all interfaces", "password = s3cret\n", "0.0.0.0", "does not parse"),
    ("empty password", 'password = ""\n', "127.0.0.1", "password .* is empty"),
    ("blank password", 'password = "   "\n', "0.0.0.0", "password .* is empty"),
    ("number as password", "password = 1234\n", "127.0.0.1", "not a quoted string"),
    ("plain password as a reviewer", '[reviewers]\nAnn = "hunter2"\n', "127.0.0.1", "not a password hash"),
    ("reviewers not a table", 'reviewers = "Ann"\n', "127.0.0.1", "must be a table"),
    ("a reviewer listed twice", '[reviewers]\nAnn = "%s"\n" ann " = "%s"\n' % (HASH, HASH), "127.0.0.1", "listed twice"),
    ("not UTF-8", b"password = \"caf\xe9\"\n", "127.0.0.1", "not UTF-8"),
    ("all interfaces, no secrets", None, "0.0.0.0", "without a password"),
    ("a LAN address, no password", '[reviewers]\nAnn = "%s"\n' % HASH, "192.168.1.20", "without a password"),
    ("IPv6 everywhere, no password", "", "::", "without a password"),
    ("a host name, no password", None, "review.example.org", "without a password"),
    ("empty address", None, "", "--address is empty"),
    ("loopback, no secrets", None, "127.0.0.1", None),
    ("localhost, no secrets", None, "localhost", None),
    ("IPv6 loopback", None, "::1", None),
    ("all interfaces with a password", 'password = "s3cret"\n', "0.0.0.0", None),
    ("password and reviewers", 'password = "s3cret"\n[reviewers]\n"Ann Lee" = "%s"\n' % HASH, "10.1.2.3", None),
]


@pytest.fixture
def start_folder(tmp_path, monkeypatch):
    """A folder to start the app in, and a home with no ~/.streamlit: nothing of this machine leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(run)
    return run


def _write_secrets(folder: Path, content) -> None:
    if content is None:
        return
    (folder / ".streamlit").mkdir(exist_ok=True)
    p = folder / ".streamlit" / "secrets.toml"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.mark.parametrize("case", SECRETS_CASES, ids=[c[0] for c in SECRETS_CASES])
def test_app_refuses_before_streamlit_starts_in_one_line(start_folder, capsys, monkeypatch, case):
    _, secrets, address, refused = case
    _write_secrets(start_folder, secrets)
    started = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a) or pytest.fail("started"))
    ws = start_folder / "new-ws"
    if refused is None:
        path, acc = preflight(ws, 8501, address)
        assert (path / DB_NAME).exists()            # the new workspace exists, empty
        return
    code = cli.main(["app", "--workspace", str(ws), "--address", address])
    err = capsys.readouterr().err
    assert code != 0 and not started
    assert err.count("\n") == 1 and err.startswith("copquotes: error: "), err
    import re

    assert re.search(refused, err), err
    assert not ws.exists()                           # nothing created on a refusal


def test_secrets_in_the_home_folder_count_too(start_folder, tmp_path):
    _write_secrets(tmp_path / "home", "password = oops\n")
    with pytest.raises(access.SecretsError, match=r"home/\.streamlit/secrets\.toml does not parse"):
        preflight(start_folder / "ws", 8501, "127.0.0.1")


def test_the_start_folder_wins_over_home_as_in_streamlit(start_folder, tmp_path):
    _write_secrets(tmp_path / "home", 'password = "from-home"\n')
    _write_secrets(start_folder, 'password = "from-here"\n')
    _, acc = preflight(start_folder / "ws", 8501, "0.0.0.0")
    assert acc.password == "from-here"


# ---------------------------------------------------------------------------------- workspace
def test_a_missing_workspace_is_created_empty(tmp_path):
    path = ensure_workspace(tmp_path / "a" / "new")
    ws = Workspace.open(path)
    try:
        assert ws.n_units() == 0
    finally:
        ws.close()
    assert ensure_workspace(path) == path            # and opened as it is next time


def test_an_empty_folder_becomes_a_workspace(tmp_path):
    (tmp_path / "empty").mkdir()
    assert (ensure_workspace(tmp_path / "empty") / DB_NAME).exists()


@pytest.mark.parametrize("make, match", [
    (lambda p: (p.mkdir(), (p / "notes.csv").write_text("a,b\n")), "not a copquotes workspace"),
    (lambda p: p.write_text("x"), "is a file"),
])
def test_a_folder_or_file_that_is_not_a_workspace_is_refused(tmp_path, make, match):
    p = tmp_path / "thing"
    make(p)
    with pytest.raises(WorkspaceError, match=match):
        ensure_workspace(p)
    assert not (p / DB_NAME).exists() if p.is_dir() else True


def test_app_needs_a_workspace_unless_hashing(capsys):
    assert cli.main(["app"]) != 0
    assert "--workspace" in capsys.readouterr().err


# ---------------------------------------------------------------------------------- hashing
def test_hash_password_from_a_pipe_verifies():
    h = hash_password_cli(io.StringIO("my own pass\n"))
    assert h.startswith("scrypt$") and access.verify_password("my own pass", h)
    assert not access.verify_password("my own pass ", h)
    assert access.parse_access({"reviewers": {"Ann": h}}).reviewers["ann"][1] == h


def test_hash_password_command_prints_one_hash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
    assert cli.main(["app", "--hash-password"]) == 0
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and access.verify_password("s3cret", out)


def test_without_streamlit_the_launcher_says_which_extra_to_install(start_folder, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name, *a))
    assert cli.main(["app", "--workspace", str(start_folder / "ws")]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "copquotes[app]" in err and not (start_folder / "ws").exists()
