"""Small real workspaces for the review, export and app tests, filled with plain SQL.

The schema is the contract between stages, so these tests do not need the analysis
stages to have run: rows are inserted the way the stages would write them. Consent
is real: quotes are only inserted for consented participants (the trigger would
refuse anything else), and the texts hold markers a test can search for:

* ``NAME`` (a participant's name, redacted in ``anon``), ``SECRET`` (words of a
  speaker without quote consent), ``PAYLOAD`` (script / image / link injection).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from copquotes import themescores
from copquotes.review import render_redacted as redact_span
from copquotes.text import sentence_spans
from copquotes.workspace import Workspace

NAME = "Sarah Okafor"
SECRET = "zebraquartz"       # only in text from people without quote consent
PAYLOAD = ('I loved it <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=2"> '
           'see [x](javascript:window.__pwned=3) and =HYPERLINK("http://evil.example","click") too.')
THEMES = ["wellbeing", "solidarity", "backlash", "reflective_practice"]

FILES = [
    (1, "fg_rre_2024.vtt", "zoom_vtt", "focus_group", "RRE", "2024"),
    (2, "survey_early_2023.csv", "plain_csv", "survey", "Early career", "2023"),
]

# (file_id, position, text, role, consent, speaker_key, question)
UNITS = [
    (1, 0, "Welcome everyone, what has the group meant for you this year?", "facilitator", 1, "S1", None),
    (1, 1, f"Honestly I walk in flat and walk out with a plan. {NAME} always makes the room feel safe for me.",
     "participant", 1, "S2", None),
    (1, 2, f"I do not want this quoted: {SECRET} is my private thought about the group.", "participant", 0, "S3", None),
    (1, 3, "We are in this together, and that solidarity keeps me going when leadership pushes back on the work.",
     "participant", 1, "S2", None),
    (1, 4, f"Unknown consent here, {SECRET} again, about burnout and being exhausted.", "participant", None, "S4",
     None),
    (1, 5, PAYLOAD, "participant", 1, "S5", None),
    (2, 0, "The CoP made me reflect on my own assumptions and power in the classroom, which changed my practice.",
     "respondent", 1, "R1", "What was the most valuable aspect of your CoP?"),
    (2, 1, f"It was fine but {SECRET} I would never want this published anywhere at all.", "respondent", 0, "R2",
     "What was the most valuable aspect of your CoP?"),
    (2, 2, "Being among like-minded people gave me hope and energy when I was close to burning out at work.",
     "respondent", 1, "R3", "What was the most valuable aspect of your CoP?"),
]

# unit index -> {theme: (score, label)}
UNIT_THEMES = {
    1: {"wellbeing": (0.91, 1), "solidarity": (0.40, 0)},
    2: {"wellbeing": (0.70, 1)},
    3: {"solidarity": (0.88, 1), "backlash": (0.66, 1)},
    4: {"wellbeing": (0.80, 1)},
    5: {"wellbeing": (0.55, 1)},
    6: {"reflective_practice": (0.93, 1)},
    7: {"reflective_practice": (0.30, 0)},
    8: {"wellbeing": (0.77, 1), "solidarity": (0.62, 1)},
}

TOPICS = {1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 2, 7: 2, 8: 1}
TOPIC_INFO = [(0, "0_walk_plan_okafor_room", ["walk", "plan", "okafor", "room"]),
              (1, "1_together_solidarity", ["together", "solidarity"]),
              (2, "2_reflect_practice", ["reflect", "practice"])]


def quote_id(uid: str, start: int, end: int) -> str:
    """The quotes stage's id scheme (a hash of the span)."""
    return "q" + hashlib.sha1(f"{uid}:{start}:{end}".encode()).hexdigest()[:15]


def unit_id(i: int) -> str:
    return f"u{i:03d}"


def quote_ids(ws) -> dict[int, str]:
    """unit index -> quote id of the quotes built below."""
    return {i: quote_id(unit_id(i), 0, len(UNITS[i][2])) for i in (1, 3, 5, 6, 8)}


