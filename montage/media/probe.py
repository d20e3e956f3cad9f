"""Read a media file's streams and turn them into a ``MediaInfo``.

The container header, every stream's parameters and the first few hundred packets' timestamps (used to
tell constant from variable frame rate) are read in this process through PyAV
(:mod:`montage.media.pyav_probe`, ~4 ms a file); where that is unsure or fails, one ``ffprobe`` process
reads them (~90 ms a file, most of it starting the process) and gives the canonical error. Both give
the same ``MediaInfo`` (tested on every test clip and the shared footage) but for an MP4's
``duration_s``: ffprobe (FFmpeg 5.1) reports the movie header's, PyAV's FFmpeg the longest stream's.
Files that cannot be used raise ``MediaError`` with a stable code:

* ``file_not_found`` — there is no such file;
* ``empty_file`` — the file has 0 bytes;
* ``probe_timeout`` — reading the file took longer than the timeout;
* ``corrupt_media`` — ffprobe could not read the file (junk, truncated header, unknown format), or
  could only read it as terminal text art (what ffmpeg makes of text files and random bytes);
* ``no_video_stream`` — the file has no video stream (audio only, or only a cover picture).
"""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

from montage.errors import MediaError
from montage.media.info import MediaInfo, Rational, display_size
from montage.media.pyav_probe import PROBE_PACKETS, probe_data_with_pyav

VFR_RATE_TOLERANCE = 0.01
"""Nominal and average frame rates further apart than this (relative) mean variable frame rate."""
VFR_IRREGULAR_SHARE = 0.01
"""Share of frame intervals off the nominal interval above which timestamps are called variable."""
_STDERR_TAIL_CHARS = 2000
TEXT_ART_CODECS = frozenset({"ansi", "bintext", "xbin", "idf", "tty"})
"""ffmpeg "decodes" any text or random bytes as these terminal-art codecs; they are never footage."""


def probe(path: Path, *, timeout_s: float = 30.0) -> MediaInfo:
    """Describe ``path``'s first video stream, read in this process (``ffprobe`` where that is unsure).

    Raises:
        MediaError: the file is missing, empty, unreadable, has no video stream, or reading it timed
            out (see the module docstring for the codes); ``stderr_tail`` holds the end of ffprobe's
            output when ffprobe decided.
    """
    _check_file(path)
    data = probe_data_with_pyav(path, timeout_s=timeout_s)
    if data is not None:
        try:
            return media_info_from_ffprobe(path, data)
        except MediaError:
            pass  # not usable: ffprobe gives the reason, with its own words in stderr_tail
    return probe_with_ffprobe(path, timeout_s=timeout_s)


