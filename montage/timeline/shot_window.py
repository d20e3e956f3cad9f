"""Which part of a shot to use: away from its edges and the source's own cuts, where something happens.

A shot's activity profile (``montage.media.shot_activity``) says how much the picture changes through
it; a piece goes where it shows clearly more motion (``activity_gain``) than at its default place — a car
driving in rather than the empty car park before it.
"""

from __future__ import annotations

import itertools
import math

from montage.media.shot_activity import ACTIVITY_STEP_S, mean_activity
from montage.options.alignment import AlignmentOptions
from montage.timeline.plan_inputs import CandidateShot


def edge_margin_s(shot: CandidateShot, options: AlignmentOptions) -> float:
    """The safety margin in seconds: ``edge_margin_frames`` frames of the source."""
    fps = shot.source_fps or options.default_source_fps
    return options.edge_margin_frames / fps


def clean_ranges(shot: CandidateShot, options: AlignmentOptions) -> list[tuple[float, float]]:
    """Parts of the shot that keep the margin from its edges and from every source cut inside it."""
    margin = edge_margin_s(shot, options)
    inner_cuts = sorted(t for t in shot.source_cut_points_s if shot.shot_start_s < t < shot.shot_end_s)
    edges = [shot.shot_start_s, *inner_cuts, shot.shot_end_s]
    ranges: list[tuple[float, float]] = []
    for left, right in itertools.pairwise(edges):
        low, high = left + margin, right - margin
        if high > low:
            ranges.append((low, high))
    return ranges


def usable_length(shot: CandidateShot, options: AlignmentOptions) -> float:
    """The longest clean stretch of the shot, in seconds (0 when none)."""
    return max((high - low for low, high in clean_ranges(shot, options)), default=0.0)


def choose_window(
    shot: CandidateShot, duration_s: float, options: AlignmentOptions
) -> tuple[float, float] | None:
    """In and out points for ``duration_s`` seconds of the shot, or None when no clean stretch is long enough.

    The window (plus the transition handle after it) lies in a clean stretch and is centred on the middle
    of the shot as far as that stretch allows (or moved to clearly more activity, :func:`active_start`);
    among several fitting stretches the one nearest the middle wins.
    """
    needed = duration_s + options.transition_handle_s
    middle = (shot.shot_start_s + shot.shot_end_s) / 2
    fitting = [(low, high) for low, high in clean_ranges(shot, options) if high - low >= needed - 1e-9]
    if not fitting:
        return None

    def distance(bounds: tuple[float, float]) -> float:
        low, high = bounds
        return 0.0 if low <= middle <= high else min(abs(low - middle), abs(high - middle))

    low, high = min(fitting, key=distance)
    start = min(max(middle - needed / 2, low), high - needed)
    start = round(active_start(shot, low, high, needed, start, options), 6)
    return start, round(start + duration_s, 6)


def active_start(
    shot: CandidateShot, low: float, high: float, length: float, default: float, options: AlignmentOptions
) -> float:
    """Where a piece of ``length`` source seconds starts in the free stretch ``[low, high]``: at
    ``default`` unless another start shows at least ``activity_gain`` more mean motion, then at the most
    active start (the earliest on a tie). Starts are tried on every profile step and at either end of the
    stretch. Callers pass stretches no other piece uses, so moving a piece takes nothing from another.
    """
    gain = options.activity_gain
    profile = shot.activity
    if gain is None or not profile or high - low - length < ACTIVITY_STEP_S - 1e-9:
        return default
    latest = high - length
    first = math.ceil((low - shot.shot_start_s) / ACTIVITY_STEP_S - 1e-9)
    last = math.floor((latest - shot.shot_start_s) / ACTIVITY_STEP_S + 1e-9)
    tries = [low, *(shot.shot_start_s + step * ACTIVITY_STEP_S for step in range(first, last + 1)), latest]

    def motion(at: float) -> float:
        return mean_activity(profile, shot.shot_start_s, at, at + length)

    best = max(tries, key=lambda at: (motion(at), -at))
    return best if motion(best) >= motion(default) + gain else default
