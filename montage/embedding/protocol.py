"""What the rest of montage needs from an embedding model: plain protocols over numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from PIL import Image


@runtime_checkable
class TextEmbedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    model_id: str
    dim: int

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Return an array of shape (len(texts), dim), rows L2-normalised."""
        ...


@runtime_checkable
class ImageTextEmbedder(Protocol):
    """A joint image/text model (CLIP): images and texts land in one vector space."""

    model_id: str
    dim: int

    def embed_images(self, images: Sequence[Image.Image], *, batch_size: int = 32) -> NDArray[np.float32]:
        """Return an array of shape (len(images), dim), rows L2-normalised."""
        ...

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Return an array of shape (len(texts), dim), rows L2-normalised, in the image space."""
        ...
