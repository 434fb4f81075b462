"""What a reviewer types in an edit box, kept by the browser tab until the app has it.

The app keeps a reviewer's unsaved edit as a draft in the workspace (:mod:`copquotes.app.drafts`)
when the box sends its text: when the box is left (Streamlit's own path), and before the page
unloads (the script below leaves the box first). Under load that last message can arrive after
the page is gone, or be kept too late (a workspace busy with an analysis), or never be sent (a
tab whose renderer died): the typed words were lost. So the page's own script also mirrors
every edit box, as it is typed in, into the tab's ``sessionStorage``, keyed by quote id and version (the box's widget key, which
Streamlit writes as the class ``st-key-<key>``). When the page is drawn again, a kept text whose
box shows what the server had when the typing began (the quote's text, or a draft this tab sent)
is put back in the box and sent (the box is left), so it reaches the app as any edit does; the
box is opened first when it is closed (the quote's details on the Quotes page, Edit in Triage).
A box is judged only once it shows text: Streamlit adds a new box to the page empty and fills it
a moment later, and an empty box is neither the server's text nor another draft.
A box that shows other text (a draft typed in another tab after this one) keeps it: the server's
newer draft wins, and the tab's copy is dropped.

Nothing else is kept: only what the reviewer typed in a box that holds the anonymised (or their
edited) text, in this tab alone (``sessionStorage`` ends with the tab; never ``localStorage``,
never a cookie), and dropped when its draft is discarded or cancelled, when the quote's version
moves on (a save, a decision or a reset the app accepted: not at the click, so words whose save
never reached the app come back), at Log out, and when another reviewer signs in on the tab (the
copies belong to the reviewer the sidebar names, by a digest of the name in its
``st-key-cq_reviewer_<digest>`` class: never restored into another reviewer's box). The script is the app's constant:
it carries no participant text from the server.
"""
from __future__ import annotations

STORE_PREFIX = "copquotes.draft."

