"""Options and results of the one-pass video analysis (shots, keyframes, quality)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from montage.media.info import MediaInfo


class AnalysisOptions(BaseModel):
    """How a video is cut into shots and how its keyframes are chosen (defaults are documented values)."""

    model_config = ConfigDict(frozen=True)

    threshold: float = Field(
        default=27.0,
        gt=0,
        description="PySceneDetect ContentDetector threshold on the mean HSV change between frames (0-255).",
    )
    min_shot_s: float = Field(default=0.5, ge=0, description="No cut closer than this to the last cut.")
    max_shot_s: float = Field(
        default=8.0, gt=0, description="Longer shots are split into near-equal sub-shots."
    )
    analysis_width: int = Field(
        default=192, ge=32, le=1920, description="Width of the frames the detector sees."
    )
    keyframe_candidates_per_second: float = Field(
        default=2.0, gt=0, le=30, description="Keyframe candidates sampled per second of each shot."
    )
    keyframe_width: int = Field(
        default=384, ge=64, le=3840, description="Width of the upright keyframe image."
    )
    decode_threads: int = Field(
        default=2, ge=1, le=16, description="Decoder threads for a file analysed in one pass."
    )
    parts: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Time ranges of a long file analysed at once, one single-threaded decoder each "
        "(0 = one per CPU, 1 = always one pass). The result is the same whatever the number.",
    )
    min_part_s: float = Field(
        default=60.0, ge=0, description="Shortest time range a file is cut into (0 = never cut)."
    )


@dataclass(frozen=True)
class ShotQuality:
    """Measured properties of a shot and the quality score derived from them (see docs/indexing.md).

    ``sharpness`` is the median variance of the Laplacian of the keyframe candidates (gray, at keyframe
    width), ``brightness`` the mean luma in [0, 1], ``black_fraction`` the share of near-black frames,
    ``motion`` the mean absolute luma change between consecutive frames (0-255 scale, analysis size),
    ``score`` the combined quality in [0, 1].
    """

    sharpness: float
    brightness: float
    black_fraction: float
    motion: float
    score: float


@dataclass(frozen=True)
class ShotAnalysis:
    """One shot: frames ``[start_frame, end_frame)`` and times ``[start_s, end_s)`` of the source.

    Frame numbers count from the video stream's first frame at its nominal rate; times are seconds from
    the container start, taken from presentation timestamps (so they are right for VFR sources too).
    ``keyframe`` is an upright RGB image at display aspect, ``None`` only if no frame of the shot could be
    sampled; ``phash`` is its 64-bit DCT perceptual hash (0 without keyframe).
    """

    index: int
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    keyframe: Image.Image | None
    keyframe_time_s: float | None
    quality: ShotQuality
    phash: int
    activity: tuple[float, ...] = ()
    """Mean motion per ``ACTIVITY_STEP_S`` of the shot (``montage.media.shot_activity``)."""

    @property
    def duration_s(self) -> float:
        """Length of the shot in seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class VideoAnalysis:
    """The result of analysing one video file in a single decode pass.

    ``info`` is the probe result, with ``is_vfr`` set when the decoded timestamps proved the rate variable.
    ``partial`` is True when only part of the file could be decoded (``partial_reason`` says why).
    ``decode_seconds`` is the wall time of the whole analysis.
    """

    info: MediaInfo
    shots: list[ShotAnalysis]
    frames_decoded: int
    partial: bool
    decode_errors: int
    decode_seconds: float
    partial_reason: str | None = None
    ranges: int = 1
    """How many time ranges were decoded at once (1: one pass)."""
