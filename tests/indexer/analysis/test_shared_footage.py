"""Real third-party footage (../shared/footage/pyscenedetect): golden cuts, VFR, rotation, aspect, codecs.

The golden cut lists were made by PySceneDetect with its defaults (``min_scene_len`` 15 frames); the
comparison uses the same minimum and no sub-shot splitting, so only the detection itself is compared.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from indexer.analysis_types import AnalysisOptions, VideoAnalysis
from indexer.analyze import analyze_video
from montage.media.probe import probe
from tests.indexer.analysis.conftest import PYSCENEDETECT_FOOTAGE, shared_clip_or_skip

pytestmark = [pytest.mark.shared_footage, pytest.mark.slow]

GOLDEN_THRESHOLDS = {"default": 27.0, "t30": 30.0}
NO_SPLIT_S = 1e6


def _golden_cuts(name: str, variant: str) -> list[int]:
    path = PYSCENEDETECT_FOOTAGE / "goldens" / f"{name}.ContentDetector.{variant}.json"
    if not path.is_file():
        pytest.skip(f"golden file not present: {path}")
    cuts: list[int] = json.loads(path.read_text())["cuts"]
    return cuts


def _analyze(path: Path, options: AnalysisOptions | None = None) -> VideoAnalysis:
    return analyze_video(path, probe(path), options or AnalysisOptions())


@pytest.mark.parametrize("variant", sorted(GOLDEN_THRESHOLDS))
@pytest.mark.parametrize("name", ["counter.mp4", "fades.mp4", "goldeneye-vfr-drop3.mp4", "testvideo.mp4"])
def test_content_detector_matches_goldens(name: str, variant: str) -> None:
    path = shared_clip_or_skip(name)
    golden = _golden_cuts(name, variant)
    info = probe(path)
    assert info.fps is not None
    options = AnalysisOptions(
        threshold=GOLDEN_THRESHOLDS[variant], min_shot_s=15 * info.fps[1] / info.fps[0], max_shot_s=NO_SPLIT_S
    )
    analysis = analyze_video(path, info, options)
    found = [shot.start_frame for shot in analysis.shots[1:]]
    assert len(found) == len(golden), (found, golden)
    for got, expected in zip(found, golden, strict=True):
        assert abs(got - expected) <= 1, (found, golden)


def test_vfr_file_uses_timestamps() -> None:
    path = shared_clip_or_skip("goldeneye-vfr-drop3.mp4")
    analysis = _analyze(path)
    assert analysis.info.is_vfr
    assert analysis.frames_decoded == 160  # frames dropped, timestamps kept: 160 frames over ~10 s
    fps = analysis.info.fps_value
    assert fps is not None
    last = analysis.shots[-1]
    assert last.end_s == pytest.approx(analysis.info.duration_s, abs=0.1)
    # Frame numbers follow the timestamps at the nominal rate, not the count of decoded frames.
    assert last.end_frame > analysis.frames_decoded
    for shot in analysis.shots:
        assert shot.start_frame == round(shot.start_s * fps)


def _ffmpeg_gray(path: Path, time_s: float, width: int, height: int) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{time_s:.3f}", "-i", str(path), "-frames:v", "1",
         "-vf", f"scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width).astype(np.float64)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.flatten(), b.flatten())[0, 1])


def test_rotated_file_gives_upright_portrait_keyframes() -> None:
    path = shared_clip_or_skip("issue-134-rotate.mp4")
    analysis = _analyze(path)
    assert analysis.info.rotation == 90
    assert (analysis.info.display_width, analysis.info.display_height) == (544, 1280)
    for shot in analysis.shots:
        assert shot.keyframe is not None and shot.keyframe_time_s is not None
        assert shot.keyframe.size == (384, 904)
        ours = np.asarray(shot.keyframe.convert("L"), dtype=np.float64)
        shown = _ffmpeg_gray(path, shot.keyframe_time_s, *shot.keyframe.size)
        turned = np.rot90(shown, 2)
        # Same picture as ffmpeg's auto-rotated frame, and clearly not the upside-down one.
        assert _correlation(ours, shown) > 0.9
        assert _correlation(ours, shown) > _correlation(ours, turned) + 0.2


def test_anamorphic_file_gives_display_aspect_keyframes() -> None:
    path = shared_clip_or_skip("issue-195-aspect-ratio.mp4")
    analysis = _analyze(path)
    info = analysis.info
    assert (info.width, info.height, info.sar) == (704, 576, (16, 11))
    assert (info.display_width, info.display_height) == (1024, 576)
    assert len(analysis.shots) >= 3
    for shot in analysis.shots:
        assert shot.keyframe is not None and shot.keyframe_time_s is not None
        assert shot.keyframe.size == (384, 216)  # 16:9, not the coded 11:9
        shown = _ffmpeg_gray(path, shot.keyframe_time_s, 384, 216)
        assert _correlation(np.asarray(shot.keyframe.convert("L"), dtype=np.float64), shown) > 0.9


@pytest.mark.parametrize("name", ["fades.mp4", "delayed_start.mp4"])
def test_mpeg4_part2_files_analyse(name: str) -> None:
    path = shared_clip_or_skip(name)
    analysis = _analyze(path)
    info = analysis.info
    assert info.video_codec == "mpeg4"
    assert not analysis.partial and analysis.decode_errors == 0
    assert analysis.frames_decoded == info.nb_frames
    assert all(shot.keyframe is not None and shot.keyframe.size == (384, 256) for shot in analysis.shots)
    assert analysis.shots[0].start_frame == 0
    # Times count from the container start; this file's video starts 1.075 s in, as does the container.
    assert analysis.shots[0].start_s == pytest.approx(info.video_start_time_s - info.start_time_s, abs=1e-3)


def test_fades_is_flat_grey_without_black_keyframes() -> None:
    path = shared_clip_or_skip("fades.mp4")
    analysis = _analyze(path)
    assert [shot.start_frame for shot in analysis.shots] == [0, 125]  # no cut; 10 s split at the middle
    for shot in analysis.shots:
        assert 0.1 < shot.quality.black_fraction < 0.4
        assert shot.keyframe is not None
        assert np.asarray(shot.keyframe.convert("L")).mean() > 40


def test_mkv_with_subtitles_and_fonts() -> None:
    path = shared_clip_or_skip("issue-236-split-copy.mkv")
    analysis = _analyze(path)
    info = analysis.info
    assert info.container.startswith("matroska")
    assert info.subtitle_streams == 3
    assert info.has_audio
    assert not analysis.partial
    assert analysis.frames_decoded == 48
    assert analysis.shots[-1].end_s == pytest.approx(2.0, abs=0.05)
    assert all(shot.keyframe is not None and shot.keyframe.size == (384, 216) for shot in analysis.shots)
