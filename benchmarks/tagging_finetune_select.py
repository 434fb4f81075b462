"""Round 5 selection of the pxtextmining fine-tune on the 80% training split only (the test split is
never read): one method="finetune" fit with the benchmark's FINETUNE_CONFIG but N epochs, its
validation-slice figures, and a cross-fitted estimate (weight and threshold chosen on one half of the
slice, scored on the other, both ways).

Usage: .venv/bin/python benchmarks/tagging_finetune_select.py NAME EPOCHS '{"lr_encoder": 1e-4, ...}'
(docs/tagging.md round 5: runs A = 4 and B = 6 epochs with FINETUNE_PARAMS); writes /tmp/ft/sel_NAME.json.
"""
import sys, time, os, json, logging, numpy as np
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
logging.getLogger("copquotes.themes.finetune").setLevel(logging.INFO)
from tagging import load_px, _px_tagger, PX_CONFIGS, DESIGNATED
from sklearn.model_selection import train_test_split
from copquotes.embed import Embedder
from copquotes.themes.tagger import _micro_f1
name = sys.argv[1]; epochs = int(sys.argv[2]); params = json.loads(sys.argv[3])
texts, Y, themes = load_px()
tr, _ = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=42)
emb = Embedder(cache_dir=os.path.expanduser("~/.cache/copquotes/embeddings"))
cfg = dict(PX_CONFIGS[DESIGNATED], method="finetune", finetune_epochs=epochs, finetune_weight="auto",
           finetune_params=params, finetune_val=0.15)
t0 = time.perf_counter(); l0 = os.getloadavg()
t = _px_tagger(themes, emb, cfg).fit([texts[i] for i in tr], Y[tr])
ft = t.heads_["finetuned"]; V = t.validation_
# honest estimate of the ensemble on the slice: choose weight+threshold on one half, score the other
rng = np.random.default_rng(1); n = len(V["Y"]); perm = rng.permutation(n); halves = [perm[: n // 2], perm[n // 2:]]
grid = np.linspace(0.05, 0.95, 91)
def best(P, Yv):
    fs = [(_micro_f1(Yv, P >= g), g) for g in grid]; m = max(f for f, _ in fs)
    gs = [g for f, g in fs if f >= m - 1e-9]; return gs[len(gs) // 2]
cross = {}
for w in [None, 0.0, 1.0]:
    pred = np.zeros_like(V["Y"], dtype=bool)
    for a, b in [(0, 1), (1, 0)]:
        A, B = halves[a], halves[b]
        ws = np.linspace(0, 1, 11) if w is None else [w]
        cand = []
        for ww in ws:
            P = ww * V["finetuned"][A] + (1 - ww) * V["linear"][A]; g = best(P, V["Y"][A]); cand.append((_micro_f1(V["Y"][A], P >= g), ww, g))
        f, ww, g = max(cand)
        pred[B] = (ww * V["finetuned"][B] + (1 - ww) * V["linear"][B]) >= g
    cross["auto" if w is None else str(w)] = round(_micro_f1(V["Y"], pred), 4)
out = dict(name=name, epochs=epochs, params=params, seconds=round(time.perf_counter() - t0, 1), load=[l0, os.getloadavg()],
           history=ft.history_, best_epoch=ft.best_epoch_, texts_per_second=round(ft.texts_per_second_, 1),
           train_seconds=round(ft.train_seconds_, 1), weight=t.finetune_weight_, threshold=float(t.thresholds_[0]),
           val_micro_by_weight=V["micro_f1"], val_linear=V["linear_micro_f1"], val_finetuned=V["finetuned_micro_f1"],
           val_crossfit=cross)
print(json.dumps(out, indent=1, default=float))
Path("/tmp/ft").mkdir(parents=True, exist_ok=True)
json.dump(out, open(Path("/tmp/ft").joinpath(f"sel_{name}.json"), "w"), indent=1, default=float)
