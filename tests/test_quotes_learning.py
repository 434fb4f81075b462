"""Learning from reviewers (copquotes/quotes/learning.py) on a real workspace: a small survey
analysed by the real stages and the real embedding model; decisions through the review API."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest
from sklearn.base import clone

from copquotes import review
from copquotes.quotes import learning
from copquotes.quotes import shortlist
from copquotes.quotes import stage as qs

import learning_corpus as lc

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ws = lc.build(tmp_path_factory.mktemp("learning"))
    shipped = {r[0]: r[1] for r in ws.conn.execute("SELECT quote_id, score FROM quotes")}
    yield ws, shipped
    ws.close()


@pytest.fixture
def ws(built):
    """The module's workspace with no decision and the ranking as shipped, for each test."""
    w, _ = built
    w.conn.execute("DELETE FROM decisions")
    w.conn.execute("UPDATE quotes SET status = 'pending', version = 1, edited_text = NULL")
    qs.run(w, progress=False, learn=False)
    return w


def _rows(ws):
    return [dict(r) for r in ws.conn.execute(
        "SELECT quote_id, verbatim, score, status, version FROM quotes ORDER BY score DESC, quote_id")]


def _decide(ws, rows, label):
    for r in rows:
        if label(r):
            review.approve(ws, r["quote_id"], "Ann", r["version"])
        else:
            review.reject(ws, r["quote_id"], "Ann", "not what we need", r["version"])


def _auc_practice_over_catering(rows, scores):
    pos = [scores[r["quote_id"]] for r in rows if lc.kind_of(r["verbatim"]) == "practice"]
    neg = [scores[r["quote_id"]] for r in rows if lc.kind_of(r["verbatim"]) == "catering"]
    return float(np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg]))


def test_rejecting_one_kind_demotes_that_kind_on_unseen_quotes(ws):
    rows = _rows(ws)
    seen, unseen = rows[:24], rows[24:]
    kinds = {lc.kind_of(r["verbatim"]) for r in seen}
    assert kinds == {"practice", "catering"}          # the shipped ranking mixes the two kinds
    before = {r["quote_id"]: r["score"] for r in rows}
    _decide(ws, seen, lambda r: lc.kind_of(r["verbatim"]) == "practice")
    info = learning.rerank(ws)
    assert info["adopted"] and info["decisions"] == 24
    assert info["held_out_auc"]["learned"] > info["held_out_auc"]["shipped"]
    after = {r["quote_id"]: r["score"] for r in _rows(ws)}
    auc_before = _auc_practice_over_catering(unseen, before)
    auc_after = _auc_practice_over_catering(unseen, after)
    # 0.41 -> 0.82 here (over the embedding's 24 leading components; over its 384 dimensions it
    # was >= 0.9 on this small corpus, but moved the labelled set's unseen quotes on noise)
    assert auc_after >= 0.8 and auc_after > auc_before + 0.3, (auc_before, auc_after)
    # the shortlist copquotes quotes prints (pending quotes) now starts with practice answers
    top = shortlist(ws, top=10, status="pending")
    shipped_top = sum(lc.kind_of(r["verbatim"]) == "practice" for r in unseen[:10])
    assert sum(lc.kind_of(q.text) == "practice" for q in top) >= max(8, shipped_top + 2), shipped_top


def test_decisions_that_are_noise_keep_the_shipped_ranking(ws, built):
    rows = _rows(ws)
    rng = random.Random(3)
    _decide(ws, rows[:30], lambda r: rng.random() < 0.5)
    info = learning.rerank(ws)
    assert info["decisions"] == 30 and not info["adopted"]
    _, shipped = built
    scores = {r["quote_id"]: r["score"] for r in _rows(ws)}
    assert scores == pytest.approx(shipped, abs=1e-5)
    assert "ranking as shipped" in learning.describe(ws)


