"""Analyse a video in one decode pass: shots, keyframes, quality measures and perceptual hashes.

During the pass every frame is decoded once and scaled to ``analysis_width``; the small frame feeds
PySceneDetect's ContentDetector and the per-frame measures (brightness, black, motion), and a few frames
a second are rendered upright at ``keyframe_width`` as keyframe candidates. After the pass the cuts
become shots, shots longer than ``max_shot_s`` are split into near-equal sub-shots, and each shot gets
its keyframe, quality and pHash. See docs/indexing.md for the thresholds and the quality formula.
"""

from __future__ import annotations

import dataclasses
import time
from bisect import bisect_left
from fractions import Fraction
from pathlib import Path

import numpy as np

from indexer.analysis.frame_geometry import frame_geometry
from indexer.analysis.frame_measures import FrameMeasurer, FrameMeasures
from indexer.analysis.frame_reader import FrameReader
from indexer.analysis.keyframes import CandidatePool, CandidateSchedule, best_candidate, make_candidate
from indexer.analysis.phash import phash64
from indexer.analysis.quality import shot_quality
from indexer.analysis.shot_detection import CutDetector, shot_ranges, split_long_shot
from indexer.analysis.timing import timestamps_are_variable
from indexer.analysis_types import AnalysisOptions, ShotAnalysis, VideoAnalysis
from montage.errors import MediaError
from montage.media.info import MediaInfo

CANDIDATE_BUCKETS_PER_MAX_SHOT = 8
"""While a shot is open, one candidate is kept per ``max_shot_s / 8`` seconds (1 s by default)."""
TRUNCATION_SLACK_S = 1.0
"""Decoding may end this much (or 5 %) before the stream's duration without the file counting as partial."""


@dataclasses.dataclass
class _PassState:
    """What the decode pass collects."""

    times: list[float]
    numbers: list[int]
    cuts: list[int]
    last_frame_s: float


def analyze_video(path: Path, info: MediaInfo, settings: AnalysisOptions) -> VideoAnalysis:
    """Decode ``path`` once and return its shots with keyframes, quality and pHash.

    Raises:
        MediaError: the file cannot be opened for decoding or not a single frame decodes
            (code ``corrupt_media``); damage after some frames only makes the result ``partial``.
    """
    started = time.perf_counter()
    info = dataclasses.replace(info, path=path) if info.path != path else info
    fps = Fraction(*info.fps) if info.fps is not None else None
    geometry = frame_geometry(info, settings.analysis_width, settings.keyframe_width)
    reader = FrameReader(info, geometry, threads=settings.decode_threads)
    detector = CutDetector(threshold=settings.threshold, min_shot_s=settings.min_shot_s, fps=fps)
    measurer = FrameMeasurer()
    schedule = CandidateSchedule(settings.keyframe_candidates_per_second)
    pool = CandidatePool(settings.max_shot_s / CANDIDATE_BUCKETS_PER_MAX_SHOT)
    state = _PassState(times=[], numbers=[], cuts=[], last_frame_s=0.0)

    for frame in reader:
        state.times.append(frame.time_s)
        state.numbers.append(frame.frame_number)
        black = measurer.add(frame.pixels)
        for cut_number in detector.feed(frame.frame_number, frame.pixels):
            _on_cut(state, pool, schedule, bisect_left(state.numbers, cut_number), settings.max_shot_s)
        if schedule.due(frame.index, frame.time_s):
            rgb = reader.render_keyframe(frame)
            pool.add(make_candidate(frame.index, frame.time_s, rgb, black=black))
        state.last_frame_s = frame.time_s + _frame_duration(
            frame.source.duration, frame.source.time_base, fps
        )
    for cut_number in detector.finish():
        state.cuts.append(bisect_left(state.numbers, cut_number))
    if not state.times:
        reason = reader.stopped_early or "no frame of the video stream could be decoded"
        raise MediaError(f"{path}: {reason}", code="corrupt_media")

    measures = measurer.result()
    shots = _shots(state, pool, measures, settings.max_shot_s)
    partial_reason = _partial_reason(info, reader.decode_errors, reader.stopped_early, state.last_frame_s)
    if not info.is_vfr and timestamps_are_variable(state.times, fps):
        info = dataclasses.replace(info, is_vfr=True)
    return VideoAnalysis(
        info=info,
        shots=shots,
        frames_decoded=len(state.times),
        partial=partial_reason is not None,
        decode_errors=reader.decode_errors,
        decode_seconds=time.perf_counter() - started,
        partial_reason=partial_reason,
    )


