"""Plain data of relevance scoring: the sentence query, a candidate shot's features and the scored result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SentenceQuery:
    """One narration sentence as a query: its text, anchors and, when known, the seconds it will be spoken.

    ``slot_s`` feeds the "too short for the slot" penalty; None falls back to ``min_useful_s``.
    """

    text: str
    keyphrases: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    salience: float = 0.0
    slot_s: float | None = None


@dataclass(frozen=True)
class CandidateFeatures:
    """What scoring knows about one candidate shot for one sentence.

    ``visual_sim`` and ``text_sim`` are raw cosine similarities of the sentence to the shot's keyframe (CLIP)
    and to the shot's text (sentence embeddings); ``visual_sim`` is None when the visual channel is
    unavailable.
    """

    shot_id: int
    visual_sim: float | None
    text_sim: float
    shot_text: str
    tags: tuple[str, ...] = ()
    quality: float = 0.5
    duration_s: float = 0.0
    source_id: int = 0


@dataclass(frozen=True)
class ScoredCandidate:
    """A candidate's total score and every part of it, so a person can see why this shot was chosen.

    ``scores`` holds each part on its 0..1 scale (``visual`` is None when that channel was unavailable), the
    raw similarities, the effective weights (``weight_*``) and the penalties (positive numbers, subtracted).
    """

    shot_id: int
    score: float
    scores: dict[str, float | None] = field(default_factory=dict)
