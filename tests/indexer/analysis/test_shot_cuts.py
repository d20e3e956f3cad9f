"""Cuts, shot boundaries, sub-shot splitting and VFR timing on clips with known cut points."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from indexer.analysis_types import AnalysisOptions, VideoAnalysis
from indexer.analyze import analyze_video
from montage.media.probe import probe


def _analyze(path: Path, **options: float) -> VideoAnalysis:
    return analyze_video(path, probe(path), AnalysisOptions(**options))  # type: ignore[arg-type]


def _assert_contiguous(analysis: VideoAnalysis) -> None:
    shots = analysis.shots
    assert shots[0].start_frame == 0
    assert [s.index for s in shots] == list(range(len(shots)))
    for before, after in pairwise(shots):
        assert before.end_frame == after.start_frame
        assert before.end_s == pytest.approx(after.start_s)
    for shot in shots:
        assert shot.end_frame > shot.start_frame
        assert shot.end_s > shot.start_s


@pytest.mark.parametrize(
    ("fixture", "cuts", "frames", "fps"),
    [("three_shots_25", [40, 90], 130, 25.0), ("three_shots_ntsc", [45, 75], 120, 30000 / 1001)],
)
def test_cuts_found_within_one_frame(
    request: pytest.FixtureRequest, fixture: str, cuts: list[int], frames: int, fps: float
) -> None:
    path: Path = request.getfixturevalue(fixture)
    analysis = _analyze(path)
    assert not analysis.partial and analysis.decode_errors == 0
    assert analysis.frames_decoded == frames
    found = [shot.start_frame for shot in analysis.shots[1:]]
    assert len(found) == len(cuts), found
    for got, expected in zip(found, cuts, strict=True):
        assert abs(got - expected) <= 1
    for shot in analysis.shots:
        assert shot.start_s == pytest.approx(shot.start_frame / fps, abs=1e-3)
    assert analysis.shots[-1].end_frame == analysis.frames_decoded
    assert analysis.shots[-1].end_s == pytest.approx(analysis.frames_decoded / fps, abs=1e-3)
    _assert_contiguous(analysis)


def test_threshold_controls_sensitivity(three_shots_25: Path) -> None:
    # A threshold above the largest possible score (255) finds no cut at all.
    analysis = _analyze(three_shots_25, threshold=300.0)
    assert len(analysis.shots) == 1


def test_min_shot_length_suppresses_close_cuts(three_shots_ntsc: Path) -> None:
    # The red segment lasts 1 s; with a 1.5 s minimum its two cuts merge into one.
    analysis = _analyze(three_shots_ntsc, min_shot_s=1.5)
    assert len(analysis.shots) == 2


def test_long_shot_is_split_into_near_equal_sub_shots(long_single_shot: Path) -> None:
    analysis = _analyze(long_single_shot, max_shot_s=4.0)
    lengths = [shot.duration_s for shot in analysis.shots]
    assert len(lengths) == 3  # 10 s → ceil(10 / 4) = 3 parts of ~3.33 s
    assert all(length <= 4.0 for length in lengths)
    assert max(lengths) - min(lengths) <= 0.04 + 1e-6  # equal up to one frame
    assert sum(lengths) == pytest.approx(10.0, abs=0.05)
    _assert_contiguous(analysis)
    assert analysis.shots[-1].end_frame == 250
    assert all(shot.keyframe is not None for shot in analysis.shots)


def test_default_max_keeps_short_shots_whole(three_shots_25: Path) -> None:
    assert len(_analyze(three_shots_25, max_shot_s=8.0).shots) == 3


def test_vfr_times_come_from_timestamps(vfr_clip: Path) -> None:
    analysis = _analyze(vfr_clip)
    assert analysis.info.is_vfr
    assert analysis.frames_decoded == 71  # 30 + 12 + 30 frames; the muxer's edit list hides the last one
    starts = [shot.start_s for shot in analysis.shots]
    assert len(starts) == 3
    # Segments of 1.2 s each: frame counting at any single rate would put the second cut elsewhere.
    assert starts[1] == pytest.approx(1.2, abs=0.01)
    assert starts[2] == pytest.approx(2.4, abs=0.01)
    fps = analysis.info.fps_value
    assert fps is not None
    for shot in analysis.shots:
        assert shot.start_frame == round(shot.start_s * fps)
    _assert_contiguous(analysis)
