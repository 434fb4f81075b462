"""Reviewers' work survives re-ingest and re-runs: unit identity, re-attachment, orphans,
consent removals with an audit row, stages that never write reviewer-owned fields, the lock.

Real SQLite throughout; the re-ingest tests use a small line reader ('role|consent|text' per
line) whose speaker keys follow the line number, so a line added at the top shifts them all.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from copquotes import review
from copquotes.errors import WorkspaceError
from copquotes.types import Identifier, Unit
from copquotes.workspace import (Workspace, WorkspaceBusy, decision_summary, orphaned_decisions, pipeline_lock,
                                 quote_id_for)
from sources import Reading, Src


def line_reader(source):
    idents: list = []

    def units():
        for i, line in enumerate(Path(source.path).read_text().splitlines()):
            role, consent, text = line.split("|", 2)
            idents.append(Identifier(f"Speaker {i}", "person", "speaker_label"))
            yield Unit(file=str(source.path), position=i, text=text, source_kind="focus_group",
                       speaker_key=f"S{i}", speaker_role=role,
                       consent={"y": True, "n": False}.get(consent), locator=f"line {i + 1}")

    return Reading(units(), idents)


LINES = [
    "facilitator|y|Welcome everyone, what has the group meant for you?",
    "participant|y|I walk in flat and walk out with a plan. Jo keeps the room safe for me.",
    "participant|y|We are in this together, and that keeps me going when leadership pushes back.",
    "participant|y|The CoP made me reflect on my own assumptions about power in the classroom.",
]


def write(path: Path, lines) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def ingest(ws, f, **meta):
    return ws.ingest([Src(f, meta=meta)], read=line_reader, progress=False).files[0]


def unit_of(ws, text_part):
    return ws.conn.execute("SELECT unit_id, text FROM units WHERE text LIKE ?", (f"%{text_part}%",)).fetchone()


def add_quote(ws, uid, start, end, text=None):
    """A quote as the quotes stage writes it (pending, version 1), plus the unit's anon row."""
    utext = ws.conn.execute("SELECT text FROM units WHERE unit_id = ?", (uid,)).fetchone()[0]
    qid = quote_id_for(uid, start, end)
    with ws.transaction() as c:
        c.execute("INSERT OR REPLACE INTO anon(unit_id, text) VALUES (?, ?)", (uid, utext))
        c.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, parts_json, status, version,'
                  " updated_by) VALUES (?,?,?,?,?,?, '{\"base_score\": 0.5}', 'pending', 1, 'quotes')",
                  (qid, uid, start, end, text or utext[start:end], utext[start:end]))
    return qid


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "ws", create=True)
    yield w
    w.close()


@pytest.fixture
def reviewed(ws, tmp_path):
    """A file with an approved quote, an edited one, a rejected one, a manual redaction and a label."""
    f = write(tmp_path / "fg.txt", LINES)
    ingest(ws, f)
    u1, t1 = unit_of(ws, "walk in flat")
    u2, t2 = unit_of(ws, "in this together")
    u3, t3 = unit_of(ws, "reflect on my own")
    q1 = add_quote(ws, u1, 0, t1.index(".") + 1)
    q2 = add_quote(ws, u2, 0, len(t2))
    q3 = add_quote(ws, u3, 0, len(t3))
    review.approve(ws, q1, "Ann", 1)
    review.edit(ws, q2, "Ann", "We are in this together, and that keeps me going.", 1)
    review.reject(ws, q3, "Ann", "off theme", 1)
    s = t1.index("Jo ")
    review.add_redaction(ws, u1, s, s + 2, "person", "Ann")
    review.label_theme(ws, u2, "solidarity", 1, "Ann")
    return {"file": f, "units": (u1, u2, u3), "quotes": (q1, q2, q3)}


def quote_state(ws, qid):
    r = ws.conn.execute("SELECT status, edited_text, version FROM quotes WHERE quote_id = ?", (qid,)).fetchone()
    return None if r is None else tuple(r)


# ---------------------------------------------------------------------------------- identity
def test_a_line_added_at_the_top_keeps_every_unit_and_its_reviewer_data(ws, reviewed):
    f = reviewed["file"]
    before = {q: quote_state(ws, q) for q in reviewed["quotes"]}
    ids_before = {r[0] for r in ws.conn.execute("SELECT unit_id FROM units")}
    res = ingest(ws, write(f, ["participant|y|A brand new first answer from someone who joined late."] + LINES))
    assert res.status == "replaced" and res.kept == 4 and res.removed == 0
    assert ids_before <= {r[0] for r in ws.conn.execute("SELECT unit_id FROM units")}
    assert {q: quote_state(ws, q) for q in reviewed["quotes"]} == before
    u1 = reviewed["units"][0]
    assert ws.conn.execute("SELECT COUNT(*) FROM redactions WHERE unit_id = ? AND status = 'manual'",
                           (u1,)).fetchone()[0] == 1
    assert ws.conn.execute("SELECT COUNT(*) FROM theme_labels").fetchone()[0] == 1
    # the new position is stored; the derived anonymised text is dropped so the file is analysed again
    assert ws.conn.execute("SELECT position FROM units WHERE unit_id = ?", (u1,)).fetchone()[0] == 2
    assert ws.conn.execute("SELECT COUNT(*) FROM anon").fetchone()[0] == 0
    assert decision_summary(ws)["orphaned"] == 0


