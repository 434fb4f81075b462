"""Quote mining, pure parts: candidates, features, scoring, shortlist, edits, attribution."""
from __future__ import annotations

import numpy as np
import pytest

from copquotes.errors import ConfigError
from copquotes.quotes import (STYLES, NonNegLogit, QuoteRanker, Weights, attribution, candidate_spans, mmr,
                              representativeness, resolve_templates, select_non_overlapping, suggest_edit,
                              text_features)
from copquotes.quotes.candidates import SpanCandidate
from copquotes.quotes.features import FEATURES, start_penalty
from copquotes.quotes.candidate import quote_id, speaker_pseudonym
from copquotes.quotes.safety import name_patterns as _name_patterns
from copquotes.quotes.safety import redact_span, residual_identifiers
from copquotes.text import sentence_spans


@pytest.fixture(scope="module")
def tagger_nlp():
    from copquotes.resources import load_spacy

    return load_spacy(disable=("parser", "ner", "lemmatizer"))


# ------------------------------------------------------------------------------ candidates
TEXT = ("Yeah. I walk in flat after a month of fighting fires at work. I walk out with a plan. "
        "And the feeling that somebody has my back, every single time we meet as a group. Thanks.")


@pytest.mark.parametrize("min_words,max_words,max_sentences,expected_min,expected_max", [
    (1, 200, 4, 1, 4),
    (8, 80, 4, 1, 4),
    (20, 80, 4, 2, 4),
    (8, 80, 1, 1, 1),
    (12, 30, 4, 1, 3),
])
def test_candidate_spans_respect_limits(min_words, max_words, max_sentences, expected_min, expected_max):
    sents = sentence_spans(TEXT)
    spans = candidate_spans(TEXT, sents, min_words=min_words, max_words=max_words, max_sentences=max_sentences)
    assert spans
    for sp in spans:
        assert min_words <= sp.n_words <= max_words
        assert expected_min <= sp.n_sentences <= expected_max
        assert TEXT[sp.start:sp.end] == TEXT[sp.start:sp.end].strip()
        assert (sp.start, sp.end) == (sents[sp.first][0], sents[sp.last][1])


def test_select_non_overlapping_is_greedy_by_score():
    spans = [SpanCandidate(0, 10, 0, 0, 5), SpanCandidate(5, 20, 0, 1, 8), SpanCandidate(20, 30, 2, 2, 5)]
    assert select_non_overlapping(spans, [0.2, 0.9, 0.5]) == [1, 2]
    assert select_non_overlapping(spans, [0.9, 0.2, 0.5]) == [0, 2]
    assert select_non_overlapping(spans, [0.9, 0.2, 0.5], max_per_unit=1) == [0]


# ------------------------------------------------------------------------------ features
QUOTABLE = [
    "I walk in flat after a month of fighting fires at work, and I walk out with a plan and the feeling that "
    "somebody has my back.",
    "Connecting with like-minded practitioners who understand how exhausting and rewarding this work can be.",
    "The CoP gave me a space to reflect critically on my own practice, which I never get time to do in my day job.",
]
ORDINARY = [
    "Yeah, um, so can everyone hear me okay? I think my camera is off, sorry.",
    "I guess it was, I don't know, kind of a bit of everything? Like the networking and the, um, content.",
    "It would be good to have the slides before each session and maybe more time for questions next time.",
    "Is the survey link going to come out after this or was that last week?",
]


@pytest.mark.parametrize("good", QUOTABLE)
@pytest.mark.parametrize("bad", ORDINARY)
def test_quotability_ranks_quotes_above_ordinary_talk(good, bad, tagger_nlp):
    rk = QuoteRanker()
    fg, fb = text_features(good, nlp=tagger_nlp), text_features(bad, nlp=tagger_nlp)
    assert rk.quotability([fg])[0] > rk.quotability([fb])[0]


