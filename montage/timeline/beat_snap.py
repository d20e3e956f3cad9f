"""Move cuts onto music beats when a beat is near, keeping every segment within its length limits."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from montage.timeline.frame_grid import snap_to_frame


def _nearest_beat(beats: Sequence[float], time_s: float) -> float | None:
    position = bisect.bisect_left(beats, time_s)
    near = [beats[i] for i in (position - 1, position) if 0 <= i < len(beats)]
    if not near:
        return None
    return min(near, key=lambda b: (abs(b - time_s), b))


def snap_cuts_to_beats(
    cuts: Sequence[float],
    beats: Sequence[float],
    *,
    max_shift_s: float,
    min_length_s: float,
    max_length_s: float,
    fps: float,
) -> list[float]:
    """Return ``cuts`` (boundaries including 0 and the end, ascending) with inner cuts moved onto beats.

    A cut moves to its nearest beat (on the frame grid) when that is at most ``max_shift_s`` away and both
    neighbouring segments stay within ``[min_length_s, max_length_s]``; the neighbours absorb the change,
    so the segments still tile the same total time. The first and last boundary never move.
    """
    ordered_beats = sorted(beats)
    result = list(cuts)
    if not ordered_beats or len(result) < 3:
        return result
    for i in range(1, len(result) - 1):
        beat = _nearest_beat(ordered_beats, result[i])
        if beat is None:
            continue
        moved = snap_to_frame(beat, fps)
        if abs(moved - result[i]) > max_shift_s + 1e-9:
            continue
        left, right = moved - result[i - 1], result[i + 1] - moved
        if (
            min_length_s - 1e-9 <= left <= max_length_s + 1e-9
            and min_length_s - 1e-9 <= right <= max_length_s + 1e-9
        ):
            result[i] = moved
    return result
