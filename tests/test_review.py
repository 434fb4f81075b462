"""Decisions, edits, redactions and labels: audit trail and optimistic concurrency."""
from __future__ import annotations

import contextlib
import json
import re

import pytest

from app.builders import NAME, UNITS, build_workspace, quote_ids, unit_id
from copquotes import removal, review
from copquotes.disclosure import UNSAFE_EDIT
from copquotes.errors import ConfigError, ConflictError, CopquotesError, WorkspaceError
from copquotes.workspace import Workspace


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


@pytest.fixture
def qid(ws):
    return quote_ids(ws)[1]


def row(ws, quote_id):
    return dict(ws.conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (quote_id,)).fetchone())


def decisions(ws, quote_id):
    return review.history(ws, quote_id)


# ---------------------------------------------------------------------------------- decisions
@pytest.mark.parametrize("action, kwargs, status", [
    ("approve", {}, "approved"),
    ("reject", {"reason": "identifying detail"}, "rejected"),
])
def test_decision_sets_status_bumps_version_and_is_audited(ws, qid, action, kwargs, status):
    before = row(ws, qid)
    after = getattr(review, action)(ws, qid, "Ann", expected_version=1, **kwargs)
    assert after["status"] == status and after["version"] == 2 and after["updated_by"] == "Ann"
    assert row(ws, qid)["status"] == status
    (d,) = decisions(ws, qid)
    assert d["reviewer"] == "Ann" and d["action"] == action and d["at"]
    assert d["before"]["status"] == before["status"] and d["after"]["status"] == status
    assert d["reason"] == kwargs.get("reason")


def test_reset_takes_a_quote_back_to_pending(ws, qid):
    review.approve(ws, qid, "Ann", 1)
    assert review.reset(ws, qid, "Ann", 2)["status"] == "pending"
    assert [d["action"] for d in decisions(ws, qid)] == ["approve", "reset"]


@pytest.mark.parametrize("reviewer", ["", "   ", None, "x" * 81])
def test_a_reviewer_name_is_required(ws, qid, reviewer):
    with pytest.raises(ConfigError, match="reviewer name"):
        review.approve(ws, qid, reviewer, 1)
    assert row(ws, qid)["version"] == 1 and decisions(ws, qid) == []


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_reject_needs_a_reason(ws, qid, reason):
    with pytest.raises(ConfigError, match="reason"):
        review.reject(ws, qid, "Ann", reason, 1)
    assert row(ws, qid)["status"] == "pending"


# ---------------------------------------------------------------------------------- concurrency
def test_two_reviewers_never_overwrite_each_other_silently(ws, qid, tmp_path):
    other = Workspace.open(tmp_path / "ws")        # a second connection: another reviewer's session
    try:
        review.approve(ws, qid, "Ann", expected_version=1)
        with pytest.raises(ConflictError) as err:
            review.edit(other, qid, "Bea", "My better wording of it.", expected_version=1)
    finally:
        other.close()
    exc = err.value
    assert isinstance(exc, review.QuoteConflict)
    msg = str(exc)
    assert "Ann" in msg and "load the quote again" in msg.lower() and "version 2" in msg
    assert "page" not in msg and "below" not in msg          # neutral: the app or the CLI adds its own advice
    # the time as a person reads it, not the stored ISO text ("2026-12-08T01:31:40.420+00:00")
    at = row(ws, qid)["updated_at"]
    assert at not in msg and re.search(r"at \d\d:\d\d:\d\d UTC on \d{1,2} [A-Z][a-z]{2} \d{4} \(it is now", msg)
    # Ann's decision stands; Bea's refused edit is returned and kept in the audit trail
    assert row(ws, qid)["status"] == "approved" and row(ws, qid)["edited_text"] != "My better wording of it."
    assert exc.attempted["edited_text"] == "My better wording of it."
    assert exc.current["status"] == "approved"
    refused = [d for d in decisions(ws, qid) if d["action"] == "conflict_refused"]
    assert refused and refused[0]["reviewer"] == "Bea"
    assert refused[0]["after"]["edited_text"] == "My better wording of it."


