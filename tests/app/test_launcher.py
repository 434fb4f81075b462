"""`copquotes app`: the streamlit command line it runs."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from copquotes.app_launcher import app_path, launch, streamlit_command
from copquotes.errors import ConfigError, WorkspaceError
from copquotes.resources import REPO_DIR


def test_command_binds_localhost_headless_without_usage_stats(tmp_path):
    cmd = streamlit_command(tmp_path / "ws", port=8600)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == app_path() == REPO_DIR / "app.py"
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.port"] == "8600"
    assert opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false"
    assert cmd[-3:] == ["--", "--workspace", str((tmp_path / "ws").resolve())]


def test_config_file_says_the_same():
    cfg = (REPO_DIR / ".streamlit" / "config.toml").read_text()
    assert "gatherUsageStats = false" in cfg and 'address = "127.0.0.1"' in cfg


@pytest.mark.parametrize("port", [0, 70000, "http"])
def test_bad_port(tmp_path, port):
    with pytest.raises(ConfigError, match="port"):
        streamlit_command(tmp_path, port=port)


def test_launch_refuses_a_missing_workspace_before_starting(tmp_path):
    with pytest.raises(WorkspaceError, match="copquotes ingest"):
        launch(tmp_path / "nope", port=8601)
