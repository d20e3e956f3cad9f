"""Pictures to compare image towers on: frames of the shared footage, or generated ones when it is absent."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from montage.embedding.tower_check import check_images
from tests.conftest import SHARED_FOOTAGE

FRAME_WIDTH = 384


def footage_frames(limit: int, *, every_s: float = 1.5) -> list[Image.Image]:
    """Up to ``limit`` frames (384 px wide, like keyframes) from the shared footage's video files."""
    import av

    files = sorted(p for p in SHARED_FOOTAGE.rglob("*") if p.suffix.lower() in {".mp4", ".mkv"})
    frames: list[Image.Image] = []
    for path in files[:: max(1, len(files) // limit)] if files else []:
        frames += _frames_of(av, path, every_s, limit=2)
        if len(frames) >= limit:
            break
    return frames[:limit]


def _frames_of(av: object, path: Path, every_s: float, limit: int) -> list[Image.Image]:
    frames: list[Image.Image] = []
    with av.open(str(path)) as container:  # type: ignore[attr-defined]
        next_s = 0.5
        for frame in container.decode(video=0):
            if frame.time is None or frame.time < next_s:
                continue
            image = frame.to_image()
            height = max(1, round(image.height * FRAME_WIDTH / image.width))
            frames.append(image.resize((FRAME_WIDTH, height), Image.Resampling.BILINEAR))
            next_s += every_s
            if len(frames) >= limit:
                break
    return frames


def real_looking_images(count: int = 16) -> list[Image.Image]:
    """Half footage frames (when the shared footage is here), the rest generated (another seed than the
    export check uses)."""
    frames = footage_frames(count // 2) if SHARED_FOOTAGE.is_dir() else []
    return frames + check_images(count - len(frames), seed=11)
