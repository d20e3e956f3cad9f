"""Sidecar files beside a video: found in any case, subtitles ranked, broken files only warned about."""

from __future__ import annotations

from pathlib import Path

from indexer.library_text.sidecars import find_sidecars, read_sidecars
from montage.text.cues import Cue


def test_find_sidecars_case_insensitive_and_subtitle_order(tmp_path: Path) -> None:
    video = tmp_path / "Harbour.MP4"
    video.write_bytes(b"")
    for name in [
        "harbour.JSON",
        "HARBOUR.txt",
        "Harbour.fr.srt",
        "harbour.en.vtt",
        "Harbour.EN.srt",
        "other.srt",
    ]:
        (tmp_path / name).write_text("x")

    found = find_sidecars(video, ["en"])

    assert found.json == tmp_path / "harbour.JSON"
    assert found.text == tmp_path / "HARBOUR.txt"
    assert [p.name for p in found.subtitles] == ["Harbour.EN.srt", "harbour.en.vtt", "Harbour.fr.srt"]
    (tmp_path / "harbour.srt").write_text("x")  # added later: the folder listing cache must notice
    assert find_sidecars(video, ["en"]).subtitles[0].name == "harbour.srt"


def test_read_sidecars_tolerates_broken_files(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    (tmp_path / "clip.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "clip.txt").write_bytes("  A quiet   street\r\nat night.  ".encode("utf-16"))
    (tmp_path / "clip.srt").write_text("garbage without timings", encoding="utf-8")
    (tmp_path / "clip.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi\n", encoding="utf-8")

    sidecar = read_sidecars(video)

    assert sidecar.fields is None
    assert sidecar.description == "A quiet street at night."
    assert sidecar.subtitles == (Cue(0.0, 1.0, "Hi"),)
    assert any("clip.json" in w and "not valid JSON" in w for w in sidecar.warnings)
    assert any("clip.srt" in w for w in sidecar.warnings)


def test_subtitle_language_suffixes_are_compared_by_primary_language(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    for name in ["clip.fr.srt", "clip.eng.srt", "clip.de.srt"]:
        (tmp_path / name).write_text("x")

    assert [p.name for p in find_sidecars(video, ["en", "de"]).subtitles] == [
        "clip.eng.srt",  # ISO 639-2 "eng" is the preferred "en"
        "clip.de.srt",
        "clip.fr.srt",
    ]


def test_a_sidecar_that_is_not_text_is_skipped_with_a_warning(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    (tmp_path / "clip.txt").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    (tmp_path / "clip.srt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    sidecar = read_sidecars(video)

    assert sidecar.description is None and sidecar.subtitles == ()
    assert any("clip.txt" in w and "PDF" in w for w in sidecar.warnings)
    assert any("clip.srt" in w and "not text" in w for w in sidecar.warnings)
