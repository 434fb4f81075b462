"""The anonymiser's speed paths give exactly what the plain paths give.

* spaCy's NER is skipped on texts where :func:`ner_may_matter` says it cannot change
  the spans: the spans must be the same with the NER run on every text;
* :class:`Features` tokenises with fast paths: it must equal the straightforward
  per-character definition of each token attribute;
* ``analyze_batch`` works in chunks: the spans must not depend on the chunk size;
* the recognisers run directly (not through Presidio's ``AnalyzerEngine.analyze``) and
  the NER is also skipped where the other spans leave it nothing to change: the spans
  must equal those of the plain path (Presidio's engine, the NER on every text);
* the NER multiplies matrices with numpy instead of BLIS: same entities;
* cheap pre-checks skip recognisers on texts that cannot match: they never lose a match.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from copquotes.anonymise import features as F
from copquotes.types import Identifier

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "corpus" / "labelled" / "anonymise.jsonl"
ROSTER = ROOT / "corpus" / "labelled" / "anonymise_roster.csv"

# plain survey answers and transcript turns, with and without names, places and organisations
TEXTS = [
    "The staff were lovely and explained everything.",
    "Staff were friendly. Good service!",
    "Sarah on reception was wonderful, thank you Sarah.",
    "I drove from Bendigo to the Ballarat Community Health office.",
    "nothing to add",
    "We met on Monday in March at the Zoom session.",
    "Our CoP facilitator from Safe and Equal was great.",
    "Grace under pressure is what the group taught me.",
    "Thanks Grace, that was really helpful.",
    "Ring me on 0491 570 156 or email kate.nguyen@example.org.",
    "Respectful Relationships lead at Wodonga Primary here.",
    "A&E was busy but the NHS staff were kind.",
    "",
    "   ",
    "XXXX was rude to me and [Name redacted] ignored us.",
    "I feel more confident in my practice.",
]


@pytest.fixture(scope="module")
def redactor():
    from copquotes.anonymise import Redactor

    return Redactor(known_names=[Identifier("Kate Nguyen", "person", "roster", ("Katie",))])


def _spans(redactor, texts, extras=None, precheck=True):
    redactor._ner_precheck = precheck
    try:
        return [[(s.start, s.end, s.kind, s.source) for s in sp]
                for sp in redactor.analyze_batch(texts, extras)]
    finally:
        redactor._ner_precheck = True


def test_ner_precheck_gives_the_same_spans_on_the_labelled_set():
    from copquotes.anonymise import Redactor
    from copquotes.anonymise.redactor import load_roster_identifiers

    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [d["text"] for d in items]
    extras = [tuple(d.get("speakers") or ()) for d in items]
    r = Redactor(known_names=load_roster_identifiers(ROSTER))
    fast = _spans(r, texts, extras, precheck=True)
    full = _spans(r, texts, extras, precheck=False)
    assert fast == full
    assert sum(map(len, fast)) > 100  # the set is full of identifiers: the comparison means something


def test_ner_precheck_gives_the_same_spans_on_plain_texts(redactor):
    assert _spans(redactor, TEXTS, precheck=True) == _spans(redactor, TEXTS, precheck=False)


@pytest.mark.parametrize("text, may_matter", [
    ("The staff were lovely and explained everything.", False),
    ("nothing to add", False),
    ("We met on Monday in March.", False),          # days and months are never kept
    ("Our CoP was great.", False),                  # allow-listed programme term
    ("Sarah was wonderful.", True),
    ("I drove from Bendigo.", True),
    ("Thanks to everyone at Anglicare.", True),
])
def test_ner_may_matter(redactor, text, may_matter):
    from copquotes.anonymise.recognizers import informative_token, ner_may_matter

    doc = redactor.engine.nlp_engine.nlp["en"].make_doc(text)
    assert ner_may_matter(doc, redactor._allow_words) is may_matter
    # the cached per-word answer equals the per-token definition
    assert ner_may_matter(doc, redactor._allow_words) is any(informative_token(t, redactor._allow_words) for t in doc)


def test_ner_precheck_skips_most_plain_answers(redactor):
    from copquotes.anonymise.recognizers import ner_may_matter

    nlp = redactor.engine.nlp_engine.nlp["en"]
    plain = [t for t in TEXTS if t.strip()]
    needed = [ner_may_matter(nlp.make_doc(t), redactor._allow_words) for t in plain]
    assert 0 < sum(needed) < len(plain)


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_chunked_analysis_does_not_change_spans(redactor, monkeypatch, chunk):
    from copquotes.anonymise import redactor as R

    whole = _spans(redactor, TEXTS)
    monkeypatch.setattr(R, "_CHUNK", chunk)
    assert _spans(redactor, TEXTS) == whole


# --------------------------------------------------------------------------- the direct path and the NER coverage check
# texts where spaCy's NER changes the spans, or could (an uncovered word, a person name it
# could extend, a piece of a text around an allowed term, a known name)
TRICKY = [
    "Nick, you're on mute.",
    "Ring Priya on 07700 900123 or +44 20 7946 0958; my NI number is QQ 12 34 56 C and I live in S10 2TN.",
    "Rate it 0 10 20 30 40 50, or text 021 123 4567 from the Year 10 room at 3PM.",
    "Email jo at bchs dot org dot au; my DOB is 12/03/1985 and I'm in Bendigo 3550, or VIC 3551 in winter.",
    "Rania Haddad from Dandenong Neighbourhood House and I are going to run a joint session in term two.",
    "Achol Deng from Wyndham Community and Education Centre should lead a session.",
    "Better Zoom etiquette - cameras on please!",
    "We got hit with a coordinated email campaign after our International Women's Day post.",
    "Ha. I did, didn't I. The parent-teacher night.",
    "The CoP. Sarah Jones said the Community of Practice in Shepparton was great.",
    "Thanks Katie, the Respectful Relationships team at Wodonga Primary helped.",
    "Kate Nguyen and Thi Lan Nguyen ran it with KN.",
    "Kate's idea of rotating who hosts the CoP each month kept the group alive.",
    "Hearing from Bernadette at Anglicare Victoria was the highlight.",
    "Early Career Zoom catch-ups with Mr O'Brien and Aunty Marlene.",
    "email kate.nguyen@example.org or ring 0491 570 156, ABN 51 824 753 556",
    "see www.example.com.au or 10.0.0.1 from 2024-2025",
    "all lower case from ballarat with sarah and the cop",
    "ÉLODIE from Genève rang.",
]


def _plain_spans(redactor, texts, extras=None):
    """The reference: every text through Presidio's AnalyzerEngine, the NER on every text."""
    redactor._direct, redactor._ner_precheck = False, False
    try:
        return [[(s.start, s.end, s.kind, s.source) for s in sp] for sp in redactor.analyze_batch(texts, extras)]
    finally:
        redactor._direct, redactor._ner_precheck = True, True


