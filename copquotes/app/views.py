"""The Streamlit pages of the review app.

``app.py`` calls :func:`main`. Each page is a function (``overview_page``,
``quotes_page``, ``themes_page``, ``topics_page``, ``export_page``) that reads the
session's context (workspace, reviewer, whether originals are shown) and draws
what :mod:`copquotes.app.data` returns. Writes go through :mod:`copquotes.review`
(in button callbacks) and :mod:`copquotes.export`.

Participant text is never Markdown or HTML: it is shown with :func:`show_text`
(escaped Markdown, see :mod:`copquotes.disclosure.markdown`) or ``st.code`` / ``st.dataframe``
(plain text). Reads are cached per workspace and change token, so an interaction on
a large workspace answers from SQL pages and small cached aggregates.
"""
from __future__ import annotations

import argparse
import hashlib
import datetime as _dt
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import review
from ..errors import ConfigError, CopquotesError
from . import access, data
from ..disclosure import md_blockquote, md_escape
from ..flag_labels import flag_label, flag_line

ENV_WORKSPACE = "COPQUOTES_WORKSPACE"
REFRESH_SECONDS = 2.0
# widget values kept while the reviewer is on another page (Streamlit forgets a widget's value
# when the page that draws it is not shown)
KEEP_KEYS = ("f_theme", "f_status", "f_flags", "f_topic", "f_group", "f_year", "f_kind", "f_search", "q_page",
             "q_size", "tr_theme", "tr_collection", "tr_reason", "add_group", "add_year", "add_kind", "x_source",
             "x_collection", "c_pick", "c_fmt")
PAGE_SIZES = (10, 25, 50)
EXPORT_FORMATS = {"quotes": [".docx", ".xlsx", ".csv", ".md", ".qdpx"], "units": [".xlsx", ".csv", ".qdpx"]}
FORMAT_NAMES = {".docx": "Word (.docx)", ".xlsx": "Excel (.xlsx)", ".csv": "CSV (.csv)", ".md": "Markdown (.md)",
                ".qdpx": "REFI-QDA for NVivo, ATLAS.ti (.qdpx)"}
ALL = "(all)"
# what a page says when a stage has not run yet: the app's own button, never a command to type
ANALYSE_IN_APP = "press **Analyse...** on the Add files page, which finishes what is left to do"
ANALYSE_SENTENCE = ANALYSE_IN_APP[0].upper() + ANALYSE_IN_APP[1:] + "."
OPEN_QUESTIONS_NOTE = ("For a survey, 'open questions' counts the questions whose written answers were read for "
                       "quotes. A question read as a choice (a scale, yes/no, a pick list) gives none: if a "
                       "free-text question is missing from the count, tick it under 'Choose the open questions "
                       "of a survey' below, then press Analyse... again.")
PICK_QUESTIONS = "Choose the open questions of a survey"
# the topic pictures (copquotes.topics.figures.PNG_NAMES) as people read them, not as file names
PICTURE_CAPTIONS = {
    "topic_map.png": "Topics on a map: answers and turns that say similar things sit close together",
    "theme_map.png": "The same map, coloured by theme",
    "topic_sizes.png": "How many answers and turns each topic holds",
    "theme_prevalence.png": "The share of participants' answers and turns about each theme, by group and year",
    "topics_over_time.png": "Topics across the years",
}
PEOPLE_NOTE = ("Each cell is the share of people (participants and survey respondents; facilitators' and "
               "interviewers' questions left out) who said something about the theme, and how many people that "
               "is. A person counts once in each group or year they spoke in, and once in 'all'. Where a group or year "
               "has fewer than 5 people, or fewer than 30 answers and turns, the cell "
               "says so instead: do not report it as a share, since it is unreliable and could point to someone.")
CSV_NOTE = ("In a CSV file, a cell that starts with '-' (such as every attribution line, "
            "'- CoP survey respondent 2025') gets a ' in front, so that Excel does not read it as a formula: "
            "take the ' out when you paste. Word and Excel files hold the text exactly, ready to paste.")
REJECT_REASONS = ("Not on theme", "Could identify someone", "Unclear out of context", "Too long or rambling",
                  "Repeats another quote", "Unfair to a named person or group", "Other")


NO_REASON = ("Choose a reason to reject in the list beside the Reject button (or write one under 'More about "
             "why'): nothing was recorded.")
REASON_PLACEHOLDER = "Choose a reason to reject"


def reject_reason(choice, more="") -> str:
    """A rejection reason from the common choice and the optional free text. None chosen and none
    written is refused (a reason is required, as for ``copquotes review reject``): the lists start
    with no choice, so no reason is ever recorded that the reviewer did not give."""
    choice = str(choice or "").strip()
    more = " ".join(str(more or "").split())
    if not choice and not more:
        raise ConfigError(NO_REASON)
    if choice == "Other" and more:
        return more
    return f"{choice}: {more}" if choice and more else (choice or more)


# ---------------------------------------------------------------------------------- context
@dataclass
class Ctx:
    ws: object
    ws_path: str
    reviewer: str
    show_original: bool
    token: str
    analysis_token: str
    options_token: str = ""


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
    ws = Workspace.open(Path(path), create=not Path(path).exists())   # a new folder: an empty workspace
    st.session_state["_ws"] = ws
    st.session_state["_ws_path"] = path
    return ws


def current() -> Ctx:
    path = st.session_state["ws_path"]
    ws = _open_ws(path)
    reviewer = st.session_state["reviewer"]
    allowed = may_see_originals(ws, reviewer)
    return Ctx(ws=ws, ws_path=path, reviewer=reviewer,
               show_original=allowed and bool(st.session_state.get("show_original", False)),
               token=data.change_token(ws), analysis_token=data.analysis_token(ws),
               options_token=data.options_token(ws))


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(fn: str, ws_path: str, token: str, args: tuple, _ws):
    return getattr(data, fn)(_ws, *args)


def cached(ctx: Ctx, fn: str, *args):
    """``data.<fn>(ws, *args)``, cached until the workspace changes."""
    return _cached(fn, ctx.ws_path, ctx.token, args, ctx.ws)


def cached_analysis(ctx: Ctx, fn: str, *args):
    """``data.<fn>(ws, *args)`` for heavy aggregates, cached until an ingest or a stage writes."""
    return _cached(fn, ctx.ws_path, "analysis:" + ctx.analysis_token, args, ctx.ws)


def filter_options(ctx: Ctx) -> dict:
    """``data.filter_options(ws)``, cached until an ingest, a stage or a reviewer's write that adds
    or removes a quote's flags (not re-read after every decision)."""
    return _cached("filter_options", ctx.ws_path, "options:" + ctx.options_token, (), ctx.ws)


def show_text(text, quote: bool = False) -> None:
    """Participant text, escaped: it displays as text, never as a link, image or HTML."""
    st.markdown(md_blockquote(text) if quote else md_escape(text))


def _flash(kind: str, msg: str) -> None:
    st.session_state.setdefault("_flash", []).append((kind, msg))


def _show_flash() -> None:
    for kind, msg in st.session_state.pop("_flash", []):
        getattr(st, kind)(md_escape(msg))


# ---------------------------------------------------------------------------------- access
VERIFIED = "_verified_reviewer"   # the name a reviewer's own credential proved (never a widget key)


def app_access() -> access.Access:
    """The app's access rules, read on every run where Streamlit reads its secrets. Fails
    closed: a secrets file that does not parse, an empty password, or an address beyond this
    machine without a password stops the app with one line saying what to fix; no page content."""
    try:
        found = access.load_access([Path(p) for p in (st.get_option("secrets.files") or [])])
        try:
            values = st.secrets.to_dict()
        except Exception as exc:  # no secrets at all is fine; secrets Streamlit cannot read are not
            if found.files:
                raise access.SecretsError(f"Streamlit cannot read the secrets ({' '.join(str(exc).split())}): "
                                          "fix the secrets file; the app does not start until then") from None
            values = {}
        acc = access.parse_access(values)
        access.check_address(_served_address(), acc)
    except CopquotesError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    return acc


def hide_developer_tools() -> None:
    """No deploy button or developer menu, however the app was started. ``copquotes app`` and
    ``.streamlit/config.toml`` set ``client.toolbarMode = "minimal"``; an app started some other
    way (``streamlit run`` on the wheel's app.py, no config beside it) gets the option set for
    the sessions that follow, and a style that hides both from this one."""
    for option, value in (("client.toolbarMode", "minimal"), ("client.showErrorDetails", "none")):
        if st.get_option(option) != value:
            st.set_option(option, value)
    # a websocket from an unknown origin makes Streamlit ask a web service for this machine's external
    # IP (to compare): nothing reaches the network, so it has none (the same-origin app is unaffected)
    from streamlit import net_util

    if getattr(net_util, "_external_ip", "") is None:
        net_util._external_ip = ""
    st.html("<style>[data-testid='stAppDeployButton'], [data-testid='stMainMenu'] "
            "{display: none !important;}" + READABLE_CSS + APPROVE_CSS + "</style>")


# Streamlit draws quotes (blockquotes) and captions in its text colour at 60% opacity: about 3.8:1
# on white, under the 4.5:1 that text needs (WCAG AA). Quotes get the full text colour, captions
# the text colour at 85% (about 9:1 on white; the same rule keeps a dark theme readable).
READABLE_CSS = ("[data-testid='stMarkdownContainer'] blockquote, [data-testid='stMarkdownContainer'] blockquote * "
                "{color: inherit !important; opacity: 1 !important;}"
                "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * "
                "{color: inherit !important;}"
                "[data-testid='stCaptionContainer'] {opacity: 0.85 !important;}")


# Approving is the positive action: a green button (white text, 5.1:1), not the theme's red primary
# colour, which reads as danger. Streamlit gives each keyed widget the class st-key-<key>.
APPROVE_KEYS = ("approve_", "saveapprove_", "tr_approve", "tr_save")
APPROVE_CSS = (", ".join(f"[class*='st-key-{k}'] button:not(:disabled)" for k in APPROVE_KEYS)
               + " {background-color: #1e7b34 !important; border-color: #1e7b34 !important; color: #fff !important;}"
               + ", ".join(f"[class*='st-key-{k}'] button:not(:disabled):hover" for k in APPROVE_KEYS)
               + " {background-color: #166028 !important; border-color: #166028 !important; color: #fff !important;}")


def _served_address() -> str:
    """The address the server listens on. Unset, a real Streamlit server listens on every
    interface (AppTest runs no server)."""
    address = st.get_option("server.address")
    if address:
        return str(address)
    from streamlit.runtime import Runtime

    try:
        serving = type(Runtime.instance()) is Runtime
    except Exception:  # pragma: no cover - no runtime at all: nothing is served
        serving = False
    return "0.0.0.0" if serving else "127.0.0.1"


def may_see_originals(ws, reviewer: str) -> bool:
    """Originals only for a reviewer who signed in with their own credential and whom the
    workspace config ``show_original_for`` names."""
    return access.may_see_originals(ws.get_config(data.CONFIG_SHOW_ORIGINAL, []) or [], reviewer,
                                    st.session_state.get(VERIFIED))


def login(acc: access.Access | None = None) -> bool:
    """A reviewer name (and a password when the server has one, or the reviewer's own when the
    secrets list them) before anything else."""
    if st.session_state.get("reviewer"):
        return True
    acc = acc if acc is not None else app_access()
    st.title("copquotes review")
    st.write("Every decision you make is recorded with your name.")
    with st.form("login"):
        st.text_input("Your name", key="login_name", max_chars=review.MAX_REVIEWER_LEN)
        if acc.needs_password:
            st.text_input("Password", type="password", key="login_password",
                          help="The review password, or your own if you have a reviewer account.")
        submitted = st.form_submit_button("Start reviewing")
    if submitted:
        try:
            name = review.check_reviewer(st.session_state.get("login_name"))
        except CopquotesError as exc:
            st.error(md_escape(str(exc)))
            return False
        result = access.sign_in(acc, name, st.session_state.get("login_password"))
        st.session_state.pop("login_password", None)
        if not result.ok:
            st.error(md_escape(result.message))
            return False
        st.session_state["reviewer"] = result.name
        st.session_state[VERIFIED] = result.name if result.verified else None
        st.rerun()
    # the form is on screen: while the reviewer types, pay the first page's one-off imports
    warm_up()
    return False


URL_REVIEWER = "reviewer"


