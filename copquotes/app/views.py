"""The Streamlit pages of the review app.

``app.py`` calls :func:`main`. Each page is a function (``overview_page``,
``quotes_page``, ``themes_page``, ``topics_page``, ``export_page``) that reads the
session's context (workspace, reviewer, whether originals are shown) and draws
what :mod:`copquotes.app.data` returns. Writes go through :mod:`copquotes.review`
(in button callbacks) and :mod:`copquotes.export`.

Participant text is never Markdown or HTML: it is shown with :func:`show_text`
(escaped Markdown, see :mod:`copquotes.app.safety`) or ``st.code`` / ``st.dataframe``
(plain text). Reads are cached per workspace and change token, so an interaction on
a large workspace answers from SQL pages and small cached aggregates.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hmac
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import review
from ..errors import CopquotesError
from . import data
from .safety import md_blockquote, md_escape

ENV_WORKSPACE = "COPQUOTES_WORKSPACE"
PAGE_SIZES = (10, 25, 50)
EXPORT_FORMATS = {"quotes": [".xlsx", ".csv", ".docx", ".md", ".qdpx"], "units": [".xlsx", ".csv", ".qdpx"]}
ALL = "(all)"


# ---------------------------------------------------------------------------------- context
@dataclass
class Ctx:
    ws: object
    ws_path: str
    reviewer: str
    show_original: bool
    token: str
    analysis_token: str


def workspace_path(argv: list[str] | None = None) -> str | None:
    """``--workspace WS`` after ``--`` on the streamlit command line, else $COPQUOTES_WORKSPACE."""
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    p.add_argument("--workspace")
    args, _ = p.parse_known_args(sys.argv[1:] if argv is None else argv)
    return args.workspace or os.environ.get(ENV_WORKSPACE) or None


def _open_ws(path: str):
    from ..workspace import Workspace

    cur = st.session_state.get("_ws")
    if cur is not None and st.session_state.get("_ws_path") == path:
        return cur
    ws = Workspace.open(Path(path))
    st.session_state["_ws"] = ws
    st.session_state["_ws_path"] = path
    return ws


def current() -> Ctx:
    path = st.session_state["ws_path"]
    ws = _open_ws(path)
    reviewer = st.session_state["reviewer"]
    allowed = data.can_show_original(ws, reviewer)
    return Ctx(ws=ws, ws_path=path, reviewer=reviewer,
               show_original=allowed and bool(st.session_state.get("show_original", False)),
               token=data.change_token(ws), analysis_token=data.analysis_token(ws))


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(fn: str, ws_path: str, token: str, args: tuple, _ws):
    return getattr(data, fn)(_ws, *args)


def cached(ctx: Ctx, fn: str, *args):
    """``data.<fn>(ws, *args)``, cached until the workspace changes."""
    return _cached(fn, ctx.ws_path, ctx.token, args, ctx.ws)


def cached_analysis(ctx: Ctx, fn: str, *args):
    """``data.<fn>(ws, *args)`` for heavy aggregates, cached until an ingest or a stage writes."""
    return _cached(fn, ctx.ws_path, "analysis:" + ctx.analysis_token, args, ctx.ws)


def show_text(text, quote: bool = False) -> None:
    """Participant text, escaped: it displays as text, never as a link, image or HTML."""
    st.markdown(md_blockquote(text) if quote else md_escape(text))


def _flash(kind: str, msg: str) -> None:
    st.session_state.setdefault("_flash", []).append((kind, msg))


def _show_flash() -> None:
    for kind, msg in st.session_state.pop("_flash", []):
        getattr(st, kind)(md_escape(msg))


# ---------------------------------------------------------------------------------- access
def _password() -> str | None:
    try:
        pw = st.secrets.get("password")
    except FileNotFoundError:
        return None
    return str(pw) if pw else None


def login() -> bool:
    """A reviewer name (and the shared password when the server has one) before anything else."""
    if st.session_state.get("reviewer"):
        return True
    st.title("copquotes review")
    st.write("Every decision you make is recorded with your name.")
    password = _password()
    with st.form("login"):
        st.text_input("Your name", key="login_name", max_chars=review.MAX_REVIEWER_LEN)
        if password:
            st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Start reviewing")
    if submitted:
        try:
            name = review.check_reviewer(st.session_state.get("login_name"))
        except CopquotesError as exc:
            st.error(md_escape(str(exc)))
            return False
        if password and not hmac.compare_digest(
                str(st.session_state.get("login_password") or "").encode(), password.encode()):
            st.error("Wrong password: ask the evaluation lead for the review password.")
            return False
        st.session_state["reviewer"] = name
        st.rerun()
    # the form is on screen: while the reviewer types, pay the first page's one-off imports
    warm_up()
    return False


def _logout() -> None:
    for k in ("reviewer", "show_original", "login_password"):
        st.session_state.pop(k, None)


def sidebar(ws, reviewer: str) -> None:
    with st.sidebar:
        st.markdown("Reviewer: **" + md_escape(reviewer) + "**")
        st.caption("Workspace: " + md_escape(str(ws.path)))
        if data.can_show_original(ws, reviewer):
            st.toggle("Show original (un-anonymised) text", key="show_original", value=False,
                      help="You are named in this workspace's show_original_for setting.")
        else:
            st.session_state["show_original"] = False
        st.button("Log out", on_click=_logout, key="logout")


def warm_up() -> None:
    """Pay what the first page view of a process would otherwise wait for: the imports behind
    ``st.dataframe`` / ``st.bar_chart`` (pyarrow, altair) and the codebook (the themes package
    imports scikit-learn). :func:`login` calls it once its form is drawn, while the reviewer
    types; later calls cost nothing."""
    try:
        import altair  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - Streamlit installs both; warming is best effort
        pass
    review.codebook_themes()


def main() -> None:
    """The app: access check, sidebar, and the pages."""
    st.set_page_config(page_title="copquotes review", layout="wide")
    path = workspace_path()
    if not path:
        st.error("No workspace given: start the app with `copquotes app --workspace WS`.")
        st.stop()
    st.session_state["ws_path"] = str(path)
    try:
        ws = _open_ws(str(path))
    except CopquotesError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    if not login():
        st.stop()
    sidebar(ws, st.session_state["reviewer"])
    pages = [
        st.Page(overview_page, title="Overview", url_path="overview", default=True),
        st.Page(quotes_page, title="Quotes", url_path="quotes"),
        st.Page(themes_page, title="Themes", url_path="themes"),
        st.Page(topics_page, title="Topics", url_path="topics"),
        st.Page(export_page, title="Export", url_path="export"),
    ]
    st.navigation(pages).run()
    # after the page is drawn: warm the aggregates the other pages need (small tables the
    # workspace stores; counted here only when they are stale), so the next click is cached
    ctx = current()
    cached_analysis(ctx, "label_base")
    cached_analysis(ctx, "label_base_topics")


def run_page(name: str, ws_path: str, reviewer: str, show_original: bool = False) -> None:
    """Draw one page for a signed-in reviewer (what the tests and the benchmark drive)."""
    st.session_state["ws_path"] = str(ws_path)
    st.session_state["reviewer"] = reviewer
    if "show_original" not in st.session_state:
        st.session_state["show_original"] = show_original
    PAGES[name]()


# ---------------------------------------------------------------------------------- overview
def overview_page() -> None:
    ctx = current()
    st.title("Overview")
    ov = cached(ctx, "overview")
    c = st.columns(5)
    c[0].metric("Units", f"{ov['units']:,}")
    c[1].metric("Files", f"{ov['files']:,}")
    c[2].metric("Quote consent", f"{ov['consent']['yes']:,}",
                help=f"no: {ov['consent']['no']:,}; unknown: {ov['consent']['unknown']:,}")
    c[3].metric("Anonymised", f"{ov['anonymised']:,}")
    c[4].metric("Tagged", f"{ov['tagged']:,}")
    qs = ov["quotes_by_status"]
    st.subheader("Candidate quotes")
    q = st.columns(4)
    for col, status in zip(q, data.STATUSES):
        col.metric(status.capitalize(), f"{qs.get(status, 0):,}")
    if ov["by_source_kind"]:
        st.caption("Units by source: " + md_escape(", ".join(f"{k} {v:,}" for k, v in ov["by_source_kind"].items())))
    labels = dict(cached(ctx, "filter_options")["themes"])
    for by in ("group", "year"):
        st.subheader(f"Theme prevalence by {by} (% of units)")
        table = data.prevalence(cached_analysis(ctx, "label_base"), cached(ctx, "label_adjustments"), by)
        if table.empty:
            st.info("No theme tags yet: run `copquotes analyse` (the tag stage).")
            break
        table = table.rename(index=lambda t: labels.get(t, t))
        st.dataframe(table, width="stretch")
        if by == "group":
            st.bar_chart(table["all"], horizontal=True)
    figs = cached(ctx, "figures")
    if figs:
        st.subheader("Topic map")
        for p in figs[:3]:
            st.image(str(p), caption=p.name)
    if ov["stages"]:
        with st.expander("Analysis stages"):
            st.dataframe(ov["stages"], width="stretch", hide_index=True)


# ---------------------------------------------------------------------------------- quotes
def _reset_page(key: str) -> None:
    st.session_state[key] = 1


def _select(label: str, options: list, key: str, fmt=None, on_change=None):
    opts = [ALL] + list(options)
    return st.selectbox(label, opts, key=key, format_func=(lambda v: v if v == ALL else fmt(v)) if fmt else str,
                        on_change=on_change, args=("q_page",) if on_change else None)


def _filters(opts: dict) -> data.QuoteFilters:
    themes = dict(opts["themes"])
    topics = dict(opts["topics"])
    row1 = st.columns(4)
    with row1[0]:
        theme = _select("Theme", list(themes), "f_theme", lambda t: themes.get(t, t), _reset_page)
    with row1[1]:
        status = _select("Status", opts["statuses"], "f_status", None, _reset_page)
    with row1[2]:
        flags = _select("Flags", list(data.FLAG_FILTERS) + opts["flag_kinds"], "f_flags", None, _reset_page)
    with row1[3]:
        topic = _select("Topic", list(topics), "f_topic", lambda t: f"{t}: {topics.get(t, '')}", _reset_page)
    row2 = st.columns(4)
    with row2[0]:
        group = _select("Group", opts["groups"], "f_group", None, _reset_page)
    with row2[1]:
        year = _select("Year", opts["years"], "f_year", None, _reset_page)
    with row2[2]:
        kind = _select("Source kind", opts["source_kinds"], "f_kind", None, _reset_page)
    with row2[3]:
        search = st.text_input("Words in the text", key="f_search", on_change=_reset_page, args=("q_page",))
    none = lambda v: None if v == ALL else v  # noqa: E731
    return data.QuoteFilters(theme=none(theme), topic=none(topic), group=none(group), year=none(year),
                             source_kind=none(kind), flags=none(flags), status=none(status),
                             search=search.strip() or None)


def _pager(total: int, key: str, size_key: str) -> tuple[int, int]:
    cols = st.columns([1, 1, 4])
    size = cols[0].selectbox("Per page", PAGE_SIZES, key=size_key, on_change=_reset_page, args=(key,))
    pages = max(1, -(-total // size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    page = cols[1].number_input("Page", min_value=1, max_value=pages, step=1, key=key)
    cols[2].caption(f"{total:,} match · page {page} of {pages}")
    return int(page), int(size)


def _act(action: str, quote_id: str, version: int, **kw) -> None:
    """Button callbacks: one review action, its outcome flashed on the next run."""
    ctx = current()
    ss = st.session_state
    try:
        if action == "approve":
            review.approve(ctx.ws, quote_id, ctx.reviewer, version)
            _flash("success", f"Approved quote {quote_id}.")
        elif action == "reject":
            review.reject(ctx.ws, quote_id, ctx.reviewer, ss.get(f"reason_{quote_id}_{version}", ""), version)
            _flash("success", f"Rejected quote {quote_id}.")
        elif action == "reset":
            review.reset(ctx.ws, quote_id, ctx.reviewer, version)
            _flash("success", f"Quote {quote_id} is pending again.")
        elif action in ("edit", "edit_approve"):
            review.edit(ctx.ws, quote_id, ctx.reviewer, ss.get(f"edit_{quote_id}_{version}", ""), version,
                        approve=action == "edit_approve")
            _flash("success", f"Saved your edit of quote {quote_id}"
                   + (" and approved it." if action == "edit_approve" else "."))
        elif action == "themes":
            review.set_themes(ctx.ws, quote_id, ctx.reviewer, ss.get(f"themes_{quote_id}_{version}", []), version)
            _flash("success", f"Saved the themes of quote {quote_id}.")
        elif action == "redact":
            n = review.redact_text(ctx.ws, kw["unit_id"], ss.get(f"redact_{quote_id}_{version}", ""),
                                   ss.get(f"redact_kind_{quote_id}_{version}", "person"), ctx.reviewer,
                                   allow_hidden=ctx.show_original)
            _flash("success", f"Redacted {n} place(s) in the unit of quote {quote_id}.")
        elif action == "undo_redaction":
            review.undo_redaction(ctx.ws, kw["unit_id"], kw["start"], kw["end"], ctx.reviewer)
            _flash("success", f"Undid a redaction in the unit of quote {quote_id}.")
        ss.setdefault("_conflicts", {}).pop(quote_id, None)
    except review.QuoteConflict as exc:
        ss.setdefault("_conflicts", {})[quote_id] = {"message": str(exc), "attempted": exc.attempted}
    except CopquotesError as exc:
        _flash("error", str(exc))


def _dismiss_conflict(quote_id: str) -> None:
    st.session_state.setdefault("_conflicts", {}).pop(quote_id, None)


def _badges(themes: list[dict], labels: dict) -> str:
    return " ".join(f":blue-badge[{md_escape(labels.get(t.get('theme'), t.get('theme')))}"
                    f" {md_escape(format(float(t.get('score') or 0), '.2f'))}]" for t in themes)


def _parts_line(parts: dict) -> str:
    names = ("theme", "quotability", "representativeness", "safety")
    vals = [f"{n} {float(parts[n]):.2f}" for n in names if isinstance(parts.get(n), (int, float))]
    return "Score parts: " + (" · ".join(vals) if vals else "n/a")


def _quote_card(ctx: Ctx, q: dict, labels: dict) -> None:
    qid, v = q["quote_id"], int(q["version"])
    with st.container(border=True):
        head = (f"**{md_escape(q['status'])}** · score {q['score']:.2f} · "
                + md_escape(" · ".join(str(x) for x in (q["source_kind"], q["grp"], q["year"]) if x))
                + f" · {md_escape(q['speaker'] or '')} · v{v}")
        st.markdown(head)
        if q["display_text"] is None:
            st.warning("Text hidden: the anonymise stage has not run on this unit. Run `copquotes analyse`.")
        else:
            show_text(q["display_text"], quote=True)
        st.markdown(md_escape(q["attribution"]))
        if q["themes"]:
            st.markdown(_badges(q["themes"], labels))
        st.caption(md_escape(_parts_line(q["parts"])))
        for fl in q["flags"]:
            sev = fl.get("severity", "warn")
            msg = f"{fl.get('kind')} ({sev}): {fl.get('reason') or ''}"
            if fl.get("text"):
                msg += f" — “{fl['text']}”"
            (st.error if sev == "hold" else st.warning)(md_escape(msg))
        if ctx.show_original:
            orig = data.original_text(ctx.ws, qid)
            if orig:
                st.caption("Original (verbatim) text — only you can see this:")
                st.code(orig["verbatim"], language=None, wrap_lines=True)
        conflict = st.session_state.get("_conflicts", {}).get(qid)
        if conflict:
            st.error(md_escape(conflict["message"]))
            attempted = conflict["attempted"]
            if attempted.get("edited_text"):
                st.caption("Your edit that was not saved:")
                st.code(attempted["edited_text"], language=None, wrap_lines=True)
            elif attempted.get("themes") is not None:
                st.caption("Your themes that were not saved: " + md_escape(", ".join(attempted["themes"])))
            st.button("Dismiss", key=f"dismiss_{qid}", on_click=_dismiss_conflict, args=(qid,))
        cols = st.columns([1, 3, 1, 1])
        cols[0].button("Approve", key=f"approve_{qid}_{v}", on_click=_act, args=("approve", qid, v),
                       type="primary", disabled=q["status"] == "approved" or q["display_text"] is None)
        cols[1].text_input("Reason to reject", key=f"reason_{qid}_{v}", label_visibility="collapsed",
                           placeholder="Reason to reject (required)")
        cols[2].button("Reject", key=f"reject_{qid}_{v}", on_click=_act, args=("reject", qid, v),
                       disabled=q["status"] == "rejected")
        cols[3].button("Reset", key=f"reset_{qid}_{v}", on_click=_act, args=("reset", qid, v),
                       disabled=q["status"] == "pending")
        # drawn only when asked for: a page of 50 quotes stays fast
        if st.toggle("Edit · themes · context · redactions · history", key=f"details_{qid}"):
            _quote_details(ctx, q, labels)


def _quote_details(ctx: Ctx, q: dict, labels: dict) -> None:
    qid, v = q["quote_id"], int(q["version"])
    t_edit, t_themes, t_ctx, t_red, t_hist = st.tabs(["Edit", "Themes", "Context", "Redactions", "History"])
    with t_edit:
        if q["display_text"] is None:
            st.info("Editing needs the anonymised text: run `copquotes analyse`.")
        else:
            key = f"edit_{qid}_{v}"
            st.text_area("Text to publish ('...' for dropped words, [brackets] for added ones)",
                         value=q["display_text"], key=key, height=120)
            current_text = st.session_state.get(key, q["display_text"])
            st.caption("Changes against the anonymised verbatim span ([-removed-] {+added+}):")
            st.code(review.format_diff(q["anon_text"], current_text), language=None, wrap_lines=True)
            if ctx.show_original:
                orig = data.original_text(ctx.ws, qid)
                if orig:
                    st.caption("Changes against the original verbatim text:")
                    st.code(review.format_diff(orig["verbatim"], current_text), language=None, wrap_lines=True)
            b = st.columns(2)
            b[0].button("Save edit", key=f"saveedit_{qid}_{v}", on_click=_act, args=("edit", qid, v))
            b[1].button("Save edit and approve", key=f"saveapprove_{qid}_{v}", on_click=_act,
                        args=("edit_approve", qid, v))
    with t_themes:
        current_themes = [t["theme"] for t in q["themes"] if t.get("theme")]
        options = list(dict.fromkeys(list(labels) + current_themes))
        st.multiselect("Themes of this quote", options, default=current_themes, key=f"themes_{qid}_{v}",
                       format_func=lambda t: labels.get(t, t))
        st.button("Save themes", key=f"savethemes_{qid}_{v}", on_click=_act, args=("themes", qid, v))
    with t_ctx:
        if q.get("question"):
            st.caption("Question:")
            show_text(q["question"])
        for turn in cached(ctx, "context_turns", q["unit_id"]):
            who = " ".join(str(x) for x in (turn["speaker_key"], turn["speaker_role"]) if x)
            prefix = "▶ " if turn["is_self"] else ""
            st.caption(md_escape(f"{prefix}{who}"))
            if turn["text"] is None:
                st.caption("(not anonymised yet: run copquotes analyse)")
            else:
                show_text(turn["text"], quote=True)
    with t_red:
        reds = review.redactions(ctx.ws, q["unit_id"], with_original=ctx.show_original)
        active = [r for r in reds if r["status"] != "undone"]
        if not reds:
            st.caption("No redactions in this unit.")
        for r in reds:
            line = f"{r['placeholder']} ({r['kind']}, {r['status']}, chars {r['start']}-{r['end']}, {r['source']})"
            if ctx.show_original and "original" in r:
                line += f": {r['original']}"
            cols = st.columns([5, 1])
            cols[0].markdown(md_escape(line))
            if ctx.show_original and r in active:
                cols[1].button("Undo", key=f"undo_{qid}_{v}_{r['id']}", on_click=_act,
                               args=("undo_redaction", qid, v),
                               kwargs={"unit_id": q["unit_id"], "start": r["start"], "end": r["end"]})
        cols = st.columns([3, 2, 1])
        cols[0].text_input("Redact these words", key=f"redact_{qid}_{v}",
                           placeholder="copy the words from the text")
        cols[1].selectbox("Kind", review.REDACTION_KINDS, key=f"redact_kind_{qid}_{v}")
        cols[2].button("Redact", key=f"redactbtn_{qid}_{v}", on_click=_act, args=("redact", qid, v),
                       kwargs={"unit_id": q["unit_id"]})
    with t_hist:
        hist = cached(ctx, "quote_history", qid)
        if hist:
            st.dataframe(hist, hide_index=True, width="stretch")
        else:
            st.caption("No decisions yet.")


def quotes_page() -> None:
    ctx = current()
    st.title("Quotes")
    _show_flash()
    opts = cached(ctx, "filter_options")
    filters = _filters(opts)
    page, size = st.session_state.get("q_page", 1), st.session_state.get("q_size", PAGE_SIZES[0])
    rows, total = cached(ctx, "quotes_page", filters, page, size)
    _pager(total, "q_page", "q_size")
    if not rows:
        st.info("No quotes match these filters." if total == 0 else "No quotes on this page.")
    labels = dict(opts["themes"])
    for q in rows:
        _quote_card(ctx, q, labels)


# ---------------------------------------------------------------------------------- themes
def _label(unit_id: str, theme: str, label: int) -> None:
    ctx = current()
    try:
        review.label_theme(ctx.ws, unit_id, theme, label, ctx.reviewer)
        _flash("success", f"Stored your label for unit {unit_id}: the tagger learns from it at the next analyse.")
    except CopquotesError as exc:
        _flash("error", str(exc))


def themes_page() -> None:
    ctx = current()
    st.title("Themes")
    _show_flash()
    opts = cached(ctx, "filter_options")
    labels = dict(opts["themes"])
    if not labels:
        st.info("No themes yet: run `copquotes analyse` (the tag stage).")
        return
    cols = st.columns([2, 3])
    theme = cols[0].selectbox("Theme", list(labels), format_func=lambda t: labels.get(t, t), key="t_theme",
                              on_change=_reset_page, args=("t_page",))
    view = cols[1].radio("Show", data.THEME_VIEWS, horizontal=True, key="t_view",
                         on_change=_reset_page, args=("t_page",))
    page, size = st.session_state.get("t_page", 1), st.session_state.get("t_size", PAGE_SIZES[0])
    rows, total = cached(ctx, "theme_units", theme, view, page, size)
    _pager(total, "t_page", "t_size")
    st.caption("Units whose speakers agreed to be quoted; the evidence sentence is the one that scored highest. "
               "Correcting a tag stores a label the tagger learns from.")
    name = md_escape(labels.get(theme, theme))
    for r in rows:
        with st.container(border=True):
            who = "reviewer " + str(r["reviewer"]) if r["reviewer_label"] is not None else "tagger"
            st.caption(md_escape(f"{r['unit_id']} · score {r['score']:.2f} · label {r['label']} ({who}) · "
                                 + " · ".join(str(x) for x in (r["source_kind"], r["grp"], r["year"]) if x)))
            if r["text"] is None:
                st.warning("Text hidden: the anonymise stage has not run on this unit.")
            else:
                st.caption("Evidence:")
                show_text(r["evidence"] or r["text"], quote=True)
                if r["evidence"] and r["evidence"] != r["text"]:
                    with st.expander("Whole turn"):
                        show_text(r["text"])
            b = st.columns(2)
            b[0].button(f"Yes, about {name}", key=f"yes_{r['unit_id']}_{theme}", on_click=_label,
                        args=(r["unit_id"], theme, 1), disabled=r["label"] == 1)
            b[1].button(f"Not about {name}", key=f"no_{r['unit_id']}_{theme}", on_click=_label,
                        args=(r["unit_id"], theme, 0), disabled=r["label"] == 0 and r["reviewer_label"] is not None)


# ---------------------------------------------------------------------------------- topics
def topics_page() -> None:
    ctx = current()
    st.title("Topics")
    table = cached(ctx, "topics_table")
    if table.empty:
        st.info("No topics yet: run `copquotes analyse` (the topics stage).")
        return
    st.dataframe(table, hide_index=True, width="stretch")
    labels = dict(zip(table["topic"], table["label"]))
    topic = st.selectbox("Topic", list(labels), format_func=lambda t: f"{t}: {labels[t]}", key="tp_topic",
                         on_change=_reset_page, args=("tp_page",))
    page, size = st.session_state.get("tp_page", 1), st.session_state.get("tp_size", PAGE_SIZES[0])
    rows, total = cached(ctx, "topic_units", int(topic), page, size)
    _pager(total, "tp_page", "tp_size")
    for r in rows:
        with st.container(border=True):
            st.caption(md_escape(f"{r['unit_id']} · p {float(r['prob'] or 0):.2f} · "
                                 + " · ".join(str(x) for x in (r["source_kind"], r["grp"], r["year"]) if x)))
            if r["text"] is None:
                st.warning("Text hidden: the anonymise stage has not run on this unit.")
            else:
                show_text(r["text"], quote=True)
    tt = data.topic_theme(cached_analysis(ctx, "label_base_topics"), cached(ctx, "label_adjustments"))
    if not tt.empty:
        st.subheader("Units per topic and theme")
        st.dataframe(tt, width="stretch")
    for p in cached(ctx, "figures"):
        st.image(str(p), caption=p.name)


# ---------------------------------------------------------------------------------- export
def _do_export(what: str, ext: str, approved_only: bool) -> None:
    from ..export import export

    ctx = current()
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(ctx.ws.path) / "exports" / f"copquotes-{what}-{stamp}{ext}"
    try:
        path = export(ctx.ws, out, what=what, approved_only=approved_only if what == "quotes" else None)
    except CopquotesError as exc:
        st.session_state.pop("_export", None)
        _flash("error", str(exc))
        return
    st.session_state["_export"] = {"path": str(path), "name": path.name}
    _flash("success", f"Exported {what} to {path}.")


def export_page() -> None:
    current()
    st.title("Export")
    _show_flash()
    what = st.radio("What", ["quotes", "units"], horizontal=True, key="x_what",
                    format_func=lambda w: {"quotes": "Quotes (for communications)",
                                           "units": "Coded units table (for researchers)"}[w])
    ext = st.selectbox("Format", EXPORT_FORMATS[what], key=f"x_fmt_{what}")
    approved_only = True
    if what == "quotes":
        approved_only = st.checkbox("Approved quotes only", value=True, key="x_approved")
        st.caption("Quotes come only from people who agreed to be quoted, with anonymised text and the "
                   "attribution line. Without 'approved only', edited and pending quotes are included too.")
    else:
        st.caption("Every unit with its anonymised text, metadata, theme scores and labels, and topic.")
    st.button("Create export", key="x_go", on_click=_do_export, args=(what, ext, approved_only), type="primary")
    done = st.session_state.get("_export")
    if done and Path(done["path"]).is_file():
        st.download_button(f"Download {done['name']}", data=Path(done["path"]).read_bytes(),
                           file_name=done["name"], key="x_download")


PAGES = {"overview": overview_page, "quotes": quotes_page, "themes": themes_page, "topics": topics_page,
         "export": export_page}
