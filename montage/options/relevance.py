"""Weights and calibration of relevance scoring (``MONTAGE_RELEVANCE__*``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_FLOOR = 0.45
"""The relevance floor of a model combination nobody calibrated (a guess; montage says so in a job's
warnings). The calibrated floors are in :mod:`montage.retrieval.calibration`."""


def threshold_for_pairing(same_script: float, cross_script: float | None, *, same: bool) -> float:
    """The one rule for which threshold applies to a (sentence, shot text) pair: ``same_script`` when both
    are in one script or no cross-script value was calibrated, else ``cross_script``.

    Search (:class:`montage.retrieval.calibration.RelevanceFloor`) and the cut planner
    (:mod:`montage.timeline.cut_planner`) both decide "does this shot clear the floor" through it, so the
    two surfaces can never disagree on a pair.
    """
    return same_script if same or cross_script is None else cross_script


class RelevanceWeights(BaseModel):
    """How the parts of a shot's relevance to one narration sentence are combined.

    ``score = visual·v + text·t + keyword·k + tags·g + quality·q + named·n − penalties``. The weights are used
    as given; the first five sum to 1 by default and ``named`` is a bonus on top (a query that names nothing
    loses nothing). When the visual channel is unavailable its weight is shared among text, keyword and tags
    in proportion to their weights; across scripts keyword and tags give theirs to text.

    Raw cosine similarities are mapped linearly from ``[floor, ceiling]`` to ``[0, 1]`` (clipped): CLIP
    image-text cosines live in a narrow band (about 0.15 unrelated to 0.35 very close for ViT-B/32), sentence
    embedding cosines in a wider one, so the two are brought to one scale before they are added.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    visual: float = Field(default=0.40, ge=0, description="Weight of the CLIP sentence-keyframe similarity.")
    text: float = Field(default=0.30, ge=0, description="Weight of the sentence-to-shot-text similarity.")
    keyword: float = Field(default=0.20, ge=0, description="Weight of BM25 keyword overlap (0..1 per query).")
    tags: float = Field(default=0.05, ge=0, description="Weight of anchor terms found in the shot's tags.")
    quality: float = Field(default=0.05, ge=0, description="Weight of the shot's technical quality (0..1).")
    named: float = Field(
        default=0.5,
        ge=0,
        description="Bonus weight when a shot's tags or title match a thing the sentence names (quoted "
        "words, people, organisations, places), so the clip of the named thing goes to the sentence "
        "naming it.",
    )

    visual_floor: float = Field(default=0.15, description="CLIP cosine mapped to 0.")
    visual_ceiling: float = Field(default=0.35, description="CLIP cosine mapped to 1.")
    text_floor: float = Field(default=0.10, description="Text-embedding cosine mapped to 0.")
    text_ceiling: float = Field(default=0.70, description="Text-embedding cosine mapped to 1.")
    named_floor: float = Field(
        default=0.60,
        description="Named-thing-to-label cosine mapped to 0 (a translation scores about 0.7-0.9).",
    )
    named_ceiling: float = Field(default=0.90, description="Named-thing-to-label cosine mapped to 1.")
    labels_floor: float = Field(
        default=0.45, description="Query-words-to-tags cosine (mean of two best tags) mapped to 0."
    )
    labels_ceiling: float = Field(default=0.85, description="Query-words-to-tags cosine mapped to 1.")

    short_penalty: float = Field(
        default=0.15, ge=0, description="All of it for a zero-length shot, part of it for a short one."
    )
    min_useful_s: float = Field(
        default=1.0, gt=0, description="Shortest useful shot when the slot length is unknown."
    )
    max_required_s: float = Field(
        default=3.0, gt=0, description="A shot this long is never too short (long slots take several shots)."
    )
    low_quality_threshold: float = Field(
        default=0.35, ge=0, le=1, description="Quality below this is penalised."
    )
    low_quality_penalty: float = Field(
        default=0.10, ge=0, description="Subtracted in full at quality 0, linearly less up to the threshold."
    )

    @model_validator(mode="after")
    def _ranges(self) -> RelevanceWeights:
        if (
            self.visual_ceiling <= self.visual_floor
            or self.text_ceiling <= self.text_floor
            or self.named_ceiling <= self.named_floor
            or self.labels_ceiling <= self.labels_floor
        ):
            raise ValueError("each similarity ceiling must be above its floor")
        if self.max_required_s < self.min_useful_s:
            raise ValueError("max_required_s must be at least min_useful_s")
        if self.text + self.keyword + self.tags <= 0:
            raise ValueError("at least one text-side weight (text, keyword, tags) must be positive")
        return self
