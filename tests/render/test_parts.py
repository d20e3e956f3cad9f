"""Rendering in parts at the same time: the joined video is the one-pass video, frame for frame."""

from __future__ import annotations

import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from montage.errors import MediaError
from montage.options.render import RenderOptions
from montage.render.parts import split_segments
from montage.render.render_timeline import render_timeline
from montage.render.runner import FfmpegJob, run_ffmpeg_jobs
from montage.timeline.model import ShotUse

from .conftest import Library, make_timeline
from .media import make_tone, probe


def _frame_hashes(path: Path, stream: str) -> list[str]:
    """ffmpeg's per-frame MD5 lines (stream, dts, pts, duration, size, hash) of one stream of ``path``."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if not line.startswith("#")]


def test_parts_have_about_equal_work_and_a_minimum_length() -> None:
    frames = [60] * 10
    assert split_segments([60.0] * 10, frames, 2, 30) == [0, 5, 10]
    assert split_segments([60.0] * 10, frames, 3, 30) == [0, 3, 7, 10]
    # footage costs more than cards: the cut moves towards the footage
    weights = [60.0] * 5 + [20.0] * 5
    assert split_segments(weights, frames, 2, 30) == [0, 3, 10]  # 180 and 220 of 400
    # too short for two parts of 400 frames: one part
    assert split_segments([60.0] * 10, frames, 2, 400) == [0, 10]
    # at most one part per segment
    assert split_segments([60.0, 60.0], [60, 60], 8, 30) == [0, 1, 2]


@pytest.mark.parametrize("crossfade_s", [0.0, 0.3])
def test_parts_join_into_the_one_pass_video_frame_for_frame(
    library: Library, tmp_path: Path, crossfade_s: float
) -> None:
    """Three parts (a title card between two shots, so a part starts with a card's dissolve), burned
    subtitles crossing part boundaries, music and the end card. Lossless H.264 (crf 0) makes the decoded
    frames exactly what the filter graphs drew, so equal frame hashes mean the same frames at the same
    times: nothing black, frozen, shifted or re-timed at the joins, and subtitles at their times."""
    timeline = make_timeline(library, fallback_sentences=(1,))
    assert [s.fallback for s in timeline.segments] == [False, True, False]
    music = make_tone(tmp_path / "music.wav", frequency=660, seconds=3.0)
    common = {
        "width": 320,
        "height": 180,
        "crf": 0,
        "preset": "ultrafast",
        "burn_subtitles": True,
        "crossfade_s": crossfade_s,
        "end_card_s": 1.0,
        "music_path": music,
    }
    one = render_timeline(timeline, tmp_path / "one.mp4", RenderOptions(processes=1, **common))
    seen: list[float] = []
    parts = render_timeline(
        timeline,
        tmp_path / "parts.mp4",
        RenderOptions(processes=3, min_part_s=1.5, **common),
        progress=seen.append,
    )
    assert len(one.ffmpeg_argvs) == 1
    assert len(parts.ffmpeg_argvs) == 5  # three parts, the soundtrack, the join
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3

    video = _frame_hashes(parts.path, "v")
    expected_frames = round(timeline.duration_s * 30) + 30  # + the 1 s end card
    assert len(video) == expected_frames
    assert [int(line.split(",")[2]) for line in video] == list(range(expected_frames))  # pts, 1/30 s
    assert video == _frame_hashes(one.path, "v")
    assert _frame_hashes(parts.path, "a") == _frame_hashes(one.path, "a")

    streams = {s["codec_type"]: s for s in probe(parts.path)["streams"]}
    assert streams["video"]["avg_frame_rate"] == "30/1" and streams["video"]["codec_name"] == "h264"
    assert float(streams["video"]["duration"]) == pytest.approx(expected_frames / 30, abs=1e-3)
    assert float(streams["audio"]["duration"]) == pytest.approx(expected_frames / 30, abs=1 / 30)
    assert float(streams["audio"].get("start_time", 0)) == pytest.approx(0, abs=1e-3)
    data = parts.path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart
    assert sorted(p.name for p in tmp_path.iterdir()) == ["music.wav", "one.mp4", "parts.mp4"]


def test_a_failing_part_stops_the_others_and_leaves_nothing(library: Library, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    timeline = make_timeline(library)
    last = timeline.segments[-1]
    assert last.shot is not None
    bad = replace(last, shot=ShotUse(str(broken), 999, 999, 0.1, 0.1 + last.duration_s, 0.9))
    timeline = replace(timeline, segments=[*timeline.segments[:-1], bad])
    out = tmp_path / "out" / "video.mp4"
    with pytest.raises(MediaError) as failure:
        render_timeline(timeline, out, RenderOptions(width=320, height=180, processes=3, min_part_s=1.5))
    assert "broken.mp4" in failure.value.stderr_tail
    assert list(out.parent.iterdir()) == []


def test_jobs_past_their_time_are_killed(tmp_path: Path) -> None:
    endless = ["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=s=64x64", "-f", "null", "-"]
    jobs = [FfmpegJob(endless, 60.0, tmp_path / f"{n}.stderr") for n in range(2)]
    started = time.monotonic()
    with pytest.raises(MediaError, match=r"longer than 0\.5 s"):
        run_ffmpeg_jobs(jobs, timeout_s=0.5)
    assert time.monotonic() - started < 5
