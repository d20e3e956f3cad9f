"""BM25 keyword index over shot texts, with per-query normalisation to [0, 1]."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from montage.relevance.tokenizer import tokenize


@dataclass(frozen=True)
class KeywordMatches:
    """Raw BM25 scores of one query over the index, and the best of them (the normaliser)."""

    raw: Mapping[int, float]
    best: float

    def normalised(self, doc_id: int) -> float:
        """The document's score over the query's best score in the index (0 when nothing matched)."""
        if self.best <= 0.0:
            return 0.0
        return min(1.0, self.raw.get(doc_id, 0.0) / self.best)


@dataclass(frozen=True)
class KeywordIndex:
    """Okapi BM25 over documents (shot texts) keyed by an integer id. Build it with :meth:`fit`."""

    postings: Mapping[str, Mapping[int, int]]
    doc_lengths: Mapping[int, int]
    average_length: float
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def fit(cls, docs: Mapping[int, str], *, k1: float = 1.2, b: float = 0.75) -> KeywordIndex:
        """Index ``docs`` (id -> text) with :func:`montage.relevance.tokenizer.tokenize`."""
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        lengths: dict[int, int] = {}
        for doc_id in sorted(docs):
            terms = tokenize(docs[doc_id])
            lengths[doc_id] = len(terms)
            for term, count in Counter(terms).items():
                postings[term][doc_id] = count
        average = sum(lengths.values()) / len(lengths) if lengths else 0.0
        return cls(postings=dict(postings), doc_lengths=lengths, average_length=average, k1=k1, b=b)

    @property
    def size(self) -> int:
        """Number of indexed documents."""
        return len(self.doc_lengths)

    def idf(self, term: str) -> float:
        """BM25 inverse document frequency (the non-negative "+1" variant)."""
        df = len(self.postings.get(term, {}))
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def _term_score(self, term: str, tf: int, length: int) -> float:
        norm = 1.0 - self.b + self.b * (length / self.average_length if self.average_length else 0.0)
        return self.idf(term) * tf * (self.k1 + 1.0) / (tf + self.k1 * norm)

    def query(self, terms: Iterable[str]) -> KeywordMatches:
        """Score every indexed document against query terms (repeated terms weigh 1 + ln(count))."""
        weights = _query_weights(terms)
        raw: dict[int, float] = defaultdict(float)
        for term in sorted(weights):
            for doc_id, tf in self.postings.get(term, {}).items():
                raw[doc_id] += weights[term] * self._term_score(term, tf, self.doc_lengths[doc_id])
        best = max(raw.values(), default=0.0)
        return KeywordMatches(raw=dict(raw), best=best)

    def score_text(self, terms: Iterable[str], text: str) -> float:
        """BM25 score of a text that is not in the index, using the index's statistics."""
        weights = _query_weights(terms)
        counts = Counter(tokenize(text))
        length = sum(counts.values())
        return sum(
            weights[term] * self._term_score(term, counts[term], length)
            for term in sorted(weights)
            if counts[term]
        )

    def query_text(self, text: str) -> KeywordMatches:
        """Tokenize ``text`` and :meth:`query` it."""
        return self.query(tokenize(text))


def _query_weights(terms: Iterable[str]) -> dict[str, float]:
    return {term: 1.0 + math.log(count) for term, count in Counter(terms).items()}
