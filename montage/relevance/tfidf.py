"""Lexical similarity between short texts: TF-IDF vectors over :func:`tokenize` terms, cosine of each pair."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from montage.relevance.tokenizer import tokenize


def tfidf_matrix(texts: Sequence[str]) -> NDArray[np.float32]:
    """Rows of L2-normalised TF-IDF weights (sublinear tf, smoothed idf) over the texts' own vocabulary.

    A text without any term gets a zero row.
    """
    counts = [Counter(tokenize(text)) for text in texts]
    vocabulary = sorted({term for count in counts for term in count})
    column = {term: i for i, term in enumerate(vocabulary)}
    document_frequency = Counter(term for count in counts for term in count)
    n = len(texts)
    matrix = np.zeros((n, len(vocabulary)), dtype=np.float32)
    for row, count in enumerate(counts):
        for term, tf in count.items():
            idf = math.log((1 + n) / (1 + document_frequency[term])) + 1.0
            matrix[row, column[term]] = (1.0 + math.log(tf)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def tfidf_similarity(texts: Sequence[str]) -> NDArray[np.float32]:
    """Cosine similarity of every pair of texts, shape (n, n), values in [0, 1]."""
    matrix = tfidf_matrix(texts)
    similarity: NDArray[np.float32] = np.clip(matrix @ matrix.T, 0.0, 1.0).astype(np.float32)
    return similarity
