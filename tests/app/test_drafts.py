"""Reviewers' unsaved edits kept in the workspace (copquotes.app.drafts), on a small real workspace."""
from __future__ import annotations

import pytest

from copquotes import review
from copquotes.app import drafts
from copquotes.workspace import Workspace

from .builders import build_workspace, quote_ids, unit_id

DRAFT = "A draft wording nobody saved, marker quillfeather."


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


def test_a_draft_is_the_reviewers_own_and_knows_the_version_it_was_typed_on(ws):
    qid = quote_ids(ws)[6]
    drafts.save(ws, "Ann", qid, 1, DRAFT)
    draft = drafts.get(ws, "Ann", qid)
    assert (draft.text, draft.version, draft.stale(1), draft.stale(2)) == (DRAFT, 1, False, True)
    assert drafts.get(ws, "Bea", qid) is None
    drafts.save(ws, "Ann", qid, 2, "Second try.")                 # one draft per reviewer and quote
    assert drafts.for_quotes(ws, "Ann", [qid, quote_ids(ws)[1]]) == {qid: drafts.get(ws, "Ann", qid)}
    assert drafts.get(ws, "Ann", qid).version == 2


@pytest.mark.parametrize("typed, kept", [
    (DRAFT, True), ("", False), ("   ", False), (None, False),
    ("The CoP made me reflect on my own assumptions and power in the classroom, which changed my practice.", False),
])
def test_keep_keeps_text_that_differs_from_the_quote(ws, typed, kept):
    qid = quote_ids(ws)[6]
    drafts.save(ws, "Ann", qid, 1, "an earlier draft")
    unchanged = ws.conn.execute("SELECT text FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    drafts.keep(ws, "Ann", qid, 1, typed, unchanged)
    assert (drafts.get(ws, "Ann", qid) is not None) == kept


def test_a_workspace_without_drafts_is_read_without_a_write(tmp_path):
    w = build_workspace(tmp_path / "ws")
    try:
        assert drafts.for_quotes(w, "Ann", list(quote_ids(w).values())) == {}
        assert not w.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (drafts.TABLE,)).fetchone()
    finally:
        w.close()


def test_a_draft_of_a_quote_whose_speaker_withdrew_consent_is_dropped(tmp_path):
    w = build_workspace(tmp_path / "ws")
    qid = quote_ids(w)[6]
    drafts.save(w, "Ann", qid, 1, DRAFT)
    with w.transaction() as c:
        c.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(6),))
    w.close()
    again = Workspace.open(tmp_path / "ws")
    try:
        drafts.ensure(again)
        assert again.conn.execute(f"SELECT COUNT(*) FROM {drafts.TABLE}").fetchone()[0] == 0
    finally:
        again.close()


def test_saving_a_draft_is_not_a_review_change(ws):
    from copquotes.app import data

    before = data.change_token(ws)
    drafts.save(ws, "Ann", quote_ids(ws)[6], 1, DRAFT)
    drafts.discard(ws, "Ann", quote_ids(ws)[6])
    assert data.change_token(ws) == before          # the app's cached pages stay valid while a reviewer types


@pytest.mark.parametrize("suffix", [".csv", ".md", ".xlsx", ".docx"])
def test_drafts_never_leave_the_workspace(ws, tmp_path, suffix):
    from copquotes.export import export
    from copquotes.quotes import quote_records

    qid = quote_ids(ws)[6]
    review.approve(ws, qid, "Ann", 1)
    drafts.save(ws, "Ann", qid, 2, DRAFT)
    out = export(ws, tmp_path / f"q{suffix}", what="quotes", approved_only=False)
    raw = out.read_bytes()
    if suffix in (".xlsx", ".docx"):
        import zipfile

        with zipfile.ZipFile(out) as z:
            raw = b"".join(z.read(n) for n in z.namelist())
    assert b"quillfeather" not in raw and b"marker" not in raw
    assert "quillfeather" not in repr(quote_records(ws, top=50, status="all"))
