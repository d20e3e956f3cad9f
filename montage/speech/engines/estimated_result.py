"""Describing a WAV file an engine wrote: measured duration and estimated word timings."""

from __future__ import annotations

from pathlib import Path

from montage.speech.records import SynthesisResult
from montage.speech.silence_trim import speech_span
from montage.speech.timing_estimate import estimate_word_timings
from montage.speech.wav_io import read_wav


def estimated_result(path: Path, text: str, language: str) -> SynthesisResult:
    """Read ``path`` and return its duration, sample rate and word timings estimated over its speech."""
    audio = read_wav(path)
    span = speech_span(audio)
    start, end = (0, len(audio.samples)) if span is None else span
    timings = estimate_word_timings(
        text, language, start_s=start / audio.sample_rate, end_s=end / audio.sample_rate
    )
    return SynthesisResult(
        path=path,
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        word_timings=timings,
        timing_source="estimate",
    )
