"""Text subtitle tracks muxed inside real containers, read back with ffmpeg."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.embedded_subtitles import (
    SubtitleStream,
    choose_text_stream,
    extract_embedded_subtitles,
    list_subtitle_streams,
)
from montage.errors import MediaError

from .conftest import MakeVideo

ENGLISH_SRT = """1
00:00:00,100 --> 00:00:00,400
A <i>red</i> car drives past.

2
00:00:00,500 --> 00:00:00,900
The cyclist waves.
"""

FRENCH_SRT = """1
00:00:00,100 --> 00:00:00,800
Une voiture rouge passe.
"""


@pytest.fixture
def subtitle_files(tmp_path: Path) -> tuple[Path, Path]:
    english = tmp_path / "en.srt"
    english.write_text(ENGLISH_SRT, encoding="utf-8")
    french = tmp_path / "fr.srt"
    french.write_text(FRENCH_SRT, encoding="utf-8")
    return english, french


def test_mkv_with_srt_track(tmp_path: Path, make_video: MakeVideo, subtitle_files: tuple[Path, Path]) -> None:
    english, _ = subtitle_files
    video = make_video(
        tmp_path / "with-subs.mkv",
        "-map",
        "0:v",
        "-map",
        "1:s",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:s",
        "srt",
        "-metadata:s:s:0",
        "language=eng",
        inputs=["-i", str(english)],
    )

    assert list_subtitle_streams(video) == [SubtitleStream(0, "subrip", "eng")]
    cues = extract_embedded_subtitles(video, 1)

    assert [c.text for c in cues] == ["A red car drives past.", "The cyclist waves."]
    assert cues[0].start_s == pytest.approx(0.1, abs=0.002)
    assert cues[1].end_s == pytest.approx(0.9, abs=0.002)


def test_mp4_mov_text_prefers_wanted_language(
    tmp_path: Path, make_video: MakeVideo, subtitle_files: tuple[Path, Path]
) -> None:
    english, french = subtitle_files
    video = make_video(
        tmp_path / "two-tracks.mp4",
        "-map",
        "0:v",
        "-map",
        "1:s",
        "-map",
        "2:s",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:s",
        "mov_text",
        "-metadata:s:s:0",
        "language=fre",
        "-metadata:s:s:1",
        "language=eng",
        inputs=["-i", str(french), "-i", str(english)],
    )

    assert [s.codec for s in list_subtitle_streams(video)] == ["mov_text", "mov_text"]
    english_cues = extract_embedded_subtitles(video, 2, preferred_languages=["en"])
    french_cues = extract_embedded_subtitles(video, 2, preferred_languages=["fr", "en"])
    first_track = extract_embedded_subtitles(video, 2, preferred_languages=[])

    assert english_cues[0].text == "A red car drives past."
    assert [c.text for c in french_cues] == ["Une voiture rouge passe."]
    assert french_cues[0].start_s == pytest.approx(0.1, abs=0.002)
    assert french_cues[0].end_s == pytest.approx(0.8, abs=0.002)
    assert first_track[0].text == "Une voiture rouge passe."


def test_no_subtitle_streams_starts_no_process(tmp_path: Path) -> None:
    # With a count of 0 ffmpeg is never run, so even a path that does not exist is fine.
    assert extract_embedded_subtitles(tmp_path / "not-even-there.mkv", 0) == []


def test_file_without_subtitles(tmp_path: Path, make_video: MakeVideo) -> None:
    video = make_video(tmp_path / "plain.mkv", "-c:v", "libx264", "-preset", "ultrafast")
    assert list_subtitle_streams(video) == []
    assert extract_embedded_subtitles(video, 1) == []  # a stale count is harmless


def test_bitmap_subtitles_are_skipped_with_a_reason() -> None:
    stream, reason = choose_text_stream([SubtitleStream(0, "hdmv_pgs_subtitle", "eng")])
    assert stream is None
    assert "bitmap" in reason and "hdmv_pgs_subtitle" in reason

    mixed = [SubtitleStream(0, "dvd_subtitle", "eng"), SubtitleStream(1, "ass", "jpn")]
    stream, reason = choose_text_stream(mixed, ["en"])
    assert stream == mixed[1]
    assert "0:s:1" in reason


def test_corrupt_file_is_a_media_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"\x1a\x45\xdf\xa3 definitely not matroska" * 10)
    with pytest.raises(MediaError) as caught:
        extract_embedded_subtitles(broken, 1)
    assert caught.value.stderr_tail


def test_timeout_is_a_media_error(tmp_path: Path, make_video: MakeVideo) -> None:
    video = make_video(tmp_path / "plain.mkv", "-c:v", "libx264", "-preset", "ultrafast")
    started = time.monotonic()
    with pytest.raises(MediaError, match="Timed out") as caught:
        extract_embedded_subtitles(video, 1, timeout_s=0.001)
    assert caught.value.code == "media_timeout"
    assert time.monotonic() - started < 5


@pytest.mark.shared_footage
def test_shared_mkv_with_empty_ass_tracks(shared_footage: Path) -> None:
    video = shared_footage / "pyscenedetect" / "issue-236-split-copy.mkv"
    streams = list_subtitle_streams(video)
    assert [s.codec for s in streams] == ["ass", "ass", "ass"]
    stream, _ = choose_text_stream(streams, ["pt"])
    assert stream is not None and stream.language == "por"
    # The tracks of this 2 s excerpt hold no events: extraction succeeds with no cues.
    assert extract_embedded_subtitles(video, len(streams)) == []
