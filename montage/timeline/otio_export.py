"""Export a timeline to OpenTimelineIO (``.otio``) for finishing in an editor.

Video track: one clip per segment referencing its source file, the source range counted at the source's
frame rate (``ShotUse.source_fps``, else probed, else the timeline rate); fallback segments are generator
clips (``montage.title_card``) carrying a red ``fallback`` marker. Audio track: narration clips at their
start times with gaps between; a second audio track holds the music when there is one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio

from montage.timeline.frame_grid import frame_index
from montage.timeline.model import Segment, Timeline
from montage.timeline.source_rate import probe_frame_rate

TITLE_CARD_GENERATOR = "montage.title_card"


def _time(seconds: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(round(seconds * rate, 6), rate)


def _range(start_s: float, duration_s: float, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_time(start_s, rate), _time(duration_s, rate))


def _uri(path: str) -> str:
    return Path(path).resolve().as_uri()


def _output_duration(segment: Segment, fps: float) -> float:
    """Segment length on the output frame grid (what the render shows)."""
    return (frame_index(segment.end_s, fps) - frame_index(segment.start_s, fps)) / fps


def _segment_item(segment: Segment, fps: float, source_rate: Callable[[str], float]) -> otio.schema.Clip:
    duration = _output_duration(segment, fps)
    info: dict[str, object] = {
        "segment_index": segment.index,
        "sentence_index": segment.sentence_index,
        "sentence": segment.sentence,
    }
    if segment.shot is None:
        clip = otio.schema.Clip(
            name=f"fallback {segment.index}",
            media_reference=otio.schema.GeneratorReference(
                generator_kind=TITLE_CARD_GENERATOR, parameters={"text": segment.fallback_text or ""}
            ),
            source_range=_range(0.0, duration, fps),
            metadata={"montage": info},
        )
        clip.markers.append(
            otio.schema.Marker(
                name="fallback",
                marked_range=_range(0.0, duration, fps),
                color=otio.schema.MarkerColor.RED,
                metadata={"montage": {"text": segment.fallback_text or ""}},
            )
        )
        return clip
    shot = segment.shot
    rate = shot.source_fps or source_rate(shot.path)
    info.update(shot_id=shot.shot_id, source_id=shot.source_id, score=shot.score)
    return otio.schema.Clip(
        name=f"{Path(shot.path).name} #{shot.shot_id}",
        media_reference=otio.schema.ExternalReference(target_url=_uri(shot.path)),
        source_range=_range(shot.in_s, duration, rate),
        metadata={"montage": info},
    )


def _narration_track(timeline: Timeline) -> otio.schema.Track:
    track = otio.schema.Track(name="narration", kind=otio.schema.TrackKind.Audio)
    fps, position = timeline.fps, 0.0
    for clip in sorted(timeline.narration, key=lambda n: n.start_s):
        if clip.start_s > position + 1e-9:
            track.append(otio.schema.Gap(source_range=_range(0.0, clip.start_s - position, fps)))
        track.append(
            otio.schema.Clip(
                name=f"sentence {clip.sentence_index}",
                media_reference=otio.schema.ExternalReference(target_url=_uri(clip.path)),
                source_range=_range(0.0, clip.duration_s, fps),
                metadata={"montage": {"sentence_index": clip.sentence_index, "text": clip.text}},
            )
        )
        position = clip.start_s + clip.duration_s
    return track


def build_otio(
    timeline: Timeline, *, source_rate: Callable[[str], float] | None = None
) -> otio.schema.Timeline:
    """The timeline as an OTIO object (see the module docstring for the layout)."""
    rates: dict[str, float] = {}

    def rate_of(path: str) -> float:
        if path not in rates:
            rates[path] = (source_rate or probe_frame_rate)(path) or timeline.fps
        return rates[path]

    result = otio.schema.Timeline(
        name="montage", global_start_time=otio.opentime.RationalTime(0, timeline.fps)
    )
    result.metadata["montage"] = {
        "schema_version": timeline.schema_version,
        "width": timeline.width,
        "height": timeline.height,
        "aspect": timeline.aspect,
        "credits": [
            {"license": c.license, "attribution": c.attribution, "path": c.path} for c in timeline.credits
        ],
    }
    video = otio.schema.Track(name="picture", kind=otio.schema.TrackKind.Video)
    for segment in timeline.segments:
        video.append(_segment_item(segment, timeline.fps, rate_of))
    result.tracks.append(video)
    result.tracks.append(_narration_track(timeline))
    if timeline.music is not None:
        music = otio.schema.Track(name="music", kind=otio.schema.TrackKind.Audio)
        music.append(
            otio.schema.Clip(
                name=Path(timeline.music.path).name,
                media_reference=otio.schema.ExternalReference(target_url=_uri(timeline.music.path)),
                source_range=_range(0.0, timeline.duration_s, timeline.fps),
                metadata={"montage": {"gain_db": timeline.music.gain_db, "loop": True, "ducked": True}},
            )
        )
        result.tracks.append(music)
    return result


def export_otio(timeline: Timeline, path: Path) -> Path:
    """Write the timeline as OTIO JSON (a temp file beside ``path``, then a rename); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.otio")
    otio.adapters.write_to_file(build_otio(timeline), str(temp))
    os.replace(temp, path)
    return path
