"""probe() reads files in this process (PyAV) and must describe them exactly as ffprobe does.

Every clip here is also probed by ``ffprobe`` (``probe_with_ffprobe``); the two ``MediaInfo`` must be
equal field by field. One known difference is allowed and pinned: for the MP4 family, ffprobe (FFmpeg
5.1 on Debian 12) reports the movie header's duration — rounded to its time scale and counting an
initial edit-list delay — where PyAV's FFmpeg reports the longest stream's; ``duration_s`` must then
equal that stream duration.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from montage.errors import MediaError
from montage.media.info import MediaInfo
from montage.media.probe import media_info_from_ffprobe, probe, probe_with_ffprobe
from montage.media.pyav_probe import probe_data_with_pyav
from tests.indexer.analysis.conftest import (
    SHARED_FOOTAGE,
    ffmpeg,
    make_quadrant_clip,
    make_tagged_clip,
    with_rotate_tag,
)

MOV_FAMILY = "mov,mp4"


def _in_process(path: Path) -> MediaInfo:
    data = probe_data_with_pyav(path, timeout_s=30.0)
    assert data is not None, f"{path}: the in-process probe gave up"
    return media_info_from_ffprobe(path, data)


def assert_same_as_ffprobe(path: Path) -> MediaInfo:
    """The in-process facts of ``path`` equal ffprobe's (see the module docstring for ``duration_s``)."""
    mine, theirs = _in_process(path), probe_with_ffprobe(path)
    differ = {
        f.name: (getattr(mine, f.name), getattr(theirs, f.name))
        for f in dataclasses.fields(MediaInfo)
        if getattr(mine, f.name) != getattr(theirs, f.name)
    }
    duration = differ.pop("duration_s", None)
    assert not differ, f"{path.name}: in-process vs ffprobe {differ}"
    if duration is not None:
        assert theirs.container.startswith(MOV_FAMILY), f"{path.name}: durations {duration}"
        assert mine.duration_s == pytest.approx(_longest_stream_s(path), abs=1e-6)
    return mine


def _longest_stream_s(path: Path) -> float:
    """The longest stream duration ffprobe reports for ``path``."""
    listed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=duration", "-of", "json", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return max(float(s["duration"]) for s in json.loads(listed)["streams"] if "duration" in s)


@pytest.mark.parametrize(
    "fixture",
    [
        "three_shots_25",
        "three_shots_ntsc",
        "with_black_shot",
        "long_single_shot",
        "vfr_clip",
        "faststart_clip",
    ],
)
def test_generated_clips_read_the_same(fixture: str, request: pytest.FixtureRequest) -> None:
    assert_same_as_ffprobe(request.getfixturevalue(fixture))


@pytest.mark.parametrize("tag", [90, 180, 270])
def test_rotation_is_read_from_the_first_frame(tmp_path: Path, tag: int) -> None:
    rotated = with_rotate_tag(make_quadrant_clip(tmp_path / "plain.mp4"), tmp_path / f"rot{tag}.mp4", tag)
    info = assert_same_as_ffprobe(rotated)
    assert info.rotation in (90, 180, 270)  # the sense of the legacy tag: test_probe.py checks it


def test_anamorphic_audio_subtitles_and_tags(tmp_path: Path) -> None:
    path = make_tagged_clip(tmp_path, sar="4/3")
    info = assert_same_as_ffprobe(path)
    assert info.sar == (4, 3) and info.subtitle_streams == 1 and info.audio_channels == 2
    assert info.tags.get("title") == "Harbour at dawn"


@pytest.mark.parametrize(
    ("name", "codec_args"),
    [
        ("clip.ts", ["-c:v", "mpeg2video", "-c:a", "mp2"]),
        ("clip.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libvorbis"]),
        ("clip.mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]),
        ("clip.mov", ["-c:v", "mjpeg", "-c:a", "pcm_s16le"]),
        ("clip.avi", ["-c:v", "mpeg4", "-c:a", "mp3"]),
    ],
)
def test_other_containers_and_codecs(tmp_path: Path, name: str, codec_args: list[str]) -> None:
    path = tmp_path / name
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
        "-t", "1.5", *codec_args, str(path),
    )  # fmt: skip
    assert_same_as_ffprobe(path)


def test_interlaced_field_rate(tmp_path: Path) -> None:
    path = tmp_path / "interlaced.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-t", "2", "-vf", "setfield=tff",
        "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", str(path),
    )  # fmt: skip
    assert_same_as_ffprobe(path)


def _shared_videos() -> list[Path]:
    if not SHARED_FOOTAGE.is_dir():
        return []
    return sorted(p for p in SHARED_FOOTAGE.rglob("*") if p.suffix in {".mp4", ".mkv"} and p.is_file())


@pytest.mark.skipif(not _shared_videos(), reason=f"shared footage not present at {SHARED_FOOTAGE}")
def test_every_shared_footage_file_reads_the_same() -> None:
    for path in _shared_videos():
        assert_same_as_ffprobe(path)


def test_files_pyav_cannot_read_go_to_ffprobe(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(bytes(range(256)) * 400)
    assert probe_data_with_pyav(junk, timeout_s=30.0) is None
    with pytest.raises(MediaError) as error:
        probe(junk)
    assert error.value.code == "corrupt_media"
    assert error.value.stderr_tail  # ffprobe's own words


def test_a_start_the_ffmpeg_versions_disagree_on_goes_to_ffprobe(tmp_path: Path) -> None:
    # Opus in WebM: its first packet is stamped 7 ms before the video; ffprobe (FFmpeg 5.1) starts the
    # container there, newer FFmpeg after the pre-skip. ffprobe decides, so the start is ffprobe's.
    path = tmp_path / "opus.webm"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
        "-t", "1", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus", str(path),
    )  # fmt: skip
    assert probe_data_with_pyav(path, timeout_s=30.0) is None
    assert probe(path) == probe_with_ffprobe(path)


def test_cover_art_only_is_no_video_stream_with_ffprobes_reason(tmp_path: Path) -> None:
    path = tmp_path / "song.mp3"
    ffmpeg(
        "-f", "lavfi", "-i", "sine=duration=1", "-f", "lavfi", "-i", "color=c=red:size=64x64",
        "-map", "0", "-map", "1", "-frames:v", "1", "-c:v", "mjpeg", "-disposition:v", "attached_pic",
        "-t", "1", str(path),
    )  # fmt: skip
    assert probe_data_with_pyav(path, timeout_s=30.0) is None
    with pytest.raises(MediaError) as error:
        probe(path)
    assert error.value.code == "no_video_stream"
