"""Independent measurements for the speech tests: ffmpeg's own EBU R128 meter and raw WAV samples."""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


def ffmpeg_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and sample peak (dBFS) of ``path`` measured by ffmpeg's ebur128."""
    command = [
        *("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(path)),
        "-af",
        "ebur128=peak=sample",
    ]
    command += ["-f", "null", "-"]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    integrated = re.findall(r"^\s*I:\s+(-?[\d.]+) LUFS", completed.stderr, re.MULTILINE)
    peak = re.findall(r"^\s*Peak:\s+(-?[\d.]+|-inf) dBFS", completed.stderr, re.MULTILINE)
    return float(integrated[-1]), float(peak[-1])


def wav_samples(path: Path) -> tuple[NDArray[np.int16], int]:
    """Mono 16-bit samples and sample rate of a WAV file, read with the standard library."""
    with wave.open(str(path), "rb") as reader:
        assert reader.getnchannels() == 1 and reader.getsampwidth() == 2
        frames = reader.readframes(reader.getnframes())
        return np.frombuffer(frames, dtype="<i2"), reader.getframerate()
