"""Parse SubRip (SRT) and WebVTT subtitles into plain timed cues.

The parser is forgiving: byte-order marks, CRLF or CR line ends, missing index lines, missing blank lines
between cues, ``.`` or ``,`` before milliseconds, hour-less timestamps, cue settings/positions, VTT
NOTE/STYLE/REGION blocks, HTML-like styling tags, ASS override tags (``{\\an8}``) and HTML entities are all
handled. Cues whose timing cannot be read are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from montage.errors import InputError
from montage.text.cues import Cue
from montage.text.decoding import NotTextError, decode_bytes

MAX_SUBTITLE_FILE_BYTES = 20 * 1024 * 1024
"""Subtitle files larger than this are refused (no real subtitle file is this big)."""

_TIMESTAMP = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,:](\d{1,3}))?"
_TIMING_LINE = re.compile(rf"^\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}")
_TAG = re.compile(r"<[^<>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_SPACES = re.compile(r"\s+")
_INDEX_LINE = re.compile(r"^\s*\d+\s*$")


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> float:
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + millis / 1000.0


def clean_cue_text(lines: Sequence[str]) -> str:
    """Return cue text lines as one plain line: tags, ASS overrides and entities removed, spaces collapsed."""
    joined = " ".join(lines)
    joined = _ASS_OVERRIDE.sub("", joined)
    joined = _TAG.sub("", joined)
    joined = joined.replace("\\N", " ").replace("\\n", " ")
    joined = html.unescape(joined)
    return _SPACES.sub(" ", joined).strip()


def parse_subtitles(text: str) -> list[Cue]:
    """Parse SRT or WebVTT text (the two are told apart by content; both are read the same way).

    Returns cues sorted by start time, with empty cues and cues ending before they start dropped.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cues: list[Cue] = []
    timing: tuple[float, float] | None = None
    body: list[str] = []

    def finish() -> None:
        if timing is None:
            return
        cue_text = clean_cue_text(body)
        start_s, end_s = timing
        if cue_text and end_s >= start_s:
            cues.append(Cue(start_s, end_s, cue_text))

    for line in text.split("\n"):
        match = _TIMING_LINE.match(line)
        if match:
            # A timing line inside a cue means the blank separator line is missing: the line just before
            # may be the next cue's index or identifier.
            if timing is not None and body and _INDEX_LINE.match(body[-1]):
                body.pop()
            finish()
            groups = match.groups()
            timing = (_seconds(*groups[0:4]), _seconds(*groups[4:8]))
            body = []
        elif not line.strip():
            finish()
            timing = None
            body = []
        elif timing is not None:
            body.append(line)
        # Lines outside a cue (WEBVTT header, NOTE/STYLE/REGION blocks, indices, identifiers) are ignored.
    finish()
    cues.sort(key=lambda cue: (cue.start_s, cue.end_s))
    return cues


def read_subtitle_file(path: Path) -> list[Cue]:
    """Read and parse an ``.srt`` or ``.vtt`` file in any common encoding (see :mod:`montage.text.decoding`).

    Raises:
        InputError: the file cannot be read, is implausibly large or is not text.
    """
    try:
        size = path.stat().st_size
        if size > MAX_SUBTITLE_FILE_BYTES:
            raise InputError(f"Subtitle file is too large ({size} bytes): {path}")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read subtitle file {path}: {exc.strerror or exc}") from exc
    try:
        text = decode_bytes(data)
    except NotTextError as exc:
        raise InputError(f"Subtitle file {path} is not text: {exc}") from exc
    return parse_subtitles(text)


def text_between(cues: Sequence[Cue], start_s: float, end_s: float) -> str:
    """Return the text of the cues that overlap ``[start_s, end_s)``, in order, repeated lines merged.

    A cue overlaps when it starts before ``end_s`` and ends after ``start_s`` (a zero-length cue counts
    when it lies inside the span). Consecutive identical texts (rolling captions) appear once.
    """
    parts: list[str] = []
    for cue in cues:
        overlaps = cue.start_s < end_s and (cue.end_s > start_s or start_s <= cue.start_s == cue.end_s)
        if overlaps and (not parts or parts[-1] != cue.text):
            parts.append(cue.text)
    return " ".join(parts)
