"""Sidecars, container tags and names merged into one SourceText; shot text, digest and credits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from indexer.embedded_subtitles import extract_embedded_subtitles
from indexer.library_text import (
    LibraryTextOptions,
    SourceText,
    build_source_text,
    fields_from_container_tags,
    find_sidecars,
    load_manifest,
    name_words,
    read_sidecars,
)
from indexer.subtitles import Cue

from .conftest import MakeVideo


def _format_tags(path: Path) -> dict[str, str]:
    """Container tags as the prober reports them (ffprobe format tags)."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    tags: dict[str, str] = json.loads(out).get("format", {}).get("tags", {})
    return tags


@pytest.mark.parametrize(
    ("rel_path", "expected"),
    [
        ("intel/car-detection-preview.mp4", ("intel", "car", "detection")),
        ("Holiday_Trip/BeachSunset_final_v2 (copy).mp4", ("holiday", "trip", "beach", "sunset")),
        ("stock/NYC-Timelapse-2019-4K-60fps.MOV", ("nyc", "timelapse", "2019")),
        ("drone_shot_1080p_h264.mp4", ("drone", "shot")),
        ("VID_20190101_123456.mp4", ()),
        ("kebab-case-name.webm", ("kebab", "case", "name")),
        ("XMLHttpRequestDemo.mkv", ("xml", "http", "request", "demo")),
        ("city 360 3D tour.mp4", ("city", "360", "3d", "tour")),
        ("take3_interview_Export.mxf", ("interview",)),
        ("café_noir/Straße.mp4", ("café", "noir", "straße")),
        ("城市/夜景.mp4", ("城市", "夜景")),
        ("forest/forest-walk.mp4", ("forest", "walk")),
        ("notes.txt", ("notes", "txt")),
    ],
)
def test_name_words(rel_path: str, expected: tuple[str, ...]) -> None:
    assert name_words(Path(rel_path)) == expected


def test_name_words_extra_junk() -> None:
    assert name_words(Path("acme/acme_harbour.mp4"), extra_junk=["ACME"]) == ("harbour",)


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


def test_precedence_manifest_json_txt_tags_names(tmp_path: Path) -> None:
    video = tmp_path / "lib" / "sea" / "wave_crash_final.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"")
    (video.parent / "wave_crash_final.json").write_text(
        json.dumps({"title": "From JSON", "description": "JSON description", "license": "CC0"})
    )
    (video.parent / "wave_crash_final.txt").write_text("TXT description")
    tags = {"TITLE": "From tags", "comment": "Tag comment", "keywords": "surf, sea", "ARTIST": "Tag Artist"}
    root = tmp_path / "lib"

    only_names = build_source_text(tmp_path / "elsewhere.mp4")
    assert only_names.title == "Elsewhere" and only_names.license == "unknown"

    without_manifest = build_source_text(video, root=root, container_tags=tags)
    assert without_manifest.title == "From JSON"
    assert without_manifest.description == "JSON description"
    assert without_manifest.tags == ("surf", "sea")
    assert without_manifest.license == "CC0"
    assert without_manifest.attribution == "Tag Artist"
    assert without_manifest.name_words == ("sea", "wave", "crash")

    (video.parent / "wave_crash_final.json").unlink()
    txt_only = build_source_text(video, root=root, container_tags=tags)
    assert (txt_only.title, txt_only.description, txt_only.license) == (
        "From tags",
        "TXT description",
        "unknown",
    )

    (video.parent / "wave_crash_final.txt").unlink()
    tags_only = build_source_text(video, root=root, container_tags=tags)
    assert tags_only.description == "Tag comment"

    names_only = build_source_text(video, root=root)
    assert names_only.title == "Sea wave crash"

    manifest_path = root / "manifest.csv"
    manifest_path.write_text(
        "path,title,tags,attribution\nsea/wave_crash_final.mp4,From manifest,,Manifest Org\n"
    )
    with_manifest = build_source_text(
        video, root=root, manifest=load_manifest(manifest_path), container_tags=tags
    )
    assert with_manifest.title == "From manifest"
    assert with_manifest.tags == ("surf", "sea")  # the manifest gave no tags: the next source does
    assert with_manifest.attribution == "Manifest Org"


def test_container_tags_ignore_encoder_banners_and_file_name_titles() -> None:
    fields = fields_from_container_tags(
        {"title": "clip_0001", "comment": "Lavf60.3.100", "description": "", "language": "und"},
        "clip_0001.mp4",
    )
    assert fields.title is None and fields.description is None and fields.language is None


def test_real_container_tags_and_embedded_subtitles(tmp_path: Path, make_video: MakeVideo) -> None:
    srt = tmp_path / "in.srt"
    srt.write_text(
        "1\n00:00:00,000 --> 00:00:00,400\nwaves break\n\n2\n00:00:00,600 --> 00:00:01,000\ngulls\n"
    )
    video = make_video(
        tmp_path / "lib" / "coast.mkv",
        "-map",
        "0:v",
        "-map",
        "1:s",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-metadata",
        "title=Rocky coast",
        "-metadata",
        "description=Waves on black rocks",
        "-metadata",
        "keywords=coast;rocks",
        inputs=["-i", str(srt)],
    )
    cues = extract_embedded_subtitles(video, 1)

    text = build_source_text(
        video, root=tmp_path / "lib", container_tags=_format_tags(video), embedded_subtitles=cues
    )

    assert (text.title, text.description, text.tags) == (
        "Rocky coast",
        "Waves on black rocks",
        ("coast", "rocks"),
    )
    assert text.shot_text(0.0, 0.5).endswith("coast, rocks. coast. waves break.")
    assert text.shot_text(0.5, 1.0).endswith("coast, rocks. coast. gulls.")
    # A sidecar subtitle file beats the embedded track.
    (video.parent / "coast.srt").write_text("00:00:00,000 --> 00:00:01,000\nsidecar words\n")
    with_sidecar = build_source_text(video, container_tags=_format_tags(video), embedded_subtitles=cues)
    assert with_sidecar.shot_text(0.0, 1.0).endswith("sidecar words.")


def _sample(**changes: object) -> SourceText:
    base: dict[str, object] = {
        "title": "Harbour at dawn",
        "description": "Fishing boats leave the harbour.",
        "tags": ("boat", "harbour"),
        "language": "en",
        "license": "CC-BY-4.0",
        "attribution": "Jane Doe",
        "source_url": "https://example.org/harbour",
        "name_words": ("harbour", "dawn"),
        "subtitles": [Cue(0.0, 2.0, "The engines start"), Cue(5.0, 6.0, "Seagulls overhead!")],
        "file_name": "harbour_dawn.mp4",
    }
    base.update(changes)
    return SourceText(**base)  # type: ignore[arg-type]


def test_shot_text_parts_in_order_with_span_subtitles() -> None:
    text = _sample()
    assert text.shot_text(0.0, 3.0) == (
        "Harbour at dawn. Fishing boats leave the harbour. boat, harbour. harbour dawn. The engines start."
    )
    assert text.shot_text(4.0, 7.0).endswith("harbour dawn. Seagulls overhead!")
    assert "engines" not in text.shot_text(3.0, 4.0)
    same_as_title = _sample(title="Harbour dawn", subtitles=[])
    assert same_as_title.shot_text(0, 1) == "Harbour dawn. Fishing boats leave the harbour. boat, harbour."


def test_shot_text_budget_cuts_lowest_priority_first() -> None:
    long_subtitle = " ".join(f"word{i}" for i in range(2000))
    text = _sample(subtitles=[Cue(0.0, 10.0, long_subtitle)])

    shot_text = text.shot_text(0.0, 10.0, max_tokens=40)

    assert shot_text.startswith(
        "Harbour at dawn. Fishing boats leave the harbour. boat, harbour. harbour dawn."
    )
    assert "word0" in shot_text and "word100" not in shot_text
    default = text.shot_text(0.0, 10.0)
    assert 300 < len(default.split()) < 512
    tiny = _sample(description="x " * 500).shot_text(0.0, 10.0, max_tokens=20)
    assert tiny.startswith("Harbour at dawn.") and "boat" not in tiny
    cjk = _sample(title="海港的黎明" * 100).shot_text(0, 1, max_tokens=30)
    assert len(cjk) == 30


def test_digest_tracks_embedded_text_only() -> None:
    base = _sample()
    assert base.digest() == _sample().digest()
    assert len(base.digest()) == 64
    text_changes: list[dict[str, Any]] = [
        {"title": "Harbour at dusk"},
        {"description": "Boats."},
        {"tags": ("boat",)},
        {"name_words": ("harbour",)},
        {"language": "fr"},
        {"subtitles": [Cue(0.0, 2.0, "The engines stop")]},
        {"subtitles": [Cue(0.0, 2.5, "The engines start"), Cue(5.0, 6.0, "Seagulls overhead!")]},
    ]
    for change in text_changes:
        assert _sample(**change).digest() != base.digest(), change
    other_changes: list[dict[str, Any]] = [
        {"license": "CC0"},
        {"attribution": "Someone"},
        {"source_url": ""},
        {"warnings": ("w",)},
    ]
    for change in other_changes:
        assert _sample(**change).digest() == base.digest(), change


def test_credit() -> None:
    assert _sample().credit() == "Harbour at dawn — Jane Doe (CC-BY-4.0)"
    assert SourceText(title="Untitled beach").credit() == "Untitled beach (unknown)"
    assert SourceText(file_name="beach.mp4").credit() == "beach.mp4 (unknown)"


@pytest.mark.shared_footage
def test_shared_footage_source_text(shared_footage: Path) -> None:
    manifest = load_manifest(shared_footage / "manifest.csv")
    video = shared_footage / "intel" / "asl" / "bird.mkv"

    text = build_source_text(video, root=shared_footage, manifest=manifest)

    assert text.title == 'Sign language: "bird"'
    assert "sign language" in text.tags and text.license == "CC-BY-4.0"
    assert text.name_words == ("intel", "asl", "bird")
    assert text.credit() == 'Sign language: "bird" — Intel Corporation sample-videos (CC-BY-4.0)'
    assert text.shot_text(0.0, 1.0).startswith('Sign language: "bird". A woman in a yellow hoodie')


def test_options_defaults() -> None:
    options = LibraryTextOptions()
    assert options.shot_text_max_tokens == 480
    assert options.subtitle_languages == ["en"]
    assert LibraryTextOptions.model_validate({"subtitle_languages": ["fr"]}).subtitle_languages == ["fr"]
