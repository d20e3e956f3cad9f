"""Keyframes are upright at display aspect; black shots score low; pHash tells pictures apart."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from indexer.analysis.phash import phash64
from indexer.analysis_types import AnalysisOptions
from indexer.analyze import analyze_video
from indexer.near_duplicates import hamming_distance
from montage.media.probe import probe
from tests.indexer.analysis.conftest import Segment, make_clip, make_quadrant_clip, with_rotate_tag


def _quadrant_means(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    return np.array(
        [[gray[: h // 2, : w // 2].mean(), gray[: h // 2, w // 2 :].mean()],
         [gray[h // 2 :, : w // 2].mean(), gray[h // 2 :, w // 2 :].mean()]]
    )  # fmt: skip


def _ffmpeg_upright_frame(path: Path, width: int, height: int) -> np.ndarray:
    """The first frame as ffmpeg (auto-rotating, like players) shows it, scaled to width×height."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-frames:v", "1", "-vf", f"scale={width}:{height}",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width)


@pytest.mark.parametrize("tag", [0, 90, 180, 270])
def test_keyframe_is_upright_like_ffmpeg_shows_it(tmp_path: Path, tag: int) -> None:
    plain = make_quadrant_clip(tmp_path / "plain.mp4")
    path = plain if tag == 0 else with_rotate_tag(plain, tmp_path / f"rot{tag}.mp4", tag)
    info = probe(path)
    analysis = analyze_video(path, info, AnalysisOptions())
    keyframe = analysis.shots[0].keyframe
    assert keyframe is not None
    expected_height = 384 * 180 // 320 if info.rotation in (0, 180) else round(384 * 320 / 180 / 2) * 2
    assert keyframe.size == (384, expected_height)
    ours = _quadrant_means(np.asarray(keyframe.convert("L")))
    shown = _quadrant_means(_ffmpeg_upright_frame(path, *keyframe.size))
    # Exactly one bright quadrant, in the same place as in ffmpeg's upright picture.
    assert np.argmax(ours) == np.argmax(shown)
    assert ours.max() > 200 and np.sort(ours.flatten())[-2] < 60


def test_keyframe_has_display_aspect_for_anamorphic_pixels(tmp_path: Path) -> None:
    # 320×180 coded with 2:1 pixels shows as 640×180; the white box (160×90 coded) shows 320×90.
    path = make_quadrant_clip(tmp_path / "anamorphic.mp4", sar="2/1")
    analysis = analyze_video(path, probe(path), AnalysisOptions())
    keyframe = analysis.shots[0].keyframe
    assert keyframe is not None
    assert keyframe.size == (384, 108)
    gray = np.asarray(keyframe.convert("L"))
    bright_rows = np.flatnonzero(gray[:, 10] > 128)
    bright_cols = np.flatnonzero(gray[10, :] > 128)
    assert len(bright_cols) / len(bright_rows) == pytest.approx(320 / 90, rel=0.08)


def test_black_shot_scores_low_and_lit_shots_high(with_black_shot: Path) -> None:
    analysis = analyze_video(with_black_shot, probe(with_black_shot), AnalysisOptions())
    assert len(analysis.shots) == 3
    lit, black, bars = (shot.quality for shot in analysis.shots)
    assert black.black_fraction > 0.95
    assert black.score < 0.05
    assert black.brightness < 0.05
    for quality in (lit, bars):
        assert quality.black_fraction == 0.0
        assert quality.score > 0.6
        assert quality.sharpness > 20
    assert black.sharpness == 0.0
    assert 0.0 <= min(q.score for q in (lit, black, bars)) <= max(q.score for q in (lit, black, bars)) <= 1.0
    # Motion: the moving test pattern moves, the colour bars do not.
    assert lit.motion > bars.motion


def test_keyframe_avoids_black_frames(tmp_path: Path) -> None:
    # One shot whose first half second is black: the keyframe must come from the lit part.
    path = make_clip(tmp_path / "late_light.mp4", [Segment("black", 12), Segment("testsrc", 38)])
    analysis = analyze_video(path, probe(path), AnalysisOptions(threshold=300.0))  # no cut: one shot
    shot = analysis.shots[0]
    assert shot.keyframe is not None and shot.keyframe_time_s is not None
    assert shot.keyframe_time_s >= 12 / 25
    assert np.asarray(shot.keyframe.convert("L")).mean() > 60
    assert 0.2 < shot.quality.black_fraction < 0.3


def test_phash_tells_similar_from_different(three_shots_25: Path) -> None:
    analysis = analyze_video(three_shots_25, probe(three_shots_25), AnalysisOptions())
    images = [shot.keyframe for shot in analysis.shots]
    assert all(image is not None for image in images)
    hashes = [shot.phash for shot in analysis.shots]
    assert all(0 <= h < 2**64 for h in hashes)
    assert hashes == [phash64(image) for image in images if image is not None]
    first = images[0]
    assert first is not None
    blurred_copy = first.resize((200, 112)).filter(ImageFilter.GaussianBlur(1))
    assert hamming_distance(phash64(blurred_copy), hashes[0]) <= 6
    assert hamming_distance(hashes[0], hashes[1]) > 12
    assert hamming_distance(hashes[1], hashes[2]) > 12
    assert phash64(Image.new("RGB", (64, 64), "black")) == 0


def test_activity_profile_shows_where_the_picture_moves(tmp_path: Path) -> None:
    """One shot: 2 s of still colour bars, then 2 s of a Mandelbrot zoom. The profile (motion per
    half second, stored with the shot) is low over the bars and high over the zoom."""
    path = make_clip(tmp_path / "still_then_moving.mp4", [Segment("bars", 50), Segment("mandel", 50)])
    analysis = analyze_video(path, probe(path), AnalysisOptions(threshold=300.0))  # no cut: one shot
    (shot,) = analysis.shots
    assert len(shot.activity) == 8
    still, moving = shot.activity[:4], shot.activity[5:]  # the step holding the join is left out
    assert max(still) < 0.5 < 1.5 < min(moving), shot.activity
