"""Every source merged into one SourceText (precedence, options); its shot text, digest and credits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from indexer.embedded_subtitles import extract_embedded_subtitles
from indexer.library_text.manifest import load_manifest
from indexer.library_text.options import LibraryTextOptions
from indexer.library_text.source_text import SourceText, build_source_text
from montage.text.cues import Cue

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
    assert (options.subtitle_languages, options.max_sidecar_bytes, options.extra_junk_words) == (
        ["en"],
        1024 * 1024,
        [],
    )


def test_each_option_changes_the_gathered_text(tmp_path: Path) -> None:
    video = tmp_path / "acme" / "acme_harbour.mp4"
    video.parent.mkdir()
    video.write_bytes(b"")
    (video.parent / "acme_harbour.en.srt").write_text("00:00:00,000 --> 00:00:01,000\nengines start\n")
    (video.parent / "acme_harbour.fr.srt").write_text("00:00:00,000 --> 00:00:01,000\nles moteurs\n")
    (video.parent / "acme_harbour.txt").write_text("Boats. " * 300)  # 2100 bytes
    root = tmp_path

    default = build_source_text(video, root=root)
    assert default.name_words == ("acme", "harbour")
    assert default.subtitles[0].text == "engines start"
    assert default.description.startswith("Boats.")

    junk = build_source_text(video, root=root, options=LibraryTextOptions(extra_junk_words=["ACME"]))
    assert junk.name_words == ("harbour",)
    french = build_source_text(video, root=root, options=LibraryTextOptions(subtitle_languages=["fr", "en"]))
    assert french.subtitles[0].text == "les moteurs"
    small = build_source_text(video, root=root, options=LibraryTextOptions(max_sidecar_bytes=2048))
    assert small.description == ""
    assert any("acme_harbour.txt" in warning and "2048" in warning for warning in small.warnings)
