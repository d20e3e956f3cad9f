"""Cut detection with PySceneDetect's ContentDetector on already-decoded frames, and shot ranges.

The detector is fed the small BGR analysis frames directly (PySceneDetect's own video backends are not
used, so every frame is decoded exactly once). Its score is the mean change of hue, saturation and value
between consecutive frames (0-255); a cut is reported where the score reaches ``threshold`` and at least
``min_shot_s`` passed since the previous cut (PySceneDetect's merge filter).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from fractions import Fraction
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scenedetect import ContentDetector, FrameTimecode

FALLBACK_FPS = Fraction(25)
"""Rate used for detector timecodes when a stream has no known frame rate."""


class CutDetector:
    """Feed frames in order; get back the frame numbers at which new shots start."""

    def __init__(self, *, threshold: float, min_shot_s: float, fps: Fraction | None) -> None:
        self._fps = fps if fps is not None and fps > 0 else FALLBACK_FPS
        self._detector = ContentDetector(threshold=threshold, min_scene_len=float(min_shot_s))
        self._last: FrameTimecode | None = None

    def feed(self, frame_number: int, bgr: NDArray[np.uint8]) -> list[int]:
        """Process the next frame; return frame numbers of newly found cuts (first frame of a new shot)."""
        timecode = FrameTimecode(frame_number, fps=self._fps)
        self._last = timecode
        return [cut.frame_num for cut in self._detector.process_frame(timecode, bgr)]

    def finish(self) -> list[int]:
        """Flush cuts the detector still holds after the last frame."""
        if self._last is None:
            return []
        return [cut.frame_num for cut in self._detector.post_process(self._last)]


def shot_ranges(cut_indices: Sequence[int], frame_count: int) -> list[tuple[int, int]]:
    """Turn cut positions (indexes of first frames of new shots) into ``[start, end)`` index ranges."""
    starts = sorted({i for i in cut_indices if 0 < i < frame_count})
    bounds = [0, *starts, frame_count]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def split_long_shot(
    start: int, end: int, times: Sequence[float], end_time_s: float, max_shot_s: float
) -> list[tuple[int, int]]:
    """Split frames ``[start, end)`` into near-equal parts no longer than ``max_shot_s`` seconds.

    ``times`` are the frames' times; ``end_time_s`` is when frame ``end - 1`` stops showing. A shot of
    length ``L`` becomes ``ceil(L / max_shot_s)`` parts, each cut at the first frame at or after
    ``start + k·L/n``; parts never come out empty.
    """
    first = times[start]
    length = end_time_s - first
    parts = math.ceil(length / max_shot_s - 1e-9) if length > max_shot_s else 1
    if parts <= 1:
        return [(start, end)]
    bounds = [start]
    for k in range(1, parts):
        boundary = first + k * length / parts
        at = bisect_left(times, boundary - 1e-9, lo=bounds[-1] + 1, hi=end)
        if bounds[-1] < at < end:
            bounds.append(at)
    bounds.append(end)
    return list(pairwise(bounds))