def _reviewer_from_address(acc: access.Access) -> bool:
    """Without a password, a reload (or the same address) keeps the reviewer signed in: the name
    is in the address (anyone who can open the app could type it anyway). With a password the
    address is never trusted: a reload asks again."""
    name = st.query_params.get(URL_REVIEWER)
    if acc.needs_password or not name:
        return False
    try:
        name = review.check_reviewer(name)
    except CopquotesError:
        return False
    result = access.sign_in(acc, name, None)
    if not result.ok:
        return False
    st.session_state["reviewer"] = result.name
    st.session_state[VERIFIED] = None
    return True


def keep_reviewer_in_address(acc: access.Access, want: dict | None = None) -> dict:
    """The address parameters ``want`` plus the reviewer's name when the app has no password
    (so a reload keeps them signed in); with a password, without it."""
    want = dict(st.query_params) if want is None else dict(want)
    name = st.session_state.get("reviewer")
    if name and not acc.needs_password:
        want[URL_REVIEWER] = name
    else:
        want.pop(URL_REVIEWER, None)
    return want


def _logout() -> None:
    for k in ("reviewer", "show_original", "login_password", VERIFIED):
        st.session_state.pop(k, None)
    st.query_params.pop(URL_REVIEWER, None)


def sidebar(ws, reviewer: str) -> None:
    with st.sidebar:
        # the tab's kept edits (tabdrafts) belong to this reviewer: a digest names them, not the name
        with st.container(key="cq_reviewer_" + hashlib.sha256(reviewer.encode("utf-8")).hexdigest()[:16]):
            st.markdown("Reviewer: **" + md_escape(reviewer) + "**")
        st.caption("Workspace: " + md_escape(str(ws.path)))
        if may_see_originals(ws, reviewer):
            st.toggle("Show original (un-anonymised) text", key="show_original", value=False,
                      help="You signed in with your own reviewer password and this workspace's "
                           "show_original_for setting names you.")
        else:
            st.session_state["show_original"] = False
            if data.can_show_original(ws, reviewer):
                st.caption("Original text needs your own reviewer password: log out and sign in with it.")
        st.button("Log out", on_click=_logout, key="logout")


def warm_up() -> None:
    """Pay what the first page view of a process would otherwise wait for: the imports behind
    ``st.dataframe`` / ``st.bar_chart`` (pyarrow, altair), the codebook (the themes package
    imports scikit-learn) and the quotes package (the Triage shortlist, the Quotes page's order
    under a theme filter). :func:`login` calls it once its form is drawn, while the reviewer
    types; later calls cost nothing."""
    try:
        import altair  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - Streamlit installs both; warming is best effort
        pass
    review.codebook_themes()
    from ..quotes import readers  # noqa: F401


_EDIT_WARMING: list = []


def warm_edit_check() -> None:
    """Load what checking a saved edit needs (:func:`review.warm_edit_check`), in the background,
    once per process: called when an edit box is drawn, so the reviewer's typing pays for it and
    the first Save does not wait seconds for it."""
    import logging
    import threading

    if _EDIT_WARMING or review.edit_check_ready():
        return
    _EDIT_WARMING.append(True)

    def warm():
        try:
            review.warm_edit_check()
        except Exception:  # noqa: BLE001 - best effort: the save loads it (and reports) itself
            logging.getLogger(__name__).debug("warming the edit check failed", exc_info=True)

    threading.Thread(target=warm, name="copquotes-warm-edit-check", daemon=True).start()


def main() -> None:
    """The app: access check, sidebar, and the pages."""
    st.set_page_config(page_title="copquotes review", layout="wide")
    hide_developer_tools()
    acc = app_access()                 # before anything else: a broken secrets file shows nothing
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
    if not st.session_state.get("reviewer"):
        _reviewer_from_address(acc)        # a reload without a password keeps the reviewer
    if not st.session_state.get("reviewer"):
        # the page the address names (a reload, a saved link) is chosen now, hidden, so the rerun
        # after signing in opens it (and its address's choices) instead of the first page
        st.navigation(_pages(ws, path), position="hidden")
    if not login(acc):
        st.stop()
    sidebar(ws, st.session_state["reviewer"])
    ss = st.session_state
    ss["_needs_password"] = acc.needs_password
    want = keep_reviewer_in_address(acc)
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)
    for k in KEEP_KEYS:
        if k in ss:
            ss[k] = ss[k]
    page = st.navigation(_pages(ws, path))
    # the browser tab names the page and the workspace folder (every tab said "copquotes review")
    st.set_page_config(page_title=tab_title(page.title, ws.path))
    page.run()
    if ws.n_units() == 0:
        return
    # after the page is drawn: warm the aggregates the other pages need (small tables the
    # workspace stores; counted here only when they are stale), so the next click is cached
    ctx = current()
    cached_analysis(ctx, "label_base")
    cached_analysis(ctx, "people_base_topics")


def tab_title(page: str, ws_path) -> str:
    """The browser tab's title: the page, then the workspace folder's own name (never its path),
    so a reviewer with several tabs or workspaces open sees where each one is."""
    return f"{page} · {Path(str(ws_path)).name} · copquotes review"


def _pages(ws, path) -> list:
    from . import jobs

    empty = ws.n_units() == 0
    start_here = empty or jobs.is_running(path)       # a reload during the analysis comes back to it
    pages = [
        st.Page(add_files_page, title="Add files", url_path="add-files", default=start_here),
        st.Page(overview_page, title="Overview", url_path="overview", default=not start_here),
        st.Page(triage_page, title="Triage", url_path="triage"),
        st.Page(quotes_page, title="Quotes", url_path="quotes"),
        st.Page(collections_page, title="Collections", url_path="collections"),
        st.Page(themes_page, title="Themes", url_path="themes"),
        st.Page(topics_page, title="Topics", url_path="topics"),
        st.Page(export_page, title="Export", url_path="export"),
    ]
    PAGE_LINKS.update(add=pages[0], overview=pages[1], triage=pages[2], quotes=pages[3], collections=pages[4])
    return pages


def run_page(name: str, ws_path: str, reviewer: str, show_original: bool = False,
             verified: bool | None = None) -> None:
    """Draw one page for a signed-in reviewer (what the tests and the benchmark drive).
    ``verified``: the reviewer signed in with their own credential (default: ``show_original``)."""
    if ws_path is None:                 # str(None) would open (and create) a workspace named "None"
        raise ConfigError("no workspace folder given: pass the workspace's path to run_page")
    st.session_state["ws_path"] = str(ws_path)
    st.session_state["reviewer"] = reviewer
    st.session_state[VERIFIED] = reviewer if (show_original if verified is None else verified) else None
    if "show_original" not in st.session_state:
        st.session_state["show_original"] = show_original
    PAGES[name]()


# ---------------------------------------------------------------------------------- overview
def consent_unknown_line(n: int) -> str:
    """What to do when answers or turns have no recorded quote consent (no consent, no quote)."""
    what = "answer or turn has" if n == 1 else "answers and turns have"
    return (f"{n:,} {what} no recorded quote consent, so no quote is taken from "
            f"{'it' if n == 1 else 'them'} (they still count in the theme figures). To let people be "
            "quoted, add on **Add files** a roster (a CSV with the columns name, role and quote_consent, "
            "yes or no) for transcripts and interviews, or add the survey export again with its "
            "consent question.")


def kind_words(kind) -> str:
    """A source kind as people read it ("focus_group" -> "focus group")."""
    from ..quotes.attribution import KIND_WORDS

    return KIND_WORDS.get(kind) or str(kind or "").replace("_", " ")


def where_line(r: dict) -> str:
    """A unit's or quote's "source kind · group · year" in plain words."""
    return " · ".join(str(x) for x in (kind_words(r["source_kind"]), r["grp"], r["year"]) if x)


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
    if ov["consent"]["unknown"]:
        st.info(consent_unknown_line(ov["consent"]["unknown"]))
    qs = ov["quotes_by_status"]
    st.subheader("Candidate quotes")
    q = st.columns(4)
    for col, status in zip(q, data.STATUSES):
        col.metric(status.capitalize(), f"{qs.get(status, 0):,}")
    if ov["by_source_kind"]:
        st.caption("Units by source: " + md_escape(", ".join(f"{kind_words(k)} {v:,}" for k, v in ov["by_source_kind"].items())))
    labels = dict(filter_options(ctx)["themes"])
    for by in ("group", "year"):
        st.subheader(f"Theme prevalence by {by} (% of participants)")
        tidy = data.people_prevalence(cached_analysis(ctx, "label_base"), cached(ctx, "people_adjustments"), by)
        if tidy.empty:
            st.info("No theme tags yet: " + ANALYSE_IN_APP + ".")
            break
        st.dataframe(data.people_table(tidy).rename(index=lambda t: labels.get(t, t)), width="stretch")
        if by == "group":
            st.caption(PEOPLE_NOTE)
            shown = tidy[tidy["total"] & ~tidy["small"] & ~tidy["hidden"]].sort_values("share", ascending=False)
            if not shown.empty:
                st.bar_chart(shown.set_index("theme")["share"].rename(index=lambda t: labels.get(t, t)),
                             horizontal=True)
    figs = cached(ctx, "figures")
    if figs:
        st.subheader("Topic map")
        for p in figs[:3]:
            st.image(p.png, caption=picture_caption(p.name))
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


def url_restore(page: str, opts: dict) -> None:
    """The first time a session draws a page (after a reload, or from a saved link), its choices
    come back from the address's parameters."""
    ss = st.session_state
    done = ss.setdefault("_url_restored", set())
    if page in done:
        return
    done.add(page)
    for key, value in data.url_restore(page, dict(st.query_params), data.url_options(opts)).items():
        ss[key] = value


def url_keep(page: str) -> None:
    """Put a page's choices in its address (after its widgets are drawn), so a reload keeps them."""
    ss = st.session_state
    want = data.url_params(page, {k: ss.get(k) for k in data.URL_PARAMS[page].values()}, ALL)
    if ss.get("reviewer") and ss.get("_needs_password") is False:
        want[URL_REVIEWER] = ss["reviewer"]
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)


def _filters(opts: dict) -> data.QuoteFilters:
    themes = dict(opts["themes"])
    topics = dict(opts["topics"])
    row1 = st.columns(4)
    with row1[0]:
        theme = _select("Theme", list(themes), "f_theme", lambda t: themes.get(t, t), _reset_page)
    with row1[1]:
        status = _select("Status", opts["statuses"], "f_status", None, _reset_page)
    with row1[2]:
        flags = _select("Warnings", list(data.FLAG_FILTERS) + opts["flag_kinds"], "f_flags", flag_label,
                        _reset_page)
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
    """Button callbacks: one review action, its outcome flashed on the next run. The reviewer's
    draft of the quote is kept until the edit is saved or the quote decided; an edit the check
    refuses stays in the box with the reason beside it (:func:`_edit_refused`)."""
    from . import drafts

    ctx = current()
    ss = st.session_state
    refused = ss.setdefault("_refused", {})
    if action in ("edit", "edit_approve"):   # kept before the save: a refusal or a conflict loses nothing
        keep_draft(ctx, quote_id, version, ss.get(f"edit_{quote_id}_{version}"), None)
    try:
        if action == "approve":
            review.approve(ctx.ws, quote_id, ctx.reviewer, version)
            _flash("success", f"Approved quote {quote_id}.")
        elif action == "reject":
            pick, more = ss.get(f"reasonpick_{quote_id}_{version}"), ss.get(f"reason_{quote_id}_{version}", "")
            given = ss.get("_reasons", {}).get(quote_id)
            if pick is None and not (more or "").strip() and given and given["version"] != version:
                # given before the quote changed (the boxes are drawn anew, empty): the colleague's
                # change is the news, as for an edit (a conflict), not a missing reason
                pick, more, version = given["pick"], given["more"], given["version"]
            review.reject(ctx.ws, quote_id, ctx.reviewer, reject_reason(pick, more), version)
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
            review.set_themes(ctx.ws, quote_id, ctx.reviewer, ss.get(f"themes_{quote_id}_{version}", []), version,
                              offered=kw.get("offered"), listed_under=kw.get("listed_under"))
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
        if action in DECIDING:
            drafts.discard(ctx.ws, ctx.reviewer, quote_id)
            refused.pop(quote_id, None)
    except review.QuoteConflict as exc:
        ss.setdefault("_conflicts", {})[quote_id] = {"message": str(exc), "attempted": exc.attempted}
    except CopquotesError as exc:
        if action in ("edit", "edit_approve"):
            refused[quote_id] = _edit_refused(exc, ctx.show_original)
            _flash("error", f"Your edit of quote {quote_id} was not saved: the reason is beside its edit box.")
        else:
            _flash("error", str(exc))
    finally:
        ss.get("_reasons", {}).pop(quote_id, None)     # acted on: a reason given before is used or told


