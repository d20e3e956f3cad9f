"""A long file analysed as several time ranges at once gives exactly what one pass gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.analysis.frame_reader import distinct_numbers
from indexer.analysis_types import AnalysisOptions, VideoAnalysis
from indexer.analyze import analyze_video, time_ranges
from montage.media.probe import probe

from .conftest import Segment, damage, ffmpeg, make_clip

# A 10 s clip at 25 fps cut in 4 has range boundaries at 2, 5 and 8 s. Cuts at 2.0 s and 8.0 s (on a
# boundary), 4.88 s and 5.0 s (three frames apart, closer than min_shot_s: the merge filter's state
# crosses the boundary at 5 s).
SEGMENTS = [
    Segment("testsrc", 50),
    Segment("mandel", 72),
    Segment("bars", 3),
    Segment("rgb", 75),
    Segment("testsrc", 50),
]
ENCODINGS = {
    "long-gop-b-frames": ("-g", "250", "-bf", "3"),
    "short-gop": ("-g", "12", "-bf", "0"),
}


def _fingerprint(analysis: VideoAnalysis) -> list[tuple[object, ...]]:
    return [
        (
            shot.start_frame,
            shot.end_frame,
            shot.start_s,
            shot.end_s,
            shot.keyframe_time_s,
            shot.phash,
            shot.quality,
            None if shot.keyframe is None else np.asarray(shot.keyframe).tobytes(),
        )
        for shot in analysis.shots
    ]


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_ranges_join_into_the_one_pass_result(tmp_path: Path, encoding: str) -> None:
    path = make_clip(tmp_path / f"{encoding}.mp4", SEGMENTS, extra=ENCODINGS[encoding])
    info = probe(path)
    one_pass = analyze_video(path, info, AnalysisOptions(parts=1, min_part_s=1.0))
    assert one_pass.ranges == 1 and len(one_pass.shots) >= 4
    for parts in (2, 3, 4):
        split = analyze_video(path, info, AnalysisOptions(parts=parts, min_part_s=1.0))
        assert split.ranges == parts  # really analysed in ranges, not the one-pass fallback
        assert _fingerprint(split) == _fingerprint(one_pass)
        assert (split.frames_decoded, split.decode_errors) == (one_pass.frames_decoded, 0)


def test_ranges_are_whole_slots_and_only_for_long_regular_files(tmp_path: Path) -> None:
    path = make_clip(tmp_path / "clip.mp4", SEGMENTS)
    info = probe(path)
    ranges = time_ranges(info, AnalysisOptions(parts=4, min_part_s=1.0), bucket_s=1.0)
    assert [(r.first_bucket, r.end_bucket) for r in ranges] == [(0, 2), (2, 5), (5, 8), (8, None)]
    assert len(time_ranges(info, AnalysisOptions(parts=4, min_part_s=4.0), 1.0)) == 2  # at least 4 s each
    assert len(time_ranges(info, AnalysisOptions(parts=4, min_part_s=6.0), 1.0)) == 1  # too short to cut
    assert len(time_ranges(info, AnalysisOptions(parts=1, min_part_s=1.0), 1.0)) == 1
    variable = info.__class__(**{**info.__dict__, "is_vfr": True})
    assert len(time_ranges(variable, AnalysisOptions(parts=4, min_part_s=1.0), 1.0)) == 1


def test_a_file_with_missing_timestamps_is_analysed_in_one_pass(vfr_clip: Path) -> None:
    info = probe(vfr_clip)
    regular = info.__class__(**{**info.__dict__, "is_vfr": False})  # pretend the probe missed it
    split = analyze_video(vfr_clip, regular, AnalysisOptions(parts=2, min_part_s=0.5))
    one_pass = analyze_video(vfr_clip, regular, AnalysisOptions(parts=1))
    assert _fingerprint(split) == _fingerprint(one_pass)


def test_frame_numbers_that_collide_are_made_distinct() -> None:
    # Timestamps half a frame off round half to even: 5901.5 and 5902.5 both give 5902, and so on.
    nominal = [round(n + 0.5) for n in range(5901, 5908)]
    assert nominal == [5902, 5902, 5904, 5904, 5906, 5906, 5908]
    assert distinct_numbers(nominal) == [5902, 5903, 5904, 5905, 5906, 5907, 5908]
    assert distinct_numbers([0, 1, 1, 1, 5]) == [0, 1, 2, 3, 5]


def test_a_range_that_cannot_be_decoded_on_its_own_falls_back_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.analyze as analyze_module
    from indexer.analysis.range_pass import analyse_range

    def refuses_to_seek(*args: object, **kwargs: object) -> object:
        if not args[4].starts_file:  # type: ignore[attr-defined]
            raise OSError("this container cannot seek")
        return analyse_range(*args, **kwargs)  # type: ignore[arg-type]

    path = make_clip(tmp_path / "clip.mp4", SEGMENTS)
    info = probe(path)
    one_pass = analyze_video(path, info, AnalysisOptions(parts=1))
    monkeypatch.setattr(analyze_module, "analyse_range", refuses_to_seek)
    fallback = analyze_video(path, info, AnalysisOptions(parts=2, min_part_s=1.0))
    assert fallback.ranges == 1 and _fingerprint(fallback) == _fingerprint(one_pass)


CONTAINERS = {
    "h264.ts": ("-c", "copy", "-f", "mpegts"),  # seeks by byte position: lands late, seeks again earlier
    "mpeg2.ts": ("-c:v", "mpeg2video", "-g", "15", "-bf", "2", "-f", "mpegts"),
    "h264.mkv": ("-c", "copy"),
}


@pytest.mark.parametrize("name", sorted(CONTAINERS))
def test_ranges_join_exactly_in_other_containers(tmp_path: Path, name: str) -> None:
    source = make_clip(tmp_path / "source.mp4", SEGMENTS, extra=("-g", "50", "-bf", "2"))
    path = tmp_path / name
    ffmpeg("-i", str(source), *CONTAINERS[name], str(path))
    info = probe(path)
    one_pass = analyze_video(path, info, AnalysisOptions(parts=1))
    for parts in (2, 4):
        split = analyze_video(path, info, AnalysisOptions(parts=parts, min_part_s=1.0))
        assert split.ranges == parts
        assert _fingerprint(split) == _fingerprint(one_pass)


def test_a_damaged_file_is_analysed_in_one_pass(tmp_path: Path) -> None:
    # Not compared shot by shot: FFmpeg's error concealment under frame threads differs from run to run
    # on damaged data (docs/indexing.md, "Known limits").
    source = make_clip(tmp_path / "source.mp4", SEGMENTS, extra=("-g", "25"))
    path = damage(source, tmp_path / "damaged.mp4", seed=3, chunks=4, chunk_bytes=3000)
    info = probe(path)
    one_pass = analyze_video(path, info, AnalysisOptions(parts=1))
    assert one_pass.decode_errors > 0
    split = analyze_video(path, info, AnalysisOptions(parts=3, min_part_s=1.0))
    assert split.ranges == 1
    assert (split.decode_errors, split.partial, split.frames_decoded) == (
        one_pass.decode_errors,
        one_pass.partial,
        one_pass.frames_decoded,
    )
