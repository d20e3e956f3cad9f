"""Analyse a video: shots, keyframes, quality measures and perceptual hashes, every frame decoded once.

Every frame is decoded once and scaled to ``analysis_width``; the small frame feeds the cut score
(PySceneDetect's ContentDetector score) and the per-frame measures (brightness, black, motion), and a
few frames a second are rendered upright at ``keyframe_width`` as keyframe candidates
(:mod:`indexer.analysis.range_pass`). Then the scores become cuts (PySceneDetect's merge filter), the
cuts become shots, shots longer than ``max_shot_s`` are split into near-equal sub-shots, and each shot
gets its keyframe, quality and pHash. See docs/indexing.md for the thresholds and the quality formula.

A file at least ``2 * min_part_s`` long is cut into ``parts`` time ranges that are decoded at once, in
threads, each by a single-threaded decoder (FFmpeg and libswscale work outside the GIL): one decoder
per core keeps both cores of a 2-core machine busy, where one frame-threaded decoder leaves a quarter
idle. The ranges join into exactly what one pass from the start gives (the per-frame records are the
same and every decision that depends on earlier frames is taken after joining); where a range could
not be decoded the same way (missing or backwards timestamps, damage, a seek that failed or landed late)
the file is analysed again in one pass.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import time
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import numpy as np

from indexer.analysis.frame_geometry import FrameGeometry, frame_geometry
from indexer.analysis.frame_measures import FrameMeasures
from indexer.analysis.frame_reader import distinct_numbers
from indexer.analysis.keyframes import CandidatePool, best_candidate
from indexer.analysis.phash import phash64
from indexer.analysis.quality import shot_quality
from indexer.analysis.range_pass import RangeAnalysis, TimeRange, analyse_range
from indexer.analysis.settled_shots import KeyframeSink
from indexer.analysis.shot_detection import cut_frames, shot_ranges, split_long_shot
from indexer.analysis.timing import timestamps_are_variable
from indexer.analysis_types import AnalysisOptions, ShotAnalysis, VideoAnalysis
from montage.errors import MediaError
from montage.media.info import MediaInfo
from montage.media.shot_activity import activity_profile

log = logging.getLogger(__name__)

CANDIDATE_BUCKETS_PER_MAX_SHOT = 8
"""One keyframe candidate is kept per ``max_shot_s / 8`` seconds of the clock (1 s by default)."""
TRUNCATION_SLACK_S = 1.0
"""Decoding may end this much (or 5 %) before the stream's duration without the file counting as partial."""


@dataclasses.dataclass
class _Frames:
    """The joined per-frame records of a file."""

    times: list[float]
    numbers: list[int]
    cuts: list[int]
    measures: FrameMeasures
    pool: CandidatePool
    last_frame_s: float


def analyze_video(
    path: Path, info: MediaInfo, settings: AnalysisOptions, *, on_keyframe: KeyframeSink | None = None
) -> VideoAnalysis:
    """Decode ``path`` once and return its shots with keyframes, quality and pHash.

    ``on_keyframe`` is offered, during the pass and from its threads, the keyframes of shots that are
    already settled (a prediction: see :mod:`indexer.analysis.settled_shots`), so they can be embedded
    while the rest of the file decodes.

    Raises:
        MediaError: the file cannot be opened for decoding or not a single frame decodes
            (code ``corrupt_media``); damage after some frames only makes the result ``partial``.
    """
    started = time.perf_counter()
    info = dataclasses.replace(info, path=path) if info.path != path else info
    geometry = frame_geometry(info, settings.analysis_width, settings.keyframe_width)
    bucket_s = settings.max_shot_s / CANDIDATE_BUCKETS_PER_MAX_SHOT
    ranges = time_ranges(info, settings, bucket_s)
    parts: list[RangeAnalysis] | None = None
    if len(ranges) > 1:
        try:
            with ThreadPoolExecutor(len(ranges), thread_name_prefix="analysis-range") as threads:
                parts = list(
                    threads.map(
                        lambda r: analyse_range(
                            path, info, geometry, settings, r, threads=1, on_keyframe=on_keyframe
                        ),
                        ranges,
                    )
                )
        except Exception as exc:  # e.g. a container that refuses to seek: the one pass below decides
            log.debug("%s: time ranges failed (%s); analysing in one pass", path, exc)
            parts = None
        if parts is not None and not all(_joins_exactly(part) for part in parts):
            parts = None  # analysed again in one pass, which is what the ranges must match
    if parts is None:
        parts = [_whole_file(path, info, geometry, settings, bucket_s, on_keyframe)]
    last = parts[-1]
    if not any(part.times for part in parts):
        reason = last.stopped_early or "no frame of the video stream could be decoded"
        raise MediaError(f"{path}: {reason}", code="corrupt_media")
    frames = _join(parts, settings, info)
    shots = _shots(frames, settings.max_shot_s)
    errors = sum(part.decode_errors for part in parts)
    partial_reason = _partial_reason(info, errors, last.stopped_early, frames.last_frame_s)
    fps = Fraction(*info.fps) if info.fps is not None else None
    if not info.is_vfr and timestamps_are_variable(frames.times, fps):
        info = dataclasses.replace(info, is_vfr=True)
    return VideoAnalysis(
        info=info,
        shots=shots,
        frames_decoded=len(frames.times),
        partial=partial_reason is not None,
        decode_errors=errors,
        decode_seconds=time.perf_counter() - started,
        partial_reason=partial_reason,
        ranges=len(parts),
    )