def _reason_given(quote_id: str, version: int) -> None:
    """Keep the reason to reject a reviewer gives on a quote's card with the version it was given
    at: a rerun after a colleague decided the quote draws its card anew at the new version, with
    empty reason boxes, and Reject then reports the conflict instead of asking for a reason."""
    ss = st.session_state
    ss.setdefault("_reasons", {})[quote_id] = {"version": version,
                                               "pick": ss.get(f"reasonpick_{quote_id}_{version}"),
                                               "more": ss.get(f"reason_{quote_id}_{version}", "")}


# actions after which the reviewer's draft of the quote is gone (saved, or the quote decided)
DECIDING = ("approve", "reject", "reset", "edit", "edit_approve")


def _edit_refused(exc: CopquotesError, show_original: bool = False) -> str:
    """The message beside an edit box whose text was not saved: why, the reviewer's own words
    it stopped at (those found against hidden text only for a reviewer shown the originals),
    and what to do."""
    why = str(exc).strip().rstrip(".")
    why = why[:1].upper() + why[1:] if why.lower().startswith(("the edit was not saved", "not saved")) \
        else "Not saved: " + why
    words = list(getattr(exc, "words", ())) + list(getattr(exc, "hidden_words", ()) if show_original else ())
    if words:
        why += ". It stopped at: " + ", ".join(f"“{w}”" for w in words)
    return f"{why}. Your text is still in the box: change it and save again."


def keep_draft(ctx: Ctx, quote_id: str, version: int, text, unchanged) -> None:
    """Keep the reviewer's unsaved text of an edit box (:func:`drafts.keep`). A workspace too busy
    to take it (an analysis writing for longer than the wait) costs the draft, not the page: the
    reviewer is told, and the text stays in the box."""
    import sqlite3

    from . import drafts

    try:
        drafts.keep(ctx.ws, ctx.reviewer, quote_id, version, text, unchanged)
    except sqlite3.OperationalError:
        _flash("warning", f"Could not keep your unsaved edit of quote {quote_id} as a draft just now (the "
                          "workspace is busy): it is still in the box; save it before you reload the page.")


def _draft_changed(quote_id: str, version: int, key: str, unchanged: str) -> None:
    """An edit box changed (on leaving it, or before a reload): keep the text as a draft."""
    keep_draft(current(), quote_id, version, st.session_state.get(key), unchanged)


def _draft_into_box(quote_id: str, version: int, key: str, text: str) -> None:
    """A stale draft, put in the edit box of the quote as it is now, on the reviewer's request."""
    from . import drafts

    ctx = current()
    st.session_state[key] = text
    if key.startswith("tr_edit_"):            # the triage box opens with it
        st.session_state["tr_editing"] = quote_id
    drafts.save(ctx.ws, ctx.reviewer, quote_id, version, text)


def _keep_drafts_on_reload() -> None:
    """In the browser: an edit box being typed in sends its text before the page unloads (a
    reload, a closed tab), so :func:`_draft_changed` keeps it; and the tab keeps a copy of what is
    typed until the app has it (:mod:`copquotes.app.tabdrafts`). The app's own constant script."""
    from .tabdrafts import SCRIPT

    st.html(SCRIPT, unsafe_allow_javascript=True)


def _draft_discard(quote_id: str, key: str, text: str | None) -> None:
    from . import drafts

    ctx = current()
    drafts.discard(ctx.ws, ctx.reviewer, quote_id)
    if text is not None:
        st.session_state[key] = text


def draft_notice(draft, quote_id: str, version: int, key: str, unchanged: str | None, prefix: str) -> None:
    """What an edit box shows about the reviewer's unsaved draft: a fresh one is in the box
    (labelled); a stale one (the quote changed since) is shown beside it, with a button to put
    it in the box. Both can be discarded."""
    from . import drafts, jobs

    if draft is None:
        return
    stale = draft.stale(version)
    (st.warning if stale else st.info)(md_escape(drafts.label(draft, version, jobs.local_time(draft.saved_at))))
    if stale:
        st.code(draft.text, language=None, wrap_lines=True)
    b = st.columns([1, 1, 3])
    if stale:
        b[0].button("Put my draft in the box", key=f"{prefix}draft_use_{quote_id}_{version}",
                    on_click=_draft_into_box, args=(quote_id, version, key, draft.text))
    b[1 if stale else 0].button("Discard draft", key=f"{prefix}draft_drop_{quote_id}_{version}",
                                on_click=_draft_discard, args=(quote_id, key, None if stale else unchanged))


def _dismiss_conflict(quote_id: str) -> None:
    st.session_state.setdefault("_conflicts", {}).pop(quote_id, None)


def _badges(themes: list[dict], labels: dict) -> str:
    """The quote's labelled themes as badges (names only: scores are shown on demand); the theme a
    list is filtered on, when only the listing put it there, in grey."""
    return " ".join(f":{'gray' if t.get('listed') else 'blue'}-badge[{md_escape(labels.get(t.get('theme'), t.get('theme')))}]"
                    for t in themes)


def listed_line(themes: list[dict], labels: dict) -> str | None:
    """In plain words, why a quote shows the theme it is listed under although its response is
    not tagged with it (``"listed"``: :func:`copquotes.themescores.labelled_themes`)."""
    for t in themes:
        if t.get("listed"):
            name = labels.get(t["theme"], t["theme"])
            return (f"Listed under {name}: the quote's words touch on this theme (score "
                    f"{float(t.get('score') or 0):.2f}), though its response is not tagged with it.")
    return None


def _scores_popover(q: dict, labels: dict) -> None:
    with st.popover("Scores", help="Every theme score and the parts of the quote's score"):
        st.caption(md_escape(f"Quote score {float(q['score'] or 0):.2f}. " + _parts_line(q["parts"])))
        st.markdown(scores_table(q["themes"], labels))


def scores_table(themes: list[dict], labels: dict) -> str:
    """Every theme score of a quote as a Markdown table (a page of 50 quotes drew 50 data frames:
    a third of its time at 500,000 units, for a table of nine numbers the reviewer opens rarely)."""
    rows = [f"| {md_escape(labels.get(t.get('theme'), t.get('theme')))} | {float(t.get('score') or 0):.2f} |"
            for t in themes]
    return "\n".join(["| theme | score |", "| :-- | --: |", *rows]) if rows else ":gray[no theme scores]"


def copy_text(q: dict) -> str:
    """The quote and its attribution line, as a communications officer pastes it."""
    return f"\u201c{q['display_text']}\u201d\n{q['attribution'] or ''}".strip()


def _copy_box(q: dict) -> None:
    """The quote with its attribution in a code box: its copy button (top right) copies both."""
    if q["display_text"] is not None:
        st.caption("Copy the quote with its attribution (button at the top right of the box):")
        st.code(copy_text(q), language=None, wrap_lines=True)


def _parts_line(parts: dict) -> str:
    names = ("theme", "quotability", "representativeness", "safety")
    vals = [f"{n} {float(parts[n]):.2f}" for n in names if isinstance(parts.get(n), (int, float))]
    return "Score parts: " + (" · ".join(vals) if vals else "n/a")


def _quote_body(q: dict, labels: dict, hidden: str) -> None:
    """A quote card's body: the text, its attribution, its themes (scores and a copy box on
    demand) and its risk flags; ``hidden`` says what to do when the text is not anonymised yet."""
    if q["display_text"] is None:
        st.warning("Text hidden: names and other identifiers have not been taken out of it yet. " + hidden)
    else:
        show_text(q["display_text"], quote=True)
    st.markdown(md_escape(q["attribution"]))
    top = st.columns([4, 1, 1])
    top[0].markdown(_badges(q["labelled"], labels) if q["labelled"] else ":gray[no theme]")
    note = listed_line(q["labelled"], labels)
    if note:
        top[0].caption(md_escape(note))
    with top[1]:
        _scores_popover(q, labels)
    with top[2]:
        with st.popover("Copy"):
            _copy_box(q)
    for fl in q["flags"]:
        sev = fl.get("severity", "warn")
        msg = flag_line(fl)
        if fl.get("text"):
            msg += f" — “{fl['text']}”"
        (st.error if sev == "hold" else st.warning)(md_escape(msg))


def _quote_card(ctx: Ctx, q: dict, labels: dict, draft=None, others=()) -> None:
    """One quote on the Quotes page; ``draft``: this reviewer's unsaved edit of it, ``others``:
    colleagues' unsaved edits of it (:func:`drafts.others_for_quotes`), named on the card."""
    qid, v = q["quote_id"], int(q["version"])
    refused = st.session_state.get("_refused", {}).get(qid)
    with st.container(border=True):
        head = (f"**{md_escape(status_line(q))}** · "
                + md_escape(" · ".join(str(x) for x in (q.get("document") or kind_words(q["source_kind"]), q["grp"]) if x))
                + f" · {md_escape(q['speaker'] or '')}"
                + (" · :orange[unsaved draft]" if draft is not None else ""))
        st.markdown(head)
        if others:
            from . import drafts, jobs

            st.caption(":orange[" + md_escape(drafts.others_line(others, jobs.local_time)) + "]")
        _quote_body(q, labels, hidden=ANALYSE_SENTENCE)
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
            elif attempted.get("reason"):
                st.caption("Your reason to reject, not recorded: " + md_escape(attempted["reason"]))
            st.button("Dismiss", key=f"dismiss_{qid}", on_click=_dismiss_conflict, args=(qid,))
        cols = st.columns([1, 2, 2, 1, 1])
        cols[0].button("Approve", key=f"approve_{qid}_{v}", on_click=_act, args=("approve", qid, v),
                       disabled=q["status"] == "approved" or q["display_text"] is None)
        cols[1].selectbox("Reason to reject", REJECT_REASONS, key=f"reasonpick_{qid}_{v}", index=None,
                          placeholder=REASON_PLACEHOLDER, label_visibility="collapsed",
                          on_change=_reason_given, args=(qid, v))
        cols[2].text_input("More about why (optional)", key=f"reason_{qid}_{v}", label_visibility="collapsed",
                           placeholder="More about why (optional)", on_change=_reason_given, args=(qid, v))
        cols[3].button("Reject", key=f"reject_{qid}_{v}", on_click=_act, args=("reject", qid, v),
                       disabled=q["status"] == "rejected")
        cols[4].button("Reset", key=f"reset_{qid}_{v}", on_click=_act, args=("reset", qid, v),
                       disabled=q["status"] == "pending")
        # drawn only when asked for (a page of 50 quotes stays fast), or to show a draft or a refusal
        if st.toggle("Edit · themes · context · redactions · history", key=f"details_{qid}",
                     value=draft is not None or bool(refused)):
            _quote_details(ctx, q, labels, draft, refused)


def status_line(q: dict) -> str:
    """A quote's status as people read it: "pending", or "pending · held: Consent not confirmed"
    while a hold flag keeps it out of every export (flag labels, never a flag's words)."""
    from ..disclosure import is_held
    from ..flag_labels import flag_label

    if not is_held(q.get("flags") or [], q["status"]):
        return q["status"]
    kinds = dict.fromkeys(flag_label(f.get("kind")) for f in q.get("flags") or []
                          if isinstance(f, dict) and f.get("severity") == "hold")
    return f"{q['status']} · held: " + ", ".join(kinds)


