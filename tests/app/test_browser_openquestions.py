"""In real headless Chromium: on Add files, a survey's missed free-text question is ticked as an
open question and kept for the next Analyse (copquotes.app.openquestions)."""
from __future__ import annotations

import json

import pytest

from copquotes.app import jobs, openquestions

from .test_browser import serving
from .test_openquestions import SURVEY, VALUABLE, WORD, _analyse

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture
def survey_app(tmp_path):
    ws = tmp_path / "ws"
    jobs.save_batch(ws, [("survey.csv", SURVEY)])
    _analyse(ws)                                     # read once: one open question found
    with serving(ws, tmp_path / "app.log") as port:
        yield ws, port


@pytest.mark.browser
def test_an_officer_ticks_a_missed_open_question_for_the_next_analyse(survey_app, signed_in):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    ws, port = survey_app
    with signed_in(port, "Olive Officer", path="/add-files") as page:
        expect(page.get_by_role("heading", name="Add files")).to_be_visible(timeout=30000)
        page.get_by_text("Choose the open questions of a survey", exact=True).click()
        picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Open questions")
        expect(picker).to_contain_text(VALUABLE, timeout=30000)        # what was read as open
        expect(picker).not_to_contain_text(WORD)
        option = page.get_by_role("option", name=f"C · {WORD}")
        for _ in range(3):                  # a redraw as the list opens closes it: open it again
            page.wait_for_selector(IDLE, timeout=30000)
            picker.locator("input").click()
            try:
                option.click(timeout=5000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        expect(picker).to_contain_text(WORD, timeout=10000)
        page.keyboard.press("Escape")
        page.wait_for_selector(IDLE, timeout=30000)
        page.get_by_role("button", name="Use these at the next Analyse").click()
        expect(page.get_by_text("2 open questions chosen. Press Analyse")).to_be_visible(timeout=30000)
    [s] = openquestions.survey_files(ws)
    assert s["chosen"] == [VALUABLE, WORD]
    info = json.loads((jobs.inputs_dir(ws) / s["batch"] / jobs.BATCH_FILE).read_text("utf-8"))
    assert info["files"][0]["meta"] == {"open_questions": [VALUABLE, WORD]}
    assert jobs.pending_batches(ws)                      # the next Analyse reads it again
