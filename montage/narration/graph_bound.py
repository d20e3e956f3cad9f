"""Bound the sentence graph of a long article: only the likeliest sentences go into it.

The graph is quadratic (every pair of sentences) and each of its sentences is embedded, so a 200,000-character
article (the service's maximum, about 2,000–5,000 sentences) made narration take minutes. Above
``GRAPH_SENTENCES_MAX`` sentences a linear pre-ranking keeps that many: each sentence's TF-IDF cosine with the
whole article's TF-IDF centroid (a classic stand-in for centrality: a sentence about what the article is
about scores high) blended with the position prior, as salience blends LexRank with it. A narration speaks
a few dozen sentences at most, so the graph still has several times more candidates than are chosen.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from montage.relevance.tokenizer import tokenize

GRAPH_SENTENCES_MAX = 300
"""Most sentences in the sentence graph (and embedded) however long the article is."""
CHECK_EVERY = 200
"""Sentences tokenized between two calls of the checkpoint."""


def centroid_similarity(
    texts: Sequence[str], checkpoint: Callable[[], None] | None = None
) -> NDArray[np.float64]:
    """Cosine of each text's TF-IDF vector (sublinear tf, smoothed idf) with the sum of all of them.

    Linear in the total number of terms; a text without terms scores 0. ``checkpoint`` (which may raise)
    is called every ``CHECK_EVERY`` texts while they are tokenized.
    """
    counts: list[Counter[str]] = []
    for position, text in enumerate(texts):
        if checkpoint is not None and position % CHECK_EVERY == 0:
            checkpoint()
        counts.append(Counter(tokenize(text)))
    document_frequency = Counter(term for count in counts for term in count)
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + df)) + 1.0 for term, df in document_frequency.items()}
    rows: list[dict[str, float]] = []
    centroid: Counter[str] = Counter()
    for count in counts:
        row = {term: (1.0 + math.log(tf)) * idf[term] for term, tf in count.items()}
        norm = math.sqrt(sum(weight * weight for weight in row.values()))
        row = {term: weight / norm for term, weight in row.items()} if norm > 0 else {}
        rows.append(row)
        centroid.update(row)
    centroid_norm = math.sqrt(sum(weight * weight for weight in centroid.values()))
    if centroid_norm == 0:
        return np.zeros(n, dtype=np.float64)
    return np.array(
        [sum(weight * centroid[term] for term, weight in row.items()) / centroid_norm for row in rows],
        dtype=np.float64,
    )


def graph_members(
    texts: Sequence[str],
    prior: NDArray[np.float64],
    prior_weight: float,
    limit: int = GRAPH_SENTENCES_MAX,
    checkpoint: Callable[[], None] | None = None,
) -> list[int]:
    """Indexes (in article order) of the sentences that enter the graph: all when there are at most
    ``limit``, else the ``limit`` best by ``(1 - prior_weight)·centroid similarity + prior_weight·prior``
    (the earlier sentence wins a tie). ``checkpoint`` is passed to :func:`centroid_similarity`."""
    if len(texts) <= limit:
        return list(range(len(texts)))
    similarity = centroid_similarity(texts, checkpoint)
    spread = float(similarity.max() - similarity.min())
    scaled = (similarity - similarity.min()) / spread if spread > 0 else np.ones_like(similarity)
    score = (1.0 - prior_weight) * scaled + prior_weight * prior
    order = np.lexsort((np.arange(len(texts)), -score))
    return sorted(int(i) for i in order[:limit])
