"""Pictures the render draws itself, made into real files an NLE can show: fallback cards and the end card."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from montage.fallback.lavfi_clip import encode_lavfi_clip
from montage.fallback.protocol import FallbackGenerator
from montage.render.end_card import end_card_source
from montage.render.plan import segment_frames
from montage.timeline.model import Credit, Timeline


def render_cards(
    timeline: Timeline, generator: FallbackGenerator, folder: Path, *, width: int, height: int
) -> dict[int, Path]:
    """One video per fallback segment, exactly as many frames as the segment shows; keyed by segment index."""
    fps = timeline.fps
    frames = segment_frames(timeline.segments, timeline.duration_s, fps)
    cards: dict[int, Path] = {}
    for segment, count in zip(timeline.segments, frames, strict=True):
        if segment.shot is not None:
            continue
        path = folder / f"card-{segment.index + 1:03d}.mp4"
        text = segment.fallback_text or segment.sentence
        cards[segment.index] = generator.generate(text, count / fps, width, height, fps, path)
    return cards


def render_end_card(
    credits: list[Credit],
    path: Path,
    *,
    width: int,
    height: int,
    fps: float,
    frames: int,
    color: str,
) -> Path:
    """The credits card as a silent H.264 MP4 of ``frames`` frames (as the render draws it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")
    with tempfile.TemporaryDirectory(prefix="montage-end-card-") as work:
        source = end_card_source(
            credits, width=width, height=height, fps=fps, duration_s=(frames + 2) / fps, color=color,
            work_dir=Path(work),
        )  # fmt: skip
        encode_lavfi_clip(source, frames, temp, what="the end card")
    os.replace(temp, path)
    return path
