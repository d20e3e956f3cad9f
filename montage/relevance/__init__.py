"""Relevance of candidate shots to a narration sentence: BM25 keywords, calibrated similarities, penalties."""

from montage.relevance.bm25 import KeywordIndex, KeywordMatches
from montage.relevance.features import CandidateFeatures, ScoredCandidate, SentenceQuery
from montage.relevance.scoring import score_candidate, score_candidates
from montage.relevance.tfidf import tfidf_matrix, tfidf_similarity
from montage.relevance.tokenizer import tokenize
from montage.relevance.weights import RelevanceWeights

__all__ = [
    "CandidateFeatures",
    "KeywordIndex",
    "KeywordMatches",
    "RelevanceWeights",
    "ScoredCandidate",
    "SentenceQuery",
    "score_candidate",
    "score_candidates",
    "tfidf_matrix",
    "tfidf_similarity",
    "tokenize",
]
