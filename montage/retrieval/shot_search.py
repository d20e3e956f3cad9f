"""Search shots by meaning: approximate candidates from each channel's FAISS index, exact rescoring.

Every hit keeps its score parts (``scores``) so a person can see why it ranks where it does. Near-duplicate
shots (same perceptual-hash group) are folded into the best of their group.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from montage.options.relevance import RelevanceWeights
from montage.options.search import SearchSettings
from montage.retrieval.calibration import relevance_floor
from montage.retrieval.candidates import ShotFacts, gather_candidates
from montage.retrieval.features import SentenceQuery
from montage.retrieval.ranking import query_named_things, rank_pool
from montage.search.channels import Channels


@dataclass(frozen=True)
class ShotHit:
    """One ranked shot with the parts of its score."""

    shot_id: int
    path: str
    abs_path: str
    start: float
    end: float
    score: float
    scores: dict[str, float | None]
    title: str
    license: str
    attribution: str
    keyframe_path: str | None
    text: str
    source_id: int
    relevant: bool = True

    def to_json(self) -> dict[str, object]:
        """The JSON object printed by ``montage search --json``."""
        return {
            "shot_id": self.shot_id,
            "path": self.path,
            "abs_path": self.abs_path,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "score": round(self.score, 4),
            "scores": {k: (None if v is None else round(v, 4)) for k, v in self.scores.items()},
            "title": self.title,
            "license": self.license,
            "attribution": self.attribution,
            "keyframe": self.keyframe_path,
            "text": self.text,
            "relevant": self.relevant,
        }


def hit_from_facts(
    facts: ShotFacts, score: float, scores: dict[str, float | None], relevant: bool
) -> ShotHit:
    """A hit for a pooled shot (its facts were read once, with the pool) and its score parts."""
    return ShotHit(
        shot_id=facts.shot_id,
        path=facts.rel_path,
        abs_path=facts.path,
        start=facts.start_s,
        end=facts.end_s,
        score=score,
        scores=scores,
        title=facts.title,
        license=facts.license,
        attribution=facts.attribution,
        keyframe_path=facts.keyframe_path,
        text=facts.text,
        source_id=facts.source_id,
        relevant=relevant,
    )


def search_shots(
    factory: sessionmaker[Session],
    channels: Channels,
    query: str,
    *,
    k: int,
    index_dir: object,
    settings: SearchSettings,
    fold_duplicates: bool = True,
    weights: RelevanceWeights | None = None,
    only_relevant: bool = False,
) -> list[ShotHit]:
    """Top ``k`` shots for a text query, ranked by the same path and formula as ``montage make``.

    The score parts of each hit are exactly those the pipeline keeps for a sentence with this text. Each hit
    says whether it clears the relevance floor calibrated for the models in use (``relevant``), the floor
    below which ``montage make`` never shows a shot; ``only_relevant`` leaves the others out.
    """
    pool = gather_candidates(
        factory,
        channels,
        [query],
        index_dir=Path(str(index_dir)),
        per_channel=max(k * 4, settings.candidates_per_channel),
        named=[query_named_things(query)],
    )
    floor = relevance_floor(channels.text.model_id, channels.visual.model_id if channels.visual else None)
    scored = rank_pool(pool, [SentenceQuery(text=query)], floor.weights(weights or RelevanceWeights()))[0]
    hits: list[ShotHit] = []
    seen_groups: set[int] = set()
    for item in scored:
        facts = pool.shots[item.shot_id]
        if fold_duplicates and facts.duplicate_group is not None:
            if facts.duplicate_group in seen_groups:
                continue
            seen_groups.add(facts.duplicate_group)
        relevant = floor.clears(item.score, same_script=item.scores.get("same_script") != 0.0)
        if only_relevant and not relevant:
            continue
        hits.append(hit_from_facts(facts, item.score, dict(item.scores), relevant))
        if len(hits) >= k:
            break
    return hits
