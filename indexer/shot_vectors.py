"""Embedding vectors for shots: text channel from shot text, visual channel from keyframes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from montage.embedding.protocol import ImageTextEmbedder, TextEmbedder


def text_vectors(encoder: TextEmbedder, texts: Mapping[int, str]) -> dict[int, NDArray[np.float32]]:
    """Embed each shot's text; returns shot id → L2-normalised vector."""
    ids = list(texts)
    if not ids:
        return {}
    matrix = encoder.embed_texts([texts[i] or " " for i in ids])
    return {shot_id: matrix[row] for row, shot_id in enumerate(ids)}


def visual_vectors(
    encoder: ImageTextEmbedder, keyframes: Mapping[int, Image.Image]
) -> dict[int, NDArray[np.float32]]:
    """Embed each shot's keyframe with CLIP; shots without a keyframe are left out."""
    ids: Sequence[int] = [shot_id for shot_id, image in keyframes.items() if image is not None]
    if not ids:
        return {}
    matrix = encoder.embed_images([keyframes[i] for i in ids])
    return {shot_id: matrix[row] for row, shot_id in enumerate(ids)}
