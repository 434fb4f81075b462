"""Fixtures of the app's tests."""
from __future__ import annotations

import contextlib

import pytest


@contextlib.contextmanager
def _signed_in(port: int, name: str, path: str = "/", dialogs: list | None = None, **page_options):
    """A page of headless Chromium showing the app on ``port`` at ``path``, signed in as ``name``
    (the app has no password); the browser is closed afterwards. ``dialogs``: the messages of
    the dialogs the page opens, each dismissed, are added to it (from before the app loads);
    ``page_options`` go to ``new_page``."""
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(**page_options)
            if dialogs is not None:
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="domcontentloaded")
            page.get_by_label("Your name").fill(name)
            page.get_by_role("button", name="Start reviewing").click()
            yield page
        finally:
            browser.close()


@pytest.fixture
def signed_in():
    """``with signed_in(port, name, path="/", dialogs=None, **page_options) as page``: the app in
    headless Chromium, signed in (the browser tests' common start)."""
    return _signed_in
