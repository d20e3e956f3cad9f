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
from montage.fallback.fonts import font_for_text
from montage.fallback.protocol import FallbackGenerator, InlineFallbackGenerator
from montage.options.render import RenderOptions
from montage.render.end_card import end_card_source
from montage.render.graph import Chain, FfmpegCommand, FilterGraph, Input, f
from montage.render.picture import join_chains, segment_chain
from montage.render.sound import PlacedAudio, music_chains, narration_chains
from montage.timeline.frame_grid import frame_index
from montage.timeline.model import Segment, Timeline

SEEK_SLACK_FRAMES = 2


@dataclass(frozen=True)
class PregeneratedCard:
    """A fallback clip to generate before the render (generators that cannot run inside ffmpeg)."""

    segment_index: int
    text: str
    duration_s: float
    path: Path


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


def subtitle_style(width: int, height: int, ratio: float) -> str:
    """libass ``force_style`` for SRT (script height 288): white text, dark outline, bottom centre."""
    scale = 288 / height
    size = max(6, round(ratio * min(width, height) * scale))
    margin = round(0.06 * height * scale)
    return (
        f"FontName=DejaVu Sans,FontSize={size},PrimaryColour=&H00FFFFFF,OutlineColour=&H80000000,"
        f"BorderStyle=1,Outline=1.5,Shadow=0,Alignment=2,MarginV={margin}"
    )


def encoder_options(options: RenderOptions) -> tuple[str, ...]:
    """H.264 (libx264, yuv420p, constant rate) + AAC stereo 48 kHz, index at the front (faststart)."""
    video = ("-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf), "-pix_fmt", "yuv420p")
    audio = ("-c:a", "aac", "-b:a", options.audio_bitrate, "-ar", "48000", "-ac", "2")
    return (*video, "-r", f"{options.fps:g}", *audio, "-movflags", "+faststart")


def plan_render(
    timeline: Timeline,
    output_path: Path,
    options: RenderOptions,
    *,
    work_dir: Path,
    fallback: FallbackGenerator,
    subtitles_path: Path | None = None,
) -> RenderPlan:
    """Build the ffmpeg command rendering ``timeline`` to ``output_path`` (helper files go to ``work_dir``).

    ``subtitles_path`` (an SRT file) is burned in when given.
    """
    if not timeline.segments:
        raise InputError("a timeline without segments cannot be rendered", code="invalid_timeline")
    width, height = options.frame_size(timeline.aspect)
    fps = options.fps
    frames = segment_frames(timeline.segments, timeline.duration_s, fps)
    fade_frames = round(options.crossfade_s * fps) if len(frames) > 1 else 0
    inputs: list[Input] = []
    chains: list[Chain] = []
    cards: list[PregeneratedCard] = []
    labels: list[str] = []
    for position, (segment, count) in enumerate(zip(timeline.segments, frames, strict=True)):
        extra = fade_frames if position < len(frames) - 1 else 0
        length = (count + extra) / fps
        read = f"{length + SEEK_SLACK_FRAMES / fps:.6f}"
        fit: str | None = options.fit
        speed = 1.0
        if segment.shot is not None:
            speed = segment.shot.speed
            source_read = f"{length * speed + SEEK_SLACK_FRAMES / fps:.6f}"
            inputs.append(Input(segment.shot.path, ("-ss", f"{segment.shot.in_s:.6f}", "-t", source_read)))
        elif isinstance(fallback, InlineFallbackGenerator):
            text = segment.fallback_text or segment.sentence
            source = fallback.lavfi_source(text, length, width, height, fps, work_dir / "cards")
            inputs.append(Input(source, ("-f", "lavfi", "-t", read)))
            fit = None
        else:
            path = work_dir / f"card-{segment.index}.mp4"
            cards.append(
                PregeneratedCard(segment.index, segment.fallback_text or segment.sentence, length, path)
            )
            inputs.append(Input(str(path), ("-t", read)))
        label = f"v{position}"
        chains.append(
            segment_chain(
                f"{len(inputs) - 1}:v",
                label,
                frames=count + extra,
                width=width,
                height=height,
                fps=fps,
                fit=None if fit is None else options.fit,
                speed=speed,
            )
        )
        labels.append(label)
    chains += join_chains(labels, frames, fps, fade_frames, "picture")
    picture = "picture"
    if subtitles_path is not None:
        font = font_for_text(" ".join(s.sentence for s in timeline.segments[:3]))
        style = subtitle_style(width, height, options.subtitle_font_ratio)
        burn = f("subtitles", filename=str(subtitles_path), fontsdir=str(font.parent), force_style=style)
        chains.append(Chain((picture,), (burn,), ("picture_subtitled",)))
        picture = "picture_subtitled"
    main_frames = sum(frames)
    total_frames = main_frames
    if options.end_card:
        end_frames = max(1, round(options.end_card_s * fps))
        source = end_card_source(
            timeline.credits,
            width=width,
            height=height,
            fps=fps,
            duration_s=(end_frames + SEEK_SLACK_FRAMES) / fps,
            color=options.end_card_color,
            work_dir=work_dir / "end-card",
        )
        inputs.append(Input(source, ("-f", "lavfi")))
        end_chain = segment_chain(
            f"{len(inputs) - 1}:v",
            "end_card",
            frames=end_frames,
            width=width,
            height=height,
            fps=fps,
            fit=None,
        )
        chains.append(end_chain)
        chains.append(Chain((picture, "end_card"), (f("concat", n=2, v=1, a=0),), ("picture_final",)))
        picture = "picture_final"
        total_frames += end_frames
    total_s = total_frames / fps

    placed: list[PlacedAudio] = []
    for clip in timeline.narration:
        inputs.append(Input(clip.path))
        placed.append(PlacedAudio(f"{len(inputs) - 1}:a", clip.start_s))
    music_path = options.music_path or (Path(timeline.music.path) if timeline.music else None)
    if music_path is None:
        chains += narration_chains(placed, total_s, "sound")
    else:
        gain = (
            options.music_gain_db if options.music_path or timeline.music is None else timeline.music.gain_db
        )
        chains += narration_chains(placed, total_s, "voice")
        inputs.append(Input(str(music_path), ("-stream_loop", "-1")))
        chains += music_chains(
            f"{len(inputs) - 1}:a",
            "voice",
            total_s=total_s,
            gain_db=gain,
            fade_s=options.music_fade_s,
            duck_threshold=options.duck_threshold,
            duck_ratio=options.duck_ratio,
            out_label="sound",
        )
    command = FfmpegCommand(
        inputs=tuple(inputs),
        graph=FilterGraph(tuple(chains)),
        maps=(picture, "sound"),
        output_options=encoder_options(options),
        output_path=str(output_path),
    )
    return RenderPlan(command, total_s, width, height, fps, tuple(cards))
