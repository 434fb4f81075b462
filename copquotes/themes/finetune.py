"""Supervised end-to-end fine-tuning of all-MiniLM-L6-v2 with a multi-label head.

Used by :class:`~copquotes.themes.tagger.ThemeTagger` with ``method="finetune"`` when there
is plenty of labelled data (about 1,000 texts or more). The encoder (fp32, CPU, torch) and
a linear head over mean-pooled token states are trained with BCE-with-logits; AdamW with
a higher learning rate for the head than for the encoder; fixed seeds.
"""
from __future__ import annotations

import io
import logging
import time
from typing import Sequence

import numpy as np

from ..errors import ConfigError

log = logging.getLogger(__name__)


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError("method='finetune' needs PyTorch: install the requirements.txt pins") from exc
    return torch


class FineTunedEncoder:
    """A fine-tuned MiniLM encoder + linear multi-label head; picklable (weights as bytes)."""

    def __init__(self, n_labels: int, epochs: int = 3, batch_size: int = 32, max_seq_length: int = 128,
                 lr_encoder: float = 5e-5, lr_head: float = 1e-3, threads: int = 2, random_state: int = 0,
                 model_path: str | None = None, time_budget: float | None = None, train_layers: int | None = None):
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
        self._model = None
        self._tok = None
        self._state: bytes | None = None

    # ------------------------------------------------------------------ model
    def _build(self):
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer

        from ..resources import embedding_model_path

        path = self.model_path or embedding_model_path()
        tok = AutoTokenizer.from_pretrained(path)
        enc = AutoModel.from_pretrained(path)
        head = torch.nn.Linear(enc.config.hidden_size, self.n_labels)
        model = torch.nn.ModuleDict({"encoder": enc, "head": head})
        return tok, model

    def _logits(self, model, batch):
        torch = _torch()
        out = model["encoder"](**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / torch.clamp(mask.sum(1), min=1e-9)
        return model["head"](pooled)

    def _batch(self, texts):
        return self._tok(list(texts), padding=True, truncation=True, max_length=self.max_seq_length,
                         return_tensors="pt")

    # ------------------------------------------------------------------ fit / predict
    def fit(self, texts: Sequence[str], Y: np.ndarray, sample_weight=None) -> "FineTunedEncoder":
        """Train on ``texts`` with 0/1 labels ``Y`` (NaN = unknown, masked out of the loss)."""
        torch = _torch()
        Y = np.asarray(Y, dtype=np.float32)
        if Y.ndim != 2 or Y.shape[1] != self.n_labels or len(Y) != len(texts):
            raise ConfigError(f"labels must be ({len(texts)}, {self.n_labels}); got {Y.shape}")
        old_threads = torch.get_num_threads()
        torch.set_num_threads(int(self.threads))
        try:
            torch.manual_seed(self.random_state)
            rng = np.random.default_rng(self.random_state)
            self._tok, model = self._build()
            with torch.no_grad():  # start the head's bias at the label log-odds
                pos = np.clip(np.nanmean(Y, axis=0), 1e-3, 1 - 1e-3)
                model["head"].bias.copy_(torch.tensor(np.log(pos / (1 - pos)), dtype=torch.float32))
            enc_params = list(model["encoder"].parameters())
            if self.train_layers is not None:  # freeze embeddings and the lower layers
                layers = model["encoder"].encoder.layer
                keep = max(0, min(int(self.train_layers), len(layers)))
                for p in model["encoder"].parameters():
                    p.requires_grad_(False)
                enc_params = [p for lay in layers[len(layers) - keep:] for p in lay.parameters()]
                for p in enc_params:
                    p.requires_grad_(True)
            opt = torch.optim.AdamW([
                {"params": enc_params, "lr": float(self.lr_encoder)},
                {"params": model["head"].parameters(), "lr": float(self.lr_head)},
            ], weight_decay=0.01)
            n = len(texts)
            plan = {"steps": self.epochs * int(np.ceil(n / self.batch_size))}
            warm = max(1, int(0.06 * plan["steps"]))
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda s: min(1.0, (s + 1) / warm) * max(0.05, 1 - s / max(1, plan["steps"])))
            step = 0
            known = ~np.isnan(Y)
            Yz = np.nan_to_num(Y)
            sw = np.ones(n, dtype=np.float32) if sample_weight is None else np.asarray(sample_weight, np.float32)
            model.train()
            t0 = time.perf_counter()
            self.epochs_done_ = 0
            stop = False
            for ep in range(self.epochs):
                order = rng.permutation(n)
                for s in range(0, n, self.batch_size):
                    idx = order[s:s + self.batch_size]
                    batch = self._batch([texts[i] for i in idx])
                    logits = self._logits(model, batch)
                    m = torch.tensor(known[idx] * sw[idx, None], dtype=torch.float32)
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(
                        logits, torch.tensor(Yz[idx]), weight=m, reduction="sum") / m.sum().clamp(min=1.0)
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                    opt.step()
                    sched.step()
                    step += 1
                    if self.time_budget and step == 5:  # re-plan the decay to fit the time budget
                        per = (time.perf_counter() - t0) / step
                        plan["steps"] = min(plan["steps"], int(float(self.time_budget) / per))
                    if self.time_budget and time.perf_counter() - t0 > float(self.time_budget):
                        stop = True
                        break
                self.epochs_done_ = ep + (0 if stop else 1)
                log.info("finetune epoch %d/%d done after %.0fs", ep + 1, self.epochs, time.perf_counter() - t0)
                if stop:
                    log.warning("finetune stopped by its time budget (%.0fs) in epoch %d", self.time_budget, ep + 1)
                    break
            self.train_seconds_ = time.perf_counter() - t0
            self.steps_done_ = step
            model.eval()
            self._model = model
            buf = io.BytesIO()
            torch.save(model.state_dict(), buf)
            self._state = buf.getvalue()
        finally:
            torch.set_num_threads(old_threads)
        return self

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        torch = _torch()
        if self._state is None and self._model is None:
            raise ConfigError("this fine-tuned encoder is not fitted")
        if self._model is None:
            self._tok, model = self._build()
            model.load_state_dict(torch.load(io.BytesIO(self._state), map_location="cpu"))
            model.eval()
            self._model = model
        if not len(texts):
            return np.zeros((0, self.n_labels), dtype=np.float32)
        old_threads = torch.get_num_threads()
        torch.set_num_threads(int(self.threads))
        try:
            # sort by length so padding is short
            order = np.argsort([len(t) for t in texts])
            out = np.zeros((len(texts), self.n_labels), dtype=np.float32)
            with torch.inference_mode():
                for s in range(0, len(texts), batch_size):
                    idx = order[s:s + batch_size]
                    z = self._logits(self._model, self._batch([texts[i] for i in idx]))
                    out[idx] = torch.sigmoid(z).numpy()
        finally:
            torch.set_num_threads(old_threads)
        return out

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_model"] = None
        state["_tok"] = None
        return state
