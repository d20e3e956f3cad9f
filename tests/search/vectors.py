"""Synthetic unit vectors for index tests: a mixture of Gaussian clusters on the sphere."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def clustered_unit_vectors(
    count: int, dim: int, clusters: int, *, spread: float = 0.5, seed: int = 0
) -> NDArray[np.float32]:
    """``count`` L2-normalised vectors drawn around ``clusters`` random centres."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, clusters, count)
    noise = rng.standard_normal((count, dim)).astype(np.float32) * (spread / np.sqrt(dim))
    vectors = centres[labels] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def big_ids(count: int, seed: int = 1) -> NDArray[np.int64]:
    """Distinct arbitrary 63-bit ids, like shot ids."""
    rng = np.random.default_rng(seed)
    ids = np.unique(rng.integers(1 << 40, (1 << 63) - 1, count * 2, dtype=np.int64))[:count]
    rng.shuffle(ids)
    return ids
