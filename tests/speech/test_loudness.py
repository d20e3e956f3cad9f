"""BS.1770 loudness, the peak limiter and normalisation, checked against exact references and ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from montage.speech.loudness import integrated_lufs, k_weighting, normalise_loudness
from montage.speech.peak_limiter import limit_peaks
from montage.speech.wav_io import PcmAudio, read_wav, write_wav

from .audio_checks import ffmpeg_loudness


def sine(frequency: float, amplitude: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * frequency * t)


def test_k_weighting_matches_the_bs1770_coefficients_at_48k() -> None:
    (shelf_b, shelf_a), (high_b, high_a) = k_weighting(48000)
    np.testing.assert_allclose(shelf_b, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=2e-4)
    np.testing.assert_allclose(shelf_a, [1.0, -1.69065929318241, 0.73248077421585], atol=2e-4)
    np.testing.assert_allclose(high_b, [1.0, -2.0, 1.0])
    np.testing.assert_allclose(high_a, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-6)


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_a_997_hz_sine_at_full_scale_reads_minus_3_01_lufs(rate: int) -> None:
    # BS.1770-4: a 0 dBFS 997 Hz sine reads -3.01 LKFS; -20 dB amplitude reads 20 LU lower.
    assert integrated_lufs(sine(997, 1.0, 3, rate), rate) == pytest.approx(-3.01, abs=0.05)
    assert integrated_lufs(sine(997, 0.1, 3, rate), rate) == pytest.approx(-23.01, abs=0.05)


def test_silence_and_too_short_clips_have_no_loudness() -> None:
    assert integrated_lufs(np.zeros(48000), 48000) is None
    assert integrated_lufs(sine(997, 0.5, 0.3, 48000), 48000) is None


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="the espeak-ng program is not installed")
def test_agrees_with_ffmpeg_on_real_speech(tmp_path: Path) -> None:
    wav = tmp_path / "speech.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-w", str(wav), "Loudness is measured the same way by both meters."],
        check=True,
        timeout=30,
    )
    audio = read_wav(wav)
    ours = integrated_lufs(audio.samples / 32768.0, audio.sample_rate)
    assert ours is not None
    assert ours == pytest.approx(ffmpeg_loudness(wav)[0], abs=0.3)


def test_limiter_keeps_every_sample_under_the_ceiling_and_leaves_quiet_audio_alone() -> None:
    rng = np.random.default_rng(7)
    loud = rng.normal(0, 0.5, 22050) * np.linspace(0.2, 3.0, 22050)
    limited = limit_peaks(loud, 22050, ceiling=0.8)
    assert np.abs(limited).max() <= 0.8 + 1e-12
    quiet_part = slice(0, 2000)
    np.testing.assert_allclose(limited[quiet_part], loud[quiet_part], atol=1e-9)
    soft = sine(440, 0.5, 1, 22050)
    assert limit_peaks(soft, 22050, ceiling=0.8) is soft


def test_normalise_reaches_the_target_on_peaky_audio(tmp_path: Path) -> None:
    rate = 22050
    # A quiet tone with sharp clicks: the gain to -16 LUFS would clip without the limiter.
    signal = sine(300, 0.05, 2, rate)
    signal[::2205] = 0.9
    levelled, reached = normalise_loudness(signal, rate, target_lufs=-16.0, peak_dbfs=-1.5)
    assert reached == pytest.approx(-16.0, abs=0.05)
    assert np.abs(levelled).max() <= 10 ** (-1.5 / 20) + 1e-9
    out = tmp_path / "levelled.wav"
    write_wav(out, PcmAudio(np.round(levelled * 32767).astype(np.int16), rate))
    integrated, peak = ffmpeg_loudness(out)
    assert integrated == pytest.approx(-16.0, abs=0.3)
    assert peak <= -1.4
