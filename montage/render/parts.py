"""The render split into parts that run at the same time, then joined without re-encoding.

One ffmpeg pass keeps about one core busy here: its filter graph runs on one thread, and the decoders and
x264 wait for it. So the video is cut at segment boundaries into parts of about equal work; each part is
its own ffmpeg process (picture only: its segments, its share of the subtitles, the end card in the last
one) encoding H.264 with the same settings, and a last, cheap command joins the parts with the concat
demuxer (video copied, not re-encoded) with the soundtrack, made by another process at the same time.
Every part holds exactly its segments' frames on the output grid, so the joined video has the one-pass
frame count and timing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from montage.fallback.protocol import FallbackGenerator
from montage.options.render import RenderOptions
from montage.render.graph import FfmpegCommand, FilterGraph, Input
from montage.render.picture_part import PregeneratedCard
from montage.render.plan import (
    audio_encoder_options,
    picture_builder,
    segment_frames,
    video_encoder_options,
)
from montage.render.sound import timeline_sound
from montage.timeline.model import Timeline

CARD_WEIGHT = 0.4
"""Work of a title-card frame relative to a footage frame (no decoding, a small gradient scaled up)."""


@dataclass(frozen=True)
class PartsPlan:
    """Commands rendering the parts and the soundtrack (run at the same time), and the command joining
    them."""

    parts: tuple[FfmpegCommand, ...]
    part_seconds: tuple[float, ...]
    sound: FfmpegCommand
    join: FfmpegCommand
    duration_s: float
    width: int
    height: int
    fps: float
    pregenerated: tuple[PregeneratedCard, ...]


def split_segments(weights: Sequence[float], frames: Sequence[int], parts: int, min_frames: int) -> list[int]:
    """Where to cut consecutive segments into at most ``parts`` runs of about equal weight.

    Returns the boundaries ``[0, b1, …, len(weights)]``; every run holds at least ``min_frames`` frames
    (fewer runs are made when the video is too short for that).
    """
    count = len(weights)
    for wanted in range(min(parts, count, max(1, sum(frames) // max(1, min_frames))), 1, -1):
        total = sum(weights)
        edges = [0]
        done = 0.0
        for position, weight in enumerate(weights):
            target = total * len(edges) / wanted
            if (
                len(edges) < wanted
                and position > edges[-1]
                and abs(done - target) <= abs(done + weight - target)
            ):
                edges.append(position)
            done += weight
        edges.append(count)
        runs = [sum(frames[a:b]) for a, b in itertools.pairwise(edges)]
        if len(runs) == wanted and min(runs) >= min_frames:
            return edges
    return [0, count]


def _concat_list(path: Path, names: Sequence[str], seconds: Sequence[float]) -> Path:
    """An ffconcat file listing the parts (beside it) with their exact durations."""
    lines = ["ffconcat version 1.0"]
    for name, duration in zip(names, seconds, strict=True):
        lines += [f"file {name}", f"duration {duration:.6f}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def part_edges(timeline: Timeline, options: RenderOptions, parts: int) -> list[int]:
    """Segment boundaries cutting ``timeline`` into up to ``parts`` parts of about equal work, each at
    least ``options.min_part_s`` long: ``[0, …, len(segments)]`` (``[0, n]``: render in one pass)."""
    frames = segment_frames(timeline.segments, timeline.duration_s, options.fps)
    weights = [
        count * (1.0 if segment.shot is not None else CARD_WEIGHT)
        for segment, count in zip(timeline.segments, frames, strict=True)
    ]
    if options.end_card:
        weights[-1] += CARD_WEIGHT * options.end_card_s * options.fps
    return split_segments(weights, frames, parts, round(options.min_part_s * options.fps))


def plan_parts(
    timeline: Timeline,
    output_path: Path,
    options: RenderOptions,
    *,
    edges: Sequence[int],
    work_dir: Path,
    fallback: FallbackGenerator,
    subtitles_path: Path | None = None,
) -> PartsPlan:
    """Build the commands rendering ``timeline`` in the parts between segment boundaries ``edges`` (from
    :func:`part_edges`), joined into ``output_path``. Helper files (the parts, the soundtrack, the concat
    list) go to ``work_dir``."""
    builder = picture_builder(
        timeline, options, work_dir=work_dir, fallback=fallback, subtitles_path=subtitles_path
    )
    frames = builder.frames
    commands: list[FfmpegCommand] = []
    seconds: list[float] = []
    names: list[str] = []
    for number, (start, stop) in enumerate(itertools.pairwise(edges)):
        inputs: list[Input] = []
        picture = builder.part(start, stop, inputs, end_card=options.end_card and stop == len(frames))
        name = f"part-{number:03d}.mp4"
        commands.append(
            FfmpegCommand(
                inputs=tuple(inputs),
                graph=FilterGraph(picture.chains),
                maps=(picture.label,),
                output_options=video_encoder_options(options),
                output_path=str(work_dir / name),
            )
        )
        seconds.append(picture.frames / options.fps)
        names.append(name)
    total_s = sum(seconds)
    listing = _concat_list(work_dir / "parts.ffconcat", names, seconds)
    sound_inputs: list[Input] = []
    sound_chains = timeline_sound(timeline, options, sound_inputs, total_s, "sound")
    sound_path = work_dir / "sound.m4a"
    sound = FfmpegCommand(
        inputs=tuple(sound_inputs),
        graph=FilterGraph(tuple(sound_chains)),
        maps=("sound",),
        output_options=audio_encoder_options(options),
        output_path=str(sound_path),
    )
    join = FfmpegCommand(
        inputs=(Input(str(listing), ("-f", "concat", "-safe", "0")), Input(str(sound_path))),
        graph=FilterGraph(()),
        maps=(),
        stream_maps=("0:v", "1:a"),
        output_options=("-c", "copy", "-movflags", "+faststart"),
        output_path=str(output_path),
    )
    return PartsPlan(
        tuple(commands),
        tuple(seconds),
        sound,
        join,
        total_s,
        builder.width,
        builder.height,
        options.fps,
        tuple(builder.pregenerated),
    )
