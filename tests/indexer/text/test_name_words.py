"""Words from file and folder names: separators, camelCase, filler and numbers dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.library_text.name_words import name_words


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
