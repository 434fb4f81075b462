"""Theme-tagging scores against a gold file (``copquotes evaluate tags --gold FILE``).

Gold format (JSON Lines, docs/DESIGN.md): ``{"text": "...", "labels": [...], "acceptable": [...]}``.
``labels`` must be found; a theme in ``acceptable`` is arguable: predicting it is not a
false positive and missing it is not a false negative, so for that theme the text is
left out of the counts (precision, recall, F1 and Cohen's kappa alike).
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ConfigError, InputError
from ..ingest import text_records
from ..ingest.jsonl import read_utf8_lines

MISSION_THEMES = ("wellbeing", "solidarity", "backlash", "reflective_practice")


def read_gold(path: str | Path, theme_ids: Sequence[str] | None = None):
    """Read a gold JSONL file -> ``(texts, labels, acceptable)`` (lists of theme-id lists).

    With ``theme_ids``, a theme the codebook does not know raises :class:`ConfigError`.
    """
    p = Path(path)
    lines = read_utf8_lines(p, "a JSON Lines gold file of text and labels")
    texts, labels, acceptable = [], [], []
    known = set(theme_ids) if theme_ids is not None else None
    for n, rec in text_records(lines, p):
        if "labels" not in rec:
            raise InputError('no "labels": give the themes the text has, [] for none', p, f"line {n}")
        lab = rec["labels"]
        acc = rec.get("acceptable", []) or []
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in (lab, acc)):
            raise InputError('"labels" and "acceptable" must be lists of theme ids (strings)', p, f"line {n}")
        lab = [str(x) for x in lab]
        acc = [str(x) for x in acc if str(x) not in lab]
        if known is not None:
            bad = sorted({x for x in lab + acc if x not in known})
            if bad:
                raise ConfigError(
                    f"{p} line {n}: theme {bad[0]!r} is not in the codebook ({', '.join(sorted(known))}); "
                    "evaluate with the codebook the gold file was coded against (--codebook)")
        texts.append(rec["text"])
        labels.append(lab)
        acceptable.append(acc)
    if not texts:
        raise InputError("gold file has no texts", p)
    return texts, labels, acceptable


def to_matrix(label_lists: Sequence[Sequence[str]], theme_ids: Sequence[str]) -> np.ndarray:
    index = {t: j for j, t in enumerate(theme_ids)}
    Y = np.zeros((len(label_lists), len(theme_ids)), dtype=np.int8)
    for i, labs in enumerate(label_lists):
        for t in labs:
            if t in index:
                Y[i, index[t]] = 1
    return Y


def cohen_kappa(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Cohen's kappa of two 0/1 codings (scikit-learn's); 1.0 when both code every text alike
    (kappa is undefined there), NaN for no texts."""
    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.metrics import cohen_kappa_score

    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    if len(y_true) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return float(cohen_kappa_score(y_true, y_pred, labels=[False, True], replace_undefined_by=1.0))


