"""Keyframe candidates: when to sample them during the decode pass, how to keep them, which one wins.

Candidates are sampled ``per_second`` times a second, on a grid that restarts at every detected cut
(the first candidate of a shot is taken ``AFTER_CUT_FRAMES`` frames after the cut, past any transition
frame). Each candidate is rendered upright at keyframe size, measured (variance of the Laplacian of its
gray picture) and kept as a JPEG (quality 95) so a long shot costs tens of kilobytes per second, not
megabytes. Within a shot still being decoded only the best candidate per ``bucket_s`` window is kept;
once a shot is closed by a cut, only the winner of each of its (sub-)shots is kept.

The winner of a shot is its sharpest candidate that is not a black frame; when every candidate is black
the middle one is used so the shot still has a picture.
"""

from __future__ import annotations

import io
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

AFTER_CUT_FRAMES = 2
"""A new shot's first candidate is taken this many frames after the cut."""
JPEG_QUALITY = 95


@dataclass(frozen=True)
class KeyframeCandidate:
    """A sampled frame: decoded-frame ``index``, ``time_s``, its sharpness and whether it is black."""

    index: int
    time_s: float
    sharpness: float
    black: bool
    jpeg: bytes

    def image(self) -> Image.Image:
        """Decode the stored picture (RGB)."""
        with Image.open(io.BytesIO(self.jpeg)) as image:
            rgb: Image.Image = image.convert("RGB")
        return rgb

    def beats(self, other: KeyframeCandidate) -> bool:
        """True when this candidate is a better keyframe than ``other`` (not black first, then sharper)."""
        return (not self.black, self.sharpness) > (not other.black, other.sharpness)


def laplacian_variance(gray: NDArray[np.uint8]) -> float:
    """Variance of the Laplacian of a gray image: high for crisp detail, low for blur or flat pictures."""
    _, deviation = cv2.meanStdDev(cv2.Laplacian(gray, cv2.CV_32F))
    return float(deviation[0][0]) ** 2


def make_candidate(index: int, time_s: float, rgb: NDArray[np.uint8], *, black: bool) -> KeyframeCandidate:
    """Measure and compress an upright RGB keyframe picture."""
    sharpness = laplacian_variance(np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8))
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return KeyframeCandidate(index, time_s, sharpness, black, buffer.getvalue())


def best_candidate(candidates: Iterable[KeyframeCandidate]) -> KeyframeCandidate | None:
    """Return the sharpest non-black candidate, or the middle one if all are black, or None."""
    ordered = sorted(candidates, key=lambda c: c.index)
    if not ordered:
        return None
    lit = [c for c in ordered if not c.black]
    if not lit:
        return ordered[len(ordered) // 2]
    best = lit[0]
    for candidate in lit[1:]:
        if candidate.beats(best):
            best = candidate
    return best


class CandidateSchedule:
    """Decides, frame by frame, whether to sample a keyframe candidate."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second
        self._next_time: float | None = None
        self._take_at_index: int | None = 0

    def restart_at_cut(self, cut_index: int) -> None:
        """A new shot starts at decoded frame ``cut_index``: sample shortly after it, then on a new grid."""
        self._take_at_index = cut_index + AFTER_CUT_FRAMES
        self._next_time = None

    def due(self, index: int, time_s: float) -> bool:
        """Return True when the frame at ``index``/``time_s`` should become a candidate."""
        if self._take_at_index is not None:
            if index < self._take_at_index:
                return False
            self._take_at_index = None
            self._next_time = time_s + self._interval
            return True
        if self._next_time is not None and time_s >= self._next_time - 1e-6:
            self._next_time += self._interval
            if self._next_time <= time_s:  # a gap in the timestamps: continue the grid from here
                self._next_time = time_s + self._interval
            return True
        return False


class CandidatePool:
    """Holds the candidates that can still become keyframes; see the module docstring for pruning."""

    def __init__(self, bucket_s: float) -> None:
        self._bucket_s = bucket_s
        self._closed: list[KeyframeCandidate] = []
        self._open: dict[int, KeyframeCandidate] = {}
        self._open_start_s = 0.0
        self._sampled_index: list[int] = []
        self._sampled_sharpness: list[float] = []
        self._sampled_black: list[bool] = []

    def add(self, candidate: KeyframeCandidate) -> None:
        """Offer a candidate of the shot being decoded (candidates come in frame order)."""
        self._sampled_index.append(candidate.index)
        self._sampled_sharpness.append(candidate.sharpness)
        self._sampled_black.append(candidate.black)
        self._hold(candidate)

    def _hold(self, candidate: KeyframeCandidate) -> None:
        bucket = int((candidate.time_s - self._open_start_s) // self._bucket_s)
        held = self._open.get(bucket)
        if held is None or candidate.beats(held):
            self._open[bucket] = candidate

    def close_shot(self, cut_index: int, cut_time_s: float, ranges: Sequence[tuple[int, int]]) -> None:
        """A cut at ``cut_index`` closed the open shot, made of ``ranges``: keep one winner per range."""
        before = [c for c in self._open.values() if c.index < cut_index]
        after = [c for c in self._open.values() if c.index >= cut_index]
        for start, end in ranges:
            winner = best_candidate(c for c in before if start <= c.index < end)
            if winner is not None:
                self._closed.append(winner)
        self._open_start_s = cut_time_s
        self._open = {}
        for candidate in sorted(after, key=lambda c: c.index):
            self._hold(candidate)

    def in_range(self, start: int, end: int) -> list[KeyframeCandidate]:
        """Candidates kept for decoded frames ``[start, end)``."""
        keys = [c.index for c in self._closed]
        closed = self._closed[bisect_left(keys, start) : bisect_left(keys, end)]
        return closed + [c for c in self._open.values() if start <= c.index < end]

    def sharpness_in_range(self, start: int, end: int) -> list[float]:
        """Sharpness of every candidate ever sampled in ``[start, end)`` that was not black."""
        lo, hi = bisect_left(self._sampled_index, start), bisect_left(self._sampled_index, end)
        return [
            s
            for s, black in zip(self._sampled_sharpness[lo:hi], self._sampled_black[lo:hi], strict=True)
            if not black
        ]
