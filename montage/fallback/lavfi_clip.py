"""Encode an ffmpeg lavfi source (a drawn card) into a silent H.264 MP4 of an exact number of frames."""

from __future__ import annotations

import subprocess
from pathlib import Path

from montage.errors import MediaError

_STDERR_TAIL = 2000


def encode_lavfi_clip(source: str, frames: int, out_path: Path, *, what: str) -> None:
    """Write ``frames`` frames of the lavfi ``source`` to ``out_path`` (removed again on failure).

    ``what`` names the picture in error messages ("a title card"). Raises MediaError when ffmpeg is
    missing or fails (with its stderr tail).
    """
    args = [
        "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-frames:v", str(frames),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-an", str(out_path),
    ]  # fmt: skip
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise MediaError(f"cannot run ffmpeg for {what}: {exc}") from exc
    if done.returncode != 0:
        out_path.unlink(missing_ok=True)
        raise MediaError(f"ffmpeg could not draw {what}", stderr_tail=done.stderr[-_STDERR_TAIL:])
