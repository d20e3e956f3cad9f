"""Cheap per-frame measures on the small analysis frames: brightness, black frames, motion.

All three work on the gray (luma) version of the BGR analysis frame, so each frame costs a few tens of
microseconds. A frame is *black* when at least 98 % of its pixels are darker than 32/255 (the same idea as
ffmpeg's ``blackdetect`` with ``pix_th=0.125``). *Motion* is the mean absolute luma difference to the
previous frame (0-255), 0 for the first frame.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

BLACK_PIXEL_LEVEL = 32
"""Pixels with luma below this (0-255) count as black."""
BLACK_FRAME_SHARE = 0.98
"""A frame with at least this share of black pixels is a black frame."""


@dataclass(frozen=True)
class FrameMeasures:
    """Per-frame series, indexed like the decoded frames."""

    brightness: NDArray[np.float64]
    black: NDArray[np.bool_]
    motion: NDArray[np.float64]

    @staticmethod
    def joined(parts: Sequence[FrameMeasures]) -> FrameMeasures:
        """The series of consecutive runs of frames, one after the other."""
        return FrameMeasures(
            brightness=np.concatenate([part.brightness for part in parts]),
            black=np.concatenate([part.black for part in parts]),
            motion=np.concatenate([part.motion for part in parts]),
        )


class FrameMeasurer:
    """Accumulates measures frame by frame; ``result()`` returns them as arrays."""

    def __init__(self) -> None:
        self._brightness = array("d")
        self._black = array("b")
        self._motion = array("d")
        self._previous: NDArray[np.uint8] | None = None

    def add(self, bgr: NDArray[np.uint8], *, record: bool = True) -> bool:
        """Measure the next frame; return True when it is a black frame.

        ``record=False`` only makes it the previous frame of the next one (motion), unrecorded.
        """
        gray: NDArray[np.uint8] = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        black = np.count_nonzero(gray < BLACK_PIXEL_LEVEL) >= BLACK_FRAME_SHARE * gray.size
        previous, self._previous = self._previous, gray
        if not record:
            return bool(black)
        self._brightness.append(cv2.mean(gray)[0] / 255.0)
        self._black.append(1 if black else 0)
        if previous is None or previous.shape != gray.shape:
            self._motion.append(0.0)
        else:
            self._motion.append(cv2.mean(cv2.absdiff(gray, previous))[0])
        return bool(black)

    def result(self) -> FrameMeasures:
        """Return the series measured so far."""
        return FrameMeasures(
            brightness=np.frombuffer(self._brightness, dtype=np.float64).copy(),
            black=np.frombuffer(self._black, dtype=np.int8).astype(bool),
            motion=np.frombuffer(self._motion, dtype=np.float64).copy(),
        )