def _quote_details(ctx: Ctx, q: dict, labels: dict, draft=None, refused: str | None = None) -> None:
    qid, v = q["quote_id"], int(q["version"])
    t_edit, t_themes, t_ctx, t_red, t_hist = st.tabs(["Edit", "Themes", "Context", "Redactions", "History"])
    with t_edit:
        if q["display_text"] is None:
            st.info("Editing needs the anonymised text: " + ANALYSE_IN_APP + ".")
        else:
            key = f"edit_{qid}_{v}"
            warm_edit_check()
            if refused:
                st.error(md_escape(refused))
            draft_notice(draft, qid, v, key, q["display_text"], "")
            fresh = draft is not None and not draft.stale(v)
            st.text_area("Text to publish ('...' for dropped words, [brackets] for added ones)"
                         + (" — unsaved draft" if fresh else ""),
                         value=draft.text if fresh else q["display_text"], key=key, height=120,
                         on_change=_draft_changed, args=(qid, v, key, q["display_text"]))
            current_text = st.session_state.get(key, q["display_text"])
            st.caption("Your changes to the anonymised text: [-words taken out-] {+words added+}")
            st.code(review.format_diff(q["anon_text"], current_text), language=None, wrap_lines=True)
            if ctx.show_original:
                orig = data.original_text(ctx.ws, qid)
                if orig:
                    st.caption("Your changes to the original text (before anonymising):")
                    st.code(review.format_diff(orig["verbatim"], current_text), language=None, wrap_lines=True)
            b = st.columns(2)
            b[0].button("Save edit", key=f"saveedit_{qid}_{v}", on_click=_act, args=("edit", qid, v))
            b[1].button("Save edit and approve", key=f"saveapprove_{qid}_{v}", on_click=_act,
                        args=("edit_approve", qid, v))
    with t_themes:
        # the chips' themes (themescores.labelled_themes), the one only the filter put there too:
        # taking it off takes the quote off that theme's lists (review.set_themes listed_under)
        current_themes = [t["theme"] for t in q["labelled"]]
        listed = next((t["theme"] for t in q["labelled"] if t.get("listed")), None)
        options = list(dict.fromkeys(list(labels) + current_themes))
        st.multiselect("Themes of this quote", options, default=current_themes, key=f"themes_{qid}_{v}",
                       format_func=lambda t: labels.get(t, t))
        # a scored theme the editor did not show as the quote's is kept as it is (review.set_themes)
        st.button("Save themes", key=f"savethemes_{qid}_{v}", on_click=_act, args=("themes", qid, v),
                  kwargs={"offered": current_themes, "listed_under": listed})
    with t_ctx:
        if q.get("question"):
            st.caption("Question:")
            show_text(q["question"])
        for turn in cached(ctx, "context_turns", q["unit_id"]):
            who = " ".join(str(x) for x in (turn["speaker"], turn["speaker_role"]) if x)
            prefix = "▶ " if turn["is_self"] else ""
            st.caption(md_escape(f"{prefix}{who}"))
            if turn["text"] is None:
                st.caption("(not anonymised yet: " + ANALYSE_IN_APP + ")")
            else:
                show_text(turn["text"], quote=True)
    with t_red:
        reds = review.redactions(ctx.ws, q["unit_id"], with_original=ctx.show_original)
        active = [r for r in reds if r["status"] != "undone"]
        if not reds:
            st.caption("No redactions in this unit.")
        for r in reds:
            line = data.redaction_line(r, ctx.show_original)
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


def _bulk(action: str, ids: dict) -> None:
    """Approve, reject or collect the quotes selected in the table (``ids``: ``{quote id: (status,
    version)}`` as the table showed them)."""
    from .. import collection as collections

    ctx = current()
    ss = st.session_state
    if not ids:
        _flash("warning", "Select quotes in the table first (tick the boxes at the left of the rows).")
        return
    if action == "collect":
        name = ss.get("bulk_collection") or ""
        try:
            res = collections.add(ctx.ws, name, list(ids), ctx.reviewer)
        except CopquotesError as exc:
            _flash("error", str(exc))
            return
        msg = f"Added {len(res['added'])} quote(s) to the collection '{res['name']}'."
        if res["not_approved"]:
            msg += f" {len(res['not_approved'])} not added: approve them first."
        if res["already"]:
            msg += f" {len(res['already'])} were in it already."
        _flash("success", msg)
        return
    reason = None
    if action == "reject":
        try:
            reason = reject_reason(ss.get("bulk_reason"), ss.get("bulk_reason_more", ""))
        except CopquotesError as exc:
            _flash("error", str(exc))
            return
    # each quote at the version the table showed: a colleague's decision since is a conflict, not overwritten
    res = review.decide_many(ctx.ws, action, ids, ctx.reviewer, reason)
    verb, word = {"approve": ("Approved", "approved"), "reject": ("Rejected", "rejected")}[action]
    msg = f"{verb} {len(res['done'])} quote(s)."
    if res["already"]:
        msg += f" {len(res['already'])} were {word} already."
    _flash("success", msg)
    conflicts = ss.setdefault("_conflicts", {})
    for qid, exc in res["refused"].items():     # shown on the quote's card too, as a single decision's
        conflicts[qid] = {"message": str(exc), "attempted": exc.attempted}
        _flash("error", f"Quote {qid} was not {word}: {exc}")
    for qid, why in res["failed"].items():
        _flash("error", f"{qid}: {why}")
    ss.pop("q_table", None)


def bulk_rows(rows: list[dict], labels: dict):
    """The page's quotes as the rows of the bulk table (a DataFrame), warnings in plain words."""
    import pandas as pd

    return pd.DataFrame([{
        "Quote": q["display_text"] if q["display_text"] is not None else "(not anonymised yet)",
        "Themes": ", ".join(labels.get(t["theme"], t["theme"]) for t in q["labelled"]),
        "Status": q["status"], "Warnings": ", ".join(flag_label(f.get("kind")) for f in q["flags"]),
        "Source": where_line(q),
    } for q in rows], columns=["Quote", "Themes", "Status", "Warnings", "Source"])


def follow_ticks(before: list[str], ticked: list[int], now: list[str]) -> tuple[list[int], int]:
    """The bulk table's ticks moved onto the rows their quotes hold now. Streamlit keeps a table's
    ticks as row positions: ``ticked`` are positions in the table as last drawn (``before``, its
    rows' quote ids), ``now`` the quote ids of this draw's rows. Returns the new positions, and how
    many ticked quotes are no longer in the table (their ticks dropped, never moved onto another)."""
    where = {qid: i for i, qid in enumerate(now)}
    chosen = [before[i] for i in ticked if 0 <= i < len(before)]
    kept = sorted(where[qid] for qid in chosen if qid in where)
    return kept, len(chosen) - len(kept)


def _bulk_table(ctx: Ctx, rows: list[dict], labels: dict) -> dict:
    """The page's quotes as a table with a tick box per row; returns the selected ids, each with
    the status and version the table shows (what the buttons decide on). The ticks follow the
    quotes: when the rows change between reruns (a colleague's decision drops one from a Status
    filter, the page or the filters change) each tick moves with its quote, or is dropped."""
    ss = st.session_state
    now = [q["quote_id"] for q in rows]
    before = ss.get("_q_table_ids", now)
    ticked = list(((ss.get("q_table") or {}).get("selection") or {}).get("rows") or [])
    gone = 0
    if ticked and before != now:
        kept, gone = follow_ticks(before, ticked, now)
        ss["q_table"] = {"selection": {"rows": kept, "columns": [], "cells": []}}
    table = bulk_rows(rows, labels)
    event = st.dataframe(table, on_select="rerun", selection_mode="multi-row", hide_index=True, key="q_table",
                         width="stretch", column_config={"Quote": st.column_config.TextColumn(width="large")})
    ss["_q_table_ids"] = now                    # what the next rerun's tick positions refer to
    if gone:
        st.caption(f"{gone} quote(s) you ticked left this table (a colleague decided them, or the filters "
                   "or the page changed): no longer selected.")
    picked = {rows[i]["quote_id"]: (rows[i]["status"], int(rows[i]["version"]))
              for i in (event.selection.rows if event else []) if i < len(rows)}
    c = st.columns([1, 2, 1, 2, 2])
    c[0].button(f"Approve selected ({len(picked)})", key="bulk_approve", on_click=_bulk, args=("approve", picked),
                disabled=not picked)
    c[1].selectbox("Reason to reject", REJECT_REASONS, key="bulk_reason", index=None, placeholder=REASON_PLACEHOLDER,
                   label_visibility="collapsed")
    c[2].button(f"Reject selected ({len(picked)})", key="bulk_reject", on_click=_bulk, args=("reject", picked),
                disabled=not picked)
    c[3].text_input("Collection", key="bulk_collection", label_visibility="collapsed",
                    placeholder="Collection name, e.g. Annual report 2025")
    c[4].button(f"Add selected to collection ({len(picked)})", key="bulk_collect", on_click=_bulk,
                args=("collect", picked), disabled=not picked)
    return picked


def quotes_page() -> None:
    ctx = current()
    st.title("Quotes")
    _show_flash()
    opts = filter_options(ctx)
    url_restore("quotes", opts)
    filters = _filters(opts)
    st.session_state["_quote_filters"] = filters        # the Export page writes what is on screen
    page, size = st.session_state.get("q_page", 1), st.session_state.get("q_size", PAGE_SIZES[0])
    rows, total = cached(ctx, "quotes_page", filters, page, size)
    _pager(total, "q_page", "q_size")
    url_keep("quotes")
    if not rows:
        st.info("No quotes match these filters." if total == 0 else "No quotes on this page.")
        return
    labels = dict(opts["themes"])
    with st.expander("Select several quotes at once (approve, reject, add to a collection)"):
        _bulk_table(ctx, rows, labels)
    from . import drafts

    mine = drafts.for_quotes(ctx.ws, ctx.reviewer, [q["quote_id"] for q in rows])
    theirs = drafts.others_for_quotes(ctx.ws, ctx.reviewer, [q["quote_id"] for q in rows])
    _keep_drafts_on_reload()
    for q in rows:
        _quote_card(ctx, q, labels, mine.get(q["quote_id"]), theirs.get(q["quote_id"], ()))


# ---------------------------------------------------------------------------------- themes
def _label(unit_id: str, theme: str, label: int) -> None:
    ctx = current()
    try:
        review.label_theme(ctx.ws, unit_id, theme, label, ctx.reviewer)
        _flash("success", f"Stored your label for unit {unit_id}: the tagger learns from it at the next analyse.")
    except CopquotesError as exc:
        _flash("error", str(exc))


def _theme_verdict(r: dict, name: str) -> str:
    """Whether a unit is about a theme, in words, and who said so (a reviewer, or the automatic tagging)."""
    about = f"about {name}" if r["label"] == 1 else f"not about {name}"
    if r["reviewer_label"] is not None:
        return f"{about} (reviewer {r['reviewer']})"
    return f"{about} (automatic tagging)"


def _topic_fit(p) -> str:
    """How well a unit fits its topic, as a percentage (the topic model's probability)."""
    return f"fits this topic {float(p or 0):.0%}"


def themes_page() -> None:
    ctx = current()
    st.title("Themes")
    _show_flash()
    opts = filter_options(ctx)
    labels = dict(opts["themes"])
    if not labels or not cached_analysis(ctx, "tagged_units"):
        st.info("No themes yet: " + ANALYSE_IN_APP + ".")
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
            st.caption(md_escape(f"{r['unit_id']} · {_theme_verdict(r, labels.get(theme, theme))} · "
                                 + where_line(r)))
            if r["text"] is None:
                st.warning("Text hidden: names and other identifiers have not been taken out of it yet. "
                           + ANALYSE_SENTENCE)
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
NO_TOPIC = "Not in any topic"        # BERTopic's topic -1 ("outliers")


def topics_shown(table):
    """The topics table as people read it: topic -1 is "Not in any topic", with no number. The
    topic column is text throughout (a column of "" and numbers is no Arrow column)."""
    out = table.assign(topic=[shown_topic(t, "") for t in table["topic"]])
    out.loc[table["topic"] == -1, "label"] = NO_TOPIC
    return out


def shown_topic(topic, outliers: str = NO_TOPIC) -> str:
    """A topic's number as text, ``outliers`` for topic -1 (no topic)."""
    return outliers if int(topic) == -1 else str(int(topic))


def topic_theme_shown(tt, themes: dict):
    """The people (or units) per topic and theme as people read them: themes by name, topics as text
    (:func:`shown_topic`), so the index is one type."""
    return tt.rename(columns=lambda t: themes.get(t, t), index=shown_topic)


def picture_caption(name: str) -> str:
    """A topic picture's caption in plain words (its file name only for a picture not known here)."""
    return PICTURE_CAPTIONS.get(name, name)


