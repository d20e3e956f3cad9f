"""Loudness (ITU-R BS.1770-4 / EBU R128 integrated LUFS) measured and normalised in numpy.

Measurement: K-weighting (a +4 dB high shelf at 1682 Hz and a 38 Hz high-pass, coefficients derived
for the clip's own sample rate with the bilinear transform; at 48 kHz they equal BS.1770's table),
mean square over 400 ms blocks with 75 % overlap, absolute gate at −70 LUFS, relative gate 10 LU below
the absolutely gated mean.

Normalisation: gain to the target, then the look-ahead limiter of :mod:`peak_limiter` at the peak
ceiling; the limiter takes some loudness back, so gain is corrected and the clip re-limited until it is
within 0.05 LU (at most 6 rounds). TTS speech often has a peak-to-loudness ratio above 15 dB, so −16
LUFS under a −1.5 dBFS ceiling needs the limiter. Everything runs in process in a few milliseconds per
sentence; see docs/speech.md for the measured comparison with ffmpeg ``loudnorm`` two-pass.

The K-weighting is applied as the two biquads' impulse response (computed by their difference equation
until it has decayed below 1e-12 of its peak, once per sample rate) convolved with the clip by FFT: the
same result as running the recursion to within that truncation, without ``scipy.signal``, whose import
alone cost about 0.8 s of CPU at every start of montage.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from montage.speech.peak_limiter import limit_peaks

BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
SHELF_HZ, SHELF_GAIN_DB, SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
SHELF_BAND_EXPONENT = 0.4996667741545416
HIGHPASS_HZ, HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
TOLERANCE_LU = 0.05
MAX_ROUNDS = 6
MAX_GAIN_DB = 40.0


def k_weighting(sample_rate: int) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """The two K-weighting biquads ``(b, a)`` for ``sample_rate``.

    Both are bilinear transforms of second-order analog sections with ``K = tan(pi f0 / fs)``; the shelf
    is parametrised by its high-frequency gain ``Vh`` and band gain ``Vb`` so that at 48 kHz the
    coefficients equal the ones printed in BS.1770-4.
    """
    k = math.tan(math.pi * SHELF_HZ / sample_rate)
    high_gain = 10 ** (SHELF_GAIN_DB / 20)
    band_gain = high_gain**SHELF_BAND_EXPONENT
    a0 = 1 + k / SHELF_Q + k * k
    shelf_b = np.array(
        [
            (high_gain + band_gain * k / SHELF_Q + k * k) / a0,
            2 * (k * k - high_gain) / a0,
            (high_gain - band_gain * k / SHELF_Q + k * k) / a0,
        ]
    )
    shelf_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / SHELF_Q + k * k) / a0])
    k = math.tan(math.pi * HIGHPASS_HZ / sample_rate)
    a0 = 1 + k / HIGHPASS_Q + k * k
    highpass_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / HIGHPASS_Q + k * k) / a0])
    return [(shelf_b, shelf_a), (np.array([1.0, -2.0, 1.0]), highpass_a)]


IMPULSE_FLOOR = 1e-12
"""The K-weighting impulse response is cut where it stays below this share of its peak."""


@lru_cache(maxsize=8)
def k_weighting_response(sample_rate: int) -> NDArray[np.float64]:
    """The impulse response of both K-weighting biquads in cascade at ``sample_rate`` (zero initial state),
    up to where it has decayed below ``IMPULSE_FLOOR`` of its peak for good."""
    sections = [(b / a[0], a / a[0]) for b, a in k_weighting(sample_rate)]
    response: list[float] = []
    states = [[0.0, 0.0, 0.0, 0.0] for _ in sections]  # x[n-1], x[n-2], y[n-1], y[n-2] per section
    peak, quiet = 0.0, 0
    value = 1.0
    while quiet < 64:
        for (b, a), state in zip(sections, states, strict=True):
            x1, x2, y1, y2 = state
            y = b[0] * value + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
            state[:] = [value, x1, y, y1]
            value = y
        response.append(value)
        peak = max(peak, abs(value))
        quiet = quiet + 1 if abs(value) < IMPULSE_FLOOR * peak and len(response) > 2 else 0
        value = 0.0
    return np.asarray(response, dtype=np.float64)


def k_weighted(samples: NDArray[np.float64], sample_rate: int) -> NDArray[np.float64]:
    """``samples`` through the K-weighting filter (the biquads from rest), by FFT convolution."""
    response = k_weighting_response(sample_rate)
    size = 1 << (samples.size + response.size - 2).bit_length()
    spectrum = np.fft.rfft(samples, size) * np.fft.rfft(response, size)
    weighted: NDArray[np.float64] = np.fft.irfft(spectrum, size)[: samples.size]
    return weighted


def integrated_lufs(samples: NDArray[np.float64], sample_rate: int) -> float | None:
    """Integrated loudness of mono ``samples`` (full scale 1.0), or None when shorter than one block
    or entirely below the absolute gate."""
    block, step = round(BLOCK_S * sample_rate), round(STEP_S * sample_rate)
    if samples.size < block:
        return None
    weighted = k_weighted(samples, sample_rate)
    squares = np.cumsum(np.concatenate([[0.0], weighted * weighted]))
    starts = np.arange(0, samples.size - block + 1, step)
    mean_squares = (squares[starts + block] - squares[starts]) / block
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(mean_squares)
    gated = mean_squares[block_lufs > ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return None
    relative_gate = -0.691 + 10 * math.log10(float(gated.mean())) + RELATIVE_GATE_LU
    kept = mean_squares[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return -0.691 + 10 * math.log10(float(kept.mean()))


def normalise_loudness(
    samples: NDArray[np.float64], sample_rate: int, *, target_lufs: float, peak_dbfs: float
) -> tuple[NDArray[np.float64], float | None]:
    """Return ``samples`` brought to ``target_lufs`` under a ``peak_dbfs`` sample-peak ceiling, and the
    loudness reached. A clip too short or quiet to measure is only limited; None is returned for it."""
    ceiling = 10 ** (peak_dbfs / 20)
    measured = integrated_lufs(samples, sample_rate)
    if measured is None:
        return limit_peaks(samples, sample_rate, ceiling=ceiling), None
    gain_db = target_lufs - measured
    output, reached = samples, measured
    for _ in range(MAX_ROUNDS):
        gain_db = min(gain_db, MAX_GAIN_DB)
        output = limit_peaks(samples * 10 ** (gain_db / 20), sample_rate, ceiling=ceiling)
        result = integrated_lufs(output, sample_rate)
        if result is None:
            return output, None
        reached = result
        if abs(target_lufs - reached) <= TOLERANCE_LU:
            break
        gain_db += target_lufs - reached
    return output, reached
