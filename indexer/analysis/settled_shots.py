"""Keyframes of shots that are settled while a pass is still decoding, so they can be embedded early.

The shots of a file are decided after its pass (:mod:`indexer.analyze` joins the time ranges first), so
embedding their keyframes would wait for the whole file. But a shot closed by a cut the merge filter has
already decided rarely changes: fed the same frames, the filter decides the same cuts, and a shot's
keyframe depends only on its bounds. :class:`SettledShots` runs the filter alongside a range's pass and
offers the keyframe of every shot (and sub-shot) between two cuts it decided. It is a prediction, never
a result: in the first range it is exact; in a later range the shots before its first decided cut are
skipped (the filter has not seen the frames before the range) and any later one that the joined pass
cuts differently just gets its keyframe embedded at the end, as every keyframe did before. Whoever
embeds the offered keyframes keys them by their bytes, so only identical pictures reuse a vector.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from fractions import Fraction

from indexer.analysis.keyframes import CandidatePool, KeyframeCandidate, best_candidate
from indexer.analysis.shot_detection import CutTracker, split_long_shot

KeyframeSink = Callable[[KeyframeCandidate], None]
"""Called with the keyframe candidate of a settled shot, from the thread of the pass (may be several)."""


class SettledShots:
    """Feed a range's owned frames in order; the keyframes of settled shots go to ``sink``."""

    def __init__(
        self,
        sink: KeyframeSink,
        *,
        starts_file: bool,
        min_shot_s: float,
        max_shot_s: float,
        fps: Fraction | None,
    ) -> None:
        self._sink = sink
        self._tracker = CutTracker(min_shot_s=min_shot_s, fps=fps)
        self._max_shot_s = max_shot_s
        self._last_cut: int | None = 0 if starts_file else None

    def frame(
        self, number: int, above: bool, numbers: Sequence[int], times: Sequence[float], pool: CandidatePool
    ) -> None:
        """The range's latest frame (already appended to ``numbers`` and ``times``, its candidate to
        ``pool``) and whether its score reached the threshold."""
        for cut_number in self._tracker.feed(number, above):
            cut = bisect_left(numbers, cut_number)
            if not 0 < cut < len(numbers):
                continue
            start, self._last_cut = self._last_cut, cut
            if start is None or cut <= start:
                continue
            for part_start, part_end in split_long_shot(start, cut, times, times[cut], self._max_shot_s):
                winner = best_candidate(pool.in_range(part_start, part_end))
                if winner is not None:
                    self._sink(winner)
