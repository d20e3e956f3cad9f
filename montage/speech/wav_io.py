"""Reading and writing 16-bit mono PCM WAV files, the one audio format of the speech stage."""

from __future__ import annotations

import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from montage.speech.errors import SpeechError
from montage.speech.tool_process import run_tool


@dataclass(frozen=True)
class PcmAudio:
    """Mono 16-bit samples and their sample rate."""

    samples: NDArray[np.int16]
    sample_rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


def wav_duration_s(path: Path) -> float:
    """Duration of a PCM WAV file from its header (frames / rate)."""
    try:
        with wave.open(str(path), "rb") as reader:
            return reader.getnframes() / reader.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        raise SpeechError(f"{path} is not a readable WAV file: {exc}", code="synthesis_failed") from exc


def read_wav(path: Path, *, timeout_s: float = 60.0) -> PcmAudio:
    """Read a WAV file as mono 16-bit samples; other WAV flavours are converted with ffmpeg first."""
    try:
        with wave.open(str(path), "rb") as reader:
            if reader.getnchannels() == 1 and reader.getsampwidth() == 2:
                frames = reader.readframes(reader.getnframes())
                return PcmAudio(np.frombuffer(frames, dtype="<i2").astype(np.int16), reader.getframerate())
    except (wave.Error, EOFError) as exc:
        if not path.is_file():
            raise SpeechError(f"the engine wrote no audio file at {path}", code="synthesis_failed") from exc
    except OSError as exc:
        raise SpeechError(f"cannot read {path}: {exc}", code="synthesis_failed") from exc
    return _read_converted(path, timeout_s=timeout_s)


def _read_converted(path: Path, *, timeout_s: float) -> PcmAudio:
    with tempfile.TemporaryDirectory(prefix="montage-wav-") as tmp:
        converted = Path(tmp) / "mono16.wav"
        run_tool(
            [
                *("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path)),
                *("-ac", "1", "-c:a", "pcm_s16le", str(converted)),
            ],
            what="ffmpeg (convert to 16-bit mono)",
            timeout_s=timeout_s,
        )
        return read_wav(converted, timeout_s=timeout_s)


def write_wav(path: Path, audio: PcmAudio) -> None:
    """Write ``audio`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    os.close(handle)
    try:
        with wave.open(tmp_name, "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(audio.sample_rate)
            writer.writeframes(audio.samples.astype("<i2").tobytes())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
