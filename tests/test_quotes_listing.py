"""``copquotes quotes``: which quotes it lists, and every field through the disclosure layer."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from app.builders import NAME, THEMES, build_workspace, quote_ids, unit_id
from copquotes import review
from copquotes.cli import main
from copquotes.quotes import readers

HOLD = json.dumps([{"kind": "violence_detail", "start": 0, "end": 5, "severity": "hold",
                    "reason": f"details of a violence case ('my ex {NAME.split()[0]} hit')"}])


@pytest.fixture
def ws(tmp_path):
    w = build_workspace(tmp_path / "ws")
    ids = quote_ids(w)
    with w.transaction() as c:
        c.execute("UPDATE quotes SET status = 'approved' WHERE quote_id = ?", (ids[1],))
        c.execute("UPDATE quotes SET status = 'rejected' WHERE quote_id = ?", (ids[3],))
        c.execute("UPDATE quotes SET status = 'edited', edited_text = 'An edit.' WHERE quote_id = ?", (ids[5],))
        c.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?", (HOLD, ids[6]))     # held, pending
        c.execute("UPDATE quotes SET flags_json = ?, status = 'approved' WHERE quote_id = ?", (HOLD, ids[8]))
    yield w
    w.close()


# quote index: 1 approved, 3 rejected, 5 edited, 6 pending + held, 8 approved with a hold flag (cleared)
@pytest.mark.parametrize("options, expected", [
    ({}, {1, 8}),                                         # pending and approved, never rejected or held
    ({"include_held": True}, {1, 6, 8}),
    ({"status": "all"}, {1, 3, 5, 6, 8}),
    ({"status": "rejected"}, {3}),
    ({"status": "edited"}, {5}),
    ({"status": "pending", "include_held": True}, {6}),
    ({"status": "approved"}, {1, 8}),
])
def test_which_quotes_are_listed(ws, options, expected):
    ids = {v: k for k, v in quote_ids(ws).items()}
    got = {ids[r["id"]] for r in readers.quote_records(ws, top=50, **options)}
    assert got == expected


@pytest.mark.parametrize("theme", [None, "wellbeing", "solidarity", "isolation"])
@pytest.mark.parametrize("options", [{}, {"status": "pending", "include_held": True}, {"status": "all"}])
def test_the_shortlist_ids_are_the_shortlists_quotes_in_its_order(ws, theme, options):
    """Triage's order (readers.shortlist_ids) skips what a record shows, never what is picked."""
    assert readers.shortlist_ids(ws, theme, 50, **options) == [q.id for q in readers.shortlist(ws, theme, 50, **options)]


