"""Where an export's files go and how its timeline addresses media: absolute paths, or a bundled folder.

*Absolute*: the timeline names every file where it lies now (``relink`` rewrites path prefixes for a machine
that mounts the media elsewhere). *Bundled*: the used files are hard-linked (copied across file systems)
into ``media/`` of the project folder and named relative to it, so the folder opens on another machine.
Either way ``relink.csv`` lists each file: its role, where it was, what the timeline calls it, its size.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MEDIA_DIR = "media"
RELINK_MAP = "relink.csv"


@dataclass(frozen=True)
class Placement:
    """One media file: its role, where it is read from, and the address written into the timeline."""

    role: str
    source: Path
    address: str


def _rewrite(path: Path, relink: Mapping[str, str]) -> str:
    """``path`` with the longest matching prefix of ``relink`` replaced (POSIX form)."""
    text = path.as_posix()
    for old in sorted(relink, key=len, reverse=True):
        prefix = old.rstrip("/")
        if text == prefix or text.startswith(prefix + "/"):
            return relink[old].rstrip("/") + text[len(prefix) :]
    return text


def as_url(address: str, file_urls: bool) -> str:
    """An absolute address as a ``file://`` URL when the format wants one; relative ones stay paths."""
    if not file_urls or not address.startswith("/"):
        return address
    return Path(address).as_uri()


def _bundle_name(source: Path, taken: set[str]) -> str:
    name = source.name
    if name in taken:
        digest = hashlib.sha1(str(source).encode()).hexdigest()[:8]
        name = f"{source.stem}-{digest}{source.suffix}"
    taken.add(name)
    return name


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def place_media(
    files: Mapping[Path, str],
    *,
    project: Path,
    bundle: bool,
    relink: Mapping[str, str],
    inside: frozenset[Path] = frozenset(),
) -> dict[Path, Placement]:
    """Decide (and for a bundle, make) each file's place; ``files`` maps a file to its role.

    Files in ``inside`` were made inside ``project`` (cards, end card) and are always addressed relative
    to it in a bundle.
    """
    placements: dict[Path, Placement] = {}
    taken: set[str] = set()
    for source, role in files.items():
        if bundle and source in inside:
            address = PurePosixPath(source.relative_to(project).as_posix()).as_posix()
        elif bundle:
            name = f"{MEDIA_DIR}/{_bundle_name(source, taken)}"
            _link_or_copy(source, project / name)
            address = name
        else:
            address = _rewrite(source.resolve(), relink)
        placements[source] = Placement(role, source, address)
    return placements


def write_relink_map(
    placements: Mapping[Path, Placement], path: Path, show_path: Callable[[str], str] | None = None
) -> Path:
    """``relink.csv``: role, original path (through ``show_path``), address in the timeline, size in bytes."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "original_path", "timeline_path", "size_bytes"])
        for placement in placements.values():
            size = placement.source.stat().st_size if placement.source.is_file() else ""
            original = show_path(str(placement.source)) if show_path else str(placement.source)
            writer.writerow([placement.role, original, placement.address, size])
    return path
