"""Stage 8: render a timeline to an MP4, atomically (no partial file on failure).

A video long enough is rendered in parts at the same time, one ffmpeg process per CPU core, and joined
without re-encoding (:mod:`montage.render.parts`); a short one, or ``processes=1``, in one ffmpeg pass
(:mod:`montage.render.plan`).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from montage.errors import MediaError
from montage.fallback.protocol import FallbackGenerator
from montage.fallback.select import fallback_generator
from montage.options.render import RenderOptions
from montage.render.parts import part_edges, plan_parts
from montage.render.plan import plan_render
from montage.render.runner import FfmpegJob, run_ffmpeg_jobs
from montage.timeline.model import Timeline
from montage.timeline.subtitles import write_srt

JOIN_SHARE = 0.02
"""Share of the progress bar left for joining the parts (a copy: well under a second)."""


@dataclass(frozen=True)
class RenderResult:
    """The finished video and how it was made."""

    path: Path
    duration_s: float
    width: int
    height: int
    fps: float
    size_bytes: int
    elapsed_s: float
    fallback_segments: int
    ffmpeg_argvs: tuple[tuple[str, ...], ...]
    """Every ffmpeg command run: one for a one-pass render; else the parts, the soundtrack, the join."""


def render_processes(options: RenderOptions) -> int:
    """How many ffmpeg processes render at once: ``options.processes``, or one per usable CPU core."""
    if options.processes > 0:
        return options.processes
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _missing_media(timeline: Timeline, options: RenderOptions) -> list[str]:
    paths = [s.shot.path for s in timeline.segments if s.shot is not None]
    paths += [n.path for n in timeline.narration]
    music = options.music_path or (Path(timeline.music.path) if timeline.music else None)
    if music is not None:
        paths.append(str(music))
    return sorted({p for p in paths if not Path(p).is_file()})


def _scaled(
    progress: Callable[[float], None] | None, low: float, high: float
) -> Callable[[float], None] | None:
    if progress is None:
        return None
    return lambda fraction: progress(low + (high - low) * fraction)


def render_timeline(
    timeline: Timeline,
    out_path: Path,
    options: RenderOptions | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    fallback: FallbackGenerator | None = None,
) -> RenderResult:
    """Render ``timeline`` to ``out_path`` (H.264 + AAC MP4) and return what was written.

    The video is written to a hidden temp file beside ``out_path`` and renamed into place only when ffmpeg
    succeeds; on any failure nothing is left behind. ``progress`` receives the fraction done (0..1).
    ``fallback`` makes the cards of fallback segments (default: from ``options.fallback``, title cards).
    Raises MediaError (with ffmpeg's stderr tail) when a file is missing or ffmpeg fails.
    """
    options = options or RenderOptions()
    generator = fallback or fallback_generator(options.fallback)
    missing = _missing_media(timeline, options)
    if missing:
        raise MediaError(f"media files are missing: {', '.join(missing[:5])}", code="media_missing")
    out_path = out_path.resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temp = out_path.with_name(f".{out_path.stem}.{secrets.token_hex(4)}.partial{out_path.suffix or '.mp4'}")
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="montage-render-") as work:
            work_dir = Path(work)
            subtitles = write_srt(timeline, work_dir / "subtitles.srt") if options.burn_subtitles else None
            edges = part_edges(timeline, options, render_processes(options))
            if len(edges) > 2:
                parts = plan_parts(
                    timeline,
                    temp,
                    options,
                    edges=edges,
                    work_dir=work_dir,
                    fallback=generator,
                    subtitles_path=subtitles,
                )
                cards, size = parts.pregenerated, (parts.width, parts.height)
                duration_s = parts.duration_s
                jobs = [
                    FfmpegJob(command.argv(), seconds, work_dir / f"part-{n}.stderr")
                    for n, (command, seconds) in enumerate(zip(parts.parts, parts.part_seconds, strict=True))
                ]
                jobs.append(FfmpegJob(parts.sound.argv(), parts.duration_s, work_dir / "sound.stderr"))
                join = FfmpegJob(parts.join.argv(), parts.duration_s, work_dir / "join.stderr")
                stages = [(jobs, 0.0, 1.0 - JOIN_SHARE), ([join], 1.0 - JOIN_SHARE, 1.0)]
            else:
                plan = plan_render(
                    timeline, temp, options, work_dir=work_dir, fallback=generator, subtitles_path=subtitles
                )
                cards, size, duration_s = plan.pregenerated, (plan.width, plan.height), plan.duration_s
                stages = [
                    ([FfmpegJob(plan.command.argv(), plan.duration_s, work_dir / "ffmpeg.stderr")], 0.0, 1.0)
                ]
            for card in cards:
                generator.generate(card.text, card.duration_s, *size, options.fps, card.path)
            deadline = None if options.timeout_s is None else started + options.timeout_s
            for stage_jobs, low, high in stages:
                run_ffmpeg_jobs(
                    stage_jobs,
                    progress=_scaled(progress, low, high),
                    timeout_s=None if deadline is None else max(deadline - time.monotonic(), 0.001),
                )
        if not temp.is_file() or temp.stat().st_size == 0:
            raise MediaError("ffmpeg finished but wrote no video")
        os.replace(temp, out_path)
    finally:
        temp.unlink(missing_ok=True)
    return RenderResult(
        path=out_path,
        duration_s=duration_s,
        width=size[0],
        height=size[1],
        fps=options.fps,
        size_bytes=out_path.stat().st_size,
        elapsed_s=time.monotonic() - started,
        fallback_segments=sum(1 for s in timeline.segments if s.fallback),
        ffmpeg_argvs=tuple(tuple(job.argv) for stage_jobs, _, _ in stages for job in stage_jobs),
    )
