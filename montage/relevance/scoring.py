"""Score candidate shots for one narration sentence: weighted parts minus penalties, every part kept.

Pure functions over plain data; no I/O. The keyword part is BM25 of the sentence (its text, plus its
keyphrases and entities once more) over the shot texts of a :class:`KeywordIndex`, divided by the best BM25
score of that query in the index, so it lies in [0, 1] and means the same for every candidate of the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from montage.relevance.bm25 import KeywordIndex, KeywordMatches
from montage.relevance.features import CandidateFeatures, ScoredCandidate, SentenceQuery
from montage.relevance.tokenizer import tokenize
from montage.relevance.weights import RelevanceWeights

_TAG_TERMS_FOR_FULL_MATCH = 3


@dataclass(frozen=True)
class _PreparedQuery:
    terms: tuple[str, ...]
    anchor_terms: frozenset[str]
    matches: KeywordMatches


def _prepare(sentence: SentenceQuery, keyword_index: KeywordIndex) -> _PreparedQuery:
    phrases = (*sentence.keyphrases, *sentence.entities)
    anchor_terms = [term for phrase in phrases for term in tokenize(phrase)]
    terms = (*tokenize(sentence.text), *anchor_terms)
    anchors = frozenset(anchor_terms) or frozenset(terms)
    return _PreparedQuery(terms=terms, anchor_terms=anchors, matches=keyword_index.query(terms))


def _calibrated(value: float, floor: float, ceiling: float) -> float:
    return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))


def _effective_weights(weights: RelevanceWeights, visual_available: bool) -> dict[str, float]:
    effective = {
        "visual": weights.visual,
        "text": weights.text,
        "keyword": weights.keyword,
        "tags": weights.tags,
        "quality": weights.quality,
    }
    if not visual_available:
        text_side = weights.text + weights.keyword + weights.tags
        for part in ("text", "keyword", "tags"):
            effective[part] += weights.visual * effective[part] / text_side
        effective["visual"] = 0.0
    return effective


def _keyword_part(query: _PreparedQuery, candidate: CandidateFeatures, index: KeywordIndex) -> float:
    if candidate.shot_id in index.doc_lengths:
        return query.matches.normalised(candidate.shot_id)
    raw = index.score_text(query.terms, candidate.shot_text)
    best = max(query.matches.best, raw)
    return raw / best if best > 0 else 0.0


def _tags_part(query: _PreparedQuery, candidate: CandidateFeatures) -> float:
    tag_terms = {term for tag in candidate.tags for term in tokenize(tag)}
    if not tag_terms or not query.anchor_terms:
        return 0.0
    found = len(query.anchor_terms & tag_terms)
    return min(1.0, found / min(len(query.anchor_terms), _TAG_TERMS_FOR_FULL_MATCH))


def _short_penalty(sentence: SentenceQuery, candidate: CandidateFeatures, weights: RelevanceWeights) -> float:
    wanted = weights.min_useful_s if sentence.slot_s is None else sentence.slot_s
    required = min(max(wanted, weights.min_useful_s), weights.max_required_s)
    shortfall = max(0.0, required - candidate.duration_s) / required
    return weights.short_penalty * min(1.0, shortfall)


def _low_quality_penalty(candidate: CandidateFeatures, weights: RelevanceWeights) -> float:
    threshold = weights.low_quality_threshold
    if threshold <= 0 or candidate.quality >= threshold:
        return 0.0
    return weights.low_quality_penalty * (threshold - max(0.0, candidate.quality)) / threshold


def _score(
    sentence: SentenceQuery,
    query: _PreparedQuery,
    candidate: CandidateFeatures,
    keyword_index: KeywordIndex,
    weights: RelevanceWeights,
) -> ScoredCandidate:
    visual_available = candidate.visual_sim is not None
    effective = _effective_weights(weights, visual_available)
    visual = (
        _calibrated(candidate.visual_sim, weights.visual_floor, weights.visual_ceiling)
        if candidate.visual_sim is not None
        else None
    )
    parts: dict[str, float] = {
        "text": _calibrated(candidate.text_sim, weights.text_floor, weights.text_ceiling),
        "keyword": _keyword_part(query, candidate, keyword_index),
        "tags": _tags_part(query, candidate),
        "quality": min(1.0, max(0.0, candidate.quality)),
    }
    penalty_short = _short_penalty(sentence, candidate, weights)
    penalty_quality = _low_quality_penalty(candidate, weights)
    total = sum(effective[name] * value for name, value in parts.items())
    total += effective["visual"] * (visual or 0.0)
    total -= penalty_short + penalty_quality
    scores: dict[str, float | None] = {"visual": visual, **parts}
    scores["visual_raw"] = candidate.visual_sim
    scores["text_raw"] = candidate.text_sim
    scores.update({f"weight_{name}": value for name, value in effective.items()})
    scores["visual_weight_redistributed"] = 0.0 if visual_available else weights.visual
    scores["penalty_short"] = penalty_short
    scores["penalty_low_quality"] = penalty_quality
    return ScoredCandidate(shot_id=candidate.shot_id, score=total, scores=scores)


def score_candidate(
    sentence: SentenceQuery,
    candidate: CandidateFeatures,
    keyword_index: KeywordIndex,
    weights: RelevanceWeights,
) -> ScoredCandidate:
    """Score one candidate shot for one sentence (same result as its entry in :func:`score_candidates`)."""
    return _score(sentence, _prepare(sentence, keyword_index), candidate, keyword_index, weights)


def score_candidates(
    sentence: SentenceQuery,
    candidates: Sequence[CandidateFeatures],
    keyword_index: KeywordIndex,
    weights: RelevanceWeights,
) -> list[ScoredCandidate]:
    """Score every candidate for one sentence, best first; equal scores are ordered by shot id."""
    query = _prepare(sentence, keyword_index)
    scored = [_score(sentence, query, candidate, keyword_index, weights) for candidate in candidates]
    return sorted(scored, key=lambda item: (-item.score, item.shot_id))
