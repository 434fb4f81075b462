"""Access in a real server and real headless Chromium: an app started with plain `streamlit run`
and a broken secrets file serves nothing but the line saying what to fix; `copquotes app
--address 0.0.0.0` with a password asks for it; neither shows the deploy button or developer menu."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from copquotes.app_launcher import app_path

from .builders import build_workspace
from .test_browser import CHROMIUM, CHROMIUM_ARGS, _copquotes_cmd, _free_port, _wait_healthy, stop_server


def _serve(cmd, cwd, home, log):
    env = dict(os.environ, PYTHONUNBUFFERED="1", HOME=str(home))
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _visible(page, testid: str) -> int:
    loc = page.locator(f"[data-testid='{testid}']")
    return sum(loc.nth(i).is_visible() for i in range(loc.count()))


@pytest.mark.browser
def test_a_real_server_fails_closed_and_hides_developer_tools(tmp_path):
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: install Debian's chromium (setup.sh)"
    from playwright.sync_api import expect, sync_playwright

    ws = build_workspace(tmp_path / "ws")
    ws.close()
    home = tmp_path / "home"
    home.mkdir()
    broken, shared = tmp_path / "broken", tmp_path / "shared"
    for folder, secrets in ((broken, "password = s3cret\n"), (shared, 'password = "s3cret"\n')):
        (folder / ".streamlit").mkdir(parents=True)
        (folder / ".streamlit" / "secrets.toml").write_text(secrets)
    p1, p2 = _free_port(), _free_port()
    servers = [
        # started some other way than `copquotes app`: plain streamlit, no copquotes options
        (p1, _serve([sys.executable, "-m", "streamlit", "run", str(app_path()), "--server.port", str(p1),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--browser.gatherUsageStats", "false", "--", "--workspace", str(tmp_path / "ws")],
                    broken, home, open(tmp_path / "direct.log", "w"))),
        (p2, _serve(_copquotes_cmd() + ["app", "--workspace", str(tmp_path / "ws"), "--port", str(p2),
                                        "--address", "0.0.0.0"], shared, home, open(tmp_path / "shared.log", "w"))),
    ]
    try:
        for port, proc in servers:
            _wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{p1}/")
                page.get_by_text("does not parse").first.wait_for(timeout=60_000)
                body = page.inner_text("body")
                assert "secrets.toml does not parse" in body and "quote every value" in body
                assert "copquotes review" not in body and "Your name" not in body
                assert page.locator("input").count() == 0
                assert _visible(page, "stAppDeployButton") == 0 and _visible(page, "stMainMenu") == 0

                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{p2}/")
                page.get_by_text("Start reviewing").first.wait_for(timeout=60_000)
                expect(page.locator("input[type='password']")).to_have_count(1, timeout=30_000)
                assert _visible(page, "stAppDeployButton") == 0 and _visible(page, "stMainMenu") == 0
            finally:
                browser.close()
    finally:
        for _, proc in servers:
            stop_server(proc)
    # serving every interface never asks a web service for this machine's external IP
    assert "external IP" not in (tmp_path / "shared.log").read_text()
