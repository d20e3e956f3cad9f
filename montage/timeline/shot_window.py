"""Which part of a shot to use: away from its edges and the source's own cuts, centred on the shot."""

from __future__ import annotations

import itertools

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
    of the shot as far as that stretch allows; among several fitting stretches the one nearest the middle
    wins.
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
    start = round(start, 6)
    return start, round(start + duration_s, 6)
