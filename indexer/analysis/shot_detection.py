"""Cut detection on already-decoded frames (PySceneDetect's content score and merge filter), and shot ranges.

The detector is fed the small BGR analysis frames directly (PySceneDetect's own video backends are not
used, so every frame is decoded exactly once). Its score is PySceneDetect ``ContentDetector``'s with its
default weights: the mean absolute change of hue, saturation and value between consecutive frames
(0-255), averaged over the three. It is computed here with one HSV difference and one per-channel sum
(three times cheaper than ``ContentDetector``, which splits the channels and widens each to int32; the
sums are exact integers, so the score is the same number: ``tests/indexer/analysis`` compares them frame
by frame). A cut is reported where the score reaches ``threshold`` and at least ``min_shot_s`` passed
since the previous cut, by PySceneDetect's own merge filter (``FlashFilter`` in MERGE mode, as
``ContentDetector`` uses it).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from fractions import Fraction
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray
from scenedetect import FrameTimecode
from scenedetect.detector import FlashFilter

FALLBACK_FPS = Fraction(25)
"""Rate used for detector timecodes when a stream has no known frame rate."""


class ContentScorer:
    """Feed frames in order; each gets ContentDetector's score against the frame before (0 for the first)."""

    def __init__(self) -> None:
        self._previous: NDArray[np.uint8] | None = None

    def score(self, bgr: NDArray[np.uint8]) -> float:
        """ContentDetector's frame score: mean |change| of H, S and V to the previous frame, averaged."""
        hsv = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV), dtype=np.uint8)
        previous, self._previous = self._previous, hsv
        if previous is None or previous.shape != hsv.shape:
            return 0.0
        pixels = float(hsv.shape[0] * hsv.shape[1])
        hue, saturation, value, _ = cv2.sumElems(cv2.absdiff(hsv, previous))
        return float(hue / pixels + saturation / pixels + value / pixels) / 3.0


class CutTracker:
    """PySceneDetect's merge filter (``FlashFilter`` in MERGE mode, as ``ContentDetector`` uses it) fed one
    frame at a time: :meth:`feed` returns the frame numbers of the cuts it decides on at that frame."""

    def __init__(self, *, min_shot_s: float, fps: Fraction | None) -> None:
        self._rate = fps if fps is not None and fps > 0 else FALLBACK_FPS
        self._flash = FlashFilter(mode=FlashFilter.Mode.MERGE, length=float(min_shot_s))

    def feed(self, number: int, above: bool) -> list[int]:
        """Frame ``number``, whose score did (``above``) or did not reach the threshold; the cuts decided."""
        return [cut.frame_num for cut in self._flash.filter(FrameTimecode(number, fps=self._rate), above)]


def cut_frames(
    numbers: Sequence[int], above: Sequence[bool], *, min_shot_s: float, fps: Fraction | None
) -> list[int]:
    """Frame numbers at which new shots start, from each frame's number and whether its score reached
    the threshold, through PySceneDetect's merge filter (as ``ContentDetector`` uses it)."""
    tracker = CutTracker(min_shot_s=min_shot_s, fps=fps)
    cuts: list[int] = []
    for number, is_above in zip(numbers, above, strict=True):
        cuts += tracker.feed(number, is_above)
    return cuts


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
