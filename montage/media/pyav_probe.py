"""Read the facts ``ffprobe`` would report about a media file, in this process, through PyAV.

Starting ``ffprobe`` costs ~90 ms of CPU per file (loading FFmpeg's libraries), which on a library of
short clips is a sixth of an index run's CPU; opening the file with PyAV, which the indexer's workers
have loaded already, costs ~4 ms. The result has the shape of ``ffprobe -show_format -show_streams
-show_entries packet=stream_index,pts,dts -read_intervals %+#600`` JSON, with the same number formats
(times as ``%f`` seconds, rates as ``num/den``; each packet also says whether it is ``kept``, not
discarded), so :func:`montage.media.probe.media_info_from_ffprobe` reads either.
``tests/indexer/analysis/test_probe_in_process.py`` checks that both give the same ``MediaInfo`` for the
test clips and the shared footage, but for an MP4's ``duration_s`` (the movie header's in ffprobe's
FFmpeg 5.1, the longest stream's here).

One fact PyAV 18 does not expose on a stream is its display matrix (the rotation phones record); the
first decoded frame carries it (FFmpeg attaches the stream's matrix to every frame), so the first
frame of the video stream is decoded. Where anything is not as expected — PyAV cannot open the file, no
frame decodes, a stream has no codec, a kept packet is stamped before the container's start (the FFmpeg
versions disagree on such starts) — :func:`probe_data_with_pyav` returns ``None`` and the caller asks
``ffprobe``, which also gives the canonical error for a bad file.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.stream import VideoStream

from montage.errors import MediaError

PROBE_PACKETS = 600
"""Packets (of all streams) whose timestamps are read for the variable-frame-rate check."""
FIRST_FRAME_PACKETS = 300
"""Video packets decoded at most to get the first frame (its display matrix) before giving up."""


def probe_data_with_pyav(path: Path, *, timeout_s: float) -> dict[str, Any] | None:
    """``ffprobe``'s JSON facts about ``path`` read through PyAV, or ``None`` when ffprobe should decide.

    Raises:
        MediaError: ``probe_timeout`` when opening and reading took longer than ``timeout_s`` seconds.
    """
    try:
        with av.open(str(path), timeout=timeout_s, metadata_errors="replace") as container:
            return _read(container)
    except av.error.ExitError as exc:
        raise _timeout(path, timeout_s) from exc
    except (av.error.FFmpegError, OSError, ValueError, UnicodeError, AttributeError):
        return None


def _timeout(path: Path, timeout_s: float) -> MediaError:
    return MediaError(f"{path}: probing did not finish within {timeout_s:g} s", code="probe_timeout")


def _read(container: InputContainer) -> dict[str, Any] | None:
    streams = list(container.streams)
    video = next((s for s in streams if isinstance(s, VideoStream) and not _is_cover(s)), None)
    if video is None:
        return None  # ffprobe names the streams there are in its error
    packets, rotation = _packets_and_rotation(container, video)
    if rotation is None or _starts_before_the_container(container, packets):
        return None
    entries = [_stream_entry(s, rotation if s is video else None) for s in streams]
    if any(entry is None for entry in entries):
        return None
    return {
        "format": {
            "format_name": container.format.name,
            "duration": _seconds(container.duration, Fraction(1, av.time_base)),
            "start_time": _seconds(container.start_time, Fraction(1, av.time_base)),
            "tags": dict(container.metadata),
        },
        "streams": entries,
        "packets": packets,
    }


def _packets_and_rotation(
    container: InputContainer, video: VideoStream
) -> tuple[list[dict[str, int | None]], int | None]:
    """The first ``PROBE_PACKETS`` packets' stamps, and the display rotation of the first video frame
    (``None`` when no frame decodes)."""
    context = video.codec_context
    context.thread_count = 1
    packets: list[dict[str, int | None]] = []
    rotation: int | None = None
    video_packets = 0
    for packet in container.demux():
        if packet.stream_index == video.index and packet.size > 0 and rotation is None:
            video_packets += 1
            frames = context.decode(packet)
            if frames:
                rotation = frames[0].rotation
            elif video_packets >= FIRST_FRAME_PACKETS:
                return packets, None
        if len(packets) < PROBE_PACKETS and (packet.size > 0 or packet.pts is not None):
            packets.append(
                {
                    "stream_index": packet.stream_index,
                    "pts": packet.pts,
                    "dts": packet.dts,
                    "kept": int(not packet.is_discard),
                }
            )
        if rotation is not None and len(packets) >= PROBE_PACKETS:
            break
    if rotation is None:
        flushed = context.decode(None)
        rotation = flushed[0].rotation if flushed else None
    return packets, rotation


def _starts_before_the_container(container: InputContainer, packets: list[dict[str, int | None]]) -> bool:
    """True when a kept (not discarded) packet is stamped before the container's start: FFmpeg
    versions disagree on such a start (an Opus stream's pre-skip in WebM moves it for one, not the
    other), so ffprobe's own reading decides."""
    start = Fraction((container.start_time or 0) - 1, av.time_base)  # the start is rounded to 1 µs
    bases = {s.index: s.time_base for s in container.streams}
    for packet in packets:
        pts, base = packet["pts"], bases.get(packet["stream_index"] or 0)
        if packet["kept"] and pts is not None and base is not None and pts * base < start:
            return True
    return False


def _stream_entry(stream: Stream, rotation: int | None) -> dict[str, Any] | None:
    """One stream as ffprobe's ``-show_streams`` gives it (the fields montage reads), or ``None``."""
    entry: dict[str, Any] = {
        "index": stream.index,
        "codec_type": stream.type,
        "disposition": {"attached_pic": int(_is_cover(stream))},
        "tags": dict(stream.metadata),
        "time_base": _ratio(stream.time_base),
        "start_time": _seconds(stream.start_time, stream.time_base),
        "duration": _seconds(stream.duration, stream.time_base),
    }
    if isinstance(stream, AudioStream):
        context = stream.codec_context
        entry["codec_name"] = context.codec.canonical_name
        entry["sample_rate"] = str(context.sample_rate)
        entry["channels"] = context.layout.nb_channels
    elif isinstance(stream, VideoStream):
        video = stream.codec_context
        entry["codec_name"] = video.codec.canonical_name
        entry["width"] = video.width
        entry["height"] = video.height
        entry["sample_aspect_ratio"] = _ratio(stream.sample_aspect_ratio)
        entry["r_frame_rate"] = _ratio(stream.base_rate)
        entry["avg_frame_rate"] = _ratio(stream.average_rate)
        if stream.frames:
            entry["nb_frames"] = str(stream.frames)
        if rotation:
            entry["side_data_list"] = [{"side_data_type": "Display Matrix", "rotation": rotation}]
    elif stream.type in ("video", "audio"):
        return None  # a stream PyAV has no codec for: ffprobe describes it
    return entry


def _is_cover(stream: Stream) -> bool:
    return bool(stream.disposition & Disposition.attached_pic)


def _ratio(value: Fraction | None) -> str:
    """A rational as ffprobe prints it (``0/0`` when unknown)."""
    return "0/0" if value is None else f"{value.numerator}/{value.denominator}"


def _seconds(stamp: int | None, time_base: Fraction | None) -> str | None:
    """A timestamp as ffprobe prints a time: seconds with six decimals (``None`` when unknown)."""
    if stamp is None or time_base is None:
        return None
    return f"{stamp * (time_base.numerator / time_base.denominator):f}"
