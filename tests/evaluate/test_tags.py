"""Tag scores against gold files: acceptable labels, kappa, micro/macro, errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from copquotes.errors import ConfigError, InputError
from copquotes.evaluate.tags import cohen_kappa, evaluate_tags, format_report, read_gold, score_predictions


@pytest.mark.parametrize("a, b, kappa", [
    ([1, 1, 0, 0], [1, 1, 0, 0], 1.0),
    ([1, 0, 1, 0], [0, 1, 0, 1], -1.0),
    ([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], 0.5238),  # po .8, pe .58
    ([0, 0, 0], [0, 0, 0], 1.0),
])
def test_cohen_kappa(a, b, kappa):
    assert cohen_kappa(np.array(a), np.array(b)) == pytest.approx(kappa, abs=1e-4)


def test_acceptable_predictions_are_not_errors():
    ids = ["a", "b"]
    Y = np.array([[1, 0], [0, 0], [0, 1], [1, 0]])
    P = np.array([[1, 1], [0, 0], [0, 0], [0, 0]])
    A = np.array([[0, 1], [0, 0], [0, 0], [0, 0]])        # "b" acceptable for text 0
    r = score_predictions(Y, P, ids, A)
    assert r["per_theme"]["a"] == pytest.approx({**r["per_theme"]["a"], "precision": 1.0, "recall": 0.5, "f1": 2 / 3},
                                                abs=1e-4)
    assert r["per_theme"]["b"]["fp"] == 0 and r["per_theme"]["b"]["fn"] == 1 and r["per_theme"]["b"]["acceptable"] == 1
    # micro: tp 1, fp 0, fn 2
    assert r["micro_f1"] == pytest.approx(0.5, abs=1e-4)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-4)
    without = score_predictions(Y, P, ids)
    assert without["per_theme"]["b"]["fp"] == 1
    assert "mission" not in r


def _gold(tmp_path, rows):
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return p


@pytest.mark.parametrize("y_true, y_pred, macro, n_defined", [
    ([[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]], 1.0, 2),   # theme c: no gold, no prediction
    ([[1, 0, 0], [0, 1, 0]], [[1, 0, 1], [0, 1, 0]], 2 / 3, 3),  # c predicted without gold: F1 0 counts
    ([[0, 0, 0]], [[0, 0, 0]], 0.0, 0),
])
def test_macro_f1_leaves_out_themes_with_no_gold_and_no_prediction(y_true, y_pred, macro, n_defined):
    r = score_predictions(np.array(y_true), np.array(y_pred), ["a", "b", "c"])
    assert r["macro_f1"] == pytest.approx(macro, abs=1e-4) and r["macro_themes"] == n_defined


@pytest.mark.parametrize("y_true, y_pred", [
    ([[1, 0, 0], [0, 1, 0], [1, 0, 0]], [[1, 0, 0], [0, 0, 0], [0, 1, 0]]),   # theme c: no gold, no prediction
    ([[1, 0, 0], [0, 1, 0], [0, 0, 0]], [[1, 1, 0], [0, 1, 0], [1, 0, 0]]),   # theme c again
    ([[1, 0, 1], [0, 1, 0], [1, 1, 0]], [[0, 0, 1], [1, 1, 0], [1, 0, 1]]),   # every theme defined
])
def test_macro_kappa_and_macro_f1_average_the_same_themes_as_sklearn(y_true, y_pred):
    """A theme neither coded nor predicted has no kappa (both coders say "no" to every text): it is left
    out of the macro kappa as it is out of the macro F1, not counted as perfect agreement."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    Y, P = np.array(y_true), np.array(y_pred)
    r = score_predictions(Y, P, ["a", "b", "c"])
    defined = [j for j in range(3) if Y[:, j].any() or P[:, j].any()]
    assert r["macro_themes"] == len(defined)
    assert r["macro_f1"] == pytest.approx(f1_score(Y, P, average="macro", labels=defined, zero_division=0), abs=5e-5)
    kappas = [cohen_kappa_score(Y[:, j], P[:, j]) for j in defined]
    assert r["macro_kappa"] == pytest.approx(float(np.mean(kappas)), abs=5e-5)


def test_the_report_shows_no_figures_for_a_theme_neither_coded_nor_predicted():
    r = score_predictions(np.array([[1, 0, 0], [0, 1, 0]]), np.array([[1, 0, 0], [1, 1, 0]]), ["a", "b", "c"])
    rows = {line.split()[0]: line.split()[1:] for line in format_report(r).splitlines()[1:4]}
    assert rows["c"] == ["n/a", "n/a", "n/a", "n/a", "0"]           # not F1 0.000 beside kappa 1.000
    assert rows["b"] == ["1.000", "1.000", "1.000", "1.000", "1"]
    assert "c neither in the gold file nor predicted" in format_report(r)


def test_read_gold_errors(tmp_path):
    with pytest.raises(InputError, match="line 2"):
        read_gold(_gold(tmp_path, [{"text": "x", "labels": []}]).with_suffix(".jsonl"), None) and None
        p = tmp_path / "bad.jsonl"
        p.write_text('{"text": "x", "labels": []}\n{oops\n')
        read_gold(p)
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "x", "labels": []}\n{oops\n')
    with pytest.raises(InputError, match="line 2"):
        read_gold(p)
    with pytest.raises(ConfigError, match="not in the codebook"):
        read_gold(_gold(tmp_path, [{"text": "x", "labels": ["zzz"]}]), ["a"])
    with pytest.raises(InputError, match="does not exist"):
        read_gold(tmp_path / "missing.jsonl")


def test_evaluate_tags_end_to_end(tmp_path, embedder):
    from copquotes.themes import ThemeTagger

    rows = [
        {"text": "I'm the only prevention worker for hundreds of kilometres.", "labels": ["isolation"]},
        {"text": "A parent rang the principal to complain we were pushing a feminist agenda.", "labels": ["backlash"]},
        {"text": "Is the recording up yet?", "labels": []},
        {"text": "I left feeling recharged and less burnt out.", "labels": ["wellbeing"], "acceptable": ["safe_space"]},
    ]
    result = evaluate_tags(_gold(tmp_path, rows), ThemeTagger(embedder=embedder))   # unfitted: zero-shot
    assert result["n_texts"] == 4
    assert set(result["per_theme"]) == {"wellbeing", "solidarity", "backlash", "reflective_practice", "connection",
                                        "confidence", "safe_space", "peer_learning", "isolation"}
    assert result["per_theme"]["isolation"]["support"] == 1
    assert result["micro_f1"] >= 0.75
    assert "mission" in result and 0 <= result["mission"]["micro_f1"] <= 1
    text = format_report(result)
    assert "micro F1" in text and "isolation" in text


@pytest.mark.parametrize("line, message", [
    ({"text": "x"}, 'no "labels"'),
    ({"text": "x", "labels": "wellbeing"}, "must be lists of theme ids"),
    ({"text": "x", "labels": [1]}, "must be lists of theme ids"),
    ({"text": "x", "labels": [], "acceptable": "wellbeing"}, "must be lists of theme ids"),
])
def test_a_tags_gold_record_without_a_list_of_labels_is_refused_naming_its_line(tmp_path, line, message):
    import json as _json

    p = tmp_path / "gold.jsonl"
    p.write_text(_json.dumps({"text": "ok", "labels": []}) + "\n" + _json.dumps(line) + "\n")
    with pytest.raises(InputError, match="line 2") as exc:
        read_gold(p)
    assert message in str(exc.value)
