"""Store one JPEG keyframe per shot on disk, fanned out over 256 folders.

Layout: ``<root>/<ab>/<shot_id>.jpg`` where ``ab`` is the shot id's lowest byte in hex. Writes go to a
temporary file in the same folder and are renamed into place, so a reader never sees a half-written
JPEG and a failed write never damages the previous keyframe.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray
from PIL import Image

JPEG_QUALITY = 85
STALE_TEMP_AGE_S = 3600.0
"""Temporary files older than this are treated as left over from a crashed write and removed by prune."""

_KEYFRAME_NAME = re.compile(r"^(\d+)\.jpg$")
_FANOUT_NAME = re.compile(r"^[0-9a-f]{2}$")
_TEMP_PREFIX = ".tmp-"


class KeyframeStore:
    """Keyframe JPEGs of shots under ``root`` (created on first save)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, shot_id: int) -> Path:
        """Return where the keyframe of ``shot_id`` lives (whether or not it exists)."""
        if shot_id < 0:
            raise ValueError(f"shot ids are non-negative, got {shot_id}")
        return self.root / f"{shot_id & 0xFF:02x}" / f"{shot_id}.jpg"

    def exists(self, shot_id: int) -> bool:
        """Return True when a keyframe is stored for ``shot_id``."""
        return self.path_for(shot_id).is_file()

    def save(self, shot_id: int, image: Image.Image) -> Path:
        """Write ``image`` as the keyframe of ``shot_id`` (JPEG, quality 85) atomically; return its path.

        Images that JPEG cannot hold (alpha, palette, 16-bit) are converted to RGB first. If encoding
        fails, the previous keyframe (if any) is left untouched and no temporary file remains.
        """

        def write(handle: BinaryIO) -> None:
            rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
            rgb.save(handle, format="JPEG", quality=JPEG_QUALITY)

        return self._write_atomically(shot_id, write)

    def save_bytes(self, shot_id: int, jpeg: bytes) -> Path:
        """Store already-encoded JPEG bytes as the keyframe of ``shot_id`` atomically; return its path.

        Raises:
            ValueError: ``jpeg`` does not start with a JPEG signature.
        """
        if not jpeg.startswith(b"\xff\xd8"):
            raise ValueError(f"keyframe of shot {shot_id} is not JPEG data")
        return self._write_atomically(shot_id, lambda handle: handle.write(jpeg))

    def _write_atomically(self, shot_id: int, write: Callable[[BinaryIO], object]) -> Path:
        """Write via a temporary file in the target folder, fsync, then rename over the target."""
        target = self.path_for(shot_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".jpg", dir=target.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o644)
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        return target

    def load(self, shot_id: int) -> Image.Image:
        """Return the stored keyframe of ``shot_id``, fully read into memory.

        Raises:
            FileNotFoundError: no keyframe is stored for ``shot_id``.
        """
        path = self.path_for(shot_id)
        with Image.open(path) as image:
            image.load()
            copied: Image.Image = image.copy()
        return copied

    def stored_ids(self) -> set[int]:
        """Return the ids of every stored keyframe."""
        ids: set[int] = set()
        for folder in self._fanout_folders():
            for entry in folder.iterdir():
                match = _KEYFRAME_NAME.match(entry.name)
                if match:
                    ids.add(int(match.group(1)))
        return ids

    def prune(self, keep_ids: NDArray[np.int64]) -> int:
        """Delete keyframes whose shot id is not in ``keep_ids``; return how many were deleted.

        Also removes stale temporary files from crashed writes. Files that do not look like keyframes
        are left alone; fan-out folders are kept (a concurrent save may be about to use them).
        """
        removed = 0
        now = time.time()
        for folder in self._fanout_folders():
            keyframes: list[tuple[int, Path]] = []
            for entry in list(folder.iterdir()):
                match = _KEYFRAME_NAME.match(entry.name)
                if match:
                    keyframes.append((int(match.group(1)), entry))
                elif entry.name.startswith(_TEMP_PREFIX):
                    with contextlib.suppress(FileNotFoundError):
                        if now - entry.stat().st_mtime > STALE_TEMP_AGE_S:
                            entry.unlink()
            found = np.array([shot_id for shot_id, _ in keyframes], dtype=np.int64)
            for (_shot_id, entry), kept in zip(keyframes, np.isin(found, keep_ids), strict=True):
                if not kept:
                    with contextlib.suppress(FileNotFoundError):
                        entry.unlink()
                        removed += 1
        return removed

    def _fanout_folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and _FANOUT_NAME.match(p.name))
