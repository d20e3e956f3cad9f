"""Keyframes offered while a pass is still decoding are the keyframes the finished analysis picks."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.analysis.keyframes import KeyframeCandidate
from indexer.analysis_types import AnalysisOptions
from indexer.analyze import analyze_video
from montage.media.probe import probe

from .conftest import Segment, make_clip

SEGMENTS = 3 * [
    Segment("testsrc", 50),
    Segment("mandel", 72),
    Segment("bars", 3),
    Segment("rgb", 75),
    Segment("testsrc", 50),
    Segment("mandel", 60),
]
"""36 s at 25 fps: 24 shots with ``max_shot_s`` 2 (no segment is longer than two sub-shots)."""


@pytest.mark.parametrize("parts", [1, 3])
def test_offered_keyframes_are_final_keyframes_offered_once_before_the_pass_ends(
    tmp_path: Path, parts: int
) -> None:
    path = make_clip(tmp_path / "clip.mp4", SEGMENTS, extra=("-g", "250", "-bf", "3"))
    info = probe(path)
    offered: list[KeyframeCandidate] = []
    lock = threading.Lock()

    def sink(candidate: KeyframeCandidate) -> None:
        with lock:
            offered.append(candidate)

    options = AnalysisOptions(parts=parts, min_part_s=1.0, max_shot_s=2.0)
    analysis = analyze_video(path, info, options, on_keyframe=sink)
    assert analysis.ranges == parts
    final = {shot.keyframe_time_s: shot.keyframe for shot in analysis.shots}
    times = [round(candidate.time_s, 6) for candidate in offered]
    assert len(times) == len(set(times))  # each settled shot once
    assert set(times) <= set(final)  # a prediction that never names a picture the result does not use
    for candidate in offered:  # the same picture, so its vector is the stored keyframe's
        picked = final[round(candidate.time_s, 6)]
        assert picked is not None and candidate.image().tobytes() == picked.tobytes()
    # Every shot is settled during the pass except, in each range, the (sub-)shots before its first
    # decided cut and after its last one: at most two sub-shots each here.
    assert len(analysis.shots) == 24 and len(offered) >= len(analysis.shots) - 2 * parts
    plain = analyze_video(path, info, options)  # offering changes nothing in the result
    assert replace(analysis, decode_seconds=0.0) == replace(plain, decode_seconds=0.0)
