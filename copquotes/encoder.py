"""A small BERT sentence encoder in plain torch, for sentence-transformers folders of BERT models.

``all-MiniLM-L6-v2`` is a BERT encoder, mean pooling and L2 normalisation. Importing
``sentence_transformers`` (which imports ``transformers``, scikit-learn's metrics and
scipy.stats) costs about 6 s of CPU per process on this machine before any text is
embedded, which is most of the time of an incremental run or of ``copquotes tag`` on a
few texts. :class:`BertSentenceEncoder` runs the same computation with torch, the
``tokenizers`` library and the folder's ``model.safetensors`` only (torch import about
1.5 s). Its vectors match ``SentenceTransformer(path).encode`` to a cosine above 1 - 1e-5
(``tests/test_encoder.py`` compares the two on the installed model).

:func:`supports` says whether a folder has that shape (a BERT ``config.json``, modules
``Transformer`` + ``Pooling`` with mean tokens (+ ``Normalize``), ``model.safetensors``
and ``tokenizer.json``); :func:`copquotes.embed.load_model` falls back to
sentence-transformers for any other model.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Sequence

import numpy as np

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


def _read_json(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def supports(path: str | Path) -> bool:
    """True when ``path`` is a sentence-transformers folder this encoder reproduces exactly."""
    p = Path(path)
    try:
        cfg = _read_json(p / "config.json")
        modules = _read_json(p / "modules.json")
    except (OSError, ValueError):
        return False
    if not ((p / "model.safetensors").is_file() and (p / "tokenizer.json").is_file()):
        return False
    if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu":
        return False
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        return False
    types = [m.get("type") for m in modules]
    if types not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]):
        return False
    if modules[0].get("path", "") not in ("", "."):
        return False
    try:
        pool = _read_json(p / modules[1]["path"] / "config.json")
    except (OSError, ValueError, KeyError):
        return False
    others = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
              "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")
    return bool(pool.get("pooling_mode_mean_tokens")) and not any(pool.get(k) for k in others)


class BertSentenceEncoder:
    """Mean-pooled BERT embeddings with the subset of ``SentenceTransformer``'s API copquotes uses."""

    def __init__(self, path: str | Path, device: str = "cpu"):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        p = Path(path)
        cfg = _read_json(p / "config.json")
        try:
            st_cfg = _read_json(p / "sentence_bert_config.json")
        except (OSError, ValueError):
            st_cfg = {}
        self.max_seq_length = int(min(st_cfg.get("max_seq_length") or 512, cfg.get("max_position_embeddings", 512)))
        self.device = device
        self.n_layers = int(cfg["num_hidden_layers"])
        self.n_heads = int(cfg["num_attention_heads"])
        self.hidden = int(cfg["hidden_size"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.pad_id = int(cfg.get("pad_token_id", 0) or 0)
        self.tokenizer = Tokenizer.from_file(str(p / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_seq_length)
        w = load_file(str(p / "model.safetensors"), device=device)
        w = {k[5:] if k.startswith("bert.") else k: v for k, v in w.items()}
        self.module = _Bert(w, self.n_layers, self.n_heads, self.eps).to(device).eval()

    # -- the SentenceTransformer API subset ---------------------------------------------
    def eval(self):
        self.module.eval()
        return self

    def get_embedding_dimension(self) -> int:
        return self.hidden

    get_sentence_embedding_dimension = get_embedding_dimension

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress_bar: bool = False,
               convert_to_numpy: bool = True, normalize_embeddings: bool = True) -> np.ndarray:
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        out = np.empty((len(texts), self.hidden), dtype=np.float32)
        with torch.inference_mode():
            for s in range(0, len(texts), batch_size):
                enc = self.tokenizer.encode_batch(texts[s:s + batch_size])
                L = max(len(e.ids) for e in enc)
                ids = torch.full((len(enc), L), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(enc), L), dtype=torch.long)
                for i, e in enumerate(enc):
                    n = len(e.ids)
                    ids[i, :n] = torch.tensor(e.ids, dtype=torch.long)
                    mask[i, :n] = 1
                v = self.module(ids.to(self.device), mask.to(self.device))
                if normalize_embeddings:
                    v = torch.nn.functional.normalize(v, p=2, dim=1)
                out[s:s + len(enc)] = v.float().cpu().numpy()
        return out


def _bert_module():
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Layer(nn.Module):
        def __init__(self, hidden: int, inter: int, n_heads: int, eps: float):
            super().__init__()
            self.n_heads = n_heads
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.attn_out = nn.Linear(hidden, hidden)
            self.attn_norm = nn.LayerNorm(hidden, eps=eps)
            self.inter = nn.Linear(hidden, inter)
            self.out = nn.Linear(inter, hidden)
            self.out_norm = nn.LayerNorm(hidden, eps=eps)

        def forward(self, x, attn_mask):
            B, L, H = x.shape
            d = H // self.n_heads

            def heads(t):
                return t.view(B, L, self.n_heads, d).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(heads(self.query(x)), heads(self.key(x)), heads(self.value(x)),
                                                 attn_mask=attn_mask, scale=1.0 / math.sqrt(d))
            ctx = ctx.transpose(1, 2).reshape(B, L, H)
            x = self.attn_norm(x + self.attn_out(ctx))
            return self.out_norm(x + self.out(F.gelu(self.inter(x))))

    class Bert(nn.Module):
        def __init__(self, w: dict, n_layers: int, n_heads: int, eps: float):
            super().__init__()
            vocab, hidden = w["embeddings.word_embeddings.weight"].shape
            inter = w["encoder.layer.0.intermediate.dense.weight"].shape[0]
            self.word = nn.Embedding(vocab, hidden)
            self.position = nn.Embedding(w["embeddings.position_embeddings.weight"].shape[0], hidden)
            self.token_type = nn.Embedding(w["embeddings.token_type_embeddings.weight"].shape[0], hidden)
            self.emb_norm = nn.LayerNorm(hidden, eps=eps)
            self.layers = nn.ModuleList(Layer(hidden, inter, n_heads, eps) for _ in range(n_layers))
            names = {"word.weight": "embeddings.word_embeddings.weight",
                     "position.weight": "embeddings.position_embeddings.weight",
                     "token_type.weight": "embeddings.token_type_embeddings.weight",
                     "emb_norm.weight": "embeddings.LayerNorm.weight", "emb_norm.bias": "embeddings.LayerNorm.bias"}
            parts = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                     "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
                     "inter": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}
            for i in range(n_layers):
                for mine, theirs in parts.items():
                    for kind in ("weight", "bias"):
                        names[f"layers.{i}.{mine}.{kind}"] = f"encoder.layer.{i}.{theirs}.{kind}"
            missing = [v for v in names.values() if v not in w]
            if missing:
                raise KeyError(f"model.safetensors lacks {missing[0]}")
            self.load_state_dict({mine: w[theirs] for mine, theirs in names.items()}, strict=True)

        def forward(self, ids, mask):
            L = ids.shape[1]
            pos = torch.arange(L, device=ids.device).unsqueeze(0)
            x = self.word(ids) + self.position(pos) + self.token_type(torch.zeros_like(ids))
            x = self.emb_norm(x)
            attn = mask[:, None, None, :].bool()
            for layer in self.layers:
                x = layer(x, attn)
            m = mask.unsqueeze(-1).to(x.dtype)
            return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)

    return Bert


def _Bert(w, n_layers, n_heads, eps):
    return _bert_module()(w, n_layers, n_heads, eps)