def test_a_quote_that_vanished_is_a_conflict_not_a_crash(ws, qid):
    ws.conn.execute("DELETE FROM quotes WHERE quote_id = ?", (qid,))
    with pytest.raises(ConflictError, match="no longer exists"):
        review.approve(ws, qid, "Ann", 1)


def test_an_edit_whose_unit_a_re_ingest_replaces_meanwhile_is_a_conflict_not_a_crash(ws, qid, monkeypatch):
    """The unit goes (its file read again) while the edit is being checked: the reviewer is told
    to load the quote again, as for any quote that no longer exists."""
    real = review.edit_hidden_words

    def re_ingest_meanwhile(w):
        with ws.transaction() as conn:
            conn.execute("DELETE FROM units WHERE unit_id = ?", (row(ws, qid)["unit_id"],))
        return real(w)

    monkeypatch.setattr(review, "edit_hidden_words", re_ingest_meanwhile)
    with pytest.raises(review.QuoteConflict, match="no longer exists.*list the quotes again"):
        review.edit(ws, qid, "Ann", "My better wording of it.", 1)


def before_the_first_write(ws, monkeypatch, meanwhile) -> list:
    """Just before the first write transaction of ``ws`` begins, ``meanwhile(other)`` runs on a
    second connection to the workspace: what a review action read before that moment may be
    changed or gone by the time it writes. Returns a list that holds 1 once it ran."""
    real = ws.transaction
    ran = []

    @contextlib.contextmanager
    def transaction():
        if not ran:
            ran.append(1)
            other = Workspace.open(ws.path)
            try:
                meanwhile(other)
            finally:
                other.close()
        with real() as conn:
            yield conn

    monkeypatch.setattr(ws, "transaction", transaction)
    return ran


@pytest.fixture
def file_removed_before_the_write(ws, monkeypatch):
    """File 1 removed from the workspace (``copquotes remove``) just before ``ws`` first writes."""
    return before_the_first_write(ws, monkeypatch, lambda other: removal.remove_files(other, ["1"]))


_PLAN_AT = UNITS[1][2].index("plan")
_NAME_AT = UNITS[1][2].index(NAME)


@pytest.mark.parametrize("action, args", [
    ("approve", ("QUOTE", "Ann", 1)),
    ("reject", ("QUOTE", "Ann", "off theme", 1)),
    ("reset", ("QUOTE", "Ann", 1)),
    ("edit", ("QUOTE", "Ann", "I walk in flat.", 1)),
    ("set_themes", ("QUOTE", "Ann", ["wellbeing", "backlash"], 1)),
    ("add_redaction", (unit_id(1), _PLAN_AT, _PLAN_AT + 4, "place", "Ann")),
    ("redact_text", (unit_id(1), "walk", "other", "Ann")),
    ("undo_redaction", (unit_id(1), _NAME_AT, _NAME_AT + len(NAME), "Ann")),
    ("label_theme", (unit_id(1), "backlash", 1, "Ann")),
])
def test_a_review_action_whose_unit_is_removed_before_it_writes_tells_the_reviewer_to_reload(
        ws, qid, file_removed_before_the_write, action, args):
    """The unit goes between what the action read and its write: a clear error saying to load the
    quotes again (never a raw database error), and nothing of the action written anywhere."""
    args = tuple(qid if a == "QUOTE" else a for a in args)
    with pytest.raises(CopquotesError, match="(load|list) the quotes again"):
        getattr(review, action)(ws, *args)
    assert file_removed_before_the_write
    assert ws.conn.execute("SELECT COUNT(*) FROM units WHERE file_id = 1").fetchone()[0] == 0
    assert ws.conn.execute("SELECT COUNT(*) FROM redactions WHERE unit_id = ?", (unit_id(1),)).fetchone()[0] == 0
    assert ws.conn.execute("SELECT COUNT(*) FROM decisions WHERE reviewer = 'Ann'").fetchone()[0] == 0
    assert ws.conn.execute("SELECT COUNT(*) FROM theme_labels WHERE reviewer = 'Ann'").fetchone()[0] == 0
    assert "Ann" not in " ".join(r[0] or "" for r in ws.conn.execute("SELECT payload_json FROM orphans"))


