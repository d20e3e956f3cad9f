"""What montage knows about a media file after probing it: plain, immutable data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

Rational = tuple[int, int]
"""An exact rational number as ``(numerator, denominator)``, e.g. ``(30000, 1001)``."""


@dataclass(frozen=True)
class MediaInfo:
    """Facts about one media file, as probed (:mod:`montage.media.probe`).

    ``width``/``height`` are the coded frame size. ``display_width``/``display_height`` are the size a
    player shows: the width is stretched by the sample aspect ratio (``sar``), then both are swapped when
    ``rotation`` is 90 or 270. ``rotation`` is the clockwise turn (0, 90, 180, 270 degrees) that makes a
    decoded frame upright — the same turn ``ffmpeg`` applies when it auto-rotates.

    ``fps`` is the stream's nominal frame rate (``r_frame_rate``) and ``avg_fps`` the average rate
    (frames / duration); both are exact rationals or ``None`` when unknown. Times in montage (shot start
    and end, keyframe times) are seconds from ``start_time_s``, the container's start, which is where
    ``ffmpeg -ss 0`` begins; ``video_start_time_s`` is when the video stream's first frame is shown (on the
    same clock as ``start_time_s``) and ``video_duration_s`` how long the video stream lasts.
    """

    path: Path
    container: str
    duration_s: float | None
    video_codec: str
    width: int
    height: int
    display_width: int
    display_height: int
    fps: Rational | None
    avg_fps: Rational | None
    is_vfr: bool
    rotation: int = 0
    sar: Rational = (1, 1)
    has_audio: bool = False
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    audio_channels: int | None = None
    nb_frames: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    subtitle_streams: int = 0
    start_time_s: float = 0.0
    video_start_time_s: float = 0.0
    video_duration_s: float | None = None

    @property
    def video_end_s(self) -> float | None:
        """When the video stream ends, in seconds from the container start (``None`` when unknown)."""
        if self.video_duration_s is not None:
            return max(0.0, self.video_start_time_s - self.start_time_s) + self.video_duration_s
        return self.duration_s

    @property
    def fps_value(self) -> float | None:
        """The nominal frame rate as a float, or ``None`` when unknown."""
        return None if self.fps is None else self.fps[0] / self.fps[1]

    @property
    def sar_fraction(self) -> Fraction:
        """The sample (pixel) aspect ratio as a ``Fraction``."""
        return Fraction(self.sar[0], self.sar[1])

    @property
    def display_aspect(self) -> float:
        """Width / height of the upright picture as a player shows it."""
        return self.display_width / self.display_height


def display_size(width: int, height: int, sar: Rational, rotation: int) -> tuple[int, int]:
    """Return the upright display size of a ``width``×``height`` frame with sample aspect ``sar``.

    Like ffmpeg, anamorphic frames are stretched horizontally (the height is kept); a 90/270 degree
    rotation swaps the two sides.
    """
    num, den = sar
    shown_width = round(width * num / den) if num > 0 and den > 0 else width
    if rotation in (90, 270):
        return height, shown_width
    return shown_width, height