def test_too_few_decisions_keep_the_shipped_ranking_and_say_so(ws, built):
    assert learning.describe(ws) == "Shortlist not yet re-ranked from decisions: ranking as shipped."
    rows = _rows(ws)
    _decide(ws, rows[:6], lambda r: r is rows[0])                    # one approval, five rejections
    info = learning.rerank(ws)
    assert not info["adopted"] and "at least 5 approved" in info["reason"]
    assert {r["quote_id"]: r["score"] for r in _rows(ws)} == pytest.approx(built[1], abs=1e-5)


def test_learning_never_changes_a_decision(ws):
    rows = _rows(ws)
    _decide(ws, rows[:24], lambda r: lc.kind_of(r["verbatim"]) == "practice")
    qid = rows[0]["quote_id"]
    version = ws.conn.execute("SELECT version FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0]
    review.edit(ws, qid, "Ann", "My own words about my practice.", version)
    before = {r["quote_id"]: (r["status"], r["version"]) for r in _rows(ws)}
    audit = ws.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    learning.rerank(ws)
    qs.run(ws, progress=False)
    assert {r["quote_id"]: (r["status"], r["version"]) for r in _rows(ws)} == before
    assert ws.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == audit
    assert ws.conn.execute("SELECT edited_text FROM quotes WHERE quote_id = ?", (qid,)).fetchone()[0] \
        == "My own words about my practice."


def test_the_stage_rerun_uses_the_learned_ranking_and_records_it(ws):
    rows = _rows(ws)
    _decide(ws, rows[:24], lambda r: lc.kind_of(r["verbatim"]) == "practice")
    summary = qs.run(ws, progress=False)
    assert summary["learned_from_decisions"]["learned"]
    stored = learning.last_rerank(ws)
    assert stored["adopted"] and stored["decisions"] == 24 and stored["at"]
    assert stored["held_out_auc"]["learned"] > stored["held_out_auc"]["shipped"]
    line = learning.describe(ws)
    assert line.startswith("Shortlist re-ranked ") and line.endswith("UTC from 24 decisions.")
    # the same order as copquotes quotes --status pending (one shortlist function)
    pending = [r for r in _rows(ws) if r["status"] == "pending"]
    assert [q.id for q in shortlist(ws, top=100, status="pending")] == [r["quote_id"] for r in pending]
    # a stage run without learning writes the shipped scores back and forgets the re-rank
    qs.run(ws, progress=False, learn=False)
    assert learning.last_rerank(ws) is None


def test_rerank_reads_the_embeddings_from_the_cache_only(ws):
    from copquotes.quotes import storage

    emb = storage.embedder(ws)
    texts = [r["verbatim"] for r in _rows(ws)]
    assert np.allclose(learning.cached_span_vectors(emb, texts), emb.encode(texts), atol=1e-6)
    # sentences nobody embedded: no model run for them, the correction uses the parts alone
    assert learning.cached_span_vectors(emb, ["Words nobody embedded here. Not one of them."]) is None
    rows = _rows(ws)
    _decide(ws, rows[:24], lambda r: lc.kind_of(r["verbatim"]) == "practice")
    assert learning.rerank(ws)["embedding"]


def test_rerank_in_a_background_process(ws):
    rows = _rows(ws)
    _decide(ws, rows[:24], lambda r: lc.kind_of(r["verbatim"]) == "practice")
    assert learning.pending_decisions(ws) == 24
    assert learning.rerank_in_background(ws.path)
    assert learning.wait(ws.path, timeout=180) and not learning.is_reranking(ws.path)
    assert learning.last_rerank(ws)["adopted"] and learning.pending_decisions(ws) == 0


def test_decision_ranker_follows_the_sklearn_contract():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.normal(size=60), rng.normal(size=(60, 4))])
    y = (X[:, 2] > 0).astype(int)                   # the shipped logit (column 0) knows nothing of it
    est = learning.DecisionRanker(random_state=1)
    assert clone(est).get_params() == est.get_params()
    assert not hasattr(est, "adopted_")
    assert est.fit(X, y) is est
    assert est.adopted_ and est.C_ in est.Cs and est.cv_auc_ > est.shipped_auc_ and est.n_components_ == 0
    s = est.score(X)
    # shrunk towards the shipped column, yet ranking the decisions clearly better than it
    assert ((s > 0) & (s < 1)).all() and learning._auc(y, s) > learning._auc(y, X[:, 0]) + 0.1
    # an unfitted-looking fit (too few decisions) scores exactly as shipped
    few = learning.DecisionRanker().fit(X[:8], y[:8])
    assert not few.adopted_ and np.allclose(few.decision_function(X), X[:, 0])