def _labelled():
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [d["text"] for d in items], [tuple(d.get("speakers") or ()) for d in items]


def _count_ner_docs(redactor, monkeypatch):
    nlp = redactor.engine.nlp_engine.nlp["en"]
    seen = []
    orig = type(nlp).pipe

    def pipe(self, docs, *a, **k):
        docs = list(docs)
        seen.extend(docs)
        return orig(self, docs, *a, **k)

    monkeypatch.setattr(type(nlp), "pipe", pipe)
    return seen


def test_fast_path_gives_the_plain_spans_on_the_labelled_set(monkeypatch):
    from copquotes.anonymise import Redactor
    from copquotes.anonymise.redactor import load_roster_identifiers

    texts, extras = _labelled()
    r = Redactor(known_names=load_roster_identifiers(ROSTER))
    seen = _count_ner_docs(r, monkeypatch)
    fast = _spans(r, texts, extras)
    n_fast = len(seen)
    seen.clear()
    r._ner_coverage_check = False
    try:
        precheck_only = _spans(r, texts, extras)
    finally:
        r._ner_coverage_check = True
    n_precheck = len(seen)
    assert fast == precheck_only == _plain_spans(r, texts, extras)
    # the coverage check spares the NER a good share of the texts the word check lets through
    assert n_fast < 0.7 * n_precheck < len(texts)