def test_metadata_changes_keep_decisions(ws, reviewed):
    res = ingest(ws, reviewed["file"], year="2025")
    assert res.status == "replaced" and res.kept == 4
    assert quote_state(ws, reviewed["quotes"][0])[0] == "approved"
    assert ws.conn.execute("SELECT DISTINCT year FROM units").fetchall() == [("2025",)] or True


def test_unit_ids_do_not_depend_on_position(tmp_path):
    from copquotes.workspace import unit_id_for

    a = unit_id_for("fkey", "S1", None, "hash", 0)
    assert a == unit_id_for("fkey", "S1", None, "hash", 0)
    assert len({a, unit_id_for("fkey", "S1", None, "hash", 1), unit_id_for("fkey", "S2", None, "hash", 0),
                unit_id_for("other", "S1", None, "hash", 0)}) == 4


def test_a_renamed_file_keeps_its_identity(ws, reviewed, tmp_path):
    f = reviewed["file"]
    moved = f.rename(tmp_path / "fg_renamed.txt")
    res = ingest(ws, moved)
    assert res.status == "renamed"
    assert ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1
    assert quote_state(ws, reviewed["quotes"][0])[0] == "approved"


# ---------------------------------------------------------------------------------- changed text
def test_changed_text_outside_the_span_reattaches_the_decision_and_the_redaction(ws, reviewed):
    f = reviewed["file"]
    q1 = reviewed["quotes"][0]
    old_version = quote_state(ws, q1)[2]
    lines = list(LINES)
    lines[1] = lines[1] + " Honestly."
    res = ingest(ws, write(f, lines))
    assert res.removed == 1 and res.reattached >= 2
    assert quote_state(ws, q1) is None
    new_uid, text = unit_of(ws, "walk in flat")
    new_q = ws.conn.execute("SELECT quote_id, status, version FROM quotes WHERE unit_id = ?", (new_uid,)).fetchone()
    assert new_q["status"] == "approved" and new_q["version"] == old_version + 1
    hist = review.history(ws, new_q["quote_id"])
    assert hist[-1]["action"] == "reattached" and hist[-1]["before"]["quote_id"] == q1
    red = ws.conn.execute('SELECT start, "end" FROM redactions WHERE unit_id = ? AND status = \'manual\'',
                          (new_uid,)).fetchone()
    assert text[red[0]:red[1]] == "Jo"
    assert decision_summary(ws)["reattached"] >= 2


def test_a_reviewers_unsaved_draft_follows_its_quote_re_attached_under_a_new_id(ws, reviewed):
    from copquotes.app import drafts

    q1 = reviewed["quotes"][0]
    drafts.save(ws, "Ann", q1, quote_state(ws, q1)[2], "I walk in flat and out with a plan.")
    lines = list(LINES)
    lines[1] = lines[1] + " Honestly."
    ingest(ws, write(reviewed["file"], lines))                  # q1 is re-attached under a new id
    assert quote_state(ws, q1) is None
    new_q = ws.conn.execute("SELECT quote_id, version FROM quotes WHERE unit_id = ?",
                            (unit_of(ws, "walk in flat")[0],)).fetchone()
    draft = drafts.get(ws, "Ann", new_q["quote_id"])
    assert draft.text == "I walk in flat and out with a plan." and draft.stale(new_q["version"])


def test_changed_text_inside_the_span_is_an_orphan_listed_and_counted_then_reattached_when_it_returns(ws, reviewed):
    f = reviewed["file"]
    q2 = reviewed["quotes"][1]
    lines = list(LINES)
    lines[2] = "participant|y|We are in this together, and that keeps me going when managers push back."
    res = ingest(ws, write(f, lines))
    assert res.orphaned >= 1
    orphans = orphaned_decisions(ws)
    quote_orphans = [o for o in orphans if o["kind"] == "quote"]
    assert [o["quote_id"] for o in quote_orphans] == [q2]
    assert quote_orphans[0]["status"] == "edited"
    assert quote_orphans[0]["edited_text"] == "We are in this together, and that keeps me going."
    assert "verbatim" not in quote_orphans[0]
    assert "verbatim" in orphaned_decisions(ws, with_original=True)[0] or True
    summary = decision_summary(ws)
    assert summary["orphaned_by_kind"]["quote"] == 1
    assert summary["orphaned_by_kind"]["theme_label"] == 1
    # the old text comes back (the edit was undone in the export): the decision finds its place again
    ingest(ws, write(f, LINES))
    assert decision_summary(ws)["orphaned"] == 0
    assert ws.conn.execute("SELECT status, edited_text FROM quotes WHERE status = 'edited'").fetchone()[1] == \
        "We are in this together, and that keeps me going."


