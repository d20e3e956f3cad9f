"""Times on the output frame grid, so cuts fall between frames and segment lengths add up exactly."""

from __future__ import annotations


def frame_index(time_s: float, fps: float) -> int:
    """The frame boundary nearest to ``time_s``."""
    return round(time_s * fps)


def snap_to_frame(time_s: float, fps: float) -> float:
    """``time_s`` moved to the nearest frame boundary (rounded to microseconds for stable output)."""
    return round(frame_index(time_s, fps) / fps, 6)