def test_an_edit_checked_before_a_colleague_redacts_its_words_elsewhere_in_the_unit_is_a_conflict(
        ws, qid, monkeypatch):
    """The quote is the unit's first sentence; while the edit is checked a colleague redacts "room"
    in the unit's second sentence (the quote's version does not change): the edit adding "room"
    is refused as a conflict, kept in the audit trail, and never stored."""
    first = UNITS[1][2].index(".") + 1
    ws.conn.execute('UPDATE quotes SET "end" = ?, text = ?, verbatim = ?, suggested_text = NULL WHERE quote_id = ?',
                    (first, UNITS[1][2][:first], UNITS[1][2][:first], qid))
    room = UNITS[1][2].index("room")
    before_the_first_write(ws, monkeypatch,
                           lambda other: review.add_redaction(other, unit_id(1), room, room + 4, "place", "Bea"))
    edit = "I walk in flat and walk out with a plan for the room."
    with pytest.raises(review.QuoteConflict, match="(?i)load the quote again") as err:
        review.edit(ws, qid, "Ann", edit, 1)
    assert err.value.attempted["edited_text"] == edit
    assert row(ws, qid)["edited_text"] is None and row(ws, qid)["version"] == 1
    assert [d["action"] for d in decisions(ws, qid) if d["reviewer"] == "Ann"] == ["conflict_refused"]
    with pytest.raises(review.UnsafeEditError):     # made again, the edit's check sees the redaction
        review.edit(ws, qid, "Ann", edit, 1)


def test_withdrawn_consent_removes_the_quote_and_refuses_decisions(ws, qid):
    ws.conn.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(1),))
    with pytest.raises(ConflictError, match="no longer exists"):
        review.approve(ws, qid, "Ann", 1)


def test_expected_version_must_be_a_number(ws, qid):
    with pytest.raises(ConfigError, match="version"):
        review.approve(ws, qid, "Ann", "latest")


# ---------------------------------------------------------------------------------- edits
def test_edit_is_kept_beside_the_verbatim_and_anonymised_text(ws, qid):
    before = row(ws, qid)
    after = review.edit(ws, qid, "Ann", "I walk in flat and walk out with a plan.", 1)
    assert after["edited_text"] == "I walk in flat and walk out with a plan."
    assert after["status"] == "edited"
    assert after["verbatim"] == before["verbatim"] and after["text"] == before["text"]
    (d,) = decisions(ws, qid)
    assert d["action"] == "edit" and d["before"]["edited_text"] == before["edited_text"]


def test_edit_and_approve_records_both(ws, qid):
    after = review.edit(ws, qid, "Ann", "[The group] makes the room feel safe.", 1, approve=True)
    assert after["status"] == "approved"
    assert [d["action"] for d in decisions(ws, qid)] == ["edit", "approve"]


def test_an_edit_cannot_bring_back_a_redacted_name(ws, qid):
    with pytest.raises(review.UnsafeEditError):
        review.edit(ws, qid, "Ann", "sarah okafor always makes the room feel safe.", 1)
    assert row(ws, qid)["version"] == 1


def test_an_edit_cannot_add_a_roster_name(ws, qid):
    with pytest.raises(review.UnsafeEditError):
        review.edit(ws, qid, "Ann", "Okafor always makes the room feel safe.", 1)


@pytest.mark.parametrize("guess", [
    "sarah okafor always makes the room feel safe.",     # the redacted name, lower case
    "Okafor always makes the room feel safe.",           # a roster name
    "And then Quennell always makes the room feel safe.",  # a name that is in no list
    "And then Darren always makes the room feel safe.",    # a common first name, in no list
])
def test_a_refused_edit_does_not_say_whether_the_guess_was_redacted(ws, qid, guess):
    # one message for every refusal: the edit form is no oracle for hidden names
    with pytest.raises(review.UnsafeEditError) as err:
        review.edit(ws, qid, "Ann", guess, 1)
    assert str(err.value) == UNSAFE_EDIT
    assert not any(w in str(err.value).lower() for w in ("sarah", "okafor", "person", "roster", "quennell", "darren"))
    assert row(ws, qid)["version"] == 1


def test_an_edit_with_ordinary_words_and_placeholders_is_saved(ws, qid):
    after = review.edit(ws, qid, "Ann", "[name] always makes [the group] in the Community of Practice feel safe and energised.", 1)
    assert after["status"] == "edited"