def topics_page() -> None:
    ctx = current()
    st.title("Topics")
    table = cached(ctx, "topics_table")
    if table.empty:
        st.info("No topics yet: " + ANALYSE_IN_APP + ".")
        return
    labels = dict(zip(table["topic"], table["label"]))
    st.dataframe(topics_shown(table), hide_index=True, width="stretch")
    topic = st.selectbox("Topic", list(labels), format_func=lambda t: NO_TOPIC if t == -1 else f"{t}: {labels[t]}",
                         key="tp_topic", on_change=_reset_page, args=("tp_page",))
    page, size = st.session_state.get("tp_page", 1), st.session_state.get("tp_size", PAGE_SIZES[0])
    rows, total = cached(ctx, "topic_units", int(topic), page, size)
    _pager(total, "tp_page", "tp_size")
    st.caption("Listed: the answers and turns of people who agreed to be quoted, most typical first. The "
               "size in the table counts everyone's, so it can be larger.")
    for r in rows:
        with st.container(border=True):
            st.caption(md_escape(f"{r['unit_id']} · {_topic_fit(r['prob'])} · " + where_line(r)))
            if r["text"] is None:
                st.warning("Text hidden: names and other identifiers have not been taken out of it yet. "
                           + ANALYSE_SENTENCE)
            else:
                show_text(r["text"], quote=True)
    base = cached_analysis(ctx, "people_base_topics")
    tt = data.topic_people(base, cached(ctx, "people_adjustments"))
    if not tt.empty:
        st.subheader("People per topic and theme")
        themes = dict(filter_options(ctx)["themes"])
        st.dataframe(topic_theme_shown(data.topic_people_cells(tt, base["people"]), themes), width="stretch")
        st.caption(f"A person counts once per topic, however often they spoke. Fewer than {data.SMALL_SPEAKERS} "
                   "people are hidden, never shown as a number: so few could point to someone. Where a topic or "
                   "a theme has one such count, another is hidden too, so it cannot be worked out from a total, "
                   "and more where topics and themes together would narrow one; "
                   "every hidden count reads the same, so which one is small is not shown.")
    for p in cached(ctx, "figures"):
        st.image(p.png, caption=picture_caption(p.name))


# ---------------------------------------------------------------------------------- export
def _filters_text(f: data.QuoteFilters, labels: dict) -> str:
    parts = []
    if f.theme:
        parts.append("theme " + labels.get(f.theme, f.theme))
    for name, v in (("status", f.status), ("topic", f.topic), ("group", f.group), ("year", f.year),
                    ("source", f.source_kind), ("flags", f.flags), ("words", f.search)):
        if v is not None:
            parts.append(f"{name} {v}")
    return ", ".join(parts) if parts else "no filters"


def export_selection(ctx: Ctx, source: str, approved_only: bool,
                     count_only: bool = False) -> tuple[list[str] | int, str | None, str]:
    """What the Export page will write: ``(quote ids, or their number with count_only;
    collection or None; the sentence that says so, :func:`export_line`)``. Held quotes are never
    written, so never counted."""
    from .. import collection as collections

    which = ("approved quote", "approved quotes") if approved_only or source == "collection" else \
        ("approved, edited or pending quote", "approved, edited and pending quotes")
    if source == "collection":
        name = st.session_state.get("x_collection")
        if not name:
            return (0 if count_only else []), None, "This export will write no quotes: no collection is chosen."
        ids = collections.approved_ids(ctx.ws, name)
        return (len(ids) if count_only else ids), name, export_line(len(ids), which, ("collection", name))
    f = st.session_state.get("_quote_filters") or data.QuoteFilters()
    keep = EXPORT_STATUSES[bool(approved_only)]
    scope = ("all", "")
    if f != data.QuoteFilters():
        scope = ("filters", _filters_text(f, dict(filter_options(ctx)["themes"])))
    ids = data.export_count(ctx.ws, f, keep)[0] if count_only else data.export_quote_ids(ctx.ws, f, keep)
    return ids, None, export_line(ids if count_only else len(ids), which, scope)


def export_line(n: int, which: tuple[str, str], scope: tuple[str, str]) -> str:
    """"This export will write ...": ``n`` quotes of ``which`` (singular, plural), from ``scope``
    (``("all", "")``, ``("filters", their description)`` or ``("collection", its name)``), in
    words that read right for 0, 1 and more."""
    one, many = which
    count = "no quotes" if n == 0 else "1 quote" if n == 1 else f"{n:,} quotes"
    kind, what = scope
    if kind == "collection":
        tail = (f"the collection '{what}' holds no {one}" if n == 0 else f"the {one} of the collection '{what}'"
                if n == 1 else f"the {many} of the collection '{what}', in its order")
    elif kind == "filters":
        tail = (f"no {one} matches the Quotes page's filters" if n == 0 else f"the one {one} matching the "
                "Quotes page's filters" if n == 1 else f"the {many} matching the Quotes page's filters")
        tail += ": " + what
    else:
        tail = f"there are no {many} yet" if n == 0 else f"the only {one}" if n == 1 else f"all the {many}"
    return f"This export will write {count}: {tail}."


EXPORT_STATUSES = {True: ("approved",), False: ("approved", "edited", "pending")}
FILTER_KEYS = ("f_theme", "f_status", "f_flags", "f_topic", "f_group", "f_year", "f_kind")


def _clear_quote_filters() -> None:
    """The Export page's button: forget the Quotes page's filters (there too)."""
    ss = st.session_state
    for k in FILTER_KEYS:
        ss[k] = ALL
    ss["f_search"] = ""
    ss["q_page"] = 1
    ss["_quote_filters"] = data.QuoteFilters()


def _do_export(what: str, ext: str, approved_only: bool, ids=None, collection=None, theme=None) -> None:
    from ..export import export

    ctx = current()
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = "collection-" + re.sub(r"[^\w\-]+", "-", collection).strip("-") if collection else what
    out = Path(ctx.ws.path) / "exports" / f"copquotes-{stem}-{stamp}{ext}"
    out.parent.mkdir(exist_ok=True)      # the workspace's own exports folder (export() creates none)
    try:
        if collection:
            path = export(ctx.ws, out, what="quotes", collection=collection)
        elif what == "quotes":
            path = export(ctx.ws, out, what="quotes", approved_only=approved_only, quote_ids=ids, theme=theme)
        else:
            path = export(ctx.ws, out, what=what)
    except CopquotesError as exc:
        st.session_state.pop("_export", None)
        _flash("error", str(exc))
        return
    st.session_state["_export"] = {"path": str(path), "name": path.name, "collection": collection}
    _flash("success", f"Exported to {path.name}.")


def export_choices(ss) -> tuple:
    """Everything the Export page's choices decide (what, format, which quotes, filters): a
    download made from other choices is not offered once they change."""
    what = ss.get("x_what", "quotes")
    return (what, ss.get(f"x_fmt_{what}") or EXPORT_FORMATS[what][0], bool(ss.get("x_approved", True)),
            ss.get("x_source", "filters"), ss.get("x_collection"), repr(ss.get("_quote_filters") or data.QuoteFilters()))


def _edited_left_out(ctx: Ctx, f: data.QuoteFilters) -> int:
    """Edited quotes matching ``f`` that an approved-only export leaves out (held or not)."""
    return sum(data.export_count(ctx.ws, f, ("edited",)))


def _export_click() -> None:
    """The Create export button: what the page shows when it is pressed (read at the click, so a
    format or filter chosen just before counts)."""
    ss = st.session_state
    what = ss.get("x_what", "quotes")
    ext = ss.get(f"x_fmt_{what}") or EXPORT_FORMATS[what][0]
    ss["_export_choices"] = export_choices(ss)
    if what != "quotes":
        _do_export(what, ext, True)
        return
    approved = bool(ss.get("x_approved", True))
    source = ss.get("x_source", "filters")
    ids, coll, _ = export_selection(current(), source, approved)
    f = ss.get("_quote_filters") or data.QuoteFilters()
    _do_export(what, ext, approved, ids, coll, f.theme if source == "filters" else None)   # each shows the theme


def export_page() -> None:
    from .. import collection as collections

    ctx = current()
    st.title("Export")
    _show_flash()
    what = st.radio("What", ["quotes", "units"], horizontal=True, key="x_what",
                    format_func=lambda w: {"quotes": "Quotes (for communications)",
                                           "units": "Coded units table (for researchers)"}[w])
    ext = st.selectbox("Format", EXPORT_FORMATS[what], key=f"x_fmt_{what}",
                       format_func=lambda e: FORMAT_NAMES.get(e, e))
    if ext == ".csv":
        st.caption(CSV_NOTE)
    ids, coll, approved_only = None, None, True
    if what == "quotes":
        names = [c["name"] for c in collections.list_collections(ctx.ws)]
        if names:
            source = st.radio("Which quotes", ["filters", "collection"], horizontal=True, key="x_source",
                              format_func=lambda s: {"filters": "What the Quotes page shows (its filters)",
                                                     "collection": "A collection"}[s])
        else:                             # one choice is no choice: say it, and how to get the other
            source = st.session_state["x_source"] = "filters"
            st.caption("Which quotes: what the Quotes page shows (its filters). To export a hand-picked "
                       "set instead, make a collection on the Collections page.")
        held = edited = 0
        if source == "collection":
            st.selectbox("Collection", names, key="x_collection")
        else:
            approved_only = st.checkbox("Approved quotes only", value=True, key="x_approved")
            f = st.session_state.get("_quote_filters") or data.QuoteFilters()
            if f != data.QuoteFilters():
                labels = dict(filter_options(ctx)["themes"])
                c = st.columns([4, 1])
                c[0].warning(md_escape("Only the quotes the Quotes page's filters let through: "
                                       + _filters_text(f, labels) + "."))
                c[1].button("Clear these filters", key="x_clear_filters", on_click=_clear_quote_filters)
            held = data.export_count(ctx.ws, f, EXPORT_STATUSES[bool(approved_only)])[1]
            edited = _edited_left_out(ctx, f) if approved_only else 0
        n, coll, desc = export_selection(ctx, source, approved_only, count_only=True)
        st.info(md_escape(desc))
        if held:
            st.caption(f"{held:,} more quote{'s match' if held != 1 else ' matches'} but "
                       f"{'are' if held != 1 else 'is'} held and left out: a risk flag (something that could "
                       "identify someone) or unconfirmed consent blocks "
                       f"{'them' if held != 1 else 'it'} until a reviewer approves "
                       f"{'them' if held != 1 else 'it'} on the Quotes page.")
        if edited:
            st.warning(f"{edited:,} edited quote{'s' if edited != 1 else ''} "
                       f"{'are' if edited != 1 else 'is'} left out: a saved edit still needs approving. "
                       "Approve them on the Quotes page (Status: edited) to include them, or untick "
                       "'Approved quotes only'.")
        st.caption("Quotes come only from people who agreed to be quoted, with anonymised text and the "
                   "attribution line.")
        if n == 0:
            why = ("this collection has no approved quotes" if source == "collection"
                   else "no quote matches" + ("" if not approved_only else
                                              " (only approved quotes are exported: approve some, or untick "
                                              "'Approved quotes only')"))
            st.caption(md_escape(f"Nothing to export: {why}."))
    else:
        n = 1
        st.caption("Every unit with its anonymised text, metadata, theme scores and labels, and topic.")
    st.button("Create export", key="x_go", on_click=_export_click, type="primary", disabled=n == 0)
    done = st.session_state.get("_export")
    if (done and not done.get("collection")
            and st.session_state.get("_export_choices") != export_choices(st.session_state)):
        st.session_state.pop("_export", None)      # made from other choices: press Create export again
        done = None
    if done and Path(done["path"]).is_file() and not done.get("collection"):
        st.download_button(f"Download {done['name']}", data=Path(done["path"]).read_bytes(),
                           file_name=done["name"], key="x_download")


# ---------------------------------------------------------------------------------- add files
STEP_ICONS = {"done": ":material/check_circle:", "up to date": ":material/check_circle:",
              "running": ":material/hourglass_top:", "waiting": ":material/schedule:", "failed": ":material/error:"}


def _analyse(uploader_key: str) -> None:
    """The Analyse button: save the chosen files as a batch, start the background analysis."""
    from . import jobs

    ctx = current()
    ss = st.session_state
    files = ss.get(uploader_key) or []
    meta = {"group": ss.get("add_group", ""), "year": ss.get("add_year", ""),
            "source_kind": "" if ss.get("add_kind", ALL) == ALL else ss.get("add_kind")}
    saved = jobs.save_batch(ctx.ws_path, [(f.name, f.getvalue()) for f in files], meta)
    # kept on the page (not a one-off message: the page redraws when the analysis ends)
    ss["add_duplicates"] = list(saved["duplicates"])
    ss["add_replaced"] = [jobs.replaced_line(n, (saved.get("replaced_meta") or {}).get(n))
                          for n in saved.get("replaced") or []]
    ss["add_same_name"] = list(saved.get("same_name") or [])
    if not files and ctx.ws.n_units() == 0 and not jobs.pending_batches(ctx.ws_path):
        _flash("warning", "Choose files first: click 'Upload' or drop files on the box.")
        return
    jobs.start(ctx.ws_path)
    ss["add_uploader_n"] = ss.get("add_uploader_n", 0) + 1     # an empty picker for the next files


