"""A shot's activity profile: how much the picture changes, step by step through the shot.

The indexer measures motion on every analysed frame (mean absolute luma change to the previous frame,
0-255 at analysis size). A shot keeps those values averaged over ``ACTIVITY_STEP_S`` steps from its start,
so the planner can place a piece where something happens (a car drives in, a person walks through)
rather than on the empty lot before it. Static camera noise measures ~0.1-0.3; a moving subject 1-10.
Stored in the database as text (one decimal per step, space separated; ~16 steps for an 8 s shot).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

ACTIVITY_STEP_S = 0.5
"""Length of one step of the profile, in seconds of the source."""


def activity_profile(
    times_s: NDArray[np.float64], motion: NDArray[np.float64], start_s: float, end_s: float
) -> tuple[float, ...]:
    """Mean motion per step of ``[start_s, end_s)``; a step without an analysed frame repeats the one
    before it (0.0 at the start). ``times_s`` and ``motion`` are per analysed frame, ``motion[i]`` the
    change from frame ``i - 1`` to frame ``i``."""
    steps = max(1, int(np.ceil((end_s - start_s) / ACTIVITY_STEP_S - 1e-9)))
    inside = (times_s >= start_s) & (times_s < end_s)
    if not inside.any():
        return (0.0,) * steps
    index = np.minimum(((times_s[inside] - start_s) / ACTIVITY_STEP_S).astype(np.int64), steps - 1)
    sums = np.bincount(index, weights=motion[inside], minlength=steps)
    counts = np.bincount(index, minlength=steps)
    profile: list[float] = []
    last = 0.0
    for total, count in zip(sums, counts, strict=True):
        last = float(total / count) if count else last
        profile.append(round(last, 1))
    return tuple(profile)


def encode_activity(profile: tuple[float, ...]) -> str:
    """The profile as stored: one decimal per step, space separated."""
    return " ".join(f"{value:.1f}" for value in profile)


def decode_activity(text: str | None) -> tuple[float, ...]:
    """The stored profile; empty for a shot indexed before profiles were kept (or unreadable text)."""
    if not text:
        return ()
    try:
        return tuple(float(value) for value in text.split())
    except ValueError:
        return ()


def mean_activity(profile: tuple[float, ...], shot_start_s: float, start_s: float, end_s: float) -> float:
    """Mean of the profile over ``[start_s, end_s)`` of the source (steps weighted by their overlap)."""
    if not profile or end_s <= start_s:
        return 0.0
    total = 0.0
    for step, value in enumerate(profile):
        low = shot_start_s + step * ACTIVITY_STEP_S
        overlap = min(end_s, low + ACTIVITY_STEP_S) - max(start_s, low)
        if overlap > 0:
            total += overlap * value
    return total / (end_s - start_s)
