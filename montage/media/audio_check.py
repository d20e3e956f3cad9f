"""Check that a music file is audio before a run uses it (ffprobe reads its stream list only).

A music track that is not audio (a text file, an image, a silent video) used to fail deep in the render
with a generic ``media_error``; it is refused up front with a code that names the problem:

* ``music_not_found`` — there is no such file;
* ``music_not_audio`` — ffprobe cannot read it, or it has no audio stream;
* ``probe_timeout`` — ffprobe ran longer than the timeout.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from montage.errors import InputError, MediaError
from montage.media.probe import TEXT_ART_CODECS


def audio_codecs(path: Path, *, timeout_s: float = 30.0) -> list[str] | None:
    """The codec names of ``path``'s audio streams; None when ffprobe cannot read the file at all."""
    command = ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(
            f"{path}: ffprobe did not finish within {timeout_s:g} s", code="probe_timeout"
        ) from exc
    if result.returncode != 0:
        return None
    try:
        streams = json.loads(result.stdout.decode("utf-8", errors="replace")).get("streams") or []
    except (json.JSONDecodeError, AttributeError):
        return None
    return [
        str(stream.get("codec_name"))
        for stream in streams
        if isinstance(stream, dict) and stream.get("codec_type") == "audio"
    ]


def require_audio(path: Path, *, what: str = "music", timeout_s: float = 30.0) -> None:
    """Raise :class:`InputError` (``{what}_not_found`` / ``{what}_not_audio``) unless ``path`` holds audio."""
    if not path.is_file():
        raise InputError(f"{what} file not found: {path}", code=f"{what}_not_found")
    codecs = audio_codecs(path, timeout_s=timeout_s)
    if codecs is None:
        raise InputError(
            f"{what} file {path.name} is not a media file ffmpeg can read", code=f"{what}_not_audio"
        )
    if not [codec for codec in codecs if codec not in TEXT_ART_CODECS]:
        raise InputError(f"{what} file {path.name} has no audio stream", code=f"{what}_not_audio")
