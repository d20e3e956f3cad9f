"""Finding where speech starts and ends in a clip, and trimming it to a fixed pad of silence.

A 10 ms frame counts as speech when its RMS level is above both an absolute floor (−60 dBFS) and a level
relative to the loudest frame (40 dB below it), so quiet breaths and engine noise floors are cut while
soft consonants at word edges are kept.
"""

from __future__ import annotations

import numpy as np

from montage.speech.wav_io import PcmAudio

FRAME_S = 0.01
FLOOR_DBFS = -60.0
RELATIVE_DB = 40.0


def speech_span(audio: PcmAudio) -> tuple[int, int] | None:
    """Return ``(first, end)`` sample indices of the speech in ``audio``, or None when it is all silence."""
    frame = max(1, round(audio.sample_rate * FRAME_S))
    count = len(audio.samples) // frame
    if count == 0:
        return None
    frames = audio.samples[: count * frame].astype(np.float64).reshape(count, frame) / 32768.0
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    loudest = float(rms.max())
    threshold = max(10 ** (FLOOR_DBFS / 20), loudest * 10 ** (-RELATIVE_DB / 20))
    voiced = np.flatnonzero(rms > threshold)
    if voiced.size == 0:
        return None
    first = int(voiced[0]) * frame
    end = min(len(audio.samples), (int(voiced[-1]) + 1) * frame)
    return first, end


def trim_to_speech(audio: PcmAudio, *, pad_s: float) -> tuple[PcmAudio, float] | None:
    """Cut leading and trailing silence and put exactly ``pad_s`` of digital silence on each side.

    Returns the new audio and how many seconds were removed from the start (to shift timings by), or None
    when the clip holds no speech at all.
    """
    span = speech_span(audio)
    if span is None:
        return None
    first, end = span
    pad = np.zeros(round(pad_s * audio.sample_rate), dtype=np.int16)
    samples = np.concatenate([pad, audio.samples[first:end], pad])
    return PcmAudio(samples, audio.sample_rate), first / audio.sample_rate - pad_s
