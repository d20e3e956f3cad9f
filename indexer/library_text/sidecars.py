"""Sidecar files beside a video: ``NAME.json`` (fields), ``NAME.txt`` (description), subtitles.

Subtitles are ``NAME.srt``/``NAME.vtt`` or ``NAME.<lang>.srt|vtt``. Unreadable or malformed sidecars
become warnings, never errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.library_text.fields import SPACES, TextFields, fields_from_mapping
from indexer.library_text.options import LibraryTextOptions
from indexer.subtitles import read_subtitle_file
from montage.errors import InputError
from montage.text.cues import Cue
from montage.text.decoding import NotTextError, decode_bytes
from montage.text.languages import primary_language


@dataclass(frozen=True)
class Sidecars:
    """Files beside a video that describe it; subtitles ordered best first."""

    json: Path | None = None
    text: Path | None = None
    subtitles: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SidecarText:
    """What the sidecar files of a video say (already read and parsed)."""

    fields: TextFields | None = None
    description: str | None = None
    subtitles: tuple[Cue, ...] = ()
    warnings: tuple[str, ...] = ()


@lru_cache(maxsize=256)
def _folder_file_names(folder: Path, mtime_ns: int) -> tuple[str, ...]:
    """Names of the files in a folder; cached per folder modification time (mtime changes on add/remove)."""
    del mtime_ns  # only part of the cache key
    try:
        return tuple(sorted(entry.name for entry in folder.iterdir()))
    except OSError:
        return ()


def find_sidecars(video_path: Path, preferred_languages: Sequence[str] = ("en",)) -> Sidecars:
    """Find ``NAME.json``, ``NAME.txt`` and ``NAME[.<lang>].srt|vtt`` beside a video (case-insensitive).

    ``NAME`` is the file name without its extension (``NAME.mp4.json`` is accepted too). Subtitles are
    ordered: no language tag, then ``preferred_languages`` in order, then others by name; ``.srt``
    before ``.vtt``.
    """
    folder = video_path.parent
    try:
        mtime_ns = folder.stat().st_mtime_ns
    except OSError:
        return Sidecars()
    names = _folder_file_names(folder, mtime_ns)
    stem = video_path.stem.lower()
    full = video_path.name.lower()
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)

    def pick(suffix: str) -> Path | None:
        for candidate in (stem + suffix, full + suffix):
            if candidate in by_lower:
                return folder / by_lower[candidate]
        return None

    subtitle_pattern = re.compile(
        rf"^{re.escape(stem)}(?:\.([a-z]{{2,3}}(?:[-_][a-z0-9]{{2,8}})?))?\.(srt|vtt)$"
    )
    wanted = [lang.lower() for lang in preferred_languages]
    wanted_primary = [primary_language(lang) for lang in wanted]
    ranked: list[tuple[tuple[int, str, int], Path]] = []
    for lower, name in by_lower.items():
        match = subtitle_pattern.match(lower)
        if not match:
            continue
        language = match.group(1)
        if language is None:
            rank = 0
        elif language in wanted:
            rank = 1 + wanted.index(language)
        elif primary_language(language) in wanted_primary:
            rank = 1 + wanted_primary.index(primary_language(language))
        else:
            rank = 1 + len(wanted)
        ranked.append(((rank, language or "", 0 if match.group(2) == "srt" else 1), folder / name))
    ranked.sort()
    return Sidecars(json=pick(".json"), text=pick(".txt"), subtitles=tuple(path for _, path in ranked))


def read_sidecars(video_path: Path, options: LibraryTextOptions | None = None) -> SidecarText:
    """Read the sidecar files of a video. Unreadable or malformed sidecars become warnings, never errors."""
    options = options or LibraryTextOptions()
    found = find_sidecars(video_path, options.subtitle_languages)
    warnings: list[str] = []
    sidecar_fields: TextFields | None = None
    description: str | None = None
    if found.json is not None:
        raw = _read_small_text(found.json, options.max_sidecar_bytes, warnings)
        if raw is not None:
            try:
                document = json.loads(raw)
            except json.JSONDecodeError as exc:
                warnings.append(f"{found.json.name}: not valid JSON (line {exc.lineno}: {exc.msg}); ignored")
            else:
                if isinstance(document, dict):
                    sidecar_fields, _, problems = fields_from_mapping(document)
                    warnings.extend(f"{found.json.name}: {problem}" for problem in problems)
                else:
                    warnings.append(f"{found.json.name}: must be a JSON object; ignored")
    if found.text is not None:
        raw = _read_small_text(found.text, options.max_sidecar_bytes, warnings)
        if raw is not None:
            description = SPACES.sub(" ", raw).strip() or None
    subtitles: tuple[Cue, ...] = ()
    for subtitle_path in found.subtitles:
        try:
            cues = read_subtitle_file(subtitle_path)
        except InputError as exc:
            warnings.append(f"{subtitle_path.name}: {exc.message}")
            continue
        if cues:
            subtitles = tuple(cues)
            break
        warnings.append(f"{subtitle_path.name}: no readable cues")
    return SidecarText(sidecar_fields, description, subtitles, tuple(warnings))


def _read_small_text(path: Path, max_bytes: int, warnings: list[str]) -> str | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            warnings.append(f"{path.name}: larger than {max_bytes} bytes; ignored")
            return None
        return decode_bytes(path.read_bytes()).lstrip("\ufeff")
    except OSError as exc:
        warnings.append(f"{path.name}: cannot be read ({exc.strerror or exc}); ignored")
        return None
    except NotTextError as exc:
        warnings.append(f"{path.name}: {exc} Ignored.")
        return None