def _upload_notice(state_key: str, ok_key: str, lead: str) -> None:
    """What the last Analyse... did with some uploads (names kept in the session), shown until OK."""
    names = st.session_state.get(state_key)
    if names:
        c = st.columns([5, 1])
        c[0].info(md_escape(lead + ", ".join(names) + "."))
        c[1].button("OK", key=ok_key, on_click=lambda: st.session_state.pop(state_key, None))


def _draw_progress(ws_path: str) -> None:
    from . import jobs

    state = jobs.read_state(ws_path)
    if not state:
        return
    running = state.get("state") in ("queued", "running")
    if running:
        st.info("Analysing your files. This page updates itself; you can leave it and come back.")
    for name, step in (state.get("steps") or {}).items():
        label = step.get("label", name)
        status = step.get("status", "waiting")
        extra = ""
        if name == "ingest" and (step.get("total") or step.get("rosters")):
            extra = (f" ({step.get('done', 0)} of {step['total']} files of answers or turns read" if step.get("total")
                     else " (no file of answers or turns")
            if step.get("rosters"):
                n = step["rosters"]
                extra += f", {n} roster{'s' if n != 1 else ''} of who agreed to be quoted"
            extra += f"; {step['units']:,} answers and turns)" if "units" in step else ")"
        elif step.get("seconds") is not None and status in ("done",):
            extra = f" ({step['seconds']:.0f} s)"
        word = {"done": "done", "up to date": "nothing new", "running": "working ...", "waiting": "waiting",
                "failed": "stopped"}.get(status, status)
        st.markdown(STEP_ICONS.get(status, "") + " " + md_escape(f"{label}: {word}{extra}"))
    if state.get("state") == "done":
        st.success(md_escape(state.get("message") or "Done: the quotes are ready."))
        if state.get("quotes") and "triage" in PAGE_LINKS:
            st.page_link(PAGE_LINKS["triage"], label="Start triage: one quote at a time", icon="➡️")
    elif state.get("state") == "failed":
        st.error(md_escape(state.get("message") or "The analysis stopped."))


def _progress_panel(ws_path: str) -> None:
    from . import jobs

    if not jobs.is_running(ws_path):
        _draw_progress(ws_path)
        return

    @st.fragment(run_every=REFRESH_SECONDS)
    def live():
        _draw_progress(ws_path)
        if not jobs.is_running(ws_path):
            st.rerun(scope="app")      # finished: redraw every page's data once
    live()


def add_files_page() -> None:
    from . import jobs

    ctx = current()
    st.title("Add files")
    _show_flash()
    running = jobs.is_running(ctx.ws_path)
    st.write("Add survey exports (CSV, Excel), transcripts (Word, text, Teams/Zoom .vtt), rosters "
             "(a CSV with name, role and quote_consent) and, if you have one, a copquotes.yaml manifest. "
             "You can choose several files at once.")
    key = f"add_files_{st.session_state.get('add_uploader_n', 0)}"
    st.file_uploader("Files to add", accept_multiple_files=True, key=key, disabled=running)
    st.caption("Optional: these apply to every file you add now, a new version of a file added before too. "
               "Leave them empty and they are worked out from the files (the year from the file name, survey or "
               "transcript from the format); a new version keeps what its file had. A source kind applies only "
               "to the files it fits: a survey platform's export stays a survey, a transcript never becomes one.")
    c = st.columns(3)
    c[0].text_input("Group", key="add_group", placeholder="e.g. Early career", disabled=running)
    c[1].text_input("Year", key="add_year", placeholder="e.g. 2024-2025", disabled=running)
    c[2].selectbox("Source kind", [ALL] + list(jobs.SOURCE_KINDS), key="add_kind", disabled=running,
                   format_func=lambda k: "work it out" if k == ALL else k.replace("_", " "))
    st.button("Analyse...", key="add_analyse", type="primary", on_click=_analyse, args=(key,), disabled=running,
              help="Saves the files in the workspace and analyses them in the background. "
                   "Files added earlier are not analysed again.")
    _upload_notice("add_duplicates", "add_dups_ok", "Already added before, not added again: ")
    _upload_notice("add_replaced", "add_replaced_ok", "Replaced the file of the same name added before (decisions "
                   "on unchanged answers are kept; consent changes apply; a group or year typed above replaces "
                   "the file's, empty ones keep it): ")
    _upload_notice("add_same_name", "add_same_name_ok", "Has the name of a file added before but other answers, "
                   "so it was added as a file of its own (the earlier one is kept): ")
    _progress_panel(ctx.ws_path)
    listed = jobs.batches(ctx.ws_path)      # read once for the warnings and the list below
    problems = jobs.file_problems(ctx.ws_path, listed)
    known = {f["name"] for f in problems}
    last = jobs.read_state(ctx.ws_path) or {}
    problems += [{"name": f["name"], "error": f.get("error"), "added": "in the last analysis"}
                 for f in last.get("files", []) if f.get("status") == "unreadable" and f["name"] not in known]
    for i, f in enumerate(problems):
        added = f"added {f['added']}" if f["added"][:1].isdigit() else f["added"]
        st.warning(md_escape(f"Could not read {f['name']} ({added}): {f['error'] or 'unknown problem'}. "
                             "The other files were analysed. Add a corrected file of the same name to replace "
                             "it, or put this warning away (the stored copy of the file is deleted)."))
        st.button(f"Put away the warning about {f['name']}", key=f"dismiss_{i}", on_click=_dismiss_unreadable,
                  args=(f["name"],), disabled=running)
    for f in jobs.outdated_files(ctx.ws_path, listed):
        st.warning(md_escape(jobs.outdated_message(f["name"], f.get("newer"))))
    rows = jobs.file_rows(ctx.ws, listed)
    if rows:
        with st.expander(files_added_label(rows)):
            st.dataframe(rows, hide_index=True, width="stretch")
            st.caption(OPEN_QUESTIONS_NOTE)
    _open_questions_picker(ctx, listed, running)


def files_added_label(rows: list[dict]) -> str:
    """The Add files list's heading: how many files were added, not counting one that could not
    be read (it is no file of the workspace: its warning above says what to do), which is named
    apart ("Files added so far (3; 2 could not be read)")."""
    from . import jobs

    failed = sum(1 for r in rows if str(r.get("result", "")).startswith(jobs.FILE_STATUS["unreadable"]))
    line = f"Files added so far ({len(rows) - failed}"
    return line + (f"; {failed} could not be read)" if failed else ")")


def _open_questions_picker(ctx: Ctx, listed: list[dict], running: bool) -> None:
    """Which columns of a survey added before are open questions (:mod:`copquotes.app.openquestions`)."""
    from . import openquestions

    surveys = {f"{s['batch']}/{s['path']}": s for s in openquestions.survey_files(ctx.ws_path, listed)}
    if not surveys:
        return
    with st.expander(PICK_QUESTIONS):
        st.caption("The questions whose written answers are read for quotes. copquotes works them out from the "
                   "answers; tick the ones it missed (or untick one that is not), then press Analyse... to read "
                   "the survey again with them. Decisions on answers already read are kept.")
        pick = st.selectbox("Survey", list(surveys), key="oq_file", format_func=lambda k: surveys[k]["name"]
                            + (" (open questions chosen)" if surveys[k]["chosen"] else ""))
        s = surveys[pick]
        try:
            cols = openquestions.columns(ctx.ws, ctx.ws_path, s["batch"], s["path"])
        except CopquotesError as exc:
            st.warning(md_escape(str(exc)))
            return
        names = openquestions.option_labels(cols)
        key = f"oq_cols_{pick}"
        opened = list(dict.fromkeys(c["id"] for c in cols if c["open"]))   # a column id on two sheets: once
        st.multiselect("Open questions", list(names), default=opened, key=key,
                       format_func=lambda i: names.get(i, i), disabled=running,
                       placeholder="none chosen: copquotes works them out")
        st.button("Use these at the next Analyse", key="oq_save", on_click=_choose_open_questions,
                  args=(s["batch"], s["path"], s["name"], key), disabled=running)


def _choose_open_questions(batch: str, path: str, name: str, key: str) -> None:
    from . import openquestions

    ctx = current()
    ids = list(st.session_state.get(key) or [])
    try:
        done = openquestions.choose(ctx.ws_path, batch, path, ids)
    except CopquotesError as exc:
        _flash("error", str(exc))
        return
    if not done:
        _flash("warning", "An analysis is running: choose the open questions when it is done.")
    elif ids:
        _flash("success", f"{name}: {len(ids)} open question{'s' if len(ids) != 1 else ''} chosen. Press "
                          "Analyse... to read it again with them.")
    else:
        _flash("success", f"{name}: copquotes works its open questions out again. Press Analyse... to read it again.")


def _dismiss_unreadable(name: str) -> None:
    from . import jobs

    ctx = current()
    n = jobs.dismiss_unreadable(ctx.ws_path, name)
    if n is None:
        _flash("warning", f"An analysis is running: put away the warning about {name} when it is done.")
    else:
        _flash("success", f"Put away the warning about {name}" + (" and deleted its stored copy." if n else "."))


# ---------------------------------------------------------------------------------- triage
KEYS_JS = """
<script>
(function () {
  const win = window.parent;
  if (!win || win.__copquotesKeys) { return; }
  win.__copquotesKeys = true;
  const EDIT = "Edit (E)";
  const map = {a: "Approve (A)", r: "Reject (R)", e: EDIT, s: "Skip (S)", u: "Undo (U)"};
  const queue = [];
  function button(label) {
    return Array.from(win.document.querySelectorAll("button")).find(
      function (b) { return b.innerText.trim() === label; });
  }
  function busy() {
    const app = win.document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute("data-test-script-state") : null;
    return state === "running" || state === "rerunRequested";
  }
  // the triage edit box (its label starts so; the Quotes page has no lettered buttons)
  function editBox() {
    return win.document.querySelector('textarea[aria-label^="Text to publish"]');
  }
  // After E (key or click) the letters a reviewer types are words of the edit, never shortcuts:
  // until the edit box is drawn they are kept here, then the box gets the focus and the letters.
  let editAsked = 0, typed = "";
  function askEdit() {
    if (!editAsked) { editAsked = Date.now(); win.setTimeout(focusEdit, 50); }
  }
  function focusEdit() {
    if (!editAsked) { return; }
    const box = editBox();
    if (!box || busy()) {
      if (Date.now() - editAsked < 15000) { win.setTimeout(focusEdit, 50); return; }
      editAsked = 0; typed = ""; return;   // no edit box came (the quote cannot be edited)
    }
    editAsked = 0;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    if (typed) { win.document.execCommand("insertText", false, typed); typed = ""; }
  }
  win.document.addEventListener("click", function (ev) {
    const b = ev.target && ev.target.closest ? ev.target.closest("button") : null;
    if (b && b.innerText.trim() === EDIT) { askEdit(); }
  }, true);
  // a key pressed while the page's script runs would click a button of the page being replaced,
  // and be lost: keys wait (in order) until the script is done, then click the new page's button
  let clickedAt = 0, sawBusy = true, idleSince = 0;
  function drain() {
    if (!queue.length) { return; }
    if (busy()) { sawBusy = true; idleSince = 0; win.setTimeout(drain, 50); return; }
    // after a click, wait for the rerun it asks for to start (or 1 s) before the next key
    if (!sawBusy && Date.now() - clickedAt < 1000) { win.setTimeout(drain, 50); return; }
    if (!idleSince) { idleSince = Date.now(); }
    const btn = button(queue[0]);
    // the redrawn page may show the button (or enable it, e.g. Undo after an approval) a moment
    // after the script is done: look again for up to 1.5 s before the key is dropped
    if ((!btn || btn.disabled) && Date.now() - idleSince < 1500) { win.setTimeout(drain, 50); return; }
    const label = queue.shift();
    if (btn && !btn.disabled) { btn.click(); clickedAt = Date.now(); sawBusy = false; idleSince = 0; }
    else if (label === EDIT) { editAsked = 0; typed = ""; }
    if (queue.length) { win.setTimeout(drain, 50); }
  }
  win.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    const t = ev.target;
    const tag = ((t && t.tagName) || "").toLowerCase();
    // typing in any field: its letters are text
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)
        || (t && t.closest && t.closest('[role="combobox"], [role="listbox"], [role="textbox"]'))) { return; }
    if (editAsked) {            // E pressed, the box not drawn yet: keep what is typed for it
      if (ev.key && ev.key.length === 1) { typed += ev.key; }
      else if (ev.key === "Backspace") { typed = typed.slice(0, -1); }
      else { return; }
      ev.preventDefault(); ev.stopImmediatePropagation();
      return;
    }
    if (ev.repeat || editBox()) { return; }   // an edit is open: letters are no shortcuts
    const label = map[(ev.key || "").toLowerCase()];
    if (!label) { return; }
    // (a disabled button too: the page being drawn may enable it, e.g. Undo after an approval;
    // drain() drops the key if it stays disabled)
    if (button(label)) {
      ev.preventDefault(); ev.stopImmediatePropagation();
      if (label === EDIT) { askEdit(); }
      queue.push(label);
      if (queue.length === 1) { drain(); }
    }
  }, true);
})();
</script>
"""


