"""Participant text shown with st.markdown in real headless Chromium: Streamlit's Markdown
(remark-gfm) makes no link of a bare web or e-mail address in it."""
from __future__ import annotations

import pytest

from copquotes import review
from copquotes.disclosure.markdown import JOINER
from copquotes.workspace import Workspace

from .builders import quote_ids
from .test_browser import CHROMIUM, CHROMIUM_ARGS, app_server  # noqa: F401 - the fixture

ADDRESSES = "Write to jo.smith@b.org or see www.foo.org, WWW.Bar.org and https://baz.example/x for the notes."


@pytest.mark.browser
def test_a_bare_web_or_mail_address_in_a_quote_is_no_link(app_server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    ws_path, port = app_server
    ws = Workspace.open(ws_path)
    try:
        with ws.transaction() as c:      # the quotes stage's suggested light edit, shown on the card
            c.execute("UPDATE quotes SET suggested_text = ? WHERE quote_id = ?", (ADDRESSES, quote_ids(ws)[6]))
            review.bump_changes(c)
    finally:
        ws.close()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            page.get_by_label("Your name").fill("Lin Links")
            page.get_by_role("button", name="Start reviewing").click()
            page.get_by_role("link", name="Quotes").click()
            shown = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="for the notes")
            expect(shown.first).to_be_visible(timeout=30000)
            links = [a.get_attribute("href") for a in shown.locator("a").all()]
            text = shown.first.inner_text()
        finally:
            browser.close()
    assert links == []
    # the addresses read as they were written (an invisible word joiner stands in each)
    assert text.replace(JOINER, "").strip("\u201c\u201d ") == ADDRESSES
