"""Retrieval: candidate pooling, features, the one scoring formula, weights, keywords and calibration."""

from montage.options.relevance import RelevanceWeights
from montage.retrieval.bm25 import KeywordIndex, KeywordMatches
from montage.retrieval.features import CandidateFeatures, ScoredCandidate, SentenceQuery
from montage.retrieval.scoring import score_candidate, score_candidates

__all__ = [
    "CandidateFeatures",
    "KeywordIndex",
    "KeywordMatches",
    "RelevanceWeights",
    "ScoredCandidate",
    "SentenceQuery",
    "score_candidate",
    "score_candidates",
]