def build_workspace(path: Path, *, anonymise: bool = True, statuses: dict | None = None,
                    figures: bool = False) -> Workspace:
    ws = Workspace.open(Path(path), create=True)
    statuses = statuses or {}
    with ws.transaction() as c:
        for fid, display, fmt, kind, grp, year in FILES:
            c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                      " ingested_at) VALUES (?,?,?,?,?,?,?,?,?)",
                      (fid, f"/data/{display}", display, fmt, "0" * 64, f"fp{fid}",
                       json.dumps({"group": grp, "year": year, "source_kind": kind}),
                       sum(1 for u in UNITS if u[0] == fid), "2024-01-01T00:00:00+00:00"))
        c.execute("INSERT INTO file_identifiers(file_id, value, kind, source) VALUES (1, ?, 'person', 'roster')",
                  (NAME,))
        for i, (fid, pos, text, role, consent, spk, question) in enumerate(UNITS):
            _, _, _, kind, grp, year = FILES[fid - 1]
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " question, speaker_key, speaker_role, consent, locator) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      (unit_id(i), fid, pos, text, f"h{i}", kind, grp, year, question, spk, role, consent,
                       f"line {pos}"))
            for idx, (s, e) in enumerate(sentence_spans(text)):
                c.execute('INSERT INTO sentences(unit_id, idx, start, "end") VALUES (?,?,?,?)', (unit_id(i), idx, s, e))
            reds = []
            if NAME in text:
                s = text.index(NAME)
                reds.append((s, s + len(NAME), "person"))
                c.execute('INSERT INTO redactions(unit_id, start, "end", kind, source, status)'
                          " VALUES (?,?,?,?,'roster','auto')", (unit_id(i), s, s + len(NAME), "person"))
            if anonymise:
                c.execute("INSERT INTO anon(unit_id, text) VALUES (?, ?)",
                          (unit_id(i), redact_span(text, reds, 0, len(text))))
        themescores.write(ws, [(unit_id(i), theme, score, label, 0)
                               for i, themes in UNIT_THEMES.items() for theme, (score, label) in themes.items()])
        for i, topic in TOPICS.items():
            c.execute("INSERT INTO unit_topics(unit_id, topic, prob, x, y) VALUES (?,?,?,?,?)",
                      (unit_id(i), topic, 0.5 + i / 100, float(i), float(topic)))
        for topic, label, kws in TOPIC_INFO:
            c.execute("INSERT INTO topic_info(topic, label, keywords_json, size) VALUES (?,?,?,?)",
                      (topic, label, json.dumps(kws), sum(1 for t in TOPICS.values() if t == topic)))
        c.execute("INSERT INTO flags(unit_id, kind, start, \"end\", reason, severity) VALUES (?,?,?,?,?,?)",
                  (unit_id(3), "quasi_identifier", 70, 80, "a role plus a place", "warn"))
        qids = quote_ids(ws)
        for i, qid in qids.items():
            text = UNITS[i][2]
            reds = [(r[0], r[1], r[2]) for r in c.execute(
                'SELECT start, "end", kind FROM redactions WHERE unit_id = ?', (unit_id(i),))]
            anon = redact_span(text, reds, 0, len(text))
            flags = []
            if i == 3:
                flags.append({"kind": "quasi_identifier", "start": 70, "end": 80, "reason": "a role plus a place",
                              "severity": "warn"})
            themes = [{"theme": t, "score": s} for t, (s, _) in sorted(
                UNIT_THEMES[i].items(), key=lambda kv: -kv[1][0])]
            # the quotes stage's suggested light edit (quotes.suggested_text)
            edited = "I walk in flat and walk out with a plan. [name] always makes the room feel safe for me." \
                if i == 1 else None
            c.execute(
                'INSERT INTO quotes(quote_id, unit_id, start, "end", text, verbatim, suggested_text, score, parts_json,'
                " themes_json, attribution, flags_json, speaker, status, version, updated_at, updated_by)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?, 'quotes')",
                (qid, unit_id(i), 0, len(text), anon, text, edited, 1.0 - i / 20,
                 json.dumps({"theme": themes[0]["score"], "quotability": 0.7, "representativeness": 0.5,
                             "safety": 1.0, "consent": 1}),
                 json.dumps(themes),
                 "- CoP focus group participant 2024" if UNITS[i][0] == 1 else "- CoP survey respondent 2023",
                 json.dumps(flags), f"P-{i:06d}", statuses.get(i, "pending"), "2024-01-01T00:00:00+00:00"))
        c.execute("INSERT INTO stages(name, fingerprint, done_at, seconds) VALUES ('quotes', 'fp', ?, 1.0)",
                  ("2024-01-01T00:00:00+00:00",))
    if figures:
        (Path(path) / "figures").mkdir(exist_ok=True)
        _png(Path(path) / "figures" / "topic_map.png")
    return ws


def _png(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.scatter([0, 1, 2], [1, 0, 2])
    fig.savefig(path)
    plt.close(fig)


def survey_answers(path, answers) -> Workspace:
    """One survey file, one unit per answer; ``answers``: (group, year, respondent, theme, has it)."""
    ws = Workspace.open(Path(path), create=True)
    rows = []
    with ws.transaction() as c:
        c.execute("INSERT INTO files(file_id, path, display, format, sha256, fingerprint, meta_json, n_units,"
                  " ingested_at) VALUES (1, '/data/s.csv', 's.csv', 'plain_csv', ?, 'fp1', '{}', 0, '2025')",
                  ("0" * 64,))
        for i, (grp, year, who, theme, on) in enumerate(answers):
            c.execute("INSERT INTO units(unit_id, file_id, position, text, text_hash, source_kind, grp, year,"
                      " speaker_key, speaker_role, consent) VALUES (?,1,?,'An answer.',?,'survey',?,?,?,"
                      "'respondent',1)", (f"u{i}", i, f"h{i}", grp, year, who))
            rows.append((f"u{i}", theme, 0.9 if on else 0.1, int(on), 0))
    themescores.write(ws, rows)
    return ws


def pretend_schema(ws: Workspace, version: int, *, scores: bool = False) -> None:
    """Mark ``ws`` as a workspace of an older schema ``version``, with the ``unit_themes`` table
    such a workspace has (schemas 1 to 10); ``scores``: the theme scores moved back into it from
    their Parquet parts, as a workspace of schema 10 keeps them."""
    ws.conn.execute("CREATE TABLE IF NOT EXISTS unit_themes (unit_id TEXT NOT NULL REFERENCES units(unit_id)"
                    " ON DELETE CASCADE, theme TEXT NOT NULL, score REAL NOT NULL, label INTEGER NOT NULL DEFAULT 0,"
                    " evidence_idx INTEGER, PRIMARY KEY (unit_id, theme))")
    if scores:
        rows = themescores.sorted_rows(ws)
        ws.conn.executemany("INSERT INTO unit_themes(unit_id, theme, score, label, evidence_idx) VALUES (?,?,?,?,?)",
                            rows)
        ws.conn.execute("DELETE FROM unit_parts WHERE tbl = 'unit_themes'")
    ws.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))


def file_rows(ws_path) -> list[dict]:
    """The Add files page's list of the workspace at ``ws_path`` (read through an open workspace,
    as the page reads it)."""
    from copquotes.app import jobs

    ws = Workspace.open(Path(ws_path))
    try:
        return jobs.file_rows(ws)
    finally:
        ws.close()
