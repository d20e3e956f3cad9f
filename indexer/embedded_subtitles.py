"""Read text subtitles muxed inside a video container (MKV, MP4 mov_text, ...) with ffmpeg.

Only text subtitle codecs can be turned into words; bitmap subtitles (DVD, PGS, DVB) are skipped with a
reason, logged at INFO level and available from :func:`choose_text_stream`.
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.subtitles import parse_subtitles
from montage.errors import MediaError
from montage.text.cues import Cue
from montage.text.languages import same_language

logger = logging.getLogger(__name__)

TEXT_SUBTITLE_CODECS: frozenset[str] = frozenset(
    {
        "subrip",
        "srt",
        "ass",
        "ssa",
        "webvtt",
        "mov_text",
        "text",
        "microdvd",
        "subviewer",
        "subviewer1",
        "sami",
        "realtext",
        "jacosub",
        "mpl2",
        "pjs",
        "vplayer",
        "stl",
        "ttml",
    }
)
"""ffmpeg codec names of subtitle formats that carry text (and can be converted to SRT)."""

BITMAP_SUBTITLE_CODECS: frozenset[str] = frozenset(
    {"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub", "dvb_teletext", "arib_caption"}
)
"""ffmpeg codec names of subtitle formats that are pictures (no text without OCR)."""

_STDERR_TAIL_CHARS = 2000


@dataclass(frozen=True)
class SubtitleStream:
    """A subtitle stream of a file: its position among the subtitle streams (``0:s:N``), codec, language."""

    subtitle_index: int
    codec: str
    language: str | None


def list_subtitle_streams(path: Path, *, timeout_s: float = 30.0) -> list[SubtitleStream]:
    """Return the subtitle streams of a media file, in container order (runs ffprobe).

    Raises:
        MediaError: ffprobe failed, timed out or returned unreadable output.
    """
    command = [
        "ffprobe",
        "-v",
        "error",
        "-select_streams",
        "s",
        "-show_entries",
        "stream=index,codec_name:stream_tags=language",
        "-of",
        "json",
        str(path),
    ]
    stdout = _run(command, path, timeout_s, what="list subtitle streams of")
    try:
        streams = json.loads(stdout or b"{}").get("streams", [])
    except (json.JSONDecodeError, AttributeError) as exc:
        raise MediaError(f"ffprobe returned unreadable output for {path}") from exc
    result: list[SubtitleStream] = []
    for position, stream in enumerate(streams):
        tags = stream.get("tags") or {}
        language = tags.get("language") or None
        result.append(SubtitleStream(position, str(stream.get("codec_name") or "unknown"), language))
    return result


def choose_text_stream(
    streams: Sequence[SubtitleStream], preferred_languages: Sequence[str] = ()
) -> tuple[SubtitleStream | None, str]:
    """Pick the subtitle stream to read: the first text stream in a preferred language, else the first one.

    Returns the stream (or None) and a human-readable reason for the choice or for skipping.
    """
    if not streams:
        return None, "no subtitle streams"
    text_streams = [s for s in streams if s.codec in TEXT_SUBTITLE_CODECS]
    if not text_streams:
        codecs = ", ".join(sorted({s.codec for s in streams}))
        kind = "bitmap" if all(s.codec in BITMAP_SUBTITLE_CODECS for s in streams) else "non-text"
        return None, f"only {kind} subtitle streams ({codecs}); text cannot be read without OCR"
    wanted = [lang.lower() for lang in preferred_languages]
    for language in wanted:
        for stream in text_streams:
            if stream.language and same_language(stream.language, language):
                return stream, f"text stream 0:s:{stream.subtitle_index} ({stream.codec}, {stream.language})"
    stream = text_streams[0]
    return stream, f"first text stream 0:s:{stream.subtitle_index} ({stream.codec})"


def extract_embedded_subtitles(
    path: Path,
    stream_count: int,
    *,
    preferred_languages: Sequence[str] = ("en",),
    timeout_s: float = 60.0,
) -> list[Cue]:
    """Return the cues of the best text subtitle stream muxed in ``path``.

    ``stream_count`` is the number of subtitle streams the probe found; with 0 no process is started.
    Bitmap-only subtitles give an empty list (the reason is logged). The chosen stream is converted with
    ``ffmpeg -map 0:s:N -f srt -`` and parsed.

    Raises:
        MediaError: ffprobe/ffmpeg failed or ran longer than ``timeout_s`` seconds.
    """
    if stream_count <= 0:
        return []
    stream, reason = choose_text_stream(list_subtitle_streams(path, timeout_s=timeout_s), preferred_languages)
    if stream is None:
        logger.info("Skipping embedded subtitles of %s: %s", path, reason)
        return []
    logger.debug("Reading embedded subtitles of %s: %s", path, reason)
    command = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        f"0:s:{stream.subtitle_index}",
        "-f",
        "srt",
        "-",
    ]
    stdout = _run(command, path, timeout_s, what="extract subtitles from")
    return parse_subtitles(stdout.decode("utf-8", errors="replace"))


def _run(command: list[str], path: Path, timeout_s: float, *, what: str) -> bytes:
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"").decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:]
        raise MediaError(
            f"Timed out after {timeout_s:g} s trying to {what} {path}", code="media_timeout", stderr_tail=tail
        ) from exc
    except FileNotFoundError as exc:
        raise MediaError(f"{command[0]} is not installed (needed to {what} {path})") from exc
    if completed.returncode != 0:
        tail = completed.stderr.decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:]
        raise MediaError(f"Could not {what} {path}: {command[0]} failed", stderr_tail=tail)
    return completed.stdout
