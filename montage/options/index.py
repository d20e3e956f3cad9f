"""Options of the indexer (``MONTAGE_INDEX__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IndexSettings(BaseModel):
    """How the indexer splits footage into shots and how hard it works."""

    workers: int = Field(default=2, ge=1, le=64, description="Files analysed in parallel.")
    detector_threshold: float = Field(default=27.0, description="PySceneDetect ContentDetector threshold.")
    min_shot_s: float = Field(default=0.5, gt=0)
    max_shot_s: float = Field(default=8.0, gt=0, description="Longer shots are split into sub-shots.")
    analysis_width: int = Field(default=192, ge=32, description="Frame width used for shot detection.")
    keyframe_candidates_per_second: float = Field(default=2.0, gt=0)
    keyframe_width: int = Field(default=384, ge=64)
    probe_timeout_s: float = Field(default=30.0, gt=0)
    file_parts: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Time ranges of a long file (at least 2 minutes) analysed at once, each by its own "
        "decoder: 0 = one per CPU, 1 = one pass. Speed only: the shots are the same whatever the number.",
    )
