"""Triage re-ranks the shortlist from the decisions, in the background, and says when (AppTest on
a real workspace: a small survey through the real stages and embedding model)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from copquotes.quotes import learning
from copquotes.quotes import shortlist

import learning_corpus as lc

pytestmark = pytest.mark.slow
TIMEOUT = 60


def page_script(ws_path, page, reviewer):
    from copquotes.app.views import run_page

    run_page(page, ws_path, reviewer)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = lc.build(tmp_path_factory.mktemp("triage_learning"))
    yield w
    learning.wait(w.path)
    w.close()


def shown_quote(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(">"))


def progress_text(at) -> str:
    return at.get("progress")[0].proto.text


def rank_caption(at) -> str:
    return next(c.value for c in at.caption if "the order" in c.value.lower()).replace("\\", "")


def decide(at, n: int) -> None:
    """Approve the practice answers and reject the catering ones, ``n`` times, with the buttons."""
    for _ in range(n):
        kind = lc.kind_of(shown_quote(at))
        if kind != "practice" and at.selectbox(key="tr_reason").value is None:
            at.selectbox(key="tr_reason").select("Not on theme")       # chosen once, it stays chosen
        at.button(key="tr_approve" if kind == "practice" else "tr_reject").click().run()
        assert not at.exception


def test_triage_reranks_after_a_batch_of_decisions_and_says_when(ws):
    at = AppTest.from_function(page_script, args=(str(ws.path), "triage", "Ann"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert rank_caption(at).startswith("Quotes come best-scored first. After every 10 decisions")
    shipped_first = [q.id for q in shortlist(ws, top=60, status="pending", include_held=True)]
    decide(at, learning.RERANK_EVERY - 1)
    assert not learning.is_reranking(ws.path) and learning.last_rerank(ws)["decisions"] == 0  # not yet
    decide(at, 1)                                                                    # the 10th decision
    assert learning.is_reranking(ws.path) or learning.last_rerank(ws)["decisions"] == 10
    assert learning.wait(ws.path, timeout=180)
    decide(at, learning.RERANK_EVERY)                                                # 20 decisions
    assert learning.wait(ws.path, timeout=180)
    at.run()
    last = learning.last_rerank(ws)
    assert last["decisions"] == 20 and last["adopted"], last
    assert rank_caption(at).startswith("The order learned from 20 decisions (updated ")
    # the new shortlist keeps counting the quotes decided so far
    assert progress_text(at).startswith("20 of "), progress_text(at)
    # the page follows the re-ranked shortlist (the same function as copquotes quotes --status pending)
    now = [q.id for q in shortlist(ws, top=60, status="pending", include_held=True)]
    assert now != [q for q in shipped_first if q in set(now)]
    first = shortlist(ws, top=1, status="pending", include_held=True)[0]
    assert lc.kind_of(first.text) == "practice" and lc.kind_of(shown_quote(at)) == "practice"
    # and a reviewer can ask for it at once
    at.button(key="tr_rerank").click().run()
    assert learning.wait(ws.path, timeout=180)
    at.run()
    assert not at.exception and "from 20 decisions" in rank_caption(at)
