"""Versioned folders of one channel's index, switched atomically.

Layout under ``root/<channel>/``::

    CURRENT          the name of the live version folder (replaced by rename)
    v000007/         index.faiss + manifest.json, never modified once published
    v000008/
    .build.lock      fcntl lock held while a build publishes
    .tmp-*/          a build in progress (or left by a crashed one; removed by the next build)

A version is written under a temporary name, fsynced, renamed into place, and only then made live by
replacing ``CURRENT``. A reader that opened an older version keeps working: published files are never
rewritten, and on POSIX a removed file stays readable for whoever holds it open or mapped.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CURRENT_NAME = "CURRENT"
LOCK_NAME = ".build.lock"
_TMP_PREFIX = ".tmp-"
_VERSION = re.compile(r"^v(\d{6,})$")
_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def channel_dir(root: Path, channel: str) -> Path:
    """The folder of ``channel`` under ``root``; the channel name must be a plain lower-case word."""
    if not _CHANNEL.match(channel):
        raise ValueError(f"invalid channel name {channel!r}")
    return root / channel


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's content and metadata to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock on ``folder/.build.lock`` (waits for another process's build)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def version_name(number: int) -> str:
    """The folder name of version ``number``."""
    return f"v{number:06d}"


def published_versions(folder: Path) -> list[int]:
    """Numbers of the published version folders, ascending."""
    if not folder.is_dir():
        return []
    numbers = [int(match.group(1)) for entry in folder.iterdir() if (match := _VERSION.match(entry.name))]
    return sorted(numbers)


def current_version_dir(folder: Path) -> Path | None:
    """The live version folder named by ``CURRENT``, or None when nothing was published."""
    try:
        name = (folder / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not _VERSION.match(name):
        return None
    return folder / name


def new_staging_dir(folder: Path, number: int) -> Path:
    """A fresh temporary folder to write version ``number`` into."""
    staging = folder / f"{_TMP_PREFIX}{version_name(number)}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    return staging


def publish(folder: Path, staging: Path, number: int) -> Path:
    """Make the fully written ``staging`` folder version ``number`` and point ``CURRENT`` at it.

    Every file in ``staging`` is fsynced, then the folder is renamed into place, then ``CURRENT`` is
    replaced by rename; the parent folder is fsynced after each rename. Call with the build lock held.
    """
    for path in staging.iterdir():
        fsync_path(path)
    fsync_path(staging)
    final = folder / version_name(number)
    os.rename(staging, final)
    fsync_path(folder)
    pointer = folder / f"{_TMP_PREFIX}{CURRENT_NAME}-{uuid.uuid4().hex[:8]}"
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(final.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, folder / CURRENT_NAME)
    fsync_path(folder)
    return final


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` versions (never the live one) and stale temporary folders.

    Call with the build lock held, so no build's staging folder is removed under it.
    """
    live = current_version_dir(folder)
    removed: list[Path] = []
    for number in published_versions(folder)[:-keep] if keep > 0 else published_versions(folder):
        path = folder / version_name(number)
        if path != live:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for entry in folder.iterdir():
        if entry.name.startswith(_TMP_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
