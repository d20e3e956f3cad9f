"""A timeline as a complete OpenTimelineIO timeline for editing suites (every range counted in frames).

Picture track ``V1``: one clip per segment referencing its file (a shot, or the fallback card rendered to a
file), then the end card; each clip carries the segment's metadata, green markers where a narration sentence
starts and a red marker on fallback cards; a speed change is a ``LinearTimeWarp`` (and FCP 7's Time Remap).
Audio track ``A1 narration``: the sentence WAVs at their start frames. Audio track ``A2 music``: the music
file looped to the end, at its level. Source ranges are frames of the sequence rate (start: the media in
point; duration: the length on the track); each media reference's ``available_range`` is the file's whole
length at its own rate (the video frame rate; the sequence rate for audio and for rates without SMPTE
timecode, e.g. 12 fps). Levels, licences, attributions and scores are kept as ``montage`` metadata.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from montage.export.media_probe import MediaSpan
from montage.render.plan import segment_frames
from montage.timeline.frame_grid import frame_index
from montage.timeline.model import NarrationClip, Segment, Timeline

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange


@dataclass(frozen=True)
class NleMedia:
    """Everything the builder needs about the files: spans, how each is addressed, the rendered pictures."""

    spans: Mapping[Path, MediaSpan]
    url_for: Callable[[Path], str]
    cards: Mapping[int, Path]
    end_card: Path | None = None
    end_card_frames: int = 0
    subtitles: tuple[str, ...] = ()
    show_path: Callable[[str], str] | None = None
    """How original server paths appear in metadata (None: as they are; else e.g. redacted)."""


def _frames(count: int, rate: float) -> otio.opentime.RationalTime:
    return RationalTime(count, rate)


def _timecode_rate(rate: float) -> bool:
    """Whether SMPTE timecode (which the XML and AAF writers print) exists at ``rate`` (12 fps: no)."""
    return bool(otio.opentime.RationalTime.is_valid_timecode_rate(rate))


def _reference(path: Path, media: NleMedia, fps: float) -> otio.schema.ExternalReference:
    span = media.spans[path]
    rate = span.video_rate if span.video_rate and _timecode_rate(span.video_rate) else fps
    frames = span.duration_s * rate
    # video: whole frames only; audio: the last part-frame counts (a sentence may end inside it)
    whole = max(1, math.floor(frames + 0.01) if span.has_video else math.ceil(frames - 0.01))
    reference = otio.schema.ExternalReference(
        target_url=media.url_for(path), available_range=TimeRange(_frames(0, rate), _frames(whole, rate))
    )
    reference.name = path.name
    return reference


def _sentence_markers(
    clip: otio.schema.Clip, record_start: int, length: int, starts: Mapping[int, tuple[int, str]]
) -> None:
    """Green markers at the frames inside this clip where a narration sentence starts."""
    source_start = clip.source_range.start_time
    for sentence_index, (frame, text) in sorted(starts.items()):
        if record_start <= frame < record_start + length:
            at = source_start + _frames(frame - record_start, source_start.rate)
            marker = otio.schema.Marker(
                name=f"sentence {sentence_index + 1}",
                marked_range=TimeRange(at, _frames(0, source_start.rate)),
                color=otio.schema.MarkerColor.GREEN,
                metadata={"montage": {"sentence_index": sentence_index, "text": text}},
            )
            clip.markers.append(marker)


def _segment_clip(
    segment: Segment, frames: int, timeline: Timeline, media: NleMedia, credits: Mapping[int, dict[str, str]]
) -> otio.schema.Clip:
    fps = timeline.fps
    info: dict[str, object] = {
        "segment_index": segment.index,
        "sentence_index": segment.sentence_index,
        "sentence": segment.sentence,
        "fill": segment.fill,
        "fill_reason": segment.fill_reason,
    }
    if segment.shot is None:
        path = media.cards[segment.index]
        clip = otio.schema.Clip(
            name=f"{segment.index + 1:03d} card",
            media_reference=_reference(path, media, fps),
            source_range=TimeRange(_frames(0, fps), _frames(frames, fps)),
            metadata={"montage": {**info, "fallback_text": segment.fallback_text or segment.sentence}},
        )
        clip.markers.append(
            otio.schema.Marker(
                name="fallback card",
                marked_range=TimeRange(_frames(0, fps), _frames(frames, fps)),
                color=otio.schema.MarkerColor.RED,
                metadata={"montage": {"text": segment.fallback_text or segment.sentence}},
            )
        )
        return clip
    shot = segment.shot
    path = Path(shot.path)
    info.update(
        shot_id=str(shot.shot_id),
        source_id=str(shot.source_id),
        in_s=shot.in_s,
        out_s=shot.out_s,
        speed=shot.speed,
        score=shot.score,
        scores=dict(shot.scores),
        **credits.get(shot.source_id, {}),
    )
    clip = otio.schema.Clip(
        name=f"{segment.index + 1:03d} {path.name}",
        media_reference=_reference(path, media, fps),
        source_range=TimeRange(_frames(round(shot.in_s * fps), fps), _frames(frames, fps)),
        metadata={"montage": info},
    )
    if abs(shot.speed - 1.0) > 1e-9:
        clip.effects.append(otio.schema.LinearTimeWarp(name="speed", time_scalar=shot.speed))
        clip.metadata["fcp_xml"] = fcp_time_remap(shot.speed)
    return clip


def _picture_track(timeline: Timeline, media: NleMedia) -> otio.schema.Track:
    fps = timeline.fps
    credits = {c.source_id: {"license": c.license, "attribution": c.attribution} for c in timeline.credits}
    starts = {n.sentence_index: (frame_index(n.start_s, fps), n.text) for n in timeline.narration}
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    record = 0
    frames = segment_frames(timeline.segments, timeline.duration_s, fps)
    for segment, count in zip(timeline.segments, frames, strict=True):
        clip = _segment_clip(segment, count, timeline, media, credits)
        _sentence_markers(clip, record, count, starts)
        track.append(clip)
        record += count
    if media.end_card is not None and media.end_card_frames > 0:
        track.append(
            otio.schema.Clip(
                name="end card",
                media_reference=_reference(media.end_card, media, fps),
                source_range=TimeRange(_frames(0, fps), _frames(media.end_card_frames, fps)),
                metadata={"montage": {"end_card": True}},
            )
        )
    return track


def _narration_span(clips: list[NarrationClip], position: int, fps: float) -> tuple[int, int]:
    clip = clips[position]
    start = frame_index(clip.start_s, fps)
    end = math.ceil((clip.start_s + clip.duration_s) * fps - 1e-6)
    if position + 1 < len(clips):
        end = min(end, frame_index(clips[position + 1].start_s, fps))
    return start, max(end, start + 1)


def _narration_track(timeline: Timeline, media: NleMedia) -> otio.schema.Track:
    fps = timeline.fps
    track = otio.schema.Track(name="A1 narration", kind=otio.schema.TrackKind.Audio)
    clips = sorted(timeline.narration, key=lambda n: n.start_s)
    position = 0
    for i, narration in enumerate(clips):
        start, end = _narration_span(clips, i, fps)
        if start > position:
            track.append(
                otio.schema.Gap(source_range=TimeRange(_frames(0, fps), _frames(start - position, fps)))
            )
        track.append(
            otio.schema.Clip(
                name=f"sentence {narration.sentence_index + 1}",
                media_reference=_reference(Path(narration.path), media, fps),
                source_range=TimeRange(_frames(0, fps), _frames(end - start, fps)),
                metadata={
                    "montage": {
                        "sentence_index": narration.sentence_index,
                        "text": narration.text,
                        "gain_db": 0.0,
                    }
                },
            )
        )
        position = end
    return track


def _fcp_parameter(parameter_id: str, value: str, *, low: str = "", high: str = "") -> dict[str, str]:
    parameter = {"@authoringApp": "PremierePro", "parameterid": parameter_id, "name": parameter_id}
    if low or high:
        parameter.update(valuemin=low, valuemax=high)
    return {**parameter, "value": value}


def fcp_time_remap(speed: float) -> dict[str, object]:
    """FCP 7 XML ``Time Remap`` filter playing a clip at ``speed`` (source seconds per output second), as
    the FCP adapter's metadata (its writer ignores OTIO's ``LinearTimeWarp``)."""
    return {
        "filter": {
            "effect": {
                "name": "Time Remap",
                "effectid": "timeremap",
                "effectcategory": "motion",
                "effecttype": "motion",
                "mediatype": "video",
                "parameter": [
                    _fcp_parameter("variablespeed", "0", low="0", high="1"),
                    _fcp_parameter("speed", f"{speed * 100:.4f}", low="-100000", high="100000"),
                    _fcp_parameter("reverse", "FALSE"),
                    _fcp_parameter("frameblending", "FALSE"),
                ],
            }
        }
    }


def fcp_audio_level(gain_db: float) -> dict[str, object]:
    """FCP 7 XML ``Audio Levels`` filter of a clip at ``gain_db``, as the FCP adapter's metadata (it writes
    a clip's ``fcp_xml`` metadata into the clip item)."""
    return {
        "filter": {
            "effect": {
                "name": "Audio Levels",
                "effectid": "audiolevels",
                "effectcategory": "audiolevels",
                "effecttype": "audiolevels",
                "mediatype": "audio",
                "parameter": {
                    "parameterid": "level",
                    "name": "Level",
                    "valuemin": "0",
                    "valuemax": "3.98109",
                    "value": f"{10 ** (gain_db / 20):.6f}",
                },
            }
        }
    }


