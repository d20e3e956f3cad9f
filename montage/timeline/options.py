"""Options of the alignment stage (``MONTAGE_ALIGNMENT__*``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AlignmentOptions(BaseModel):
    """How narration sentences are cut into picture segments and which shots fill them.

    Scores are the retrieval scores of the candidates (higher is better, about 0..1). The optimiser
    maximises ``score × (segment seconds / max_shot_s) × (1 + salience_weight × salience)`` summed over the
    segments, minus ``same_source_penalty`` (in the same units) for two neighbouring segments from one
    source file, with every shot used at most once.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fps: float = Field(default=30.0, gt=0, description="Output frame rate: cut times land on its frame grid.")
    min_shot_s: float = Field(default=1.2, gt=0, description="Shortest segment on screen.")
    max_shot_s: float = Field(default=6.0, gt=0, description="Longest segment; longer sentences are split.")
    pace_shot_s: float = Field(
        default=3.5,
        gt=0,
        description="Segment length aimed at for the least salient sentences; the most salient ones may hold "
        "up to max_shot_s before a cut.",
    )
    min_score: float = Field(
        default=0.45,
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
        default=None, description="specific_score for a sentence and shot text in different scripts."
    )
    secondary_ratio: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Besides a sentence's best shot, others clearing the floor are used only when they score "
        "at least this share of the best (other windows of the same source excepted). montage make sets it "
        "from the calibration.",
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
    max_speed_change: float = Field(
        default=0.15,
        ge=0,
        lt=0.5,
        description="A clip may be slowed by at most this share to fill its piece (no frozen frames).",
    )
    salience_weight: float = Field(
        default=1.0,
        ge=0,
        description="How much more a fully salient sentence's shot choice counts (0 = not).",
    )
    same_source_penalty: float = Field(
        default=0.5, ge=0, description="Cost of two consecutive segments from one source file."
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
    beat_snap_max_s: float = Field(
        default=0.25, ge=0, description="A cut moves at most this far to land on a music beat."
    )
    alternatives: int = Field(default=3, ge=0, description="Other candidates kept per segment for editing.")
    optimizer_iterations: int = Field(
        default=60, ge=1, description="Lagrangian iterations of the shot assignment (each one DP + one LSA)."
    )

    @model_validator(mode="after")
    def _consistent_lengths(self) -> AlignmentOptions:
        if self.max_shot_s < 2 * self.min_shot_s:
            raise ValueError("max_shot_s must be at least twice min_shot_s so long sentences can be split")
        if not self.min_shot_s <= self.pace_shot_s <= self.max_shot_s:
            raise ValueError("pace_shot_s must lie between min_shot_s and max_shot_s")
        return self

    @property
    def frame_s(self) -> float:
        """Length of one output frame."""
        return 1.0 / self.fps