@pytest.mark.parametrize("text,feature,op,value", [
    ("Can everyone hear me? Is my camera on?", "no_question", "==", 0.0),
    ("Um, yeah, like, you know, I mean it was, um, okay I guess.", "no_fillers", "<", 0.2),
    ("I feel stronger and more hopeful because of the people in this group.", "no_fillers", "==", 1.0),
    ("And that was what I was trying to say about the schools before.", "clean_start", "==", 0.0),
    ("I came away from every session with a plan for the month ahead.", "clean_start", "==", 1.0),
    ("Sorry I'm late, my internet dropped out and the zoom link didn't work.", "no_logistics", "<", 0.5),
    ("I would have liked more time and it would be good to have more case studies.", "no_suggestion", "<", 0.5),
    ("I have become more confident in making the case for prevention to senior leaders.", "first_person", ">", 0.4),
    ("The weather was nice on the drive.", "first_person", "==", 0.0),
    ("Maybe, I guess, I don't know, probably it sort of helped a bit.", "no_hedges", "<", 0.3),
])
def test_feature_values(text, feature, op, value, tagger_nlp):
    f = text_features(text, nlp=tagger_nlp)
    assert set(f) == set(FEATURES)
    assert all(0.0 <= v <= 1.0 for v in f.values())
    got = f[feature]
    assert {"==": got == pytest.approx(value), "<": got < value, ">": got > value}[op], (feature, got)


@pytest.mark.parametrize("first,first_two,expected", [
    ("and", "and then", 1.0), ("but", "but i", 1.0), ("it", "it was", 0.5), ("this", "this group", 0.15),
    ("so", "so i", 0.4), ("yeah", "yeah i", 0.25), ("i", "i walk", 0.0), ("hearing", "hearing from", 0.0),
])
def test_start_penalty(first, first_two, expected):
    assert start_penalty(first, first_two) == pytest.approx(expected)


def test_features_work_without_spacy():
    f = text_features(QUOTABLE[0])
    assert f["complete"] == 1.0 and f["first_person"] > 0


# ------------------------------------------------------------------------------ scoring
def test_nonneg_logit_never_learns_a_negative_weight():
    rng = np.random.RandomState(0)
    X = rng.rand(300, 3)
    y = (X[:, 0] - X[:, 1] + 0.1 * rng.randn(300) > 0).astype(int)   # feature 1 hurts
    m = NonNegLogit(alpha=0.1).fit(X, y)
    assert (m.coef_ >= 0).all()
    assert m.coef_[0] > 1.0 and m.coef_[1] == pytest.approx(0.0, abs=1e-6)
    assert ((m.predict_proba(X)[:, 1] > 0.5) == y).mean() > 0.7


def test_nonneg_logit_needs_two_classes():
    with pytest.raises(ConfigError):
        NonNegLogit().fit(np.ones((4, 2)), [1, 1, 1, 1])


def test_prior_strength_controls_how_far_a_fit_moves():
    rng = np.random.RandomState(1)
    X = rng.rand(40, 2)
    y = (X[:, 1] > 0.5).astype(int)
    prior = np.array([3.0, 0.0])
    weak = NonNegLogit(alpha=0.01, prior_coef=prior).fit(X, y)
    strong = NonNegLogit(alpha=1000.0, prior_coef=prior).fit(X, y)
    assert abs(strong.coef_[0] - 3.0) < abs(weak.coef_[0] - 3.0)
    assert weak.coef_[1] > strong.coef_[1]


def _rows(n, rng, good):
    rows = []
    for _ in range(n):
        r = {f: (rng.uniform(0.6, 1.0) if good else rng.uniform(0.0, 0.7)) for f in FEATURES}
        r.update(theme=rng.uniform(0.5, 1) if good else rng.uniform(0, 0.6), representativeness=0.5)
        rows.append(r)
    return rows


def test_quote_ranker_fit_sets_weights_and_scores():
    rng = np.random.RandomState(2)
    rows = _rows(40, rng, True) + _rows(120, rng, False)
    y = [1] * 40 + [0] * 120
    rk = QuoteRanker().fit(rows, y)
    assert isinstance(rk.weights_, Weights)
    assert all(v >= 0 for k, v in rk.weights_.quotability.items() if k != "intercept")
    s = rk.score(rows)
    assert s[:40].mean() > s[40:].mean()
    held = dict(rows[0], safety=0.2)
    assert rk.score([held])[0] == pytest.approx(0.2 * rk.score([rows[0]])[0])


def test_weights_round_trip_and_validation():
    w = Weights.default()
    assert Weights.from_obj(w.to_json()) == w
    with pytest.raises(ConfigError):
        Weights.from_obj({"top": {}})


# ------------------------------------------------------------------------------ diversity
def test_mmr_caps_speakers_and_prefers_diverse_items():
    vecs = np.array([[1, 0], [1, 0], [0.99, 0.14], [0, 1]], dtype=float)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rel = [1.0, 0.98, 0.97, 0.6]
    picked = mmr(rel, vecs, 2, lam=0.5, speakers=["a", "b", "c", "d"])
    assert picked == [0, 3]                        # the near-duplicates lose to the different one
    picked = mmr(rel, None, 3, speakers=["a", "a", "a", "b"], max_per_speaker=1)
    assert picked == [0, 3]                        # one per speaker, and only two speakers


