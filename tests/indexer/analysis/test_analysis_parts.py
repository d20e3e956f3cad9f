"""Pure parts of the analysis: shot ranges and splits, keyframe candidates, geometry, quality, timing."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from indexer.analysis.frame_geometry import frame_geometry, upright
from indexer.analysis.keyframes import (
    CandidatePool,
    KeyframeCandidate,
    best_candidate,
    make_candidate,
    on_sampling_grid,
    slot_bucket,
)
from indexer.analysis.prefetch import prefetch
from indexer.analysis.quality import exposure_term, motion_term, shot_quality
from indexer.analysis.shot_detection import shot_ranges, split_long_shot
from indexer.analysis.timing import timestamps_are_variable
from indexer.analysis_types import AnalysisOptions
from montage.media.info import MediaInfo, display_size


def _info(width: int, height: int, *, sar: tuple[int, int] = (1, 1), rotation: int = 0) -> MediaInfo:
    dw, dh = display_size(width, height, sar, rotation)
    return MediaInfo(
        path=Path("x.mp4"), container="mp4", duration_s=1.0, video_codec="h264", width=width,
        height=height, display_width=dw, display_height=dh, fps=(25, 1), avg_fps=(25, 1), is_vfr=False,
        rotation=rotation, sar=sar,
    )  # fmt: skip


def test_shot_ranges_cover_all_frames() -> None:
    assert shot_ranges([40, 90], 130) == [(0, 40), (40, 90), (90, 130)]
    assert shot_ranges([], 10) == [(0, 10)]
    assert shot_ranges([0, 5, 5, 12], 10) == [(0, 5), (5, 10)]


def test_split_long_shot_near_equal_parts() -> None:
    times = [i / 25 for i in range(500)]  # 20 s at 25 fps
    parts = split_long_shot(0, 500, times, 20.0, 8.0)
    assert parts == [(0, 167), (167, 334), (334, 500)]
    assert split_long_shot(0, 200, times, 8.0, 8.0) == [(0, 200)]  # exactly the maximum: kept whole
    assert split_long_shot(100, 150, times, 6.0, 8.0) == [(100, 150)]


def test_split_long_shot_with_uneven_timestamps() -> None:
    # 10 frames over 0-1 s then 10 frames over 1-10 s: splitting goes by time, not by frame count.
    times = [i * 0.1 for i in range(10)] + [1.0 + i * 0.9 for i in range(10)]
    parts = split_long_shot(0, 20, times, 10.0, 4.0)
    assert len(parts) == 3
    assert [times[start] for start, _ in parts] == pytest.approx([0.0, 3.7, 7.3])


def test_sampling_grid_is_absolute() -> None:
    times = [i / 25 for i in range(100)]
    taken = [i for i in range(100) if on_sampling_grid(times[i - 1] if i else None, times[i], 2.0)]
    assert taken == [0, 13, 25, 38, 50, 63, 75, 88]  # every 0.5 s (first frame at or after each mark)
    # The same marks whatever frame a pass starts from: a range starting at frame 40 sees frame 39 first.
    assert [i for i in range(40, 100) if on_sampling_grid(times[i - 1], times[i], 2.0)] == taken[4:]
    assert slot_bucket(0.99, 1.0) == 0 and slot_bucket(1.0, 1.0) == 1


def _candidate(index: int, sharpness: float, *, black: bool = False) -> KeyframeCandidate:
    """A real candidate (8×8 picture at 25 fps timing) with the sharpness the test needs."""
    candidate = make_candidate(index, index / 25, np.zeros((8, 8, 3), dtype=np.uint8), black=black)
    return dataclasses.replace(candidate, sharpness=sharpness)


def test_best_candidate_prefers_sharp_and_lit() -> None:
    assert best_candidate([]) is None
    chosen = best_candidate([_candidate(0, 900, black=True), _candidate(1, 50), _candidate(2, 80)])
    assert chosen is not None and chosen.index == 2
    all_black = best_candidate([_candidate(i, 0, black=True) for i in range(5)])
    assert all_black is not None and all_black.index == 2


def test_pool_keeps_the_best_of_each_slot() -> None:
    pool = CandidatePool()
    for index, sharp, slot in [(0, 10, (0, -1)), (12, 30, (0, -1)), (20, 5, (0, 20)), (25, 20, (1, -1))]:
        pool.add(_candidate(index, sharp), slot)
    # 0 lost its slot to 12; the possible cut at 20 opened a new slot in the same second.
    assert [c.index for c in pool.in_range(0, 30)] == [12, 20, 25]
    assert pool.sharpness_in_range(0, 30) == [10, 30, 5, 20]


def test_pool_extended_by_a_later_range_is_the_pool_of_one_pass() -> None:
    offers = [(0, 10, (0, -1)), (12, 30, (0, -1)), (25, 20, (1, -1)), (30, 40, (1, -1)), (40, 1, (1, -1))]
    whole = CandidatePool()
    for index, sharp, slot in offers:
        whole.add(_candidate(index, sharp), slot)
    first, second = CandidatePool(), CandidatePool()
    for index, sharp, slot in offers[:3]:
        first.add(_candidate(index, sharp), slot)
    for index, sharp, slot in offers[3:]:  # the second range's own indexes start at 0 (frame 28)
        second.add(dataclasses.replace(_candidate(index - 28, sharp), time_s=index / 25), slot)
    first.extend(second, 28)
    assert [(c.index, c.sharpness) for c in first.in_range(0, 99)] == [
        (c.index, c.sharpness) for c in whole.in_range(0, 99)
    ]
    assert first.sharpness_in_range(0, 99) == whole.sharpness_in_range(0, 99)


def test_frame_geometry_rotation_and_sar() -> None:
    plain = frame_geometry(_info(1280, 720), 192, 384)
    assert plain.analysis_size == (192, 108) and plain.keyframe_size == (384, 216)
    rotated = frame_geometry(_info(1280, 720, rotation=90), 192, 384)
    assert rotated.keyframe_size == (384, 682) and rotated.keyframe_decode_size == (682, 384)
    assert rotated.analysis_size == (192, 108)
    anamorphic = frame_geometry(_info(704, 576, sar=(16, 11)), 192, 384)
    assert anamorphic.keyframe_size == (384, 216) and anamorphic.analysis_size == (192, 108)
    image = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert upright(image, 90).tolist() == [[3, 0], [4, 1], [5, 2]]  # clockwise
    assert upright(image, 270).tolist() == [[2, 5], [1, 4], [0, 3]]


def test_quality_formula() -> None:
    good = shot_quality(sharpness=400, brightness=0.45, black_fraction=0.0, motion=2.0, duration_s=4.0)
    assert good.score > 0.95
    black = shot_quality(sharpness=400, brightness=0.45, black_fraction=1.0, motion=2.0, duration_s=4.0)
    assert black.score == 0.0
    blurry = shot_quality(sharpness=10, brightness=0.45, black_fraction=0.0, motion=2.0, duration_s=4.0)
    shaky = shot_quality(sharpness=400, brightness=0.45, black_fraction=0.0, motion=40.0, duration_s=4.0)
    short = shot_quality(sharpness=400, brightness=0.45, black_fraction=0.0, motion=2.0, duration_s=0.5)
    for worse in (blurry, shaky, short):
        assert 0.0 < worse.score < good.score
    assert exposure_term(0.02) == 0.0 and exposure_term(0.5) == 1.0 and exposure_term(0.99) == 0.0
    assert motion_term(0.0) == 0.75 and motion_term(4.0) == 1.0 and motion_term(50.0) == 0.2


def test_variable_timestamps() -> None:
    regular = [i / 25 for i in range(200)]
    assert not timestamps_are_variable(regular, Fraction(25))
    one_gap = [t + (0.04 if i > 50 else 0.0) for i, t in enumerate(regular)]
    assert not timestamps_are_variable(one_gap, Fraction(25))  # 1 odd interval in 199: under 1 %
    three_gaps = [t + 0.04 * sum(i > k for k in (50, 100, 150)) for i, t in enumerate(regular)]
    assert timestamps_are_variable(three_gaps, Fraction(25))
    millisecond_ntsc = [round(i * 1001 / 30) / 1000 for i in range(200)]
    assert not timestamps_are_variable(millisecond_ntsc, Fraction(30000, 1001))
    mixed = [i / 25 for i in range(50)] + [2.0 + i / 10 for i in range(50)]
    assert timestamps_are_variable(mixed, Fraction(25))


def test_options_defaults_are_documented_values() -> None:
    options = AnalysisOptions()
    assert (options.threshold, options.min_shot_s, options.max_shot_s) == (27.0, 0.5, 8.0)
    assert (options.analysis_width, options.keyframe_width, options.keyframe_candidates_per_second) == (
        192,
        384,
        2.0,
    )
    with pytest.raises(ValueError):
        AnalysisOptions(analysis_width=8)


def test_prefetch_keeps_order_raises_and_stops_early() -> None:
    assert list(prefetch((n for n in range(100)), depth=4)) == list(range(100))

    def failing() -> Generator[int, None, None]:
        yield 1
        raise RuntimeError("decoder broke")

    consumed: list[int] = []
    with pytest.raises(RuntimeError, match="decoder broke"):
        for item in prefetch(failing()):
            consumed.append(item)
    assert consumed == [1]

    closed: list[bool] = []

    def endless() -> Generator[int, None, None]:
        try:
            number = 0
            while True:
                yield number
                number += 1
        finally:
            closed.append(True)

    stream = prefetch(endless(), depth=2)
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert isinstance(stream, Generator)
    stream.close()
    assert closed == [True]
