"""Words from a video's file and folder names, with version markers, codecs and filler dropped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from indexer.discover import VIDEO_EXTENSIONS

JUNK_NAME_WORDS: frozenset[str] = (
    frozenset(
        """final finals copy preview draft edit edited export exported render rendered master proxy temp
    tmp new old
    version ver backup bak hd sd uhd fhd qhd hdr sdr hevc avc h264 h265 x264 x265 prores dnxhd mpeg
    raw web full sample samples stock footage video videos clip clips file untitled img dsc dscn dscf mvi
    gopr gp gx vid pxl mov""".split()  # noqa: SIM905
    )
    | VIDEO_EXTENSIONS
)
"""Words dropped from file and folder names: version markers, codecs, camera prefixes, generic nouns."""

_JUNK_CHUNK = re.compile(
    r"^(v\d+|ver\d+|take\d+|r\d+|\d{3,4}[pi]|\d+k|\d+fps|\d+x\d+|[hx]26[45]|\d+bit|\d+[km]bps|\d+hz|\d+)$"
)
_MEANINGFUL_CHUNK = re.compile(r"^((19|20)\d\d|[23]d|360|4x4|911)$")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_LETTER_DIGIT_PART = re.compile(r"\d+|[^\W\d_]+")
_CHUNK_SEPARATOR = re.compile(r"[\W_]+")


def name_words(rel_path: Path, *, extra_junk: Sequence[str] = ()) -> tuple[str, ...]:
    """Split a video's folder and file names into lower-case words.

    Separators (``_ - . space``), camelCase and letter/digit boundaries split words; version markers,
    resolutions, codecs, camera prefixes and words like "final", "copy", "preview" are dropped; numbers
    are dropped unless meaningful (years, "3d", "360"); repeats are dropped. ``rel_path`` is the path
    below the library root (only its folder and file names are used; a known video extension is removed).
    """
    junk = JUNK_NAME_WORDS | {word.lower() for word in extra_junk}
    name = rel_path.name
    if Path(name).suffix.lower().lstrip(".") in VIDEO_EXTENSIONS:
        name = Path(name).stem
    words: list[str] = []
    seen: set[str] = set()
    for part in [*rel_path.parent.parts, name]:
        if part in ("", ".", "..", "/") or part.startswith("."):
            continue
        for chunk in _CHUNK_SEPARATOR.split(part):
            for word in _chunk_words(chunk, junk):
                if word not in seen:
                    seen.add(word)
                    words.append(word)
    return tuple(words)


def _chunk_words(chunk: str, junk: frozenset[str]) -> list[str]:
    lowered = chunk.lower()
    if not lowered:
        return []
    if _MEANINGFUL_CHUNK.match(lowered):
        return [lowered]
    if _JUNK_CHUNK.match(lowered) or lowered in junk:
        return []
    pieces = _CAMEL_PART.findall(chunk) if chunk.isascii() else _LETTER_DIGIT_PART.findall(chunk)
    result: list[str] = []
    for piece in pieces:
        word = piece.lower()
        if word.isdigit():
            if _MEANINGFUL_CHUNK.match(word):
                result.append(word)
            continue
        if word in junk or (len(word) == 1 and word.isascii()):
            continue
        result.append(word)
    return result