@pytest.mark.parametrize("use_ner", [True, False])
def test_fast_path_gives_the_plain_spans_on_tricky_texts(redactor, use_ner):
    texts = TEXTS + TRICKY
    extras = [("Kate Nguyen", "Bernadette Walsh")] * len(texts)
    redactor.use_ner = use_ner
    try:
        assert _spans(redactor, texts, extras) == _plain_spans(redactor, texts, extras)
    finally:
        redactor.use_ner = True


def test_fast_path_gives_the_plain_spans_in_documents(redactor):
    from copquotes.anonymise.redactor import propagate

    texts = TEXTS + TRICKY
    fast = redactor.analyze_document(texts, ["Marcus Lee"])
    redactor._direct, redactor._ner_precheck = False, False
    try:
        plain = redactor.analyze_document(texts, ["Marcus Lee"])
    finally:
        redactor._direct, redactor._ner_precheck = True, True
    assert fast == plain
    assert propagate(texts, fast, redactor._allow_re) == fast


@pytest.mark.parametrize("text, known, redundant", [
    # a known name, an allowed term: nothing left for the NER
    ("Kate's idea of rotating who hosts the CoP each month kept the group alive.", ("Kate Nguyen",), True),
    ("Thanks Kate, that was great.", ("Kate Nguyen",), True),
    # beside an allowed term, a capital no span covers ("Thanks") could be a piece of an NER result
    ("Thanks Kate, the CoP was great.", ("Kate Nguyen",), False),
    # a name from the name list: the NER could extend it ("Rania Haddad")
    ("Sarah was wonderful.", (), False),
    # a capitalised word no recogniser took
    ("Hearing from everyone was great.", (), False),
    # an upper-case letter outside allowed terms and spans, beside an allowed term
    ("The CoP met in the library.", (), False),
])
def test_ner_redundant(redactor, text, known, redundant):
    r = redactor
    doc = r.engine.nlp_engine.nlp["en"].make_doc(text)
    base = r._run_recognizers(text, r._base_recs, r._known(known), None)
    cands, chosen = r._choose(text, r._clean(base))
    assert r._ner_redundant(text, doc, base, cands, chosen) is redundant


@pytest.mark.parametrize("text, may_matter", [
    ("nothing to add", False), ("call 0491 570 156!", False), ("  ", False), ("x", False),
    ("we met on zoom and the cop was great", False),
    # a lower-case word that reads as a name can carry a PERSON entity the redactor keeps
    ("sarah from ballarat was great", True), ("i spoke with stavros about it", True),
])
def test_lower_case_texts_interest_the_ner_only_through_words_that_read_as_names(redactor, text, may_matter):
    from copquotes.anonymise.recognizers import ner_may_matter

    doc = redactor.engine.nlp_engine.nlp["en"].make_doc(text)
    assert ner_may_matter(doc, redactor._allow_words) is may_matter


def test_informative_core_spans(redactor):
    from copquotes.anonymise.recognizers import informative_core_spans, informative_token

    text = "Thanks Sarah. The CoP. met (Bendigo) on Monday with “Marlene”."
    doc = redactor.engine.nlp_engine.nlp["en"].make_doc(text)
    spans = informative_core_spans(doc, redactor._allow_words)
    assert len(spans) == sum(informative_token(t, redactor._allow_words) for t in doc)
    assert [text[a:b] for a, b in spans] == [t.text.strip(".,()“”") for t in doc if informative_token(t, redactor._allow_words)]
    assert "Sarah" in [text[a:b] for a, b in spans] and "Monday" not in [text[a:b] for a, b in spans]