def _music_track(timeline: Timeline, media: NleMedia, total_frames: int) -> otio.schema.Track | None:
    if timeline.music is None:
        return None
    fps = timeline.fps
    path = Path(timeline.music.path)
    loop = max(1, math.floor(media.spans[path].duration_s * fps + 1e-6))
    track = otio.schema.Track(name="A2 music", kind=otio.schema.TrackKind.Audio)
    position, take = 0, 1
    while position < total_frames:
        length = min(loop, total_frames - position)
        track.append(
            otio.schema.Clip(
                name=f"music {take}",
                media_reference=_reference(path, media, fps),
                source_range=TimeRange(_frames(0, fps), _frames(length, fps)),
                metadata={
                    "montage": {"gain_db": timeline.music.gain_db, "ducked_under_narration": True},
                    "fcp_xml": fcp_audio_level(timeline.music.gain_db),
                },
            )
        )
        position += length
        take += 1
    return track


def build_nle_timeline(timeline: Timeline, media: NleMedia, *, name: str = "montage") -> otio.schema.Timeline:
    """The OTIO timeline an editing suite imports (see the module docstring for its layout)."""
    fps = timeline.fps
    result = otio.schema.Timeline(name=name, global_start_time=RationalTime(0, fps))
    picture = _picture_track(timeline, media)
    total = round(picture.duration().value)
    result.tracks.append(picture)
    result.tracks.append(_narration_track(timeline, media))
    music = _music_track(timeline, media, total)
    if music is not None:
        result.tracks.append(music)
    result.metadata["montage"] = {
        "schema_version": timeline.schema_version,
        "width": timeline.width,
        "height": timeline.height,
        "fps": fps,
        "aspect": timeline.aspect,
        "music_gain_db": timeline.music.gain_db if timeline.music else None,
        "subtitles": list(media.subtitles),
        "credits": [
            {
                "source_id": str(c.source_id),
                "license": c.license,
                "attribution": c.attribution,
                "path": c.path,
            }
            for c in timeline.credits
        ],
        "warnings": list(timeline.warnings),
    }
    return result