SCRIPT = """
<script>
(function () {
  const win = window.parent;
  if (!win || win.__copquotesDrafts) { return; }
  win.__copquotesDrafts = true;
  const doc = win.document;
  const ID = "([A-Za-z0-9]+)_([0-9]+)(?:\\\\s|$)";
  const BOX = new RegExp("(?:^|\\\\s)st-key-(?:tr_)?edit_" + ID);
  // discarded or cancelled: the copy goes at the click (the reviewer threw the words away); a save
  // or a decision keeps it until the app took it (the quote's version moves on, below)
  const DONE = new RegExp("(?:^|\\\\s)st-key-(?:tr_)?draft_drop_" + ID);
  const TRIAGE_QUOTE = new RegExp("(?:^|\\\\s)st-key-tr_quote_" + ID);
  const TRIAGE_DONE = /(?:^|\\s)st-key-tr_cancel(?:\\s|$)/;
  // who is signed in: the class st-key-cq_reviewer_ and a digest of the name, in the sidebar (views.sidebar)
  const WHO = /(?:^|\\s)st-key-cq_reviewer_([0-9a-f]+)(?:\\s|$)/;
  const OWNER = "copquotes.draftowner";
  function keyIn(el, re) {
    for (let n = el; n && n !== doc.body; n = n.parentElement) {
      const m = typeof n.className === "string" ? n.className.match(re) : null;
      if (m) { return m[1] + "." + m[2]; }
    }
    return null;
  }
  function boxKey(el) { return keyIn(el, BOX); }
  // a reload or a closed tab while the reviewer types in an edit box: the box is left first, so
  // Streamlit sends its text and the app keeps it as a draft (a box sends its text when left)
  function leave() {
    const el = doc.activeElement;
    if (el && el.tagName === "TEXTAREA" && boxKey(el)) { el.blur(); }
  }
  win.addEventListener("beforeunload", leave, true);
  win.addEventListener("pagehide", leave, true);

  const PREFIX = "__PREFIX__";
  let store = null;
  try { store = win.sessionStorage; } catch (e) { store = null; }
  if (!store) { return; }
  function read(k) { try { return JSON.parse(store.getItem(PREFIX + k) || "null"); } catch (e) { return null; } }
  function write(k, v) { try { store.setItem(PREFIX + k, JSON.stringify(v)); } catch (e) { /* full: no copy */ } }
  function drop(k) { try { store.removeItem(PREFIX + k); } catch (e) { /* nothing kept */ } }
  function kept() {
    const out = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) { out.push(k.slice(PREFIX.length)); }
    }
    return out;
  }
  function who() {
    const el = doc.querySelector('[class*="st-key-cq_reviewer_"]');
    const m = el && typeof el.className === "string" ? el.className.match(WHO) : null;
    return m ? m[1] : null;
  }
  // another reviewer signed in on this tab (without Log out): the copies are not theirs
  function sameReviewer() {
    const w = who();
    if (!w) { return false; }
    let owner = null;
    try { owner = store.getItem(OWNER); } catch (e) { owner = null; }
    if (owner !== w) {
      kept().forEach(drop);
      try { store.setItem(OWNER, w); } catch (e) { /* no copy kept without it */ }
    }
    return true;
  }
  function busy() {
    const app = doc.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute("data-test-script-state") : null;
    return state === "running" || state === "rerunRequested";
  }
  // what the box held before the reviewer typed (the server's text: the quote's, or a draft)
  doc.addEventListener("focusin", function (ev) {
    const el = ev.target;
    if (el && el.tagName === "TEXTAREA" && el.__cqBase === undefined && boxKey(el)) { el.__cqBase = el.value; }
  }, true);
  doc.addEventListener("input", function (ev) {
    const el = ev.target;
    const k = el && el.tagName === "TEXTAREA" ? boxKey(el) : null;
    if (!k || !sameReviewer()) { return; }
    const old = read(k) || {};
    write(k, {text: el.value, base: old.base !== undefined ? old.base : el.__cqBase, sent: old.sent});
  }, true);
  // the box is left: Streamlit sends its text (the server has it, or will)
  doc.addEventListener("focusout", function (ev) {
    const el = ev.target;
    const k = el && el.tagName === "TEXTAREA" ? boxKey(el) : null;
    const old = k ? read(k) : null;
    if (old) { old.sent = el.value; write(k, old); }
  }, true);
  // saved, decided, reset, discarded, cancelled, or signed out: the tab's copy is done with
  doc.addEventListener("click", function (ev) {
    const b = ev.target && ev.target.closest ? ev.target.closest("button") : null;
    if (!b) { return; }
    if (b.innerText.trim() === "Log out") {
      kept().forEach(drop);
      try { store.removeItem(OWNER); } catch (e) { /* nothing kept */ }
      return;
    }
    const k = keyIn(b, DONE);
    if (k) { drop(k); return; }
    for (let n = b; n && n !== doc.body; n = n.parentElement) {
      if (typeof n.className === "string" && TRIAGE_DONE.test(n.className)) {
        const q = doc.querySelector('[class*="st-key-tr_quote_"]');
        const tk = q ? keyIn(q, TRIAGE_QUOTE) : null;
        if (tk) { drop(tk); }
        return;
      }
    }
  }, true);
  function put(el, text) {
    const setter = Object.getOwnPropertyDescriptor(win.HTMLTextAreaElement.prototype, "value").set;
    setter.call(el, text);
    el.dispatchEvent(new win.Event("input", {bubbles: true}));
    // left at once, so Streamlit sends it (the normal path: the app keeps it as a draft)
    win.setTimeout(function () {
      if (doc.activeElement !== el) { el.focus(); }
      el.blur();
    }, 150);
  }
  // boxes this page load asked to open for a kept text: a click the page being redrawn swallowed
  // is made again (every 2.5 s, 6 times at most) until the box is there
  const opened = {};
  function mayOpen(k) {
    const o = opened[k];
    return !o || (o.n < 6 && Date.now() - o.at > 2500);
  }
  function asked(k) { opened[k] = {n: (opened[k] ? opened[k].n : 0) + 1, at: Date.now()}; }
  function check() {
    if (busy() || !sameReviewer()) { return; }
    const keys = kept();
    if (!keys.length) { return; }
    const boxes = {};
    for (const el of doc.querySelectorAll("textarea")) {
      const k = boxKey(el);
      if (!k) { continue; }
      boxes[k] = el;
      if (el.__cqSeen) { continue; }
      // Streamlit puts a new box in the page empty and gives it the server's text a moment later
      // (tens of ms; more on a loaded machine): an empty box is judged once it has its text, or
      // the copy would be taken for one the server's newer text replaced, and dropped
      if (el.value === "") { continue; }
      el.__cqSeen = true;
      if (el.__cqBase === undefined) { el.__cqBase = el.value; }
      const e = read(k);
      if (!e || e.text === el.value) { continue; }
      if (el.value === e.base || el.value === e.sent) {
        el.__cqBase = el.value;
        put(el, e.text);
      } else {
        drop(k);                // the box holds a draft typed since, elsewhere: it wins
      }
    }
    for (const k of keys) {
      if (boxes[k] || !mayOpen(k)) { continue; }
      const dot = k.lastIndexOf(".");
      const qid = k.slice(0, dot), v = k.slice(dot + 1);
      // the quote is on the page at another version: someone changed it since, the copy is stale
      const card = doc.querySelector('[class*="st-key-approve_' + qid + '_"]');
      if (card && !doc.querySelector(".st-key-approve_" + qid + "_" + v)) { drop(k); continue; }
      const shown = doc.querySelector('[class*="st-key-tr_quote_' + qid + '_"]');
      if (shown && !doc.querySelector(".st-key-tr_quote_" + qid + "_" + v)) { drop(k); continue; }
      const toggle = card ? doc.querySelector(".st-key-details_" + qid + ' input[type="checkbox"]') : null;
      if (toggle && !toggle.checked) {
        asked(k);
        toggle.click();
        return;
      }
      if (doc.querySelector(".st-key-tr_quote_" + qid + "_" + v)) {
        const edit = Array.from(doc.querySelectorAll("button")).find(
          function (b) { return b.innerText.trim() === "Edit (E)"; });
        if (edit && !edit.disabled) {
          asked(k);
          edit.click();
          return;
        }
      }
    }
  }
  function tick() {
    try { check(); } catch (e) { /* the next tick looks again */ }
    win.setTimeout(tick, 250);
  }
  tick();
})();
</script>
""".replace("__PREFIX__", STORE_PREFIX)
