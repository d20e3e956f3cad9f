"""What the renderer needs from a fallback generator: a video file for a sentence no shot fits."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable


@runtime_checkable
class FallbackGenerator(Protocol):
    """Makes a silent video of ``duration_s`` seconds at the given size and rate showing ``text``."""

    def generate(
        self, text: str, duration_s: float, width: int, height: int, fps: float, out_path: Path
    ) -> Path:
        """Write the video to ``out_path`` and return it (MediaError / ModelUnavailableError on failure)."""
        ...


@runtime_checkable
class InlineFallbackGenerator(FallbackGenerator, Protocol):
    """A generator that can also describe its card as an ffmpeg lavfi source, so the render draws it itself.

    The renderer then needs no separate pass for the card.
    """

    def lavfi_source(
        self, text: str, duration_s: float, width: int, height: int, fps: float, work_dir: Path
    ) -> str:
        """A lavfi filtergraph producing the card (may write helper files, e.g. text, into ``work_dir``)."""
        ...
