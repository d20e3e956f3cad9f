"""Stage 8: render a timeline to an MP4 in one ffmpeg pass, atomically (no partial file on failure)."""

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
from montage.render.plan import plan_render
from montage.render.runner import run_ffmpeg
from montage.timeline.model import Timeline
from montage.timeline.subtitles import write_srt


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
    ffmpeg_argv: tuple[str, ...]


def _missing_media(timeline: Timeline, options: RenderOptions) -> list[str]:
    paths = [s.shot.path for s in timeline.segments if s.shot is not None]
    paths += [n.path for n in timeline.narration]
    music = options.music_path or (Path(timeline.music.path) if timeline.music else None)
    if music is not None:
        paths.append(str(music))
    return sorted({p for p in paths if not Path(p).is_file()})


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
            plan = plan_render(
                timeline, temp, options, work_dir=work_dir, fallback=generator, subtitles_path=subtitles
            )
            for card in plan.pregenerated:
                generator.generate(card.text, card.duration_s, plan.width, plan.height, plan.fps, card.path)
            argv = plan.command.argv()
            run_ffmpeg(
                argv,
                total_s=plan.duration_s,
                stderr_path=work_dir / "ffmpeg.stderr",
                progress=progress,
                timeout_s=options.timeout_s,
            )
        if not temp.is_file() or temp.stat().st_size == 0:
            raise MediaError("ffmpeg finished but wrote no video")
        os.replace(temp, out_path)
    finally:
        temp.unlink(missing_ok=True)
    return RenderResult(
        path=out_path,
        duration_s=plan.duration_s,
        width=plan.width,
        height=plan.height,
        fps=plan.fps,
        size_bytes=out_path.stat().st_size,
        elapsed_s=time.monotonic() - started,
        fallback_segments=sum(1 for s in timeline.segments if s.fallback),
        ffmpeg_argv=tuple(argv),
    )
