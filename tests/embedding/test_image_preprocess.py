"""The numpy tail of the image transform gives what open_clip's own transform gives."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from montage.embedding.image_preprocess import ImagePreprocessor
from tests.embedding.real_looking_images import real_looking_images

pytestmark = pytest.mark.slow  # imports open_clip and torch


@pytest.mark.parametrize("architecture", ["ViT-B-32", "RN50"])
def test_numpy_tail_equals_open_clip_transform(architecture: str) -> None:
    import open_clip

    transform = open_clip.image_transform(
        open_clip.get_model_config(architecture)["vision_cfg"]["image_size"], is_train=False
    )
    pixels = ImagePreprocessor(transform)
    images = [
        *real_looking_images(4),
        Image.new("L", (300, 500), 90),
        Image.new("RGBA", (90, 40), (1, 2, 3, 4)),
    ]
    for image in images:
        expected = transform(image.convert("RGB")).numpy()
        got = pixels(image)
        assert got.dtype == np.float32 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_an_unknown_transform_is_applied_whole() -> None:
    import torch

    calls: list[tuple[int, int]] = []

    def transform(image: Image.Image) -> torch.Tensor:
        calls.append(image.size)
        return torch.ones((3, 8, 8))

    out = ImagePreprocessor(transform)(Image.new("RGB", (20, 10)))
    assert calls == [(20, 10)] and out.shape == (3, 8, 8) and float(out.sum()) == 3 * 64