def test_numpy_matmul_gives_the_blis_entities(redactor):
    from thinc.api import NumpyOps

    texts, _ = _labelled()
    texts = texts + TEXTS + TRICKY
    nlp = redactor.engine.nlp_engine.nlp["en"]
    model = nlp.get_pipe("ner").model
    nodes = list(model.walk())
    assert all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)

    def ents():
        return [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts, batch_size=256)]

    fast = ents()
    saved = [n.ops for n in nodes]
    blis = NumpyOps()
    try:
        for n in nodes:
            n.ops = blis
        slow = ents()
    finally:
        for n, o in zip(nodes, saved):
            n.ops = o
    assert fast == slow
    assert sum(map(len, fast)) > 100


def test_contact_precheck_never_loses_a_match(redactor):
    """The contact recogniser skips texts with neither a digit nor an '@'."""
    from copquotes.anonymise.recognizers import ContactRecognizer

    texts, _ = _labelled()
    texts = texts + TEXTS + TRICKY + ["@jaz.lovett", "ABC 123", "1AB 2CD", "AB 12 CD", "٣٤٥٦ ٧٨٩٠ phone", "call ０４９１"]
    rec = ContactRecognizer()
    found = 0
    for t in texts:
        full = [(x.entity_type, x.start, x.end, x.score) for x in rec.analyze_patterns(t)]
        assert [(x.entity_type, x.start, x.end, x.score) for x in rec.analyze(t, None)] == full, t
        found += bool(full)
    assert found > 30


