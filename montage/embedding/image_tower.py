"""The CLIP image tower as a function of preprocessed pixels, whatever runs it (torch or ONNX Runtime)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


class ImageTower(Protocol):
    """Maps a batch of preprocessed images (N, 3, H, W) to their unnormalised image features (N, D)."""

    runtime: str
    """What runs the tower: "torch", "onnx" or "onnx-int8"."""

    def encode(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        """The image features of ``pixels`` as float32, one row per image, not normalised."""
        ...


class TorchImageTower:
    """The open_clip model's own ``encode_image`` on a torch device: the float reference."""

    runtime = "torch"

    def __init__(self, model: Any, device: str) -> None:
        self._model = model
        self._device = device

    def encode(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        """Run ``model.encode_image`` in inference mode."""
        import torch

        with torch.inference_mode():
            features = self._model.encode_image(torch.from_numpy(pixels).to(self._device))
        return np.ascontiguousarray(features.float().cpu().numpy(), dtype=np.float32)


def normalise_rows(features: NDArray[np.float32]) -> NDArray[np.float32]:
    """``features`` with every row scaled to unit L2 norm (all-zero rows stay zero)."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return np.ascontiguousarray(features / np.maximum(norms, 1e-12), dtype=np.float32)