def _on_cut(
    state: _PassState, pool: CandidatePool, schedule: CandidateSchedule, cut: int, max_shot_s: float
) -> None:
    """Record a cut found during the pass and drop candidates that can no longer win."""
    previous = state.cuts[-1] if state.cuts else 0
    if cut <= previous or cut >= len(state.times):
        return
    state.cuts.append(cut)
    ranges = split_long_shot(previous, cut, state.times, state.times[cut], max_shot_s)
    pool.close_shot(cut, state.times[cut], ranges)
    schedule.restart_at_cut(cut)


def _shots(
    state: _PassState, pool: CandidatePool, measures: FrameMeasures, max_shot_s: float
) -> list[ShotAnalysis]:
    count = len(state.times)
    shots: list[ShotAnalysis] = []
    for start, end in shot_ranges(state.cuts, count):
        end_s = state.times[end] if end < count else state.last_frame_s
        for sub_start, sub_end in split_long_shot(start, end, state.times, end_s, max_shot_s):
            sub_end_s = state.times[sub_end] if sub_end < count else state.last_frame_s
            shots.append(_shot(len(shots), sub_start, sub_end, sub_end_s, state, pool, measures))
    return shots


def _shot(
    ordinal: int,
    start: int,
    end: int,
    end_s: float,
    state: _PassState,
    pool: CandidatePool,
    measures: FrameMeasures,
) -> ShotAnalysis:
    start_s = state.times[start]
    sharpness_values = pool.sharpness_in_range(start, end)
    motion = measures.motion[start + 1 : end]
    quality = shot_quality(
        sharpness=float(np.median(sharpness_values)) if sharpness_values else 0.0,
        brightness=float(measures.brightness[start:end].mean()),
        black_fraction=float(measures.black[start:end].mean()),
        motion=float(motion.mean()) if motion.size else 0.0,
        duration_s=end_s - start_s,
    )
    winner = best_candidate(pool.in_range(start, end))
    keyframe = winner.image() if winner is not None else None
    end_frame = state.numbers[end] if end < len(state.numbers) else state.numbers[-1] + 1
    return ShotAnalysis(
        index=ordinal,
        start_frame=state.numbers[start],
        end_frame=end_frame,
        start_s=round(start_s, 6),
        end_s=round(end_s, 6),
        keyframe=keyframe,
        keyframe_time_s=None if winner is None else round(winner.time_s, 6),
        quality=quality,
        phash=phash64(keyframe) if keyframe is not None else 0,
    )


def _frame_duration(duration: int | None, time_base: Fraction | None, fps: Fraction | None) -> float:
    if duration and time_base:
        return float(duration * time_base)
    return 1.0 / float(fps) if fps else 0.04


def _partial_reason(
    info: MediaInfo, errors: int, stopped_early: str | None, decoded_until_s: float
) -> str | None:
    if stopped_early is not None:
        return stopped_early
    expected = info.video_end_s
    if expected is not None and decoded_until_s < expected - max(TRUNCATION_SLACK_S, 0.05 * expected):
        return f"decoding ended at {decoded_until_s:.2f} s of {expected:.2f} s (truncated or damaged file)"
    if errors:
        return f"{errors} damaged packet(s) or frame(s) were skipped"
    return None
