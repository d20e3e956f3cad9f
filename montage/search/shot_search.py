"""Search shots by meaning: approximate candidates from each channel's FAISS index, exact rescoring.

Every hit keeps its score parts (``scores``) so a person can see why it ranks where it does. Near-duplicate
shots (same perceptual-hash group) are folded into the best of their group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from montage.config import SearchSettings
from montage.db.models import Shot
from montage.db.repositories.shots import shots_by_ids, vectors_for
from montage.search.channels import TEXT, VISUAL, Channels
from montage.search.vector_index import load_vector_index


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
        }


def _query_vectors(channels: Channels, query: str) -> dict[str, NDArray[np.float32]]:
    vectors = {TEXT: channels.text.embed_texts([query])}
    if channels.visual is not None:
        vectors[VISUAL] = channels.visual.embed_texts([query])
    return vectors


def _model_of(channels: Channels, channel: str) -> tuple[str, int]:
    encoder = channels.text if channel == TEXT else channels.visual
    assert encoder is not None
    return encoder.model_id, encoder.dim


def channel_weights(channels: Channels, settings: SearchSettings) -> dict[str, float]:
    """Per-channel weights; the visual weight moves to text when the visual channel is unavailable."""
    if channels.visual is None:
        return {TEXT: 1.0}
    total = settings.text_weight + settings.visual_weight
    return {TEXT: settings.text_weight / total, VISUAL: settings.visual_weight / total}


def hit_from_shot(shot: Shot, score: float, scores: dict[str, float | None]) -> ShotHit:
    """Build a hit from a stored shot and its score parts."""
    source = shot.source
    return ShotHit(
        shot_id=shot.id,
        path=source.rel_path,
        abs_path=source.path,
        start=shot.start_s,
        end=shot.end_s,
        score=score,
        scores=scores,
        title=source.title,
        license=source.license,
        attribution=source.attribution,
        keyframe_path=shot.keyframe_path,
        text=shot.text,
        source_id=source.id,
    )


def score_shots(
    session: Session,
    channels: Channels,
    query_vectors: dict[str, NDArray[np.float32]],
    shot_ids: list[int],
    settings: SearchSettings,
) -> list[tuple[Shot, float, dict[str, float | None]]]:
    """Exact scores of the given shots: weighted channel similarities plus a small quality term."""
    weights = channel_weights(channels, settings)
    shots = shots_by_ids(session, shot_ids)
    sims: dict[str, dict[int, float]] = {}
    for channel, query in query_vectors.items():
        model_id, _dim = _model_of(channels, channel)
        stored = vectors_for(session, shots, channel=channel, model_id=model_id)
        sims[channel] = {shot_id: float(vec @ query[0]) for shot_id, vec in stored.items()}
    scored = []
    for shot_id, shot in shots.items():
        parts: dict[str, float | None] = {
            TEXT: sims[TEXT].get(shot_id),
            VISUAL: sims[VISUAL].get(shot_id) if VISUAL in sims else None,
            "quality": shot.quality,
        }
        total = sum(weight * (parts[ch] or 0.0) for ch, weight in weights.items())
        total += settings.quality_weight * shot.quality
        scored.append((shot, total, parts))
    scored.sort(key=lambda item: (-item[1], item[0].id))
    return scored


def search_shots(
    factory: sessionmaker[Session],
    channels: Channels,
    query: str,
    *,
    k: int,
    index_dir: object,
    settings: SearchSettings,
    fold_duplicates: bool = True,
) -> list[ShotHit]:
    """Top ``k`` shots for a text query over every available channel."""
    from pathlib import Path

    query_vectors = _query_vectors(channels, query)
    candidates: set[int] = set()
    fetch = max(k * 4, settings.candidates_per_channel)
    for channel, vector in query_vectors.items():
        model_id, dim = _model_of(channels, channel)
        index = load_vector_index(
            Path(str(index_dir)), channel=channel, expected_model_id=model_id, expected_dim=dim
        )
        _scores, ids = index.search(vector, fetch)
        candidates.update(int(i) for i in ids[0] if i >= 0)
    with factory() as session:
        scored = score_shots(session, channels, query_vectors, sorted(candidates), settings)
        hits: list[ShotHit] = []
        seen_groups: set[int] = set()
        for shot, total, parts in scored:
            if fold_duplicates and shot.duplicate_group is not None:
                if shot.duplicate_group in seen_groups:
                    continue
                seen_groups.add(shot.duplicate_group)
            hits.append(hit_from_shot(shot, total, parts))
            if len(hits) >= k:
                break
    return hits
