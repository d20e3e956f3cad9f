"""Stage 5, scoring side: turn a candidate pool into ranked, explained candidates per narration sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from montage.relevance import (
    CandidateFeatures,
    KeywordIndex,
    RelevanceWeights,
    SentenceQuery,
    score_candidates,
)
from montage.retrieval.candidates import CandidatePool, ShotFacts
from montage.timeline.model import CandidateShot


@dataclass(frozen=True)
class SentenceNeed:
    """What one narration sentence asks of the footage."""

    sentence_index: int
    text: str
    keyphrases: tuple[str, ...]
    entities: tuple[str, ...]
    salience: float
    duration_s: float


def _shot_document(facts: ShotFacts) -> str:
    return " ".join([facts.title, facts.text, " ".join(facts.tags)])


def _candidate_shot(facts: ShotFacts, score: float, scores: dict[str, float | None]) -> CandidateShot:
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
    )


def rank_candidates(
    pool: CandidatePool,
    needs: Sequence[SentenceNeed],
    weights: RelevanceWeights,
    *,
    keep: int = 40,
) -> dict[int, list[CandidateShot]]:
    """Score every pooled shot per sentence (visual, text, keywords, quality, penalties); keep the best."""
    keyword_index = KeywordIndex.fit({shot_id: _shot_document(pool.shots[shot_id]) for shot_id in pool.order})
    ranked: dict[int, list[CandidateShot]] = {}
    for row, need in enumerate(needs):
        features = [
            CandidateFeatures(
                shot_id=shot_id,
                visual_sim=None if pool.visual_sims is None else float(pool.visual_sims[row, column]),
                text_sim=float(pool.text_sims[row, column]),
                shot_text=_shot_document(pool.shots[shot_id]),
                tags=pool.shots[shot_id].tags,
                quality=pool.shots[shot_id].quality,
                duration_s=pool.shots[shot_id].duration_s,
                source_id=pool.shots[shot_id].source_id,
            )
            for column, shot_id in enumerate(pool.order)
        ]
        query = SentenceQuery(
            text=need.text,
            keyphrases=need.keyphrases,
            entities=need.entities,
            salience=need.salience,
            slot_s=need.duration_s,
        )
        scored = score_candidates(query, features, keyword_index, weights)[:keep]
        ranked[need.sentence_index] = [
            _candidate_shot(pool.shots[item.shot_id], item.score, dict(item.scores)) for item in scored
        ]
    return ranked