def test_text_not_anonymised_cannot_be_approved(ws, qid):
    ws.conn.execute("DELETE FROM anon WHERE unit_id = ?", (unit_id(1),))
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        review.approve(ws, qid, "Ann", 1)
    with pytest.raises(WorkspaceError, match="copquotes analyse"):
        review.edit(ws, qid, "Ann", "I walk in flat.", 1, approve=True)
    assert row(ws, qid)["status"] == "pending"


def test_empty_edit_is_refused(ws, qid):
    with pytest.raises(ConfigError, match="empty"):
        review.edit(ws, qid, "Ann", "  ", 1)


@pytest.mark.parametrize("before, after, expected", [
    ("a b c", "a b c", "a b c"),
    ("I was um really tired", "I was ... really tired", "I was [-um-]{+...+} really tired"),
    ("It helped me", "[The CoP] helped me", "[-It-]{+[The CoP]+} helped me"),
    ("one two", "one two three", "one two{+ three+}"),
    ("", "new", "{+new+}"),
])
def test_format_diff(before, after, expected):
    assert review.format_diff(before, after) == expected


def test_diff_words_round_trips():
    a, b = "Yeah so I walk in flat and, um, walk out", "I walk in flat and ... walk out with a plan"
    ops = review.diff_words(a, b)
    assert "".join(t for op, t in ops if op != "+") == a
    assert "".join(t for op, t in ops if op != "-") == b


# ---------------------------------------------------------------------------------- themes
def test_set_themes_keeps_scores_and_stores_labels(ws, qid):
    after = review.set_themes(ws, qid, "Ann", ["wellbeing", "backlash"], 1)
    themes = {t["theme"]: t for t in json.loads(after["themes_json"])}
    assert themes["wellbeing"]["score"] == 0.91
    assert themes["backlash"] == {"theme": "backlash", "score": 1.0, "source": "reviewer"}
    assert "solidarity" not in themes
    labels = dict(ws.conn.execute("SELECT theme, label FROM theme_labels WHERE unit_id = ?", (unit_id(1),)).fetchall())
    assert labels == {"backlash": 1, "solidarity": 0}
    assert decisions(ws, qid)[0]["action"] == "set_themes"


@pytest.mark.parametrize("wanted", [["wellbeing", "backlash"], ["wellbeing"], ["backlash"]])
def test_set_themes_leaves_a_scored_theme_the_reviewer_was_not_offered_as_it_was(ws, qid, wanted):
    """The app's editor starts from the quote's tagged themes (wellbeing); solidarity scores 0.40
    but is not tagged, so saving the editor neither drops its score nor labels the unit not about it."""
    before = {t["theme"]: t for t in json.loads(row(ws, qid)["themes_json"])}
    after = review.set_themes(ws, qid, "Ann", wanted, 1, offered=["wellbeing"])
    themes = {t["theme"]: t for t in json.loads(after["themes_json"])}
    assert themes["solidarity"] == before["solidarity"]
    labels = dict(ws.conn.execute("SELECT theme, label FROM theme_labels WHERE unit_id = ?", (unit_id(1),)).fetchall())
    assert "solidarity" not in labels
    assert ("wellbeing" in themes) == ("wellbeing" in wanted)
    assert labels.get("wellbeing") == (None if "wellbeing" in wanted else 0)
    assert [t["score"] for t in json.loads(after["themes_json"])] == sorted((t["score"] for t in themes.values()),
                                                                          reverse=True)


