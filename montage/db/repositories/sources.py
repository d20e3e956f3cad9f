"""Queries over footage sources."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from montage.db.models import Shot, Source


def source_by_path(session: Session, path: str) -> Source | None:
    """The source stored for an absolute path, if any."""
    return session.scalars(select(Source).where(Source.path == path)).one_or_none()


def sources_by_path(session: Session) -> dict[str, Source]:
    """Every source keyed by its absolute path."""
    return {source.path: source for source in session.scalars(select(Source))}


def sources_under(session: Session, folders: Sequence[str]) -> list[Source]:
    """Sources whose path lies inside any of the given absolute folders (or equals a given file path)."""
    result: list[Source] = []
    for source in session.scalars(select(Source).order_by(Source.path)):
        for folder in folders:
            if source.path == folder or source.path.startswith(folder.rstrip("/") + "/"):
                result.append(source)
                break
    return result


def list_sources(session: Session, *, status: str | None = None) -> list[Source]:
    """All sources, optionally only those with a given status, ordered by path."""
    query = select(Source).order_by(Source.path)
    if status is not None:
        query = query.where(Source.status == status)
    return list(session.scalars(query))


def count_sources_by_status(session: Session) -> dict[str, int]:
    """Number of sources per status."""
    rows = session.execute(select(Source.status, func.count()).group_by(Source.status))
    return {status: count for status, count in rows}


def find_source(session: Session, path_or_rel: str) -> Source | None:
    """Find a source by absolute path or by its path relative to its library root."""
    found = source_by_path(session, path_or_rel)
    if found is not None:
        return found
    matches = list(session.scalars(select(Source).where(Source.rel_path == path_or_rel)))
    return matches[0] if len(matches) == 1 else None


def shot_count(session: Session) -> int:
    """Total number of shots in the library."""
    return int(session.scalar(select(func.count()).select_from(Shot)) or 0)
