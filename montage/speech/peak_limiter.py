"""A look-ahead sample-peak limiter that cannot overshoot, in numpy.

For every sample the gain that would keep it at the ceiling is ``min(1, ceiling / |x|)``. Taking the
minimum of that over a trailing window of W samples and then averaging over a leading window of W
samples gives a smooth gain (W-sample attack and release) that is never above the needed gain at any
sample: each averaged value's window contains the sample itself. So no output sample exceeds the ceiling.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

WINDOW_S = 0.005


def limit_peaks(samples: NDArray[np.float64], sample_rate: int, *, ceiling: float) -> NDArray[np.float64]:
    """Return ``samples`` (floats, full scale 1.0) with every sample peak at or below ``ceiling``."""
    magnitude = np.abs(samples)
    if samples.size == 0 or float(magnitude.max()) <= ceiling:
        return samples
    from scipy.ndimage import minimum_filter1d  # on first use: a second of start-up otherwise

    window = max(1, round(WINDOW_S * sample_rate))
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    # Trailing minimum: held[m] = min(needed[m - window + 1 .. m]).
    held = minimum_filter1d(needed, size=window, origin=(window - 1) // 2, mode="nearest")
    # Leading mean: gain[n] = mean(held[n .. n + window - 1]).
    padded = np.concatenate([held, np.full(window - 1, held[-1])])
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    gain = (sums[window:] - sums[:-window]) / window
    limited = samples * gain[: samples.size]
    clipped: NDArray[np.float64] = np.clip(limited, -ceiling, ceiling)
    return clipped
