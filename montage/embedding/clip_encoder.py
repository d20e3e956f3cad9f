"""The CLIP encoder: an open_clip model loaded from a local checkpoint, images and texts in one space.

Texts run through the open_clip model in torch; images through the image tower the ``clip_runtime`` option
picks (the same model in torch, or its checked ONNX export: :mod:`montage.embedding.clip_runtime`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from montage.embedding.clip_runtime import build_image_tower
from montage.embedding.clip_weights import ClipWeights, resolve_clip_weights
from montage.embedding.hub_cache import force_hub_offline
from montage.embedding.image_preprocess import ImagePreprocessor
from montage.embedding.image_tower import ImageTower, normalise_rows
from montage.embedding.protocol import ImageTextEmbedder
from montage.embedding.torch_runtime import apply_torch_threads
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

_cache: dict[EmbeddingOptions, ImageTextEmbedder] = {}
_cache_lock = threading.Lock()


class OpenClipEncoder:
    """An :class:`ImageTextEmbedder` over a loaded open_clip model, its eval transform and tokenizer.

    Images go through ``tower`` (:mod:`montage.embedding.image_tower`), texts through the model.
    """

    def __init__(
        self,
        model: Any,
        preprocess: Any,
        tokenizer: Any,
        model_id: str,
        dim: int,
        device: str,
        tower: ImageTower,
    ) -> None:
        self._model = model
        self._pixels = ImagePreprocessor(preprocess)
        self._tokenizer = tokenizer
        self._device = device
        self._tower = tower
        self.model_id = model_id
        self.dim = dim

    @property
    def image_runtime(self) -> str:
        """What runs the image tower: "torch", "onnx" or "onnx-int8"."""
        return self._tower.runtime

    def _finish(self, features: Any) -> NDArray[np.float32]:
        import torch

        normalised = torch.nn.functional.normalize(features.float(), dim=-1)
        return np.ascontiguousarray(normalised.cpu().numpy(), dtype=np.float32)

    def embed_images(self, images: Sequence[Image.Image], *, batch_size: int = 32) -> NDArray[np.float32]:
        """Embed ``images`` (any mode; converted to RGB) as L2-normalised float32 rows."""
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(images), batch_size):
            pixels = np.stack([self._pixels(image) for image in images[start : start + batch_size]])
            parts.append(normalise_rows(self._tower.encode(pixels)))
        return np.concatenate(parts)

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed ``texts`` into the image space as L2-normalised float32 rows."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                tokens = self._tokenizer(list(texts[start : start + batch_size]))
                parts.append(self._finish(self._model.encode_text(tokens.to(self._device))))
        return np.concatenate(parts)


def _preprocess_overrides(open_clip: Any, weights: ClipWeights) -> dict[str, Any]:
    """The image normalisation a pretrained tag was trained with (open_clip applies it only to tags)."""
    if weights.pretrained_tag is None:
        return {}
    cfg = open_clip.get_pretrained_cfg(weights.architecture, weights.pretrained_tag)
    overrides: dict[str, Any] = {"force_quick_gelu": weights.quick_gelu}
    for key in ("mean", "std", "interpolation", "resize_mode"):
        if cfg.get(key):
            overrides[f"image_{key}"] = cfg[key]
    return overrides


def _load(options: EmbeddingOptions) -> ImageTextEmbedder:
    weights = resolve_clip_weights(options)
    force_hub_offline()
    try:
        import open_clip
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelUnavailableError(f"open_clip cannot be imported: {exc}") from exc
    apply_torch_threads(options.torch_threads)
    if weights.config_file is not None and weights.architecture not in open_clip.list_models():
        open_clip.add_model_config(weights.config_file)
    try:
        model, _train_transform, preprocess = open_clip.create_model_and_transforms(
            weights.architecture,
            pretrained=str(weights.checkpoint),
            device=options.device,
            **_preprocess_overrides(open_clip, weights),
        )
        tokenizer = open_clip.get_tokenizer(weights.architecture)
    except Exception as exc:  # open_clip raises RuntimeError, KeyError, torch errors...
        raise ModelUnavailableError(
            f"CLIP {weights.architecture} cannot be loaded from {weights.checkpoint}: {exc}"
        ) from exc
    model.eval()
    dim = int(open_clip.get_model_config(weights.architecture)["embed_dim"])
    tower = build_image_tower(model, preprocess, weights, options)
    return OpenClipEncoder(model, preprocess, tokenizer, weights.model_id, dim, options.device, tower)


def load_clip_encoder(options: EmbeddingOptions) -> ImageTextEmbedder:
    """The CLIP encoder for ``options``, loaded on first use and then shared by the whole process.

    Weights are looked up on disk first (see :func:`clip_availability`); when absent this raises
    :class:`ModelUnavailableError` with the reason, without ever attempting a download.
    """
    with _cache_lock:
        encoder = _cache.get(options)
        if encoder is None:
            encoder = _load(options)
            _cache[options] = encoder
        return encoder
