"""Library manifests: a CSV or JSON file listing videos and what to say about them.

:func:`load_manifest` reads one (problems with rows are recorded, never fatal); :func:`find_manifest`
finds the manifest a library folder holds under one of :data:`MANIFEST_NAMES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Protocol

from indexer.library_text.fields import TextFields, fields_from_mapping
from indexer.library_text.manifest_rows import ManifestProblem, csv_rows, json_rows
from montage.errors import InputError
from montage.text.decoding import NotTextError, decode_bytes

MANIFEST_NAMES = ("manifest.csv", "manifest.json")
"""File names (compared case-insensitively) under which a library folder's manifest is found."""


class ManifestLookup(Protocol):
    """Anything that says what manifests say about a video: a :class:`Manifest`, or several with memory."""

    def get(self, video_path: Path) -> TextFields | None:
        """Return the manifest fields of a video, or None when no manifest lists it."""
        ...


@dataclass(frozen=True, kw_only=True)
class ManifestEntry(TextFields):
    """One manifest row: a video (resolved absolute path) and what the manifest says about it."""

    path: Path
    line: int


@dataclass
class Manifest:
    """A loaded manifest: entries by resolved video path, plus the problems met while reading it."""

    path: Path
    entries: dict[Path, ManifestEntry] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)

    def get(self, video_path: Path) -> ManifestEntry | None:
        """Return the entry for a video (any spelling of its path), or None."""
        return self.entries.get(Path(video_path).expanduser().resolve())

    def __len__(self) -> int:
        return len(self.entries)

    def merged_with(self, other: Manifest) -> Manifest:
        """Return a manifest holding this one's entries plus those of ``other`` for videos not yet listed.

        Entries of ``self`` win on conflicts; problems of both are kept (in order).
        """
        merged = Manifest(path=self.path, entries=dict(self.entries), problems=list(self.problems))
        for video_path, entry in other.entries.items():
            merged.entries.setdefault(video_path, entry)
        merged.problems.extend(other.problems)
        return merged

    def missing_files(self) -> list[ManifestEntry]:
        """Return the entries whose video file does not exist."""
        return [entry for entry in self.entries.values() if not entry.path.is_file()]


def find_manifest(folder: Path) -> Path | None:
    """Return the manifest of a library folder (``manifest.csv`` or ``manifest.json``, any case), or None."""
    if not folder.is_dir():
        return None
    by_lower = {entry.name.lower(): entry for entry in sorted(folder.iterdir()) if entry.is_file()}
    for name in MANIFEST_NAMES:
        if name in by_lower:
            return by_lower[name]
    return None


def load_manifest(path: Path) -> Manifest:
    """Load a CSV (or TSV / ``;``-separated) or JSON manifest.

    Relative video paths are relative to the manifest's folder. A malformed row is recorded in
    :attr:`Manifest.problems` (line number and reason) and skipped; a bad field in an otherwise good row
    is recorded and ignored. JSON may be a list of objects, an object holding such a list under
    ``entries``/``clips``/``videos``/``items``/``files``, or an object mapping paths to objects.

    Raises:
        InputError: the file cannot be read, is not text, is not CSV/JSON, is not valid JSON, or has no
            path column.
    """
    path = Path(path).expanduser().resolve()
    try:
        text = decode_bytes(path.read_bytes()).lstrip("\ufeff")
    except OSError as exc:
        raise InputError(f"Cannot read manifest {path}: {exc.strerror or exc}") from exc
    except NotTextError as exc:
        raise InputError(f"Manifest {path} is not text: {exc}") from exc
    manifest = Manifest(path=path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        rows = csv_rows(text, path, manifest.problems)
    elif suffix == ".json":
        rows = json_rows(text, path, manifest.problems)
    else:
        raise InputError(f"Manifest must be a .csv or .json file: {path}")
    for line, raw in rows:
        _add_entry(manifest, line, raw)
    return manifest


def _add_entry(manifest: Manifest, line: int, raw: Mapping[str, object]) -> None:
    text_fields, raw_path, problems = fields_from_mapping(raw)
    if not raw_path:
        reason = "path must be text" if "path must be text" in problems else "no path given"
        manifest.problems.append(ManifestProblem(line, f"{reason}; row skipped"))
        return
    try:
        video_path = _resolve_manifest_path(raw_path, manifest.path.parent)
    except (OSError, RuntimeError, ValueError) as exc:  # an unknown ~user, a name the OS refuses
        manifest.problems.append(
            ManifestProblem(line, f"path {raw_path!r} cannot be resolved ({exc}); row skipped")
        )
        return
    if _leaves_folder(raw_path, video_path, manifest.path.parent):
        reason = f"path {raw_path!r} leaves the manifest's folder; row skipped"
        manifest.problems.append(ManifestProblem(line, reason))
        return
    existing = manifest.entries.get(video_path)
    if existing is not None:
        reason = f"duplicate entry for {raw_path} (first on line {existing.line}); row skipped"
        manifest.problems.append(ManifestProblem(line, reason))
        return
    manifest.problems.extend(ManifestProblem(line, problem) for problem in problems)
    values = {f.name: getattr(text_fields, f.name) for f in fields(TextFields)}
    manifest.entries[video_path] = ManifestEntry(path=video_path, line=line, **values)


def _leaves_folder(raw_path: str, resolved: Path, folder: Path) -> bool:
    """True for a relative manifest path ("../../etc/passwd") that resolves outside the manifest's folder."""
    relative = not Path(raw_path.replace("\\", "/")).expanduser().is_absolute()
    return relative and not resolved.is_relative_to(folder.resolve())


def _resolve_manifest_path(raw_path: str, base: Path) -> Path:
    candidate = Path(raw_path.replace("\\", "/")).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    return candidate.resolve()
