"""The CLIP encoder over a tiny open_clip model and a checkpoint file the test writes itself.

These tests run the image tower in torch (``clip_runtime="torch"``), so vectors must equal the model's own;
the ONNX runtimes are tested in test_clip_runtime.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.protocol import ImageTextEmbedder
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions
from tests.embedding.tiny_clip import TinyClip, write_tiny_clip

# Importing torch + open_clip alone takes several seconds on the CI machine.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TinyClip:
    return write_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))


@pytest.fixture(scope="module")
def encoder(tiny: TinyClip) -> ImageTextEmbedder:
    return load_clip_encoder(_options(tiny))


def _options(tiny: TinyClip, checkpoint: Path | None = None) -> EmbeddingOptions:
    return EmbeddingOptions(
        clip_model=str(tiny.config), clip_pretrained=str(checkpoint or tiny.checkpoint), clip_runtime="torch"
    )


def _images() -> list[Image.Image]:
    gradient = np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (48, 1))
    return [
        Image.new("RGB", (64, 48), (220, 30, 30)),
        Image.fromarray(gradient),  # 2-D uint8: grey scale ("L"), converted to RGB by the encoder
        Image.new("RGBA", (40, 90), (20, 200, 60, 255)),
    ]


def test_identity_names_architecture_and_checkpoint_content(
    encoder: ImageTextEmbedder, tiny: TinyClip
) -> None:
    assert isinstance(encoder, ImageTextEmbedder)
    digest = hashlib.sha256(tiny.checkpoint.read_bytes()).hexdigest()[:16]
    assert encoder.model_id == f"open_clip/montage-tiny-clip/file:{digest}"
    assert encoder.dim == 32


def test_images_are_embedded_with_the_saved_weights(encoder: ImageTextEmbedder, tiny: TinyClip) -> None:
    import torch

    images = _images()
    vectors = encoder.embed_images(images)
    assert vectors.shape == (3, 32)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    with torch.no_grad():
        batch = torch.stack([tiny.preprocess(image.convert("RGB")) for image in images])
        expected = torch.nn.functional.normalize(tiny.model.encode_image(batch), dim=-1).numpy()
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    assert float(vectors[0] @ vectors[2]) < 0.9999  # different pictures, different vectors


def test_texts_are_embedded_with_the_saved_weights(encoder: ImageTextEmbedder, tiny: TinyClip) -> None:
    import torch

    texts = ["a red square", "a green bar", "grey gradient"]
    vectors = encoder.embed_texts(texts, batch_size=2)
    with torch.no_grad():
        expected = torch.nn.functional.normalize(
            tiny.model.encode_text(tiny.tokenizer(texts)), dim=-1
        ).numpy()
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    assert encoder.embed_texts([]).shape == (0, 32)
    assert encoder.embed_images([]).shape == (0, 32)


def test_batching_does_not_change_vectors(encoder: ImageTextEmbedder) -> None:
    images = _images()
    np.testing.assert_allclose(
        encoder.embed_images(images, batch_size=1), encoder.embed_images(images), atol=1e-5
    )


def test_encoder_is_cached_per_options(encoder: ImageTextEmbedder, tiny: TinyClip) -> None:
    again = load_clip_encoder(_options(tiny))
    assert again is encoder
    assert getattr(encoder, "image_runtime", None) == "torch"


def test_other_weights_give_another_id_and_other_vectors(
    encoder: ImageTextEmbedder, tmp_path: Path, tiny: TinyClip
) -> None:
    other = write_tiny_clip(tmp_path, seed=1)
    second = load_clip_encoder(_options(tiny, other.checkpoint))
    assert second.model_id != encoder.model_id
    assert not np.allclose(second.embed_texts(["a red square"]), encoder.embed_texts(["a red square"]))


def test_corrupt_checkpoint_is_a_plain_error(tiny: TinyClip, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"this is not a torch checkpoint")
    with pytest.raises(ModelUnavailableError, match="cannot be loaded from"):
        load_clip_encoder(_options(tiny, broken))


def test_custom_config_needs_a_file_not_a_tag(tiny: TinyClip) -> None:
    with pytest.raises(ModelUnavailableError, match="needs a checkpoint file path"):
        load_clip_encoder(EmbeddingOptions(clip_model=str(tiny.config), clip_pretrained="openai"))