KEYS_OFF = ("The keys A, R, E, S and U are off while this quote's edit box is open (your unsaved text is "
            "in it): press 'Save and approve' to keep your text, or 'Cancel edit' to discard it, and the "
            "keys work again.")


def _keyboard() -> None:
    """Keys A, R, E, S, U click the triage buttons of the same letters (in the browser). After E
    the edit box gets the focus (with any letters typed before it was drawn); while the focus is
    in a field, or an edit is open, letters are text, never decisions. The script is the app's
    own constant (no participant text); it runs once per browser tab."""
    st.html(KEYS_JS, unsafe_allow_javascript=True)


TRIAGE_REASON_CLEARED = ("The quote you chose a reason to reject for is no longer the one shown (decided by someone else "
                         "meanwhile, or moved by a re-rank): your reason is cleared, so R does not reject this quote "
                         "with it. Read it, then choose again.")


def _triage_reason_for(quote_id: str) -> None:
    """The quote a triage reason was chosen or typed for (:func:`triage_page` clears the reason
    when another quote comes to the front without this reviewer's key)."""
    st.session_state["tr_reason_for"] = quote_id


def _triage(action: str, quote_id: str, version: int) -> None:
    from .. import collection as collections
    from . import drafts

    ctx = current()
    ss = st.session_state
    if action in ("approve", "reject", "skip", "undo", "save_edit"):
        ss.pop("tr_reason_for", None)      # the reviewer moves on: a chosen reason stays for the next quote
    undo = ss.setdefault("tr_undo", [])
    skipped = ss.setdefault("tr_skipped", [])
    try:
        if action == "skip":
            skipped.append(quote_id)
            undo.append({"qid": quote_id, "action": "skip"})
        elif action == "edit":
            ss["tr_editing"] = quote_id
            return
        elif action == "cancel_edit":
            ss.pop("tr_editing", None)
            ss.pop(f"tr_edit_{quote_id}_{version}", None)
            ss.get("tr_refused", {}).pop(quote_id, None)
            drafts.discard(ctx.ws, ctx.reviewer, quote_id)
            return
        elif action == "undo":
            if not undo:
                _flash("info", "Nothing to undo.")
                return
            last = undo.pop()
            if last["action"] == "skip":
                if last["qid"] in skipped:
                    skipped.remove(last["qid"])
            else:
                cur = data.quote_statuses(ctx.ws, [last["qid"]]).get(last["qid"])
                if cur is None:
                    _flash("error", "That quote no longer exists (the analysis was re-run).")
                    return
                review.reset(ctx.ws, last["qid"], ctx.reviewer, last["version"])
                if last.get("collection"):
                    collections.remove(ctx.ws, last["collection"], last["qid"], ctx.reviewer)
            ss["tr_front"] = last["qid"]
            _flash("info", "Undone: the quote is back.")
            return
        else:
            if action == "approve":
                after = review.approve(ctx.ws, quote_id, ctx.reviewer, version)
            elif action == "reject":
                after = review.reject(ctx.ws, quote_id, ctx.reviewer,
                                      reject_reason(ss.get("tr_reason"), ss.get("tr_reason_more", "")), version)
                ss["tr_reason_more"] = ""
            else:  # save_edit: the edited text, approved (kept as a draft first: a refusal loses nothing)
                text = ss.get(f"tr_edit_{quote_id}_{version}", "")
                keep_draft(ctx, quote_id, version, text, None)
                after = review.edit(ctx.ws, quote_id, ctx.reviewer, text, version, approve=True)
                ss.pop("tr_editing", None)
            drafts.discard(ctx.ws, ctx.reviewer, quote_id)
            ss.get("tr_refused", {}).pop(quote_id, None)
            entry = {"qid": quote_id, "action": action, "version": int(after["version"])}
            target = " ".join(str(ss.get("tr_collection") or "").split())
            if target and after.get("status") == "approved":
                collections.add(ctx.ws, target, [quote_id], ctx.reviewer)
                entry["collection"] = target
            undo.append(entry)
            _rerank_after_batch(ctx)
        if ss.get("tr_front") == quote_id:
            ss.pop("tr_front", None)
    except review.QuoteConflict as exc:
        # the reviewer's change and the other version are shown side by side until they choose
        ss.pop("tr_editing", None)
        ss["tr_conflict"] = {"qid": quote_id, "message": str(exc), "attempted": dict(exc.attempted or {})}
        text = ss["tr_conflict"]["attempted"].get("edited_text")
        if text is not None:
            ss[f"tr_conflict_text_{quote_id}"] = text
    except CopquotesError as exc:
        if action == "save_edit":      # the text stays in the box, the reason above it
            ss.setdefault("tr_refused", {})[quote_id] = _edit_refused(exc, ctx.show_original)
        else:
            _flash("error", str(exc))


def _triage_conflict_done(action: str, quote_id: str, version: int) -> None:
    """The conflict panel's buttons: save the reviewer's edit over the other version (and approve
    it), or keep the other version."""
    ctx = current()
    ss = st.session_state
    if action == "reapply":
        text = ss.get(f"tr_conflict_text_{quote_id}", "")
        try:
            after = review.edit(ctx.ws, quote_id, ctx.reviewer, text, version, approve=True)
        except review.QuoteConflict as exc:           # changed again meanwhile: show the newest
            ss["tr_conflict"] = {"qid": quote_id, "message": str(exc), "attempted": dict(exc.attempted or {})}
            return
        except CopquotesError as exc:
            _flash("error", str(exc))
            return
        entry = {"qid": quote_id, "action": "save_edit", "version": int(after["version"])}
        target = " ".join(str(ss.get("tr_collection") or "").split())
        if target and after.get("status") == "approved":
            from .. import collection as collections

            collections.add(ctx.ws, target, [quote_id], ctx.reviewer)
            entry["collection"] = target
        ss.setdefault("tr_undo", []).append(entry)
        _flash("success", "Saved your edit and approved the quote.")
    from . import drafts

    drafts.discard(ctx.ws, ctx.reviewer, quote_id)      # saved, or the reviewer kept the other version
    ss.pop("tr_conflict", None)
    ss.pop(f"tr_conflict_text_{quote_id}", None)


def _triage_conflict(ctx: Ctx, conflict: dict) -> None:
    """A save another reviewer got in before: what they saved, and the reviewer's own change
    (an edit in an edit box, ready to save again)."""
    qid = conflict["qid"]
    attempted = conflict.get("attempted") or {}
    with st.container(border=True):
        st.error(md_escape(conflict["message"]))
        rows = data.quote_rows(ctx.ws, [qid])
        q = rows[0] if rows else None
        if q is None:
            st.warning("This quote is no longer in the workspace, so your change cannot be saved.")
        else:
            who = q.get("updated_by") or "another reviewer"
            st.caption(md_escape(f"The version {who} saved (now {q['status']}):"))
            if q["display_text"] is not None:
                show_text(q["display_text"], quote=True)
            st.markdown(md_escape(q["attribution"]))
        wanted = {"approve": "approve it", "reject": "reject it", "reset": "undo a decision",
                  "save_edit": "save your edit"}.get(attempted.get("action"), "change it")
        if attempted.get("edited_text") is not None and q is not None:
            st.text_area("Text to publish (your edit, not saved yet: save it over theirs, or keep theirs)",
                         key=f"tr_conflict_text_{qid}", height=120)
            b = st.columns([2, 2, 3])
            b[0].button("Save my edit and approve", key="tr_reapply", type="primary", on_click=_triage_conflict_done,
                        args=("reapply", qid, int(q["version"])))
            b[1].button("Keep their version", key="tr_keep_theirs", on_click=_triage_conflict_done,
                        args=("keep", qid, 0))
        else:
            if attempted.get("edited_text") is not None:
                st.caption("Your edit, not saved (copy it if you need it):")
                st.code(attempted["edited_text"], language=None, wrap_lines=True)
            else:
                st.caption(md_escape(f"You wanted to {wanted}; nothing was saved. Decide again if you need to."))
            st.button("Go on to the next quote", key="tr_keep_theirs", type="primary",
                      on_click=_triage_conflict_done, args=("keep", qid, 0))


def _rerank_after_batch(ctx: Ctx, now: bool = False) -> None:
    """Every :data:`~copquotes.quotes.learning.RERANK_EVERY` new decisions (or ``now``), the
    shortlist is re-ranked from the decisions in a background process; the reviewer's next
    quote does not wait for it, and the order changes at the next quote after it is done."""
    from ..quotes import learning

    if now or data.pending_decisions(ctx.ws) >= learning.RERANK_EVERY:
        try:
            learning.rerank_in_background(ctx.ws_path)
        except OSError as exc:   # the decision is saved; only the re-rank did not start
            _flash("warning", f"Could not start re-ranking the shortlist ({exc.strerror or exc}); "
                              "the order stays as it is.")


def _keep_decided(order: list[str], key: tuple) -> list[str]:
    """The shortlist lists pending quotes only, so a re-rank (which makes a new one) would drop
    the quotes decided so far from the page's count: they stay in front of the new order."""
    ss = st.session_state
    prev = ss.get("tr_order") or {}
    if prev.get("key") == key and prev.get("order") != order:
        new = set(order)
        gone = [q for q in prev["order"] if q not in new]
        statuses = data.quote_statuses(current().ws, gone) if gone else {}
        kept = [q for q in gone if statuses.get(q, ("",))[0] in ("approved", "rejected", "edited")]
        order = kept + order
    ss["tr_order"] = {"key": key, "order": order}
    return order


def _rerank_now() -> None:
    _rerank_after_batch(current(), now=True)


def rank_line(ctx: Ctx) -> str:
    """The triage page's line on ranking: when the shortlist was last re-ranked from decisions."""
    from ..quotes import learning

    if learning.is_reranking(ctx.ws_path):
        return (f"Learning the order from {data.decided_count(ctx.ws)} decisions in the background "
                "(keep going: the order changes when it is done).")
    return order_line(learning.last_rerank(ctx.ws),
                      learning.RERANK_EVERY)


def order_line(last: dict | None, every: int) -> str:
    """The order of the quotes in plain words (``copquotes`` CLI keeps ``learning.describe``)."""
    if not last or not last.get("decisions"):
        return (f"Quotes come best-scored first. After every {every} decisions the order learns from "
                "what reviewers approve and reject.")
    at = str(last.get("at") or "")[:16].replace("T", " ")
    n = int(last["decisions"])
    if last.get("adopted"):
        return f"The order learned from {n} decisions (updated {at} UTC)."
    return (f"Quotes come best-scored first: the order learned from {n} decisions ({at} UTC) "
            "was not better, so it is not used yet.")


def _more(n: int) -> None:
    st.session_state["tr_top"] = st.session_state.get("tr_top", data.TRIAGE_BATCH) + n


def _clear_skipped() -> None:
    st.session_state["tr_skipped"] = []


def triage_queue(ctx: Ctx, order: list[str]) -> tuple[list[str], int]:
    """The quotes of ``order`` still to decide (pending or edited, not skipped), the one to show
    first in front; and how many of ``order`` have a decision."""
    ss = st.session_state
    statuses = data.quote_statuses(ctx.ws, order)
    skipped = set(ss.get("tr_skipped", []))
    todo = [q for q in order if statuses.get(q, ("",))[0] in ("pending", "edited") and q not in skipped]
    front = ss.get("tr_front")
    if front in todo:
        todo.remove(front)
        todo.insert(0, front)
    decided = sum(1 for q in order if statuses.get(q, ("",))[0] in ("approved", "rejected"))
    return todo, decided


