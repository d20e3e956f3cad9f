"""An export as one ZIP file (what the API hands out): the timeline files and their folder, paths kept."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from montage.export.write import ExportResult

_STORED = frozenset({".mp4", ".mov", ".m4a", ".mp3", ".aac", ".jpg", ".png", ".mkv", ".webm"})
"""Suffixes of files that are compressed already (stored as they are)."""


def _members(result: ExportResult) -> list[Path]:
    files = [p for p in result.folder.rglob("*") if p.is_file()]
    return sorted({*files, *result.paths.values()})


def zip_export(result: ExportResult, zip_path: Path) -> Path:
    """Write every file of ``result`` into ``zip_path`` (a temp file renamed into place); returns it.

    Paths inside the ZIP are relative to the folder holding the export, so relative media addresses of a
    bundle stay valid when it is unpacked anywhere.
    """
    base = result.folder.parent
    temp = zip_path.with_name(f".{zip_path.name}.{os.getpid()}.part")
    with zipfile.ZipFile(temp, "w") as archive:
        for member in _members(result):
            kind = zipfile.ZIP_STORED if member.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
            archive.write(member, member.relative_to(base).as_posix(), compress_type=kind)
    os.replace(temp, zip_path)
    return zip_path