def test_mmr_spreads_across_groups():
    rel = [1.0, 0.99, 0.98]
    picked = mmr(rel, None, 2, lam=1.0, groups=["A", "A", "B"], spread=0.5)
    assert picked == [0, 2]


def _mmr_one_at_a_time(rel, vecs, k, lam, speakers, max_per_speaker, groups, years, spread):
    """Maximal marginal relevance as first written, item by item: the reference :func:`mmr` keeps."""
    rel = np.asarray(rel, dtype=float)
    picked, per_speaker, max_sim, candidates = [], {}, np.zeros(len(rel)), set(range(len(rel)))
    while candidates and len(picked) < k:
        best, best_val = None, -np.inf
        for i in candidates:
            if speakers[i] is not None and per_speaker.get(speakers[i], 0) >= max_per_speaker:
                continue
            val = lam * rel[i] - (1 - lam) * max_sim[i]
            if picked and spread:
                val -= spread * sum(1 for j in picked if groups[j] == groups[i]) / len(picked)
                val -= spread * sum(1 for j in picked if years[j] == years[i]) / len(picked)
            if val > best_val or (val == best_val and best is not None and i < best):
                best, best_val = i, val
        if best is None:
            break
        picked.append(best)
        candidates.discard(best)
        if speakers[best] is not None:
            per_speaker[speakers[best]] = per_speaker.get(speakers[best], 0) + 1
        max_sim = np.maximum(max_sim, vecs @ vecs[best])
    return picked


@pytest.mark.parametrize("seed, k, lam, cap, spread", [
    (0, 50, 0.7, 2, 0.05), (1, 50, 0.7, 1, 0.05), (2, 300, 0.5, 3, 0.2), (3, 10, 1.0, 2, 0.0), (4, 40, 0.7, 0, 0.05),
])
def test_mmr_picks_what_the_item_by_item_selection_picks(seed, k, lam, cap, spread):
    rng = np.random.RandomState(seed)
    n = 250
    vecs = rng.normal(size=(n, 16))
    vecs[1::7] = vecs[0::7][:len(vecs[1::7])]            # copies: equal similarities
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rel = np.round(rng.uniform(size=n), 2)                # ties of relevance
    speakers = [None if i % 9 == 0 else f"P{rng.randint(40)}" for i in range(n)]
    groups = [rng.choice(["RRE", "Early career", None]) for _ in range(n)]
    years = [rng.choice(["2023", "2024"]) for _ in range(n)]
    args = dict(lam=lam, max_per_speaker=cap, spread=spread)
    want = _mmr_one_at_a_time(rel, vecs, k, speakers=speakers, groups=groups, years=years, **args)
    assert mmr(rel, vecs, k, speakers=speakers, groups=groups, years=years, **args) == want
    assert len(want) >= min(k, 10)


def test_representativeness_counts_other_voices_only():
    base = np.array([1.0, 0.0, 0.0])
    near = np.array([0.95, 0.31, 0.0]) / np.linalg.norm([0.95, 0.31, 0.0])
    far = np.array([0.0, 0.0, 1.0])
    ref = np.stack([near, near, near, far])
    r_others = representativeness(np.stack([base]), ["me"], ref, ["x", "y", "z", "w"], top=3)
    r_self = representativeness(np.stack([base]), ["me"], ref, ["me", "me", "me", "w"], top=3)
    assert r_others[0] > 0.9 and r_self[0] < r_others[0]


# ------------------------------------------------------------------------------ edits
CTX = "What has the CoP meant for you?"


