"""The sentence graph: how alike two sentences are (for centrality and MMR) and whether one repeats another.

all-MiniLM-L6-v2 is an English model; on Chinese it sees mostly unknown word pieces and scores unrelated
sentences as alike (0.84 for two unrelated sentences of the Chinese test article, 0.73 for a restated one).
TF-IDF over jieba terms is blended in for Chinese/Japanese (``lexical_weight_cjk``); see docs/narration.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from montage.embedding.protocol import TextEmbedder
from montage.options.narration import NarrationOptions
from montage.relevance.tfidf import tfidf_similarity
from montage.text.languages import counts_characters


@dataclass(frozen=True)
class SentenceGraph:
    """Pairwise scores of n sentences, each an (n, n) matrix in [0, 1].

    ``similarity`` is the blended embedding/TF-IDF cosine (edges of the LexRank graph, MMR redundancy);
    ``lexical`` the TF-IDF cosine alone.
    """

    similarity: NDArray[np.float32]
    lexical: NDArray[np.float32]

    @property
    def duplication(self) -> NDArray[np.float32]:
        """The larger of ``similarity`` and ``lexical``: high when a sentence repeats another's meaning or
        its words (MiniLM gives a reworded copy as little as 0.84)."""
        result: NDArray[np.float32] = np.maximum(self.similarity, self.lexical)
        return result

    def restricted(self, count: int) -> SentenceGraph:
        """The graph of the first ``count`` sentences."""
        return SentenceGraph(self.similarity[:count, :count], self.lexical[:count, :count])


def lexical_weight_for(language: str, options: NarrationOptions) -> float:
    """Share of TF-IDF similarity used for the language."""
    return options.lexical_weight_cjk if counts_characters(language) else options.lexical_weight


def blend_similarity(
    embedding_similarity: NDArray[np.float32], lexical_similarity: NDArray[np.float32], lexical_weight: float
) -> NDArray[np.float32]:
    """``(1 - w)·embedding + w·lexical``, each clipped to [0, 1] (a negative cosine means "unrelated")."""
    blended = (1.0 - lexical_weight) * np.clip(embedding_similarity, 0.0, 1.0)
    blended = blended + lexical_weight * np.clip(lexical_similarity, 0.0, 1.0)
    result: NDArray[np.float32] = blended.astype(np.float32)
    return result


EMBED_CHUNK = 32
"""Texts embedded between two checkpoints (a fraction of a second of CPU with the default model)."""


def embed_with_checkpoints(
    texts: Sequence[str], embedder: TextEmbedder, checkpoint: Callable[[], None] | None = None
) -> NDArray[np.float32]:
    """Embed ``texts`` ``EMBED_CHUNK`` at a time, calling ``checkpoint`` (which may raise) before each."""
    parts: list[NDArray[np.float32]] = []
    for start in range(0, len(texts), EMBED_CHUNK):
        if checkpoint is not None:
            checkpoint()
        parts.append(embedder.embed_texts(list(texts[start : start + EMBED_CHUNK])).astype(np.float32))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.concatenate(parts).astype(np.float32)


def sentence_graph(
    texts: Sequence[str],
    embedder: TextEmbedder,
    language: str,
    options: NarrationOptions,
    *,
    checkpoint: Callable[[], None] | None = None,
) -> SentenceGraph:
    """Embed the texts and build their :class:`SentenceGraph` (``checkpoint`` runs between chunks)."""
    vectors = embed_with_checkpoints(texts, embedder, checkpoint)
    embedding_similarity: NDArray[np.float32] = (vectors @ vectors.T).astype(np.float32)
    lexical = tfidf_similarity(texts)
    similarity = blend_similarity(embedding_similarity, lexical, lexical_weight_for(language, options))
    return SentenceGraph(similarity=similarity, lexical=lexical)
