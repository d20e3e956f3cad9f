"""Sizes of the analysis and keyframe images, and turning decoded frames upright.

Decoded frames come out in coded orientation with non-square pixels when the sample aspect ratio (SAR)
is not 1:1. The analysis frames keep the coded orientation (rotation does not change cut scores or the
per-frame measures) but are scaled to the display aspect. Keyframes are scaled so that, after turning
them upright, they are ``keyframe_width`` wide at the display aspect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from montage.media.info import MediaInfo


@dataclass(frozen=True)
class FrameGeometry:
    """Target sizes for one video: ``*_size`` are ``(width, height)`` in coded orientation."""

    analysis_size: tuple[int, int]
    keyframe_decode_size: tuple[int, int]
    keyframe_size: tuple[int, int]
    rotation: int


def frame_geometry(info: MediaInfo, analysis_width: int, keyframe_width: int) -> FrameGeometry:
    """Compute the analysis and keyframe sizes for ``info``'s video stream.

    Sides are rounded to even numbers (at least 2) so 4:2:0 scaling and conversion accept them.
    """
    rotation = info.rotation if info.rotation in (0, 90, 180, 270) else 0
    quarter = rotation in (90, 270)
    # Display aspect of the frame before it is turned upright.
    unrotated_w, unrotated_h = (
        (info.display_height, info.display_width) if quarter else (info.display_width, info.display_height)
    )
    aspect = unrotated_w / unrotated_h
    analysis_w = min(_even(analysis_width), _even(unrotated_w))
    analysis_size = (analysis_w, _even(analysis_w / aspect))
    upright_aspect = info.display_width / info.display_height
    keyframe_size = (_even(keyframe_width), _even(keyframe_width / upright_aspect))
    keyframe_decode_size = (keyframe_size[1], keyframe_size[0]) if quarter else keyframe_size
    return FrameGeometry(analysis_size, keyframe_decode_size, keyframe_size, rotation)


def upright(pixels: NDArray[np.uint8], rotation: int) -> NDArray[np.uint8]:
    """Turn an image array (rows, columns[, channels]) clockwise by ``rotation`` degrees."""
    turns = (rotation // 90) % 4
    if turns == 0:
        return pixels
    return np.ascontiguousarray(np.rot90(pixels, k=-turns))


def _even(value: float) -> int:
    return max(2, round(value / 2.0) * 2)
