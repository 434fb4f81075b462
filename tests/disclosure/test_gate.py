"""The exit: Disclosure(ws) on a small workspace (tests/app/builders)."""
from __future__ import annotations

import json

import pytest

from app.builders import NAME, SECRET, build_workspace, quote_ids, unit_id
from copquotes.disclosure import Disclosure, is_held
from copquotes.export import export, quote_records


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    yield w
    w.close()


def test_text_masks_a_known_name_the_anonymiser_missed(ws):
    gate = Disclosure(ws)
    first, last = NAME.split()
    assert gate.text(f"{first} said so and {last.upper()} agreed", 1) == "[name] said so and [name] agreed"
    assert gate.text(None, 1) is None


@pytest.mark.parametrize("reason", [
    f"details of a violence case ('my ex {NAME.split()[0]} hit')",      # a capitalised name, another file
    f"a role together with {NAME}",
])
def test_derived_strings_mask_names_from_any_file_strictly(ws, reason):
    out = Disclosure(ws).derived(reason, 2)          # file 2 does not list the name itself
    assert not any(part in out for part in NAME.split())


def test_aggregate_words_only_speakers_without_consent_used_are_withheld(ws):
    gate = Disclosure(ws)
    assert SECRET in " ".join(r[0] for r in ws.conn.execute("SELECT text FROM anon"))
    assert gate.aggregate(f"3_{SECRET}_solidarity_group") == "3_[withheld]_solidarity_group"
    assert gate.aggregate("4_burnout_plan") == "4_[withheld]_plan"      # said only without consent
    assert gate.aggregate("3_solidarity_group") == "3_solidarity_group"


@pytest.mark.parametrize("keywords, shown", [
    ("mel, group, tom, katie", "[name], group, [name], [name]"),       # roster aliases and names, lower case
    ("bye, mel", "bye, [name]"),
    ("3_katie_nguyen_solidarity", "3_[name]_[name]_solidarity"),     # a BERTopic label
    ("grace, will, support", "[name], [name], support"),             # names that are ordinary words: masked here
    ("siobhan, okafor", "[name], [name]"),                           # accents and another roster's surname
    ("mel hart, team", "[name], team"),
    ("rosters, melody, tomorrow, graceful", "rosters, melody, tomorrow, graceful"),   # words that contain names
    ("kate@example.org, agenda", "[redacted], agenda"),
])
def test_aggregate_masks_the_workspaces_known_identifiers_in_any_case(ws, keywords, shown):
    with ws.transaction() as c:
        c.executemany("INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json)"
                      " VALUES (1, ?, ?, 'roster', ?)",
                      [("Melissa Hart", "person", '["Mel", "Mel Hart"]'), ("Kate Nguyen", "person", '["Katie"]'),
                       ("Tom Fitzgerald", "person", "[]"), ("Grace Will", "person", "[]"),
                       ("Siobhán Byrne", "person", "[]"), ("kate@example.org", "email", "[]")])
    assert Disclosure(ws).aggregate(keywords) == shown


_SURNAMES = [("Anna Smith-Jones", "[]"), ("Pieter van der Berg", "[]"), ("Lotte De Vries", "[]"),
             ("Sean O'Brien", "[]"), ("Mai Ng", "[]"), ("Wei Li", "[]"), ("Thanh Le", "[]"),
             ("Ahmed Al Hassan", "[]"), ("Noura al-Amin", "[]"), ("Ng", "[]"),
             ("Cordelia Tran", '["Co"]'), ("Reuben Ross", '["Re"]')]


@pytest.mark.parametrize("keywords, shown", [
    ("smith-jones, support", "[name], support"),                     # a hyphenated surname whole
    ("smith jones, smithjones, jones-led", "[name], [name], [name]-led"),   # as a tokeniser may write it
    ("devries, de vries, vries", "[name], [name], [name]"),            # a surname with a particle
    ("vanderberg, van der berg, berg", "[name], [name], [name]"),
    ("obrien, brien", "[name], [name]"),
    ("alhassan, al-hassan, al hassan, al-amin", "[name], [name], [name], [name]"),
    ("3_ng_mentoring, li, le", "3_[name]_mentoring, [name], [name]"),   # two-letter names are names
    ("van, de, der, al, et al, la", "van, de, der, al, et al, la"),    # particles of longer names: words
    ("self-care, co-design, e-learning, re-engage", "self-care, co-design, e-learning, re-engage"),
    ("co, re, 2_co_design", "[name], [name], 2_[name]_design"),        # two-letter names alone are masked
])
def test_aggregate_masks_surnames_with_hyphens_and_particles_and_two_letter_names(ws, keywords, shown):
    with ws.transaction() as c:
        c.executemany("INSERT INTO file_identifiers(file_id, value, kind, source, aliases_json)"
                      " VALUES (1, ?, 'person', 'roster', ?)", _SURNAMES)
    assert Disclosure(ws).aggregate(keywords) == shown


