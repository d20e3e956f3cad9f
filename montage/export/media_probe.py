"""How long a media file is and at which frame rate, read with ffprobe (for NLE media references)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from montage.errors import MediaError


@dataclass(frozen=True)
class MediaSpan:
    """The span of a media file an NLE can use: ``duration_s`` from 0, and the video rate if it has video."""

    path: Path
    duration_s: float
    video_rate: float | None
    has_audio: bool

    @property
    def has_video(self) -> bool:
        """Whether the file has a (non cover-art) video stream."""
        return self.video_rate is not None


def _rate(stream: dict[str, object]) -> float | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        try:
            rate = Fraction(str(stream.get(key, "0/0")))
        except (ValueError, ZeroDivisionError):
            continue
        if 0 < rate < 1000:
            return float(rate)
    return None


def probe_span(path: Path, *, timeout_s: float = 30.0) -> MediaSpan:
    """Probe ``path``; raises MediaError (``media_missing`` / ``corrupt_media``) when it cannot be read."""
    if not path.is_file():
        raise MediaError(f"{path}: no such media file", code="media_missing")
    args = [
        "ffprobe", "-v", "error", "-of", "json",
        "-show_entries", "format=duration:stream=codec_type,avg_frame_rate,r_frame_rate,duration:"
        "stream_disposition=attached_pic",
        str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
        data = json.loads(done.stdout or "{}")
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise MediaError(f"{path}: cannot probe ({exc})", code="corrupt_media") from exc
    streams = data.get("streams", [])
    video = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    video_duration = float(video[0].get("duration") or 0.0) if video else 0.0
    duration = video_duration or float(data.get("format", {}).get("duration") or 0.0)
    if done.returncode != 0 or duration <= 0:
        raise MediaError(f"{path}: ffprobe found no playable media", code="corrupt_media")
    return MediaSpan(
        path=path,
        duration_s=duration,
        video_rate=_rate(video[0]) if video else None,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )
