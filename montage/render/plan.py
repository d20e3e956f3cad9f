"""The whole render as one ffmpeg command (data): segment inputs, picture, subtitles, end card, sound.

Every shot is its own input read with input seeking (``-ss in -t length -i path``), so ffmpeg decodes only
the parts used. Fallback cards from an inline generator (the default title cards) are lavfi inputs of the
same command; other generators' clips are listed as ``pregenerated`` for the caller to make first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from montage.errors import InputError
from montage.fallback.protocol import FallbackGenerator
from montage.options.render import RenderOptions
from montage.render.graph import FfmpegCommand, FilterGraph, Input
from montage.render.picture_part import PictureBuilder, PregeneratedCard
from montage.render.sound import timeline_sound
from montage.timeline.frame_grid import frame_index
from montage.timeline.model import Segment, Timeline


@dataclass(frozen=True)
class RenderPlan:
    """The command and what it will produce."""

    command: FfmpegCommand
    duration_s: float
    width: int
    height: int
    fps: float
    pregenerated: tuple[PregeneratedCard, ...]


def segment_frames(segments: list[Segment], duration_s: float, fps: float) -> list[int]:
    """Frames of each segment on the output grid; they add up to the frames of ``duration_s``."""
    edges = [frame_index(s.start_s, fps) for s in segments] + [frame_index(duration_s, fps)]
    edges[0] = 0
    return [max(1, b - a) for a, b in itertools.pairwise(edges)]


def video_encoder_options(options: RenderOptions) -> tuple[str, ...]:
    """H.264 (libx264, yuv420p) at a constant ``fps``."""
    video = ("-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf), "-pix_fmt", "yuv420p")
    return (*video, "-r", f"{options.fps:g}")


def audio_encoder_options(options: RenderOptions) -> tuple[str, ...]:
    """AAC stereo 48 kHz at ``audio_bitrate``."""
    return ("-c:a", "aac", "-b:a", options.audio_bitrate, "-ar", "48000", "-ac", "2")


def encoder_options(options: RenderOptions) -> tuple[str, ...]:
    """H.264 (libx264, yuv420p, constant rate) + AAC stereo 48 kHz, index at the front (faststart)."""
    return (*video_encoder_options(options), *audio_encoder_options(options), "-movflags", "+faststart")


def picture_builder(
    timeline: Timeline,
    options: RenderOptions,
    *,
    work_dir: Path,
    fallback: FallbackGenerator,
    subtitles_path: Path | None,
) -> PictureBuilder:
    """The picture of ``timeline`` on the output grid of ``options`` (raises InputError when empty)."""
    if not timeline.segments:
        raise InputError("a timeline without segments cannot be rendered", code="invalid_timeline")
    width, height = options.frame_size(timeline.aspect)
    frames = segment_frames(timeline.segments, timeline.duration_s, options.fps)
    fade_frames = round(options.crossfade_s * options.fps) if len(frames) > 1 else 0
    return PictureBuilder(
        timeline, options, frames, fade_frames, width, height, work_dir, fallback, subtitles_path
    )


def plan_render(
    timeline: Timeline,
    output_path: Path,
    options: RenderOptions,
    *,
    work_dir: Path,
    fallback: FallbackGenerator,
    subtitles_path: Path | None = None,
) -> RenderPlan:
    """Build the one ffmpeg command rendering ``timeline`` to ``output_path`` (helper files go to
    ``work_dir``). ``subtitles_path`` (an SRT file) is burned in when given.
    """
    builder = picture_builder(
        timeline, options, work_dir=work_dir, fallback=fallback, subtitles_path=subtitles_path
    )
    inputs: list[Input] = []
    picture = builder.part(0, len(builder.frames), inputs, end_card=options.end_card)
    total_s = picture.frames / options.fps
    sound = timeline_sound(timeline, options, inputs, total_s, "sound")
    command = FfmpegCommand(
        inputs=tuple(inputs),
        graph=FilterGraph((*picture.chains, *sound)),
        maps=(picture.label, "sound"),
        output_options=encoder_options(options),
        output_path=str(output_path),
    )
    return RenderPlan(
        command, total_s, builder.width, builder.height, options.fps, tuple(builder.pregenerated)
    )