def test_withheld_words_are_stored_for_the_next_process_and_counted_again_when_the_text_moves(ws):
    from copquotes import review
    from copquotes.disclosure import gate as gate_mod

    words = gate_mod.withheld_words(ws)
    assert SECRET in words and words == gate_mod.consent_vocabulary(ws)[1]
    row = ws.conn.execute("SELECT value_json FROM aggregates WHERE name = ?", (gate_mod.WITHHELD_KEY,)).fetchone()
    assert row is not None and set(json.loads(row[0])["words"]) == words
    gate_mod._VOCAB_CACHE.clear()                    # a new process: read from the workspace, not counted
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gate_mod, "consent_vocabulary", lambda ws: pytest.fail("counted again"))
        assert gate_mod.withheld_words(ws) == words
    # a reviewer redacts the one consented use of "group" (the facilitator's question): from
    # then on only a speaker without consent uses it, and the stored words follow
    # (the stored words are brought up to date from the redaction, not counted again)
    assert "group" not in words
    review.redact_text(ws, unit_id(0), "group", "other", "Tester")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gate_mod, "consent_vocabulary", lambda ws: pytest.fail("counted again"))
        assert gate_mod.withheld_words(ws) == words | {"group"}
    gate_mod._VOCAB_CACHE.clear()
    assert gate_mod.consent_vocabulary(ws)[1] == words | {"group"}
    # undoing it: the word stays withheld until the next count (withholding more is safe)
    start = ws.conn.execute("SELECT text FROM units WHERE unit_id = ?", (unit_id(0),)).fetchone()[0].index("group")
    review.undo_redaction(ws, unit_id(0), start, start + len("group"), "Tester")
    assert "group" in gate_mod.withheld_words(ws)
    # a change of content or consent counts again
    with ws.transaction() as c:
        c.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(8),))
    assert gate_mod.withheld_words(ws) == gate_mod.consent_vocabulary(ws)[1]
    assert "hope" in gate_mod.withheld_words(ws)        # only unit 8 (now without consent) says it


def test_flags_reasons_pass_the_layer(ws):
    flags = json.dumps([{"kind": "violence_detail", "severity": "hold", "reason": f"x ('{NAME}')"}])
    (fl,) = Disclosure(ws).flags(flags, 1)
    assert NAME not in fl["reason"] and fl["kind"] == "violence_detail"


@pytest.mark.parametrize("flags, status, held", [
    ([], "pending", False),
    ([{"severity": "warn"}], "pending", False),
    ([{"severity": "hold"}], "pending", True),
    ([{"severity": "hold"}], "edited", True),
    ([{"severity": "hold"}], "approved", False),          # approving is the reviewer's clearance
    (json.dumps([{"severity": "hold"}]), None, True),
])
def test_what_is_held(flags, status, held):
    assert is_held(flags, status) is held


def test_a_held_quote_is_never_exported_until_approved(ws, tmp_path):
    qid = quote_ids(ws)[3]
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?",
                  (json.dumps([{"kind": "consent_unconfirmed", "severity": "hold",
                                "reason": "consent matched by first name only"}]), qid))
    assert qid not in {r["id"] for r in quote_records(ws, approved_only=False)}
    text = export(ws, tmp_path / "q.csv", approved_only=False).read_text(encoding="utf-8-sig")
    assert qid not in text
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET status = 'approved' WHERE quote_id = ?", (qid,))
    assert qid in {r["id"] for r in quote_records(ws)}


def test_units_table_names_sources_by_pseudonym_and_withholds_text_without_consent(ws, tmp_path):
    text = export(ws, tmp_path / "u.csv", what="units").read_text(encoding="utf-8-sig")
    assert "fg_rre_2024" not in text and "survey_early" not in text
    assert "focus group 2024 #1" in text and "survey 2023 #1" in text
    assert SECRET not in text
    qde = export(ws, tmp_path / "u.qdpx", what="units")
    import zipfile

    with zipfile.ZipFile(qde) as z:
        blob = " ".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert "fg_rre_2024" not in blob and str(tmp_path) not in blob and SECRET not in blob
    assert unit_id(1) in blob



def test_review_decisions_leave_the_withheld_words_as_counted(ws):
    """Approvals and theme corrections change neither the anonymised text nor consent: the
    stored words stay current (at 50,000 units a recount after every decision made the Topics
    and Quotes pages take 5-13 s)."""
    from copquotes import review
    from copquotes.disclosure import gate as gate_mod

    gate_mod.withheld_words(ws)
    state = gate_mod._vocab_state(ws)
    qid = quote_ids(ws)[1]
    version = ws.conn.execute("SELECT version FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    review.approve(ws, qid, "Ann", version)
    review.label_theme(ws, unit_id(1), "solidarity", 0, "Ann")
    assert gate_mod._vocab_state(ws) == state