def test_copquotes_status_says_when_the_shortlist_was_reranked(ws, capsys):
    from copquotes.cli import main

    assert main(["status", "--workspace", str(ws.path)]) == 0
    assert "Shortlist not yet re-ranked from decisions: ranking as shipped." in capsys.readouterr().out
    rows = _rows(ws)
    _decide(ws, rows[:24], lambda r: lc.kind_of(r["verbatim"]) == "practice")
    learning.rerank(ws)
    assert main(["status", "--workspace", str(ws.path), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["ranking"]["decisions"] == 24 and st["ranking"]["adopted"]
    assert main(["status", "--workspace", str(ws.path)]) == 0
    assert "UTC from 24 decisions." in capsys.readouterr().out


def test_principal_components_leading_first_and_unsupervised():
    rng = np.random.RandomState(0)
    V = rng.normal(size=(80, 40)) * np.linspace(3, 0.1, 40)     # variance falls along the columns
    P = learning.principal_components(V, 10)
    assert P.shape == (80, 10)
    var = P.var(axis=0)
    assert (np.diff(var) <= 1e-9).all() and var[0] > 5                   # the leading component first
    assert np.allclose(P, learning.principal_components(V.copy(), 10))  # deterministic, signs included
    assert learning.principal_components(V[:5], 10).shape == (5, 4)     # at most rows - 1
    assert learning.principal_components(V[:1], 10).shape == (1, 0)


def test_the_correction_uses_the_parts_and_the_leading_components_only():
    rng = np.random.RandomState(1)
    n, n_parts = 120, len(learning.PART_COLUMNS)
    comps = rng.normal(size=(n, 30)) * np.linspace(2, 0.5, 30)
    X = np.column_stack([rng.normal(size=n), rng.uniform(size=(n, n_parts)), comps])
    y = (comps[:, 0] > 0).astype(int)                   # what reviewers want: the leading component
    est = learning.DecisionRanker(random_state=0).fit(X, y)
    assert est.adopted_ and est.n_components_ == 24 and len(est.coef_) == n_parts + 24
    assert learning._auc(y, est.decision_function(X)) > 0.9
    # a preference that lives only beyond the components it may use is not learned
    y_far = (comps[:, 27] > 0).astype(int)
    far = learning.DecisionRanker(random_state=0).fit(X, y_far)
    assert not far.adopted_ and np.allclose(far.decision_function(X), X[:, 0])


def test_decisions_that_are_noise_are_rarely_adopted():
    adopted = 0
    for seed in range(30):
        rng = np.random.RandomState(seed)
        emb = rng.normal(size=(6, 384))[rng.randint(6, size=200)] + 1.5 * rng.normal(size=(200, 384))
        X = np.column_stack([rng.normal(size=200), rng.uniform(size=(200, len(learning.PART_COLUMNS))),
                             learning.principal_components(emb, learning.EMBED_COMPONENTS)])
        seen = np.argsort(-X[:, 0])[:50]                # the top of the shortlist, decided at random
        adopted += learning.DecisionRanker(random_state=seed).fit(X[seen], (rng.rand(50) < 0.5).astype(int)).adopted_
    assert adopted <= 3, adopted                        # 2 of 30 when written
