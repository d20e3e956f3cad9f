"""The baseline of the render benchmarks: a plain ffmpeg re-encode of a video with the renderer's own encoder
settings (``bench_render.py`` and ``bench_end_to_end.py`` both compare against it)."""

from __future__ import annotations

from pathlib import Path

from montage.options.render import RenderOptions
from montage.render.plan import encoder_options


def reencode_argv(video: Path, target: Path, options: RenderOptions) -> list[str]:
    """The ffmpeg command that re-encodes ``video`` to ``target`` as the renderer would encode."""
    return [
        "ffmpeg",
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-i",
        str(video),
        *encoder_options(options),
        str(target),
    ]
