"""The frame rate of a source file, read with ffprobe (for exports that count in source frames)."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction


def probe_frame_rate(path: str, *, timeout_s: float = 30.0) -> float | None:
    """The first video stream's frame rate (average, else nominal), or None when it cannot be read."""
    args = [
        "ffprobe", "-v", "error", "-select_streams", "v:0",
        "-show_entries", "stream=avg_frame_rate,r_frame_rate", "-of", "json", path,
    ]  # fmt: skip
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
        streams = json.loads(done.stdout or "{}").get("streams", [])
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if done.returncode != 0 or not streams:
        return None
    for key in ("avg_frame_rate", "r_frame_rate"):
        text = str(streams[0].get(key, "0/0"))
        try:
            rate = Fraction(text)
        except (ValueError, ZeroDivisionError):
            continue
        if 0 < rate < 1000:
            return float(rate)
    return None
