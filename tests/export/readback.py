"""Read an exported file back as plain clips: with OpenTimelineIO's adapters, or ``mlt_read`` for MLT."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from montage.export.formats import FORMATS

from .mlt_read import read_mlt


@dataclass(frozen=True)
class ReadClip:
    """A clip as read back: its file's address, source in point, in point + length on the track (OTIO's
    convention for speed-changed clips), and record start, in seconds."""

    address: str
    in_s: float
    out_s: float
    record_s: float

    @property
    def path(self) -> str:
        """The address as a plain path (``file://`` URLs decoded)."""
        if self.address.startswith("file:"):
            parsed = urlparse(self.address)
            return unquote(parsed.netloc + parsed.path) if parsed.netloc else unquote(parsed.path)
        return self.address


def _clips(track: otio.schema.Track) -> list[ReadClip]:
    clips = []
    for item in track:
        if isinstance(item, otio.schema.Clip):
            source = item.trimmed_range()
            record = track.range_of_child(item).start_time
            clips.append(
                ReadClip(
                    item.media_reference.target_url,
                    source.start_time.to_seconds(),
                    source.end_time_exclusive().to_seconds(),
                    record.to_seconds(),
                )
            )
    return clips


def read_back(path: Path, format_name: str, fps: float) -> dict[str, list[list[ReadClip]]]:
    """Clips of each video and audio track, in track order, keyed ``video`` / ``audio``."""
    if format_name == "mlt":
        _profile, playlists = read_mlt(path)

        def seconds(clips: list) -> list[ReadClip]:  # type: ignore[type-arg]
            return [
                ReadClip(
                    c.resource,
                    c.in_frame * c.speed / fps,
                    (c.in_frame * c.speed + c.out_frame + 1 - c.in_frame) / fps,
                    c.record_frame / fps,
                )
                for c in clips
            ]

        return {
            "video": [seconds(playlists["V1"])],
            "audio": [seconds(playlists[name]) for name in ("A1 narration", "A2 music") if name in playlists],
        }
    spec = FORMATS[format_name]
    options = {"rate": fps} if format_name == "edl" else {}
    timeline = otio.adapters.read_from_file(str(path), adapter_name=spec.adapter, **options)
    kinds: dict[str, list[list[ReadClip]]] = {"video": [], "audio": []}
    for track in timeline.tracks:
        key = "video" if track.kind == otio.schema.TrackKind.Video else "audio"
        kinds[key].append(_clips(track))
    return kinds
