"""The review app's pages under Streamlit's AppTest, on small real workspaces."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from copquotes import review
from copquotes.resources import REPO_DIR
from copquotes.workspace import Workspace

from .builders import NAME, SECRET, THEMES, build_workspace, quote_ids, unit_id

TIMEOUT = 60


def page_script(ws_path, page, reviewer, show_original):
    from copquotes.app.views import run_page

    run_page(page, ws_path, reviewer, show_original)


def open_page(ws, page, reviewer="Ann", show_original=False, details=()) -> AppTest:
    at = AppTest.from_function(page_script, args=(str(ws.path), page, reviewer, show_original),
                               default_timeout=TIMEOUT)
    at.run()
    for qid in details:                       # open a quote's details (edit, themes, context, ...)
        at.toggle(key=f"details_{qid}").set_value(True).run()
    return at


def page_text(at) -> str:
    """Everything the page sends to the browser: texts, widget values and options, tables."""
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def markdown_bodies(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "subheader"):
        out += [getattr(e, "value", "") or "" for e in at.get(kind)]
    return out


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws", figures=True)
    yield w
    w.close()


def status(ws, qid):
    return ws.conn.execute("SELECT status, version, edited_text FROM quotes WHERE quote_id = ?", (qid,)).fetchone()


# ---------------------------------------------------------------------------------- access
def test_a_reviewer_name_comes_first(ws, monkeypatch):
    monkeypatch.setenv("COPQUOTES_WORKSPACE", str(ws.path))
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=TIMEOUT).run()
    assert [t.value for t in at.title] == ["copquotes review"]
    assert "Units" not in page_text(at)                 # nothing of the workspace before a name
    at.button[0].click().run()                          # no name: refused
    assert at.error and "reviewer name" in at.error[0].value
    at.text_input(key="login_name").input("Ann")
    at.button[0].click().run()
    assert not at.exception
    assert "Overview" in [t.value for t in at.title]
    assert any("Ann" in m.value for m in at.sidebar.markdown)


def test_a_shared_server_password_from_secrets(ws, monkeypatch):
    monkeypatch.setenv("COPQUOTES_WORKSPACE", str(ws.path))
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=TIMEOUT)
    at.secrets["password"] = "s3cret"
    at.run()
    at.text_input(key="login_name").input("Ann")
    at.text_input(key="login_password").input("guess")
    at.button[0].click().run()
    assert at.error and "Wrong password" in at.error[0].value and "Overview" not in [t.value for t in at.title]
    at.text_input(key="login_password").input("s3cret")
    at.button[0].click().run()
    assert "Overview" in [t.value for t in at.title]


def test_without_a_workspace_the_app_says_how_to_start(monkeypatch):
    monkeypatch.delenv("COPQUOTES_WORKSPACE", raising=False)
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=TIMEOUT).run()
    assert at.error and "copquotes app --workspace" in at.error[0].value


# ---------------------------------------------------------------------------------- safety
@pytest.mark.parametrize("page", ["overview", "quotes", "themes", "topics", "export"])
def test_no_page_shows_a_name_or_text_without_consent(ws, page):
    at = open_page(ws, page, details=list(quote_ids(ws).values()) if page == "quotes" else ())
    assert not at.exception
    text = page_text(at)
    assert NAME not in text and "Okafor" not in text and "okafor" not in text
    assert SECRET not in text
    for body in markdown_bodies(at):
        # participant text reaches Markdown only escaped: no raw tag, link or image syntax
        assert not re.search(r"(?<!\\)<", body), body
        assert not re.search(r"(?<!\\)\]\(", body), body
    assert all(not m.proto.allow_html for m in at.markdown)


def test_payload_is_shown_as_text(ws):
    at = open_page(ws, "quotes")
    bodies = markdown_bodies(at)
    assert any("\\<script>window.\\_\\_pwned=1\\</script>" in b for b in bodies)
    assert any("[x\\](javascript:window" in b for b in bodies)


def test_originals_only_for_reviewers_the_config_names(ws):
    ws.set_config("show_original_for", ["Ann"])
    every = list(quote_ids(ws).values())
    assert NAME in page_text(open_page(ws, "quotes", "Ann", show_original=True))
    assert NAME not in page_text(open_page(ws, "quotes", "Ann", show_original=False, details=every))
    assert NAME not in page_text(open_page(ws, "quotes", "Bob", show_original=True, details=every))


# ---------------------------------------------------------------------------------- overview
def test_overview_counts_prevalence_and_topic_map(ws):
    at = open_page(ws, "overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Units"] == "9" and metrics["Quote consent"] == "6" and metrics["Pending"] == "5"
    assert [s.value for s in at.subheader][:3] == [
        "Candidate quotes", "Theme prevalence by group (% of participants)",
        "Theme prevalence by year (% of participants)"]
    table = at.dataframe[0].value
    assert set(table.columns) == {"Early career", "RRE", "all"}
    # RRE: 4 people (the facilitator's prompt is no voice), 5 units: too few to report as a share
    assert table.loc["Wellbeing", "RRE"] == "fewer than 5 people: do not report as a share"
    assert any("do not report it as a share" in c.value for c in at.caption)
    assert at.get("imgs") or any(type(e).__name__ == "Image" for e in at.main)


def test_the_overview_shows_the_people_counts_of_each_label_never_the_stored_ones_before_it(tmp_path):
    """The people counts' corrections are stored for the labels they were counted with: a label
    given or taken back in the app, or a tag run, shows in the Overview at once."""
    import pandas as pd

    from copquotes import adjustments, themescores
    from copquotes.app import data
    from copquotes.pipeline import refresh_statistics

    from .test_data_people import add_big_cohort

    def expected(w):
        fresh = pd.DataFrame(adjustments.counted(w), columns=data.ADJUSTMENT_COLUMNS)
        return data.people_table(data.people_prevalence(data.label_base(w), fresh, "year")).values.tolist()

    w = build_workspace(tmp_path / "ws")
    try:
        add_big_cohort(w)
        w.mark_stage("tag", "fp-tag")
        refresh_statistics(w)
        at = open_page(w, "overview")
        shown = [at.dataframe[1].value.values.tolist()]
        for step in ("P2 not wellbeing", "P2 wellbeing again", "tag run"):
            if step == "P2 not wellbeing":
                for uid in ("b006", "b009"):
                    review.label_theme(w, uid, "wellbeing", 0, "Ann")
            elif step == "P2 wellbeing again":
                review.label_theme(w, "b009", "wellbeing", 1, "Ann")
            else:       # the tagger now says P4's every turn is about wellbeing
                rows = [(u, t, sc, 1 if t == "wellbeing" and u in {f"b{j:03d}" for j in range(18, 24)} else lab, e)
                        for u, t, sc, lab, e in themescores.sorted_rows(w)]
                themescores.write(w, rows)
                w.mark_stage("tag", "fp-tag-2")
            at.run()
            assert not at.exception
            shown.append(at.dataframe[1].value.values.tolist())
            assert shown[-1] == expected(w), step
        assert shown[0] != shown[1] != shown[2] != shown[3]
    finally:
        w.close()


def test_overview_says_how_to_record_consent_when_some_is_unknown(ws):
    info = " ".join(i.value for i in open_page(ws, "overview").info)
    assert "1 answer or turn has no recorded quote consent" in info
    assert "roster" in info and "quote_consent" in info


def test_overview_is_silent_about_consent_when_every_unit_has_it(ws):
    ws.conn.execute("UPDATE units SET consent = 0 WHERE consent IS NULL")
    ws.conn.commit()
    ws.refresh_aggregates()
    assert not any("recorded quote consent" in i.value for i in open_page(ws, "overview").info)


# ---------------------------------------------------------------------------------- quotes
def test_quotes_page_lists_consented_quotes_best_first(ws):
    at = open_page(ws, "quotes")
    approve = [b for b in at.button if b.key and b.key.startswith("approve_")]
    ids = quote_ids(ws)
    assert [b.key for b in approve] == [f"approve_{ids[i]}_1" for i in (1, 3, 5, 6, 8)]
    assert any("5 match" in c.value for c in at.caption)


def test_a_quote_card_shows_every_theme_score_as_a_table_of_text(ws):
    """The Scores pop-over lists each theme with its score as text (a Markdown table, not a data
    frame: searchable, and cheap for a page of 50 quotes)."""
    qid = quote_ids(ws)[1]
    themes = json.loads(ws.conn.execute("SELECT themes_json FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0])
    at = open_page(ws, "quotes")
    assert [d.key for d in at.dataframe] == ["q_table"]      # the selection table only
    tables = [m.value for m in at.markdown if m.value.startswith("| theme | score |")]
    assert len(tables) == 5
    table = next(t for t in tables if all(f"| {float(t_['score']):.2f} |" in t for t_ in themes))
    assert len(table.splitlines()) == 2 + len(themes)


def test_the_scores_table_escapes_a_theme_label_and_says_when_there_is_none():
    from copquotes.app.views import scores_table

    got = scores_table([{"theme": "a|b", "score": 0.5}, {"theme": "wellbeing", "score": None}], {"wellbeing": "Well-being"})
    assert got.splitlines()[2:] == ["| a\\|b | 0.50 |", "| Well-being | 0.00 |"]
    assert scores_table([], {}) == ":gray[no theme scores]"


def test_approve_from_the_page(ws):
    qid = quote_ids(ws)[1]
    at = open_page(ws, "quotes")
    at.button(key=f"approve_{qid}_1").click().run()
    assert tuple(status(ws, qid))[:2] == ("approved", 2)
    assert at.success and "Approved" in at.success[0].value
    assert review.history(ws, qid)[0]["reviewer"] == "Ann"
    assert at.button(key=f"approve_{qid}_2").disabled          # the page shows the new version


@pytest.mark.parametrize("choice, more, stored", [
    ("Not on theme", "", "Not on theme"),                                    # one click: a common reason
    ("Could identify someone", "names the school", "Could identify someone: names the school"),
    ("Other", "too close to the funder's wording", "too close to the funder's wording"),
])
def test_reject_takes_a_common_reason_and_optional_words(ws, choice, more, stored):
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes")
    at.selectbox(key=f"reasonpick_{qid}_1").select(choice)
    if more:
        at.text_input(key=f"reason_{qid}_1").input(more)
    at.button(key=f"reject_{qid}_1").click().run()
    assert status(ws, qid)[0] == "rejected"
    assert review.history(ws, qid)[-1]["reason"] == stored


def test_reject_with_no_reason_chosen_records_nothing_and_says_what_to_do(ws):
    """Before the fix the list's first reason ("Not on theme") was chosen for the reviewer, so a
    rejection without a reason recorded one nobody gave. A reason is required (as for
    `copquotes review reject`): with none chosen nothing is recorded and the page asks for one."""
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes")
    assert at.selectbox(key=f"reasonpick_{qid}_1").value is None
    at.button(key=f"reject_{qid}_1").click().run()
    assert status(ws, qid)[:2] == ("pending", 1)
    assert review.history(ws, qid) == []
    assert at.error and "Choose a reason" in at.error[0].value


def test_edit_shows_a_diff_and_saves(ws):
    qid = quote_ids(ws)[8]
    at = open_page(ws, "quotes", details=[qid])
    new = "Being among like-minded people gave me hope ... when I was close to burning out."
    at.text_area(key=f"edit_{qid}_1").input(new).run()
    diffs = [c.value for c in at.code if "{+" in c.value or "[-" in c.value]
    assert any("{+...+}" in d and "[-and energy-]" in d for d in diffs)
    at.button(key=f"saveedit_{qid}_1").click().run()
    st_, version, edited = status(ws, qid)
    assert (st_, version, edited) == ("edited", 2, new)


def test_change_themes_from_the_page(ws):
    qid = quote_ids(ws)[6]
    at = open_page(ws, "quotes", details=[qid])
    at.multiselect(key=f"themes_{qid}_1").select("solidarity").run()
    at.button(key=f"savethemes_{qid}_1").click().run()
    themes = ws.conn.execute("SELECT themes_json FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    assert '"solidarity"' in themes and '"reflective_practice"' in themes


def test_saving_the_theme_editor_keeps_a_theme_it_did_not_show_and_the_filtered_list(ws):
    """Unit 1's quote scores solidarity 0.40 untagged: listed under solidarity, its editor starts
    from wellbeing; adding backlash and saving must not label the unit 'not solidarity'."""
    from copquotes.app import data

    qid = quote_ids(ws)[1]
    listed = lambda: data.count_filtered(ws, data.QuoteFilters(theme="solidarity"))   # noqa: E731
    before = listed()
    at = open_page(ws, "quotes", details=[qid])
    assert at.multiselect(key=f"themes_{qid}_1").value == ["wellbeing"]
    at.multiselect(key=f"themes_{qid}_1").select("backlash").run()
    at.button(key=f"savethemes_{qid}_1").click().run()
    themes = ws.conn.execute("SELECT themes_json FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    assert '"backlash"' in themes and '"solidarity"' in themes
    assert ws.conn.execute("SELECT COUNT(*) FROM theme_labels WHERE theme = 'solidarity'").fetchone()[0] == 0
    assert listed() == before


def test_the_theme_editor_takes_a_quote_off_the_theme_it_is_only_listed_under(ws):
    """Filtered on solidarity, unit 1's quote shows a grey solidarity chip (scored 0.40, not
    tagged): its editor shows solidarity too, and taking it off takes the quote off the list."""
    from copquotes.app import data

    qid = quote_ids(ws)[1]
    listed = lambda: data.filtered_quote_ids(ws, data.QuoteFilters(theme="solidarity"))   # noqa: E731
    assert qid in listed()
    at = open_page(ws, "quotes")
    at.selectbox(key="f_theme").select("solidarity").run()
    at.toggle(key=f"details_{qid}").set_value(True).run()
    assert at.multiselect(key=f"themes_{qid}_1").value == ["wellbeing", "solidarity"]
    at.multiselect(key=f"themes_{qid}_1").unselect("solidarity").run()
    at.button(key=f"savethemes_{qid}_1").click().run()
    assert qid not in listed()
    assert [tuple(r) for r in ws.conn.execute("SELECT theme, label FROM theme_labels WHERE unit_id = ?",
                                              (unit_id(1),))] == [("solidarity", 0)]
    assert review.history(ws, qid)[-1]["action"] == "set_themes"


def test_a_conflicting_save_is_refused_with_a_message_and_kept(ws):
    qid = quote_ids(ws)[8]
    at = open_page(ws, "quotes", "Ann", details=[qid])
    other = Workspace.open(ws.path)                       # Bea, in another session, saves first
    review.approve(other, qid, "Bea", 1)
    other.close()
    at.text_area(key=f"edit_{qid}_1").input("My wording, in full.")
    at.button(key=f"saveedit_{qid}_1").click().run()
    assert status(ws, qid)[0] == "approved" and status(ws, qid)[2] != "My wording, in full."
    msgs = [e.value for e in at.error]
    assert any("Bea" in m and "not saved" in m for m in msgs)   # review.py's neutral wording (41d2ab3)
    assert any(c.value == "My wording, in full." for c in at.code)   # the refused edit is shown
    assert review.history(ws, qid)[-1]["action"] == "conflict_refused"


@pytest.mark.parametrize("pick, more, shown", [
    ("Not on theme", None, "Not on theme"),
    (None, "reads like an advert", "reads like an advert"),
])
def test_a_reason_chosen_before_a_colleague_decided_is_a_conflict_not_a_missing_reason(ws, pick, more, shown):
    """A reviewer chooses a reason (or types one), and the page reruns after a colleague in
    another tab approved the same quote: the card is drawn anew at the quote's new version, with
    empty reason boxes. Before the fix, pressing Reject then said "Choose a reason to reject"
    (the reason given was dropped and the colleague's decision not mentioned); now it is the
    conflict message, the reason given is shown, and the audit trail keeps the refusal."""
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes", "Ann")
    other = Workspace.open(ws.path)                       # Bea, in another tab, approves first
    review.approve(other, qid, "Bea", 1)
    other.close()
    if pick:
        at.selectbox(key=f"reasonpick_{qid}_1").select(pick).run()
    else:
        at.text_input(key=f"reason_{qid}_1").input(more).run()
    at.button(key=f"reject_{qid}_2").click().run()
    assert status(ws, qid)[:2] == ("approved", 2)
    msgs = [e.value for e in at.error]
    assert not any("Choose a reason" in m for m in msgs), msgs
    assert any("Bea" in m and "not saved" in m for m in msgs), msgs
    assert any(shown in m.value for m in list(at.caption) + list(at.code)), "the reason given is not shown"
    assert review.history(ws, qid)[-1]["action"] == "conflict_refused"
    at.button(key=f"reject_{qid}_2").click().run()           # once told, Reject asks for a reason again
    assert at.error and any("Choose a reason" in e.value for e in at.error)
    assert status(ws, qid)[:2] == ("approved", 2)


@pytest.mark.parametrize("action, colleague, theirs", [
    ("reject", ("approve",), "approved"),
    ("approve", ("reject", "duplicate"), "rejected"),
    ("reject", ("reject", "duplicate"), "rejected"),      # the same status, their reason: Ann's is not recorded
])
def test_a_bulk_decision_on_a_quote_a_colleague_decided_since_the_table_was_drawn_is_a_conflict(
        ws, action, colleague, theirs):
    """Ann ticks two quotes in the "Select several" table; Bea, in another tab, decides the first
    before Ann presses the button. Before the fix the button read each quote's version at the click,
    so Ann's decision overwrote Bea's unseen (or, on a quote Bea took to the same status, counted it
    as Ann's with no trace); now the first is refused as a single card's decision is: not changed,
    Ann told which and why (here and on its card), the refusal in its audit trail."""
    ids = quote_ids(ws)
    first, second = ids[1], ids[3]                        # the table's first two rows (by score)
    at = open_page(ws, "quotes", "Ann")
    at.session_state["q_table"] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    if action == "reject":
        at.selectbox(key="bulk_reason").select("Not on theme")
    at.run()
    other = Workspace.open(ws.path)
    getattr(review, colleague[0])(other, first, "Bea", *colleague[1:], 1)
    other.close()
    at.button(key=f"bulk_{action}").click().run()
    assert not at.exception
    word = {"approve": "approved", "reject": "rejected"}[action]
    assert status(ws, first)[:2] == (theirs, 2)
    assert ws.conn.execute("SELECT updated_by FROM quotes WHERE quote_id = ?", (first,)).fetchone()[0] == "Bea"
    assert status(ws, second)[:2] == (word, 2)            # the quote nobody else touched is decided
    last = review.history(ws, first)[-1]
    assert (last["action"], last["reviewer"]) == ("conflict_refused", "Ann")
    assert [s.value for s in at.success] == [f"{word.capitalize()} 1 quote(s)."]
    told = [e.value for e in at.error if first in e.value]
    assert told and "Bea" in told[0] and "not saved" in told[0] and f"not {word}" in told[0], told
    assert not any(second in e.value for e in at.error)
    at.button(key=f"dismiss_{first}")                     # the card shows the conflict, as a single decision's


@pytest.mark.parametrize("decided", [0, 1])        # a row above the two ticked, or the first ticked
def test_the_bulk_tables_ticks_follow_the_quotes_when_a_colleagues_decision_shifts_the_rows(ws, decided):
    """With Status = pending, Ann ticks the 2nd and 3rd rows; Bea, in another tab, approves a quote
    above them (or the 2nd), so it leaves Ann's table and the rows move up. Before the fix the
    ticks stayed on row positions: after the rerun they sat on the 3rd and 4th quotes, and Ann's
    "Reject selected" rejected a quote she never ticked. Now the ticks stay on the quotes Ann
    ticked; one that left the table is no longer selected, and Ann is told so."""
    at = open_page(ws, "quotes", "Ann")
    at.selectbox(key="f_status").select("pending").run()
    shown = [t.key.removeprefix("details_") for t in at.toggle if (t.key or "").startswith("details_")]
    assert len(shown) == 5
    at.session_state["q_table"] = {"selection": {"rows": [1, 2], "columns": [], "cells": []}}
    at.run()
    assert at.button(key="bulk_reject").label == "Reject selected (2)"
    other = Workspace.open(ws.path)
    review.approve(other, shown[decided], "Bea", 1)
    other.close()
    at.run()                                              # any rerun: a tick, a filter, a card's button
    assert not at.exception
    ticked = [q for q in shown[1:3] if q != shown[decided]]
    assert at.button(key="bulk_reject").label == f"Reject selected ({len(ticked)})"
    notes = [c.value for c in at.caption if "no longer selected" in c.value]
    assert len(notes) == (1 if decided == 1 else 0), notes
    at.selectbox(key="bulk_reason").select("Not on theme")
    at.button(key="bulk_reject").click().run()
    assert not at.exception
    assert status(ws, shown[decided])[:2] == ("approved", 2)
    for qid in shown:
        if qid in ticked:
            assert status(ws, qid)[:2] == ("rejected", 2), qid
        elif qid != shown[decided]:
            assert status(ws, qid)[:2] == ("pending", 1), qid   # never ticked: not decided
    assert [s.value for s in at.success] == [f"Rejected {len(ticked)} quote(s)."]


def test_the_warnings_filter_offers_redaction_undone_once_a_redaction_is_undone(ws):
    """The Warnings filter's kinds were kept per analysis: a quote a reviewer's undo flagged
    "redaction_undone" was on the page but not among the choices until the next analysis."""
    from copquotes.app.views import flag_label

    qid, uid = quote_ids(ws)[1], unit_id(1)
    at = open_page(ws, "quotes", "Ann")
    label = flag_label("redaction_undone")
    assert label not in at.selectbox(key="f_flags").options
    red = next(r for r in review.redactions(ws, uid) if r["status"] != "undone")
    other = Workspace.open(ws.path)                       # Bea, who may see originals, undoes it
    review.undo_redaction(other, uid, red["start"], red["end"], "Bea")
    other.close()
    at.run()
    assert label in at.selectbox(key="f_flags").options
    at.selectbox(key="f_flags").select(label).run()
    assert not at.exception
    assert [t.key for t in at.toggle if (t.key or "").startswith("details_")] == [f"details_{qid}"]


@pytest.mark.parametrize("select, value, n", [
    ("f_status", "approved", 1), ("f_theme", "solidarity", 3), ("f_group", "Early career", 2),
    ("f_flags", "any flag", 1), ("f_kind", "survey", 2), ("f_topic", 2, 1),
])
def test_filters(ws, select, value, n):
    review.approve(ws, quote_ids(ws)[6], "Ann", 1)
    at = open_page(ws, "quotes")
    at.selectbox(key=select).select(value).run()
    assert len([b for b in at.button if b.key and b.key.startswith("approve_")]) == n
    assert any(f"{n} match" in c.value for c in at.caption)


@pytest.mark.parametrize("theme", THEMES)
def test_every_quote_listed_under_a_theme_shows_its_chip(ws, theme):
    from copquotes.disclosure import md_escape

    name = md_escape(dict(review.theme_catalogue(ws))[theme])
    at = open_page(ws, "quotes")
    at.selectbox(key="f_theme").select(theme).run()
    cards = [b for b in at.button if b.key and b.key.startswith("approve_")]
    chips = [m.value for m in at.markdown if "-badge[" in m.value or m.value == ":gray[no theme]"]
    assert cards and len(chips) == len(cards)
    assert [c for c in chips if f"badge[{name}]" not in c] == []
    # unit 1 scores solidarity 0.40 without being tagged with it: its card says why it is listed
    touching = [c.value for c in at.caption if "touch on this theme" in c.value]
    assert len(touching) == (1 if theme == "solidarity" else 0)


def test_paging(ws):
    at = open_page(ws, "quotes")
    at.selectbox(key="q_size").select(10).run()
    at.number_input(key="q_page").set_value(1).run()
    assert len([b for b in at.button if b.key and b.key.startswith("approve_")]) == 5


def test_redact_from_the_page(ws):
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes", details=[qid])
    at.text_input(key=f"redact_{qid}_1").input("leadership")
    at.selectbox(key=f"redact_kind_{qid}_1").select("org")
    at.button(key=f"redactbtn_{qid}_1").click().run()
    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id(3),)).fetchone()[0]
    assert "[organisation]" in anon and "leadership" not in anon
    assert "leadership" not in " ".join(markdown_bodies(at))


def test_context_turns_hide_speakers_without_consent(ws):
    at = open_page(ws, "quotes", details=[quote_ids(ws)[1]])
    bodies = " ".join(markdown_bodies(at))
    assert "did not agree to be quoted" in bodies
    assert "Welcome everyone" in bodies                    # a consented facilitator prompt is context


def test_a_quote_whose_unit_is_not_anonymised_is_hidden(ws):
    ws.conn.execute("DELETE FROM anon WHERE unit_id = ?", (unit_id(6),))
    at = open_page(ws, "quotes")
    hidden = [w.value for w in at.warning if w.value.startswith("Text hidden")]
    assert hidden and "identifiers have not been taken out" in hidden[0] and "**Analyse...**" in hidden[0]
    assert "copquotes" not in hidden[0]
    assert "reflect on my own assumptions" not in page_text(at)


# ---------------------------------------------------------------------------------- themes
def test_themes_page_shows_evidence_and_stores_corrections(ws):
    at = open_page(ws, "themes")
    assert any("walk in flat and walk out with a plan" in m.value for m in at.markdown)
    at.button(key=f"no_{unit_id(1)}_wellbeing").click().run()
    row = ws.conn.execute("SELECT label, reviewer FROM theme_labels WHERE unit_id = ? AND theme = 'wellbeing'",
                          (unit_id(1),)).fetchone()
    assert tuple(row) == (0, "Ann")
    at.radio(key="t_view").set_value("reviewer-labelled").run()
    assert len([b for b in at.button if b.key and b.key.startswith("yes_")]) == 1


def test_the_themes_page_does_not_count_the_quotes_per_status(ws):
    """The Themes page asked the Overview's numbers only whether anything is tagged; their count of
    the quotes per status reads every quote (0.3 s of its first view at 500,000 units)."""
    seen: list[str] = []
    at = AppTest.from_function(page_script, args=(str(ws.path), "themes", "Ann", False), default_timeout=TIMEOUT)
    at.session_state["_ws"], at.session_state["_ws_path"] = ws, str(ws.path)    # the page reads through ws
    ws.conn.set_trace_callback(seen.append)
    try:
        at.run()
    finally:
        ws.conn.set_trace_callback(None)
    assert not at.exception
    assert any("walk in flat and walk out with a plan" in m.value for m in at.markdown)
    assert seen and not [q for q in seen if "q.status" in q], [q for q in seen if "q.status" in q]


def test_the_themes_page_follows_a_tag_run_on_an_untagged_workspace(tmp_path):
    from copquotes import themescores

    w = build_workspace(tmp_path / "ws")
    try:
        scores = themescores.frame(w)
        with w.transaction() as c:
            c.execute("DELETE FROM unit_parts WHERE tbl = 'unit_themes'")
        w.mark_stage("tag", "fp-none")
        at = open_page(w, "themes")
        assert any(i.value.startswith("No themes yet") for i in at.info) and not at.button
        themescores.write(w, list(scores.itertuples(index=False, name=None)))
        w.mark_stage("tag", "fp-again")
        at.run()
        assert not at.info and any("walk in flat and walk out with a plan" in m.value for m in at.markdown)
    finally:
        w.close()


# ---------------------------------------------------------------------------------- topics
def test_topics_page(ws):
    at = open_page(ws, "topics")
    table = at.dataframe[0].value
    assert list(table["topic"]) == ["0", "1", "2"]
    label = table.loc[0, "label"]                             # a redacted name never labels a topic
    assert "okafor" not in label.lower() and ("[redacted]" in label or "[name]" in label)
    at.selectbox(key="tp_topic").select(2).run()
    assert any("reflect on my own assumptions" in m.value for m in at.markdown)


def test_the_topics_page_says_why_its_list_can_be_shorter_than_the_topic(ws):
    """The table said a topic held 9, the list below said "7 match" (only people who agreed to be
    quoted are listed): the page says so."""
    at = open_page(ws, "topics")
    assert any("agreed to be quoted" in c.value and "counts everyone" in c.value for c in at.caption)


def test_the_topics_page_hides_a_second_count_of_people_beside_a_lone_small_one(tmp_path):
    """Before the fix the people per topic and theme read "7 people" and "5 people" for wellbeing
    in topics 0 and 1 beside topic 0's lone "fewer than 5 people" (solidarity): a total gave it away."""
    from .test_data_people import add_big_cohort

    w = build_workspace(tmp_path / "ws")
    try:
        add_big_cohort(w)
        at = open_page(w, "topics")
    finally:
        w.close()
    assert not at.exception
    people = at.dataframe[1].value
    hidden = "hidden: fewer than 5 people here or in another hidden count of this topic or theme"
    assert list(people.loc[["0", "1"], "Wellbeing"]) == [hidden, hidden]
    assert people.loc["0", "Solidarity"] == hidden          # the small one is not told apart
    assert any("cannot be worked out from a total" in c.value for c in at.caption)


@pytest.mark.parametrize("name", __import__("copquotes.topics.figures", fromlist=["PNG_NAMES"]).PNG_NAMES)
def test_every_topic_picture_has_a_caption_in_plain_words(name):
    from copquotes.app.views import picture_caption

    caption = picture_caption(name)
    assert ".png" not in caption and "_" not in caption and len(caption.split()) >= 3


def test_the_prevalence_picture_caption_calls_a_share_a_share():
    """The heatmap shows the share of participants' units per theme, group and year; its caption
    said "How many answers and turns", which reads as a count."""
    from copquotes.app.views import picture_caption

    caption = picture_caption("theme_prevalence.png").lower()
    assert "share" in caption and "how many" not in caption and "participants" in caption


def test_topics_themes_and_sources_read_in_plain_words(ws):
    """Before the fix the Topics page said "-1: outliers (no topic)", "focus_group" and
    "reflective_practice"; the Overview said "focus_group 2"."""
    ws.conn.execute("INSERT INTO topic_info(topic, label, keywords_json, size) VALUES (-1, 'outliers (no topic)', '[]', 1)")
    ws.conn.execute("UPDATE unit_topics SET topic = -1 WHERE unit_id = ?", (unit_id(3),))
    ws.conn.commit()
    at = open_page(ws, "topics")
    table = at.dataframe[0].value
    assert list(table["label"])[0] == "Not in any topic" and list(table["topic"])[0] == ""
    assert at.selectbox(key="tp_topic").options[0] == "Not in any topic"
    at.selectbox(key="tp_topic").select(-1).run()
    assert any(" · focus group · RRE · 2024" in c.value for c in at.caption)
    assert "Reflective practice" in at.dataframe[1].value.columns and "Not in any topic" in at.dataframe[1].value.index
    shown = page_text(at) + " ".join(c.value for c in at.caption)
    assert not [w for w in ("focus_group", "reflective_practice", "outliers") if w in shown]
    visible = [str(v) for v in (list(at.dataframe[0].value["topic"]) + list(at.dataframe[0].value["label"])
                                + list(at.dataframe[1].value.index) + list(at.selectbox(key="tp_topic").options))]
    assert not [v for v in visible if "-1" in v]     # (the tables' Arrow bytes may hold "-1" by chance)
    overview = " ".join(c.value for c in open_page(ws, "overview").caption)
    assert "focus group " in overview and "focus_group" not in overview


def test_the_topics_tables_convert_to_arrow_with_one_type_per_column(ws):
    """Before the fix the topics table's topic column held "" (topic -1) and numbers, and the
    units per topic and theme an index of "Not in any topic" and numbers: Arrow refused both
    (Streamlit logged a conversion warning and converted them itself)."""
    import pyarrow as pa

    from copquotes.app import data
    from copquotes.app.views import topic_theme_shown, topics_shown

    ws.conn.execute("INSERT INTO topic_info(topic, label, keywords_json, size) VALUES (-1, 'outliers', '[]', 1)")
    ws.conn.execute("UPDATE unit_topics SET topic = -1 WHERE unit_id = ?", (unit_id(3),))
    ws.conn.commit()
    shown = topics_shown(data.topics_table(ws))
    text = (pa.string(), pa.large_string())
    assert pa.Table.from_pandas(shown).schema.field("topic").type in text
    assert list(shown["topic"]) == ["", "0", "1", "2"]
    tt = topic_theme_shown(data.topic_theme_table(ws), {})
    assert pa.Table.from_pandas(tt).schema.field(tt.index.name or "__index_level_0__").type in text
    assert list(tt.index)[0] == "Not in any topic"


def test_the_topic_pictures_are_drawn_once_until_a_change_alters_their_labels(ws, monkeypatch):
    """The app keeps the pictures it drew (the app's reader cache until the workspace changes, and
    data.figures' own until the analysis or the shown labels change)
    across redraws and pages, and draws them again when a redaction changes a label."""
    from copquotes import topics
    from copquotes.topics import save_figures

    raw = {int(t): lab for t, lab in ws.conn.execute("SELECT topic, label FROM topic_info")}
    save_figures(ws, ws.path / "figures", labels=raw)      # not the labels shown: the app draws its own
    drawn = []
    real = topics.pictures
    monkeypatch.setattr(topics, "pictures",
                        lambda w, labels, *a, **k: drawn.append(dict(labels)) or real(w, labels, *a, **k))
    open_page(ws, "topics").run()
    open_page(ws, "overview")
    assert len(drawn) == 1 and "solidarity" in drawn[0][1]
    text = ws.conn.execute("SELECT text FROM units WHERE unit_id = ?", (unit_id(3),)).fetchone()[0]
    start = text.index("solidarity")
    review.add_redaction(ws, unit_id(3), start, start + len("solidarity"), "org", "Ann")
    open_page(ws, "topics")
    assert len(drawn) == 2 and "solidarity" not in drawn[1][1]


# ---------------------------------------------------------------------------------- export
def test_export_page_writes_and_offers_the_file(ws):
    review.approve(ws, quote_ids(ws)[1], "Ann", 1)
    at = open_page(ws, "export")
    at.selectbox(key="x_fmt_quotes").select(".csv").run()
    at.button(key="x_go").click().run()
    assert not at.exception and at.success
    files = list((ws.path / "exports").glob("*.csv"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8-sig")
    assert quote_ids(ws)[1] in text and quote_ids(ws)[8] not in text
    assert at.get("download_button")


@pytest.mark.parametrize("fmt, told", [(".csv", True), (".docx", False), (".xlsx", False)])
def test_the_export_page_says_what_a_csv_does_to_attribution_lines(ws, fmt, told):
    """An officer who exported a CSV for the newsletter found "'- CoP survey respondent 2025" in it
    with no word why; the page now says it when CSV is chosen (and only then)."""
    at = open_page(ws, "export")
    at.selectbox(key="x_fmt_quotes").select(fmt).run()
    said = [c.value for c in at.caption if "Excel does not read it as a formula" in c.value]
    assert bool(said) == told
    if told:
        assert "'- CoP survey respondent 2025" in said[0] and "Word" in said[0]


def test_export_page_reports_refusals(ws):
    ws.conn.execute("DELETE FROM anon WHERE unit_id = ?", (unit_id(2),))
    at = open_page(ws, "export")
    at.radio(key="x_what").set_value("units").run()
    at.button(key="x_go").click().run()
    assert at.error and "copquotes analyse" in at.error[0].value
    assert not (ws.path / "exports").exists() or not list((ws.path / "exports").iterdir())


def test_undo_a_redaction_needs_access_to_originals(ws):
    qid = quote_ids(ws)[1]
    at = open_page(ws, "quotes", "Bob", details=[qid])
    assert not [b for b in at.button if b.key and b.key.startswith(f"undo_{qid}")]
    ws.set_config("show_original_for", ["Ann"])
    at = open_page(ws, "quotes", "Ann", show_original=True, details=[qid])
    (undo,) = [b for b in at.button if b.key and b.key.startswith(f"undo_{qid}")]
    undo.click().run()
    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id(1),)).fetchone()[0]
    assert NAME in anon
    assert review.history(ws, f"unit:{unit_id(1)}")[0]["reviewer"] == "Ann"


def test_a_name_the_anonymiser_missed_is_still_masked(ws):
    """Safety net: roster / speaker-label names of the file are masked in every text shown."""
    missed = "We are in this together, Okafor said, and that keeps me going."
    ws.conn.execute("UPDATE anon SET text = ? WHERE unit_id IN (?, ?)", (missed, unit_id(3), unit_id(0)))
    ws.conn.execute("UPDATE quotes SET text = ? WHERE unit_id = ?", (missed, unit_id(3)))
    for page in ("quotes", "themes", "topics"):
        at = open_page(ws, page, details=list(quote_ids(ws).values()) if page == "quotes" else ())
        text = page_text(at)
        assert "Okafor" not in text, page
    assert "together, [name] said" in " ".join(markdown_bodies(open_page(ws, "quotes")))


# ---------------------------------------------------------------------------------- red team (issue 7)
ASKED = "What could Dana Whitlock improve? And what did Sarah Okafor do well?"


def _name_in_question(ws):
    """A survey question (header text, never anonymised) naming the facilitator of its own file
    and a person redacted in another file."""
    ws.conn.execute("INSERT INTO file_identifiers(file_id, value, kind, source) VALUES (2, 'Dana Whitlock',"
                    " 'person', 'roster')")
    ws.conn.execute("UPDATE units SET question = ? WHERE file_id = 2", (ASKED,))


def test_a_survey_question_naming_someone_is_masked_in_the_context(ws):
    _name_in_question(ws)
    at = open_page(ws, "quotes", details=[quote_ids(ws)[6], quote_ids(ws)[8]])
    assert not at.exception
    text = page_text(at)
    for word in ("Dana", "Whitlock", "Okafor", "Sarah"):
        assert word not in text, word
    assert "What could [name] improve" in " ".join(markdown_bodies(at))


def test_a_survey_question_naming_someone_is_masked_in_the_units_export(ws):
    _name_in_question(ws)
    at = open_page(ws, "export")
    at.radio(key="x_what").set_value("units").run()
    at.selectbox(key="x_fmt_units").select(".csv").run()
    at.button(key="x_go").click().run()
    assert not at.exception and at.success
    (out,) = list((ws.path / "exports").glob("*.csv"))
    text = out.read_text(encoding="utf-8-sig")
    assert "What could [name] improve" in text
    for word in ("Dana", "Whitlock", "Okafor"):
        assert word not in text, word


def test_names_known_anywhere_in_the_workspace_are_masked_in_any_case_and_accent(ws):
    """Safety net across files: a survey's identity-column name said in a focus group (lower
    case, capitals), and a roster name with an accent the anonymiser did not expect."""
    ws.conn.executemany("INSERT INTO file_identifiers(file_id, value, kind, source) VALUES (?, ?, 'person', ?)",
                        [(2, "Wilhelmina Quennell", "identity_column"), (1, "Siobhan Kowalczyk", "roster"),
                         (1, "Hope Karaitiana", "roster")])
    missed = "Honestly quennell and WILHELMINA helped, and Siobhán too: we are in this together."
    ws.conn.execute("UPDATE anon SET text = ? WHERE unit_id = ?", (missed, unit_id(3)))
    ws.conn.execute("UPDATE quotes SET text = ? WHERE unit_id = ?", (missed, unit_id(3)))
    review.approve(ws, quote_ids(ws)[3], "Ann", 1)
    for page in ("quotes", "themes", "topics"):
        at = open_page(ws, page, details=list(quote_ids(ws).values()) if page == "quotes" else ())
        assert not at.exception
        text = page_text(at).lower()
        for word in ("quennell", "wilhelmina", "siobh"):
            assert word not in text, (page, word)
    bodies = " ".join(markdown_bodies(open_page(ws, "quotes")))
    assert "Honestly [name] and [name] helped, and [name] too" in bodies
    assert "gave me hope and energy" in bodies              # the word hope is not the person Hope
    at = open_page(ws, "export")
    at.selectbox(key="x_fmt_quotes").select(".csv").run()
    at.button(key="x_go").click().run()
    (out,) = list((ws.path / "exports").glob("*.csv"))
    exported = out.read_text(encoding="utf-8-sig")
    assert "Honestly [name] and [name] helped, and [name] too" in exported
    assert "quennell" not in exported.lower() and "siobh" not in exported.lower()


def test_an_ordinary_word_taken_for_a_name_does_not_blank_topic_labels(ws):
    """The anonymiser sometimes takes a sentence's first word for a name ("Honestly" as a
    person): topic labels keep that word (they come from anonymised text), names still go."""
    ws.conn.execute('INSERT INTO redactions(unit_id, start, "end", kind, source, status)'
                    " VALUES (?, 0, 8, 'person', 'cue', 'auto')", (unit_id(1),))
    ws.conn.execute("UPDATE topic_info SET label = '1_honestly_together' WHERE topic = 1")
    at = open_page(ws, "topics")
    table = at.dataframe[0].value
    assert table.loc[1, "label"] == "1_honestly_together"
    assert "[name]" in table.loc[0, "label"] and "okafor" not in table.loc[0, "label"].lower()


# ---------------------------------------------------------------------------------- drafts
EDIT_LABEL = "Text to publish"


def edit_tab(at):
    """The Edit tab of the (only) quote whose details are open."""
    return next(t for t in at.tabs if t.label == "Edit")


@pytest.mark.parametrize("reviewer, shown, named, not_named", [
    ("Bob", False, ["“okafor”"], ["sarah"]),          # only what the visible text gives away
    ("Ann", True, ["“okafor”", "“sarah”"], []),       # shown the originals: every word
])
def test_a_refused_edit_names_the_reviewers_own_words_it_stopped_at(ws, reviewer, shown, named, not_named):
    """Before the fix the reason named no word. "sarah" is refused only because the unit's
    redacted name holds it: a reviewer who may not see the original is not told that."""
    ws.set_config("show_original_for", ["Ann"])
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes", reviewer, show_original=shown, details=[qid])
    at.text_area(key=f"edit_{qid}_1").input("sarah okafor says we are in this together.")
    at.button(key=f"saveedit_{qid}_1").click().run()
    reason = next(e.value for e in edit_tab(at).error if "not saved" in e.value)
    assert all(w in reason for w in named) and not any(w in reason.lower() for w in not_named), reason


def test_a_held_quote_says_so_in_its_status_line(ws):
    """Before the fix a held quote read "pending" like any other, though no export writes it."""
    q = quote_ids(ws)
    ws.conn.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?",
                    ('[{"kind": "consent_unconfirmed", "reason": "no roster entry", "severity": "hold"}]', q[6]))
    ws.conn.commit()
    heads = [m.value.replace("\\", "") for m in open_page(ws, "quotes", "Ann").markdown if m.value.startswith("**")]
    assert any(h.startswith("**pending · held: Consent not confirmed**") for h in heads), heads
    assert sum("held" in h for h in heads) == 1 and any(h.startswith("**pending** ·") for h in heads)


def test_a_draft_comes_back_after_a_reload_labelled_and_goes_when_saved(ws):
    """Before the fix a reload (a new session) showed the quote's text: what the reviewer had
    typed and not saved was gone."""
    qid = quote_ids(ws)[6]
    at = open_page(ws, "quotes", "Ann", details=[qid])
    at.text_area(key=f"edit_{qid}_1").input("The CoP made me reflect on my practice.").run()
    again = open_page(ws, "quotes", "Ann")                     # a reload: a new session, nothing opened
    box = again.text_area(key=f"edit_{qid}_1")
    assert box.value == "The CoP made me reflect on my practice." and "unsaved draft" in box.label
    assert any("Unsaved draft" in i.value for i in edit_tab(again).info)
    other = open_page(ws, "quotes", "Bea", details=[qid])       # drafts are the reviewer's own
    assert other.text_area(key=f"edit_{qid}_1").value.startswith("The CoP made me reflect on my own")
    again.button(key=f"saveedit_{qid}_1").click().run()
    assert status(ws, qid)[2] == "The CoP made me reflect on my practice."
    after = open_page(ws, "quotes", "Ann", details=[qid])
    assert "unsaved draft" not in after.text_area(key=f"edit_{qid}_2").label
    assert not edit_tab(after).info


@pytest.mark.parametrize("decide", ["approve", "reject", "reset"])
def test_deciding_a_quote_discards_its_draft(ws, decide):
    qid = quote_ids(ws)[6]
    if decide == "reset":
        review.approve(ws, qid, "Ann", 1)
    at = open_page(ws, "quotes", "Ann", details=[qid])
    v = 2 if decide == "reset" else 1
    at.text_area(key=f"edit_{qid}_{v}").input("A draft never saved.").run()
    if decide == "reject":
        at.selectbox(key=f"reasonpick_{qid}_{v}").select("Not on theme")
    at.button(key=f"{decide}_{qid}_{v}").click().run()
    assert not at.exception
    from copquotes.app import drafts

    assert drafts.get(ws, "Ann", qid) is None
    after = open_page(ws, "quotes", "Ann", details=[qid])
    assert all(t.value != "A draft never saved." for t in after.text_area)
    assert not any("draft" in t.label for t in after.text_area)
    assert not any("draft" in m.value for m in list(after.warning) + list(after.info))


def test_a_draft_of_a_quote_changed_since_is_shown_as_stale_not_put_in_the_box(ws):
    qid = quote_ids(ws)[6]
    at = open_page(ws, "quotes", "Ann", details=[qid])
    at.text_area(key=f"edit_{qid}_1").input("My careful wording of it.").run()
    review.edit(ws, qid, "Bea", "The CoP changed my practice.", 1)          # Bea saves first: version 2
    again = open_page(ws, "quotes", "Ann")
    box = again.text_area(key=f"edit_{qid}_2")
    assert box.value == "The CoP changed my practice." and "draft" not in box.label
    tab = edit_tab(again)
    assert any("typed before this quote changed" in w.value for w in tab.warning)
    assert [c.value for c in tab.code if c.value == "My careful wording of it."]
    again.button(key=f"draft_use_{qid}_2").click().run()
    assert again.text_area(key=f"edit_{qid}_2").value == "My careful wording of it."
    again.button(key=f"saveedit_{qid}_2").click().run()
    assert status(ws, qid)[2] == "My careful wording of it."


def test_a_refused_edit_stays_in_the_box_with_the_reason_beside_it(ws):
    """Before the fix the reason was a message at the top of the page, away from the quote, and a
    reload lost the refused text; now the reason is in the quote's Edit tab, above the box that
    holds the text, also after a reload."""
    qid = quote_ids(ws)[3]
    at = open_page(ws, "quotes", "Ann", details=[qid])
    refused = f"{NAME} says we are in this together."
    at.text_area(key=f"edit_{qid}_1").input(refused)
    at.button(key=f"saveedit_{qid}_1").click().run()
    assert status(ws, qid)[0] == "pending"
    tab = edit_tab(at)
    assert any("not saved" in e.value and "still in the box" in e.value for e in tab.error)
    assert tab.text_area[0].value == refused
    fixed = open_page(ws, "quotes", "Ann")                       # a reload: the text is back to fix
    assert fixed.text_area(key=f"edit_{qid}_1").value == refused
    fixed.text_area(key=f"edit_{qid}_1").input("[name] says we are in this together.")
    fixed.button(key=f"saveedit_{qid}_1").click().run()
    assert status(ws, qid)[2] == "[name] says we are in this together."
    assert not edit_tab(open_page(ws, "quotes", "Ann", details=[qid])).error


def test_a_workspace_too_busy_to_keep_a_draft_says_so_and_keeps_the_page(ws):
    """An analysis holding the workspace's write lock past the wait: the draft is not kept, and the
    reviewer is told so (before the guard the callback's 'database is locked' broke the page)."""
    import sqlite3

    qid = quote_ids(ws)[6]
    at = open_page(ws, "quotes", "Ann", details=[qid])
    blocker = sqlite3.connect(str(ws.path / "copquotes.sqlite"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    at.session_state["_ws"].conn.execute("PRAGMA busy_timeout = 100")     # the app's connection: a short wait
    try:
        at.text_area(key=f"edit_{qid}_1").input("Typed while the analysis writes.").run()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert not at.exception
    assert any("Could not keep your unsaved edit" in w.value for w in at.warning)
    assert at.text_area(key=f"edit_{qid}_1").value == "Typed while the analysis writes."


# ---------------------------------------------------------------------------------- plain words
JARGON = ("quasi_identifier", "(warn)", "(hold)", "[-removed-]", "verbatim span", "(tagger)", " p 0.", "as shipped")


@pytest.mark.parametrize("page, details", [("quotes", (3,)), ("themes", ()), ("topics", ()), ("triage", ())])
def test_pages_speak_plain_words_not_internal_names(ws, page, details):
    q = quote_ids(ws)
    at = open_page(ws, page, details=[q[i] for i in details])
    shown = "\n".join([c.value for c in at.caption] + [w.value for w in at.warning]
                      + [m.value for m in at.markdown]).replace("\\", "")     # Markdown escapes
    assert not [j for j in JARGON if j in shown], shown
    if page == "quotes":
        assert "May identify someone (check before use): a role plus a place" in shown
        assert "Your changes to the anonymised text" in shown
        flags = at.selectbox(key="f_flags")
        assert "May identify someone" in flags.options and "quasi_identifier" not in flags.options
    if page == "themes":
        assert "(automatic tagging)" in shown
    if page == "topics":
        assert "fits this topic" in shown


def test_the_bulk_tables_warnings_column_shows_each_quotes_warnings_in_plain_words():
    from copquotes.app.views import bulk_rows

    rows = [{"display_text": "We are in this together.", "labelled": [{"theme": "solidarity"}], "status": "pending",
             "flags": [{"kind": "quasi_identifier"}, {"kind": "cut_off"}], "source_kind": "survey", "grp": "RRE",
             "year": "2024"},
            {"display_text": "It kept me going.", "labelled": [], "status": "approved", "flags": [],
             "source_kind": "focus_group", "grp": None, "year": None}]
    table = bulk_rows(rows, {"solidarity": "Solidarity"})
    assert list(table["Warnings"]) == ["May identify someone, Cut off mid-sentence", ""]
    assert list(table["Themes"]) == ["Solidarity", ""] and list(table["Source"]) == ["survey · RRE · 2024", "focus group"]


@pytest.mark.parametrize("choice, more, reason", [
    ("Not on theme", "", "Not on theme"),
    ("Could identify someone", " names  the school ", "Could identify someone: names the school"),
    ("Other", "too close to the funder's wording", "too close to the funder's wording"),
    (None, "my own words", "my own words"),
    (None, "", None), (None, "   ", None), ("Other", "", "Other"),
])
def test_a_rejection_reason_is_what_the_reviewer_chose_or_wrote_and_never_made_up(choice, more, reason):
    """The reason every reject control (a quote's, Triage's, the bulk table's) records; none
    chosen and none written is refused with what to do (the bulk table's list starts empty too)."""
    from copquotes.app.views import REJECT_REASONS, reject_reason
    from copquotes.errors import CopquotesError

    if reason is None:
        with pytest.raises(CopquotesError, match="Choose a reason"):
            reject_reason(choice, more)
    else:
        assert reject_reason(choice, more) == reason
    assert choice is None or choice in REJECT_REASONS


def test_the_bulk_tables_reject_reason_starts_unchosen(ws):
    at = open_page(ws, "quotes")
    assert at.selectbox(key="bulk_reason").value is None


def test_a_page_drawn_without_a_workspace_path_refuses_and_makes_no_folder_named_none(tmp_path, monkeypatch):
    from copquotes.app.views import run_page
    from copquotes.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no workspace folder given"):
        run_page("overview", None, "Ann")
    at = AppTest.from_function(page_script, args=(None, "overview", "Ann", False), default_timeout=TIMEOUT)
    at.run()
    assert at.exception             # its words may be redacted by Streamlit's showErrorDetails setting
    assert not (tmp_path / "None").exists()


@pytest.mark.parametrize("page", ["quotes", "triage"])
def test_drawing_an_edit_box_loads_the_edit_check_before_the_first_save(ws, monkeypatch, page):
    """Before the fix a reviewer's first Save edit in an app process waited for the edit check's
    pattern redactor and name lists to load (5 to 9 s measured in Chromium on a small workspace);
    now drawing an edit box starts that load in the background, so the typing pays for it."""
    import time

    from copquotes.app import views

    monkeypatch.setattr(review, "_PATTERNS", [])          # a fresh process: nothing loaded yet
    monkeypatch.setattr(views, "_EDIT_WARMING", [], raising=False)
    qid = quote_ids(ws)[1]
    at = open_page(ws, page)
    assert not review.edit_check_ready()                    # a page without an edit box loads nothing
    if page == "quotes":
        at.toggle(key=f"details_{qid}").set_value(True).run()
    else:
        at.button(key="tr_edit").click().run()
    assert at.text_area                                      # the edit box is drawn; nothing saved
    deadline = time.time() + 60
    while not review.edit_check_ready() and time.time() < deadline:
        time.sleep(0.2)
    assert review.edit_check_ready(), "no save yet, and the edit check was not loaded"
