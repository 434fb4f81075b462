"""In real headless Chromium: a reload keeps a reviewer signed in when the app has no password
(and logging out ends it); approving looks positive (green), not like a danger (red) button."""
from __future__ import annotations

import re

import pytest

from .test_browser import app_server  # noqa: F401 - the fixture


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


@pytest.mark.browser
def test_a_reload_keeps_the_reviewer_without_a_password_and_approve_is_green(app_server, signed_in):  # noqa: F811
    from playwright.sync_api import expect

    _ws_path, port = app_server
    with signed_in(port, "Kim Comms") as page:
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30000)
        page.get_by_role("link", name="Quotes").click()
        expect(page.get_by_role("heading", name="Quotes")).to_be_visible(timeout=30000)
        expect(page).to_have_url(re.compile(r"/quotes\?(.*&)?reviewer=Kim\+Comms"), timeout=30000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30000)

        page.reload(wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Quotes")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Reviewer: Kim Comms")).to_be_visible(timeout=30000)
        assert page.get_by_label("Your name").count() == 0

        approve = page.get_by_role("button", name="Approve", exact=True).first
        expect(approve).to_be_visible(timeout=30000)
        r, g, b = _rgb(approve.evaluate("e => getComputedStyle(e).backgroundColor"))
        assert g > r and g > b, (r, g, b)                     # green, not Streamlit's red primary
        reject = page.get_by_role("button", name="Reject", exact=True).first
        r, g, b = _rgb(reject.evaluate("e => getComputedStyle(e).backgroundColor"))
        assert not (r > 200 and g < 120), (r, g, b)           # rejecting is an ordinary button

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_label("Your name")).to_be_visible(timeout=30000)
        expect(page).not_to_have_url(re.compile(r"reviewer="), timeout=30000)
        page.reload(wait_until="domcontentloaded")
        expect(page.get_by_label("Your name")).to_be_visible(timeout=30000)


@pytest.mark.browser
def test_the_browser_tab_names_the_page_and_the_workspace(app_server, signed_in):  # noqa: F811
    """Every page's tab said "copquotes review": a reviewer with the Quotes page in one tab and
    Export in another (or two workspaces open) could not tell them apart. The folder's own name
    only, never its path."""
    from playwright.sync_api import expect

    ws_path, port = app_server
    with signed_in(port, "Ben Comms", viewport={"width": 1280, "height": 720}) as page:
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30000)
        for name in ("Overview", "Quotes", "Export"):
            if name != "Overview":
                page.get_by_role("link", name=name, exact=True).click()
                expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=30000)
            expect(page).to_have_title(f"{name} · {ws_path.name} · copquotes review", timeout=30000)
            assert str(ws_path.parent) not in page.title()
