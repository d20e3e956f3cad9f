"""Stage 5, scoring side: turn a candidate pool into ranked, explained candidates per narration sentence."""

from __future__ import annotations

from collections.abc import Sequence

from montage.options.relevance import RelevanceWeights
from montage.retrieval.candidates import CandidatePool, ShotFacts
from montage.retrieval.features import SentenceQuery
from montage.retrieval.ranking import rank_pool
from montage.timeline.plan_inputs import CandidateShot


def candidate_shot(facts: ShotFacts, score: float, scores: dict[str, float | None]) -> CandidateShot:
    """A pooled shot as the alignment stage sees it, with its score and score parts."""
    return CandidateShot(
        shot_id=facts.shot_id,
        source_id=facts.source_id,
        path=facts.path,
        shot_start_s=facts.start_s,
        shot_end_s=facts.end_s,
        score=score,
        scores=scores,
        source_cut_points_s=facts.source_cut_points_s,
        license=facts.license,
        attribution=facts.attribution,
        activity=facts.activity,
    )


def rank_candidates(
    pool: CandidatePool,
    texts: Sequence[str],
    weights: RelevanceWeights,
    *,
    keep: int = 40,
) -> list[list[CandidateShot]]:
    """Score every pooled shot for each query text (the same path as search); keep the best per query."""
    queries = [SentenceQuery(text=text) for text in texts]
    return [
        [candidate_shot(pool.shots[item.shot_id], item.score, dict(item.scores)) for item in scored]
        for scored in rank_pool(pool, queries, weights, keep=keep)
    ]
