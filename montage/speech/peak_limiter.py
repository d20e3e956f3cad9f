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


def trailing_minimum(values: NDArray[np.float64], window: int) -> NDArray[np.float64]:
    """``out[m] = min(values[max(0, m - window + 1) .. m])``, exactly, in O(n) (van Herk / Gil-Werman:
    minima from each block's start and to each block's end, blocks ``window`` long; any window spans at
    most two blocks)."""
    if window <= 1 or values.size == 0:
        return values.copy()
    padded = np.concatenate([np.full(window - 1, values[0]), values])  # the first value repeats before it
    blocks = -(-padded.size // window)
    grid = np.full(blocks * window, np.inf)
    grid[: padded.size] = padded
    rows = grid.reshape(blocks, window)
    from_start = np.minimum.accumulate(rows, axis=1).ravel()
    to_end = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(values.size)
    held: NDArray[np.float64] = np.minimum(to_end[starts], from_start[starts + window - 1])
    return held


def limit_peaks(samples: NDArray[np.float64], sample_rate: int, *, ceiling: float) -> NDArray[np.float64]:
    """Return ``samples`` (floats, full scale 1.0) with every sample peak at or below ``ceiling``."""
    magnitude = np.abs(samples)
    if samples.size == 0 or float(magnitude.max()) <= ceiling:
        return samples
    window = max(1, round(WINDOW_S * sample_rate))
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    # Trailing minimum: held[m] = min(needed[m - window + 1 .. m]).
    held = trailing_minimum(needed, window)
    # Leading mean: gain[n] = mean(held[n .. n + window - 1]).
    padded = np.concatenate([held, np.full(window - 1, held[-1])])
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    gain = (sums[window:] - sums[:-window]) / window
    limited = samples * gain[: samples.size]
    clipped: NDArray[np.float64] = np.clip(limited, -ceiling, ceiling)
    return clipped
