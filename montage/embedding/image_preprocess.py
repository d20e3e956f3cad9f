"""open_clip's image transform with its two tensor steps (to-tensor, normalise) done in numpy.

The picture steps (resize, crop, mode) work on PIL images; the last two are a scale to 0..1 and a
per-channel normalisation. In torch those two run as OpenMP-parallel kernels on 3×224×224 tensors: with
2 intra-op threads they cost 15 ms of CPU an image instead of 2 ms with one (the threads' start-up and
spin-waiting outweigh the work), and the index run embeds every keyframe in the process that also
coordinates the decoders. numpy does them on one thread, with the same results.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

_TO_TENSOR_NAMES = {"ToTensor", "MaybeToTensor"}


class ImagePreprocessor:
    """Turns a PIL image into the (3, H, W) float32 array the image tower takes, as ``transform`` would.

    When ``transform`` is a torchvision ``Compose`` ending in to-tensor and ``Normalize`` (open_clip's eval
    transforms do), the picture steps run as they are and the last two in numpy; any other transform is
    applied whole and its tensor converted.
    """

    def __init__(self, transform: Any) -> None:
        self._transform = transform
        steps = list(getattr(transform, "transforms", []))
        self._numpy_tail = len(steps) >= 2 and _is_to_tensor(steps[-2]) and _is_normalize(steps[-1])
        self._picture_steps = steps[:-2] if self._numpy_tail else []
        if self._numpy_tail:
            normalize = steps[-1]
            self._mean = np.asarray(normalize.mean, dtype=np.float32).reshape(-1, 1, 1)
            self._scale = (1.0 / np.asarray(normalize.std, dtype=np.float32)).reshape(-1, 1, 1)

    def __call__(self, image: Image.Image) -> NDArray[np.float32]:
        """The preprocessed pixels of ``image`` (converted to RGB first)."""
        image = image.convert("RGB")
        if not self._numpy_tail:
            return np.asarray(self._transform(image).numpy(), dtype=np.float32)
        for step in self._picture_steps:
            image = step(image)
        pixels = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / np.float32(255.0)
        return np.ascontiguousarray((pixels - self._mean) * self._scale, dtype=np.float32)


def _is_to_tensor(step: Any) -> bool:
    return type(step).__name__ in _TO_TENSOR_NAMES


def _is_normalize(step: Any) -> bool:
    return type(step).__name__ == "Normalize" and hasattr(step, "mean") and hasattr(step, "std")
