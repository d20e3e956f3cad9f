"""Sentence centrality: continuous LexRank (PageRank over the cosine-similarity graph)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def lexrank_centrality(
    similarity: NDArray[np.float32],
    *,
    damping: float = 0.85,
    tolerance: float = 1e-8,
    max_iterations: int = 200,
) -> NDArray[np.float64]:
    """Stationary PageRank score of each sentence over the weighted graph, rescaled to [0, 1].

    The rescaling (least central 0, most central 1; all 1 when every score is equal) keeps the spread
    and drops the level: on a dense graph raw PageRank scores differ by a few percent only. Self-similarity
    is ignored. A sentence similar to many others ranks high; one that shares nothing ranks
    low. Deterministic (power iteration from the uniform vector).
    """
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    if n == 1:
        return np.ones(1, dtype=np.float64)
    weights = np.clip(similarity.astype(np.float64), 0.0, None)
    np.fill_diagonal(weights, 0.0)
    row_sums = weights.sum(axis=1, keepdims=True)
    transition = np.where(row_sums > 0, weights / np.where(row_sums > 0, row_sums, 1.0), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(max_iterations):
        updated = (1.0 - damping) / n + damping * (transition.T @ scores)
        converged = float(np.abs(updated - scores).sum()) < tolerance
        scores = updated
        if converged:
            break
    spread = float(scores.max() - scores.min())
    if spread < 1e-12:
        return np.ones(n, dtype=np.float64)
    result: NDArray[np.float64] = (scores - scores.min()) / spread
    return result
