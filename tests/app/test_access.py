"""Who may open the app and who may see originals: the credential logic without Streamlit
(table-driven), then the gating through the real app under AppTest."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from copquotes.app import access
from copquotes.app.access import Access, may_see_originals, parse_access, sign_in, verify_password
from copquotes.resources import REPO_DIR

from .builders import NAME, build_workspace, quote_ids

TIMEOUT = 60
ANN_PW, BOB_PW, SHARED = "ann's own pass", "bob-pass-2", "team-password"
ANN_HASH = access.hash_password(ANN_PW)
BOB_HASH = access.hash_password(BOB_PW)


# ---------------------------------------------------------------------------------- credentials
def test_hashes_are_salted_and_verify_only_their_password():
    again = access.hash_password(ANN_PW)
    assert again != ANN_HASH                                 # a fresh salt each time
    assert verify_password(ANN_PW, ANN_HASH) and verify_password(ANN_PW, again)
    for wrong in ("", "ann's own pas", ANN_PW.upper(), BOB_PW, None):
        assert not verify_password(wrong, ANN_HASH)
    for broken in ("", "hunter2", "scrypt$1$1$1$AA$AA", ANN_HASH[:-8], ANN_HASH.replace("scrypt", "md5")):
        assert not verify_password(ANN_PW, broken)


BOTH = Access(password=SHARED, reviewers={"ann lee": ("Ann Lee", ANN_HASH), "bob": ("Bob", BOB_HASH)})
SHARED_ONLY = Access(password=SHARED)
REVIEWERS_ONLY = Access(reviewers={"ann lee": ("Ann Lee", ANN_HASH)})
OPEN = Access()

SIGN_IN_CASES = [
    # (access, name typed, password typed, ok, verified, shown name)
    (BOTH, "Ann Lee", ANN_PW, True, True, "Ann Lee"),
    (BOTH, "  ann   LEE ", ANN_PW, True, True, "Ann Lee"),          # the listed spelling is kept
    (BOTH, "Ann Lee", SHARED, False, False, None),                  # the shared password never proves a name
    (BOTH, "Ann Lee", BOB_PW, False, False, None),                  # nor somebody else's
    (BOTH, "Ann Lee", "", False, False, None),
    (BOTH, "Carol", SHARED, True, False, "Carol"),                  # unlisted: the shared password lets in
    (BOTH, "Carol", ANN_PW, False, False, None),
    (BOTH, "Carol", "", False, False, None),
    (SHARED_ONLY, "Ann Lee", SHARED, True, False, "Ann Lee"),       # no reviewer accounts: never verified
    (SHARED_ONLY, "Ann Lee", "nope", False, False, None),
    (REVIEWERS_ONLY, "Ann Lee", ANN_PW, True, True, "Ann Lee"),
    (REVIEWERS_ONLY, "Ann Lee", "", False, False, None),            # a typed name alone unlocks nothing
    (REVIEWERS_ONLY, "Dev", "", True, False, "Dev"),                # loopback without a shared password
    (OPEN, "Ann Lee", None, True, False, "Ann Lee"),
]


@pytest.mark.parametrize("acc, name, pw, ok, verified, shown", SIGN_IN_CASES)
def test_sign_in(acc, name, pw, ok, verified, shown):
    r = sign_in(acc, name, pw)
    assert (r.ok, r.verified) == (ok, verified)
    if ok:
        assert r.name == shown
    else:
        assert "password" in r.message.lower()


@pytest.mark.parametrize("allowed, reviewer, verified_as, sees", [
    (["Ann Lee"], "Ann Lee", "Ann Lee", True),
    ("ann lee", "Ann  Lee", "ANN LEE", True),
    (["Ann Lee"], "Ann Lee", None, False),          # named in show_original_for, but only typed the name
    (["Ann Lee"], "Ann Lee", "Bob", False),         # proved another name
    (["Bob"], "Ann Lee", "Ann Lee", False),         # proved, but the workspace does not name her
    ([], "Ann Lee", "Ann Lee", False),
    (None, "Ann Lee", "Ann Lee", False),
    (["Ann Lee"], "", "", False),
])
def test_originals_need_both_a_credential_and_the_workspace_config(allowed, reviewer, verified_as, sees):
    assert may_see_originals(allowed, reviewer, verified_as) is sees


def test_parsed_secrets_keep_hashes_by_normalised_name():
    acc = parse_access({"password": SHARED, "reviewers": {"Ann  Lee": ANN_HASH}})
    assert acc.password == SHARED and acc.reviewers == {"ann lee": ("Ann Lee", ANN_HASH)} and acc.needs_password


# ---------------------------------------------------------------------------------- the app
@pytest.fixture
def ws(tmp_path, monkeypatch):
    # start in a clean folder with a clean home: no real secrets file of this machine is read
    (tmp_path / "home").mkdir()
    (tmp_path / "run").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "run")
    w = build_workspace(tmp_path / "ws")
    monkeypatch.setenv("COPQUOTES_WORKSPACE", str(w.path))
    yield w
    w.close()


def app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=TIMEOUT)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    return at.run()


def texts(at) -> list[str]:
    return [e.value for kind in ("title", "markdown", "error", "caption", "info") for e in at.get(kind)]


@pytest.mark.parametrize("content, says", [
    ("password = s3cret\n", "does not parse"),
    ('password = ""\n', "is empty"),
    ("[reviewers]\nAnn = \"hunter2\"\n", "not a password hash"),
])
def test_a_broken_secrets_file_shows_no_page_at_all(ws, tmp_path, content, says):
    (tmp_path / "run" / ".streamlit").mkdir()
    (tmp_path / "run" / ".streamlit" / "secrets.toml").write_text(content)
    at = app()
    assert not at.exception
    assert len(at.error) == 1 and says in at.error[0].value
    assert texts(at) == [at.error[0].value]              # no title, no login form, nothing of the workspace
    assert not at.text_input and not at.button


def test_an_empty_password_from_streamlits_own_secrets_stops_the_app(ws):
    at = app({"password": ""})
    assert len(at.error) == 1 and "is empty" in at.error[0].value and not at.text_input


def _sign_in(at, name, pw=None):
    at.text_input(key="login_name").input(name)
    if pw is not None:
        at.text_input(key="login_password").input(pw)
    at.button[0].click().run()
    return at


def test_a_typed_name_alone_never_unlocks_originals(ws):
    ws.set_config("show_original_for", ["Ann Lee", "Carol"])
    secrets = {"password": SHARED, "reviewers": {"Ann Lee": ANN_HASH}}
    # the shared password with a listed name: refused, whoever types it
    at = _sign_in(app(secrets), "Ann Lee", SHARED)
    assert at.error and "Wrong password for Ann Lee" in at.error[0].value and "reviewer" not in at.session_state
    # an unlisted name the workspace names: in, but no originals
    at = _sign_in(app(secrets), "Carol", SHARED)
    assert at.session_state["reviewer"] == "Carol" and not at.session_state["_verified_reviewer"]
    assert not at.sidebar.toggle
    assert any("own reviewer password" in c.value for c in at.sidebar.caption)
    # her own credential: verified, and the toggle appears
    at = _sign_in(app(secrets), "ann lee", ANN_PW)
    assert at.session_state["reviewer"] == "Ann Lee" and at.session_state["_verified_reviewer"] == "Ann Lee"
    assert [t.key for t in at.sidebar.toggle] == ["show_original"]


def quotes_after_sign_in(ws_path):
    """The app's own sign-in, sidebar and Quotes page, in the order main() runs them."""
    import streamlit as st

    from copquotes.app import views

    acc = views.app_access()
    st.session_state["ws_path"] = ws_path
    if not views.login(acc):
        st.stop()
    views.sidebar(views._open_ws(ws_path), st.session_state["reviewer"])
    views.quotes_page()


@pytest.mark.parametrize("name, pw, sees", [
    ("Ann Lee", ANN_PW, True),
    ("Carol", SHARED, False),          # named in show_original_for, signed in with the shared password
])
def test_originals_on_the_quotes_page_only_after_a_credential(ws, name, pw, sees):
    ws.set_config("show_original_for", ["Ann Lee", "Carol"])
    at = AppTest.from_function(quotes_after_sign_in, args=(str(ws.path),), default_timeout=TIMEOUT)
    at.secrets["password"] = SHARED
    at.secrets["reviewers"] = {"Ann Lee": ANN_HASH}
    at.run()
    _sign_in(at, name, pw)
    assert not at.exception
    if sees:
        at.sidebar.toggle(key="show_original").set_value(True).run()
    else:
        assert not at.sidebar.toggle
        at.session_state["show_original"] = True            # even if the state says so
        at.run()
    shown = "\n".join(str(c.value) for c in at.code)
    assert (NAME in shown) is sees
    assert len(quote_ids(ws)) > 0
