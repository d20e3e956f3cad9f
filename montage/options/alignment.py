"""Options of the alignment stage (``MONTAGE_ALIGNMENT__*``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from montage.options.relevance import DEFAULT_FLOOR


class AlignmentOptions(BaseModel):
    """How narration sentences are cut into picture segments and which shots fill them.

    Scores are the retrieval scores of the candidates (higher is better; a named-thing bonus can take them
    above 1). The planner (:mod:`montage.timeline.cut_planner`) shows only shots that clear the relevance
    floor (or are the best match of a sentence that shows something specific, or of a thing it names), in
    pieces as long as their free footage allows; exact source frames are never used twice.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fps: float = Field(default=30.0, gt=0, description="Output frame rate: cut times land on its frame grid.")
    min_shot_s: float = Field(default=1.2, gt=0, description="Shortest segment on screen.")
    max_shot_s: float = Field(default=6.0, gt=0, description="Longest segment; longer sentences are split.")
    min_score: float = Field(
        default=DEFAULT_FLOOR,
        description="The relevance floor: a shot scoring below it is never shown for a sentence. "
        "montage make sets it from the calibration of the models in use "
        "(montage.retrieval.calibration); this default is only used where no calibration applies.",
    )
    min_score_cross_script: float | None = Field(
        default=None,
        description="The relevance floor for a sentence and a shot text in different scripts (a Chinese "
        "sentence, an English description), where only the multilingual embedding can match; "
        "None = min_score.",
    )
    specific_score: float | None = Field(
        default=None,
        description="A sentence whose best candidate reaches this shows something specific: when its own "
        "footage runs out it gets a card, never B-roll of something else. None = B-roll for any sentence "
        "without relevant footage. montage make sets it from the calibration.",
    )
    specific_score_cross_script: float | None = Field(
        default=None,
        description="specific_score for a sentence and shot text in different scripts (None = "
        "specific_score; unused while specific_score is None).",
    )
    secondary_ratio: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Besides a sentence's best shot, others clearing the floor are used only when they score "
        "at least this share of the best (other windows of the same source excepted). montage make sets it "
        "from the calibration.",
    )
    secondary_ratio_home: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="A lower secondary_ratio for a shot whose home is this sentence: among the story's "
        "sentences it scores best for this one, so no other sentence wants it more. None = "
        "secondary_ratio for every shot. montage make sets it from the calibration.",
    )
    max_hold_in_s: float = Field(
        default=2.5,
        ge=0,
        description="The previous sentence's shot may run on at most this long under a sentence that has "
        "pictures of its own (an L-cut), when that sentence's own footage is shorter than its speech.",
    )
    named_min: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="A shot whose named part reaches this is the shot of a thing the sentence names.",
    )
    activity_gain: float | None = Field(
        default=1.0,
        ge=0,
        description="Once the cut is planned, a piece moves within footage no other piece uses to where "
        "its mean motion (luma levels per frame at analysis size; static camera noise ~0.1-0.3, a moving "
        "subject 1-10) is at least this much higher. None = pieces stay where the planner put them.",
    )
    max_speed_change: float = Field(
        default=0.15,
        ge=0,
        lt=0.5,
        description="A clip may be slowed by at most this share to fill its piece (no frozen frames).",
    )
    edge_margin_frames: int = Field(
        default=2, ge=0, description="In/out points stay this many source frames inside the shot."
    )
    default_source_fps: float = Field(
        default=24.0, gt=0, description="Source frame rate assumed for the margin when a shot does not say."
    )
    transition_handle_s: float = Field(
        default=0.0,
        ge=0,
        description="Extra source seconds each shot must have after its out point (set to the render "
        "crossfade length).",
    )
    alternatives: int = Field(default=3, ge=0, description="Other candidates kept per segment for editing.")

    @model_validator(mode="after")
    def _consistent_lengths(self) -> AlignmentOptions:
        if self.max_shot_s < 2 * self.min_shot_s:
            raise ValueError("max_shot_s must be at least twice min_shot_s so long sentences can be split")
        return self

    @property
    def frame_s(self) -> float:
        """Length of one output frame."""
        return 1.0 / self.fps