def time_ranges(info: MediaInfo, settings: AnalysisOptions, bucket_s: float) -> list[TimeRange]:
    """The time ranges a file is analysed in at once: one per part (``parts``, 0 = one per CPU), each
    at least ``min_part_s`` long and a whole number of candidate slots; one range for a short file, a
    variable-rate file or one of unknown length."""
    wanted = settings.parts or os.cpu_count() or 1
    duration = info.video_end_s
    if wanted <= 1 or duration is None or info.fps is None or info.is_vfr or settings.min_part_s <= 0:
        return [TimeRange(0, None, bucket_s)]
    count = min(wanted, math.floor(duration / settings.min_part_s))
    if count <= 1:
        return [TimeRange(0, None, bucket_s)]
    slots = duration / bucket_s
    starts = [round(k * slots / count) for k in range(count)]
    ends: list[int | None] = [*starts[1:], None]
    return [TimeRange(first, end, bucket_s) for first, end in zip(starts, ends, strict=True)]


def _whole_file(
    path: Path,
    info: MediaInfo,
    geometry: FrameGeometry,
    settings: AnalysisOptions,
    bucket_s: float,
    on_keyframe: KeyframeSink | None,
) -> RangeAnalysis:
    whole = TimeRange(0, None, bucket_s)
    return analyse_range(
        path, info, geometry, settings, whole, threads=settings.decode_threads, on_keyframe=on_keyframe
    )


def _joins_exactly(part: RangeAnalysis) -> bool:
    """True when a range's records are what a pass from the start records for its frames."""
    return (
        part.context_ok
        and not part.irregular_timestamps
        and part.decode_errors == 0
        and part.stopped_early is None
        and bool(part.times)
    )


def _join(parts: list[RangeAnalysis], settings: AnalysisOptions, info: MediaInfo) -> _Frames:
    """Join the ranges' records in order and find the cuts over all of them."""
    times = [t for part in parts for t in part.times]
    numbers = distinct_numbers(n for part in parts for n in part.numbers)
    above = [score >= settings.threshold for part in parts for score in part.scores]
    pool = CandidatePool()
    offset = 0
    for part in parts:
        pool.extend(part.pool, offset)
        offset += len(part.times)
    fps = Fraction(*info.fps) if info.fps is not None else None
    cuts: list[int] = []
    for cut_number in cut_frames(numbers, above, min_shot_s=settings.min_shot_s, fps=fps):
        cut = bisect_left(numbers, cut_number)
        if (not cuts or cut > cuts[-1]) and 0 < cut < len(times):
            cuts.append(cut)
    last_frame_s = next((part.last_frame_s for part in reversed(parts) if part.times), 0.0)
    measures = FrameMeasures.joined([part.measures for part in parts])
    return _Frames(times, numbers, cuts, measures, pool, last_frame_s)


def _shots(frames: _Frames, max_shot_s: float) -> list[ShotAnalysis]:
    count = len(frames.times)
    shots: list[ShotAnalysis] = []
    for start, end in shot_ranges(frames.cuts, count):
        end_s = frames.times[end] if end < count else frames.last_frame_s
        for sub_start, sub_end in split_long_shot(start, end, frames.times, end_s, max_shot_s):
            sub_end_s = frames.times[sub_end] if sub_end < count else frames.last_frame_s
            shots.append(_shot(len(shots), sub_start, sub_end, sub_end_s, frames))
    return shots


def _shot(ordinal: int, start: int, end: int, end_s: float, frames: _Frames) -> ShotAnalysis:
    pool, measures = frames.pool, frames.measures
    start_s = frames.times[start]
    sharpness_values = pool.sharpness_in_range(start, end)
    motion = measures.motion[start + 1 : end]
    quality = shot_quality(
        sharpness=float(np.median(sharpness_values)) if sharpness_values else 0.0,
        brightness=float(measures.brightness[start:end].mean()),
        black_fraction=float(measures.black[start:end].mean()),
        motion=float(motion.mean()) if motion.size else 0.0,
        duration_s=end_s - start_s,
    )
    activity = activity_profile(np.asarray(frames.times[start + 1 : end]), motion, start_s, end_s)
    winner = best_candidate(pool.in_range(start, end))
    keyframe = winner.image() if winner is not None else None
    end_frame = frames.numbers[end] if end < len(frames.numbers) else frames.numbers[-1] + 1
    return ShotAnalysis(
        index=ordinal,
        start_frame=frames.numbers[start],
        end_frame=end_frame,
        start_s=round(start_s, 6),
        end_s=round(end_s, 6),
        keyframe=keyframe,
        keyframe_time_s=None if winner is None else round(winner.time_s, 6),
        quality=quality,
        phash=phash64(keyframe) if keyframe is not None else 0,
        activity=activity,
    )


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