@pytest.mark.parametrize("text,context,expected", [
    ("Yeah, so, um, I walk out with a plan.", None, "I walk out with a plan."),
    ("I felt, um, really held by the group.", None, "I felt ... really held by the group."),
    ("It was, you know, the first time I felt safe.", None, "It was ... the first time I felt safe."),
    ("It gave me the language to explain prevention.", CTX, "[The CoP] gave me the language to explain prevention."),
    ("It gave me the language to explain prevention.", None, "It gave me the language to explain prevention."),
    ("It's early days but I feel clearer.", CTX, "It's early days but I feel clearer."),
    ("It's a lifeline for me.", CTX, "[The CoP]'s a lifeline for me."),
    ("The CoP kept me going. The CoP is my team.", None,
     "The CoP [Community of Practice] kept me going. The CoP is my team."),
    ("The Community of Practice and the CoP helped.", None, "The Community of Practice and the CoP helped."),
    ("We we kept going back to it.", None, "We kept going back to it."),
    ("I was - I think it changed how I work.", None, "I think it changed how I work."),
    ("Like a lifeline, that is what it was.", None, "Like a lifeline, that is what it was."),
    # a dummy "it" is not the programme
    ("It's just nice to be with grown-ups who care.", CTX, "It's just nice to be with grown-ups who care."),
    ("It was really good hearing how others cope.", CTX, "It was really good hearing how others cope."),
    ("It's been hard to explain to my manager.", CTX, "It's been hard to explain to my manager."),
    ("It is important that we keep meeting.", CTX, "It is important that we keep meeting."),
    ("It's helped me to slow down.", CTX, "[The CoP]'s helped me to slow down."),
    ("It's been a lifeline to me.", CTX, "[The CoP]'s been a lifeline to me."),
    ("It was the one place to be honest.", CTX, "[The CoP] was the one place to be honest."),
])
def test_suggest_edit(text, context, expected):
    e = suggest_edit(text, context=context)
    assert e.text == expected
    assert e.changed == (expected != text)


def test_edit_never_adds_words_outside_brackets():
    text = "Yeah, um, it gave me, you know, the CoP as a home and I I felt held."
    e = suggest_edit(text, context=CTX)
    import re
    outside = re.sub(r"\[[^\]]*\]|\.\.\.", " ", e.text).lower().split()
    original = text.lower().replace(",", " ").replace(".", " ").split()
    assert all(w.strip(".,") in original for w in outside)


# ------------------------------------------------------------------------------ attribution
@pytest.mark.parametrize("kind,year,group,style,expected", [
    ("focus_group", "2024", None, "kind", "- CoP focus group participant 2024"),
    ("survey", "2023", "Mid-Senior", "kind", "- CoP survey respondent 2023"),
    ("reflection", "2023", None, "kind", "- CoP facilitator"),
    ("focus_group", "2018-2019", "Early career", "cohort", "- Early career CoP participant, 2018-2019"),
    ("focus_group", "2024-2025", "RRE", "cohort_and_kind", "- RRE 2024-2025 participant and focus group participant"),
    ("survey", None, None, "kind", "- CoP survey respondent"),
    ("focus_group", None, "RRE", "cohort", "- RRE CoP participant"),
])
def test_attribution_styles(kind, year, group, style, expected):
    assert attribution(kind, year=year, group=group, templates=STYLES[style]) == expected


def test_attribution_overrides_and_refuses_names():
    tpls = resolve_templates({"survey": "- {group} survey, {year}"})
    assert attribution("survey", year="2025", group="Prevention leaders", templates=tpls) == \
        "- Prevention leaders survey, 2025"
    assert attribution("focus_group", year="2024", template="- Participant ({year})") == "- Participant (2024)"
    assert attribution("focus_group", year="2024", speaker_role="facilitator") == "- CoP facilitator"
    for bad in ({"survey": "- {speaker}"}, {"style": "nope"}, {"survey": "- {name}"}):
        with pytest.raises(ConfigError):
            resolve_templates(bad)


# ------------------------------------------------------------------------------ safety helpers
def test_redact_span_clips_and_replaces():
    text = "Thanks Priya Raman, the CoP at Wodonga helped me."
    reds = [(7, 18, "person"), (31, 38, "place")]
    out = redact_span(text, reds, 0, len(text))
    assert "Priya" not in out and "Wodonga" not in out and "the CoP" in out
    part = redact_span(text, reds, 10, len(text))       # starts inside a redaction
    assert "Raman" not in part and "ya" not in part.split(",")[0].replace("[", "")[:2]


def test_residual_names_are_found_case_sensitively():
    pat = _name_patterns([("Hope Carter", "person", []), ("Sam Nguyen", "person", ["Sammy"])])
    assert residual_identifiers("I hope Sammy and Carter's team come.", pat) == [(7, 12), (17, 25)]
    assert residual_identifiers("I have hope.", pat) == []


def test_ids_and_pseudonyms_are_stable_and_nameless():
    assert quote_id("u1", 0, 10) == quote_id("u1", 0, 10) != quote_id("u1", 0, 11)
    p = speaker_pseudonym("/data/fg.vtt", "S2", "u1")
    assert p.startswith("P-") and p == speaker_pseudonym("/data/fg.vtt", "S2", "u9")
    assert p != speaker_pseudonym("/data/other.vtt", "S2", "u1")