def probe_with_ffprobe(path: Path, *, timeout_s: float = 30.0) -> MediaInfo:
    """Describe ``path``'s first video stream as one ``ffprobe`` process reads it.

    Raises:
        MediaError: as :func:`probe`; ``stderr_tail`` holds the end of ffprobe's output.
    """
    _check_file(path)
    command = [
        "ffprobe",
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-show_entries",
        "packet=stream_index,pts,dts",
        "-read_intervals",
        f"%+#{PROBE_PACKETS}",
        str(path),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        tail = _tail(exc.stderr)
        raise MediaError(
            f"{path}: ffprobe did not finish within {timeout_s:g} s", code="probe_timeout", stderr_tail=tail
        ) from exc
    stderr = _tail(result.stderr)
    if result.returncode != 0:
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {result.returncode}"
        raise MediaError(
            f"{path}: not a readable media file ({reason})", code="corrupt_media", stderr_tail=stderr
        )
    try:
        data = json.loads(result.stdout.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise MediaError(
            f"{path}: ffprobe gave unreadable output", code="corrupt_media", stderr_tail=stderr
        ) from exc
    return media_info_from_ffprobe(path, data, stderr_tail=stderr)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise MediaError(f"{path}: no such file", code="file_not_found")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)", code="empty_file")


def media_info_from_ffprobe(path: Path, data: Mapping[str, Any], *, stderr_tail: str = "") -> MediaInfo:
    """Build a ``MediaInfo`` from ffprobe's JSON (``-show_format -show_streams`` and optional packets),
    as ffprobe prints it or as :func:`montage.media.pyav_probe.probe_data_with_pyav` reads it.

    Raises:
        MediaError: ``corrupt_media`` when there is no format section, ``no_video_stream`` when no
            real video stream (cover pictures do not count) is present.
    """
    fmt = data.get("format")
    streams: Sequence[Mapping[str, Any]] = data.get("streams") or []
    if not isinstance(fmt, Mapping):
        raise MediaError(f"{path}: ffprobe found no container", code="corrupt_media", stderr_tail=stderr_tail)
    videos = [s for s in streams if s.get("codec_type") == "video" and not _is_cover_picture(s)]
    if not videos:
        kinds = sorted({str(s.get("codec_type")) for s in streams}) or ["none"]
        raise MediaError(
            f"{path}: no video stream (streams: {', '.join(kinds)})",
            code="no_video_stream",
            stderr_tail=stderr_tail,
        )
    video = videos[0]
    if str(video.get("codec_name")) in TEXT_ART_CODECS:
        raise MediaError(
            f"{path}: not a video file (ffmpeg could only read it as {video.get('codec_name')} text art)",
            code="corrupt_media",
            stderr_tail=stderr_tail,
        )
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MediaError(
            f"{path}: the video stream has no frame size", code="corrupt_media", stderr_tail=stderr_tail
        )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    rotation = rotation_of(video)
    sar = _rational(video.get("sample_aspect_ratio")) or (1, 1)
    display_width, display_height = display_size(width, height, sar, rotation)
    fps = _rational(video.get("r_frame_rate"))
    avg_fps = _rational(video.get("avg_frame_rate"))
    pts = _video_packet_pts(data.get("packets") or [], int(video.get("index", 0)))
    time_base = _rational(video.get("time_base"))
    fps, is_vfr = frame_rate_and_vfr(fps, avg_fps, pts, time_base)
    return MediaInfo(
        path=path,
        container=str(fmt.get("format_name") or ""),
        duration_s=_duration(fmt, video),
        video_codec=str(video.get("codec_name") or "unknown"),
        width=width,
        height=height,
        display_width=display_width,
        display_height=display_height,
        fps=fps,
        avg_fps=avg_fps,
        is_vfr=is_vfr,
        rotation=rotation,
        sar=sar,
        has_audio=audio is not None,
        audio_codec=None if audio is None else str(audio.get("codec_name") or "unknown"),
        audio_sample_rate=None if audio is None else _int(audio.get("sample_rate")),
        audio_channels=None if audio is None else _int(audio.get("channels")),
        nb_frames=_frame_count(video),
        tags={str(k): str(v) for k, v in (fmt.get("tags") or {}).items()},
        subtitle_streams=sum(1 for s in streams if s.get("codec_type") == "subtitle"),
        start_time_s=_float(fmt.get("start_time")) or 0.0,
        video_start_time_s=_float(video.get("start_time")) or 0.0,
        video_duration_s=_positive(_float(video.get("duration"))),
    )


def rotation_of(stream: Mapping[str, Any]) -> int:
    """Return the clockwise turn (0/90/180/270) that makes this video stream's frames upright.

    The display matrix (``side_data_list``) wins over the legacy ``rotate`` tag. ffprobe reports the
    matrix angle counter-clockwise, so it is negated — exactly what ffmpeg's auto-rotation does. The
    legacy tag is already clockwise. Angles are rounded to the nearest quarter turn; flips are ignored.
    """
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            return _quarter_turn(-float(side_data["rotation"]))
    tag = (stream.get("tags") or {}).get("rotate")
    if tag is not None:
        try:
            return _quarter_turn(float(tag))
        except ValueError:
            return 0
    return 0


def frame_rate_and_vfr(
    fps: Rational | None, avg_fps: Rational | None, pts: Sequence[int], time_base: Rational | None
) -> tuple[Rational | None, bool]:
    """Decide the nominal frame rate and whether the stream has a variable frame rate.

    VFR when the nominal rate (``r_frame_rate``) and the average rate differ by more than 1 %, or when
    more than 1 % of the intervals between consecutive presentation timestamps (of the probed packets)
    are off the nominal interval by more than 5 % (and more than 1.5 timestamp ticks, so millisecond
    timestamps of 23.976 fps Matroska files stay constant). One exception: a nominal rate of exactly
    twice the average with regular timestamps at the average rate is an interlaced field rate, so the
    average becomes the frame rate and the stream is constant.
    """
    intervals = _intervals(pts)
    tick = Fraction(*time_base) if time_base is not None and time_base[0] > 0 else None
    if fps is None or fps[0] <= 0:
        fps = avg_fps if avg_fps is not None and avg_fps[0] > 0 else None
    if fps is None:
        return None, False
    irregular = 0.0 if tick is None else _irregular_share(intervals, Fraction(*fps), tick)
    if avg_fps is None or avg_fps[0] <= 0:
        return fps, irregular > VFR_IRREGULAR_SHARE
    nominal, average = Fraction(*fps), Fraction(*avg_fps)
    field_rate_of_regular_frames = (
        nominal == 2 * average
        and tick is not None
        and bool(intervals)
        and _irregular_share(intervals, average, tick) <= VFR_IRREGULAR_SHARE
    )
    if field_rate_of_regular_frames:
        return avg_fps, False
    rates_differ = abs(float(nominal - average)) > VFR_RATE_TOLERANCE * float(nominal)
    return fps, rates_differ or irregular > VFR_IRREGULAR_SHARE


def _irregular_share(intervals: Sequence[int], rate: Fraction, time_base: Fraction) -> float:
    if not intervals:
        return 0.0
    expected_ticks = float(1 / (rate * time_base))
    allowed = max(1.5, 0.05 * expected_ticks)
    off = sum(1 for step in intervals if abs(step - expected_ticks) > allowed)
    return off / len(intervals)


def _intervals(pts: Sequence[int]) -> list[int]:
    ordered = sorted(set(pts))
    return [b - a for a, b in pairwise(ordered)]


def _video_packet_pts(packets: Sequence[Mapping[str, Any]], stream_index: int) -> list[int]:
    values: list[int] = []
    for packet in packets:
        if int(packet.get("stream_index", -1)) != stream_index:
            continue
        stamp = packet.get("pts", packet.get("dts"))
        if isinstance(stamp, int):
            values.append(stamp)
    return values


def _is_cover_picture(stream: Mapping[str, Any]) -> bool:
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _duration(fmt: Mapping[str, Any], video: Mapping[str, Any]) -> float | None:
    for value in (fmt.get("duration"), video.get("duration")):
        seconds = _float(value)
        if seconds is not None and seconds > 0:
            return seconds
    return None


def _frame_count(video: Mapping[str, Any]) -> int | None:
    count = _int(video.get("nb_frames"))
    if count is None:
        tags = {str(k).upper(): v for k, v in (video.get("tags") or {}).items()}
        count = _int(tags.get("NUMBER_OF_FRAMES"))
    return count if count is not None and count > 0 else None


def _quarter_turn(degrees: float) -> int:
    return (round(degrees / 90.0) * 90) % 360


def _rational(value: object) -> Rational | None:
    if not isinstance(value, str):
        return None
    for separator in ("/", ":"):
        if separator in value:
            num, _, den = value.partition(separator)
            try:
                n, d = int(num), int(den)
            except ValueError:
                return None
            if n <= 0 or d <= 0:
                return None
            reduced = Fraction(n, d)
            return reduced.numerator, reduced.denominator
    return None


def _float(value: object) -> float | None:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _tail(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return text[-_STDERR_TAIL_CHARS:]
