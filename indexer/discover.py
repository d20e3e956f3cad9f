"""Find the video files in a footage library and give them stable identities.

``scan_library`` walks folders deterministically (sorted, hidden folders skipped, symlink loops cut) and
refuses files and folders whose real path leaves the library roots (a symlink pointing out of the library);
``discover`` is its list of files;
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


REFUSED_OUTSIDE_ROOTS = "its real path leaves the library roots (a symlink out of the library)"
"""Why a file or folder reached through a symlink that points out of the library is not indexed."""


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


@dataclass(frozen=True)
class RefusedPath:
    """A file or folder under a library root that is not indexed (nor opened), and why.

    ``path`` is the path as walked (inside ``root``, not resolved); ``rel_path`` is that path below ``root``
    in POSIX form. Where a symlink points is deliberately not kept, so reports never show it.
    """

    path: Path
    root: Path
    rel_path: str
    reason: str


@dataclass(frozen=True)
class Discovery:
    """What a library scan found: the video files to index, and the paths it refused."""

    files: list[DiscoveredFile]
    refused: list[RefusedPath]


def is_video_file(path: Path) -> bool:
    """Return True when the file name has one of :data:`VIDEO_EXTENSIONS` (case-insensitive)."""
    return path.suffix.lower().lstrip(".") in VIDEO_EXTENSIONS


def discover(paths: Sequence[Path], *, allowed_roots: Sequence[Path] = ()) -> list[DiscoveredFile]:
    """Return every video file under ``paths`` in a deterministic order (see :func:`scan_library`)."""
    return scan_library(paths, allowed_roots=allowed_roots).files


def scan_library(paths: Sequence[Path], *, allowed_roots: Sequence[Path] = ()) -> Discovery:
    """Find every video file under ``paths``, in a deterministic order, refusing paths that leave the library.

    Folders are walked depth-first with entries sorted by name; hidden folders and hidden files (name
    starting with ``.``) are skipped; symlinked folders are followed but each real folder is visited at
    most once, so symlink loops end. A file given explicitly is included whatever its extension. A file
    reachable several ways is listed once (first occurrence wins).

    The library is the folders in ``paths`` plus ``allowed_roots`` (e.g. the configured library roots). A
    file or folder met while walking whose real path (symlinks resolved) lies outside all of them is
    refused: it is neither listed nor opened, and is reported in :attr:`Discovery.refused`. A file given
    explicitly in ``paths`` is the caller's choice and is not checked.

    Raises:
        InputError: a given path does not exist or is neither a file nor a folder.
    """
    found: list[DiscoveredFile] = []
    refused: list[RefusedPath] = []
    seen_files: set[Path] = set()
    library = [Path(p).expanduser().resolve() for p in allowed_roots]
    library += [Path(p).expanduser().resolve() for p in paths if Path(p).expanduser().is_dir()]
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
        for walked, resolved, inside in _walk_video_files(root, library):
            rel_path = walked.relative_to(root).as_posix()
            if not inside:
                refused.append(RefusedPath(walked, root, rel_path, REFUSED_OUTSIDE_ROOTS))
            elif resolved not in seen_files:
                seen_files.add(resolved)
                found.append(DiscoveredFile(resolved, root, rel_path))
    return Discovery(found, refused)


def _walk_video_files(root: Path, library: Sequence[Path]) -> Iterator[tuple[Path, Path, bool]]:
    """Yield ``(path as walked, real path, inside the library)`` for the video files under ``root``.

    Each real folder is walked once. Entries of a folder are taken in name order and a subfolder is walked
    where its name sorts, so the output is sorted by relative path component by component. A symlinked
    folder whose real path is outside every folder of ``library`` is yielded (as not inside) instead of
    walked; so is a video file whose real path is outside. Nothing outside is opened.
    """
    visited_dirs: set[tuple[int, int]] = set()

    def inside(path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in library)

    def walk(folder: Path) -> Iterator[tuple[Path, Path, bool]]:
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
                resolved = Path(entry.path).resolve() if is_file or entry.is_symlink() else Path(entry.path)
            except (OSError, RuntimeError):
                continue
            if is_dir and not inside(resolved):
                yield Path(entry.path), resolved, False
            elif is_dir:
                yield from walk(Path(entry.path))
            elif is_file and is_video_file(Path(entry.name)):
                yield Path(entry.path), resolved, inside(resolved)

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