def test_a_record_names_no_file_and_its_flag_reasons_no_name(ws):
    recs = readers.quote_records(ws, top=50, status="all")
    blob = json.dumps(recs)
    assert "fg_rre_2024" not in blob and "survey_early" not in blob
    assert {r["source"]["document"] for r in recs} <= {"focus group 2024 #1", "survey 2023 #1"}
    for part in NAME.split():
        assert part not in blob
    assert any("my ex [name] hit" in f["reason"] for r in recs for f in r["flags"])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_every_format_goes_through_the_layer(ws, fmt, capsys, tmp_path):
    with ws.transaction() as c:   # a formula and markup a reviewer typed, in an approved quote
        c.execute("UPDATE quotes SET status = 'approved', edited_text = ? WHERE quote_id = ?",
                  ("\t=HYPERLINK(\"http://evil.example\") [x](javascript:alert(1)) <b>hi</b>", quote_ids(ws)[5]))
    out = tmp_path / f"q.{fmt}"
    assert main(["quotes", "--workspace", str(ws.path), "--format", fmt, "--out", str(out), "--status", "all"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "fg_rre_2024" not in text and NAME not in text
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert "file" not in rows[0] and rows[0]["document"]
        evil = next(r for r in rows if "HYPERLINK" in r["text"])
        assert evil["text"].startswith("'\t=")
    elif fmt == "md":   # the markup is escaped: rendered, it is text, not a link or a tag
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark").render(text)
        assert "<a " not in html and "href" not in html and "<b>" not in html and "[x](javascript" in html
    else:
        assert all(set(json.loads(line)["source"]) == {"document", "kind", "group", "year"}
                   for line in text.splitlines())


@pytest.mark.parametrize("held_ok", [False, True])
def test_a_theme_pool_is_ranked_with_ties_by_id_and_only_quotable_units(ws, held_ok):
    from copquotes.disclosure import is_held
    from copquotes.quotes import storage

    ids = quote_ids(ws)
    theme, statuses = "wellbeing", ("pending", "approved", "edited")
    with ws.transaction() as c:   # ties, broken by the quote id; a unit no longer quotable whose quote
        c.execute("DROP TRIGGER consent_withdrawn")   # stays (the triggers remove it: not relied on)
        c.execute("UPDATE quotes SET themes_json = ?, parts_json = json_set(parts_json, '$.theme', 0.6)",
                  (json.dumps([{"theme": theme, "score": 0.6}]),))
        c.execute("UPDATE quotes SET score = 0.5 WHERE quote_id IN (?, ?, ?)", [ids[i] for i in (1, 6, 8)])
        c.execute("UPDATE units SET speaker_role = 'facilitator' WHERE unit_id ="
                  " (SELECT unit_id FROM quotes WHERE quote_id = ?)", (ids[5],))
    # the reference: every quotable row in score then id order, kept as the shortlist keeps them,
    # then ordered by its score for the theme x theme score (a stable sort); the theme is each
    # quote's best (its theme part), so its score for the theme is its score
    want = []
    for qid, st, score, flags, themes_json in ws.conn.execute(
            "SELECT q.quote_id, q.status, q.score, q.flags_json, q.themes_json FROM quotes q"
            " JOIN quotable_units u ON u.unit_id = q.unit_id WHERE q.status IN (?, ?, ?)"
            " ORDER BY q.score DESC, q.quote_id", statuses):
        ts = {t["theme"]: t["score"] for t in json.loads(themes_json)}
        s = ts.get(theme)
        if (held_ok or not is_held(flags, st)) and s is not None and readers.theme_fits(ts, theme):
            want.append((qid, float(score) * s, s))
    want.sort(key=lambda p: -p[1])
    ranked = readers._theme_ranked(ws, statuses, theme, held_ok, readers.THEME_MIN)
    assert ids[5] in [r[0] for r in ranked]          # read, then dropped by the consent check
    for n in (1, 2, len(want), len(want) + 5):
        got = readers._quotable_first(ws, ranked, n)
        assert [g[0] for g in got] == [w[0] for w in want[:n]]
        assert [g[1:] for g in got] == [pytest.approx(w[1:]) for w in want[:n]]
    assert len(want) > len({r[1] for r in want}) and ids[5] not in [r[0] for r in want]
    unit = ws.conn.execute("SELECT unit_id FROM quotes WHERE quote_id = ?", (ids[5],)).fetchone()[0]
    assert storage.quotable_of(ws, [unit, "no such unit"]) == set()


@pytest.mark.parametrize("flags", [
    '[{"kind": "k", "severity": "hold"}]',
    '[{"kind":"k","severity":"\\u0068old"}]',        # valid JSON a writer other than ours may store
    '[ {"severity" : "hol\\u0064", "kind": "k"} ]',
])
def test_a_held_quote_is_kept_out_of_a_theme_pool_however_its_flags_are_spelt(ws, flags):
    ids = quote_ids(ws)
    theme, statuses = "wellbeing", ("pending", "approved", "edited")
    with ws.transaction() as c:
        c.execute("UPDATE quotes SET themes_json = ?", (json.dumps([{"theme": theme, "score": 0.6}]),))
        c.execute("UPDATE quotes SET flags_json = ? WHERE quote_id = ?", (flags, ids[6]))   # pending
    assert ids[6] not in [r[0] for r in readers._theme_ranked(ws, statuses, theme, False, readers.THEME_MIN)]
    assert ids[6] in [r[0] for r in readers._theme_ranked(ws, statuses, theme, True, readers.THEME_MIN)]


@pytest.mark.parametrize("given, resolved", [
    ("wellbeing", "wellbeing"),                       # an id
    ("Wellbeing", "wellbeing"),                       # a label, matched case-insensitively
    ("reflective practice", "reflective_practice"),
    ("  Reflective   PRACTICE ", "reflective_practice"),
    ("REFLECTIVE_PRACTICE", "reflective_practice"),
])
def test_a_theme_is_given_by_its_id_or_its_label(ws, given, resolved):
    from copquotes.review import resolve_theme

    assert resolve_theme(ws, given) == resolved


@pytest.mark.parametrize("argv", [["--theme", "nosuch"], ["--theme", "well being!"]])
def test_an_unknown_theme_is_refused_in_one_line_naming_the_ids(ws, capsys, argv):
    code = main(["quotes", "--workspace", str(ws.path), *argv])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "unknown theme" in err
    assert "wellbeing" in err and "reflective_practice" in err
    from copquotes.review import resolve_theme

    with pytest.raises(readers.ConfigError, match="unknown theme"):
        resolve_theme(ws, argv[1])


@pytest.mark.parametrize("top", [0, -1, 2.5, True, "3"])
def test_top_must_be_a_count_of_at_least_one(ws, top):
    with pytest.raises(readers.ConfigError, match="at least 1"):
        readers.quote_records(ws, top=top)


@pytest.mark.parametrize("top", ["0", "-1"])
def test_quotes_top_zero_is_refused_like_a_negative(ws, capsys, top):
    code = main(["quotes", "--workspace", str(ws.path), "--top", top])
    out, err = capsys.readouterr()
    assert code != 0 and out == "" and "at least 1" in err and len(err.strip().splitlines()) == 1


HINT = " (--status all lists every quote, held ones included)"


@pytest.mark.parametrize("argv, listed, note", [
    (["--top", "5"], 2, "2 quotes listed, fewer than --top 5: no more match" + HINT),
    (["--top", "2"], 2, None),
    (["--status", "all", "--top", "50"], 5, "5 quotes listed, fewer than --top 50: no more match"),
    (["--status", "rejected"], 1, "1 quote listed, fewer than --top 20: no more match" + HINT),
])
def test_quotes_says_on_stderr_when_it_lists_fewer_than_top(ws, capsys, argv, listed, note):
    code = main(["quotes", "--workspace", str(ws.path), *argv])
    out, err = capsys.readouterr()
    assert code == 0 and len(out.splitlines()) == listed
    assert all(json.loads(line)["id"] for line in out.splitlines())      # stdout: the records only
    assert err == ("" if note is None else note + "\n")


def test_demo_refuses_a_bad_top_before_it_builds_anything(tmp_path, capsys):
    code = main(["-q", "demo", "--workspace", str(tmp_path / "demo"), "--top", "-1"])
    assert code != 0 and "at least 1" in capsys.readouterr().err
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("kwargs", [{"theme": "nosuch"}, {"top": 0}])
def test_the_python_result_refuses_what_the_command_line_refuses(ws, kwargs):
    from copquotes.api import Result

    with pytest.raises(readers.ConfigError):
        Result(workspace=ws.path).quotes(**kwargs)
    assert len(Result(workspace=ws.path).quotes(theme="Wellbeing", top=5)) > 0


@pytest.mark.parametrize("fmt, out, expected", [
    (None, None, "jsonl"), ("csv", None, "csv"),
    (None, "q.jsonl", "jsonl"), (None, "q.csv", "csv"), (None, "Q.MD", "md"),
    ("csv", "q.csv", "csv"), ("jsonl", "q.txt", "jsonl"),          # an explicit format, another extension
    ("jsonl", "q.csv", "does not match"), ("csv", "q.md", "does not match"),
    (None, "q.txt", "jsonl"), (None, "quotes", "jsonl"),   # JSON Lines, as before the extension was read, and a warning
])
def test_the_format_comes_from_out_s_extension_and_a_conflict_is_refused(fmt, out, expected):
    if expected in ("jsonl", "csv", "md"):
        assert readers.output_format(fmt, out) == expected
    else:
        with pytest.raises(readers.ConfigError, match=expected):
            readers.output_format(fmt, out)


@pytest.mark.parametrize("argv, written", [
    (["--out", "{d}/q.csv"], "csv"), (["--out", "{d}/q.md"], "md"), (["--format", "csv", "--out", "{d}/q.md"], None),
])
def test_quotes_writes_the_format_its_out_names(ws, capsys, tmp_path, argv, written):
    argv = [a.format(d=tmp_path) for a in argv]
    code = main(["quotes", "--workspace", str(ws.path), "--status", "all", *argv])
    err = capsys.readouterr().err
    out = tmp_path / ("q.csv" if argv[-1].endswith(".csv") else "q.md")
    if written is None:
        assert code != 0 and "does not match" in err and len(err.strip().splitlines()) == 1
        assert not out.exists()
        return
    assert code == 0
    text = out.read_text(encoding="utf-8")
    if written == "csv":
        assert text.startswith("id,text,")
    else:
        assert text.startswith(">") and not text.lstrip().startswith("{")


# ------------------------------------------------------------------ a theme's pool, read from the index first
MANY = 400


def _many_quotes(ws, seed: int = 7) -> list[str]:
    """``MANY`` more quotes, as the quotes stage writes them (the theme part is the best of the
    quote's themes, both rounded to 4 places), whose relevance for 'wellbeing' orders them
    otherwise than their score: the theme is often not their best, safety and standalone
    demote some, a learned score exceeds safety x standalone for some; a few held, approved,
    on a unit no longer quotable, or with a reviewer's themes (1.0, above the theme part)."""
    import numpy as np

    from app.builders import THEMES

    rng = np.random.RandomState(seed)
    ids = []
    with ws.transaction() as c:
        c.execute("DROP TRIGGER consent_withdrawn")
        for i in range(MANY):
            uid = f"m{i:04d}"
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " speaker_key, speaker_role, consent, locator) VALUES (?,1,?,?,?,'focus_group','RRE','2024',"
                      " ?, 'participant', 1, 'line')", (uid, 100 + i, f"Words number {i}.", f"hm{i}", f"S{i % 37}"))
            scores = {t: round(float(rng.uniform(0.2, 1.0)), 4) for t in rng.choice(THEMES, 3, replace=False)}
            themes = sorted(({"theme": t, "score": s} for t, s in scores.items()), key=lambda t: -t["score"])
            safety = float(rng.choice([1.0, 0.85, 0.6, 0.17]))
            alone = [None, 1.0, 0.75, 0.5][i % 4]
            score = round(float(rng.uniform(0.02, 0.7)) * (1.3 if i % 11 == 0 else safety * (alone or 1.0)), 6)
            qid = f"qm{i:04d}"
            c.execute('INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, score, parts_json,'
                      " themes_json, flags_json, speaker, status) VALUES (?,?,0,5,?,?,?,?,?,?,?,?)",
                      (qid, uid, f"Words number {i}.", f"Words number {i}.", score,
                       json.dumps({"theme": themes[0]["score"], "safety": safety, "standalone": alone}),
                       json.dumps(themes), HOLD if i % 29 == 0 else "[]", f"P-m{i % 37}",
                       "approved" if i % 13 == 0 else "pending"))
            ids.append(qid)
        for i in range(0, MANY, 41):       # a reviewer's themes: wellbeing at 1.0, above the theme part
            c.execute("UPDATE quotes SET themes_json = ? WHERE quote_id = ?",
                      (json.dumps([{"theme": "wellbeing", "score": 1.0, "source": "reviewer"}]), ids[i]))
            c.execute("INSERT INTO decisions(quote_id, reviewer, action, at) VALUES (?, 'ann', 'set_themes', 'now')",
                      (ids[i],))
        for i in range(5, MANY, 47):
            c.execute("UPDATE units SET speaker_role = 'facilitator' WHERE unit_id = ?", (f"m{i:04d}",))
    return ids


def _reference(ws, statuses, held_ok, floor, n):
    """The first ``n`` of the ranking of every candidate read whole (the shortlist before
    :func:`readers._theme_top`)."""
    return readers._quotable_first(ws, readers._theme_ranked(ws, statuses, "wellbeing", held_ok,
                                                             readers.THEME_MIN, floor), n)


@pytest.mark.parametrize("statuses, held_ok, floor", [
    (("pending",), True, 0.0),                       # the Triage page
    (("pending", "approved"), False, 0.3),           # copquotes quotes --theme
    (("pending", "approved", "edited", "rejected"), True, 0.0),
])
def test_a_theme_pool_read_from_the_index_first_is_the_ranking_of_every_candidate(ws, statuses, held_ok, floor):
    _many_quotes(ws)
    w = readers.theme_weight(ws)
    for n in (1, 7, 50, 250, 2 * MANY):
        want = _reference(ws, statuses, held_ok, floor, n)
        assert readers._theme_top(ws, statuses, "wellbeing", held_ok, readers.THEME_MIN, floor, n, w) == want
        assert readers._theme_pool(ws, statuses, "wellbeing", held_ok, readers.THEME_MIN, floor, n) == want
    by_score = [r[0] for r in ws.conn.execute("SELECT quote_id FROM quotes ORDER BY score DESC, quote_id")]
    want = [r[0] for r in _reference(ws, statuses, held_ok, floor, 50)]
    assert want != [q for q in by_score if q in set(want)]       # the theme fit reorders them


def test_a_theme_pool_reads_the_parts_of_few_candidates(ws, monkeypatch):
    from copquotes.quotes import storage

    _many_quotes(ws)
    read = []
    real = storage.theme_score_parts
    monkeypatch.setattr(storage, "theme_score_parts", lambda w, ids: read.extend(ids) or real(w, ids))
    got = readers._theme_pool(ws, ("pending",), "wellbeing", True, readers.THEME_MIN, 0.0, 20)
    assert got == _reference(ws, ("pending",), True, 0.0, 20)
    fitting = len(readers._theme_ranked(ws, ("pending",), "wellbeing", True, readers.THEME_MIN))
    assert len(read) < fitting / 2 and len(read) == len(set(read))


@pytest.mark.parametrize("broken", [
    "json_set(parts_json, '$.theme', 0.25)",          # a theme part below the quote's best theme
    "json_set(parts_json, '$.safety', 1.5)",          # a multiplicative part above 1
])
def test_a_theme_pool_whose_parts_break_the_bound_is_read_whole(ws, broken):
    _many_quotes(ws)
    with ws.transaction() as c:
        c.execute(f"UPDATE quotes SET parts_json = {broken}")
    w = readers.theme_weight(ws)
    with pytest.raises(readers._NotAsScored):
        readers._theme_top(ws, ("pending",), "wellbeing", True, readers.THEME_MIN, 0.0, 50, w)
    assert readers._theme_pool(ws, ("pending",), "wellbeing", True, readers.THEME_MIN, 0.0, 50) == \
        _reference(ws, ("pending",), True, 0.0, 50)


def _listed_themes(ws, theme, tmp_path) -> dict[str, list[list[str]]]:
    """The themes each record of ``copquotes quotes --theme theme --status all`` shows, as records
    (the API readers) and as written to JSON Lines, CSV and Markdown."""
    recs = readers.quote_records(ws, theme=theme, top=50, status="all")
    seen = {"records": [[t["theme"] for t in r["themes"]] for r in recs]}
    for fmt in ("jsonl", "csv", "md"):
        readers.write_records(recs, fmt=fmt, out=str(tmp_path / f"l.{fmt}"))
    text = {fmt: (tmp_path / f"l.{fmt}").read_text(encoding="utf-8-sig") for fmt in ("jsonl", "csv", "md")}
    seen["jsonl"] = [[t["theme"] for t in json.loads(line)["themes"]] for line in text["jsonl"].splitlines()]
    seen["csv"] = [[x.rsplit(" ", 1)[0] for x in r["themes"].split("; ")]
                   for r in csv.DictReader(io.StringIO(text["csv"]))]
    seen["md"] = [[t.strip() for t in m.split(",")] for m in re.findall(r"themes: (.*?) \u00b7", text["md"])]
    return seen


# unit 1 scores solidarity 0.40 without being tagged with it: its quote is on solidarity's
# shortlist (theme_fits) and showed only wellbeing
@pytest.mark.parametrize("theme", THEMES)
def test_every_record_listed_under_a_theme_shows_that_theme(ws, theme, tmp_path):
    seen = _listed_themes(ws, theme, tmp_path)
    assert seen["records"], f"nothing listed under {theme}"
    assert {k: v for k, v in seen.items() if len(v) != len(seen["records"]) or any(theme not in t for t in v)} == {}


@pytest.mark.parametrize("correct", [
    lambda w, q: review.set_themes(w, q, "Ann", ["wellbeing"], 1),          # taken off the quote
    lambda w, q: review.label_theme(w, unit_id(1), "solidarity", 0, "Ann"),  # the unit is not about it
])
def test_a_theme_a_reviewer_took_off_neither_lists_nor_shows_the_quote(ws, correct, tmp_path):
    qid = quote_ids(ws)[1]
    assert qid in {r["id"] for r in readers.quote_records(ws, theme="solidarity", top=50, status="all")}
    correct(ws, qid)
    assert qid not in {r["id"] for r in readers.quote_records(ws, theme="solidarity", top=50, status="all")}
    shown = [r["themes"] for r in readers.quote_records(ws, theme="wellbeing", top=50, status="all") if r["id"] == qid]
    assert [[t["theme"] for t in ts] for ts in shown] == [["wellbeing"]]
