"""One decode pass over a time range of a video: per-frame scores and measures, and keyframe candidates.

A range is a run of whole slots of the absolute clock (``first_bucket`` up to ``end_bucket``, in units of
the candidate slot length). A range that does not start the file seeks a little before its first frame
and feeds the frames before it through the scorer and the measures too, unrecorded, so its first frame
is scored against the frame before it exactly as in a pass from the start. Nothing here depends on what
was found earlier in the file (cuts are found afterwards, from the recorded scores), so the ranges of a
file can be analysed at once and joined into what one pass gives (:mod:`indexer.analyze`).
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import deque
from fractions import Fraction
from pathlib import Path

from indexer.analysis.frame_geometry import FrameGeometry
from indexer.analysis.frame_measures import FrameMeasurer, FrameMeasures
from indexer.analysis.frame_reader import FrameReader
from indexer.analysis.keyframes import (
    AFTER_CUT_FRAMES,
    CandidatePool,
    make_candidate,
    on_sampling_grid,
    slot_bucket,
)
from indexer.analysis.settled_shots import KeyframeSink, SettledShots
from indexer.analysis.shot_detection import ContentScorer
from indexer.analysis_types import AnalysisOptions
from montage.media.info import MediaInfo

PREROLL_S = (1.0, 10.0)
"""A range that does not start the file seeks this long before its first frame; when the seek lands too
late (MPEG-TS seeks by byte position and can land past the target), once more from further back."""
CONTEXT_FRAMES = AFTER_CUT_FRAMES + 2
"""Frames before a range whose scores its first frames depend on (possible cuts, the sampling grid)."""


@dataclasses.dataclass(frozen=True)
class TimeRange:
    """Slots ``[first_bucket, end_bucket)`` of ``bucket_s`` seconds (``end_bucket`` None: to the end)."""

    first_bucket: int
    end_bucket: int | None
    bucket_s: float

    @property
    def starts_file(self) -> bool:
        """True for the range that starts at the beginning of the file."""
        return self.first_bucket <= 0

    def owns(self, time_s: float) -> bool:
        """True when a frame shown at ``time_s`` belongs to this range (not to the one before)."""
        return self.starts_file or slot_bucket(time_s, self.bucket_s) >= self.first_bucket

    def past_end(self, time_s: float) -> bool:
        """True when a frame shown at ``time_s`` belongs to a later range."""
        return self.end_bucket is not None and slot_bucket(time_s, self.bucket_s) >= self.end_bucket


@dataclasses.dataclass
class RangeAnalysis:
    """What one range's pass recorded, one entry per frame it owns (indexes count from its first frame)."""

    times: list[float]
    numbers: list[int]
    scores: array[float]
    measures: FrameMeasures
    pool: CandidatePool
    last_frame_s: float
    decode_errors: int
    stopped_early: str | None
    irregular_timestamps: bool
    context_ok: bool
    """False when a range after the first could not see enough frames before its start."""


class _LateSeek(Exception):
    """The seek landed after the frames a range needs before its start."""


def analyse_range(
    path: Path,
    info: MediaInfo,
    geometry: FrameGeometry,
    settings: AnalysisOptions,
    time_range: TimeRange,
    *,
    threads: int,
    on_keyframe: KeyframeSink | None = None,
) -> RangeAnalysis:
    """Decode the frames of ``time_range`` once and record their scores, measures and candidates.

    ``on_keyframe`` gets the keyframes of shots settled during the pass (:mod:`.settled_shots`)."""

    def once(seek_s: float | None) -> RangeAnalysis:
        return _analyse_once(
            path,
            info,
            geometry,
            settings,
            time_range,
            threads=threads,
            seek_s=seek_s,
            on_keyframe=on_keyframe,
        )

    if time_range.starts_file:
        return once(None)
    start_s = time_range.first_bucket * time_range.bucket_s
    for preroll_s in PREROLL_S:
        try:
            return once(start_s - preroll_s)
        except _LateSeek:
            continue
    return _late_seek_result()


