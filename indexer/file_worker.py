"""The per-file work of an index run, done in a worker process: fingerprint, probe, analyse, subtitles.

Everything returned is plain picklable data (keyframes as JPEG bytes), so the parent process can write a
file's results to the database in one transaction.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

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


def _jpeg(image: object) -> bytes | None:
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)  # type: ignore[attr-defined]
    return buffer.getvalue()


def process_file(job: FileJob) -> FileOutcome:
    """Index one file; never raises for bad media — the outcome carries the reason instead."""
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
        analysis = analyze_video(job.path, info, job.analysis)
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
            keyframe_jpeg=_jpeg(shot.keyframe),
            sharpness=shot.quality.sharpness,
            brightness=shot.quality.brightness,
            black_fraction=shot.quality.black_fraction,
            motion=shot.quality.motion,
            quality=shot.quality.score,
            phash=shot.phash,
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
