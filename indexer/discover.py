"""Find the video files in a footage library and give them stable identities.

``discover`` walks folders deterministically (sorted, hidden folders skipped, symlink loops cut);
``content_fingerprint`` identifies a file by its content (so a moved or renamed file keeps its shots);
``shot_id_for`` turns (fingerprint, frame span) into a stable positive 63-bit integer id.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from montage.errors import InputError

VIDEO_EXTENSIONS: frozenset[str] = frozenset(
    {
        "mp4",
        "mov",
        "mkv",
        "webm",
        "avi",
        "m4v",
        "mpg",
        "mpeg",
        "ts",
        "mts",
        "m2ts",
        "wmv",
        "flv",
        "3gp",
        "ogv",
        "mxf",
    }
)
"""File extensions (lower case, without the dot) treated as video when walking folders."""

FINGERPRINT_CHUNK_BYTES = 1024 * 1024
"""Size of each of the three chunks (start, middle, end) hashed by :func:`content_fingerprint`."""

_MAX_SHOT_ID = (1 << 63) - 1


@dataclass(frozen=True)
class DiscoveredFile:
    """A video file found under a library root.

    ``path`` is absolute and resolved (symlinks followed); ``root`` is the folder the file was found
    under (the file's parent when a single file was given); ``rel_path`` is the path as walked, relative
    to ``root``, in POSIX form (it names the folders the file sits in, which feed the file's name words).
    """

    path: Path
    root: Path
    rel_path: str


def is_video_file(path: Path) -> bool:
    """Return True when the file name has one of :data:`VIDEO_EXTENSIONS` (case-insensitive)."""
    return path.suffix.lower().lstrip(".") in VIDEO_EXTENSIONS


def discover(paths: Sequence[Path]) -> list[DiscoveredFile]:
    """Return every video file under ``paths``, in a deterministic order.

    Folders are walked depth-first with entries sorted by name; hidden folders and hidden files (name
    starting with ``.``) are skipped; symlinked folders are followed but each real folder is visited at
    most once, so symlink loops end. A file given explicitly is included whatever its extension. A file
    reachable several ways is listed once (first occurrence wins).

    Raises:
        InputError: a given path does not exist or is neither a file nor a folder.
    """
    found: list[DiscoveredFile] = []
    seen_files: set[Path] = set()
    for given in paths:
        given_path = Path(given).expanduser()
        if not given_path.exists():
            raise InputError(f"Footage path does not exist: {given_path}")
        if given_path.is_file():
            resolved = given_path.resolve()
            if resolved not in seen_files:
                seen_files.add(resolved)
                found.append(DiscoveredFile(resolved, resolved.parent, resolved.name))
            continue
        if not given_path.is_dir():
            raise InputError(f"Footage path is neither a file nor a folder: {given_path}")
        root = given_path.resolve()
        for walked in _walk_video_files(root):
            resolved = walked.resolve()
            if resolved in seen_files:
                continue
            seen_files.add(resolved)
            found.append(DiscoveredFile(resolved, root, walked.relative_to(root).as_posix()))
    return found


def _walk_video_files(root: Path) -> Iterator[Path]:
    """Yield video files under ``root`` (as walked, not resolved) in path order, each real folder once.

    Entries of a folder are taken in name order and a subfolder is walked where its name sorts, so the
    output is sorted by relative path component by component.
    """
    visited_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path]:
        try:
            stat = folder.stat()
            key = (stat.st_dev, stat.st_ino)
            if key in visited_dirs:
                return
            visited_dirs.add(key)
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                yield from walk(Path(entry.path))
            elif is_file and is_video_file(Path(entry.name)):
                yield Path(entry.path)

    yield from walk(root)


def content_fingerprint(path: Path) -> str:
    """Return a fast content fingerprint of a file (hex sha256).

    Hashes the file size plus the first, middle and last :data:`FINGERPRINT_CHUNK_BYTES`; files up to
    three chunks long are hashed whole. Renaming or moving a file keeps its fingerprint; re-encoding or
    editing it changes it (in practice).

    Raises:
        InputError: the file cannot be read.
    """
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            digest = hashlib.sha256()
            digest.update(size.to_bytes(8, "little"))
            if size <= 3 * FINGERPRINT_CHUNK_BYTES:
                digest.update(handle.read())
            else:
                for offset in (0, (size - FINGERPRINT_CHUNK_BYTES) // 2, size - FINGERPRINT_CHUNK_BYTES):
                    handle.seek(offset)
                    digest.update(handle.read(FINGERPRINT_CHUNK_BYTES))
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def shot_id_for(fingerprint: str, start_frame: int, end_frame: int) -> int:
    """Return a deterministic positive 63-bit id for the shot ``[start_frame, end_frame)`` of a file.

    The id fits a signed 64-bit database column and is never 0.
    """
    key = f"{fingerprint}:{start_frame}:{end_frame}".encode()
    value = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") & _MAX_SHOT_ID
    return value or 1