@pytest.mark.parametrize("wanted, kept", [
    (["wellbeing"], False),                     # the reviewer takes the quote off solidarity's list
    (["wellbeing", "solidarity"], True),        # kept: as it was, no label
])
def test_set_themes_takes_a_quote_off_the_theme_it_is_only_listed_under(ws, qid, wanted, kept):
    """Listed under solidarity (0.40, not tagged), the editor shows it: taken off, the unit is
    labelled not about it, with the decision in the audit trail; kept, nothing of it changes."""
    from copquotes import themescores

    before = {t["theme"]: t for t in json.loads(row(ws, qid)["themes_json"])}
    after = review.set_themes(ws, qid, "Ann", wanted, 1, offered=["wellbeing", "solidarity"],
                              listed_under="solidarity")
    themes = {t["theme"]: t for t in json.loads(after["themes_json"])}
    labels = dict(ws.conn.execute("SELECT theme, label FROM theme_labels WHERE unit_id = ?", (unit_id(1),)).fetchall())
    assert labels == ({} if kept else {"solidarity": 0})
    assert themes.get("solidarity") == (before["solidarity"] if kept else None)
    assert decisions(ws, qid)[0]["action"] == "set_themes"
    shown = themescores.quote_themes(ws, [(unit_id(1), list(themes.values()))], listed_under="solidarity")[0]
    assert [t["theme"] for t in shown] == wanted


def test_set_themes_refuses_unknown_themes(ws, qid):
    with pytest.raises(ConfigError, match="unknown theme"):
        review.set_themes(ws, qid, "Ann", ["no-such-theme"], 1)


@pytest.mark.parametrize("label", [0, 1, True])
def test_label_theme_stores_a_reviewer_label(ws, label):
    review.label_theme(ws, unit_id(6), "reflective_practice", label, "Ann")
    review.label_theme(ws, unit_id(6), "reflective_practice", label, "Bea")   # upsert, not a duplicate
    rows = ws.conn.execute("SELECT label, reviewer FROM theme_labels WHERE unit_id = ?", (unit_id(6),)).fetchall()
    assert [tuple(r) for r in rows] == [(int(label), "Bea")]


@pytest.mark.parametrize("unit, theme, label, err", [
    ("u006", "reflective_practice", 2, ConfigError),
    ("u006", "nonsense", 1, ConfigError),
    ("nope", "wellbeing", 1, WorkspaceError),
])
def test_label_theme_validates(ws, unit, theme, label, err):
    with pytest.raises(err):
        review.label_theme(ws, unit, theme, label, "Ann")


# ---------------------------------------------------------------------------------- redactions
def test_add_redaction_recomputes_anon_and_quote_text(ws, qid):
    text = UNITS[1][2]
    s = text.index("plan")
    out = review.add_redaction(ws, unit_id(1), s, s + 4, "place", "Ann")
    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id(1),)).fetchone()[0]
    assert "[place]" in anon and "plan" not in anon and "[name]" in anon
    q = row(ws, qid)
    assert "[place]" in q["text"] and "plan" not in q["text"]
    assert "plan" not in (q["suggested_text"] or "") and q["edited_text"] is None    # the suggested edit follows
    assert q["version"] == 2 and out["quotes_changed"] == [qid]
    assert ws.conn.execute("SELECT status, source FROM redactions WHERE unit_id = ? AND kind = 'place'",
                           (unit_id(1),)).fetchone()[:] == ("manual", "reviewer:Ann")
    unit_log = decisions(ws, f"unit:{unit_id(1)}")
    assert unit_log[0]["action"] == "redaction_add" and "plan" in unit_log[0]["before"]["anon"]
    assert decisions(ws, qid)[0]["action"] == "redaction_add"


def test_add_redaction_validates_the_span(ws):
    with pytest.raises(ConfigError, match="outside"):
        review.add_redaction(ws, unit_id(1), 5, 5000, "person", "Ann")
    with pytest.raises(ConfigError, match="kind"):
        review.add_redaction(ws, unit_id(1), 0, 3, "planet", "Ann")


def test_redact_text_redacts_every_visible_occurrence(ws, qid):
    n = review.redact_text(ws, unit_id(1), "walk", "other", "Ann")
    assert n == 2
    assert row(ws, qid)["text"].count("[identifier]") == 2


def test_redact_text_cannot_probe_hidden_text(ws):
    # the name is redacted, so a reviewer without access to originals cannot confirm a guess
    with pytest.raises(ConfigError, match="anonymised text"):
        review.redact_text(ws, unit_id(1), "Okafor", "person", "Ann")


