"""Real media for render tests: lavfi clips, espeak-ng speech, tones, and ffprobe/ffmpeg readers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray


def run(args: list[str]) -> None:
    """Run a command, failing the test with its stderr when it fails."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{args[0]} failed: {done.stderr[-1500:]}")


def make_clip(
    path: Path,
    *,
    pattern: str = "testsrc2",
    size: str = "320x240",
    fps: float = 25,
    seconds: float = 6.0,
    video_filter: str = "",
    audio: bool = True,
    rotate: int | None = None,
) -> Path:
    """An H.264 (+AAC tone) clip from a lavfi pattern (may carry options, e.g. ``color=c=red``).

    ``rotate`` stores a display rotation in degrees (the picture is shown turned).
    """
    args = [
        "ffmpeg",
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-t",
        f"{seconds}",
        "-i",
        f"{pattern}{':' if '=' in pattern else '='}size={size}:rate={fps}",
    ]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}"]
    chain = "format=yuv420p" + (f",{video_filter}" if video_filter else "")
    args += ["-vf", chain, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    if rotate is None:
        run([*args, str(path)])
        return path
    plain = path.with_name(f"unrotated-{path.name}")
    run([*args, str(plain)])
    # ffmpeg 5.1 turns the rotate tag into a display matrix only when stream-copying
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(plain),
            "-c",
            "copy",
            "-metadata:s:v:0",
            f"rotate={rotate}",
            str(path),
        ]
    )
    return path


def make_speech(path: Path, text: str) -> Path:
    """A narration WAV spoken by espeak-ng (skips the test when espeak-ng is missing)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    run(["espeak-ng", "-w", str(path), text])
    return path


def make_tone(
    path: Path, *, frequency: float, seconds: float, rate: int = 22050, volume: float = 0.5
) -> Path:
    """A mono sine WAV."""
    source = f"sine=frequency={frequency}:sample_rate={rate}:duration={seconds}"
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            source,
            "-af",
            f"volume={volume}",
            str(path),
        ]
    )
    return path


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's streams and format of a file."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def duration_of(path: Path) -> float:
    """Container duration in seconds."""
    return float(probe(path)["format"]["duration"])


def frame_rgb(path: Path, at_s: float) -> NDArray[np.uint8]:
    """The decoded frame at ``at_s`` as (height, width, 3) RGB."""
    info = next(s for s in probe(path)["streams"] if s["codec_type"] == "video")
    width, height = int(info["width"]), int(info["height"])
    done = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            f"{at_s:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(height, width, 3)


def audio_mono(path: Path, rate: int = 16000) -> NDArray[np.float32]:
    """The audio track mixed to mono float samples at ``rate``."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(done.stdout, dtype=np.float32)


def black_and_frozen(path: Path, *, freeze_s: float = 1.0) -> tuple[list[float], list[float]]:
    """Where ffmpeg's ``blackdetect`` (any black frame: its default 10 % luma on 98 % of the pixels) and
    ``freezedetect`` (−60 dB for at least ``freeze_s``) find black and frozen stretches: their start
    times in seconds."""
    done = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-i",
            str(path),
            "-vf",
            f"blackdetect=d=0:pix_th=0.10,freezedetect=n=-60dB:d={freeze_s}",
            "-an",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    black = [float(m) for m in re.findall(r"black_start:\s*([0-9.]+)", done.stderr)]
    frozen = [float(m) for m in re.findall(r"freeze_start:\s*([0-9.]+)", done.stderr)]
    return black, frozen