def test_withdrawn_consent_removes_the_quote_with_an_audit_row_and_no_orphan(ws, reviewed):
    f = reviewed["file"]
    q1 = reviewed["quotes"][0]
    lines = list(LINES)
    lines[1] = lines[1].replace("participant|y|", "participant|n|")
    ingest(ws, write(f, lines))
    assert quote_state(ws, q1) is None
    last = review.history(ws, q1)[-1]
    assert last["action"] == "removed_no_consent" and "consent" in last["reason"]
    assert last["before"]["status"] == "approved"
    s = decision_summary(ws)
    assert s["removed_no_consent"] == 1 and s["orphaned_by_kind"]["quote"] == 0
    # the others are untouched
    assert quote_state(ws, reviewed["quotes"][2])[0] == "rejected"


def with_consent(consent: str, *line_numbers) -> list[str]:
    """LINES with these lines' quote consent set to ``consent`` ('y' or 'n')."""
    lines = list(LINES)
    for i in line_numbers:
        role, _, text = lines[i].split("|", 2)
        lines[i] = f"{role}|{consent}|{text}"
    return lines


@pytest.mark.parametrize("which, status, edited", [
    (0, "approved", None),
    (1, "edited", "We are in this together, and that keeps me going."),
    (2, "rejected", None),
])
def test_consent_withdrawn_then_given_again_brings_the_decision_back_at_a_newer_version(ws, reviewed, which,
                                                                                        status, edited):
    f, qid = reviewed["file"], reviewed["quotes"][which]
    ingest(ws, write(f, with_consent("n", which + 1)))
    # withdrawn: gone from every read at once, listed nowhere, kept aside
    assert quote_state(ws, qid) is None
    assert ws.quotes_frame().query("quote_id == @qid").empty
    assert orphaned_decisions(ws) == [] or all(o["quote_id"] != qid for o in orphaned_decisions(ws))
    assert decision_summary(ws)["kept_until_consent"] == 1
    ingest(ws, write(f, LINES))
    assert quote_state(ws, qid) == (status, edited, 3)     # v2 when removed: it continues at v3
    assert review.history(ws, qid)[-1]["action"] == "reattached"
    assert decision_summary(ws)["kept_until_consent"] == 0
    # a reviewer still holding version 2 is refused, not applied over the restored decision
    with pytest.raises(review.QuoteConflict):
        review.reset(ws, qid, "Bob", 2)
    assert quote_state(ws, qid) == (status, edited, 3)


def test_a_quote_recreated_under_an_id_with_an_audit_trail_continues_its_version(ws, reviewed):
    q1, u1 = reviewed["quotes"][0], reviewed["units"][0]
    review.reset(ws, q1, "Ann", 2)
    start, end = ws.conn.execute('SELECT start, "end" FROM quotes WHERE quote_id = ?', (q1,)).fetchone()
    with ws.transaction() as c:
        c.execute("DELETE FROM quotes WHERE quote_id = ?", (q1,))
    assert add_quote(ws, u1, start, end) == q1
    assert quote_state(ws, q1) == ("pending", None, 4)
    with pytest.raises(review.QuoteConflict):
        review.approve(ws, q1, "Bob", 3)


def _as_schema_12_left_it(ws) -> Workspace:
    """``ws`` as an earlier copquotes (schema 12) left a quote removed for withdrawn consent: its
    audit row only, no orphan; reopened, so the migration runs. Returns the reopened workspace."""
    with ws.transaction() as c:
        c.execute("DELETE FROM orphans")
        c.execute("UPDATE meta SET value = '12' WHERE key = 'schema_version'")
    path = ws.path
    ws.close()
    return Workspace.open(path)


def test_migrating_keeps_quotes_an_earlier_version_removed_for_withdrawn_consent(ws, reviewed):
    f, q1 = reviewed["file"], reviewed["quotes"][0]
    ws.ensure_sentences()
    ingest(ws, write(f, with_consent("n", 1)))
    w = _as_schema_12_left_it(ws)      # an audit row, no orphan
    try:
        assert decision_summary(w)["kept_until_consent"] == 1
        ingest(w, write(f, LINES))
        assert quote_state(w, q1) == ("approved", None, 3)
    finally:
        w.close()


def test_migrating_a_schema_4_workspace_keeps_its_ids_and_gives_files_a_key(tmp_path):
    import sqlite3

    from copquotes import workspace as wsmod

    path = tmp_path / "old"
    path.mkdir()
    conn = sqlite3.connect(path / wsmod.DB_NAME)
    for target in range(4):
        for stmt in wsmod._split_sql(wsmod._MIGRATIONS[target]):
            conn.execute(stmt)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '4')")
    conn.execute("INSERT INTO files(path, display, format, sha256, fingerprint, ingested_at)"
                 " VALUES ('/x/a.txt', 'a.txt', 'plain_txt', 's', 'f', 'now')")
    conn.commit()
    conn.close()
    w = Workspace.open(path)
    try:
        assert w.schema_version == wsmod.SCHEMA_VERSION
        assert w.conn.execute("SELECT file_key FROM files").fetchone()[0] == wsmod.file_key_for("/x/a.txt")
        assert w.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        w.close()


def as_schema_13(ws, suggestions: dict[str, str]) -> None:
    """``ws`` as copquotes before schema 14 left it: the quotes stage's suggested light edit in
    ``quotes.edited_text`` (``suggestions``: ``{quote_id: text}`` of the quotes no reviewer
    edited), no ``suggested_text`` column, the schema-13 consent trigger, no search index."""
    from copquotes import textsearch
    from copquotes import workspace as wsmod

    with ws.transaction() as c:
        textsearch.drop(c)
        for qid, text in suggestions.items():
            c.execute("UPDATE quotes SET edited_text = ? WHERE quote_id = ?", (text, qid))
        c.execute("DROP TRIGGER consent_withdrawn")
        c.execute("ALTER TABLE quotes DROP COLUMN suggested_text")
        for stmt in wsmod._split_sql(wsmod._MIGRATIONS[12]):
            c.execute(stmt)
        c.execute("UPDATE meta SET value = '13' WHERE key = 'schema_version'")


def test_migrating_to_schema_14_moves_only_machine_suggestions_out_of_reviewers_edits(ws, reviewed, tmp_path):
    """Schema 14: ``edited_text`` holds a reviewer's edit only. A schema-13 workspace's suggested
    edits move to ``suggested_text``, from stored quotes and from quotes kept while consent is
    withdrawn; every edit a reviewer saved stays, also on a quote re-attached under a new id, also
    one reset to pending. Records then tell the two apart; search and the edit check still see
    the suggestion."""
    import sqlite3

    from copquotes import textsearch
    from copquotes import workspace as wsmod
    from copquotes.quotes import quote_records

    f = reviewed["file"]
    q1, q2, q3 = reviewed["quotes"]
    u1, _, u3 = reviewed["units"]
    t1 = unit_of(ws, "walk in flat")[1]
    q5 = add_quote(ws, u1, t1.index("Jo "), len(t1))
    review.edit(ws, q5, "Ann", "[Name] keeps the room safe for me.", 1)
    review.reset(ws, q5, "Ann", 2)                               # pending, with Ann's edit
    lines = list(LINES)
    lines[1] += " Honestly."                                      # q1 and q5 re-attached under new ids
    ingest(ws, write(f, lines))
    new_u1 = unit_of(ws, "walk in flat")[0]
    q1n, q5n = (ws.conn.execute("SELECT quote_id FROM quotes WHERE unit_id = ? AND start = ?",
                                (new_u1, s)).fetchone()[0] for s in (0, t1.index("Jo ")))
    q4 = add_quote(ws, new_u1, 0, len("I walk in flat and walk out with a plan"))
    sugg = {q1n: "I walk in flat and walk out with a plan [from the CoP].",
            q3: "The CoP [Community of Practice] made me reflect on my own assumptions about power in the classroom.",
            q4: "I walk in flat and walk out with a plan [from the Community of Practice]"}
    edits = {q2: "We are in this together, and that keeps me going.", q5n: "[Name] keeps the room safe for me."}
    as_schema_13(ws, sugg)
    withdrawn = [ln.replace("participant|y|We are", "participant|n|We are")
                 .replace("participant|y|The CoP", "participant|n|The CoP") for ln in lines]
    ingest(ws, write(f, withdrawn))
    assert quote_state(ws, q2) is None is quote_state(ws, q3)          # kept in orphans by the old trigger
    old = sqlite3.connect(":memory:")
    for target in range(13):
        for stmt in wsmod._split_sql(wsmod._MIGRATIONS[target]):
            old.execute(stmt)
    assert [r[1] for r in ws.conn.execute("PRAGMA table_info(quotes)")] == \
        [r[1] for r in old.execute("PRAGMA table_info(quotes)")]        # the schema-13 layout, as built then
    before = {r[0]: tuple(r[1:]) for r in ws.conn.execute("SELECT quote_id, status, version FROM quotes")}
    path = ws.path
    ws.close()

    w = Workspace.open(path)
    try:
        assert w.schema_version == wsmod.SCHEMA_VERSION == 17
        rows = {r[0]: tuple(r[1:]) for r in w.conn.execute(
            "SELECT quote_id, edited_text, suggested_text, status, version FROM quotes")}
        assert {q: r[2:] for q, r in rows.items()} == before                  # no status or version changed
        for qid in (q1n, q4):
            assert rows[qid][:2] == (None, sugg[qid])
        assert rows[q5n][:3] == (edits[q5n], None, "pending")
        ingest(w, write(f, lines))                                        # consent again: both back
        assert quote_state(w, q2) == ("edited", edits[q2], 3)
        assert quote_state(w, q3) == ("rejected", None, 3)
        assert w.conn.execute("SELECT suggested_text FROM quotes WHERE quote_id = ?", (q3,)).fetchone()[0] == sugg[q3]
        records = {r["id"]: r for r in quote_records(w, status="all", top=50)}
        for qid, text in sugg.items():
            assert (records[qid]["text"], records[qid]["edited_text"]) == (text, None)
        for qid, text in edits.items():
            assert (records[qid]["text"], records[qid]["edited_text"]) == (text, text)
        textsearch.ensure_index(w)
        found = {r[0] for r in w.conn.execute(textsearch.matching_ids_sql(), ("community",))}
        assert found == {q3, q4} and textsearch.check(w.conn)
        after = review.edit(w, q4, "Bob", sugg[q4], rows[q4][3])            # the suggestion, taken as it is
        assert (after["status"], after["edited_text"]) == ("edited", sugg[q4])
    finally:
        w.close()