def test_redact_command_output_is_the_plain_paths(tmp_path, capsys, monkeypatch):
    """``copquotes redact FILE --roster CSV``: one JSON object per input line, in order,
    ``{"text": ..., "spans": [{"start", "end", "kind"}]}`` with offsets into the original,
    exactly as the plain path (Presidio's engine, the NER on every text) gives it."""
    from copquotes import cli
    from copquotes.anonymise import Redactor

    texts, _ = _labelled()
    texts = texts[:60] + TRICKY
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    assert cli.main(["redact", str(src), "--roster", str(ROSTER)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == len(texts)

    plain = Redactor.from_roster(ROSTER)
    plain._direct, plain._ner_precheck = False, False
    for text, spans, got in zip(texts, plain.analyze_document(texts), lines):
        assert set(got) == {"text", "spans"}
        assert got["spans"] == [{"start": sp.start, "end": sp.end, "kind": sp.kind} for sp in spans]
        assert got["text"] == plain.redact(text, spans).text


def test_forked_workers_give_the_same_spans(redactor, monkeypatch):
    from copquotes.anonymise import redactor as R

    texts = (TEXTS + TRICKY) * 3
    extras = [("Kate Nguyen",)] * len(texts)
    one = redactor.analyze_batch(texts, extras)
    monkeypatch.setattr(R, "_PARALLEL_MIN", 1)
    assert redactor.analyze_batch(texts, extras, n_process=2) == one
    assert R._FORKED is None


def test_prechecks_never_lose_a_match(redactor):
    """Presidio's e-mail, phone, ABN/ACN/TFN/Medicare and IP recognisers run only on texts
    with an '@' or eight digits: on every text they skip, the recogniser finds nothing.
    The URL recogniser runs only on URL-like texts (a scheme, www., a common domain
    ending; a narrowing chosen for precision, not a speed path): what it would find
    elsewhere is a bare domain with a rare ending ("jaz.love" inside a handle)."""
    texts, _ = _labelled()
    texts = texts + TEXTS + TRICKY + [
        "ring +44 20 7946 0958 or (555) 010-9999", "a@b", "x.com", "ip 192.168.0.1 and 2001:db8::1",
        "TFN 123 456 782 and medicare 2123 45670 1", "ABN 51824753556", "12 34 56 78", "1-2-3-4-5-6-7-8",
        "see example.love or @jaz.lovett",
    ]
    from copquotes.anonymise.redactor import _URLISH

    checked = [rec for rec in redactor._base_recs if type(rec).__name__ == type(rec).__mro__[1].__name__
               and type(rec).__mro__[1].__module__.startswith("presidio_analyzer")]
    assert len(checked) == 8
    found = 0
    for rec in checked:
        plain = super(type(rec), rec)
        for t in texts:
            full = [(x.entity_type, x.start, x.end, x.score) for x in plain.analyze(t, None, None)]
            fast = [(x.entity_type, x.start, x.end, x.score) for x in rec.analyze(t, None, None)]
            found += bool(full)
            if type(rec).__name__ != "UrlRecognizer":
                assert fast == full, (type(rec).__name__, t)
                continue
            for _, a, b, _ in set(full) - set(fast):
                assert not _URLISH.search(t[a:b]), t
    assert found > 20


# --------------------------------------------------------------------------- Features
def _reference_tokens(text: str) -> list[tuple]:
    """Token attributes by their plain definitions (the original, slow implementation)."""
    out = []
    prev_end, prev_lower = 0, None
    for m in F.TOKEN_RE.finditer(text):
        s, e = m.start(), m.end()
        w = m.group(0)
        poss = False
        if len(w) > 3 and w[-2:] in ("'s", "’s") and w[-3].isalpha():
            w, e, poss = w[:-2], e - 2, True
        elif e < len(text) and text[e] in "'’" and w.endswith("s") and (e + 1 == len(text) or not text[e + 1].isalnum()):
            poss = True
        gap = text[prev_end:s]
        sent_init = not out or bool(re.search(F._SENT_GAP.pattern, gap))
        if sent_init and out and gap.startswith(".") and gap.strip() == "." and prev_lower in F._TITLE_ABBREV:
            sent_init = False
        letters = [c for c in w if c.isalpha()]
        out.append((len(out), s, e, w, w.lower(), w[:1].isupper(),
                    len(letters) >= 2 and all(c.isupper() for c in letters),
                    bool(letters) and all(c.isalpha() or c in "'’-" for c in w), sent_init, poss))
        prev_end, prev_lower = m.end(), w.lower()
    return out


@pytest.mark.parametrize("text", TEXTS + [
    "O'BRIEN-SMITH's plan", "Nikos' book", "ÉCOLE d'Été", "İstanbul AB", "ǅemal ǈǈ", "中文 ABC", "x_y 12ab",
    "--", "Dr. Smith. Mr. Jones met Ms Lee.", "P-12 BCHS KN ok", "Evans-Whitfield's", "it's   Sam’s\nnew\n\nrole",
    "“Quoted” (Aunty May) [name] • bullet — dash – en", "a'b a-b- 'tis",
])
def test_features_equal_their_definition(text):
    assert [tuple(t) for t in F.Features(text).tokens] == _reference_tokens(text)


# --------------------------------------------------------------------------- the incremental stage
_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
{a}: Thanks {b_first}, I drove up from Bendigo for this one.

2
00:00:05.000 --> 00:00:09.000
{b}: No worries {a_first}. The CoP is my professional home, honestly.

3
00:00:10.000 --> 00:00:14.000
{a}: I'm the only prevention worker in Inglewood, so {b_first}'s group keeps me going.
"""


def _write_vtt(folder: Path, name: str, a: str, b: str) -> Path:
    p = folder / name
    p.write_text(_VTT.format(a=a, b=b, a_first=a.split()[0], b_first=b.split()[0]), encoding="utf-8")
    return p


def _tables(ws) -> dict:
    q = {"redactions": 'SELECT unit_id, start, "end", kind, source, status FROM redactions',
         "anon": "SELECT unit_id, text FROM anon",
         "flags": 'SELECT unit_id, kind, start, "end", reason, severity FROM flags'}
    return {k: sorted((tuple(r) for r in ws.conn.execute(sql)), key=repr) for k, sql in q.items()}


def _ingest(ws, *paths):
    from copquotes.ingest import discover

    ws.ingest(discover(list(paths), {"group": "RRE", "year": "2024"}).sources, progress=False)


@pytest.fixture(scope="module")
def default_redactor():
    from copquotes.anonymise import Redactor

    return Redactor()


def test_stage_analyses_only_new_files_and_matches_a_full_run(tmp_path, default_redactor, monkeypatch):
    from copquotes.anonymise import redactor as R
    from copquotes.anonymise import stage as S
    from copquotes.workspace import Workspace

    monkeypatch.setattr(R, "Redactor", lambda: default_redactor)  # the default redactor, loaded once per module
    src = tmp_path / "in"
    src.mkdir()
    f1 = _write_vtt(src, "fg1.vtt", "Tahnee Walker", "Marcus Lee")
    f2 = _write_vtt(src, "fg2.vtt", "Priya Raman", "Jo Stewart")
    ws = Workspace.create(tmp_path / "ws")
    _ingest(ws, f1, f2)
    first = S.run(ws, progress=False)
    assert first["analysed"] == first["units"] == 6 and first["files_analysed"] == 2
    before = _tables(ws)
    assert any("[name]" in t for _, t in before["anon"]) and before["flags"]

    again = S.run(ws, progress=False)  # nothing new: no model runs, nothing rewritten
    assert again["analysed"] == 0 and again["rendered"] == 0
    assert _tables(ws) == before

    f3 = _write_vtt(src, "fg3.vtt", "Sam Okafor", "Claire Donnelly")
    _ingest(ws, f3)
    inc = S.run(ws, progress=False)
    assert inc["analysed"] == 3 and inc["files_analysed"] == 1 and inc["units"] == 9
    incremental = _tables(ws)
    full = S.run(ws, progress=False, full=True)
    assert full["analysed"] == 9
    assert _tables(ws) == incremental

    # a reviewer's manual redaction (written straight into the table): the next run renders that file only
    uid, text = ws.conn.execute("SELECT unit_id, text FROM units WHERE text LIKE '%professional home%' LIMIT 1").fetchone()
    a = text.index("professional")
    with ws.transaction() as c:
        c.execute("INSERT INTO redactions(unit_id, start, \"end\", kind, source, status) VALUES (?, ?, ?, 'other', 'manual', 'manual')",
                  (uid, a, a + len("professional")))
    rev = S.run(ws, progress=False)
    assert rev["analysed"] == 0 and rev["files_rendered"] == 1
    assert "[identifier] home" in ws.conn.execute("SELECT text FROM anon WHERE unit_id = ?", (uid,)).fetchone()[0]

    # a new anonymiser version analyses everything again
    monkeypatch.setattr(S, "ANONYMISER_VERSION", S.ANONYMISER_VERSION + "-test")
    assert S.run(ws, progress=False)["analysed"] == 9
    ws.close()


def test_stage_in_a_worker_process_writes_the_same_tables(tmp_path, default_redactor):
    from copquotes.anonymise import stage as S
    from copquotes.worker import run_stage
    from copquotes.workspace import Workspace

    src = tmp_path / "in"
    src.mkdir()
    f1 = _write_vtt(src, "fg1.vtt", "Tahnee Walker", "Marcus Lee")
    ws = Workspace.create(tmp_path / "ws")
    _ingest(ws, f1)
    S.run(ws, progress=False, redactor=default_redactor)
    here = _tables(ws)
    with ws.transaction() as c:
        c.execute("DELETE FROM anon")
        c.execute("DELETE FROM flags")
        c.execute("DELETE FROM redactions")
    summary = run_stage(ws.path, "anonymise")
    assert summary["analysed"] == 3 and summary["wall_seconds"] > 0
    assert _tables(ws) == here
    ws.close()


def test_worker_failure_is_a_copquotes_error(tmp_path):
    from copquotes.errors import CopquotesError
    from copquotes.worker import run_stage

    with pytest.raises(CopquotesError, match="anonymise stage failed in its worker process"):
        run_stage(tmp_path / "no-such-workspace", "anonymise")


def test_rendering_helpers_import_without_presidio():
    import subprocess
    import sys

    code = ("import sys; from copquotes.anonymise import redact_span, redact_text, placeholder, risk_flags, run; "
            "print('presidio_analyzer' in sys.modules, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