def _late_seek_result() -> RangeAnalysis:
    """What a range reports when no seek landed early enough: nothing, so the file is analysed in one pass."""
    return RangeAnalysis(
        times=[], numbers=[], scores=array("d"), measures=FrameMeasurer().result(), pool=CandidatePool(),
        last_frame_s=0.0, decode_errors=0, stopped_early=None, irregular_timestamps=False, context_ok=False,
    )  # fmt: skip


def _analyse_once(
    path: Path,
    info: MediaInfo,
    geometry: FrameGeometry,
    settings: AnalysisOptions,
    time_range: TimeRange,
    *,
    threads: int,
    seek_s: float | None,
    on_keyframe: KeyframeSink | None,
) -> RangeAnalysis:
    reader = FrameReader(info, geometry, threads=threads, seek_s=seek_s, stop_at=time_range.past_end)
    fps = Fraction(*info.fps) if info.fps is not None else None
    settled = (
        None
        if on_keyframe is None
        else SettledShots(
            on_keyframe,
            starts_file=time_range.starts_file,
            min_shot_s=settings.min_shot_s,
            max_shot_s=settings.max_shot_s,
            fps=fps,
        )
    )
    scorer = ContentScorer()
    measurer = FrameMeasurer()
    pool = CandidatePool()
    times: list[float] = []
    numbers: list[int] = []
    scores: array[float] = array("d")
    recent_starts: deque[bool] = deque([False] * AFTER_CUT_FRAMES, maxlen=AFTER_CUT_FRAMES)
    previous_time: float | None = None
    previous_above = False
    seen_before = 0
    slot_bucket_number, slot_cut = -1, -1
    last_frame_s = 0.0
    frames = reader.__iter__()
    try:
        for frame in frames:
            owned = time_range.owns(frame.time_s)
            black = measurer.add(frame.pixels, record=owned)
            score = scorer.score(frame.pixels)
            above = score >= settings.threshold
            possible_cut = above and not previous_above
            due = on_sampling_grid(previous_time, frame.time_s, settings.keyframe_candidates_per_second)
            due = due or recent_starts[0]
            recent_starts.append(possible_cut)
            previous_time, previous_above = frame.time_s, above
            if not owned:
                seen_before += 1
                continue
            if not times and not time_range.starts_file and seen_before < CONTEXT_FRAMES:
                raise _LateSeek
            index = len(times)
            times.append(frame.time_s)
            numbers.append(frame.frame_number)
            scores.append(score)
            bucket = slot_bucket(frame.time_s, time_range.bucket_s)
            if bucket != slot_bucket_number:
                slot_bucket_number, slot_cut = bucket, -1
            if possible_cut:
                slot_cut = index
            if due:
                rgb = reader.render_keyframe(frame)
                pool.add(make_candidate(index, frame.time_s, rgb, black=black), (bucket, slot_cut))
            if settled is not None:
                settled.frame(frame.frame_number, above, numbers, times, pool)
            last_frame_s = frame.time_s + _frame_duration(frame.source.duration, frame.source.time_base, fps)
    finally:
        frames.close()  # stops the decode threads at once
    return RangeAnalysis(
        times=times,
        numbers=numbers,
        scores=scores,
        measures=measurer.result(),
        pool=pool,
        last_frame_s=last_frame_s,
        decode_errors=reader.decode_errors,
        stopped_early=reader.stopped_early,
        irregular_timestamps=reader.irregular_timestamps,
        context_ok=time_range.starts_file or seen_before >= CONTEXT_FRAMES,
    )


def _frame_duration(duration: int | None, time_base: Fraction | None, fps: Fraction | None) -> float:
    """How long a decoded frame is shown: its own duration, else one frame at the nominal rate."""
    if duration and time_base:
        return float(duration * time_base)
    return 1.0 / float(fps) if fps else 0.04
