"""Keyframe candidates: which frames to sample, how to keep them, which one wins.

Whether a frame is sampled depends only on the frame and the few before it, never on cuts found earlier,
so a time range of a file can be analysed on its own and give the candidates a single pass would
(:mod:`indexer.analyze` runs the ranges of a long file at once). A frame is sampled when it is the
first at or after a mark of the absolute ``per_second`` grid (every 0.5 s by default), and
``AFTER_CUT_FRAMES`` frames after a *possible cut* — the first frame of a run of frames whose cut score
reaches the threshold; every real cut is such a frame, and the sample lands past any transition frame.

Each candidate is rendered upright at keyframe size, measured (variance of the Laplacian of its gray
picture) and kept as a JPEG (quality 95), so a long shot costs tens of kilobytes per second, not
megabytes. Only the best candidate of each *slot* is kept: a slot is one ``bucket_s`` window of the
absolute clock, cut again at every possible cut inside it, so a short shot never loses its candidates
to its neighbour. The winner of a shot is its sharpest kept candidate that is not a black frame; when
every candidate is black the middle one is used so the shot still has a picture.
"""

from __future__ import annotations

import io
import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace

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


def on_sampling_grid(previous_time_s: float | None, time_s: float, per_second: float) -> bool:
    """True for the first frame at or after a mark of the absolute sampling grid (and the first frame)."""
    if previous_time_s is None:
        return True
    return math.floor(time_s * per_second) > math.floor(previous_time_s * per_second)


def slot_bucket(time_s: float, bucket_s: float) -> int:
    """The number of the ``bucket_s`` window of the absolute clock that ``time_s`` falls in."""
    return math.floor(time_s / bucket_s)


Slot = tuple[int, int]
"""(bucket number, index of the latest possible cut inside that bucket at or before the frame, or -1)."""


class CandidatePool:
    """The best candidate of each slot, and every sampled candidate's sharpness (for shot quality).

    Candidates come in frame order. :meth:`extend` appends a pool of the next frames (a later time range
    of the same file, its indexes shifted), keeping exactly what one pool fed all candidates would.
    """

    def __init__(self) -> None:
        self._kept: dict[Slot, KeyframeCandidate] = {}
        self._sampled_index: list[int] = []
        self._sampled_sharpness: list[float] = []
        self._sampled_black: list[bool] = []
        self._sorted: list[KeyframeCandidate] | None = None
        self._sorted_index: list[int] = []

    def add(self, candidate: KeyframeCandidate, slot: Slot) -> None:
        """Offer a candidate sampled in ``slot``; it is kept when it beats the slot's current one."""
        self._sampled_index.append(candidate.index)
        self._sampled_sharpness.append(candidate.sharpness)
        self._sampled_black.append(candidate.black)
        self._keep(candidate, slot)

    def extend(self, later: CandidatePool, offset: int) -> None:
        """Append ``later``'s candidates (frames after all of this pool's), indexes moved by ``offset``."""
        for slot, candidate in later.kept():
            self._keep(replace(candidate, index=candidate.index + offset), slot)
        self._sampled_index += [index + offset for index in later._sampled_index]
        self._sampled_sharpness += later._sampled_sharpness
        self._sampled_black += later._sampled_black

    def _keep(self, candidate: KeyframeCandidate, slot: Slot) -> None:
        """Hold ``candidate`` for ``slot`` when it beats the one held (the earlier wins a tie)."""
        held = self._kept.get(slot)
        if held is None or candidate.beats(held):
            self._kept[slot] = candidate
            self._sorted = None

    def kept(self) -> list[tuple[Slot, KeyframeCandidate]]:
        """The kept candidates with their slots, in frame order."""
        return sorted(self._kept.items(), key=lambda item: item[1].index)

    def in_range(self, start: int, end: int) -> list[KeyframeCandidate]:
        """Kept candidates of decoded frames ``[start, end)``."""
        if self._sorted is None:
            self._sorted = sorted(self._kept.values(), key=lambda c: c.index)
            self._sorted_index = [c.index for c in self._sorted]
        keys = self._sorted_index
        return self._sorted[bisect_left(keys, start) : bisect_left(keys, end)]

    def sharpness_in_range(self, start: int, end: int) -> list[float]:
        """Sharpness of every candidate ever sampled in ``[start, end)`` that was not black."""
        lo, hi = bisect_left(self._sampled_index, start), bisect_left(self._sampled_index, end)
        return [
            s
            for s, black in zip(self._sampled_sharpness[lo:hi], self._sampled_black[lo:hi], strict=True)
            if not black
        ]
