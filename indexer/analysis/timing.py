"""Checks on decoded presentation timestamps."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

IRREGULAR_SHARE = 0.01
"""More than this share of irregular frame intervals makes a stream variable-frame-rate."""
TIMESTAMP_SLACK_S = 0.0015
"""Intervals may be off by this much (millisecond container timestamps) and still count as regular."""


def timestamps_are_variable(times_s: Sequence[float], fps: Fraction | None) -> bool:
    """True when over 1 % of the frame intervals differ from ``1/fps`` by more than 5 % (and 1.5 ms)."""
    if fps is None or fps <= 0 or len(times_s) < 3:
        return False
    intervals = np.diff(np.asarray(times_s, dtype=np.float64))
    nominal = 1.0 / float(fps)
    allowed = max(0.05 * nominal, TIMESTAMP_SLACK_S)
    irregular = int(np.count_nonzero(np.abs(intervals - nominal) > allowed))
    return irregular > IRREGULAR_SHARE * len(intervals)
