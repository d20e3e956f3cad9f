"""Which manifests describe an index run's files, and what earlier manifests said about them.

A library's manifest is found by itself: a file named as in
:data:`~indexer.library_text.manifest.MANIFEST_NAMES` in a requested folder or in any folder above it up
to the library root holding it. Manifests given explicitly come first (they win for a video listed
twice). What manifests said about each file is stored with it (``Source.manifest_fields``), so a later run
without the manifest keeps titles, descriptions, licences and attribution: a newer manifest changes only
the fields it gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from indexer.library_text.fields import TextFields
from indexer.library_text.manifest import Manifest, find_manifest, load_manifest
from montage.db.repositories.sources import sources_under
from montage.errors import InputError


def manifest_files(
    explicit: Sequence[Path], requested: Sequence[Path], library_roots: Sequence[Path]
) -> tuple[list[Path], list[Path]]:
    """Return ``(explicit manifests, manifests found in the library)``, resolved and without repeats.

    For each requested folder (a requested file counts as its folder), its own folder and each folder
    above it up to the library root holding it are searched, nearest first; without such a root only the
    folder itself is searched.
    """
    given = list(dict.fromkeys(Path(p).expanduser().resolve() for p in explicit))
    roots = [Path(r).expanduser().resolve() for r in library_roots]
    found: list[Path] = []
    for path in requested:
        folder = path if path.is_dir() else path.parent
        top = next((root for root in roots if folder.is_relative_to(root)), folder)
        for candidate_folder in [folder, *folder.parents]:
            manifest = find_manifest(candidate_folder)
            if manifest is not None:
                resolved = manifest.resolve()
                if resolved not in given and resolved not in found:
                    found.append(resolved)
            if candidate_folder == top:
                break
    return given, found


def load_manifests(explicit: Sequence[Path], found: Sequence[Path], problems: list[str]) -> Manifest | None:
    """Load and merge manifests (earlier ones win for a video listed twice); problems go to ``problems``.

    Raises:
        InputError: an explicit manifest is missing or unreadable. A found one that cannot be read is
            reported in ``problems`` and skipped.
    """
    merged: Manifest | None = None
    for path in [*explicit, *found]:
        if not path.is_file():
            raise InputError(f"manifest not found: {path}", code="manifest_not_found")
        try:
            manifest = load_manifest(path)
        except InputError as exc:
            if path in explicit:
                raise
            problems.append(f"{path}: {exc.message}; manifest skipped")
            continue
        problems.extend(f"{path}: {problem}" for problem in manifest.problems)
        merged = manifest if merged is None else merged.merged_with(manifest)
    return merged


def remembered_fields(session: Session, folders: Sequence[Path]) -> dict[Path, TextFields]:
    """What manifests said, as stored by earlier runs, about the sources under ``folders``."""
    return {
        Path(source.path): TextFields.from_json(source.manifest_fields)
        for source in sources_under(session, [str(folder) for folder in folders])
        if source.manifest_fields
    }


@dataclass(frozen=True)
class LibraryManifests:
    """What manifests say about each video: this run's manifests, over what earlier manifests said."""

    current: Manifest | None = None
    remembered: Mapping[Path, TextFields] = field(default_factory=dict)

    def get(self, video_path: Path) -> TextFields | None:
        """Return the fields of a video: each one the current manifests give, else the remembered one."""
        path = Path(video_path).expanduser().resolve()
        entry = self.current.get(path) if self.current is not None else None
        earlier = self.remembered.get(path)
        if entry is None or earlier is None:
            return entry if entry is not None else earlier
        return entry.over(earlier)
