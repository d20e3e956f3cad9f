"""A tiny real footage library (generated with ffmpeg) for service tests."""

from __future__ import annotations

from pathlib import Path

from tests.indexer.generated_footage import make_clip


def make_library(root: Path, *, clips: int = 3, shot_s: float = 1.5) -> list[Path]:
    """Write ``clips`` short described clips under ``root`` (two shots of ``shot_s`` seconds each)."""
    specs = [
        (
            "city/traffic.mp4",
            [("bars", 1.5), ("testsrc", 1.5)],
            "Cars and buses cross a busy city intersection.",
        ),
        (
            "nature/forest.mp4",
            [("mandel", 1.5), ("blue", 1.5)],
            "A quiet pine forest with a river in the mist.",
        ),
        ("kitchen.mp4", [("red", 1.5), ("testsrc", 1.5)], "A chef chops vegetables in a restaurant kitchen."),
        ("harbour.mp4", [("blue", 1.5), ("bars", 1.5)], "Fishing boats return to a small harbour at dawn."),
        ("stadium.mp4", [("noise", 1.5), ("red", 1.5)], "Fans cheer in a football stadium at night."),
        ("market.mp4", [("testsrc", 1.5), ("mandel", 1.5)], "Shoppers buy fruit at an open-air market."),
    ]
    made = []
    for index in range(clips):
        rel, segments, description = specs[index % len(specs)]
        if index >= len(specs):
            rel = rel.replace(".mp4", f"-{index}.mp4")
        timed = [(source, shot_s) for source, _seconds in segments]
        made.append(make_clip(root / rel, timed, description=description))
    return made