def test_undo_redaction_shows_the_words_again_and_flags_the_quote(ws, qid):
    text = UNITS[1][2]
    s = text.index(NAME)
    review.undo_redaction(ws, unit_id(1), s, s + len(NAME), "Privacy officer")
    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (unit_id(1),)).fetchone()[0]
    assert NAME in anon
    # the quotes stage's safety net still masks a roster name in the quote itself
    q = row(ws, qid)
    flags = json.loads(q["flags_json"])
    assert any(f["kind"] == "redaction_undone" for f in flags)
    assert NAME not in q["text"]
    with pytest.raises(ConfigError, match="no active redaction"):
        review.undo_redaction(ws, unit_id(1), s, s + len(NAME), "Privacy officer")


def test_every_review_write_bumps_the_change_counter(ws, qid):
    n0 = review.change_counter(ws)
    review.approve(ws, qid, "Ann", 1)
    review.label_theme(ws, unit_id(6), "reflective_practice", 0, "Ann")
    review.add_redaction(ws, unit_id(6), 0, 3, "other", "Ann")
    assert review.change_counter(ws) == n0 + 3


def test_learning_reads_review_decisions_as_labels(ws, qid):
    """Learning from decisions must read what the review API wrote: approved and edited 1, rejected 0."""
    from copquotes.quotes.learning import decided

    ids = quote_ids(ws)
    review.approve(ws, ids[1], "Ann", 1)
    review.reject(ws, ids[3], "Ann", "off theme", 1)
    review.edit(ws, ids[6], "Ann", "The CoP made me reflect on my own assumptions.", 1)
    ys = decided(ws)
    assert sorted(ys.values()) == [0, 1, 1]
    assert ys[ids[3]] == 0 and ys[ids[1]] == ys[ids[6]] == 1


RENDER_CASES = [
    ("Ask Sarah Okafor at Mildura.", [(4, 16, "person", "roster"), (20, 27, "place", "gazetteer")], 0, None),
    ("Sarah said Sarah's idea", [(0, 5, "person", ""), (11, 16, "person", "")], 0, None),
    ("Mail jo@x.org now", [(5, 13, "email", "EmailRecognizer")], 0, 10),
    ("overlap here", [(0, 7, "org", ""), (3, 12, "place", "")], 2, 12),
    ("call www.x.com", [(5, 14, "other", "url")], 0, None),
    ("odd thing", [(0, 3, "other", "")], 0, None),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, spans, start, end", RENDER_CASES)
def test_render_redacted_matches_the_anonymiser(text, spans, start, end):
    """The app renders redactions without loading the anonymiser's models: same output."""
    from copquotes.anonymise import redact_span
    from copquotes.types import Span

    end = len(text) if end is None else end
    expected = redact_span(text, [Span(s, e, k, src) for s, e, k, src in spans], start, end)
    assert review.render_redacted(text, spans, start, end) == expected


# ---------------------------------------------------------------------------------- identifying edits
OTHER = "Mr Daniel Fitzgerald from Sunshine Primary said Priya Sharma rang 07700 900 123."


@pytest.fixture
def ws_more(ws):
    """Redactions in ANOTHER unit of the workspace, and a roster surname that is a common word."""
    with ws.transaction() as c:
        c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, speaker_key,"
                  " speaker_role, consent) VALUES ('u900', 2, 9, ?, 'h900', 'survey', 'R9', 'respondent', 1)",
                  (OTHER,))
        for surface, kind in (("Mr Daniel Fitzgerald", "person"), ("Sunshine Primary", "org"),
                              ("Priya Sharma", "person"), ("07700 900 123", "phone")):
            s = OTHER.index(surface)
            c.execute('INSERT INTO redactions(unit_id, start, "end", kind, source, status)'
                      " VALUES ('u900', ?, ?, ?, 'test', 'auto')", (s, s + len(surface), kind))
        c.execute("INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json)"
                  " VALUES (1, 'Aoife Murphy', 'person', 'roster', '[\"Aoife M\"]')")
    return ws


