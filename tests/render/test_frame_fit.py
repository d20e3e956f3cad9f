"""Sources of other shapes fill the frame correctly: aspect, rotation metadata, non-square pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from montage.options.render import RenderOptions
from montage.render.render_timeline import render_timeline

from .media import frame_rgb, make_clip, make_tone, probe
from .single_shot import one_shot_timeline

ORANGE = "color=c=0xff8000"


def _render(tmp_path: Path, clip: Path, fit: str) -> NDArray[np.uint8]:
    narration = make_tone(tmp_path / "voice.wav", frequency=200, seconds=1.5)
    out = tmp_path / f"{clip.stem}-{fit}.mp4"
    options = RenderOptions(width=320, height=180, fit=fit, end_card=False, preset="ultrafast")  # type: ignore[arg-type]
    render_timeline(one_shot_timeline(clip, narration, 1.5), out, options)
    return frame_rgb(out, 0.7)


def _is_orange(pixels: NDArray[np.uint8]) -> bool:
    r, g, b = (float(pixels[..., i].astype(float).mean()) for i in range(3))
    return r > 200 and 90 < g < 170 and b < 70


def _is_black(pixels: NDArray[np.uint8]) -> bool:
    return float(pixels.astype(float).mean()) < 20


def test_four_by_three_is_cropped_or_pillarboxed(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "square-ish.mp4", pattern=ORANGE, size="320x240", seconds=3, audio=False)
    cropped = _render(tmp_path, clip, "crop")
    assert _is_orange(cropped[:, :8]) and _is_orange(cropped[:, -8:])
    padded = _render(tmp_path, clip, "pad")
    assert _is_black(padded[:, :30]) and _is_black(padded[:, -30:])  # 240 px wide picture, 40 px bars
    assert _is_orange(padded[:, 50:270])


def test_rotation_metadata_is_applied(tmp_path: Path) -> None:
    clip = make_clip(
        tmp_path / "phone.mp4", pattern=ORANGE, size="320x180", seconds=3, audio=False, rotate=90
    )
    video = next(s for s in probe(clip)["streams"] if s["codec_type"] == "video")
    rotations = [d.get("rotation") for d in video.get("side_data_list", [])]
    if not any(r in (90, -90, 270) for r in rotations):
        pytest.skip("this ffmpeg does not write rotation metadata with -metadata rotate")
    padded = _render(tmp_path, clip, "pad")
    # shown upright the clip is portrait (180×320): in a 320×180 frame it is 101 px wide, centred
    assert _is_black(padded[:, :90]) and _is_black(padded[:, -90:])
    assert _is_orange(padded[:, 125:195])


def test_non_square_pixels_use_the_display_aspect(tmp_path: Path) -> None:
    # 160×180 stored with 2:1 pixels is displayed as 320×180 (16:9): it fills the frame without bars.
    clip = make_clip(
        tmp_path / "anamorphic.mp4",
        pattern=ORANGE,
        size="160x180",
        seconds=3,
        audio=False,
        video_filter="setsar=2",
    )
    padded = _render(tmp_path, clip, "pad")
    assert _is_orange(padded[:, :8]) and _is_orange(padded[:, -8:])
