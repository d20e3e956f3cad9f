"""Score candidate shots for one query (a narration sentence or a search): weighted parts minus penalties.

Pure functions over plain data; no I/O. The one scoring formula behind ``montage search``, the shot API,
``montage make`` and the editor's alternatives:

``score = visual·v + text·t + keyword·k + tags·g + quality·q + named·n − penalties``

* ``keyword``: BM25 of the query (its text, plus its keyphrases and entities once more) over the shot texts
  of a :class:`KeywordIndex` built over the whole library, divided by the query's best BM25 score in that
  index, so it lies in [0, 1] and does not depend on which other shots were pooled.
* ``named``: a bonus when the shot's labels (tags, title) match a thing the query names, measured with the
  text embedding so "牛奶" finds the tag "milk". It only adds: a query that names nothing loses nothing.
* Across scripts (Chinese query, English shot text) ``keyword`` and ``tags`` cannot match, so instead of
  punishing the query for its language the keyword weight goes to ``labels`` (the query's words matched to
  the shot's tags by meaning, through the multilingual embedding) and the tag weight to ``text``; when the
  visual channel is unavailable its weight is shared among the text-side parts the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from montage.options.relevance import RelevanceWeights
from montage.relevance.tokenizer import tokenize
from montage.retrieval.bm25 import KeywordIndex, KeywordMatches
from montage.retrieval.features import CandidateFeatures, ScoredCandidate, SentenceQuery

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


def effective_weights(
    weights: RelevanceWeights, *, visual_available: bool, same_script: bool = True
) -> dict[str, float]:
    """The weights actually applied: visual (when unavailable) and lexical parts (across scripts) moved."""
    effective = {
        "visual": weights.visual,
        "text": weights.text,
        "keyword": weights.keyword,
        "tags": weights.tags,
        "quality": weights.quality,
        "named": weights.named,
        "labels": 0.0,
    }
    if not same_script:
        effective["labels"] = effective["keyword"]
        effective["text"] += effective["tags"]
        effective["keyword"] = effective["tags"] = 0.0
    if not visual_available:
        text_side = effective["text"] + effective["keyword"] + effective["tags"] + effective["labels"]
        for part in ("text", "keyword", "tags", "labels"):
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
    effective = effective_weights(
        weights, visual_available=visual_available, same_script=candidate.same_script
    )
    visual = (
        _calibrated(candidate.visual_sim, weights.visual_floor, weights.visual_ceiling)
        if candidate.visual_sim is not None
        else None
    )
    named = (
        None
        if candidate.named_sim is None
        else _calibrated(candidate.named_sim, weights.named_floor, weights.named_ceiling)
    )
    parts: dict[str, float] = {
        "text": _calibrated(candidate.text_sim, weights.text_floor, weights.text_ceiling),
        "keyword": _keyword_part(query, candidate, keyword_index) if candidate.same_script else 0.0,
        "tags": _tags_part(query, candidate) if candidate.same_script else 0.0,
        "labels": 0.0
        if candidate.same_script or candidate.label_sim is None
        else _calibrated(candidate.label_sim, weights.labels_floor, weights.labels_ceiling),
        "quality": min(1.0, max(0.0, candidate.quality)),
    }
    penalty_short = _short_penalty(sentence, candidate, weights)
    penalty_quality = _low_quality_penalty(candidate, weights)
    total = sum(effective[name] * value for name, value in parts.items())
    total += effective["visual"] * (visual or 0.0) + effective["named"] * (named or 0.0)
    total -= penalty_short + penalty_quality
    scores: dict[str, float | None] = {"visual": visual, **parts, "named": named}
    scores["visual_raw"] = candidate.visual_sim
    scores["text_raw"] = candidate.text_sim
    scores["named_raw"] = candidate.named_sim
    scores["labels_raw"] = candidate.label_sim
    scores["named_position"] = (
        None if named is None or named <= 0 or candidate.named_position is None else candidate.named_position
    )
    scores.update({f"weight_{name}": value for name, value in effective.items()})
    scores["visual_weight_redistributed"] = 0.0 if visual_available else weights.visual
    scores["same_script"] = 1.0 if candidate.same_script else 0.0
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
