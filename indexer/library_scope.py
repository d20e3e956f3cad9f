"""Keep an index run inside its library: report refused symlinks, drop sources stored from outside.

:func:`indexer.discover.scan_library` refuses files whose real path leaves the library roots; this module
turns those refusals into report entries and log lines, and removes sources an earlier run stored from
outside the library (through a symlink, before such links were refused).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from indexer.discover import RefusedPath
from montage.db.repositories.sources import source_places

log = logging.getLogger(__name__)


def library_folders(requested: Sequence[Path], library_roots: Sequence[Path]) -> list[Path]:
    """The folders an index run may read from: the requested folders and the configured library roots."""
    folders = [Path(p).expanduser().resolve() for p in library_roots]
    folders += [path for path in requested if path.is_dir()]
    return folders


def report_refused(refused: Sequence[RefusedPath]) -> list[dict[str, str]]:
    """Log each refused path (with where it really leads, for the operator) and return report entries.

    The entries name the path inside the library and the reason, never the symlink's target.
    """
    entries: list[dict[str, str]] = []
    for item in refused:
        try:
            target = str(item.path.resolve())
        except (OSError, RuntimeError) as exc:
            target = f"unresolvable ({exc})"
        log.warning("refused %s: %s (it leads to %s)", item.path, item.reason, target)
        entries.append({"path": str(item.path), "reason": item.reason})
    return entries


def sources_outside(session: Session, roots: Sequence[Path], library: Sequence[Path]) -> list[int]:
    """Ids of the stored sources found under ``roots`` whose file lies outside every folder of ``library``."""
    searched = [r for r in roots if r.is_dir()]
    found: list[int] = []
    for source_id, path, library_root in source_places(session):
        root = Path(library_root)
        if not any(root == r or root.is_relative_to(r) for r in searched):
            continue
        if not any(Path(path).is_relative_to(folder) for folder in library):
            found.append(source_id)
    return found