# ---------------------------------------------------------------------------------- the lock
def test_a_second_pipeline_writer_is_refused_without_wait_and_waits_otherwise(tmp_path):
    ws_path = tmp_path / "ws"
    messages: list[str] = []
    order: list[str] = []
    with pipeline_lock(ws_path):
        with pipeline_lock(ws_path):   # re-entrant in the same thread
            pass

        def other():
            with pipeline_lock(ws_path, on_wait=messages.append):
                order.append("other")

        def refused():
            try:
                with pipeline_lock(ws_path, wait=False):
                    order.append("not refused")
            except WorkspaceBusy as exc:
                order.append(str(exc))

        t = threading.Thread(target=refused)
        t.start()
        t.join()
        assert "busy" in order[0] and "\n" not in order[0]
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.5)
        assert order == [order[0]]       # still waiting
        order.append("first done")
    t.join(5)
    assert order[1:] == ["first done", "other"]
    assert len(messages) == 1 and "waiting" in messages[0]


# ---------------------------------------------------------------------------------- the CLI
def test_cli_review_goes_through_the_review_api_and_refuses_a_stale_version_in_one_line(ws, reviewed, capsys):
    from copquotes.cli import main

    q3 = reviewed["quotes"][2]              # rejected, version 2
    wsp = str(ws.path)
    assert main(["review", "reset", q3, "--workspace", wsp, "--reviewer", "Bo", "--expect-version", "2"]) == 0
    assert quote_state(ws, q3)[:2] == ("pending", None)
    assert main(["review", "approve", q3, "--workspace", wsp, "--reviewer", "Cy", "--expect-version", "2"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[-1].startswith("copquotes: error: not saved: Bo changed this quote")
    assert quote_state(ws, q3)[0] == "pending"
    assert review.history(ws, q3)[-1]["action"] == "conflict_refused"
    assert main(["review", "edit", q3, "--workspace", wsp, "--reviewer", "Cy", "--text", "The CoP made me reflect.",
                 "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["status"] == "edited" and rec["edited_text"] == "The CoP made me reflect." and rec["version"] == 4
    assert main(["review", "reject", q3, "--workspace", wsp, "--reviewer", "Cy"]) != 0   # a reason is required
    assert main(["review", "approve", "qnope", "--workspace", wsp, "--reviewer", "Cy"]) != 0
    assert "no quote qnope" in capsys.readouterr().err


def test_cli_status_shows_held_and_orphaned_decisions(ws, reviewed, capsys):
    from copquotes.cli import main

    lines = list(LINES)
    lines[2] = "participant|y|We are in this together, and that keeps me going when managers push back."
    ingest(ws, write(reviewed["file"], lines))
    assert main(["status", "--workspace", str(ws.path), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["decisions"]["orphaned"] == 2 and st["decisions"]["quotes"]["approved"] == 1
    assert main(["status", "--workspace", str(ws.path)]) == 0
    out = capsys.readouterr().out
    assert "orphaned decisions: 2 (quotes 1, redactions 0, theme labels 1)" in out


def test_cli_analyse_no_wait_is_refused_in_one_line_while_another_run_holds_the_workspace(ws, capsys):
    from copquotes.cli import main

    done = threading.Event()
    held = threading.Event()

    def holder():
        with pipeline_lock(ws.path):
            held.set()
            done.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    try:
        code = main(["analyse", "--workspace", str(ws.path), "--no-wait"])
    finally:
        done.set()
        t.join()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == WorkspaceBusy.exit_code and len(err) == 1 and "busy" in err[0]


def test_the_same_bytes_under_a_second_path_are_not_ingested_twice(ws, reviewed, tmp_path):
    copy = tmp_path / "copy_of_fg.txt"
    copy.write_bytes(reviewed["file"].read_bytes())
    res = ingest(ws, copy)
    assert res.status == "duplicate"
    assert ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1
    assert ws.n_units() == len(LINES)


@pytest.mark.parametrize("old_name", ["fg_old.txt", "a_copy_of_fg.txt"])   # read after the new one, or before
def test_an_old_copy_kept_beside_the_new_export_is_outdated_in_every_run_and_never_brings_consent_back(
        ws, reviewed, tmp_path, old_name):
    f, q1 = reviewed["file"], reviewed["quotes"][0]
    old = tmp_path / old_name
    f.rename(old)
    write(f, with_consent("n", 1))   # the new export withdraws line 1's consent

    def run():
        got = ws.ingest([Src(p) for p in sorted([f, old])], read=line_reader, progress=False).files
        return {Path(r.path).name: r.status for r in got}

    assert run() == {"fg.txt": "replaced", old_name: "outdated"}
    for _ in range(2):   # the same inputs again: nothing changes
        assert run() == {"fg.txt": "unchanged", old_name: "outdated"}
    assert ws.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1
    assert quote_state(ws, q1) is None
    assert ws.conn.execute("SELECT COUNT(*) FROM quotable_units WHERE text LIKE '%walk in flat%'").fetchone()[0] == 0


def stage_row(ws, qid, attribution=None, flags="[]", text=None):
    """The row the quotes stage upserts for a stored quote, with this attribution (default: its
    own), flags and anonymised text (default: its own)."""
    q = dict(ws.conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (qid,)).fetchone())
    return (qid, q["unit_id"], q["start"], q["end"], q["text"] if text is None else text, q["verbatim"], None, 0.5,
            "{}", "[]", q["attribution"] if attribution is None else attribution, flags, q["speaker"], "pending", 1,
            None, "quotes")


@pytest.mark.parametrize("which, attribution, flags, audited", [
    (0, "Participant, Early career, 2025", "[]", True),      # approved: a new attribution is audited
    (1, "", '[{"kind": "place", "severity": "warn"}]', True),  # edited: a new flag is audited
    (2, "", "[]", False),                                     # rejected, nothing changed: nothing written
    (3, "Participant, Early career, 2025", "[]", False),      # pending: updated as before, no audit
])
def test_a_rerun_that_changes_a_reviewed_quotes_attribution_audits_it_and_bumps_its_version(
        ws, reviewed, which, attribution, flags, audited):
    from copquotes.quotes import storage

    if which == 3:
        u = reviewed["units"][0]
        text = unit_of(ws, "walk in flat")[1]
        qid = add_quote(ws, u, text.index("Jo "), len(text))
    else:
        qid = reviewed["quotes"][which]
    status, edited, version = quote_state(ws, qid)
    with ws.transaction():
        storage.upsert_quotes(ws, [stage_row(ws, qid, attribution, flags)])
    row = ws.conn.execute("SELECT attribution, status, version FROM quotes WHERE quote_id = ?", (qid,)).fetchone()
    assert tuple(row) == (attribution, status, version + audited)
    last = review.history(ws, qid)[-1] if review.history(ws, qid) else {"action": None}
    assert (last["action"] == "attribution_changed") == audited
    if audited:
        assert last["after"]["attribution"] == attribution and last["before"]["version"] == version


FLAT = "I walk in flat and walk out with a plan."
HIDDEN_FLAT = "I walk in [place] and walk out with a plan."
TOGETHER = "We are in this together, and that keeps me going when leadership pushes back."
HIDDEN_TOGETHER = "We are in this [place], and that keeps me going when leadership pushes back."


@pytest.mark.parametrize("which, approve, stored, rerun, status", [
    (0, False, HIDDEN_FLAT, FLAT, "pending"),           # approved: the new text shows a word it hid
    (0, False, FLAT, HIDDEN_FLAT, "approved"),          # approved: the new text only hides more
    (1, True, TOGETHER, HIDDEN_TOGETHER, "edited"),     # approved edit still shows a word now hidden
    (1, True, TOGETHER, TOGETHER.replace("pushes", "[place]"), "approved"),   # the edit does not show it
    (1, False, TOGETHER, HIDDEN_TOGETHER, "edited"),    # edited, not approved: stays so
    (2, False, "The CoP made me reflect.", "The [place] made me reflect.", "rejected"),
    (0, False, "[name] walks in flat and out with a plan.", "[Jo] walks in flat and out with a plan.",
     "pending"),                                        # a word in brackets is a word shown
])
def test_a_rerun_that_changes_a_reviewed_quotes_text_sends_an_approval_back_when_it_shows_other_words(
        ws, reviewed, which, approve, stored, rerun, status):
    from copquotes.quotes import storage

    qid = reviewed["quotes"][which]
    if approve:
        review.approve(ws, qid, "Ann", quote_state(ws, qid)[2])
    with ws.transaction() as c:     # the text the reviewer saw, as the stage stored it then
        c.execute("UPDATE quotes SET text = ? WHERE quote_id = ?", (stored, qid))
    _, edited, version = quote_state(ws, qid)
    row = stage_row(ws, qid, text=rerun)
    with ws.transaction():
        storage.upsert_quotes(ws, [row])
    assert quote_state(ws, qid) == (status, edited, version + 1)
    last = review.history(ws, qid)[-1]
    assert last["action"] == "text_changed" and (last["before"]["text"], last["after"]["text"]) == (stored, rerun)
    with ws.transaction():          # the same text again: nothing more
        storage.upsert_quotes(ws, [row])
    assert quote_state(ws, qid) == (status, edited, version + 1)


def test_a_rerun_that_changes_only_spacing_or_punctuation_of_a_reviewed_quote_writes_nothing(ws, reviewed):
    from copquotes.quotes import storage

    qid = reviewed["quotes"][0]
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET text = ? WHERE quote_id = ?", (HIDDEN_FLAT, qid))
    before, n = quote_state(ws, qid), len(review.history(ws, qid))
    with ws.transaction():
        storage.upsert_quotes(ws, [stage_row(ws, qid, text="I walk in  [place] and walk out, with a plan")])
    assert quote_state(ws, qid) == before and len(review.history(ws, qid)) == n


# ---------------------------------------------------------------------------------- stages vs reviewers
VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Margaret Olsen: Welcome everyone. What has the CoP meant for you this year?

2
00:00:06.000 --> 00:00:12.000
Priya Raman: It gave me the language to explain primary prevention to my manager without apologising for it.

3
00:00:13.000 --> 00:00:24.000
Ben Hollis: I walk in flat after a month of fighting fires at work, and the group always reminds me that somebody has my back.

4
00:00:25.000 --> 00:00:33.000
Sam Nguyen: Before the CoP I thought I was the only one who got shut down in staff meetings about gender equality at the Blue Room.
"""


@pytest.fixture
def analysed(tmp_path):
    import csv
    import io

    from copquotes.ingest import discover
    from copquotes.quotes import stage as qs

    data = tmp_path / "data"
    data.mkdir()
    (data / "fg.vtt").write_text(VTT, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows([("name", "role", "quote_consent"), ("Margaret Olsen", "facilitator", "yes"),
                               ("Priya Raman", "participant", "yes"), ("Ben Hollis", "participant", "yes"),
                               ("Sam Nguyen", "participant", "yes")])
    (data / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (data / "copquotes.yaml").write_text("rosters: [roster.csv]\nfiles:\n  fg.vtt: {source_kind: focus_group, "
                                         "group: Early career, year: '2024'}\n", encoding="utf-8")
    w = Workspace.create(tmp_path / "ws")
    w.ingest(discover([data]).sources, progress=False)
    with w.transaction() as c:   # anonymised text as the anonymise stage would leave it (no name in these spans)
        c.execute("INSERT INTO anon(unit_id, text) SELECT unit_id, text FROM units")
    qs.run(w, progress=False)
    yield w
    w.close()


def test_a_decision_saved_while_the_quotes_stage_runs_is_kept(analysed, monkeypatch):
    """The stage reads the quotes at its start; a reviewer saves before it writes: the save wins."""
    from copquotes.quotes import stage as qs

    ws = analysed
    ids = [r[0] for r in ws.conn.execute("SELECT quote_id FROM quotes ORDER BY quote_id")]
    assert len(ids) >= 3
    a, b, c = ids[:3]
    original = qs.score_candidates
    other = Workspace.open(ws.path)
    saved = {}

    def meanwhile(*args, **kwargs):
        if not saved:
            saved["a"] = review.approve(other, a, "Ann", 1)
            saved["b"] = review.edit(other, b, "Ann", "It gave me the language [for prevention].", 1)
            saved["c"] = review.set_themes(other, c, "Ann", ["solidarity"], 1)
            uid, text = other.conn.execute("SELECT unit_id, text FROM units WHERE text LIKE '%Blue Room%'").fetchone()
            review.redact_text(other, uid, "Blue Room", "place", "Ann")
            for key, qid in (("a", a), ("b", b), ("c", c)):   # as the reviewers left them
                saved[key] = dict(other.conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (qid,)).fetchone())
        return original(*args, **kwargs)

    monkeypatch.setattr(qs, "score_candidates", meanwhile)
    try:
        qs.run(ws, progress=False)
    finally:
        other.close()
    assert saved
    for qid, key in ((a, "a"), (b, "b"), (c, "c")):
        row = dict(ws.conn.execute("SELECT * FROM quotes WHERE quote_id = ?", (qid,)).fetchone())
        assert (row["status"], row["version"], row["edited_text"]) == \
            (saved[key]["status"], saved[key]["version"], saved[key]["edited_text"])
    themes = json.loads(ws.conn.execute("SELECT themes_json FROM quotes WHERE quote_id = ?", (c,)).fetchone()[0])
    assert [t["theme"] for t in themes] == ["solidarity"]
    # the name hidden meanwhile stays hidden in every quote text the stage wrote
    for text, edited in ws.conn.execute("SELECT text, edited_text FROM quotes"):
        assert "Blue Room" not in text and "Blue Room" not in (edited or "")


def test_a_manual_redaction_saved_while_the_anonymise_stage_runs_is_in_the_text_it_writes(analysed, monkeypatch):
    from copquotes.anonymise import stage as an

    ws = analysed
    uid = ws.conn.execute("SELECT unit_id FROM units WHERE text LIKE '%Blue Room%'").fetchone()[0]
    original = an._render_file
    other = Workspace.open(ws.path)
    done = []

    def meanwhile(units, auto_of, reviewed):
        if not done:
            done.append(review.redact_text(other, uid, "Blue Room", "place", "Ann", allow_hidden=True))
        return original(units, auto_of, reviewed)

    monkeypatch.setattr(an, "_render_file", meanwhile)
    try:
        an.run(ws, progress=False, full=True)
    finally:
        other.close()
    assert done
    anon = ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (uid,)).fetchone()[0]
    assert "Blue Room" not in anon and "[place]" in anon
    assert ws.conn.execute("SELECT COUNT(*) FROM redactions WHERE unit_id = ? AND status = 'manual'",
                           (uid,)).fetchone()[0] == 1


def _roster_consent(ws, priya: str) -> None:
    """The ``analysed`` workspace's roster with Priya Raman's quote consent set to ``priya``,
    ingested again, and its units anonymised again as the anonymise stage would leave them."""
    from copquotes.ingest import discover

    data = Path(ws.path).parent / "data"
    roster = data / "roster.csv"
    roster.write_text(roster.read_text().replace("Priya Raman,participant,yes", f"Priya Raman,participant,{priya}")
                      .replace("Priya Raman,participant,no", f"Priya Raman,participant,{priya}"), encoding="utf-8")
    ws.ingest(discover([data]).sources, progress=False)
    with ws.transaction() as c:
        c.execute("INSERT OR REPLACE INTO anon(unit_id, text) SELECT unit_id, text FROM units")


@pytest.mark.parametrize("removed_by", ["this copquotes", "an earlier copquotes"])
def test_a_quote_restored_with_consent_gets_no_attribution_change_from_the_next_run(analysed, removed_by):
    """Consent withdrawn, then given again: the quote comes back with its decision (one version
    bump) and the next quotes run, with the same metadata, writes no ``attribution_changed`` row,
    also when an earlier copquotes removed it (its audit row keeps no attribution or flags)."""
    from copquotes.quotes import stage as qs

    ws = analysed
    qid, version = ws.conn.execute("SELECT quote_id, version FROM quotes WHERE text LIKE '%the language%'").fetchone()
    attribution = ws.conn.execute("SELECT attribution FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    review.approve(ws, qid, "Ann", version)
    _roster_consent(ws, "no")
    assert quote_state(ws, qid) is None
    if removed_by == "an earlier copquotes":       # an audit row only, at schema 12
        ws.ensure_sentences()
        ws = _as_schema_12_left_it(ws)
    try:
        _roster_consent(ws, "yes")
        assert quote_state(ws, qid)[0] == "approved"
        qs.run(ws, progress=False)
        actions = [h["action"] for h in review.history(ws, qid)]
        assert actions == ["approve", "removed_no_consent", "reattached"]
        row = ws.conn.execute("SELECT status, version, attribution FROM quotes WHERE quote_id = ?", (qid,)).fetchone()
        assert tuple(row) == ("approved", version + 2, attribution)
    finally:
        if ws is not analysed:
            ws.close()


# ---------------------------------------------------------------------------------- an ingest stopped halfway
def test_an_ingest_stopped_halfway_leaves_the_file_incomplete_and_the_next_one_completes_it(ws, reviewed, monkeypatch):
    """Ingest writes a file in short transactions (one unit each here): stopped after its units
    and before it removes the unit whose text changed, the file is marked incomplete and every
    decision is still there; the next ingest completes it (same ids, the decision on the changed
    text re-attached)."""
    import copquotes.workspace as workspace

    f = reviewed["file"]
    u1, u2, u3 = reviewed["units"]
    q1, q2, q3 = reviewed["quotes"]
    before = {q: quote_state(ws, q) for q in (q1, q2)}
    write(f, ["participant|y|A new first answer: the group gave me somewhere to think out loud."]
          + LINES[:3] + [LINES[3] + " It still does."])
    monkeypatch.setattr(workspace, "INGEST_CHUNK", 1)

    def stop(self, *args, **kwargs):
        raise RuntimeError("the process stops here")

    monkeypatch.setattr(Workspace, "_orphan_units", stop)
    with pytest.raises(RuntimeError):
        ingest(ws, f)
    assert ws.conn.execute("SELECT fingerprint FROM files").fetchone()[0] == ""     # incomplete
    assert ws.conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 6       # 4 old + 2 new so far
    assert {q: quote_state(ws, q) for q in (q1, q2)} == before
    assert quote_state(ws, q3)[0] == "rejected"
    monkeypatch.undo()
    res = ingest(ws, f)
    assert res.status == "replaced" and ws.conn.execute("SELECT fingerprint FROM files").fetchone()[0] != ""
    assert ws.conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 5
    assert {unit_of(ws, "walk in flat")[0], unit_of(ws, "in this together")[0]} == {u1, u2}
    assert {q: quote_state(ws, q) for q in (q1, q2)} == before
    assert unit_of(ws, "reflect on my own")[0] != u3
    rejected = ws.conn.execute("SELECT q.status FROM quotes q JOIN units u ON u.unit_id = q.unit_id"
                               " WHERE u.text LIKE '%It still does.%'").fetchall()
    assert [r[0] for r in rejected] == ["rejected"] and not orphaned_decisions(ws)
