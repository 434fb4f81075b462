"""The plain-torch BERT encoder gives the vectors sentence-transformers gives, on the installed model."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copquotes.encoder import BertSentenceEncoder, supports
from copquotes.resources import embedding_model_path

TEXTS = [
    "", "a", "I walk in flat and walk out with a plan.",
    "Hello [name], we're at the café – naïve 😀 and ÜBER-excited!!!",
    "The backlash from parents was real, but the group had my back. " * 3,
    "word " * 400,                                    # longer than 256 word pieces: truncated the same way
]


@pytest.fixture(scope="module")
def both():
    from sentence_transformers import SentenceTransformer

    path = embedding_model_path()
    return BertSentenceEncoder(path), SentenceTransformer(str(path), device="cpu")


def test_the_default_model_is_supported():
    assert supports(embedding_model_path())


def test_vectors_match_sentence_transformers(both):
    own, st = both
    a = own.encode(TEXTS, batch_size=4)               # batches mix short and long texts (padding)
    b = st.encode(TEXTS, batch_size=4, normalize_embeddings=True, convert_to_numpy=True)
    assert a.shape == b.shape == (len(TEXTS), own.get_embedding_dimension())
    assert float(np.min(np.sum(a * b, axis=1))) > 1 - 1e-5


def test_padding_does_not_change_a_vector(both):
    own, _ = both
    alone = own.encode([TEXTS[2]])[0]
    beside = own.encode([TEXTS[2], TEXTS[4]])[0]
    np.testing.assert_allclose(alone, beside, atol=1e-5)


@pytest.mark.parametrize("change", [
    ("config.json", {"model_type": "roberta"}),
    ("config.json", {"position_embedding_type": "relative_key"}),
    ("1_Pooling/config.json", {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}),
])
def test_other_model_shapes_fall_back_to_sentence_transformers(tmp_path, change):
    import shutil

    src = Path(embedding_model_path())
    dst = tmp_path / "model"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.safetensors", "*.bin", "onnx", "openvino"))
    (dst / "model.safetensors").symlink_to(src / "model.safetensors")
    assert supports(dst)
    name, patch = change
    cfg = json.loads((dst / name).read_text())
    cfg.update(patch)
    (dst / name).write_text(json.dumps(cfg))
    assert not supports(dst)
