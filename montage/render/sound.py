"""Filter chains of the sound: narration sentences at their times, music looped and ducked under them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from montage.options.render import RenderOptions
from montage.render.graph import Chain, Filter, Input, f
from montage.timeline.model import Timeline

SAMPLE_RATE = 48_000


def _common_format() -> Filter:
    return f("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo")


@dataclass(frozen=True)
class PlacedAudio:
    """An audio input (its graph label) that should start at ``start_s`` on the output clock."""

    label: str
    start_s: float


def narration_chains(clips: Sequence[PlacedAudio], total_s: float, out_label: str) -> list[Chain]:
    """Each clip occupies its start up to the next clip's start (cut or padded with silence), joined in order.

    The result lasts exactly ``total_s`` (silence before the first clip and after the last).
    """
    ordered = sorted(clips, key=lambda c: c.start_s)
    if not ordered:
        return [
            Chain(
                (),
                (f("anullsrc", r=SAMPLE_RATE, cl="stereo"), f("atrim", end=round(total_s, 6))),
                (out_label,),
            )
        ]
    chains: list[Chain] = []
    labels: list[str] = []
    for i, clip in enumerate(ordered):
        end = ordered[i + 1].start_s if i + 1 < len(ordered) else total_s
        span = max(end - clip.start_s, 0.001)
        filters = [_common_format(), f("atrim", end=round(span, 6)), f("asetpts", expr="PTS-STARTPTS")]
        filters.append(f("apad", whole_dur=round(span, 6)))
        if i == 0 and clip.start_s > 0:
            filters.append(f("adelay", delays=f"{round(clip.start_s * SAMPLE_RATE)}S", all=1))
        label = f"n{i}"
        chains.append(Chain((clip.label,), tuple(filters), (label,)))
        labels.append(label)
    joined = "narration_joined"
    if len(labels) > 1:
        chains.append(Chain(tuple(labels), (f("concat", n=len(labels), v=0, a=1),), (joined,)))
    else:
        joined = labels[0]
    chains.append(Chain((joined,), (f("apad"), f("atrim", end=round(total_s, 6))), (out_label,)))
    return chains


def music_chains(
    music_label: str,
    narration_label: str,
    *,
    total_s: float,
    gain_db: float,
    fade_s: float,
    duck_threshold: float,
    duck_ratio: float,
    out_label: str,
) -> list[Chain]:
    """Music (looped by its input) trimmed to ``total_s``, faded, ducked by the narration, mixed in."""
    fade = min(fade_s, total_s / 3)
    music = [
        _common_format(),
        f("atrim", end=round(total_s, 6)),
        f("asetpts", expr="PTS-STARTPTS"),
        f("volume", volume=f"{gain_db:g}dB"),
    ]
    if fade > 0:
        music += [
            f("afade", t="in", st=0, d=round(fade, 3)),
            f("afade", t="out", st=round(total_s - fade, 3), d=round(fade, 3)),
        ]
    return [
        Chain((music_label,), tuple(music), ("music_shaped",)),
        Chain((narration_label,), (f("asplit", outputs=2),), ("voice_mix", "voice_key")),
        Chain(
            ("music_shaped", "voice_key"),
            (f("sidechaincompress", threshold=duck_threshold, ratio=duck_ratio, attack=20, release=400),),
            ("music_ducked",),
        ),
        Chain(
            ("voice_mix", "music_ducked"), (f("amix", inputs=2, duration="first", normalize=0),), (out_label,)
        ),
    ]


def timeline_sound(
    timeline: Timeline, options: RenderOptions, inputs: list[Input], total_s: float, out_label: str
) -> list[Chain]:
    """The whole soundtrack of ``timeline`` (``total_s`` long) as chains; its inputs are appended to
    ``inputs``: the narration clips, then the music (looped) when there is any."""
    placed: list[PlacedAudio] = []
    for clip in timeline.narration:
        inputs.append(Input(clip.path))
        placed.append(PlacedAudio(f"{len(inputs) - 1}:a", clip.start_s))
    music_path = options.music_path or (Path(timeline.music.path) if timeline.music else None)
    if music_path is None:
        return narration_chains(placed, total_s, out_label)
    gain = options.music_gain_db if options.music_path or timeline.music is None else timeline.music.gain_db
    chains = narration_chains(placed, total_s, "voice")
    inputs.append(Input(str(music_path), ("-stream_loop", "-1")))
    return chains + music_chains(
        f"{len(inputs) - 1}:a",
        "voice",
        total_s=total_s,
        gain_db=gain,
        fade_s=options.music_fade_s,
        duck_threshold=options.duck_threshold,
        duck_ratio=options.duck_ratio,
        out_label=out_label,
    )
