"""Issue #13: the MLT export, rendered by melt (the engine of Kdenlive and Shotcut), shows what montage's
own render shows: same length within one frame, and matching frames (SSIM >= 0.9) mid-segment."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from montage.export.write import export_timeline
from montage.options.render import RenderOptions
from montage.render.plan import segment_frames
from montage.render.render_timeline import render_timeline
from montage.timeline.model import Timeline
from tests.render.media import duration_of, probe

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("melt") is None, reason="melt is not installed (scripts/setup.sh)"),
]


def ssim_at(reference: Path, other: Path, at_s: float) -> float:
    """ffmpeg's SSIM (all planes) of the two videos' frames at ``at_s``."""
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "info", "-ss", f"{at_s:.4f}", "-i", str(reference), "-ss", f"{at_s:.4f}",
         "-i", str(other), "-frames:v", "1", "-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.findall(r"All:([0-9.]+)", done.stderr)[-1])


def test_melt_renders_the_mlt_export_like_montage(export_cut: Timeline, tmp_path: Path) -> None:
    options = RenderOptions(burn_subtitles=False)
    result = export_timeline(export_cut, tmp_path / "project", "mlt", bundle=True, options=options)
    moved = Path(shutil.move(str(result.folder), str(tmp_path / "opened-elsewhere")))
    melted = tmp_path / "melt.mp4"
    done = subprocess.run(
        ["melt", "-quiet", str(moved / "montage.mlt"), "-consumer", f"avformat:{melted}",
         "vcodec=libx264", "preset=veryfast", "acodec=aac"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and melted.is_file(), done.stderr[-1500:]
    ours = render_timeline(export_cut, tmp_path / "montage.mp4", options).path
    fps = export_cut.fps
    assert duration_of(melted) == pytest.approx(duration_of(ours), abs=1 / fps + 1e-3)
    video = next(s for s in probe(melted)["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (export_cut.width, export_cut.height)
    assert any(s["codec_type"] == "audio" for s in probe(melted)["streams"])
    frames = segment_frames(export_cut.segments, export_cut.duration_s, fps)
    middles, start = [], 0
    for count in [*frames, round(options.end_card_s * fps)]:  # every segment, then the end card
        middles.append((start + count / 2) / fps)
        start += count
    scores = [ssim_at(ours, melted, at) for at in middles]
    print("SSIM melt vs montage at", [round(m, 3) for m in middles], scores)
    assert min(scores) >= 0.9, scores
