"""probe(): real files made with ffmpeg, described correctly or refused with a clear code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from montage.errors import MediaError
from montage.media.info import MediaInfo
from montage.media.probe import frame_rate_and_vfr, probe, rotation_of
from tests.indexer.analysis.conftest import ffmpeg, make_quadrant_clip, make_tagged_clip, with_rotate_tag


def test_constant_rate_clip_with_audio_tags_and_subtitles(tmp_path: Path) -> None:
    path = make_tagged_clip(tmp_path)
    info = probe(path)
    assert isinstance(info, MediaInfo)
    assert info.container.startswith("matroska")
    assert (info.width, info.height) == (320, 180)
    assert (info.display_width, info.display_height) == (320, 180)
    assert info.fps == (30000, 1001)
    assert info.fps_value == pytest.approx(29.97, abs=0.01)
    assert not info.is_vfr
    assert info.rotation == 0 and info.sar == (1, 1)
    assert info.video_codec == "h264"
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_sample_rate == 48000 and info.audio_channels == 2
    assert info.subtitle_streams == 1
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    tags = {k.lower(): v for k, v in info.tags.items()}
    assert tags["title"] == "Harbour at dawn"
    assert tags["comment"] == "Boats leave the harbour"


def test_mp4_frame_count_and_start(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-frames:v", "50", "-c:v", "libx264",
           "-preset", "ultrafast", str(path))  # fmt: skip
    info = probe(path)
    assert info.nb_frames == 50
    assert info.fps == (25, 1) and info.avg_fps == (25, 1)
    assert info.start_time_s == 0.0
    assert not info.has_audio and info.audio_codec is None
    assert info.video_end_s == pytest.approx(2.0, abs=0.05)


def test_anamorphic_clip_has_wider_display_size(tmp_path: Path) -> None:
    info = probe(make_quadrant_clip(tmp_path / "anamorphic.mp4", sar="2/1"))
    assert (info.width, info.height) == (320, 180)
    assert info.sar == (2, 1)
    assert (info.display_width, info.display_height) == (640, 180)


@pytest.mark.parametrize("tag", [90, 180, 270])
def test_rotation_matches_what_ffmpeg_shows(tmp_path: Path, tag: int) -> None:
    plain = make_quadrant_clip(tmp_path / "plain.mp4")
    rotated = with_rotate_tag(plain, tmp_path / f"rot{tag}.mp4", tag)
    info = probe(rotated)
    # ffmpeg's auto-rotation is what players show: decode one frame with it and compare sizes.
    shown = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(rotated),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert len(shown) == info.display_width * info.display_height
    assert info.rotation in (90, 180, 270)
    if info.rotation in (90, 270):
        assert (info.display_width, info.display_height) == (180, 320)
    else:
        assert (info.display_width, info.display_height) == (320, 180)


def test_variable_frame_rate_is_detected(vfr_clip: Path, three_shots_25: Path) -> None:
    assert probe(vfr_clip).is_vfr
    assert not probe(three_shots_25).is_vfr


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(MediaError) as error:
        probe(path)
    assert error.value.code == "empty_file"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as error:
        probe(tmp_path / "nope.mp4")
    assert error.value.code == "file_not_found"


@pytest.mark.parametrize("name", ["junk.mp4", "junk.mkv", "junk.bin", "notes.txt"])
def test_junk_is_corrupt_media(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("this is a shopping list, not a video\n" * 50)
    else:
        path.write_bytes(bytes(range(256)) * 400)
    with pytest.raises(MediaError) as error:
        probe(path)
    assert error.value.code == "corrupt_media"
    assert str(path) in error.value.message


def test_truncated_mp4_without_index_is_corrupt(tmp_path: Path, three_shots_25: Path) -> None:
    data = three_shots_25.read_bytes()
    path = tmp_path / "half.mp4"
    path.write_bytes(data[: len(data) // 2])  # ffmpeg writes the index (moov) at the end: it is cut off
    with pytest.raises(MediaError) as error:
        probe(path)
    assert error.value.code == "corrupt_media"
    assert "moov" in error.value.stderr_tail


@pytest.mark.parametrize("suffix", [".m4a", ".mp3"])
def test_audio_only_has_no_video_stream(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tone{suffix}"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(path))
    with pytest.raises(MediaError) as error:
        probe(path)
    assert error.value.code == "no_video_stream"
    assert "audio" in error.value.message


def test_timeout(three_shots_25: Path) -> None:
    with pytest.raises(MediaError) as error:
        probe(three_shots_25, timeout_s=1e-4)
    assert error.value.code == "probe_timeout"


def test_rotation_from_display_matrix_and_legacy_tag() -> None:
    # ffprobe reports the matrix angle counter-clockwise; upright needs the opposite (clockwise) turn.
    assert rotation_of({"side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]}) == 90
    assert rotation_of({"side_data_list": [{"rotation": 90}]}) == 270
    assert rotation_of({"side_data_list": [{"rotation": 180}]}) == 180
    assert rotation_of({"tags": {"rotate": "90"}}) == 90
    assert rotation_of({"side_data_list": [{"rotation": -90}], "tags": {"rotate": "270"}}) == 90
    assert rotation_of({}) == 0


def test_frame_rate_rules() -> None:
    # 23.976 fps in Matroska: millisecond timestamps alternate 41/42 ms and are still constant rate.
    mkv_pts = [round(i * 1001 / 24) for i in range(200)]
    assert frame_rate_and_vfr((24000, 1001), (24000, 1001), mkv_pts, (1, 1000)) == ((24000, 1001), False)
    # Nominal and average rate more than 1 % apart.
    assert frame_rate_and_vfr((24000, 1001), (16, 1), [], None)[1]
    # Regular rates but a timestamp gap every 10 frames.
    gappy = [i * 40 + (i // 10) * 40 for i in range(200)]
    assert frame_rate_and_vfr((25, 1), (25, 1), gappy, (1, 1000))[1]
    # Interlaced: field rate 50 reported as nominal, frames every 40 ms → 25 fps constant.
    fields = [i * 40 for i in range(200)]
    assert frame_rate_and_vfr((50, 1), (25, 1), fields, (1, 1000)) == ((25, 1), False)
    assert frame_rate_and_vfr(None, None, [], None) == (None, False)
