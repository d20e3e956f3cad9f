"""Plain data of relevance scoring: the sentence query, a candidate shot's features and the scored result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SentenceQuery:
    """One narration sentence (or a search query) as a query: its text, anchors and, when known, the seconds
    it will be spoken.

    ``slot_s`` feeds the "too short for the slot" penalty; None falls back to ``min_useful_s``.
    """

    text: str
    keyphrases: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    salience: float = 0.0
    slot_s: float | None = None


@dataclass(frozen=True)
class CandidateFeatures:
    """What scoring knows about one candidate shot for one query.

    ``visual_sim`` and ``text_sim`` are raw cosine similarities of the query to the shot's keyframe (CLIP)
    and to the shot's text (sentence embeddings); ``visual_sim`` is None when the visual channel is
    unavailable. ``named_sim`` is the best cosine between a thing the query names (a quoted word, a person,
    an organisation, a place) and one of the shot's labels (its tags and title), None when the query names
    nothing; ``named_position`` is where in the query that named thing starts (characters), so two named
    things can be shown in the order they are named. ``same_script`` is False when the query and the shot
    text are written in different scripts (Chinese query, English description): word overlap then says
    nothing, and the keyword weight goes to ``label_sim`` — the query's words matched to the shot's tags
    by meaning (mean of the two best tags), which works across languages.
    """

    shot_id: int
    visual_sim: float | None
    text_sim: float
    shot_text: str
    tags: tuple[str, ...] = ()
    quality: float = 0.5
    duration_s: float = 0.0
    source_id: int = 0
    named_sim: float | None = None
    named_position: int | None = None
    same_script: bool = True
    label_sim: float | None = None


@dataclass(frozen=True)
class ScoredCandidate:
    """A candidate's total score and every part of it, so a person can see why this shot was chosen.

    ``scores`` holds each part on its 0..1 scale (``visual`` is None when that channel was unavailable), the
    raw similarities, the effective weights (``weight_*``) and the penalties (positive numbers, subtracted).
    """

    shot_id: int
    score: float
    scores: dict[str, float | None] = field(default_factory=dict)