@pytest.mark.parametrize("edit", [
    "Ring me on 0499 111 222 and I walk out with a plan.",          # a phone number
    "I walk in flat, call +61 3 9999 1234 for a plan.",            # an international one
    "I walk in flat, text 0770 0900 123 for a plan.",              # a redacted number retyped
    "I walk in flat, write to rose.k at gmail dot com for a plan.",  # an email in words
    "I walk in flat and sharma makes the room feel safe.",         # a redacted surname, lower case
    "I walk in flat and aoife makes the room feel safe.",          # a roster first name, lower case
    "I walk in flat at sunshine and walk out with a plan.",        # part of a redacted organisation
    "I walk in flat and daniel makes the room feel safe.",         # part of a redacted name, lower case
])
def test_an_edit_may_not_add_contact_details_or_hidden_words_in_any_case(ws_more, edit):
    qid = quote_ids(ws_more)[1]
    with pytest.raises(review.UnsafeEditError) as err:
        review.edit(ws_more, qid, "Ann", edit, 1)
    assert str(err.value) == UNSAFE_EDIT
    assert row(ws_more, qid)["version"] == 1


REFUSED_WORDS = [
    # (edit, words named to any reviewer, words named only to one who may see the originals)
    ("And then Quennell always makes the room feel safe.", ["Quennell"], []),   # a name in no list
    ("Ring me on 0499 111 222 and I walk out with a plan.", ["0499 111 222"], []),
    ("I walk in flat and aoife makes the room feel safe.", ["aoife"], []),      # not an ordinary word
    ("I walk in flat and sharma makes the room feel safe.", [], ["sharma"]),    # found against a redaction only
    ("I walk in flat at sunshine and walk out with a plan.", [], ["sunshine"]),
]


@pytest.mark.parametrize("edit, words, hidden", REFUSED_WORDS)
def test_a_refusal_names_the_typed_words_it_stopped_at_apart_by_what_found_them(ws_more, edit, words, hidden):
    """Before the fix a refusal named no word: a reviewer with a long edit could not tell which to
    change. Words found from the visible text are safe to show back; words found only against
    hidden text would make the form an oracle, so they are kept apart."""
    with pytest.raises(review.UnsafeEditError) as err:
        review.edit(ws_more, quote_ids(ws_more)[1], "Ann", edit, 1)
    assert (err.value.words, err.value.hidden_words) == (words, hidden)
    assert str(err.value) == UNSAFE_EDIT


@pytest.mark.parametrize("edit", [
    "I walk in flat in the [Community of Practice] and walk out with a plan.",   # DOMAIN.md's own light edit
    "I walk in flat and walk out with a better plan every week.",
    "I walk in flat at primary school and walk out with a plan.",   # ordinary words of a redacted organisation
    "I walk in flat with hope and walk out with a plan.",
])
def test_an_edit_adding_ordinary_words_of_redacted_strings_is_saved(ws_more, edit):
    """An earlier form of the check refused every word of every redacted string: 12 of 27 ordinary
    light edits on the sample corpus ("[Community of Practice]", "better", "every week")."""
    qid = quote_ids(ws_more)[1]
    assert review.edit(ws_more, qid, "Ann", edit, 1)["status"] == "edited"


def test_an_edit_keeping_the_visible_words_is_saved_beside_hidden_ones(ws_more):
    qid = quote_ids(ws_more)[1]
    after = review.edit(ws_more, qid, "Ann", "I walk in flat and walk out with a plan.", 1)
    assert after["status"] == "edited"


def test_an_edit_adding_a_quasi_identifier_is_held(ws):
    from copquotes.disclosure import is_held

    qid = quote_ids(ws)[1]
    after = review.edit(ws, qid, "Ann", "As the only Aboriginal teacher at my school I walk out with a plan.", 1,
                        approve=True)
    assert after["status"] == "edited" and is_held(after["flags_json"], after["status"])
    assert any(f.get("source") == "edit" for f in json.loads(after["flags_json"]))


@pytest.mark.parametrize("action, args", [
    ("approve", ()), ("reset", ()), ("reject", ("off theme",)), ("edit", ("I walk in flat.",)),
])
def test_an_unknown_quote_id_is_refused_before_any_write(ws, action, args):
    changes = ws.conn.execute("SELECT value FROM meta WHERE key = 'review_changes'").fetchone()
    with pytest.raises(ConflictError, match="quote qUNKNOWN no longer exists or never did") as err:
        getattr(review, action)(ws, "qUNKNOWN", "Ann", *args, 1)
    assert "page" not in str(err.value)
    assert ws.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert ws.conn.execute("SELECT value FROM meta WHERE key = 'review_changes'").fetchone() == changes