def _triage_edit_box(ctx: Ctx, q: dict) -> bool:
    """The triage edit box, open after E, or by itself when the reviewer has an unsaved draft of
    the quote (a reload brings it back); a stale draft is shown beside the quote, and a refused
    edit stays in the box with the reason above it. Returns whether the box is open."""
    from . import drafts

    ss = st.session_state
    qid, v = q["quote_id"], int(q["version"])
    if q["display_text"] is None:
        return False
    draft = drafts.get(ctx.ws, ctx.reviewer, qid)
    fresh = draft is not None and not draft.stale(v)
    key = f"tr_edit_{qid}_{v}"
    if not (ss.get("tr_editing") == qid or fresh):
        draft_notice(draft, qid, v, key, q["display_text"], "tr_")     # a stale draft: shown, not applied
        return False
    warm_edit_check()
    refused = ss.get("tr_refused", {}).get(qid)
    if refused:
        st.error(md_escape(refused))
    draft_notice(draft, qid, v, key, q["display_text"], "tr_")
    st.text_area("Text to publish ('...' for dropped words, [brackets] for added ones)"
                 + (" — unsaved draft" if fresh else ""),
                 value=draft.text if fresh else q["display_text"], key=key, height=120,
                 on_change=_draft_changed, args=(qid, v, key, q["display_text"]))
    e = st.columns([1, 1, 4])
    e[0].button("Save and approve", key="tr_save", on_click=_triage, args=("save_edit", qid, v))
    e[1].button("Cancel edit", key="tr_cancel", on_click=_triage, args=("cancel_edit", qid, v),
                help="Closes the edit box and discards what you typed.")
    return True


def triage_page() -> None:
    ctx = current()
    ss = st.session_state
    st.title("Triage")
    _show_flash()
    opts = filter_options(ctx)      # not re-read after every decision
    labels = dict(opts["themes"])
    url_restore("triage", opts)
    c = st.columns([2, 3])
    theme = c[0].selectbox("Theme", [ALL] + list(labels), key="tr_theme",
                           format_func=lambda t: "all themes (best first)" if t == ALL else labels.get(t, t))
    url_keep("triage")
    c[1].text_input("Put approved quotes in this collection (optional)", key="tr_collection",
                    placeholder="e.g. Annual report 2025")
    top = int(ss.get("tr_top", data.TRIAGE_BATCH))
    from ..quotes import learning

    ranked_at = learning.ranking_token(ctx.ws)
    with st.spinner("Ranking the quotes (once after each analysis or re-rank; a theme's shortlist compares the "
                    "quotes' meaning, which takes longer) ..."):
        order = _cached("triage_order", ctx.ws_path, f"analysis:{ctx.analysis_token}|ranked:{ranked_at}",
                        (None if theme == ALL else theme, top), ctx.ws)
    if not order and not ctx.ws.conn.execute("SELECT 1 FROM quotes LIMIT 1").fetchone():
        st.info("No quotes to triage yet: add files and press Analyse on the Add files page.")
        return
    order = _keep_decided(order, (theme, top))
    todo, decided = triage_queue(ctx, order)
    st.caption(md_escape(rank_line(ctx)))
    st.progress(decided / max(1, len(order)),
                text=f"{decided} of {len(order)} quotes in this shortlist decided · {len(todo)} to go")
    _keyboard()
    _keep_drafts_on_reload()
    conflict = ss.get("tr_conflict")
    if conflict:
        _triage_conflict(ctx, conflict)
        return
    if not todo:
        st.success("Every quote in this shortlist has a decision.")
        b = st.columns(3)
        b[0].button("Show 50 more quotes", key="tr_more", on_click=_more, args=(data.TRIAGE_BATCH,))
        b[1].button("Show skipped quotes again", key="tr_unskip", on_click=_clear_skipped,
                    disabled=not ss.get("tr_skipped"))
        b[2].button("Undo (U)", key="tr_undo_btn", on_click=_triage, args=("undo", "", 0),
                    disabled=not ss.get("tr_undo"))
        return
    rows = data.quote_rows(ctx.ws, todo[:1], None if theme == ALL else theme)
    if not rows:
        st.warning("This quote no longer exists: reload the page.")
        return
    q = rows[0]
    qid, v = q["quote_id"], int(q["version"])
    # keyed by the quote and its version: the tab's copy of a typed edit finds its quote (tabdrafts)
    with st.container(border=True, key=f"tr_quote_{qid}_{v}"):
        st.caption(md_escape(" · ".join(x for x in (where_line(q), q["speaker"]) if x)
                             + (f" · status {status_line(q)}" if status_line(q) != "pending" else "")))
        if q.get("question"):
            st.caption("Question: " + md_escape(q["question"]))
        _quote_body(q, labels, hidden=ANALYSE_SENTENCE)
        editing = _triage_edit_box(ctx, q)
        b = st.columns(5)
        b[0].button("Approve (A)", key="tr_approve", on_click=_triage, args=("approve", qid, v),
                    disabled=q["display_text"] is None, width="stretch")
        b[1].button("Reject (R)", key="tr_reject", on_click=_triage, args=("reject", qid, v), width="stretch")
        b[2].button("Edit (E)", key="tr_edit", on_click=_triage, args=("edit", qid, v),
                    disabled=q["display_text"] is None, width="stretch")
        b[3].button("Skip (S)", key="tr_skip", on_click=_triage, args=("skip", qid, v), width="stretch")
        b[4].button("Undo (U)", key="tr_undo_btn", on_click=_triage, args=("undo", "", 0),
                    disabled=not ss.get("tr_undo"), width="stretch")
        if ss.get("tr_reason_for") not in (None, qid):
            # chosen for a quote that went from the front without this reviewer's key (a colleague
            # decided it): never used on the next one, which the reviewer has not read yet
            ss.pop("tr_reason_for")
            ss["tr_reason"], ss["tr_reason_more"] = None, ""
            st.info(TRIAGE_REASON_CLEARED)
        r = st.columns(2)
        r[0].selectbox("Reason to reject", REJECT_REASONS, key="tr_reason", index=None, placeholder=REASON_PLACEHOLDER,
                       on_change=_triage_reason_for, args=(qid,))
        r[1].text_input("More about why (optional)", key="tr_reason_more", placeholder="a few words, if you like",
                        on_change=_triage_reason_for, args=(qid,))
    if editing:           # the keyboard script types into the open box: say so, and how to get the keys back
        st.warning(KEYS_OFF)
    else:
        st.caption("Keys: A approve · R reject with the reason chosen (choose one first) · E edit · S skip · "
                   "U undo the last one.")
    st.button("Re-rank now", key="tr_rerank", on_click=_rerank_now, disabled=learning.is_reranking(ctx.ws_path),
              help="Learn from the decisions so far and re-rank the shortlist in the background (this also "
                   f"happens by itself after every {learning.RERANK_EVERY} decisions).")
    with st.expander("Context: the turns around this quote", expanded=True):
        for turn in cached(ctx, "context_turns", q["unit_id"]):
            who = " ".join(str(x) for x in (turn["speaker"], turn["speaker_role"]) if x)
            st.caption(md_escape(("▶ " if turn["is_self"] else "") + who))
            if turn["text"] is None:
                st.caption("(not anonymised yet)")
            else:
                show_text(turn["text"], quote=True)


# ---------------------------------------------------------------------------------- collections
def _coll(action: str, name: str, qid: str = "", delta: int = 0) -> None:
    from .. import collection as collections

    ctx = current()
    ss = st.session_state
    try:
        if action == "create":
            made = collections.create(ctx.ws, ss.get("c_new_name"), ctx.reviewer, ss.get("c_new_note", ""))
            ss["c_pick"] = made["name"]
            ss["c_new_name"] = ""
            ss["c_new_note"] = ""
            _flash("success", f"Created the collection '{made['name']}'.")
        elif action == "note":
            collections.set_note(ctx.ws, name, ss.get(f"c_note_{name}", ""), ctx.reviewer)
            _flash("success", "Saved the note.")
        elif action == "remove":
            collections.remove(ctx.ws, name, qid, ctx.reviewer)
        elif action == "move":
            collections.move(ctx.ws, name, qid, delta, ctx.reviewer)
        elif action == "delete":
            collections.delete(ctx.ws, name, ctx.reviewer)
            ss.pop("c_pick", None)
            _flash("success", f"Deleted the collection '{name}' (its quotes keep their decisions).")
        elif action == "export":
            _do_export("quotes", ss.get("c_fmt", ".docx"), True, None, name)
    except CopquotesError as exc:
        _flash("error", str(exc))


def collections_page() -> None:
    from .. import collection as collections

    ctx = current()
    ss = st.session_state
    st.title("Collections")
    _show_flash()
    st.caption("A collection gathers approved quotes for one purpose (a report, a newsletter), in the order you "
               "choose, with a note. Add quotes from Triage or from the table on the Quotes page.")
    colls = collections.list_collections(ctx.ws)
    with st.expander("New collection", expanded=not colls):
        st.text_input("Name", key="c_new_name", placeholder="e.g. Annual report 2025")
        st.text_input("Note (optional)", key="c_new_note")
        st.button("Create collection", key="c_create", on_click=_coll, args=("create", ""))
    if not colls:
        st.info("No collections yet.")
        return
    names = [c["name"] for c in colls]
    if ss.get("c_pick") not in names:
        ss["c_pick"] = names[0]
    counts = {c["name"]: c for c in colls}
    name = st.selectbox("Collection", names, key="c_pick",
                        format_func=lambda n: f"{n} ({counts[n]['quotes']} quotes)")
    info = counts[name]
    st.text_area("Note", value=info["note"] or "", key=f"c_note_{name}", height=68)
    st.button("Save note", key="c_save_note", on_click=_coll, args=("note", name))
    ids = collections.quote_ids(ctx.ws, name)
    rows = {r["quote_id"]: r for r in data.quote_rows(ctx.ws, ids)}
    approved = collections.approved_ids(ctx.ws, name)
    e = st.columns([2, 1, 3])
    e[0].selectbox("Format", [".docx", ".md", ".csv"], key="c_fmt", format_func=lambda x: FORMAT_NAMES.get(x, x))
    e[1].button("Export collection", key="c_export", type="primary", on_click=_coll, args=("export", name),
                disabled=not approved)
    e[2].caption(f"Writes the {len(approved)} approved quote(s) of this collection, in this order.")
    done = ss.get("_export")
    if done and Path(done["path"]).is_file() and done.get("collection") == name:
        st.download_button(f"Download {done['name']}", data=Path(done["path"]).read_bytes(),
                           file_name=done["name"], key="c_download")
    labels = dict(filter_options(ctx)["themes"])
    for i, qid in enumerate(ids):
        q = rows.get(qid)
        with st.container(border=True):
            if q is None:
                st.warning(f"Quote {qid} no longer exists (its speaker withdrew consent or the analysis changed).")
            else:
                st.markdown(f"**{i + 1}.** " + ("" if q["status"] == "approved"
                                                  else f":orange[{md_escape(q['status'])}: not exported] "))
                if q["display_text"] is not None:
                    show_text(q["display_text"], quote=True)
                st.markdown(md_escape(q["attribution"]))
                if q["labelled"]:
                    st.markdown(_badges(q["labelled"], labels))
                with st.popover("Copy"):
                    _copy_box(q)
            b = st.columns([1, 1, 1, 5])
            b[0].button("Up", key=f"c_up_{qid}", on_click=_coll, args=("move", name, qid, -1), disabled=i == 0)
            b[1].button("Down", key=f"c_down_{qid}", on_click=_coll, args=("move", name, qid, 1),
                        disabled=i == len(ids) - 1)
            b[2].button("Remove", key=f"c_rm_{qid}", on_click=_coll, args=("remove", name, qid))
    with st.expander("Delete this collection"):
        st.button(f"Delete '{name}'", key="c_delete", on_click=_coll, args=("delete", name))


PAGES = {"add": add_files_page, "overview": overview_page, "triage": triage_page, "quotes": quotes_page,
         "collections": collections_page, "themes": themes_page, "topics": topics_page, "export": export_page}
PAGE_LINKS: dict = {}            # page name -> st.Page, filled by main() (st.page_link needs the object)