def _prf(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class (scikit-learn's; 0 where undefined)."""
    from sklearn.metrics import precision_recall_fscore_support

    if len(y_true) == 0:
        return 0.0, 0.0, 0.0
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", labels=[False, True],
                                                 pos_label=True, zero_division=0.0)
    return float(p), float(r), float(f)


def score_predictions(Y_true, Y_pred, theme_ids: Sequence[str], acceptable=None) -> dict:
    """Per-theme precision/recall/F1/support/kappa plus micro and macro F1.

    Macro F1 and macro kappa average the themes whose F1 is defined (gold positives or predictions;
    their number is ``macro_themes``): a theme absent from both the gold file and the predictions
    is left out rather than counted as 0 (F1) or 1 (kappa).

    ``Y_true``, ``Y_pred`` and ``acceptable`` are 0/1 arrays ``(n_texts, n_themes)``.
    Adds ``mission`` (micro/macro over wellbeing, solidarity, backlash,
    reflective_practice) when the codebook has those four themes.
    """
    Y_true = np.asarray(Y_true).astype(bool)
    Y_pred = np.asarray(Y_pred).astype(bool)
    A = np.zeros_like(Y_true) if acceptable is None else (np.asarray(acceptable).astype(bool) & ~Y_true)
    if Y_true.shape != Y_pred.shape or Y_true.shape != A.shape:
        raise ValueError(f"shape mismatch: gold {Y_true.shape}, predicted {Y_pred.shape}")
    per_theme = {}
    counts = {}
    exact = {}
    for j, t in enumerate(theme_ids):
        keep = ~A[:, j]
        yt, yp = Y_true[keep, j], Y_pred[keep, j]
        tp = int(np.sum(yt & yp))
        fp = int(np.sum(~yt & yp))
        fn = int(np.sum(yt & ~yp))
        p, r, f = _prf(yt, yp)
        counts[t] = (tp, fp, fn)
        kappa = cohen_kappa(yt, yp)
        exact[t] = (f, kappa)
        per_theme[t] = {
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "support": int(Y_true[:, j].sum()), "predicted": int(Y_pred[:, j].sum()),
            "acceptable": int(A[:, j].sum()),
            "kappa": round(kappa, 4),
            "tp": tp, "fp": fp, "fn": fn,
        }

    def agg(ids):
        # micro: every (text, theme) cell of these themes that counts, pooled
        cols = [list(theme_ids).index(t) for t in ids]
        keep = ~A[:, cols]
        p, r, f = _prf(Y_true[:, cols][keep], Y_pred[:, cols][keep])
        # a theme that is neither in the gold file nor predicted has no F1 (not 0) and no kappa (not the
        # 1.0 of two codings that say "no" to every text): left out of both means, which average the
        # unrounded per-theme figures
        defined = [t for t in ids if sum(counts[t]) > 0]
        return {"micro_precision": round(p, 4), "micro_recall": round(r, 4), "micro_f1": round(f, 4),
                "macro_f1": round(float(np.mean([exact[t][0] for t in defined])), 4) if defined else 0.0,
                "macro_themes": len(defined),
                "macro_kappa": round(float(np.nanmean([exact[t][1] for t in defined])), 4) if defined else 0.0}

    out = {"n_texts": int(Y_true.shape[0]), "themes": list(theme_ids), **agg(list(theme_ids)),
           "per_theme": per_theme}
    if all(t in theme_ids for t in MISSION_THEMES):
        out["mission"] = agg(list(MISSION_THEMES))
    return out


def evaluate_tags(gold_path: str | Path, tagger, *, return_predictions: bool = False) -> dict:
    """Score ``tagger`` (a :class:`~copquotes.themes.ThemeTagger`) on a gold JSONL file.

    An unfitted tagger is fitted zero-shot from its codebook first.
    """
    read_gold(gold_path)   # a gold file that cannot be read is refused before the tagger is fitted
    if not getattr(tagger, "is_fitted", lambda: hasattr(tagger, "thresholds_"))():
        from ..themes.api import _tunable, default_tagger
        from ..themes.tagger import ThemeTagger

        if isinstance(tagger, ThemeTagger) and _tunable(tagger.get_params()) == _tunable(ThemeTagger().get_params()):
            # default settings: the shipped zero-shot artifact when it matches the codebook
            tagger = default_tagger(tagger.codebook, embedder=tagger._get_embedder())
        else:
            tagger.fit()
    ids = list(tagger.theme_ids_)
    texts, labels, acceptable = read_gold(gold_path, ids)
    Y = to_matrix(labels, ids)
    A = to_matrix(acceptable, ids)
    P = np.asarray(tagger.predict(texts))
    result = score_predictions(Y, P, ids, A)
    result["gold"] = str(gold_path)
    result["codebook"] = {"name": tagger.codebook_.name, "version": tagger.codebook_.version}
    if return_predictions:
        result["predictions"] = [[ids[j] for j in np.flatnonzero(row)] for row in P]
    return result


def format_report(result: dict) -> str:
    """A plain-text table of :func:`evaluate_tags` results."""
    lines = [f"{'theme':<22}{'prec':>7}{'rec':>7}{'F1':>7}{'kappa':>7}{'support':>9}"]
    absent = []
    for t, m in result["per_theme"].items():
        if not (m["tp"] or m["fp"] or m["fn"]):
            # neither in the gold file nor predicted: no precision, recall, F1 or kappa to report
            absent.append(t)
            lines.append(f"{t:<22}{'n/a':>7}{'n/a':>7}{'n/a':>7}{'n/a':>7}{m['support']:>9d}")
            continue
        lines.append(f"{t:<22}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
                     f"{m['kappa']:>7.3f}{m['support']:>9d}")
    lines.append(f"micro F1 {result['micro_f1']:.3f} (P {result['micro_precision']:.3f}, "
                 f"R {result['micro_recall']:.3f})   macro F1 {result['macro_f1']:.3f}   "
                 f"texts {result['n_texts']}")
    if absent:
        lines.append(f"n/a: {', '.join(absent)} neither in the gold file nor predicted, left out of the macro "
                     f"means ({result.get('macro_themes', len(result['per_theme']) - len(absent))} themes)")
    if "mission" in result:
        m = result["mission"]
        lines.append(f"mission themes (wellbeing, solidarity, backlash, reflective_practice): "
                     f"micro F1 {m['micro_f1']:.3f}, macro F1 {m['macro_f1']:.3f}")
    return "\n".join(lines)
