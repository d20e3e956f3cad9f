"""The per-file work of an index run, done in a worker process: fingerprint, probe, analyse, subtitles.

Everything returned is plain picklable data (keyframes as JPEG bytes), so the parent process can write a
file's results to the database in one transaction. A worker set up with :func:`offer_keyframes_to` also
offers a long file's settled keyframes during the pass, for the parent to embed early.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from PIL import Image

from indexer.analysis.keyframes import KeyframeCandidate
from indexer.analysis.settled_shots import KeyframeSink
from indexer.analysis_types import AnalysisOptions
from indexer.analyze import analyze_video
from indexer.discover import content_fingerprint
from indexer.embedded_subtitles import extract_embedded_subtitles
from montage.errors import MediaError, MontageError
from montage.media.info import MediaInfo
from montage.media.probe import probe
from montage.text.cues import Cue


@dataclass(frozen=True)
class FileJob:
    """What a worker needs to index one file."""

    path: Path
    analysis: AnalysisOptions
    probe_timeout_s: float


@dataclass(frozen=True)
class ShotResult:
    """One analysed shot, ready to be stored."""

    ordinal: int
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    keyframe_time_s: float | None
    keyframe_jpeg: bytes | None
    sharpness: float
    brightness: float
    black_fraction: float
    motion: float
    quality: float
    phash: int
    activity: tuple[float, ...] = ()


@dataclass(frozen=True)
class FileOutcome:
    """The result of indexing one file: ``error_code`` is set when it failed."""

    path: Path
    fingerprint: str
    size_bytes: int
    mtime_ns: int
    info: MediaInfo | None = None
    shots: list[ShotResult] = field(default_factory=list)
    subtitles: list[Cue] = field(default_factory=list)
    partial: bool = False
    seconds: float = 0.0
    frames_decoded: int = 0
    error_code: str | None = None
    error_message: str | None = None


EARLY_KEYFRAMES_MIN_S = 60.0
"""Files at least this long offer their settled shots' keyframes during the pass (shorter files finish
soon enough that the parent embeds their keyframes while the next file decodes)."""

_early_keyframes: KeyframeQueue | None = None


class KeyframeQueue(Protocol):
    """Where a worker puts ``(file path, keyframe JPEG)`` pairs (a multiprocessing queue)."""

    def put(self, item: tuple[str, bytes]) -> None: ...


def offer_keyframes_to(queue: KeyframeQueue) -> None:
    """Run in each worker as it starts: long files offer their settled shots' keyframes on ``queue``,
    encoded exactly as the outcome's keyframes are (:mod:`indexer.early_keyframes` embeds them)."""
    global _early_keyframes
    _early_keyframes = queue


def _keyframe_sink(path: Path, info: MediaInfo, queue: KeyframeQueue | None) -> KeyframeSink | None:
    if queue is None or (info.duration_s or 0.0) < EARLY_KEYFRAMES_MIN_S:
        return None
    name = str(path)

    def offer(candidate: KeyframeCandidate) -> None:
        jpeg = keyframe_jpeg(candidate.image())
        if jpeg is not None:
            queue.put((name, jpeg))

    return offer


def keyframe_jpeg(image: Image.Image | None) -> bytes | None:
    """A keyframe as it is stored (JPEG, quality 85)."""
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def process_file(job: FileJob, *, offer_to: KeyframeQueue | None = None) -> FileOutcome:
    """Index one file; never raises for bad media — the outcome carries the reason instead.

    A long file offers its settled keyframes on ``offer_to`` (a queue worker's own), else on the queue
    this worker process was set up with (:func:`offer_keyframes_to`), if any."""
    offer_queue = offer_to if offer_to is not None else _early_keyframes
    started = time.perf_counter()
    stat = job.path.stat()
    fingerprint = content_fingerprint(job.path) if stat.st_size > 0 else "empty"
    base = FileOutcome(
        path=job.path, fingerprint=fingerprint, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns
    )
    try:
        if stat.st_size == 0:
            raise MediaError("the file is empty (0 bytes)", code="empty_file")
        info = probe(job.path, timeout_s=job.probe_timeout_s)
        analysis = analyze_video(
            job.path, info, job.analysis, on_keyframe=_keyframe_sink(job.path, info, offer_queue)
        )
        cues: list[Cue] = []
        if info.subtitle_streams:
            try:
                cues = extract_embedded_subtitles(job.path, info.subtitle_streams)
            except MontageError:
                cues = []
    except MontageError as exc:
        return replace(
            base, error_code=exc.code, error_message=exc.message, seconds=time.perf_counter() - started
        )
    except Exception as exc:  # a bug or an unexpected library error must not stop the run
        return replace(
            base,
            error_code="analysis_failed",
            error_message=f"{type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
    shots = [
        ShotResult(
            ordinal=i,
            start_frame=shot.start_frame,
            end_frame=shot.end_frame,
            start_s=shot.start_s,
            end_s=shot.end_s,
            keyframe_time_s=shot.keyframe_time_s,
            keyframe_jpeg=keyframe_jpeg(shot.keyframe),
            sharpness=shot.quality.sharpness,
            brightness=shot.quality.brightness,
            black_fraction=shot.quality.black_fraction,
            motion=shot.quality.motion,
            quality=shot.quality.score,
            phash=shot.phash,
            activity=shot.activity,
        )
        for i, shot in enumerate(analysis.shots)
    ]
    return replace(
        base,
        info=info,
        shots=shots,
        subtitles=cues,
        partial=analysis.partial,
        frames_decoded=analysis.frames_decoded,
        seconds=time.perf_counter() - started,
    )
