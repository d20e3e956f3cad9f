"""Finding speech in a clip and trimming it to a fixed pad."""

from __future__ import annotations

import numpy as np
import pytest

from montage.speech.silence_trim import speech_span, trim_to_speech
from montage.speech.wav_io import PcmAudio

RATE = 16000


def clip(lead_s: float, tone_s: float, tail_s: float, *, noise: float = 0.0) -> PcmAudio:
    rng = np.random.default_rng(1)
    tone = 8000 * np.sin(2 * np.pi * 220 * np.arange(round(tone_s * RATE)) / RATE)
    body = np.concatenate([np.zeros(round(lead_s * RATE)), tone, np.zeros(round(tail_s * RATE))])
    body += rng.normal(0, noise, body.size)
    return PcmAudio(np.round(body).astype(np.int16), RATE)


def test_span_covers_the_tone_to_within_a_frame() -> None:
    span = speech_span(clip(0.5, 1.0, 0.7))
    assert span is not None
    first, end = span
    assert first / RATE == pytest.approx(0.5, abs=0.011)
    assert end / RATE == pytest.approx(1.5, abs=0.011)


def test_trim_puts_exact_pads_and_reports_the_shift() -> None:
    trimmed = trim_to_speech(clip(0.5, 1.0, 0.7, noise=3.0), pad_s=0.1)
    assert trimmed is not None
    audio, removed_s = trimmed
    assert audio.duration_s == pytest.approx(1.2, abs=0.02)
    assert removed_s == pytest.approx(0.4, abs=0.011)
    pad = round(0.1 * RATE)
    assert not audio.samples[:pad].any() and not audio.samples[-pad:].any()


def test_silence_has_no_speech() -> None:
    silent = PcmAudio(np.zeros(RATE, dtype=np.int16), RATE)
    assert speech_span(silent) is None
    assert trim_to_speech(silent, pad_s=0.1) is None
    assert speech_span(PcmAudio(np.zeros(10, dtype=np.int16), RATE)) is None
