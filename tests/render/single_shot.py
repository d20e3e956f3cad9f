"""Timelines of one shot (or card) over one narration clip, for focused render checks."""

from __future__ import annotations

from pathlib import Path

from montage.timeline.model import NarrationClip, Segment, ShotUse, Timeline


def one_shot_timeline(clip: Path | None, narration: Path, seconds: float, *, in_s: float = 0.5) -> Timeline:
    """``seconds`` of ``clip`` from ``in_s`` (a fallback card when ``clip`` is None) under ``narration``."""
    shot = None if clip is None else ShotUse(str(clip), 1, 1, in_s, in_s + seconds, 0.9)
    segment = Segment(
        0, 0, "A single shot.", 0.0, seconds, shot, clip is None, "A single card" if clip is None else None
    )
    return Timeline(
        width=320,
        height=180,
        fps=30,
        aspect="16:9",
        duration_s=seconds,
        segments=[segment],
        narration=[NarrationClip(0, str(narration), 0.0, seconds, "A single shot.")],
    )
